//! The administration's server functions: only the ambassador may use them,
//! and the rules of people and units hold.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "helpers of tests fail the test loudly"
)]

use crate::common;

use common::{AMBASSADOR, LEAD, MEMBER, TestApp, error_kind};
use reqwest::StatusCode;

/// Every administration call, with arguments that would succeed for the ambassador.
async fn admin_calls(app: &TestApp) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let member = app.person_id(MEMBER).await.to_string();
    let web = app.unit_id("Web").await.to_string();
    let support = app.unit_id("Support").await.to_string();
    let empty: i64 = sqlx::query_scalar("INSERT INTO units (name) VALUES ('Empty') RETURNING id")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    vec![
        ("list_people", vec![]),
        (
            "create_person",
            vec![
                ("name", "Eve Intruder".into()),
                ("email", "eve@northstar.demo".into()),
                ("role", "ambassador".into()),
                ("unit_id", String::new()),
                ("password", "long-enough-password".into()),
            ],
        ),
        (
            "change_role",
            vec![("person_id", member.clone()), ("role", "ambassador".into())],
        ),
        (
            "set_person_active",
            vec![("person_id", member.clone()), ("active", "false".into())],
        ),
        (
            "add_membership",
            vec![("person_id", member.clone()), ("unit_id", web.clone())],
        ),
        (
            "remove_membership",
            vec![("person_id", member), ("unit_id", web)],
        ),
        (
            "create_unit",
            vec![("name", "Shadow team".into()), ("parent_id", String::new())],
        ),
        (
            "rename_unit",
            vec![("unit_id", support.clone()), ("name", "Renamed".into())],
        ),
        (
            "move_unit",
            vec![("unit_id", support), ("parent_id", String::new())],
        ),
        ("delete_unit", vec![("unit_id", empty.to_string())]),
    ]
}

