//! # brandrail
//!
//! A company's marketing-governance policy as executable code: accounts and
//! permissions, a versioned policy document, and a tamper-evident audit log, in
//! one embeddable engine over SQLite. The same engine runs behind the Python,
//! Node and Swift/Kotlin bindings.
//!
//! ```
//! use brandrail::{Department, Engine, NewPrincipal};
//!
//! let engine = Engine::in_memory()?;
//! engine.bootstrap(NewPrincipal::new("it.admin", "IT Admin", Department::It))?;
//! engine.create_principal("it.admin", NewPrincipal::new("li.na", "李娜", Department::Marketing))?;
//! // A marketing principal may not create accounts (ACC-2): refused and audited.
//! let err = engine
//!     .create_principal("li.na", NewPrincipal::new("x.y", "X", Department::Sales))
//!     .unwrap_err();
//! assert_eq!(err.code(), "permission_denied");
//! assert!(engine.verify_audit()?.ok);
//! # Ok::<(), brandrail::Error>(())
//! ```
//!
//! Every mutating method takes the acting principal's handle, checks its
//! permission, validates, applies and appends the audit record in one SQLite
//! transaction: a failed call changes nothing (DESIGN rule 2).

#![warn(missing_docs)]

pub mod access;
pub mod approval;
pub mod audit;
mod clock;
pub mod content;
pub mod crm;
mod crypto;
mod error;
pub mod money;
pub mod policy;
mod store;
mod validate;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::Transaction;

pub use access::{
    Deactivation, Department, MediaAccount, NewMediaAccount, NewPrincipal, Permission, Platform,
    Principal, ZombieAccount,
};
pub use approval::{
    ApprovalEvent, ApprovalFilter, ApprovalInstance, ApprovalState, ApprovalTask, Attachment,
    Decision, Delegation, EventKind, StageApproval, StageState, StageStatus, StageThroughput,
    Subject, SubjectKind,
};
pub use audit::{
    AuditQuery, AuditRecord, AuditVerification, BackupReport, BackupStatus, Outcome, RestoreReport,
};
pub use clock::{Clock, ManualClock, SystemClock};
pub use error::{DenialReason, Error, Result};
pub use policy::{Policy, PolicyProblem};

use audit::Entry;
use crypto::SecretKey;
use store::Store;

/// How an [`Engine`] is opened.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    clock: Arc<dyn Clock>,
    manual_clock: Option<Arc<ManualClock>>,
    busy_timeout: Duration,
    secret_key: Option<SecretKey>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            manual_clock: None,
            busy_timeout: Duration::from_secs(5),
            secret_key: None,
        }
    }
}

impl EngineOptions {
    /// Defaults: the system clock, a 5 s busy timeout, no encryption key.
    pub fn new() -> Self {
        Self::default()
    }

    /// Use this clock for every timestamp the engine writes.
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self.manual_clock = None;
        self
    }

    /// Run on a clock that shows `start` and moves only through
    /// [`Engine::advance_clock`] / [`Engine::set_clock`]: for tests, replays
    /// and simulations in any host language (deadlines, escalation, zombies).
    pub fn manual_clock(mut self, start: DateTime<Utc>) -> Self {
        let clock = Arc::new(ManualClock::new(start));
        self.clock = clock.clone();
        self.manual_clock = Some(clock);
        self
    }

    /// How long a write waits for another process's write to finish before
    /// failing with [`Error::Busy`].
    pub fn busy_timeout(mut self, timeout: Duration) -> Self {
        self.busy_timeout = timeout;
        self
    }

    /// The 256-bit key that encrypts secrets and core-class personal data at
    /// rest. Keep it outside the database (a keychain, a KMS, an env secret);
    /// without it, calls that store such data fail with [`Error::Configuration`].
    pub fn secret_key(mut self, key: [u8; 32]) -> Self {
        self.secret_key = Some(SecretKey::new(&key));
        self
    }
}

/// A policy version as installed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    /// 1 for the first installed policy, then +1 per replacement. 0 means the
    /// built-in default pack, before anything was installed.
    pub version: i64,
    /// When it was installed.
    pub installed_at: Option<DateTime<Utc>>,
    /// Who installed it.
    pub installed_by: Option<String>,
    /// SHA-256 (hex) of its canonical JSON.
    pub digest: String,
}

#[derive(Debug)]
struct CachedPolicy {
    version: i64,
    digest: Vec<u8>,
    policy: Arc<Policy>,
}

