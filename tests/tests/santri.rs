//! The santri register: personal data of often minor persons, masked NIKs,
//! guardian consent, scope by role, contact-only self-service, versioned
//! updates and name search in any script.

use chrono::{Datelike, Months, NaiveDate, Utc};
use entity::{audit_log, santri, users};
use opop_tests::world::{insert_santri, World};
use opop_tests::{assert_problem, error_fields, field_errors, TestApp};
use reqwest::Method;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

/// A man born 1 January 2000.
const NIK_MAN: &str = "3578010101000001";
const NIK_MAN_BIRTH: &str = "2000-01-01";
/// A woman born 1 January 1999 (day 01 + 40).
const NIK_WOMAN: &str = "3578014101990001";
const NIK_WOMAN_BIRTH: &str = "1999-01-01";

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A date `years` years ago, minus a few days (safely past the birthday).
fn years_ago(years: u32) -> NaiveDate {
    today()
        .checked_sub_months(Months::new(12 * years))
        .unwrap()
        .checked_sub_days(chrono::Days::new(3))
        .unwrap()
}

/// A valid NIK of Surabaya (3578 01) for someone born on `birth`.
fn nik_for(birth: NaiveDate, female: bool, seq: u32) -> String {
    let day = birth.day() + if female { 40 } else { 0 };
    format!(
        "357801{day:02}{:02}{:02}{seq:04}",
        birth.month(),
        birth.year() % 100
    )
}

fn masked(nik: &str) -> String {
    format!("************{}", &nik[12..])
}

fn collection(w: &World) -> String {
    format!("/api/v1/pesantren/{}/santri", w.pesantren_a.id)
}

fn item(id: impl std::fmt::Display) -> String {
    format!("/api/v1/santri/{id}")
}

async fn create(app: &TestApp, w: &World, token: &str, body: Value) -> Value {
    app.as_(token).post(&collection(w), &body).expect(201).await
}

/// The audit entries of the writes to `id` (reads are recorded too; see
/// `tests/trust.rs`).
async fn audit_rows(app: &TestApp, id: Uuid) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::ResourceId.eq(id))
        .filter(audit_log::Column::Action.ne("read"))
        .all(&app.db)
        .await
        .unwrap()
}

