//! The HTTP habits clients expect: 405 with `Allow`, `PATCH` as JSON Merge
//! Patch, `PUT` of a resource's own representation, product drafts that
//! may be incomplete until `submit`, every bad field in one 422, and every
//! problem in Indonesian on request.

use entity::{PesantrenStatus, Role};
use opop_tests::world::{create_user, insert_pesantren, PASSWORD};
use opop_tests::{assert_problem, TestApp};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};

/// The secretariat's token and a verified pesantren of province 35 with a
/// manager's token.
async fn setup(app: &TestApp) -> (String, entity::pesantren::Model, String) {
    let admin = app.admin_token().await;
    let p = insert_pesantren(app, "510035780001", "35", "3578", PesantrenStatus::Verified).await;
    create_user(
        app,
        &admin,
        json!({"email": "manager@test.opop", "name": "Pengurus", "password": PASSWORD,
               "role": Role::PesantrenManager, "pesantren_id": p.id}),
    )
    .await;
    let manager = app.login("manager@test.opop", PASSWORD).await;
    (admin, p, manager)
}

fn complete_product(sku: &str) -> Value {
    json!({
        "name": "Kopi Robusta Sidogiri 250 g",
        "description": "Robusta dari kebun santri, disangrai di pesantren.",
        "category": "food",
        "price_idr": 40000,
        "stock": 25,
        "unit": "bungkus",
        "weight_grams": 250,
        "sku": sku,
        "shelf_life_days": 180,
        "images": ["https://images.opop.example/kopi.jpg"],
    })
}

#[tokio::test]
async fn a_method_a_path_does_not_serve_is_405_with_allow() {
    let app = TestApp::spawn().await;
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/api/v1/pesantren", "GET, POST"),
        (reqwest::Method::PUT, "/api/v1/products", "GET, POST"),
        (
            reqwest::Method::POST,
            "/api/v1/products/01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e",
            "GET, PATCH, PUT",
        ),
        (reqwest::Method::DELETE, "/health/live", "GET"),
    ] {
        let res = app.anon().call(method.clone(), path, None).send().await;
        assert_eq!(
            res.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
        let problem = assert_problem(res, 405).await;
        assert_eq!(problem["code"], "request.method_not_allowed");
        assert!(
            problem["detail"].as_str().unwrap().contains(allow),
            "{problem}"
        );
    }
    // A path that nothing serves stays a 404, without `Allow`.
    let res = app.anon().get("/api/v1/nothing-here").send().await;
    assert!(res.headers().get("allow").is_none());
    assert_eq!(assert_problem(res, 404).await["code"], "request.not_found");
}

#[tokio::test]
async fn a_draft_needs_only_a_name_and_a_category_and_submit_lists_what_is_missing() {
    let app = TestApp::spawn().await;
    let (_, p, manager) = setup(&app).await;
    let draft = app
        .as_(&manager)
        .post(
            "/api/v1/products",
            &json!({"pesantren_id": p.id, "name": "Kopi Robusta", "category": "food"}),
        )
        .expect(201)
        .await;
    assert_eq!(draft["status"], "draft");
    for field in [
        "description",
        "price_idr",
        "stock",
        "unit",
        "weight_grams",
        "sku",
    ] {
        assert!(draft[field].is_null(), "{field}: {draft}");
    }
    let id = draft["id"].as_str().unwrap();
    let res = app
        .as_(&manager)
        .post_empty(&format!("/api/v1/products/{id}/submit"))
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["code"], "product.incomplete");
    assert_eq!(
        opop_tests::error_fields(&problem),
        [
            "description",
            "images",
            "price_idr",
            "shelf_life_days",
            "sku",
            "stock",
            "unit",
            "weight_grams"
        ]
    );
    // Nothing changed: still a draft at version 1.
    let now = app
        .as_(&manager)
        .get(&format!("/api/v1/products/{id}"))
        .ok()
        .await;
    assert_eq!(
        (now["status"].clone(), now["version"].clone()),
        (json!("draft"), json!(1))
    );

    // Completed (as a merge patch of the missing fields), it submits.
    let mut rest = complete_product("SDG-KOPI-250");
    rest.as_object_mut().unwrap().remove("name");
    rest.as_object_mut().unwrap().remove("category");
    app.as_(&manager)
        .patch(&format!("/api/v1/products/{id}"), &rest)
        .header("If-Match", "\"1\"")
        .ok()
        .await;
    let submitted = app
        .as_(&manager)
        .post_empty(&format!("/api/v1/products/{id}/submit"))
        .ok()
        .await;
    assert_eq!(submitted["status"], "in_review");
    // Past the draft, a product stays complete.
    let res = app
        .as_(&manager)
        .patch(&format!("/api/v1/products/{id}"), &json!({"unit": null}))
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    assert_eq!(problem["code"], "product.incomplete");
    assert_eq!(opop_tests::error_fields(&problem), ["unit"]);
}

