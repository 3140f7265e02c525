package io.omniforge.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rules of one trust level, applied in order to a text or to a JSON tree. Stateless and thread-safe: every call
 * counts its findings into the map it is given, and returns the same instance when it found nothing.
 */
final class Redactor {

    private static final Set<String> PASSWORD_WORDS = Set.of("password", "passwd", "pwd", "passphrase", "passcode");
    private static final Set<String> SECRET_WORDS = Set.of("secret", "secrets", "apikey", "privatekey", "authorization");

    private final List<Rule> rules;

    Redactor(List<Rule> rules) {
        this.rules = List.copyOf(rules);
    }

    /** The text with every finding replaced by its placeholder; the same instance when there was none. */
    String redact(String text, Map<String, Integer> counts) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String out = text;
        for (Rule rule : rules) {
            out = rule.apply(out, counts);
        }
        return out;
    }

    /**
     * A JSON value with every string (and every integer, which may be a card number) redacted as a text, every field
     * name too, and the whole value of a field whose name says it holds a credential ({@link #credentialKey}).
     * Returns the same node when nothing was found.
     */
    JsonNode redact(JsonNode node, Map<String, Integer> counts) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            String text = node.textValue();
            String out = redact(text, counts);
            return out == text ? node : TextNode.valueOf(out);
        }
        if (node.isIntegralNumber()) {
            String text = node.asText();
            String out = redact(text, counts);
            return out == text ? node : TextNode.valueOf(out);
        }
        if (node.isArray()) {
            ArrayNode copy = null;
            for (int i = 0; i < node.size(); i++) {
                JsonNode item = node.get(i);
                JsonNode out = redact(item, counts);
                if (out != item) {
                    if (copy == null) {
                        copy = ((ArrayNode) node).deepCopy();
                    }
                    copy.set(i, out);
                }
            }
            return copy == null ? node : copy;
        }
        if (node.isObject()) {
            return redactObject((ObjectNode) node, counts);
        }
        return node;
    }

    private JsonNode redactObject(ObjectNode node, Map<String, Integer> counts) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        boolean changed = false;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext();) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            String kind = credentialKey(field.getKey());
            JsonNode redacted;
            if (kind != null && holdsValue(value)) {
                redacted = TextNode.valueOf(Rule.placeholder(kind));
                counts.merge(kind, 1, Integer::sum);
            } else {
                redacted = redact(value, counts);
            }
            String name = redact(field.getKey(), counts);
            if (name != field.getKey()) {
                String unique = name;
                for (int n = 2; out.has(unique) || node.has(unique); n++) {
                    unique = name + " " + n;
                }
                name = unique;
            }
            changed |= redacted != value || name != field.getKey();
            out.set(name, redacted);
        }
        return changed ? out : node;
    }

    /** A value worth redacting whole: not null, not a boolean, not empty, not already a placeholder. */
    private static boolean holdsValue(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode() || value.isBoolean()) {
            return false;
        }
        if (value.isTextual()) {
            String text = value.textValue();
            return !text.isEmpty() && !(text.startsWith(Rule.PLACEHOLDER_START) && text.endsWith("]"));
        }
        return !value.isContainerNode() || value.size() > 0;
    }

    /**
     * PASSWORD or SECRET when a field's name says its value is a credential, else null. The name is cut into words
     * ({@code apiKey}, {@code API_KEY}, {@code x-api-key} all give "api", "key"): a word password, passwd, pwd,
     * passphrase or passcode is a PASSWORD; a word secret, secrets, apikey, privatekey or authorization, the words
     * "api key" or "private key", or a last word ending in "token" ({@code access_token}, {@code csrfToken}, not
     * {@code prompt_tokens} or {@code token_type}) is a SECRET.
     */
    static String credentialKey(String name) {
        List<String> words = words(name);
        if (words.isEmpty()) {
            return null;
        }
        for (String w : words) {
            if (PASSWORD_WORDS.contains(w)) {
                return Rules.PASSWORD;
            }
        }
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            boolean pairedKey = i + 1 < words.size() && words.get(i + 1).equals("key") && (w.equals("api") || w.equals("private"));
            if (SECRET_WORDS.contains(w) || pairedKey) {
                return Rules.SECRET;
            }
        }
        return words.get(words.size() - 1).endsWith("token") ? Rules.SECRET : null;
    }

    /** camelCase, PascalCase, snake_case, kebab-case and dotted names cut into lower-case words; digits end a word. */
    static List<String> words(String name) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!Character.isLetter(c)) {
                flush(word, words);
                continue;
            }
            boolean boundary = word.length() > 0 && Character.isUpperCase(c)
                    && (Character.isLowerCase(name.charAt(i - 1))
                    || (i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1))));
            if (boundary) {
                flush(word, words);
            }
            word.append(c);
        }
        flush(word, words);
        return words;
    }

    private static void flush(StringBuilder word, List<String> words) {
        if (word.length() > 0) {
            words.add(word.toString().toLowerCase(Locale.ROOT));
            word.setLength(0);
        }
    }
}
