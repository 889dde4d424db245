//! Content items (core's `content::items`, CON-1, CON-2, CON-8): planning an
//! item, writing versions (with the details the pre-publish checklist reads),
//! sending the current version to review, scheduling, publishing and closing
//! it, repurposing it for another channel, and reading an item, its versions
//! and its derivatives. Review runs on the approvals engine's `content_review`
//! workflow: decide it with `approve`, `reject` and the other approval
//! methods, and the item follows.

use napi::Env;
use napi_derive::napi;

use crate::convert::{Date, Nested, all, parse, whole};
use crate::engine::Engine;
use crate::error::{JsField, OrThrow};

/// A content item to plan, for `planContent`.
#[napi(object, object_to_js = false)]
pub struct NewContent {
    /// What it is: `'article'`, `'short_video'`, `'image_post'`, `'live'`,
    /// `'email'`, `'sms'`, `'press_release'`, `'ad_creative'` or
    /// `'landing_page'`.
    pub kind: String,
    /// A working title: 1–200 characters, no control or invisible characters.
    pub title: String,
    /// The channel it is planned for, a media platform name such as
    /// `'douyin'` (`a-z 0-9 . _ -`).
    pub channel: String,
    /// An ad: legal reviews it too. Default `false`.
    pub is_ad: Option<bool>,
    /// Sensitive: a supervisor reviews it too. Default `false`.
    pub sensitive: Option<bool>,
    /// User-generated: counts towards a channel's UGC quota in the publishing
    /// plan (CON-7). Default `false`.
    pub ugc: Option<bool>,
    /// The sub-kind a channel's mix is planned in, e.g. `'koc'` or
    /// `'amateur_review'` (`a-z 0-9 . _ -`). Default none.
    pub format: Option<String>,
    /// The quarterly theme it belongs to (an id from `addTheme`); an unknown
    /// theme throws `'not_found'`. Default none.
    pub theme_id: Option<f64>,
}

impl NewContent {
    pub(crate) fn into_core(self) -> brandrail::Result<brandrail::content::NewContent> {
        Ok(brandrail::content::NewContent {
            is_ad: self.is_ad.unwrap_or_default(),
            sensitive: self.sensitive.unwrap_or_default(),
            ugc: self.ugc.unwrap_or_default(),
            format: self.format,
            theme_id: self.theme_id.map(|t| whole("themeId", t)).transpose()?,
            ..brandrail::content::NewContent::new(
                parse("kind", &self.kind)?,
                self.title,
                self.channel,
            )
        })
    }
}

/// A new version, for `editContent`: its text and, optionally, what it
/// declares beyond the text.
#[napi(object, object_to_js = false)]
pub struct ContentText {
    /// The version's title: 1–200 characters, no control or invisible
    /// characters.
    pub title: String,
    /// The body: not blank, at most 1 MiB of UTF-8, no control characters
    /// other than newlines and tabs.
    pub body: String,
    /// Duration, layout and assets of this version, for the pre-publish
    /// checklist (CON-4, CON-5). Given (even `{}`), they replace the previous
    /// version's; left out, the new version keeps the previous version's.
    #[napi(ts_type = "ContentDetails")]
    pub details: Option<Nested<ContentDetails>>,
}

/// What a version declares beyond its text, for `editContent`. Every field
/// is optional; the policy's `content.required_fields` says what must be
/// there before review.
#[napi(object, object_to_js = false)]
pub struct ContentDetails {
    /// Length of a video in seconds: a whole number, 1 to 86400. Short videos
    /// must declare it (and keep to the policy's 15–60 s by default).
    pub duration_seconds: Option<f64>,
    /// Paragraph (line) spacing of the layout, above 0 and at most 10, e.g.
    /// `1.5`.
    pub paragraph_spacing: Option<f64>,
    /// The template used (approved in the policy or a `'template'` asset).
    pub template: Option<String>,
    /// Fonts used, at most 20.
    pub fonts: Option<Vec<String>>,
    /// The palette used.
    pub palette: Option<String>,
    /// Ids of the asset-library assets the piece uses, each once, at most 500.
    pub assets: Option<Vec<f64>>,
}

impl ContentDetails {
    fn into_core(self) -> brandrail::Result<brandrail::content::VersionDetails> {
        Ok(brandrail::content::VersionDetails {
            duration_seconds: self
                .duration_seconds
                .map(|d| whole("durationSeconds", d))
                .transpose()?,
            paragraph_spacing: self.paragraph_spacing,
            template: self.template,
            fonts: self.fonts.unwrap_or_default(),
            palette: self.palette,
            assets: self
                .assets
                .unwrap_or_default()
                .into_iter()
                .map(|a| whole("assets", a))
                .collect::<brandrail::Result<_>>()?,
        })
    }
}

