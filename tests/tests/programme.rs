//! The programme's own work, as its stories go: a province runs a temu
//! bisnis and reports its total against its target; managers race for the
//! places of a training; a mentor sees a pesantren only while assigned;
//! curators award flagship status; alumni run enterprises.

use chrono::{Datelike, Duration};
use entity::{
    activities, activity_participants, audit_log, pesantren, santri, PesantrenStatus, SantriStatus,
};
use futures_util::future::join_all;
use opop_api::publication::today;
use opop_tests::programme::insert_participant;
use opop_tests::world::{create_user, fixture_user, insert_pesantren, Place, World, PASSWORD};
use opop_tests::{assert_problem, TestApp};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter, Set,
};
use serde_json::{json, Value};
use uuid::Uuid;

/// A day of this year, `back` days ago (never before 1 January).
fn this_year(back: i64) -> String {
    let t = today();
    let first = t.with_ordinal(1).unwrap_or(t);
    (t - Duration::days(back)).max(first).to_string()
}

fn activity(kind: &str, province: &str) -> Value {
    json!({
        "kind": kind,
        "province_code": province,
        "title": format!("Kegiatan {kind} {province}"),
        "starts_on": this_year(3),
        "ends_on": this_year(2),
        "location": "Gedung Sate, Bandung",
        "public": kind == "expo"
    })
}

/// An activity made and opened by `token`.
async fn open_activity(
    app: &TestApp,
    token: &str,
    mut body: Value,
    capacity: Option<i64>,
) -> Value {
    if let Some(c) = capacity {
        body["capacity"] = json!(c);
    }
    let a = app
        .as_(token)
        .post("/api/v1/activities", &body)
        .expect(201)
        .await;
    assert_eq!(a["status"], "planned");
    let id = a["id"].as_str().unwrap();
    app.as_(token)
        .post_empty(&format!("/api/v1/activities/{id}/open"))
        .ok()
        .await
}

fn deal(pesantren: Uuid, buyer: &str, kind: &str, value: i64) -> Value {
    json!({
        "pesantren_id": pesantren,
        "buyer_name": buyer,
        "buyer_kind": kind,
        "value_idr": value,
        "kind": "contract",
        "signed_on": this_year(2)
    })
}