fn id_of(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_manager_registers_a_santri_with_the_pesantren_province_a_masked_nik_and_a_normalised_phone(
) {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let res = app
        .as_(&w.token("manager_a"))
        .post(
            &collection(&w),
            &json!({
                "name": "  Ahmad Fauzi ",
                "nik": NIK_MAN,
                "gender": "L",
                "birth_date": NIK_MAN_BIRTH,
                "entry_year": 2015,
                "phone": "0812-3456-7890",
                "email": "Ahmad.Fauzi@Example.ID",
                "address": "Jl. Kyai Haji 1, Surabaya",
            }),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let text = res.text().await.unwrap();
    assert!(!text.contains(NIK_MAN), "the full NIK leaked: {text}");
    let s: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(location, item(s["id"].as_str().unwrap()));
    assert_eq!(s["name"], "Ahmad Fauzi");
    assert_eq!(s["nik"], masked(NIK_MAN));
    assert_eq!(s["nik"], "************0001");
    assert_eq!(s["phone"], "+6281234567890");
    assert_eq!(s["email"], "ahmad.fauzi@example.id");
    assert_eq!(s["province_code"], "35");
    assert_eq!(s["pesantren_id"], w.pesantren_a.id.to_string());
    assert_eq!(s["status"], "active");
    assert_eq!(s["is_santripreneur"], false);
    assert_eq!(s["version"], 1);
    assert!(s["guardian_consent_at"].is_null());
    let row = santri::Entity::find_by_id(id_of(&s))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.stored_nik(&row).as_deref(),
        Some(NIK_MAN),
        "stored sealed"
    );
    assert_eq!(row.search_name, "ahmad fauzi");
}

#[tokio::test]
async fn the_register_lists_gets_updates_and_deletes_a_santri() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let s = create(
        &app,
        &w,
        &admin,
        json!({"name": "Siti Aminah", "gender": "P", "entry_year": 2020}),
    )
    .await;
    let id = id_of(&s);

    let page = app.as_(&admin).get(&collection(&w)).expect(200).await;
    let names: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Muhammad Rizki", "Siti Aminah"]);
    assert!(page["next_cursor"].is_null());

    let res = app.as_(&admin).get(&item(id)).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let got: Value = res.json().await.unwrap();
    assert_eq!(got, s);

    let res = app
        .as_(&admin)
        .put(
            &item(id),
            &json!({"status": "alumni", "is_santripreneur": true, "address": "Desa Wonokromo"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["status"], "alumni");
    assert_eq!(updated["is_santripreneur"], true);
    assert_eq!(updated["address"], "Desa Wonokromo");
    assert_eq!(updated["name"], "Siti Aminah", "fields not sent stay");
    assert_eq!(updated["entry_year"], 2020);
    assert_eq!(updated["version"], 2);

    // `null` clears an optional field.
    let cleared = app
        .as_(&admin)
        .put(&item(id), &json!({"address": null}))
        .expect(200)
        .await;
    assert!(cleared["address"].is_null());
    assert_eq!(cleared["version"], 3);

    let gone = app.as_(&admin).delete(&item(id)).expect(204).await;
    assert!(gone.is_null());
    assert_problem(app.as_(&admin).get(&item(id)).await, 404).await;
    assert_problem(app.as_(&admin).delete(&item(id)).await, 404).await;

    let actions: Vec<String> = audit_rows(&app, id)
        .await
        .into_iter()
        .map(|r| r.action)
        .collect();
    assert_eq!(actions.len(), 4);
    for a in ["create", "update", "delete"] {
        assert!(actions.iter().any(|x| x == a), "no {a} in {actions:?}");
    }
}

#[tokio::test]
async fn updates_are_audited_with_only_the_changed_fields() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let s = create(
        &app,
        &w,
        &manager,
        json!({"name": "Ali", "gender": "L", "phone": "081111111111"}),
    )
    .await;
    let id = id_of(&s);
    app.as_(&manager)
        .put(&item(id), &json!({"name": "Ali", "phone": "081222222222"}))
        .expect(200)
        .await;
    let rows = audit_rows(&app, id).await;
    let update = rows.iter().find(|r| r.action == "update").unwrap();
    assert_eq!(update.resource_type, "santri");
    assert_eq!(update.province_code.as_deref(), Some("35"));
    assert_eq!(update.actor_id, w.account("manager_a").user_id);
    // A santri's entries name the fields, never their values (UU 27/2022).
    assert_eq!(update.changes, json!({"fields": ["phone"]}));
}

#[tokio::test]
async fn the_list_filters_by_status_santripreneur_and_gender_and_pages_with_a_cursor() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_national");
    for (name, gender, status, sp) in [
        ("Santri Satu", "L", "active", true),
        ("Santri Dua", "P", "alumni", true),
        ("Santri Tiga", "P", "active", false),
        ("Santri Empat", "L", "alumni", false),
    ] {
        create(
            &app,
            &w,
            &admin,
            json!({"name": name, "gender": gender, "status": status, "is_santripreneur": sp}),
        )
        .await;
    }
    // A santri of B never shows in A's list.
    insert_santri(&app, &w.pesantren_b, "Santri Bandung").await;
    let names = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let base = collection(&w);
    let get = |q: &str| format!("{base}?{q}");
    let v = app.as_(&admin).get(&get("status=alumni")).expect(200).await;
    assert_eq!(names(&v), ["Santri Dua", "Santri Empat"]);
    let v = app
        .as_(&admin)
        .get(&get("is_santripreneur=true"))
        .expect(200)
        .await;
    assert_eq!(names(&v), ["Santri Satu", "Santri Dua"]);
    let v = app
        .as_(&admin)
        .get(&get("status=active&is_santripreneur=false&gender=P"))
        .expect(200)
        .await;
    assert_eq!(names(&v), ["Santri Tiga"]);

    // Five santri of A in pages of two.
    let mut seen = Vec::new();
    let mut url = get("limit=2");
    loop {
        let v = app.as_(&admin).get(&url).expect(200).await;
        assert!(v["data"].as_array().unwrap().len() <= 2);
        seen.extend(names(&v));
        match v["next_cursor"].as_str() {
            Some(c) => url = get(&format!("limit=2&cursor={c}")),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "Muhammad Rizki",
            "Santri Satu",
            "Santri Dua",
            "Santri Tiga",
            "Santri Empat"
        ]
    );
    assert_problem(app.as_(&admin).get(&get("status=expelled")).await, 400).await;
    assert_problem(app.as_(&admin).get(&get("limit=0")).await, 422).await;
}

