-- Threads (A2A contextIds), their messages, tasks and task events, and run-time registered agents.
-- Timestamps are epoch milliseconds (BIGINT) so the same SQL runs on SQLite and PostgreSQL.
-- Every row carries its tenant from the start.

CREATE TABLE threads (
    tenant         VARCHAR(128) NOT NULL,
    id             VARCHAR(128) NOT NULL,
    active_agent   VARCHAR(128),
    state_metadata TEXT         NOT NULL DEFAULT '{}',
    version        BIGINT       NOT NULL DEFAULT 0,
    created_at     BIGINT       NOT NULL,
    updated_at     BIGINT       NOT NULL,
    PRIMARY KEY (tenant, id)
);
CREATE INDEX threads_by_update ON threads (tenant, updated_at, id);

CREATE TABLE messages (
    tenant     VARCHAR(128) NOT NULL,
    thread_id  VARCHAR(128) NOT NULL,
    seq        BIGINT       NOT NULL,
    message_id VARCHAR(256) NOT NULL,
    task_id    VARCHAR(128),
    role       VARCHAR(16)  NOT NULL,
    agent      VARCHAR(128),
    body       TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    PRIMARY KEY (tenant, thread_id, seq)
);

CREATE TABLE tasks (
    tenant            VARCHAR(128) NOT NULL,
    id                VARCHAR(128) NOT NULL,
    context_id        VARCHAR(128) NOT NULL,
    state             VARCHAR(32)  NOT NULL,
    agent             VARCHAR(128),
    remote_task_id    VARCHAR(256),
    remote_context_id VARCHAR(256),
    last_seq          BIGINT       NOT NULL DEFAULT 0,
    body              TEXT         NOT NULL,
    created_at        BIGINT       NOT NULL,
    updated_at        BIGINT       NOT NULL,
    PRIMARY KEY (id)
);
CREATE INDEX tasks_by_update ON tasks (tenant, updated_at, id);
CREATE INDEX tasks_by_context ON tasks (tenant, context_id, updated_at);

CREATE TABLE task_events (
    task_id    VARCHAR(128) NOT NULL,
    seq        BIGINT       NOT NULL,
    body       TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    PRIMARY KEY (task_id, seq)
);

CREATE TABLE agents (
    tenant     VARCHAR(128) NOT NULL,
    name       VARCHAR(128) NOT NULL,
    url        TEXT         NOT NULL,
    created_at BIGINT       NOT NULL,
    PRIMARY KEY (tenant, name)
);
