package io.omniforge.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.StreamEvent;
import io.omniforge.a2a.TaskState;
import io.omniforge.security.LimitsConfig;
import io.omniforge.store.Db;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-task event logs: every event of an upstream task is appended to its log with the next sequence number,
 * committed, and only then offered to subscribers. Live subscribers and replays read the same log (the recent
 * window in memory, the rest from the store), one batch per request of the subscriber, so a slow client holds
 * nothing in memory and misses nothing, and every subscriber of a task sees the same events in the same order.
 */
@ApplicationScoped
public class StreamRouter {

    private final Db db;
    private final ObjectMapper mapper;
    private final StreamConfig config;
    private final RemoteTails remote;
    private final Map<String, TaskChannel> channels = new ConcurrentHashMap<>();
    private final Subscribers subscribers;

    public StreamRouter(Db db, ObjectMapper mapper, StreamConfig config, RemoteTails remote, LimitsConfig limits) {
        this.subscribers = new Subscribers(limits.maxSubscribersPerTask());
        this.db = db;
        this.mapper = mapper;
        this.config = config;
        this.remote = remote;
    }

    /** A task starts (or resumes) running in this process; {@code lastSeq} is its log's last committed number. */
    public void open(String taskId, long lastSeq) {
        channels.computeIfAbsent(taskId, id -> new TaskChannel(lastSeq, config.recentEvents()));
    }

    /** The task stopped running here: subscribers finish what is committed, then complete. */
    public void close(String taskId) {
        TaskChannel channel = channels.remove(taskId);
        if (channel != null) {
            channel.close();
        }
    }

    /** Inside a write operation: appends events to a task's log (each serialized once, see StreamEvent#json). */
    public void append(Connection c, String taskId, List<StreamEvent> events) throws SQLException {
        if (events.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO task_events (task_id, seq, body, created_at) VALUES (?, ?, ?, ?)")) {
            for (StreamEvent event : events) {
                ps.setString(1, taskId);
                ps.setLong(2, event.seq());
                ps.setString(3, event.json(mapper));
                ps.setLong(4, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * The task waits for its client (input or authorization required): a channel with subscribers stays, so they
     * keep waiting for the reply, without its window of recent events (they are in the store); one without
     * subscribers goes (a later subscriber opens it again).
     */
    public void idle(String taskId) {
        TaskChannel channel = channels.get(taskId);
        if (channel != null && channel.dropWindowOrClose()) {
            channels.remove(taskId, channel);
        }
    }

    /** After the write that appended them committed: hands the events to subscribers. */
    public void committed(String taskId, List<StreamEvent> events) {
        TaskChannel channel = channels.get(taskId);
        if (channel != null) {
            events.forEach(channel::committed);
        }
    }

    /**
     * The events of a task after {@code afterSeq}, live until the task reaches a terminal or interrupted state
     * (or stops running in this process; on a shared store, until it ends wherever it runs). Backpressure is the
     * subscriber's demand: nothing is read ahead of it.
     */
    public Multi<StreamEvent> tail(String taskId, long afterSeq) {
        return Multi.createBy().repeating()
                .uni(() -> new long[] {afterSeq, 0}, state -> nextBatch(taskId, state))
                .whilst(batch -> !batch.last())
                .onItem().transformToIterable(Batch::events);
    }

    /**
     * A client's subscription to a task (SubscribeToTask): at most {@code omniforge.limits.max-subscribers-per-task} at
     * once per task in this process; one more fails with -32004.
     */
    public <T> Multi<T> subscriber(String taskId, Multi<T> stream) {
        return subscribers.admit(taskId, stream);
    }

    /** The subscriptions following a task in this process now. */
    public int subscribers(String taskId) {
        return subscribers.count(taskId);
    }

    /** The state of a tail: the cursor, and 1 when another process committed after it (read the store next). */
    private Uni<Batch> nextBatch(String taskId, long[] state) {
        long cursor = state[0];
        TaskChannel channel = channels.get(taskId);
        boolean elsewhere = state[1] != 0;
        state[1] = 0;
        if (channel == null || elsewhere) {
            return read(taskId, cursor).onItem().transformToUni(page -> page.events().isEmpty() && remote.enabled()
                    ? awaitNext(taskId, state, channel)
                    : Uni.createFrom().item(fromStore(taskId, state, page, channel)));
        }
        List<StreamEvent> fromMemory = channel.after(cursor, config.batchSize());
        if (fromMemory != null && !fromMemory.isEmpty()) {
            return Uni.createFrom().item(advance(state, new Page(fromMemory, false), channel));
        }
        if (fromMemory == null) {
            return read(taskId, cursor).map(page -> advance(state, page, channel));
        }
        return awaitNext(taskId, state, channel);
    }

    /**
     * Waits for the next event: a commit in this process, or, on a shared store, one in another process (then the
     * next batch comes from the store). A tail with no channel here ends when the task is gone or ended elsewhere.
     */
    private Uni<Batch> awaitNext(String taskId, long[] state, TaskChannel channel) {
        long cursor = state[0];
        if (!remote.enabled()) {
            return channel.awaitAfter(cursor).replaceWith(() -> new Batch(List.of(), false));
        }
        Uni<Batch> elsewhere = remote.awaitAfter(taskId, cursor).map(more -> {
            state[1] = 1;
            return new Batch(List.of(), !more);
        });
        if (channel == null) {
            return elsewhere;
        }
        return Uni.combine().any().of(channel.awaitAfter(cursor).replaceWith(() -> new Batch(List.of(), false)), elsewhere);
    }

    /**
     * A batch read from the store. On a shared store, a channel here that lags behind the store only relays another
     * process's events: once a tail ends on it, it closes unless other tails still wait on it.
     */
    private Batch fromStore(String taskId, long[] state, Page page, TaskChannel channel) {
        Batch batch = advance(state, page, channel);
        if (channel != null && batch.last() && remote.enabled() && state[0] > channel.durableSeq()) {
            idle(taskId);
        }
        return batch;
    }

    private static Batch advance(long[] state, Page page, TaskChannel channel) {
        List<StreamEvent> events = page.events();
        if (events.isEmpty()) {
            // Nothing more in the store and nothing running here: the log is complete.
            return new Batch(List.of(), channel == null || channel.isClosed());
        }
        StreamEvent lastEvent = events.get(events.size() - 1);
        state[0] = lastEvent.seq();
        TaskState s = lastEvent.response().state();
        // An interrupted state ends the stream only when nothing follows it (a later reply resumed the task).
        boolean latest = !page.more() && (channel == null || lastEvent.seq() >= channel.durableSeq());
        boolean ends = s != null && (s.isTerminal() || (s.isInterrupted() && latest));
        return new Batch(events, ends);
    }

    /** Events read from the store, and whether more follow them. */
    record Page(List<StreamEvent> events, boolean more) {
    }

    private Uni<Page> read(String taskId, long afterSeq) {
        int limit = config.batchSize();
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT seq, body FROM task_events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?")) {
                ps.setString(1, taskId);
                ps.setLong(2, afterSeq);
                ps.setInt(3, limit + 1);
                List<StreamEvent> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new StreamEvent(rs.getLong(1), rs.getString(2), mapper));
                    }
                }
                boolean more = out.size() > limit;
                return new Page(more ? out.subList(0, limit) : out, more);
            }
        });
    }

    /** One read of a tail: the events, and whether the stream ends after them. */
    record Batch(List<StreamEvent> events, boolean last) {
    }
}
