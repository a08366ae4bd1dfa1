//! The pesantren register and online registration.

use entity::PesantrenStatus;
use opop_tests::world::{insert_pesantren, World, PASSWORD};
use opop_tests::{assert_problem, error_fields, urlencode, TestApp};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

fn input(nspp: &str, name: &str) -> Value {
    json!({
        "nspp": nspp,
        "name": name,
        "province_code": "35",
        "regency_code": "3578",
        "district_code": "357801",
        "address": "Jl. Raya Sidogiri 1, Pasuruan",
        "leader_name": "KH. Fuad Noerhasan",
        "phone": "0812-3456-7890",
        "email": "Info@Sidogiri.example",
        "website": "https://sidogiri.example",
        "description": "Pesantren salaf",
    })
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    app.as_(token)
        .post("/api/v1/pesantren", &body)
        .expect(201)
        .await
}

pub(crate) fn registration(nspp: &str, email: &str) -> Value {
    json!({
        "pesantren": input(nspp, "Pondok Pesantren Nurul Jadid"),
        "manager": {"email": email, "name": "Ahmad Syaifuddin", "password": "kata-sandi-panjang"},
    })
}

#[tokio::test]
async fn an_admin_creates_a_pesantren_with_normalised_contacts_and_an_etag() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app
        .as_(&admin)
        .post(
            "/api/v1/pesantren",
            &input("510035780101", "Pondok Pesantren Sidogiri"),
        )
        .await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["etag"], "\"1\"");
    let location = res.headers()["location"].to_str().unwrap().to_string();
    let p: Value = res.json().await.unwrap();
    assert_eq!(p["phone"], "+6281234567890");
    assert_eq!(p["email"], "info@sidogiri.example");
    assert_eq!(p["status"], "registered");
    assert_eq!(p["version"], 1);
    assert_eq!(
        location,
        format!("/api/v1/pesantren/{}", p["id"].as_str().unwrap())
    );
    let read: Value = app.as_(&admin).get(&location).await.json().await.unwrap();
    assert_eq!(read, p);
}

#[tokio::test]
async fn a_duplicate_nspp_is_a_409_that_says_so() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    create(
        &app,
        &admin,
        input("510035780101", "Pondok Pesantren Sidogiri"),
    )
    .await;
    let res = app
        .as_(&admin)
        .post("/api/v1/pesantren", &input("510035780101", "Another"))
        .await;
    let body = assert_problem(res, 409).await;
    assert!(body["detail"].as_str().unwrap().contains("NSPP"), "{body}");
}

#[tokio::test]
async fn every_invalid_field_is_reported_at_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let bad = json!({
        "nspp": "12345",
        "name": "X",
        "province_code": "37",
        "regency_code": "3570",
        "district_code": "3578",
        "address": "Jl",
        "leader_name": "",
        "phone": "+44 7700 900123",
        "email": "not-an-email",
        "website": "not a url",
    });
    let body = assert_problem(app.as_(&admin).post("/api/v1/pesantren", &bad).await, 422).await;
    let fields = error_fields(&body);
    for f in [
        "address",
        "district_code",
        "email",
        "leader_name",
        "name",
        "nspp",
        "phone",
        "province_code",
        "regency_code",
        "website",
    ] {
        assert!(fields.contains(&f), "{f} missing from {fields:?}");
    }

    // Codes that are each valid but do not nest.
    let mut wrong_parent = input("510035780102", "Pondok Pesantren Al-Amien");
    wrong_parent["regency_code"] = json!("3273");
    wrong_parent["district_code"] = json!("327301");
    let body = assert_problem(
        app.as_(&admin)
            .post("/api/v1/pesantren", &wrong_parent)
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "regency_code");
    assert_eq!(body["errors"][0]["code"], "parent");
    let mut wrong_district = input("510035780103", "Pondok Pesantren Al-Amien");
    wrong_district["district_code"] = json!("352601");
    let body = assert_problem(
        app.as_(&admin)
            .post("/api/v1/pesantren", &wrong_district)
            .await,
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "district_code");
    assert_eq!(body["errors"][0]["code"], "parent");
}

#[tokio::test]
async fn messages_come_in_indonesian_when_asked() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let mut bad = input("123", "Pondok Pesantren Sidogiri");
    bad["regency_code"] = json!("3273");
    let res = app
        .as_(&admin)
        .post("/api/v1/pesantren", &bad)
        .header("Accept-Language", "id-ID,id;q=0.9,en;q=0.5")
        .await;
    let body = assert_problem(res, 422).await;
    let messages: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        messages.contains(&"harus berupa NSPP Kemenag 12 digit"),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"harus diawali kode provinsi 35"),
        "{messages:?}"
    );
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("isian tidak lolos validasi"));
}

