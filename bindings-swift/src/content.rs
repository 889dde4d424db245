//! Content (CON-1..CON-8): content items with their versions through the
//! lifecycle, derivatives, and the compliance checker; the pre-publish
//! checklist, the asset library, the publishing plan and A/B variants live in
//! the submodules of the same names (`content/…`), mirroring the core.
//!
//! Items (CON-1, CON-2): `Engine.planContent` creates one, every
//! `editContent` / `editContentWith` writes a new version, `submitContent`
//! sends the current version to the `content_review` workflow (refused with
//! `PolicyViolation` while the pre-publish checklist finds anything that
//! blocks), the review's outcome moves the item, and only approved content is
//! scheduled or published. `deriveContent` repurposes a piece for another
//! channel (CON-8).
//!
//! The checker (CON-3) finds what in a piece of copy breaks the Advertising
//! Law and the company's rules — absolute claims, medical and guarantee
//! claims, false scarcity, unmasked personal data, placeholders — and says
//! where, why and what to write instead.
//!
//! `checkText` / `checkTexts` need no engine and no database: they use the
//! shipped term pack, so a CMS or an app can check copy as it is typed.
//! `Engine.checkText` / `Engine.checkTexts` use the policy in force, with the
//! company's own terms and exceptions (`compliance.custom_terms`,
//! `compliance.custom_exceptions`).

mod assets;
mod checklist;
mod plan;
mod variants;

use std::time::SystemTime;

use brandrail::content::compliance;

pub use assets::{
    Asset, AssetFilter, AssetKind, AssetSource, AssetState, Confidentiality, NewAsset,
    UgcAuthorization,
};
pub use checklist::{CheckKind, ChecklistIssue, ChecklistReport};
pub use plan::{
    DateRange, HotDateOn, NewTheme, PlanEntry, PlanIssue, PlanIssueKind, PublishingPlan, Theme,
};
pub use variants::{ContentVariant, NewVariant, VariantKind, VariantStyle};

use crate::engine::{Background, Engine};
use crate::error::BrandrailError;
use crate::{all, system_time, system_time_opt, utc};

mirror_enum! {
    /// The kinds of content (CON-1).
    ContentKind => brandrail::content::ContentKind {
        /// `article`: an in-depth article (WeChat official account, Zhihu …).
        Article,
        /// `short_video`: a short video.
        ShortVideo,
        /// `image_post`: an image post (Xiaohongshu, Weibo …).
        ImagePost,
        /// `live`: a live stream.
        Live,
        /// `email`: an e-mail.
        Email,
        /// `sms`: a text message.
        Sms,
        /// `press_release`: a press release.
        PressRelease,
        /// `ad_creative`: an ad creative.
        AdCreative,
        /// `landing_page`: a landing page.
        LandingPage,
    }
    /// The content kind with this stable name (e.g. `short_video`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_content_kind;
}

mirror_enum! {
    /// Where a content item stands (CON-2): planned → in production → in
    /// review → approved → scheduled → published → retrospective; a rejected
    /// or returned review, or an edit, sends it back to production.
    ContentState => brandrail::content::ContentState {
        /// `planned`: nothing written yet.
        Planned,
        /// `in_production`: being written or revised.
        InProduction,
        /// `in_review`: in the `content_review` workflow.
        InReview,
        /// `approved`: may be scheduled or published.
        Approved,
        /// `scheduled`: scheduled for publication.
        Scheduled,
        /// `published`: published.
        Published,
        /// `retrospective`: reviewed after publication; closed.
        Retrospective,
    }
    /// The content state with this stable name (e.g. `in_review`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_content_state;
}

/// A content item (CON-1): its current title and where it stands (CON-2).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ContentItem {
    /// Identifier.
    pub id: i64,
    /// Kind.
    pub kind: ContentKind,
    /// Title of the current version (the working title while planned).
    pub title: String,
    /// Channel it is planned for (a media platform name, `[a-z0-9._-]`).
    pub channel: String,
    /// Handle of the principal responsible (who planned it).
    pub owner: String,
    /// Lifecycle state.
    pub state: ContentState,
    /// Current version number (0 while planned).
    pub version: u32,
    /// An ad: legal reviews it too.
    pub is_ad: bool,
    /// Sensitive: a supervisor reviews it too.
    pub sensitive: bool,
    /// User-generated: counts towards a channel's UGC quota in the publishing
    /// plan (CON-7).
    pub ugc: bool,
    /// Sub-kind a channel's mix is planned in (`amateur_review`, `koc`, …).
    pub format: Option<String>,
    /// The item this one was repurposed from with `deriveContent` (CON-8).
    pub source_id: Option<i64>,
    /// The quarterly theme it belongs to (CON-8).
    pub theme_id: Option<i64>,
    /// Id of the approval reviewing the current version, once submitted;
    /// `nil`/`null` again after an edit (the approval covered the previous
    /// version).
    pub approval_id: Option<i64>,
    /// When it is scheduled to go out.
    pub scheduled_at: Option<SystemTime>,
    /// When it was published.
    pub published_at: Option<SystemTime>,
    /// When it was planned.
    pub created_at: SystemTime,
    /// Its last change.
    pub updated_at: SystemTime,
}

