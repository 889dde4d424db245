//! Fuzzy duplicate candidates (CRM-2): customers who share no identity but
//! whose name, address and birth date look alike are proposed, with a score
//! and the similarity of each field, for a data steward to merge (undoable)
//! or mark distinct.
//!
//! Method (also in `docs/privacy.md`):
//! - values are opened with the host's key and normalized: NFKC (full-width
//!   forms), traditional → simplified, lower case, white space and
//!   punctuation dropped; addresses also lose the administrative suffixes
//!   省 市 区 县 and write `#` as 号;
//! - candidate pairs come from blocks of customers sharing a birth date, a
//!   normalized name, surname + birth year, or surname + address prefix
//!   (blocks above [`MAX_BLOCK`] are skipped and counted);
//! - name similarity is Jaro-Winkler over characters (the best of the name
//!   as written and its words sorted, so "Li Na" meets "Na Li"); address
//!   similarity is the Dice coefficient of character bigrams; birth dates
//!   score 1 when equal, 0.8 when one digit differs or day and month are
//!   swapped, 0 otherwise;
//! - the score is the weighted mean over the fields both customers have
//!   (name 0.4, address 0.35, birth date 0.25); at least two fields must be
//!   compared; pairs at or above the threshold (`crm.fuzzy_match_threshold`,
//!   0.85 by default) are proposed.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use crate::access::Permission;
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::store::crm::Statements;
use crate::{Attempt, Engine, store};

/// Blocks with more customers than this are not compared pair by pair.
pub const MAX_BLOCK: usize = 500;
/// Most candidates in one answer.
pub const MAX_CANDIDATES: usize = 10_000;

const W_NAME: f64 = 0.4;
const W_ADDRESS: f64 = 0.35;
const W_BIRTH: f64 = 0.25;

/// Why two customers look alike: one field's similarity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatchReason {
    /// `name`, `address` or `birth_date`.
    pub field: String,
    /// 0–1.
    pub similarity: f64,
}

/// Two customers who may be one person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DuplicateCandidate {
    /// The older customer (the survivor if merged).
    pub customer_id: i64,
    /// The newer one.
    pub other_id: i64,
    /// Weighted similarity, 0–1.
    pub score: f64,
    /// Per field, the fields both have.
    pub reasons: Vec<MatchReason>,
}

/// What a search for fuzzy duplicates found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CandidateReport {
    /// Live customers looked at.
    pub customers: u64,
    /// Pairs scored.
    pub pairs_compared: u64,
    /// Blocks skipped for size (see [`MAX_BLOCK`]).
    pub blocks_skipped: u64,
    /// The threshold used.
    pub threshold: f64,
    /// Candidates, best first (at most `limit`).
    pub candidates: Vec<DuplicateCandidate>,
}

/// A customer's matching fields, normalized.
#[derive(Debug, Default, Clone)]
pub(crate) struct Person {
    pub name: Option<Vec<char>>,
    pub sorted_name: Option<Vec<char>>,
    pub address: Option<Vec<char>>,
    pub birth: Option<String>,
}

fn simplify(s: &str) -> String {
    let nfkc: String = s.nfkc().collect();
    fast2s::convert(&nfkc).to_lowercase()
}

fn keep(c: char) -> bool {
    c.is_alphanumeric()
}

impl Person {
    pub(crate) fn new(name: Option<&str>, address: Option<&str>, birth: Option<&str>) -> Person {
        let name = name.map(simplify);
        let sorted_name = name.as_ref().and_then(|n| {
            let mut words: Vec<&str> = n.split_whitespace().collect();
            (words.len() > 1).then(|| {
                words.sort_unstable();
                words.concat().chars().filter(|c| keep(*c)).collect()
            })
        });
        let name: Option<Vec<char>> = name
            .map(|n| n.chars().filter(|c| keep(*c)).collect::<Vec<_>>())
            .filter(|n| !n.is_empty());
        let address = address
            .map(|a| {
                simplify(a)
                    .replace('#', "号")
                    .chars()
                    .filter(|c| keep(*c) && !matches!(c, '省' | '市' | '区' | '县'))
                    .collect::<Vec<_>>()
            })
            .filter(|a| !a.is_empty());
        Person {
            name,
            sorted_name,
            address,
            birth: birth.map(str::to_owned),
        }
    }

