//! SQL of segments (CRM-4): the evaluation of segment rules over the whole
//! customer base or over a
//! scope of customers (the incremental refresh): each condition becomes a
//! set of live customers, groups combine sets. One pass over the customers
//! gives the universe (live, not erased) and the profile fields the rule
//! reads; each behaviour condition is one indexed scan of the interactions,
//! counted per customer in memory. Interactions recorded on a customer later
//! merged count for its survivor.

use std::collections::{BTreeSet, HashMap};

use rusqlite::{Transaction, params};

use crate::crm::segments::{Behaviour, is_product_page, stage_of, tier_of};
use crate::crm::{FieldOp, FieldValue, Rule, Stage, Tier, open_amount};
use crate::crypto::SecretKey;
use crate::error::{Error, Result};
use crate::money::Decimal;
use crate::policy::CrmPolicy;

pub(crate) const DAY_MS: i64 = 86_400_000;

/// A set of customer ids, one bit per id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Bits {
    words: Vec<u64>,
}

impl Bits {
    pub(crate) fn new(size: usize) -> Bits {
        Bits {
            words: vec![0; size.div_ceil(64)],
        }
    }

    fn slot(id: i64) -> Option<usize> {
        usize::try_from(id).ok()
    }

    pub(crate) fn insert(&mut self, id: i64) {
        if let Some(i) = Self::slot(id)
            && let Some(w) = self.words.get_mut(i / 64)
        {
            *w |= 1 << (i % 64);
        }
    }

    pub(crate) fn contains(&self, id: i64) -> bool {
        Self::slot(id)
            .and_then(|i| self.words.get(i / 64).map(|w| w & (1 << (i % 64)) != 0))
            .unwrap_or(false)
    }

    fn and(&mut self, o: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a &= b;
        }
    }

    fn or(&mut self, o: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a |= b;
        }
    }

    /// `self` without the members of `o`.
    fn minus(&mut self, o: &Bits) {
        for (a, b) in self.words.iter_mut().zip(&o.words) {
            *a &= !b;
        }
    }

    pub(crate) fn count(&self) -> u64 {
        self.words.iter().map(|w| u64::from(w.count_ones())).sum()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = i64> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                if w == 0 {
                    return None;
                }
                let b = w.trailing_zeros() as usize;
                w &= w - 1;
                i64::try_from(i * 64 + b).ok()
            })
        })
    }
}

fn corrupt(_: rusqlite::types::FromSqlError) -> Error {
    Error::Corrupt {
        message: "a stored customer value has the wrong type".into(),
    }
}

fn text(v: rusqlite::types::ValueRef<'_>) -> Result<&str> {
    v.as_str().map_err(corrupt)
}

/// Every merged customer → the live (or erased) customer its chain of merges
/// ends in.
pub(crate) fn live_map(tx: &Transaction<'_>) -> Result<HashMap<i64, i64>> {
    let mut live_of = HashMap::new();
    let mut st =
        tx.prepare_cached("SELECT id, merged_into FROM customer WHERE merged_into IS NOT NULL")?;
    let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))?;
    for row in rows {
        let (id, into) = row?;
        live_of.insert(id, into);
    }
    // Resolve chains (a survivor merged again later).
    let keys: Vec<i64> = live_of.keys().copied().collect();
    for id in keys {
        let mut cur = live_of[&id];
        for _ in 0..64 {
            match live_of.get(&cur) {
                Some(&next) => cur = next,
                None => break,
            }
        }
        live_of.insert(id, cur);
    }
    Ok(live_of)
}

