package io.omniforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service, as a real process, killed with SIGKILL in the middle of a conversation and started again
 * on the same SQLite file: what it acknowledged is all there, and the thread goes on with the agent that owned it.
 */
class RestartIT {

    private static final ObjectMapper JSON = A2aJson.newMapper();
    private static final String AGENT_KEY = "urn:omniforge:a2a:orchestration:v1";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
    }

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
        }

        int port2 = freePort();
        start(db, port2, dir.resolve("second.log"));
        String base2 = "http://127.0.0.1:" + port2;

        JsonNode again = rpc(base2, "GetTask", Map.of("id", echoed.path("id").asText())).path("result");
        assertEquals("TASK_STATE_COMPLETED", state(again));
        assertEquals("echo: remember me", artifactText(again));
        assertEquals("TASK_STATE_INPUT_REQUIRED",
                state(rpc(base2, "GetTask", Map.of("id", asking.path("id").asText())).path("result")));
        JsonNode orphan = rpc(base2, "GetTask", Map.of("id", running.path("id").asText())).path("result");
        assertEquals("TASK_STATE_FAILED", state(orphan), "a task whose agent stream died with the process fails");
        assertTrue(orphan.path("status").path("message").toString().contains("restarted"), orphan.toString());

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
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(javaBin,
                "-Dquarkus.http.port=" + port,
                "-Domniforge.store.sqlite-file=" + db.toAbsolutePath(),
                "-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString())
                .redirectErrorStream(true);
        Process process = pb.start();
        processes.add(process);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                    if (line.contains("Listening on")) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new AssertionError("the service exited before it listened; see " + log));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "restart-it-log");
        reader.setDaemon(true);
        reader.start();
        ready.get(60, TimeUnit.SECONDS);
        return process;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Map<String, Object> message(String text, String agent, String contextId, String taskId) {
        Map<String, Object> m = new HashMap<>();
        m.put("messageId", UUID.randomUUID().toString());
        m.put("role", "ROLE_USER");
        m.put("parts", List.of(Map.of("text", text)));
        m.put("contextId", contextId);
        if (agent != null) {
            m.put("metadata", Map.of(AGENT_KEY, Map.of("agent", agent)));
        }
        if (taskId != null) {
            m.put("taskId", taskId);
        }
        return m;
    }

    private JsonNode send(String base, Map<String, Object> message, boolean immediately) throws Exception {
        Map<String, Object> params = new HashMap<>();
        params.put("message", message);
        if (immediately) {
            params.put("configuration", Map.of("returnImmediately", true));
        }
        return rpc(base, "SendMessage", params);
    }

    private JsonNode rpc(String base, String method, Object params) throws Exception {
        String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", method, "params", params));
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "/a2a"))
                .header("Content-Type", "application/json").header("A2A-Version", "1.0")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        JsonNode node = JSON.readTree(response.body());
        assertFalse(node.has("error"), node.toString());
        return node;
    }

    private JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    private static JsonNode task(JsonNode response) {
        return response.path("result").path("task");
    }

    private static String state(JsonNode task) {
        return task.path("status").path("state").asText();
    }

    private static String artifactText(JsonNode task) {
        StringBuilder sb = new StringBuilder();
        task.path("artifacts").forEach(a -> a.path("parts").forEach(p -> sb.append(p.path("text").asText(""))));
        return sb.toString();
    }
}
