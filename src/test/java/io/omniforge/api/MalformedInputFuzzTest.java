package io.omniforge.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Malformed requests, generated from valid ones with a fixed seed (so a failure is reproduced by its index): at every
 * field a value of each wrong type, removed, null, a huge number, an unknown enum, deep garbage; and truncated JSON.
 * Sent to JSON-RPC in 1.0 and 0.3, to the HTTP+JSON binding and to the management API. Every answer must be the error
 * of its endpoint's shape, a 4xx (or JSON-RPC's 200), naming no Java type, class, package or exception.
 */
@QuarkusTest
class MalformedInputFuzzTest {

    private static final Pattern JAVA = Pattern.compile(
            "io\\.omniforge|java\\.|javax\\.|jakarta\\.|com\\.fasterxml|Exception|\\.class\\b|\\$|`");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final int PER_TARGET = 250;

    private static ObjectNode message10() {
        ObjectNode m = F.objectNode().put("messageId", "m-1").put("role", "ROLE_USER");
        m.putArray("parts").addObject().put("text", "hello");
        m.putObject("metadata").putObject(Rpc.AGENT_KEY).put("agent", "echo");
        return m;
    }

    private static ObjectNode message03() {
        ObjectNode m = F.objectNode().put("kind", "message").put("messageId", "m-1").put("role", "user");
        m.putArray("parts").addObject().put("kind", "text").put("text", "hello");
        m.putObject("metadata").putObject(Rpc.AGENT_KEY).put("agent", "echo");
        return m;
    }

    private static ObjectNode rpc(String method, JsonNode params) {
        ObjectNode r = F.objectNode().put("jsonrpc", "2.0").put("id", 1).put("method", method);
        r.set("params", params);
        return r;
    }

    private static ObjectNode sendParams(ObjectNode message) {
        ObjectNode p = F.objectNode();
        p.set("message", message);
        p.putObject("configuration").put("returnImmediately", true).put("historyLength", 2);
        return p;
    }

