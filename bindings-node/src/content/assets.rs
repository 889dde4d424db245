//! The asset library (core's `content::assets`, CON-6): images, videos,
//! templates and approved content, each with a confidentiality label that
//! decides who may read it, and user-generated material only with a signed
//! authorization. Reading a confidential or secret asset is audited; a
//! refused read throws `'permission_denied'` with `reason` `'not_cleared'` and
//! is audited as a refusal.

use brandrail::content::Confidentiality;
use napi::Env;
use napi_derive::napi;

use crate::convert::{Date, Nested, parse, whole};
use crate::engine::Engine;
use crate::error::{JsField, OrThrow};

/// The signed permission of a content's creator to use their material
/// (002 §三(三)), as recorded with a user-generated asset.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct UgcAuthorization {
    /// Who granted it (the creator's name or platform handle).
    pub granted_by: String,
    /// Reference of the signed record (contract number, form id).
    pub reference: String,
    /// When it was signed.
    pub signed_at: Date,
    /// When it ends, or `null` when it does not.
    pub expires_at: Option<Date>,
    /// What it allows (channels, uses).
    pub scope: String,
}

impl From<brandrail::content::UgcAuthorization> for UgcAuthorization {
    fn from(a: brandrail::content::UgcAuthorization) -> Self {
        UgcAuthorization {
            granted_by: a.granted_by,
            reference: a.reference,
            signed_at: a.signed_at.into(),
            expires_at: a.expires_at.map(Date::from),
            scope: a.scope,
        }
    }
}

/// A user-generated asset's authorization, for `addAsset`.
#[napi(object, object_to_js = false)]
pub struct NewUgcAuthorization {
    /// Who granted it: 1–200 characters, no control or invisible characters.
    pub granted_by: String,
    /// Reference of the signed record: 1–200 characters.
    pub reference: String,
    /// When it was signed: not after the engine clock's now.
    pub signed_at: Date,
    /// When it ends: after `signedAt` and after now (an expired
    /// authorization throws `'policy_violation'`, rule `'CON-6'`). Left out,
    /// it does not end.
    pub expires_at: Option<Date>,
    /// What it allows (channels, uses): 1–200 characters.
    pub scope: String,
}

impl NewUgcAuthorization {
    fn into_core(self) -> brandrail::Result<brandrail::content::UgcAuthorization> {
        Ok(brandrail::content::UgcAuthorization {
            granted_by: self.granted_by,
            reference: self.reference,
            signed_at: self.signed_at.to_utc("authorization.signedAt")?,
            expires_at: self
                .expires_at
                .map(|e| e.to_utc("authorization.expiresAt"))
                .transpose()?,
            scope: self.scope,
        })
    }
}

/// An asset to add to the library, for `addAsset`.
#[napi(object, object_to_js = false)]
pub struct NewAsset {
    /// What it is. `'content'` assets enter with `archiveContent` instead.
    #[napi(ts_type = "'image' | 'video' | 'audio' | 'template' | 'document'")]
    pub kind: String,
    /// Its name: 1–200 characters, no control or invisible characters. A
    /// template's name is what versions declare as `details.template`.
    pub name: String,
    /// Where the file lives (a storage key or URL; brandrail keeps no bytes):
    /// 1–2048 bytes, no white space or control characters.
    pub uri: String,
    /// Where it comes from; `'ugc'` needs an `authorization` in force.
    #[napi(ts_type = "'internal' | 'agency' | 'licensed' | 'ugc'")]
    pub source: String,
    /// Confidentiality label: `'public'` (only these go out in content) and
    /// `'internal'` for everyone, `'confidential'` for its owner, their
    /// department, asset managers and `readers`, `'secret'` for its owner and
    /// `readers` only.
    #[napi(ts_type = "'public' | 'internal' | 'confidential' | 'secret'")]
    pub label: String,
    /// The signed authorization of user-generated material.
    #[napi(ts_type = "NewUgcAuthorization")]
    pub authorization: Option<Nested<NewUgcAuthorization>>,
    /// Handles of principals who may read it whatever its label (at most 200).
    pub readers: Option<Vec<String>>,
}

