//! Backups and restore (core `audit/backup.rs`): the `BackupReport`,
//! `RestoreReport` and `BackupStatus` classes, progress callbacks, and the
//! Engine methods.

use std::path::PathBuf;
use std::time::Duration;

use brandrail::{BackupReport, BackupStatus, Engine, RestoreReport};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{opt_utc, repr};
use crate::engine::PyEngine;

/// What `Engine.backup_to` wrote.
#[pyclass(frozen, eq, module = "brandrail", name = "BackupReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyBackupReport(BackupReport);

#[pymethods]
impl PyBackupReport {
    /// The backup file.
    #[getter]
    fn path(&self) -> PathBuf {
        self.0.path.clone()
    }

    /// Its size in bytes.
    #[getter]
    fn bytes(&self) -> u64 {
        self.0.bytes
    }

    /// Audit records it holds.
    #[getter]
    fn records(&self) -> u64 {
        self.0.records
    }

    /// Newest audit sequence it holds.
    #[getter]
    fn head_seq(&self) -> i64 {
        self.0.head_seq
    }

    /// Always True: a copy whose chain does not verify is deleted and raised
    /// as IntegrityError instead.
    #[getter]
    fn verified(&self) -> bool {
        self.0.verified
    }

    /// Wall time taken.
    #[getter]
    fn took(&self) -> Duration {
        self.0.took
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("path", self.path())?;
        d.set_item("bytes", self.bytes())?;
        d.set_item("records", self.records())?;
        d.set_item("head_seq", self.head_seq())?;
        d.set_item("verified", self.verified())?;
        d.set_item("took", self.took())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["path", "bytes", "records", "head_seq", "verified", "took"];
        repr("BackupReport", &self.to_dict(py)?, &keys)
    }
}

/// What `Engine.restore_from` did.
#[pyclass(frozen, eq, module = "brandrail", name = "RestoreReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyRestoreReport(RestoreReport);

#[pymethods]
impl PyRestoreReport {
    /// Audit records restored.
    #[getter]
    fn records(&self) -> u64 {
        self.0.records
    }

    /// Newest restored audit sequence (before the restore's own record).
    #[getter]
    fn head_seq(&self) -> i64 {
        self.0.head_seq
    }

    /// Wall time taken.
    #[getter]
    fn took(&self) -> Duration {
        self.0.took
    }

    /// Whether it finished within the policy's recovery time objective.
    #[getter]
    fn within_rto(&self) -> bool {
        self.0.within_rto
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("records", self.records())?;
        d.set_item("head_seq", self.head_seq())?;
        d.set_item("took", self.took())?;
        d.set_item("within_rto", self.within_rto())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["records", "head_seq", "took", "within_rto"];
        repr("RestoreReport", &self.to_dict(py)?, &keys)
    }
}

/// Where the backup schedule stands (`Engine.backup_status`).
#[pyclass(frozen, eq, module = "brandrail", name = "BackupStatus")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyBackupStatus(BackupStatus);

#[pymethods]
impl PyBackupStatus {
    /// When the newest backup was taken, or None.
    #[getter]
    fn last_backup_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_backup_at
    }

    /// When the next one is due.
    #[getter]
    fn next_due_at(&self) -> DateTime<Utc> {
        self.0.next_due_at
    }

    /// True when one is due now (or none was ever taken).
    #[getter]
    fn overdue(&self) -> bool {
        self.0.overdue
    }

    /// The fields as a plain dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("last_backup_at", self.last_backup_at())?;
        d.set_item("next_due_at", self.next_due_at())?;
        d.set_item("overdue", self.overdue())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keys = ["last_backup_at", "next_due_at", "overdue"];
        repr("BackupStatus", &self.to_dict(py)?, &keys)
    }
}

impl PyEngine {
    /// Run a backup or restore with `progress(done, total)` called (with the
    /// GIL) as pages are copied. Core cannot cancel the copy, so an exception
    /// from `progress` stops further calls and is raised once the operation
    /// has finished; a brandrail error of the operation itself takes precedence.
    fn with_progress<T, F>(
        &self,
        py: Python<'_>,
        progress: Option<Py<PyAny>>,
        run: F,
    ) -> PyResult<T>
    where
        T: Send,
        F: Send + FnOnce(&Engine, &mut dyn FnMut(u64, u64)) -> brandrail::Result<T>,
    {
        if let Some(p) = &progress
            && !p.bind(py).is_callable()
        {
            return Err(PyTypeError::new_err(
                "progress must be callable(done, total)",
            ));
        }
        let mut failure: Option<PyErr> = None;
        let out = self.call(py, |engine| {
            let mut report = |done: u64, total: u64| {
                if failure.is_some() {
                    return;
                }
                if let Some(callback) = &progress {
                    Python::attach(|py| {
                        let called = self.reporting(|| callback.call1(py, (done, total)));
                        if let Err(e) = called {
                            failure = Some(e);
                        }
                    });
                }
            };
            run(engine, &mut report)
        })?;
        match failure {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }
}

#[pymethods]
impl PyEngine {
    /// Write a verified copy of the whole database to `path`, which must not
    /// exist (needs 'audit.backup'). Other processes may keep writing meanwhile.
    ///
    /// `progress(done, total)`, if given, is called with page counts as the
    /// copy proceeds; calling this Engine from it raises RuntimeError. If it
    /// raises, it is not called again and its exception is raised once the
    /// backup has finished. The GIL is released between calls.
    #[pyo3(signature = (actor, path, *, progress = None))]
    fn backup_to(
        &self,
        py: Python<'_>,
        actor: String,
        path: PathBuf,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<PyBackupReport> {
        self.with_progress(py, progress, |e, report| {
            e.backup_to_with_progress(&actor, &path, report)
        })
        .map(PyBackupReport)
    }

    /// Replace the whole database with the backup at `path` (needs
    /// 'audit.restore' now). A backup whose audit chain does not verify raises
    /// IntegrityError and nothing changes. The restore is then recorded in the
    /// restored log. `progress` as for `backup_to`.
    #[pyo3(signature = (actor, path, *, progress = None))]
    fn restore_from(
        &self,
        py: Python<'_>,
        actor: String,
        path: PathBuf,
        progress: Option<Py<PyAny>>,
    ) -> PyResult<PyRestoreReport> {
        self.with_progress(py, progress, |e, report| {
            e.restore_from_with_progress(&actor, &path, report)
        })
        .map(PyRestoreReport)
    }

    /// The backup schedule (the policy's `audit.backup_interval_hours`) as of
    /// `as_of` (default: now).
    #[pyo3(signature = (as_of = None))]
    fn backup_status(
        &self,
        py: Python<'_>,
        as_of: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyBackupStatus> {
        let as_of = opt_utc(as_of, "as_of")?;
        self.call(py, |e| e.backup_status(as_of.unwrap_or_else(|| e.now())))
            .map(PyBackupStatus)
    }
}

/// Add the classes of this module.
pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyBackupReport>()?;
    m.add_class::<PyRestoreReport>()?;
    m.add_class::<PyBackupStatus>()?;
    Ok(())
}
