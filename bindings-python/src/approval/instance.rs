//! An approval instance and its history: the `ApprovalInstance`,
//! `StageStatus`, `StageApproval` and `ApprovalEvent` classes.

use brandrail::{ApprovalEvent, ApprovalInstance, StageApproval, StageStatus};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::PySubject;
use crate::convert::repr;

/// One approval given at a stage.
#[pyclass(frozen, eq, module = "brandrail", name = "StageApproval")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyStageApproval(StageApproval);

#[pymethods]
impl PyStageApproval {
    /// Handle of the principal who approved.
    #[getter]
    fn principal(&self) -> &str {
        &self.0.principal
    }

    /// When deciding as a delegate: whose authority was used; else None.
    #[getter]
    fn on_behalf_of(&self) -> Option<&str> {
        self.0.on_behalf_of.as_deref()
    }

    /// When (engine clock, UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("principal", self.principal())?;
        d.set_item("on_behalf_of", self.on_behalf_of())?;
        d.set_item("at", self.at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["principal", "on_behalf_of", "at"];
        repr("StageApproval", &self.to_dict(py)?, &keys)
    }
}

/// One stage of an approval's current round.
#[pyclass(frozen, eq, module = "brandrail", name = "StageStatus")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyStageStatus(StageStatus);

#[pymethods]
impl PyStageStatus {
    /// The stage's name in the workflow, e.g. 'brand', 'finance_check'.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// 'waiting', 'active', 'done' or 'skipped' (its condition does not hold
    /// for this subject); see `brandrail.STAGE_STATES`.
    #[getter]
    fn state(&self) -> &'static str {
        self.0.state.as_str()
    }

    /// Approvals the stage needs.
    #[getter]
    fn quorum(&self) -> u32 {
        self.0.quorum
    }

    /// Approvals given so far this round, oldest first.
    #[getter]
    fn approvals(&self) -> Vec<PyStageApproval> {
        self.0
            .approvals
            .iter()
            .cloned()
            .map(PyStageApproval)
            .collect()
    }

    /// When it became active, or None.
    #[getter]
    fn started_at(&self) -> Option<DateTime<Utc>> {
        self.0.started_at
    }

    /// Its deadline (start + the stage's SLA), or None before it starts.
    #[getter]
    fn due_at(&self) -> Option<DateTime<Utc>> {
        self.0.due_at
    }

    /// When it reached its quorum, or None.
    #[getter]
    fn completed_at(&self) -> Option<DateTime<Utc>> {
        self.0.completed_at
    }

    /// The fields as a plain dict; `approvals` as a list of dicts.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("name", self.name())?;
        d.set_item("state", self.state())?;
        d.set_item("quorum", self.quorum())?;
        let approvals = self
            .approvals()
            .iter()
            .map(|a| a.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("approvals", approvals)?;
        d.set_item("started_at", self.started_at())?;
        d.set_item("due_at", self.due_at())?;
        d.set_item("completed_at", self.completed_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["name", "state", "quorum", "due_at"];
        repr("StageStatus", &self.to_dict(py)?, &keys)
    }
}

/// An approval instance: one subject going through one workflow, with the
/// progress of its current round.
#[pyclass(frozen, eq, module = "brandrail", name = "ApprovalInstance")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyApprovalInstance(pub(super) ApprovalInstance);

#[pymethods]
impl PyApprovalInstance {
    /// Identifier, from 1.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// The workflow's name in the policy, e.g. 'content_review'.
    #[getter]
    fn workflow(&self) -> &str {
        &self.0.workflow
    }

    /// What is being approved (as last submitted).
    #[getter]
    fn subject(&self) -> PySubject {
        PySubject(self.0.subject.clone())
    }

    /// Handle of the principal who submitted it.
    #[getter]
    fn submitter(&self) -> &str {
        &self.0.submitter
    }

