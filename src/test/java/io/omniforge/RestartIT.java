package io.omniforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, as a real process, killed with SIGKILL in the middle of a conversation and started again
 * on the same SQLite file: what it acknowledged is all there, and the thread goes on with the agent that owned it.
 */
class RestartIT extends io.omniforge.support.PackagedServiceTest {


    @Test
    void conversationSurvivesACrash() throws Exception {
        Path dir = Path.of("target", "restart-it");
        Files.createDirectories(dir);
        Path db = dir.resolve("omniforge-" + UUID.randomUUID() + ".db");
        String context = "restart-" + UUID.randomUUID();

        int port = freePort();
        Process first = start(db, port, dir.resolve("first.log"));
        String base = "http://127.0.0.1:" + port;

        JsonNode greeting = task(send(base, message("hello", null, context, null), false));
        assertTrue(artifactText(greeting).startsWith("triage"), greeting.toString());
        JsonNode echoed = task(send(base, message("remember me", "echo", context, null), false));
        assertEquals("echo: remember me", artifactText(echoed));
        JsonNode asking = task(send(base, message("ask: the first half", "echo", context, null), false));
        assertEquals("TASK_STATE_INPUT_REQUIRED", state(asking));
        JsonNode running = task(send(base, message("delay:60000", "slow", context, null), true));
        assertFalse(state(running).equals("TASK_STATE_COMPLETED"));

        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"echo-kept\",\"url\":\"" + base + "/demo/echo\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, registered.statusCode(), registered.body());

        // Handoffs: one that went to billing and came back, one that left the thread with billing (one-way), and a
        // thread whose handoff the crash catches half-way (written below, as a crash would leave it).
        String backAgain = "handback-" + UUID.randomUUID();
        JsonNode refund = task(send(base, message("I need a refund for invoice 1", null, backAgain, null), false));
        assertTrue(refund.toString().contains("handed the conversation back to triage"), refund.toString());
        String oneWay = "oneway-" + UUID.randomUUID();
        task(send(base, message("hello", null, oneWay, null), false));
        HttpResponse<String> moved = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/threads/" + oneWay + "/handoffs"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"billing\",\"reason\":\"one way\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, moved.statusCode(), moved.body());
        String halfWay = "halfway-" + UUID.randomUUID();
        task(send(base, message("hello", null, halfWay, null), false));

        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
                java.sql.PreparedStatement ps = c.prepareStatement("UPDATE threads SET state_metadata = ? WHERE id = ?")) {
            ps.setString(1, "{\"handoff\":{\"stack\":[],\"history\":[{\"id\":\"h-crash\",\"from\":\"triage\","
                    + "\"to\":\"billing\",\"reason\":\"caught by the crash\",\"requestedBy\":\"triage\","
                    + "\"state\":\"accepted\",\"depth\":1,\"expectReturn\":true,"
                    + "\"createdAt\":\"2026-01-01T00:00:00.000Z\",\"updatedAt\":\"2026-01-01T00:00:00.000Z\"}]}}");
            ps.setString(2, halfWay);
            assertEquals(1, ps.executeUpdate());
            // ... and, in the same transaction as a crash would have left it, the handoff's row among those on
            // their way, where the next start looks.
            try (java.sql.PreparedStatement inFlight = c.prepareStatement("INSERT INTO handoffs_in_flight"
                    + " (tenant, thread_id, handoff_id, task_id) VALUES ('default', ?, 'h-crash', NULL)")) {
                inFlight.setString(1, halfWay);
                assertEquals(1, inFlight.executeUpdate());
            }
        }

        int port2 = freePort();
        start(db, port2, dir.resolve("second.log"));
        String base2 = "http://127.0.0.1:" + port2;

        JsonNode again = rpc(base2, "GetTask", Map.of("id", echoed.path("id").asText())).path("result");
        assertEquals("TASK_STATE_COMPLETED", state(again));
        assertEquals("echo: remember me", artifactText(again));
        assertEquals("TASK_STATE_INPUT_REQUIRED",
                state(rpc(base2, "GetTask", Map.of("id", asking.path("id").asText())).path("result")));
        // The slow demo agent was in the process that died, and its tasks with it: the restarted service follows
        // the task again there, learns that the agent no longer knows it, and only then fails it (ReattachIT shows a
        // task whose agent lives on going on).
        JsonNode orphan = rpc(base2, "GetTask", Map.of("id", running.path("id").asText())).path("result");
        for (long end = System.nanoTime() + Duration.ofSeconds(30).toNanos(); !state(orphan).equals("TASK_STATE_FAILED")
                && System.nanoTime() < end; Thread.sleep(100)) {
            orphan = rpc(base2, "GetTask", Map.of("id", running.path("id").asText())).path("result");
        }
        assertEquals("TASK_STATE_FAILED", state(orphan), "a task whose agent forgot it fails");
        assertTrue(orphan.path("status").path("message").toString().contains("restarted while agent 'slow' was working"
                + " on this task, and the agent no longer knows its task"), orphan.toString());

        JsonNode listed = rpc(base2, "ListTasks", Map.of("contextId", context)).path("result");
        assertEquals(4, listed.path("totalSize").asInt(), listed.toString());

        assertEquals("triage", get(base2 + "/api/v1/threads/" + backAgain).path("activeAgent").asText());
        JsonNode afterBack = task(send(base2, message("and another question", null, backAgain, null), false));
        assertEquals("triage", afterBack.path("metadata").path(AGENT_KEY).path("agent").asText(), "triage has it back");
        JsonNode afterMove = task(send(base2, message("still with billing?", null, oneWay, null), false));
        assertEquals("billing", afterMove.path("metadata").path(AGENT_KEY).path("agent").asText(),
                "the agent that owned the thread before the crash has it after");
        JsonNode rolledBack = get(base2 + "/api/v1/threads/" + halfWay + "/handoffs").get(0);
        assertEquals("failed", rolledBack.path("state").asText(), rolledBack.toString());
        assertTrue(rolledBack.path("detail").asText().contains("rolled back"), rolledBack.toString());
        assertEquals("triage", get(base2 + "/api/v1/threads/" + halfWay).path("activeAgent").asText());

        JsonNode kept = get(base2 + "/api/v1/agents/echo-kept");
        assertEquals("RUNTIME", kept.path("source").asText(), "a registered agent is persisted: " + kept);

        JsonNode thread = get(base2 + "/api/v1/threads/" + context);
        assertEquals("slow", thread.path("activeAgent").asText(), thread.toString());

        // The next message without an agent goes to the thread's owner, not to the entry agent.
        JsonNode after = task(send(base2, message("after the restart", null, context, null), false));
        assertEquals("slow", after.path("metadata").path(AGENT_KEY).path("agent").asText(), after.toString());
        assertEquals("TASK_STATE_COMPLETED", state(after));
        JsonNode toEcho = task(send(base2, message("and echo again", "echo", context, null), false));
        assertEquals("echo: and echo again", artifactText(toEcho));
        JsonNode owner = task(send(base2, message("who has me?", null, context, null), false));
        assertEquals("echo: who has me?", artifactText(owner), "the active agent keeps the thread");
    }

    private Process start(Path db, int port, Path log) throws Exception {
        return start(port, List.of("-Domniforge.store.sqlite-file=" + db.toAbsolutePath()), Map.of(), log);
    }

}
