//! The publishing plan (CON-7) and quarterly themes (CON-8).
//!
//! A plan covers whole local days `[from, to]` in the policy's time zone. It
//! lists what is scheduled or was published, and reports per cadence rule and
//! period (a local day, or an ISO week Monday–Sunday lying wholly inside the
//! range): fewer items than the target (`missed_cadence`), more than the cap
//! (`over_frequency`), too few user-generated pieces (`ugc_shortfall`), a mix
//! format absent (`mix_missing`); then items on the same channel at the same
//! minute (`slot_conflict`), items off the channel's preferred slots
//! (`off_slot`), approved items left unscheduled past `backlog_after_days`
//! (`backlog`, as of now), and hot dates in the range that no theme covers
//! (`hot_date_uncovered`). Scheduling is refused outright when it would take
//! a channel over its cap.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use super::items::{ContentItem, ContentKind, ContentState};
use crate::access::{Permission, named_enum};
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::policy::{Period, Policy, Severity};
use crate::{Attempt, Ctx, Engine, store, validate};

/// Longest plan, in days.
const MAX_PLAN_DAYS: i64 = 400;
/// Longest theme, in days.
const MAX_THEME_DAYS: i64 = 366;
/// Longest theme description, in characters.
const MAX_DESCRIPTION_CHARS: usize = 2000;

/// A hot date's recurrence: every year on a month and day, or once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HotDateRule {
    year: Option<i32>,
    month: u32,
    day: u32,
}

impl HotDateRule {
    /// `MM-DD` (every year) or `YYYY-MM-DD` (once); `None` when neither.
    pub fn parse(s: &str) -> Option<HotDateRule> {
        let parts: Vec<&str> = s.split('-').collect();
        let num = |p: &str, len: usize| {
            (p.len() == len && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        };
        let rule = match parts.as_slice() {
            [m, d] => HotDateRule {
                year: None,
                month: num(m, 2)?,
                day: num(d, 2)?,
            },
            [y, m, d] => HotDateRule {
                year: Some(i32::try_from(num(y, 4)?).ok()?),
                month: num(m, 2)?,
                day: num(d, 2)?,
            },
            _ => return None,
        };
        // 2000 is a leap year: 02-29 recurs (in leap years).
        NaiveDate::from_ymd_opt(rule.year.unwrap_or(2000), rule.month, rule.day)?;
        Some(rule)
    }

    fn dates_in(self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let years = match self.year {
            Some(y) => y..=y,
            None => from.year()..=to.year(),
        };
        years
            .filter_map(|y| NaiveDate::from_ymd_opt(y, self.month, self.day))
            .filter(|d| from <= *d && *d <= to)
            .collect()
    }
}

/// A hot date falling on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HotDateOn {
    /// The day.
    pub date: NaiveDate,
    /// Its name.
    pub name: String,
    /// Its kind (`holiday`, `shopping_festival`, …).
    pub kind: String,
}

/// A quarterly theme (CON-8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Theme {
    /// Identifier.
    pub id: i64,
    /// Name.
    pub name: String,
    /// First day.
    pub starts: NaiveDate,
    /// Last day (inclusive).
    pub ends: NaiveDate,
    /// The hot date it is built around, by name.
    pub hot_date: Option<String>,
    /// What it is about.
    pub description: String,
    /// Who set it.
    pub created_by: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Input for a theme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTheme {
    /// Name.
    pub name: String,
    /// First day.
    pub starts: NaiveDate,
    /// Last day (inclusive).
    pub ends: NaiveDate,
    /// A hot date of the policy's calendar, by name.
    pub hot_date: Option<String>,
    /// What it is about (may be empty).
    pub description: String,
}

/// One scheduled or published item in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub at: DateTime<Utc>,
    /// Local day, policy time zone.
    pub local_date: NaiveDate,
    /// Local time `HH:MM`.
    pub local_time: String,
    /// On one of the channel's preferred slots; `None` when it has none.
    pub on_slot: Option<bool>,
    /// Theme, if any.
    pub theme_id: Option<i64>,
}

