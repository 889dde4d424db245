//! The pre-publish checklist (core's `content::checklist`, CON-4, CON-5):
//! `prepublishCheck` and the report it returns, plus `checkKinds()`, the
//! names of every check.
//!
//! Offsets. Core reports where a checklist issue sits in its field (the
//! version's title or body) in characters (Unicode scalar values). A JS string
//! is indexed in UTF-16 code units, so, as for compliance findings, `start`
//! and `end` are UTF-16 offsets into the field, as core also counts them
//! (`version.body.slice(i.start, i.end) === i.matched`), and
//! `codePointStart` / `codePointEnd` core's character offsets (indexes into
//! `Array.from(version.body)`).

use brandrail::content::CheckKind;
use napi::Env;
use napi_derive::napi;

use super::Finding;
use super::severity;
use crate::convert::number;
use crate::engine::Engine;
use crate::error::OrThrow;

/// One thing the pre-publish checklist found (CON-4, CON-5; CON-6 for a
/// user-generated asset without a valid authorization).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ChecklistIssue {
    /// `'CON-4'`, `'CON-5'` or `'CON-6'`.
    pub rule: String,
    /// What kind of problem (see `checkKinds()`).
    #[napi(
        ts_type = "'link_malformed' | 'link_domain' | 'asset_missing' | 'asset_retired' | 'asset_confidential' | 'asset_unauthorized' | 'field_missing' | 'ad_label_missing' | 'brand_spelling' | 'video_length' | 'paragraph_spacing' | 'template' | 'font' | 'palette'"
    )]
    pub check: String,
    /// `'block'` stops review, scheduling and publication; `'warn'` needs a
    /// human look.
    #[napi(ts_type = "'block' | 'warn'")]
    pub severity: String,
    /// The field concerned: `'title'`, `'body'`, `'assets'`,
    /// `'duration_seconds'`, `'paragraph_spacing'`, `'template'`, `'fonts'`,
    /// `'palette'`, or a required field's name from the policy.
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
    /// The text concerned (a link, a misspelling, a font, an asset id), or
    /// `null`.
    pub matched: Option<String>,
    /// Start of `matched` in the field's text (title or body) in UTF-16 code
    /// units, for `text.slice`; `null` when the issue is not in the text.
    pub start: Option<f64>,
    /// End (exclusive) in UTF-16 code units, or `null`.
    pub end: Option<f64>,
    /// Start in Unicode code points (an index into `Array.from(text)`), as
    /// the Python and Rust APIs count, or `null`.
    pub code_point_start: Option<f64>,
    /// End (exclusive) in code points, or `null`.
    pub code_point_end: Option<f64>,
    /// What to do instead, or `null`.
    pub suggestion: Option<String>,
}

impl From<brandrail::content::ChecklistIssue> for ChecklistIssue {
    fn from(i: brandrail::content::ChecklistIssue) -> Self {
        let offset = |o: Option<usize>| o.map(|o| number(o as u64));
        ChecklistIssue {
            rule: i.rule,
            check: i.check.as_str().to_owned(),
            severity: severity(i.severity).to_owned(),
            field: i.field,
            message: i.message,
            matched: i.matched,
            start: offset(i.utf16_start),
            end: offset(i.utf16_end),
            code_point_start: offset(i.start),
            code_point_end: offset(i.end),
            suggestion: i.suggestion,
        }
    }
}

/// The checklist of one version: CON-4/CON-5 issues and CON-3 compliance
/// findings together.
#[napi(object, object_from_js = false)]
pub struct ChecklistReport {
    /// The item.
    pub item_id: i64,
    /// The version checked (the current one).
    pub version: u32,
    /// Nothing blocks: no blocking issue and no blocking finding. Review,
    /// scheduling and publication are refused while this is `false`.
    pub passed: bool,
    /// How many issues and findings block.
    pub blocking: u32,
    /// Checklist issues, in check order: links, assets, required fields, ad
    /// label, brand spellings, video length, layout and VI.
    pub issues: Vec<ChecklistIssue>,
    /// Compliance findings in the title (offsets into the title, as
    /// `checkText` reports them).
    pub title_findings: Vec<Finding>,
    /// Compliance findings in the body (offsets into the body).
    pub body_findings: Vec<Finding>,
}

impl From<brandrail::content::ChecklistReport> for ChecklistReport {
    fn from(r: brandrail::content::ChecklistReport) -> Self {
        ChecklistReport {
            item_id: r.item_id,
            version: r.version,
            passed: r.passed,
            blocking: u32::try_from(r.blocking()).unwrap_or(u32::MAX),
            issues: r.issues.into_iter().map(ChecklistIssue::from).collect(),
            title_findings: r.title_findings.into_iter().map(Finding::stored).collect(),
            body_findings: r.body_findings.into_iter().map(Finding::stored).collect(),
        }
    }
}

/// The names of every check a checklist issue may report, in check order:
/// `'link_malformed'`, `'link_domain'`, `'asset_missing'`, … (for a legend
/// or a filter in a UI).
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(
    strict,
    catch_unwind,
    ts_return_type = "Array<ChecklistIssue['check']>"
)]
pub fn check_kinds() -> Vec<&'static str> {
    CheckKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[napi]
impl Engine {
    /// The pre-publish checklist of item `id`'s current version (CON-3..CON-5)
    /// as one report: links well-formed and on allowed domains, assets in the
    /// library, public, not retired and (for user-generated ones) authorized,
    /// required fields present, ads labelled, brand names spelled right,
    /// short-video length, paragraph spacing, approved templates, fonts and
    /// palettes, and the compliance findings of title and body. The same
    /// check gates `submitContent`, `scheduleContent` and `publishContent`.
    /// Throws `'not_found'` for an unknown item and `'conflict'` for one with
    /// no version yet. Reads only; needs no principal.
    #[napi(strict, catch_unwind)]
    pub fn prepublish_check(&self, env: &Env, id: f64) -> napi::Result<ChecklistReport> {
        crate::convert::whole("id", id)
            .and_then(|id| Ok(self.inner.prepublish_check(id)?.into()))
            .or_throw(env)
    }
}
