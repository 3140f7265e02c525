package io.omniforge.security;

import static io.omniforge.security.SecurityTest.ALICE;
import static io.omniforge.security.SecurityTest.BOB;
import static io.omniforge.security.SecurityTest.OPERATOR;
import static io.omniforge.security.SecurityTest.as;
import static io.omniforge.security.SecurityTest.message;
import static io.omniforge.security.SecurityTest.result;
import static io.omniforge.security.SecurityTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Tenant B (bob, an admin of tenant-b) against tenant A's objects: every read and write endpoint and every A2A method
 * the JSON-RPC transport serves, at {@code /a2a} and at a flow's endpoint. Each call is made twice, once with A's id
 * and once with an id that exists nowhere; the two answers (status, content type and the whole body, with the id
 * replaced) must be the same word for word, so B can tell nothing from them. Same profile as {@link SecurityTest}, so
 * Quarkus reuses the application.
 */
@QuarkusTest
@TestProfile(SecurityTest.Secured.class)
class TenantIsolationTest {

    /** One JSON-RPC request with a fixed id, so that two answers can be compared whole. */
    static String request(String method, Object params) {
        try {
            return Rpc.JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", "isolation", "method", method,
                    "params", params));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Response rpc(String key, String path, String method, Object params) {
        return as(key).body(request(method, params)).post(path);
    }

    /** The answer with the id it was asked about replaced. */
    static String shape(Response r, String id) {
        return r.statusCode() + " " + r.contentType() + " " + r.asString().replace(id, "<id>");
    }

    /** An error answer: HTTP 4xx, or a JSON-RPC error (which travels with 200). */
    static boolean isError(Response r) {
        if (r.statusCode() >= 400) {
            return true;
        }
        JsonNode body = Rpc.read(r.asString());
        return body.has("error") && !body.has("result");
    }

    /** One operation as B: {@code call} made with A's id, then with a missing one. */
    record Probe(String name, Function<String, Response> call) {
    }

    /** The ids of tenant A's objects, made by alice (user) and operator (to register an agent) of tenant-a. */
    record TenantA(String task, String thread, String paused, String pausedThread, String flowTask, String agent) {
        static TenantA make() {
            JsonNode task = send(ALICE, "private to tenant a", "echo");
            JsonNode paused = send(ALICE, "ask: which account?", "echo");
            assertEquals("TASK_STATE_INPUT_REQUIRED", paused.get("status").get("state").asText(), paused.toString());
            // A client handoff, so that A's thread has a handoff history to hide.
            String pausedThread = paused.get("contextId").asText();
            // Accepted or refused, it is in the thread's handoff history (checked at the end of the test).
            as(ALICE).body(Map.of("to", "triage", "reason", "tenant a's reason")).post("/api/v1/threads/" + pausedThread
                    + "/handoffs");
            JsonNode flowTask = Rpc.read(as(ALICE).body(request("SendMessage", Rpc.send(Rpc.message("via a flow", null))))
                    .post("/flows/pipeline/a2a").then().statusCode(200).extract().asString()).get("result").get("task");
            String agent = "only-a-" + UUID.randomUUID().toString().substring(0, 8);
            as(OPERATOR).body(Map.of("name", agent, "url", "http://127.0.0.1:" + SecurityTest.Secured.PORT + "/demo/echo"))
                    .post("/api/v1/agents").then().statusCode(201);
            return new TenantA(task.get("id").asText(), task.get("contextId").asText(), paused.get("id").asText(),
                    pausedThread, flowTask.get("id").asText(), agent);
        }
    }

    private static Map<String, Object> orchestration(Map<String, Object> spec) {
        Map<String, Object> body = new LinkedHashMap<>(spec);
        body.putIfAbsent("message", "fan out");
        return body;
    }

    /** Every operation on a task id, at {@code path} (the gateway's or a flow's JSON-RPC endpoint). */
    private static List<Probe> taskProbes(String path) {
        List<Probe> probes = new ArrayList<>();
        probes.add(new Probe(path + " GetTask", id -> rpc(BOB, path, "GetTask", Map.of("id", id))));
        probes.add(new Probe(path + " GetTask historyLength", id -> rpc(BOB, path, "GetTask", Map.of("id", id, "historyLength", 5))));
        probes.add(new Probe(path + " CancelTask", id -> rpc(BOB, path, "CancelTask", Map.of("id", id))));
        probes.add(new Probe(path + " SubscribeToTask", id -> rpc(BOB, path, "SubscribeToTask", Map.of("id", id))));
        probes.add(new Probe(path + " SubscribeToTask Last-Event-ID", id -> as(BOB).header("Last-Event-ID", "0")
                .body(request("SubscribeToTask", Map.of("id", id))).post(path)));
        probes.add(new Probe(path + " SendMessage reply", id -> rpc(BOB, path, "SendMessage",
                Rpc.send(message("my reply", null, null, id)))));
        probes.add(new Probe(path + " SendStreamingMessage reply", id -> rpc(BOB, path, "SendStreamingMessage",
                Rpc.send(message("my reply", null, null, id)))));
        for (String method : List.of("CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig",
                "ListTaskPushNotificationConfigs", "DeleteTaskPushNotificationConfig")) {
            probes.add(new Probe(path + " " + method, id -> rpc(BOB, path, method, Map.of("taskId", id, "id", id))));
        }
        return probes;
    }

