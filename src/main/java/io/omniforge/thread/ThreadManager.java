package io.omniforge.thread;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.omniforge.a2a.Message;
import io.omniforge.store.Db;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Threads (conversations) and their messages. Every method returns a Uni; the JDBC runs on the store's
 * threads. Changes of a thread's state are read-modify-write inside one write operation with a version check,
 * so concurrent updates never lose one another, also between processes that share a PostgreSQL store: there the
 * UPDATE of a row another transaction changed waits for it, then finds the version moved on and reads again
 * (READ COMMITTED gives each statement a fresh snapshot). Creating a thread tolerates a concurrent creation, and a
 * message takes its sequence number under the thread row's lock.
 */
@ApplicationScoped
public class ThreadManager {

    private static final String COLUMNS = "tenant, id, active_agent, state_metadata, version, created_at, updated_at";

    private final Db db;
    private final ObjectMapper mapper;

    public ThreadManager(Db db, ObjectMapper mapper) {
        this.db = db;
        this.mapper = mapper;
    }

    /** The thread, created empty if it does not exist yet. */
    public Uni<ConversationThread> getOrCreate(String tenant, String id) {
        return db.write(c -> getOrCreate(c, tenant, id));
    }

    public Uni<Optional<ConversationThread>> get(String tenant, String id) {
        return db.read(c -> find(c, tenant, id));
    }