impl From<brandrail::content::ContentItem> for ContentItem {
    fn from(c: brandrail::content::ContentItem) -> Self {
        Self {
            id: c.id,
            kind: c.kind.into(),
            title: c.title,
            channel: c.channel,
            owner: c.owner,
            state: c.state.into(),
            version: c.version,
            is_ad: c.is_ad,
            sensitive: c.sensitive,
            ugc: c.ugc,
            format: c.format,
            source_id: c.source_id,
            theme_id: c.theme_id,
            approval_id: c.approval_id,
            scheduled_at: system_time_opt(c.scheduled_at),
            published_at: system_time_opt(c.published_at),
            created_at: system_time(c.created_at),
            updated_at: system_time(c.updated_at),
        }
    }
}

/// One version of a content item; every edit writes one (CON-1), and all are
/// kept.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContentVersion {
    /// The item.
    pub item_id: i64,
    /// 1, 2, …
    pub version: u32,
    /// Title.
    pub title: String,
    /// Body text.
    pub body: String,
    /// Handle of who wrote it.
    pub author: String,
    /// When it was written.
    pub created_at: SystemTime,
    /// Duration, layout and assets declared with it (`editContentWith`); an
    /// `editContent` keeps those of the version before.
    pub details: VersionDetails,
}

impl From<brandrail::content::ContentVersion> for ContentVersion {
    fn from(v: brandrail::content::ContentVersion) -> Self {
        Self {
            item_id: v.item_id,
            version: v.version,
            title: v.title,
            body: v.body,
            author: v.author,
            created_at: system_time(v.created_at),
            details: v.details.into(),
        }
    }
}

/// What a version declares beyond its text, for the pre-publish checklist
/// (CON-4, CON-5). Every field is optional, so `VersionDetails()` declares
/// nothing; the policy's `content.required_fields` says what must be there.
#[derive(Debug, Clone, Default, PartialEq, uniffi::Record)]
pub struct VersionDetails {
    /// Length of a video in seconds (1–86 400); a short video must declare it
    /// and lie within the policy's bounds (15–60 s by default).
    #[uniffi(default)]
    pub duration_seconds: Option<u32>,
    /// Paragraph (line) spacing of the layout, e.g. 1.5: a finite number above
    /// 0 and at most 10, checked against the policy's minimum.
    #[uniffi(default)]
    pub paragraph_spacing: Option<f64>,
    /// Template used: one of the policy's approved templates or a template in
    /// the asset library.
    #[uniffi(default)]
    pub template: Option<String>,
    /// Fonts used (at most 20), checked against the approved fonts.
    #[uniffi(default)]
    pub fonts: Vec<String>,
    /// Palette used, checked against the approved palettes.
    #[uniffi(default)]
    pub palette: Option<String>,
    /// Ids of the asset-library assets the piece uses (at most 500, each
    /// positive and listed once); each must be in the library, active,
    /// `public`, and authorized when user-generated.
    #[uniffi(default)]
    pub assets: Vec<i64>,
}

impl From<brandrail::content::VersionDetails> for VersionDetails {
    fn from(d: brandrail::content::VersionDetails) -> Self {
        Self {
            duration_seconds: d.duration_seconds,
            paragraph_spacing: d.paragraph_spacing,
            template: d.template,
            fonts: d.fonts,
            palette: d.palette,
            assets: d.assets,
        }
    }
}

impl From<VersionDetails> for brandrail::content::VersionDetails {
    fn from(d: VersionDetails) -> Self {
        Self {
            duration_seconds: d.duration_seconds,
            paragraph_spacing: d.paragraph_spacing,
            template: d.template,
            fonts: d.fonts,
            palette: d.palette,
            assets: d.assets,
        }
    }
}

