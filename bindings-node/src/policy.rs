//! The policy document (core's `policy` module): the `Policy` class and the
//! `Engine` methods that read, version and replace the policy in force.

use std::sync::Arc;

use napi::Env;
use napi_derive::napi;

use crate::convert::Date;
use crate::engine::Engine;
use crate::error::OrThrow;

/// A company's whole governance policy: roles, thresholds, schedules — every
/// number the engine enforces, as validated data. Immutable: the `overlay*`
/// methods return a new `Policy`.
///
/// Get one with `Policy.default()`, `Policy.fromToml(text)`,
/// `Policy.fromJson(text)`, `Policy.fromObject(obj)` or `engine.policy()`;
/// install it with `engine.replacePolicy(actor, policy)`. Every constructor
/// validates, and throws with code `'validation'` and the offending path in
/// `err.field` (e.g. `'budget.split.fixed'`).
#[napi]
pub struct Policy {
    inner: Arc<brandrail::Policy>,
}

impl From<brandrail::Policy> for Policy {
    fn from(policy: brandrail::Policy) -> Self {
        Policy {
            inner: Arc::new(policy),
        }
    }
}

/// One thing wrong with a policy document.
#[napi(object, object_from_js = false)]
pub struct PolicyProblem {
    /// Dotted path of the field, e.g. `'budget.split.fixed'`.
    pub path: String,
    /// What is wrong, quoting the bad value.
    pub message: String,
}

#[napi]
impl Policy {
    /// The default policy pack shipped with brandrail.
    #[napi(factory, js_name = "default", strict, catch_unwind)]
    pub fn default_pack() -> Policy {
        Policy::from(brandrail::Policy::default_pack().clone())
    }

    /// The default pack as TOML text, comments included: a starting point for
    /// a company's own document.
    #[napi(strict, catch_unwind)]
    pub fn default_toml() -> String {
        brandrail::Policy::default_pack_toml().to_owned()
    }

    /// Parse and validate a complete policy document in TOML.
    #[napi(factory, strict, catch_unwind)]
    pub fn from_toml(env: &Env, text: String) -> napi::Result<Policy> {
        brandrail::Policy::from_toml(&text)
            .map(Policy::from)
            .or_throw(env)
    }

    /// Parse and validate a complete policy document in JSON.
    #[napi(factory, strict, catch_unwind)]
    pub fn from_json(env: &Env, text: String) -> napi::Result<Policy> {
        brandrail::Policy::from_json(&text)
            .map(Policy::from)
            .or_throw(env)
    }

    /// Validate a complete policy document given as a plain object (the shape
    /// `toObject()` returns; keys are snake_case as in the TOML).
    #[napi(factory, catch_unwind, ts_args_type = "document: Record<string, any>")]
    pub fn from_object(env: &Env, document: serde_json::Value) -> napi::Result<Policy> {
        brandrail::Policy::from_json_value(document)
            .map(Policy::from)
            .or_throw(env)
    }

    /// This policy with the fields present in `text` (TOML) replaced: tables
    /// merge key by key, arrays and values replace. The result is validated.
    #[napi(strict, catch_unwind)]
    pub fn overlay_toml(&self, env: &Env, text: String) -> napi::Result<Policy> {
        self.inner
            .overlay_toml(&text)
            .map(Policy::from)
            .or_throw(env)
    }

    /// As `overlayToml`, for a JSON patch.
    #[napi(strict, catch_unwind)]
    pub fn overlay_json(&self, env: &Env, text: String) -> napi::Result<Policy> {
        self.inner
            .overlay_json(&text)
            .map(Policy::from)
            .or_throw(env)
    }

    /// As `overlayToml`, for a patch given as a plain object, e.g.
    /// `{ access: { zombie_after_months: 3 } }`.
    #[napi(catch_unwind, ts_args_type = "patch: Record<string, any>")]
    pub fn overlay(&self, env: &Env, patch: serde_json::Value) -> napi::Result<Policy> {
        self.inner
            .overlay_value(patch)
            .map(Policy::from)
            .or_throw(env)
    }

    /// The document as TOML.
    #[napi(strict, catch_unwind)]
    pub fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// The document as pretty-printed JSON.
    #[napi(strict, catch_unwind)]
    pub fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The document as a plain object with snake_case keys, as in the TOML.
    /// Money amounts are decimal strings.
    #[napi(strict, catch_unwind, ts_return_type = "Record<string, any>")]
    pub fn to_object(&self) -> serde_json::Value {
        self.inner.to_json_value()
    }

    /// Every problem with this document; empty when it is valid (which every
    /// `Policy` you can construct is).
    #[napi(strict, catch_unwind)]
    pub fn problems(&self) -> Vec<PolicyProblem> {
        self.inner
            .problems()
            .into_iter()
            .map(|p| PolicyProblem {
                path: p.path,
                message: p.message,
            })
            .collect()
    }

    /// SHA-256 (hex) of the document's canonical JSON; identifies a policy
    /// version (see `engine.policyVersion().digest`).
    #[napi(getter, strict, catch_unwind)]
    pub fn digest(&self) -> String {
        hex(&self.inner.digest())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A policy version as installed.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PolicyVersion {
    /// 1 for the first installed policy, then +1 per replacement; 0 is the
    /// built-in default pack, before anything was installed.
    pub version: i64,
    /// When it was installed; `null` for version 0.
    pub installed_at: Option<Date>,
    /// Handle of who installed it; `null` for version 0.
    pub installed_by: Option<String>,
    /// SHA-256 (hex) of its canonical JSON, as `Policy.digest`.
    pub digest: String,
}

impl From<brandrail::PolicyVersion> for PolicyVersion {
    fn from(v: brandrail::PolicyVersion) -> Self {
        PolicyVersion {
            version: v.version,
            installed_at: v.installed_at.map(Date::from),
            installed_by: v.installed_by,
            digest: v.digest,
        }
    }
}

#[napi]
impl Engine {
    /// The policy in force (the default pack until one is installed).
    #[napi(strict, catch_unwind)]
    pub fn policy(&self, env: &Env) -> napi::Result<Policy> {
        self.inner
            .policy()
            .map(|inner| Policy { inner })
            .or_throw(env)
    }

    /// The version of the policy in force.
    #[napi(strict, catch_unwind)]
    pub fn policy_version(&self, env: &Env) -> napi::Result<PolicyVersion> {
        self.inner
            .policy_version()
            .map(PolicyVersion::from)
            .or_throw(env)
    }

    /// Every installed version, oldest first (empty while the default pack is
    /// in force).
    #[napi(strict, catch_unwind)]
    pub fn policy_history(&self, env: &Env) -> napi::Result<Vec<PolicyVersion>> {
        self.inner
            .policy_history()
            .map(|h| h.into_iter().map(PolicyVersion::from).collect())
            .or_throw(env)
    }

    /// Install `policy` as the new version (needs `policy.replace`). Roles some
    /// principal holds must stay defined, and some active principal must still
    /// be able to administer accounts. Audited with the old and new digests.
    #[napi(strict, catch_unwind)]
    pub fn replace_policy(
        &self,
        env: &Env,
        actor: String,
        policy: &Policy,
    ) -> napi::Result<PolicyVersion> {
        self.inner
            .replace_policy(&actor, &policy.inner)
            .map(PolicyVersion::from)
            .or_throw(env)
    }
}
