package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.observability.AuditLog;
import io.omniforge.observability.Correlation;
import io.omniforge.observability.LogCapture;
import io.omniforge.observability.Metrics;
import io.omniforge.support.AgentInbox;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Canaries through the running gateway, with the demo agents on loopback: a secret, a token, an e-mail address and a
 * configured ticket number in the user's message never reach the target of a handoff, the second stage of a pipeline,
 * or a synthesizer (checked by what the agent received, at its endpoint), and no log line shows them, at DEBUG level
 * too. The kinds and counts appear on the handoff record, in the orchestration's metadata, in the audit log and in
 * the metric. The agent the client addresses itself gets the client's message as it is: that is no crossing.
 */
@QuarkusTest
@TestProfile(SanitizerCanaryTest.Canaries.class)
class SanitizerCanaryTest {

    public static class Canaries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"io.omniforge\".level", "DEBUG",
                    "omniforge.sanitizer.patterns.TICKET", "TCK-[0-9]{6}",
                    "omniforge.sanitizer.agents.echo.trust", "strict");
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Integer> ONE_OF_EACH = Map.of("AWS_ACCESS_KEY", 1, "EMAIL", 1, "GITHUB_TOKEN", 1,
            "TICKET", 1, "PASSWORD", 1);

    @Inject
    AgentInbox inbox;

    private final String aws = "AKIA" + random("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
    private final String github = "ghp_" + random("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 36);
    private final String email = "canary." + random("abcdef0123456789", 12) + "@example.com";
    private final String ticket = "TCK-" + random("0123456789", 6);
    // A password in a URL whose host is an IP: no e-mail rule can take it for an address.
    private final String dbPassword = "Pw" + random("abcdefghijklmnopqrstuvwxyz0123456789", 14);
    private final List<String> canaries = List.of(aws, github, email, ticket, dbPassword);
    private LogCapture logs;
    private long mark;

    private static String random(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    @BeforeEach
    void capture() {
        logs = LogCapture.install();
        org.jboss.logging.Logger.getLogger("io.omniforge.test.probe").debugf("probe %s", aws.substring(0, 8));
        mark = inbox.mark();
    }

    /** Whatever a test did: no canary in any log line, at any level. */
    @AfterEach
    void noCanaryWasLogged() {
        try {
            List<LogCapture.Line> lines = logs.lines();
            assertTrue(lines.stream().anyMatch(l -> l.message().equals("probe " + aws.substring(0, 8))),
                    "the test ran at DEBUG: the probe's DEBUG line was captured");
            for (LogCapture.Line line : lines) {
                for (String canary : canaries) {
                    assertFalse(line.all().contains(canary), "a canary reached a log line: " + line);
                }
            }
        } finally {
            logs.close();
        }
    }

    private String secrets() {
        return "my e-mail is " + email + ", my key " + aws + ", my token " + github + ", ticket " + ticket
                + ", my database postgresql://admin:" + dbPassword + "@10.20.30.40:5432/app";
    }

    private String received(String agent) {
        return String.join("\n", inbox.bodies(agent, mark));
    }

    /** The agent received something, and none of the canaries, but a placeholder of each kind. */
    private void assertSanitized(String agent, String received, String... kinds) {
        assertFalse(received.isEmpty(), agent + " received nothing");
        for (String canary : canaries) {
            assertFalse(received.contains(canary), agent + " received a canary: " + received);
        }
        for (String kind : kinds) {
            assertTrue(received.contains("[REDACTED:" + kind + "]"), agent + " received no " + kind + " placeholder: " + received);
        }
    }

    private static Map<String, Integer> counts(JsonNode redactions) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        redactions.fields().forEachRemaining(e -> counts.put(e.getKey(), e.getValue().asInt()));
        return counts;
    }

    private static JsonNode send(Map<String, Object> message) {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", message));
        JsonNode task = response.path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), response.toString());
        return task;
    }

    private static Map<String, Object> orchestrated(String text, Map<String, Object> plan) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, null));
        m.put("metadata", Map.of(Rpc.AGENT_KEY, plan));
        return m;
    }

    @Test
    void aHandoffsTargetNeverSeesTheCanaries() {
        double before = Metrics.value(Metrics.scrape(), "omniforge_sanitizer_redactions_total", Map.of("kind", "EMAIL"));
        String context = "canary-" + UUID.randomUUID();
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message("I need a refund for invoice 42. " + secrets(), null));
        m.put("contextId", context);
        send(m);

        assertTrue(received("triage").contains(email), "triage, which the client talks to, gets the client's message");
        assertSanitized("billing", received("billing"), "AWS_ACCESS_KEY", "GITHUB_TOKEN", "EMAIL", "TICKET", "PASSWORD");

        JsonNode history = Rpc.read(given().get("/api/v1/threads/" + context + "/handoffs").then().statusCode(200)
                .extract().asString());
        JsonNode toBilling = history.get(0);
        assertEquals("triage", toBilling.path("from").asText(), history.toString());
        assertEquals("billing", toBilling.path("to").asText(), history.toString());
        assertEquals(ONE_OF_EACH, counts(toBilling.path("redactions")), history.toString());
        assertTrue(history.get(1).path("redactions").isMissingNode(), "the handback carried no context: " + history);

        List<LogCapture.Line> audits = logs.lines().stream().filter(l -> l.logger().equals(AuditLog.CATEGORY)
                && "sanitizer.redacted".equals(l.mdc().get(AuditLog.EVENT))
                && context.equals(l.mdc().get(Correlation.THREAD_ID))).toList();
        assertEquals(1, audits.size(), logs.lines().toString());
        Map<String, String> audit = audits.get(0).mdc();
        assertEquals("triage", audit.get("from"));
        assertEquals("billing", audit.get("to"));
        assertEquals("standard", audit.get("trust"));
        assertEquals("AWS_ACCESS_KEY:1,EMAIL:1,GITHUB_TOKEN:1,PASSWORD:1,TICKET:1", audit.get("kinds"));
        assertEquals("5", audit.get("redactions"));
        assertEquals(toBilling.path("id").asText(), audit.get(Correlation.HANDOFF_ID));
        assertEquals(toBilling.path("taskId").asText(), audit.get(Correlation.TASK_ID));
        assertEquals(before + 1, Metrics.value(Metrics.scrape(), "omniforge_sanitizer_redactions_total", Map.of("kind", "EMAIL")));
    }

    @Test
    void theSecondStageOfAPipelineNeverSeesTheCanaries() {
        JsonNode task = send(orchestrated(secrets(), Map.of("strategy", "sequential", "agents", List.of("echo", "billing"))));

        assertTrue(received("echo").contains(aws), "the first stage gets the client's message");
        assertSanitized("billing", received("billing"), "AWS_ACCESS_KEY", "GITHUB_TOKEN", "EMAIL", "TICKET", "PASSWORD");

        JsonNode entry = task.path("metadata").path(Rpc.AGENT_KEY);
        JsonNode legs = entry.path("legs");
        assertTrue(legs.get(0).path("redactions").isMissingNode(), legs.toString());
        assertEquals(ONE_OF_EACH, counts(legs.get(1).path("redactions")), legs.toString());
        assertEquals(ONE_OF_EACH, counts(entry.path("redactions")), entry.toString());
        // Stored with the task, and read back the same.
        JsonNode stored = Rpc.call("/a2a", "GetTask", Map.of("id", task.path("id").asText())).path("result");
        assertEquals(ONE_OF_EACH, counts(stored.path("metadata").path(Rpc.AGENT_KEY).path("legs").get(1).path("redactions")));
    }

    @Test
    void aSynthesizerNeverSeesTheCanaries() {
        JsonNode task = send(orchestrated("please forward: " + secrets(), Map.of("strategy", "parallel",
                "agents", List.of("echo", "triage"), "synthesis", "delegate", "synthesizer", "billing")));

        assertSanitized("billing", received("billing"), "AWS_ACCESS_KEY", "GITHUB_TOKEN", "EMAIL", "TICKET", "PASSWORD");
        JsonNode legs = task.path("metadata").path(Rpc.AGENT_KEY).path("legs");
        assertEquals("billing", legs.get(2).path("agent").asText(), legs.toString());
        assertEquals(ONE_OF_EACH, counts(legs.get(2).path("redactions")), legs.toString());
    }

    @Test
    void aClientsHandoffDeliversASanitizedTranscript() {
        String context = "canary-" + UUID.randomUUID();
        Map<String, Object> first = new LinkedHashMap<>(Rpc.message(secrets(), "echo"));
        first.put("contextId", context);
        send(first);
        JsonNode created = Rpc.read(given().contentType("application/json")
                .body("{\"to\": \"billing\", \"reason\": \"the client asked\"}")
                .post("/api/v1/threads/" + context + "/handoffs").then().statusCode(201).extract().asString());
        assertTrue(created.path("redactions").isMissingNode(), "the context is built with the next message: " + created);

        Map<String, Object> next = new LinkedHashMap<>(Rpc.message("what do you see?", null));
        next.put("contextId", context);
        send(next);

        assertSanitized("billing", received("billing"), "AWS_ACCESS_KEY", "GITHUB_TOKEN", "EMAIL", "TICKET", "PASSWORD");
        JsonNode history = Rpc.read(given().get("/api/v1/threads/" + context + "/handoffs").then().statusCode(200)
                .extract().asString());
        // The transcript holds the user's message and echo's answer: each canary twice.
        assertEquals(Map.of("AWS_ACCESS_KEY", 2, "EMAIL", 2, "GITHUB_TOKEN", 2, "TICKET", 2, "PASSWORD", 2),
                counts(history.get(0).path("redactions")), history.toString());
    }

    @Test
    void aStrictAgentGetsNeitherLongNumbersNorTheCanaries() {
        JsonNode task = send(orchestrated("order 12345678 for " + email, Map.of("strategy", "sequential",
                "agents", List.of("billing", "echo"))));

        String echo = received("echo");
        assertSanitized("echo", echo, "NUMBER", "EMAIL");
        assertFalse(echo.contains("12345678"), echo);
        assertEquals(Map.of("EMAIL", 1, "NUMBER", 1),
                counts(task.path("metadata").path(Rpc.AGENT_KEY).path("legs").get(1).path("redactions")));
    }

    @Test
    void failingAgentCallsLogNoCanary() {
        for (String mode : List.of("error", "malformed", "http-500", "break-stream")) {
            JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", Rpc.message("fail:" + mode + " " + secrets(), "flaky")));
            assertTrue(response.has("result") || response.has("error"), response.toString());
        }
        JsonNode failed = Rpc.call("/a2a", "SendMessage", Map.of("message", orchestrated(secrets(),
                Map.of("strategy", "sequential", "agents", List.of("echo", "flaky"), "policy", "fail-fast"))));
        assertTrue(failed.has("result"), failed.toString());
        // The checks are in noCanaryWasLogged, for this test as for every other.
    }
}
