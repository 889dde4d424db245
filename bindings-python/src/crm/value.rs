//! Customer value (core `crm/value.rs`, CRM-11): the `Rfm` and `ValueReport`
//! results and the Engine methods `rfm`, `rfm_frame` (a pandas DataFrame)
//! and `customer_value`. Money is `decimal.Decimal` both ways, as everywhere
//! in the binding; the period is two timezone-aware datetimes, as for
//! `funnel`.

use brandrail::Error;
use brandrail::crm::{Rfm, ValueReport};
use brandrail::money::Decimal;
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{columns, frame, money_text, pandas, repr, utc};
use crate::engine::PyEngine;
use crate::error::invalid;

/// The columns of `Rfm.to_dict()` and `Engine.rfm_frame()`.
const RFM_COLUMNS: [&str; 8] = [
    "customer_id",
    "last_purchase_at",
    "recency_days",
    "frequency",
    "monetary",
    "recency_score",
    "frequency_score",
    "monetary_score",
];

/// One customer's RFM over the policy's window (`crm.value.rfm_window_days`):
/// recency, frequency and monetary value, each scored 1-5 by quintile among
/// the customers who bought in the window (5 = most recent, most frequent,
/// highest spend; tied values share the lower score).
#[pyclass(frozen, eq, module = "brandrail", name = "Rfm")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyRfm(Rfm);

/// An RFM's values in the order of [`RFM_COLUMNS`].
fn rfm_values<'py>(py: Python<'py>, r: &Rfm) -> PyResult<[Bound<'py, PyAny>; 8]> {
    Ok([
        r.customer_id.into_pyobject(py)?.into_any(),
        r.last_purchase_at.into_pyobject(py)?.into_any(),
        r.recency_days.into_pyobject(py)?.into_any(),
        r.frequency.into_pyobject(py)?.into_any(),
        r.monetary.into_pyobject(py)?.into_any(),
        r.recency_score.into_pyobject(py)?.into_any(),
        r.frequency_score.into_pyobject(py)?.into_any(),
        r.monetary_score.into_pyobject(py)?.into_any(),
    ])
}

#[pymethods]
impl PyRfm {
    /// The customer (purchases of customers merged into it count for it).
    #[getter]
    fn customer_id(&self) -> i64 {
        self.0.customer_id
    }

    /// Last purchase (UTC).
    #[getter]
    fn last_purchase_at(&self) -> DateTime<Utc> {
        self.0.last_purchase_at
    }

    /// Whole days since the last purchase.
    #[getter]
    fn recency_days(&self) -> u32 {
        self.0.recency_days
    }

    /// Purchases in the window.
    #[getter]
    fn frequency(&self) -> u32 {
        self.0.frequency
    }

    /// Their total as `decimal.Decimal`.
    #[getter]
    fn monetary(&self) -> Decimal {
        self.0.monetary
    }

    /// 1-5, 5 = most recent.
    #[getter]
    fn recency_score(&self) -> u8 {
        self.0.recency_score
    }

    /// 1-5, 5 = most frequent.
    #[getter]
    fn frequency_score(&self) -> u8 {
        self.0.frequency_score
    }

    /// 1-5, 5 = highest spend.
    #[getter]
    fn monetary_score(&self) -> u8 {
        self.0.monetary_score
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (key, value) in RFM_COLUMNS.iter().zip(rfm_values(py, &self.0)?) {
            d.set_item(key, value)?;
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "customer_id",
            "recency_days",
            "frequency",
            "monetary",
            "recency_score",
            "frequency_score",
            "monetary_score",
        ];
        repr("Rfm", &self.to_dict(py)?, &keys)
    }
}

/// Value figures of a period (CRM-11): buyers, purchases, revenue, average
/// order value, purchase frequency, repurchase rate, customers first seen,
/// CAC, LTV and LTV / CAC. Aggregates only: no customer is named.
#[pyclass(frozen, eq, module = "brandrail", name = "ValueReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyValueReport(ValueReport);

#[pymethods]
impl PyValueReport {
    /// Start of the period, inclusive (UTC). (`from` is a Python keyword;
    /// `to_dict()` uses 'from'.)
    #[getter]
    fn from_(&self) -> DateTime<Utc> {
        self.0.from
    }

    /// End of the period, exclusive (UTC).
    #[getter]
    fn to(&self) -> DateTime<Utc> {
        self.0.to
    }

    /// Customers who bought in the period.
    #[getter]
    fn buyers(&self) -> u64 {
        self.0.buyers
    }

    /// Purchases in the period.
    #[getter]
    fn purchases(&self) -> u64 {
        self.0.purchases
    }

    /// Their total as `decimal.Decimal`.
    #[getter]
    fn revenue(&self) -> Decimal {
        self.0.revenue
    }

    /// Revenue / purchases as `decimal.Decimal`, 2 decimals (0.00 without
    /// purchases).
    #[getter]
    fn average_order_value(&self) -> Decimal {
        self.0.average_order_value
    }

    /// Purchases per buyer (0.0 without buyers).
    #[getter]
    fn purchase_frequency(&self) -> f64 {
        self.0.purchase_frequency
    }

    /// Buyers with two or more purchases in the period.
    #[getter]
    fn repeat_buyers(&self) -> u64 {
        self.0.repeat_buyers
    }

    /// Repeat buyers / buyers (0.0 without buyers).
    #[getter]
    fn repurchase_rate(&self) -> f64 {
        self.0.repurchase_rate
    }

