//! Approvals (APR-1..APR-4): one engine runs every review and sign-off of the
//! policies. Workflows are policy data (`approvals.workflows`); an instance
//! takes a snapshot of its workflow at submission, so a later policy change never
//! alters a review under way.
//!
//! - `machine.rs`: the pure state machine (stage plan, eligibility, separation
//!   of duties, quorum, advancing) — no storage, property-tested.
//! - `engine.rs`: the transitions (submit, decide, resubmit, withdraw, assign,
//!   escalate), each one audited transaction; `delegation.rs`: delegation while
//!   away; `queries.rs`: the read side; `check.rs`: input checks.

mod check;
mod delegation;
mod engine;
pub(crate) mod machine;
mod queries;

pub use engine::Decision;
pub(crate) use engine::{on_deactivation, submit_in};

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::access::named_enum;
pub use crate::policy::SubjectKind;

named_enum! {
    /// Where an approval instance stands.
    ApprovalState, "state" {
        /// A stage is waiting for decisions.
        InReview => "in_review",
        /// Every applicable stage reached its quorum.
        Approved => "approved",
        /// Rejected; back with the submitter, who may resubmit.
        Rejected => "rejected",
        /// Returned for changes; the submitter may resubmit.
        ReturnedForChanges => "returned_for_changes",
        /// Withdrawn by the submitter; final.
        Withdrawn => "withdrawn",
    }
}

named_enum! {
    /// Where one stage of the current round stands.
    StageState, "stage_state" {
        /// Not reached yet.
        Waiting => "waiting",
        /// Collecting decisions now.
        Active => "active",
        /// Reached its quorum.
        Done => "done",
        /// Its condition does not hold for this subject.
        Skipped => "skipped",
    }
}

named_enum! {
    /// What happened to an instance, in its history.
    EventKind, "event" {
        /// First submission.
        Submitted => "submitted",
        /// An approval at a stage.
        Approved => "approved",
        /// A rejection (back to the submitter).
        Rejected => "rejected",
        /// Returned for changes.
        Returned => "returned",
        /// Submitted again after a rejection or return.
        Resubmitted => "resubmitted",
        /// Withdrawn by the submitter.
        Withdrawn => "withdrawn",
        /// The stage's deadline passed and it was escalated.
        Escalated => "escalated",
        /// The stage was assigned to one principal.
        Assigned => "assigned",
        /// The assignee was deactivated; the stage is back with its pool.
        Unassigned => "unassigned",
    }
}

/// What is submitted for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Kind; must match the workflow's subject kind.
    pub kind: SubjectKind,
    /// The subject's identifier in its own system (content version id, claim number…).
    pub reference: String,
    /// A short title for task lists.
    pub title: String,
    /// Facts stage conditions test (`is_ad = true`, `amount = 12000.00`,
    /// `matter = annual_strategy`).
    pub attributes: BTreeMap<String, String>,
    /// Attached documents (invoices for reimbursements), by digest.
    pub attachments: Vec<Attachment>,
}

impl Subject {
    /// A subject with no attributes or attachments yet.
    pub fn new(kind: SubjectKind, reference: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            kind,
            reference: reference.into(),
            title: title.into(),
            attributes: BTreeMap::new(),
            attachments: Vec::new(),
        }
    }

    /// The same subject with one more attribute.
    pub fn with_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.attributes.insert(key.into(), value.into());
        self
    }

    /// The same subject with one more attachment.
    pub fn with_attachment(mut self, attachment: Attachment) -> Self {
        self.attachments.push(attachment);
        self
    }
}

/// Metadata of an attached document; the document itself stays where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// `invoice`, `contract`, `receipt`, …
    pub kind: String,
    /// File name.
    pub name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// Amount on the document, if it has one.
    pub amount: Option<Decimal>,
}

