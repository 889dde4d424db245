//! Consent and data-subject rights (core `crm/privacy.rs`, CRM-7, CRM-8): the
//! `Consent` and `Erasure` classes and the Engine methods that record consent
//! and sends, export everything about a customer and erase it.

use brandrail::crm::{Consent, ConsentChange, Erasure};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::repr;
use crate::engine::PyEngine;

/// The consent in force for one channel and purpose of a customer (CRM-8):
/// the latest decision recorded for them, with its evidence.
#[pyclass(frozen, eq, module = "brandrail", name = "Consent")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyConsent(Consent);

#[pymethods]
impl PyConsent {
    /// Channel ('sms', 'email', 'wechat', 'phone_call', ...).
    #[getter]
    fn channel(&self) -> &str {
        &self.0.channel
    }

    /// Purpose ('marketing', 'service', 'survey', ...).
    #[getter]
    fn purpose(&self) -> &str {
        &self.0.purpose
    }

    /// Whether it is granted now (False: withdrawn).
    #[getter]
    fn granted(&self) -> bool {
        self.0.granted
    }

    /// Where the decision comes from (form id, checkbox text, call
    /// reference).
    #[getter]
    fn evidence(&self) -> &str {
        &self.0.evidence
    }

    /// When it was recorded (UTC).
    #[getter]
    fn recorded_at(&self) -> DateTime<Utc> {
        self.0.recorded_at
    }

    /// Handle of the principal who recorded it.
    #[getter]
    fn recorded_by(&self) -> &str {
        &self.0.recorded_by
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("channel", self.channel())?;
        d.set_item("purpose", self.purpose())?;
        d.set_item("granted", self.granted())?;
        d.set_item("evidence", self.evidence())?;
        d.set_item("recorded_at", self.recorded_at())?;
        d.set_item("recorded_by", self.recorded_by())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["channel", "purpose", "granted", "recorded_by"];
        repr("Consent", &self.to_dict(py)?, &keys)
    }
}

/// What `Engine.erase_customer` removed (CRM-7).
#[pyclass(frozen, eq, module = "brandrail", name = "Erasure")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyErasure(Erasure);

#[pymethods]
impl PyErasure {
    /// The customer ids erased: the customer, then those merged into it.
    #[getter]
    fn customer_ids(&self) -> Vec<i64> {
        self.0.customer_ids.clone()
    }

    /// Rows of personal data removed (identities, source records, consents,
    /// sends, interactions).
    #[getter]
    fn rows_removed(&self) -> usize {
        self.0.rows_removed
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customer_ids", self.customer_ids())?;
        d.set_item("rows_removed", self.rows_removed())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "Erasure",
            &self.to_dict(py)?,
            &["customer_ids", "rows_removed"],
        )
    }
}

fn consents(list: Vec<Consent>) -> Vec<PyConsent> {
    list.into_iter().map(PyConsent).collect()
}

#[pymethods]
impl PyEngine {
    /// Record a consent decision of customer `customer_id` (CRM-8; needs
    /// 'consent.manage'): `granted` (True) or withdrawn (False) for one
    /// `channel` and `purpose` (identifiers such as 'sms' and 'marketing'),
    /// with its `evidence` (1 to 500 characters, no control characters).
    /// The latest decision per channel and purpose is in force; the history
    /// is kept. Returns the consents now in force. ValidationError for a bad
    /// channel, purpose or evidence; NotFoundError for an unknown or erased
    /// customer.
    #[pyo3(signature = (actor, customer_id, *, channel, purpose, granted, evidence))]
    #[allow(clippy::too_many_arguments)]
    fn record_consent(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
        channel: String,
        purpose: String,
        granted: bool,
        evidence: String,
    ) -> PyResult<Vec<PyConsent>> {
        let change = ConsentChange {
            channel,
            purpose,
            granted,
            evidence,
        };
        self.call(py, |e| e.record_consent(&actor, customer_id, &change))
            .map(consents)
    }

    /// The consents in force for a customer, one per channel and purpose in
    /// the order first recorded (CRM-8; needs 'crm.read').
    fn consents(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
    ) -> PyResult<Vec<PyConsent>> {
        self.call(py, |e| e.consents(&actor, customer_id))
            .map(consents)
    }

    /// Record that a message goes to a customer on `channel` for `purpose`
    /// and return the send's id (CRM-8; needs 'campaign.manage').
    /// PolicyViolationError (rule 'CRM-8') unless the customer's consent for
    /// exactly this channel and purpose is granted and in force; a refused
    /// send records nothing.
    fn record_send(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
        channel: String,
        purpose: String,
    ) -> PyResult<i64> {
        self.call(py, |e| {
            e.record_send(&actor, customer_id, &channel, &purpose)
        })
    }

    /// Everything brandrail holds about one customer, as one JSON document
    /// (a `str`, pretty-printed: what is handed to the data subject; read it
    /// with `json.loads`) (CRM-7; needs 'crm.export' and a `secret_key`;
    /// audited). Its keys: 'format', 'exported_at', 'customer_id' (the
    /// survivor's, for a merged id), 'merged_ids', 'created_at',
    /// 'updated_at', 'identities', 'name', 'profile', 'sources' (every source
    /// record of the customer and of those merged into it, with its
    /// 'customer_id' and department), 'consent_history', 'consents_in_force',
    /// 'sends', 'interactions' (CRM-3) and 'tickets' (CRM-9, with their
    /// responses). Values are in clear.
    fn export_customer(&self, py: Python<'_>, actor: String, customer_id: i64) -> PyResult<String> {
        self.call(py, |e| e.export_customer(&actor, customer_id))
    }

    /// Erase a customer on request (CRM-7; needs 'crm.erase'): identities,
    /// name, profile, source records, consents, sends and interactions of the
    /// customer and of every customer merged into it are removed, and their
    /// service tickets lose their words; the ids stay as
    /// tombstones, so reading them raises NotFoundError. The audit log keeps
    /// only ids and digests, so its chain still verifies. `reason` (display
    /// text, not empty) is required. NotFoundError for an unknown or already
    /// erased customer.
    fn erase_customer(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
        reason: String,
    ) -> PyResult<PyErasure> {
        self.call(py, |e| e.erase_customer(&actor, customer_id, &reason))
            .map(PyErasure)
    }
}
