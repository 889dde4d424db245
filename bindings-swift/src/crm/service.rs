//! Customer service (CRM-9): tickets with a first-response deadline
//! (`crm.service.first_response_minutes`, 10 by default), common questions
//! answered at once from the policy's auto-answers, complaints routed to the
//! responsible department by what they mention, satisfaction scores and their
//! average against `crm.service.satisfaction_target` (4.8 of 5).
//!
//! Keywords of auto-answers and routes are matched with the compliance
//! checker's normalization, so traditional characters, full-width forms and
//! spaces inside a word still match. The customer's words (subject, body,
//! responses) are sealed with the engine's secret key: every ticket call
//! needs it (`Configuration` without), the report of counts does not.
//! Erasing the customer removes the words and keeps the ticket as a count.

use std::time::SystemTime;

use brandrail::crm as core;

use crate::access::Department;
use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time, system_time_opt, utc};

mirror_enum! {
    /// What a ticket is about (CRM-9).
    TicketCategory => brandrail::crm::TicketCategory {
        /// `question`: auto-answered when it is a common one.
        Question,
        /// `complaint`: routed to the responsible department.
        Complaint,
        /// `request`: change an order, an address, ….
        Request,
    }
    /// The ticket category with this stable name (e.g. `complaint`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_ticket_category;
}

mirror_enum! {
    /// Where a ticket stands (CRM-9).
    TicketState => brandrail::crm::TicketState {
        /// `open`: waiting for a first response.
        Open,
        /// `answered`: responded to (by a person or an auto-answer).
        Answered,
        /// `resolved`: closed.
        Resolved,
    }
    /// The ticket state with this stable name (e.g. `answered`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_ticket_state;
}

/// A ticket to open with `openTicket`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewTicket {
    /// The customer, when known (a merged id opens on its survivor, whose
    /// history gains a `serviceTicket` interaction). An unknown or erased
    /// customer is `NotFound`. Default none.
    #[uniffi(default)]
    pub customer_id: Option<i64>,
    /// Where it came in (`wechat`, `phone`, `email`, `app`, …; an identifier:
    /// 2–64 of `[a-z0-9._-]`).
    pub channel: String,
    /// What it is about.
    pub category: TicketCategory,
    /// Subject line (display text, 1–200 characters).
    pub subject: String,
    /// The customer's words (1 byte to 64 KiB, no control characters but line
    /// breaks and tabs).
    pub body: String,
}

impl From<NewTicket> for core::NewTicket {
    fn from(t: NewTicket) -> Self {
        Self {
            customer_id: t.customer_id,
            channel: t.channel,
            category: t.category.into(),
            subject: t.subject,
            body: t.body,
        }
    }
}

/// A response on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct TicketResponse {
    /// When.
    pub at: SystemTime,
    /// Who: a principal's handle, or `auto:<key>` for an auto-answer.
    pub by: String,
    /// The text.
    pub message: String,
}

impl From<core::TicketResponse> for TicketResponse {
    fn from(r: core::TicketResponse) -> Self {
        Self {
            at: system_time(r.at),
            by: r.by,
            message: r.message,
        }
    }
}

/// A ticket as read back.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Ticket {
    /// Identifier.
    pub id: i64,
    /// The customer, if known.
    pub customer_id: Option<i64>,
    /// Channel.
    pub channel: String,
    /// Category.
    pub category: TicketCategory,
    /// Subject (empty after the customer's erasure).
    pub subject: String,
    /// Body (empty after the customer's erasure).
    pub body: String,
    /// The responsible department: the route's for a complaint, else
    /// `crm.service.default_department` (customer service), or where
    /// `routeTicket` sent it.
    pub department: Department,
    /// State.
    pub state: TicketState,
    /// Opened.
    pub opened_at: SystemTime,
    /// By whom.
    pub opened_by: String,
    /// First response due.
    pub first_response_due: SystemTime,
    /// First responded; `nil`/`null` while none came.
    pub first_response_at: Option<SystemTime>,
    /// Whether the first response came by the deadline; `nil`/`null` while
    /// none came.
    pub within_sla: Option<bool>,
    /// The key of the auto-answer given (`shipping`, `invoice`, `returns`, …),
    /// if any.
    pub auto_answer: Option<String>,
    /// Responses, oldest first.
    pub responses: Vec<TicketResponse>,
    /// Resolved.
    pub resolved_at: Option<SystemTime>,
    /// The customer's satisfaction score, once rated.
    pub satisfaction: Option<u8>,
}

