//! `opop-api seed-demo --scale N`: a national-scale data set for load tests.
//! At scale 1: 10,000 pesantren across the 38 provinces, about 300,000
//! santri, 5,000 koperasi, 100,000 products in every category and curation
//! state, about 150,000 certifications (some expired, some pending), partner
//! listings and orders, and the change feed of every published product.
//! Each province also has its programme year: targets, about one activity
//! per 20 pesantren (each with a done training, expo and business
//! matching) with participants and deals, a mentor per 30 pesantren with
//! assignments and sessions, and enterprises of about a third of alumni.
//!
//! It draws on the demo's tables (names, product templates, certificate
//! rules) with the same seeded generator, so a given scale always gives the
//! same data. Rows go in with multi-row INSERTs sized to the databases'
//! bind-parameter limits, a block of pesantren at a time, in one audited
//! transaction: a failed load leaves nothing behind.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use chrono::{DateTime, Datelike, Utc};
use entity::{
    certifications, koperasi, orders, partner_listings, partners, pesantren, products, santri,
    targets, users, ActivityKind, ActivityStatus, CertificationStatus, CertificationType,
    DealStatus, PesantrenStatus, ProductCondition, ProductStatus, Role,
};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde_json::json;
use uuid::Uuid;

use super::programme::{
    self, ActivitySpec, Calendar, Member, Mentoring, Programme, ProgrammeCounts, TargetValues,
    EXPO_DEALS, MATCHING_DEALS,
};
use super::{
    add_years, certification_drafts, days, halal, insert_chunked, insert_statements, person_name,
    phone, product_status, santri_row, CertCtx, Rng, SantriCtx, BUSINESS_UNITS,
    DEMO_PARTNER_SECRET, PRODUCTS, PRODUCT_REJECTIONS, VILLAGES,
};
use crate::audit::{Actor, Entry};
use crate::auth::password;
use crate::db;
use crate::feed;
use crate::ids::PROVINCE_CODES;
use crate::santri::rotation::seal_rows;
use crate::vault::NikVault;
use migration::regions::Region;

/// The regencies of each province and the districts of each regency, in
/// code order, from the Kemendagri data set.
static CHILDREN: LazyLock<HashMap<&'static str, Vec<&'static Region>>> = LazyLock::new(|| {
    let mut out: HashMap<&'static str, Vec<&'static Region>> = HashMap::new();
    for r in migration::regions::all() {
        if let Some(parent) = &r.parent {
            out.entry(parent.as_str()).or_default().push(r);
        }
    }
    out
});

fn children(code: &str) -> &'static [&'static Region] {
    CHILDREN.get(code).map(Vec::as_slice).unwrap_or_default()
}

/// Pesantren at scale 1.
const PESANTREN_PER_SCALE: f64 = 10_000.0;
/// Pesantren generated and written together.
const BLOCK: usize = 500;
/// Orders per published product, on average.
const ORDERS_PER_PUBLISHED: u64 = 2;
/// Seed of this data set's generator (not the demo's: the two can coexist).
const RNG_SEED: u64 = 0x4F50_4F50_5343_414C;
/// Seed of the programme's generator, apart so that the register stays as
/// it was.
const PROGRAMME_RNG_SEED: u64 = 0x4F50_5343_5052_4F47;
/// Pesantren per activity of a province (at least three activities).
const PESANTREN_PER_ACTIVITY: usize = 20;
/// Pesantren per mentor of a province (at least one mentor).
const PESANTREN_PER_MENTOR: usize = 30;
/// Alumni with an enterprise, percent.
const ALUMNI_WITH_ENTERPRISE: u64 = 35;

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
    // The day the feed publishes on (WIB), not the generator's.
    let feed_day = crate::publication::day_of(now);
    let mut b = Block::default();
    for i in range {
        let id = db::new_id();
        let province = PROVINCE_CODES[i % PROVINCE_CODES.len()];
        // Real regencies and districts of the province, drawn as the made-up
        // numbers once were, so that the rest of the data set stays as it was.
        let regencies = children(province);
        let regency_region = regencies[rng.range(1, 20) as usize % regencies.len()];
        let regency = regency_region.code.clone();
        let regency_label = regency_region.name.clone();
        let districts = children(&regency);
        let district_code = districts[rng.range(1, 24) as usize % districts.len()]
            .code
            .clone();
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
        let pesantren_status = status;
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
                flagship_requested: Set(false),
                flagship_awarded_by: Set(None),
                flagship_awarded_at: Set(flagship.then(db::now)),
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
                edited_by: Set(None),
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
            // Whether the feed will publish it, so that the row is written
            // with `in_feed` set instead of rewritten when it is published;
            // the load corrects a wrong guess before the feed is written.
            let published = status == ProductStatus::Approved
                && pesantren_status == PesantrenStatus::Verified
                && (!t.category.requires_halal()
                    || drafts.iter().any(|d| {
                        d.cert_type == CertificationType::Halal
                            && d.status == CertificationStatus::Verified
                            && d.expires_on.is_none_or(|e| e >= feed_day)
                    }));
            if let Some(row) = b.products.last_mut() {
                row.in_feed = Set(published);
            }
            b.certifications
                .extend(drafts.into_iter().map(|d| d.into_model(rng, &cctx)));
        }
    }
    b
}

