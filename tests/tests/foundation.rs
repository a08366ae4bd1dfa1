//! The foundation: health, errors as problem+json, documents, schema and audit.

use chrono::{NaiveDate, Utc};
use entity::{pesantren, products, users, PesantrenStatus, ProductCategory, ProductStatus, Role};
use opop_tests::world::{new_koperasi, new_pesantren, new_product};
use opop_tests::{assert_problem, TestApp};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

/// A registered pesantren of province 35.
fn pesantren_35(nspp: &str) -> pesantren::ActiveModel {
    new_pesantren(nspp, "35", "3578", PesantrenStatus::Registered)
}

/// A draft product of a pesantren of province 35.
fn product_35(pesantren_id: Uuid, sku: &str) -> products::ActiveModel {
    new_product(
        pesantren_id,
        "35",
        sku,
        ProductCategory::Beverage,
        ProductStatus::Draft,
    )
}

#[tokio::test]
async fn liveness_answers_ok() {
    let app = TestApp::spawn().await;
    let res = app.anon().get("/health/live").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({"status": "ok"}));
}

#[tokio::test]
async fn readiness_answers_ok_while_the_database_answers_and_503_when_it_is_gone() {
    let app = TestApp::spawn().await;
    assert_eq!(app.anon().get("/health/ready").await.status(), 200);

    // Closing the shared pool is the closest an in-process test gets to a
    // database that went away.
    app.db.clone().close().await.unwrap();
    let res = app.anon().get("/health/ready").await;
    let retry_after = res.headers().get("retry-after").cloned();
    let body = assert_problem(res, 503).await;
    assert!(retry_after.is_some(), "503 without Retry-After");
    assert_eq!(body["type"], "https://opop.example/problems/unavailable");
}

#[tokio::test]
async fn an_unknown_route_is_a_problem_json_404_with_a_request_id() {
    let app = TestApp::spawn().await;
    let res = app.anon().get("/api/v1/no-such-thing").await;
    let header_id = res
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .expect("X-Request-Id header");
    let body = assert_problem(res, 404).await;
    assert_eq!(body["request_id"], header_id.as_str());
    assert_eq!(
        body["detail"],
        "Nothing is served at /api/v1/no-such-thing."
    );
}

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let app = TestApp::spawn().await;
    let served: Value = app
        .anon()
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let generated = opop_api::openapi::document_json()
        .expect("the document reads back after the error responses are added");
    if std::env::var("OPOP_UPDATE_OPENAPI").is_ok() {
        std::fs::write(committed_path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/openapi.json is stale: regenerate it with `cargo run -- openapi > openapi/openapi.json`"
    );
    let committed: Value = serde_json::from_str(&committed).unwrap();
    assert_eq!(served, committed);
    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"));
    // The added error responses are in the document, on every operation.
    for (path, item) in served["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            assert!(
                op["responses"].get("500").is_some(),
                "{method} {path} lacks the standard error responses"
            );
        }
    }
}

#[tokio::test]
async fn the_documentation_page_loads_with_no_request_leaving_the_machine() {
    let app = TestApp::spawn().await;
    let res = app.anon().get("/docs").await;
    assert!(res.status().is_redirection());
    let html = app.anon().get("/docs/").await.text().await.unwrap();
    assert!(html.contains("swagger-ui"));
    // Every asset the page asks for is served by the binary itself …
    let assets: Vec<&str> = html
        .split(['"', '\''])
        .filter(|s| s.ends_with(".js") || s.ends_with(".css") || s.ends_with(".png"))
        .collect();
    assert!(assets.len() >= 4, "assets: {assets:?}");
    for asset in &assets {
        assert!(!asset.contains("://"), "external asset {asset}");
        let path = format!("/docs/{}", asset.trim_start_matches("./"));
        assert_eq!(app.anon().get(&path).await.status(), 200, "{path}");
    }
    // … and the initializer points at the local document, with the online
    // validator (which would fetch a badge) switched off.
    let init = app
        .anon()
        .get("/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/api-docs/openapi.json"));
    assert!(init.contains(r#""validatorUrl": "none""#), "{init}");
}

#[tokio::test]
async fn the_first_admin_is_created_once_with_a_hashed_password_and_audited() {
    let app = TestApp::spawn().await;
    let admins = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(admins.len(), 1);
    assert_eq!(admins[0].email, opop_tests::ADMIN_EMAIL);
    assert!(admins[0].password_hash.starts_with("$argon2id$"));

    // A second start over the same database creates no second admin.
    opop_api::auth::bootstrap::ensure_admin(&app.db, &app.config)
        .await
        .unwrap();
    let count = users::Entity::find()
        .filter(users::Column::Role.eq(Role::Admin))
        .all(&app.db)
        .await
        .unwrap()
        .len();
    assert_eq!(count, 1);

    let trail = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ResourceId.eq(admins[0].id))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 1);
    assert_eq!(trail[0].action, "create");
    assert!(!trail[0]
        .changes
        .to_string()
        .contains(opop_tests::ADMIN_PASSWORD));
}

