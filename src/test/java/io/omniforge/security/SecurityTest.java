package io.omniforge.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.observability.HeaderRecorder;
import io.omniforge.observability.LogCapture;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Authentication, the permission matrix, per-agent rules, tenant isolation and outbound credentials, through the
 * running service with anonymous access off. The API keys are configured in application.properties (%test): each
 * id's key is "<id>-key"; alice (user), viewer, operator and admin are in tenant-a, bob (admin) in tenant-b.
 */
@QuarkusTest
@TestProfile(SecurityTest.Secured.class)
class SecurityTest {

    static final String ALICE = "alice-key";
    static final String BOB = "bob-key";
    static final String VIEWER = "viewer-key";
    static final String OPERATOR = "operator-key";
    static final String ADMIN = "admin-key";
    static final String AUDITOR = "auditor-key";
    static final String KEYED_OUTBOUND = "outbound-token-of-keyed";
    /** Roles of one permission each, so that an operation needing two can be seen to need both. */
    static final String ORCHESTRATOR = "orchestrator-key";
    static final String HANDOFFER = "handoffer-key";

    /** Anonymous off; agents called with configured credentials; 'billing' and the 'nested' flow for operators. */
    public static class Secured implements QuarkusTestProfile {
        static final int PORT = freePort();

        @Override
        public Map<String, String> getConfigOverrides() {
            String echo = "http://127.0.0.1:" + PORT + "/demo/echo";
            Map<String, String> c = new HashMap<>();
            c.put("quarkus.http.test-port", String.valueOf(PORT));
            c.put("omniforge.security.anonymous.enabled", "false");
            c.put("omniforge.security.api-keys.auditor.hash", Authenticator.hash(AUDITOR));
            c.put("omniforge.security.api-keys.auditor.tenant", "tenant-a");
            c.put("omniforge.security.api-keys.auditor.roles", "auditor");
            c.put("omniforge.security.roles.orchestrate-only", "ORCHESTRATE");
            c.put("omniforge.security.api-keys.orchestrator.hash", Authenticator.hash(ORCHESTRATOR));
            c.put("omniforge.security.api-keys.orchestrator.tenant", "tenant-a");
            c.put("omniforge.security.api-keys.orchestrator.roles", "orchestrate-only");
            c.put("omniforge.security.roles.handoff-only", "HANDOFF_INITIATE");
            c.put("omniforge.security.api-keys.handoffer.hash", Authenticator.hash(HANDOFFER));
            c.put("omniforge.security.api-keys.handoffer.tenant", "tenant-a");
            c.put("omniforge.security.api-keys.handoffer.roles", "handoff-only");
            c.put("omniforge.security.agents.billing.roles", "operator");
            c.put("omniforge.security.agents.nested.roles", "operator");
            c.put("omniforge.agents.keyed.url", echo);
            c.put("omniforge.agents.keyed.auth.bearer-token", KEYED_OUTBOUND);
            // The demo echo stands for 'keyed': it answers admins, and this is an admin's key there.
            c.put("omniforge.security.api-keys.keyed-outbound.hash", Authenticator.hash(KEYED_OUTBOUND));
            c.put("omniforge.security.api-keys.keyed-outbound.tenant", "agents");
            c.put("omniforge.security.api-keys.keyed-outbound.roles", "admin");
            c.put("omniforge.agents.keyed.auth.api-key", "outbound-api-key-of-keyed");
            c.put("omniforge.agents.forwarding.url", echo);
            c.put("omniforge.agents.forwarding.auth.forward-caller-token", "true");
            return c;
        }

