//! Customers (core `crm`, CRM-1, CRM-2, CRM-5, CRM-6): the `Identity` and
//! `CustomerRecord` inputs (plain dicts and `(kind, value)` pairs work too;
//! a record may declare a CRM-5 purpose),
//! the `IngestReport`, `RowError`, `Customer` and `MergeUndone` results, the
//! `IDENTITY_KINDS` value set and the Engine methods that ingest, read and
//! find customers and undo a merge. Consent, sends, export and erasure (CRM-7, CRM-8) are in
//! `crm/privacy.rs`, interactions, purchases and funnels (CRM-3) in
//! `crm/interactions.rs`, segment rules, segments, personas, lifecycle stages
//! and community tiers (CRM-4) in `crm/rule.rs` and `crm/segments.rs`, RFM
//! and customer value (CRM-11) in `crm/value.rs`, fuzzy duplicate candidates,
//! manual merges and distinct marks (CRM-2) in `crm/fuzzy.rs`, service
//! tickets (CRM-9) in `crm/service.rs` and the public-opinion watch (CRM-10)
//! in `crm/opinion.rs`, as in core.
//!
//! A batch crosses once and is ingested with the GIL released. Host types are
//! checked for the whole batch before anything is written: a row of the wrong
//! shape raises `TypeError` and nothing changes. Bad values are row errors,
//! reported by core while the good rows land; the one value core cannot be
//! given, an identity kind outside `IDENTITY_KINDS`, is reported by the
//! binding as the same kind of row error (field `identities[j].kind`).

mod fuzzy;
mod interactions;
mod opinion;
mod privacy;
mod rule;
mod segments;
mod service;
mod value;

use std::collections::{BTreeMap, HashMap};

use brandrail::crm::{
    Customer, CustomerRecord, Identity, IdentityKind, IngestReport, MergeUndone, RowError,
};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyList, PyString, PyTuple};

use crate::convert::{dict_items, extract_at, missing, parse, path, repr, unexpected};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

use privacy::{PyConsent, PyErasure};

/// One identity of a customer: a phone number, an e-mail address, a WeChat
/// openid or unionid, a membership number or a POS card.
///
/// `kind` is one of `brandrail.IDENTITY_KINDS` (another raises
/// ValidationError); `value` is as given on input, checked and cleaned when
/// ingested. On a `Customer` the value is the cleaned one, masked for readers
/// without clearance. A dict `{"kind": ..., "value": ...}` or a
/// `(kind, value)` pair works too wherever an Identity is accepted.
#[pyclass(frozen, eq, module = "brandrail", name = "Identity")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyIdentity(Identity);

#[pymethods]
impl PyIdentity {
    #[new]
    fn new(kind: &str, value: String) -> PyResult<Self> {
        let kind = parse::<IdentityKind>(kind, "kind").into_pyresult()?;
        Ok(Self(Identity::new(kind, value)))
    }

    /// What it is (one of `brandrail.IDENTITY_KINDS`), e.g. 'phone'.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// The value: as given on input; cleaned (or masked) when read back.
    #[getter]
    fn value(&self) -> &str {
        &self.0.value
    }

    /// `{"kind": ..., "value": ...}` (accepted back wherever an Identity is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.kind())?;
        d.set_item("value", self.value())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("Identity", &self.to_dict(py)?, &["kind", "value"])
    }
}

/// An identity as given: already an `Identity`, or a kind still to parse.
enum Given {
    Parsed(Identity),
    Raw(String, String),
}

/// The items of a list argument `at`: any iterable but a `str`, `bytes` or
/// dict, which raise `TypeError` (iterating them would yield characters or
/// keys).
fn items<'py>(
    value: &Bound<'py, PyAny>,
    at: &str,
    expected: &str,
) -> PyResult<Vec<Bound<'py, PyAny>>> {
    let refused = value.is_instance_of::<PyString>()
        || value.is_instance_of::<PyBytes>()
        || value.is_instance_of::<PyDict>();
    match value.try_iter() {
        Ok(iter) if !refused => iter.collect(),
        _ => Err(PyTypeError::new_err(format!(
            "{at}: expected {expected}, got {}",
            value.get_type().name()?
        ))),
    }
}

