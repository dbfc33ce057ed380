//! Who shapes the program's rhythm: the communication plan's meetings and
//! the agendas' shared notes. Everyone signed in reads the plan and the
//! team and review agendas; a one-on-one belongs to the person and their
//! leads.

use super::{Actor, Denied};
use crate::domain::rhythm::{AgendaKey, Level};
use crate::domain::roles::Role;
use crate::domain::units::UnitTree;

/// Whether `actor` may add, change or remove a meeting of the plan held for
/// `unit` (`None`: for every unit at its level): the ambassador any, a lead
/// only for a unit they lead (their own or one below it).
pub fn check_plan(actor: &Actor, unit: Option<i64>) -> Result<(), Denied> {
    match unit {
        _ if actor.role == Role::Ambassador => Ok(()),
        Some(unit) if actor.role == Role::Lead && actor.led.contains(&unit) => Ok(()),
        _ => Err(Denied::PlanNeedsLead),
    }
}

/// Whether `actor` may hold a meeting of the plan at `level` (with
/// [`check_plan`] for its unit): an organisation-wide meeting feeds the
/// all-hands, and is the ambassador's; the other levels are every planner's.
pub fn check_plan_level(actor: &Actor, level: Level) -> Result<(), Denied> {
    if level == Level::Organisation && actor.role != Role::Ambassador {
        Err(Denied::OrganisationPlanNeedsAmbassador)
    } else {
        Ok(())
    }
}

/// Whether `actor` may open the one-on-one agenda of `person`: the person,
/// the ambassador, and a lead above them — one who leads a unit the person
/// belongs to and, when the person leads too, the unit right above every
/// unit the person leads. Colleagues, leads beside them (two leads of one
/// team, even when one of them also leads another team), people they lead
/// and anyone below them do not, even when the person is also a member of a
/// team the viewer leads.
pub fn check_one_on_one(actor: &Actor, person: &Actor, tree: &UnitTree) -> Result<(), Denied> {
    let leads_a_unit_of_theirs = person.units.iter().any(|unit| actor.led.contains(unit));
    // `led` holds whole subtrees, so checking every unit's parent checks
    // the tops of the person's subtrees: a unit with no parent has nobody
    // above it but the ambassador.
    let above_them = person.led.iter().all(|unit| {
        tree.get(*unit)
            .and_then(|node| node.parent_id)
            .is_some_and(|parent| actor.led.contains(&parent))
    });
    let their_lead = actor.role == Role::Lead && leads_a_unit_of_theirs && above_them;
    if actor.id == person.id || actor.role == Role::Ambassador || their_lead {
        Ok(())
    } else {
        Err(Denied::OneOnOneOnly)
    }
}

