//! Programme figures: every number of the overview, nationally and by
//! province, over a data set whose true counts the tests know.

use chrono::{Datelike, Duration, NaiveDate};
use entity::{
    enterprises, pesantren, products, santri, CertificationStatus, CertificationType,
    EnterpriseKind, PesantrenStatus, ProductCategory, ProductStatus, SantriStatus,
};
use opop_api::publication::today;
use opop_tests::world::{
    create_user, insert_certification, insert_koperasi, insert_pesantren, insert_product,
    insert_santri, World, PASSWORD,
};
use opop_tests::{assert_problem, TestApp};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde_json::{json, Value};

const PATH: &str = "/api/v1/stats/overview";

/// Targets small enough for the data set to make visible progress.
const TARGETS: &[(&str, &str)] = &[
    ("OPOP_TARGET_FLAGSHIP_PRODUCTS", "10"),
    ("OPOP_TARGET_SANTRIPRENEURS", "8"),
    ("OPOP_TARGET_SOCIOPRENEURS", "4"),
    ("OPOP_TARGET_VERIFIED_PESANTREN_PER_PROVINCE", "2"),
];

/// Logs in as a new staff account of `role` in `province` (national when
/// `None`), created by the first admin.
async fn staff(app: &TestApp, role: &str, province: Option<&str>) -> String {
    let admin = app.admin_token().await;
    let email = format!("{role}-{}@test.opop", province.unwrap_or("national"));
    let mut body = json!({"email": email, "name": role, "password": PASSWORD, "role": role});
    if let Some(p) = province {
        body["province_code"] = json!(p);
    }
    create_user(app, &admin, body).await;
    app.login(&email, PASSWORD).await
}

async fn santri_in(
    app: &TestApp,
    p: &pesantren::Model,
    name: &str,
    status: SantriStatus,
    entrepreneur: bool,
) -> santri::Model {
    let mut s = insert_santri(app, p, name).await.into_active_model();
    s.status = Set(status);
    s.is_santripreneur = Set(entrepreneur);
    s.update(&app.db).await.unwrap()
}

