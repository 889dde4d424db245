//! Conversions every module shares: JS `Date`s, calendar days as
//! `'YYYY-MM-DD'` strings, JS numbers that must be whole, counters given as a
//! number or a `BigInt`, money as decimal strings (parsed by core's
//! `money::parse_amount`, so every language refuses the same strings), and the
//! names of core's closed sets (departments, platforms, permissions, approval
//! states).

use std::collections::BTreeMap;
use std::str::FromStr;

use brandrail::money::Decimal;
use chrono::{DateTime, NaiveDate, Utc};
use napi::bindgen_prelude::{
    Array, FromNapiValue, ToNapiValue, TypeName, Unknown, ValidateNapiValue,
};
use napi::{Env, JsDate, JsValue, Status, ValueType, check_status, sys};

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

/// A plain JS object nested in an input object (`ContentText.details`,
/// `NewAsset.authorization`), converted to `T`. napi-rs checks the type of
/// an argument, but reads a nested field of the wrong type (`'x'`, `30`,
/// `[]`) as an object without properties; this refuses it instead (declare
/// the field with `ts_type`).
pub struct Nested<T>(pub T);

impl<T: FromNapiValue> FromNapiValue for Nested<T> {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        let unknown = unsafe { Unknown::from_napi_value(env, value) }?;
        let kind = unknown.get_type()?;
        if kind != ValueType::Object || unknown.is_array()? {
            let got = if kind == ValueType::Object {
                "an array"
            } else {
                type_name(kind)
            };
            return Err(napi::Error::new(
                Status::ObjectExpected,
                format!("expected an object, got {got}"),
            ));
        }
        // SAFETY: as above; checked to be an object.
        unsafe { T::from_napi_value(env, value) }.map(Nested)
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

/// A calendar day given as `field`: exactly `'YYYY-MM-DD'` (four-digit year,
/// two-digit month and day) naming a real day, e.g. `'2026-11-04'`.
pub(crate) fn day(field: &str, text: &str) -> brandrail::Result<NaiveDate> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
    let parsed = shaped
        .then(|| {
            let n = |r: std::ops::Range<usize>| text[r].parse::<u32>().ok();
            NaiveDate::from_ymd_opt(i32::try_from(n(0..4)?).ok()?, n(5..7)?, n(8..10)?)
        })
        .flatten();
    parsed.ok_or_else(|| invalid(field, "must be a date written YYYY-MM-DD, e.g. 2026-11-04"))
}

/// A calendar day as JS receives it: `'YYYY-MM-DD'`.
pub(crate) fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A counter given as a JS number or a `BigInt` (`impressions`, `clicks`):
/// read as passed, checked by [`Count::to_u64`], which knows the field. Any
/// other type throws `'InvalidArg'` before the engine is reached.
#[derive(Debug, Clone, Copy)]
pub enum Count {
    /// A JS number, not yet checked to be whole.
    Number(f64),
    /// A `BigInt`: negative or not, and its value when it fits in 64 bits.
    BigInt {
        /// Below zero.
        negative: bool,
        /// The magnitude, or `None` beyond 64 bits.
        magnitude: Option<u64>,
    },
}

impl Count {
    /// The count, or a validation error naming `field` for a negative number,
    /// a fraction, `NaN`, an unsafe integer or a `BigInt` beyond 64 bits.
    pub(crate) fn to_u64(self, field: &str) -> brandrail::Result<u64> {
        match self {
            Count::Number(n) => {
                let n: i64 = whole(field, n)?;
                u64::try_from(n).map_err(|_| invalid(field, format!("{n} is negative")))
            }
            Count::BigInt { negative: true, .. } => Err(invalid(field, "is negative")),
            Count::BigInt {
                magnitude: None, ..
            } => Err(invalid(field, "is out of range (more than 64 bits)")),
            Count::BigInt {
                magnitude: Some(n), ..
            } => Ok(n),
        }
    }
}

impl TypeName for Count {
    fn type_name() -> &'static str {
        "number | bigint"
    }

    fn value_type() -> ValueType {
        ValueType::Number
    }
}

