-- People, their roles, and the organisation's tree of units.

CREATE TABLE units (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    -- NULL for a top-level unit. RESTRICT: a unit with sub-units cannot vanish.
    parent_id  INTEGER REFERENCES units (id) ON DELETE RESTRICT,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX units_parent ON units (parent_id);
-- Siblings have distinct names (top-level units are siblings of each other).
CREATE UNIQUE INDEX units_sibling_name ON units (coalesce(parent_id, 0), name COLLATE NOCASE);

CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(email) <= 254),
    name          TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    role          TEXT    NOT NULL CHECK (role IN ('ambassador', 'lead', 'member')),
    -- argon2id PHC string; never leaves the server.
    password_hash TEXT    NOT NULL,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE memberships (
    person_id INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- RESTRICT: a unit with members cannot be deleted.
    unit_id   INTEGER NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    PRIMARY KEY (person_id, unit_id)
);
CREATE INDEX memberships_unit ON memberships (unit_id);