/// Purchases at `[from, to)`: customer as stored, time, sealed amount.
pub(crate) fn purchases(
    tx: &Transaction<'_>,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, i64, Vec<u8>)>> {
    let mut st = tx.prepare_cached(
        "SELECT customer_id, at, amount_sealed FROM customer_interaction \
         WHERE +kind = 'purchase' AND at >= ?1 AND at < ?2 AND amount_sealed IS NOT NULL",
    )?;
    let rows = st.query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Live customers first seen at `[from, to)`.
pub(crate) fn first_seen_count(tx: &Transaction<'_>, from: i64, to: i64) -> Result<u64> {
    let n: i64 = tx.query_row(
        "SELECT count(*) FROM customer WHERE created_at >= ?1 AND created_at < ?2 \
         AND merged_into IS NULL AND erased_at IS NULL",
        [from, to],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Everything a rule needs, loaded once per evaluation.
pub(crate) struct Evaluator<'a> {
    tx: &'a Transaction<'a>,
    crm: &'a CrmPolicy,
    key: Option<&'a SecretKey>,
    now_ms: i64,
    scoped: bool,
    size: usize,
    /// Live, not erased customers (in scope).
    pub(crate) universe: Bits,
    /// Merged customer → the live customer it ends in.
    live_of: HashMap<i64, i64>,
    /// Values of the profile fields the rule reads, per live customer.
    fields: HashMap<String, Vec<(i64, String)>>,
    behaviour: Option<HashMap<i64, Behaviour>>,
    tiers: Option<HashMap<i64, Tier>>,
}

impl<'a> Evaluator<'a> {
    /// Prepare an evaluation over every customer (`scope` `None`) or over the
    /// given customers (merged or erased ones fall out of the universe).
    pub(crate) fn new(
        tx: &'a Transaction<'a>,
        crm: &'a CrmPolicy,
        key: Option<&'a SecretKey>,
        now_ms: i64,
        scope: Option<&BTreeSet<i64>>,
        fields: &BTreeSet<String>,
    ) -> Result<Self> {
        let max: i64 = tx.query_row("SELECT coalesce(max(id), 0) FROM customer", [], |r| {
            r.get(0)
        })?;
        let size = usize::try_from(max).unwrap_or(0) + 1;
        let live_of = live_map(tx)?;
        if let Some(scope) = scope {
            tx.execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS seg_scope (id INTEGER PRIMARY KEY); \
                 DELETE FROM temp.seg_scope;",
            )?;
            let mut ins =
                tx.prepare_cached("INSERT OR IGNORE INTO temp.seg_scope (id) VALUES (?1)")?;
            for id in scope {
                ins.execute([id])?;
            }
            // Customers merged into one in scope carry its history.
            for (merged, live) in &live_of {
                if scope.contains(live) {
                    ins.execute([merged])?;
                }
            }
        }
        let mut ev = Evaluator {
            tx,
            crm,
            key,
            now_ms,
            scoped: scope.is_some(),
            size,
            universe: Bits::new(size),
            live_of,
            fields: fields.iter().map(|f| (f.clone(), Vec::new())).collect(),
            behaviour: None,
            tiers: None,
        };
        // One pass: the universe, and each field the rule reads taken out of
        // the stored JSON by SQLite (no per-row map in Rust).
        let names: Vec<String> = fields.iter().cloned().collect();
        let columns: String = (1..=names.len())
            .map(|k| format!(", json_extract(profile, ?{k})"))
            .collect();
        let sql = format!(
            "SELECT id{columns} FROM customer WHERE merged_into IS NULL AND erased_at IS NULL{}",
            ev.scope_sql("id")
        );
        let paths: Vec<String> = names
            .iter()
            .map(|n| format!("$.\"{}\"", n.replace('"', "")))
            .collect();
        let mut st = tx.prepare(&sql)?;
        let mut rows = st.query(rusqlite::params_from_iter(paths.iter()))?;
        let mut cols: Vec<Vec<(i64, String)>> = vec![Vec::new(); names.len()];
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            ev.universe.insert(id);
            for (k, col) in cols.iter_mut().enumerate() {
                if let Some(v) = r.get_ref(k + 1)?.as_str_or_null().map_err(corrupt)? {
                    col.push((id, v.to_owned()));
                }
            }
        }
        ev.fields = names.into_iter().zip(cols).collect();
        Ok(ev)
    }

    /// One more than the highest customer id.
    pub(crate) fn size(&self) -> usize {
        self.size
    }

    /// Prepare an evaluation query. A scoped one reads interactions and
    /// identities through their customer index: a scope is small, and the
    /// planner would otherwise walk the kind index (which covers more
    /// columns) once per customer in scope.
    fn prepare(&self, sql: &str) -> Result<rusqlite::CachedStatement<'a>> {
        if self.scoped {
            let sql = sql
                .replace(
                    "FROM customer_interaction ",
                    "FROM customer_interaction INDEXED BY interaction_by_customer ",
                )
                .replace(
                    "FROM customer_source ",
                    "FROM customer_source INDEXED BY source_by_holder ",
                );
            Ok(self.tx.prepare_cached(&sql)?)
        } else {
            Ok(self.tx.prepare_cached(sql)?)
        }
    }

    fn scope_sql(&self, column: &str) -> String {
        if self.scoped {
            format!(" AND {column} IN temp.seg_scope")
        } else {
            String::new()
        }
    }

    fn live(&self, raw: i64) -> i64 {
        self.live_of.get(&raw).copied().unwrap_or(raw)
    }

    fn since(&self, within_days: Option<u32>) -> i64 {
        within_days.map_or(i64::MIN, |d| {
            self.now_ms.saturating_sub(i64::from(d) * DAY_MS)
        })
    }

    fn key(&self) -> Result<&'a SecretKey> {
        self.key.ok_or_else(|| Error::Configuration {
            message: "no secret key was given in EngineOptions; purchase amounts cannot be read"
                .into(),
        })
    }

    /// The customers of the universe for which `keep(id)` holds.
    fn filter(&self, keep: impl Fn(i64) -> bool) -> Bits {
        let mut out = Bits::new(self.size);
        for id in self.universe.iter() {
            if keep(id) {
                out.insert(id);
            }
        }
        out
    }

    /// Ids of `sql` (first column) mapped to their live customer, within the
    /// universe.
    fn ids(&self, sql: &str, p: impl rusqlite::Params) -> Result<Bits> {
        let mut out = Bits::new(self.size);
        let mut st = self.prepare(sql)?;
        let mut rows = st.query(p)?;
        while let Some(r) = rows.next()? {
            let id = self.live(r.get(0)?);
            if self.universe.contains(id) {
                out.insert(id);
            }
        }
        Ok(out)
    }

    /// Purchase totals per live customer since `since`.
    fn spend(&self, since: i64, only: Option<&Bits>) -> Result<HashMap<i64, Decimal>> {
        let key = self.key()?;
        let mut out: HashMap<i64, Decimal> = HashMap::new();
        let sql = format!(
            // `+kind`: a sequential pass over the table beats the kind index
            // here, whose every hit would fetch its row for the amount.
            "SELECT customer_id, amount_sealed FROM customer_interaction \
             WHERE +kind = 'purchase' AND at >= ?1{}",
            self.scope_sql("customer_id")
        );
        let mut st = self.prepare(&sql)?;
        let mut rows = st.query([since])?;
        while let Some(r) = rows.next()? {
            let id = self.live(r.get(0)?);
            if !self.universe.contains(id) || only.is_some_and(|o| !o.contains(id)) {
                continue;
            }
            let Some(sealed) = r.get_ref(1)?.as_blob_or_null().map_err(corrupt)? else {
                continue;
            };
            let a = open_amount(key, sealed)?;
            let t = out.entry(id).or_default();
            *t = t.checked_add(a).ok_or_else(|| Error::Corrupt {
                message: "purchase totals overflow".into(),
            })?;
        }
        Ok(out)
    }

    /// Behaviour in the lifecycle window, per live customer with any.
    pub(crate) fn behaviour(&mut self) -> Result<&HashMap<i64, Behaviour>> {
        self.load_behaviour()?;
        Ok(self.behaviour.get_or_insert_default())
    }

    fn load_behaviour(&mut self) -> Result<()> {
        if self.behaviour.is_none() {
            let since = self.since(Some(self.crm.lifecycle.window_days));
            let sql = format!(
                "SELECT customer_id, kind, page FROM customer_interaction \
                 WHERE kind IN ('view', 'click', 'path_step', 'purchase') AND at >= ?1{}",
                self.scope_sql("customer_id")
            );
            let mut map: HashMap<i64, Behaviour> = HashMap::new();
            let mut st = self.prepare(&sql)?;
            let mut rows = st.query([since])?;
            while let Some(r) = rows.next()? {
                let id = self.live(r.get(0)?);
                if !self.universe.contains(id) {
                    continue;
                }
                let b = map.entry(id).or_default();
                let kind = text(r.get_ref(1)?)?;
                if kind == "purchase" {
                    b.purchases += 1;
                } else {
                    b.engagements += 1;
                    if kind != "click"
                        && r.get_ref(2)?
                            .as_str_or_null()
                            .map_err(corrupt)?
                            .is_some_and(is_product_page)
                    {
                        b.product_views += 1;
                    }
                }
            }
            self.behaviour = Some(map);
        }
        Ok(())
    }

    /// The stage of a live customer of the universe.
    pub(crate) fn stage(&mut self, id: i64) -> Result<Stage> {
        let crm = self.crm;
        let b = self.behaviour()?.get(&id).copied().unwrap_or_default();
        Ok(stage_of(b, crm))
    }

    /// Community tiers of the members of the universe.
    pub(crate) fn tiers(&mut self) -> Result<&HashMap<i64, Tier>> {
        self.load_tiers()?;
        Ok(self.tiers.get_or_insert_default())
    }

    fn load_tiers(&mut self) -> Result<()> {
        if self.tiers.is_none() {
            let members = self.ids(
                &format!(
                    "SELECT customer_id FROM customer_interaction WHERE kind = 'community_join' \
                     AND at >= ?1{}",
                    self.scope_sql("customer_id")
                ),
                [i64::MIN],
            )?;
            let mut counts: HashMap<i64, u32> = members.iter().map(|m| (m, 0)).collect();
            let sql = format!(
                "SELECT customer_id FROM customer_interaction WHERE kind = 'purchase' AND at >= ?1{}",
                self.scope_sql("customer_id")
            );
            {
                let mut st = self.prepare(&sql)?;
                let mut rows = st.query([i64::MIN])?;
                while let Some(r) = rows.next()? {
                    if let Some(c) = counts.get_mut(&self.live(r.get(0)?)) {
                        *c += 1;
                    }
                }
            }
            // Amounts are opened only for members the count alone leaves
            // short of VIP.
            let vip_by_count = self.crm.community.vip_min_purchases;
            let mut short = Bits::new(self.size);
            for (&id, &n) in &counts {
                if n < vip_by_count {
                    short.insert(id);
                }
            }
            let spend = if short.count() > 0 {
                self.spend(i64::MIN, Some(&short))?
            } else {
                HashMap::new()
            };
            let crm = self.crm;
            let tiers = counts
                .into_iter()
                .map(|(id, n)| {
                    let s = spend.get(&id).copied().unwrap_or_default();
                    (id, tier_of(n, s, crm))
                })
                .collect();
            self.tiers = Some(tiers);
        }
        Ok(())
    }

    /// The customers of the universe the rule holds for.
    pub(crate) fn eval(&mut self, rule: &Rule) -> Result<Bits> {
        Ok(match rule {
            Rule::All(v) => {
                let mut acc = self.universe.clone();
                for r in v {
                    let b = self.eval(r)?;
                    acc.and(&b);
                }
                acc
            }
            Rule::Any(v) => {
                let mut acc = Bits::new(self.size);
                for r in v {
                    let b = self.eval(r)?;
                    acc.or(&b);
                }
                acc
            }
            Rule::Not(r) => {
                let mut acc = self.universe.clone();
                let b = self.eval(r)?;
                acc.minus(&b);
                acc
            }
            Rule::Field(f) => {
                let empty = Vec::new();
                let col = self.fields.get(&f.name).unwrap_or(&empty);
                let values: Vec<&str> = match &f.value {
                    Some(FieldValue::One(v)) => vec![v.as_str()],
                    Some(FieldValue::Many(v)) => v.iter().map(String::as_str).collect(),
                    None => Vec::new(),
                };
                let hit = |v: &str| match f.op {
                    FieldOp::Eq | FieldOp::Ne | FieldOp::In | FieldOp::NotIn => values.contains(&v),
                    FieldOp::Contains => values.iter().any(|x| v.contains(x)),
                    FieldOp::StartsWith => values.iter().any(|x| v.starts_with(x)),
                    FieldOp::Exists | FieldOp::Missing => true,
                };
                let mut matched = Bits::new(self.size);
                for (id, v) in col {
                    if hit(v) {
                        matched.insert(*id);
                    }
                }
                if matches!(f.op, FieldOp::Ne | FieldOp::NotIn | FieldOp::Missing) {
                    let mut acc = self.universe.clone();
                    acc.minus(&matched);
                    acc
                } else {
                    matched
                }
            }
            Rule::Events(e) => {
                // Counts by id, in a flat array (ids are dense).
                let mut counts = vec![0u32; self.size];
                let sql = format!(
                    "SELECT customer_id FROM customer_interaction WHERE kind = ?1 AND at >= ?2{}{}",
                    if e.page.is_some() {
                        " AND page = ?3"
                    } else {
                        " AND ?3 IS NULL"
                    },
                    self.scope_sql("customer_id")
                );
                let mut st = self.prepare(&sql)?;
                let mut rows =
                    st.query(params![e.kind.as_str(), self.since(e.within_days), e.page])?;
                while let Some(r) = rows.next()? {
                    let id = self.live(r.get(0)?);
                    if let Some(c) = usize::try_from(id).ok().and_then(|i| counts.get_mut(i)) {
                        *c += 1;
                    }
                }
                let max = e.at_most.unwrap_or(u32::MAX);
                self.filter(|id| {
                    let n = usize::try_from(id)
                        .ok()
                        .and_then(|i| counts.get(i))
                        .copied()
                        .unwrap_or(0);
                    n >= e.at_least && n <= max
                })
            }
            Rule::Spend(s) => {
                let totals = self.spend(self.since(s.within_days), None)?;
                self.filter(|id| {
                    let t = totals.get(&id).copied().unwrap_or_default();
                    s.at_least.is_none_or(|a| t >= a) && s.at_most.is_none_or(|b| t <= b)
                })
            }
            Rule::Stage(stages) => {
                let crm = self.crm;
                self.load_behaviour()?;
                let empty = HashMap::new();
                let map = self.behaviour.as_ref().unwrap_or(&empty);
                let mut out = Bits::new(self.size);
                for id in self.universe.iter() {
                    let b = map.get(&id).copied().unwrap_or_default();
                    if stages.contains(&stage_of(b, crm)) {
                        out.insert(id);
                    }
                }
                out
            }
            Rule::Tier(tiers) => {
                self.load_tiers()?;
                let empty = HashMap::new();
                let map = self.tiers.as_ref().unwrap_or(&empty);
                let mut out = Bits::new(self.size);
                for (&id, t) in map {
                    if tiers.contains(t) {
                        out.insert(id);
                    }
                }
                out
            }
            // The blind index is keyed by kind and value: a range of it
            // over the whole base, the values (indexed by customer) in scope.
            Rule::HasIdentity(kind) if self.scoped => self.ids(
                &format!(
                    "SELECT holder_id FROM customer_source WHERE fresh != 0 AND kinds & ?1 != 0{}",
                    self.scope_sql("holder_id")
                ),
                [1i64 << kind.code()],
            )?,
            Rule::HasIdentity(kind) => self.ids(
                "SELECT customer_id FROM customer_identity WHERE kind = ?1",
                [kind.code()],
            )?,
            Rule::Consent(c) => {
                // The latest decision recorded on the customer itself, as
                // `record_send` checks it.
                let sql = format!(
                    "SELECT customer_id, granted FROM customer_consent \
                     WHERE channel = ?1 AND purpose = ?2{} ORDER BY recorded_at, rowid",
                    self.scope_sql("customer_id")
                );
                let mut latest: HashMap<i64, bool> = HashMap::new();
                let mut st = self.prepare(&sql)?;
                let mut rows = st.query(params![c.channel, c.purpose])?;
                while let Some(r) = rows.next()? {
                    latest.insert(r.get(0)?, r.get(1)?);
                }
                self.filter(|id| latest.get(&id).copied().unwrap_or(false))
            }
            Rule::FirstSeen(w) => self.ids(
                &format!(
                    "SELECT id FROM customer WHERE created_at >= ?1 AND merged_into IS NULL \
                     AND erased_at IS NULL{}",
                    self.scope_sql("id")
                ),
                [self.since(Some(w.within_days))],
            )?,
        })
    }
}

