//! Customers (CRM), first slice: batches of customer records ingested from any
//! department with their identities cleaned (CRM-1), deduplicated on exact
//! identities and merged (CRM-2), profile fields minimized (CRM-5), personal
//! values sealed with the host's key and masked on read without clearance
//! (CRM-6); export and erasure on request (CRM-7); consent per channel and
//! purpose, and sends only with consent in force (CRM-8). A merge can be
//! undone (`undoMerge`, CRM-2). Fuzzy duplicate candidates, manual merges and
//! "distinct" marks (CRM-2) are in `crm/fuzzy.rs`; interactions, purchases
//! and click-path funnels (CRM-3) in `crm/interactions.rs`; segments,
//! personas, lifecycle stages and community tiers (CRM-4) in
//! `crm/segments.rs`; customer service tickets (CRM-9) in `crm/service.rs`;
//! public-opinion alerts and crisis cases (CRM-10) in `crm/opinion.rs`; RFM,
//! repurchase rate, LTV and CAC (CRM-11) in `crm/value.rs`.
//!
//! Ingesting, reading, finding and exporting customers, fuzzy duplicate
//! candidates, recording and reading interactions and purchases, RFM and
//! value figures, every ticket call, recording mentions and opening a crisis
//! by hand need an engine opened with `EngineOptions.secretKey`; without one
//! they throw `Configuration`. Consents, sends, erasure, `mergeCustomers`,
//! `undoMerge`, `markDistinct`, `customerCount`, funnels, the service report,
//! alerts and the other crisis calls do not.
//!
//! An ingest never throws for a bad row: each refused row is reported in
//! `IngestReport.errors` (its index, the field at fault, `validation` or
//! `policy_violation`, never the refused value) and changes nothing, while the
//! good rows land, all in one transaction. A refused profile field
//! (`national_id`) is accepted, sealed, only under a declared purpose that
//! allows it (`CustomerRecord.purpose`, CRM-5). The call as a whole throws only
//! when it cannot run: no key (`Configuration`), an actor without
//! `crm.ingest` (`PermissionDenied`, audited), more than 1 000 000 rows
//! (`Validation`, field `records`). A row of the wrong host type cannot be
//! written in Swift or Kotlin (the compiler refuses it); in a dynamically
//! typed host uniffi refuses the whole call before it reaches the engine.

use std::collections::HashMap;
use std::time::SystemTime;

use brandrail::crm as core;

mod fuzzy;
mod interactions;
mod opinion;
mod segments;
mod service;
mod value;

pub use fuzzy::{
    CandidateReport, DuplicateCandidate, MatchReason, max_duplicate_block, max_duplicate_candidates,
};
pub use interactions::{
    Funnel, FunnelStep, Interaction, InteractionKind, InteractionReport, NewInteraction,
    PurchaseSummary,
};
pub use opinion::{
    AlertSeverity, Crisis, MentionReport, NewMention, OpinionAlert, max_mentions,
    parse_alert_severity,
};
pub use segments::{
    LifecycleDistribution, Segment, SegmentDef, SegmentMember, SegmentOrigin, SegmentRefresh,
    Stage, Standing, Tier, max_segment_page, parse_segment_origin, parse_stage, parse_tier,
};
pub use service::{
    DepartmentCount, NewTicket, ServiceReport, Ticket, TicketCategory, TicketResponse, TicketState,
    parse_ticket_category, parse_ticket_state,
};
pub use value::{Rfm, ValueReport};

use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time};