#[tokio::test]
async fn a_422_names_every_bad_field_also_with_unknown_fields_and_enum_values() {
    let app = TestApp::spawn().await;
    let (_, p, manager) = setup(&app).await;
    let res = app
        .as_(&manager)
        .post(
            "/api/v1/products",
            &json!({"pesantren_id": p.id, "name": "Kopi", "category": "weapons",
                    "price_idr": -5, "stock": -1}),
        )
        .send()
        .await;
    let problem = assert_problem(res, 422).await;
    let errors: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("category", "type"),
        ("price_idr", "range"),
        ("stock", "range"),
    ]
    .map(|(f, c)| (f.to_string(), c.to_string()))
    .into();
    assert_eq!(errors, expected, "{problem}");

    let res = app
        .as_(&manager)
        .post(
            "/api/v1/products",
            &json!({"pesantren_id": p.id, "colour": "red", "category": "craft",
                    "weight_grams": "heavy", "name": "ab"}),
        )
        .send()
        .await;
    let fields: Vec<String> = opop_tests::field_errors(res)
        .await
        .into_iter()
        .map(|(f, c)| format!("{f}:{c}"))
        .collect();
    assert_eq!(
        fields,
        ["colour:unknown", "name:length", "weight_grams:type"]
    );
    let count = entity::products::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(count, 0, "a refused body changes nothing");
}

#[tokio::test]
async fn the_representation_read_can_be_sent_back_with_a_change() {
    let app = TestApp::spawn().await;
    let (admin, p, manager) = setup(&app).await;
    let path = format!("/api/v1/pesantren/{}", p.id);
    let mut read = app.as_(&manager).get(&path).ok().await;
    read["address"] = json!("Jl. Raya Sidogiri 1, Pasuruan");
    let saved = app
        .as_(&manager)
        .put(&path, &read)
        .header("If-Match", "\"1\"")
        .ok()
        .await;
    assert_eq!(saved["address"], "Jl. Raya Sidogiri 1, Pasuruan");
    assert_eq!(saved["version"], 2);

    // A read-only field changed is refused by name, beside other bad fields.
    let mut forged = saved.clone();
    forged["status"] = json!("suspended");
    forged["version"] = json!(9);
    forged["phone"] = json!("12");
    let res = app.as_(&manager).put(&path, &forged).send().await;
    assert_eq!(
        opop_tests::field_errors(res).await,
        [
            ("phone".to_string(), "format".to_string()),
            ("status".to_string(), "read_only".to_string()),
            ("version".to_string(), "read_only".to_string()),
        ]
    );

    // A product, its variants included, goes back the same way.
    let product = app
        .as_(&admin)
        .post("/api/v1/products", &{
            let mut body = json!({
                "pesantren_id": p.id, "name": "Sarung Tenun", "category": "fashion",
                "description": "Sarung tenun santri.", "unit": "lembar", "weight_grams": 400,
                "sku": "SRG", "options": ["ukuran"],
                "variants": [
                    {"sku": "SRG-M", "values": {"ukuran": "M"}, "price_idr": 90000, "stock": 4, "weight_grams": 400},
                    {"sku": "SRG-L", "values": {"ukuran": "L"}, "price_idr": 95000, "stock": 2, "weight_grams": 450}
                ]
            });
            body["images"] = json!(["https://images.opop.example/sarung.jpg"]);
            body
        })
        .expect(201)
        .await;
    let ppath = format!("/api/v1/products/{}", product["id"].as_str().unwrap());
    let mut read = app.as_(&manager).get(&ppath).ok().await;
    read["variants"][1]["stock"] = json!(7);
    let saved = app.as_(&manager).put(&ppath, &read).ok().await;
    assert_eq!(saved["stock"], 11, "{saved}");
    assert_eq!(saved["variants"][1]["id"], read["variants"][1]["id"]);
}

