//! Conversions every module shares: JS `Date`s, JS numbers that must be whole,
//! money as decimal strings (parsed by core's `money::parse_amount`, so every
//! language refuses the same strings), and the names of core's closed sets
//! (departments, platforms, permissions, approval states).

use std::collections::BTreeMap;
use std::str::FromStr;

use brandrail::money::Decimal;
use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{FromNapiValue, ToNapiValue, TypeName, Unknown, ValidateNapiValue};
use napi::{Env, JsDate, JsValue, Status, ValueType, sys};

use crate::error::invalid;

/// A JS `Date` as it crosses the boundary: milliseconds since the Unix epoch,
/// UTC. Named `Date` so the generated TypeScript says `Date`. An `Invalid Date`
/// is let through here and refused by [`Date::to_utc`], which knows the field.
#[derive(Debug, Clone, Copy)]
pub struct Date(f64);

impl Date {
    /// The instant, or a validation error naming `field` for an `Invalid Date`.
    pub(crate) fn to_utc(self, field: &str) -> brandrail::Result<DateTime<Utc>> {
        let ms = self.0;
        if !ms.is_finite() {
            return Err(invalid(field, "is an Invalid Date"));
        }
        // JS Dates are whole milliseconds within ±8.64e15, which chrono covers.
        DateTime::from_timestamp_millis(ms as i64)
            .ok_or_else(|| invalid(field, "is outside the supported range of dates"))
    }
}

impl From<DateTime<Utc>> for Date {
    fn from(t: DateTime<Utc>) -> Self {
        Date(t.timestamp_millis() as f64)
    }
}

impl TypeName for Date {
    fn type_name() -> &'static str {
        "Date"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Date {}

impl FromNapiValue for Date {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        let date = unsafe { JsDate::from_napi_value(env, value) }?;
        // napi_get_date_value refuses anything that is not a Date.
        date.value_of()
            .map(Date)
            .map_err(|_| napi::Error::new(Status::DateExpected, "expected a Date"))
    }
}

impl ToNapiValue for Date {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> napi::Result<sys::napi_value> {
        Ok(Env::from_raw(env).create_date(value.0)?.raw())
    }
}

/// A plain JS object of string values, `Record<string, string>` (declare the
/// field with `ts_type`). napi-rs alone would read a string or an array as an
/// object of its indexes (`'ab'` as `{ 0: 'a', 1: 'b' }`); both are refused.
pub struct StringMap(pub BTreeMap<String, String>);

impl FromNapiValue for StringMap {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        let unknown = unsafe { Unknown::from_napi_value(env, value) }?;
        if unknown.get_type()? != ValueType::Object || unknown.is_array()? {
            return Err(napi::Error::new(
                Status::ObjectExpected,
                "expected an object of strings",
            ));
        }
        // SAFETY: as above; checked to be an object.
        unsafe { BTreeMap::from_napi_value(env, value) }.map(StringMap)
    }
}

/// An optional `Date` argument, or `default` when it was left out.
pub(crate) fn utc_or(
    date: Option<Date>,
    field: &str,
    default: impl FnOnce() -> DateTime<Utc>,
) -> brandrail::Result<DateTime<Utc>> {
    date.map_or_else(|| Ok(default()), |d| d.to_utc(field))
}

/// A JS number that must be a whole number within `T`'s range.
pub(crate) fn whole<T: TryFrom<i64>>(field: &str, value: f64) -> brandrail::Result<T> {
    // `Number.MAX_SAFE_INTEGER` (2^53 - 1): from 2^53 on, a JS number no
    // longer names one integer (2^53 + 1 reads as 2^53).
    const MAX_SAFE: f64 = 9_007_199_254_740_991.0;
    if !value.is_finite() || value.fract() != 0.0 || value.abs() > MAX_SAFE {
        return Err(invalid(
            field,
            format!("{value} is not a whole number (a safe integer)"),
        ));
    }
    T::try_from(value as i64).map_err(|_| invalid(field, format!("{value} is out of range")))
}

/// An amount of money as the decimal string JS receives (scale kept: `'1280.50'`).
pub(crate) fn money_text(amount: Decimal) -> String {
    amount.to_string()
}

/// Core values converted one by one into their JS objects.
pub(crate) fn all<T, U: From<T>>(items: Vec<T>) -> Vec<U> {
    items.into_iter().map(U::from).collect()
}

/// A counter or size from core as a JS number (exact up to 2^53).
pub(crate) fn number(n: u64) -> f64 {
    n as f64
}

/// Parse one of core's named values (`'marketing'`, `'douyin'`, `'crm.read'`)
/// given as `field`; core's message lists the allowed values.
pub(crate) fn parse<T: FromStr<Err = brandrail::Error>>(
    field: &str,
    s: &str,
) -> brandrail::Result<T> {
    s.parse().map_err(|e| match e {
        brandrail::Error::Validation { message, .. } => invalid(field, message),
        other => other,
    })
}