/// An `Identity`, a dict with the keys `kind` and `value`, or a
/// `(kind, value)` pair (a tuple or a list of two `str`); `at` names it in
/// errors ('records[2].identities[0]').
fn identity_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Given> {
    if let Ok(i) = value.cast::<PyIdentity>() {
        return Ok(Given::Parsed(i.get().0.clone()));
    }
    if value.is_instance_of::<PyTuple>() || value.is_instance_of::<PyList>() {
        let pair = value.try_iter()?.collect::<PyResult<Vec<_>>>()?;
        let [kind, v] = pair.as_slice() else {
            return Err(PyTypeError::new_err(format!(
                "{at}: expected a (kind, value) pair, got a sequence of {}",
                pair.len()
            )));
        };
        let kind = extract_at::<String>(kind, &path(at, "kind"))?;
        let v = extract_at::<String>(v, &path(at, "value"))?;
        return Ok(Given::Raw(kind, v));
    }
    if !value.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "{at}: expected an Identity, a dict or a (kind, value) pair, got {}",
            value.get_type().name()?
        )));
    }
    let (mut kind, mut v) = (None, None);
    for (key, value) in dict_items(value, at, "an Identity or a dict")? {
        let here = path(at, &key);
        match key.as_str() {
            "kind" => kind = Some(extract_at::<String>(&value, &here)?),
            "value" => v = Some(extract_at::<String>(&value, &here)?),
            _ => return Err(unexpected(at, &key, "kind, value")),
        }
    }
    Ok(Given::Raw(
        kind.ok_or_else(|| missing(at, "kind"))?,
        v.ok_or_else(|| missing(at, "value"))?,
    ))
}

/// A customer's name: a `str` or None.
fn name_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Option<String>> {
    extract_at::<Option<String>>(value, at)
}

/// Profile fields: a dict of `str` to `str`, or None for none.
fn profile_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<BTreeMap<String, String>> {
    if value.is_none() {
        return Ok(BTreeMap::new());
    }
    let mut map = BTreeMap::new();
    for (key, v) in dict_items(value, at, "a dict of str to str")? {
        // The key is the caller's text: never echo a huge one.
        let shown: String = key.chars().take(40).collect();
        let v = extract_at::<String>(&v, &path(at, &shown))?;
        map.insert(key, v);
    }
    Ok(map)
}

/// A declared purpose: a `str` or None. Its value is checked by core (an
/// unknown one is a row error on `purpose` that does not repeat it).
fn purpose_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Option<String>> {
    extract_at::<Option<String>>(value, at)
}

/// The identities of a `CustomerRecord` built in Python: every kind must be
/// one of `IDENTITY_KINDS` (ValidationError naming `identities[j].kind`).
fn identities_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Vec<Identity>> {
    let expected = "a list of Identity, dicts or (kind, value) pairs";
    items(value, at, expected)?
        .iter()
        .enumerate()
        .map(|(j, item)| {
            let here = format!("{at}[{j}]");
            match identity_arg(item, &here)? {
                Given::Parsed(identity) => Ok(identity),
                Given::Raw(kind, v) => {
                    let kind =
                        parse::<IdentityKind>(&kind, &path(&here, "kind")).into_pyresult()?;
                    Ok(Identity::new(kind, v))
                }
            }
        })
        .collect()
}

/// One incoming customer record for `Engine.ingest_customers`. A plain dict
/// with the same keys works too.
///
/// `identities` (at least one) are `Identity`s, dicts `{"kind", "value"}` or
/// `(kind, value)` pairs, each kind one of `brandrail.IDENTITY_KINDS` (another
/// raises ValidationError here; in a dict row it is a row error instead).
/// `name` is the customer's name, if known; `profile` holds, as strings,
/// general-class fields of the policy (`crm.data_classes.general`: 'region',
/// 'age_band', 'habits', ...) and its core-class fields that are not
/// identities ('address', 'birth_date'), which are sealed at rest like the
/// name; a birth date is cleaned to YYYY-MM-DD ('1990/3/7', '19900307' and
/// '1990年3月7日' are read too). `purpose` (CRM-5) is a declared purpose of
/// the policy (a key of `crm.declared_purposes`; the default policy ships
/// 'cross_border_real_name', which allows 'national_id'): with it, a refused
/// field the purpose allows is accepted, sealed and masked like a core field,
/// and the purpose is recorded with the customer (exported, erased with
/// them). The values are checked when ingested: a bad one is a `RowError` of
/// the batch (an unknown purpose: 'validation' on field 'purpose'; a refused
/// field no declared purpose allows: 'policy_violation').
#[pyclass(frozen, eq, module = "brandrail", name = "CustomerRecord")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyCustomerRecord(CustomerRecord);

