//! The asset library (core `content/assets.rs`, CON-6): the `Asset` and
//! `UgcAuthorization` classes (a plain dict works too for the latter), the
//! `ASSET_KINDS`, `ASSET_SOURCES`, `ASSET_STATES` and `CONFIDENTIALITY_LABELS`
//! value sets and the Engine methods that add, archive, read, list, relabel
//! and retire assets. A read refused for an asset's label raises
//! `PermissionDeniedError` with `reason == 'not_cleared'`.

use brandrail::content::{
    Asset, AssetFilter, AssetKind, AssetSource, AssetState, Confidentiality, NewAsset,
    UgcAuthorization,
};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

use crate::convert::{
    dict_items, extract_at, missing, opt_utc, parse, path, repr, strings, unexpected, utc,
};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

/// The signed permission of a content's creator to use user-generated
/// material (CON-6): who granted it, the reference of the signed record, when
/// it was signed, when it ends (None: it does not) and what it allows. A
/// plain dict with the same keys works too wherever one is accepted.
///
/// `signed_at` and `expires_at` are timezone-aware datetimes (a naive one
/// raises ValidationError); the texts are checked when the asset is added.
#[pyclass(frozen, eq, module = "brandrail", name = "UgcAuthorization")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyUgcAuthorization(UgcAuthorization);

/// A `UgcAuthorization` or a dict with its keys; `at` names it in errors
/// ('authorization').
fn authorization_arg(value: &Bound<'_, PyAny>, at: &str) -> PyResult<UgcAuthorization> {
    if let Ok(a) = value.cast::<PyUgcAuthorization>() {
        return Ok(a.get().0.clone());
    }
    let (mut granted_by, mut reference, mut signed_at) = (None, None, None);
    let (mut expires_at, mut scope) = (None, None);
    for (key, value) in dict_items(value, at, "a UgcAuthorization or a dict")? {
        let here = path(at, &key);
        match key.as_str() {
            "granted_by" => granted_by = Some(extract_at::<String>(&value, &here)?),
            "reference" => reference = Some(extract_at::<String>(&value, &here)?),
            "signed_at" => signed_at = Some(utc(&value, &here)?),
            "expires_at" if value.is_none() => expires_at = None,
            "expires_at" => expires_at = Some(utc(&value, &here)?),
            "scope" => scope = Some(extract_at::<String>(&value, &here)?),
            _ => {
                return Err(unexpected(
                    at,
                    &key,
                    "granted_by, reference, signed_at, expires_at, scope",
                ));
            }
        }
    }
    Ok(UgcAuthorization {
        granted_by: granted_by.ok_or_else(|| missing(at, "granted_by"))?,
        reference: reference.ok_or_else(|| missing(at, "reference"))?,
        signed_at: signed_at.ok_or_else(|| missing(at, "signed_at"))?,
        expires_at,
        scope: scope.ok_or_else(|| missing(at, "scope"))?,
    })
}

#[pymethods]
impl PyUgcAuthorization {
    #[new]
    #[pyo3(signature = (*, granted_by, reference, signed_at, scope, expires_at = None))]
    fn new(
        granted_by: String,
        reference: String,
        signed_at: &Bound<'_, PyAny>,
        scope: String,
        expires_at: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let expires_at = expires_at.filter(|e| !e.is_none());
        Ok(Self(UgcAuthorization {
            granted_by,
            reference,
            signed_at: utc(signed_at, "signed_at")?,
            expires_at: opt_utc(expires_at, "expires_at")?,
            scope,
        }))
    }

    /// Who granted it: the creator's name or platform handle.
    #[getter]
    fn granted_by(&self) -> &str {
        &self.0.granted_by
    }

    /// Reference of the signed record (contract number, form id).
    #[getter]
    fn reference(&self) -> &str {
        &self.0.reference
    }

    /// When it was signed (UTC).
    #[getter]
    fn signed_at(&self) -> DateTime<Utc> {
        self.0.signed_at
    }

    /// When it ends (exclusive, UTC), or None when it does not.
    #[getter]
    fn expires_at(&self) -> Option<DateTime<Utc>> {
        self.0.expires_at
    }

    /// What it allows (channels, uses), in words.
    #[getter]
    fn scope(&self) -> &str {
        &self.0.scope
    }

    /// The fields as a plain dict (accepted back wherever a UgcAuthorization
    /// is).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("granted_by", self.granted_by())?;
        d.set_item("reference", self.reference())?;
        d.set_item("signed_at", self.signed_at())?;
        d.set_item("expires_at", self.expires_at())?;
        d.set_item("scope", self.scope())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "granted_by",
            "reference",
            "signed_at",
            "expires_at",
            "scope",
        ];
        repr("UgcAuthorization", &self.to_dict(py)?, &keys)
    }
}

