//! The demo data set behind `opop-api seed-demo`: three dozen pesantren in
//! East Java, West Java and South Kalimantan with their koperasi, santri,
//! products and certifications, a few accounts to log in with and one
//! e-commerce partner, so that a new user sees a living system at once.
//! Each province also has its programme year (see [`programme`]): targets,
//! trainings, an expo and a business matching with their participants and
//! deals, a mentor with assignments and sessions, and alumni enterprises.
//!
//! The data is generated from fixed tables and a seeded pseudo-random
//! generator, so every run produces the same data set (dates are relative to
//! the day of the run). Everything is written in one audited transaction; a
//! second run finds the first seeded NSPP and changes nothing.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use entity::{
    certifications, koperasi, partners, pesantren, product_variants, products, santri, targets,
    users, CertificationStatus, CertificationType, Gender, PesantrenStatus, ProductCategory,
    ProductCondition, ProductStatus, Role, SantriStatus,
};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbBackend, EntityTrait, QueryFilter, Set, Statement,
};
use serde_json::json;
use uuid::Uuid;

mod programme;
mod scale;

pub use scale::{seed_scale, SCALE_MANAGER_EMAIL, SCALE_PARTNERS};

use crate::audit::{Actor, Entry};
use crate::auth::password;
use crate::db;
use crate::santri::rotation::seal_rows;
use crate::vault::NikVault;

/// Password of every demo account.
pub const DEMO_PASSWORD: &str = "demo-password-123";
/// Client secret of the demo partner.
pub const DEMO_PARTNER_SECRET: &str = "demo-partner-secret-123";
pub const DEMO_CURATOR_EMAIL: &str = "curator.jatim@opop.local";
pub const DEMO_ADMIN_EMAIL: &str = "admin.jabar@opop.local";
pub const DEMO_MANAGER_EMAIL: &str = "manager@opop.local";
pub const DEMO_PARTNER_CODE: &str = "shopee";
pub const DEMO_PARTNER_CLIENT_ID: &str = "shopee-demo";
/// The demo mentors (pendamping), one per province: email, name, province.
pub const DEMO_MENTORS: [(&str, &str, &str); 3] = [
    (
        "mentor.jatim@opop.local",
        "Dr. Moh. Arif Hidayat, S.E., M.Si.",
        "35",
    ),
    (
        "mentor.jabar@opop.local",
        "Neng Sri Wahyuni, S.T., M.M.",
        "32",
    ),
    (
        "mentor.kalsel@opop.local",
        "Dr. H. Ahmad Rizani, S.E., M.Si.",
        "63",
    ),
];

/// Seed of the pseudo-random generator: change it and the data set changes.
const RNG_SEED: u64 = 0x4F50_4F50_2019_0835;
/// Seed of the programme's generator, apart so that the register (pesantren,
/// santri, products) stays as it was.
const PROGRAMME_RNG_SEED: u64 = 0x4F50_4F50_5052_4F47;
/// Bind parameters per INSERT: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_BINDS: usize = 30_000;

// ---------------------------------------------------------------------------
// Deterministic pseudo-random numbers (SplitMix64).

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with a probability of `p` percent.
    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }

    /// A price between `lo` and `hi`, rounded down to Rp500 (at least `lo`).
    fn price(&mut self, (lo, hi): (i64, i64)) -> i64 {
        (self.range(lo, hi) / 500 * 500).max(lo)
    }
}

// ---------------------------------------------------------------------------
// Fixed tables: regions, pesantren, names, product templates.

/// The demo's provinces.
const PROVINCES: [&str; 3] = ["35", "32", "63"];

fn province_name(code: &str) -> &'static str {
    match code {
        "35" => "Jawa Timur",
        "32" => "Jawa Barat",
        "63" => "Kalimantan Selatan",
        _ => "Indonesia",
    }
}

/// Kemendagri regency codes used by the seed and their names.
const REGENCIES: &[(&str, &str)] = &[
    ("3506", "Kabupaten Kediri"),
    ("3507", "Kabupaten Malang"),
    ("3509", "Kabupaten Jember"),
    ("3510", "Kabupaten Banyuwangi"),
    ("3512", "Kabupaten Situbondo"),
    ("3513", "Kabupaten Probolinggo"),
    ("3514", "Kabupaten Pasuruan"),
    ("3517", "Kabupaten Jombang"),
    ("3524", "Kabupaten Lamongan"),
    ("3526", "Kabupaten Bangkalan"),
    ("3529", "Kabupaten Sumenep"),
    ("3573", "Kota Malang"),
    ("3578", "Kota Surabaya"),
    ("3201", "Kabupaten Bogor"),
    ("3202", "Kabupaten Sukabumi"),
    ("3203", "Kabupaten Cianjur"),
    ("3204", "Kabupaten Bandung"),
    ("3205", "Kabupaten Garut"),
    ("3206", "Kabupaten Tasikmalaya"),
    ("3207", "Kabupaten Ciamis"),
    ("3209", "Kabupaten Cirebon"),
    ("3211", "Kabupaten Sumedang"),
    ("3273", "Kota Bandung"),
    ("6301", "Kabupaten Tanah Laut"),
    ("6303", "Kabupaten Banjar"),
    ("6307", "Kabupaten Hulu Sungai Tengah"),
    ("6308", "Kabupaten Hulu Sungai Utara"),
    ("6371", "Kota Banjarmasin"),
    ("6372", "Kota Banjarbaru"),
];

fn regency_name(code: &str) -> &'static str {
    REGENCIES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .unwrap_or("Kabupaten")
}

/// The Kemendagri code of the district named `name` in `regency`.
fn district_code(regency: &str, name: &str) -> String {
    migration::regions::all()
        .iter()
        .find(|r| r.parent.as_deref() == Some(regency) && r.name.eq_ignore_ascii_case(name))
        .map(|r| r.code.clone())
        .unwrap_or_else(|| panic!("no district {name} in regency {regency}"))
}

struct PesantrenSeed {
    name: &'static str,
    /// Short name for the koperasi, brands and product names.
    short: &'static str,
    /// SKU prefix.
    code: &'static str,
    regency: &'static str,
    district: &'static str,
    street: &'static str,
    leader: &'static str,
    status: PesantrenStatus,
    has_koperasi: bool,
    description: &'static str,
}

const V: PesantrenStatus = PesantrenStatus::Verified;
const R: PesantrenStatus = PesantrenStatus::Registered;
const S: PesantrenStatus = PesantrenStatus::Suspended;

