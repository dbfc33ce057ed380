//! Alignment links and the governance of shared objectives, from every side
//! of the unit tree: the owning unit, a unit above, a sibling, the invited
//! unit's members and leads, the ambassador.

use crate::common;

use common::board::{
    WEB_LEAD, WEB_MEMBER, activate, create_objective, link, new_cycle, on_board, update, uuid,
};
use common::{AMBASSADOR, LEAD, MEMBER, TestApp};
use reqwest::{Client, StatusCode};
use serde_json::Value;

const SUPPORT_LEAD: &str = "sam@northstar.demo";

fn message(body: &Value) -> &str {
    body["detail"]["message"].as_str().unwrap_or_default()
}

async fn objective(
    app: &TestApp,
    client: &Client,
    cycle: &str,
    n: u32,
    unit: &str,
    title: &str,
) -> Value {
    let (status, body) = create_objective(app, client, cycle, &uuid(n), unit, title).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_objective_supports_several_and_a_circle_is_refused_by_name() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let maya = app.signed_in(AMBASSADOR).await;
    objective(&app, &maya, &cycle, 1, "Engineering", "Engineering is fast").await;
    objective(&app, &maya, &cycle, 2, "Customer Success", "Customers stay").await;
    objective(&app, &maya, &cycle, 3, "Platform", "Deploys are boring").await;

    // Platform's objective supports both.
    for target in [uuid(1), uuid(2)] {
        let (status, body) = link(&app, &maya, &uuid(3), &target, true).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (_, saved) = link(&app, &maya, &uuid(3), &uuid(2), true).await;
    assert_eq!(saved["supports"], serde_json::json!([uuid(1), uuid(2)]));
    // A retried link changes nothing: same version, one row.
    let (_, again) = link(&app, &maya, &uuid(3), &uuid(2), true).await;
    assert_eq!(again["version"], saved["version"]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM objective_links WHERE objective_id = '00000000-0000-4000-8000-000000000003'")
            .await,
        2
    );

    // Engineering's supporting Platform's would close a circle: named.
    let (status, body) = link(&app, &maya, &uuid(1), &uuid(3), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(
        message(&body),
        "That would close a circle: “Engineering is fast” would support “Deploys are boring”, which supports “Engineering is fast”."
    );
    let (status, body) = link(&app, &maya, &uuid(1), &uuid(1), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(message(&body), "An objective cannot support itself.");
    // Through a third objective too.
    objective(&app, &maya, &cycle, 4, "Web", "Pages are instant").await;
    link(&app, &maya, &uuid(4), &uuid(3), true).await;
    let (status, body) = link(&app, &maya, &uuid(2), &uuid(4), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        message(&body)
            .contains("which supports “Deploys are boring”, which supports “Customers stay”"),
        "{body}"
    );

    // Removing one link leaves the other; removing again changes nothing.
    let (status, body) = link(&app, &maya, &uuid(3), &uuid(1), false).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["supports"], serde_json::json!([uuid(2)]));
    let (_, again) = link(&app, &maya, &uuid(3), &uuid(1), false).await;
    assert_eq!(again["version"], body["version"]);
    // Now the link that closed a circle is fine.
    assert_eq!(
        link(&app, &maya, &uuid(1), &uuid(3), true).await.0,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_stay_in_the_cycle_or_reach_an_enclosing_one() {
    let app = TestApp::start().await;
    let quarter = new_cycle(&app).await;
    let maya = app.signed_in(AMBASSADOR).await;
    let cycle = |name: &'static str, start: &'static str, end: &'static str| {
        let maya = maya.clone();
        let app = &app;
        async move {
            let (status, body) = app
                .call_json(
                    &maya,
                    "create_cycle",
                    &[
                        ("name", name),
                        ("start", start),
                        ("end", end),
                        ("planning_days", "14"),
                        ("retro_days", "7"),
                    ],
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{body}");
            body["id"].as_i64().unwrap().to_string()
        }
    };
    let year = cycle("2026", "2026-01-01", "2026-12-31").await;
    let next = cycle("Q1 2027", "2027-01-01", "2027-03-31").await;
    objective(&app, &maya, &quarter, 1, "Platform", "Deploys are boring").await;
    objective(&app, &maya, &year, 2, "Engineering", "Reliable everywhere").await;
    objective(&app, &maya, &next, 3, "Engineering", "Next quarter's goal").await;

    assert_eq!(
        link(&app, &maya, &uuid(1), &uuid(2), true).await.0,
        StatusCode::OK
    );
    let (status, body) = link(&app, &maya, &uuid(1), &uuid(3), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(message(&body).contains("cycle around it"), "{body}");
    // The year's objective cannot support the quarter's: the quarter does
    // not enclose the year.
    let (status, _) = link(&app, &maya, &uuid(2), &uuid(1), true).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The quarter's board offers the year's objectives and names the link.
    let (_, board) = app
        .call_json(&maya, "get_board", &[("cycle_id", &quarter)])
        .await;
    let outside = board["outside"].as_array().unwrap();
    assert_eq!(outside.len(), 1, "{outside:?}");
    assert_eq!(outside[0]["cycle_name"], "2026");
    assert_eq!(
        board["objectives"][0]["supports"],
        serde_json::json!([uuid(2)])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linking_is_an_edit_of_the_supporting_objective_by_its_own_people_only() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let maya = app.signed_in(AMBASSADOR).await;
    objective(&app, &maya, &cycle, 1, "Engineering", "Engineering is fast").await;
    let priya = app.signed_in(MEMBER).await;
    objective(&app, &priya, &cycle, 2, "Platform", "Deploys are boring").await;
    objective(&app, &maya, &cycle, 3, "Web", "Pages are instant").await;

    // Priya drafts in Platform: she links Platform's draft, not Web's.
    assert_eq!(
        link(&app, &priya, &uuid(2), &uuid(1), true).await.0,
        StatusCode::OK
    );
    assert_eq!(
        link(&app, &priya, &uuid(3), &uuid(1), true).await.0,
        StatusCode::FORBIDDEN
    );
    // Tomás leads Web, a sibling: not Platform's objective; not upward
    // either (Engineering's objective is above him).
    let tomas = app.signed_in(WEB_LEAD).await;
    assert_eq!(
        link(&app, &tomas, &uuid(2), &uuid(1), false).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        link(&app, &tomas, &uuid(1), &uuid(3), true).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        link(&app, &tomas, &uuid(3), &uuid(1), true).await.0,
        StatusCode::OK
    );
    // Once active, only a lead of the owning unit (or above) links it.
    activate(&app, &maya, &cycle, &uuid(3)).await;
    let lea = app.signed_in(WEB_MEMBER).await;
    assert_eq!(
        link(&app, &lea, &uuid(3), &uuid(1), false).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        link(&app, &tomas, &uuid(3), &uuid(1), false).await.0,
        StatusCode::OK
    );
    // Signed out: nothing.
    assert_eq!(
        link(&app, &app.client(), &uuid(2), &uuid(1), false).await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_unit_gains_nothing_until_its_lead_accepts() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let priya = app.signed_in(MEMBER).await;
    let draft = objective(&app, &priya, &cycle, 1, "Platform", "One design system").await;
    let web = app.unit_id("Web").await;
    let support = app.unit_id("Support").await;
    let (status, invited) = update(
        &app,
        &priya,
        &draft,
        "shared_units",
        &format!("{web},{support}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{invited}");
    assert_eq!(
        invited["invited_unit_ids"],
        serde_json::json!([web, support])
    );
    assert_eq!(invited["shared_unit_ids"], serde_json::json!([]));

    // Lea (Web) has no rights yet: no editing, no closing.
    let lea = app.signed_in(WEB_MEMBER).await;
    assert_eq!(
        update(&app, &lea, &invited, "title", "Ours").await.0,
        StatusCode::FORBIDDEN
    );
    let answer = |client: Client, unit: i64, accept: bool| {
        let app = &app;
        async move {
            let unit = unit.to_string();
            let accept = accept.to_string();
            app.call_json(
                &client,
                "answer_invitation",
                &[
                    ("id", uuid(1).as_str()),
                    ("unit_id", unit.as_str()),
                    ("accept", accept.as_str()),
                ],
            )
            .await
        }
    };
    // Nobody but Web's lead (or the ambassador) answers for Web: not the
    // inviter, not Platform's lead, not Web's member, not another lead.
    for email in [MEMBER, LEAD, WEB_MEMBER, SUPPORT_LEAD] {
        let client = app.signed_in(email).await;
        let (status, body) = answer(client, web, true).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{email}: {body}");
    }
    let tomas = app.signed_in(WEB_LEAD).await;
    let (status, accepted) = answer(tomas.clone(), web, true).await;
    assert_eq!(status, StatusCode::OK, "{accepted}");
    assert_eq!(accepted["shared_unit_ids"], serde_json::json!([web]));
    assert_eq!(accepted["invited_unit_ids"], serde_json::json!([support]));
    // Accepting twice is the same as once; Tomás cannot answer for Support.
    assert_eq!(
        answer(tomas.clone(), web, true).await.1["version"],
        accepted["version"]
    );
    assert_eq!(answer(tomas, support, false).await.0, StatusCode::FORBIDDEN);
    // Now Lea edits the shared draft.
    let (status, body) = update(&app, &lea, &accepted, "title", "One design system, web too").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // Sam declines for Support: the invitation goes; answering again is a conflict.
    let sam = app.signed_in(SUPPORT_LEAD).await;
    let (status, declined) = answer(sam.clone(), support, false).await;
    assert_eq!(status, StatusCode::OK, "{declined}");
    assert_eq!(declined["invited_unit_ids"], serde_json::json!([]));
    assert_eq!(answer(sam, support, true).await.0, StatusCode::CONFLICT);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_unit_says_what_it_commits_and_a_shared_objective_needs_one_who_decides() {
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let maya = app.signed_in(AMBASSADOR).await;
    let draft = objective(&app, &maya, &cycle, 1, "Platform", "One design system").await;
    let web = app.unit_id("Web").await;
    let platform = app.unit_id("Platform").await;
    let (status, body) = update(&app, &maya, &draft, "shared_units", &web.to_string()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let commit = |client: Client, unit: i64, previous: &'static str, text: String| {
        let app = &app;
        async move {
            let unit = unit.to_string();
            app.call_json(
                &client,
                "set_commitment",
                &[
                    ("id", uuid(1).as_str()),
                    ("unit_id", unit.as_str()),
                    ("previous", previous),
                    ("commitment", text.as_str()),
                ],
            )
            .await
        }
    };
    // Web speaks for Web (even while invited); Platform does not.
    let lea = app.signed_in(WEB_MEMBER).await;
    let priya = app.signed_in(MEMBER).await;
    assert_eq!(
        commit(priya.clone(), web, "", "Web gives two people".into())
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (status, body) = commit(lea.clone(), web, "", "Two engineers for six weeks".into()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        body["commitments"][0]["text"],
        "Two engineers for six weeks"
    );
    // A change based on an older text is refused, naming the current one.
    let (status, body) = commit(lea.clone(), web, "", "One engineer".into()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body.to_string().contains("Two engineers for six weeks"),
        "{body}"
    );
    let (status, body) = commit(lea, web, "", "x".repeat(301)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["detail"]["field"], "commitment");
    // Support is not part of it.
    let support = app.unit_id("Support").await;
    let (status, _) = commit(maya.clone(), support, "", "Nothing".into()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        commit(priya, platform, "", "The build pipeline".into())
            .await
            .0,
        StatusCode::OK
    );

    // No activation without a decision owner.
    let shared_now = on_board(&app, &maya, &cycle, &uuid(1)).await;
    let (_, proposed) = update(&app, &maya, &shared_now, "status", "proposed").await;
    let (status, body) = update(&app, &maya, &proposed, "status", "active").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(message(&body).contains("decision owner"), "{body}");
    let jonas = app.person_id(LEAD).await.to_string();
    let (status, body) = update(&app, &maya, &proposed, "decision_owner_id", "99999").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, owned) = update(&app, &maya, &proposed, "decision_owner_id", &jonas).await;
    assert_eq!(status, StatusCode::OK, "{owned}");
    let (status, active) = update(&app, &maya, &owned, "status", "active").await;
    assert_eq!(status, StatusCode::OK, "{active}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invited_unit_cannot_close_the_objective_until_it_accepts() {
    use common::lessons::{NOTE, close};
    let app = TestApp::start().await;
    let cycle = new_cycle(&app).await;
    let maya = app.signed_in(AMBASSADOR).await;
    let draft = objective(&app, &maya, &cycle, 1, "Platform", "One design system").await;
    let web = app.unit_id("Web").await;
    let jonas = app.person_id(LEAD).await.to_string();
    let (_, invited) = update(&app, &maya, &draft, "shared_units", &web.to_string()).await;
    let (status, owned) = update(&app, &maya, &invited, "decision_owner_id", &jonas).await;
    assert_eq!(status, StatusCode::OK, "{owned}");
    activate(&app, &maya, &cycle, &uuid(1)).await;

    // Lea belongs to Web, which is only invited: she may not close it.
    let lea = app.signed_in(WEB_MEMBER).await;
    let (status, body) = close(&app, &lea, &uuid(1), &NOTE).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let tomas = app.signed_in(WEB_LEAD).await;
    let web = web.to_string();
    let form = [
        ("id", uuid(1)),
        ("unit_id", web),
        ("accept", "true".to_owned()),
    ];
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, body) = app.call_json(&tomas, "answer_invitation", &form).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = close(&app, &lea, &uuid(1), &NOTE).await;
    assert_eq!(status, StatusCode::OK, "now Web shares it: {body}");
}
