//! Customers (CRM). This module grows with the CRM issue; today it holds:
//! - CRM-1 ingest: batches of customer records from any department, identities
//!   cleaned (`normalize.rs`), a per-row report of what was refused while the
//!   good rows land, every source record kept;
//! - CRM-2 exact-identity deduplication: a record whose identities belong to
//!   one or more known customers updates that customer, merging several into
//!   the oldest (each merge recorded and audited); fuzzy candidates by name,
//!   address and birth date, manual merges and "distinct" marks (`fuzzy.rs`);
//! - CRM-5 minimization: only the policy's general-class profile fields are
//!   accepted; refused fields (national ID…) are refused row by row;
//! - CRM-6 encryption at rest: identity values, names and source records are
//!   sealed with the host's key, looked up through a keyed blind index; reads
//!   mask identities and general fields for principals without
//!   `crm.read_sensitive`;
//! - CRM-3 interactions, purchases and click-path funnels (`interactions.rs`);
//! - CRM-7 export and erasure, CRM-8 consent (`privacy.rs`);
//! - CRM-4 segments as data (`rule.rs`), materialized and refreshed
//!   incrementally, personas, lifecycle stages and community tiers
//!   (`segments.rs`; the evaluation's SQL is `store/segments.rs`);
//! - CRM-11 RFM, repurchase rate, LTV and CAC (`value.rs`);
//! - CRM-9 service tickets, auto-answers, routing, satisfaction
//!   (`service.rs`); CRM-10 mentions, alerts, escalation, crisis cases
//!   (`opinion.rs`); their SQL is `store/service.rs`.

mod fuzzy;
mod interactions;
mod normalize;
mod opinion;
mod privacy;
pub mod rule;
pub(crate) mod segments;
mod service;
mod value;

pub use interactions::{
    Funnel, FunnelStep, Interaction, InteractionKind, InteractionReport, NewInteraction,
    PurchaseSummary,
};

pub use fuzzy::{CandidateReport, DuplicateCandidate, MAX_BLOCK, MAX_CANDIDATES, MatchReason};
pub use opinion::{AlertSeverity, Crisis, MAX_MENTIONS, MentionReport, NewMention, OpinionAlert};
pub use privacy::{Consent, ConsentChange, Erasure};
pub use rule::{
    ConsentCondition, EventCondition, FieldCondition, FieldOp, FieldValue, Rule, SpendCondition,
    Stage, Tier, Window,
};
pub use segments::{
    LifecycleDistribution, MAX_PAGE, Segment, SegmentDef, SegmentMember, SegmentOrigin,
    SegmentRefresh, Standing,
};
pub use service::{
    DepartmentCount, NewTicket, ServiceReport, Ticket, TicketCategory, TicketResponse, TicketState,
};
pub use value::{Rfm, ValueReport};

pub(crate) use interactions::open_amount;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::{Permission, named_enum};
use crate::audit::Entry;
use crate::crypto::NonceSeq;
use crate::error::{Error, Result};
use crate::{Attempt, Ctx, Engine, store, validate};

/// Most records in one ingest call.
pub const MAX_BATCH: usize = 1_000_000;
/// Most identities on one record.
const MAX_IDENTITIES: usize = 32;
/// Longest profile value, in characters.
const MAX_VALUE_CHARS: usize = 500;

named_enum! {
    /// The kinds of customer identity (CRM-1).
    IdentityKind, "identity kind" {
        /// A mainland mobile number.
        Phone => "phone",
        /// An e-mail address.
        Email => "email",
        /// A WeChat openid (per official account).
        WechatOpenid => "wechat_openid",
        /// A WeChat unionid (across the company's accounts).
        WechatUnionid => "wechat_unionid",
        /// A membership number.
        MemberId => "member_id",
        /// A POS loyalty card.
        PosCard => "pos_card",
    }
}

impl IdentityKind {
    /// The number the blind index stores for this kind. Written into files:
    /// never renumber a kind, only add new numbers.
    pub(crate) fn code(self) -> u8 {
        match self {
            IdentityKind::Phone => 1,
            IdentityKind::Email => 2,
            IdentityKind::WechatOpenid => 3,
            IdentityKind::WechatUnionid => 4,
            IdentityKind::MemberId => 5,
            IdentityKind::PosCard => 6,
        }
    }

    /// The kind stored as `code`.
    pub(crate) fn from_code(code: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == code)
    }
}

/// The context source records are sealed under.
const SOURCE_CONTEXT: &str = "customer.source";

/// What `open_identities` reads of a source record.
#[derive(serde::Deserialize)]
struct SourceIdentities {
    identities: Vec<(IdentityKind, String)>,
}

