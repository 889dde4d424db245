//! The one mapping from `brandrail::Error` to a thrown JS `Error`.
//!
//! Every failure of the engine reaches JavaScript as an ordinary `Error` whose
//! `message` is core's message and whose `code` is the stable machine code of
//! `brandrail::Error::code()` (`'permission_denied'`, `'validation'`,
//! `'not_found'`, `'separation_of_duties'`, …). Variants with structured
//! detail carry it as extra properties, so callers branch on data instead of
//! parsing messages:
//!
//! | code | extra properties |
//! |---|---|
//! | `permission_denied` | `principal`, `permission`, `reason` |
//! | `separation_of_duties` | `principal` |
//! | `validation` | `field` |
//! | `not_found`, `conflict` | `entity`, `id` |
//! | `policy_violation` | `rule` |
//! | `integrity` | `seq` |
//!
//! Errors napi-rs raises while converting arguments of the wrong JS type keep
//! napi's own codes (`'StringExpected'`, `'InvalidArg'`, …); they happen before
//! the engine is reached.

use napi::bindgen_prelude::Object;
use napi::{Env, JsError, JsValue, Status};

/// A `brandrail::Error` code as the status of a `napi::Error`; napi-rs sets it
/// as the thrown error's `code` property.
struct Code(&'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// The JS error to throw (or reject a promise with) for `err`.
pub(crate) fn to_js(env: &Env, err: &brandrail::Error) -> napi::Error {
    build(env, err).unwrap_or_else(|_| {
        // Only reachable while the JS environment is tearing down; the message
        // still tells what failed.
        napi::Error::new(Status::GenericFailure, format!("[{}] {err}", err.code()))
    })
}

fn build(env: &Env, err: &brandrail::Error) -> napi::Result<napi::Error> {
    let thrown =
        JsError::from(napi::Error::new(Code(err.code()), err.to_string())).into_unknown(*env);
    let mut error = Object::from_raw(env.raw(), thrown.raw());
    use brandrail::Error as E;
    match err {
        E::PermissionDenied {
            principal,
            permission,
            reason,
        } => {
            error.set("principal", principal.as_str())?;
            error.set("permission", permission.as_str())?;
            error.set("reason", reason.as_str())?;
        }
        E::SeparationOfDuties { principal, .. } => error.set("principal", principal.as_str())?,
        E::Validation { field, .. } => error.set("field", field.as_str())?,
        E::NotFound { entity, id } | E::Conflict { entity, id, .. } => {
            error.set("entity", *entity)?;
            error.set("id", id.as_str())?;
        }
        E::PolicyViolation { rule, .. } => error.set("rule", *rule)?,
        E::Integrity { seq, .. } => error.set("seq", *seq)?,
        _ => {}
    }
    // Holding the JS object itself makes napi-rs throw exactly this object,
    // extra properties and all, from sync calls and from promise rejections.
    Ok(napi::Error::from(error.to_unknown()))
}

/// `brandrail::Result` → `napi::Result`, mapping the error with [`to_js`].
pub(crate) trait OrThrow<T> {
    /// The value, or the coded JS error to throw.
    fn or_throw(self, env: &Env) -> napi::Result<T>;
}

impl<T> OrThrow<T> for brandrail::Result<T> {
    fn or_throw(self, env: &Env) -> napi::Result<T> {
        self.map_err(|e| to_js(env, &e))
    }
}

/// A validation error raised while converting a JS argument (a bad `Date`, a
/// number out of range), coded like core's own validation errors.
pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> brandrail::Error {
    brandrail::Error::Validation {
        field: field.into(),
        message: message.into(),
    }
}

/// `err` with its validation field placed under `path` (`department` becomes
/// `principals[2].department`), for inputs converted inside a batch.
pub(crate) fn within(path: &str, err: brandrail::Error) -> brandrail::Error {
    match err {
        brandrail::Error::Validation { field, message } => brandrail::Error::Validation {
            field: format!("{path}.{field}"),
            message,
        },
        other => other,
    }
}

/// `err` with its validation field `from` renamed `to`: core names a
/// parameter by its Rust name (`by`), JS callers know the argument by its JS
/// name (`ms`).
pub(crate) fn renamed(from: &str, to: &str, err: brandrail::Error) -> brandrail::Error {
    match err {
        brandrail::Error::Validation { field, message } if field == from => {
            brandrail::Error::Validation {
                field: to.to_owned(),
                message,
            }
        }
        other => other,
    }
}

/// `err` with its validation field in JS spelling: core names fields as Rust
/// does (`duration_seconds`, `authorization.signed_at`), JS callers know them
/// by their camelCase property names (`durationSeconds`,
/// `authorization.signedAt`).
pub(crate) fn js_field(err: brandrail::Error) -> brandrail::Error {
    match err {
        brandrail::Error::Validation { field, message } => brandrail::Error::Validation {
            field: camel(&field),
            message,
        },
        other => other,
    }
}

/// `snake_case` (in every segment of a dotted path) as `camelCase`.
fn camel(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut upper = false;
    for c in field.chars() {
        match c {
            '_' if out
                .chars()
                .last()
                .is_some_and(|p| p.is_ascii_alphanumeric()) =>
            {
                upper = true
            }
            c if upper => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            c => out.push(c),
        }
    }
    if upper {
        out.push('_');
    }
    out
}

/// [`js_field`] for a result.
pub(crate) trait JsField<T> {
    /// The result, its validation field (if any) in JS spelling.
    fn js_field(self) -> brandrail::Result<T>;
}

impl<T> JsField<T> for brandrail::Result<T> {
    fn js_field(self) -> brandrail::Result<T> {
        self.map_err(js_field)
    }
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn camel_cases_each_segment() {
        assert_eq!(camel("duration_seconds"), "durationSeconds");
        assert_eq!(camel("authorization.signed_at"), "authorization.signedAt");
        assert_eq!(camel("title"), "title");
        assert_eq!(
            camel("principals[3].display_name"),
            "principals[3].displayName"
        );
        assert_eq!(camel("_x"), "_x");
        assert_eq!(camel("x_"), "x_");
    }
}