/// What is wrong, the fields that make it so, and the expected (field, code)s.
type InvalidCase = (&'static str, Value, Vec<(&'static str, &'static str)>);

#[tokio::test]
async fn each_invalid_field_is_refused_with_its_own_field_and_code() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let token = w.token("manager_a");
    let minor_birth = years_ago(12);
    let next_year = today().year() + 1;
    let tomorrow_year = today().checked_add_months(Months::new(12)).unwrap();
    let cases: Vec<InvalidCase> = vec![
        (
            "a short NIK",
            json!({"nik": "35780101"}),
            vec![("nik", "format")],
        ),
        (
            "a NIK with letters",
            json!({"nik": "35780101010000AB"}),
            vec![("nik", "format")],
        ),
        (
            "a NIK of no province",
            json!({"nik": "3778010101000001"}),
            vec![("nik", "format")],
        ),
        (
            "a NIK of another birth date",
            json!({"nik": NIK_MAN, "birth_date": "2000-02-01"}),
            vec![("nik", "mismatch")],
        ),
        (
            "a woman's NIK for a man",
            json!({"nik": NIK_WOMAN, "birth_date": NIK_WOMAN_BIRTH, "gender": "L"}),
            vec![("nik", "mismatch")],
        ),
        (
            "a minor without guardian or consent",
            json!({"birth_date": minor_birth}),
            vec![
                ("guardian_consent", "required"),
                ("guardian_name", "required"),
            ],
        ),
        (
            "a minor with a guardian but no consent",
            json!({"birth_date": minor_birth, "guardian_name": "Hj. Aminah"}),
            vec![("guardian_consent", "required")],
        ),
        (
            "a minor known only by the NIK",
            json!({"nik": nik_for(minor_birth, false, 7)}),
            vec![
                ("guardian_consent", "required"),
                ("guardian_name", "required"),
            ],
        ),
        (
            "a landline",
            json!({"phone": "0212345678"}),
            vec![("phone", "format")],
        ),
        (
            "a foreign phone",
            json!({"phone": "+447700900123"}),
            vec![("phone", "format")],
        ),
        (
            "a short phone",
            json!({"phone": "0812345"}),
            vec![("phone", "format")],
        ),
        (
            "a birth date in the future",
            json!({"birth_date": tomorrow_year}),
            vec![("birth_date", "range")],
        ),
        (
            "an entry year of 1850",
            json!({"entry_year": 1850}),
            vec![("entry_year", "range")],
        ),
        (
            "an entry year next year",
            json!({"entry_year": next_year}),
            vec![("entry_year", "range")],
        ),
        (
            "an entry year before birth",
            json!({"entry_year": 1998, "birth_date": NIK_MAN_BIRTH}),
            vec![("entry_year", "range")],
        ),
        (
            "an empty name",
            json!({"name": ""}),
            vec![("name", "length")],
        ),
        (
            "a blank name",
            json!({"name": "   "}),
            vec![("name", "length")],
        ),
        (
            "a long name",
            json!({"name": "a".repeat(201)}),
            vec![("name", "length")],
        ),
        (
            "a bad email",
            json!({"email": "not-an-email"}),
            vec![("email", "email")],
        ),
    ];
    for (what, overrides, expected) in cases {
        let mut body = json!({"name": "Santri Uji", "gender": "L"});
        for (k, v) in overrides.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app.as_(&token).post(&collection(&w), &body).await;
        let got = field_errors(res).await;
        let expected: Vec<(String, String)> = expected
            .into_iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(got, expected, "{what}");
    }
    // An unknown field, or a value of the wrong type, is a 422 too.
    let res = app
        .as_(&token)
        .post(
            &collection(&w),
            &json!({"name": "X", "gender": "L", "religion": "islam"}),
        )
        .await;
    assert_eq!(
        field_errors(res).await,
        [("religion".into(), "unknown".into())]
    );
    let res = app
        .as_(&token)
        .post(&collection(&w), &json!({"name": "X", "gender": "X"}))
        .await;
    assert_problem(res, 422).await;
    // Nothing was written.
    let count = santri::Entity::find().all(&app.db).await.unwrap().len();
    assert_eq!(count, 1, "only santri A exists");
}

