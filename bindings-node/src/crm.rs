//! Customers (core's `crm` module): batches of customer records ingested with
//! a per-row report (CRM-1), deduplicated on exact identities and merged
//! (CRM-2; a merge can be undone), minimized (CRM-5: a refused field only
//! under a declared purpose that allows it) and sealed at rest (CRM-6);
//! masked and clear reads; consent and sends (CRM-8); export and
//! erasure (CRM-7); fuzzy duplicate candidates, manual merges and pairs
//! marked distinct (CRM-2, in `crm/fuzzy.rs`); interactions, purchases and
//! funnels (CRM-3, in `crm/interactions.rs`); segments, personas, lifecycle
//! stages and community tiers (CRM-4, in `crm/segments.rs`, their rules as JS
//! data in `crm/rule.rs`); RFM and customer value (CRM-11, in
//! `crm/value.rs`); service tickets (CRM-9, in `crm/service.rs`);
//! public-opinion watch and crisis cases (CRM-10, in `crm/opinion.rs`). The
//! `Engine` methods, the objects they take and return, and the module-level
//! `identityKinds`.
//!
//! Bad rows do not throw. `ingestCustomers` (and `ingestCustomersAsync`)
//! judge every row in core: a refused row is reported in the result's
//! `errors` and changes nothing, while the good rows land, all in one
//! transaction. An identity `kind` that is not one of `identityKinds()` is a
//! bad value too, so a row error (field `'identities[j].kind'`), as in the
//! Python binding: core, which has no value for it, is given an empty record
//! in that row's place, which it refuses without touching anything (so its
//! counts and its audit record see every row), and its error for the row is
//! replaced by the binding's.
//!
//! What throws, for the whole call and before anything is ingested, is a JS
//! value of the wrong type: not an array, a row or an identity that is not a
//! plain object, a `kind`, `value`, `name` or `purpose` that is not a string
//! (`null` included), a `profile` that is not an object of strings, a hole in
//! an array, a missing `identities`, `kind` or `value`. It throws with
//! napi-rs's code (`'ArrayExpected'`, `'ObjectExpected'`,
//! `'StringExpected'`, `'InvalidArg'`) and the path in the message
//! (`records[3]: …`), synchronously even from `ingestCustomersAsync`.
//!
//! Customer ids are JS numbers (safe integers), both ways.

use std::collections::BTreeMap;
use std::mem;

use brandrail::crm::{self, IdentityKind};
use napi::bindgen_prelude::{AsyncTask, FromNapiValue, TypeName, ValidateNapiValue};
use napi::{Env, JsValue, Status, ValueType, sys};
use napi_derive::napi;

use crate::convert::{Date, Nested, StringMap, all, number, parse, whole};
use crate::engine::{Background, Engine};
use crate::error::OrThrow;

mod fuzzy;
mod interactions;
mod opinion;
mod rule;
mod segments;
mod service;
mod value;

/// One identity of a customer: what kind, and its value.
#[napi(object)]
pub struct Identity {
    /// The kind (see `identityKinds()`): `'phone'` (a mainland mobile
    /// number), `'email'`, `'wechat_openid'` (per official account),
    /// `'wechat_unionid'` (across the company's accounts), `'member_id'`,
    /// `'pos_card'`.
    #[napi(
        ts_type = "'phone' | 'email' | 'wechat_openid' | 'wechat_unionid' | 'member_id' | 'pos_card'"
    )]
    pub kind: String,
    /// The value. On input, as the source wrote it: full-width forms, spaces
    /// and separators, `+86` / `0086`, upper-case e-mail domains are cleaned
    /// (`'+86 138-0013-8000'` is `'13800138000'`). On output, cleaned, and
    /// masked (`'138****8000'`) for a principal without
    /// `crm.read_sensitive`.
    pub value: String,
}

