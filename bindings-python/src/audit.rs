//! The audit log (core `audit`): verification and queries (also as columns
//! for pandas), with their result classes. Backups are in `audit/backup.rs`,
//! as in core.

mod backup;

use brandrail::{AuditQuery, AuditRecord, AuditVerification, Outcome};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{columns, opt_utc, repr};
use crate::engine::PyEngine;
use crate::error::{IntoPyResult, invalid};

/// One record of the tamper-evident audit log. Records hold identifiers and
/// digests only, never personal values.
#[pyclass(frozen, eq, module = "brandrail", name = "AuditRecord")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAuditRecord(AuditRecord);

/// The column names of `AuditRecord.to_dict()` and `Engine.audit_query_columns()`.
const RECORD_COLUMNS: [&str; 12] = [
    "seq",
    "at",
    "principal",
    "action",
    "entity_type",
    "entity_id",
    "outcome",
    "detail",
    "before_digest",
    "after_digest",
    "prev_hash",
    "hash",
];

/// The record's values in the order of [`RECORD_COLUMNS`].
fn record_values<'py>(py: Python<'py>, r: &AuditRecord) -> PyResult<[Bound<'py, PyAny>; 12]> {
    Ok([
        r.seq.into_pyobject(py)?.into_any(),
        r.at.into_pyobject(py)?.into_any(),
        r.principal.as_str().into_pyobject(py)?.into_any(),
        r.action.as_str().into_pyobject(py)?.into_any(),
        r.entity_type.as_str().into_pyobject(py)?.into_any(),
        r.entity_id.as_str().into_pyobject(py)?.into_any(),
        r.outcome.as_str().into_pyobject(py)?.into_any(),
        r.detail.as_str().into_pyobject(py)?.into_any(),
        r.before_digest.as_deref().into_pyobject(py)?.into_any(),
        r.after_digest.as_deref().into_pyobject(py)?.into_any(),
        r.prev_hash.as_str().into_pyobject(py)?.into_any(),
        r.hash.as_str().into_pyobject(py)?.into_any(),
    ])
}

#[pymethods]
impl PyAuditRecord {
    /// Position in the chain, from 1, without gaps.
    #[getter]
    fn seq(&self) -> i64 {
        self.0.seq
    }

    /// When it happened (engine clock, UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Handle of the acting principal.
    #[getter]
    fn principal(&self) -> &str {
        &self.0.principal
    }

    /// What was attempted, e.g. 'principal.create'.
    #[getter]
    fn action(&self) -> &str {
        &self.0.action
    }

    /// Kind of entity acted on, e.g. 'principal'.
    #[getter]
    fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// Its identifier.
    #[getter]
    fn entity_id(&self) -> &str {
        &self.0.entity_id
    }

    /// 'applied' or 'denied'.
    #[getter]
    fn outcome(&self) -> &'static str {
        self.0.outcome.as_str()
    }

    /// Non-personal detail: the denied permission and reason, a role name, a count.
    #[getter]
    fn detail(&self) -> &str {
        &self.0.detail
    }

    /// SHA-256 (hex) of the entity before the change, or None.
    #[getter]
    fn before_digest(&self) -> Option<&str> {
        self.0.before_digest.as_deref()
    }

    /// SHA-256 (hex) of the entity after the change, or None.
    #[getter]
    fn after_digest(&self) -> Option<&str> {
        self.0.after_digest.as_deref()
    }

    /// Hash (hex) of the previous record.
    #[getter]
    fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }

    /// Hash (hex) of this record.
    #[getter]
    fn hash(&self) -> &str {
        &self.0.hash
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (key, value) in RECORD_COLUMNS.iter().zip(record_values(py, &self.0)?) {
            d.set_item(key, value)?;
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["seq", "at", "principal", "action", "entity_id", "outcome"];
        repr("AuditRecord", &self.to_dict(py)?, &keys)
    }
}

/// The result of walking the whole audit chain (`Engine.verify_audit()`).
#[pyclass(frozen, eq, module = "brandrail", name = "AuditVerification")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAuditVerification(AuditVerification);

#[pymethods]
impl PyAuditVerification {
    /// True when every record and the recorded head check out.
    #[getter]
    fn ok(&self) -> bool {
        self.0.ok
    }

    /// Records read.
    #[getter]
    fn records_checked(&self) -> u64 {
        self.0.records_checked
    }

    /// The first record that failed (for a removed tail: the first missing
    /// one), or None.
    #[getter]
    fn first_bad_seq(&self) -> Option<i64> {
        self.0.first_bad_seq
    }

    /// What failed there, or None.
    #[getter]
    fn problem(&self) -> Option<&str> {
        self.0.problem.as_deref()
    }

    /// Sequence of the newest record.
    #[getter]
    fn head_seq(&self) -> i64 {
        self.0.head_seq
    }

