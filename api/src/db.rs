//! Connecting to SQLite or PostgreSQL, and the few helpers that keep the two
//! behaving alike.

use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, SubsecRound, Utc};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};

use crate::config::Config;

/// How long a request may wait for a pooled connection: long enough that a
/// burst queueing for the pool on a busy machine (a hundred orders racing for
/// one product's stock) is served rather than refused. A database server
/// that is down does not make requests wait this long: see [`watch`].
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// How often the watchdog of a database server checks its own connection.
const WATCH_INTERVAL: Duration = Duration::from_millis(250);

/// How long the watchdog waits for the server before calling it unreachable
/// (a host that vanished answers nothing at all).
const WATCH_TIMEOUT: Duration = Duration::from_secs(1);

/// Where the pool is pointed while the server is unreachable: a socket
/// directory that does not exist, so each attempt to connect fails at once.
const NOWHERE: &str = "/nonexistent/opop-database-unreachable";

/// How long the readiness probe waits for the database to answer.
const PING_TIMEOUT: Duration = Duration::from_secs(1);

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
        .connect_timeout(ACQUIRE_TIMEOUT)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        // No ping before each hand-out: it doubled the round trips of every
        // query (bench/run: a catalogue read sends five). A connection whose
        // server went away fails its query instead, which is answered 503 and
        // closes it; the watchdog below finds the outage on its own.
        .test_before_acquire(false)
        .sqlx_logging(false)
        // PostgreSQL's JIT compiles a query whose estimated cost is high,
        // which the publication rule's per-row lookups make it look: for
        // short OLTP queries that costs hundreds of milliseconds a query.
        // (`plan_cache_mode = force_custom_plan` was measured too: search
        // gained, product pages lost more; see docs/performance.md.)
        .map_sqlx_postgres_opts(|o| o.options([("jit", "off")]))
        .map_sqlx_sqlite_opts(|o| {
            use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
            // WAL lets readers proceed during a write; the busy timeout makes
            // concurrent writers queue instead of failing with SQLITE_BUSY.
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
                .foreign_keys(true)
                // Deleted and overwritten content is zeroed, so an erased
                // santri's data does not linger in free pages of the file
                // (docs/data-protection.md).
                .pragma("secure_delete", "ON")
        });
    // At start-up the database may still be coming up (a container started
    // beside the API) or the machine may be busy: try for half a minute.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        match Database::connect(opts.clone()).await {
            Ok(db) => {
                if db.get_database_backend() == DatabaseBackend::Postgres {
                    watch(db.get_postgres_connection_pool().clone());
                }
                return Ok(db);
            }
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

/// Watches a database server from a connection of its own, so that requests
/// fail fast (503) while it is unreachable instead of each waiting out the
/// pool's acquire timeout.
///
/// The pool alone cannot tell "the server is down" from "the pool is busy":
/// when a connection is refused it retries until the acquire deadline, as if
/// the server were still starting, and a request queued behind it waits as
/// long. So the watchdog pings every [`WATCH_INTERVAL`]; when its connection
/// dies and cannot be remade within [`WATCH_TIMEOUT`], it points the pool at
/// [`NOWHERE`], where every connection attempt (including the retries already
/// under way) fails at once; when it can connect again, it points the pool
/// back. Connections already pooled are checked before each use
/// (`test_before_acquire`), so dead ones are replaced, not handed out.
///
/// The task ends when the pool is closed, or with the runtime.
fn watch(pool: sea_orm::sqlx::PgPool) {
    use sea_orm::sqlx::postgres::PgConnection;
    use sea_orm::sqlx::Connection;

    let real = (*pool.connect_options()).clone();
    let nowhere = real.clone().socket(NOWHERE);
    tokio::spawn(async move {
        let mut conn: Option<PgConnection> = None;
        let mut reachable = true;
        while !pool.is_closed() {
            let alive = match conn.as_mut() {
                Some(c) => matches!(
                    tokio::time::timeout(WATCH_TIMEOUT, c.ping()).await,
                    Ok(Ok(()))
                ),
                None => false,
            };
            if !alive {
                conn = match tokio::time::timeout(WATCH_TIMEOUT, PgConnection::connect_with(&real))
                    .await
                {
                    Ok(Ok(c)) => Some(c),
                    _ => None,
                };
            }
            match (reachable, conn.is_some()) {
                (true, false) => {
                    tracing::warn!(
                        "the database server is unreachable; answering 503 until it is back"
                    );
                    pool.set_connect_options(nowhere.clone());
                    reachable = false;
                }
                (false, true) => {
                    tracing::info!("the database server is reachable again");
                    pool.set_connect_options(real.clone());
                    reachable = true;
                }
                _ => {}
            }
            tokio::time::sleep(WATCH_INTERVAL).await;
        }
    });
}

/// Applies every pending migration.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    // Debug, not Display: some of the migrator's errors display as nothing.
    Migrator::up(db, None)
        .await
        .map_err(|e| anyhow::anyhow!("applying migrations: {e:?}"))
}

/// The file of a `sqlite:` URL, if it is one and not in memory.
fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Whether the database answers a trivial query within [`PING_TIMEOUT`]: a
/// probe that hangs is as bad for a load balancer as one that fails.
pub async fn ping(db: &DatabaseConnection) -> bool {
    matches!(
        tokio::time::timeout(PING_TIMEOUT, db.execute_unprepared("SELECT 1")).await,
        Ok(Ok(_))
    )
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
