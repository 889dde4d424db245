//! The asset library (CON-6): approved content and templates, images and
//! videos. User-generated material enters only with a signed authorization;
//! every asset carries a confidentiality label that decides who may read it:
//!
//! | label          | who may read                                                      |
//! |----------------|-------------------------------------------------------------------|
//! | `public`       | every active principal                                            |
//! | `internal`     | every active principal                                            |
//! | `confidential` | its owner, its department, holders of `asset.manage`, its readers |
//! | `secret`       | its owner and its named readers                                   |
//!
//! Reading a confidential or secret asset is audited; a refused read is a
//! `PermissionDenied` with reason `notCleared`, audited too. Only `public`
//! assets may be used in content that goes out (the pre-publish checklist).

use std::time::SystemTime;

use brandrail::content as core;

use crate::access::Department;
use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time, system_time_opt, utc, utc_opt};

mirror_enum! {
    /// What an asset is.
    AssetKind => brandrail::content::AssetKind {
        /// `image`: a picture.
        Image,
        /// `video`: a video.
        Video,
        /// `audio`: audio.
        Audio,
        /// `template`: an approved template; its name is what versions declare
        /// in `VersionDetails.template`.
        Template,
        /// `document`: a document.
        Document,
        /// `content`: approved content taken into the library with
        /// `archiveContent` (`addAsset` refuses this kind).
        Content,
    }
    /// The asset kind with this stable name (e.g. `image`); a `Validation`
    /// error listing the valid names otherwise.
    fn parse_asset_kind;
}

mirror_enum! {
    /// Where an asset comes from.
    AssetSource => brandrail::content::AssetSource {
        /// `internal`: made in-house.
        Internal,
        /// `agency`: made by an agency under contract.
        Agency,
        /// `licensed`: licensed stock.
        Licensed,
        /// `ugc`: user-generated; enters only with a `UgcAuthorization` in force.
        Ugc,
    }
    /// The asset source with this stable name (e.g. `ugc`); a `Validation`
    /// error listing the valid names otherwise.
    fn parse_asset_source;
}

mirror_enum! {
    /// Confidentiality label of an asset: who may read it (see the table in
    /// the module documentation) and whether it may be published.
    Confidentiality => brandrail::content::Confidentiality {
        /// `public`: may be published; every active principal reads it.
        Public,
        /// `internal`: for everyone inside the company.
        Internal,
        /// `confidential`: for its department, its owner, asset managers and
        /// its named readers.
        Confidential,
        /// `secret`: for its owner and its named readers only.
        Secret,
    }
    /// The label with this stable name (e.g. `secret`); a `Validation` error
    /// listing the valid names otherwise.
    fn parse_confidentiality;
}

mirror_enum! {
    /// Whether an asset may still be used.
    AssetState => brandrail::content::AssetState {
        /// `active`: in use.
        Active,
        /// `retired`: withdrawn; content referencing it fails the checklist.
        Retired,
    }
    /// The asset state with this stable name (e.g. `retired`); a `Validation`
    /// error listing the valid names otherwise.
    fn parse_asset_state;
}

/// The signed permission of a content's creator to use it (CON-6).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UgcAuthorization {
    /// Who granted it: the creator's name or platform handle (display text,
    /// 1–200 characters).
    pub granted_by: String,
    /// Reference of the signed record: contract number, form id.
    pub reference: String,
    /// When it was signed; not in the future.
    pub signed_at: SystemTime,
    /// When it ends, if it does: after `signedAt`, and not already passed when
    /// the asset is added. Default `nil`/`null`: it does not end.
    #[uniffi(default)]
    pub expires_at: Option<SystemTime>,
    /// What it allows: channels, uses, duration.
    pub scope: String,
}

impl From<core::UgcAuthorization> for UgcAuthorization {
    fn from(a: core::UgcAuthorization) -> Self {
        Self {
            granted_by: a.granted_by,
            reference: a.reference,
            signed_at: system_time(a.signed_at),
            expires_at: system_time_opt(a.expires_at),
            scope: a.scope,
        }
    }
}

impl UgcAuthorization {
    fn into_core(self) -> Result<core::UgcAuthorization, BrandrailError> {
        Ok(core::UgcAuthorization {
            signed_at: utc("authorization.signed_at", self.signed_at)?,
            expires_at: utc_opt("authorization.expires_at", self.expires_at)?,
            granted_by: self.granted_by,
            reference: self.reference,
            scope: self.scope,
        })
    }
}

