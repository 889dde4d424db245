//! Approvals (APR-1..APR-4): workflow instances and their stages, decisions,
//! resubmission, withdrawal, delegation while away, assignment, escalation,
//! task lists and throughput. Workflows themselves are policy data
//! (`approvals.workflows` in the policy document).
//!
//! This file holds the types; `approval/engine.rs` the Engine methods.
//!
//! Money crosses the boundary as a decimal string (`"1280.50"`), never a
//! floating-point number; the core's one parser (`brandrail::money`) turns it
//! into an exact decimal, so every language accepts and refuses the same
//! strings.

mod engine;
mod filter;

use std::collections::HashMap;
use std::time::SystemTime;

pub use filter::ApprovalFilter;

use crate::error::BrandrailError;
use crate::{all, system_time, system_time_opt};

mirror_enum! {
    /// Where an approval instance stands.
    ApprovalState => brandrail::ApprovalState {
        /// `in_review`: a stage is waiting for decisions.
        InReview,
        /// `approved`: every applicable stage reached its quorum; final.
        Approved,
        /// `rejected`: back with the submitter, who may resubmit.
        Rejected,
        /// `returned_for_changes`: back with the submitter, who may resubmit.
        ReturnedForChanges,
        /// `withdrawn`: withdrawn by the submitter; final.
        Withdrawn,
    }
    /// The approval state with this stable name (e.g. `in_review`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_approval_state;
}

mirror_enum! {
    /// Where one stage of the current round stands.
    StageState => brandrail::StageState {
        /// `waiting`: not reached yet.
        Waiting,
        /// `active`: collecting decisions now.
        Active,
        /// `done`: reached its quorum.
        Done,
        /// `skipped`: its condition does not hold for this subject.
        Skipped,
    }
    /// The stage state with this stable name (e.g. `skipped`); a `Validation`
    /// error listing the valid names otherwise.
    fn parse_stage_state;
}

mirror_enum! {
    /// What happened to an approval, in its history.
    EventKind => brandrail::EventKind {
        /// `submitted`: first submission.
        Submitted,
        /// `approved`: an approval at a stage.
        Approved,
        /// `rejected`: a rejection, back to the submitter.
        Rejected,
        /// `returned`: returned for changes.
        Returned,
        /// `resubmitted`: submitted again after a rejection or return.
        Resubmitted,
        /// `withdrawn`: withdrawn by the submitter.
        Withdrawn,
        /// `escalated`: the stage's deadline passed and it was escalated.
        Escalated,
        /// `assigned`: the stage was assigned to one principal.
        Assigned,
        /// `unassigned`: the assignee was deactivated; the stage is back with its pool.
        Unassigned,
    }
    /// The event kind with this stable name (e.g. `resubmitted`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_event_kind;
}

mirror_enum! {
    /// What an approval is about (APR-2); each workflow approves one kind.
    SubjectKind => brandrail::SubjectKind {
        /// `content_version`: a version of a content item (content review).
        ContentVersion,
        /// `budget_adjustment`: a change to a budget line.
        BudgetAdjustment,
        /// `expense_claim`: an expense reimbursement claim, with invoices.
        ExpenseClaim,
        /// `project`: a project passing its stage gates.
        Project,
        /// `document`: a document from draft to archive.
        Document,
        /// `leave`: a leave request.
        Leave,
        /// `decision`: a decision-layer matter (annual strategy, budget
        /// allocation, major project), named by the `matter` attribute.
        Decision,
    }
    /// The subject kind with this stable name (e.g. `expense_claim`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_subject_kind;
}

/// Metadata of a document attached to a subject (an invoice for a
/// reimbursement); the document itself stays where it is.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Attachment {
    /// `invoice`, `contract`, `receipt`, … (`[a-z0-9._-]`).
    pub kind: String,
    /// File name.
    pub name: String,
    /// SHA-256 of the file: 64 hexadecimal characters.
    pub sha256: String,
    /// The amount on the document as a decimal string (`"1280.50"`), if it
    /// has one: digits with an optional `.` fraction, at most 28 significant
    /// digits, not negative, never rounded. Anything else (`1e3`, `1_000`,
    /// `+5`, `1,280.50`, `¥12`, spaces) is a `Validation` error naming
    /// `subject.attachments[i].amount`, never quoting the value.
    #[uniffi(default)]
    pub amount: Option<String>,
}