#[tokio::test]
async fn a_province_runs_a_temu_bisnis_and_reports_its_total_against_its_target() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let (admin, manager) = (w.token("admin_32"), w.token("manager_b"));
    let year = today().year();

    // West Java sets its targets for the year.
    let targets = app
        .as_(&admin)
        .put(
            &format!("/api/v1/targets/32/{year}"),
            &json!({"deal_value_idr": 25_000_000_000i64, "trained_santri": 500}),
        )
        .expect(201)
        .await;
    assert_eq!(targets["deal_value_idr"], 25_000_000_000i64);
    assert_eq!(targets["flagship_products"], Value::Null);

    // It runs a temu bisnis; pesantren B takes part.
    let a = open_activity(&app, &admin, activity("business_matching", "32"), None).await;
    let id = a["id"].as_str().unwrap().to_string();
    app.as_(&manager)
        .post(
            &format!("/api/v1/activities/{id}/participants"),
            &json!({"pesantren_id": w.pesantren_b.id}),
        )
        .expect(201)
        .await;

    // Staff record the deals signed there: confirmed at once.
    let deals = format!("/api/v1/activities/{id}/deals");
    for (buyer, kind, value) in [
        ("PT Alfamart", "retailer", 9_500_000_000i64),
        ("Perum Bulog", "government", 7_000_000_000),
        ("Shopee Indonesia", "marketplace", 3_000_000_000),
        ("PT Ekspor Nusantara", "export", 1_500_000_000),
    ] {
        let d = app
            .as_(&admin)
            .post(&deals, &deal(w.pesantren_b.id, buyer, kind, value))
            .expect(201)
            .await;
        assert_eq!(d["status"], "confirmed");
    }
    // The pesantren reports one of its own: not counted until confirmed.
    let reported = app
        .as_(&manager)
        .post(
            &deals,
            &deal(w.pesantren_b.id, "Koperasi Warga", "other", 400_000_000),
        )
        .expect(201)
        .await;
    assert_eq!(reported["status"], "reported");

    let a = app
        .as_(&admin)
        .get(&format!("/api/v1/activities/{id}"))
        .ok()
        .await;
    assert_eq!(a["deal_total_idr"], 21_000_000_000i64);
    let path = format!("/api/v1/stats/overview?province_code=32&year={year}");
    let figures = app.as_(&admin).get(&path).ok().await;
    let value = &figures["deal_value_idr"];
    assert_eq!(value["value"], 21_000_000_000i64);
    assert_eq!(value["confirmed"], 4);
    assert_eq!(value["reported"], 1);
    assert_eq!(value["reported_value_idr"], 400_000_000);
    assert_eq!(value["target"], 25_000_000_000i64);
    assert_eq!(value["ratio"], 0.84);
    assert_eq!(figures["activities"]["by_kind"]["business_matching"], 1);
    assert_eq!(figures["participants"]["enrolments"], 1);
    assert_eq!(figures["participants"]["target"], 500);
    assert_eq!(figures["province_code"], "32");
    assert_eq!(figures["year"], year);

    // Confirming the reported deal counts it, once.
    let confirm = format!("/api/v1/deals/{}/confirm", reported["id"].as_str().unwrap());
    let confirmed = app.as_(&admin).post_empty(&confirm).ok().await;
    assert_eq!(confirmed["status"], "confirmed");
    let again = app.as_(&admin).post_empty(&confirm).send().await;
    let body = assert_problem(again, 409).await;
    assert_eq!(body["code"], "deal.already_confirmed");
    let a = app
        .as_(&admin)
        .get(&format!("/api/v1/activities/{id}"))
        .ok()
        .await;
    assert_eq!(a["deal_total_idr"], 21_400_000_000i64);

    // The same figures as a spreadsheet.
    let res = app
        .as_(&admin)
        .get(&path)
        .header("Accept", "text/csv")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = res.text().await.unwrap();
    assert!(
        text.starts_with("as_of,year,scope,measure,value,target\n"),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            ",{year},32,deal_value_idr,21400000000,25000000000\n"
        )),
        "{text}"
    );

    // East Java's admin neither sees West Java's figures nor sets its targets.
    let east = w.token("admin_35");
    let res = app.as_(&east).get(&path).send().await;
    assert_eq!(
        assert_problem(res, 403).await["code"],
        "auth.own_province_only"
    );
    let res = app
        .as_(&east)
        .put(&format!("/api/v1/targets/32/{year}"), &json!({}))
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 403).await["code"],
        "auth.own_province_only"
    );

    // Every step is in the audit trail.
    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq("deal"))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions.iter().filter(|a| **a == "record").count(),
        4,
        "{actions:?}"
    );
    assert!(
        actions.contains(&"report") && actions.contains(&"confirm"),
        "{actions:?}"
    );
}

/// `n` verified pesantren of East Java, each with a manager's token.
async fn managers(app: &TestApp, n: usize) -> Vec<(pesantren::Model, String)> {
    let mut out = Vec::new();
    for i in 0..n {
        let p = insert_pesantren(
            app,
            &format!("5135{i:08}"),
            "35",
            "3578",
            PesantrenStatus::Verified,
        )
        .await;
        let place = Place {
            province_code: Some("35".into()),
            pesantren_id: Some(p.id),
            ..Default::default()
        };
        let (_, token) = fixture_user(app, &format!("race-{i}"), "pesantren_manager", &place).await;
        out.push((p, token));
    }
    out
}

