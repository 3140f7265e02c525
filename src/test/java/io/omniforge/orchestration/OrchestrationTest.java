package io.omniforge.orchestration;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.Rpc;
import io.omniforge.support.Rpc.Event;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every strategy, policy and synthesis mode, end to end over the demo agents on loopback. */
@QuarkusTest
class OrchestrationTest {

    /** A message that asks for an orchestration under the extension's metadata. */
    private static Map<String, Object> message(String text, Map<String, Object> spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messageId", UUID.randomUUID().toString());
        m.put("role", "ROLE_USER");
        m.put("parts", List.of(Map.of("text", text)));
        m.put("metadata", Map.of(Rpc.AGENT_KEY, spec));
        return m;
    }

    private static JsonNode run(String text, Map<String, Object> spec) {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", message(text, spec)));
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Send Message Response", response.get("result"));
        return response.path("result").path("task");
    }

    private static JsonNode error(String text, Map<String, Object> spec) {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", message(text, spec)));
        A2aSchema.assertValidJsonRpcError(response);
        return response.path("error");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String state(JsonNode task) {
        return task.path("status").path("state").asText();
    }

    private static String synthesis(JsonNode task) {
        for (JsonNode a : task.path("artifacts")) {
            if ("synthesis".equals(a.path("artifactId").asText())) {
                StringBuilder sb = new StringBuilder();
                a.path("parts").forEach(p -> sb.append(p.path("text").asText("")));
                return sb.toString();
            }
        }
        return null;
    }

    private static List<String> artifactAgents(JsonNode task) {
        List<String> agents = new ArrayList<>();
        for (JsonNode a : task.path("artifacts")) {
            if (!"synthesis".equals(a.path("artifactId").asText())) {
                agents.add(a.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText());
            }
        }
        return agents;
    }

    private static JsonNode legs(JsonNode task) {
        return task.path("metadata").path(Rpc.AGENT_KEY).path("legs");
    }

    private static Map<String, Object> spec(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], pairs[i + 1]);
        }
        return m;
    }

    /** The slow agent's own task for a marker text, followed to its end at the agent's side. */
    private static String stateAtSlowAgent(String marker) {
        JsonNode tasks = Rpc.call("/demo/slow/a2a", "ListTasks", Map.of("pageSize", 100, "historyLength", 1))
                .path("result").path("tasks");
        for (JsonNode t : tasks) {
            if (t.path("history").toString().contains(marker)) {
                String id = t.path("id").asText();
                if (!t.path("status").path("state").asText().matches("TASK_STATE_(SUBMITTED|WORKING)")) {
                    return t.path("status").path("state").asText();
                }
                // Still running there: follow its stream at the agent until it ends.
                given().contentType("application/json").header("A2A-Version", "1.0")
                        .body(Rpc.request("SubscribeToTask", Map.of("id", id))).post("/demo/slow/a2a").then()
                        .extract().asString();
                return Rpc.call("/demo/slow/a2a", "GetTask", Map.of("id", id)).path("result").path("status")
                        .path("state").asText();
            }
        }
        throw new AssertionError("the slow agent never got a message with " + marker + ": " + tasks);
    }

    @Test
    void parallelConcatenatesInThePlansOrder() {
        JsonNode task = run("hello all", spec("strategy", "parallel", "agents", List.of("echo", "triage", "billing")));
        assertEquals("TASK_STATE_COMPLETED", state(task));
        String s = synthesis(task);
        assertNotNull(s, task.toString());
        assertTrue(s.indexOf("## echo") < s.indexOf("## triage") && s.indexOf("## triage") < s.indexOf("## billing"), s);
        assertTrue(s.contains("echo: hello all"), s);
        assertTrue(artifactAgents(task).containsAll(List.of("echo", "triage", "billing")), artifactAgents(task).toString());
        assertEquals(3, legs(task).size());
        legs(task).forEach(l -> assertEquals("TASK_STATE_COMPLETED", l.path("state").asText()));
    }

    @Test
    void parallelTakesAboutOneDelayNotN() {
        // Warm the path first (cards, connections, JIT), so the bound measures the strategy, not the first call.
        run("delay:10 warm-up", spec("strategy", "parallel", "agents", List.of("slow", "slow", "slow", "slow")));
        long start = System.nanoTime();
        JsonNode task = run("delay:1500 fan", spec("strategy", "parallel", "agents", List.of("slow", "slow", "slow", "slow")));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("TASK_STATE_COMPLETED", state(task));
        assertEquals(4, legs(task).size());
        // A generous bound (2 x D): in sequence it would take 4 x D. The benchmark measures the real ratio.
        assertTrue(ms < 3000, "4 agents of 1500 ms in parallel took " + ms + " ms");
    }

    @Test
    void theConcurrencyCapIsHonoured() {
        long start = System.nanoTime();
        JsonNode task = run("delay:400 capped", spec("strategy", "parallel", "agents", List.of("slow", "slow", "slow"),
                "maxConcurrency", 1));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("TASK_STATE_COMPLETED", state(task));
        // One at a time: it cannot be faster than the three delays one after the other.
        assertTrue(ms >= 1200, "three agents of 400 ms with a cap of 1 took only " + ms + " ms");
    }

    @Test
    void sequentialHandsEachOutputToTheNext() {
        JsonNode task = run("hi", spec("strategy", "sequential", "agents", List.of("echo", "echo", "echo")));
        assertEquals("TASK_STATE_COMPLETED", state(task));
        assertEquals("echo: echo: echo: hi", synthesis(task));
        assertEquals(List.of("echo", "echo", "echo"), artifactAgents(task));
    }

    @Test
    void aLoserThatNamesItsTaskLateIsCanceledOnceItDoes() throws InterruptedException {
        String base = io.restassured.RestAssured.given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().extract()
                .path("supportedInterfaces[0].url").toString().replace("/a2a", "");
        int status = io.restassured.RestAssured.given().contentType("application/json")
                .body(Map.of("name", "late", "url", base + io.omniforge.support.LateAgent.PATH)).post("/api/v1/agents")
                .then().extract().statusCode();
        assertTrue(status == 201 || status == 409, "registered: " + status);
        int before = io.omniforge.support.LateAgent.CANCELED.size();
        JsonNode task = run("first wins", spec("strategy", "race", "agents", List.of("late", "echo")));
        assertEquals("TASK_STATE_COMPLETED", state(task));
        assertEquals("echo: first wins", synthesis(task));
        // echo won long before late named its task; the cancel follows the name.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (io.omniforge.support.LateAgent.CANCELED.size() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(before + 1, io.omniforge.support.LateAgent.CANCELED.size(), "late's task was canceled at the agent");
    }

    @jakarta.inject.Inject
    io.omniforge.store.Db db;

    @Test
    void anOrchestrationWhoseCreationFailsAnswersTheErrorAndCancelsItsAgents() {
        // The agents are called while the creation commits; a creation that fails must stop them. A trigger (SQLite's
        // syntax) makes the store refuse this one thread's task.
        String doomed = "doomed-" + UUID.randomUUID();
        io.omniforge.support.Sql.whileSqliteRefuses(db, "refuse_doomed",
                "BEFORE INSERT ON tasks WHEN NEW.context_id LIKE 'doomed-%'", () -> {
            String marker = "doomed-run-" + UUID.randomUUID();
            Map<String, Object> m = message("delay:5000 " + marker, spec("strategy", "parallel", "agents", List.of("slow", "echo")));
            m.put("contextId", doomed);
            JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", m));
            A2aSchema.assertValidJsonRpcError(response);
            assertEquals(-32603, response.path("error").path("code").asInt(), "a store failure is an internal error: " + response);
            // The creation fails fast: the slow agent's call was either stopped before it went out, or canceled
            // there. Either way nothing of this orchestration runs on at the agent.
            assertFalse(Rpc.stillRuns("slow", marker, 3_000),
                    "the slow agent still runs the task of an orchestration whose creation failed");
        });
    }

    @Test
    void raceTakesTheFirstAndCancelsTheOthersAtTheAgent() {
        String marker = "race-" + UUID.randomUUID();
        JsonNode task = run("delay:5000 " + marker, spec("strategy", "race", "agents", List.of("slow", "echo")));
        assertEquals("TASK_STATE_COMPLETED", state(task));
        assertEquals("echo: delay:5000 " + marker, synthesis(task));
        assertEquals("TASK_STATE_CANCELED", stateAtSlowAgent(marker));
    }

    @Test
    void quorumStopsEarlyAndCancelsTheRest() {
        String marker = "quorum-" + UUID.randomUUID();
        long start = System.nanoTime();
        JsonNode task = run("delay:5000 " + marker, spec("strategy", "quorum", "quorum", 2,
                "agents", List.of("echo", "slow", "billing")));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("TASK_STATE_COMPLETED", state(task));
        assertTrue(ms < 5000, "the quorum did not wait for the slow agent (" + ms + " ms)");
        String s = synthesis(task);
        assertTrue(s.contains("## echo") && s.contains("## billing") && !s.contains("## slow"), s);
        assertEquals("TASK_STATE_CANCELED", stateAtSlowAgent(marker));
    }

    @Test
    void quorumThatCannotBeReachedFailsEarly() {
        JsonNode task = run("fail:error", spec("strategy", "quorum", "quorum", 2, "agents", List.of("flaky", "flaky", "slow")));
        assertEquals("TASK_STATE_FAILED", state(task));
        assertTrue(task.path("status").path("message").toString().contains("cannot be reached"), task.toString());
    }

    @Test
    void bestEffortCompletesWithPartialResultsAndSaysWhoFailed() {
        JsonNode task = run("fail:error please", spec("strategy", "parallel", "agents", List.of("echo", "flaky"),
                "policy", "best-effort"));
        assertEquals("TASK_STATE_COMPLETED", state(task));
        String s = synthesis(task);
        assertTrue(s.contains("## echo") && !s.contains("## flaky"), s);
        JsonNode flaky = legs(task).get(1);
        assertEquals("flaky", flaky.path("agent").asText());
        assertTrue(flaky.path("error").asText().contains("-32603"), flaky.toString());
        assertTrue(task.path("status").path("message").toString().contains("1 of 2 agents succeeded"), task.toString());
    }

    @Test
    void failFastFailsOnTheFirstFailure() {
        JsonNode task = run("fail:error please", spec("strategy", "parallel", "agents", List.of("echo", "flaky"),
                "policy", "fail-fast"));
        assertEquals("TASK_STATE_FAILED", state(task));
        assertTrue(task.path("status").path("message").toString().contains("flaky"), task.toString());
    }

    @Test
    void perAgentTimeoutCancelsTheSlowAgent() {
        String marker = "timeout-" + UUID.randomUUID();
        JsonNode task = run("delay:5000 " + marker, spec("strategy", "parallel", "agents", List.of("slow", "echo"),
                "agentTimeout", "700ms"));
        assertEquals("TASK_STATE_COMPLETED", state(task));
        assertTrue(legs(task).get(0).path("error").asText().contains("did not finish within"), legs(task).toString());
        assertEquals("TASK_STATE_CANCELED", stateAtSlowAgent(marker));
    }

    @Test
    void deadlineFailsAndCancelsEverything() {
        String marker = "deadline-" + UUID.randomUUID();
        long start = System.nanoTime();
        JsonNode task = run("delay:5000 " + marker, spec("strategy", "parallel", "agents", List.of("slow", "slow"),
                "deadline", 800));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals("TASK_STATE_FAILED", state(task));
        assertTrue(ms < 5000, ms + " ms");
        assertTrue(task.path("status").path("message").toString().contains("deadline"), task.toString());
        legs(task).forEach(l -> assertEquals("TASK_STATE_CANCELED", l.path("state").asText(), legs(task).toString()));
        assertEquals("TASK_STATE_CANCELED", stateAtSlowAgent(marker));
    }

    @Test
    void synthesisFirstAndDelegate() {
        JsonNode first = run("one", spec("strategy", "parallel", "agents", List.of("echo"), "synthesis", "first"));
        assertEquals("echo: one", synthesis(first));
        JsonNode delegated = run("two", spec("strategy", "parallel", "agents", List.of("echo", "billing"),
                "synthesis", "delegate", "synthesizer", "echo"));
        String s = synthesis(delegated);
        assertTrue(s.startsWith("echo: ## echo") && s.contains("## billing"), s);
        assertTrue(delegated.path("status").toString().contains("2 of 2 agents succeeded"),
                "the synthesizer is not counted as one of the agents: " + delegated.path("status"));
        assertTrue(artifactAgents(delegated).contains("echo"));
    }

    @Test
    void routeBySkillTagsOrByRule() {
        JsonNode byTags = run("I want a refund for this invoice", spec("strategy", "route", "agents", List.of("echo", "billing")));
        assertTrue(Rpc.artifactText(byTags).startsWith("billing"), byTags.toString());
        JsonNode byRule = run("hello there", spec("strategy", "route", "agents", List.of("billing", "echo"),
                "routes", Map.of("echo", "^hello")));
        assertEquals("echo: hello there", Rpc.artifactText(byRule));
        JsonNode fallback = run("nothing matches", spec("strategy", "route", "agents", List.of("triage", "echo")));
        assertTrue(Rpc.artifactText(fallback).startsWith("triage"), fallback.toString());
    }

    @Test
    void invalidRequestsNameTheField() {
        assertError(error("x", spec("strategy", "parallel", "agents", List.of("echo", "nobody"))), "unknown agent 'nobody'");
        assertError(error("x", spec("strategy", "zigzag", "agents", List.of("echo"))), ".strategy: unknown strategy 'zigzag'");
        assertError(error("x", spec("strategy", "quorum", "quorum", 5, "agents", List.of("echo", "billing"))), ".quorum");
        assertError(error("x", spec("strategy", "parallel", "agents", List.of())), ".agents must name at least one agent");
        assertError(error("x", spec("strategy", "parallel", "agents", "echo")), ".agents must be a list");
        assertError(error("x", spec("flow", "nope")), ".flow: unknown flow 'nope'");
        assertError(error("x", spec("strategy", "parallel", "agents", List.of("echo"), "synthesis", "delegate")), ".synthesizer");
        assertError(error("x", spec("strategy", "parallel", "agents", List.of("echo"), "deadline", "soon")), ".deadline");
    }

    private static void assertError(JsonNode error, String part) {
        assertEquals(-32602, error.path("code").asInt(), error.toString());
        assertTrue(error.path("message").asText().contains(part), error.path("message").asText() + " should say " + part);
    }

    @Test
    void flowsAreSkillsAndAgentsOfTheirOwn() {
        JsonNode card = Rpc.read(given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().statusCode(200).extract().asString());
        A2aSchema.assertValid("Agent Card", card);
        assertTrue(card.path("skills").toString().contains("flow:pipeline"), card.toString());

        JsonNode flowCard = Rpc.read(given().header("A2A-Version", "1.0").get("/flows/pipeline/.well-known/agent-card.json").then().statusCode(200)
                .extract().asString());
        A2aSchema.assertValid("Agent Card", flowCard);
        assertTrue(flowCard.path("supportedInterfaces").get(0).path("url").asText().endsWith("/flows/pipeline/a2a"));

        JsonNode viaOwnEndpoint = Rpc.call("/flows/pipeline/a2a", "SendMessage", Rpc.send(Rpc.message("own", null)))
                .path("result").path("task");
        assertEquals("echo: echo: own", synthesis(viaOwnEndpoint));
        JsonNode viaMetadata = run("meta", spec("flow", "pipeline"));
        assertEquals("echo: echo: meta", synthesis(viaMetadata));
        // A flow inside a flow, called over loopback like any agent.
        JsonNode nested = run("deep", spec("flow", "nested"));
        assertEquals("TASK_STATE_COMPLETED", state(nested));
        assertEquals("billing: I looked at your account: echo: echo: deep", synthesis(nested));
    }

    @Test
    void cancellingTheUpstreamTaskCancelsEveryAgent() {
        String marker = "cancel-" + UUID.randomUUID();
        Map<String, Object> params = new HashMap<>();
        params.put("message", message("delay:10000 " + marker, spec("strategy", "parallel", "agents", List.of("slow", "slow"))));
        params.put("configuration", Map.of("returnImmediately", true));
        JsonNode task = Rpc.call("/a2a", "SendMessage", params).path("result").path("task");
        String id = task.path("id").asText();
        // Both agents are working once both legs reported it.
        try (Rpc.LiveStream stream = Rpc.subscribe(id, 1L)) {
            int working = 0;
            for (Event e = stream.nextEvent(); e != null && working < 2; e = stream.nextEvent()) {
                if (e.data().toString().contains("\"leg\":\"TASK_STATE_WORKING\"")) {
                    working++;
                }
            }
            assertEquals(2, working);
        }
        JsonNode canceled = Rpc.call("/a2a", "CancelTask", Map.of("id", id)).path("result");
        assertEquals("TASK_STATE_CANCELED", state(canceled));
        JsonNode tasks = Rpc.call("/demo/slow/a2a", "ListTasks", Map.of("pageSize", 100, "historyLength", 1))
                .path("result").path("tasks");
        int found = 0;
        for (JsonNode t : tasks) {
            if (t.path("history").toString().contains(marker)) {
                found++;
            }
        }
        assertEquals(2, found, "both legs reached the agent");
        assertEquals("TASK_STATE_CANCELED", stateAtSlowAgent(marker));
    }

    @Test
    void aQuestionInsideAPipelinePausesItAndTheReplyResumesIt() {
        JsonNode asked = run("ask: first", spec("strategy", "sequential", "agents", List.of("echo", "echo")));
        assertEquals("TASK_STATE_INPUT_REQUIRED", state(asked));
        assertEquals("ROLE_AGENT", asked.path("status").path("message").path("role").asText());
        Map<String, Object> reply = new LinkedHashMap<>(Rpc.message("second", null));
        reply.put("taskId", asked.path("id").asText());
        reply.put("contextId", asked.path("contextId").asText());
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", reply));
        JsonNode done = response.path("result").path("task");
        assertEquals("TASK_STATE_COMPLETED", state(done), response.toString());
        assertEquals("echo: echo: ask: first + second", synthesis(done));
    }

    @Test
    void mergedStreamIsOrderedAndComplete() {
        String body = given().contentType("application/json").header("A2A-Version", "1.0")
                .body(Rpc.request("SendStreamingMessage", Map.of("message", message("delay:300 s",
                        spec("strategy", "parallel", "agents", List.of("slow", "slow", "echo")))))).post("/a2a")
                .then().statusCode(200).extract().asString();
        List<Event> events = Rpc.events(body);
        assertTrue(events.get(0).data().path("result").has("task"));
        long previous = 0;
        int slowChunks = 0;
        for (Event e : events) {
            A2aSchema.assertValid("Stream Response", e.data().path("result"));
            assertTrue(e.id() > previous);
            previous = e.id();
            JsonNode update = e.data().path("result").path("artifactUpdate");
            if ("slow".equals(update.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText())) {
                slowChunks++;
            }
        }
        assertEquals(10, slowChunks, "every chunk of both slow agents");
        JsonNode last = events.get(events.size() - 1).data().path("result");
        assertEquals("TASK_STATE_COMPLETED", last.path("statusUpdate").path("status").path("state").asText());
        String taskId = events.get(0).data().path("result").path("task").path("id").asText();
        JsonNode task = Rpc.call("/a2a", "GetTask", Map.of("id", taskId)).path("result");
        int slowParts = 0;
        for (JsonNode a : task.path("artifacts")) {
            if ("slow".equals(a.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText())) {
                slowParts += a.path("parts").size();
            }
        }
        assertEquals(10, slowParts, "the stored task holds what the stream delivered");
    }

    @Test
    void restApiRunsOrchestrationsAsJsonAndSse() {
        JsonNode task = Rpc.read(given().contentType("application/json")
                .body(Map.of("strategy", "sequential", "agents", List.of("echo", "echo"), "message", "rest"))
                .post("/api/v1/orchestrations").then().statusCode(200).extract().asString());
        A2aSchema.assertValid("Task", task);
        assertEquals("echo: echo: rest", synthesis(task));

        String sse = given().contentType("application/json").accept("text/event-stream")
                .body(Map.of("flow", "fanout", "message", "stream me"))
                .post("/api/v1/orchestrations").then().statusCode(200).contentType("text/event-stream").extract().asString();
        List<Event> events = Rpc.events(sse);
        assertTrue(events.get(0).data().has("task"), events.get(0).data().toString());
        events.forEach(e -> A2aSchema.assertValid("Stream Response", e.data()));
        assertEquals("TASK_STATE_COMPLETED", events.get(events.size() - 1).data().path("statusUpdate").path("status")
                .path("state").asText());

        given().contentType("application/json").body(Map.of("strategy", "parallel", "agents", List.of("ghost"), "message", "x"))
                .post("/api/v1/orchestrations").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("unknown agent 'ghost'"));
        given().contentType("application/json").body(Map.of("agents", List.of("echo"), "message", "x"))
                .post("/api/v1/orchestrations").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("strategy"));
        given().contentType("application/json").body(Map.of("flow", "pipeline"))
                .post("/api/v1/orchestrations").then().statusCode(400)
                .body("error.message", org.hamcrest.Matchers.containsString("message is required"));
    }
}
