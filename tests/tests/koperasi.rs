//! The koperasi of a pesantren: one each, kept by its admins and managers,
//! read in full by staff in scope, and by everyone else as the public
//! profile of the koperasi of verified pesantren.

use entity::{audit_log, koperasi, PesantrenStatus};
use opop_tests::world::{insert_koperasi, insert_pesantren, World};
use opop_tests::{assert_problem, field_errors, TestApp};
use reqwest::Response;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use uuid::Uuid;

const BASE: &str = "/api/v1/koperasi";

/// Fields only staff in scope see.
const STAFF_ONLY: [&str; 3] = ["created_at", "updated_at", "version"];

async fn setup() -> (TestApp, World) {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    (app, world)
}

fn item(id: Uuid) -> String {
    format!("{BASE}/{id}")
}

fn etag(res: &Response) -> String {
    res.headers()
        .get("etag")
        .expect("an ETag")
        .to_str()
        .unwrap()
        .to_string()
}

fn body_for(pesantren_id: Uuid) -> Value {
    json!({
        "pesantren_id": pesantren_id,
        "name": "Koperasi Pondok Pesantren Al-Hikmah",
        "legal_entity_number": "188/BH/XVI.12/2015",
        "nib": "9120001234567",
        "member_count": 1250,
        "business_units": ["toko santri", "simpan pinjam", "produksi kopi"],
    })
}

fn update_body() -> Value {
    json!({
        "name": "Kopontren Al-Hikmah Sejahtera",
        "legal_entity_number": "188/BH/XVI.12/2015",
        "nib": "9120007654321",
        "member_count": 1300,
        "business_units": ["toko santri", "laundry"],
    })
}

/// A fresh verified pesantren of province 35 without a koperasi.
async fn pesantren_35(app: &TestApp, nspp: &str) -> entity::pesantren::Model {
    insert_pesantren(app, nspp, "35", "3578", PesantrenStatus::Verified).await
}

