//! A small world to test access against: two verified pesantren in two
//! provinces, and an account for every role in and out of their scope.

use std::collections::BTreeMap;

use entity::{
    certifications, koperasi, mentor_assignments, pesantren, products, santri, users,
    CertificationStatus, CertificationType, Gender, PesantrenStatus, ProductCategory,
    ProductCondition, ProductStatus, Role, SantriStatus,
};
use opop_api::auth::token::JwtKeys;
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::TestApp;

pub const PASSWORD: &str = "password-for-tests";

/// Where a caller or a record sits.
#[derive(Debug, Clone, Default)]
pub struct Place {
    pub province_code: Option<String>,
    pub pesantren_id: Option<Uuid>,
    pub santri_id: Option<Uuid>,
    /// A record of the whole province (an activity, targets): the managers
    /// of every pesantren of `province_code` see it. For a mentor account,
    /// `pesantren_id` is the pesantren assigned to them today.
    pub shared: bool,
    /// A record of this mentor (their assignment).
    pub mentor_id: Option<Uuid>,
}

/// One account of the world.
#[derive(Debug, Clone)]
pub struct Account {
    /// A name for messages: `admin_35`, `manager_a`, …
    pub key: &'static str,
    /// `None` for the anonymous caller.
    pub role: Option<&'static str>,
    pub place: Place,
    pub token: Option<String>,
    pub user_id: Option<Uuid>,
}

pub struct World {
    pub pesantren_a: pesantren::Model,
    pub pesantren_b: pesantren::Model,
    pub santri_a: santri::Model,
    /// The koperasi of pesantren A.
    pub koperasi_a: koperasi::Model,
    /// An approved food product of pesantren A (not published: no halal yet).
    pub product_a: products::Model,
    /// A pending halal certificate of `product_a`.
    pub certification_a: certifications::Model,
    pub accounts: Vec<Account>,
    /// A curator of province 35 that no test logs in as: a safe target for
    /// deactivation.
    pub victim_id: Uuid,
    /// A mentor of province 35 that no test logs in as, assigned nowhere.
    pub spare_mentor_id: Uuid,
    pub partner_id: Uuid,
    pub partner_client_id: String,
    pub partner_secret: String,
}

/// Inserts a pesantren directly, bypassing the API.
pub async fn insert_pesantren(
    app: &TestApp,
    nspp: &str,
    province: &str,
    regency: &str,
    status: PesantrenStatus,
) -> pesantren::Model {
    new_pesantren(nspp, province, regency, status)
        .insert(&app.db)
        .await
        .expect("inserting a pesantren")
}

