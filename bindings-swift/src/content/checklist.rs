//! The pre-publish checklist (CON-4, CON-5) of an item's current version,
//! with its compliance findings (CON-3): links well-formed and on allowed
//! domains, referenced assets in the library and publishable (CON-4, CON-6),
//! required fields present, ads labelled, canonical brand spellings, short
//! video length, paragraph spacing, approved templates, fonts and palettes.
//! One report; submission, scheduling and publication are refused while it
//! holds anything that blocks.
//!
//! The core locates an issue in its field (title or body) both in characters
//! (Unicode scalar values) and in UTF-16 code units, so an issue is located
//! exactly like a compliance [`Finding`]: `start`/`end` for Swift's
//! `unicodeScalars`, `utf16Start`/`utf16End` for Kotlin strings and `NSRange`.

use brandrail::content as core;

use super::{Finding, Severity, offset};
use crate::all;
use crate::engine::Engine;
use crate::error::BrandrailError;

mirror_enum! {
    /// What a checklist issue is about (CON-4, CON-5, CON-6).
    CheckKind => brandrail::content::CheckKind {
        /// `link_malformed`: a link that is not a well-formed `http(s)://` URL
        /// (`javascript:`, `data:`, a bare `www.` host, user-info, a bad host).
        LinkMalformed,
        /// `link_domain`: a link to a domain not on the policy's
        /// `content.allowed_link_domains`.
        LinkDomain,
        /// `asset_missing`: a referenced asset is not in the library.
        AssetMissing,
        /// `asset_retired`: a referenced asset was retired.
        AssetRetired,
        /// `asset_confidential`: a referenced asset is labelled `internal` or
        /// above; only `public` assets go out.
        AssetConfidential,
        /// `asset_unauthorized`: a user-generated asset without an
        /// authorization in force (rule `CON-6`).
        AssetUnauthorized,
        /// `field_missing`: a field the policy requires is missing (or a short
        /// video's duration).
        FieldMissing,
        /// `ad_label_missing`: an ad without one of the policy's ad labels.
        AdLabelMissing,
        /// `brand_spelling`: a brand name spelled wrong (CON-5).
        BrandSpelling,
        /// `video_length`: a short video outside the allowed length (CON-5).
        VideoLength,
        /// `paragraph_spacing`: spacing below the minimum (blocks), or not
        /// declared for a long-form piece (warns) (CON-5).
        ParagraphSpacing,
        /// `template`: a template that is not approved (CON-5).
        Template,
        /// `font`: a font that is not approved (CON-5).
        Font,
        /// `palette`: a palette that is not approved (CON-5).
        Palette,
    }
    /// The check kind with this stable name (e.g. `link_domain`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_check_kind;
}

/// One thing the checklist found.
///
/// An issue in text (a link, a misspelt brand name) is located in its `field`
/// (`title` or `body` of the checked version) by two pairs of end-exclusive
/// offsets, as a compliance `Finding` is: `start`/`end` count Unicode scalar
/// values (Swift: index `text.unicodeScalars`), `utf16Start`/`utf16End` count
/// UTF-16 code units (Kotlin/Java `substring`, Swift `NSRange`). Either pair
/// slices `matched` out of the field. Issues not in text (an asset, a font, a
/// missing field) have all four `nil`/`null`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistIssue {
    /// The rule: `CON-4`, `CON-5` or `CON-6`.
    pub rule: String,
    /// What kind of problem.
    pub check: CheckKind,
    /// `block` stops review, scheduling and publication; `warn` needs a human
    /// look.
    pub severity: Severity,
    /// The field concerned: `title`, `body`, `assets`, `duration_seconds`,
    /// `paragraph_spacing`, `template`, `fonts`, `palette`, or a required
    /// field's name.
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
    /// The text concerned, when there is one: the link or misspelling as
    /// written, an asset's id, a font's name.
    pub matched: Option<String>,
    /// Start of `matched` in `field`, in Unicode scalar values, when the issue
    /// is in text.
    pub start: Option<u64>,
    /// End (exclusive) of `matched`, in Unicode scalar values.
    pub end: Option<u64>,
    /// Start of `matched` in `field`, in UTF-16 code units (Kotlin/Java string
    /// indexes, `NSRange`), when the issue is in text.
    pub utf16_start: Option<u64>,
    /// End (exclusive) of `matched`, in UTF-16 code units.
    pub utf16_end: Option<u64>,
    /// What to do instead, when there is advice.
    pub suggestion: Option<String>,
}

