//! The `Engine` class: opening a database, the engine clock (and moving a
//! manual one), and the plumbing that runs long calls on the libuv thread
//! pool. The methods live beside the core module they mirror (`access.rs`,
//! `approval.rs`, `audit.rs`, `content.rs`, `crm.rs`, `policy.rs`).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::time::Duration;

use napi::bindgen_prelude::{ToNapiValue, TypeName, Uint8Array};
use napi::{Env, Task};
use napi_derive::napi;

use crate::convert::{Date, whole};
use crate::error::{OrThrow, invalid, renamed};

/// How an engine is opened. Every field is optional.
#[napi(object, object_to_js = false)]
pub struct EngineOptions {
    /// How long (milliseconds) a write waits for another process's write to
    /// finish before failing with code `'busy'`. Default 5000.
    pub busy_timeout_ms: Option<f64>,
    /// The 32-byte key (a `Buffer` or `Uint8Array`) that encrypts secrets at
    /// rest: media-account credentials, and customers' identities, names and
    /// source records (the CRM), which are also looked up through an index
    /// keyed with it. Keep it outside the database (a keychain, a KMS, an
    /// environment secret) and keep it: a file reopened with another key
    /// finds no customer and reads none. Without it, calls that store or
    /// reveal secrets or customer data fail with code `'configuration'`.
    pub secret_key: Option<Uint8Array>,
    /// Run the engine on a manual clock that shows this time and moves only
    /// through `advanceClock` and `setClock`: for tests, replays and
    /// simulations (deadlines passing, escalation, delegations expiring,
    /// accounts going idle). Left out, the engine runs on the system clock.
    /// The clock is the handle's, not the database's: reopening a file without
    /// it runs on the system clock again.
    pub clock_start: Option<Date>,
}

impl EngineOptions {
    fn into_core(options: Option<EngineOptions>) -> brandrail::Result<brandrail::EngineOptions> {
        let mut out = brandrail::EngineOptions::new();
        let Some(options) = options else {
            return Ok(out);
        };
        if let Some(ms) = options.busy_timeout_ms {
            out = out.busy_timeout(Duration::from_millis(whole("busyTimeoutMs", ms)?));
        }
        if let Some(key) = options.secret_key {
            let key: [u8; 32] = key.as_ref().try_into().map_err(|_| {
                invalid(
                    "secretKey",
                    format!("must be exactly 32 bytes, got {}", key.len()),
                )
            })?;
            out = out.secret_key(key);
        }
        if let Some(start) = options.clock_start {
            out = out.manual_clock(start.to_utc("clockStart")?);
        }
        Ok(out)
    }
}

/// One handle on one brandrail database: accounts and permissions, managed
/// media accounts, approvals, compliance checks with the company's terms,
/// content, customers (CRM) with customer service and public-opinion watch,
/// the versioned policy and the tamper-evident audit log.
///
/// Open it with `Engine.open(path)` or `Engine.inMemory()`. Every mutating
/// method takes the acting principal's handle first; it checks that
/// principal's permission, validates, applies and appends the audit record in
/// one transaction, so a call that throws has changed nothing (a refusal for
/// lack of permission is itself audited). Failures throw an `Error` whose
/// `code` is a stable string such as `'permission_denied'` or `'validation'`.
///
/// Long work (`verifyAudit`, `backupTo`, `restoreFrom`,
/// `escalateOverdueApprovals`, `checkTextsAsync`, `ingestCustomersAsync`,
/// `recordInteractionsAsync`, `segmentsAsync`, `refreshSegmentsAsync`,
/// `countCustomersAsync`, `rfmAsync`, `duplicateCandidatesAsync`,
/// `recordMentionsAsync` and the batch calls) runs on the libuv thread pool
/// and returns a `Promise`.
#[napi]
pub struct Engine {
    pub(crate) inner: Arc<brandrail::Engine>,
}

#[napi]
impl Engine {
    /// Open (or create) the database file at `path`. A file that is not a
    /// brandrail database, or comes from a newer brandrail, throws with code
    /// `'incompatible_database'`; a damaged one with `'corrupt'`. Either way
    /// the file is left untouched.
    #[napi(factory, strict, catch_unwind)]
    pub fn open(env: &Env, path: String, options: Option<EngineOptions>) -> napi::Result<Engine> {
        EngineOptions::into_core(options)
            .and_then(|o| brandrail::Engine::open(&path, o))
            .map_err(|e| renamed("clock_start", "clockStart", e))
            .map(Engine::from)
            .or_throw(env)
    }