/// One approval given at a stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageApproval {
    /// Who decided.
    pub principal: String,
    /// Whose authority was used, when deciding as a delegate.
    pub on_behalf_of: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// One stage of the current round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    pub started_at: Option<DateTime<Utc>>,
    /// Its deadline.
    pub due_at: Option<DateTime<Utc>>,
    /// When it reached its quorum.
    pub completed_at: Option<DateTime<Utc>>,
}

/// An approval instance with the progress of its current round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalInstance {
    /// Identifier.
    pub id: i64,
    /// Workflow name.
    pub workflow: String,
    /// What is being approved.
    pub subject: Subject,
    /// Who submitted it.
    pub submitter: String,
    /// Where it stands.
    pub state: ApprovalState,
    /// 1 for the first submission, +1 per resubmission.
    pub round: u32,
    /// The stages of this round, in order (skipped ones included).
    pub stages: Vec<StageStatus>,
    /// The active stage, while in review.
    pub current_stage: Option<String>,
    /// The one principal the active stage is assigned to, if any.
    pub assignee: Option<String>,
    /// Whether the active stage was escalated after its deadline.
    pub escalated: bool,
    /// First submission.
    pub submitted_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When it was approved or withdrawn.
    pub closed_at: Option<DateTime<Utc>>,
}

impl ApprovalInstance {
    /// The active stage's status.
    pub fn active_stage(&self) -> Option<&StageStatus> {
        self.stages.iter().find(|s| s.state == StageState::Active)
    }
}

/// One entry of an instance's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalEvent {
    /// Position in the instance's history.
    pub id: i64,
    /// The instance.
    pub instance_id: i64,
    /// When.
    pub at: DateTime<Utc>,
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
    /// The decision's comment.
    pub comment: String,
    /// Checklist items confirmed with an approval.
    pub checklist: Vec<String>,
}

/// An open task: a stage some principal may decide now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApprovalTask {
    /// The instance.
    pub instance_id: i64,
    /// Its workflow.
    pub workflow: String,
    /// The active stage.
    pub stage: String,
    /// The subject's kind.
    pub subject_kind: SubjectKind,
    /// The subject's title.
    pub subject_title: String,
    /// Who submitted it.
    pub submitter: String,
    /// The stage's deadline.
    pub due_at: Option<DateTime<Utc>>,
    /// Past its deadline at the time of the query.
    pub overdue: bool,
    /// Escalated already.
    pub escalated: bool,
    /// Assigned to one principal.
    pub assignee: Option<String>,
    /// When deciding would use another principal's delegated authority: whose.
    pub on_behalf_of: Option<String>,
}

/// A delegation of approval authority while away (APR-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delegation {
    /// Identifier.
    pub id: i64,
    /// Who is away.
    pub from: String,
    /// Who decides in their place.
    pub to: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End (exclusive).
    pub ends_at: DateTime<Utc>,
    /// When it was recorded.
    pub created_at: DateTime<Utc>,
    /// When it was ended early, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Which instances [`Engine::approvals`](crate::Engine::approvals) lists; all
/// set filters must match. Newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApprovalFilter {
    /// Only this submitter's instances ("my requests").
    pub submitter: Option<String>,
    /// Only instances in this state.
    pub state: Option<ApprovalState>,
    /// Only instances of this workflow.
    pub workflow: Option<String>,
    /// Only instances with a smaller id (paging backwards).
    pub before_id: Option<i64>,
    /// At most this many (default 100, at most 10 000).
    pub limit: Option<u32>,
}

impl ApprovalFilter {
    /// The default page size.
    pub const DEFAULT_LIMIT: u32 = 100;
    /// The largest page size.
    pub const MAX_LIMIT: u32 = 10_000;
}

/// How long a workflow's stages take (APR-4 throughput).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StageThroughput {
    /// Workflow name.
    pub workflow: String,
    /// Stage name.
    pub stage: String,
    /// Stage runs that reached their quorum.
    pub completed: u64,
    /// Median time from start to quorum, seconds.
    pub median_seconds: f64,
    /// 90th percentile, seconds.
    pub p90_seconds: f64,
}
