-- PostgreSQL twin of migrations/sqlite/20261204000013_instances.sql.

-- What several Northstar instances on one database share beyond the data
-- itself.

-- Who is looking at which board, per instance: every instance writes its
-- own rows and reads the others', so board presence names people on every
-- instance. A row not refreshed for a while belongs to an instance that
-- stopped without saying so, and is ignored, then removed.
CREATE TABLE board_presence (
    instance TEXT   NOT NULL,
    cycle_id BIGINT NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    -- The names of the viewers on that instance, a JSON array.
    viewers  TEXT   NOT NULL,
    -- When the instance last said so (the database's clock, milliseconds).
    seen_ms  BIGINT NOT NULL,
    PRIMARY KEY (instance, cycle_id)
);
CREATE INDEX board_presence_cycle ON board_presence (cycle_id);

-- Failed sign-ins, counted per address and per account-and-address, so
-- the limits hold whichever instance a guess reaches. A bucket: `spent`
-- failures as of `at_ms` (the database's clock, milliseconds since the
-- epoch), one forgiven every `refill_ms`.
CREATE TABLE sign_in_buckets (
    key       TEXT             PRIMARY KEY,
    spent     DOUBLE PRECISION NOT NULL,
    refill_ms DOUBLE PRECISION NOT NULL,
    at_ms     BIGINT           NOT NULL
);
