//! The compliance checker (CON-3): what in a piece of copy would get the company
//! fined, where, why, and what to write instead.
//!
//! A [`Scanner`] compiles the shipped term pack ([`TermPack`]) plus a company's
//! own terms and exceptions (policy `compliance.custom_terms` /
//! `custom_exceptions`) into one leftmost-longest Aho-Corasick automaton over
//! normalized text (`normalize.rs`: traditional→simplified, NFKC, lower case,
//! noise between characters dropped), so evasions still match and an exception
//! covering the same span wins. Personal data (`pii.rs`) and placeholders are
//! found alongside. Every finding carries character offsets into the ORIGINAL
//! text.
//!
//! The checker needs no database: [`check_text`] / [`check_texts`] use the
//! shipped pack; an [`Engine`](crate::Engine) checks with its policy.

mod normalize;
mod pack;
mod pii;

use std::sync::{Arc, OnceLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;
use serde::Serialize;

pub use pack::{PackCategory, PackException, PackInfo, PackTerm, TermPack};

use crate::error::{Error, Result};
use crate::policy::{CompliancePolicy, Severity};

/// Legal basis of personal-data findings.
const PII_BASIS: &str = "《中华人民共和国个人信息保护法》第十三条、第二十八条；数字营销管理细则 §四(一)：截图及素材中的个人信息须打码";
/// Legal basis of placeholder findings.
const PLACEHOLDER_BASIS: &str = "内部发布规范 (CON-3)：未完成的文本不得发布";

/// One thing the checker found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable id of the rule: the term's id (`ABS-001`), `PII-PHONE`,
    /// `PII-ID`, `PII-EMAIL`, `PII-CARD`, `PLACEHOLDER`, or `CUSTOM-n`.
    pub rule_id: String,
    /// Category id (`absolute`, `medical`, …, `personal_data`, `placeholder`).
    pub category: String,
    /// `block` stops publication; `warn` needs a human look.
    pub severity: Severity,
    /// The canonical term (or the kind of personal data / placeholder).
    pub term: String,
    /// The span of the original text that matched, as written.
    pub matched: String,
    /// Start, in characters (Unicode scalar values) of the original text.
    pub start: usize,
    /// End (exclusive), in characters of the original text.
    pub end: usize,
    /// Start in UTF-16 code units (JavaScript, Kotlin, Java string indexes).
    pub utf16_start: usize,
    /// End (exclusive) in UTF-16 code units.
    pub utf16_end: usize,
    /// The law or rule.
    pub legal_basis: String,
    /// What to write instead.
    pub suggestion: String,
}

/// What a pattern in the automaton stands for.
#[derive(Debug, Clone)]
enum Pattern {
    Term {
        rule_id: String,
        category: String,
        severity: Severity,
        term: String,
        legal_basis: String,
        suggestion: String,
    },
    Exception,
}

/// A compiled checker: the term pack plus a company's additions.
#[derive(Debug, Clone)]
pub struct Scanner {
    automaton: AhoCorasick,
    patterns: Arc<Vec<Pattern>>,
    pack_version: String,
    check_placeholders: bool,
    check_personal_data: bool,
}

/// Placeholder words (normalized) that mark unfinished copy.
const PLACEHOLDER_WORDS: &[&str] = &[
    "todo",
    "tbd",
    "fixme",
    "xxx",
    "待定",
    "待补充",
    "待确认",
    "待填写",
    "此处填写",
    "占位符",
    "loremipsum",
];
/// Words that contain a placeholder word but are finished copy.
const PLACEHOLDER_EXCEPTIONS: &[&str] = &["xxxl", "xxxxl", "xxxxxl"];

fn placeholder_brackets() -> &'static Regex {
    static R: OnceLock<Regex> = OnceLock::new();
    // A literal pattern covered by tests.
    R.get_or_init(|| {
        Regex::new(r"[\[【〔（(]\s*具体[^\]】〕）)\n]{0,30}[\]】〕）)]|\{\{[^}\n]{0,40}\}\}")
            .expect("placeholder pattern")
    })
}

