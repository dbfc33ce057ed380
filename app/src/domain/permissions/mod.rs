//! Who may change what on the planning board. Everyone signed in sees
//! every objective; changing one depends on the role, the units one belongs
//! to, and where the objective is in its life. The server asks these
//! functions before every change; the board asks them to offer only what
//! will work.

//!
//! Rights flow **down** the unit tree, never up or sideways: a lead leads
//! their own units and every unit below them; a member acts in the units
//! they belong to and only those; the ambassador runs everything.

mod rhythm;

pub use rhythm::{check_agenda_notes, check_one_on_one, check_plan, check_plan_level};

use super::okr::Status;
use super::roles::Role;
use super::units::UnitTree;

/// The person asking, as far as permissions care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub role: Role,
    /// Units the person belongs to. A member acts in these and only these.
    pub units: Vec<i64>,
    /// Units the person leads: for a lead, their own units and every unit
    /// below them (a lead of a department leads its teams); empty for
    /// everyone else. Never a unit above or beside their own.
    pub led: Vec<i64>,
}

/// The objective being changed, as far as permissions care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub status: Status,
    pub owner_unit: i64,
    /// Further units of a shared (cross-functional) objective.
    pub shared_units: Vec<i64>,
}

/// A change to an objective or its key results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Title, description, whys, kind, parent, key results' definitions.
    Edit,
    /// Move to another status (checked against [`next_statuses`] too).
    SetStatus(Status),
    /// Give the objective to another unit.
    SetOwner,
    /// Record a key result's current value.
    UpdateKeyResult { owner: i64 },
    /// Check in on a key result: its owner, a lead of the unit, the
    /// ambassador — and only while the objective is active.
    CheckIn { owner: i64 },
    /// Close an open objective with its closing note: anyone in the owning
    /// or a sharing unit, a lead of the owning unit, the ambassador.
    Close,
    /// Close an objective without a retrospective, with a reason: a lead of
    /// the owning unit or of a unit above it, the ambassador. Skipping the
    /// retrospective is a decision, not a shortcut for whoever is closing.
    CloseWithoutRetro,
    /// Edit the closing note of a closed objective: its author or the ambassador.
    EditNote { author: i64 },
}

/// Why a change is refused, in words for the person who tried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error(
        "Only people of the owning unit and leads of the units above it can change its draft objectives."
    )]
    NotInUnit,
    #[error(
        "Only a lead of the owning unit or of a unit above it, or the ambassador, can change an objective once it is proposed."
    )]
    NotLead,
    #[error("Only a lead of the owning unit or of a unit above it, or the ambassador, can {0}.")]
    StatusNeedsLead(&'static str),
    #[error("A lead can give an objective only to a unit they lead: their own or one below it.")]
    GiveOutside,
    #[error("An objective cannot go from {from} to {to}.")]
    NoSuchStep {
        from: &'static str,
        to: &'static str,
    },
    #[error("A closed objective is part of the record and cannot be changed.")]
    Closed,
    #[error(
        "Only the key result's owner, a lead of the unit or of a unit above it, or the ambassador can update it."
    )]
    NotOwner,
    #[error("Check-ins are for active objectives; this one is {0}.")]
    NotActive(&'static str),
    #[error(
        "Only people of the owning or sharing units, leads of the units above them, and the ambassador can close this objective."
    )]
    CloseNeedsUnit,
    #[error(
        "Only a lead of the owning unit or of a unit above it, or the ambassador, can close an objective without a retrospective."
    )]
    SkipRetroNeedsLead,
    #[error("Only a closed objective has a closing note to edit.")]
    NotClosed,
    #[error("Only the note's author and the ambassador can edit a closing note.")]
    NotAuthor,
    #[error(
        "Only a lead of the invited unit or of a unit above it, or the ambassador, can answer this invitation."
    )]
    AnswerNeedsLead,
    #[error(
        "Only people of that unit, leads of the units above it, and the ambassador can say what it commits."
    )]
    CommitNeedsUnit,
    #[error(
        "Only a lead of the KPI's unit or of a unit above it, or the ambassador, can change this KPI."
    )]
    KpiNeedsLead,
    #[error(
        "Only the KPI's owner, a lead of its unit or of a unit above it, or the ambassador can record its readings."
    )]
    ReadingNeedsOwner,
    #[error(
        "Only the ambassador can change the organisation's meetings; a lead adds and changes the meetings of the units they lead."
    )]
    PlanNeedsLead,
    #[error(
        "Organisation-wide meetings are planned by the OKR ambassador: choose your unit's level."
    )]
    OrganisationPlanNeedsAmbassador,
    #[error(
        "A one-on-one is between a person and their lead: only they and the ambassador can open it."
    )]
    OneOnOneOnly,
    #[error("Only people of this unit, leads above it and the ambassador can write these notes.")]
    NotesNeedUnit,
    #[error("Only the ambassador and leads of this unit or above it can write these notes.")]
    NotesNeedLead,
}

/// The statuses one step away. Closing needs a closing note, so it is not
/// offered here (it has its own form).
pub fn next_statuses(from: Status) -> &'static [Status] {
    match from {
        Status::Draft => &[Status::Proposed],
        Status::Proposed => &[Status::Active, Status::Draft],
        Status::Active => &[],
        Status::Closed => &[],
    }
}

impl Actor {
    /// The actor for a person of `role` who belongs to `own` units: a lead
    /// leads those and everything below them in `tree`.
    pub fn new(id: i64, role: Role, own: Vec<i64>, tree: &UnitTree) -> Self {
        let mut led = Vec::new();
        if role == Role::Lead {
            for unit in &own {
                for below in tree.subtree(*unit) {
                    if !led.contains(&below) {
                        led.push(below);
                    }
                }
            }
        }
        Actor {
            id,
            role,
            units: own,
            led,
        }
    }

