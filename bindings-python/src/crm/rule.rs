//! Segment rules as data (core `crm/rule.rs`, CRM-4): a rule crosses as a
//! plain `dict` (or its JSON text) and comes back as a `dict`, plus the
//! `LIFECYCLE_STAGES` and `COMMUNITY_TIERS` value sets.
//!
//! A dict is turned into JSON here and parsed by core's `Rule::from_json`, so
//! core names the path at fault (`rule.events.kind`) exactly as in every other
//! language. What cannot be JSON (a set, bytes, a datetime, a NaN, a key that
//! is not a `str`, nesting without end) is a `ValidationError` naming its path
//! under `rule` before core is asked; a `decimal.Decimal` (a spend amount)
//! crosses as its exact text. Anything but a dict or a `str` for the whole rule
//! raises `TypeError`.

use brandrail::crm::{Rule, Stage, Tier};
use pyo3::exceptions::{PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::convert::{extract_at, is_decimal, money_text};
use crate::error::{IntoPyResult, invalid};

/// Deepest nesting of dicts and lists accepted in a rule: far more than core
/// accepts (8 groups), far less than would exhaust the stack of a
/// self-referencing dict.
const MAX_NESTING: usize = 64;

/// A dict key as part of a path: at most 40 characters, control and
/// invisible characters escaped (the key is the caller's text).
fn shown(key: &str) -> String {
    let short: String = key.chars().take(40).collect();
    short.escape_debug().to_string()
}

/// `value` (any part of a rule, at path `at`) as JSON.
fn json_of(value: &Bound<'_, PyAny>, at: &str, depth: usize) -> PyResult<Value> {
    if depth > MAX_NESTING {
        return Err(invalid(
            at,
            format!("nested deeper than {MAX_NESTING} levels"),
        ))
        .into_pyresult();
    }
    if value.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(b) = value.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if value.is_instance_of::<PyInt>() {
        if let Ok(n) = value.extract::<i64>() {
            return Ok(Value::from(n));
        }
        return match value.extract::<u64>() {
            Ok(n) => Ok(Value::from(n)),
            Err(_) => Err(invalid(at, "is out of range")).into_pyresult(),
        };
    }
    if value.is_instance_of::<PyFloat>() {
        let f: f64 = value.extract()?;
        return Number::from_f64(f)
            .map(Value::Number)
            .ok_or_else(|| invalid(at, "is not a finite number"))
            .into_pyresult();
    }
    if value.is_instance_of::<PyString>() {
        return extract_at::<String>(value, at).map(Value::String);
    }
    if is_decimal(value)? {
        return money_text(value, at).map(Value::String);
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = Map::new();
        for (k, v) in dict.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(invalid(at, "keys must be str")).into_pyresult();
            };
            let key = extract_at::<String>(key, &format!("{at} key"))?;
            let here = format!("{at}.{}", shown(&key));
            map.insert(key, json_of(&v, &here, depth + 1)?);
        }
        return Ok(Value::Object(map));
    }
    if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        return value
            .try_iter()?
            .enumerate()
            .map(|(i, item)| json_of(&item?, &format!("{at}[{i}]"), depth + 1))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    Err(invalid(
        at,
        format!(
            "a {} is not rule data (use dict, list, str, int, float, bool, None or Decimal)",
            value.get_type().name()?
        ),
    ))
    .into_pyresult()
}

/// A rule argument: a `dict` (checked and turned into JSON here) or JSON
/// text, parsed by core. Errors: `TypeError` for anything else, otherwise
/// `ValidationError` whose `field` is the path at fault, starting `rule`.
pub(crate) fn rule_arg(value: &Bound<'_, PyAny>) -> PyResult<Rule> {
    let text = if value.is_instance_of::<PyString>() {
        extract_at::<String>(value, "rule")?
    } else if value.is_instance_of::<PyDict>() {
        json_of(value, "rule", 0)?.to_string()
    } else {
        return Err(PyTypeError::new_err(format!(
            "rule: expected a dict or its JSON text (str), got {}",
            value.get_type().name()?
        )));
    };
    Rule::from_json(&text).into_pyresult()
}

/// A JSON value as plain Python data (dicts, lists, str, int, float, bool,
/// None).
fn py_of<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(py_of(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, v) in map {
                d.set_item(k, py_of(py, v)?)?;
            }
            d.into_any()
        }
    })
}

/// A rule as a plain dict, in core's JSON form (accepted back by every call
/// that takes a rule).
pub(crate) fn rule_dict<'py>(py: Python<'py>, rule: &Rule) -> PyResult<Bound<'py, PyAny>> {
    let value: Value = serde_json::from_str(&rule.to_json())
        .map_err(|e| PyRuntimeError::new_err(format!("rule: {e}")))?;
    py_of(py, &value)
}

/// Add the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add(
        "LIFECYCLE_STAGES",
        PyTuple::new(py, Stage::ALL.iter().map(|s| s.as_str()))?,
    )?;
    m.add(
        "COMMUNITY_TIERS",
        PyTuple::new(py, Tier::ALL.iter().map(|t| t.as_str()))?,
    )?;
    Ok(())
}
