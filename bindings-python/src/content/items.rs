//! Content items (core `content/items.rs`, CON-1, CON-2): the `ContentItem`
//! and `ContentVersion` classes, the `CONTENT_KINDS` and `CONTENT_STATES`
//! value sets and the Engine methods that move an item through its lifecycle.
//! Review runs on the approvals the binding already exposes (`approve`,
//! `reject`, ...) through the item's `approval_id`.

use brandrail::content::{ContentItem, ContentKind, ContentState, ContentVersion, NewContent};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{parse, repr, utc};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

/// A content item (CON-1): an article, short video, ad creative, ... planned
/// for one channel, with its current version and where it stands in the
/// lifecycle (CON-2).
#[pyclass(frozen, eq, module = "brandrail", name = "ContentItem")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyContentItem(ContentItem);

#[pymethods]
impl PyContentItem {
    /// Identifier.
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// What it is (one of `brandrail.CONTENT_KINDS`), e.g. 'ad_creative'.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// Title of the current version (the working title while planned).
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }

    /// The channel it is planned for (a media platform name, e.g. 'douyin').
    #[getter]
    fn channel(&self) -> &str {
        &self.0.channel
    }

    /// Handle of the principal responsible (who planned it).
    #[getter]
    fn owner(&self) -> &str {
        &self.0.owner
    }

    /// Where it stands (one of `brandrail.CONTENT_STATES`): 'planned',
    /// 'in_production', 'in_review', 'approved', 'scheduled', 'published',
    /// 'retrospective'.
    #[getter]
    fn state(&self) -> &'static str {
        self.0.state.as_str()
    }

    /// Current version number: 0 while planned, then 1, 2, ... per edit.
    #[getter]
    fn version(&self) -> u32 {
        self.0.version
    }

    /// Whether it is an ad (legal reviews it too).
    #[getter]
    fn is_ad(&self) -> bool {
        self.0.is_ad
    }

    /// Whether it is sensitive (a supervisor reviews it too).
    #[getter]
    fn sensitive(&self) -> bool {
        self.0.sensitive
    }

    /// Id of the review approval of the current version once submitted
    /// (decide it with `Engine.approve`, `reject`, ...), else None.
    #[getter]
    fn approval_id(&self) -> Option<i64> {
        self.0.approval_id
    }

    /// When it is scheduled to go out, or None.
    #[getter]
    fn scheduled_at(&self) -> Option<DateTime<Utc>> {
        self.0.scheduled_at
    }

    /// When it was published, or None.
    #[getter]
    fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// When it was planned (UTC).
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// Its last change (UTC).
    #[getter]
    fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("kind", self.kind())?;
        d.set_item("title", self.title())?;
        d.set_item("channel", self.channel())?;
        d.set_item("owner", self.owner())?;
        d.set_item("state", self.state())?;
        d.set_item("version", self.version())?;
        d.set_item("is_ad", self.is_ad())?;
        d.set_item("sensitive", self.sensitive())?;
        d.set_item("approval_id", self.approval_id())?;
        d.set_item("scheduled_at", self.scheduled_at())?;
        d.set_item("published_at", self.published_at())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("updated_at", self.updated_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["id", "kind", "title", "channel", "state", "version"];
        repr("ContentItem", &self.to_dict(py)?, &keys)
    }
}

/// One version of a content item; every edit makes one (CON-1), and every
/// version is kept.
#[pyclass(frozen, eq, module = "brandrail", name = "ContentVersion")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyContentVersion(ContentVersion);

#[pymethods]
impl PyContentVersion {
    /// Id of the item.
    #[getter]
    fn item_id(&self) -> i64 {
        self.0.item_id
    }

    /// Version number: 1, 2, ...
    #[getter]
    fn version(&self) -> u32 {
        self.0.version
    }

    /// Title.
    #[getter]
    fn title(&self) -> &str {
        &self.0.title
    }

    /// Body text.
    #[getter]
    fn body(&self) -> &str {
        &self.0.body
    }

    /// Handle of the principal who wrote it.
    #[getter]
    fn author(&self) -> &str {
        &self.0.author
    }

