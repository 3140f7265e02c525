package io.omniforge.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;

/**
 * Base of the tests that run the packaged service as real processes (after {@code package}, under failsafe):
 * starting the jar and waiting until it listens, and a small JSON-RPC/HTTP client to talk to it. Every process a
 * test starts is killed after it.
 */
public abstract class PackagedServiceTest {

    protected static final ObjectMapper JSON = A2aJson.newMapper();
    protected static final String AGENT_KEY = "urn:omniforge:a2a:orchestration:v1";
    protected final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    protected final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stopServices() {
        processes.forEach(Process::destroyForcibly);
    }

    /** Starts the packaged jar on {@code port} with extra {@code -D} options and environment; waits until it listens. */
    protected Process start(int port, List<String> properties, Map<String, String> env, Path log) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // These tests are about processes and stores, not about who calls: anonymous callers are admins here (the
        // packaged default refuses them; SecurityTest covers that), and they register the service's own demo agents
        // on loopback, which the production profile refuses otherwise.
        List<String> command = new ArrayList<>(List.of(javaBin, "-Dquarkus.http.port=" + port,
                "-Domniforge.security.anonymous.enabled=true", "-Domniforge.security.anonymous.roles=admin",
                "-Domniforge.security.agent-urls.allow-loopback=true"));
        command.addAll(properties);
        command.addAll(List.of("-jar", Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString()));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process process = pb.start();
        processes.add(process);
        Files.deleteIfExists(log);
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                    if (line.contains("Listening on")) {
                        ready.complete(null);
                    }
                }
                ready.completeExceptionally(new AssertionError("the service exited before it listened; see " + log));
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
        }, "packaged-service-log");
        reader.setDaemon(true);
        reader.start();
        ready.get(60, TimeUnit.SECONDS);
        return process;
    }

    protected static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    protected static Map<String, Object> message(String text, String agent, String contextId) {
        return message(text, agent, contextId, null);
    }

    protected static Map<String, Object> message(String text, String agent, String contextId, String taskId) {
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

    protected JsonNode send(String base, Map<String, Object> message, boolean immediately) throws Exception {
        Map<String, Object> params = new HashMap<>();
        params.put("message", message);
        if (immediately) {
            params.put("configuration", Map.of("returnImmediately", true));
        }
        return rpc(base, "SendMessage", params);
    }

    protected JsonNode rpc(String base, String method, Object params) throws Exception {
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

    protected int statusOf(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    protected JsonNode get(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    protected static JsonNode task(JsonNode response) {
        return response.path("result").path("task");
    }

    protected static String state(JsonNode task) {
        return task.path("status").path("state").asText();
    }

    protected static String artifactText(JsonNode task) {
        StringBuilder sb = new StringBuilder();
        task.path("artifacts").forEach(a -> a.path("parts").forEach(p -> sb.append(p.path("text").asText(""))));
        return sb.toString();
    }
}
