-- PostgreSQL twin of migrations/sqlite/20261203000012_retrospectives_and_carry_over.sql.

-- The end of a cycle. The ambassador marks a cycle complete once every
-- objective in it is closed: with a closing note, or explicitly without a
-- retrospective and with a reason that stays on the objective. An
-- unfinished objective can be carried into the next cycle as a draft that
-- remembers where it came from, so its closing note's lessons show on it.

ALTER TABLE cycles ADD COLUMN completed_at TEXT;
ALTER TABLE cycles ADD COLUMN completed_by BIGINT REFERENCES people (id);

-- Why an objective was closed without a retrospective (no closing note).
-- Set only together with status 'closed'.
ALTER TABLE objectives ADD COLUMN no_retro_reason TEXT
    CHECK (no_retro_reason IS NULL OR length(no_retro_reason) BETWEEN 1 AND 500);
-- Who closed it so (a later edit elsewhere must not change the name shown).
ALTER TABLE objectives ADD COLUMN no_retro_by BIGINT REFERENCES people (id);

-- The closed objective this draft carries on. An objective is carried over
-- once: a second "carry over" finds the first draft.
ALTER TABLE objectives ADD COLUMN carried_from TEXT REFERENCES objectives (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX objectives_carried_from ON objectives (carried_from) WHERE carried_from IS NOT NULL;
