//! The deliverer: on every instance, claims the due subscriptions that are
//! behind the feed with a fenced lease, POSTs their events in order, and
//! moves each cursor after a 2xx; failures back off exponentially.

use std::sync::Arc;
use std::time::Duration;

use entity::{catalog_changes, partners, webhooks};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use tokio::sync::watch;
use tokio::task::JoinSet;
use uuid::Uuid;

use super::failure::{Failure, FailureKind};
use super::guard::{client, parse_target};
use super::signing::signature;
use crate::config::Config;
use crate::db;
use crate::error::ApiResult;
use crate::feed::{self, event::ChangeEvent};

/// Events read from the feed at a time for one subscription.
const BATCH: u64 = 100;
/// Batches one claim may send before the subscription goes back to the
/// pool (so one busy partner does not keep a deliverer forever).
const BATCHES_PER_CLAIM: usize = 10;
/// Subscriptions one instance serves at once.
const MAX_IN_FLIGHT: usize = 32;
/// The longest wait between two attempts after failures.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);

/// How the deliverer runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Time between passes.
    pub interval: Duration,
    /// The wait after a first failure; it doubles with each further failure
    /// in a row, up to an hour.
    pub backoff_unit: Duration,
    /// Whether targets may be private addresses (development and tests).
    pub allow_private: bool,
    /// The longest a receiver may take to answer one event.
    pub timeout: Duration,
}

impl Options {
    /// From the configuration: a pass every `OPOP_WEBHOOK_INTERVAL_MS`, and
    /// the back-off counted in the same unit, so the default of one second
    /// gives waits of 2, 4, 8 … seconds (capped at an hour), and a test
    /// that passes every 50 ms retries within a second.
    pub fn from_config(config: &Config) -> Self {
        let interval = Duration::from_millis(config.webhook_interval_ms.max(1));
        Self {
            interval,
            backoff_unit: interval,
            allow_private: config.webhook_allow_private,
            timeout: Duration::from_secs(10),
        }
    }

    /// How long a claim holds a subscription: renewed after every event, so
    /// it only has to outlast one event's delivery.
    fn lease(&self) -> Duration {
        (self.timeout * 6).max(Duration::from_secs(60))
    }
}

/// The wait after `attempts` failures in a row: `unit × 2^attempts`, at most
/// an hour, plus up to a tenth more at random so that receivers coming back
/// are not hit by every instance at once.
pub fn backoff(attempts: i32, unit: Duration) -> Duration {
    let exp = attempts.clamp(0, 30) as u32;
    let base = unit
        .checked_mul(1u32 << exp)
        .unwrap_or(MAX_BACKOFF)
        .min(MAX_BACKOFF);
    let jitter = (base.as_millis() as u64 / 10).max(1);
    base + Duration::from_millis(rand::random::<u64>() % jitter)
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A running deliverer; [`Deliverer::stop`] ends it.
pub struct Deliverer {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Deliverer {
    /// Stops claiming, abandons the deliveries in flight (their events are
    /// sent again later: at least once) and releases this instance's leases
    /// so another instance can take over at once.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.task.await;
    }
}

/// Starts the deliverer of this instance.
pub fn spawn(db: DatabaseConnection, options: Options) -> anyhow::Result<Deliverer> {
    let client = client(options.allow_private, options.timeout)?;
    let (stop, mut stopped) = watch::channel(false);
    let instance = Uuid::now_v7().simple().to_string();
    let ctx = Arc::new(Context {
        db,
        client,
        options,
    });
    let task = tokio::spawn(async move {
        let mut ticker = tokio::time::interval(ctx.options.interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut in_flight: JoinSet<()> = JoinSet::new();
        let mut pass: u64 = 0;
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                _ = stopped.changed() => break,
            }
            while in_flight.try_join_next().is_some() {}
            let room = MAX_IN_FLIGHT.saturating_sub(in_flight.len());
            if room == 0 {
                continue;
            }
            pass += 1;
            let token = format!("{instance}:{pass}");
            match claim(&ctx, &token, room as u64).await {
                Ok(subs) => {
                    for sub in subs {
                        let ctx = ctx.clone();
                        let token = token.clone();
                        in_flight.spawn(async move { serve(&ctx, sub, &token).await });
                    }
                }
                Err(e) => tracing::warn!(error = %e, "claiming webhook subscriptions failed"),
            }
        }
        in_flight.shutdown().await;
        if let Err(e) = release_instance(&ctx.db, &instance).await {
            tracing::warn!(error = %e, "releasing webhook leases at shutdown failed");
        }
    });
    Ok(Deliverer { stop, task })
}

