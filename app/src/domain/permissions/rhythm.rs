//! Who shapes the program's rhythm: the communication plan's meetings and
//! the agendas' shared notes. Everyone signed in reads the plan and the
//! team and review agendas; a one-on-one belongs to the person and their
//! leads.

use super::{Actor, Denied};
use crate::domain::rhythm::AgendaKey;
use crate::domain::roles::Role;

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

/// Whether `actor` may open the one-on-one agenda of `person`, who belongs
/// to `units`: the person, a lead of one of those units (or of a unit above
/// one), and the ambassador. Colleagues, leads beside them and people they
/// lead do not.
pub fn check_one_on_one(actor: &Actor, person: i64, units: &[i64]) -> Result<(), Denied> {
    let leads_them = actor.role == Role::Lead && units.iter().any(|unit| actor.led.contains(unit));
    if actor.id == person || actor.role == Role::Ambassador || leads_them {
        Ok(())
    } else {
        Err(Denied::OneOnOneOnly)
    }
}

/// Whether `actor` may write the shared notes of the agenda `key`
/// (`person_units`: for a one-on-one, the units its person belongs to):
/// a team's weekly by the people who act in the team; a department's
/// review by its leads; the all-hands by the ambassador; a one-on-one by
/// whoever may open it.
pub fn check_agenda_notes(
    actor: &Actor,
    key: AgendaKey,
    person_units: &[i64],
) -> Result<(), Denied> {
    let ambassador = actor.role == Role::Ambassador;
    match key {
        AgendaKey::OneOnOne(person) => check_one_on_one(actor, person, person_units),
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
    fn a_one_on_one_is_the_persons_and_their_leads() {
        // Priya is a member of Platform.
        let priya = (10, vec![PLATFORM]);
        let check = |who: &Actor| check_one_on_one(who, priya.0, &priya.1);
        assert_eq!(check(&actor(10, Role::Member, &[PLATFORM])), Ok(()));
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
        // Rights do not leak upward: Platform's lead cannot open the
        // one-on-one of someone in Engineering itself.
        let lead = actor(2, Role::Lead, &[PLATFORM]);
        assert_eq!(
            check_one_on_one(&lead, 11, &[ENGINEERING]),
            Err(Denied::OneOnOneOnly)
        );
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
            assert_eq!(check_agenda_notes(who, weekly, &[]), Ok(()), "{who:?}");
        }
        assert_eq!(
            check_agenda_notes(&web, weekly, &[]),
            Err(Denied::NotesNeedUnit)
        );
        // A team's member cannot write the department's weekly.
        assert_eq!(
            check_agenda_notes(&member, AgendaKey::Weekly(ENGINEERING), &[]),
            Err(Denied::NotesNeedUnit)
        );
        let review = AgendaKey::Review(Some(ENGINEERING));
        assert_eq!(check_agenda_notes(&department_lead, review, &[]), Ok(()));
        assert_eq!(check_agenda_notes(&ambassador, review, &[]), Ok(()));
        for who in [&team_lead, &member] {
            assert_eq!(
                check_agenda_notes(who, review, &[]),
                Err(Denied::NotesNeedLead)
            );
        }
        let all_hands = AgendaKey::Review(None);
        assert_eq!(check_agenda_notes(&ambassador, all_hands, &[]), Ok(()));
        assert_eq!(
            check_agenda_notes(&department_lead, all_hands, &[]),
            Err(Denied::NotesNeedLead)
        );
        let one_on_one = AgendaKey::OneOnOne(4);
        assert_eq!(check_agenda_notes(&member, one_on_one, &[PLATFORM]), Ok(()));
        assert_eq!(
            check_agenda_notes(&team_lead, one_on_one, &[PLATFORM]),
            Ok(())
        );
        assert_eq!(
            check_agenda_notes(&web, one_on_one, &[PLATFORM]),
            Err(Denied::OneOnOneOnly)
        );
    }
}
