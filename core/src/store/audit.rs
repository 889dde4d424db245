//! SQL of the audit log: append, verify, query, head.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, ToSql, params};

use super::{from_ms, to_ms};
use crate::audit::{
    AuditQuery, AuditRecord, AuditVerification, Entry, GENESIS, HashInput, Outcome, record_hash,
};
use crate::error::{Error, Result};

const HEAD_KEY: &str = "audit_head";

/// Appends records within one transaction, reading the chain's tail once and
/// writing the recorded head once, however many records the transaction adds.
#[derive(Debug)]
pub(crate) struct Appender {
    prev_seq: i64,
    prev_hash: [u8; 32],
    prev_at_ms: i64,
    dirty: bool,
}

impl Appender {
    /// Start at the current tail of the chain.
    pub(crate) fn start(conn: &Connection) -> Result<Appender> {
        let row: Option<(i64, Vec<u8>, i64)> = conn
            .prepare_cached("SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1")?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .optional()?;
        let (prev_seq, prev_hash, prev_at_ms) = match row {
            None => (0, GENESIS, i64::MIN),
            Some((seq, hash, at)) => {
                let hash: [u8; 32] = hash.try_into().map_err(|_| Error::Integrity {
                    seq,
                    message: "stored hash is not 32 bytes".into(),
                })?;
                (seq, hash, at)
            }
        };
        Ok(Appender {
            prev_seq,
            prev_hash,
            prev_at_ms,
            dirty: false,
        })
    }

