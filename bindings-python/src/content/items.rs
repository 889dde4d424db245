//! Content items (core `content/items.rs`, CON-1, CON-2, CON-8): the
//! `ContentItem`, `ContentVersion` and `VersionDetails` classes, the
//! `CONTENT_KINDS` and `CONTENT_STATES` value sets and the Engine methods that
//! plan, write, derive and move an item through its lifecycle. Review runs on
//! the approvals the binding already exposes (`approve`, `reject`, ...)
//! through the item's `approval_id`; the pre-publish checklist that gates it
//! is in `checklist.rs`.

use brandrail::content::{
    ContentDraft, ContentItem, ContentKind, ContentState, ContentVersion, NewContent,
    VersionDetails,
};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{ids, opt_whole, parse, real, repr, strings, utc};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

/// A content item (CON-1): an article, short video, ad creative, ... planned
/// for one channel, with its current version and where it stands in the
/// lifecycle (CON-2).
#[pyclass(frozen, eq, module = "brandrail", name = "ContentItem")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyContentItem(pub(super) ContentItem);

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

    /// Whether it is user-generated (it counts towards a channel's UGC quota
    /// in the publishing plan, CON-7).
    #[getter]
    fn ugc(&self) -> bool {
        self.0.ugc
    }

    /// The sub-kind a channel's mix is planned in ('amateur_review', 'koc',
    /// ...), or None.
    #[getter]
    fn format(&self) -> Option<&str> {
        self.0.format.as_deref()
    }

    /// Id of the item this one was repurposed from (`Engine.derive_content`,
    /// CON-8), or None.
    #[getter]
    fn source_id(&self) -> Option<i64> {
        self.0.source_id
    }

    /// Id of the quarterly theme it belongs to (`Engine.add_theme`, CON-8),
    /// or None.
    #[getter]
    fn theme_id(&self) -> Option<i64> {
        self.0.theme_id
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
        d.set_item("ugc", self.ugc())?;
        d.set_item("format", self.format())?;
        d.set_item("source_id", self.source_id())?;
        d.set_item("theme_id", self.theme_id())?;
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

/// What a version declares beyond its text, for the pre-publish checklist
/// (CON-4, CON-5): a video's length, the layout's paragraph spacing, the
/// template, fonts and palette used, and the asset-library assets it uses.
/// Everything is optional; the policy's `content.required_fields` says what
/// must be there.
///
/// The keys of `to_dict()` are the keyword arguments of
/// `Engine.edit_content`, so `edit_content(..., **version.details.to_dict())`
/// declares the same details again.
#[pyclass(frozen, eq, module = "brandrail", name = "VersionDetails")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyVersionDetails(VersionDetails);

#[pymethods]
impl PyVersionDetails {
    /// Length of a video in seconds, or None.
    #[getter]
    fn duration_seconds(&self) -> Option<u32> {
        self.0.duration_seconds
    }

    /// Paragraph (line) spacing of the layout, e.g. 1.5, or None.
    #[getter]
    fn paragraph_spacing(&self) -> Option<f64> {
        self.0.paragraph_spacing
    }

    /// Name of the template used, or None.
    #[getter]
    fn template(&self) -> Option<&str> {
        self.0.template.as_deref()
    }

    /// Fonts used (a copy).
    #[getter]
    fn fonts(&self) -> Vec<String> {
        self.0.fonts.clone()
    }

    /// Name of the palette used, or None.
    #[getter]
    fn palette(&self) -> Option<&str> {
        self.0.palette.as_deref()
    }

    /// Ids of the asset-library assets the piece uses (a copy).
    #[getter]
    fn assets(&self) -> Vec<i64> {
        self.0.assets.clone()
    }

    /// The fields as a plain dict; its keys are `Engine.edit_content`'s
    /// keyword arguments.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("duration_seconds", self.duration_seconds())?;
        d.set_item("paragraph_spacing", self.paragraph_spacing())?;
        d.set_item("template", self.template())?;
        d.set_item("fonts", self.fonts())?;
        d.set_item("palette", self.palette())?;
        d.set_item("assets", self.assets())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "duration_seconds",
            "paragraph_spacing",
            "template",
            "fonts",
            "palette",
            "assets",
        ];
        repr("VersionDetails", &self.to_dict(py)?, &keys)
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

    /// What it declares beyond its text: duration, layout and assets.
    #[getter]
    fn details(&self) -> PyVersionDetails {
        PyVersionDetails(self.0.details.clone())
    }

    /// The fields as a plain dict (pandas-ready); `details` is a nested dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("item_id", self.item_id())?;
        d.set_item("version", self.version())?;
        d.set_item("title", self.title())?;
        d.set_item("body", self.body())?;
        d.set_item("author", self.author())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("details", self.details().to_dict(py)?)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["item_id", "version", "title", "author", "created_at"];
        repr("ContentVersion", &self.to_dict(py)?, &keys)
    }
}

