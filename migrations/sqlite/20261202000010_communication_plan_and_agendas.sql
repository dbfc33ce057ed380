-- The program's rhythm: each cycle's communication plan (which meetings
-- discuss OKRs, at which level, how often, in which format, with which
-- points) and the shared notes of each agenda, one per meeting date.

CREATE TABLE plan_meetings (
    id          INTEGER PRIMARY KEY,
    cycle_id    INTEGER NOT NULL REFERENCES cycles (id) ON DELETE CASCADE,
    kind        TEXT    NOT NULL CHECK (kind IN ('all_hands', 'department_review', 'team_weekly',
                                                 'one_on_one', 'planning_workshop', 'retrospective', 'custom')),
    -- The meeting's name when kind is 'custom'.
    custom_name TEXT    NOT NULL DEFAULT '' CHECK (length(custom_name) <= 80),
    level       TEXT    NOT NULL CHECK (level IN ('organisation', 'department', 'team', 'person')),
    -- The unit the row is for (a lead's own row); NULL: every unit at its level.
    unit_id     INTEGER REFERENCES units (id) ON DELETE CASCADE,
    frequency   TEXT    NOT NULL CHECK (frequency IN ('weekly', 'fortnightly', 'monthly', 'planning', 'retrospective')),
    -- ISO weekday the meeting is held on: 1 is Monday.
    weekday     INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    format      TEXT    NOT NULL DEFAULT '' CHECK (length(format) <= 200),
    owner       TEXT    NOT NULL DEFAULT '' CHECK (length(owner) <= 80),
    -- Discussion points, one per line.
    points      TEXT    NOT NULL DEFAULT '' CHECK (length(points) <= 2000),
    position    INTEGER NOT NULL,
    -- Edits name the version they started from; a stale edit is refused.
    version     INTEGER NOT NULL DEFAULT 1,
    created_by  INTEGER NOT NULL REFERENCES people (id),
    updated_by  INTEGER NOT NULL REFERENCES people (id),
    updated_at  TEXT    NOT NULL,
    CHECK (kind <> 'custom' OR length(custom_name) >= 1)
);
CREATE INDEX plan_meetings_cycle ON plan_meetings (cycle_id, position);

-- Whether a cycle's plan was started (copied or drawn from the default):
-- a plan the ambassador emptied on purpose stays empty.
ALTER TABLE cycles ADD COLUMN plan_started INTEGER NOT NULL DEFAULT 0;

-- The shared notes of one agenda on one meeting date ("what we agreed").
-- `agenda` names the agenda: 'weekly:<unit>', 'one-on-one:<person>',
-- 'review:org' or 'review:<unit>'.
CREATE TABLE agenda_notes (
    agenda     TEXT    NOT NULL CHECK (length(agenda) BETWEEN 1 AND 40),
    meeting_on TEXT    NOT NULL,  -- YYYY-MM-DD
    body       TEXT    NOT NULL CHECK (length(body) <= 2000),
    version    INTEGER NOT NULL DEFAULT 1,
    updated_by INTEGER NOT NULL REFERENCES people (id),
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (agenda, meeting_on)
);
