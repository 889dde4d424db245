//! Managed media accounts (core `access/media.rs`): the `MediaAccount` and
//! `ZombieAccount` classes and their Engine methods.

use brandrail::{Department, MediaAccount, NewMediaAccount, Platform, ZombieAccount};
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{extract_at, opt_utc, parse, repr, utc};
use crate::engine::PyEngine;
use crate::error::IntoPyResult;

/// A managed media or messaging account (a WeChat official account, a Douyin
/// channel, an SMS sender, ...), with the team that owns it and the principal
/// who keeps its credential.
#[pyclass(frozen, eq, module = "brandrail", name = "MediaAccount")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyMediaAccount(MediaAccount);

#[pymethods]
impl PyMediaAccount {
    /// Identifier chosen at registration (a-z, 0-9, '.', '_', '-').
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }

    /// Where the account lives (one of `brandrail.PLATFORMS`).
    #[getter]
    fn platform(&self) -> &'static str {
        self.0.platform.as_str()
    }

    /// The account's public name.
    #[getter]
    fn display_name(&self) -> &str {
        &self.0.display_name
    }

    /// The department that owns it.
    #[getter]
    fn owner_department(&self) -> &'static str {
        self.0.owner_department.as_str()
    }

    /// Handle of the principal who keeps its credential.
    #[getter]
    fn custodian(&self) -> &str {
        &self.0.custodian
    }

    /// Whether an (encrypted) credential is stored.
    #[getter]
    fn has_credential(&self) -> bool {
        self.0.has_credential
    }

    /// When it was registered (UTC).
    #[getter]
    fn registered_at(&self) -> DateTime<Utc> {
        self.0.registered_at
    }

    /// The last recorded interaction (post, reply, send), or None.
    #[getter]
    fn last_interaction_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_interaction_at
    }

    /// When it was retired, or None.
    #[getter]
    fn retired_at(&self) -> Option<DateTime<Utc>> {
        self.0.retired_at
    }

    /// The fields as a plain dict (pandas-ready).
    pub(crate) fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("id", self.id())?;
        d.set_item("platform", self.platform())?;
        d.set_item("display_name", self.display_name())?;
        d.set_item("owner_department", self.owner_department())?;
        d.set_item("custodian", self.custodian())?;
        d.set_item("has_credential", self.has_credential())?;
        d.set_item("registered_at", self.registered_at())?;
        d.set_item("last_interaction_at", self.last_interaction_at())?;
        d.set_item("retired_at", self.retired_at())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = [
            "id",
            "platform",
            "owner_department",
            "custodian",
            "retired_at",
        ];
        repr("MediaAccount", &self.to_dict(py)?, &keys)
    }
}

/// A media account idle for longer than the policy allows
/// (`access.zombie_after_months`).
#[pyclass(frozen, eq, module = "brandrail", name = "ZombieAccount")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyZombieAccount(ZombieAccount);

#[pymethods]
impl PyZombieAccount {
    /// The account.
    #[getter]
    fn account(&self) -> PyMediaAccount {
        PyMediaAccount(self.0.account.clone())
    }

    /// Its last interaction, or its registration when it never had one.
    #[getter]
    fn idle_since(&self) -> DateTime<Utc> {
        self.0.idle_since
    }

    /// Whole days idle at the report's date.
    #[getter]
    fn idle_days(&self) -> i64 {
        self.0.idle_days
    }

    /// The account's fields plus `idle_since` and `idle_days`, flat (pandas-ready).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = self.account().to_dict(py)?;
        d.set_item("idle_since", self.idle_since())?;
        d.set_item("idle_days", self.idle_days())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["id", "platform", "custodian", "idle_since", "idle_days"];
        repr("ZombieAccount", &self.to_dict(py)?, &keys)
    }
}

fn accounts(list: Vec<MediaAccount>) -> Vec<PyMediaAccount> {
    list.into_iter().map(PyMediaAccount).collect()
}

