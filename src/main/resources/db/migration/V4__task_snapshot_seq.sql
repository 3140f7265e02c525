-- A task's body is a snapshot as of the event numbered body_seq: a task that streams many events rewrites its body
-- only every so often (and at every change of state), and a reader applies the events after body_seq, up to
-- last_seq, from task_events. Existing bodies are current. Portable SQL, like V1.

ALTER TABLE tasks ADD COLUMN body_seq BIGINT NOT NULL DEFAULT 0;
UPDATE tasks SET body_seq = last_seq;
