package io.omniforge.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.A2aJson;
import io.omniforge.a2a.A2aMethod;
import io.omniforge.a2a.CancelTaskRequest;
import io.omniforge.a2a.GetTaskRequest;
import io.omniforge.a2a.Message;
import io.omniforge.a2a.SendMessageRequest;
import io.omniforge.a2a.SendMessageResponse;
import io.omniforge.support.AgentInbox;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Spec 8.3.2: a client sets {@code tenant} in every request to exactly the value the chosen interface declares, and
 * leaves it out when the interface names none. Seen at a real agent (the echo demo agent's JSON-RPC endpoint, whose
 * requests {@link AgentInbox} keeps), and in what the HTTP+JSON dialect writes.
 */
@QuarkusTest
class InterfaceTenantTest {

    @Inject
    AgentClient client;

    @Inject
    AgentInbox inbox;

    private static AgentTarget echo(String tenant) {
        return new AgentTarget("echo", "http://127.0.0.1:" + RestAssured.port + "/demo/echo/a2a", Binding.JSONRPC_10,
                Duration.ofSeconds(10), false, Map.of(), tenant);
    }

    private static SendMessageRequest hello() {
        return SendMessageRequest.of(Message.user("m-" + System.nanoTime(), "hello"));
    }

    @Test
    void everyRequestCarriesTheInterfacesTenantAndNoneWithout() throws Exception {
        long mark = inbox.mark();
        client.call(echo("acme"), A2aMethod.SEND_MESSAGE, hello(), SendMessageResponse.class).await().atMost(Duration.ofSeconds(10));
        client.call(echo(null), A2aMethod.SEND_MESSAGE, hello(), SendMessageResponse.class).await().atMost(Duration.ofSeconds(10));
        List<String> bodies = inbox.bodies("echo", mark);
        assertEquals(2, bodies.size(), bodies.toString());
        JsonNode with = A2aJson.newMapper().readTree(bodies.get(0));
        assertEquals("acme", with.at("/params/tenant").asText(), bodies.get(0));
        assertFalse(A2aJson.newMapper().readTree(bodies.get(1)).path("params").has("tenant"), bodies.get(1));
    }

    @Test
    void theHttpJsonDialectPutsItInTheBodyOrTheQuery() {
        HttpJsonDialect rest = new HttpJsonDialect(A2aJson.newMapper());
        Dialect.Request get = rest.request(A2aMethod.GET_TASK,
                AgentClient.withTenant(new GetTaskRequest(null, "t 1", 2), "acme"), "http://agent.test/base/");
        assertEquals("http://agent.test/base/tasks/t%201?historyLength=2&tenant=acme", get.url());
        assertNull(get.body());
        Dialect.Request cancel = rest.request(A2aMethod.CANCEL_TASK,
                AgentClient.withTenant(new CancelTaskRequest(null, "t1", null), "acme"), "http://agent.test");
        assertEquals("{\"tenant\":\"acme\"}", cancel.body().toString());
        Dialect.Request send = rest.request(A2aMethod.SEND_MESSAGE, AgentClient.withTenant(hello(), null), "http://agent.test");
        assertTrue(send.url().endsWith("/message:send"));
        assertFalse(send.body().toString().contains("tenant"), send.body().toString());
    }
}