    /// Whether the person acts in `unit`: they belong to it or lead it.
    pub fn acts_in(&self, unit: i64) -> bool {
        self.units.contains(&unit) || self.led.contains(&unit)
    }

    fn in_unit(&self, scope: &Scope) -> bool {
        self.acts_in(scope.owner_unit) || scope.shared_units.iter().any(|u| self.acts_in(*u))
    }

    fn leads(&self, scope: &Scope) -> bool {
        self.role == Role::Lead && self.led.contains(&scope.owner_unit)
    }
}

/// Whether `actor` may give an objective they may re-own (see
/// [`Change::SetOwner`]) to `unit`: the ambassador to any unit, a lead only
/// to a unit they lead, so nobody hands work up or sideways.
pub fn check_give(actor: &Actor, unit: i64) -> Result<(), Denied> {
    if actor.role == Role::Ambassador || (actor.role == Role::Lead && actor.led.contains(&unit)) {
        Ok(())
    } else {
        Err(Denied::GiveOutside)
    }
}

/// Whether `actor` may accept or decline an invitation for `unit` to share
/// an objective: a lead of that unit (or of a unit above it) or the
/// ambassador. Inviting gives the unit nothing until then, so nobody can
/// hand another unit's members rights over their objective.
pub fn check_answer(actor: &Actor, unit: i64, status: Status) -> Result<(), Denied> {
    if status == Status::Closed {
        Err(Denied::Closed)
    } else if actor.role == Role::Ambassador
        || (actor.role == Role::Lead && actor.led.contains(&unit))
    {
        Ok(())
    } else {
        Err(Denied::AnswerNeedsLead)
    }
}

/// Whether `actor` may say what `unit` commits to a shared objective:
/// people acting in that unit (its members, leads above it) or the
/// ambassador — a unit speaks for itself.
pub fn check_commit(actor: &Actor, unit: i64, status: Status) -> Result<(), Denied> {
    if status == Status::Closed {
        Err(Denied::Closed)
    } else if actor.role == Role::Ambassador || actor.acts_in(unit) {
        Ok(())
    } else {
        Err(Denied::CommitNeedsUnit)
    }
}

/// Whether `actor` may define or change a KPI owned by `unit` (or move one
/// there): a lead of that unit or of a unit above it, or the ambassador.
/// Everyone sees every KPI; members and leads beside or below do not edit.
pub fn check_kpi(actor: &Actor, unit: i64) -> Result<(), Denied> {
    if actor.role == Role::Ambassador || (actor.role == Role::Lead && actor.led.contains(&unit)) {
        Ok(())
    } else {
        Err(Denied::KpiNeedsLead)
    }
}

/// Whether `actor` may record readings of a KPI owned by `unit` whose owner
/// is `owner`: whoever may edit it, and its owner, who keeps the numbers.
pub fn check_kpi_reading(actor: &Actor, unit: i64, owner: i64) -> Result<(), Denied> {
    if actor.id == owner || check_kpi(actor, unit).is_ok() {
        Ok(())
    } else {
        Err(Denied::ReadingNeedsOwner)
    }
}

/// Whether `actor` may make `change` to the objective in `scope`.
pub fn check(actor: &Actor, change: Change, scope: &Scope) -> Result<(), Denied> {
    if let Change::SetStatus(to) = change
        && !next_statuses(scope.status).contains(&to)
    {
        return Err(Denied::NoSuchStep {
            from: scope.status.as_str(),
            to: to.as_str(),
        });
    }
    if let Change::EditNote { author } = change {
        return if scope.status != Status::Closed {
            Err(Denied::NotClosed)
        } else if actor.id == author || actor.role == Role::Ambassador {
            Ok(())
        } else {
            Err(Denied::NotAuthor)
        };
    }
    if scope.status == Status::Closed {
        return Err(Denied::Closed);
    }
    if let Change::CheckIn { .. } = change
        && scope.status != Status::Active
    {
        return Err(Denied::NotActive(scope.status.as_str()));
    }
    if actor.role == Role::Ambassador {
        return Ok(());
    }
    let lead = actor.leads(scope);
    match change {
        Change::Edit if scope.status == Status::Draft => {
            if actor.in_unit(scope) {
                Ok(())
            } else {
                Err(Denied::NotInUnit)
            }
        }
        Change::Edit | Change::SetOwner => {
            if lead {
                Ok(())
            } else if scope.status == Status::Draft {
                Err(Denied::NotInUnit)
            } else {
                Err(Denied::NotLead)
            }
        }
        Change::SetStatus(to) => {
            let verb = match (scope.status, to) {
                (Status::Draft, Status::Proposed) => "propose an objective",
                (Status::Proposed, Status::Active) => "activate an objective",
                _ => "send a proposal back to draft",
            };
            if lead {
                Ok(())
            } else {
                Err(Denied::StatusNeedsLead(verb))
            }
        }
        Change::Close => {
            if lead || actor.in_unit(scope) {
                Ok(())
            } else {
                Err(Denied::CloseNeedsUnit)
            }
        }
        Change::CloseWithoutRetro => {
            if lead {
                Ok(())
            } else {
                Err(Denied::SkipRetroNeedsLead)
            }
        }
        // Answered above, before the closed check.
        Change::EditNote { .. } => Err(Denied::NotAuthor),
        Change::UpdateKeyResult { owner } | Change::CheckIn { owner } => {
            if owner == actor.id || lead {
                Ok(())
            } else {
                Err(Denied::NotOwner)
            }
        }
    }
}

/// The organisation the permission tests share.
#[cfg(test)]
mod tests;
