package io.omniforge.demo;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A small A2A JSON-RPC client for the tests: requests over rest-assured, SSE read whole or live. */
final class Rpc {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private Rpc() {
    }

    static Map<String, Object> message(String text) {
        return message(text, null, null);
    }

    static Map<String, Object> message(String text, String taskId, String contextId) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("messageId", UUID.randomUUID().toString());
        m.put("role", "ROLE_USER");
        m.put("parts", List.of(Map.of("text", text)));
        if (taskId != null) {
            m.put("taskId", taskId);
        }
        if (contextId != null) {
            m.put("contextId", contextId);
        }
        return m;
    }

    static Map<String, Object> send(Map<String, Object> message) {
        return Map.of("message", message);
    }

    static Map<String, Object> send(Map<String, Object> message, Map<String, Object> configuration) {
        return Map.of("message", message, "configuration", configuration);
    }

    static Map<String, Object> request(String method, Object params) {
        return Map.of("jsonrpc", "2.0", "id", 7, "method", method, "params", params);
    }

    static Response call(String agent, String method, Object params) {
        return given().header("A2A-Version", "1.0").contentType(ContentType.JSON)
                .body(request(method, params))
                .post(DemoAgents.rpcPath(agent));
    }

    /** A successful JSON answer, as a whole JSON-RPC response. */
    static JsonPath ok(String agent, String method, Object params) {
        return call(agent, method, params).then().statusCode(200).contentType(ContentType.JSON)
                .body("jsonrpc", org.hamcrest.Matchers.is("2.0"))
                .body("error", nullValue()).body("result", notNullValue())
                .extract().jsonPath();
    }

    /** A JSON-RPC error answer (HTTP 200), as a whole JSON-RPC response. */
    static JsonPath error(String agent, String method, Object params) {
        return call(agent, method, params).then().statusCode(200).contentType(ContentType.JSON)
                .body("result", nullValue()).body("error.code", notNullValue())
                .extract().jsonPath();
    }

    /** The events of a whole SSE stream: one JSON-RPC response per {@code data:} field, in order. */
    static List<JsonPath> stream(String agent, String method, Object params) {
        Response response = call(agent, method, params);
        response.then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"));
        return events(response.asString());
    }

    static List<JsonPath> events(String body) {
        List<JsonPath> events = new ArrayList<>();
        for (String block : body.replace("\r\n", "\n").split("\n\n")) {
            StringBuilder data = new StringBuilder();
            for (String line : block.split("\n")) {
                if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            if (data.length() > 0) {
                events.add(JsonPath.from(data.toString()));
            }
        }
        return events;
    }

    /** The state an event leaves the task in (task or statusUpdate), or null. */
    static String state(JsonPath event) {
        String fromTask = event.getString("result.task.status.state");
        return fromTask != null ? fromTask : event.getString("result.statusUpdate.status.state");
    }

    /** An SSE stream read as it arrives: {@link #next()} blocks for the next event, null at the end. */
    static final class LiveStream implements AutoCloseable {
        private final HttpResponse<InputStream> response;
        private final BufferedReader reader;

        private LiveStream(HttpResponse<InputStream> response) {
            this.response = response;
            this.reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
        }

        int status() {
            return response.statusCode();
        }

        String contentType() {
            return response.headers().firstValue("Content-Type").orElse("");
        }

        JsonPath next() throws IOException {
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isEmpty()) {
                    if (data.length() > 0) {
                        return JsonPath.from(data.toString());
                    }
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).strip());
                }
            }
            return data.length() > 0 ? JsonPath.from(data.toString()) : null;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** Opens a streaming call; returns once the response headers (sent with the first event) have arrived. */
    static LiveStream open(String agent, String method, Object params) {
        try {
            HttpRequest request = HttpRequest.newBuilder(
                            URI.create("http://localhost:" + RestAssured.port + DemoAgents.rpcPath(agent)))
                    .header("A2A-Version", "1.0")
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request(method, params))))
                    .build();
            return new LiveStream(HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
