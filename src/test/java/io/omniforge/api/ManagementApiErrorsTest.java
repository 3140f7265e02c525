package io.omniforge.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * Every 4xx of the management API carries its JSON error ({@code {"error": {code, status, message, details}}}) with a
 * message that says what was wrong, in JSON's words: malformed and mistyped bodies, wrong content types and methods,
 * query parameters that are not numbers, unknown paths.
 */
@QuarkusTest
class ManagementApiErrorsTest {

    /** The error of {@code r}: its status, the body shape, the reason, and a message containing {@code says}. */
    private static JsonNode error(Response r, int status, String reason, String says) {
        String raw = r.asString();
        assertEquals(status, r.statusCode(), raw);
        assertTrue(r.contentType().startsWith("application/json"), r.contentType() + " " + raw);
        JsonNode error = Rpc.read(raw).get("error");
        assertEquals(status, error.path("code").asInt(), raw);
        assertFalse(error.path("status").asText().isBlank(), raw);
        assertEquals(reason, error.at("/details/0/reason").asText(), raw);
        assertTrue(error.path("message").asText().contains(says), "'" + says + "' in " + raw);
        assertFalse(raw.matches("(?s).*(java\\.|io\\.omniforge|fasterxml|Exception|`|objectName).*"), raw);
        return error;
    }

    private static Response post(String path, String body) {
        return given().contentType("application/json").body(body).post(path);
    }

    @Test
    void registrationBodiesThatAreNotTheObjectSayWhatWasExpected() {
        String agents = "/api/v1/agents";
        error(post(agents, "[1,2]"), 400, "INVALID_PARAMS", "the body: expected an object, got an array");
        error(post(agents, "\"str\""), 400, "INVALID_PARAMS", "the body: expected an object, got a string");
        error(post(agents, "{\"name\": 5, \"url\": []}"), 400, "INVALID_PARAMS", "url: expected a string, got an array");
        error(post(agents, "not json"), 400, "PARSE_ERROR", "(line 1, column");
        error(post(agents, "{\"name\": \"x\""), 400, "PARSE_ERROR", "not valid JSON");
        error(post(agents, ""), 400, "INVALID_PARAMS", "the body must be");
        error(given().contentType("text/plain").body("x").post(agents), 415, "INVALID_REQUEST", "application/json");
        error(given().contentType("application/json").body("{}").put(agents), 405, "INVALID_REQUEST", "not allowed");
        error(given().accept("application/xml").get(agents), 406, "INVALID_REQUEST", "application/json");
        JsonNode unreachable = error(post(agents, "{\"name\": \"gone\", \"url\": \"http://127.0.0.1:9\"}"), 400,
                "INVALID_PARAMS", "the connection was refused");
        assertTrue(unreachable.path("message").asText().contains("127.0.0.1:9"), unreachable.toString());
    }

    @Test
    void handoffBodiesThatDoNotFitNameTheField() {
        String path = "/api/v1/threads/t-none/handoffs";
        error(post(path, "[1,2]"), 400, "INVALID_PARAMS", "expected an object, got an array");
        error(post(path, "{\"to\": {\"a\": 1}}"), 400, "INVALID_PARAMS", "to: expected a string, got an object");
        error(post(path, "{\"to\": \"billing\", \"expectReturn\": \"maybe\"}"), 400, "INVALID_PARAMS",
                "expectReturn: expected true or false, got 'maybe'");
        error(post(path, "{\"to\":"), 400, "PARSE_ERROR", "not valid JSON");
    }

    @Test
    void queryParametersPathsAndMethodsGetTheirOwnErrors() {
        error(given().get("/api/v1/threads?pageSize=abc"), 400, "INVALID_PARAMS", "pageSize must be an integer, got 'abc'");
        error(given().get("/api/v1/threads/x?messages=zz"), 400, "INVALID_PARAMS", "messages must be an integer");
        error(given().get("/api/v1/nothing"), 404, "NOT_FOUND", "no such resource");
        Response get = given().get("/api/v1/orchestrations");
        error(get, 405, "INVALID_REQUEST", "send POST");
        assertEquals("POST", get.header("Allow"));
        error(post("/api/v1/orchestrations", "{\"message\": {\"parts\": 7}, \"strategy\": \"parallel\", \"agents\": [\"echo\"]}"),
                400, "INVALID_PARAMS", "message.");
    }
}
