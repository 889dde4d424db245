//! Public-opinion watch (CRM-10): mentions from social platforms and forums
//! are checked for the brand (`content.brand_names`, canonical and wrong
//! spellings) together with an alert keyword (`crm.opinion_alert_keywords`:
//! 投诉, 差评, …) with the compliance checker's matcher, so spacing,
//! traditional characters and full-width tricks still match. Without brand
//! names in the policy every mention is taken to be about the brand (it was
//! collected by a brand search).
//!
//! An alert is `sensitive` with a word of `crm.opinion.sensitive_keywords`
//! and `major` with one of `crm.opinion.major_keywords` or a reach of at
//! least `crm.opinion.major_reach`; sensitive and major alerts are escalated
//! to the supervisors (audited), and a major one opens a crisis case at
//! once. A crisis gets the kind whose keywords the mention has (else
//! `crm.crisis.default_kind`), that kind's response template, lead and
//! review departments, and a first-response deadline of
//! `crm.crisis.first_response_hours` (2 h). The first response — a statement
//! checked by the compliance checker — stops the clock; crises past it
//! without one are reported overdue.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::RowError;
use crate::access::{Department, Permission, named_enum};
use crate::audit::Entry;
use crate::content::compliance::KeywordMatcher;
use crate::error::{Error, Result};
use crate::policy::Severity;
use crate::store::service::{self as sql, AlertRow, CrisisRow, MentionRow};
use crate::{Attempt, Ctx, Engine, store, validate};

/// Most mentions in one call.
pub const MAX_MENTIONS: usize = 100_000;

named_enum! {
    /// How serious an alert is.
    AlertSeverity, "alert severity" {
        /// Brand + an alert keyword.
        Normal => "normal",
        /// With a sensitive keyword: escalated to a supervisor.
        Sensitive => "sensitive",
        /// With a major keyword or a large reach: escalated, crisis opened.
        Major => "major",
    }
}

/// A mention to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMention {
    /// Where (`weibo`, `douyin`, `xiaohongshu`, `zhihu`, `tieba`, a forum; an
    /// identifier).
    pub platform: String,
    /// The author's handle there.
    pub author: String,
    /// What was said.
    pub text: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Link, if any (http or https).
    pub url: Option<String>,
    /// Followers or views, if known.
    pub reach: Option<u64>,
}

/// An alert raised by a mention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpinionAlert {
    /// Identifier.
    pub id: i64,
    /// The mention.
    pub mention_id: i64,
    /// Platform of the mention.
    pub platform: String,
    /// How serious.
    pub severity: AlertSeverity,
    /// The configured words that matched (brand names and keywords).
    pub keywords: Vec<String>,
    /// Escalated to the supervisors.
    pub escalated: bool,
    /// The crisis case it belongs to.
    pub crisis_id: Option<i64>,
    /// `open` or `handled`.
    pub state: String,
    /// Raised.
    pub raised_at: DateTime<Utc>,
    /// Handled, by whom.
    pub handled_at: Option<DateTime<Utc>>,
    /// Who handled it.
    pub handled_by: Option<String>,
}

/// What recording mentions did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MentionReport {
    /// Rows given.
    pub rows: usize,
    /// Mentions recorded.
    pub recorded: usize,
    /// For every row, the mention id (`None` when refused).
    pub mention_ids: Vec<Option<i64>>,
    /// Alerts raised.
    pub alerts: Vec<OpinionAlert>,
    /// Crisis cases opened by major alerts.
    pub crises_opened: Vec<i64>,
    /// Refused rows.
    pub errors: Vec<RowError>,
}

/// A crisis case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crisis {
    /// Identifier.
    pub id: i64,
    /// Kind (a key of `crm.crisis.kinds`).
    pub kind: String,
    /// What happened.
    pub summary: String,
    /// The department leading the response.
    pub lead_department: Department,
    /// The department reviewing it.
    pub review_department: Department,
    /// The response template of the kind.
    pub template: String,
    /// Opened.
    pub opened_at: DateTime<Utc>,
    /// By whom (`auto` when a major alert opened it).
    pub opened_by: String,
    /// First response due.
    pub first_response_due: DateTime<Utc>,
    /// First responded.
    pub first_response_at: Option<DateTime<Utc>>,
    /// The statement given.
    pub statement: Option<String>,
    /// Whether the first response came in time (`None` while none came).
    pub within_deadline: Option<bool>,
    /// Closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Its alerts.
    pub alert_ids: Vec<i64>,
}

