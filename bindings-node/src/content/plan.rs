//! The publishing plan, hot dates and quarterly themes (core's
//! `content::plan`, CON-7, CON-8): `publishingPlan`, `weekPlan`,
//! `quarterPlan`, `hotDates`, `themes` and `addTheme` on an engine, and the
//! module-level `weekOf`, `quarterOf` and `planIssueKinds`.
//!
//! Calendar days cross as `'YYYY-MM-DD'` strings, both ways; a malformed or
//! impossible day (`'2026-02-30'`, `'2026-1-5'`) throws `'validation'` naming
//! the argument. Plans cover whole local days in the policy's time zone.

use brandrail::content::PlanIssueKind;
use napi::Env;
use napi_derive::napi;

use super::severity;
use crate::convert::{Date, all, day, day_text, whole};
use crate::engine::Engine;
use crate::error::{JsField, OrThrow};

/// A range of calendar days, both ends included.
#[napi(object, object_from_js = false)]
pub struct DayRange {
    /// First day, `'YYYY-MM-DD'`.
    pub from: String,
    /// Last day (inclusive), `'YYYY-MM-DD'`.
    pub to: String,
}

impl From<(chrono::NaiveDate, chrono::NaiveDate)> for DayRange {
    fn from((from, to): (chrono::NaiveDate, chrono::NaiveDate)) -> Self {
        DayRange {
            from: day_text(from),
            to: day_text(to),
        }
    }
}

/// A hot date of the policy's calendar (`content.hot_dates`) falling on a
/// day.
#[napi(object, object_from_js = false)]
pub struct HotDate {
    /// The day, `'YYYY-MM-DD'`.
    pub date: String,
    /// Its name, e.g. `'双十一'`.
    pub name: String,
    /// Its kind: `'holiday'`, `'festival'`, `'shopping_festival'`, or a
    /// company's own (`'trade_show'`, …).
    pub kind: String,
}

impl From<brandrail::content::HotDateOn> for HotDate {
    fn from(h: brandrail::content::HotDateOn) -> Self {
        HotDate {
            date: day_text(h.date),
            name: h.name,
            kind: h.kind,
        }
    }
}

/// A quarterly theme (CON-8).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Theme {
    /// Identifier (a safe integer), for `NewContent.themeId`.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First day, `'YYYY-MM-DD'`.
    pub starts: String,
    /// Last day (inclusive), `'YYYY-MM-DD'`.
    pub ends: String,
    /// The hot date it is built around, by name, or `null`.
    pub hot_date: Option<String>,
    /// What it is about (possibly empty).
    pub description: String,
    /// Handle of who set it.
    pub created_by: String,
    /// When it was set.
    pub created_at: Date,
}

impl From<brandrail::content::Theme> for Theme {
    fn from(t: brandrail::content::Theme) -> Self {
        Theme {
            id: t.id,
            name: t.name,
            starts: day_text(t.starts),
            ends: day_text(t.ends),
            hot_date: t.hot_date,
            description: t.description,
            created_by: t.created_by,
            created_at: t.created_at.into(),
        }
    }
}

/// A theme to set, for `addTheme`.
#[napi(object, object_to_js = false)]
pub struct NewTheme {
    /// Name: 1–200 characters, no control or invisible characters.
    pub name: String,
    /// First day, `'YYYY-MM-DD'`.
    pub starts: String,
    /// Last day (inclusive), `'YYYY-MM-DD'`: on or after `starts`, within a
    /// year of it.
    pub ends: String,
    /// A hot date of the policy's calendar, by name (`'双十一'`); an unknown
    /// one throws `'not_found'` (entity `'hot_date'`).
    pub hot_date: Option<String>,
    /// What it is about: at most 2000 characters, no control characters but
    /// newlines and tabs. Default empty.
    pub description: Option<String>,
}

impl NewTheme {
    fn into_core(self) -> brandrail::Result<brandrail::content::NewTheme> {
        Ok(brandrail::content::NewTheme {
            name: self.name,
            starts: day("starts", &self.starts)?,
            ends: day("ends", &self.ends)?,
            hot_date: self.hot_date,
            description: self.description.unwrap_or_default(),
        })
    }
}

