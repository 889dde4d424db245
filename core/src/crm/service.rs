//! Customer service (CRM-9): tickets with a first-response deadline
//! (`crm.service.first_response_minutes`, 10 by default), common questions
//! answered at once from the policy's auto-answers, complaints routed to the
//! responsible department by what they mention, satisfaction scores and
//! their average against `crm.service.satisfaction_target` (4.8 / 5).
//!
//! Keywords of auto-answers and routes are matched with the compliance
//! checker's normalization (traditional characters, full-width forms and
//! spacing tricks still match). The customer's words (subject, body,
//! responses) are sealed with the host's key; erasure of the customer
//! removes them and keeps the ticket as a count.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::access::{Department, Permission, named_enum};
use crate::audit::Entry;
use crate::content::compliance::KeywordMatcher;
use crate::error::{Error, Result};
use crate::store::service::{self as sql, TicketRow};
use crate::{Attempt, Ctx, Engine, store, validate};

named_enum! {
    /// What a ticket is about.
    TicketCategory, "ticket category" {
        /// A question (auto-answered when a common one).
        Question => "question",
        /// A complaint (routed to the responsible department).
        Complaint => "complaint",
        /// A request (change an order, an address, …).
        Request => "request",
    }
}

named_enum! {
    /// Where a ticket stands.
    TicketState, "ticket state" {
        /// Waiting for a first response.
        Open => "open",
        /// Responded to.
        Answered => "answered",
        /// Closed.
        Resolved => "resolved",
    }
}

/// A ticket to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    /// The customer, when known (a merged id opens on its survivor).
    pub customer_id: Option<i64>,
    /// Where it came in (`wechat`, `phone`, `email`, `app`, …; an identifier).
    pub channel: String,
    /// What it is about.
    pub category: TicketCategory,
    /// Subject line.
    pub subject: String,
    /// The customer's words.
    pub body: String,
}

/// A response on a ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TicketResponse {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`auto:<key>` for an auto-answer).
    pub by: String,
    /// The text.
    pub message: String,
}

/// A ticket as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    /// The responsible department.
    pub department: Department,
    /// State.
    pub state: TicketState,
    /// Opened.
    pub opened_at: DateTime<Utc>,
    /// By whom.
    pub opened_by: String,
    /// First response due.
    pub first_response_due: DateTime<Utc>,
    /// First responded.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Whether the first response came in time (`None` while none came).
    pub within_sla: Option<bool>,
    /// The auto-answer given, by key.
    pub auto_answer: Option<String>,
    /// Responses, oldest first.
    pub responses: Vec<TicketResponse>,
    /// Resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    /// The customer's satisfaction score.
    pub satisfaction: Option<u8>,
}

/// Complaints per department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DepartmentCount {
    /// The department.
    pub department: Department,
    /// Complaints routed to it.
    pub count: u64,
}

/// Service figures of a period (CRM-9).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceReport {
    /// Start (inclusive).
    pub from: DateTime<Utc>,
    /// End (exclusive).
    pub to: DateTime<Utc>,
    /// Tickets opened.
    pub tickets: u64,
    /// Answered at once from the policy's auto-answers.
    pub auto_answered: u64,
    /// With a first response.
    pub responded: u64,
    /// First response within the deadline.
    pub within_sla: u64,
    /// `within_sla` / tickets whose deadline has passed or that were
    /// answered (1.0 when none).
    pub sla_rate: f64,
    /// Mean minutes to the first response, over those responded.
    pub average_first_response_minutes: Option<f64>,
    /// Without a first response and past the deadline now.
    pub overdue: u64,
    /// Complaints.
    pub complaints: u64,
    /// Complaints per responsible department.
    pub complaints_by_department: Vec<DepartmentCount>,
    /// Tickets scored by the customer.
    pub rated: u64,
    /// Mean satisfaction score.
    pub satisfaction_average: Option<f64>,
    /// The policy's target.
    pub satisfaction_target: f64,
    /// Whether the mean reaches the target (`None` without scores).
    pub meets_target: Option<bool>,
}

const TEXT_CONTEXT: &str = "service.ticket";
const RESPONSE_CONTEXT: &str = "service.response";
/// Longest message, in bytes.
const MAX_MESSAGE_BYTES: usize = 64 * 1024;

