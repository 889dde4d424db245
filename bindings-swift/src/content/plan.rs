//! The publishing plan (CON-7) and quarterly themes on the hot-date calendar
//! (CON-8).
//!
//! A plan covers whole local days `[from, to]` (at most 400) in the policy's
//! time zone (`meta.time_zone`, `Asia/Shanghai` by default). It lists what is
//! scheduled or was published, and reports, per cadence rule of the policy and
//! period (a local day, or an ISO week Monday–Sunday lying wholly inside the
//! range), fewer items than the target (`missedCadence`), more than the cap
//! (`overFrequency`), too few user-generated pieces (`ugcShortfall`), a mix
//! format absent (`mixMissing`); then items on one channel at the same minute
//! (`slotConflict`), items off the channel's preferred slots (`offSlot`),
//! approved items left unscheduled too long (`backlog`, as of the engine
//! clock's now) and hot dates no theme covers (`hotDateUncovered`).
//!
//! Calendar days cross as `YYYY-MM-DD` strings; anything else is a
//! `Validation` error naming the argument.

use std::time::SystemTime;

use brandrail::content as core;
use chrono::NaiveDate;

use super::{ContentKind, ContentState, Severity};
use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, date, date_text, four_digit_years, system_time};

/// A range of whole days, both ends included, as `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct DateRange {
    /// First day.
    pub from: String,
    /// Last day (inclusive).
    pub to: String,
}

impl From<(NaiveDate, NaiveDate)> for DateRange {
    fn from((from, to): (NaiveDate, NaiveDate)) -> Self {
        Self {
            from: date_text(from),
            to: date_text(to),
        }
    }
}

/// A hot date of the policy's calendar (`content.hot_dates`) falling on a day.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct HotDateOn {
    /// The day, `YYYY-MM-DD`.
    pub date: String,
    /// Its name (`双十一`, `春节`, …).
    pub name: String,
    /// Its kind (`holiday`, `festival`, `shopping_festival`, …).
    pub kind: String,
}

impl From<core::HotDateOn> for HotDateOn {
    fn from(h: core::HotDateOn) -> Self {
        Self {
            date: date_text(h.date),
            name: h.name,
            kind: h.kind,
        }
    }
}

/// A quarterly theme (CON-8).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Theme {
    /// Identifier; items join it with `NewContent.themeId`.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First day, `YYYY-MM-DD`.
    pub starts: String,
    /// Last day (inclusive), `YYYY-MM-DD`.
    pub ends: String,
    /// The hot date it is built around, by name.
    pub hot_date: Option<String>,
    /// What it is about (may be empty).
    pub description: String,
    /// Handle of who set it.
    pub created_by: String,
    /// When it was set.
    pub created_at: SystemTime,
}

impl From<core::Theme> for Theme {
    fn from(t: core::Theme) -> Self {
        Self {
            id: t.id,
            name: t.name,
            starts: date_text(t.starts),
            ends: date_text(t.ends),
            hot_date: t.hot_date,
            description: t.description,
            created_by: t.created_by,
            created_at: system_time(t.created_at),
        }
    }
}

/// Input for `addTheme`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewTheme {
    /// Name (display text, 1–200 characters).
    pub name: String,
    /// First day, `YYYY-MM-DD`.
    pub starts: String,
    /// Last day (inclusive), `YYYY-MM-DD`: on or after `starts`, at most a
    /// year (366 days) later.
    pub ends: String,
    /// A hot date of the policy's calendar, by name; `NotFound` (entity
    /// `hot_date`) for a name the calendar lacks. Default none.
    #[uniffi(default)]
    pub hot_date: Option<String>,
    /// What it is about: at most 2000 characters, newlines and tabs but no
    /// other control characters. Default empty.
    #[uniffi(default = "")]
    pub description: String,
}

impl NewTheme {
    fn into_core(self) -> Result<core::NewTheme, BrandrailError> {
        Ok(core::NewTheme {
            starts: date("starts", &self.starts)?,
            ends: date("ends", &self.ends)?,
            name: self.name,
            hot_date: self.hot_date,
            description: self.description,
        })
    }
}

/// One scheduled or published item in a plan.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanEntry {
    /// The item.
    pub item_id: i64,
    /// Its title.
    pub title: String,
    /// Channel.
    pub channel: String,
    /// Kind.
    pub kind: ContentKind,
    /// Mix format, if any.
    pub format: Option<String>,
    /// User-generated.
    pub ugc: bool,
    /// `scheduled`, `published` or `retrospective`.
    pub state: ContentState,
    /// When it goes (went) out.
    pub at: SystemTime,
    /// Its local day in the policy's time zone, `YYYY-MM-DD`.
    pub local_date: String,
    /// Its local time, `HH:MM`.
    pub local_time: String,
    /// Whether it sits on one of the channel's preferred slots
    /// (`content.slots`); `nil`/`null` when the channel has none.
    pub on_slot: Option<bool>,
    /// Its theme, if any.
    pub theme_id: Option<i64>,
}