/// Whether `actor` may write the shared notes of the agenda `key`
/// (`person`: for a one-on-one, its person): a team's weekly by the people
/// who act in the team; a department's review by its leads; the all-hands
/// by the ambassador; a one-on-one by whoever may open it.
pub fn check_agenda_notes(
    actor: &Actor,
    key: AgendaKey,
    person: Option<&Actor>,
    tree: &UnitTree,
) -> Result<(), Denied> {
    let ambassador = actor.role == Role::Ambassador;
    match key {
        AgendaKey::OneOnOne(_) => match person {
            Some(person) => check_one_on_one(actor, person, tree),
            None => Err(Denied::OneOnOneOnly),
        },
        _ if ambassador => Ok(()),
        AgendaKey::Weekly(unit) if actor.acts_in(unit) => Ok(()),
        AgendaKey::Weekly(_) => Err(Denied::NotesNeedUnit),
        AgendaKey::Review(Some(unit)) if actor.role == Role::Lead && actor.led.contains(&unit) => {
            Ok(())
        }
        AgendaKey::Review(_) => Err(Denied::NotesNeedLead),
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::tests_support::*;
    use super::*;

    #[test]
    fn plan_rows_belong_to_the_ambassador_and_to_leads_of_their_units() {
        let ambassador = actor(1, Role::Ambassador, &[]);
        let department_lead = actor(2, Role::Lead, &[ENGINEERING]);
        let team_lead = actor(3, Role::Lead, &[PLATFORM]);
        let member = actor(4, Role::Member, &[PLATFORM]);
        assert_eq!(check_plan(&ambassador, None), Ok(()));
        assert_eq!(check_plan(&ambassador, Some(SALES)), Ok(()));
        // Down the tree, never up or sideways, never organisation-wide.
        assert_eq!(check_plan(&department_lead, Some(ENGINEERING)), Ok(()));
        assert_eq!(check_plan(&department_lead, Some(PLATFORM)), Ok(()));
        assert_eq!(check_plan(&team_lead, Some(PLATFORM)), Ok(()));
        for (who, unit) in [
            (&team_lead, Some(ENGINEERING)),
            (&team_lead, Some(WEB)),
            (&department_lead, Some(COMPANY)),
            (&department_lead, Some(SALES)),
            (&department_lead, None),
            (&member, Some(PLATFORM)),
            (&member, None),
        ] {
            assert_eq!(
                check_plan(who, unit),
                Err(Denied::PlanNeedsLead),
                "{who:?} {unit:?}"
            );
        }
    }

    #[test]
    fn organisation_wide_meetings_are_the_ambassadors_at_every_level_below() {
        let ambassador = actor(1, Role::Ambassador, &[]);
        let leads = [
            actor(9, Role::Lead, &[COMPANY]),
            actor(2, Role::Lead, &[ENGINEERING]),
            actor(3, Role::Lead, &[PLATFORM]),
        ];
        for level in Level::ALL {
            assert_eq!(check_plan_level(&ambassador, level), Ok(()), "{level:?}");
        }
        for lead in &leads {
            assert_eq!(
                check_plan_level(lead, Level::Organisation),
                Err(Denied::OrganisationPlanNeedsAmbassador),
                "{lead:?}"
            );
            for level in [Level::Department, Level::Team, Level::Person] {
                assert_eq!(check_plan_level(lead, level), Ok(()), "{lead:?} {level:?}");
            }
        }
    }

    #[test]
    fn a_one_on_one_is_the_persons_and_their_leads_above_them() {
        // Priya is a member of Platform.
        let priya = actor(10, Role::Member, &[PLATFORM]);
        let check = |who: &Actor| check_one_on_one(who, &priya, &tree());
        assert_eq!(check(&priya), Ok(()));
        assert_eq!(check(&actor(1, Role::Ambassador, &[])), Ok(()));
        assert_eq!(check(&actor(2, Role::Lead, &[PLATFORM])), Ok(()));
        assert_eq!(check(&actor(3, Role::Lead, &[ENGINEERING])), Ok(()));
        assert_eq!(check(&actor(3, Role::Lead, &[COMPANY])), Ok(()));
        // A colleague, a lead beside, a member of the department above.
        for other in [
            actor(4, Role::Member, &[PLATFORM]),
            actor(5, Role::Lead, &[WEB]),
            actor(6, Role::Lead, &[SALES]),
            actor(7, Role::Member, &[ENGINEERING]),
        ] {
            assert_eq!(check(&other), Err(Denied::OneOnOneOnly), "{other:?}");
        }
    }

    #[test]
    fn a_leads_one_on_one_is_for_the_leads_above_them_only() {
        let jonas = actor(2, Role::Lead, &[PLATFORM]);
        let co_lead = actor(8, Role::Lead, &[PLATFORM]);
        // Elif leads Engineering and is also a member of Platform.
        let elif = actor(3, Role::Lead, &[ENGINEERING, PLATFORM]);
        // Upward: Platform's lead cannot open his department lead's, even
        // though she is a member of his team.
        assert_eq!(
            check_one_on_one(&jonas, &elif, &tree()),
            Err(Denied::OneOnOneOnly)
        );
        // Sideways: two leads of one team cannot open each other's.
        assert_eq!(
            check_one_on_one(&jonas, &co_lead, &tree()),
            Err(Denied::OneOnOneOnly)
        );
        assert_eq!(
            check_one_on_one(&co_lead, &jonas, &tree()),
            Err(Denied::OneOnOneOnly)
        );
        // Down: Elif opens Jonas's; the company's lead opens both.
        assert_eq!(check_one_on_one(&elif, &jonas, &tree()), Ok(()));
        let ceo = actor(9, Role::Lead, &[COMPANY]);
        assert_eq!(check_one_on_one(&ceo, &elif, &tree()), Ok(()));
        assert_eq!(
            check_one_on_one(&elif, &ceo, &tree()),
            Err(Denied::OneOnOneOnly)
        );
    }

    #[test]
    fn a_lead_of_one_more_team_is_still_beside_a_co_lead_not_above() {
        // Both lead Platform; Ana leads Web too. Her led units hold all of
        // his and more, but nothing of hers is above Platform.
        let ana = actor(2, Role::Lead, &[PLATFORM, WEB]);
        let ben = actor(8, Role::Lead, &[PLATFORM]);
        assert_eq!(
            check_one_on_one(&ana, &ben, &tree()),
            Err(Denied::OneOnOneOnly)
        );
        assert_eq!(
            check_one_on_one(&ben, &ana, &tree()),
            Err(Denied::OneOnOneOnly)
        );
        assert_eq!(
            check_agenda_notes(&ana, AgendaKey::OneOnOne(8), Some(&ben), &tree()),
            Err(Denied::OneOnOneOnly)
        );
        // Engineering's lead is above both.
        let elif = actor(3, Role::Lead, &[ENGINEERING]);
        assert_eq!(check_one_on_one(&elif, &ana, &tree()), Ok(()));
        assert_eq!(check_one_on_one(&elif, &ben, &tree()), Ok(()));
    }

    #[test]
    fn agenda_notes_follow_the_meeting() {
        let ambassador = actor(1, Role::Ambassador, &[]);
        let department_lead = actor(2, Role::Lead, &[ENGINEERING]);
        let team_lead = actor(3, Role::Lead, &[PLATFORM]);
        let member = actor(4, Role::Member, &[PLATFORM]);
        let web = actor(5, Role::Member, &[WEB]);
        let weekly = AgendaKey::Weekly(PLATFORM);
        for who in [&ambassador, &department_lead, &team_lead, &member] {
            assert_eq!(
                check_agenda_notes(who, weekly, None, &tree()),
                Ok(()),
                "{who:?}"
            );
        }
        assert_eq!(
            check_agenda_notes(&web, weekly, None, &tree()),
            Err(Denied::NotesNeedUnit)
        );
        // A team's member cannot write the department's weekly.
        assert_eq!(
            check_agenda_notes(&member, AgendaKey::Weekly(ENGINEERING), None, &tree()),
            Err(Denied::NotesNeedUnit)
        );
        let review = AgendaKey::Review(Some(ENGINEERING));
        assert_eq!(
            check_agenda_notes(&department_lead, review, None, &tree()),
            Ok(())
        );
        assert_eq!(
            check_agenda_notes(&ambassador, review, None, &tree()),
            Ok(())
        );
        for who in [&team_lead, &member] {
            assert_eq!(
                check_agenda_notes(who, review, None, &tree()),
                Err(Denied::NotesNeedLead)
            );
        }
        let all_hands = AgendaKey::Review(None);
        assert_eq!(
            check_agenda_notes(&ambassador, all_hands, None, &tree()),
            Ok(())
        );
        assert_eq!(
            check_agenda_notes(&department_lead, all_hands, None, &tree()),
            Err(Denied::NotesNeedLead)
        );
        let one_on_one = AgendaKey::OneOnOne(4);
        let person = Some(&member);
        assert_eq!(
            check_agenda_notes(&member, one_on_one, person, &tree()),
            Ok(())
        );
        assert_eq!(
            check_agenda_notes(&ambassador, one_on_one, None, &tree()),
            Err(Denied::OneOnOneOnly)
        );
        assert_eq!(
            check_agenda_notes(&team_lead, one_on_one, person, &tree()),
            Ok(())
        );
        assert_eq!(
            check_agenda_notes(&web, one_on_one, person, &tree()),
            Err(Denied::OneOnOneOnly)
        );
    }
}
