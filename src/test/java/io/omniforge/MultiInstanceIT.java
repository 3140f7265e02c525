package io.omniforge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.omniforge.support.TestPostgres;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged services, as real processes, on one PostgreSQL database: a conversation started on one goes on on the
 * other, a stream subscribed on the one that does not run the task receives its events, both write one thread at
 * once without losing a message, a cancel reaches a task running on the other, an agent registered on one is known to
 * the other, and when one dies the other fails the tasks it was running. Instance A is configured with system
 * properties, instance B with environment variables, as a container would be.
 */
class MultiInstanceIT extends io.omniforge.support.PackagedServiceTest {

    private final ExecutorService clients = Executors.newFixedThreadPool(8);
    private String url;

    @BeforeEach
    void postgres() throws Exception {
        assumeTrue(TestPostgres.url().isPresent(), TestPostgres.SKIPPED);
        url = TestPostgres.url(TestPostgres.newSchema("it"));
    }

    @AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    @Test
    void twoInstancesShareThreadsTasksStreamsAndAgents() throws Exception {
        Path dir = Path.of("target", "multi-instance-it");
        Files.createDirectories(dir);
        // Short heartbeats so that the take-over at the end is quick; the other settings are the defaults.
        List<String> fast = List.of("-Domniforge.store.heartbeat=1s", "-Domniforge.store.instance-lease=4s",
                "-Domniforge.agent.registry-sync=1s");
        int portA = freePort();
        List<String> a = new ArrayList<>(fast);
        a.addAll(List.of("-Domniforge.store.kind=postgresql", "-Dquarkus.datasource.postgresql.jdbc.url=" + url,
                "-Dquarkus.datasource.postgresql.username=" + TestPostgres.user(),
                "-Dquarkus.datasource.postgresql.password=" + TestPostgres.password()));
        Process processA = start(portA, a, Map.of(), dir.resolve("a.log"));
        int portB = freePort();
        Process processB = start(portB, fast, Map.of("OMNIFORGE_STORE_KIND", "postgresql",
                "QUARKUS_DATASOURCE_POSTGRESQL_JDBC_URL", url,
                "QUARKUS_DATASOURCE_POSTGRESQL_USERNAME", TestPostgres.user(),
                "QUARKUS_DATASOURCE_POSTGRESQL_PASSWORD", TestPostgres.password()), dir.resolve("b.log"));
        String baseA = "http://127.0.0.1:" + portA;
        String baseB = "http://127.0.0.1:" + portB;

        // A conversation begun on A goes on on B, with the agent that owns the thread.
        String context = "multi-" + UUID.randomUUID();
        JsonNode greeting = task(send(baseA, message("hello", null, context), false));
        assertTrue(artifactText(greeting).startsWith("triage"), greeting.toString());
        assertEquals("echo: remember me", artifactText(task(send(baseA, message("remember me", "echo", context), false))));
        JsonNode onB = task(send(baseB, message("still me", null, context), false));
        assertEquals("echo", onB.path("metadata").path(AGENT_KEY).path("agent").asText(), onB.toString());
        assertEquals("echo: still me", artifactText(onB));
        JsonNode thread = get(baseB + "/api/v1/threads/" + context);
        assertEquals("echo", thread.path("activeAgent").asText());
        assertEquals(6, thread.path("messages").size(), "3 user messages and 3 answers: " + thread);

        // Handoff state is shared too: triage hands a refund to billing on A, B reads that handoff and hands the
        // thread to billing again as a client, and A's next message goes to billing with the context B owed it.
        String handed = "handoff-" + UUID.randomUUID();
        JsonNode refund = task(send(baseA, message("I need a refund for invoice 42", null, handed), false));
        assertEquals("TASK_STATE_COMPLETED", state(refund), refund.toString());
        JsonNode history = get(baseB + "/api/v1/threads/" + handed + "/handoffs");
        assertEquals(2, history.size(), "the handoff and billing's handback: " + history);
        assertEquals("triage>billing returned", history.get(0).path("from").asText() + ">"
                + history.get(0).path("to").asText() + " " + history.get(0).path("state").asText(), history.toString());
        assertEquals("billing>triage", history.get(1).path("from").asText() + ">" + history.get(1).path("to").asText());
        HttpResponse<String> moved = http.send(HttpRequest.newBuilder(URI.create(baseB + "/api/v1/threads/" + handed
                + "/handoffs")).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"billing\",\"reason\":\"asked on B\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, moved.statusCode(), moved.body());
        assertEquals("billing", get(baseA + "/api/v1/threads/" + handed).path("activeAgent").asText());
        JsonNode billed = task(send(baseA, message("and the second invoice?", null, handed), false));
        assertTrue(artifactText(billed).startsWith("billing: I looked at your account: [handoff from"),
                "billing on A got the context B's handoff owed it: " + billed);
        JsonNode both = get(baseA + "/api/v1/threads/" + handed + "/handoffs");
        assertTrue(both.size() >= 3, both.toString());
        assertEquals("asked on B", both.get(2).path("reason").asText(), both.toString());

        // A stream on B of a task that runs on A.
        JsonNode running = task(send(baseA, message("delay:1500", "slow", context), true));
        String taskId = running.path("id").asText();
        List<JsonNode> events = subscribe(baseB, taskId);
        assertTrue(events.get(0).path("result").has("task"), "the first event is the Task");
        JsonNode last = events.get(events.size() - 1).path("result");
        assertEquals("TASK_STATE_COMPLETED", last.path("statusUpdate").path("status").path("state").asText(),
                events.toString());
        long chunks = events.stream().filter(e -> e.path("result").has("artifactUpdate")).count();
        assertTrue(chunks >= 1, "the artifact chunks streamed on A reach the subscriber on B: " + events);
        assertEquals("TASK_STATE_COMPLETED", state(rpc(baseB, "GetTask", Map.of("id", taskId)).path("result")));

        // Both write one thread at once: every message is kept, once, in one order both agree on.
        String busy = "busy-" + UUID.randomUUID();
        int perInstance = 12;
        List<Future<JsonNode>> sent = new ArrayList<>();
        Set<String> texts = new HashSet<>();
        for (int i = 0; i < perInstance; i++) {
            for (String base : List.of(baseA, baseB)) {
                String text = (base.equals(baseA) ? "a" : "b") + i;
                texts.add(text);
                sent.add(clients.submit(() -> task(send(base, message(text, "echo", busy), false))));
            }
        }
        for (Future<JsonNode> f : sent) {
            assertEquals("TASK_STATE_COMPLETED", state(f.get(120, TimeUnit.SECONDS)));
        }
        JsonNode busyOnA = get(baseA + "/api/v1/threads/" + busy + "?messages=1000");
        JsonNode busyOnB = get(baseB + "/api/v1/threads/" + busy + "?messages=1000");
        assertEquals(busyOnA.path("messages"), busyOnB.path("messages"), "both see the same thread");
        assertEquals(4 * perInstance, busyOnA.path("messages").size(), busyOnA.toString());
        Set<String> userTexts = new HashSet<>();
        long seq = 0;
        for (JsonNode m : busyOnA.path("messages")) {
            assertEquals(++seq, m.path("seq").asLong(), "sequence numbers without gaps");
            if ("ROLE_USER".equals(m.path("message").path("role").asText())) {
                userTexts.add(m.path("message").path("parts").get(0).path("text").asText());
            }
        }
        assertEquals(texts, userTexts, "no message lost");

        // A cancel sent to B reaches the task running on A, and A does not write over it.
        JsonNode long1 = task(send(baseA, message("delay:60000", "slow", context), true));
        String longId = long1.path("id").asText();
        awaitState(baseA, longId, "TASK_STATE_WORKING");
        JsonNode canceled = rpc(baseB, "CancelTask", Map.of("id", longId)).path("result");
        assertEquals("TASK_STATE_CANCELED", state(canceled), canceled.toString());
        Thread.sleep(1500); // A's stream from the agent goes on for a moment; nothing it does may undo the cancel
        assertEquals("TASK_STATE_CANCELED", state(rpc(baseA, "GetTask", Map.of("id", longId)).path("result")));

        // An agent registered on A is known to B.
        HttpResponse<String> registered = http.send(HttpRequest.newBuilder(URI.create(baseA + "/api/v1/agents"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"echo-shared\",\"url\":\"" + baseA + "/demo/echo\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, registered.statusCode(), registered.body());
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && (status = statusOf(baseB + "/api/v1/agents/echo-shared")) != 200) {
            Thread.sleep(200);
        }
        assertEquals(200, status, "B reads the agents A registered");
        assertEquals("echo: via b", artifactText(task(send(baseB, message("via b", "echo-shared", "reg-" + UUID.randomUUID()), false))));

        // A dies while it runs two tasks: B, still alive, takes them over once A's lease has run out, and follows
        // each agent's task again. One was at A's own demo agent, which died with A: it fails, saying why. The other
        // is at B's demo agent, which lives on: it goes on and completes. B's own tasks go on.
        HttpResponse<String> far = http.send(HttpRequest.newBuilder(URI.create(baseA + "/api/v1/agents"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"slow-on-b\",\"url\":\"" + baseB + "/demo/slow\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, far.statusCode(), far.body());
        JsonNode orphan = task(send(baseA, message("delay:60000", "slow", "orphan-" + UUID.randomUUID()), true));
        JsonNode adopted = task(send(baseA, message("delay:12000", "slow-on-b", "adopted-" + UUID.randomUUID()), true));
        awaitState(baseA, orphan.path("id").asText(), "TASK_STATE_WORKING");
        awaitState(baseA, adopted.path("id").asText(), "TASK_STATE_WORKING");
        processA.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        JsonNode failed = awaitState(baseB, orphan.path("id").asText(), "TASK_STATE_FAILED");
        assertTrue(failed.path("status").path("message").toString().contains("no longer knows its task"), failed.toString());
        JsonNode completed = awaitState(baseB, adopted.path("id").asText(), "TASK_STATE_COMPLETED");
        assertEquals("chunk 1 of 5\nchunk 2 of 5\nchunk 3 of 5\nchunk 4 of 5\nchunk 5 of 5\n", artifactText(completed),
                "the whole artifact, each chunk once: " + completed);
        assertEquals("echo: after", artifactText(task(send(baseB, message("after", null, busy), false))),
                "B keeps the conversation, still with its active agent");
        assertTrue(processB.isAlive());

        // Production logs are JSON, one object a line, the correlation fields in "mdc".
        List<String> lines = Files.readAllLines(dir.resolve("a.log"), StandardCharsets.UTF_8);
        JsonNode accepted = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (i == lines.size() - 1 && !line.endsWith("}")) {
                continue; // A was killed: its last line may be cut short
            }
            JsonNode entry = JSON.readTree(line);
            for (String field : List.of("timestamp", "level", "loggerName", "message", "mdc")) {
                assertTrue(entry.has(field), field + " in " + line);
            }
            if ("handoff.accepted".equals(entry.path("mdc").path("event").asText()) && accepted == null) {
                accepted = entry;
            }
        }
        assertNotNull(accepted, "A logged the handoff it accepted: " + lines);
        for (String field : List.of("tenant", "task_id", "handoff_id", "trace_id", "agent")) {
            assertFalse(accepted.path("mdc").path(field).asText().isEmpty(), field + " in " + accepted);
        }
    }

    private JsonNode awaitState(String base, String taskId, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode task;
        do {
            task = rpc(base, "GetTask", Map.of("id", taskId)).path("result");
            if (expected.equals(state(task))) {
                return task;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("task " + taskId + " did not reach " + expected + ": " + task);
    }

    /** SubscribeToTask, read to the end of the stream (bounded). */
    private List<JsonNode> subscribe(String base, String taskId) throws Exception {
        String body = JSON.writeValueAsString(Map.of("jsonrpc", "2.0", "id", 1, "method", "SubscribeToTask",
                "params", Map.of("id", taskId)));
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(base + "/a2a"))
                .header("Content-Type", "application/json").header("A2A-Version", "1.0")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        CompletableFuture<List<JsonNode>> read = CompletableFuture.supplyAsync(() -> {
            List<JsonNode> events = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        JsonNode event = JSON.readTree(line.substring(5).trim());
                        assertFalse(event.has("error"), event.toString());
                        events.add(event);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return events;
        }, clients);
        return read.get(30, TimeUnit.SECONDS);
    }

}