    /// Append one record; returns its sequence number. Times never go backwards
    /// along the chain (a clock that did is clamped to the previous record's
    /// time), so time ranges map to sequence ranges.
    pub(crate) fn append(
        &mut self,
        conn: &Connection,
        at: DateTime<Utc>,
        entry: &Entry,
    ) -> Result<i64> {
        let seq = self.prev_seq + 1;
        let at_ms = to_ms(at).max(self.prev_at_ms);
        let hash = record_hash(
            &self.prev_hash,
            &HashInput {
                seq,
                at_ms,
                principal: entry.principal.as_bytes(),
                action: entry.action.as_bytes(),
                entity_type: entry.entity_type.as_bytes(),
                entity_id: entry.entity_id.as_bytes(),
                outcome: entry.outcome.as_str().as_bytes(),
                detail: entry.detail.as_bytes(),
                before: entry.before.as_ref().map(|d| d.as_slice()),
                after: entry.after.as_ref().map(|d| d.as_slice()),
            },
        );
        conn.prepare_cached(
            "INSERT INTO audit_log (seq, at, principal, action, entity_type, entity_id, outcome, \
             detail, before_digest, after_digest, prev_hash, hash) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?
        .execute(params![
            seq,
            at_ms,
            entry.principal,
            entry.action,
            entry.entity_type,
            entry.entity_id,
            entry.outcome.as_str(),
            entry.detail,
            entry.before.as_ref().map(|d| d.as_slice()),
            entry.after.as_ref().map(|d| d.as_slice()),
            self.prev_hash.as_slice(),
            hash.as_slice(),
        ])?;
        self.prev_seq = seq;
        self.prev_hash = hash;
        self.prev_at_ms = at_ms;
        self.dirty = true;
        Ok(seq)
    }

    /// Record the new head; call before the transaction commits.
    pub(crate) fn finish(self, conn: &Connection) -> Result<()> {
        if !self.dirty {
            return Ok(());
        }
        let mut head = Vec::with_capacity(40);
        head.extend_from_slice(&self.prev_seq.to_le_bytes());
        head.extend_from_slice(&self.prev_hash);
        conn.prepare_cached("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)")?
            .execute(params![HEAD_KEY, head])?;
        Ok(())
    }
}

/// Append one record in its own appender (single-record transactions).
pub(crate) fn append(conn: &Connection, at: DateTime<Utc>, entry: &Entry) -> Result<i64> {
    let mut appender = Appender::start(conn)?;
    let seq = appender.append(conn, at, entry)?;
    appender.finish(conn)?;
    Ok(seq)
}

/// The recorded chain head (sequence, hash), if any record was ever appended.
fn recorded_head(conn: &Connection) -> Result<Option<(i64, Vec<u8>)>> {
    let value: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [HEAD_KEY], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(value.and_then(|v| {
        (v.len() == 40).then(|| {
            let mut seq = [0u8; 8];
            seq.copy_from_slice(&v[..8]);
            (i64::from_le_bytes(seq), v[8..].to_vec())
        })
    }))
}

/// Walk the whole chain. Reads only.
pub(crate) fn verify(conn: &Connection) -> Result<AuditVerification> {
    let mut stmt = conn.prepare(
        "SELECT seq, at, principal, action, entity_type, entity_id, outcome, detail, \
         before_digest, after_digest, prev_hash, hash FROM audit_log ORDER BY seq",
    )?;
    let mut rows = stmt.query([])?;
    let mut expected_seq = 1i64;
    let mut prev: [u8; 32] = GENESIS;
    let mut prev_at = i64::MIN;
    let mut checked = 0u64;
    let mut failure: Option<(i64, String)> = None;
    while let Some(row) = rows.next()? {
        let seq: i64 = row.get(0)?;
        let text = |i: usize| -> Result<&[u8]> {
            row.get_ref(i)?.as_bytes().map_err(|_| Error::Integrity {
                seq,
                message: format!("column {i} is not text"),
            })
        };
        let blob = |i: usize| -> Result<Option<&[u8]>> {
            row.get_ref(i)?
                .as_blob_or_null()
                .map_err(|_| Error::Integrity {
                    seq,
                    message: format!("column {i} is not a blob"),
                })
        };
        let checked_row = (|| -> Result<Option<String>> {
            if seq != expected_seq {
                return Ok(Some(if seq > expected_seq {
                    format!("record {expected_seq} is missing (next is {seq})")
                } else {
                    format!("record out of order (expected {expected_seq})")
                }));
            }
            let at: i64 = row.get(1)?;
            if at < prev_at {
                return Ok(Some(
                    "record is dated before the record preceding it".into(),
                ));
            }
            prev_at = at;
            let stored_prev = blob(10)?.unwrap_or_default();
            if stored_prev != prev {
                return Ok(Some(
                    "previous-hash link does not match the record before".into(),
                ));
            }
            let computed = record_hash(
                &prev,
                &HashInput {
                    seq,
                    at_ms: at,
                    principal: text(2)?,
                    action: text(3)?,
                    entity_type: text(4)?,
                    entity_id: text(5)?,
                    outcome: text(6)?,
                    detail: text(7)?,
                    before: blob(8)?,
                    after: blob(9)?,
                },
            );
            let stored = blob(11)?.unwrap_or_default();
            if stored != computed {
                return Ok(Some(
                    "record content does not match its hash (edited)".into(),
                ));
            }
            prev = computed;
            Ok(None)
        })();
        match checked_row {
            Ok(None) => {}
            Ok(Some(problem)) => {
                failure = Some((expected_seq.min(seq.max(1)), problem));
                break;
            }
            Err(Error::Integrity { message, .. }) => {
                failure = Some((seq, message));
                break;
            }
            Err(e) => return Err(e),
        }
        checked += 1;
        expected_seq += 1;
    }
    drop(rows);
    let last_seq = expected_seq - 1;
    if failure.is_none() {
        match recorded_head(conn)? {
            Some((head_seq, head_hash)) => {
                if head_seq > last_seq {
                    failure = Some((
                        last_seq + 1,
                        format!("records {} to {head_seq} were removed", last_seq + 1),
                    ));
                } else if head_seq < last_seq {
                    failure = Some((
                        head_seq + 1,
                        "records after the recorded head were added outside the engine".into(),
                    ));
                } else if head_hash != prev {
                    failure = Some((
                        last_seq,
                        "newest record differs from the recorded head".into(),
                    ));
                }
            }
            None if last_seq > 0 => {
                failure = Some((1, "the chain head record is missing".into()));
            }
            None => {}
        }
    }
    Ok(AuditVerification {
        ok: failure.is_none(),
        records_checked: checked,
        first_bad_seq: failure.as_ref().map(|f| f.0),
        problem: failure.map(|f| f.1),
        head_seq: last_seq,
        head_hash: hex::encode(prev),
    })
}

/// Records matching `q`, in sequence order.
pub(crate) fn query(conn: &Connection, q: &AuditQuery) -> Result<Vec<AuditRecord>> {
    let mut sql = String::from(
        "SELECT seq, at, principal, action, entity_type, entity_id, outcome, detail, \
         before_digest, after_digest, prev_hash, hash FROM audit_log WHERE 1 = 1",
    );
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let mut add = |clause: &str, value: Box<dyn ToSql>| {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(p) = &q.principal {
        add(" AND principal = ?", Box::new(p.clone()));
    }
    if let Some(t) = &q.entity_type {
        add(" AND entity_type = ?", Box::new(t.clone()));
    }
    if let Some(id) = &q.entity_id {
        add(" AND entity_id = ?", Box::new(id.clone()));
    }
    if let Some(a) = &q.action {
        if let Some(prefix) = a.strip_suffix('.') {
            // Range scan: every action that starts with "prefix.".
            add(" AND action >= ?", Box::new(format!("{prefix}.")));
            add(" AND action < ?", Box::new(format!("{prefix}/")));
        } else {
            add(" AND action = ?", Box::new(a.clone()));
        }
    }
    if let Some(o) = q.outcome {
        add(" AND outcome = ?", Box::new(o.as_str()));
    }
    // Times are non-decreasing along the chain, so a time bound is a sequence
    // bound found by binary search; the `at` condition stays for exactness.
    if let Some(from) = q.since {
        if let Some(seq) = first_seq_at_or_after(conn, to_ms(from))? {
            add(" AND seq >= ?", Box::new(seq));
        }
        add(" AND at >= ?", Box::new(to_ms(from)));
    }
    if let Some(to) = q.until {
        if let Some(seq) = first_seq_at_or_after(conn, to_ms(to))? {
            add(" AND seq < ?", Box::new(seq));
        }
        add(" AND at < ?", Box::new(to_ms(to)));
    }
    if let Some(after) = q.after_seq {
        add(" AND seq > ?", Box::new(after));
    }
    let limit = q
        .limit
        .unwrap_or(AuditQuery::DEFAULT_LIMIT)
        .min(AuditQuery::MAX_LIMIT);
    add(" ORDER BY seq LIMIT ?", Box::new(limit));
    let mut stmt = conn.prepare(&sql)?;
    let params: Vec<&dyn ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let mut rows = stmt.query(params.as_slice())?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let seq: i64 = r.get(0)?;
        let outcome: String = r.get(6)?;
        let hexed = |v: Option<Vec<u8>>| v.map(hex::encode);
        out.push(AuditRecord {
            seq,
            at: from_ms(r.get(1)?)?,
            principal: r.get(2)?,
            action: r.get(3)?,
            entity_type: r.get(4)?,
            entity_id: r.get(5)?,
            outcome: outcome.parse::<Outcome>().map_err(|_| Error::Integrity {
                seq,
                message: "unknown outcome".into(),
            })?,
            detail: r.get(7)?,
            before_digest: hexed(r.get(8)?),
            after_digest: hexed(r.get(9)?),
            prev_hash: hex::encode(r.get::<_, Vec<u8>>(10)?),
            hash: hex::encode(r.get::<_, Vec<u8>>(11)?),
        });
    }
    Ok(out)
}

/// The first sequence number whose time is at or after `at_ms` (one past the
/// end when none is), by binary search over the sequence. `None` when the
/// sequence has a gap (only a tampered log has one): then no bound is used.
fn first_seq_at_or_after(conn: &Connection, at_ms: i64) -> Result<Option<i64>> {
    let head: Option<i64> = conn.query_row("SELECT max(seq) FROM audit_log", [], |r| r.get(0))?;
    let (mut lo, mut hi) = (1i64, head.unwrap_or(0) + 1);
    let mut stmt = conn.prepare_cached("SELECT at FROM audit_log WHERE seq = ?1")?;
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let at: Option<i64> = stmt.query_row([mid], |r| r.get(0)).optional()?;
        match at {
            Some(t) if t >= at_ms => hi = mid,
            Some(_) => lo = mid + 1,
            None => return Ok(None),
        }
    }
    Ok(Some(lo))
}

/// Number of records.
pub(crate) fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?)
}

/// Record a backup run.
pub(crate) fn record_backup(
    conn: &Connection,
    at: DateTime<Utc>,
    principal: &str,
    head_seq: i64,
    bytes: u64,
) -> Result<()> {
    conn.execute(
        "INSERT INTO backup_run (at, principal, head_seq, bytes) VALUES (?1, ?2, ?3, ?4)",
        params![
            to_ms(at),
            principal,
            head_seq,
            i64::try_from(bytes).unwrap_or(i64::MAX)
        ],
    )?;
    Ok(())
}

/// When the newest backup was taken.
pub(crate) fn last_backup_at(conn: &Connection) -> Result<Option<DateTime<Utc>>> {
    let ms: Option<i64> = conn.query_row("SELECT max(at) FROM backup_run", [], |r| r.get(0))?;
    super::opt_from_ms(ms)
}
