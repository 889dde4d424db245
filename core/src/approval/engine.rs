//! Approvals on the engine: every transition is one audited transaction; a
//! refusal (not a decider, separation of duties) is audited and changes nothing.

use super::check::{check_comment, check_fit, check_subject};
use super::machine;
use super::{ApprovalEvent, ApprovalInstance, ApprovalState, EventKind, StageApproval, Subject};
use crate::access::{Permission, Principal};
use crate::audit::Entry;
use crate::error::{DenialReason, Error, Result};
use crate::policy::{Policy, WorkflowDef};
use crate::{Attempt, Ctx, Engine, Gate, store};

/// A decision on the active stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Approve, confirming the stage's checklist items.
    Approve {
        /// Optional comment.
        comment: String,
        /// Checklist items confirmed; must be exactly the stage's checklist.
        checklist: Vec<String>,
    },
    /// Reject: back to the submitter (APR-4). A comment is required.
    Reject {
        /// Why.
        comment: String,
    },
    /// Return for changes: back to the submitter. A comment is required.
    Return {
        /// What to change.
        comment: String,
    },
}

impl Decision {
    /// An approval with a comment and no checklist.
    pub fn approve(comment: impl Into<String>) -> Self {
        Decision::Approve {
            comment: comment.into(),
            checklist: Vec::new(),
        }
    }

    fn comment(&self) -> &str {
        match self {
            Decision::Approve { comment, .. }
            | Decision::Reject { comment }
            | Decision::Return { comment } => comment,
        }
    }
}

pub(super) fn allow_multi(policy: &Policy, def: &WorkflowDef) -> bool {
    def.allow_same_principal_multiple_stages
        .unwrap_or(policy.approvals.allow_same_principal_multiple_stages)
}

pub(super) fn load(ctx: &Ctx<'_>, id: i64) -> Result<(ApprovalInstance, WorkflowDef)> {
    store::approval::get(ctx.tx, id)?.ok_or_else(|| Error::not_found("approval", id.to_string()))
}

pub(super) fn principal(tx: &rusqlite::Transaction<'_>, handle: &str) -> Result<Principal> {
    store::access::principal(tx, handle)?
        .ok_or_else(|| Error::not_found("principal", crate::audit_safe(handle)))
}

pub(super) fn event(
    inst: &ApprovalInstance,
    ctx: &Ctx<'_>,
    kind: EventKind,
    stage: Option<String>,
) -> ApprovalEvent {
    ApprovalEvent {
        id: 0,
        instance_id: inst.id,
        at: ctx.now,
        principal: ctx.actor.handle.clone(),
        on_behalf_of: None,
        kind,
        stage,
        round: inst.round,
        comment: String::new(),
        checklist: Vec::new(),
    }
}

/// Store the new state, its history event and its audit record.
pub(super) fn commit(
    ctx: &Ctx<'_>,
    before: Option<&ApprovalInstance>,
    after: &ApprovalInstance,
    ev: &ApprovalEvent,
    action: &'static str,
) -> Result<()> {
    store::approval::update(ctx.tx, after)?;
    store::approval::insert_event(ctx.tx, ev)?;
    let mut detail = format!("workflow={} round={}", after.workflow, after.round);
    if let Some(s) = &ev.stage {
        detail.push_str(&format!(" stage={s}"));
    }
    if let Some(b) = &ev.on_behalf_of {
        detail.push_str(&format!(" on_behalf_of={b}"));
    }
    detail.push_str(&format!(" state={}", after.state));
    let mut entry =
        Entry::applied(&ctx.actor.handle, action, "approval", &after.id.to_string()).after(after);
    if let Some(b) = before {
        entry = entry.before(b);
    }
    ctx.record(&entry.with_detail(detail))?;
    // A content item under review follows its review's outcome.
    crate::content::on_review(ctx, after)?;
    Ok(())
}

/// Who may decide `inst`'s active stage as `actor`, or the refusal.
fn authorize_decision(
    ctx: &Ctx<'_>,
    inst: &ApprovalInstance,
    def: &WorkflowDef,
    delegators: &[Principal],
) -> Result<Principal> {
    let submitter = principal(ctx.tx, &inst.submitter)?;
    let stage = inst.current_stage.clone().unwrap_or_default();
    let found = machine::authority(inst, def, ctx.actor, delegators, submitter.department);
    let Some(found) = found else {
        return Err(Error::PermissionDenied {
            principal: ctx.actor.handle.clone(),
            permission: format!("approval.decide:{}.{stage}", inst.workflow),
            reason: DenialReason::NotADecider,
        });
    };
    machine::separation_of_duties(
        inst,
        allow_multi(ctx.policy, def),
        &ctx.actor.handle,
        &found.handle,
    )?;
    Ok(found.clone())
}

