//! Read replicas: where the reads that may be a moment behind go.
//!
//! With `DATABASE_REPLICA_URL` set (one or more PostgreSQL streaming
//! replicas of the primary), the public catalogue, the change feed and the
//! figures read from a replica; every write, and every read that must see
//! the caller's own write, stays on the primary. A streaming replica applies
//! the primary's commits in commit order, so the change feed, whose
//! positions are handed out in commit order, is gap-free on a replica too:
//! a follower reading it there misses nothing, it only sees new events a
//! little later.
//!
//! How far behind a replica is, is measured against the primary: every
//! [`WATCH_INTERVAL`] the watcher samples the primary's WAL position and
//! each replica's replayed position. A replica has everything the primary
//! had committed at the newest sample its replayed position reaches, so its
//! lag is the age of that sample (an upper bound, whatever the reason it is
//! behind: a slow disk, a broken connection to the primary, a long query
//! holding replay back). One further behind than `OPOP_REPLICA_MAX_LAG_MS`,
//! or unreachable, is skipped until it catches up; with none usable, reads
//! go to the primary.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection};

use crate::config::{redact_url, Config};

/// How often the primary and the replicas are sampled.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(100);

/// How long a sample waits for an answer before the server counts as
/// unreachable for this round.
const SAMPLE_TIMEOUT: Duration = Duration::from_secs(1);

/// Samples of the primary kept: a minute's worth. A replica further behind
/// than the oldest is simply "too far".
const SAMPLES: usize = 600;

/// Not measured yet, or unreachable.
const UNKNOWN: u64 = u64::MAX;

struct Replica {
    name: String,
    db: DatabaseConnection,
    lag_ms: AtomicU64,
}

struct Inner {
    primary: DatabaseConnection,
    replicas: Vec<Replica>,
    max_lag_ms: u64,
    next: AtomicUsize,
}

/// The primary and its replicas, for choosing where a read goes.
#[derive(Clone)]
pub struct Reads(Arc<Inner>);

impl Reads {
    /// Opens a pool per replica of `config`. Pools connect lazily: a
    /// replica that is down at start delays nothing, it is only skipped.
    pub async fn connect(config: &Config, primary: DatabaseConnection) -> anyhow::Result<Self> {
        let mut replicas = Vec::new();
        for url in &config.replica_urls {
            let mut opts = ConnectOptions::new(url.clone());
            opts.max_connections(config.db_max_connections)
                .min_connections(0)
                .connect_timeout(SAMPLE_TIMEOUT)
                .acquire_timeout(Duration::from_secs(2))
                .test_before_acquire(false)
                .sqlx_logging(false)
                .connect_lazy(true)
                .map_sqlx_postgres_opts(|o| o.options([("jit", "off")]));
            let db = Database::connect(opts).await?;
            replicas.push(Replica {
                name: redact_url(url),
                db,
                lag_ms: AtomicU64::new(UNKNOWN),
            });
        }
        Ok(Self(Arc::new(Inner {
            primary,
            replicas,
            max_lag_ms: config.replica_max_lag_ms,
            next: AtomicUsize::new(0),
        })))
    }

    /// Where a read that may be up to `OPOP_REPLICA_MAX_LAG_MS` behind
    /// goes: the next replica (in turn) within that lag, else the primary.
    pub fn lagging(&self) -> &DatabaseConnection {
        let inner = &self.0;
        let n = inner.replicas.len();
        if n == 0 {
            return &inner.primary;
        }
        let start = inner.next.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .map(|i| &inner.replicas[(start + i) % n])
            .find(|r| r.lag_ms.load(Ordering::Relaxed) <= inner.max_lag_ms)
            .map_or(&inner.primary, |r| &r.db)
    }

    /// Measures the replicas' lag until the process ends; `None` without
    /// replicas.
    pub fn spawn_watch(&self) -> Option<tokio::task::JoinHandle<()>> {
        if self.0.replicas.is_empty() {
            return None;
        }
        let inner = self.0.clone();
        Some(tokio::spawn(async move {
            let mut samples: VecDeque<(Instant, i64)> = VecDeque::with_capacity(SAMPLES);
            let mut usable = vec![false; inner.replicas.len()];
            loop {
                if let Some(lsn) = position(&inner.primary, PRIMARY).await {
                    if samples.len() == SAMPLES {
                        samples.pop_front();
                    }
                    samples.push_back((Instant::now(), lsn));
                }
                for (i, replica) in inner.replicas.iter().enumerate() {
                    let lag = match position(&replica.db, REPLAYED).await {
                        Some(replayed) => lag_of(&samples, replayed, Instant::now()),
                        None => UNKNOWN,
                    };
                    replica.lag_ms.store(lag, Ordering::Relaxed);
                    let now_usable = lag <= inner.max_lag_ms;
                    if now_usable != usable[i] {
                        usable[i] = now_usable;
                        if now_usable {
                            tracing::info!(replica = %replica.name, lag_ms = lag, "reading from the replica");
                        } else {
                            tracing::warn!(
                                replica = %replica.name,
                                lag_ms = (lag != UNKNOWN).then_some(lag),
                                max_lag_ms = inner.max_lag_ms,
                                "the replica is behind or unreachable: its reads go elsewhere"
                            );
                        }
                    }
                }
                tokio::time::sleep(WATCH_INTERVAL).await;
            }
        }))
    }
}

/// The primary's WAL position (on a server that is not a replica, which a
/// "replica" URL pointing at the primary itself would be, its own).
const PRIMARY: &str = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint";

/// What a replica has replayed; on a server that is not a replica, its own
/// position (it is not behind itself).
const REPLAYED: &str = "SELECT pg_wal_lsn_diff(COALESCE(pg_last_wal_replay_lsn(), pg_current_wal_lsn()), '0/0')::bigint";

async fn position(db: &DatabaseConnection, sql: &str) -> Option<i64> {
    let row = tokio::time::timeout(
        SAMPLE_TIMEOUT,
        db.query_one_raw(sea_orm::Statement::from_string(
            db.get_database_backend(),
            sql,
        )),
    )
    .await
    .ok()?
    .ok()??;
    row.try_get_by_index(0).ok()
}

/// The age of the newest sample of the primary that `replayed` reaches.
fn lag_of(samples: &VecDeque<(Instant, i64)>, replayed: i64, now: Instant) -> u64 {
    samples
        .iter()
        .rev()
        .find(|(_, lsn)| *lsn <= replayed)
        .map_or(UNKNOWN, |(at, _)| {
            now.saturating_duration_since(*at).as_millis() as u64
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lag_is_the_age_of_the_newest_sample_reached() {
        let t0 = Instant::now();
        let at = |ms| t0 + Duration::from_millis(ms);
        let samples: VecDeque<_> = [(at(0), 100), (at(100), 200), (at(200), 300)].into();
        // Caught up with the newest sample.
        assert_eq!(lag_of(&samples, 300, at(250)), 50);
        assert_eq!(lag_of(&samples, 350, at(250)), 50);
        // Between two samples: it has the older one only.
        assert_eq!(lag_of(&samples, 250, at(250)), 150);
        // Behind every sample kept: too far.
        assert_eq!(lag_of(&samples, 50, at(250)), UNKNOWN);
        assert_eq!(lag_of(&VecDeque::new(), 50, at(250)), UNKNOWN);
    }
}