        private static int freePort() {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    @Inject
    HeaderRecorder recorder;

    // ------------------------------------------------------------------------------------------ helpers

    static RequestSpecification as(String key) {
        RequestSpecification spec = given().contentType("application/json").header("A2A-Version", "1.0");
        return key == null ? spec : spec.header("Authorization", "Bearer " + key);
    }

    static Response rpc(String key, String method, Object params) {
        return as(key).body(Rpc.request(method, params)).post("/a2a");
    }

    /** The result of a call that must succeed. */
    static JsonNode result(String key, String method, Object params) {
        Response r = rpc(key, method, params);
        JsonNode body = Rpc.read(r.asString());
        assertEquals(200, r.statusCode(), body.toString());
        assertFalse(body.has("error"), body.toString());
        return body.get("result");
    }

    /** The error of a call that must fail. */
    static JsonNode error(String key, String method, Object params) {
        JsonNode body = Rpc.read(rpc(key, method, params).asString());
        assertTrue(body.has("error"), body.toString());
        return body.get("error");
    }

    static Map<String, Object> message(String text, String agent, String contextId, String taskId) {
        Map<String, Object> m = new LinkedHashMap<>(Rpc.message(text, agent));
        if (contextId != null) {
            m.put("contextId", contextId);
        }
        if (taskId != null) {
            m.put("taskId", taskId);
        }
        return m;
    }

    static JsonNode send(String key, String text, String agent) {
        return result(key, "SendMessage", Rpc.send(message(text, agent, null, null))).get("task");
    }

    static String jwt(Map<String, Object> claims) throws Exception {
        String pem = new String(SecurityTest.class.getResourceAsStream("/jwt/test-private.pem").readAllBytes(),
                StandardCharsets.US_ASCII).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String head = b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String body = b64.encodeToString(Rpc.JSON.writeValueAsBytes(claims));
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(key);
        signer.update((head + "." + body).getBytes(StandardCharsets.US_ASCII));
        return head + "." + body + "." + b64.encodeToString(signer.sign());
    }

    static Map<String, Object> claims(String tenant, List<String> groups, long expiresIn) {
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", "https://issuer.omniforge.test");
        c.put("sub", "jwt-user");
        c.put("upn", "jwt-user@example.test");
        c.put("iat", now - 10);
        c.put("exp", now + expiresIn);
        if (tenant != null) {
            c.put("tenant", tenant);
        }
        c.put("groups", groups);
        return c;
    }

    // ------------------------------------------------------------------------------------ authentication

    @Test
    void withoutCredentialsEveryProtectedEndpointAnswers401() {
        Response a2a = rpc(null, "GetTask", Map.of("id", "x"));
        assertEquals(401, a2a.statusCode());
        assertEquals("Bearer realm=\"omniforge\"", a2a.header("WWW-Authenticate"));
        JsonNode e = Rpc.read(a2a.asString()).get("error");
        assertEquals(-32050, e.get("code").asInt());
        assertEquals("UNAUTHENTICATED", e.get("data").get(0).get("reason").asText());

        Response flow = as(null).body(Rpc.request("SendMessage", Rpc.send(Rpc.message("hi", null)))).post("/flows/pipeline/a2a");
        assertEquals(401, flow.statusCode());
        assertEquals(-32050, Rpc.read(flow.asString()).get("error").get("code").asInt());

        for (String path : List.of("/api/v1/threads", "/api/v1/agents")) {
            Response api = as(null).get(path);
            assertEquals(401, api.statusCode(), path);
            assertEquals("UNAUTHENTICATED", Rpc.read(api.asString()).get("error").get("details").get(0).get("reason").asText());
        }
        assertEquals(401, as(null).body("{}").post("/api/v1/orchestrations").statusCode());
        Response slash = as(null).body(Rpc.request("GetTask", Map.of("id", "x"))).post("/a2a/");
        assertEquals(401, slash.statusCode(), "the same route with a trailing slash");
        assertEquals("Bearer realm=\"omniforge\"", slash.header("WWW-Authenticate"));

        // Public: the cards (which declare how to authenticate), health.
        JsonNode card = Rpc.read(given().header("A2A-Version", "1.0").get("/.well-known/agent-card.json").then().statusCode(200).extract().asString());
        assertEquals("bearer", card.get("securitySchemes").get("apiKey").get("httpAuthSecurityScheme").get("scheme").asText());
        assertEquals("JWT", card.get("securitySchemes").get("jwt").get("httpAuthSecurityScheme").get("bearerFormat").asText());
        assertEquals(2, card.get("securityRequirements").size());
        given().header("A2A-Version", "1.0").get("/flows/pipeline/.well-known/agent-card.json").then().statusCode(200);
        given().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void wrongCredentialsAre401AndNeverLogged() throws Exception {
        String wrongKey = "wrong-key-" + UUID.randomUUID();
        String expired = jwt(claims("tenant-a", List.of("user"), -600));
        Map<String, Object> otherIssuer = claims("tenant-a", List.of("user"), 600);
        otherIssuer.put("iss", "https://elsewhere.test");
        String tampered = jwt(claims("tenant-a", List.of("user"), 600));
        tampered = tampered.substring(0, tampered.lastIndexOf('.') + 1) + "AAAA" + tampered.substring(tampered.lastIndexOf('.') + 5);
        try (LogCapture logs = LogCapture.install()) {
            for (String token : List.of(wrongKey, expired, jwt(otherIssuer), tampered,
                    jwt(claims(null, List.of("user"), 600)))) {
                Response r = rpc(token, "ListTasks", Map.of());
                assertEquals(401, r.statusCode(), r.asString());
                assertEquals(-32050, Rpc.read(r.asString()).get("error").get("code").asInt());
                assertEquals(401, as(token).get("/api/v1/threads").statusCode());
            }
            Response basic = given().header("Authorization", "Basic YWxpY2U6c2VjcmV0").get("/api/v1/threads");
            assertEquals(401, basic.statusCode());
            assertTrue(basic.asString().contains("Bearer"), basic.asString());

            assertTrue(logs.lines().stream().anyMatch(l -> "auth.denied".equals(l.mdc().get("event"))
                    && "api_key".equals(l.mdc().get("scheme"))), "an auth.denied audit event");
            assertTrue(logs.lines().stream().anyMatch(l -> "auth.denied".equals(l.mdc().get("event"))
                    && "jwt".equals(l.mdc().get("scheme"))), "an auth.denied audit event for the JWTs");
            for (LogCapture.Line line : logs.lines()) {
                assertFalse(line.all().contains(wrongKey), "the presented key was logged: " + line);
                assertFalse(line.all().contains(expired.substring(expired.lastIndexOf('.'))), "a token was logged: " + line);
            }
        }
    }

    @Test
    void aRefusedJwtSaysWhyButNeverWhatItHolds() throws Exception {
        String email = "jane.doe." + UUID.randomUUID() + "@example.test";
        Map<String, Object> expired = claims("tenant-a", List.of("user"), -600);
        Map<String, Object> elsewhere = claims("tenant-a", List.of("user"), 600);
        elsewhere.put("iss", "https://elsewhere.test");
        Map<String, Object> early = claims("tenant-a", List.of("user"), 7200);
        early.put("nbf", System.currentTimeMillis() / 1000 + 3600);
        Map<Map<String, Object>, String> why = new LinkedHashMap<>();
        why.put(expired, "expired");
        why.put(elsewhere, "issuer");
        why.put(early, "not valid yet");
        try (LogCapture logs = LogCapture.install()) {
            for (Map.Entry<Map<String, Object>, String> c : why.entrySet()) {
                c.getKey().put("email", email);
                c.getKey().put("sub", email);
                String token = jwt(c.getKey());
                Response r = rpc(token, "ListTasks", Map.of());
                assertEquals(401, r.statusCode(), r.asString());
                String message = Rpc.read(r.asString()).at("/error/message").asText();
                assertTrue(message.contains(c.getValue()), "says why (" + c.getValue() + "): " + message);
                Response api = as(token).get("/api/v1/threads");
                assertEquals(401, api.statusCode());
                for (String body : List.of(r.asString(), api.asString())) {
                    assertFalse(body.contains(email) || body.contains("jane.doe") || body.contains("tenant-a")
                            || body.contains("elsewhere.test"), "a claim was echoed: " + body);
                }
            }
            List<LogCapture.Line> denied = logs.lines().stream()
                    .filter(l -> "auth.denied".equals(l.mdc().get("event"))).toList();
            assertFalse(denied.isEmpty(), "auth.denied audit events");
            for (LogCapture.Line line : logs.lines()) {
                assertFalse(line.all().contains("jane.doe"), "a claim was logged: " + line);
            }
        }
    }

    @Test
    void aJwtNamesTheTenantAndTheRoles() throws Exception {
        String user = jwt(claims("tenant-j", List.of("user"), 600));
        JsonNode task = send(user, "from a jwt", "echo");
        String id = task.get("id").asText();
        assertEquals(id, result(user, "GetTask", Map.of("id", id)).get("id").asText());
        // Another tenant does not see it.
        assertEquals(-32001, error(ALICE, "GetTask", Map.of("id", id)).get("code").asInt());
        // A JWT whose roles only read may not send.
        String reader = jwt(claims("tenant-j", List.of("viewer"), 600));
        Response denied = rpc(reader, "SendMessage", Rpc.send(Rpc.message("no", "echo")));
        assertEquals(403, denied.statusCode());
        assertEquals(-32051, Rpc.read(denied.asString()).get("error").get("code").asInt());
        assertEquals(id, result(reader, "GetTask", Map.of("id", id)).get("id").asText());
    }

    // ------------------------------------------------------------------------------------- permissions

    /** Each operation, as an allowed (true) or refused (false) answer. */
    private Map<String, Function<String, Boolean>> operations() {
        String task = send(ADMIN, "a task to read", "echo").get("id").asText();
        String thread = send(ADMIN, "a thread to hand off", "triage").get("contextId").asText();
        Map<String, Function<String, Boolean>> ops = new LinkedHashMap<>();
        ops.put("AGENTS_READ", key -> allowed(as(key).get("/api/v1/agents")));
        ops.put("AGENTS_MANAGE", key -> {
            String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
            Response r = as(key).body(Map.of("name", name, "url", "http://127.0.0.1:" + Secured.PORT + "/demo/echo"))
                    .post("/api/v1/agents");
            if (allowed(r)) {
                as(ADMIN).delete("/api/v1/agents/" + name).then().statusCode(204);
                return true;
            }
            return false;
        });
        ops.put("THREADS_READ", key -> allowed(as(key).get("/api/v1/threads")));
        ops.put("THREADS_WRITE", key -> allowed(rpc(key, "SendMessage", Rpc.send(Rpc.message("hello", "echo")))));
        ops.put("TASKS_READ", key -> allowed(rpc(key, "GetTask", Map.of("id", task))));
        // The task is done: an allowed cancel is told so (-32002), a refused one never gets that far.
        ops.put("TASKS_CANCEL", key -> allowed(rpc(key, "CancelTask", Map.of("id", task))));
        ops.put("ORCHESTRATE", key -> allowed(as(key).body(Map.of("strategy", "parallel", "agents", List.of("echo"),
                "message", "fan")).post("/api/v1/orchestrations")));
        ops.put("HANDOFF_INITIATE", key -> allowed(as(key).body(Map.of("to", "echo"))
                .post("/api/v1/threads/" + thread + "/handoffs")));
        return ops;
    }

    /** Anything but 401/403 means the permission let the call through (it may fail for other reasons). */
    private static boolean allowed(Response r) {
        int status = r.statusCode();
        assertTrue(status != 401, r.asString());
        if (status == 403) {
            JsonNode body = Rpc.read(r.asString());
            String reason = body.has("error") && body.get("error").has("data")
                    ? body.get("error").get("data").get(0).get("reason").asText()
                    : body.get("error").get("details").get(0).get("reason").asText();
            assertEquals("PERMISSION_DENIED", reason);
            return false;
        }
        assertTrue(status < 500, r.asString());
        return true;
    }

    @Test
    void everyRoleMayDoWhatItsPermissionsSayAndNothingElse() {
        Map<String, List<String>> granted = Map.of(
                VIEWER, List.of("AGENTS_READ", "THREADS_READ", "TASKS_READ"),
                AUDITOR, List.of("THREADS_READ", "TASKS_READ"),
                ALICE, List.of("AGENTS_READ", "THREADS_READ", "THREADS_WRITE", "TASKS_READ", "TASKS_CANCEL",
                        "ORCHESTRATE", "HANDOFF_INITIATE"),
                OPERATOR, List.of("AGENTS_READ", "AGENTS_MANAGE", "THREADS_READ", "THREADS_WRITE", "TASKS_READ",
                        "TASKS_CANCEL", "ORCHESTRATE", "HANDOFF_INITIATE"),
                ADMIN, List.of("AGENTS_READ", "AGENTS_MANAGE", "THREADS_READ", "THREADS_WRITE", "TASKS_READ",
                        "TASKS_CANCEL", "ORCHESTRATE", "HANDOFF_INITIATE"));
        Map<String, Function<String, Boolean>> ops = operations();
        try (LogCapture logs = LogCapture.install()) {
            granted.forEach((key, perms) -> ops.forEach((permission, op) ->
                    assertEquals(perms.contains(permission), op.apply(key), key + " " + permission)));
            assertTrue(logs.lines().stream().anyMatch(l -> "auth.denied".equals(l.mdc().get("event"))
                    && "AGENTS_MANAGE".equals(l.mdc().get("needed")) && "viewer".equals(l.mdc().get("principal"))),
                    "each refusal is an audit event");
        }
    }

    @Test
    void perAgentRulesAreCheckedAtEveryHop() {
        // A direct call.
        Response direct = rpc(ALICE, "SendMessage", Rpc.send(Rpc.message("invoice 12", "billing")));
        assertEquals(403, direct.statusCode());
        assertTrue(Rpc.read(direct.asString()).get("error").get("message").asText().contains("may not call agent 'billing'"));
        assertEquals("TASK_STATE_COMPLETED", send(OPERATOR, "invoice 12", "billing").get("status").get("state").asText());

        // A leg of an orchestration: best effort goes on without it, fail fast fails.
        JsonNode best = Rpc.read(as(ALICE).body(Map.of("strategy", "parallel", "agents", List.of("echo", "billing"),
                "policy", "best_effort", "message", "both")).post("/api/v1/orchestrations").then().statusCode(200)
                .extract().asString());
        assertEquals("TASK_STATE_COMPLETED", best.get("status").get("state").asText(), best.toString());
        assertTrue(best.toString().contains("may not call agent 'billing'"), best.toString());
        JsonNode fast = Rpc.read(as(ALICE).body(Map.of("strategy", "sequential", "agents", List.of("echo", "billing"),
                "policy", "fail_fast", "message", "both")).post("/api/v1/orchestrations").then().statusCode(200)
                .extract().asString());
        assertEquals("TASK_STATE_FAILED", fast.get("status").get("state").asText(), fast.toString());

        // A flow with a rule of its own, and its legs run over loopback on behalf of the caller.
        Response flow = as(ALICE).body(Rpc.request("SendMessage", Rpc.send(Rpc.message("deep", null)))).post("/flows/nested/a2a");
        assertEquals(403, flow.statusCode());
        JsonNode nested = Rpc.read(as(OPERATOR).body(Rpc.request("SendMessage", Rpc.send(Rpc.message("deep", null))))
                .post("/flows/nested/a2a").asString());
        String answer = Rpc.artifactText(nested.get("result").get("task"));
        assertTrue(answer.endsWith("billing: I looked at your account: echo: echo: deep"), answer);

        // An agent's handoff: triage hands invoices to billing, which alice may not call.
        JsonNode refused = send(ALICE, "I have a question about my invoice", null);
        String status = refused.get("status").toString();
        assertTrue(status.contains("refused") && status.contains("may not call agent 'billing'"), refused.toString());
        JsonNode accepted = send(OPERATOR, "I have a question about my invoice", null);
        assertTrue(Rpc.artifactText(accepted).contains("billing: I looked at your account"), accepted.toString());
    }

    // --------------------------------------------------------------------------------------- tenants

    /** An error, with the ids it names replaced, so that two answers can be compared. */
    private static String shape(JsonNode error, String... ids) {
        String text = error.toString();
        for (String id : ids) {
            text = text.replace(id, "<id>");
        }
        return text;
    }

    @Test
    void anotherTenantCannotSeeTouchOrConfirmAnything() {
        // Tenant A: a task and its thread, a paused task, and an agent of its own.
        JsonNode task = send(ALICE, "private to tenant a", "echo");
        String taskId = task.get("id").asText();
        String thread = task.get("contextId").asText();
        String asking = send(ALICE, "ask: which account?", "echo").get("id").asText();
        as(OPERATOR).body(Map.of("name", "private-a", "url", "http://127.0.0.1:" + Secured.PORT + "/demo/echo"))
                .post("/api/v1/agents").then().statusCode(201);
        String missing = UUID.randomUUID().toString();

        // Every A2A method as tenant B: the same answer as for an id that does not exist.
        for (String id : List.of(taskId, asking)) {
            for (String method : List.of("GetTask", "CancelTask")) {
                assertEquals(shape(error(BOB, method, Map.of("id", missing)), missing),
                        shape(error(BOB, method, Map.of("id", id)), id), method);
            }
            String subscribe = rpc(BOB, "SubscribeToTask", Map.of("id", id)).asString();
            assertTrue(subscribe.contains("-32001"), subscribe);
            assertEquals(shape(error(BOB, "SendMessage", Rpc.send(message("reply", null, null, missing))), missing),
                    shape(error(BOB, "SendMessage", Rpc.send(message("reply", null, null, id))), id));
        }
        JsonNode listed = result(BOB, "ListTasks", Map.of());
        assertFalse(listed.toString().contains(taskId) || listed.toString().contains(asking), listed.toString());
        // The paused task still waits for tenant A.
        assertEquals("TASK_STATE_INPUT_REQUIRED", result(ALICE, "GetTask", Map.of("id", asking)).get("status").get("state").asText());
        Response otherTenant = rpc(BOB, "GetTask", Map.of("id", taskId, "tenant", "tenant-a"));
        assertEquals(403, otherTenant.statusCode());

        // A message in tenant A's thread id starts tenant B's own thread: nothing of A's shows.
        result(BOB, "SendMessage", Rpc.send(message("same id, other tenant", "echo", thread, null)));
        String bobView = as(BOB).get("/api/v1/threads/" + thread).then().statusCode(200).extract().asString();
        assertFalse(bobView.contains("private to tenant a"), bobView);
        String aliceView = as(ALICE).get("/api/v1/threads/" + thread).then().statusCode(200).extract().asString();
        assertFalse(aliceView.contains("same id, other tenant"), aliceView);
        assertTrue(aliceView.contains("private to tenant a"), aliceView);

        // The management API: threads, handoffs, agents.
        String askingThread = result(ALICE, "GetTask", Map.of("id", asking)).get("contextId").asText();
        for (String path : List.of("/api/v1/threads/%s", "/api/v1/threads/%s/handoffs")) {
            Response mine = as(BOB).get(String.format(path, askingThread));
            Response none = as(BOB).get(String.format(path, missing));
            assertEquals(404, mine.statusCode());
            assertEquals(none.asString().replace(missing, "<id>"), mine.asString().replace(askingThread, "<id>"));
        }
        Response handoff = as(BOB).body(Map.of("to", "billing")).post("/api/v1/threads/" + askingThread + "/handoffs");
        assertEquals(404, handoff.statusCode(), handoff.asString());
        assertFalse(as(BOB).get("/api/v1/threads").asString().contains(askingThread));

        assertFalse(as(BOB).get("/api/v1/agents").asString().contains("private-a"));
        assertEquals(404, as(BOB).get("/api/v1/agents/private-a").statusCode());
        assertEquals(as(BOB).get("/api/v1/agents/no-such-agent").asString().replace("no-such-agent", "<n>"),
                as(BOB).get("/api/v1/agents/private-a").asString().replace("private-a", "<n>"));
        assertEquals(404, as(BOB).delete("/api/v1/agents/private-a").statusCode());
        assertEquals(shape(error(BOB, "SendMessage", Rpc.send(Rpc.message("x", "no-such-agent"))), "no-such-agent"),
                shape(error(BOB, "SendMessage", Rpc.send(Rpc.message("x", "private-a"))), "private-a").replace("private-a", "<id>"));
        // Names are per tenant: B may have its own 'private-a'; A's is still there and still A's.
        as(BOB).body(Map.of("name", "private-a", "url", "http://127.0.0.1:" + Secured.PORT + "/demo/echo"))
                .post("/api/v1/agents").then().statusCode(201);
        as(BOB).delete("/api/v1/agents/private-a").then().statusCode(204);
        assertNotNull(send(ALICE, "still mine", "private-a"));
        as(OPERATOR).delete("/api/v1/agents/private-a").then().statusCode(204);
    }

    // ------------------------------------------------------------------------------ outbound credentials

    @Test
    void agentsGetTheirConfiguredCredentialsAndNeverTheCallersUnlessConfigured() {
        recorder.clear();
        send(OPERATOR, "with configured credentials", "keyed");
        Map<String, String> keyed = recorder.received().get(recorder.received().size() - 1);
        assertEquals("Bearer " + KEYED_OUTBOUND, keyed.get("Authorization"));
        assertEquals("outbound-api-key-of-keyed", keyed.get("X-API-Key"));

        // An admin's key: the demo echo stands for this agent, and answers admins only.
        send(BOB, "forwarding the caller", "forwarding");
        Map<String, String> forwarding = recorder.received().get(recorder.received().size() - 1);
        assertEquals("Bearer " + BOB, forwarding.get("Authorization"));

        send(OPERATOR, "plain", "echo");
        Map<String, String> plain = recorder.received().get(recorder.received().size() - 1);
        assertTrue(plain.get("Authorization").startsWith("Bearer ofi_"),
                "a demo agent is called with this process's internal token: " + plain);
        List<Map<String, String>> all = recorder.received();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i) != forwarding) {
                assertFalse(all.get(i).toString().contains(OPERATOR) || all.get(i).toString().contains(BOB),
                        all.get(i).toString());
            }
        }
    }

