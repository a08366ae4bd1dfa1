//! The programme's year in the demo and scale data sets: targets per
//! province, activities (trainings, expos, business matchings, …) with the
//! pesantren enrolled and the deals signed, mentors' assignments and
//! sessions, and the enterprises of alumni.
//!
//! The rows follow the rules the API enforces when people make them:
//! participants are pesantren of the activity's province sending santri of
//! their own, `enrolled` counts them and never exceeds `capacity`, deals are
//! sold by a participant (naming one of its products or none), sessions are
//! held within an assignment of their mentor, and only alumni have
//! enterprises. Dates are of the seed's own clock: what is done lies in the
//! current year before today, what is open or planned lies ahead.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::{
    activities, activity_participants, deals, enterprises, mentor_assignments, mentoring_sessions,
    pesantren, products, santri, targets, ActivityKind, ActivityStatus, BuyerKind, DealKind,
    DealStatus, EnterpriseKind, PesantrenStatus, ProductStatus, SantriStatus,
};
use sea_orm::{ConnectionTrait, DatabaseTransaction, DbBackend, Set, Statement};
use serde_json::json;
use uuid::Uuid;

use super::{add_years, days, insert_statements, province_name, Rng, VILLAGES};
use crate::audit::Entry;
use crate::db;

// ---------------------------------------------------------------------------
// The calendar of the seed.

/// The seed's clock: today and the current programme year.
#[derive(Clone, Copy)]
pub(super) struct Calendar {
    pub now: DateTime<Utc>,
    pub today: NaiveDate,
    pub year: i32,
    first: NaiveDate,
}

impl Calendar {
    pub fn new(now: DateTime<Utc>) -> Self {
        // The programme's day is Indonesia's (WIB), as the figures count it.
        let today = crate::publication::day_of(now);
        let year = today.year();
        Self {
            now,
            today,
            year,
            first: NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(today),
        }
    }

    /// The last day that lies in the past within the year: yesterday, or
    /// today on the 1st of January.
    fn last_past(&self) -> NaiveDate {
        (self.today - days(1)).max(self.first)
    }

    /// A day of the year so far: `permille` of the way from the 1st of
    /// January to yesterday.
    pub fn past(&self, permille: i64) -> NaiveDate {
        let span = (self.last_past() - self.first).num_days();
        self.first + days(span * permille.clamp(0, 1000) / 1000)
    }

    /// The last day of something held in the past that starts on `start`
    /// and lasts `len` days (shorter if it would reach today).
    pub fn past_end(&self, start: NaiveDate, len: i64) -> NaiveDate {
        (start + days(len.max(1) - 1))
            .min(self.last_past())
            .max(start)
    }

    /// Days from today to the last day something lasting `len` days may
    /// start on and still end within the year (negative when too late).
    pub fn days_left(&self, len: i64) -> i64 {
        (add_years(self.first, 1) - days(len.max(1)) - self.today).num_days()
    }

    /// The first day of something ahead that lasts `len` days: `offset`
    /// days from today, brought forward to end within the year when there
    /// is room (never sooner than two days from today).
    pub fn ahead(&self, offset: i64, len: i64) -> NaiveDate {
        self.today + days(offset.min(self.days_left(len)).max(2))
    }

    /// A day that surely lies ahead of today: in the next year.
    fn next_year(&self, day_of_year: i64) -> NaiveDate {
        add_years(self.first, 1) + days(day_of_year.clamp(0, 360))
    }

    /// `hour` o'clock (UTC) of `day`, never after now.
    pub fn at(&self, day: NaiveDate, hour: u32) -> DateTime<Utc> {
        day.and_hms_opt(hour.min(23), 0, 0)
            .map(|t| t.and_utc())
            .unwrap_or(self.now)
            .min(self.now)
    }
}

// ---------------------------------------------------------------------------
// What the programme needs to know of a pesantren.

/// A pesantren as the programme sees it.
pub(super) struct Member {
    pub id: Uuid,
    pub province: String,
    pub regency: String,
    pub status: PesantrenStatus,
    /// Some of its active santri: those it sends to trainings.
    pub students: Vec<Uuid>,
    /// Some of its santripreneurs (students or alumni): those who sell at
    /// expos and business matchings.
    pub entrepreneurs: Vec<Uuid>,
    /// Some of its approved products (others when none is approved).
    pub products: Vec<Uuid>,
    /// Every santri, alumni and santripreneur (not only those kept above).
    pub santri_total: usize,
    pub alumni: usize,
    pub santripreneurs: usize,
}

impl Member {
    /// May take part in activities: not suspended.
    fn eligible(&self) -> bool {
        self.status != PesantrenStatus::Suspended
    }

    /// Sells at expos and business matchings: verified.
    fn sells(&self) -> bool {
        self.status == PesantrenStatus::Verified
    }
}

/// The members among the rows of a plan (or a block), keeping at most
/// `keep` ids of each kind per pesantren.
pub(super) fn members(
    pesantren_rows: &[pesantren::ActiveModel],
    santri_rows: &[santri::ActiveModel],
    product_rows: &[products::ActiveModel],
    keep: usize,
) -> Vec<Member> {
    let mut out: Vec<Member> = Vec::with_capacity(pesantren_rows.len());
    let mut index: HashMap<Uuid, usize> = HashMap::with_capacity(pesantren_rows.len());
    for p in pesantren_rows {
        let (Some(id), Some(province), Some(regency), Some(status)) = (
            p.id.clone().take(),
            p.province_code.clone().take(),
            p.regency_code.clone().take(),
            p.status.clone().take(),
        ) else {
            continue;
        };
        index.insert(id, out.len());
        out.push(Member {
            id,
            province,
            regency,
            status,
            students: Vec::new(),
            entrepreneurs: Vec::new(),
            products: Vec::new(),
            santri_total: 0,
            alumni: 0,
            santripreneurs: 0,
        });
    }
    for s in santri_rows {
        let (Some(id), Some(owner), Some(status)) = (
            s.id.clone().take(),
            s.pesantren_id.clone().take(),
            s.status.clone().take(),
        ) else {
            continue;
        };
        let Some(m) = index.get(&owner).map(|&i| &mut out[i]) else {
            continue;
        };
        m.santri_total += 1;
        if status == SantriStatus::Alumni {
            m.alumni += 1;
        } else if m.students.len() < keep {
            m.students.push(id);
        }
        if s.is_santripreneur.clone().take() == Some(true) {
            m.santripreneurs += 1;
            if m.entrepreneurs.len() < keep {
                m.entrepreneurs.push(id);
            }
        }
    }
    let mut approved: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    let mut others: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for p in product_rows {
        let (Some(id), Some(owner)) = (p.id.clone().take(), p.pesantren_id.clone().take()) else {
            continue;
        };
        let list = if p.status.clone().take() == Some(ProductStatus::Approved) {
            approved.entry(owner).or_default()
        } else {
            others.entry(owner).or_default()
        };
        list.push(id);
    }
    for m in &mut out {
        let mut list = approved
            .remove(&m.id)
            .or_else(|| others.remove(&m.id))
            .unwrap_or_default();
        list.truncate(keep);
        m.products = list;
    }
    out
}