mirror_enum! {
    /// The kinds of customer identity (CRM-1). Each is cleaned on ingest and
    /// lookup: full-width forms folded, spaces and separators dropped.
    IdentityKind => brandrail::crm::IdentityKind {
        /// `phone`: a mainland mobile number, with or without `+86` / `0086`,
        /// spaces or dashes; stored as its 11 digits.
        Phone,
        /// `email`: an e-mail address; trimmed and lower-cased.
        Email,
        /// `wechat_openid`: a WeChat openid (per official account).
        WechatOpenid,
        /// `wechat_unionid`: a WeChat unionid (across the company's accounts).
        WechatUnionid,
        /// `member_id`: a membership number; spaces and dashes dropped,
        /// upper-cased.
        MemberId,
        /// `pos_card`: a POS loyalty card; spaces and dashes dropped.
        PosCard,
    }
    /// The identity kind with this stable name (e.g. `wechat_openid`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_identity_kind;
}

/// A core count or index as a host integer (lossless: `usize` is at most 64
/// bits).
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// One identity of a customer: its kind and value.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Identity {
    /// Kind.
    pub kind: IdentityKind,
    /// The value: as written on input (cleaned by the engine); cleaned, or
    /// masked without clearance, on output.
    pub value: String,
}

impl From<core::Identity> for Identity {
    fn from(i: core::Identity) -> Self {
        Self {
            kind: i.kind.into(),
            value: i.value,
        }
    }
}

impl From<Identity> for core::Identity {
    fn from(i: Identity) -> Self {
        Self::new(i.kind.into(), i.value)
    }
}

/// One incoming customer record for `ingestCustomers`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CustomerRecord {
    /// 1 to 32 identities; a row with none (or more) is refused (field
    /// `identities`), as is a value that cannot be cleaned (field
    /// `identities[i].<kind>`).
    pub identities: Vec<Identity>,
    /// The customer's name, if known (display text, 1–200 characters, no
    /// control or invisible characters; sealed at rest). Default none.
    #[uniffi(default)]
    pub name: Option<String>,
    /// Profile fields, values at most 500 characters without control
    /// characters, trimmed with full-width forms folded: general-class ones
    /// (the policy's `crm.data_classes.general`: `region`, `age_band`,
    /// `habits`, `pain_points`, `preferences`, …), and the core-class ones
    /// that are not identities (`address`, `birth_date`), sealed at rest with
    /// the secret key. `birth_date` is cleaned to `YYYY-MM-DD` from
    /// `1990/3/7`, `19900307`, `1990年3月7日`, …; one that is not a real date
    /// between 1900 and 2100 is a `validation` row error (field
    /// `profile.birth_date`), as is an empty value. A field the policy
    /// refuses (`national_id`) is a `policy_violation` row error (rule
    /// CRM-5) unless `purpose` declares a purpose that allows it, any other
    /// unknown field a `validation` one. Default none.
    #[uniffi(default)]
    pub profile: HashMap<String, String>,
    /// The declared purpose (CRM-5) under which a refused profile field is
    /// given: a key of the policy's `crm.declared_purposes` (the default
    /// policy ships `cross_border_real_name`, which allows `national_id` for
    /// cross-border orders that customs declares in the buyer's name). A
    /// refused field the purpose allows is then accepted, sealed at rest like
    /// an identity, masked without clearance, and the purpose (with the
    /// fields it let in, who declared it and when) is recorded with the
    /// customer: counted in `IngestReport.purposesDeclared`, in
    /// `exportCustomer`'s `purposes`, removed by `eraseCustomer`. A purpose
    /// that does not allow the field leaves it a `policy_violation` row
    /// error; a purpose the policy does not declare is a `validation` row
    /// error on field `purpose` (its message lists the declared purposes and
    /// never repeats the value given). Default none.
    #[uniffi(default)]
    pub purpose: Option<String>,
}

impl From<CustomerRecord> for core::CustomerRecord {
    fn from(r: CustomerRecord) -> Self {
        Self {
            identities: all(r.identities),
            name: r.name,
            profile: r.profile.into_iter().collect(),
            purpose: r.purpose,
        }
    }
}

