//! The catalogue's answers kept in memory, so that a product or a page read
//! again costs no database round trip.
//!
//! Exactness rests on one number, the **generation**: an answer is stored
//! with the generation read *before* its statement ran, and served only
//! while the generation is still that one. Anything that may change the
//! catalogue moves the generation on, which drops every stored answer at
//! once (they are evicted later, by size):
//!
//! - on this instance, every request that may write (any method but `GET`,
//!   `HEAD` and `OPTIONS`) and was not refused with a 4xx, once its answer
//!   is ready and so its transaction committed: a caller reading right
//!   after its own write reads it;
//! - for writes made elsewhere (another instance, the expiry task, a
//!   loader), a watcher reads the change feed's counter, which every
//!   catalogue change moves in its own transaction, every [`WATCH_INTERVAL`],
//!   and moves the generation on when it moved. So another instance's change
//!   is served within that interval (plus the replica lag allowed, when
//!   replicas answer: the generation is moved on once more after it);
//! - while the counter cannot be read, nothing is stored or served.
//!
//! A stored answer is served only on the day (WIB) it was read: what is
//! published depends on the date (a halal certificate expires at midnight)
//! and on nothing else but the rows. The `ETag` is computed once, from the
//! stored bytes, so `304` answers stay exact.

use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use chrono::NaiveDate;
use quick_cache::sync::Cache;
use quick_cache::Weighter;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::error::ApiResult;
use crate::publication;

/// How often the watcher reads the change feed's counter: the bound on how
/// long another instance's change may go unseen here.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(200);

/// What a stored answer answered.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Key {
    /// `GET /catalog/products/{id}`.
    Product(Uuid),
    /// `GET /catalog/products?…`, by its query string as sent (only answers
    /// that passed validation are stored).
    Page(Box<str>),
}

/// An answer as served: the body and its strong `ETag`.
pub struct Answer {
    pub body: Bytes,
    pub etag: String,
}

impl Answer {
    pub fn new(body: Vec<u8>) -> Self {
        let digest = Sha256::digest(&body);
        Answer {
            etag: format!("\"{}\"", hex::encode(&digest[..16])),
            body: Bytes::from(body),
        }
    }
}

#[derive(Clone)]
struct Stored {
    generation: u64,
    day: NaiveDate,
    answer: Arc<Answer>,
}

/// Entries weigh their bytes (and a little for the key and bookkeeping).
#[derive(Clone)]
struct ByBytes;

impl Weighter<Key, Stored> for ByBytes {
    fn weight(&self, key: &Key, v: &Stored) -> u64 {
        let key_len = match key {
            Key::Product(_) => 16,
            Key::Page(q) => q.len(),
        };
        (v.answer.body.len() + v.answer.etag.len() + key_len + 96) as u64
    }
}

/// The instance's catalogue cache; cheap to clone (shared).
#[derive(Clone)]
pub struct CatalogCache(Arc<Inner>);

struct Inner {
    /// `None` when the cache is turned off (`OPOP_CATALOG_CACHE_MB=0`).
    entries: Option<Cache<Key, Stored, ByBytes>>,
    generation: AtomicU64,
    /// Whether the watcher can read the counter now; until it can, no
    /// change elsewhere would be noticed, so nothing is kept.
    watching: AtomicBool,
    /// The counter as last read.
    last_seen: AtomicI64,
    /// When replicas answer reads: how long after a change a read may still
    /// see the catalogue from before it.
    again_after: Option<Duration>,
}

impl CatalogCache {
    /// A cache of at most `megabytes` of answers (0 turns it off).
    /// `replica_lag` is the lag a replica that answers reads may have.
    pub fn new(megabytes: u64, replica_lag: Option<Duration>) -> Self {
        let bytes = megabytes.saturating_mul(1024 * 1024);
        let entries = (bytes > 0).then(|| {
            // Sized for products of about 2 kB; pages weigh more.
            let items = (bytes / 2048).clamp(16, 1 << 20) as usize;
            Cache::with_weighter(items, bytes, ByBytes)
        });
        CatalogCache(Arc::new(Inner {
            entries,
            generation: AtomicU64::new(0),
            watching: AtomicBool::new(false),
            last_seen: AtomicI64::new(0),
            again_after: replica_lag,
        }))
    }

