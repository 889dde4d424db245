//! The approval state machine, free of storage: stage plans, who may decide,
//! separation of duties (APR-3), quorum and advancing. The engine loads an
//! instance, runs one of these functions, and stores the result.

use chrono::{DateTime, Duration, Utc};

use super::{ApprovalInstance, ApprovalState, StageApproval, StageState, StageStatus, Subject};
use crate::access::{Department, Principal};
use crate::error::{Error, Result};
use crate::policy::{Deciders, WorkflowDef};

/// The stages of a new round: skipped where the condition fails, the first
/// applicable one active.
pub(crate) fn plan(
    def: &WorkflowDef,
    subject: &Subject,
    now: DateTime<Utc>,
    default_sla_hours: u32,
) -> Vec<StageStatus> {
    let mut stages: Vec<StageStatus> = def
        .stages
        .iter()
        .map(|s| StageStatus {
            name: s.name.clone(),
            state: match &s.when {
                Some(c) if !c.holds(&subject.attributes) => StageState::Skipped,
                _ => StageState::Waiting,
            },
            quorum: s.quorum,
            approvals: Vec::new(),
            started_at: None,
            due_at: None,
            completed_at: None,
        })
        .collect();
    activate_next(&mut stages, def, now, default_sla_hours);
    stages
}

/// Make the first waiting stage active; false when none is left.
fn activate_next(
    stages: &mut [StageStatus],
    def: &WorkflowDef,
    now: DateTime<Utc>,
    default_sla_hours: u32,
) -> bool {
    let Some(i) = stages.iter().position(|s| s.state == StageState::Waiting) else {
        return false;
    };
    let hours = def.stages[i].sla_hours.unwrap_or(default_sla_hours);
    let st = &mut stages[i];
    st.state = StageState::Active;
    st.started_at = Some(now);
    st.due_at = Some(now + Duration::hours(i64::from(hours)));
    true
}

/// Index of the active stage.
pub(crate) fn active_index(inst: &ApprovalInstance) -> Option<usize> {
    inst.stages
        .iter()
        .position(|s| s.state == StageState::Active)
}

/// Does `p` belong to `deciders` for a submission from `submitter_department`?
pub(crate) fn matches(d: &Deciders, p: &Principal, submitter_department: Department) -> bool {
    p.active
        && (d.roles.iter().any(|r| p.roles.contains(r)) || d.departments.contains(&p.department))
        && (!d.same_department_as_submitter || p.department == submitter_department)
}

/// Whose authority decides the active stage: the actor's own, or that of a
/// principal who delegated to the actor. `None` when neither may decide.
pub(crate) fn authority<'a>(
    inst: &ApprovalInstance,
    def: &WorkflowDef,
    actor: &'a Principal,
    delegators: &'a [Principal],
    submitter_department: Department,
) -> Option<&'a Principal> {
    let i = active_index(inst)?;
    let stage = &def.stages[i];
    std::iter::once(actor).chain(delegators.iter()).find(|c| {
        let in_pool = matches(&stage.deciders, c, submitter_department)
            || (inst.escalated
                && stage
                    .escalate_to
                    .as_ref()
                    .is_some_and(|e| matches(e, c, submitter_department)));
        let assigned_ok = inst.assignee.as_ref().is_none_or(|a| a == &c.handle);
        in_pool && assigned_ok
    })
}