    private static void assertSameAsMissing(List<Probe> probes, String mine, String missing) {
        for (Probe p : probes) {
            Response none = p.call().apply(missing);
            assertTrue(isError(none), p.name() + ": the call with a missing id must fail: " + none.asString());
            Response other = p.call().apply(mine);
            assertEquals(shape(none, missing), shape(other, mine), p.name());
        }
    }

    @Test
    void tenantBGetsTheAnswerForAMissingObjectForEveryOneOfTenantAs() {
        TenantA a = TenantA.make();
        String missing = UUID.randomUUID().toString();

        // Tasks: at the gateway's endpoint and at a flow's; A's finished, paused and flow tasks.
        for (String task : List.of(a.task(), a.paused(), a.flowTask())) {
            assertSameAsMissing(taskProbes("/a2a"), task, missing);
            assertSameAsMissing(taskProbes("/flows/pipeline/a2a"), task, missing);
        }
        // POST /api/v1/orchestrations replying to A's task.
        assertSameAsMissing(List.of(new Probe("orchestration replying to a task", id -> as(BOB).body(orchestration(Map.of(
                "strategy", "parallel", "agents", List.of("echo"), "message", Map.of("messageId", UUID.randomUUID().toString(),
                        "role", "ROLE_USER", "taskId", id, "parts", List.of(Map.of("text", "reply"))))))
                .post("/api/v1/orchestrations"))), a.paused(), missing);

        // Threads and their handoffs.
        List<Probe> threads = List.of(
                new Probe("GET thread", id -> as(BOB).get("/api/v1/threads/" + id)),
                new Probe("GET thread messages=5", id -> as(BOB).get("/api/v1/threads/" + id + "?messages=5")),
                new Probe("GET handoffs", id -> as(BOB).get("/api/v1/threads/" + id + "/handoffs")),
                new Probe("POST handoff", id -> as(BOB).body(Map.of("to", "echo", "reason", "b's")).post("/api/v1/threads/" + id + "/handoffs")));
        assertSameAsMissing(threads, a.pausedThread(), missing);
        assertSameAsMissing(threads, a.thread(), missing);

        // A's agent registered at run time: read, removed, called, or made a leg or the synthesizer of an orchestration.
        String noAgent = "no-agent-" + UUID.randomUUID().toString().substring(0, 8);
        String bobsThread = result(BOB, "SendMessage", Rpc.send(Rpc.message("b's own thread", "echo"))).get("task")
                .get("contextId").asText();
        assertSameAsMissing(List.of(
                new Probe("GET agent", n -> as(BOB).get("/api/v1/agents/" + n)),
                new Probe("DELETE agent", n -> as(BOB).delete("/api/v1/agents/" + n)),
                new Probe("SendMessage to agent", n -> rpc(BOB, "/a2a", "SendMessage", Rpc.send(Rpc.message("x", n)))),
                new Probe("SendStreamingMessage to agent", n -> rpc(BOB, "/a2a", "SendStreamingMessage", Rpc.send(Rpc.message("x", n)))),
                new Probe("orchestration leg (REST)", n -> as(BOB).body(orchestration(Map.of("strategy", "parallel",
                        "agents", List.of("echo", n)))).post("/api/v1/orchestrations")),
                new Probe("orchestration synthesizer (REST)", n -> as(BOB).body(orchestration(Map.of("strategy", "parallel",
                        "agents", List.of("echo"), "synthesis", "delegate", "synthesizer", n))).post("/api/v1/orchestrations")),
                new Probe("orchestration leg (message metadata)", n -> {
                    Map<String, Object> m = Rpc.message("x", null);
                    m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of("echo", n))));
                    return rpc(BOB, "/a2a", "SendMessage", Rpc.send(m));
                }),
                new Probe("handoff to agent (REST)", n -> as(BOB).body(Map.of("to", n)).post("/api/v1/threads/" + bobsThread
                        + "/handoffs"))), a.agent(), noAgent);
        assertFalse(as(BOB).get("/api/v1/agents").asString().contains(a.agent()), "B's list of agents");
        assertFalse(rpc(BOB, "/a2a", "GetExtendedAgentCard", Map.of()).asString().contains(a.agent()));

        // Listings: A's ids appear nowhere, and filtering by A's thread is filtering by a thread B does not have.
        String tasks = rpc(BOB, "/a2a", "ListTasks", Map.of("pageSize", 100)).asString();
        for (String id : List.of(a.task(), a.paused(), a.flowTask(), a.thread())) {
            assertFalse(tasks.contains(id), tasks);
            assertFalse(as(BOB).get("/api/v1/threads?pageSize=100").asString().contains(id));
        }
        for (String path : List.of("/a2a", "/flows/pipeline/a2a")) {
            Response filtered = rpc(BOB, path, "ListTasks", Map.of("contextId", a.thread()));
            Response none = rpc(BOB, path, "ListTasks", Map.of("contextId", missing));
            assertEquals(shape(none, missing), shape(filtered, a.thread()), path + " ListTasks by contextId");
            assertEquals(0, Rpc.read(filtered.asString()).get("result").get("tasks").size(), filtered.asString());
        }

        // Nothing of A's changed: the paused task still waits, the agent is still there, the handoff history is whole.
        assertEquals("TASK_STATE_INPUT_REQUIRED", result(ALICE, "GetTask", Map.of("id", a.paused()))
                .get("status").get("state").asText());
        as(ALICE).get("/api/v1/agents/" + a.agent()).then().statusCode(200);
        send(ALICE, "still mine", a.agent());
        String history = as(ALICE).get("/api/v1/threads/" + a.pausedThread() + "/handoffs").then().statusCode(200)
                .extract().asString();
        assertTrue(history.contains("tenant a's reason") && !history.contains("b's"), history);
        as(OPERATOR).delete("/api/v1/agents/" + a.agent()).then().statusCode(204);
    }

    /** A message that names A's thread id starts B's own thread: as for an id nobody uses, and nothing of A's in it. */
    @Test
    void aMessageInTenantAsThreadIdStartsTenantBsOwn() {
        JsonNode mine = send(ALICE, "alice's secret words", "echo");
        String thread = mine.get("contextId").asText();
        // A's thread has echo as its active agent: A's next message without an agent goes there...
        JsonNode again = result(ALICE, "SendMessage", Rpc.send(message("the thread's agent", null, thread, null))).get("task");
        assertTrue(Rpc.artifactText(again).startsWith("echo:"), again.toString());
        String missing = UUID.randomUUID().toString();

        // ...B's goes to the entry agent, as in a thread that does not exist; one blocking, one streamed, one orchestrated.
        JsonNode inA = result(BOB, "SendMessage", Rpc.send(message("hello there", null, thread, null))).get("task");
        JsonNode inNone = result(BOB, "SendMessage", Rpc.send(message("hello there", null, missing, null))).get("task");
        assertEquals(Rpc.artifactText(inNone), Rpc.artifactText(inA));
        assertEquals(inNone.get("status").get("state"), inA.get("status").get("state"));

        String streamedA = rpc(BOB, "/a2a", "SendStreamingMessage", Rpc.send(message("streamed", "echo", thread, null))).asString();
        String streamedNone = rpc(BOB, "/a2a", "SendStreamingMessage", Rpc.send(message("streamed", "echo", missing, null))).asString();
        assertEquals(texts(streamedNone), texts(streamedA));

        JsonNode orchestratedA = Rpc.read(as(BOB).body(orchestration(Map.of("strategy", "parallel", "agents", List.of("echo"),
                "contextId", thread, "message", "fanned"))).post("/api/v1/orchestrations").then().statusCode(200).extract().asString());
        JsonNode orchestratedNone = Rpc.read(as(BOB).body(orchestration(Map.of("strategy", "parallel", "agents", List.of("echo"),
                "contextId", missing, "message", "fanned"))).post("/api/v1/orchestrations").then().statusCode(200).extract().asString());
        assertEquals(Rpc.artifactText(orchestratedNone), Rpc.artifactText(orchestratedA));
        assertEquals(thread, orchestratedA.get("contextId").asText());

        // B's view of the id holds B's messages only, and A's only A's.
        String bob = as(BOB).get("/api/v1/threads/" + thread).then().statusCode(200).extract().asString();
        assertFalse(bob.contains("alice's secret words") || bob.contains("the thread's agent"), bob);
        assertTrue(bob.contains("hello there") && bob.contains("streamed") && bob.contains("fanned"), bob);
        String alice = as(ALICE).get("/api/v1/threads/" + thread).then().statusCode(200).extract().asString();
        assertFalse(alice.contains("hello there") || alice.contains("streamed") || alice.contains("fanned"), alice);
        String listed = result(BOB, "ListTasks", Map.of("contextId", thread, "historyLength", 10)).toString();
        assertFalse(listed.contains("alice's secret words") || listed.contains(mine.get("id").asText()), listed);
        assertTrue(listed.contains("hello there"), listed);
    }

    /** The texts of a stream's artifacts and status messages, in order: what an SSE answer says, without its ids. */
    private static List<String> texts(String sse) {
        List<String> out = new ArrayList<>();
        for (Rpc.Event e : Rpc.events(sse)) {
            e.data().path("result").findValues("text").forEach(t -> out.add(t.asText()));
        }
        assertFalse(out.isEmpty(), sse);
        return out;
    }
}