/// The brandrail engine: one handle on one database. `Send + Sync`; calls are
/// serialized on the handle, and several processes may open the same file.
#[derive(Debug)]
pub struct Engine {
    store: Mutex<Store>,
    clock: Arc<dyn Clock>,
    manual_clock: Option<Arc<ManualClock>>,
    secret_key: Option<SecretKey>,
    policy: Mutex<Arc<CachedPolicy>>,
    scanner: Mutex<Option<(Vec<u8>, Arc<content::compliance::Scanner>)>>,
    path: Option<PathBuf>,
}

/// What a mutation's body works with: the open transaction, the time of the
/// call, the policy in force and the authorized actor.
pub(crate) struct Ctx<'a> {
    pub tx: &'a Transaction<'a>,
    pub now: DateTime<Utc>,
    pub policy: &'a Policy,
    pub actor: &'a Principal,
    appender: std::cell::RefCell<Option<store::audit::Appender>>,
}

impl Ctx<'_> {
    /// Append an audit record in this transaction.
    pub(crate) fn record(&self, entry: &Entry) -> Result<i64> {
        #[cfg(feature = "bench-internals")]
        if bench_internals::audit_off() {
            return Ok(0);
        }
        let mut slot = self.appender.borrow_mut();
        let appender = match slot.as_mut() {
            Some(a) => a,
            None => slot.insert(store::audit::Appender::start(self.tx)?),
        };
        appender.append(self.tx, self.now, entry)
    }

    /// Write the chain head once for all records of this transaction.
    fn finish(self) -> Result<()> {
        match self.appender.into_inner() {
            Some(a) => a.finish(self.tx),
            None => Ok(()),
        }
    }
}

impl Engine {
    /// Open (or create) the database file at `path`. A file that is not a
    /// brandrail database, has a newer schema, or is damaged is refused with
    /// [`Error::IncompatibleDatabase`] / [`Error::Corrupt`] and left untouched.
    pub fn open(path: impl AsRef<Path>, options: EngineOptions) -> Result<Engine> {
        let path = path.as_ref();
        let text = path.to_string_lossy();
        if text.is_empty() {
            return Err(Error::validation("path", "must not be empty"));
        }
        if text.contains('\0') {
            return Err(Error::validation("path", "must not contain NUL"));
        }
        let store = Store::open(path, options.busy_timeout)?;
        Self::with_store(store, options, Some(path.to_path_buf()))
    }

    /// A private in-memory engine with default options, for tests and notebooks.
    pub fn in_memory() -> Result<Engine> {
        Self::in_memory_with(EngineOptions::default())
    }

    /// A private in-memory engine with these options.
    pub fn in_memory_with(options: EngineOptions) -> Result<Engine> {
        Self::with_store(Store::in_memory()?, options, None)
    }

    fn with_store(
        mut store: Store,
        options: EngineOptions,
        path: Option<PathBuf>,
    ) -> Result<Engine> {
        if let Some(clock) = &options.manual_clock
            && !clock_in_range(&clock.now())
        {
            return Err(Error::validation(
                "clock_start",
                "must lie in the years 1970-9999",
            ));
        }
        let cached = store.read(|tx| load_policy(tx, None))?;
        Ok(Engine {
            store: Mutex::new(store),
            clock: options.clock,
            manual_clock: options.manual_clock,
            secret_key: options.secret_key,
            policy: Mutex::new(cached),
            scanner: Mutex::new(None),
            path,
        })
    }

    /// The file this engine works on; `None` in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The engine clock's current time, at the millisecond precision every
    /// stored timestamp has (so a returned record equals the same record read back).
    pub fn now(&self) -> DateTime<Utc> {
        store::truncate_ms(self.clock.now())
    }

    /// Move the engine's manual clock by `by` (negative moves it back) and
    /// return the new time. Fails with [`Error::Configuration`] unless the
    /// engine was opened with [`EngineOptions::manual_clock`].
    pub fn advance_clock(&self, by: chrono::Duration) -> Result<DateTime<Utc>> {
        self.manual()?
            .try_advance(by, clock_in_range)
            .map_err(|_| Error::validation("by", "moves the clock out of the years 1970-9999"))?;
        Ok(self.now())
    }

    /// Set the engine's manual clock to `to`; see [`Engine::advance_clock`].
    pub fn set_clock(&self, to: DateTime<Utc>) -> Result<DateTime<Utc>> {
        let clock = self.manual()?;
        if !clock_in_range(&to) {
            return Err(Error::validation("to", "must lie in the years 1970-9999"));
        }
        clock.set(to);
        Ok(self.now())
    }

