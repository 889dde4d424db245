//! Content items (core's `content::items`, CON-1, CON-2): planning an item,
//! writing versions, sending the current version to review, scheduling,
//! publishing and closing it, and reading an item and its versions. Review
//! runs on the approvals engine's `content_review` workflow: decide it with
//! `approve`, `reject` and the other approval methods, and the item follows.

use napi::Env;
use napi_derive::napi;

use crate::convert::{Date, all, parse, whole};
use crate::engine::Engine;
use crate::error::OrThrow;

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
}

impl NewContent {
    fn into_core(self) -> brandrail::Result<brandrail::content::NewContent> {
        Ok(brandrail::content::NewContent {
            kind: parse("kind", &self.kind)?,
            title: self.title,
            channel: self.channel,
            is_ad: self.is_ad.unwrap_or_default(),
            sensitive: self.sensitive.unwrap_or_default(),
        })
    }
}

/// A new version's text, for `editContent`.
#[napi(object, object_to_js = false)]
pub struct ContentText {
    /// The version's title: 1–200 characters, no control or invisible
    /// characters.
    pub title: String,
    /// The body: not blank, at most 1 MiB of UTF-8, no control characters
    /// other than newlines and tabs.
    pub body: String,
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
        }
    }
}

#[napi]
impl Engine {
    /// Plan a content item (CON-1; needs `content.create`). It starts
    /// `'planned'` at version 0, owned by the actor; `editContent` writes its
    /// first version.
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
            .map(ContentItem::from)
            .or_throw(env)
    }

    /// Write a new version of item `id` (CON-1: every edit is a version;
    /// needs `content.edit`); the item goes to `'in_production'`. Editing an
    /// approved or scheduled item voids its approval and schedule: the review
    /// covered the previous version. Throws `'conflict'` while the item is in
    /// review and once it is published.
    #[napi(strict, catch_unwind)]
    pub fn edit_content(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        text: ContentText,
    ) -> napi::Result<ContentItem> {
        whole("id", id)
            .and_then(|id| self.inner.edit_content(&actor, id, &text.title, &text.body))
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
}