struct Context {
    db: DatabaseConnection,
    client: reqwest::Client,
    options: Options,
}

/// Claims up to `limit` subscriptions that are due, free (or whose lease
/// expired) and behind the feed, for `token`. The probe only narrows the
/// candidates; the conditional `UPDATE` decides, so two instances never
/// hold the same subscription.
async fn claim(ctx: &Context, token: &str, limit: u64) -> ApiResult<Vec<webhooks::Model>> {
    let db = &ctx.db;
    let end = feed::last_seq(db).await?;
    let now = now_ms();
    let due = || {
        sea_orm::Condition::all()
            .add(webhooks::Column::NextAttemptAt.lte(now))
            .add(webhooks::Column::Cursor.lt(end))
            .add(
                sea_orm::Condition::any()
                    .add(webhooks::Column::LeaseOwner.is_null())
                    .add(webhooks::Column::LeasedUntil.lte(now)),
            )
    };
    let candidates: Vec<Uuid> = webhooks::Entity::find()
        .select_only()
        .column(webhooks::Column::PartnerId)
        .filter(due())
        .filter(
            webhooks::Column::PartnerId.in_subquery(
                partners::Entity::find()
                    .select_only()
                    .column(partners::Column::Id)
                    .filter(partners::Column::IsActive.eq(true))
                    .into_query(),
            ),
        )
        .order_by_asc(webhooks::Column::NextAttemptAt)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let until = now + ctx.options.lease().as_millis() as i64;
    let claimed = webhooks::Entity::update_many()
        .col_expr(webhooks::Column::LeaseOwner, Expr::value(token))
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(until))
        .filter(webhooks::Column::PartnerId.is_in(candidates))
        .filter(due())
        .exec(db)
        .await?;
    if claimed.rows_affected == 0 {
        return Ok(Vec::new());
    }
    Ok(webhooks::Entity::find()
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .all(db)
        .await?)
}

/// Sends the claimed subscription's pending events, in order, until none is
/// left, one fails, or the lease is lost.
async fn serve(ctx: &Context, sub: webhooks::Model, token: &str) {
    let partner = sub.partner_id;
    if let Err(e) = serve_inner(ctx, &sub, token).await {
        // The lease runs out by itself and another pass tries again.
        tracing::warn!(partner = %partner, error = %e, "webhook delivery stopped on an error");
    }
}

