//! Customer service (core `crm/service.rs`, CRM-9): the `NewTicket` input (a
//! plain dict works too), the `Ticket`, `TicketResponse`, `ServiceReport` and
//! `DepartmentCount` results, the `TICKET_CATEGORIES` and `TICKET_STATES`
//! value sets, and the Engine methods that open, respond to, route, resolve,
//! rate and read tickets, list the overdue ones and report a period.
//!
//! Categories, states and departments are plain strings, as every closed set
//! of the binding; the period of the report is two timezone-aware datetimes,
//! as for `customer_value`.

use brandrail::crm::{
    DepartmentCount, NewTicket, ServiceReport, Ticket, TicketCategory, TicketResponse, TicketState,
};
use brandrail::{Department, Error};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{dict_items, extract_at, missing, parse, path, repr, unexpected, utc, whole};
use crate::engine::PyEngine;
use crate::error::{IntoPyResult, invalid};

/// The keys of a `NewTicket` dict.
const KEYS: &str = "customer_id, channel, category, subject, body";

/// A ticket to open with `Engine.open_ticket` (CRM-9). A plain dict with the
/// same keys works too.
///
/// `channel` is where it came in ('wechat', 'phone', 'email', 'app', ...; an
/// identifier); `category` one of `brandrail.TICKET_CATEGORIES` ('question',
/// 'complaint', 'request'; another raises ValidationError); `subject` a
/// subject line (display text, not empty); `body` the customer's words (1
/// byte to 64 KiB, no control characters but tab and newlines);
/// `customer_id` the customer, when known (a merged id opens on its
/// survivor). The values are checked when the ticket is opened.
#[pyclass(frozen, eq, module = "brandrail", name = "NewTicket")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyNewTicket(NewTicket);

fn customer_arg(value: Option<&Bound<'_, PyAny>>, at: &str) -> PyResult<Option<i64>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| whole::<i64>(v, at))
        .transpose()
}

#[pymethods]
impl PyNewTicket {
    #[new]
    #[pyo3(signature = (*, channel, category, subject, body, customer_id = None))]
    fn new(
        channel: String,
        category: &str,
        subject: String,
        body: String,
        customer_id: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Self(NewTicket {
            customer_id: customer_arg(customer_id, "customer_id")?,
            channel,
            category: parse::<TicketCategory>(category, "category").into_pyresult()?,
            subject,
            body,
        }))
    }

    /// The customer, or None.
    #[getter]
    fn customer_id(&self) -> Option<i64> {
        self.0.customer_id
    }

    /// Where it came in.
    #[getter]
    fn channel(&self) -> &str {
        &self.0.channel
    }

    /// What it is about (one of `brandrail.TICKET_CATEGORIES`).
    #[getter]
    fn category(&self) -> &'static str {
        self.0.category.as_str()
    }

    /// The subject line.
    #[getter]
    fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The customer's words.
    #[getter]
    fn body(&self) -> &str {
        &self.0.body
    }

    /// The fields as a plain dict (accepted back wherever a NewTicket is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customer_id", self.customer_id())?;
        d.set_item("channel", self.channel())?;
        d.set_item("category", self.category())?;
        d.set_item("subject", self.subject())?;
        d.set_item("body", self.body())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["customer_id", "channel", "category", "subject"];
        repr("NewTicket", &self.to_dict(py)?, &keys)
    }
}

