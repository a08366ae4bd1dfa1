//! Regions: Kemendagri's provinces, regencies and districts, and every
//! region code the API takes checked against them.

use chrono::{Datelike, Duration, Utc};
use entity::{pesantren, PesantrenStatus, ProductCategory};
use opop_tests::world::{insert_pesantren, World};
use opop_tests::{assert_problem, field_errors, TestApp};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

fn codes(page: &Value) -> Vec<&str> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_38_provinces_then_their_regencies_then_their_districts() {
    let app = TestApp::spawn().await;
    let res = app.anon().get("/api/v1/regions").await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "public, max-age=86400");
    let provinces: Value = res.json().await.unwrap();
    let list = codes(&provinces);
    assert_eq!(list.len(), 38);
    assert!(provinces["next_cursor"].is_null());
    assert_eq!(list.first(), Some(&"11"));
    assert_eq!(list.last(), Some(&"96"));
    let mut sorted = list.clone();
    sorted.sort_unstable();
    assert_eq!(list, sorted, "ordered by code");
    assert_eq!(
        provinces["data"][14],
        json!({"code": "35", "name": "Jawa Timur", "level": "province", "parent": null})
    );

    // Jawa Timur: 29 regencies (01-29) and 9 cities (71-79).
    let east_java = app.anon().get("/api/v1/regions?parent=35").ok().await;
    let list = codes(&east_java);
    assert_eq!(list.len(), 38);
    assert_eq!(list.iter().filter(|c| c[2..] < *"70").count(), 29);
    assert!(list.iter().all(|c| c.len() == 4 && c.starts_with("35")));
    assert!(east_java["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["level"] == "regency" && r["parent"] == "35"));

    // Surabaya's 31 districts.
    let surabaya = app.anon().get("/api/v1/regions?parent=3578").ok().await;
    let list = codes(&surabaya);
    assert_eq!(list.len(), 31);
    assert_eq!(list[0], "357801");
    assert_eq!(surabaya["data"][0]["level"], "district");
    assert_eq!(surabaya["data"][0]["parent"], "3578");

    // Pages: the cursor follows on by code.
    let first = app
        .anon()
        .get("/api/v1/regions?parent=3578&limit=20")
        .ok()
        .await;
    assert_eq!(codes(&first).len(), 20);
    let cursor = first["next_cursor"].as_str().unwrap();
    let rest = app
        .anon()
        .get(&format!(
            "/api/v1/regions?parent=3578&limit=20&cursor={cursor}"
        ))
        .ok()
        .await;
    assert_eq!(codes(&rest).len(), 11);
    assert!(rest["next_cursor"].is_null());
    let mut both = codes(&first);
    both.extend(codes(&rest));
    assert_eq!(both, codes(&surabaya));
}

#[tokio::test]
async fn one_region_by_code_or_a_404() {
    let app = TestApp::spawn().await;
    let res = app.anon().get("/api/v1/regions/3578").await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("cache-control").is_some());
    let surabaya: Value = res.json().await.unwrap();
    assert_eq!(
        surabaya,
        json!({"code": "3578", "name": "Kota Surabaya", "level": "regency", "parent": "35"})
    );
    let district = app.anon().get("/api/v1/regions/357801").ok().await;
    assert_eq!(district["level"], "district");
    assert_eq!(district["parent"], "3578");
    let province = app.anon().get("/api/v1/regions/63").ok().await;
    assert_eq!(province["name"], "Kalimantan Selatan");
    assert!(province["parent"].is_null());

    for missing in ["3569", "37", "35.78", "abc", "3578011001"] {
        let body = assert_problem(
            app.anon().get(&format!("/api/v1/regions/{missing}")).await,
            404,
        )
        .await;
        assert_eq!(body["code"], "region.not_found", "{missing}");
    }
}

#[tokio::test]
async fn a_parent_that_is_no_province_or_regency_is_a_422_naming_it() {
    let app = TestApp::spawn().await;
    // Malformed, unknown, and a district (whose villages are not kept).
    for parent in ["3", "abc", "37", "3569", "357801"] {
        let errors = field_errors(
            app.anon()
                .get(&format!("/api/v1/regions?parent={parent}"))
                .await,
        )
        .await;
        assert_eq!(errors, [("parent".into(), "format".into())], "{parent}");
    }
    let errors = field_errors(app.anon().get("/api/v1/regions?limit=101").await).await;
    assert_eq!(errors, [("limit".into(), "range".into())]);
    let body = assert_problem(app.anon().get("/api/v1/regions?cursor=%25%25").await, 400).await;
    assert_eq!(body["code"], "cursor.invalid");
}

fn registration(regency: &str, district: &str) -> Value {
    json!({
        "pesantren": {
            "nspp": "510035780777",
            "name": "Pondok Pesantren Nurul Jadid",
            "province_code": "35",
            "regency_code": regency,
            "district_code": district,
            "address": "Jl. KH. Zaini Mun'im, Paiton, Probolinggo",
            "leader_name": "KH. Muhammad Romzi Zaini",
            "phone": "081234567890",
        },
        "manager": {"email": "pengurus@nj.example", "name": "Ahmad", "password": "kata-sandi-panjang"},
    })
}

