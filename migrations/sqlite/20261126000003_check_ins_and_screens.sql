-- Weekly check-ins on key results, and the office screens that show the
-- leaderboard without a sign-in.

-- A dated update of one key result. The id is chosen by the client (a UUID),
-- so a retried check-in is recorded once. Saving one also sets the key
-- result's current value, in the same transaction.
CREATE TABLE check_ins (
    id            TEXT    PRIMARY KEY,
    key_result_id TEXT    NOT NULL REFERENCES key_results (id) ON DELETE CASCADE,
    author_id     INTEGER NOT NULL REFERENCES people (id),
    value         REAL    NOT NULL,
    confidence    INTEGER NOT NULL CHECK (confidence BETWEEN 0 AND 10),
    progress      TEXT    NOT NULL DEFAULT '' CHECK (length(progress) <= 1000),
    problems      TEXT    NOT NULL DEFAULT '' CHECK (length(problems) <= 1000),
    plans         TEXT    NOT NULL DEFAULT '' CHECK (length(plans) <= 1000),
    -- The organisation's calendar day (YYYY-MM-DD) the check-in counts for.
    checked_in_on TEXT    NOT NULL,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX check_ins_key_result ON check_ins (key_result_id, checked_in_on);
CREATE INDEX check_ins_day ON check_ins (checked_in_on);

-- An office screen: a TV that shows the leaderboard read-only. Only a hash
-- of its token is kept; the ambassador sees the token once, when creating it.
CREATE TABLE office_screens (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    token_hash        TEXT    NOT NULL UNIQUE,
    -- Seconds between the leaderboard and the celebrations.
    rotate_seconds    INTEGER NOT NULL DEFAULT 20 CHECK (rotate_seconds BETWEEN 5 AND 600),
    created_by        INTEGER NOT NULL REFERENCES people (id),
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    revoked_at        TEXT,
    last_connected_at TEXT
);