#[tokio::test]
async fn online_registration_creates_a_pesantren_whose_manager_logs_in_after_verification() {
    let app = TestApp::spawn().await;
    let res = app
        .anon()
        .post(
            "/api/v1/registrations",
            &registration("510035780201", "Pengurus@NurulJadid.example"),
        )
        .await;
    assert_eq!(res.status(), 201);
    let reg: Value = res.json().await.unwrap();
    assert_eq!(reg["pesantren"]["status"], "registered");
    assert_eq!(reg["manager"]["role"], "pesantren_manager");
    assert_eq!(reg["manager"]["province_code"], "35");
    assert_eq!(reg["manager"]["pesantren_id"], reg["pesantren"]["id"]);
    assert!(reg["manager"].get("password_hash").is_none());

    let (email, password) = ("pengurus@nuruljadid.example", "kata-sandi-panjang");
    assert_problem(app.try_login(email, password).await, 403).await;

    // Not visible to the public before verification.
    let id = reg["pesantren"]["id"].as_str().unwrap();
    assert_problem(
        app.anon().get(&format!("/api/v1/pesantren/{id}")).await,
        404,
    )
    .await;

    let world = World::build(&app).await;
    // A curator may not verify; an admin of another province does not see it.
    assert_problem(
        app.as_(&world.token("curator_35"))
            .post_empty(&format!("/api/v1/pesantren/{id}/verify"))
            .await,
        403,
    )
    .await;
    assert_problem(
        app.as_(&world.token("admin_32"))
            .post_empty(&format!("/api/v1/pesantren/{id}/verify"))
            .await,
        404,
    )
    .await;
    let res = app
        .as_(&world.token("admin_35"))
        .post_empty(&format!("/api/v1/pesantren/{id}/verify"))
        .await;
    assert_eq!(res.status(), 200);
    let verified: Value = res.json().await.unwrap();
    assert_eq!(verified["status"], "verified");
    assert!(verified["verified_at"].is_string());

    let token = app.login(email, password).await;
    let own: Value = app
        .as_(&token)
        .get(&format!("/api/v1/pesantren/{id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        own["nspp"], "510035780201",
        "the manager sees the full record"
    );
}

#[tokio::test]
async fn registration_reports_nested_fields_and_duplicates() {
    let app = TestApp::spawn().await;
    let mut bad = registration("1", "not-an-email");
    bad["manager"]["password"] = json!("short");
    let body = assert_problem(app.anon().post("/api/v1/registrations", &bad).await, 422).await;
    let fields = error_fields(&body);
    assert_eq!(
        fields,
        ["manager.email", "manager.password", "pesantren.nspp"]
    );

    assert_eq!(
        app.anon()
            .post(
                "/api/v1/registrations",
                &registration("510035780301", "a@x.example")
            )
            .await
            .status(),
        201
    );
    let body = assert_problem(
        app.anon()
            .post(
                "/api/v1/registrations",
                &registration("510035780301", "b@x.example"),
            )
            .await,
        409,
    )
    .await;
    assert!(body["detail"].as_str().unwrap().contains("NSPP"));
    // Nothing of the refused registration was kept. (An email that has an
    // account is not refused: see security.rs.)
    let count = entity::pesantren::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .len();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn registrations_are_throttled_per_address() {
    let app = TestApp::spawn_with(&[("OPOP_REGISTRATION_BURST", "2")]).await;
    for i in 0..2 {
        let res = app
            .anon()
            .post(
                "/api/v1/registrations",
                &registration(&format!("51003578040{i}"), &format!("r{i}@x.example")),
            )
            .await;
        assert_eq!(res.status(), 201);
    }
    let res = app
        .anon()
        .post(
            "/api/v1/registrations",
            &registration("510035780409", "r9@x.example"),
        )
        .await;
    assert!(res.headers().get("retry-after").is_some());
    assert_problem(res, 429).await;
}

#[tokio::test]
async fn the_public_sees_verified_pesantren_through_public_fields_only() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    insert_pesantren(
        &app,
        "510035789999",
        "35",
        "3578",
        PesantrenStatus::Registered,
    )
    .await;
    let a = world.pesantren_a.id;
    let res = app.anon().get(&format!("/api/v1/pesantren/{a}")).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("etag").is_none());
    let public: Value = res.json().await.unwrap();
    let mut keys: Vec<&str> = public
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "address",
            "district_code",
            "district_name",
            "id",
            "leader_name",
            "name",
            "province_code",
            "province_name",
            "regency_code",
            "regency_name"
        ]
    );

    let list: Value = app
        .anon()
        .get("/api/v1/pesantren?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let data = list["data"].as_array().unwrap();
    assert_eq!(data.len(), 2, "the two verified ones only");
    assert!(data
        .iter()
        .all(|p| p.get("phone").is_none() && p.get("nspp").is_none()));

    // Staff see their scope in full, all statuses; `public=true` gives the directory.
    let staff: Value = app
        .as_(&world.token("admin_35"))
        .get("/api/v1/pesantren?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let staff = staff["data"].as_array().unwrap();
    assert_eq!(staff.len(), 2, "A and the registered one in 35");
    assert!(staff
        .iter()
        .all(|p| p["province_code"] == "35" && p["nspp"].is_string()));
    let dir: Value = app
        .as_(&world.token("admin_35"))
        .get("/api/v1/pesantren?public=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(dir["data"].as_array().unwrap().len(), 2);
    let mine: Value = app
        .as_(&world.token("manager_a"))
        .get("/api/v1/pesantren")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["data"].as_array().unwrap().len(), 1);
    assert_eq!(mine["data"][0]["id"], a.to_string());
}

#[tokio::test]
async fn lists_filter_by_region_status_and_name() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let admin = world.token("admin_national");
    let count = |v: Value| v["data"].as_array().unwrap().len();
    for (query, n) in [
        ("province_code=32", 1),
        ("regency_code=3578", 1),
        ("status=registered", 0),
        ("status=verified", 2),
        ("q=510032730001", 1),
    ] {
        let page: Value = app
            .as_(&admin)
            .get(&format!("/api/v1/pesantren?{query}"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(count(page), n, "{query}");
    }
    assert_problem(
        app.as_(&admin).get("/api/v1/pesantren?status=closed").await,
        400,
    )
    .await;
}

#[tokio::test]
async fn arabic_and_accented_names_round_trip_exactly_and_are_found_by_q() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let names = [
        "Pondok Pesantren Miftāḥul Hudā",
        "معهد دَارُ السَّلَام الإسلامي",
        "Pondok Pesantren Al-Ikhlâs",
    ];
    for (i, name) in names.iter().enumerate() {
        let created = create(&app, &admin, input(&format!("51003578050{i}"), name)).await;
        assert_eq!(created["name"], *name);
        let read: Value = app
            .as_(&admin)
            .get(&format!(
                "/api/v1/pesantren/{}",
                created["id"].as_str().unwrap()
            ))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(read["name"], *name);
    }
    for (q, expected) in [
        ("miftahul", names[0]),
        ("HUDA", names[0]),
        ("ḥudā", names[0]),
        ("دار السلام", names[1]),
        ("ikhlas", names[2]),
    ] {
        let url = format!("/api/v1/pesantren?q={}", urlencode(q));
        let found: Value = app.as_(&admin).get(&url).await.json().await.unwrap();
        let hits: Vec<&str> = found["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(hits, [expected], "q={q}");
    }
    // Wildcards in q are literal.
    let found: Value = app
        .as_(&admin)
        .get("/api/v1/pesantren?q=%25")
        .await
        .json()
        .await
        .unwrap();
    assert!(found["data"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn managers_edit_their_own_profile_but_not_its_identity_and_never_another() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a = &world.pesantren_a;
    let path = format!("/api/v1/pesantren/{}", a.id);
    let mut body = json!({
        "nspp": a.nspp, "name": "Pondok Pesantren A Baru", "province_code": "35", "regency_code": "3578",
        "address": "Jl. Baru 2", "leader_name": "KH. Baru", "phone": "+6281111111111",
    });
    let res = app.as_(&world.token("manager_a")).put(&path, &body).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");

    body["regency_code"] = json!("3526");
    assert_problem(
        app.as_(&world.token("manager_a")).put(&path, &body).await,
        403,
    )
    .await;
    assert_problem(
        app.as_(&world.token("manager_b")).put(&path, &body).await,
        404,
    )
    .await;
    assert_problem(
        app.as_(&world.token("curator_35")).put(&path, &body).await,
        403,
    )
    .await;
    assert_problem(
        app.as_(&world.token("partner")).put(&path, &body).await,
        403,
    )
    .await;
    assert_problem(app.anon().put(&path, &body).await, 401).await;
}

#[tokio::test]
async fn a_stale_if_match_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a = &world.pesantren_a;
    let path = format!("/api/v1/pesantren/{}", a.id);
    let body = json!({
        "nspp": a.nspp, "name": "Lost Update", "province_code": "35", "regency_code": "3578",
        "address": "Jl. Baru 2", "leader_name": "KH. Baru", "phone": "+6281111111111",
    });
    let admin = world.token("admin_35");
    let first = app
        .as_(&admin)
        .put(&path, &body)
        .header("If-Match", "\"1\"")
        .await;
    assert_eq!(first.status(), 200);
    let mut second_body = body.clone();
    second_body["name"] = json!("Second writer");
    let second = app
        .as_(&admin)
        .put(&path, &second_body)
        .header("If-Match", "\"1\"")
        .await;
    assert_problem(second, 412).await;
    let now: Value = app.as_(&admin).get(&path).await.json().await.unwrap();
    assert_eq!(now["name"], "Lost Update");
    assert_eq!(now["version"], 2);
}

#[tokio::test]
async fn concurrent_writers_with_the_same_version_cannot_both_win() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a = &world.pesantren_a;
    let path = format!("/api/v1/pesantren/{}", a.id);
    let admin = world.token("admin_35");
    let bodies: Vec<Value> = (0..6)
        .map(|i| json!({
            "nspp": a.nspp, "name": format!("Writer {i}"), "province_code": "35", "regency_code": "3578",
            "address": "Jl. Baru 2", "leader_name": "KH. Baru", "phone": "+6281111111111",
        }))
        .collect();
    let results = futures_util::future::join_all(bodies.iter().map(|b| {
        app.as_(&admin)
            .put(&path, b)
            .header("If-Match", "\"1\"")
            .send()
    }))
    .await;
    let ok = results.iter().filter(|r| r.status() == 200).count();
    assert_eq!(ok, 1);
}

#[tokio::test]
async fn moving_a_pesantren_to_another_province_moves_its_records_with_it() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a = &world.pesantren_a;
    let path = format!("/api/v1/pesantren/{}", a.id);
    let body = json!({
        "nspp": a.nspp, "name": a.name, "province_code": "32", "regency_code": "3273",
        "address": a.address, "leader_name": a.leader_name, "phone": a.phone,
    });
    // A province admin cannot move it out of its province.
    assert_problem(
        app.as_(&world.token("admin_35")).put(&path, &body).await,
        403,
    )
    .await;
    assert_eq!(
        app.as_(&world.token("admin_national"))
            .put(&path, &body)
            .await
            .status(),
        200
    );
    let santri = entity::santri::Entity::find_by_id(world.santri_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(santri.province_code, "32");
    let koperasi = entity::koperasi::Entity::find_by_id(world.koperasi_a.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(koperasi.province_code, "32");
    let manager = entity::users::Entity::find_by_id(world.account("manager_a").user_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(manager.province_code.as_deref(), Some("32"));
    // The admin of 32 now sees it in full; the admin of 35 only publicly.
    let full: Value = app
        .as_(&world.token("admin_32"))
        .get(&path)
        .await
        .json()
        .await
        .unwrap();
    assert!(full["nspp"].is_string());
    let public: Value = app
        .as_(&world.token("admin_35"))
        .get(&path)
        .await
        .json()
        .await
        .unwrap();
    assert!(public.get("nspp").is_none());
}

#[tokio::test]
async fn suspension_and_verification_follow_the_allowed_transitions_and_are_audited() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let a = world.pesantren_a.id;
    let admin = world.token("admin_35");
    let verify = format!("/api/v1/pesantren/{a}/verify");
    let suspend = format!("/api/v1/pesantren/{a}/suspend");
    let body = assert_problem(app.as_(&admin).post_empty(&verify).await, 409).await;
    assert!(
        body["detail"].as_str().unwrap().contains("`verified`"),
        "{body}"
    );
    let res = app
        .as_(&admin)
        .post(&suspend, &json!({"reason": "Data tidak valid"}))
        .await;
    assert_eq!(res.status(), 200);
    assert_problem(app.as_(&admin).post_empty(&suspend).await, 409).await;
    let bad = app
        .as_(&admin)
        .post_raw(&suspend, "application/json", "{oops")
        .await;
    assert_problem(bad, 400).await;

    // Suspended: gone from the public, and its manager cannot log in.
    assert_problem(app.anon().get(&format!("/api/v1/pesantren/{a}")).await, 404).await;
    let login = app.try_login("manager_a@test.opop", PASSWORD).await;
    assert_problem(login, 403).await;

    assert_eq!(app.as_(&admin).post_empty(&verify).await.status(), 200);
    use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};
    let trail = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::ResourceId.eq(a))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.db)
        .await
        .unwrap();
    let actions: Vec<&str> = trail.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["suspend", "verify"]);
    assert_eq!(
        trail[0].changes["status"],
        json!({"from": "verified", "to": "suspended"})
    );
    assert_eq!(trail[0].changes["reason"], "Data tidak valid");
    assert_eq!(trail[0].actor_id, world.account("admin_35").user_id);
}