#[pymethods]
impl PyEngine {
    /// Register a managed account (needs 'media_account.manage').
    ///
    /// `platform` is one of `brandrail.PLATFORMS`, `owner_department` one of
    /// `brandrail.DEPARTMENTS`, `custodian` the handle of an active principal.
    /// A `credential` (password or token) is stored only encrypted with the
    /// engine's `secret_key`; without a key it raises ConfigurationError.
    #[pyo3(signature = (actor, *, id, platform, display_name, owner_department, custodian, credential = None))]
    #[allow(clippy::too_many_arguments)]
    fn register_media_account(
        &self,
        py: Python<'_>,
        actor: String,
        id: String,
        platform: &str,
        display_name: String,
        owner_department: &str,
        custodian: String,
        credential: Option<String>,
    ) -> PyResult<PyMediaAccount> {
        let input = NewMediaAccount {
            id,
            platform: parse::<Platform>(platform, "platform").into_pyresult()?,
            display_name,
            owner_department: parse::<Department>(owner_department, "owner_department")
                .into_pyresult()?,
            custodian,
            credential,
        };
        self.call(py, |e| e.register_media_account(&actor, input))
            .map(PyMediaAccount)
    }

    /// Hand an account to a new custodian, an active principal (needs
    /// 'media_account.manage').
    fn reassign_media_account(
        &self,
        py: Python<'_>,
        actor: String,
        id: String,
        custodian: String,
    ) -> PyResult<PyMediaAccount> {
        self.call(py, |e| e.reassign_media_account(&actor, &id, &custodian))
            .map(PyMediaAccount)
    }

    /// Record that the account was used at `at` (a timezone-aware datetime);
    /// the newest time is kept (needs 'media_account.record_activity').
    fn record_media_interaction(
        &self,
        py: Python<'_>,
        actor: String,
        id: String,
        at: &Bound<'_, PyAny>,
    ) -> PyResult<PyMediaAccount> {
        let at = utc(at, "at")?;
        self.call(py, |e| e.record_media_interaction(&actor, &id, at))
            .map(PyMediaAccount)
    }

    /// `record_media_interaction` for many `(id, at)` pairs in one
    /// transaction: all or none. Returns the accounts in input order.
    fn record_media_interactions(
        &self,
        py: Python<'_>,
        actor: String,
        interactions: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<PyMediaAccount>> {
        let items = interactions
            .try_iter()?
            .enumerate()
            .map(|(i, item)| {
                let (id, at): (String, Bound<'_, PyAny>) =
                    extract_at(&item?, &format!("interactions[{i}]"))?;
                Ok((id, utc(&at, &format!("interactions[{i}].at"))?))
            })
            .collect::<PyResult<Vec<_>>>()?;
        self.call(py, |e| e.record_media_interactions(&actor, &items))
            .map(accounts)
    }

    /// Retire an account after clean-up; its credential is destroyed (needs
    /// 'media_account.manage').
    fn retire_media_account(
        &self,
        py: Python<'_>,
        actor: String,
        id: String,
    ) -> PyResult<PyMediaAccount> {
        self.call(py, |e| e.retire_media_account(&actor, &id))
            .map(PyMediaAccount)
    }

    /// Decrypt an account's credential (needs 'media_account.reveal_credential';
    /// every reveal is audited). Raises ConfigurationError without a secret key.
    fn reveal_media_credential(
        &self,
        py: Python<'_>,
        actor: String,
        id: String,
    ) -> PyResult<String> {
        self.call(py, |e| e.reveal_media_credential(&actor, &id))
    }

    /// One media account; NotFoundError if there is none with this id.
    fn media_account(&self, py: Python<'_>, id: String) -> PyResult<PyMediaAccount> {
        self.call(py, |e| e.media_account(&id)).map(PyMediaAccount)
    }

    /// Every media account, retired ones included, ordered by id.
    fn media_accounts(&self, py: Python<'_>) -> PyResult<Vec<PyMediaAccount>> {
        self.call(py, |e| e.media_accounts()).map(accounts)
    }

    /// Accounts without interaction for the policy's `zombie_after_months` as
    /// of `as_of` (default: now), longest idle first. Retired accounts are not
    /// listed.
    #[pyo3(signature = (as_of = None))]
    fn zombie_media_accounts(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<PyZombieAccount>> {
        let as_of = opt_utc(as_of, "as_of")?;
        let zombies = self.call(py, |e| {
            e.zombie_media_accounts(as_of.unwrap_or_else(|| e.now()))
        })?;
        Ok(zombies.into_iter().map(PyZombieAccount).collect())
    }
}
