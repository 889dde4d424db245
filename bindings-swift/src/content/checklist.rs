//! The pre-publish checklist (CON-4, CON-5) of an item's current version,
//! with its compliance findings (CON-3): links well-formed and on allowed
//! domains, referenced assets in the library and publishable (CON-4, CON-6),
//! required fields present, ads labelled, canonical brand spellings, short
//! video length, paragraph spacing, approved templates, fonts and palettes.
//! One report; submission, scheduling and publication are refused while it
//! holds anything that blocks.
//!
//! The core locates an issue in its field (title or body) in characters
//! (Unicode scalar values). This binding adds the same span in UTF-16 code
//! units, computed from the checked version's text, so an issue is located
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

/// How often a report is taken again when the version it checked can no
/// longer be read as it was (a restore between the two reads).
const ATTEMPTS: usize = 3;

/// The UTF-16 span of the characters `start..end` of `text`, provided they
/// spell `matched`; `None` otherwise.
fn utf16_span(text: &str, start: usize, end: usize, matched: &str) -> Option<(usize, usize)> {
    if start > end {
        return None;
    }
    // (UTF-16 offset, byte offset) of the start and end characters.
    let (mut from, mut to) = (None, None);
    let mut units = 0;
    let mut count = 0;
    for (n, (byte, c)) in text.char_indices().enumerate() {
        if n == start {
            from = Some((units, byte));
        }
        if n == end {
            to = Some((units, byte));
            break;
        }
        units += c.len_utf16();
        count = n + 1;
    }
    if to.is_none() && end == count {
        to = Some((units, text.len()));
        if start == count {
            from = to;
        }
    }
    let ((us, bs), (ue, be)) = (from?, to?);
    (text.get(bs..be)? == matched).then_some((us, ue))
}

/// The core's report with every text issue located in UTF-16 units too;
/// `None` when the checked version's text is not there as the report saw it.
fn located(
    engine: &brandrail::Engine,
    report: core::ChecklistReport,
) -> Result<Option<ChecklistReport>, BrandrailError> {
    // Versions are never changed once written, so the text the report was
    // taken on is the version with its number.
    let text = if report.issues.iter().any(|i| i.start.is_some()) {
        match engine
            .content_versions(report.item_id)?
            .into_iter()
            .find(|v| v.version == report.version)
        {
            Some(v) => Some((v.title, v.body)),
            None => return Ok(None),
        }
    } else {
        None
    };
    let blocking = u32::try_from(report.blocking()).unwrap_or(u32::MAX);
    let mut issues = Vec::with_capacity(report.issues.len());
    for i in report.issues {
        let field = match (&text, i.field.as_str()) {
            (Some((title, _)), "title") => Some(title.as_str()),
            (Some((_, body)), "body") => Some(body.as_str()),
            _ => None,
        };
        let units = match (field, i.start, i.end, i.matched.as_deref()) {
            (Some(field), Some(s), Some(e), Some(m)) => match utf16_span(field, s, e, m) {
                Some(span) => Some(span),
                None => return Ok(None),
            },
            _ => None,
        };
        issues.push(ChecklistIssue {
            rule: i.rule,
            check: i.check.into(),
            severity: i.severity.into(),
            field: i.field,
            message: i.message,
            matched: i.matched,
            start: i.start.map(offset),
            end: i.end.map(offset),
            utf16_start: units.map(|(s, _)| offset(s)),
            utf16_end: units.map(|(_, e)| offset(e)),
            suggestion: i.suggestion,
        });
    }
    Ok(Some(ChecklistReport {
        item_id: report.item_id,
        version: report.version,
        passed: report.passed,
        blocking,
        issues,
        title_findings: all(report.title_findings),
        body_findings: all(report.body_findings),
    }))
}

/// The checklist of item `id`'s current version, located in both units.
fn checklist(engine: &brandrail::Engine, id: i64) -> Result<ChecklistReport, BrandrailError> {
    for _ in 0..ATTEMPTS {
        if let Some(report) = located(engine, engine.prepublish_check(id)?)? {
            return Ok(report);
        }
    }
    Err(brandrail::Error::Conflict {
        entity: "content",
        id: id.to_string(),
        message: "changed while its checklist was read; check again".to_owned(),
    }
    .into())
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
    fn spans_are_located_in_utf16_units_behind_astral_characters() {
        let text = "🎉 see https://evil.cn/x 𠀀 Brandrail";
        let chars: Vec<char> = text.chars().collect();
        let start = 6;
        let end = start + "https://evil.cn/x".chars().count();
        assert_eq!(
            chars[start..end].iter().collect::<String>(),
            "https://evil.cn/x"
        );
        assert_eq!(
            utf16_span(text, start, end, "https://evil.cn/x"),
            Some((7, 24))
        );
        let s = chars.len() - "Brandrail".len();
        assert_eq!(
            utf16_span(text, s, chars.len(), "Brandrail"),
            Some((28, 37))
        );
        // A span that does not spell `matched`, or lies outside, is refused.
        assert_eq!(utf16_span(text, start, end, "https://evil.cn/y"), None);
        assert_eq!(utf16_span(text, 0, 99, "x"), None);
        assert_eq!(utf16_span(text, 5, 4, ""), None);
        assert_eq!(utf16_span("", 0, 0, ""), Some((0, 0)));
    }

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
