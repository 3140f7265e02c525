package io.omniforge.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aJson;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.observability.AuditLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * The sanitizer on whole messages: data parts (every string, and credential fields whole), file parts, metadata,
 * trust levels, configured patterns, the switch, what it audits and counts, its configuration errors, and its cost on
 * inputs made to make regular expressions backtrack.
 */
class ContextSanitizerTest {

    private static final ObjectMapper JSON = A2aJson.newMapper();

    private static Message message(Part... parts) {
        return new Message("m-1", "ctx", null, Role.ROLE_USER, List.of(parts), null, null, null);
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void dataPartsAreWalked() {
        JsonNode data = json("""
                {"user": {"email": "jane@example.com", "phones": ["+44 20 7946 0958", "n/a"]},
                 "credentials": {"apiKey": "plain-looking", "password": "x", "accessToken": {"v": 1}, "token_type": "Bearer",
                                 "prompt_tokens": 12, "is_secret": false, "secret": ""},
                 "card": 4111111111111111, "count": 3, "jane@example.com": "a key that is an address"}
                """);
        Sanitized s = Sanitizers.of(Sanitizers.config(Trust.STANDARD)).sanitize(message(Part.data(data)), "a", "b");
        JsonNode out = s.message().parts().get(0).data();
        assertEquals("[REDACTED:EMAIL]", out.path("user").path("email").asText());
        assertEquals("[REDACTED:PHONE]", out.path("user").path("phones").get(0).asText());
        assertEquals("n/a", out.path("user").path("phones").get(1).asText());
        assertEquals("[REDACTED:SECRET]", out.path("credentials").path("apiKey").asText());
        assertEquals("[REDACTED:PASSWORD]", out.path("credentials").path("password").asText());
        assertEquals("[REDACTED:SECRET]", out.path("credentials").path("accessToken").asText(), "a whole object under a token key");
        assertEquals("Bearer", out.path("credentials").path("token_type").asText());
        assertEquals(12, out.path("credentials").path("prompt_tokens").asInt());
        assertFalse(out.path("credentials").path("is_secret").asBoolean());
        assertEquals("", out.path("credentials").path("secret").asText(), "nothing to hide in an empty value");
        assertEquals("[REDACTED:CARD_NUMBER]", out.path("card").asText(), "an integer that is a card number");
        assertEquals(3, out.path("count").asInt());
        assertEquals("a key that is an address", out.path("[REDACTED:EMAIL]").asText(), "field names are redacted too");
        assertEquals(Map.of("EMAIL", 2, "PHONE", 1, "SECRET", 2, "PASSWORD", 1, "CARD_NUMBER", 1), s.counts());
        assertEquals("jane@example.com", data.path("user").path("email").asText(), "the input is not changed");
    }

    @Test
    void credentialKeysAreRecognisedByTheirWords() {
        for (String key : List.of("password", "DB_PASSWORD", "userPassword", "passwd", "pwd", "passphrase")) {
            assertEquals("PASSWORD", Redactor.credentialKey(key), key);
        }
        for (String key : List.of("secret", "client_secret", "SecretAccessKey", "apiKey", "API_KEY", "x-api-key", "apikey",
                "private_key", "token", "access_token", "csrfToken", "refreshtoken", "Authorization")) {
            assertEquals("SECRET", Redactor.credentialKey(key), key);
        }
        for (String key : List.of("prompt_tokens", "max_tokens", "token_type", "tokenCount", "secretary", "keyboard",
                "passenger", "monkey", "user", "")) {
            assertEquals(null, Redactor.credentialKey(key), key);
        }
        assertEquals(List.of("api", "key"), Redactor.words("APIKey"));
        assertEquals(List.of("http", "server", "port"), Redactor.words("HTTPServer_port"));
    }

    @Test
    void filePartsMetadataAndMessageMetadataAreRedacted() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("replyTo", "jane@example.com");
        meta.put("nested", Map.of("authorization", "Basic dXNlcjpwYXNz", "list", List.of("AKIAIOSFODNN7EXAMPLE")));
        meta.put("flag", true);
        Part file = new Part(null, null, "https://files.example.com/x.pdf?token=abc123def&v=1", null, "application/pdf",
                "statement for jane@example.com.pdf", Map.of("owner", "+44 20 7946 0958"));
        Part raw = new Part(null, "aGVsbG8gamFuZUBleGFtcGxlLmNvbQ==", null, null, "text/plain", "notes.txt", null);
        Message in = new Message("m-1", "ctx", "task", Role.ROLE_USER, List.of(file, raw), meta, List.of("urn:x"), List.of("t0"));

        Sanitized s = Sanitizers.of(Sanitizers.config(Trust.STANDARD)).sanitize(in, "triage", "billing");
        Message out = s.message();
        Part f = out.parts().get(0);
        assertEquals("https://files.example.com/x.pdf?token=[REDACTED:SECRET]&v=1", f.url());
        assertEquals("statement for [REDACTED:EMAIL]", f.filename().replace(".pdf", ""), f.filename());
        assertEquals("[REDACTED:PHONE]", f.metadata().get("owner"));
        assertSame(raw, out.parts().get(1), "raw bytes are passed as they are");
        assertEquals("[REDACTED:EMAIL]", out.metadata().get("replyTo"));
        @SuppressWarnings("unchecked")
        Map<String, Object> nested = (Map<String, Object>) out.metadata().get("nested");
        assertEquals("[REDACTED:SECRET]", nested.get("authorization"));
        assertEquals(List.of("[REDACTED:AWS_ACCESS_KEY]"), nested.get("list"));
        assertEquals(true, out.metadata().get("flag"));
        assertEquals(List.of("urn:x"), out.extensions());
        assertEquals("task", out.taskId());
        assertEquals(Map.of("SECRET", 2, "EMAIL", 2, "PHONE", 1, "AWS_ACCESS_KEY", 1), s.counts());
    }