/// A new version for `editContentWith`: its text and what it declares.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ContentDraft {
    /// Title (1–200 characters, no control or invisible characters).
    pub title: String,
    /// Body text (1 byte to 1 MiB; newlines and tabs are fine, other control
    /// characters are not).
    pub body: String,
    /// Duration, layout and assets; default `VersionDetails()`: nothing
    /// declared (unlike `editContent`, which keeps the previous version's).
    #[uniffi(default)]
    pub details: VersionDetails,
}

impl From<ContentDraft> for brandrail::content::ContentDraft {
    fn from(d: ContentDraft) -> Self {
        Self {
            title: d.title,
            body: d.body,
            details: d.details.into(),
        }
    }
}

/// Input for planning a content item.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewContent {
    /// Kind.
    pub kind: ContentKind,
    /// Working title (1–200 characters, no control or invisible characters).
    pub title: String,
    /// Channel (a media platform name, `[a-z0-9._-]`, e.g. `douyin`).
    pub channel: String,
    /// An ad: legal reviews it too.
    #[uniffi(default = false)]
    pub is_ad: bool,
    /// Sensitive: a supervisor reviews it too.
    #[uniffi(default = false)]
    pub sensitive: bool,
    /// User-generated: counts towards a channel's UGC quota (CON-7).
    #[uniffi(default = false)]
    pub ugc: bool,
    /// Sub-kind for a channel's mix (an identifier, `[a-z0-9._-]`, e.g.
    /// `koc`), if any.
    #[uniffi(default)]
    pub format: Option<String>,
    /// Id of the quarterly theme it belongs to (`addTheme`), if any; `NotFound`
    /// (entity `theme`) for an unknown one.
    #[uniffi(default)]
    pub theme_id: Option<i64>,
}

impl From<NewContent> for brandrail::content::NewContent {
    fn from(c: NewContent) -> Self {
        Self {
            kind: c.kind.into(),
            title: c.title,
            channel: c.channel,
            is_ad: c.is_ad,
            sensitive: c.sensitive,
            ugc: c.ugc,
            format: c.format,
            theme_id: c.theme_id,
        }
    }
}

#[uniffi::export]
impl Engine {
    /// Plan a content item (CON-1; `actor` needs `content.create`, and
    /// becomes its owner). It starts `planned`, at version 0. `Validation`
    /// for a bad title, channel or format; `NotFound` (entity `theme`) for an
    /// unknown `themeId`.
    pub fn plan_content(
        &self,
        actor: &str,
        input: NewContent,
    ) -> Result<ContentItem, BrandrailError> {
        Ok(self.core().plan_content(actor, input.into())?.into())
    }

    /// Write a new version of item `id` (CON-1; needs `content.edit`): the
    /// item is `inProduction` at the next version number. The version keeps
    /// the details (duration, layout, assets) of the one before;
    /// `editContentWith` declares them. An approved or scheduled item goes back
    /// to production and loses its approval and schedule, which covered the
    /// previous version. `Conflict` while in review and once published;
    /// `Validation` for an empty body, one over 1 MiB or with control
    /// characters (newlines and tabs are fine).
    pub fn edit_content(
        &self,
        actor: &str,
        id: i64,
        title: &str,
        body: &str,
    ) -> Result<ContentItem, BrandrailError> {
        Ok(self.core().edit_content(actor, id, title, body)?.into())
    }

    /// `editContent` with the version's details declared (CON-4, CON-5):
    /// `draft.details` replaces those of the previous version. `Validation`
    /// naming the detail for a duration of 0 or over a day, a spacing that is
    /// not a number in (0, 10], a bad template, font or palette name, more
    /// than 20 fonts, or asset ids that are not positive, repeat or number
    /// over 500.
    pub fn edit_content_with(
        &self,
        actor: &str,
        id: i64,
        draft: ContentDraft,
    ) -> Result<ContentItem, BrandrailError> {
        Ok(self
            .core()
            .edit_content_with(actor, id, &draft.into())?
            .into())
    }

    /// Repurpose item `sourceId` for another channel (CON-8; needs
    /// `content.create`): a new item described by `input`, linked to its
    /// source (`sourceId`), whose first version starts from the source's
    /// latest text and details, `inProduction` at version 1. `NotFound` for an
    /// unknown source; `Conflict` when the source has no version yet.
    pub fn derive_content(
        &self,
        actor: &str,
        source_id: i64,
        input: NewContent,
    ) -> Result<ContentItem, BrandrailError> {
        Ok(self
            .core()
            .derive_content(actor, source_id, input.into())?
            .into())
    }

