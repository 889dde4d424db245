//! The shipped term pack (`term_pack.toml` beside the content module): categories
//! with their legal basis, terms with severity and suggested rewrite, exceptions.

use std::sync::OnceLock;

use serde::Deserialize;

use crate::policy::Severity;

const PACK: &str = include_str!("../term_pack.toml");

/// The term pack document.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermPack {
    /// Name, version, language.
    pub pack: PackInfo,
    /// Categories, each with its legal basis.
    #[serde(rename = "category")]
    pub categories: Vec<PackCategory>,
    /// The terms.
    #[serde(rename = "term")]
    pub terms: Vec<PackTerm>,
    /// Words that never fire.
    #[serde(rename = "exception")]
    pub exceptions: Vec<PackException>,
}

/// Identity of the pack.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackInfo {
    /// Human name.
    pub name: String,
    /// Version label; reported with every scan.
    pub version: String,
    /// Language of the terms.
    pub language: String,
}

/// A category of banned or risky wording.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackCategory {
    /// Identifier, e.g. `absolute`.
    pub id: String,
    /// Chinese name.
    pub name: String,
    /// The law and article.
    pub legal_basis: String,
    /// Severity of its terms unless a term says otherwise.
    pub default_severity: Severity,
    /// What it covers.
    pub description: String,
}

/// One term.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackTerm {
    /// Stable id, e.g. `ABS-001`; the finding's rule id.
    pub id: String,
    /// The term as written (normalized form).
    pub term: String,
    /// Its category id.
    pub category: String,
    /// Overrides the category's severity.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// What to write instead.
    pub suggestion: String,
    /// Why or when it applies.
    #[serde(default)]
    pub note: Option<String>,
    /// Overrides the category's legal basis.
    #[serde(default)]
    pub legal_basis: Option<String>,
}

/// A word that never fires.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackException {
    /// The word.
    pub text: String,
    /// Why it is innocent.
    pub reason: String,
}

impl TermPack {
    /// The shipped pack, parsed once.
    pub fn shipped() -> &'static TermPack {
        static PARSED: OnceLock<TermPack> = OnceLock::new();
        // Compiled in and covered by tests: a parse failure is a build defect.
        PARSED.get_or_init(|| toml::from_str(PACK).expect("the shipped term pack parses"))
    }

    /// The category with this id.
    pub fn category(&self, id: &str) -> Option<&PackCategory> {
        self.categories.iter().find(|c| c.id == id)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn shipped_pack_is_consistent() {
        let p = TermPack::shipped();
        assert!(p.terms.len() >= 300, "{}", p.terms.len());
        assert!(p.exceptions.len() >= 60);
        let ids: HashSet<_> = p.terms.iter().map(|t| &t.id).collect();
        assert_eq!(ids.len(), p.terms.len(), "term ids are unique");
        for t in &p.terms {
            assert!(
                p.category(&t.category).is_some(),
                "{} has no category",
                t.id
            );
            assert!(
                !t.suggestion.trim().is_empty(),
                "{} has no suggestion",
                t.id
            );
        }
        let exceptions: HashSet<_> = p.exceptions.iter().map(|e| e.text.as_str()).collect();
        for t in &p.terms {
            assert!(
                !exceptions.contains(t.term.as_str()),
                "{} is also an exception",
                t.term
            );
        }
    }
}
