//! Login, tokens, refresh rotation, deactivation, throttling, and users.

use opop_api::auth::token::{Claims, JwtKeys};
use opop_tests::world::{insert_pesantren, World, PASSWORD};
use opop_tests::{assert_problem, error_fields, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD, JWT_SECRET};
use serde_json::{json, Value};

const ME: &str = "/api/v1/auth/me";

#[tokio::test]
async fn login_answers_a_bearer_pair_and_me_answers_the_caller() {
    let app = TestApp::spawn().await;
    let pair = app.login_pair(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    assert!(pair["refresh_token"].as_str().unwrap().len() >= 40);
    let res = app
        .as_(pair["access_token"].as_str().unwrap())
        .get(ME)
        .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("etag").is_some());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["email"], ADMIN_EMAIL);
    assert_eq!(body["role"], "admin");
    assert!(body.get("password_hash").is_none());
    // Emails are matched case-insensitively.
    app.login(&ADMIN_EMAIL.to_uppercase(), ADMIN_PASSWORD).await;
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_get_the_same_401() {
    let app = TestApp::spawn().await;
    let wrong_password = app.try_login(ADMIN_EMAIL, "not-the-password").await;
    assert_eq!(wrong_password.headers()["www-authenticate"], "Bearer");
    let a = assert_problem(wrong_password, 401).await;
    let b = assert_problem(
        app.try_login("nobody@test.opop", "not-the-password").await,
        401,
    )
    .await;
    assert_eq!(a["detail"], b["detail"]);
    assert_eq!(a["type"], b["type"]);
}

#[tokio::test]
async fn bad_tampered_expired_and_foreign_tokens_are_refused_with_401() {
    let app = TestApp::spawn().await;
    let good = app.admin_token().await;
    let admin_id: uuid::Uuid = app.as_(&good).get(ME).await.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let keys = JwtKeys::new(JWT_SECRET.as_bytes(), 900);
    let now = chrono::Utc::now().timestamp();
    let expired = keys
        .issue_claims(&Claims::new(admin_id, "admin", now - 1000, now - 60))
        .unwrap();
    let other_key = JwtKeys::new(b"some-other-secret-some-other-secret!", 900)
        .issue(admin_id, "admin")
        .unwrap();
    let (head, rest) = good.split_once('.').unwrap();
    let (_, sig) = rest.split_once('.').unwrap();
    let b64 = |s: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    };
    let forged_role = format!(
        "{head}.{}.{sig}",
        b64(
            &json!({"sub": admin_id, "role": "admin", "iat": now, "exp": now + 3600 * 24 * 365})
                .to_string()
        )
    );
    let alg_none = format!(
        "{}.{}.",
        b64(r#"{"alg":"none","typ":"JWT"}"#),
        b64(&json!({"sub": admin_id, "role": "admin", "iat": now, "exp": now + 600}).to_string())
    );
    let no_role = keys
        .issue_claims(&Claims::new(admin_id, "curator", now, now + 600))
        .unwrap();
    let other_audience = keys
        .issue_claims(&Claims {
            aud: "another-service".into(),
            ..Claims::new(admin_id, "admin", now, now + 600)
        })
        .unwrap();
    for (what, token) in [
        ("garbage", "not.a.token".to_string()),
        ("expired", expired),
        ("signed with another key", other_key),
        ("tampered payload", forged_role),
        ("alg none", alg_none),
        ("role that is not the user's", no_role),
        ("for another audience", other_audience),
    ] {
        let res = app.as_(&token).get(ME).await;
        assert_eq!(
            res.headers()
                .get("www-authenticate")
                .map(|v| v.to_str().unwrap()),
            Some("Bearer"),
            "{what}"
        );
        assert_problem(res, 401).await;
    }
    let res = app
        .anon()
        .get(ME)
        .header("Authorization", "Basic abc")
        .await;
    assert_problem(res, 401).await;
    assert_problem(app.anon().get(ME).await, 401).await;
}

