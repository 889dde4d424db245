//! The pre-publish checklist (CON-4, CON-5) over the current version of an
//! item, together with its compliance findings (CON-3): links well-formed and
//! on allowed domains, referenced assets in the library and publishable,
//! required fields present, ads labelled, canonical brand spellings, short
//! video length, paragraph spacing, approved templates, fonts and palettes.
//! One typed report; submission, scheduling and publication are refused while
//! it holds anything that blocks.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::assets::{AssetSource, AssetState, Confidentiality};
use super::compliance::{Finding, Scanner};
use super::items::{ContentItem, ContentKind, ContentVersion};
use crate::access::named_enum;
use crate::error::{Error, Result};
use crate::policy::{Policy, Severity};
use crate::{Ctx, Engine, store};

/// Field names `content.required_fields` may list.
pub const REQUIRED_FIELD_NAMES: &[&str] = &[
    "title",
    "body",
    "channel",
    "duration_seconds",
    "paragraph_spacing",
    "template",
    "fonts",
    "palette",
    "assets",
    "theme",
    "format",
];

named_enum! {
    /// What a checklist issue is about.
    CheckKind, "check" {
        /// A link that is not a well-formed `http(s)://` URL.
        LinkMalformed => "link_malformed",
        /// A link to a domain not on the policy's allowed list.
        LinkDomain => "link_domain",
        /// A referenced asset is not in the library.
        AssetMissing => "asset_missing",
        /// A referenced asset was retired.
        AssetRetired => "asset_retired",
        /// A referenced asset is labelled internal or above.
        AssetConfidential => "asset_confidential",
        /// A user-generated asset without a valid authorization.
        AssetUnauthorized => "asset_unauthorized",
        /// A field the policy requires is missing.
        FieldMissing => "field_missing",
        /// An ad without an ad label.
        AdLabelMissing => "ad_label_missing",
        /// A brand name spelled wrong.
        BrandSpelling => "brand_spelling",
        /// A short video outside the allowed length.
        VideoLength => "video_length",
        /// Paragraph spacing below the minimum, or not declared.
        ParagraphSpacing => "paragraph_spacing",
        /// A template that is not approved.
        Template => "template",
        /// A font that is not approved.
        Font => "font",
        /// A palette that is not approved.
        Palette => "palette",
    }
}

/// One thing the checklist found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistIssue {
    /// `CON-4` or `CON-5`.
    pub rule: String,
    /// What kind of problem.
    pub check: CheckKind,
    /// `block` stops review and publication; `warn` needs a human look.
    pub severity: Severity,
    /// The field concerned (`body`, `title`, `assets`, `duration_seconds` …).
    pub field: String,
    /// What is wrong, in words.
    pub message: String,
    /// The text concerned (a link, a misspelling), when there is one.
    pub matched: Option<String>,
    /// Start, in characters (Unicode scalar values) of the field, when the
    /// issue is in text.
    pub start: Option<usize>,
    /// End (exclusive), in characters of the field.
    pub end: Option<usize>,
    /// Start in UTF-16 code units of the field (JavaScript, Kotlin, Java
    /// string indexes), when the issue is in text.
    pub utf16_start: Option<usize>,
    /// End (exclusive) in UTF-16 code units.
    pub utf16_end: Option<usize>,
    /// What to do instead.
    pub suggestion: Option<String>,
}

/// The checklist of one version: CON-4/CON-5 issues and CON-3 findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistReport {
    /// The item.
    pub item_id: i64,
    /// The version checked.
    pub version: u32,
    /// Nothing blocks: no blocking issue, no blocking finding.
    pub passed: bool,
    /// CON-4 and CON-5 issues, in check order.
    pub issues: Vec<ChecklistIssue>,
    /// Compliance findings in the title (offsets into the title).
    pub title_findings: Vec<Finding>,
    /// Compliance findings in the body (offsets into the body).
    pub body_findings: Vec<Finding>,
}

impl ChecklistReport {
    /// How many issues and findings block.
    pub fn blocking(&self) -> usize {
        self.issues
            .iter()
            .filter(|i| i.severity == Severity::Block)
            .count()
            + self
                .title_findings
                .iter()
                .chain(&self.body_findings)
                .filter(|f| f.severity == Severity::Block)
                .count()
    }
}

fn issue(
    rule: &str,
    check: CheckKind,
    severity: Severity,
    field: &str,
    message: String,
) -> ChecklistIssue {
    ChecklistIssue {
        rule: rule.into(),
        check,
        severity,
        field: field.into(),
        message,
        matched: None,
        start: None,
        end: None,
        utf16_start: None,
        utf16_end: None,
        suggestion: None,
    }
}

