//! The engine handle, its options, and how long calls leave the caller's thread.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, SystemTime};

use chrono::TimeDelta;

use crate::error::BrandrailError;
use crate::{system_time, utc};

/// Length in bytes of [`EngineOptions::secret_key`].
const SECRET_KEY_BYTES: usize = 32;

/// How an [`Engine`] is opened. Every field has a default, so
/// `EngineOptions()` in Swift and Kotlin gives the defaults.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct EngineOptions {
    /// How long a write waits for another process's write to finish before
    /// failing with `Busy`, in milliseconds. Default 5000.
    #[uniffi(default = 5000)]
    pub busy_timeout_ms: u32,
    /// The 32-byte key that encrypts secrets (media-account credentials,
    /// core-class personal data) at rest. Keep it in the Keychain / Android
    /// Keystore, never in the database. Without it, calls that store or read
    /// such data fail with `Configuration`; any length other than 32 bytes is a
    /// `Validation` error.
    #[uniffi(default)]
    pub secret_key: Option<Vec<u8>>,
    /// Run the engine on a manual clock that starts at this instant and moves
    /// only through `advanceClock(seconds:)` / `setClock(at:)`: for tests,
    /// previews and simulations of deadlines, escalation and zombie accounts.
    /// Default `nil`/`null`: the system clock, which nothing can move.
    #[uniffi(default)]
    pub clock_start: Option<SystemTime>,
}

impl EngineOptions {
    fn into_core(self) -> Result<brandrail::EngineOptions, BrandrailError> {
        let mut options = brandrail::EngineOptions::new()
            .busy_timeout(Duration::from_millis(u64::from(self.busy_timeout_ms)));
        if let Some(key) = self.secret_key {
            let key: [u8; SECRET_KEY_BYTES] =
                key.as_slice()
                    .try_into()
                    .map_err(|_| brandrail::Error::Validation {
                        field: "secret_key".to_owned(),
                        message: format!(
                            "must be {SECRET_KEY_BYTES} bytes, got {} bytes",
                            key.len()
                        ),
                    })?;
            options = options.secret_key(key);
        }
        if let Some(start) = self.clock_start {
            options = options.manual_clock(utc("clock_start", start)?);
        }
        Ok(options)
    }
}

/// The brandrail engine: one handle on one SQLite database. Thread-safe;
/// calls on one handle are serialized, and several processes may open the
/// same file.
///
/// Every mutating method takes the acting principal's handle, checks its
/// permission, validates, applies and appends the audit record in one
/// transaction: a call that throws changed nothing.
///
/// Calls block the calling thread until the database answers (usually well
/// under a millisecond). Call them from a background queue / `Task` (Swift) or
/// `Dispatchers.IO` (Kotlin), not the main thread; the long operations
/// (`verifyAuditAsync`, `backupToAsync`, `restoreFromAsync`,
/// `checkTextsAsync`, `prepublishCheckAsync`, `publishingPlanAsync`,
/// `weekPlanAsync`, `quarterPlanAsync`, `ingestCustomersAsync`,
/// `duplicateCandidatesAsync`, `recordInteractionsAsync`, `segmentsAsync`,
/// `refreshSegmentsAsync`, `countCustomersAsync`, `rfmAsync`,
/// `recordMentionsAsync`) also come as async functions that run on a worker
/// thread of their own.
#[derive(uniffi::Object)]
pub struct Engine {
    inner: Arc<brandrail::Engine>,
}

impl Engine {
    /// The core engine.
    pub(crate) fn core(&self) -> &brandrail::Engine {
        &self.inner
    }

    /// Run `work` with the core engine on a thread of its own and resolve when
    /// it finishes, so the awaiting Swift task or Kotlin coroutine never
    /// blocks its executor's thread (the main thread, or a thread of Swift's
    /// small cooperative pool).
    pub(crate) fn in_background<T, F>(&self, work: F) -> Background<Result<T, BrandrailError>>
    where
        T: Send + 'static,
        F: FnOnce(&brandrail::Engine) -> Result<T, BrandrailError> + Send + 'static,
    {
        let engine = Arc::clone(&self.inner);
        Background::spawn(move || work(&engine))
    }
}

