//! The approval methods of the Engine (APR-1..APR-4): submit, decide,
//! resubmit, withdraw, delegate, assign, escalate, and the reads (one
//! approval, a filtered list, history, tasks, overdue stages, throughput).
//! Each converts its arguments, calls the core and converts the result.

use std::time::SystemTime;

use super::{
    ApprovalEvent, ApprovalFilter, ApprovalInstance, ApprovalTask, Decision, Delegation,
    StageThroughput, Subject,
};
use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, utc};

#[uniffi::export]
impl Engine {
    /// Submit `subject` to `workflow` (APR-1; `actor` needs `approval.submit`).
    /// The workflow is snapshotted into the approval; stages whose condition
    /// does not hold are skipped. `NotFound` for an unknown workflow,
    /// `Validation` for a subject of the wrong kind or without a required
    /// attachment.
    pub fn submit_approval(
        &self,
        actor: &str,
        workflow: &str,
        subject: Subject,
    ) -> Result<ApprovalInstance, BrandrailError> {
        let subject = subject.into_core()?;
        Ok(self
            .core()
            .submit_approval(actor, workflow, subject)?
            .into())
    }

    /// Decide the active stage of approval `id` (APR-1, APR-3, APR-4). The
    /// actor must be one of the stage's deciders, their delegate, the stage's
    /// assignee, or of the escalation pool once escalated (else
    /// `PermissionDenied` with reason `notADecider`); nobody decides their own
    /// submission or fills two stages unless the workflow allows it
    /// (`SeparationOfDuties`). Both refusals are audited.
    pub fn decide_approval(
        &self,
        actor: &str,
        id: i64,
        decision: Decision,
    ) -> Result<ApprovalInstance, BrandrailError> {
        Ok(self
            .core()
            .decide_approval(actor, id, decision.into())?
            .into())
    }

    /// Approve the active stage: `decideApproval` with `Decision.approve`.
    #[uniffi::method(default(comment = "", checklist = []))]
    pub fn approve(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
        checklist: Vec<String>,
    ) -> Result<ApprovalInstance, BrandrailError> {
        Ok(self.core().approve(actor, id, comment, &checklist)?.into())
    }

    /// Reject: the approval goes back to its submitter; `comment` is required.
    pub fn reject(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
    ) -> Result<ApprovalInstance, BrandrailError> {
        Ok(self.core().reject(actor, id, comment)?.into())
    }

    /// Return for changes: back to the submitter; `comment` is required.
    pub fn return_for_changes(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
    ) -> Result<ApprovalInstance, BrandrailError> {
        Ok(self.core().return_for_changes(actor, id, comment)?.into())
    }

    /// Submit a rejected or returned approval again, optionally with a revised
    /// subject of the same kind; a new round starts at the first stage and the
    /// history is kept (APR-4). Only the submitter may (else
    /// `PermissionDenied` with reason `notTheSubmitter`).
    #[uniffi::method(default(subject = None))]
    pub fn resubmit_approval(
        &self,
        actor: &str,
        id: i64,
        subject: Option<Subject>,
    ) -> Result<ApprovalInstance, BrandrailError> {
        let subject = subject.map(Subject::into_core).transpose()?;
        Ok(self.core().resubmit_approval(actor, id, subject)?.into())
    }

    /// Withdraw an approval that is not yet approved; final. Only the
    /// submitter may.
    #[uniffi::method(default(comment = ""))]
    pub fn withdraw_approval(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
    ) -> Result<ApprovalInstance, BrandrailError> {
        Ok(self.core().withdraw_approval(actor, id, comment)?.into())
    }

    /// Let `to` decide in the actor's place from `starts_at` until `ends_at`
    /// (exclusive; at most 366 days, not entirely in the past). Any active
    /// principal may delegate its own authority to another active principal;
    /// decisions taken with it record whose authority was used (APR-4).
    pub fn delegate_approvals(
        &self,
        actor: &str,
        to: &str,
        starts_at: SystemTime,
        ends_at: SystemTime,
    ) -> Result<Delegation, BrandrailError> {
        let starts_at = utc("starts_at", starts_at)?;
        let ends_at = utc("ends_at", ends_at)?;
        Ok(self
            .core()
            .delegate_approvals(actor, to, starts_at, ends_at)?
            .into())
    }

