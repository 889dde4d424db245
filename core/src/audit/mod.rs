//! The tamper-evident audit log (AUD-1..AUD-4).
//!
//! Every mutation and every denied attempt appends one record in the same
//! transaction as the change. Each record carries the SHA-256 hash of its own
//! fields and of the previous record's hash, so editing, removing, inserting or
//! reordering any record breaks the chain at that point; [`Engine::verify_audit`]
//! finds the first broken record. The newest record's sequence and hash are also
//! kept as the chain head, so cutting records off the end is caught too, and
//! hosts can anchor the head elsewhere for stronger guarantees.
//!
//! Records hold identifiers and digests only, never personal values (AUD-2).
//!
//! [`Engine::verify_audit`]: crate::Engine::verify_audit

mod backup;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub use backup::{BackupReport, BackupStatus, RestoreReport};

/// Hash before the first record.
pub(crate) const GENESIS: [u8; 32] = [0; 32];

crate::access::named_enum! {
    /// Whether the recorded attempt went through.
    Outcome, "outcome" {
        /// The mutation was applied.
        Applied => "applied",
        /// The attempt was refused (ACC-4, APR-3).
        Denied => "denied",
    }
}

/// One record of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When it happened (engine clock, UTC).
    pub at: DateTime<Utc>,
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

/// A record about to be appended (the store adds sequence, time and hashes).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub principal: String,
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub outcome: Outcome,
    pub detail: String,
    pub before: Option<[u8; 32]>,
    pub after: Option<[u8; 32]>,
}

impl Entry {
    /// An applied change of `entity_type`/`entity_id` by `principal`.
    pub(crate) fn applied(
        principal: &str,
        action: &'static str,
        entity_type: &'static str,
        entity_id: &str,
    ) -> Entry {
        Entry {
            principal: principal.to_owned(),
            action,
            entity_type,
            entity_id: entity_id.to_owned(),
            outcome: Outcome::Applied,
            detail: String::new(),
            before: None,
            after: None,
        }
    }

    /// Digest of the entity's state before the change.
    pub(crate) fn before<T: Serialize + ?Sized>(mut self, state: &T) -> Entry {
        self.before = Some(digest_of(state));
        self
    }

    /// Digest of the entity's state after the change.
    pub(crate) fn after<T: Serialize + ?Sized>(mut self, state: &T) -> Entry {
        self.after = Some(digest_of(state));
        self
    }

    /// Digests computed elsewhere.
    pub(crate) fn digests(mut self, before: Option<[u8; 32]>, after: Option<[u8; 32]>) -> Entry {
        self.before = before;
        self.after = after;
        self
    }

    /// A non-personal detail text.
    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Entry {
        self.detail = detail.into();
        self
    }
}

/// The fields a record's hash covers, borrowed from wherever they live.
pub(crate) struct HashInput<'a> {
    pub seq: i64,
    pub at_ms: i64,
    pub principal: &'a [u8],
    pub action: &'a [u8],
    pub entity_type: &'a [u8],
    pub entity_id: &'a [u8],
    pub outcome: &'a [u8],
    pub detail: &'a [u8],
    pub before: Option<&'a [u8]>,
    pub after: Option<&'a [u8]>,
}

/// SHA-256 over the previous hash and every field, each length-prefixed so no
/// two different records encode alike.
pub(crate) fn record_hash(prev: &[u8], r: &HashInput<'_>) -> [u8; 32] {
    fn field(buf: &mut Vec<u8>, bytes: &[u8]) {
        buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        buf.extend_from_slice(bytes);
    }
    fn optional(buf: &mut Vec<u8>, bytes: Option<&[u8]>) {
        match bytes {
            None => buf.push(0),
            Some(b) => {
                buf.push(1);
                field(buf, b);
            }
        }
    }
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    // One contiguous encoding, hashed in one pass: cheaper than a dozen small
    // hasher updates, and verify runs this for every record.
    BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        buf.extend_from_slice(b"brandrail-audit-v1");
        field(&mut buf, prev);
        buf.extend_from_slice(&r.seq.to_le_bytes());
        buf.extend_from_slice(&r.at_ms.to_le_bytes());
        for f in [
            r.principal,
            r.action,
            r.entity_type,
            r.entity_id,
            r.outcome,
            r.detail,
        ] {
            field(&mut buf, f);
        }
        optional(&mut buf, r.before);
        optional(&mut buf, r.after);
        let digest = Sha256::digest(&buf[..]).into();
        if buf.capacity() > 64 * 1024 {
            *buf = Vec::new();
        }
        digest
    })
}

/// SHA-256 of a value's JSON serialization. Field order is the type's
/// declaration order, so equal values of one type give equal digests. The JSON
/// is written into a reused per-thread buffer and hashed in one pass (many
/// small hasher updates cost more than the copy).
pub(crate) fn digest_of<T: Serialize + ?Sized>(value: &T) -> [u8; 32] {
    #[cfg(feature = "bench-internals")]
    if crate::bench_internals::audit_off() {
        return [0; 32];
    }
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|buf| {
        let mut buf = buf.borrow_mut();
        buf.clear();
        // Our state types always serialize; a failure would leave a partial
        // encoding, which still identifies the input deterministically.
        let _ = serde_json::to_writer(&mut *buf, value);
        let digest = Sha256::digest(&buf[..]).into();
        if buf.capacity() > 64 * 1024 {
            *buf = Vec::new();
        }
        digest
    })
}

pub(crate) fn digest_json(value: &serde_json::Value) -> [u8; 32] {
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    Sha256::digest(&bytes).into()
}

/// The result of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    /// True when every record and the head check out.
    pub ok: bool,
    /// Records read.
    pub records_checked: u64,
    /// The first record that failed (for a removed tail: the first missing one).
    pub first_bad_seq: Option<i64>,
    /// What failed there.
    pub problem: Option<String>,
    /// Sequence of the newest record.
    pub head_seq: i64,
    /// Hash (hex) of the newest record; store it elsewhere to anchor the chain.
    pub head_hash: String,
}

/// Filters for [`Engine::audit_query`](crate::Engine::audit_query). All set
/// filters must match; results come in sequence order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only records of this principal.
    pub principal: Option<String>,
    /// Only records about this entity type.
    pub entity_type: Option<String>,
    /// Only records about this entity id (with or without `entity_type`).
    pub entity_id: Option<String>,
    /// Only this action (exact), or all actions under a prefix ending in `.`
    /// (`principal.` matches `principal.create`, `principal.deactivate`, …).
    pub action: Option<String>,
    /// Only applied or only denied attempts.
    pub outcome: Option<Outcome>,
    /// At or after this instant.
    pub since: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Only records with a larger sequence number (for paging).
    pub after_seq: Option<i64>,
    /// At most this many records (default 1 000, at most 100 000).
    pub limit: Option<u32>,
}

impl AuditQuery {
    /// The default page size.
    pub const DEFAULT_LIMIT: u32 = 1_000;
    /// The largest page size.
    pub const MAX_LIMIT: u32 = 100_000;
}