async fn audit_of(app: &TestApp, id: Uuid) -> Vec<audit_log::Model> {
    audit_log::Entity::find()
        .filter(audit_log::Column::ResourceType.eq("koperasi"))
        .filter(audit_log::Column::ResourceId.eq(id))
        .order_by_asc(audit_log::Column::CreatedAt)
        .order_by_asc(audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_registers_a_koperasi_and_gets_201_with_location_and_etag() {
    let (app, world) = setup().await;
    let p = pesantren_35(&app, "510035780002").await;
    let mut body = body_for(p.id);
    body["name"] = json!("  Koperasi Pondok Pesantren Al-Hikmah  ");
    body["business_units"] = json!([" toko santri ", "simpan pinjam"]);
    let res = app
        .as_account(world.account("admin_35"))
        .post(BASE, &body)
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(etag(&res), "\"1\"");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let k: Value = res.json().await.unwrap();
    assert_eq!(location, item(k["id"].as_str().unwrap().parse().unwrap()));
    assert_eq!(k["pesantren_id"], json!(p.id));
    assert_eq!(k["province_code"], "35");
    assert_eq!(k["name"], "Koperasi Pondok Pesantren Al-Hikmah");
    assert_eq!(k["legal_entity_number"], "188/BH/XVI.12/2015");
    assert_eq!(k["nib"], "9120001234567");
    assert_eq!(k["member_count"], 1250);
    assert_eq!(k["business_units"], json!(["toko santri", "simpan pinjam"]));
    assert_eq!(k["version"], 1);
    assert!(k["created_at"].is_string() && k["updated_at"].is_string());

    let res = app
        .as_account(world.account("admin_35"))
        .get(&location)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(etag(&res), "\"1\"");
    assert_eq!(res.json::<Value>().await.unwrap(), k);
}

#[tokio::test]
async fn a_manager_registers_the_koperasi_of_their_own_pesantren() {
    let (app, world) = setup().await;
    let mut body = body_for(world.pesantren_b.id);
    body.as_object_mut().unwrap().remove("nib");
    body.as_object_mut().unwrap().remove("legal_entity_number");
    body.as_object_mut().unwrap().remove("business_units");
    body.as_object_mut().unwrap().remove("member_count");
    let res = app
        .as_account(world.account("manager_b"))
        .post(BASE, &body)
        .await;
    assert_eq!(res.status(), 201);
    let k: Value = res.json().await.unwrap();
    assert_eq!(k["province_code"], "32");
    assert_eq!(k["nib"], Value::Null);
    assert_eq!(k["legal_entity_number"], Value::Null);
    assert_eq!(k["member_count"], 0);
    assert_eq!(k["business_units"], json!([]));
}

#[tokio::test]
async fn the_list_pages_by_cursor_and_filters_by_province_and_pesantren() {
    let (app, world) = setup().await;
    let mut ids = vec![world.koperasi_a.id];
    for nspp in ["510035780011", "510035780012", "510035780013"] {
        let p = pesantren_35(&app, nspp).await;
        ids.push(insert_koperasi(&app, &p).await.id);
    }
    ids.push(insert_koperasi(&app, &world.pesantren_b).await.id);
    ids.sort();

    let mut seen = Vec::new();
    let mut path = format!("{BASE}?limit=2");
    loop {
        let res = app
            .as_account(world.account("admin_national"))
            .get(&path)
            .await;
        assert_eq!(res.status(), 200);
        let page: Value = res.json().await.unwrap();
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 2);
        seen.extend(
            data.iter()
                .map(|k| k["id"].as_str().unwrap().parse::<Uuid>().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("{BASE}?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ids, "every koperasi once, in id order");

    let page: Value = app
        .as_account(world.account("admin_national"))
        .get(&format!("{BASE}?province_code=32"))
        .await
        .json()
        .await
        .unwrap();
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["pesantren_id"], json!(world.pesantren_b.id));

    let page: Value = app
        .as_account(world.account("curator_35"))
        .get(&format!("{BASE}?pesantren_id={}", world.pesantren_a.id))
        .await
        .json()
        .await
        .unwrap();
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["id"], json!(world.koperasi_a.id));
    assert_eq!(data[0]["version"], 1, "a curator in scope sees every field");

    let errors = field_errors(
        app.as_account(world.account("admin_national"))
            .get(&format!("{BASE}?province_code=99"))
            .await,
    )
    .await;
    assert_eq!(errors, vec![("province_code".into(), "format".into())]);
    assert_problem(
        app.as_account(world.account("anonymous"))
            .get(&format!("{BASE}?cursor=%25%25"))
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn an_update_replaces_the_writable_fields_and_answers_the_new_etag() {
    let (app, world) = setup().await;
    let path = item(world.koperasi_a.id);
    let res = app
        .as_account(world.account("manager_a"))
        .put(&path, &update_body())
        .await;
    // Without If-Match the write goes through.
    assert_eq!(res.status(), 200);
    assert_eq!(etag(&res), "\"2\"");
    let k: Value = res.json().await.unwrap();
    assert_eq!(k["name"], "Kopontren Al-Hikmah Sejahtera");
    assert_eq!(k["nib"], "9120007654321");
    assert_eq!(k["member_count"], 1300);
    assert_eq!(k["business_units"], json!(["toko santri", "laundry"]));
    assert_eq!(k["version"], 2);
    assert_eq!(k["pesantren_id"], json!(world.pesantren_a.id));

    // With the matching ETag, and clearing the optional fields by omission.
    let res = app
        .as_(&world.token("admin_35"))
        .put(&path, &json!({"name": "Kopontren A", "member_count": 10}))
        .header("If-Match", "\"2\"")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(etag(&res), "\"3\"");
    let k: Value = res.json().await.unwrap();
    assert_eq!(k["nib"], Value::Null);
    assert_eq!(k["legal_entity_number"], Value::Null);
    assert_eq!(k["business_units"], json!([]));

    let row = koperasi::Entity::find_by_id(world.koperasi_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.version, 3);
    assert_eq!(row.name, "Kopontren A");
    assert!(row.updated_at > world.koperasi_a.updated_at);
    assert_eq!(row.created_at, world.koperasi_a.created_at);
}

#[tokio::test]
async fn a_stale_if_match_gets_412_and_changes_nothing() {
    let (app, world) = setup().await;
    let path = item(world.koperasi_a.id);
    let res = app
        .as_(&world.token("admin_35"))
        .put(&path, &update_body())
        .header("If-Match", "\"7\"")
        .await;
    assert_problem(res, 412).await;
    let res = app
        .as_(&world.token("admin_35"))
        .delete(&path)
        .header("If-Match", "\"7\"")
        .await;
    assert_problem(res, 412).await;
    let row = koperasi::Entity::find_by_id(world.koperasi_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row, world.koperasi_a);
    assert!(audit_of(&app, world.koperasi_a.id).await.is_empty());
    // A malformed If-Match is a 400, not a silent overwrite.
    let res = app
        .as_(&world.token("admin_35"))
        .put(&path, &update_body())
        .header("If-Match", "yesterday")
        .await;
    assert_problem(res, 400).await;
}

#[tokio::test]
async fn an_admin_deletes_a_koperasi_with_204_and_it_is_gone() {
    let (app, world) = setup().await;
    let path = item(world.koperasi_a.id);
    let res = app
        .as_(&world.token("admin_35"))
        .delete(&path)
        .header("If-Match", "\"1\"")
        .await;
    assert_eq!(res.status(), 204);
    assert!(res.text().await.unwrap().is_empty());
    assert_problem(
        app.as_account(world.account("admin_35")).get(&path).await,
        404,
    )
    .await;
    assert!(koperasi::Entity::find_by_id(world.koperasi_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_none());
    // Once gone, the pesantren may register a new one.
    let res = app
        .as_account(world.account("manager_a"))
        .post(BASE, &body_for(world.pesantren_a.id))
        .await;
    assert_eq!(res.status(), 201);
}

#[tokio::test]
async fn each_validation_rule_refuses_a_bad_value() {
    let (app, world) = setup().await;
    let p = pesantren_35(&app, "510035780002").await;
    let units = |n: usize| json!((0..n).map(|i| format!("unit {i}")).collect::<Vec<_>>());
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        ("name", json!(""), "name", "length"),
        ("name", json!("   "), "name", "length"),
        ("name", json!("x".repeat(201)), "name", "length"),
        (
            "legal_entity_number",
            json!(""),
            "legal_entity_number",
            "length",
        ),
        (
            "legal_entity_number",
            json!("x".repeat(101)),
            "legal_entity_number",
            "length",
        ),
        ("nib", json!("912000123456"), "nib", "format"),
        ("nib", json!("91200012345678"), "nib", "format"),
        ("nib", json!("912000123456a"), "nib", "format"),
        ("member_count", json!(-1), "member_count", "range"),
        ("member_count", json!(1_000_001), "member_count", "range"),
        ("business_units", units(21), "business_units", "length"),
        (
            "business_units",
            json!(["toko", ""]),
            "business_units[1]",
            "length",
        ),
        (
            "business_units",
            json!(["toko", "x".repeat(101)]),
            "business_units[1]",
            "length",
        ),
        (
            "business_units",
            json!(["Toko", "toko "]),
            "business_units[1]",
            "duplicate",
        ),
    ];
    for (field, value, reported, code) in cases {
        let mut body = body_for(p.id);
        body[field] = value.clone();
        let res = app
            .as_account(world.account("admin_35"))
            .post(BASE, &body)
            .await;
        let errors = field_errors(res).await;
        assert_eq!(
            errors,
            vec![(reported.to_string(), code.to_string())],
            "{field} = {value}"
        );
        let mut body = update_body();
        body[field] = value.clone();
        let res = app
            .as_account(world.account("admin_35"))
            .put(&item(world.koperasi_a.id), &body)
            .await;
        let errors = field_errors(res).await;
        assert_eq!(
            errors,
            vec![(reported.to_string(), code.to_string())],
            "update with {field} = {value}"
        );
    }
    // Exactly the limits pass.
    let mut body = body_for(p.id);
    body["name"] = json!("x".repeat(200));
    body["legal_entity_number"] = json!("x".repeat(100));
    body["member_count"] = json!(1_000_000);
    body["business_units"] = units(20);
    let res = app
        .as_account(world.account("admin_35"))
        .post(BASE, &body)
        .await;
    assert_eq!(res.status(), 201);
    // Nothing was written by the refused requests.
    assert_eq!(
        koperasi::Entity::find().all(&app.db).await.unwrap().len(),
        2
    );
}

#[tokio::test]
async fn every_failing_field_is_reported_at_once() {
    let (app, world) = setup().await;
    let p = pesantren_35(&app, "510035780002").await;
    let body = json!({
        "pesantren_id": p.id,
        "name": "",
        "legal_entity_number": "x".repeat(101),
        "nib": "123",
        "member_count": -5,
        "business_units": ["toko", "", "toko", "x".repeat(101)],
    });
    let errors = field_errors(
        app.as_account(world.account("admin_35"))
            .post(BASE, &body)
            .await,
    )
    .await;
    let expected: Vec<(String, String)> = [
        ("business_units[1]", "length"),
        ("business_units[2]", "duplicate"),
        ("business_units[3]", "length"),
        ("legal_entity_number", "length"),
        ("member_count", "range"),
        ("name", "length"),
        ("nib", "format"),
    ]
    .iter()
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .collect();
    assert_eq!(errors, expected);

    // Missing and unknown fields are named too; the pesantren is not writable.
    let errors = field_errors(
        app.as_account(world.account("admin_35"))
            .post(BASE, &json!({"name": "K"}))
            .await,
    )
    .await;
    assert_eq!(errors, vec![("pesantren_id".into(), "required".into())]);
    let mut body = update_body();
    body["pesantren_id"] = json!(world.pesantren_b.id);
    let errors = field_errors(
        app.as_account(world.account("admin_national"))
            .put(&item(world.koperasi_a.id), &body)
            .await,
    )
    .await;
    // It is read-only: sent unchanged (the record sent back) it is
    // ignored, changed it is refused by name.
    assert_eq!(errors, vec![("pesantren_id".into(), "read_only".into())]);
    body["pesantren_id"] = json!(world.pesantren_a.id);
    app.as_account(world.account("admin_national"))
        .put(&item(world.koperasi_a.id), &body)
        .ok()
        .await;
}

#[tokio::test]
async fn a_second_koperasi_for_the_same_pesantren_is_a_409() {
    let (app, world) = setup().await;
    let res = app
        .as_account(world.account("admin_35"))
        .post(BASE, &body_for(world.pesantren_a.id))
        .await;
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("already has its koperasi"),
        "{problem}"
    );
    assert_eq!(
        koperasi::Entity::find()
            .filter(koperasi::Column::PesantrenId.eq(world.pesantren_a.id))
            .all(&app.db)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_nib_already_registered_to_another_koperasi_is_a_409() {
    let (app, world) = setup().await;
    let p = pesantren_35(&app, "510035780002").await;
    let res = app
        .as_account(world.account("admin_35"))
        .post(BASE, &body_for(p.id))
        .await;
    assert_eq!(res.status(), 201);

    let q = pesantren_35(&app, "510035780003").await;
    let res = app
        .as_account(world.account("admin_35"))
        .post(BASE, &body_for(q.id))
        .await;
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("NIB"),
        "{problem}"
    );

    let mut body = update_body();
    body["nib"] = json!("9120001234567");
    let res = app
        .as_account(world.account("manager_a"))
        .put(&item(world.koperasi_a.id), &body)
        .await;
    let problem = assert_problem(res, 409).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("NIB"),
        "{problem}"
    );

    // Keeping one's own NIB is not a conflict.
    let created: Value = app
        .as_account(world.account("admin_35"))
        .get(&format!("{BASE}?pesantren_id={}", p.id))
        .await
        .json()
        .await
        .unwrap();
    let own = created["data"][0]["id"].as_str().unwrap().parse().unwrap();
    let mut body = update_body();
    body["nib"] = json!("9120001234567");
    let res = app
        .as_account(world.account("admin_35"))
        .put(&item(own), &body)
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn the_manager_of_b_cannot_touch_the_koperasi_of_a() {
    let (app, world) = setup().await;
    let path = item(world.koperasi_a.id);
    assert_problem(
        app.as_account(world.account("manager_b"))
            .put(&path, &update_body())
            .await,
        404,
    )
    .await;
    assert_problem(
        app.as_account(world.account("manager_b"))
            .delete(&path)
            .await,
        403,
    )
    .await;
    let mut body = body_for(world.pesantren_a.id);
    body["nib"] = json!("9120009999999");
    let problem = assert_problem(
        app.as_account(world.account("manager_b"))
            .post(BASE, &body)
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "pesantren_id");
    assert_eq!(
        problem["errors"][0]["message"],
        "names no pesantren you can manage"
    );
    // A pesantren that does not exist reads the same: nothing is revealed.
    let problem = assert_problem(
        app.as_account(world.account("manager_b"))
            .post(BASE, &body_for(Uuid::now_v7()))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "pesantren_id");
    // Reading A's koperasi, a verified pesantren's, gives the public profile.
    let res = app.as_account(world.account("manager_b")).get(&path).await;
    assert_eq!(res.status(), 200);
    let k: Value = res.json().await.unwrap();
    for f in STAFF_ONLY {
        assert!(k.get(f).is_none(), "{f} shown out of scope: {k}");
    }
    let row = koperasi::Entity::find_by_id(world.koperasi_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row, world.koperasi_a);
}

#[tokio::test]
async fn an_admin_of_another_province_gets_404_on_the_koperasi_of_a() {
    let (app, world) = setup().await;
    let path = item(world.koperasi_a.id);
    assert_problem(
        app.as_account(world.account("admin_32"))
            .put(&path, &update_body())
            .await,
        404,
    )
    .await;
    assert_problem(
        app.as_account(world.account("admin_32"))
            .delete(&path)
            .await,
        404,
    )
    .await;
    let problem = assert_problem(
        app.as_account(world.account("admin_32"))
            .post(BASE, &body_for(world.pesantren_a.id))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "pesantren_id");
    // An unverified pesantren's koperasi in 35 is not even readable from 32.
    let registered = insert_pesantren(
        &app,
        "510035780009",
        "35",
        "3578",
        PesantrenStatus::Registered,
    )
    .await;
    let hidden = insert_koperasi(&app, &registered).await;
    assert_problem(
        app.as_account(world.account("admin_32"))
            .get(&item(hidden.id))
            .await,
        404,
    )
    .await;
    // A's koperasi, of a verified pesantren, is readable as a public profile.
    let res = app.as_account(world.account("admin_32")).get(&path).await;
    assert_eq!(res.status(), 200);
    let k: Value = res.json().await.unwrap();
    assert!(k.get("version").is_none(), "{k}");
    assert!(koperasi::Entity::find_by_id(world.koperasi_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn a_curator_in_scope_reads_in_full_but_may_not_write() {
    let (app, world) = setup().await;
    let path = item(world.koperasi_a.id);
    let res = app.as_account(world.account("curator_35")).get(&path).await;
    assert_eq!(res.status(), 200);
    assert_eq!(etag(&res), "\"1\"");
    let k: Value = res.json().await.unwrap();
    assert_eq!(k["version"], 1);
    assert!(k["created_at"].is_string());
    assert_problem(
        app.as_account(world.account("curator_35"))
            .put(&path, &update_body())
            .await,
        403,
    )
    .await;
    assert_problem(
        app.as_account(world.account("curator_35"))
            .delete(&path)
            .await,
        403,
    )
    .await;
    let p = pesantren_35(&app, "510035780002").await;
    assert_problem(
        app.as_account(world.account("curator_35"))
            .post(BASE, &body_for(p.id))
            .await,
        403,
    )
    .await;
}

#[tokio::test]
async fn anonymous_callers_see_only_the_public_profile_of_koperasi_of_verified_pesantren() {
    let (app, world) = setup().await;
    let registered = insert_pesantren(
        &app,
        "510035780009",
        "35",
        "3578",
        PesantrenStatus::Registered,
    )
    .await;
    let unverified = insert_koperasi(&app, &registered).await;
    let suspended = insert_pesantren(
        &app,
        "510035780010",
        "35",
        "3578",
        PesantrenStatus::Suspended,
    )
    .await;
    let of_suspended = insert_koperasi(&app, &suspended).await;

    for who in ["anonymous", "santri_a", "partner"] {
        let res = app
            .as_account(world.account(who))
            .get(&item(world.koperasi_a.id))
            .await;
        assert_eq!(res.status(), 200, "{who}");
        let k: Value = res.json().await.unwrap();
        assert_eq!(k["id"], json!(world.koperasi_a.id));
        assert_eq!(k["pesantren_id"], json!(world.pesantren_a.id));
        assert_eq!(k["name"], world.koperasi_a.name);
        assert_eq!(k["province_code"], "35");
        assert_eq!(k["member_count"], 25);
        assert_eq!(k["business_units"], json!(["toko"]));
        for f in STAFF_ONLY {
            assert!(k.get(f).is_none(), "{who} sees {f}: {k}");
        }
        for hidden in [unverified.id, of_suspended.id] {
            assert_problem(
                app.as_account(world.account(who)).get(&item(hidden)).await,
                404,
            )
            .await;
        }
        let page: Value = app
            .as_account(world.account(who))
            .get(BASE)
            .await
            .json()
            .await
            .unwrap();
        let ids: Vec<&str> = page["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![world.koperasi_a.id.to_string()], "{who}");
        assert!(page["data"][0].get("version").is_none());
    }
    // Staff in scope see the unverified ones, in full.
    let page: Value = app
        .as_account(world.account("admin_35"))
        .get(BASE)
        .await
        .json()
        .await
        .unwrap();
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 3);
    assert!(data.iter().all(|k| k["version"] == 1));
    // Out of scope, the list mixes nothing unverified in.
    let page: Value = app
        .as_account(world.account("curator_32"))
        .get(BASE)
        .await
        .json()
        .await
        .unwrap();
    let data = page["data"].as_array().unwrap();
    assert_eq!(data.len(), 1);
    assert_eq!(data[0]["id"], json!(world.koperasi_a.id));
    assert!(data[0].get("version").is_none());
    // Writes stay closed to them.
    for who in ["anonymous", "santri_a", "partner"] {
        let res = app
            .as_account(world.account(who))
            .put(&item(world.koperasi_a.id), &update_body())
            .await;
        let expected = if who == "anonymous" { 401 } else { 403 };
        assert_problem(res, expected).await;
    }
}

#[tokio::test]
async fn every_write_is_audited_with_its_changes() {
    let (app, world) = setup().await;
    let p = pesantren_35(&app, "510035780002").await;
    let res = app
        .as_account(world.account("manager_a"))
        .post(BASE, &body_for(world.pesantren_b.id))
        .await;
    assert_eq!(res.status(), 422);
    let res = app
        .as_account(world.account("admin_35"))
        .post(BASE, &body_for(p.id))
        .await;
    assert_eq!(res.status(), 201);
    let id: Uuid = res.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let res = app
        .as_account(world.account("admin_35"))
        .put(&item(id), &update_body())
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .as_account(world.account("admin_national"))
        .delete(&item(id))
        .await;
    assert_eq!(res.status(), 204);

    let entries = audit_of(&app, id).await;
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["create", "update", "delete"]);
    let admin_35 = world.account("admin_35").user_id;
    assert_eq!(entries[0].actor_id, admin_35);
    assert_eq!(entries[1].actor_id, admin_35);
    assert_eq!(entries[2].actor_id, world.account("admin_national").user_id);
    assert!(entries
        .iter()
        .all(|e| e.province_code.as_deref() == Some("35")));
    assert_eq!(entries[0].changes["nib"], "9120001234567");
    assert_eq!(entries[0].changes["pesantren_id"], json!(p.id));
    assert_eq!(
        entries[1].changes,
        json!({
            "name": {"from": "Koperasi Pondok Pesantren Al-Hikmah", "to": "Kopontren Al-Hikmah Sejahtera"},
            "nib": {"from": "9120001234567", "to": "9120007654321"},
            "member_count": {"from": 1250, "to": 1300},
            "business_units": {
                "from": ["toko santri", "simpan pinjam", "produksi kopi"],
                "to": ["toko santri", "laundry"]
            },
        })
    );
    assert_eq!(entries[2].changes["name"], "Kopontren Al-Hikmah Sejahtera");
    assert!(entries.iter().all(|e| e.request_id.is_some()));
}
