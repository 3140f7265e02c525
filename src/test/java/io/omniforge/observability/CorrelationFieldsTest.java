package io.omniforge.observability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The correlation fields on the lines of real flows, through the public endpoints, with the demo agents: an
 * orchestration's lines (its agents' failed calls and its audit events, written in callbacks of other requests and
 * threads) carry its tenant, thread, task, id and the caller's trace; a handoff's audit events, from its request
 * ({@code handoff.initiated}) to its outcome, carry its id, thread, tenant and trace; a request to the management API
 * logs with its trace.
 */
@QuarkusTest
class CorrelationFieldsTest {

    private static final String TENANT = "default";

    private LogCapture logs;

    @BeforeEach
    void capture() {
        logs = LogCapture.install();
    }

    @AfterEach
    void release() {
        logs.close();
    }

    // ------------------------------------------------------------------------------------------ orchestrations

    @Test
    void everyLineOfAnOrchestrationCarriesItsTaskThreadTenantAndTrace() {
        String trace = hex(32);
        JsonNode task = send(trace, orchestrated("fail:error please", "strategy", "parallel",
                "agents", List.of("echo", "flaky"), "policy", "best-effort"));
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        String id = task.path("id").asText();
        String thread = task.path("contextId").asText();

        List<LogCapture.Line> lines = logs.lines().stream()
                .filter(l -> id.equals(l.mdc().get(Correlation.ORCHESTRATION_ID))).toList();
        List<String> events = lines.stream().map(l -> l.mdc().getOrDefault(AuditLog.EVENT, "")).toList();
        assertTrue(events.containsAll(List.of("orchestration.started", "agent.call.failed", "orchestration.completed")),
                events.toString());
        for (LogCapture.Line line : lines) {
            Map<String, String> mdc = line.mdc();
            assertEquals(TENANT, mdc.get(Correlation.TENANT), line.toString());
            assertEquals(id, mdc.get(Correlation.TASK_ID), line.toString());
            assertEquals(thread, mdc.get(Correlation.THREAD_ID), line.toString());
            assertEquals(trace, mdc.get(Correlation.TRACE_ID), line.toString());
        }

        // The failed call is found by the agent's failure alone, not by the orchestration's id.
        List<LogCapture.Line> failed = audits("agent.call.failed").stream()
                .filter(l -> trace.equals(l.mdc().get(Correlation.TRACE_ID))).toList();
        assertEquals(1, failed.size(), failed.toString());
        Map<String, String> mdc = failed.get(0).mdc();
        assertEquals(id, mdc.get(Correlation.ORCHESTRATION_ID), mdc.toString());
        assertEquals(id, mdc.get(Correlation.TASK_ID), mdc.toString());
        assertEquals(thread, mdc.get(Correlation.THREAD_ID), mdc.toString());
        assertEquals("flaky", mdc.get(Correlation.AGENT), mdc.toString());
        assertEquals(TENANT, mdc.get(Correlation.TENANT), mdc.toString());
    }

    @Test
    void aFailedOrchestrationIsAuditedWithItsCorrelation() {
        String trace = hex(32);
        JsonNode task = send(trace, orchestrated("fail:error", "strategy", "parallel", "agents", List.of("flaky", "flaky")));
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());
        String id = task.path("id").asText();