impl From<core::Ticket> for Ticket {
    fn from(t: core::Ticket) -> Self {
        Self {
            id: t.id,
            customer_id: t.customer_id,
            channel: t.channel,
            category: t.category.into(),
            subject: t.subject,
            body: t.body,
            department: t.department.into(),
            state: t.state.into(),
            opened_at: system_time(t.opened_at),
            opened_by: t.opened_by,
            first_response_due: system_time(t.first_response_due),
            first_response_at: system_time_opt(t.first_response_at),
            within_sla: t.within_sla,
            auto_answer: t.auto_answer,
            responses: all(t.responses),
            resolved_at: system_time_opt(t.resolved_at),
            satisfaction: t.satisfaction,
        }
    }
}

/// Complaints routed to one department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct DepartmentCount {
    /// The department.
    pub department: Department,
    /// Complaints routed to it.
    pub count: u64,
}

impl From<core::DepartmentCount> for DepartmentCount {
    fn from(d: core::DepartmentCount) -> Self {
        Self {
            department: d.department.into(),
            count: d.count,
        }
    }
}

/// Service figures of the tickets opened in a period (CRM-9), from
/// `serviceReport`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ServiceReport {
    /// Start (inclusive).
    pub from: SystemTime,
    /// End (exclusive).
    pub to: SystemTime,
    /// Tickets opened.
    pub tickets: u64,
    /// Answered at once from the policy's auto-answers.
    pub auto_answered: u64,
    /// With a first response.
    pub responded: u64,
    /// First response by the deadline.
    pub within_sla: u64,
    /// `withinSla` / tickets responded to or past their deadline (1 when
    /// none).
    pub sla_rate: f64,
    /// Mean minutes to the first response over those responded to;
    /// `nil`/`null` without any.
    pub average_first_response_minutes: Option<f64>,
    /// Without a first response and past the deadline now.
    pub overdue: u64,
    /// Complaints.
    pub complaints: u64,
    /// Complaints per responsible department, by the department's name.
    pub complaints_by_department: Vec<DepartmentCount>,
    /// Tickets the customer scored.
    pub rated: u64,
    /// Mean satisfaction score; `nil`/`null` without scores.
    pub satisfaction_average: Option<f64>,
    /// The policy's target (`crm.service.satisfaction_target`, 4.8).
    pub satisfaction_target: f64,
    /// Whether the mean reaches the target; `nil`/`null` without scores.
    pub meets_target: Option<bool>,
}

impl From<core::ServiceReport> for ServiceReport {
    fn from(r: core::ServiceReport) -> Self {
        Self {
            from: system_time(r.from),
            to: system_time(r.to),
            tickets: r.tickets,
            auto_answered: r.auto_answered,
            responded: r.responded,
            within_sla: r.within_sla,
            sla_rate: r.sla_rate,
            average_first_response_minutes: r.average_first_response_minutes,
            overdue: r.overdue,
            complaints: r.complaints,
            complaints_by_department: all(r.complaints_by_department),
            rated: r.rated,
            satisfaction_average: r.satisfaction_average,
            satisfaction_target: r.satisfaction_target,
            meets_target: r.meets_target,
        }
    }
}

#[uniffi::export]
impl Engine {
    /// Open a ticket (CRM-9; needs `service.handle`, held by customer service,
    /// and the secret key). A question that mentions one of the policy's
    /// auto-answers gets it as its first response at once (`state` answered,
    /// `autoAnswer` its key, a response by `auto:<key>`); a complaint goes to
    /// the department of the first route whose keywords it mentions. The first
    /// response is due `crm.service.first_response_minutes` after now. Audited
    /// (`service.open`, no words). `Validation` naming `channel`, `subject` or
    /// `body`; `NotFound` for an unknown or erased customer.
    pub fn open_ticket(&self, actor: &str, ticket: NewTicket) -> Result<Ticket, BrandrailError> {
        Ok(self.core().open_ticket(actor, &ticket.into())?.into())
    }

    /// Respond on ticket `id` (needs `service.handle`); the first response
    /// stops the deadline and the ticket is answered. `Validation` (field
    /// `message`) for an empty text, one over 64 KiB or with control
    /// characters; `Conflict` on a resolved ticket; `NotFound` for an unknown
    /// id.
    pub fn respond_ticket(
        &self,
        actor: &str,
        id: i64,
        message: &str,
    ) -> Result<Ticket, BrandrailError> {
        Ok(self.core().respond_ticket(actor, id, message)?.into())
    }

