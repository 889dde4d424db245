//! Approvals (core's `approval` module, APR-1..APR-4): submitting subjects to
//! the policy's workflows and moving them through their stages (approve,
//! reject, return, resubmit, withdraw, assign, escalate), with the objects
//! those calls take and return. As in core, delegation lives in
//! `approval/delegation.rs` and the read side in `approval/queries.rs`.

mod delegation;
mod queries;

use std::collections::BTreeMap;

use napi::Env;
use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::convert::{Date, StringMap, all, money_text, parse, whole};
use crate::engine::{Background, Engine};
use crate::error::{OrThrow, within};

/// What is submitted for approval, for `submitApproval` and
/// `resubmitApproval`.
#[napi(object, object_to_js = false)]
pub struct NewSubject {
    /// What it is; must be the kind the workflow approves. One of
    /// `'content_version'`, `'budget_adjustment'`, `'expense_claim'`,
    /// `'project'`, `'document'`, `'leave'`, `'decision'`.
    pub kind: String,
    /// The subject's identifier in its own system (a content version, a claim
    /// number): 1–128 bytes, no control characters.
    pub reference: String,
    /// A short title for task lists: 1–200 characters, no control or
    /// invisible characters.
    pub title: String,
    /// Facts the stages' conditions test, e.g. `{ is_ad: 'true' }`,
    /// `{ sensitive: 'true' }`, `{ amount: '12000.00' }`, and for a
    /// `'decision'` its `matter` (`'annual_strategy'`, …). At most 64; names
    /// are `a-z 0-9 _`, values strings of at most 1000 characters.
    #[napi(ts_type = "Record<string, string>")]
    pub attributes: Option<StringMap>,
    /// Attached documents, by digest (an expense reimbursement needs an
    /// `'invoice'`).
    pub attachments: Option<Vec<NewAttachment>>,
}

impl NewSubject {
    fn into_core(self) -> brandrail::Result<brandrail::Subject> {
        let attachments = self
            .attachments
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, a)| {
                a.into_core()
                    .map_err(|e| within(&format!("subject.attachments[{i}]"), e))
            })
            .collect::<brandrail::Result<Vec<_>>>()?;
        Ok(brandrail::Subject {
            kind: parse("subject.kind", &self.kind)?,
            reference: self.reference,
            title: self.title,
            attributes: self.attributes.map(|m| m.0).unwrap_or_default(),
            attachments,
        })
    }
}

/// A document attached to a subject; the document itself stays where it is.
#[napi(object, object_to_js = false)]
pub struct NewAttachment {
    /// What it is, e.g. `'invoice'`, `'contract'`, `'receipt'` (`a-z 0-9 . _ -`).
    pub kind: String,
    /// File name: 1–200 characters, no control or invisible characters.
    pub name: String,
    /// SHA-256 of the file: 64 hexadecimal characters.
    pub sha256: String,
    /// The amount on the document, as a decimal string (`'1280.50'`): digits
    /// with an optional `-` and `.` fraction, at most 28 significant digits,
    /// kept exact; never negative.
    pub amount: Option<String>,
}

impl NewAttachment {
    fn into_core(self) -> brandrail::Result<brandrail::Attachment> {
        Ok(brandrail::Attachment {
            kind: self.kind,
            name: self.name,
            sha256: self.sha256,
            amount: self
                .amount
                .map(|m| brandrail::money::parse_amount("amount", &m))
                .transpose()?,
        })
    }
}

/// What an approval is about, as submitted (or last resubmitted).
#[napi(object, object_from_js = false)]
pub struct Subject {
    /// Its kind, e.g. `'content_version'`.
    pub kind: String,
    /// Its identifier in its own system.
    pub reference: String,
    /// Its title.
    pub title: String,
    /// The facts stage conditions test.
    pub attributes: BTreeMap<String, String>,
    /// Attached documents.
    pub attachments: Vec<Attachment>,
}

impl From<brandrail::Subject> for Subject {
    fn from(s: brandrail::Subject) -> Self {
        Subject {
            kind: s.kind.as_str().to_owned(),
            reference: s.reference,
            title: s.title,
            attributes: s.attributes,
            attachments: all(s.attachments),
        }
    }
}

/// A document attached to a subject.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Attachment {
    /// What it is, e.g. `'invoice'`.
    pub kind: String,
    /// File name.
    pub name: String,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    /// The amount on the document as a decimal string (`'1280.50'`), or `null`.
    pub amount: Option<String>,
}

