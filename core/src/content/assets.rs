//! The asset library (CON-6): approved content and templates, images and
//! videos. User-generated material enters only with a signed authorization
//! record (002 §三(三)); every asset carries a confidentiality label (003 §七)
//! that decides who may read it:
//!
//! | label          | who may read                                                  |
//! |----------------|---------------------------------------------------------------|
//! | `public`       | every active principal                                        |
//! | `internal`     | every active principal                                        |
//! | `confidential` | its owner, its department, holders of `asset.manage`, readers |
//! | `secret`       | its owner and its named readers                               |
//!
//! Reading a confidential or secret asset is audited; a refused read is
//! audited as a refusal (`not_cleared`). Only `public` assets may be used in
//! content that goes out (the pre-publish checklist checks it).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::items::{ContentState, load as load_item};
use crate::access::{Department, Permission, Principal, named_enum};
use crate::audit::Entry;
use crate::error::{DenialReason, Error, Result};
use crate::policy::Policy;
use crate::{Attempt, Ctx, Engine, Gate, store, validate};

/// Longest asset location accepted, in bytes.
const MAX_URI_BYTES: usize = 2048;
/// Most named readers of one asset.
const MAX_READERS: usize = 200;

named_enum! {
    /// What an asset is.
    AssetKind, "kind" {
        /// A picture.
        Image => "image",
        /// A video.
        Video => "video",
        /// Audio.
        Audio => "audio",
        /// An approved template (its name is what versions declare).
        Template => "template",
        /// A document.
        Document => "document",
        /// Approved content taken into the library.
        Content => "content",
    }
}

named_enum! {
    /// Where an asset comes from.
    AssetSource, "source" {
        /// Made in-house.
        Internal => "internal",
        /// Made by an agency under contract.
        Agency => "agency",
        /// Licensed stock.
        Licensed => "licensed",
        /// User-generated: needs an authorization record.
        Ugc => "ugc",
    }
}

named_enum! {
    /// Confidentiality label (003 §七).
    Confidentiality, "label" {
        /// May be published.
        Public => "public",
        /// For everyone inside the company.
        Internal => "internal",
        /// For its department, its owner, asset managers and named readers.
        Confidential => "confidential",
        /// For its owner and named readers only.
        Secret => "secret",
    }
}

named_enum! {
    /// Whether an asset may still be used.
    AssetState, "state" {
        /// In use.
        Active => "active",
        /// Withdrawn; content referencing it fails the checklist.
        Retired => "retired",
    }
}

/// The signed permission of a content's creator to use it (002 §三(三)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UgcAuthorization {
    /// Who granted it (the creator's name or platform handle).
    pub granted_by: String,
    /// Reference of the signed record (contract number, form id).
    pub reference: String,
    /// When it was signed.
    pub signed_at: DateTime<Utc>,
    /// When it ends, if it does.
    pub expires_at: Option<DateTime<Utc>>,
    /// What it allows (channels, uses).
    pub scope: String,
}

/// An asset in the library.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Asset {
    /// Identifier.
    pub id: i64,
    /// Kind.
    pub kind: AssetKind,
    /// Name (a template's name is what versions declare).
    pub name: String,
    /// Where the file lives (a storage key or URL; brandrail keeps no bytes).
    pub uri: String,
    /// Origin.
    pub source: AssetSource,
    /// Confidentiality label.
    pub label: Confidentiality,
    /// Department of the principal who added it.
    pub department: Department,
    /// Who added it.
    pub owner: String,
    /// Active or retired.
    pub state: AssetState,
    /// The authorization of user-generated material.
    pub authorization: Option<UgcAuthorization>,
    /// The content item it was taken from (kind `content`).
    pub content_id: Option<i64>,
    /// Principals who may read it whatever its label.
    pub readers: Vec<String>,
    /// Added.
    pub created_at: DateTime<Utc>,
    /// Retired, if it was.
    pub retired_at: Option<DateTime<Utc>>,
}

impl Asset {
    /// Authorized for use at `at`: not UGC, or UGC with a signed authorization
    /// in force.
    pub fn authorized_at(&self, at: DateTime<Utc>) -> bool {
        self.source != AssetSource::Ugc
            || self
                .authorization
                .as_ref()
                .is_some_and(|a| a.signed_at <= at && a.expires_at.is_none_or(|e| at < e))
    }

    fn readable_by(&self, p: &Principal, policy: &Policy) -> bool {
        let named = p.handle == self.owner || self.readers.contains(&p.handle);
        match self.label {
            Confidentiality::Public | Confidentiality::Internal => true,
            Confidentiality::Confidential => {
                named
                    || p.department == self.department
                    || crate::access::check(policy, p, Permission::AssetManage).is_ok()
            }
            Confidentiality::Secret => named,
        }
    }
}