/// Why one row of an ingest, of `recordInteractions` or of `recordMentions`
/// was refused; the row changed nothing.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RowError {
    /// Index of the row in the batch (0-based).
    pub row: u64,
    /// The field at fault: `identities`, `identities[0].phone`, `name`,
    /// `profile.national_id`, `profile.birth_date`; `customer_id`, `amount`,
    /// `page`, `channel`, `at` for an interaction; `platform`, `author`,
    /// `text`, `at`, `url`, `reach` for a mention; …
    pub field: String,
    /// The stable error code: `validation`, `policy_violation` for a field
    /// the policy refuses (the message names rule CRM-5), or `not_found` for
    /// an interaction of an unknown or erased customer.
    pub code: String,
    /// What is wrong; never the refused value itself.
    pub message: String,
}

impl From<core::RowError> for RowError {
    fn from(e: core::RowError) -> Self {
        Self {
            row: count(e.row),
            field: e.field,
            code: e.code,
            message: e.message,
        }
    }
}

/// What an ingest did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct IngestReport {
    /// Rows given.
    pub rows: u64,
    /// New customers.
    pub created: u64,
    /// Rows that matched known customers and updated one.
    pub updated: u64,
    /// Customers merged into another because a row joined their identities.
    pub merged: u64,
    /// For every row, in order, the customer it landed on; `nil`/`null` when
    /// the row was refused.
    pub customer_ids: Vec<Option<i64>>,
    /// Rows that declared a purpose (CRM-5, `CustomerRecord.purpose`) and
    /// landed, the purpose recorded with their customer.
    pub purposes_declared: u64,
    /// The refused rows, in row order.
    pub errors: Vec<RowError>,
}

impl From<core::IngestReport> for IngestReport {
    fn from(r: core::IngestReport) -> Self {
        Self {
            rows: count(r.rows),
            created: count(r.created),
            updated: count(r.updated),
            merged: count(r.merged),
            customer_ids: r.customer_ids,
            purposes_declared: count(r.purposes_declared),
            errors: all(r.errors),
        }
    }
}

/// A customer as read back with `customer(actor:id:)`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Customer {
    /// Identifier: the surviving customer's when the id asked for was merged
    /// into another.
    pub id: i64,
    /// Identities, cleaned, ordered by kind's stable name (then as added);
    /// masked (`138****8000`, `l***@example.com`) unless `masked` is false.
    pub identities: Vec<Identity>,
    /// Name; masked (`李**`) unless `masked` is false.
    pub name: Option<String>,
    /// Profile fields, general-class and core-class (`address`,
    /// `birth_date` as `YYYY-MM-DD`) alike; each value `***` unless `masked`
    /// is false.
    pub profile: HashMap<String, String>,
    /// Customers merged into this one.
    pub merged_ids: Vec<i64>,
    /// Whether values are shown masked: true unless the reader holds
    /// `crm.read_sensitive`.
    pub masked: bool,
    /// First seen.
    pub created_at: SystemTime,
    /// Last changed.
    pub updated_at: SystemTime,
}

impl From<core::Customer> for Customer {
    fn from(c: core::Customer) -> Self {
        Self {
            id: c.id,
            identities: all(c.identities),
            name: c.name,
            profile: c.profile.into_iter().collect(),
            merged_ids: c.merged_ids,
            masked: c.masked,
            created_at: system_time(c.created_at),
            updated_at: system_time(c.updated_at),
        }
    }
}

/// A consent decision to record with `recordConsent` (CRM-8).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConsentChange {
    /// Channel (`sms`, `email`, `wechat`, `phone_call`, …; an identifier:
    /// 2–64 of `[a-z0-9._-]`, starting with a letter or digit).
    pub channel: String,
    /// Purpose (`marketing`, `service`, `survey`, …; an identifier).
    pub purpose: String,
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// Where it comes from (form id, checkbox text, call reference): 1–500
    /// characters, no control characters.
    pub evidence: String,
}

