package io.omniforge.a2a;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import java.util.Arrays;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What was wrong with a request body, in the protocol's words: the field's JSON path, what was expected ("a string",
 * "an array", "a Message object", "one of TASK_STATE_..."), what came. Jackson's own messages name Java types
 * ({@code java.lang.String}, {@code io.omniforge.a2a.Message}) and the parser's source; nothing of them leaves.
 */
public final class JsonErrors {

    private static final Pattern TOKEN = Pattern.compile("JsonToken\\.([A-Z_]+)");
    /** Jackson's "... from String value ('x')" when it names no token. */
    private static final Pattern FROM = Pattern.compile("from ([A-Z][a-z-]+(?:-point)?) value");
    private static final Pattern SOURCE = Pattern.compile("\\s*\\(?(?:start marker )?at \\[Source:.*", Pattern.DOTALL);
    private static final Pattern JAVA_NAME = Pattern.compile("`[^`]*`|\\b(?:java|javax|jakarta|io\\.omniforge|com\\.fasterxml)"
            + "\\.[\\w.$]+");

    private JsonErrors() {
    }

    /** A body that is not JSON: the parser's reason without its source, and where. */
    public static String syntax(JsonProcessingException e) {
        String reason = e.getOriginalMessage() == null ? "not JSON" : e.getOriginalMessage();
        reason = SOURCE.matcher(reason).replaceFirst("");
        reason = JAVA_NAME.matcher(reason).replaceAll("").replaceAll("\\s+", " ").trim();
        JsonLocation at = e.getLocation();
        return reason + (at != null && at.getLineNr() > 0 ? " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")" : "");
    }

    /**
     * A body that is JSON but does not fit: {@code <prefix><path>: <what is wrong>}. {@code prefix} is where the
     * binding starts ({@code "params."} for JSON-RPC params, {@code ""} for a management API body).
     */
    public static String binding(JsonMappingException e, String prefix) {
        String path = path(e);
        String where = path.isEmpty() ? (prefix.isEmpty() ? "the body" : prefix.substring(0, prefix.length() - 1))
                : prefix + path;
        if (e instanceof ValueInstantiationException) {
            Throwable cause = e.getCause();
            String why = cause instanceof A2aException || cause instanceof IllegalArgumentException
                    ? cause.getMessage() : "is not valid";
            return where + ": " + why;
        }
        Class<?> target = e instanceof MismatchedInputException m ? m.getTargetType() : null;
        if (e instanceof InvalidFormatException f) {
            return where + ": expected " + expected(target) + ", got " + quote(f.getValue());
        }
        if (e instanceof MismatchedInputException) {
            String got = got(e.getOriginalMessage());
            if (e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("No content")) {
                return where + ": the body is empty; expected " + expected(target);
            }
            return where + ": expected " + expected(target) + (got == null ? "" : ", got " + got);
        }
        return where + ": does not fit the request";
    }

    /** The JSON path of the field a mapping failed at: {@code message.parts[0].text}. */
    public static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
    }

    /** A type in the protocol's words. */
    public static String expected(Class<?> type) {
        if (type == null) {
            return "another value";
        }
        if (type == String.class || type == Character.class || type == char.class) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "an integer";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants()).map(Object::toString)
                    .collect(Collectors.joining(", "));
        }
        if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        if (type.getPackageName().equals("io.omniforge.a2a")) {
            return "a" + ("AEIOU".indexOf(type.getSimpleName().charAt(0)) >= 0 ? "n " : " ") + type.getSimpleName()
                    + " object";
        }
        return "an object";
    }

    private static String got(String message) {
        if (message == null) {
            return null;
        }
        Matcher m = TOKEN.matcher(message);
        if (!m.find()) {
            Matcher from = FROM.matcher(message);
            return !from.find() ? null : switch (from.group(1)) {
                case "String" -> "a string";
                case "Integer", "Number", "Floating-point", "Double" -> "a number";
                case "Boolean" -> "a boolean";
                case "Array" -> "an array";
                case "Object" -> "an object";
                default -> null;
            };
        }
        return switch (m.group(1)) {
            case "START_OBJECT" -> "an object";
            case "START_ARRAY" -> "an array";
            case "VALUE_STRING" -> "a string";
            case "VALUE_NUMBER_INT" -> "an integer";
            case "VALUE_NUMBER_FLOAT" -> "a number";
            case "VALUE_TRUE", "VALUE_FALSE" -> "a boolean";
            case "VALUE_NULL" -> "null";
            default -> null;
        };
    }

    private static String quote(Object value) {
        if (value instanceof String s) {
            return "'" + (s.length() > 64 ? s.substring(0, 64) + "..." : s) + "'";
        }
        return value instanceof Map<?, ?> || value instanceof Collection<?> ? "a structure" : String.valueOf(value);
    }
}
