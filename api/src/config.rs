//! Configuration from the environment, read once at start-up.
//! The variables are listed in the README and in `.env.example`.

use std::net::SocketAddr;

use anyhow::{bail, Context};
use rand::RngCore;

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/opop.db?mode=rwc";
/// Largest request body accepted by JSON endpoints.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

#[derive(Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    pub environment: Environment,
    /// HS256 key for access tokens.
    pub jwt_secret: Vec<u8>,
    /// True when no secret was configured and one was generated for this run.
    pub jwt_secret_generated: bool,
    pub access_token_ttl_secs: i64,
    pub refresh_token_ttl_secs: i64,
    pub admin_email: Option<String>,
    pub admin_password: Option<String>,
    pub body_limit: usize,
    /// HTTP worker threads; `None` means one per core.
    pub workers: Option<usize>,
    /// Largest number of pooled database connections.
    pub db_max_connections: u32,
    /// `DATABASE_REPLICA_URL`: streaming replicas of the PostgreSQL primary
    /// (comma-separated) that serve the public catalogue, the change feed
    /// and the figures (see `docs/deployment.md`).
    pub replica_urls: Vec<String>,
    /// `OPOP_REPLICA_MAX_LAG_MS`: a replica further behind the primary than
    /// this is skipped until it catches up.
    pub replica_max_lag_ms: u64,
    /// `OPOP_CATALOG_CACHE_MB`: how much of the catalogue's answers each
    /// instance keeps in memory (0 keeps none; see `feed::cache`).
    pub catalog_cache_mb: u64,
    /// Origins allowed by CORS; empty means none (same-origin only).
    pub cors_origins: Vec<String>,
    pub throttle: ThrottleConfig,
    /// The programme's targets, answered beside the figures.
    pub targets: Targets,
    /// Seconds between passes of the certificate-expiry task; 0 disables it.
    pub expiry_interval_secs: u64,
    /// Children's data: how long alumni records are kept, and how soon a
    /// record whose consent was withdrawn is erased.
    pub retention: Retention,
    /// How fast each partner may call the partner endpoints.
    pub partner_rate: PartnerRate,
    /// Whether webhook endpoints may resolve to loopback, link-local or
    /// private addresses (development and tests only).
    pub webhook_allow_private: bool,
    /// Milliseconds between passes of the webhook deliverer; 0 disables it.
    pub webhook_interval_ms: u64,
    /// Where uploaded images are kept when no object store is configured.
    pub media_dir: std::path::PathBuf,
    /// An S3-compatible object store for images, when configured.
    pub s3: Option<S3Config>,
    /// The API's public base URL (no trailing slash), for absolute links
    /// such as image URLs; when unset, taken from the request's host.
    pub public_url: Option<String>,
    /// Hosts (lower case) whose https links a product's `images` may hold
    /// beside the API's own uploads (`OPOP_IMAGE_HOSTS`); empty by default,
    /// so that only uploads, decoded and stripped here, are shown.
    pub image_hosts: Vec<String>,
    /// Seconds a request may take before it is answered 503; 0 disables.
    pub request_timeout_secs: u64,
    /// How fast one address may call the anonymous public endpoints.
    pub public_rate: PublicRate,
    /// Proxies (load balancers) whose `X-Forwarded-For` is believed when
    /// working out a client's address; empty means the peer address is used.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Bearer token that `/metrics` requires; `/metrics` is not served without one.
    pub metrics_token: Option<String>,
    /// `Strict-Transport-Security` max-age; 0 sends no such header (the
    /// default, since only a deployment behind TLS may promise HTTPS).
    pub hsts_max_age_secs: u64,
    /// The key that seals NIKs (`OPOP_NIK_KEY`); in development, when unset,
    /// the key kept in `nik_key_file` (made on first start).
    pub nik_key: Option<[u8; crate::vault::KEY_LEN]>,
    /// Keys that sealed NIKs before a rotation (`OPOP_NIK_PREVIOUS_KEYS`):
    /// they open, never seal.
    pub nik_previous_keys: Vec<[u8; crate::vault::KEY_LEN]>,
    /// `OPOP_NIK_KEY_FILE`: where development keeps its generated key.
    pub nik_key_file: std::path::PathBuf,
}