#[tokio::test]
async fn a_minor_is_registered_with_a_guardian_and_consent_which_cannot_be_withdrawn() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let token = w.token("manager_a");
    let birth = years_ago(13);
    let nik = nik_for(birth, true, 12);
    let s = create(
        &app,
        &w,
        &token,
        json!({
            "name": "Nur Laila",
            "gender": "P",
            "nik": nik,
            "birth_date": birth,
            "guardian_name": "Hj. Aminah",
            "guardian_consent": true,
        }),
    )
    .await;
    assert_eq!(s["guardian_name"], "Hj. Aminah");
    let consent_at = s["guardian_consent_at"].as_str().unwrap().to_string();
    assert_eq!(s["nik"], masked(&nik));

    // Consent again keeps the first time; withdrawing it is refused.
    let again = app
        .as_(&token)
        .put(
            &item(s["id"].as_str().unwrap()),
            &json!({"guardian_consent": true, "entry_year": 2024}),
        )
        .expect(200)
        .await;
    assert_eq!(again["guardian_consent_at"], consent_at.as_str());
    let res = app
        .as_(&token)
        .put(
            &item(s["id"].as_str().unwrap()),
            &json!({"guardian_consent": false, "guardian_name": null}),
        )
        .await;
    assert_eq!(
        field_errors(res).await,
        [
            ("guardian_consent".into(), "required".into()),
            ("guardian_name".into(), "required".into())
        ]
    );
}

#[tokio::test]
async fn every_failing_field_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let res = app
        .as_(&w.token("admin_35"))
        .post(
            &collection(&w),
            &json!({
                "name": "",
                "nik": "123",
                "gender": "L",
                "birth_date": years_ago(10),
                "entry_year": 1800,
                "phone": "12345",
                "email": "nope",
            }),
        )
        .await;
    let body = assert_problem(res, 422).await;
    let fields = error_fields(&body);
    assert_eq!(
        fields,
        [
            "email",
            "entry_year",
            "guardian_consent",
            "guardian_name",
            "name",
            "nik",
            "phone"
        ]
    );
    assert!(body["detail"].as_str().unwrap().contains("7 field(s)"));

    // Updates report every field at once too.
    let res = app
        .as_(&w.token("admin_35"))
        .put(
            &item(w.santri_a.id),
            &json!({"name": " ", "phone": "0000", "entry_year": 3000}),
        )
        .await;
    assert_eq!(
        field_errors(res).await,
        [
            ("entry_year".into(), "range".into()),
            ("name".into(), "length".into()),
            ("phone".into(), "format".into())
        ]
    );
}

