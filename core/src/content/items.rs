//! Content items and their versions (CON-1) through the lifecycle (CON-2):
//! planned → in production → in review → approved → scheduled → published →
//! retrospective. Review runs on the approvals engine's `content_review`
//! workflow; its outcome moves the item. Only approved content is scheduled or
//! published, and nothing with a blocking compliance finding goes to review.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::access::{Permission, named_enum};
use crate::approval::{ApprovalInstance, ApprovalState, Subject, SubjectKind};
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::{Attempt, Ctx, Engine, store, validate};

/// Longest body accepted, in bytes.
const MAX_BODY_BYTES: usize = 1 << 20;

named_enum! {
    /// The kinds of content (CON-1).
    ContentKind, "kind" {
        /// An in-depth article (WeChat official account, Zhihu …).
        Article => "article",
        /// A short video.
        ShortVideo => "short_video",
        /// An image post (Xiaohongshu, Weibo …).
        ImagePost => "image_post",
        /// A live stream.
        Live => "live",
        /// An e-mail.
        Email => "email",
        /// A text message.
        Sms => "sms",
        /// A press release.
        PressRelease => "press_release",
        /// An ad creative.
        AdCreative => "ad_creative",
        /// A landing page.
        LandingPage => "landing_page",
    }
}

named_enum! {
    /// Where a content item stands (CON-2).
    ContentState, "state" {
        /// Planned, nothing written yet.
        Planned => "planned",
        /// Being written or revised.
        InProduction => "in_production",
        /// In the content-review workflow.
        InReview => "in_review",
        /// Approved; may be scheduled or published.
        Approved => "approved",
        /// Scheduled for publication.
        Scheduled => "scheduled",
        /// Published.
        Published => "published",
        /// Reviewed after publication; closed.
        Retrospective => "retrospective",
    }
}

/// A content item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContentItem {
    /// Identifier.
    pub id: i64,
    /// Kind.
    pub kind: ContentKind,
    /// Title of the current version.
    pub title: String,
    /// Channel it is planned for (a media platform name).
    pub channel: String,
    /// Principal responsible.
    pub owner: String,
    /// Lifecycle state.
    pub state: ContentState,
    /// Current version number (0 while planned).
    pub version: u32,
    /// An ad (legal review applies).
    pub is_ad: bool,
    /// Sensitive (a supervisor reviews too).
    pub sensitive: bool,
    /// User-generated (counts towards a channel's UGC quota, CON-7).
    pub ugc: bool,
    /// Sub-kind a channel's mix is planned in (`amateur_review`, `koc`, …).
    pub format: Option<String>,
    /// The piece this one was repurposed from (CON-8).
    pub source_id: Option<i64>,
    /// The quarterly theme it belongs to (CON-8).
    pub theme_id: Option<i64>,
    /// The review instance of the current version, once submitted.
    pub approval_id: Option<i64>,
    /// When it is scheduled to go out.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// When it was published.
    pub published_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// What a version declares beyond its text, for the pre-publish checklist
/// (CON-4, CON-5). Everything is optional; the policy's `required_fields`
/// says what must be there.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VersionDetails {
    /// Length of a video, in seconds.
    pub duration_seconds: Option<u32>,
    /// Paragraph (line) spacing of the layout, e.g. 1.5.
    pub paragraph_spacing: Option<f64>,
    /// Template used.
    pub template: Option<String>,
    /// Fonts used.
    pub fonts: Vec<String>,
    /// Palette used.
    pub palette: Option<String>,
    /// Ids of the asset-library assets the piece uses (images, videos …).
    pub assets: Vec<i64>,
}

/// Most assets one version may reference.
const MAX_ASSETS: usize = 500;
/// Most fonts one version may name.
const MAX_FONTS: usize = 20;
/// Longest video accepted, seconds (a day).
const MAX_DURATION_SECONDS: u32 = 86_400;