    /// Hash (hex) of the newest record; store it elsewhere to anchor the chain.
    #[getter]
    fn head_hash(&self) -> &str {
        &self.0.head_hash
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("ok", self.ok())?;
        d.set_item("records_checked", self.records_checked())?;
        d.set_item("first_bad_seq", self.first_bad_seq())?;
        d.set_item("problem", self.problem())?;
        d.set_item("head_seq", self.head_seq())?;
        d.set_item("head_hash", self.head_hash())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "ok",
            "records_checked",
            "first_bad_seq",
            "problem",
            "head_seq",
        ];
        repr("AuditVerification", &self.to_dict(py)?, &keys)
    }
}

/// Core's `Outcome` from its storage name.
fn outcome(name: &str) -> brandrail::Result<Outcome> {
    [Outcome::Applied, Outcome::Denied]
        .into_iter()
        .find(|o| o.as_str() == name)
        .ok_or_else(|| invalid("outcome", "must be one of: applied, denied"))
}

/// The filters of `audit_query` / `audit_query_columns`.
#[allow(clippy::too_many_arguments)]
fn query(
    principal: Option<String>,
    entity_type: Option<String>,
    entity_id: Option<String>,
    action: Option<String>,
    outcome: Option<&str>,
    since: Option<&Bound<'_, PyAny>>,
    until: Option<&Bound<'_, PyAny>>,
    after_seq: Option<i64>,
    limit: Option<i64>,
) -> PyResult<AuditQuery> {
    let limit = limit
        .map(|l| u32::try_from(l).map_err(|_| invalid("limit", "is out of range (1 to 100000)")))
        .transpose()
        .into_pyresult()?;
    Ok(AuditQuery {
        principal,
        entity_type,
        entity_id,
        action,
        outcome: outcome.map(self::outcome).transpose().into_pyresult()?,
        since: opt_utc(since, "since")?,
        until: opt_utc(until, "until")?,
        after_seq,
        limit,
    })
}

#[pymethods]
impl PyEngine {
    /// Walk the whole audit chain and report the first broken record. Reads
    /// only and needs no principal; the GIL is released meanwhile.
    fn verify_audit(&self, py: Python<'_>) -> PyResult<PyAuditVerification> {
        self.call(py, |e| e.verify_audit()).map(PyAuditVerification)
    }

    /// Audit records matching every given filter, in sequence order (needs
    /// 'audit.read'; a refusal is itself recorded).
    ///
    /// `action` matches exactly, or every action under a prefix ending in '.'
    /// ('principal.' matches 'principal.create', ...). `outcome` is 'applied'
    /// or 'denied'. `since` (inclusive) and `until` (exclusive) are
    /// timezone-aware datetimes. Page with `after_seq` and `limit` (default
    /// 1000, at most 100000).
    #[pyo3(signature = (actor, *, principal = None, entity_type = None, entity_id = None, action = None, outcome = None, since = None, until = None, after_seq = None, limit = None))]
    #[allow(clippy::too_many_arguments)]
    fn audit_query(
        &self,
        py: Python<'_>,
        actor: String,
        principal: Option<String>,
        entity_type: Option<String>,
        entity_id: Option<String>,
        action: Option<String>,
        outcome: Option<&str>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
        after_seq: Option<i64>,
        limit: Option<i64>,
    ) -> PyResult<Vec<PyAuditRecord>> {
        let q = query(
            principal,
            entity_type,
            entity_id,
            action,
            outcome,
            since,
            until,
            after_seq,
            limit,
        )?;
        let records = self.call(py, |e| e.audit_query(&actor, &q))?;
        Ok(records.into_iter().map(PyAuditRecord).collect())
    }

    /// `audit_query` as columns: a dict of equally long lists keyed like
    /// `AuditRecord.to_dict()`, ready for `pandas.DataFrame(...)`.
    #[pyo3(signature = (actor, *, principal = None, entity_type = None, entity_id = None, action = None, outcome = None, since = None, until = None, after_seq = None, limit = None))]
    #[allow(clippy::too_many_arguments)]
    fn audit_query_columns<'py>(
        &self,
        py: Python<'py>,
        actor: String,
        principal: Option<String>,
        entity_type: Option<String>,
        entity_id: Option<String>,
        action: Option<String>,
        outcome: Option<&str>,
        since: Option<&Bound<'py, PyAny>>,
        until: Option<&Bound<'py, PyAny>>,
        after_seq: Option<i64>,
        limit: Option<i64>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let q = query(
            principal,
            entity_type,
            entity_id,
            action,
            outcome,
            since,
            until,
            after_seq,
            limit,
        )?;
        let records = self.call(py, |e| e.audit_query(&actor, &q))?;
        columns(
            py,
            &RECORD_COLUMNS,
            records.iter().map(|r| record_values(py, r)),
        )
    }

    /// Number of records in the audit log.
    fn audit_len(&self, py: Python<'_>) -> PyResult<i64> {
        self.call(py, |e| e.audit_len())
    }
}

/// Add the classes of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyAuditRecord>()?;
    m.add_class::<PyAuditVerification>()?;
    backup::register(m)?;
    Ok(())
}
