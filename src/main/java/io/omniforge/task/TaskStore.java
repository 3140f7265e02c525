package io.omniforge.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.omniforge.a2a.ListTasksRequest;
import io.omniforge.a2a.ListTasksResponse;
import io.omniforge.a2a.StreamResponse;
import io.omniforge.a2a.Task;
import io.omniforge.a2a.TaskState;
import io.omniforge.orchestration.OrchestrationState;
import io.omniforge.store.Db;
import io.omniforge.store.StoreConflictException;
import io.omniforge.store.StoreInstance;
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

/**
 * The tasks table: upstream tasks with their downstream mapping, and the process that runs each one. A task row is
 * only ever changed by compare-and-set on its {@code last_seq}, so two processes sharing a PostgreSQL store can
 * never overwrite each other's events or state: the later one gets a {@link StoreConflictException}.
 */
@ApplicationScoped
public class TaskStore {

    private static final String COLUMNS = "tenant, id, context_id, state, agent, remote_task_id, remote_context_id,"
            + " last_seq, body, created_at, updated_at, orchestration, body_seq";

    /** Most orphaned tasks taken over in one go; the next check takes the rest. */
    static final int MAX_ORPHANS = 500;

    private final Db db;
    private final ObjectMapper mapper;
    private final StoreInstance instance;

    public TaskStore(Db db, ObjectMapper mapper, StoreInstance instance) {
        this.db = db;
        this.mapper = mapper;
        this.instance = instance;
    }

    public void insert(Connection c, TaskRecord r) throws SQLException {
        insert(c, r, json(r.task()));
    }

