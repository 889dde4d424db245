//! Approvals (core `approval`): the `Subject` and `Attachment` inputs (a
//! plain dict works too) and the value sets. The result classes are in
//! `approval/instance.rs` (an instance and its history) and
//! `approval/tasks.rs` (tasks, delegations, throughput); the Engine methods
//! in `approval/engine.rs`, as in core.

mod engine;
mod instance;
mod tasks;

use std::collections::BTreeMap;

use brandrail::money::Decimal;
use brandrail::{ApprovalState, Attachment, EventKind, StageState, Subject, SubjectKind};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{decimal, dict_items, extract_at, missing, parse, path, repr, unexpected};
use crate::error::IntoPyResult;

use instance::{PyApprovalEvent, PyApprovalInstance, PyStageApproval, PyStageStatus};
use tasks::{PyApprovalTask, PyDelegation, PyStageThroughput};

/// Metadata of a document attached to a subject (an invoice for a
/// reimbursement); the document itself stays where it is, identified by its
/// SHA-256. A plain dict with the same keys works too.
///
/// `amount` (the amount on the document, if any) is exact money: a
/// `decimal.Decimal`, an int or a decimal string such as '1280.50' (digits,
/// an optional '-' and '.' fraction, at most 28 significant digits: what
/// every brandrail binding accepts, so '1e3', '1_000' and '+5' raise
/// ValidationError); a float raises TypeError. It reads back as
/// `decimal.Decimal`. The other fields are checked when the subject is
/// submitted (`sha256` must be 64 hex digits, `amount` not negative).
#[pyclass(frozen, eq, module = "brandrail", name = "Attachment")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAttachment(Attachment);

/// An `Attachment` or a dict with its keys; `at` names it in errors.
fn attachment_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Attachment> {
    if let Ok(a) = value.cast::<PyAttachment>() {
        return Ok(a.get().0.clone());
    }
    let (mut kind, mut name, mut sha256, mut amount) = (None, None, None, None);
    for (key, value) in dict_items(value, at, "an Attachment or a dict")? {
        let here = path(at, &key);
        match key.as_str() {
            "kind" => kind = Some(extract_at::<String>(&value, &here)?),
            "name" => name = Some(extract_at::<String>(&value, &here)?),
            "sha256" => sha256 = Some(extract_at::<String>(&value, &here)?),
            "amount" if value.is_none() => amount = None,
            "amount" => amount = Some(decimal(&value, &here)?),
            _ => return Err(unexpected(at, &key, "kind, name, sha256, amount")),
        }
    }
    Ok(Attachment {
        kind: kind.ok_or_else(|| missing(at, "kind"))?,
        name: name.ok_or_else(|| missing(at, "name"))?,
        sha256: sha256.ok_or_else(|| missing(at, "sha256"))?,
        amount,
    })
}

#[pymethods]
impl PyAttachment {
    #[new]
    #[pyo3(signature = (kind, name, sha256, amount = None))]
    fn new(
        kind: String,
        name: String,
        sha256: String,
        amount: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let amount = amount
            .filter(|a| !a.is_none())
            .map(|a| decimal(a, "amount"))
            .transpose()?;
        Ok(Self(Attachment {
            kind,
            name,
            sha256,
            amount,
        }))
    }

    /// What the document is: 'invoice', 'contract', 'receipt', ...
    #[getter]
    fn kind(&self) -> &str {
        &self.0.kind
    }

    /// File name.
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// SHA-256 of the file, 64 hex digits.
    #[getter]
    fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// The amount on the document as `decimal.Decimal`, or None.
    #[getter]
    fn amount(&self) -> Option<Decimal> {
        self.0.amount
    }

    /// The fields as a plain dict (accepted back wherever an Attachment is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.kind())?;
        d.set_item("name", self.name())?;
        d.set_item("sha256", self.sha256())?;
        d.set_item("amount", self.amount())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr(
            "Attachment",
            &self.to_dict(py)?,
            &["kind", "name", "sha256", "amount"],
        )
    }
}

/// What is submitted for approval. A plain dict with the same keys works
/// too.
///
/// `kind` is one of `brandrail.SUBJECT_KINDS` and must match the workflow's;
/// `reference` is the subject's id in its own system (a content version, a
/// claim number), `title` a short title for task lists. `attributes` are the
/// facts stage conditions test, as strings (`{"is_ad": "true"}`,
/// `{"amount": "12000.00"}`); `attachments` are `Attachment`s or dicts. A bad
/// kind raises ValidationError here; the other fields are checked on
/// submission.
#[pyclass(frozen, eq, module = "brandrail", name = "Subject")]
#[derive(Clone, PartialEq)]
pub(crate) struct PySubject(Subject);

