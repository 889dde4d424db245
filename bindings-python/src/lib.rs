//! The Python binding of brandrail: the native module `brandrail._brandrail`,
//! re-exported by the `brandrail` package (`python/brandrail/__init__.py`).
//!
//! It converts types and errors and nothing else; behaviour lives in core. One
//! file per core module: `access` (principals, roles, media accounts),
//! `approval` (workflows' instances, decisions, delegation, tasks), `audit`
//! (log, verification, backups), `content` (the compliance checker, content
//! items and their lifecycle, the pre-publish checklist, the asset library,
//! the publishing plan and themes, A/B variants), `crm` (customer ingest,
//! reads and look-ups; fuzzy duplicates and manual merges; consent, sends,
//! export and erasure; interactions, purchases and click-path funnels;
//! segments, personas, lifecycle stages and community tiers; RFM and customer
//! value; service tickets; the public-opinion watch and crisis cases),
//! `policy` (the
//! document and its versions), plus
//! `engine` (the handle), `error` (the one mapping of core errors to
//! exceptions) and `convert` (datetimes, decimals, string sets, columns).

mod access;
mod approval;
mod audit;
mod content;
mod convert;
mod crm;
mod engine;
mod error;
mod policy;

use pyo3::prelude::*;

/// Native core of the `brandrail` package; import `brandrail` instead.
#[pymodule]
fn _brandrail(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    error::register(m)?;
    m.add_class::<engine::PyEngine>()?;
    access::register(m)?;
    approval::register(m)?;
    audit::register(m)?;
    content::register(m)?;
    crm::register(m)?;
    policy::register(m)?;
    Ok(())
}
