//! The three roles a person can hold and what each one may do.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A person's role in the OKR program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Runs the OKR program: cycles, units, people, office screens.
    Ambassador,
    /// Drafts and proposes a team's OKRs, runs reviews and retrospectives.
    Lead,
    /// Owns key results, checks in, writes closing notes.
    Member,
}

impl Role {
    /// Every role, in the order the administration lists them.
    pub const ALL: [Role; 3] = [Role::Ambassador, Role::Lead, Role::Member];

    /// The stored and wire form.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Ambassador => "ambassador",
            Role::Lead => "lead",
            Role::Member => "member",
        }
    }

    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Ambassador => "Ambassador",
            Role::Lead => "Team lead",
            Role::Member => "Member",
        }
    }

    /// Only the ambassador administers people, units and the program.
    pub fn may_administer(self) -> bool {
        matches!(self, Role::Ambassador)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the three.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: choose ambassador, lead or member")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "ambassador" => Ok(Role::Ambassador),
            "lead" => Ok(Role::Lead),
            "member" => Ok(Role::Member),
            _ => Err(UnknownRole(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_form_round_trips() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
    }

    #[test]
    fn parsing_forgives_case_and_spaces_but_not_other_words() {
        assert_eq!(" Lead ".parse::<Role>(), Ok(Role::Lead));
        assert!("admin".parse::<Role>().is_err());
        assert!("".parse::<Role>().is_err());
    }

    #[test]
    fn only_the_ambassador_administers() {
        assert!(Role::Ambassador.may_administer());
        assert!(!Role::Lead.may_administer());
        assert!(!Role::Member.may_administer());
    }
}
