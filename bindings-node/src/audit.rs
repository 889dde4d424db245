//! The tamper-evident audit log, its query, backups and restore (core's
//! `audit` module): the `Engine` methods and the objects they return.

use napi::Env;
use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::convert::{Date, number, parse, utc_or, whole};
use crate::engine::{Background, Engine};
use crate::error::OrThrow;

/// The result of walking the whole audit chain.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditVerification {
    /// True when every record and the chain head check out.
    pub ok: bool,
    /// Records read.
    pub records_checked: f64,
    /// The first record that failed (for records cut off the end: the first
    /// missing one), or `null` when `ok`.
    pub first_bad_seq: Option<i64>,
    /// What failed there, or `null` when `ok`.
    pub problem: Option<String>,
    /// Sequence number of the newest record.
    pub head_seq: i64,
    /// Hash (hex) of the newest record; store it elsewhere to anchor the chain.
    pub head_hash: String,
}

impl From<brandrail::AuditVerification> for AuditVerification {
    fn from(v: brandrail::AuditVerification) -> Self {
        AuditVerification {
            ok: v.ok,
            records_checked: number(v.records_checked),
            first_bad_seq: v.first_bad_seq,
            problem: v.problem,
            head_seq: v.head_seq,
            head_hash: v.head_hash,
        }
    }
}

/// One record of the audit log. Records hold identifiers and digests only,
/// never personal values.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct AuditRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When it happened (engine clock).
    pub at: Date,
    /// Handle of the acting principal (a digest for a malformed handle).
    pub principal: String,
    /// What was attempted, e.g. `'principal.create'`.
    pub action: String,
    /// Kind of entity acted on, e.g. `'principal'`.
    pub entity_type: String,
    /// Its identifier.
    pub entity_id: String,
    /// `'applied'` or `'denied'`.
    pub outcome: String,
    /// Non-personal detail: the denied permission and reason, a role name, a count.
    pub detail: String,
    /// SHA-256 (hex) of the entity before the change, or `null`.
    pub before_digest: Option<String>,
    /// SHA-256 (hex) of the entity after the change, or `null`.
    pub after_digest: Option<String>,
    /// Hash (hex) of the previous record.
    pub prev_hash: String,
    /// Hash (hex) of this record.
    pub hash: String,
}