    /// The stored answer for `key`, or what `load` answers (stored when it
    /// succeeds). Errors are never stored.
    pub async fn get_or_load<F, Fut>(&self, key: Key, load: F) -> ApiResult<Arc<Answer>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = ApiResult<Vec<u8>>>,
    {
        let Some(entries) = &self.0.entries else {
            return Ok(Arc::new(Answer::new(load().await?)));
        };
        // Read before the statement: a change committed after this point
        // moves the generation past it, so what the statement read is not
        // served after the change is known.
        let generation = self.0.generation.load(Ordering::SeqCst);
        let watching = self.0.watching.load(Ordering::SeqCst);
        let day = publication::today();
        if watching {
            if let Some(s) = entries.get(&key) {
                if s.generation == generation && s.day == day {
                    return Ok(s.answer);
                }
            }
        }
        let answer = Arc::new(Answer::new(load().await?));
        if watching {
            entries.insert(
                key,
                Stored {
                    generation,
                    day,
                    answer: answer.clone(),
                },
            );
        }
        Ok(answer)
    }

    /// The catalogue may have changed: nothing stored so far is served
    /// again. With replicas, once more after the lag they may have, since a
    /// read from one may still return the catalogue from before.
    pub fn changed(&self) {
        if self.0.entries.is_none() {
            return;
        }
        self.0.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(after) = self.0.again_after {
            let inner = self.0.clone();
            tokio::spawn(async move {
                tokio::time::sleep(after).await;
                inner.generation.fetch_add(1, Ordering::SeqCst);
            });
        }
    }

    /// Watches the change feed's counter on the primary (see the module's
    /// documentation); `None` when the cache is off.
    pub fn spawn_watch(&self, primary: DatabaseConnection) -> Option<tokio::task::JoinHandle<()>> {
        self.0.entries.as_ref()?;
        let cache = self.clone();
        Some(tokio::spawn(async move {
            loop {
                cache.observe(crate::feed::last_seq(&primary).await.ok());
                tokio::time::sleep(WATCH_INTERVAL).await;
            }
        }))
    }