    fn manual(&self) -> Result<&ManualClock> {
        self.manual_clock
            .as_deref()
            .ok_or_else(|| Error::Configuration {
                message:
                    "the engine runs on the system clock; open it with a manual clock to move time"
                        .into(),
            })
    }

    fn lock(&self) -> MutexGuard<'_, Store> {
        // A panic while holding the lock can only come from a bug; the store
        // itself is consistent (SQLite rolled back), so keep serving.
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The policy in force, refreshed when another process replaced it.
    fn policy_in(&self, tx: &Transaction<'_>) -> Result<Arc<Policy>> {
        let mut cache = self.policy.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = load_policy(tx, Some(&cache))?;
        if !Arc::ptr_eq(&fresh, &cache) {
            *cache = fresh;
        }
        Ok(cache.policy.clone())
    }

    /// Run a read in one consistent snapshot, with the policy in force.
    pub(crate) fn read<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>, &Policy) -> Result<T>,
    ) -> Result<T> {
        self.lock().read(|tx| {
            let policy = self.policy_in(tx)?;
            f(tx, &policy)
        })
    }

    /// The heart of every mutating call (DESIGN rule 2): in ONE immediate
    /// transaction, authorize `actor` for `permission`, run `body` (which
    /// validates, applies and appends its audit records through [`Ctx`]) and
    /// commit. A refusal appends a `denied` record and nothing else; an error
    /// from `body` rolls everything back.
    pub(crate) fn mutate<T>(
        &self,
        actor: &str,
        gate: impl Into<Gate>,
        attempt: Attempt<'_>,
        body: impl FnOnce(&Ctx<'_>) -> Result<T>,
    ) -> Result<T> {
        let gate = gate.into();
        let now = self.now();
        let result = self.lock().write(|tx| {
            let policy = self.policy_in(tx)?;
            match access::authorize(tx, &policy, actor, gate)? {
                Ok(principal) => {
                    let ctx = Ctx {
                        tx,
                        now,
                        policy: &policy,
                        actor: &principal,
                        appender: Default::default(),
                    };
                    let out = body(&ctx)?;
                    ctx.finish()?;
                    Ok(Ok(out))
                }
                Err(reason) => {
                    let err = Error::PermissionDenied {
                        principal: audit_safe(actor),
                        permission: gate.name().to_owned(),
                        reason,
                    };
                    store::audit::append(tx, now, &attempt.refusal(actor, &err))?;
                    Ok(Err(err))
                }
            }
        });
        match result {
            Ok(outcome) => outcome,
            // A refusal decided inside the body (not a decider, separation of
            // duties) rolled the body back; record it on its own.
            Err(err) if err.is_refusal() => {
                self.lock()
                    .write(|tx| store::audit::append(tx, now, &attempt.refusal(actor, &err)))?;
                Err(err)
            }
            Err(err) => Err(err),
        }
    }

    /// Run `body` in one immediate transaction without an actor (bootstrap,
    /// which has nobody to authorize yet).
    pub(crate) fn write_unauthorized<T>(
        &self,
        body: impl FnOnce(&Transaction<'_>, DateTime<Utc>, &Policy) -> Result<T>,
    ) -> Result<T> {
        let now = self.now();
        self.lock().write(|tx| {
            let policy = self.policy_in(tx)?;
            body(tx, now, &policy)
        })
    }

    fn secret_key(&self) -> Result<&SecretKey> {
        self.secret_key
            .as_ref()
            .ok_or_else(|| Error::Configuration {
                message:
                    "no secret key was given in EngineOptions; secrets cannot be stored or read"
                        .into(),
            })
    }

    // ---------------------------------------------------------------- policy

    /// The policy in force (the default pack until one is installed).
    pub fn policy(&self) -> Result<Arc<Policy>> {
        self.read(|tx, _| self.policy_in(tx))
    }

    /// The version of the policy in force.
    pub fn policy_version(&self) -> Result<PolicyVersion> {
        let history = self.policy_history()?;
        Ok(history.into_iter().last().unwrap_or_else(|| PolicyVersion {
            version: 0,
            installed_at: None,
            installed_by: None,
            digest: hex::encode(Policy::default_pack().digest()),
        }))
    }

    /// Every installed version, oldest first.
    pub fn policy_history(&self) -> Result<Vec<PolicyVersion>> {
        let rows = self.read(|tx, _| store::policy::history(tx))?;
        Ok(rows
            .into_iter()
            .map(|r| PolicyVersion {
                version: r.version,
                installed_at: Some(r.installed_at),
                installed_by: Some(r.installed_by),
                digest: hex::encode(r.digest),
            })
            .collect())
    }

    /// Install `policy` as the new version (needs `policy.replace`). It is
    /// validated again; roles some principal holds must stay defined, and some
    /// active principal must still be able to administer accounts. Audited with
    /// the digests of the old and new documents.
    pub fn replace_policy(&self, actor: &str, policy: &Policy) -> Result<PolicyVersion> {
        policy.validate()?;
        let digest = policy.digest();
        self.mutate(
            actor,
            Permission::PolicyReplace,
            Attempt::new("policy.replace", "policy", "current"),
            |ctx| {
                for role in store::access::roles_in_use(ctx.tx)? {
                    if !policy.access.roles.contains_key(&role) {
                        return Err(Error::conflict(
                            "role",
                            role,
                            "is held by principals but missing from the new policy; revoke it first",
                        ));
                    }
                }
                access::ensure_admin_remains(ctx.tx, policy)?;
                let document = policy.to_json();
                let version =
                    store::policy::insert(ctx.tx, ctx.now, &ctx.actor.handle, &digest, &document)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "policy.replace", "policy", &version.to_string())
                        .digests(Some(ctx.policy.digest()), Some(digest)),
                )?;
                Ok(PolicyVersion {
                    version,
                    installed_at: Some(ctx.now),
                    installed_by: Some(ctx.actor.handle.clone()),
                    digest: hex::encode(digest),
                })
            },
        )
    }

    // ---------------------------------------------------------------- content

    /// The compliance checker for the policy in force (its custom terms and
    /// exceptions included), compiled once per policy version.
    pub fn scanner(&self) -> Result<Arc<content::compliance::Scanner>> {
        let (digest, policy) = self.read(|tx, _| {
            let cached = {
                let _ = self.policy_in(tx)?;
                self.policy
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone()
            };
            Ok((cached.digest.clone(), cached.policy.clone()))
        })?;
        let mut slot = self.scanner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((d, s)) = slot.as_ref()
            && *d == digest
        {
            return Ok(s.clone());
        }
        let scanner = Arc::new(content::compliance::Scanner::new(&policy.compliance)?);
        *slot = Some((digest, scanner.clone()));
        Ok(scanner)
    }

    /// Check one text with the policy in force (CON-3). Reads only.
    pub fn check_text(&self, text: &str) -> Result<Vec<content::compliance::Finding>> {
        Ok(self.scanner()?.check(text))
    }

    /// Check many texts with the policy in force; one result list per text.
    pub fn check_texts<S: AsRef<str>>(
        &self,
        texts: &[S],
    ) -> Result<Vec<Vec<content::compliance::Finding>>> {
        Ok(self.scanner()?.check_many(texts))
    }

    // ---------------------------------------------------------------- audit

    /// Walk the whole audit chain and report the first broken record (AUD-1).
    /// Reads only; needs no principal.
    pub fn verify_audit(&self) -> Result<AuditVerification> {
        self.lock().read(|tx| store::audit::verify(tx))
    }

    /// Records matching `query` (AUD-4; needs `audit.read`). A refusal is itself
    /// recorded.
    pub fn audit_query(&self, actor: &str, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        self.mutate(
            actor,
            Permission::AuditRead,
            Attempt::new("audit.query", "audit_log", "query"),
            |ctx| {
                if query.limit == Some(0) {
                    return Err(Error::validation("limit", "must be at least 1"));
                }
                if let (Some(since), Some(until)) = (query.since, query.until)
                    && since > until
                {
                    return Err(Error::validation("since", "is after until"));
                }
                store::audit::query(ctx.tx, query)
            },
        )
    }

    /// Number of records in the audit log.
    pub fn audit_len(&self) -> Result<i64> {
        self.lock().read(|tx| store::audit::count(tx))
    }
}