/// INSERTs queued between the generator and the writer: enough to keep the
/// database busy while the generator builds a block, few enough to bound
/// the memory they hold (a statement has up to [`super::MAX_BINDS`] values).
const QUEUED_STATEMENTS: usize = 64;

/// What the generator sends the writer, in order.
enum Load {
    Insert(Statement),
    /// The pesantren before this one are all sent.
    Through(usize),
}

/// The generator's state and findings, once the register is sent.
struct Register {
    rng: Rng,
    prng: Rng,
    counts: ScaleCounts,
    programme_counts: ProgrammeCounts,
    members: Vec<Member>,
    first_pesantren: Option<(Uuid, String)>,
}

/// Generates the `n` pesantren with their koperasi, santri (sealed),
/// products, certifications and alumni's enterprises, a block at a time,
/// and sends their INSERTs. Stops early when the writer has gone (it
/// failed, and says why).
fn register(
    backend: DbBackend,
    vault: &NikVault,
    n: usize,
    cal: Calendar,
    mut rng: Rng,
    mut prng: Rng,
    sender: &tokio::sync::mpsc::Sender<Load>,
) -> anyhow::Result<Register> {
    let send = |load: Load| {
        sender
            .blocking_send(load)
            .map_err(|_| anyhow::anyhow!("the writer of the data set stopped"))
    };
    let mut counts = ScaleCounts::default();
    let mut programme_counts = ProgrammeCounts::default();
    let mut members: Vec<Member> = Vec::new();
    let mut first_pesantren = None;
    let mut start = 0;
    while start < n {
        let end = (start + BLOCK).min(n);
        let b = block(&mut rng, start..end, cal.now);
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
        // What the programme needs of the block, and its alumni's enterprises.
        members.extend(programme::members(&b.pesantren, &b.santri, &b.products, 6));
        let mut enterprises = Programme::default();
        enterprises.enterprises(&mut prng, &cal, &b.santri, ALUMNI_WITH_ENTERPRISE);
        programme_counts.add(&enterprises.counts());
        let statements = insert_statements(backend, b.pesantren)
            .into_iter()
            .chain(insert_statements(backend, b.koperasi))
            .chain(insert_statements(backend, seal_rows(vault, b.santri)?))
            .chain(insert_statements(backend, b.products))
            .chain(insert_statements(backend, b.certifications))
            .chain(enterprises.statements(backend));
        for statement in statements {
            send(Load::Insert(statement))?;
        }
        send(Load::Through(end))?;
        start = end;
    }
    Ok(Register {
        rng,
        prng,
        counts,
        programme_counts,
        members,
        first_pesantren,
    })
}

/// What the k-th activity of a province is: the first three are a training,
/// an expo and a business matching.
const ACTIVITY_KINDS: [ActivityKind; 10] = [
    ActivityKind::Training,
    ActivityKind::Expo,
    ActivityKind::BusinessMatching,
    ActivityKind::MentoringClinic,
    ActivityKind::Training,
    ActivityKind::Camp,
    ActivityKind::Internship,
    ActivityKind::BusinessMatching,
    ActivityKind::Training,
    ActivityKind::Expo,
];