/// Every interaction kind, for scans that must see them all.
const ALL_KINDS: &str =
    "('view', 'click', 'path_step', 'purchase', 'service_ticket', 'community_join')";

/// A stored segment.
pub(crate) struct SegmentRow {
    pub name: String,
    pub origin: String,
    pub label: String,
    pub description: String,
    pub rule: String,
    pub digest: Vec<u8>,
    pub refreshed_rev: i64,
    pub refreshed_at: i64,
    pub members: i64,
    pub defined_by: String,
    pub defined_at: i64,
}

const COLUMNS: &str = "name, origin, label, description, rule, digest, refreshed_rev, \
     refreshed_at, members, defined_by, defined_at";

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SegmentRow> {
    Ok(SegmentRow {
        name: r.get(0)?,
        origin: r.get(1)?,
        label: r.get(2)?,
        description: r.get(3)?,
        rule: r.get(4)?,
        digest: r.get(5)?,
        refreshed_rev: r.get(6)?,
        refreshed_at: r.get(7)?,
        members: r.get(8)?,
        defined_by: r.get(9)?,
        defined_at: r.get(10)?,
    })
}

pub(crate) fn get(tx: &Transaction<'_>, name: &str) -> Result<Option<SegmentRow>> {
    use rusqlite::OptionalExtension;
    let sql = format!("SELECT {COLUMNS} FROM segment WHERE name = ?1");
    Ok(tx.prepare_cached(&sql)?.query_row([name], row).optional()?)
}