    @Test
    void aMessageWithNothingToRedactIsReturnedAsItIs() {
        Message in = new Message("m-1", null, null, Role.ROLE_USER, List.of(Part.text("hello"), Part.data(json("{\"a\": [1, \"b\"]}"))),
                Map.of("k", "v"), null, null);
        Sanitized s = Sanitizers.of(Sanitizers.config(Trust.STANDARD)).sanitize(in, "a", "b");
        assertSame(in, s.message());
        assertFalse(s.redacted());
        assertEquals(0, s.total());
    }

    @Test
    void trustLevelsRelaxOrTightenTheRules() {
        String text = "jane@example.com +44 20 7946 0958 AKIAIOSFODNN7EXAMPLE order 20261123 ref Zx9Qm2Lp8Rt4Vw6Yb1Nc3Kd5";
        Sanitizers.Config config = new Sanitizers.Config(true, Trust.STANDARD, 8, Map.of(),
                Map.of("vault", new Sanitizers.Agent(Trust.TRUSTED), "outside", new Sanitizers.Agent(Trust.STRICT)));
        ContextSanitizer sanitizer = Sanitizers.of(config);
        assertEquals(Trust.TRUSTED, sanitizer.trustOf("vault"));
        assertEquals(Trust.STANDARD, sanitizer.trustOf("anyone"));

        assertEquals("jane@example.com +44 20 7946 0958 [REDACTED:AWS_ACCESS_KEY] order 20261123 ref Zx9Qm2Lp8Rt4Vw6Yb1Nc3Kd5",
                sanitizer.sanitize(Message.user("m", text), "a", "vault").message().text(), "trusted: secrets only");
        assertEquals("[REDACTED:EMAIL] [REDACTED:PHONE] [REDACTED:AWS_ACCESS_KEY] order 20261123 ref Zx9Qm2Lp8Rt4Vw6Yb1Nc3Kd5",
                sanitizer.sanitize(Message.user("m", text), "a", "anyone").message().text(), "standard");
        Sanitized strict = sanitizer.sanitize(Message.user("m", text), "a", "outside");
        assertEquals("[REDACTED:EMAIL] [REDACTED:PHONE] [REDACTED:AWS_ACCESS_KEY] order [REDACTED:NUMBER] ref [REDACTED:RANDOM_TOKEN]",
                strict.message().text(), "strict: also long numbers and random-looking tokens");
        assertEquals("order 1234567 and the-quick-brown-fox-jumps-over-2-lazy-dogs",
                sanitizer.sanitize(Message.user("m", "order 1234567 and the-quick-brown-fox-jumps-over-2-lazy-dogs"), "a", "outside")
                        .message().text(), "7 digits are under strict-min-digits=8, and words are not random");

        ContextSanitizer strictByDefault = Sanitizers.of(Sanitizers.config(Trust.STRICT));
        assertEquals("[REDACTED:NUMBER]", strictByDefault.sanitize(Message.user("m", "123456"), "a", "b").message().text());
    }

