//! The approval methods of `Engine` (core `approval/engine.rs`): submit,
//! decide, resubmit, withdraw, delegate, assign, escalate, and the queries
//! (one approval, the listing, histories, work lists, throughput).

use brandrail::{ApprovalFilter, ApprovalState};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use super::instance::{PyApprovalEvent, PyApprovalInstance};
use super::subject_arg;
use super::tasks::{
    PyApprovalTask, PyDelegation, PyStageThroughput, THROUGHPUT_COLUMNS, throughput_values,
};
use crate::convert::{columns, opt_utc, parse, strings, utc};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

fn instances(list: Vec<brandrail::ApprovalInstance>) -> Vec<PyApprovalInstance> {
    list.into_iter().map(PyApprovalInstance).collect()
}

fn tasks(list: Vec<brandrail::ApprovalTask>) -> Vec<PyApprovalTask> {
    list.into_iter().map(PyApprovalTask).collect()
}

#[pymethods]
impl PyEngine {
    /// Submit `subject` to `workflow`, a workflow of the policy such as
    /// 'content_review' or 'expense_reimbursement' (needs 'approval.submit').
    ///
    /// `subject` is a `Subject` or a dict with its keys. The workflow is
    /// snapshotted into the instance, so a later policy change never alters a
    /// review under way; stages whose condition fails for the subject's
    /// attributes are skipped. Raises NotFoundError for an unknown workflow,
    /// ValidationError for a subject that does not fit it (wrong kind, a
    /// missing required attachment, a bad field).
    fn submit_approval(
        &self,
        py: Python<'_>,
        actor: String,
        workflow: String,
        subject: &Bound<'_, PyAny>,
    ) -> PyResult<PyApprovalInstance> {
        let subject = subject_arg(subject, "subject")?;
        self.call(py, |e| e.submit_approval(&actor, &workflow, subject))
            .map(PyApprovalInstance)
    }

