//! Public-opinion watch (CRM-10): mentions from social platforms and forums
//! recorded in batches with a per-row report, as interactions are
//! (`recordMentions`, `recordMentionsAsync`); the alerts they raise when they
//! name the brand (`content.brand_names`) with an alert keyword, escalated to
//! the supervisors when sensitive or major; crisis cases, opened at once by
//! a major alert or by hand, with their kind's response template, lead and
//! review departments and a first-response deadline
//! (`crm.crisis.first_response_hours`, 2 h); and the module-level
//! `alertSeverities`. The rules are core's (`docs/service.md`).
//!
//! As with interactions, a bad value in a row does not throw: core judges
//! every row and reports the refused ones. The values core has no
//! representation for are row errors too, reported by the binding in core's
//! place: an `Invalid Date` (field `'at'`) and a `reach` that is not a whole
//! number of 0 or more (field `'reach'`). Such a row goes to core as a
//! mention without a platform, which core refuses without touching anything
//! (its counts and audit record see every row), and its error is replaced by
//! the binding's.
//!
//! A JS value of the wrong type throws for the whole call, before anything
//! is recorded (synchronously even from `recordMentionsAsync`), with
//! napi-rs's code and the row in the message (`mentions[3]: …`).

use std::collections::BTreeMap;
use std::mem;

use brandrail::crm::{self, AlertSeverity};
use chrono::DateTime;
use napi::bindgen_prelude::{AsyncTask, FromNapiValue, TypeName, ValidateNapiValue};
use napi::{Env, Status, ValueType, sys};
use napi_derive::napi;

use super::{RowError, objects, with_ours};
use crate::convert::{Count, Date, all, number, read_array, whole};
use crate::engine::{Background, Engine};
use crate::error::{OrThrow, renamed};

/// One mention to record, a row of `recordMentions`.
#[napi(object, object_to_js = false)]
pub struct NewMention {
    /// Where (`'weibo'`, `'douyin'`, `'xiaohongshu'`, `'zhihu'`, `'tieba'`,
    /// a forum): 2–64 characters of `a-z 0-9 . _ -`, starting with a letter
    /// or digit.
    pub platform: String,
    /// The author's handle there: display text, 1–200 characters. Sealed at
    /// rest.
    pub author: String,
    /// What was said: up to 64 KiB, not blank, no control characters other
    /// than line breaks and tabs. Sealed at rest.
    pub text: String,
    /// When it was said; at most a day ahead of the engine's clock.
    pub at: Date,
    /// A link to it: `http://` or `https://`, at most 2048 characters, no
    /// spaces or control characters.
    pub url: Option<String>,
    /// Followers or views, when known: a whole number (a `BigInt` too). From
    /// `crm.opinion.major_reach` (100,000) on, an alert is major.
    #[napi(ts_type = "number | bigint")]
    pub reach: Option<Count>,
}

impl NewMention {
    /// The mention for core, or the row error of the first value core has
    /// no representation for (`row` is its index in the batch).
    fn into_core(self, row: usize) -> Result<crm::NewMention, crm::RowError> {
        let err = |field: &str, message: &str| crm::RowError {
            row,
            field: field.into(),
            code: "validation".into(),
            message: message.into(),
        };
        let at = self
            .at
            .to_utc("at")
            .map_err(|_| err("at", "is an Invalid Date or out of range"))?;
        let reach = self
            .reach
            .map(|r| r.to_u64("reach"))
            .transpose()
            .map_err(|_| err("reach", "is not a whole number of 0 or more"))?;
        Ok(crm::NewMention {
            platform: self.platform,
            author: self.author,
            text: self.text,
            at,
            url: self.url,
            reach,
        })
    }
}

/// The batch argument of `recordMentions`: a JS array of `NewMention`
/// objects, copied when called.
pub struct Mentions(Vec<NewMention>);

