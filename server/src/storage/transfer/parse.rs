//! The document's JSON to rows. Each record is read on its own, so one that
//! does not fit its type is reported with its path (`serde_path_to_error`
//! names the field) and the rest are still read and checked: the import
//! reports every problem at once, not the first.

use super::check::{self, Report};
use super::rows::Table;
use super::{Document, FORMAT, ImportError, TABLES, VERSION};
use serde_json::{Map, Value};

/// The document in `text`, checked against every rule the import relies
/// on; otherwise every problem found, each with its path.
pub fn parse(text: &str) -> Result<Document, ImportError> {
    let invalid = |problem: String| ImportError::Invalid(vec![problem]);
    let value: Value = serde_json::from_str(text).map_err(|e| invalid(format!("not JSON: {e}")))?;
    let Value::Object(mut object) = value else {
        return Err(invalid("the document is not a JSON object".into()));
    };
    match object.remove("format") {
        Some(Value::String(format)) if format == FORMAT => {}
        other => {
            return Err(invalid(format!(
                "format: {}, not a Northstar organisation (\"{FORMAT}\")",
                other.map_or("missing".into(), |v| v.to_string())
            )));
        }
    }
    match object.remove("version").as_ref().and_then(Value::as_u64) {
        Some(version) if version == u64::from(VERSION) => {}
        Some(version) => {
            return Err(invalid(format!(
                "version: {version}; this Northstar reads version {VERSION}"
            )));
        }
        None => return Err(invalid("version: missing or not a number".into())),
    }
    let mut report = Report::default();
    let document = Document::parse_all(&mut object, &mut report);
    for unknown in object.keys() {
        report.problem(
            unknown.clone(),
            format!(
                "not a table of the document (those are {})",
                TABLES.join(", ")
            ),
        );
    }
    check::rules(&document, &mut report);
    report.into_result(document)
}

/// The records of `T`'s table that fit its type; each one that does not is
/// reported with its path, and its key noted so that references to it are
/// not reported as well.
pub(super) fn rows<T: Table>(object: &mut Map<String, Value>, report: &mut Report) -> Vec<T> {
    let items = match object.remove(T::NAME) {
        None => return Vec::new(),
        Some(Value::Array(items)) => items,
        Some(_) => {
            report.problem(T::NAME.into(), "not a list".into());
            return Vec::new();
        }
    };
    let mut rows = Vec::with_capacity(items.len());
    let mut positions = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        // SQLite stores a NUL character in text; PostgreSQL refuses it.
        let holds_nul = |value: &Value| value.as_str().is_some_and(|text| text.contains('\0'));
        for (field, _) in item
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| holds_nul(v))
        {
            let problem = "holds a NUL character, which PostgreSQL cannot store".into();
            report.problem(format!("{}[{index}].{field}", T::NAME), problem);
        }
        match serde_path_to_error::deserialize::<_, T>(item) {
            Ok(row) => {
                rows.push(row);
                positions.push(index);
            }
            Err(error) => {
                let field = error.path().to_string();
                let path = match field.as_str() {
                    "." => format!("{}[{index}]", T::NAME),
                    field => format!("{}[{index}].{field}", T::NAME),
                };
                report.problem(path, error.into_inner().to_string());
                report.unreadable(T::NAME, item);
            }
        }
    }
    report.positions(T::NAME, positions);
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The problems `parse` reports for `document`.
    fn problems(document: Value) -> Vec<String> {
        match parse(&document.to_string()) {
            Ok(_) => Vec::new(),
            Err(ImportError::Invalid(problems)) => problems,
            Err(other) => vec![other.to_string()],
        }
    }

    fn unit(id: i64, name: &str, parent_id: Option<i64>) -> Value {
        json!({"id": id, "name": name, "parent_id": parent_id, "created_at": "2026-12-01T09:00:00.000Z"})
    }

    fn person(id: i64, email: &str, role: &str) -> Value {
        json!({"id": id, "email": email, "name": "A", "role": role, "active": true,
               "session_epoch": 0, "created_at": "2026-12-01T09:00:00.000Z"})
    }

    #[test]
    fn a_document_that_is_not_an_organisation_is_refused_as_a_whole() {
        for (text, says) in [
            ("{", "not JSON: "),
            ("[]", "the document is not a JSON object"),
            (
                r#"{"version": 1}"#,
                "format: missing, not a Northstar organisation",
            ),
            (
                r#"{"format": "okr", "version": 1}"#,
                "format: \"okr\", not a Northstar",
            ),
            (
                r#"{"format": "northstar-organisation"}"#,
                "version: missing",
            ),
            (
                r#"{"format": "northstar-organisation", "version": 2}"#,
                "version: 2; this Northstar reads version 1",
            ),
        ] {
            let said = match parse(text) {
                Err(ImportError::Invalid(problems)) => problems.join("\n"),
                other => format!("{other:?}"),
            };
            assert!(said.starts_with(says), "{text}: {said}");
        }
    }

    #[test]
    fn every_problem_is_named_with_its_path() {
        let said = problems(json!({
            "format": FORMAT,
            "version": VERSION,
            "teams": [],
            "units": [
                unit(1, "Product", None),
                unit(2, "Loop", Some(3)),
                unit(3, "Back", Some(2)),
                unit(4, "product", None),
                unit(5, "Orphan", Some(99)),
                unit(0, "Zero", None),
                unit(6, "Nul\u{0}", None),
            ],
            "people": [
                person(1, "ada@example.org", "lead"),
                person(2, "ADA@example.org", "member"),
                {"id": 3, "email": "b@example.org"},
            ],
            "memberships": [{"person_id": 3, "unit_id": 1}, {"person_id": 4, "unit_id": 1}],
        }));
        assert_eq!(
            said,
            [
                "units[6].name: holds a NUL character, which PostgreSQL cannot store",
                "people[2]: missing field `name`",
                "teams: not a table of the document (those are settings, units, people, \
                 memberships, cycles, cycle_units_out, plan_meetings, agenda_notes, kpis, \
                 api_tokens, kpi_readings, kpi_reading_history, kpi_recoveries, objectives, \
                 objective_units, objective_commitments, objective_links, objective_history, \
                 merged_objectives, overlap_dismissals, key_results, check_ins, closing_notes, \
                 closing_note_revisions, office_screens)",
                "units[3]: (parent_id, name) (None, \"product\") again, as in units[0]",
                "units[1].parent_id: 2 would be its own ancestor",
                "units[2].parent_id: 3 would be its own ancestor",
                "units[4].parent_id: no unit 99",
                "units[5].id: 0: ids start at 1",
                "people[1].email: \"ada@example.org\" again, as in people[0]",
                "people: no active ambassador: nobody could run the organisation after the import",
                "memberships[1].person_id: no person 4",
            ]
        );
    }
}
