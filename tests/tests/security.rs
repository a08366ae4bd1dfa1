//! Findings of the security review (issue 17), each with the attack that
//! worked before and must fail now.

use opop_tests::world::World;
use opop_tests::{assert_problem, TestApp};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Finding 8: a suspended pesantren's manager kept reading and writing
/// santri with the token they held. The principal now reads the account
/// and its pesantren together on every request.
#[tokio::test]
async fn suspending_a_pesantren_ends_its_people_s_sessions_at_once() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let santri = w.token("santri_a");
    let own = format!("/api/v1/santri/{}", w.santri_a.id);
    app.as_(&manager).get(&own).ok().await;
    app.as_(&santri).get(&own).ok().await;

    let pesantren = format!("/api/v1/pesantren/{}", w.pesantren_a.id);
    app.as_(&w.token("admin_35"))
        .post(&format!("{pesantren}/suspend"), &json!({"reason": "audit"}))
        .ok()
        .await;
    for token in [&manager, &santri] {
        let problem = assert_problem(app.as_(token).get(&own).await, 403).await;
        assert_eq!(problem["code"], "auth.pesantren_unverified");
        let problem = assert_problem(
            app.as_(token)
                .patch(&own, &json!({"phone": "081234567890"}))
                .await,
            403,
        )
        .await;
        assert_eq!(problem["code"], "auth.pesantren_unverified");
    }
    // Staff are not affected, and verification gives the sessions back.
    app.as_(&w.token("admin_35")).get(&own).ok().await;
    app.as_(&w.token("admin_35"))
        .post_empty(&format!("{pesantren}/verify"))
        .ok()
        .await;
    app.as_(&manager).get(&own).ok().await;
    app.as_(&santri).get(&own).ok().await;
}

/// Finding 5: `javascript:` and `data:` URLs were stored in a certificate's
/// `document_url` and, from anonymous registration, a pesantren's
/// `website`, then shown to reviewers. Only `https:` (and `http:` to the
/// machine itself) are taken now, and nothing is stored.
#[tokio::test]
async fn script_and_data_urls_are_refused_where_links_are_stored() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let bad = [
        "javascript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "http://sidogiri.example",
    ];
    for (i, url) in bad.iter().enumerate() {
        let res = app
            .anon()
            .post(
                "/api/v1/registrations",
                &json!({
                    "pesantren": {
                        "nspp": format!("51003578020{i}"),
                        "name": "Pondok Pesantren Tautan",
                        "province_code": "35",
                        "regency_code": "3578",
                        "address": "Jl. Raya 1",
                        "leader_name": "KH. Ahmad",
                        "phone": "081234567890",
                        "website": url,
                    },
                    "manager": {"email": format!("tautan{i}@example.org"), "name": "Ahmad", "password": "kata-sandi-panjang"},
                }),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        let fields: Vec<(&str, &str)> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert_eq!(
            fields,
            vec![("pesantren.website", "url")],
            "{url}: {problem}"
        );

        let res = app
            .as_(&w.token("manager_a"))
            .post(
                &format!("/api/v1/products/{}/certifications", w.product_a.id),
                &json!({"type": "pirt", "number": "206357801012326", "issuer": "Dinkes",
                        "document_url": url}),
            )
            .await;
        let problem = assert_problem(res, 422).await;
        let fields: Vec<(&str, &str)> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
            .collect();
        assert_eq!(fields, vec![("document_url", "url")], "{url}: {problem}");
    }
    let pesantren = entity::pesantren::Entity::find()
        .filter(entity::pesantren::Column::Website.like("%script%"))
        .all(&app.db)
        .await
        .unwrap();
    assert!(pesantren.is_empty());
    // An https link is taken as before.
    app.as_(&w.token("manager_a"))
        .post(
            &format!("/api/v1/products/{}/certifications", w.product_a.id),
            &json!({"type": "pirt", "number": "206357801012326", "issuer": "Dinkes",
                    "document_url": "https://dinkes.example/pirt.pdf"}),
        )
        .expect(201)
        .await;
}

