//! The read side of approvals (core's `approval/queries.rs`): one instance,
//! listings, its history, task lists, overdue stages, delegations and
//! throughput.

use napi::Env;
use napi_derive::napi;

use super::ApprovalInstance;
use super::delegation::Delegation;
use crate::convert::{Date, all, number, parse, utc_or, whole};
use crate::engine::Engine;
use crate::error::OrThrow;

/// Which instances `approvals` lists. Every field is optional; all given ones
/// must match.
#[napi(object, object_to_js = false)]
pub struct ApprovalFilter {
    /// Only this submitter's instances ("my requests").
    pub submitter: Option<String>,
    /// Only instances in this state: `'in_review'`, `'approved'`,
    /// `'rejected'`, `'returned_for_changes'` or `'withdrawn'`.
    pub state: Option<String>,
    /// Only instances of this workflow, e.g. `'content_review'`.
    pub workflow: Option<String>,
    /// Only instances with a smaller id: pass the last id of one page to get
    /// the next.
    pub before_id: Option<f64>,
    /// At most this many, a whole number from 1 (default 100; larger values
    /// count as 10 000).
    pub limit: Option<f64>,
}

impl ApprovalFilter {
    fn into_core(self) -> brandrail::Result<brandrail::ApprovalFilter> {
        Ok(brandrail::ApprovalFilter {
            submitter: self.submitter,
            state: self.state.map(|s| parse("state", &s)).transpose()?,
            workflow: self.workflow,
            before_id: self.before_id.map(|id| whole("beforeId", id)).transpose()?,
            limit: self.limit.map(|n| whole("limit", n)).transpose()?,
        })
    }
}

/// One entry of an instance's history. Resubmissions keep every earlier entry.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ApprovalEvent {
    /// Position in the history (increasing).
    pub id: i64,
    /// The instance.
    pub instance_id: i64,
    /// When.
    pub at: Date,
    /// Who acted.
    pub principal: String,
    /// Whose authority a delegate used, or `null`.
    pub on_behalf_of: Option<String>,
    /// `'submitted'`, `'approved'`, `'rejected'`, `'returned'`,
    /// `'resubmitted'`, `'withdrawn'`, `'escalated'`, `'assigned'` or
    /// `'unassigned'`.
    pub kind: String,
    /// The stage it concerns, or `null` when not stage-specific.
    pub stage: Option<String>,
    /// The round it happened in.
    pub round: u32,
    /// The decision's comment (empty when none was given).
    pub comment: String,
    /// Checklist items confirmed with an approval, sorted.
    pub checklist: Vec<String>,
}

impl From<brandrail::ApprovalEvent> for ApprovalEvent {
    fn from(e: brandrail::ApprovalEvent) -> Self {
        ApprovalEvent {
            id: e.id,
            instance_id: e.instance_id,
            at: e.at.into(),
            principal: e.principal,
            on_behalf_of: e.on_behalf_of,
            kind: e.kind.as_str().to_owned(),
            stage: e.stage,
            round: e.round,
            comment: e.comment,
            checklist: e.checklist,
        }
    }
}

/// A stage in review: an open task for those who may decide it.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ApprovalTask {
    /// The instance.
    pub instance_id: i64,
    /// Its workflow.
    pub workflow: String,
    /// The active stage.
    pub stage: String,
    /// The subject's kind.
    pub subject_kind: String,
    /// The subject's title.
    pub subject_title: String,
    /// Who submitted it.
    pub submitter: String,
    /// The stage's deadline, or `null`.
    pub due_at: Option<Date>,
    /// Past its deadline at the time asked about.
    pub overdue: bool,
    /// Escalated already.
    pub escalated: bool,
    /// The one principal it is assigned to, or `null`.
    pub assignee: Option<String>,
    /// In a task list: whose delegated authority deciding it would use, or
    /// `null` when it is the principal's own.
    pub on_behalf_of: Option<String>,
}