#[rustfmt::skip]
const PESANTREN: &[PesantrenSeed] = &[
    // East Java (35)
    PesantrenSeed { name: "Pondok Pesantren Sidogiri", short: "Sidogiri", code: "SDG", regency: "3514", district: "Kraton", street: "Jl. Raya Sidogiri No. 1, Desa Sidogiri", leader: "KH. Ahmad Fauzi Nawawi", status: V, has_koperasi: true,
        description: "Pesantren salaf di Pasuruan yang dikenal dengan koperasinya; santri mengaji kitab kuning sekaligus belajar mengelola toko, simpan pinjam dan produksi kopi." },
    PesantrenSeed { name: "Pondok Pesantren Al-Amien Prenduan", short: "Al-Amien", code: "AMN", regency: "3529", district: "Pragaan", street: "Jl. Raya Prenduan No. 7, Desa Pragaan Laok", leader: "KH. Moh. Zainullah Idris", status: V, has_koperasi: true,
        description: "Pesantren modern di pesisir selatan Sumenep; unit usaha batik Madura, air minum dan rengginang lorjuk dikelola santri senior." },
    PesantrenSeed { name: "Pondok Pesantren Darussalam Blokagung", short: "Blokagung", code: "BLK", regency: "3510", district: "Tegalsari", street: "Dusun Blokagung, Desa Karangdoro", leader: "KH. Hisyam Syafaat Muchtar", status: V, has_koperasi: true,
        description: "Pesantren agraris di Banyuwangi selatan dengan kebun buah naga dan kopi serta pelatihan wirausaha santri." },
    PesantrenSeed { name: "Pondok Pesantren Bahrul Ulum Tambakberas", short: "Tambakberas", code: "BUT", regency: "3517", district: "Jombang", street: "Jl. KH. Abdul Wahab Hasbullah, Desa Tambakrejo", leader: "KH. Abdul Hamid Mahfudz", status: V, has_koperasi: true,
        description: "Salah satu pesantren tertua di Jombang; koperasinya memasok kebutuhan ribuan santri dan memproduksi sarung serta peci." },
    PesantrenSeed { name: "Pondok Pesantren Syaichona Cholil", short: "Syaichona Cholil", code: "SCH", regency: "3526", district: "Bangkalan", street: "Jl. KH. Moh. Cholil, Kelurahan Demangan", leader: "KH. Fakhrillah Aschal", status: V, has_koperasi: true,
        description: "Pesantren bersejarah di Bangkalan, Madura; santripreneur mengembangkan jamu dan minyak herbal khas Madura." },
    PesantrenSeed { name: "Pondok Pesantren Nurul Jadid Paiton", short: "Nurul Jadid", code: "NJD", regency: "3513", district: "Paiton", street: "Jl. KH. Zaini Mun'im, Desa Karanganyar", leader: "KH. Muhammad Romzi Zaini", status: V, has_koperasi: true,
        description: "Pesantren dengan perguruan tinggi sendiri; inkubator bisnis santri menghasilkan makanan ringan dan kerajinan." },
    PesantrenSeed { name: "Pondok Pesantren Sunan Drajat", short: "Sunan Drajat", code: "SDJ", regency: "3524", district: "Paciran", street: "Jl. Raya Banjaranyar, Desa Banjarwati", leader: "KH. Abdul Ghofur Ma'shum", status: V, has_koperasi: true,
        description: "Pesantren di pantai utara Lamongan dengan unit usaha air minum, pupuk organik dan madu." },
    PesantrenSeed { name: "Pondok Pesantren Al-Hikam Malang", short: "Al-Hikam", code: "HKM", regency: "3573", district: "Lowokwaru", street: "Jl. Cengger Ayam No. 25, Kelurahan Tulusrejo", leader: "KH. Muhammad Yusron Hasyim", status: V, has_koperasi: true,
        description: "Pesantren mahasiswa di Kota Malang yang memadukan kajian kitab dengan kewirausahaan digital." },
    PesantrenSeed { name: "Pondok Pesantren Nurul Islam Jember", short: "Nuris", code: "NRS", regency: "3509", district: "Sumbersari", street: "Jl. Pangandaran No. 48, Kelurahan Antirogo", leader: "KH. Muhammad Ridwan Sholeh", status: V, has_koperasi: true,
        description: "Pesantren di Jember yang mengolah hasil kebun santri menjadi kopi, keripik dan camilan." },
    PesantrenSeed { name: "Pondok Pesantren Al-Fithrah Kedinding", short: "Al-Fithrah", code: "FTH", regency: "3578", district: "Kenjeran", street: "Jl. Kedinding Lor No. 99, Kelurahan Tanah Kali Kedinding", leader: "KH. Ahmad Rofi'i Ali", status: V, has_koperasi: true,
        description: "Pesantren di Surabaya utara; koperasi santri menjual kurma, minyak wangi non-alkohol dan perlengkapan ibadah." },
    PesantrenSeed { name: "Pondok Pesantren Raudlatul Ulum Gondanglegi", short: "Raudlatul Ulum", code: "RDU", regency: "3507", district: "Gondanglegi", street: "Jl. Raya Ganjaran No. 12, Desa Ganjaran", leader: "KH. Zainal Abidin Yahya", status: V, has_koperasi: true,
        description: "Pesantren di Malang selatan dengan kebun tebu dan unit usaha gula semut." },
    PesantrenSeed { name: "Pondok Pesantren Annuqayah Guluk-Guluk", short: "Annuqayah", code: "ANQ", regency: "3529", district: "Guluk-Guluk", street: "Jl. Raya Guluk-Guluk No. 3", leader: "KH. Abdul Muqsith Syarqawi", status: R, has_koperasi: true,
        description: "Pesantren di Sumenep yang dikenal dengan gerakan lingkungan santri; baru mendaftar ke program OPOP." },
    PesantrenSeed { name: "Pondok Pesantren Salafiyah Syafi'iyah Sukorejo", short: "Sukorejo", code: "SKR", regency: "3512", district: "Banyuputih", street: "Jl. KHR. As'ad Syamsul Arifin, Desa Sumberejo", leader: "KHR. Achmad Azaim Ibrahimy", status: V, has_koperasi: true,
        description: "Pesantren besar di Situbondo dengan Ma'had Aly. Semboyan santri: «العلم بلا عمل كالشجر بلا ثمر» (ilmu tanpa amal bagaikan pohon tanpa buah)." },
    PesantrenSeed { name: "Pondok Pesantren Miftāḥul Hudā Kediri", short: "Miftahul Huda", code: "MHK", regency: "3506", district: "Pare", street: "Jl. Brawijaya No. 14, Desa Tulungrejo", leader: "Nyai Hj. Siti Maryam Sholihah", status: R, has_koperasi: false,
        description: "Pesantren putri di Pare yang baru merintis usaha camilan dan busana muslimah." },
    // West Java (32)
    PesantrenSeed { name: "Pondok Pesantren Al-Ittifaq Ciwidey", short: "Al-Ittifaq", code: "ITF", regency: "3204", district: "Rancabali", street: "Jl. Raya Ciwidey-Rancabali Km 4, Desa Alamendah", leader: "KH. Dadang Fuad Muhammad", status: V, has_koperasi: true,
        description: "Pesantren agribisnis di dataran tinggi Ciwidey; koperasinya memasok sayuran segar ke pasar swalayan di Bandung." },
    PesantrenSeed { name: "Pondok Pesantren Daarut Tauhiid", short: "Daarut Tauhiid", code: "DTT", regency: "3273", district: "Sukasari", street: "Jl. Gegerkalong Girang No. 38", leader: "KH. Asep Saepuloh", status: V, has_koperasi: true,
        description: "Pesantren di Bandung utara dengan minimarket, konveksi dan penerbitan yang dikelola santri." },
    PesantrenSeed { name: "Pondok Pesantren Darussalam Ciamis", short: "Darussalam Ciamis", code: "DSC", regency: "3207", district: "Cijeungjing", street: "Jl. Darussalam No. 1, Desa Kertasari", leader: "KH. Dadang Hermawan", status: V, has_koperasi: true,
        description: "Pesantren modern di Ciamis; santri mengolah gula aren dan anyaman bambu." },
    PesantrenSeed { name: "Pondok Pesantren Cipasung", short: "Cipasung", code: "CPS", regency: "3206", district: "Singaparna", street: "Jl. Cipasung No. 5, Desa Cipakat", leader: "KH. Ubaidillah Hasan", status: V, has_koperasi: true,
        description: "Pesantren di Tasikmalaya yang mengembangkan bordir dan kerajinan mendong bersama masyarakat sekitar." },
    PesantrenSeed { name: "Pondok Pesantren Suryalaya", short: "Suryalaya", code: "SYL", regency: "3206", district: "Pagerageung", street: "Dusun Godebag, Desa Tanjungkerta", leader: "KH. Abdul Gaos Saefullah", status: S, has_koperasi: true,
        description: "Pesantren tarekat di Tasikmalaya; keikutsertaan dalam program sedang dibekukan sementara." },
    PesantrenSeed { name: "Pondok Pesantren Darul Arqam Garut", short: "Darul Arqam", code: "DAQ", regency: "3205", district: "Tarogong Kaler", street: "Jl. Ciledug No. 280, Desa Pasawahan", leader: "KH. Engkos Kosasih", status: V, has_koperasi: true,
        description: "Pesantren di Garut dengan usaha dodol, kopi arabika dan kulit samak." },
    PesantrenSeed { name: "Pondok Pesantren Al-Ikhlâs Garut", short: "Al-Ikhlas", code: "IKG", regency: "3205", district: "Cibatu", street: "Kampung Sukarame, Desa Cibatu", leader: "Ustadz H. Cecep Jaenudin", status: R, has_koperasi: true,
        description: "Pesantren kecil di Cibatu yang sedang menyiapkan produk unggulan pertamanya." },
    PesantrenSeed { name: "Pondok Pesantren Al-Masthuriyah Sukabumi", short: "Al-Masthuriyah", code: "MST", regency: "3202", district: "Cisaat", street: "Jl. Raya Cisaat No. 42, Desa Sukamanah", leader: "KH. Endang Mashtur", status: V, has_koperasi: true,
        description: "Pesantren di Sukabumi dengan unit usaha air minum dan peternakan kambing etawa." },
    PesantrenSeed { name: "Pondok Pesantren Ummul Quro Al-Islami Bogor", short: "Ummul Quro", code: "UQB", regency: "3201", district: "Leuwiliang", street: "Jl. Raya Leuwiliang Km 2, Desa Banyusuci", leader: "KH. Helmi Abdul Mubin", status: V, has_koperasi: true,
        description: "Pesantren di Bogor barat; santri mengelola kebun hidroponik dan produksi roti." },
    PesantrenSeed { name: "Pondok Pesantren Miftāḥul Ulūm Sumedang", short: "Miftahul Ulum", code: "MUS", regency: "3211", district: "Tanjungsari", street: "Jl. Raya Tanjungsari No. 77, Desa Gudang", leader: "KH. Ujang Syarifuddin", status: V, has_koperasi: true,
        description: "Pesantren di Sumedang yang terkenal dengan tahu dan ubi cilembu olahan santri." },
    PesantrenSeed { name: "Pondok Pesantren Buntet Cirebon", short: "Buntet", code: "BNT", regency: "3209", district: "Astanajapura", street: "Desa Mertapada Kulon", leader: "KH. Adib Rofiuddin", status: V, has_koperasi: true,
        description: "Pesantren tua di Cirebon timur dengan usaha batik tulis dan kerupuk." },
    PesantrenSeed { name: "Pondok Pesantren Darul Falah Cianjur", short: "Darul Falah", code: "DFC", regency: "3203", district: "Cugenang", street: "Jl. Raya Cugenang Km 3, Desa Sukamanah", leader: "KH. Muhammad Toha", status: R, has_koperasi: false,
        description: "Pesantren di lereng Gede-Pangrango yang baru mendaftar; berencana memasarkan beras pandan wangi." },
    // South Kalimantan (63)
    PesantrenSeed { name: "Pondok Pesantren Darussalam Martapura (دار السلام)", short: "Darussalam Martapura", code: "DSM", regency: "6303", district: "Martapura", street: "Jl. Perwira No. 17, Kelurahan Tanjung Rema", leader: "KH. Muhammad Syarwani Hasan", status: V, has_koperasi: true,
        description: "Pesantren tertua di Kalimantan Selatan, berdiri tahun 1914. معهد دار السلام مرتافورا — pusat kajian fikih Syafi'i di tanah Banjar." },
    PesantrenSeed { name: "Pondok Pesantren Al-Falah Banjarbaru", short: "Al-Falah", code: "FLH", regency: "6372", district: "Landasan Ulin", street: "Jl. A. Yani Km 23, Kelurahan Landasan Ulin Tengah", leader: "KH. Muhammad Tambrin", status: V, has_koperasi: true,
        description: "Pesantren di Banjarbaru dengan kebun, peternakan dan unit produksi madu kelulut." },
    PesantrenSeed { name: "Pondok Pesantren Rasyidiyah Khalidiyah Amuntai", short: "Rakha", code: "RKH", regency: "6308", district: "Amuntai Tengah", street: "Jl. Rakha No. 1, Kelurahan Sungai Malang", leader: "KH. Abdul Wahab Syahrani", status: V, has_koperasi: true,
        description: "Pesantren di Amuntai yang membina perajin anyaman purun dan itik alabio." },
    PesantrenSeed { name: "Pondok Pesantren Ibnul Amin Pamangkih", short: "Ibnul Amin", code: "IAP", regency: "6307", district: "Labuan Amas Utara", street: "Desa Pamangkih", leader: "KH. Hasanuddin Badri", status: V, has_koperasi: true,
        description: "Pesantren salaf di Hulu Sungai Tengah; santri mengolah kacang dan kue tradisional Banjar." },
    PesantrenSeed { name: "Pondok Pesantren Al-Mursyidul Amin Gambut", short: "Al-Mursyidul Amin", code: "MAG", regency: "6303", district: "Gambut", street: "Jl. A. Yani Km 13,5, Desa Gambut", leader: "KH. Ahmad Syairazi", status: V, has_koperasi: true,
        description: "Pesantren di kawasan persawahan Gambut dengan usaha beras lokal dan jeruk siam." },
    PesantrenSeed { name: "Pondok Pesantren Nurul Muhibbin Barabai", short: "Nurul Muhibbin", code: "NMB", regency: "6307", district: "Barabai", street: "Jl. Brigjen H. Hasan Basri, Kelurahan Barabai Darat", leader: "Tuan Guru H. Abdul Hadi", status: V, has_koperasi: true,
        description: "Pesantren di Barabai yang memproduksi kain sasirangan dan pupur dingin." },
    PesantrenSeed { name: "Pondok Pesantren Darul Hijrah Cindai Alus", short: "Darul Hijrah", code: "DHC", regency: "6303", district: "Martapura", street: "Jl. A. Yani Km 37, Desa Cindai Alus", leader: "KH. Muhammad Zaini Hasbi", status: S, has_koperasi: true,
        description: "Pesantren modern di Martapura; keikutsertaan dalam program sedang dibekukan menunggu perbaikan administrasi koperasi." },
    PesantrenSeed { name: "Pondok Pesantren Al-Istiqamah Banjarmasin", short: "Al-Istiqamah", code: "ISQ", regency: "6371", district: "Banjarmasin Utara", street: "Jl. Sultan Adam, Komplek Mandiri, Kelurahan Sungai Jingah", leader: "Nyai Hj. Rahmawati Noor", status: R, has_koperasi: true,
        description: "Pesantren di tepi Sungai Martapura yang baru mendaftar dengan produk ikan asin dan kerupuk haruan." },
    PesantrenSeed { name: "Pondok Pesantren Darul Ilmi Banjarbaru", short: "Darul Ilmi", code: "DIB", regency: "6372", district: "Liang Anggang", street: "Jl. A. Yani Km 19, Kelurahan Landasan Ulin Barat", leader: "KH. Ahmad Bahrani", status: V, has_koperasi: true,
        description: "Pesantren di Banjarbaru dengan usaha air minum isi ulang dan kebun nanas." },
    PesantrenSeed { name: "Pondok Pesantren Al-Manshur Tanah Laut", short: "Al-Manshur", code: "MNS", regency: "6301", district: "Pelaihari", street: "Jl. A. Yani Km 2, Kelurahan Angsau", leader: "KH. Mansur Syarbaini", status: V, has_koperasi: true,
        description: "Pesantren di Pelaihari yang membina santri peternak sapi dan petani buah naga." },
];

/// The NSPP of the `i`-th seeded pesantren: `5100` + regency + sequence.
fn nspp(i: usize) -> String {
    format!("5100{}{:04}", PESANTREN[i].regency, i + 1)
}

const MALE_PREFIX: &[&str] = &["Muhammad", "Ahmad", "Moh.", "M."];
#[rustfmt::skip]
const MALE_GIVEN: &[&str] = &[
    "Rizki", "Fadil", "Farhan", "Ilham", "Naufal", "Fikri", "Hanif", "Yusuf", "Ridwan", "Zainal",
    "Lutfi", "Habibullah", "Syahrul", "Alfin", "Faiz", "Irfan", "Hasan", "Amin", "Zaki", "Ihsan",
];
#[rustfmt::skip]
const MALE_FAMILY: &[&str] = &[
    "Maulana", "Hidayat", "Ramadhan", "Firdaus", "Alfarizi", "Hakim", "Fauzan", "Syahputra",
    "Nugraha", "Setiawan", "Prasetyo", "Mubarok", "Rosyadi", "Zakaria",
];
const FEMALE_PREFIX: &[&str] = &["Siti", "Nur", "Dewi", "Fatimah", "Aulia"];
#[rustfmt::skip]
const FEMALE_GIVEN: &[&str] = &[
    "Aisyah", "Hidayah", "Khadijah", "Zahra", "Nabila", "Azizah", "Laila", "Safira", "Annisa",
    "Maulida", "Fitriani", "Hasanah", "Salsabila", "Rofiqoh", "Mufidah", "Syarifah", "Ulfa",
    "Zulfa", "Nadhira", "Hilyah",
];
#[rustfmt::skip]
const FEMALE_FAMILY: &[&str] = &[
    "Azzahra", "Nurjanah", "Rahmah", "Kamila", "Amalia", "Husna", "Rahmawati", "Maghfiroh",
    "Khoirunnisa",
];
#[rustfmt::skip]
const GUARDIANS: &[&str] = &[
    "H. Abdul Karim", "Slamet Riyadi", "Sutrisno", "H. Mahfud Sidiq", "Ahmad Sholeh",
    "Hj. Siti Romlah", "Hj. Musyarofah", "Bambang Hermanto", "H. Muhammad Syarif", "Nurhasanah",
    "Abdul Rohim", "Suparman",
];
#[rustfmt::skip]
const VILLAGES: &[&str] = &[
    "Sumberejo", "Karangrejo", "Sukamaju", "Tegalsari", "Mekarsari", "Sidomulyo", "Kertajaya",
    "Sukasari", "Banyuurip", "Kedungrejo", "Tanjungsari", "Pasirjaya",
];

/// Given names that sound like the region: Madurese/Javanese, Sundanese, Banjar.
#[rustfmt::skip]
fn regional_names(province: &str, female: bool) -> &'static [&'static str] {
    match (province, female) {
        ("32", false) => &["Asep", "Dede", "Cecep", "Ujang", "Rizal", "Gilang"],
        ("32", true) => &["Neng", "Euis", "Nenden", "Ai", "Rina", "Yanti"],
        ("63", false) => &["Anang", "Gusti", "Rahmadi", "Fahrurrazi", "Sarwani", "Hairul"],
        ("63", true) => &["Galuh", "Norhayati", "Aluh", "Rusmiati", "Mahdiyah", "Norlaila"],
        (_, false) => &["Bagus", "Dimas", "Wahyu", "Rofiq", "Subhan", "Fathur"],
        (_, true) => &["Lailatul", "Ummi", "Nailah", "Wardah", "Lutfiah", "Ning"],
    }
}