    /// Approve the active stage of approval `id`, confirming exactly the
    /// stage's `checklist` items (e.g. finance's 'authenticity', 'legality',
    /// 'completeness'; none for most stages).
    ///
    /// The actor must be one of the stage's deciders, their delegate, the
    /// assignee, or of the escalation pool once escalated (else
    /// PermissionDeniedError, reason 'not_a_decider'). Nobody decides their
    /// own submission, approves a stage twice or fills two stages of one
    /// approval unless the workflow allows it (SeparationOfDutiesError).
    #[pyo3(
        signature = (actor, id, *, comment = "", checklist = None),
        text_signature = "($self, actor, id, *, comment='', checklist=())"
    )]
    fn approve(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        comment: &str,
        checklist: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyApprovalInstance> {
        let checklist = match checklist {
            Some(items) => strings(items, "checklist")?,
            None => Vec::new(),
        };
        self.call(py, |e| e.approve(&actor, id, comment, &checklist))
            .map(PyApprovalInstance)
    }

    /// Reject: the approval goes back to its submitter, who may resubmit.
    /// `comment` (why) is required. Deciders as for `approve`.
    fn reject(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        comment: &str,
    ) -> PyResult<PyApprovalInstance> {
        self.call(py, |e| e.reject(&actor, id, comment))
            .map(PyApprovalInstance)
    }

    /// Return for changes: back to the submitter, who may resubmit. `comment`
    /// (what to change) is required. Deciders as for `approve`.
    fn return_for_changes(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        comment: &str,
    ) -> PyResult<PyApprovalInstance> {
        self.call(py, |e| e.return_for_changes(&actor, id, comment))
            .map(PyApprovalInstance)
    }

    /// Submit a rejected or returned approval again, optionally with a
    /// revised `subject` (same kind; a `Subject` or a dict). A new round
    /// starts at the first stage; the history is kept. Only the submitter
    /// may (PermissionDeniedError, reason 'not_the_submitter').
    #[pyo3(signature = (actor, id, subject = None))]
    fn resubmit_approval(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        subject: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyApprovalInstance> {
        let subject = subject
            .filter(|s| !s.is_none())
            .map(|s| subject_arg(s, "subject"))
            .transpose()?;
        self.call(py, |e| e.resubmit_approval(&actor, id, subject))
            .map(PyApprovalInstance)
    }

    /// Withdraw an approval that is not approved yet; final. Only the
    /// submitter may; ConflictError once approved or withdrawn.
    #[pyo3(signature = (actor, id, comment = ""))]
    fn withdraw_approval(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        comment: &str,
    ) -> PyResult<PyApprovalInstance> {
        self.call(py, |e| e.withdraw_approval(&actor, id, comment))
            .map(PyApprovalInstance)
    }

    /// Let `to`, another active principal, decide in the actor's place from
    /// `starts_at` until `ends_at` (timezone-aware datetimes; at most 366
    /// days, not ending in the past). Any active principal may delegate its
    /// own authority; decisions record whose authority was used
    /// (`on_behalf_of`).
    fn delegate_approvals(
        &self,
        py: Python<'_>,
        actor: String,
        to: String,
        starts_at: &Bound<'_, PyAny>,
        ends_at: &Bound<'_, PyAny>,
    ) -> PyResult<PyDelegation> {
        let starts_at = utc(starts_at, "starts_at")?;
        let ends_at = utc(ends_at, "ends_at")?;
        self.call(py, |e| {
            e.delegate_approvals(&actor, &to, starts_at, ends_at)
        })
        .map(PyDelegation)
    }

    /// End a delegation early (its grantor, or a holder of
    /// 'approval.administer'). ConflictError if it was ended already.
    fn end_delegation(
        &self,
        py: Python<'_>,
        actor: String,
        delegation_id: i64,
    ) -> PyResult<PyDelegation> {
        self.call(py, |e| e.end_delegation(&actor, delegation_id))
            .map(PyDelegation)
    }

    /// Assign the active stage of approval `id` to one principal who may
    /// decide it (needs 'approval.administer'); only the assignee (or its
    /// delegate) may then decide. If the assignee is deactivated, the stage
    /// goes back to its pool (`Deactivation.reassigned_approvals`).
    fn assign_approval(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        assignee: String,
    ) -> PyResult<PyApprovalInstance> {
        self.call(py, |e| e.assign_approval(&actor, id, &assignee))
            .map(PyApprovalInstance)
    }

    /// Escalate every active stage past its deadline that has an escalation
    /// target and was not escalated yet (needs 'approval.administer'; a
    /// scheduler calls this). Returns the escalated approvals.
    fn escalate_overdue_approvals(
        &self,
        py: Python<'_>,
        actor: String,
    ) -> PyResult<Vec<PyApprovalInstance>> {
        self.call(py, |e| e.escalate_overdue_approvals(&actor))
            .map(instances)
    }

    /// One approval; NotFoundError if there is none with this id.
    fn approval(&self, py: Python<'_>, id: i64) -> PyResult<PyApprovalInstance> {
        self.call(py, |e| e.approval(id)).map(PyApprovalInstance)
    }

    /// Approvals matching every given filter, newest first: a submitter's
    /// requests ("my requests"), every approval in one `state` (one of
    /// `brandrail.APPROVAL_STATES`), one workflow's backlog. Page backwards
    /// with `before_id` (only smaller ids) and `limit` (default 100, at most
    /// 10 000; a larger one gives 10 000). A bad `state` or a `limit` below 1
    /// raises ValidationError.
    #[pyo3(signature = (*, submitter = None, state = None, workflow = None, before_id = None, limit = None))]
    fn approvals(
        &self,
        py: Python<'_>,
        submitter: Option<String>,
        state: Option<&str>,
        workflow: Option<String>,
        before_id: Option<i64>,
        limit: Option<i64>,
    ) -> PyResult<Vec<PyApprovalInstance>> {
        let filter = ApprovalFilter {
            submitter,
            state: state
                .map(|s| parse::<ApprovalState>(s, "state"))
                .transpose()
                .into_pyresult()?,
            workflow,
            before_id,
            // Saturated into core's type: core refuses 0 (and so any negative
            // number) and caps what is above its maximum.
            limit: limit.map(|l| u32::try_from(l.max(0)).unwrap_or(u32::MAX)),
        };
        self.call(py, |e| e.approvals(&filter)).map(instances)
    }

    /// An approval's whole history, oldest first, across every round.
    fn approval_history(&self, py: Python<'_>, id: i64) -> PyResult<Vec<PyApprovalEvent>> {
        let history = self.call(py, |e| e.approval_history(id))?;
        Ok(history.into_iter().map(PyApprovalEvent).collect())
    }

    /// The approvals `handle` may decide now (own authority, a delegation,
    /// an assignment or an escalation), oldest first; empty for a deactivated
    /// principal, NotFoundError for an unknown one.
    fn approval_tasks(&self, py: Python<'_>, handle: String) -> PyResult<Vec<PyApprovalTask>> {
        self.call(py, |e| e.approval_tasks(&handle)).map(tasks)
    }

    /// Every approval whose active stage is past its deadline as of `as_of`
    /// (a timezone-aware datetime; default: now), most overdue first.
    #[pyo3(signature = (as_of = None))]
    fn overdue_approvals(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyApprovalTask>> {
        let as_of = opt_utc(as_of, "as_of")?;
        self.call(py, |e| {
            e.overdue_approvals(as_of.unwrap_or_else(|| e.now()))
        })
        .map(tasks)
    }

    /// Delegations from or to `handle`, newest first, ended ones included.
    fn delegations(&self, py: Python<'_>, handle: String) -> PyResult<Vec<PyDelegation>> {
        let list = self.call(py, |e| e.delegations(&handle))?;
        Ok(list.into_iter().map(PyDelegation).collect())
    }

    /// Median and 90th-percentile time per stage of `workflow`, in workflow
    /// order, over stage runs that reached their quorum (stages without one
    /// are left out). NotFoundError for a workflow the policy lacks.
    fn approval_throughput(
        &self,
        py: Python<'_>,
        workflow: String,
    ) -> PyResult<Vec<PyStageThroughput>> {
        let rows = self.call(py, |e| e.approval_throughput(&workflow))?;
        Ok(rows.into_iter().map(PyStageThroughput).collect())
    }

    /// `approval_throughput` as columns: a dict of equally long lists keyed
    /// like `StageThroughput.to_dict()`, ready for `pandas.DataFrame(...)`.
    fn approval_throughput_columns<'py>(
        &self,
        py: Python<'py>,
        workflow: String,
    ) -> PyResult<Bound<'py, PyDict>> {
        let rows = self.call(py, |e| e.approval_throughput(&workflow))?;
        columns(
            py,
            &THROUGHPUT_COLUMNS,
            rows.iter().map(|t| throughput_values(py, t)),
        )
    }
}