impl Attachment {
    /// The core attachment; `index` is its position, for the error's field path.
    fn into_core(self, index: usize) -> Result<brandrail::Attachment, BrandrailError> {
        let amount = self
            .amount
            .map(|text| {
                let field = format!("subject.attachments[{index}].amount");
                brandrail::money::parse_amount(&field, &text)
            })
            .transpose()?;
        Ok(brandrail::Attachment {
            kind: self.kind,
            name: self.name,
            sha256: self.sha256,
            amount,
        })
    }
}

impl From<brandrail::Attachment> for Attachment {
    fn from(a: brandrail::Attachment) -> Self {
        Self {
            kind: a.kind,
            name: a.name,
            sha256: a.sha256,
            amount: a.amount.map(|m| m.to_string()),
        }
    }
}

/// What is submitted for approval.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Subject {
    /// Kind; must be the workflow's subject kind.
    pub kind: SubjectKind,
    /// The subject's identifier in its own system (a content version id, a
    /// claim number…): 1–128 bytes without control characters.
    pub reference: String,
    /// A short title for task lists (1–200 characters).
    pub title: String,
    /// Facts the stage conditions test (`is_ad` = `true`, `amount` =
    /// `12000.00`, `matter` = `annual_strategy`); names `[a-z0-9_]`, at most 64.
    #[uniffi(default)]
    pub attributes: HashMap<String, String>,
    /// Attached documents; a workflow may require some kinds (reimbursements
    /// need an `invoice`).
    #[uniffi(default)]
    pub attachments: Vec<Attachment>,
}

impl Subject {
    pub(crate) fn into_core(self) -> Result<brandrail::Subject, BrandrailError> {
        let attachments = self
            .attachments
            .into_iter()
            .enumerate()
            .map(|(i, a)| a.into_core(i))
            .collect::<Result<_, _>>()?;
        Ok(brandrail::Subject {
            kind: self.kind.into(),
            reference: self.reference,
            title: self.title,
            attributes: self.attributes.into_iter().collect(),
            attachments,
        })
    }
}

impl From<brandrail::Subject> for Subject {
    fn from(s: brandrail::Subject) -> Self {
        Self {
            kind: s.kind.into(),
            reference: s.reference,
            title: s.title,
            attributes: s.attributes.into_iter().collect(),
            attachments: all(s.attachments),
        }
    }
}

/// A decision on an approval's active stage.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum Decision {
    /// Approve, confirming the stage's checklist items.
    Approve {
        /// Optional comment.
        #[uniffi(default = "")]
        comment: String,
        /// The items confirmed: exactly the stage's checklist (finance's
        /// `authenticity`, `legality`, `completeness`), else a `Validation`
        /// error; empty for stages without one.
        #[uniffi(default)]
        checklist: Vec<String>,
    },
    /// Reject: back to the submitter (APR-4), who may resubmit.
    Reject {
        /// Why; required.
        comment: String,
    },
    /// Return for changes: back to the submitter, who may resubmit.
    Return {
        /// What to change; required.
        comment: String,
    },
}

impl From<Decision> for brandrail::Decision {
    fn from(d: Decision) -> Self {
        match d {
            Decision::Approve { comment, checklist } => Self::Approve { comment, checklist },
            Decision::Reject { comment } => Self::Reject { comment },
            Decision::Return { comment } => Self::Return { comment },
        }
    }
}

/// One approval given at a stage.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StageApproval {
    /// Who decided.
    pub principal: String,
    /// Whose authority was used, when deciding as a delegate (APR-4).
    pub on_behalf_of: Option<String>,
    /// When.
    pub at: SystemTime,
}

impl From<brandrail::StageApproval> for StageApproval {
    fn from(a: brandrail::StageApproval) -> Self {
        Self {
            principal: a.principal,
            on_behalf_of: a.on_behalf_of,
            at: system_time(a.at),
        }
    }
}

