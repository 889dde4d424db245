//! Segment rules as JS data (CRM-4). A rule crosses as a plain object in the
//! JSON shape of core's rules (`SegmentRule` in `index.d.ts`; snake_case keys
//! such as `at_least`, `within_days`, `has_identity`, as in the policy's
//! personas), or as its JSON text, and comes back as a plain object.
//!
//! Core parses every rule (`Rule::from_json`), so a misspelt key or kind, a
//! number where a list belongs, a negative count, is a `'validation'` error
//! whose `field` is the path at fault (`'rule.events.kind'`), in every
//! binding alike. What JSON cannot hold at all is refused here the same way,
//! with the path to it as the field (`'rule'` for the whole value,
//! `'rule.all[1].events'` inside it): a function, a symbol, a `BigInt`,
//! `NaN` or an infinity, `undefined` in an array (a hole included) or as the
//! whole rule, a `Date`, a typed array or buffer, a promise; and, with the
//! field `'rule'`, a rule nested more than 64 levels deep (a cycle) or of
//! more than 100,000 values in all.
//! A property whose value is `undefined` is left out, as `JSON.stringify`
//! leaves it out. These refusals are typed errors, not napi-rs's: a rule is
//! data, and every way it can be wrong is a `'validation'` error.

use brandrail::crm::Rule;
use napi::bindgen_prelude::{FromNapiValue, TypeName, Unknown, ValidateNapiValue};
use napi::{JsValue, ValueType, check_status, sys};
use serde_json::{Map, Number, Value};

use crate::convert::type_name;
use crate::error::invalid;

/// Deepest nesting of objects and arrays read from JS. Core's own limit
/// (8 groups) is far below it, so core still reports a rule too deep with
/// its own message; this stops cycles.
const MAX_NESTING: usize = 64;

/// Most values (objects, arrays and scalars) read from one JS rule. A rule
/// core accepts has at most 64 conditions of at most 100 values each.
const MAX_VALUES: usize = 100_000;

/// Longest object key written into an error's field; longer keys, and keys
/// with other characters than `a-z A-Z 0-9 _ -`, are left out of the path.
const MAX_KEY_IN_PATH: usize = 64;

/// A rule argument as the JS caller gave it, read when the call is made: its
/// JSON text, or why it cannot be one (a typed error, thrown or rejected
/// when the call goes on).
pub struct RuleArg(brandrail::Result<String>);

impl RuleArg {
    /// The rule, parsed by core (errors name the path at fault).
    pub(crate) fn parse(self) -> brandrail::Result<Rule> {
        self.0.and_then(|text| Rule::from_json(&text))
    }
}

/// A rule as JS receives it: a plain object of its JSON shape.
pub(crate) fn rule_value(rule: &Rule) -> Value {
    // Serializing a rule cannot fail (as core's `to_json` knows); `{}` is
    // core's stand-in too.
    serde_json::to_value(rule).unwrap_or_else(|_| Value::Object(Map::new()))
}

impl TypeName for RuleArg {
    fn type_name() -> &'static str {
        "SegmentRule | string"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for RuleArg {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // Any JS value is read; `from_napi_value` refuses what no rule is
        // with a typed error naming the path.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for RuleArg {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        match unknown.get_type()? {
            ValueType::String => {
                // SAFETY: as above; checked to be a string.
                unsafe { String::from_napi_value(env, value) }.map(|text| RuleArg(Ok(text)))
            }
            ValueType::Undefined => Ok(RuleArg(Err(invalid(
                "rule",
                "is missing: give a rule (a plain object) or its JSON text",
            )))),
            _ => {
                let mut reader = Reader {
                    env,
                    left: MAX_VALUES,
                };
                // SAFETY: as above.
                match unsafe { reader.read(value, &Path::root(), 0) } {
                    Ok(data) => Ok(RuleArg(Ok(data.to_string()))),
                    Err(Refused::Rule(e)) => Ok(RuleArg(Err(e))),
                    Err(Refused::Js(e)) => Err(e),
                }
            }
        }
    }
}

