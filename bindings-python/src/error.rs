//! The one mapping of `brandrail::Error` to Python exceptions.
//!
//! `BrandrailError` is the base class; each stable error code of core
//! (`brandrail::Error::CODES`) has exactly one subclass, listed in [`CLASSES`].
//! Where a built-in exception fits, the subclass derives from it too, so
//! `except ValueError` / `except PermissionError` / `except LookupError` /
//! `except OSError` catch brandrail errors as a Python user expects. The
//! classes are built once per interpreter; nothing else in this crate turns a
//! core error into a Python one.

use brandrail::Error;
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyLookupError, PyOSError, PyPermissionError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

create_exception!(
    brandrail,
    BrandrailError,
    PyException,
    "Base class of every error brandrail raises.\n\n\
     `code` is the stable machine code of the error (one of `brandrail.ERROR_CODES`); \
     `str(error)` names the field or entity and the problem, never a personal value. \
     A failed call changed nothing."
);

/// A Python class for one error code.
struct ErrorClass {
    code: &'static str,
    name: &'static str,
    /// A built-in exception the class also derives from.
    builtin: Option<fn(Python<'_>) -> Bound<'_, PyType>>,
    doc: &'static str,
}

/// One row per code of `brandrail::Error::CODES`, in the same order.
const CLASSES: &[ErrorClass] = &[
    ErrorClass {
        code: "permission_denied",
        name: "PermissionDeniedError",
        builtin: Some(|py| py.get_type::<PyPermissionError>()),
        doc: "The acting principal may not do this. The refusal was recorded in the audit \
              log and nothing else changed.\n\n\
              Attributes: `principal` (the actor's handle), `permission` (e.g. \
              'principal.manage'), `reason` ('unknown_principal', 'deactivated', \
              'missing_permission', 'wrong_department', 'not_a_decider', \
              'not_the_submitter' or 'not_cleared').",
    },
    ErrorClass {
        code: "separation_of_duties",
        name: "SeparationOfDutiesError",
        builtin: Some(|py| py.get_type::<PyPermissionError>()),
        doc: "Separation of duties (APR-3): nobody decides on their own submission, approves \
              a stage twice, or fills two stages of one approval unless the workflow allows \
              it. The refusal was recorded in the audit log and nothing else changed.\n\n\
              Attribute: `principal` (the actor's handle).",
    },
    ErrorClass {
        code: "validation",
        name: "ValidationError",
        builtin: Some(|py| py.get_type::<PyValueError>()),
        doc: "An input failed validation.\n\n\
              Attribute: `field`, the path of the offending input ('handle', \
              'principals[3].display_name', 'budget.split.fixed').",
    },
    ErrorClass {
        code: "not_found",
        name: "NotFoundError",
        builtin: Some(|py| py.get_type::<PyLookupError>()),
        doc: "The named entity does not exist.\n\n\
              Attributes: `entity` ('principal', 'media_account', ...) and `id`.",
    },
    ErrorClass {
        code: "conflict",
        name: "ConflictError",
        builtin: None,
        doc: "The request contradicts the current state (a duplicate handle, an operation \
              on a deactivated principal or a retired account, ...).\n\n\
              Attributes: `entity` and `id`.",
    },
    ErrorClass {
        code: "policy_violation",
        name: "PolicyViolationError",
        builtin: None,
        doc: "A governance rule of the policy forbids the request.\n\n\
              Attribute: `rule`, the rule ID (e.g. 'ACC-2').",
    },
    ErrorClass {
        code: "configuration",
        name: "ConfigurationError",
        builtin: None,
        doc: "The engine lacks a setting this call needs, e.g. a `secret_key` to store or \
              reveal a credential or customer data.",
    },
    ErrorClass {
        code: "incompatible_database",
        name: "IncompatibleDatabaseError",
        builtin: None,
        doc: "The file is not a brandrail database, or was written by a newer brandrail. \
              The file was not changed.",
    },
    ErrorClass {
        code: "corrupt",
        name: "CorruptDatabaseError",
        builtin: None,
        doc: "The database file is damaged (truncated or overwritten).",
    },
    ErrorClass {
        code: "integrity",
        name: "IntegrityError",
        builtin: None,
        doc: "A verified artefact (a backup, the audit chain) failed its integrity check; \
              nothing was replaced.\n\n\
              Attribute: `seq`, the first audit sequence number that failed.",
    },
    ErrorClass {
        code: "busy",
        name: "BusyError",
        builtin: None,
        doc: "Another writer held the database longer than the engine's `busy_timeout`. \
              Retrying later is safe.",
    },
    ErrorClass {
        code: "storage",
        name: "StorageError",
        builtin: None,
        doc: "Any other storage failure reported by SQLite.",
    },
    ErrorClass {
        code: "io",
        name: "BrandrailIOError",
        builtin: Some(|py| py.get_type::<PyOSError>()),
        doc: "A file-system operation failed (the message names the path).",
    },
];

/// The classes of [`CLASSES`], built on first use.
static TYPES: PyOnceLock<Vec<Py<PyType>>> = PyOnceLock::new();

fn types(py: Python<'_>) -> PyResult<&'static [Py<PyType>]> {
    TYPES
        .get_or_try_init(py, || {
            let base = py.get_type::<BrandrailError>();
            let make_type = py.get_type::<PyType>();
            CLASSES
                .iter()
                .map(|c| {
                    let bases = match c.builtin {
                        Some(builtin) => PyTuple::new(py, [base.clone(), builtin(py)])?,
                        None => PyTuple::new(py, [base.clone()])?,
                    };
                    let namespace = PyDict::new(py);
                    namespace.set_item("__doc__", c.doc)?;
                    namespace.set_item("__module__", "brandrail")?;
                    namespace.set_item("code", c.code)?;
                    let class = make_type.call1((c.name, bases, namespace))?;
                    Ok(class.cast_into::<PyType>()?.unbind())
                })
                .collect::<PyResult<Vec<_>>>()
        })
        .map(Vec::as_slice)
}

/// The class raised for `code`; the base class for a code this build does not know.
fn class_for<'py>(py: Python<'py>, code: &str) -> PyResult<Bound<'py, PyType>> {
    let types = types(py)?;
    Ok(CLASSES
        .iter()
        .position(|c| c.code == code)
        .and_then(|i| types.get(i))
        .map(|t| t.bind(py).clone())
        .unwrap_or_else(|| py.get_type::<BrandrailError>()))
}

