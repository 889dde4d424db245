//! Public-opinion watch (core `crm/opinion.rs`, CRM-10): the `NewMention`
//! input (a plain dict works too), the `MentionReport`, `OpinionAlert` and
//! `Crisis` results, the `ALERT_SEVERITIES` value set and `MAX_MENTIONS`, and
//! the Engine methods that record mentions, list and handle alerts, list the
//! escalated ones, and open, answer, close and list crisis cases.
//!
//! As for interactions, a batch of mentions crosses once, is checked for host
//! types as a whole before anything is written (a row of the wrong shape
//! raises `TypeError` and nothing changes) and is recorded with the GIL
//! released. Bad values are row errors reported by core; the one value core
//! cannot be given, a reach that is not a 64-bit count (a negative one), is
//! reported by the binding as the same kind of row error (field `reach`).

use std::collections::HashMap;

use brandrail::crm::{
    AlertSeverity, Crisis, MAX_MENTIONS, MentionReport, NewMention, OpinionAlert, RowError,
};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyInt, PyTuple};

use super::{PyRowError, items, with_ours};
use crate::convert::{
    dict_items, extract_at, ids, missing, opt_whole, path, repr, unexpected, utc,
};
use crate::engine::PyEngine;

/// The keys of a `NewMention` dict.
const KEYS: &str = "platform, author, text, at, url, reach";

/// One mention to record with `Engine.record_mentions` (CRM-10). A plain dict
/// with the same keys works too.
///
/// `platform` is where it was said ('weibo', 'douyin', 'xiaohongshu',
/// 'zhihu', 'tieba', a forum; an identifier); `author` the author's handle
/// there; `text` what was said; `at` when, a timezone-aware datetime (at most
/// a day ahead); `url` an http(s) link, if any; `reach` the followers or
/// views, if known (an int, 0 or more; another raises ValidationError here,
/// in a dict row it is a row error instead). The values are checked when
/// recorded: a bad one is a `RowError` of the batch.
#[pyclass(frozen, eq, module = "brandrail", name = "NewMention")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyNewMention(NewMention);

#[pymethods]
impl PyNewMention {
    #[new]
    #[pyo3(signature = (platform, author, text, at, *, url = None, reach = None))]
    fn new(
        platform: String,
        author: String,
        text: String,
        at: &Bound<'_, PyAny>,
        url: Option<String>,
        reach: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        Ok(Self(NewMention {
            platform,
            author,
            text,
            at: utc(at, "at")?,
            url,
            reach: opt_whole::<u64>(reach, "reach")?,
        }))
    }

    /// Where it was said.
    #[getter]
    fn platform(&self) -> &str {
        &self.0.platform
    }

    /// The author's handle there.
    #[getter]
    fn author(&self) -> &str {
        &self.0.author
    }

    /// What was said.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// When (UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// The link, or None.
    #[getter]
    fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Followers or views, or None.
    #[getter]
    fn reach(&self) -> Option<u64> {
        self.0.reach
    }

    /// The fields as a plain dict (accepted back wherever a NewMention is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("platform", self.platform())?;
        d.set_item("author", self.author())?;
        d.set_item("text", self.text())?;
        d.set_item("at", self.at())?;
        d.set_item("url", self.url())?;
        d.set_item("reach", self.reach())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["platform", "author", "text", "at", "url", "reach"];
        repr("NewMention", &self.to_dict(py)?, &keys)
    }
}

/// The reach of a dict row: an `int` (a `bool` or anything else raises
/// `TypeError` naming `at`), with the row error's message when it is not a
/// 64-bit count.
fn reach_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Result<u64, &'static str>> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{at}: expected an int, got {}",
            value.get_type().name()?
        )));
    }
    Ok(match value.extract::<u64>() {
        Ok(n) => Ok(n),
        Err(_) if value.lt(0)? => Err("must not be negative"),
        Err(_) => Err("is too large"),
    })
}

