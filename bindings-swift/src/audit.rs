//! The tamper-evident audit log (AUD-1..AUD-4): verification, queries,
//! backups and restore. The long operations also come as async functions that
//! run on a worker thread, so a Swift `Task` or a Kotlin coroutine on the main
//! dispatcher can await them without freezing the UI.

use std::time::{Duration, SystemTime};

use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{system_time, system_time_opt, utc, utc_opt};

mirror_enum! {
    /// Whether a recorded attempt went through.
    Outcome => brandrail::Outcome {
        /// `applied`: the mutation was applied.
        Applied,
        /// `denied`: the attempt was refused (ACC-4, APR-3).
        Denied,
    }
    /// The outcome with this stable name (`applied` or `denied`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_outcome;
}

/// One record of the audit log. Records hold identifiers and digests only,
/// never personal values (AUD-2).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When it happened (engine clock).
    pub at: SystemTime,
    /// Handle of the acting principal.
    pub principal: String,
    /// What was attempted, e.g. `principal.create`.
    pub action: String,
    /// Kind of entity acted on, e.g. `principal`.
    pub entity_type: String,
    /// Its identifier.
    pub entity_id: String,
    /// Applied or denied.
    pub outcome: Outcome,
    /// Non-personal detail: the denied permission and reason, a role name, a count.
    pub detail: String,
    /// SHA-256 (hex) of the entity before, if it existed.
    pub before_digest: Option<String>,
    /// SHA-256 (hex) of the entity after, if it still exists.
    pub after_digest: Option<String>,
    /// Hash (hex) of the previous record.
    pub prev_hash: String,
    /// Hash (hex) of this record.
    pub hash: String,
}

