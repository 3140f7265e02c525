package io.omniforge.stream;

import io.omniforge.a2a.TaskState;
import io.omniforge.store.Db;
import io.omniforge.store.StoreException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Tails that wait for events another process commits. With a shared store (PostgreSQL) a task may run in another
 * replica, so no channel here hears of its events. Such tails register here, and one poller serves all of them:
 * every {@code omniforge.stream.remote-poll-interval} while any tail waits, one query reads the {@code last_seq} and
 * state of every task waited on, and wakes the tails whose task moved past their cursor, or ended, or is gone. The
 * poller stops when nobody waits; a tail whose subscriber goes away leaves at once. Polling (not LISTEN/NOTIFY):
 * see docs/ARCHITECTURE.md, "Streams across replicas".
 */
@ApplicationScoped
class RemoteTails {

    private static final Logger LOG = Logger.getLogger(RemoteTails.class);
    /** Task ids per query. */
    private static final int CHUNK = 500;

    private final Db db;
    private final StreamConfig config;
    private final Vertx vertx;
    private final Map<String, List<Waiter>> waiting = new HashMap<>();
    private int count;
    private long timer = -1;
    private boolean polling;

    RemoteTails(Db db, StreamConfig config, Vertx vertx) {
        this.db = db;
        this.config = config;
        this.vertx = vertx;
    }

    /** Whether other processes may write the tasks this one follows. */
    boolean enabled() {
        return db.kind().shared();
    }

    /** A tail waiting for a task's log to pass its cursor. */
    private record Waiter(long cursor, UniEmitter<? super Boolean> emitter, Context context) {
        void complete(boolean more) {
            if (context != null) {
                context.runOnContext(v -> emitter.complete(more));
            } else {
                emitter.complete(more);
            }
        }
    }

    /**
     * Completes with true once the task's log has an event after {@code cursor}, or with false once none will ever
     * come (the task is gone, or finished at or before the cursor). Cancelling it removes the wait.
     */
    Uni<Boolean> awaitAfter(String taskId, long cursor) {
        return Uni.createFrom().emitter(emitter -> {
            Waiter waiter = new Waiter(cursor, emitter, Vertx.currentContext());
            synchronized (this) {
                if (count >= config.maxRemoteTails()) {
                    emitter.fail(new StoreException("too many remote tails: " + count + " streams already follow tasks"
                            + " of other processes (omniforge.stream.max-remote-tails)", null));
                    return;
                }
                waiting.computeIfAbsent(taskId, id -> new ArrayList<>(1)).add(waiter);
                count++;
                if (timer < 0) {
                    long every = Math.max(10, config.remotePollInterval().toMillis());
                    timer = vertx.setPeriodic(every, every, id -> poll());
                }
            }
            emitter.onTermination(() -> remove(taskId, waiter));
        });
    }

    private synchronized void remove(String taskId, Waiter waiter) {
        List<Waiter> list = waiting.get(taskId);
        if (list != null && list.remove(waiter)) {
            count--;
            if (list.isEmpty()) {
                waiting.remove(taskId);
            }
        }
    }

    /** Number of tails waiting (for tests and metrics). */
    synchronized int waiting() {
        return count;
    }

    private void poll() {
        List<String> ids;
        synchronized (this) {
            if (waiting.isEmpty()) {
                vertx.cancelTimer(timer);
                timer = -1;
                return;
            }
            if (polling) {
                return; // the last query has not answered yet: skip this tick, never pile up
            }
            polling = true;
            ids = new ArrayList<>(waiting.keySet());
        }
        db.read(c -> {
            Map<String, long[]> states = new HashMap<>();
            for (int from = 0; from < ids.size(); from += CHUNK) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
                String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT id, last_seq, state FROM tasks WHERE id IN (" + marks + ")")) {
                    for (int i = 0; i < chunk.size(); i++) {
                        ps.setString(i + 1, chunk.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            boolean terminal = TaskState.valueOf(rs.getString(3)).isTerminal();
                            states.put(rs.getString(1), new long[] {rs.getLong(2), terminal ? 1 : 0});
                        }
                    }
                }
            }
            return states;
        }).subscribe().with(states -> {
            wake(ids, states);
        }, failure -> {
            synchronized (this) {
                polling = false;
            }
            LOG.warnf("following tasks of other processes: reading their state failed (%s); trying again",
                    failure.getMessage());
        });
    }

    private void wake(List<String> ids, Map<String, long[]> states) {
        List<Runnable> wake = new ArrayList<>();
        synchronized (this) {
            polling = false;
            for (String id : ids) {
                List<Waiter> list = waiting.get(id);
                if (list == null) {
                    continue;
                }
                long[] state = states.get(id);
                for (Waiter w : List.copyOf(list)) {
                    if (state == null || state[0] > w.cursor() || state[1] == 1) {
                        boolean more = state != null && state[0] > w.cursor();
                        list.remove(w);
                        count--;
                        wake.add(() -> w.complete(more));
                    }
                }
                if (list.isEmpty()) {
                    waiting.remove(id);
                }
            }
        }
        wake.forEach(Runnable::run);
    }

    @PreDestroy
    synchronized void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }
}
