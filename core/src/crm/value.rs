//! Customer value (CRM-11): RFM per customer, and for a period the
//! repurchase rate, average order value, LTV and CAC.
//!
//! Definitions (also in `docs/segments.md`):
//! - **RFM** over purchases of the last `crm.value.rfm_window_days` days:
//!   recency = whole days since the last purchase, frequency = purchases,
//!   monetary = their total. Each is scored 1–5 by quintile among the
//!   customers who bought in the window (5 = most recent, most frequent,
//!   highest spend); tied values share the lower score.
//! - **Repurchase rate** of a period: buyers with two or more purchases in
//!   it / buyers.
//! - **LTV** = average order value × purchases per buyer per year (the
//!   period's rate scaled to 365 days) × `crm.value.lifespan_years` ×
//!   `crm.value.gross_margin`.
//! - **CAC** = acquisition spend given for the period / customers first seen
//!   in it (merged duplicates not counted).

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

use crate::access::Permission;
use crate::error::{Error, Result};
use crate::money::Decimal;
use crate::store::segments::{DAY_MS, first_seen_count, live_map, purchases};
use crate::{Attempt, Engine, store};

/// One customer's RFM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rfm {
    /// The customer (merged customers' purchases count for the survivor).
    pub customer_id: i64,
    /// Last purchase.
    pub last_purchase_at: DateTime<Utc>,
    /// Whole days since the last purchase.
    pub recency_days: u32,
    /// Purchases in the window.
    pub frequency: u32,
    /// Their total.
    pub monetary: Decimal,
    /// 1–5, 5 = most recent.
    pub recency_score: u8,
    /// 1–5, 5 = most frequent.
    pub frequency_score: u8,
    /// 1–5, 5 = highest spend.
    pub monetary_score: u8,
}

/// Value figures of a period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueReport {
    /// Start (inclusive).
    pub from: DateTime<Utc>,
    /// End (exclusive).
    pub to: DateTime<Utc>,
    /// Customers who bought.
    pub buyers: u64,
    /// Purchases.
    pub purchases: u64,
    /// Their total.
    pub revenue: Decimal,
    /// Revenue / purchases, 2 decimals.
    pub average_order_value: Decimal,
    /// Purchases per buyer.
    pub purchase_frequency: f64,
    /// Buyers with two or more purchases.
    pub repeat_buyers: u64,
    /// Repeat buyers / buyers (0 without buyers).
    pub repurchase_rate: f64,
    /// Customers first seen in the period.
    pub new_customers: u64,
    /// The acquisition spend given.
    pub acquisition_spend: Option<Decimal>,
    /// Spend / new customers, 2 decimals (when both are known and positive).
    pub cac: Option<Decimal>,
    /// Lifetime value per customer, 2 decimals (see the module docs).
    pub ltv: Decimal,
    /// LTV / CAC.
    pub ltv_to_cac: Option<f64>,
}

/// Quintile scores 1–5 of `values`, best last in `order`; ties share the
/// lower score.
fn quintiles<T>(values: &[T], order: impl Fn(&T, &T) -> Ordering) -> Vec<u8> {
    let n = values.len();
    let mut idx: Vec<usize> = (0..n).collect();
    idx.sort_by(|a, b| order(&values[*a], &values[*b]));
    let mut out = vec![1u8; n];
    let mut first = 0;
    for (pos, &i) in idx.iter().enumerate() {
        if pos > 0 && order(&values[idx[pos - 1]], &values[i]) != Ordering::Equal {
            first = pos;
        }
        out[i] = u8::try_from(1 + first * 5 / n.max(1)).unwrap_or(5).min(5);
    }
    out
}

fn round2(d: Decimal) -> Decimal {
    let mut d = d.round_dp(2);
    d.rescale(2);
    d
}

fn overflow() -> Error {
    Error::Corrupt {
        message: "purchase totals overflow".into(),
    }
}

impl Engine {
    /// RFM of every customer who bought in the last
    /// `crm.value.rfm_window_days` days, by customer id (CRM-11; needs
    /// `crm.read_sensitive`: amounts are core data).
    pub fn rfm(&self, actor: &str) -> Result<Vec<Rfm>> {
        let key = self.secret_key()?.clone();
        self.mutate(
            actor,
            Permission::CrmReadSensitive,
            Attempt::new("crm.rfm", "customer", "*"),
            |ctx| {
                let now = store::to_ms(ctx.now);
                let window = i64::from(ctx.policy.crm.value.rfm_window_days) * DAY_MS;
                let live = live_map(ctx.tx)?;
                // Purchases up to a day ahead are accepted on input; count them.
                let rows = purchases(ctx.tx, now - window, now + DAY_MS + 1)?;
                let mut per: HashMap<i64, (i64, u32, Decimal)> = HashMap::new();
                for (raw, at, sealed) in rows {
                    let id = live.get(&raw).copied().unwrap_or(raw);
                    let amount = super::open_amount(&key, &sealed)?;
                    let e = per.entry(id).or_insert((at, 0, Decimal::ZERO));
                    e.0 = e.0.max(at);
                    e.1 += 1;
                    e.2 = e.2.checked_add(amount).ok_or_else(overflow)?;
                }
                let mut list: Vec<(i64, (i64, u32, Decimal))> = per.into_iter().collect();
                list.sort_by_key(|(id, _)| *id);
                let vals: Vec<_> = list.iter().map(|(_, v)| *v).collect();
                let r = quintiles(&vals, |a, b| a.0.cmp(&b.0));
                let f = quintiles(&vals, |a, b| a.1.cmp(&b.1));
                let m = quintiles(&vals, |a, b| a.2.cmp(&b.2));
                list.into_iter()
                    .enumerate()
                    .map(|(i, (customer_id, (last, freq, total)))| {
                        Ok(Rfm {
                            customer_id,
                            last_purchase_at: store::from_ms(last)?,
                            recency_days: u32::try_from((now - last).max(0) / DAY_MS)
                                .unwrap_or(u32::MAX),
                            frequency: freq,
                            monetary: total,
                            recency_score: r[i],
                            frequency_score: f[i],
                            monetary_score: m[i],
                        })
                    })
                    .collect()
            },
        )
    }

