package io.omniforge.agent;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.AgentCard;
import io.omniforge.a2a.AgentInterface;
import io.omniforge.a2a.v03.V03;
import io.omniforge.support.Rpc;
import io.omniforge.support.UnspokenAgent;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Which interface of an agent's card the gateway calls, and the refusal of a card that offers none it speaks. */
@QuarkusTest
class InterfaceChoiceTest {

    private static AgentCard card(AgentInterface... interfaces) {
        return new AgentCard("agent", null, List.of(interfaces), null, "1", null, null, null, null, null, null, null, null,
                null);
    }

    private static AgentInterface of(String url, String binding, String version) {
        return new AgentInterface(url, binding, null, version);
    }

    @Test
    void theNewestVersionFirstThenJsonRpc() {
        AgentInterface grpc = of("http://a/grpc", "GRPC", "1.0");
        AgentInterface rpc03 = of("http://a/rpc03", "JSONRPC", "0.3");
        AgentInterface rest = of("http://a/rest", "HTTP+JSON", "1.0");
        AgentInterface rpc = of("http://a/rpc", "JSONRPC", "1.0");
        assertEquals(Optional.of(rpc), Binding.choose(card(grpc, rpc03, rest, rpc)));
        assertEquals(Optional.of(rest), Binding.choose(card(grpc, rpc03, rest)));
        assertEquals(Optional.of(rpc03), Binding.choose(card(grpc, rpc03)));
        assertEquals(Optional.empty(), Binding.choose(card(grpc)));
    }

    @Test
    void bindingsAndVersionsAreReadAsCardsWriteThem() {
        // Any 1.x is 1.0's binding; no version is 1.0; the binding's case does not matter; the card's first wins.
        assertEquals(Optional.of(of("http://a/one", "JSONRPC", "1.0")),
                Binding.choose(card(of("http://a/one", "jsonrpc", "1.2"), of("http://a/two", "JSONRPC", "1.0"))));
        assertEquals(Optional.of(Binding.HTTP_JSON_10), Binding.of(of("http://a", "HTTP+JSON", null)));
        assertEquals(Optional.of(Binding.JSONRPC_03), Binding.of(of("http://a", "JSONRPC", "0.3.0")));
        assertEquals(Optional.empty(), Binding.of(of("http://a", "HTTP+JSON", "0.3")));
        assertEquals(Optional.empty(), Binding.of(of(" ", "JSONRPC", "1.0")));
    }

    @Test
    void aZeroThreeCardIsCalledAtItsJsonRpcUrl() throws Exception {
        // Google ADK's card: its url is JSON-RPC; additionalInterfaces repeat it and add its 0.3 HTTP+JSON binding.
        JsonNode adk = Rpc.read("{\"name\":\"adk_echo\",\"description\":\"d\",\"protocolVersion\":\"0.3.0\",\"version\":\"1\","
                + "\"url\":\"http://127.0.0.1:1/jsonrpc\",\"preferredTransport\":\"JSONRPC\",\"capabilities\":{},"
                + "\"skills\":[],\"defaultInputModes\":[\"text\"],\"defaultOutputModes\":[\"text\"],"
                + "\"additionalInterfaces\":[{\"url\":\"http://127.0.0.1:1/jsonrpc\",\"transport\":\"JSONRPC\"},"
                + "{\"url\":\"http://127.0.0.1:1/rest\",\"transport\":\"HTTP+JSON\"}]}");
        AgentCard card = Rpc.JSON.treeToValue(V03.cardTo10(adk), AgentCard.class);
        assertEquals(Optional.of(of("http://127.0.0.1:1/jsonrpc", "JSONRPC", "0.3")), Binding.choose(card));
    }

    @Test
    void aCardOfferingNothingTheGatewaySpeaksIsRefusedSayingWhy() {
        String base = "http://127.0.0.1:" + RestAssured.port + UnspokenAgent.PATH;
        JsonNode error = Rpc.read(given().contentType("application/json").body(Map.of("name", "unspoken", "url", base))
                .post("/api/v1/agents").then().statusCode(400).extract().asString());
        String message = error.toString();
        assertTrue(message.contains("offers GRPC 1.0 at " + base + "/grpc, HTTP+JSON 0.3 at " + base + "/rest"), message);
        assertTrue(message.contains("the gateway speaks JSONRPC 1.0, HTTP+JSON 1.0, JSONRPC 0.3"), message);
        given().get("/api/v1/agents/unspoken").then().statusCode(404);
    }
}