/// The members of each province, in a stable order.
pub(super) fn by_province(members: &[Member]) -> BTreeMap<&str, Vec<&Member>> {
    let mut out: BTreeMap<&str, Vec<&Member>> = BTreeMap::new();
    for m in members {
        out.entry(m.province.as_str()).or_default().push(m);
    }
    out
}

// ---------------------------------------------------------------------------
// Fixed tables.

use BuyerKind::{Export, Government, Marketplace, Offtaker, Retailer};
use DealKind::{Commitment, Contract, Transaction};

/// What is agreed at a business matching, and the usual range of its value.
#[rustfmt::skip]
pub(super) const MATCHING_DEALS: &[(BuyerKind, DealKind, (i64, i64))] = &[
    (Export, Contract, (800_000_000, 3_000_000_000)),
    (Offtaker, Contract, (600_000_000, 2_500_000_000)),
    (Government, Commitment, (400_000_000, 2_000_000_000)),
    (Retailer, Contract, (200_000_000, 1_200_000_000)),
    (Offtaker, Commitment, (300_000_000, 1_500_000_000)),
    (Marketplace, Commitment, (100_000_000, 600_000_000)),
    (Retailer, Transaction, (20_000_000, 150_000_000)),
    (Marketplace, Transaction, (10_000_000, 80_000_000)),
    (Export, Commitment, (500_000_000, 2_000_000_000)),
    (Government, Contract, (300_000_000, 1_500_000_000)),
];

/// What is agreed at an expo: mostly sales on the spot.
#[rustfmt::skip]
pub(super) const EXPO_DEALS: &[(BuyerKind, DealKind, (i64, i64))] = &[
    (BuyerKind::Other, Transaction, (2_000_000, 25_000_000)),
    (Retailer, Transaction, (5_000_000, 60_000_000)),
    (Marketplace, Commitment, (25_000_000, 150_000_000)),
    (Offtaker, Commitment, (50_000_000, 300_000_000)),
];

/// Deals a pesantren reports itself and staff have not confirmed yet.
#[rustfmt::skip]
const REPORTED_DEALS: &[(BuyerKind, DealKind, (i64, i64))] = &[
    (Retailer, Commitment, (60_000_000, 400_000_000)),
    (Offtaker, Transaction, (25_000_000, 150_000_000)),
];

fn buyer_name(rng: &mut Rng, kind: BuyerKind, province: &str) -> String {
    let place = province_label(province);
    match kind {
        Offtaker => rng
            .pick(&[
                "PT Agro Boga Nusantara",
                "PT Sinar Niaga Sejahtera",
                "PT Kopi Rakyat Nusantara",
                "CV Berkah Tani Mandiri",
                "PT Herbal Sehat Indonesia",
                "PT Pangan Halal Sentosa",
                "PT Mitra Tekstil Santri",
            ])
            .to_string(),
        Retailer => rng
            .pick(&[
                "PT Swalayan Amanah Jaya",
                "PT Ritel Umat Bersatu",
                "Koperasi Ritel Syariah Mandiri",
                "PT Mitra Ritel Berkah",
                "Jaringan Toko Oleh-oleh Nusantara",
                "PT Grosir Sembako Barokah",
            ])
            .to_string(),
        Marketplace => rng
            .pick(&["Shopee Indonesia", "Tokopedia", "Blibli", "Bukalapak"])
            .to_string(),
        Government => match rng.below(4) {
            0 => format!("Dinas Koperasi dan UKM {place}"),
            1 => format!("Dinas Ketahanan Pangan {place}"),
            2 => format!("Dinas Sosial {place}"),
            _ => "Badan Pangan Nasional".to_string(),
        },
        Export => rng
            .pick(&[
                "Al-Barakah General Trading LLC (Uni Emirat Arab)",
                "Halal Mart Trading Sdn Bhd (Malaysia)",
                "Jeddah Food Import Co. (Arab Saudi)",
                "Brunei Halal Foods Sdn Bhd (Brunei Darussalam)",
                "Nusantara Halal Foods Pte Ltd (Singapura)",
            ])
            .to_string(),
        BuyerKind::Other => rng
            .pick(&[
                "Pengunjung pameran (penjualan langsung)",
                "Yayasan Baitul Maal Nusantara",
                "Lembaga Amil Zakat Al-Ihsan",
            ])
            .to_string(),
    }
}

/// "Provinsi Jawa Barat", or the code for provinces the demo has no name of.
fn province_label(code: &str) -> String {
    match province_name(code) {
        "Indonesia" => format!("Provinsi {code}"),
        name => format!("Provinsi {name}"),
    }
}