/// Title, description, capacity range and santri sent per pesantren.
fn activity_kind(kind: ActivityKind) -> (&'static str, &'static str, (i64, i64), (i64, i64)) {
    match kind {
        ActivityKind::Training => (
            "Pelatihan Manajemen Usaha Pesantren",
            "Pelatihan pembukuan, perhitungan HPP, pemasaran dan akad syariah bagi pengelola usaha pesantren.",
            (20, 40),
            (2, 5),
        ),
        ActivityKind::Internship => (
            "Magang Santri di Industri Mitra",
            "Magang dua minggu di pabrik dan toko mitra: produksi, pengemasan dan pelayanan pembeli.",
            (5, 15),
            (1, 3),
        ),
        ActivityKind::Camp => (
            "Santri OPOP Camp",
            "Perkemahan kewirausahaan santri: kelas ide usaha, praktik produksi dan presentasi rencana bisnis.",
            (30, 80),
            (3, 6),
        ),
        ActivityKind::Expo => (
            "OPOP Expo",
            "Pameran produk unggulan pesantren, terbuka untuk umum.",
            (30, 120),
            (1, 3),
        ),
        ActivityKind::BusinessMatching => (
            "Temu Bisnis OPOP",
            "Pertemuan pesantren dengan offtaker, peritel, marketplace, instansi pemerintah dan eksportir.",
            (20, 60),
            (1, 2),
        ),
        ActivityKind::MentoringClinic => (
            "Klinik Pendampingan Usaha Pesantren",
            "Pendampingan kelompok: sertifikasi halal, kemasan, label dan perizinan usaha.",
            (10, 25),
            (1, 3),
        ),
    }
}