/// Input for adding an asset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAsset {
    /// Kind.
    pub kind: AssetKind,
    /// Name.
    pub name: String,
    /// Location.
    pub uri: String,
    /// Origin.
    pub source: AssetSource,
    /// Label.
    pub label: Confidentiality,
    /// Authorization (required for UGC).
    pub authorization: Option<UgcAuthorization>,
    /// Principals who may read it whatever its label.
    pub readers: Vec<String>,
}

/// What [`Engine::assets`] lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    /// Only this kind.
    pub kind: Option<AssetKind>,
    /// Only this label.
    pub label: Option<Confidentiality>,
    /// Retired assets too.
    pub include_retired: bool,
}

fn validate_uri(uri: &str) -> Result<()> {
    if uri.trim().is_empty() || uri.len() > MAX_URI_BYTES {
        return Err(Error::validation(
            "uri",
            format!("must be 1 to {MAX_URI_BYTES} bytes"),
        ));
    }
    if uri.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(Error::validation(
            "uri",
            "contains white space or control characters",
        ));
    }
    Ok(())
}

fn validate_readers(ctx: &Ctx<'_>, readers: &[String]) -> Result<()> {
    if readers.len() > MAX_READERS {
        return Err(Error::validation(
            "readers",
            format!("at most {MAX_READERS}, got {}", readers.len()),
        ));
    }
    for r in readers {
        validate::identifier("readers", r)?;
        if store::access::principal(ctx.tx, r)?.is_none() {
            return Err(Error::not_found("principal", r.clone()));
        }
    }
    Ok(())
}

fn validate_authorization(ctx: &Ctx<'_>, input: &NewAsset) -> Result<()> {
    match (&input.authorization, input.source) {
        (None, AssetSource::Ugc) => Err(Error::PolicyViolation {
            rule: "CON-6",
            message: "user-generated material enters the library only with a signed authorization"
                .into(),
        }),
        (Some(a), _) => {
            validate::display_text("authorization.granted_by", &a.granted_by)?;
            validate::display_text("authorization.reference", &a.reference)?;
            validate::display_text("authorization.scope", &a.scope)?;
            if a.signed_at > ctx.now {
                return Err(Error::validation(
                    "authorization.signed_at",
                    "lies in the future",
                ));
            }
            if a.expires_at.is_some_and(|e| e <= a.signed_at) {
                return Err(Error::validation(
                    "authorization.expires_at",
                    "is not after signed_at",
                ));
            }
            if a.expires_at.is_some_and(|e| e <= ctx.now) {
                return Err(Error::PolicyViolation {
                    rule: "CON-6",
                    message: "the authorization has expired".into(),
                });
            }
            Ok(())
        }
        (None, _) => Ok(()),
    }
}

fn load(ctx: &Ctx<'_>, id: i64) -> Result<Asset> {
    store::content::asset(ctx.tx, id)?.ok_or_else(|| Error::not_found("asset", id.to_string()))
}

fn record(
    ctx: &Ctx<'_>,
    action: &'static str,
    before: Option<&Asset>,
    after: &Asset,
) -> Result<()> {
    let mut e = Entry::applied(&ctx.actor.handle, action, "asset", &after.id.to_string())
        .after(after)
        .with_detail(format!(
            "kind={} source={} label={} state={}",
            after.kind, after.source, after.label, after.state
        ));
    if let Some(b) = before {
        e = e.before(b);
    }
    ctx.record(&e)?;
    Ok(())
}

impl Engine {
    /// Add an asset to the library (CON-6; needs `asset.manage`). User-generated
    /// material without a signed authorization in force is refused with
    /// `policy_violation`.
    pub fn add_asset(&self, actor: &str, input: NewAsset) -> Result<Asset> {
        self.mutate(
            actor,
            Permission::AssetManage,
            Attempt::new("asset.add", "asset", "new"),
            |ctx| {
                validate::display_text("name", &input.name)?;
                validate_uri(&input.uri)?;
                validate_readers(ctx, &input.readers)?;
                validate_authorization(ctx, &input)?;
                if input.kind == AssetKind::Content {
                    return Err(Error::validation(
                        "kind",
                        "content enters the library with archive_content",
                    ));
                }
                let mut asset = Asset {
                    id: 0,
                    kind: input.kind,
                    name: input.name.clone(),
                    uri: input.uri.clone(),
                    source: input.source,
                    label: input.label,
                    department: ctx.actor.department,
                    owner: ctx.actor.handle.clone(),
                    state: AssetState::Active,
                    authorization: input.authorization.clone(),
                    content_id: None,
                    readers: sorted(&input.readers),
                    created_at: ctx.now,
                    retired_at: None,
                };
                asset.id = store::content::insert_asset(ctx.tx, &asset)?;
                record(ctx, "asset.add", None, &asset)?;
                Ok(asset)
            },
        )
    }