    /** Every object field and array element of a tree, as (parent, key-or-index). */
    private static void slots(JsonNode node, List<Object[]> out) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                out.add(new Object[] {node, n});
                slots(node.get(n), out);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.add(new Object[] {node, i});
                slots(node.get(i), out);
            }
        }
    }

    private static JsonNode garbage(Random random) {
        return switch (random.nextInt(11)) {
            case 0 -> F.textNode("TASK_STATE_NOPE");
            case 1 -> F.numberNode(random.nextBoolean() ? 1e308 : -99999999999999999.0);
            case 2 -> F.numberNode(new java.math.BigInteger("123456789012345678901234567890"));
            case 3 -> F.booleanNode(random.nextBoolean());
            case 4 -> F.nullNode();
            case 5 -> F.arrayNode().add(1).add("x");
            case 6 -> F.objectNode().put("unexpected", true);
            case 7 -> F.textNode("");
            case 8 -> {
                ArrayNode deep = F.arrayNode();
                ArrayNode at = deep;
                for (int i = 0; i < 20; i++) {
                    at = at.addArray();
                }
                yield deep;
            }
            case 9 -> F.numberNode(random.nextInt());
            default -> F.textNode("\u0000\uFFFF" + "x".repeat(random.nextInt(50)));
        };
    }

    /** One mutation of a copy of {@code valid}: a slot replaced, removed, or the JSON cut off. */
    private static String mutate(JsonNode valid, Random random) {
        JsonNode copy = valid.deepCopy();
        List<Object[]> slots = new ArrayList<>();
        slots(copy, slots);
        int kind = random.nextInt(10);
        if (kind == 0) {
            String json = copy.toString();
            return json.substring(0, 1 + random.nextInt(json.length() - 1));
        }
        Object[] slot = slots.get(random.nextInt(slots.size()));
        if (slot[0] instanceof ObjectNode o) {
            if (kind == 1) {
                o.remove((String) slot[1]);
            } else {
                o.set((String) slot[1], garbage(random));
            }
        } else {
            ((ArrayNode) slot[0]).set((Integer) slot[1], garbage(random));
        }
        return copy.toString();
    }

    private static void clean(String label, Response r) {
        String body = r.asString();
        assertFalse(JAVA.matcher(body).find(), label + " named a Java type: " + body);
        assertTrue(r.statusCode() < 500, label + " answered " + r.statusCode() + ": " + body);
        assertFalse(body.isBlank(), label + " answered an empty body with " + r.statusCode());
    }

    private static void jsonRpc(String label, Response r) {
        clean(label, r);
        JsonNode body = Rpc.read(r.asString());
        if (body.has("error")) {
            int code = body.at("/error/code").asInt();
            assertTrue(code <= -32000 && code >= -32768 || code == -32001 || code == -32004, label + ": " + body);
            assertFalse(body.at("/error/message").asText().isBlank(), label + ": " + body);
        } else {
            assertNotNull(body.get("result"), label + ": neither result nor error: " + body);
        }
    }

    @Test
    void jsonRpcInBothVersionsNamesTheFieldNeverAJavaType() {
        Random random = new Random(20261207L);
        List<JsonNode> valid10 = List.of(rpc("SendMessage", sendParams(message10())),
                rpc("GetTask", F.objectNode().put("id", "t-1").put("historyLength", 3)),
                rpc("ListTasks", F.objectNode().put("pageSize", 5).put("status", "TASK_STATE_WORKING")),
                rpc("CancelTask", F.objectNode().put("id", "t-1")));
        List<JsonNode> valid03 = List.of(rpc("message/send", sendParams(message03())),
                rpc("tasks/get", F.objectNode().put("id", "t-1").put("historyLength", 3)),
                rpc("tasks/cancel", F.objectNode().put("id", "t-1")));
        for (int i = 0; i < PER_TARGET; i++) {
            String body = mutate(valid10.get(i % valid10.size()), random);
            jsonRpc("1.0 #" + i + " " + body, given().contentType("application/json").header("A2A-Version", "1.0")
                    .body(body).post("/a2a"));
        }
        for (int i = 0; i < PER_TARGET; i++) {
            String body = mutate(valid03.get(i % valid03.size()), random);
            jsonRpc("0.3 #" + i + " " + body, given().contentType("application/json").body(body).post("/a2a"));
        }
    }

    @Test
    void aNulCharacterIsRefusedNamingTheFieldOnEveryStore() {
        // PostgreSQL cannot store U+0000 (the fuzz found it there as a 500); refused up front on every store alike.
        ObjectNode message = message10().put("messageId", "m\u0000x");
        JsonNode error = Rpc.read(given().contentType("application/json").header("A2A-Version", "1.0")
                .body(rpc("SendMessage", sendParams(message)).toString()).post("/a2a").asString()).get("error");
        assertEquals(-32602, error.path("code").asInt(), error.toString());
        assertTrue(error.path("message").asText().contains("params.message.messageId holds the character U+0000"),
                error.toString());
        Response rest = given().contentType("application/a2a+json").header("A2A-Version", "1.0")
                .body(sendParams(message10().put("contextId", "c\u0000")).toString()).post("/message:send");
        assertEquals(400, rest.statusCode(), rest.asString());
        assertTrue(rest.asString().contains("message.contextId holds the character U+0000"), rest.asString());
        Response handoff = given().contentType("application/json").body("{\"to\":\"billing\",\"reason\":\"a\\u0000b\"}")
                .post("/api/v1/threads/t-none/handoffs");
        assertEquals(400, handoff.statusCode(), handoff.asString());
        assertTrue(handoff.asString().contains("reason holds the character U+0000"), handoff.asString());
    }

    @Test
    void theHttpJsonBindingAndTheManagementApiAnswerTheirErrorShape() {
        Random random = new Random(7L);
        JsonNode send = sendParams(message10());
        for (int i = 0; i < PER_TARGET; i++) {
            String body = mutate(send, random);
            Response r = given().contentType("application/a2a+json").header("A2A-Version", "1.0").body(body)
                    .post("/message:send");
            clean("rest #" + i + " " + body, r);
            if (r.statusCode() != 200) {
                io.omniforge.a2a.A2aSchema.assertValidHttpError(Rpc.read(r.asString()), r.statusCode());
            }
        }
        List<Map.Entry<String, JsonNode>> api = List.of(
                Map.entry("/api/v1/agents", F.objectNode().put("name", "fuzzed").put("url", "http://127.0.0.1:9")),
                Map.entry("/api/v1/threads/t-none/handoffs", F.objectNode().put("to", "billing").put("reason", "r")
                        .put("expectReturn", true)),
                Map.entry("/api/v1/orchestrations", F.objectNode().<ObjectNode>set("message", message10())
                        .put("strategy", "parallel").<ObjectNode>set("agents", F.arrayNode().add("echo"))));
        for (int i = 0; i < PER_TARGET; i++) {
            Map.Entry<String, JsonNode> target = api.get(i % api.size());
            String body = mutate(target.getValue(), random);
            Response r = given().contentType("application/json").body(body).post(target.getKey());
            clean("api #" + i + " " + target.getKey() + " " + body, r);
            if (r.statusCode() >= 400) {
                JsonNode error = Rpc.read(r.asString()).get("error");
                assertNotNull(error, "api #" + i + ": no error body: " + r.asString());
                assertEquals(r.statusCode(), error.path("code").asInt(), r.asString());
                assertFalse(error.path("message").asText().isBlank(), r.asString());
            }
        }
    }
}
