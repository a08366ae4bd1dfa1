//! The catalogue, the change feed and the scoped lists are served from
//! indexes. Over a populated database (`seed-demo --scale 0.1`: 1,000
//! pesantren, 10,000 products, 30,000 santri, ...), every statement those
//! reads and the audit trail send (captured from the connection as the domain functions run) is
//! explained, and the test fails on a full scan of a large table: a
//! `Seq Scan` on PostgreSQL, a `SCAN <table>` without an index on SQLite.

use std::sync::{Arc, Mutex};

use opop_api::auth::principal::UserPrincipal;
use opop_api::auth::{Caller, Principal};
use opop_api::catalog::service as catalog;
use opop_api::pagination::PageParams;
use opop_tests::TestDatabase;
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, EntityTrait, Statement};
use serde_json::{json, Value};

/// Tables that grow with the programme; a full scan of one of them is a
/// bug waiting for production data.
const LARGE: [&str; 10] = [
    "pesantren",
    "santri",
    "koperasi",
    "products",
    "certifications",
    "catalog_changes",
    "catalog_entries",
    "orders",
    "partner_listings",
    "audit_log",
];

fn params<T: serde::de::DeserializeOwned>(v: Value) -> T {
    serde_json::from_value(v).expect("valid parameters")
}

fn user(role: entity::Role, province: &str, pesantren: Option<uuid::Uuid>) -> Caller {
    Caller {
        principal: Principal::User(UserPrincipal {
            id: uuid::Uuid::now_v7(),
            role,
            province_code: Some(province.to_string()),
            pesantren_id: pesantren,
            santri_id: None,
        }),
        request_id: None,
        lang: Default::default(),
    }
}

/// Every scan node of a PostgreSQL JSON plan: (node type, relation).
fn pg_scans(plan: &Value, out: &mut Vec<(String, String)>) {
    if let Some(node) = plan.get("Node Type").and_then(Value::as_str) {
        let rel = plan
            .get("Relation Name")
            .and_then(Value::as_str)
            .unwrap_or_default();
        out.push((node.to_string(), rel.to_string()));
    }
    if let Some(children) = plan.get("Plans").and_then(Value::as_array) {
        for c in children {
            pg_scans(c, out);
        }
    }
}

/// The full scans of large tables in the plan of `stmt`, described.
async fn full_scans(db: &DatabaseConnection, stmt: &Statement) -> Vec<String> {
    let values = stmt.values.clone().map(|v| v.0).unwrap_or_default();
    match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let explain = Statement::from_sql_and_values(
                DatabaseBackend::Postgres,
                format!("EXPLAIN (FORMAT JSON) {}", stmt.sql),
                values,
            );
            let row = db.query_one_raw(explain).await.unwrap().unwrap();
            let plan: Value = row.try_get_by_index(0).unwrap();
            let mut scans = Vec::new();
            pg_scans(&plan[0]["Plan"], &mut scans);
            scans
                .into_iter()
                .filter(|(node, rel)| node == "Seq Scan" && LARGE.contains(&rel.as_str()))
                .map(|(node, rel)| format!("{node} on {rel}"))
                .collect()
        }
        _ => {
            let explain = Statement::from_sql_and_values(
                DatabaseBackend::Sqlite,
                format!("EXPLAIN QUERY PLAN {}", stmt.sql),
                values,
            );
            let rows = db.query_all_raw(explain).await.unwrap();
            let details: Vec<String> = rows
                .iter()
                .map(|r| r.try_get::<String>("", "detail").unwrap())
                .collect();
            assert!(!details.is_empty(), "no plan for {}", stmt.sql);
            details
                .into_iter()
                .filter(|d| {
                    // "SCAN products" reads the whole table; "SCAN products
                    // USING INDEX ..." walks an index in order (a LIMIT stops it).
                    let words: Vec<&str> = d.split_whitespace().collect();
                    words.first() == Some(&"SCAN")
                        && words.get(1).is_some_and(|t| LARGE.contains(t))
                        && !d.contains("USING")
                })
                .collect()
        }
    }
}