/// Finding 2: the lockout keyed on the lower-cased email while login looked
/// up the trimmed one, so `"a@b.id "`, `"\ta@b.id"` or a trailing
/// non-breaking space each got fresh guesses and the right password still
/// logged in. One normaliser (NFKC, trim, lower case) now serves both.
#[tokio::test]
async fn whitespace_and_case_variants_of_an_email_share_one_lockout() {
    let app = TestApp::spawn_with(&[("OPOP_LOGIN_ACCOUNT_BURST", "4")]).await;
    let email = opop_tests::ADMIN_EMAIL;
    let variants = [
        format!("{email} "),
        format!("\t{email}"),
        format!("{email}\u{00a0}"),
        email.to_uppercase(),
    ];
    for v in &variants {
        assert_problem(app.try_login(v, "wrong-password").await, 401).await;
    }
    for v in variants.iter().map(String::as_str).chain([email]) {
        let problem = assert_problem(app.try_login(v, opop_tests::ADMIN_PASSWORD).await, 429).await;
        assert_eq!(problem["code"], "auth.locked", "{v:?}");
    }
}

/// A variant of an email is the same account: it logs in, and it cannot
/// be created a second time.
#[tokio::test]
async fn an_email_is_one_account_however_it_is_written() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    app.login(" ＡＤＭＩＮ@test.opop\u{00a0}", opop_tests::ADMIN_PASSWORD)
        .await;
    let res = app
        .as_(&w.token("admin_national"))
        .post(
            "/api/v1/users",
            &json!({"email": "Curator_35@TEST.opop", "name": "Kembar",
                    "password": "a-long-password", "role": "curator", "province_code": "35"}),
        )
        .await;
    assert_problem(res, 409).await;
}

/// Partner `/auth/token` never locked: a client id took unlimited guesses
/// at its secret. Failures now count and lock it like a login.
#[tokio::test]
async fn wrong_partner_secrets_lock_the_client_id() {
    let app = TestApp::spawn_with(&[("OPOP_LOGIN_ACCOUNT_BURST", "3")]).await;
    let w = World::build(&app).await;
    for secret in ["wrong-1", "wrong-2", "wrong-3"] {
        let res = app
            .anon()
            .post(
                "/api/v1/auth/token",
                &json!({"client_id": w.partner_client_id, "client_secret": secret}),
            )
            .await;
        assert_problem(res, 401).await;
    }
    for client_id in [
        w.partner_client_id.clone(),
        format!(" {} ", w.partner_client_id),
    ] {
        let res = app
            .anon()
            .post(
                "/api/v1/auth/token",
                &json!({"client_id": client_id, "client_secret": w.partner_secret}),
            )
            .await;
        assert_eq!(assert_problem(res, 429).await["code"], "auth.locked");
    }
}

/// Finding 3: the four-eyes check compared only with the product's
/// creator, so a provincial admin added a fabricated halal certificate and
/// verified it, and rewrote a product's description and approved it. The
/// reviewer may now be neither the creator nor the last editor.
#[tokio::test]
async fn nobody_reviews_what_they_added_or_last_changed_whatever_their_role() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let admin = w.token("admin_35");
    let product = format!("/api/v1/products/{}", w.product_a.id);

    let cert = app
        .as_(&admin)
        .post(
            &format!("{product}/certifications"),
            &json!({"type": "halal", "number": "ID35110000009999", "issuer": "BPJPH", "issued_on": "2024-03-01"}),
        )
        .expect(201)
        .await;
    let verify = format!(
        "/api/v1/certifications/{}/verify",
        cert["id"].as_str().unwrap()
    );
    let problem = assert_problem(app.as_(&admin).post_empty(&verify).await, 403).await;
    assert_eq!(problem["code"], "certification.own_work");
    // A manager edits the certificate; then the manager's edit is theirs,
    // and a curator (who touched neither) verifies it.
    let edited = app
        .as_(&w.token("manager_a"))
        .patch(
            &format!("/api/v1/certifications/{}", cert["id"].as_str().unwrap()),
            &json!({"issuer": "BPJPH Jawa Timur"}),
        )
        .ok()
        .await;
    assert_eq!(edited["status"], "pending");
    app.as_(&w.token("curator_35"))
        .post_empty(&verify)
        .ok()
        .await;

    // The admin rewrites the product's description: it goes back to review,
    // and the admin may not approve (or reject) it; a curator may.
    let changed = app
        .as_(&admin)
        .patch(
            &product,
            &json!({"description": "Deskripsi yang ditulis ulang oleh admin provinsi."}),
        )
        .ok()
        .await;
    assert_eq!(changed["status"], "in_review");
    for action in ["approve", "reject"] {
        let res = app
            .as_(&admin)
            .post(
                &format!("{product}/{action}"),
                &json!({"reason": "tidak lengkap"}),
            )
            .await;
        assert_eq!(assert_problem(res, 403).await["code"], "product.own_work");
    }
    app.as_(&w.token("curator_35"))
        .post_empty(&format!("{product}/approve"))
        .ok()
        .await;
}

