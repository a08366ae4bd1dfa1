//! Every documented route, called as anonymous and as every role in and out
//! of scope. A route without an entry here fails the test, so no route can
//! be added without deciding who may call it.
//!
//! A caller the contract admits must succeed (2xx) unless its case declares
//! the answer it gets instead (`special`); a case whose calls change the
//! state the next caller needs puts it back first (`arrange`).

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use entity::{
    certifications, pesantren, products, CertificationStatus, PesantrenStatus, ProductStatus,
};
use opop_tests::world::{Account, Place, World};
use opop_tests::TestApp;
use reqwest::Method;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::{json, Value};
use uuid::Uuid;

/// What a route is called on.
#[derive(Clone, Copy)]
pub enum Target {
    /// A collection or an action without an object.
    None,
    /// The victim curator of province 35 (`/users/{id}`).
    Victim,
    /// Pesantren A (province 35) as `{id}`.
    PesantrenA,
    /// Santri A of pesantren A as `{id}`.
    SantriA,
    /// The koperasi of pesantren A as `{id}`.
    KoperasiA,
    /// Product A (approved food product of pesantren A) as `{id}`.
    ProductA,
    /// The pending halal certificate of product A as `{id}`.
    CertificationA,
    /// A published craft product of pesantren A (made by the matrix itself).
    PublishedProduct,
    /// A record of pesantren A that the case's `arrange` makes for each
    /// caller, as `{id}`.
    Arranged,
    /// A record of the whole province 35 (an activity) that the case's
    /// `arrange` makes or finds for each caller, as `{id}`.
    Shared,
}

pub struct Case {
    pub method: &'static str,
    pub path: &'static str,
    /// The roles the contract admits (the OpenAPI document must say the same).
    pub roles: &'static [&'static str],
    /// Whether callers without a token are admitted.
    pub anonymous: bool,
    pub target: Target,
    /// The request body for a caller, if the route takes one.
    pub body: fn(&Account, &World) -> Option<Value>,
    /// Answers that differ from the general rule for some callers.
    pub special: fn(&Account) -> Option<u16>,
    /// Runs before each caller's call, to give it the state an earlier
    /// caller may have changed; answers the record of `Target::Arranged`.
    pub arrange: Arrange,
}

pub type Arranged<'a> = Pin<Box<dyn Future<Output = Option<Uuid>> + 'a>>;
pub type Arrange = for<'a> fn(&'a TestApp, &'a World) -> Arranged<'a>;

pub fn no_body(_: &Account, _: &World) -> Option<Value> {
    None
}
pub fn no_special(_: &Account) -> Option<u16> {
    None
}
pub fn nothing<'a>(_: &'a TestApp, _: &'a World) -> Arranged<'a> {
    Box::pin(async { None })
}

/// Puts product A in `status`, behind the API.
pub async fn product_a_in(app: &TestApp, w: &World, status: ProductStatus) -> Option<Uuid> {
    let mut row = products::Entity::find_by_id(w.product_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("product A")
        .into_active_model();
    row.status = Set(status);
    row.update(&app.db).await.unwrap();
    None
}

/// Puts certification A in `status`, behind the API.
pub async fn certification_a_in(
    app: &TestApp,
    w: &World,
    status: CertificationStatus,
) -> Option<Uuid> {
    let mut row = certifications::Entity::find_by_id(w.certification_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("certification A")
        .into_active_model();
    row.status = Set(status);
    row.update(&app.db).await.unwrap();
    None
}

/// Puts pesantren A in `status`, behind the API.
pub async fn pesantren_a_in(app: &TestApp, w: &World, status: PesantrenStatus) -> Option<Uuid> {
    let mut row = pesantren::Entity::find_by_id(w.pesantren_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("pesantren A")
        .into_active_model();
    row.status = Set(status);
    row.update(&app.db).await.unwrap();
    None
}

pub const ADMIN: &[&str] = &["admin"];
pub const PEOPLE: &[&str] = &["admin", "curator", "pesantren_manager", "santri", "mentor"];
pub const ALL: &[&str] = &[
    "admin",
    "curator",
    "pesantren_manager",
    "santri",
    "mentor",
    "partner",
];
/// Those who read a pesantren's register: staff, its managers and mentors.
pub const REGISTER_READERS: &[&str] = &["admin", "curator", "pesantren_manager", "mentor"];
/// Those who read santri records (never mentors).
/// Curators and mentors get no santri personal data (counts only).
pub const SANTRI_READERS: &[&str] = &["admin", "pesantren_manager", "santri"];

mod cases_catalog;
mod cases_certifications;
mod cases_competitions;
mod cases_core;
mod cases_images;
mod cases_koperasi;
mod cases_orders;
mod cases_pesantren;
mod cases_products;
mod cases_programme;
mod cases_regions;
mod cases_reviews;
mod cases_santri;
mod cases_stats;
mod cases_trust;
mod cases_webhooks;

fn cases() -> Vec<Case> {
    // Pesantren last: its cases suspend and re-verify pesantren A.
    let mut all = cases_core::cases();
    all.extend(cases_santri::cases());
    all.extend(cases_trust::cases());
    all.extend(cases_koperasi::cases());
    all.extend(cases_products::cases());
    all.extend(cases_certifications::cases());
    all.extend(cases_stats::cases());
    all.extend(cases_catalog::cases());
    all.extend(cases_orders::cases());
    all.extend(cases_images::cases());
    all.extend(cases_webhooks::cases());
    all.extend(cases_programme::cases());
    all.extend(cases_competitions::cases());
    all.extend(cases_regions::cases());
    all.extend(cases_reviews::cases());
    all.extend(cases_pesantren::cases());
    all
}

/// Operations of the served document: (method, path) → (roles, anonymous).
fn documented(doc: &Value) -> Vec<(String, String, BTreeSet<String>, bool)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let security = op["security"].as_array().cloned().unwrap_or_default();
            let roles: BTreeSet<String> = security
                .iter()
                .filter_map(|s| s["bearer"].as_array())
                .flatten()
                .filter_map(|r| r.as_str().map(str::to_string))
                .collect();
            let anonymous = security.is_empty()
                || security
                    .iter()
                    .any(|s| s.as_object().is_some_and(|o| o.is_empty()));
            out.push((method.to_uppercase(), path.clone(), roles, anonymous));
        }
    }
    out
}