/// An asset in the library (CON-6): an image, video, template, document or
/// approved content, with its origin, its confidentiality label and, for
/// user-generated material, its authorization. brandrail keeps no bytes:
/// `uri` says where the file lives.
///
/// The label decides who may read it: 'public' and 'internal' every active
/// principal; 'confidential' its owner, its department, holders of
/// 'asset.manage' and its named `readers`; 'secret' its owner and named
/// readers only. Only 'public', active, authorized assets may be used in
/// content that goes out.
#[pyclass(frozen, eq, module = "brandrail", name = "Asset")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyAsset(Asset);

#[pymethods]
impl PyAsset {
    /// Identifier (what `Engine.edit_content(..., assets=[...])` lists).
    #[getter]
    fn id(&self) -> i64 {
        self.0.id
    }

    /// What it is (one of `brandrail.ASSET_KINDS`), e.g. 'image'.
    #[getter]
    fn kind(&self) -> &'static str {
        self.0.kind.as_str()
    }

    /// Name (a template's name is what versions declare as `template`).
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }

    /// Where the file lives (a storage key or URL).
    #[getter]
    fn uri(&self) -> &str {
        &self.0.uri
    }

    /// Origin (one of `brandrail.ASSET_SOURCES`): 'internal', 'agency',
    /// 'licensed' or 'ugc'.
    #[getter]
    fn source(&self) -> &'static str {
        self.0.source.as_str()
    }

    /// Confidentiality label (one of `brandrail.CONFIDENTIALITY_LABELS`):
    /// 'public', 'internal', 'confidential' or 'secret'.
    #[getter]
    fn label(&self) -> &'static str {
        self.0.label.as_str()
    }

    /// Department of the principal who added it (one of
    /// `brandrail.DEPARTMENTS`).
    #[getter]
    fn department(&self) -> &'static str {
        self.0.department.as_str()
    }

    /// Handle of the principal who added it.
    #[getter]
    fn owner(&self) -> &str {
        &self.0.owner
    }

    /// 'active' or 'retired' (one of `brandrail.ASSET_STATES`).
    #[getter]
    fn state(&self) -> &'static str {
        self.0.state.as_str()
    }

    /// The authorization of user-generated material, or None.
    #[getter]
    fn authorization(&self) -> Option<PyUgcAuthorization> {
        self.0.authorization.clone().map(PyUgcAuthorization)
    }

    /// The content item it was taken from (kind 'content'), or None.
    #[getter]
    fn content_id(&self) -> Option<i64> {
        self.0.content_id
    }

    /// Handles of the principals who may read it whatever its label, sorted
    /// (a copy).
    #[getter]
    fn readers(&self) -> Vec<String> {
        self.0.readers.clone()
    }

    /// When it was added (UTC).
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was retired, or None.
    #[getter]
    fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.0.retired_at
    }

    /// Whether it may be used at `at` (a timezone-aware datetime): True
    /// unless it is user-generated without a signed authorization in force
    /// then.
    fn authorized_at(&self, at: &Bound<'_, PyAny>) -> PyResult<bool> {
        Ok(self.0.authorized_at(utc(at, "at")?))
    }

    /// The fields as a plain dict (pandas-ready); `authorization` is a
    /// nested dict or None.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("kind", self.kind())?;
        d.set_item("name", self.name())?;
        d.set_item("uri", self.uri())?;
        d.set_item("source", self.source())?;
        d.set_item("label", self.label())?;
        d.set_item("department", self.department())?;
        d.set_item("owner", self.owner())?;
        d.set_item("state", self.state())?;
        let authorization = self.authorization().map(|a| a.to_dict(py)).transpose()?;
        d.set_item("authorization", authorization)?;
        d.set_item("content_id", self.content_id())?;
        d.set_item("readers", self.readers())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("retired_at", self.retired_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["id", "kind", "name", "source", "label", "state", "owner"];
        repr("Asset", &self.to_dict(py)?, &keys)
    }
}

/// A confidentiality label by name; a bad one raises ValidationError naming
/// `field` and listing the labels.
fn label_arg(value: &str, field: &str) -> PyResult<Confidentiality> {
    parse::<Confidentiality>(value, field).into_pyresult()
}

