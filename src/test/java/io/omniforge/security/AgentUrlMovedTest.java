package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An agent registered at run time whose card later names a refused address (the cloud metadata service): at the next
 * card refresh it is UNREACHABLE with the refusal as its lastError, and a message to it is refused with the same text.
 * Cards are refreshed every second here.
 */
@QuarkusTest
@TestProfile(AgentUrlMovedTest.QuickRefresh.class)
class AgentUrlMovedTest {

    public static class QuickRefresh implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("omniforge.agent.card-refresh", "1s");
        }
    }

    private static JsonNode agent() {
        return Rpc.read(given().get("/api/v1/agents/moving").then().statusCode(200).extract().asString());
    }

    @Test
    void aCardThatMovesToARefusedAddressMakesTheAgentUnreachable() throws Exception {
        UrlTestAgents.MOVED.set(false);
        given().contentType("application/json").body(Map.of("name", "moving",
                "url", "http://127.0.0.1:" + RestAssured.port + UrlTestAgents.BASE + "moving"))
                .post("/api/v1/agents").then().statusCode(201);
        try {
            assertEquals("READY", agent().path("state").asText(), agent().toString());
            UrlTestAgents.MOVED.set(true);
            long deadline = System.nanoTime() + 15_000_000_000L;
            while (!"UNREACHABLE".equals(agent().path("state").asText()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            JsonNode moved = agent();
            assertEquals("UNREACHABLE", moved.path("state").asText(), moved.toString());
            assertTrue(moved.path("lastError").asText().contains("169.254.169.254, a link-local address"), moved.toString());
            JsonNode error = Rpc.call("/a2a", "SendMessage", Rpc.send(Rpc.message("hello", "moving"))).path("error");
            assertEquals(-32602, error.path("code").asInt(), error.toString());
            assertTrue(error.path("message").asText().contains("169.254.169.254"), error.toString());
        } finally {
            UrlTestAgents.MOVED.set(false);
            given().delete("/api/v1/agents/moving").then().statusCode(204);
        }
    }
}