/// One incoming customer record, a row of `ingestCustomers`.
#[napi(object, object_to_js = false)]
pub struct CustomerRecord {
    /// 1 to 32 identities; the same identity twice counts once. A row whose
    /// identities belong to known customers updates them (merging several
    /// into the oldest).
    #[napi(ts_type = "Array<Identity>")]
    pub identities: Identities,
    /// The customer's name, if known: display text (1–200 characters, no
    /// control or invisible characters). Sealed at rest.
    pub name: Option<String>,
    /// Profile fields, by the policy's names: general-class ones
    /// (`crm.data_classes.general`: `region`, `age_band`, `habits`,
    /// `pain_points`, `preferences`, …), stored as given; and the core-class
    /// ones that are not identities (`crm.data_classes.core`: `address`,
    /// `birth_date`), sealed at rest and never a segment criterion. Values
    /// of at most 500 characters without control characters, trimmed, with
    /// full-width forms folded; `birth_date` is cleaned to `'YYYY-MM-DD'`
    /// (from `'1990/3/7'`, `'19900307'`, `'1990年3月7日'`, …; a date that
    /// is not real, or outside 1900–2100, refuses the row). A refused field
    /// (`crm.refused_fields`: `national_id`) refuses the row with
    /// `'policy_violation'` unless `purpose` allows it; a field the policy
    /// does not name, or a blank value, with `'validation'`.
    #[napi(ts_type = "Record<string, string>")]
    pub profile: Option<StringMap>,
    /// The declared purpose (CRM-5), a key of the policy's
    /// `crm.declared_purposes`, under which a refused profile field is
    /// given: the default policy's `'cross_border_real_name'` allows
    /// `national_id` (customs declares cross-border orders in the buyer's
    /// name). A field the purpose allows is then accepted, sealed at rest
    /// like `address`, masked (`'***'`) without clearance, and the purpose
    /// recorded with the customer (by whom, when, the fields it let in;
    /// exported with them, erased with them; counted in the report's
    /// `purposesDeclared`). A purpose the policy does not declare refuses
    /// the row with `'validation'` (field `'purpose'`, the value not
    /// repeated); one that does not allow the field leaves the field
    /// refused.
    pub purpose: Option<String>,
}

impl CustomerRecord {
    /// The record for core, or the row error of its first identity whose
    /// kind is not one of core's (`row` is the record's index in the batch).
    fn into_core(self, row: usize) -> Result<crm::CustomerRecord, crm::RowError> {
        let identities = self
            .identities
            .0
            .into_iter()
            .enumerate()
            .map(|(j, id)| match id.kind.parse::<IdentityKind>() {
                Ok(kind) => Ok(crm::Identity::new(kind, id.value)),
                Err(_) => Err(kind_error(row, j)),
            })
            .collect::<Result<_, _>>()?;
        Ok(crm::CustomerRecord {
            identities,
            name: self.name,
            profile: self.profile.map(|m| m.0).unwrap_or_default(),
            purpose: self.purpose,
        })
    }
}

/// The row error for identity `j` of row `row`, whose kind core has no value
/// for. Like core's, its message never holds the refused value.
fn kind_error(row: usize, j: usize) -> crm::RowError {
    let kinds: Vec<&str> = IdentityKind::ALL.iter().map(|k| k.as_str()).collect();
    crm::RowError {
        row,
        field: format!("identities[{j}].kind"),
        code: "validation".into(),
        message: format!(
            "not an identity kind; expected one of: {}",
            kinds.join(", ")
        ),
    }
}

/// Core's row errors with the binding's own (`ours`, by row) in place of
/// core's for the same rows: the rows the binding could not convert went to
/// core as a placeholder it refuses without touching anything. Should core
/// ever not report one of them, ours is added in row order.
fn with_ours(
    core: Vec<crm::RowError>,
    mut ours: BTreeMap<usize, crm::RowError>,
) -> Vec<crm::RowError> {
    let mut errors = Vec::with_capacity(core.len());
    for e in core {
        while let Some(entry) = ours.first_entry().filter(|o| *o.key() < e.row) {
            errors.push(entry.remove());
        }
        errors.push(ours.remove(&e.row).unwrap_or(e));
    }
    errors.extend(ours.into_values());
    errors
}

