//! Operations: metrics, security headers, CORS, public rate limits and the
//! request time limit.

use std::time::{Duration, Instant};

use opop_tests::{assert_problem, backend_name, TestApp};
use reqwest::{Method, Response};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::json;
use uuid::Uuid;

const METRICS_TOKEN: &str = "metrics-token-for-the-tests-0123";

fn header(res: &Response, name: &str) -> Option<String> {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

async fn metrics(app: &TestApp) -> String {
    let res = app.as_(METRICS_TOKEN).get("/metrics").await;
    assert_eq!(res.status(), 200);
    assert!(header(&res, "content-type")
        .unwrap_or_default()
        .starts_with("text/plain"));
    res.text().await.unwrap()
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_show_the_pool() {
    let app = TestApp::spawn_with(&[("OPOP_METRICS_TOKEN", METRICS_TOKEN)]).await;
    for _ in 0..3 {
        assert_eq!(
            app.anon().get("/api/v1/catalog/products").await.status(),
            200
        );
    }
    let unknown = Uuid::now_v7();
    let res = app
        .anon()
        .get(&format!("/api/v1/catalog/products/{unknown}"))
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(app.anon().get("/no/such/page").await.status(), 404);

    let text = metrics(&app).await;
    assert!(
        text.contains(
            r#"opop_http_requests_total{method="GET",route="/api/v1/catalog/products",status="200"} 3"#
        ),
        "{text}"
    );
    assert!(
        text.contains(
            r#"opop_http_requests_total{method="GET",route="/api/v1/catalog/products/{id}",status="404"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"opop_http_requests_total{method="GET",route="unmatched",status="404"} 1"#),
        "{text}"
    );
    // Raw paths never become labels.
    assert!(!text.contains(&unknown.to_string()));
    assert!(!text.contains("/no/such/page"));
    assert!(text.contains(
        r#"opop_http_request_duration_seconds_count{method="GET",route="/api/v1/catalog/products"} 3"#
    ));
    assert!(text.contains(
        r#"opop_http_request_duration_seconds_bucket{method="GET",route="/api/v1/catalog/products",le="0.1"}"#
    ));
    // The test harness sets OPOP_DB_MAX_CONNECTIONS=5.
    assert!(text.contains("opop_db_pool_max_connections 5"), "{text}");
    let gauge = |state: &str| -> i64 {
        let prefix = format!("opop_db_pool_connections{{state=\"{state}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {state} gauge in {text}"))
    };
    let (in_use, idle) = (gauge("in_use"), gauge("idle"));
    assert!(in_use >= 0 && idle >= 0 && in_use + idle >= 1 && in_use + idle <= 5);
}

#[tokio::test]
async fn metrics_need_the_token_and_are_off_without_one() {
    let app = TestApp::spawn_with(&[("OPOP_METRICS_TOKEN", METRICS_TOKEN)]).await;
    assert_problem(app.anon().get("/metrics").await, 401).await;
    let res = app
        .as_("metrics-token-for-the-tests-0124")
        .get("/metrics")
        .await;
    assert_problem(res, 401).await;
    // An API token is not a metrics token.
    let admin = app.admin_token().await;
    let res = app.as_(&admin).get("/metrics").await;
    assert_problem(res, 401).await;

    let off = TestApp::spawn().await;
    let res = off.as_(METRICS_TOKEN).get("/metrics").await;
    assert_problem(res, 404).await;
}

fn assert_security_headers(res: &Response, corp: &str) {
    let path = res.url().path().to_string();
    assert_eq!(
        header(res, "x-content-type-options").as_deref(),
        Some("nosniff"),
        "{path}"
    );
    assert_eq!(
        header(res, "x-frame-options").as_deref(),
        Some("DENY"),
        "{path}"
    );
    assert_eq!(
        header(res, "referrer-policy").as_deref(),
        Some("no-referrer"),
        "{path}"
    );
    assert_eq!(
        header(res, "content-security-policy").as_deref(),
        Some("default-src 'none'; frame-ancestors 'none'"),
        "{path}"
    );
    assert_eq!(
        header(res, "cross-origin-resource-policy").as_deref(),
        Some(corp),
        "{path}"
    );
}

#[tokio::test]
async fn every_answer_has_the_security_headers() {
    let app = TestApp::spawn().await;
    let ok = app.anon().get("/health/live").await;
    assert_eq!(ok.status(), 200);
    assert_security_headers(&ok, "same-origin");
    // Only a deployment that is served over TLS may promise it.
    assert!(header(&ok, "strict-transport-security").is_none());

    let missing = app.anon().get("/no/such/page").await;
    assert_security_headers(&missing, "same-origin");
    assert_problem(missing, 404).await;

    let bad = app
        .anon()
        .post_raw(
            "/api/v1/auth/login",
            "application/json",
            b"{not json".to_vec(),
        )
        .await;
    assert_security_headers(&bad, "same-origin");
    assert_problem(bad, 400).await;

    let unauthorised = app.anon().get("/api/v1/users").await;
    assert_security_headers(&unauthorised, "same-origin");
    assert_problem(unauthorised, 401).await;

    // Marketplaces embed product images on their own pages.
    let image = app
        .anon()
        .get(&format!("/api/v1/images/{}", Uuid::now_v7()))
        .await;
    assert_security_headers(&image, "cross-origin");

    // Swagger UI loads its own scripts and styles, nothing from elsewhere.
    let docs = app.anon().get("/docs/").await;
    assert_eq!(docs.status(), 200);
    let csp = header(&docs, "content-security-policy").unwrap_or_default();
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("unsafe-eval") && !csp.contains('*'), "{csp}");
}

#[tokio::test]
async fn strict_transport_security_is_sent_when_configured() {
    let app = TestApp::spawn_with(&[("OPOP_HSTS_MAX_AGE_SECS", "31536000")]).await;
    let res = app.anon().get("/health/live").await;
    assert_eq!(
        header(&res, "strict-transport-security").as_deref(),
        Some("max-age=31536000; includeSubDomains")
    );
}

#[tokio::test]
async fn cors_admits_the_configured_origins_only() {
    let allowed = "https://shop.example.co.id";
    let app = TestApp::spawn_with(&[(
        "OPOP_CORS_ORIGINS",
        "https://admin.opop.example, https://shop.example.co.id",
    )])
    .await;
    let res = app
        .anon()
        .get("/api/v1/catalog/products")
        .header("Origin", allowed)
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        header(&res, "access-control-allow-origin").as_deref(),
        Some(allowed)
    );
    let exposed = header(&res, "access-control-expose-headers").unwrap_or_default();
    assert!(exposed.to_lowercase().contains("x-request-id"), "{exposed}");

    let preflight = app
        .anon()
        .call(Method::OPTIONS, "/api/v1/auth/login", None)
        .header("Origin", allowed)
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type")
        .await;
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        header(&preflight, "access-control-allow-origin").as_deref(),
        Some(allowed)
    );

    for foreign in [
        "https://evil.example",
        "https://shop.example.co.id.evil.example",
    ] {
        let res = app
            .anon()
            .get("/api/v1/catalog/products")
            .header("Origin", foreign)
            .await;
        assert!(
            header(&res, "access-control-allow-origin").is_none(),
            "{foreign} was admitted"
        );
        assert_eq!(
            header(&res, "x-content-type-options").as_deref(),
            Some("nosniff")
        );
        let preflight = app
            .anon()
            .call(Method::OPTIONS, "/api/v1/auth/login", None)
            .header("Origin", foreign)
            .header("Access-Control-Request-Method", "POST")
            .await;
        assert!(header(&preflight, "access-control-allow-origin").is_none());
    }
}