#[tokio::test]
async fn a_refresh_token_works_once_and_its_reuse_revokes_the_whole_family() {
    let app = TestApp::spawn().await;
    let first = app.login_pair(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refresh = |t: &Value| json!({"refresh_token": t["refresh_token"]});

    let res = app
        .anon()
        .post("/api/v1/auth/refresh", &refresh(&first))
        .await;
    assert_eq!(res.status(), 200);
    let second: Value = res.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(
        app.as_(second["access_token"].as_str().unwrap())
            .get(ME)
            .await
            .status(),
        200
    );

    // Replaying the spent token is refused and kills the descendant too.
    assert_problem(
        app.anon()
            .post("/api/v1/auth/refresh", &refresh(&first))
            .await,
        401,
    )
    .await;
    assert_problem(
        app.anon()
            .post("/api/v1/auth/refresh", &refresh(&second))
            .await,
        401,
    )
    .await;

    // Another login is another family, unaffected.
    let other = app.login_pair(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(
        app.anon()
            .post("/api/v1/auth/refresh", &refresh(&other))
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn concurrent_uses_of_one_refresh_token_yield_at_most_one_new_pair() {
    let app = TestApp::spawn().await;
    let pair = app.login_pair(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = json!({"refresh_token": pair["refresh_token"]});
    let results = futures_util::future::join_all(
        (0..8).map(|_| app.anon().post("/api/v1/auth/refresh", &body).send()),
    )
    .await;
    let statuses: Vec<u16> = results.iter().map(|r| r.status().as_u16()).collect();
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(ok, 1, "exactly one refresh wins: {statuses:?}");
    for lost in results.into_iter().filter(|r| r.status() != 200) {
        assert_problem(lost, 401).await;
    }
}

#[tokio::test]
async fn logout_revokes_the_refresh_token() {
    let app = TestApp::spawn().await;
    let pair = app.login_pair(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = json!({"refresh_token": pair["refresh_token"]});
    assert_eq!(
        app.anon().post("/api/v1/auth/logout", &body).await.status(),
        204
    );
    assert_problem(app.anon().post("/api/v1/auth/refresh", &body).await, 401).await;
    // Logging out twice is not an error.
    assert_eq!(
        app.anon().post("/api/v1/auth/logout", &body).await.status(),
        204
    );
}

#[tokio::test]
async fn a_deactivated_user_is_refused_at_once_and_can_be_reactivated() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let curator = world.account("curator_35");
    let token = curator.token.clone().unwrap();
    let pair = app.login_pair("curator_35@test.opop", PASSWORD).await;
    let admin = world.token("admin_35");
    let path = format!("/api/v1/users/{}/deactivate", curator.user_id.unwrap());

    // A stale If-Match is refused and changes nothing.
    let res = app
        .as_(&admin)
        .post_empty(&path)
        .header("If-Match", "\"7\"")
        .await;
    assert_problem(res, 412).await;
    assert_eq!(app.as_(&token).get(ME).await.status(), 200);

    let res = app
        .as_(&admin)
        .post_empty(&path)
        .header("If-Match", "\"1\"")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["etag"], "\"2\"");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["is_active"], false);
    assert_eq!(body["version"], 2);

    assert_problem(app.as_(&token).get(ME).await, 401).await;
    assert_problem(
        app.anon()
            .post(
                "/api/v1/auth/refresh",
                &json!({"refresh_token": pair["refresh_token"]}),
            )
            .await,
        401,
    )
    .await;
    assert_problem(app.try_login("curator_35@test.opop", PASSWORD).await, 401).await;

    let res = app
        .as_(&admin)
        .post_empty(&format!(
            "/api/v1/users/{}/activate",
            curator.user_id.unwrap()
        ))
        .await;
    assert_eq!(res.status(), 200);
    app.login("curator_35@test.opop", PASSWORD).await;

    // Nobody deactivates themselves.
    let own = format!(
        "/api/v1/users/{}/deactivate",
        world.account("admin_35").user_id.unwrap()
    );
    assert_problem(app.as_(&admin).post_empty(&own).await, 409).await;
}

#[tokio::test]
async fn repeated_failures_lock_an_email_with_429_and_retry_after_whether_or_not_it_exists() {
    let app = TestApp::spawn_with(&[("OPOP_LOGIN_ACCOUNT_BURST", "3")]).await;
    for email in [ADMIN_EMAIL, "nobody@test.opop"] {
        for _ in 0..3 {
            let res = app.try_login(email, "wrong-password").await;
            assert_eq!(res.status(), 401);
        }
        let res = app.try_login(email, "wrong-password").await;
        let retry: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(retry >= 1);
        assert_problem(res, 429).await;
    }
    // Locked means locked, even with the right password …
    let res = app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_problem(res, 429).await;
}

#[tokio::test]
async fn successful_logins_never_lock_an_account() {
    let app = TestApp::spawn_with(&[("OPOP_LOGIN_ACCOUNT_BURST", "3")]).await;
    // Two failures and a success, again and again: were successes counted
    // with the failures, the second round would meet a locked account; were
    // the failures before a success kept, so would it.
    for _ in 0..4 {
        for _ in 0..2 {
            assert_problem(app.try_login(ADMIN_EMAIL, "wrong-password").await, 401).await;
        }
        app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    }
    app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    // The lock itself still holds: three failures in a row are enough.
    for _ in 0..3 {
        assert_problem(app.try_login(ADMIN_EMAIL, "wrong-password").await, 401).await;
    }
    assert_problem(app.try_login(ADMIN_EMAIL, ADMIN_PASSWORD).await, 429).await;
}

#[tokio::test]
async fn a_manager_of_an_unverified_pesantren_cannot_log_in_until_it_is_verified() {
    let app = TestApp::spawn().await;
    let p = insert_pesantren(
        &app,
        "510035780009",
        "35",
        "3578",
        entity::PesantrenStatus::Registered,
    )
    .await;
    let admin = app.admin_token().await;
    opop_tests::world::create_user(
        &app,
        &admin,
        json!({"email": "m@test.opop", "name": "M", "password": PASSWORD, "role": "pesantren_manager", "pesantren_id": p.id}),
    )
    .await;
    let res = app.try_login("m@test.opop", PASSWORD).await;
    let body = assert_problem(res, 403).await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("not been verified"));
}

#[tokio::test]
async fn a_province_admin_creates_and_sees_users_of_its_own_province_only() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let admin_35 = world.token("admin_35");

    let res = app.as_(&admin_35).post("/api/v1/users", &json!({"email": "c32@test.opop", "name": "C", "password": PASSWORD, "role": "curator", "province_code": "32"})).await;
    assert_problem(res, 403).await;
    let res = app.as_(&admin_35).post("/api/v1/users", &json!({"email": "mb@test.opop", "name": "M", "password": PASSWORD, "role": "pesantren_manager", "pesantren_id": world.pesantren_b.id})).await;
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "pesantren_id");

    // The list holds province 35 only; a user of 32 is not found.
    let list: Value = app
        .as_(&admin_35)
        .get("/api/v1/users?limit=100")
        .await
        .json()
        .await
        .unwrap();
    let provinces: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["province_code"].as_str().unwrap_or("-"))
        .collect();
    assert!(
        !provinces.is_empty() && provinces.iter().all(|p| *p == "35"),
        "{provinces:?}"
    );
    let b_manager = world.account("manager_b").user_id.unwrap();
    let res = app
        .as_(&admin_35)
        .get(&format!("/api/v1/users/{b_manager}"))
        .await;
    assert_problem(res, 404).await;
}