/// Open a customer's value rows: the identities that belong to each, in
/// kind order, then arrival, then key.
pub(crate) fn open_identities(
    key: &crate::crypto::SecretKey,
    rows: Vec<store::crm::IdentityRow>,
) -> Result<Vec<Identity>> {
    let corrupt = || Error::Corrupt {
        message: "a source record's identities are not valid".into(),
    };
    let mut out = Vec::new();
    for row in rows {
        let plain = key.open(SOURCE_CONTEXT, &row.sealed)?;
        let list = serde_json::from_slice::<SourceIdentities>(&plain)
            .map_err(|_| corrupt())?
            .identities;
        if list.len() != row.keys.len() {
            return Err(corrupt());
        }
        for (i, ((kind, value), (_, blind))) in list.into_iter().zip(&row.keys).enumerate() {
            if row.fresh & (1 << i) != 0 {
                out.push((kind, row.added_at, *blind, value));
            }
        }
    }
    out.sort_by(|a, b| (a.0.as_str(), a.1, a.2).cmp(&(b.0.as_str(), b.1, b.2)));
    Ok(out
        .into_iter()
        .map(|(kind, _, _, value)| Identity { kind, value })
        .collect())
}

/// A blind-index key: the keyed digest of a cleaned identity value, bound
/// to its kind (`SecretKey::blind_index`).
pub(crate) type Blind = [u8; 16];

/// One identity of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    /// Kind.
    pub kind: IdentityKind,
    /// The value (as given on input; cleaned, or masked, on output).
    pub value: String,
}

impl Identity {
    /// An identity of `kind`.
    pub fn new(kind: IdentityKind, value: impl Into<String>) -> Self {
        Identity {
            kind,
            value: value.into(),
        }
    }
}

/// One incoming customer record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerRecord {
    /// At least one identity.
    pub identities: Vec<Identity>,
    /// The customer's name, if known (sealed at rest).
    pub name: Option<String>,
    /// Profile fields: general-class ones (`crm.data_classes.general`:
    /// region, age band, habits, pain points, preferences, …), stored as
    /// given; and core-class ones that are not identities
    /// (`crm.data_classes.core`: address, birth date, …), sealed at rest.
    /// Values are trimmed with full-width forms folded; `birth_date` is
    /// cleaned to `YYYY-MM-DD`.
    pub profile: BTreeMap<String, String>,
    /// The declared purpose (a key of `crm.declared_purposes`) under which a
    /// refused field (national ID…) is given; it is then accepted, sealed,
    /// and the purpose recorded with the customer (CRM-5).
    pub purpose: Option<String>,
}

/// Why one row of a batch was refused; the row changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Index of the row in the batch.
    pub row: usize,
    /// The field at fault (`identities[0].phone`, `profile.national_id`, …).
    pub field: String,
    /// `validation` or `policy_violation`.
    pub code: String,
    /// What is wrong (never the refused value itself).
    pub message: String,
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    /// Rows given.
    pub rows: usize,
    /// New customers.
    pub created: usize,
    /// Rows that matched one known customer and updated it.
    pub updated: usize,
    /// Customers merged into another because a row joined their identities.
    pub merged: usize,
    /// For every row, the customer it landed on (`None` when refused).
    pub customer_ids: Vec<Option<i64>>,
    /// Rows that declared a purpose (CRM-5), recorded with their customer.
    pub purposes_declared: usize,
    /// The refused rows.
    pub errors: Vec<RowError>,
}

/// What undoing a merge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MergeUndone {
    /// The customer restored.
    pub customer_id: i64,
    /// The customer it had been merged into.
    pub survivor_id: i64,
    /// Identities moved back to it.
    pub identities_restored: usize,
}

/// A customer as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// Identifier (the surviving one after merges).
    pub id: i64,
    /// Identities, cleaned; masked without `crm.read_sensitive`.
    pub identities: Vec<Identity>,
    /// Name; masked without clearance.
    pub name: Option<String>,
    /// Profile fields, general and core class; each value `***` without
    /// clearance.
    pub profile: BTreeMap<String, String>,
    /// Customers merged into this one.
    pub merged_ids: Vec<i64>,
    /// Whether values are shown masked.
    pub masked: bool,
    /// First seen.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A record cleaned and ready to store.
struct Clean {
    identities: Vec<(IdentityKind, String, Blind)>,
    name: Option<String>,
    profile: BTreeMap<String, String>,
    /// Core-class profile fields, sealed at rest.
    core: BTreeMap<String, String>,
    /// The declared purpose and the refused fields it let in.
    purpose: Option<(String, Vec<String>)>,
}

/// Profile fields the policy accepts: general ones in clear, core ones that
/// are not identities (nor the purchases, which are interactions) sealed.
pub(crate) struct ProfileFields<'p> {
    general: BTreeSet<&'p str>,
    core: BTreeSet<&'p str>,
    refused: BTreeSet<&'p str>,
    purposes: &'p BTreeMap<String, crate::policy::DeclaredPurpose>,
}

impl<'p> ProfileFields<'p> {
    pub(crate) fn of(crm: &'p crate::policy::CrmPolicy) -> Self {
        ProfileFields {
            general: crm
                .data_classes
                .general
                .iter()
                .map(String::as_str)
                .collect(),
            core: crm
                .data_classes
                .core
                .iter()
                .map(String::as_str)
                .filter(|f| *f != "purchases" && f.parse::<IdentityKind>().is_err())
                .collect(),
            refused: crm.refused_fields.iter().map(String::as_str).collect(),
            purposes: &crm.declared_purposes,
        }
    }
}

