-- The orchestration behind an upstream task (its plan, each agent's part, a paused pipeline's position), as JSON;
-- null for a task served by one agent.
ALTER TABLE tasks ADD COLUMN orchestration TEXT;
