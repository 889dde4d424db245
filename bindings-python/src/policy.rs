//! The policy document (core `policy`): the `Policy` and `PolicyVersion`
//! classes, dict conversion both ways, and the Engine's policy methods.

use std::sync::Arc;

use brandrail::{Policy, PolicyVersion};
use chrono::{DateTime, Utc};
use pyo3::exceptions::{PyKeyError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::Value;

use crate::convert::repr;
use crate::engine::PyEngine;
use crate::error::{IntoPyResult, invalid};

/// A JSON value as the equivalent Python object (dict, list, str, int, float,
/// bool, None).
fn json_to_py<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            (None, None) => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_py(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_py(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

/// A Python value as JSON for the policy parser. `decimal.Decimal` becomes its
/// exact string (how money fields are written); `path` names the value in errors.
fn py_to_json(value: &Bound<'_, PyAny>, path: &str) -> PyResult<Value> {
    let py = value.py();
    let at = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    if value.is_none() {
        Ok(Value::Null)
    } else if let Ok(b) = value.cast::<PyBool>() {
        Ok(Value::Bool(b.is_true()))
    } else if value.is_instance_of::<PyInt>() {
        if let Ok(i) = value.extract::<i64>() {
            Ok(i.into())
        } else if let Ok(u) = value.extract::<u64>() {
            Ok(u.into())
        } else {
            Err(invalid(path, "is an integer out of range")).into_pyresult()
        }
    } else if let Ok(f) = value.cast::<PyFloat>() {
        serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| invalid(path, "is not a finite number"))
            .into_pyresult()
    } else if let Ok(s) = value.cast::<PyString>() {
        Ok(Value::String(s.extract::<String>()?))
    } else if let Ok(dict) = value.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, v) in dict.iter() {
            let Ok(key) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!(
                    "{path}: policy keys must be str, got {}",
                    k.get_type().name()?
                )));
            };
            let key: String = key.extract()?;
            let converted = py_to_json(&v, &at(&key))?;
            map.insert(key, converted);
        }
        Ok(Value::Object(map))
    } else if value.is_instance_of::<PyList>() || value.is_instance_of::<PyTuple>() {
        value
            .try_iter()?
            .enumerate()
            .map(|(i, item)| py_to_json(&item?, &format!("{path}[{i}]")))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array)
    } else if value.is_instance(&py.import("decimal")?.getattr("Decimal")?)? {
        Ok(Value::String(value.str()?.extract::<String>()?))
    } else {
        Err(PyTypeError::new_err(format!(
            "{}: cannot use a {} in a policy document",
            if path.is_empty() { "policy" } else { path },
            value.get_type().name()?
        )))
    }
}