impl From<ConsentChange> for core::ConsentChange {
    fn from(c: ConsentChange) -> Self {
        Self {
            channel: c.channel,
            purpose: c.purpose,
            granted: c.granted,
            evidence: c.evidence,
        }
    }
}

/// The consent in force for one channel and purpose: the latest decision.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Consent {
    /// Channel.
    pub channel: String,
    /// Purpose.
    pub purpose: String,
    /// Granted now (false once withdrawn).
    pub granted: bool,
    /// Its evidence.
    pub evidence: String,
    /// When it was recorded.
    pub recorded_at: SystemTime,
    /// Handle of who recorded it.
    pub recorded_by: String,
}

impl From<core::Consent> for Consent {
    fn from(c: core::Consent) -> Self {
        Self {
            channel: c.channel,
            purpose: c.purpose,
            granted: c.granted,
            evidence: c.evidence,
            recorded_at: system_time(c.recorded_at),
            recorded_by: c.recorded_by,
        }
    }
}

/// What `eraseCustomer` removed (CRM-7).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Erasure {
    /// The customer ids erased: the customer, then those merged into it.
    pub customer_ids: Vec<i64>,
    /// Rows of personal data removed (identities, source records, consents,
    /// sends, interactions).
    pub rows_removed: u64,
}

impl From<core::Erasure> for Erasure {
    fn from(e: core::Erasure) -> Self {
        Self {
            customer_ids: e.customer_ids,
            rows_removed: count(e.rows_removed),
        }
    }
}

/// What `undoMerge` did (CRM-2).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MergeUndone {
    /// The customer restored: the id asked for, a customer of its own again.
    pub customer_id: i64,
    /// The customer it had been merged into, which keeps what it gained since.
    pub survivor_id: i64,
    /// Identities moved back to the restored customer.
    pub identities_restored: u64,
}

impl From<core::MergeUndone> for MergeUndone {
    fn from(u: core::MergeUndone) -> Self {
        Self {
            customer_id: u.customer_id,
            survivor_id: u.survivor_id,
            identities_restored: count(u.identities_restored),
        }
    }
}

/// Ingest `records` on `engine` and convert the report.
fn ingest(
    engine: &brandrail::Engine,
    actor: &str,
    records: &[core::CustomerRecord],
) -> Result<IngestReport, BrandrailError> {
    Ok(engine.ingest_customers(actor, records)?.into())
}

#[uniffi::export]
impl Engine {
    /// Ingest a batch of customer records (CRM-1, CRM-2, CRM-5, CRM-6; needs
    /// `crm.ingest` and an engine opened with a secret key). Each row is
    /// cleaned; a bad row is reported in the report's `errors` and changes
    /// nothing, while the good rows land, all in one transaction. A row whose
    /// identities match known customers updates them, merging several into
    /// the oldest (each merge audited, without personal values).
    /// `customerIds[i]` is where row `i` landed. Throws only for the whole
    /// call: `Configuration` without a key, `PermissionDenied` (audited),
    /// `Validation` (field `records`) over 1 000 000 rows. Rows are typed
    /// records, so a row of the wrong type cannot be passed: the Swift or
    /// Kotlin compiler refuses it (a dynamically typed host gets uniffi's type
    /// error for the whole call, before the engine sees any row).
    pub fn ingest_customers(
        &self,
        actor: &str,
        records: Vec<CustomerRecord>,
    ) -> Result<IngestReport, BrandrailError> {
        let records: Vec<core::CustomerRecord> = all(records);
        ingest(self.core(), actor, &records)
    }

    /// `ingestCustomers` on a worker thread: awaiting it never blocks the
    /// caller's thread, however large the batch.
    pub async fn ingest_customers_async(
        &self,
        actor: String,
        records: Vec<CustomerRecord>,
    ) -> Result<IngestReport, BrandrailError> {
        let records: Vec<core::CustomerRecord> = all(records);
        self.in_background(move |engine| ingest(engine, &actor, &records))
            .await
    }

