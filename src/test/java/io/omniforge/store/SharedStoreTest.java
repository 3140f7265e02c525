package io.omniforge.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.omniforge.a2a.Message;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.support.TestPostgres;
import io.omniforge.task.TaskRecord;
import io.omniforge.task.TaskStore;
import io.omniforge.thread.ConversationThread;
import io.omniforge.thread.ThreadManager;
import io.omniforge.thread.ThreadMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store shared by several processes (PostgreSQL): besides this application's own writer, plain JDBC connections
 * of their own write the same rows at the same time, as other replicas would. Nothing may be lost or overwritten.
 * Runs in the build's PostgreSQL pass; skipped on SQLite, whose file has one process by design.
 */
@QuarkusTest
class SharedStoreTest {

    private static final int PER_WRITER = 60;

    @Inject
    Db db;

    @Inject
    ThreadManager threads;

    @Inject
    TaskStore tasks;

    private final ExecutorService replicas = Executors.newFixedThreadPool(2);
    private String schema;

    @BeforeEach
    void sharedStoreOnly() {
        assumeTrue(db.kind() == StoreKind.POSTGRESQL, db.kind() == StoreKind.SQLITE && TestPostgres.url().isEmpty()
                ? TestPostgres.SKIPPED : "runs in the build's PostgreSQL pass; this run's store is " + db.kind());
        schema = db.read(Connection::getSchema).await().atMost(Duration.ofSeconds(10));
    }

    @AfterEach
    void stop() {
        replicas.shutdownNow();
    }

    /** Runs {@code work} in a transaction of its own, again when PostgreSQL picks it as a deadlock's victim. */
    private static <T> T inTransaction(Connection c, SqlWork<T> work) throws SQLException {
        for (int attempt = 1;; attempt++) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                if (attempt > 5 || !Db.transientFailure(e)) {
                    throw e;
                }
            }
        }
    }

    @Test
    void threeWritersOnOneThreadLoseNoMessageAndNoStateChange() throws Exception {
        String id = "shared-" + UUID.randomUUID();
        CyclicBarrier start = new CyclicBarrier(3);
        List<Future<?>> others = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
            String writer = "replica" + w;
            others.add(replicas.submit(() -> {
                try (Connection c = TestPostgres.connect(schema)) {
                    start.await(30, TimeUnit.SECONDS);
                    for (int i = 0; i < PER_WRITER; i++) {
                        String mid = writer + "-" + i;
                        inTransaction(c, tx -> {
                            threads.appendMessage(tx, "default", id, Message.user(mid, mid), null, null);
                            return threads.updateState(tx, "default", id, state -> {
                                state.put("counter", state.path("counter").asInt() + 1);
                                state.withArray("seen").add(mid);
                                return state;
                            });
                        });
                    }
                }
                return null;
            }));
        }
        start.await(30, TimeUnit.SECONDS);
        List<Uni<ConversationThread>> own = new ArrayList<>();
        for (int i = 0; i < PER_WRITER; i++) {
            String mid = "app-" + i;
            own.add(threads.appendMessage("default", id, Message.user(mid, mid), null, null)
                    .chain(() -> threads.updateState("default", id, state -> {
                        state.put("counter", state.path("counter").asInt() + 1);
                        state.withArray("seen").add(mid);
                        return state;
                    })));
        }
        Uni.join().all(own).andFailFast().await().atMost(Duration.ofSeconds(120));
        for (Future<?> f : others) {
            f.get(120, TimeUnit.SECONDS);
        }

        int total = 3 * PER_WRITER;
        List<ThreadMessage> messages = threads.messages("default", id, 1000).await().atMost(Duration.ofSeconds(10));
        assertEquals(LongStream.rangeClosed(1, total).boxed().toList(), messages.stream().map(ThreadMessage::seq).toList(),
                "every message has its own sequence number, with no gap");
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.message().messageId()));
        assertEquals(total, ids.size(), "no message is lost");
        ConversationThread t = threads.get("default", id).await().atMost(Duration.ofSeconds(10)).orElseThrow();
        assertEquals(total, t.stateMetadata().path("counter").asInt(), "no state update is lost");
        assertEquals(total, t.stateMetadata().path("seen").size());
        assertEquals(total, t.version());
    }

    @Test
    void twoProcessesCreatingTheSameThreadBothSucceed() throws Exception {
        for (int round = 0; round < 20; round++) {
            String id = "born-twice-" + UUID.randomUUID();
            CyclicBarrier start = new CyclicBarrier(2);
            List<Future<Long>> both = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                String mid = "m" + w;
                both.add(replicas.submit(() -> {
                    try (Connection c = TestPostgres.connect(schema)) {
                        start.await(30, TimeUnit.SECONDS);
                        return inTransaction(c, tx -> threads.appendMessage(tx, "default", id, Message.user(mid, mid),
                                null, null));
                    }
                }));
            }
            Set<Long> seqs = new HashSet<>();
            for (Future<Long> f : both) {
                seqs.add(f.get(60, TimeUnit.SECONDS));
            }
            assertEquals(Set.of(1L, 2L), seqs);
        }
    }

    @Test
    void aTaskWrittenByAnotherProcessIsNotOverwritten() throws Exception {
        String id = "task-" + UUID.randomUUID();
        Task submitted = new Task(id, "ctx-" + id, TaskStatus.of(TaskState.TASK_STATE_SUBMITTED), null, List.of(), null);
        TaskRecord record = new TaskRecord("default", submitted, "echo", null, null, 1, null);
        db.write(c -> {
            tasks.insert(c, record);
            return null;
        }).await().atMost(Duration.ofSeconds(10));

        try (Connection first = TestPostgres.connect(schema)) {
            first.setAutoCommit(false);
            tasks.update(first, record.with(submitted.withStatus(TaskStatus.of(TaskState.TASK_STATE_CANCELED)), 2), 1, true);
            // The second writer saw the same last_seq: it waits for the first one's row lock, then loses.
            CompletableFuture<Throwable> second = CompletableFuture.supplyAsync(() -> {
                try (Connection c = TestPostgres.connect(schema)) {
                    c.setAutoCommit(false);
                    tasks.update(c, record.with(submitted.withStatus(TaskStatus.of(TaskState.TASK_STATE_WORKING)), 2), 1, true);
                    c.commit();
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }, replicas);
            Thread.sleep(200); // let it block on the row (the outcome does not depend on it)
            first.commit();
            assertInstanceOf(StoreConflictException.class, second.get(30, TimeUnit.SECONDS));
        }
        TaskRecord stored = tasks.find("default", id).await().atMost(Duration.ofSeconds(10)).orElseThrow();
        assertEquals(TaskState.TASK_STATE_CANCELED, stored.task().status().state(), "the first write stands");
        assertEquals(2, stored.lastSeq());
        assertTrue(db.kind().shared());
    }
}
