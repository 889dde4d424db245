//! Approvals on the engine: every transition is one audited transaction; a
//! refusal (not a decider, separation of duties) is audited and changes nothing.

use chrono::{DateTime, Duration, Utc};

use super::machine;
use super::{
    ApprovalEvent, ApprovalInstance, ApprovalState, ApprovalTask, Delegation, EventKind,
    StageApproval, StageThroughput, Subject, SubjectKind,
};
use crate::access::{Permission, Principal};
use crate::audit::Entry;
use crate::error::{DenialReason, Error, Result};
use crate::policy::{Policy, WorkflowDef};
use crate::{Attempt, Ctx, Engine, Gate, store, validate};

/// Longest comment accepted, in characters.
const MAX_COMMENT_CHARS: usize = 2_000;
/// Most attributes a subject may carry.
const MAX_ATTRIBUTES: usize = 64;
/// Longest delegation window.
const MAX_DELEGATION_DAYS: i64 = 366;

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

fn check_comment(comment: &str, required: bool) -> Result<()> {
    if required && comment.trim().is_empty() {
        return Err(Error::validation(
            "comment",
            "a rejection or return needs a comment",
        ));
    }
    let n = comment.chars().count();
    if n > MAX_COMMENT_CHARS {
        return Err(Error::validation(
            "comment",
            format!("must be at most {MAX_COMMENT_CHARS} characters, got {n}"),
        ));
    }
    if comment.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::validation("comment", "contains control characters"));
    }
    Ok(())
}

fn check_subject(s: &Subject) -> Result<()> {
    if s.reference.trim().is_empty()
        || s.reference.len() > 128
        || s.reference.chars().any(char::is_control)
    {
        return Err(Error::validation(
            "subject.reference",
            "must be 1 to 128 bytes without control characters",
        ));
    }
    validate::display_text("subject.title", &s.title)?;
    if s.attributes.len() > MAX_ATTRIBUTES {
        return Err(Error::validation(
            "subject.attributes",
            format!(
                "at most {MAX_ATTRIBUTES} attributes, got {}",
                s.attributes.len()
            ),
        ));
    }
    for (k, v) in &s.attributes {
        let key_ok = !k.is_empty()
            && k.len() <= 64
            && k.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !key_ok {
            return Err(Error::validation(
                "subject.attributes",
                format!(
                    "'{}' is not an attribute name (a-z, 0-9, _)",
                    validate::printable(k)
                ),
            ));
        }
        if v.chars().count() > 1_000 || v.chars().any(char::is_control) {
            return Err(Error::validation(
                format!("subject.attributes.{k}"),
                "must be at most 1000 characters without control characters",
            ));
        }
    }
    for (i, a) in s.attachments.iter().enumerate() {
        validate::identifier(&format!("subject.attachments[{i}].kind"), &a.kind)?;
        validate::display_text(&format!("subject.attachments[{i}].name"), &a.name)?;
        if a.sha256.len() != 64 || !a.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::validation(
                format!("subject.attachments[{i}].sha256"),
                "must be 64 hexadecimal characters",
            ));
        }
        if a.amount.is_some_and(|m| m.is_sign_negative()) {
            return Err(Error::validation(
                format!("subject.attachments[{i}].amount"),
                "must not be negative",
            ));
        }
    }
    Ok(())
}