async fn serve_inner(ctx: &Context, sub: &webhooks::Model, token: &str) -> ApiResult<()> {
    let db = &ctx.db;
    let partner = sub.partner_id;
    // Checked again at every delivery: the rules, and (through the client's
    // resolver) the addresses the name resolves to now.
    let url = match parse_target(&sub.url, ctx.options.allow_private) {
        Ok(url) => url,
        Err(_) => {
            let refused = Failure::of(FailureKind::UrlRefused);
            return fail(ctx, partner, token, sub.attempts, refused).await;
        }
    };
    let mut cursor = sub.cursor;
    // Failures in a row so far; a success starts the count again.
    let mut attempts = sub.attempts;
    for _ in 0..BATCHES_PER_CLAIM {
        let events = catalog_changes::Entity::find()
            .filter(catalog_changes::Column::Seq.gt(cursor))
            .order_by_asc(catalog_changes::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await?;
        if events.is_empty() {
            break;
        }
        let full = events.len() as u64 == BATCH;
        for event in events {
            let seq = event.seq;
            if let Err(failure) = post(ctx, &url, &sub.secret, event).await {
                return fail(ctx, partner, token, attempts, failure).await;
            }
            if !advance(ctx, partner, token, seq).await? {
                // The partner changed the subscription (replay, new URL,
                // removal) or the lease expired: someone else goes on.
                return Ok(());
            }
            cursor = seq;
            attempts = 0;
        }
        if !full {
            break;
        }
    }
    release(db, partner, token).await
}

/// POSTs one event; `Err` says why it was not acknowledged. The client's
/// own error is logged here, in full, and only its category goes on.
async fn post(
    ctx: &Context,
    url: &reqwest::Url,
    secret: &str,
    event: catalog_changes::Model,
) -> Result<(), Failure> {
    let seq = event.seq;
    let body = serde_json::to_vec(&ChangeEvent::from(event)).map_err(|e| {
        tracing::error!(event = seq, error = %e, "a webhook event cannot be encoded");
        Failure::of(FailureKind::Other)
    })?;
    let timestamp = chrono::Utc::now().timestamp().to_string();
    let signature = signature(secret, &timestamp, &body);
    let res = ctx
        .client
        .post(url.clone())
        .header("Content-Type", "application/json")
        .header("X-OPOP-Event-Id", seq.to_string())
        .header("X-OPOP-Timestamp", timestamp)
        .header("X-OPOP-Signature", signature)
        .body(body)
        .send()
        .await
        .map_err(|e| {
            let failure = Failure::classify(&e);
            tracing::info!(
                event = seq,
                category = failure.kind.name(),
                error = %chain(&e),
                "webhook delivery failed; will retry"
            );
            failure
        })?;
    let status = res.status();
    if status.is_success() {
        Ok(())
    } else {
        tracing::info!(
            event = seq,
            status = status.as_u16(),
            "webhook delivery refused; will retry"
        );
        Err(Failure::status(status.as_u16()))
    }
}

/// The error and its causes, for the log.
fn chain(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// Records an acknowledged event and renews the lease; false when the lease
/// is no longer ours.
async fn advance(ctx: &Context, partner: Uuid, token: &str, seq: i64) -> ApiResult<bool> {
    let now = db::now();
    let res = webhooks::Entity::update_many()
        .col_expr(webhooks::Column::Cursor, Expr::value(seq))
        .col_expr(webhooks::Column::Attempts, Expr::value(0))
        .col_expr(webhooks::Column::NextAttemptAt, Expr::value(0i64))
        .col_expr(
            webhooks::Column::LastError,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LastAttemptAt, Expr::value(now))
        .col_expr(webhooks::Column::LastDeliveredAt, Expr::value(now))
        .col_expr(
            webhooks::Column::LeasedUntil,
            Expr::value(now_ms() + ctx.options.lease().as_millis() as i64),
        )
        .filter(webhooks::Column::PartnerId.eq(partner))
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .exec(&ctx.db)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Records a failed attempt after `before` failures in a row: the cursor
/// stays, the next attempt waits.
async fn fail(
    ctx: &Context,
    partner: Uuid,
    token: &str,
    before: i32,
    failure: Failure,
) -> ApiResult<()> {
    let attempts = before.saturating_add(1);
    let wait = backoff(attempts, ctx.options.backoff_unit);
    webhooks::Entity::update_many()
        .col_expr(webhooks::Column::Attempts, Expr::value(attempts))
        .col_expr(
            webhooks::Column::NextAttemptAt,
            Expr::value(now_ms() + wait.as_millis() as i64),
        )
        .col_expr(
            webhooks::Column::LastError,
            Expr::value(Some(failure.stored())),
        )
        .col_expr(webhooks::Column::LastAttemptAt, Expr::value(db::now()))
        .col_expr(
            webhooks::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(0i64))
        .filter(webhooks::Column::PartnerId.eq(partner))
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .exec(&ctx.db)
        .await?;
    Ok(())
}

/// Gives a subscription back after a successful claim.
async fn release(db: &DatabaseConnection, partner: Uuid, token: &str) -> ApiResult<()> {
    webhooks::Entity::update_many()
        .col_expr(
            webhooks::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(0i64))
        .filter(webhooks::Column::PartnerId.eq(partner))
        .filter(webhooks::Column::LeaseOwner.eq(token))
        .exec(db)
        .await?;
    Ok(())
}

/// Gives back every subscription this instance holds (at shutdown).
async fn release_instance(db: &DatabaseConnection, instance: &str) -> ApiResult<()> {
    webhooks::Entity::update_many()
        .col_expr(
            webhooks::Column::LeaseOwner,
            Expr::value(Option::<String>::None),
        )
        .col_expr(webhooks::Column::LeasedUntil, Expr::value(0i64))
        .filter(webhooks::Column::LeaseOwner.starts_with(format!("{instance}:")))
        .exec(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let unit = Duration::from_secs(1);
        let b1 = backoff(1, unit);
        assert!(b1 >= Duration::from_secs(2) && b1 <= Duration::from_millis(2200));
        let b3 = backoff(3, unit);
        assert!(b3 >= Duration::from_secs(8) && b3 <= Duration::from_millis(8800));
        let big = backoff(40, unit);
        assert!(big >= MAX_BACKOFF && big <= MAX_BACKOFF + MAX_BACKOFF / 10);
    }
}