    /// The items repurposed from item `id` (CON-8), oldest first; `NotFound`
    /// if there is no such item. Reads only.
    pub fn content_derivatives(&self, id: i64) -> Result<Vec<ContentItem>, BrandrailError> {
        Ok(all(self.core().content_derivatives(id)?))
    }

    /// Send the current version of item `id` to review (CON-2..CON-6; needs
    /// `approval.submit`): the `content_review` workflow starts (brand, then
    /// legal for ads and a supervisor for sensitive items) and the item is
    /// `inReview`, with `approvalId` set. Decide it with `approve` / `reject`
    /// / `decideApproval`; the outcome moves the item (approved, or back to
    /// production). `PolicyViolation` while the pre-publish checklist
    /// (`prepublishCheck`) finds anything that blocks: rule `CON-3` for a
    /// compliance finding, else `CON-4` (links, assets, required fields, ad
    /// label), `CON-5` (brand spelling, video length, layout and VI) or
    /// `CON-6` (an unauthorized user-generated asset), the message naming the
    /// failed checks. `Conflict` unless in production.
    pub fn submit_content(&self, actor: &str, id: i64) -> Result<ContentItem, BrandrailError> {
        Ok(self.core().submit_content(actor, id)?.into())
    }

    /// Schedule approved (or re-schedule scheduled) item `id` for `at`
    /// (CON-2; needs `content.schedule`). `PolicyViolation` (rule `CON-2`)
    /// unless approved; `Validation` naming `at` for a time in the past;
    /// `PolicyViolation` (`CON-3`..`CON-6`) when the pre-publish checklist now
    /// blocks (an asset retired since approval, a changed policy), and
    /// (`CON-7`) when the slot would take the channel over its cadence cap for
    /// the day or week holding `at`.
    pub fn schedule_content(
        &self,
        actor: &str,
        id: i64,
        at: SystemTime,
    ) -> Result<ContentItem, BrandrailError> {
        let at = utc("at", at)?;
        Ok(self.core().schedule_content(actor, id, at)?.into())
    }

    /// Publish approved or scheduled item `id` now (CON-2; needs
    /// `content.publish`). `PolicyViolation` (rule `CON-2`) otherwise, and
    /// (`CON-3`..`CON-6`) when the pre-publish checklist now blocks (an asset
    /// retired, relabelled or out of its authorization since approval).
    pub fn publish_content(&self, actor: &str, id: i64) -> Result<ContentItem, BrandrailError> {
        Ok(self.core().publish_content(actor, id)?.into())
    }

    /// Close published item `id` after its retrospective (CON-2; needs
    /// `content.edit`). `Conflict` unless published.
    pub fn close_content(&self, actor: &str, id: i64) -> Result<ContentItem, BrandrailError> {
        Ok(self.core().close_content(actor, id)?.into())
    }

    /// Content item `id`; `NotFound` if there is none. Reads only.
    pub fn content_item(&self, id: i64) -> Result<ContentItem, BrandrailError> {
        Ok(self.core().content_item(id)?.into())
    }

    /// Every version of item `id`, oldest first (empty while planned);
    /// `NotFound` if there is no such item. Reads only.
    pub fn content_versions(&self, id: i64) -> Result<Vec<ContentVersion>, BrandrailError> {
        Ok(all(self.core().content_versions(id)?))
    }
}

// ------------------------------------------------------------ the checker

/// How serious a finding is (`brandrail::policy::Severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Enum)]
pub enum Severity {
    /// `block`: the copy may not be published until it is changed.
    Block,
    /// `warn`: lawful only in some contexts; a person has to look.
    Warn,
}

impl From<brandrail::policy::Severity> for Severity {
    fn from(value: brandrail::policy::Severity) -> Self {
        use brandrail::policy::Severity as C;
        match value {
            C::Block => Severity::Block,
            C::Warn => Severity::Warn,
        }
    }
}

impl From<Severity> for brandrail::policy::Severity {
    fn from(value: Severity) -> Self {
        match value {
            Severity::Block => Self::Block,
            Severity::Warn => Self::Warn,
        }
    }
}