impl From<brandrail::Attachment> for Attachment {
    fn from(a: brandrail::Attachment) -> Self {
        Attachment {
            kind: a.kind,
            name: a.name,
            sha256: a.sha256,
            amount: a.amount.map(money_text),
        }
    }
}

/// One approval given at a stage.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct StageApproval {
    /// Who decided.
    pub principal: String,
    /// Whose authority was used when deciding as a delegate, or `null`.
    pub on_behalf_of: Option<String>,
    /// When.
    pub at: Date,
}

impl From<brandrail::StageApproval> for StageApproval {
    fn from(a: brandrail::StageApproval) -> Self {
        StageApproval {
            principal: a.principal,
            on_behalf_of: a.on_behalf_of,
            at: a.at.into(),
        }
    }
}

/// One stage of an instance's current round.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct StageStatus {
    /// The stage's name in the workflow, e.g. `'legal'`.
    pub name: String,
    /// `'waiting'`, `'active'`, `'done'` or `'skipped'` (its condition does
    /// not hold for this subject).
    pub state: String,
    /// Approvals it needs.
    pub quorum: u32,
    /// Approvals given so far this round.
    pub approvals: Vec<StageApproval>,
    /// When it became active, or `null`.
    pub started_at: Option<Date>,
    /// Its deadline, or `null` while not started.
    pub due_at: Option<Date>,
    /// When it reached its quorum, or `null`.
    pub completed_at: Option<Date>,
}

impl From<brandrail::StageStatus> for StageStatus {
    fn from(s: brandrail::StageStatus) -> Self {
        StageStatus {
            name: s.name,
            state: s.state.as_str().to_owned(),
            quorum: s.quorum,
            approvals: all(s.approvals),
            started_at: s.started_at.map(Date::from),
            due_at: s.due_at.map(Date::from),
            completed_at: s.completed_at.map(Date::from),
        }
    }
}

/// An approval instance: one subject going through one workflow, with the
/// progress of its current round.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ApprovalInstance {
    /// Identifier (a safe integer).
    pub id: i64,
    /// The workflow's name, e.g. `'content_review'`.
    pub workflow: String,
    /// What is being approved.
    pub subject: Subject,
    /// Handle of who submitted it.
    pub submitter: String,
    /// `'in_review'`, `'approved'`, `'rejected'`, `'returned_for_changes'` or
    /// `'withdrawn'`.
    pub state: String,
    /// 1 for the first submission, +1 per resubmission.
    pub round: u32,
    /// The stages of this round in workflow order, skipped ones included.
    pub stages: Vec<StageStatus>,
    /// The active stage's name while in review, else `null`.
    pub current_stage: Option<String>,
    /// The one principal the active stage is assigned to, or `null`.
    pub assignee: Option<String>,
    /// Whether the active stage was escalated after its deadline.
    pub escalated: bool,
    /// First submission.
    pub submitted_at: Date,
    /// Last change.
    pub updated_at: Date,
    /// When it was approved or withdrawn, or `null`.
    pub closed_at: Option<Date>,
}

impl From<brandrail::ApprovalInstance> for ApprovalInstance {
    fn from(i: brandrail::ApprovalInstance) -> Self {
        ApprovalInstance {
            id: i.id,
            workflow: i.workflow,
            subject: i.subject.into(),
            submitter: i.submitter,
            state: i.state.as_str().to_owned(),
            round: i.round,
            stages: all(i.stages),
            current_stage: i.current_stage,
            assignee: i.assignee,
            escalated: i.escalated,
            submitted_at: i.submitted_at.into(),
            updated_at: i.updated_at.into(),
            closed_at: i.closed_at.map(Date::from),
        }
    }
}

/// What comes with an approval. Both fields are optional.
#[napi(object, object_to_js = false)]
pub struct ApproveOptions {
    /// A comment for the history (at most 2000 characters).
    pub comment: Option<String>,
    /// The stage's checklist items, confirmed: exactly those of the stage
    /// (finance's check of an expense claim needs `['authenticity',
    /// 'legality', 'completeness']`), none for a stage without a checklist.
    pub checklist: Option<Vec<String>>,
}