    /// Blocking keys: pairs are scored only within a shared block.
    fn keys(&self) -> Vec<String> {
        let mut out = Vec::new();
        let first = self.name.as_ref().and_then(|n| n.first().copied());
        if let Some(b) = &self.birth {
            out.push(format!("b:{b}"));
            if let Some(f) = first {
                out.push(format!("p:{f}{}", &b[..4.min(b.len())]));
            }
        }
        if let Some(n) = &self.name {
            out.push(format!("n:{}", n.iter().collect::<String>()));
        }
        if let (Some(a), Some(f)) = (&self.address, first) {
            let prefix: String = a.iter().take(6).collect();
            out.push(format!("a:{f}{prefix}"));
        }
        out
    }
}

/// Jaro-Winkler similarity of two character sequences.
pub(crate) fn jaro_winkler(a: &[char], b: &[char]) -> f64 {
    if a.is_empty() || b.is_empty() {
        return if a == b { 1.0 } else { 0.0 };
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_used = vec![false; b.len()];
    let mut a_match = Vec::new();
    for (i, ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        if let Some(j) = (lo..hi).find(|&j| !b_used[j] && b[j] == *ca) {
            b_used[j] = true;
            a_match.push(*ca);
        }
    }
    let m = a_match.len();
    if m == 0 {
        return 0.0;
    }
    let b_match: Vec<char> = b
        .iter()
        .zip(&b_used)
        .filter(|(_, u)| **u)
        .map(|(c, _)| *c)
        .collect();
    let transpositions = a_match.iter().zip(&b_match).filter(|(x, y)| x != y).count() / 2;
    let m = m as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions as f64) / m) / 3.0;
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + prefix * 0.1 * (1.0 - jaro)
}

/// Dice coefficient of character bigrams (single characters compare equal or not).
pub(crate) fn dice(a: &[char], b: &[char]) -> f64 {
    if a.len() < 2 || b.len() < 2 {
        return if a == b { 1.0 } else { 0.0 };
    }
    let mut grams: HashMap<(char, char), i32> = HashMap::new();
    for w in a.windows(2) {
        *grams.entry((w[0], w[1])).or_default() += 1;
    }
    let mut shared = 0;
    for w in b.windows(2) {
        if let Some(n) = grams.get_mut(&(w[0], w[1]))
            && *n > 0
        {
            *n -= 1;
            shared += 1;
        }
    }
    2.0 * f64::from(shared) / (a.len() + b.len() - 2) as f64
}

/// Birth dates (`YYYY-MM-DD`): 1 equal, 0.8 one digit apart or day and
/// month swapped, 0 otherwise.
pub(crate) fn birth_similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    let digits = |s: &str| s.bytes().filter(u8::is_ascii_digit).collect::<Vec<u8>>();
    let (x, y) = (digits(a), digits(b));
    if x.len() == 8 && y.len() == 8 {
        let differ = x.iter().zip(&y).filter(|(p, q)| p != q).count();
        let swapped = x[..4] == y[..4] && x[4..6] == y[6..8] && x[6..8] == y[4..6];
        if differ == 1 || swapped {
            return 0.8;
        }
    }
    0.0
}

/// The score of a pair and its reasons; `None` with fewer than two fields
/// to compare.
pub(crate) fn score(a: &Person, b: &Person) -> Option<(f64, Vec<MatchReason>)> {
    let mut reasons = Vec::new();
    let mut total = 0.0;
    let mut weight = 0.0;
    if let (Some(x), Some(y)) = (&a.name, &b.name) {
        let mut s = jaro_winkler(x, y);
        if let (Some(sx), Some(sy)) = (&a.sorted_name, &b.sorted_name) {
            s = s.max(jaro_winkler(sx, sy));
        }
        reasons.push(MatchReason {
            field: "name".into(),
            similarity: s,
        });
        total += W_NAME * s;
        weight += W_NAME;
    }
    if let (Some(x), Some(y)) = (&a.address, &b.address) {
        let s = dice(x, y);
        reasons.push(MatchReason {
            field: "address".into(),
            similarity: s,
        });
        total += W_ADDRESS * s;
        weight += W_ADDRESS;
    }
    if let (Some(x), Some(y)) = (&a.birth, &b.birth) {
        let s = birth_similarity(x, y);
        reasons.push(MatchReason {
            field: "birth_date".into(),
            similarity: s,
        });
        total += W_BIRTH * s;
        weight += W_BIRTH;
    }
    (reasons.len() >= 2).then(|| (total / weight, reasons))
}

/// A scored pair: indexes into the people, score, reasons.
pub(crate) type Scored = (usize, usize, f64, Vec<MatchReason>);