#[uniffi::export]
impl Engine {
    /// Open (or create) the database file at `path`. A file that is not a
    /// brandrail database, has a newer schema, or is damaged is refused with
    /// `IncompatibleDatabase` / `Corrupt` and left untouched.
    #[uniffi::constructor(default(options))]
    pub fn open(path: String, options: EngineOptions) -> Result<Arc<Self>, BrandrailError> {
        let options = options.into_core()?;
        Ok(Arc::new(Self {
            inner: Arc::new(brandrail::Engine::open(path, options)?),
        }))
    }

    /// A private in-memory engine, for previews and tests. It vanishes with
    /// the handle.
    #[uniffi::constructor(default(options))]
    pub fn in_memory(options: EngineOptions) -> Result<Arc<Self>, BrandrailError> {
        let options = options.into_core()?;
        Ok(Arc::new(Self {
            inner: Arc::new(brandrail::Engine::in_memory_with(options)?),
        }))
    }

    /// The file this engine works on; `nil`/`null` in memory.
    pub fn path(&self) -> Option<String> {
        self.inner.path().map(|p| p.to_string_lossy().into_owned())
    }

    /// The engine clock's current time; every timestamp the engine writes
    /// comes from this clock.
    pub fn now(&self) -> SystemTime {
        system_time(self.inner.now())
    }

    /// Move the manual clock (`EngineOptions.clockStart`) by `seconds`
    /// (negative moves it back) and return the new time. `Configuration` on
    /// an engine running on the system clock; `Validation` (field `by`) when
    /// the move leaves the years 1970-9999. Moving the clock is not audited.
    pub fn advance_clock(&self, seconds: i64) -> Result<SystemTime, BrandrailError> {
        // Seconds beyond what a `TimeDelta` holds (about 292 million years)
        // saturate, so the core refuses them with the same error as any other
        // move out of its range.
        let by = TimeDelta::try_seconds(seconds).unwrap_or(if seconds < 0 {
            TimeDelta::MIN
        } else {
            TimeDelta::MAX
        });
        Ok(system_time(self.inner.advance_clock(by)?))
    }

    /// Set the manual clock (`EngineOptions.clockStart`) to `at` and return
    /// the engine's new time (milliseconds, like every time it stores).
    /// `Configuration` on an engine running on the system clock; `Validation`
    /// (field `to`) for a time outside the years 1970-9999.
    pub fn set_clock(&self, at: SystemTime) -> Result<SystemTime, BrandrailError> {
        Ok(system_time(self.inner.set_clock(utc("to", at)?)?))
    }
}

/// What a [`Background`] future and its worker thread share.
struct Slot<T> {
    /// The worker's result, or the panic it died of.
    outcome: Option<thread::Result<T>>,
    /// Who to wake when the outcome arrives.
    waker: Option<Waker>,
}

/// A future resolved by a worker thread. It needs no async runtime: the
/// foreign executor (Swift concurrency, Kotlin coroutines, Python asyncio)
/// polls it, and the worker wakes it when done.
pub(crate) struct Background<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T: Send + 'static> Background<Result<T, BrandrailError>> {
    pub(crate) fn spawn<F>(work: F) -> Self
    where
        F: FnOnce() -> Result<T, BrandrailError> + Send + 'static,
    {
        let slot = Arc::new(Mutex::new(Slot {
            outcome: None,
            waker: None,
        }));
        let shared = Arc::clone(&slot);
        let spawned = thread::Builder::new()
            .name("brandrail-worker".to_owned())
            .spawn(move || {
                let outcome = panic::catch_unwind(AssertUnwindSafe(work));
                let waker = {
                    let mut slot = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    slot.outcome = Some(outcome);
                    slot.waker.take()
                };
                if let Some(waker) = waker {
                    waker.wake();
                }
            });
        if let Err(err) = spawned {
            let failed: Result<T, BrandrailError> = Err(brandrail::Error::Io {
                message: format!("could not start a worker thread: {err}"),
            }
            .into());
            slot.lock().unwrap_or_else(PoisonError::into_inner).outcome = Some(Ok(failed));
        }
        Self { slot }
    }
}

