//! Argument conversions shared by every module: typed extraction that names
//! the argument, dict arguments, timezone-aware datetimes, calendar dates,
//! whole and real numbers, exact decimals, string and id lists, the closed
//! string sets of core (departments, platforms, permissions, subject kinds),
//! readable `__repr__`s, pandas-ready columns and (pandas being optional)
//! DataFrames.

use std::str::FromStr;

use brandrail::Error;
use brandrail::money::{self, Decimal};
use chrono::{DateTime, NaiveDate, Utc};
use pyo3::exceptions::{PyImportError, PyTypeError, PyUnicodeEncodeError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{
    PyBool, PyBytes, PyDate, PyDateTime, PyDict, PyFloat, PyInt, PyList, PyString, PyType, PyTzInfo,
};

use crate::error::{IntoPyResult, invalid};

/// Extract `value` as `T`; a type error names the argument it came from.
pub(crate) fn extract_at<'py, T: FromPyObjectOwned<'py>>(
    value: &Bound<'py, PyAny>,
    at: &str,
) -> PyResult<T> {
    value
        .extract::<T>()
        .map_err(|e| label(value.py(), e.into(), at))
}

/// `err` with the argument it came from named: a `TypeError` prefixed with
/// `at`, a `UnicodeEncodeError` (a `str` with a lone surrogate, which is not
/// text Rust can hold) with `at` after its reason, its class and attributes
/// kept.
fn label(py: Python<'_>, err: PyErr, at: &str) -> PyErr {
    if err.is_instance_of::<PyTypeError>(py) {
        return PyTypeError::new_err(format!("{at}: {}", err.value(py)));
    }
    if !err.is_instance_of::<PyUnicodeEncodeError>(py) {
        return err;
    }
    let e = err.value(py);
    let rebuilt = || -> PyResult<PyErr> {
        let reason: String = e.getattr("reason")?.extract()?;
        let args = (
            e.getattr("encoding")?,
            e.getattr("object")?,
            e.getattr("start")?,
            e.getattr("end")?,
            format!("{reason} (in {at})"),
        );
        let class = py.get_type::<PyUnicodeEncodeError>();
        Ok(PyErr::from_value(class.call1(args)?))
    };
    rebuilt().unwrap_or(err)
}

/// `at.name`, or `name` when `at` is empty (a constructor's own argument).
pub(crate) fn path(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_owned()
    } else {
        format!("{at}.{name}")
    }
}

/// The entries of a dict argument, each with its key as a `str`; anything
/// else than a dict raises `TypeError` naming `at` and `expected`.
pub(crate) fn dict_items<'py>(
    value: &Bound<'py, PyAny>,
    at: &str,
    expected: &str,
) -> PyResult<Vec<(String, Bound<'py, PyAny>)>> {
    let Ok(dict) = value.cast::<PyDict>() else {
        return Err(PyTypeError::new_err(format!(
            "{at}: expected {expected}, got {}",
            value.get_type().name()?
        )));
    };
    dict.iter()
        .map(|(k, v)| Ok((extract_at::<String>(&k, &format!("{at} key"))?, v)))
        .collect()
}

/// A required key `name` of the dict `at` is absent.
pub(crate) fn missing(at: &str, name: &str) -> PyErr {
    PyTypeError::new_err(format!("{}: missing", path(at, name)))
}

/// The dict `at` has a key outside `allowed`.
pub(crate) fn unexpected(at: &str, key: &str, allowed: &str) -> PyErr {
    // The key is the caller's text: never echo a huge one.
    let shown: String = key.chars().take(40).collect();
    PyTypeError::new_err(format!(
        "{at}: unexpected key {shown:?} (expected {allowed})"
    ))
}