/// Anything that looks like a link: a scheme with `://`, a `javascript:` or
/// `data:` URI, or a bare `www.` host.
fn link_pattern() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // A literal pattern covered by tests.
    R.get_or_init(|| {
        Regex::new(r#"(?i)\b(?:[a-z][a-z0-9+.\-]*://|javascript:|data:|www\.)[^\s<>"'\p{Han}，。、；：！？（）【】《》“”‘’]*"#)
            .expect("link pattern")
    })
}

/// The host of a well-formed `http(s)` URL, lower-cased; `None` when malformed.
fn link_host(link: &str) -> Option<String> {
    let lower = link.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        // user-info in a public link hides the real host (`brand.com@evil.cn`).
        return None;
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(p) = port
        && (p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels: Vec<&str> = host.split('.').collect();
    let ok = labels.len() >= 2
        && host.len() <= 253
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        && labels
            .last()
            .is_some_and(|tld| tld.bytes().any(|b| b.is_ascii_alphabetic()));
    ok.then(|| host.to_owned())
}

fn domain_allowed(host: &str, allowed: &[String]) -> bool {
    allowed.is_empty()
        || allowed.iter().any(|d| {
            let d = d.to_ascii_lowercase();
            host == d || host.ends_with(&format!(".{d}"))
        })
}

/// Place the issue at bytes `start..end` of `text`: the matched text and
/// its offsets in characters and in UTF-16 code units.
fn locate(mut i: ChecklistIssue, text: &str, start: usize, end: usize) -> ChecklistIssue {
    let (before, span) = (&text[..start], &text[start..end]);
    let (cs, cl) = (before.chars().count(), span.chars().count());
    let us = before.encode_utf16().count();
    let ul = span.encode_utf16().count();
    i.matched = Some(span.to_owned());
    (i.start, i.end) = (Some(cs), Some(cs + cl));
    (i.utf16_start, i.utf16_end) = (Some(us), Some(us + ul));
    i
}

fn check_links(text: &str, field: &str, policy: &Policy, out: &mut Vec<ChecklistIssue>) {
    for m in link_pattern().find_iter(text) {
        let link = m
            .as_str()
            .trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}']);
        if link.is_empty() {
            continue;
        }
        let end = m.start() + link.len();
        let i = match link_host(link) {
            None => {
                let mut i = issue(
                    "CON-4",
                    CheckKind::LinkMalformed,
                    Severity::Block,
                    field,
                    "is not a well-formed http(s) link".into(),
                );
                i.suggestion = Some("write the full link, https://host/path".into());
                i
            }
            Some(host) if !domain_allowed(&host, &policy.content.allowed_link_domains) => {
                let mut i = issue(
                    "CON-4",
                    CheckKind::LinkDomain,
                    Severity::Block,
                    field,
                    format!("links to {host}, which is not an allowed domain"),
                );
                i.suggestion = Some(format!(
                    "link to one of: {}",
                    policy.content.allowed_link_domains.join(", ")
                ));
                i
            }
            Some(_) => continue,
        };
        out.push(locate(i, text, m.start(), end));
    }
}

fn check_brand_names(text: &str, field: &str, policy: &Policy, out: &mut Vec<ChecklistIssue>) {
    for b in &policy.content.brand_names {
        // Spans where the canonical name stands: a wrong spelling inside it
        // (the canonical extends the wrong one) is not a misspelling.
        let canonical: Vec<(usize, usize)> = text
            .match_indices(b.canonical.as_str())
            .map(|(s, m)| (s, s + m.len()))
            .collect();
        for wrong in &b.wrong {
            if wrong.is_empty() {
                continue;
            }
            for (s, m) in text.match_indices(wrong.as_str()) {
                let e = s + m.len();
                if canonical.iter().any(|&(cs, ce)| cs <= s && e <= ce) {
                    continue;
                }
                let mut i = issue(
                    "CON-5",
                    CheckKind::BrandSpelling,
                    Severity::Block,
                    field,
                    format!("a wrong spelling of the brand name {}", b.canonical),
                );
                i.suggestion = Some(b.canonical.clone());
                out.push(locate(i, text, s, e));
            }
        }
    }
}