#[tokio::test]
async fn anonymous_public_calls_are_limited_per_address() {
    let app = TestApp::spawn_with(&[
        ("OPOP_PUBLIC_RATE_BURST", "3"),
        ("OPOP_PUBLIC_RATE_PER_MINUTE", "60"),
    ])
    .await;
    for remaining in ["2", "1", "0"] {
        let res = app.anon().get("/api/v1/catalog/products").await;
        assert_eq!(res.status(), 200);
        assert_eq!(header(&res, "ratelimit-limit").as_deref(), Some("3"));
        assert_eq!(
            header(&res, "ratelimit-remaining").as_deref(),
            Some(remaining)
        );
        assert_eq!(header(&res, "ratelimit-policy").as_deref(), Some("3;w=3"));
    }
    // One bucket for the whole public surface: products, one product, images.
    for path in [
        "/api/v1/catalog/products".to_string(),
        format!("/api/v1/catalog/products/{}", Uuid::now_v7()),
        format!("/api/v1/images/{}", Uuid::now_v7()),
    ] {
        let res = app.anon().get(&path).await;
        assert_eq!(header(&res, "retry-after").as_deref(), Some("1"), "{path}");
        assert_eq!(header(&res, "ratelimit-remaining").as_deref(), Some("0"));
        assert!(header(&res, "ratelimit-reset").is_some());
        assert!(header(&res, "x-request-id").is_some());
        let body = assert_problem(res, 429).await;
        assert_eq!(
            body["type"],
            "https://opop.example/problems/too-many-requests"
        );
    }
    // Probes, the rest of the API and the metrics are not metered.
    let health = app.anon().get("/health/live").await;
    assert_eq!(health.status(), 200);
    assert!(header(&health, "ratelimit-limit").is_none());
    let login = app.try_login("nobody@test.opop", "wrong-password-1").await;
    assert_eq!(login.status(), 401);

    // The bucket refills at one call a second.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        app.anon().get("/api/v1/catalog/products").await.status(),
        200
    );
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    let limited = [
        ("OPOP_PUBLIC_RATE_BURST", "1"),
        ("OPOP_PUBLIC_RATE_PER_MINUTE", "1"),
    ];
    let get_from = |app: &TestApp, forwarded: &str| {
        app.anon()
            .get("/api/v1/catalog/products")
            .header("X-Forwarded-For", forwarded)
            .send()
    };

    // Without trusted proxies the header is the client's say-so and ignored:
    // the peer (127.0.0.1) is one caller.
    let app = TestApp::spawn_with(&limited).await;
    assert_eq!(get_from(&app, "203.0.113.1").await.status(), 200);
    assert_eq!(get_from(&app, "203.0.113.2").await.status(), 429);

    // Behind a trusted proxy each forwarded client has its own bucket; the
    // nearest untrusted entry counts, so a client cannot pick its own.
    let mut settings = limited.to_vec();
    settings.push(("OPOP_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"));
    let app = TestApp::spawn_with(&settings).await;
    assert_eq!(get_from(&app, "203.0.113.1").await.status(), 200);
    assert_eq!(get_from(&app, "203.0.113.1").await.status(), 429);
    assert_eq!(get_from(&app, "203.0.113.1, 10.1.2.3").await.status(), 429);
    assert_eq!(
        get_from(&app, "198.51.100.9, 203.0.113.2").await.status(),
        200
    );
    assert_eq!(
        get_from(&app, "198.51.100.10, 203.0.113.2").await.status(),
        429
    );
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_answered_503_and_the_server_goes_on() {
    let app = TestApp::spawn_with(&[("OPOP_REQUEST_TIMEOUT_SECS", "1")]).await;
    let pair = app
        .login_pair(opop_tests::ADMIN_EMAIL, opop_tests::ADMIN_PASSWORD)
        .await;

    // Another session holds the refresh tokens, as a long migration or a
    // stuck batch job would: rotating a token has to wait for it.
    let blocker = app.db.begin().await.unwrap();
    let lock = match backend_name() {
        "postgres" => "LOCK TABLE refresh_tokens IN ACCESS EXCLUSIVE MODE",
        _ => "DELETE FROM refresh_tokens WHERE 1 = 0",
    };
    blocker.execute_unprepared(lock).await.unwrap();

    let started = Instant::now();
    let res = app
        .anon()
        .post(
            "/api/v1/auth/refresh",
            &json!({"refresh_token": pair["refresh_token"]}),
        )
        .await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "answered after {waited:?}"
    );
    assert_eq!(header(&res, "retry-after").as_deref(), Some("1"));
    assert_eq!(
        header(&res, "x-content-type-options").as_deref(),
        Some("nosniff")
    );
    let body = assert_problem(res, 503).await;
    assert_eq!(body["type"], "https://opop.example/problems/timeout");
    blocker.rollback().await.unwrap();

    assert_eq!(app.anon().get("/health/ready").await.status(), 200);
    let res = app.anon().get("/api/v1/catalog/products").await;
    assert_eq!(res.status(), 200);
}