/// The pre-publish checklist of one version: its CON-4..CON-6 issues and its
/// CON-3 compliance findings.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ChecklistReport {
    /// The item.
    pub item_id: i64,
    /// The version checked (the item's current one).
    pub version: u32,
    /// Nothing blocks: no blocking issue and no blocking finding. Only then
    /// does the item go to review, get scheduled or published.
    pub passed: bool,
    /// How many issues and findings block (0 when `passed`).
    pub blocking: u32,
    /// The issues, in check order: links, assets, required fields, ad label,
    /// brand spellings, video length, layout and VI.
    pub issues: Vec<ChecklistIssue>,
    /// Compliance findings in the title (offsets into the title).
    pub title_findings: Vec<Finding>,
    /// Compliance findings in the body (offsets into the body).
    pub body_findings: Vec<Finding>,
}

impl From<core::ChecklistIssue> for ChecklistIssue {
    fn from(i: core::ChecklistIssue) -> Self {
        Self {
            rule: i.rule,
            check: i.check.into(),
            severity: i.severity.into(),
            field: i.field,
            message: i.message,
            matched: i.matched,
            start: i.start.map(offset),
            end: i.end.map(offset),
            utf16_start: i.utf16_start.map(offset),
            utf16_end: i.utf16_end.map(offset),
            suggestion: i.suggestion,
        }
    }
}

impl From<core::ChecklistReport> for ChecklistReport {
    fn from(report: core::ChecklistReport) -> Self {
        let blocking = u32::try_from(report.blocking()).unwrap_or(u32::MAX);
        Self {
            item_id: report.item_id,
            version: report.version,
            passed: report.passed,
            blocking,
            issues: all(report.issues),
            title_findings: all(report.title_findings),
            body_findings: all(report.body_findings),
        }
    }
}

/// The checklist of item `id`'s current version, located in both units.
fn checklist(engine: &brandrail::Engine, id: i64) -> Result<ChecklistReport, BrandrailError> {
    Ok(engine.prepublish_check(id)?.into())
}

/// The field names the policy's `content.required_fields` may list (`title`,
/// `body`, `channel`, `duration_seconds`, `paragraph_spacing`, `template`,
/// `fonts`, `palette`, `assets`, `theme`, `format`), for a policy editor.
#[uniffi::export]
pub fn required_field_names() -> Vec<String> {
    core::REQUIRED_FIELD_NAMES
        .iter()
        .map(|n| (*n).to_owned())
        .collect()
}

#[uniffi::export]
impl Engine {
    /// The pre-publish checklist of item `id`'s current version (CON-3..CON-6):
    /// one report of every checklist issue and compliance finding, with the
    /// policy in force and the engine clock's now (for UGC authorizations).
    /// What `submitContent`, `scheduleContent` and `publishContent` enforce;
    /// call it to show an editor everything at once. Changes and audits
    /// nothing. `NotFound` for an unknown item; `Conflict` while it has no
    /// version.
    pub fn prepublish_check(&self, id: i64) -> Result<ChecklistReport, BrandrailError> {
        checklist(self.core(), id)
    }

    /// `prepublishCheck` on a worker thread: awaiting it never blocks the
    /// caller's thread, however long the body (up to 1 MiB) takes to check.
    pub async fn prepublish_check_async(&self, id: i64) -> Result<ChecklistReport, BrandrailError> {
        self.in_background(move |engine| checklist(engine, id))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_kinds_keep_the_cores_names() {
        for core in core::CheckKind::ALL {
            let mirrored = CheckKind::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::CheckKind::from(mirrored), *core);
            assert_eq!(parse_check_kind(core.as_str()).unwrap(), mirrored);
        }
        assert_eq!(required_field_names(), core::REQUIRED_FIELD_NAMES);
    }
}
