//! Who may change what on the planning board. Everyone signed in sees
//! every objective; changing one depends on the role, the units one belongs
//! to, and where the objective is in its life. The server asks these
//! functions before every change; the board asks them to offer only what
//! will work.

use super::okr::Status;
use super::roles::Role;

/// The person asking, as far as permissions care.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: i64,
    pub role: Role,
    /// Units the person belongs to, and every unit above those: a lead of
    /// a department leads its teams too.
    pub units: Vec<i64>,
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
    /// Edit the closing note of a closed objective: its author or the ambassador.
    EditNote { author: i64 },
}

/// Why a change is refused, in words for the person who tried.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Only members of the owning unit can change its draft objectives.")]
    NotInUnit,
    #[error(
        "Only a lead of the owning unit or the ambassador can change an objective once it is proposed."
    )]
    NotLead,
    #[error("Only a lead of the owning unit or the ambassador can {0}.")]
    StatusNeedsLead(&'static str),
    #[error("An objective cannot go from {from} to {to}.")]
    NoSuchStep {
        from: &'static str,
        to: &'static str,
    },
    #[error("A closed objective is part of the record and cannot be changed.")]
    Closed,
    #[error("Only the key result's owner, a lead of the unit or the ambassador can update it.")]
    NotOwner,
    #[error("Check-ins are for active objectives; this one is {0}.")]
    NotActive(&'static str),
    #[error(
        "Only people of the owning or sharing units and the ambassador can close this objective."
    )]
    CloseNeedsUnit,
    #[error("Only a closed objective has a closing note to edit.")]
    NotClosed,
    #[error("Only the note's author and the ambassador can edit a closing note.")]
    NotAuthor,
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
    fn in_unit(&self, scope: &Scope) -> bool {
        self.units.contains(&scope.owner_unit)
            || scope.shared_units.iter().any(|u| self.units.contains(u))
    }

    fn leads(&self, scope: &Scope) -> bool {
        self.role == Role::Lead && self.units.contains(&scope.owner_unit)
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

#[cfg(test)]
mod tests {
    use super::*;

    const PLATFORM: i64 = 5;
    const WEB: i64 = 6;

    fn actor(id: i64, role: Role, units: &[i64]) -> Actor {
        Actor {
            id,
            role,
            units: units.to_vec(),
        }
    }

    fn scope(status: Status) -> Scope {
        Scope {
            status,
            owner_unit: PLATFORM,
            shared_units: vec![],
        }
    }

    #[test]
    fn the_rules_in_one_table() {
        use Change::*;
        use Status::*;
        let ambassador = actor(1, Role::Ambassador, &[]);
        let lead = actor(2, Role::Lead, &[PLATFORM]);
        let other_lead = actor(3, Role::Lead, &[WEB]);
        let member = actor(4, Role::Member, &[PLATFORM]);
        let outsider = actor(5, Role::Member, &[WEB]);
        let cases: &[(&Actor, Change, Status, bool)] = &[
            // Drafts: anyone in the unit edits; nobody outside does.
            (&member, Edit, Draft, true),
            (&lead, Edit, Draft, true),
            (&outsider, Edit, Draft, false),
            (&other_lead, Edit, Draft, false),
            (&ambassador, Edit, Draft, true),
            // Once proposed, only the unit's lead and the ambassador edit.
            (&member, Edit, Proposed, false),
            (&lead, Edit, Proposed, true),
            (&lead, Edit, Active, true),
            (&ambassador, Edit, Active, true),
            // Status: leads and the ambassador move objectives along.
            (&member, SetStatus(Proposed), Draft, false),
            (&lead, SetStatus(Proposed), Draft, true),
            (&other_lead, SetStatus(Proposed), Draft, false),
            (&member, SetStatus(Active), Proposed, false),
            (&lead, SetStatus(Active), Proposed, true),
            (&lead, SetStatus(Draft), Proposed, true),
            (&ambassador, SetStatus(Active), Proposed, true),
            // Only one step at a time, and never past closed.
            (&ambassador, SetStatus(Active), Draft, false),
            (&ambassador, SetStatus(Draft), Active, false),
            (&ambassador, Edit, Closed, false),
            // Key results: their owner, the unit's lead, the ambassador.
            (&member, UpdateKeyResult { owner: 4 }, Active, true),
            (&member, UpdateKeyResult { owner: 9 }, Active, false),
            (&lead, UpdateKeyResult { owner: 9 }, Active, true),
            (&outsider, UpdateKeyResult { owner: 9 }, Active, false),
            // Check-ins: the same people, on active objectives only.
            (&member, CheckIn { owner: 4 }, Active, true),
            (&member, CheckIn { owner: 9 }, Active, false),
            (&lead, CheckIn { owner: 9 }, Active, true),
            (&other_lead, CheckIn { owner: 9 }, Active, false),
            (&ambassador, CheckIn { owner: 9 }, Active, true),
            (&member, CheckIn { owner: 4 }, Draft, false),
            (&ambassador, CheckIn { owner: 9 }, Proposed, false),
            (&ambassador, CheckIn { owner: 9 }, Closed, false),
            // Closing: anyone of the unit, its lead, the ambassador; once.
            (&member, Close, Active, true),
            (&member, Close, Draft, true),
            (&lead, Close, Proposed, true),
            (&outsider, Close, Active, false),
            (&other_lead, Close, Active, false),
            (&ambassador, Close, Active, true),
            (&ambassador, Close, Closed, false),
            // Closing notes: their author and the ambassador, once closed.
            (&member, EditNote { author: 4 }, Closed, true),
            (&lead, EditNote { author: 4 }, Closed, false),
            (&outsider, EditNote { author: 4 }, Closed, false),
            (&ambassador, EditNote { author: 4 }, Closed, true),
            (&member, EditNote { author: 4 }, Active, false),
            // Giving an objective away: the lead or the ambassador.
            (&member, SetOwner, Draft, false),
            (&lead, SetOwner, Draft, true),
        ];
        for (who, change, status, allowed) in cases {
            let result = check(who, *change, &scope(*status));
            assert_eq!(
                result.is_ok(),
                *allowed,
                "{:?} {change:?} on {status:?}: {result:?}",
                who.role
            );
        }
    }

    #[test]
    fn members_of_a_sharing_unit_edit_shared_drafts() {
        let outsider = actor(5, Role::Member, &[WEB]);
        let shared = Scope {
            shared_units: vec![WEB],
            ..scope(Status::Draft)
        };
        assert_eq!(check(&outsider, Change::Edit, &shared), Ok(()));
        // …but leading the sharing unit does not make one lead of the owner.
        let web_lead = actor(3, Role::Lead, &[WEB]);
        let proposed = Scope {
            status: Status::Proposed,
            ..shared
        };
        assert!(check(&web_lead, Change::SetStatus(Status::Active), &proposed).is_err());
    }

    #[test]
    fn refusals_say_why() {
        let member = actor(4, Role::Member, &[PLATFORM]);
        let denied = check(
            &member,
            Change::SetStatus(Status::Active),
            &scope(Status::Proposed),
        )
        .unwrap_err();
        assert!(denied.to_string().contains("activate"));
        let denied = check(
            &member,
            Change::SetStatus(Status::Closed),
            &scope(Status::Active),
        )
        .unwrap_err();
        assert_eq!(
            denied,
            Denied::NoSuchStep {
                from: "active",
                to: "closed"
            }
        );
    }
}