impl From<brandrail::AuditRecord> for AuditRecord {
    fn from(r: brandrail::AuditRecord) -> Self {
        Self {
            seq: r.seq,
            at: system_time(r.at),
            principal: r.principal,
            action: r.action,
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            outcome: r.outcome.into(),
            detail: r.detail,
            before_digest: r.before_digest,
            after_digest: r.after_digest,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Filters for `auditQuery`. Every field defaults to "any"; all set filters
/// must match. Results come in sequence order.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct AuditQuery {
    /// Only records of this principal.
    #[uniffi(default)]
    pub principal: Option<String>,
    /// Only records about this entity type.
    #[uniffi(default)]
    pub entity_type: Option<String>,
    /// Only records about this entity id (with or without `entity_type`).
    #[uniffi(default)]
    pub entity_id: Option<String>,
    /// Only this action (exact), or every action under a prefix ending in `.`
    /// (`principal.` matches `principal.create`, `principal.deactivate`, …).
    #[uniffi(default)]
    pub action: Option<String>,
    /// Only applied or only denied attempts.
    #[uniffi(default)]
    pub outcome: Option<Outcome>,
    /// At or after this instant.
    #[uniffi(default)]
    pub since: Option<SystemTime>,
    /// Before this instant.
    #[uniffi(default)]
    pub until: Option<SystemTime>,
    /// Only records with a larger sequence number (for paging).
    #[uniffi(default)]
    pub after_seq: Option<i64>,
    /// At most this many records (default 1 000, at most 100 000).
    #[uniffi(default)]
    pub limit: Option<u32>,
}

impl AuditQuery {
    fn into_core(self) -> Result<brandrail::AuditQuery, BrandrailError> {
        Ok(brandrail::AuditQuery {
            principal: self.principal,
            entity_type: self.entity_type,
            entity_id: self.entity_id,
            action: self.action,
            outcome: self.outcome.map(Into::into),
            since: utc_opt("since", self.since)?,
            until: utc_opt("until", self.until)?,
            after_seq: self.after_seq,
            limit: self.limit,
        })
    }
}

/// The result of walking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AuditVerification {
    /// True when every record and the chain head check out.
    pub ok: bool,
    /// The first record that failed (for a removed tail: the first missing one).
    pub first_bad_seq: Option<i64>,
    /// Records read.
    pub records_checked: u64,
    /// What failed there.
    pub problem: Option<String>,
    /// Sequence number of the newest record.
    pub head_seq: i64,
    /// Hash (hex) of the newest record; store it elsewhere to anchor the chain.
    pub head_hash: String,
}

impl From<brandrail::AuditVerification> for AuditVerification {
    fn from(v: brandrail::AuditVerification) -> Self {
        Self {
            ok: v.ok,
            first_bad_seq: v.first_bad_seq,
            records_checked: v.records_checked,
            problem: v.problem,
            head_seq: v.head_seq,
            head_hash: v.head_hash,
        }
    }
}

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupReport {
    /// The backup file.
    pub path: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// Audit records it holds.
    pub records: u64,
    /// Newest audit sequence number it holds.
    pub head_seq: i64,
    /// Always true: a copy whose chain does not verify is deleted and reported
    /// as an error instead.
    pub verified: bool,
    /// Wall time taken.
    pub took: Duration,
}

impl From<brandrail::BackupReport> for BackupReport {
    fn from(r: brandrail::BackupReport) -> Self {
        Self {
            path: r.path.to_string_lossy().into_owned(),
            bytes: r.bytes,
            records: r.records,
            head_seq: r.head_seq,
            verified: r.verified,
            took: r.took,
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RestoreReport {
    /// Audit records restored.
    pub records: u64,
    /// Newest restored audit sequence number (before the restore's own record).
    pub head_seq: i64,
    /// Wall time taken.
    pub took: Duration,
    /// Whether it finished within the policy's recovery time objective.
    pub within_rto: bool,
}

impl From<brandrail::RestoreReport> for RestoreReport {
    fn from(r: brandrail::RestoreReport) -> Self {
        Self {
            records: r.records,
            head_seq: r.head_seq,
            took: r.took,
            within_rto: r.within_rto,
        }
    }
}

/// Where the backup schedule stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct BackupStatus {
    /// The newest backup, if any was taken.
    pub last_backup_at: Option<SystemTime>,
    /// When the next one is due.
    pub next_due_at: SystemTime,
    /// True when it is due (or none was ever taken).
    pub overdue: bool,
}

impl From<brandrail::BackupStatus> for BackupStatus {
    fn from(s: brandrail::BackupStatus) -> Self {
        Self {
            last_backup_at: system_time_opt(s.last_backup_at),
            next_due_at: system_time(s.next_due_at),
            overdue: s.overdue,
        }
    }
}

#[uniffi::export]
impl Engine {
    /// Walk the whole audit chain and report the first broken record (AUD-1).
    /// Reads only; needs no principal. Blocks for the length of the log; see
    /// `verifyAuditAsync`.
    pub fn verify_audit(&self) -> Result<AuditVerification, BrandrailError> {
        Ok(self.core().verify_audit()?.into())
    }

    /// `verifyAudit` on a worker thread: awaiting it never blocks the caller's
    /// thread.
    pub async fn verify_audit_async(&self) -> Result<AuditVerification, BrandrailError> {
        self.in_background(|engine| Ok(engine.verify_audit()?.into()))
            .await
    }

    /// Records matching `query` (AUD-4; `actor` needs `audit.read`). A refusal
    /// is itself recorded.
    pub fn audit_query(
        &self,
        actor: &str,
        query: AuditQuery,
    ) -> Result<Vec<AuditRecord>, BrandrailError> {
        let query = query.into_core()?;
        Ok(self
            .core()
            .audit_query(actor, &query)?
            .into_iter()
            .map(AuditRecord::from)
            .collect())
    }

    /// Number of records in the audit log.
    pub fn audit_len(&self) -> Result<i64, BrandrailError> {
        Ok(self.core().audit_len()?)
    }

    /// Write a verified copy of the whole database to `path`, which must not
    /// exist (AUD-3; `actor` needs `audit.backup`). Other processes may keep
    /// writing meanwhile; calls on this handle wait until the copy is done.
    pub fn backup_to(&self, actor: &str, path: &str) -> Result<BackupReport, BrandrailError> {
        Ok(self.core().backup_to(actor, path)?.into())
    }

    /// `backupTo` on a worker thread: awaiting it never blocks the caller's thread.
    pub async fn backup_to_async(
        &self,
        actor: String,
        path: String,
    ) -> Result<BackupReport, BrandrailError> {
        self.in_background(move |engine| Ok(engine.backup_to(&actor, &path)?.into()))
            .await
    }

    /// Replace the whole database with the backup at `path` (AUD-3; `actor`
    /// needs `audit.restore` now). The backup must be a brandrail database
    /// whose audit chain verifies, else `Integrity` / `IncompatibleDatabase`
    /// and nothing changes. The restore is recorded in the restored log.
    pub fn restore_from(&self, actor: &str, path: &str) -> Result<RestoreReport, BrandrailError> {
        Ok(self.core().restore_from(actor, path)?.into())
    }

    /// `restoreFrom` on a worker thread: awaiting it never blocks the caller's thread.
    pub async fn restore_from_async(
        &self,
        actor: String,
        path: String,
    ) -> Result<RestoreReport, BrandrailError> {
        self.in_background(move |engine| Ok(engine.restore_from(&actor, &path)?.into()))
            .await
    }

    /// The backup schedule as of `as_of` (default: the engine clock's now),
    /// from the policy's `backup_interval_hours`.
    #[uniffi::method(default(as_of = None))]
    pub fn backup_status(&self, as_of: Option<SystemTime>) -> Result<BackupStatus, BrandrailError> {
        let as_of = match as_of {
            Some(t) => utc("as_of", t)?,
            None => self.core().now(),
        };
        Ok(self.core().backup_status(as_of)?.into())
    }
}
