package io.omniforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway killed with SIGKILL, again and again, while its agents (another process, which lives on) work
 * on its tasks: each restarted gateway follows every task again where it was, and a client that follows a task with
 * {@code Last-Event-ID} across the kills sees one stream, and every orchestration goes on from its stored state (legs
 * that ended kept, running ones followed again, a pipeline's next step started after the restart, its synthesis
 * once). Prints its figures: tasks lost, failed because of the
 * restarts, duplicate events (all must be 0).
 */
class ReattachIT extends io.omniforge.support.PackagedServiceTest {

    private static final int TASKS = 12;
    private static final int KILLS = 3;
    private static final int CHUNKS = 40;
    private static final int DELAY_MS = 16_000;
    /** Of each plan, and of conversations handed over. */
    private static final int ORCHESTRATIONS = 2;
    /** The orchestrations, by strategy: their agents. */
    private static final Map<String, List<String>> PLANS = new java.util.LinkedHashMap<>(Map.of(
            "parallel", List.of("far-slow", "far-slow"), "sequential", List.of("far-slow", "far-slow"),
            "race", List.of("far-slow", "far-slow"), "quorum", List.of("far-slow", "far-slow", "far-slow"),
            "route", List.of("far-slow", "far-slow")));
    /** How many legs of each plan must complete. */
    private static final Map<String, Integer> NEEDED = Map.of("parallel", 2, "sequential", 2, "race", 1, "quorum", 2,
            "route", 1);

    private static final Path DIR = Path.of("target", "reattach-it");

    @Test
    void tasksGoOnAcrossKills() throws Exception {
        Path db = DIR.resolve("gateway-" + UUID.randomUUID() + ".db");
        String agents = agentHost("agents.log", "-Domniforge.demo.slow.chunks=" + CHUNKS,
                "-Domniforge.demo.slow.delay=" + DELAY_MS / 2 + "ms");
        int port = freePort();
        Process gateway = gateway(db, port, DIR.resolve("gateway-0.log"));
        String base = "http://127.0.0.1:" + port;
        registerFarSlow(base, agents);
        // The agent host's triage hands refunds over to its billing, which hands them back: both under their own
        // names, which is how triage asks for billing.
        register(base, "triage", agents + "/demo/triage");
        register(base, "billing", agents + "/demo/billing");

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < TASKS; i++) {
            JsonNode task = task(send(base, message("delay:" + DELAY_MS, "far-slow", "reattach-" + UUID.randomUUID()), true));
            ids.add(task.path("id").asText());
        }
        // Orchestrations of every strategy: parallel legs, pipelines whose second step starts only after the first
        // restart, races and quorums whose losers are canceled, routes.
        List<String> orchestrations = new ArrayList<>();
        for (Map.Entry<String, List<String>> plan : PLANS.entrySet()) {
            for (int i = 0; i < ORCHESTRATIONS; i++) {
                Map<String, Object> m = new java.util.LinkedHashMap<>(message("delay:" + DELAY_MS / 2, null,
                        "reattach-" + plan.getKey() + "-" + UUID.randomUUID()));
                m.put("metadata", Map.of(AGENT_KEY, Map.of("strategy", plan.getKey(), "agents", plan.getValue())));
                orchestrations.add(task(send(base, m, true)).path("id").asText());
            }
        }
        // Conversations handed from triage to billing and back, whose threads go on after the kills.
        List<String> handoffs = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        for (int i = 0; i < ORCHESTRATIONS; i++) {
            String context = "reattach-handoff-" + UUID.randomUUID();
            threads.add(context);
            JsonNode refund = task(send(base, message("I need a refund for invoice " + i, "triage", context), false));
            assertTrue(refund.toString().contains("handed the conversation back to triage"), refund.toString());
            handoffs.add(refund.path("id").asText());
        }
        // A client follows the first task from its first event, across every kill.
        ConcurrentLinkedQueue<JsonNode> seen = new ConcurrentLinkedQueue<>();
        follow(base, ids.get(0), 0, seen);
        long last = 0;
        for (int kill = 1; kill <= KILLS; kill++) {
            awaitChunks(base, ids, kill * 4);
            gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            last = lastSeq(seen, last);
            port = freePort();
            gateway = gateway(db, port, DIR.resolve("gateway-" + kill + ".log"));
            base = "http://127.0.0.1:" + port;
            if (kill < KILLS) {
                follow(base, ids.get(0), last, seen);
            }
        }
        CompletableFuture<Void> rest = follow(base, ids.get(0), lastSeq(seen, last), seen);