/// Core's subject from its parts; `at` prefixes field names in errors
/// ('subject.kind', or 'kind' for the constructor).
fn subject_from(
    kind: &str,
    reference: String,
    title: String,
    attributes: Option<&Bound<'_, PyAny>>,
    attachments: Option<&Bound<'_, PyAny>>,
    at: &str,
) -> PyResult<Subject> {
    let mut subject = Subject::new(
        parse::<SubjectKind>(kind, &path(at, "kind")).into_pyresult()?,
        reference,
        title,
    );
    if let Some(attributes) = attributes.filter(|a| !a.is_none()) {
        let here = path(at, "attributes");
        let mut map = BTreeMap::new();
        for (key, value) in dict_items(attributes, &here, "a dict of str to str")? {
            map.insert(key, extract_at::<String>(&value, &here)?);
        }
        subject.attributes = map;
    }
    if let Some(attachments) = attachments.filter(|a| !a.is_none()) {
        let here = path(at, "attachments");
        let Ok(items) = attachments.try_iter() else {
            return Err(PyTypeError::new_err(format!(
                "{here}: expected a list of Attachment or dict, got {}",
                attachments.get_type().name()?
            )));
        };
        for (i, item) in items.enumerate() {
            let attachment = attachment_arg(&item?, &format!("{here}[{i}]"))?;
            subject = subject.with_attachment(attachment);
        }
    }
    Ok(subject)
}

/// A `Subject` or a dict with its keys; `at` names it in errors ('subject').
pub(crate) fn subject_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<Subject> {
    if let Ok(s) = value.cast::<PySubject>() {
        return Ok(s.get().0.clone());
    }
    let (mut kind, mut reference, mut title) = (None, None, None);
    let (mut attributes, mut attachments) = (None, None);
    for (key, value) in dict_items(value, at, "a Subject or a dict")? {
        let here = path(at, &key);
        match key.as_str() {
            "kind" => kind = Some(extract_at::<String>(&value, &here)?),
            "reference" => reference = Some(extract_at::<String>(&value, &here)?),
            "title" => title = Some(extract_at::<String>(&value, &here)?),
            "attributes" => attributes = Some(value),
            "attachments" => attachments = Some(value),
            _ => {
                return Err(unexpected(
                    at,
                    &key,
                    "kind, reference, title, attributes, attachments",
                ));
            }
        }
    }
    subject_from(
        &kind.ok_or_else(|| missing(at, "kind"))?,
        reference.ok_or_else(|| missing(at, "reference"))?,
        title.ok_or_else(|| missing(at, "title"))?,
        attributes.as_ref(),
        attachments.as_ref(),
        at,
    )
}

#[pymethods]
impl PySubject {
    #[new]
    #[pyo3(signature = (kind, reference, title, attributes = None, attachments = None))]
    fn new(
        kind: &str,
        reference: String,
        title: String,
        attributes: Option<&Bound<'_, PyAny>>,
        attachments: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        subject_from(kind, reference, title, attributes, attachments, "").map(Self)
    }

    /// What it is (one of `brandrail.SUBJECT_KINDS`), e.g. 'content_version'.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// Its identifier in its own system (content version id, claim number, ...).
    #[getter]
    fn reference(&self) -> &str {
        &self.0.reference
    }

    /// A short title for task lists.
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }

    /// The facts stage conditions test, e.g. `{"is_ad": "true"}` (a copy).
    #[getter]
    fn attributes(&self) -> BTreeMap<String, String> {
        self.0.attributes.clone()
    }

    /// Attached documents, in submission order.
    #[getter]
    fn attachments(&self) -> Vec<PyAttachment> {
        self.0
            .attachments
            .iter()
            .cloned()
            .map(PyAttachment)
            .collect()
    }

    /// The fields as plain dicts and lists (accepted back wherever a Subject is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("kind", self.kind())?;
        d.set_item("reference", self.reference())?;
        d.set_item("title", self.title())?;
        d.set_item("attributes", self.attributes())?;
        let attachments = self
            .attachments()
            .iter()
            .map(|a| a.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("attachments", attachments)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["kind", "reference", "title", "attributes", "attachments"];
        repr("Subject", &self.to_dict(py)?, &keys)
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PySubject>()?;
    m.add_class::<PyAttachment>()?;
    m.add_class::<PyApprovalInstance>()?;
    m.add_class::<PyStageStatus>()?;
    m.add_class::<PyStageApproval>()?;
    m.add_class::<PyApprovalEvent>()?;
    m.add_class::<PyApprovalTask>()?;
    m.add_class::<PyDelegation>()?;
    m.add_class::<PyStageThroughput>()?;
    m.add(
        "SUBJECT_KINDS",
        PyTuple::new(py, SubjectKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    m.add(
        "APPROVAL_STATES",
        PyTuple::new(py, ApprovalState::ALL.iter().map(|s| s.as_str()))?,
    )?;
    m.add(
        "STAGE_STATES",
        PyTuple::new(py, StageState::ALL.iter().map(|s| s.as_str()))?,
    )?;
    m.add(
        "APPROVAL_EVENT_KINDS",
        PyTuple::new(py, EventKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    Ok(())
}