/// Candidate pairs among `people` (by index), scored, at or above
/// `threshold`, best first; with the number of pairs scored and blocks
/// skipped.
pub(crate) fn candidates(
    people: &[Person],
    threshold: f64,
    skip: &HashSet<(usize, usize)>,
) -> (Vec<Scored>, u64, u64) {
    let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, p) in people.iter().enumerate() {
        for k in p.keys() {
            blocks.entry(k).or_default().push(i);
        }
    }
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut out = Vec::new();
    let mut skipped = 0u64;
    for members in blocks.values() {
        if members.len() > MAX_BLOCK {
            skipped += 1;
            continue;
        }
        for (x, &i) in members.iter().enumerate() {
            for &j in &members[x + 1..] {
                let pair = (i.min(j), i.max(j));
                if pair.0 == pair.1 || skip.contains(&pair) || !seen.insert(pair) {
                    continue;
                }
                if let Some((s, reasons)) = score(&people[pair.0], &people[pair.1])
                    && s >= threshold
                {
                    out.push((pair.0, pair.1, s, reasons));
                }
            }
        }
    }
    out.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)).then(a.1.cmp(&b.1)));
    (out, seen.len() as u64, skipped)
}

impl Engine {
    /// Customers who may be the same person though they share no identity
    /// (CRM-2; needs `crm.merge`: names, addresses and birth dates are opened).
    /// `threshold` overrides `crm.fuzzy_match_threshold` (0–1); at most
    /// `limit` (≤ [`MAX_CANDIDATES`]) candidates, best first. Pairs marked
    /// distinct are left out. Audited (counts only).
    pub fn duplicate_candidates(
        &self,
        actor: &str,
        threshold: Option<f64>,
        limit: usize,
    ) -> Result<CandidateReport> {
        let key = self.secret_key()?.clone();
        self.mutate(
            actor,
            Permission::CrmMerge,
            Attempt::new("crm.fuzzy", "customer", "*"),
            |ctx| {
                let threshold = threshold.unwrap_or(ctx.policy.crm.fuzzy_match_threshold);
                if !(threshold.is_finite() && (0.0..=1.0).contains(&threshold)) {
                    return Err(Error::validation("threshold", "must be between 0 and 1"));
                }
                if limit == 0 || limit > MAX_CANDIDATES {
                    return Err(Error::validation(
                        "limit",
                        format!("1 to {MAX_CANDIDATES}, got {limit}"),
                    ));
                }
                let rows = store::crm::matching_fields(ctx.tx)?;
                let mut ids = Vec::with_capacity(rows.len());
                let mut people = Vec::with_capacity(rows.len());
                for (id, name, core) in rows {
                    let name = name
                        .map(|s| key.open("customer.name", &s))
                        .transpose()?
                        .map(|b| String::from_utf8_lossy(&b).into_owned());
                    let core = super::open_core(&key, core.as_deref())?;
                    people.push(Person::new(
                        name.as_deref(),
                        core.get("address").map(String::as_str),
                        core.get("birth_date").map(String::as_str),
                    ));
                    ids.push(id);
                }
                let index: HashMap<i64, usize> =
                    ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
                let skip: HashSet<(usize, usize)> = store::crm::distinct_pairs(ctx.tx)?
                    .into_iter()
                    .filter_map(|(a, b)| {
                        let (x, y) = (*index.get(&a)?, *index.get(&b)?);
                        Some((x.min(y), x.max(y)))
                    })
                    .collect();
                let (found, compared, skipped) = candidates(&people, threshold, &skip);
                let total = found.len();
                let candidates = found
                    .into_iter()
                    .take(limit)
                    .map(|(a, b, score, reasons)| DuplicateCandidate {
                        customer_id: ids[a].min(ids[b]),
                        other_id: ids[a].max(ids[b]),
                        score,
                        reasons,
                    })
                    .collect();
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "crm.fuzzy", "customer", "*").with_detail(
                        format!(
                            "customers={} compared={compared} candidates={total} threshold={threshold}",
                            ids.len()
                        ),
                    ),
                )?;
                Ok(CandidateReport {
                    customers: ids.len() as u64,
                    pairs_compared: compared,
                    blocks_skipped: skipped,
                    threshold,
                    candidates,
                })
            },
        )
    }

    /// Merge customer `merged_id` into `survivor_id` by hand, e.g. a fuzzy
    /// candidate a data steward confirmed (CRM-2; needs `crm.merge`): its
    /// identities move, every source record stays, `undo_merge` reverses it.
    /// Returns how many identities moved. `conflict` when both are the same
    /// customer; `not_found` for unknown, merged-away or erased ones.
    pub fn merge_customers(&self, actor: &str, survivor_id: i64, merged_id: i64) -> Result<usize> {
        let target = merged_id.to_string();
        self.mutate(
            actor,
            Permission::CrmMerge,
            Attempt::new("crm.merge", "customer", &target),
            |ctx| {
                let mut st = Statements::new(ctx.tx)?;
                for id in [survivor_id, merged_id] {
                    let live = super::privacy::live(&mut st, id)?;
                    if live != id {
                        return Err(Error::not_found("customer", id.to_string()));
                    }
                }
                if survivor_id == merged_id {
                    return Err(Error::conflict(
                        "customer",
                        target.clone(),
                        "cannot be merged into itself",
                    ));
                }
                let moved = st.merge(merged_id, survivor_id, ctx.now, &ctx.actor.handle)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "crm.merge", "customer", &target)
                        .with_detail(format!(
                            "into={survivor_id} identities_moved={moved} reason=manual"
                        )),
                )?;
                Ok(moved)
            },
        )
    }

    /// Record that two customers are different people (CRM-2; needs
    /// `crm.merge`): fuzzy matching no longer proposes the pair.
    pub fn mark_distinct(&self, actor: &str, a: i64, b: i64) -> Result<()> {
        let target = format!("{}:{}", a.min(b), a.max(b));
        self.mutate(
            actor,
            Permission::CrmMerge,
            Attempt::new("crm.distinct", "customer", &target),
            |ctx| {
                let mut st = Statements::new(ctx.tx)?;
                for id in [a, b] {
                    super::privacy::live(&mut st, id)?;
                }
                if a == b {
                    return Err(Error::conflict(
                        "customer",
                        target.clone(),
                        "is one customer",
                    ));
                }
                store::crm::mark_distinct(ctx.tx, a.min(b), a.max(b), &ctx.actor.handle, ctx.now)?;
                ctx.record(&Entry::applied(
                    &ctx.actor.handle,
                    "crm.distinct",
                    "customer",
                    &target,
                ))?;
                Ok(())
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn jaro_winkler_known_values() {
        let jw = |a: &str, b: &str| jaro_winkler(&chars(a), &chars(b));
        assert!((jw("martha", "marhta") - 0.9611).abs() < 1e-3);
        assert!((jw("dwayne", "duane") - 0.84).abs() < 1e-3);
        assert_eq!(jw("张伟", "张伟"), 1.0);
        assert_eq!(jw("abc", "xyz"), 0.0);
        assert_eq!(jw("", ""), 1.0);
        assert_eq!(jw("a", ""), 0.0);
    }

    #[test]
    fn dice_and_births() {
        let d = |a: &str, b: &str| dice(&chars(a), &chars(b));
        assert_eq!(d("张江路100号", "张江路100号"), 1.0);
        assert!(d("浦东张江路100号", "张江路100号") > 0.8);
        assert_eq!(d("a", "a"), 1.0);
        assert_eq!(d("ab", "cd"), 0.0);
        assert_eq!(birth_similarity("1990-03-07", "1990-03-07"), 1.0);
        assert_eq!(birth_similarity("1990-03-07", "1990-07-03"), 0.8);
        assert_eq!(birth_similarity("1990-03-07", "1990-03-08"), 0.8);
        assert_eq!(birth_similarity("1990-03-07", "1991-04-07"), 0.0);
    }

    #[test]
    fn normalization_and_scores() {
        let a = Person::new(
            Some("陳 小明"),
            Some("上海市浦東新區張江路100號"),
            Some("1990-03-07"),
        );
        let b = Person::new(
            Some("陈小明"),
            Some("上海浦东新张江路100#"),
            Some("1990-03-07"),
        );
        let (s, reasons) = score(&a, &b).unwrap();
        assert_eq!(s, 1.0, "{reasons:?}");
        let latin = Person::new(Some("Li Na"), None, Some("1990-03-07"));
        let flipped = Person::new(Some("na  LI"), None, Some("1990-03-07"));
        assert_eq!(score(&latin, &flipped).unwrap().0, 1.0);
        // One field only: not enough evidence.
        let name_only = Person::new(Some("陈小明"), None, None);
        assert!(score(&a, &name_only).is_none());
        // Same name and birth date, different address: below the default 0.85.
        let other = Person::new(
            Some("陈小明"),
            Some("北京海淀中关村大街1号"),
            Some("1990-03-07"),
        );
        assert!(score(&a, &other).unwrap().0 < 0.85);
    }
}