fn person_name(rng: &mut Rng, province: &str, female: bool) -> String {
    let (prefix, given, family) = if female {
        (FEMALE_PREFIX, FEMALE_GIVEN, FEMALE_FAMILY)
    } else {
        (MALE_PREFIX, MALE_GIVEN, MALE_FAMILY)
    };
    match rng.below(4) {
        0 => format!("{} {}", rng.pick(prefix), rng.pick(given)),
        1 => format!("{} {}", rng.pick(given), rng.pick(family)),
        2 => format!(
            "{} {} {}",
            rng.pick(prefix),
            rng.pick(given),
            rng.pick(family)
        ),
        _ => format!(
            "{} {}",
            rng.pick(regional_names(province, female)),
            rng.pick(family)
        ),
    }
}

/// An Indonesian mobile number in E.164: `+628` and 10 to 11 more digits.
fn phone(rng: &mut Rng) -> String {
    const PREFIXES: &[&str] = &[
        "811", "812", "813", "821", "822", "852", "853", "857", "878", "895",
    ];
    let digits = if rng.percent(50) {
        format!("{:07}", rng.below(10_000_000))
    } else {
        format!("{:08}", rng.below(100_000_000))
    };
    format!("+62{}{}", rng.pick(PREFIXES), digits)
}

use ProductCategory::{Agriculture, Beverage, Cosmetics, Craft, Fashion, Food, Herbal, Other};

struct ProductTpl {
    /// SKU middle part and image slug.
    key: &'static str,
    /// `{s}` is replaced by the pesantren's short name.
    name: &'static str,
    category: ProductCategory,
    description: &'static str,
    price: (i64, i64),
    unit: &'static str,
    weight_grams: i32,
    /// Length, width, height in centimetres.
    dims: (i32, i32, i32),
    /// SKU suffix: size or variant.
    size: &'static str,
    shelf_life_days: Option<i32>,
    /// Only offered by pesantren of this province.
    region: Option<&'static str>,
    /// Applicable SNI standard and the certifying body.
    sni: Option<(&'static str, &'static str)>,
}

const LSPRO_AGRO: &str = "LSPro Balai Besar Industri Agro";
const LSPRO_BATIK: &str = "LSPro Balai Besar Kerajinan dan Batik";
const LSPRO_TEKSTIL: &str = "LSPro Balai Besar Tekstil";

#[rustfmt::skip]
const PRODUCTS: &[ProductTpl] = &[
    // food
    ProductTpl { key: "KRPTMP", name: "Keripik Tempe {s}", category: Food, description: "Keripik tempe tipis dan renyah dari kedelai pilihan, digoreng dengan minyak baru tanpa pengawet.", price: (12000, 25000), unit: "bungkus", weight_grams: 200, dims: (20, 14, 5), size: "200", shelf_life_days: Some(120), region: None, sni: None },
    ProductTpl { key: "KURMA", name: "Kurma Ajwa Premium", category: Food, description: "Kurma ajwa pilihan dikemas ulang oleh koperasi pesantren dalam kemasan kedap udara.", price: (95000, 180000), unit: "bungkus", weight_grams: 500, dims: (18, 12, 6), size: "500", shelf_life_days: Some(365), region: None, sni: None },
    ProductTpl { key: "SAMBAL", name: "Sambal Bawang Santri", category: Food, description: "Sambal bawang pedas gurih racikan dapur santri, cocok untuk lauk sehari-hari.", price: (18000, 32000), unit: "botol", weight_grams: 150, dims: (7, 7, 10), size: "150", shelf_life_days: Some(180), region: None, sni: None },
    ProductTpl { key: "ABON", name: "Abon Ikan Tongkol {s}", category: Food, description: "Abon ikan tongkol dengan bumbu rempah, tanpa MSG dan tanpa pengawet.", price: (25000, 45000), unit: "bungkus", weight_grams: 100, dims: (15, 10, 4), size: "100", shelf_life_days: Some(180), region: None, sni: None },
    ProductTpl { key: "RGNLRJ", name: "Rengginang Lorjuk Madura", category: Food, description: "Rengginang ketan dengan lorjuk (kerang bambu) khas pesisir Madura, siap goreng.", price: (20000, 35000), unit: "bungkus", weight_grams: 250, dims: (22, 15, 6), size: "250", shelf_life_days: Some(150), region: Some("35"), sni: None },
    ProductTpl { key: "GULASMT", name: "Gula Semut Aren {s}", category: Food, description: "Gula aren kristal dari nira pilihan, larut cepat untuk kopi, teh dan kue.", price: (22000, 38000), unit: "bungkus", weight_grams: 500, dims: (18, 12, 5), size: "500", shelf_life_days: Some(365), region: None, sni: None },
    ProductTpl { key: "DODOL", name: "Dodol Garut Santri", category: Food, description: "Dodol ketan dan gula aren khas Garut, dibungkus kertas satu per satu.", price: (15000, 30000), unit: "bungkus", weight_grams: 250, dims: (16, 10, 5), size: "250", shelf_life_days: Some(90), region: Some("32"), sni: None },
    ProductTpl { key: "BINGKA", name: "Wadai Bingka Kentang", category: Food, description: "Kue bingka kentang khas Banjar yang lembut dan harum, dipanggang setiap pagi.", price: (25000, 45000), unit: "pcs", weight_grams: 600, dims: (24, 24, 5), size: "L", shelf_life_days: Some(4), region: Some("63"), sni: None },
    ProductTpl { key: "KRPHRN", name: "Kerupuk Ikan Haruan", category: Food, description: "Kerupuk ikan haruan (gabus) dari perairan rawa Kalimantan Selatan, gurih dan tinggi protein.", price: (18000, 35000), unit: "bungkus", weight_grams: 250, dims: (22, 15, 6), size: "250", shelf_life_days: Some(180), region: Some("63"), sni: None },
    ProductTpl { key: "KELOR", name: "Mi Kering Daun Kelor", category: Food, description: "Mi kering dengan campuran daun kelor, tanpa pewarna buatan.", price: (15000, 22000), unit: "bungkus", weight_grams: 250, dims: (20, 12, 4), size: "250", shelf_life_days: Some(270), region: None, sni: None },
    // beverage
    ProductTpl { key: "KOPI", name: "Kopi Robusta {s}", category: Beverage, description: "Kopi robusta sangrai sedang dari kebun petani binaan pesantren, digiling halus.", price: (35000, 75000), unit: "bungkus", weight_grams: 250, dims: (18, 10, 6), size: "250", shelf_life_days: Some(365), region: None, sni: Some(("SNI 2983:2014", LSPRO_AGRO)) },
    ProductTpl { key: "ARABIKA", name: "Kopi Arabika Java Preanger", category: Beverage, description: "Biji kopi arabika dari lereng gunung Priangan, proses semi-washed, sangrai medium.", price: (65000, 120000), unit: "bungkus", weight_grams: 200, dims: (18, 10, 6), size: "200", shelf_life_days: Some(365), region: Some("32"), sni: Some(("SNI 2983:2014", LSPRO_AGRO)) },
    ProductTpl { key: "AIR", name: "Air Minum Santri 600 ml (1 dus isi 24)", category: Beverage, description: "Air minum dalam kemasan dari sumber mata air pegunungan, diproses dengan ozonisasi dan UV.", price: (38000, 48000), unit: "pcs", weight_grams: 15000, dims: (40, 27, 22), size: "600X24", shelf_life_days: Some(730), region: None, sni: Some(("SNI 3553:2015", LSPRO_AGRO)) },
    ProductTpl { key: "ROSELA", name: "Teh Rosella Kering", category: Beverage, description: "Kelopak bunga rosella kering untuk seduhan segar kaya vitamin C.", price: (25000, 40000), unit: "bungkus", weight_grams: 100, dims: (18, 12, 5), size: "100", shelf_life_days: Some(365), region: None, sni: None },
    ProductTpl { key: "JAHE", name: "Jahe Merah Instan {s}", category: Beverage, description: "Minuman serbuk jahe merah dengan gula aren, menghangatkan badan.", price: (22000, 35000), unit: "bungkus", weight_grams: 250, dims: (18, 12, 5), size: "250", shelf_life_days: Some(365), region: None, sni: None },
    ProductTpl { key: "ETAWA", name: "Susu Kambing Etawa Bubuk", category: Beverage, description: "Susu kambing etawa bubuk dari peternakan santri, tanpa tambahan susu sapi.", price: (55000, 85000), unit: "bungkus", weight_grams: 200, dims: (18, 12, 6), size: "200", shelf_life_days: Some(365), region: None, sni: None },
    // herbal
    ProductTpl { key: "MADU", name: "Madu Hutan Kalimantan", category: Herbal, description: "Madu hutan liar dari kawasan Pegunungan Meratus, dipanen lestari oleh santri dan warga.", price: (120000, 220000), unit: "botol", weight_grams: 650, dims: (8, 8, 18), size: "500", shelf_life_days: Some(730), region: Some("63"), sni: Some(("SNI 8664:2018", LSPRO_AGRO)) },
    ProductTpl { key: "MADURDU", name: "Madu Randu Murni {s}", category: Herbal, description: "Madu murni dari bunga randu, dipanen dari peternakan lebah pesantren.", price: (65000, 95000), unit: "botol", weight_grams: 350, dims: (7, 7, 15), size: "250", shelf_life_days: Some(730), region: None, sni: Some(("SNI 8664:2018", LSPRO_AGRO)) },
    ProductTpl { key: "HABBAT", name: "Minyak Habbatussauda", category: Herbal, description: "Minyak jintan hitam perasan dingin dalam botol kaca gelap.", price: (45000, 75000), unit: "botol", weight_grams: 120, dims: (5, 5, 12), size: "60ML", shelf_life_days: Some(730), region: None, sni: None },
    ProductTpl { key: "JAMU", name: "Jamu Kunyit Asam", category: Herbal, description: "Jamu kunyit asam segar racikan santri putri, tanpa pengawet; simpan dalam lemari es.", price: (15000, 22000), unit: "botol", weight_grams: 400, dims: (7, 7, 20), size: "350ML", shelf_life_days: Some(7), region: None, sni: None },
    ProductTpl { key: "TMLWK", name: "Serbuk Temulawak {s}", category: Herbal, description: "Serbuk temulawak instan untuk menjaga stamina dan nafsu makan.", price: (18000, 30000), unit: "bungkus", weight_grams: 200, dims: (16, 11, 5), size: "200", shelf_life_days: Some(365), region: None, sni: None },
    ProductTpl { key: "PSKBMI", name: "Kapsul Pasak Bumi", category: Herbal, description: "Kapsul akar pasak bumi dari hutan Kalimantan, isi 60 kapsul.", price: (75000, 120000), unit: "botol", weight_grams: 80, dims: (5, 5, 10), size: "60", shelf_life_days: Some(730), region: Some("63"), sni: None },
    // cosmetics
    ProductTpl { key: "SBNSRH", name: "Sabun Herbal Sirih", category: Cosmetics, description: "Sabun mandi padat dengan ekstrak daun sirih dan minyak kelapa, lembut di kulit.", price: (15000, 25000), unit: "pcs", weight_grams: 100, dims: (9, 6, 3), size: "100", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "SBNZTN", name: "Sabun Zaitun Madu {s}", category: Cosmetics, description: "Sabun olahan dingin dari minyak zaitun dan madu, tanpa deterjen.", price: (18000, 30000), unit: "pcs", weight_grams: 100, dims: (9, 6, 3), size: "100", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "PUPUR", name: "Pupur Dingin Banjar", category: Cosmetics, description: "Pupur basah tradisional Banjar dari beras dan rempah, menyejukkan kulit wajah.", price: (15000, 25000), unit: "bungkus", weight_grams: 100, dims: (12, 8, 4), size: "100", shelf_life_days: None, region: Some("63"), sni: None },
    ProductTpl { key: "KEMIRI", name: "Minyak Rambut Kemiri", category: Cosmetics, description: "Minyak kemiri bakar untuk merawat dan menghitamkan rambut.", price: (25000, 40000), unit: "botol", weight_grams: 150, dims: (5, 5, 14), size: "100ML", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "LULUR", name: "Lulur Mandi Rempah", category: Cosmetics, description: "Lulur tradisional dari beras, kunyit dan temu giring.", price: (20000, 35000), unit: "pcs", weight_grams: 200, dims: (8, 8, 6), size: "200", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "ATTAR", name: "Minyak Wangi Non-Alkohol", category: Cosmetics, description: "Minyak wangi roll-on tanpa alkohol, aroma kasturi dan cendana.", price: (25000, 60000), unit: "botol", weight_grams: 30, dims: (3, 3, 9), size: "6ML", shelf_life_days: None, region: None, sni: None },
    // fashion
    ProductTpl { key: "SARUNG", name: "Sarung Tenun Santri", category: Fashion, description: "Sarung tenun ATBM motif kotak, benang katun halus, nyaman untuk shalat dan sehari-hari.", price: (120000, 350000), unit: "pcs", weight_grams: 450, dims: (30, 22, 5), size: "STD", shelf_life_days: None, region: None, sni: Some(("SNI 08-0056-2006", LSPRO_TEKSTIL)) },
    ProductTpl { key: "BATIK", name: "Batik Tulis Pesantren {s}", category: Fashion, description: "Kain batik tulis 2 x 1,15 m dengan pewarna alam, dikerjakan santri putri selama dua minggu.", price: (250000, 450000), unit: "lembar", weight_grams: 300, dims: (30, 25, 3), size: "200", shelf_life_days: None, region: None, sni: Some(("SNI 0239:2014", LSPRO_BATIK)) },
    ProductTpl { key: "SASIRANGAN", name: "Kain Sasirangan Banjar", category: Fashion, description: "Kain sasirangan motif gigi haruan, teknik jelujur dan celup tradisional Banjar.", price: (150000, 320000), unit: "lembar", weight_grams: 300, dims: (30, 25, 3), size: "200", shelf_life_days: None, region: Some("63"), sni: None },
    ProductTpl { key: "PECI", name: "Peci Rajut Santri", category: Fashion, description: "Peci rajut putih yang adem dan tidak mudah melar.", price: (35000, 65000), unit: "pcs", weight_grams: 60, dims: (20, 20, 8), size: "ALL", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "KOKO", name: "Baju Koko Bordir {s}", category: Fashion, description: "Baju koko katun dengan bordir tangan motif kaligrafi di kerah.", price: (145000, 220000), unit: "pcs", weight_grams: 350, dims: (32, 25, 4), size: "L", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "GAMIS", name: "Gamis Muslimah Katun", category: Fashion, description: "Gamis katun rayon jahitan konveksi santri putri, tersedia ukuran M sampai XL.", price: (145000, 240000), unit: "pcs", weight_grams: 400, dims: (32, 25, 4), size: "M", shelf_life_days: None, region: None, sni: None },
    // craft
    ProductTpl { key: "TASBIH", name: "Tasbih Kayu Kokka", category: Craft, description: "Tasbih 99 butir dari kayu kokka yang dibubut dan dipoles tangan.", price: (30000, 75000), unit: "pcs", weight_grams: 50, dims: (12, 8, 3), size: "99", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "KALIGRAFI", name: "Kaligrafi Kayu Ukir", category: Craft, description: "Hiasan dinding kaligrafi ayat kursi dari kayu jati, diukir dan dipernis.", price: (250000, 450000), unit: "pcs", weight_grams: 2500, dims: (60, 40, 4), size: "60X40", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "PURUN", name: "Tas Anyaman Purun", category: Craft, description: "Tas jinjing anyaman purun dari rawa Amuntai, kuat dan ramah lingkungan.", price: (45000, 95000), unit: "pcs", weight_grams: 300, dims: (35, 12, 30), size: "M", shelf_life_days: None, region: Some("63"), sni: None },
    ProductTpl { key: "MENDONG", name: "Tikar Mendong Tasik", category: Craft, description: "Tikar anyaman mendong khas Tasikmalaya, ukuran 120 x 180 cm.", price: (85000, 150000), unit: "lembar", weight_grams: 1500, dims: (120, 20, 20), size: "120X180", shelf_life_days: None, region: Some("32"), sni: None },
    ProductTpl { key: "SAJADAH", name: "Sajadah Rajut Tangan", category: Craft, description: "Sajadah rajut benang katun, dikerjakan tangan oleh santri putri.", price: (95000, 175000), unit: "pcs", weight_grams: 500, dims: (35, 25, 6), size: "STD", shelf_life_days: None, region: None, sni: None },
    // agriculture
    ProductTpl { key: "BERAS", name: "Beras Organik Santri", category: Agriculture, description: "Beras organik dari sawah binaan pesantren, tanpa pupuk kimia, harga per kilogram.", price: (15000, 19000), unit: "kg", weight_grams: 1000, dims: (20, 12, 6), size: "1KG", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "HIDRO", name: "Sayur Hidroponik Segar", category: Agriculture, description: "Paket selada, pakcoy dan kangkung hidroponik yang dipanen pagi hari.", price: (15000, 20000), unit: "bungkus", weight_grams: 250, dims: (25, 15, 8), size: "250", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "ALPUKAT", name: "Bibit Alpukat Miki", category: Agriculture, description: "Bibit alpukat miki hasil sambung pucuk, tinggi 50-70 cm, siap tanam.", price: (35000, 60000), unit: "pcs", weight_grams: 1500, dims: (20, 20, 70), size: "60CM", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "TELUR", name: "Telur Ayam Kampung (isi 10)", category: Agriculture, description: "Telur ayam kampung dari kandang umbaran pesantren, dikemas dalam tray berisi 10 butir.", price: (28000, 35000), unit: "pcs", weight_grams: 550, dims: (25, 12, 8), size: "10", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "JERUK", name: "Jeruk Siam Banjar", category: Agriculture, description: "Jeruk siam manis dari kebun pasang surut Kalimantan Selatan, harga per kilogram.", price: (18000, 28000), unit: "kg", weight_grams: 1000, dims: (25, 20, 12), size: "1KG", shelf_life_days: None, region: Some("63"), sni: None },
    ProductTpl { key: "POC", name: "Pupuk Organik Cair {s}", category: Agriculture, description: "Pupuk organik cair dari fermentasi limbah dapur dan kotoran ternak pesantren.", price: (25000, 40000), unit: "botol", weight_grams: 1100, dims: (10, 10, 28), size: "1L", shelf_life_days: None, region: None, sni: None },
    // other
    ProductTpl { key: "KITAB", name: "Kitab Safinatun Najah Terjemah", category: Other, description: "Kitab fikih dasar dengan makna gandul dan terjemah Indonesia, cetakan percetakan pesantren.", price: (25000, 45000), unit: "pcs", weight_grams: 200, dims: (21, 15, 1), size: "A5", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "MUSHAF", name: "Mushaf Al-Qur'an Tajwid Warna", category: Other, description: "Mushaf rasm Utsmani dengan kode warna tajwid, sampul tebal.", price: (85000, 150000), unit: "pcs", weight_grams: 800, dims: (25, 18, 4), size: "A5", shelf_life_days: None, region: None, sni: None },
    ProductTpl { key: "BUKU", name: "Buku Tulis Santri (isi 10)", category: Other, description: "Buku tulis 38 lembar bersampul motif pesantren, satu pak berisi 10 buku.", price: (28000, 40000), unit: "pcs", weight_grams: 900, dims: (25, 18, 5), size: "38", shelf_life_days: None, region: None, sni: None },
];

