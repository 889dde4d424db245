//! The publishing plan and themes (core `content/plan.rs`, CON-7, CON-8): the
//! `PublishingPlan`, `PlanEntry`, `PlanIssue`, `HotDateOn` and `Theme`
//! classes, the `PLAN_ISSUE_KINDS` value set, the `week_of` and `quarter`
//! functions and the Engine methods that build plans, list hot dates and
//! themes, and set a theme.
//!
//! Calendar days are `datetime.date` both ways (a `datetime.datetime` is
//! refused: its time and zone would be dropped silently); instants are
//! timezone-aware datetimes, as everywhere in the binding.

use brandrail::content::{
    HotDateOn, NewTheme, PlanEntry, PlanIssue, PlanIssueKind, PublishingPlan, Theme,
    quarter as quarter_days, week_of,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::severity;
use crate::convert::{date as date_arg, parse, repr, whole};
use crate::engine::PyEngine;
use crate::error::{IntoPyResult, invalid};

/// The years a Python `date` holds.
const PY_YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

/// The dicts of `items`' `to_dict()`.
fn dicts<'py, T>(
    py: Python<'py>,
    items: &[T],
    to_dict: impl Fn(&T, Python<'py>) -> PyResult<Bound<'py, PyDict>>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    items.iter().map(|i| to_dict(i, py)).collect()
}

/// A hot date of the policy's calendar on one day (CON-8): a holiday, a
/// shopping festival, a trade show.
#[pyclass(frozen, eq, module = "brandrail", name = "HotDateOn")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyHotDateOn(HotDateOn);

#[pymethods]
impl PyHotDateOn {
    /// The day (a `datetime.date`).
    #[getter]
    fn date(&self) -> NaiveDate {
        self.0.date
    }

    /// Its name, e.g. '双十一'.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// Its kind: 'holiday', 'festival', 'shopping_festival', ...
    #[getter]
    fn kind(&self) -> &str {
        &self.0.kind
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("date", self.date())?;
        d.set_item("name", self.name())?;
        d.set_item("kind", self.kind())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("HotDateOn", &self.to_dict(py)?, &["date", "name", "kind"])
    }
}

/// A quarterly theme (CON-8): a stretch of days content is planned around,
/// usually built on a hot date. Items join it with `theme_id`.
#[pyclass(frozen, eq, module = "brandrail", name = "Theme")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyTheme(Theme);

#[pymethods]
impl PyTheme {
    /// Identifier (what `Engine.plan_content(..., theme_id=...)` takes).
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// Name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// First day (a `datetime.date`).
    #[getter]
    fn starts(&self) -> NaiveDate {
        self.0.starts
    }

    /// Last day, inclusive (a `datetime.date`).
    #[getter]
    fn ends(&self) -> NaiveDate {
        self.0.ends
    }

    /// The hot date it is built around, by name, or None.
    #[getter]
    fn hot_date(&self) -> Option<&str> {
        self.0.hot_date.as_deref()
    }

    /// What it is about (may be empty).
    #[getter]
    fn description(&self) -> &str {
        &self.0.description
    }

    /// Handle of the principal who set it.
    #[getter]
    fn created_by(&self) -> &str {
        &self.0.created_by
    }

    /// When it was set (UTC).
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("name", self.name())?;
        d.set_item("starts", self.starts())?;
        d.set_item("ends", self.ends())?;
        d.set_item("hot_date", self.hot_date())?;
        d.set_item("description", self.description())?;
        d.set_item("created_by", self.created_by())?;
        d.set_item("created_at", self.created_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["id", "name", "starts", "ends", "hot_date"];
        repr("Theme", &self.to_dict(py)?, &keys)
    }
}

/// One scheduled or published item in a publishing plan (CON-7), with its
/// local day and time in the policy's time zone.
#[pyclass(frozen, eq, module = "brandrail", name = "PlanEntry")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPlanEntry(PlanEntry);

#[pymethods]
impl PyPlanEntry {
    /// Id of the item.
    #[getter]
    fn item_id(&self) -> i64 {
        self.0.item_id
    }

    /// Its title.
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }

    /// Its channel.
    #[getter]
    fn channel(&self) -> &str {
        &self.0.channel
    }

    /// Its kind (one of `brandrail.CONTENT_KINDS`).
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// Its mix format, or None.
    #[getter]
    fn format(&self) -> Option<&str> {
        self.0.format.as_deref()
    }

    /// Whether it is user-generated.
    #[getter]
    fn ugc(&self) -> bool {
        self.0.ugc
    }

    /// 'scheduled', 'published' or 'retrospective'.
    #[getter]
    fn state(&self) -> &'static str {
        self.0.state.as_str()
    }

    /// When it goes (went) out (UTC).
    #[getter]
    fn at(&self) -> DateTime<Utc> {
        self.0.at
    }

    /// Its local day in the policy's time zone (a `datetime.date`).
    #[getter]
    fn local_date(&self) -> NaiveDate {
        self.0.local_date
    }

    /// Its local time in the policy's time zone, 'HH:MM'.
    #[getter]
    fn local_time(&self) -> &str {
        &self.0.local_time
    }

    /// Whether it is on one of the channel's preferred slots; None when the
    /// channel has none.
    #[getter]
    fn on_slot(&self) -> Option<bool> {
        self.0.on_slot
    }

    /// Its theme's id, or None.
    #[getter]
    fn theme_id(&self) -> Option<i64> {
        self.0.theme_id
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("item_id", self.item_id())?;
        d.set_item("title", self.title())?;
        d.set_item("channel", self.channel())?;
        d.set_item("kind", self.kind())?;
        d.set_item("format", self.format())?;
        d.set_item("ugc", self.ugc())?;
        d.set_item("state", self.state())?;
        d.set_item("at", self.at())?;
        d.set_item("local_date", self.local_date())?;
        d.set_item("local_time", self.local_time())?;
        d.set_item("on_slot", self.on_slot())?;
        d.set_item("theme_id", self.theme_id())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "item_id",
            "channel",
            "kind",
            "state",
            "local_date",
            "local_time",
        ];
        repr("PlanEntry", &self.to_dict(py)?, &keys)
    }
}