        String expected = expectedText();
        int completed = 0;
        int failed = 0;
        List<String> all = new ArrayList<>(ids);
        all.addAll(orchestrations);
        // After the kills, each handed-over thread goes on with the agent that had it (triage, handed back to).
        for (String context : threads) {
            handoffs.add(task(send(base, message("thanks, and one more question", null, context), false)).path("id").asText());
        }
        Map<String, JsonNode> finished = new java.util.HashMap<>();
        for (String id : handoffs) {
            JsonNode task = awaitEnd(base, id);
            finished.put(id, task);
            if (state(task).equals("TASK_STATE_COMPLETED")) {
                completed++;
            } else {
                failed++;
                System.out.println("reattach: conversation task " + id + " ended " + task);
            }
        }
        for (String id : all) {
            JsonNode task = awaitEnd(base, id);
            finished.put(id, task);
            if (state(task).equals("TASK_STATE_COMPLETED") && legsComplete(task, expected)) {
                completed++;
            } else {
                failed++;
                System.out.println("reattach: task " + id + " ended " + task);
            }
        }
        rest.get(30, TimeUnit.SECONDS);
        gateway.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

        // The client's one stream: every id once, in order, and the artifact it builds is the agent's.
        long expectedSeq = 1;
        int finals = 0;
        Map<String, StringBuilder> built = new java.util.TreeMap<>();
        for (JsonNode e : seen) {
            assertEquals(expectedSeq++, e.path("seq").asLong(), "one id after the other across the kills: " + seen);
            finals += applyTo(built, e.path("data").path("result"));
        }
        assertEquals(expected, String.join("", built.values()), "the artifact as the client built it across " + KILLS + " kills");
        assertEquals(1, finals, "one final state");