const MENTION_CONTEXT: &str = "opinion.mention";

fn time(ms: i64) -> Result<DateTime<Utc>> {
    store::from_ms(ms)
}

fn alert_view(tx: &rusqlite::Transaction<'_>, a: AlertRow) -> Result<OpinionAlert> {
    let platform = sql::mention(tx, a.mention_id)?
        .map(|m| m.platform)
        .unwrap_or_default();
    Ok(OpinionAlert {
        id: a.id,
        mention_id: a.mention_id,
        platform,
        severity: a.severity.parse()?,
        keywords: serde_json::from_str(&a.keywords).map_err(|_| Error::Corrupt {
            message: "a stored alert is not valid".into(),
        })?,
        escalated: a.escalated,
        crisis_id: a.crisis_id,
        state: a.state,
        raised_at: time(a.raised_at)?,
        handled_at: a.handled_at.map(time).transpose()?,
        handled_by: a.handled_by,
    })
}

fn crisis_view(tx: &rusqlite::Transaction<'_>, c: CrisisRow) -> Result<Crisis> {
    Ok(Crisis {
        alert_ids: sql::crisis_alerts(tx, c.id)?,
        id: c.id,
        kind: c.kind,
        summary: c.summary,
        lead_department: c.lead_department.parse()?,
        review_department: c.review_department.parse()?,
        template: c.template,
        opened_at: time(c.opened_at)?,
        opened_by: c.opened_by,
        first_response_due: time(c.first_response_due)?,
        first_response_at: c.first_response_at.map(time).transpose()?,
        within_deadline: c.first_response_at.map(|a| a <= c.first_response_due),
        statement: c.statement,
        closed_at: c.closed_at.map(time).transpose()?,
    })
}

/// Open a crisis case of the kind `text` points at.
fn open_crisis_in(ctx: &Ctx<'_>, text: &str, summary: &str, by: &str) -> Result<i64> {
    let rules = &ctx.policy.crm.crisis;
    let kinds: Vec<(&String, &crate::policy::CrisisKind)> = rules.kinds.iter().collect();
    let m = KeywordMatcher::new(
        kinds
            .iter()
            .enumerate()
            .map(|(i, (_, k))| (i, k.keywords.as_slice())),
    )?;
    let kind_key = m
        .find(text)
        .iter()
        .map(|h| h.group)
        .min()
        .map_or(rules.default_kind.clone(), |i| kinds[i].0.clone());
    let kind = rules
        .kinds
        .get(&kind_key)
        .ok_or_else(|| Error::Configuration {
            message: format!("crisis kind {kind_key} is not in the policy"),
        })?;
    let now = store::to_ms(ctx.now);
    let due = ctx.now + Duration::hours(i64::from(rules.first_response_hours));
    let id = sql::insert_crisis(
        ctx.tx,
        &CrisisRow {
            id: 0,
            kind: kind_key.clone(),
            summary: summary.into(),
            lead_department: kind.lead_department.as_str().into(),
            review_department: kind.review_department.as_str().into(),
            template: kind.template.clone(),
            opened_at: now,
            opened_by: by.into(),
            first_response_due: store::to_ms(due),
            first_response_at: None,
            statement: None,
            closed_at: None,
        },
    )?;
    ctx.record(
        &Entry::applied(
            &ctx.actor.handle,
            "opinion.crisis",
            "crisis",
            &id.to_string(),
        )
        .with_detail(format!(
            "kind={kind_key} lead={} review={} opened_by={by}",
            kind.lead_department, kind.review_department
        )),
    )?;
    Ok(id)
}