/// When the retention task erases santri records (UU 27/2022: kept no
/// longer than the purpose needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// `OPOP_SANTRI_RETENTION_YEARS`: alumni are erased this many years
    /// after `left_on` (default 5).
    pub alumni_years: u32,
    /// `OPOP_CONSENT_WITHDRAWN_ERASE_DAYS`: a record whose consent was
    /// withdrawn is erased this many days later (default 3).
    pub withdrawn_days: u32,
    /// `OPOP_RETENTION_INTERVAL_SECS`: seconds between passes (default
    /// 3600); 0 disables the task on this instance.
    pub interval_secs: u64,
}

impl Default for Retention {
    fn default() -> Self {
        Self {
            alumni_years: 5,
            withdrawn_days: 3,
            interval_secs: 3600,
        }
    }
}

/// An S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, ...).
#[derive(Clone, PartialEq, Eq)]
pub struct S3Config {
    pub bucket: String,
    /// Custom endpoint (MinIO, R2); AWS when unset.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
}

impl std::fmt::Debug for S3Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Config")
            .field("bucket", &self.bucket)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .finish()
    }
}

/// How fast partners may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartnerRate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Default for PartnerRate {
    fn default() -> Self {
        Self {
            per_minute: 600,
            burst: 120,
        }
    }
}

/// How fast one address may call the anonymous public endpoints; a
/// `per_minute` of 0 turns the limit off (benchmarks, or when a proxy in
/// front already limits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicRate {
    pub per_minute: u32,
    pub burst: u32,
}

impl Default for PublicRate {
    fn default() -> Self {
        // Generous: a page of the catalogue loads a dozen images at once, and
        // many visitors can share one address behind a carrier's NAT.
        Self {
            per_minute: 1200,
            burst: 200,
        }
    }
}

/// Throttling of credential checks and registrations.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleConfig {
    /// Failed attempts after which an account (email or client id) is locked
    /// for 15 minutes.
    pub account_burst: u32,
    /// Attempts one address may make at once; one more each second. Generous,
    /// because mobile carriers put many users behind one address.
    pub address_burst: u32,
    /// Registrations one address may make at once; one more every 10 minutes.
    pub registration_burst: u32,
}

impl Default for ThrottleConfig {
    fn default() -> Self {
        Self {
            account_burst: 10,
            address_burst: 100,
            registration_burst: 5,
        }
    }
}

/// The programme's published targets (East Java: 1,000 flagship products,
/// 1,000,000 santripreneurs, 1,000 sociopreneurs; West Java: 5,000
/// verified "pesantren juara").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Targets {
    pub flagship_products: u64,
    pub santripreneurs: u64,
    pub sociopreneurs: u64,
    pub verified_pesantren_per_province: u64,
}

impl std::fmt::Debug for Config {
    // Written by hand so that secrets never reach a log line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("bind", &self.bind)
            .field("database_url", &redact_url(&self.database_url))
            .field("environment", &self.environment)
            .field("jwt_secret", &"<redacted>")
            .field("admin_email", &self.admin_email)
            .field("body_limit", &self.body_limit)
            .field("workers", &self.workers)
            .field("db_max_connections", &self.db_max_connections)
            .field(
                "replica_urls",
                &self
                    .replica_urls
                    .iter()
                    .map(|u| redact_url(u))
                    .collect::<Vec<_>>(),
            )
            .field("replica_max_lag_ms", &self.replica_max_lag_ms)
            .field("catalog_cache_mb", &self.catalog_cache_mb)
            .field("cors_origins", &self.cors_origins)
            .field("request_timeout_secs", &self.request_timeout_secs)
            .field("public_rate", &self.public_rate)
            .field("trusted_proxies", &self.trusted_proxies)
            .field(
                "metrics_token",
                &self.metrics_token.as_ref().map(|_| "<redacted>"),
            )
            .field("hsts_max_age_secs", &self.hsts_max_age_secs)
            .field("nik_key", &self.nik_key.map(|_| "<redacted>"))
            .field("nik_key_file", &self.nik_key_file)
            .field("image_hosts", &self.image_hosts)
            .finish()
    }
}