/// The `ticket` argument: a `NewTicket`, or a dict with its keys (`at` names
/// it in errors).
fn ticket_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<NewTicket> {
    if let Ok(t) = value.cast::<PyNewTicket>() {
        return Ok(t.get().0.clone());
    }
    let (mut customer_id, mut channel, mut category) = (None, None, None);
    let (mut subject, mut body) = (None, None);
    for (key, value) in dict_items(value, at, "a NewTicket or a dict")? {
        let here = path(at, &key);
        match key.as_str() {
            "customer_id" => customer_id = customer_arg(Some(&value), &here)?,
            "channel" => channel = Some(extract_at::<String>(&value, &here)?),
            "category" => category = Some(extract_at::<String>(&value, &here)?),
            "subject" => subject = Some(extract_at::<String>(&value, &here)?),
            "body" => body = Some(extract_at::<String>(&value, &here)?),
            _ => return Err(unexpected(at, &key, KEYS)),
        }
    }
    let category = category.ok_or_else(|| missing(at, "category"))?;
    Ok(NewTicket {
        customer_id,
        channel: channel.ok_or_else(|| missing(at, "channel"))?,
        subject: subject.ok_or_else(|| missing(at, "subject"))?,
        body: body.ok_or_else(|| missing(at, "body"))?,
        category: parse::<TicketCategory>(&category, &path(at, "category")).into_pyresult()?,
    })
}

/// A response on a ticket.
#[pyclass(frozen, eq, module = "brandrail", name = "TicketResponse")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyTicketResponse(TicketResponse);

#[pymethods]
impl PyTicketResponse {
    /// When (UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Who: a principal's handle, or 'auto:<key>' for an auto-answer of the
    /// policy ('auto:shipping').
    #[getter]
    fn by(&self) -> &str {
        &self.0.by
    }

    /// The text.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// `{"at", "by", "message"}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("at", self.at())?;
        d.set_item("by", self.by())?;
        d.set_item("message", self.message())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "TicketResponse",
            &self.to_dict(py)?,
            &["at", "by", "message"],
        )
    }
}

/// A service ticket as read back (CRM-9), with its responses. Subject, body
/// and responses are sealed at rest and empty after the customer's erasure.
#[pyclass(frozen, eq, module = "brandrail", name = "Ticket")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyTicket(Ticket);

#[pymethods]
impl PyTicket {
    /// Identifier.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// The customer, or None when unknown (or erased).
    #[getter]
    fn customer_id(&self) -> Option<i64> {
        self.0.customer_id
    }

    /// Where it came in.
    #[getter]
    fn channel(&self) -> &str {
        &self.0.channel
    }

    /// What it is about (one of `brandrail.TICKET_CATEGORIES`).
    #[getter]
    fn category(&self) -> &'static str {
        self.0.category.as_str()
    }

    /// The subject line ('' after the customer's erasure).
    #[getter]
    fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The customer's words ('' after the customer's erasure).
    #[getter]
    fn body(&self) -> &str {
        &self.0.body
    }

    /// The responsible department (one of `brandrail.DEPARTMENTS`): where a
    /// complaint was routed by what it mentions, else the policy's
    /// `crm.service.default_department`.
    #[getter]
    fn department(&self) -> &'static str {
        self.0.department.as_str()
    }

    /// 'open', 'answered' or 'resolved' (one of `brandrail.TICKET_STATES`).
    #[getter]
    fn state(&self) -> &'static str {
        self.0.state.as_str()
    }

    /// Opened (UTC).
    #[getter]
    fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }

    /// Handle of the principal who opened it.
    #[getter]
    fn opened_by(&self) -> &str {
        &self.0.opened_by
    }

    /// When the first response is due (UTC): `crm.service.first_response_minutes`
    /// (10) after opening.
    #[getter]
    fn first_response_due(&self) -> DateTime<Utc> {
        self.0.first_response_due
    }

    /// The first response (UTC), or None.
    #[getter]
    fn first_response_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_response_at
    }

    /// Whether the first response came by the deadline; None while none came.
    #[getter]
    fn within_sla(&self) -> Option<bool> {
        self.0.within_sla
    }

    /// The key of the policy's auto-answer given at once ('shipping'), or
    /// None.
    #[getter]
    fn auto_answer(&self) -> Option<&str> {
        self.0.auto_answer.as_deref()
    }

    /// The `TicketResponse`s, oldest first (a copy).
    #[getter]
    fn responses(&self) -> Vec<PyTicketResponse> {
        self.0
            .responses
            .iter()
            .cloned()
            .map(PyTicketResponse)
            .collect()
    }

    /// Resolved (UTC), or None.
    #[getter]
    fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }

    /// The customer's satisfaction score (1 to
    /// `crm.service.satisfaction_scale`), or None.
    #[getter]
    fn satisfaction(&self) -> Option<u8> {
        self.0.satisfaction
    }

    /// The fields as plain dicts and lists: `responses` is a list of their
    /// `to_dict()`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("customer_id", self.customer_id())?;
        d.set_item("channel", self.channel())?;
        d.set_item("category", self.category())?;
        d.set_item("subject", self.subject())?;
        d.set_item("body", self.body())?;
        d.set_item("department", self.department())?;
        d.set_item("state", self.state())?;
        d.set_item("opened_at", self.opened_at())?;
        d.set_item("opened_by", self.opened_by())?;
        d.set_item("first_response_due", self.first_response_due())?;
        d.set_item("first_response_at", self.first_response_at())?;
        d.set_item("within_sla", self.within_sla())?;
        d.set_item("auto_answer", self.auto_answer())?;
        let responses = self
            .responses()
            .iter()
            .map(|r| r.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("responses", responses)?;
        d.set_item("resolved_at", self.resolved_at())?;
        d.set_item("satisfaction", self.satisfaction())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "id",
            "category",
            "state",
            "department",
            "within_sla",
            "auto_answer",
        ];
        repr("Ticket", &self.to_dict(py)?, &keys)
    }
}