/// The context core profile fields are sealed under.
const CORE_CONTEXT: &str = "customer.core";

/// Seal core profile fields (none: nothing to store).
fn seal_core(
    key: &crate::crypto::SecretKey,
    nonces: &mut NonceSeq,
    core: &BTreeMap<String, String>,
) -> Result<Option<Vec<u8>>> {
    if core.is_empty() {
        return Ok(None);
    }
    let json = serde_json::to_string(core).map_err(|e| Error::Corrupt {
        message: format!("core fields could not be encoded: {e}"),
    })?;
    key.seal_with(nonces, CORE_CONTEXT, json.as_bytes())
        .map(Some)
}

/// Open sealed core profile fields.
pub(crate) fn open_core(
    key: &crate::crypto::SecretKey,
    sealed: Option<&[u8]>,
) -> Result<BTreeMap<String, String>> {
    let Some(sealed) = sealed else {
        return Ok(BTreeMap::new());
    };
    let plain = key.open(CORE_CONTEXT, sealed)?;
    serde_json::from_slice(&plain).map_err(|_| Error::Corrupt {
        message: "sealed core fields are not valid".into(),
    })
}

fn clean(
    row: usize,
    r: &CustomerRecord,
    fields: &ProfileFields<'_>,
    key: &crate::crypto::SecretKey,
) -> std::result::Result<Clean, RowError> {
    let err = |field: String, code: &str, message: String| RowError {
        row,
        field,
        code: code.into(),
        message,
    };
    if r.identities.is_empty() || r.identities.len() > MAX_IDENTITIES {
        return Err(err(
            "identities".into(),
            "validation",
            format!(
                "needs 1 to {MAX_IDENTITIES} identities, got {}",
                r.identities.len()
            ),
        ));
    }
    let mut identities = Vec::with_capacity(r.identities.len());
    for (i, id) in r.identities.iter().enumerate() {
        let v = normalize::identity(id.kind, &id.value).map_err(|m| {
            err(
                format!("identities[{i}].{}", id.kind),
                "validation",
                m.into(),
            )
        })?;
        let blind = key.blind_index(id.kind.as_str(), v.as_bytes());
        if !identities
            .iter()
            .any(|(k, _, b)| *k == id.kind && *b == blind)
        {
            identities.push((id.kind, v, blind));
        }
    }
    if let Some(n) = &r.name {
        validate::display_text("name", n)
            .map_err(|e| err("name".into(), "validation", e.into_message()))?;
    }
    let purpose = match &r.purpose {
        None => None,
        Some(p) => Some((
            p,
            fields.purposes.get(p).ok_or_else(|| {
                err(
                    "purpose".into(),
                    "validation",
                    format!(
                        "not a declared purpose of the policy (crm.declared_purposes: {})",
                        fields
                            .purposes
                            .keys()
                            .cloned()
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?,
        )),
    };
    let mut allowed = Vec::new();
    let mut profile = BTreeMap::new();
    let mut core = BTreeMap::new();
    for (k, v) in &r.profile {
        let field = format!("profile.{}", validate::printable(k));
        if fields.refused.contains(k.as_str()) {
            if purpose.is_some_and(|(_, p)| p.allows.contains(k)) {
                allowed.push(k.clone());
            } else {
                return Err(err(
                    field,
                    "policy_violation",
                    match purpose {
                        Some((p, _)) => format!(
                            "CRM-5: this field is refused (data minimization); the declared purpose {p} does not allow it"
                        ),
                        None => "CRM-5: this field is refused (data minimization); no declared purpose allows it".into(),
                    },
                ));
            }
        }
        let sealed = fields.core.contains(k.as_str());
        if !sealed && !fields.general.contains(k.as_str()) {
            return Err(err(
                field,
                "validation",
                "not a profile field of the policy (crm.data_classes)".into(),
            ));
        }
        let chars = v.chars().count();
        if chars > MAX_VALUE_CHARS || v.chars().any(char::is_control) {
            return Err(err(
                field,
                "validation",
                format!("at most {MAX_VALUE_CHARS} characters, no control characters"),
            ));
        }
        let v = if k == "birth_date" {
            normalize::birth_date(v).map_err(|m| err(field.clone(), "validation", m.into()))?
        } else {
            normalize::text(v)
        };
        if v.is_empty() {
            return Err(err(field, "validation", "must not be empty".into()));
        }
        if sealed {
            core.insert(k.clone(), v);
        } else {
            profile.insert(k.clone(), v);
        }
    }
    Ok(Clean {
        identities,
        name: r.name.clone(),
        profile,
        core,
        purpose: purpose.map(|(p, _)| (p.clone(), allowed)),
    })
}

/// Rows prepared together, and looked up together, by an ingest: a second
/// thread prepares the next window while this one is written, and the
/// window's identities are looked up in key order, so the pages of the
/// blind index are read in order rather than at random.
/// (The unit tests shrink it so small batches cross every boundary.)
const WINDOW: usize = if cfg!(test) { 8 } else { 16_384 };

/// New blind-index keys an ingest holds back before writing them in key
/// order (about 40 MB at most): a large ingest then writes each page of the
/// index about once per flush, instead of once per key.
const FLUSH: usize = if cfg!(test) { 20 } else { 1 << 20 };

/// A blind-index key: the kind's code and the keyed digest.
type IdKey = (u8, Blind);

/// Hashes a blind-index key by its first eight bytes: they are already a
/// keyed digest, uniform and beyond an attacker's choosing.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn write(&mut self, bytes: &[u8]) {
        // The tuple hashes its code as one byte, then the digest's bytes.
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(b);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 ^= u64::from(i);
    }

    fn write_usize(&mut self, _: usize) {
        // The length of the fixed-size digest carries nothing.
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type KeyMap = HashMap<IdKey, i64, std::hash::BuildHasherDefault<KeyHasher>>;

/// Keys of the blind index that may exist: a Bloom filter built from one
/// scan of the index when an ingest brings about as many keys as the index
/// holds (their lookups would read most of its pages anyway). A key it
/// rules out is new without a lookup; a false positive (about 1 in 400)
/// costs only the lookup.
struct MaybeKnown {
    bits: Vec<u64>,
}

impl MaybeKnown {
    /// Bits per expected key, and probes per key.
    const BITS_PER_KEY: usize = 16;
    const PROBES: u64 = 4;

    fn with_capacity(keys: usize) -> Self {
        MaybeKnown {
            bits: vec![0; (keys.max(1) * Self::BITS_PER_KEY).div_ceil(64)],
        }
    }

    /// The bits `key` sets in a filter of `m` bits.
    fn probes(m: u64, (code, blind): &IdKey) -> impl Iterator<Item = usize> + use<> {
        let mut h1 = [0u8; 8];
        let mut h2 = [0u8; 8];
        h1.copy_from_slice(&blind[..8]);
        h2.copy_from_slice(&blind[8..]);
        let h1 = u64::from_le_bytes(h1) ^ u64::from(*code);
        let h2 = u64::from_le_bytes(h2) | 1;
        (0..Self::PROBES).map(move |i| (h1.wrapping_add(i.wrapping_mul(h2)) % m) as usize)
    }

    fn size(&self) -> u64 {
        (self.bits.len() * 64) as u64
    }

    fn insert(&mut self, key: &IdKey) {
        for p in Self::probes(self.size(), key) {
            self.bits[p / 64] |= 1 << (p % 64);
        }
    }

    fn may_hold(&self, key: &IdKey) -> bool {
        Self::probes(self.size(), key).all(|p| self.bits[p / 64] & (1 << (p % 64)) != 0)
    }
}

/// The blind-index keys an ingest has found new but not written yet, with
/// their customers; and, for the current window, the owners of its keys
/// already in the file.
#[derive(Default)]
struct Owners {
    pending: KeyMap,
    known: KeyMap,
    /// Keys that may be in the file (`None`: look every key up).
    filter: Option<MaybeKnown>,
}

impl Owners {
    /// Before an ingest of `rows` rows: when they are at least a quarter
    /// as many as the rows ingested before, scan the index once into a
    /// filter.
    fn for_ingest(ids: &mut store::crm::Statements<'_>, rows: usize) -> Result<Self> {
        let held = ids.sources_upper_bound()?;
        let filter = if rows.saturating_mul(4) >= held {
            // About three identities a row.
            let mut f = MaybeKnown::with_capacity(held.saturating_add(rows).saturating_mul(3));
            ids.each_identity_key(|k| f.insert(&k))?;
            Some(f)
        } else {
            None
        };
        let mut pending = KeyMap::default();
        // Room for the keys a call is likely to hold back (a one-row call
        // reserves a few entries, a large one its first flush and window).
        pending.reserve(rows.saturating_mul(3).min(FLUSH + 3 * WINDOW));
        Ok(Owners {
            pending,
            filter,
            ..Owners::default()
        })
    }

    /// The customer a key belongs to, as far as this ingest knows.
    fn get(&self, key: &IdKey) -> Option<i64> {
        self.pending
            .get(key)
            .or_else(|| self.known.get(key))
            .copied()
    }

    /// Look up, in key order, the owners of a window's keys that are not
    /// pending; what was known for the window before is dropped.
    fn look_up(
        &mut self,
        ids: &mut store::crm::Statements<'_>,
        window: &[std::result::Result<Prepared, RowError>],
    ) -> Result<()> {
        self.known.clear();
        let mut keys: Vec<(IdentityKind, Blind)> = window
            .iter()
            .flatten()
            .flat_map(|p| p.keys.iter().copied())
            .filter(|(k, b)| {
                let key = (k.code(), *b);
                !self.pending.contains_key(&key)
                    && self.filter.as_ref().is_none_or(|f| f.may_hold(&key))
            })
            .collect();
        keys.sort_unstable_by_key(|(k, b)| (k.code(), *b));
        keys.dedup();
        for (kind, blind) in keys {
            if let Some(id) = ids.owner(kind, &blind)? {
                self.known.insert((kind.code(), blind), id);
            }
        }
        Ok(())
    }

    /// Write the pending keys in key order, between windows (the next
    /// window looks them up in the file).
    fn flush(&mut self, ids: &mut store::crm::Statements<'_>) -> Result<()> {
        self.write_pending(ids).map(drop)
    }

    /// Write the pending keys in key order within a window: they stay known
    /// for the rest of it, whose keys were looked up before.
    fn flush_within_window(&mut self, ids: &mut store::crm::Statements<'_>) -> Result<()> {
        let written = self.write_pending(ids)?;
        self.known.extend(written);
        Ok(())
    }

    fn write_pending(&mut self, ids: &mut store::crm::Statements<'_>) -> Result<Vec<(IdKey, i64)>> {
        let mut sorted: Vec<_> = self.pending.drain().collect();
        sorted.sort_unstable();
        ids.insert_identities(&sorted)?;
        if let Some(f) = &mut self.filter {
            for (k, _) in &sorted {
                f.insert(k);
            }
        }
        Ok(sorted)
    }
}

/// A row cleaned and sealed, ready to write: only what the writing needs
/// (the clear identity values stay with the thread that prepared it).
struct Prepared {
    /// Blind-index keys of the identities, in the source record's order.
    keys: Vec<(IdentityKind, Blind)>,
    profile: BTreeMap<String, String>,
    /// `profile` as stored for a new customer.
    profile_json: String,
    /// Core-class fields in clear, for an update to merge with the old.
    core: BTreeMap<String, String>,
    /// The declared purpose and the refused fields it let in.
    purpose: Option<(String, Vec<String>)>,
    name: Option<Vec<u8>>,
    /// Sealed core fields of a new customer (an update merges with the old).
    core_sealed: Option<Vec<u8>>,
    source: Vec<u8>,
}

/// A source record as sealed: every value of the row, cleaned.
#[derive(Serialize)]
struct SourceRecord<'a> {
    identities: Vec<(&'a str, &'a str)>,
    name: &'a Option<String>,
    profile: BTreeMap<&'a String, &'a String>,
}

/// Clean and seal one row (no database access).
fn prepare(
    row: usize,
    r: &CustomerRecord,
    fields: &ProfileFields<'_>,
    key: &crate::crypto::SecretKey,
    nonces: &mut NonceSeq,
) -> std::result::Result<Prepared, RowError> {
    let c = clean(row, r, fields, key)?;
    let sealing = |e: Error| RowError {
        row,
        field: "record".into(),
        code: e.code().into(),
        message: e.into_message(),
    };
    let name = c
        .name
        .as_ref()
        .map(|n| key.seal_with(nonces, "customer.name", n.as_bytes()))
        .transpose()
        .map_err(sealing)?;
    let core_sealed = seal_core(key, nonces, &c.core).map_err(sealing)?;
    let source = serde_json::to_vec(&SourceRecord {
        identities: c
            .identities
            .iter()
            .map(|(k, v, _)| (k.as_str(), v.as_str()))
            .collect(),
        name: &c.name,
        profile: c.profile.iter().chain(&c.core).collect(),
    })
    .map_err(|e| {
        sealing(Error::Corrupt {
            message: format!("a source record could not be encoded: {e}"),
        })
    })?;
    let source = key
        .seal_with(nonces, SOURCE_CONTEXT, &source)
        .map_err(sealing)?;
    let profile_json = store::crm::profile_json(&c.profile).map_err(sealing)?;
    Ok(Prepared {
        keys: c.identities.iter().map(|(k, _, b)| (*k, *b)).collect(),
        profile: c.profile,
        profile_json,
        core: c.core,
        purpose: c.purpose,
        name,
        core_sealed,
        source,
    })
}

/// Write one prepared row: a new customer, or an update of the customer its
/// identities name, merging several into the oldest. Returns the customer.
fn store_prepared(
    ctx: &Ctx<'_>,
    ids: &mut store::crm::Statements<'_>,
    owners: &mut Owners,
    key: &crate::crypto::SecretKey,
    department: &str,
    p: Prepared,
    report: &mut IngestReport,
) -> Result<i64> {
    // Known customers holding any of the identities, and the identities no
    // one holds yet (bit i for identity i).
    let mut found = BTreeSet::new();
    let mut fresh = 0i64;
    for (i, (kind, blind)) in p.keys.iter().enumerate() {
        match owners.get(&(kind.code(), *blind)) {
            Some(id) => {
                found.insert(ids.live(id)?);
            }
            None => fresh |= 1 << i,
        }
    }
    let id = match found.iter().next().copied() {
        None => {
            report.created += 1;
            ids.insert_customer(
                p.name.as_deref(),
                p.core_sealed.as_deref(),
                &p.profile_json,
                department,
                ctx.now,
            )?
        }
        Some(survivor) => {
            report.updated += 1;
            if found.len() > 1 {
                // A merge moves the identities the file holds.
                owners.flush_within_window(ids)?;
            }
            for &other in found.iter().skip(1) {
                let moved = ids.merge(other, survivor, ctx.now, &ctx.actor.handle)?;
                report.merged += 1;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "crm.merge",
                        "customer",
                        &other.to_string(),
                    )
                    .with_detail(format!(
                        "into={survivor} identities_moved={moved} reason=exact_identity"
                    )),
                )?;
            }
            let core = if p.core.is_empty() {
                None
            } else {
                let old = ids.customer(survivor)?.and_then(|r| r.core_sealed);
                let mut all = open_core(key, old.as_deref())?;
                all.extend(p.core.clone());
                seal_core(key, &mut NonceSeq::new(), &all)?
            };
            ids.update_customer(
                survivor,
                p.name.as_deref(),
                core.as_deref(),
                &p.profile,
                ctx.now,
            )?;
            survivor
        }
    };
    // Identities new to the index: their keys go with the next flush; the
    // source record below holds their values. A known identity stays with
    // its customer.
    for (i, (kind, blind)) in p.keys.iter().enumerate() {
        if fresh & (1 << i) != 0 {
            owners.pending.insert((kind.code(), *blind), id);
        }
    }
    ids.add_source(id, department, &p.source, &p.keys, fresh, ctx.now)?;
    if let Some((purpose, fields)) = &p.purpose {
        ids.add_purpose(id, purpose, fields, &ctx.actor.handle, ctx.now)?;
        report.purposes_declared += 1;
    }
    Ok(id)
}

impl Engine {
    /// Ingest a batch of customer records (CRM-1, CRM-2, CRM-5, CRM-6; needs
    /// `crm.ingest` and an engine opened with a secret key). Each row is
    /// cleaned; a bad row is reported in `errors` and changes nothing while the
    /// good rows land, all in one transaction. A row whose identities match
    /// known customers updates them, merging several into the oldest.
    pub fn ingest_customers(
        &self,
        actor: &str,
        records: &[CustomerRecord],
    ) -> Result<IngestReport> {
        let key = self.secret_key()?.clone();
        if records.len() > MAX_BATCH {
            return Err(Error::validation(
                "records",
                format!("at most {MAX_BATCH} per call, got {}", records.len()),
            ));
        }
        self.mutate(
            actor,
            Permission::CrmIngest,
            Attempt::new("crm.ingest", "customer", "batch"),
            |ctx| {
                let fields = ProfileFields::of(&ctx.policy.crm);
                let department = ctx.actor.department.as_str();
                let mut report = IngestReport {
                    rows: records.len(),
                    customer_ids: Vec::with_capacity(records.len()),
                    ..IngestReport::default()
                };
                let mut ids = store::crm::Statements::new(ctx.tx)?;
                let mut owners = Owners::for_ingest(&mut ids, records.len())?;
                // Cleaning, blind indexes and encryption need no database:
                // a second thread prepares the next window of rows while this
                // one writes the current window.
                std::thread::scope(|scope| -> Result<()> {
                    let mut windows = records.chunks(WINDOW).enumerate();
                    let prepare_window = |(w, rows): (usize, &[CustomerRecord])| {
                        let mut nonces = NonceSeq::new();
                        rows.iter()
                            .enumerate()
                            .map(|(i, r)| prepare(w * WINDOW + i, r, &fields, &key, &mut nonces))
                            .collect::<Vec<_>>()
                    };
                    let mut pending = windows
                        .next()
                        .map(|w| scope.spawn(move || prepare_window(w)));
                    while let Some(handle) = pending.take() {
                        let prepared = handle
                            .join()
                            .unwrap_or_else(|p| std::panic::resume_unwind(p));
                        pending = windows
                            .next()
                            .map(|w| scope.spawn(move || prepare_window(w)));
                        owners.look_up(&mut ids, &prepared)?;
                        for p in prepared {
                            match p {
                                Ok(p) => {
                                    let id = store_prepared(
                                        ctx,
                                        &mut ids,
                                        &mut owners,
                                        &key,
                                        department,
                                        p,
                                        &mut report,
                                    )?;
                                    report.customer_ids.push(Some(id));
                                }
                                Err(e) => {
                                    report.errors.push(e);
                                    report.customer_ids.push(None);
                                }
                            }
                        }
                        if owners.pending.len() >= FLUSH {
                            owners.flush(&mut ids)?;
                        }
                    }
                    owners.flush(&mut ids)
                })?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "crm.ingest", "customer", "batch")
                        .with_detail(format!(
                            "rows={} created={} updated={} merged={} refused={} purposes={}",
                            report.rows,
                            report.created,
                            report.updated,
                            report.merged,
                            report.errors.len(),
                            report.purposes_declared
                        )),
                )?;
                Ok(report)
            },
        )
    }

    /// One customer (CRM-6; needs `crm.read`). A merged id reads as the
    /// customer it was merged into. Identities, name and general fields are
    /// masked unless the actor holds `crm.read_sensitive`; an unmasked read is
    /// audited.
    pub fn customer(&self, actor: &str, id: i64) -> Result<Customer> {
        let key = self.secret_key()?.clone();
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.read", "customer", &target),
            |ctx| {
                let clear =
                    crate::access::check(ctx.policy, ctx.actor, Permission::CrmReadSensitive)
                        .is_ok();
                let mut st = store::crm::Statements::new(ctx.tx)?;
                let live = st.live(id)?;
                if st.erased(live)? {
                    return Err(Error::not_found("customer", target.clone()));
                }
                let row = st
                    .customer(live)?
                    .ok_or_else(|| Error::not_found("customer", target.clone()))?;
                let mut identities = open_identities(&key, st.identity_rows(live)?)?;
                if !clear {
                    for i in &mut identities {
                        i.value = normalize::mask(i.kind, &i.value);
                    }
                }
                let name =
                    row.name_sealed
                        .map(|s| -> Result<String> {
                            let n = String::from_utf8(key.open("customer.name", &s)?).map_err(
                                |_| Error::Corrupt {
                                    message: "a customer name is not text".into(),
                                },
                            )?;
                            Ok(if clear {
                                n
                            } else {
                                format!("{}**", n.chars().next().unwrap_or('*'))
                            })
                        })
                        .transpose()?;
                let mut profile = row.profile;
                profile.extend(open_core(&key, row.core_sealed.as_deref())?);
                let profile = profile
                    .into_iter()
                    .map(|(k, v)| (k, if clear { v } else { "***".into() }))
                    .collect();
                if clear {
                    ctx.record(
                        &Entry::applied(
                            &ctx.actor.handle,
                            "crm.read",
                            "customer",
                            &live.to_string(),
                        )
                        .with_detail("unmasked"),
                    )?;
                }
                Ok(Customer {
                    id: live,
                    identities,
                    name,
                    profile,
                    merged_ids: st.merged_into(live)?,
                    masked: !clear,
                    created_at: row.created_at,
                    updated_at: row.updated_at,
                })
            },
        )
    }

    /// The customer holding an identity, if any (needs `crm.read`): the value
    /// is cleaned as on ingest and looked up through the blind index.
    pub fn find_customer(
        &self,
        actor: &str,
        kind: IdentityKind,
        value: &str,
    ) -> Result<Option<i64>> {
        let key = self.secret_key()?.clone();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.find", "customer", kind.as_str()),
            |ctx| {
                let v =
                    normalize::identity(kind, value).map_err(|m| Error::validation("value", m))?;
                let blind = key.blind_index(kind.as_str(), v.as_bytes());
                let mut st = store::crm::Statements::new(ctx.tx)?;
                match st.owner(kind, &blind)? {
                    Some(id) => Ok(Some(st.live(id)?)),
                    None => Ok(None),
                }
            },
        )
    }

    /// Undo the merge that folded customer `merged_id` into another (CRM-2;
    /// needs `crm.merge`): the identities the merge moved go back to it and it
    /// is a customer of its own again. Identities the survivor gained later
    /// stay with the survivor. `conflict` when `merged_id` is not merged;
    /// `not_found` for an unknown or erased customer.
    pub fn undo_merge(&self, actor: &str, merged_id: i64) -> Result<MergeUndone> {
        let target = merged_id.to_string();
        self.mutate(
            actor,
            Permission::CrmMerge,
            Attempt::new("crm.unmerge", "customer", &target),
            |ctx| {
                let mut st = store::crm::Statements::new(ctx.tx)?;
                if st.customer(merged_id)?.is_none() || st.erased(merged_id)? {
                    return Err(Error::not_found("customer", target.clone()));
                }
                let Some(into) = st.merged_into_of(merged_id)? else {
                    return Err(Error::conflict(
                        "customer",
                        target.clone(),
                        "is not merged into another",
                    ));
                };
                let m = st
                    .merge_of(merged_id)?
                    .filter(|m| m.survivor == into)
                    .ok_or_else(|| Error::Corrupt {
                        message: format!(
                            "customer {merged_id} is merged but its merge is not recorded"
                        ),
                    })?;
                let restored = st.undo_merge(&m, merged_id, ctx.now)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "crm.unmerge", "customer", &target)
                        .with_detail(format!("from={into} identities_restored={restored}")),
                )?;
                Ok(MergeUndone {
                    customer_id: merged_id,
                    survivor_id: into,
                    identities_restored: restored,
                })
            },
        )
    }

    /// How many live (not merged) customers there are.
    pub fn customer_count(&self) -> Result<u64> {
        self.read(|tx, _| store::crm::live_count(tx))
    }
}