/// The years a manual clock may show: storage keeps milliseconds since 1970.
fn clock_in_range(t: &DateTime<Utc>) -> bool {
    (1970..=9999).contains(&chrono::Datelike::year(t))
}

/// What a mutating call attempts, for the denial record.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt<'a> {
    action: &'static str,
    entity_type: &'static str,
    entity_id: &'a str,
}

impl<'a> Attempt<'a> {
    pub(crate) fn new(action: &'static str, entity_type: &'static str, entity_id: &'a str) -> Self {
        Self {
            action,
            entity_type,
            entity_id,
        }
    }

    fn refusal(&self, actor: &str, err: &Error) -> Entry {
        let detail = match err {
            Error::PermissionDenied {
                permission, reason, ..
            } => format!("permission={permission} reason={reason}"),
            Error::SeparationOfDuties { message, .. } => {
                format!("reason=separation_of_duties {message}")
            }
            other => format!("reason={}", other.code()),
        };
        Entry {
            principal: audit_safe(actor),
            action: self.action,
            entity_type: self.entity_type,
            entity_id: audit_safe(self.entity_id),
            outcome: Outcome::Denied,
            detail,
            before: None,
            after: None,
        }
    }
}

/// What a mutating call requires of its actor before its body runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// An active principal holding this permission.
    Permission(Permission),
    /// Any active principal; the body decides (approval deciders, submitters).
    ActivePrincipal,
}

