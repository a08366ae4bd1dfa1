//! Every suite runs in one process, several tests at a time. A test whose
//! assertions are about time under a load it makes itself (the database
//! stopping under load, in `faults`) cannot share the two cores with the
//! others: it runs inside [`alone`], while no other test has a database.
//!
//! Every [`crate::TestDatabase`] holds a turn of the gate. [`alone`] waits
//! for a moment when no turn is held (in practice: once the tests that started
//! before it are done) and keeps every new turn waiting until it is done. New
//! turns are not kept waiting while `alone` merely waits: a test that holds a
//! turn and asks for a second database would deadlock against it.

use std::future::Future;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;

#[derive(Default)]
struct State {
    /// Databases alive, in every test.
    turns: usize,
    /// Whether a test runs alone now.
    alone: bool,
}

struct Gate {
    state: Mutex<State>,
    changed: Notify,
}

static GATE: Gate = Gate {
    state: Mutex::new(State {
        turns: 0,
        alone: false,
    }),
    changed: Notify::const_new(),
};

tokio::task_local! {
    /// Set while the body of [`alone`] runs: its own databases do not wait.
    static ALONE: ();
}

fn lock() -> MutexGuard<'static, State> {
    // A test that panicked while holding the lock leaves the counts right.
    GATE.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// Waits until `admit` holds of the state, then applies it.
async fn wait_for(mut admit: impl FnMut(&mut State) -> bool) {
    loop {
        let changed = GATE.changed.notified();
        tokio::pin!(changed);
        // Registered before the check, so a change after it is not missed.
        changed.as_mut().enable();
        if admit(&mut lock()) {
            return;
        }
        changed.await;
    }
}

/// One database's turn; given back when dropped.
pub(crate) struct Turn(());

impl Turn {
    pub(crate) async fn take() -> Turn {
        let own = ALONE.try_with(|_| ()).is_ok();
        wait_for(|s| {
            let admitted = own || !s.alone;
            if admitted {
                s.turns += 1;
            }
            admitted
        })
        .await;
        Turn(())
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        lock().turns -= 1;
        GATE.changed.notify_waiters();
    }
}

struct Alone;

impl Drop for Alone {
    fn drop(&mut self) {
        lock().alone = false;
        GATE.changed.notify_waiters();
    }
}

/// Runs `body` while no other test has a database, and starts no other
/// test's database before it is done. Take it before the test makes any
/// database of its own.
pub async fn alone<F: Future>(body: F) -> F::Output {
    wait_for(|s| {
        let admitted = !s.alone && s.turns == 0;
        if admitted {
            s.alone = true;
        }
        admitted
    })
    .await;
    let _alone = Alone;
    ALONE.scope((), body).await
}

/// How many databases of any test are alive now.
pub fn databases_alive() -> usize {
    lock().turns
}