        List<LogCapture.Line> ends = audits("orchestration.").stream()
                .filter(l -> id.equals(l.mdc().get(Correlation.ORCHESTRATION_ID))).toList();
        assertEquals(List.of("orchestration.started", "orchestration.failed"),
                ends.stream().map(l -> l.mdc().get(AuditLog.EVENT)).toList(), ends.toString());
        Map<String, String> failed = ends.get(1).mdc();
        assertEquals("TASK_STATE_FAILED", failed.get("outcome"));
        assertEquals("2", failed.get("failed_agents"));
        assertEquals("parallel", failed.get("strategy"));
        assertEquals(id, failed.get(Correlation.TASK_ID));
        assertEquals(task.path("contextId").asText(), failed.get(Correlation.THREAD_ID));
        assertEquals(TENANT, failed.get(Correlation.TENANT));
        assertEquals(trace, failed.get(Correlation.TRACE_ID));
    }

    @Test
    void whatAPipelineRedactsIsAuditedInItsThread() {
        String trace = hex(32);
        JsonNode task = send(trace, orchestrated("write to jane.doe@example.com", "strategy", "sequential",
                "agents", List.of("echo", "billing")));
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        String id = task.path("id").asText();

        List<LogCapture.Line> redacted = audits("sanitizer.redacted").stream()
                .filter(l -> trace.equals(l.mdc().get(Correlation.TRACE_ID))).toList();
        assertEquals(1, redacted.size(), logs.lines().toString());
        Map<String, String> mdc = redacted.get(0).mdc();
        assertEquals(id, mdc.get(Correlation.ORCHESTRATION_ID), mdc.toString());
        assertEquals(id, mdc.get(Correlation.TASK_ID), mdc.toString());
        assertEquals(task.path("contextId").asText(), mdc.get(Correlation.THREAD_ID), mdc.toString());
        assertEquals(TENANT, mdc.get(Correlation.TENANT), mdc.toString());
        assertEquals("billing", mdc.get("to"), mdc.toString());
    }

    // ------------------------------------------------------------------------------------------------ handoffs

    @Test
    void anAgentsHandoffIsAuditedFromItsRequestToItsReturn() {
        String trace = hex(32);
        String thread = "corr-" + UUID.randomUUID();
        Map<String, Object> message = new LinkedHashMap<>(Rpc.message("I need a refund for invoice 42", null));
        message.put("contextId", thread);
        JsonNode task = send(trace, Map.of("message", message));
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());

        List<LogCapture.Line> handoffs = handoffAudits(thread);
        // triage -> billing (accepted), then billing's handback (returned): each starts with its request.
        assertEquals(List.of("handoff.initiated", "handoff.accepted", "handoff.initiated", "handoff.returned"),
                handoffs.stream().map(l -> l.mdc().get(AuditLog.EVENT)).toList(), handoffs.toString());
        String toBilling = handoffs.get(0).mdc().get(Correlation.HANDOFF_ID);
        String back = handoffs.get(2).mdc().get(Correlation.HANDOFF_ID);
        assertNotNull(toBilling, handoffs.toString());
        assertNotNull(back, handoffs.toString());
        assertFalse(toBilling.equals(back), "the handback is a handoff of its own");
        assertEquals(List.of(toBilling, toBilling, back, back),
                handoffs.stream().map(l -> l.mdc().get(Correlation.HANDOFF_ID)).toList());
        assertEquals("triage", handoffs.get(0).mdc().get("from"));
        assertEquals("billing", handoffs.get(0).mdc().get("to"));
        for (LogCapture.Line line : handoffs) {
            assertEquals(TENANT, line.mdc().get(Correlation.TENANT), line.toString());
            assertEquals(trace, line.mdc().get(Correlation.TRACE_ID), line.toString());
            assertEquals(task.path("id").asText(), line.mdc().get(Correlation.TASK_ID), line.toString());
        }
        // The history says the same ids.
        JsonNode history = Rpc.read(given().get("/api/v1/threads/" + thread + "/handoffs").then().statusCode(200)
                .extract().asString());
        assertEquals(toBilling, history.get(0).path("id").asText(), history.toString());
        assertEquals(back, history.get(1).path("id").asText(), history.toString());
    }

    @Test
    void aClientsHandoffThroughTheApiIsAuditedWithTheRequestsTrace() {
        String thread = "corr-client-" + UUID.randomUUID();
        Map<String, Object> hello = new LinkedHashMap<>(Rpc.message("hello", null));
        hello.put("contextId", thread);
        send(hex(32), Map.of("message", hello));

        String trace = hex(32);
        JsonNode record = Rpc.read(given().contentType("application/json").header("traceparent", traceparent(trace))
                .body(Map.of("to", "billing", "reason", "the user asked"))
                .post("/api/v1/threads/" + thread + "/handoffs").then().statusCode(201).extract().asString());
        List<LogCapture.Line> accepted = handoffAudits(thread);
        // Accepted when decided, then accepted again once it is active (a client's handoff is, at once).
        assertEquals(List.of("handoff.initiated", "handoff.accepted", "handoff.accepted"),
                accepted.stream().map(l -> l.mdc().get(AuditLog.EVENT)).toList(), accepted.toString());
        for (LogCapture.Line line : accepted) {
            assertEquals(record.path("id").asText(), line.mdc().get(Correlation.HANDOFF_ID), line.toString());
            assertEquals(TENANT, line.mdc().get(Correlation.TENANT), line.toString());
            assertEquals(trace, line.mdc().get(Correlation.TRACE_ID), line.toString());
            assertEquals("client", line.mdc().get("requested_by"), line.toString());
        }

        String refusedTrace = hex(32);
        given().contentType("application/json").header("traceparent", traceparent(refusedTrace))
                .body(Map.of("to", "nobody")).post("/api/v1/threads/" + thread + "/handoffs").then().statusCode(409);
        List<LogCapture.Line> refused = handoffAudits(thread).stream()
                .filter(l -> refusedTrace.equals(l.mdc().get(Correlation.TRACE_ID))).toList();
        assertEquals(List.of("handoff.initiated", "handoff.rejected"),
                refused.stream().map(l -> l.mdc().get(AuditLog.EVENT)).toList(), handoffAudits(thread).toString());
        String id = refused.get(0).mdc().get(Correlation.HANDOFF_ID);
        assertNotNull(id);
        assertEquals(id, refused.get(1).mdc().get(Correlation.HANDOFF_ID));
        assertEquals("nobody", refused.get(1).mdc().get("to"));
        assertEquals(TENANT, refused.get(1).mdc().get(Correlation.TENANT));
    }

    // ---------------------------------------------------------------------------------------- management API

    @Test
    void managementApiRequestsLogWithTheirTrace() {
        String trace = hex(32);
        given().header("traceparent", traceparent(trace)).header("Authorization", "Bearer viewer-key")
                .contentType("application/json").body(Map.of("name", "corr-agent", "url", "http://127.0.0.1:1"))
                .post("/api/v1/agents").then().statusCode(403);
        List<LogCapture.Line> denied = audits("auth.denied").stream()
                .filter(l -> trace.equals(l.mdc().get(Correlation.TRACE_ID))).toList();
        assertEquals(1, denied.size(), audits("auth.denied").toString());
        assertEquals("permission", denied.get(0).mdc().get("denied"));
        assertEquals("AGENTS_MANAGE", denied.get(0).mdc().get("needed"));
        assertEquals("tenant-a", denied.get(0).mdc().get(Correlation.TENANT));

        // A credential refused before any caller is known is logged with the request's trace as well.
        String refusedTrace = hex(32);
        given().header("traceparent", traceparent(refusedTrace)).header("Authorization", "Bearer no-such-key")
                .get("/api/v1/threads/" + UUID.randomUUID()).then().statusCode(401);
        List<LogCapture.Line> refused = audits("auth.denied").stream()
                .filter(l -> refusedTrace.equals(l.mdc().get(Correlation.TRACE_ID))).toList();
        assertEquals(1, refused.size(), audits("auth.denied").toString());
        assertEquals("authentication", refused.get(0).mdc().get("denied"));
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private List<LogCapture.Line> audits(String eventPrefix) {
        return logs.lines().stream().filter(l -> l.logger().equals(AuditLog.CATEGORY)
                && l.mdc().getOrDefault(AuditLog.EVENT, "").startsWith(eventPrefix)).toList();
    }

    /** The handoff audit events of one thread, in the order they were written. */
    private List<LogCapture.Line> handoffAudits(String thread) {
        return audits("handoff.").stream().filter(l -> thread.equals(l.mdc().get(Correlation.THREAD_ID))).toList();
    }

    private static Map<String, Object> orchestrated(String text, Object... spec) {
        Map<String, Object> plan = new LinkedHashMap<>();
        for (int i = 0; i < spec.length; i += 2) {
            plan.put((String) spec[i], spec[i + 1]);
        }
        Map<String, Object> message = new LinkedHashMap<>(Rpc.message(text, null));
        message.put("metadata", Map.of(Rpc.AGENT_KEY, plan));
        return Map.of("message", message);
    }

    /** A blocking SendMessage in the caller's trace {@code trace}; the task it answers. */
    private static JsonNode send(String trace, Map<String, Object> params) {
        JsonNode response = Rpc.read(given().contentType("application/json").header("A2A-Version", "1.0")
                .header("traceparent", traceparent(trace))
                .body(Rpc.request("SendMessage", params)).post("/a2a").then().statusCode(200).extract().asString());
        assertFalse(response.has("error"), response.toString());
        return response.path("result").path("task");
    }

    private static String traceparent(String trace) {
        return "00-" + trace + "-" + hex(16) + "-01";
    }

    private static String hex(int length) {
        return ObservabilityTest.randomHex(length);
    }
}