#[tokio::test]
async fn catalogue_feed_and_scoped_list_queries_never_scan_a_large_table() {
    let database = TestDatabase::create().await;
    let mut db = opop_api::db::connect_url(&database.url, 4).await.unwrap();
    opop_api::db::migrate(&db).await.unwrap();
    let vault = opop_api::vault::NikVault::new(&[1; 32], &[]);
    opop_api::seed::seed_scale(&db, 0.1, &vault).await.unwrap();
    // As after any bulk load: the planner needs statistics.
    db.execute_unprepared("ANALYZE").await.unwrap();

    let some = entity::products::Entity::find()
        .one(&db)
        .await
        .unwrap()
        .expect("products were loaded");
    // The demo loader writes no audit trail: a year's worth, 20,000
    // entries over many resources and actors in several provinces.
    let actor = uuid::Uuid::now_v7();
    let start = opop_api::db::now() - chrono::Duration::days(365);
    for chunk in 0..20 {
        let rows = (0..1000).map(|i| {
            let n = chunk * 1000 + i;
            entity::audit_log::ActiveModel {
                id: sea_orm::Set(opop_api::db::new_id()),
                actor_type: sea_orm::Set(entity::ActorType::User),
                actor_id: sea_orm::Set(Some(if n % 50 == 0 {
                    actor
                } else {
                    uuid::Uuid::now_v7()
                })),
                action: sea_orm::Set(if n % 3 == 0 { "read" } else { "update" }.into()),
                resource_type: sea_orm::Set(if n % 2 == 0 { "product" } else { "santri" }.into()),
                resource_id: sea_orm::Set(uuid::Uuid::now_v7()),
                province_code: sea_orm::Set(Some(["35", "32", "33", "11"][n % 4].into())),
                changes: sea_orm::Set(json!({"fields": ["name"]})),
                request_id: sea_orm::Set(None),
                created_at: sea_orm::Set(start + chrono::Duration::minutes(n as i64 * 26)),
            }
        });
        entity::audit_log::Entity::insert_many(rows)
            .exec(&db)
            .await
            .unwrap();
    }
    db.execute_unprepared("ANALYZE").await.unwrap();
    let captured: Arc<Mutex<Vec<Statement>>> = Arc::default();
    let sink = captured.clone();
    db.set_metric_callback(move |info| {
        sink.lock().unwrap().push(info.statement.clone());
    });
    let page = |limit: u64| -> PageParams { params(json!({ "limit": limit })) };

    // Catalogue: filters, search, paging, one product.
    let mut reads: Vec<(&str, usize)> = Vec::new();
    let mut mark = |what: &'static str, captured: &Arc<Mutex<Vec<Statement>>>| {
        reads.push((what, captured.lock().unwrap().len()));
    };
    let first = catalog::list(&db, &params(json!({})), &page(20))
        .await
        .unwrap();
    mark("catalogue, first page", &captured);
    let cursor = first.next_cursor.clone().expect("more than one page");
    catalog::list(
        &db,
        &params(json!({})),
        &params(json!({"limit": 20, "cursor": cursor})),
    )
    .await
    .unwrap();
    mark("catalogue, next page", &captured);
    catalog::list(
        &db,
        &params(json!({"category": "food", "province_code": "35"})),
        &page(20),
    )
    .await
    .unwrap();
    mark("catalogue, category and province", &captured);
    catalog::list(&db, &params(json!({"q": "kopi"})), &page(20))
        .await
        .unwrap();
    mark("catalogue search", &captured);
    catalog::list(
        &db,
        &params(json!({"pesantren_id": some.pesantren_id})),
        &page(20),
    )
    .await
    .unwrap();
    mark("catalogue of one pesantren", &captured);
    if let Some(p) = first.data.first() {
        catalog::get(&db, p.id).await.unwrap();
    }
    mark("one catalogue product", &captured);

    // The change feed, from the start and from the middle.
    let feed = catalog::read(&db, &db, &params(json!({"limit": 1000})))
        .await
        .unwrap();
    mark("feed from the start", &captured);
    catalog::read(
        &db,
        &db,
        &params(json!({"limit": 1000, "cursor": feed.next_cursor})),
    )
    .await
    .unwrap();
    mark("feed from the middle", &captured);

    // Scoped lists: a manager's own products, a curator's province.
    let manager = user(
        entity::Role::PesantrenManager,
        &some.province_code,
        Some(some.pesantren_id),
    );
    opop_api::products::service::list(&db, &manager, &params(json!({})), &page(20))
        .await
        .unwrap();
    mark("a manager's products", &captured);
    let curator = user(entity::Role::Curator, &some.province_code, None);
    opop_api::products::service::list(
        &db,
        &curator,
        &params(json!({"status": "in_review"})),
        &page(20),
    )
    .await
    .unwrap();
    mark("a curator's review queue", &captured);
    opop_api::santri::service::list(
        &db,
        &manager,
        some.pesantren_id,
        &params(json!({})),
        &page(20),
    )
    .await
    .unwrap();
    mark("a manager's santri", &captured);

    // The audit trail, by province, resource, actor and day, and paged.
    let admin = user(entity::Role::Admin, &some.province_code, None);
    let national = Caller {
        principal: Principal::User(UserPrincipal {
            id: uuid::Uuid::now_v7(),
            role: entity::Role::Admin,
            province_code: None,
            pesantren_id: None,
            santri_id: None,
        }),
        request_id: None,
        lang: Default::default(),
    };
    let trail = |q: Value| -> opop_api::audit_log::model::AuditFilter { params(q) };
    let first = opop_api::audit_log::service::list(&db, &national, &trail(json!({})), &page(20))
        .await
        .unwrap();
    mark("audit trail, national", &captured);
    opop_api::audit_log::service::list(
        &db,
        &national,
        &trail(json!({})),
        &params(json!({"limit": 20, "cursor": first.next_cursor})),
    )
    .await
    .unwrap();
    mark("audit trail, next page", &captured);
    opop_api::audit_log::service::list(&db, &admin, &trail(json!({})), &page(20))
        .await
        .unwrap();
    mark("audit trail of a province", &captured);
    opop_api::audit_log::service::list(
        &db,
        &admin,
        &trail(json!({"resource_type": "product", "resource_id": some.id})),
        &page(20),
    )
    .await
    .unwrap();
    mark("audit trail of one resource", &captured);
    opop_api::audit_log::service::list(
        &db,
        &national,
        &trail(json!({"actor_id": actor, "from": "2026-01-01", "to": "2026-12-31"})),
        &page(20),
    )
    .await
    .unwrap();
    mark("audit trail of one actor over a year", &captured);

    let statements = captured.lock().unwrap().clone();
    let mut failures = Vec::new();
    let mut start = 0;
    for (what, end) in reads {
        // The catalogue answers from its read model: one statement a read.
        if what.starts_with("catalogue") || what == "one catalogue product" {
            let sent: Vec<&str> = statements[start..end]
                .iter()
                .map(|s| s.sql.as_str())
                .collect();
            if sent.len() != 1 || !sent[0].contains("catalog_entries") {
                failures.push(format!(
                    "{what}: {} statements, not one on the read model:\n    {}",
                    sent.len(),
                    sent.join("\n    ")
                ));
            }
        }
        for stmt in &statements[start..end] {
            if !stmt
                .sql
                .trim_start()
                .to_ascii_uppercase()
                .starts_with("SELECT")
            {
                continue;
            }
            for scan in full_scans(&db, stmt).await {
                failures.push(format!("{what}: {scan}\n    {}", stmt.sql));
            }
        }
        start = end;
    }
    assert!(
        statements.len() > 20,
        "the reads should have sent their statements through the connection"
    );
    assert!(
        failures.is_empty(),
        "full scans of large tables:\n{}",
        failures.join("\n")
    );
}
