package io.omniforge.observability;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The spans of an orchestration and of a handoff, as an exporter would get them ({@link SpanRecorder}): their names
 * and attributes, the caller's trace continued, and the agent calls of an orchestration as children of its span, up
 * to the {@code traceparent} the agent receives.
 */
@QuarkusTest
class TracingTest {

    private static final Pattern TRACEPARENT = Pattern.compile("00-([0-9a-f]{32})-([0-9a-f]{16})-0[01]");

    @Inject
    SpanRecorder spans;

    @Inject
    HeaderRecorder recorder;

    private static String attribute(SpanData span, String key) {
        Object value = span.getAttributes().get(AttributeKey.stringKey(key));
        return value == null ? null : value.toString();
    }

    private static String hex(int length) {
        StringBuilder sb = new StringBuilder(length);
        while (sb.length() < length) {
            sb.append(Integer.toHexString(ThreadLocalRandom.current().nextInt(16)));
        }
        return sb.toString();
    }

    private static JsonNode send(String trace, Map<String, Object> message) {
        return Rpc.read(given().contentType("application/json").header("A2A-Version", "1.0")
                .header("traceparent", "00-" + trace + "-" + hex(16) + "-01")
                .body(Rpc.request("SendMessage", Rpc.send(message))).post("/a2a")
                .then().statusCode(200).extract().asString()).path("result").path("task");
    }

    @Test
    void anOrchestrationIsASpanAndItsAgentCallsAreItsChildren() throws Exception {
        recorder.clear();
        String trace = hex(32);
        Map<String, Object> m = Rpc.message("fan out", null);
        m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of("echo", "billing"))));
        JsonNode task = send(trace, m);
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        String id = task.path("id").asText();

        SpanData orchestration = spans.await(s -> id.equals(attribute(s, "omniforge.orchestration.id")));
        assertEquals("orchestration parallel", orchestration.getName());
        assertEquals(SpanKind.INTERNAL, orchestration.getKind());
        assertEquals(trace, orchestration.getTraceId(), "the orchestration continues the caller's trace");
        assertEquals("parallel", attribute(orchestration, "omniforge.orchestration.strategy"));
        assertEquals(2L, orchestration.getAttributes().get(AttributeKey.longKey("omniforge.orchestration.agents")));
        assertEquals("completed", attribute(orchestration, "omniforge.outcome"));

        for (String agent : List.of("echo", "billing")) {
            SpanData call = spans.await(s -> s.getName().equals("A2A SendStreamingMessage")
                    && agent.equals(attribute(s, "omniforge.agent")) && s.getTraceId().equals(trace));
            assertEquals(orchestration.getSpanId(), call.getParentSpanId(), "the call to " + agent + " is a child");
            assertEquals(SpanKind.CLIENT, call.getKind());
        }
        SpanData echoCall = spans.await(s -> s.getName().equals("A2A SendStreamingMessage")
                && "echo".equals(attribute(s, "omniforge.agent")) && s.getTraceId().equals(trace));
        List<String> traceparents = recorder.received().stream().map(h -> h.get("traceparent")).toList();
        assertEquals(1, traceparents.size(), traceparents.toString());
        Matcher seen = TRACEPARENT.matcher(traceparents.get(0));
        assertTrue(seen.matches(), traceparents.toString());
        assertEquals(trace, seen.group(1), "the agent sees the orchestration's trace");
        assertEquals(echoCall.getSpanId(), seen.group(2), "its parent is the call's span, a child of the orchestration");
    }

    @Test
    void aNamedFlowIsTracedWithItsName() throws Exception {
        Map<String, Object> m = Rpc.message("through the pipeline", null);
        m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("flow", "pipeline")));
        String id = send(hex(32), m).path("id").asText();
        SpanData orchestration = spans.await(s -> id.equals(attribute(s, "omniforge.orchestration.id")));
        assertEquals("orchestration sequential", orchestration.getName());
        assertEquals("pipeline", attribute(orchestration, "omniforge.orchestration.flow"));
        assertEquals(2, spans.ended(s -> s.getParentSpanId().equals(orchestration.getSpanId())
                && s.getName().equals("A2A SendStreamingMessage")).size(), "one call per step, both children");
    }

    @Test
    void aHandoffIsASpanFromItsRequestToItsDecision() throws Exception {
        String trace = hex(32);
        String context = "traced-" + UUID.randomUUID();
        Map<String, Object> m = Rpc.message("I need a refund for invoice 7", null);
        m.put("contextId", context);
        JsonNode task = send(trace, m);
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        JsonNode history = Rpc.read(given().get("/api/v1/threads/" + context + "/handoffs").then().statusCode(200)
                .extract().asString());
        assertEquals(2, history.size(), history.toString());

        String forward = history.get(0).path("id").asText();
        SpanData toBilling = spans.await(s -> forward.equals(attribute(s, "omniforge.handoff.id")));
        assertEquals("handoff triage -> billing", toBilling.getName());
        assertEquals(SpanKind.INTERNAL, toBilling.getKind());
        assertEquals(trace, toBilling.getTraceId());
        assertEquals("triage", attribute(toBilling, "omniforge.handoff.from"));
        assertEquals("billing", attribute(toBilling, "omniforge.handoff.to"));
        assertEquals("triage", attribute(toBilling, "omniforge.handoff.requested_by"));
        assertEquals("accepted", attribute(toBilling, "omniforge.outcome"));

        String back = history.get(1).path("id").asText();
        SpanData toTriage = spans.await(s -> back.equals(attribute(s, "omniforge.handoff.id")));
        assertEquals("handoff billing -> triage", toTriage.getName());
        assertEquals("returned", attribute(toTriage, "omniforge.outcome"));
        assertEquals(trace, toTriage.getTraceId());
    }

    @Test
    void aRefusedHandoffSaysSo() throws Exception {
        String context = "traced-refused-" + UUID.randomUUID();
        Rpc.call("/a2a", "SendMessage", Rpc.send(Map.of("messageId", UUID.randomUUID().toString(), "role", "ROLE_USER",
                "contextId", context, "parts", List.of(Map.of("text", "hello")))));
        given().contentType("application/json").body(Map.of("to", "echo")).post("/api/v1/threads/" + context + "/handoffs")
                .then().statusCode(409);
        JsonNode history = Rpc.read(given().get("/api/v1/threads/" + context + "/handoffs").then().statusCode(200)
                .extract().asString());
        String id = history.get(history.size() - 1).path("id").asText();
        SpanData refused = spans.await(s -> id.equals(attribute(s, "omniforge.handoff.id")));
        assertEquals("handoff triage -> echo", refused.getName());
        assertEquals("client", attribute(refused, "omniforge.handoff.requested_by"));
        assertEquals("rejected", attribute(refused, "omniforge.outcome"));
    }
}
