//! Principals and roles (core `access`): the `Principal`, `NewPrincipal` and
//! `Deactivation` classes and the Engine methods of `access/principals.rs`.
//! Media accounts are in `access/media.rs`, as in core.

mod media;

use brandrail::{Department, NewPrincipal, Permission, Principal};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::convert::{extract_at, parse, repr};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

pub(crate) use media::{PyMediaAccount, PyZombieAccount};

/// A member of staff. Every action is attributed to exactly one principal,
/// named by its `handle`.
#[pyclass(frozen, eq, module = "brandrail", name = "Principal")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyPrincipal(Principal);

#[pymethods]
impl PyPrincipal {
    /// Login-style identifier: unique, 2-64 characters of a-z, 0-9, '.', '_', '-'.
    #[getter]
    fn handle(&self) -> &str {
        &self.0.handle
    }

    /// Name shown to people.
    #[getter]
    fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The one department the principal belongs to (see `brandrail.DEPARTMENTS`).
    #[getter]
    fn department(&self) -> &'static str {
        self.0.department.as_str()
    }

    /// Roles held, sorted.
    #[getter]
    fn roles(&self) -> Vec<String> {
        self.0.roles.clone()
    }

    /// False once deactivated; a deactivated principal is refused everything.
    #[getter]
    fn active(&self) -> bool {
        self.0.active
    }

    /// When the principal was created (UTC).
    #[getter]
    fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was deactivated (UTC), or None.
    #[getter]
    fn deactivated_at(&self) -> Option<DateTime<Utc>> {
        self.0.deactivated_at
    }

    /// The fields as a plain dict, e.g. for `pandas.DataFrame([p.to_dict() for p in ...])`.
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("handle", self.handle())?;
        d.set_item("display_name", self.display_name())?;
        d.set_item("department", self.department())?;
        d.set_item("roles", self.roles())?;
        d.set_item("active", self.active())?;
        d.set_item("created_at", self.created_at())?;
        d.set_item("deactivated_at", self.deactivated_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["handle", "display_name", "department", "roles", "active"];
        repr("Principal", &self.to_dict(py)?, &keys)
    }
}

/// Input for `Engine.create_principals`: a principal to create. A plain dict
/// with the same keys works too.
///
/// `department` is one of `brandrail.DEPARTMENTS`; without `roles` the
/// principal gets its department's default roles from the policy.
#[pyclass(frozen, eq, module = "brandrail", name = "NewPrincipal")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyNewPrincipal(NewPrincipal);

/// Build core's input; `at` prefixes field names in errors (`principals[2].`).
fn new_principal(
    handle: String,
    display_name: String,
    department: &str,
    roles: Option<Vec<String>>,
    at: &str,
) -> brandrail::Result<NewPrincipal> {
    let department: Department = parse(department, &format!("{at}department"))?;
    Ok(NewPrincipal {
        handle,
        display_name,
        department,
        roles,
    })
}

#[pymethods]
impl PyNewPrincipal {
    #[new]
    #[pyo3(signature = (handle, display_name, department, roles = None))]
    fn new(
        handle: String,
        display_name: String,
        department: &str,
        roles: Option<Vec<String>>,
    ) -> PyResult<Self> {
        new_principal(handle, display_name, department, roles, "")
            .into_pyresult()
            .map(Self)
    }

    /// The handle to create.
    #[getter]
    fn handle(&self) -> &str {
        &self.0.handle
    }

    /// The name shown to people.
    #[getter]
    fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The department.
    #[getter]
    fn department(&self) -> &'static str {
        self.0.department.as_str()
    }

    /// Roles to grant, or None for the department's default roles.
    #[getter]
    fn roles(&self) -> Option<Vec<String>> {
        self.0.roles.clone()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = PyDict::new(py);
        d.set_item("handle", self.handle())?;
        d.set_item("display_name", self.display_name())?;
        d.set_item("department", self.department())?;
        d.set_item("roles", self.roles())?;
        repr(
            "NewPrincipal",
            &d,
            &["handle", "display_name", "department", "roles"],
        )
    }
}