impl ValidateNapiValue for Count {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `from_napi_value` checks the type and names what was passed instead.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for Count {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        let unknown = unsafe { Unknown::from_napi_value(env, value) }?;
        match unknown.get_type()? {
            ValueType::Number => {
                // SAFETY: as above; checked to be a number.
                unsafe { f64::from_napi_value(env, value) }.map(Count::Number)
            }
            ValueType::BigInt => {
                // One word is all a u64 needs: napi writes at most `count`
                // words and then sets `count` to the number the value takes,
                // so a huge BigInt is never copied.
                let mut sign = 0;
                let mut count = 1usize;
                let mut word = 0u64;
                // SAFETY: `word` has room for the one word asked for.
                check_status!(unsafe {
                    sys::napi_get_value_bigint_words(env, value, &mut sign, &mut count, &mut word)
                })?;
                let zero = count == 0 || (count == 1 && word == 0);
                Ok(Count::BigInt {
                    negative: sign == 1 && !zero,
                    magnitude: (count <= 1).then_some(if count == 0 { 0 } else { word }),
                })
            }
            other => Err(napi::Error::new(
                Status::InvalidArg,
                format!("expected a number or a bigint, got {}", type_name(other)),
            )),
        }
    }
}

/// A value's type as `typeof` would name it, for messages.
pub(crate) fn type_name(kind: ValueType) -> &'static str {
    match kind {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::BigInt => "bigint",
        _ => "a value of another kind",
    }
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

/// The elements of the JS array `value`, each read by `element` from its
/// index and value (`None` for a hole). Not an array throws `ArrayExpected`
/// ("`what`: expected `expected`, got …"). Nothing is reserved from the
/// array's `length`, so a sparse `new Array(2 ** 32 - 1)` fails at its first
/// hole instead of allocating for four billion elements.
///
/// # Safety
/// `value` must be a live value of `env` (as napi-rs hands it over).
pub(crate) unsafe fn array_elements<T>(
    env: sys::napi_env,
    value: sys::napi_value,
    what: &str,
    expected: &str,
    mut element: impl FnMut(u32, Option<Unknown<'_>>) -> napi::Result<T>,
) -> napi::Result<Vec<T>> {
    // SAFETY: the caller hands a live value of this env.
    let unknown = unsafe { Unknown::from_napi_value(env, value) }?;
    if !unknown.is_array()? {
        return Err(napi::Error::new(
            Status::ArrayExpected,
            format!(
                "{what}: expected {expected}, got {}",
                type_name(unknown.get_type()?)
            ),
        ));
    }
    // SAFETY: as above; checked to be an array.
    let array = unsafe { Array::from_napi_value(env, value) }?;
    let mut out = Vec::new();
    for i in 0..array.len() {
        out.push(element(i, array.get::<Unknown>(i)?)?);
    }
    Ok(out)
}

/// A JS array whose every element is of type `want` (`'a string'`, `'a
/// number'` in `noun`), read element by element: not an array throws
/// `ArrayExpected`, an element of another type (a hole included) throws
/// `status` naming `what[i]`.
///
/// # Safety
/// `value` must be a live value of `env` (as napi-rs hands it over).
pub(crate) unsafe fn read_array<T: FromNapiValue>(
    env: sys::napi_env,
    value: sys::napi_value,
    what: &str,
    want: ValueType,
    status: Status,
    noun: &str,
) -> napi::Result<Vec<T>> {
    let expected = format!("an array of {noun}s");
    // SAFETY: the caller's handles.
    unsafe {
        array_elements(env, value, what, &expected, |i, element| {
            let kind = match &element {
                Some(e) => e.get_type()?,
                None => ValueType::Undefined,
            };
            match element {
                // SAFETY: a live value of this env, of the type asked for.
                Some(e) if kind == want => T::from_napi_value(env, e.raw()),
                _ => Err(napi::Error::new(
                    status,
                    format!("{what}[{i}]: expected a {noun}, got {}", type_name(kind)),
                )),
            }
        })
    }
}