impl<T> Future for Background<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.outcome.take() {
            Some(Ok(value)) => Poll::Ready(value),
            // A panic in the worker surfaces here, where uniffi's poll catches
            // it and reports an internal error to the host, exactly as for a
            // synchronous call; it never unwinds into foreign code.
            Some(Err(panic)) => {
                drop(slot);
                panic::resume_unwind(panic)
            }
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    use super::*;

    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn block_on<T>(mut fut: Background<T>) -> T {
        let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&counter));
        let mut cx = Context::from_waker(&waker);
        loop {
            if let Poll::Ready(v) = Pin::new(&mut fut).poll(&mut cx) {
                return v;
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    #[test]
    fn background_work_resolves_with_its_result() {
        let fut = Background::spawn(|| Ok::<_, BrandrailError>(41 + 1));
        assert_eq!(block_on(fut).unwrap(), 42);
    }

    #[test]
    fn background_work_is_woken_when_done() {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let mut fut = Background::spawn(move || {
            rx.recv().ok();
            Ok::<_, BrandrailError>(())
        });
        let counter = Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(Arc::clone(&counter));
        let mut cx = Context::from_waker(&waker);
        assert!(Pin::new(&mut fut).poll(&mut cx).is_pending());
        tx.send(()).unwrap();
        while counter.0.load(Ordering::SeqCst) == 0 {
            thread::sleep(Duration::from_millis(1));
        }
        assert!(matches!(
            Pin::new(&mut fut).poll(&mut cx),
            Poll::Ready(Ok(()))
        ));
    }

    #[test]
    fn a_short_secret_key_is_a_validation_error() {
        let options = EngineOptions {
            busy_timeout_ms: 5000,
            secret_key: Some(vec![7; 31]),
            clock_start: None,
        };
        let err = Engine::in_memory(options).err().unwrap();
        assert_eq!(err.code(), "validation");
        assert!(!err.to_string().contains('7'), "{err}");
    }

    fn manual(start: SystemTime) -> Arc<Engine> {
        Engine::in_memory(EngineOptions {
            busy_timeout_ms: 5000,
            secret_key: None,
            clock_start: Some(start),
        })
        .unwrap()
    }

    #[test]
    fn the_manual_clock_moves_by_whole_seconds_either_way() {
        let start = std::time::UNIX_EPOCH + Duration::from_secs(1_777_885_200);
        let engine = manual(start);
        assert_eq!(engine.now(), start);
        let later = engine.advance_clock(90).unwrap();
        assert_eq!(later, start + Duration::from_secs(90));
        assert_eq!(engine.now(), later);
        assert_eq!(engine.advance_clock(-90).unwrap(), start);
        assert_eq!(engine.set_clock(later).unwrap(), later);
    }

    #[test]
    fn moves_beyond_any_duration_are_the_cores_validation_error() {
        let engine = manual(std::time::UNIX_EPOCH + Duration::from_secs(86_400));
        for seconds in [i64::MAX, i64::MIN, i64::MAX / 1000 + 1, -86_401] {
            match engine.advance_clock(seconds) {
                Err(BrandrailError::Validation { field, .. }) => assert_eq!(field, "by"),
                other => panic!("{seconds}: {other:?}"),
            }
        }
        assert_eq!(
            engine.now(),
            std::time::UNIX_EPOCH + Duration::from_secs(86_400)
        );
    }

    #[test]
    fn the_system_clock_cannot_be_moved() {
        let engine = Engine::in_memory(EngineOptions {
            busy_timeout_ms: 5000,
            secret_key: None,
            clock_start: None,
        })
        .unwrap();
        assert_eq!(engine.advance_clock(1).unwrap_err().code(), "configuration");
        let now = engine.now();
        assert_eq!(engine.set_clock(now).unwrap_err().code(), "configuration");
    }
}
