package io.omniforge.a2a;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Test utility: validates payloads against the A2A 1.0 JSON Schema bundle of the shared reference material
 * ({@code ../shared/a2a/a2a-v1.0.schema.json}, relative to the Maven working directory). The bundle is read
 * once, lazily; when it is absent every check here is skipped through a JUnit assumption instead of failing.
 *
 * <p>The bundle's {@code definitions} are keyed by title ("Task", "Agent Card", ...), while its {@code $ref}s
 * name separate files ({@code lf.a2a.v1.TaskStatus.jsonschema.json},
 * {@code google.protobuf.Struct.jsonschema.json}). The file's simple name is the title without spaces
 * ("TaskStatus" for "Task Status", "OAuth2SecurityScheme" for "O Auth2 Security Scheme"), so the definitions
 * are re-keyed that way into one self-contained 2020-12 document under {@code $defs}, and every {@code $ref}
 * is rewritten to {@code #/$defs/<simple name>}. {@code additionalProperties: false} is kept, so a misspelled
 * or legacy field fails validation; {@code format} is asserted, so a malformed timestamp fails too.
 */
public final class A2aSchema {

    /** Where the shared A2A reference material is, relative to the project root (the Maven working dir). */
    public static final Path REFERENCE_DIR = Path.of("..", "shared", "a2a");
    public static final Path SCHEMA_FILE = REFERENCE_DIR.resolve("a2a-v1.0.schema.json");
    public static final Path WIRE_SAMPLES_FILE = REFERENCE_DIR.resolve("wire-samples-v1.0.json");

    private static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
    private static final String DEFS_POINTER = "#/$defs/";
    private static final ObjectMapper MAPPER = A2aJson.newMapper();

    private static final Object LOCK = new Object();
    /** Title ("Task Status") to $defs key ("TaskStatus"); null until loaded. */
    private static volatile Map<String, String> keysByTitle;
    /** The rewritten definitions under their $defs keys. */
    private static volatile ObjectNode defs;
    private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true)
            .build();

    private A2aSchema() {
    }

    /** Whether the shared schema file is there. */
    public static boolean available() {
        return Files.isRegularFile(SCHEMA_FILE);
    }

    private static volatile boolean told;

    /**
     * Without ../shared a schema assertion is skipped, not the test: the behaviour around it is still checked. Said
     * once per run, so that a green run in a clone without the reference material says what it did not check.
     */
    private static void skippedOnce() {
        if (!told) {
            told = true;
            System.err.println("[A2aSchema] ../shared/a2a not found (looked for " + SCHEMA_FILE.toAbsolutePath().normalize()
                    + "): payloads are not validated against the A2A 1.0 schema in this run; every other assertion"
                    + " of those tests still runs");
        }
    }

    /** Skips the calling test, with a message saying why, when the shared reference material is absent. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(),
                () -> "../shared/a2a not found (looked for " + SCHEMA_FILE.toAbsolutePath().normalize()
                        + "): schema tests skipped");
    }

    /** Skips the calling test when the wire samples are absent; otherwise reads them. */
    public static JsonNode wireSamples() {
        Assumptions.assumeTrue(Files.isRegularFile(WIRE_SAMPLES_FILE),
                () -> "../shared/a2a not found (looked for " + WIRE_SAMPLES_FILE.toAbsolutePath().normalize()
                        + "): wire sample tests skipped");
        try {
            return MAPPER.readTree(WIRE_SAMPLES_FILE.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + WIRE_SAMPLES_FILE, e);
        }
    }

    /** The titles of every definition of the bundle, sorted. */
    public static Set<String> titles() {
        assumeAvailable();
        return new TreeSet<>(load().keySet());
    }

    /**
     * The validation messages of {@code payload} against the definition titled {@code definitionTitle}, empty
     * when it is valid, or when the schema is absent (the test goes on; see {@link #skippedOnce()}).
     */
    public static List<String> validate(String definitionTitle, JsonNode payload) {
        if (!available()) {
            skippedOnce();
            return List.of();
        }
        if (payload == null) {
            return List.of("the payload is null");
        }
        JsonSchema schema = schemaFor(definitionTitle);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage message : schema.validate(payload)) {
            problems.add(message.getMessage());
        }
        return problems;
    }

    /**
     * Fails, listing every validation message and the payload, unless {@code payload} is valid against the
     * definition titled {@code definitionTitle} (e.g. "Task", "Message", "Agent Card", "Stream Response",
     * "Send Message Response", "List Tasks Response"). Without the schema the assertion is skipped, not the test.
     */
    public static void assertValid(String definitionTitle, JsonNode payload) {
        List<String> problems = validate(definitionTitle, payload);
        if (!problems.isEmpty()) {
            throw new AssertionError("payload is not a valid A2A '" + definitionTitle
                    + "' (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s") + "):\n  - "
                    + String.join("\n  - ", problems) + "\npayload: " + pretty(payload));
        }
    }

    /** As {@link #assertValid(String, JsonNode)}, for a model object serialized with {@link A2aJson#newMapper()}. */
    public static void assertValid(String definitionTitle, Object value) {
        assertValid(definitionTitle, (JsonNode) MAPPER.valueToTree(value));
    }

    /**
     * Checks a JSON-RPC error response as the service writes it (the schema has no envelope, so this is by
     * hand): {@code jsonrpc} "2.0"; an {@code id} member (null, string or number); no {@code result};
     * {@code error.code} an integer; {@code error.message} a non-empty string; {@code error.data} a non-empty
     * array of {@code google.rpc.ErrorInfo} objects ({@code "@type"}, non-empty {@code reason} and
     * {@code domain}, {@code metadata} a string map when present). Fails listing every problem and the payload.
     */
    public static void assertValidJsonRpcError(JsonNode response) {
        List<String> problems = new ArrayList<>();
        if (response == null || !response.isObject()) {
            fail("a JSON-RPC error response must be a JSON object, got: " + response);
        }
        JsonNode jsonrpc = response.get("jsonrpc");
        if (jsonrpc == null || !jsonrpc.isTextual() || !"2.0".equals(jsonrpc.asText())) {
            problems.add("jsonrpc must be the string \"2.0\", got " + jsonrpc);
        }
        if (!response.has("id")) {
            problems.add("id member is missing (it must be present, null when the request id was unreadable)");
        } else {
            JsonNode id = response.get("id");
            if (!(id.isNull() || id.isTextual() || id.isNumber())) {
                problems.add("id must be null, a string or a number, got " + id);
            }
        }
        if (response.has("result")) {
            problems.add("an error response must not have a result member");
        }
        JsonNode error = response.get("error");
        if (error == null || !error.isObject()) {
            problems.add("error must be an object, got " + error);
        } else {
            JsonNode code = error.get("code");
            if (code == null || !code.isIntegralNumber() || !code.canConvertToInt()) {
                problems.add("error.code must be an integer, got " + code);
            }
            JsonNode message = error.get("message");
            if (message == null || !message.isTextual() || message.asText().isBlank()) {
                problems.add("error.message must be a non-empty string, got " + message);
            }
            JsonNode data = error.get("data");
            if (data == null || !data.isArray()) {
                problems.add("error.data must be an array of google.rpc.ErrorInfo, got " + data);
            } else if (data.isEmpty()) {
                problems.add("error.data must hold at least one google.rpc.ErrorInfo");
            } else {
                for (int i = 0; i < data.size(); i++) {
                    checkErrorInfo("error.data[" + i + "]", data.get(i), problems);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("not a valid JSON-RPC error response (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems)
                    + "\npayload: " + pretty(response));
        }
    }

    /**
     * Checks an error body of the HTTP+JSON binding (section 11.6; google.rpc.Status, which the schema does not have, so
     * this is by hand): only {@code error}, whose {@code code} is {@code httpStatus}, whose {@code status} is a
     * google.rpc.Code name (UPPER_SNAKE_CASE), whose {@code message} is a non-empty string, and whose {@code details}
     * is a non-empty array of {@code google.rpc.ErrorInfo} with the A2A domain. Fails listing every problem.
     */
    public static void assertValidHttpError(JsonNode body, int httpStatus) {
        List<String> problems = new ArrayList<>();
        if (body == null || !body.isObject()) {
            fail("an HTTP+JSON error body must be a JSON object, got: " + body);
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!f.equals("error")) {
                problems.add("unexpected member " + f + " beside error");
            }
        });
        JsonNode error = body.get("error");
        if (error == null || !error.isObject()) {
            problems.add("error must be an object, got " + error);
        } else {
            error.fieldNames().forEachRemaining(f -> {
                if (!List.of("code", "status", "message", "details").contains(f)) {
                    problems.add("unexpected member error." + f);
                }
            });
            JsonNode code = error.get("code");
            if (code == null || !code.isIntegralNumber() || code.asInt() != httpStatus) {
                problems.add("error.code must be the HTTP status " + httpStatus + ", got " + code);
            }
            JsonNode status = error.get("status");
            if (status == null || !status.isTextual() || !status.asText().matches("[A-Z]+(_[A-Z]+)*")) {
                problems.add("error.status must be a google.rpc.Code name, got " + status);
            }
            JsonNode message = error.get("message");
            if (message == null || !message.isTextual() || message.asText().isBlank()) {
                problems.add("error.message must be a non-empty string, got " + message);
            }
            JsonNode details = error.get("details");
            if (details == null || !details.isArray() || details.isEmpty()) {
                problems.add("error.details must be a non-empty array, got " + details);
            } else {
                for (int i = 0; i < details.size(); i++) {
                    checkErrorInfo("error.details[" + i + "]", details.get(i), problems);
                    if (!A2aError.DOMAIN.equals(details.get(i).path("domain").asText())) {
                        problems.add("error.details[" + i + "].domain must be " + A2aError.DOMAIN);
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new AssertionError("not a valid HTTP+JSON error body (" + problems.size() + " problem"
                    + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems)
                    + "\npayload: " + pretty(body));
        }
    }

    private static void checkErrorInfo(String where, JsonNode info, List<String> problems) {
        if (!info.isObject()) {
            problems.add(where + " must be an object, got " + info);
            return;
        }
        JsonNode type = info.get("@type");
        if (type == null || !ErrorInfo.TYPE.equals(type.asText(null))) {
            problems.add(where + ".@type must be \"" + ErrorInfo.TYPE + "\", got " + type);
        }
        for (String field : List.of("reason", "domain")) {
            JsonNode value = info.get(field);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                problems.add(where + "." + field + " must be a non-empty string, got " + value);
            }
        }
        JsonNode metadata = info.get("metadata");
        if (metadata != null) {
            if (!metadata.isObject()) {
                problems.add(where + ".metadata must be an object of strings, got " + metadata);
            } else {
                metadata.fields().forEachRemaining(e -> {
                    if (!e.getValue().isTextual()) {
                        problems.add(where + ".metadata." + e.getKey() + " must be a string, got " + e.getValue());
                    }
                });
            }
        }
    }

    private static JsonSchema schemaFor(String title) {
        Map<String, String> keys = load();
        String key = keys.get(title);
        if (key == null) {
            throw new IllegalArgumentException("the A2A schema has no definition titled '" + title
                    + "'; titles are: " + new TreeSet<>(keys.keySet()));
        }
        return COMPILED.computeIfAbsent(key, k -> {
            ObjectNode document = MAPPER.createObjectNode();
            document.put("$schema", DRAFT_2020_12);
            document.put("$ref", DEFS_POINTER + k);
            document.set("$defs", defs.deepCopy());
            return FACTORY.getSchema(document, CONFIG);
        });
    }

    private static Map<String, String> load() {
        Map<String, String> loaded = keysByTitle;
        if (loaded != null) {
            return loaded;
        }
        synchronized (LOCK) {
            if (keysByTitle == null) {
                JsonNode root;
                try {
                    root = MAPPER.readTree(SCHEMA_FILE.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + SCHEMA_FILE.toAbsolutePath().normalize(), e);
                }
                JsonNode definitions = root.get("definitions");
                if (definitions == null || !definitions.isObject() || definitions.isEmpty()) {
                    throw new IllegalStateException(SCHEMA_FILE + " has no 'definitions' object");
                }
                Map<String, String> byTitle = new LinkedHashMap<>();
                ObjectNode rewritten = MAPPER.createObjectNode();
                Iterator<Map.Entry<String, JsonNode>> it = definitions.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> entry = it.next();
                    String title = entry.getValue().path("title").asText(entry.getKey());
                    String key = title.replace(" ", "");
                    if (rewritten.has(key)) {
                        throw new IllegalStateException("two schema definitions map to the same key " + key);
                    }
                    ObjectNode definition = entry.getValue().deepCopy();
                    definition.remove("$schema");
                    rewritten.set(key, definition);
                    byTitle.put(title, key);
                }
                List<String> unresolved = new ArrayList<>();
                rewriteRefs(rewritten, rewritten, unresolved);
                if (!unresolved.isEmpty()) {
                    throw new IllegalStateException("schema $refs that name no definition: " + unresolved);
                }
                defs = rewritten;
                keysByTitle = Map.copyOf(byTitle);
            }
            return keysByTitle;
        }
    }

    /** Rewrites {@code "lf.a2a.v1.TaskStatus.jsonschema.json"} into {@code "#/$defs/TaskStatus"}, everywhere. */
    private static void rewriteRefs(JsonNode node, ObjectNode allDefs, List<String> unresolved) {
        if (node.isObject()) {
            ObjectNode object = (ObjectNode) node;
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
                String file = ref.asText();
                String name = file.substring(file.lastIndexOf('/') + 1).replaceFirst("\\.jsonschema\\.json$", "");
                String key = name.substring(name.lastIndexOf('.') + 1);
                if (allDefs.has(key)) {
                    object.put("$ref", DEFS_POINTER + key);
                } else {
                    unresolved.add(file);
                }
            }
            object.forEach(child -> rewriteRefs(child, allDefs, unresolved));
        } else if (node.isArray()) {
            node.forEach(child -> rewriteRefs(child, allDefs, unresolved));
        }
    }

    private static String pretty(JsonNode node) {
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(node);
        } catch (IOException e) {
            return String.valueOf(node);
        }
    }
}
