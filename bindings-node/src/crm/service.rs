//! Customer service (CRM-9): tickets with a first-response deadline
//! (`crm.service.first_response_minutes`, 10), common questions answered at
//! once from the policy's auto-answers, complaints routed to the responsible
//! department by what they mention, satisfaction scores against
//! `crm.service.satisfaction_target` (4.8 of 5), the figures of a period;
//! and the module-level `ticketCategories` and `ticketStates`. The rules are
//! core's (`docs/service.md`).
//!
//! Categories, states and departments are strings (`'complaint'`,
//! `'answered'`, `'legal'`); a wrong one throws `'validation'` listing the
//! allowed values. Ticket and customer ids are safe integers both ways; times
//! are `Date`s. The customer's words (subject, body, responses) are sealed
//! with the engine's `secretKey`: every call here but `serviceReport` needs
//! it, else `'configuration'`.

use brandrail::crm::{self, TicketCategory, TicketState};
use napi::Env;
use napi_derive::napi;

use crate::convert::{Date, all, number, parse, whole};
use crate::engine::Engine;
use crate::error::OrThrow;

/// A ticket to open, for `openTicket`.
#[napi(object, object_to_js = false)]
pub struct NewTicket {
    /// The customer, when known (a safe integer; a merged id opens on the
    /// customer it was merged into). Left out for an anonymous contact.
    pub customer_id: Option<f64>,
    /// Where it came in (`'wechat'`, `'phone'`, `'email'`, `'app'`, …):
    /// 2–64 characters of `a-z 0-9 . _ -`, starting with a letter or digit.
    pub channel: String,
    /// What it is about (see `ticketCategories()`): a `'question'` matching
    /// one of the policy's auto-answers is answered at once, a
    /// `'complaint'` is routed by what it mentions.
    #[napi(ts_type = "'question' | 'complaint' | 'request'")]
    pub category: String,
    /// Subject line: display text, 1–200 characters.
    pub subject: String,
    /// The customer's words: up to 64 KiB, not blank, no control characters
    /// other than line breaks and tabs.
    pub body: String,
}

impl NewTicket {
    fn into_core(self) -> brandrail::Result<crm::NewTicket> {
        Ok(crm::NewTicket {
            customer_id: self
                .customer_id
                .map(|id| whole("customerId", id))
                .transpose()?,
            channel: self.channel,
            category: parse("category", &self.category)?,
            subject: self.subject,
            body: self.body,
        })
    }
}

/// A response on a ticket.
#[napi(object, object_from_js = false)]
pub struct TicketResponse {
    /// When.
    pub at: Date,
    /// Handle of who responded; `'auto:<key>'` for an auto-answer
    /// (`'auto:shipping'`).
    pub by: String,
    /// The text.
    pub message: String,
}

impl From<crm::TicketResponse> for TicketResponse {
    fn from(r: crm::TicketResponse) -> Self {
        TicketResponse {
            at: r.at.into(),
            by: r.by,
            message: r.message,
        }
    }
}

/// A ticket as read back.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Ticket {
    /// Identifier.
    pub id: i64,
    /// The customer, or `null` when unknown (and after the customer's
    /// erasure).
    pub customer_id: Option<i64>,
    /// Where it came in.
    pub channel: String,
    /// What it is about.
    #[napi(ts_type = "NewTicket['category']")]
    pub category: String,
    /// Subject; `''` after the customer's erasure.
    pub subject: String,
    /// The customer's words; `''` after the customer's erasure.
    pub body: String,
    /// The responsible department (`'customer_service'` unless a complaint
    /// was routed or the ticket sent elsewhere).
    pub department: String,
    /// `'open'` (waiting for a first response), `'answered'` or
    /// `'resolved'`.
    #[napi(ts_type = "'open' | 'answered' | 'resolved'")]
    pub state: String,
    /// Opened.
    pub opened_at: Date,
    /// Handle of who opened it.
    pub opened_by: String,
    /// First response due: `crm.service.first_response_minutes` after it
    /// opened.
    pub first_response_due: Date,
    /// The first response, or `null` while none came.
    pub first_response_at: Option<Date>,
    /// Whether the first response came by the deadline; `null` while none
    /// came.
    pub within_sla: Option<bool>,
    /// The key of the auto-answer given (`'shipping'`), or `null`.
    pub auto_answer: Option<String>,
    /// Responses, oldest first; empty after the customer's erasure.
    pub responses: Vec<TicketResponse>,
    /// When it was resolved, or `null`.
    pub resolved_at: Option<Date>,
    /// The customer's satisfaction score (1 to
    /// `crm.service.satisfaction_scale`), or `null`.
    pub satisfaction: Option<u32>,
}

