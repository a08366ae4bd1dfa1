//! Trust: the audit trail read by admins, the reads of santri data
//! recorded, and the rights over children's data (UU 27/2022): consent as
//! a record, its withdrawal, access, erasure that leaves no personal value
//! anywhere in the database, and retention.

use chrono::{Duration, Months, Utc};
use entity::{audit_log, santri};
use opop_api::config::Retention;
use opop_api::santri::retention;
use opop_tests::world::World;
use opop_tests::{assert_problem, backend_name, field_errors, TestApp};
use reqwest::Method;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, QueryFilter, Set,
    Statement,
};
use serde_json::{json, Value};
use uuid::Uuid;

fn id_of(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

fn collection(w: &World) -> String {
    format!("/api/v1/pesantren/{}/santri", w.pesantren_a.id)
}

/// Values no other fixture writes, to be searched for after erasure.
struct Person {
    name: &'static str,
    phone: &'static str,
    phone_stored: &'static str,
    email: &'static str,
    address: &'static str,
    guardian: &'static str,
    relation: &'static str,
    nik: &'static str,
}

const ZULAIKHA: Person = Person {
    name: "Zulaikha Quenvarisma",
    phone: "081377712345",
    phone_stored: "+6281377712345",
    email: "zulaikha.quenvarisma@example.org",
    address: "Dusun Xylofandri RT 09 RW 07",
    guardian: "Hj. Brontowiyoga",
    relation: "nenek-buyut",
    // Born 1 January 2000 (a woman: day + 40).
    nik: "3578014101000777",
};

impl Person {
    fn values(&self) -> Vec<&'static str> {
        vec![
            self.name,
            self.phone,
            self.phone_stored,
            self.email,
            self.address,
            self.guardian,
            self.relation,
            self.nik,
            // What the masked NIK and the folded name look like (the last
            // four digits alone would be found inside hex UUIDs by chance).
            "********0777",
            "quenvarisma",
        ]
    }

    fn body(&self) -> Value {
        json!({
            "name": self.name,
            "nik": self.nik,
            "gender": "P",
            "birth_date": "2000-01-01",
            "entry_year": 2015,
            "status": "alumni",
            "left_on": "2024-06-30",
            "phone": self.phone,
            "email": self.email,
            "address": self.address,
            "consent": {
                "guardian_name": self.guardian,
                "guardian_relation": self.relation,
                "method": "written_form",
                "given_on": "2015-07-01",
            },
        })
    }
}

/// Every text of every table, one string per row: what an attacker with a
/// copy of the database could read through SQL.
async fn every_row_as_text(app: &TestApp) -> Vec<(String, String)> {
    let db = &app.db;
    let backend = db.get_database_backend();
    let tables: Vec<String> = match backend {
        DatabaseBackend::Postgres => db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT table_name::text AS name FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
            ))
            .await
            .unwrap(),
        _ => db
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT name FROM sqlite_master WHERE type = 'table'",
            ))
            .await
            .unwrap(),
    }
    .into_iter()
    .map(|r| r.try_get::<String>("", "name").unwrap())
    .collect();
    assert!(tables.len() > 20, "tables found: {tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let sql = match backend {
            DatabaseBackend::Postgres => format!("SELECT t::text AS row FROM \"{table}\" t"),
            _ => {
                let cols: Vec<String> = db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!("SELECT name FROM pragma_table_info('{table}')"),
                    ))
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|r| r.try_get::<String>("", "name").unwrap())
                    .collect();
                let parts: Vec<String> = cols
                    .iter()
                    // quote(): text as it is, blobs (UUIDs) in hex; the
                    // file's bytes are searched as well below.
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect();
                format!(
                    "SELECT {} AS row FROM \"{table}\"",
                    parts.join(" || '|' || ")
                )
            }
        };
        for r in db
            .query_all_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
        {
            out.push((table.clone(), r.try_get::<String>("", "row").unwrap()));
        }
    }
    out
}

/// The places where any of `values` is still found, case-insensitively.
pub(crate) async fn traces_of(app: &TestApp, values: &[&str]) -> Vec<String> {
    let rows = every_row_as_text(app).await;
    let mut found = Vec::new();
    for (table, row) in rows {
        let lower = row.to_lowercase();
        for v in values {
            if lower.contains(&v.to_lowercase()) {
                found.push(format!("{table}: {v} in {row}"));
            }
        }
    }
    found
}