    /// Customer `id` (CRM-6; needs `crm.read` and the secret key). A merged id
    /// reads as the customer it was merged into. Identities, name and profile
    /// are masked (`masked` true) unless `actor` holds `crm.read_sensitive`;
    /// an unmasked read is audited. `NotFound` for an unknown or erased id.
    pub fn customer(&self, actor: &str, id: i64) -> Result<Customer, BrandrailError> {
        Ok(self.core().customer(actor, id)?.into())
    }

    /// The customer holding identity `value` of `kind`, if any (needs
    /// `crm.read` and the secret key): the value is cleaned as on ingest
    /// (`+86 138-0013-8000` finds `13800138000`), so any format works.
    /// `nil`/`null` when nobody holds it; `Validation` (field `value`) when it
    /// cannot be cleaned into a valid identity.
    pub fn find_customer(
        &self,
        actor: &str,
        kind: IdentityKind,
        value: &str,
    ) -> Result<Option<i64>, BrandrailError> {
        Ok(self.core().find_customer(actor, kind.into(), value)?)
    }

    /// Undo the merge that folded customer `mergedId` into another (CRM-2;
    /// needs `crm.merge`): the identities the merge moved go back to it and it
    /// is a customer of its own again, read, found and counted as such.
    /// Identities the survivor gained later stay with the survivor. Audited
    /// (`crm.unmerge`, ids and counts only). `Conflict` when `mergedId` is not
    /// merged (or no longer); `NotFound` for an unknown or erased customer.
    /// Needs no secret key.
    pub fn undo_merge(&self, actor: &str, merged_id: i64) -> Result<MergeUndone, BrandrailError> {
        Ok(self.core().undo_merge(actor, merged_id)?.into())
    }

    /// How many live customers there are (merged and erased ones not
    /// counted). Reads only; needs no principal.
    pub fn customer_count(&self) -> Result<u64, BrandrailError> {
        Ok(self.core().customer_count()?)
    }

    /// Record a consent decision for customer `customerId` (CRM-8; needs
    /// `consent.manage`) and return the consents now in force. The latest
    /// decision per channel and purpose is in force; the history is kept (it
    /// is in `exportCustomer`). `Validation` naming `channel`, `purpose` or
    /// `evidence`; `NotFound` for an unknown or erased customer.
    pub fn record_consent(
        &self,
        actor: &str,
        customer_id: i64,
        change: ConsentChange,
    ) -> Result<Vec<Consent>, BrandrailError> {
        Ok(all(self.core().record_consent(
            actor,
            customer_id,
            &change.into(),
        )?))
    }

    /// The consents in force for customer `customerId`, one per channel and
    /// purpose in the order first recorded (CRM-8; needs `crm.read`).
    /// `NotFound` for an unknown or erased customer.
    pub fn consents(&self, actor: &str, customer_id: i64) -> Result<Vec<Consent>, BrandrailError> {
        Ok(all(self.core().consents(actor, customer_id)?))
    }

    /// Record that a message goes to customer `customerId` on `channel` for
    /// `purpose` and return the send's id (CRM-8; needs `campaign.manage`).
    /// `PolicyViolation` (rule `CRM-8`) unless the customer consented to this
    /// channel and purpose and has not withdrawn it; a refused send records
    /// nothing. `Validation` naming `channel` or `purpose`; `NotFound` for an
    /// unknown or erased customer.
    pub fn record_send(
        &self,
        actor: &str,
        customer_id: i64,
        channel: &str,
        purpose: &str,
    ) -> Result<i64, BrandrailError> {
        Ok(self
            .core()
            .record_send(actor, customer_id, channel, purpose)?)
    }