pub(super) fn check_text(field: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() || text.len() > MAX_MESSAGE_BYTES {
        return Err(Error::validation(
            field,
            format!("must be 1 byte to {MAX_MESSAGE_BYTES} bytes"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(Error::validation(field, "contains control characters"));
    }
    Ok(())
}

fn corrupt(what: &str) -> Error {
    Error::Corrupt {
        message: format!("a stored {what} is not valid"),
    }
}

fn time(ms: i64) -> Result<DateTime<Utc>> {
    store::from_ms(ms)
}

/// Tickets of customers `ids` for an export (CRM-7): the customer's words
/// and the responses in clear.
pub(super) fn export_tickets(
    tx: &rusqlite::Transaction<'_>,
    key: &crate::crypto::SecretKey,
    ids: &[i64],
) -> Result<Vec<serde_json::Value>> {
    let mut out = Vec::new();
    for t in sql::tickets_of(tx, ids)? {
        let (subject, body): (String, String) =
            serde_json::from_slice(&key.open(TEXT_CONTEXT, &t.text_sealed)?)
                .map_err(|_| corrupt("ticket"))?;
        let mut responses = Vec::new();
        for (at, by, sealed) in sql::responses(tx, t.id)? {
            let message = String::from_utf8(key.open(RESPONSE_CONTEXT, &sealed)?)
                .map_err(|_| corrupt("response"))?;
            responses.push(serde_json::json!({"at": time(at)?, "by": by, "message": message}));
        }
        out.push(serde_json::json!({
            "id": t.id, "channel": t.channel, "category": t.category, "subject": subject,
            "body": body, "opened_at": time(t.opened_at)?, "responses": responses,
            "satisfaction": t.satisfaction,
        }));
    }
    Ok(out)
}

impl Engine {
    fn ticket_view(&self, ctx: &Ctx<'_>, row: TicketRow) -> Result<Ticket> {
        let key = self.secret_key()?;
        let (subject, body) = if row.text_sealed.is_empty() {
            (String::new(), String::new())
        } else {
            let plain = key.open(TEXT_CONTEXT, &row.text_sealed)?;
            let v: (String, String) =
                serde_json::from_slice(&plain).map_err(|_| corrupt("ticket"))?;
            v
        };
        let mut responses = Vec::new();
        for (at, by, sealed) in sql::responses(ctx.tx, row.id)? {
            let message = String::from_utf8(key.open(RESPONSE_CONTEXT, &sealed)?)
                .map_err(|_| corrupt("response"))?;
            responses.push(TicketResponse {
                at: time(at)?,
                by,
                message,
            });
        }
        Ok(Ticket {
            id: row.id,
            customer_id: row.customer_id,
            channel: row.channel,
            category: row.category.parse()?,
            subject,
            body,
            department: row.department.parse()?,
            state: row.state.parse()?,
            opened_at: time(row.opened_at)?,
            opened_by: row.opened_by,
            first_response_due: time(row.first_response_due)?,
            first_response_at: row.first_response_at.map(time).transpose()?,
            within_sla: row.first_response_at.map(|a| a <= row.first_response_due),
            auto_answer: row.auto_answer,
            responses,
            resolved_at: row.resolved_at.map(time).transpose()?,
            satisfaction: row.satisfaction.and_then(|s| u8::try_from(s).ok()),
        })
    }

    /// Open a ticket (CRM-9; needs `service.handle`). A question matching
    /// one of the policy's auto-answers gets it as the first response at
    /// once; a complaint goes to the department of the first route whose
    /// keywords it mentions (else `crm.service.default_department`). A known
    /// customer's history gains a `service_ticket` interaction.
    pub fn open_ticket(&self, actor: &str, t: &NewTicket) -> Result<Ticket> {
        let key = self.secret_key()?.clone();
        self.mutate(
            actor,
            Permission::ServiceHandle,
            Attempt::new("service.open", "ticket", "new"),
            |ctx| {
                validate::identifier("channel", &t.channel)?;
                validate::display_text("subject", &t.subject)?;
                check_text("body", &t.body)?;
                let svc = &ctx.policy.crm.service;
                let customer = match t.customer_id {
                    Some(id) => {
                        let mut st = store::crm::Statements::new(ctx.tx)?;
                        let live = super::privacy::live(&mut st, id)?;
                        st.add_interaction(
                            live,
                            super::InteractionKind::ServiceTicket.as_str(),
                            ctx.now,
                            None,
                            None,
                            Some(&t.channel),
                        )?;
                        Some(live)
                    }
                    None => None,
                };
                let words = format!("{}\n{}", t.subject, t.body);
                let mut department = svc.default_department;
                let mut auto = None;
                match t.category {
                    TicketCategory::Question => {
                        let m = KeywordMatcher::new(
                            svc.auto_answers
                                .iter()
                                .enumerate()
                                .map(|(i, a)| (i, a.keywords.as_slice())),
                        )?;
                        auto = m.find(&words).first().map(|h| &svc.auto_answers[h.group]);
                    }
                    TicketCategory::Complaint => {
                        let m = KeywordMatcher::new(
                            svc.complaint_routes
                                .iter()
                                .enumerate()
                                .map(|(i, r)| (i, r.keywords.as_slice())),
                        )?;
                        if let Some(first) = m.find(&words).iter().map(|h| h.group).min() {
                            department = svc.complaint_routes[first].department;
                        }
                    }
                    TicketCategory::Request => {}
                }
                let now = store::to_ms(ctx.now);
                let due = ctx.now + Duration::minutes(i64::from(svc.first_response_minutes));
                let text =
                    serde_json::to_vec(&(&t.subject, &t.body)).map_err(|_| corrupt("ticket"))?;
                let row = TicketRow {
                    id: 0,
                    customer_id: customer,
                    channel: t.channel.clone(),
                    category: t.category.as_str().into(),
                    text_sealed: key.seal(TEXT_CONTEXT, &text)?,
                    department: department.as_str().into(),
                    state: if auto.is_some() {
                        TicketState::Answered
                    } else {
                        TicketState::Open
                    }
                    .as_str()
                    .into(),
                    opened_at: now,
                    opened_by: ctx.actor.handle.clone(),
                    first_response_due: store::to_ms(due),
                    first_response_at: auto.map(|_| now),
                    auto_answer: auto.map(|a| a.key.clone()),
                    resolved_at: None,
                    satisfaction: None,
                };
                let id = sql::insert_ticket(ctx.tx, &row)?;
                if let Some(a) = auto {
                    let sealed = key.seal(RESPONSE_CONTEXT, a.answer.as_bytes())?;
                    sql::add_response(ctx.tx, id, now, &format!("auto:{}", a.key), &sealed)?;
                }
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "service.open", "ticket", &id.to_string())
                        .with_detail(format!(
                            "category={} department={department}{}",
                            t.category,
                            auto.map(|a| format!(" auto_answer={}", a.key))
                                .unwrap_or_default()
                        )),
                )?;
                let stored = sql::ticket(ctx.tx, id)?.ok_or_else(|| corrupt("ticket"))?;
                self.ticket_view(ctx, stored)
            },
        )
    }

    fn change_ticket(
        &self,
        actor: &str,
        id: i64,
        action: &'static str,
        detail: String,
        f: impl FnOnce(&Ctx<'_>, &mut TicketRow) -> Result<()>,
    ) -> Result<Ticket> {
        self.secret_key()?;
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ServiceHandle,
            Attempt::new(action, "ticket", &target),
            |ctx| {
                let mut row =
                    sql::ticket(ctx.tx, id)?.ok_or_else(|| Error::not_found("ticket", &target))?;
                f(ctx, &mut row)?;
                sql::update_ticket(ctx.tx, &row)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, action, "ticket", &target)
                        .with_detail(detail),
                )?;
                self.ticket_view(ctx, row)
            },
        )
    }

    /// Respond on a ticket (needs `service.handle`); the first response
    /// stops the deadline. `conflict` on a resolved ticket.
    pub fn respond_ticket(&self, actor: &str, id: i64, message: &str) -> Result<Ticket> {
        let key = self.secret_key()?.clone();
        self.change_ticket(actor, id, "service.respond", String::new(), |ctx, row| {
            check_text("message", message)?;
            if row.state == TicketState::Resolved.as_str() {
                return Err(Error::conflict("ticket", id.to_string(), "is resolved"));
            }
            let now = store::to_ms(ctx.now);
            sql::add_response(
                ctx.tx,
                id,
                now,
                &ctx.actor.handle,
                &key.seal(RESPONSE_CONTEXT, message.as_bytes())?,
            )?;
            row.first_response_at.get_or_insert(now);
            row.state = TicketState::Answered.as_str().into();
            Ok(())
        })
    }

    /// Send a ticket to another department (needs `service.handle`).
    pub fn route_ticket(&self, actor: &str, id: i64, department: Department) -> Result<Ticket> {
        self.change_ticket(
            actor,
            id,
            "service.route",
            format!("department={department}"),
            |_, row| {
                if row.state == TicketState::Resolved.as_str() {
                    return Err(Error::conflict("ticket", id.to_string(), "is resolved"));
                }
                row.department = department.as_str().into();
                Ok(())
            },
        )
    }

    /// Close a ticket (needs `service.handle`); it needs a response first.
    pub fn resolve_ticket(&self, actor: &str, id: i64) -> Result<Ticket> {
        self.change_ticket(actor, id, "service.resolve", String::new(), |ctx, row| {
            if row.first_response_at.is_none() {
                return Err(Error::conflict(
                    "ticket",
                    id.to_string(),
                    "has no response yet",
                ));
            }
            if row.state == TicketState::Resolved.as_str() {
                return Err(Error::conflict("ticket", id.to_string(), "is resolved"));
            }
            row.state = TicketState::Resolved.as_str().into();
            row.resolved_at = Some(store::to_ms(ctx.now));
            Ok(())
        })
    }

    /// Record the customer's satisfaction score, 1 to
    /// `crm.service.satisfaction_scale` (needs `service.handle`); once per
    /// ticket, after a response.
    pub fn rate_ticket(&self, actor: &str, id: i64, score: u8) -> Result<Ticket> {
        self.change_ticket(
            actor,
            id,
            "service.rate",
            format!("score={score}"),
            |ctx, row| {
                let scale = ctx.policy.crm.service.satisfaction_scale;
                if score == 0 || u32::from(score) > scale {
                    return Err(Error::validation(
                        "score",
                        format!("must be 1 to {scale}, got {score}"),
                    ));
                }
                if row.first_response_at.is_none() {
                    return Err(Error::conflict(
                        "ticket",
                        id.to_string(),
                        "has no response to rate yet",
                    ));
                }
                if row.satisfaction.is_some() {
                    return Err(Error::conflict(
                        "ticket",
                        id.to_string(),
                        "is already rated",
                    ));
                }
                row.satisfaction = Some(i64::from(score));
                Ok(())
            },
        )
    }

    /// A ticket with its responses (needs `service.handle`).
    pub fn ticket(&self, actor: &str, id: i64) -> Result<Ticket> {
        self.secret_key()?;
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ServiceHandle,
            Attempt::new("service.read", "ticket", &target),
            |ctx| {
                let row =
                    sql::ticket(ctx.tx, id)?.ok_or_else(|| Error::not_found("ticket", &target))?;
                self.ticket_view(ctx, row)
            },
        )
    }

    /// Tickets without a first response past their deadline, oldest deadline
    /// first (needs `service.handle`).
    pub fn overdue_tickets(&self, actor: &str) -> Result<Vec<Ticket>> {
        self.secret_key()?;
        self.mutate(
            actor,
            Permission::ServiceHandle,
            Attempt::new("service.overdue", "ticket", "*"),
            |ctx| {
                sql::overdue_tickets(ctx.tx, store::to_ms(ctx.now))?
                    .into_iter()
                    .map(|r| self.ticket_view(ctx, r))
                    .collect()
            },
        )
    }

    /// Service figures of tickets opened in `[from, to)` (CRM-9; needs
    /// `crm.read`: counts and averages only).
    pub fn service_report(
        &self,
        actor: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<ServiceReport> {
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("service.report", "ticket", "*"),
            |ctx| {
                if to <= from {
                    return Err(Error::validation("to", "must be after from"));
                }
                let svc = &ctx.policy.crm.service;
                let now = store::to_ms(ctx.now);
                let rows = sql::tickets_between(ctx.tx, store::to_ms(from), store::to_ms(to))?;
                let mut r = ServiceReport {
                    from,
                    to,
                    tickets: rows.len() as u64,
                    auto_answered: 0,
                    responded: 0,
                    within_sla: 0,
                    sla_rate: 1.0,
                    average_first_response_minutes: None,
                    overdue: 0,
                    complaints: 0,
                    complaints_by_department: Vec::new(),
                    rated: 0,
                    satisfaction_average: None,
                    satisfaction_target: svc.satisfaction_target,
                    meets_target: None,
                };
                let mut judged = 0u64;
                let mut minutes = 0.0;
                let mut scores = 0i64;
                let mut by_dept: BTreeMap<String, u64> = BTreeMap::new();
                for t in &rows {
                    r.auto_answered += u64::from(t.auto_answer.is_some());
                    match t.first_response_at {
                        Some(at) => {
                            r.responded += 1;
                            judged += 1;
                            minutes += (at - t.opened_at) as f64 / 60_000.0;
                            if at <= t.first_response_due {
                                r.within_sla += 1;
                            }
                        }
                        None if t.first_response_due < now => {
                            r.overdue += 1;
                            judged += 1;
                        }
                        None => {}
                    }
                    if t.category == TicketCategory::Complaint.as_str() {
                        r.complaints += 1;
                        *by_dept.entry(t.department.clone()).or_default() += 1;
                    }
                    if let Some(s) = t.satisfaction {
                        r.rated += 1;
                        scores += s;
                    }
                }
                if judged > 0 {
                    r.sla_rate = r.within_sla as f64 / judged as f64;
                }
                if r.responded > 0 {
                    r.average_first_response_minutes = Some(minutes / r.responded as f64);
                }
                if r.rated > 0 {
                    let avg = scores as f64 / r.rated as f64;
                    r.satisfaction_average = Some(avg);
                    r.meets_target = Some(avg >= svc.satisfaction_target);
                }
                r.complaints_by_department = by_dept
                    .into_iter()
                    .map(|(d, count)| {
                        Ok(DepartmentCount {
                            department: d.parse()?,
                            count,
                        })
                    })
                    .collect::<Result<_>>()?;
                Ok(r)
            },
        )
    }
}
