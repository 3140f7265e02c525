package io.omniforge.task;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.Role;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.store.Db;
import io.omniforge.store.Ids;
import io.omniforge.stream.StreamRouter;
import io.omniforge.support.ResumableAgents;
import io.omniforge.support.Rpc;
import io.omniforge.thread.ThreadManager;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a restarted gateway does with the tasks it was following when its process died. Each test writes into the
 * store what a dead process leaves (the task, its log, its thread, another process as its runner), at an agent whose
 * task lives on ({@link ResumableAgents}), then runs the start-up's recovery: the task continues where it was, and
 * each artifact chunk and state reaches its log once, in order; or it fails, saying why, when it cannot continue.
 */
@QuarkusTest
class ReattachTest {

    private static boolean registered;

    @Inject
    TaskRecovery recovery;
    @Inject
    TaskStore store;
    @Inject
    ThreadManager threads;
    @Inject
    StreamRouter router;
    @Inject
    Db db;

    @BeforeEach
    void register() {
        if (registered) {
            return;
        }
        registered = true;
        String base = given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().extract()
                .path("supportedInterfaces[0].url").toString().replace("/a2a", "");
        for (String name : List.of(ResumableAgents.STREAMING, ResumableAgents.PLAIN, ResumableAgents.GONE)) {
            int status = given().contentType("application/json")
                    .body(Map.of("name", name, "url", base + ResumableAgents.PATH + name)).post("/api/v1/agents")
                    .then().extract().statusCode();
            assertTrue(status == 201 || status == 409, name + " registered: " + status);
        }
    }

    @Test
    void aStreamingAgentsTaskContinuesWhereItWasAndTheClientSeesOneStream() {
        String remote = ResumableAgents.start("one");
        String id = crashed(ResumableAgents.STREAMING, remote, "one");
        ResumableAgents.add(remote, " two"); // while the gateway was down: the client must still get it, once
        int subscriptions = ResumableAgents.SUBSCRIPTIONS.get();

        recovery.atStart(null);
        await(() -> ResumableAgents.SUBSCRIPTIONS.get() > subscriptions, "the gateway subscribes to the agent's task");
        try (Rpc.LiveStream stream = Rpc.subscribe(id, 3L)) {
            ResumableAgents.add(remote, " three");
            ResumableAgents.complete(remote);
            List<Rpc.Event> rest = stream.rest();
            assertSeamless(rest, "one two three");
        }
        JsonNode task = finalTask(id);
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        assertEquals("one two three", Rpc.artifactText(task));
        assertEquals(subscriptions + 1, ResumableAgents.SUBSCRIPTIONS.get(), "one subscription was enough");
    }

    @Test
    void anAgentThatDoesNotStreamIsReadWithGetTaskUntilItsTaskEnds() {
        String remote = ResumableAgents.start("one");
        String id = crashed(ResumableAgents.PLAIN, remote, "one");
        ResumableAgents.add(remote, " two");
        int reads = ResumableAgents.GET_TASKS.get();
        int subscriptions = ResumableAgents.SUBSCRIPTIONS.get();

        recovery.atStart(null);
        await(() -> ResumableAgents.GET_TASKS.get() > reads, "the gateway reads the agent's task");
        try (Rpc.LiveStream stream = Rpc.subscribe(id, 3L)) {
            await(() -> Rpc.artifactText(get(id)).equals("one two"), "the chunk missed while down arrives");
            ResumableAgents.add(remote, " three");
            await(() -> Rpc.artifactText(get(id)).equals("one two three"), "the next chunk arrives by polling");
            ResumableAgents.complete(remote);
            assertSeamless(stream.rest(), "one two three");
        }
        JsonNode task = finalTask(id);
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        assertEquals(subscriptions, ResumableAgents.SUBSCRIPTIONS.get(), "an agent that does not stream is not subscribed to");
        assertTrue(ResumableAgents.GET_TASKS.get() - reads >= 3, "polled: " + (ResumableAgents.GET_TASKS.get() - reads));
    }