    /// Value figures of `[from, to)` (CRM-11; needs `crm.read`: figures are
    /// aggregates): buyers, revenue, average order value, repurchase rate,
    /// LTV, and CAC from `acquisition_spend` (exact decimal text, e.g. the
    /// period's acquisition budget actually spent).
    pub fn customer_value(
        &self,
        actor: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        acquisition_spend: Option<&str>,
    ) -> Result<ValueReport> {
        let key = self.secret_key()?.clone();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.value", "customer", "*"),
            |ctx| {
                if to <= from {
                    return Err(Error::validation("to", "must be after from"));
                }
                let spend = acquisition_spend
                    .map(|s| crate::money::parse_amount("acquisition_spend", s))
                    .transpose()?;
                if spend.is_some_and(|s| s.is_sign_negative()) {
                    return Err(Error::validation(
                        "acquisition_spend",
                        "must not be negative",
                    ));
                }
                let (f, t) = (store::to_ms(from), store::to_ms(to));
                let live = live_map(ctx.tx)?;
                let mut per: HashMap<i64, u32> = HashMap::new();
                let mut revenue = Decimal::ZERO;
                let mut count = 0u64;
                for (raw, _, sealed) in purchases(ctx.tx, f, t)? {
                    let id = live.get(&raw).copied().unwrap_or(raw);
                    *per.entry(id).or_default() += 1;
                    revenue = revenue
                        .checked_add(super::open_amount(&key, &sealed)?)
                        .ok_or_else(overflow)?;
                    count += 1;
                }
                let buyers = per.len() as u64;
                let repeat = per.values().filter(|n| **n >= 2).count() as u64;
                let aov = if count > 0 {
                    round2(revenue / Decimal::from(count))
                } else {
                    round2(Decimal::ZERO)
                };
                let frequency = if buyers > 0 {
                    count as f64 / buyers as f64
                } else {
                    0.0
                };
                let days = (t - f) as f64 / DAY_MS as f64;
                let v = &ctx.policy.crm.value;
                let factor = frequency * (365.0 / days) * v.lifespan_years * v.gross_margin;
                let ltv = round2(
                    Decimal::from_f64(factor)
                        .and_then(|x| aov.checked_mul(x))
                        .ok_or_else(|| {
                            Error::validation("from", "the period is too short to scale to a year")
                        })?,
                );
                let new_customers = first_seen_count(ctx.tx, f, t)?;
                let cac = match spend {
                    Some(s) if new_customers > 0 => Some(round2(s / Decimal::from(new_customers))),
                    _ => None,
                };
                let ltv_to_cac = cac
                    .filter(|c| !c.is_zero())
                    .and_then(|c| (ltv / c).to_f64());
                Ok(ValueReport {
                    from,
                    to,
                    buyers,
                    purchases: count,
                    revenue,
                    average_order_value: aov,
                    purchase_frequency: frequency,
                    repeat_buyers: repeat,
                    repurchase_rate: if buyers > 0 {
                        repeat as f64 / buyers as f64
                    } else {
                        0.0
                    },
                    new_customers,
                    acquisition_spend: spend,
                    cac,
                    ltv,
                    ltv_to_cac,
                })
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::quintiles;

    #[test]
    fn quintiles_rank_and_ties_share_the_lower_score() {
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(
            quintiles(&v, |a, b| a.cmp(b)),
            vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
        );
        let same = [7, 7, 7];
        assert_eq!(quintiles(&same, |a, b| a.cmp(b)), vec![1, 1, 1]);
        assert_eq!(quintiles(&[3], |a: &i32, b| a.cmp(b)), vec![1]);
        assert!(quintiles::<i32>(&[], |a, b| a.cmp(b)).is_empty());
        let mixed = [5, 1, 5, 9];
        assert_eq!(quintiles(&mixed, |a, b| a.cmp(b)), vec![2, 1, 2, 4]);
    }
}
