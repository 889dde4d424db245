//! Content (core `content`): the compliance checker (CON-3). The `Finding`
//! class, the module functions that check with the shipped term pack
//! (`check_text`, `check_texts`, `check_texts_columns`, `pack_version`) and
//! the Engine methods that check with the policy in force. As in core, the
//! rest has a file each: content items, their lifecycle and derivatives
//! (CON-1, CON-2, CON-8) in `content/items.rs`, the pre-publish checklist
//! (CON-4, CON-5) in `content/checklist.rs`, the asset library (CON-6) in
//! `content/assets.rs`, the publishing plan and themes (CON-7, CON-8) in
//! `content/plan.rs` and A/B variants (CON-8) in `content/variants.rs`.
//!
//! Texts cross once per call (a batch is one crossing) and are checked with
//! the GIL released. Core reports offsets in Unicode scalar values, which are
//! exactly Python `str` indexes, so `start`/`end` pass through unchanged.

mod assets;
mod checklist;
mod items;
mod plan;
mod variants;

use brandrail::content::compliance::{self, Finding, Scanner};
use brandrail::policy::Severity;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{columns, repr, strings};
use crate::engine::PyEngine;

/// The column names of `check_texts_columns()`: `text_index`, then the keys
/// of `Finding.to_dict()`.
const COLUMNS: [&str; 12] = [
    "text_index",
    "rule_id",
    "category",
    "severity",
    "term",
    "matched",
    "start",
    "end",
    "utf16_start",
    "utf16_end",
    "legal_basis",
    "suggestion",
];

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Block => "block",
        Severity::Warn => "warn",
    }
}

/// One row of [`COLUMNS`]: the finding's values after its text's index.
fn row<'py>(py: Python<'py>, text_index: usize, f: &Finding) -> PyResult<[Bound<'py, PyAny>; 12]> {
    Ok([
        text_index.into_pyobject(py)?.into_any(),
        f.rule_id.as_str().into_pyobject(py)?.into_any(),
        f.category.as_str().into_pyobject(py)?.into_any(),
        severity(f.severity).into_pyobject(py)?.into_any(),
        f.term.as_str().into_pyobject(py)?.into_any(),
        f.matched.as_str().into_pyobject(py)?.into_any(),
        f.start.into_pyobject(py)?.into_any(),
        f.end.into_pyobject(py)?.into_any(),
        f.utf16_start.into_pyobject(py)?.into_any(),
        f.utf16_end.into_pyobject(py)?.into_any(),
        f.legal_basis.as_str().into_pyobject(py)?.into_any(),
        f.suggestion.as_str().into_pyobject(py)?.into_any(),
    ])
}

/// Something the compliance checker found in a text (CON-3): a banned or
/// risky term, personal data that must be masked, or an unfinished
/// placeholder.
///
/// `start` and `end` are indexes into the text as passed, so
/// `text[f.start:f.end] == f.matched` even when the match was written in full
/// width, traditional characters or with spaces, emoji or zero-width
/// characters inside it.
#[pyclass(frozen, eq, module = "brandrail", name = "Finding")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyFinding(Finding);

#[pymethods]
impl PyFinding {
    /// Stable id of the rule: the term's id ('ABS-001'), 'PII-PHONE',
    /// 'PII-ID', 'PII-EMAIL', 'PII-CARD', 'PLACEHOLDER', or 'CUSTOM-n' for the
    /// n-th of the policy's `compliance.custom_terms`.
    #[getter]
    fn rule_id(&self) -> &str {
        &self.0.rule_id
    }

    /// Category id: 'absolute', 'medical', 'finance_guarantee', ...,
    /// 'personal_data', 'placeholder', or a company term's own category.
    #[getter]
    fn category(&self) -> &str {
        &self.0.category
    }

    /// 'block' (stops publication) or 'warn' (needs a human look).
    #[getter]
    fn severity(&self) -> &'static str {
        severity(self.0.severity)
    }

    /// The canonical term ('最佳' for a match written '最 佳' or '最佳'), or the
    /// kind of personal data ('手机号') or placeholder.
    #[getter]
    fn term(&self) -> &str {
        &self.0.term
    }

    /// The span of the text that matched, exactly as written.
    #[getter]
    fn matched(&self) -> &str {
        &self.0.matched
    }

    /// Start index into the text (a Python `str` index: Unicode code points).
    #[getter]
    fn start(&self) -> usize {
        self.0.start
    }

    /// End index (exclusive): `text[start:end] == matched`.
    #[getter]
    fn end(&self) -> usize {
        self.0.end
    }

    /// Start in UTF-16 code units, for a JavaScript, Java or Kotlin front end
    /// showing the same text.
    #[getter]
    fn utf16_start(&self) -> usize {
        self.0.utf16_start
    }

    /// End (exclusive) in UTF-16 code units.
    #[getter]
    fn utf16_end(&self) -> usize {
        self.0.utf16_end
    }

    /// The law or rule the finding rests on.
    #[getter]
    fn legal_basis(&self) -> &str {
        &self.0.legal_basis
    }

    /// What to write instead.
    #[getter]
    fn suggestion(&self) -> &str {
        &self.0.suggestion
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        // Every column but `text_index`, which belongs to a batch.
        for (key, value) in COLUMNS.iter().zip(row(py, 0, &self.0)?).skip(1) {
            d.set_item(key, value)?;
        }
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "rule_id", "category", "severity", "term", "matched", "start", "end",
        ];
        repr("Finding", &self.to_dict(py)?, &keys)
    }
}

