//! Interactions (core `crm/interactions.rs`, CRM-3): the `NewInteraction`
//! input (a plain dict works too), the `InteractionReport`, `Interaction`,
//! `PurchaseSummary`, `Funnel` and `FunnelStep` results, the
//! `INTERACTION_KINDS` value set and the Engine methods that record
//! interactions in batches, read a customer's history and purchases and count
//! click-path funnels.
//!
//! As for customer records, a batch crosses once, is checked for host types
//! as a whole before anything is written (a row of the wrong shape raises
//! `TypeError` and nothing changes) and is recorded with the GIL released.
//! Bad values are row errors reported by core; the one value core cannot be
//! given, a kind outside `INTERACTION_KINDS`, is reported by the binding as
//! the same kind of row error (field `kind`).

use std::collections::HashMap;

use brandrail::Error;
use brandrail::crm::{
    Funnel, FunnelStep, Interaction, InteractionKind, InteractionReport, NewInteraction,
    PurchaseSummary, RowError,
};
use brandrail::money::Decimal;
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::{PyRowError, items};
use crate::convert::{
    decimal, dict_items, extract_at, missing, money_text, parse, path, repr, strings, unexpected,
    utc, whole,
};
use crate::engine::PyEngine;
use crate::error::{IntoPyResult, invalid};

/// The keys of a `NewInteraction` dict.
const KEYS: &str = "customer_id, kind, at, page, amount, channel";

/// One interaction to record with `Engine.record_interactions` (CRM-3). A
/// plain dict with the same keys works too.
///
/// `customer_id` is the customer (a merged id records on its survivor);
/// `kind` one of `brandrail.INTERACTION_KINDS` (another raises
/// ValidationError here; in a dict row it is a row error instead); `at` a
/// timezone-aware datetime. `page` (the page or click-path step: 'home',
/// 'product', a URL path) is required for views, clicks and path steps;
/// `amount`, exact money (a `decimal.Decimal`, an int or a decimal string
/// such as '299.00'; a float raises TypeError, text that is not an amount
/// ValidationError), is required for a purchase and refused for anything
/// else; `channel` is where it happened ('wechat_mini_program', 'pos', ...;
/// an identifier). The values are checked when recorded: a bad one is a
/// `RowError` of the batch.
#[pyclass(frozen, eq, module = "brandrail", name = "NewInteraction")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyNewInteraction(NewInteraction);

#[pymethods]
impl PyNewInteraction {
    #[new]
    #[pyo3(signature = (customer_id, kind, at, *, page = None, amount = None, channel = None))]
    fn new(
        customer_id: &Bound<'_, PyAny>,
        kind: &str,
        at: &Bound<'_, PyAny>,
        page: Option<String>,
        amount: Option<&Bound<'_, PyAny>>,
        channel: Option<String>,
    ) -> PyResult<Self> {
        let customer_id = whole(customer_id, "customer_id")?;
        let kind = parse::<InteractionKind>(kind, "kind").into_pyresult()?;
        let at = utc(at, "at")?;
        let amount = amount
            .filter(|a| !a.is_none())
            .map(|a| decimal(a, "amount"))
            .transpose()?;
        Ok(Self(NewInteraction {
            customer_id,
            kind,
            at,
            page,
            amount: amount.map(|a| a.to_string()),
            channel,
        }))
    }

    /// The customer.
    #[getter]
    fn customer_id(&self) -> i64 {
        self.0.customer_id
    }

    /// What happened (one of `brandrail.INTERACTION_KINDS`), e.g. 'purchase'.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// When (UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// The page or click-path step, or None.
    #[getter]
    fn page(&self) -> Option<&str> {
        self.0.page.as_deref()
    }

    /// The amount of a purchase as `decimal.Decimal` (its scale kept), or
    /// None.
    #[getter]
    fn amount(&self) -> PyResult<Option<Decimal>> {
        self.0
            .amount
            .as_deref()
            .map(|a| a.parse().map_err(|_| invalid("amount", "is not a decimal")))
            .transpose()
            .into_pyresult()
    }

    /// Where it happened, or None.
    #[getter]
    fn channel(&self) -> Option<&str> {
        self.0.channel.as_deref()
    }

