//! Limits and checks on what people type: each returns the cleaned value or a
//! message meant to be shown next to the field. Checks that name their
//! field return an [`Invalid`], which becomes the server's "invalid field"
//! error as it is (see `AppError`'s `From<Invalid>`).

/// Longest display name of a person.
pub const MAX_NAME: usize = 100;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL: usize = 254;
/// Shortest password we accept for a new account.
pub const MIN_PASSWORD: usize = 10;
/// Longest password: argon2 would hash more, but a megabyte password is an attack.
pub const MAX_PASSWORD: usize = 256;
/// Longest name of a unit.
pub const MAX_UNIT_NAME: usize = 80;

/// Longest name of a cycle ("Q3 2026", "H2 — growth").
pub const MAX_CYCLE_NAME: usize = 80;

/// Longest name of an office screen ("Lobby TV, 2nd floor").
pub const MAX_SCREEN_NAME: usize = 80;

/// A value refused: the field it was typed into, and the message shown
/// next to that field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Invalid {
            field: field.to_owned(),
            message: message.into(),
        }
    }
}

/// A number as people type it: a decimal comma or point, spaces and
/// underscores between digits; `None` when it is not a finite number.
pub fn number(raw: &str) -> Option<f64> {
    let cleaned: String = raw
        .trim()
        .replace(',', ".")
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .collect();
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Parses a number typed into a form, accepting a decimal comma.
pub fn parse_number(field: &str, raw: &str) -> Result<f64, Invalid> {
    number(raw).ok_or_else(|| Invalid::new(field, "Enter a number, like 42 or 12.5."))
}

/// Typed text, cleaned like closing notes (no control or direction
/// characters), trimmed, and checked against `max` characters.
pub fn text(field: &str, raw: &str, max: usize, required: bool) -> Result<String, Invalid> {
    let cleaned = crate::domain::search::clean_text(raw);
    let value = cleaned.trim();
    if required && value.is_empty() {
        return Err(Invalid::new(field, "This cannot be empty."));
    }
    if value.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("Use at most {max} characters."),
        ));
    }
    Ok(value.to_owned())
}

/// A client-chosen id: a UUID in its usual text form.
pub fn client_id(field: &str, raw: &str) -> Result<String, Invalid> {
    let id = raw.trim().to_ascii_lowercase();
    let well_formed = id.len() == 36
        && id.char_indices().all(|(i, c)| {
            if [8, 13, 18, 23].contains(&i) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
    if well_formed {
        Ok(id)
    } else {
        Err(Invalid::new(field, "A malformed id; reload the page."))
    }
}

/// Shared units as the client sends them: ids, sorted, comma-separated.
pub fn shared_units_text(ids: &[i64]) -> String {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
}

/// An office screen's name: trimmed, not empty, not too long.
pub fn screen_name(raw: &str) -> Result<String, String> {
    required_text(raw, "a name for the screen", MAX_SCREEN_NAME)
}

/// A cycle's name: trimmed, not empty, not too long.
pub fn cycle_name(raw: &str) -> Result<String, String> {
    required_text(raw, "a name for the cycle", MAX_CYCLE_NAME)
}

/// A person's display name: trimmed, not empty, not too long.
pub fn person_name(raw: &str) -> Result<String, String> {
    required_text(raw, "a name", MAX_NAME)
}

/// A unit's name: trimmed, not empty, not too long.
pub fn unit_name(raw: &str) -> Result<String, String> {
    required_text(raw, "a unit name", MAX_UNIT_NAME)
}

/// An email address, lower-cased; the check is deliberately simple (one `@`,
/// a dot in the domain, no spaces): the real test is whether mail arrives.
pub fn email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("Enter an email address.".into());
    }
    if email.chars().count() > MAX_EMAIL {
        return Err(format!(
            "An email address has at most {MAX_EMAIL} characters."
        ));
    }
    let valid = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace)
        }
        None => false,
    };
    if valid {
        Ok(email)
    } else {
        Err("That does not look like an email address (name@example.org).".into())
    }
}

/// A new password: long enough to resist guessing, short enough to hash.
pub fn new_password(raw: &str) -> Result<String, String> {
    let length = raw.chars().count();
    if length < MIN_PASSWORD {
        return Err(format!("Use at least {MIN_PASSWORD} characters."));
    }
    if length > MAX_PASSWORD {
        return Err(format!("Use at most {MAX_PASSWORD} characters."));
    }
    Ok(raw.to_owned())
}

fn required_text(raw: &str, what: &str, max: usize) -> Result<String, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if text.chars().count() > max {
        return Err(format!("Use at most {max} characters."));
    }
    if text.chars().any(char::is_control) {
        return Err("Remove the line breaks and control characters.".into());
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(person_name("  Ada Lovelace "), Ok("Ada Lovelace".into()));
        assert!(person_name("   ").is_err());
        assert!(person_name(&"x".repeat(MAX_NAME)).is_ok());
        assert!(person_name(&"x".repeat(MAX_NAME + 1)).is_err());
        assert!(unit_name("Platform\nteam").is_err());
        // Characters, not bytes: a name in Greek is as long as it looks.
        assert!(unit_name(&"λ".repeat(MAX_UNIT_NAME)).is_ok());
    }

    #[test]
    fn emails() {
        let cases = [
            ("Ada@Example.org", Some("ada@example.org")),
            (" bob@team.example.com ", Some("bob@team.example.com")),
            ("", None),
            ("ada", None),
            ("ada@", None),
            ("@example.org", None),
            ("ada@example", None),
            ("ada@.org", None),
            ("ada@example.", None),
            ("a da@example.org", None),
            ("ada@@example.org", None),
        ];
        for (input, expected) in cases {
            assert_eq!(email(input).ok().as_deref(), expected, "input {input:?}");
        }
        let long = format!("{}@example.org", "a".repeat(MAX_EMAIL));
        assert!(email(&long).is_err());
    }

    #[test]
    fn numbers_from_forms() {
        assert_eq!(parse_number("target", "42"), Ok(42.0));
        assert_eq!(parse_number("target", " 12,5 "), Ok(12.5));
        assert_eq!(parse_number("target", "1 000"), Ok(1000.0));
        assert_eq!(parse_number("target", "-3"), Ok(-3.0));
        for bad in ["", "ten", "1e400", "NaN", "inf", "12%"] {
            assert_eq!(
                parse_number("target", bad),
                Err(Invalid::new("target", "Enter a number, like 42 or 12.5.")),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn client_ids_are_uuids() {
        assert!(client_id("id", "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f").is_ok());
        assert_eq!(
            client_id("id", " 6F1C2D3E-4B5A-4C6D-8E7F-0A1B2C3D4E5F ").unwrap(),
            "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f"
        );
        for bad in [
            "",
            "1",
            "6f1c2d3e4b5a4c6d8e7f0a1b2c3d4e5f",
            "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5g",
            "x; DROP TABLE objectives",
        ] {
            assert!(client_id("id", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn passwords() {
        assert!(new_password("short").is_err());
        assert!(new_password(&"p".repeat(MIN_PASSWORD)).is_ok());
        assert!(new_password(&"p".repeat(MAX_PASSWORD + 1)).is_err());
        // Spaces are kept: they are part of a passphrase.
        assert_eq!(
            new_password(" a long phrase "),
            Ok(" a long phrase ".into())
        );
    }
}