/// Core's input for a new item from `plan_content`'s and `derive_content`'s
/// keyword arguments.
#[allow(clippy::too_many_arguments)]
fn new_content(
    kind: &str,
    title: String,
    channel: String,
    is_ad: bool,
    sensitive: bool,
    ugc: bool,
    format: Option<String>,
    theme_id: Option<i64>,
) -> PyResult<NewContent> {
    Ok(NewContent {
        is_ad,
        sensitive,
        ugc,
        format,
        theme_id,
        ..NewContent::new(
            parse::<ContentKind>(kind, "kind").into_pyresult()?,
            title,
            channel,
        )
    })
}

/// An optional argument, None when absent or `None`.
fn given<'a, 'py>(value: Option<&'a Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    value.filter(|v| !v.is_none())
}

/// The details `edit_content` declares, or None when no detail argument was
/// given (the version then keeps the previous version's details).
fn version_details(
    duration_seconds: Option<&Bound<'_, PyAny>>,
    paragraph_spacing: Option<&Bound<'_, PyAny>>,
    template: Option<String>,
    fonts: Option<&Bound<'_, PyAny>>,
    palette: Option<String>,
    assets: Option<&Bound<'_, PyAny>>,
) -> PyResult<Option<VersionDetails>> {
    let (duration_seconds, paragraph_spacing) = (given(duration_seconds), given(paragraph_spacing));
    let (fonts, assets) = (given(fonts), given(assets));
    let any = duration_seconds.is_some()
        || paragraph_spacing.is_some()
        || template.is_some()
        || fonts.is_some()
        || palette.is_some()
        || assets.is_some();
    if !any {
        return Ok(None);
    }
    Ok(Some(VersionDetails {
        duration_seconds: opt_whole::<u32>(duration_seconds, "duration_seconds")?,
        paragraph_spacing: paragraph_spacing
            .map(|s| real(s, "paragraph_spacing"))
            .transpose()?,
        template,
        fonts: fonts
            .map(|f| strings(f, "fonts"))
            .transpose()?
            .unwrap_or_default(),
        palette,
        assets: assets
            .map(|a| ids(a, "assets"))
            .transpose()?
            .unwrap_or_default(),
    }))
}