/// One row of a batch: a `NewMention`, or a dict with its keys. A row whose
/// reach core cannot be given comes back with its row error: core is given a
/// mention without a platform in its place, which it refuses without
/// touching anything, so its counts and audit record see every row.
fn mention_arg(item: &Bound<'_, PyAny>, row: usize) -> PyResult<(NewMention, Option<RowError>)> {
    if let Ok(m) = item.cast::<PyNewMention>() {
        return Ok((m.get().0.clone(), None));
    }
    let at = format!("mentions[{row}]");
    let (mut platform, mut author, mut text, mut when) = (None, None, None, None);
    let (mut url, mut reach) = (None, Ok(None));
    for (key, value) in dict_items(item, &at, "a NewMention or a dict")? {
        let here = path(&at, &key);
        match key.as_str() {
            "platform" => platform = Some(extract_at::<String>(&value, &here)?),
            "author" => author = Some(extract_at::<String>(&value, &here)?),
            "text" => text = Some(extract_at::<String>(&value, &here)?),
            "at" => when = Some(utc(&value, &here)?),
            "url" => url = extract_at::<Option<String>>(&value, &here)?,
            "reach" if value.is_none() => reach = Ok(None),
            "reach" => reach = reach_arg(&value, &here)?.map(Some),
            _ => return Err(unexpected(&at, &key, KEYS)),
        }
    }
    let platform = platform.ok_or_else(|| missing(&at, "platform"))?;
    let author = author.ok_or_else(|| missing(&at, "author"))?;
    let text = text.ok_or_else(|| missing(&at, "text"))?;
    let when = when.ok_or_else(|| missing(&at, "at"))?;
    let reach = match reach {
        Ok(reach) => reach,
        Err(message) => {
            let refused = NewMention {
                platform: String::new(),
                author: String::new(),
                text: String::new(),
                at: DateTime::UNIX_EPOCH,
                url: None,
                reach: None,
            };
            let error = RowError {
                row,
                field: "reach".into(),
                code: "validation".into(),
                message: message.into(),
            };
            return Ok((refused, Some(error)));
        }
    };
    Ok((
        NewMention {
            platform,
            author,
            text,
            at: when,
            url,
            reach,
        },
        None,
    ))
}

/// The mentions of a batch and the row errors the binding found itself.
fn mentions_arg(
    mentions: &Bound<'_, PyAny>,
) -> PyResult<(Vec<NewMention>, HashMap<usize, RowError>)> {
    if mentions.is_instance_of::<PyNewMention>() {
        return Err(PyTypeError::new_err(
            "mentions: expected an iterable of NewMention or dict, got one NewMention; pass \
             [mention]",
        ));
    }
    let rows = items(mentions, "mentions", "an iterable of NewMention or dict")?;
    let mut out = Vec::with_capacity(rows.len());
    let mut refused = HashMap::new();
    for (i, item) in rows.iter().enumerate() {
        let (mention, error) = mention_arg(item, i)?;
        if let Some(e) = error {
            refused.insert(i, e);
        }
        out.push(mention);
    }
    Ok((out, refused))
}

/// An alert raised by a mention (CRM-10): the brand and an alert keyword in
/// it. Sensitive and major alerts are escalated to the supervisors; a major
/// one opens a `Crisis` at once.
#[pyclass(frozen, eq, module = "brandrail", name = "OpinionAlert")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyOpinionAlert(OpinionAlert);

#[pymethods]
impl PyOpinionAlert {
    /// Identifier.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// The mention that raised it (`MentionReport.mention_ids`).
    #[getter]
    fn mention_id(&self) -> i64 {
        self.0.mention_id
    }

    /// The mention's platform.
    #[getter]
    fn platform(&self) -> &str {
        &self.0.platform
    }

