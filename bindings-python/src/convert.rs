//! Argument conversions shared by every module: timezone-aware datetimes,
//! the closed string sets of core (departments, platforms, permissions) and
//! readable `__repr__`s.

use std::str::FromStr;

use brandrail::Error;
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDateTime, PyDict, PyTzInfo};

use crate::error::{IntoPyResult, invalid};

/// A timezone-aware `datetime` as a UTC instant. A naive datetime is refused
/// with a `ValidationError` naming `field`: guessing its zone would move
/// deadlines and idle times by hours.
pub(crate) fn utc(value: &Bound<'_, PyAny>, field: &str) -> PyResult<DateTime<Utc>> {
    let py = value.py();
    let Ok(dt) = value.cast::<PyDateTime>() else {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected a timezone-aware datetime.datetime, got {}",
            value.get_type().name()?
        )));
    };
    // Python's own definition of "aware": a tzinfo whose utcoffset() is not None.
    if dt.call_method0("utcoffset")?.is_none() {
        return Err(invalid(
            field,
            "is a naive datetime; pass a timezone-aware one (e.g. datetime.now(timezone.utc))",
        ))
        .into_pyresult();
    }
    dt.call_method1("astimezone", (PyTzInfo::utc(py)?,))?
        .extract::<DateTime<Utc>>()
}

/// As [`utc`], for an optional argument.
pub(crate) fn opt_utc(
    value: Option<&Bound<'_, PyAny>>,
    field: &str,
) -> PyResult<Option<DateTime<Utc>>> {
    value.map(|v| utc(v, field)).transpose()
}

/// Parse one of core's closed string sets (department, platform, permission).
/// Core's error lists the allowed values; it is re-labelled with the Python
/// parameter's name (`owner_department`, `principals[2].department`).
pub(crate) fn parse<T: FromStr<Err = Error>>(value: &str, field: &str) -> brandrail::Result<T> {
    value.parse().map_err(|e| match e {
        Error::Validation { message, .. } => invalid(field, message),
        other => other,
    })
}

/// `Name(key=repr(value), ...)` for the given keys of a record's `to_dict()`.
pub(crate) fn repr(name: &str, fields: &Bound<'_, PyDict>, keys: &[&str]) -> PyResult<String> {
    let mut parts = Vec::with_capacity(keys.len());
    for key in keys {
        let value = fields.get_item(key)?.map_or_else(
            || Ok("None".to_owned()),
            |v| v.repr().map(|r| r.to_string()),
        )?;
        parts.push(format!("{key}={value}"));
    }
    Ok(format!("{name}({})", parts.join(", ")))
}
