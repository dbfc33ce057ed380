-- Closing notes and the lessons-learned database. Every closed objective
-- has one note; notes are searched with SQLite FTS5 (bm25 ranking,
-- highlighted snippets). The index is an external-content FTS5 table over
-- closing_notes, kept in step by triggers, so a note and its index entry
-- change in the same transaction; `northstar admin reindex` rebuilds it.

CREATE TABLE closing_notes (
    id           INTEGER PRIMARY KEY,
    objective_id TEXT    NOT NULL UNIQUE REFERENCES objectives (id) ON DELETE CASCADE,
    -- The objective's title when it was closed (a closed objective cannot change).
    title        TEXT    NOT NULL,
    score        REAL    NOT NULL CHECK (score BETWEEN 0 AND 1),
    -- Whether the score meets the objective's kind (0.7 aspirational, 1.0 committed).
    achieved     INTEGER NOT NULL CHECK (achieved IN (0, 1)),
    went_well    TEXT    NOT NULL DEFAULT '' CHECK (length(went_well) <= 4000),
    went_badly   TEXT    NOT NULL DEFAULT '' CHECK (length(went_badly) <= 4000),
    lessons      TEXT    NOT NULL CHECK (length(lessons) BETWEEN 1 AND 4000),
    -- Normalised tags, space-separated (also in closing_note_tags).
    tags         TEXT    NOT NULL DEFAULT '',
    -- Filter tokens for the index: cycle, units, achieved, tags
    -- (see app::lessons::ssr::facets). Weighted 0 in the ranking.
    facets       TEXT    NOT NULL DEFAULT '',
    author_id    INTEGER NOT NULL REFERENCES people (id),
    updated_by   INTEGER NOT NULL REFERENCES people (id),
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Every earlier version of a note, written when an edit replaces it.
CREATE TABLE closing_note_revisions (
    note_id    INTEGER NOT NULL REFERENCES closing_notes (id) ON DELETE CASCADE,
    version    INTEGER NOT NULL,
    score      REAL    NOT NULL,
    went_well  TEXT    NOT NULL,
    went_badly TEXT    NOT NULL,
    lessons    TEXT    NOT NULL,
    tags       TEXT    NOT NULL,
    -- Who wrote this version, and when.
    written_by INTEGER NOT NULL REFERENCES people (id),
    written_at TEXT    NOT NULL,
    PRIMARY KEY (note_id, version)
);

CREATE TABLE closing_note_tags (
    tag     TEXT    NOT NULL,
    note_id INTEGER NOT NULL REFERENCES closing_notes (id) ON DELETE CASCADE,
    PRIMARY KEY (tag, note_id)
) WITHOUT ROWID;
CREATE INDEX closing_note_tags_note ON closing_note_tags (note_id);

-- Tags in use and how often, for autocomplete and the tag filter without
-- scanning every note.
CREATE TABLE lesson_tags (
    tag  TEXT    PRIMARY KEY,
    uses INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER closing_note_tags_added AFTER INSERT ON closing_note_tags BEGIN
    INSERT INTO lesson_tags (tag, uses) VALUES (new.tag, 1)
        ON CONFLICT (tag) DO UPDATE SET uses = uses + 1;
END;
CREATE TRIGGER closing_note_tags_removed AFTER DELETE ON closing_note_tags BEGIN
    UPDATE lesson_tags SET uses = uses - 1 WHERE tag = old.tag;
    DELETE FROM lesson_tags WHERE tag = old.tag AND uses <= 0;
END;

CREATE VIRTUAL TABLE lessons_fts USING fts5 (
    title, went_well, went_badly, lessons, tags, facets,
    content = 'closing_notes',
    content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2',
    -- Three-character prefixes are indexed: prefix search as one types.
    prefix = '3'
);
-- The ranking: title and lessons weigh most; facets not at all.
INSERT INTO lessons_fts (lessons_fts, rank) VALUES ('rank', 'bm25(4.0, 1.0, 1.0, 2.0, 2.0, 0.0)');

CREATE TRIGGER closing_notes_indexed AFTER INSERT ON closing_notes BEGIN
    INSERT INTO lessons_fts (rowid, title, went_well, went_badly, lessons, tags, facets)
        VALUES (new.id, new.title, new.went_well, new.went_badly, new.lessons, new.tags, new.facets);
END;
CREATE TRIGGER closing_notes_unindexed AFTER DELETE ON closing_notes BEGIN
    INSERT INTO lessons_fts (lessons_fts, rowid, title, went_well, went_badly, lessons, tags, facets)
        VALUES ('delete', old.id, old.title, old.went_well, old.went_badly, old.lessons, old.tags, old.facets);
END;
CREATE TRIGGER closing_notes_reindexed
    AFTER UPDATE OF title, went_well, went_badly, lessons, tags, facets ON closing_notes BEGIN
    INSERT INTO lessons_fts (lessons_fts, rowid, title, went_well, went_badly, lessons, tags, facets)
        VALUES ('delete', old.id, old.title, old.went_well, old.went_badly, old.lessons, old.tags, old.facets);
    INSERT INTO lessons_fts (rowid, title, went_well, went_badly, lessons, tags, facets)
        VALUES (new.id, new.title, new.went_well, new.went_badly, new.lessons, new.tags, new.facets);
END;