#[pymethods]
impl PyCustomerRecord {
    #[new]
    #[pyo3(signature = (identities, *, name = None, profile = None, purpose = None))]
    fn new(
        identities: &Bound<'_, PyAny>,
        name: Option<String>,
        profile: Option<&Bound<'_, PyAny>>,
        purpose: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Self(CustomerRecord {
            identities: identities_arg(identities, "identities")?,
            name,
            profile: match profile {
                Some(p) => profile_arg(p, "profile")?,
                None => BTreeMap::new(),
            },
            purpose: match purpose {
                Some(p) => purpose_arg(p, "purpose")?,
                None => None,
            },
        }))
    }

    /// The identities, in input order (a copy).
    #[getter]
    fn identities(&self) -> Vec<PyIdentity> {
        self.0.identities.iter().cloned().map(PyIdentity).collect()
    }

    /// The customer's name, or None.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Profile fields, general and core class, as given (a copy).
    #[getter]
    fn profile(&self) -> BTreeMap<String, String> {
        self.0.profile.clone()
    }

    /// The declared purpose (CRM-5), as given, or None.
    #[getter]
    fn purpose(&self) -> Option<&str> {
        self.0.purpose.as_deref()
    }

    /// `{"identities": [{"kind", "value"}, ...], "name": ..., "profile":
    /// {...}, "purpose": ...}` (accepted back wherever a CustomerRecord is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let identities = self
            .identities()
            .iter()
            .map(|i| i.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("identities", identities)?;
        d.set_item("name", self.name())?;
        d.set_item("profile", self.profile())?;
        d.set_item("purpose", self.purpose())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["identities", "name", "profile", "purpose"];
        repr("CustomerRecord", &self.to_dict(py)?, &keys)
    }
}

/// The row error for identity `j` of row `row`, whose kind core has no value
/// for. Like core's, its message never holds the refused value.
fn kind_error(row: usize, j: usize) -> RowError {
    let kinds: Vec<&str> = IdentityKind::ALL.iter().map(|k| k.as_str()).collect();
    RowError {
        row,
        field: format!("identities[{j}].kind"),
        code: "validation".into(),
        message: format!(
            "not an identity kind; expected one of: {}",
            kinds.join(", ")
        ),
    }
}

/// One row of a batch: a `CustomerRecord`, or a dict with its keys. A row
/// whose identity kind is not one of `IDENTITY_KINDS` comes back with its row
/// error: core is given an empty record in its place, which it refuses
/// without touching anything, so its counts and audit record see every row.
fn record_arg(item: &Bound<'_, PyAny>, row: usize) -> PyResult<(CustomerRecord, Option<RowError>)> {
    if let Ok(r) = item.cast::<PyCustomerRecord>() {
        return Ok((r.get().0.clone(), None));
    }
    let at = format!("records[{row}]");
    let (mut identities, mut name, mut profile, mut purpose) = (None, None, BTreeMap::new(), None);
    for (key, value) in dict_items(item, &at, "a CustomerRecord or a dict")? {
        let here = path(&at, &key);
        match key.as_str() {
            "identities" => {
                let expected = "a list of Identity, dicts or (kind, value) pairs";
                let given = items(&value, &here, expected)?
                    .iter()
                    .enumerate()
                    .map(|(j, i)| identity_arg(i, &format!("{here}[{j}]")))
                    .collect::<PyResult<Vec<_>>>()?;
                identities = Some(given);
            }
            "name" => name = name_arg(&value, &here)?,
            "profile" => profile = profile_arg(&value, &here)?,
            "purpose" => purpose = purpose_arg(&value, &here)?,
            _ => {
                let expected = "identities, name, profile, purpose";
                return Err(unexpected(&at, &key, expected));
            }
        }
    }
    let given = identities.ok_or_else(|| missing(&at, "identities"))?;
    let mut parsed = Vec::with_capacity(given.len());
    for (j, g) in given.into_iter().enumerate() {
        match g {
            Given::Parsed(identity) => parsed.push(identity),
            Given::Raw(kind, value) => match kind.parse::<IdentityKind>() {
                Ok(kind) => parsed.push(Identity::new(kind, value)),
                Err(_) => return Ok((CustomerRecord::default(), Some(kind_error(row, j)))),
            },
        }
    }
    Ok((
        CustomerRecord {
            identities: parsed,
            name,
            profile,
            purpose,
        },
        None,
    ))
}