/// The Python exception for a core error: its class by code, its message, and
/// its structured fields as attributes.
pub(crate) fn to_pyerr(py: Python<'_>, err: Error) -> PyErr {
    build(py, &err).unwrap_or_else(|failure| failure)
}

fn build(py: Python<'_>, err: &Error) -> PyResult<PyErr> {
    let exc = class_for(py, err.code())?.call1((err.to_string(),))?;
    match err {
        Error::PermissionDenied {
            principal,
            permission,
            reason,
        } => {
            exc.setattr("principal", principal)?;
            exc.setattr("permission", permission)?;
            exc.setattr("reason", reason.as_str())?;
        }
        Error::SeparationOfDuties { principal, .. } => exc.setattr("principal", principal)?,
        Error::Validation { field, .. } => exc.setattr("field", field)?,
        Error::NotFound { entity, id } | Error::Conflict { entity, id, .. } => {
            exc.setattr("entity", *entity)?;
            exc.setattr("id", id)?;
        }
        Error::PolicyViolation { rule, .. } => exc.setattr("rule", *rule)?,
        Error::Integrity { seq, .. } => exc.setattr("seq", *seq)?,
        _ => {}
    }
    Ok(PyErr::from_value(exc))
}

/// `brandrail::Result<T>` → `PyResult<T>` through the one mapping above.
pub(crate) trait IntoPyResult<T> {
    /// Convert the error, if any, into its Python exception.
    fn into_pyresult(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for brandrail::Result<T> {
    fn into_pyresult(self) -> PyResult<T> {
        self.map_err(|e| Python::attach(|py| to_pyerr(py, e)))
    }
}

/// A validation error for an argument the binding itself cannot convert
/// (a naive datetime, a key of the wrong length), raised like core's own.
pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Validation {
        field: field.into(),
        message: message.into(),
    }
}

/// Add the exception classes to the module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("BrandrailError", py.get_type::<BrandrailError>())?;
    for (class, ty) in CLASSES.iter().zip(types(py)?) {
        m.add(class.name, ty.bind(py))?;
    }
    m.add("ERROR_CODES", PyTuple::new(py, Error::CODES)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_core_code_has_exactly_one_class() {
        let codes: Vec<_> = CLASSES.iter().map(|c| c.code).collect();
        assert_eq!(codes, Error::CODES);
    }
}