    /// 'normal', 'sensitive' or 'major' (one of `brandrail.ALERT_SEVERITIES`).
    #[getter]
    fn severity(&self) -> &'static str {
        self.0.severity.as_str()
    }

    /// The configured words that matched, as the policy writes them (brand
    /// names and keywords; '差评' for '差 评') (a copy).
    #[getter]
    fn keywords(&self) -> Vec<String> {
        self.0.keywords.clone()
    }

    /// Whether it was escalated to the supervisors (sensitive and major).
    #[getter]
    fn escalated(&self) -> bool {
        self.0.escalated
    }

    /// The crisis case it belongs to, or None.
    #[getter]
    fn crisis_id(&self) -> Option<i64> {
        self.0.crisis_id
    }

    /// 'open' or 'handled'.
    #[getter]
    fn state(&self) -> &str {
        &self.0.state
    }

    /// Raised (UTC).
    #[getter]
    fn raised_at(&self) -> DateTime<Utc> {
        self.0.raised_at
    }

    /// Handled (UTC), or None.
    #[getter]
    fn handled_at(&self) -> Option<DateTime<Utc>> {
        self.0.handled_at
    }

    /// Handle of the principal who handled it, or None.
    #[getter]
    fn handled_by(&self) -> Option<&str> {
        self.0.handled_by.as_deref()
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("mention_id", self.mention_id())?;
        d.set_item("platform", self.platform())?;
        d.set_item("severity", self.severity())?;
        d.set_item("keywords", self.keywords())?;
        d.set_item("escalated", self.escalated())?;
        d.set_item("crisis_id", self.crisis_id())?;
        d.set_item("state", self.state())?;
        d.set_item("raised_at", self.raised_at())?;
        d.set_item("handled_at", self.handled_at())?;
        d.set_item("handled_by", self.handled_by())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "id",
            "platform",
            "severity",
            "keywords",
            "escalated",
            "crisis_id",
            "state",
        ];
        repr("OpinionAlert", &self.to_dict(py)?, &keys)
    }
}

fn alerts(list: Vec<OpinionAlert>) -> Vec<PyOpinionAlert> {
    list.into_iter().map(PyOpinionAlert).collect()
}

/// What `Engine.record_mentions` did: counts, the mention each row became,
/// the alerts raised, the crisis cases opened and the refused rows.
#[pyclass(frozen, eq, module = "brandrail", name = "MentionReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyMentionReport(MentionReport);

#[pymethods]
impl PyMentionReport {
    /// Rows given.
    #[getter]
    fn rows(&self) -> usize {
        self.0.rows
    }

    /// Mentions recorded.
    #[getter]
    fn recorded(&self) -> usize {
        self.0.recorded
    }

    /// For every row, in input order, the id of the mention recorded, or
    /// None when it was refused (a copy).
    #[getter]
    fn mention_ids(&self) -> Vec<Option<i64>> {
        self.0.mention_ids.clone()
    }

    /// The `OpinionAlert`s raised, in row order (a copy).
    #[getter]
    fn alerts(&self) -> Vec<PyOpinionAlert> {
        alerts(self.0.alerts.clone())
    }

    /// Ids of the crisis cases major alerts opened.
    #[getter]
    fn crises_opened(&self) -> Vec<i64> {
        self.0.crises_opened.clone()
    }

    /// The refused rows, in row order.
    #[getter]
    fn errors(&self) -> Vec<PyRowError> {
        self.0.errors.iter().cloned().map(PyRowError).collect()
    }

    /// The fields as plain dicts and lists: `alerts` and `errors` are lists
    /// of their `to_dict()`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rows", self.rows())?;
        d.set_item("recorded", self.recorded())?;
        d.set_item("mention_ids", self.mention_ids())?;
        let alerts = self
            .alerts()
            .iter()
            .map(|a| a.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("alerts", alerts)?;
        d.set_item("crises_opened", self.crises_opened())?;
        let errors = self
            .errors()
            .iter()
            .map(|e| e.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("errors", errors)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        d.set_item("alerts", self.0.alerts.len())?;
        d.set_item("errors", self.0.errors.len())?;
        let keys = ["rows", "recorded", "alerts", "crises_opened", "errors"];
        repr("MentionReport", &d, &keys)
    }
}

/// A crisis case (CRM-10): its kind's response template, the department that
/// leads and the one that reviews, and a first-response deadline
/// (`crm.crisis.first_response_hours`, 2 h).
#[pyclass(frozen, eq, module = "brandrail", name = "Crisis")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyCrisis(Crisis);

#[pymethods]
impl PyCrisis {
    /// Identifier.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// Kind: a key of the policy's `crm.crisis.kinds` ('product_quality',
    /// 'data_leak', 'general').
    #[getter]
    fn kind(&self) -> &str {
        &self.0.kind
    }

    /// What happened.
    #[getter]
    fn summary(&self) -> &str {
        &self.0.summary
    }

