//! Competitions as West Java runs its "pesantren juara" audition:
//! pesantren register online and pass the administrative check, then
//! compete stage by stage (each district nominating at least one), three
//! finalists win grants that are paid in tranches, never beyond the award;
//! a juror who mentors a pesantren may not score it.

use std::collections::HashMap;

use chrono::Duration;
use entity::{audit_log, competition_awards};
use futures_util::future::join_all;
use opop_api::publication::today;
use opop_tests::world::{fixture_user, new_product, Place, World};
use opop_tests::{assert_problem, TestApp};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::{json, Value};

/// The pesantren of the story: NSPP, kabupaten/kota, kecamatan, category.
const PESANTREN: [(&str, &str, &str, &str); 5] = [
    ("510032040501", "3204", "320405", "start_up"),
    ("510032040502", "3204", "320405", "start_up"),
    ("510032040601", "3204", "320406", "scale_up"),
    ("510032730101", "3273", "327301", "scale_up"),
    ("510032730201", "3273", "327302", "start_up"),
];

struct Contestant {
    id: String,
    token: String,
    product: String,
    entry: String,
}

async fn code_of(res: reqwest::Response, status: u16) -> String {
    assert_problem(res, status).await["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Registers a pesantren of West Java online, verifies it as its admin and
/// logs its manager in with a draft product of their own.
async fn register(app: &TestApp, admin: &str, i: usize) -> Contestant {
    let (nspp, regency, district, _) = PESANTREN[i];
    let email = format!("pengurus{i}@juara.example");
    let reg = app
        .anon()
        .post(
            "/api/v1/registrations",
            &json!({
                "pesantren": {
                    "nspp": nspp,
                    "name": format!("Pondok Pesantren Juara {i}"),
                    "province_code": "32",
                    "regency_code": regency,
                    "district_code": district,
                    "address": "Jl. Pesantren 1",
                    "leader_name": "KH. Ahmad",
                    "phone": "0812-3456-7890"
                },
                "manager": {"email": email, "name": "Pengurus", "password": "kata-sandi-panjang"}
            }),
        )
        .expect(201)
        .await;
    let id = reg["pesantren"]["id"].as_str().unwrap().to_string();
    app.as_(admin)
        .post_empty(&format!("/api/v1/pesantren/{id}/verify"))
        .ok()
        .await;
    let token = app.login(&email, "kata-sandi-panjang").await;
    let product = app
        .as_(&token)
        .post(
            "/api/v1/products",
            &json!({"pesantren_id": id, "name": format!("Kopi Juara {i}"), "category": "beverage"}),
        )
        .expect(201)
        .await["id"]
        .as_str()
        .unwrap()
        .to_string();
    Contestant {
        id,
        token,
        product,
        entry: String::new(),
    }
}

async fn score(app: &TestApp, juror: &str, entry: &str, score: i32) {
    app.as_(juror)
        .post(
            &format!("/api/v1/entries/{entry}/scores"),
            &json!({"score": score, "notes": "Dinilai di lokasi."}),
        )
        .expect(201)
        .await;
}

async fn advance(app: &TestApp, admin: &str, entry: &str) -> Value {
    app.as_(admin)
        .post_empty(&format!("/api/v1/entries/{entry}/advance"))
        .ok()
        .await
}

#[tokio::test]
async fn west_java_auditions_its_pesantren_juara_and_pays_the_grants_in_tranches() {
    let app = TestApp::spawn_with(&[("OPOP_REGISTRATION_BURST", "1000")]).await;
    let world = World::build(&app).await;
    let admin = world.token("admin_32");
    let juror_a = world.token("curator_32");
    let west_java = Place {
        province_code: Some("32".into()),
        ..Default::default()
    };
    let (_, juror_b) = fixture_user(&app, "juror_b", "curator", &west_java).await;
    let (mentor_juror, juror_c) = fixture_user(&app, "juror_c", "curator", &west_java).await;

    // Registration and the administrative check of the registration.
    let mut p = Vec::new();
    for i in 0..PESANTREN.len() {
        p.push(register(&app, &admin, i).await);
    }

    // The secretariat prepares the audition; pesantren see it once open.
    let closes = (today() + Duration::days(30)).to_string();
    let c = app
        .as_(&admin)
        .post(
            "/api/v1/competitions",
            &json!({
                "title": "Audisi Pesantren Juara OPOP Jawa Barat",
                "province_code": "32",
                "year": today().format("%Y").to_string().parse::<i32>().unwrap(),
                "categories": ["start_up", "scale_up"],
                "stages": ["administrative", "district", "province"],
                "entries_close_on": closes
            }),
        )
        .expect(201)
        .await;
    assert_eq!(c["status"], "draft");
    assert_eq!(c["current_stage"], "administrative");
    let cid = c["id"].as_str().unwrap().to_string();
    let comp = format!("/api/v1/competitions/{cid}");
    assert_problem(app.as_(&p[0].token).get(&comp).await, 404).await;
    // Staff of another province do not see it, nor may they make one here.
    assert_problem(app.as_(&world.token("admin_35")).get(&comp).await, 404).await;
    let bad = app
        .as_(&admin)
        .post(
            "/api/v1/competitions",
            &json!({"title": "", "province_code": "32", "year": 2026,
                    "categories": ["Start Up", "start_up", "start_up"], "stages": [],
                    "entries_close_on": closes}),
        )
        .await;
    let body = assert_problem(bad, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["categories[0]", "categories[2]", "stages", "title"]
    );
    app.as_(&admin)
        .post_empty(&format!("{comp}/open"))
        .ok()
        .await;

    // Entries: each manager their own pesantren, once, with its products.
    for (i, c) in p.iter_mut().enumerate() {
        let entry = app
            .as_(&c.token)
            .post(
                &format!("{comp}/entries"),
                &json!({"pesantren_id": c.id, "category": PESANTREN[i].3, "product_ids": [c.product]}),
            )
            .expect(201)
            .await;
        assert_eq!(entry["stage"], "administrative");
        assert_eq!(entry["status"], "active");
        assert_eq!(entry["district_code"], PESANTREN[i].2);
        c.entry = entry["id"].as_str().unwrap().to_string();
    }
    let again = app
        .as_(&p[0].token)
        .post(
            &format!("{comp}/entries"),
            &json!({"pesantren_id": p[0].id, "category": "start_up", "product_ids": [p[0].product]}),
        )
        .await;
    assert_eq!(code_of(again, 409).await, "entry.already_entered");
    let others = app
        .as_(&p[0].token)
        .post(
            &format!("{comp}/entries"),
            &json!({"pesantren_id": p[1].id, "category": "mega", "product_ids": [p[1].product]}),
        )
        .await;
    assert_eq!(code_of(others, 422).await, "request.invalid");

    // Judging starts: no more entries.
    app.as_(&admin)
        .post_empty(&format!("{comp}/judge"))
        .ok()
        .await;

    // Administrative stage: one pesantren fails the document check.
    let out = app
        .as_(&admin)
        .post(
            &format!("/api/v1/entries/{}/eliminate", p[4].entry),
            &json!({"reason": "Akta koperasi belum dilampirkan."}),
        )
        .ok()
        .await;
    assert_eq!(out["status"], "eliminated");
    for c in &p[..4] {
        assert_eq!(advance(&app, &admin, &c.entry).await["stage"], "district");
    }
    // A district-stage score is refused while the administrative stage runs.
    let early = app
        .as_(&juror_a)
        .post(
            &format!("/api/v1/entries/{}/scores", p[0].entry),
            &json!({"score": 80}),
        )
        .await;
    assert_eq!(code_of(early, 409).await, "entry.not_at_stage");
    let closed = app
        .as_(&admin)
        .post_empty(&format!("{comp}/close-stage"))
        .ok()
        .await;
    assert_eq!(closed["current_stage"], "district");

    // District stage. A juror who mentors pesantren 0 may not score it.
    app.as_(&admin)
        .post(
            "/api/v1/mentoring/assignments",
            &json!({"mentor_id": mentor_juror, "pesantren_id": p[0].id,
                    "starts_on": today().to_string()}),
        )
        .expect(201)
        .await;
    let refused = app
        .as_(&juror_c)
        .post(
            &format!("/api/v1/entries/{}/scores", p[0].entry),
            &json!({"score": 99}),
        )
        .await;
    let refusal = assert_problem(refused, 403).await;
    assert_eq!(refusal["code"], "score.juror_mentors");
    assert!(refusal["detail"].as_str().unwrap().contains("mentor"));
    // Nor one who made a product of the pesantren.
    let mut made = new_product(
        p[1].id.parse().unwrap(),
        "32",
        "JURI-1",
        entity::ProductCategory::Craft,
        entity::ProductStatus::Draft,
    );
    made.created_by = Set(Some(mentor_juror));
    made.insert(&app.db).await.unwrap();
    let refused = app
        .as_(&juror_c)
        .post(
            &format!("/api/v1/entries/{}/scores", p[1].entry),
            &json!({"score": 99}),
        )
        .await;
    assert_eq!(code_of(refused, 403).await, "score.juror_created_products");

    let marks = [(80, 90), (70, 75), (88, 86), (60, 65)];
    for (c, (a, b)) in p.iter().zip(marks) {
        score(&app, &juror_a, &c.entry, a).await;
        score(&app, &juror_b, &c.entry, b).await;
    }
    let twice = app
        .as_(&juror_a)
        .post(
            &format!("/api/v1/entries/{}/scores", p[0].entry),
            &json!({"score": 100}),
        )
        .await;
    assert_eq!(code_of(twice, 409).await, "score.already_given");

    // The standings keep the best of each district.
    let standings = app
        .as_(&admin)
        .get(&format!("{comp}/standings?stage=district"))
        .ok()
        .await;
    assert_eq!(standings["area_level"], "district");
    let rows = standings["data"].as_array().unwrap();
    let order: Vec<&str> = rows
        .iter()
        .map(|r| r["entry_id"].as_str().unwrap())
        .collect();
    assert_eq!(order, [&p[2].entry, &p[0].entry, &p[1].entry, &p[3].entry]);
    let means: Vec<f64> = rows
        .iter()
        .map(|r| r["mean_score"].as_f64().unwrap())
        .collect();
    assert_eq!(means, [87.0, 85.0, 72.5, 62.5]);
    let best: Vec<bool> = rows
        .iter()
        .map(|r| r["best_in_area"].as_bool().unwrap())
        .collect();
    assert_eq!(best, [true, true, false, true]);
    assert_eq!(rows[1]["area_code"], "320405");
    assert_eq!(rows[1]["area_name"], "Cileunyi");

    // Not closable while undecided; the only entry of a scored district
    // may not be eliminated.
    let undecided = app
        .as_(&admin)
        .post_empty(&format!("{comp}/close-stage"))
        .await;
    assert_eq!(code_of(undecided, 409).await, "competition.stage_undecided");
    let alone = app
        .as_(&admin)
        .post(
            &format!("/api/v1/entries/{}/eliminate", p[3].entry),
            &json!({"reason": "Nilai terendah."}),
        )
        .await;
    assert_eq!(code_of(alone, 409).await, "entry.area_nominee");
    app.as_(&admin)
        .post(
            &format!("/api/v1/entries/{}/eliminate", p[1].entry),
            &json!({"reason": "Kalah nilai dari pesantren lain di kecamatan yang sama."}),
        )
        .ok()
        .await;
    for c in [&p[0], &p[2], &p[3]] {
        assert_eq!(advance(&app, &admin, &c.entry).await["stage"], "province");
    }
    // An award before the last stage has closed is too early.
    let too_early = app
        .as_(&admin)
        .post(
            &format!("/api/v1/entries/{}/awards", p[0].entry),
            &json!({"rank": 1, "grant_idr": 400_000_000}),
        )
        .await;
    assert_eq!(code_of(too_early, 409).await, "award.too_early");
    app.as_(&admin)
        .post_empty(&format!("{comp}/close-stage"))
        .ok()
        .await;

    // Province stage: three finalists.
    for (c, s) in [(&p[0], 91), (&p[2], 93), (&p[3], 84)] {
        score(&app, &juror_a, &c.entry, s).await;
        assert_eq!(advance(&app, &admin, &c.entry).await["status"], "finalist");
    }
    let done = app
        .as_(&admin)
        .post_empty(&format!("{comp}/close-stage"))
        .ok()
        .await;
    assert_eq!(done["current_stage"], Value::Null);
    assert_eq!(done["stages_closed"], 3);

    // The eliminated pesantren reads why, and its scores without jurors.
    let own = app
        .as_(&p[1].token)
        .get(&format!("/api/v1/entries/{}", p[1].entry))
        .ok()
        .await;
    assert_eq!(own["status"], "eliminated");
    assert_eq!(own["stage"], "district");
    assert!(own["eliminated_reason"]
        .as_str()
        .unwrap()
        .contains("kecamatan"));
    let scores = own["scores"].as_array().unwrap();
    assert_eq!(scores.len(), 2);
    assert!(scores
        .iter()
        .all(|s| s["juror_id"].is_null() && s["juror_name"].is_null()));
    let listed = app
        .as_(&p[1].token)
        .get(&format!("{comp}/entries"))
        .ok()
        .await;
    assert_eq!(listed["data"].as_array().unwrap().len(), 1);
    let staff_view = app
        .as_(&admin)
        .get(&format!("/api/v1/entries/{}", p[1].entry))
        .ok()
        .await;
    assert_eq!(staff_view["scores"][0]["juror_name"], "curator_32");
    assert_problem(
        app.as_(&p[1].token).get(&format!("{comp}/standings")).await,
        403,
    )
    .await;

    // Three winners, Rp400 million each.
    let mut awards = HashMap::new();
    for (c, rank, name) in [
        (&p[2], 1, "scale_up"),
        (&p[3], 2, "scale_up"),
        (&p[0], 1, "start_up"),
    ] {
        let a = app
            .as_(&admin)
            .post(
                &format!("/api/v1/entries/{}/awards", c.entry),
                &json!({"rank": rank, "grant_idr": 400_000_000}),
            )
            .expect(201)
            .await;
        assert_eq!(a["category"], name);
        awards.insert(c.entry.clone(), a["id"].as_str().unwrap().to_string());
    }
    let taken = app
        .as_(&admin)
        .post(
            &format!("/api/v1/entries/{}/awards", p[2].entry),
            &json!({"rank": 3, "grant_idr": 1}),
        )
        .await;
    assert_eq!(code_of(taken, 409).await, "award.already_given");
    let loser = app
        .as_(&admin)
        .post(
            &format!("/api/v1/entries/{}/awards", p[1].entry),
            &json!({"rank": 3, "grant_idr": 1}),
        )
        .await;
    assert_eq!(code_of(loser, 409).await, "award.not_finalist");

    // The public sees the winners only once the competition is closed.
    let public = app
        .anon()
        .get("/api/v1/catalog/winners?province_code=32")
        .ok()
        .await;
    assert_eq!(public["data"].as_array().unwrap().len(), 0);
    app.as_(&admin)
        .post_empty(&format!("{comp}/close"))
        .ok()
        .await;
    let public = app
        .anon()
        .get("/api/v1/catalog/winners?province_code=32")
        .ok()
        .await;
    let winners = public["data"].as_array().unwrap();
    assert_eq!(winners.len(), 3);
    assert_eq!(winners[0]["rank"], 1);
    assert_eq!(winners[2]["rank"], 2);
    assert_eq!(winners[2]["pesantren_name"], "Pondok Pesantren Juara 3");
    assert_eq!(winners[2]["regency_name"], "Kota Bandung");
    assert_eq!(winners[2]["province_name"], "Jawa Barat");
    let none = app
        .anon()
        .get("/api/v1/catalog/winners?province_code=35")
        .ok()
        .await;
    assert_eq!(none["data"].as_array().unwrap().len(), 0);

    // Two tranches of the first winner's grant; a third beyond it refused.
    let first = format!("/api/v1/awards/{}/disbursements", awards[&p[2].entry]);
    for (amount, day, reference) in [
        (250_000_000, "2026-11-02", "SP2D/2026/0101"),
        (150_000_000, "2026-11-20", "SP2D/2026/0188"),
    ] {
        app.as_(&admin)
            .post(
                &first,
                &json!({"amount_idr": amount, "paid_on": day, "reference": reference}),
            )
            .expect(201)
            .await;
    }
    let over = app
        .as_(&admin)
        .post(
            &first,
            &json!({"amount_idr": 1, "paid_on": "2026-11-21", "reference": "SP2D/2026/0190"}),
        )
        .await;
    let body = assert_problem(over, 409).await;
    assert_eq!(body["code"], "award.over_grant");
    assert!(body["detail"].as_str().unwrap().contains("Rp0"), "{body}");
    let paid = app
        .as_(&p[2].token)
        .get(&format!("/api/v1/awards/{}", awards[&p[2].entry]))
        .ok()
        .await;
    assert_eq!(paid["disbursed_idr"], 400_000_000);
    assert_eq!(paid["remaining_idr"], 0);
    assert_eq!(paid["disbursements"].as_array().unwrap().len(), 2);

    // Two tranches recorded at once that together pass the grant: one wins.
    let second = format!("/api/v1/awards/{}/disbursements", awards[&p[0].entry]);
    let racing = join_all((0..2).map(|i| {
        app.as_(&admin)
            .post(
                &second,
                &json!({"amount_idr": 300_000_000, "paid_on": "2026-11-25",
                        "reference": format!("SP2D/2026/02{i}")}),
            )
            .send()
    }))
    .await;
    let mut statuses: Vec<u16> = racing.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let row =
        competition_awards::Entity::find_by_id(awards[&p[0].entry].parse::<uuid::Uuid>().unwrap())
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(row.disbursed_idr, 300_000_000);

    // The figures: grants awarded and paid in West Java this year.
    let stats = app
        .as_(&admin)
        .get("/api/v1/stats/overview?province_code=32")
        .ok()
        .await;
    assert_eq!(stats["grants"]["awards"], 3);
    assert_eq!(stats["grants"]["awarded_idr"], 1_200_000_000i64);
    assert_eq!(stats["grants"]["disbursed_idr"], 700_000_000);
    assert_eq!(stats["grants"]["by_province"][0]["province_code"], "32");
    assert_eq!(
        stats["grants"]["by_province"][0]["province_name"],
        "Jawa Barat"
    );

    // Every step is in the audit trail.
    for (kind, at_least) in [
        ("competition", 7),
        ("competition_entry", 5 + 1 + 4 + 11 + 4 + 3),
        ("competition_award", 3 + 3),
    ] {
        let n = audit_log::Entity::find()
            .filter(audit_log::Column::ResourceType.eq(kind))
            .count(&app.db)
            .await
            .unwrap();
        assert!(n >= at_least, "{kind}: {n} audit entries");
    }
}

#[tokio::test]
async fn racing_requests_enter_once_and_never_leave_a_scored_district_without_a_nominee() {
    use entity::{CompetitionStatus, EntryStatus, PesantrenStatus};
    use opop_tests::competitions::{insert_competition, insert_entry};
    use opop_tests::world::insert_pesantren;

    let app = TestApp::spawn().await;
    let world = World::build(&app).await;

    // The same entry sent twice at once (a double tap on a poor line).
    let open = insert_competition(&app, "35", CompetitionStatus::Open, &["province"], 0).await;
    let manager = world.token("manager_a");
    let body = json!({"pesantren_id": world.pesantren_a.id, "category": "start_up",
                      "product_ids": [world.product_a.id]});
    let path = format!("/api/v1/competitions/{}/entries", open.id);
    let sent = join_all((0..2).map(|_| app.as_(&manager).post(&path, &body).send())).await;
    let mut statuses: Vec<u16> = sent.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);

    // Two entries of one district, both scored; two admins eliminate one
    // each at the same moment: one of them must be refused.
    let c = insert_competition(
        &app,
        "35",
        CompetitionStatus::Judging,
        &["district", "province"],
        0,
    )
    .await;
    let mut entries = Vec::new();
    for nspp in ["510035780901", "510035780902"] {
        let p = insert_pesantren(&app, nspp, "35", "3578", PesantrenStatus::Verified).await;
        let e = insert_entry(&app, &c, &p, 0, EntryStatus::Active).await;
        score(&app, &world.token("curator_35"), &e.id.to_string(), 70).await;
        entries.push(e.id);
    }
    let admin = world.token("admin_35");
    let reason = json!({"reason": "Nilai di bawah ambang."});
    let sent = join_all(entries.iter().map(|id| {
        app.as_(&admin)
            .post(&format!("/api/v1/entries/{id}/eliminate"), &reason)
            .send()
    }))
    .await;
    let mut statuses: Vec<u16> = sent.iter().map(|r| r.status().as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    let out = competition_entries_eliminated(&app, c.id).await;
    assert_eq!(out, 1);
}

async fn competition_entries_eliminated(app: &TestApp, competition: uuid::Uuid) -> u64 {
    use entity::{competition_entries as e, EntryStatus};
    e::Entity::find()
        .filter(e::Column::CompetitionId.eq(competition))
        .filter(e::Column::Status.eq(EntryStatus::Eliminated))
        .count(&app.db)
        .await
        .unwrap()
}
