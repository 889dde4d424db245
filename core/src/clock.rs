//! The engine's source of "now". Injectable so tests and simulations are
//! deterministic (DESIGN rule 5): every timestamp the engine writes comes from here.

use std::fmt;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// A source of the current UTC time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock. The default.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move; for tests and replays.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Set the time.
    pub fn set(&self, to: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|p| p.into_inner()) = to;
    }

    /// Move the time by `by` under one lock, if the result passes `allowed`;
    /// otherwise leave it and return the time it would have shown (`None` on
    /// overflow).
    pub fn try_advance(
        &self,
        by: Duration,
        allowed: impl FnOnce(&DateTime<Utc>) -> bool,
    ) -> Result<DateTime<Utc>, Option<DateTime<Utc>>> {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        match now.checked_add_signed(by) {
            Some(next) if allowed(&next) => {
                *now = next;
                Ok(next)
            }
            other => Err(other),
        }
    }

    /// Move the time forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|p| p.into_inner())
    }
}