/// Topics of mentoring sessions: topic, notes, follow-up.
#[rustfmt::skip]
const SESSIONS: &[(&str, &str, Option<&str>)] = &[
    ("Pencatatan keuangan koperasi",
     "Mendampingi bendahara kopontren menyusun buku kas harian dan laporan laba rugi bulanan dengan format sederhana.",
     Some("Bendahara mengirim laporan bulan berjalan sebelum kunjungan berikutnya.")),
    ("Pengurusan sertifikat halal",
     "Memeriksa kelengkapan dokumen pengajuan sertifikat halal skema self declare melalui SIHALAL; daftar bahan sudah lengkap, foto proses produksi belum ada.",
     Some("Unggah foto proses produksi dan hubungi pendamping proses produk halal (PPH).")),
    ("Desain kemasan dan label",
     "Meninjau label kemasan produk unggulan: komposisi, berat bersih, tanggal kedaluwarsa dan nomor P-IRT. Disepakati desain baru dengan warna khas pesantren.",
     Some("Cetak 100 contoh kemasan baru untuk uji pasar.")),
    ("Pemasaran di marketplace",
     "Melatih dua santri mengelola toko daring: foto produk, judul, deskripsi dan cara membalas pesan pembeli.",
     Some("Tambahkan lima produk ke toko daring dan pantau penjualan selama dua minggu.")),
    ("Perhitungan harga pokok produksi",
     "Menghitung HPP keripik dan sambal bersama tim produksi; harga jual dinaikkan 8% agar margin menutup biaya kemasan.",
     None),
    ("Persiapan temu bisnis",
     "Menyiapkan profil usaha, daftar harga grosir dan kapasitas produksi bulanan untuk ditawarkan kepada calon pembeli.",
     Some("Siapkan sampel produk dan surat penawaran harga.")),
    ("Standar produksi dan kebersihan",
     "Kunjungan ke dapur produksi: alur bahan, pemisahan area bersih dan kotor, penggunaan sarung tangan dan penutup kepala.",
     Some("Pasang papan SOP kebersihan di dapur produksi.")),
    ("Penguatan kelembagaan koperasi",
     "Membahas persiapan rapat anggota tahunan, pembagian SHU dan pembaruan data anggota kopontren.",
     None),
    ("Rencana bisnis tahunan",
     "Menyusun target produksi dan penjualan per triwulan bersama pengasuh dan pengurus koperasi.",
     Some("Rampungkan rencana bisnis dan sampaikan ke dinas koperasi.")),
    ("Akses permodalan syariah",
     "Membandingkan skema pembiayaan BPRS, BMT dan KUR syariah untuk pembelian mesin pengemas.",
     Some("Lengkapi dokumen pengajuan pembiayaan ke BPRS.")),
    ("Kemitraan dengan pembeli",
     "Menindaklanjuti kontrak hasil temu bisnis: jadwal pengiriman, standar mutu dan syarat pembayaran.",
     Some("Kirim jadwal produksi tiga bulan ke pembeli.")),
];

/// Social enterprises of alumni: name (`{v}` is their village), description.
#[rustfmt::skip]
const SOCIAL: &[(&str, &str)] = &[
    ("Bank Sampah {v}", "Bank sampah warga: sampah rumah tangga dipilah, ditimbang dan ditabung; hasilnya untuk kas warga dan santunan anak yatim."),
    ("Taman Baca Santri {v}", "Taman baca dan les gratis untuk anak-anak desa setiap sore, dikelola bersama remaja masjid."),
    ("Kelompok Tani Muda {v}", "Kelompok tani pemuda yang mengelola lahan tidur desa dengan pertanian organik dan berbagi hasil panen."),
    ("Rumah Belajar Al-Qur'an {v}", "Tempat belajar mengaji dan baca tulis bagi anak dan lansia, tanpa biaya."),
    ("Lumbung Pangan {v}", "Lumbung beras warga yang meminjamkan gabah saat paceklik dan dikembalikan sesudah panen."),
    ("Koperasi Perajin {v}", "Wadah perajin desa untuk membeli bahan bersama dan memasarkan hasil kerajinan."),
];

/// Business enterprises of alumni: name (`{v}` is their village), description.
#[rustfmt::skip]
const BUSINESS: &[(&str, &str)] = &[
    ("Kedai Kopi Santri {v}", "Kedai kopi kecil yang menyangrai sendiri kopi dari petani sekitar."),
    ("Katering Barokah {v}", "Katering nasi kotak untuk pengajian, hajatan dan kantor."),
    ("Busana Muslim {v}", "Usaha jahit dan jual busana muslim, sebagian besar melalui toko daring."),
    ("Ternak Lele Bioflok {v}", "Budi daya lele sistem bioflok dengan enam kolam terpal."),
    ("Jasa Desain dan Sablon {v}", "Desain grafis, sablon kaos dan cetak banner untuk UMKM dan sekolah."),
    ("Toko Daring Oleh-oleh {v}", "Penjualan daring makanan khas daerah dari produsen rumahan."),
];

/// The village of a santri, from an address written as `Desa X, …`.
fn village_of(rng: &mut Rng, s: &santri::ActiveModel) -> String {
    s.address
        .clone()
        .take()
        .flatten()
        .and_then(|a| {
            a.strip_prefix("Desa ")
                .and_then(|a| a.split(',').next())
                .map(str::to_string)
        })
        .unwrap_or_else(|| rng.pick(VILLAGES).to_string())
}

// ---------------------------------------------------------------------------
// The rows.

/// An activity to add.
pub(super) struct ActivitySpec {
    pub kind: ActivityKind,
    pub title: String,
    pub description: String,
    pub province: String,
    pub regency: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Where it is held; none when online.
    pub location: Option<String>,
    pub capacity: Option<i32>,
    pub closes_on: Option<NaiveDate>,
    pub public: bool,
    pub status: ActivityStatus,
    /// Staff who created it and enrol, confirm and assign for it.
    pub staff: Option<Uuid>,
}

/// An activity added, for the deals made at it.
pub(super) struct Held<'a> {
    pub id: Uuid,
    pub province: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub staff: Option<Uuid>,
    pub participants: Vec<&'a Member>,
}

/// A mentor's share of the programme.
pub(super) struct Mentoring {
    pub mentor: Uuid,
    /// Admin who made the assignments.
    pub admin: Option<Uuid>,
    /// Assignments that hold today.
    pub current: usize,
    /// One assignment that has ended.
    pub ended: bool,
    /// Sessions per assignment.
    pub sessions: (i64, i64),
}

/// The targets of a province for the year.
#[derive(Clone, Copy)]
pub(super) struct TargetValues {
    pub verified_pesantren: i64,
    pub flagship_products: i64,
    pub santripreneurs: i64,
    pub sociopreneurs: i64,
    pub trained_santri: i64,
    pub deal_value_idr: i64,
}

/// The rows of a programme year, written with [`Programme::write`].
#[derive(Default)]
pub(super) struct Programme {
    pub targets: Vec<targets::ActiveModel>,
    pub activities: Vec<activities::ActiveModel>,
    pub participants: Vec<activity_participants::ActiveModel>,
    pub deals: Vec<deals::ActiveModel>,
    pub assignments: Vec<mentor_assignments::ActiveModel>,
    pub sessions: Vec<mentoring_sessions::ActiveModel>,
    pub enterprises: Vec<enterprises::ActiveModel>,
    /// The demo manager and their pesantren: they enrol it and report its
    /// deals themselves.
    pub manager: Option<(Uuid, Uuid)>,
}