/// Checks of a subject against the workflow it is submitted to.
fn check_fit(policy: &Policy, def: &WorkflowDef, workflow: &str, s: &Subject) -> Result<()> {
    if s.kind != def.subject {
        return Err(Error::validation(
            "subject.kind",
            format!(
                "workflow '{workflow}' approves {}, not {}",
                def.subject, s.kind
            ),
        ));
    }
    for kind in &def.required_attachments {
        if !s.attachments.iter().any(|a| &a.kind == kind) {
            return Err(Error::validation(
                "subject.attachments",
                format!("workflow '{workflow}' needs at least one '{kind}' attachment"),
            ));
        }
    }
    if s.kind == SubjectKind::Decision {
        let matter = s.attributes.get("matter").map(String::as_str).unwrap_or("");
        if !policy
            .approvals
            .decision_layer_subjects
            .iter()
            .any(|m| m == matter)
        {
            return Err(Error::validation(
                "subject.attributes.matter",
                format!(
                    "'{}' is not one of: {}",
                    validate::printable(matter),
                    policy.approvals.decision_layer_subjects.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn allow_multi(policy: &Policy, def: &WorkflowDef) -> bool {
    def.allow_same_principal_multiple_stages
        .unwrap_or(policy.approvals.allow_same_principal_multiple_stages)
}

fn load(ctx: &Ctx<'_>, id: i64) -> Result<(ApprovalInstance, WorkflowDef)> {
    store::approval::get(ctx.tx, id)?.ok_or_else(|| Error::not_found("approval", id.to_string()))
}

fn principal(tx: &rusqlite::Transaction<'_>, handle: &str) -> Result<Principal> {
    store::access::principal(tx, handle)?
        .ok_or_else(|| Error::not_found("principal", crate::audit_safe(handle)))
}

fn event(
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
fn commit(
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

fn delegators(ctx: &Ctx<'_>, to: &str) -> Result<Vec<Principal>> {
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
        check_subject(&subject)?;
        self.mutate(
            actor,
            Permission::ApprovalSubmit,
            Attempt::new("approval.submit", "workflow", workflow),
            |ctx| {
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
            },
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
        check_comment(
            decision.comment(),
            !matches!(decision, Decision::Approve { .. }),
        )?;
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
        if let Some(s) = &subject {
            check_subject(s)?;
        }
        let target = id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.resubmit", "approval", &target),
            |ctx| {
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
        check_comment(comment, false)?;
        let target = id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.withdraw", "approval", &target),
            |ctx| {
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

    /// Let `to` decide in the actor's place from `starts_at` until `ends_at`
    /// (APR-4: delegation while away, recorded). Any active principal may
    /// delegate its own authority, to another active principal.
    pub fn delegate_approvals(
        &self,
        actor: &str,
        to: &str,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<Delegation> {
        if ends_at <= starts_at {
            return Err(Error::validation("ends_at", "must be after starts_at"));
        }
        if ends_at - starts_at > Duration::days(MAX_DELEGATION_DAYS) {
            return Err(Error::validation(
                "ends_at",
                format!("a delegation lasts at most {MAX_DELEGATION_DAYS} days"),
            ));
        }
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.delegate", "principal", to),
            |ctx| {
                if ends_at <= ctx.now {
                    return Err(Error::validation("ends_at", "lies in the past"));
                }
                if to == ctx.actor.handle {
                    return Err(Error::validation("to", "cannot delegate to oneself"));
                }
                let target = principal(ctx.tx, to)?;
                if !target.active {
                    return Err(Error::conflict("principal", to, "is deactivated"));
                }
                let mut d = Delegation {
                    id: 0,
                    from: ctx.actor.handle.clone(),
                    to: to.to_owned(),
                    starts_at,
                    ends_at,
                    created_at: ctx.now,
                    revoked_at: None,
                };
                d.id = store::approval::insert_delegation(ctx.tx, &d)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "approval.delegate",
                        "delegation",
                        &d.id.to_string(),
                    )
                    .after(&d)
                    .with_detail(format!("to={to}")),
                )?;
                Ok(d)
            },
        )
    }

    /// End a delegation early (its grantor, or a holder of `approval.administer`).
    pub fn end_delegation(&self, actor: &str, delegation_id: i64) -> Result<Delegation> {
        let target = delegation_id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.end_delegation", "delegation", &target),
            |ctx| {
                let before = store::approval::delegation(ctx.tx, delegation_id)?
                    .ok_or_else(|| Error::not_found("delegation", delegation_id.to_string()))?;
                let admin =
                    crate::access::check(ctx.policy, ctx.actor, Permission::ApprovalAdminister)
                        .is_ok();
                if before.from != ctx.actor.handle && !admin {
                    return Err(Error::PermissionDenied {
                        principal: ctx.actor.handle.clone(),
                        permission: Permission::ApprovalAdminister.as_str().into(),
                        reason: DenialReason::MissingPermission,
                    });
                }
                if before.revoked_at.is_some() {
                    return Err(Error::conflict(
                        "delegation",
                        delegation_id.to_string(),
                        "already ended",
                    ));
                }
                store::approval::revoke_delegations(ctx.tx, &[delegation_id], ctx.now)?;
                let mut after = before.clone();
                after.revoked_at = Some(ctx.now);
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "approval.end_delegation",
                        "delegation",
                        &target,
                    )
                    .before(&before)
                    .after(&after),
                )?;
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

    /// One instance.
    pub fn approval(&self, id: i64) -> Result<ApprovalInstance> {
        self.read(|tx, _| {
            store::approval::get(tx, id)?
                .map(|(i, _)| i)
                .ok_or_else(|| Error::not_found("approval", id.to_string()))
        })
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

fn task_of(inst: &ApprovalInstance, now: DateTime<Utc>) -> ApprovalTask {
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
