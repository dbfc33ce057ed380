-- Overlaps told apart, merges, and each objective's history.

-- Pairs of objectives someone said are different goals: never suggested
-- as an overlap again. The pair is stored in id order.
CREATE TABLE overlap_dismissals (
    first_id     TEXT    NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    second_id    TEXT    NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    dismissed_by INTEGER NOT NULL REFERENCES people (id),
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (first_id, second_id),
    CHECK (first_id < second_id)
);

-- An objective merged into another: its old address leads to the one it
-- became part of.
CREATE TABLE merged_objectives (
    old_id    TEXT    PRIMARY KEY,
    into_id   TEXT    NOT NULL REFERENCES objectives (id) ON DELETE CASCADE,
    old_title TEXT    NOT NULL,
    merged_by INTEGER NOT NULL REFERENCES people (id),
    merged_at TEXT    NOT NULL
);
CREATE INDEX merged_objectives_into ON merged_objectives (into_id);

-- What happened to an objective beyond its fields: links, invitations and
-- their answers, merges. No foreign key on the objective: the history of
-- an objective merged into another outlives it.
CREATE TABLE objective_history (
    id           INTEGER PRIMARY KEY,
    objective_id TEXT    NOT NULL,
    person_id    INTEGER NOT NULL REFERENCES people (id),
    text         TEXT    NOT NULL CHECK (length(text) <= 1000),
    created_at   TEXT    NOT NULL
);
CREATE INDEX objective_history_objective ON objective_history (objective_id, id);