/// One stage of an approval's current round.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StageStatus {
    /// Stage name from the workflow.
    pub name: String,
    /// Where it stands.
    pub state: StageState,
    /// Approvals needed.
    pub quorum: u32,
    /// Approvals given so far this round.
    pub approvals: Vec<StageApproval>,
    /// When it became active.
    pub started_at: Option<SystemTime>,
    /// Its deadline (the stage's SLA from its start).
    pub due_at: Option<SystemTime>,
    /// When it reached its quorum.
    pub completed_at: Option<SystemTime>,
}

impl From<brandrail::StageStatus> for StageStatus {
    fn from(s: brandrail::StageStatus) -> Self {
        Self {
            name: s.name,
            state: s.state.into(),
            quorum: s.quorum,
            approvals: all(s.approvals),
            started_at: system_time_opt(s.started_at),
            due_at: system_time_opt(s.due_at),
            completed_at: system_time_opt(s.completed_at),
        }
    }
}

/// An approval instance with the progress of its current round. It keeps a
/// snapshot of its workflow, so a later policy change never alters a review
/// under way.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ApprovalInstance {
    /// Identifier.
    pub id: i64,
    /// Workflow name.
    pub workflow: String,
    /// What is being approved.
    pub subject: Subject,
    /// Handle of the submitter.
    pub submitter: String,
    /// Where it stands.
    pub state: ApprovalState,
    /// 1 for the first submission, +1 per resubmission.
    pub round: u32,
    /// The stages of this round, in order, skipped ones included.
    pub stages: Vec<StageStatus>,
    /// The active stage's name, while in review.
    pub current_stage: Option<String>,
    /// The one principal the active stage is assigned to, if any.
    pub assignee: Option<String>,
    /// Whether the active stage was escalated after its deadline.
    pub escalated: bool,
    /// First submission.
    pub submitted_at: SystemTime,
    /// Last change.
    pub updated_at: SystemTime,
    /// When it was approved or withdrawn.
    pub closed_at: Option<SystemTime>,
}

impl From<brandrail::ApprovalInstance> for ApprovalInstance {
    fn from(i: brandrail::ApprovalInstance) -> Self {
        Self {
            id: i.id,
            workflow: i.workflow,
            subject: i.subject.into(),
            submitter: i.submitter,
            state: i.state.into(),
            round: i.round,
            stages: all(i.stages),
            current_stage: i.current_stage,
            assignee: i.assignee,
            escalated: i.escalated,
            submitted_at: system_time(i.submitted_at),
            updated_at: system_time(i.updated_at),
            closed_at: system_time_opt(i.closed_at),
        }
    }
}

/// One entry of an approval's history; resubmissions keep it (APR-4).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ApprovalEvent {
    /// Position in the history.
    pub id: i64,
    /// The approval.
    pub instance_id: i64,
    /// When.
    pub at: SystemTime,
    /// Who acted.
    pub principal: String,
    /// Whose authority a delegate used.
    pub on_behalf_of: Option<String>,
    /// What happened.
    pub kind: EventKind,
    /// At which stage, when stage-specific.
    pub stage: Option<String>,
    /// In which round.
    pub round: u32,
    /// The decision's comment (empty when none).
    pub comment: String,
    /// Checklist items confirmed with an approval, sorted.
    pub checklist: Vec<String>,
}

impl From<brandrail::ApprovalEvent> for ApprovalEvent {
    fn from(e: brandrail::ApprovalEvent) -> Self {
        Self {
            id: e.id,
            instance_id: e.instance_id,
            at: system_time(e.at),
            principal: e.principal,
            on_behalf_of: e.on_behalf_of,
            kind: e.kind.into(),
            stage: e.stage,
            round: e.round,
            comment: e.comment,
            checklist: e.checklist,
        }
    }
}

/// An open task: the active stage of an approval in review.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ApprovalTask {
    /// The approval.
    pub instance_id: i64,
    /// Its workflow.
    pub workflow: String,
    /// The active stage.
    pub stage: String,
    /// The subject's kind.
    pub subject_kind: SubjectKind,
    /// The subject's title.
    pub subject_title: String,
    /// Handle of the submitter.
    pub submitter: String,
    /// The stage's deadline.
    pub due_at: Option<SystemTime>,
    /// Past its deadline at the time of the query.
    pub overdue: bool,
    /// Escalated already.
    pub escalated: bool,
    /// The one principal the stage is assigned to, if any.
    pub assignee: Option<String>,
    /// When deciding would use another principal's delegated authority: whose.
    pub on_behalf_of: Option<String>,
}