#[tokio::test]
async fn the_nik_is_never_answered_or_audited_in_full() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let token = w.token("manager_a");
    let res = app.as_(&token).post(&collection(&w), &json!({"name": "Fatimah", "gender": "P", "nik": NIK_WOMAN, "birth_date": NIK_WOMAN_BIRTH}))
    .await;
    assert_eq!(res.status(), 201);
    let text = res.text().await.unwrap();
    assert!(!text.contains(NIK_WOMAN), "create: {text}");
    let s: Value = serde_json::from_str(&text).unwrap();
    let id = id_of(&s);
    assert_eq!(s["nik"], "************0001");

    for path in [
        item(id),
        collection(&w),
        format!("{}?q=fatimah", collection(&w)),
    ] {
        let res = app.as_(&token).get(&path).await;
        assert_eq!(res.status(), 200);
        let text = res.text().await.unwrap();
        assert!(!text.contains(NIK_WOMAN), "{path}: {text}");
        assert!(text.contains("************0001"), "{path}: {text}");
    }

    // A new NIK that masks alike (another district, same last digits) is
    // still recorded as a change, masked.
    let alike = "3578024101990001";
    let other = "3578014101990011";
    for nik in [alike, other] {
        let res = app.as_(&token).put(&item(id), &json!({"nik": nik})).await;
        assert_eq!(res.status(), 200);
        let text = res.text().await.unwrap();
        assert!(!text.contains(nik), "update: {text}");
    }
    let row = santri::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(app.stored_nik(&row).as_deref(), Some(other));

    let rows = audit_rows(&app, id).await;
    assert_eq!(rows.len(), 3);
    for row in &rows {
        let changes = row.changes.to_string();
        for nik in [NIK_WOMAN, alike, other] {
            assert!(!changes.contains(nik), "audit {}: {changes}", row.action);
        }
    }
    let created = rows.iter().find(|r| r.action == "create").unwrap();
    assert!(created.changes["fields"]
        .as_array()
        .unwrap()
        .contains(&json!("nik")));
    // Both changes of the NIK are recorded, also the one to a NIK that
    // masks alike, by name only.
    let updates: Vec<&Value> = rows
        .iter()
        .filter(|r| r.action == "update")
        .map(|r| &r.changes)
        .collect();
    assert_eq!(updates, vec![&json!({"fields": ["nik"]}); 2]);
}

#[tokio::test]
async fn a_duplicate_nik_in_the_same_pesantren_is_a_conflict() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_national");
    let body = json!({"name": "Ahmad", "gender": "L", "nik": NIK_MAN});
    create(&app, &w, &admin, body.clone()).await;
    let problem = assert_problem(app.as_(&admin).post(&collection(&w), &body).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("NIK"));
    assert!(!problem.to_string().contains(NIK_MAN));

    // Another pesantren may hold the same person.
    app.as_(&admin)
        .post(
            &format!("/api/v1/pesantren/{}/santri", w.pesantren_b.id),
            &body,
        )
        .expect(201)
        .await;

    // Taking it by an update is a conflict too, and changes nothing.
    let res = app
        .as_(&admin)
        .put(
            &item(w.santri_a.id),
            &json!({"nik": NIK_MAN, "name": "Renamed"}),
        )
        .await;
    assert_problem(res, 409).await;
    let a = app.as_(&admin).get(&item(w.santri_a.id)).expect(200).await;
    assert_eq!(a["name"], "Muhammad Rizki");
    assert!(a["nik"].is_null());
    assert_eq!(a["version"], 1);
}

#[tokio::test]
async fn a_manager_of_another_pesantren_gets_404_on_santri_of_a() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let b = w.token("manager_b");
    let s = item(w.santri_a.id);
    let update = json!({"name": "Hijacked"});
    let create = json!({"name": "Intruder", "gender": "L"});
    assert_problem(app.as_(&b).get(&s).await, 404).await;
    assert_problem(app.as_(&b).put(&s, &update).await, 404).await;
    assert_problem(app.as_(&b).delete(&s).await, 404).await;
    assert_problem(app.as_(&b).get(&collection(&w)).await, 404).await;
    assert_problem(app.as_(&b).post(&collection(&w), &create).await, 404).await;
    // An admin of another province too.
    let admin_32 = w.token("admin_32");
    assert_problem(app.as_(&admin_32).get(&s).await, 404).await;
    assert_problem(app.as_(&admin_32).post(&collection(&w), &create).await, 404).await;
    // Nothing changed, and manager B sees only B's santri.
    let a = santri::Entity::find_by_id(w.santri_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(a.name, w.santri_a.name);
    assert_eq!(a.version, 1);
    assert_eq!(santri::Entity::find().all(&app.db).await.unwrap().len(), 1);
    let own = app
        .as_(&b)
        .get(&format!("/api/v1/pesantren/{}/santri", w.pesantren_b.id))
        .expect(200)
        .await;
    assert_eq!(own["data"], json!([]));
}