#[rustfmt::skip]
const BUSINESS_UNITS: &[&str] = &[
    "toko", "simpan pinjam", "air minum", "konveksi", "percetakan", "agribisnis", "peternakan",
    "kantin", "laundry", "minimarket", "bengkel", "depot air isi ulang",
];

#[rustfmt::skip]
const PRODUCT_REJECTIONS: &[&str] = &[
    "Foto produk buram; unggah foto dengan latar polos dan cahaya yang cukup.",
    "Label kemasan belum mencantumkan komposisi dan tanggal kedaluwarsa.",
    "Nomor P-IRT pada kemasan tidak sesuai dengan dokumen yang diunggah.",
    "Deskripsi produk terlalu singkat; jelaskan bahan, ukuran dan cara penyimpanan.",
];

#[rustfmt::skip]
const CERT_REJECTIONS: &[&str] = &[
    "Dokumen yang diunggah tidak terbaca; unggah pindaian yang jelas.",
    "Nomor sertifikat tidak ditemukan pada sistem penerbit.",
    "Nama produk pada sertifikat berbeda dengan nama produk yang didaftarkan.",
];

// ---------------------------------------------------------------------------
// Building the data set in memory.

/// Ids of the accounts that appear as creators and reviewers.
#[derive(Clone, Copy)]
struct AccountIds {
    curator: Uuid,
    admin: Uuid,
    manager: Uuid,
    /// The mentor of each of [`DEMO_MENTORS`] that may be assigned.
    mentors: [Option<Uuid>; 3],
}

struct Seeded {
    id: Uuid,
    nspp: String,
    name: String,
    province: String,
}

#[derive(Default)]
struct Plan {
    pesantren: Vec<pesantren::ActiveModel>,
    seeded: Vec<Seeded>,
    koperasi: Vec<koperasi::ActiveModel>,
    santri: Vec<santri::ActiveModel>,
    products: Vec<products::ActiveModel>,
    certifications: Vec<certifications::ActiveModel>,
    verified: usize,
    registered: usize,
    suspended: usize,
    approved_products: usize,
    programme: programme::Programme,
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(d)
}