impl Engine {
    /// Record mentions and raise alerts (CRM-10; needs `opinion.handle`).
    /// Bad rows are reported and change nothing while good rows land. Author
    /// and text are sealed with the host's key.
    pub fn record_mentions(&self, actor: &str, rows: &[NewMention]) -> Result<MentionReport> {
        let key = self.secret_key()?.clone();
        if rows.len() > MAX_MENTIONS {
            return Err(Error::validation(
                "mentions",
                format!("at most {MAX_MENTIONS} per call, got {}", rows.len()),
            ));
        }
        self.mutate(
            actor,
            Permission::OpinionHandle,
            Attempt::new("opinion.record", "mention", "batch"),
            |ctx| {
                let crm = &ctx.policy.crm;
                let brands: Vec<String> = ctx
                    .policy
                    .content
                    .brand_names
                    .iter()
                    .flat_map(|b| std::iter::once(b.canonical.clone()).chain(b.wrong.clone()))
                    .collect();
                const BRAND: usize = 0;
                const ALERT: usize = 1;
                const SENSITIVE: usize = 2;
                const MAJOR: usize = 3;
                let m = KeywordMatcher::new([
                    (BRAND, brands.as_slice()),
                    (MAJOR, crm.opinion.major_keywords.as_slice()),
                    (SENSITIVE, crm.opinion.sensitive_keywords.as_slice()),
                    (ALERT, crm.opinion_alert_keywords.as_slice()),
                ])?;
                let mut report = MentionReport {
                    rows: rows.len(),
                    recorded: 0,
                    mention_ids: Vec::with_capacity(rows.len()),
                    alerts: Vec::new(),
                    crises_opened: Vec::new(),
                    errors: Vec::new(),
                };
                let now = store::to_ms(ctx.now);
                for (row, r) in rows.iter().enumerate() {
                    let err = |field: &str, message: String| RowError {
                        row,
                        field: field.into(),
                        code: "validation".into(),
                        message,
                    };
                    let problem = validate::identifier("platform", &r.platform)
                        .err()
                        .map(|_| {
                            (
                                "platform",
                                "must be an identifier (a-z, 0-9, '.', '_', '-')".to_owned(),
                            )
                        })
                        .or_else(|| {
                            validate::display_text("author", &r.author)
                                .err()
                                .map(|e| ("author", e.into_message()))
                        })
                        .or_else(|| {
                            super::service::check_text("text", &r.text)
                                .err()
                                .map(|e| ("text", e.into_message()))
                        })
                        .or_else(|| {
                            (r.at > ctx.now + Duration::days(1))
                                .then(|| ("at", "lies more than a day ahead".to_owned()))
                        })
                        .or_else(|| {
                            r.url.as_deref().and_then(|u| {
                                let ok = (u.starts_with("https://") || u.starts_with("http://"))
                                    && u.len() <= 2048
                                    && !u.chars().any(|c| c.is_control() || c.is_whitespace());
                                (!ok).then(|| ("url", "must be an http(s) link".to_owned()))
                            })
                        })
                        .or_else(|| {
                            r.reach
                                .is_some_and(|n| i64::try_from(n).is_err())
                                .then(|| ("reach", "is too large".to_owned()))
                        });
                    if let Some((field, message)) = problem {
                        report.errors.push(err(field, message));
                        report.mention_ids.push(None);
                        continue;
                    }
                    let sealed = key.seal(
                        MENTION_CONTEXT,
                        &serde_json::to_vec(&(&r.author, &r.text)).map_err(|_| Error::Corrupt {
                            message: "a mention could not be encoded".into(),
                        })?,
                    )?;
                    let mention_id = sql::insert_mention(
                        ctx.tx,
                        &MentionRow {
                            platform: r.platform.clone(),
                            at: store::to_ms(r.at),
                            reach: r.reach.and_then(|n| i64::try_from(n).ok()),
                            url: r.url.clone(),
                            text_sealed: sealed,
                        },
                        now,
                    )?;
                    report.recorded += 1;
                    report.mention_ids.push(Some(mention_id));
                    let hits = m.find(&r.text);
                    let has = |g: usize| hits.iter().any(|h| h.group == g);
                    let about_brand = brands.is_empty() || has(BRAND);
                    if !about_brand || !(has(ALERT) || has(SENSITIVE) || has(MAJOR)) {
                        continue;
                    }
                    let severity =
                        if has(MAJOR) || r.reach.is_some_and(|n| n >= crm.opinion.major_reach) {
                            AlertSeverity::Major
                        } else if has(SENSITIVE) {
                            AlertSeverity::Sensitive
                        } else {
                            AlertSeverity::Normal
                        };
                    let mut words: Vec<String> = hits.iter().map(|h| h.keyword.clone()).collect();
                    words.dedup();
                    let crisis_id = if severity == AlertSeverity::Major {
                        let id = open_crisis_in(
                            ctx,
                            &r.text,
                            &format!("major alert on {} ({})", r.platform, words.join(", ")),
                            "auto",
                        )?;
                        report.crises_opened.push(id);
                        Some(id)
                    } else {
                        None
                    };
                    let escalated = severity != AlertSeverity::Normal;
                    let row = AlertRow {
                        id: 0,
                        mention_id,
                        severity: severity.as_str().into(),
                        keywords: serde_json::to_string(&words).unwrap_or_else(|_| "[]".into()),
                        escalated,
                        crisis_id,
                        state: "open".into(),
                        raised_at: now,
                        handled_at: None,
                        handled_by: None,
                    };
                    let id = sql::insert_alert(ctx.tx, &row)?;
                    ctx.record(
                        &Entry::applied(
                            &ctx.actor.handle,
                            "opinion.alert",
                            "alert",
                            &id.to_string(),
                        )
                        .with_detail(format!(
                            "severity={severity} platform={}{}",
                            r.platform,
                            if escalated {
                                " escalated_to=supervisor"
                            } else {
                                ""
                            }
                        )),
                    )?;
                    report
                        .alerts
                        .push(alert_view(ctx.tx, AlertRow { id, ..row })?);
                }
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "opinion.record", "mention", "batch")
                        .with_detail(format!(
                            "rows={} recorded={} alerts={} refused={}",
                            report.rows,
                            report.recorded,
                            report.alerts.len(),
                            report.errors.len()
                        )),
                )?;
                Ok(report)
            },
        )
    }

    /// Open alerts escalated to the supervisors (sensitive and major), newest
    /// first (needs `supervision.record`, which the supervisor role holds).
    pub fn escalated_alerts(&self, actor: &str) -> Result<Vec<OpinionAlert>> {
        self.mutate(
            actor,
            Permission::SupervisionRecord,
            Attempt::new("opinion.escalated", "alert", "*"),
            |ctx| {
                sql::alerts(ctx.tx, true)?
                    .into_iter()
                    .filter(|a| a.escalated)
                    .map(|a| alert_view(ctx.tx, a))
                    .collect()
            },
        )
    }

    /// Alerts, newest first; only open ones when `open_only` (needs
    /// `opinion.handle`).
    pub fn opinion_alerts(&self, actor: &str, open_only: bool) -> Result<Vec<OpinionAlert>> {
        self.mutate(
            actor,
            Permission::OpinionHandle,
            Attempt::new("opinion.alerts", "alert", "*"),
            |ctx| {
                sql::alerts(ctx.tx, open_only)?
                    .into_iter()
                    .map(|a| alert_view(ctx.tx, a))
                    .collect()
            },
        )
    }

    /// Mark an alert handled (needs `opinion.handle`).
    pub fn handle_alert(&self, actor: &str, id: i64) -> Result<OpinionAlert> {
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::OpinionHandle,
            Attempt::new("opinion.handle", "alert", &target),
            |ctx| {
                let mut a =
                    sql::alert(ctx.tx, id)?.ok_or_else(|| Error::not_found("alert", &target))?;
                if a.state == "handled" {
                    return Err(Error::conflict("alert", target.clone(), "is handled"));
                }
                a.state = "handled".into();
                a.handled_at = Some(store::to_ms(ctx.now));
                a.handled_by = Some(ctx.actor.handle.clone());
                sql::update_alert(ctx.tx, &a)?;
                ctx.record(&Entry::applied(
                    &ctx.actor.handle,
                    "opinion.handle",
                    "alert",
                    &target,
                ))?;
                alert_view(ctx.tx, a)
            },
        )
    }

    /// Open a crisis case for alerts by hand (needs `opinion.handle`): the
    /// kind comes from their mentions' words, the deadline from now.
    pub fn open_crisis(&self, actor: &str, alert_ids: &[i64], summary: &str) -> Result<Crisis> {
        let key = self.secret_key()?.clone();
        self.mutate(
            actor,
            Permission::OpinionHandle,
            Attempt::new("opinion.crisis", "crisis", "new"),
            |ctx| {
                validate::display_text("summary", summary)?;
                if alert_ids.is_empty() || alert_ids.len() > 1000 {
                    return Err(Error::validation("alert_ids", "1 to 1000 alerts"));
                }
                let mut alerts = Vec::new();
                let mut text = String::new();
                for &a in alert_ids {
                    let row = sql::alert(ctx.tx, a)?
                        .ok_or_else(|| Error::not_found("alert", a.to_string()))?;
                    if let Some(c) = row.crisis_id {
                        return Err(Error::conflict(
                            "alert",
                            a.to_string(),
                            format!("already belongs to crisis {c}"),
                        ));
                    }
                    let m =
                        sql::mention(ctx.tx, row.mention_id)?.ok_or_else(|| Error::Corrupt {
                            message: "an alert's mention is missing".into(),
                        })?;
                    let (_, t): (String, String) =
                        serde_json::from_slice(&key.open(MENTION_CONTEXT, &m.text_sealed)?)
                            .map_err(|_| Error::Corrupt {
                                message: "a stored mention is not valid".into(),
                            })?;
                    text.push_str(&t);
                    text.push('\n');
                    alerts.push(row);
                }
                let id = open_crisis_in(ctx, &text, summary, &ctx.actor.handle)?;
                for mut a in alerts {
                    a.crisis_id = Some(id);
                    sql::update_alert(ctx.tx, &a)?;
                }
                crisis_view(
                    ctx.tx,
                    sql::crisis(ctx.tx, id)?
                        .ok_or_else(|| Error::not_found("crisis", id.to_string()))?,
                )
            },
        )
    }

    /// Give a crisis its first response (needs `opinion.handle`): the
    /// statement must pass the compliance checker (no blocking finding;
    /// `policy_violation` CON-3 otherwise). Later statements replace it.
    pub fn respond_crisis(&self, actor: &str, id: i64, statement: &str) -> Result<Crisis> {
        let target = id.to_string();
        let scanner = self.scanner()?;
        self.mutate(
            actor,
            Permission::OpinionHandle,
            Attempt::new("opinion.respond", "crisis", &target),
            |ctx| {
                super::service::check_text("statement", statement)?;
                let blocking: Vec<String> = scanner
                    .check(statement)
                    .into_iter()
                    .filter(|f| f.severity == Severity::Block)
                    .map(|f| f.term)
                    .collect();
                if !blocking.is_empty() {
                    return Err(Error::PolicyViolation {
                        rule: "CON-3",
                        message: format!(
                            "the statement has blocking findings: {}",
                            blocking.join(", ")
                        ),
                    });
                }
                let mut c =
                    sql::crisis(ctx.tx, id)?.ok_or_else(|| Error::not_found("crisis", &target))?;
                if c.closed_at.is_some() {
                    return Err(Error::conflict("crisis", target.clone(), "is closed"));
                }
                c.first_response_at.get_or_insert(store::to_ms(ctx.now));
                c.statement = Some(statement.into());
                sql::update_crisis(ctx.tx, &c)?;
                ctx.record(&Entry::applied(
                    &ctx.actor.handle,
                    "opinion.respond",
                    "crisis",
                    &target,
                ))?;
                crisis_view(ctx.tx, c)
            },
        )
    }

    /// Close a crisis case (needs `opinion.handle`); it needs its first
    /// response.
    pub fn close_crisis(&self, actor: &str, id: i64) -> Result<Crisis> {
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::OpinionHandle,
            Attempt::new("opinion.close", "crisis", &target),
            |ctx| {
                let mut c =
                    sql::crisis(ctx.tx, id)?.ok_or_else(|| Error::not_found("crisis", &target))?;
                if c.first_response_at.is_none() {
                    return Err(Error::conflict(
                        "crisis",
                        target.clone(),
                        "has no response yet",
                    ));
                }
                if c.closed_at.is_some() {
                    return Err(Error::conflict("crisis", target.clone(), "is closed"));
                }
                c.closed_at = Some(store::to_ms(ctx.now));
                sql::update_crisis(ctx.tx, &c)?;
                ctx.record(&Entry::applied(
                    &ctx.actor.handle,
                    "opinion.close",
                    "crisis",
                    &target,
                ))?;
                crisis_view(ctx.tx, c)
            },
        )
    }

    /// Crisis cases, newest first; only those without a first response past
    /// their deadline when `overdue_only` (needs `opinion.handle`).
    pub fn crises(&self, actor: &str, overdue_only: bool) -> Result<Vec<Crisis>> {
        self.mutate(
            actor,
            Permission::OpinionHandle,
            Attempt::new("opinion.crises", "crisis", "*"),
            |ctx| {
                let now = store::to_ms(ctx.now);
                sql::crises(ctx.tx)?
                    .into_iter()
                    .filter(|c| {
                        !overdue_only
                            || (c.first_response_at.is_none() && c.first_response_due < now)
                    })
                    .map(|c| crisis_view(ctx.tx, c))
                    .collect()
            },
        )
    }
}
