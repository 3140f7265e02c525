package io.omniforge.handoff;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** triage hands invoices and refunds to billing, which answers and hands back, all through the public endpoint. */
@QuarkusTest
class HandoffTest {

    private static Map<String, Object> inThread(String text, String context) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, null));
        m.put("contextId", context);
        return m;
    }

    private static JsonNode send(Map<String, Object> message) {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", message));
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Send Message Response", response.get("result"));
        return response.path("result").path("task");
    }

    private static JsonNode thread(String id) {
        return Rpc.read(given().get("/api/v1/threads/" + id).then().statusCode(200).extract().asString());
    }

    private static JsonNode handoffs(String id) {
        return Rpc.read(given().get("/api/v1/threads/" + id + "/handoffs").then().statusCode(200).extract().asString());
    }

    private static String statusText(JsonNode task) {
        return task.path("status").path("message").path("parts").path(0).path("text").asText("");
    }

    private static List<String> artifactAgents(JsonNode task) {
        List<String> out = new ArrayList<>();
        task.path("artifacts").forEach(a -> out.add(a.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText()));
        return out;
    }

    @Test
    void triageToBillingAndBackBlocking() {
        String context = "handoff-" + UUID.randomUUID();
        JsonNode task = send(inThread("I need a refund for invoice 42", context));
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
        assertEquals(List.of("triage", "billing"), artifactAgents(task));
        String billing = Rpc.artifactText(task);
        assertTrue(billing.contains("billing: I looked at your account: [handoff from triage: invoice or refund question]"), billing);
        assertTrue(statusText(task).contains("billing handed the conversation back to triage"), statusText(task));

        JsonNode thread = thread(context);
        assertEquals("triage", thread.path("activeAgent").asText(), "control came back to triage");
        assertEquals(List.of("triage", "billing"), List.of(thread.path("participants").get(0).asText(),
                thread.path("participants").get(1).asText()));
        JsonNode history = handoffs(context);
        assertEquals(2, history.size(), history.toString());
        assertEquals("triage", history.get(0).path("from").asText());
        assertEquals("billing", history.get(0).path("to").asText());
        assertEquals("returned", history.get(0).path("state").asText());
        assertEquals("triage", history.get(0).path("requestedBy").asText());
        assertEquals(1, history.get(0).path("depth").asInt());
        assertNotNull(history.get(0).path("createdAt").asText(null));
        assertEquals("returned", history.get(1).path("state").asText());
        assertEquals(0, thread.path("state").path("handoff").path("stack").size());

        // The next message goes to triage again.
        JsonNode next = send(inThread("thanks, one more thing", context));
        assertEquals(List.of("triage"), artifactAgents(next));
    }

    @Test
    void triageToBillingInOneStream() {
        String context = "handoff-stream-" + UUID.randomUUID();
        String body = given().contentType("application/json").header("A2A-Version", "1.0")
                .body(Rpc.request("SendStreamingMessage", Map.of("message", inThread("I was charged twice on my invoice", context))))
                .post("/a2a").then().statusCode(200).contentType("text/event-stream").extract().asString();
        List<Event> events = Rpc.events(body);
        String taskId = events.get(0).data().path("result").path("task").path("id").asText();
        long previous = 0;
        int switchAt = -1;
        int billingAt = -1;
        for (int i = 0; i < events.size(); i++) {
            Event e = events.get(i);
            A2aSchema.assertValid("Stream Response", e.data().path("result"));
            assertTrue(e.id() > previous);
            previous = e.id();
            JsonNode r = e.data().path("result");
            JsonNode update = r.has("statusUpdate") ? r.path("statusUpdate") : r.path("artifactUpdate");
            if (!r.has("task")) {
                assertEquals(taskId, update.path("taskId").asText(), "every event is re-keyed to the one upstream task");
            }
            if (r.path("statusUpdate").toString().contains("triage handed the conversation to billing")) {
                switchAt = i;
                assertEquals("billing", r.path("statusUpdate").path("metadata").path(Rpc.AGENT_KEY).path("agent").asText());
            }
            if (billingAt < 0 && "billing".equals(r.path("artifactUpdate").path("metadata").path(Rpc.AGENT_KEY).path("agent").asText())) {
                billingAt = i;
            }
        }
        assertTrue(switchAt > 0 && billingAt > switchAt, "a status naming billing, then billing's events: " + events);
        JsonNode last = events.get(events.size() - 1).data().path("result");
        assertEquals("TASK_STATE_COMPLETED", last.path("statusUpdate").path("status").path("state").asText());
    }

    @Test
    void clientHandoffThroughTheApiAndTheContextFollows() {
        String context = "client-" + UUID.randomUUID();
        send(inThread("hello", context));
        JsonNode record = Rpc.read(given().contentType("application/json")
                .body(Map.of("to", "billing", "reason", "the user asked for billing"))
                .post("/api/v1/threads/" + context + "/handoffs").then().statusCode(201).extract().asString());
        assertEquals("active", record.path("state").asText());
        assertEquals("client", record.path("requestedBy").asText());
        assertEquals("billing", thread(context).path("activeAgent").asText());
        JsonNode next = send(inThread("what do I owe?", context));
        String text = Rpc.artifactText(next);
        assertTrue(text.contains("[handoff from triage: the user asked for billing]"), text);
        assertTrue(text.contains("what do I owe?"), text);
        // The context is delivered once.
        JsonNode again = send(inThread("and now?", context));
        assertFalse(Rpc.artifactText(again).contains("[handoff from"), Rpc.artifactText(again));
    }

    @Test
    void clientHandoffWithMessageMetadata() {
        String context = "meta-" + UUID.randomUUID();
        send(inThread("hello", context));
        Map<String, Object> m = inThread("please look at my account", context);
        m.put("metadata", Map.of(HandoffRequest.KEY, Map.of("to", "billing", "reason", "asked by the user")));
        JsonNode task = send(m);
        assertEquals(List.of("billing"), artifactAgents(task));
        assertTrue(Rpc.artifactText(task).contains("[handoff from triage: asked by the user]"));
        assertEquals("billing", thread(context).path("activeAgent").asText());

        // Refused by metadata: the message stays with the current agent, and the task says why.
        Map<String, Object> refused = inThread("to echo please", context);
        refused.put("metadata", Map.of(HandoffRequest.KEY, Map.of("to", "echo")));
        JsonNode stays = send(refused);
        assertTrue(stays.path("history").toString().contains("was refused"), stays.toString());
        assertEquals("billing", thread(context).path("activeAgent").asText());
    }

    private static JsonNode refused(String context, String to) {
        return Rpc.read(given().contentType("application/json").body(Map.of("to", to))
                .post("/api/v1/threads/" + context + "/handoffs").then().statusCode(409).extract().asString());
    }

    @Test
    void refusalsLeaveTheConversationIntact() {
        String context = "refusals-" + UUID.randomUUID();
        send(inThread("hello", context));
        assertTrue(refused(context, "nobody").path("error").path("message").asText().contains("no agent named 'nobody'"));
        assertTrue(refused(context, "echo").path("error").path("message").asText().contains("does not accept handoffs"));
        assertTrue(refused(context, "triage").path("error").path("message").asText().contains("itself"));
        assertEquals("triage", thread(context).path("activeAgent").asText());
        JsonNode history = handoffs(context);
        assertEquals(3, history.size());
        history.forEach(h -> assertEquals("rejected", h.path("state").asText()));
        given().contentType("application/json").body(Map.of("to", "billing")).post("/api/v1/threads/no-such/handoffs")
                .then().statusCode(404);
        given().contentType("application/json").body(Map.of("reason", "x")).post("/api/v1/threads/" + context + "/handoffs")
                .then().statusCode(400);
        // Still a working conversation with triage.
        assertEquals(List.of("triage"), artifactAgents(send(inThread("still there?", context))));
    }

    @Test
    void pingPongBeyondTheLimitIsRefused() {
        String context = "pingpong-" + UUID.randomUUID();
        send(inThread("hello", context));
        String[] targets = {"billing", "triage", "billing"};
        for (String to : targets) {
            given().contentType("application/json").body(Map.of("to", to)).post("/api/v1/threads/" + context + "/handoffs")
                    .then().statusCode(201);
        }
        JsonNode error = refused(context, "triage");
        assertTrue(error.path("error").path("message").asText().contains("back and forth 3 times"), error.toString());
        assertEquals("billing", thread(context).path("activeAgent").asText());
    }

    @Test
    void concurrentMessagesDuringHandoffsKeepTheStateWhole() throws Exception {
        String context = "concurrent-" + UUID.randomUUID();
        send(inThread("hello", context));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<JsonNode>> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String text = i % 2 == 0 ? "refund for invoice " + i : "just saying " + i;
                sent.add(CompletableFuture.supplyAsync(() -> send(inThread(text, context)), pool));
            }
            for (CompletableFuture<JsonNode> f : sent) {
                JsonNode task = f.get(60, TimeUnit.SECONDS);
                assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), task.toString());
            }
        } finally {
            pool.shutdownNow();
        }
        JsonNode thread = thread(context);
        int userMessages = 0;
        for (JsonNode m : thread.path("messages")) {
            if ("ROLE_USER".equals(m.path("message").path("role").asText())) {
                userMessages++;
            }
        }
        assertEquals(7, userMessages, "no message lost");
        Set<String> ids = new HashSet<>();
        for (JsonNode h : handoffs(context)) {
            assertTrue(ids.add(h.path("id").asText()), "no handoff recorded twice");
            assertTrue(Set.of("returned", "completed", "rejected", "failed", "active").contains(h.path("state").asText()), h.toString());
        }
        assertFalse(ids.isEmpty());
    }
}
