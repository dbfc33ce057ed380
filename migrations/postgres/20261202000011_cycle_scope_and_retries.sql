-- PostgreSQL twin of migrations/sqlite/20261202000011_cycle_scope_and_retries.sql.

-- The scope of a cycle: every unit takes part unless the ambassador leaves
-- it out. A unit left out is not counted on the leaderboard, not flagged
-- as a gap on the map, and not listed in the planning checklist.
CREATE TABLE cycle_units_out (
    cycle_id BIGINT NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    unit_id  BIGINT NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    PRIMARY KEY (cycle_id, unit_id)
);

-- A meeting added to a plan carries the id its form chose, so a retried
-- "Add meeting" finds the row it already made instead of adding another.
ALTER TABLE plan_meetings ADD COLUMN client_id TEXT;
CREATE UNIQUE INDEX plan_meetings_client ON plan_meetings (client_id) WHERE client_id IS NOT NULL;
