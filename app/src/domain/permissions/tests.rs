//! The permission rules, table by table and from every side of the tree.

use super::*;

pub(in crate::domain::permissions) mod tests_support {
    use super::{Actor, Role, UnitTree};
    use crate::domain::units::Node;

    // The organisation every test here uses, three levels deep:
    //   Company › Engineering › Platform
    //                         › Web
    //           › Sales
    pub(in crate::domain::permissions) const COMPANY: i64 = 1;
    pub(in crate::domain::permissions) const ENGINEERING: i64 = 2;
    pub(in crate::domain::permissions) const PLATFORM: i64 = 3;
    pub(in crate::domain::permissions) const WEB: i64 = 4;
    pub(in crate::domain::permissions) const SALES: i64 = 5;

    pub(in crate::domain::permissions) fn tree() -> UnitTree {
        let node = |id, parent_id, name: &str| Node {
            id,
            parent_id,
            name: name.into(),
        };
        UnitTree::new([
            node(COMPANY, None, "Company"),
            node(ENGINEERING, Some(COMPANY), "Engineering"),
            node(PLATFORM, Some(ENGINEERING), "Platform"),
            node(WEB, Some(ENGINEERING), "Web"),
            node(SALES, Some(COMPANY), "Sales"),
        ])
    }

    pub(in crate::domain::permissions) fn actor(id: i64, role: Role, units: &[i64]) -> Actor {
        Actor::new(id, role, units.to_vec(), &tree())
    }
}

mod rules {
    use super::*;

    use super::tests_support::*;

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

/// Rights across the levels of the tree and between siblings: every change
/// kind, a lead and a member at each level, an objective at each level.
mod across_the_tree {
    use super::tests_support::*;
    use super::*;

    /// The changes of each row's verdict string, in order.
    const CHANGES: [(Change, Status); 10] = [
        (Change::Edit, Status::Draft),
        (Change::Edit, Status::Active),
        (Change::SetStatus(Status::Proposed), Status::Draft),
        (Change::SetStatus(Status::Active), Status::Proposed),
        (Change::SetOwner, Status::Draft),
        (Change::UpdateKeyResult { owner: 99 }, Status::Active),
        (Change::CheckIn { owner: 99 }, Status::Active),
        (Change::Close, Status::Active),
        (Change::EditNote { author: 99 }, Status::Closed),
        (Change::CloseWithoutRetro, Status::Active),
    ];

    #[test]
    fn rights_flow_down_never_up_or_sideways() {
        let company_lead = actor(10, Role::Lead, &[COMPANY]);
        let company_member = actor(11, Role::Member, &[COMPANY]);
        let engineering_lead = actor(20, Role::Lead, &[ENGINEERING]);
        let engineering_member = actor(21, Role::Member, &[ENGINEERING]);
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let web_member = actor(31, Role::Member, &[WEB]);
        // Verdicts for CHANGES: y = allowed, n = refused.
        //   edit draft, edit active, propose, activate, give away,
        //   update KR, check in, close, edit someone's note,
        //   close without a retrospective
        #[rustfmt::skip]
        let rows: &[(&str, &Actor, i64, &str)] = &[
            // A lead leads their unit and everything below it.
            ("company lead, own unit",        &company_lead, COMPANY,     "yyyyyyyyny"),
            ("company lead, a department",    &company_lead, ENGINEERING, "yyyyyyyyny"),
            ("company lead, a team",          &company_lead, WEB,         "yyyyyyyyny"),
            ("engineering lead, own unit",    &engineering_lead, ENGINEERING, "yyyyyyyyny"),
            ("engineering lead, its team",    &engineering_lead, WEB,     "yyyyyyyyny"),
            ("engineering lead, its team",    &engineering_lead, PLATFORM, "yyyyyyyyny"),
            // …never the unit above, never a sibling.
            ("engineering lead, above",       &engineering_lead, COMPANY, "nnnnnnnnnn"),
            ("engineering lead, sibling",     &engineering_lead, SALES,   "nnnnnnnnnn"),
            ("web lead, own unit",            &web_lead, WEB,             "yyyyyyyyny"),
            ("web lead, the department above", &web_lead, ENGINEERING,    "nnnnnnnnnn"),
            ("web lead, the top",             &web_lead, COMPANY,         "nnnnnnnnnn"),
            ("web lead, sibling team",        &web_lead, PLATFORM,        "nnnnnnnnnn"),
            ("web lead, another department",  &web_lead, SALES,           "nnnnnnnnnn"),
            // A member acts in their own units only: drafts and closing.
            ("company member, own unit",      &company_member, COMPANY,   "ynnnnnnynn"),
            ("company member, below",         &company_member, ENGINEERING, "nnnnnnnnnn"),
            ("engineering member, own unit",  &engineering_member, ENGINEERING, "ynnnnnnynn"),
            ("engineering member, below",     &engineering_member, WEB,   "nnnnnnnnnn"),
            ("engineering member, above",     &engineering_member, COMPANY, "nnnnnnnnnn"),
            ("web member, own unit",          &web_member, WEB,           "ynnnnnnynn"),
            ("web member, above",             &web_member, ENGINEERING,   "nnnnnnnnnn"),
            ("web member, sibling",           &web_member, PLATFORM,      "nnnnnnnnnn"),
        ];
        for (name, who, unit, verdicts) in rows {
            assert_eq!(verdicts.len(), CHANGES.len(), "{name}");
            for ((change, status), verdict) in CHANGES.iter().zip(verdicts.chars()) {
                let scope = Scope {
                    status: *status,
                    owner_unit: *unit,
                    shared_units: vec![],
                };
                let result = check(who, *change, &scope);
                assert_eq!(
                    result.is_ok(),
                    verdict == 'y',
                    "{name}: {change:?} on a {status:?} objective: {result:?}"
                );
            }
        }
    }