/// Something a publishing plan found (CON-7, CON-8): a period under its
/// cadence target or over its cap, too few user-generated pieces, a mix
/// format absent, a slot conflict, an off-slot item, a backlog, or a hot date
/// without a theme.
#[pyclass(frozen, eq, module = "brandrail", name = "PlanIssue")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPlanIssue(PlanIssue);

#[pymethods]
impl PyPlanIssue {
    /// What kind (one of `brandrail.PLAN_ISSUE_KINDS`), e.g.
    /// 'missed_cadence'.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// 'block' (over a cap) or 'warn'.
    #[getter]
    fn severity(&self) -> &'static str {
        severity(self.0.severity)
    }

    /// The channel concerned; empty when none (a hot date).
    #[getter]
    fn channel(&self) -> &str {
        &self.0.channel
    }

    /// First day of the period concerned, or the day (a `datetime.date`);
    /// None for a backlog.
    #[getter]
    fn period_start(&self) -> Option<NaiveDate> {
        self.0.period_start
    }

    /// The expected count (target, cap, minimum), or None.
    #[getter]
    fn expected(&self) -> Option<u32> {
        self.0.expected
    }

    /// The actual count (days for a backlog), or None.
    #[getter]
    fn actual(&self) -> Option<u32> {
        self.0.actual
    }

    /// Ids of the items concerned (a copy).
    #[getter]
    fn item_ids(&self) -> Vec<i64> {
        self.0.item_ids.clone()
    }

    /// What it is, in words.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.kind())?;
        d.set_item("severity", self.severity())?;
        d.set_item("channel", self.channel())?;
        d.set_item("period_start", self.period_start())?;
        d.set_item("expected", self.expected())?;
        d.set_item("actual", self.actual())?;
        d.set_item("item_ids", self.item_ids())?;
        d.set_item("message", self.message())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "kind",
            "severity",
            "channel",
            "period_start",
            "expected",
            "actual",
            "item_ids",
        ];
        repr("PlanIssue", &self.to_dict(py)?, &keys)
    }
}

/// A publishing plan over whole local days `from_` to `to` (inclusive) in the
/// policy's time zone (CON-7, CON-8): what is scheduled or was published,
/// what needs attention, the hot dates in the range and the themes
/// overlapping it. (`from` is a Python keyword, hence `from_`; `to_dict()`
/// uses the key 'from'.)
#[pyclass(frozen, eq, module = "brandrail", name = "PublishingPlan")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPublishingPlan(PublishingPlan);