impl NewAsset {
    fn into_core(self) -> brandrail::Result<brandrail::content::NewAsset> {
        Ok(brandrail::content::NewAsset {
            kind: parse("kind", &self.kind)?,
            name: self.name,
            uri: self.uri,
            source: parse("source", &self.source)?,
            label: parse("label", &self.label)?,
            authorization: self
                .authorization
                .map(|Nested(a)| a.into_core())
                .transpose()?,
            readers: self.readers.unwrap_or_default(),
        })
    }
}

/// An asset in the library.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Asset {
    /// Identifier (a safe integer).
    pub id: i64,
    /// What it is.
    #[napi(ts_type = "'image' | 'video' | 'audio' | 'template' | 'document' | 'content'")]
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Where the file lives (`'content:<id>/v<n>'` for archived content).
    pub uri: String,
    /// Where it comes from.
    #[napi(ts_type = "'internal' | 'agency' | 'licensed' | 'ugc'")]
    pub source: String,
    /// Confidentiality label.
    #[napi(ts_type = "'public' | 'internal' | 'confidential' | 'secret'")]
    pub label: String,
    /// Department of the principal who added it.
    pub department: String,
    /// Handle of who added it.
    pub owner: String,
    /// `'active'`, or `'retired'` (content using it fails the checklist).
    #[napi(ts_type = "'active' | 'retired'")]
    pub state: String,
    /// The authorization of user-generated material, or `null`.
    pub authorization: Option<UgcAuthorization>,
    /// Whether it may be used at the engine clock's time of the call: not
    /// user-generated, or user-generated with its authorization in force.
    pub authorized: bool,
    /// The content item it was archived from (kind `'content'`), or `null`.
    pub content_id: Option<i64>,
    /// Principals who may read it whatever its label, sorted.
    pub readers: Vec<String>,
    /// When it was added.
    pub created_at: Date,
    /// When it was retired, or `null`.
    pub retired_at: Option<Date>,
}

impl Asset {
    /// Core's asset, `authorized` as of `now`.
    fn new(a: brandrail::content::Asset, now: chrono::DateTime<chrono::Utc>) -> Self {
        Asset {
            authorized: a.authorized_at(now),
            id: a.id,
            kind: a.kind.as_str().to_owned(),
            name: a.name,
            uri: a.uri,
            source: a.source.as_str().to_owned(),
            label: a.label.as_str().to_owned(),
            department: a.department.as_str().to_owned(),
            owner: a.owner,
            state: a.state.as_str().to_owned(),
            authorization: a.authorization.map(UgcAuthorization::from),
            content_id: a.content_id,
            readers: a.readers,
            created_at: a.created_at.into(),
            retired_at: a.retired_at.map(Date::from),
        }
    }
}

/// Which assets `assets` lists. Every field is optional.
#[napi(object, object_to_js = false)]
pub struct AssetFilter {
    /// Only this kind.
    #[napi(ts_type = "'image' | 'video' | 'audio' | 'template' | 'document' | 'content'")]
    pub kind: Option<String>,
    /// Only this label.
    #[napi(ts_type = "'public' | 'internal' | 'confidential' | 'secret'")]
    pub label: Option<String>,
    /// Retired assets too. Default `false`.
    pub include_retired: Option<bool>,
}

impl AssetFilter {
    fn into_core(
        filter: Option<AssetFilter>,
    ) -> brandrail::Result<brandrail::content::AssetFilter> {
        let Some(f) = filter else {
            return Ok(brandrail::content::AssetFilter::default());
        };
        Ok(brandrail::content::AssetFilter {
            kind: f.kind.as_deref().map(|k| parse("kind", k)).transpose()?,
            label: f.label.as_deref().map(|l| parse("label", l)).transpose()?,
            include_retired: f.include_retired.unwrap_or_default(),
        })
    }
}

impl Engine {
    fn asset_js(
        &self,
        a: brandrail::Result<brandrail::content::Asset>,
    ) -> brandrail::Result<Asset> {
        a.map(|a| Asset::new(a, self.inner.now()))
    }
}

