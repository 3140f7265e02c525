package io.omniforge.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.Artifact;
import io.omniforge.a2a.Part;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskArtifactUpdateEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.a2a.TaskStatus;
import io.omniforge.a2a.TaskStatusUpdateEvent;
import io.omniforge.store.Db;
import io.omniforge.store.StoreKind;
import io.omniforge.support.TestPostgres;
import io.omniforge.task.TaskRecord;
import io.omniforge.task.TaskStore;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.helpers.test.AssertSubscriber;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A tail of a task that another process runs (here: plain JDBC on a connection of its own, as another replica
 * writes): it follows the task's log until the task ends, and a subscriber that leaves leaves no wait behind.
 */
@QuarkusTest
class RemoteTailsTest {

    @Inject
    Db db;

    @Inject
    StreamRouter router;

    @Inject
    RemoteTails remote;

    @Inject
    TaskStore tasks;

    @Inject
    ObjectMapper mapper;

    private String schema;

    @BeforeEach
    void sharedStoreOnly() {
        assumeTrue(db.kind() == StoreKind.POSTGRESQL, db.kind() == StoreKind.SQLITE && TestPostgres.url().isEmpty()
                ? TestPostgres.SKIPPED : "runs in the build's PostgreSQL pass; this run's store is " + db.kind());
        schema = db.read(Connection::getSchema).await().atMost(Duration.ofSeconds(10));
    }

    private Task created(String id) {
        Task task = new Task(id, "ctx-" + id, TaskStatus.of(TaskState.TASK_STATE_WORKING), null, List.of(), null);
        db.write(c -> {
            tasks.insert(c, new TaskRecord("default", task, "slow", null, null, 1, null));
            router.append(c, id, List.of(new StreamEvent(1, StreamResponse.of(task))));
            return null;
        }).await().atMost(Duration.ofSeconds(10));
        return task;
    }

    /** What another replica commits: events after {@code lastSeq}, and the task row moved to the new end. */
    private void elsewhere(Task task, long lastSeq, List<StreamResponse> events, TaskState state) throws Exception {
        try (Connection c = TestPostgres.connect(schema)) {
            c.setAutoCommit(false);
            long seq = lastSeq;
            for (StreamResponse e : events) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO task_events (task_id, seq, body, created_at) VALUES (?, ?, ?, 0)")) {
                    ps.setString(1, task.id());
                    ps.setLong(2, ++seq);
                    ps.setString(3, mapper.writeValueAsString(e));
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE tasks SET last_seq = ?, state = ? WHERE id = ?")) {
                ps.setLong(1, seq);
                ps.setString(2, state.name());
                ps.setString(3, task.id());
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    private static StreamResponse chunk(Task task, String text) {
        return StreamResponse.of(new TaskArtifactUpdateEvent(task.id(), task.contextId(),
                Artifact.of("a1", "answer", List.of(Part.text(text))), true, false, null));
    }

    private void awaitWaiting(int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (remote.waiting() != n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertEquals(n, remote.waiting());
    }

    @Test
    void aTailFollowsATaskRunningInAnotherProcessToItsEnd() throws Exception {
        Task task = created("remote-" + UUID.randomUUID());
        AssertSubscriber<StreamEvent> tail = router.tail(task.id(), 1).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        awaitWaiting(1); // it read the rest of the log (nothing) and waits for the poller
        assertEquals(0, tail.getItems().size());
        elsewhere(task, 1, List.of(chunk(task, "one"), chunk(task, "two")), TaskState.TASK_STATE_WORKING);
        tail.awaitItems(2, Duration.ofSeconds(10));
        elsewhere(task, 3, List.of(StreamResponse.of(new TaskStatusUpdateEvent(task.id(), task.contextId(),
                TaskStatus.of(TaskState.TASK_STATE_COMPLETED), null))), TaskState.TASK_STATE_COMPLETED);
        tail.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(List.of(2L, 3L, 4L), tail.getItems().stream().map(StreamEvent::seq).toList());
        assertEquals(0, remote.waiting());
    }

    @Test
    void aSubscriberThatLeavesLeavesNoWaitBehind() {
        Task task = created("left-" + UUID.randomUUID());
        AssertSubscriber<StreamEvent> tail = router.tail(task.id(), 1).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        awaitWaiting(1);
        tail.cancel();
        awaitWaiting(0); // cancelling the tail removes its wait
    }

    @Test
    void aTailOfATaskThatIsGoneEnds() {
        AssertSubscriber<StreamEvent> tail = router.tail("no-such-task-" + UUID.randomUUID(), 0).subscribe()
                .withSubscriber(AssertSubscriber.create(Long.MAX_VALUE));
        tail.awaitCompletion(Duration.ofSeconds(10));
        assertEquals(0, tail.getItems().size());
    }
}
