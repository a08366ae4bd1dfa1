//! `opop-api seed-demo --scale N`: a national-scale data set for load tests.
//! At scale 1: 10,000 pesantren across the 38 provinces, about 300,000
//! santri, 5,000 koperasi, 100,000 products in every category and curation
//! state, about 150,000 certifications (some expired, some pending), partner
//! listings and orders, and the change feed of every published product.
//!
//! It draws on the demo's tables (names, product templates, certificate
//! rules) with the same seeded generator, so a given scale always gives the
//! same data. Rows go in with multi-row INSERTs sized to the databases'
//! bind-parameter limits, a block of pesantren at a time, in one audited
//! transaction: a failed load leaves nothing behind.

use chrono::{DateTime, Utc};
use entity::{
    certifications, koperasi, orders, partner_listings, partners, pesantren, products, santri,
    users, CertificationStatus, CertificationType, PesantrenStatus, ProductCondition,
    ProductStatus, Role,
};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::json;
use uuid::Uuid;

use super::{
    add_years, certification_drafts, days, halal, insert_chunked, person_name, phone,
    product_status, santri_row, CertCtx, Rng, SantriCtx, BUSINESS_UNITS, DEMO_PARTNER_SECRET,
    PRODUCTS, PRODUCT_REJECTIONS, VILLAGES,
};
use crate::audit::{Actor, Entry};
use crate::auth::password;
use crate::db;
use crate::feed;
use crate::ids::PROVINCE_CODES;

/// Pesantren at scale 1.
const PESANTREN_PER_SCALE: f64 = 10_000.0;
/// Pesantren generated and written together.
const BLOCK: usize = 500;
/// Orders per published product, on average.
const ORDERS_PER_PUBLISHED: u64 = 2;
/// Seed of this data set's generator (not the demo's: the two can coexist).
const RNG_SEED: u64 = 0x4F50_4F50_5343_414C;

/// The manager account of the first generated pesantren (for benchmarks of
/// scoped lists).
pub const SCALE_MANAGER_EMAIL: &str = "manager.scale@opop.local";
/// Partners that list products and report orders (client id, code, name).
pub const SCALE_PARTNERS: [(&str, &str, &str); 3] = [
    ("shopee-demo", "shopee", "Shopee Indonesia"),
    ("tokopedia-demo", "tokopedia", "Tokopedia"),
    ("blibli-demo", "blibli", "Blibli"),
];

#[rustfmt::skip]
const NAME_FIRST: &[&str] = &[
    "Al-Hikmah", "Darul Ulum", "Nurul Huda", "Miftahul Huda", "Al-Falah", "Darussalam",
    "Raudlatul Ulum", "Al-Amien", "Bahrul Ulum", "Al-Ikhlas", "Hidayatullah", "Manba'ul Ulum",
    "Al-Muhajirin", "Nurul Jadid", "Darul Falah", "Al-Anwar", "Mambaul Hikam", "Al-Mubarok",
    "Riyadlul Jannah", "Sabilul Muttaqin", "Darul Quran", "Al-Ittihad", "Nurul Iman", "Baitul Hikmah",
];

fn nspp(i: usize, regency: &str) -> String {
    // `52` keeps these apart from the demo's `5100…` numbers.
    format!("52{regency}{i:06}")
}

/// What a block of pesantren brings.
#[derive(Default)]
struct Block {
    pesantren: Vec<pesantren::ActiveModel>,
    koperasi: Vec<koperasi::ActiveModel>,
    santri: Vec<santri::ActiveModel>,
    products: Vec<products::ActiveModel>,
    certifications: Vec<certifications::ActiveModel>,
}

/// Counts of what was written.
#[derive(Default, Debug, Clone, Copy)]
struct ScaleCounts {
    pesantren: usize,
    koperasi: usize,
    santri: usize,
    products: usize,
    certifications: usize,
    published: usize,
    listings: usize,
    orders: usize,
}