pub(crate) fn all(tx: &Transaction<'_>) -> Result<Vec<SegmentRow>> {
    let sql = format!("SELECT {COLUMNS} FROM segment ORDER BY origin DESC, name");
    let mut st = tx.prepare_cached(&sql)?;
    let rows = st.query_map([], row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Define or redefine a segment; a changed rule makes the next refresh full
/// (its digest no longer matches).
pub(crate) fn define(tx: &Transaction<'_>, s: &SegmentRow) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO segment (name, origin, label, description, rule, digest, refreshed_rev, \
         refreshed_at, members, defined_by, defined_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, -1, ?7, 0, ?8, ?9) \
         ON CONFLICT (name) DO UPDATE SET origin = ?2, label = ?3, description = ?4, rule = ?5, \
         digest = ?6, defined_by = ?8, defined_at = ?9",
    )?
    .execute(params![
        s.name,
        s.origin,
        s.label,
        s.description,
        s.rule,
        s.digest,
        s.refreshed_at,
        s.defined_by,
        s.defined_at
    ])?;
    Ok(())
}

/// Record a refresh.
pub(crate) fn refreshed(
    tx: &Transaction<'_>,
    name: &str,
    digest: &[u8],
    rev: i64,
    at: i64,
    members: u64,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE segment SET digest = ?2, refreshed_rev = ?3, refreshed_at = ?4, members = ?5 \
         WHERE name = ?1",
    )?
    .execute(params![
        name,
        digest,
        rev,
        at,
        i64::try_from(members).unwrap_or(i64::MAX)
    ])?;
    Ok(())
}