impl From<brandrail::ApprovalTask> for ApprovalTask {
    fn from(t: brandrail::ApprovalTask) -> Self {
        Self {
            instance_id: t.instance_id,
            workflow: t.workflow,
            stage: t.stage,
            subject_kind: t.subject_kind.into(),
            subject_title: t.subject_title,
            submitter: t.submitter,
            due_at: system_time_opt(t.due_at),
            overdue: t.overdue,
            escalated: t.escalated,
            assignee: t.assignee,
            on_behalf_of: t.on_behalf_of,
        }
    }
}

/// A delegation of approval authority while away (APR-4).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Delegation {
    /// Identifier.
    pub id: i64,
    /// Who is away.
    pub from: String,
    /// Who decides in their place.
    pub to: String,
    /// Start.
    pub starts_at: SystemTime,
    /// End (exclusive).
    pub ends_at: SystemTime,
    /// When it was recorded.
    pub created_at: SystemTime,
    /// When it was ended early, if it was.
    pub revoked_at: Option<SystemTime>,
}

impl From<brandrail::Delegation> for Delegation {
    fn from(d: brandrail::Delegation) -> Self {
        Self {
            id: d.id,
            from: d.from,
            to: d.to,
            starts_at: system_time(d.starts_at),
            ends_at: system_time(d.ends_at),
            created_at: system_time(d.created_at),
            revoked_at: system_time_opt(d.revoked_at),
        }
    }
}

/// How long one stage of a workflow takes, over the stage runs that reached
/// their quorum (APR-4).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct StageThroughput {
    /// Workflow name.
    pub workflow: String,
    /// Stage name.
    pub stage: String,
    /// Stage runs that reached their quorum.
    pub completed: u64,
    /// Median time from start to quorum, in seconds.
    pub median_seconds: f64,
    /// 90th percentile, in seconds.
    pub p90_seconds: f64,
}

impl From<brandrail::StageThroughput> for StageThroughput {
    fn from(t: brandrail::StageThroughput) -> Self {
        Self {
            workflow: t.workflow,
            stage: t.stage,
            completed: t.completed,
            median_seconds: t.median_seconds,
            p90_seconds: t.p90_seconds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(amount: Option<&str>) -> Attachment {
        Attachment {
            kind: "invoice".into(),
            name: "发票-0001.pdf".into(),
            sha256: "ab".repeat(32),
            amount: amount.map(Into::into),
        }
    }

    #[test]
    fn amounts_keep_their_exact_digits() {
        for text in [
            "1280.50",
            "0.01",
            "12000",
            "0.10",
            "9999999999999999999999999999",
        ] {
            let core = invoice(Some(text)).into_core(0).unwrap();
            assert_eq!(Attachment::from(core).amount.as_deref(), Some(text));
        }
        assert_eq!(invoice(None).into_core(0).unwrap().amount, None);
    }

    #[test]
    fn a_malformed_amount_names_its_field_and_not_its_value() {
        let too_fine = format!("1.{}1", "0".repeat(28));
        let too_big = "9".repeat(29);
        for text in [
            "", " 1", "12,50", "NaN", "¥12", "12.5.1", "1e3", "1_000", "+5", &too_fine, &too_big,
        ] {
            let err = invoice(Some(text)).into_core(3).unwrap_err();
            match err {
                BrandrailError::Validation { field, detail } => {
                    assert_eq!(field, "subject.attachments[3].amount");
                    // (A single character may occur in the message's own words.)
                    assert!(text.trim().len() < 2 || !detail.contains(text), "{detail}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
    }

    #[test]
    fn subjects_round_trip() {
        let subject = Subject {
            kind: SubjectKind::ExpenseClaim,
            reference: "claim-031".into(),
            title: "上海展会差旅".into(),
            attributes: HashMap::from([("amount".to_owned(), "1280.50".to_owned())]),
            attachments: vec![invoice(Some("1280.50"))],
        };
        let core = subject.clone().into_core().unwrap();
        assert_eq!(core.kind, brandrail::SubjectKind::ExpenseClaim);
        assert_eq!(Subject::from(core), subject);
    }
}