fn tickets(list: Vec<Ticket>) -> Vec<PyTicket> {
    list.into_iter().map(PyTicket).collect()
}

/// Complaints routed to one department in a `ServiceReport`.
#[pyclass(frozen, eq, module = "brandrail", name = "DepartmentCount")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDepartmentCount(DepartmentCount);

#[pymethods]
impl PyDepartmentCount {
    /// The department (one of `brandrail.DEPARTMENTS`).
    #[getter]
    fn department(&self) -> &'static str {
        self.0.department.as_str()
    }

    /// Complaints it is responsible for.
    #[getter]
    fn count(&self) -> u64 {
        self.0.count
    }

    /// `{"department": ..., "count": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("department", self.department())?;
        d.set_item("count", self.count())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "DepartmentCount",
            &self.to_dict(py)?,
            &["department", "count"],
        )
    }
}

/// Service figures of the tickets opened in a period (CRM-9): counts and
/// averages only, no customer named.
#[pyclass(frozen, eq, module = "brandrail", name = "ServiceReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyServiceReport(ServiceReport);

#[pymethods]
impl PyServiceReport {
    /// Start of the period, inclusive (UTC). (`from` is a Python keyword;
    /// `to_dict()` uses 'from'.)
    #[getter]
    fn from_(&self) -> DateTime<Utc> {
        self.0.from
    }

    /// End of the period, exclusive (UTC).
    #[getter]
    fn to(&self) -> DateTime<Utc> {
        self.0.to
    }

    /// Tickets opened.
    #[getter]
    fn tickets(&self) -> u64 {
        self.0.tickets
    }

    /// Answered at once from the policy's auto-answers.
    #[getter]
    fn auto_answered(&self) -> u64 {
        self.0.auto_answered
    }

    /// With a first response.
    #[getter]
    fn responded(&self) -> u64 {
        self.0.responded
    }

    /// First response by the deadline.
    #[getter]
    fn within_sla(&self) -> u64 {
        self.0.within_sla
    }

    /// `within_sla` / the tickets responded to or overdue (1.0 when none).
    #[getter]
    fn sla_rate(&self) -> f64 {
        self.0.sla_rate
    }

    /// Mean minutes to the first response over those responded, or None.
    #[getter]
    fn average_first_response_minutes(&self) -> Option<f64> {
        self.0.average_first_response_minutes
    }