#[pymethods]
impl PyPublishingPlan {
    /// First day (a `datetime.date`).
    #[getter]
    fn from_(&self) -> NaiveDate {
        self.0.from
    }

    /// Last day, inclusive (a `datetime.date`).
    #[getter]
    fn to(&self) -> NaiveDate {
        self.0.to
    }

    /// The policy's time zone, e.g. 'Asia/Shanghai'.
    #[getter]
    fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// Scheduled and published items, by time (a copy).
    #[getter]
    fn entries(&self) -> Vec<PyPlanEntry> {
        self.0.entries.iter().cloned().map(PyPlanEntry).collect()
    }

    /// What needs attention: cadence per rule and period, then slot
    /// conflicts and off-slot items, backlog, and hot dates without a theme
    /// (a copy).
    #[getter]
    fn issues(&self) -> Vec<PyPlanIssue> {
        self.0.issues.iter().cloned().map(PyPlanIssue).collect()
    }

    /// Hot dates in the range, by day (a copy).
    #[getter]
    fn hot_dates(&self) -> Vec<PyHotDateOn> {
        self.0.hot_dates.iter().cloned().map(PyHotDateOn).collect()
    }

    /// Themes overlapping the range (a copy).
    #[getter]
    fn themes(&self) -> Vec<PyTheme> {
        self.0.themes.iter().cloned().map(PyTheme).collect()
    }

    /// The issues of one kind (one of `brandrail.PLAN_ISSUE_KINDS`); a bad
    /// kind raises ValidationError listing them.
    fn issues_of(&self, kind: &str) -> PyResult<Vec<PyPlanIssue>> {
        let kind = parse::<PlanIssueKind>(kind, "kind").into_pyresult()?;
        Ok(self
            .0
            .issues
            .iter()
            .filter(|i| i.kind == kind)
            .cloned()
            .map(PyPlanIssue)
            .collect())
    }

    /// The fields as plain dicts and lists, with the keys 'from' and 'to';
    /// `entries`, `issues`, `hot_dates` and `themes` are lists of their
    /// items' `to_dict()`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("from", self.from_())?;
        d.set_item("to", self.to())?;
        d.set_item("time_zone", self.time_zone())?;
        d.set_item("entries", dicts(py, &self.entries(), PyPlanEntry::to_dict)?)?;
        d.set_item("issues", dicts(py, &self.issues(), PyPlanIssue::to_dict)?)?;
        d.set_item(
            "hot_dates",
            dicts(py, &self.hot_dates(), PyHotDateOn::to_dict)?,
        )?;
        d.set_item("themes", dicts(py, &self.themes(), PyTheme::to_dict)?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = PyDict::new(py);
        d.set_item("from", self.from_())?;
        d.set_item("to", self.to())?;
        d.set_item("time_zone", self.time_zone())?;
        d.set_item("entries", self.0.entries.len())?;
        d.set_item("issues", self.0.issues.len())?;
        let keys = ["from", "to", "time_zone", "entries", "issues"];
        repr("PublishingPlan", &d, &keys)
    }
}

/// The year `year` as a Python `date` can hold it; else ValidationError.
fn py_year(year: i32) -> PyResult<i32> {
    if PY_YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(invalid("year", format!("{year} is out of range"))).into_pyresult()
    }
}

/// The week holding `day` (`field`), refused when it spills out of the years
/// a Python `date` holds.
fn week(day: NaiveDate, field: &str) -> PyResult<(NaiveDate, NaiveDate)> {
    let (monday, sunday) = week_of(day);
    if PY_YEARS.contains(&monday.year()) && PY_YEARS.contains(&sunday.year()) {
        Ok((monday, sunday))
    } else {
        Err(invalid(field, "its week lies outside the years 1 to 9999")).into_pyresult()
    }
}

/// Monday and Sunday (`datetime.date`s) of the ISO week holding `date`, a
/// `datetime.date`.
#[pyfunction(name = "week_of")]
fn py_week_of(date: &Bound<'_, PyAny>) -> PyResult<(NaiveDate, NaiveDate)> {
    week(date_arg(date, "date")?, "date")
}

/// First and last day (`datetime.date`s) of quarter `quarter` (1 to 4) of
/// `year`; ValidationError otherwise.
#[pyfunction(name = "quarter")]
fn py_quarter(
    year: &Bound<'_, PyAny>,
    quarter: &Bound<'_, PyAny>,
) -> PyResult<(NaiveDate, NaiveDate)> {
    let (year, q) = quarter_args(year, quarter)?;
    quarter_days(year, q).into_pyresult()
}