    /// A private in-memory engine, for tests, notebooks and previews. Its data
    /// is gone when the engine is garbage-collected.
    #[napi(factory, strict, catch_unwind)]
    pub fn in_memory(env: &Env, options: Option<EngineOptions>) -> napi::Result<Engine> {
        EngineOptions::into_core(options)
            .and_then(brandrail::Engine::in_memory_with)
            .map_err(|e| renamed("clock_start", "clockStart", e))
            .map(Engine::from)
            .or_throw(env)
    }

    /// The file this engine works on; `null` for an in-memory engine.
    #[napi(getter, strict, catch_unwind)]
    pub fn path(&self) -> Option<String> {
        self.inner.path().map(|p| p.to_string_lossy().into_owned())
    }

    /// The engine clock's current time (the time it stamps on records), to
    /// the millisecond.
    #[napi(strict, catch_unwind)]
    pub fn now(&self) -> Date {
        self.inner.now().into()
    }

    /// Move the manual clock by `ms` milliseconds (a whole number; negative
    /// moves it back) and return the new time. Throws `'configuration'` on an
    /// engine opened without `clockStart`, and `'validation'` (field `ms`) for
    /// a move out of the years 1970–9999.
    #[napi(strict, catch_unwind)]
    pub fn advance_clock(&self, env: &Env, ms: f64) -> napi::Result<Date> {
        whole("ms", ms)
            .and_then(|ms| {
                chrono::Duration::try_milliseconds(ms)
                    .ok_or_else(|| invalid("ms", format!("{ms} is out of range")))
            })
            .and_then(|by| {
                self.inner
                    .advance_clock(by)
                    .map_err(|e| renamed("by", "ms", e))
            })
            .map(Date::from)
            .or_throw(env)
    }

    /// Set the manual clock to `at` (forward or back) and return the new
    /// time. Throws `'configuration'` on an engine opened without
    /// `clockStart`, and `'validation'` (field `at`) for an `Invalid Date` or
    /// a time outside the years 1970–9999.
    #[napi(strict, catch_unwind)]
    pub fn set_clock(&self, env: &Env, at: Date) -> napi::Result<Date> {
        at.to_utc("at")
            .and_then(|at| self.inner.set_clock(at).map_err(|e| renamed("to", "at", e)))
            .map(Date::from)
            .or_throw(env)
    }
}

impl From<brandrail::Engine> for Engine {
    fn from(engine: brandrail::Engine) -> Self {
        Engine {
            inner: Arc::new(engine),
        }
    }
}

impl Engine {
    /// Run `work` on the engine off the JS thread; its result becomes the
    /// settled value of the returned promise.
    pub(crate) fn background<J, F>(&self, work: F) -> Background<J>
    where
        J: ToNapiValue + TypeName + Send + 'static,
        F: FnOnce(&brandrail::Engine) -> brandrail::Result<J> + Send + 'static,
    {
        let engine = Arc::clone(&self.inner);
        Background::new(move || work(&engine))
    }
}

type Work<J> = Box<dyn FnOnce() -> brandrail::Result<J> + Send>;

/// A call running on the libuv thread pool. An engine's call holds its own
/// reference to the engine, so the JS object may be collected meanwhile.
pub struct Background<J> {
    work: Option<Work<J>>,
}

impl<J> Background<J> {
    /// Run `work` off the JS thread; for calls that need no engine (the
    /// module-level compliance check).
    pub(crate) fn new<F>(work: F) -> Self
    where
        F: FnOnce() -> brandrail::Result<J> + Send + 'static,
    {
        Background {
            work: Some(Box::new(work)),
        }
    }
}

impl<J> Task for Background<J>
where
    J: ToNapiValue + TypeName + Send + 'static,
{
    type Output = brandrail::Result<J>;
    type JsValue = J;

    fn compute(&mut self) -> napi::Result<Self::Output> {
        let work = self
            .work
            .take()
            .ok_or_else(|| napi::Error::from_reason("brandrail: background call ran twice"))?;
        // A panic must not unwind into libuv; it becomes a rejection instead.
        catch_unwind(AssertUnwindSafe(work)).map_err(napi::bindgen_prelude::panic_to_error)
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> napi::Result<J> {
        output.or_throw(&env)
    }
}
