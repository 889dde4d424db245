//! The pre-publish checklist (core `content/checklist.rs`, CON-4, CON-5): the
//! `ChecklistReport` and `ChecklistIssue` classes, the `CHECK_KINDS` and
//! `REQUIRED_FIELD_NAMES` value sets and `Engine.prepublish_check`.
//!
//! Core reports an issue's offsets in characters of its field, which are
//! exactly Python `str` indexes, and in UTF-16 code units for JavaScript and
//! Kotlin front ends; both pass through unchanged.

use brandrail::content::{CheckKind, ChecklistIssue, ChecklistReport, REQUIRED_FIELD_NAMES};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use super::{PyFinding, severity};
use crate::convert::repr;
use crate::engine::PyEngine;

/// One thing the pre-publish checklist found (CON-4, CON-5; CON-6 for an
/// unauthorized user-generated asset).
///
/// When the issue is in the title or body text (a link, a misspelt brand
/// name), `start` and `end` are indexes into that field of the checked
/// version, so `text[issue.start:issue.end] == issue.matched`.
#[pyclass(frozen, eq, module = "brandrail", name = "ChecklistIssue")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyChecklistIssue(ChecklistIssue);

#[pymethods]
impl PyChecklistIssue {
    /// The rule: 'CON-4', 'CON-5' or 'CON-6'.
    #[getter]
    fn rule(&self) -> &str {
        &self.0.rule
    }

    /// What kind of problem (one of `brandrail.CHECK_KINDS`), e.g.
    /// 'link_domain', 'asset_retired', 'brand_spelling'.
    #[getter]
    fn check(&self) -> &'static str {
        self.0.check.as_str()
    }

    /// 'block' (stops review, scheduling and publication) or 'warn' (needs a
    /// human look).
    #[getter]
    fn severity(&self) -> &'static str {
        severity(self.0.severity)
    }

    /// The field concerned: 'title', 'body', 'assets', 'duration_seconds',
    /// 'paragraph_spacing', 'template', 'fonts', 'palette' or a required
    /// field's name.
    #[getter]
    fn field(&self) -> &str {
        &self.0.field
    }

    /// What is wrong, in words.
    #[getter]
    fn message(&self) -> &str {
        &self.0.message
    }

    /// The text concerned (a link, a misspelling, a font, an asset id as a
    /// str), or None.
    #[getter]
    fn matched(&self) -> Option<&str> {
        self.0.matched.as_deref()
    }

    /// Start index into the field's text (a Python `str` index), when the
    /// issue is in the title or body; else None.
    #[getter]
    fn start(&self) -> Option<usize> {
        self.0.start
    }

    /// End index (exclusive): `text[start:end] == matched`; else None.
    #[getter]
    fn end(&self) -> Option<usize> {
        self.0.end
    }

    /// Start in UTF-16 code units, for a JavaScript, Java or Kotlin front end
    /// showing the same text; None when `start` is.
    #[getter]
    fn utf16_start(&self) -> Option<usize> {
        self.0.utf16_start
    }

    /// End (exclusive) in UTF-16 code units; None when `end` is.
    #[getter]
    fn utf16_end(&self) -> Option<usize> {
        self.0.utf16_end
    }

    /// What to do instead, or None.
    #[getter]
    fn suggestion(&self) -> Option<&str> {
        self.0.suggestion.as_deref()
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("rule", self.rule())?;
        d.set_item("check", self.check())?;
        d.set_item("severity", self.severity())?;
        d.set_item("field", self.field())?;
        d.set_item("message", self.message())?;
        d.set_item("matched", self.matched())?;
        d.set_item("start", self.start())?;
        d.set_item("end", self.end())?;
        d.set_item("utf16_start", self.utf16_start())?;
        d.set_item("utf16_end", self.utf16_end())?;
        d.set_item("suggestion", self.suggestion())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "rule", "check", "severity", "field", "matched", "start", "end",
        ];
        repr("ChecklistIssue", &self.to_dict(py)?, &keys)
    }
}