/// The elements of the JS array `value`, each a plain object converted to
/// `T`; `at` names the array in messages (`records[3]: expected an object,
/// got string`; a hole: `records[3]: is missing`).
///
/// # Safety
/// `env` and `value` must be live handles of the current call.
unsafe fn objects<T: FromNapiValue>(
    env: sys::napi_env,
    value: sys::napi_value,
    at: &str,
) -> napi::Result<Vec<T>> {
    // SAFETY: the caller's handles.
    unsafe {
        crate::convert::array_elements(env, value, at, "an array", |i, element| {
            let element = element.ok_or_else(|| {
                napi::Error::new(Status::ObjectExpected, format!("{at}[{i}]: is missing"))
            })?;
            // SAFETY: the element is a live value of this env.
            let Nested(item) = Nested::<T>::from_napi_value(env, element.raw())
                .map_err(|e| napi::Error::new(e.status, format!("{at}[{i}]: {}", e.reason)))?;
            Ok(item)
        })
    }
}

/// The identities of a record: a JS array of `Identity` objects (see
/// [`objects`]).
pub struct Identities(Vec<Identity>);

impl FromNapiValue for Identities {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        unsafe { objects(env, value, "identities") }.map(Identities)
    }
}

/// The batch argument of `ingestCustomers`: a JS array of `CustomerRecord`
/// objects (see [`objects`]), copied when called.
pub struct Records(Vec<CustomerRecord>);

impl Records {
    /// Ingest the records with `engine`: a row with an unknown identity kind
    /// goes to core as an empty record, which core refuses without touching
    /// anything, and comes back with the binding's row error instead of
    /// core's.
    fn ingest(self, engine: &brandrail::Engine, actor: &str) -> brandrail::Result<IngestReport> {
        let mut records = Vec::new();
        let mut ours = BTreeMap::new();
        for (row, r) in self.0.into_iter().enumerate() {
            records.push(r.into_core(row).unwrap_or_else(|e| {
                ours.insert(row, e);
                crm::CustomerRecord::default()
            }));
        }
        let mut report = engine.ingest_customers(actor, &records)?;
        if !ours.is_empty() {
            report.errors = with_ours(mem::take(&mut report.errors), ours);
            for e in &report.errors {
                if let Some(id) = report.customer_ids.get_mut(e.row) {
                    *id = None;
                }
            }
        }
        Ok(report.into())
    }
}

impl TypeName for Records {
    fn type_name() -> &'static str {
        "Array<CustomerRecord>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Records {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `from_napi_value` checks the shape and names a bad element.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for Records {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        unsafe { objects(env, value, "records") }.map(Records)
    }
}

/// Why one row of a batch was refused; the row changed nothing.
#[napi(object, object_from_js = false)]
pub struct RowError {
    /// Index of the row in the batch.
    pub row: f64,
    /// The part of the row at fault. Customer records: `'identities'`
    /// (none, or more than 32), `'identities[0].phone'` (the first identity,
    /// a phone, cannot be cleaned), `'identities[1].kind'` (not one of
    /// `identityKinds()`), `'name'`, `'purpose'` (not a declared purpose),
    /// `'profile.national_id'`, `'profile.birth_date'` (the profile key as
    /// given). Interactions:
    /// `'customer_id'`, `'kind'`, `'at'`, `'page'`, `'amount'`, `'channel'`
    /// (core's names, as in every binding). Mentions: `'platform'`,
    /// `'author'`, `'text'`, `'at'`, `'url'`, `'reach'`.
    pub field: String,
    /// `'policy_violation'` for a field the policy refuses (CRM-5),
    /// `'not_found'` for an interaction of an unknown or erased customer,
    /// else `'validation'`.
    #[napi(ts_type = "'validation' | 'policy_violation' | 'not_found'")]
    pub code: String,
    /// What is wrong, without the field's name (that is `field`). It never
    /// repeats the refused value (customer records, interactions and
    /// mentions alike). A refused field's message starts `'CRM-5: '`.
    pub message: String,
}