/// An asset in the library.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Asset {
    /// Identifier.
    pub id: i64,
    /// Kind.
    pub kind: AssetKind,
    /// Name (a template's name is what versions declare).
    pub name: String,
    /// Where the file lives: a storage key or URL (brandrail keeps no bytes);
    /// `content:<id>/v<version>` for archived content.
    pub uri: String,
    /// Origin.
    pub source: AssetSource,
    /// Confidentiality label.
    pub label: Confidentiality,
    /// Department of the principal who added it.
    pub department: Department,
    /// Handle of who added it.
    pub owner: String,
    /// Active or retired.
    pub state: AssetState,
    /// The authorization of user-generated material.
    pub authorization: Option<UgcAuthorization>,
    /// The content item it was taken from (kind `content`).
    pub content_id: Option<i64>,
    /// Handles of the principals who may read it whatever its label, sorted.
    pub readers: Vec<String>,
    /// When it was added.
    pub created_at: SystemTime,
    /// When it was retired, if it was.
    pub retired_at: Option<SystemTime>,
}

impl From<core::Asset> for Asset {
    fn from(a: core::Asset) -> Self {
        Self {
            id: a.id,
            kind: a.kind.into(),
            name: a.name,
            uri: a.uri,
            source: a.source.into(),
            label: a.label.into(),
            department: a.department.into(),
            owner: a.owner,
            state: a.state.into(),
            authorization: a.authorization.map(Into::into),
            content_id: a.content_id,
            readers: a.readers,
            created_at: system_time(a.created_at),
            retired_at: system_time_opt(a.retired_at),
        }
    }
}

impl Asset {
    fn to_core(&self) -> Result<core::Asset, BrandrailError> {
        Ok(core::Asset {
            id: self.id,
            kind: self.kind.into(),
            name: self.name.clone(),
            uri: self.uri.clone(),
            source: self.source.into(),
            label: self.label.into(),
            department: self.department.into(),
            owner: self.owner.clone(),
            state: self.state.into(),
            authorization: self
                .authorization
                .clone()
                .map(UgcAuthorization::into_core)
                .transpose()?,
            content_id: self.content_id,
            readers: self.readers.clone(),
            created_at: utc("created_at", self.created_at)?,
            retired_at: utc_opt("retired_at", self.retired_at)?,
        })
    }
}

#[uniffi::export]
impl Asset {
    /// Whether this asset may be used at `at`: it is not user-generated, or
    /// its authorization was signed by then and had not yet expired. The
    /// checklist asks it with the engine clock's now (`engine.now()`).
    /// `Validation` only for a time outside the supported range.
    pub fn authorized_at(&self, at: SystemTime) -> Result<bool, BrandrailError> {
        Ok(self.to_core()?.authorized_at(utc("at", at)?))
    }
}

/// Input for adding an asset with `addAsset`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewAsset {
    /// Kind (not `content`: approved content enters with `archiveContent`).
    pub kind: AssetKind,
    /// Name (display text, 1–200 characters).
    pub name: String,
    /// Location: 1–2048 bytes, no white space or control characters.
    pub uri: String,
    /// Origin; `ugc` needs `authorization`.
    pub source: AssetSource,
    /// Confidentiality label.
    pub label: Confidentiality,
    /// The signed authorization, required (and checked) for user-generated
    /// material. Default `nil`/`null`.
    #[uniffi(default)]
    pub authorization: Option<UgcAuthorization>,
    /// Handles of existing principals who may read it whatever its label (at
    /// most 200). Default none.
    #[uniffi(default)]
    pub readers: Vec<String>,
}

impl NewAsset {
    fn into_core(self) -> Result<core::NewAsset, BrandrailError> {
        Ok(core::NewAsset {
            kind: self.kind.into(),
            name: self.name,
            uri: self.uri,
            source: self.source.into(),
            label: self.label.into(),
            authorization: self
                .authorization
                .map(UgcAuthorization::into_core)
                .transpose()?,
            readers: self.readers,
        })
    }
}

/// What `assets(actor:filter:)` lists. Every field has a default, so
/// `AssetFilter()` lists every active asset the actor may read.
#[derive(Debug, Clone, Default, PartialEq, Eq, uniffi::Record)]
pub struct AssetFilter {
    /// Only this kind.
    #[uniffi(default)]
    pub kind: Option<AssetKind>,
    /// Only this label.
    #[uniffi(default)]
    pub label: Option<Confidentiality>,
    /// Retired assets too (default false).
    #[uniffi(default = false)]
    pub include_retired: bool,
}

impl From<AssetFilter> for core::AssetFilter {
    fn from(f: AssetFilter) -> Self {
        Self {
            kind: f.kind.map(Into::into),
            label: f.label.map(Into::into),
            include_retired: f.include_retired,
        }
    }
}