#[cfg(test)]
mod tests {
    //! The ingest's windows, deferred keys, filter and merges, with windows
    //! of 8 rows and flushes every 20 keys: one call must land exactly as
    //! the same rows sent one call each.
    use super::*;
    use crate::{Department, EngineOptions, NewPrincipal};

    fn engine() -> Engine {
        let e = Engine::in_memory_with(EngineOptions::new().secret_key([3u8; 32])).unwrap();
        e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
            .unwrap();
        e.create_principal(
            "it.admin",
            NewPrincipal::new("li.na", "li.na", Department::Marketing),
        )
        .unwrap();
        e.create_principal(
            "it.admin",
            NewPrincipal::new("data.ops", "data", Department::It).with_roles(["data_steward"]),
        )
        .unwrap();
        e
    }

    /// Rows whose identities come from small pools, so rows update,
    /// join and merge customers of earlier windows and flushes.
    fn rows(n: usize) -> Vec<CustomerRecord> {
        let mut x = 12345u64;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        (0..n)
            .map(|i| {
                let mut ids = vec![Identity::new(
                    IdentityKind::Phone,
                    format!("1390000{:04}", next(40)),
                )];
                if next(3) > 0 {
                    ids.push(Identity::new(
                        IdentityKind::Email,
                        format!("c{}@example.com", next(50)),
                    ));
                }
                if next(4) == 0 {
                    ids.push(Identity::new(
                        IdentityKind::MemberId,
                        format!("M{}", next(25)),
                    ));
                }
                if i % 17 == 0 {
                    // A bad row in the middle changes nothing.
                    ids.push(Identity::new(IdentityKind::Phone, "12"));
                }
                CustomerRecord {
                    identities: ids,
                    ..CustomerRecord::default()
                }
            })
            .collect()
    }