/// The programme year of every province with pesantren, and the mentors'
/// accounts (to write first). Provinces in `skip_targets` keep the
/// targets they have.
fn programme_of(
    rng: &mut Rng,
    cal: &Calendar,
    members: &[Member],
    skip_targets: &HashSet<String>,
    password_hash: &str,
) -> (Programme, Vec<users::ActiveModel>) {
    let mut out = Programme::default();
    let mut mentors = Vec::new();
    for (province, pool) in programme::by_province(members) {
        let place = match super::province_name(province) {
            "Indonesia" => format!("Provinsi {province}"),
            name => name.to_string(),
        };
        let n = (pool.len() / PESANTREN_PER_ACTIVITY).max(3);
        let deals_before = out.deals.len();
        let mut trained: i64 = 0;
        for k in 0..n {
            let kind = ACTIVITY_KINDS[k % ACTIVITY_KINDS.len()];
            let (label, description, capacity, santri_each) = activity_kind(kind);
            use ActivityStatus::*;
            let status = if k < 3 {
                Done
            } else {
                match rng.below(100) {
                    0..=69 => Done,
                    70..=79 => Open,
                    80..=89 => Planned,
                    90..=94 => Closed,
                    _ => Cancelled,
                }
            };
            let len = match kind {
                ActivityKind::Internship => 14,
                ActivityKind::BusinessMatching => rng.range(1, 2),
                _ => 3,
            };
            let (starts_on, closes_on) = match status {
                Done => {
                    let start = cal.past(rng.range(20, 980));
                    (start, start - days(rng.range(3, 10)))
                }
                Closed => {
                    let start = cal.today + days(rng.range(2, 9));
                    (start, cal.today - days(rng.range(1, 5)))
                }
                _ => {
                    // Later this year when there is room, else early next year.
                    let room = cal.days_left(len);
                    let offset = if room >= 7 {
                        rng.range(3, room)
                    } else {
                        rng.range(10, 120)
                    };
                    let start = cal.today + days(offset);
                    (start, (start - days(rng.range(3, 10))).max(cal.today))
                }
            };
            let ends_on = if status == Done {
                cal.past_end(starts_on, len)
            } else {
                starts_on + days(len - 1)
            };
            let online = match kind {
                ActivityKind::Expo => rng.percent(40),
                ActivityKind::MentoringClinic => rng.percent(30),
                _ => false,
            };
            let regency = pool[rng.below(pool.len() as u64) as usize].regency.clone();
            let cap = rng.range(capacity.0, capacity.1);
            let wanted = match status {
                Done | Closed => rng.range(cap * 6 / 10, cap),
                Open => rng.range(cap / 4, cap * 3 / 4),
                _ => 0,
            };
            let spec = ActivitySpec {
                kind,
                title: format!("{label} {place} {} (ke-{})", starts_on.year(), k + 1),
                description: description.to_string(),
                province: province.to_string(),
                location: (!online).then(|| {
                    let name = crate::ids::region_name(&regency).unwrap_or_default();
                    format!("Gedung Serbaguna {name}")
                }),
                regency: Some(regency),
                starts_on,
                ends_on,
                capacity: Some(cap as i32),
                closes_on: Some(closes_on),
                public: kind == ActivityKind::Expo,
                status,
                staff: None,
            };
            let participants_before = out.participants.len();
            let held = out.activity(
                rng,
                cal,
                spec,
                &pool,
                None,
                wanted.max(0) as usize,
                santri_each,
                92,
            );
            if kind.trains() {
                trained += out.participants[participants_before..]
                    .iter()
                    .filter(|p| p.attended.clone().take() == Some(Some(true)))
                    .filter_map(|p| p.santri_count.clone().take())
                    .map(i64::from)
                    .sum::<i64>();
            }
            if status == Done {
                let sellers = held.participants.len();
                match kind {
                    ActivityKind::BusinessMatching => {
                        // About Rp350 million per pesantren selling.
                        let reported = rng.range(0, 2) as usize;
                        let confirmed = (sellers * 2 / 3).max(1);
                        let total = sellers as i64 * rng.range(250, 450) * 1_000_000;
                        out.deals(
                            rng,
                            cal,
                            &held,
                            MATCHING_DEALS,
                            confirmed,
                            Some(total),
                            reported,
                        )
                    }
                    ActivityKind::Expo => {
                        out.deals(rng, cal, &held, EXPO_DEALS, sellers / 3, None, 0)
                    }
                    _ => {}
                }
            }
        }

        // Targets the year's work reaches most of (it is not over yet).
        if !skip_targets.contains(province) {
            let count = |f: fn(&Member) -> usize| pool.iter().map(|m| f(m) as i64).sum::<i64>();
            let verified = count(|m| usize::from(m.status == PesantrenStatus::Verified));
            let confirmed: i64 = out.deals[deals_before..]
                .iter()
                .filter(|d| d.status.clone().take() == Some(DealStatus::Confirmed))
                .filter_map(|d| d.value_idr.clone().take())
                .sum();
            let reach = |done: i64, rng: &mut Rng| done * 100 / rng.range(70, 95);
            let deal_target = reach(confirmed, rng) / 100_000_000 * 100_000_000;
            out.target(
                cal,
                province,
                TargetValues {
                    verified_pesantren: verified * 5 / 4 + 1,
                    flagship_products: verified.max(1),
                    santripreneurs: count(|m| m.santripreneurs) * 3 / 2 + 1,
                    sociopreneurs: count(|m| m.alumni) / 3 + 1,
                    trained_santri: reach(trained, rng).max(10),
                    deal_value_idr: deal_target.max(1_000_000_000),
                },
                None,
            );
        }

        for j in 0..(pool.len() / PESANTREN_PER_MENTOR).max(1) {
            let id = db::new_id();
            let female = rng.percent(40);
            mentors.push(users::ActiveModel {
                id: Set(id),
                email: Set(format!("mentor{}.p{province}.scale@opop.local", j + 1)),
                name: Set(format!(
                    "{}, S.E., M.M.",
                    person_name(rng, province, female)
                )),
                password_hash: Set(password_hash.to_string()),
                role: Set(Role::Mentor),
                province_code: Set(Some(province.to_string())),
                pesantren_id: Set(None),
                santri_id: Set(None),
                is_active: Set(true),
                last_login_at: Set(None),
                created_at: Set(cal.now),
                updated_at: Set(cal.now),
                version: Set(1),
            });
            let current = rng.range(3, 7) as usize;
            out.mentoring(
                rng,
                cal,
                &pool,
                &Mentoring {
                    mentor: id,
                    admin: None,
                    current,
                    ended: true,
                    sessions: (1, 4),
                },
            );
        }
    }
    (out, mentors)
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
pub async fn seed_scale(
    db: &DatabaseConnection,
    scale: f64,
    vault: &NikVault,
) -> anyhow::Result<String> {
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
    let cal = Calendar::new(now);
    let rng = Rng::new(RNG_SEED);
    let prng = Rng::new(PROGRAMME_RNG_SEED);
    let mut tx = feed::begin(db, &Actor::system()).await?;

    // The register is generated, sealed and built into INSERTs on a thread
    // of its own while this task writes what it sent before: the database
    // and the generator then work at once instead of taking turns.
    let progress = bar(n as u64, "pesantren");
    let (sender, mut receiver) = tokio::sync::mpsc::channel(QUEUED_STATEMENTS);
    let generator = {
        let backend = db.get_database_backend();
        let vault = vault.clone();
        tokio::task::spawn_blocking(move || register(backend, &vault, n, cal, rng, prng, &sender))
    };
    while let Some(load) = receiver.recv().await {
        match load {
            Load::Insert(statement) => {
                tx.execute_raw(statement).await?;
            }
            Load::Through(end) => progress.set_position(end as u64),
        }
    }
    let Register {
        mut rng,
        mut prng,
        mut counts,
        mut programme_counts,
        members,
        first_pesantren,
    } = generator
        .await
        .map_err(|e| anyhow::anyhow!("the generator of the data set failed: {e}"))??;
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

    // The programme year: targets (where a province has none for the year
    // yet, e.g. from the demo), activities, mentors and their work.
    let skip_targets: HashSet<String> = targets::Entity::find()
        .filter(targets::Column::Year.eq(cal.year))
        .all(&*tx)
        .await?
        .into_iter()
        .map(|t| t.province_code)
        .collect();
    let (work, mentors) = programme_of(
        &mut prng,
        &cal,
        &members,
        &skip_targets,
        &password::hash(super::DEMO_PASSWORD)?,
    );
    drop(members);
    let mentor_count = mentors.len();
    programme_counts.add(&work.counts());
    insert_chunked(&tx, mentors).await?;
    work.write(&tx).await?;

    // What is published now: listings and orders go to those products, and
    // the listings must be in place before the feed renders them.
    // A guess of the generator's that the rule does not bear out (the
    // day turned during the load) is undone before the feed is written.
    let today = crate::publication::today();
    products::Entity::update_many()
        .col_expr(products::Column::InFeed, Expr::value(false))
        .filter(products::Column::Sku.like("P%"))
        .filter(products::Column::InFeed.eq(true))
        .filter(crate::publication::published(today).not())
        .exec(&*tx)
        .await?;
    let published: Vec<(Uuid, Uuid, String, i64)> = products::Entity::find()
        .select_only()
        .columns([
            products::Column::Id,
            products::Column::PesantrenId,
            products::Column::ProvinceCode,
            products::Column::PriceIdr,
        ])
        .filter(products::Column::Sku.like("P%"))
        .filter(crate::publication::published(today))
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
        feed::publish_loaded(&tx, chunk).await?;
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
            "activities": programme_counts.activities,
            "deals": programme_counts.deals,
            "mentors": mentor_count,
            "enterprises": programme_counts.enterprises,
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
    let p = &programme_counts;
    Ok(format!(
        "Loaded scale {scale} in {:.1} s: {pesantren} pesantren in {} provinces, {santri} santri, \
         {koperasi} koperasi, {products} products ({published} published), {certifications} \
         certifications, {listings} partner listings, {orders} orders.\n\
         Programme {}: targets for {} provinces, {} activities with {} participants, {} deals \
         ({} reported; {} confirmed), {mentor_count} mentors with {} assignments and {} \
         sessions, {} alumni enterprises ({} social).\n\
         Accounts (password {}): pesantren_manager {SCALE_MANAGER_EMAIL}; mentors \
         mentor<n>.p<province>.scale@opop.local (mentor1.p{}.scale@opop.local, …); partners {} \
         (client secret {DEMO_PARTNER_SECRET}).",
        started.elapsed().as_secs_f64(),
        PROVINCE_CODES.len().min(pesantren),
        cal.year,
        p.targets,
        p.activities,
        p.participants,
        p.deals,
        p.reported_deals,
        programme::rupiah(p.confirmed_total()),
        p.assignments,
        p.sessions,
        p.enterprises,
        p.social_enterprises,
        super::DEMO_PASSWORD,
        PROVINCE_CODES[0],
        SCALE_PARTNERS.map(|p| p.0).join(", "),
    ))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use entity::{
        activities, activity_participants, deals, enterprises, mentor_assignments,
        mentoring_sessions, DealStatus, SantriStatus,
    };
    use sea_orm::PaginatorTrait;

    use super::*;

    #[tokio::test]
    async fn a_small_scale_load_beside_the_demo_has_a_consistent_programme() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scale.db");
        let db = db::connect_url(&format!("sqlite://{}?mode=rwc", path.display()), 5)
            .await
            .unwrap();
        db::migrate(&db).await.unwrap();
        // The demo first: its targets for 35, 32 and 63 are kept.
        super::super::seed_demo(&db, &super::super::test_vault())
            .await
            .unwrap();
        let demo_activities = activities::Entity::find().count(&db).await.unwrap();
        let summary = seed_scale(&db, 0.02, &super::super::test_vault())
            .await
            .unwrap();
        println!("{summary}");
        assert!(summary.contains("Programme"), "{summary}");

        let all_p = pesantren::Entity::find().all(&db).await.unwrap();
        let by_id: HashMap<Uuid, &pesantren::Model> = all_p.iter().map(|p| (p.id, p)).collect();
        let san = santri::Entity::find().all(&db).await.unwrap();
        let santri_of: HashMap<Uuid, &santri::Model> = san.iter().map(|s| (s.id, s)).collect();
        let prods = products::Entity::find().all(&db).await.unwrap();
        let prod_by_id: HashMap<Uuid, &products::Model> = prods.iter().map(|p| (p.id, p)).collect();
        let acts = activities::Entity::find().all(&db).await.unwrap();
        let parts = activity_participants::Entity::find()
            .all(&db)
            .await
            .unwrap();
        let dls = deals::Entity::find().all(&db).await.unwrap();
        let assigns = mentor_assignments::Entity::find().all(&db).await.unwrap();
        let sessions = mentoring_sessions::Entity::find().all(&db).await.unwrap();
        let ents = enterprises::Entity::find().all(&db).await.unwrap();
        let tgts = targets::Entity::find().all(&db).await.unwrap();
        let today = crate::publication::today();
        assert!(acts.len() as u64 >= demo_activities + 3 * PROVINCE_CODES.len() as u64);

        // The feed holds exactly the products marked as in it (the loader
        // writes its guess of the flag; the feed must bear it out).
        let entries: HashSet<Uuid> = entity::catalog_entries::Entity::find()
            .all(&db)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.product_id)
            .collect();
        let marked: HashSet<Uuid> = prods.iter().filter(|p| p.in_feed).map(|p| p.id).collect();
        assert_eq!(entries, marked);
        assert!(!marked.is_empty());

        // Region codes and NIKs name real regions, so they pass the API's checks.
        for p in &all_p {
            assert!(crate::ids::validate_regency_code(&p.regency_code).is_ok());
            assert!(p.regency_code.starts_with(&p.province_code));
            let district = p.district_code.as_deref().unwrap();
            assert!(crate::ids::validate_district_code(district).is_ok());
            assert!(district.starts_with(&p.regency_code));
        }
        // Sealed on the way in, and opened with the key that sealed them.
        let vault = super::super::test_vault();
        for s in &san {
            assert!(s.nik_legacy.is_none());
            let nik = vault.open(s.id, s.nik_sealed.as_deref().unwrap()).unwrap();
            assert!(crate::ids::validate_nik(&nik).is_ok());
            assert_eq!(s.nik_last4.as_deref(), Some(&nik[12..]));
        }
        for a in &acts {
            if let Some(r) = &a.regency_code {
                assert!(crate::ids::validate_regency_code(r).is_ok(), "{r}");
            }
        }
        assert!(!dls.is_empty() && !sessions.is_empty() && !ents.is_empty());

        // Targets: one row for each province with pesantren, this year.
        let provinces: HashSet<&str> = all_p.iter().map(|p| p.province_code.as_str()).collect();
        for p in &provinces {
            let of = tgts
                .iter()
                .filter(|t| t.province_code == *p && t.year == today.year())
                .count();
            assert_eq!(of, 1, "{p}");
        }

        // Every province has a done training, an expo and a business matching.
        for p in &provinces {
            for kind in [
                ActivityKind::Training,
                ActivityKind::Expo,
                ActivityKind::BusinessMatching,
            ] {
                assert!(
                    acts.iter().any(|a| a.province_code == *p
                        && a.kind == kind
                        && a.status == ActivityStatus::Done),
                    "{p} {kind:?}"
                );
            }
        }

        // Places: enrolled is the number of participants, within capacity.
        for a in &acts {
            let mine: Vec<_> = parts.iter().filter(|p| p.activity_id == a.id).collect();
            assert_eq!(a.enrolled as usize, mine.len(), "{}", a.title);
            assert!(a.capacity.is_none_or(|c| a.enrolled <= c), "{}", a.title);
            assert!(a.starts_on <= a.ends_on);
            assert!(a.registration_closes_on.is_none_or(|d| d <= a.ends_on));
            assert_eq!(a.online, a.location.is_none());
            let distinct: HashSet<Uuid> = mine.iter().map(|p| p.pesantren_id).collect();
            assert_eq!(distinct.len(), mine.len());
            for p in &mine {
                assert_eq!(by_id[&p.pesantren_id].province_code, a.province_code);
                assert_eq!(p.province_code, a.province_code);
                let ids: Vec<Uuid> = serde_json::from_value(p.santri_ids.clone()).unwrap();
                assert_eq!(p.santri_count as usize, ids.len());
                for id in &ids {
                    assert_eq!(santri_of[id].pesantren_id, p.pesantren_id);
                }
            }
        }

        // Deals: sold by a participant, of its own products.
        let act_by_id: HashMap<Uuid, &activities::Model> = acts.iter().map(|a| (a.id, a)).collect();
        for d in &dls {
            let a = act_by_id[&d.activity_id];
            assert!(a.kind.takes_deals());
            assert!(parts
                .iter()
                .any(|p| p.activity_id == a.id && p.pesantren_id == d.pesantren_id));
            if let Some(pid) = d.product_id {
                assert_eq!(prod_by_id[&pid].pesantren_id, d.pesantren_id);
            }
            assert_eq!(d.confirmed_at.is_some(), d.status == DealStatus::Confirmed);
        }

        // Mentors: sessions within an assignment of theirs.
        let mentors = users::Entity::find()
            .filter(users::Column::Role.eq(Role::Mentor))
            .all(&db)
            .await
            .unwrap();
        assert!(mentors.len() >= 3 + provinces.len());
        for a in &assigns {
            let m = mentors.iter().find(|m| m.id == a.mentor_id).unwrap();
            assert_eq!(m.province_code.as_deref(), Some(a.province_code.as_str()));
            assert_eq!(by_id[&a.pesantren_id].province_code, a.province_code);
        }
        for s in &sessions {
            assert!(s.held_on < today);
            assert!(assigns.iter().any(|a| a.mentor_id == s.mentor_id
                && a.pesantren_id == s.pesantren_id
                && a.starts_on <= s.held_on
                && a.ends_on.is_none_or(|e| e >= s.held_on)));
        }

        // Enterprises: only of alumni.
        for e in &ents {
            let owner = santri_of[&e.santri_id];
            assert_eq!(owner.status, SantriStatus::Alumni);
            assert_eq!(e.pesantren_id, owner.pesantren_id);
            assert!(e.started_on < today);
        }

        // A second load is refused and changes nothing.
        let again = seed_scale(&db, 0.02, &super::super::test_vault())
            .await
            .unwrap();
        assert!(again.contains("already loaded"), "{again}");
        assert_eq!(
            activities::Entity::find().count(&db).await.unwrap() as usize,
            acts.len()
        );
    }
}