/// The records of a batch and the row errors the binding found itself.
/// Put the binding's own row errors (rows it could not hand to the core as
/// they were) in place of the core's errors for those rows.
fn with_ours(errors: &mut [RowError], mut ours: HashMap<usize, RowError>) {
    for error in errors {
        if let Some(o) = ours.remove(&error.row) {
            *error = o;
        }
    }
}

fn records_arg(
    records: &Bound<'_, PyAny>,
) -> PyResult<(Vec<CustomerRecord>, HashMap<usize, RowError>)> {
    if records.is_instance_of::<PyCustomerRecord>() {
        return Err(PyTypeError::new_err(
            "records: expected an iterable of CustomerRecord or dict, got one CustomerRecord; \
             pass [record]",
        ));
    }
    let expected = "an iterable of CustomerRecord or dict";
    let rows = items(records, "records", expected)?;
    let mut out = Vec::with_capacity(rows.len());
    let mut refused = HashMap::new();
    for (i, item) in rows.iter().enumerate() {
        let (record, error) = record_arg(item, i)?;
        if let Some(e) = error {
            refused.insert(i, e);
        }
        out.push(record);
    }
    Ok((out, refused))
}

/// Why one row of a batch (`Engine.ingest_customers`,
/// `Engine.record_interactions`, `Engine.record_mentions`) was refused; the
/// row changed nothing.
#[pyclass(frozen, eq, module = "brandrail", name = "RowError")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyRowError(RowError);

#[pymethods]
impl PyRowError {
    /// Index of the row in the batch, from 0.
    #[getter]
    fn row(&self) -> usize {
        self.0.row
    }

    /// The field at fault, relative to the row: 'identities',
    /// 'identities[0].phone', 'identities[1].kind', 'name',
    /// 'profile.national_id', 'profile.birth_date', 'purpose', ...; for an
    /// interaction 'customer_id', 'kind', 'at', 'page', 'amount' or
    /// 'channel'; for a mention 'platform', 'author', 'text', 'at', 'url' or
    /// 'reach'.
    #[getter]
    fn field(&self) -> &str {
        &self.0.field
    }

    /// 'validation' (a bad value), 'policy_violation' (a field the policy
    /// refuses, rule CRM-5) or 'not_found' (an interaction of an unknown or
    /// erased customer): the codes of `ValidationError`,
    /// `PolicyViolationError` and `NotFoundError`.
    #[getter]
    fn code(&self) -> &str {
        &self.0.code
    }

    /// What is wrong; never the refused value itself.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("row", self.row())?;
        d.set_item("field", self.field())?;
        d.set_item("code", self.code())?;
        d.set_item("message", self.message())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "RowError",
            &self.to_dict(py)?,
            &["row", "field", "code", "message"],
        )
    }
}

/// What `Engine.ingest_customers` did: counts, the customer each row landed
/// on, and the refused rows.
#[pyclass(frozen, eq, module = "brandrail", name = "IngestReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyIngestReport(IngestReport);

#[pymethods]
impl PyIngestReport {
    /// Rows given.
    #[getter]
    fn rows(&self) -> usize {
        self.0.rows
    }

    /// New customers.
    #[getter]
    fn created(&self) -> usize {
        self.0.created
    }

    /// Rows that matched known customers and updated one.
    #[getter]
    fn updated(&self) -> usize {
        self.0.updated
    }

    /// Customers merged into another because a row joined their identities
    /// (CRM-2).
    #[getter]
    fn merged(&self) -> usize {
        self.0.merged
    }

    /// For every row, in input order, the id of the customer it landed on,
    /// or None when it was refused (a copy).
    #[getter]
    fn customer_ids(&self) -> Vec<Option<i64>> {
        self.0.customer_ids.clone()
    }

    /// Rows that declared a purpose (CRM-5) and landed, the purpose recorded
    /// with their customer.
    #[getter]
    fn purposes_declared(&self) -> usize {
        self.0.purposes_declared
    }

