package io.omniforge.demo;

import static io.omniforge.demo.Rpc.message;
import static io.omniforge.demo.Rpc.send;
import static io.omniforge.demo.Rpc.state;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flaky agent, its failure modes forced by the message text. */
@QuarkusTest
class FlakyAgentTest {

    @Test
    void okSucceeds() {
        JsonPath r = Rpc.ok("flaky", "SendMessage", send(message("ok")));
        assertEquals("TASK_STATE_COMPLETED", r.getString("result.task.status.state"));
        assertEquals("flaky: ok", r.getString("result.task.artifacts[0].parts[0].text"));

        List<JsonPath> events = Rpc.stream("flaky", "SendStreamingMessage", send(message("ok")));
        assertNotNull(events.get(0).get("result.task"));
        assertEquals("TASK_STATE_COMPLETED", state(events.get(events.size() - 1)));
    }

    @Test
    void errorModeIsAJsonRpcInternalError() {
        for (String method : List.of("SendMessage", "SendStreamingMessage")) {
            JsonPath e = Rpc.error("flaky", method, send(message("fail:error")));
            assertEquals(7, e.getInt("id"));
            assertEquals(-32603, e.getInt("error.code"));
            assertEquals("flaky agent failed on purpose", e.getString("error.message"));
            assertEquals("type.googleapis.com/google.rpc.ErrorInfo", e.getString("error.data[0].'@type'"));
            assertEquals("INTERNAL_ERROR", e.getString("error.data[0].reason"));
            assertEquals("a2a-protocol.org", e.getString("error.data[0].domain"));
        }
    }

    @Test
    void malformedModeAnswersJsonThatIsNoA2aResult() {
        JsonPath r = Rpc.call("flaky", "SendMessage", send(message("fail:malformed"))).then()
                .statusCode(200).contentType(startsWith("application/json"))
                .body("result.unexpected", is(true))
                .extract().jsonPath();
        assertNull(r.get("result.task"));
        assertNull(r.get("result.message"));
        assertNull(r.get("error"));

        List<JsonPath> events = Rpc.stream("flaky", "SendStreamingMessage", send(message("fail:malformed")));
        assertEquals(1, events.size());
        assertEquals(Map.of("unexpected", true), events.get(0).getMap("result"));
    }

    @Test
    void http500ModeIsAPlainServerError() {
        for (String method : List.of("SendMessage", "SendStreamingMessage")) {
            Rpc.call("flaky", method, send(message("fail:http-500"))).then()
                    .statusCode(500).contentType(startsWith("text/plain"));
        }
    }

    @Test
    void breakStreamModeDropsTheConnectionMidStream() throws Exception {
        assertEquals(-32603, Rpc.error("flaky", "SendMessage", send(message("fail:break-stream"))).getInt("error.code"));

        List<JsonPath> events = new ArrayList<>();
        boolean aborted = false;
        try (Rpc.LiveStream stream = Rpc.open("flaky", "SendStreamingMessage", send(message("fail:break-stream")))) {
            assertEquals(200, stream.status());
            for (JsonPath e = stream.next(); e != null; e = stream.next()) {
                events.add(e);
            }
        } catch (IOException e) {
            aborted = true; // the chunked body ends without its last chunk
        }
        assertTrue(aborted, "the connection is dropped, the stream does not end cleanly");
        assertEquals(2, events.size());
        String id = events.get(0).getString("result.task.id");
        assertNotNull(id);
        assertEquals("TASK_STATE_WORKING", state(events.get(1)));
        assertTrue(events.stream().map(Rpc::state).noneMatch(s -> s.equals("TASK_STATE_COMPLETED")
                || s.equals("TASK_STATE_FAILED") || s.equals("TASK_STATE_CANCELED")));

        // the agent's task did not survive the broken stream
        assertEquals("TASK_STATE_FAILED", Rpc.ok("flaky", "GetTask", Map.of("id", id)).getString("result.status.state"));
    }

    @Test
    void unknownModeIsInvalidParams() {
        assertEquals(-32602, Rpc.error("flaky", "SendMessage", send(message("fail:explode"))).getInt("error.code"));
    }

    @Test
    void requestsTheTransportRejectsStillReachIt() {
        Rpc.call("flaky", "SendMessage", send(message("fail:http-500"))).then().statusCode(500);
        io.restassured.RestAssured.given().contentType("application/json")
                .body(Rpc.request("SendMessage", send(message("fail:http-500"))))
                .post(DemoAgents.rpcPath("flaky")).then()
                .statusCode(200).body("error.code", is(-32601));
    }
}
