-- KPIs beside the OKRs: health metrics with thresholds and readings, key
-- results that follow a KPI, and the API tokens other systems push with.

CREATE TABLE kpis (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 120),
    description TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    -- What a value is measured in: "min", "%", "€".
    unit_label  TEXT    NOT NULL DEFAULT '' CHECK (length(unit_label) <= 20),
    -- RESTRICT: a unit that still owns KPIs cannot vanish.
    unit_id     INTEGER NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    owner_id    INTEGER NOT NULL REFERENCES people (id),
    direction   TEXT    NOT NULL CHECK (direction IN ('higher', 'lower')),
    -- Where healthy ends and where critical begins, in the KPI's direction.
    healthy     REAL    NOT NULL,
    critical    REAL    NOT NULL,
    cadence     TEXT    NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
    -- The organisation's day it was made: a KPI never read is stale from it.
    made_on     TEXT    NOT NULL,
    -- Raised by every change to the KPI or its readings; edits name the
    -- version they started from, so a stale edit is refused.
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER NOT NULL REFERENCES people (id),
    created_at  TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL,
    CHECK ((direction = 'higher' AND healthy > critical) OR (direction = 'lower' AND healthy < critical))
);
CREATE UNIQUE INDEX kpis_unit_name ON kpis (unit_id, name COLLATE NOCASE);

-- A token another system uses on the API. Only a SHA-256 digest is kept;
-- the ambassador sees the token once.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    token_hash   TEXT    NOT NULL UNIQUE,
    -- `kpi:write` pushes readings (to one KPI, or to all when kpi_id is
    -- NULL); `read` reads the organisation's OKRs.
    scope        TEXT    NOT NULL CHECK (scope IN ('kpi:write', 'read')),
    kpi_id       INTEGER REFERENCES kpis (id) ON DELETE CASCADE,
    created_by   INTEGER NOT NULL REFERENCES people (id),
    created_at   TEXT    NOT NULL,
    revoked_at   TEXT,
    last_used_at TEXT,
    CHECK (scope = 'kpi:write' OR kpi_id IS NULL)
);

-- One reading per KPI and date; a later reading for the same date replaces
-- it, and the one replaced moves to `kpi_reading_history`.
CREATE TABLE kpi_readings (
    kpi_id      INTEGER NOT NULL REFERENCES kpis (id) ON DELETE CASCADE,
    read_on     TEXT    NOT NULL,
    value       REAL    NOT NULL,
    note        TEXT    NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    -- Who recorded it: a person (form or CSV) or an API token.
    source      TEXT    NOT NULL CHECK (source IN ('form', 'csv', 'api')),
    person_id   INTEGER REFERENCES people (id),
    token_id    INTEGER REFERENCES api_tokens (id),
    recorded_at TEXT    NOT NULL,
    PRIMARY KEY (kpi_id, read_on)
);

CREATE TABLE kpi_reading_history (
    id          INTEGER PRIMARY KEY,
    kpi_id      INTEGER NOT NULL REFERENCES kpis (id) ON DELETE CASCADE,
    read_on     TEXT    NOT NULL,
    value       REAL    NOT NULL,
    note        TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    person_id   INTEGER REFERENCES people (id),
    token_id    INTEGER REFERENCES api_tokens (id),
    recorded_at TEXT    NOT NULL,
    replaced_at TEXT    NOT NULL
);
CREATE INDEX kpi_reading_history_kpi ON kpi_reading_history (kpi_id, read_on);

-- A KPI that came back to healthy after being flagged: celebrated on the
-- leaderboard and the office screens.
CREATE TABLE kpi_recoveries (
    kpi_id       INTEGER NOT NULL REFERENCES kpis (id) ON DELETE CASCADE,
    read_on      TEXT    NOT NULL,
    recovered_at TEXT    NOT NULL,
    PRIMARY KEY (kpi_id, read_on)
);

-- A key result that follows a KPI takes its value from the KPI's readings.
ALTER TABLE key_results ADD COLUMN kpi_id INTEGER REFERENCES kpis (id) ON DELETE SET NULL;
CREATE INDEX key_results_kpi ON key_results (kpi_id);

-- What a request with an `Idempotency-Key` answered, so a retry gets the
-- same answer and changes nothing. Kept a day.
CREATE TABLE api_idempotency (
    token_id     INTEGER NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    key          TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    -- A digest of the method, path and body: the same key with another
    -- request is refused.
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    body         TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (token_id, key)
);