/// Core's findings per text as Python lists.
fn wrap(batch: Vec<Vec<Finding>>) -> Vec<Vec<PyFinding>> {
    batch
        .into_iter()
        .map(|found| found.into_iter().map(PyFinding).collect())
        .collect()
}

/// The findings of a batch as columns, with the index of each one's text.
fn batch_columns<'py>(py: Python<'py>, batch: &[Vec<Finding>]) -> PyResult<Bound<'py, PyDict>> {
    let rows = batch
        .iter()
        .enumerate()
        .flat_map(|(i, found)| found.iter().map(move |f| row(py, i, f)));
    columns(py, &COLUMNS, rows)
}

/// Check `text` against the shipped term pack (CON-3) and return the
/// findings in order of position. Needs no Engine; to check with a company's
/// own terms and exceptions, use `Engine.check_text`. The GIL is released
/// while checking.
#[pyfunction]
fn check_text(py: Python<'_>, text: &str) -> Vec<PyFinding> {
    let found = py.detach(|| compliance::check_text(text));
    found.into_iter().map(PyFinding).collect()
}

/// Check many texts (any iterable of `str`; a lone `str` raises TypeError)
/// against the shipped term pack in one call; one list of findings per text,
/// in input order. An item that is not a `str` raises TypeError naming its
/// index ('texts[3]').
#[pyfunction]
fn check_texts(py: Python<'_>, texts: &Bound<'_, PyAny>) -> PyResult<Vec<Vec<PyFinding>>> {
    let texts = strings(texts, "texts")?;
    Ok(wrap(py.detach(|| compliance::check_texts(&texts))))
}

/// `check_texts` as columns: a dict of equally long lists, one row per
/// finding, keyed `text_index` (the position of the finding's text in
/// `texts`) and the keys of `Finding.to_dict()`; ready for
/// `pandas.DataFrame(...)`.
#[pyfunction]
fn check_texts_columns<'py>(
    py: Python<'py>,
    texts: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyDict>> {
    let texts = strings(texts, "texts")?;
    let batch = py.detach(|| compliance::check_texts(&texts));
    batch_columns(py, &batch)
}

/// Version of the shipped term pack (e.g. '2026.1'); store it with findings
/// to know which pack produced them.
#[pyfunction]
fn pack_version(py: Python<'_>) -> &'static str {
    py.detach(|| Scanner::shipped().pack_version())
}

#[pymethods]
impl PyEngine {
    /// As `brandrail.check_text`, with the policy in force: its
    /// `compliance.custom_terms` (rule ids 'CUSTOM-n') and
    /// `custom_exceptions`, and its switches for placeholders and personal
    /// data. Reads only and needs no principal.
    fn check_text(&self, py: Python<'_>, text: &str) -> PyResult<Vec<PyFinding>> {
        let found = self.call(py, |e| e.check_text(text))?;
        Ok(found.into_iter().map(PyFinding).collect())
    }

    /// As `brandrail.check_texts`, with the policy in force.
    fn check_texts(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<Vec<PyFinding>>> {
        let texts = strings(texts, "texts")?;
        self.call(py, |e| e.check_texts(&texts)).map(wrap)
    }

    /// As `brandrail.check_texts_columns`, with the policy in force.
    fn check_texts_columns<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let texts = strings(texts, "texts")?;
        let batch = self.call(py, |e| e.check_texts(&texts))?;
        batch_columns(py, &batch)
    }
}

/// Add the classes, functions and value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyFinding>()?;
    items::register(m)?;
    checklist::register(m)?;
    assets::register(m)?;
    plan::register(m)?;
    variants::register(m)?;
    m.add_function(wrap_pyfunction!(check_text, m)?)?;
    m.add_function(wrap_pyfunction!(check_texts, m)?)?;
    m.add_function(wrap_pyfunction!(check_texts_columns, m)?)?;
    m.add_function(wrap_pyfunction!(pack_version, m)?)?;
    Ok(())
}