/// The strings of any iterable of `str`. A lone `str` (or `bytes`) is
/// refused: iterating it would silently yield its characters. An item that
/// is not a `str` raises naming its index (`field[3]`).
pub(crate) fn strings(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<String>> {
    let py = value.py();
    let text = value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>();
    match value.try_iter() {
        Ok(items) if !text => items
            .enumerate()
            .map(|(i, item)| {
                // The label is only formatted for a failure: batches run to
                // hundreds of thousands of items.
                item?
                    .extract::<String>()
                    .map_err(|e| label(py, e, &format!("{field}[{i}]")))
            })
            .collect(),
        _ => Err(PyTypeError::new_err(format!(
            "{field}: expected an iterable of str, got {}",
            value.get_type().name()?
        ))),
    }
}

/// The ids of any iterable of `int` (a `str`, `bytes` or `bool` is refused
/// with `TypeError`, an item naming its index: `assets[2]`). An int beyond
/// 64 bits raises `ValidationError` naming the item.
pub(crate) fn ids(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Vec<i64>> {
    let text = value.is_instance_of::<PyString>() || value.is_instance_of::<PyBytes>();
    match value.try_iter() {
        Ok(items) if !text => items
            .enumerate()
            .map(|(i, item)| whole::<i64>(&item?, &format!("{field}[{i}]")))
            .collect(),
        _ => Err(PyTypeError::new_err(format!(
            "{field}: expected an iterable of int, got {}",
            value.get_type().name()?
        ))),
    }
}

/// A whole number as `T`. Only an `int` is accepted (a `bool`, `float` or
/// `str` raises `TypeError` naming `field`); one outside `T`'s range (a
/// negative count, a 100-digit number) raises `ValidationError` naming
/// `field`, as core does for a value outside its own bounds.
pub(crate) fn whole<'py, T: FromPyObjectOwned<'py>>(
    value: &Bound<'py, PyAny>,
    field: &str,
) -> PyResult<T> {
    if value.is_instance_of::<PyBool>() || !value.is_instance_of::<PyInt>() {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected an int, got {}",
            value.get_type().name()?
        )));
    }
    value
        .extract::<T>()
        .map_err(|_| invalid(field, "is out of range"))
        .into_pyresult()
}

/// As [`whole`], for an optional argument (`None` is absent).
pub(crate) fn opt_whole<'py, T: FromPyObjectOwned<'py>>(
    value: Option<&Bound<'py, PyAny>>,
    field: &str,
) -> PyResult<Option<T>> {
    value
        .filter(|v| !v.is_none())
        .map(|v| whole(v, field))
        .transpose()
}

/// A real number: a `float` or an `int` (not a `bool`, a `str` or a
/// `Decimal`, which raise `TypeError` naming `field`). NaN and infinities
/// pass; core refuses them where they make no sense.
pub(crate) fn real(value: &Bound<'_, PyAny>, field: &str) -> PyResult<f64> {
    let number = value.is_instance_of::<PyFloat>()
        || (value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>());
    if !number {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected a float, got {}",
            value.get_type().name()?
        )));
    }
    // Only an int too large for a float fails here (OverflowError): a number
    // out of range, like those core refuses.
    value
        .extract::<f64>()
        .map_err(|_| invalid(field, "is out of range"))
        .into_pyresult()
}

/// A calendar day: a `datetime.date`. A `datetime.datetime` (a subclass of
/// `date`) is refused with `TypeError`: dropping its time and zone silently
/// could move it to another day.
pub(crate) fn date(value: &Bound<'_, PyAny>, field: &str) -> PyResult<NaiveDate> {
    if value.is_instance_of::<PyDateTime>() || !value.is_instance_of::<PyDate>() {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected a datetime.date, got {}",
            value.get_type().name()?
        )));
    }
    value.extract::<NaiveDate>()
}

/// `decimal.Decimal`, imported once per interpreter.
static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// The largest exponent a `decimal.Decimal` is written out in fixed-point
/// notation for: `Decimal('1E+999999999')` would otherwise become a gigabyte
/// of zeros before core refuses it. Beyond it the scientific form is passed
/// on, which core refuses just the same. Python limits `str(int)` to the same
/// number of digits for the same reason.
const MAX_FIXED_POINT_EXPONENT: u64 = 4300;

/// Money as core's exact decimal. Core's `money::parse_amount` decides what
/// is an amount, as in every other language; this only turns the Python
/// value into its text: a `str` as it is, a `decimal.Decimal` (or an `int`,
/// through one) in fixed-point notation, since `str()` may use an exponent
/// (`Decimal('1E+3')`, the result of `normalize()`, is 1000). A `float` is
/// refused with `TypeError` (binary fractions are not exact money), as is a
/// `bool`; text core refuses raises `ValidationError` naming `field`, without
/// echoing the value.
pub(crate) fn decimal(value: &Bound<'_, PyAny>, field: &str) -> PyResult<Decimal> {
    let text = money_text(value, field)?;
    money::parse_amount(field, &text).into_pyresult()
}