    /// Customers first seen in the period (merged duplicates not counted).
    #[getter]
    fn new_customers(&self) -> u64 {
        self.0.new_customers
    }

    /// The acquisition spend given, as `decimal.Decimal`, or None.
    #[getter]
    fn acquisition_spend(&self) -> Option<Decimal> {
        self.0.acquisition_spend
    }

    /// Customer acquisition cost: spend / new customers as `decimal.Decimal`,
    /// 2 decimals; None without a spend or without new customers.
    #[getter]
    fn cac(&self) -> Option<Decimal> {
        self.0.cac
    }

    /// Lifetime value per customer as `decimal.Decimal`, 2 decimals: average
    /// order value x purchases per buyer per year x the policy's
    /// `crm.value.lifespan_years` x `crm.value.gross_margin`.
    #[getter]
    fn ltv(&self) -> Decimal {
        self.0.ltv
    }

    /// LTV / CAC, or None when CAC is unknown or zero.
    #[getter]
    fn ltv_to_cac(&self) -> Option<f64> {
        self.0.ltv_to_cac
    }

    /// The fields as a plain dict (the period's start under 'from').
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("from", self.from_())?;
        d.set_item("to", self.to())?;
        d.set_item("buyers", self.buyers())?;
        d.set_item("purchases", self.purchases())?;
        d.set_item("revenue", self.revenue())?;
        d.set_item("average_order_value", self.average_order_value())?;
        d.set_item("purchase_frequency", self.purchase_frequency())?;
        d.set_item("repeat_buyers", self.repeat_buyers())?;
        d.set_item("repurchase_rate", self.repurchase_rate())?;
        d.set_item("new_customers", self.new_customers())?;
        d.set_item("acquisition_spend", self.acquisition_spend())?;
        d.set_item("cac", self.cac())?;
        d.set_item("ltv", self.ltv())?;
        d.set_item("ltv_to_cac", self.ltv_to_cac())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "from",
            "to",
            "buyers",
            "purchases",
            "revenue",
            "repurchase_rate",
            "cac",
            "ltv",
        ];
        repr("ValueReport", &self.to_dict(py)?, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// RFM of every customer who bought in the last
    /// `crm.value.rfm_window_days` days, by customer id, each an `Rfm`
    /// (CRM-11; needs 'crm.read_sensitive': amounts are core data, and a
    /// `secret_key` to open them).
    fn rfm(&self, py: Python<'_>, actor: String) -> PyResult<Vec<PyRfm>> {
        let all = self.call(py, |e| e.rfm(&actor))?;
        Ok(all.into_iter().map(PyRfm).collect())
    }

    /// `rfm(actor)` as a pandas DataFrame with the columns of
    /// `Rfm.to_dict()`: `customer_id`, `recency_days`, `frequency` and the
    /// three scores as int64, `last_purchase_at` as UTC datetimes, `monetary`
    /// as exact `decimal.Decimal`s. ImportError naming pandas when it is not
    /// installed (nothing is read).
    fn rfm_frame<'py>(&self, py: Python<'py>, actor: String) -> PyResult<Bound<'py, PyAny>> {
        let pd = pandas(py, "rfm_frame")?;
        let all = self.call(py, |e| e.rfm(&actor))?;
        let cols = columns(py, &RFM_COLUMNS, all.iter().map(|r| rfm_values(py, r)))?;
        let types = [
            ("customer_id", "int64"),
            ("last_purchase_at", "datetime64[ns, UTC]"),
            ("recency_days", "int64"),
            ("frequency", "int64"),
            ("recency_score", "int64"),
            ("frequency_score", "int64"),
            ("monetary_score", "int64"),
        ];
        frame(&pd, &cols, &types)
    }

    /// Value figures of the period `[since, until)`, both timezone-aware
    /// datetimes, a `ValueReport` (CRM-11; needs 'crm.read' and a
    /// `secret_key`: aggregates only). `acquisition_spend`, the period's
    /// acquisition spend for CAC, is money (a `decimal.Decimal`, an int or a
    /// decimal string; a float raises TypeError) or None. ValidationError for
    /// `until` not after `since` (field 'until'), a period too short to scale
    /// to a year (field 'since'), or a spend that is not an amount or is
    /// negative (field 'acquisition_spend').
    #[pyo3(signature = (actor, since, until, acquisition_spend = None))]
    fn customer_value(
        &self,
        py: Python<'_>,
        actor: String,
        since: &Bound<'_, PyAny>,
        until: &Bound<'_, PyAny>,
        acquisition_spend: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyValueReport> {
        let (from, to) = (utc(since, "since")?, utc(until, "until")?);
        let spend = acquisition_spend
            .filter(|s| !s.is_none())
            .map(|s| money_text(s, "acquisition_spend"))
            .transpose()?;
        self.call(py, |e| {
            // Core names its own parameters ('from', 'to'): name the Python ones.
            e.customer_value(&actor, from, to, spend.as_deref())
                .map_err(|err| match err {
                    Error::Validation { field, .. } if field == "to" => {
                        invalid("until", "must be after since")
                    }
                    Error::Validation { field, message } if field == "from" => {
                        invalid("since", message)
                    }
                    other => other,
                })
        })
        .map(PyValueReport)
    }
}

/// Add the classes of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRfm>()?;
    m.add_class::<PyValueReport>()?;
    Ok(())
}