impl VersionDetails {
    fn validate(&self) -> Result<()> {
        if let Some(d) = self.duration_seconds
            && (d == 0 || d > MAX_DURATION_SECONDS)
        {
            return Err(Error::validation(
                "duration_seconds",
                format!("must be 1 to {MAX_DURATION_SECONDS}, got {d}"),
            ));
        }
        if let Some(s) = self.paragraph_spacing
            && !(s.is_finite() && s > 0.0 && s <= 10.0)
        {
            return Err(Error::validation(
                "paragraph_spacing",
                "must be a number above 0 and at most 10",
            ));
        }
        if let Some(t) = &self.template {
            validate::display_text("template", t)?;
        }
        if let Some(p) = &self.palette {
            validate::display_text("palette", p)?;
        }
        if self.fonts.len() > MAX_FONTS {
            return Err(Error::validation(
                "fonts",
                format!("at most {MAX_FONTS}, got {}", self.fonts.len()),
            ));
        }
        for f in &self.fonts {
            validate::display_text("fonts", f)?;
        }
        if self.assets.len() > MAX_ASSETS {
            return Err(Error::validation(
                "assets",
                format!("at most {MAX_ASSETS}, got {}", self.assets.len()),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        for a in &self.assets {
            if *a <= 0 || !seen.insert(*a) {
                return Err(Error::validation(
                    "assets",
                    format!("{a} is not a positive asset id listed once"),
                ));
            }
        }
        Ok(())
    }
}

/// A new version: its text and what it declares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ContentDraft {
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Duration, layout and assets.
    pub details: VersionDetails,
}

/// One version of an item; every edit makes one (CON-1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContentVersion {
    /// The item.
    pub item_id: i64,
    /// 1, 2, …
    pub version: u32,
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Who wrote it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Duration, layout and assets declared with it.
    pub details: VersionDetails,
}

/// Input for planning a content item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContent {
    /// Kind.
    pub kind: ContentKind,
    /// Working title.
    pub title: String,
    /// Channel.
    pub channel: String,
    /// An ad.
    pub is_ad: bool,
    /// Sensitive.
    pub sensitive: bool,
    /// User-generated.
    pub ugc: bool,
    /// Sub-kind for a channel's mix (an identifier), if any.
    pub format: Option<String>,
    /// Quarterly theme, if any.
    pub theme_id: Option<i64>,
}

impl NewContent {
    /// A plain (not an ad, not sensitive, not UGC) item.
    pub fn new(kind: ContentKind, title: impl Into<String>, channel: impl Into<String>) -> Self {
        NewContent {
            kind,
            title: title.into(),
            channel: channel.into(),
            is_ad: false,
            sensitive: false,
            ugc: false,
            format: None,
            theme_id: None,
        }
    }

    fn validate(&self, ctx: &Ctx<'_>) -> Result<()> {
        validate::display_text("title", &self.title)?;
        validate::identifier("channel", &self.channel)?;
        if let Some(f) = &self.format {
            validate::identifier("format", f)?;
        }
        if let Some(t) = self.theme_id
            && store::content::theme(ctx.tx, t)?.is_none()
        {
            return Err(Error::not_found("theme", t.to_string()));
        }
        Ok(())
    }

    fn into_item(self, ctx: &Ctx<'_>, source_id: Option<i64>) -> ContentItem {
        ContentItem {
            id: 0,
            kind: self.kind,
            title: self.title,
            channel: self.channel,
            owner: ctx.actor.handle.clone(),
            state: ContentState::Planned,
            version: 0,
            is_ad: self.is_ad,
            sensitive: self.sensitive,
            ugc: self.ugc,
            format: self.format,
            source_id,
            theme_id: self.theme_id,
            approval_id: None,
            scheduled_at: None,
            published_at: None,
            created_at: ctx.now,
            updated_at: ctx.now,
        }
    }
}

/// Checks of a body shared by edits and variants.
pub(crate) fn validate_body(field: &str, body: &str) -> Result<()> {
    if body.trim().is_empty() || body.len() > MAX_BODY_BYTES {
        return Err(Error::validation(
            field,
            format!("must be 1 byte to {MAX_BODY_BYTES} bytes"),
        ));
    }
    if body
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
    {
        return Err(Error::validation(field, "contains control characters"));
    }
    Ok(())
}