/// One item of a `create_principals` batch: a `NewPrincipal` or a dict with
/// its keys.
fn batch_item(item: &Bound<'_, PyAny>, i: usize) -> PyResult<NewPrincipal> {
    if let Ok(p) = item.cast::<PyNewPrincipal>() {
        return Ok(p.get().0.clone());
    }
    let Ok(dict) = item.cast::<PyDict>() else {
        return Err(PyTypeError::new_err(format!(
            "principals[{i}]: expected a NewPrincipal or a dict, got {}",
            item.get_type().name()?
        )));
    };
    let at = format!("principals[{i}].");
    let (mut handle, mut display_name, mut department, mut roles) = (None, None, None, None);
    for (key, value) in dict.iter() {
        let key: String = extract_at(&key, &format!("principals[{i}] key"))?;
        let here = format!("{at}{key}");
        match key.as_str() {
            "handle" => handle = Some(extract_at::<String>(&value, &here)?),
            "display_name" => display_name = Some(extract_at::<String>(&value, &here)?),
            "department" => department = Some(extract_at::<String>(&value, &here)?),
            "roles" => roles = extract_at::<Option<Vec<String>>>(&value, &here)?,
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "{here}: unexpected key (expected handle, display_name, department, roles)"
                )));
            }
        }
    }
    let missing = |name: &str| PyTypeError::new_err(format!("{at}{name}: missing"));
    new_principal(
        handle.ok_or_else(|| missing("handle"))?,
        display_name.ok_or_else(|| missing("display_name"))?,
        &department.ok_or_else(|| missing("department"))?,
        roles,
        &at,
    )
    .into_pyresult()
}

/// What deactivating a principal left for others to pick up.
#[pyclass(frozen, eq, module = "brandrail", name = "Deactivation")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDeactivation(brandrail::Deactivation);

#[pymethods]
impl PyDeactivation {
    /// The principal, now inactive.
    #[getter]
    fn principal(&self) -> PyPrincipal {
        PyPrincipal(self.0.principal.clone())
    }

    /// Ids of the media accounts it was custodian of: they need a new custodian
    /// (`Engine.reassign_media_account`).
    #[getter]
    fn custodian_of(&self) -> Vec<String> {
        self.0.custodian_of.clone()
    }

    /// Ids of the approvals whose active stage was assigned to the principal:
    /// unassigned, back with the stage's pool of deciders.
    #[getter]
    fn reassigned_approvals(&self) -> Vec<i64> {
        self.0.reassigned_approvals.clone()
    }

    /// Ids of the approvals in review whose active stage nobody active may
    /// decide any more: an administrator must grant a role or change the
    /// policy.
    #[getter]
    fn unstaffed_approvals(&self) -> Vec<i64> {
        self.0.unstaffed_approvals.clone()
    }

    /// `{"principal": {...}, "custodian_of": [...], "reassigned_approvals":
    /// [...], "unstaffed_approvals": [...]}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("principal", self.principal().to_dict(py)?)?;
        d.set_item("custodian_of", self.custodian_of())?;
        d.set_item("reassigned_approvals", self.reassigned_approvals())?;
        d.set_item("unstaffed_approvals", self.unstaffed_approvals())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        d.set_item("principal", self.0.principal.handle.as_str())?;
        let keys = [
            "principal",
            "custodian_of",
            "reassigned_approvals",
            "unstaffed_approvals",
        ];
        repr("Deactivation", &d, &keys)
    }
}

fn principals(list: Vec<Principal>) -> Vec<PyPrincipal> {
    list.into_iter().map(PyPrincipal).collect()
}

#[pymethods]
impl PyEngine {
    /// Create the first principal of a fresh database: an account administrator
    /// of an account-administration department ('it' by default), with that
    /// department's default roles unless `roles` is given.
    ///
    /// Raises ConflictError once any principal exists, PolicyViolationError if
    /// the principal could not administer accounts.
    #[pyo3(signature = (*, handle, display_name, department, roles = None))]
    fn bootstrap(
        &self,
        py: Python<'_>,
        handle: String,
        display_name: String,
        department: &str,
        roles: Option<Vec<String>>,
    ) -> PyResult<PyPrincipal> {
        let input = new_principal(handle, display_name, department, roles, "").into_pyresult()?;
        self.call(py, |e| e.bootstrap(input)).map(PyPrincipal)
    }

    /// Create a principal (needs 'principal.manage', reserved to IT).
    ///
    /// Without `roles` it gets its department's default roles. Raises
    /// ValidationError for a bad handle, display name, department or role,
    /// ConflictError for a handle in use, PermissionDeniedError for the actor.
    #[pyo3(signature = (actor, *, handle, display_name, department, roles = None))]
    fn create_principal(
        &self,
        py: Python<'_>,
        actor: String,
        handle: String,
        display_name: String,
        department: &str,
        roles: Option<Vec<String>>,
    ) -> PyResult<PyPrincipal> {
        let input = new_principal(handle, display_name, department, roles, "").into_pyresult()?;
        self.call(py, |e| e.create_principal(&actor, input))
            .map(PyPrincipal)
    }

