-- Several processes may share one PostgreSQL store. Each task records the process that runs it (runner), and each
-- process says it is alive (instances.seen_at), so that a process that starts, or a periodic sweep, fails only the
-- running tasks of processes that died, never those of a live neighbour. Portable SQL, like V1.

ALTER TABLE tasks ADD COLUMN runner VARCHAR(64);
CREATE INDEX tasks_by_state ON tasks (state, runner);

CREATE TABLE instances (
    id         VARCHAR(64)  NOT NULL,
    host       VARCHAR(256),
    started_at BIGINT       NOT NULL,
    seen_at    BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