/// Finding 1 (the mask): `3578********0263` beside the birth date, gender
/// and the pesantren's public district gave all sixteen digits to any
/// reader. Only the last four are answered now; curators, who did the
/// rebuilding, read no santri at all (finding 6).
#[tokio::test]
async fn a_masked_nik_shows_its_last_four_digits_only() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let nik = "3578014101090263";
    let s = app
        .as_(&w.token("manager_a"))
        .post(
            &format!("/api/v1/pesantren/{}/santri", w.pesantren_a.id),
            &json!({"name": "Nur Aini", "gender": "P", "nik": nik, "birth_date": "2009-01-01",
                    "consent": {"guardian_relation": "ibu", "method": "written_form", "guardian_name": "Hj. Aminah"}}),
        )
        .expect(201)
        .await;
    let id = s["id"].as_str().unwrap();
    for token in [w.token("manager_a"), w.token("admin_35")] {
        let text = app
            .as_(&token)
            .get(&format!("/api/v1/santri/{id}"))
            .ok()
            .await
            .to_string();
        assert!(text.contains("\"nik\":\"************0263\""), "{text}");
        assert!(!text.contains("3578") && !text.contains("010109"), "{text}");
    }
    assert_problem(
        app.as_(&w.token("curator_35"))
            .get(&format!("/api/v1/santri/{id}"))
            .await,
        403,
    )
    .await;
}

/// The santri the NIK tests write: a woman born 1 January 2009, a minor
/// with her guardian's consent.
const SEALED_NIK: &str = "3578014101090263";

fn nur_aini(nik: &str) -> serde_json::Value {
    json!({"name": "Nur Aini", "gender": "P", "nik": nik, "birth_date": "2009-01-01",
           "consent": {"guardian_relation": "ibu", "method": "written_form", "guardian_name": "Hj. Aminah"}})
}

async fn santri_row(app: &TestApp, id: &str) -> entity::santri::Model {
    entity::santri::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

/// Finding 1 (at rest): whoever reads the database (a backup, a stolen
/// disk, an SQL injection) read every NIK. Now no table holds a NIK or its
/// first twelve digits; the duplicate check still finds one by its keyed
/// hash, and the rules between fields still judge the stored one.
#[tokio::test]
async fn a_nik_is_stored_sealed_and_still_found_and_judged() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let manager = w.token("manager_a");
    let collection = format!("/api/v1/pesantren/{}/santri", w.pesantren_a.id);
    let s = app
        .as_(&manager)
        .post(&collection, &nur_aini(SEALED_NIK))
        .expect(201)
        .await;
    let id = s["id"].as_str().unwrap();
    let row = santri_row(&app, id).await;
    assert_eq!(app.stored_nik(&row).as_deref(), Some(SEALED_NIK));
    let traces = crate::trust::traces_of(&app, &[SEALED_NIK, &SEALED_NIK[..12]]).await;
    assert!(traces.is_empty(), "the NIK in the clear: {traces:?}");

    // The same NIK twice in a pesantren is found without opening anything.
    let problem = assert_problem(
        app.as_(&manager)
            .post(&collection, &nur_aini(SEALED_NIK))
            .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "santri.nik_taken");
    // A sealed value moved onto another row does not open there.
    let other = opop_tests::world::insert_santri(&app, &w.pesantren_a, "Siti").await;
    assert!(app
        .nik_vault()
        .open(other.id, row.nik_sealed.as_deref().unwrap())
        .is_err());
    // The stored NIK says woman: a change of gender alone is judged against it.
    let problem = assert_problem(
        app.as_(&manager)
            .patch(&format!("/api/v1/santri/{id}"), &json!({"gender": "L"}))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "nik", "{problem}");
    // Sent back as it was, the full NIK is recognised by its hash: nothing
    // is sealed anew.
    app.as_(&manager)
        .patch(&format!("/api/v1/santri/{id}"), &json!({"nik": SEALED_NIK}))
        .ok()
        .await;
    assert_eq!(santri_row(&app, id).await.nik_sealed, row.nik_sealed);
}

/// The sealed NIK of Nur Aini (`id`) is found by the duplicate check,
/// judged by the rules between fields, and answered masked.
async fn found_and_judged(app: &TestApp, manager: &str, collection: &str, id: &str) {
    let problem = assert_problem(
        app.as_(manager)
            .post(collection, &nur_aini(SEALED_NIK))
            .await,
        409,
    )
    .await;
    assert_eq!(problem["code"], "santri.nik_taken");
    let problem = assert_problem(
        app.as_(manager)
            .patch(&format!("/api/v1/santri/{id}"), &json!({"gender": "L"}))
            .await,
        422,
    )
    .await;
    assert_eq!(problem["errors"][0]["field"], "nik");
    let read = app
        .as_(manager)
        .get(&format!("/api/v1/santri/{id}"))
        .ok()
        .await;
    assert_eq!(read["nik"], "************0263");
}

