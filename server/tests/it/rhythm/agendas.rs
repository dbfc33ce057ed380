//! Agendas: who opens a one-on-one, coaching from real check-ins, the
//! team weekly's drops and one-on-ones, a review's scope.

use crate::common::board::uuid;
use crate::common::checkins::{active_key_result, check_in, running_cycle};
use crate::common::{AMBASSADOR, DEPARTMENT_LEAD, LEAD, MEMBER, TestApp, add_department_lead};
use reqwest::{Client, StatusCode};
use serde_json::Value;

async fn one_on_one(app: &TestApp, client: &Client, person: i64) -> (StatusCode, Value) {
    app.call_json(
        client,
        "get_one_on_one_agenda",
        &[("person_id", &person.to_string())],
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_on_one_opens_for_the_person_and_their_leads_only() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    let priya = app.person_id(MEMBER).await;
    for (who, expected) in [
        (MEMBER, StatusCode::OK),
        (LEAD, StatusCode::OK),
        (DEPARTMENT_LEAD, StatusCode::OK),
        (AMBASSADOR, StatusCode::OK),
        // A lead beside, a colleague elsewhere.
        ("tomas@northstar.demo", StatusCode::FORBIDDEN),
        ("lea@northstar.demo", StatusCode::FORBIDDEN),
    ] {
        let client = app.signed_in(who).await;
        let (status, body) = one_on_one(&app, &client, priya).await;
        assert_eq!(status, expected, "{who}: {body}");
    }
    // Rights do not leak upward: Platform's lead cannot open the
    // one-on-one of Engineering's lead, nor write its notes.
    let jonas = app.signed_in(LEAD).await;
    let elif = app.person_id(DEPARTMENT_LEAD).await;
    let (status, _) = one_on_one(&app, &jonas, elif).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Not even when she is also a member of his team.
    sqlx::query("INSERT INTO memberships (person_id, unit_id) VALUES ($1, $2)")
        .bind(elif)
        .bind(app.unit_id("Platform").await)
        .execute(&app.pool)
        .await
        .unwrap();
    let (status, _) = one_on_one(&app, &jonas, elif).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // She opens his: she leads his department.
    let jonas_id = app.person_id(LEAD).await;
    let elif_client = app.signed_in(DEPARTMENT_LEAD).await;
    let (status, _) = one_on_one(&app, &elif_client, jonas_id).await;
    assert_eq!(status, StatusCode::OK);
    let agenda = format!("one-on-one:{elif}");
    let (status, _) = app
        .call_json(
            &jonas,
            "save_agenda_notes",
            &[
                ("agenda", &agenda),
                ("meeting_on", "2026-07-02"),
                ("version", ""),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = app
        .call_json(
            &jonas,
            "get_agenda_notes",
            &[("agenda", &agenda), ("meeting_on", "2026-07-02")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT COUNT(*) FROM agenda_notes").await, 0);
    // Nobody signed in, or nobody at all.
    let (status, _) = one_on_one(&app, &app.client(), priya).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = one_on_one(&app, &jonas, 99_999).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_falling_confidence_becomes_a_coaching_question_and_a_weekly_drop() {
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    let kr = active_key_result(&app, &cycle, 1, MEMBER).await;
    // Last week Priya was confident (written as it was then)…
    let author = app.person_id(MEMBER).await;
    let last_week = (time::OffsetDateTime::now_utc().date() - time::Duration::days(8)).to_string();
    sqlx::query(
        "INSERT INTO check_ins (id, key_result_id, author_id, value, confidence, progress, problems, plans, checked_in_on) \
         VALUES ($1, $2, $3, 30, 8, 'Pipeline green', 'Flaky staging', 'Fix staging', $4)",
    )
    .bind(uuid(500))
    .bind(&kr)
    .bind(author)
    .bind(&last_week)
    .execute(&app.pool)
    .await
    .unwrap();
    // …and today she is not.
    let priya = app.signed_in(MEMBER).await;
    let (status, body) = check_in(&app, &priya, &uuid(501), &kr, "35", "5").await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let jonas = app.signed_in(LEAD).await;
    let (status, agenda) = one_on_one(&app, &jonas, author).await;
    assert_eq!(status, StatusCode::OK, "{agenda}");
    let coached = &agenda["key_results"][0];
    assert_eq!(coached["key_result_title"], "Deploy confidence");
    let questions: Vec<&str> = coached["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert!(
        questions.iter().any(|q| q.contains("fell from 8 to 5")),
        "{questions:?}"
    );
    assert_eq!(coached["confidence"][0][1], 8);
    assert_eq!(coached["confidence"][1][1], 5);
    assert_eq!(coached["check_ins"][0]["confidence"], 5, "newest first");
    assert_eq!(coached["check_ins"][1]["problems"], "Flaky staging");

    let platform = app.unit_id("Platform").await.to_string();
    let (status, weekly) = app
        .call_json(&jonas, "get_weekly_agenda", &[("unit_id", &platform)])
        .await;
    assert_eq!(status, StatusCode::OK, "{weekly}");
    assert_eq!(weekly["dropped"][0]["from"], 8, "{weekly}");
    assert_eq!(weekly["dropped"][0]["to"], 5);
    // The plan's discussion points of the team weekly come with it.
    assert_eq!(weekly["plan"][0]["meeting"], "Team weekly", "{weekly}");
    assert!(weekly["review"]["items"].as_array().unwrap().len() == 1);
    // Jonas reaches his team's one-on-ones from there; Priya only her own.
    let names = |agenda: &Value| -> Vec<String> {
        agenda["one_on_ones"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&weekly), ["Jonas Berg", "Priya Nair"]);
    let (_, hers) = app
        .call_json(&priya, "get_weekly_agenda", &[("unit_id", &platform)])
        .await;
    assert_eq!(names(&hers), ["Priya Nair"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_review_keeps_to_its_department() {
    let app = TestApp::start().await;
    let priya = app.signed_in(MEMBER).await;
    let (status, all_hands) = app.call_json(&priya, "get_review_agenda", &[]).await;
    assert_eq!(status, StatusCode::OK, "{all_hands}");
    assert_eq!(all_hands["scope"], "Everyone");
    let flagged: Vec<&str> = all_hands["flagged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert!(flagged.contains(&"Average reply time"), "{flagged:?}");
    assert_eq!(all_hands["notes"]["may_write"], false);

    let engineering = app.unit_id("Engineering").await.to_string();
    let (status, review) = app
        .call_json(&priya, "get_review_agenda", &[("unit_id", &engineering)])
        .await;
    assert_eq!(status, StatusCode::OK, "{review}");
    assert_eq!(review["scope"], "Engineering");
    let units = review["units"].as_array().unwrap();
    assert!(!units.is_empty(), "{review}");
    for row in units {
        assert!(
            ["Engineering", "Platform", "Web"].contains(&row["name"].as_str().unwrap()),
            "{row}"
        );
    }
    assert!(review["flagged"].as_array().unwrap().is_empty(), "{review}");
    let (status, _) = app
        .call_json(&priya, "get_review_agenda", &[("unit_id", "99999")])
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lead_of_one_more_team_is_beside_a_co_lead_not_above() {
    let app = TestApp::start().await;
    add_department_lead(&app).await;
    // Tomás leads Web; now Platform too, beside Jonas. Everything Jonas
    // leads, Tomás leads, and more: that makes him a peer, not Jonas's lead.
    let tomas_id = app.person_id("tomas@northstar.demo").await;
    sqlx::query("INSERT INTO memberships (person_id, unit_id) VALUES ($1, $2)")
        .bind(tomas_id)
        .bind(app.unit_id("Platform").await)
        .execute(&app.pool)
        .await
        .unwrap();
    let tomas = app.signed_in("tomas@northstar.demo").await;
    let jonas = app.person_id(LEAD).await;
    let (status, body) = one_on_one(&app, &tomas, jonas).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let agenda = format!("one-on-one:{jonas}");
    let (status, _) = app
        .call_json(
            &tomas,
            "get_agenda_notes",
            &[("agenda", &agenda), ("meeting_on", "2026-07-02")],
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Nor the other way round.
    let jonas_client = app.signed_in(LEAD).await;
    let (status, _) = one_on_one(&app, &jonas_client, tomas_id).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Priya, a member of Platform, is his to coach: her one-on-one only is
    // offered on Platform's weekly.
    let priya = app.person_id(MEMBER).await;
    let (status, _) = one_on_one(&app, &tomas, priya).await;
    assert_eq!(status, StatusCode::OK);
    let platform = app.unit_id("Platform").await.to_string();
    let (status, weekly) = app
        .call_json(&tomas, "get_weekly_agenda", &[("unit_id", &platform)])
        .await;
    assert_eq!(status, StatusCode::OK, "{weekly}");
    let offered: Vec<&str> = weekly["one_on_ones"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(offered.contains(&"Priya Nair"), "{offered:?}");
    assert!(!offered.contains(&"Jonas Berg"), "{offered:?}");
    // Engineering's lead is above both of them.
    let elif = app.signed_in(DEPARTMENT_LEAD).await;
    for person in [jonas, tomas_id] {
        let (status, _) = one_on_one(&app, &elif, person).await;
        assert_eq!(status, StatusCode::OK);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_department_review_celebrates_and_moves_with_its_own_units() {
    use crate::common::board::{create_objective, update};
    use crate::common::checkins::add_key_result;
    use crate::common::kpis::{days_ago, read};
    let app = TestApp::start().await;
    let cycle = running_cycle(&app).await;
    // Platform moves 40 points this week; a key result waiting for its data
    // (the "delay" fallback) moves too, and must not count.
    let moving = active_key_result(&app, &cycle, 1, MEMBER).await;
    let waiting = active_key_result(&app, &cycle, 2, MEMBER).await;
    sqlx::query(
        "UPDATE key_results SET fallback = 'delay', source_identified = FALSE WHERE id = $1",
    )
    .bind(&waiting)
    .execute(&app.pool)
    .await
    .unwrap();
    let priya = app.signed_in(MEMBER).await;
    for (n, kr) in [(600, &moving), (601, &waiting)] {
        let (status, body) = check_in(&app, &priya, &uuid(n), kr, "40", "7").await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Support, in another department, gains more: the organisation's best.
    let sam = app.signed_in("sam@northstar.demo").await;
    let ambassador = app.signed_in(AMBASSADOR).await;
    let (status, objective) = create_objective(
        &app,
        &ambassador,
        &cycle,
        &uuid(3),
        "Support",
        "Replies are fast",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{objective}");
    let (_, objective) = update(&app, &ambassador, &objective, "status", "proposed").await;
    let (status, _) = update(&app, &ambassador, &objective, "status", "active").await;
    assert_eq!(status, StatusCode::OK);
    add_key_result(
        &app,
        &uuid(3),
        &uuid(1003),
        "Replies within a day",
        "sam@northstar.demo",
    )
    .await;
    let (status, body) = check_in(&app, &sam, &uuid(602), &uuid(1003), "90", "8").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Support's "Average reply time" is healthy again…
    let kpi: i64 = sqlx::query_scalar("SELECT id FROM kpis WHERE name = 'Average reply time'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    let (status, body) = read(&app, &sam, kpi, &days_ago(0), "3.5").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // …and Engineering gets a team of the same name.
    let engineering = app.unit_id("Engineering").await.to_string();
    let (status, body) = app
        .call_json(
            &ambassador,
            "create_unit",
            &[("name", "Support"), ("parent_id", &engineering)],
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The leaderboard is recomputed after the writes: wait for the
    // organisation's biggest gain to be Support's.
    let mut all_hands = Value::Null;
    for _ in 0..50 {
        let (status, agenda) = app.call_json(&priya, "get_review_agenda", &[]).await;
        assert_eq!(status, StatusCode::OK, "{agenda}");
        all_hands = agenda;
        if all_hands["biggest_gain"]["name"] == "Support"
            && !all_hands["recoveries"].as_array().unwrap().is_empty()
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(all_hands["biggest_gain"]["name"], "Support", "{all_hands}");
    assert_eq!(
        all_hands["recoveries"][0]["kpi"], "Average reply time",
        "{all_hands}"
    );

    let (status, review) = app
        .call_json(&priya, "get_review_agenda", &[("unit_id", &engineering)])
        .await;
    assert_eq!(status, StatusCode::OK, "{review}");
    // Its own best, not nothing because the organisation's is elsewhere.
    assert_eq!(review["biggest_gain"]["name"], "Platform", "{review}");
    // Its "Support" recovered nothing: that was the other department's.
    assert_eq!(review["recoveries"], serde_json::json!([]), "{review}");
    // The key result that moved, and not the one waiting for its data.
    let movers: Vec<(&str, &str)> = review["movers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["objective_id"].as_str().unwrap(),
                m["unit"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(movers, [(uuid(1).as_str(), "Platform")], "{review}");
}
