-- PostgreSQL twin of migrations/sqlite/20261201000007_links_and_shared_governance.sql.

-- Alignment with more than one parent, and the governance of shared
-- objectives.

-- An objective supports ("contributes to") any number of objectives: of its
-- own cycle, or of a cycle enclosing it. The server refuses links that
-- would close a circle.
CREATE TABLE objective_links (
    objective_id TEXT   NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    supports_id  TEXT   NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    created_by   BIGINT NOT NULL REFERENCES people (id),
    created_at   TEXT   NOT NULL
        DEFAULT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
    PRIMARY KEY (objective_id, supports_id),
    CHECK (objective_id <> supports_id)
);
CREATE INDEX objective_links_supports ON objective_links (supports_id);

-- Every parent becomes a link; the column goes.
INSERT INTO objective_links (objective_id, supports_id, created_by, created_at)
    SELECT id, parent_id, updated_by, updated_at FROM objectives WHERE parent_id IS NOT NULL;
DROP INDEX objectives_parent;
ALTER TABLE objectives DROP COLUMN parent_id;

-- Sharing with a unit is an invitation until a lead of that unit (or the
-- ambassador) accepts it; an invited unit gains no rights. Shares made
-- before invitations existed were agreed the old way and stay accepted.
-- Each unit of a shared objective says what it commits.
ALTER TABLE objective_units ADD COLUMN state TEXT NOT NULL DEFAULT 'accepted'
    CHECK (state IN ('invited', 'accepted'));
ALTER TABLE objective_units ADD COLUMN invited_by BIGINT REFERENCES people (id);
ALTER TABLE objective_units ADD COLUMN answered_by BIGINT REFERENCES people (id);

CREATE TABLE objective_commitments (
    objective_id TEXT   NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    unit_id      BIGINT NOT NULL REFERENCES units (id) ON DELETE RESTRICT,
    text         TEXT   NOT NULL CHECK (length(text) BETWEEN 1 AND 300),
    updated_by   BIGINT NOT NULL REFERENCES people (id),
    PRIMARY KEY (objective_id, unit_id)
);

-- The one person who decides for a shared objective; required before it
-- is activated.
ALTER TABLE objectives ADD COLUMN decision_owner_id BIGINT REFERENCES people (id);