#[tokio::test]
async fn migrations_can_run_again_without_effect() {
    let app = TestApp::spawn().await;
    opop_api::db::migrate(&app.db).await.unwrap();
    assert_eq!(app.anon().get("/health/ready").await.status(), 200);
}

#[tokio::test]
async fn timestamps_and_dates_read_back_exactly_as_written_in_utc() {
    let app = TestApp::spawn().await;
    let written = pesantren_35("510035780001").insert(&app.db).await.unwrap();
    let read = pesantren::Entity::find_by_id(written.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.created_at, written.created_at);
    assert_eq!(read.created_at.timezone(), Utc);

    let p = product_35(written.id, "SKU-1")
        .insert(&app.db)
        .await
        .unwrap();
    let now = opop_api::db::now();
    let cert = entity::certifications::ActiveModel {
        id: Set(opop_api::db::new_id()),
        product_id: Set(p.id),
        pesantren_id: Set(written.id),
        province_code: Set("35".into()),
        cert_type: Set(entity::CertificationType::Halal),
        number: Set("ID35110000012345".into()),
        issuer: Set("BPJPH".into()),
        issued_on: Set(NaiveDate::from_ymd_opt(2021, 1, 31)),
        expires_on: Set(NaiveDate::from_ymd_opt(2025, 12, 31)),
        status: Set(entity::CertificationStatus::Verified),
        rejection_reason: Set(None),
        document_url: Set(None),
        verified_by: Set(None),
        verified_at: Set(Some(now)),
        created_by: Set(None),
        edited_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
    // Date comparisons in SQL must agree on both databases.
    let expired = entity::certifications::Entity::find()
        .filter(entity::certifications::Column::ExpiresOn.lt(NaiveDate::from_ymd_opt(2026, 1, 1)))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(expired.len(), 1);
    assert_eq!(expired[0].id, cert.id);
    assert_eq!(expired[0].verified_at, Some(now));
}

#[tokio::test]
async fn the_database_enforces_the_unique_values() {
    let app = TestApp::spawn().await;
    let a = pesantren_35("510035780001").insert(&app.db).await.unwrap();
    let err = pesantren_35("510035780001")
        .insert(&app.db)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{err}"
    );

    let b = pesantren_35("510035780002").insert(&app.db).await.unwrap();
    product_35(a.id, "SKU-1").insert(&app.db).await.unwrap();
    // The same SKU in another pesantren is fine; twice in one is not.
    product_35(b.id, "SKU-1").insert(&app.db).await.unwrap();
    let err = product_35(a.id, "SKU-1").insert(&app.db).await.unwrap_err();
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{err}"
    );

    new_koperasi(&a).insert(&app.db).await.unwrap();
    let err = new_koperasi(&a).insert(&app.db).await.unwrap_err();
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
        ),
        "{err}"
    );

    // Foreign keys hold on SQLite too.
    let err = product_35(Uuid::now_v7(), "SKU-9")
        .insert(&app.db)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.sql_err(),
            Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_))
        ),
        "{err}"
    );
}

#[tokio::test]
async fn a_write_without_an_audit_entry_is_refused_and_rolled_back() {
    use opop_api::audit::{Actor, Entry, WriteTx};
    let app = TestApp::spawn().await;

    let tx = WriteTx::begin(&app.db, &Actor::system()).await.unwrap();
    let row = pesantren_35("510035780003").insert(&*tx).await.unwrap();
    assert!(tx.commit().await.is_err());
    assert!(pesantren::Entity::find_by_id(row.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_none());

    let mut tx = WriteTx::begin(&app.db, &Actor::system()).await.unwrap();
    let row = pesantren_35("510035780003").insert(&*tx).await.unwrap();
    tx.record(Entry {
        action: "create",
        resource_type: "pesantren",
        resource_id: row.id,
        province_code: Some("35".into()),
        changes: opop_api::audit::created(&json!({"nspp": row.nspp})),
    })
    .await
    .unwrap();
    tx.commit().await.unwrap();
    assert!(pesantren::Entity::find_by_id(row.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
}