/// A policy document as a dict argument.
fn dict_arg(value: &Bound<'_, PyAny>) -> PyResult<Value> {
    if !value.is_instance_of::<PyDict>() {
        return Err(PyTypeError::new_err(format!(
            "expected a dict, got {}",
            value.get_type().name()?
        )));
    }
    py_to_json(value, "")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A company's whole governance policy: every number of the rule book as
/// validated data. Immutable; the `overlay*` methods return a new Policy.
///
/// Build one from the shipped default pack, TOML, JSON or a dict; install it
/// with `Engine.replace_policy`. Every constructor validates and raises
/// ValidationError naming the path of the first bad field
/// ('budget.split.fixed') and the problem. Money fields (e.g.
/// 'crm.community.vip_min_spend') are exact decimals written as strings in
/// JSON and in `to_dict()`; `decimal.Decimal` is accepted on input.
#[pyclass(frozen, eq, module = "brandrail", name = "Policy")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPolicy(Arc<Policy>);

impl From<Policy> for PyPolicy {
    fn from(policy: Policy) -> Self {
        PyPolicy(Arc::new(policy))
    }
}

#[pymethods]
impl PyPolicy {
    /// The shipped default policy pack.
    #[staticmethod]
    fn default() -> Self {
        Policy::default_pack().clone().into()
    }

    /// The shipped default pack as commented TOML: a starting point for a
    /// company's own document.
    #[staticmethod]
    fn default_toml() -> &'static str {
        Policy::default_pack_toml()
    }

    /// Parse and validate a complete policy document in TOML.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        Policy::from_toml(text).into_pyresult().map(Into::into)
    }

    /// Parse and validate a complete policy document in JSON.
    #[staticmethod]
    fn from_json(text: &str) -> PyResult<Self> {
        Policy::from_json(text).into_pyresult().map(Into::into)
    }

    /// Validate a complete policy document given as a dict (e.g. from `to_dict()`).
    #[staticmethod]
    fn from_dict(document: &Bound<'_, PyAny>) -> PyResult<Self> {
        let value = dict_arg(document)?;
        Policy::from_json_value(value)
            .into_pyresult()
            .map(Into::into)
    }

    /// This policy with the fields of the TOML `text` replaced: tables merge key
    /// by key, arrays and values replace. The result is validated.
    fn overlay_toml(&self, text: &str) -> PyResult<Self> {
        self.0.overlay_toml(text).into_pyresult().map(Into::into)
    }

    /// As `overlay_toml`, for a JSON object.
    fn overlay_json(&self, text: &str) -> PyResult<Self> {
        self.0.overlay_json(text).into_pyresult().map(Into::into)
    }

    /// As `overlay_toml`, for a dict such as `{"access": {"zombie_after_months": 3}}`.
    fn overlay(&self, patch: &Bound<'_, PyAny>) -> PyResult<Self> {
        let patch = dict_arg(patch)?;
        self.0
            .overlay_json(&patch.to_string())
            .into_pyresult()
            .map(Into::into)
    }

    /// The document as TOML.
    fn to_toml(&self) -> String {
        self.0.to_toml()
    }

    /// The document as JSON.
    fn to_json(&self) -> String {
        self.0.to_json()
    }

    /// The document as nested dicts and lists; money fields are strings.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_py(py, &self.0.to_json_value())
    }

    /// Every problem with this document as `(path, message)` pairs; empty when
    /// it is valid (which every Policy built by this library is).
    fn problems(&self) -> Vec<(String, String)> {
        self.0
            .problems()
            .into_iter()
            .map(|p| (p.path, p.message))
            .collect()
    }

    /// SHA-256 (hex) of the canonical JSON form; identifies a policy version.
    #[getter]
    fn digest(&self) -> String {
        hex(&self.0.digest())
    }

    /// The value at a dotted path, e.g. `policy["budget.split.fixed"]`
    /// (list items by index: 'scoring.grades.0.grade'). KeyError when absent.
    fn __getitem__<'py>(&self, py: Python<'py>, path: &str) -> PyResult<Bound<'py, PyAny>> {
        let mut value = self.0.to_json_value();
        for part in path.split('.') {
            let next = match &mut value {
                Value::Object(map) => map.remove(part),
                Value::Array(items) => part
                    .parse::<usize>()
                    .ok()
                    .filter(|i| *i < items.len())
                    .map(|i| items.swap_remove(i)),
                _ => None,
            };
            value = next.ok_or_else(|| PyKeyError::new_err(path.to_owned()))?;
        }
        json_to_py(py, &value)
    }

    /// The value at a dotted path, or `default` when absent.
    #[pyo3(signature = (path, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        path: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        match self.__getitem__(py, path) {
            Err(e) if e.is_instance_of::<PyKeyError>(py) => {
                Ok(default.unwrap_or_else(|| py.None().into_bound(py)))
            }
            other => other,
        }
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<PyPolicy>().getattr("from_json")?;
        Ok((from_json, (self.0.to_json(),)))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = PyDict::new(py);
        d.set_item("name", &self.0.meta.name)?;
        d.set_item("revision", &self.0.meta.revision)?;
        d.set_item("digest", self.digest())?;
        repr("Policy", &d, &["name", "revision", "digest"])
    }
}

/// A policy version as installed.
#[pyclass(frozen, eq, module = "brandrail", name = "PolicyVersion")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPolicyVersion(PolicyVersion);

#[pymethods]
impl PyPolicyVersion {
    /// 1 for the first installed policy, then +1 per replacement; 0 is the
    /// built-in default pack, before anything was installed.
    #[getter]
    fn version(&self) -> i64 {
        self.0.version
    }

    /// When it was installed (None for version 0).
    #[getter]
    fn installed_at(&self) -> Option<DateTime<Utc>> {
        self.0.installed_at
    }

    /// Who installed it (None for version 0).
    #[getter]
    fn installed_by(&self) -> Option<&str> {
        self.0.installed_by.as_deref()
    }

    /// SHA-256 (hex) of its canonical JSON; equals `Policy.digest`.
    #[getter]
    fn digest(&self) -> &str {
        &self.0.digest
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("version", self.version())?;
        d.set_item("installed_at", self.installed_at())?;
        d.set_item("installed_by", self.installed_by())?;
        d.set_item("digest", self.digest())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["version", "installed_at", "installed_by", "digest"];
        repr("PolicyVersion", &self.to_dict(py)?, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// The policy in force (the default pack until one is installed).
    fn policy(&self, py: Python<'_>) -> PyResult<PyPolicy> {
        self.call(py, |e| e.policy()).map(PyPolicy)
    }

    /// The version of the policy in force.
    fn policy_version(&self, py: Python<'_>) -> PyResult<PyPolicyVersion> {
        self.call(py, |e| e.policy_version()).map(PyPolicyVersion)
    }

    /// Every installed version, oldest first (empty while the default pack is
    /// in force).
    fn policy_history(&self, py: Python<'_>) -> PyResult<Vec<PyPolicyVersion>> {
        let history = self.call(py, |e| e.policy_history())?;
        Ok(history.into_iter().map(PyPolicyVersion).collect())
    }

    /// Install `policy` as the new version (needs 'policy.replace'). Roles some
    /// principal holds must stay defined (else ConflictError), and some active
    /// principal must still be able to administer accounts (else
    /// PolicyViolationError). Audited with the old and new digests.
    fn replace_policy(
        &self,
        py: Python<'_>,
        actor: String,
        policy: PyRef<'_, PyPolicy>,
    ) -> PyResult<PyPolicyVersion> {
        let policy = policy.0.clone();
        self.call(py, |e| e.replace_policy(&actor, &policy))
            .map(PyPolicyVersion)
    }
}

/// Add the classes of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()?;
    m.add_class::<PyPolicyVersion>()?;
    Ok(())
}