    /// Take approved content into the library (CON-6; needs `asset.manage`):
    /// only approved, scheduled, published or closed items.
    pub fn archive_content(
        &self,
        actor: &str,
        content_id: i64,
        label: Confidentiality,
    ) -> Result<Asset> {
        let target = content_id.to_string();
        self.mutate(
            actor,
            Permission::AssetManage,
            Attempt::new("asset.archive_content", "content", &target),
            |ctx| {
                let item = load_item(ctx, content_id)?;
                if matches!(
                    item.state,
                    ContentState::Planned | ContentState::InProduction | ContentState::InReview
                ) {
                    return Err(Error::PolicyViolation {
                        rule: "CON-6",
                        message: format!(
                            "content {content_id} is {}; only approved content enters the library",
                            item.state
                        ),
                    });
                }
                let mut asset = Asset {
                    id: 0,
                    kind: AssetKind::Content,
                    name: item.title.clone(),
                    uri: format!("content:{content_id}/v{}", item.version),
                    source: if item.ugc {
                        AssetSource::Ugc
                    } else {
                        AssetSource::Internal
                    },
                    label,
                    department: ctx.actor.department,
                    owner: ctx.actor.handle.clone(),
                    state: AssetState::Active,
                    authorization: None,
                    content_id: Some(content_id),
                    readers: Vec::new(),
                    created_at: ctx.now,
                    retired_at: None,
                };
                asset.id = store::content::insert_asset(ctx.tx, &asset)?;
                record(ctx, "asset.archive_content", None, &asset)?;
                Ok(asset)
            },
        )
    }

    /// One asset, if `actor` may read it (CON-6). Reads of confidential and
    /// secret assets are audited; a refused read is audited as a refusal.
    pub fn asset(&self, actor: &str, id: i64) -> Result<Asset> {
        let target = id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("asset.read", "asset", &target),
            |ctx| {
                let asset = load(ctx, id)?;
                if !asset.readable_by(ctx.actor, ctx.policy) {
                    return Err(Error::PermissionDenied {
                        principal: ctx.actor.handle.clone(),
                        permission: format!("asset.read:{}", asset.label),
                        reason: DenialReason::NotCleared,
                    });
                }
                if matches!(
                    asset.label,
                    Confidentiality::Confidential | Confidentiality::Secret
                ) {
                    ctx.record(
                        &Entry::applied(&ctx.actor.handle, "asset.read", "asset", &target)
                            .with_detail(format!("label={}", asset.label)),
                    )?;
                }
                Ok(asset)
            },
        )
    }

    /// The assets `actor` may read, by id (CON-6). Listing is not audited;
    /// confidential and secret assets show only to those cleared for them.
    pub fn assets(&self, actor: &str, filter: &AssetFilter) -> Result<Vec<Asset>> {
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("asset.list", "asset", "*"),
            |ctx| {
                Ok(store::content::assets(ctx.tx)?
                    .into_iter()
                    .filter(|a| {
                        a.readable_by(ctx.actor, ctx.policy)
                            && filter.kind.is_none_or(|k| a.kind == k)
                            && filter.label.is_none_or(|l| a.label == l)
                            && (filter.include_retired || a.state == AssetState::Active)
                    })
                    .collect())
            },
        )
    }

    /// Change an asset's label and named readers (CON-6; needs `asset.manage`
    /// and clearance to read it).
    pub fn relabel_asset(
        &self,
        actor: &str,
        id: i64,
        label: Confidentiality,
        readers: &[String],
    ) -> Result<Asset> {
        self.change_asset(actor, id, "asset.relabel", |ctx, a| {
            validate_readers(ctx, readers)?;
            a.label = label;
            a.readers = sorted(readers);
            Ok(())
        })
    }

    /// Retire an asset (CON-6; needs `asset.manage`): content that uses it
    /// fails the pre-publish checklist from now on.
    pub fn retire_asset(&self, actor: &str, id: i64) -> Result<Asset> {
        self.change_asset(actor, id, "asset.retire", |ctx, a| {
            if a.state == AssetState::Retired {
                return Err(Error::conflict(
                    "asset",
                    id.to_string(),
                    "is already retired",
                ));
            }
            a.state = AssetState::Retired;
            a.retired_at = Some(ctx.now);
            Ok(())
        })
    }

    fn change_asset(
        &self,
        actor: &str,
        id: i64,
        action: &'static str,
        change: impl FnOnce(&Ctx<'_>, &mut Asset) -> Result<()>,
    ) -> Result<Asset> {
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::AssetManage,
            Attempt::new(action, "asset", &target),
            |ctx| {
                let before = load(ctx, id)?;
                if !before.readable_by(ctx.actor, ctx.policy) {
                    return Err(Error::PermissionDenied {
                        principal: ctx.actor.handle.clone(),
                        permission: format!("asset.read:{}", before.label),
                        reason: DenialReason::NotCleared,
                    });
                }
                let mut after = before.clone();
                change(ctx, &mut after)?;
                store::content::update_asset(ctx.tx, &after)?;
                record(ctx, action, Some(&before), &after)?;
                Ok(after)
            },
        )
    }
}

fn sorted(readers: &[String]) -> Vec<String> {
    let mut r = readers.to_vec();
    r.sort();
    r.dedup();
    r
}