    /// Send ticket `id` to `department` (needs `service.handle`; audited).
    /// `Conflict` on a resolved ticket; `NotFound` for an unknown id.
    pub fn route_ticket(
        &self,
        actor: &str,
        id: i64,
        department: Department,
    ) -> Result<Ticket, BrandrailError> {
        Ok(self
            .core()
            .route_ticket(actor, id, department.into())?
            .into())
    }

    /// Close ticket `id` (needs `service.handle`). `Conflict` before any
    /// response or when already resolved; `NotFound` for an unknown id.
    pub fn resolve_ticket(&self, actor: &str, id: i64) -> Result<Ticket, BrandrailError> {
        Ok(self.core().resolve_ticket(actor, id)?.into())
    }

    /// Record the customer's satisfaction `score` for ticket `id`, 1 to
    /// `crm.service.satisfaction_scale` (5) (needs `service.handle`); once per
    /// ticket, after a response. `Validation` (field `score`) out of range;
    /// `Conflict` before any response or when already rated; `NotFound` for
    /// an unknown id.
    pub fn rate_ticket(&self, actor: &str, id: i64, score: u8) -> Result<Ticket, BrandrailError> {
        Ok(self.core().rate_ticket(actor, id, score)?.into())
    }

    /// Ticket `id` with its responses (needs `service.handle`). `NotFound`
    /// for an unknown id.
    pub fn ticket(&self, actor: &str, id: i64) -> Result<Ticket, BrandrailError> {
        Ok(self.core().ticket(actor, id)?.into())
    }

    /// Tickets without a first response past their deadline, oldest deadline
    /// first (needs `service.handle`).
    pub fn overdue_tickets(&self, actor: &str) -> Result<Vec<Ticket>, BrandrailError> {
        Ok(all(self.core().overdue_tickets(actor)?))
    }

    /// Service figures of the tickets opened in `[from, to)` (CRM-9; needs
    /// `crm.read`: counts and averages only, no key). `Validation` naming
    /// `to` when it is not after `from`.
    pub fn service_report(
        &self,
        actor: &str,
        from: SystemTime,
        to: SystemTime,
    ) -> Result<ServiceReport, BrandrailError> {
        let (from, to) = (utc("from", from)?, utc("to", to)?);
        Ok(self.core().service_report(actor, from, to)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_states_keep_the_cores_names() {
        for core in core::TicketCategory::ALL {
            let mirrored = TicketCategory::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::TicketCategory::from(mirrored), *core);
            assert_eq!(parse_ticket_category(core.as_str()).unwrap(), mirrored);
        }
        for core in core::TicketState::ALL {
            let mirrored = TicketState::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::TicketState::from(mirrored), *core);
            assert_eq!(parse_ticket_state(core.as_str()).unwrap(), mirrored);
        }
        assert_eq!(
            parse_ticket_category("praise").unwrap_err().code(),
            "validation"
        );
        assert_eq!(
            parse_ticket_state("closed").unwrap_err().code(),
            "validation"
        );
    }

    #[test]
    fn tickets_cross_whole() {
        let at = chrono::DateTime::from_timestamp(1_780_300_800, 0).unwrap();
        let t = Ticket::from(core::Ticket {
            id: 3,
            customer_id: Some(7),
            channel: "wechat".into(),
            category: core::TicketCategory::Question,
            subject: "发货".into(),
            body: "什么时候发货".into(),
            department: brandrail::Department::CustomerService,
            state: core::TicketState::Answered,
            opened_at: at,
            opened_by: "kf.one".into(),
            first_response_due: at,
            first_response_at: Some(at),
            within_sla: Some(true),
            auto_answer: Some("shipping".into()),
            responses: vec![core::TicketResponse {
                at,
                by: "auto:shipping".into(),
                message: "48 小时内发货".into(),
            }],
            resolved_at: None,
            satisfaction: Some(5),
        });
        assert_eq!((t.id, t.customer_id), (3, Some(7)));
        assert_eq!(t.department, Department::CustomerService);
        assert_eq!(t.state, TicketState::Answered);
        assert_eq!(t.first_response_at, Some(system_time(at)));
        assert_eq!(t.responses[0].by, "auto:shipping");
        assert_eq!(t.satisfaction, Some(5));
        let new = core::NewTicket::from(NewTicket {
            customer_id: None,
            channel: "phone".into(),
            category: TicketCategory::Complaint,
            subject: "投诉".into(),
            body: "快递三天没动".into(),
        });
        assert_eq!(new.category, core::TicketCategory::Complaint);
        assert_eq!(new.channel, "phone");
    }
}
