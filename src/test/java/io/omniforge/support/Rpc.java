package io.omniforge.support;

import static io.restassured.RestAssured.given;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.A2aJson;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A tiny JSON-RPC client for tests: posts to the orchestrator (or any agent) and reads JSON or SSE answers. */
public final class Rpc {

    public static final ObjectMapper JSON = A2aJson.newMapper();
    public static final String AGENT_KEY = "urn:omniforge:a2a:orchestration:v1";

    private Rpc() {
    }

    public static Response post(String path, String body) {
        return given().contentType("application/json").header("A2A-Version", "1.0").body(body).when().post(path);
    }

    public static JsonNode call(String path, String method, Object params) {
        return read(post(path, request(method, params)).then().statusCode(200).extract().asString());
    }

    public static String request(String method, Object params) {
        try {
            return JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", UUID.randomUUID().toString(),
                    "method", method, "params", params));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (Exception e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }

    /** A user message with text, optionally addressed to an agent by the orchestration extension. */
    public static Map<String, Object> message(String text, String agent) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("messageId", UUID.randomUUID().toString());
        m.put("role", "ROLE_USER");
        m.put("parts", List.of(Map.of("text", text)));
        if (agent != null) {
            m.put("metadata", Map.of(AGENT_KEY, Map.of("agent", agent)));
        }
        return m;
    }

    public static Map<String, Object> send(Map<String, Object> message) {
        return Map.of("message", message);
    }

    /** One SSE event: its id (null when absent) and its data parsed. */
    public record Event(Long id, JsonNode data) {
    }

    /** Splits an SSE body into events. */
    public static List<Event> events(String body) {
        List<Event> out = new ArrayList<>();
        for (String block : body.split("\n\n")) {
            Long id = null;
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("id:")) {
                    id = Long.parseLong(line.substring(3).trim());
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                }
            }
            if (data.length() > 0) {
                out.add(new Event(id, read(data.toString())));
            }
        }
        return out;
    }

    /**
     * Subscribes to a task on the orchestrator and reads its SSE stream line by line until an event mentions
     * {@code marker}; then closes the connection. Fails if the stream ends first or nothing comes within 30 s.
     */
    public static void awaitEvent(String taskId, String marker) {
        try (LiveStream stream = subscribe(taskId)) {
            for (Event e = stream.nextEvent(); e != null; e = stream.nextEvent()) {
                if (e.data().toString().contains(marker)) {
                    return;
                }
            }
        }
        throw new AssertionError("the stream of task " + taskId + " ended without " + marker);
    }

    /**
     * Whether a demo agent ({@code /demo/<agent>}) still runs a task whose history mentions {@code marker} after
     * {@code withinMs}: polls its ListTasks until no such task is submitted or working, or the time is up.
     */
    public static boolean stillRuns(String agent, String marker, long withinMs) {
        long deadline = System.nanoTime() + withinMs * 1_000_000L;
        while (true) {
            boolean running = false;
            for (JsonNode t : call("/demo/" + agent + "/a2a", "ListTasks", Map.of("pageSize", 100, "historyLength", 1))
                    .path("result").path("tasks")) {
                running |= t.path("history").toString().contains(marker)
                        && t.path("status").path("state").asText().matches("TASK_STATE_(SUBMITTED|WORKING)");
            }
            if (!running || System.nanoTime() > deadline) {
                return running;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return running;
            }
        }
    }

    /** A stream read event by event as it arrives, over the JDK's HTTP client. */
    public static final class LiveStream implements AutoCloseable {
        private final java.io.InputStream body;
        private final java.io.BufferedReader reader;

        LiveStream(java.io.InputStream body) {
            this.body = body;
            this.reader = new java.io.BufferedReader(new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8));
        }

        /** The next event's data, or null at the end of the stream. */
        public JsonNode next() {
            Event e = nextEvent();
            return e == null ? null : e.data();
        }

        /** The next event, or null at the end of the stream. */
        public Event nextEvent() {
            try {
                Long id = null;
                StringBuilder data = new StringBuilder();
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (data.length() > 0) {
                            return new Event(id, read(data.toString()));
                        }
                    } else if (line.startsWith("id:")) {
                        id = Long.parseLong(line.substring(3).trim());
                    } else if (line.startsWith("data:")) {
                        data.append(line.substring(5).trim());
                    }
                }
                return data.length() > 0 ? new Event(id, read(data.toString())) : null;
            } catch (java.io.IOException e) {
                throw new AssertionError(e);
            }
        }

        /** Every remaining event, until the server ends the stream. */
        public List<Event> rest() {
            List<Event> out = new ArrayList<>();
            for (Event e = nextEvent(); e != null; e = nextEvent()) {
                out.add(e);
            }
            return out;
        }

        @Override
        public void close() {
            try {
                body.close();
            } catch (java.io.IOException ignored) {
                // closing a stream the server may already have ended
            }
        }
    }

    /** Opens SubscribeToTask on the orchestrator and returns the live stream. */
    public static LiveStream subscribe(String taskId) {
        return subscribe(taskId, null);
    }

    /** Opens SubscribeToTask with a {@code Last-Event-ID} (null for none). */
    public static LiveStream subscribe(String taskId, Long lastEventId) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + "/a2a"))
                .header("Content-Type", "application/json").header("A2A-Version", "1.0")
                .headers(lastEventId == null ? new String[] {"X-No-Last-Event", "1"} : new String[] {"Last-Event-ID", lastEventId.toString()})
                .timeout(java.time.Duration.ofSeconds(30))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(request("SubscribeToTask", Map.of("id", taskId))))
                .build();
        try {
            var response = http.send(request, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200 || !response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream")) {
                throw new AssertionError("SubscribeToTask " + taskId + " did not open a stream: "
                        + new String(response.body().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            }
            return new LiveStream(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The text of every text part of a task's artifacts, concatenated. */
    public static String artifactText(JsonNode task) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode a : task.path("artifacts")) {
            for (JsonNode p : a.path("parts")) {
                sb.append(p.path("text").asText(""));
            }
        }
        return sb.toString();
    }
}