    // ------------------------------------------------------------------------------------- demo agents

    @Test
    void theDemoAgentsAnswerTheGatewayAndAdminsOnly() {
        // Through the gateway, a user reaches them (the gateway calls them with its internal token)...
        JsonNode task = send(ALICE, "through the gateway", "echo");
        assertEquals("TASK_STATE_COMPLETED", task.get("status").get("state").asText(), task.toString());

        // ...but not directly: a demo agent keeps every tenant's tasks and would list them all.
        String demo = "/demo/echo/a2a";
        Response user = as(ALICE).body(Rpc.request("ListTasks", Map.of())).post(demo);
        assertEquals(403, user.statusCode(), user.asString());
        assertEquals(-32051, Rpc.read(user.asString()).get("error").get("code").asInt());
        assertTrue(Rpc.read(user.asString()).get("error").get("message").asText().contains("demo agents"));
        assertNull(user.header("WWW-Authenticate"), "a 403 does not ask for other credentials");

        Response nobody = as(null).body(Rpc.request("ListTasks", Map.of())).post(demo);
        assertEquals(401, nobody.statusCode());
        assertEquals(-32050, Rpc.read(nobody.asString()).get("error").get("code").asInt());

        // Naming another caller in the internal header takes this process's own token, not a user's key.
        Response forged = as(ALICE).header(Authenticator.ON_BEHALF_OF, "x tenant-b admin system")
                .body(Rpc.request("ListTasks", Map.of())).post(demo);
        assertEquals(403, forged.statusCode(), forged.asString());

        Response admin = as(BOB).body(Rpc.request("ListTasks", Map.of())).post(demo);
        assertEquals(200, admin.statusCode(), admin.asString());
        assertTrue(Rpc.read(admin.asString()).get("result").has("tasks"), admin.asString());

        // The card stays public: it says how to reach the agent.
        given().header("A2A-Version", "1.0").get("/demo/echo/.well-known/agent-card.json").then().statusCode(200);
    }
}