#[tokio::test]
async fn the_user_list_pages_with_a_cursor() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let admin = world.token("admin_national");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/users?limit=3&cursor={c}"),
            None => "/api/v1/users?limit=3".to_string(),
        };
        let page: Value = app.as_(&admin).get(&path).await.json().await.unwrap();
        let data = page["data"].as_array().unwrap();
        assert!(data.len() <= 3);
        seen.extend(data.iter().map(|u| u["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    assert_eq!(
        seen.len(),
        13,
        "1 national admin + 8 people + 3 mentors + the victim"
    );
    assert_problem(app.as_(&admin).get("/api/v1/users?limit=0").await, 422).await;
    assert_problem(app.as_(&admin).get("/api/v1/users?cursor=zzz").await, 400).await;
}

#[tokio::test]
async fn new_users_are_validated_field_by_field_and_emails_are_unique() {
    let app = TestApp::spawn().await;
    let admin = app.admin_token().await;
    let res = app.as_(&admin).post("/api/v1/users", &json!({"email": "not-an-email", "name": "", "password": "short", "role": "curator", "province_code": "99"})).await;
    let body = assert_problem(res, 422).await;
    let fields = error_fields(&body);
    assert_eq!(fields, ["email", "name", "password", "province_code"]);

    let ok =
        json!({"email": "Dup@Test.opop", "name": "A", "password": PASSWORD, "role": "curator"});
    assert_eq!(
        app.as_(&admin).post("/api/v1/users", &ok).await.status(),
        201
    );
    let again =
        json!({"email": "dup@test.opop", "name": "B", "password": PASSWORD, "role": "curator"});
    assert_problem(app.as_(&admin).post("/api/v1/users", &again).await, 409).await;
}

#[tokio::test]
async fn partner_secrets_are_shown_once_and_never_stored_or_audited_in_clear() {
    let app = TestApp::spawn().await;
    let world = World::build(&app).await;
    let partners: Value = app
        .as_(&world.token("admin_national"))
        .get("/api/v1/partners")
        .await
        .json()
        .await
        .unwrap();
    let listed = partners["data"][0].to_string();
    assert!(!listed.contains(&world.partner_secret));
    assert!(partners["data"][0].get("client_secret").is_none());

    use sea_orm::EntityTrait;
    let rows = entity::audit_log::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let trail =
        serde_json::to_string(&rows.iter().map(|r| r.changes.clone()).collect::<Vec<_>>()).unwrap();
    assert!(!trail.contains(&world.partner_secret));
    assert!(!trail.contains(PASSWORD));
    assert!(!trail.contains(ADMIN_PASSWORD));
    let stored = entity::partners::Entity::find().all(&app.db).await.unwrap();
    assert!(stored
        .iter()
        .all(|p| p.client_secret_hash.starts_with("$argon2id$")));
    let tokens = entity::refresh_tokens::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    assert!(tokens.iter().all(|t| t.token_hash.len() == 64));

    // A wrong secret is a 401; a partner cannot reach user administration.
    let res = app
        .anon()
        .post(
            "/api/v1/auth/token",
            &json!({"client_id": world.partner_client_id, "client_secret": "wrong"}),
        )
        .await;
    assert_problem(res, 401).await;
    let res = app.as_(&world.token("partner")).get("/api/v1/users").await;
    assert_problem(res, 403).await;
}

#[tokio::test]
async fn bodies_that_are_not_json_wrong_shapes_and_oversize_bodies_are_problems() {
    let app = TestApp::spawn_with(&[("OPOP_BODY_LIMIT", "4096")]).await;
    let res = app
        .anon()
        .post_raw(
            "/api/v1/auth/login",
            "application/json",
            b"{\"email\": ".to_vec(),
        )
        .await;
    let body = assert_problem(res, 400).await;
    assert!(body["detail"].as_str().unwrap().contains("not valid JSON"));

    let res = app
        .anon()
        .post_raw(
            "/api/v1/auth/login",
            "application/json",
            br#"{"email": 5}"#.to_vec(),
        )
        .await;
    let body = assert_problem(res, 422).await;
    assert!(body["errors"].is_array());

    let res = app
        .anon()
        .post_raw(
            "/api/v1/auth/login",
            "application/json",
            br#"{"email": "a@b.id"}"#.to_vec(),
        )
        .await;
    let body = assert_problem(res, 422).await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert_eq!(body["errors"][0]["code"], "required");

    let big = format!(r#"{{"email": "{}", "password": "x"}}"#, "a".repeat(10_000));
    let res = app
        .anon()
        .post_raw("/api/v1/auth/login", "application/json", big.into_bytes())
        .await;
    assert_problem(res, 413).await;

    // The content type is not insisted on (phone clients forget it); a body
    // that is not JSON is a 400 whatever it claims to be.
    let res = app
        .anon()
        .post_raw("/api/v1/auth/login", "text/plain", b"hello".to_vec())
        .await;
    assert_problem(res, 400).await;

    let res = app
        .as_(&app.admin_token().await)
        .get("/api/v1/users/not-a-uuid")
        .await;
    assert_problem(res, 400).await;
}
