//! Segments, personas, lifecycle stages and community tiers (core
//! `crm/segments.rs`, CRM-4): the `Segment`, `SegmentRefresh`,
//! `SegmentMember`, `Standing` and `LifecycleDistribution` results, the
//! `SEGMENT_ORIGINS` value set and `MAX_SEGMENT_PAGE`, and the Engine methods
//! that define, delete, list, refresh and page segments, preview a rule and
//! read a customer's standing and the distribution over stages and tiers;
//! `segment_members_frame` pages a whole segment into a pandas DataFrame.
//!
//! Rules cross as plain dicts (see `rule.rs`); stages, tiers and origins are
//! plain strings, as every closed set of the binding.

use brandrail::crm::{
    LifecycleDistribution, MAX_PAGE, Segment, SegmentDef, SegmentMember, SegmentOrigin,
    SegmentRefresh, Standing,
};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::rule::{rule_arg, rule_dict};
use crate::convert::{columns, frame, pandas, repr, whole};
use crate::engine::PyEngine;

/// The columns of `Engine.segment_members_frame()`.
const MEMBER_COLUMNS: [&str; 3] = ["customer_id", "stage", "tier"];

/// A segment (CRM-4): a named rule and its members as of its last refresh,
/// which the read itself did. Personas of the policy have origin 'policy';
/// segments defined with `Engine.define_segment` have origin 'custom'.
#[pyclass(frozen, eq, module = "brandrail", name = "Segment")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySegment(Segment);

#[pymethods]
impl PySegment {
    /// Name (a persona's key for policy segments), e.g. 'loyal_members'.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// 'policy' (a persona, changed only with the policy) or 'custom' (one of
    /// `brandrail.SEGMENT_ORIGINS`).
    #[getter]
    fn origin(&self) -> &'static str {
        self.0.origin.as_str()
    }

    /// Display name.
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }

    /// What it is for.
    #[getter]
    fn description(&self) -> &str {
        &self.0.description
    }

    /// Who belongs: the rule as a plain dict in core's JSON form (defaults
    /// filled in, e.g. an events condition's `at_least`), accepted back by
    /// `define_segment` and `count_customers` (a copy).
    #[getter]
    fn rule<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        rule_dict(py, &self.0.rule)
    }

    /// Members now.
    #[getter]
    fn members(&self) -> u64 {
        self.0.members
    }

    /// When the members were last brought up to date (UTC).
    #[getter]
    fn refreshed_at(&self) -> DateTime<Utc> {
        self.0.refreshed_at
    }

    /// Who defined it ('policy' for personas).
    #[getter]
    fn defined_by(&self) -> &str {
        &self.0.defined_by
    }

    /// When it was defined (UTC).
    #[getter]
    fn defined_at(&self) -> DateTime<Utc> {
        self.0.defined_at
    }

    /// The fields as plain dicts and values (`rule` as a dict).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("name", self.name())?;
        d.set_item("origin", self.origin())?;
        d.set_item("label", self.label())?;
        d.set_item("description", self.description())?;
        d.set_item("rule", self.rule(py)?)?;
        d.set_item("members", self.members())?;
        d.set_item("refreshed_at", self.refreshed_at())?;
        d.set_item("defined_by", self.defined_by())?;
        d.set_item("defined_at", self.defined_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["name", "origin", "label", "members"];
        repr("Segment", &self.to_dict(py)?, &keys)
    }
}

/// What refreshing one segment did (`Engine.refresh_segments`).
#[pyclass(frozen, eq, module = "brandrail", name = "SegmentRefresh")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySegmentRefresh(SegmentRefresh);

#[pymethods]
impl PySegmentRefresh {
    /// The segment.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// Whether every customer was evaluated; otherwise only those changed
    /// since the last refresh and those whose events left one of the rule's
    /// windows.
    #[getter]
    fn full(&self) -> bool {
        self.0.full
    }

    /// Customers evaluated.
    #[getter]
    fn evaluated(&self) -> u64 {
        self.0.evaluated
    }

    /// Customers who joined.
    #[getter]
    fn added(&self) -> u64 {
        self.0.added
    }

    /// Customers who left.
    #[getter]
    fn removed(&self) -> u64 {
        self.0.removed
    }