/// Everything the seed writes except the accounts, the partner and the audit
/// entries. Pure: the same `now` gives the same data (apart from fresh ids).
fn build_plan(now: DateTime<Utc>, accounts: AccountIds) -> Plan {
    let mut rng = Rng::new(RNG_SEED);
    let today = now.date_naive();
    let mut plan = Plan::default();

    for (i, p) in PESANTREN.iter().enumerate() {
        let id = db::new_id();
        let province = p.regency[..2].to_string();
        let regency_label = regency_name(p.regency);
        let district_code = district_code(p.regency, p.district);
        // The draw that once made up a district number, kept so that the
        // rest of the demo data stays as it was.
        let _ = rng.range(1, 24);
        let slug = p.code.to_ascii_lowercase();
        let verified_at =
            (p.status != PesantrenStatus::Registered).then(|| now - days(rng.range(60, 1500)));
        match p.status {
            PesantrenStatus::Verified => plan.verified += 1,
            PesantrenStatus::Registered => plan.registered += 1,
            PesantrenStatus::Suspended => plan.suspended += 1,
        }
        plan.pesantren.push(pesantren::ActiveModel {
            id: Set(id),
            nspp: Set(nspp(i)),
            name: Set(p.name.to_string()),
            search_name: Set(crate::text::fold(p.name)),
            province_code: Set(province.clone()),
            regency_code: Set(p.regency.to_string()),
            district_code: Set(Some(district_code.clone())),
            address: Set(format!(
                "{}, Kec. {}, {}, {}",
                p.street,
                p.district,
                regency_label,
                province_name(&province)
            )),
            leader_name: Set(p.leader.to_string()),
            phone: Set(phone(&mut rng)),
            email: Set(Some(format!("sekretariat@{slug}.pesantren.example"))),
            website: Set(rng
                .percent(60)
                .then(|| format!("https://{slug}.pesantren.example"))),
            description: Set(Some(p.description.to_string())),
            status: Set(p.status),
            verified_at: Set(verified_at),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        });
        plan.seeded.push(Seeded {
            id,
            nspp: nspp(i),
            name: p.name.to_string(),
            province: province.clone(),
        });

        let koperasi_id = p.has_koperasi.then(db::new_id);
        if let Some(kid) = koperasi_id {
            let mut units: Vec<&str> = BUSINESS_UNITS.to_vec();
            rng.shuffle(&mut units);
            units.truncate(rng.range(2, 4) as usize);
            let year = rng.range(1998, 2021);
            let roman = [
                "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
            ];
            let legal = match province.as_str() {
                "35" => format!("{}/BH/XVI.{}/{year}", rng.range(100, 999), rng.range(1, 38)),
                "32" => format!(
                    "{}/BH/PAD/KWK.10/{}/{year}",
                    rng.range(100, 999),
                    rng.pick(&roman)
                ),
                _ => format!(
                    "{}/BH/XVII/{}/{year}",
                    rng.range(100, 999),
                    rng.pick(&roman)
                ),
            };
            plan.koperasi.push(koperasi::ActiveModel {
                id: Set(kid),
                pesantren_id: Set(id),
                province_code: Set(province.clone()),
                name: Set(format!("Koperasi Pondok Pesantren (Kopontren) {}", p.short)),
                legal_entity_number: Set(Some(legal)),
                nib: Set(Some(format!(
                    "9120{:03}{:06}",
                    i + 101,
                    rng.below(1_000_000)
                ))),
                member_count: Set(rng.range(20, 3000) as i32),
                business_units: Set(json!(units)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
        }

        // Santri.
        let mut nik_seq = rng.range(1, 400);
        let ctx = SantriCtx {
            pesantren_id: id,
            province: &province,
            district_code: &district_code,
            regency_label,
            now,
        };
        for _ in 0..rng.range(5, 10) {
            plan.santri.push(santri_row(&mut rng, &ctx, &mut nik_seq));
        }

        // Products and their certifications.
        let mut templates: Vec<&ProductTpl> = PRODUCTS
            .iter()
            .filter(|t| t.region.is_none_or(|r| r == province))
            .collect();
        rng.shuffle(&mut templates);
        templates.truncate(rng.range(3, 6) as usize);
        let reviewer = (province == "35").then_some(accounts.curator);
        let creator = (i == 0).then_some(accounts.manager);
        for (k, t) in templates.into_iter().enumerate() {
            let product_id = db::new_id();
            let flagship = k == 0;
            let mut status = product_status(&mut rng, p.status, flagship);
            if i == 0 && flagship {
                // The demo manager's pesantren shows a published flagship.
                status = ProductStatus::Approved;
            }
            if status == ProductStatus::Approved {
                plan.approved_products += 1;
            }
            let name = t.name.replace("{s}", p.short);
            let image_slug = format!("{slug}-{}", t.key.to_ascii_lowercase());
            let mut images = vec![format!(
                "https://images.opop.example/products/{image_slug}.jpg"
            )];
            if rng.percent(50) {
                images.push(format!(
                    "https://images.opop.example/products/{image_slug}-2.jpg"
                ));
            }
            let submitted =
                (status != ProductStatus::Draft).then(|| now - days(rng.range(20, 400)));
            let reviewed = matches!(
                status,
                ProductStatus::Approved | ProductStatus::Rejected | ProductStatus::Unlisted
            )
            .then(|| submitted.unwrap_or(now) + days(rng.range(1, 14)))
            .map(|t| t.min(now));
            let stock = if rng.percent(6) { 0 } else { rng.range(5, 500) };
            plan.products.push(products::ActiveModel {
                id: Set(product_id),
                pesantren_id: Set(id),
                province_code: Set(province.clone()),
                koperasi_id: Set(koperasi_id),
                search_name: Set(crate::text::fold(&name)),
                name: Set(name),
                description: Set(Some(format!(
                    "{} Produk {} dari {}.",
                    t.description,
                    if flagship { "unggulan" } else { "santri" },
                    p.name
                ))),
                category: Set(t.category),
                price_idr: Set(Some(rng.price(t.price))),
                stock: Set(Some(stock)),
                unit: Set(Some(t.unit.to_string())),
                weight_grams: Set(Some(t.weight_grams)),
                sku: Set(Some(format!("{}-{}-{}", p.code, t.key, t.size))),
                images: Set(json!(images)),
                is_flagship: Set(flagship),
                flagship_requested: Set(false),
                flagship_awarded_by: Set(None),
                flagship_awarded_at: Set(flagship.then(db::now)),
                status: Set(status),
                rejection_reason: Set((status == ProductStatus::Rejected)
                    .then(|| rng.pick(PRODUCT_REJECTIONS).to_string())),
                brand: Set(rng.percent(85).then(|| p.short.to_string())),
                condition: Set(ProductCondition::New),
                length_cm: Set(Some(t.dims.0)),
                width_cm: Set(Some(t.dims.1)),
                height_cm: Set(Some(t.dims.2)),
                min_order_qty: Set(1),
                shelf_life_days: Set(t.shelf_life_days),
                created_by: Set(creator),
                edited_by: Set(creator),
                submitted_at: Set(submitted),
                reviewed_by: Set(reviewed.and(reviewer)),
                reviewed_at: Set(reviewed),
                in_feed: Set(false),
                options: Set(None),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            });
            let ctx = CertCtx {
                product_id,
                pesantren_id: id,
                province: &province,
                regency: p.regency,
                regency_label,
                now,
                verifier: reviewer,
            };
            let drafts = certification_drafts(&mut rng, today, &ctx, t, status, flagship);
            plan.certifications
                .extend(drafts.into_iter().map(|d| d.into_model(&mut rng, &ctx)));
        }
    }

    // The programme year, from a generator of its own.
    let members = programme::members(&plan.pesantren, &plan.santri, &plan.products, 10);
    let staff = programme::DemoStaff {
        curator: accounts.curator,
        admin: accounts.admin,
        manager: (accounts.manager, plan.seeded[0].id),
        mentors: accounts.mentors,
    };
    plan.programme = programme::demo(
        &mut Rng::new(PROGRAMME_RNG_SEED),
        &programme::Calendar::new(now),
        &members,
        &plan.santri,
        &staff,
    );
    plan
}

/// Where a santri lives and studies, for [`santri_row`].
struct SantriCtx<'a> {
    pesantren_id: Uuid,
    province: &'a str,
    district_code: &'a str,
    regency_label: &'a str,
    now: DateTime<Utc>,
}

/// One santri of a pesantren: the NIK agrees with the district, birth date
/// and gender; minors have a guardian who consented. `nik_seq` grows so that
/// NIKs stay unique within the pesantren.
fn santri_row(rng: &mut Rng, ctx: &SantriCtx<'_>, nik_seq: &mut i64) -> santri::ActiveModel {
    let SantriCtx {
        pesantren_id: id,
        province,
        district_code,
        regency_label,
        now,
    } = *ctx;
    let today = now.date_naive();
    let female = rng.percent(48);
    let alumni = rng.percent(22);
    let age = if alumni {
        rng.range(19, 26)
    } else {
        rng.range(13, 20)
    };
    let birth = today
        .checked_sub_months(Months::new(12 * age as u32))
        .unwrap_or(today)
        - days(rng.range(0, 364));
    let mut entry_year = i64::from(birth.year()) + rng.range(12, 14);
    if alumni {
        entry_year = entry_year.min(i64::from(today.year()) - 4);
    }
    let entry_year = entry_year.min(i64::from(today.year())) as i32;
    let adult_on = add_years(birth, 18);
    let minor = adult_on > today;
    *nik_seq += rng.range(1, 37);
    let nik = format!(
        "{district_code}{:02}{:02}{:02}{:04}",
        birth.day() + if female { 40 } else { 0 },
        birth.month(),
        birth.year() % 100,
        nik_seq
    );
    let name = person_name(rng, province, female);
    let has_phone = !minor && rng.percent(60);
    let email = (alumni && rng.percent(40)).then(|| {
        format!(
            "{}{}@santri.opop.example",
            crate::text::fold(&name).replace(['.', ' '], ""),
            rng.range(1, 99)
        )
    });
    santri::ActiveModel {
        id: Set(db::new_id()),
        pesantren_id: Set(id),
        province_code: Set(province.to_string()),
        search_name: Set(crate::text::fold(&name)),
        name: Set(name),
        // Plain only in memory: sealed on the way in (`seal_rows`).
        nik_legacy: Set(Some(nik)),
        nik_sealed: Set(None),
        nik_hash: Set(None),
        nik_last4: Set(None),
        gender: Set(if female { Gender::P } else { Gender::L }),
        birth_date: Set(Some(birth)),
        entry_year: Set(Some(entry_year)),
        status: Set(if alumni {
            SantriStatus::Alumni
        } else {
            SantriStatus::Active
        }),
        is_santripreneur: Set(rng.percent(if alumni { 55 } else { 25 })),
        phone: Set(has_phone.then(|| phone(rng))),
        email: Set(email),
        address: Set(Some(format!(
            "Desa {}, {}",
            rng.pick(VILLAGES),
            regency_label
        ))),
        guardian_name: Set(minor.then(|| rng.pick(GUARDIANS).to_string())),
        guardian_consent_at: Set(minor.then(|| now - days(rng.range(10, 700)))),
        consent_relation: Set(
            minor.then(|| if rng.percent(60) { "ibu" } else { "ayah" }.to_string())
        ),
        consent_method: Set(minor.then_some(entity::ConsentMethod::WrittenForm)),
        consent_given_on: Set(minor.then(|| (now - days(rng.range(700, 800))).date_naive())),
        consent_recorded_by: Set(None),
        consent_withdrawn_at: Set(None),
        // Within retention, so that the demo's alumni are not erased at start.
        left_on: Set(alumni.then(|| (now - days(rng.range(30, 1500))).date_naive())),
        erased_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
    }
}

/// Curation state of a product: mostly approved; a pesantren still waiting
/// for verification has nothing approved yet; a suspended one keeps what it had.
fn product_status(rng: &mut Rng, pesantren: PesantrenStatus, flagship: bool) -> ProductStatus {
    use ProductStatus::*;
    match pesantren {
        PesantrenStatus::Registered => {
            if rng.percent(55) {
                InReview
            } else {
                Draft
            }
        }
        PesantrenStatus::Suspended => {
            if rng.percent(70) {
                Approved
            } else {
                Unlisted
            }
        }
        PesantrenStatus::Verified if flagship => {
            if rng.percent(92) {
                Approved
            } else {
                InReview
            }
        }
        PesantrenStatus::Verified => match rng.below(100) {
            0..=63 => Approved,
            64..=74 => InReview,
            75..=83 => Draft,
            84..=91 => Rejected,
            _ => Unlisted,
        },
    }
}

struct CertCtx<'a> {
    product_id: Uuid,
    pesantren_id: Uuid,
    province: &'a str,
    regency: &'a str,
    regency_label: &'a str,
    now: DateTime<Utc>,
    verifier: Option<Uuid>,
}

struct CertDraft {
    cert_type: CertificationType,
    number: String,
    issuer: String,
    issued_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    status: CertificationStatus,
}

impl CertDraft {
    fn into_model(self, rng: &mut Rng, ctx: &CertCtx<'_>) -> certifications::ActiveModel {
        let verified = self.status == CertificationStatus::Verified;
        let rejected = self.status == CertificationStatus::Rejected;
        let doc_slug = self
            .number
            .to_ascii_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "-");
        // Verified some days after issue, never in the future.
        let verified_at = verified.then(|| {
            let issued = self
                .issued_on
                .and_hms_opt(0, 0, 0)
                .map(|d| d.and_utc())
                .unwrap_or(ctx.now);
            (issued + days(rng.range(3, 60))).min(ctx.now - days(1))
        });
        certifications::ActiveModel {
            id: Set(db::new_id()),
            product_id: Set(ctx.product_id),
            pesantren_id: Set(ctx.pesantren_id),
            province_code: Set(ctx.province.to_string()),
            cert_type: Set(self.cert_type),
            number: Set(self.number),
            issuer: Set(self.issuer),
            issued_on: Set(Some(self.issued_on)),
            expires_on: Set(self.expires_on),
            status: Set(self.status),
            rejection_reason: Set(rejected.then(|| rng.pick(CERT_REJECTIONS).to_string())),
            document_url: Set(Some(format!(
                "https://files.opop.example/certifications/{doc_slug}.pdf"
            ))),
            verified_by: Set(verified_at.and(ctx.verifier)),
            verified_at: Set(verified_at),
            created_by: Set(None),
            edited_by: Set(None),
            created_at: Set(ctx.now),
            updated_at: Set(ctx.now),
            version: Set(1),
        }
    }
}

fn halal(
    rng: &mut Rng,
    ctx: &CertCtx<'_>,
    issued_on: NaiveDate,
    expires_on: Option<NaiveDate>,
    status: CertificationStatus,
) -> CertDraft {
    CertDraft {
        cert_type: CertificationType::Halal,
        number: format!(
            "ID{}{:03}{:08}{:02}{:02}",
            ctx.province,
            rng.range(100, 999),
            rng.below(100_000_000),
            issued_on.month(),
            issued_on.year() % 100
        ),
        issuer: "BPJPH".into(),
        issued_on,
        expires_on,
        status,
    }
}

/// Review state of a certificate other than the halal one.
fn other_status(rng: &mut Rng, product: ProductStatus) -> CertificationStatus {
    use CertificationStatus::*;
    let r = rng.below(100);
    match product {
        ProductStatus::Approved | ProductStatus::Unlisted => match r {
            0..=79 => Verified,
            80..=93 => Pending,
            _ => Rejected,
        },
        _ => match r {
            0..=29 => Verified,
            30..=89 => Pending,
            _ => Rejected,
        },
    }
}

