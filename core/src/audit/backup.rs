//! Backups and restore (AUD-3): online copies of the whole database that are
//! verified after writing, a schedule from the policy, and a restore that checks
//! the backup's audit chain before it replaces anything.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::Entry;
use crate::error::{Error, Result};
use crate::store::{self, Store};
use crate::{Attempt, Engine, Permission};

/// What a backup wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The backup file.
    pub path: PathBuf,
    /// Its size.
    pub bytes: u64,
    /// Audit records it holds.
    pub records: u64,
    /// Newest audit sequence it holds.
    pub head_seq: i64,
    /// Always true: a copy whose chain does not verify is deleted and reported
    /// as an error instead.
    pub verified: bool,
    /// Wall time taken.
    pub took: Duration,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// Audit records restored.
    pub records: u64,
    /// Newest restored audit sequence (before the restore's own record).
    pub head_seq: i64,
    /// Wall time taken.
    pub took: Duration,
    /// Whether it finished within the policy's recovery time objective.
    pub within_rto: bool,
}

/// Where the backup schedule stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupStatus {
    /// The newest backup, if any was taken.
    pub last_backup_at: Option<DateTime<Utc>>,
    /// When the next one is due.
    pub next_due_at: DateTime<Utc>,
    /// True when it is due now (or none was ever taken).
    pub overdue: bool,
}

impl Engine {
    /// Write a verified copy of the whole database to `dest` (AUD-3; needs
    /// `audit.backup`). `dest` must not exist. Other processes may keep writing
    /// meanwhile. Recorded in the log after the copy is verified.
    pub fn backup_to(&self, actor: &str, dest: impl AsRef<Path>) -> Result<BackupReport> {
        self.backup_to_with_progress(actor, dest, &mut |_, _| {})
    }

    /// [`Engine::backup_to`] reporting `(pages_done, pages_total)` as it goes.
    pub fn backup_to_with_progress(
        &self,
        actor: &str,
        dest: impl AsRef<Path>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<BackupReport> {
        let dest = dest.as_ref();
        let started = Instant::now();
        // Authorize first (a refusal is recorded), so nothing is copied for nobody.
        self.mutate(
            actor,
            Permission::AuditBackup,
            Attempt::new("audit.backup", "database", "main"),
            |_| Ok(()),
        )?;
        if dest.exists() {
            return Err(Error::conflict(
                "backup",
                dest.display().to_string(),
                "destination exists; choose a new file",
            ));
        }
        let partial = partial_path(dest);
        let _ = std::fs::remove_file(&partial);
        let copied = self.lock().backup_to(&partial, progress);
        let checked = copied.and_then(|()| {
            let copy = Store::open_read_only(&partial)?;
            let v = store::audit::verify(copy.conn())?;
            if !v.ok {
                return Err(Error::Integrity {
                    seq: v.first_bad_seq.unwrap_or(0),
                    message: format!(
                        "the copy does not verify: {}",
                        v.problem.unwrap_or_default()
                    ),
                });
            }
            Ok(v)
        });
        let verification = match checked {
            Ok(v) => v,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        std::fs::rename(&partial, dest).map_err(|e| Error::io(dest.display(), e))?;
        let bytes = std::fs::metadata(dest)
            .map_err(|e| Error::io(dest.display(), e))?
            .len();
        self.mutate(
            actor,
            Permission::AuditBackup,
            Attempt::new("audit.backup", "database", "main"),
            |ctx| {
                store::audit::record_backup(
                    ctx.tx,
                    ctx.now,
                    &ctx.actor.handle,
                    verification.head_seq,
                    bytes,
                )?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "audit.backup", "database", "main")
                        .with_detail(format!("head_seq={} bytes={bytes}", verification.head_seq)),
                )
            },
        )?;
        Ok(BackupReport {
            path: dest.to_path_buf(),
            bytes,
            records: verification.records_checked,
            head_seq: verification.head_seq,
            verified: true,
            took: started.elapsed(),
        })
    }

    /// Replace the whole database with the backup at `src` (AUD-3; needs
    /// `audit.restore` now). The backup must be a brandrail database whose
    /// audit chain verifies, else [`Error::Integrity`] and nothing changes. The
    /// restore is then recorded in the restored log.
    pub fn restore_from(&self, actor: &str, src: impl AsRef<Path>) -> Result<RestoreReport> {
        self.restore_from_with_progress(actor, src, &mut |_, _| {})
    }

    /// [`Engine::restore_from`] reporting `(pages_done, pages_total)`.
    pub fn restore_from_with_progress(
        &self,
        actor: &str,
        src: impl AsRef<Path>,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<RestoreReport> {
        let src = src.as_ref();
        let started = Instant::now();
        self.mutate(
            actor,
            Permission::AuditRestore,
            Attempt::new("audit.restore", "database", "main"),
            |_| Ok(()),
        )?;
        let verification = {
            let backup = Store::open_read_only(src)?;
            store::audit::verify(backup.conn())?
        };
        if !verification.ok {
            return Err(Error::Integrity {
                seq: verification.first_bad_seq.unwrap_or(0),
                message: format!(
                    "the backup's audit chain is broken: {}",
                    verification.problem.unwrap_or_default()
                ),
            });
        }
        self.lock().restore_from(src, progress)?;
        let took = started.elapsed();
        let rto_hours = self.policy()?.audit.recovery_time_objective_hours;
        let within_rto = took <= Duration::from_secs(u64::from(rto_hours) * 3600);
        let now = self.now();
        // The actor may not exist in the restored data; the record names it anyway.
        self.lock().write(|tx| {
            store::audit::append(
                tx,
                now,
                &Entry::applied(
                    &crate::audit_safe(actor),
                    "audit.restore",
                    "database",
                    "main",
                )
                .with_detail(format!(
                    "head_seq={} took_ms={}",
                    verification.head_seq,
                    took.as_millis()
                )),
            )
        })?;
        Ok(RestoreReport {
            records: verification.records_checked,
            head_seq: verification.head_seq,
            took,
            within_rto,
        })
    }

    /// The backup schedule as of `as_of` (the policy's `backup_interval_hours`).
    pub fn backup_status(&self, as_of: DateTime<Utc>) -> Result<BackupStatus> {
        self.read(|tx, policy| {
            let last = store::audit::last_backup_at(tx)?;
            let interval = chrono::Duration::hours(i64::from(policy.audit.backup_interval_hours));
            let next_due_at = last.map_or(as_of, |l| l + interval);
            Ok(BackupStatus {
                last_backup_at: last,
                next_due_at,
                overdue: next_due_at <= as_of,
            })
        })
    }
}

fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    dest.with_file_name(name)
}
