package io.omniforge.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aSchema;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway behind a proxy, with an agent declared in configuration that cannot be reached. */
@QuarkusTest
@TestProfile(ConfiguredGatewayTest.Profile.class)
class ConfiguredGatewayTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "omniforge.api.public-base-url", "https://agents.example.com/omniforge/",
                    "omniforge.agents.ghost.url", "http://127.0.0.1:1",
                    "omniforge.entry-agent", "ghost",
                    "omniforge.gateway.name", "Acme Gateway",
                    // A tiny window of recent events: subscribers that fall behind must read the store.
                    "omniforge.stream.recent-events", "4",
                    "omniforge.stream.batch-size", "3");
        }
    }

    @Test
    void cardUsesThePublicBaseUrl() {
        JsonNode card = Rpc.read(given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().statusCode(200).extract().asString());
        A2aSchema.assertValid("Agent Card", card);
        assertEquals("Acme Gateway", card.path("name").asText());
        assertEquals("https://agents.example.com/omniforge/a2a", card.path("supportedInterfaces").get(0).path("url").asText());
    }

    @Test
    void aSlowSubscriberFallsBackToTheStoreAndMissesNothing() throws Exception {
        Map<String, Object> message = new java.util.LinkedHashMap<>(Rpc.message("delay:200 many", null));
        message.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel",
                "agents", java.util.List.of("slow", "slow", "slow", "slow", "slow", "slow"))));
        JsonNode task = Rpc.call("/a2a", "SendMessage", Map.of("message", message,
                "configuration", Map.of("returnImmediately", true))).path("result").path("task");
        String id = task.path("id").asText();
        java.util.List<Long> ids = new java.util.ArrayList<>();
        int chunks = 0;
        String last = null;
        try (Rpc.LiveStream stream = Rpc.subscribe(id, 1L)) {
            assertTrue(stream.next().path("result").has("task"));
            for (Rpc.Event e = stream.nextEvent(); e != null; e = stream.nextEvent()) {
                ids.add(e.id());
                if ("slow".equals(e.data().path("result").path("artifactUpdate").path("metadata").path(Rpc.AGENT_KEY)
                        .path("agent").asText())) {
                    chunks++;
                }
                last = e.data().path("result").path("statusUpdate").path("status").path("state").asText(null);
                Thread.sleep(25); // a slow client: the task finishes long before it has read everything
            }
        }
        assertEquals(30, chunks, "every chunk of six agents, though the window holds 4 events");
        for (int i = 0; i < ids.size(); i++) {
            assertEquals(2L + i, ids.get(i), "in order, no gap, no duplicate: " + ids);
        }
        assertEquals("TASK_STATE_COMPLETED", last);
    }

    @Test
    void declaredAgentIsListedWithItsError() {
        JsonNode response = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("anyone there?", null)));
        JsonNode error = response.path("error");
        A2aSchema.assertValidJsonRpcError(response);
        assertEquals(-32603, error.path("code").asInt(), response.toString());
        assertTrue(error.path("message").asText().contains("agent 'ghost' could not be reached"), error.toString());

        JsonNode ghost = Rpc.read(given().get("/api/v1/agents/ghost").then().statusCode(200).extract().asString());
        assertEquals("CONFIG", ghost.path("source").asText());
        assertEquals("UNREACHABLE", ghost.path("state").asText());
        assertTrue(ghost.path("lastError").asText().contains("could not be reached"), ghost.toString());
        given().get("/api/v1/agents/nobody").then().statusCode(404).body("error.status", org.hamcrest.Matchers.equalTo("NOT_FOUND"));
    }

    @Test
    void readinessStaysUpWhileAnAgentIsDown() {
        // The first call fetches the card, so the registry knows the agent is unreachable.
        Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("anyone there?", "ghost")));
        JsonNode ready = Rpc.read(given().get("/q/health/ready").then().statusCode(200).extract().asString());
        assertEquals("UP", ready.path("status").asText(), ready.toString());
        JsonNode agents = null;
        for (JsonNode check : ready.path("checks")) {
            if (check.path("name").asText().equals("agents")) {
                agents = check;
            }
        }
        assertEquals("UP", agents == null ? null : agents.path("status").asText(), ready.toString());
        assertEquals("UNREACHABLE", agents.path("data").path("ghost").asText(), ready.toString());
    }
}
