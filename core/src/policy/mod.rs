//! The policy document: every number of DOMAIN.md as typed, validated data.
//!
//! A [`Policy`] is loaded from TOML or JSON (whole, or as an overlay on another
//! policy), validated by [`Policy::validate`] with errors that name the path and
//! the bad value, and installed with `Engine::replace_policy`, which versions and
//! audits it. The default pack ([`Policy::default_pack`]) ships inside the library
//! as `default.toml`.

mod sections;
mod validate;
mod workflow;

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::access::Permission;
use crate::error::{Error, Result};

pub use sections::*;
pub use validate::PolicyProblem;
pub use workflow::{Condition, ConditionOp, Deciders, StageDef, SubjectKind, WorkflowDef};

const DEFAULT_PACK: &str = include_str!("default.toml");

/// The whole governance policy of one company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// Name, revision, time zone and currency.
    pub meta: Meta,
    /// Roles, the department matrix, account administration (ACC).
    pub access: AccessPolicy,
    /// Content, layout and publishing plan (CON).
    pub content: ContentPolicy,
    /// Compliance scanner settings (CON-3).
    pub compliance: CompliancePolicy,
    /// Approval defaults (APR).
    pub approvals: ApprovalPolicy,
    /// Customer data (CRM).
    pub crm: CrmPolicy,
    /// Campaign thresholds and budget quadrants (CMP).
    pub campaigns: CampaignPolicy,
    /// Budget split and vendor terms (BUD).
    pub budget: BudgetPolicy,
    /// Scoring, points, scorecards, training (SCO).
    pub scoring: ScoringPolicy,
    /// Backups and recovery (AUD).
    pub audit: AuditPolicy,
}

impl Policy {
    /// The shipped default pack, parsed once.
    pub fn default_pack() -> &'static Policy {
        static PACK: OnceLock<Policy> = OnceLock::new();
        PACK.get_or_init(|| {
            // The pack is compiled in and covered by tests; failing here is a build defect.
            Policy::from_toml(DEFAULT_PACK).expect("the shipped default policy pack is valid")
        })
    }

    /// The shipped default pack as TOML text, comments included; a starting
    /// point for a company's own document.
    pub fn default_pack_toml() -> &'static str {
        DEFAULT_PACK
    }

    /// Parse and validate a complete policy document in TOML.
    pub fn from_toml(text: &str) -> Result<Policy> {
        let value: serde_json::Value = toml::from_str(text).map_err(|e| toml_error(&e))?;
        Self::from_json_value(value)
    }

    /// Parse and validate a complete policy document in JSON.
    pub fn from_json(text: &str) -> Result<Policy> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            Error::validation(
                "policy",
                format!(
                    "not valid JSON (line {}, column {}): {}",
                    e.line(),
                    e.column(),
                    crate::validate::escape_message(&e.to_string())
                ),
            )
        })?;
        Self::from_json_value(value)
    }

    /// This policy with the fields present in `text` (TOML) replaced; tables are
    /// merged key by key, arrays and values replace. The result is validated.
    pub fn overlay_toml(&self, text: &str) -> Result<Policy> {
        let patch: serde_json::Value = toml::from_str(text).map_err(|e| toml_error(&e))?;
        self.overlay_value(patch)
    }

    /// As [`Policy::overlay_toml`], for a JSON patch.
    pub fn overlay_json(&self, text: &str) -> Result<Policy> {
        let patch: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            Error::validation(
                "policy",
                format!(
                    "not valid JSON: {}",
                    crate::validate::escape_message(&e.to_string())
                ),
            )
        })?;
        self.overlay_value(patch)
    }

    /// As [`Policy::overlay_toml`], for a patch already parsed into a JSON value
    /// (bindings hand dicts and objects over this way).
    pub fn overlay_value(&self, patch: serde_json::Value) -> Result<Policy> {
        if !patch.is_object() {
            return Err(Error::validation(
                "policy",
                "an overlay must be a table/object",
            ));
        }
        let mut base =
            serde_json::to_value(self).map_err(|e| Error::validation("policy", e.to_string()))?;
        merge(&mut base, patch);
        Self::from_json_value(base)
    }

    /// Parse and validate a policy given as a JSON value (bindings hand dicts and
    /// objects over this way).
    pub fn from_json_value(value: serde_json::Value) -> Result<Policy> {
        let policy: Policy = serde_path_to_error::deserialize(value).map_err(|e| path_error(&e))?;
        policy.validate()?;
        Ok(policy)
    }

    /// The document as TOML.
    pub fn to_toml(&self) -> String {
        // Every field serializes to TOML (no maps with non-string keys, no NaN by validation).
        toml::to_string_pretty(self).expect("a policy always serializes to TOML")
    }

    /// The document as JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a policy always serializes to JSON")
    }

    /// The document as a JSON value.
    pub fn to_json_value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a policy always serializes to JSON")
    }

    /// Every problem with this document; empty when it is valid.
    pub fn problems(&self) -> Vec<PolicyProblem> {
        validate::problems(self)
    }

    /// `Ok` when valid, else a validation error naming the first problem's path
    /// and value (and how many more there are).
    pub fn validate(&self) -> Result<()> {
        let problems = self.problems();
        match problems.first() {
            None => Ok(()),
            Some(first) => {
                let mut message = first.message.clone();
                match problems.len() {
                    1 => {}
                    2 => message.push_str(" (and 1 more problem)"),
                    n => message.push_str(&format!(" (and {} more problems)", n - 1)),
                }
                Err(Error::validation(first.path.clone(), message))
            }
        }
    }

    /// SHA-256 of the canonical JSON form; identifies a policy version.
    pub fn digest(&self) -> [u8; 32] {
        crate::audit::digest_json(&self.to_json_value())
    }

    /// The permissions a set of roles grants, sorted and unique. Unknown role
    /// names grant nothing.
    pub fn permissions_of<'a, I>(&self, roles: I) -> Vec<Permission>
    where
        I: IntoIterator<Item = &'a String>,
    {
        let mut out: Vec<Permission> = roles
            .into_iter()
            .filter_map(|r| self.access.roles.get(r))
            .flat_map(|r| r.permissions.iter().copied())
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
    match (base, patch) {
        (serde_json::Value::Object(b), serde_json::Value::Object(p)) => {
            for (k, v) in p {
                match b.get_mut(&k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (slot, v) => *slot = v,
    }
}

fn toml_error(e: &toml::de::Error) -> Error {
    Error::validation(
        "policy",
        format!(
            "not valid TOML: {}",
            crate::validate::escape_message(e.message())
        ),
    )
}

fn path_error<E: std::fmt::Display>(e: &serde_path_to_error::Error<E>) -> Error {
    let path = crate::validate::escape_message(&e.path().to_string());
    let path = if path == "." {
        "policy".to_string()
    } else {
        path
    };
    Error::validation(
        path,
        crate::validate::escape_message(&e.inner().to_string()),
    )
}

#[cfg(test)]
mod tests;