impl From<crm::RowError> for RowError {
    fn from(e: crm::RowError) -> Self {
        RowError {
            row: number(e.row as u64),
            field: e.field,
            code: e.code,
            message: e.message,
        }
    }
}

/// What an ingest did.
#[napi(object, object_from_js = false)]
pub struct IngestReport {
    /// Rows given.
    pub rows: f64,
    /// New customers.
    pub created: f64,
    /// Rows that matched known customers and updated one.
    pub updated: f64,
    /// Customers merged into another because a row joined their identities.
    pub merged: f64,
    /// For every row, in order, the id of the customer it landed on, or
    /// `null` when the row was refused.
    #[napi(ts_type = "Array<number | null>")]
    pub customer_ids: Vec<Option<i64>>,
    /// Rows that landed with a declared `purpose` (CRM-5), recorded with
    /// their customer.
    pub purposes_declared: f64,
    /// The refused rows, in row order; empty when every row landed.
    pub errors: Vec<RowError>,
}

impl From<crm::IngestReport> for IngestReport {
    fn from(r: crm::IngestReport) -> Self {
        IngestReport {
            rows: number(r.rows as u64),
            created: number(r.created as u64),
            updated: number(r.updated as u64),
            merged: number(r.merged as u64),
            customer_ids: r.customer_ids,
            purposes_declared: number(r.purposes_declared as u64),
            errors: all(r.errors),
        }
    }
}

/// A customer as read back.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Customer {
    /// Identifier: the surviving one after merges (reading a merged id gives
    /// the customer it was merged into).
    pub id: i64,
    /// Identities, cleaned, by kind and value; masked (`'138****8000'`,
    /// `'l***@example.com'`) without `crm.read_sensitive`.
    pub identities: Vec<Identity>,
    /// Name, or `null` when never given; masked (`'李**'`) without clearance.
    pub name: Option<String>,
    /// Profile fields, general and core class (`address`, `birth_date`);
    /// each value `'***'` without clearance.
    #[napi(ts_type = "Record<string, string>")]
    pub profile: BTreeMap<String, String>,
    /// Ids of the customers merged into this one.
    pub merged_ids: Vec<i64>,
    /// Whether values are shown masked.
    pub masked: bool,
    /// First seen.
    pub created_at: Date,
    /// Last changed.
    pub updated_at: Date,
}

impl From<crm::Customer> for Customer {
    fn from(c: crm::Customer) -> Self {
        Customer {
            id: c.id,
            identities: c
                .identities
                .into_iter()
                .map(|i| Identity {
                    kind: i.kind.as_str().to_owned(),
                    value: i.value,
                })
                .collect(),
            name: c.name,
            profile: c.profile,
            merged_ids: c.merged_ids,
            masked: c.masked,
            created_at: c.created_at.into(),
            updated_at: c.updated_at.into(),
        }
    }
}

/// A consent decision to record, for `recordConsent`.
#[napi(object, object_to_js = false)]
pub struct ConsentChange {
    /// Channel: 2–64 characters of `a-z 0-9 . _ -`, starting with a letter
    /// or digit (`'sms'`, `'email'`, `'wechat'`, `'phone_call'`, …).
    pub channel: String,
    /// Purpose, written like `channel` (`'marketing'`, `'service'`,
    /// `'survey'`, …).
    pub purpose: String,
    /// Granted (`true`) or withdrawn (`false`).
    pub granted: bool,
    /// Where it comes from (form id, checkbox text, call reference): 1–500
    /// characters, not blank, no control characters.
    pub evidence: String,
}

