//! Fuzzy duplicates (CRM-2): customers who share no identity but whose
//! name, address and birth date look alike, proposed with a score and the
//! similarity of each field (`duplicateCandidates`,
//! `duplicateCandidatesAsync`); a manual merge of a pair a data steward
//! confirmed (`mergeCustomers`, undone with `undoMerge`); and a pair marked
//! as two people (`markDistinct`), which is never proposed again. The method
//! (normalization, blocking, Jaro-Winkler, bigram Dice, birth dates) is
//! core's, described in `docs/privacy.md`.
//!
//! Scores and similarities are JS numbers from 0 to 1; customer ids are safe
//! integers both ways.

use brandrail::crm;
use napi::Env;
use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::convert::{all, number, whole};
use crate::engine::{Background, Engine};
use crate::error::OrThrow;

/// Why two customers look alike: one field's similarity.
#[napi(object, object_from_js = false)]
pub struct MatchReason {
    /// The field compared: `'name'`, `'address'` or `'birth_date'` (the
    /// profile keys).
    #[napi(ts_type = "'name' | 'address' | 'birth_date'")]
    pub field: String,
    /// How alike, 0 to 1 (1: the same once normalized).
    pub similarity: f64,
}

impl From<crm::MatchReason> for MatchReason {
    fn from(r: crm::MatchReason) -> Self {
        MatchReason {
            field: r.field,
            similarity: r.similarity,
        }
    }
}

/// Two customers who may be one person.
#[napi(object, object_from_js = false)]
pub struct DuplicateCandidate {
    /// The older customer, the survivor if the pair is merged.
    pub customer_id: i64,
    /// The newer one.
    pub other_id: i64,
    /// The weighted similarity, 0 to 1 (name 0.4, address 0.35, birth date
    /// 0.25, over the fields both customers have).
    pub score: f64,
    /// One reason per field both customers have (at least two).
    pub reasons: Vec<MatchReason>,
}

impl From<crm::DuplicateCandidate> for DuplicateCandidate {
    fn from(c: crm::DuplicateCandidate) -> Self {
        DuplicateCandidate {
            customer_id: c.customer_id,
            other_id: c.other_id,
            score: c.score,
            reasons: all(c.reasons),
        }
    }
}

/// What a search for fuzzy duplicates found.
#[napi(object, object_from_js = false)]
pub struct CandidateReport {
    /// Live customers looked at.
    pub customers: f64,
    /// Pairs scored.
    pub pairs_compared: f64,
    /// Blocks of more than 500 customers sharing a key, skipped rather than
    /// compared pair by pair.
    pub blocks_skipped: f64,
    /// The threshold used: the one given, else `crm.fuzzy_match_threshold`.
    pub threshold: f64,
    /// The candidates at or above the threshold, best first, at most `limit`.
    pub candidates: Vec<DuplicateCandidate>,
}

impl From<crm::CandidateReport> for CandidateReport {
    fn from(r: crm::CandidateReport) -> Self {
        CandidateReport {
            customers: number(r.customers),
            pairs_compared: number(r.pairs_compared),
            blocks_skipped: number(r.blocks_skipped),
            threshold: r.threshold,
            candidates: all(r.candidates),
        }
    }
}

/// The arguments of `duplicateCandidates`, checked: the limit a whole number.
fn candidates(
    engine: &brandrail::Engine,
    actor: &str,
    limit: f64,
    threshold: Option<f64>,
) -> brandrail::Result<CandidateReport> {
    whole::<usize>("limit", limit)
        .and_then(|limit| engine.duplicate_candidates(actor, threshold, limit))
        .map(CandidateReport::from)
}

#[napi]
impl Engine {
    /// Customers who may be one person though they share no identity
    /// (CRM-2; needs `crm.merge`, as names, addresses and birth dates are
    /// opened; and the `secretKey`, else `'configuration'`; audited, counts
    /// only). At most `limit` candidates (1 to 10,000), best first, at or
    /// above `threshold` (0 to 1; left out or `null`: the policy's
    /// `crm.fuzzy_match_threshold`, 0.85). Pairs marked distinct are left
    /// out. Throws `'validation'` for a `limit` that is not a whole number
    /// from 1 to 10,000 (field `'limit'`) and a `threshold` outside 0 to 1 or
    /// `NaN` (field `'threshold'`).
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, limit: number, threshold?: number | null"
    )]
    pub fn duplicate_candidates(
        &self,
        env: &Env,
        actor: String,
        limit: f64,
        threshold: Option<f64>,
    ) -> napi::Result<CandidateReport> {
        candidates(&self.inner, &actor, limit, threshold).or_throw(env)
    }

    /// `duplicateCandidates` off the JS thread (on the libuv thread pool):
    /// scoring a large customer base takes a while. Every engine error, a
    /// bad `limit` or `threshold` included, rejects the promise.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, limit: number, threshold?: number | null",
        ts_return_type = "Promise<CandidateReport>"
    )]
    pub fn duplicate_candidates_async(
        &self,
        actor: String,
        limit: f64,
        threshold: Option<f64>,
    ) -> AsyncTask<Background<CandidateReport>> {
        AsyncTask::new(self.background(move |engine| candidates(engine, &actor, limit, threshold)))
    }

    /// Merge customer `mergedId` into `survivorId` by hand, e.g. a fuzzy
    /// candidate a data steward confirmed (CRM-2; needs `crm.merge`; audited
    /// as `'crm.merge'`, `reason=manual`). The merged customer's identities
    /// move to the survivor, every source record stays, and `customer(…,
    /// mergedId)` reads the survivor from then on; `undoMerge(actor,
    /// mergedId)` reverses it. Returns how many identities moved. Throws
    /// `'conflict'` when both ids are the same customer and `'not_found'`
    /// (entity `'customer'`) for an unknown, erased or already merged id.
    #[napi(strict, catch_unwind)]
    pub fn merge_customers(
        &self,
        env: &Env,
        actor: String,
        survivor_id: f64,
        merged_id: f64,
    ) -> napi::Result<f64> {
        whole("survivorId", survivor_id)
            .and_then(|s| Ok((s, whole("mergedId", merged_id)?)))
            .and_then(|(s, m)| self.inner.merge_customers(&actor, s, m))
            .map(|moved| number(moved as u64))
            .or_throw(env)
    }

    /// Record that customers `a` and `b` are different people (CRM-2; needs
    /// `crm.merge`; audited): `duplicateCandidates` no longer proposes the
    /// pair. Throws `'conflict'` for the same id twice and `'not_found'`
    /// (entity `'customer'`) for an unknown or erased id.
    #[napi(strict, catch_unwind)]
    pub fn mark_distinct(&self, env: &Env, actor: String, a: f64, b: f64) -> napi::Result<()> {
        whole("a", a)
            .and_then(|a| Ok((a, whole("b", b)?)))
            .and_then(|(a, b)| self.inner.mark_distinct(&actor, a, b))
            .or_throw(env)
    }
}
