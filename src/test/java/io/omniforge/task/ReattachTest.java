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
import io.omniforge.orchestration.LegRecord;
import io.omniforge.orchestration.OrchestrationManager;
import io.omniforge.orchestration.OrchestrationState;
import io.omniforge.orchestration.Plan;
import io.omniforge.store.Db;
import io.omniforge.store.Ids;
import io.omniforge.stream.StreamRouter;
import io.omniforge.support.ResumableAgents;
import io.omniforge.support.Rpc;
import io.omniforge.support.Sql;
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
    @Inject
    OrchestrationManager orchestrations;

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

    @Test
    void aTaskWhoseHandoffWasCaughtHalfWayFailsAndTheHandoffIsRolledBack() {
        String remote = ResumableAgents.start("one");
        String id = crashed(ResumableAgents.STREAMING, remote, "one");
        String context = get(id).path("contextId").asText();
        // As the crash left it: the handoff accepted in the thread's state, and among the handoffs on their way.
        Sql.execute(db, "UPDATE threads SET state_metadata = '{\"handoff\":{\"stack\":[],\"history\":[{\"id\":"
                + "\"h-half\",\"from\":\"" + ResumableAgents.STREAMING + "\",\"to\":\"echo\",\"reason\":\"r\","
                + "\"requestedBy\":\"" + ResumableAgents.STREAMING + "\",\"state\":\"accepted\",\"depth\":1,"
                + "\"expectReturn\":false,\"taskId\":\"" + id + "\",\"createdAt\":\"2026-01-01T00:00:00.000Z\","
                + "\"updatedAt\":\"2026-01-01T00:00:00.000Z\"}]}}' WHERE id = '" + context + "'");
        Sql.execute(db, "INSERT INTO handoffs_in_flight (tenant, thread_id, handoff_id, task_id) VALUES ('default', '"
                + context + "', 'h-half', '" + id + "')");

        recovery.atStart(null);
        JsonNode task = finalTask(id);
        assertEquals("TASK_STATE_FAILED", task.path("status").path("state").asText(), task.toString());
        String why = task.path("status").path("message").path("parts").get(0).path("text").asText();
        assertTrue(why.contains("during the handoff of this task from " + ResumableAgents.STREAMING + " to echo, which"
                + " was rolled back"), why);
        JsonNode handoff = given().get("/api/v1/threads/" + context + "/handoffs").then().statusCode(200).extract()
                .as(JsonNode.class).get(0);
        assertEquals("failed", handoff.path("state").asText(), handoff.toString());
        assertTrue(handoff.path("detail").asText().contains("rolled back"), handoff.toString());
        assertEquals(0L, (long) db.read(c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(
                    "SELECT COUNT(*) FROM handoffs_in_flight WHERE thread_id = ?")) {
                ps.setString(1, context);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        }).await().atMost(Duration.ofSeconds(10)), "a handoff rolled back is no longer on its way");
    }

    @Test
    void aPipelineGoesOnAtItsStepKeepingWhatWasDone() {
        String remote = ResumableAgents.start("one");
        Plan plan = orchestrations.planFor("default", orchestration("sequential",
                List.of("echo", ResumableAgents.STREAMING, "echo"))).orElseThrow();
        String id = crashedOrchestration(plan, List.of(
                new LegRecord(0, "echo", "TASK_STATE_COMPLETED", "echo-task", "echo-context", null),
                new LegRecord(1, ResumableAgents.STREAMING, "TASK_STATE_WORKING", remote, "remote-context", null)),
                Map.of("echo.0/echo", "echo: go", ResumableAgents.STREAMING + ".1/" + ResumableAgents.ARTIFACT, "one"));
        ResumableAgents.add(remote, " two");
        int subscriptions = ResumableAgents.SUBSCRIPTIONS.get();

        recovery.atStart(null);
        await(() -> ResumableAgents.SUBSCRIPTIONS.get() > subscriptions, "the gateway follows the running step again");
        ResumableAgents.add(remote, " three");
        ResumableAgents.complete(remote);
        JsonNode task = finalTask(id);
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        JsonNode synthesis = artifact(task, "synthesis");
        // The running step's artifact: the snapshot's part ("one two"), then the chunk appended as a part of its own.
        assertEquals("echo: one two\n three", synthesis.path("parts").get(0).path("text").asText(),
                "the last step got the running step's whole output: " + task);
        assertEquals("echo: go", artifact(task, "echo.0/echo").path("parts").get(0).path("text").asText(),
                "the first step's output is kept, not made again");
        long firstSteps = 0;
        for (JsonNode a : task.path("artifacts")) {
            firstSteps += a.path("artifactId").asText().startsWith("echo.0/") ? 1 : 0;
        }
        assertEquals(1, firstSteps, "the step that had ended is not run again: " + task.path("artifacts"));
        JsonNode legs = task.path("metadata").path(Rpc.AGENT_KEY).path("legs");
        assertEquals(3, legs.size(), legs.toString());
        legs.forEach(l -> assertEquals("TASK_STATE_COMPLETED", l.path("state").asText(), legs.toString()));
    }

    @Test
    void aParallelOrchestrationKeepsItsEndedLegsAndFollowsTheRunningOnes() {
        String remote = ResumableAgents.start("one");
        Plan plan = orchestrations.planFor("default", orchestration("parallel",
                List.of(ResumableAgents.PLAIN, "echo", "echo"))).orElseThrow();
        String id = crashedOrchestration(plan, List.of(
                new LegRecord(0, ResumableAgents.PLAIN, "TASK_STATE_WORKING", remote, "remote-context", null),
                new LegRecord(1, "echo", "TASK_STATE_COMPLETED", "echo-task", "echo-context", null)),
                Map.of(ResumableAgents.PLAIN + ".0/" + ResumableAgents.ARTIFACT, "one", "echo.1/echo", "echo: kept"));
        recovery.atStart(null);
        ResumableAgents.add(remote, " two");
        ResumableAgents.complete(remote);
        JsonNode task = finalTask(id);
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        assertEquals("## " + ResumableAgents.PLAIN + "\none two\n\n## echo\necho: kept\n\n## echo\necho: go",
                artifact(task, "synthesis").path("parts").get(0).path("text").asText(),
                "the running leg followed again, the ended one kept, the one not started run: " + task);
    }

    private static Map<String, Object> orchestration(String strategy, List<String> agents) {
        return Map.of(Rpc.AGENT_KEY, Map.of("strategy", strategy, "agents", agents));
    }

    private static JsonNode artifact(JsonNode task, String id) {
        for (JsonNode a : task.path("artifacts")) {
            if (a.path("artifactId").asText().equals(id)) {
                return a;
            }
        }
        throw new AssertionError("no artifact " + id + " in " + task.path("artifacts"));
    }

    /**
     * What a process that died while running an orchestration leaves in the store: the task WORKING with the legs'
     * artifacts so far ({@code artifacts}: id to text, each marked with its agent), its stored state ({@code legs}),
     * its log (the task, WORKING, one event per artifact), and another process as its runner.
     */
    private String crashedOrchestration(Plan plan, List<LegRecord> legs, Map<String, String> artifacts) {
        String id = Ids.timeOrdered();
        String context = "reattach-" + UUID.randomUUID();
        Message user = new Message(UUID.randomUUID().toString(), context, id, Role.ROLE_USER, List.of(Part.text("go")),
                null, null, null);
        Task submitted = new Task(id, context, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null, List.of(user),
                orchestrations.describe(plan, null));
        List<Artifact> made = new java.util.ArrayList<>();
        List<StreamEvent> log = new java.util.ArrayList<>(List.of(StreamEvent.ofTask(1, submitted, store.json(submitted)),
                new StreamEvent(2, StreamResponse.of(new TaskStatusUpdateEvent(id, context,
                        TaskStatus.of(TaskState.TASK_STATE_WORKING), orchestrations.describe(plan, null))))));
        new java.util.TreeMap<>(artifacts).forEach((artifactId, text) -> {
            String agent = artifactId.substring(0, artifactId.indexOf('.'));
            Artifact a = new Artifact(artifactId, agent, null, List.of(Part.text(text)),
                    AgentMetadata.mark(null, agent, Map.of()), null);
            made.add(a);
            log.add(new StreamEvent(log.size() + 1, StreamResponse.of(new TaskArtifactUpdateEvent(id, context, a, false,
                    true, AgentMetadata.mark(null, agent, Map.of())))));
        });
        Task working = new Task(id, context, TaskStatus.of(TaskState.TASK_STATE_WORKING), made, List.of(user),
                orchestrations.describe(plan, legs));
        TaskRecord record = new TaskRecord("default", working, plan.label(), null, null, log.size(),
                new OrchestrationState(plan, legs, null));
        write(record, user, log);
        return id;
    }

    /** The task, its first message in its thread, its log, and a dead process as its runner, in one write. */
    private void write(TaskRecord record, Message user, List<StreamEvent> log) {
        db.write(c -> {
            threads.appendMessage(c, "default", record.task().contextId(), user, record.id(), null);
            store.insert(c, record);
            router.append(c, record.id(), log);
            try (java.sql.PreparedStatement ps = c.prepareStatement("UPDATE tasks SET runner = ? WHERE id = ?")) {
                ps.setString(1, "a-process-that-died");
                ps.setString(2, record.id());
                ps.executeUpdate();
            }
            return null;
        }).await().atMost(Duration.ofSeconds(10));
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
        write(record, user, List.of(StreamEvent.ofTask(1, submitted, store.json(submitted)), new StreamEvent(2, status),
                new StreamEvent(3, chunk)));
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
