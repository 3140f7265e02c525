package io.omniforge.observability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.store.Db;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.common.vertx.VertxContext;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Logs, audit events, metrics and traces of the running gateway, at DEBUG level for {@code io.omniforge}: the
 * correlation fields reach lines logged on the store's threads and in reactive callbacks, an agent failure is
 * audited, secrets sent by a client never reach a log line, downstream calls are timed and traced with a
 * {@code traceparent} the agent receives, and the SSE gauge goes back to zero.
 */
@QuarkusTest
@TestProfile(ObservabilityTest.Debug.class)
class ObservabilityTest {

    public static class Debug implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.log.category.\"io.omniforge\".level", "DEBUG");
        }
    }

    private static final Logger PROBE = Logger.getLogger("io.omniforge.test.probe");
    private static final Pattern TRACE_ID = Pattern.compile("[0-9a-f]{32}");
    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    @Inject
    Db db;

    @Inject
    Vertx vertx;

    @Inject
    HeaderRecorder recorder;

    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = LogCapture.install();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    // ---------------------------------------------------------------------------------------- correlation

    @Test
    void correlationReachesStoreThreadsAndCallbacks() throws Exception {
        String marker = "probe-" + UUID.randomUUID();
        String task = UUID.randomUUID().toString();
        Map<String, String> expected = Map.of(Correlation.TENANT, "acme", Correlation.THREAD_ID, "thread-1",
                Correlation.TASK_ID, task, Correlation.AGENT, "echo", Correlation.TRACE_ID, "0af7651916cd43dd8448eb211c80319c");
        CompletableFuture<Void> done = new CompletableFuture<>();
        Context request = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        request.runOnContext(v -> {
            expected.forEach(Correlation::put);
            db.read(c -> {
                PROBE.infof("%s on a reader", marker);
                return 1;
            })
                    .invoke(() -> PROBE.infof("%s in the callback after the read", marker))
                    .chain(() -> db.write(c -> {
                        PROBE.infof("%s on the writer", marker);
                        return 1;
                    }))
                    .invoke(() -> PROBE.infof("%s in the callback after the write", marker))
                    .subscribe().with(x -> done.complete(null), done::completeExceptionally);
        });
        done.get(30, TimeUnit.SECONDS);

        List<LogCapture.Line> lines = logs.containing(marker);
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.thread().startsWith("omniforge-db-reader")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.thread().equals("omniforge-db-writer")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.thread().startsWith("vert.x-eventloop")), lines.toString());
        for (LogCapture.Line line : lines) {
            expected.forEach((key, value) -> assertEquals(value, line.mdc().get(key), key + " on " + line));
        }

        // The store's threads give the fields back: work queued without a correlation logs none.
        String bare = "bare-" + UUID.randomUUID();
        db.read(c -> {
            PROBE.infof("%s on a reader", bare);
            return 1;
        }).await().atMost(java.time.Duration.ofSeconds(30));
        db.write(c -> {
            PROBE.infof("%s on the writer", bare);
            return 1;
        }).await().atMost(java.time.Duration.ofSeconds(30));
        List<LogCapture.Line> bareLines = logs.containing(bare);
        assertEquals(2, bareLines.size(), bareLines.toString());
        bareLines.forEach(l -> Correlation.KEYS.forEach(k -> assertFalse(l.mdc().containsKey(k), k + " leaked on " + l)));
    }

    @Test
    void failedAgentCallIsAuditedWithTheRequestsCorrelation() {
        String trace = randomHex(32);
        JsonNode response = Rpc.read(given().contentType("application/json").header("A2A-Version", "1.0")
                .header("traceparent", "00-" + trace + "-" + randomHex(16) + "-01")
                .body(Rpc.request("SendMessage", Rpc.send(Rpc.message("fail:error", "flaky"))))
                .post("/a2a").then().statusCode(200).extract().asString());
        JsonNode task = response.path("result").path("task");
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), response.toString());

        List<LogCapture.Line> audits = logs.lines().stream()
                .filter(l -> l.logger().equals(AuditLog.CATEGORY)
                        && "agent.call.failed".equals(l.mdc().get(AuditLog.EVENT))
                        && task.path("id").asText().equals(l.mdc().get(Correlation.TASK_ID)))
                .toList();
        assertEquals(1, audits.size(), logs.lines().toString());
        Map<String, String> mdc = audits.get(0).mdc();
        assertEquals("default", mdc.get(Correlation.TENANT));
        assertEquals(task.path("contextId").asText(), mdc.get(Correlation.THREAD_ID));
        assertEquals("flaky", mdc.get(Correlation.AGENT));
        assertEquals(trace, mdc.get(Correlation.TRACE_ID), "the audit line carries the caller's trace");
        assertEquals("SendStreamingMessage", mdc.get("method"));
        assertEquals("remote_error", mdc.get("outcome"));
        assertEquals("-32603", mdc.get("code"));
    }

    // ------------------------------------------------------------------------------------------- secrets

    @Test
    void secretsSentByAClientNeverReachALogLine() {
        String key = "sk-test-CANARY" + randomHex(24);
        String token = "CANARY" + randomHex(24);
        // A valid API key of the test configuration (tenant-a, admin), and a wrong one that is refused.
        String valid = "admin-key";
        String text = "my key is " + key + " and my token " + token;
        for (String agent : List.of("echo", "flaky")) {
            String body = Rpc.request("SendMessage", Rpc.send(Rpc.message(
                    agent.equals("flaky") ? "fail:malformed " + text : text, agent)));
            given().contentType("application/json").header("A2A-Version", "1.0").header("Authorization", "Bearer " + valid)
                    .body(body).post("/a2a").then().statusCode(200);
        }
        given().contentType("application/json").header("A2A-Version", "1.0").header("Authorization", "Bearer " + valid)
                .body(Rpc.request("SendStreamingMessage", Rpc.send(Rpc.message(text, "slow"))))
                .post("/a2a").then().statusCode(200);
        given().contentType("application/json").header("A2A-Version", "1.0").header("Authorization", "Bearer " + valid)
                .body(Rpc.request("SendMessage", Rpc.send(Rpc.message(text, "no-such-agent"))))
                .post("/a2a").then().statusCode(200);
        given().contentType("application/json").header("A2A-Version", "1.0").header("Authorization", "Bearer " + token)
                .body(Rpc.request("SendMessage", Rpc.send(Rpc.message(text, "echo"))))
                .post("/a2a").then().statusCode(401);
        given().contentType("application/json").header("Authorization", "Bearer " + valid)
                .body("{\"name\":\"x\",\"url\":\"http://" + key + ".invalid\"}").post("/api/v1/agents");
        given().contentType("application/json").header("A2A-Version", "1.0")
                .body("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"SendMessage\",\"params\":{\"message\":\"" + key + "\"}}")
                .post("/a2a").then().statusCode(200);

        List<LogCapture.Line> lines = logs.lines();
        assertTrue(lines.stream().anyMatch(l -> l.level().intValue() < java.util.logging.Level.INFO.intValue()),
                "the canary ran at DEBUG: some DEBUG line was captured");
        for (LogCapture.Line line : lines) {
            assertFalse(line.all().contains(key), "the API key reached a log line: " + line);
            assertFalse(line.all().contains(token), "the bearer token reached a log line: " + line);
            assertFalse(line.all().contains(valid), "the API key reached a log line: " + line);
        }
    }

    // ------------------------------------------------------------------------------------- metrics, tracing

    @Test
    void orchestrationsAndHandoffsAreAuditedAndCounted() {
        Map<String, Object> m = new java.util.LinkedHashMap<>(Rpc.message("fan", null));
        m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of("echo", "billing"))));
        JsonNode orchestrated = Rpc.call("/a2a", "SendMessage", Map.of("message", m)).path("result").path("task");
        String id = orchestrated.path("id").asText();
        Map<String, Object> h = new java.util.LinkedHashMap<>(Rpc.message("a refund for my invoice", null));
        h.put("contextId", "audit-" + java.util.UUID.randomUUID());
        Rpc.call("/a2a", "SendMessage", Map.of("message", h));

        List<String> events = logs.lines().stream().filter(l -> l.logger().equals(AuditLog.CATEGORY))
                .map(l -> l.mdc().get(AuditLog.EVENT) + ":" + l.mdc().getOrDefault(Correlation.TASK_ID, ""))
                .toList();
        assertTrue(events.contains("orchestration.started:" + id) && events.contains("orchestration.completed:" + id),
                events.toString());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("handoff.accepted:")), events.toString());
        assertTrue(events.stream().anyMatch(e -> e.startsWith("handoff.returned:")), events.toString());

        List<Metrics.Sample> samples = Metrics.scrape();
        assertTrue(Metrics.value(samples, "omniforge_orchestrations_seconds_count",
                Map.of("strategy", "parallel", "outcome", "completed")) >= 1, Metrics.own(samples).toString());
        assertTrue(Metrics.value(samples, "omniforge_handoffs_total", Map.of("outcome", "returned")) >= 1,
                Metrics.own(samples).toString());
    }

    @Test
    void downstreamCallsAreTimedAndTasksCounted() {
        double before = Metrics.value(Metrics.scrape(), "omniforge_tasks_total", Map.of("agent", "echo", "outcome", "completed"));
        JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("count me", "echo")))
                .path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());

        List<Metrics.Sample> samples = Metrics.scrape();
        assertTrue(Metrics.value(samples, "omniforge_agent_calls_seconds_count", Map.of("agent", "echo",
                "method", "SendStreamingMessage", "outcome", "success")) >= 1, Metrics.own(samples).toString());
        assertTrue(Metrics.has(samples, "omniforge_agent_calls_seconds_sum", Map.of("agent", "echo")));
        assertEquals(before + 1, Metrics.value(samples, "omniforge_tasks_total", Map.of("agent", "echo", "outcome", "completed")));
    }

    @Test
    void theSseGaugeCountsAStreamUntilItEnds() {
        JsonNode task = Rpc.call("/a2a", "SendMessage", Map.of("message", Rpc.message("delay:1500", "slow"),
                "configuration", Map.of("returnImmediately", true))).path("result").path("task");
        Map<String, String> orchestrator = Map.of("path", "/a2a");
        try (Rpc.LiveStream stream = Rpc.subscribe(task.path("id").asText())) {
            assertTrue(stream.nextEvent().data().path("result").has("task"));
            assertEquals(1.0, Metrics.value(Metrics.scrape(), "omniforge_sse_streams_open", orchestrator));
            List<Rpc.Event> rest = stream.rest();
            assertEquals("TASK_STATE_COMPLETED", rest.get(rest.size() - 1).data().path("result").path("statusUpdate")
                    .path("status").path("state").asText(), rest.toString());
        }
        assertEquals(0.0, Metrics.value(Metrics.scrape(), "omniforge_sse_streams_open", orchestrator));

        // A client that goes away in the middle closes its stream too.
        JsonNode slow = Rpc.call("/a2a", "SendMessage", Map.of("message", Rpc.message("delay:60000", "slow"),
                "configuration", Map.of("returnImmediately", true))).path("result").path("task");
        try (Rpc.LiveStream stream = Rpc.subscribe(slow.path("id").asText())) {
            stream.nextEvent();
            assertEquals(1.0, Metrics.value(Metrics.scrape(), "omniforge_sse_streams_open", orchestrator));
        }
        Rpc.call("/a2a", "CancelTask", Map.of("id", slow.path("id").asText()));
        assertEquals(0.0, Metrics.value(Metrics.scrape(), "omniforge_sse_streams_open", orchestrator));
    }

    @Test
    void theAgentReceivesTheCallersTraceInATraceparent() {
        recorder.clear();
        String trace = randomHex(32);
        String parent = randomHex(16);
        given().contentType("application/json").header("A2A-Version", "1.0")
                .header("traceparent", "00-" + trace + "-" + parent + "-01")
                .body(Rpc.request("SendMessage", Rpc.send(Rpc.message("trace me", "echo"))))
                .post("/a2a").then().statusCode(200);

        List<Map<String, String>> received = recorder.received();
        assertEquals(1, received.size(), received.toString());
        String traceparent = received.get(0).get("traceparent");
        assertTrue(traceparent != null && TRACEPARENT.matcher(traceparent).matches(), "traceparent: " + traceparent);
        var m = TRACEPARENT.matcher(traceparent);
        assertTrue(m.matches());
        assertEquals(trace, m.group(1), "the agent's request continues the caller's trace");
        assertNotEquals(parent, m.group(2), "its parent is the orchestrator's span for the call, not the caller's");
    }

    @Test
    void aRequestWithoutTraceStillGetsATraceId() {
        recorder.clear();
        JsonNode task = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("fail:error", "flaky")))
                .path("result").path("task");
        String traceId = logs.lines().stream()
                .filter(l -> task.path("id").asText().equals(l.mdc().get(Correlation.TASK_ID)))
                .map(l -> l.mdc().get(Correlation.TRACE_ID)).filter(t -> t != null).findFirst().orElse("");
        assertTrue(TRACE_ID.matcher(traceId).matches(), "trace_id: " + traceId);
    }

    // ------------------------------------------------------------------------------------------------ health

    @Test
    void healthSaysLiveAndReadyWithEveryAgentsState() {
        Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("are you there?", "echo")));
        JsonNode live = Rpc.read(given().get("/q/health/live").then().statusCode(200).extract().asString());
        assertEquals("UP", live.path("status").asText(), live.toString());
        JsonNode ready = Rpc.read(given().get("/q/health/ready").then().statusCode(200).extract().asString());
        assertEquals("UP", ready.path("status").asText(), ready.toString());
        List<String> names = new java.util.ArrayList<>();
        JsonNode agents = null;
        for (JsonNode check : ready.path("checks")) {
            names.add(check.path("name").asText());
            if (check.path("name").asText().equals("agents")) {
                agents = check;
            }
        }
        assertTrue(names.stream().anyMatch(n -> n.toLowerCase(java.util.Locale.ROOT).contains("database")), names.toString());
        assertTrue(agents != null, names.toString());
        assertEquals("READY", agents.path("data").path("echo").asText(), agents.toString());
        for (String demo : io.omniforge.demo.DemoAgents.NAMES) {
            assertTrue(agents.path("data").has(demo), agents.toString());
        }
    }

    static String randomHex(int length) {
        StringBuilder sb = new StringBuilder(length);
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        while (sb.length() < length) {
            sb.append(Integer.toHexString(random.nextInt(16)));
        }
        return sb.toString();
    }
}
