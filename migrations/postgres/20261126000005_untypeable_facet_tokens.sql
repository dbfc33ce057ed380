-- PostgreSQL twin of migrations/sqlite/20261126000005_untypeable_facet_tokens.sql.

-- Filter tokens of the lessons index become untypeable: each now starts
-- with U+E000, a private-use character that the query sanitiser
-- (app::domain::search) never passes on, so no typed word can match a
-- filter token (see the search column in migration 4).

-- Stored text loses the mark (new notes never have it), so no note can
-- pose as another cycle or unit. The search column is generated, so it
-- follows the rewrite: there is no trigger to drop and no index to
-- rebuild as in SQLite. A PostgreSQL database runs this from empty, where
-- it changes nothing; it is kept so that both histories say the same.
UPDATE closing_notes SET
    title = replace(title, chr(57344), ''),
    went_well = replace(went_well, chr(57344), ''),
    went_badly = replace(went_badly, chr(57344), ''),
    lessons = replace(lessons, chr(57344), ''),
    facets = CASE facets
        WHEN '' THEN ''
        ELSE chr(57344) || replace(facets, ' ', ' ' || chr(57344))
    END;