    /// Everything brandrail holds about customer `customerId`, as one JSON
    /// document (a `String`; CRM-7; needs `crm.export` and the secret key;
    /// audited): `format` (`brandrail customer export v1`), `exported_at`,
    /// `customer_id` (the survivor's for a merged id), `merged_ids`,
    /// `created_at`, `updated_at`, `identities` (`kind`, `value`, in clear),
    /// `name`, `profile`, `sources` (every source record of the customer and
    /// of those merged into it, with its `customer_id`, `department` and
    /// `received_at`), `consent_history`,
    /// `consents_in_force`, `sends`, `interactions` (`kind`, `at`, `page`,
    /// `amount` as a decimal string, `channel`; the merged customers' too),
    /// `tickets`, `purposes` (CRM-5: each declared purpose with `purpose`,
    /// the `fields` it let in, `declared_by`, `declared_at`). Decode it with
    /// `JSONSerialization` /
    /// `Codable` (Swift) or `kotlinx.serialization` / `org.json` (Kotlin).
    /// `NotFound` for an unknown or erased customer.
    pub fn export_customer(&self, actor: &str, customer_id: i64) -> Result<String, BrandrailError> {
        Ok(self.core().export_customer(actor, customer_id)?)
    }

    /// Erase customer `customerId` on request (CRM-7; needs `crm.erase`):
    /// identities, name, profile, source records, consents, sends,
    /// interactions and declared purposes (CRM-5) of the customer and of
    /// every customer merged into it are removed; their ids
    /// then read as `NotFound`, and the same person may come back as a new
    /// customer. `reason` (display text, 1–200 characters) is required. The
    /// audit log keeps only ids and counts, so its chain still verifies.
    /// No copy of the erased values stays in the database's files: deleted
    /// content is overwritten and the write-ahead log emptied afterwards.
    /// `NotFound` for an unknown or already erased customer; `Validation`
    /// (field `reason`) for a bad reason.
    pub fn erase_customer(
        &self,
        actor: &str,
        customer_id: i64,
        reason: &str,
    ) -> Result<Erasure, BrandrailError> {
        Ok(self
            .core()
            .erase_customer(actor, customer_id, reason)?
            .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identity_kinds_keep_the_cores_names() {
        for core in core::IdentityKind::ALL {
            let mirrored = IdentityKind::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::IdentityKind::from(mirrored), *core);
            assert_eq!(parse_identity_kind(core.as_str()).unwrap(), mirrored);
        }
        assert_eq!(
            parse_identity_kind("national_id").unwrap_err().code(),
            "validation"
        );
    }

    #[test]
    fn records_cross_whole() {
        let record = CustomerRecord {
            identities: vec![Identity {
                kind: IdentityKind::Phone,
                value: "138 0013 8000".into(),
            }],
            name: Some("李娜".into()),
            profile: HashMap::from([("region".to_owned(), "上海".to_owned())]),
            purpose: Some("cross_border_real_name".into()),
        };
        let core = core::CustomerRecord::from(record);
        assert_eq!(
            core.identities,
            vec![core::Identity::new(
                core::IdentityKind::Phone,
                "138 0013 8000"
            )]
        );
        assert_eq!(core.name.as_deref(), Some("李娜"));
        assert_eq!(core.profile["region"], "上海");
        assert_eq!(core.purpose.as_deref(), Some("cross_border_real_name"));
    }

    #[test]
    fn a_report_keeps_rows_ids_and_errors() {
        let report = IngestReport::from(core::IngestReport {
            rows: 2,
            created: 1,
            updated: 0,
            merged: 0,
            customer_ids: vec![Some(1), None],
            purposes_declared: 1,
            errors: vec![core::RowError {
                row: 1,
                field: "identities".into(),
                code: "validation".into(),
                message: "m".into(),
            }],
        });
        assert_eq!((report.rows, report.created), (2, 1));
        assert_eq!(report.customer_ids, vec![Some(1), None]);
        assert_eq!(report.purposes_declared, 1);
        assert_eq!(report.errors[0].row, 1);
        assert_eq!(report.errors[0].field, "identities");
    }
}