#[pymethods]
impl PyEngine {
    /// Plan a content item (CON-1; needs 'content.create'): state 'planned',
    /// version 0, owned by `actor`.
    ///
    /// `kind` is one of `brandrail.CONTENT_KINDS`; `channel` an identifier
    /// such as 'douyin'. `is_ad` brings legal into its review, `sensitive` a
    /// supervisor. `ugc` marks user-generated content (the publishing plan
    /// counts it towards a channel's UGC quota), `format` the sub-kind a
    /// channel's mix is planned in (an identifier such as 'koc'), `theme_id`
    /// the quarterly theme it belongs to (NotFoundError for an unknown one).
    #[pyo3(signature = (
        actor, *, kind, title, channel, is_ad = false, sensitive = false, ugc = false,
        format = None, theme_id = None
    ))]
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
        ugc: bool,
        format: Option<String>,
        theme_id: Option<i64>,
    ) -> PyResult<PyContentItem> {
        let input = new_content(
            kind, title, channel, is_ad, sensitive, ugc, format, theme_id,
        )?;
        self.call(py, |e| e.plan_content(&actor, input))
            .map(PyContentItem)
    }

    /// Write a new version (CON-1: every edit is a version; needs
    /// 'content.edit'). The item goes (back) to 'in_production': an approved
    /// or scheduled item loses its approval, which covered the previous
    /// version. ConflictError while in review and once published.
    ///
    /// The keyword arguments after `body` declare the version's details for
    /// the pre-publish checklist (CON-4, CON-5): `duration_seconds` (an int,
    /// 1 to 86 400), `paragraph_spacing` (a float above 0, at most 10),
    /// `template`, `fonts` (a list of str), `palette` and `assets` (a list of
    /// asset ids, each once). Without any of them the version keeps the
    /// previous version's details; with any of them it declares exactly the
    /// ones given (the others are empty, not carried over). So
    /// `fonts=[]` alone clears every detail, and
    /// `**old_version.details.to_dict()` declares an older version's again.
    #[pyo3(signature = (
        actor, id, *, title, body, duration_seconds = None, paragraph_spacing = None,
        template = None, fonts = None, palette = None, assets = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn edit_content(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        title: String,
        body: String,
        duration_seconds: Option<&Bound<'_, PyAny>>,
        paragraph_spacing: Option<&Bound<'_, PyAny>>,
        template: Option<String>,
        fonts: Option<&Bound<'_, PyAny>>,
        palette: Option<String>,
        assets: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyContentItem> {
        let details = version_details(
            duration_seconds,
            paragraph_spacing,
            template,
            fonts,
            palette,
            assets,
        )?;
        match details {
            None => self.call(py, |e| e.edit_content(&actor, id, &title, &body)),
            Some(details) => {
                let draft = ContentDraft {
                    title,
                    body,
                    details,
                };
                self.call(py, |e| e.edit_content_with(&actor, id, &draft))
            }
        }
        .map(PyContentItem)
    }

    /// Repurpose a piece for another channel (CON-8; needs
    /// 'content.create'): a new item linked to its source (`source_id`),
    /// whose first version starts from the source's latest text and details,
    /// in production. The keyword arguments are `plan_content`'s.
    /// NotFoundError for an unknown source, ConflictError for a source with no
    /// version yet.
    #[pyo3(signature = (
        actor, source_id, *, kind, title, channel, is_ad = false, sensitive = false,
        ugc = false, format = None, theme_id = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn derive_content(
        &self,
        py: Python<'_>,
        actor: String,
        source_id: i64,
        kind: &str,
        title: String,
        channel: String,
        is_ad: bool,
        sensitive: bool,
        ugc: bool,
        format: Option<String>,
        theme_id: Option<i64>,
    ) -> PyResult<PyContentItem> {
        let input = new_content(
            kind, title, channel, is_ad, sensitive, ugc, format, theme_id,
        )?;
        self.call(py, |e| e.derive_content(&actor, source_id, input))
            .map(PyContentItem)
    }

    /// Send the current version to review (CON-2; needs 'approval.submit'):
    /// the 'content_review' workflow starts and `approval_id` names it.
    /// PolicyViolationError while the pre-publish checklist
    /// (`prepublish_check`) finds anything that blocks: rule 'CON-3' for a
    /// blocking compliance finding, else 'CON-4' (links, assets, required
    /// fields, ad label), 'CON-5' (brand spelling, video length, layout and
    /// VI) or 'CON-6' (an unauthorized user-generated asset). ConflictError
    /// unless the item is in production.
    fn submit_content(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyContentItem> {
        self.call(py, |e| e.submit_content(&actor, id))
            .map(PyContentItem)
    }

    /// Schedule approved content for `at`, a timezone-aware datetime not in
    /// the past (CON-2; needs 'content.schedule'). PolicyViolationError:
    /// rule 'CON-2' unless approved or already scheduled, the checklist's
    /// rule (as for `submit_content`) while it blocks, 'CON-7' when the slot
    /// would take the channel over its cadence cap.
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
    /// 'content.publish'). PolicyViolationError: rule 'CON-2' otherwise, the
    /// checklist's rule (as for `submit_content`) while it blocks, e.g. an
    /// asset retired or relabelled since approval.
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

    /// The items repurposed from item `id` (`derive_content`, CON-8), oldest
    /// first; NotFoundError for an unknown item.
    fn content_derivatives(&self, py: Python<'_>, id: i64) -> PyResult<Vec<PyContentItem>> {
        let items = self.call(py, |e| e.content_derivatives(id))?;
        Ok(items.into_iter().map(PyContentItem).collect())
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyContentItem>()?;
    m.add_class::<PyContentVersion>()?;
    m.add_class::<PyVersionDetails>()?;
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
