package io.omniforge.task;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.stream.StreamRouter;
import io.omniforge.support.Rpc;
import io.omniforge.support.SnapshotAgents;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reply to a task that waits for input, answered as the agents of the A2A SDKs answer it: a stream that opens
 * with their Task as it stands (still INPUT_REQUIRED, with the question and the earlier artifacts), then WORKING, the
 * new artifact, COMPLETED. That opening snapshot is a baseline, not a transition: it does not end the turn, is not
 * recorded as a state, and what it repeats is not sent again. For one agent, for a pipeline's paused leg, and for
 * an agent that does not stream (its one Task is its answer).
 */
@QuarkusTest
class ReplySnapshotTest {

    private static boolean registered;

    @Inject
    StreamRouter router;

    @BeforeEach
    void register() {
        if (registered) {
            return;
        }
        registered = true;
        String base = given().get("/.well-known/agent-card.json").then().extract().path("supportedInterfaces[0].url")
                .toString().replace("/a2a", "");
        for (String name : List.of(SnapshotAgents.STREAMING, SnapshotAgents.PLAIN)) {
            int status = given().contentType("application/json")
                    .body(Map.of("name", name, "url", base + SnapshotAgents.PATH + name)).post("/api/v1/agents")
                    .then().extract().statusCode();
            assertTrue(status == 201 || status == 409, "registered " + name + ": " + status);
        }
    }

    private static JsonNode send(Map<String, Object> message) {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", message));
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Send Message Response", response.get("result"));
        return response.path("result").path("task");
    }

    private static Map<String, Object> reply(String taskId, String text) {
        Map<String, Object> m = new HashMap<>(Rpc.message(text, null));
        m.put("taskId", taskId);
        return m;
    }

    /** A task of {@code agent} that asks for input after its artifact {@code draft}. */
    private static String asked(String agent, String text) {
        JsonNode asked = send(Rpc.message(text, agent));
        assertEquals("TASK_STATE_INPUT_REQUIRED", asked.path("status").path("state").asText(), asked.toString());
        assertEquals(SnapshotAgents.QUESTION, asked.path("status").path("message").path("parts").path(0).path("text").asText());
        return asked.path("id").asText();
    }

    /** The task's whole event log, as stored. */
    private List<JsonNode> log(String taskId) {
        List<JsonNode> out = new ArrayList<>();
        for (StreamEvent e : router.tail(taskId, 0).collect().asList().await().atMost(Duration.ofSeconds(10))) {
            out.add(Rpc.read(e.json(Rpc.JSON)));
        }
        return out;
    }

    private static long artifactEvents(List<JsonNode> events, String artifactId) {
        return events.stream().filter(e -> artifactId.equals(e.path("artifactUpdate").path("artifact").path("artifactId").asText(null)))
                .count();
    }

    private static List<String> states(List<JsonNode> events) {
        return events.stream().filter(e -> e.has("statusUpdate"))
                .map(e -> e.path("statusUpdate").path("status").path("state").asText()).toList();
    }

    private static List<String> artifactIds(JsonNode task) {
        List<String> ids = new ArrayList<>();
        task.path("artifacts").forEach(a -> ids.add(a.path("artifactId").asText()));
        return ids;
    }

    @Test
    void aBlockingReplyReturnsTheCompletedTaskWithEachArtifactOnce() {
        String id = asked(SnapshotAgents.STREAMING, "blocking first");

        JsonNode done = send(reply(id, "blocking second"));
        assertEquals("TASK_STATE_COMPLETED", done.path("status").path("state").asText(), done.toString());
        assertEquals(List.of("draft", "final"), artifactIds(done));
        assertEquals("draft: blocking firstfinal: blocking first + blocking second", Rpc.artifactText(done));
        JsonNode fetched = Rpc.call("/a2a", "GetTask", Map.of("id", id)).path("result");
        assertEquals("TASK_STATE_COMPLETED", fetched.path("status").path("state").asText());

        List<JsonNode> events = log(id);
        assertEquals(1, artifactEvents(events, "draft"), "draft once: " + events);
        assertEquals(1, artifactEvents(events, "final"), "final once: " + events);
        // WORKING and the question of the first turn, then the resume's WORKING, the agent's WORKING, COMPLETED.
        assertEquals(List.of("TASK_STATE_WORKING", "TASK_STATE_INPUT_REQUIRED", "TASK_STATE_WORKING",
                "TASK_STATE_WORKING", "TASK_STATE_COMPLETED"), states(events), events.toString());
        // The thread holds the question once, not once more for the snapshot that repeats it.
        JsonNode thread = Rpc.read(given().get("/api/v1/threads/" + done.path("contextId").asText())
                .then().statusCode(200).extract().asString());
        long questions = 0;
        for (JsonNode m : thread.path("messages")) {
            questions += m.path("message").toString().contains(SnapshotAgents.QUESTION) ? 1 : 0;
        }
        assertEquals(1, questions, thread.toString());
    }

