package io.omniforge.security;

import static io.omniforge.security.SecurityTest.ADMIN;
import static io.omniforge.security.SecurityTest.ALICE;
import static io.omniforge.security.SecurityTest.AUDITOR;
import static io.omniforge.security.SecurityTest.BOB;
import static io.omniforge.security.SecurityTest.HANDOFFER;
import static io.omniforge.security.SecurityTest.OPERATOR;
import static io.omniforge.security.SecurityTest.ORCHESTRATOR;
import static io.omniforge.security.SecurityTest.VIEWER;
import static io.omniforge.security.SecurityTest.as;
import static io.omniforge.security.SecurityTest.message;
import static io.omniforge.security.SecurityTest.result;
import static io.omniforge.security.SecurityTest.rpc;
import static io.omniforge.security.SecurityTest.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.a2a.HandoffCapability;
import io.omniforge.observability.LogCapture;
import io.omniforge.support.Rpc;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The permission matrix: every operation the service offers (each A2A method, each management endpoint, an
 * orchestration and a handoff asked for in a message's metadata, a flow's endpoint), as every role. What the built-in
 * roles grant is read from the Permission table of docs/SECURITY.md, so the test fails when the doc and the code
 * disagree; each operation's permissions are named in the doc's row of each.
 */
@QuarkusTest
@TestProfile(SecurityTest.Secured.class)
class PermissionMatrixTest {

    /** One operation: the permissions it needs (all of them), the name the doc gives it, and the call as a key. */
    record Operation(String name, Set<Permission> needs, String inDoc, Function<String, Response> call) {
    }

