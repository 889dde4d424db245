//! The read side of approvals: instances, history, task lists, overdue
//! stages, delegations and throughput.

use chrono::{DateTime, Utc};

use super::engine::{allow_multi, principal};
use super::machine;
use super::{ApprovalEvent, ApprovalInstance, ApprovalTask, Delegation, StageThroughput};
use crate::access::Principal;
use crate::error::{Error, Result};
use crate::{Engine, store};

impl Engine {
    /// One instance.
    pub fn approval(&self, id: i64) -> Result<ApprovalInstance> {
        self.read(|tx, _| {
            store::approval::get(tx, id)?
                .map(|(i, _)| i)
                .ok_or_else(|| Error::not_found("approval", id.to_string()))
        })
    }

    /// Instances matching `filter`, newest first: a submitter's requests, all
    /// rejected ones, one workflow's backlog.
    pub fn approvals(&self, filter: &super::ApprovalFilter) -> Result<Vec<ApprovalInstance>> {
        if filter.limit == Some(0) {
            return Err(Error::validation("limit", "must be at least 1"));
        }
        self.read(|tx, _| store::approval::list(tx, filter))
    }

    /// An instance's full history, oldest first (APR-4: resubmissions keep it).
    pub fn approval_history(&self, id: i64) -> Result<Vec<ApprovalEvent>> {
        self.read(|tx, _| {
            if store::approval::get(tx, id)?.is_none() {
                return Err(Error::not_found("approval", id.to_string()));
            }
            store::approval::events(tx, id)
        })
    }

    /// The tasks `handle` may decide now, oldest first, with their deadlines.
    pub fn approval_tasks(&self, handle: &str) -> Result<Vec<ApprovalTask>> {
        let now = self.now();
        self.read(|tx, policy| {
            let me = principal(tx, handle)?;
            if !me.active {
                return Ok(Vec::new());
            }
            let delegators: Vec<Principal> = store::approval::delegators_of(tx, handle, now)?
                .iter()
                .map(|h| principal(tx, h))
                .collect::<Result<_>>()?;
            let mut out = Vec::new();
            for (inst, def) in store::approval::in_review(tx)? {
                let submitter = principal(tx, &inst.submitter)?;
                let Some(auth) =
                    machine::authority(&inst, &def, &me, &delegators, submitter.department)
                else {
                    continue;
                };
                if machine::separation_of_duties(
                    &inst,
                    allow_multi(policy, &def),
                    handle,
                    &auth.handle,
                )
                .is_err()
                {
                    continue;
                }
                let mut task = task_of(&inst, now);
                task.on_behalf_of = (auth.handle != handle).then(|| auth.handle.clone());
                out.push(task);
            }
            Ok(out)
        })
    }

    /// Every stage in review past its deadline at `as_of` (APR-4: overdue
    /// tasks are reported), most overdue first.
    pub fn overdue_approvals(&self, as_of: DateTime<Utc>) -> Result<Vec<ApprovalTask>> {
        self.read(|tx, _| {
            let mut out: Vec<ApprovalTask> = store::approval::in_review(tx)?
                .iter()
                .map(|(inst, _)| task_of(inst, as_of))
                .filter(|t| t.overdue)
                .collect();
            out.sort_by_key(|t| (t.due_at, t.instance_id));
            Ok(out)
        })
    }

    /// Delegations from or to `handle`, newest first.
    pub fn delegations(&self, handle: &str) -> Result<Vec<Delegation>> {
        self.read(|tx, _| store::approval::delegations_of(tx, handle))
    }

    /// Median and 90th-percentile time per stage of `workflow`, over stage runs
    /// that reached their quorum.
    pub fn approval_throughput(&self, workflow: &str) -> Result<Vec<StageThroughput>> {
        self.read(|tx, policy| {
            let order: Vec<String> = match policy.approvals.workflows.get(workflow) {
                Some(def) => def.stages.iter().map(|s| s.name.clone()).collect(),
                None => return Err(Error::not_found("workflow", crate::audit_safe(workflow))),
            };
            let rows = store::approval::stage_durations(tx, workflow)?;
            let mut out = Vec::new();
            for stage in order {
                let mut ms: Vec<i64> = rows
                    .iter()
                    .filter(|(s, _)| *s == stage)
                    .map(|(_, d)| *d)
                    .collect();
                if ms.is_empty() {
                    continue;
                }
                ms.sort_unstable();
                let pick = |q: f64| {
                    let rank = ((q * ms.len() as f64).ceil() as usize).clamp(1, ms.len());
                    ms[rank - 1] as f64 / 1000.0
                };
                let median = if ms.len() % 2 == 1 {
                    ms[ms.len() / 2] as f64 / 1000.0
                } else {
                    (ms[ms.len() / 2 - 1] + ms[ms.len() / 2]) as f64 / 2000.0
                };
                out.push(StageThroughput {
                    workflow: workflow.to_owned(),
                    stage,
                    completed: ms.len() as u64,
                    median_seconds: median,
                    p90_seconds: pick(0.9),
                });
            }
            Ok(out)
        })
    }
}

pub(super) fn task_of(inst: &ApprovalInstance, now: DateTime<Utc>) -> ApprovalTask {
    let due_at = inst.active_stage().and_then(|s| s.due_at);
    ApprovalTask {
        instance_id: inst.id,
        workflow: inst.workflow.clone(),
        stage: inst.current_stage.clone().unwrap_or_default(),
        subject_kind: inst.subject.kind,
        subject_title: inst.subject.title.clone(),
        submitter: inst.submitter.clone(),
        due_at,
        overdue: due_at.is_some_and(|d| d < now),
        escalated: inst.escalated,
        assignee: inst.assignee.clone(),
        on_behalf_of: None,
    }
}