/// Finding 1 (the key): the key is rotated by a command while the server
/// runs. After the old key moves to `OPOP_NIK_PREVIOUS_KEYS` every NIK still
/// opens and is still found; `rotate` reseals them all, after which the old
/// key can go.
#[tokio::test]
async fn the_nik_key_is_rotated_and_the_old_one_can_then_go() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let collection = format!("/api/v1/pesantren/{}/santri", w.pesantren_a.id);
    let s = app
        .as_(&w.token("manager_a"))
        .post(&collection, &nur_aini(SEALED_NIK))
        .expect(201)
        .await;
    let id = s["id"].as_str().unwrap().to_string();
    let before = santri_row(&app, &id).await;

    let old_key = opop_tests::NIK_KEY;
    let new_key = opop_api::vault::generate_key();
    let database = app.stop().await;
    let app = TestApp::spawn_on(
        database,
        &[
            ("OPOP_NIK_KEY", &new_key),
            ("OPOP_NIK_PREVIOUS_KEYS", old_key),
        ],
    )
    .await;
    // Tokens outlive the restart: the token key is the same.
    let manager = w.token("manager_a");
    found_and_judged(&app, &manager, &collection, &id).await;

    let vault = app.nik_vault();
    let (done, left) = opop_api::santri::rotation::rotate(&app.db, &vault)
        .await
        .unwrap();
    assert_eq!((done.rows, left), (1, 0));
    let after = santri_row(&app, &id).await;
    assert!(vault.is_current(after.nik_sealed.as_deref().unwrap()));
    assert_ne!(after.nik_sealed, before.nik_sealed);
    assert_ne!(after.nik_hash, before.nik_hash);
    assert_eq!(
        after.version, before.version,
        "the record itself did not change"
    );
    // A second run has nothing left to do.
    let (again, _) = opop_api::santri::rotation::rotate(&app.db, &vault)
        .await
        .unwrap();
    assert_eq!(again.rows, 0);

    let database = app.stop().await;
    let app = TestApp::spawn_on(database, &[("OPOP_NIK_KEY", &new_key)]).await;
    assert_eq!(
        app.stored_nik(&santri_row(&app, &id).await).as_deref(),
        Some(SEALED_NIK)
    );
    found_and_judged(&app, &manager, &collection, &id).await;
}

/// Finding 1 (rows from before): NIKs stored in the clear by an earlier
/// version are sealed when the server starts, and the plain column emptied.
#[tokio::test]
async fn plain_niks_from_before_are_sealed_at_start() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let row = opop_tests::world::insert_santri(&app, &w.pesantren_a, "Ahmad").await;
    let mut legacy: entity::santri::ActiveModel = row.clone().into();
    legacy.nik_legacy = Set(Some("3578010101000001".into()));
    legacy.update(&app.db).await.unwrap();
    let database = app.stop().await;
    let app = TestApp::spawn_on(database, &[]).await;
    let sealed = santri_row(&app, &row.id.to_string()).await;
    assert_eq!(app.stored_nik(&sealed).as_deref(), Some("3578010101000001"));
    assert_eq!(
        opop_api::santri::rotation::plain_left(&app.db)
            .await
            .unwrap(),
        0
    );
    let admin = app.admin_token().await;
    let read = app
        .as_(&admin)
        .get(&format!("/api/v1/santri/{}", row.id))
        .ok()
        .await;
    assert_eq!(read["nik"], "************0001");
}