impl ConsentChange {
    fn into_core(self) -> crm::ConsentChange {
        crm::ConsentChange {
            channel: self.channel,
            purpose: self.purpose,
            granted: self.granted,
            evidence: self.evidence,
        }
    }
}

/// The consent decision in force for one channel and purpose (the latest
/// recorded).
#[napi(object, object_from_js = false)]
pub struct Consent {
    /// Channel.
    pub channel: String,
    /// Purpose.
    pub purpose: String,
    /// Granted now (`false`: withdrawn).
    pub granted: bool,
    /// Its evidence.
    pub evidence: String,
    /// When it was recorded.
    pub recorded_at: Date,
    /// Handle of who recorded it.
    pub recorded_by: String,
}

impl From<crm::Consent> for Consent {
    fn from(c: crm::Consent) -> Self {
        Consent {
            channel: c.channel,
            purpose: c.purpose,
            granted: c.granted,
            evidence: c.evidence,
            recorded_at: c.recorded_at.into(),
            recorded_by: c.recorded_by,
        }
    }
}

/// What an erasure removed.
#[napi(object, object_from_js = false)]
pub struct Erasure {
    /// The customer ids erased: the customer and those merged into it.
    pub customer_ids: Vec<i64>,
    /// Rows of personal data removed (identities, source records, consents,
    /// sends).
    pub rows_removed: f64,
}

impl From<crm::Erasure> for Erasure {
    fn from(e: crm::Erasure) -> Self {
        Erasure {
            customer_ids: e.customer_ids,
            rows_removed: number(e.rows_removed as u64),
        }
    }
}

/// What `undoMerge` did.
#[napi(object, object_from_js = false)]
pub struct MergeUndone {
    /// The customer restored: the merged id given, a customer of its own
    /// again.
    pub customer_id: i64,
    /// The customer it had been merged into, which keeps its other
    /// identities (those it gained after the merge included).
    pub survivor_id: i64,
    /// Identities the merge had moved, moved back to the restored customer.
    pub identities_restored: f64,
}

impl From<crm::MergeUndone> for MergeUndone {
    fn from(u: crm::MergeUndone) -> Self {
        MergeUndone {
            customer_id: u.customer_id,
            survivor_id: u.survivor_id,
            identities_restored: number(u.identities_restored as u64),
        }
    }
}

/// The names of every kind of customer identity, in the order core declares
/// them: `'phone'`, `'email'`, `'wechat_openid'`, `'wechat_unionid'`,
/// `'member_id'`, `'pos_card'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_return_type = "Array<Identity['kind']>")]
pub fn identity_kinds() -> Vec<&'static str> {
    IdentityKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[napi]