    /** The Permission table of docs/SECURITY.md: for each built-in role, the permissions it has a ✓ for. */
    static Map<String, Set<Permission>> documentedRoles(Map<Permission, String> rows) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("docs/SECURITY.md"));
        int header = lines.indexOf("| permission | what it allows | viewer | user | operator | admin |");
        assertTrue(header > 0, "the Permission table of docs/SECURITY.md has moved or changed its columns");
        List<String> roles = List.of("viewer", "user", "operator", "admin");
        Map<String, Set<Permission>> granted = new LinkedHashMap<>();
        roles.forEach(r -> granted.put(r, EnumSet.noneOf(Permission.class)));
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|", -1);
            Permission p = Permission.valueOf(cells[1].trim().replace("`", ""));
            rows.put(p, cells[2]);
            for (int r = 0; r < roles.size(); r++) {
                if (cells[3 + r].contains("✓")) {
                    granted.get(roles.get(r)).add(p);
                }
            }
        }
        assertEquals(EnumSet.allOf(Permission.class), rows.keySet(), "every permission has a row");
        return granted;
    }

    private static Set<Permission> expand(Set<Permission> granted) {
        return granted.contains(Permission.ADMIN) ? EnumSet.allOf(Permission.class) : granted;
    }

    private static Map<String, Object> inThread(Map<String, Object> message, String thread) {
        message.put("contextId", thread);
        return message;
    }

    private static List<Operation> operations() {
        String task = send(ADMIN, "a task to read", "echo").get("id").asText();
        String thread = send(ADMIN, "a thread to hand off", "triage").get("contextId").asText();
        String url = "http://127.0.0.1:" + SecurityTest.Secured.PORT + "/demo/echo";
        List<Operation> ops = new ArrayList<>();
        // A2A methods.
        ops.add(new Operation("SendMessage", EnumSet.of(Permission.THREADS_WRITE), "`SendMessage`",
                key -> rpc(key, "SendMessage", Rpc.send(Rpc.message("hello", "echo")))));
        ops.add(new Operation("SendMessage replying to a task", EnumSet.of(Permission.THREADS_WRITE), "replying to a task",
                key -> rpc(key, "SendMessage", Rpc.send(message("reply", null, null, task)))));
        ops.add(new Operation("SendStreamingMessage", EnumSet.of(Permission.THREADS_WRITE), "`SendStreamingMessage`",
                key -> rpc(key, "SendStreamingMessage", Rpc.send(Rpc.message("hello", "echo")))));
        ops.add(new Operation("GetTask", EnumSet.of(Permission.TASKS_READ), "`GetTask`",
                key -> rpc(key, "GetTask", Map.of("id", task))));
        ops.add(new Operation("ListTasks", EnumSet.of(Permission.TASKS_READ), "`ListTasks`",
                key -> rpc(key, "ListTasks", Map.of())));
        ops.add(new Operation("SubscribeToTask", EnumSet.of(Permission.TASKS_READ), "`SubscribeToTask`",
                key -> rpc(key, "SubscribeToTask", Map.of("id", task))));
        // The task is done: an allowed cancel is told so (-32002), a refused one never gets that far.
        ops.add(new Operation("CancelTask", EnumSet.of(Permission.TASKS_CANCEL), "`CancelTask`",
                key -> rpc(key, "CancelTask", Map.of("id", task))));
        ops.add(new Operation("GetExtendedAgentCard", EnumSet.of(Permission.AGENTS_READ), "`GetExtendedAgentCard`",
                key -> rpc(key, "GetExtendedAgentCard", Map.of())));
        // An orchestration or a handoff in a message: the message's permission and the orchestration's or handoff's.
        ops.add(new Operation("SendMessage with an orchestration", EnumSet.of(Permission.THREADS_WRITE, Permission.ORCHESTRATE),
                "a message with an orchestration", key -> {
                    Map<String, Object> m = Rpc.message("fan", null);
                    m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("strategy", "parallel", "agents", List.of("echo"))));
                    return rpc(key, "SendMessage", Rpc.send(m));
                }));
        ops.add(new Operation("SendStreamingMessage with a flow", EnumSet.of(Permission.THREADS_WRITE, Permission.ORCHESTRATE),
                "a message with an orchestration", key -> {
                    Map<String, Object> m = Rpc.message("flow", null);
                    m.put("metadata", Map.of(Rpc.AGENT_KEY, Map.of("flow", "pipeline")));
                    return rpc(key, "SendStreamingMessage", Rpc.send(m));
                }));
        ops.add(new Operation("SendMessage at a flow's endpoint", EnumSet.of(Permission.THREADS_WRITE, Permission.ORCHESTRATE),
                "a flow's endpoint", key -> as(key).body(Rpc.request("SendMessage", Rpc.send(Rpc.message("flow", null))))
                        .post("/flows/pipeline/a2a")));
        ops.add(new Operation("SendMessage with a handoff", EnumSet.of(Permission.THREADS_WRITE, Permission.HANDOFF_INITIATE),
                "handoff metadata on a message", key -> {
                    Map<String, Object> m = inThread(Rpc.message("over to echo", null), thread);
                    m.put("metadata", Map.of(HandoffCapability.URI, Map.of("to", "echo")));
                    return rpc(key, "SendMessage", Rpc.send(m));
                }));
        // The management API.
        ops.add(new Operation("GET agents", EnumSet.of(Permission.AGENTS_READ), "`GET /api/v1/agents[/<name>]`",
                key -> as(key).get("/api/v1/agents")));
        ops.add(new Operation("GET agent", EnumSet.of(Permission.AGENTS_READ), "`GET /api/v1/agents[/<name>]`",
                key -> as(key).get("/api/v1/agents/echo")));
        ops.add(new Operation("POST agent", EnumSet.of(Permission.AGENTS_MANAGE), "`POST /api/v1/agents`", key -> {
            String name = "m-" + UUID.randomUUID().toString().substring(0, 8);
            Response r = as(key).body(Map.of("name", name, "url", url)).post("/api/v1/agents");
            if (r.statusCode() == 201) {
                as(key).delete("/api/v1/agents/" + name).then().statusCode(204);
            }
            return r;
        }));
        // Allowed: 404, there is no such agent.
        ops.add(new Operation("DELETE agent", EnumSet.of(Permission.AGENTS_MANAGE), "`DELETE /api/v1/agents/<name>`",
                key -> as(key).delete("/api/v1/agents/none-" + UUID.randomUUID().toString().substring(0, 8))));
        ops.add(new Operation("GET threads", EnumSet.of(Permission.THREADS_READ), "`GET /api/v1/threads[/<id>]`",
                key -> as(key).get("/api/v1/threads")));
        ops.add(new Operation("GET thread", EnumSet.of(Permission.THREADS_READ), "`GET /api/v1/threads[/<id>]`",
                key -> as(key).get("/api/v1/threads/" + thread)));
        ops.add(new Operation("GET handoffs", EnumSet.of(Permission.THREADS_READ), "`GET /api/v1/threads/<id>/handoffs`",
                key -> as(key).get("/api/v1/threads/" + thread + "/handoffs")));
        ops.add(new Operation("POST handoff", EnumSet.of(Permission.HANDOFF_INITIATE), "`POST /api/v1/threads/<id>/handoffs`",
                key -> as(key).body(Map.of("to", "echo")).post("/api/v1/threads/" + thread + "/handoffs")));
        ops.add(new Operation("POST orchestration", EnumSet.of(Permission.ORCHESTRATE), "`POST /api/v1/orchestrations`",
                key -> as(key).body(Map.of("strategy", "parallel", "agents", List.of("echo"), "message", "fan"))
                        .post("/api/v1/orchestrations")));
        // Replying to a task through the management API writes to its thread, as a SendMessage naming it does.
        ops.add(new Operation("POST orchestration replying to a task", EnumSet.of(Permission.ORCHESTRATE,
                Permission.THREADS_WRITE), "`POST /api/v1/orchestrations`", key -> as(key).body(Map.of("strategy",
                "parallel", "agents", List.of("echo"), "message", Map.of("messageId", UUID.randomUUID().toString(),
                        "role", "ROLE_USER", "taskId", task, "parts", List.of(Map.of("text", "and then?")))))
                .post("/api/v1/orchestrations")));
        return ops;
    }

    /**
     * Allowed (true): anything but 401 and 403 (it may fail for other reasons, never with a 5xx). Refused (false): 403
     * with PERMISSION_DENIED, on JSON-RPC -32051, the message naming one of the permissions the caller lacks.
     */
    private static boolean allowed(Response r, Set<Permission> lacking) {
        int status = r.statusCode();
        assertTrue(status != 401 && status < 500, r.asString());
        if (status != 403) {
            return true;
        }
        JsonNode body = Rpc.read(r.asString());
        JsonNode error = body.get("error");
        String reason = error.has("data") ? error.get("data").get(0).get("reason").asText()
                : error.get("details").get(0).get("reason").asText();
        assertEquals("PERMISSION_DENIED", reason, r.asString());
        if (error.has("data")) {
            assertEquals(-32051, error.get("code").asInt(), r.asString());
        }
        assertTrue(lacking.stream().anyMatch(p -> error.get("message").asText().contains("needs permission " + p)),
                "the refusal names a permission the caller lacks " + lacking + ": " + r.asString());
        return false;
    }

    @Test
    void everyOperationAsEveryRoleIsAllowedExactlyWhenTheDocsPermissionTableSaysSo() throws Exception {
        Map<Permission, String> rows = new LinkedHashMap<>();
        Map<String, Set<Permission>> documented = documentedRoles(rows);
        Map<String, Set<Permission>> granted = new LinkedHashMap<>();
        granted.put(VIEWER, documented.get("viewer"));
        granted.put(ALICE, documented.get("user"));
        granted.put(OPERATOR, documented.get("operator"));
        granted.put(ADMIN, documented.get("admin"));
        granted.put(BOB, documented.get("admin"));
        // Configured roles (application.properties %test, and the Secured profile).
        granted.put(AUDITOR, EnumSet.of(Permission.THREADS_READ, Permission.TASKS_READ));
        granted.put(ORCHESTRATOR, EnumSet.of(Permission.ORCHESTRATE));
        granted.put(HANDOFFER, EnumSet.of(Permission.HANDOFF_INITIATE));

        List<Operation> ops = operations();
        try (LogCapture logs = LogCapture.install()) {
            for (Operation op : ops) {
                for (Permission p : op.needs()) {
                    assertTrue(rows.get(p).contains(op.inDoc()), op.name() + ": the doc's row for " + p
                            + " names it (" + op.inDoc() + "): " + rows.get(p));
                }
                granted.forEach((key, perms) -> {
                    Set<Permission> has = expand(perms);
                    Set<Permission> lacking = EnumSet.copyOf(op.needs());
                    lacking.removeAll(has);
                    assertEquals(lacking.isEmpty(), allowed(op.call().apply(key), lacking), key + " " + op.name());
                });
            }
            // Each refusal is an audit event naming the permission and the caller.
            assertTrue(logs.lines().stream().anyMatch(l -> "auth.denied".equals(l.mdc().get("event"))
                    && "permission".equals(l.mdc().get("denied")) && "THREADS_WRITE".equals(l.mdc().get("needed"))
                    && "orchestrator".equals(l.mdc().get("principal")) && "SendMessage".equals(l.mdc().get("operation"))),
                    "auth.denied for the orchestrator's SendMessage");
        }
    }

    /** The push-notification methods are not served: every caller, whatever its roles, is told so. */
    @Test
    void thePushNotificationMethodsAnswerUnsupportedToEveryone() {
        for (String key : List.of(VIEWER, AUDITOR, ALICE, ORCHESTRATOR, ADMIN)) {
            for (String method : List.of("CreateTaskPushNotificationConfig", "GetTaskPushNotificationConfig",
                    "ListTaskPushNotificationConfigs", "DeleteTaskPushNotificationConfig")) {
                Response r = rpc(key, method, Map.of("taskId", "t"));
                assertEquals(200, r.statusCode(), r.asString());
                assertEquals(-32003, Rpc.read(r.asString()).get("error").get("code").asInt(), key + " " + method);
            }
        }
    }

    /** A caller without the permission learns that, not what is wrong with its input; one with it learns the rest. */
    @Test
    void thePermissionIsCheckedBeforeTheInput() {
        String thread = send(ADMIN, "a thread", "echo").get("contextId").asText();
        Map<String, Function<String, Response>> bad = new LinkedHashMap<>();
        bad.put("GET threads?pageSize=0", key -> as(key).get("/api/v1/threads?pageSize=0"));
        bad.put("GET thread?messages=-1", key -> as(key).get("/api/v1/threads/" + thread + "?messages=-1"));
        bad.put("POST handoff without a target", key -> as(key).body(Map.of("reason", "no target"))
                .post("/api/v1/threads/" + thread + "/handoffs"));
        bad.put("POST agent without a body", key -> as(key).body("null").post("/api/v1/agents"));
        bad.put("POST orchestration without a message", key -> as(key).body(Map.of("strategy", "parallel"))
                .post("/api/v1/orchestrations"));
        bad.put("POST orchestration not JSON", key -> as(key).body("{not json").post("/api/v1/orchestrations"));
        Map<String, List<String>> refusedAllowed = Map.of(
                "GET threads?pageSize=0", List.of(ORCHESTRATOR, VIEWER),
                "GET thread?messages=-1", List.of(ORCHESTRATOR, VIEWER),
                "POST handoff without a target", List.of(VIEWER, HANDOFFER),
                "POST agent without a body", List.of(ALICE, OPERATOR),
                "POST orchestration without a message", List.of(VIEWER, ORCHESTRATOR),
                "POST orchestration not JSON", List.of(VIEWER, ORCHESTRATOR));
        bad.forEach((name, call) -> {
            Response refused = call.apply(refusedAllowed.get(name).get(0));
            assertEquals(403, refused.statusCode(), name + ": " + refused.asString());
            assertEquals("PERMISSION_DENIED", Rpc.read(refused.asString()).get("error").get("details").get(0).get("reason")
                    .asText(), refused.asString());
            assertEquals("FORBIDDEN", Rpc.read(refused.asString()).get("error").get("status").asText(), refused.asString());
            Response invalid = call.apply(refusedAllowed.get(name).get(1));
            assertEquals(400, invalid.statusCode(), name + ": " + invalid.asString());
        });
    }

    // ------------------------------------------------------------------------- per-agent rules, forged headers

    /** 'billing' is for operators: alice's handoff to it, through the API or in a message, is refused and audited. */
    @Test
    void aClientsHandoffToAnAgentTheCallerMayNotCallIsRefused() {
        String thread = send(ALICE, "hello", "echo").get("contextId").asText();
        try (LogCapture logs = LogCapture.install()) {
            Response api = as(ALICE).body(Map.of("to", "billing", "reason", "invoice")).post("/api/v1/threads/" + thread + "/handoffs");
            assertEquals(409, api.statusCode(), api.asString());
            JsonNode error = Rpc.read(api.asString()).get("error");
            assertEquals("HANDOFF_REFUSED", error.get("details").get(0).get("reason").asText(), api.asString());
            assertTrue(error.get("message").asText().contains("'alice' may not call agent 'billing'")
                    && error.get("message").asText().contains("the conversation stays with echo"), api.asString());

            Map<String, Object> m = inThread(Rpc.message("my invoice, please", null), thread);
            m.put("metadata", Map.of(HandoffCapability.URI, Map.of("to", "billing")));
            JsonNode task = result(ALICE, "SendMessage", Rpc.send(m)).get("task");
            // The message stays with echo, and the client is told why in the task's history.
            assertEquals("echo: my invoice, please", Rpc.artifactText(task), task.toString());
            assertTrue(task.get("history").toString().contains("the handoff to billing was refused: 'alice' may not call"
                    + " agent 'billing'"), task.toString());

            assertEquals(2, logs.lines().stream().filter(l -> "auth.denied".equals(l.mdc().get("event"))
                    && "agent".equals(l.mdc().get("denied")) && "billing".equals(l.mdc().get("needed"))
                    && "alice".equals(l.mdc().get("principal")) && "tenant-a".equals(l.mdc().get("tenant"))).count(),
                    "one auth.denied (denied=agent) for each refused handoff");
        }
        // Both are in the thread's history as rejected, and the conversation stayed with echo.
        JsonNode history = Rpc.read(as(ALICE).get("/api/v1/threads/" + thread + "/handoffs").then().statusCode(200)
                .extract().asString());
        assertEquals(2, history.size(), history.toString());
        history.forEach(h -> assertEquals("rejected", h.get("state").asText(), history.toString()));
        assertEquals("echo", Rpc.read(as(ALICE).get("/api/v1/threads/" + thread).asString()).get("activeAgent").asText());
        // An operator may.
        String operators = send(OPERATOR, "hello", "echo").get("contextId").asText();
        as(OPERATOR).body(Map.of("to", "billing")).post("/api/v1/threads/" + operators + "/handoffs").then().statusCode(201);
    }

    @Test
    void aDirectCallToAnAgentTheCallerMayNotCallIsAuditedAsAnAgentDenial() {
        try (LogCapture logs = LogCapture.install()) {
            Response r = rpc(ALICE, "SendMessage", Rpc.send(Rpc.message("invoice", "billing")));
            assertEquals(403, r.statusCode(), r.asString());
            assertTrue(logs.lines().stream().anyMatch(l -> "auth.denied".equals(l.mdc().get("event"))
                    && "agent".equals(l.mdc().get("denied")) && "billing".equals(l.mdc().get("needed"))
                    && "alice".equals(l.mdc().get("principal")) && "user".equals(l.mdc().get("roles"))
                    && "api_key".equals(l.mdc().get("scheme"))), "auth.denied with denied=agent");
            for (LogCapture.Line line : logs.lines()) {
                assertFalse(line.all().contains(ALICE), "the key was logged: " + line);
            }
        }
    }

    /** X-OmniForge-On-Behalf-Of is trusted only with this process's internal token: with an API key it is ignored. */
    @Test
    void aForgedOnBehalfOfHeaderWithAnApiKeyIsIgnored() {
        String forged = "mallory tenant-b admin,operator system";
        // alice stays alice: her task is tenant-a's, not tenant-b's.
        Response sent = as(ALICE).header(Authenticator.ON_BEHALF_OF, forged)
                .body(Rpc.request("SendMessage", Rpc.send(Rpc.message("whose am I", "echo")))).post("/a2a");
        assertEquals(200, sent.statusCode(), sent.asString());
        String task = Rpc.read(sent.asString()).get("result").get("task").get("id").asText();
        assertEquals(task, result(ALICE, "GetTask", Map.of("id", task)).get("id").asText());
        assertEquals(-32001, SecurityTest.error(BOB, "GetTask", Map.of("id", task)).get("code").asInt());
        // Her roles stay hers: not an operator for billing, not an admin for agents.
        Response billing = as(ALICE).header(Authenticator.ON_BEHALF_OF, forged)
                .body(Rpc.request("SendMessage", Rpc.send(Rpc.message("invoice", "billing")))).post("/a2a");
        assertEquals(403, billing.statusCode(), billing.asString());
        assertTrue(billing.asString().contains("'alice' may not call agent 'billing'"), billing.asString());
        Response register = as(ALICE).header(Authenticator.ON_BEHALF_OF, forged)
                .body(Map.of("name", "forged", "url", "http://127.0.0.1:1")).post("/api/v1/agents");
        assertEquals(403, register.statusCode(), register.asString());
        assertTrue(register.asString().contains("'alice'"), register.asString());
        // A viewer stays a viewer.
        Response viewer = as(VIEWER).header(Authenticator.ON_BEHALF_OF, forged)
                .body(Rpc.request("SendMessage", Rpc.send(Rpc.message("no", "echo")))).post("/a2a");
        assertEquals(403, viewer.statusCode(), viewer.asString());
        // Tenant B's threads stay out of sight.
        String bobs = send(BOB, "bob's own", "echo").get("contextId").asText();
        Response look = as(ALICE).header(Authenticator.ON_BEHALF_OF, forged).get("/api/v1/threads/" + bobs);
        assertEquals(404, look.statusCode(), look.asString());
    }
}