    @Test
    void configuredPatternsComeFirstAndMayRedactOneGroup() {
        Sanitizers.Config config = new Sanitizers.Config(true, Trust.TRUSTED, 6,
                Map.of("employee_id", "EMP-[0-9]{6}", "PROJECT", "project (?<redact>[A-Z]{3,8})\\b"), Map.of());
        Sanitized s = Sanitizers.of(config).sanitize(Message.user("m", "EMP-004512 works on project FALCON"), "a", "b");
        assertEquals("[REDACTED:EMPLOYEE_ID] works on project [REDACTED:PROJECT]", s.message().text());
        assertEquals(Map.of("EMPLOYEE_ID", 1, "PROJECT", 1), s.counts());
    }

    @Test
    void unusableConfigurationStopsTheStart() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Sanitizers.of(
                new Sanitizers.Config(true, Trust.STANDARD, 6, Map.of("X", "([a-z"), Map.of())));
        assertTrue(bad.getMessage().startsWith("omniforge.sanitizer.patterns.X is not a valid regular expression"), bad.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> Sanitizers.of(
                new Sanitizers.Config(true, Trust.STANDARD, 6, Map.of("X", "a*"), Map.of())));
        assertTrue(empty.getMessage().contains("matches the empty text"), empty.getMessage());
        IllegalArgumentException kind = assertThrows(IllegalArgumentException.class, () -> Sanitizers.of(
                new Sanitizers.Config(true, Trust.STANDARD, 6, Map.of("no spaces", "x"), Map.of())));
        assertTrue(kind.getMessage().startsWith("omniforge.sanitizer.patterns.no spaces: a kind is"), kind.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sanitizers.of(
                new Sanitizers.Config(true, Trust.STANDARD, 0, Map.of(), Map.of())));
    }

    @Test
    void disabledItPassesEverything() {
        Message in = Message.user("m", "jane@example.com AKIAIOSFODNN7EXAMPLE");
        Sanitized s = Sanitizers.of(new Sanitizers.Config(false, Trust.STRICT, 6, Map.of(), Map.of())).sanitize(in, "a", "b");
        assertSame(in, s.message());
        assertFalse(s.redacted());
    }

    @Test
    void findingsAreAuditedAndCountedByKindWithoutTheirValues() {
        List<ExtLogRecord> records = new ArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(ExtLogRecord.wrap(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger audit = Logger.getLogger(AuditLog.CATEGORY);
        audit.addHandler(handler);
        double before = Sanitizers.METRICS.counter("omniforge.sanitizer.redactions", "kind", "EMAIL").count();
        try {
            Sanitizers.of(Sanitizers.config(Trust.STANDARD)).sanitize(
                    Message.user("m", "a@example.com, b@example.com, ghp_" + "a1B2".repeat(9)), "echo", "billing");
        } finally {
            audit.removeHandler(handler);
        }
        assertEquals(1, records.size(), records.toString());
        Map<String, String> mdc = records.get(0).getMdcCopy();
        assertEquals("sanitizer.redacted", mdc.get(AuditLog.EVENT));
        assertEquals("echo", mdc.get("from"));
        assertEquals("billing", mdc.get("to"));
        assertEquals("standard", mdc.get("trust"));
        assertEquals("EMAIL:2,GITHUB_TOKEN:1", mdc.get("kinds"));
        assertEquals("3", mdc.get("redactions"));
        String line = records.get(0).getFormattedMessage() + mdc;
        assertFalse(line.contains("example.com") || line.contains("a1B2"), line);
        assertEquals(before + 2, Sanitizers.METRICS.counter("omniforge.sanitizer.redactions", "kind", "EMAIL").count());
    }

    @Test
    void inputsMadeToBacktrackStayCheap() {
        ContextSanitizer strict = Sanitizers.of(Sanitizers.config(Trust.STRICT));
        int size = 200_000;
        List<String> hostile = List.of(
                "a".repeat(size) + "@",
                "a.".repeat(size / 2) + "@example",
                "1 ".repeat(size / 2),
                "1-".repeat(size / 2) + "x",
                "+1 ".repeat(size / 3),
                "eyJ" + "a".repeat(size) + "." + "b".repeat(size),
                "password=".repeat(size / 9),
                "a_".repeat(size / 2) + "password",
                "DE89 ".repeat(size / 5),
                "4111 ".repeat(size / 5),
                "-----BEGIN RSA PRIVATE KEY-----".repeat(size / 31));
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (String text : hostile) {
                strict.sanitize(Message.user("m", text), "a", "b");
            }
        });
    }
}
