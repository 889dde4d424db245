//! Content items and their versions (CON-1) through the lifecycle (CON-2):
//! planned → in production → in review → approved → scheduled → published →
//! retrospective. Review runs on the approvals engine's `content_review`
//! workflow; its outcome moves the item. Only approved content is scheduled or
//! published, and nothing with a blocking compliance finding goes to review.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::{Permission, named_enum};
use crate::approval::{ApprovalInstance, ApprovalState, Subject, SubjectKind};
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::policy::Severity;
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

/// One version of an item; every edit makes one (CON-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
}

fn load(ctx: &Ctx<'_>, id: i64) -> Result<ContentItem> {
    store::content::item(ctx.tx, id)?.ok_or_else(|| Error::not_found("content", id.to_string()))
}

fn save(
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
                validate::display_text("title", &input.title)?;
                validate::identifier("channel", &input.channel)?;
                let mut item = ContentItem {
                    id: 0,
                    kind: input.kind,
                    title: input.title.clone(),
                    channel: input.channel.clone(),
                    owner: ctx.actor.handle.clone(),
                    state: ContentState::Planned,
                    version: 0,
                    is_ad: input.is_ad,
                    sensitive: input.sensitive,
                    approval_id: None,
                    scheduled_at: None,
                    published_at: None,
                    created_at: ctx.now,
                    updated_at: ctx.now,
                };
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
    /// `content.edit`). An approved or scheduled item goes back to production:
    /// its approval covered the previous version. Refused while in review and
    /// once published.
    pub fn edit_content(
        &self,
        actor: &str,
        id: i64,
        title: &str,
        body: &str,
    ) -> Result<ContentItem> {
        let target = id.to_string();
        self.mutate(
            actor,
            Permission::ContentEdit,
            Attempt::new("content.edit", "content", &target),
            |ctx| {
                validate::display_text("title", title)?;
                if body.trim().is_empty() || body.len() > MAX_BODY_BYTES {
                    return Err(Error::validation(
                        "body",
                        format!("must be 1 byte to {MAX_BODY_BYTES} bytes"),
                    ));
                }
                if body
                    .chars()
                    .any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r'))
                {
                    return Err(Error::validation("body", "contains control characters"));
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
                    },
                )?;
                save(ctx, &before, &after, "content.edit")?;
                Ok(after)
            },
        )
    }

    /// Send the current version to review (CON-2, CON-3): refused with
    /// `policy_violation` while the compliance checker finds anything that
    /// blocks; else the `content_review` workflow starts (legal reviews ads, a
    /// supervisor sensitive items).
    pub fn submit_content(&self, actor: &str, id: i64) -> Result<ContentItem> {
        let scanner = self.scanner()?;
        let target = id.to_string();
        self.mutate(actor, Permission::ApprovalSubmit, Attempt::new("content.submit", "content", &target), |ctx| {
            let before = load(ctx, id)?;
            if before.state != ContentState::InProduction {
                return Err(Error::conflict("content", target.clone(), format!("is {}; only content in production goes to review", before.state)));
            }
            let version = store::content::latest_version(ctx.tx, id)?
                .ok_or_else(|| Error::conflict("content", target.clone(), "has no version"))?;
            let blocking = scanner
                .check(&format!("{}\n{}", version.title, version.body))
                .into_iter()
                .filter(|f| f.severity == Severity::Block)
                .count();
            if blocking > 0 {
                return Err(Error::PolicyViolation {
                    rule: "CON-3",
                    message: format!("version {} has {blocking} blocking compliance findings; fix them first", version.version),
                });
            }
            let subject = Subject::new(SubjectKind::ContentVersion, format!("content-{id}/v{}", version.version), version.title.clone())
                .with_attribute("is_ad", before.is_ad.to_string())
                .with_attribute("sensitive", before.sensitive.to_string())
                .with_attribute("kind", before.kind.as_str());
            let inst = crate::approval::submit_in(ctx, "content_review", subject)?;
            let mut after = before.clone();
            after.approval_id = Some(inst.id);
            after.state = if inst.state == ApprovalState::Approved { ContentState::Approved } else { ContentState::InReview };
            after.updated_at = ctx.now;
            save(ctx, &before, &after, "content.submit")?;
            Ok(after)
        })
    }

    /// Schedule approved content (CON-2; needs `content.schedule`).
    pub fn schedule_content(&self, actor: &str, id: i64, at: DateTime<Utc>) -> Result<ContentItem> {
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
    pub fn publish_content(&self, actor: &str, id: i64) -> Result<ContentItem> {
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
}