impl From<crm::Ticket> for Ticket {
    fn from(t: crm::Ticket) -> Self {
        Ticket {
            id: t.id,
            customer_id: t.customer_id,
            channel: t.channel,
            category: t.category.as_str().to_owned(),
            subject: t.subject,
            body: t.body,
            department: t.department.as_str().to_owned(),
            state: t.state.as_str().to_owned(),
            opened_at: t.opened_at.into(),
            opened_by: t.opened_by,
            first_response_due: t.first_response_due.into(),
            first_response_at: t.first_response_at.map(Date::from),
            within_sla: t.within_sla,
            auto_answer: t.auto_answer,
            responses: all(t.responses),
            resolved_at: t.resolved_at.map(Date::from),
            satisfaction: t.satisfaction.map(u32::from),
        }
    }
}

/// Complaints routed to one department.
#[napi(object, object_from_js = false)]
pub struct DepartmentCount {
    /// The department.
    pub department: String,
    /// Complaints it is responsible for.
    pub count: f64,
}

impl From<crm::DepartmentCount> for DepartmentCount {
    fn from(d: crm::DepartmentCount) -> Self {
        DepartmentCount {
            department: d.department.as_str().to_owned(),
            count: number(d.count),
        }
    }
}

/// The service figures of the tickets opened in a period `[from, to)`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ServiceReport {
    /// Start (inclusive).
    pub from: Date,
    /// End (exclusive).
    pub to: Date,
    /// Tickets opened.
    pub tickets: f64,
    /// Answered at once from the policy's auto-answers.
    pub auto_answered: f64,
    /// With a first response.
    pub responded: f64,
    /// First response by the deadline.
    pub within_sla: f64,
    /// `withinSla` / the tickets answered or past their deadline; 1 when
    /// there are none.
    pub sla_rate: f64,
    /// Mean minutes from opening to the first response, over those
    /// responded; `null` without any.
    pub average_first_response_minutes: Option<f64>,
    /// Without a first response and past the deadline now.
    pub overdue: f64,
    /// Complaints.
    pub complaints: f64,
    /// Complaints per responsible department, by department name.
    pub complaints_by_department: Vec<DepartmentCount>,
    /// Tickets the customer scored.
    pub rated: f64,
    /// Mean satisfaction score, or `null` without scores.
    pub satisfaction_average: Option<f64>,
    /// The policy's target (`crm.service.satisfaction_target`, 4.8).
    pub satisfaction_target: f64,
    /// Whether the mean reaches the target; `null` without scores.
    pub meets_target: Option<bool>,
}

impl From<crm::ServiceReport> for ServiceReport {
    fn from(r: crm::ServiceReport) -> Self {
        ServiceReport {
            from: r.from.into(),
            to: r.to.into(),
            tickets: number(r.tickets),
            auto_answered: number(r.auto_answered),
            responded: number(r.responded),
            within_sla: number(r.within_sla),
            sla_rate: r.sla_rate,
            average_first_response_minutes: r.average_first_response_minutes,
            overdue: number(r.overdue),
            complaints: number(r.complaints),
            complaints_by_department: all(r.complaints_by_department),
            rated: number(r.rated),
            satisfaction_average: r.satisfaction_average,
            satisfaction_target: r.satisfaction_target,
            meets_target: r.meets_target,
        }
    }
}

/// The names of the ticket categories: `'question'`, `'complaint'`,
/// `'request'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_return_type = "Array<NewTicket['category']>")]
pub fn ticket_categories() -> Vec<&'static str> {
    TicketCategory::ALL.iter().map(|c| c.as_str()).collect()
}

/// The names of the ticket states, in the order a ticket goes through them:
/// `'open'`, `'answered'`, `'resolved'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_return_type = "Array<Ticket['state']>")]
pub fn ticket_states() -> Vec<&'static str> {
    TicketState::ALL.iter().map(|s| s.as_str()).collect()
}