#[uniffi::export]
impl Engine {
    /// Add an asset to the library (CON-6; `actor` needs `asset.manage`, and
    /// becomes its owner; its department is the asset's). User-generated
    /// material (`source: .ugc`) without an authorization, or with one that
    /// has expired, is refused with `PolicyViolation` (rule `CON-6`); an
    /// authorization signed in the future or expiring before it was signed is
    /// a `Validation` error naming `authorization.signed_at` /
    /// `authorization.expires_at`. `Validation` also for a bad name, uri or
    /// reader handle and for kind `content`; `NotFound` (entity `principal`)
    /// for an unknown reader.
    pub fn add_asset(&self, actor: &str, input: NewAsset) -> Result<Asset, BrandrailError> {
        Ok(self.core().add_asset(actor, input.into_core()?)?.into())
    }

    /// Take approved content item `contentId` into the library as an asset of
    /// kind `content` labelled `label` (CON-6; needs `asset.manage`); its
    /// source is `ugc` when the item is user-generated. `PolicyViolation`
    /// (rule `CON-6`) for an item that is not yet approved; `NotFound` for an
    /// unknown item.
    pub fn archive_content(
        &self,
        actor: &str,
        content_id: i64,
        label: Confidentiality,
    ) -> Result<Asset, BrandrailError> {
        Ok(self
            .core()
            .archive_content(actor, content_id, label.into())?
            .into())
    }

    /// Asset `id`, if `actor` (any active principal) may read it (CON-6).
    /// Reads of confidential and secret assets are audited.
    /// `PermissionDenied` with reason `notCleared` (and permission
    /// `asset.read:<label>`) when its label does not let `actor` read it, an
    /// audited refusal; `NotFound` for an unknown id.
    pub fn asset(&self, actor: &str, id: i64) -> Result<Asset, BrandrailError> {
        Ok(self.core().asset(actor, id)?.into())
    }

    /// The assets `actor` may read that match `filter` (default: every active
    /// one), by id (CON-6). Listing is not audited; confidential and secret
    /// assets show only to those cleared for them.
    #[uniffi::method(default(filter))]
    pub fn assets(&self, actor: &str, filter: AssetFilter) -> Result<Vec<Asset>, BrandrailError> {
        Ok(all(self.core().assets(actor, &filter.into())?))
    }

    /// Give asset `id` the label `label` and the named `readers` (replacing
    /// the previous ones; default none) (CON-6; needs `asset.manage` and
    /// clearance to read it: `PermissionDenied` with reason `notCleared`
    /// otherwise). `NotFound` (entity `principal`) for an unknown reader.
    #[uniffi::method(default(readers = []))]
    pub fn relabel_asset(
        &self,
        actor: &str,
        id: i64,
        label: Confidentiality,
        readers: Vec<String>,
    ) -> Result<Asset, BrandrailError> {
        Ok(self
            .core()
            .relabel_asset(actor, id, label.into(), &readers)?
            .into())
    }

    /// Retire asset `id` (CON-6; needs `asset.manage` and clearance to read
    /// it): content that uses it fails the pre-publish checklist from now on,
    /// so approved or scheduled items using it are not published. `Conflict`
    /// when already retired.
    pub fn retire_asset(&self, actor: &str, id: i64) -> Result<Asset, BrandrailError> {
        Ok(self.core().retire_asset(actor, id)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_enums_keep_the_cores_names() {
        for core in core::AssetKind::ALL {
            assert_eq!(AssetKind::from(*core).as_str(), core.as_str());
            assert_eq!(parse_asset_kind(core.as_str()).unwrap(), (*core).into());
        }
        for core in core::AssetSource::ALL {
            assert_eq!(AssetSource::from(*core).as_str(), core.as_str());
            assert_eq!(parse_asset_source(core.as_str()).unwrap(), (*core).into());
        }
        for core in core::Confidentiality::ALL {
            assert_eq!(Confidentiality::from(*core).as_str(), core.as_str());
            assert_eq!(
                parse_confidentiality(core.as_str()).unwrap(),
                (*core).into()
            );
        }
        for core in core::AssetState::ALL {
            assert_eq!(AssetState::from(*core).as_str(), core.as_str());
            assert_eq!(parse_asset_state(core.as_str()).unwrap(), (*core).into());
        }
        assert_eq!(
            parse_confidentiality("top_secret").unwrap_err().code(),
            "validation"
        );
    }

    #[test]
    fn the_default_filter_is_the_cores() {
        assert_eq!(
            core::AssetFilter::from(AssetFilter::default()),
            core::AssetFilter::default()
        );
    }
}