fn certification_drafts(
    rng: &mut Rng,
    today: NaiveDate,
    ctx: &CertCtx<'_>,
    t: &ProductTpl,
    status: ProductStatus,
    flagship: bool,
) -> Vec<CertDraft> {
    use CertificationStatus::*;
    let mut out = Vec::new();
    let listed = matches!(status, ProductStatus::Approved | ProductStatus::Unlisted);

    if t.category.requires_halal() {
        // Certificates issued since 2023 carry no expiry; older ones ran 4 years.
        let recent = |rng: &mut Rng| today - days(rng.range(30, 1000));
        let expired_old = |rng: &mut Rng| today - days(rng.range(1600, 2000));
        if listed {
            match rng.below(100) {
                // Valid, without expiry.
                0..=57 => {
                    let d = recent(rng);
                    out.push(halal(rng, ctx, d, None, Verified));
                }
                // Valid, an older certificate that still runs.
                58..=72 => {
                    let d = today - days(rng.range(1250, 1420));
                    out.push(halal(rng, ctx, d, Some(add_years(d, 4)), Verified));
                }
                // Expired, not renewed: the product is not publishable.
                73..=82 => {
                    let d = expired_old(rng);
                    out.push(halal(rng, ctx, d, Some(add_years(d, 4)), Verified));
                }
                // Expired and renewed.
                83..=90 => {
                    let d = expired_old(rng);
                    out.push(halal(rng, ctx, d, Some(add_years(d, 4)), Verified));
                    let d = today - days(rng.range(20, 300));
                    out.push(halal(rng, ctx, d, None, Verified));
                }
                // Renewal still under review.
                91..=95 => {
                    let d = today - days(rng.range(5, 60));
                    out.push(halal(rng, ctx, d, None, Pending));
                }
                // No halal certificate yet.
                _ => {}
            }
        } else {
            match rng.below(100) {
                0..=49 => {
                    let d = today - days(rng.range(5, 120));
                    out.push(halal(rng, ctx, d, None, Pending));
                }
                50..=64 => {
                    let d = today - days(rng.range(5, 120));
                    out.push(halal(rng, ctx, d, None, Rejected));
                }
                65..=79 => {
                    let d = recent(rng);
                    out.push(halal(rng, ctx, d, None, Verified));
                }
                _ => {}
            }
        }
    }

    if matches!(t.category, Food | Beverage | Herbal) {
        let r = rng.below(100);
        if t.key == "AIR" || (55..85).contains(&r) {
            // BPOM registration, 5 years.
            let issued = today - days(rng.range(60, 1700));
            out.push(CertDraft {
                cert_type: CertificationType::Bpom,
                number: format!("MD{}{:011}", rng.range(2, 8), rng.below(100_000_000_000)),
                issuer: "BPOM".into(),
                issued_on: issued,
                expires_on: Some(add_years(issued, 5)),
                status: other_status(rng, status),
            });
        } else if r < 55 {
            // P-IRT: packaging, food type, regency, product no., permit no.,
            // expiry year; valid 5 years (some already lapsed).
            let issued = today - days(rng.range(60, 2100));
            let expires = add_years(issued, 5);
            out.push(CertDraft {
                cert_type: CertificationType::Pirt,
                number: format!(
                    "{}{:02}{}{:02}{:04}{:02}",
                    rng.range(2, 5),
                    rng.range(1, 16),
                    ctx.regency,
                    rng.range(1, 20),
                    rng.range(1, 9999),
                    expires.year() % 100
                ),
                issuer: format!("Dinas Kesehatan {}", ctx.regency_label),
                issued_on: issued,
                expires_on: Some(expires),
                status: other_status(rng, status),
            });
        }
    }

    if let Some((standard, body)) = t.sni {
        if t.key == "AIR" || rng.percent(60) {
            // SPPT SNI, 4 years.
            let issued = today - days(rng.range(60, 1300));
            out.push(CertDraft {
                cert_type: CertificationType::Sni,
                number: format!(
                    "{standard}/LSPro/{:04}/{}",
                    rng.range(1, 9999),
                    issued.year()
                ),
                issuer: body.into(),
                issued_on: issued,
                expires_on: Some(add_years(issued, 4)),
                status: other_status(rng, status),
            });
        }
    }

    if rng.percent(if flagship { 65 } else { 15 }) {
        // Trademark: protected 10 years from filing.
        let issued = today - days(rng.range(100, 3000));
        out.push(CertDraft {
            cert_type: CertificationType::Haki,
            number: format!("IDM000{:06}", rng.below(1_000_000)),
            issuer: "Direktorat Jenderal Kekayaan Intelektual (DJKI)".into(),
            issued_on: issued,
            expires_on: Some(add_years(issued, 10)),
            status: other_status(rng, status),
        });
    }
    out
}

// ---------------------------------------------------------------------------
// Writing.

/// Inserts `rows` with multi-row INSERTs of as many rows as the bind
/// parameters allow (under SQLite's 32,766 and PostgreSQL's 65,535).
async fn insert_chunked<E, A>(tx: &DatabaseTransaction, rows: Vec<A>) -> Result<(), sea_orm::DbErr>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    for statement in insert_statements(tx.get_database_backend(), rows) {
        tx.execute_raw(statement).await?;
    }
    Ok(())
}

/// The multi-row INSERTs of `rows`, built apart from their execution so
/// that a generator thread can build the next ones while the database
/// writes the last.
fn insert_statements<E, A>(backend: DbBackend, rows: Vec<A>) -> Vec<Statement>
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E>,
{
    use sea_orm::{Iterable, QueryTrait};
    let per = (MAX_BINDS / E::Column::iter().count().max(1)).max(1);
    let mut out = Vec::with_capacity(rows.len().div_ceil(per));
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<A> = rows.by_ref().take(per).collect();
        out.push(E::insert_many(chunk).build(backend));
    }
    out
}

async fn user_id_by_email(db: &DatabaseConnection, email: &str) -> anyhow::Result<Option<Uuid>> {
    Ok(users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(db)
        .await?
        .map(|u| u.id))
}

fn accounts_text() -> String {
    let mentors: String = DEMO_MENTORS
        .iter()
        .map(|(email, _, province)| {
            format!(
                "  mentor             {email} (province {province}, {})\n",
                province_name(province)
            )
        })
        .collect();
    format!(
        "Demo accounts (password {DEMO_PASSWORD}):\n  \
         curator            {DEMO_CURATOR_EMAIL} (province 35, Jawa Timur)\n  \
         admin              {DEMO_ADMIN_EMAIL} (province 32, Jawa Barat)\n  \
         pesantren_manager  {DEMO_MANAGER_EMAIL} ({})\n\
         {mentors}\
         Demo partner: Shopee Indonesia, client_id {DEMO_PARTNER_CLIENT_ID}, client_secret {DEMO_PARTNER_SECRET}",
        PESANTREN[0].name
    )
}

fn programme_text(year: i32, c: &programme::ProgrammeCounts) -> String {
    let confirmed: Vec<String> = PROVINCES
        .iter()
        .filter_map(|p| {
            let v = c.confirmed_idr.get(*p)?;
            Some(format!("{} {}", province_name(p), programme::rupiah(*v)))
        })
        .collect();
    format!(
        "Programme {year}: targets for {} provinces, {} activities with {} participants, \
         {} deals ({} reported and not yet confirmed; confirmed: {}), {} mentor assignments \
         with {} mentoring sessions, {} alumni enterprises ({} social).",
        c.targets,
        c.activities,
        c.participants,
        c.deals,
        c.reported_deals,
        confirmed.join(", "),
        c.assignments,
        c.sessions,
        c.enterprises,
        c.social_enterprises
    )
}