/// Why a JS value could not be read as rule data.
enum Refused {
    /// JS itself failed (a getter threw): thrown as it is.
    Js(napi::Error),
    /// The value is not JSON data: a validation error naming the path.
    Rule(brandrail::Error),
}

impl From<napi::Error> for Refused {
    fn from(e: napi::Error) -> Self {
        Refused::Js(e)
    }
}

/// Where a value sits in the rule, written as core writes paths
/// (`rule.all[1].events.kind`). Once a key that is not a plain name is
/// crossed, the path stays at its parent: an error's field never carries
/// arbitrary text from the caller.
#[derive(Clone)]
struct Path {
    text: String,
    exact: bool,
}

impl Path {
    fn root() -> Path {
        Path {
            text: "rule".into(),
            exact: true,
        }
    }

    fn index(&self, i: u32) -> Path {
        if !self.exact {
            return self.clone();
        }
        Path {
            text: format!("{}[{i}]", self.text),
            exact: true,
        }
    }

    fn key(&self, key: &str) -> Path {
        let plain = !key.is_empty()
            && key.len() <= MAX_KEY_IN_PATH
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !self.exact || !plain {
            return Path {
                text: self.text.clone(),
                exact: false,
            };
        }
        Path {
            text: format!("{}.{key}", self.text),
            exact: true,
        }
    }

    fn refuse<T>(&self, message: impl Into<String>) -> Result<T, Refused> {
        Err(Refused::Rule(invalid(self.text.clone(), message)))
    }
}

/// What every refusal of a value adds: what a rule may hold.
const PLAIN_DATA: &str =
    "a rule is plain data: objects, arrays, strings, numbers, booleans and null";

/// Reads JS values as JSON data, within the limits above.
struct Reader {
    env: sys::napi_env,
    left: usize,
}

impl Reader {
    /// `value` (at `path`, `depth` objects or arrays down) as JSON data.
    ///
    /// # Safety
    /// `value` must be a live handle of `self.env` in the current call.
    unsafe fn read(
        &mut self,
        value: sys::napi_value,
        path: &Path,
        depth: usize,
    ) -> Result<Value, Refused> {
        if self.left == 0 {
            return Path::root().refuse(format!("holds more than {MAX_VALUES} values"));
        }
        self.left -= 1;
        let env = self.env;
        // SAFETY: the caller's handle.
        let unknown = unsafe { Unknown::from_raw_unchecked(env, value) };
        match unknown.get_type()? {
            ValueType::Null => Ok(Value::Null),
            // SAFETY (the three scalars): checked to be of the type read.
            ValueType::Boolean => Ok(Value::Bool(unsafe { bool::from_napi_value(env, value) }?)),
            ValueType::String => Ok(Value::String(unsafe {
                String::from_napi_value(env, value)
            }?)),
            ValueType::Number => match json_number(unsafe { f64::from_napi_value(env, value) }?) {
                Some(n) => Ok(Value::Number(n)),
                None => path.refuse(format!("is NaN or infinite; {PLAIN_DATA}")),
            },
            ValueType::Object => {
                if depth >= MAX_NESTING {
                    return Path::root().refuse(format!(
                        "is nested more than {MAX_NESTING} levels deep (a cycle?)"
                    ));
                }
                if unknown.is_array()? {
                    // SAFETY: the caller's handle, checked to be an array.
                    return unsafe { self.array(value, path, depth) };
                }
                let special = if unknown.is_date()? {
                    Some("a Date")
                } else if unknown.is_typedarray()?
                    || unknown.is_arraybuffer()?
                    || unknown.is_dataview()?
                {
                    Some("binary data")
                } else if unknown.is_promise()? {
                    Some("a Promise")
                } else {
                    None
                };
                match special {
                    Some(what) => path.refuse(format!("is {what}; {PLAIN_DATA}")),
                    // SAFETY: the caller's handle, checked to be an object.
                    None => unsafe { self.object(value, path, depth) },
                }
            }
            ValueType::Undefined => path.refuse(format!("is undefined; {PLAIN_DATA}")),
            other => path.refuse(format!("is a {}; {PLAIN_DATA}", type_name(other))),
        }
    }