    /// End a delegation early (its grantor, or a holder of `approval.administer`).
    pub fn end_delegation(
        &self,
        actor: &str,
        delegation_id: i64,
    ) -> Result<Delegation, BrandrailError> {
        Ok(self.core().end_delegation(actor, delegation_id)?.into())
    }

    /// Assign the active stage of approval `id` to one principal who may decide
    /// it (needs `approval.administer`); only the assignee (or its delegate)
    /// may then decide. Deactivating the assignee hands the stage back to its
    /// pool (`Deactivation.reassignedApprovals`).
    pub fn assign_approval(
        &self,
        actor: &str,
        id: i64,
        assignee: &str,
    ) -> Result<ApprovalInstance, BrandrailError> {
        Ok(self.core().assign_approval(actor, id, assignee)?.into())
    }

    /// Escalate every stage past its deadline that has an escalation target and
    /// was not escalated yet (needs `approval.administer`; a scheduler calls
    /// this). Returns the escalated approvals.
    pub fn escalate_overdue_approvals(
        &self,
        actor: &str,
    ) -> Result<Vec<ApprovalInstance>, BrandrailError> {
        Ok(all(self.core().escalate_overdue_approvals(actor)?))
    }

    /// One approval; `NotFound` when there is none with this id.
    pub fn approval(&self, id: i64) -> Result<ApprovalInstance, BrandrailError> {
        Ok(self.core().approval(id)?.into())
    }

    /// The approvals matching `filter` (default: all), newest first, at most
    /// `filter.limit` (100 unless set). `Validation` for a limit of 0.
    #[uniffi::method(default(filter))]
    pub fn approvals(
        &self,
        filter: ApprovalFilter,
    ) -> Result<Vec<ApprovalInstance>, BrandrailError> {
        Ok(all(self.core().approvals(&filter.into())?))
    }

    /// An approval's full history, oldest first, across all its rounds.
    pub fn approval_history(&self, id: i64) -> Result<Vec<ApprovalEvent>, BrandrailError> {
        Ok(all(self.core().approval_history(id)?))
    }

    /// The tasks `handle` may decide now (as decider, delegate, assignee or
    /// escalation target), oldest first, with their deadlines. Empty for a
    /// deactivated principal; `NotFound` for an unknown one.
    pub fn approval_tasks(&self, handle: &str) -> Result<Vec<ApprovalTask>, BrandrailError> {
        Ok(all(self.core().approval_tasks(handle)?))
    }

    /// Every stage in review past its deadline as of `as_of` (default: the
    /// engine clock's now), most overdue first (APR-4).
    #[uniffi::method(default(as_of = None))]
    pub fn overdue_approvals(
        &self,
        as_of: Option<SystemTime>,
    ) -> Result<Vec<ApprovalTask>, BrandrailError> {
        let as_of = match as_of {
            Some(t) => utc("as_of", t)?,
            None => self.core().now(),
        };
        Ok(all(self.core().overdue_approvals(as_of)?))
    }

    /// Delegations from or to `handle`, newest first, ended ones included.
    pub fn delegations(&self, handle: &str) -> Result<Vec<Delegation>, BrandrailError> {
        Ok(all(self.core().delegations(handle)?))
    }

    /// Median and 90th-percentile time per stage of `workflow`, in stage
    /// order, over the stage runs that reached their quorum; stages that never
    /// did are left out. `NotFound` for an unknown workflow.
    pub fn approval_throughput(
        &self,
        workflow: &str,
    ) -> Result<Vec<StageThroughput>, BrandrailError> {
        Ok(all(self.core().approval_throughput(workflow)?))
    }
}