    /// The fields as a plain dict (accepted back wherever a NewInteraction
    /// is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customer_id", self.customer_id())?;
        d.set_item("kind", self.kind())?;
        d.set_item("at", self.at())?;
        d.set_item("page", self.page())?;
        d.set_item("amount", self.amount()?)?;
        d.set_item("channel", self.channel())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["customer_id", "kind", "at", "page", "amount", "channel"];
        repr("NewInteraction", &self.to_dict(py)?, &keys)
    }
}

/// The row error for row `row`, whose kind core has no value for. Like
/// core's, its message never holds the refused value.
fn kind_error(row: usize) -> RowError {
    let kinds: Vec<&str> = InteractionKind::ALL.iter().map(|k| k.as_str()).collect();
    RowError {
        row,
        field: "kind".into(),
        code: "validation".into(),
        message: format!(
            "not an interaction kind; expected one of: {}",
            kinds.join(", ")
        ),
    }
}

/// One row of a batch: a `NewInteraction`, or a dict with its keys. A row
/// whose kind is not one of `INTERACTION_KINDS` comes back with its row
/// error: core is given a purchase without an amount in its place, which it
/// refuses without touching anything, so its counts and audit record see
/// every row.
fn interaction_arg(
    item: &Bound<'_, PyAny>,
    row: usize,
) -> PyResult<(NewInteraction, Option<RowError>)> {
    if let Ok(i) = item.cast::<PyNewInteraction>() {
        return Ok((i.get().0.clone(), None));
    }
    let at = format!("interactions[{row}]");
    let (mut customer_id, mut kind, mut when) = (None, None, None);
    let (mut page, mut amount, mut channel) = (None, None, None);
    for (key, value) in dict_items(item, &at, "a NewInteraction or a dict")? {
        let here = path(&at, &key);
        match key.as_str() {
            "customer_id" => customer_id = Some(whole::<i64>(&value, &here)?),
            "kind" => kind = Some(extract_at::<String>(&value, &here)?),
            "at" => when = Some(utc(&value, &here)?),
            "page" => page = extract_at::<Option<String>>(&value, &here)?,
            "amount" if value.is_none() => amount = None,
            "amount" => amount = Some(money_text(&value, &here)?),
            "channel" => channel = extract_at::<Option<String>>(&value, &here)?,
            _ => return Err(unexpected(&at, &key, KEYS)),
        }
    }
    let customer_id = customer_id.ok_or_else(|| missing(&at, "customer_id"))?;
    let kind = kind.ok_or_else(|| missing(&at, "kind"))?;
    let when = when.ok_or_else(|| missing(&at, "at"))?;
    let Ok(kind) = kind.parse::<InteractionKind>() else {
        let refused = NewInteraction {
            customer_id,
            kind: InteractionKind::Purchase,
            at: DateTime::UNIX_EPOCH,
            page: None,
            amount: None,
            channel: None,
        };
        return Ok((refused, Some(kind_error(row))));
    };
    Ok((
        NewInteraction {
            customer_id,
            kind,
            at: when,
            page,
            amount,
            channel,
        },
        None,
    ))
}

/// The interactions of a batch and the row errors the binding found itself.
fn interactions_arg(
    interactions: &Bound<'_, PyAny>,
) -> PyResult<(Vec<NewInteraction>, HashMap<usize, RowError>)> {
    if interactions.is_instance_of::<PyNewInteraction>() {
        return Err(PyTypeError::new_err(
            "interactions: expected an iterable of NewInteraction or dict, got one \
             NewInteraction; pass [interaction]",
        ));
    }
    let expected = "an iterable of NewInteraction or dict";
    let rows = items(interactions, "interactions", expected)?;
    let mut out = Vec::with_capacity(rows.len());
    let mut refused = HashMap::new();
    for (i, item) in rows.iter().enumerate() {
        let (interaction, error) = interaction_arg(item, i)?;
        if let Some(e) = error {
            refused.insert(i, e);
        }
        out.push(interaction);
    }
    Ok((out, refused))
}

/// What `Engine.record_interactions` did: counts and the refused rows.
#[pyclass(frozen, eq, module = "brandrail", name = "InteractionReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyInteractionReport(InteractionReport);

#[pymethods]
impl PyInteractionReport {
    /// Rows given.
    #[getter]
    fn rows(&self) -> usize {
        self.0.rows
    }

    /// Rows recorded.
    #[getter]
    fn recorded(&self) -> usize {
        self.0.recorded
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
        d.set_item("recorded", self.recorded())?;
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
        repr("InteractionReport", &d, &["rows", "recorded", "errors"])
    }
}