    /** Threads of a tenant, most recently updated first. */
    public Uni<Page<ConversationThread>> list(String tenant, int pageSize, String pageToken) {
        Cursor after = pageToken == null || pageToken.isEmpty() ? null : Cursor.decode(pageToken, "pageToken");
        return db.read(c -> {
            String sql = "SELECT " + COLUMNS + " FROM threads WHERE tenant = ?"
                    + (after == null ? "" : " AND (updated_at < ? OR (updated_at = ? AND id < ?))")
                    + " ORDER BY updated_at DESC, id DESC LIMIT ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, tenant);
                if (after != null) {
                    ps.setLong(i++, after.updatedAt());
                    ps.setLong(i++, after.updatedAt());
                    ps.setString(i++, after.id());
                }
                ps.setInt(i, pageSize + 1);
                List<ConversationThread> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs));
                    }
                }
                String next = null;
                if (rows.size() > pageSize) {
                    rows = rows.subList(0, pageSize);
                    ConversationThread last = rows.get(pageSize - 1);
                    next = new Cursor(last.updatedAt().toEpochMilli(), last.id()).encode();
                }
                return new Page<>(rows, next);
            }
        });
    }

    /** Appends a message to a thread (creating the thread if needed) and returns its sequence number. */
    public Uni<Long> appendMessage(String tenant, String threadId, Message message, String taskId, String agent) {
        return db.write(c -> appendMessage(c, tenant, threadId, message, taskId, agent));
    }

    /** Messages of a thread in order; at most {@code limit} of the latest ones. */
    public Uni<List<ThreadMessage>> messages(String tenant, String threadId, int limit) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT seq, task_id, agent, body, created_at FROM messages"
                    + " WHERE tenant = ? AND thread_id = ? ORDER BY seq DESC LIMIT ?")) {
                ps.setString(1, tenant);
                ps.setString(2, threadId);
                ps.setInt(3, limit);
                List<ThreadMessage> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new ThreadMessage(rs.getLong(1), rs.getString(2), rs.getString(3),
                                readJson(rs.getString(4), Message.class), Instant.ofEpochMilli(rs.getLong(5))));
                    }
                }
                java.util.Collections.reverse(out);
                return out;
            }
        });
    }

    /** The agents that took part in a thread, in the order they first spoke. */
    public static List<String> participants(List<ThreadMessage> messages) {
        LinkedHashSet<String> agents = new LinkedHashSet<>();
        messages.stream().map(ThreadMessage::agent).filter(a -> a != null).forEach(agents::add);
        return List.copyOf(agents);
    }

    public Uni<ConversationThread> setActiveAgent(String tenant, String id, String agent) {
        return db.write(c -> {
            setActiveAgent(c, tenant, id, agent);
            return find(c, tenant, id).orElseThrow();
        });
    }

    /**
     * Within a write operation: the thread (created if missing) now belongs to {@code agent}. One statement: an upsert
     * that changes the row (its version, its time) only if the agent is another.
     */
    public void setActiveAgent(Connection c, String tenant, String id, String agent) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO threads (" + COLUMNS + ") VALUES (?, ?, ?, '{}', 1, ?, ?)"
                + " ON CONFLICT (tenant, id) DO UPDATE SET active_agent = excluded.active_agent,"
                + " version = threads.version + 1, updated_at = excluded.updated_at"
                + " WHERE threads.active_agent IS NULL OR threads.active_agent <> excluded.active_agent")) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            ps.setString(3, agent);
            ps.setLong(4, now);
            ps.setLong(5, now);
            ps.executeUpdate();
        }
    }

    /**
     * Applies {@code change} to the thread's {@code state_metadata} atomically: read, change and write happen in
     * one transaction, guarded by the version column, so no concurrent update is ever lost.
     */
    public Uni<ConversationThread> updateState(String tenant, String id, UnaryOperator<ObjectNode> change) {
        return db.write(c -> updateState(c, tenant, id, change));
    }

    /** The same as {@link #updateState} for callers already inside a write operation. */
    public ConversationThread updateState(Connection c, String tenant, String id, UnaryOperator<ObjectNode> change)
            throws SQLException {
        while (true) {
            ConversationThread current = getOrCreate(c, tenant, id);
            ObjectNode next = change.apply(current.stateMetadata().deepCopy());
            long now = System.currentTimeMillis();
            try (PreparedStatement ps = c.prepareStatement("UPDATE threads SET state_metadata = ?, version = version + 1,"
                    + " updated_at = ? WHERE tenant = ? AND id = ? AND version = ?")) {
                ps.setString(1, writeJson(next));
                ps.setLong(2, now);
                ps.setString(3, tenant);
                ps.setString(4, id);
                ps.setLong(5, current.version());
                if (ps.executeUpdate() == 1) {
                    // What the row now holds: the version check says nothing else changed it in between.
                    return new ConversationThread(current.tenant(), current.id(), current.activeAgent(), next,
                            current.version() + 1, current.createdAt(), Instant.ofEpochMilli(now));
                }
            }
        }
    }

    /** Within a write operation: the thread, inserted if missing (or found, if another process inserted it). */
    public ConversationThread getOrCreate(Connection c, String tenant, String id) throws SQLException {
        Optional<ConversationThread> existing = find(c, tenant, id);
        if (existing.isPresent()) {
            return existing.get();
        }
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO threads (" + COLUMNS + ") VALUES (?, ?, NULL, '{}', 0, ?, ?)"
                + " ON CONFLICT DO NOTHING")) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            ps.setLong(3, now);
            ps.setLong(4, now);
            ps.executeUpdate();
        }
        return find(c, tenant, id).orElseThrow();
    }

    /**
     * Within a write operation: touches the thread (creating it if missing), then appends a message, numbered one
     * after the thread's last. Two statements. Touching first locks the thread's row until the commit, so two
     * processes appending to one thread take turns, and the second one's {@code MAX(seq)} sees the first one's
     * message (READ COMMITTED gives each statement a fresh snapshot).
     */
    public long appendMessage(Connection c, String tenant, String threadId, Message message, String taskId, String agent)
            throws SQLException {
        return appendMessage(c, tenant, threadId, message, json(message), taskId, agent);
    }

    /**
     * {@link #appendMessage(Connection, String, String, Message, String, String)} with the message's JSON made
     * beforehand ({@link #json(Message)}), on the caller's thread rather than on the store's one writer.
     */
    public long appendMessage(Connection c, String tenant, String threadId, Message message, String messageJson,
            String taskId, String agent) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO threads (" + COLUMNS + ") VALUES (?, ?, NULL, '{}', 0, ?, ?)"
                + " ON CONFLICT (tenant, id) DO UPDATE SET updated_at = excluded.updated_at")) {
            ps.setString(1, tenant);
            ps.setString(2, threadId);
            ps.setLong(3, now);
            ps.setLong(4, now);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (tenant, thread_id, seq, message_id, task_id,"
                + " role, agent, body, created_at) SELECT ?, ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ?, ?, ?, ? FROM messages"
                + " WHERE tenant = ? AND thread_id = ? RETURNING seq")) {
            ps.setString(1, tenant);
            ps.setString(2, threadId);
            ps.setString(3, message.messageId());
            ps.setString(4, taskId);
            ps.setString(5, message.role().name());
            ps.setString(6, agent);
            ps.setString(7, messageJson);
            ps.setLong(8, now);
            ps.setString(9, tenant);
            ps.setString(10, threadId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("the message of thread " + threadId + " was not inserted");
                }
                return rs.getLong(1);
            }
        }
    }

    public Optional<ConversationThread> find(Connection c, String tenant, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM threads WHERE tenant = ? AND id = ?")) {
            ps.setString(1, tenant);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private ConversationThread map(ResultSet rs) throws SQLException {
        return new ConversationThread(rs.getString(1), rs.getString(2), rs.getString(3),
                readJson(rs.getString(4), ObjectNode.class), rs.getLong(5),
                Instant.ofEpochMilli(rs.getLong(6)), Instant.ofEpochMilli(rs.getLong(7)));
    }

    /** A message as the thread stores it. */
    public String json(Message message) {
        return writeJson(message);
    }

    private String writeJson(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }

    private <T> T readJson(String json, Class<T> type) {
        try {
            return mapper.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " is not valid JSON", e);
        }
    }
}
