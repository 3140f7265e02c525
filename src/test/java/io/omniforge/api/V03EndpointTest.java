package io.omniforge.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.a2a.v03.A2aSchema03;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A2A 0.3 on the gateway's JSON-RPC endpoints, as a 0.3 client speaks it: no {@code A2A-Version} header (or 0.3), the
 * 0.3 method names, kind-tagged objects, lowercase states and roles, unwrapped results, {@code final} on the last
 * status update; and the card negotiated by the same header. Every 0.3 payload is validated against the 0.3 schema
 * (skipped, saying so, without ../shared; the behaviour is still checked).
 */
@QuarkusTest
class V03EndpointTest {

    /** A 0.3 request: the 0.3 client sends no version header. */
    static Response post03(String path, String method, Object params) {
        return given().contentType("application/json").body(Rpc.request(method, params)).when().post(path);
    }

    static JsonNode call03(String method, Object params) {
        return Rpc.read(post03("/a2a", method, params).then().statusCode(200).extract().asString());
    }

    static Map<String, Object> message03(String text, String agent) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", "message");
        m.put("messageId", UUID.randomUUID().toString());
        m.put("role", "user");
        m.put("parts", List.of(Map.of("kind", "text", "text", text)));
        if (agent != null) {
            m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("agent", agent)));
        }
        return m;
    }

    private static void valid03(String definition, JsonNode payload) {
        if (A2aSchema03.available()) {
            A2aSchema03.assertValid(definition, payload);
        }
    }

    @Test
    void messageSendAnswersTheTaskItselfAs03() {
        JsonNode response = call03("message/send", Map.of("message", message03("hello", "echo")));
        valid03("SendMessageSuccessResponse", response);
        JsonNode task = response.get("result");
        assertEquals("task", task.get("kind").asText(), response.toString());
        assertEquals("completed", task.at("/status/state").asText());
        assertEquals("text", task.at("/artifacts/0/parts/0/kind").asText());
        assertTrue(task.at("/artifacts/0/parts/0/text").asText().contains("hello"), task.toString());
        valid03("Task", task);

        JsonNode got = call03("tasks/get", Map.of("id", task.get("id").asText(), "historyLength", 5));
        valid03("GetTaskSuccessResponse", got);
        assertEquals("completed", got.at("/result/status/state").asText());
        assertEquals("user", got.at("/result/history/0/role").asText(), got.toString());
        assertEquals("message", got.at("/result/history/0/kind").asText());

        JsonNode notCancelable = call03("tasks/cancel", Map.of("id", task.get("id").asText()));
        assertEquals(-32002, notCancelable.at("/error/code").asInt(), notCancelable.toString());
        valid03("JSONRPCErrorResponse", notCancelable);
    }

    @Test
    void blockingFalseAnswersAtOnceAndCancelWorks() {
        Map<String, Object> params = Map.of("message", message03("delay:60000", "slow"),
                "configuration", Map.of("blocking", false));
        JsonNode task = call03("message/send", params).get("result");
        assertEquals("task", task.get("kind").asText());
        assertFalse(List.of("completed", "failed", "canceled").contains(task.at("/status/state").asText()), task.toString());
        JsonNode canceled = call03("tasks/cancel", Map.of("id", task.get("id").asText()));
        valid03("CancelTaskSuccessResponse", canceled);
        assertEquals("canceled", canceled.at("/result/status/state").asText(), canceled.toString());
    }

    @Test
    void messageStreamIsKindTaggedAndEndsWithFinal() {
        String body = post03("/a2a", "message/stream", Map.of("message", message03("take your time", "slow")))
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .extract().asString();
        List<Rpc.Event> events = Rpc.events(body);
        assertTrue(events.size() >= 3, body);
        assertEquals("task", events.get(0).data().at("/result/kind").asText(), body);
        for (Rpc.Event e : events) {
            valid03("SendStreamingMessageSuccessResponse", e.data());
            JsonNode r = e.data().get("result");
            if (r.get("kind").asText().equals("status-update")) {
                assertEquals(r == events.get(events.size() - 1).data().get("result"), r.get("final").asBoolean(),
                        "only the last status update is final: " + body);
            }
        }
        JsonNode last = events.get(events.size() - 1).data().get("result");
        assertEquals("status-update", last.get("kind").asText());
        assertEquals("completed", last.at("/status/state").asText());
        assertTrue(last.get("final").asBoolean());
        assertEquals(1L, events.get(0).id(), "the same sequence ids as the 1.0 stream");
    }

    @Test
    void resubscribeFollowsARunningTaskFromLastEventId() {
        JsonNode task = call03("message/send", Map.of("message", message03("delay:1500", "slow"),
                "configuration", Map.of("blocking", false))).get("result");
        String replay = given().contentType("application/json").header("Last-Event-ID", "1")
                .body(Rpc.request("tasks/resubscribe", Map.of("id", task.get("id").asText()))).post("/a2a")
                .then().statusCode(200).extract().asString();
        List<Rpc.Event> events = Rpc.events(replay);
        assertEquals("task", events.get(0).data().at("/result/kind").asText(), replay);
        for (Rpc.Event e : events.subList(1, events.size())) {
            assertTrue(e.id() > 1, "only what follows event 1: " + replay);
            valid03("SendStreamingMessageSuccessResponse", e.data());
        }
        JsonNode last = events.get(events.size() - 1).data().get("result");
        assertEquals("completed", last.at("/status/state").asText(), replay);
        assertTrue(last.get("final").asBoolean());
        // A finished task cannot be followed (1.0's rule, kept for 0.3): one error event.
        JsonNode done = Rpc.events(post03("/a2a", "tasks/resubscribe", Map.of("id", task.get("id").asText()))
                .asString()).get(0).data();
        assertEquals(-32004, done.at("/error/code").asInt(), done.toString());
    }

    @Test
    void aStreamingMethodThatFailsAnswersOneErrorEvent() {
        String body = post03("/a2a", "tasks/resubscribe", Map.of("id", "no-such-task"))
                .then().statusCode(200).contentType(org.hamcrest.Matchers.startsWith("text/event-stream"))
                .extract().asString();
        List<Rpc.Event> events = Rpc.events(body);
        assertEquals(1, events.size(), body);
        assertEquals(-32001, events.get(0).data().at("/error/code").asInt());
        valid03("JSONRPCErrorResponse", events.get(0).data());
    }

    @Test
    void errorsAndMethodNames() {
        JsonNode oneNameAs03 = call03("SendMessage", Map.of("message", message03("x", "echo")));
        assertEquals(-32601, oneNameAs03.at("/error/code").asInt());
        assertTrue(oneNameAs03.at("/error/message").asText().contains("A2A-Version: 1.0"), oneNameAs03.toString());
        assertTrue(oneNameAs03.at("/error/message").asText().contains("message/send"), oneNameAs03.toString());

        JsonNode legacyAs10 = Rpc.read(Rpc.post("/a2a", Rpc.request("message/send", Map.of())).asString());
        assertEquals(-32601, legacyAs10.at("/error/code").asInt());
        assertTrue(legacyAs10.at("/error/message").asText().contains("SendMessage"), legacyAs10.toString());

        JsonNode noMessageId = call03("message/send", Map.of("message", Map.of("kind", "message", "role", "user",
                "parts", List.of(Map.of("kind", "text", "text", "x")))));
        assertEquals(-32602, noMessageId.at("/error/code").asInt(), noMessageId.toString());
        assertTrue(noMessageId.at("/error/message").asText().contains("messageId"), noMessageId.toString());
        valid03("JSONRPCErrorResponse", noMessageId);

        JsonNode badKind = call03("message/send", Map.of("message", Map.of("kind", "message", "messageId", "m",
                "role", "user", "parts", List.of(Map.of("kind", "video", "text", "x")))));
        assertEquals(-32602, badKind.at("/error/code").asInt());
        assertTrue(badKind.at("/error/message").asText().contains("params.message.parts[0].kind"), badKind.toString());

        JsonNode push = call03("tasks/pushNotificationConfig/set", Map.of("taskId", "t",
                "pushNotificationConfig", Map.of("url", "https://example.com/hook")));
        assertEquals(-32003, push.at("/error/code").asInt(), push.toString());

        JsonNode extended = call03("agent/getAuthenticatedExtendedCard", Map.of());
        assertEquals(-32007, extended.at("/error/code").asInt(), extended.toString());

        JsonNode future = Rpc.read(given().contentType("application/json").header("A2A-Version", "2.0")
                .body(Rpc.request("GetTask", Map.of("id", "x"))).post("/a2a").asString());
        assertEquals(-32009, future.at("/error/code").asInt());
        assertTrue(future.at("/error/message").asText().contains("1.0 and 0.3"), future.toString());
    }

    @Test
    void aFlowSpeaks03Too() {
        JsonNode response = Rpc.read(post03("/flows/pipeline/a2a", "message/send",
                Map.of("message", message03("hi", null))).then().statusCode(200).extract().asString());
        assertEquals("task", response.at("/result/kind").asText(), response.toString());
        assertEquals("completed", response.at("/result/status/state").asText(), response.toString());
        valid03("Task", response.get("result"));
    }

    // ----- the card

    @Test
    void theCardIsNegotiatedByTheVersionHeader() {
        Response none = given().get("/.well-known/agent-card.json");
        none.then().statusCode(200).header("Vary", "A2A-Version");
        JsonNode plain = Rpc.read(none.asString());
        // A 0.3 client finds its transport ...
        assertEquals("0.3.0", plain.get("protocolVersion").asText());
        assertTrue(plain.get("url").asText().endsWith("/a2a"), plain.toString());
        assertEquals("JSONRPC", plain.get("preferredTransport").asText());
        // ... and so does a 1.0 client that sent no header.
        assertTrue(plain.get("supportedInterfaces").isArray(), plain.toString());
        valid03("AgentCard", plain);

        JsonNode v03 = Rpc.read(given().header("A2A-Version", "0.3").get("/.well-known/agent-card.json").asString());
        assertFalse(v03.has("supportedInterfaces"), "a client that asks for 0.3 gets the 0.3 card alone");
        valid03("AgentCard", v03);
        assertEquals("http", v03.at("/securitySchemes").elements().hasNext()
                ? v03.at("/securitySchemes").elements().next().path("type").asText("http") : "http");

        JsonNode v10 = Rpc.read(given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").asString());
        assertFalse(v10.has("protocolVersion") || v10.has("url"), v10.toString());
        assertTrue(v10.get("supportedInterfaces").isArray());
        if (A2aSchema.available()) {
            A2aSchema.assertValid("Agent Card", v10);
        }
        JsonNode flow = Rpc.read(given().get("/flows/pipeline/.well-known/agent-card.json").asString());
        assertTrue(flow.get("url").asText().endsWith("/flows/pipeline/a2a"), flow.toString());
        valid03("AgentCard", flow);
    }

    @Test
    void theCardIsCacheable() {
        Response first = given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json");
        first.then().statusCode(200);
        String etag = first.getHeader("ETag");
        String lastModified = first.getHeader("Last-Modified");
        assertTrue(etag != null && etag.startsWith("\""), "a strong ETag: " + etag);
        assertTrue(lastModified != null && lastModified.endsWith("GMT"), "Last-Modified: " + lastModified);
        assertTrue(first.getHeader("Cache-Control").contains("max-age="), first.getHeader("Cache-Control"));

        given().header("A2A-Version", "1.0").header("If-None-Match", etag).get("/.well-known/agent-card.json")
                .then().statusCode(304).header("ETag", etag);
        given().header("A2A-Version", "1.0").header("If-Modified-Since", lastModified).get("/.well-known/agent-card.json")
                .then().statusCode(304);
        given().header("A2A-Version", "1.0").header("If-None-Match", "\"something-else\"")
                .get("/.well-known/agent-card.json").then().statusCode(200);
        // Each version is its own representation, with its own tag.
        String etag03 = given().get("/.well-known/agent-card.json").getHeader("ETag");
        assertNotEquals(etag, etag03);
        given().header("If-None-Match", etag).get("/.well-known/agent-card.json").then().statusCode(200);
    }
}