#[napi]
impl Engine {
    /// Submit `subject` to the policy's workflow named `workflow`, e.g.
    /// `'content_review'` or `'expense_reimbursement'` (needs
    /// `approval.submit`). The workflow is fixed into the instance, so a later
    /// policy change never alters a review under way; stages whose condition
    /// does not hold for the subject are skipped. Throws `'not_found'` for an
    /// unknown workflow and `'validation'` for a subject that does not fit it
    /// (wrong kind, a missing invoice, …).
    #[napi(strict, catch_unwind)]
    pub fn submit_approval(
        &self,
        env: &Env,
        actor: String,
        workflow: String,
        subject: NewSubject,
    ) -> napi::Result<ApprovalInstance> {
        subject
            .into_core()
            .and_then(|s| self.inner.submit_approval(&actor, &workflow, s))
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Approve the active stage of instance `id`. The actor must be one of
    /// the stage's deciders, their delegate, the assignee, or (once the stage
    /// is escalated) of its escalation target; otherwise `'permission_denied'`
    /// with reason `'not_a_decider'`. Nobody approves their own submission,
    /// the same stage twice, or two stages of one instance unless the workflow
    /// allows it: `'separation_of_duties'`. Both refusals are audited.
    #[napi(strict, catch_unwind)]
    pub fn approve(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        options: Option<ApproveOptions>,
    ) -> napi::Result<ApprovalInstance> {
        let (comment, checklist) =
            options.map_or_else(Default::default, |o| (o.comment, o.checklist));
        whole("id", id)
            .and_then(|id| {
                self.inner.approve(
                    &actor,
                    id,
                    comment.as_deref().unwrap_or_default(),
                    &checklist.unwrap_or_default(),
                )
            })
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Reject instance `id` at its active stage: it goes back to the
    /// submitter, who may resubmit. A non-empty `comment` saying why is
    /// required. Who may reject is who may approve.
    #[napi(strict, catch_unwind)]
    pub fn reject(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        comment: String,
    ) -> napi::Result<ApprovalInstance> {
        whole("id", id)
            .and_then(|id| self.inner.reject(&actor, id, &comment))
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Return instance `id` to the submitter for changes; `comment` (required)
    /// says what to change. Who may return is who may approve.
    #[napi(strict, catch_unwind)]
    pub fn return_for_changes(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        comment: String,
    ) -> napi::Result<ApprovalInstance> {
        whole("id", id)
            .and_then(|id| self.inner.return_for_changes(&actor, id, &comment))
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Submit a rejected or returned instance again, with a revised `subject`
    /// of the same kind or, left out, the same one. A new round starts at the
    /// first stage; the history is kept. Only the submitter may
    /// (`'permission_denied'` with reason `'not_the_submitter'`).
    #[napi(strict, catch_unwind)]
    pub fn resubmit_approval(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        subject: Option<NewSubject>,
    ) -> napi::Result<ApprovalInstance> {
        whole("id", id)
            .and_then(|id| Ok((id, subject.map(NewSubject::into_core).transpose()?)))
            .and_then(|(id, subject)| self.inner.resubmit_approval(&actor, id, subject))
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Withdraw an instance that is not approved yet; final. Only the
    /// submitter may. `comment` is optional.
    #[napi(strict, catch_unwind)]
    pub fn withdraw_approval(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        comment: Option<String>,
    ) -> napi::Result<ApprovalInstance> {
        whole("id", id)
            .and_then(|id| {
                self.inner
                    .withdraw_approval(&actor, id, comment.as_deref().unwrap_or_default())
            })
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Assign the active stage of instance `id` to `assignee`, one of those
    /// who may decide it (needs `approval.administer`); then only the assignee
    /// (or its delegate) may decide it. Deactivating the assignee hands the
    /// stage back to its pool (`deactivatePrincipal` reports it).
    #[napi(strict, catch_unwind)]
    pub fn assign_approval(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        assignee: String,
    ) -> napi::Result<ApprovalInstance> {
        whole("id", id)
            .and_then(|id| self.inner.assign_approval(&actor, id, &assignee))
            .map(ApprovalInstance::from)
            .or_throw(env)
    }

    /// Escalate every stage past its deadline that has an escalation target
    /// and was not escalated yet (needs `approval.administer`; a scheduler
    /// calls this). Resolves to the escalated instances. Runs off the JS
    /// thread; engine errors reject the promise.
    #[napi(
        strict,
        catch_unwind,
        ts_return_type = "Promise<Array<ApprovalInstance>>"
    )]
    pub fn escalate_overdue_approvals(
        &self,
        actor: String,
    ) -> AsyncTask<Background<Vec<ApprovalInstance>>> {
        AsyncTask::new(
            self.background(move |engine| engine.escalate_overdue_approvals(&actor).map(all)),
        )
    }
}