    /// The refused rows, in row order.
    #[getter]
    fn errors(&self) -> Vec<PyRowError> {
        self.0.errors.iter().cloned().map(PyRowError).collect()
    }

    /// The fields as plain dicts and lists: `errors` is a list of their
    /// `to_dict()` (`pandas.DataFrame(report.to_dict()["errors"])`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rows", self.rows())?;
        d.set_item("created", self.created())?;
        d.set_item("updated", self.updated())?;
        d.set_item("merged", self.merged())?;
        d.set_item("customer_ids", self.customer_ids())?;
        d.set_item("purposes_declared", self.purposes_declared())?;
        let errors = self
            .errors()
            .iter()
            .map(|e| e.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("errors", errors)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        d.set_item("errors", self.0.errors.len())?;
        let keys = ["rows", "created", "updated", "merged", "errors"];
        repr("IngestReport", &d, &keys)
    }
}

/// A customer as read back (CRM-6). Without the reader's clearance
/// ('crm.read_sensitive') identities, name and profile values are masked
/// (`masked` is True): '138****8000', 'l***@example.com', '李**', '***'.
#[pyclass(frozen, eq, module = "brandrail", name = "Customer")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyCustomer(Customer);

#[pymethods]
impl PyCustomer {
    /// Identifier: the surviving one after merges (a merged id reads as its
    /// survivor).
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// Identities, cleaned ('13800138000', 'li.na@example.com'), by kind and
    /// value; masked without clearance.
    #[getter]
    fn identities(&self) -> Vec<PyIdentity> {
        self.0.identities.iter().cloned().map(PyIdentity).collect()
    }

    /// Name, or None; masked without clearance.
    #[getter]
    fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }

    /// Profile fields, general and core class ('address', 'birth_date',
    /// cleaned); each value '***' without clearance (a copy).
    #[getter]
    fn profile(&self) -> BTreeMap<String, String> {
        self.0.profile.clone()
    }

    /// Ids of the customers merged into this one.
    #[getter]
    fn merged_ids(&self) -> Vec<i64> {
        self.0.merged_ids.clone()
    }

    /// Whether values are shown masked.
    #[getter]
    fn masked(&self) -> bool {
        self.0.masked
    }

    /// First seen (UTC).
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Last changed (UTC).
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The fields as plain dicts and lists: `identities` is a list of
    /// `{"kind", "value"}` dicts.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        let identities = self
            .identities()
            .iter()
            .map(|i| i.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("identities", identities)?;
        d.set_item("name", self.name())?;
        d.set_item("profile", self.profile())?;
        d.set_item("merged_ids", self.merged_ids())?;
        d.set_item("masked", self.masked())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("updated_at", self.updated_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        d.set_item("identities", self.0.identities.len())?;
        let keys = ["id", "name", "identities", "merged_ids", "masked"];
        repr("Customer", &d, &keys)
    }
}

/// What `Engine.undo_merge` did (CRM-2): the customer restored, the one it
/// had been merged into, and how many identities went back to it.
#[pyclass(frozen, eq, module = "brandrail", name = "MergeUndone")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyMergeUndone(MergeUndone);

#[pymethods]
impl PyMergeUndone {
    /// The customer restored: a customer of its own again.
    #[getter]
    fn customer_id(&self) -> i64 {
        self.0.customer_id
    }

    /// The customer it had been merged into.
    #[getter]
    fn survivor_id(&self) -> i64 {
        self.0.survivor_id
    }

