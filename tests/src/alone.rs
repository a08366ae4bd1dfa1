//! Every suite runs in one process, several tests at a time. A test whose
//! assertions are about time under a load it makes itself (the database
//! stopping under load, in `faults`) cannot share the cores with the others:
//! it runs inside [`alone`], while no other test has a database.
//!
//! Every [`crate::TestDatabase`] holds a [`Turn`] of one [`Gate`]. A test
//! asking to be alone waits until no other test holds a turn; meanwhile tests
//! that hold none wait for it, so the ones under way drain, and every test
//! waits while it runs. A test already holding a turn is let in for another
//! (a second database, a restart), or it would wait for the test that waits
//! for it. Tests are told apart by their thread (the test harness names each
//! test's thread after it), so a test makes its databases from its own body,
//! and asks to be alone before it makes any.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::{Mutex, MutexGuard};

use tokio::sync::Notify;

#[derive(Default)]
struct State {
    /// Turns held, by test.
    turns: BTreeMap<String, usize>,
    /// The test that runs alone now.
    alone: Option<String>,
    /// Tests waiting to run alone.
    waiting: usize,
}

/// Turns to use the machine; public so that its rules can be tested.
pub struct Gate {
    state: Mutex<State>,
    changed: Notify,
}

/// The gate of every test database.
static GATE: Gate = Gate::new();

impl Default for Gate {
    fn default() -> Self {
        Self::new()
    }
}

impl Gate {
    pub const fn new() -> Gate {
        Gate {
            state: Mutex::new(State {
                turns: BTreeMap::new(),
                alone: None,
                waiting: 0,
            }),
            changed: Notify::const_new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A test that panicked while holding the lock left the counts right.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until `admit` holds of the state, then applies it.
    async fn wait_for(&self, mut admit: impl FnMut(&mut State) -> bool) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            // Registered before the check, so a change after it is not missed.
            changed.as_mut().enable();
            if admit(&mut self.lock()) {
                return;
            }
            changed.await;
        }
    }

    /// A turn for `test`, given back when dropped.
    pub async fn turn(&self, test: &str) -> Turn<'_> {
        self.wait_for(|s| {
            let admitted = match &s.alone {
                Some(alone) => alone == test,
                None => s.waiting == 0 || s.turns.contains_key(test),
            };
            if admitted {
                *s.turns.entry(test.to_string()).or_default() += 1;
            }
            admitted
        })
        .await;
        Turn {
            gate: self,
            test: test.to_string(),
        }
    }

    /// Waits until `test` is the only one holding turns, and keeps the others
    /// out until the answer is dropped.
    pub async fn alone(&self, test: &str) -> Alone<'_> {
        self.lock().waiting += 1;
        // Counted out however the wait ends, dropped future included.
        let waiting = Waiting(self);
        self.wait_for(|s| {
            let admitted = s.alone.is_none() && s.turns.keys().all(|t| t == test);
            if admitted {
                s.alone = Some(test.to_string());
            }
            admitted
        })
        .await;
        drop(waiting);
        Alone { gate: self }
    }

    /// How many turns every test holds now.
    pub fn turns(&self) -> usize {
        self.lock().turns.values().sum()
    }
}

/// A test's turn; given back when dropped.
pub struct Turn<'g> {
    gate: &'g Gate,
    test: String,
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        let mut s = self.gate.lock();
        if let Some(n) = s.turns.get_mut(&self.test) {
            *n -= 1;
            if *n == 0 {
                s.turns.remove(&self.test);
            }
        }
        drop(s);
        self.gate.changed.notify_waiters();
    }
}

struct Waiting<'g>(&'g Gate);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.lock().waiting -= 1;
        self.0.changed.notify_waiters();
    }
}

/// A test running alone; the others go on when dropped.
pub struct Alone<'g> {
    gate: &'g Gate,
}

impl Drop for Alone<'_> {
    fn drop(&mut self) {
        self.gate.lock().alone = None;
        self.gate.changed.notify_waiters();
    }
}

/// The test this thread runs.
fn this_test() -> String {
    let thread = std::thread::current();
    match thread.name() {
        Some(name) => name.to_string(),
        None => format!("{:?}", thread.id()),
    }
}

pub(crate) async fn database_turn() -> Turn<'static> {
    GATE.turn(&this_test()).await
}

/// Runs `body` while no other test has a database, and lets no other test
/// make one before it is done. Call it before the test makes any database.
pub async fn alone<F: Future>(body: F) -> F::Output {
    let _alone = GATE.alone(&this_test()).await;
    body.await
}