    /// Create many principals in one transaction: all of them or, on the first
    /// bad one (its index is in the error's `field`), none.
    ///
    /// `principals` is an iterable of `NewPrincipal` or dicts with the keys
    /// handle, display_name, department and optionally roles.
    fn create_principals(
        &self,
        py: Python<'_>,
        actor: String,
        principals: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyPrincipal>> {
        let inputs = principals
            .try_iter()?
            .enumerate()
            .map(|(i, item)| batch_item(&item?, i))
            .collect::<PyResult<Vec<_>>>()?;
        self.call(py, |e| e.create_principals(&actor, &inputs))
            .map(self::principals)
    }

    /// Grant a role defined in the policy (needs 'role.grant', reserved to IT).
    fn grant_role(
        &self,
        py: Python<'_>,
        actor: String,
        handle: String,
        role: String,
    ) -> PyResult<PyPrincipal> {
        self.call(py, |e| e.grant_role(&actor, &handle, &role))
            .map(PyPrincipal)
    }

    /// Revoke a role (needs 'role.grant'). Raises PolicyViolationError if
    /// nobody could administer accounts afterwards.
    fn revoke_role(
        &self,
        py: Python<'_>,
        actor: String,
        handle: String,
        role: String,
    ) -> PyResult<PyPrincipal> {
        self.call(py, |e| e.revoke_role(&actor, &handle, &role))
            .map(PyPrincipal)
    }

    /// Deactivate a leaver at once (needs 'principal.manage'): from the next
    /// call on, the principal is refused everything.
    ///
    /// Returns what it left behind: media accounts that need a new custodian,
    /// approvals assigned to it (now back with their pool) and approvals
    /// nobody active may decide any more. Its delegations end. Nobody
    /// deactivates themselves, and the last account administrator stays.
    fn deactivate_principal(
        &self,
        py: Python<'_>,
        actor: String,
        handle: String,
    ) -> PyResult<PyDeactivation> {
        self.call(py, |e| e.deactivate_principal(&actor, &handle))
            .map(PyDeactivation)
    }

    /// One principal; NotFoundError if there is none with this handle.
    fn principal(&self, py: Python<'_>, handle: String) -> PyResult<PyPrincipal> {
        self.call(py, |e| e.principal(&handle)).map(PyPrincipal)
    }

    /// Every principal, active or not, ordered by handle.
    fn principals(&self, py: Python<'_>) -> PyResult<Vec<PyPrincipal>> {
        self.call(py, |e| e.principals()).map(self::principals)
    }

    /// The permissions `handle` holds now under the policy in force (empty
    /// when deactivated), as strings such as 'content.create'.
    fn permissions_of<'py>(&self, py: Python<'py>, handle: String) -> PyResult<Bound<'py, PyList>> {
        let permissions = self.call(py, |e| e.permissions_of(&handle))?;
        PyList::new(py, permissions.into_iter().map(Permission::as_str))
    }

    /// Whether `handle` may use `permission` (one of `brandrail.PERMISSIONS`)
    /// now; False for an unknown or deactivated principal.
    fn can(&self, py: Python<'_>, handle: String, permission: &str) -> PyResult<bool> {
        let permission: Permission = parse(permission, "permission").into_pyresult()?;
        self.call(py, |e| e.can(&handle, permission))
    }
}

/// Add the classes and the value sets of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<PyPrincipal>()?;
    m.add_class::<PyNewPrincipal>()?;
    m.add_class::<PyDeactivation>()?;
    m.add_class::<PyMediaAccount>()?;
    m.add_class::<PyZombieAccount>()?;
    let names = |all: Vec<&'static str>| PyTuple::new(py, all);
    m.add(
        "DEPARTMENTS",
        names(Department::ALL.iter().map(|d| d.as_str()).collect())?,
    )?;
    m.add(
        "PERMISSIONS",
        names(Permission::ALL.iter().map(|p| p.as_str()).collect())?,
    )?;
    m.add(
        "PLATFORMS",
        names(
            brandrail::Platform::ALL
                .iter()
                .map(|p| p.as_str())
                .collect(),
        )?,
    )?;
    Ok(())
}