impl Scanner {
    /// The shipped pack with the default settings (placeholders and personal
    /// data checked), compiled once.
    pub fn shipped() -> &'static Scanner {
        static S: OnceLock<Scanner> = OnceLock::new();
        S.get_or_init(|| {
            Scanner::new(&crate::policy::Policy::default_pack().compliance)
                .expect("the shipped pack compiles")
        })
    }

    /// Compile the shipped pack with a policy's additions. A custom term names
    /// a category of the pack or a new one of its own.
    pub fn new(policy: &CompliancePolicy) -> Result<Scanner> {
        let pack = TermPack::shipped();
        let mut patterns: Vec<(String, Pattern)> = Vec::new();
        // Exceptions first: on an identical normalized pattern an exception wins.
        let exceptions = pack
            .exceptions
            .iter()
            .map(|e| e.text.as_str())
            .chain(policy.custom_exceptions.iter().map(String::as_str))
            .chain(PLACEHOLDER_EXCEPTIONS.iter().copied());
        for e in exceptions {
            patterns.push((normalize::normalize_term(e), Pattern::Exception));
        }
        for (i, t) in policy.custom_terms.iter().enumerate() {
            let legal_basis = if t.legal_basis.trim().is_empty() {
                pack.category(&t.category)
                    .map(|c| c.legal_basis.clone())
                    .unwrap_or_default()
            } else {
                t.legal_basis.clone()
            };
            patterns.push((
                normalize::normalize_term(&t.term),
                Pattern::Term {
                    rule_id: format!("CUSTOM-{}", i + 1),
                    category: t.category.clone(),
                    severity: t.severity,
                    term: t.term.clone(),
                    legal_basis,
                    suggestion: t.suggestion.clone(),
                },
            ));
        }
        for t in &pack.terms {
            let Some(category) = pack.category(&t.category) else {
                continue;
            };
            patterns.push((
                normalize::normalize_term(&t.term),
                Pattern::Term {
                    rule_id: t.id.clone(),
                    category: t.category.clone(),
                    severity: t.severity.unwrap_or(category.default_severity),
                    term: t.term.clone(),
                    legal_basis: t
                        .legal_basis
                        .clone()
                        .unwrap_or_else(|| category.legal_basis.clone()),
                    suggestion: t.suggestion.clone(),
                },
            ));
        }
        if policy.block_placeholders {
            for w in PLACEHOLDER_WORDS {
                patterns.push((
                    normalize::normalize_term(w),
                    Pattern::Term {
                        rule_id: "PLACEHOLDER".into(),
                        category: "placeholder".into(),
                        severity: Severity::Block,
                        term: (*w).into(),
                        legal_basis: PLACEHOLDER_BASIS.into(),
                        suggestion: "写完整的文案后再提交".into(),
                    },
                ));
            }
        }
        // A pattern that normalizes to nothing (pure punctuation) cannot match;
        // the first of several identical patterns wins.
        let mut seen = std::collections::HashSet::new();
        patterns.retain(|(p, _)| !p.is_empty() && seen.insert(p.clone()));
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(patterns.iter().map(|(p, _)| p.as_str()))
            .or_else(|_| {
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(patterns.iter().map(|(p, _)| p.as_str()))
            })
            .map_err(|e| Error::Configuration {
                message: format!("the term automaton could not be built: {e}"),
            })?;
        Ok(Scanner {
            automaton,
            patterns: Arc::new(patterns.into_iter().map(|(_, p)| p).collect()),
            pack_version: pack.pack.version.clone(),
            check_placeholders: policy.block_placeholders,
            check_personal_data: policy.require_masked_personal_data,
        })
    }

    /// Version of the term pack compiled in.
    pub fn pack_version(&self) -> &str {
        &self.pack_version
    }

    /// Every finding in `text`, ordered by position.
    pub fn check(&self, text: &str) -> Vec<Finding> {
        // Offsets are kept as u32: a text over 4 GiB is checked up to there.
        let text = if text.len() < u32::MAX as usize {
            text
        } else {
            let mut cut = u32::MAX as usize - 1;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            &text[..cut]
        };
        // Findings are built with byte spans, then given character offsets in
        // one forward pass (no per-character table of the whole text).
        let mut found: Vec<(usize, usize, Finding)> = Vec::new();
        let blank =
            |rule_id: &str, category: &str, term: &str, basis: &str, suggestion: &str| Finding {
                rule_id: rule_id.into(),
                category: category.into(),
                severity: Severity::Block,
                term: term.into(),
                matched: String::new(),
                start: 0,
                end: 0,
                utf16_start: 0,
                utf16_end: 0,
                legal_basis: basis.into(),
                suggestion: suggestion.into(),
            };
        let n = normalize::normalize(text);
        for m in self.automaton.find_iter(&n.text) {
            let Pattern::Term {
                rule_id,
                category,
                severity,
                term,
                legal_basis,
                suggestion,
            } = &self.patterns[m.pattern().as_usize()]
            else {
                continue;
            };
            let (s, e) = n.original_span(text, m.start(), m.end());
            let mut f = blank(rule_id, category, term, legal_basis, suggestion);
            f.severity = *severity;
            found.push((s, e, f));
        }
        if self.check_placeholders {
            for m in placeholder_brackets().find_iter(text) {
                let f = blank(
                    "PLACEHOLDER",
                    "placeholder",
                    "[具体…]",
                    PLACEHOLDER_BASIS,
                    "把占位内容替换为确定的信息",
                );
                found.push((m.start(), m.end(), f));
            }
        }
        if self.check_personal_data {
            for p in pii::find(text) {
                let (rule_id, term, suggestion) = match p.kind {
                    pii::PiiKind::Phone => ("PII-PHONE", "手机号", "打码，如 138****8000"),
                    pii::PiiKind::IdNumber => ("PII-ID", "身份证号", "打码，如 110105********002X"),
                    pii::PiiKind::Email => ("PII-EMAIL", "电子邮箱", "打码，如 l***@example.com"),
                    pii::PiiKind::BankCard => ("PII-CARD", "银行卡号", "打码，只保留后四位"),
                };
                let f = blank(rule_id, "personal_data", term, PII_BASIS, suggestion);
                found.push((p.start, p.end, f));
            }
        }
        found.sort_by(|a, b| (a.0, a.1, &a.2.rule_id).cmp(&(b.0, b.1, &b.2.rule_id)));
        // Byte offsets → character and UTF-16 offsets, walking the text once
        // over the sorted boundaries.
        let mut boundaries: Vec<usize> = found.iter().flat_map(|(s, e, _)| [*s, *e]).collect();
        boundaries.sort_unstable();
        boundaries.dedup();
        let mut offsets = Vec::with_capacity(boundaries.len());
        let (mut chars, mut units, mut pos) = (0usize, 0usize, 0usize);
        for &b in &boundaries {
            // A 4-byte character (lead byte 0xF0..) is two UTF-16 units.
            let piece = &text[pos..b];
            let c = piece.chars().count();
            let wide = count_wide(piece.as_bytes());
            chars += c;
            units += c + wide;
            pos = b;
            offsets.push((chars, units));
        }
        let at = |b: usize| boundaries.binary_search(&b).map_or((0, 0), |i| offsets[i]);
        found
            .into_iter()
            .map(|(s, e, mut f)| {
                f.matched = text[s..e].to_owned();
                (f.start, f.utf16_start) = at(s);
                (f.end, f.utf16_end) = at(e);
                f
            })
            .collect()
    }

    /// [`Scanner::check`] for many texts; one result list per text, in order.
    pub fn check_many<S: AsRef<str>>(&self, texts: &[S]) -> Vec<Vec<Finding>> {
        texts.iter().map(|t| self.check(t.as_ref())).collect()
    }
}