/// What a version declares beyond its text (see `ContentDetails`).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct VersionDetails {
    /// Length of a video in seconds, or `null`.
    pub duration_seconds: Option<u32>,
    /// Paragraph (line) spacing, or `null`.
    pub paragraph_spacing: Option<f64>,
    /// Template, or `null`.
    pub template: Option<String>,
    /// Fonts (possibly none).
    pub fonts: Vec<String>,
    /// Palette, or `null`.
    pub palette: Option<String>,
    /// Ids of the assets used (possibly none).
    pub assets: Vec<i64>,
}

impl From<brandrail::content::VersionDetails> for VersionDetails {
    fn from(d: brandrail::content::VersionDetails) -> Self {
        VersionDetails {
            duration_seconds: d.duration_seconds,
            paragraph_spacing: d.paragraph_spacing,
            template: d.template,
            fonts: d.fonts,
            palette: d.palette,
            assets: d.assets,
        }
    }
}

/// A content item: one piece of content moving through its lifecycle
/// (CON-2), its text kept as versions.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ContentItem {
    /// Identifier (a safe integer).
    pub id: i64,
    /// `'article'`, `'short_video'`, `'image_post'`, `'live'`, `'email'`,
    /// `'sms'`, `'press_release'`, `'ad_creative'` or `'landing_page'`.
    pub kind: String,
    /// Title of the current version (the working title while planned).
    pub title: String,
    /// The channel it is planned for, e.g. `'douyin'`.
    pub channel: String,
    /// Handle of who planned it and is responsible for it.
    pub owner: String,
    /// `'planned'`, `'in_production'`, `'in_review'`, `'approved'`,
    /// `'scheduled'`, `'published'` or `'retrospective'` (closed).
    pub state: String,
    /// Current version number: 0 while planned, +1 per edit.
    pub version: u32,
    /// An ad (legal reviews it too).
    pub is_ad: bool,
    /// Sensitive (a supervisor reviews it too).
    pub sensitive: bool,
    /// User-generated (counts towards a channel's UGC quota, CON-7).
    pub ugc: bool,
    /// The sub-kind a channel's mix is planned in (`'koc'`, …), or `null`.
    pub format: Option<String>,
    /// The item this one was repurposed from (`deriveContent`), or `null`.
    pub source_id: Option<i64>,
    /// The quarterly theme it belongs to, or `null`.
    pub theme_id: Option<i64>,
    /// The review (an approval instance id, for `approve`, `reject`, …) of
    /// the current version once submitted, else `null`. An edit clears it.
    pub approval_id: Option<i64>,
    /// When it is scheduled to go out, or `null`.
    pub scheduled_at: Option<Date>,
    /// When it was published, or `null`.
    pub published_at: Option<Date>,
    /// Planned.
    pub created_at: Date,
    /// Last change.
    pub updated_at: Date,
}

impl From<brandrail::content::ContentItem> for ContentItem {
    fn from(c: brandrail::content::ContentItem) -> Self {
        ContentItem {
            id: c.id,
            kind: c.kind.as_str().to_owned(),
            title: c.title,
            channel: c.channel,
            owner: c.owner,
            state: c.state.as_str().to_owned(),
            version: c.version,
            is_ad: c.is_ad,
            sensitive: c.sensitive,
            ugc: c.ugc,
            format: c.format,
            source_id: c.source_id,
            theme_id: c.theme_id,
            approval_id: c.approval_id,
            scheduled_at: c.scheduled_at.map(Date::from),
            published_at: c.published_at.map(Date::from),
            created_at: c.created_at.into(),
            updated_at: c.updated_at.into(),
        }
    }
}

/// One version of a content item; every edit writes one and all are kept.
#[napi(object, object_from_js = false)]
pub struct ContentVersion {
    /// The item's id.
    pub item_id: i64,
    /// 1, 2, … in the order written.
    pub version: u32,
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Handle of who wrote it.
    pub author: String,
    /// When it was written.
    pub created_at: Date,
    /// Duration, layout and assets declared with it.
    pub details: VersionDetails,
}

impl From<brandrail::content::ContentVersion> for ContentVersion {
    fn from(v: brandrail::content::ContentVersion) -> Self {
        ContentVersion {
            item_id: v.item_id,
            version: v.version,
            title: v.title,
            body: v.body,
            author: v.author,
            created_at: v.created_at.into(),
            details: v.details.into(),
        }
    }
}