    /// Members now.
    #[getter]
    fn members(&self) -> u64 {
        self.0.members
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("name", self.name())?;
        d.set_item("full", self.full())?;
        d.set_item("evaluated", self.evaluated())?;
        d.set_item("added", self.added())?;
        d.set_item("removed", self.removed())?;
        d.set_item("members", self.members())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["name", "full", "evaluated", "added", "removed", "members"];
        repr("SegmentRefresh", &self.to_dict(py)?, &keys)
    }
}

/// One member of a segment with its derived standing.
#[pyclass(frozen, eq, module = "brandrail", name = "SegmentMember")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySegmentMember(SegmentMember);

/// A member's values in the order of [`MEMBER_COLUMNS`].
fn member_values<'py>(py: Python<'py>, m: &SegmentMember) -> PyResult<[Bound<'py, PyAny>; 3]> {
    Ok([
        m.customer_id.into_pyobject(py)?.into_any(),
        m.stage.as_str().into_pyobject(py)?.into_any(),
        m.tier.map(|t| t.as_str()).into_pyobject(py)?.into_any(),
    ])
}

#[pymethods]
impl PySegmentMember {
    /// The customer.
    #[getter]
    fn customer_id(&self) -> i64 {
        self.0.customer_id
    }

    /// Lifecycle stage now (one of `brandrail.LIFECYCLE_STAGES`).
    #[getter]
    fn stage(&self) -> &'static str {
        self.0.stage.as_str()
    }

    /// Community tier (one of `brandrail.COMMUNITY_TIERS`), or None when the
    /// customer has not joined a community.
    #[getter]
    fn tier(&self) -> Option<&'static str> {
        self.0.tier.map(|t| t.as_str())
    }

    /// `{"customer_id", "stage", "tier"}` (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for (key, value) in MEMBER_COLUMNS.iter().zip(member_values(py, &self.0)?) {
            d.set_item(key, value)?;
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("SegmentMember", &self.to_dict(py)?, &MEMBER_COLUMNS)
    }
}

/// A customer's derived standing (CRM-4) and the behaviour behind it, over
/// the policy's lifecycle window (`crm.lifecycle.window_days`).
#[pyclass(frozen, eq, module = "brandrail", name = "Standing")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyStanding(Standing);

#[pymethods]
impl PyStanding {
    /// The customer (a merged id reads as its survivor).
    #[getter]
    fn customer_id(&self) -> i64 {
        self.0.customer_id
    }

    /// Lifecycle stage (one of `brandrail.LIFECYCLE_STAGES`).
    #[getter]
    fn stage(&self) -> &'static str {
        self.0.stage.as_str()
    }

    /// Community tier (one of `brandrail.COMMUNITY_TIERS`), or None when the
    /// customer has not joined a community.
    #[getter]
    fn tier(&self) -> Option<&'static str> {
        self.0.tier.map(|t| t.as_str())
    }

    /// Views, clicks and path steps in the window.
    #[getter]
    fn engagements(&self) -> u32 {
        self.0.engagements
    }

    /// Views and path steps of product pages in the window.
    #[getter]
    fn product_views(&self) -> u32 {
        self.0.product_views
    }

    /// Purchases in the window.
    #[getter]
    fn purchases_in_window(&self) -> u32 {
        self.0.purchases_in_window
    }

    /// The window, in days.
    #[getter]
    fn window_days(&self) -> u32 {
        self.0.window_days
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customer_id", self.customer_id())?;
        d.set_item("stage", self.stage())?;
        d.set_item("tier", self.tier())?;
        d.set_item("engagements", self.engagements())?;
        d.set_item("product_views", self.product_views())?;
        d.set_item("purchases_in_window", self.purchases_in_window())?;
        d.set_item("window_days", self.window_days())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "Standing",
            &self.to_dict(py)?,
            &["customer_id", "stage", "tier"],
        )
    }
}

/// How the live customers spread over lifecycle stages and community tiers.
#[pyclass(frozen, eq, module = "brandrail", name = "LifecycleDistribution")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyLifecycleDistribution(LifecycleDistribution);

#[pymethods]
impl PyLifecycleDistribution {
    /// Live customers.
    #[getter]
    fn customers(&self) -> u64 {
        self.0.customers
    }