pub(crate) fn delete(tx: &Transaction<'_>, name: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM segment_member WHERE segment = ?1")?
        .execute([name])?;
    tx.prepare_cached("DELETE FROM segment WHERE name = ?1")?
        .execute([name])?;
    Ok(())
}

/// The members as stored.
pub(crate) fn members(tx: &Transaction<'_>, name: &str, size: usize) -> Result<Bits> {
    let mut out = Bits::new(size);
    let mut st = tx.prepare_cached("SELECT customer_id FROM segment_member WHERE segment = ?1")?;
    let mut rows = st.query([name])?;
    while let Some(r) = rows.next()? {
        out.insert(r.get(0)?);
    }
    Ok(out)
}

pub(crate) fn is_member(tx: &Transaction<'_>, name: &str, id: i64) -> Result<bool> {
    use rusqlite::OptionalExtension;
    Ok(tx
        .prepare_cached("SELECT 1 FROM segment_member WHERE segment = ?1 AND customer_id = ?2")?
        .query_row(params![name, id], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(crate) fn set_member(tx: &Transaction<'_>, name: &str, id: i64, member: bool) -> Result<()> {
    let sql = if member {
        "INSERT OR IGNORE INTO segment_member (segment, customer_id) VALUES (?1, ?2)"
    } else {
        "DELETE FROM segment_member WHERE segment = ?1 AND customer_id = ?2"
    };
    tx.prepare_cached(sql)?.execute(params![name, id])?;
    Ok(())
}

/// A page of members, by id.
pub(crate) fn member_page(
    tx: &Transaction<'_>,
    name: &str,
    offset: u64,
    limit: u64,
) -> Result<Vec<i64>> {
    let mut st = tx.prepare_cached(
        "SELECT customer_id FROM segment_member WHERE segment = ?1 ORDER BY customer_id \
         LIMIT ?2 OFFSET ?3",
    )?;
    let rows = st.query_map(
        params![
            name,
            i64::try_from(limit).unwrap_or(i64::MAX),
            i64::try_from(offset).unwrap_or(i64::MAX)
        ],
        |r| r.get(0),
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest change stamp of any customer.
pub(crate) fn max_rev(tx: &Transaction<'_>) -> Result<i64> {
    Ok(
        tx.query_row("SELECT coalesce(max(rev), 0) FROM customer", [], |r| {
            r.get(0)
        })?,
    )
}

/// Customers changed after stamp `rev`.
pub(crate) fn changed_since(tx: &Transaction<'_>, rev: i64) -> Result<Vec<i64>> {
    let mut st = tx.prepare_cached("SELECT id FROM customer WHERE rev > ?1")?;
    let rows = st.query_map([rev], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Customers with an interaction, or first seen, in `[lo, hi)`: those a
/// relative window moving from `lo` to `hi` may have let go.
pub(crate) fn crossed(tx: &Transaction<'_>, lo: i64, hi: i64) -> Result<Vec<i64>> {
    let sql = format!(
        "SELECT customer_id FROM customer_interaction WHERE kind IN {ALL_KINDS} \
         AND at >= ?1 AND at < ?2 \
         UNION SELECT id FROM customer WHERE created_at >= ?1 AND created_at < ?2"
    );
    let mut st = tx.prepare_cached(&sql)?;
    let rows = st.query_map([lo, hi], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_combine_and_iterate() {
        let mut a = Bits::new(200);
        let mut b = Bits::new(200);
        for i in [1, 64, 65, 199] {
            a.insert(i);
        }
        for i in [64, 100, 199] {
            b.insert(i);
        }
        let mut and = a.clone();
        and.and(&b);
        assert_eq!(and.iter().collect::<Vec<_>>(), vec![64, 199]);
        let mut or = a.clone();
        or.or(&b);
        assert_eq!(or.count(), 5);
        let mut minus = a.clone();
        minus.minus(&b);
        assert_eq!(minus.iter().collect::<Vec<_>>(), vec![1, 65]);
        assert!(!a.contains(-1) && !a.contains(10_000));
        a.insert(10_000); // out of range: ignored
        assert_eq!(a.count(), 4);
    }

    #[test]
    fn interaction_kinds_listed() {
        for k in crate::crm::InteractionKind::ALL {
            assert!(ALL_KINDS.contains(&format!("'{}'", k.as_str())));
        }
    }
}