/// A pesantren row to insert directly (or to fail to insert).
pub fn new_pesantren(
    nspp: &str,
    province: &str,
    regency: &str,
    status: PesantrenStatus,
) -> pesantren::ActiveModel {
    let now = opop_api::db::now();
    pesantren::ActiveModel {
        id: Set(opop_api::db::new_id()),
        nspp: Set(nspp.into()),
        name: Set(format!("Pondok Pesantren {nspp}")),
        search_name: Set(format!("pondok pesantren {nspp}")),
        province_code: Set(province.into()),
        regency_code: Set(regency.into()),
        district_code: Set(None),
        address: Set("Jl. Pesantren 1".into()),
        leader_name: Set("KH. Ahmad".into()),
        phone: Set("+6281234567890".into()),
        email: Set(None),
        website: Set(None),
        description: Set(None),
        status: Set(status),
        verified_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
}

pub async fn insert_santri(app: &TestApp, p: &pesantren::Model, name: &str) -> santri::Model {
    let now = opop_api::db::now();
    santri::ActiveModel {
        id: Set(opop_api::db::new_id()),
        pesantren_id: Set(p.id),
        province_code: Set(p.province_code.clone()),
        name: Set(name.into()),
        search_name: Set(name.to_lowercase()),
        nik_legacy: Set(None),
        nik_sealed: Set(None),
        nik_hash: Set(None),
        nik_last4: Set(None),
        gender: Set(Gender::L),
        birth_date: Set(None),
        entry_year: Set(Some(2022)),
        status: Set(SantriStatus::Active),
        is_santripreneur: Set(false),
        phone: Set(None),
        email: Set(None),
        address: Set(None),
        guardian_name: Set(None),
        guardian_consent_at: Set(None),
        consent_relation: Set(None),
        consent_method: Set(None),
        consent_given_on: Set(None),
        consent_recorded_by: Set(None),
        consent_withdrawn_at: Set(None),
        left_on: Set(None),
        erased_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting a santri")
}

pub async fn insert_koperasi(app: &TestApp, p: &pesantren::Model) -> koperasi::Model {
    new_koperasi(p)
        .insert(&app.db)
        .await
        .expect("inserting a koperasi")
}

/// The koperasi row of `p`, to insert directly (or to fail to insert).
pub fn new_koperasi(p: &pesantren::Model) -> koperasi::ActiveModel {
    let now = opop_api::db::now();
    koperasi::ActiveModel {
        id: Set(opop_api::db::new_id()),
        pesantren_id: Set(p.id),
        province_code: Set(p.province_code.clone()),
        name: Set(format!("Kopontren {}", p.nspp)),
        legal_entity_number: Set(None),
        nib: Set(None),
        member_count: Set(25),
        business_units: Set(json!(["toko"])),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
}

/// Inserts a product directly, bypassing the API (and the feed).
pub async fn insert_product(
    app: &TestApp,
    p: &pesantren::Model,
    sku: &str,
    category: ProductCategory,
    status: ProductStatus,
) -> products::Model {
    new_product(p.id, &p.province_code, sku, category, status)
        .insert(&app.db)
        .await
        .expect("inserting a product")
}

/// A product row of the pesantren `pesantren_id` (which need not exist),
/// to insert directly (or to fail to insert).
pub fn new_product(
    pesantren_id: Uuid,
    province: &str,
    sku: &str,
    category: ProductCategory,
    status: ProductStatus,
) -> products::ActiveModel {
    let now = opop_api::db::now();
    products::ActiveModel {
        id: Set(opop_api::db::new_id()),
        pesantren_id: Set(pesantren_id),
        province_code: Set(province.into()),
        koperasi_id: Set(None),
        name: Set(format!("Produk {sku}")),
        search_name: Set(format!("produk {}", sku.to_lowercase())),
        description: Set(Some("Produk unggulan pesantren".into())),
        category: Set(category),
        price_idr: Set(Some(40_000)),
        stock: Set(Some(100)),
        unit: Set(Some("pcs".into())),
        weight_grams: Set(Some(250)),
        sku: Set(Some(sku.into())),
        images: Set(json!([])),
        is_flagship: Set(false),
        flagship_requested: Set(false),
        flagship_awarded_by: Set(None),
        flagship_awarded_at: Set(None),
        status: Set(status),
        rejection_reason: Set(None),
        brand: Set(None),
        condition: Set(ProductCondition::New),
        length_cm: Set(None),
        width_cm: Set(None),
        height_cm: Set(None),
        min_order_qty: Set(1),
        shelf_life_days: Set(None),
        created_by: Set(None),
        edited_by: Set(None),
        submitted_at: Set(None),
        reviewed_by: Set(None),
        reviewed_at: Set(None),
        in_feed: Set(false),
        options: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
}

/// Inserts a certification directly, bypassing the API (and the feed).
pub async fn insert_certification(
    app: &TestApp,
    product: &products::Model,
    cert_type: CertificationType,
    number: &str,
    status: CertificationStatus,
    expires_on: Option<chrono::NaiveDate>,
) -> certifications::Model {
    let now = opop_api::db::now();
    certifications::ActiveModel {
        id: Set(opop_api::db::new_id()),
        product_id: Set(product.id),
        pesantren_id: Set(product.pesantren_id),
        province_code: Set(product.province_code.clone()),
        cert_type: Set(cert_type),
        number: Set(number.into()),
        issuer: Set("BPJPH".into()),
        issued_on: Set(None),
        expires_on: Set(expires_on),
        status: Set(status),
        rejection_reason: Set(None),
        document_url: Set(None),
        verified_by: Set(None),
        verified_at: Set(None),
        created_by: Set(None),
        edited_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting a certification")
}

/// Creates a user through the API as `token`, answering its id.
/// The Argon2 hash of [`PASSWORD`], made once: every fixture account
/// shares it, so the world costs one hash instead of one per account.
fn password_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| opop_api::auth::password::hash(PASSWORD).expect("hashing"))
}

/// A fixture account `<key>@test.opop` of `role` at `place`, inserted
/// directly, and an access token for it signed with the server's key: a
/// real account and a real token (the server reads the account on every
/// request), without paying Argon2 to create and log in each one. Creating
/// users and logging in have their own tests (`auth`), and the password
/// works for a test that logs in anyway.
pub async fn fixture_user(app: &TestApp, key: &str, role: &str, place: &Place) -> (Uuid, String) {
    let now = opop_api::db::now();
    let role_value: Role = serde_json::from_value(json!(role)).expect("a role");
    let user = users::ActiveModel {
        id: Set(opop_api::db::new_id()),
        email: Set(format!("{key}@test.opop")),
        name: Set(key.to_string()),
        password_hash: Set(password_hash().to_string()),
        role: Set(role_value),
        province_code: Set(place.province_code.clone()),
        pesantren_id: Set(place.pesantren_id),
        santri_id: Set(place.santri_id),
        is_active: Set(true),
        last_login_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting a user");
    let token = JwtKeys::new(crate::JWT_SECRET.as_bytes(), 3600)
        .issue(user.id, role)
        .expect("a token");
    (user.id, token)
}

/// Assigns `mentor_id` to pesantren `p` from 2020 on, directly.
pub async fn insert_assignment(
    app: &TestApp,
    mentor_id: Uuid,
    p: &pesantren::Model,
    ends_on: Option<chrono::NaiveDate>,
) -> mentor_assignments::Model {
    let now = opop_api::db::now();
    mentor_assignments::ActiveModel {
        id: Set(opop_api::db::new_id()),
        mentor_id: Set(mentor_id),
        pesantren_id: Set(p.id),
        province_code: Set(p.province_code.clone()),
        starts_on: Set(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
        ends_on: Set(ends_on),
        created_by: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
    .insert(&app.db)
    .await
    .expect("inserting an assignment")
}

pub async fn create_user(app: &TestApp, token: &str, body: Value) -> Uuid {
    let body = app
        .as_(token)
        .post("/api/v1/users", &body)
        .expect(201)
        .await;
    body["id"].as_str().unwrap().parse().unwrap()
}

/// A partner as its creator and its client see it.
pub struct Partner {
    pub id: Uuid,
    pub client_id: String,
    pub client_secret: String,
    /// An access token of the partner.
    pub token: String,
}

/// Creates a partner through the API as `admin` (a national admin) and
/// takes a token for it.
pub async fn create_partner(app: &TestApp, admin: &str, name: &str, code: &str) -> Partner {
    let created = app
        .as_(admin)
        .post("/api/v1/partners", &json!({"name": name, "code": code}))
        .expect(201)
        .await;
    let client_id = created["client_id"].as_str().unwrap().to_string();
    let client_secret = created["client_secret"].as_str().unwrap().to_string();
    let token = app
        .anon()
        .post(
            "/api/v1/auth/token",
            &json!({"client_id": client_id, "client_secret": client_secret}),
        )
        .expect(200)
        .await;
    Partner {
        id: created["id"].as_str().unwrap().parse().unwrap(),
        client_id,
        client_secret,
        token: token["access_token"].as_str().unwrap().to_string(),
    }
}

impl World {
    pub async fn build(app: &TestApp) -> World {
        let pesantren_a =
            insert_pesantren(app, "510035780001", "35", "3578", PesantrenStatus::Verified).await;
        let pesantren_b =
            insert_pesantren(app, "510032730001", "32", "3273", PesantrenStatus::Verified).await;
        let santri_a = insert_santri(app, &pesantren_a, "Muhammad Rizki").await;
        let koperasi_a = insert_koperasi(app, &pesantren_a).await;
        let product_a = insert_product(
            app,
            &pesantren_a,
            "SKU-A-1",
            ProductCategory::Food,
            ProductStatus::Approved,
        )
        .await;
        let certification_a = insert_certification(
            app,
            &product_a,
            CertificationType::Halal,
            "ID35110000000001",
            CertificationStatus::Pending,
            None,
        )
        .await;
        let admin = app.admin_token().await;

        let mut accounts = vec![Account {
            key: "anonymous",
            role: None,
            place: Place::default(),
            token: None,
            user_id: None,
        }];
        let national_id = {
            let me: Value = app
                .as_(&admin)
                .get("/api/v1/auth/me")
                .await
                .json()
                .await
                .unwrap();
            me["id"].as_str().unwrap().parse().unwrap()
        };
        accounts.push(Account {
            key: "admin_national",
            role: Some("admin"),
            place: Place::default(),
            token: Some(admin.clone()),
            user_id: Some(national_id),
        });
        let people: [(&'static str, &'static str, Place); 8] = [
            (
                "admin_35",
                "admin",
                Place {
                    province_code: Some("35".into()),
                    ..Default::default()
                },
            ),
            (
                "admin_32",
                "admin",
                Place {
                    province_code: Some("32".into()),
                    ..Default::default()
                },
            ),
            (
                "curator_35",
                "curator",
                Place {
                    province_code: Some("35".into()),
                    ..Default::default()
                },
            ),
            (
                "curator_32",
                "curator",
                Place {
                    province_code: Some("32".into()),
                    ..Default::default()
                },
            ),
            ("curator_national", "curator", Place::default()),
            (
                "manager_a",
                "pesantren_manager",
                Place {
                    province_code: Some("35".into()),
                    pesantren_id: Some(pesantren_a.id),
                    ..Default::default()
                },
            ),
            (
                "manager_b",
                "pesantren_manager",
                Place {
                    province_code: Some("32".into()),
                    pesantren_id: Some(pesantren_b.id),
                    ..Default::default()
                },
            ),
            (
                "santri_a",
                "santri",
                Place {
                    province_code: Some("35".into()),
                    pesantren_id: Some(pesantren_a.id),
                    santri_id: Some(santri_a.id),
                    ..Default::default()
                },
            ),
        ];
        for (key, role, place) in people {
            let (id, token) = fixture_user(app, key, role, &place).await;
            accounts.push(Account {
                key,
                role: Some(role),
                place,
                token: Some(token),
                user_id: Some(id),
            });
        }
        // Mentors of province 35: one assigned to pesantren A today, one
        // whose assignment to it has ended, one spare (no login) for the
        // assignments the tests make.
        for (key, ends_on, assigned) in [
            ("mentor_a", None, true),
            (
                "mentor_lapsed",
                chrono::NaiveDate::from_ymd_opt(2021, 1, 1),
                false,
            ),
        ] {
            let place = Place {
                province_code: Some("35".into()),
                pesantren_id: assigned.then_some(pesantren_a.id),
                ..Default::default()
            };
            let staff = Place {
                province_code: Some("35".into()),
                ..Default::default()
            };
            let (id, token) = fixture_user(app, key, "mentor", &staff).await;
            insert_assignment(app, id, &pesantren_a, ends_on).await;
            accounts.push(Account {
                key,
                role: Some("mentor"),
                place,
                token: Some(token),
                user_id: Some(id),
            });
        }
        let in_35 = Place {
            province_code: Some("35".into()),
            ..Default::default()
        };
        let spare_mentor_id = fixture_user(app, "spare-mentor", "mentor", &in_35).await.0;
        let victim_id = fixture_user(app, "victim", "curator", &in_35).await.0;

        let partner = create_partner(app, &admin, "Shopee Indonesia", "shopee").await;
        accounts.push(Account {
            key: "partner",
            role: Some("partner"),
            place: Place::default(),
            token: Some(partner.token),
            user_id: None,
        });
        World {
            pesantren_a,
            pesantren_b,
            santri_a,
            koperasi_a,
            product_a,
            certification_a,
            accounts,
            victim_id,
            spare_mentor_id,
            partner_id: partner.id,
            partner_client_id: partner.client_id,
            partner_secret: partner.client_secret,
        }
    }

    pub fn account(&self, key: &str) -> &Account {
        self.accounts
            .iter()
            .find(|a| a.key == key)
            .unwrap_or_else(|| panic!("no account {key}"))
    }

    pub fn token(&self, key: &str) -> String {
        self.account(key).token.clone().unwrap_or_default()
    }

    /// Whether `account` may see a record at `record` (the rule of `auth::scope`,
    /// restated independently for the tests).
    pub fn sees(account: &Account, record: &Place) -> bool {
        match account.role {
            Some("admin") | Some("curator") => match &account.place.province_code {
                None => true,
                Some(p) => record.province_code.as_ref() == Some(p),
            },
            Some("pesantren_manager") if record.shared => {
                account.place.pesantren_id.is_some()
                    && account.place.province_code == record.province_code
            }
            Some("pesantren_manager") => {
                account.place.pesantren_id.is_some()
                    && account.place.pesantren_id == record.pesantren_id
            }
            Some("santri") => {
                account.place.santri_id.is_some() && account.place.santri_id == record.santri_id
            }
            // A mentor sees their own assignments, and the records (never
            // santri) of the pesantren assigned to them today.
            Some("mentor") => match record.mentor_id {
                Some(m) => account.user_id == Some(m),
                None => {
                    !record.shared
                        && record.santri_id.is_none()
                        && account.place.pesantren_id.is_some()
                        && account.place.pesantren_id == record.pesantren_id
                }
            },
            _ => false,
        }
    }

    pub fn by_key(&self) -> BTreeMap<&'static str, &Account> {
        self.accounts.iter().map(|a| (a.key, a)).collect()
    }
}