impl Mentions {
    /// Record the mentions with `engine`: a row the binding cannot convert
    /// goes to core as a mention without a platform, which core refuses
    /// without touching anything, and comes back with the binding's row
    /// error instead of core's.
    fn record(self, engine: &brandrail::Engine, actor: &str) -> brandrail::Result<MentionReport> {
        let mut rows = Vec::new();
        let mut ours = BTreeMap::new();
        for (row, m) in self.0.into_iter().enumerate() {
            rows.push(m.into_core(row).unwrap_or_else(|e| {
                ours.insert(row, e);
                crm::NewMention {
                    platform: String::new(),
                    author: String::new(),
                    text: String::new(),
                    at: DateTime::UNIX_EPOCH,
                    url: None,
                    reach: None,
                }
            }));
        }
        let mut report = engine.record_mentions(actor, &rows)?;
        if !ours.is_empty() {
            report.errors = with_ours(mem::take(&mut report.errors), ours);
            for e in &report.errors {
                if let Some(id) = report.mention_ids.get_mut(e.row) {
                    *id = None;
                }
            }
        }
        Ok(report.into())
    }
}

impl TypeName for Mentions {
    fn type_name() -> &'static str {
        "Array<NewMention>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Mentions {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `from_napi_value` checks the shape and names a bad element.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for Mentions {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        unsafe { objects(env, value, "mentions") }.map(Mentions)
    }
}

/// The alert ids of `openCrisis`: a JS array of numbers. Not an array throws
/// `'ArrayExpected'`; an element that is not a number (a hole included)
/// throws `'NumberExpected'` naming its index. Nothing is reserved from the
/// array's `length`, so a sparse `new Array(2 ** 32 - 1)` fails at its first
/// hole. Each number must be a safe integer (`'validation'`, field
/// `'alertIds[i]'`), checked when the call goes on.
pub struct AlertIds(Vec<f64>);

impl AlertIds {
    fn to_ids(&self) -> brandrail::Result<Vec<i64>> {
        self.0
            .iter()
            .enumerate()
            .map(|(i, n)| whole(&format!("alertIds[{i}]"), *n))
            .collect()
    }
}

impl TypeName for AlertIds {
    fn type_name() -> &'static str {
        "Array<number>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for AlertIds {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `from_napi_value` checks the shape and names a bad element.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for AlertIds {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        unsafe {
            read_array(
                env,
                value,
                "alertIds",
                ValueType::Number,
                Status::NumberExpected,
                "number",
            )
        }
        .map(AlertIds)
    }
}

/// An alert raised by a mention.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct OpinionAlert {
    /// Identifier.
    pub id: i64,
    /// The mention that raised it.
    pub mention_id: i64,
    /// The mention's platform.
    pub platform: String,
    /// How serious (see `alertSeverities()`): `'normal'` (the brand and an
    /// alert keyword), `'sensitive'` (a word of
    /// `crm.opinion.sensitive_keywords`), `'major'` (a word of
    /// `crm.opinion.major_keywords` or a reach from
    /// `crm.opinion.major_reach` on).
    #[napi(ts_type = "'normal' | 'sensitive' | 'major'")]
    pub severity: String,
    /// The configured words that matched (brand names and keywords, as the
    /// policy writes them), in the order found.
    pub keywords: Vec<String>,
    /// Escalated to the supervisors (sensitive and major alerts; audited).
    pub escalated: bool,
    /// The crisis case it belongs to, or `null`.
    pub crisis_id: Option<i64>,
    /// `'open'` or `'handled'`.
    #[napi(ts_type = "'open' | 'handled'")]
    pub state: String,
    /// Raised.
    pub raised_at: Date,
    /// When it was handled, or `null`.
    pub handled_at: Option<Date>,
    /// Handle of who handled it, or `null`.
    pub handled_by: Option<String>,
}

impl From<crm::OpinionAlert> for OpinionAlert {
    fn from(a: crm::OpinionAlert) -> Self {
        OpinionAlert {
            id: a.id,
            mention_id: a.mention_id,
            platform: a.platform,
            severity: a.severity.as_str().to_owned(),
            keywords: a.keywords,
            escalated: a.escalated,
            crisis_id: a.crisis_id,
            state: a.state,
            raised_at: a.raised_at.into(),
            handled_at: a.handled_at.map(Date::from),
            handled_by: a.handled_by,
        }
    }
}

/// What `recordMentions` did.
#[napi(object, object_from_js = false)]
pub struct MentionReport {
    /// Rows given.
    pub rows: f64,
    /// Mentions recorded.
    pub recorded: f64,
    /// For every row, in order, the id of the mention recorded, or `null`
    /// when the row was refused.
    #[napi(ts_type = "Array<number | null>")]
    pub mention_ids: Vec<Option<i64>>,
    /// The alerts raised, in row order.
    pub alerts: Vec<OpinionAlert>,
    /// Ids of the crisis cases opened by major alerts.
    pub crises_opened: Vec<i64>,
    /// The refused rows, in row order; each changed nothing. Fields:
    /// `'platform'`, `'author'`, `'text'`, `'at'` (an `Invalid Date`, or more
    /// than a day ahead), `'url'`, `'reach'`.
    pub errors: Vec<RowError>,
}