        all.addAll(handoffs);
        // In the store: each task's log, applied in order, builds the task's artifacts as they ended (each leg's
        // the agent's whole text), once, with one final state.
        int duplicates = 0;
        int logged = 0;
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT body FROM task_events WHERE task_id = ? ORDER BY seq")) {
            for (String id : all) {
                ps.setString(1, id);
                Map<String, StringBuilder> text = new java.util.TreeMap<>();
                int ends = 0;
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        logged++;
                        ends += applyTo(text, JSON.readTree(rs.getString(1)));
                    }
                }
                Map<String, String> replayed = new java.util.TreeMap<>();
                text.forEach((k, v) -> replayed.put(k, v.toString()));
                boolean whole = replayed.equals(artifactTexts(finished.get(id)));
                if (!whole || ends != 1) {
                    duplicates++;
                    System.out.println("reattach: the log of task " + id + " builds " + text + " with " + ends + " final states");
                }
            }
        }
        int lost = all.size() - completed - failed;
        System.out.printf("reattach: %d tasks (%d of one agent, %d orchestrations of %s, %d of handed-over"
                + " conversations), %d kill -9 and restarts, %d events logged; lost %d, failed %d, tasks whose log"
                + " repeats or misses an event %d%n", all.size(), TASKS, orchestrations.size(), PLANS.keySet(),
                handoffs.size(), KILLS, logged, lost, failed, duplicates);
        assertEquals(0, lost, "tasks lost");
        assertEquals(0, failed, "tasks failed because of the restarts, while their agent was up");
        assertEquals(0, duplicates, "tasks whose log repeats or misses an event");
    }

    @Test
    void sigtermLetsShortTurnsEndAndLeavesTheRestForTheNextStart() throws Exception {
        Path db = DIR.resolve("sigterm-" + UUID.randomUUID() + ".db");
        String agents = agentHost("sigterm-agents.log");
        int port = freePort();
        Process gateway = start(port, List.of("-Domniforge.store.sqlite-file=" + db.toAbsolutePath(),
                "-Domniforge.demo.enabled=false", "-Domniforge.gateway.shutdown-grace=6s"), Map.of(),
                DIR.resolve("sigterm-0.log"));
        String base = "http://127.0.0.1:" + port;
        registerFarSlow(base, agents);
        String soon = task(send(base, message("delay:2500", "far-slow", "sigterm-" + UUID.randomUUID()), true)).path("id").asText();
        String later = task(send(base, message("delay:14000", "far-slow", "sigterm-" + UUID.randomUUID()), true)).path("id").asText();
        Thread.sleep(500);

        long stopping = System.nanoTime();
        gateway.destroy(); // SIGTERM
        // While it waits for the turns under way, a new message is refused, saying why.
        JsonNode refused = null;
        for (long end = System.nanoTime() + Duration.ofSeconds(3).toNanos(); refused == null && System.nanoTime() < end;
                Thread.sleep(50)) {
            String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", "SendMessage", "params",
                    Map.of("message", message("hello", "far-slow", "late-" + UUID.randomUUID()))));
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(base + "/a2a"))
                    .header("Content-Type", "application/json").header("A2A-Version", "1.0")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode node = JSON.readTree(answer.body());
            refused = node.has("error") ? node : null;
        }
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway stops");
        long stoppedMs = (System.nanoTime() - stopping) / 1_000_000;
        System.out.printf("reattach: SIGTERM: stopped in %d ms (grace 6s)%n", stoppedMs);
        assertTrue(refused != null, "a new message while the gateway stops is refused");
        assertEquals(-32053, refused.path("error").path("code").asInt(), refused.toString());
        assertTrue(refused.path("error").path("message").asText().contains("shutting down"), refused.toString());
        // As the stopped process left them: the short turn ended, the long one still running, for the next start.
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath());
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT state FROM tasks WHERE id = ?")) {
            for (String[] expected : List.of(new String[] {soon, "TASK_STATE_COMPLETED"}, new String[] {later, "TASK_STATE_WORKING"})) {
                ps.setString(1, expected[0]);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next());
                    assertEquals(expected[1], rs.getString(1), "task " + expected[0] + " when the process had stopped");
                }
            }
        }

        port = freePort();
        gateway = start(port, List.of("-Domniforge.store.sqlite-file=" + db.toAbsolutePath(),
                "-Domniforge.demo.enabled=false"), Map.of(), DIR.resolve("sigterm-1.log"));
        base = "http://127.0.0.1:" + port;
        JsonNode ended = rpc(base, "GetTask", Map.of("id", soon)).path("result");
        assertEquals("TASK_STATE_COMPLETED", state(ended), "the short turn ended before the process stopped: " + ended);
        JsonNode goneOn = awaitEnd(base, later);
        assertEquals("TASK_STATE_COMPLETED", state(goneOn), "the long one was left for the next start: " + goneOn);
        assertEquals("chunk 1 of 5\nchunk 2 of 5\nchunk 3 of 5\nchunk 4 of 5\nchunk 5 of 5\n", artifactText(goneOn));
    }

    /**
     * The agents: the demo agents of a process of their own, which no test kills, with {@code options}; its base
     * URL.
     */
    private String agentHost(String log, String... options) throws Exception {
        Files.createDirectories(DIR);
        List<String> properties = new ArrayList<>(List.of("-Domniforge.store.sqlite-file="
                + DIR.resolve("agents-" + UUID.randomUUID() + ".db").toAbsolutePath()));
        properties.addAll(List.of(options));
        int port = freePort();
        start(port, properties, Map.of(), DIR.resolve(log));
        return "http://127.0.0.1:" + port;
    }

    /** Registers the agent host's slow demo agent with the gateway at {@code base}, as {@code far-slow}. */
    private void registerFarSlow(String base, String agents) throws Exception {
        register(base, "far-slow", agents + "/demo/slow");
    }

    private void register(String base, String name, String url) throws Exception {
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/agents"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"url\":\"" + url + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, registered.statusCode(), registered.body());
    }

    private Process gateway(Path db, int port, Path log) throws Exception {
        return start(port, List.of("-Domniforge.store.sqlite-file=" + db.toAbsolutePath(),
                "-Domniforge.demo.enabled=false"), Map.of(), log);
    }

    /** What the slow agent's artifact reads once all its chunks came. */
    private static String expectedText() {
        StringBuilder s = new StringBuilder();
        for (int i = 1; i <= CHUNKS; i++) {
            s.append("chunk ").append(i).append(" of ").append(CHUNKS).append('\n');
        }
        return s.toString();
    }

    /**
     * Whether a finished task has what its agents made: a task of one agent its one artifact, reading
     * {@code expected}; an orchestration one synthesis, and for each leg that completed (as many as its strategy
     * needs) an artifact reading {@code expected}.
     */
    private static boolean legsComplete(JsonNode task, String expected) {
        JsonNode entry = task.path("metadata").path(AGENT_KEY);
        Map<String, String> texts = artifactTexts(task);
        if (!entry.has("strategy")) {
            return texts.size() == 1 && texts.values().iterator().next().equals(expected);
        }
        Map<Integer, String> legStates = new java.util.HashMap<>();
        entry.path("legs").forEach(l -> legStates.put(l.path("index").asInt(), l.path("state").asText()));
        int completed = 0;
        for (Map.Entry<String, String> a : texts.entrySet()) {
            if (a.getKey().equals("synthesis")) {
                continue;
            }
            int index = Integer.parseInt(a.getKey().substring(a.getKey().indexOf('.') + 1, a.getKey().indexOf('/')));
            if ("TASK_STATE_COMPLETED".equals(legStates.get(index))) {
                if (!a.getValue().equals(expected)) {
                    return false;
                }
                completed++;
            }
        }
        return texts.containsKey("synthesis") && completed >= NEEDED.get(entry.path("strategy").asText());
    }

    /** Each artifact's text (its parts' texts together), by artifact id. */
    private static Map<String, String> artifactTexts(JsonNode task) {
        Map<String, String> texts = new java.util.TreeMap<>();
        for (JsonNode a : task.path("artifacts")) {
            StringBuilder text = new StringBuilder();
            a.path("parts").forEach(p -> text.append(p.path("text").asText("")));
            texts.put(a.path("artifactId").asText(), text.toString());
        }
        return texts;
    }

    /**
     * Applies one event of a task's stream to the texts of the artifacts it builds (a chunk appends, a whole
     * artifact replaces), by artifact id; 1 when it is a final state.
     */
    private static int applyTo(Map<String, StringBuilder> texts, JsonNode event) {
        JsonNode artifact = event.path("artifactUpdate");
        if (!artifact.isMissingNode()) {
            StringBuilder text = texts.computeIfAbsent(artifact.path("artifact").path("artifactId").asText(),
                    k -> new StringBuilder());
            if (!artifact.path("append").asBoolean()) {
                text.setLength(0);
            }
            artifact.path("artifact").path("parts").forEach(p -> text.append(p.path("text").asText("")));
        }
        String state = event.path("statusUpdate").path("status").path("state").asText("");
        return state.equals("TASK_STATE_COMPLETED") || state.equals("TASK_STATE_FAILED") ? 1 : 0;
    }

    /** Until every task has at least {@code chunks} chunks: the kill catches them all half-way. */
    private void awaitChunks(String base, List<String> ids, int chunks) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        for (String id : ids) {
            while (artifactText(rpc(base, "GetTask", Map.of("id", id)).path("result")).split("\n").length < chunks) {
                assertTrue(System.nanoTime() < deadline, "task " + id + " got " + chunks + " chunks in time");
                Thread.sleep(100);
            }
        }
    }

    private JsonNode awaitEnd(String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            JsonNode task = rpc(base, "GetTask", Map.of("id", id)).path("result");
            String state = state(task);
            if (state.equals("TASK_STATE_COMPLETED") || state.equals("TASK_STATE_FAILED") || System.nanoTime() > deadline) {
                return task;
            }
            Thread.sleep(200);
        }
    }

    private static long lastSeq(ConcurrentLinkedQueue<JsonNode> seen, long otherwise) {
        long last = otherwise;
        for (JsonNode e : seen) {
            last = Math.max(last, e.path("seq").asLong());
        }
        return last;
    }

    /**
     * Follows task {@code id} with SubscribeToTask after event {@code after}, on a thread of its own: each numbered
     * event goes to {@code seen} as {@code {"seq": <id>, "data": <its JSON-RPC response>}}, until the stream ends or
     * breaks (the process is killed). Completes then.
     */
    private CompletableFuture<Void> follow(String base, String id, long after, ConcurrentLinkedQueue<JsonNode> seen)
            throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/a2a"))
                .header("Content-Type", "application/json").header("A2A-Version", "1.0")
                .header("Last-Event-ID", Long.toString(after))
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1,
                        "method", "SubscribeToTask", "params", Map.of("id", id)))))
                .build();
        HttpResponse<java.io.InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return CompletableFuture.runAsync(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                Long seq = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("id:")) {
                        seq = Long.parseLong(line.substring(3).trim());
                    } else if (line.startsWith("data:") && seq != null) {
                        seen.add(JSON.createObjectNode().put("seq", seq).set("data", JSON.readTree(line.substring(5).trim())));
                        seq = null;
                    } else if (line.isEmpty()) {
                        seq = null;
                    }
                }
            } catch (java.io.IOException broken) {
                // the process was killed: what was read stays in seen
            }
        });
    }
}