/// Counts of a programme, for the summaries.
#[derive(Default, Debug, Clone)]
pub(super) struct ProgrammeCounts {
    pub targets: usize,
    pub activities: usize,
    pub participants: usize,
    pub deals: usize,
    pub reported_deals: usize,
    pub assignments: usize,
    pub sessions: usize,
    pub enterprises: usize,
    pub social_enterprises: usize,
    /// Confirmed deal value per province, whole rupiah.
    pub confirmed_idr: BTreeMap<String, i64>,
}

impl ProgrammeCounts {
    pub fn add(&mut self, other: &ProgrammeCounts) {
        self.targets += other.targets;
        self.activities += other.activities;
        self.participants += other.participants;
        self.deals += other.deals;
        self.reported_deals += other.reported_deals;
        self.assignments += other.assignments;
        self.sessions += other.sessions;
        self.enterprises += other.enterprises;
        self.social_enterprises += other.social_enterprises;
        for (p, v) in &other.confirmed_idr {
            *self.confirmed_idr.entry(p.clone()).or_default() += v;
        }
    }

    pub fn confirmed_total(&self) -> i64 {
        self.confirmed_idr.values().sum()
    }
}

impl Programme {
    /// The targets of `province` for the calendar's year.
    pub fn target(
        &mut self,
        cal: &Calendar,
        province: &str,
        t: TargetValues,
        updated_by: Option<Uuid>,
    ) {
        self.targets.push(targets::ActiveModel {
            id: Set(db::new_id()),
            province_code: Set(province.to_string()),
            year: Set(cal.year),
            verified_pesantren: Set(Some(t.verified_pesantren)),
            flagship_products: Set(Some(t.flagship_products)),
            santripreneurs: Set(Some(t.santripreneurs)),
            sociopreneurs: Set(Some(t.sociopreneurs)),
            trained_santri: Set(Some(t.trained_santri)),
            deal_value_idr: Set(Some(t.deal_value_idr)),
            updated_by: Set(updated_by),
            created_at: Set(cal.now),
            updated_at: Set(cal.now),
            version: Set(1),
        });
    }

    /// Forgets the targets of the provinces in `provinces` (they exist
    /// already).
    pub fn drop_targets(&mut self, provinces: &[String]) {
        self.targets.retain(|t| {
            t.province_code
                .clone()
                .take()
                .is_none_or(|p| !provinces.contains(&p))
        });
    }

    /// Adds an activity with up to `wanted` participants from `pool`
    /// (those of its province who may take part, `first` first if among
    /// them), never more than its capacity. Planned and cancelled
    /// activities have nobody enrolled. Each participant sends
    /// `santri_each` santri of its own; those of a finished activity
    /// attended with a probability of `attend_percent`.
    #[allow(clippy::too_many_arguments)]
    pub fn activity<'a>(
        &mut self,
        rng: &mut Rng,
        cal: &Calendar,
        spec: ActivitySpec,
        pool: &[&'a Member],
        first: Option<Uuid>,
        wanted: usize,
        santri_each: (i64, i64),
        attend_percent: u64,
    ) -> Held<'a> {
        let id = db::new_id();
        let sells = spec.kind.takes_deals();
        let mut candidates: Vec<&'a Member> = pool
            .iter()
            .copied()
            .filter(|m| m.province == spec.province)
            .filter(|m| if sells { m.sells() } else { m.eligible() })
            .collect();
        rng.shuffle(&mut candidates);
        if let Some(pos) = first.and_then(|f| candidates.iter().position(|m| m.id == f)) {
            let m = candidates.remove(pos);
            candidates.insert(0, m);
        }
        let room = spec
            .capacity
            .map_or(usize::MAX, |c| usize::try_from(c.max(0)).unwrap_or(0));
        let takes = match spec.status {
            ActivityStatus::Planned | ActivityStatus::Cancelled => 0,
            _ => wanted.min(room),
        };
        candidates.truncate(takes);