/// An interaction as read back (CRM-3). Without the reader's clearance
/// ('crm.read_sensitive') the page reads '***' and the amount None.
#[pyclass(frozen, eq, module = "brandrail", name = "Interaction")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyInteraction(Interaction);

#[pymethods]
impl PyInteraction {
    /// What happened (one of `brandrail.INTERACTION_KINDS`).
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// When (UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// The page or click-path step, or None; '***' without clearance.
    #[getter]
    fn page(&self) -> Option<&str> {
        self.0.page.as_deref()
    }

    /// The amount of a purchase as `decimal.Decimal` (its scale kept);
    /// None for other kinds and without clearance.
    #[getter]
    fn amount(&self) -> Option<Decimal> {
        self.0.amount
    }

    /// Where it happened, or None.
    #[getter]
    fn channel(&self) -> Option<&str> {
        self.0.channel.as_deref()
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.kind())?;
        d.set_item("at", self.at())?;
        d.set_item("page", self.page())?;
        d.set_item("amount", self.amount())?;
        d.set_item("channel", self.channel())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["kind", "at", "page", "amount", "channel"];
        repr("Interaction", &self.to_dict(py)?, &keys)
    }
}

/// A customer's purchases (CRM-3): how many, their total, the average order
/// value and the first and last.
#[pyclass(frozen, eq, module = "brandrail", name = "PurchaseSummary")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPurchaseSummary(PurchaseSummary);

#[pymethods]
impl PyPurchaseSummary {
    /// Number of purchases.
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }

    /// Their total as `decimal.Decimal`.
    #[getter]
    fn total(&self) -> Decimal {
        self.0.total
    }

    /// Average order value (total / count) as `decimal.Decimal`, 2 decimals;
    /// 0 without purchases.
    #[getter]
    fn average_order_value(&self) -> Decimal {
        self.0.average_order_value
    }

    /// First purchase (UTC), or None.
    #[getter]
    fn first_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_at
    }

    /// Last purchase (UTC), or None.
    #[getter]
    fn last_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_at
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("count", self.count())?;
        d.set_item("total", self.total())?;
        d.set_item("average_order_value", self.average_order_value())?;
        d.set_item("first_at", self.first_at())?;
        d.set_item("last_at", self.last_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "count",
            "total",
            "average_order_value",
            "first_at",
            "last_at",
        ];
        repr("PurchaseSummary", &self.to_dict(py)?, &keys)
    }
}

/// One step of a `Funnel`: its page and how many customers reached it.
#[pyclass(frozen, eq, module = "brandrail", name = "FunnelStep")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyFunnelStep(FunnelStep);

#[pymethods]
impl PyFunnelStep {
    /// The page of the step.
    #[getter]
    fn page(&self) -> &str {
        &self.0.page
    }

    /// Customers who reached it, having reached every step before it in
    /// order.
    #[getter]
    fn customers(&self) -> u64 {
        self.0.customers
    }

    /// `{"page": ..., "customers": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("page", self.page())?;
        d.set_item("customers", self.customers())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("FunnelStep", &self.to_dict(py)?, &["page", "customers"])
    }
}

/// How many customers reached each step of a click-path funnel, in order
/// (CRM-3). Counts only: no customer is named.
#[pyclass(frozen, eq, module = "brandrail", name = "Funnel")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyFunnel(Funnel);

#[pymethods]
impl PyFunnel {
    /// The steps in the order given, each with the customers who reached it
    /// (a copy).
    #[getter]
    fn steps(&self) -> Vec<PyFunnelStep> {
        self.0.steps.iter().cloned().map(PyFunnelStep).collect()
    }

    /// `{"steps": [{"page", "customers"}, ...]}`
    /// (`pandas.DataFrame(funnel.to_dict()["steps"])`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        let steps = self
            .steps()
            .iter()
            .map(|s| s.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("steps", steps)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let steps = self
            .steps()
            .iter()
            .map(|s| s.__repr__(py))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(format!("Funnel(steps=[{}])", steps.join(", ")))
    }
}