fn a_place(world: &World, santri: Option<Uuid>) -> Place {
    Place {
        province_code: Some("35".into()),
        pesantren_id: Some(world.pesantren_a.id),
        santri_id: santri,
        ..Default::default()
    }
}

fn target_place(
    target: Target,
    world: &World,
    published: Uuid,
    arranged: Option<Uuid>,
) -> Option<(Uuid, Place)> {
    match target {
        Target::None => None,
        Target::Victim => Some((
            world.victim_id,
            Place {
                province_code: Some("35".into()),
                ..Default::default()
            },
        )),
        Target::PesantrenA => Some((world.pesantren_a.id, a_place(world, None))),
        Target::SantriA => Some((world.santri_a.id, a_place(world, Some(world.santri_a.id)))),
        Target::KoperasiA => Some((world.koperasi_a.id, a_place(world, None))),
        Target::ProductA => Some((world.product_a.id, a_place(world, None))),
        Target::CertificationA => Some((world.certification_a.id, a_place(world, None))),
        Target::PublishedProduct => Some((published, a_place(world, None))),
        Target::Arranged => Some((
            arranged.expect("the case's arrange makes its target"),
            a_place(world, None),
        )),
        Target::Shared => Some((
            arranged.expect("the case's arrange makes its target"),
            Place {
                province_code: Some("35".into()),
                shared: true,
                ..Default::default()
            },
        )),
    }
}

#[tokio::test]
async fn every_route_admits_exactly_its_roles_and_scope() {
    // Registrations are throttled per address; the matrix registers from one.
    let app = TestApp::spawn_with(&[("OPOP_REGISTRATION_BURST", "1000")]).await;
    let world = World::build(&app).await;
    let published = opop_tests::catalogue::publish(
        &app,
        &world.pesantren_a,
        "MTX-PUBLISHED",
        entity::ProductCategory::Craft,
    )
    .await
    .id;
    let doc: Value = app
        .anon()
        .get("/api-docs/openapi.json")
        .await
        .json()
        .await
        .unwrap();
    let cases = cases();

    // The matrix and the document name the same routes with the same roles.
    let mut problems = Vec::new();
    for (method, path, roles, anonymous) in documented(&doc) {
        match cases.iter().find(|c| c.method == method && c.path == path) {
            None => problems.push(format!("{method} {path} has no entry in the access matrix")),
            Some(c) => {
                let expected: BTreeSet<String> = c.roles.iter().map(|r| r.to_string()).collect();
                if expected != roles || c.anonymous != anonymous {
                    problems.push(format!(
                        "{method} {path}: the document admits {roles:?} (anonymous: {anonymous}), the contract {expected:?} (anonymous: {})",
                        c.anonymous
                    ));
                }
            }
        }
    }
    for c in &cases {
        if !documented(&doc)
            .iter()
            .any(|(m, p, _, _)| m == c.method && p == c.path)
        {
            problems.push(format!(
                "{} {} is in the matrix but not served",
                c.method, c.path
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // Every caller against every route.
    let mut calls = 0;
    let mut wrong = Vec::new();
    for case in &cases {
        for account in &world.accounts {
            let arranged = (case.arrange)(&app, &world).await;
            let target = target_place(case.target, &world, published, arranged);
            let path = match &target {
                Some((id, _)) => case.path.replace("{id}", &id.to_string()),
                None => case.path.to_string(),
            }
            .replace("{pesantren_id}", &world.pesantren_a.id.to_string())
            .replace("{province_code}", "35")
            .replace("{year}", "2026")
            .replace("{code}", "3578");
            let method = Method::from_bytes(case.method.as_bytes()).unwrap();
            let body = (case.body)(account, &world);
            let res = app
                .as_account(account)
                .call(method, &path, body.as_ref())
                .await;
            let status = res.status().as_u16();
            let text = res.text().await.unwrap_or_default();
            let who = format!("{} {} as {}", case.method, path, account.key);

            let expected = if let Some(s) = (case.special)(account) {
                Some(s)
            } else {
                match account.role {
                    None if case.anonymous => None,
                    None => Some(401),
                    Some(role) if !case.roles.contains(&role) && !case.anonymous => Some(403),
                    Some(_) => match &target {
                        Some((_, place)) if !World::sees(account, place) => Some(404),
                        _ => None,
                    },
                }
            };
            match expected {
                Some(s) if status != s => {
                    wrong.push(format!("{who}: {s} expected, got {status}: {text}"))
                }
                None if !(200..300).contains(&status) => wrong.push(format!(
                    "{who} should be admitted and succeed, got {status}: {text}"
                )),
                _ => {}
            }
            calls += 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(calls, cases.len() * world.accounts.len());
}