impl From<core::PlanEntry> for PlanEntry {
    fn from(e: core::PlanEntry) -> Self {
        Self {
            item_id: e.item_id,
            title: e.title,
            channel: e.channel,
            kind: e.kind.into(),
            format: e.format,
            ugc: e.ugc,
            state: e.state.into(),
            at: system_time(e.at),
            local_date: date_text(e.local_date),
            local_time: e.local_time,
            on_slot: e.on_slot,
            theme_id: e.theme_id,
        }
    }
}

mirror_enum! {
    /// What a plan issue is about (CON-7, CON-8).
    PlanIssueKind => brandrail::content::PlanIssueKind {
        /// `over_frequency`: more items than the cadence cap in a period
        /// (blocks; scheduling refuses it up front).
        OverFrequency,
        /// `missed_cadence`: fewer items than the cadence target in a period.
        MissedCadence,
        /// `ugc_shortfall`: fewer user-generated items than the cadence asks.
        UgcShortfall,
        /// `mix_missing`: a format of the channel's mix is absent in a period.
        MixMissing,
        /// `backlog`: approved but unscheduled for too long.
        Backlog,
        /// `slot_conflict`: two or more items on one channel at the same minute.
        SlotConflict,
        /// `off_slot`: an item outside the channel's preferred slots.
        OffSlot,
        /// `hot_date_uncovered`: a hot date in the range without a theme.
        HotDateUncovered,
    }
    /// The plan issue kind with this stable name (e.g. `slot_conflict`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_plan_issue_kind;
}

/// One thing a plan found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanIssue {
    /// What kind.
    pub kind: PlanIssueKind,
    /// `block` (over the cap) or `warn`.
    pub severity: Severity,
    /// Channel concerned; empty when none (an uncovered hot date).
    pub channel: String,
    /// First day of the period concerned, or the day, `YYYY-MM-DD`;
    /// `nil`/`null` for a backlog item.
    pub period_start: Option<String>,
    /// Expected count (target, cap, UGC minimum, backlog days), when there is
    /// one.
    pub expected: Option<u32>,
    /// Actual count (or days in the backlog), when there is one.
    pub actual: Option<u32>,
    /// Items concerned.
    pub item_ids: Vec<i64>,
    /// In words.
    pub message: String,
}

impl From<core::PlanIssue> for PlanIssue {
    fn from(i: core::PlanIssue) -> Self {
        Self {
            kind: i.kind.into(),
            severity: i.severity.into(),
            channel: i.channel,
            period_start: i.period_start.map(date_text),
            expected: i.expected,
            actual: i.actual,
            item_ids: i.item_ids,
            message: i.message,
        }
    }
}

/// A publishing plan over whole local days (CON-7, CON-8).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PublishingPlan {
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day (inclusive), `YYYY-MM-DD`.
    pub to: String,
    /// The policy's time zone (IANA name, e.g. `Asia/Shanghai`) that local
    /// days and times are in.
    pub time_zone: String,
    /// Scheduled and published items, by time.
    pub entries: Vec<PlanEntry>,
    /// What needs attention: cadence issues per rule and period, then slot
    /// conflicts and off-slot items, backlog, uncovered hot dates.
    pub issues: Vec<PlanIssue>,
    /// Hot dates in the range, by day.
    pub hot_dates: Vec<HotDateOn>,
    /// Themes overlapping the range.
    pub themes: Vec<Theme>,
}

impl From<core::PublishingPlan> for PublishingPlan {
    fn from(p: core::PublishingPlan) -> Self {
        Self {
            from: date_text(p.from),
            to: date_text(p.to),
            time_zone: p.time_zone,
            entries: all(p.entries),
            issues: all(p.issues),
            hot_dates: all(p.hot_dates),
            themes: all(p.themes),
        }
    }
}

/// Monday to Sunday of the ISO week holding `date`.
fn week(date_: &str) -> Result<(NaiveDate, NaiveDate), BrandrailError> {
    let (from, to) = core::week_of(date("date", date_)?);
    four_digit_years("date", &[from, to])?;
    Ok((from, to))
}

/// First and last day of quarter `quarter` of `year`.
fn quarter_days(year: i32, quarter: u32) -> Result<(NaiveDate, NaiveDate), BrandrailError> {
    let (from, to) = core::quarter(year, quarter)?;
    four_digit_years("year", &[from, to])?;
    Ok((from, to))
}

/// Monday to Sunday of the ISO week holding `date` (`YYYY-MM-DD`): the range
/// `weekPlan(date:)` covers. Needs no engine.
#[uniffi::export]
pub fn week_of(date: String) -> Result<DateRange, BrandrailError> {
    Ok(week(&date)?.into())
}

/// First and last day of quarter `quarter` (1–4) of `year` (0–9999) (the
/// core's `quarter`): the range
/// `quarterPlan(year:quarter:)` covers. `Validation` naming `quarter` or
/// `year` otherwise. Needs no engine.
#[uniffi::export]
pub fn quarter_of(year: i32, quarter: u32) -> Result<DateRange, BrandrailError> {
    Ok(quarter_days(year, quarter)?.into())
}