async fn santri_total(app: &TestApp, token: &str) -> u64 {
    let stats = app
        .as_(token)
        .get("/api/v1/stats/overview?province_code=35")
        .ok()
        .await;
    stats["totals"]["santri"]["total"]
        .as_u64()
        .unwrap_or_else(|| panic!("santri total in {stats}"))
}

async fn entries(app: &TestApp, token: &str, query: &str) -> Value {
    app.as_(token)
        .get(&format!("/api/v1/audit?{query}"))
        .ok()
        .await
}

#[tokio::test]
async fn the_audit_trail_is_read_newest_first_filtered_paged_and_scoped_by_province() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin_35 = w.token("admin_35");
    // Three changes to product A's koperasi, one after the other.
    for members in [30, 31, 32] {
        app.as_(&w.token("manager_a"))
            .patch(
                &format!("/api/v1/koperasi/{}", w.koperasi_a.id),
                &json!({ "member_count": members }),
            )
            .ok()
            .await;
    }
    let q = format!("resource_type=koperasi&resource_id={}", w.koperasi_a.id);
    let all = entries(&app, &admin_35, &q).await;
    let data = all["data"].as_array().unwrap();
    assert_eq!(data.len(), 3, "{all}");
    // Newest first, each with the actor's name and role.
    let counts: Vec<i64> = data
        .iter()
        .map(|e| e["changes"]["member_count"]["to"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, vec![32, 31, 30]);
    let first = &data[0];
    assert_eq!(first["action"], "update");
    assert_eq!(first["actor"]["role"], "pesantren_manager");
    assert_eq!(
        first["actor"]["id"].as_str().unwrap(),
        w.account("manager_a").user_id.unwrap().to_string()
    );
    assert!(first["actor"]["name"].is_string(), "{first}");
    assert!(first["request_id"].is_string(), "{first}");
    assert!(first["at"].is_string());
    assert_eq!(first["province_code"], "35");

    // Pages of two: no entry twice, none lost.
    let page1 = entries(&app, &admin_35, &format!("{q}&limit=2")).await;
    let cursor = page1["next_cursor"].as_str().expect("a second page");
    let page2 = entries(&app, &admin_35, &format!("{q}&limit=2&cursor={cursor}")).await;
    let mut ids: Vec<Value> = page1["data"].as_array().unwrap().clone();
    ids.extend(page2["data"].as_array().unwrap().iter().cloned());
    let ids: Vec<&str> = ids.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        data.iter()
            .map(|e| e["id"].as_str().unwrap())
            .collect::<Vec<_>>()
    );
    assert!(page2["next_cursor"].is_null());

    // Filters by actor and action, and by day (WIB).
    let actor = w.account("manager_a").user_id.unwrap();
    let by_actor = entries(&app, &admin_35, &format!("actor_id={actor}&action=update")).await;
    assert!(by_actor["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["actor"]["id"] == actor.to_string() && e["action"] == "update"));
    assert!(by_actor["data"].as_array().unwrap().len() >= 3);
    let today = opop_api::publication::today();
    let today_q = format!("{q}&from={today}&to={today}");
    assert_eq!(
        entries(&app, &admin_35, &today_q).await["data"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let tomorrow = today.succ_opt().unwrap();
    let later = entries(&app, &admin_35, &format!("{q}&from={tomorrow}")).await;
    assert!(later["data"].as_array().unwrap().is_empty());
    let yesterday = today.pred_opt().unwrap();
    let res = app
        .as_(&admin_35)
        .get(&format!("/api/v1/audit?from={today}&to={yesterday}"))
        .send()
        .await;
    assert_eq!(
        field_errors(res).await,
        vec![("to".to_string(), "range".to_string())]
    );

    // An admin of another province sees none of it; a national admin does.
    let other = entries(&app, &w.token("admin_32"), &q).await;
    assert!(other["data"].as_array().unwrap().is_empty(), "{other}");
    let national = entries(&app, &w.token("admin_national"), &q).await;
    assert_eq!(national["data"].as_array().unwrap().len(), 3);
    let everything = entries(&app, &w.token("admin_32"), "limit=100").await;
    assert!(everything["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["province_code"] == "32"));

    // For inspectors: the same page as CSV, the next cursor in a header.
    let res = app
        .as_(&admin_35)
        .get(&format!("/api/v1/audit?{q}&limit=2"))
        .header("Accept", "text/csv")
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(res.headers().get("x-next-cursor").is_some());
    let text = res.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "id");
    assert_eq!(header[4], "actor_role");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(&rows[0][0], data[0]["id"].as_str().unwrap());
    assert_eq!(&rows[0][5], "update");
    let changes: Value = serde_json::from_str(&rows[0][10]).unwrap();
    assert_eq!(changes["member_count"]["to"], 32);

    // Bad filters are a problem+json, not a 500.
    let res = app
        .as_(&admin_35)
        .get("/api/v1/audit?resource_id=not-a-uuid")
        .send()
        .await;
    assert_problem(res, 400).await;
    let res = app
        .as_(&admin_35)
        .get("/api/v1/audit?cursor=zzz")
        .send()
        .await;
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn santri_entries_name_the_fields_only_and_every_read_of_a_santri_is_recorded() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let created = app
        .as_(&manager)
        .post(&collection(&w), &ZULAIKHA.body())
        .expect(201)
        .await;
    let id = id_of(&created);
    app.as_(&manager)
        .patch(
            &format!("/api/v1/santri/{id}"),
            &json!({"address": "Jalan Wirogunanto 77"}),
        )
        .ok()
        .await;
    app.as_(&w.token("admin_35"))
        .get(&format!("/api/v1/santri/{id}"))
        .ok()
        .await;
    app.as_(&manager).get(&collection(&w)).ok().await;

    let trail = entries(
        &app,
        &w.token("admin_35"),
        &format!("resource_type=santri&resource_id={id}"),
    )
    .await;
    let data = trail["data"].as_array().unwrap();
    let actions: Vec<(&str, &str)> = data
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["changes"]["via"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        actions,
        vec![
            ("read", "list"),
            ("read", "get"),
            ("update", ""),
            ("create", "")
        ]
    );
    assert_eq!(data[1]["actor"]["role"], "admin");
    assert_eq!(data[2]["changes"], json!({"fields": ["address"]}));
    let create_fields = data[3]["changes"]["fields"].as_array().unwrap();
    for f in ["name", "nik", "phone", "address", "consent"] {
        assert!(create_fields.contains(&json!(f)), "{f} in {}", data[3]);
    }
    // No value: not in the answer, not in the table.
    let text = trail.to_string().to_lowercase();
    for v in ZULAIKHA.values() {
        assert!(!text.contains(&v.to_lowercase()), "{v} in {text}");
    }
    assert!(!text.contains("wirogunanto"));
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceId.eq(id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 4);
    for row in rows {
        let changes = row.changes.to_string().to_lowercase();
        assert!(!changes.contains("quenvarisma") && !changes.contains("wirogunanto"));
    }
}

#[tokio::test]
async fn consent_is_a_record_of_who_how_when_and_who_recorded_it() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let birth = Utc::now()
        .date_naive()
        .checked_sub_months(Months::new(12 * 14))
        .unwrap();
    let minor = json!({
        "name": "Ahmad Kecil",
        "gender": "L",
        "birth_date": birth,
        "consent": {"guardian_name": "Suparman", "guardian_relation": "ayah", "method": "in_person"},
    });
    let s = app
        .as_(&manager)
        .post(&collection(&w), &minor)
        .expect(201)
        .await;
    assert_eq!(s["guardian_name"], "Suparman");
    assert_eq!(s["consent"]["guardian_name"], "Suparman");
    assert_eq!(s["consent"]["guardian_relation"], "ayah");
    assert_eq!(s["consent"]["method"], "in_person");
    assert_eq!(
        s["consent"]["given_on"],
        Utc::now().date_naive().to_string()
    );
    assert_eq!(
        s["consent"]["recorded_by"].as_str().unwrap(),
        w.account("manager_a").user_id.unwrap().to_string()
    );
    assert!(s["consent"]["withdrawn_at"].is_null());
    assert_eq!(s["restricted"], false);

    // A consent given tomorrow, or of an unknown method, is refused.
    let mut future = minor.clone();
    future["consent"]["given_on"] = json!(Utc::now().date_naive() + Duration::days(2));
    let res = app
        .as_(&manager)
        .post(&collection(&w), &future)
        .send()
        .await;
    assert_eq!(
        field_errors(res).await,
        vec![("consent.given_on".to_string(), "range".to_string())]
    );
    let mut method = minor.clone();
    method["consent"]["method"] = json!("telepathy");
    let res = app
        .as_(&manager)
        .post(&collection(&w), &method)
        .send()
        .await;
    assert_problem(res, 422).await;
    // A minor without any consent still is.
    let mut none = minor.clone();
    none.as_object_mut().unwrap().remove("consent");
    none["guardian_name"] = json!("Suparman");
    let res = app.as_(&manager).post(&collection(&w), &none).send().await;
    assert_eq!(
        field_errors(res).await,
        vec![("guardian_consent".to_string(), "required".to_string())]
    );
}

#[tokio::test]
async fn withdrawn_consent_restricts_the_record_at_once_and_it_is_erased_days_later() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let s = app
        .as_(&manager)
        .post(&collection(&w), &ZULAIKHA.body())
        .expect(201)
        .await;
    let id = id_of(&s);
    let item = format!("/api/v1/santri/{id}");
    let before = santri_total(&app, &w.token("admin_35")).await;

    let withdrawn = app
        .as_(&manager)
        .post_empty(&format!("{item}/consent/withdraw"))
        .ok()
        .await;
    assert_eq!(withdrawn["restricted"], true);
    assert!(withdrawn["consent"]["withdrawn_at"].is_string());
    // Only admins see it now, and it is in no list.
    assert_problem(app.as_(&manager).get(&item).send().await, 404).await;
    let seen = app.as_(&w.token("admin_35")).get(&item).ok().await;
    assert_eq!(seen["restricted"], true);
    for token in [&manager, &w.token("admin_35")] {
        let list = app.as_(token).get(&collection(&w)).ok().await;
        assert!(
            !list["data"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["id"] == id.to_string()),
            "{list}"
        );
    }
    // A second withdrawal is a conflict.
    let res = app
        .as_(&w.token("admin_35"))
        .post_empty(&format!("{item}/consent/withdraw"))
        .send()
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "santri.no_consent");

    // Two days on, nothing happens; four days on, two instances of the
    // retention task run at once and the record is erased exactly once.
    let rules = Retention::default();
    let now = Utc::now();
    assert_eq!(
        retention::run_once(&app.db, rules, now + Duration::days(2))
            .await
            .unwrap(),
        0
    );
    let later = now + Duration::days(4);
    let (a, b) = tokio::join!(
        retention::run_once(&app.db, rules, later),
        retention::run_once(&app.db, rules, later)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let row = santri::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.erased_at.is_some());
    assert_eq!(row.name, "");
    let erasures = audit_log::Entity::find()
        .filter(audit_log::Column::ResourceId.eq(id))
        .filter(audit_log::Column::Action.eq("erase_consent_withdrawn"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(erasures.len(), 1);
    assert_eq!(erasures[0].actor_type, entity::ActorType::System);
    // Still counted.
    assert_eq!(santri_total(&app, &w.token("admin_35")).await, before);
    let traces = traces_of(&app, &ZULAIKHA.values()).await;
    assert!(traces.is_empty(), "{traces:#?}");
}

#[tokio::test]
async fn alumni_are_erased_once_their_retention_has_passed() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let today = opop_api::publication::today();
    let mut ids = Vec::new();
    for (name, years) in [("Alumni Lama", 6), ("Alumni Baru", 4)] {
        let left = today.checked_sub_months(Months::new(12 * years)).unwrap();
        let s = app
            .as_(&manager)
            .post(
                &collection(&w),
                &json!({"name": name, "gender": "L", "status": "alumni", "left_on": left}),
            )
            .expect(201)
            .await;
        ids.push(id_of(&s));
    }
    // An active santri is never erased for time alone.
    let active = app
        .as_(&manager)
        .post(
            &collection(&w),
            &json!({"name": "Santri Aktif", "gender": "L"}),
        )
        .expect(201)
        .await;
    let erased = retention::run_once(&app.db, Retention::default(), Utc::now())
        .await
        .unwrap();
    assert_eq!(erased, 1);
    let rows = santri::Entity::find()
        .filter(santri::Column::Id.is_in(vec![ids[0], ids[1], id_of(&active)]))
        .all(&app.db)
        .await
        .unwrap();
    for r in rows {
        assert_eq!(r.erased_at.is_some(), r.id == ids[0], "{}", r.id);
    }
    let trail = entries(
        &app,
        &w.token("admin_35"),
        &format!("resource_id={}&action=erase_retention", ids[0]),
    )
    .await;
    assert_eq!(trail["data"][0]["actor"]["role"], "system");
    // The erased alumnus can no longer change.
    let res = app
        .as_(&w.token("admin_35"))
        .patch(
            &format!("/api/v1/santri/{}", ids[0]),
            &json!({"entry_year": 2001}),
        )
        .send()
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "santri.erased");
}

/// The erasure test of the issue: a santri with distinctive values, an
/// account bound to them that has logged in, reads, updates and an export;
/// then `POST /erase`, and no table holds any of those values.
#[tokio::test]
async fn after_erasure_no_personal_value_of_the_santri_is_anywhere_in_the_database() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let manager = w.token("manager_a");
    let s = app
        .as_(&manager)
        .post(&collection(&w), &ZULAIKHA.body())
        .expect(201)
        .await;
    let id = id_of(&s);
    let item = format!("/api/v1/santri/{id}");
    // Their own account, logged in with a session, then used.
    let account = app
        .as_(&admin)
        .post(
            "/api/v1/users",
            &json!({
                "email": ZULAIKHA.email,
                "name": ZULAIKHA.name,
                "password": "zulaikha-password-1",
                "role": "santri",
                "santri_id": id,
            }),
        )
        .expect(201)
        .await;
    let own = app.login(ZULAIKHA.email, "zulaikha-password-1").await;
    app.as_(&own).get(&item).ok().await;
    app.as_(&own)
        .patch(&item, &json!({"phone": "081377799999"}))
        .ok()
        .await;
    app.as_(&own).get(&format!("{item}/export")).ok().await;
    app.as_(&manager)
        .get(&format!("{}?q=quenvarisma", collection(&w)))
        .ok()
        .await;
    let values: Vec<&str> = ZULAIKHA
        .values()
        .into_iter()
        .chain(["+6281377799999", "081377799999"])
        .collect();
    assert!(
        !traces_of(&app, &values).await.is_empty(),
        "the search must find the values before erasure"
    );
    let before = santri_total(&app, &admin).await;

    let erased = app
        .as_(&manager)
        .post_empty(&format!("{item}/erase"))
        .ok()
        .await;
    assert_eq!(erased["name"], "");
    assert!(erased["erased_at"].is_string());
    assert_eq!(erased["restricted"], true);
    for field in [
        "nik",
        "birth_date",
        "phone",
        "email",
        "address",
        "guardian_name",
        "consent",
    ] {
        assert!(erased[field].is_null(), "{field}: {erased}");
    }

    let traces = traces_of(&app, &values).await;
    assert!(traces.is_empty(), "personal values left:\n{traces:#?}");
    // Still counted; the account cannot log in, its session is gone.
    assert_eq!(santri_total(&app, &admin).await, before);
    let res = app.try_login(ZULAIKHA.email, "zulaikha-password-1").await;
    assert_eq!(res.status(), 401);
    assert_problem(app.as_(&own).get(&item).send().await, 401).await;
    let user = app
        .as_(&admin)
        .get(&format!("/api/v1/users/{}", id_of(&account)))
        .ok()
        .await;
    assert_eq!(user["is_active"], false);
    // The manager no longer sees the record; for an admin a second
    // erasure is a conflict.
    let res = app
        .as_(&manager)
        .post_empty(&format!("{item}/erase"))
        .send()
        .await;
    assert_problem(res, 404).await;
    let res = app
        .as_(&admin)
        .post_empty(&format!("{item}/erase"))
        .send()
        .await;
    assert_eq!(assert_problem(res, 409).await["code"], "santri.erased");

    // SQLite: not in the file's free pages either (secure_delete, and the
    // write-ahead log checkpointed).
    if backend_name() == "sqlite" {
        let path = app
            .database
            .url
            .trim_start_matches("sqlite://")
            .split('?')
            .next()
            .unwrap()
            .to_string();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
        let haystack = String::from_utf8_lossy(&bytes).to_lowercase();
        for v in [
            ZULAIKHA.name,
            ZULAIKHA.address,
            ZULAIKHA.guardian,
            ZULAIKHA.email,
        ] {
            assert!(
                !haystack.contains(&v.to_lowercase()),
                "{v} is still in the bytes of {path}"
            );
        }
    }
}