pub(crate) fn load(ctx: &Ctx<'_>, id: i64) -> Result<ContentItem> {
    store::content::item(ctx.tx, id)?.ok_or_else(|| Error::not_found("content", id.to_string()))
}

pub(crate) fn save(
    ctx: &Ctx<'_>,
    before: &ContentItem,
    after: &ContentItem,
    action: &'static str,
) -> Result<()> {
    store::content::update_item(ctx.tx, after)?;
    ctx.record(
        &Entry::applied(&ctx.actor.handle, action, "content", &after.id.to_string())
            .before(before)
            .after(after)
            .with_detail(format!("state={} version={}", after.state, after.version)),
    )?;
    Ok(())
}

/// The checklist of the current version of `item`, as a gate.
fn gate_current(
    ctx: &Ctx<'_>,
    scanner: &super::compliance::Scanner,
    item: &ContentItem,
    stage: &str,
) -> Result<()> {
    let version = store::content::latest_version(ctx.tx, item.id)?
        .ok_or_else(|| Error::conflict("content", item.id.to_string(), "has no version"))?;
    super::checklist::gate(ctx, scanner, item, &version, stage)
}

/// The review outcome moves the item (called by the approvals engine).
pub(crate) fn on_review(ctx: &Ctx<'_>, inst: &ApprovalInstance) -> Result<()> {
    if inst.subject.kind != SubjectKind::ContentVersion {
        return Ok(());
    }
    let Some(before) = store::content::item_by_approval(ctx.tx, inst.id)? else {
        return Ok(());
    };
    let state = match inst.state {
        ApprovalState::Approved => ContentState::Approved,
        ApprovalState::InReview => ContentState::InReview,
        ApprovalState::Rejected | ApprovalState::ReturnedForChanges | ApprovalState::Withdrawn => {
            ContentState::InProduction
        }
    };
    if state == before.state {
        return Ok(());
    }
    let mut after = before.clone();
    after.state = state;
    after.updated_at = ctx.now;
    save(ctx, &before, &after, "content.review_outcome")
}

