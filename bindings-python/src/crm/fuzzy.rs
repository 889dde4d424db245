//! Fuzzy duplicates and manual merges (core `crm/fuzzy.rs`, CRM-2): the
//! `MatchReason`, `DuplicateCandidate` and `CandidateReport` results,
//! `MAX_DUPLICATE_CANDIDATES` and `MAX_DUPLICATE_BLOCK`, and the Engine
//! methods that propose candidates, merge two customers by hand and mark two
//! customers distinct. (`undo_merge` is with the other customer calls in
//! `crm.rs`.)
//!
//! The search opens every customer's name, address and birth date, so it runs
//! with the GIL released like a batch.

use brandrail::crm::{CandidateReport, DuplicateCandidate, MAX_BLOCK, MAX_CANDIDATES, MatchReason};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::{real, repr, whole};
use crate::engine::PyEngine;

/// Why two customers look alike: one field's similarity.
#[pyclass(frozen, eq, module = "brandrail", name = "MatchReason")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyMatchReason(MatchReason);

#[pymethods]
impl PyMatchReason {
    /// The field compared: 'name', 'address' or 'birth_date'.
    #[getter]
    fn field(&self) -> &str {
        &self.0.field
    }

    /// How alike the two values are, from 0.0 to 1.0 (names: Jaro-Winkler;
    /// addresses: bigram Dice; birth dates: 1.0 equal, 0.8 one digit apart
    /// or day and month swapped, else 0.0).
    #[getter]
    fn similarity(&self) -> f64 {
        self.0.similarity
    }

    /// `{"field": ..., "similarity": ...}`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("field", self.field())?;
        d.set_item("similarity", self.similarity())?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        repr("MatchReason", &self.to_dict(py)?, &["field", "similarity"])
    }
}

/// Two customers who share no identity but may be one person (CRM-2), for a
/// data steward to merge (`Engine.merge_customers`) or mark distinct
/// (`Engine.mark_distinct`).
#[pyclass(frozen, eq, module = "brandrail", name = "DuplicateCandidate")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyDuplicateCandidate(DuplicateCandidate);

#[pymethods]
impl PyDuplicateCandidate {
    /// The older customer: the survivor if the two are merged.
    #[getter]
    fn customer_id(&self) -> i64 {
        self.0.customer_id
    }

    /// The newer customer.
    #[getter]
    fn other_id(&self) -> i64 {
        self.0.other_id
    }

    /// The weighted similarity over the fields both have, from 0.0 to 1.0
    /// (name 0.4, address 0.35, birth date 0.25).
    #[getter]
    fn score(&self) -> f64 {
        self.0.score
    }

    /// One `MatchReason` per field both customers have, in the order name,
    /// address, birth date (a copy).
    #[getter]
    fn reasons(&self) -> Vec<PyMatchReason> {
        self.0.reasons.iter().cloned().map(PyMatchReason).collect()
    }

    /// The fields as plain dicts and lists: `reasons` is a list of their
    /// `to_dict()`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customer_id", self.customer_id())?;
        d.set_item("other_id", self.other_id())?;
        d.set_item("score", self.score())?;
        let reasons = self
            .reasons()
            .iter()
            .map(|r| r.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("reasons", reasons)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        let fields: Vec<&str> = self.0.reasons.iter().map(|r| r.field.as_str()).collect();
        d.set_item("reasons", fields)?;
        let keys = ["customer_id", "other_id", "score", "reasons"];
        repr("DuplicateCandidate", &d, &keys)
    }
}

/// What `Engine.duplicate_candidates` found: how many customers and pairs it
/// looked at, the blocks it skipped for size, the threshold used and the
/// candidates, best first.
#[pyclass(frozen, eq, module = "brandrail", name = "CandidateReport")]
#[derive(Clone, PartialEq)]
pub(crate) struct PyCandidateReport(CandidateReport);

#[pymethods]
impl PyCandidateReport {
    /// Live customers looked at.
    #[getter]
    fn customers(&self) -> u64 {
        self.0.customers
    }

    /// Pairs scored (only customers sharing a birth date, a name, surname and
    /// birth year, or surname and address prefix are compared).
    #[getter]
    fn pairs_compared(&self) -> u64 {
        self.0.pairs_compared
    }

    /// Blocks of more than `MAX_DUPLICATE_BLOCK` customers, skipped.
    #[getter]
    fn blocks_skipped(&self) -> u64 {
        self.0.blocks_skipped
    }