    @Test
    void aTaskTheAgentNoLongerKnowsFailsSayingSo() {
        String id = crashed(ResumableAgents.STREAMING, "resumable-forgotten-" + UUID.randomUUID(), "one");
        recovery.atStart(null);
        JsonNode task = finalTask(id);
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());
        String why = task.path("status").path("message").path("parts").get(0).path("text").asText();
        assertTrue(why.contains("no longer knows its task resumable-forgotten-") && why.endsWith("send the message again"), why);
    }

    @Test
    void aTaskWhoseAgentStaysUnreachableFailsAtTheDeadline() {
        String id = crashed(ResumableAgents.GONE, ResumableAgents.start("one"), "one");
        long start = System.nanoTime();
        recovery.atStart(null);
        JsonNode task = finalTask(id);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());
        String why = task.path("status").path("message").path("parts").get(0).path("text").asText();
        assertTrue(why.contains("agent '" + ResumableAgents.GONE + "' could not be called for 2s"), why);
        assertTrue(tookMs >= 2000, "it waited for the deadline (2s in the test profile), not " + tookMs + " ms");
    }

    @Test
    void aTaskWhoseAgentHadNotNamedItsTaskFailsSayingSo() {
        String id = crashed(ResumableAgents.STREAMING, null, null);
        recovery.atStart(null);
        JsonNode task = finalTask(id);
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());
        String why = task.path("status").path("message").path("parts").get(0).path("text").asText();
        assertTrue(why.contains("restarted before agent '" + ResumableAgents.STREAMING + "' named its task"), why);
    }

    /**
     * The events after the three the client had (after the task as it stands, which opens every subscription, with
     * no id): seq ids that follow on from 3 without a gap or a repeat, the
     * artifact built from them (over the "one" it had) reads {@code text}, and exactly one final status, the last.
     */
    private static void assertSeamless(List<Rpc.Event> events, String text) {
        StringBuilder artifact = new StringBuilder("one");
        long seq = 3;
        int finals = 0;
        assertTrue(events.get(0).id() == null && events.get(0).data().path("result").has("task"), "" + events.get(0));
        events = events.subList(1, events.size());
        for (Rpc.Event e : events) {
            assertEquals(seq + 1, e.id(), "ids follow on: " + events);
            seq = e.id();
            JsonNode a = e.data().path("result").path("artifactUpdate");
            if (!a.isMissingNode()) {
                if (!a.path("append").asBoolean()) {
                    artifact.setLength(0);
                }
                artifact.append(a.path("artifact").path("parts").get(0).path("text").asText());
            }
            String state = e.data().path("result").path("statusUpdate").path("status").path("state").asText();
            if (state.equals("TASK_STATE_COMPLETED")) {
                finals++;
            }
        }
        assertEquals(text, artifact.toString(), "the artifact as the client built it: " + events);
        assertEquals(1, finals, "one final state: " + events);
        assertEquals("TASK_STATE_COMPLETED", events.get(events.size() - 1).data().path("result").path("statusUpdate")
                .path("status").path("state").asText(), "the final state is last: " + events);
    }

    /**
     * Writes what a process that died while following {@code agent}'s task {@code remote} leaves in the store: the
     * user's message in its thread, the task WORKING with the artifact {@code text} so far, its log (the task, WORKING,
     * the artifact: events 1 to 3), and another process as its runner. The gateway's task id.
     */
    private String crashed(String agent, String remote, String text) {
        String id = Ids.timeOrdered();
        String context = "reattach-" + UUID.randomUUID();
        Message user = new Message(UUID.randomUUID().toString(), context, id, Role.ROLE_USER, List.of(Part.text("go")),
                null, null, null);
        Task submitted = new Task(id, context, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null, List.of(user), null);
        Map<String, Object> mark = AgentMetadata.mark(null, agent, Map.of());
        Artifact artifact = text == null ? null : new Artifact(ResumableAgents.ARTIFACT, ResumableAgents.ARTIFACT, null,
                List.of(Part.text(text)), mark, null);
        Task working = new Task(id, context, TaskStatus.of(TaskState.TASK_STATE_WORKING),
                artifact == null ? null : List.of(artifact), List.of(user), null);
        StreamResponse status = StreamResponse.of(new TaskStatusUpdateEvent(id, context,
                TaskStatus.of(TaskState.TASK_STATE_WORKING), mark));
        StreamResponse chunk = artifact == null ? status
                : StreamResponse.of(new TaskArtifactUpdateEvent(id, context, artifact, false, false, mark));
        TaskRecord record = new TaskRecord("default", working, agent, remote, remote == null ? null : "remote-context", 3, null);
        db.write(c -> {
            threads.appendMessage(c, "default", context, user, id, null);
            store.insert(c, record);
            router.append(c, id, List.of(StreamEvent.ofTask(1, submitted, store.json(submitted)),
                    new StreamEvent(2, status), new StreamEvent(3, chunk)));
            try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE tasks SET runner = ? WHERE id = ?")) {
                ps.setString(1, "a-process-that-died");
                ps.setString(2, id);
                ps.executeUpdate();
            }
            return null;
        }).await().atMost(Duration.ofSeconds(10));
        return id;
    }

    private static JsonNode get(String id) {
        return Rpc.call("/a2a", "GetTask", Map.of("id", id)).path("result");
    }

    private static JsonNode finalTask(String id) {
        await(() -> TaskState.valueOf(get(id).path("status").path("state").asText()).isTerminal(), "task " + id + " ends");
        return get(id);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 20 s: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