pub(super) fn delegators(ctx: &Ctx<'_>, to: &str) -> Result<Vec<Principal>> {
    store::approval::delegators_of(ctx.tx, to, ctx.now)?
        .iter()
        .map(|h| principal(ctx.tx, h))
        .collect()
}

impl Engine {
    /// Submit `subject` to `workflow` (APR-1; needs `approval.submit`). The
    /// workflow is snapshotted into the instance; stages whose condition fails
    /// are skipped.
    pub fn submit_approval(
        &self,
        actor: &str,
        workflow: &str,
        subject: Subject,
    ) -> Result<ApprovalInstance> {
        self.mutate(
            actor,
            Permission::ApprovalSubmit,
            Attempt::new("approval.submit", "workflow", workflow),
            |ctx| submit_in(ctx, workflow, subject),
        )
    }

    /// Decide the active stage of instance `id` (APR-1, APR-3, APR-4). The actor
    /// must be one of the stage's deciders (or their delegate, or of the
    /// escalation pool once escalated, or the assignee); nobody decides their
    /// own submission or fills two stages unless the workflow allows it.
    pub fn decide_approval(
        &self,
        actor: &str,
        id: i64,
        decision: Decision,
    ) -> Result<ApprovalInstance> {
        let action = match decision {
            Decision::Approve { .. } => "approval.approve",
            Decision::Reject { .. } => "approval.reject",
            Decision::Return { .. } => "approval.return",
        };
        let target = id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new(action, "approval", &target),
            |ctx| {
                check_comment(
                    decision.comment(),
                    !matches!(decision, Decision::Approve { .. }),
                )?;
                let (before, def) = load(ctx, id)?;
                if before.state != ApprovalState::InReview {
                    return Err(machine::not_in_review(&before));
                }
                let delegators = delegators(ctx, &ctx.actor.handle)?;
                let authority = authorize_decision(ctx, &before, &def, &delegators)?;
                let on_behalf_of =
                    (authority.handle != ctx.actor.handle).then(|| authority.handle.clone());
                let stage_index = machine::active_index(&before)
                    .ok_or_else(|| machine::not_in_review(&before))?;
                let stage_name = before.stages[stage_index].name.clone();
                let mut after = before.clone();
                let sla = ctx.policy.approvals.default_sla_hours;
                let (kind, checklist) = match &decision {
                    Decision::Approve { checklist, .. } => {
                        let mut wanted = def.stages[stage_index].checklist.clone();
                        let mut given = checklist.clone();
                        wanted.sort();
                        given.sort();
                        given.dedup();
                        if wanted != given {
                            return Err(Error::validation(
                                "checklist",
                                format!(
                                    "stage '{stage_name}' needs exactly: [{}]",
                                    wanted.join(", ")
                                ),
                            ));
                        }
                        let approval = StageApproval {
                            principal: ctx.actor.handle.clone(),
                            on_behalf_of: on_behalf_of.clone(),
                            at: ctx.now,
                        };
                        machine::approve(&mut after, &def, approval, ctx.now, sla)?;
                        (EventKind::Approved, given)
                    }
                    Decision::Reject { .. } => {
                        machine::send_back(&mut after, ApprovalState::Rejected, ctx.now)?;
                        (EventKind::Rejected, Vec::new())
                    }
                    Decision::Return { .. } => {
                        machine::send_back(&mut after, ApprovalState::ReturnedForChanges, ctx.now)?;
                        (EventKind::Returned, Vec::new())
                    }
                };
                let mut ev = event(&after, ctx, kind, Some(stage_name));
                ev.on_behalf_of = on_behalf_of;
                ev.comment = decision.comment().to_owned();
                ev.checklist = checklist;
                commit(ctx, Some(&before), &after, &ev, action)?;
                Ok(after)
            },
        )
    }

    /// Approve the active stage (shorthand for [`Engine::decide_approval`]).
    pub fn approve(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
        checklist: &[String],
    ) -> Result<ApprovalInstance> {
        self.decide_approval(
            actor,
            id,
            Decision::Approve {
                comment: comment.to_owned(),
                checklist: checklist.to_vec(),
            },
        )
    }

    /// Reject: the instance goes back to its submitter (a comment is required).
    pub fn reject(&self, actor: &str, id: i64, comment: &str) -> Result<ApprovalInstance> {
        self.decide_approval(
            actor,
            id,
            Decision::Reject {
                comment: comment.to_owned(),
            },
        )
    }

    /// Return for changes (a comment is required).
    pub fn return_for_changes(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
    ) -> Result<ApprovalInstance> {
        self.decide_approval(
            actor,
            id,
            Decision::Return {
                comment: comment.to_owned(),
            },
        )
    }

    /// Submit a rejected or returned instance again, optionally with a revised
    /// subject (same kind); a new round starts from the first stage and the
    /// history is kept. Only the submitter may.
    pub fn resubmit_approval(
        &self,
        actor: &str,
        id: i64,
        subject: Option<Subject>,
    ) -> Result<ApprovalInstance> {
        let target = id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.resubmit", "approval", &target),
            |ctx| {
                if let Some(s) = &subject {
                    check_subject(s)?;
                }
                let (before, def) = load(ctx, id)?;
                if before.submitter != ctx.actor.handle {
                    return Err(Error::PermissionDenied {
                        principal: ctx.actor.handle.clone(),
                        permission: "approval.resubmit".into(),
                        reason: DenialReason::NotTheSubmitter,
                    });
                }
                let subject = subject.unwrap_or_else(|| before.subject.clone());
                check_fit(ctx.policy, &def, &before.workflow, &subject)?;
                let mut after = before.clone();
                machine::resubmit(
                    &mut after,
                    &def,
                    subject,
                    ctx.now,
                    ctx.policy.approvals.default_sla_hours,
                )?;
                let ev = event(&after, ctx, EventKind::Resubmitted, None);
                commit(ctx, Some(&before), &after, &ev, "approval.resubmit")?;
                Ok(after)
            },
        )
    }

    /// Withdraw an instance that is not yet approved; final. Only the submitter may.
    pub fn withdraw_approval(
        &self,
        actor: &str,
        id: i64,
        comment: &str,
    ) -> Result<ApprovalInstance> {
        let target = id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.withdraw", "approval", &target),
            |ctx| {
                check_comment(comment, false)?;
                let (before, _) = load(ctx, id)?;
                if before.submitter != ctx.actor.handle {
                    return Err(Error::PermissionDenied {
                        principal: ctx.actor.handle.clone(),
                        permission: "approval.withdraw".into(),
                        reason: DenialReason::NotTheSubmitter,
                    });
                }
                if matches!(
                    before.state,
                    ApprovalState::Approved | ApprovalState::Withdrawn
                ) {
                    return Err(Error::conflict(
                        "approval",
                        id.to_string(),
                        format!("is already {}", before.state),
                    ));
                }
                let mut after = before.clone();
                after.state = ApprovalState::Withdrawn;
                after.current_stage = None;
                after.assignee = None;
                after.closed_at = Some(ctx.now);
                after.updated_at = ctx.now;
                let mut ev = event(&after, ctx, EventKind::Withdrawn, None);
                ev.comment = comment.to_owned();
                commit(ctx, Some(&before), &after, &ev, "approval.withdraw")?;
                Ok(after)
            },
        )
    }

    /// Assign the active stage of `id` to one eligible principal (needs
    /// `approval.administer`); only the assignee (or its delegate) may then decide.
    pub fn assign_approval(
        &self,
        actor: &str,
        id: i64,
        assignee: &str,
    ) -> Result<ApprovalInstance> {
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ApprovalAdminister,
            Attempt::new("approval.assign", "approval", &target),
            |ctx| {
                let (before, def) = load(ctx, id)?;
                let i = machine::active_index(&before)
                    .ok_or_else(|| machine::not_in_review(&before))?;
                let who = principal(ctx.tx, assignee)?;
                let submitter = principal(ctx.tx, &before.submitter)?;
                let stage = &def.stages[i];
                let eligible = machine::matches(&stage.deciders, &who, submitter.department)
                    || (before.escalated
                        && stage
                            .escalate_to
                            .as_ref()
                            .is_some_and(|e| machine::matches(e, &who, submitter.department)));
                if !eligible {
                    return Err(Error::validation(
                        "assignee",
                        format!("'{assignee}' may not decide stage '{}'", stage.name),
                    ));
                }
                machine::separation_of_duties(
                    &before,
                    allow_multi(ctx.policy, &def),
                    assignee,
                    assignee,
                )?;
                let mut after = before.clone();
                after.assignee = Some(assignee.to_owned());
                after.updated_at = ctx.now;
                let mut ev = event(
                    &after,
                    ctx,
                    EventKind::Assigned,
                    before.current_stage.clone(),
                );
                ev.comment = format!("assigned to {assignee}");
                commit(ctx, Some(&before), &after, &ev, "approval.assign")?;
                Ok(after)
            },
        )
    }

    /// Escalate every stage past its deadline that has an escalation target and
    /// was not escalated yet (needs `approval.administer`; a scheduler calls
    /// this). Returns the escalated instances.
    pub fn escalate_overdue_approvals(&self, actor: &str) -> Result<Vec<ApprovalInstance>> {
        self.mutate(
            actor,
            Permission::ApprovalAdminister,
            Attempt::new("approval.escalate", "approval", "overdue"),
            |ctx| {
                let mut out = Vec::new();
                for (before, def) in store::approval::in_review(ctx.tx)? {
                    let Some(i) = machine::active_index(&before) else {
                        continue;
                    };
                    let overdue = before.stages[i].due_at.is_some_and(|d| d < ctx.now);
                    if !overdue || before.escalated || def.stages[i].escalate_to.is_none() {
                        continue;
                    }
                    let mut after = before.clone();
                    after.escalated = true;
                    after.updated_at = ctx.now;
                    let ev = event(
                        &after,
                        ctx,
                        EventKind::Escalated,
                        before.current_stage.clone(),
                    );
                    commit(ctx, Some(&before), &after, &ev, "approval.escalate")?;
                    out.push(after);
                }
                Ok(out)
            },
        )
    }
}