    /// 'in_review', 'approved', 'rejected', 'returned_for_changes' or
    /// 'withdrawn'; see `brandrail.APPROVAL_STATES`.
    #[getter]
    fn state(&self) -> &'static str {
        self.0.state.as_str()
    }

    /// 1 for the first submission, +1 per resubmission.
    #[getter]
    fn round(&self) -> u32 {
        self.0.round
    }

    /// The stages of this round in workflow order, skipped ones included.
    #[getter]
    fn stages(&self) -> Vec<PyStageStatus> {
        self.0.stages.iter().cloned().map(PyStageStatus).collect()
    }

    /// The name of the stage waiting for decisions, or None when not in review.
    #[getter]
    fn current_stage(&self) -> Option<&str> {
        self.0.current_stage.as_deref()
    }

    /// The status of the stage waiting for decisions (its deadline is
    /// `active_stage.due_at`), or None when not in review.
    #[getter]
    fn active_stage(&self) -> Option<PyStageStatus> {
        self.0.active_stage().cloned().map(PyStageStatus)
    }

    /// The one principal the active stage is assigned to, or None.
    #[getter]
    fn assignee(&self) -> Option<&str> {
        self.0.assignee.as_deref()
    }

    /// Whether the active stage was escalated after its deadline.
    #[getter]
    fn escalated(&self) -> bool {
        self.0.escalated
    }

    /// When it was first submitted.
    #[getter]
    fn submitted_at(&self) -> DateTime<Utc> {
        self.0.submitted_at
    }

    /// Its last change.
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// When it was approved or withdrawn, or None.
    #[getter]
    fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }

    /// The fields as plain dicts and lists (`subject` and `stages` nested).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("workflow", self.workflow())?;
        d.set_item("subject", self.subject().to_dict(py)?)?;
        d.set_item("submitter", self.submitter())?;
        d.set_item("state", self.state())?;
        d.set_item("round", self.round())?;
        let stages = self
            .stages()
            .iter()
            .map(|s| s.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("stages", stages)?;
        d.set_item("current_stage", self.current_stage())?;
        d.set_item("assignee", self.assignee())?;
        d.set_item("escalated", self.escalated())?;
        d.set_item("submitted_at", self.submitted_at())?;
        d.set_item("updated_at", self.updated_at())?;
        d.set_item("closed_at", self.closed_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "id",
            "workflow",
            "state",
            "current_stage",
            "round",
            "submitter",
        ];
        repr("ApprovalInstance", &self.to_dict(py)?, &keys)
    }
}

/// One entry of an approval's history (`Engine.approval_history`).
#[pyclass(frozen, eq, module = "brandrail", name = "ApprovalEvent")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyApprovalEvent(pub(super) ApprovalEvent);

#[pymethods]
impl PyApprovalEvent {
    /// Position in the history.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// The approval instance.
    #[getter]
    fn instance_id(&self) -> i64 {
        self.0.instance_id
    }

    /// When (engine clock, UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Handle of the principal who acted.
    #[getter]
    fn principal(&self) -> &str {
        &self.0.principal
    }

    /// When a delegate acted: whose authority was used; else None.
    #[getter]
    fn on_behalf_of(&self) -> Option<&str> {
        self.0.on_behalf_of.as_deref()
    }

    /// What happened: 'submitted', 'approved', 'rejected', 'returned',
    /// 'resubmitted', 'withdrawn', 'escalated', 'assigned' or 'unassigned';
    /// see `brandrail.APPROVAL_EVENT_KINDS`.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// The stage it concerns, or None (submission, withdrawal).
    #[getter]
    fn stage(&self) -> Option<&str> {
        self.0.stage.as_deref()
    }

    /// The round it happened in.
    #[getter]
    fn round(&self) -> u32 {
        self.0.round
    }

    /// The decision's comment ('' when none was given).
    #[getter]
    fn comment(&self) -> &str {
        &self.0.comment
    }

    /// Checklist items confirmed with an approval, sorted.
    #[getter]
    fn checklist(&self) -> Vec<String> {
        self.0.checklist.clone()
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("instance_id", self.instance_id())?;
        d.set_item("at", self.at())?;
        d.set_item("principal", self.principal())?;
        d.set_item("on_behalf_of", self.on_behalf_of())?;
        d.set_item("kind", self.kind())?;
        d.set_item("stage", self.stage())?;
        d.set_item("round", self.round())?;
        d.set_item("comment", self.comment())?;
        d.set_item("checklist", self.checklist())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["instance_id", "kind", "stage", "principal", "round"];
        repr("ApprovalEvent", &self.to_dict(py)?, &keys)
    }
}