#[tokio::test]
async fn a_patch_changes_only_what_it_names_and_a_stale_if_match_is_412() {
    let app = TestApp::spawn().await;
    let (_, p, manager) = setup(&app).await;
    let path = format!("/api/v1/pesantren/{}", p.id);
    let before = app.as_(&manager).get(&path).ok().await;
    let patched = app
        .as_(&manager)
        .patch(&path, &json!({"website": "https://sidogiri.net"}))
        .header("Content-Type", "application/merge-patch+json")
        .header("If-Match", "\"1\"")
        .ok()
        .await;
    assert_eq!(patched["website"], "https://sidogiri.net");
    assert_eq!(patched["version"], 2);
    for field in ["nspp", "name", "address", "phone", "province_code"] {
        assert_eq!(patched[field], before[field], "{field}");
    }
    // `null` clears an optional field.
    let cleared = app
        .as_(&manager)
        .patch(&path, &json!({"website": null}))
        .ok()
        .await;
    assert!(cleared["website"].is_null());

    // The version read before the two patches is stale now: 412, and
    // nothing changes.
    let res = app
        .as_(&manager)
        .patch(&path, &json!({"address": "Jl. Lain 2"}))
        .header("If-Match", "\"1\"")
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 412).await["code"],
        "request.version_mismatch"
    );
    let now = app.as_(&manager).get(&path).ok().await;
    assert_eq!(now["address"], before["address"]);
    assert_eq!(now["version"], 3);

    // A body that is not a merge patch is refused by its type.
    let res = app
        .as_(&manager)
        .call(reqwest::Method::PATCH, &path, None)
        .raw("text/plain", "website=x")
        .send()
        .await;
    assert_eq!(
        assert_problem(res, 415).await["code"],
        "request.patch_media_type"
    );

    // The same rules on the other resources with a PUT.
    let product = app
        .as_(&manager)
        .post(
            "/api/v1/products",
            &json!({"name": "Kopi Robusta", "category": "craft"}),
        )
        .expect(201)
        .await;
    let ppath = format!("/api/v1/products/{}", product["id"].as_str().unwrap());
    let res = app
        .as_(&manager)
        .patch(&ppath, &json!({"brand": "Santri"}))
        .header("If-Match", "\"7\"")
        .send()
        .await;
    assert_problem(res, 412).await;
    let unchanged = app.as_(&manager).get(&ppath).ok().await;
    assert!(unchanged["brand"].is_null());
}

