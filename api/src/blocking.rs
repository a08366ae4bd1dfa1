//! CPU-heavy work of a request (Argon2, decoding an image) run on tokio's
//! blocking pool, a bounded number at a time: on an actix worker it would
//! stall every other request that worker holds, and unbounded a burst of
//! such requests would take the memory of the whole process (issue 17,
//! findings 7 and 10). Each kind of work has its own slots, so a burst of
//! uploads does not hold up logins.

use std::sync::Arc;

use tokio::sync::Semaphore;

/// Slots for one kind of work: one per core.
pub fn per_core() -> Arc<Semaphore> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    Arc::new(Semaphore::new(cores))
}

/// Runs `work` on the blocking pool once a slot is free. The slot is held
/// by the work itself, so a request abandoned meanwhile (a timeout, a
/// closed connection) does not free it before the work ends.
pub async fn offload<T: Send + 'static>(
    slots: &Arc<Semaphore>,
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    let slot = slots.clone().acquire_owned().await?;
    Ok(tokio::task::spawn_blocking(move || {
        let _slot = slot;
        work()
    })
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// On a runtime of one thread, work that waits for a message from
    /// that thread finishes only if it runs elsewhere: run on the runtime's
    /// thread it would wait out its timeout and answer false.
    #[tokio::test(flavor = "current_thread")]
    async fn work_runs_off_the_runtime_s_own_thread() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let slots = Arc::new(Semaphore::new(1));
        let work = offload(&slots, move || {
            rx.recv_timeout(std::time::Duration::from_secs(5)).is_ok()
        });
        let send = async move {
            tokio::task::yield_now().await;
            tx.send(()).unwrap();
        };
        let (answered, ()) = tokio::join!(work, send);
        assert!(answered.unwrap(), "the work ran on the runtime's thread");
    }

    /// No more runs at once than there are slots, even when their callers
    /// give up waiting.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn runs_at_once_are_bounded_by_the_slots() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let slots = Arc::new(Semaphore::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut calls = Vec::new();
        for _ in 0..8 {
            let (running, most) = (running.clone(), most.clone());
            let slots = slots.clone();
            calls.push(tokio::spawn(async move {
                offload(&slots, move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        // Half the callers give up at once; their work still holds a slot
        // while it runs.
        for call in calls.iter().take(4) {
            call.abort();
        }
        for call in calls {
            let _ = call.await;
        }
        while slots.available_permits() < 2 {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        assert!(most.load(Ordering::SeqCst) <= 2, "{most:?} ran at once");
        assert!(most.load(Ordering::SeqCst) >= 1);
    }
}
