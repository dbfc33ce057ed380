-- The OKR model: cycles, objectives (owned by a unit, optionally shared),
-- key results with their data-readiness checklist, and the organisation's
-- settings. Ids of objectives and key results are chosen by the client
-- (UUIDs), so a retried create is applied once.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO settings (key, value) VALUES ('stretch_phase', 'foundation');

CREATE TABLE cycles (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    start_date    TEXT    NOT NULL,  -- YYYY-MM-DD, inclusive
    end_date      TEXT    NOT NULL,  -- YYYY-MM-DD, inclusive
    planning_days INTEGER NOT NULL DEFAULT 14 CHECK (planning_days BETWEEN 0 AND 60),
    retro_days    INTEGER NOT NULL DEFAULT 7 CHECK (retro_days BETWEEN 0 AND 60),
    -- Rises with every committed change on the cycle's board; live clients
    -- resynchronise from it.
    board_version INTEGER NOT NULL DEFAULT 0,
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (end_date > start_date)
);

CREATE TABLE objectives (
    id            TEXT    PRIMARY KEY,
    cycle_id      INTEGER NOT NULL REFERENCES cycles (id) ON DELETE RESTRICT,
    unit_id       INTEGER NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    parent_id     TEXT    REFERENCES objectives (id) ON DELETE SET NULL,
    title         TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description   TEXT    NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
    why_important TEXT    NOT NULL DEFAULT '' CHECK (length(why_important) <= 2000),
    why_urgent    TEXT    NOT NULL DEFAULT '' CHECK (length(why_urgent) <= 2000),
    kind          TEXT    NOT NULL DEFAULT 'committed' CHECK (kind IN ('committed', 'aspirational')),
    status        TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'proposed', 'active', 'closed')),
    -- Optimistic concurrency: every change names the version it was based on.
    version       INTEGER NOT NULL DEFAULT 1,
    created_by    INTEGER NOT NULL REFERENCES people (id),
    updated_by    INTEGER NOT NULL REFERENCES people (id),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX objectives_cycle ON objectives (cycle_id, unit_id);
CREATE INDEX objectives_parent ON objectives (parent_id);

-- Further units of a shared (cross-functional) objective.
CREATE TABLE objective_units (
    objective_id TEXT    NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    PRIMARY KEY (objective_id, unit_id)
);
CREATE INDEX objective_units_unit ON objective_units (unit_id);

CREATE TABLE key_results (
    id                TEXT    PRIMARY KEY,
    objective_id      TEXT    NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    title             TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    metric            TEXT    NOT NULL CHECK (metric IN ('number', 'percent', 'currency', 'milestone')),
    unit_label        TEXT    NOT NULL DEFAULT '' CHECK (length(unit_label) <= 20),
    start_value       REAL    NOT NULL,
    target_value      REAL    NOT NULL,
    current_value     REAL    NOT NULL,
    owner_id          INTEGER NOT NULL REFERENCES people (id),
    -- The data-readiness checklist.
    source_identified INTEGER NOT NULL DEFAULT 0 CHECK (source_identified IN (0, 1)),
    baseline_known    INTEGER NOT NULL DEFAULT 0 CHECK (baseline_known IN (0, 1)),
    data_owner        INTEGER NOT NULL DEFAULT 0 CHECK (data_owner IN (0, 1)),
    update_frequency  INTEGER NOT NULL DEFAULT 0 CHECK (update_frequency IN (0, 1)),
    reliable          INTEGER NOT NULL DEFAULT 0 CHECK (reliable IN (0, 1)),
    -- What a key result that is not data-ready does meanwhile.
    fallback          TEXT    CHECK (fallback IN ('delay', 'proxy', 'tracking')),
    proxy_name        TEXT    NOT NULL DEFAULT '' CHECK (length(proxy_name) <= 120),
    position          INTEGER NOT NULL DEFAULT 0,
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CHECK (metric = 'milestone' OR target_value <> start_value)
);
CREATE INDEX key_results_objective ON key_results (objective_id, position);
CREATE INDEX key_results_owner ON key_results (owner_id);

-- Every committed board change, by cycle and board version, so a client that
-- reconnects can ask for everything after the version it last saw.
CREATE TABLE board_events (
    cycle_id   INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    event      TEXT    NOT NULL,  -- JSON of app::board::BoardEvent
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (cycle_id, version)
);