#[pymethods]
impl PyEngine {
    /// Record a batch of interactions (CRM-3; needs 'crm.ingest' and an
    /// engine opened with a `secret_key`, else ConfigurationError: purchase
    /// amounts are sealed at rest, CRM-6).
    ///
    /// `interactions` is any iterable of `NewInteraction`s or dicts with the
    /// keys `customer_id`, `kind` and `at` (required), `page`, `amount` and
    /// `channel` (optional). The shapes are checked first: a row that is not
    /// a NewInteraction or a dict, an unknown or missing key, or a value of
    /// the wrong type (a `str` id, a float amount) raises TypeError naming it
    /// ('interactions[3].amount'), a naive `at` ValidationError, and nothing
    /// is written.
    ///
    /// Then the batch is recorded in one transaction with the GIL released.
    /// A bad row does not raise: it is in the report's `errors` (an unknown
    /// or erased customer: field 'customer_id', code 'not_found'; a kind
    /// outside `INTERACTION_KINDS`, a view, click or path step without a
    /// page, a purchase without an amount above 0, an amount on anything
    /// else, a time more than a day ahead, a channel that is not an
    /// identifier: code 'validation') and changes nothing, while the good
    /// rows land.
    fn record_interactions(
        &self,
        py: Python<'_>,
        actor: String,
        interactions: &Bound<'_, PyAny>,
    ) -> PyResult<PyInteractionReport> {
        let (rows, refused) = interactions_arg(interactions)?;
        let mut report = self.call(py, move |e| e.record_interactions(&actor, &rows))?;
        super::with_ours(&mut report.errors, refused);
        Ok(PyInteractionReport(report))
    }

    /// A customer's interactions by time, with those of the customers merged
    /// into it (CRM-3; needs 'crm.read' and a `secret_key`). Pages read '***'
    /// and amounts None unless the actor holds 'crm.read_sensitive'.
    /// NotFoundError for an unknown or erased customer.
    fn customer_interactions(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
    ) -> PyResult<Vec<PyInteraction>> {
        let list = self.call(py, |e| e.customer_interactions(&actor, customer_id))?;
        Ok(list.into_iter().map(PyInteraction).collect())
    }

    /// A customer's purchases with those of the customers merged into it:
    /// count, total, average order value, first and last (CRM-3; needs
    /// 'crm.read_sensitive': amounts are core data, and a `secret_key`). Returns a
    /// `PurchaseSummary`; NotFoundError for an unknown or erased customer.
    fn purchase_summary(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
    ) -> PyResult<PyPurchaseSummary> {
        self.call(py, |e| e.purchase_summary(&actor, customer_id))
            .map(PyPurchaseSummary)
    }

    /// How many of `steps` (an iterable of pages, 1 to 20, e.g. ['home',
    /// 'product', 'reviews']) one customer's click path reached, in order
    /// (CRM-3; needs 'crm.read'). ValidationError (field 'steps') for no or
    /// too many steps; NotFoundError for an unknown or erased customer.
    fn customer_funnel(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
        steps: &Bound<'_, PyAny>,
    ) -> PyResult<usize> {
        let steps = strings(steps, "steps")?;
        self.call(py, |e| e.customer_funnel(&actor, customer_id, &steps))
    }

    /// A click-path funnel over every customer with path steps from `since`
    /// (inclusive) to `until` (exclusive), both timezone-aware datetimes
    /// (CRM-3; needs 'crm.read'): per step, how many customers reached it
    /// having reached the steps before it, in order. Returns a `Funnel`
    /// (counts only). ValidationError for no or too many steps (field
    /// 'steps') or `until` not after `since` (field 'until').
    fn funnel(
        &self,
        py: Python<'_>,
        actor: String,
        steps: &Bound<'_, PyAny>,
        since: &Bound<'_, PyAny>,
        until: &Bound<'_, PyAny>,
    ) -> PyResult<PyFunnel> {
        let steps = strings(steps, "steps")?;
        let (from, to) = (utc(since, "since")?, utc(until, "until")?);
        self.call(py, |e| {
            // Core names its own parameter ('to'): name the Python one.
            e.funnel(&actor, &steps, from, to).map_err(|err| match err {
                Error::Validation { field, .. } if field == "to" => {
                    invalid("until", "must be after since")
                }
                other => other,
            })
        })
        .map(PyFunnel)
    }
}

/// Add the classes and the value set of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyNewInteraction>()?;
    m.add_class::<PyInteractionReport>()?;
    m.add_class::<PyInteraction>()?;
    m.add_class::<PyPurchaseSummary>()?;
    m.add_class::<PyFunnelStep>()?;
    m.add_class::<PyFunnel>()?;
    m.add(
        "INTERACTION_KINDS",
        PyTuple::new(py, InteractionKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    Ok(())
}
