package io.omniforge.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.orchestration.OrchestrationState;
import io.omniforge.store.Db;
import io.omniforge.thread.Cursor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The tasks table: upstream tasks with their downstream mapping. */
@ApplicationScoped
public class TaskStore {

    private static final String COLUMNS = "tenant, id, context_id, state, agent, remote_task_id, remote_context_id,"
            + " last_seq, body, created_at, updated_at, orchestration";

    private final Db db;
    private final ObjectMapper mapper;

    public TaskStore(Db db, ObjectMapper mapper) {
        this.db = db;
        this.mapper = mapper;
    }

    public void insert(Connection c, TaskRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO tasks (" + COLUMNS + ")"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long now = updatedAt(r.task());
            ps.setString(1, r.tenant());
            ps.setString(2, r.id());
            ps.setString(3, r.task().contextId());
            ps.setString(4, r.task().status().state().name());
            ps.setString(5, r.agent());
            ps.setString(6, r.remoteTaskId());
            ps.setString(7, r.remoteContextId());
            ps.setLong(8, r.lastSeq());
            ps.setString(9, json(r.task()));
            ps.setLong(10, now);
            ps.setLong(11, now);
            ps.setString(12, r.orchestration() == null ? null : json(r.orchestration()));
            ps.executeUpdate();
        }
    }

    public void update(Connection c, TaskRecord r) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE tasks SET state = ?, remote_task_id = ?,"
                + " remote_context_id = ?, last_seq = ?, body = ?, updated_at = ?, orchestration = ? WHERE id = ? AND tenant = ?")) {
            ps.setString(1, r.task().status().state().name());
            ps.setString(2, r.remoteTaskId());
            ps.setString(3, r.remoteContextId());
            ps.setLong(4, r.lastSeq());
            ps.setString(5, json(r.task()));
            ps.setLong(6, updatedAt(r.task()));
            ps.setString(7, r.orchestration() == null ? null : json(r.orchestration()));
            ps.setString(8, r.id());
            ps.setString(9, r.tenant());
            ps.executeUpdate();
        }
    }

    public Uni<Optional<TaskRecord>> find(String tenant, String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ? AND tenant = ?")) {
                ps.setString(1, id);
                ps.setString(2, tenant);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Tasks that were running when the process stopped (they have no live downstream connection now). */
    public Uni<List<TaskRecord>> running() {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE state IN (?, ?)")) {
                ps.setString(1, TaskState.TASK_STATE_SUBMITTED.name());
                ps.setString(2, TaskState.TASK_STATE_WORKING.name());
                List<TaskRecord> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    /** ListTasks: filters, newest status first, keyset cursor, and the total count of matching tasks. */
    public Uni<ListTasksResponse> list(String tenant, ListTasksRequest q) {
        Cursor after = q.pageToken() == null || q.pageToken().isEmpty() ? null : Cursor.decode(q.pageToken(), "params.pageToken");
        int pageSize = q.effectivePageSize();
        return db.read(c -> {
            StringBuilder where = new StringBuilder(" WHERE tenant = ?");
            List<Object> args = new ArrayList<>(List.of(tenant));
            if (q.contextId() != null && !q.contextId().isEmpty()) {
                where.append(" AND context_id = ?");
                args.add(q.contextId());
            }
            if (q.status() != null) {
                where.append(" AND state = ?");
                args.add(q.status().name());
            }
            if (q.statusTimestampAfter() != null) {
                where.append(" AND updated_at > ?");
                args.add(q.statusTimestampAfter().toEpochMilli());
            }
            int total;
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM tasks" + where)) {
                bind(ps, args);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    total = rs.getInt(1);
                }
            }
            StringBuilder page = new StringBuilder(where);
            List<Object> pageArgs = new ArrayList<>(args);
            if (after != null) {
                page.append(" AND (updated_at < ? OR (updated_at = ? AND id < ?))");
                pageArgs.add(after.updatedAt());
                pageArgs.add(after.updatedAt());
                pageArgs.add(after.id());
            }
            List<TaskRecord> rows = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks" + page
                    + " ORDER BY updated_at DESC, id DESC LIMIT ?")) {
                pageArgs.add(pageSize + 1);
                bind(ps, pageArgs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(map(rs));
                    }
                }
            }
            String next = "";
            if (rows.size() > pageSize) {
                rows = rows.subList(0, pageSize);
                Task last = rows.get(pageSize - 1).task();
                next = new Cursor(updatedAt(last), last.id()).encode();
            }
            boolean artifacts = Boolean.TRUE.equals(q.includeArtifacts());
            List<Task> tasks = rows.stream().map(r -> r.task().view(q.historyLength(), artifacts)).toList();
            return new ListTasksResponse(tasks, next, pageSize, total);
        });
    }

    private static void bind(PreparedStatement ps, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a instanceof Long l) {
                ps.setLong(i + 1, l);
            } else if (a instanceof Integer n) {
                ps.setInt(i + 1, n);
            } else {
                ps.setString(i + 1, (String) a);
            }
        }
    }

    private static long updatedAt(Task task) {
        return task.status().timestamp() != null ? task.status().timestamp().toEpochMilli() : System.currentTimeMillis();
    }

    private TaskRecord map(ResultSet rs) throws SQLException {
        try {
            Task task = mapper.readValue(rs.getString(9), Task.class);
            String orchestration = rs.getString(12);
            return new TaskRecord(rs.getString(1), task, rs.getString(5), rs.getString(6), rs.getString(7), rs.getLong(8),
                    orchestration == null ? null : mapper.readValue(orchestration, OrchestrationState.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored task " + rs.getString(2) + " is not valid JSON", e);
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
