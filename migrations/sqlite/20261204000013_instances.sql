-- What several Northstar instances on one database share beyond the data
-- itself. Only used on PostgreSQL, where instances can share a database;
-- the tables exist on SQLite too so both schemas stay twins.

-- Who is looking at which board, per instance: every instance writes its
-- own rows and reads the others', so board presence names people on every
-- instance. A row not refreshed for a while belongs to an instance that
-- stopped without saying so, and is ignored, then removed.
CREATE TABLE board_presence (
    instance TEXT    NOT NULL,
    cycle_id INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    -- The names of the viewers on that instance, a JSON array.
    viewers  TEXT    NOT NULL,
    -- When the instance last said so (the database's clock, milliseconds).
    seen_ms  INTEGER NOT NULL,
    PRIMARY KEY (instance, cycle_id)
);
CREATE INDEX board_presence_cycle ON board_presence (cycle_id);

-- Failed sign-ins, counted per address and per account-and-address, so
-- the limits hold whichever instance a guess reaches. A bucket: `spent`
-- failures as of `at_ms` (the database's clock, milliseconds since the
-- epoch), one forgiven every `refill_ms`.
CREATE TABLE sign_in_buckets (
    key       TEXT    PRIMARY KEY,
    spent     REAL    NOT NULL,
    refill_ms REAL    NOT NULL,
    at_ms     INTEGER NOT NULL
);