fn quarter_args(year: &Bound<'_, PyAny>, quarter: &Bound<'_, PyAny>) -> PyResult<(i32, u32)> {
    let year = py_year(whole::<i32>(year, "year")?)?;
    let q = whole::<u32>(quarter, "quarter")?;
    Ok((year, q))
}

#[pymethods]
impl PyEngine {
    /// The publishing plan over local days `start` to `end` (inclusive,
    /// `datetime.date`s; at most 400 days) in the policy's time zone (CON-7,
    /// CON-8). Reads only. ValidationError when `end` lies before `start` or
    /// the range is too long.
    fn publishing_plan(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<PyPublishingPlan> {
        let (start, end) = (date_arg(start, "start")?, date_arg(end, "end")?);
        self.call(py, |e| e.publishing_plan(start, end))
            .map(PyPublishingPlan)
    }

    /// The plan of the ISO week (Monday to Sunday) holding `date`, a
    /// `datetime.date`.
    fn week_plan(&self, py: Python<'_>, date: &Bound<'_, PyAny>) -> PyResult<PyPublishingPlan> {
        let day = date_arg(date, "date")?;
        week(day, "date")?;
        self.call(py, |e| e.week_plan(day)).map(PyPublishingPlan)
    }

    /// The plan of quarter `quarter` (1 to 4) of `year`; ValidationError
    /// (field 'quarter' or 'year') otherwise.
    fn quarter_plan(
        &self,
        py: Python<'_>,
        year: &Bound<'_, PyAny>,
        quarter: &Bound<'_, PyAny>,
    ) -> PyResult<PyPublishingPlan> {
        let (year, q) = quarter_args(year, quarter)?;
        self.call(py, |e| e.quarter_plan(year, q))
            .map(PyPublishingPlan)
    }

    /// The hot dates of the policy's calendar (`content.hot_dates`) on days
    /// `start` to `end` (inclusive `datetime.date`s, at most 400 days), by
    /// day (CON-8).
    fn hot_dates(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyHotDateOn>> {
        let (start, end) = (date_arg(start, "start")?, date_arg(end, "end")?);
        let found = self.call(py, |e| e.hot_dates(start, end))?;
        Ok(found.into_iter().map(PyHotDateOn).collect())
    }

    /// The themes overlapping days `start` to `end` (inclusive
    /// `datetime.date`s, at most 400 days).
    fn themes(
        &self,
        py: Python<'_>,
        start: &Bound<'_, PyAny>,
        end: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyTheme>> {
        let (start, end) = (date_arg(start, "start")?, date_arg(end, "end")?);
        let found = self.call(py, |e| e.themes(start, end))?;
        Ok(found.into_iter().map(PyTheme).collect())
    }

    /// Set a quarterly theme from `starts` to `ends` (inclusive
    /// `datetime.date`s, at most a year) (CON-8; needs 'content.create').
    /// `hot_date`, if given, names a hot date of the policy's calendar
    /// (NotFoundError otherwise); `description` is free text of at most 2000
    /// characters.
    #[pyo3(signature = (actor, *, name, starts, ends, hot_date = None, description = String::new()))]
    #[allow(clippy::too_many_arguments)]
    fn add_theme(
        &self,
        py: Python<'_>,
        actor: String,
        name: String,
        starts: &Bound<'_, PyAny>,
        ends: &Bound<'_, PyAny>,
        hot_date: Option<String>,
        description: String,
    ) -> PyResult<PyTheme> {
        let input = NewTheme {
            name,
            starts: date_arg(starts, "starts")?,
            ends: date_arg(ends, "ends")?,
            hot_date,
            description,
        };
        self.call(py, |e| e.add_theme(&actor, input)).map(PyTheme)
    }
}

/// Add the classes, functions and value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyPublishingPlan>()?;
    m.add_class::<PyPlanEntry>()?;
    m.add_class::<PyPlanIssue>()?;
    m.add_class::<PyHotDateOn>()?;
    m.add_class::<PyTheme>()?;
    m.add_function(wrap_pyfunction!(py_week_of, m)?)?;
    m.add_function(wrap_pyfunction!(py_quarter, m)?)?;
    m.add(
        "PLAN_ISSUE_KINDS",
        PyTuple::new(py, PlanIssueKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    Ok(())
}
