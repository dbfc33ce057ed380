-- Filter tokens of the lessons index become untypeable: each now starts
-- with U+E000, a private-use character. The index's tokenizer (unicode61)
-- keeps private-use characters inside a token, and the query sanitiser
-- (app::domain::search) never passes one on, so no typed word can match a
-- filter token. Searches then need no column filter to keep typed words
-- out of `facets`, which made FTS5 read position lists for every
-- candidate (measured by the lessons_search benchmark; docs/benchmarks.md).

-- Rewritten without the update trigger, then the index rebuilt once: one
-- pass over the notes instead of a delete and an insert per note. Stored
-- text loses the mark (new notes never have it), so no note can pose as
-- another cycle or unit.
DROP TRIGGER closing_notes_reindexed;

UPDATE closing_notes SET
    title = replace(title, char(57344), ''),
    went_well = replace(went_well, char(57344), ''),
    went_badly = replace(went_badly, char(57344), ''),
    lessons = replace(lessons, char(57344), ''),
    facets = CASE facets
        WHEN '' THEN ''
        ELSE char(57344) || replace(facets, ' ', ' ' || char(57344))
    END;

INSERT INTO lessons_fts (lessons_fts) VALUES ('rebuild');

CREATE TRIGGER closing_notes_reindexed
    AFTER UPDATE OF title, went_well, went_badly, lessons, tags, facets ON closing_notes BEGIN
    INSERT INTO lessons_fts (lessons_fts, rowid, title, went_well, went_badly, lessons, tags, facets)
        VALUES ('delete', old.id, old.title, old.went_well, old.went_badly, old.lessons, old.tags, old.facets);
    INSERT INTO lessons_fts (rowid, title, went_well, went_badly, lessons, tags, facets)
        VALUES (new.id, new.title, new.went_well, new.went_badly, new.lessons, new.tags, new.facets);
END;