/// The checklist of `version` of `item` inside a transaction.
pub(crate) fn run(
    tx: &rusqlite::Transaction<'_>,
    policy: &Policy,
    now: chrono::DateTime<chrono::Utc>,
    scanner: &Scanner,
    item: &ContentItem,
    version: &ContentVersion,
) -> Result<ChecklistReport> {
    let ct = &policy.content;
    let d = &version.details;
    let mut issues = Vec::new();

    // CON-4: links.
    check_links(&version.title, "title", policy, &mut issues);
    check_links(&version.body, "body", policy, &mut issues);

    // CON-4: assets exist and may go out.
    for &id in &d.assets {
        let problem = match store::content::asset(tx, id)? {
            None => Some((
                CheckKind::AssetMissing,
                format!("asset {id} is not in the asset library"),
            )),
            Some(a) if a.state == AssetState::Retired => {
                Some((CheckKind::AssetRetired, format!("asset {id} was retired")))
            }
            Some(a) if a.label != Confidentiality::Public => Some((
                CheckKind::AssetConfidential,
                format!(
                    "asset {id} is labelled {}; only public assets are published",
                    a.label
                ),
            )),
            Some(a) if a.source == AssetSource::Ugc && !a.authorized_at(now) => Some((
                CheckKind::AssetUnauthorized,
                format!("user-generated asset {id} has no valid authorization"),
            )),
            Some(_) => None,
        };
        if let Some((check, message)) = problem {
            let rule = if check == CheckKind::AssetUnauthorized {
                "CON-6"
            } else {
                "CON-4"
            };
            let mut i = issue(rule, check, Severity::Block, "assets", message);
            i.matched = Some(id.to_string());
            issues.push(i);
        }
    }

    // CON-4: required fields.
    for f in &ct.required_fields {
        let present = match f.as_str() {
            "title" => !version.title.trim().is_empty(),
            "body" => !version.body.trim().is_empty(),
            "channel" => !item.channel.is_empty(),
            "duration_seconds" => d.duration_seconds.is_some(),
            "paragraph_spacing" => d.paragraph_spacing.is_some(),
            "template" => d.template.is_some(),
            "fonts" => !d.fonts.is_empty(),
            "palette" => d.palette.is_some(),
            "assets" => !d.assets.is_empty(),
            "theme" => item.theme_id.is_some(),
            "format" => item.format.is_some(),
            _ => true,
        };
        if !present {
            issues.push(issue(
                "CON-4",
                CheckKind::FieldMissing,
                Severity::Block,
                f,
                format!("{f} is required by the policy"),
            ));
        }
    }

    // CON-4: ads carry an ad label.
    if item.is_ad
        && ct.ad_label_required
        && !ct
            .ad_labels
            .iter()
            .any(|l| version.title.contains(l.as_str()) || version.body.contains(l.as_str()))
    {
        let mut i = issue(
            "CON-4",
            CheckKind::AdLabelMissing,
            Severity::Block,
            "body",
            "an ad must carry an ad label".into(),
        );
        i.suggestion = Some(format!("add one of: {}", ct.ad_labels.join(", ")));
        issues.push(i);
    }

    // CON-5: brand spellings.
    check_brand_names(&version.title, "title", policy, &mut issues);
    check_brand_names(&version.body, "body", policy, &mut issues);

    // CON-5: short-video length.
    if item.kind == ContentKind::ShortVideo {
        match d.duration_seconds {
            None => issues.push(issue(
                "CON-5",
                CheckKind::FieldMissing,
                Severity::Block,
                "duration_seconds",
                "a short video must declare its duration".into(),
            )),
            Some(s) if s < ct.video.min_seconds || s > ct.video.max_seconds => {
                let mut i = issue(
                    "CON-5",
                    CheckKind::VideoLength,
                    Severity::Block,
                    "duration_seconds",
                    format!(
                        "{s} s is outside {}–{} s",
                        ct.video.min_seconds, ct.video.max_seconds
                    ),
                );
                i.suggestion = Some(format!(
                    "cut or extend it to {}–{} s",
                    ct.video.min_seconds, ct.video.max_seconds
                ));
                issues.push(i);
            }
            Some(_) => {}
        }
    }

    // CON-5: layout and VI.
    let layout = &ct.layout;
    match d.paragraph_spacing {
        Some(s) if s + 1e-9 < layout.min_paragraph_spacing => issues.push(issue(
            "CON-5",
            CheckKind::ParagraphSpacing,
            Severity::Block,
            "paragraph_spacing",
            format!("{s} is below the minimum {}", layout.min_paragraph_spacing),
        )),
        None if matches!(
            item.kind,
            ContentKind::Article | ContentKind::PressRelease | ContentKind::LandingPage
        ) =>
        {
            issues.push(issue(
                "CON-5",
                CheckKind::ParagraphSpacing,
                Severity::Warn,
                "paragraph_spacing",
                format!(
                    "not declared; the layout needs at least {}",
                    layout.min_paragraph_spacing
                ),
            ));
        }
        _ => {}
    }
    let library_templates = store::content::template_names(tx)?;
    if let Some(t) = &d.template {
        let restricted = !layout.approved_templates.is_empty() || !library_templates.is_empty();
        if restricted && !layout.approved_templates.contains(t) && !library_templates.contains(t) {
            issues.push(issue(
                "CON-5",
                CheckKind::Template,
                Severity::Block,
                "template",
                "the template is not approved".into(),
            ));
        }
    }
    if !layout.approved_fonts.is_empty() {
        for f in d
            .fonts
            .iter()
            .filter(|f| !layout.approved_fonts.contains(f))
        {
            let mut i = issue(
                "CON-5",
                CheckKind::Font,
                Severity::Block,
                "fonts",
                "the font is not approved".into(),
            );
            i.matched = Some(f.clone());
            i.suggestion = Some(format!("use one of: {}", layout.approved_fonts.join(", ")));
            issues.push(i);
        }
    }
    if let Some(p) = &d.palette
        && !layout.approved_palettes.is_empty()
        && !layout.approved_palettes.contains(p)
    {
        issues.push(issue(
            "CON-5",
            CheckKind::Palette,
            Severity::Block,
            "palette",
            "the palette is not approved".into(),
        ));
    }

    let title_findings = scanner.check(&version.title);
    let body_findings = scanner.check(&version.body);
    let mut report = ChecklistReport {
        item_id: item.id,
        version: version.version,
        passed: false,
        issues,
        title_findings,
        body_findings,
    };
    report.passed = report.blocking() == 0;
    Ok(report)
}