/// ACC-3 for approvals: when `handle` is deactivated, stages assigned to it go
/// back to their pool (recorded), its delegations end, and stages nobody active
/// can decide any more are flagged. Returns (reassigned, unstaffed) instance ids.
pub(crate) fn on_deactivation(ctx: &Ctx<'_>, handle: &str) -> Result<(Vec<i64>, Vec<i64>)> {
    let reassigned = store::approval::assigned_to(ctx.tx, handle)?;
    for id in &reassigned {
        let (before, _) = load(ctx, *id)?;
        let mut after = before.clone();
        after.assignee = None;
        after.updated_at = ctx.now;
        let mut ev = event(
            &after,
            ctx,
            EventKind::Unassigned,
            before.current_stage.clone(),
        );
        ev.comment = format!("{handle} was deactivated");
        commit(ctx, Some(&before), &after, &ev, "approval.unassign")?;
    }
    let ids: Vec<i64> = store::approval::delegations_of(ctx.tx, handle)?
        .iter()
        .filter(|d| d.revoked_at.is_none() && d.ends_at > ctx.now)
        .map(|d| d.id)
        .collect();
    store::approval::revoke_delegations(ctx.tx, &ids, ctx.now)?;

    let staff: Vec<Principal> = store::access::principals(ctx.tx)?
        .into_iter()
        .filter(|p| p.active)
        .collect();
    let mut unstaffed = Vec::new();
    for (inst, def) in store::approval::in_review(ctx.tx)? {
        let submitter = principal(ctx.tx, &inst.submitter)?;
        let multi = allow_multi(ctx.policy, &def);
        let someone = staff.iter().any(|p| {
            machine::authority(&inst, &def, p, &[], submitter.department).is_some()
                && machine::separation_of_duties(&inst, multi, &p.handle, &p.handle).is_ok()
        });
        if !someone {
            unstaffed.push(inst.id);
        }
    }
    Ok((reassigned, unstaffed))
}

