//! `brandrail.Engine`: the handle on one database. Opening and the clock (the
//! system clock, or a manual one for tests and simulations) live here; the
//! methods of each core module are added by `access.rs`, `approval/engine.rs`,
//! `audit.rs` and `policy.rs`, as core spreads `impl Engine` over its modules.

use std::cell::Cell;
use std::path::PathBuf;
use std::time::Duration;

use brandrail::{Engine, EngineOptions};
use chrono::{DateTime, Utc};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;

use crate::convert::{opt_utc, utc};
use crate::error::{IntoPyResult, invalid};

thread_local! {
    /// The engine (by address) whose progress callback this thread is running.
    static REPORTING_FOR: Cell<usize> = const { Cell::new(0) };
}

/// The brandrail engine: one handle on one database.
///
/// Open it with `Engine.open(path)` or `Engine.in_memory()`. Every mutating
/// method takes the acting principal's handle first, checks its permission,
/// validates, applies and appends an audit record in one transaction: a call
/// that raises changed nothing (a refused one only recorded the refusal).
///
/// One Engine may be shared by any number of threads; calls are serialized on
/// the handle and run without holding the GIL. Several processes may open the
/// same file.
#[pyclass(frozen, module = "brandrail", name = "Engine")]
pub(crate) struct PyEngine {
    inner: Engine,
}

impl PyEngine {
    /// Run `f` on the core engine with the GIL released, so other Python
    /// threads run meanwhile, and convert its error. Every engine call goes
    /// through here: a thread waiting for the engine's lock must not hold the
    /// GIL, or a progress callback of the thread holding the lock could never
    /// re-acquire it.
    pub(crate) fn call<T, F>(&self, py: Python<'_>, f: F) -> PyResult<T>
    where
        T: Send,
        F: Send + FnOnce(&Engine) -> brandrail::Result<T>,
    {
        if REPORTING_FOR.get() == self.address() {
            // The engine is locked by the backup or restore reporting to us:
            // waiting for it here would never end.
            return Err(PyRuntimeError::new_err(
                "a progress callback cannot call the Engine it reports for",
            ));
        }
        let engine = &self.inner;
        py.detach(move || f(engine)).into_pyresult()
    }

    /// Run a progress callback `f` of this engine's backup or restore.
    pub(crate) fn reporting<R>(&self, f: impl FnOnce() -> R) -> R {
        let outer = REPORTING_FOR.replace(self.address());
        let out = f();
        REPORTING_FOR.set(outer);
        out
    }

    fn address(&self) -> usize {
        std::ptr::from_ref(self).addr()
    }
}

/// Core's options from `open`'s and `in_memory`'s arguments.
fn options(
    busy_timeout: f64,
    secret_key: Option<Vec<u8>>,
    clock_start: Option<DateTime<Utc>>,
) -> brandrail::Result<EngineOptions> {
    let timeout = Duration::try_from_secs_f64(busy_timeout).map_err(|_| {
        invalid(
            "busy_timeout",
            "must be a finite number of seconds, 0 or more",
        )
    })?;
    let mut options = EngineOptions::new().busy_timeout(timeout);
    if let Some(key) = secret_key {
        let len = key.len();
        let key: [u8; 32] = key
            .try_into()
            .map_err(|_| invalid("secret_key", format!("must be exactly 32 bytes, got {len}")))?;
        options = options.secret_key(key);
    }
    if let Some(start) = clock_start {
        options = options.manual_clock(start);
    }
    Ok(options)
}

#[pymethods]
impl PyEngine {
    /// Open (or create) the database file at `path` (a `str` or `os.PathLike`).
    ///
    /// `busy_timeout` is how many seconds a write waits for another process's
    /// write before raising `BusyError`. `secret_key` (32 bytes, kept outside
    /// the database) encrypts stored credentials and customer data; without
    /// it, calls that store or reveal either raise `ConfigurationError`.
    /// `clock_start` (a timezone-aware datetime) runs this handle on a manual
    /// clock showing that time, moved only by `advance_clock` and
    /// `set_clock`: for tests, replays and simulations. Without it the engine
    /// uses the system clock.
    /// The clock belongs to the handle, not the file: reopening without
    /// `clock_start` runs on the system clock again.
    ///
    /// A file that is not a brandrail database or comes from a newer version
    /// raises `IncompatibleDatabaseError`, a damaged one `CorruptDatabaseError`;
    /// either way the file is left untouched.
    #[staticmethod]
    #[pyo3(signature = (path, *, busy_timeout = 5.0, secret_key = None, clock_start = None))]
    fn open(
        py: Python<'_>,
        path: PathBuf,
        busy_timeout: f64,
        secret_key: Option<Vec<u8>>,
        clock_start: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let clock_start = opt_utc(clock_start, "clock_start")?;
        let options = options(busy_timeout, secret_key, clock_start).into_pyresult()?;
        let inner = py.detach(|| Engine::open(path, options)).into_pyresult()?;
        Ok(Self { inner })
    }

    /// A private engine in memory, for tests and notebooks; gone when dropped.
    /// `secret_key` and `clock_start` as for `open`.
    #[staticmethod]
    #[pyo3(signature = (*, secret_key = None, clock_start = None))]
    fn in_memory(
        secret_key: Option<Vec<u8>>,
        clock_start: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let clock_start = opt_utc(clock_start, "clock_start")?;
        let options = options(5.0, secret_key, clock_start).into_pyresult()?;
        let inner = Engine::in_memory_with(options).into_pyresult()?;
        Ok(Self { inner })
    }

    /// The database file, or `None` for an in-memory engine.
    #[getter]
    fn path(&self) -> Option<PathBuf> {
        self.inner.path().map(PathBuf::from)
    }

    /// The engine clock's current time (timezone-aware, UTC, to the
    /// millisecond). Every timestamp the engine writes comes from this clock.
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    /// Move the manual clock by `by` (a `timedelta`; a negative one moves it
    /// back) and return the new time. Deadlines, overdue flags, delegations
    /// and idle times all follow. Raises `ConfigurationError` unless the
    /// engine was opened with `clock_start`, `ValidationError` (field 'by')
    /// for a move out of the years 1970-9999.
    fn advance_clock(&self, py: Python<'_>, by: chrono::Duration) -> PyResult<DateTime<Utc>> {
        self.call(py, |e| e.advance_clock(by))
    }

    /// Set the manual clock to `to` (a timezone-aware datetime) and return
    /// the new time; errors as for `advance_clock` (field 'to').
    fn set_clock(&self, py: Python<'_>, to: &Bound<'_, PyAny>) -> PyResult<DateTime<Utc>> {
        let to = utc(to, "to")?;
        self.call(py, |e| e.set_clock(to))
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(match self.path() {
            Some(path) => format!(
                "Engine.open({})",
                path.to_string_lossy().into_pyobject(py)?.repr()?
            ),
            None => "Engine.in_memory()".to_owned(),
        })
    }
}