impl Engine {
    /// Ingest a batch of customer records (CRM-1, CRM-2, CRM-5, CRM-6; needs
    /// `crm.ingest` and an engine opened with a `secretKey`, else
    /// `'configuration'`). Each row's identities are cleaned; a bad row
    /// (an identity that cannot be cleaned, no identities, a bad name, a
    /// profile field the policy refuses or does not name, a value too long,
    /// a `purpose` the policy does not declare) does not throw: it is
    /// reported in `errors` and changes nothing, while the good rows land,
    /// all in one transaction. A field the policy refuses (`national_id`) is
    /// accepted, sealed, when the row's `purpose` allows it (CRM-5; counted
    /// in `purposesDeclared`). A row whose identities belong to known
    /// customers updates that customer; joining several, it merges them into
    /// the oldest (audited). An identity kind that is not
    /// one of `identityKinds()` is a row error too (field
    /// `'identities[j].kind'`). At most 1,000,000 rows (`'validation'`, field
    /// `'records'`). A JS value of the wrong type anywhere in the batch (a
    /// row that is not an object, a `value`, `name` or `purpose` that is not
    /// a string, a `profile` that is not an object of strings) throws for
    /// the whole call with napi-rs's code and the row in the message,
    /// nothing ingested.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, records: Array<CustomerRecord>"
    )]
    pub fn ingest_customers(
        &self,
        env: &Env,
        actor: String,
        records: Records,
    ) -> napi::Result<IngestReport> {
        records.ingest(&self.inner, &actor).or_throw(env)
    }

    /// `ingestCustomers` off the JS thread (on the libuv thread pool), for
    /// large batches: the event loop keeps running meanwhile. The records are
    /// copied when called, so changing them afterwards changes nothing; a
    /// wrong JS type throws synchronously, before the promise exists. Engine
    /// errors reject the promise; bad rows do not, they are in the report's
    /// `errors`.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, records: Array<CustomerRecord>",
        ts_return_type = "Promise<IngestReport>"
    )]
    pub fn ingest_customers_async(
        &self,
        actor: String,
        records: Records,
    ) -> AsyncTask<Background<IngestReport>> {
        AsyncTask::new(self.background(move |engine| records.ingest(engine, &actor)))
    }

    /// Customer `id` (CRM-6; needs `crm.read` and the `secretKey`). A merged
    /// id reads as the customer it was merged into. Identities, name and
    /// profile values are masked unless `actor` holds `crm.read_sensitive`
    /// (`masked` says which); an unmasked read is audited. Throws
    /// `'not_found'` (entity `'customer'`) for an unknown or erased id.
    #[napi(strict, catch_unwind)]
    pub fn customer(&self, env: &Env, actor: String, id: f64) -> napi::Result<Customer> {
        whole("id", id)
            .and_then(|id| self.inner.customer(&actor, id))
            .map(Customer::from)
            .or_throw(env)
    }

    /// The id of the customer holding an identity, or `null` (needs
    /// `crm.read` and the `secretKey`). `value` is cleaned as on ingest
    /// (`'+86 139 0013 9000'` finds `'13900139000'`); one that cannot be
    /// cleaned throws `'validation'` (field `'value'`), an unknown `kind`
    /// `'validation'` (field `'kind'`).
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, kind: Identity['kind'], value: string"
    )]
    pub fn find_customer(
        &self,
        env: &Env,
        actor: String,
        kind: String,
        value: String,
    ) -> napi::Result<Option<i64>> {
        parse("kind", &kind)
            .and_then(|kind| self.inner.find_customer(&actor, kind, &value))
            .or_throw(env)
    }

    /// Undo the merge that folded customer `mergedId` into another (CRM-2;
    /// needs `crm.merge`; audited as `'crm.unmerge'`): the identities the
    /// merge moved go back to it and it is a customer of its own again, so
    /// `customer(…, mergedId)` reads it and no longer its survivor.
    /// Identities the survivor gained later stay with the survivor. Throws
    /// `'conflict'` when `mergedId` is not merged (a survivor, a customer
    /// never merged, a merge already undone) and `'not_found'` (entity
    /// `'customer'`) for an unknown or erased id.
    #[napi(strict, catch_unwind)]
    pub fn undo_merge(
        &self,
        env: &Env,
        actor: String,
        merged_id: f64,
    ) -> napi::Result<MergeUndone> {
        whole("mergedId", merged_id)
            .and_then(|id| self.inner.undo_merge(&actor, id))
            .map(MergeUndone::from)
            .or_throw(env)
    }

    /// How many live customers there are (merged and erased ones not
    /// counted). Reads only; needs no principal and no key.
    #[napi(strict, catch_unwind)]
    pub fn customer_count(&self, env: &Env) -> napi::Result<f64> {
        self.inner.customer_count().map(number).or_throw(env)
    }

    /// Record a consent decision for customer `id` (CRM-8; needs
    /// `consent.manage`) and return the consents now in force, one per
    /// channel and purpose in the order first recorded. The latest decision
    /// rules; the history is kept (it is in `exportCustomer`). Throws
    /// `'validation'` (field `'channel'`, `'purpose'` or `'evidence'`) for a
    /// bad change and `'not_found'` for an unknown or erased customer.
    #[napi(strict, catch_unwind)]
    pub fn record_consent(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        change: ConsentChange,
    ) -> napi::Result<Vec<Consent>> {
        whole("id", id)
            .and_then(|id| self.inner.record_consent(&actor, id, &change.into_core()))
            .map(all)
            .or_throw(env)
    }

    /// The consents in force for customer `id`, one per channel and purpose
    /// (CRM-8; needs `crm.read`).
    #[napi(strict, catch_unwind)]
    pub fn consents(&self, env: &Env, actor: String, id: f64) -> napi::Result<Vec<Consent>> {
        whole("id", id)
            .and_then(|id| self.inner.consents(&actor, id))
            .map(all)
            .or_throw(env)
    }

    /// Record that a message goes to customer `id` on `channel` for
    /// `purpose` (CRM-8; needs `campaign.manage`) and return the send's id.
    /// Throws `'policy_violation'` (`rule` `'CRM-8'`), recording nothing,
    /// unless the customer's consent for exactly this channel and purpose is
    /// in force.
    #[napi(strict, catch_unwind)]
    pub fn record_send(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        channel: String,
        purpose: String,
    ) -> napi::Result<i64> {
        whole("id", id)
            .and_then(|id| self.inner.record_send(&actor, id, &channel, &purpose))
            .or_throw(env)
    }

    /// Everything brandrail holds about customer `id`, as one JSON document
    /// (CRM-7, a data-subject access request; needs `crm.export` and the
    /// `secretKey`; audited). Returns the document as core wrote it, a
    /// pretty-printed JSON string, ready to hand over or store; `JSON.parse`
    /// it to look inside. Its keys are snake_case and its times RFC 3339
    /// strings: `format` (`'brandrail customer export v1'`), `exported_at`,
    /// `customer_id` (the survivor for a merged id), `merged_ids`,
    /// `created_at`, `updated_at`, `identities` (`[{ kind, value }]`, in
    /// clear), `name`, `profile`, `sources` (every record received for the
    /// customer and for those merged into it: `[{ customer_id, department,
    /// received_at, record }]`), `consent_history`,
    /// `consents_in_force`, `sends` (`[{ channel, purpose, sent_at,
    /// sent_by }]`), `interactions` (`[{ kind, at, page, amount, channel }]`,
    /// CRM-3), `tickets` (`[{ id, channel, category, subject, body,
    /// opened_at, responses, satisfaction }]`, CRM-9).
    #[napi(strict, catch_unwind)]
    pub fn export_customer(&self, env: &Env, actor: String, id: f64) -> napi::Result<String> {
        whole("id", id)
            .and_then(|id| self.inner.export_customer(&actor, id))
            .or_throw(env)
    }

    /// Erase customer `id` on request (CRM-7; needs `crm.erase`): identities,
    /// name, profile, source records, consents and sends of the customer and
    /// of every customer merged into it are removed, and the words of their
    /// service tickets (the tickets stay, as counts); their ids then read as
    /// `'not_found'`, and the same person may come back as a new customer.
    /// `reason` (display text, e.g. the request's reference) is required.
    /// Deleted content is overwritten and the write-ahead log emptied
    /// afterwards, so no copy stays in the database files. The audit log
    /// keeps only ids and counts, so its chain still verifies.
    #[napi(strict, catch_unwind)]
    pub fn erase_customer(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        reason: String,
    ) -> napi::Result<Erasure> {
        whole("id", id)
            .and_then(|id| self.inner.erase_customer(&actor, id, &reason))
            .map(Erasure::from)
            .or_throw(env)
    }
}