    /// Without a first response and past the deadline now.
    #[getter]
    fn overdue(&self) -> u64 {
        self.0.overdue
    }

    /// Complaints.
    #[getter]
    fn complaints(&self) -> u64 {
        self.0.complaints
    }

    /// Complaints per responsible department, a `DepartmentCount` each, by
    /// department name (a copy).
    #[getter]
    fn complaints_by_department(&self) -> Vec<PyDepartmentCount> {
        self.0
            .complaints_by_department
            .iter()
            .cloned()
            .map(PyDepartmentCount)
            .collect()
    }

    /// Tickets the customer scored.
    #[getter]
    fn rated(&self) -> u64 {
        self.0.rated
    }

    /// Mean satisfaction score, or None without scores.
    #[getter]
    fn satisfaction_average(&self) -> Option<f64> {
        self.0.satisfaction_average
    }

    /// The policy's target (`crm.service.satisfaction_target`, 4.8).
    #[getter]
    fn satisfaction_target(&self) -> f64 {
        self.0.satisfaction_target
    }

    /// Whether the mean reaches the target; None without scores.
    #[getter]
    fn meets_target(&self) -> Option<bool> {
        self.0.meets_target
    }

    /// The fields as plain dicts and lists (the period's start under 'from';
    /// `complaints_by_department` a list of `{"department", "count"}`).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("from", self.from_())?;
        d.set_item("to", self.to())?;
        d.set_item("tickets", self.tickets())?;
        d.set_item("auto_answered", self.auto_answered())?;
        d.set_item("responded", self.responded())?;
        d.set_item("within_sla", self.within_sla())?;
        d.set_item("sla_rate", self.sla_rate())?;
        d.set_item(
            "average_first_response_minutes",
            self.average_first_response_minutes(),
        )?;
        d.set_item("overdue", self.overdue())?;
        d.set_item("complaints", self.complaints())?;
        let by = self
            .complaints_by_department()
            .iter()
            .map(|c| c.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("complaints_by_department", by)?;
        d.set_item("rated", self.rated())?;
        d.set_item("satisfaction_average", self.satisfaction_average())?;
        d.set_item("satisfaction_target", self.satisfaction_target())?;
        d.set_item("meets_target", self.meets_target())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "tickets",
            "responded",
            "within_sla",
            "overdue",
            "complaints",
            "satisfaction_average",
            "meets_target",
        ];
        repr("ServiceReport", &self.to_dict(py)?, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// Open a ticket (CRM-9; needs 'service.handle' and a `secret_key`: the
    /// customer's words are sealed at rest; audited). `ticket` is a
    /// `NewTicket` or a dict with its keys; a dict of the wrong shape raises
    /// TypeError naming the key ('ticket.body').
    ///
    /// A question mentioning a keyword of one of the policy's
    /// `crm.service.auto_answers` gets that answer as its first response at
    /// once (state 'answered', `auto_answer` its key); a complaint goes to the
    /// department of the first `crm.service.complaint_routes` entry whose
    /// keywords it mentions. Keywords match as the compliance checker does:
    /// traditional characters, full-width forms and spaces inside a word
    /// still match. A known customer's history gains a 'service_ticket'
    /// interaction. Returns the `Ticket`. ValidationError for a bad channel,
    /// category, subject or body (field named so); NotFoundError for an
    /// unknown or erased customer.
    fn open_ticket(
        &self,
        py: Python<'_>,
        actor: String,
        ticket: &Bound<'_, PyAny>,
    ) -> PyResult<PyTicket> {
        let ticket = ticket_arg(ticket, "ticket")?;
        self.call(py, |e| e.open_ticket(&actor, &ticket))
            .map(PyTicket)
    }

    /// Respond on ticket `id` (needs 'service.handle'): the first response
    /// stops the deadline; the ticket is 'answered'. Returns the `Ticket`.
    /// ValidationError for an empty or too long message, or one with control
    /// characters (field 'message'); ConflictError on a resolved ticket;
    /// NotFoundError for an unknown id.
    fn respond_ticket(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        message: String,
    ) -> PyResult<PyTicket> {
        self.call(py, |e| e.respond_ticket(&actor, id, &message))
            .map(PyTicket)
    }

    /// Send ticket `id` to `department` (one of `brandrail.DEPARTMENTS`;
    /// needs 'service.handle'; audited). Returns the `Ticket`.
    /// ValidationError for another department; ConflictError on a resolved
    /// ticket; NotFoundError for an unknown id.
    fn route_ticket(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        department: &str,
    ) -> PyResult<PyTicket> {
        let department = parse::<Department>(department, "department").into_pyresult()?;
        self.call(py, |e| e.route_ticket(&actor, id, department))
            .map(PyTicket)
    }

    /// Close ticket `id` (needs 'service.handle'). Returns the `Ticket`.
    /// ConflictError when it has no response yet or is resolved already;
    /// NotFoundError for an unknown id.
    fn resolve_ticket(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyTicket> {
        self.call(py, |e| e.resolve_ticket(&actor, id))
            .map(PyTicket)
    }

    /// Record the customer's satisfaction `score` (an int, 1 to
    /// `crm.service.satisfaction_scale`, 5) on ticket `id` (needs
    /// 'service.handle'): once, after a response. Returns the `Ticket`.
    /// ValidationError for a score out of range (field 'score'); TypeError
    /// for one that is not an int; ConflictError before a response or when
    /// rated already; NotFoundError for an unknown id.
    fn rate_ticket(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        score: &Bound<'_, PyAny>,
    ) -> PyResult<PyTicket> {
        let score = whole::<u8>(score, "score")?;
        self.call(py, |e| e.rate_ticket(&actor, id, score))
            .map(PyTicket)
    }

    /// Ticket `id` with its responses (needs 'service.handle' and a
    /// `secret_key`). NotFoundError for an unknown id.
    fn ticket(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyTicket> {
        self.call(py, |e| e.ticket(&actor, id)).map(PyTicket)
    }

    /// The tickets without a first response past their deadline, oldest
    /// deadline first (needs 'service.handle' and a `secret_key`).
    fn overdue_tickets(&self, py: Python<'_>, actor: String) -> PyResult<Vec<PyTicket>> {
        self.call(py, |e| e.overdue_tickets(&actor)).map(tickets)
    }

    /// Service figures of the tickets opened in `[since, until)`, both
    /// timezone-aware datetimes, a `ServiceReport` (CRM-9; needs 'crm.read':
    /// counts and averages only). ValidationError for `until` not after
    /// `since` (field 'until').
    fn service_report(
        &self,
        py: Python<'_>,
        actor: String,
        since: &Bound<'_, PyAny>,
        until: &Bound<'_, PyAny>,
    ) -> PyResult<PyServiceReport> {
        let (from, to) = (utc(since, "since")?, utc(until, "until")?);
        self.call(py, |e| {
            // Core names its own parameter ('to'): name the Python one.
            e.service_report(&actor, from, to).map_err(|err| match err {
                Error::Validation { field, .. } if field == "to" => {
                    invalid("until", "must be after since")
                }
                other => other,
            })
        })
        .map(PyServiceReport)
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyNewTicket>()?;
    m.add_class::<PyTicketResponse>()?;
    m.add_class::<PyTicket>()?;
    m.add_class::<PyDepartmentCount>()?;
    m.add_class::<PyServiceReport>()?;
    m.add(
        "TICKET_CATEGORIES",
        PyTuple::new(py, TicketCategory::ALL.iter().map(|c| c.as_str()))?,
    )?;
    m.add(
        "TICKET_STATES",
        PyTuple::new(py, TicketState::ALL.iter().map(|s| s.as_str()))?,
    )?;
    Ok(())
}