    /// Every pooled identity's customer, and each customer's identities.
    fn state(e: &Engine) -> Vec<(String, Option<i64>, Vec<String>)> {
        let mut out = Vec::new();
        let pools = [
            (
                IdentityKind::Phone,
                (0..40)
                    .map(|i| format!("1390000{i:04}"))
                    .collect::<Vec<_>>(),
            ),
            (
                IdentityKind::Email,
                (0..50).map(|i| format!("c{i}@example.com")).collect(),
            ),
            (
                IdentityKind::MemberId,
                (0..25).map(|i| format!("M{i}")).collect(),
            ),
        ];
        for (kind, values) in pools {
            for v in values {
                let id = e.find_customer("data.ops", kind, &v).unwrap();
                let held = id.map_or_else(Vec::new, |id| {
                    let mut held: Vec<String> = e
                        .customer("data.ops", id)
                        .unwrap()
                        .identities
                        .into_iter()
                        .map(|i| format!("{}:{}", i.kind, i.value))
                        .collect();
                    held.sort();
                    held
                });
                out.push((format!("{kind}:{v}"), id, held));
            }
        }
        out
    }

    #[test]
    fn one_call_lands_as_row_by_row_across_windows_flushes_and_merges() {
        let rows = rows(160);
        let batch = engine();
        let one = batch.ingest_customers("li.na", &rows).unwrap();
        let single = engine();
        let (mut created, mut updated, mut merged) = (0, 0, 0);
        for (i, r) in rows.iter().enumerate() {
            let rep = single
                .ingest_customers("li.na", std::slice::from_ref(r))
                .unwrap();
            created += rep.created;
            updated += rep.updated;
            merged += rep.merged;
            assert_eq!(one.customer_ids[i], rep.customer_ids[0], "row {i}");
        }
        assert_eq!(
            (one.created, one.updated, one.merged),
            (created, updated, merged)
        );
        assert!(one.merged > 5 && one.updated > 40, "{one:?}");
        assert_eq!(one.errors.len(), 10);
        assert_eq!(state(&batch), state(&single));
        assert_eq!(
            batch.customer_count().unwrap(),
            single.customer_count().unwrap()
        );

        // Undoing a merge and erasing a customer act the same on both.
        let mut undone = 0;
        for id in 1..=created as i64 {
            let (a, b) = (
                batch.undo_merge("data.ops", id),
                single.undo_merge("data.ops", id),
            );
            if let Ok(a) = a {
                // The keys a merge moved sit with the survivor in the index
                // itself, so they all come back.
                assert_eq!(a, b.unwrap());
                assert!(a.identities_restored > 0);
                undone += 1;
            }
        }
        assert_eq!(undone, one.merged);
        assert_eq!(state(&batch), state(&single));
        let victim = one.customer_ids.iter().flatten().copied().max().unwrap();
        batch.erase_customer("data.ops", victim, "request").unwrap();
        single
            .erase_customer("data.ops", victim, "request")
            .unwrap();
        assert_eq!(state(&batch), state(&single));

        // A second large call (the filter path again) over the same base.
        let more = batch.ingest_customers("li.na", &rows[..60]).unwrap();
        let again = single.ingest_customers("li.na", &rows[..60]).unwrap();
        assert_eq!(more.customer_ids, again.customer_ids);
        assert_eq!(state(&batch), state(&single));
    }
}