impl From<brandrail::ApprovalTask> for ApprovalTask {
    fn from(t: brandrail::ApprovalTask) -> Self {
        ApprovalTask {
            instance_id: t.instance_id,
            workflow: t.workflow,
            stage: t.stage,
            subject_kind: t.subject_kind.as_str().to_owned(),
            subject_title: t.subject_title,
            submitter: t.submitter,
            due_at: t.due_at.map(Date::from),
            overdue: t.overdue,
            escalated: t.escalated,
            assignee: t.assignee,
            on_behalf_of: t.on_behalf_of,
        }
    }
}

/// How long one stage of a workflow takes, over the runs that reached their
/// quorum.
#[napi(object, object_from_js = false)]
pub struct StageThroughput {
    /// The workflow.
    pub workflow: String,
    /// The stage.
    pub stage: String,
    /// Stage runs that reached their quorum.
    pub completed: f64,
    /// Median time from start to quorum, seconds.
    pub median_seconds: f64,
    /// 90th-percentile time from start to quorum, seconds.
    pub p90_seconds: f64,
}

impl From<brandrail::StageThroughput> for StageThroughput {
    fn from(t: brandrail::StageThroughput) -> Self {
        StageThroughput {
            workflow: t.workflow,
            stage: t.stage,
            completed: number(t.completed),
            median_seconds: t.median_seconds,
            p90_seconds: t.p90_seconds,
        }
    }
}

#[napi]
impl Engine {
    /// One approval instance; throws `'not_found'` for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn approval(&self, env: &Env, id: f64) -> napi::Result<ApprovalInstance> {
        whole("id", id)
            .and_then(|id| self.inner.approval(id))
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Instances matching `filter` (default: all), newest first, at most
    /// `filter.limit` of them: a submitter's requests, every rejected one, one
    /// workflow's backlog. Unknown submitters and workflows simply match
    /// nothing; a bad `state` or a `limit` of 0 throws `'validation'`.
    #[napi(strict, catch_unwind)]
    pub fn approvals(
        &self,
        env: &Env,
        filter: Option<ApprovalFilter>,
    ) -> napi::Result<Vec<ApprovalInstance>> {
        filter
            .map_or_else(
                || Ok(brandrail::ApprovalFilter::default()),
                ApprovalFilter::into_core,
            )
            .and_then(|f| self.inner.approvals(&f))
            .map(all)
            .or_throw(env)
    }

    /// The whole history of instance `id`, oldest first, across every round.
    #[napi(strict, catch_unwind)]
    pub fn approval_history(&self, env: &Env, id: f64) -> napi::Result<Vec<ApprovalEvent>> {
        whole("id", id)
            .and_then(|id| self.inner.approval_history(id))
            .map(all)
            .or_throw(env)
    }

    /// The stages `handle` may decide now (as a decider, delegate, assignee or
    /// escalation target, and not barred by separation of duties), oldest
    /// first. Empty for a deactivated principal; `'not_found'` for an unknown
    /// one.
    #[napi(strict, catch_unwind)]
    pub fn approval_tasks(&self, env: &Env, handle: String) -> napi::Result<Vec<ApprovalTask>> {
        self.inner.approval_tasks(&handle).map(all).or_throw(env)
    }

    /// Every stage in review past its deadline as of `asOf` (default: now),
    /// most overdue first.
    #[napi(strict, catch_unwind)]
    pub fn overdue_approvals(
        &self,
        env: &Env,
        as_of: Option<Date>,
    ) -> napi::Result<Vec<ApprovalTask>> {
        utc_or(as_of, "asOf", || self.inner.now())
            .and_then(|t| self.inner.overdue_approvals(t))
            .map(all)
            .or_throw(env)
    }

    /// Delegations from or to `handle`, newest first.
    #[napi(strict, catch_unwind)]
    pub fn delegations(&self, env: &Env, handle: String) -> napi::Result<Vec<Delegation>> {
        self.inner.delegations(&handle).map(all).or_throw(env)
    }

    /// Median and 90th-percentile time per stage of `workflow`, in workflow
    /// order, over stage runs that reached their quorum (stages never
    /// completed are left out). `'not_found'` for an unknown workflow.
    #[napi(strict, catch_unwind)]
    pub fn approval_throughput(
        &self,
        env: &Env,
        workflow: String,
    ) -> napi::Result<Vec<StageThroughput>> {
        self.inner
            .approval_throughput(&workflow)
            .map(all)
            .or_throw(env)
    }
}