/// Submit `subject` to `workflow` inside an authorized transaction (used by
/// [`Engine::submit_approval`] and by content review).
pub(crate) fn submit_in(
    ctx: &Ctx<'_>,
    workflow: &str,
    subject: Subject,
) -> Result<ApprovalInstance> {
    check_subject(&subject)?;
    let def = ctx
        .policy
        .approvals
        .workflows
        .get(workflow)
        .cloned()
        .ok_or_else(|| Error::not_found("workflow", crate::audit_safe(workflow)))?;
    check_fit(ctx.policy, &def, workflow, &subject)?;
    let sla = ctx.policy.approvals.default_sla_hours;
    let mut inst = ApprovalInstance {
        id: 0,
        workflow: workflow.to_owned(),
        stages: machine::plan(&def, &subject, ctx.now, sla),
        subject,
        submitter: ctx.actor.handle.clone(),
        state: ApprovalState::InReview,
        round: 1,
        current_stage: None,
        assignee: None,
        escalated: false,
        submitted_at: ctx.now,
        updated_at: ctx.now,
        closed_at: None,
    };
    machine::settle(&mut inst, ctx.now);
    inst.id = store::approval::insert(ctx.tx, &inst, &def)?;
    let ev = event(&inst, ctx, EventKind::Submitted, None);
    commit(ctx, None, &inst, &ev, "approval.submit")?;
    Ok(inst)
}