#[tokio::test]
async fn fifty_managers_race_for_twenty_places_and_exactly_twenty_get_one() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let racers = managers(&app, 50).await;
    let a = open_activity(&app, &admin, activity("training", "35"), Some(20)).await;
    let id = a["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/activities/{id}/participants");

    let answers = join_all(racers.iter().map(|(p, token)| {
        app.as_(token)
            .post(&path, &json!({"pesantren_id": p.id}))
            .status_and_json()
    }))
    .await;
    let won = answers.iter().filter(|(s, _)| *s == 201).count();
    let full: Vec<&Value> = answers
        .iter()
        .filter(|(s, _)| *s == 409)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(won, 20, "{answers:?}");
    assert_eq!(full.len(), 30, "{answers:?}");
    assert!(
        full.iter().all(|b| b["code"] == "activity.full"),
        "{full:?}"
    );

    let id: Uuid = id.parse().unwrap();
    let row = activities::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.enrolled, 20);
    let rows = activity_participants::Entity::find()
        .filter(activity_participants::Column::ActivityId.eq(id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(rows, 20);
    let view = app
        .as_(&admin)
        .get(&format!("/api/v1/activities/{id}"))
        .ok()
        .await;
    assert_eq!(view["places_left"], 0);

    // A withdrawal frees a place, which the next manager takes.
    let winner = answers
        .iter()
        .zip(&racers)
        .find(|((s, _), _)| *s == 201)
        .map(|(_, (p, t))| (p.id, t.clone()))
        .unwrap();
    app.as_(&winner.1)
        .delete(&format!("{path}/{}", winner.0))
        .expect(204)
        .await;
    let loser = answers
        .iter()
        .zip(&racers)
        .find(|((s, _), _)| *s == 409)
        .map(|(_, (p, t))| (p.id, t.clone()))
        .unwrap();
    app.as_(&loser.1)
        .post(&path, &json!({"pesantren_id": loser.0}))
        .expect(201)
        .await;
}

#[tokio::test]
async fn one_pesantren_enrols_once_however_often_it_asks_at_once() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let (admin, manager) = (w.token("admin_35"), w.token("manager_a"));
    let a = open_activity(&app, &admin, activity("camp", "35"), Some(5)).await;
    let id = a["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/activities/{id}/participants");
    let body = json!({"pesantren_id": w.pesantren_a.id, "santri_ids": [w.santri_a.id]});
    let answers =
        join_all((0..10).map(|_| app.as_(&manager).post(&path, &body).status_and_json())).await;
    assert_eq!(
        answers.iter().filter(|(s, _)| *s == 201).count(),
        1,
        "{answers:?}"
    );
    assert!(answers
        .iter()
        .filter(|(s, _)| *s != 201)
        .all(|(s, b)| *s == 409 && b["code"] == "participant.already_enrolled"));
    let view = app
        .as_(&admin)
        .get(&format!("/api/v1/activities/{id}"))
        .ok()
        .await;
    assert_eq!(view["enrolled"], 1);
    assert_eq!(view["places_left"], 4);
    let list = app.as_(&manager).get(&path).ok().await;
    assert_eq!(list["data"][0]["santri_ids"], json!([w.santri_a.id]));

    // Staff record attendance; the trained santri show in the figures.
    app.as_(&admin)
        .put(
            &format!("{path}/{}/attendance", w.pesantren_a.id),
            &json!({"attended": true}),
        )
        .ok()
        .await;
    let figures = app.as_(&admin).get("/api/v1/stats/overview").ok().await;
    assert_eq!(figures["participants"]["attended"], 1);
    assert_eq!(figures["participants"]["trained_santri"], 1);
    // Managers do not record attendance.
    let res = app
        .as_(&manager)
        .put(
            &format!("{path}/{}/attendance", w.pesantren_a.id),
            &json!({"attended": false}),
        )
        .send()
        .await;
    assert_problem(res, 403).await;
}

#[tokio::test]
async fn an_activity_goes_through_its_states_and_refuses_what_they_do_not_allow() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let (admin, manager) = (w.token("admin_35"), w.token("manager_a"));
    let a = app
        .as_(&admin)
        .post("/api/v1/activities", &activity("training", "35"))
        .expect(201)
        .await;
    let id = a["id"].as_str().unwrap().to_string();
    let base = format!("/api/v1/activities/{id}");
    let enrol = json!({"pesantren_id": w.pesantren_a.id});

    // Planned: nobody enrols yet.
    let res = app
        .as_(&manager)
        .post(&format!("{base}/participants"), &enrol)
        .send()
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "activity.not_open");
    for (action, status) in [
        ("open", "open"),
        ("close", "closed"),
        ("open", "open"),
        ("complete", "done"),
    ] {
        let a = app
            .as_(&admin)
            .post_empty(&format!("{base}/{action}"))
            .ok()
            .await;
        assert_eq!(a["status"], status);
    }
    for action in ["open", "close", "complete", "cancel"] {
        let res = app
            .as_(&admin)
            .post_empty(&format!("{base}/{action}"))
            .send()
            .await;
        let body = assert_problem(res, 409).await;
        assert_eq!(body["code"], "activity.state_conflict");
        assert!(
            body["detail"].as_str().unwrap().contains("`done`"),
            "{body}"
        );
    }
    // The manager of the province sees it; the other province's does not.
    app.as_(&manager).get(&base).ok().await;
    let res = app.as_(&w.token("manager_b")).get(&base).send().await;
    assert_eq!(assert_problem(res, 404).await["code"], "activity.not_found");

    // Its kind and province stay.
    let mut changed = app.as_(&admin).get(&base).ok().await;
    changed["kind"] = json!("expo");
    let res = app.as_(&admin).put(&base, &changed).send().await;
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "kind");
    assert_eq!(body["errors"][0]["code"], "read_only");

    // The capacity cannot fall below the pesantren enrolled.
    let camp = open_activity(&app, &admin, activity("camp", "35"), Some(3)).await;
    let camp_id: Uuid = camp["id"].as_str().unwrap().parse().unwrap();
    let other = insert_pesantren(
        &app,
        "510035780099",
        "35",
        "3578",
        PesantrenStatus::Verified,
    )
    .await;
    insert_participant(&app, camp_id, &w.pesantren_a).await;
    insert_participant(&app, camp_id, &other).await;
    let camp_path = format!("/api/v1/activities/{camp_id}");
    let res = app
        .as_(&admin)
        .patch(&camp_path, &json!({"capacity": 1}))
        .send()
        .await;
    let body = assert_problem(res, 409).await;
    assert_eq!(body["code"], "activity.capacity_below_enrolled");
    let still = app.as_(&admin).get(&camp_path).ok().await;
    assert_eq!(
        (still["capacity"].clone(), still["version"].clone()),
        (json!(3), camp["version"].clone())
    );
    let fitted = app
        .as_(&admin)
        .patch(&camp_path, &json!({"capacity": 2}))
        .ok()
        .await;
    assert_eq!(fitted["places_left"], 0);
}

