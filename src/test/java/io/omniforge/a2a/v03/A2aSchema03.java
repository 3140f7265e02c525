package io.omniforge.a2a.v03;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.omniforge.a2a.A2aJson;
import io.omniforge.a2a.A2aSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;

/**
 * Test utility: validates payloads against the A2A 0.3 JSON Schema of the shared reference material
 * ({@code ../shared/a2a/v0.3/a2a-v0.3.schema.json}, draft-07, definitions by name such as {@code AgentCard},
 * {@code Task}, {@code TaskStatusUpdateEvent}), and reads the 0.3 wire samples. When the material is absent, the
 * calling test is skipped through a JUnit assumption, saying so.
 */
public final class A2aSchema03 {

    public static final Path DIR = A2aSchema.REFERENCE_DIR.resolve("v0.3");
    public static final Path SCHEMA_FILE = DIR.resolve("a2a-v0.3.schema.json");
    public static final Path WIRE_SAMPLES_FILE = DIR.resolve("wire-samples-v0.3.json");

    private static final ObjectMapper MAPPER = A2aJson.newMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7);
    private static final Map<String, JsonSchema> COMPILED = new ConcurrentHashMap<>();
    private static volatile JsonNode definitions;

    private A2aSchema03() {
    }

    private static volatile boolean told;

    public static boolean available() {
        return Files.isRegularFile(SCHEMA_FILE);
    }

    public static void assumeAvailable() {
        Assumptions.assumeTrue(available(), () -> "../shared/a2a/v0.3 not found (looked for "
                + SCHEMA_FILE.toAbsolutePath().normalize() + "): A2A 0.3 schema assertions skipped");
    }

    /** The samples of {@code wire-samples-v0.3.json} (its {@code samples} array); skips the test when absent. */
    public static JsonNode wireSamples() {
        Assumptions.assumeTrue(Files.isRegularFile(WIRE_SAMPLES_FILE), () -> "../shared/a2a/v0.3 not found (looked for "
                + WIRE_SAMPLES_FILE.toAbsolutePath().normalize() + "): A2A 0.3 wire sample tests skipped");
        try {
            return MAPPER.readTree(WIRE_SAMPLES_FILE.toFile()).get("samples");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The validation messages of {@code payload} against the 0.3 definition {@code name}; empty when valid. */
    public static List<String> validate(String name, JsonNode payload) {
        if (!available()) {
            if (!told) {
                told = true;
                System.err.println("[A2aSchema03] " + SCHEMA_FILE.toAbsolutePath().normalize() + " not found: payloads"
                        + " are not validated against the A2A 0.3 schema in this run; the rest of each test still runs");
            }
            return List.of();
        }
        JsonSchema schema = COMPILED.computeIfAbsent(name, n -> {
            ObjectNode doc = MAPPER.createObjectNode();
            doc.put("$schema", "http://json-schema.org/draft-07/schema#");
            doc.set("definitions", definitions());
            doc.put("$ref", "#/definitions/" + n);
            if (!definitions().has(n)) {
                throw new IllegalArgumentException("the 0.3 schema has no definition " + n);
            }
            return FACTORY.getSchema(doc);
        });
        return schema.validate(payload).stream().map(m -> m.getMessage()).toList();
    }

    /** Fails, listing the problems and the payload, unless {@code payload} is a valid 0.3 {@code name}. */
    public static void assertValid(String name, JsonNode payload) {
        List<String> problems = validate(name, payload);
        if (!problems.isEmpty()) {
            throw new AssertionError("not a valid A2A 0.3 " + name + ": " + problems + "\n" + payload.toPrettyString());
        }
    }

    private static JsonNode definitions() {
        JsonNode d = definitions;
        if (d == null) {
            try {
                d = MAPPER.readTree(SCHEMA_FILE.toFile()).get("definitions");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            definitions = d;
        }
        return d;
    }
}