    /// One reading of the counter (`None`: it could not be read).
    fn observe(&self, seq: Option<i64>) {
        let inner = &self.0;
        match seq {
            Some(seq) => {
                let before = inner.last_seen.swap(seq, Ordering::SeqCst);
                if !inner.watching.load(Ordering::SeqCst) {
                    // Changes made while the counter was not read are
                    // unknown: start afresh.
                    inner.watching.store(true, Ordering::SeqCst);
                    inner.generation.fetch_add(1, Ordering::SeqCst);
                } else if before != seq {
                    self.changed();
                }
            }
            None => {
                if inner.watching.load(Ordering::SeqCst) {
                    tracing::warn!("the change feed's counter cannot be read: catalogue answers are not kept until it can");
                }
                inner.generation.fetch_add(1, Ordering::SeqCst);
                inner.watching.store(false, Ordering::SeqCst);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

    use super::*;

    /// Answers `body` and counts how often the statement "ran".
    async fn read(cache: &CatalogCache, key: Key, body: &str, runs: &AtomicUsize) -> Arc<Answer> {
        cache
            .get_or_load(key, || async {
                runs.fetch_add(1, Ordering::SeqCst);
                Ok(body.as_bytes().to_vec())
            })
            .await
            .unwrap()
    }

    fn product() -> Key {
        Key::Product(Uuid::nil())
    }

    #[tokio::test]
    async fn nothing_is_kept_until_the_counter_has_been_read() {
        let cache = CatalogCache::new(1, None);
        let runs = AtomicUsize::new(0);
        read(&cache, product(), "a", &runs).await;
        read(&cache, product(), "a", &runs).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
        cache.observe(Some(7));
        read(&cache, product(), "a", &runs).await;
        let again = read(&cache, product(), "b", &runs).await;
        assert_eq!(runs.load(Ordering::SeqCst), 3);
        assert_eq!(&again.body[..], b"a");
    }

    #[tokio::test]
    async fn a_change_of_the_counter_or_a_write_here_drops_what_was_kept() {
        let cache = CatalogCache::new(1, None);
        let runs = AtomicUsize::new(0);
        cache.observe(Some(7));
        read(&cache, product(), "a", &runs).await;
        cache.observe(Some(7));
        assert_eq!(&read(&cache, product(), "b", &runs).await.body[..], b"a");
        cache.observe(Some(8));
        assert_eq!(&read(&cache, product(), "b", &runs).await.body[..], b"b");
        cache.changed();
        let c = read(&cache, product(), "c", &runs).await;
        assert_eq!(&c.body[..], b"c");
        assert_eq!(c.etag, Answer::new(b"c".to_vec()).etag);
        assert_ne!(c.etag, Answer::new(b"b".to_vec()).etag);
    }

    #[tokio::test]
    async fn what_was_read_before_a_change_is_not_kept_after_it() {
        let cache = CatalogCache::new(1, None);
        cache.observe(Some(1));
        // The statement runs, then the change is noticed, then the answer
        // would be stored.
        let stale = cache
            .get_or_load(product(), || async {
                cache.changed();
                Ok(b"before".to_vec())
            })
            .await
            .unwrap();
        assert_eq!(&stale.body[..], b"before");
        let runs = AtomicUsize::new(0);
        assert_eq!(
            &read(&cache, product(), "after", &runs).await.body[..],
            b"after"
        );
    }

    #[tokio::test]
    async fn while_the_counter_cannot_be_read_nothing_kept_is_served() {
        let cache = CatalogCache::new(1, None);
        let runs = AtomicUsize::new(0);
        cache.observe(Some(1));
        read(&cache, product(), "a", &runs).await;
        cache.observe(None);
        assert_eq!(&read(&cache, product(), "b", &runs).await.body[..], b"b");
        // Back, with the same counter: what was kept before is still not
        // trusted (changes in between went unseen).
        cache.observe(Some(1));
        assert_eq!(&read(&cache, product(), "c", &runs).await.body[..], b"c");
    }

    #[tokio::test]
    async fn errors_are_not_kept_and_keys_do_not_mix() {
        let cache = CatalogCache::new(1, None);
        cache.observe(Some(1));
        let failed = cache
            .get_or_load(product(), || async {
                Err(crate::error::ApiError::new(
                    crate::error::Code::CatalogProductNotFound,
                ))
            })
            .await;
        assert!(failed.is_err());
        let runs = AtomicUsize::new(0);
        read(&cache, product(), "p", &runs).await;
        let page = read(&cache, Key::Page("limit=1".into()), "q", &runs).await;
        assert_eq!(&page.body[..], b"q");
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn turned_off_it_keeps_nothing() {
        let cache = CatalogCache::new(0, None);
        cache.observe(Some(1));
        let runs = AtomicUsize::new(0);
        read(&cache, product(), "a", &runs).await;
        read(&cache, product(), "a", &runs).await;
        assert_eq!(runs.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn with_replicas_a_change_drops_what_was_kept_once_more_after_their_lag() {
        let cache = CatalogCache::new(1, Some(Duration::from_millis(50)));
        cache.observe(Some(1));
        cache.changed();
        let runs = AtomicUsize::new(0);
        // A replica read just after the change may still show the old row.
        read(&cache, product(), "old", &runs).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        assert_eq!(
            &read(&cache, product(), "new", &runs).await.body[..],
            b"new"
        );
    }
}