#[uniffi::export]
impl Engine {
    /// The publishing plan over local days `from` to `to` (`YYYY-MM-DD`, both
    /// included, at most 400 days) (CON-7, CON-8). Reads only. `Validation`
    /// naming `from` or `to` for a malformed day, and `to` for one before
    /// `from` or a range over 400 days.
    pub fn publishing_plan(&self, from: &str, to: &str) -> Result<PublishingPlan, BrandrailError> {
        let (from, to) = (date("from", from)?, date("to", to)?);
        Ok(self.core().publishing_plan(from, to)?.into())
    }

    /// `publishingPlan` on a worker thread: awaiting it never blocks the
    /// caller's thread, however many items the range holds.
    pub async fn publishing_plan_async(
        &self,
        from: String,
        to: String,
    ) -> Result<PublishingPlan, BrandrailError> {
        let (from, to) = (date("from", &from)?, date("to", &to)?);
        self.in_background(move |engine| Ok(engine.publishing_plan(from, to)?.into()))
            .await
    }

    /// The plan of the ISO week (Monday–Sunday) holding `date` (`YYYY-MM-DD`).
    pub fn week_plan(&self, date: &str) -> Result<PublishingPlan, BrandrailError> {
        let (from, to) = week(date)?;
        Ok(self.core().publishing_plan(from, to)?.into())
    }

    /// `weekPlan` on a worker thread.
    pub async fn week_plan_async(&self, date: String) -> Result<PublishingPlan, BrandrailError> {
        let (from, to) = week(&date)?;
        self.in_background(move |engine| Ok(engine.publishing_plan(from, to)?.into()))
            .await
    }

    /// The plan of quarter `quarter` (1–4) of `year` (0–9999); `Validation`
    /// naming `quarter` or `year` otherwise.
    pub fn quarter_plan(&self, year: i32, quarter: u32) -> Result<PublishingPlan, BrandrailError> {
        let (from, to) = quarter_days(year, quarter)?;
        Ok(self.core().publishing_plan(from, to)?.into())
    }

    /// `quarterPlan` on a worker thread: awaiting it never blocks the caller's
    /// thread while a quarter's items are planned.
    pub async fn quarter_plan_async(
        &self,
        year: i32,
        quarter: u32,
    ) -> Result<PublishingPlan, BrandrailError> {
        let (from, to) = quarter_days(year, quarter)?;
        self.in_background(move |engine| Ok(engine.publishing_plan(from, to)?.into()))
            .await
    }

    /// The hot dates of the policy's calendar on days `from` to `to`
    /// (`YYYY-MM-DD`, at most 400 days) (CON-8), by day. Reads only.
    pub fn hot_dates(&self, from: &str, to: &str) -> Result<Vec<HotDateOn>, BrandrailError> {
        let (from, to) = (date("from", from)?, date("to", to)?);
        Ok(all(self.core().hot_dates(from, to)?))
    }

    /// The themes overlapping days `from` to `to` (`YYYY-MM-DD`, at most 400
    /// days) (CON-8). Reads only.
    pub fn themes(&self, from: &str, to: &str) -> Result<Vec<Theme>, BrandrailError> {
        let (from, to) = (date("from", from)?, date("to", to)?);
        Ok(all(self.core().themes(from, to)?))
    }

    /// Set a quarterly theme (CON-8; needs `content.create`). `Validation`
    /// naming `name`, `starts`, `ends` (before `starts`, or over a year) or
    /// `description`; `NotFound` (entity `hot_date`) for a hot date the
    /// policy's calendar lacks.
    pub fn add_theme(&self, actor: &str, input: NewTheme) -> Result<Theme, BrandrailError> {
        Ok(self.core().add_theme(actor, input.into_core()?)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_and_quarters_cross_as_days() {
        assert_eq!(
            week_of("2026-11-04".into()).unwrap(),
            DateRange {
                from: "2026-11-02".into(),
                to: "2026-11-08".into()
            }
        );
        assert_eq!(
            quarter_of(2026, 4).unwrap(),
            DateRange {
                from: "2026-10-01".into(),
                to: "2026-12-31".into()
            }
        );
        // 9999-12-31 is a Friday: its week ends in the year 10000.
        assert_eq!(
            week_of("9999-12-31".into()).unwrap_err().code(),
            "validation"
        );
        assert_eq!(
            week_of("2026-11-4".into()).unwrap_err().code(),
            "validation"
        );
        for (y, q, field) in [
            (2026, 0, "quarter"),
            (2026, 5, "quarter"),
            (10_000, 1, "year"),
        ] {
            match quarter_of(y, q) {
                Err(BrandrailError::Validation { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{y} {q}: {other:?}"),
            }
        }
        assert_eq!(quarter_of(-1, 1).unwrap_err().code(), "validation");
    }

    #[test]
    fn plan_issue_kinds_keep_the_cores_names() {
        for core in core::PlanIssueKind::ALL {
            let mirrored = PlanIssueKind::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::PlanIssueKind::from(mirrored), *core);
            assert_eq!(parse_plan_issue_kind(core.as_str()).unwrap(), mirrored);
        }
    }
}