#[napi]
impl Engine {
    /// Open a ticket (CRM-9; needs `service.handle`; audited) and return it.
    /// A question mentioning the keywords of one of the policy's
    /// `crm.service.auto_answers` gets that answer as its first response at
    /// once (`autoAnswer`, state `'answered'`, the response by
    /// `'auto:<key>'`); a complaint goes to the department of the first of
    /// `crm.service.complaint_routes` whose keywords it mentions, else to
    /// `crm.service.default_department`. Keywords match as the compliance
    /// checker matches (traditional characters, full-width forms, spaces
    /// inside a word). A known customer's history gains a
    /// `'service_ticket'` interaction. Throws `'validation'` for a bad
    /// `channel`, `category`, `subject` or `body` (naming it) or a
    /// `customerId` that is not a safe integer, and `'not_found'` (entity
    /// `'customer'`) for an unknown or erased customer.
    #[napi(strict, catch_unwind)]
    pub fn open_ticket(&self, env: &Env, actor: String, ticket: NewTicket) -> napi::Result<Ticket> {
        ticket
            .into_core()
            .and_then(|t| self.inner.open_ticket(&actor, &t))
            .map(Ticket::from)
            .or_throw(env)
    }

    /// Respond on ticket `id` (needs `service.handle`; audited): the first
    /// response stops the deadline and the ticket is `'answered'`. The
    /// message is written like a ticket's body (`'validation'`, field
    /// `'message'`). Throws `'conflict'` on a resolved ticket and
    /// `'not_found'` (entity `'ticket'`) for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn respond_ticket(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        message: String,
    ) -> napi::Result<Ticket> {
        whole("id", id)
            .and_then(|id| self.inner.respond_ticket(&actor, id, &message))
            .map(Ticket::from)
            .or_throw(env)
    }

    /// Send ticket `id` to another department (needs `service.handle`;
    /// audited). Throws `'validation'` (field `'department'`) for a name that
    /// is not a department, `'conflict'` on a resolved ticket and
    /// `'not_found'` for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn route_ticket(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        department: String,
    ) -> napi::Result<Ticket> {
        whole("id", id)
            .and_then(|id| Ok((id, parse("department", &department)?)))
            .and_then(|(id, department)| self.inner.route_ticket(&actor, id, department))
            .map(Ticket::from)
            .or_throw(env)
    }

    /// Resolve ticket `id` (needs `service.handle`; audited). Throws
    /// `'conflict'` for a ticket without a response yet or already resolved,
    /// `'not_found'` for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn resolve_ticket(&self, env: &Env, actor: String, id: f64) -> napi::Result<Ticket> {
        whole("id", id)
            .and_then(|id| self.inner.resolve_ticket(&actor, id))
            .map(Ticket::from)
            .or_throw(env)
    }

    /// Record the customer's satisfaction `score` for ticket `id`, a whole
    /// number from 1 to `crm.service.satisfaction_scale` (5) (needs
    /// `service.handle`; audited); once per ticket, after a response. Throws
    /// `'validation'` (field `'score'`) for another score, `'conflict'` for a
    /// ticket without a response or already rated, `'not_found'` for an
    /// unknown id.
    #[napi(strict, catch_unwind)]
    pub fn rate_ticket(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        score: f64,
    ) -> napi::Result<Ticket> {
        whole("id", id)
            .and_then(|id| Ok((id, whole::<u8>("score", score)?)))
            .and_then(|(id, score)| self.inner.rate_ticket(&actor, id, score))
            .map(Ticket::from)
            .or_throw(env)
    }

    /// Ticket `id` with its responses (needs `service.handle`). Throws
    /// `'not_found'` (entity `'ticket'`) for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn ticket(&self, env: &Env, actor: String, id: f64) -> napi::Result<Ticket> {
        whole("id", id)
            .and_then(|id| self.inner.ticket(&actor, id))
            .map(Ticket::from)
            .or_throw(env)
    }

    /// The tickets without a first response past their deadline now, oldest
    /// deadline first (needs `service.handle`).
    #[napi(strict, catch_unwind)]
    pub fn overdue_tickets(&self, env: &Env, actor: String) -> napi::Result<Vec<Ticket>> {
        self.inner.overdue_tickets(&actor).map(all).or_throw(env)
    }

    /// The service figures of the tickets opened in `[from, to)` (CRM-9;
    /// needs `crm.read`: counts and averages only): tickets, auto-answered,
    /// responded, within the deadline and its rate, mean minutes to a first
    /// response, overdue, complaints per department, the mean satisfaction
    /// and whether it meets the target. Throws `'validation'` for `to` not
    /// after `from` (field `'to'`) and an `Invalid Date` (`'from'`, `'to'`).
    #[napi(strict, catch_unwind)]
    pub fn service_report(
        &self,
        env: &Env,
        actor: String,
        from: Date,
        to: Date,
    ) -> napi::Result<ServiceReport> {
        from.to_utc("from")
            .and_then(|from| Ok((from, to.to_utc("to")?)))
            .and_then(|(from, to)| self.inner.service_report(&actor, from, to))
            .map(ServiceReport::from)
            .or_throw(env)
    }
}