    @Test
    void aStreamingReplyDeliversWorkingThenCompletedAndNoSecondQuestion() {
        String id = asked(SnapshotAgents.STREAMING, "streaming first");

        String body = given().contentType("application/json").header("A2A-Version", "1.0")
                .body(Rpc.request("SendStreamingMessage", Map.of("message", reply(id, "streaming second"))))
                .post("/a2a").then().statusCode(200).contentType("text/event-stream").extract().asString();
        List<JsonNode> events = new ArrayList<>();
        for (Rpc.Event e : Rpc.events(body)) {
            assertFalse(e.data().has("error"), e.data().toString());
            A2aSchema.assertValid("Stream Response", e.data().get("result"));
            events.add(e.data().get("result"));
        }
        assertEquals("TASK_STATE_WORKING", events.get(0).path("task").path("status").path("state").asText(),
                "the stream opens with the task as resumed: " + events);
        List<JsonNode> after = events.subList(1, events.size());
        assertEquals(List.of("TASK_STATE_WORKING", "TASK_STATE_COMPLETED"), states(after), after.toString());
        assertEquals(0, artifactEvents(after, "draft"), "the draft is not sent again: " + after);
        assertEquals(1, artifactEvents(after, "final"), after.toString());
        assertEquals(1, artifactEvents(log(id), "draft"), "the log has the draft once");
    }

    @Test
    void aSubscriptionOpenedDuringTheReplySeesItComplete() {
        String id = asked(SnapshotAgents.STREAMING, "subscribed first");
        String token = UUID.randomUUID().toString();

        JsonNode resumed = Rpc.call("/a2a", "SendMessage", Map.of("message", reply(id, "hold:" + token + " then more"),
                "configuration", Map.of("returnImmediately", true))).path("result").path("task");
        assertEquals("TASK_STATE_WORKING", resumed.path("status").path("state").asText(), resumed.toString());
        List<JsonNode> seen = new ArrayList<>();
        try (Rpc.LiveStream stream = Rpc.subscribe(id)) {
            JsonNode first = stream.next();
            assertEquals("TASK_STATE_WORKING", first.path("result").path("task").path("status").path("state").asText(),
                    first.toString());
            // The agent has sent its snapshot and WORKING, and waits: the subscription is open before it goes on.
            SnapshotAgents.release(token);
            for (Rpc.Event e = stream.nextEvent(); e != null; e = stream.nextEvent()) {
                seen.add(e.data().path("result"));
            }
        }
        List<String> states = states(seen);
        assertFalse(states.contains("TASK_STATE_INPUT_REQUIRED"), seen.toString());
        assertEquals("TASK_STATE_COMPLETED", states.get(states.size() - 1), seen.toString());
        assertEquals(1, artifactEvents(seen, "final"), seen.toString());
        assertEquals(0, artifactEvents(seen, "draft"), seen.toString());
        List<JsonNode> events = log(id);
        assertEquals(1, artifactEvents(events, "draft"), events.toString());
        assertEquals(1, artifactEvents(events, "final"), events.toString());
    }

    @Test
    void aPausedPipelineResumedThroughTheSnapshotRunsToItsEnd() {
        Map<String, Object> message = new HashMap<>(Rpc.message("piped first", null));
        message.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "sequential",
                "agents", List.of(SnapshotAgents.STREAMING, "echo"))));
        JsonNode paused = send(message);
        assertEquals("TASK_STATE_INPUT_REQUIRED", paused.path("status").path("state").asText(), paused.toString());
        String id = paused.path("id").asText();

        JsonNode done = send(reply(id, "piped second"));
        assertEquals("TASK_STATE_COMPLETED", done.path("status").path("state").asText(), done.toString());
        String synthesis = "";
        for (JsonNode a : done.path("artifacts")) {
            if (a.path("artifactId").asText().equals("synthesis")) {
                synthesis = a.path("parts").toString();
            }
        }
        assertTrue(synthesis.contains("final: piped first + piped second"), done.toString());
        List<JsonNode> events = log(id);
        assertEquals(1, artifactEvents(events, SnapshotAgents.STREAMING + ".0/draft"), events.toString());
        assertEquals(1, artifactEvents(events, SnapshotAgents.STREAMING + ".0/final"), events.toString());
        long legQuestions = events.stream().filter(e -> "TASK_STATE_INPUT_REQUIRED".equals(
                e.path("statusUpdate").path("metadata").path(Rpc.AGENT_KEY).path("leg").asText(null))).count();
        assertEquals(1, legQuestions, "the agent asked once, not once more for its snapshot: " + events);
        assertEquals(1, states(events).stream().filter("TASK_STATE_INPUT_REQUIRED"::equals).count(), events.toString());
    }

    @Test
    void anAgentThatDoesNotStreamAnswersWithOneTaskWhichIsItsAnswer() {
        String id = asked(SnapshotAgents.PLAIN, "plain first");

        // Its one Task asks again: that is its answer, and the task waits for input again, with the new question.
        JsonNode again = send(reply(id, "again"));
        assertEquals("TASK_STATE_INPUT_REQUIRED", again.path("status").path("state").asText(), again.toString());
        assertEquals(SnapshotAgents.AGAIN, again.path("status").path("message").path("parts").path(0).path("text").asText());

        JsonNode done = send(reply(id, "plain second"));
        assertEquals("TASK_STATE_COMPLETED", done.path("status").path("state").asText(), done.toString());
        assertEquals(List.of("draft", "final"), artifactIds(done));
        List<JsonNode> events = log(id);
        assertEquals(1, artifactEvents(events, "draft"), "the draft its Tasks repeat is recorded once: " + events);
        assertEquals(1, artifactEvents(events, "final"), events.toString());
    }
}