fn block(rng: &mut Rng, range: std::ops::Range<usize>, now: DateTime<Utc>) -> Block {
    let today = now.date_naive();
    let mut b = Block::default();
    for i in range {
        let id = db::new_id();
        let province = PROVINCE_CODES[i % PROVINCE_CODES.len()];
        let regency = format!("{province}{:02}", rng.range(1, 20));
        let regency_label = format!("Kabupaten {regency}");
        let district_code = format!("{regency}{:02}", rng.range(1, 24));
        let village = rng.pick(VILLAGES);
        let first = rng.pick(NAME_FIRST);
        let name = format!("Pondok Pesantren {first} {village}");
        let code = format!("P{i:05}");
        let status = match rng.below(100) {
            0..=79 => PesantrenStatus::Verified,
            80..=91 => PesantrenStatus::Registered,
            _ => PesantrenStatus::Suspended,
        };
        b.pesantren.push(pesantren::ActiveModel {
            id: Set(id),
            nspp: Set(nspp(i, &regency)),
            search_name: Set(crate::text::fold(&name)),
            name: Set(name.clone()),
            province_code: Set(province.to_string()),
            regency_code: Set(regency.clone()),
            district_code: Set(Some(district_code.clone())),
            address: Set(format!(
                "Jl. Pesantren No. {}, Desa {village}, {regency_label}",
                rng.range(1, 200)
            )),
            leader_name: Set(format!("KH. {}", person_name(rng, province, false))),
            phone: Set(phone(rng)),
            email: Set(Some(format!("sekretariat@{}.pesantren.example", code.to_lowercase()))),
            website: Set(None),
            description: Set(Some(format!(
                "Pesantren di {regency_label} yang membina santri dalam ilmu agama dan kewirausahaan."
            ))),
            status: Set(status),
            verified_at: Set((status != PesantrenStatus::Registered)
                .then(|| now - days(rng.range(60, 1500)))),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });

        let koperasi_id = (i % 2 == 0).then(db::new_id);
        if let Some(kid) = koperasi_id {
            let mut units: Vec<&str> = BUSINESS_UNITS.to_vec();
            rng.shuffle(&mut units);
            units.truncate(rng.range(1, 4) as usize);
            b.koperasi.push(koperasi::ActiveModel {
                id: Set(kid),
                pesantren_id: Set(id),
                province_code: Set(province.to_string()),
                name: Set(format!("Kopontren {first} {village}")),
                legal_entity_number: Set(Some(format!(
                    "{}/BH/{province}/{}",
                    rng.range(100, 999),
                    rng.range(1998, 2024)
                ))),
                nib: Set(Some(format!("91{i:011}"))),
                member_count: Set(rng.range(20, 3000) as i32),
                business_units: Set(json!(units)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }

        let ctx = SantriCtx {
            pesantren_id: id,
            province,
            district_code: &district_code,
            regency_label: &regency_label,
            now,
        };
        let mut nik_seq = rng.range(1, 400);
        for _ in 0..rng.range(10, 50) {
            b.santri.push(santri_row(rng, &ctx, &mut nik_seq));
        }

        let mut templates: Vec<&super::ProductTpl> = PRODUCTS
            .iter()
            .filter(|t| t.region.is_none_or(|r| r == province))
            .collect();
        rng.shuffle(&mut templates);
        // The first pesantren (the scale manager's) gets a full page and more.
        let n = if i == 0 {
            30
        } else {
            rng.range(5, 15) as usize
        };
        templates.truncate(n);
        for (k, t) in templates.into_iter().enumerate() {
            let product_id = db::new_id();
            let flagship = k == 0;
            let status = product_status(rng, status, flagship);
            let product_name = t.name.replace("{s}", first);
            let submitted =
                (status != ProductStatus::Draft).then(|| now - days(rng.range(20, 400)));
            let reviewed = matches!(
                status,
                ProductStatus::Approved | ProductStatus::Rejected | ProductStatus::Unlisted
            )
            .then(|| (submitted.unwrap_or(now) + days(rng.range(1, 14))).min(now));
            b.products.push(products::ActiveModel {
                id: Set(product_id),
                pesantren_id: Set(id),
                province_code: Set(province.to_string()),
                koperasi_id: Set(koperasi_id),
                search_name: Set(crate::text::fold(&product_name)),
                name: Set(product_name),
                description: Set(Some(format!("{} Produk dari {name}.", t.description))),
                category: Set(t.category),
                price_idr: Set(Some(rng.price(t.price))),
                stock: Set(Some(if rng.percent(6) { 0 } else { rng.range(5, 500) })),
                unit: Set(Some(t.unit.to_string())),
                weight_grams: Set(Some(t.weight_grams)),
                sku: Set(Some(format!("{code}-{}-{}", t.key, t.size))),
                images: Set(json!([format!(
                    "https://images.opop.example/products/{}-{}.jpg",
                    code.to_lowercase(),
                    t.key.to_lowercase()
                )])),
                is_flagship: Set(flagship),
                status: Set(status),
                rejection_reason: Set((status == ProductStatus::Rejected)
                    .then(|| rng.pick(PRODUCT_REJECTIONS).to_string())),
                brand: Set(Some(first.to_string())),
                condition: Set(ProductCondition::New),
                length_cm: Set(Some(t.dims.0)),
                width_cm: Set(Some(t.dims.1)),
                height_cm: Set(Some(t.dims.2)),
                min_order_qty: Set(1),
                shelf_life_days: Set(t.shelf_life_days),
                created_by: Set(None),
                submitted_at: Set(submitted),
                reviewed_by: Set(None),
                reviewed_at: Set(reviewed),
                in_feed: Set(false),
                options: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
            let cctx = CertCtx {
                product_id,
                pesantren_id: id,
                province,
                regency: &regency,
                regency_label: &regency_label,
                now,
                verifier: None,
            };
            let mut drafts = certification_drafts(rng, today, &cctx, t, status, flagship);
            // Most certified pesantren are on their second halal certificate:
            // keep the expired first one as history (it changes nothing about
            // publication while the current one is valid).
            let renewed = drafts.iter().any(|d| {
                d.cert_type == CertificationType::Halal
                    && d.status == CertificationStatus::Verified
                    && d.expires_on.is_none_or(|e| e >= today)
            });
            if renewed && rng.percent(75) {
                let issued = today - days(rng.range(1700, 2400));
                drafts.push(halal(
                    rng,
                    &cctx,
                    issued,
                    Some(add_years(issued, 4)),
                    CertificationStatus::Verified,
                ));
            }
            b.certifications
                .extend(drafts.into_iter().map(|d| d.into_model(rng, &cctx)));
        }
    }
    b
}

fn bar(len: u64, what: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    let style = ProgressStyle::with_template(
        "{msg:>12} [{elapsed_precise}] {bar:40} {pos}/{len} ({per_sec}, {eta} left)",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.set_message(what.to_string());
    bar
}

/// Loads the data set at `scale` (1.0 = national scale). Refuses to load
/// it twice.
pub async fn seed_scale(db: &DatabaseConnection, scale: f64) -> anyhow::Result<String> {
    if !(scale > 0.0 && scale <= 10.0) {
        anyhow::bail!("--scale must be more than 0 and at most 10 (1 = 10,000 pesantren)");
    }
    let n = ((PESANTREN_PER_SCALE * scale).round() as usize).max(1);
    let first_nspp = pesantren::Entity::find()
        .filter(pesantren::Column::Nspp.like("52%"))
        .one(db)
        .await?;
    if let Some(p) = first_nspp {
        return Ok(format!(
            "A scale data set is already loaded (pesantren with NSPP {} exists); nothing was changed.",
            p.nspp
        ));
    }
    let started = std::time::Instant::now();
    let now = db::now();
    let mut rng = Rng::new(RNG_SEED);
    let mut counts = ScaleCounts::default();
    let mut tx = feed::begin(db, &Actor::system()).await?;

    let progress = bar(n as u64, "pesantren");
    let mut first_pesantren = None;
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK).min(n);
        let b = block(&mut rng, start..end, now);
        if first_pesantren.is_none() {
            first_pesantren = b
                .pesantren
                .first()
                .and_then(|p| Some((p.id.clone().take()?, p.province_code.clone().take()?)));
        }
        counts.pesantren += b.pesantren.len();
        counts.koperasi += b.koperasi.len();
        counts.santri += b.santri.len();
        counts.products += b.products.len();
        counts.certifications += b.certifications.len();
        insert_chunked(&tx, b.pesantren).await?;
        insert_chunked(&tx, b.koperasi).await?;
        insert_chunked(&tx, b.santri).await?;
        insert_chunked(&tx, b.products).await?;
        insert_chunked(&tx, b.certifications).await?;
        progress.set_position(end as u64);
        start = end;
    }
    progress.finish();

    // Accounts: the partners (kept when they exist) and a manager of the
    // first pesantren.
    let secret_hash = password::hash(DEMO_PARTNER_SECRET)?;
    let mut partner_ids = Vec::new();
    for (client_id, code, name) in SCALE_PARTNERS {
        let found = partners::Entity::find()
            .filter(partners::Column::ClientId.eq(client_id))
            .one(&*tx)
            .await?;
        let id = match found {
            Some(p) => p.id,
            None => {
                partners::ActiveModel {
                    id: Set(db::new_id()),
                    name: Set(name.into()),
                    code: Set(code.into()),
                    client_id: Set(client_id.into()),
                    client_secret_hash: Set(secret_hash.clone()),
                    webhook_url: Set(None),
                    webhook_secret: Set(None),
                    is_active: Set(true),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                }
                .insert(&*tx)
                .await?
                .id
            }
        };
        partner_ids.push((id, code));
    }
    if let Some((pesantren_id, province)) = &first_pesantren {
        let exists = users::Entity::find()
            .filter(users::Column::Email.eq(SCALE_MANAGER_EMAIL))
            .one(&*tx)
            .await?
            .is_some();
        if !exists {
            users::ActiveModel {
                id: Set(db::new_id()),
                email: Set(SCALE_MANAGER_EMAIL.into()),
                name: Set("Manajer Uji Beban".into()),
                password_hash: Set(password::hash(super::DEMO_PASSWORD)?),
                role: Set(Role::PesantrenManager),
                province_code: Set(Some(province.clone())),
                pesantren_id: Set(Some(*pesantren_id)),
                santri_id: Set(None),
                is_active: Set(true),
                last_login_at: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(&*tx)
            .await?;
        }
    }

    // What is published now: listings and orders go to those products, and
    // the listings must be in place before the feed renders them.
    let published: Vec<(Uuid, Uuid, String, i64)> = products::Entity::find()
        .select_only()
        .columns([
            products::Column::Id,
            products::Column::PesantrenId,
            products::Column::ProvinceCode,
            products::Column::PriceIdr,
        ])
        .filter(products::Column::Sku.like("P%"))
        .filter(products::Column::InFeed.eq(false))
        .filter(crate::publication::published(crate::publication::today()))
        .order_by_asc(products::Column::Id)
        .into_tuple()
        .all(&*tx)
        .await?;
    counts.published = published.len();

    let mut listings = Vec::new();
    let mut order_rows = Vec::new();
    let mut order_no = 0u64;
    for (product_id, pesantren_id, province, price) in &published {
        for (partner_id, code) in &partner_ids {
            if rng.percent(30) {
                let external = format!("{}", 10_000_000_000 + rng.below(89_999_999_999));
                listings.push(partner_listings::ActiveModel {
                    id: Set(db::new_id()),
                    partner_id: Set(*partner_id),
                    product_id: Set(*product_id),
                    url: Set(format!("https://{code}.example/product/{external}")),
                    external_id: Set(external),
                    category_id: Set(Some(format!("{}", rng.range(100_000, 100_999)))),
                    attributes: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(1),
                });
            }
        }
        for _ in 0..rng.below(2 * ORDERS_PER_PUBLISHED + 1) {
            order_no += 1;
            let (partner_id, code) = *rng.pick(&partner_ids);
            let quantity = rng.range(1, 3);
            let at = now - days(rng.range(0, 180));
            order_rows.push(orders::ActiveModel {
                id: Set(db::new_id()),
                partner_id: Set(partner_id),
                product_id: Set(*product_id),
                pesantren_id: Set(*pesantren_id),
                province_code: Set(province.clone()),
                quantity: Set(quantity as i32),
                external_order_id: Set(format!("{}-{order_no:08}", code.to_uppercase())),
                idempotency_key: Set(format!("scale-{order_no}")),
                variant_id: Set(None),
                unit_price_idr: Set(*price),
                total_idr: Set(price * quantity),
                created_at: Set(at),
                updated_at: Set(at),
                version: Set(1),
            });
        }
    }
    counts.listings = listings.len();
    counts.orders = order_rows.len();
    insert_chunked(&tx, listings).await?;
    insert_chunked(&tx, order_rows).await?;

    // The feed: one upsert per published product, so that replaying it from
    // the start gives the catalogue.
    let ids: Vec<Uuid> = published.iter().map(|p| p.0).collect();
    let progress = bar(ids.len() as u64, "change feed");
    for chunk in ids.chunks(2_000) {
        feed::publish_new(&tx, chunk).await?;
        progress.inc(chunk.len() as u64);
    }
    progress.finish();

    tx.record(Entry {
        action: "seed",
        resource_type: "data_set",
        resource_id: first_pesantren.map(|p| p.0).unwrap_or_default(),
        province_code: None,
        changes: json!({
            "scale": scale,
            "pesantren": counts.pesantren,
            "products": counts.products,
        }),
    })
    .await?;
    tx.commit().await?;

    let ScaleCounts {
        pesantren,
        koperasi,
        santri,
        products,
        certifications,
        published,
        listings,
        orders,
    } = counts;
    Ok(format!(
        "Loaded scale {scale} in {:.1} s: {pesantren} pesantren in {} provinces, {santri} santri, \
         {koperasi} koperasi, {products} products ({published} published), {certifications} \
         certifications, {listings} partner listings, {orders} orders.\n\
         Accounts (password {}): pesantren_manager {SCALE_MANAGER_EMAIL}; partners {} \
         (client secret {DEMO_PARTNER_SECRET}).",
        started.elapsed().as_secs_f64(),
        PROVINCE_CODES.len().min(pesantren),
        super::DEMO_PASSWORD,
        SCALE_PARTNERS.map(|p| p.0).join(", "),
    ))
}
