package io.omniforge.handoff;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.observability.AuditLog;
import io.omniforge.observability.Correlation;
import io.omniforge.observability.LogCapture;
import io.omniforge.observability.Metrics;
import io.omniforge.support.HandoffTestAgents;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a one-way agent handoff ends, with real agents on loopback ({@link HandoffTestAgents}) behind the public
 * endpoint: {@code oneway} hands the conversation (expectReturn false) to {@code sink}, which completes the task, or
 * to {@code broken}, which cannot be called. Each outcome shows in the task, the thread's handoff history, the audit
 * events ({@code handoff.completed}, {@code handoff.failed}) and {@code omniforge_handoffs_total}.
 */
@QuarkusTest
class HandoffOutcomeAuditTest {

    private static final String TENANT = "default";
    private static final String HANDOFFS = "omniforge_handoffs_total";

    private LogCapture logs;

    @BeforeEach
    void setUp() {
        logs = LogCapture.install();
        String base = given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().statusCode(200)
                .extract().path("supportedInterfaces[0].url").toString().replace("/a2a", "");
        for (String agent : List.of(HandoffTestAgents.ONEWAY, HandoffTestAgents.SINK, HandoffTestAgents.BROKEN)) {
            if (given().get("/api/v1/agents/" + agent).statusCode() == 404) {
                given().contentType("application/json")
                        .body(Map.of("name", agent, "url", base + HandoffTestAgents.PATH + agent))
                        .post("/api/v1/agents").then().statusCode(201)
                        .body("state", org.hamcrest.Matchers.equalTo("READY"));
            }
        }
    }

    @AfterEach
    void release() {
        logs.close();
    }

    @Test
    void aOneWayHandoffWhoseTargetCompletesIsCompleted() {
        String thread = "oneway-" + UUID.randomUUID();
        double completedBefore = handoffs("completed");
        double activeBefore = handoffs("active");

        JsonNode task = send("to:sink please take it from here", thread);

        // The task: oneway answered, then sink took it and completed it, with the context the handoff built.
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        assertEquals(List.of("oneway", "sink"), artifactAgents(task), task.toString());
        String answer = Rpc.artifactText(task);
        assertTrue(answer.contains("sink: [handoff from oneway: one-way test handoff]"), answer);
        // One way: the thread stays with the target.
        assertEquals("sink", thread(thread).path("activeAgent").asText());

        JsonNode h = onlyHandoff(thread, task, "sink", "completed");

        assertAudited(thread, task, h, "handoff.completed", "sink");
        assertEquals(completedBefore + 1, handoffs("completed"), Metrics.own(Metrics.scrape()).toString());
        assertEquals(activeBefore + 1, handoffs("active"), "the target's first event made the handoff active");
    }

    @Test
    void aOneWayHandoffWhoseTargetCannotBeCalledFailsAndTheThreadGoesBackToTheSource() {
        String thread = "oneway-broken-" + UUID.randomUUID();
        double failedBefore = handoffs("failed");
        double completedBefore = handoffs("completed");

        JsonNode task = send("to:broken please take it from here", thread);

        // The call to broken failed: the task fails, saying why; oneway's own answer is kept in it.
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());
        String why = task.path("status").path("message").path("parts").path(0).path("text").asText();
        assertTrue(why.contains("broken") && why.contains("broken is down"), why);
        assertEquals(List.of("oneway"), artifactAgents(task), task.toString());
        // HANDOFF.md: the thread goes back to the source.
        assertEquals("oneway", thread(thread).path("activeAgent").asText());

        JsonNode h = onlyHandoff(thread, task, "broken", "failed");
        assertEquals("agent 'broken' ended TASK_STATE_FAILED", h.path("detail").asText(), h.toString());

        assertAudited(thread, task, h, "handoff.failed", "broken");
        List<Metrics.Sample> samples = Metrics.scrape();
        assertEquals(failedBefore + 1, Metrics.value(samples, HANDOFFS, Map.of("outcome", "failed")),
                Metrics.own(samples).toString());
        assertEquals(completedBefore, Metrics.value(samples, HANDOFFS, Map.of("outcome", "completed")),
                "a failed handoff is not counted as completed");
    }

    /** The thread's one handoff, from oneway to {@code to}, one-way, asked for by {@code task}, now in {@code state}. */
    private static JsonNode onlyHandoff(String thread, JsonNode task, String to, String state) {
        JsonNode history = history(thread);
        assertEquals(1, history.size(), history.toString());
        JsonNode h = history.get(0);
        assertEquals("oneway", h.path("from").asText(), h.toString());
        assertEquals(to, h.path("to").asText(), h.toString());
        assertFalse(h.path("expectReturn").asBoolean(true), h.toString());
        assertEquals(state, h.path("state").asText(), h.toString());
        assertEquals(task.path("id").asText(), h.path("taskId").asText(), h.toString());
        return h;
    }

    /**
     * The thread's handoff audit events are initiated, accepted, then {@code outcome}, all of the one handoff in the
     * history, each with its tenant, task, thread, source and target.
     */
    private void assertAudited(String thread, JsonNode task, JsonNode h, String outcome, String to) {
        List<LogCapture.Line> lines = logs.lines().stream()
                .filter(l -> l.logger().equals(AuditLog.CATEGORY)
                        && l.mdc().getOrDefault(AuditLog.EVENT, "").startsWith("handoff.")
                        && thread.equals(l.mdc().get(Correlation.THREAD_ID)))
                .toList();
        assertEquals(List.of("handoff.initiated", "handoff.accepted", outcome),
                lines.stream().map(l -> l.mdc().get(AuditLog.EVENT)).toList(), lines.toString());
        for (LogCapture.Line line : lines) {
            Map<String, String> mdc = line.mdc();
            assertEquals(h.path("id").asText(), mdc.get(Correlation.HANDOFF_ID), line.toString());
            assertEquals(TENANT, mdc.get(Correlation.TENANT), line.toString());
            assertEquals(task.path("id").asText(), mdc.get(Correlation.TASK_ID), line.toString());
            assertEquals(thread, mdc.get(Correlation.THREAD_ID), line.toString());
            assertEquals("oneway", mdc.get("from"), line.toString());
            assertEquals(to, mdc.get("to"), line.toString());
            assertEquals("oneway", mdc.get("requested_by"), line.toString());
        }
    }

    private static JsonNode send(String text, String thread) {
        Map<String, Object> message = new LinkedHashMap<>(Rpc.message(text, HandoffTestAgents.ONEWAY));
        message.put("contextId", thread);
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", message));
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Send Message Response", response.get("result"));
        JsonNode task = response.path("result").path("task");
        assertNotNull(task.get("id"), response.toString());
        return task;
    }

    private static double handoffs(String outcome) {
        return Metrics.value(Metrics.scrape(), HANDOFFS, Map.of("outcome", outcome));
    }

    private static JsonNode thread(String id) {
        return Rpc.read(given().get("/api/v1/threads/" + id).then().statusCode(200).extract().asString());
    }

    private static JsonNode history(String id) {
        return Rpc.read(given().get("/api/v1/threads/" + id + "/handoffs").then().statusCode(200).extract().asString());
    }

    private static List<String> artifactAgents(JsonNode task) {
        List<String> out = new ArrayList<>();
        task.path("artifacts").forEach(a -> out.add(a.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText()));
        return out;
    }
}