/// The URL with any password replaced, for logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// `10.0.0.5, 10.1.0.0/16, ::1`: single addresses count as one-address ranges.
fn parse_networks(list: &str) -> anyhow::Result<Vec<ipnet::IpNet>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<ipnet::IpNet>()
                .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .with_context(|| format!("`{s}` is not an address or a range"))
        })
        .collect()
}

/// `images.example.org, cdn.example.net`: bare host names, compared
/// without regard to case. A scheme, port or path is refused rather than
/// guessed at.
fn parse_hosts(list: &str) -> anyhow::Result<Vec<String>> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            let ok = s.contains('.')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
            if ok {
                Ok(s.to_ascii_lowercase())
            } else {
                bail!("`{s}` is not a host name")
            }
        })
        .collect()
}

/// Replicas are PostgreSQL streaming replicas of a PostgreSQL primary: an
/// SQLite file has none, and a URL of another kind is a mistake.
fn parse_replicas(primary: &str, list: &str) -> anyhow::Result<Vec<String>> {
    let postgres = |u: &str| u.starts_with("postgres://") || u.starts_with("postgresql://");
    if !postgres(primary) {
        bail!("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL: replicas are PostgreSQL streaming replicas");
    }
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|u| {
            if postgres(u) {
                Ok(u.to_string())
            } else {
                bail!(
                    "DATABASE_REPLICA_URL: `{}` is not a postgres:// URL",
                    redact_url(u)
                )
            }
        })
        .collect()
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Reads configuration through `get`, so tests can pass their own values.
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let non_empty = |k: &str| get(k).filter(|v| !v.trim().is_empty());
        let environment = match non_empty("OPOP_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => bail!("OPOP_ENV must be `development` or `production`, not `{other}`"),
        };
        let bind = non_empty("OPOP_BIND")
            .unwrap_or_else(|| DEFAULT_BIND.to_string())
            .parse()
            .context("OPOP_BIND must be an address such as 127.0.0.1:8080")?;
        let database_url =
            non_empty("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let (jwt_secret, jwt_secret_generated) = match non_empty("OPOP_JWT_SECRET") {
            Some(s) if s.len() >= 32 => (s.into_bytes(), false),
            Some(_) => bail!("OPOP_JWT_SECRET must be at least 32 bytes long"),
            None if environment == Environment::Production => {
                bail!("OPOP_JWT_SECRET is required when OPOP_ENV=production")
            }
            None => {
                let mut key = vec![0u8; 64];
                rand::rng().fill_bytes(&mut key);
                (key, true)
            }
        };
        let nik_key = match non_empty("OPOP_NIK_KEY") {
            Some(k) => Some(crate::vault::parse_key(&k).context("OPOP_NIK_KEY")?),
            None if environment == Environment::Production => {
                bail!("OPOP_NIK_KEY is required when OPOP_ENV=production (32 random bytes in base64: `opop-api new-nik-key`)")
            }
            None => None,
        };
        let nik_previous_keys = non_empty("OPOP_NIK_PREVIOUS_KEYS")
            .map(|v| {
                v.split(',')
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(crate::vault::parse_key)
                    .collect::<anyhow::Result<Vec<_>>>()
            })
            .transpose()
            .context("OPOP_NIK_PREVIOUS_KEYS")?
            .unwrap_or_default();
        let parse_num = |k: &str, default: u64| -> anyhow::Result<u64> {
            match non_empty(k) {
                Some(v) => v
                    .parse()
                    .with_context(|| format!("{k} must be a whole number")),
                None => Ok(default),
            }
        };
        let replica_urls = match non_empty("DATABASE_REPLICA_URL") {
            None => Vec::new(),
            Some(v) => parse_replicas(&database_url, &v)?,
        };
        Ok(Self {
            bind,
            database_url,
            environment,
            jwt_secret,
            jwt_secret_generated,
            access_token_ttl_secs: parse_num("OPOP_ACCESS_TOKEN_TTL_SECS", 15 * 60)? as i64,
            refresh_token_ttl_secs: parse_num("OPOP_REFRESH_TOKEN_TTL_SECS", 30 * 24 * 3600)?
                as i64,
            admin_email: non_empty("OPOP_ADMIN_EMAIL"),
            admin_password: non_empty("OPOP_ADMIN_PASSWORD"),
            body_limit: parse_num("OPOP_BODY_LIMIT", DEFAULT_BODY_LIMIT as u64)? as usize,
            workers: non_empty("OPOP_WORKERS")
                .map(|v| v.parse().context("OPOP_WORKERS must be a whole number"))
                .transpose()?,
            db_max_connections: parse_num("OPOP_DB_MAX_CONNECTIONS", 10)? as u32,
            replica_urls,
            replica_max_lag_ms: parse_num("OPOP_REPLICA_MAX_LAG_MS", 1000)?,
            catalog_cache_mb: parse_num("OPOP_CATALOG_CACHE_MB", 32)?,
            cors_origins: non_empty("OPOP_CORS_ORIGINS")
                .map(|v| {
                    v.split(',')
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            expiry_interval_secs: parse_num("OPOP_EXPIRY_INTERVAL_SECS", 60)?,
            retention: Retention {
                alumni_years: parse_num("OPOP_SANTRI_RETENTION_YEARS", 5)? as u32,
                withdrawn_days: parse_num("OPOP_CONSENT_WITHDRAWN_ERASE_DAYS", 3)? as u32,
                interval_secs: parse_num("OPOP_RETENTION_INTERVAL_SECS", 3600)?,
            },
            webhook_allow_private: match non_empty("OPOP_WEBHOOK_ALLOW_PRIVATE").as_deref() {
                None | Some("false") | Some("0") => false,
                Some("true") | Some("1") => true,
                Some(_) => anyhow::bail!("OPOP_WEBHOOK_ALLOW_PRIVATE must be true or false"),
            },
            webhook_interval_ms: parse_num("OPOP_WEBHOOK_INTERVAL_MS", 1000)?,
            media_dir: non_empty("OPOP_MEDIA_DIR")
                .unwrap_or_else(|| "data/media".into())
                .into(),
            s3: non_empty("OPOP_S3_BUCKET").map(|bucket| S3Config {
                bucket,
                endpoint: non_empty("OPOP_S3_ENDPOINT"),
                region: non_empty("OPOP_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                access_key_id: non_empty("OPOP_S3_ACCESS_KEY_ID"),
                secret_access_key: non_empty("OPOP_S3_SECRET_ACCESS_KEY"),
            }),
            public_url: non_empty("OPOP_PUBLIC_URL").map(|u| u.trim_end_matches('/').to_string()),
            image_hosts: match non_empty("OPOP_IMAGE_HOSTS") {
                None => Vec::new(),
                Some(v) => parse_hosts(&v).context(
                    "OPOP_IMAGE_HOSTS must be comma-separated host names such as images.example.org",
                )?,
            },
            partner_rate: {
                let d = PartnerRate::default();
                PartnerRate {
                    per_minute: parse_num("OPOP_PARTNER_RATE_PER_MINUTE", d.per_minute as u64)?
                        as u32,
                    burst: parse_num("OPOP_PARTNER_RATE_BURST", d.burst as u64)? as u32,
                }
            },
            request_timeout_secs: parse_num("OPOP_REQUEST_TIMEOUT_SECS", 30)?,
            public_rate: {
                let d = PublicRate::default();
                PublicRate {
                    per_minute: parse_num("OPOP_PUBLIC_RATE_PER_MINUTE", d.per_minute as u64)?
                        as u32,
                    burst: parse_num("OPOP_PUBLIC_RATE_BURST", d.burst as u64)? as u32,
                }
            },
            trusted_proxies: match non_empty("OPOP_TRUSTED_PROXIES") {
                None => Vec::new(),
                Some(v) => parse_networks(&v).context(
                    "OPOP_TRUSTED_PROXIES must be comma-separated addresses or ranges such as 10.0.0.0/8",
                )?,
            },
            metrics_token: match non_empty("OPOP_METRICS_TOKEN") {
                Some(t) if t.len() < 16 => bail!("OPOP_METRICS_TOKEN must be at least 16 characters long"),
                t => t,
            },
            hsts_max_age_secs: parse_num("OPOP_HSTS_MAX_AGE_SECS", 0)?,
            nik_key,
            nik_previous_keys,
            nik_key_file: non_empty("OPOP_NIK_KEY_FILE")
                .unwrap_or_else(|| "data/nik.key".into())
                .into(),
            targets: Targets {
                flagship_products: parse_num("OPOP_TARGET_FLAGSHIP_PRODUCTS", 1_000)?,
                santripreneurs: parse_num("OPOP_TARGET_SANTRIPRENEURS", 1_000_000)?,
                sociopreneurs: parse_num("OPOP_TARGET_SOCIOPRENEURS", 1_000)?,
                verified_pesantren_per_province: parse_num(
                    "OPOP_TARGET_VERIFIED_PESANTREN_PER_PROVINCE",
                    5_000,
                )?,
            },
            throttle: {
                let d = ThrottleConfig::default();
                ThrottleConfig {
                    account_burst: parse_num("OPOP_LOGIN_ACCOUNT_BURST", d.account_burst as u64)?
                        as u32,
                    address_burst: parse_num("OPOP_LOGIN_ADDRESS_BURST", d.address_burst as u64)?
                        as u32,
                    registration_burst: parse_num(
                        "OPOP_REGISTRATION_BURST",
                        d.registration_burst as u64,
                    )? as u32,
                }
            },
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// The NIK keys. Without `OPOP_NIK_KEY` (development only) the key is
    /// read from `OPOP_NIK_KEY_FILE`, made there on first start: unlike a
    /// token key, a NIK key lost at a restart would leave every sealed NIK
    /// unreadable, so it is never random per run.
    pub fn nik_vault(&self) -> anyhow::Result<crate::vault::NikVault> {
        use crate::vault::{generate_key, parse_key, NikVault};
        let current = match self.nik_key {
            Some(key) => key,
            None => {
                let path = &self.nik_key_file;
                if !path.exists() {
                    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                        std::fs::create_dir_all(dir)
                            .with_context(|| format!("creating {}", dir.display()))?;
                    }
                    write_private(path, &generate_key())
                        .with_context(|| format!("writing {}", path.display()))?;
                    tracing::warn!(
                        file = %path.display(),
                        "OPOP_NIK_KEY is not set: NIKs are sealed with a key made for this machine; keep the file with the database, and set OPOP_NIK_KEY in production"
                    );
                }
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                parse_key(&text).with_context(|| format!("the key in {}", path.display()))?
            }
        };
        Ok(NikVault::new(&current, &self.nik_previous_keys))
    }
}

/// Writes a secret readable by its owner only (on Unix).
fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> anyhow::Result<Config> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_follow_the_contract() {
        let c = from(&[]).unwrap();
        assert_eq!(c.bind.to_string(), DEFAULT_BIND);
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert!(c.jwt_secret_generated);
        assert_eq!(c.jwt_secret.len(), 64);
        assert_eq!(c.access_token_ttl_secs, 900);
    }

    #[test]
    fn production_requires_a_long_jwt_secret() {
        assert!(from(&[("OPOP_ENV", "production")]).is_err());
        assert!(from(&[("OPOP_JWT_SECRET", "short")]).is_err());
        let key = crate::vault::generate_key();
        let c = from(&[
            ("OPOP_ENV", "production"),
            ("OPOP_JWT_SECRET", &"x".repeat(32)),
            ("OPOP_NIK_KEY", &key),
        ])
        .unwrap();
        assert!(!c.jwt_secret_generated);
    }

    #[test]
    fn production_requires_a_nik_key_and_development_keeps_one_in_a_file() {
        let secret = "x".repeat(32);
        let production = [("OPOP_ENV", "production"), ("OPOP_JWT_SECRET", &secret)];
        assert!(from(&production).is_err());
        assert!(from(&[("OPOP_NIK_KEY", "c2hvcnQ=")]).is_err());
        assert!(from(&[("OPOP_NIK_PREVIOUS_KEYS", "nope")]).is_err());
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("keys/nik.key");
        let file_text = file.to_str().unwrap();
        let first = from(&[("OPOP_NIK_KEY_FILE", file_text)]).unwrap();
        let id = first.nik_vault().unwrap().current_key_id().to_string();
        // The same key at the next start: sealed NIKs stay readable.
        let again = from(&[("OPOP_NIK_KEY_FILE", file_text)]).unwrap();
        assert_eq!(again.nik_vault().unwrap().current_key_id(), id);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "the key file is the owner's alone");
        }
    }

    #[test]
    fn operations_settings_are_read_and_checked() {
        let c = from(&[]).unwrap();
        assert_eq!(c.request_timeout_secs, 30);
        assert_eq!(c.public_rate, PublicRate::default());
        assert!(c.trusted_proxies.is_empty());
        assert!(c.metrics_token.is_none());
        assert_eq!(c.hsts_max_age_secs, 0);
        let c = from(&[("OPOP_TRUSTED_PROXIES", "10.0.0.5, 172.16.0.0/12,::1")]).unwrap();
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        assert!(c
            .trusted_proxies
            .iter()
            .any(|n| n.contains(&ip("172.20.1.1"))));
        assert!(c
            .trusted_proxies
            .iter()
            .any(|n| n.contains(&ip("10.0.0.5"))));
        assert!(!c
            .trusted_proxies
            .iter()
            .any(|n| n.contains(&ip("10.0.0.6"))));
        assert!(from(&[("OPOP_TRUSTED_PROXIES", "10.0.0.0/33")]).is_err());
        assert!(from(&[("OPOP_METRICS_TOKEN", "short")]).is_err());
    }

    #[test]
    fn image_hosts_are_bare_host_names_and_none_by_default() {
        assert!(from(&[]).unwrap().image_hosts.is_empty());
        let c = from(&[("OPOP_IMAGE_HOSTS", " Images.Example.org, cdn.example.net ,")]).unwrap();
        assert_eq!(c.image_hosts, ["images.example.org", "cdn.example.net"]);
        for bad in [
            "https://images.example.org",
            "images.example.org/x",
            "a.example:443",
            "localhost",
        ] {
            assert!(from(&[("OPOP_IMAGE_HOSTS", bad)]).is_err(), "{bad}");
        }
    }

    #[test]
    fn debug_output_hides_secrets() {
        let c = from(&[
            ("OPOP_JWT_SECRET", &"s".repeat(40)),
            ("DATABASE_URL", "postgres://opop:hunter2hunter2@db/opop"),
            ("OPOP_METRICS_TOKEN", "metrics-token-metrics-token"),
        ])
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"));
        assert!(!shown.contains("metrics-token"));
        assert!(!shown.contains(&"s".repeat(40)));
    }
}