/// The pre-publish checklist of an item's current version
/// (`Engine.prepublish_check`): the CON-4/CON-5 issues in check order and the
/// compliance findings (CON-3) of its title and body. `passed` is True when
/// nothing blocks; submission, scheduling and publication are refused while
/// something does.
#[pyclass(frozen, eq, module = "brandrail", name = "ChecklistReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyChecklistReport {
    report: ChecklistReport,
}

#[pymethods]
impl PyChecklistReport {
    /// Id of the item.
    #[getter]
    fn item_id(&self) -> i64 {
        self.report.item_id
    }

    /// The version checked (the item's current one).
    #[getter]
    fn version(&self) -> u32 {
        self.report.version
    }

    /// True when nothing blocks: no blocking issue and no blocking finding.
    #[getter]
    fn passed(&self) -> bool {
        self.report.passed
    }

    /// How many issues and findings block (0 exactly when `passed`).
    #[getter]
    fn blocking(&self) -> usize {
        self.report.blocking()
    }

    /// The CON-4, CON-5 and CON-6 issues, in check order (a copy).
    #[getter]
    fn issues(&self) -> Vec<PyChecklistIssue> {
        self.report
            .issues
            .iter()
            .cloned()
            .map(PyChecklistIssue)
            .collect()
    }

    /// Compliance findings in the title (offsets into the title).
    #[getter]
    fn title_findings(&self) -> Vec<PyFinding> {
        self.report
            .title_findings
            .iter()
            .cloned()
            .map(PyFinding)
            .collect()
    }

    /// Compliance findings in the body (offsets into the body).
    #[getter]
    fn body_findings(&self) -> Vec<PyFinding> {
        self.report
            .body_findings
            .iter()
            .cloned()
            .map(PyFinding)
            .collect()
    }

    /// The fields as plain dicts and lists: `issues`, `title_findings` and
    /// `body_findings` are lists of their items' `to_dict()`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("item_id", self.item_id())?;
        d.set_item("version", self.version())?;
        d.set_item("passed", self.passed())?;
        d.set_item("blocking", self.blocking())?;
        let issues = self
            .issues()
            .iter()
            .map(|i| i.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("issues", issues)?;
        let dicts = |found: Vec<PyFinding>| {
            found
                .iter()
                .map(|f| f.to_dict(py))
                .collect::<PyResult<Vec<_>>>()
        };
        d.set_item("title_findings", dicts(self.title_findings())?)?;
        d.set_item("body_findings", dicts(self.body_findings())?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = PyDict::new(py);
        d.set_item("item_id", self.item_id())?;
        d.set_item("version", self.version())?;
        d.set_item("passed", self.passed())?;
        d.set_item("blocking", self.blocking())?;
        d.set_item(
            "checks",
            self.report
                .issues
                .iter()
                .map(|i| i.check.as_str())
                .collect::<Vec<_>>(),
        )?;
        let rules: Vec<&str> = self
            .report
            .title_findings
            .iter()
            .chain(&self.report.body_findings)
            .map(|f| f.rule_id.as_str())
            .collect();
        d.set_item("finding_rules", rules)?;
        let keys = [
            "item_id",
            "version",
            "passed",
            "blocking",
            "checks",
            "finding_rules",
        ];
        repr("ChecklistReport", &d, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// The pre-publish checklist of item `id`'s current version (CON-3..CON-6),
    /// as one report: links well-formed and on allowed domains, referenced
    /// assets in the library, active, public and (user-generated ones)
    /// authorized, required fields present, ads labelled, brand names spelt
    /// right, a short video's length, paragraph spacing, approved templates,
    /// fonts and palettes; and the compliance findings of title and body.
    /// Reads only and needs no principal. NotFoundError for an unknown item,
    /// ConflictError for one with no version yet.
    fn prepublish_check(&self, py: Python<'_>, id: i64) -> PyResult<PyChecklistReport> {
        let report = self.call(py, |e| e.prepublish_check(id))?;
        Ok(PyChecklistReport { report })
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyChecklistReport>()?;
    m.add_class::<PyChecklistIssue>()?;
    m.add(
        "CHECK_KINDS",
        PyTuple::new(py, CheckKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    m.add(
        "REQUIRED_FIELD_NAMES",
        PyTuple::new(py, REQUIRED_FIELD_NAMES)?,
    )?;
    Ok(())
}