#[napi]
impl Engine {
    /// Plan a content item (CON-1; needs `content.create`). It starts
    /// `'planned'` at version 0, owned by the actor; `editContent` writes its
    /// first version. Throws `'not_found'` (entity `'theme'`) for an unknown
    /// `themeId`.
    #[napi(strict, catch_unwind)]
    pub fn plan_content(
        &self,
        env: &Env,
        actor: String,
        content: NewContent,
    ) -> napi::Result<ContentItem> {
        content
            .into_core()
            .and_then(|c| self.inner.plan_content(&actor, c))
            .js_field()
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Write a new version of item `id` (CON-1: every edit is a version;
    /// needs `content.edit`); the item goes to `'in_production'`. Editing an
    /// approved or scheduled item voids its approval and schedule: the review
    /// covered the previous version. With `text.details` the version declares
    /// its duration, layout and assets; without, it keeps the previous
    /// version's. Throws `'conflict'` while the item is in review and once it
    /// is published, and `'validation'` naming the detail (`durationSeconds`,
    /// `paragraphSpacing`, `fonts`, `assets`, …) for a bad one.
    #[napi(strict, catch_unwind)]
    pub fn edit_content(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        text: ContentText,
    ) -> napi::Result<ContentItem> {
        let ContentText {
            title,
            body,
            details,
        } = text;
        whole("id", id)
            .and_then(|id| match details {
                None => self.inner.edit_content(&actor, id, &title, &body),
                Some(Nested(details)) => {
                    let draft = brandrail::content::ContentDraft {
                        title,
                        body,
                        details: details.into_core()?,
                    };
                    self.inner.edit_content_with(&actor, id, &draft)
                }
            })
            .js_field()
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Repurpose item `sourceId` for another channel (CON-8; needs
    /// `content.create`): a new item planned from `content` and linked to its
    /// source (`sourceId`), whose first version starts from the source's
    /// latest text and details, titled `content.title`. It starts
    /// `'in_production'` at version 1. Throws `'not_found'` for an unknown
    /// source and `'conflict'` for a source with no version yet.
    #[napi(strict, catch_unwind)]
    pub fn derive_content(
        &self,
        env: &Env,
        actor: String,
        source_id: f64,
        content: NewContent,
    ) -> napi::Result<ContentItem> {
        whole("sourceId", source_id)
            .and_then(|id| Ok((id, content.into_core()?)))
            .and_then(|(id, c)| self.inner.derive_content(&actor, id, c))
            .js_field()
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Send the current version of item `id` to review (CON-2, CON-3; needs
    /// `approval.submit`): a `content_review` approval starts (brand, then
    /// legal for ads, a supervisor for sensitive items) and its id becomes
    /// the item's `approvalId`. Throws `'policy_violation'` (rule `'CON-3'`)
    /// while the compliance checker finds anything that blocks, and
    /// `'conflict'` unless the item is in production.
    #[napi(strict, catch_unwind)]
    pub fn submit_content(&self, env: &Env, actor: String, id: f64) -> napi::Result<ContentItem> {
        whole("id", id)
            .and_then(|id| self.inner.submit_content(&actor, id))
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Schedule approved (or reschedule scheduled) item `id` to go out `at`
    /// (CON-2; needs `content.schedule`). Throws `'policy_violation'` (rule
    /// `'CON-2'`) for content not approved, and `'validation'` (field `at`)
    /// for an `Invalid Date` or a time before the engine clock's now.
    #[napi(strict, catch_unwind)]
    pub fn schedule_content(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        at: Date,
    ) -> napi::Result<ContentItem> {
        whole("id", id)
            .and_then(|id| Ok((id, at.to_utc("at")?)))
            .and_then(|(id, at)| self.inner.schedule_content(&actor, id, at))
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Publish approved or scheduled item `id` now (CON-2; needs
    /// `content.publish`). Throws `'policy_violation'` (rule `'CON-2'`) for
    /// content not approved.
    #[napi(strict, catch_unwind)]
    pub fn publish_content(&self, env: &Env, actor: String, id: f64) -> napi::Result<ContentItem> {
        whole("id", id)
            .and_then(|id| self.inner.publish_content(&actor, id))
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Close published item `id` after its retrospective: it becomes
    /// `'retrospective'` (CON-2; needs `content.edit`). Throws `'conflict'`
    /// for content not published.
    #[napi(strict, catch_unwind)]
    pub fn close_content(&self, env: &Env, actor: String, id: f64) -> napi::Result<ContentItem> {
        whole("id", id)
            .and_then(|id| self.inner.close_content(&actor, id))
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Content item `id`; throws `'not_found'` for an unknown one. Reads
    /// only; needs no principal.
    #[napi(strict, catch_unwind)]
    pub fn content_item(&self, env: &Env, id: f64) -> napi::Result<ContentItem> {
        whole("id", id)
            .and_then(|id| self.inner.content_item(id))
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Every version of item `id`, oldest first; throws `'not_found'` for an
    /// unknown item. Reads only; needs no principal.
    #[napi(strict, catch_unwind)]
    pub fn content_versions(&self, env: &Env, id: f64) -> napi::Result<Vec<ContentVersion>> {
        whole("id", id)
            .and_then(|id| self.inner.content_versions(id))
            .map(all)
            .or_throw(env)
    }

    /// The items repurposed from item `id` (`deriveContent`, CON-8), oldest
    /// first; throws `'not_found'` for an unknown item. Reads only; needs no
    /// principal.
    #[napi(strict, catch_unwind)]
    pub fn content_derivatives(&self, env: &Env, id: f64) -> napi::Result<Vec<ContentItem>> {
        whole("id", id)
            .and_then(|id| self.inner.content_derivatives(id))
            .map(all)
            .or_throw(env)
    }
}