impl Engine {
    /// Plan a content item (CON-1; needs `content.create`).
    pub fn plan_content(&self, actor: &str, input: NewContent) -> Result<ContentItem> {
        self.mutate(
            actor,
            Permission::ContentCreate,
            Attempt::new("content.plan", "content", "new"),
            |ctx| {
                input.validate(ctx)?;
                let mut item = input.clone().into_item(ctx, None);
                item.id = store::content::insert_item(ctx.tx, &item)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "content.plan",
                        "content",
                        &item.id.to_string(),
                    )
                    .after(&item)
                    .with_detail(format!("kind={} channel={}", item.kind, item.channel)),
                )?;
                Ok(item)
            },
        )
    }

    /// Write a new version (CON-1: every edit is a version; needs
    /// `content.edit`). The version keeps the details (duration, layout,
    /// assets) of the one before; [`Engine::edit_content_with`] sets them. An
    /// approved or scheduled item goes back to production: its approval
    /// covered the previous version. Refused while in review and once
    /// published.
    pub fn edit_content(
        &self,
        actor: &str,
        id: i64,
        title: &str,
        body: &str,
    ) -> Result<ContentItem> {
        self.write_version(actor, id, title, body, None)
    }

    /// [`Engine::edit_content`] with the version's details declared.
    pub fn edit_content_with(
        &self,
        actor: &str,
        id: i64,
        draft: &ContentDraft,
    ) -> Result<ContentItem> {
        self.write_version(actor, id, &draft.title, &draft.body, Some(&draft.details))
    }

    fn write_version(
        &self,
        actor: &str,
        id: i64,
        title: &str,
        body: &str,
        details: Option<&VersionDetails>,
    ) -> Result<ContentItem> {
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ContentEdit,
            Attempt::new("content.edit", "content", &target),
            |ctx| {
                validate::display_text("title", title)?;
                validate_body("body", body)?;
                if let Some(d) = details {
                    d.validate()?;
                }
                let before = load(ctx, id)?;
                match before.state {
                    ContentState::InReview => {
                        return Err(Error::conflict(
                            "content",
                            target.clone(),
                            "is in review; withdraw it or wait for the decision",
                        ));
                    }
                    ContentState::Published | ContentState::Retrospective => {
                        return Err(Error::conflict(
                            "content",
                            target.clone(),
                            format!("is {}", before.state),
                        ));
                    }
                    _ => {}
                }
                let details = match details {
                    Some(d) => d.clone(),
                    None => store::content::latest_version(ctx.tx, id)?
                        .map(|v| v.details)
                        .unwrap_or_default(),
                };
                let mut after = before.clone();
                after.version += 1;
                after.title = title.to_owned();
                after.state = ContentState::InProduction;
                after.approval_id = None;
                after.scheduled_at = None;
                after.updated_at = ctx.now;
                store::content::insert_version(
                    ctx.tx,
                    &ContentVersion {
                        item_id: id,
                        version: after.version,
                        title: title.to_owned(),
                        body: body.to_owned(),
                        author: ctx.actor.handle.clone(),
                        created_at: ctx.now,
                        details,
                    },
                )?;
                save(ctx, &before, &after, "content.edit")?;
                Ok(after)
            },
        )
    }

    /// Repurpose a piece for another channel (CON-8; needs `content.create`):
    /// a new item linked to its source, whose first version starts from the
    /// source's latest text and details, in production.
    pub fn derive_content(
        &self,
        actor: &str,
        source_id: i64,
        input: NewContent,
    ) -> Result<ContentItem> {
        let target = source_id.to_string();
        self.mutate(
            actor,
            Permission::ContentCreate,
            Attempt::new("content.derive", "content", &target),
            |ctx| {
                input.validate(ctx)?;
                load(ctx, source_id)?;
                let source =
                    store::content::latest_version(ctx.tx, source_id)?.ok_or_else(|| {
                        Error::conflict("content", target.clone(), "has no version to derive from")
                    })?;
                let mut item = input.clone().into_item(ctx, Some(source_id));
                item.version = 1;
                item.state = ContentState::InProduction;
                item.id = store::content::insert_item(ctx.tx, &item)?;
                store::content::insert_version(
                    ctx.tx,
                    &ContentVersion {
                        item_id: item.id,
                        version: 1,
                        title: item.title.clone(),
                        body: source.body,
                        author: ctx.actor.handle.clone(),
                        created_at: ctx.now,
                        details: source.details,
                    },
                )?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "content.derive",
                        "content",
                        &item.id.to_string(),
                    )
                    .after(&item)
                    .with_detail(format!("source={source_id} channel={}", item.channel)),
                )?;
                Ok(item)
            },
        )
    }

    /// Send the current version to review (CON-2..CON-5): refused with
    /// `policy_violation` while the pre-publish checklist (compliance findings,
    /// links, assets, required fields, ad label, brand and VI rules) finds
    /// anything that blocks; else the `content_review` workflow starts (legal reviews ads, a
    /// supervisor sensitive items).
    pub fn submit_content(&self, actor: &str, id: i64) -> Result<ContentItem> {
        let scanner = self.scanner()?;
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ApprovalSubmit,
            Attempt::new("content.submit", "content", &target),
            |ctx| {
                let before = load(ctx, id)?;
                if before.state != ContentState::InProduction {
                    return Err(Error::conflict(
                        "content",
                        target.clone(),
                        format!(
                            "is {}; only content in production goes to review",
                            before.state
                        ),
                    ));
                }
                let version = store::content::latest_version(ctx.tx, id)?
                    .ok_or_else(|| Error::conflict("content", target.clone(), "has no version"))?;
                super::checklist::gate(ctx, &scanner, &before, &version, "review")?;
                let subject = Subject::new(
                    SubjectKind::ContentVersion,
                    format!("content-{id}/v{}", version.version),
                    version.title.clone(),
                )
                .with_attribute("is_ad", before.is_ad.to_string())
                .with_attribute("sensitive", before.sensitive.to_string())
                .with_attribute("kind", before.kind.as_str());
                let inst = crate::approval::submit_in(ctx, "content_review", subject)?;
                let mut after = before.clone();
                after.approval_id = Some(inst.id);
                after.state = if inst.state == ApprovalState::Approved {
                    ContentState::Approved
                } else {
                    ContentState::InReview
                };
                after.updated_at = ctx.now;
                save(ctx, &before, &after, "content.submit")?;
                Ok(after)
            },
        )
    }

    /// Schedule approved content (CON-2; needs `content.schedule`). Refused
    /// when the pre-publish checklist (CON-3..CON-5) finds anything that
    /// blocks, or when the slot would take the channel over its cadence cap
    /// (CON-7).
    pub fn schedule_content(&self, actor: &str, id: i64, at: DateTime<Utc>) -> Result<ContentItem> {
        let scanner = self.scanner()?;
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ContentSchedule,
            Attempt::new("content.schedule", "content", &target),
            |ctx| {
                let before = load(ctx, id)?;
                if !matches!(
                    before.state,
                    ContentState::Approved | ContentState::Scheduled
                ) {
                    return Err(Error::PolicyViolation {
                        rule: "CON-2",
                        message: format!(
                            "content {id} is {}; only approved content is scheduled",
                            before.state
                        ),
                    });
                }
                if at < ctx.now {
                    return Err(Error::validation("at", "lies in the past"));
                }
                gate_current(ctx, &scanner, &before, "scheduling")?;
                super::plan::check_cap(ctx, &before, at)?;
                let mut after = before.clone();
                after.state = ContentState::Scheduled;
                after.scheduled_at = Some(at);
                after.updated_at = ctx.now;
                save(ctx, &before, &after, "content.schedule")?;
                Ok(after)
            },
        )
    }

    /// Publish approved or scheduled content (CON-2; needs `content.publish`).
    /// Refused when the pre-publish checklist finds anything that blocks
    /// (an asset retired or relabelled since approval, a changed policy).
    pub fn publish_content(&self, actor: &str, id: i64) -> Result<ContentItem> {
        let scanner = self.scanner()?;
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ContentPublish,
            Attempt::new("content.publish", "content", &target),
            |ctx| {
                let before = load(ctx, id)?;
                if !matches!(
                    before.state,
                    ContentState::Approved | ContentState::Scheduled
                ) {
                    return Err(Error::PolicyViolation {
                        rule: "CON-2",
                        message: format!(
                            "content {id} is {}; only approved content is published",
                            before.state
                        ),
                    });
                }
                gate_current(ctx, &scanner, &before, "publication")?;
                let mut after = before.clone();
                after.state = ContentState::Published;
                after.published_at = Some(ctx.now);
                after.updated_at = ctx.now;
                save(ctx, &before, &after, "content.publish")?;
                Ok(after)
            },
        )
    }

    /// Close a published item after its retrospective (CON-2; needs `content.edit`).
    pub fn close_content(&self, actor: &str, id: i64) -> Result<ContentItem> {
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ContentEdit,
            Attempt::new("content.close", "content", &target),
            |ctx| {
                let before = load(ctx, id)?;
                if before.state != ContentState::Published {
                    return Err(Error::conflict(
                        "content",
                        target.clone(),
                        format!("is {}; only published content is closed", before.state),
                    ));
                }
                let mut after = before.clone();
                after.state = ContentState::Retrospective;
                after.updated_at = ctx.now;
                save(ctx, &before, &after, "content.close")?;
                Ok(after)
            },
        )
    }

    /// One content item.
    pub fn content_item(&self, id: i64) -> Result<ContentItem> {
        self.read(|tx, _| {
            store::content::item(tx, id)?.ok_or_else(|| Error::not_found("content", id.to_string()))
        })
    }

    /// Every version of an item, oldest first.
    pub fn content_versions(&self, id: i64) -> Result<Vec<ContentVersion>> {
        self.read(|tx, _| {
            if store::content::item(tx, id)?.is_none() {
                return Err(Error::not_found("content", id.to_string()));
            }
            store::content::versions(tx, id)
        })
    }

    /// Items repurposed from `id` (CON-8), oldest first.
    pub fn content_derivatives(&self, id: i64) -> Result<Vec<ContentItem>> {
        self.read(|tx, _| {
            if store::content::item(tx, id)?.is_none() {
                return Err(Error::not_found("content", id.to_string()));
            }
            store::content::derivatives(tx, id)
        })
    }
}