#[tokio::test]
async fn bad_programme_input_is_named_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let (admin, manager) = (w.token("admin_35"), w.token("manager_a"));

    // Reversed dates, a deadline after the end, no place for an offline one.
    let mut body = activity("training", "35");
    body["starts_on"] = json!("2026-05-10");
    body["ends_on"] = json!("2026-05-01");
    body["registration_closes_on"] = json!("2026-05-20");
    body.as_object_mut().unwrap().remove("location");
    let res = app
        .as_(&admin)
        .post("/api/v1/activities", &body)
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["ends_on", "location", "registration_closes_on"],
        "{problem}"
    );
    let res = app
        .as_(&admin)
        .post("/api/v1/activities", &body)
        .header("Accept-Language", "id")
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(
        problem["errors"][0]["message"],
        "tidak boleh sebelum starts_on"
    );
    // East Java's staff create in East Java only.
    let res = app
        .as_(&admin)
        .post("/api/v1/activities", &activity("expo", "32"))
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 403).await["code"],
        "auth.own_province_only"
    );
    let list = app.as_(&admin).get("/api/v1/activities").ok().await;
    assert_eq!(list["data"], json!([]));

    // Enrolment after the deadline.
    let mut late = activity("training", "35");
    late["starts_on"] = json!("2026-01-20");
    late["ends_on"] = json!("2026-01-21");
    late["registration_closes_on"] = json!("2026-01-10");
    let a = open_activity(&app, &admin, late, None).await;
    let id = a["id"].as_str().unwrap();
    let res = app
        .as_(&manager)
        .post(
            &format!("/api/v1/activities/{id}/participants"),
            &json!({"pesantren_id": w.pesantren_a.id}),
        )
        .send()
        .await;
    let problem = assert_problem(res, 409).await;
    assert_eq!(problem["code"], "activity.registration_closed");
    assert!(problem["detail"].as_str().unwrap().contains("2026-01-10"));
    // Santri of another pesantren, or named twice.
    let open = open_activity(&app, &admin, activity("camp", "35"), None).await;
    let open_id = open["id"].as_str().unwrap();
    let other = opop_tests::world::insert_santri(&app, &w.pesantren_b, "Santri Lain").await;
    let res = app
        .as_(&manager)
        .post(
            &format!("/api/v1/activities/{open_id}/participants"),
            &json!({"pesantren_id": w.pesantren_a.id, "santri_ids": [w.santri_a.id, w.santri_a.id, other.id]}),
        )
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["field"], "santri_ids[1]");
    assert_eq!(problem["errors"][0]["code"], "duplicate");
    assert_eq!(problem["errors"][1]["field"], "santri_ids[2]");
    let view = app
        .as_(&admin)
        .get(&format!("/api/v1/activities/{open_id}"))
        .ok()
        .await;
    assert_eq!(view["enrolled"], 0);

    // A deal on a training; a negative or absurd value.
    let res = app
        .as_(&admin)
        .post(
            &format!("/api/v1/activities/{open_id}/deals"),
            &deal(w.pesantren_a.id, "PT X", "retailer", 1_000_000),
        )
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["code"], "deal.activity_kind");
    assert!(problem.get("errors").is_none());
    let expo = open_activity(&app, &admin, activity("expo", "35"), None).await;
    let expo_deals = format!("/api/v1/activities/{}/deals", expo["id"].as_str().unwrap());
    for value in [-5i64, 0, 1_000_000_000_001] {
        let res = app
            .as_(&admin)
            .post(
                &expo_deals,
                &deal(w.pesantren_a.id, "PT X", "retailer", value),
            )
            .send()
            .await;
        let problem = assert_problem(res, 422).await;
        assert_eq!(problem["errors"][0]["field"], "value_idr", "{problem}");
    }
    // A manager reports for their own pesantren only.
    let res = app
        .as_(&manager)
        .post(
            &expo_deals,
            &deal(w.pesantren_b.id, "PT X", "retailer", 1_000),
        )
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["field"],
        "pesantren_id"
    );
    assert_eq!(
        app.as_(&admin).get(&expo_deals).ok().await["data"],
        json!([])
    );

    // Targets for an unknown province, or a year out of the programme.
    let res = app
        .as_(&w.token("admin_national"))
        .put("/api/v1/targets/99/2026", &json!({}))
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["field"],
        "province_code"
    );
    let res = app
        .as_(&admin)
        .put("/api/v1/targets/35/1990", &json!({}))
        .send()
        .await;
    assert_eq!(assert_problem(res, 422).await["errors"][0]["field"], "year");
    let res = app
        .as_(&admin)
        .put("/api/v1/targets/35/2026", &json!({"deal_value_idr": -1}))
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["field"],
        "deal_value_idr"
    );
    assert_eq!(
        app.as_(&admin).get("/api/v1/targets").ok().await["data"],
        json!([])
    );
}