impl From<crm::MentionReport> for MentionReport {
    fn from(r: crm::MentionReport) -> Self {
        MentionReport {
            rows: number(r.rows as u64),
            recorded: number(r.recorded as u64),
            mention_ids: r.mention_ids,
            alerts: all(r.alerts),
            crises_opened: r.crises_opened,
            errors: all(r.errors),
        }
    }
}

/// A crisis case.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Crisis {
    /// Identifier.
    pub id: i64,
    /// Its kind, a key of `crm.crisis.kinds` (`'product_quality'`,
    /// `'data_leak'`, `'general'`): the first kind whose keywords its
    /// mentions have, else `crm.crisis.default_kind`.
    pub kind: String,
    /// What happened.
    pub summary: String,
    /// The department leading the response.
    pub lead_department: String,
    /// The department reviewing it.
    pub review_department: String,
    /// The kind's response template (话术模板).
    pub template: String,
    /// Opened.
    pub opened_at: Date,
    /// Handle of who opened it; `'auto'` when a major alert opened it.
    pub opened_by: String,
    /// First response due: `crm.crisis.first_response_hours` after it
    /// opened.
    pub first_response_due: Date,
    /// The first response, or `null` while none came.
    pub first_response_at: Option<Date>,
    /// The statement in force (the latest given), or `null`.
    pub statement: Option<String>,
    /// Whether the first response came by the deadline; `null` while none
    /// came.
    pub within_deadline: Option<bool>,
    /// When it was closed, or `null`.
    pub closed_at: Option<Date>,
    /// Its alerts.
    pub alert_ids: Vec<i64>,
}

impl From<crm::Crisis> for Crisis {
    fn from(c: crm::Crisis) -> Self {
        Crisis {
            id: c.id,
            kind: c.kind,
            summary: c.summary,
            lead_department: c.lead_department.as_str().to_owned(),
            review_department: c.review_department.as_str().to_owned(),
            template: c.template,
            opened_at: c.opened_at.into(),
            opened_by: c.opened_by,
            first_response_due: c.first_response_due.into(),
            first_response_at: c.first_response_at.map(Date::from),
            statement: c.statement,
            within_deadline: c.within_deadline,
            closed_at: c.closed_at.map(Date::from),
            alert_ids: c.alert_ids,
        }
    }
}

/// The names of the alert severities, least serious first: `'normal'`,
/// `'sensitive'`, `'major'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(
    strict,
    catch_unwind,
    ts_return_type = "Array<OpinionAlert['severity']>"
)]
pub fn alert_severities() -> Vec<&'static str> {
    AlertSeverity::ALL.iter().map(|s| s.as_str()).collect()
}