async fn snapshot(app: &TestApp) -> String {
    let people: Vec<(i64, String, String, app::sql::Flag)> =
        sqlx::query_as("SELECT id, email, role, active FROM people ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let units: Vec<(i64, String, Option<i64>)> =
        sqlx::query_as("SELECT id, name, parent_id FROM units ORDER BY id")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    let memberships: Vec<(i64, i64)> =
        sqlx::query_as("SELECT person_id, unit_id FROM memberships ORDER BY 1, 2")
            .fetch_all(&app.pool)
            .await
            .unwrap();
    format!("{people:?}{units:?}{memberships:?}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_admin_function_refuses_leads_members_and_visitors() {
    let app = TestApp::start().await;
    let calls = admin_calls(&app).await;
    let before = snapshot(&app).await;
    let callers = [
        (
            "lead",
            app.signed_in(LEAD).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "member",
            app.signed_in(MEMBER).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        ),
        (
            "visitor",
            app.client(),
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
    ];
    for (who, client, status, kind) in &callers {
        for (endpoint, args) in &calls {
            let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (got, body) = app.call_json(client, endpoint, &form).await;
            assert_eq!(got, *status, "{who} calling {endpoint}: {body}");
            assert_eq!(error_kind(&body), *kind, "{who} calling {endpoint}");
        }
    }
    assert_eq!(snapshot(&app).await, before, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ambassador_may_call_every_admin_function() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    for (endpoint, args) in admin_calls(&app).await {
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (status, body) = app.call_json(&ambassador, endpoint, &form).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_under_a_department_and_a_person_in_it() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let engineering = app.unit_id("Engineering").await.to_string();
    let (status, team) = app
        .call_json(
            &ambassador,
            "create_unit",
            &[("name", "Data"), ("parent_id", &engineering)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{team}");
    let team_id = team["id"].as_i64().unwrap().to_string();
    assert_eq!(team["parent_id"].as_i64().unwrap().to_string(), engineering);

    let (status, person) = app
        .call_json(
            &ambassador,
            "create_person",
            &[
                ("name", "Ines Duarte"),
                ("email", "Ines@Example.org"),
                ("role", "member"),
                ("unit_id", &team_id),
                ("password", "a-strong-passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{person}");
    assert_eq!(person["email"], "ines@example.org");

    // The new person signs in and sees their unit.
    let ines = app.client();
    let (status, _) = app
        .call_json(
            &ines,
            "sign_in",
            &[
                ("email", "ines@example.org"),
                ("password", "a-strong-passphrase"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, me) = app.call_json(&ines, "get_current_user", &[]).await;
    assert_eq!(
        me["units"][0]["path"],
        serde_json::json!(["Engineering", "Data"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_with_sub_units_or_members_cannot_be_deleted() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let engineering = app.unit_id("Engineering").await.to_string();
    let (status, body) = app
        .call_json(&ambassador, "delete_unit", &[("unit_id", &engineering)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["detail"].as_str().unwrap().contains("sub-unit"),
        "{body}"
    );

    let platform = app.unit_id("Platform").await.to_string();
    let (status, body) = app
        .call_json(&ambassador, "delete_unit", &[("unit_id", &platform)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["detail"].as_str().unwrap().contains("member"),
        "{body}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE name IN ('Engineering', 'Platform')")
            .await,
        2
    );

    // A unit with objectives (here only closed ones, last quarter's) keeps
    // them: it is refused with the reason, not a foreign-key error.
    let discovery = app.unit_id("Discovery").await.to_string();
    let noor = app.person_id("noor@northstar.demo").await.to_string();
    app.call_json(
        &ambassador,
        "remove_membership",
        &[("person_id", &noor), ("unit_id", &discovery)],
    )
    .await;
    let (status, body) = app
        .call_json(&ambassador, "delete_unit", &[("unit_id", &discovery)])
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(
        body["detail"].as_str().unwrap().contains("objective"),
        "{body}"
    );

    // Emptied, it goes.
    let lea = app.person_id("lea@northstar.demo").await.to_string();
    let design = app.unit_id("Design").await.to_string();
    let (status, _) = app
        .call_json(
            &ambassador,
            "remove_membership",
            &[("person_id", &lea), ("unit_id", &design)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = app
        .call_json(&ambassador, "delete_unit", &[("unit_id", &design)])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE name = 'Design'")
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_unit_cannot_move_under_itself_or_its_descendants() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let engineering = app.unit_id("Engineering").await.to_string();
    let platform = app.unit_id("Platform").await.to_string();
    for target in [&engineering, &platform] {
        let (status, body) = app
            .call_json(
                &ambassador,
                "move_unit",
                &[("unit_id", &engineering), ("parent_id", target)],
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["detail"]["field"], "parent_id");
    }
    // Moving a team to another department works.
    let product = app.unit_id("Product").await.to_string();
    let (status, _) = app
        .call_json(
            &ambassador,
            "move_unit",
            &[("unit_id", &platform), ("parent_id", &product)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let parent: i64 = sqlx::query_scalar("SELECT parent_id FROM units WHERE name = 'Platform'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(parent.to_string(), product);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sibling_units_need_distinct_names_so_a_retried_create_adds_one() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let form = [("name", "Growth"), ("parent_id", "")];
    assert_eq!(
        app.call_json(&ambassador, "create_unit", &form).await.0,
        StatusCode::OK
    );
    let (status, body) = app.call_json(&ambassador, "create_unit", &form).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "name");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM units WHERE name = 'Growth'")
            .await,
        1
    );
    // Renaming onto a sibling's name is refused too.
    let web = app.unit_id("Web").await.to_string();
    let (status, _) = app
        .call_json(
            &ambassador,
            "rename_unit",
            &[("unit_id", &web), ("name", "platform")],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_names_its_field_and_writes_nothing() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let long_name = "x".repeat(101);
    let cases: [(&[(&str, &str)], &str); 5] = [
        (
            &[
                ("name", ""),
                ("email", "a@b.org"),
                ("role", "member"),
                ("unit_id", ""),
                ("password", "long-password"),
            ],
            "name",
        ),
        (
            &[
                ("name", &long_name),
                ("email", "a@b.org"),
                ("role", "member"),
                ("unit_id", ""),
                ("password", "long-password"),
            ],
            "name",
        ),
        (
            &[
                ("name", "A"),
                ("email", "not-an-email"),
                ("role", "member"),
                ("unit_id", ""),
                ("password", "long-password"),
            ],
            "email",
        ),
        (
            &[
                ("name", "A"),
                ("email", "a@b.org"),
                ("role", "member"),
                ("unit_id", ""),
                ("password", "short"),
            ],
            "password",
        ),
        // A unit that does not exist: the person must not be created without it.
        (
            &[
                ("name", "A"),
                ("email", "a@b.org"),
                ("role", "member"),
                ("unit_id", "9999"),
                ("password", "long-password"),
            ],
            "unit_id",
        ),
    ];
    let before = app.count("SELECT COUNT(*) FROM people").await;
    for (form, field) in cases {
        let (status, body) = app.call_json(&ambassador, "create_person", form).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["detail"]["field"], field, "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM people").await, before);

    let (status, body) = app
        .call_json(
            &ambassador,
            "create_person",
            &[
                ("name", "Dup"),
                ("email", MEMBER),
                ("role", "member"),
                ("unit_id", ""),
                ("password", "long-password"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["detail"]["field"], "email");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_ambassador_stays() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let me = app.person_id(AMBASSADOR).await.to_string();
    let (status, _) = app
        .call_json(
            &ambassador,
            "change_role",
            &[("person_id", &me), ("role", "member")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = app
        .call_json(
            &ambassador,
            "set_person_active",
            &[("person_id", &me), ("active", "false")],
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    // With a second ambassador, the first may step down.
    let lead = app.person_id(LEAD).await.to_string();
    assert_eq!(
        app.call_json(
            &ambassador,
            "change_role",
            &[("person_id", &lead), ("role", "ambassador")]
        )
        .await
        .0,
        StatusCode::OK
    );
    assert_eq!(
        app.call_json(
            &ambassador,
            "change_role",
            &[("person_id", &me), ("role", "lead")]
        )
        .await
        .0,
        StatusCode::OK
    );
    // …after which the admin functions refuse them.
    assert_eq!(
        app.call_json(&ambassador, "list_people", &[]).await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memberships_add_and_remove_and_a_repeat_is_harmless() {
    let app = TestApp::start().await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let member = app.person_id(MEMBER).await.to_string();
    let web = app.unit_id("Web").await.to_string();
    for _ in 0..2 {
        let (status, _) = app
            .call_json(
                &ambassador,
                "add_membership",
                &[("person_id", &member), ("unit_id", &web)],
            )
            .await;
        assert_eq!(status, StatusCode::OK);
    }
    let count =
        format!("SELECT COUNT(*) FROM memberships WHERE person_id = {member} AND unit_id = {web}");
    assert_eq!(app.count(&count).await, 1);
    let (status, _) = app
        .call_json(
            &ambassador,
            "remove_membership",
            &[("person_id", &member), ("unit_id", &web)],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count(&count).await, 0);
}