/// An enterprise of `kind` of the alumnus `s`, started last year.
async fn enterprise(app: &TestApp, s: &santri::Model, kind: EnterpriseKind) {
    let now = opop_api::db::now();
    enterprises::ActiveModel {
        id: Set(opop_api::db::new_id()),
        santri_id: Set(s.id),
        pesantren_id: Set(s.pesantren_id),
        province_code: Set(s.province_code.clone()),
        name: Set("Usaha Alumni".into()),
        kind: Set(kind),
        started_on: Set(today() - Duration::days(400)),
        description: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .unwrap();
}

async fn product_in(
    app: &TestApp,
    p: &pesantren::Model,
    sku: &str,
    category: ProductCategory,
    status: ProductStatus,
    flagship: bool,
) -> products::Model {
    let product = insert_product(app, p, sku, category, status).await;
    if !flagship {
        return product;
    }
    let mut am = product.into_active_model();
    am.is_flagship = Set(true);
    am.update(&app.db).await.unwrap()
}

/// A halal certificate of `product` in `status`, valid until `expires_on`.
async fn halal(
    app: &TestApp,
    product: &products::Model,
    number: &str,
    status: CertificationStatus,
    expires_on: Option<NaiveDate>,
) {
    insert_certification(
        app,
        product,
        CertificationType::Halal,
        number,
        status,
        expires_on,
    )
    .await;
}

/// The data set, in provinces 35, 32 and 63. What each record counts as is
/// said beside it; the expected figures below add these up.
async fn build_data_set(app: &TestApp) {
    use CertificationStatus::{Pending, Rejected, Verified};
    use ProductCategory::*;
    use ProductStatus::*;
    let today = today();

    // East Java (35): 4 pesantren, 2 of them verified.
    let p35a = insert_pesantren(app, "510035780001", "35", "3578", PesantrenStatus::Verified).await;
    let p35b = insert_pesantren(app, "510035780002", "35", "3578", PesantrenStatus::Verified).await;
    let p35c = insert_pesantren(
        app,
        "510035780003",
        "35",
        "3507",
        PesantrenStatus::Registered,
    )
    .await;
    let p35d = insert_pesantren(
        app,
        "510035780004",
        "35",
        "3507",
        PesantrenStatus::Suspended,
    )
    .await;
    santri_in(app, &p35a, "Santri Aktif", SantriStatus::Active, false).await;
    santri_in(app, &p35a, "Santripreneur", SantriStatus::Active, true).await;
    santri_in(app, &p35a, "Alumni", SantriStatus::Alumni, false).await;
    for name in ["Sociopreneur Satu", "Sociopreneur Dua"] {
        let s = santri_in(app, &p35a, name, SantriStatus::Alumni, true).await;
        enterprise(app, &s, EnterpriseKind::Social).await;
    }
    santri_in(app, &p35c, "Santri Baru", SantriStatus::Active, false).await;
    insert_koperasi(app, &p35a).await;
    insert_koperasi(app, &p35b).await;
    insert_koperasi(app, &p35c).await;

    // Published flagship; halal without expiry: covered.
    let p = product_in(app, &p35a, "35-1", Food, Approved, true).await;
    halal(app, &p, "ID35110000000001", Verified, None).await;
    // Published; halal valid through today: covered.
    let p = product_in(app, &p35a, "35-2", Beverage, Approved, false).await;
    halal(app, &p, "ID35110000000002", Verified, Some(today)).await;
    // Flagship, not published: its halal expired yesterday. Not covered.
    let p = product_in(app, &p35a, "35-3", Herbal, Approved, true).await;
    halal(
        app,
        &p,
        "ID35110000000003",
        Verified,
        Some(today - Duration::days(1)),
    )
    .await;
    // Published flagship that needs no halal certificate.
    product_in(app, &p35a, "35-4", Craft, Approved, true).await;
    // Not published: its halal is still pending. Not covered.
    let p = product_in(app, &p35a, "35-5", Food, Approved, false).await;
    halal(app, &p, "ID35110000000005", Pending, None).await;
    // Not published: its pesantren is suspended. Covered all the same.
    let p = product_in(app, &p35d, "35-6", Cosmetics, Approved, false).await;
    halal(app, &p, "ID35110000000006", Verified, None).await;
    // Flagship, not published: its pesantren is only registered.
    product_in(app, &p35c, "35-7", Fashion, Approved, true).await;
    // Flagship draft with a valid halal: not published, not in coverage.
    let p = product_in(app, &p35a, "35-8", Food, Draft, true).await;
    halal(app, &p, "ID35110000000008", Verified, None).await;
    product_in(app, &p35a, "35-9", Food, InReview, false).await;
    product_in(app, &p35b, "35-10", Other, ProductStatus::Rejected, false).await;
    product_in(app, &p35b, "35-11", Agriculture, Unlisted, false).await;
    // Not published: its halal was rejected, and a P-IRT is no halal.
    let p = product_in(app, &p35a, "35-12", Food, Approved, false).await;
    halal(app, &p, "ID35110000000012", Rejected, None).await;
    insert_certification(
        app,
        &p,
        CertificationType::Pirt,
        "123456789012327",
        Verified,
        None,
    )
    .await;

    // West Java (32): 2 pesantren, 1 verified.
    let q1 = insert_pesantren(app, "510032730001", "32", "3273", PesantrenStatus::Verified).await;
    insert_pesantren(
        app,
        "510032730002",
        "32",
        "3273",
        PesantrenStatus::Registered,
    )
    .await;
    // A business, not a social enterprise: no sociopreneur.
    let s = santri_in(app, &q1, "Alumni Jabar", SantriStatus::Alumni, false).await;
    enterprise(app, &s, EnterpriseKind::Business).await;
    santri_in(app, &q1, "Santripreneur Jabar", SantriStatus::Active, true).await;
    insert_koperasi(app, &q1).await;
    // Published flagship; halal valid for a year: covered.
    let p = product_in(app, &q1, "32-1", Food, Approved, true).await;
    halal(
        app,
        &p,
        "ID32110000000001",
        Verified,
        Some(today + Duration::days(365)),
    )
    .await;
    // Published, needs no halal.
    product_in(app, &q1, "32-2", Fashion, Approved, false).await;
    product_in(app, &q1, "32-3", Cosmetics, InReview, false).await;

    // South Kalimantan (63): one registered pesantren, nothing else.
    insert_pesantren(
        app,
        "510063710001",
        "63",
        "6371",
        PesantrenStatus::Registered,
    )
    .await;
}

/// The figures as answered, from counts in the order of the response:
/// pesantren (total, registered, verified, suspended), santri (total,
/// active, alumni, santripreneurs, sociopreneurs), koperasi, products
/// (total, draft, in_review, approved, rejected, unlisted, published,
/// flagship, published_flagship), halal (required, covered).
fn figures(
    pesantren: [u64; 4],
    santri: [u64; 5],
    koperasi: u64,
    products: [u64; 9],
    halal: [u64; 2],
) -> Value {
    let [required, covered] = halal;
    json!({
        "pesantren": {
            "total": pesantren[0],
            "registered": pesantren[1],
            "verified": pesantren[2],
            "suspended": pesantren[3],
        },
        "santri": {
            "total": santri[0],
            "active": santri[1],
            "alumni": santri[2],
            "santripreneurs": santri[3],
            "sociopreneurs": santri[4],
        },
        "koperasi": koperasi,
        "products": {
            "total": products[0],
            "draft": products[1],
            "in_review": products[2],
            "approved": products[3],
            "rejected": products[4],
            "unlisted": products[5],
            "published": products[6],
            "flagship": products[7],
            "published_flagship": products[8],
        },
        "halal": {
            "required": required,
            "covered": covered,
            "ratio": if required == 0 { Value::Null } else { json!(covered as f64 / required as f64) },
        },
    })
}

fn east_java() -> Value {
    figures(
        [4, 1, 2, 1],
        [6, 3, 3, 3, 2],
        3,
        [12, 1, 1, 8, 1, 1, 3, 5, 2],
        [6, 3],
    )
}

fn west_java() -> Value {
    figures(
        [2, 1, 1, 0],
        [2, 1, 1, 1, 0],
        1,
        [3, 0, 1, 2, 0, 0, 2, 1, 1],
        [1, 1],
    )
}

fn south_kalimantan() -> Value {
    figures([1, 1, 0, 0], [0; 5], 0, [0; 9], [0, 0])
}

fn national() -> Value {
    figures(
        [7, 3, 3, 1],
        [8, 4, 4, 4, 2],
        4,
        [15, 1, 2, 10, 1, 1, 5, 6, 3],
        [7, 4],
    )
}

fn with_province(code: &str, figures: Value) -> Value {
    let mut v = figures;
    v["province_code"] = json!(code);
    v["province_name"] = json!(match code {
        "11" => "Aceh",
        "32" => "Jawa Barat",
        "35" => "Jawa Timur",
        "63" => "Kalimantan Selatan",
        _ => panic!("no name for province {code} here"),
    });
    v
}

fn progress(target: u64, achieved: u64) -> Value {
    json!({
        "target": target,
        "achieved": achieved,
        "ratio": if target == 0 { Value::Null } else { json!(achieved as f64 / target as f64) },
    })
}

fn province_progress(code: &str, target: u64, achieved: u64) -> Value {
    let mut v = progress(target, achieved);
    v["province_code"] = json!(code);
    v
}

/// Checks `as_of` against the dates around the request, then drops it so
/// the rest can be compared whole; drops the programme's work of the year
/// too (this data set has none: `tests/tests/programme.rs` counts it),
/// after checking that it is empty and of this year.
fn without_as_of(mut body: Value, before: NaiveDate) -> Value {
    let as_of = body["as_of"].as_str().unwrap().to_string();
    let allowed = [before.to_string(), today().to_string()];
    assert!(allowed.contains(&as_of), "as_of {as_of}, expected today");
    assert_eq!(body["year"], json!(today().year()));
    assert_eq!(body["activities"]["total"], 0);
    assert_eq!(body["participants"]["enrolments"], 0);
    assert_eq!(body["deal_value_idr"]["value"], 0);
    assert_eq!(body["mentoring_sessions"]["value"], 0);
    assert_eq!(body["grants"]["awards"], 0);
    assert_eq!(body["grants"]["by_province"], json!([]));
    assert_eq!(
        body["sociopreneurs"]["value"],
        body["totals"]["santri"]["sociopreneurs"]
    );
    for key in [
        "as_of",
        "year",
        "province_code",
        "activities",
        "participants",
        "deal_value_idr",
        "mentoring_sessions",
        "sociopreneurs",
        "grants",
    ] {
        body.as_object_mut().unwrap().remove(key);
    }
    body
}

/// The targets of [`TARGETS`], as answered.
fn small_targets() -> Value {
    json!({
        "flagship_products": 10,
        "santripreneurs": 8,
        "sociopreneurs": 4,
        "verified_pesantren_per_province": 2,
    })
}

#[tokio::test]
async fn a_national_admin_gets_every_number_by_province_and_in_total() {
    let app = TestApp::spawn_with(TARGETS).await;
    build_data_set(&app).await;
    let admin = app.admin_token().await;
    let before = today();
    let body = app.as_(&admin).get(PATH).expect(200).await;
    assert_eq!(
        without_as_of(body, before),
        json!({
            "targets": small_targets(),
            "totals": national(),
            "provinces": [
                with_province("32", west_java()),
                with_province("35", east_java()),
                with_province("63", south_kalimantan()),
            ],
            "progress": {
                "flagship_products": progress(10, 3),
                "santripreneurs": progress(8, 4),
                "sociopreneurs": progress(4, 2),
                "verified_pesantren": [
                    province_progress("32", 2, 1),
                    province_progress("35", 2, 2),
                    province_progress("63", 2, 0),
                ],
            },
        })
    );
}

#[tokio::test]
async fn a_national_curator_sees_the_same_figures_as_a_national_admin() {
    let app = TestApp::spawn_with(TARGETS).await;
    build_data_set(&app).await;
    let admin = app.admin_token().await;
    let curator = staff(&app, "curator", None).await;
    let before = today();
    let by_admin = without_as_of(app.as_(&admin).get(PATH).expect(200).await, before);
    let by_curator = without_as_of(app.as_(&curator).get(PATH).expect(200).await, before);
    assert_eq!(by_curator, by_admin);
}

#[tokio::test]
async fn a_province_admin_sees_only_its_province_and_totals_equal_to_it() {
    let app = TestApp::spawn_with(TARGETS).await;
    build_data_set(&app).await;
    let admin_35 = staff(&app, "admin", Some("35")).await;
    let before = today();
    let body = without_as_of(app.as_(&admin_35).get(PATH).expect(200).await, before);
    assert_eq!(
        body,
        json!({
            "targets": small_targets(),
            "totals": east_java(),
            "provinces": [with_province("35", east_java())],
            "progress": {
                "flagship_products": progress(10, 2),
                "santripreneurs": progress(8, 3),
                "sociopreneurs": progress(4, 2),
                "verified_pesantren": [province_progress("35", 2, 2)],
            },
        })
    );
}

#[tokio::test]
async fn a_province_curator_sees_only_its_province() {
    let app = TestApp::spawn_with(TARGETS).await;
    build_data_set(&app).await;
    let curator_32 = staff(&app, "curator", Some("32")).await;
    let body = app.as_(&curator_32).get(PATH).expect(200).await;
    assert_eq!(body["totals"], west_java());
    assert_eq!(body["provinces"], json!([with_province("32", west_java())]));
    assert_eq!(
        body["progress"]["verified_pesantren"],
        json!([province_progress("32", 2, 1)])
    );
}

#[tokio::test]
async fn staff_of_a_province_without_records_see_it_with_zeros_and_null_ratios() {
    let app = TestApp::spawn_with(TARGETS).await;
    build_data_set(&app).await;
    let admin_11 = staff(&app, "admin", Some("11")).await;
    let body = app.as_(&admin_11).get(PATH).expect(200).await;
    let zeros = figures([0; 4], [0; 5], 0, [0; 9], [0, 0]);
    assert_eq!(body["totals"], zeros);
    assert_eq!(body["totals"]["halal"]["ratio"], Value::Null);
    assert_eq!(body["provinces"], json!([with_province("11", zeros)]));
    assert_eq!(
        body["progress"]["verified_pesantren"],
        json!([province_progress("11", 2, 0)])
    );
}

#[tokio::test]
async fn targets_come_from_the_configuration() {
    let app = TestApp::spawn_with(&[
        ("OPOP_TARGET_FLAGSHIP_PRODUCTS", "10"),
        ("OPOP_TARGET_SOCIOPRENEURS", "0"),
    ])
    .await;
    build_data_set(&app).await;
    let admin = app.admin_token().await;
    let body = app.as_(&admin).get(PATH).expect(200).await;
    // The two configured, and the defaults for the others.
    assert_eq!(
        body["targets"],
        json!({
            "flagship_products": 10,
            "santripreneurs": 1_000_000,
            "sociopreneurs": 0,
            "verified_pesantren_per_province": 5000,
        })
    );
    // Progress is published flagship products over the target: 3 of 10.
    assert_eq!(body["progress"]["flagship_products"], progress(10, 3));
    assert_eq!(body["progress"]["flagship_products"]["ratio"], json!(0.3));
    assert_eq!(body["progress"]["santripreneurs"], progress(1_000_000, 4));
    // A target of 0 has no ratio.
    assert_eq!(body["progress"]["sociopreneurs"], progress(0, 2));
    assert_eq!(body["progress"]["sociopreneurs"]["ratio"], Value::Null);
    assert_eq!(
        body["progress"]["verified_pesantren"][1],
        province_progress("35", 5000, 2)
    );
}

#[tokio::test]
async fn the_targets_of_a_province_and_year_replace_the_default() {
    let app = TestApp::spawn_with(TARGETS).await;
    build_data_set(&app).await;
    let admin = app.admin_token().await;
    let year = today().year();
    app.as_(&admin)
        .put(
            &format!("/api/v1/targets/35/{year}"),
            &json!({"flagship_products": 5, "verified_pesantren": 3, "sociopreneurs": 8}),
        )
        .expect(201)
        .await;
    // Another year's targets count only for that year.
    app.as_(&admin)
        .put(
            &format!("/api/v1/targets/35/{}", year - 1),
            &json!({"flagship_products": 99}),
        )
        .expect(201)
        .await;

    let east = app
        .as_(&admin)
        .get(&format!("{PATH}?province_code=35"))
        .expect(200)
        .await;
    assert_eq!(east["province_code"], "35");
    assert_eq!(east["totals"], east_java());
    assert_eq!(east["progress"]["flagship_products"], progress(5, 2));
    assert_eq!(east["progress"]["sociopreneurs"], progress(8, 2));
    assert_eq!(east["sociopreneurs"]["target"], 8);
    // Santripreneurs have no target of 35: the deployment's default.
    assert_eq!(east["progress"]["santripreneurs"], progress(8, 3));
    assert_eq!(
        east["progress"]["verified_pesantren"],
        json!([province_progress("35", 3, 2)])
    );
    // Nationally: the provinces' targets added up where any is set, the
    // default per province where none is.
    let all = app.as_(&admin).get(PATH).expect(200).await;
    assert_eq!(all["progress"]["flagship_products"], progress(5, 3));
    assert_eq!(
        all["progress"]["verified_pesantren"][0],
        province_progress("32", 2, 1)
    );
    assert_eq!(
        all["progress"]["verified_pesantren"][1],
        province_progress("35", 3, 2)
    );
    let last_year = app
        .as_(&admin)
        .get(&format!("{PATH}?province_code=35&year={}", year - 1))
        .expect(200)
        .await;
    assert_eq!(last_year["progress"]["flagship_products"], progress(99, 2));

    for (query, field) in [("province_code=99", "province_code"), ("year=1999", "year")] {
        let res = app.as_(&admin).get(&format!("{PATH}?{query}")).await;
        let body = assert_problem(res, 422).await;
        assert_eq!(body["errors"][0]["field"], field);
    }
}

#[tokio::test]
async fn an_empty_programme_has_no_provinces_and_null_halal_ratio() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let body = app.as_(&admin).get(PATH).expect(200).await;
    assert_eq!(body["totals"], figures([0; 4], [0; 5], 0, [0; 9], [0, 0]));
    assert_eq!(body["provinces"], json!([]));
    assert_eq!(body["progress"]["verified_pesantren"], json!([]));
    assert_eq!(body["progress"]["flagship_products"], progress(1000, 0));
}

#[tokio::test]
async fn managers_santri_and_partners_are_refused_and_anonymous_callers_must_log_in() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    for key in ["manager_a", "manager_b", "santri_a", "partner"] {
        let res = app.as_(&world.token(key)).get(PATH).await;
        assert_problem(res, 403).await;
    }
    assert_problem(app.anon().get(PATH).await, 401).await;
    for key in [
        "admin_national",
        "admin_35",
        "curator_32",
        "curator_national",
    ] {
        app.as_(&world.token(key)).get(PATH).expect(200).await;
    }
}