#[napi]
impl Engine {
    /// Record a batch of mentions in one transaction and raise their alerts
    /// (CRM-10; needs `opinion.handle` and the `secretKey`, else
    /// `'configuration'`; audited). A mention raises an alert when it names
    /// the brand (`content.brand_names`, canonical and wrong spellings; every
    /// mention when the policy names none) and an alert keyword, matched as
    /// the compliance checker matches (traditional characters, full-width
    /// forms, spaces inside a word). Sensitive and major alerts are
    /// escalated to the supervisors; a major one opens a crisis case at
    /// once. A bad row does not throw: it is reported in `errors` and changes
    /// nothing while the good rows land (see `MentionReport.errors` for the
    /// fields). At most 100,000 rows (`'validation'`, field `'mentions'`). A
    /// JS value of the wrong type anywhere in the batch throws for the whole
    /// call with napi-rs's code and the row in the message, nothing
    /// recorded.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, mentions: Array<NewMention>"
    )]
    pub fn record_mentions(
        &self,
        env: &Env,
        actor: String,
        mentions: Mentions,
    ) -> napi::Result<MentionReport> {
        mentions.record(&self.inner, &actor).or_throw(env)
    }

    /// `recordMentions` off the JS thread (on the libuv thread pool), for
    /// large batches. The rows are copied when called; a wrong JS type
    /// throws synchronously, before the promise exists. Engine errors reject
    /// the promise; bad rows do not, they are in the report's `errors`.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, mentions: Array<NewMention>",
        ts_return_type = "Promise<MentionReport>"
    )]
    pub fn record_mentions_async(
        &self,
        actor: String,
        mentions: Mentions,
    ) -> AsyncTask<Background<MentionReport>> {
        AsyncTask::new(self.background(move |engine| mentions.record(engine, &actor)))
    }

    /// The alerts, newest first; only the open ones when `openOnly` (needs
    /// `opinion.handle`).
    #[napi(strict, catch_unwind)]
    pub fn opinion_alerts(
        &self,
        env: &Env,
        actor: String,
        open_only: Option<bool>,
    ) -> napi::Result<Vec<OpinionAlert>> {
        self.inner
            .opinion_alerts(&actor, open_only.unwrap_or(false))
            .map(all)
            .or_throw(env)
    }

    /// The open alerts escalated to the supervisors (sensitive and major),
    /// newest first (needs `supervision.record`, which the supervisor role
    /// holds).
    #[napi(strict, catch_unwind)]
    pub fn escalated_alerts(&self, env: &Env, actor: String) -> napi::Result<Vec<OpinionAlert>> {
        self.inner.escalated_alerts(&actor).map(all).or_throw(env)
    }

    /// Mark alert `id` handled (needs `opinion.handle`; audited). Throws
    /// `'conflict'` for an alert already handled and `'not_found'` (entity
    /// `'alert'`) for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn handle_alert(&self, env: &Env, actor: String, id: f64) -> napi::Result<OpinionAlert> {
        whole("id", id)
            .and_then(|id| self.inner.handle_alert(&actor, id))
            .map(OpinionAlert::from)
            .or_throw(env)
    }

    /// Open a crisis case for alerts by hand (needs `opinion.handle` and the
    /// `secretKey`; audited): its kind comes from the words of their
    /// mentions, its deadline from now. Throws `'validation'` for 0 or more
    /// than 1000 alerts (field `'alertIds'`), an id that is not a safe
    /// integer (`'alertIds[i]'`) and a bad `summary` (display text, 1–200
    /// characters); `'not_found'` (entity `'alert'`) for an unknown alert and
    /// `'conflict'` for one that already belongs to a crisis.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, alertIds: Array<number>, summary: string"
    )]
    pub fn open_crisis(
        &self,
        env: &Env,
        actor: String,
        alert_ids: AlertIds,
        summary: String,
    ) -> napi::Result<Crisis> {
        alert_ids
            .to_ids()
            .and_then(|ids| {
                self.inner
                    .open_crisis(&actor, &ids, &summary)
                    .map_err(|e| renamed("alert_ids", "alertIds", e))
            })
            .map(Crisis::from)
            .or_throw(env)
    }

    /// Give crisis `id` its statement (needs `opinion.handle`; audited): the
    /// first one stops the deadline; later ones replace it. The statement is
    /// checked by the compliance checker: a blocking finding (an
    /// Advertising-Law term) throws `'policy_violation'` (rule `'CON-3'`),
    /// recording nothing. Throws `'validation'` (field `'statement'`) for a
    /// blank statement or one with control characters, `'conflict'` for a
    /// closed crisis and `'not_found'` (entity `'crisis'`) for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn respond_crisis(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        statement: String,
    ) -> napi::Result<Crisis> {
        whole("id", id)
            .and_then(|id| self.inner.respond_crisis(&actor, id, &statement))
            .map(Crisis::from)
            .or_throw(env)
    }

    /// Close crisis `id` (needs `opinion.handle`; audited). Throws
    /// `'conflict'` for a crisis without a first response or already closed,
    /// `'not_found'` for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn close_crisis(&self, env: &Env, actor: String, id: f64) -> napi::Result<Crisis> {
        whole("id", id)
            .and_then(|id| self.inner.close_crisis(&actor, id))
            .map(Crisis::from)
            .or_throw(env)
    }

    /// The crisis cases, newest first; only those without a first response
    /// past their deadline now when `overdueOnly` (needs `opinion.handle`).
    #[napi(strict, catch_unwind)]
    pub fn crises(
        &self,
        env: &Env,
        actor: String,
        overdue_only: Option<bool>,
    ) -> napi::Result<Vec<Crisis>> {
        self.inner
            .crises(&actor, overdue_only.unwrap_or(false))
            .map(all)
            .or_throw(env)
    }
}