#[tokio::test]
async fn a_mentor_sees_a_pesantren_only_while_assigned_and_never_its_santri() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let email = "pendamping@unusa.test";
    let mentor_id = create_user(
        &app,
        &admin,
        json!({"email": email, "name": "Dr. Pendamping", "password": PASSWORD, "role": "mentor", "province_code": "35"}),
    )
    .await;
    let mentor = app.login(email, PASSWORD).await;
    let pesantren = format!("/api/v1/pesantren/{}", w.pesantren_a.id);
    let product = format!("/api/v1/products/{}", w.product_a.id);
    let sessions = format!("{pesantren}/mentoring-sessions");
    let session = json!({"held_on": this_year(1), "topic": "Pembukuan koperasi", "notes": "Kas belum dipisah.", "follow_up": "Pisahkan kas per unit."});

    // Before the assignment: nothing of pesantren A but its public profile.
    let res = app.as_(&mentor).get(&product).send().await;
    assert_eq!(assert_problem(res, 404).await["code"], "product.not_found");
    let res = app.as_(&mentor).post(&sessions, &session).send().await;
    assert_eq!(
        assert_problem(res, 404).await["code"],
        "pesantren.not_found"
    );

    let assignment = app
        .as_(&admin)
        .post(
            "/api/v1/mentoring/assignments",
            &json!({"mentor_id": mentor_id, "pesantren_id": w.pesantren_a.id, "starts_on": this_year(30)}),
        )
        .expect(201)
        .await;
    assert_eq!(assignment["current"], true);
    // While assigned: the profile, products and certificates, in full.
    let p = app.as_(&mentor).get(&pesantren).ok().await;
    assert_eq!(p["nspp"], w.pesantren_a.nspp);
    app.as_(&mentor).get(&product).ok().await;
    app.as_(&mentor)
        .get(&format!("/api/v1/certifications/{}", w.certification_a.id))
        .ok()
        .await;
    let listed = app.as_(&mentor).get("/api/v1/products").ok().await;
    assert!(listed["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["pesantren_id"] == json!(w.pesantren_a.id)));
    // Never its santri, nor a write to the register.
    let res = app
        .as_(&mentor)
        .get(&format!("/api/v1/santri/{}", w.santri_a.id))
        .send()
        .await;
    assert_problem(res, 403).await;
    let res = app
        .as_(&mentor)
        .get(&format!("{pesantren}/santri"))
        .send()
        .await;
    assert_problem(res, 403).await;
    let res = app
        .as_(&mentor)
        .patch(&product, &json!({"name": "X"}))
        .send()
        .await;
    assert_problem(res, 403).await;

    // The mentor records a session; the pesantren's manager reads it.
    let s = app.as_(&mentor).post(&sessions, &session).expect(201).await;
    assert_eq!(s["mentor_id"], json!(mentor_id));
    let mut future = session.clone();
    future["held_on"] = json!((today() + Duration::days(2)).to_string());
    let res = app.as_(&mentor).post(&sessions, &future).send().await;
    assert_eq!(
        assert_problem(res, 422).await["errors"][0]["field"],
        "held_on"
    );
    let read = app.as_(&w.token("manager_a")).get(&sessions).ok().await;
    assert_eq!(read["data"][0]["topic"], "Pembukuan koperasi");
    let res = app.as_(&w.token("manager_b")).get(&sessions).send().await;
    assert_problem(res, 404).await;
    // Overlapping periods of one mentor on one pesantren are refused.
    let res = app
        .as_(&admin)
        .post(
            "/api/v1/mentoring/assignments",
            &json!({"mentor_id": mentor_id, "pesantren_id": w.pesantren_a.id, "starts_on": this_year(0)}),
        )
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 409).await["code"],
        "assignment.overlaps"
    );
    // A mentor of East Java is not assigned in West Java.
    let res = app
        .as_(&w.token("admin_national"))
        .post(
            "/api/v1/mentoring/assignments",
            &json!({"mentor_id": mentor_id, "pesantren_id": w.pesantren_b.id, "starts_on": this_year(0)}),
        )
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["code"], "invalid");
    assert_eq!(problem["errors"][0]["field"], "mentor_id");

    let figures = app.as_(&admin).get("/api/v1/stats/overview").ok().await;
    assert_eq!(figures["mentoring_sessions"]["value"], 1);
    assert_eq!(figures["mentoring_sessions"]["pesantren_mentored"], 1);

    // The assignment ends: at once, the mentor sees nothing of it again.
    app.as_(&admin)
        .delete(&format!(
            "/api/v1/mentoring/assignments/{}",
            assignment["id"].as_str().unwrap()
        ))
        .expect(204)
        .await;
    let res = app.as_(&mentor).get(&product).send().await;
    assert_problem(res, 404).await;
    let res = app.as_(&mentor).post(&sessions, &session).send().await;
    assert_problem(res, 404).await;
    assert_eq!(
        app.as_(&mentor).get("/api/v1/products").ok().await["data"],
        json!([])
    );
    // The world's lapsed mentor, whose period ended in 2021, sees nothing.
    let res = app
        .as_(&w.token("mentor_lapsed"))
        .get(&product)
        .send()
        .await;
    assert_problem(res, 404).await;
    app.as_(&w.token("mentor_a")).get(&product).ok().await;
}