    /// The elements of the JS array `value`. Nothing is reserved from its
    /// `length`: a sparse array fails at its first hole.
    ///
    /// # Safety
    /// `value` must be a live array of `self.env`.
    unsafe fn array(
        &mut self,
        value: sys::napi_value,
        path: &Path,
        depth: usize,
    ) -> Result<Value, Refused> {
        let env = self.env;
        let mut len = 0u32;
        // SAFETY: a live array.
        check_status!(unsafe { sys::napi_get_array_length(env, value, &mut len) })?;
        let mut out = Vec::new();
        for i in 0..len {
            let mut element = std::ptr::null_mut();
            // SAFETY: as above.
            check_status!(unsafe { sys::napi_get_element(env, value, i, &mut element) })?;
            // SAFETY: a live value of this env.
            out.push(unsafe { self.read(element, &path.index(i), depth + 1) }?);
        }
        Ok(Value::Array(out))
    }

    /// The own enumerable string-keyed properties of the JS object `value`
    /// (those `JSON.stringify` writes); a property holding `undefined` is
    /// left out.
    ///
    /// # Safety
    /// `value` must be a live object of `self.env`.
    unsafe fn object(
        &mut self,
        value: sys::napi_value,
        path: &Path,
        depth: usize,
    ) -> Result<Value, Refused> {
        let env = self.env;
        let mut keys = std::ptr::null_mut();
        // SAFETY: a live object.
        check_status!(unsafe {
            sys::napi_get_all_property_names(
                env,
                value,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut keys,
            )
        })?;
        let mut len = 0u32;
        // SAFETY: napi returned an array.
        check_status!(unsafe { sys::napi_get_array_length(env, keys, &mut len) })?;
        let mut out = Map::new();
        for i in 0..len {
            let mut key = std::ptr::null_mut();
            let mut property = std::ptr::null_mut();
            // SAFETY: live handles of this env; the keys are strings.
            check_status!(unsafe { sys::napi_get_element(env, keys, i, &mut key) })?;
            let name = unsafe { String::from_napi_value(env, key) }?;
            check_status!(unsafe { sys::napi_get_property(env, value, key, &mut property) })?;
            // SAFETY: a live value of this env.
            let kind = unsafe { Unknown::from_raw_unchecked(env, property) }.get_type()?;
            if kind == ValueType::Undefined {
                continue;
            }
            // SAFETY: as above.
            let item = unsafe { self.read(property, &path.key(&name), depth + 1) }?;
            out.insert(name, item);
        }
        Ok(Value::Object(out))
    }
}

/// A finite JS number as JSON: a whole number within the safe integers as
/// an integer (`2`, not `2.0`, which core would refuse for a count), any
/// other as a float; `None` for `NaN` and the infinities.
fn json_number(n: f64) -> Option<Number> {
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if n.is_finite() && n.fract() == 0.0 && n.abs() <= MAX_SAFE {
        Some(Number::from(n as i64))
    } else {
        Number::from_f64(n)
    }
}

#[cfg(test)]
mod tests {
    use super::{Path, json_number};

    #[test]
    fn numbers_keep_integers_integral() {
        assert_eq!(json_number(2.0).map(|n| n.to_string()), Some("2".into()));
        assert_eq!(json_number(-0.0).map(|n| n.to_string()), Some("0".into()));
        assert_eq!(json_number(2.5).map(|n| n.to_string()), Some("2.5".into()));
        assert_eq!(json_number(1e300).and_then(|n| n.as_f64()), Some(1e300));
        assert!(json_number(f64::NAN).is_none());
        assert!(json_number(f64::INFINITY).is_none());
    }

    #[test]
    fn paths_are_written_as_core_writes_them() {
        let p = Path::root().key("all").index(1).key("events");
        assert_eq!(p.text, "rule.all[1].events");
        // A key that is not a plain name stops the path at its parent.
        let odd = p.key("x\u{202e}y").key("kind").index(0);
        assert_eq!(odd.text, "rule.all[1].events");
        assert_eq!(Path::root().key(&"k".repeat(65)).text, "rule");
        assert_eq!(Path::root().key("").text, "rule");
    }
}
