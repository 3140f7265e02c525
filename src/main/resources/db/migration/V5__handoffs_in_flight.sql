-- The handoffs on their way (initiated or accepted), written in the same transaction as the thread's state that
-- records them: a start-up finds those a crash caught half-way here, by this key, instead of scanning the state of
-- every thread of every tenant. A row goes when its handoff becomes active or ends.
CREATE TABLE handoffs_in_flight (
    tenant     VARCHAR(128) NOT NULL,
    thread_id  VARCHAR(128) NOT NULL,
    handoff_id VARCHAR(128) NOT NULL,
    task_id    VARCHAR(128),
    PRIMARY KEY (tenant, thread_id, handoff_id)
);
CREATE INDEX handoffs_in_flight_by_task ON handoffs_in_flight (task_id);