/// Need to know (UU 27/2022): curators review products, mentors coach
/// pesantren; neither reads a child's personal data, in their province or
/// any other. Both are refused by role (403), before scope, on every santri
/// route, and see santri as counts in the figures.
#[tokio::test]
async fn curators_and_mentors_read_no_santri_data_and_see_counts_only() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let s = item(w.santri_a.id);
    for key in ["curator_35", "curator_32", "curator_national", "mentor_a"] {
        let token = w.token(key);
        for path in [
            s.clone(),
            collection(&w),
            format!("{s}/enterprises"),
            format!("{s}/export"),
        ] {
            let problem = assert_problem(app.as_(&token).get(&path).await, 403).await;
            assert_eq!(problem["code"], "auth.role_forbidden", "{key} {path}");
        }
        assert_problem(app.as_(&token).put(&s, &json!({"name": "X"})).await, 403).await;
        assert_problem(app.as_(&token).delete(&s).await, 403).await;
        assert_problem(
            app.as_(&token)
                .post(&collection(&w), &json!({"name": "X", "gender": "L"}))
                .await,
            403,
        )
        .await;
    }
    // The figures still count them for a curator.
    let stats = app
        .as_(&w.token("curator_35"))
        .get("/api/v1/stats/overview?province_code=35")
        .ok()
        .await;
    assert!(stats["totals"]["santri"]["total"].as_u64().unwrap() >= 1);
    let text = stats.to_string();
    assert!(!text.contains("Muhammad Rizki"));
}

#[tokio::test]
async fn a_santri_reads_himself_updates_his_contact_fields_but_nothing_else_and_sees_no_other_santri(
) {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let me = w.token("santri_a");
    let own = item(w.santri_a.id);
    let got = app.as_(&me).get(&own).expect(200).await;
    assert_eq!(got["name"], "Muhammad Rizki");

    let updated = app
        .as_(&me)
        .put(
            &own,
            &json!({"phone": "0857 1234 5678", "email": "rizki@santri.id", "address": "Asrama B"}),
        )
        .expect(200)
        .await;
    assert_eq!(updated["phone"], "+6285712345678");
    assert_eq!(updated["email"], "rizki@santri.id");
    assert_eq!(updated["address"], "Asrama B");
    assert_eq!(updated["version"], 2);
    let audit = audit_rows(&app, w.santri_a.id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].actor_id, w.account("santri_a").user_id);

    for body in [
        json!({"name": "Rizki Sultan"}),
        json!({"phone": "081234567890", "name": "Rizki Sultan"}),
        json!({"is_santripreneur": true}),
        json!({"guardian_consent": true}),
        json!({"status": "alumni"}),
    ] {
        let problem = assert_problem(app.as_(&me).put(&own, &body).await, 403).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains("only their own phone, email and address"),
            "{problem}"
        );
    }
    let after = app.as_(&me).get(&own).expect(200).await;
    assert_eq!(after["name"], "Muhammad Rizki");
    assert_eq!(after["phone"], "+6285712345678");
    assert_eq!(after["version"], 2);

    // Another santri of the same pesantren is not there for him.
    let other = insert_santri(&app, &w.pesantren_a, "Abdullah").await;
    assert_problem(app.as_(&me).get(&item(other.id)).await, 404).await;
    assert_problem(
        app.as_(&me)
            .put(&item(other.id), &json!({"phone": "081234567890"}))
            .await,
        404,
    )
    .await;
    // Nor the list, nor creating or deleting.
    assert_problem(app.as_(&me).get(&collection(&w)).await, 403).await;
    assert_problem(app.as_(&me).delete(&own).await, 403).await;
}