#[uniffi::export]
impl Severity {
    /// The stable name of this severity (`block` or `warn`), as written in
    /// policy documents (`compliance.custom_terms[].severity`) and used by the
    /// other bindings.
    pub fn as_str(&self) -> String {
        // The core names severities only through serde (the policy document's
        // spelling); this asks it rather than repeating the names here.
        match serde_json::to_value(brandrail::policy::Severity::from(*self)) {
            Ok(serde_json::Value::String(name)) => name,
            _ => String::new(),
        }
    }
}

/// One thing the compliance checker found in a text.
///
/// Two pairs of offsets locate `matched` in the text that was checked, both
/// end-exclusive:
///
/// - `start`/`end` count Unicode scalar values (code points). In Swift index
///   `text.unicodeScalars` with them:
///   ```swift
///   let scalars = text.unicodeScalars
///   let from = scalars.index(scalars.startIndex, offsetBy: Int(f.start))
///   let to = scalars.index(scalars.startIndex, offsetBy: Int(f.end))
///   String(scalars[from..<to]) == f.matched
///   ```
///   (not `text.index(_:offsetBy:)`, which counts grapheme clusters: an emoji
///   with a skin tone or a letter with a combining accent is one `Character`
///   but several scalars).
/// - `utf16Start`/`utf16End` count UTF-16 code units: in Kotlin and Java
///   `text.substring(f.utf16Start.toInt(), f.utf16End.toInt()) == f.matched`;
///   in Swift they give the `NSRange` for highlighting in an
///   `NSAttributedString` / `UITextView`
///   (`NSRange(location: Int(f.utf16Start), length: Int(f.utf16End - f.utf16Start))`).
///
/// The two pairs differ once the text holds a character outside the Basic
/// Multilingual Plane (most emoji, rare CJK ideographs), which takes one scalar
/// but two UTF-16 units.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Finding {
    /// Stable id of the rule: the term's id (`ABS-001`), `PII-PHONE`,
    /// `PII-ID`, `PII-EMAIL`, `PII-CARD`, `PLACEHOLDER`, or `CUSTOM-n` for the
    /// n-th of the policy's `compliance.custom_terms`.
    pub rule_id: String,
    /// Category id: `absolute`, `medical`, `finance_guarantee`, …,
    /// `personal_data`, `placeholder`, or a custom term's own category.
    pub category: String,
    /// `block` stops publication; `warn` needs a human look.
    pub severity: Severity,
    /// The canonical term (simplified, as in the term pack), or the kind of
    /// personal data (`手机号`, …) or placeholder.
    pub term: String,
    /// The span of the checked text that matched, exactly as written there
    /// (full-width, traditional, with inserted spaces or emoji, …).
    pub matched: String,
    /// Start of `matched`, in Unicode scalar values of the checked text.
    pub start: u64,
    /// End (exclusive) of `matched`, in Unicode scalar values.
    pub end: u64,
    /// Start of `matched`, in UTF-16 code units (Kotlin/Java string indexes,
    /// `NSRange`).
    pub utf16_start: u64,
    /// End (exclusive) of `matched`, in UTF-16 code units.
    pub utf16_end: u64,
    /// The law or rule that forbids it, e.g. `《广告法》第九条第（三）项`.
    pub legal_basis: String,
    /// What to write instead.
    pub suggestion: String,
}

/// A core offset as a host integer (lossless: `usize` is at most 64 bits).
fn offset(at: usize) -> u64 {
    u64::try_from(at).unwrap_or(u64::MAX)
}

impl From<compliance::Finding> for Finding {
    fn from(f: compliance::Finding) -> Self {
        Self {
            rule_id: f.rule_id,
            category: f.category,
            severity: f.severity.into(),
            term: f.term,
            matched: f.matched,
            start: offset(f.start),
            end: offset(f.end),
            utf16_start: offset(f.utf16_start),
            utf16_end: offset(f.utf16_end),
            legal_basis: f.legal_basis,
            suggestion: f.suggestion,
        }
    }
}

/// Every list of findings converted, in order.
fn batches(found: Vec<Vec<compliance::Finding>>) -> Vec<Vec<Finding>> {
    found.into_iter().map(crate::all).collect()
}

/// Check one text with the shipped term pack and the default settings
/// (placeholders and personal data checked). Needs no engine or database.
/// Findings come ordered by position; an empty list means nothing was found.
///
/// No text makes it fail. It is declared as throwing so that, should the
/// checker ever fail internally (a bug), Swift gets uniffi's internal error to
/// catch instead of a `try!` that stops the app.
#[uniffi::export]
pub fn check_text(text: &str) -> Result<Vec<Finding>, BrandrailError> {
    Ok(all(compliance::check_text(text)))
}