#[tokio::test]
async fn registrations_name_regions_that_exist_and_nest() {
    let app = TestApp::spawn().await;
    // Well formed, but Jawa Timur has no regency 69.
    let res = app
        .anon()
        .post("/api/v1/registrations", &registration("3569", "356901"))
        .await;
    let body = assert_problem(res, 422).await;
    let regency = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "pesantren.regency_code")
        .unwrap_or_else(|| panic!("no error on the regency: {body}"));
    assert_eq!(regency["code"], "format");
    assert!(regency["message"].as_str().unwrap().contains("Kemendagri"));

    // A real district, of Sidoarjo (3515), not of Probolinggo (3513).
    let errors = field_errors(
        app.anon()
            .post("/api/v1/registrations", &registration("3513", "351501"))
            .await,
    )
    .await;
    assert_eq!(
        errors,
        [("pesantren.district_code".into(), "parent".into())]
    );
    // A district number Probolinggo does not have.
    let errors = field_errors(
        app.anon()
            .post("/api/v1/registrations", &registration("3513", "351399"))
            .await,
    )
    .await;
    assert_eq!(
        errors,
        [("pesantren.district_code".into(), "format".into())]
    );

    // Paiton, Probolinggo: accepted, and answered with the names.
    let created = app
        .anon()
        .post("/api/v1/registrations", &registration("3513", "351312"))
        .expect(201)
        .await;
    let p = &created["pesantren"];
    assert_eq!(p["province_name"], "Jawa Timur", "{created}");
    assert_eq!(p["regency_name"], "Kabupaten Probolinggo");
    assert_eq!(p["district_name"], "Paiton");
}

#[tokio::test]
async fn a_santri_nik_must_start_with_a_district() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let path = format!("/api/v1/pesantren/{}/santri", w.pesantren_a.id);
    // Surabaya (3578) has 31 districts: 357899 is none of them. A man born
    // on 1 January 2000, otherwise valid.
    let res = app
        .as_(&w.token("manager_a"))
        .post(
            &path,
            &json!({"name": "Ahmad", "nik": "3578990101000001", "gender": "L",
                    "birth_date": "2000-01-01"}),
        )
        .await;
    let text = res.text().await.unwrap();
    assert!(!text.contains("3578990101000001"), "the NIK echoed: {text}");
    let body: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(body["status"], 422);
    assert_eq!(body["errors"][0]["field"], "nik");
    assert_eq!(body["errors"][0]["code"], "format");
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("district"));
    // Karang Pilang, Surabaya (357801): accepted.
    app.as_(&w.token("manager_a"))
        .post(
            &path,
            &json!({"name": "Ahmad", "nik": "3578010101000001", "gender": "L",
                    "birth_date": "2000-01-01"}),
        )
        .expect(201)
        .await;
}

#[tokio::test]
async fn activities_take_only_regencies_that_exist() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let start = Utc::now().date_naive().with_ordinal(1).unwrap() + Duration::days(200);
    let body = |regency: &str| {
        json!({"kind": "training", "province_code": "35", "regency_code": regency,
               "title": "Pelatihan", "starts_on": start, "ends_on": start,
               "location": "Surabaya"})
    };
    let errors = field_errors(
        app.as_(&w.token("admin_35"))
            .post("/api/v1/activities", &body("3569"))
            .await,
    )
    .await;
    assert_eq!(errors, [("regency_code".into(), "format".into())]);
    app.as_(&w.token("admin_35"))
        .post("/api/v1/activities", &body("3578"))
        .expect(201)
        .await;
}

#[tokio::test]
async fn the_catalogue_and_profiles_answer_region_names() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let product =
        opop_tests::catalogue::publish(&app, &w.pesantren_a, "REG-1", ProductCategory::Craft).await;
    let p = app
        .anon()
        .get(&format!("/api/v1/catalog/products/{}", product.id))
        .ok()
        .await;
    assert_eq!(p["pesantren"]["province_code"], "35");
    assert_eq!(p["pesantren"]["province_name"], "Jawa Timur");
    assert_eq!(p["pesantren"]["regency_name"], "Kota Surabaya");

    let profile = app
        .anon()
        .get(&format!("/api/v1/pesantren/{}", w.pesantren_a.id))
        .ok()
        .await;
    assert_eq!(profile["province_name"], "Jawa Timur");
    assert_eq!(profile["regency_name"], "Kota Surabaya");
    assert!(profile["district_name"].is_null(), "no district: {profile}");

    let overview = app
        .as_(&w.token("admin_national"))
        .get("/api/v1/stats/overview")
        .ok()
        .await;
    let rows = overview["provinces"].as_array().unwrap();
    let east_java = rows.iter().find(|r| r["province_code"] == "35").unwrap();
    assert_eq!(east_java["province_name"], "Jawa Timur");
}

#[tokio::test]
async fn rows_with_codes_the_data_set_lacks_are_kept_as_they_are() {
    let app = TestApp::spawn().await;
    // Written before regions were checked: a regency Jawa Timur lacks.
    let old = insert_pesantren(
        &app,
        "510035690001",
        "35",
        "3569",
        PesantrenStatus::Verified,
    )
    .await;
    // A restart reports it (a warning in the log) and changes nothing.
    let database = app.stop().await;
    let app = TestApp::spawn_on(database, &[]).await;
    let row = pesantren::Entity::find_by_id(old.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row, old);
    let profile = app
        .anon()
        .get(&format!("/api/v1/pesantren/{}", old.id))
        .ok()
        .await;
    assert_eq!(profile["regency_code"], "3569");
    assert!(profile["regency_name"].is_null());
    assert_eq!(profile["province_name"], "Jawa Timur");
}