impl Gate {
    fn name(self) -> &'static str {
        match self {
            Gate::Permission(p) => p.as_str(),
            Gate::ActivePrincipal => "act",
        }
    }
}

impl From<Permission> for Gate {
    fn from(p: Permission) -> Self {
        Gate::Permission(p)
    }
}

/// An identifier as it may appear in the audit log and in errors: as given when
/// it is a well-formed identifier or a plain number (approval and delegation
/// ids), else a short digest of it, so hostile or personal strings never land
/// in the log (AUD-2).
pub(crate) fn audit_safe(id: &str) -> String {
    let number = !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit());
    if number || validate::identifier("id", id).is_ok() {
        id.to_owned()
    } else {
        let d = audit::digest_of(id);
        format!("invalid:{}", hex::encode(&d[..8]))
    }
}

fn load_policy(
    tx: &Transaction<'_>,
    cached: Option<&Arc<CachedPolicy>>,
) -> Result<Arc<CachedPolicy>> {
    let head = store::policy::history_head(tx)?;
    match (head, cached) {
        (None, Some(c)) if c.version == 0 => Ok(c.clone()),
        (None, _) => Ok(Arc::new(CachedPolicy {
            version: 0,
            digest: Policy::default_pack().digest().to_vec(),
            policy: Arc::new(Policy::default_pack().clone()),
        })),
        (Some((version, digest)), Some(c)) if c.version == version && c.digest == digest => {
            Ok(c.clone())
        }
        (Some((version, digest)), _) => {
            let doc = store::policy::document(tx, version)?.ok_or_else(|| Error::Corrupt {
                message: format!("policy version {version} has no document"),
            })?;
            let policy = Policy::from_json(&doc).map_err(|e| Error::Corrupt {
                message: format!("stored policy version {version} is invalid: {e}"),
            })?;
            Ok(Arc::new(CachedPolicy {
                version,
                digest,
                policy: Arc::new(policy),
            }))
        }
    }
}

/// Hooks for the criterion benchmarks only (feature `bench-internals`).
#[cfg(feature = "bench-internals")]
#[doc(hidden)]
pub mod bench_internals {
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;

    static AUDIT_OFF: AtomicBool = AtomicBool::new(false);

    /// Switch the audit trail of mutations off (process-wide) so a benchmark
    /// can time the same mutation with and without it. Digests are skipped too.
    pub fn set_audit_off(off: bool) {
        AUDIT_OFF.store(off, Ordering::SeqCst);
    }

    pub(crate) fn audit_off() -> bool {
        AUDIT_OFF.load(Ordering::Relaxed)
    }

    /// Append `n` audit records in one transaction, computing before/after
    /// digests of `state` as a real mutation does: the audit's share of a
    /// mutation, timed on its own.
    pub fn append_audit_batch<T: serde::Serialize>(
        engine: &Engine,
        n: usize,
        state: &T,
    ) -> Result<()> {
        let now = engine.clock.now();
        engine.lock().write(|tx| {
            let mut appender = store::audit::Appender::start(tx)?;
            for i in 0..n {
                let entry = Entry::applied(
                    "bench.actor",
                    "bench.append",
                    "media_account",
                    &i.to_string(),
                )
                .before(state)
                .after(state);
                appender.append(tx, now, &entry)?;
            }
            appender.finish(tx)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }
}