named_enum! {
    /// What a plan issue is about (CON-7, CON-8).
    PlanIssueKind, "issue" {
        /// More items than the cadence cap in a period.
        OverFrequency => "over_frequency",
        /// Fewer items than the cadence target in a period.
        MissedCadence => "missed_cadence",
        /// Fewer user-generated items than the cadence asks.
        UgcShortfall => "ugc_shortfall",
        /// A format of the channel's mix is absent in a period.
        MixMissing => "mix_missing",
        /// Approved but unscheduled for too long.
        Backlog => "backlog",
        /// Two items on one channel at the same minute.
        SlotConflict => "slot_conflict",
        /// An item outside the channel's preferred slots.
        OffSlot => "off_slot",
        /// A hot date in the range without a theme.
        HotDateUncovered => "hot_date_uncovered",
    }
}

/// One thing the plan found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanIssue {
    /// What kind.
    pub kind: PlanIssueKind,
    /// `block` (over the cap) or `warn`.
    pub severity: Severity,
    /// Channel concerned, empty when none.
    pub channel: String,
    /// First day of the period concerned (or the day), if any.
    pub period_start: Option<NaiveDate>,
    /// Expected count, for cadence issues.
    pub expected: Option<u32>,
    /// Actual count, for cadence issues.
    pub actual: Option<u32>,
    /// Items concerned.
    pub item_ids: Vec<i64>,
    /// In words.
    pub message: String,
}

/// A publishing plan over whole local days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishingPlan {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
    /// The policy's time zone.
    pub time_zone: String,
    /// Scheduled and published items, by time.
    pub entries: Vec<PlanEntry>,
    /// What needs attention.
    pub issues: Vec<PlanIssue>,
    /// Hot dates in the range.
    pub hot_dates: Vec<HotDateOn>,
    /// Themes overlapping the range.
    pub themes: Vec<Theme>,
}

/// Monday to Sunday of the ISO week holding `date`.
pub fn week_of(date: NaiveDate) -> (NaiveDate, NaiveDate) {
    let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
    (monday, monday + Duration::days(6))
}

/// First and last day of quarter `q` (1–4) of `year`.
pub fn quarter(year: i32, q: u32) -> Result<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&q) {
        return Err(Error::validation(
            "quarter",
            format!("must be 1 to 4, got {q}"),
        ));
    }
    let start = NaiveDate::from_ymd_opt(year, 3 * q - 2, 1)
        .ok_or_else(|| Error::validation("year", format!("{year} is out of range")))?;
    let next = if q == 4 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, 3 * q + 1, 1)
    }
    .ok_or_else(|| Error::validation("year", format!("{year} is out of range")))?;
    Ok((start, next - Duration::days(1)))
}

fn tz(policy: &Policy) -> Tz {
    Tz::from_str(&policy.meta.time_zone).unwrap_or(Tz::UTC)
}