    #[test]
    fn objectives_are_given_down_never_up_or_sideways() {
        let engineering_lead = actor(20, Role::Lead, &[ENGINEERING]);
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let web_member = actor(31, Role::Member, &[WEB]);
        let ambassador = actor(1, Role::Ambassador, &[]);
        assert_eq!(check_give(&engineering_lead, WEB), Ok(()));
        assert_eq!(check_give(&engineering_lead, ENGINEERING), Ok(()));
        assert_eq!(
            check_give(&engineering_lead, COMPANY),
            Err(Denied::GiveOutside)
        );
        assert_eq!(
            check_give(&engineering_lead, SALES),
            Err(Denied::GiveOutside)
        );
        assert_eq!(check_give(&web_lead, PLATFORM), Err(Denied::GiveOutside));
        assert_eq!(check_give(&web_lead, ENGINEERING), Err(Denied::GiveOutside));
        assert_eq!(check_give(&web_member, WEB), Err(Denied::GiveOutside));
        assert_eq!(check_give(&ambassador, SALES), Ok(()));
    }

    #[test]
    fn a_shared_objective_gives_the_sharing_unit_no_lead() {
        // Web shares Platform's objective: Web's people act on it (drafts,
        // closing), but Web's lead does not lead Platform's objective.
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let shared = |status| Scope {
            status,
            owner_unit: PLATFORM,
            shared_units: vec![WEB],
        };
        assert!(check(&web_lead, Change::Edit, &shared(Status::Draft)).is_ok());
        assert!(check(&web_lead, Change::Close, &shared(Status::Active)).is_ok());
        assert_eq!(
            check(&web_lead, Change::Edit, &shared(Status::Active)),
            Err(Denied::NotLead)
        );
        // A lead of another department has nothing to do with either unit.
        let sales_lead = actor(40, Role::Lead, &[SALES]);
        assert_eq!(
            check(&sales_lead, Change::Close, &shared(Status::Active)),
            Err(Denied::CloseNeedsUnit)
        );
    }

    #[test]
    fn refusals_name_the_rule() {
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let upward = Scope {
            status: Status::Active,
            owner_unit: ENGINEERING,
            shared_units: vec![],
        };
        let denied = check(&web_lead, Change::Edit, &upward).unwrap_err();
        assert!(
            denied.to_string().contains("of a unit above it"),
            "{denied}"
        );
    }

