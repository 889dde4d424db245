//! Public-opinion watch (CRM-10): mentions from social platforms and forums
//! are checked for the brand (`content.brand_names`, canonical and wrong
//! spellings) together with an alert word (`crm.opinion_alert_keywords`:
//! 投诉, 差评, …) with the compliance checker's matcher, so spacing,
//! traditional characters and full-width tricks still match. Without brand
//! names in the policy every mention counts as about the brand.
//!
//! An alert is `major` with a word of `crm.opinion.major_keywords` or a reach
//! of at least `crm.opinion.major_reach`, else `sensitive` with a word of
//! `crm.opinion.sensitive_keywords`, else `normal`. Sensitive and major alerts
//! are escalated to the supervisors (`escalatedAlerts`); a major one opens a
//! crisis case at once, of the kind its words point at, with that kind's
//! response template, lead and review departments and a first-response
//! deadline of `crm.crisis.first_response_hours` (2 h). The statement given
//! must pass the compliance checker.
//!
//! Authors and texts are sealed with the engine's secret key: recording
//! mentions and opening a crisis by hand need it (`Configuration` without).

use std::time::SystemTime;

use brandrail::crm as core;

use super::{RowError, count};
use crate::access::Department;
use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time, system_time_opt, utc};

mirror_enum! {
    /// How serious an opinion alert is (CRM-10).
    AlertSeverity => brandrail::crm::AlertSeverity {
        /// `normal`: the brand and an alert word.
        Normal,
        /// `sensitive`: with a sensitive word; escalated to the supervisors.
        Sensitive,
        /// `major`: with a major word or a large reach; escalated, and a
        /// crisis case opened.
        Major,
    }
    /// The alert severity with this stable name (e.g. `major`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_alert_severity;
}

/// The most mentions `recordMentions` takes in one call (100 000).
#[uniffi::export]
pub fn max_mentions() -> u64 {
    count(core::MAX_MENTIONS)
}

/// One mention to record with `recordMentions`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewMention {
    /// Where (`weibo`, `douyin`, `xiaohongshu`, `zhihu`, `tieba`, a forum; an
    /// identifier: 2–64 of `[a-z0-9._-]`). Anything else is a row error
    /// (field `platform`).
    pub platform: String,
    /// The author's handle there (display text, 1–200 characters; field
    /// `author`).
    pub author: String,
    /// What was said (1 byte to 64 KiB, no control characters but line breaks
    /// and tabs; field `text`).
    pub text: String,
    /// When; more than a day ahead of the engine's clock is a row error
    /// (field `at`).
    pub at: SystemTime,
    /// Link, if any: an `http://` or `https://` URL of at most 2048 bytes
    /// without spaces or control characters (field `url`). Default none.
    #[uniffi(default)]
    pub url: Option<String>,
    /// Followers or views, if known (at most 2^63 − 1; field `reach`).
    /// Default none.
    #[uniffi(default)]
    pub reach: Option<u64>,
}

impl NewMention {
    /// The core row; `index` is its position, for the error's field path
    /// should its time lie outside the range the core represents.
    fn into_core(self, index: usize) -> Result<core::NewMention, BrandrailError> {
        Ok(core::NewMention {
            at: utc(&format!("mentions[{index}].at"), self.at)?,
            platform: self.platform,
            author: self.author,
            text: self.text,
            url: self.url,
            reach: self.reach,
        })
    }
}

/// An alert raised by a mention.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OpinionAlert {
    /// Identifier.
    pub id: i64,
    /// The mention that raised it.
    pub mention_id: i64,
    /// Platform of the mention.
    pub platform: String,
    /// How serious.
    pub severity: AlertSeverity,
    /// The configured words that matched (brand names and keywords, as the
    /// policy writes them).
    pub keywords: Vec<String>,
    /// Escalated to the supervisors (sensitive and major alerts).
    pub escalated: bool,
    /// The crisis case it belongs to, if any.
    pub crisis_id: Option<i64>,
    /// `open` or `handled`.
    pub state: String,
    /// Raised.
    pub raised_at: SystemTime,
    /// Handled.
    pub handled_at: Option<SystemTime>,
    /// Who handled it.
    pub handled_by: Option<String>,
}

impl From<core::OpinionAlert> for OpinionAlert {
    fn from(a: core::OpinionAlert) -> Self {
        Self {
            id: a.id,
            mention_id: a.mention_id,
            platform: a.platform,
            severity: a.severity.into(),
            keywords: a.keywords,
            escalated: a.escalated,
            crisis_id: a.crisis_id,
            state: a.state,
            raised_at: system_time(a.raised_at),
            handled_at: system_time_opt(a.handled_at),
            handled_by: a.handled_by,
        }
    }
}