    /// The threshold used: the one given, else the policy's
    /// `crm.fuzzy_match_threshold`.
    #[getter]
    fn threshold(&self) -> f64 {
        self.0.threshold
    }

    /// The `DuplicateCandidate`s at or above the threshold, best first, at
    /// most the `limit` asked for (a copy).
    #[getter]
    fn candidates(&self) -> Vec<PyDuplicateCandidate> {
        self.0
            .candidates
            .iter()
            .cloned()
            .map(PyDuplicateCandidate)
            .collect()
    }

    /// The fields as plain dicts and lists: `candidates` is a list of their
    /// `to_dict()`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        d.set_item("customers", self.customers())?;
        d.set_item("pairs_compared", self.pairs_compared())?;
        d.set_item("blocks_skipped", self.blocks_skipped())?;
        d.set_item("threshold", self.threshold())?;
        let candidates = self
            .candidates()
            .iter()
            .map(|c| c.to_dict(py))
            .collect::<PyResult<Vec<_>>>()?;
        d.set_item("candidates", candidates)?;
        Ok(d)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.to_dict(py)?;
        d.set_item("candidates", self.0.candidates.len())?;
        let keys = [
            "customers",
            "pairs_compared",
            "blocks_skipped",
            "threshold",
            "candidates",
        ];
        repr("CandidateReport", &d, &keys)
    }
}

#[pymethods]
impl PyEngine {
    /// Customers who may be the same person though they share no identity
    /// (CRM-2; needs 'crm.merge' and a `secret_key`: names, addresses and
    /// birth dates are opened; audited with counts only). Returns a
    /// `CandidateReport` whose `candidates` are at most `limit` (an int, 1 to
    /// `MAX_DUPLICATE_CANDIDATES`, default 1000), best first.
    ///
    /// Names are compared across traditional and simplified characters,
    /// full-width forms and word order, addresses without their
    /// administrative suffixes, birth dates allowing one digit or a day-month
    /// swap. `threshold` (a float from 0.0 to 1.0) overrides the policy's
    /// `crm.fuzzy_match_threshold` (0.85). Pairs marked distinct are left
    /// out. ValidationError for a threshold outside 0-1 or NaN (field
    /// 'threshold') or a limit out of range (field 'limit'); TypeError for a
    /// threshold or limit that is not a number.
    #[pyo3(signature = (actor, *, threshold = None, limit = None))]
    fn duplicate_candidates(
        &self,
        py: Python<'_>,
        actor: String,
        threshold: Option<&Bound<'_, PyAny>>,
        limit: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<PyCandidateReport> {
        let threshold = threshold
            .filter(|t| !t.is_none())
            .map(|t| real(t, "threshold"))
            .transpose()?;
        let limit = limit
            .filter(|l| !l.is_none())
            .map_or(Ok(1000), |l| whole::<usize>(l, "limit"))?;
        self.call(py, |e| e.duplicate_candidates(&actor, threshold, limit))
            .map(PyCandidateReport)
    }

    /// Merge customer `merged_id` into `survivor_id` by hand, e.g. a
    /// `DuplicateCandidate` a data steward confirmed (CRM-2; needs
    /// 'crm.merge'; audited as 'crm.merge'): its identities move to the
    /// survivor, every source record stays, and `undo_merge(actor,
    /// merged_id)` reverses it. Returns how many identities moved.
    /// ConflictError when both ids are one customer; NotFoundError for an
    /// unknown, merged-away or erased customer.
    fn merge_customers(
        &self,
        py: Python<'_>,
        actor: String,
        survivor_id: i64,
        merged_id: i64,
    ) -> PyResult<usize> {
        self.call(py, |e| e.merge_customers(&actor, survivor_id, merged_id))
    }

    /// Record that customers `a` and `b` are different people (CRM-2; needs
    /// 'crm.merge'; audited as 'crm.distinct'): `duplicate_candidates` no
    /// longer proposes the pair. ConflictError when both ids are one
    /// customer; NotFoundError for an unknown or erased customer.
    fn mark_distinct(&self, py: Python<'_>, actor: String, a: i64, b: i64) -> PyResult<()> {
        self.call(py, |e| e.mark_distinct(&actor, a, b))
    }
}

/// Add the classes and the limits of this module.
pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyMatchReason>()?;
    m.add_class::<PyDuplicateCandidate>()?;
    m.add_class::<PyCandidateReport>()?;
    m.add("MAX_DUPLICATE_CANDIDATES", MAX_CANDIDATES)?;
    m.add("MAX_DUPLICATE_BLOCK", MAX_BLOCK)?;
    Ok(())
}