#[tokio::test]
async fn every_problem_reads_in_indonesian_with_the_same_shape() {
    let app = TestApp::spawn().await;
    let (_, p, manager) = setup(&app).await;
    let bad_product =
        json!({"pesantren_id": p.id, "name": "K", "category": "weapons", "stock": -1});
    let cases: Vec<(reqwest::Method, String, Option<Value>, Option<&str>)> = vec![
        (reqwest::Method::GET, "/api/v1/nothing".into(), None, None),
        (
            reqwest::Method::DELETE,
            "/api/v1/products".into(),
            None,
            Some(&manager),
        ),
        (reqwest::Method::GET, "/api/v1/auth/me".into(), None, None),
        (
            reqwest::Method::GET,
            "/api/v1/products/01936f3e-5b7a-7c42-9d1e-2f3a4b5c6d7e".into(),
            None,
            Some(&manager),
        ),
        (
            reqwest::Method::POST,
            "/api/v1/products".into(),
            Some(bad_product),
            Some(&manager),
        ),
        (
            reqwest::Method::GET,
            "/api/v1/products?limit=500&category=weapons".into(),
            None,
            Some(&manager),
        ),
    ];
    for (method, path, body, token) in cases {
        let call = |lang: &'static str| {
            let caller = match token {
                Some(t) => app.as_(t),
                None => app.anon(),
            };
            caller
                .call(method.clone(), &path, body.as_ref())
                .header("Accept-Language", lang)
        };
        let (en_status, en) = call("en").status_and_json().await;
        let (id_status, id) = call("id-ID,id;q=0.9,en;q=0.8").status_and_json().await;
        assert_eq!(en_status, id_status, "{method} {path}");
        assert!(en_status >= 400, "{method} {path}: {en}");
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&en), keys(&id), "{method} {path}: the same members");
        assert_eq!(en["code"], id["code"]);
        assert_ne!(en["title"], id["title"], "{method} {path}: {id}");
        assert_ne!(en["detail"], id["detail"], "{method} {path}: {id}");
        if let Some(errors) = en["errors"].as_array() {
            for (e, i) in errors.iter().zip(id["errors"].as_array().unwrap()) {
                assert_eq!((&e["field"], &e["code"]), (&i["field"], &i["code"]));
                assert_ne!(e["message"], i["message"], "{path}: {i}");
            }
        } else {
            assert!(
                en.get("errors").is_none(),
                "no `errors` without fields: {en}"
            );
        }
    }
}

#[tokio::test]
async fn a_bad_query_names_every_parameter_at_fault() {
    let app = TestApp::spawn().await;
    let (status, problem) = app
        .anon()
        .get("/api/v1/catalog/products?category=weapons&min_price=abc&pesantren_id=nope&q=kopi")
        .status_and_json()
        .await;
    assert_eq!(status, 400, "{problem}");
    assert_eq!(problem["code"], "request.query_invalid");
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(fields.len(), 3, "{problem}");
    assert_eq!(fields[0], ("category", "type"), "{problem}");
    assert_eq!(fields[1].0, "min_price");
    assert_eq!(fields[2].0, "pesantren_id");
    assert!(
        problem["detail"].as_str().unwrap().starts_with("3 "),
        "{problem}"
    );
}

#[tokio::test]
async fn every_register_record_read_goes_back_by_put_and_an_empty_patch() {
    let app = TestApp::spawn().await;
    let w = opop_tests::world::World::build(&app).await;
    let admin = w.token("admin_35");
    for path in [
        format!("/api/v1/pesantren/{}", w.pesantren_a.id),
        format!("/api/v1/santri/{}", w.santri_a.id),
        format!("/api/v1/koperasi/{}", w.koperasi_a.id),
        format!("/api/v1/products/{}", w.product_a.id),
        format!("/api/v1/certifications/{}", w.certification_a.id),
    ] {
        let res = app.as_(&admin).get(&path).send().await;
        assert_eq!(res.status(), 200, "GET {path}");
        let etag = res.headers()["etag"].to_str().unwrap().to_string();
        let read: Value = res.json().await.unwrap();
        let (status, saved) = app
            .as_(&admin)
            .put(&path, &read)
            .header("If-Match", &etag)
            .status_and_json()
            .await;
        assert_eq!(status, 200, "PUT {path}: {saved}");
        let (status, patched) = app
            .as_(&admin)
            .patch(&path, &json!({}))
            .status_and_json()
            .await;
        assert_eq!(status, 200, "PATCH {path}: {patched}");
        for field in ["id", "name", "status", "created_at"] {
            if read.get(field).is_some() {
                assert_eq!(read[field], saved[field], "{path}: {field}");
                assert_eq!(read[field], patched[field], "{path}: {field}");
            }
        }
    }
}