#[napi]
impl Engine {
    /// Add an asset to the library (CON-6; needs `asset.manage`); the actor
    /// owns it. User-generated material (`source: 'ugc'`) without an
    /// authorization, or with an expired one, throws `'policy_violation'`
    /// (rule `'CON-6'`); an unknown reader throws `'not_found'`.
    #[napi(strict, catch_unwind)]
    pub fn add_asset(&self, env: &Env, actor: String, asset: NewAsset) -> napi::Result<Asset> {
        let added = asset
            .into_core()
            .and_then(|a| self.inner.add_asset(&actor, a));
        self.asset_js(added).js_field().or_throw(env)
    }

    /// Take approved content item `contentId` into the library as an asset of
    /// kind `'content'` labelled `label` (CON-6; needs `asset.manage`). Items
    /// not yet approved throw `'policy_violation'` (rule `'CON-6'`).
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, contentId: number, label: 'public' | 'internal' | 'confidential' | 'secret'"
    )]
    pub fn archive_content(
        &self,
        env: &Env,
        actor: String,
        content_id: f64,
        label: String,
    ) -> napi::Result<Asset> {
        let archived = whole("contentId", content_id)
            .and_then(|id| Ok((id, parse::<Confidentiality>("label", &label)?)))
            .and_then(|(id, label)| self.inner.archive_content(&actor, id, label));
        self.asset_js(archived).or_throw(env)
    }

    /// Asset `id`, if `actor` (any active principal) is cleared to read it.
    /// A read of a confidential or secret asset is audited; one the actor is
    /// not cleared for throws `'permission_denied'` with `reason`
    /// `'not_cleared'` (audited as a refusal).
    #[napi(strict, catch_unwind)]
    pub fn asset(&self, env: &Env, actor: String, id: f64) -> napi::Result<Asset> {
        let read = whole("id", id).and_then(|id| self.inner.asset(&actor, id));
        self.asset_js(read).or_throw(env)
    }

    /// The assets `actor` (any active principal) is cleared to read, by id,
    /// active ones only unless `filter.includeRetired`. Listing is not
    /// audited.
    #[napi(strict, catch_unwind)]
    pub fn assets(
        &self,
        env: &Env,
        actor: String,
        filter: Option<AssetFilter>,
    ) -> napi::Result<Vec<Asset>> {
        let now = self.inner.now();
        AssetFilter::into_core(filter)
            .and_then(|f| self.inner.assets(&actor, &f))
            .map(|all| all.into_iter().map(|a| Asset::new(a, now)).collect())
            .or_throw(env)
    }

    /// Change asset `id`'s label to `label` and its named readers to
    /// `readers` (replacing the old ones; left out, none) (CON-6; needs
    /// `asset.manage` and clearance to read the asset: else
    /// `'permission_denied'`, `reason` `'not_cleared'`). An unknown reader
    /// throws `'not_found'`.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, id: number, label: 'public' | 'internal' | 'confidential' | 'secret', readers?: Array<string> | undefined | null"
    )]
    pub fn relabel_asset(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        label: String,
        readers: Option<Vec<String>>,
    ) -> napi::Result<Asset> {
        let relabelled = whole("id", id)
            .and_then(|id| Ok((id, parse::<Confidentiality>("label", &label)?)))
            .and_then(|(id, label)| {
                self.inner
                    .relabel_asset(&actor, id, label, &readers.unwrap_or_default())
            });
        self.asset_js(relabelled).or_throw(env)
    }

    /// Retire asset `id` (CON-6; needs `asset.manage` and clearance to read
    /// it): content that uses it fails the pre-publish checklist from now on,
    /// so an approved item using it is no longer scheduled or published.
    /// Throws `'conflict'` when it is already retired.
    #[napi(strict, catch_unwind)]
    pub fn retire_asset(&self, env: &Env, actor: String, id: f64) -> napi::Result<Asset> {
        let retired = whole("id", id).and_then(|id| self.inner.retire_asset(&actor, id));
        self.asset_js(retired).or_throw(env)
    }
}
