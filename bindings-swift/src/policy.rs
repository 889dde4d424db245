//! The policy document: every number of the governance rules as validated
//! data, loaded from TOML or JSON, versioned and audited by the engine.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::SystemTime;

use crate::access::Permission;
use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::system_time_opt;

/// A validated governance policy document. Immutable: `overlay…` returns a
/// new policy. Install it with `Engine.replacePolicy`.
///
/// `Policy()` is the shipped default pack; `fromToml` / `fromJson` parse a
/// complete document. The document itself is read as TOML or JSON
/// (`toToml()`, `toJson()`).
#[derive(Debug, uniffi::Object)]
pub struct Policy {
    inner: Arc<brandrail::policy::Policy>,
}

impl Policy {
    fn wrap(inner: brandrail::policy::Policy) -> Arc<Self> {
        Arc::new(Self {
            inner: Arc::new(inner),
        })
    }
}

#[uniffi::export]
impl Policy {
    /// The shipped default policy pack.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Self::wrap(brandrail::policy::Policy::default_pack().clone())
    }

    /// Parse and validate a complete policy document in TOML. A
    /// `Validation` error names the path of the first bad field.
    #[uniffi::constructor]
    pub fn from_toml(text: &str) -> Result<Arc<Self>, BrandrailError> {
        Ok(Self::wrap(brandrail::policy::Policy::from_toml(text)?))
    }

    /// Parse and validate a complete policy document in JSON.
    #[uniffi::constructor]
    pub fn from_json(text: &str) -> Result<Arc<Self>, BrandrailError> {
        Ok(Self::wrap(brandrail::policy::Policy::from_json(text)?))
    }

    /// This policy with the fields present in `text` (TOML) replaced: tables
    /// merge key by key, arrays and values replace. The result is validated.
    pub fn overlay_toml(&self, text: &str) -> Result<Arc<Self>, BrandrailError> {
        Ok(Self::wrap(self.inner.overlay_toml(text)?))
    }

    /// As `overlayToml`, for a JSON object.
    pub fn overlay_json(&self, text: &str) -> Result<Arc<Self>, BrandrailError> {
        Ok(Self::wrap(self.inner.overlay_json(text)?))
    }

    /// The document as TOML.
    pub fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The document as JSON (pretty-printed).
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// Every problem with this document; empty when it is valid.
    pub fn problems(&self) -> Vec<PolicyProblem> {
        self.inner
            .problems()
            .into_iter()
            .map(PolicyProblem::from)
            .collect()
    }

    /// SHA-256 (hex) of the canonical JSON form; equals `PolicyVersion.digest`
    /// once installed.
    pub fn digest(&self) -> String {
        hex(&self.inner.digest())
    }

    /// The permissions a set of roles grants under this policy, sorted and
    /// unique. Unknown role names grant nothing.
    pub fn permissions_of(&self, roles: Vec<String>) -> Vec<Permission> {
        self.inner
            .permissions_of(&roles)
            .into_iter()
            .map(Permission::from)
            .collect()
    }
}

/// The shipped default policy pack as TOML, comments included: the starting
/// point for a company's own document.
#[uniffi::export]
pub fn default_policy_toml() -> String {
    brandrail::policy::Policy::default_pack_toml().to_owned()
}

/// One thing wrong with a policy document.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PolicyProblem {
    /// Dotted path of the field, e.g. `budget.split.fixed`.
    pub path: String,
    /// What is wrong, quoting the bad value.
    pub message: String,
}

impl From<brandrail::PolicyProblem> for PolicyProblem {
    fn from(p: brandrail::PolicyProblem) -> Self {
        Self {
            path: p.path,
            message: p.message,
        }
    }
}

/// A policy version as installed.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PolicyVersion {
    /// 1 for the first installed policy, then +1 per replacement; 0 is the
    /// built-in default pack, before anything was installed.
    pub version: i64,
    /// When it was installed (none for version 0).
    pub installed_at: Option<SystemTime>,
    /// Who installed it (none for version 0).
    pub installed_by: Option<String>,
    /// SHA-256 (hex) of its canonical JSON.
    pub digest: String,
}

impl From<brandrail::PolicyVersion> for PolicyVersion {
    fn from(v: brandrail::PolicyVersion) -> Self {
        Self {
            version: v.version,
            installed_at: system_time_opt(v.installed_at),
            installed_by: v.installed_by,
            digest: v.digest,
        }
    }
}

#[uniffi::export]
impl Engine {
    /// The policy in force (the default pack until one is installed).
    pub fn policy(&self) -> Result<Arc<Policy>, BrandrailError> {
        Ok(Arc::new(Policy {
            inner: self.core().policy()?,
        }))
    }

    /// The version of the policy in force.
    pub fn policy_version(&self) -> Result<PolicyVersion, BrandrailError> {
        Ok(self.core().policy_version()?.into())
    }

    /// Every installed version, oldest first.
    pub fn policy_history(&self) -> Result<Vec<PolicyVersion>, BrandrailError> {
        Ok(self
            .core()
            .policy_history()?
            .into_iter()
            .map(PolicyVersion::from)
            .collect())
    }

    /// Install `policy` as the new version (`actor` needs `policy.replace`).
    /// Roles some principal holds must stay defined, and some active principal
    /// must still be able to administer accounts. Audited with the digests of
    /// the old and new documents.
    pub fn replace_policy(
        &self,
        actor: &str,
        policy: &Policy,
    ) -> Result<PolicyVersion, BrandrailError> {
        Ok(self.core().replace_policy(actor, &policy.inner)?.into())
    }
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case_and_padded() {
        assert_eq!(hex(&[0, 1, 0xab, 0xff]), "0001abff");
    }

    #[test]
    fn the_default_pack_digest_matches_version_zero() {
        let engine = Engine::in_memory(crate::engine::EngineOptions {
            busy_timeout_ms: 5000,
            secret_key: None,
            clock_start: None,
        })
        .unwrap();
        assert_eq!(
            Policy::new().digest(),
            engine.policy_version().unwrap().digest
        );
    }
}