    /// The department leading the response (one of `brandrail.DEPARTMENTS`).
    #[getter]
    fn lead_department(&self) -> &'static str {
        self.0.lead_department.as_str()
    }

    /// The department reviewing it (one of `brandrail.DEPARTMENTS`).
    #[getter]
    fn review_department(&self) -> &'static str {
        self.0.review_department.as_str()
    }

    /// The kind's response template (话术模板).
    #[getter]
    fn template(&self) -> &str {
        &self.0.template
    }

    /// Opened (UTC).
    #[getter]
    fn opened_at(&self) -> DateTime<Utc> {
        self.0.opened_at
    }

    /// Handle of the principal who opened it, or 'auto' when a major alert
    /// did.
    #[getter]
    fn opened_by(&self) -> &str {
        &self.0.opened_by
    }

    /// When the first response is due (UTC).
    #[getter]
    fn first_response_due(&self) -> DateTime<Utc> {
        self.0.first_response_due
    }

    /// The first response (UTC), or None.
    #[getter]
    fn first_response_at(&self) -> Option<DateTime<Utc>> {
        self.0.first_response_at
    }

    /// The statement given (the latest), or None.
    #[getter]
    fn statement(&self) -> Option<&str> {
        self.0.statement.as_deref()
    }

    /// Whether the first response came by the deadline; None while none came.
    #[getter]
    fn within_deadline(&self) -> Option<bool> {
        self.0.within_deadline
    }

    /// Closed (UTC), or None.
    #[getter]
    fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.0.closed_at
    }

    /// Ids of its alerts.
    #[getter]
    fn alert_ids(&self) -> Vec<i64> {
        self.0.alert_ids.clone()
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("kind", self.kind())?;
        d.set_item("summary", self.summary())?;
        d.set_item("lead_department", self.lead_department())?;
        d.set_item("review_department", self.review_department())?;
        d.set_item("template", self.template())?;
        d.set_item("opened_at", self.opened_at())?;
        d.set_item("opened_by", self.opened_by())?;
        d.set_item("first_response_due", self.first_response_due())?;
        d.set_item("first_response_at", self.first_response_at())?;
        d.set_item("statement", self.statement())?;
        d.set_item("within_deadline", self.within_deadline())?;
        d.set_item("closed_at", self.closed_at())?;
        d.set_item("alert_ids", self.alert_ids())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "id",
            "kind",
            "lead_department",
            "review_department",
            "opened_by",
            "within_deadline",
            "alert_ids",
        ];
        repr("Crisis", &self.to_dict(py)?, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// Record a batch of mentions and raise alerts (CRM-10; needs
    /// 'opinion.handle' and a `secret_key`: author and text are sealed at
    /// rest).
    ///
    /// `mentions` is any iterable (at most `MAX_MENTIONS`) of `NewMention`s
    /// or dicts with the keys `platform`, `author`, `text` and `at`
    /// (required), `url` and `reach` (optional). The shapes are checked
    /// first: a row that is not a NewMention or a dict, an unknown or missing
    /// key, or a value of the wrong type raises TypeError naming it
    /// ('mentions[3].reach'), a naive `at` ValidationError, and nothing is
    /// written.
    ///
    /// Then the batch is recorded in one transaction with the GIL released.
    /// A bad row does not raise: it is in the report's `errors` (code
    /// 'validation': a platform that is not an identifier, an empty or bad
    /// author or text, a time more than a day ahead, a link that is not
    /// http(s), a reach that is negative or too large) and changes nothing,
    /// while the good rows land. A mention naming the brand
    /// (`content.brand_names`, canonical or misspelt; every mention when the
    /// policy names none) with an alert keyword (`crm.opinion_alert_keywords`)
    /// raises an alert: 'major' with a `crm.opinion.major_keywords` word or a
    /// reach of `crm.opinion.major_reach`, else 'sensitive' with a
    /// `crm.opinion.sensitive_keywords` word, else 'normal'. Returns a
    /// `MentionReport`.
    fn record_mentions(
        &self,
        py: Python<'_>,
        actor: String,
        mentions: &Bound<'_, PyAny>,
    ) -> PyResult<PyMentionReport> {
        let (rows, refused) = mentions_arg(mentions)?;
        let mut report = self.call(py, move |e| e.record_mentions(&actor, &rows))?;
        with_ours(&mut report.errors, refused);
        Ok(PyMentionReport(report))
    }

    /// The `OpinionAlert`s, newest first; only the open ones when
    /// `open_only` (needs 'opinion.handle').
    #[pyo3(signature = (actor, open_only = false))]
    fn opinion_alerts(
        &self,
        py: Python<'_>,
        actor: String,
        open_only: bool,
    ) -> PyResult<Vec<PyOpinionAlert>> {
        self.call(py, |e| e.opinion_alerts(&actor, open_only))
            .map(alerts)
    }

    /// The open alerts escalated to the supervisors (sensitive and major),
    /// newest first (needs 'supervision.record', which supervisors hold).
    fn escalated_alerts(&self, py: Python<'_>, actor: String) -> PyResult<Vec<PyOpinionAlert>> {
        self.call(py, |e| e.escalated_alerts(&actor)).map(alerts)
    }

    /// Mark alert `id` handled (needs 'opinion.handle'; audited). Returns the
    /// `OpinionAlert`. ConflictError when handled already; NotFoundError for
    /// an unknown id.
    fn handle_alert(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyOpinionAlert> {
        self.call(py, |e| e.handle_alert(&actor, id))
            .map(PyOpinionAlert)
    }

    /// Open a crisis case by hand for `alert_ids` (an iterable of 1 to 1000
    /// alert ids) with a `summary` (display text; needs 'opinion.handle' and
    /// a `secret_key`; audited). Its kind is the first of `crm.crisis.kinds`
    /// whose keywords the alerts' mentions have, else
    /// `crm.crisis.default_kind`; its deadline runs from now. Returns the
    /// `Crisis`. ValidationError for no or too many alerts (field
    /// 'alert_ids') or a bad summary; NotFoundError for an unknown alert;
    /// ConflictError for an alert already in a crisis.
    fn open_crisis(
        &self,
        py: Python<'_>,
        actor: String,
        alert_ids: &Bound<'_, PyAny>,
        summary: String,
    ) -> PyResult<PyCrisis> {
        let alert_ids = ids(alert_ids, "alert_ids")?;
        self.call(py, |e| e.open_crisis(&actor, &alert_ids, &summary))
            .map(PyCrisis)
    }

    /// Give crisis `id` its response `statement` (needs 'opinion.handle';
    /// audited): the first one stops the clock, later ones replace it. The
    /// statement must pass the compliance checker: a blocking finding raises
    /// PolicyViolationError (rule 'CON-3') and changes nothing. Returns the
    /// `Crisis`. ValidationError for an empty statement; ConflictError on a
    /// closed crisis; NotFoundError for an unknown id.
    fn respond_crisis(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        statement: String,
    ) -> PyResult<PyCrisis> {
        self.call(py, |e| e.respond_crisis(&actor, id, &statement))
            .map(PyCrisis)
    }

    /// Close crisis `id` (needs 'opinion.handle'; audited). Returns the
    /// `Crisis`. ConflictError before its first response or when closed
    /// already; NotFoundError for an unknown id.
    fn close_crisis(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyCrisis> {
        self.call(py, |e| e.close_crisis(&actor, id)).map(PyCrisis)
    }

    /// The crisis cases, newest first; only those without a first response
    /// past their deadline when `overdue_only` (needs 'opinion.handle').
    #[pyo3(signature = (actor, overdue_only = false))]
    fn crises(&self, py: Python<'_>, actor: String, overdue_only: bool) -> PyResult<Vec<PyCrisis>> {
        let all = self.call(py, |e| e.crises(&actor, overdue_only))?;
        Ok(all.into_iter().map(PyCrisis).collect())
    }
}

/// Add the classes, the value set and the batch limit of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyNewMention>()?;
    m.add_class::<PyOpinionAlert>()?;
    m.add_class::<PyMentionReport>()?;
    m.add_class::<PyCrisis>()?;
    m.add(
        "ALERT_SEVERITIES",
        PyTuple::new(py, AlertSeverity::ALL.iter().map(|s| s.as_str()))?,
    )?;
    m.add("MAX_MENTIONS", MAX_MENTIONS)?;
    Ok(())
}