#[tokio::test]
async fn flagship_status_is_awarded_by_a_curator_not_taken_by_a_manager() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let product = format!("/api/v1/products/{}", w.product_a.id);

    // A manager asks; setting the award itself is refused.
    let res = app
        .as_(&manager)
        .patch(&product, &json!({"is_flagship": true}))
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["errors"][0]["field"], "is_flagship");
    assert_eq!(problem["errors"][0]["code"], "read_only");
    let asked = app
        .as_(&manager)
        .patch(&product, &json!({"flagship_requested": true}))
        .ok()
        .await;
    assert_eq!(
        (
            asked["flagship_requested"].clone(),
            asked["is_flagship"].clone()
        ),
        (json!(true), json!(false))
    );
    let res = app
        .as_(&manager)
        .post_empty(&format!("{product}/flagship"))
        .send()
        .await;
    assert_problem(res, 403).await;

    // A curator of the province awards it, answering the request.
    let curator = w.token("curator_35");
    let awarded = app
        .as_(&curator)
        .post_empty(&format!("{product}/flagship"))
        .ok()
        .await;
    assert_eq!(awarded["is_flagship"], true);
    assert_eq!(awarded["flagship_requested"], false);
    assert_eq!(
        awarded["flagship_awarded_by"],
        json!(w.account("curator_35").user_id)
    );
    // Asking again changes nothing; another province's curator sees nothing.
    let again = app
        .as_(&curator)
        .post_empty(&format!("{product}/flagship"))
        .ok()
        .await;
    assert_eq!(again["version"], awarded["version"]);
    let res = app
        .as_(&w.token("curator_32"))
        .post_empty(&format!("{product}/flagship"))
        .send()
        .await;
    assert_problem(res, 404).await;
    let withdrawn = app
        .as_(&curator)
        .delete(&format!("{product}/flagship"))
        .ok()
        .await;
    assert_eq!(withdrawn["is_flagship"], false);

    // Only a curated product is awarded.
    let draft = app
        .as_(&manager)
        .post(
            "/api/v1/products",
            &json!({"pesantren_id": w.pesantren_a.id, "name": "Draf", "category": "craft"}),
        )
        .expect(201)
        .await;
    let res = app
        .as_(&curator)
        .post_empty(&format!(
            "/api/v1/products/{}/flagship",
            draft["id"].as_str().unwrap()
        ))
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 409).await["code"],
        "product.flagship_not_approved"
    );

    let entries = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceId.eq(w.product_a.id))
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"award_flagship") && actions.contains(&"withdraw_flagship"),
        "{actions:?}"
    );
}