    /** {@link #insert(Connection, TaskRecord)} with the task's JSON made beforehand ({@link #json(Object)}). */
    public void insert(Connection c, TaskRecord r, String taskJson) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO tasks (" + COLUMNS + ", runner)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            long now = updatedAt(r.task());
            ps.setString(1, r.tenant());
            ps.setString(2, r.id());
            ps.setString(3, r.task().contextId());
            ps.setString(4, r.task().status().state().name());
            ps.setString(5, r.agent());
            ps.setString(6, r.remoteTaskId());
            ps.setString(7, r.remoteContextId());
            ps.setLong(8, r.lastSeq());
            ps.setString(9, taskJson);
            ps.setLong(10, now);
            ps.setLong(11, now);
            ps.setString(12, r.orchestration() == null ? null : json(r.orchestration()));
            ps.setLong(13, r.lastSeq());
            ps.setString(14, instance.id());
            ps.executeUpdate();
        }
    }

    /**
     * Stores the task as {@code r}, if its log still ends at {@code expectedLastSeq}; this process becomes its
     * runner. Call it before appending the events after {@code expectedLastSeq}: the row lock it takes makes a
     * concurrent writer of the same task wait, and then fail here instead of on the events' key. Without
     * {@code body}, the stored body stays as it was (a reader applies the events after it): only the state, the
     * ids, the orchestration and the log's end change, which keeps a long stream from rewriting an ever larger
     * body at every event. The body must be written when the task changes in a way no event records.
     *
     * @throws StoreConflictException when another process has written the task since (nothing is changed)
     */
    public void update(Connection c, TaskRecord r, long expectedLastSeq, boolean body) throws SQLException {
        update(c, r, expectedLastSeq, body ? json(r.task()) : null, r.orchestration() == null ? null : json(r.orchestration()));
    }

    /** {@link #update(Connection, TaskRecord, long, boolean)} with the body (null: keep it) and orchestration as JSON. */
    public void update(Connection c, TaskRecord r, long expectedLastSeq, String body, String orchestration)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE tasks SET state = ?, remote_task_id = ?,"
                + " remote_context_id = ?, last_seq = ?, updated_at = ?, orchestration = ?, runner = ?"
                + (body != null ? ", body = ?, body_seq = ?" : "")
                + " WHERE id = ? AND tenant = ? AND last_seq = ?")) {
            int i = 1;
            ps.setString(i++, r.task().status().state().name());
            ps.setString(i++, r.remoteTaskId());
            ps.setString(i++, r.remoteContextId());
            ps.setLong(i++, r.lastSeq());
            ps.setLong(i++, updatedAt(r.task()));
            ps.setString(i++, orchestration);
            ps.setString(i++, instance.id());
            if (body != null) {
                ps.setString(i++, body);
                ps.setLong(i++, r.lastSeq());
            }
            ps.setString(i++, r.id());
            ps.setString(i++, r.tenant());
            ps.setLong(i, expectedLastSeq);
            if (ps.executeUpdate() == 0) {
                throw new StoreConflictException("task " + r.id() + " was changed by another process after event "
                        + expectedLastSeq, null);
            }
        }
    }

    public Uni<Optional<TaskRecord>> find(String tenant, String id) {
        return db.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks WHERE id = ? AND tenant = ?")) {
                ps.setString(1, id);
                ps.setString(2, tenant);
                Stored row;
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    row = map(rs);
                }
                return Optional.of(current(c, row));
            }
        });
    }

    /** A row as read: the record with its body as stored, and the event that body is as of. */
    private record Stored(TaskRecord record, long bodySeq) {
    }

    /** The task as of its last event: the stored body with the events after it applied. */
    private TaskRecord current(Connection c, Stored row) throws SQLException {
        TaskRecord r = row.record();
        if (row.bodySeq() >= r.lastSeq()) {
            return r;
        }
        List<StreamResponse> events = new ArrayList<>((int) Math.min(1024, r.lastSeq() - row.bodySeq()));
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT body FROM task_events WHERE task_id = ? AND seq > ? AND seq <= ? ORDER BY seq")) {
            ps.setString(1, r.id());
            ps.setLong(2, row.bodySeq());
            ps.setLong(3, r.lastSeq());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(mapper.readValue(rs.getString(1), StreamResponse.class));
                }
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored event of task " + r.id() + " is not valid JSON", e);
        }
        return new TaskRecord(r.tenant(), r.task().applyingAll(events), r.agent(), r.remoteTaskId(), r.remoteContextId(),
                r.lastSeq(), r.orchestration());
    }

    private List<TaskRecord> current(Connection c, List<Stored> rows) throws SQLException {
        List<TaskRecord> out = new ArrayList<>(rows.size());
        for (Stored row : rows) {
            out.add(current(c, row));
        }
        return out;
    }

    /**
     * Takes over the tasks that are running in a process that is gone: they have no live downstream connection
     * any more. With SQLite there is one process, so that is every running task of an earlier one. With PostgreSQL
     * it is those whose runner has not sent a heartbeat for {@code omniforge.store.instance-lease} (or has no
     * row at all). Each one is
     * claimed by compare-and-set on its runner, so when two processes look at once, each task goes to one of them.
     */
    public Uni<List<TaskRecord>> claimOrphans() {
        boolean shared = db.kind().shared();
        String me = instance.id();
        long deadBefore = instance.deadBefore();
        return db.write(c -> {
            List<Stored> candidates = new ArrayList<>();
            List<String> runners = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", runner FROM tasks t"
                    + " WHERE state IN (?, ?) AND (runner IS NULL OR runner <> ?)"
                    + (shared ? " AND NOT EXISTS (SELECT 1 FROM instances i WHERE i.id = t.runner AND i.seen_at >= ?)" : "")
                    + " LIMIT ?")) {
                int i = 1;
                ps.setString(i++, TaskState.TASK_STATE_SUBMITTED.name());
                ps.setString(i++, TaskState.TASK_STATE_WORKING.name());
                ps.setString(i++, me);
                if (shared) {
                    ps.setLong(i++, deadBefore);
                }
                ps.setInt(i, MAX_ORPHANS);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(map(rs));
                        runners.add(rs.getString(14));
                    }
                }
            }
            List<TaskRecord> claimed = new ArrayList<>();
            for (int k = 0; k < candidates.size(); k++) {
                TaskRecord r = candidates.get(k).record();
                String runner = runners.get(k);
                try (PreparedStatement ps = c.prepareStatement("UPDATE tasks SET runner = ? WHERE id = ? AND last_seq = ?"
                        + (runner == null ? " AND runner IS NULL" : " AND runner = ?"))) {
                    ps.setString(1, me);
                    ps.setString(2, r.id());
                    ps.setLong(3, r.lastSeq());
                    if (runner != null) {
                        ps.setString(4, runner);
                    }
                    if (ps.executeUpdate() == 1) {
                        claimed.add(current(c, candidates.get(k)));
                    }
                }
            }
            return claimed;
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
            List<Stored> stored = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM tasks" + page
                    + " ORDER BY updated_at DESC, id DESC LIMIT ?")) {
                pageArgs.add(pageSize + 1);
                bind(ps, pageArgs);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.add(map(rs));
                    }
                }
            }
            List<TaskRecord> rows = current(c, stored);
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

    private Stored map(ResultSet rs) throws SQLException {
        try {
            Task task = mapper.readValue(rs.getString(9), Task.class);
            String orchestration = rs.getString(12);
            return new Stored(new TaskRecord(rs.getString(1), task, rs.getString(5), rs.getString(6), rs.getString(7),
                    rs.getLong(8), orchestration == null ? null : mapper.readValue(orchestration, OrchestrationState.class)),
                    rs.getLong(13));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored task " + rs.getString(2) + " is not valid JSON", e);
        }
    }

    /** A task or orchestration state as stored. */
    public String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName(), e);
        }
    }
}