/// The checklist as a gate before `stage` (review, scheduling, publication):
/// `policy_violation` naming the first rule that blocks.
pub(crate) fn gate(
    ctx: &Ctx<'_>,
    scanner: &Scanner,
    item: &ContentItem,
    version: &ContentVersion,
    stage: &str,
) -> Result<()> {
    let report = run(ctx.tx, ctx.policy, ctx.now, scanner, item, version)?;
    if report.passed {
        return Ok(());
    }
    let findings = report
        .title_findings
        .iter()
        .chain(&report.body_findings)
        .filter(|f| f.severity == Severity::Block)
        .count();
    if findings > 0 {
        return Err(Error::PolicyViolation {
            rule: "CON-3",
            message: format!(
                "version {} has {findings} blocking compliance findings; fix them before {stage}",
                version.version
            ),
        });
    }
    let blocking: Vec<&ChecklistIssue> = report
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Block)
        .collect();
    let rule = if blocking.iter().any(|i| i.rule == "CON-4") {
        "CON-4"
    } else if blocking.iter().any(|i| i.rule == "CON-5") {
        "CON-5"
    } else {
        "CON-6"
    };
    let mut names: Vec<&str> = blocking.iter().map(|i| i.check.as_str()).collect();
    names.dedup();
    Err(Error::PolicyViolation {
        rule,
        message: format!(
            "version {} fails the pre-publish checklist before {stage}: {}",
            version.version,
            names.join(", ")
        ),
    })
}

impl Engine {
    /// The pre-publish checklist of an item's current version (CON-3..CON-5):
    /// one report of every issue and compliance finding. Changes nothing.
    pub fn prepublish_check(&self, id: i64) -> Result<ChecklistReport> {
        let scanner = self.scanner()?;
        let now = self.now();
        self.read(|tx, policy| {
            let item = store::content::item(tx, id)?
                .ok_or_else(|| Error::not_found("content", id.to_string()))?;
            let version = store::content::latest_version(tx, id)?.ok_or_else(|| {
                Error::conflict("content", id.to_string(), "has no version to check")
            })?;
            run(tx, policy, now, &scanner, &item, &version)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts() {
        assert_eq!(
            link_host("https://www.Brand.com/a?b#c").as_deref(),
            Some("www.brand.com")
        );
        assert_eq!(
            link_host("http://brand.com:8080").as_deref(),
            Some("brand.com")
        );
        assert_eq!(link_host("https://brand.com@evil.cn/"), None);
        assert_eq!(link_host("https://localhost/"), None);
        assert_eq!(link_host("https://-bad.com/"), None);
        assert_eq!(link_host("https://1.2.3.4/"), None);
        assert_eq!(link_host("ftp://brand.com/"), None);
        assert_eq!(link_host("https://brand.com:99999x/"), None);
        assert_eq!(link_host("www.brand.com"), None);
    }

    #[test]
    fn allowed_domains_are_suffix_matched_on_label_boundaries() {
        let allowed = vec!["brand.com".to_owned()];
        assert!(domain_allowed("brand.com", &allowed));
        assert!(domain_allowed("shop.brand.com", &allowed));
        assert!(!domain_allowed("evilbrand.com", &allowed));
        assert!(!domain_allowed("brand.com.evil.cn", &allowed));
        assert!(domain_allowed("anything.cn", &[]));
    }
}