/// APR-3: nobody decides on their own submission; nobody approves a stage
/// twice; nobody fills two stages of one round unless the workflow allows it.
/// Checked for the actor and for the principal whose authority is used.
pub(crate) fn separation_of_duties(
    inst: &ApprovalInstance,
    allow_multiple_stages: bool,
    actor: &str,
    authority: &str,
) -> Result<()> {
    let people = [actor, authority];
    if people.contains(&inst.submitter.as_str()) {
        return Err(Error::SeparationOfDuties {
            principal: actor.to_owned(),
            message: "nobody decides on their own submission".into(),
        });
    }
    let Some(i) = active_index(inst) else {
        return Ok(());
    };
    let involved = |a: &StageApproval| {
        people.contains(&a.principal.as_str())
            || a.on_behalf_of
                .as_deref()
                .is_some_and(|b| people.contains(&b))
    };
    if inst.stages[i].approvals.iter().any(involved) {
        return Err(Error::SeparationOfDuties {
            principal: actor.to_owned(),
            message: format!(
                "already approved stage '{}' in this round",
                inst.stages[i].name
            ),
        });
    }
    if !allow_multiple_stages
        && let Some(other) = inst
            .stages
            .iter()
            .enumerate()
            .find(|(j, s)| *j != i && s.approvals.iter().any(involved))
    {
        return Err(Error::SeparationOfDuties {
            principal: actor.to_owned(),
            message: format!(
                "already decided stage '{}' of this instance; one principal may not fill two stages",
                other.1.name
            ),
        });
    }
    Ok(())
}

/// Record an approval at the active stage; advance when its quorum is reached.
pub(crate) fn approve(
    inst: &mut ApprovalInstance,
    def: &WorkflowDef,
    approval: StageApproval,
    now: DateTime<Utc>,
    default_sla_hours: u32,
) -> Result<()> {
    let i = active_index(inst).ok_or_else(|| not_in_review(inst))?;
    let stage = &mut inst.stages[i];
    stage.approvals.push(approval);
    if stage.approvals.len() >= stage.quorum as usize {
        stage.state = StageState::Done;
        stage.completed_at = Some(now);
        inst.assignee = None;
        inst.escalated = false;
        if !activate_next(&mut inst.stages, def, now, default_sla_hours) {
            inst.state = ApprovalState::Approved;
            inst.closed_at = Some(now);
        }
    }
    inst.current_stage = active_index(inst).map(|j| inst.stages[j].name.clone());
    inst.updated_at = now;
    Ok(())
}

/// End the round: rejected or returned for changes, back to the submitter.
pub(crate) fn send_back(
    inst: &mut ApprovalInstance,
    to: ApprovalState,
    now: DateTime<Utc>,
) -> Result<()> {
    active_index(inst).ok_or_else(|| not_in_review(inst))?;
    inst.state = to;
    inst.current_stage = None;
    inst.assignee = None;
    inst.escalated = false;
    inst.updated_at = now;
    Ok(())
}

/// Start a new round after a rejection or return.
pub(crate) fn resubmit(
    inst: &mut ApprovalInstance,
    def: &WorkflowDef,
    subject: Subject,
    now: DateTime<Utc>,
    default_sla_hours: u32,
) -> Result<()> {
    if !matches!(
        inst.state,
        ApprovalState::Rejected | ApprovalState::ReturnedForChanges
    ) {
        return Err(Error::conflict(
            "approval",
            inst.id.to_string(),
            format!(
                "is {}; only a rejected or returned instance can be resubmitted",
                inst.state
            ),
        ));
    }
    inst.stages = plan(def, &subject, now, default_sla_hours);
    inst.subject = subject;
    inst.round += 1;
    settle(inst, now);
    Ok(())
}

/// After planning: in review at the active stage, or approved at once when
/// every stage was skipped.
pub(crate) fn settle(inst: &mut ApprovalInstance, now: DateTime<Utc>) {
    inst.current_stage = active_index(inst).map(|j| inst.stages[j].name.clone());
    inst.assignee = None;
    inst.escalated = false;
    inst.updated_at = now;
    if inst.current_stage.is_some() {
        inst.state = ApprovalState::InReview;
    } else {
        inst.state = ApprovalState::Approved;
        inst.closed_at = Some(now);
    }
}

pub(crate) fn not_in_review(inst: &ApprovalInstance) -> Error {
    Error::conflict(
        "approval",
        inst.id.to_string(),
        format!("is {}, not in review", inst.state),
    )
}