    /// Identities the merge had moved, now back with the restored customer.
    #[getter]
    fn identities_restored(&self) -> usize {
        self.0.identities_restored
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customer_id", self.customer_id())?;
        d.set_item("survivor_id", self.survivor_id())?;
        d.set_item("identities_restored", self.identities_restored())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["customer_id", "survivor_id", "identities_restored"];
        repr("MergeUndone", &self.to_dict(py)?, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// Ingest a batch of customer records (CRM-1, CRM-2, CRM-5, CRM-6; needs
    /// 'crm.ingest' and an engine opened with a `secret_key`, else
    /// ConfigurationError).
    ///
    /// `records` is any iterable of `CustomerRecord`s or dicts with the keys
    /// `identities` (required: a list of `Identity`s, `{"kind", "value"}`
    /// dicts or `(kind, value)` pairs), `name`, `profile` and `purpose`
    /// (optional; `purpose` a `str` or None). The shapes are checked first: a
    /// row that is not a CustomerRecord or a dict, an unknown or missing key,
    /// or a value of the wrong type raises TypeError naming it
    /// ('records[3].identities[0].value', 'records[0].purpose') and nothing
    /// is written.
    ///
    /// Then every row is cleaned (phones in any format to 11 digits, e-mails
    /// lower-cased, full-width forms folded, ...) and deduplicated on exact
    /// identities, all in one transaction with the GIL released. A bad row
    /// does not raise: it is in the report's `errors` (a bad value or an
    /// identity kind outside `IDENTITY_KINDS`, or a `purpose` that is not one
    /// of the policy's `crm.declared_purposes`: code 'validation'; a field
    /// the policy refuses, such as 'national_id', that no declared purpose of
    /// the row allows: 'policy_violation', rule CRM-5) and changes nothing,
    /// while the good rows land. A refused field the row's purpose allows is
    /// accepted, sealed and masked like a core field, the purpose recorded
    /// with the customer (in the export, gone on erasure) and counted in
    /// `purposes_declared`. A row whose identities belong to known customers
    /// updates them, merging several into the oldest.
    fn ingest_customers(
        &self,
        py: Python<'_>,
        actor: String,
        records: &Bound<'_, PyAny>,
    ) -> PyResult<PyIngestReport> {
        let (records, refused) = records_arg(records)?;
        let mut report = self.call(py, move |e| e.ingest_customers(&actor, &records))?;
        with_ours(&mut report.errors, refused);
        Ok(PyIngestReport(report))
    }

    /// One customer (CRM-6; needs 'crm.read' and a `secret_key`). A merged id
    /// reads as the customer it was merged into. Identities, name and profile
    /// are masked unless the actor holds 'crm.read_sensitive'; an unmasked
    /// read is audited. NotFoundError for an unknown or erased customer.
    fn customer(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyCustomer> {
        self.call(py, |e| e.customer(&actor, id)).map(PyCustomer)
    }

    /// The id of the customer holding an identity, or None (needs 'crm.read'
    /// and a `secret_key`). `kind` is one of `IDENTITY_KINDS`; `value` is
    /// cleaned as on ingest ('+86 138-0013-8000' finds '13800138000'). A
    /// value that cannot be one of `kind` raises ValidationError (field
    /// 'value').
    fn find_customer(
        &self,
        py: Python<'_>,
        actor: String,
        kind: &str,
        value: String,
    ) -> PyResult<Option<i64>> {
        let kind = parse::<IdentityKind>(kind, "kind").into_pyresult()?;
        self.call(py, |e| e.find_customer(&actor, kind, &value))
    }

    /// How many live customers there are (merged and erased ones not
    /// counted). Reads only and needs no principal.
    fn customer_count(&self, py: Python<'_>) -> PyResult<u64> {
        self.call(py, |e| e.customer_count())
    }

    /// Undo the merge that folded customer `merged_id` into another (CRM-2;
    /// needs 'crm.merge'; audited as 'crm.unmerge'): the identities the merge
    /// moved go back to it and it is a customer of its own again, while
    /// identities the survivor gained later stay with the survivor. Returns a
    /// `MergeUndone`. ConflictError when `merged_id` is not merged into
    /// another; NotFoundError for an unknown or erased customer.
    fn undo_merge(&self, py: Python<'_>, actor: String, merged_id: i64) -> PyResult<PyMergeUndone> {
        self.call(py, |e| e.undo_merge(&actor, merged_id))
            .map(PyMergeUndone)
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyIdentity>()?;
    m.add_class::<PyCustomerRecord>()?;
    m.add_class::<PyRowError>()?;
    m.add_class::<PyIngestReport>()?;
    m.add_class::<PyCustomer>()?;
    m.add_class::<PyMergeUndone>()?;
    m.add_class::<PyConsent>()?;
    m.add_class::<PyErasure>()?;
    fuzzy::register(m)?;
    interactions::register(m)?;
    rule::register(m)?;
    segments::register(m)?;
    value::register(m)?;
    service::register(m)?;
    opinion::register(m)?;
    m.add(
        "IDENTITY_KINDS",
        PyTuple::new(py, IdentityKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    Ok(())
}