/// Whether `value` is a `decimal.Decimal`.
pub(crate) fn is_decimal(value: &Bound<'_, PyAny>) -> PyResult<bool> {
    value.is_instance(DECIMAL.import(value.py(), "decimal", "Decimal")?)
}

/// The text of money given as [`decimal`] takes it, not yet parsed: for a
/// batch, where core reports text it refuses as a row error. A `float` or a
/// `bool` raises `TypeError` naming `field`.
pub(crate) fn money_text(value: &Bound<'_, PyAny>, field: &str) -> PyResult<String> {
    let py = value.py();
    let decimal_type = DECIMAL.import(py, "decimal", "Decimal")?;
    let text: String = if value.is_instance_of::<PyString>() {
        extract_at(value, field)?
    } else if value.is_instance_of::<PyInt>() && !value.is_instance_of::<PyBool>() {
        // Through `Decimal`: `str()` of an int over 4300 digits raises.
        decimal_text(&decimal_type.call1((value,))?)?
    } else if value.is_instance(decimal_type)? {
        decimal_text(value)?
    } else {
        return Err(PyTypeError::new_err(format!(
            "{field}: expected a decimal.Decimal, str or int, got {}",
            value.get_type().name()?
        )));
    };
    Ok(text)
}

/// A `decimal.Decimal` as text: fixed-point when finite and of a sane
/// exponent, else `str()` ('NaN', 'Infinity', '1E+5000'), which core refuses.
fn decimal_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    let exponent = value.call_method0("as_tuple")?.getattr("exponent")?;
    // The exponent of NaN and infinities is a letter ('n', 'N', 'F').
    let fixed_point = exponent
        .extract::<i64>()
        .is_ok_and(|e| e.unsigned_abs() <= MAX_FIXED_POINT_EXPONENT);
    let text = if fixed_point {
        value.call_method1("__format__", ("f",))?
    } else {
        value.str()?.into_any()
    };
    text.extract()
}

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

/// A dict of equally long lists, `keys[i]` → the i-th value of every row,
/// ready for `pandas.DataFrame(...)`.
pub(crate) fn columns<'py, const N: usize>(
    py: Python<'py>,
    keys: &[&str; N],
    rows: impl IntoIterator<Item = PyResult<[Bound<'py, PyAny>; N]>>,
) -> PyResult<Bound<'py, PyDict>> {
    let lists: [Bound<'py, PyList>; N] = std::array::from_fn(|_| PyList::empty(py));
    for row in rows {
        for (list, value) in lists.iter().zip(row?) {
            list.append(value)?;
        }
    }
    let d = PyDict::new(py);
    for (key, list) in keys.iter().zip(lists) {
        d.set_item(key, list)?;
    }
    Ok(d)
}

/// pandas, imported for `method` (a `*_frame` method): pandas is optional,
/// so its absence raises `ImportError` naming it and the method, before the
/// engine is called.
pub(crate) fn pandas<'py>(py: Python<'py>, method: &str) -> PyResult<Bound<'py, PyModule>> {
    py.import("pandas").map_err(|err| {
        if !err.is_instance_of::<PyImportError>(py) {
            return err;
        }
        let missing = PyImportError::new_err(format!(
            "{method} needs pandas, which is not installed (pip install pandas)"
        ));
        missing.set_cause(py, Some(err));
        missing
    })
}

/// `pandas.DataFrame(columns)` with the given column types (`"int64"`, ...),
/// so an empty frame has the same types as a full one.
pub(crate) fn frame<'py>(
    pandas: &Bound<'py, PyModule>,
    columns: &Bound<'py, PyDict>,
    types: &[(&str, &str)],
) -> PyResult<Bound<'py, PyAny>> {
    let py = pandas.py();
    let frame = pandas.getattr("DataFrame")?.call1((columns,))?;
    let types_dict = PyDict::new(py);
    for (column, ty) in types {
        types_dict.set_item(column, ty)?;
    }
    frame.call_method1("astype", (types_dict,))
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