/// Start of local day `d` as an instant.
fn day_start(tz: Tz, d: NaiveDate) -> DateTime<Utc> {
    let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
    tz.from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

/// The period of a cadence rule holding local day `d`.
fn period_of(period: Period, d: NaiveDate) -> (NaiveDate, NaiveDate) {
    match period {
        Period::Day => (d, d),
        Period::Week => week_of(d),
    }
}

fn hot_dates_in(policy: &Policy, from: NaiveDate, to: NaiveDate) -> Vec<HotDateOn> {
    let mut out: Vec<HotDateOn> = policy
        .content
        .hot_dates
        .iter()
        .filter_map(|h| HotDateRule::parse(&h.on).map(|r| (h, r)))
        .flat_map(|(h, r)| {
            r.dates_in(from, to).into_iter().map(|date| HotDateOn {
                date,
                name: h.name.clone(),
                kind: h.kind.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| (a.date, &a.name).cmp(&(b.date, &b.name)));
    out
}

fn entry(tz: Tz, policy: &Policy, item: ContentItem) -> Option<PlanEntry> {
    let at = match item.state {
        ContentState::Scheduled => item.scheduled_at?,
        _ => item.published_at?,
    };
    let local = at.with_timezone(&tz);
    let local_time = local.format("%H:%M").to_string();
    let on_slot = policy
        .content
        .slots
        .get(&item.channel)
        .filter(|s| !s.is_empty())
        .map(|s| s.contains(&local_time));
    Some(PlanEntry {
        item_id: item.id,
        title: item.title,
        channel: item.channel,
        kind: item.kind,
        format: item.format,
        ugc: item.ugc,
        state: item.state,
        at,
        local_date: local.date_naive(),
        local_time,
        on_slot,
        theme_id: item.theme_id,
    })
}

fn check_range(from: NaiveDate, to: NaiveDate, max: i64) -> Result<()> {
    if to < from {
        return Err(Error::validation("to", "lies before from"));
    }
    let days = (to - from).num_days() + 1;
    if days > max {
        return Err(Error::validation(
            "to",
            format!("the range is {days} days; at most {max}"),
        ));
    }
    Ok(())
}

fn build(
    tx: &rusqlite::Transaction<'_>,
    policy: &Policy,
    now: DateTime<Utc>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PublishingPlan> {
    check_range(from, to, MAX_PLAN_DAYS)?;
    let tz = tz(policy);
    let start = day_start(tz, from);
    let end = day_start(tz, to + Duration::days(1));
    let entries: Vec<PlanEntry> =
        store::content::planned_between(tx, store::to_ms(start), store::to_ms(end))?
            .into_iter()
            .filter_map(|i| entry(tz, policy, i))
            .collect();
    let mut issues = Vec::new();

    // Cadence per rule and whole period inside the range.
    for rule in &policy.content.cadence {
        let mut periods = Vec::new();
        let mut d = match rule.period {
            Period::Day => from,
            Period::Week => {
                let (monday, _) = week_of(from);
                if monday < from {
                    monday + Duration::days(7)
                } else {
                    monday
                }
            }
        };
        loop {
            let (ps, pe) = period_of(rule.period, d);
            if pe > to {
                break;
            }
            periods.push((ps, pe));
            d = pe + Duration::days(1);
        }
        let label = |ps: NaiveDate| match rule.period {
            Period::Day => ps.to_string(),
            Period::Week => format!("the week of {ps}"),
        };
        for (ps, pe) in periods {
            let items: Vec<&PlanEntry> = entries
                .iter()
                .filter(|e| {
                    e.channel == rule.channel
                        && e.kind.as_str() == rule.kind
                        && ps <= e.local_date
                        && e.local_date <= pe
                })
                .collect();
            let count = u32::try_from(items.len()).unwrap_or(u32::MAX);
            let ids: Vec<i64> = items.iter().map(|e| e.item_id).collect();
            let base = |kind, severity, expected: u32, message: String| PlanIssue {
                kind,
                severity,
                channel: rule.channel.clone(),
                period_start: Some(ps),
                expected: Some(expected),
                actual: Some(count),
                item_ids: ids.clone(),
                message,
            };
            if count < rule.target {
                issues.push(base(
                    PlanIssueKind::MissedCadence,
                    Severity::Warn,
                    rule.target,
                    format!(
                        "{count} {} on {} in {}; the target is {}",
                        rule.kind,
                        rule.channel,
                        label(ps),
                        rule.target
                    ),
                ));
            }
            if let Some(cap) = rule.cap
                && count > cap
            {
                issues.push(base(
                    PlanIssueKind::OverFrequency,
                    Severity::Block,
                    cap,
                    format!(
                        "{count} {} on {} in {}; at most {cap}",
                        rule.kind,
                        rule.channel,
                        label(ps)
                    ),
                ));
            }
            if let Some(min) = rule.min_ugc {
                let ugc = u32::try_from(items.iter().filter(|e| e.ugc).count()).unwrap_or(u32::MAX);
                if ugc < min {
                    let mut i = base(
                        PlanIssueKind::UgcShortfall,
                        Severity::Warn,
                        min,
                        format!(
                            "{ugc} user-generated {} on {} in {}; at least {min}",
                            rule.kind,
                            rule.channel,
                            label(ps)
                        ),
                    );
                    i.actual = Some(ugc);
                    issues.push(i);
                }
            }
            for m in &rule.mix {
                if !items
                    .iter()
                    .any(|e| e.format.as_deref() == Some(m.as_str()))
                {
                    let mut i = base(
                        PlanIssueKind::MixMissing,
                        Severity::Warn,
                        1,
                        format!(
                            "no {m} among the {} on {} in {}",
                            rule.kind,
                            rule.channel,
                            label(ps)
                        ),
                    );
                    i.actual = Some(0);
                    issues.push(i);
                }
            }
        }
    }

    // Slot conflicts and off-slot items.
    let mut by_slot: BTreeMap<(&str, NaiveDate, &str), Vec<i64>> = BTreeMap::new();
    for e in &entries {
        by_slot
            .entry((e.channel.as_str(), e.local_date, e.local_time.as_str()))
            .or_default()
            .push(e.item_id);
        if e.on_slot == Some(false) {
            let slots = policy
                .content
                .slots
                .get(&e.channel)
                .cloned()
                .unwrap_or_default();
            issues.push(PlanIssue {
                kind: PlanIssueKind::OffSlot,
                severity: Severity::Warn,
                channel: e.channel.clone(),
                period_start: Some(e.local_date),
                expected: None,
                actual: None,
                item_ids: vec![e.item_id],
                message: format!(
                    "{} at {}; the preferred slots are {}",
                    e.channel,
                    e.local_time,
                    slots.join(", ")
                ),
            });
        }
    }
    for ((channel, date, time), ids) in by_slot {
        if ids.len() > 1 {
            issues.push(PlanIssue {
                kind: PlanIssueKind::SlotConflict,
                severity: Severity::Warn,
                channel: channel.to_owned(),
                period_start: Some(date),
                expected: Some(1),
                actual: Some(u32::try_from(ids.len()).unwrap_or(u32::MAX)),
                message: format!("{} items on {channel} at {date} {time}", ids.len()),
                item_ids: ids,
            });
        }
    }

    // Backlog, as of now.
    let cutoff = now - Duration::days(i64::from(policy.content.backlog_after_days));
    for item in store::content::approved_before(tx, store::to_ms(cutoff))? {
        let days = (now - item.updated_at).num_days();
        issues.push(PlanIssue {
            kind: PlanIssueKind::Backlog,
            severity: Severity::Warn,
            channel: item.channel.clone(),
            period_start: None,
            expected: Some(policy.content.backlog_after_days),
            actual: Some(u32::try_from(days).unwrap_or(u32::MAX)),
            item_ids: vec![item.id],
            message: format!(
                "approved {days} days ago and not scheduled (backlog after {} days)",
                policy.content.backlog_after_days
            ),
        });
    }

    // Hot dates without a theme.
    let hot_dates = hot_dates_in(policy, from, to);
    let themes = store::content::themes_overlapping(tx, from, to)?;
    for h in &hot_dates {
        if !themes
            .iter()
            .any(|t| t.starts <= h.date && h.date <= t.ends)
        {
            issues.push(PlanIssue {
                kind: PlanIssueKind::HotDateUncovered,
                severity: Severity::Warn,
                channel: String::new(),
                period_start: Some(h.date),
                expected: None,
                actual: None,
                item_ids: Vec::new(),
                message: format!("{} ({}) has no theme", h.name, h.date),
            });
        }
    }

    Ok(PublishingPlan {
        from,
        to,
        time_zone: tz.name().to_owned(),
        entries,
        issues,
        hot_dates,
        themes,
    })
}

/// Refuse scheduling `item` at `at` when that takes its channel over a
/// cadence cap in the period holding `at` (CON-7).
pub(crate) fn check_cap(ctx: &Ctx<'_>, item: &ContentItem, at: DateTime<Utc>) -> Result<()> {
    let tz = tz(ctx.policy);
    let local = at.with_timezone(&tz).date_naive();
    for rule in &ctx.policy.content.cadence {
        let Some(cap) = rule.cap else { continue };
        if rule.channel != item.channel || rule.kind != item.kind.as_str() {
            continue;
        }
        let (ps, pe) = period_of(rule.period, local);
        let others = store::content::planned_between(
            ctx.tx,
            store::to_ms(day_start(tz, ps)),
            store::to_ms(day_start(tz, pe + Duration::days(1))),
        )?
        .into_iter()
        .filter(|i| i.id != item.id && i.channel == item.channel && i.kind == item.kind)
        .count();
        if others >= cap as usize {
            let period = match rule.period {
                Period::Day => format!("on {ps}"),
                Period::Week => format!("in the week of {ps}"),
            };
            return Err(Error::PolicyViolation {
                rule: "CON-7",
                message: format!(
                    "{} already has {others} {} {period}; the cap is {cap}",
                    item.channel, item.kind
                ),
            });
        }
    }
    Ok(())
}

impl Engine {
    /// The publishing plan over local days `[from, to]` (CON-7, CON-8; at
    /// most 400 days).
    pub fn publishing_plan(&self, from: NaiveDate, to: NaiveDate) -> Result<PublishingPlan> {
        let now = self.now();
        self.read(|tx, policy| build(tx, policy, now, from, to))
    }

    /// The plan of the ISO week (Monday–Sunday) holding `date`.
    pub fn week_plan(&self, date: NaiveDate) -> Result<PublishingPlan> {
        let (from, to) = week_of(date);
        self.publishing_plan(from, to)
    }

    /// The plan of quarter `q` (1–4) of `year`.
    pub fn quarter_plan(&self, year: i32, q: u32) -> Result<PublishingPlan> {
        let (from, to) = quarter(year, q)?;
        self.publishing_plan(from, to)
    }

    /// Hot dates of the policy's calendar on local days `[from, to]` (CON-8).
    pub fn hot_dates(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<HotDateOn>> {
        check_range(from, to, MAX_PLAN_DAYS)?;
        let policy = self.policy()?;
        Ok(hot_dates_in(&policy, from, to))
    }

    /// Themes overlapping `[from, to]`.
    pub fn themes(&self, from: NaiveDate, to: NaiveDate) -> Result<Vec<Theme>> {
        check_range(from, to, MAX_PLAN_DAYS)?;
        self.read(|tx, _| store::content::themes_overlapping(tx, from, to))
    }

    /// Set a theme (CON-8; needs `content.create`): at most a year long; its
    /// hot date, if named, must be one of the policy's calendar.
    pub fn add_theme(&self, actor: &str, input: NewTheme) -> Result<Theme> {
        self.mutate(
            actor,
            Permission::ContentCreate,
            Attempt::new("content.theme", "theme", "new"),
            |ctx| {
                validate::display_text("name", &input.name)?;
                check_range(input.starts, input.ends, MAX_THEME_DAYS).map_err(|_| {
                    Error::validation("ends", "must be on or after starts, within a year")
                })?;
                let chars = input.description.chars().count();
                if chars > MAX_DESCRIPTION_CHARS
                    || input
                        .description
                        .chars()
                        .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
                {
                    return Err(Error::validation(
                        "description",
                        format!(
                            "at most {MAX_DESCRIPTION_CHARS} characters, no control characters"
                        ),
                    ));
                }
                if let Some(h) = &input.hot_date
                    && !ctx.policy.content.hot_dates.iter().any(|d| d.name == *h)
                {
                    return Err(Error::not_found("hot_date", validate::printable(h)));
                }
                let mut theme = Theme {
                    id: 0,
                    name: input.name.clone(),
                    starts: input.starts,
                    ends: input.ends,
                    hot_date: input.hot_date.clone(),
                    description: input.description.clone(),
                    created_by: ctx.actor.handle.clone(),
                    created_at: ctx.now,
                };
                theme.id = store::content::insert_theme(ctx.tx, &theme)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "content.theme",
                        "theme",
                        &theme.id.to_string(),
                    )
                    .after(&theme)
                    .with_detail(format!("{}..{}", theme.starts, theme.ends)),
                )?;
                Ok(theme)
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hot_date_rules() {
        assert!(HotDateRule::parse("02-29").is_some());
        assert!(HotDateRule::parse("2027-02-29").is_none());
        assert!(HotDateRule::parse("13-01").is_none());
        assert!(HotDateRule::parse("1-1").is_none());
        assert!(HotDateRule::parse("2026-1-01").is_none());
        assert!(HotDateRule::parse("").is_none());
        assert!(HotDateRule::parse("+2026-01-01").is_none());
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let r = HotDateRule::parse("11-11").unwrap();
        assert_eq!(
            r.dates_in(d("2025-01-01"), d("2026-12-31")),
            vec![d("2025-11-11"), d("2026-11-11")]
        );
        let leap = HotDateRule::parse("02-29").unwrap();
        assert_eq!(
            leap.dates_in(d("2026-01-01"), d("2028-12-31")),
            vec![d("2028-02-29")]
        );
    }

    #[test]
    fn weeks_and_quarters() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(week_of(d("2026-11-22")), (d("2026-11-16"), d("2026-11-22")));
        assert_eq!(week_of(d("2026-11-23")), (d("2026-11-23"), d("2026-11-29")));
        assert_eq!(
            quarter(2026, 4).unwrap(),
            (d("2026-10-01"), d("2026-12-31"))
        );
        assert_eq!(
            quarter(2028, 1).unwrap(),
            (d("2028-01-01"), d("2028-03-31"))
        );
        assert!(quarter(2026, 0).is_err() && quarter(2026, 5).is_err());
    }
}