#[tokio::test]
async fn alumni_enterprises_make_the_sociopreneurs_of_the_figures() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let path = format!("/api/v1/santri/{}/enterprises", w.santri_a.id);
    let body = json!({"name": "Bank Sampah Santri", "kind": "social", "started_on": this_year(10)});

    let res = app.as_(&manager).post(&path, &body).send().await;
    let problem = assert_problem(res, 409).await;
    assert_eq!(problem["code"], "enterprise.not_alumnus");

    let mut row = santri::Entity::find_by_id(w.santri_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .into_active_model();
    row.status = Set(SantriStatus::Alumni);
    row.update(&app.db).await.unwrap();
    app.as_(&manager).post(&path, &body).expect(201).await;
    // The alumnus records one of their own too.
    let own = json!({"name": "Kedai Kopi Alumni", "kind": "business", "started_on": this_year(5)});
    app.as_(&w.token("santri_a"))
        .post(&path, &own)
        .expect(201)
        .await;
    let list = app.as_(&w.token("santri_a")).get(&path).ok().await;
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
    let res = app.as_(&w.token("mentor_a")).get(&path).send().await;
    assert_problem(res, 403).await;

    let figures = app
        .as_(&w.token("admin_35"))
        .get("/api/v1/stats/overview")
        .ok()
        .await;
    assert_eq!(figures["sociopreneurs"]["value"], 1);
    assert_eq!(figures["sociopreneurs"]["social_enterprises"], 1);
    assert_eq!(figures["sociopreneurs"]["business_enterprises"], 1);
    assert_eq!(figures["totals"]["santri"]["sociopreneurs"], 1);
}

#[tokio::test]
async fn public_events_are_listed_for_anyone_soonest_first() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_national");
    let make = |province: &str, starts: &str, public: bool| {
        let mut b = activity("expo", province);
        b["starts_on"] = json!(starts);
        b["ends_on"] = json!(starts);
        b["public"] = json!(public);
        b
    };
    let later = app
        .as_(&admin)
        .post("/api/v1/activities", &make("35", "2026-09-01", true))
        .expect(201)
        .await;
    let sooner = app
        .as_(&admin)
        .post("/api/v1/activities", &make("32", "2026-08-01", true))
        .expect(201)
        .await;
    app.as_(&admin)
        .post("/api/v1/activities", &make("35", "2026-07-01", false))
        .expect(201)
        .await;
    let called_off = app
        .as_(&admin)
        .post("/api/v1/activities", &make("35", "2026-06-01", true))
        .expect(201)
        .await;
    app.as_(&admin)
        .post_empty(&format!(
            "/api/v1/activities/{}/cancel",
            called_off["id"].as_str().unwrap()
        ))
        .ok()
        .await;

    let events = app.anon().get("/api/v1/catalog/events").ok().await;
    let ids: Vec<&Value> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["id"])
        .collect();
    assert_eq!(ids, [&sooner["id"], &later["id"]]);
    assert!(events["data"][0].get("created_by").is_none());
    let east = app
        .anon()
        .get("/api/v1/catalog/events?province_code=35")
        .ok()
        .await;
    assert_eq!(east["data"].as_array().unwrap().len(), 1);
    let res = app
        .anon()
        .get("/api/v1/catalog/events?province_code=3")
        .send()
        .await;
    assert_problem(res, 422).await;
}
