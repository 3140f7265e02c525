package io.omniforge.task;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.DirectAgent;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A message to one agent that answers with a Message (and makes no task): the client gets that Message, re-keyed to
 * the orchestrator's context and marked with the agent, as the blocking answer ({@code {"message": ...}}) and as the
 * whole stream; the thread records it, and the next message of the context reaches the same agent in its own context.
 * An orchestration over such an agent still answers with a Task.
 */
@QuarkusTest
class DirectMessageTest {

    private static final Pattern CONTEXTS = Pattern.compile("\\[got (\\S+), context (\\S+)]");
    private static boolean registered;

    @BeforeEach
    void register() {
        if (registered) {
            return;
        }
        registered = true;
        String base = given().get("/.well-known/agent-card.json").then().extract().path("supportedInterfaces[0].url")
                .toString().replace("/a2a", "");
        int status = given().contentType("application/json")
                .body(Map.of("name", DirectAgent.NAME, "url", base + DirectAgent.PATH)).post("/api/v1/agents")
                .then().extract().statusCode();
        assertTrue(status == 201 || status == 409, "registered: " + status);
    }

    private static JsonNode blocking(Map<String, Object> message) {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Map.of("message", message));
        assertFalse(response.has("error"), response.toString());
        A2aSchema.assertValid("Send Message Response", response.get("result"));
        return response.get("result");
    }

    private static List<Rpc.Event> streaming(Map<String, Object> message) {
        String body = given().contentType("application/json").header("A2A-Version", "1.0")
                .body(Rpc.request("SendStreamingMessage", Map.of("message", message)))
                .post("/a2a").then().statusCode(200).contentType("text/event-stream").extract().asString();
        List<Rpc.Event> events = Rpc.events(body);
        for (Rpc.Event e : events) {
            assertFalse(e.data().has("error"), e.data().toString());
            A2aSchema.assertValid("Stream Response", e.data().get("result"));
        }
        return events;
    }

    /** The context the agent received ("none" when none) and the one it answered in, from its text. */
    private static String[] contexts(JsonNode message) {
        Matcher m = CONTEXTS.matcher(message.path("parts").path(0).path("text").asText());
        assertTrue(m.find(), message.toString());
        return new String[] {m.group(1), m.group(2)};
    }

    /** The agent's answer, as the client sees it: the orchestrator's context, no task, the agent named. */
    private static void assertRekeyed(JsonNode message, String contextId) {
        assertEquals("ROLE_AGENT", message.path("role").asText(), message.toString());
        assertEquals(contextId, message.path("contextId").asText(), "the orchestrator's context, not the agent's");
        assertFalse(message.has("taskId"), "no task the client would not know: " + message);
        assertEquals(DirectAgent.NAME, message.path("metadata").path(Rpc.AGENT_KEY).path("agent").asText(), message.toString());
        assertEquals("kept", message.path("metadata").path("test").asText(), "the agent's own metadata stays: " + message);
    }

    private static Map<String, Object> inContext(String text, String contextId) {
        Map<String, Object> m = new HashMap<>(Rpc.message(text, null));
        m.put("contextId", contextId);
        return m;
    }

    @Test
    void aBlockingSendMessageAnswersWithTheAgentsMessage() {
        JsonNode result = blocking(Rpc.message("hello", DirectAgent.NAME));
        assertFalse(result.has("task"), result.toString());
        JsonNode message = result.path("message");
        String context = message.path("contextId").asText(null);
        assertNotNull(context, result.toString());
        assertFalse(context.startsWith("direct-context-"), "re-keyed to the orchestrator's context: " + context);
        assertRekeyed(message, context);
        String[] first = contexts(message);
        assertEquals("none", first[0], "the first message of a thread carries no context of the agent's");

        // The thread records both messages; its next message goes to the same agent, in the agent's own context.
        JsonNode thread = Rpc.read(given().get("/api/v1/threads/" + context).then().statusCode(200).extract().asString());
        assertEquals(DirectAgent.NAME, thread.path("activeAgent").asText(), thread.toString());
        assertEquals(2, thread.path("messages").size(), thread.toString());
        assertEquals("ROLE_USER", thread.path("messages").path(0).path("message").path("role").asText());
        assertEquals(DirectAgent.NAME, thread.path("messages").path(1).path("agent").asText(), thread.toString());
        assertEquals(message.path("messageId").asText(), thread.path("messages").path(1).path("message").path("messageId").asText());

        JsonNode next = blocking(inContext("again", context)).path("message");
        assertRekeyed(next, context);
        assertEquals(first[1], contexts(next)[0], "the agent got back the context it answered in: " + next);
    }

    @Test
    void aStreamIsTheAgentsMessageAlone() {
        List<Rpc.Event> events = streaming(Rpc.message("stream me", DirectAgent.NAME));
        assertEquals(1, events.size(), "one Message, and the stream ends: " + events);
        JsonNode result = events.get(0).data().path("result");
        assertEquals(List.of("message"), fields(result), "a Message, not a Task: " + result);
        assertNull(events.get(0).id(), "no SSE id: there is no task to come back to");
        JsonNode message = result.path("message");
        String context = message.path("contextId").asText();
        assertRekeyed(message, context);
        String[] first = contexts(message);

        List<Rpc.Event> next = streaming(inContext("stream again", context));
        assertEquals(1, next.size(), next.toString());
        JsonNode again = next.get(0).data().path("result").path("message");
        assertRekeyed(again, context);
        assertEquals(first[1], contexts(again)[0], "the same agent, in its own context: " + again);
    }

    @Test
    void anOrchestrationOverTheAgentStillAnswersWithATask() {
        Map<String, Object> message = new HashMap<>(Rpc.message("fan", null));
        message.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of(DirectAgent.NAME, "echo"))));
        JsonNode result = blocking(message);
        JsonNode task = result.path("task");
        assertEquals("TASK_STATE_COMPLETED", task.path("status").path("state").asText(), result.toString());
        assertTrue(task.path("artifacts").toString().contains(DirectAgent.NAME + ".0/answer"), task.toString());

        List<Rpc.Event> events = streaming(message);
        assertTrue(events.get(0).data().path("result").has("task"), "the first event is the Task: " + events.get(0));
    }

    private static List<String> fields(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