/// `checkText` for many texts in one call: one list of findings per text, in
/// the order of `texts`. Throws only as `checkText` does.
#[uniffi::export]
pub fn check_texts(texts: Vec<String>) -> Result<Vec<Vec<Finding>>, BrandrailError> {
    Ok(batches(compliance::check_texts(&texts)))
}

/// `checkTexts` on a worker thread of its own: awaiting it never blocks the
/// caller's thread, however large the batch. Throws `Io` only when no worker
/// thread can be started.
#[uniffi::export]
pub async fn check_texts_async(texts: Vec<String>) -> Result<Vec<Vec<Finding>>, BrandrailError> {
    Background::spawn(move || Ok(batches(compliance::check_texts(&texts)))).await
}

/// Version of the shipped term pack (e.g. `2026.1`), which every check uses;
/// record it with a check's result to know which terms it applied.
#[uniffi::export]
pub fn term_pack_version() -> String {
    compliance::TermPack::shipped().pack.version.clone()
}

#[uniffi::export]
impl Engine {
    /// Check one text with the policy in force: the shipped term pack plus the
    /// company's `compliance.custom_terms` and `custom_exceptions`, and its
    /// placeholder and personal-data settings (CON-3). Reads only; needs no
    /// principal.
    pub fn check_text(&self, text: &str) -> Result<Vec<Finding>, BrandrailError> {
        Ok(all(self.core().check_text(text)?))
    }

    /// `checkText` for many texts in one call: one list of findings per text,
    /// in the order of `texts`.
    pub fn check_texts(&self, texts: Vec<String>) -> Result<Vec<Vec<Finding>>, BrandrailError> {
        Ok(batches(self.core().check_texts(&texts)?))
    }

    /// `checkTexts` on a worker thread: awaiting it never blocks the caller's
    /// thread.
    pub async fn check_texts_async(
        &self,
        texts: Vec<String>,
    ) -> Result<Vec<Vec<Finding>>, BrandrailError> {
        self.in_background(move |engine| Ok(batches(engine.check_texts(&texts)?)))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_keep_the_policy_documents_names() {
        for (mirrored, name) in [(Severity::Block, "block"), (Severity::Warn, "warn")] {
            assert_eq!(mirrored.as_str(), name);
            let core: brandrail::policy::Severity =
                serde_json::from_value(serde_json::Value::String(name.into())).unwrap();
            assert_eq!(brandrail::policy::Severity::from(mirrored), core);
            assert_eq!(Severity::from(core), mirrored);
        }
    }

    #[test]
    fn every_field_of_a_finding_crosses() {
        let text = "🎉新品：最\u{200B}佳口感";
        let core = compliance::check_text(text);
        let mirrored = check_text(text).unwrap();
        assert_eq!(mirrored.len(), core.len());
        let (f, c) = (&mirrored[0], &core[0]);
        assert_eq!(
            (f.rule_id.as_str(), f.category.as_str(), f.term.as_str()),
            (c.rule_id.as_str(), c.category.as_str(), c.term.as_str())
        );
        assert_eq!(f.severity, Severity::from(c.severity));
        assert_eq!(f.matched, c.matched);
        assert_eq!((f.start, f.end), (4, 7));
        assert_eq!((f.utf16_start, f.utf16_end), (5, 8));
        assert_eq!(
            (f.legal_basis.as_str(), f.suggestion.as_str()),
            (c.legal_basis.as_str(), c.suggestion.as_str())
        );
    }

    #[test]
    fn the_pack_version_is_the_scanners() {
        assert_eq!(
            term_pack_version(),
            compliance::Scanner::shipped().pack_version()
        );
    }

    #[test]
    fn content_kinds_and_states_keep_the_cores_names() {
        use brandrail::content::{ContentKind as K, ContentState as S};
        for core in K::ALL {
            let mirrored = ContentKind::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(K::from(mirrored), *core);
            assert_eq!(parse_content_kind(core.as_str()).unwrap(), mirrored);
        }
        for core in S::ALL {
            let mirrored = ContentState::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(S::from(mirrored), *core);
            assert_eq!(parse_content_state(core.as_str()).unwrap(), mirrored);
        }
        assert_eq!(
            parse_content_kind("tweet").unwrap_err().code(),
            "validation"
        );
    }
}
