//! Work lists and reports: the `ApprovalTask`, `Delegation` and
//! `StageThroughput` classes.

use brandrail::{ApprovalTask, Delegation, StageThroughput};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::repr;

/// An open task: the active stage of an approval that some principal may
/// decide (`Engine.approval_tasks`), or one past its deadline
/// (`Engine.overdue_approvals`).
#[pyclass(frozen, eq, module = "brandrail", name = "ApprovalTask")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyApprovalTask(pub(super) ApprovalTask);

#[pymethods]
impl PyApprovalTask {
    /// The approval instance.
    #[getter]
    fn instance_id(&self) -> i64 {
        self.0.instance_id
    }

    /// Its workflow.
    #[getter]
    fn workflow(&self) -> &str {
        &self.0.workflow
    }

    /// The stage waiting for a decision.
    #[getter]
    fn stage(&self) -> &str {
        &self.0.stage
    }

    /// The subject's kind.
    #[getter]
    fn subject_kind(&self) -> &'static str {
        self.0.subject_kind.as_str()
    }

    /// The subject's title.
    #[getter]
    fn subject_title(&self) -> &str {
        &self.0.subject_title
    }

    /// Handle of the submitter.
    #[getter]
    fn submitter(&self) -> &str {
        &self.0.submitter
    }

    /// The stage's deadline, or None.
    #[getter]
    fn due_at(&self) -> Option<DateTime<Utc>> {
        self.0.due_at
    }

    /// Past its deadline at the time of the query (or `as_of`).
    #[getter]
    fn overdue(&self) -> bool {
        self.0.overdue
    }

    /// Escalated already.
    #[getter]
    fn escalated(&self) -> bool {
        self.0.escalated
    }

    /// The one principal the stage is assigned to, or None.
    #[getter]
    fn assignee(&self) -> Option<&str> {
        self.0.assignee.as_deref()
    }

    /// When deciding would use another principal's delegated authority:
    /// whose; else None.
    #[getter]
    fn on_behalf_of(&self) -> Option<&str> {
        self.0.on_behalf_of.as_deref()
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("instance_id", self.instance_id())?;
        d.set_item("workflow", self.workflow())?;
        d.set_item("stage", self.stage())?;
        d.set_item("subject_kind", self.subject_kind())?;
        d.set_item("subject_title", self.subject_title())?;
        d.set_item("submitter", self.submitter())?;
        d.set_item("due_at", self.due_at())?;
        d.set_item("overdue", self.overdue())?;
        d.set_item("escalated", self.escalated())?;
        d.set_item("assignee", self.assignee())?;
        d.set_item("on_behalf_of", self.on_behalf_of())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["instance_id", "workflow", "stage", "due_at", "overdue"];
        repr("ApprovalTask", &self.to_dict(py)?, &keys)
    }
}

/// A delegation of approval authority while away (`Engine.delegate_approvals`):
/// `to` decides in `from_`'s place from `starts_at` until `ends_at`.
#[pyclass(frozen, eq, module = "brandrail", name = "Delegation")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDelegation(pub(super) Delegation);

#[pymethods]
impl PyDelegation {
    /// Identifier (for `Engine.end_delegation`).
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// Handle of the principal who is away (`from` is a Python keyword;
    /// `to_dict()` uses the key 'from').
    #[getter]
    fn from_(&self) -> &str {
        &self.0.from
    }

    /// Handle of the principal who decides in their place.
    #[getter]
    fn to(&self) -> &str {
        &self.0.to
    }

    /// Start.
    #[getter]
    fn starts_at(&self) -> DateTime<Utc> {
        self.0.starts_at
    }

    /// End (exclusive).
    #[getter]
    fn ends_at(&self) -> DateTime<Utc> {
        self.0.ends_at
    }

    /// When it was recorded.
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was ended early, or None.
    #[getter]
    fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }

    /// The fields as a plain dict, with the keys 'from' and 'to'.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("from", self.from_())?;
        d.set_item("to", self.to())?;
        d.set_item("starts_at", self.starts_at())?;
        d.set_item("ends_at", self.ends_at())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("revoked_at", self.revoked_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["id", "from", "to", "starts_at", "ends_at", "revoked_at"];
        repr("Delegation", &self.to_dict(py)?, &keys)
    }
}

/// How long one stage of a workflow takes, over its runs that reached their
/// quorum (`Engine.approval_throughput`).
#[pyclass(frozen, eq, module = "brandrail", name = "StageThroughput")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyStageThroughput(pub(super) StageThroughput);

/// The column names of `StageThroughput.to_dict()` and
/// `Engine.approval_throughput_columns()`.
pub(super) const THROUGHPUT_COLUMNS: [&str; 5] = [
    "workflow",
    "stage",
    "completed",
    "median_seconds",
    "p90_seconds",
];

/// The values of `t` in the order of [`THROUGHPUT_COLUMNS`].
pub(super) fn throughput_values<'py>(
    py: Python<'py>,
    t: &StageThroughput,
) -> PyResult<[Bound<'py, PyAny>; 5]> {
    Ok([
        t.workflow.as_str().into_pyobject(py)?.into_any(),
        t.stage.as_str().into_pyobject(py)?.into_any(),
        t.completed.into_pyobject(py)?.into_any(),
        t.median_seconds.into_pyobject(py)?.into_any(),
        t.p90_seconds.into_pyobject(py)?.into_any(),
    ])
}

#[pymethods]
impl PyStageThroughput {
    /// The workflow.
    #[getter]
    fn workflow(&self) -> &str {
        &self.0.workflow
    }

    /// The stage.
    #[getter]
    fn stage(&self) -> &str {
        &self.0.stage
    }

    /// Stage runs that reached their quorum.
    #[getter]
    fn completed(&self) -> u64 {
        self.0.completed
    }

    /// Median time from the stage's start to its quorum, in seconds.
    #[getter]
    fn median_seconds(&self) -> f64 {
        self.0.median_seconds
    }

    /// 90th percentile of that time, in seconds.
    #[getter]
    fn p90_seconds(&self) -> f64 {
        self.0.p90_seconds
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (key, value) in THROUGHPUT_COLUMNS
            .iter()
            .zip(throughput_values(py, &self.0)?)
        {
            d.set_item(key, value)?;
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("StageThroughput", &self.to_dict(py)?, &THROUGHPUT_COLUMNS)
    }
}
