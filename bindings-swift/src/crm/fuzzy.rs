//! Fuzzy duplicates (CRM-2): customers who share no identity but whose name,
//! address and birth date look alike are proposed with a score and the
//! similarity of each field, for a data steward to merge by hand (undoable
//! with `undoMerge`) or to mark distinct.
//!
//! Names, addresses and birth dates are opened with the engine's secret key
//! (`Configuration` without). Scores and similarities are `Double`s between
//! 0 and 1. The method (normalization, blocking, the weights name 0.4,
//! address 0.35, birth date 0.25, at least two fields compared) is the
//! core's, described in `docs/privacy.md`.

use brandrail::crm as core;

use super::count;
use crate::all;
use crate::engine::Engine;
use crate::error::BrandrailError;

/// The most candidates `duplicateCandidates` returns in one answer (10 000);
/// the largest `limit` it accepts.
#[uniffi::export]
pub fn max_duplicate_candidates() -> u64 {
    count(core::MAX_CANDIDATES)
}

/// Blocks of customers sharing a key that are larger than this (500) are not
/// compared pair by pair; `CandidateReport.blocksSkipped` counts them.
#[uniffi::export]
pub fn max_duplicate_block() -> u64 {
    count(core::MAX_BLOCK)
}

/// Why two customers look alike: one field's similarity.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MatchReason {
    /// `name`, `address` or `birth_date`.
    pub field: String,
    /// 0 to 1.
    pub similarity: f64,
}

impl From<core::MatchReason> for MatchReason {
    fn from(r: core::MatchReason) -> Self {
        Self {
            field: r.field,
            similarity: r.similarity,
        }
    }
}

/// Two customers who may be one person.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct DuplicateCandidate {
    /// The older customer (the survivor, if merged).
    pub customer_id: i64,
    /// The newer one.
    pub other_id: i64,
    /// Weighted similarity, 0 to 1.
    pub score: f64,
    /// One per field both customers have, in the order name, address, birth
    /// date.
    pub reasons: Vec<MatchReason>,
}

impl From<core::DuplicateCandidate> for DuplicateCandidate {
    fn from(c: core::DuplicateCandidate) -> Self {
        Self {
            customer_id: c.customer_id,
            other_id: c.other_id,
            score: c.score,
            reasons: all(c.reasons),
        }
    }
}

/// What a search for fuzzy duplicates found.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CandidateReport {
    /// Live customers looked at.
    pub customers: u64,
    /// Pairs scored.
    pub pairs_compared: u64,
    /// Blocks skipped for their size (see `maxDuplicateBlock()`).
    pub blocks_skipped: u64,
    /// The threshold used: the one given, else the policy's
    /// `crm.fuzzy_match_threshold` (0.85).
    pub threshold: f64,
    /// The candidates, best first, at most `limit`.
    pub candidates: Vec<DuplicateCandidate>,
}

impl From<core::CandidateReport> for CandidateReport {
    fn from(r: core::CandidateReport) -> Self {
        Self {
            customers: r.customers,
            pairs_compared: r.pairs_compared,
            blocks_skipped: r.blocks_skipped,
            threshold: r.threshold,
            candidates: all(r.candidates),
        }
    }
}

/// A host limit as the core's; one past what `usize` holds saturates, so the
/// core refuses it like any other limit out of range.
fn candidate_limit(limit: u64) -> usize {
    usize::try_from(limit).unwrap_or(usize::MAX)
}

fn candidates(
    engine: &brandrail::Engine,
    actor: &str,
    threshold: Option<f64>,
    limit: usize,
) -> Result<CandidateReport, BrandrailError> {
    Ok(engine.duplicate_candidates(actor, threshold, limit)?.into())
}

#[uniffi::export]
impl Engine {
    /// Customers who may be the same person though they share no identity
    /// (CRM-2; needs `crm.merge`, held by `data_steward`: names, addresses and
    /// birth dates are opened, so the secret key too). `threshold` (0 to 1)
    /// overrides the policy's `crm.fuzzy_match_threshold`; at most `limit` (1
    /// to `maxDuplicateCandidates()`) candidates, best first. Pairs marked
    /// distinct are left out. Audited (`crm.fuzzy`, counts only).
    /// `Validation` naming `threshold` (outside 0–1, NaN, infinite) or
    /// `limit`.
    pub fn duplicate_candidates(
        &self,
        actor: &str,
        threshold: Option<f64>,
        limit: u64,
    ) -> Result<CandidateReport, BrandrailError> {
        candidates(self.core(), actor, threshold, candidate_limit(limit))
    }

    /// `duplicateCandidates` on a worker thread: awaiting it never blocks the
    /// caller's thread, however many customers it compares.
    pub async fn duplicate_candidates_async(
        &self,
        actor: String,
        threshold: Option<f64>,
        limit: u64,
    ) -> Result<CandidateReport, BrandrailError> {
        let limit = candidate_limit(limit);
        self.in_background(move |engine| candidates(engine, &actor, threshold, limit))
            .await
    }

    /// Merge customer `mergedId` into `survivorId` by hand, e.g. a fuzzy
    /// candidate a data steward confirmed (CRM-2; needs `crm.merge`): its
    /// identities move, every source record stays, and `undoMerge(mergedId)`
    /// reverses it. Returns how many identities moved. Audited (`crm.merge`,
    /// ids and counts only). `Conflict` when both are the same customer;
    /// `NotFound` for an unknown, merged-away or erased one. Needs no secret
    /// key.
    pub fn merge_customers(
        &self,
        actor: &str,
        survivor_id: i64,
        merged_id: i64,
    ) -> Result<u64, BrandrailError> {
        Ok(count(self.core().merge_customers(
            actor,
            survivor_id,
            merged_id,
        )?))
    }

    /// Record that customers `a` and `b` are different people (CRM-2; needs
    /// `crm.merge`): `duplicateCandidates` no longer proposes the pair, in
    /// either order. Audited (`crm.distinct`). `Conflict` when both are the
    /// same customer; `NotFound` for an unknown or erased one.
    pub fn mark_distinct(&self, actor: &str, a: i64, b: i64) -> Result<(), BrandrailError> {
        Ok(self.core().mark_distinct(actor, a, b)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_keeps_pairs_scores_and_reasons() {
        let r = CandidateReport::from(core::CandidateReport {
            customers: 5,
            pairs_compared: 4,
            blocks_skipped: 1,
            threshold: 0.85,
            candidates: vec![core::DuplicateCandidate {
                customer_id: 1,
                other_id: 2,
                score: 0.97,
                reasons: vec![core::MatchReason {
                    field: "name".into(),
                    similarity: 1.0,
                }],
            }],
        });
        assert_eq!((r.customers, r.pairs_compared, r.blocks_skipped), (5, 4, 1));
        assert_eq!(r.threshold, 0.85);
        let c = &r.candidates[0];
        assert_eq!((c.customer_id, c.other_id, c.score), (1, 2, 0.97));
        assert_eq!(
            c.reasons,
            vec![MatchReason {
                field: "name".into(),
                similarity: 1.0
            }]
        );
    }

    #[test]
    fn limits_keep_the_cores_bounds() {
        assert_eq!(max_duplicate_candidates(), 10_000);
        assert_eq!(max_duplicate_block(), 500);
        assert_eq!(candidate_limit(7), 7);
        assert!(candidate_limit(u64::MAX) > 10_000);
    }
}