/// One scheduled or published item in a plan.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PlanEntry {
    /// The item.
    pub item_id: i64,
    /// Its title.
    pub title: String,
    /// Its channel.
    pub channel: String,
    /// Its kind, e.g. `'short_video'`.
    pub kind: String,
    /// Its mix format, or `null`.
    pub format: Option<String>,
    /// User-generated.
    pub ugc: bool,
    /// `'scheduled'`, `'published'` or `'retrospective'`.
    pub state: String,
    /// When it goes (went) out.
    pub at: Date,
    /// Its local day in the policy's time zone, `'YYYY-MM-DD'`.
    pub local_date: String,
    /// Its local time, `'HH:MM'`.
    pub local_time: String,
    /// On one of the channel's preferred slots; `null` when the channel has
    /// none.
    pub on_slot: Option<bool>,
    /// Its theme, or `null`.
    pub theme_id: Option<i64>,
}

impl From<brandrail::content::PlanEntry> for PlanEntry {
    fn from(e: brandrail::content::PlanEntry) -> Self {
        PlanEntry {
            item_id: e.item_id,
            title: e.title,
            channel: e.channel,
            kind: e.kind.as_str().to_owned(),
            format: e.format,
            ugc: e.ugc,
            state: e.state.as_str().to_owned(),
            at: e.at.into(),
            local_date: day_text(e.local_date),
            local_time: e.local_time,
            on_slot: e.on_slot,
            theme_id: e.theme_id,
        }
    }
}

/// One thing a plan found.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PlanIssue {
    /// What kind (see `planIssueKinds()`).
    #[napi(
        ts_type = "'over_frequency' | 'missed_cadence' | 'ugc_shortfall' | 'mix_missing' | 'backlog' | 'slot_conflict' | 'off_slot' | 'hot_date_uncovered'"
    )]
    pub kind: String,
    /// `'block'` (over a cadence cap) or `'warn'`.
    #[napi(ts_type = "'block' | 'warn'")]
    pub severity: String,
    /// The channel concerned; empty when none (an uncovered hot date).
    pub channel: String,
    /// First day of the period concerned (or the day), `'YYYY-MM-DD'`, or
    /// `null` (backlog).
    pub period_start: Option<String>,
    /// The expected count (target, cap, UGC minimum, backlog days), or `null`.
    pub expected: Option<u32>,
    /// The actual count, or `null`.
    pub actual: Option<u32>,
    /// The items concerned.
    pub item_ids: Vec<i64>,
    /// What is wrong, in words.
    pub message: String,
}

impl From<brandrail::content::PlanIssue> for PlanIssue {
    fn from(i: brandrail::content::PlanIssue) -> Self {
        PlanIssue {
            kind: i.kind.as_str().to_owned(),
            severity: severity(i.severity).to_owned(),
            channel: i.channel,
            period_start: i.period_start.map(day_text),
            expected: i.expected,
            actual: i.actual,
            item_ids: i.item_ids,
            message: i.message,
        }
    }
}

/// A publishing plan over whole local days (CON-7, CON-8).
#[napi(object, object_from_js = false)]
pub struct PublishingPlan {
    /// First day, `'YYYY-MM-DD'`.
    pub from: String,
    /// Last day (inclusive), `'YYYY-MM-DD'`.
    pub to: String,
    /// The policy's time zone, e.g. `'Asia/Shanghai'`.
    pub time_zone: String,
    /// Scheduled and published items, by time.
    pub entries: Vec<PlanEntry>,
    /// What needs attention: per cadence rule and period (a day, or an ISO
    /// week lying wholly inside the range) missed targets, caps exceeded,
    /// UGC shortfalls and missing mix formats; slot conflicts, off-slot
    /// items, the backlog (as of now) and hot dates no theme covers.
    pub issues: Vec<PlanIssue>,
    /// Hot dates in the range.
    pub hot_dates: Vec<HotDate>,
    /// Themes overlapping the range.
    pub themes: Vec<Theme>,
}

impl From<brandrail::content::PublishingPlan> for PublishingPlan {
    fn from(p: brandrail::content::PublishingPlan) -> Self {
        PublishingPlan {
            from: day_text(p.from),
            to: day_text(p.to),
            time_zone: p.time_zone,
            entries: all(p.entries),
            issues: all(p.issues),
            hot_dates: all(p.hot_dates),
            themes: all(p.themes),
        }
    }
}