        let enrol_by = spec.closes_on.unwrap_or(spec.starts_on).min(cal.today);
        for m in &candidates {
            let pick_from = if sells && !m.entrepreneurs.is_empty() {
                &m.entrepreneurs
            } else {
                &m.students
            };
            let mut sent = pick_from.clone();
            rng.shuffle(&mut sent);
            sent.truncate(rng.range(santri_each.0, santri_each.1).max(0) as usize);
            let attended =
                (spec.status == ActivityStatus::Done).then(|| rng.percent(attend_percent));
            let enrolled_at = cal.at(enrol_by - days(rng.range(0, 20)), rng.range(1, 10) as u32);
            let enrolled_by = match self.manager {
                Some((user, pesantren)) if pesantren == m.id => Some(user),
                _ => spec.staff,
            };
            self.participants.push(activity_participants::ActiveModel {
                id: Set(db::new_id()),
                activity_id: Set(id),
                pesantren_id: Set(m.id),
                province_code: Set(m.province.clone()),
                santri_count: Set(i32::try_from(sent.len()).unwrap_or(i32::MAX)),
                santri_ids: Set(json!(sent)),
                attended: Set(attended),
                enrolled_at: Set(enrolled_at),
                enrolled_by: Set(enrolled_by),
                created_at: Set(cal.now),
                updated_at: Set(cal.now),
                version: Set(1),
            });
        }
        self.activities.push(activities::ActiveModel {
            id: Set(id),
            kind: Set(spec.kind),
            title: Set(spec.title),
            description: Set(Some(spec.description)),
            province_code: Set(spec.province.clone()),
            regency_code: Set(spec.regency),
            starts_on: Set(spec.starts_on),
            ends_on: Set(spec.ends_on),
            online: Set(spec.location.is_none()),
            location: Set(spec.location),
            capacity: Set(spec.capacity),
            registration_closes_on: Set(spec.closes_on),
            public: Set(spec.public),
            status: Set(spec.status),
            enrolled: Set(i32::try_from(candidates.len()).unwrap_or(i32::MAX)),
            created_by: Set(spec.staff),
            created_at: Set(cal.now),
            updated_at: Set(cal.now),
            version: Set(1),
        });
        Held {
            id,
            province: spec.province,
            starts_on: spec.starts_on,
            ends_on: spec.ends_on,
            staff: spec.staff,
            participants: candidates,
        }
    }

    /// Adds `n` deals confirmed by the activity's staff, sold by its
    /// participants in turn: of the kinds of `menu` (each once before any
    /// twice), worth `total` together when given (rounded to whole
    /// millions, spot sales to Rp50,000), else what each usually is. Then
    /// `reported` deals not confirmed yet, the demo manager's pesantren's
    /// first when it took part.
    #[allow(clippy::too_many_arguments)]
    pub fn deals(
        &mut self,
        rng: &mut Rng,
        cal: &Calendar,
        at: &Held<'_>,
        menu: &[(BuyerKind, DealKind, (i64, i64))],
        n: usize,
        total: Option<i64>,
        reported: usize,
    ) {
        if at.participants.is_empty() || menu.is_empty() {
            return;
        }
        let mut sellers = at.participants.clone();
        rng.shuffle(&mut sellers);
        let mut order: Vec<usize> = (0..menu.len()).collect();
        rng.shuffle(&mut order);
        let mut drafts: Vec<(BuyerKind, DealKind, i64)> = (0..n)
            .map(|k| {
                let (buyer, kind, range) = menu[if k < order.len() {
                    order[k]
                } else {
                    rng.below(menu.len() as u64) as usize
                }];
                (buyer, kind, rng.range(range.0, range.1))
            })
            .collect();
        let raw: i128 = drafts.iter().map(|d| i128::from(d.2)).sum();
        for d in &mut drafts {
            let unit = if d.1 == Transaction {
                50_000
            } else {
                1_000_000
            };
            let value = match total {
                Some(t) if raw > 0 => {
                    let share = i128::from(d.2) * i128::from(t) / raw;
                    i64::try_from(share).unwrap_or(d.2)
                }
                _ => d.2,
            };
            d.2 = ((value + unit / 2) / unit * unit).max(unit);
        }
        let confirmer = at.staff;
        let mut buyers = HashSet::new();
        for (k, (buyer, kind, value)) in drafts.into_iter().enumerate() {
            let seller = sellers[k % sellers.len()];
            let signed = at.starts_on + days(rng.range(0, (at.ends_on - at.starts_on).num_days()));
            let confirmed_at = cal.at(signed + days(rng.range(1, 14)), rng.range(2, 9) as u32);
            self.push_deal(
                rng,
                cal,
                at,
                seller,
                (buyer, kind, value),
                &mut buyers,
                signed,
                (
                    DealStatus::Confirmed,
                    confirmer,
                    confirmer,
                    Some(confirmed_at),
                ),
            );
        }
        if let Some((_, pesantren)) = self.manager {
            if let Some(pos) = sellers.iter().position(|m| m.id == pesantren) {
                let m = sellers.remove(pos);
                sellers.insert(0, m);
            }
        }
        for k in 0..reported {
            let seller = sellers[k % sellers.len()];
            let (buyer, kind, range) = REPORTED_DEALS[k % REPORTED_DEALS.len()];
            let value = rng.range(range.0, range.1) / 1_000_000 * 1_000_000;
            let signed = at.ends_on;
            let reporter = self
                .manager
                .and_then(|(user, pesantren)| (pesantren == seller.id).then_some(user));
            self.push_deal(
                rng,
                cal,
                at,
                seller,
                (buyer, kind, value.max(1_000_000)),
                &mut buyers,
                signed,
                (DealStatus::Reported, reporter, None, None),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push_deal(
        &mut self,
        rng: &mut Rng,
        cal: &Calendar,
        at: &Held<'_>,
        seller: &Member,
        (buyer, kind, value): (BuyerKind, DealKind, i64),
        buyers: &mut HashSet<String>,
        signed_on: NaiveDate,
        (status, reported_by, confirmed_by, confirmed_at): (
            DealStatus,
            Option<Uuid>,
            Option<Uuid>,
            Option<DateTime<Utc>>,
        ),
    ) {
        let names_product =
            !seller.products.is_empty() && rng.percent(if kind == Commitment { 40 } else { 75 });
        let product_id = names_product.then(|| *rng.pick(&seller.products));
        // A buyer not yet met at this activity, if a few tries find one.
        let mut name = buyer_name(rng, buyer, &at.province);
        for _ in 0..4 {
            if !buyers.contains(&name) {
                break;
            }
            name = buyer_name(rng, buyer, &at.province);
        }
        buyers.insert(name.clone());
        self.deals.push(deals::ActiveModel {
            id: Set(db::new_id()),
            activity_id: Set(at.id),
            pesantren_id: Set(seller.id),
            province_code: Set(seller.province.clone()),
            buyer_name: Set(name),
            buyer_kind: Set(buyer),
            product_id: Set(product_id),
            value_idr: Set(value),
            kind: Set(kind),
            signed_on: Set(signed_on),
            status: Set(status),
            reported_by: Set(reported_by),
            confirmed_by: Set(confirmed_by),
            confirmed_at: Set(confirmed_at),
            created_at: Set(cal.now),
            updated_at: Set(cal.now),
            version: Set(1),
        });
    }

    /// Assigns a mentor to pesantren of `pool` (`current` assignments that
    /// hold today and, if asked, one that has ended on another pesantren),
    /// with sessions held within each assignment, before today.
    pub fn mentoring(&mut self, rng: &mut Rng, cal: &Calendar, pool: &[&Member], m: &Mentoring) {
        let mut chosen: Vec<&Member> = pool.iter().copied().filter(|p| p.eligible()).collect();
        rng.shuffle(&mut chosen);
        chosen.truncate(m.current + usize::from(m.ended));
        let yesterday = cal.today - days(1);
        for (k, p) in chosen.iter().enumerate() {
            let (starts_on, ends_on) = if k < m.current {
                let starts = cal.today - days(rng.range(90, 400));
                let ends = rng.percent(50).then(|| cal.next_year(rng.range(150, 360)));
                (starts, ends)
            } else {
                let starts = cal.today - days(rng.range(400, 600));
                (starts, Some(cal.today - days(rng.range(20, 90))))
            };
            self.assignments.push(mentor_assignments::ActiveModel {
                id: Set(db::new_id()),
                mentor_id: Set(m.mentor),
                pesantren_id: Set(p.id),
                province_code: Set(p.province.clone()),
                starts_on: Set(starts_on),
                ends_on: Set(ends_on),
                created_by: Set(m.admin),
                created_at: Set(cal.now),
                updated_at: Set(cal.now),
                version: Set(1),
            });
            let last = ends_on.map_or(yesterday, |e| e.min(yesterday));
            let span = (last - starts_on).num_days();
            if span < 0 {
                continue;
            }
            let mut topics: Vec<usize> = (0..SESSIONS.len()).collect();
            rng.shuffle(&mut topics);
            let n = rng.range(m.sessions.0, m.sessions.1).max(0) as usize;
            let mut held: Vec<NaiveDate> = (0..n)
                .map(|_| starts_on + days(rng.range(0, span)))
                .collect();
            held.sort();
            for (held_on, &t) in held.into_iter().zip(topics.iter().cycle()) {
                let (topic, notes, follow_up) = SESSIONS[t];
                self.sessions.push(mentoring_sessions::ActiveModel {
                    id: Set(db::new_id()),
                    pesantren_id: Set(p.id),
                    province_code: Set(p.province.clone()),
                    mentor_id: Set(m.mentor),
                    held_on: Set(held_on),
                    topic: Set(topic.to_string()),
                    notes: Set(notes.to_string()),
                    follow_up: Set(follow_up.map(str::to_string)),
                    created_at: Set(cal.now),
                    updated_at: Set(cal.now),
                    version: Set(1),
                });
            }
        }
    }

    /// Enterprises of some alumni among `rows` (`percent` of them; a few
    /// run one of each kind), started after they came of age and before
    /// today.
    pub fn enterprises(
        &mut self,
        rng: &mut Rng,
        cal: &Calendar,
        rows: &[santri::ActiveModel],
        percent: u64,
    ) {
        for s in rows {
            if s.status.clone().take() != Some(SantriStatus::Alumni) || !rng.percent(percent) {
                continue;
            }
            let (Some(santri_id), Some(pesantren_id), Some(province)) = (
                s.id.clone().take(),
                s.pesantren_id.clone().take(),
                s.province_code.clone().take(),
            ) else {
                continue;
            };
            let of_age = s
                .birth_date
                .clone()
                .take()
                .flatten()
                .map(|b| add_years(b, 18));
            let village = village_of(rng, s);
            let first_kind = if rng.percent(50) {
                EnterpriseKind::Social
            } else {
                EnterpriseKind::Business
            };
            let mut kinds = vec![first_kind];
            if rng.percent(25) {
                kinds.push(match first_kind {
                    EnterpriseKind::Social => EnterpriseKind::Business,
                    EnterpriseKind::Business => EnterpriseKind::Social,
                });
            }
            for kind in kinds {
                let (name, description) = match kind {
                    EnterpriseKind::Social => rng.pick(SOCIAL),
                    EnterpriseKind::Business => rng.pick(BUSINESS),
                };
                let yesterday = cal.today - days(1);
                let mut started_on = cal.today - days(rng.range(30, 1500));
                if let Some(d) = of_age {
                    started_on = started_on.max(d);
                }
                self.enterprises.push(enterprises::ActiveModel {
                    id: Set(db::new_id()),
                    santri_id: Set(santri_id),
                    pesantren_id: Set(pesantren_id),
                    province_code: Set(province.clone()),
                    name: Set(name.replace("{v}", &village)),
                    kind: Set(kind),
                    started_on: Set(started_on.min(yesterday)),
                    description: Set(Some(description.to_string())),
                    created_at: Set(cal.now),
                    updated_at: Set(cal.now),
                    version: Set(1),
                });
            }
        }
    }

    pub fn counts(&self) -> ProgrammeCounts {
        let mut c = ProgrammeCounts {
            targets: self.targets.len(),
            activities: self.activities.len(),
            participants: self.participants.len(),
            deals: self.deals.len(),
            assignments: self.assignments.len(),
            sessions: self.sessions.len(),
            enterprises: self.enterprises.len(),
            ..Default::default()
        };
        c.social_enterprises = self
            .enterprises
            .iter()
            .filter(|e| e.kind.clone().take() == Some(EnterpriseKind::Social))
            .count();
        for d in &self.deals {
            match d.status.clone().take() {
                Some(DealStatus::Confirmed) => {
                    if let (Some(p), Some(v)) =
                        (d.province_code.clone().take(), d.value_idr.clone().take())
                    {
                        *c.confirmed_idr.entry(p).or_default() += v;
                    }
                }
                _ => c.reported_deals += 1,
            }
        }
        c
    }

    /// Audit entries of what a person would have created one by one: the
    /// activities (with their participants and deals) and the targets.
    pub fn audit_entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        for a in &self.activities {
            let (Some(id), Some(province)) = (a.id.clone().take(), a.province_code.clone().take())
            else {
                continue;
            };
            let deals = self
                .deals
                .iter()
                .filter(|d| d.activity_id.clone().take() == Some(id))
                .count();
            out.push(Entry {
                action: "seed",
                resource_type: "activity",
                resource_id: id,
                province_code: Some(province),
                changes: json!({
                    "kind": a.kind.clone().take(),
                    "title": a.title.clone().take(),
                    "status": a.status.clone().take(),
                    "enrolled": a.enrolled.clone().take(),
                    "deals": deals,
                }),
            });
        }
        for t in &self.targets {
            let (Some(id), Some(province)) = (t.id.clone().take(), t.province_code.clone().take())
            else {
                continue;
            };
            out.push(Entry {
                action: "seed",
                resource_type: "targets",
                resource_id: id,
                province_code: Some(province),
                changes: json!({ "year": t.year.clone().take() }),
            });
        }
        out
    }

    /// Writes everything, parents before children (the mentors' accounts,
    /// the pesantren, santri and products must be in already).
    pub async fn write(self, tx: &DatabaseTransaction) -> Result<(), sea_orm::DbErr> {
        for statement in self.statements(tx.get_database_backend()) {
            tx.execute_raw(statement).await?;
        }
        Ok(())
    }

    /// The INSERTs of [`Programme::write`], in the order it runs them.
    pub fn statements(self, backend: DbBackend) -> Vec<Statement> {
        let mut out = insert_statements(backend, self.targets);
        out.extend(insert_statements(backend, self.activities));
        out.extend(insert_statements(backend, self.participants));
        out.extend(insert_statements(backend, self.deals));
        out.extend(insert_statements(backend, self.assignments));
        out.extend(insert_statements(backend, self.sessions));
        out.extend(insert_statements(backend, self.enterprises));
        out
    }
}

/// Rupiah with dots between thousands: `Rp21.000.000.000`.
pub(super) fn rupiah(v: i64) -> String {
    let digits = v.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    format!("{}Rp{out}", if v < 0 { "-" } else { "" })
}

// ---------------------------------------------------------------------------
// The demo's programme year.

/// The accounts the demo's programme refers to.
pub(super) struct DemoStaff {
    pub curator: Uuid,
    pub admin: Uuid,
    /// The manager and their pesantren.
    pub manager: (Uuid, Uuid),
    /// The mentor of each of [`super::DEMO_MENTORS`], when one may be
    /// assigned (a kept account of another role may not).
    pub mentors: [Option<Uuid>; 3],
}

/// One activity of a province of the demo.
struct DemoActivity {
    kind: ActivityKind,
    title: &'static str,
    description: &'static str,
    regency: &'static str,
    /// None: online.
    location: Option<&'static str>,
    public: bool,
    /// When: `Some(permille)` of the year so far (done), or `None` for
    /// one ahead (open, or planned when not public and not a training).
    when: Option<i64>,
    status: ActivityStatus,
    days: i64,
    capacity: i32,
    participants: usize,
    santri_each: (i64, i64),
}

struct DemoDeals {
    /// Confirmed deals at the business matching and their total.
    matching: (usize, i64),
    /// Reported, unconfirmed deals at the business matching.
    reported: usize,
    /// Confirmed spot sales at each expo that is done.
    expo: usize,
}

struct DemoProvince {
    code: &'static str,
    targets: TargetValues,
    activities: &'static [DemoActivity],
    deals: DemoDeals,
}

use ActivityKind::{BusinessMatching, Camp, Expo, MentoringClinic, Training};
use ActivityStatus::{Done, Open, Planned};

#[rustfmt::skip]
const DEMO_EAST_JAVA: &[DemoActivity] = &[
    DemoActivity { kind: Training, title: "Pelatihan Manajemen Usaha dan Keuangan Syariah Kopontren",
        description: "Pelatihan tiga hari bagi pengurus koperasi pondok pesantren: pembukuan sederhana, akad-akad syariah, perhitungan HPP dan penyusunan rencana usaha.",
        regency: "3573", location: Some("UPT Pelatihan Koperasi dan UMKM Jawa Timur, Kota Malang"), public: false,
        when: Some(220), status: Done, days: 3, capacity: 20, participants: 12, santri_each: (2, 4) },
    DemoActivity { kind: MentoringClinic, title: "Klinik Pendampingan Sertifikasi Halal Produk Santri",
        description: "Klinik dua hari bersama pendamping proses produk halal: memeriksa bahan, alur produksi dan mengisi pengajuan sertifikat halal self declare.",
        regency: "3513", location: Some("Aula Pondok Pesantren Nurul Jadid, Paiton, Kabupaten Probolinggo"), public: false,
        when: Some(430), status: Done, days: 2, capacity: 15, participants: 8, santri_each: (1, 3) },
    DemoActivity { kind: Expo, title: "OPOP Expo Jawa Timur",
        description: "Pameran produk unggulan pesantren se-Jawa Timur: kuliner, busana muslim, herbal dan kerajinan, terbuka untuk umum.",
        regency: "3578", location: Some("Grand City Convention and Exhibition, Surabaya"), public: true,
        when: Some(560), status: Done, days: 3, capacity: 60, participants: 11, santri_each: (1, 3) },
    DemoActivity { kind: BusinessMatching, title: "Temu Bisnis OPOP Jawa Timur",
        description: "Pertemuan pesantren dengan offtaker, peritel, marketplace, instansi pemerintah dan pembeli luar negeri; kontrak dan komitmen ditandatangani di tempat.",
        regency: "3578", location: Some("Gedung Negara Grahadi, Surabaya"), public: false,
        when: Some(760), status: Done, days: 1, capacity: 30, participants: 10, santri_each: (1, 2) },
    DemoActivity { kind: Camp, title: "Santri OPOP Camp Jawa Timur",
        description: "Perkemahan kewirausahaan santri: kelas ide usaha, praktik produksi dan presentasi rencana bisnis di depan juri.",
        regency: "3507", location: Some("Bumi Perkemahan Coban Rondo, Kabupaten Malang"), public: false,
        when: None, status: Planned, days: 3, capacity: 40, participants: 0, santri_each: (0, 0) },
];

#[rustfmt::skip]
const DEMO_WEST_JAVA: &[DemoActivity] = &[
    DemoActivity { kind: Training, title: "Pelatihan Pemasaran Digital dan Marketplace bagi Santripreneur",
        description: "Pelatihan fotografi produk, penulisan deskripsi, pengelolaan toko daring dan iklan berbayar untuk santri pengelola usaha pesantren.",
        regency: "3273", location: Some("Bandung Techno Park, Kota Bandung"), public: false,
        when: Some(180), status: Done, days: 3, capacity: 20, participants: 10, santri_each: (2, 4) },
    DemoActivity { kind: BusinessMatching, title: "Temu Bisnis OPOP Jawa Barat",
        description: "Temu bisnis pesantren juara dengan pembeli besar: offtaker pangan, jaringan ritel, marketplace, dinas dan eksportir. Nilai kesepakatan dicatat dan dikonfirmasi sekretariat.",
        regency: "3273", location: Some("Gedung Sate, Bandung"), public: false,
        when: Some(700), status: Done, days: 2, capacity: 25, participants: 9, santri_each: (1, 2) },
    DemoActivity { kind: Expo, title: "OPOP Expo Virtual Jawa Barat",
        description: "Pameran daring produk pesantren Jawa Barat dengan siaran langsung penjualan dan kurasi marketplace; pendaftaran peserta dibuka.",
        regency: "3273", location: None, public: true,
        when: None, status: Open, days: 3, capacity: 100, participants: 6, santri_each: (1, 2) },
];

#[rustfmt::skip]
const DEMO_SOUTH_KALIMANTAN: &[DemoActivity] = &[
    DemoActivity { kind: Training, title: "Pelatihan Pengolahan Hasil Pertanian dan Perikanan Pesantren",
        description: "Pelatihan pengolahan jeruk, nanas, ikan haruan dan madu kelulut menjadi produk kemasan yang layak jual.",
        regency: "6372", location: Some("Balai Pelatihan Koperasi dan UKM Kalimantan Selatan, Banjarbaru"), public: false,
        when: Some(260), status: Done, days: 3, capacity: 15, participants: 7, santri_each: (2, 3) },
    DemoActivity { kind: Expo, title: "Expo Produk Pesantren Banua",
        description: "Pameran produk pesantren Kalimantan Selatan: sasirangan, anyaman purun, madu kelulut dan kuliner Banjar.",
        regency: "6372", location: Some("Lapangan Murjani, Banjarbaru"), public: true,
        when: Some(640), status: Done, days: 3, capacity: 30, participants: 7, santri_each: (1, 2) },
    DemoActivity { kind: BusinessMatching, title: "Temu Bisnis Pesantren Kalimantan Selatan",
        description: "Pertemuan pesantren Banua dengan pembeli dari dalam dan luar provinsi.",
        regency: "6371", location: Some("Gedung Mahligai Pancasila, Banjarmasin"), public: false,
        when: Some(800), status: Done, days: 1, capacity: 20, participants: 6, santri_each: (1, 2) },
];

const DEMO_PROVINCES: [DemoProvince; 3] = [
    DemoProvince {
        code: "35",
        targets: TargetValues {
            verified_pesantren: 1_500,
            flagship_products: 1_000,
            santripreneurs: 25_000,
            sociopreneurs: 1_000,
            trained_santri: 5_000,
            deal_value_idr: 15_000_000_000,
        },
        activities: DEMO_EAST_JAVA,
        deals: DemoDeals {
            matching: (12, 9_600_000_000),
            reported: 1,
            expo: 6,
        },
    },
    DemoProvince {
        code: "32",
        targets: TargetValues {
            verified_pesantren: 5_000,
            flagship_products: 800,
            santripreneurs: 20_000,
            sociopreneurs: 500,
            trained_santri: 4_000,
            deal_value_idr: 25_000_000_000,
        },
        activities: DEMO_WEST_JAVA,
        deals: DemoDeals {
            matching: (16, 21_000_000_000),
            reported: 2,
            expo: 0,
        },
    },
    DemoProvince {
        code: "63",
        targets: TargetValues {
            verified_pesantren: 300,
            flagship_products: 150,
            santripreneurs: 2_500,
            sociopreneurs: 100,
            trained_santri: 600,
            deal_value_idr: 3_000_000_000,
        },
        activities: DEMO_SOUTH_KALIMANTAN,
        deals: DemoDeals {
            matching: (7, 2_400_000_000),
            reported: 1,
            expo: 4,
        },
    },
];

/// The demo's programme year in its three provinces.
pub(super) fn demo(
    rng: &mut Rng,
    cal: &Calendar,
    members: &[Member],
    santri_rows: &[santri::ActiveModel],
    staff: &DemoStaff,
) -> Programme {
    let mut out = Programme {
        manager: Some(staff.manager),
        ..Default::default()
    };
    let all: Vec<&Member> = members.iter().collect();
    for (k, prov) in DEMO_PROVINCES.iter().enumerate() {
        // Staff of the province: the demo has a curator in East Java and an
        // admin in West Java; South Kalimantan's work has no named author.
        let (staff_id, admin) = match prov.code {
            "35" => (Some(staff.curator), None),
            "32" => (Some(staff.admin), Some(staff.admin)),
            _ => (None, None),
        };
        let pool: Vec<&Member> = all
            .iter()
            .copied()
            .filter(|m| m.province == prov.code)
            .collect();
        out.target(cal, prov.code, prov.targets, admin);
        for (j, a) in prov.activities.iter().enumerate() {
            let (starts_on, ends_on, closes_on) = match a.when {
                Some(permille) => {
                    let start = cal.past(permille);
                    (start, cal.past_end(start, a.days), Some(start - days(7)))
                }
                None => {
                    let start = cal.ahead(10 + 5 * j as i64, a.days);
                    let end = start + days(a.days - 1);
                    (start, end, Some((start - days(5)).max(cal.today)))
                }
            };
            let spec = ActivitySpec {
                kind: a.kind,
                title: format!("{} {}", a.title, starts_on.year()),
                description: a.description.to_string(),
                province: prov.code.to_string(),
                regency: Some(a.regency.to_string()),
                starts_on,
                ends_on,
                location: a.location.map(str::to_string),
                capacity: Some(a.capacity),
                closes_on,
                public: a.public,
                status: a.status,
                staff: staff_id,
            };
            let held = out.activity(
                rng,
                cal,
                spec,
                &pool,
                Some(staff.manager.1),
                a.participants,
                a.santri_each,
                100,
            );
            if a.status != Done {
                continue;
            }
            match a.kind {
                BusinessMatching => {
                    let (n, total) = prov.deals.matching;
                    out.deals(
                        rng,
                        cal,
                        &held,
                        MATCHING_DEALS,
                        n,
                        Some(total),
                        prov.deals.reported,
                    );
                }
                Expo => out.deals(rng, cal, &held, EXPO_DEALS, prov.deals.expo, None, 0),
                _ => {}
            }
        }
        if let Some(mentor) = staff.mentors[k] {
            out.mentoring(
                rng,
                cal,
                &pool,
                &Mentoring {
                    mentor,
                    admin,
                    current: 4,
                    ended: true,
                    sessions: (2, 4),
                },
            );
        }
    }
    out.enterprises(rng, cal, santri_rows, 60);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rupiah_has_dots_between_thousands() {
        assert_eq!(rupiah(0), "Rp0");
        assert_eq!(rupiah(950), "Rp950");
        assert_eq!(rupiah(1_000), "Rp1.000");
        assert_eq!(rupiah(21_000_000_000), "Rp21.000.000.000");
    }

    #[test]
    fn the_calendar_keeps_done_days_in_the_year_before_today() {
        for (y, m, d) in [(2026, 1, 1), (2026, 1, 2), (2026, 6, 15), (2026, 12, 31)] {
            let today = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            let cal = Calendar::new(today.and_hms_opt(12, 0, 0).unwrap().and_utc());
            for permille in [0, 500, 1000] {
                let start = cal.past(permille);
                let end = cal.past_end(start, 3);
                assert_eq!(start.year(), y);
                assert!(start <= end && end <= today.max(cal.first));
                assert!(today == cal.first || end < today);
            }
            assert!(cal.next_year(0) > today);
            let ahead = cal.ahead(10, 3);
            assert!(ahead >= today + days(2));
            if cal.days_left(3) >= 2 {
                assert_eq!((ahead + days(2)).year(), y);
            }
        }
    }
}