/// Finding 9 (the audit): logouts, reused refresh tokens, failed logins and
/// partner token grants left no trace. Each is an entry now; a failed
/// login keeps no attempted address or password.
#[tokio::test]
async fn logins_that_fail_logouts_reused_refresh_tokens_and_partner_tokens_are_audited() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let email = opop_tests::ADMIN_EMAIL;
    assert_problem(app.try_login(email, "wrong-password-123").await, 401).await;
    assert_problem(
        app.try_login("nobody@example.org", "wrong-password-123")
            .await,
        401,
    )
    .await;
    let pair = app.login_pair(email, opop_tests::ADMIN_PASSWORD).await;
    let refresh = pair["refresh_token"].as_str().unwrap().to_string();
    app.anon()
        .post("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .ok()
        .await;
    // Reuse of the spent token: the family is revoked and it is recorded.
    let res = app
        .anon()
        .post("/api/v1/auth/refresh", &json!({"refresh_token": refresh}))
        .await;
    assert_problem(res, 401).await;
    let pair = app.login_pair(email, opop_tests::ADMIN_PASSWORD).await;
    app.anon()
        .post(
            "/api/v1/auth/logout",
            &json!({"refresh_token": pair["refresh_token"]}),
        )
        .expect(204)
        .await;
    app.anon()
        .post(
            "/api/v1/auth/token",
            &json!({"client_id": w.partner_client_id, "client_secret": "wrong"}),
        )
        .await;
    app.anon()
        .post(
            "/api/v1/auth/token",
            &json!({"client_id": w.partner_client_id, "client_secret": w.partner_secret}),
        )
        .ok()
        .await;

    let admin = w.token("admin_national");
    let trail = |action: &'static str| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.as_(&admin)
                .get(&format!("/api/v1/audit?action={action}"))
                .ok()
                .await["data"]
                .as_array()
                .unwrap()
                .clone()
        }
    };
    let failed = trail("login_failed").await;
    assert_eq!(failed.len(), 2, "{failed:?}");
    let known: Vec<bool> = failed
        .iter()
        .map(|e| e["changes"]["known_account"].as_bool().unwrap())
        .collect();
    assert_eq!(known, vec![false, true]);
    let text = serde_json::to_string(&failed).unwrap();
    assert!(!text.contains("nobody@example.org") && !text.contains("wrong-password"));
    assert_eq!(trail("refresh_reused").await.len(), 1);
    let logouts = trail("logout").await;
    assert_eq!(logouts.len(), 1);
    assert_eq!(logouts[0]["actor"]["role"], "admin");
    let tokens = trail("token").await;
    assert!(
        tokens.iter().any(
            |e| e["actor"]["role"] == "partner" && e["resource_id"] == w.partner_id.to_string()
        ),
        "{tokens:?}"
    );
    assert_eq!(trail("token_failed").await.len(), 1);
}

/// The keys of a JSON value, all the way down: its shape without its values.
fn shape(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| (k.clone(), shape(v)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        serde_json::Value::Array(items) => items.iter().map(shape).collect(),
        serde_json::Value::Null => json!("null"),
        _ => json!("value"),
    }
}

/// Finding 10 (enumeration): registration answered 409 "email already
/// registered", so anyone could test which addresses have accounts. Both
/// answers are now alike; no second account is made, the owner's account is
/// untouched, and the admins find the attempt in the audit trail.
#[tokio::test]
async fn registration_answers_alike_whether_or_not_the_email_has_an_account() {
    let app = TestApp::spawn().await;
    let w = World::build(&app).await;
    let register = |nspp: &'static str, email: &'static str| {
        let app = &app;
        async move {
            let res = app
                .anon()
                .post(
                    "/api/v1/registrations",
                    &crate::pesantren::registration(nspp, email),
                )
                .await;
            (
                res.status().as_u16(),
                res.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let (fresh_status, fresh) = register("510035780511", "pengurus.baru@x.example").await;
    let (taken_status, taken) = register("510035780512", "Manager_A@Test.Opop").await;
    assert_eq!((fresh_status, taken_status), (201, 201), "{fresh} {taken}");
    assert_eq!(shape(&fresh), shape(&taken));
    assert_eq!(taken["manager"]["email"], "manager_a@test.opop");
    assert_eq!(taken["manager"]["role"], "pesantren_manager");

    // No second account; the owner's is as it was, password and pesantren.
    let accounts = entity::users::Entity::find()
        .filter(entity::users::Column::Email.eq("manager_a@test.opop"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].pesantren_id, Some(w.pesantren_a.id));
    assert_eq!(
        app.try_login("manager_a@test.opop", "kata-sandi-panjang")
            .await
            .status(),
        401
    );
    assert_eq!(
        app.try_login("manager_a@test.opop", opop_tests::world::PASSWORD)
            .await
            .status(),
        200
    );
    // The admins see what happened to the second registration.
    let admin = app.admin_token().await;
    let trail = app
        .as_(&admin)
        .get(&format!(
            "/api/v1/audit?action=register_email_taken&resource_id={}",
            accounts[0].id
        ))
        .ok()
        .await;
    assert_eq!(trail["data"].as_array().unwrap().len(), 1, "{trail}");
    assert_eq!(
        trail["data"][0]["changes"]["pesantren_id"],
        taken["pesantren"]["id"]
    );
}