/// Monday and Sunday of the ISO week holding `date` (`'YYYY-MM-DD'`), as
/// `weekPlan` covers it.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind)]
pub fn week_of(env: &Env, date: String) -> napi::Result<DayRange> {
    day("date", &date)
        .map(|d| brandrail::content::week_of(d).into())
        .or_throw(env)
}

/// First and last day of quarter `quarter` (1–4) of `year`, as `quarterPlan`
/// covers it.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind)]
pub fn quarter_of(env: &Env, year: f64, quarter: f64) -> napi::Result<DayRange> {
    whole("year", year)
        .and_then(|y| Ok((y, whole("quarter", quarter)?)))
        .and_then(|(y, q)| brandrail::content::quarter(y, q))
        .map(DayRange::from)
        .or_throw(env)
}

/// The names of every kind of plan issue, in the order core declares them:
/// `'over_frequency'`, `'missed_cadence'`, … (for a legend or a tally).
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_return_type = "Array<PlanIssue['kind']>")]
pub fn plan_issue_kinds() -> Vec<&'static str> {
    PlanIssueKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[napi]
impl Engine {
    /// The publishing plan over local days `from`..`to` (both `'YYYY-MM-DD'`,
    /// inclusive, at most 400 days) in the policy's time zone (CON-7, CON-8).
    /// Throws `'validation'` (field `'to'`) for a range that ends before it
    /// starts or is too long. Reads only; needs no principal.
    #[napi(strict, catch_unwind)]
    pub fn publishing_plan(
        &self,
        env: &Env,
        from: String,
        to: String,
    ) -> napi::Result<PublishingPlan> {
        day("from", &from)
            .and_then(|f| Ok((f, day("to", &to)?)))
            .and_then(|(f, t)| self.inner.publishing_plan(f, t))
            .map(PublishingPlan::from)
            .or_throw(env)
    }

    /// The plan of the ISO week (Monday–Sunday) holding `date`
    /// (`'YYYY-MM-DD'`).
    #[napi(strict, catch_unwind)]
    pub fn week_plan(&self, env: &Env, date: String) -> napi::Result<PublishingPlan> {
        day("date", &date)
            .and_then(|d| self.inner.week_plan(d))
            .map(PublishingPlan::from)
            .or_throw(env)
    }

    /// The plan of quarter `quarter` (1–4) of `year`. Throws `'validation'`
    /// (field `'quarter'`) for a quarter outside 1–4.
    #[napi(strict, catch_unwind)]
    pub fn quarter_plan(&self, env: &Env, year: f64, quarter: f64) -> napi::Result<PublishingPlan> {
        whole("year", year)
            .and_then(|y| Ok((y, whole("quarter", quarter)?)))
            .and_then(|(y, q)| self.inner.quarter_plan(y, q))
            .map(PublishingPlan::from)
            .or_throw(env)
    }

    /// The hot dates of the policy's calendar on days `from`..`to` (both
    /// `'YYYY-MM-DD'`, inclusive, at most 400 days), by date (CON-8).
    #[napi(strict, catch_unwind)]
    pub fn hot_dates(&self, env: &Env, from: String, to: String) -> napi::Result<Vec<HotDate>> {
        day("from", &from)
            .and_then(|f| Ok((f, day("to", &to)?)))
            .and_then(|(f, t)| self.inner.hot_dates(f, t))
            .map(all)
            .or_throw(env)
    }

    /// The themes overlapping days `from`..`to` (both `'YYYY-MM-DD'`,
    /// inclusive, at most 400 days).
    #[napi(strict, catch_unwind)]
    pub fn themes(&self, env: &Env, from: String, to: String) -> napi::Result<Vec<Theme>> {
        day("from", &from)
            .and_then(|f| Ok((f, day("to", &to)?)))
            .and_then(|(f, t)| self.inner.themes(f, t))
            .map(all)
            .or_throw(env)
    }

    /// Set a quarterly theme (CON-8; needs `content.create`): at most a year
    /// long; its hot date, if named, must be one of the policy's calendar
    /// (else `'not_found'`, entity `'hot_date'`).
    #[napi(strict, catch_unwind)]
    pub fn add_theme(&self, env: &Env, actor: String, theme: NewTheme) -> napi::Result<Theme> {
        theme
            .into_core()
            .and_then(|t| self.inner.add_theme(&actor, t))
            .js_field()
            .map(Theme::from)
            .or_throw(env)
    }
}