impl From<brandrail::AuditRecord> for AuditRecord {
    fn from(r: brandrail::AuditRecord) -> Self {
        AuditRecord {
            seq: r.seq,
            at: r.at.into(),
            principal: r.principal,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            outcome: r.outcome.as_str().to_owned(),
            detail: r.detail,
            before_digest: r.before_digest,
            after_digest: r.after_digest,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Filters for `auditQuery`. Every filter given must match; results come in
/// sequence order.
#[napi(object, object_to_js = false)]
pub struct AuditQuery {
    /// Only records of this principal.
    pub principal: Option<String>,
    /// Only records about this kind of entity, e.g. `'principal'`.
    pub entity_type: Option<String>,
    /// Only records about this entity id.
    pub entity_id: Option<String>,
    /// Only this action (exact), or every action under a prefix ending in `.`
    /// (`'principal.'` matches `'principal.create'`, `'principal.deactivate'`, …).
    pub action: Option<String>,
    /// Only `'applied'` or only `'denied'` attempts.
    pub outcome: Option<String>,
    /// At or after this instant.
    pub since: Option<Date>,
    /// Before this instant.
    pub until: Option<Date>,
    /// Only records with a larger sequence number (for paging).
    pub after_seq: Option<f64>,
    /// At most this many records (default 1000, at most 100000).
    pub limit: Option<f64>,
}

impl AuditQuery {
    fn into_core(self) -> brandrail::Result<brandrail::AuditQuery> {
        Ok(brandrail::AuditQuery {
            principal: self.principal,
            entity_type: self.entity_type,
            entity_id: self.entity_id,
            action: self.action,
            outcome: self
                .outcome
                .as_deref()
                .map(|o| parse("outcome", o))
                .transpose()?,
            since: self.since.map(|d| d.to_utc("since")).transpose()?,
            until: self.until.map(|d| d.to_utc("until")).transpose()?,
            after_seq: self.after_seq.map(|n| whole("afterSeq", n)).transpose()?,
            limit: self.limit.map(|n| whole("limit", n)).transpose()?,
        })
    }
}

/// What a backup wrote.
#[napi(object, object_from_js = false)]
pub struct BackupReport {
    /// The backup file.
    pub path: String,
    /// Its size in bytes.
    pub bytes: f64,
    /// Audit records it holds.
    pub records: f64,
    /// Newest audit sequence number it holds.
    pub head_seq: i64,
    /// Always true: a copy whose audit chain does not verify is deleted and
    /// the call rejects instead.
    pub verified: bool,
    /// Wall time taken, milliseconds.
    pub took_ms: f64,
}

impl From<brandrail::BackupReport> for BackupReport {
    fn from(r: brandrail::BackupReport) -> Self {
        BackupReport {
            path: r.path.to_string_lossy().into_owned(),
            bytes: number(r.bytes),
            records: number(r.records),
            head_seq: r.head_seq,
            verified: r.verified,
            took_ms: r.took.as_secs_f64() * 1000.0,
        }
    }
}

/// What a restore did.
#[napi(object, object_from_js = false)]
pub struct RestoreReport {
    /// Audit records restored.
    pub records: f64,
    /// Newest restored audit sequence number (before the restore's own record).
    pub head_seq: i64,
    /// Wall time taken, milliseconds.
    pub took_ms: f64,
    /// Whether it finished within the policy's recovery time objective.
    pub within_rto: bool,
}

impl From<brandrail::RestoreReport> for RestoreReport {
    fn from(r: brandrail::RestoreReport) -> Self {
        RestoreReport {
            records: number(r.records),
            head_seq: r.head_seq,
            took_ms: r.took.as_secs_f64() * 1000.0,
            within_rto: r.within_rto,
        }
    }
}

/// Where the backup schedule (the policy's `audit.backup_interval_hours`) stands.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct BackupStatus {
    /// The newest backup, or `null` if none was ever taken.
    pub last_backup_at: Option<Date>,
    /// When the next one is due.
    pub next_due_at: Date,
    /// True when it is due now (or none was ever taken).
    pub overdue: bool,
}

impl From<brandrail::BackupStatus> for BackupStatus {
    fn from(s: brandrail::BackupStatus) -> Self {
        BackupStatus {
            last_backup_at: s.last_backup_at.map(Date::from),
            next_due_at: s.next_due_at.into(),
            overdue: s.overdue,
        }
    }
}

#[napi]
impl Engine {
    /// Walk the whole audit chain and report the first broken record. Reads
    /// only and needs no principal. Runs off the JS thread.
    #[napi(strict, catch_unwind, ts_return_type = "Promise<AuditVerification>")]
    pub fn verify_audit(&self) -> AsyncTask<Background<AuditVerification>> {
        AsyncTask::new(self.background(|engine| engine.verify_audit().map(Into::into)))
    }

    /// Records matching `query` (needs `audit.read`; a refusal is itself
    /// recorded).
    #[napi(strict, catch_unwind)]
    pub fn audit_query(
        &self,
        env: &Env,
        actor: String,
        query: Option<AuditQuery>,
    ) -> napi::Result<Vec<AuditRecord>> {
        query
            .map_or_else(
                || Ok(brandrail::AuditQuery::default()),
                AuditQuery::into_core,
            )
            .and_then(|q| self.inner.audit_query(&actor, &q))
            .map(|records| records.into_iter().map(AuditRecord::from).collect())
            .or_throw(env)
    }

    /// Number of records in the audit log.
    #[napi(strict, catch_unwind)]
    pub fn audit_len(&self, env: &Env) -> napi::Result<i64> {
        self.inner.audit_len().or_throw(env)
    }

    /// Write a verified copy of the whole database to `path`, which must not
    /// exist yet (needs `audit.backup`). Other processes may keep writing
    /// meanwhile. Runs off the JS thread.
    #[napi(strict, catch_unwind, ts_return_type = "Promise<BackupReport>")]
    pub fn backup_to(&self, actor: String, path: String) -> AsyncTask<Background<BackupReport>> {
        AsyncTask::new(
            self.background(move |engine| engine.backup_to(&actor, &path).map(Into::into)),
        )
    }

    /// Replace the whole database with the backup at `path` (needs
    /// `audit.restore`). A backup that is not a brandrail database or whose
    /// audit chain does not verify rejects (code `'integrity'`,
    /// `'incompatible_database'`, …) and nothing changes. Runs off the JS
    /// thread.
    #[napi(strict, catch_unwind, ts_return_type = "Promise<RestoreReport>")]
    pub fn restore_from(
        &self,
        actor: String,
        path: String,
    ) -> AsyncTask<Background<RestoreReport>> {
        AsyncTask::new(
            self.background(move |engine| engine.restore_from(&actor, &path).map(Into::into)),
        )
    }

    /// The backup schedule as of `asOf` (default: now).
    #[napi(strict, catch_unwind)]
    pub fn backup_status(&self, env: &Env, as_of: Option<Date>) -> napi::Result<BackupStatus> {
        utc_or(as_of, "asOf", || self.inner.now())
            .and_then(|t| self.inner.backup_status(t))
            .map(BackupStatus::from)
            .or_throw(env)
    }
}