#[tokio::test]
async fn partners_and_anonymous_callers_are_refused() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let partner = w.token("partner");
    let s = item(w.santri_a.id);
    let body = json!({"name": "X", "gender": "L"});
    let routes = [
        (Method::GET, collection(&w), None),
        (Method::POST, collection(&w), Some(&body)),
        (Method::GET, s.clone(), None),
        (Method::PUT, s.clone(), Some(&body)),
        (Method::DELETE, s, None),
    ];
    for (method, path, body) in routes {
        let res = app.as_(&partner).call(method.clone(), &path, body).await;
        assert_problem(res, 403).await;
        let res = app.anon().call(method, &path, body).await;
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        assert_problem(res, 401).await;
    }
    assert_eq!(santri::Entity::find().all(&app.db).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_stale_if_match_gets_412_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let token = w.token("manager_a");
    let s = item(w.santri_a.id);
    let res = app
        .as_(&token)
        .put(&s, &json!({"entry_year": 2023}))
        .header("If-Match", "\"1\"")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");

    let res = app
        .as_(&token)
        .put(&s, &json!({"name": "Overwritten"}))
        .header("If-Match", "\"1\"")
        .await;
    assert_problem(res, 412).await;
    let res = app.as_(&token).delete(&s).header("If-Match", "\"1\"").await;
    assert_problem(res, 412).await;

    let row = santri::Entity::find_by_id(w.santri_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name, "Muhammad Rizki");
    assert_eq!(row.entry_year, Some(2023));
    assert_eq!(row.version, 2);
    assert_eq!(audit_rows(&app, w.santri_a.id).await.len(), 1);
    // A garbled If-Match is a bad request.
    let res = app
        .as_(&token)
        .put(&s, &json!({"entry_year": 2022}))
        .header("If-Match", "yesterday")
        .await;
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn a_santri_with_an_active_account_is_deleted_only_after_the_account_is_deactivated() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let s = item(w.santri_a.id);
    let problem = assert_problem(app.as_(&manager).delete(&s).await, 409).await;
    assert!(problem["detail"].as_str().unwrap().contains("deactivate"));

    let account = w.account("santri_a").user_id.unwrap();
    app.as_(&w.token("admin_35"))
        .post_empty(&format!("/api/v1/users/{account}/deactivate"))
        .expect(200)
        .await;
    app.as_(&manager).delete(&s).expect(204).await;
    assert!(santri::Entity::find_by_id(w.santri_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_none());
    let user = users::Entity::find_by_id(account)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(user.santri_id, None);
    let deleted = audit_rows(&app, w.santri_a.id).await;
    let entry = deleted.iter().find(|r| r.action == "delete").unwrap();
    assert!(entry.changes["fields"]
        .as_array()
        .unwrap()
        .contains(&json!("name")));
    assert!(!entry.changes.to_string().contains("Rizki"));
}

#[tokio::test]
async fn arabic_and_accented_names_round_trip_and_are_found_without_marks_in_any_case() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let token = w.token("admin_35");
    let names = [
        "مُحَمَّد رِضَا",
        "محمد رضا",
        "Siti Nur'aini Ḥasanah",
        "Miftāḥul Ulūm al-Fārisī",
    ];
    let mut ids = Vec::new();
    for name in names {
        let s = create(&app, &w, &token, json!({"name": name, "gender": "L"})).await;
        assert_eq!(s["name"], name);
        let got = app.as_(&token).get(&item(id_of(&s))).expect(200).await;
        assert_eq!(got["name"], name, "read back exactly");
        ids.push(id_of(&s));
    }
    let found = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap().to_string())
            .collect()
    };
    let search = |q: &str| {
        let url = reqwest::Url::parse_with_params(&app.url(&collection(&w)), &[("q", q)]).unwrap();
        let search = app
            .as_(&token)
            .get(&format!("{}?{}", url.path(), url.query().unwrap()));
        async move {
            let res = search.await;
            assert_eq!(res.status(), 200);
            res.json::<Value>().await.unwrap()
        }
    };
    // Without harakat, both spellings are found.
    assert_eq!(found(&search("محمد").await), [names[0], names[1]]);
    assert_eq!(found(&search("رضا").await), [names[0], names[1]]);
    // With harakat too.
    assert_eq!(found(&search("مُحَمَّد").await), [names[0], names[1]]);
    for q in ["HASANAH", "hasanah", "Ḥasanah", "nur'aini", "siti nur"] {
        assert_eq!(found(&search(q).await), [names[2]], "q={q}");
    }
    for q in ["miftahul", "FARISI", "ulum al"] {
        assert_eq!(found(&search(q).await), [names[3]], "q={q}");
    }
    assert_eq!(found(&search("rizki").await), ["Muhammad Rizki"]);
    // Wildcards are taken literally.
    for q in ["%", "_", "Siti%Hasanah", "\\"] {
        assert!(found(&search(q).await).is_empty(), "q={q}");
    }
    // A blank q filters nothing.
    assert_eq!(found(&search("  ").await).len(), 5);
}