#[tokio::test]
async fn a_deleted_santri_leaves_no_personal_value_and_stops_being_counted() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let manager = w.token("manager_a");
    let s = app
        .as_(&manager)
        .post(&collection(&w), &ZULAIKHA.body())
        .expect(201)
        .await;
    let id = id_of(&s);
    let item = format!("/api/v1/santri/{id}");
    app.as_(&manager)
        .patch(&item, &json!({"address": "Jalan Wirogunanto 77"}))
        .ok()
        .await;
    let before = santri_total(&app, &admin).await;
    app.as_(&manager).delete(&item).expect(204).await;
    let values: Vec<&str> = ZULAIKHA
        .values()
        .into_iter()
        .chain(["wirogunanto"])
        .collect();
    let traces = traces_of(&app, &values).await;
    assert!(traces.is_empty(), "personal values left:\n{traces:#?}");
    assert_eq!(santri_total(&app, &admin).await, before - 1);
    // The trail still says what happened, by field name.
    let trail = entries(&app, &admin, &format!("resource_id={id}&action=delete")).await;
    assert!(trail["data"][0]["changes"]["fields"]
        .as_array()
        .unwrap()
        .contains(&json!("name")));
}

#[tokio::test]
async fn the_export_holds_the_record_its_accounts_and_who_processed_it() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let item = format!("/api/v1/santri/{}", w.santri_a.id);
    app.as_(&w.token("admin_35")).get(&item).ok().await;
    app.as_(&w.token("manager_a"))
        .patch(&item, &json!({"entry_year": 2020}))
        .ok()
        .await;
    let export = app
        .as_(&w.token("santri_a"))
        .get(&format!("{item}/export"))
        .ok()
        .await;
    assert_eq!(export["santri"]["id"], w.santri_a.id.to_string());
    assert_eq!(export["santri"]["entry_year"], 2020);
    let accounts = export["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        accounts[0]["id"].as_str().unwrap(),
        w.account("santri_a").user_id.unwrap().to_string()
    );
    assert!(export["enterprises"].is_array() && export["activities"].is_array());
    let processing = export["processing"].as_array().unwrap();
    let seen: Vec<(&str, &str)> = processing
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["actor"]["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(seen.contains(&("read", "admin")), "{seen:?}");
    assert!(seen.contains(&("update", "pesantren_manager")), "{seen:?}");
    // The export itself is a read, recorded for the next one.
    let again = app
        .as_(&w.token("manager_a"))
        .get(&format!("{item}/export"))
        .ok()
        .await;
    // Newest first: this export, then the santri's own.
    for (entry, role) in [
        (&again["processing"][0], "pesantren_manager"),
        (&again["processing"][1], "santri"),
    ] {
        assert_eq!(entry["action"], "read");
        assert_eq!(entry["changes"]["via"], "export");
        assert_eq!(entry["actor"]["role"], role);
    }
    // Another pesantren's manager cannot.
    let res = app
        .as_(&w.token("manager_b"))
        .call(Method::GET, &format!("{item}/export"), None)
        .send()
        .await;
    assert_problem(res, 404).await;
}

/// A record whose data was erased (directly, as the retention task would)
/// answers its erasure and stays out of the lists.
#[tokio::test]
async fn an_erased_record_is_kept_only_to_be_counted() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let mut row: santri::ActiveModel = w.santri_a.clone().into();
    row.erased_at = Set(Some(opop_api::db::now()));
    row.update(&app.db).await.unwrap();
    let list = app
        .as_(&w.token("admin_35"))
        .get(&collection(&w))
        .ok()
        .await;
    assert!(!list["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["id"] == w.santri_a.id.to_string()));
}