/// A keyword matcher over the checker's normalized text (traditional →
/// simplified, NFKC, lower case, noise between characters dropped), so
/// `投 诉`, `投訴` and `ＴＯＵＳＵ` style evasions match like the terms of the
/// checker. Other capabilities use it to watch for words: opinion alerts
/// (CRM-10), auto-answers and complaint routing (CRM-9).
#[derive(Debug, Clone)]
pub(crate) struct KeywordMatcher {
    automaton: Option<AhoCorasick>,
    /// Per pattern: its group and the keyword as configured.
    labels: Vec<(usize, String)>,
}

/// One keyword found by a [`KeywordMatcher`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KeywordHit {
    /// The group the keyword was given in.
    pub group: usize,
    /// The keyword as configured.
    pub keyword: String,
    /// The text as written.
    pub matched: String,
}

impl KeywordMatcher {
    /// Keywords by group; keywords that normalize to nothing are ignored, and
    /// of identical ones the first group wins.
    pub(crate) fn new<'k>(
        groups: impl IntoIterator<Item = (usize, &'k [String])>,
    ) -> Result<KeywordMatcher> {
        let mut patterns = Vec::new();
        let mut labels = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for (group, words) in groups {
            for w in words {
                let n = normalize::normalize_term(w);
                if !n.is_empty() && seen.insert(n.clone()) {
                    patterns.push(n);
                    labels.push((group, w.clone()));
                }
            }
        }
        let automaton = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map_err(|e| Error::Configuration {
                        message: format!("the keyword automaton could not be built: {e}"),
                    })?,
            )
        };
        Ok(KeywordMatcher { automaton, labels })
    }

    /// Every keyword in `text`, in order.
    pub(crate) fn find(&self, text: &str) -> Vec<KeywordHit> {
        let Some(ac) = &self.automaton else {
            return Vec::new();
        };
        let n = normalize::normalize(text);
        ac.find_iter(&n.text)
            .map(|m| {
                let (s, e) = n.original_span(text, m.start(), m.end());
                let (group, keyword) = self.labels[m.pattern().as_usize()].clone();
                KeywordHit {
                    group,
                    keyword,
                    matched: text[s..e].to_owned(),
                }
            })
            .collect()
    }
}

/// How many 4-byte characters (lead byte 0xF0..) `b` holds, counted in
/// blocks small enough for byte-wide counters, which the compiler vectorizes.
fn count_wide(b: &[u8]) -> usize {
    b.chunks(255)
        .map(|c| usize::from(c.iter().fold(0u8, |n, &x| n + u8::from(x >= 0xF0))))
        .sum()
}

/// Is `term` a usable company term or exception: does anything of it survive
/// normalization (pure punctuation or spaces would never match)?
pub(crate) fn matchable(term: &str) -> bool {
    !normalize::normalize_term(term).is_empty()
}

/// Check one text with the shipped term pack and default settings.
pub fn check_text(text: &str) -> Vec<Finding> {
    Scanner::shipped().check(text)
}

/// Check many texts with the shipped term pack; one result list per text.
pub fn check_texts<S: AsRef<str>>(texts: &[S]) -> Vec<Vec<Finding>> {
    Scanner::shipped().check_many(texts)
}

#[cfg(test)]
mod tests;