/// Loads the demo data set, or does nothing when it is already there.
pub async fn seed_demo(db: &DatabaseConnection, vault: &NikVault) -> anyhow::Result<String> {
    let first_nspp = nspp(0);
    let already = pesantren::Entity::find()
        .filter(pesantren::Column::Nspp.eq(first_nspp.as_str()))
        .one(db)
        .await?
        .is_some();
    if already {
        return Ok(format!(
            "The demo data is already loaded (pesantren with NSPP {first_nspp} exists); nothing was changed.\n{}",
            accounts_text()
        ));
    }

    // Accounts that exist already are kept as they are.
    let existing_curator = user_id_by_email(db, DEMO_CURATOR_EMAIL).await?;
    let existing_admin = user_id_by_email(db, DEMO_ADMIN_EMAIL).await?;
    let existing_manager = user_id_by_email(db, DEMO_MANAGER_EMAIL).await?;
    let partner_exists = partners::Entity::find()
        .filter(
            Condition::any()
                .add(partners::Column::Code.eq(DEMO_PARTNER_CODE))
                .add(partners::Column::ClientId.eq(DEMO_PARTNER_CLIENT_ID)),
        )
        .one(db)
        .await?
        .is_some();
    // A kept mentor account takes the assignments only if it is a mentor's.
    let mut existing_mentors = Vec::with_capacity(DEMO_MENTORS.len());
    for (email, ..) in DEMO_MENTORS {
        existing_mentors.push(
            users::Entity::find()
                .filter(users::Column::Email.eq(email))
                .one(db)
                .await?
                .map(|u| (u.id, u.role)),
        );
    }
    let mentor_ids: [Uuid; 3] =
        std::array::from_fn(|k| existing_mentors[k].map_or_else(db::new_id, |(id, _)| id));
    let accounts = AccountIds {
        curator: existing_curator.unwrap_or_else(db::new_id),
        admin: existing_admin.unwrap_or_else(db::new_id),
        manager: existing_manager.unwrap_or_else(db::new_id),
        mentors: std::array::from_fn(|k| match existing_mentors[k] {
            Some((_, role)) if role != Role::Mentor => None,
            _ => Some(mentor_ids[k]),
        }),
    };

    let now = db::now();
    let year = crate::publication::day_of(now).year();
    let mut plan = build_plan(now, accounts);
    // Targets a province already has for the year are kept as they are.
    let existing_targets: Vec<String> = targets::Entity::find()
        .filter(targets::Column::Year.eq(year))
        .filter(targets::Column::ProvinceCode.is_in(PROVINCES))
        .all(db)
        .await?
        .into_iter()
        .map(|t| t.province_code)
        .collect();
    plan.programme.drop_targets(&existing_targets);
    let manager_pesantren = plan.seeded[0].id;
    // Managers carry their pesantren's province, as accounts made through the API do.
    let manager_province = plan.seeded[0].province.clone();
    let password_hash = password::hash(DEMO_PASSWORD)?;

    let new_user = |id: Uuid,
                    email: &str,
                    name: &str,
                    role: Role,
                    province: Option<&str>,
                    pesantren_id: Option<Uuid>| {
        users::ActiveModel {
            id: Set(id),
            email: Set(email.to_string()),
            name: Set(name.to_string()),
            password_hash: Set(password_hash.clone()),
            role: Set(role),
            province_code: Set(province.map(str::to_string)),
            pesantren_id: Set(pesantren_id),
            santri_id: Set(None),
            is_active: Set(true),
            last_login_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
    };
    let mut new_users = Vec::new();
    let mut kept: Vec<String> = existing_targets
        .iter()
        .map(|p| format!("the targets of province {p} for {year}"))
        .collect();
    let mut accounts_wanted = vec![
        (
            existing_curator,
            accounts.curator,
            DEMO_CURATOR_EMAIL,
            "Dr. Rina Kurniawati, M.M.",
            Role::Curator,
            Some("35"),
            None,
        ),
        (
            existing_admin,
            accounts.admin,
            DEMO_ADMIN_EMAIL,
            "Dedi Supriadi, S.E.",
            Role::Admin,
            Some("32"),
            None,
        ),
        (
            existing_manager,
            accounts.manager,
            DEMO_MANAGER_EMAIL,
            "Ahmad Syaifuddin",
            Role::PesantrenManager,
            Some(manager_province.as_str()),
            Some(manager_pesantren),
        ),
    ];
    for (k, (email, name, province)) in DEMO_MENTORS.iter().enumerate() {
        accounts_wanted.push((
            existing_mentors[k].map(|(id, _)| id),
            mentor_ids[k],
            email,
            name,
            Role::Mentor,
            Some(province),
            None,
        ));
    }
    for (existing, id, email, name, role, province, pesantren_id) in accounts_wanted {
        if existing.is_some() {
            kept.push(email.to_string());
        } else {
            new_users.push((
                new_user(id, email, name, role, province, pesantren_id),
                id,
                email,
                role,
                province,
            ));
        }
    }
    let partner = if partner_exists {
        kept.push(DEMO_PARTNER_CLIENT_ID.to_string());
        None
    } else {
        Some(partners::ActiveModel {
            id: Set(db::new_id()),
            name: Set("Shopee Indonesia".into()),
            code: Set(DEMO_PARTNER_CODE.into()),
            client_id: Set(DEMO_PARTNER_CLIENT_ID.into()),
            client_secret_hash: Set(password::hash(DEMO_PARTNER_SECRET)?),
            webhook_url: Set(None),
            webhook_secret: Set(None),
            is_active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        })
    };

    let counts = (
        plan.pesantren.len(),
        plan.koperasi.len(),
        plan.santri.len(),
        plan.products.len(),
        plan.certifications.len(),
    );
    let Plan {
        pesantren: pesantren_rows,
        seeded,
        koperasi: koperasi_rows,
        santri: santri_rows,
        products: product_rows,
        certifications: certification_rows,
        verified,
        registered,
        suspended,
        approved_products,
        programme,
    } = plan;
    let programme_counts = programme.counts();
    let programme_audit = programme.audit_entries();

    let mut tx = crate::feed::begin(db, &Actor::system()).await?;
    insert_chunked(&tx, pesantren_rows).await?;
    for (model, ..) in &new_users {
        model.clone().insert(&*tx).await?;
    }
    let partner_id = match partner {
        Some(p) => Some(p.insert(&*tx).await?.id),
        None => None,
    };
    insert_chunked(&tx, koperasi_rows).await?;
    insert_chunked(&tx, seal_rows(vault, santri_rows)?).await?;
    let product_ids: Vec<Uuid> = product_rows
        .iter()
        .filter_map(|p| p.id.clone().take())
        .collect();
    // Sarung come in three sizes: the demo's products with variants.
    let sarung: Vec<(Uuid, Uuid, String, i64, i64)> = product_rows
        .iter()
        .filter_map(|p| {
            let sku = p.sku.clone().take().flatten()?;
            sku.contains("-SARUNG-").then_some((
                p.id.clone().take()?,
                p.pesantren_id.clone().take()?,
                sku,
                p.price_idr.clone().take().flatten()?,
                p.stock.clone().take().flatten()?,
            ))
        })
        .collect();
    insert_chunked(&tx, product_rows).await?;
    insert_chunked(&tx, certification_rows).await?;
    for (product_id, pesantren_id, sku, price, stock) in sarung {
        let sizes = [
            ("Anak", price - 40_000, 0.2),
            ("Remaja", price - 20_000, 0.3),
            ("Dewasa", price, 0.5),
        ];
        let mut total = 0;
        for (position, (size, size_price, share)) in sizes.iter().enumerate() {
            let size_stock = (stock as f64 * share) as i64;
            total += size_stock;
            product_variants::ActiveModel {
                id: Set(db::new_id()),
                product_id: Set(product_id),
                pesantren_id: Set(pesantren_id),
                position: Set(position as i32),
                sku: Set(format!("{sku}-{}", size.to_uppercase())),
                option_values: Set(json!({ "ukuran": size })),
                price_idr: Set((*size_price).max(50_000)),
                stock: Set(size_stock),
                weight_grams: Set(if *size == "Anak" { 300 } else { 450 }),
                length_cm: Set(Some(30)),
                width_cm: Set(Some(22)),
                height_cm: Set(Some(5)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(1),
            }
            .insert(&*tx)
            .await?;
        }
        products::Entity::update_many()
            .col_expr(products::Column::Options, Expr::value(json!(["ukuran"])))
            .col_expr(products::Column::Stock, Expr::value(total))
            .col_expr(
                products::Column::PriceIdr,
                Expr::value(sizes.iter().map(|s| s.1.max(50_000)).min().unwrap_or(price)),
            )
            .filter(products::Column::Id.eq(product_id))
            .exec(&*tx)
            .await?;
    }
    // The change feed must hold every published product, so that a partner
    // replaying it from the start ends with exactly the catalogue.
    for id in product_ids {
        crate::feed::sync_product(&tx, id).await?;
    }
    // The programme year: its mentors' accounts are in already.
    programme.write(&tx).await?;

    for s in &seeded {
        tx.record(Entry {
            action: "seed",
            resource_type: "pesantren",
            resource_id: s.id,
            province_code: Some(s.province.clone()),
            changes: json!({ "nspp": s.nspp, "name": s.name }),
        })
        .await?;
    }
    for (_, id, email, role, province) in &new_users {
        tx.record(Entry {
            action: "seed",
            resource_type: "user",
            resource_id: *id,
            province_code: province.map(str::to_string),
            changes: json!({ "email": email, "role": role }),
        })
        .await?;
    }
    if let Some(id) = partner_id {
        tx.record(Entry {
            action: "seed",
            resource_type: "partner",
            resource_id: id,
            province_code: None,
            changes: json!({ "code": DEMO_PARTNER_CODE, "client_id": DEMO_PARTNER_CLIENT_ID }),
        })
        .await?;
    }
    for entry in programme_audit {
        tx.record(entry).await?;
    }
    tx.commit().await?;

    let (n_pesantren, n_koperasi, n_santri, n_products, n_certs) = counts;
    let mut summary = format!(
        "Loaded the demo data: {n_pesantren} pesantren ({verified} verified, {registered} registered, \
         {suspended} suspended), {n_koperasi} koperasi, {n_santri} santri, {n_products} products \
         ({approved_products} approved), {n_certs} certifications.\n{}\n{}",
        programme_text(year, &programme_counts),
        accounts_text()
    );
    if !kept.is_empty() {
        summary.push_str(&format!(
            "\nAlready present and left unchanged: {}.",
            kept.join(", ")
        ));
    }
    Ok(summary)
}

/// A fixed key for the seeds' own tests.
#[cfg(test)]
pub(crate) fn test_vault() -> NikVault {
    NikVault::new(&[7; crate::vault::KEY_LEN], &[])
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use sea_orm::PaginatorTrait;

    use super::*;

    #[test]
    fn the_plan_is_deterministic() {
        let now = db::now();
        let ids = AccountIds {
            curator: db::new_id(),
            admin: db::new_id(),
            manager: db::new_id(),
            mentors: [Some(db::new_id()), None, Some(db::new_id())],
        };
        let fingerprint = |p: &Plan| {
            let mut v: Vec<String> = Vec::new();
            v.extend(
                p.pesantren
                    .iter()
                    .map(|m| format!("{:?}{:?}", m.nspp, m.phone)),
            );
            v.extend(
                p.santri
                    .iter()
                    .map(|m| format!("{:?}{:?}", m.name, m.nik_legacy)),
            );
            v.extend(
                p.products
                    .iter()
                    .map(|m| format!("{:?}{:?}{:?}", m.sku, m.price_idr, m.status)),
            );
            v.extend(
                p.certifications
                    .iter()
                    .map(|m| format!("{:?}{:?}", m.number, m.expires_on)),
            );
            let prog = &p.programme;
            v.extend(prog.activities.iter().map(|m| {
                format!(
                    "{:?}{:?}{:?}{:?}",
                    m.title, m.starts_on, m.status, m.enrolled
                )
            }));
            v.extend(
                prog.participants
                    .iter()
                    .map(|m| format!("{:?}{:?}", m.santri_count, m.attended)),
            );
            v.extend(prog.deals.iter().map(|m| {
                format!(
                    "{:?}{:?}{:?}{:?}",
                    m.buyer_name, m.value_idr, m.kind, m.status
                )
            }));
            v.extend(
                prog.sessions
                    .iter()
                    .map(|m| format!("{:?}{:?}", m.held_on, m.topic)),
            );
            v.extend(
                prog.enterprises
                    .iter()
                    .map(|m| format!("{:?}{:?}", m.name, m.started_on)),
            );
            v
        };
        assert_eq!(
            fingerprint(&build_plan(now, ids)),
            fingerprint(&build_plan(now, ids))
        );
    }

    #[tokio::test]
    async fn seeding_loads_a_consistent_data_set_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.db");
        let db = db::connect_url(&format!("sqlite://{}?mode=rwc", path.display()), 5)
            .await
            .unwrap();
        db::migrate(&db).await.unwrap();

        let summary = seed_demo(&db, &test_vault()).await.unwrap();
        println!("{summary}");
        assert!(summary.starts_with("Loaded the demo data"), "{summary}");
        assert!(summary.contains(DEMO_PASSWORD) && summary.contains(DEMO_PARTNER_SECRET));

        let all_p = pesantren::Entity::find().all(&db).await.unwrap();
        let kop = koperasi::Entity::find().all(&db).await.unwrap();
        let san = santri::Entity::find().all(&db).await.unwrap();
        let prods = products::Entity::find().all(&db).await.unwrap();
        let certs = certifications::Entity::find().all(&db).await.unwrap();
        let usrs = users::Entity::find().all(&db).await.unwrap();
        let parts = partners::Entity::find().all(&db).await.unwrap();
        println!(
            "{} pesantren, {} koperasi, {} santri, {} products, {} certifications",
            all_p.len(),
            kop.len(),
            san.len(),
            prods.len(),
            certs.len()
        );

        assert_eq!(all_p.len(), PESANTREN.len());
        assert_eq!(
            kop.len(),
            PESANTREN.iter().filter(|p| p.has_koperasi).count()
        );
        assert!(san.len() >= 5 * PESANTREN.len() && san.len() <= 10 * PESANTREN.len());
        assert!(prods.len() >= 3 * PESANTREN.len() && prods.len() <= 6 * PESANTREN.len());
        assert!(!certs.is_empty());
        assert_eq!(usrs.len(), 3 + DEMO_MENTORS.len());
        assert_eq!(parts.len(), 1);
        assert!(password::verify(DEMO_PASSWORD, &usrs[0].password_hash));
        assert!(password::verify(
            DEMO_PARTNER_SECRET,
            &parts[0].client_secret_hash
        ));
        let manager = usrs
            .iter()
            .find(|u| u.role == Role::PesantrenManager)
            .unwrap();
        let managed = all_p
            .iter()
            .find(|p| Some(p.id) == manager.pesantren_id)
            .unwrap();
        assert_eq!(managed.status, PesantrenStatus::Verified);
        assert_eq!(managed.nspp, nspp(0));

        // Pesantren: identifiers well-formed and unique, statuses mixed.
        let by_id: HashMap<Uuid, &pesantren::Model> = all_p.iter().map(|p| (p.id, p)).collect();
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        let nspps: HashSet<&str> = all_p.iter().map(|p| p.nspp.as_str()).collect();
        assert_eq!(nspps.len(), all_p.len());
        for p in &all_p {
            assert!(digits(&p.nspp, 12), "{}", p.nspp);
            assert!(["35", "32", "63"].contains(&p.province_code.as_str()));
            assert!(digits(&p.regency_code, 4) && p.regency_code.starts_with(&p.province_code));
            let district = p.district_code.as_deref().unwrap();
            assert!(digits(district, 6) && district.starts_with(&p.regency_code));
            // Real Kemendagri codes, the district the address names.
            assert!(crate::ids::validate_regency_code(&p.regency_code).is_ok());
            assert!(crate::ids::validate_district_code(district).is_ok());
            let district_name = crate::ids::region_name(district).unwrap();
            assert!(
                p.address.contains(&format!("Kec. {district_name},")),
                "{}",
                p.address
            );
            assert!(p.phone.starts_with("+628"));
            assert!(
                (10..=13).contains(&(p.phone.len() - 3))
                    && digits(&p.phone[1..], p.phone.len() - 1)
            );
            assert_eq!(p.search_name, crate::text::fold(&p.name));
            assert_eq!(
                p.verified_at.is_some(),
                p.status != PesantrenStatus::Registered
            );
        }
        assert!(all_p.iter().any(|p| p.name.contains('ā')));
        let statuses: HashSet<_> = all_p.iter().map(|p| p.status).collect();
        assert_eq!(statuses.len(), 3);

        // Koperasi.
        let nibs: HashSet<_> = kop.iter().map(|k| k.nib.clone().unwrap()).collect();
        assert_eq!(nibs.len(), kop.len());
        for k in &kop {
            assert!(digits(k.nib.as_deref().unwrap(), 13));
            assert_eq!(k.province_code, by_id[&k.pesantren_id].province_code);
            assert!((20..=3000).contains(&k.member_count));
            assert!(k.business_units.as_array().is_some_and(|a| !a.is_empty()));
        }

        // Santri: the NIK agrees with the region, the birth date and the gender.
        let today = crate::publication::today();
        for s in &san {
            let p = by_id[&s.pesantren_id];
            assert_eq!(s.province_code, p.province_code);
            assert!(s.nik_legacy.is_none(), "a plain NIK reached the database");
            let nik = test_vault()
                .open(s.id, s.nik_sealed.as_deref().unwrap())
                .unwrap();
            let nik = nik.as_str();
            assert_eq!(s.nik_last4.as_deref(), Some(&nik[12..]));
            assert!(digits(nik, 16));
            assert!(nik.starts_with(p.district_code.as_deref().unwrap()));
            assert!(crate::ids::validate_nik(nik).is_ok());
            let birth = s.birth_date.unwrap();
            let day: u32 = nik[6..8].parse().unwrap();
            assert_eq!(day > 40, s.gender == Gender::P);
            assert_eq!(day % 40, birth.day());
            assert_eq!(
                &nik[8..12],
                format!("{:02}{:02}", birth.month(), birth.year() % 100)
            );
            let minor = add_years(birth, 18) > today;
            assert_eq!(minor, s.guardian_consent_at.is_some());
            assert_eq!(minor, s.guardian_name.is_some());
        }
        assert!(san.iter().any(|s| s.is_santripreneur));
        assert!(san.iter().any(|s| s.status == SantriStatus::Alumni));

        // Products: every category, one flagship per pesantren, SKUs unique per pesantren.
        let categories: HashSet<_> = prods.iter().map(|p| p.category).collect();
        assert_eq!(categories.len(), 8, "{categories:?}");
        let statuses: HashSet<_> = prods.iter().map(|p| p.status).collect();
        assert_eq!(statuses.len(), 5, "{statuses:?}");
        let mut skus = HashSet::new();
        for p in &prods {
            let owner = by_id[&p.pesantren_id];
            assert_eq!(p.province_code, owner.province_code);
            assert!(skus.insert((p.pesantren_id, p.sku.clone())));
            assert!(p
                .price_idr
                .is_some_and(|price| (100..=100_000_000).contains(&price)));
            assert_eq!(
                p.rejection_reason.is_some(),
                p.status == ProductStatus::Rejected
            );
            let has_koperasi = kop.iter().any(|k| k.pesantren_id == p.pesantren_id);
            assert_eq!(p.koperasi_id.is_some(), has_koperasi);
            assert!(p.images.as_array().is_some_and(|a| !a.is_empty()));
        }
        for p in &all_p {
            let flagships = prods
                .iter()
                .filter(|x| x.pesantren_id == p.id && x.is_flagship)
                .count();
            assert_eq!(flagships, 1, "{}", p.name);
        }

        // Certifications: every type, province copied, some expired.
        let types: HashSet<_> = certs.iter().map(|c| c.cert_type).collect();
        assert_eq!(types.len(), 5, "{types:?}");
        let cert_statuses: HashSet<_> = certs.iter().map(|c| c.status).collect();
        assert_eq!(cert_statuses.len(), 3);
        let prod_by_id: HashMap<Uuid, &products::Model> = prods.iter().map(|p| (p.id, p)).collect();
        for c in &certs {
            let p = prod_by_id[&c.product_id];
            assert_eq!(c.pesantren_id, p.pesantren_id);
            assert_eq!(c.province_code, p.province_code);
            match c.cert_type {
                CertificationType::Halal => {
                    assert!(c.number.starts_with("ID") && c.issuer == "BPJPH")
                }
                CertificationType::Pirt => {
                    assert!(digits(&c.number, 15));
                    let expires = c.expires_on.unwrap();
                    assert_eq!(c.number[13..].parse::<i32>().unwrap(), expires.year() % 100);
                    assert_eq!(Some(expires), Some(add_years(c.issued_on.unwrap(), 5)));
                }
                CertificationType::Bpom => {
                    assert!(c.number.starts_with("MD") && digits(&c.number[2..], 12))
                }
                CertificationType::Haki => {
                    assert_eq!(c.expires_on, Some(add_years(c.issued_on.unwrap(), 10)));
                }
                CertificationType::Sni => assert!(c.number.starts_with("SNI ")),
            }
            assert_eq!(
                c.verified_at.is_some(),
                c.status == CertificationStatus::Verified
            );
        }
        assert!(certs
            .iter()
            .any(|c| c.expires_on.is_some_and(|e| e < today)));
        assert!(certs.iter().any(|c| c.cert_type == CertificationType::Halal
            && c.status == CertificationStatus::Verified
            && c.expires_on.is_some_and(|e| e < today)));

        // Most approved products that need a halal certificate have a valid one; a few do not.
        let valid_halal = |p: &products::Model| {
            certs.iter().any(|c| {
                c.product_id == p.id
                    && c.cert_type == CertificationType::Halal
                    && c.status == CertificationStatus::Verified
                    && c.expires_on.is_none_or(|e| e >= today)
            })
        };
        let needing: Vec<_> = prods
            .iter()
            .filter(|p| p.status == ProductStatus::Approved && p.category.requires_halal())
            .collect();
        let with_halal = needing.iter().filter(|p| valid_halal(p)).count();
        assert!(
            with_halal * 10 >= needing.len() * 7,
            "{with_halal} of {}",
            needing.len()
        );
        assert!(with_halal < needing.len());
        let published = prods
            .iter()
            .filter(|p| {
                p.status == ProductStatus::Approved
                    && by_id[&p.pesantren_id].status == PesantrenStatus::Verified
                    && (!p.category.requires_halal() || valid_halal(p))
            })
            .count();
        assert!(published >= prods.len() / 3, "{published} published");

        // The programme year.
        use entity::{
            activities, activity_participants, deals, enterprises, mentor_assignments,
            mentoring_sessions, ActivityKind, ActivityStatus, BuyerKind, DealKind, DealStatus,
            EnterpriseKind,
        };
        let year = today.year();
        let acts = activities::Entity::find().all(&db).await.unwrap();
        let enrolments = activity_participants::Entity::find()
            .all(&db)
            .await
            .unwrap();
        let dls = deals::Entity::find().all(&db).await.unwrap();
        let assigns = mentor_assignments::Entity::find().all(&db).await.unwrap();
        let sessions = mentoring_sessions::Entity::find().all(&db).await.unwrap();
        let ents = enterprises::Entity::find().all(&db).await.unwrap();
        let tgts = targets::Entity::find().all(&db).await.unwrap();
        println!(
            "{} activities, {} participants, {} deals, {} assignments, {} sessions, {} enterprises",
            acts.len(),
            enrolments.len(),
            dls.len(),
            assigns.len(),
            sessions.len(),
            ents.len()
        );

        // Targets for the three provinces and the year.
        for province in ["35", "32", "63"] {
            let t = tgts
                .iter()
                .find(|t| t.province_code == province && t.year == year)
                .unwrap_or_else(|| panic!("targets of {province}"));
            assert!(t.verified_pesantren.is_some() && t.trained_santri.is_some());
            assert_eq!(t.version, 1);
        }
        let target_of = |p: &str| tgts.iter().find(|t| t.province_code == p).unwrap();
        assert_eq!(target_of("32").deal_value_idr, Some(25_000_000_000));
        assert_eq!(target_of("35").flagship_products, Some(1_000));
        assert_eq!(target_of("35").sociopreneurs, Some(1_000));
        assert!(target_of("63").deal_value_idr < target_of("35").deal_value_idr);

        // Activities: a done training, a public expo and a done business
        // matching in each province, in the year; places never oversold.
        let santri_of: HashMap<Uuid, &santri::Model> = san.iter().map(|s| (s.id, s)).collect();
        for province in ["35", "32", "63"] {
            let of = |kind: ActivityKind| {
                acts.iter()
                    .filter(|a| a.province_code == province && a.kind == kind)
                    .collect::<Vec<_>>()
            };
            assert!(of(ActivityKind::Training)
                .iter()
                .any(|a| a.status == ActivityStatus::Done && a.enrolled > 0));
            assert!(of(ActivityKind::Expo).iter().any(
                |a| a.public && matches!(a.status, ActivityStatus::Open | ActivityStatus::Done)
            ));
            assert!(of(ActivityKind::BusinessMatching)
                .iter()
                .any(|a| a.status == ActivityStatus::Done && a.starts_on.year() == year));
        }
        assert!(acts.iter().any(|a| a.online && a.location.is_none()));
        for a in &acts {
            let mine: Vec<_> = enrolments
                .iter()
                .filter(|p| p.activity_id == a.id)
                .collect();
            assert_eq!(a.enrolled as usize, mine.len(), "{}", a.title);
            assert!(a.capacity.is_none_or(|c| a.enrolled <= c), "{}", a.title);
            assert!(a.starts_on <= a.ends_on);
            assert!(a.registration_closes_on.is_none_or(|d| d <= a.ends_on));
            assert_eq!(a.online, a.location.is_none());
            assert!(a
                .regency_code
                .as_deref()
                .is_none_or(|r| r.starts_with(&a.province_code)));
            assert_eq!(a.version, 1);
            if a.status == ActivityStatus::Done {
                // On the 1st of January the year's done activities end today.
                assert!(a.ends_on < today || today.ordinal() == 1, "{}", a.title);
                assert_eq!(a.starts_on.year(), year, "{}", a.title);
            } else {
                assert!(a.starts_on > today, "{}", a.title);
            }
            let pesantren: HashSet<Uuid> = mine.iter().map(|p| p.pesantren_id).collect();
            assert_eq!(pesantren.len(), mine.len(), "one row per pesantren");
            for p in &mine {
                let owner = by_id[&p.pesantren_id];
                assert_eq!(p.province_code, a.province_code);
                assert_eq!(p.province_code, owner.province_code);
                assert_ne!(owner.status, PesantrenStatus::Suspended);
                let ids: Vec<Uuid> = serde_json::from_value(p.santri_ids.clone()).unwrap();
                assert_eq!(p.santri_count as usize, ids.len());
                assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
                for id in &ids {
                    assert_eq!(santri_of[id].pesantren_id, p.pesantren_id);
                }
                assert_eq!(p.attended.is_some(), a.status == ActivityStatus::Done);
                if a.kind == ActivityKind::Training {
                    assert_eq!(p.attended, Some(true));
                    assert!(!ids.is_empty());
                }
                assert!(p.enrolled_at <= db::now());
            }
        }
        // The demo manager enrolled their own pesantren.
        assert!(enrolments
            .iter()
            .any(|p| p.pesantren_id == managed.id && p.enrolled_by == Some(manager.id)));

        // Deals: West Java's business matching made about Rp21 billion.
        let act_by_id: HashMap<Uuid, &activities::Model> = acts.iter().map(|a| (a.id, a)).collect();
        for d in &dls {
            let a = act_by_id[&d.activity_id];
            assert!(a.kind.takes_deals() && a.status != ActivityStatus::Cancelled);
            assert_eq!(d.province_code, a.province_code);
            assert_eq!(d.province_code, by_id[&d.pesantren_id].province_code);
            assert!(enrolments
                .iter()
                .any(|p| p.activity_id == a.id && p.pesantren_id == d.pesantren_id));
            if let Some(pid) = d.product_id {
                assert_eq!(prod_by_id[&pid].pesantren_id, d.pesantren_id);
            }
            assert!(d.value_idr > 0);
            assert!(a.starts_on <= d.signed_on && d.signed_on <= a.ends_on);
            assert_eq!(d.confirmed_at.is_some(), d.status == DealStatus::Confirmed);
        }
        let matching_32: Vec<_> = dls
            .iter()
            .filter(|d| {
                d.province_code == "32"
                    && act_by_id[&d.activity_id].kind == ActivityKind::BusinessMatching
            })
            .collect();
        let confirmed_32: i64 = matching_32
            .iter()
            .filter(|d| d.status == DealStatus::Confirmed)
            .map(|d| d.value_idr)
            .sum();
        println!("West Java business matching: {confirmed_32} confirmed");
        assert!(
            (20_000_000_000..=22_000_000_000).contains(&confirmed_32),
            "{confirmed_32}"
        );
        let confirmed_count = matching_32
            .iter()
            .filter(|d| d.status == DealStatus::Confirmed)
            .count();
        assert!((12..=20).contains(&confirmed_count), "{confirmed_count}");
        let reported = matching_32
            .iter()
            .filter(|d| d.status == DealStatus::Reported)
            .count();
        assert!((1..=2).contains(&reported));
        let buyer_kinds: HashSet<BuyerKind> = matching_32.iter().map(|d| d.buyer_kind).collect();
        for k in [
            BuyerKind::Offtaker,
            BuyerKind::Retailer,
            BuyerKind::Marketplace,
            BuyerKind::Government,
            BuyerKind::Export,
        ] {
            assert!(buyer_kinds.contains(&k), "{k:?}");
        }
        let deal_kinds: HashSet<DealKind> = matching_32.iter().map(|d| d.kind).collect();
        assert_eq!(deal_kinds.len(), 3);
        assert!(matching_32.iter().any(|d| d.product_id.is_some()));
        for province in ["35", "63"] {
            let total: i64 = dls
                .iter()
                .filter(|d| d.province_code == province && d.status == DealStatus::Confirmed)
                .map(|d| d.value_idr)
                .sum();
            assert!(total > 0 && total < confirmed_32, "{province}: {total}");
        }

        // Mentors: one per province, assigned there; every session lies
        // within an assignment of its mentor that had started.
        let mentors: Vec<_> = usrs.iter().filter(|u| u.role == Role::Mentor).collect();
        assert_eq!(mentors.len(), DEMO_MENTORS.len());
        for m in &mentors {
            assert!(password::verify(DEMO_PASSWORD, &m.password_hash));
            let province = m.province_code.as_deref().unwrap();
            let mine: Vec<_> = assigns.iter().filter(|a| a.mentor_id == m.id).collect();
            let current = |a: &&mentor_assignments::Model| {
                a.starts_on <= today && a.ends_on.is_none_or(|e| e >= today)
            };
            assert!(mine.iter().filter(|a| current(a)).count() >= 2);
            assert_eq!(mine.iter().filter(|a| !current(a)).count(), 1);
            for a in &mine {
                assert_eq!(a.province_code, province);
                assert_eq!(by_id[&a.pesantren_id].province_code, province);
                assert!(a.starts_on < today);
                assert!(a.ends_on.is_none_or(|e| e > a.starts_on));
            }
            assert!(sessions.iter().any(|s| s.mentor_id == m.id));
        }
        for s in &sessions {
            assert!(s.held_on < today);
            assert!(!s.topic.is_empty() && !s.notes.is_empty());
            assert_eq!(s.province_code, by_id[&s.pesantren_id].province_code);
            assert!(
                assigns.iter().any(|a| a.mentor_id == s.mentor_id
                    && a.pesantren_id == s.pesantren_id
                    && a.starts_on <= s.held_on
                    && a.ends_on.is_none_or(|e| e >= s.held_on)),
                "{} on {}",
                s.topic,
                s.held_on
            );
        }

        // Enterprises: only alumni, started in the past, both kinds.
        assert!(!ents.is_empty());
        for e in &ents {
            let owner = santri_of[&e.santri_id];
            assert_eq!(owner.status, SantriStatus::Alumni);
            assert_eq!(e.pesantren_id, owner.pesantren_id);
            assert_eq!(e.province_code, owner.province_code);
            assert!(e.started_on < today);
        }
        let kinds: HashSet<EnterpriseKind> = ents.iter().map(|e| e.kind).collect();
        assert_eq!(kinds.len(), 2);
        assert!(summary.contains("Programme") && summary.contains(DEMO_MENTORS[1].0));

        // One audit entry per pesantren, the accounts, the partner, each
        // activity and each province's targets.
        let audited = entity::audit_log::Entity::find().count(&db).await.unwrap();
        assert_eq!(
            audited as usize,
            PESANTREN.len() + 4 + DEMO_MENTORS.len() + acts.len() + tgts.len()
        );

        // A second run changes nothing.
        let again = seed_demo(&db, &test_vault()).await.unwrap();
        assert!(again.contains("already loaded"), "{again}");
        assert_eq!(
            pesantren::Entity::find().count(&db).await.unwrap() as usize,
            all_p.len()
        );
        assert_eq!(
            products::Entity::find().count(&db).await.unwrap() as usize,
            prods.len()
        );
        assert_eq!(
            users::Entity::find().count(&db).await.unwrap() as usize,
            usrs.len()
        );
        assert_eq!(
            activities::Entity::find().count(&db).await.unwrap() as usize,
            acts.len()
        );
        assert_eq!(
            entity::audit_log::Entity::find().count(&db).await.unwrap(),
            audited
        );
    }
}
