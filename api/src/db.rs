//! Connecting to SQLite or PostgreSQL, and the few helpers that keep the two
//! behaving alike.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SubsecRound, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};

use crate::config::Config;

/// Opens the pool, creating the SQLite file's directory on first start.
pub async fn connect(config: &Config) -> anyhow::Result<DatabaseConnection> {
    connect_url(&config.database_url, config.db_max_connections).await
}

pub async fn connect_url(url: &str, max_connections: u32) -> anyhow::Result<DatabaseConnection> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).with_context(|| {
                    format!("creating the database directory {}", dir.display())
                })?;
            }
        }
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.max_connections(max_connections)
        .min_connections(1)
        // Short timeouts: a request should fail fast with 503 when the database
        // is away, not hang for half a minute; long enough not to fail a busy
        // 2-core server.
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        .map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            // WAL lets readers proceed during a write; the busy timeout makes
            // concurrent writers queue instead of failing with SQLITE_BUSY.
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
        });
    // At start-up the database may still be coming up (a container started
    // beside the API) or the machine may be busy: try for half a minute.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match Database::connect(opts.clone()).await {
            Ok(db) => return Ok(db),
            Err(e) if std::time::Instant::now() < deadline => {
                tracing::warn!(error = %e, "the database is not reachable yet; retrying");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("connecting to {}", crate::config::redact_url(url)))
            }
        }
    }
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("applying migrations")
}

/// The file of a `sqlite:` URL, if it is one and not in memory.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Whether the database answers a trivial query.
pub async fn ping(db: &DatabaseConnection) -> bool {
    db.execute_unprepared("SELECT 1").await.is_ok()
}

pub fn is_sqlite(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DatabaseBackend::Sqlite
}

/// The current time as stored: UTC, truncated to microseconds, because
/// PostgreSQL keeps microseconds and a value must read back as it was written.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// A new id: UUID v7, so ids sort by creation time.
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_paths_are_recognised() {
        assert_eq!(
            sqlite_path("sqlite://data/opop.db?mode=rwc"),
            Some("data/opop.db")
        );
        assert_eq!(sqlite_path("sqlite:/tmp/x.db"), Some("/tmp/x.db"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://u@h/db"), None);
    }

    #[test]
    fn timestamps_keep_microseconds_only() {
        let t = now();
        assert_eq!(t.timestamp_subsec_nanos() % 1000, 0);
    }
}