    #[test]
    fn invitations_are_answered_by_the_invited_units_leads_from_above_never_beside_or_below() {
        // Platform's objective invites Web.
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let engineering_lead = actor(20, Role::Lead, &[ENGINEERING]);
        let platform_lead = actor(10, Role::Lead, &[PLATFORM]);
        let web_member = actor(31, Role::Member, &[WEB]);
        let sales_lead = actor(40, Role::Lead, &[SALES]);
        let ambassador = actor(1, Role::Ambassador, &[]);
        for ok in [&web_lead, &engineering_lead, &ambassador] {
            assert_eq!(check_answer(ok, WEB, Status::Draft), Ok(()), "{ok:?}");
        }
        // The inviting unit's lead cannot accept for Web, Web's member
        // cannot, a lead beside cannot.
        for refused in [&platform_lead, &web_member, &sales_lead] {
            assert_eq!(
                check_answer(refused, WEB, Status::Active),
                Err(Denied::AnswerNeedsLead),
                "{refused:?}"
            );
        }
        // A Web lead leads nothing above Web: Engineering's invitation is
        // not theirs to answer.
        assert_eq!(
            check_answer(&web_lead, ENGINEERING, Status::Draft),
            Err(Denied::AnswerNeedsLead)
        );
        assert_eq!(
            check_answer(&ambassador, WEB, Status::Closed),
            Err(Denied::Closed)
        );
    }

    #[test]
    fn a_unit_states_its_own_commitment() {
        let web_member = actor(31, Role::Member, &[WEB]);
        let engineering_lead = actor(20, Role::Lead, &[ENGINEERING]);
        let platform_member = actor(11, Role::Member, &[PLATFORM]);
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let ambassador = actor(1, Role::Ambassador, &[]);
        for ok in [&web_member, &engineering_lead, &ambassador] {
            assert_eq!(check_commit(ok, WEB, Status::Active), Ok(()), "{ok:?}");
        }
        assert_eq!(
            check_commit(&platform_member, WEB, Status::Active),
            Err(Denied::CommitNeedsUnit)
        );
        // Upward: Web's lead does not speak for Engineering.
        assert_eq!(
            check_commit(&web_lead, ENGINEERING, Status::Active),
            Err(Denied::CommitNeedsUnit)
        );
        assert_eq!(
            check_commit(&web_member, WEB, Status::Closed),
            Err(Denied::Closed)
        );
    }

    #[test]
    fn kpis_are_edited_by_leads_from_above_never_beside_below_or_by_members() {
        let ambassador = actor(1, Role::Ambassador, &[]);
        let engineering_lead = actor(20, Role::Lead, &[ENGINEERING]);
        let platform_lead = actor(10, Role::Lead, &[PLATFORM]);
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let platform_member = actor(11, Role::Member, &[PLATFORM]);
        let sales_lead = actor(50, Role::Lead, &[SALES]);
        for ok in [&ambassador, &engineering_lead, &platform_lead] {
            assert_eq!(check_kpi(ok, PLATFORM), Ok(()), "{ok:?}");
        }
        // Beside, below, a member of the unit itself, another branch.
        for refused in [&web_lead, &platform_member, &sales_lead] {
            assert_eq!(
                check_kpi(refused, PLATFORM),
                Err(Denied::KpiNeedsLead),
                "{refused:?}"
            );
        }
        // Upward: Platform's lead does not edit Engineering's KPIs.
        assert_eq!(
            check_kpi(&platform_lead, ENGINEERING),
            Err(Denied::KpiNeedsLead)
        );
        assert_eq!(
            check_kpi(&engineering_lead, COMPANY),
            Err(Denied::KpiNeedsLead)
        );
    }

    #[test]
    fn a_kpi_s_owner_records_its_readings_without_editing_it() {
        let platform_member = actor(11, Role::Member, &[PLATFORM]);
        let other_member = actor(12, Role::Member, &[PLATFORM]);
        let web_lead = actor(30, Role::Lead, &[WEB]);
        let engineering_lead = actor(20, Role::Lead, &[ENGINEERING]);
        assert_eq!(check_kpi_reading(&platform_member, PLATFORM, 11), Ok(()));
        assert_eq!(
            check_kpi(&platform_member, PLATFORM),
            Err(Denied::KpiNeedsLead)
        );
        assert_eq!(
            check_kpi_reading(&other_member, PLATFORM, 11),
            Err(Denied::ReadingNeedsOwner)
        );
        assert_eq!(
            check_kpi_reading(&web_lead, PLATFORM, 11),
            Err(Denied::ReadingNeedsOwner)
        );
        assert_eq!(check_kpi_reading(&engineering_lead, PLATFORM, 11), Ok(()));
    }
}