/// What `recordMentions` did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MentionReport {
    /// Rows given.
    pub rows: u64,
    /// Mentions recorded.
    pub recorded: u64,
    /// For every row, in order, the mention's id; `nil`/`null` when the row
    /// was refused.
    pub mention_ids: Vec<Option<i64>>,
    /// The alerts raised, in row order.
    pub alerts: Vec<OpinionAlert>,
    /// The crisis cases the major alerts opened.
    pub crises_opened: Vec<i64>,
    /// The refused rows, in row order (code `validation`; field `platform`,
    /// `author`, `text`, `at`, `url` or `reach`); each changed nothing.
    pub errors: Vec<RowError>,
}

impl From<core::MentionReport> for MentionReport {
    fn from(r: core::MentionReport) -> Self {
        Self {
            rows: count(r.rows),
            recorded: count(r.recorded),
            mention_ids: r.mention_ids,
            alerts: all(r.alerts),
            crises_opened: r.crises_opened,
            errors: all(r.errors),
        }
    }
}

/// A crisis case.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Crisis {
    /// Identifier.
    pub id: i64,
    /// Kind: a key of `crm.crisis.kinds` (`product_quality`, `data_leak`,
    /// `general`).
    pub kind: String,
    /// What happened.
    pub summary: String,
    /// The department leading the response (marketing).
    pub lead_department: Department,
    /// The department reviewing it (legal).
    pub review_department: Department,
    /// The kind's response template (话术模板).
    pub template: String,
    /// Opened.
    pub opened_at: SystemTime,
    /// By whom (`auto` when a major alert opened it).
    pub opened_by: String,
    /// First response due: `crm.crisis.first_response_hours` after opening.
    pub first_response_due: SystemTime,
    /// First responded.
    pub first_response_at: Option<SystemTime>,
    /// The statement given (the latest).
    pub statement: Option<String>,
    /// Whether the first response came by the deadline; `nil`/`null` while
    /// none came.
    pub within_deadline: Option<bool>,
    /// Closed.
    pub closed_at: Option<SystemTime>,
    /// Its alerts.
    pub alert_ids: Vec<i64>,
}

impl From<core::Crisis> for Crisis {
    fn from(c: core::Crisis) -> Self {
        Self {
            id: c.id,
            kind: c.kind,
            summary: c.summary,
            lead_department: c.lead_department.into(),
            review_department: c.review_department.into(),
            template: c.template,
            opened_at: system_time(c.opened_at),
            opened_by: c.opened_by,
            first_response_due: system_time(c.first_response_due),
            first_response_at: system_time_opt(c.first_response_at),
            statement: c.statement,
            within_deadline: c.within_deadline,
            closed_at: system_time_opt(c.closed_at),
            alert_ids: c.alert_ids,
        }
    }
}

/// The core rows of `mentions`.
fn rows(mentions: Vec<NewMention>) -> Result<Vec<core::NewMention>, BrandrailError> {
    mentions
        .into_iter()
        .enumerate()
        .map(|(index, row)| row.into_core(index))
        .collect()
}

/// Record `rows` on `engine` and convert the report.
fn record(
    engine: &brandrail::Engine,
    actor: &str,
    rows: &[core::NewMention],
) -> Result<MentionReport, BrandrailError> {
    Ok(engine.record_mentions(actor, rows)?.into())
}

#[uniffi::export]
impl Engine {
    /// Record a batch of mentions and raise their alerts (CRM-10; needs
    /// `opinion.handle`, held by PR, and the secret key), all in one
    /// transaction. A bad row — platform not an identifier, author not
    /// display text, text empty or with control characters, a time more
    /// than a day ahead, a link that is not http(s) — is reported in the
    /// report's `errors` and changes nothing, while the good rows land. Each
    /// alert is audited (`opinion.alert`, with `escalated_to=supervisor` for
    /// sensitive and major ones), as is each crisis a major alert opens.
    /// Throws only for the whole call: `Configuration` without the key,
    /// `PermissionDenied` (audited), `Validation` (field `mentions`) over
    /// `maxMentions()` rows, or naming `mentions[i].at` for a time the engine
    /// cannot represent.
    pub fn record_mentions(
        &self,
        actor: &str,
        mentions: Vec<NewMention>,
    ) -> Result<MentionReport, BrandrailError> {
        record(self.core(), actor, &rows(mentions)?)
    }

    /// `recordMentions` on a worker thread: awaiting it never blocks the
    /// caller's thread, however large the batch.
    pub async fn record_mentions_async(
        &self,
        actor: String,
        mentions: Vec<NewMention>,
    ) -> Result<MentionReport, BrandrailError> {
        let rows = rows(mentions)?;
        self.in_background(move |engine| record(engine, &actor, &rows))
            .await
    }

