//! Title and copy A/B variants (core `content/variants.rs`, CON-8): the
//! `ContentVariant` class, the `VARIANT_KINDS` and `VARIANT_STYLES` value
//! sets, the `variant_style` function and the Engine methods that record
//! variants and their results.

use brandrail::content::{ContentVariant, NewVariant, VariantKind, VariantStyle};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{parse, repr, whole};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

/// An A/B variant recorded on a content item (CON-8): an alternative title or
/// copy, how it is written ('number', 'question' or 'plain'), its label ('A',
/// 'B', ... per kind, in order of recording) and the impressions and clicks
/// it earned.
#[pyclass(frozen, eq, module = "brandrail", name = "ContentVariant")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyContentVariant(ContentVariant);

#[pymethods]
impl PyContentVariant {
    /// Identifier (for `Engine.record_variant_results`).
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// Id of the item.
    #[getter]
    fn item_id(&self) -> i64 {
        self.0.item_id
    }

    /// What it replaces (one of `brandrail.VARIANT_KINDS`): 'title' or 'copy'.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// How it is written (one of `brandrail.VARIANT_STYLES`): 'number',
    /// 'question' or 'plain'.
    #[getter]
    fn style(&self) -> &'static str {
        self.0.style.as_str()
    }

    /// 'A', 'B', ... in order of recording, per kind.
    #[getter]
    fn label(&self) -> &str {
        &self.0.label
    }

    /// The text.
    #[getter]
    fn text(&self) -> &str {
        &self.0.text
    }

    /// Handle of the principal who recorded it.
    #[getter]
    fn created_by(&self) -> &str {
        &self.0.created_by
    }

    /// When it was recorded (UTC).
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Impressions reported so far.
    #[getter]
    fn impressions(&self) -> u64 {
        self.0.impressions
    }

    /// Clicks reported so far (never more than `impressions`).
    #[getter]
    fn clicks(&self) -> u64 {
        self.0.clicks
    }

    /// Clicks per impression, or None before any impression.
    #[getter]
    fn click_rate(&self) -> Option<f64> {
        self.0.click_rate()
    }

    /// The fields as a plain dict (pandas-ready), `click_rate` included.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("item_id", self.item_id())?;
        d.set_item("kind", self.kind())?;
        d.set_item("style", self.style())?;
        d.set_item("label", self.label())?;
        d.set_item("text", self.text())?;
        d.set_item("created_by", self.created_by())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("impressions", self.impressions())?;
        d.set_item("clicks", self.clicks())?;
        d.set_item("click_rate", self.click_rate())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "id",
            "item_id",
            "kind",
            "style",
            "label",
            "text",
            "impressions",
            "clicks",
        ];
        repr("ContentVariant", &self.to_dict(py)?, &keys)
    }
}

/// The style `text` is written in, as `Engine.add_variant` detects it:
/// 'question' when it ends with a question mark or a question particle
/// (吗, 呢), else 'number' when it holds a digit (ASCII, full-width or a
/// Chinese numeral up to 十), else 'plain'.
#[pyfunction]
fn variant_style(text: &str) -> &'static str {
    VariantStyle::of(text).as_str()
}

#[pymethods]
impl PyEngine {
    /// Record an A/B variant on item `item_id` (CON-8; needs 'content.edit'):
    /// `kind` 'title' (display text, at most 200 characters) or 'copy' (the
    /// body's limits), `style` one of `VARIANT_STYLES` or None to detect it
    /// from the text (`brandrail.variant_style`). PolicyViolationError (rule
    /// 'CON-3') when the compliance checker finds anything that blocks in the
    /// text; ConflictError once the item is published or it has 26 variants
    /// of the kind; NotFoundError for an unknown item.
    #[pyo3(signature = (actor, item_id, *, kind, text, style = None))]
    fn add_variant(
        &self,
        py: Python<'_>,
        actor: String,
        item_id: i64,
        kind: &str,
        text: String,
        style: Option<&str>,
    ) -> PyResult<PyContentVariant> {
        let input = NewVariant {
            kind: parse::<VariantKind>(kind, "kind").into_pyresult()?,
            text,
            style: style
                .map(|s| parse::<VariantStyle>(s, "style"))
                .transpose()
                .into_pyresult()?,
        };
        self.call(py, |e| e.add_variant(&actor, item_id, input))
            .map(PyContentVariant)
    }

    /// Add reported `impressions` and `clicks` (ints, 0 or more) to variant
    /// `variant_id` (needs 'metrics.ingest'). ValidationError when the clicks
    /// would exceed the impressions or a total goes out of range (nothing is
    /// added); NotFoundError for an unknown variant.
    #[pyo3(signature = (actor, variant_id, *, impressions, clicks))]
    fn record_variant_results(
        &self,
        py: Python<'_>,
        actor: String,
        variant_id: i64,
        impressions: &Bound<'_, PyAny>,
        clicks: &Bound<'_, PyAny>,
    ) -> PyResult<PyContentVariant> {
        let impressions = whole::<u64>(impressions, "impressions")?;
        let clicks = whole::<u64>(clicks, "clicks")?;
        self.call(py, |e| {
            e.record_variant_results(&actor, variant_id, impressions, clicks)
        })
        .map(PyContentVariant)
    }

    /// The variants of item `item_id`, in the order they were recorded;
    /// NotFoundError for an unknown item.
    fn content_variants(&self, py: Python<'_>, item_id: i64) -> PyResult<Vec<PyContentVariant>> {
        let found = self.call(py, |e| e.content_variants(item_id))?;
        Ok(found.into_iter().map(PyContentVariant).collect())
    }
}

/// Add the classes, functions and value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyContentVariant>()?;
    m.add_function(wrap_pyfunction!(variant_style, m)?)?;
    m.add(
        "VARIANT_KINDS",
        PyTuple::new(py, VariantKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    m.add(
        "VARIANT_STYLES",
        PyTuple::new(py, VariantStyle::ALL.iter().map(|s| s.as_str()))?,
    )?;
    Ok(())
}