    /// Customers in stage 'awareness'.
    #[getter]
    fn awareness(&self) -> u64 {
        self.0.awareness
    }

    /// Customers in stage 'interest'.
    #[getter]
    fn interest(&self) -> u64 {
        self.0.interest
    }

    /// Customers in stage 'decision'.
    #[getter]
    fn decision(&self) -> u64 {
        self.0.decision
    }

    /// Customers in stage 'loyalty'.
    #[getter]
    fn loyalty(&self) -> u64 {
        self.0.loyalty
    }

    /// Community members of tier 'new'.
    #[getter]
    fn tier_new(&self) -> u64 {
        self.0.tier_new
    }

    /// Community members of tier 'repeat'.
    #[getter]
    fn tier_repeat(&self) -> u64 {
        self.0.tier_repeat
    }

    /// Community members of tier 'vip'.
    #[getter]
    fn tier_vip(&self) -> u64 {
        self.0.tier_vip
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customers", self.customers())?;
        d.set_item("awareness", self.awareness())?;
        d.set_item("interest", self.interest())?;
        d.set_item("decision", self.decision())?;
        d.set_item("loyalty", self.loyalty())?;
        d.set_item("tier_new", self.tier_new())?;
        d.set_item("tier_repeat", self.tier_repeat())?;
        d.set_item("tier_vip", self.tier_vip())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "customers",
            "awareness",
            "interest",
            "decision",
            "loyalty",
            "tier_new",
            "tier_repeat",
            "tier_vip",
        ];
        repr("LifecycleDistribution", &self.to_dict(py)?, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// Define (or redefine) a custom segment (CRM-4; needs 'segment.manage';
    /// audited) and compute its members at once. Returns the `Segment`.
    ///
    /// `name` is an identifier (a-z, 0-9, '.', '_', '-'); `label` and
    /// `description` display text; `rule` a dict (or its JSON text) such as
    /// `{"all": [{"field": {"name": "region", "op": "eq", "value": "上海"}},
    /// {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}}]}`.
    /// ValidationError whose `field` is the path at fault ('name',
    /// 'rule.field.name', 'rule.all[1].events', 'rule.events.kind'):
    /// unknown fields, keys or kinds, a window of 0, data that is not JSON;
    /// ConflictError for a persona's name (personas change with the policy).
    #[pyo3(signature = (actor, *, name, label, description, rule))]
    fn define_segment(
        &self,
        py: Python<'_>,
        actor: String,
        name: String,
        label: String,
        description: String,
        rule: &Bound<'_, PyAny>,
    ) -> PyResult<PySegment> {
        let def = SegmentDef {
            name,
            label,
            description,
            rule: rule_arg(rule)?,
        };
        self.call(py, |e| e.define_segment(&actor, &def))
            .map(PySegment)
    }

    /// Delete a custom segment (needs 'segment.manage'; audited).
    /// ConflictError for a persona; NotFoundError for an unknown name.
    fn delete_segment(&self, py: Python<'_>, actor: String, name: String) -> PyResult<()> {
        self.call(py, |e| e.delete_segment(&actor, &name))
    }

    /// Every segment, personas first, each brought up to date (CRM-4; needs
    /// 'crm.read').
    fn segments(&self, py: Python<'_>, actor: String) -> PyResult<Vec<PySegment>> {
        let all = self.call(py, |e| e.segments(&actor))?;
        Ok(all.into_iter().map(PySegment).collect())
    }

    /// One segment, brought up to date (needs 'crm.read'). NotFoundError for
    /// an unknown name.
    fn segment(&self, py: Python<'_>, actor: String, name: String) -> PyResult<PySegment> {
        self.call(py, |e| e.segment(&actor, &name)).map(PySegment)
    }

    /// How many members a segment has now, refreshing it (needs
    /// 'crm.read'). NotFoundError for an unknown name.
    fn segment_count(&self, py: Python<'_>, actor: String, name: String) -> PyResult<u64> {
        self.call(py, |e| e.segment_count(&actor, &name))
    }

    /// Bring every segment up to date and say what changed, one
    /// `SegmentRefresh` per segment, personas first (needs 'crm.read').
    /// Reads refresh on their own; this is for warming up after large loads.
    fn refresh_segments(&self, py: Python<'_>, actor: String) -> PyResult<Vec<PySegmentRefresh>> {
        let all = self.call(py, |e| e.refresh_segments(&actor))?;
        Ok(all.into_iter().map(PySegmentRefresh).collect())
    }

    /// A page of a segment's members by customer id, each a `SegmentMember`
    /// with its stage and tier (needs 'crm.read'), from `offset` (an int,
    /// default 0), at most `limit` (an int, default 1000; 1 to
    /// `MAX_SEGMENT_PAGE`, else ValidationError, field 'limit').
    /// NotFoundError for an unknown name.
    #[pyo3(signature = (actor, name, offset = None, limit = None))]
    fn segment_members(
        &self,
        py: Python<'_>,
        actor: String,
        name: String,
        offset: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PySegmentMember>> {
        let offset = offset.map_or(Ok(0), |o| whole::<u64>(o, "offset"))?;
        let limit = limit.map_or(Ok(1000), |l| whole::<u64>(l, "limit"))?;
        let page = self.call(py, |e| e.segment_members(&actor, &name, offset, limit))?;
        Ok(page.into_iter().map(PySegmentMember).collect())
    }

    /// Every member of a segment as a pandas DataFrame with the columns
    /// `customer_id` (int64), `stage` and `tier` (missing outside
    /// communities), by customer id (needs 'crm.read'). Pages through the segment
    /// `MAX_SEGMENT_PAGE` members at a time. ImportError naming pandas when
    /// it is not installed (nothing is read).
    fn segment_members_frame<'py>(
        &self,
        py: Python<'py>,
        actor: String,
        name: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let pd = pandas(py, "segment_members_frame")?;
        let mut all = Vec::new();
        loop {
            let offset = all.len() as u64;
            let page = self.call(py, |e| e.segment_members(&actor, &name, offset, MAX_PAGE))?;
            let last = (page.len() as u64) < MAX_PAGE;
            all.extend(page);
            if last {
                break;
            }
        }
        let cols = columns(
            py,
            &MEMBER_COLUMNS,
            all.iter().map(|m| member_values(py, m)),
        )?;
        frame(&pd, &cols, &[("customer_id", "int64")])
    }

    /// How many live customers a rule holds for now, without storing
    /// anything (a preview; needs 'crm.read'). `rule` as for
    /// `define_segment`, with the same ValidationErrors.
    fn count_customers(
        &self,
        py: Python<'_>,
        actor: String,
        rule: &Bound<'_, PyAny>,
    ) -> PyResult<u64> {
        let rule = rule_arg(rule)?;
        self.call(py, |e| e.count_customers(&actor, &rule))
    }

    /// A customer's lifecycle stage and community tier with the behaviour
    /// behind them, a `Standing` (CRM-4; needs 'crm.read'). A merged id reads
    /// as its survivor; NotFoundError for an unknown or erased customer.
    fn customer_standing(
        &self,
        py: Python<'_>,
        actor: String,
        customer_id: i64,
    ) -> PyResult<PyStanding> {
        self.call(py, |e| e.customer_standing(&actor, customer_id))
            .map(PyStanding)
    }

    /// How the live customers spread over lifecycle stages and community
    /// tiers, a `LifecycleDistribution` (needs 'crm.read').
    fn lifecycle_distribution(
        &self,
        py: Python<'_>,
        actor: String,
    ) -> PyResult<PyLifecycleDistribution> {
        self.call(py, |e| e.lifecycle_distribution(&actor))
            .map(PyLifecycleDistribution)
    }
}

/// Add the classes, the value set and the page size of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PySegment>()?;
    m.add_class::<PySegmentRefresh>()?;
    m.add_class::<PySegmentMember>()?;
    m.add_class::<PyStanding>()?;
    m.add_class::<PyLifecycleDistribution>()?;
    m.add(
        "SEGMENT_ORIGINS",
        PyTuple::new(py, SegmentOrigin::ALL.iter().map(|o| o.as_str()))?,
    )?;
    m.add("MAX_SEGMENT_PAGE", MAX_PAGE)?;
    Ok(())
}