    /// Alerts, newest first; only the open ones when `openOnly` (needs
    /// `opinion.handle`).
    pub fn opinion_alerts(
        &self,
        actor: &str,
        open_only: bool,
    ) -> Result<Vec<OpinionAlert>, BrandrailError> {
        Ok(all(self.core().opinion_alerts(actor, open_only)?))
    }

    /// The open alerts escalated to the supervisors (sensitive and major),
    /// newest first (needs `supervision.record`, which supervisors hold).
    pub fn escalated_alerts(&self, actor: &str) -> Result<Vec<OpinionAlert>, BrandrailError> {
        Ok(all(self.core().escalated_alerts(actor)?))
    }

    /// Mark alert `id` handled (needs `opinion.handle`; audited). `Conflict`
    /// when it already is; `NotFound` for an unknown id.
    pub fn handle_alert(&self, actor: &str, id: i64) -> Result<OpinionAlert, BrandrailError> {
        Ok(self.core().handle_alert(actor, id)?.into())
    }

    /// Open a crisis case for alerts `alertIds` by hand (needs
    /// `opinion.handle` and the secret key; audited): the kind comes from
    /// their mentions' words (else `crm.crisis.default_kind`), the deadline
    /// from now. `Validation` naming `summary` (display text) or `alert_ids`
    /// (none, or over 1000); `NotFound` for an unknown alert; `Conflict` for
    /// one that already belongs to a crisis.
    pub fn open_crisis(
        &self,
        actor: &str,
        alert_ids: Vec<i64>,
        summary: &str,
    ) -> Result<Crisis, BrandrailError> {
        Ok(self.core().open_crisis(actor, &alert_ids, summary)?.into())
    }

    /// Give crisis `id` its statement (needs `opinion.handle`; audited): the
    /// first one stops the clock, later ones replace it. The statement must
    /// pass the compliance checker: a blocking finding (an absolute claim of
    /// the Advertising Law, …) is `PolicyViolation` (rule `CON-3`) and
    /// records nothing. `Validation` (field `statement`) for an empty text or
    /// one with control characters; `Conflict` on a closed crisis; `NotFound`
    /// for an unknown id.
    pub fn respond_crisis(
        &self,
        actor: &str,
        id: i64,
        statement: &str,
    ) -> Result<Crisis, BrandrailError> {
        Ok(self.core().respond_crisis(actor, id, statement)?.into())
    }

    /// Close crisis `id` (needs `opinion.handle`; audited). `Conflict` before
    /// its first response or when already closed; `NotFound` for an unknown
    /// id.
    pub fn close_crisis(&self, actor: &str, id: i64) -> Result<Crisis, BrandrailError> {
        Ok(self.core().close_crisis(actor, id)?.into())
    }

    /// Crisis cases, newest first; only those without a first response past
    /// their deadline when `overdueOnly` (needs `opinion.handle`).
    pub fn crises(&self, actor: &str, overdue_only: bool) -> Result<Vec<Crisis>, BrandrailError> {
        Ok(all(self.core().crises(actor, overdue_only)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_keep_the_cores_names() {
        for core in core::AlertSeverity::ALL {
            let mirrored = AlertSeverity::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::AlertSeverity::from(mirrored), *core);
            assert_eq!(parse_alert_severity(core.as_str()).unwrap(), mirrored);
        }
        assert_eq!(
            parse_alert_severity("critical").unwrap_err().code(),
            "validation"
        );
        assert_eq!(max_mentions(), 100_000);
    }

    #[test]
    fn mentions_cross_whole() {
        let row = NewMention {
            platform: "weibo".into(),
            author: "路人甲".into(),
            text: "澜朵 差评".into(),
            at: SystemTime::UNIX_EPOCH,
            url: Some("https://weibo.com/1".into()),
            reach: Some(500),
        };
        let core = row.into_core(0).unwrap();
        assert_eq!(core.platform, "weibo");
        assert_eq!(core.url.as_deref(), Some("https://weibo.com/1"));
        assert_eq!(core.reach, Some(500));
        assert_eq!(system_time(core.at), SystemTime::UNIX_EPOCH);
        let report = MentionReport::from(core::MentionReport {
            rows: 2,
            recorded: 1,
            mention_ids: vec![Some(1), None],
            alerts: vec![],
            crises_opened: vec![],
            errors: vec![brandrail::crm::RowError {
                row: 1,
                field: "platform".into(),
                code: "validation".into(),
                message: "m".into(),
            }],
        });
        assert_eq!((report.rows, report.recorded), (2, 1));
        assert_eq!(report.mention_ids, vec![Some(1), None]);
        assert_eq!(report.errors[0].field, "platform");
    }
}