/// The handles of `readers`, any iterable of `str`.
fn readers_arg(readers: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<String>> {
    readers
        .filter(|r| !r.is_none())
        .map(|r| strings(r, "readers"))
        .transpose()
        .map(Option::unwrap_or_default)
}

#[pymethods]
impl PyEngine {
    /// Add an asset to the library (CON-6; needs 'asset.manage').
    ///
    /// `kind` is one of `brandrail.ASSET_KINDS` but 'content' (approved
    /// content enters with `archive_content`), `source` one of
    /// `ASSET_SOURCES`, `label` one of `CONFIDENTIALITY_LABELS`; `uri` says
    /// where the file lives (no spaces). `readers` are handles of principals
    /// who may read it whatever its label. User-generated material
    /// (`source='ugc'`) needs `authorization`, a `UgcAuthorization` or a dict
    /// with its keys, signed and not expired: without one, or with an expired
    /// one, PolicyViolationError (rule 'CON-6'); signed in the future or
    /// expiring before it was signed, ValidationError.
    #[pyo3(signature = (
        actor, *, kind, name, uri, source, label, authorization = None, readers = None
    ))]
    #[allow(clippy::too_many_arguments)]
    fn add_asset(
        &self,
        py: Python<'_>,
        actor: String,
        kind: &str,
        name: String,
        uri: String,
        source: &str,
        label: &str,
        authorization: Option<&Bound<'_, PyAny>>,
        readers: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyAsset> {
        let input = NewAsset {
            kind: parse::<AssetKind>(kind, "kind").into_pyresult()?,
            name,
            uri,
            source: parse::<AssetSource>(source, "source").into_pyresult()?,
            label: label_arg(label, "label")?,
            authorization: authorization
                .filter(|a| !a.is_none())
                .map(|a| authorization_arg(a, "authorization"))
                .transpose()?,
            readers: readers_arg(readers)?,
        };
        self.call(py, |e| e.add_asset(&actor, input)).map(PyAsset)
    }

    /// Take approved content into the library as an asset of kind 'content'
    /// labelled `label` (CON-6; needs 'asset.manage'). PolicyViolationError
    /// (rule 'CON-6') unless the item is approved, scheduled, published or
    /// closed; NotFoundError for an unknown item.
    fn archive_content(
        &self,
        py: Python<'_>,
        actor: String,
        content_id: i64,
        label: &str,
    ) -> PyResult<PyAsset> {
        let label = label_arg(label, "label")?;
        self.call(py, |e| e.archive_content(&actor, content_id, label))
            .map(PyAsset)
    }

    /// One asset, if `actor` may read it (CON-6): else
    /// PermissionDeniedError with `reason == 'not_cleared'`, recorded in the
    /// audit log. Reads of confidential and secret assets are audited.
    /// NotFoundError for an unknown id.
    fn asset(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyAsset> {
        self.call(py, |e| e.asset(&actor, id)).map(PyAsset)
    }

    /// The assets `actor` may read, by id (CON-6): only of `kind` (one of
    /// `ASSET_KINDS`) and `label` (one of `CONFIDENTIALITY_LABELS`) when
    /// given, retired ones only with `include_retired`. Listing is not
    /// audited; confidential and secret assets show only to those cleared for
    /// them.
    #[pyo3(signature = (actor, *, kind = None, label = None, include_retired = false))]
    fn assets(
        &self,
        py: Python<'_>,
        actor: String,
        kind: Option<&str>,
        label: Option<&str>,
        include_retired: bool,
    ) -> PyResult<Vec<PyAsset>> {
        let filter = AssetFilter {
            kind: kind
                .map(|k| parse::<AssetKind>(k, "kind"))
                .transpose()
                .into_pyresult()?,
            label: label.map(|l| label_arg(l, "label")).transpose()?,
            include_retired,
        };
        let found = self.call(py, |e| e.assets(&actor, &filter))?;
        Ok(found.into_iter().map(PyAsset).collect())
    }

    /// Change an asset's label and its named readers, which `readers` (any
    /// iterable of handles; empty for none) replaces (CON-6; needs
    /// 'asset.manage' and clearance to read the asset, else
    /// PermissionDeniedError, reason 'not_cleared'). NotFoundError for an
    /// unknown asset or reader.
    fn relabel_asset(
        &self,
        py: Python<'_>,
        actor: String,
        id: i64,
        label: &str,
        readers: &Bound<'_, PyAny>,
    ) -> PyResult<PyAsset> {
        let label = label_arg(label, "label")?;
        let readers = strings(readers, "readers")?;
        self.call(py, |e| e.relabel_asset(&actor, id, label, &readers))
            .map(PyAsset)
    }

    /// Retire an asset (CON-6; needs 'asset.manage'): content that uses it
    /// fails the pre-publish checklist from now on, so it is no longer
    /// scheduled or published. ConflictError if it was retired already.
    fn retire_asset(&self, py: Python<'_>, actor: String, id: i64) -> PyResult<PyAsset> {
        self.call(py, |e| e.retire_asset(&actor, id)).map(PyAsset)
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyAsset>()?;
    m.add_class::<PyUgcAuthorization>()?;
    m.add(
        "ASSET_KINDS",
        PyTuple::new(py, AssetKind::ALL.iter().map(|k| k.as_str()))?,
    )?;
    m.add(
        "ASSET_SOURCES",
        PyTuple::new(py, AssetSource::ALL.iter().map(|s| s.as_str()))?,
    )?;
    m.add(
        "ASSET_STATES",
        PyTuple::new(py, AssetState::ALL.iter().map(|s| s.as_str()))?,
    )?;
    m.add(
        "CONFIDENTIALITY_LABELS",
        PyTuple::new(py, Confidentiality::ALL.iter().map(|l| l.as_str()))?,
    )?;
    Ok(())
}