    /// When it was written (UTC).
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The fields as a plain dict (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("item_id", self.item_id())?;
        d.set_item("version", self.version())?;
        d.set_item("title", self.title())?;
        d.set_item("body", self.body())?;
        d.set_item("author", self.author())?;
        d.set_item("created_at", self.created_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["item_id", "version", "title", "author", "created_at"];
        repr("ContentVersion", &self.to_dict(py)?, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// Plan a content item (CON-1; needs 'content.create'): state 'planned',
    /// version 0, owned by `actor`.
    ///
    /// `kind` is one of `brandrail.CONTENT_KINDS`; `channel` an identifier
    /// such as 'douyin'. `is_ad` brings legal into its review, `sensitive` a
    /// supervisor.
    #[pyo3(signature = (actor, *, kind, title, channel, is_ad = false, sensitive = false))]
    #[allow(clippy::too_many_arguments)]
    fn plan_content(
        &self,
        py: Python<'_>,
        actor: String,
        kind: &str,
        title: String,
        channel: String,
        is_ad: bool,
        sensitive: bool,
    ) -> PyResult<PyContentItem> {
        let input = NewContent {
            kind: parse::<ContentKind>(kind, "kind").into_pyresult()?,
            title,
            channel,
            is_ad,
            sensitive,
        };
        self.call(py, |e| e.plan_content(&actor, input))
            .map(PyContentItem)
    }

    /// Write a new version (CON-1: every edit is a version; needs
    /// 'content.edit'). The item goes (back) to 'in_production': an approved
    /// or scheduled item loses its approval, which covered the previous
    /// version. ConflictError while in review and once published.
    #[pyo3(signature = (actor, id, *, title, body))]
    fn edit_content(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        title: String,
        body: String,
    ) -> PyResult<PyContentItem> {
        self.call(py, |e| e.edit_content(&actor, id, &title, &body))
            .map(PyContentItem)
    }

    /// Send the current version to review (CON-2; needs 'approval.submit'):
    /// the 'content_review' workflow starts and `approval_id` names it.
    /// PolicyViolationError (rule 'CON-3') while the compliance checker finds
    /// anything that blocks; ConflictError unless the item is in production.
    fn submit_content(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyContentItem> {
        self.call(py, |e| e.submit_content(&actor, id))
            .map(PyContentItem)
    }

    /// Schedule approved content for `at`, a timezone-aware datetime not in
    /// the past (CON-2; needs 'content.schedule'). PolicyViolationError
    /// (rule 'CON-2') unless approved or already scheduled.
    fn schedule_content(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PyContentItem> {
        let at = utc(at, "at")?;
        self.call(py, |e| e.schedule_content(&actor, id, at))
            .map(PyContentItem)
    }

    /// Publish approved or scheduled content now (CON-2; needs
    /// 'content.publish'). PolicyViolationError (rule 'CON-2') otherwise.
    fn publish_content(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyContentItem> {
        self.call(py, |e| e.publish_content(&actor, id))
            .map(PyContentItem)
    }

    /// Close published content after its retrospective: state
    /// 'retrospective' (CON-2; needs 'content.edit').
    fn close_content(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyContentItem> {
        self.call(py, |e| e.close_content(&actor, id))
            .map(PyContentItem)
    }

    /// One content item; NotFoundError if there is none with this id.
    fn content_item(&self, py: Python<'_>, id: i64) -> PyResult<PyContentItem> {
        self.call(py, |e| e.content_item(id)).map(PyContentItem)
    }

    /// Every version of an item, oldest first; NotFoundError for an unknown
    /// item.
    fn content_versions(&self, py: Python<'_>, id: i64) -> PyResult<Vec<PyContentVersion>> {
        let versions = self.call(py, |e| e.content_versions(id))?;
        Ok(versions.into_iter().map(PyContentVersion).collect())
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyContentItem>()?;
    m.add_class::<PyContentVersion>()?;
    m.add(
        "CONTENT_KINDS",
        PyTuple::new(py, ContentKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    m.add(
        "CONTENT_STATES",
        PyTuple::new(py, ContentState::ALL.iter().map(|s| s.as_str()))?,
    )?;
    Ok(())
}