#[tokio::test]
async fn the_record_as_read_goes_back_with_its_masked_nik_and_a_santri_patches_his_contact() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let token = w.token("manager_a");
    let s = create(
        &app,
        &w,
        &token,
        json!({"name": "Fatimah", "gender": "P", "nik": NIK_WOMAN, "birth_date": NIK_WOMAN_BIRTH}),
    )
    .await;
    let id = id_of(&s);

    // GET, change a field, PUT: the masked NIK read back is not a new NIK.
    let mut read = app.as_(&token).get(&item(id)).expect(200).await;
    assert_eq!(read["nik"], masked(NIK_WOMAN));
    read["address"] = json!("Asrama Putri");
    let updated = app
        .as_(&token)
        .put(&item(id), &read)
        .header("If-Match", "\"1\"")
        .expect(200)
        .await;
    assert_eq!(updated["address"], "Asrama Putri");
    assert_eq!(updated["version"], 2);
    let row = santri::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        app.stored_nik(&row).as_deref(),
        Some(NIK_WOMAN),
        "the NIK is kept"
    );
    let update = audit_rows(&app, id)
        .await
        .into_iter()
        .find(|r| r.action == "update")
        .unwrap();
    assert_eq!(update.changes, json!({"fields": ["address"]}));

    // Changing a read-only field of the record read is a field error, and
    // the masked NIK beside it is not.
    let mut read = updated;
    read["version"] = json!(7);
    read["address"] = json!("Asrama C");
    let problem = assert_problem(app.as_(&token).put(&item(id), &read).await, 422).await;
    assert_eq!(error_fields(&problem), ["version"], "{problem}");

    // A santri sends his whole record back with a new phone: only the
    // contact field changed, so it is his to change.
    let me = w.token("santri_a");
    let own = item(w.santri_a.id);
    let mut mine = app.as_(&me).get(&own).expect(200).await;
    mine["phone"] = json!("0857 1234 5678");
    let saved = app.as_(&me).put(&own, &mine).expect(200).await;
    assert_eq!(saved["phone"], "+6285712345678");

    // And patches one field from his phone, or is refused a field not his.
    let patched = app
        .as_(&me)
        .patch(&own, &json!({"email": "rizki@santri.id"}))
        .header("If-Match", "\"2\"")
        .expect(200)
        .await;
    assert_eq!(patched["email"], "rizki@santri.id");
    assert_eq!(patched["phone"], "+6285712345678");
    assert_eq!(patched["version"], 3);
    assert_problem(
        app.as_(&me)
            .patch(&own, &json!({"name": "Rizki Sultan"}))
            .await,
        403,
    )
    .await;
    let after = app.as_(&me).get(&own).expect(200).await;
    assert_eq!(after["name"], "Muhammad Rizki");
    assert_eq!(after["version"], 3);
}
