//! Customer value (CRM-11): RFM per customer, and for a period the buyers,
//! revenue, average order value, repurchase rate, LTV and CAC.
//!
//! Money crosses as decimal strings with their exact digits (`"380"`,
//! `"95.00"`), as everywhere in this binding; the acquisition spend given is
//! read by the core's one amount parser. Ratios (`purchaseFrequency`,
//! `repurchaseRate`, `ltvToCac`) are `Double`s. Both reads open purchase
//! amounts, so they need the engine's secret key (`Configuration` without).
//!
//! Definitions:
//! - RFM over the purchases of the last `crm.value.rfm_window_days` days:
//!   recency = whole days since the last purchase, frequency = purchases,
//!   monetary = their total, each scored 1–5 by quintile among the customers
//!   who bought in the window (5 = most recent, most frequent, highest
//!   spend); tied values share the lower score.
//! - Repurchase rate: buyers with two or more purchases in the period /
//!   buyers.
//! - LTV = average order value × purchases per buyer per year (the period's
//!   rate scaled to 365 days) × `crm.value.lifespan_years` ×
//!   `crm.value.gross_margin`.
//! - CAC = acquisition spend / customers first seen in the period.

use std::time::SystemTime;

use brandrail::crm as core;

use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time, utc};

/// One customer's RFM, from `rfm`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Rfm {
    /// The customer (merged customers' purchases count for the survivor).
    pub customer_id: i64,
    /// Last purchase.
    pub last_purchase_at: SystemTime,
    /// Whole days since the last purchase.
    pub recency_days: u32,
    /// Purchases in the window.
    pub frequency: u32,
    /// Their total, a decimal string (`"180"`, `"5000.00"`).
    pub monetary: String,
    /// 1–5, 5 = most recent.
    pub recency_score: u8,
    /// 1–5, 5 = most frequent.
    pub frequency_score: u8,
    /// 1–5, 5 = highest spend.
    pub monetary_score: u8,
}

impl From<core::Rfm> for Rfm {
    fn from(r: core::Rfm) -> Self {
        Self {
            customer_id: r.customer_id,
            last_purchase_at: system_time(r.last_purchase_at),
            recency_days: r.recency_days,
            frequency: r.frequency,
            monetary: r.monetary.to_string(),
            recency_score: r.recency_score,
            frequency_score: r.frequency_score,
            monetary_score: r.monetary_score,
        }
    }
}

/// Value figures of a period, from `customerValue`.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ValueReport {
    /// Start (inclusive).
    pub from: SystemTime,
    /// End (exclusive).
    pub to: SystemTime,
    /// Customers who bought (a merged customer counts once).
    pub buyers: u64,
    /// Purchases.
    pub purchases: u64,
    /// Their total, a decimal string.
    pub revenue: String,
    /// Revenue / purchases with 2 decimals, a decimal string (`"0.00"`
    /// without purchases).
    pub average_order_value: String,
    /// Purchases per buyer (0 without buyers).
    pub purchase_frequency: f64,
    /// Buyers with two or more purchases.
    pub repeat_buyers: u64,
    /// Repeat buyers / buyers (0 without buyers).
    pub repurchase_rate: f64,
    /// Customers first seen in the period (merged duplicates not counted).
    pub new_customers: u64,
    /// The acquisition spend given, a decimal string; `nil`/`null` when none
    /// was.
    pub acquisition_spend: Option<String>,
    /// Spend / new customers with 2 decimals, a decimal string; `nil`/`null`
    /// without a spend or without new customers.
    pub cac: Option<String>,
    /// Lifetime value per customer with 2 decimals, a decimal string.
    pub ltv: String,
    /// LTV / CAC; `nil`/`null` without a CAC above 0.
    pub ltv_to_cac: Option<f64>,
}

impl From<core::ValueReport> for ValueReport {
    fn from(v: core::ValueReport) -> Self {
        Self {
            from: system_time(v.from),
            to: system_time(v.to),
            buyers: v.buyers,
            purchases: v.purchases,
            revenue: v.revenue.to_string(),
            average_order_value: v.average_order_value.to_string(),
            purchase_frequency: v.purchase_frequency,
            repeat_buyers: v.repeat_buyers,
            repurchase_rate: v.repurchase_rate,
            new_customers: v.new_customers,
            acquisition_spend: v.acquisition_spend.map(|d| d.to_string()),
            cac: v.cac.map(|d| d.to_string()),
            ltv: v.ltv.to_string(),
            ltv_to_cac: v.ltv_to_cac,
        }
    }
}

fn rfm(engine: &brandrail::Engine, actor: &str) -> Result<Vec<Rfm>, BrandrailError> {
    Ok(all(engine.rfm(actor)?))
}

#[uniffi::export]
impl Engine {
    /// The RFM of every customer who bought in the last
    /// `crm.value.rfm_window_days` days, by customer id (CRM-11; needs
    /// `crm.read_sensitive`: amounts are core data, and the secret key).
    pub fn rfm(&self, actor: &str) -> Result<Vec<Rfm>, BrandrailError> {
        rfm(self.core(), actor)
    }

    /// `rfm` on a worker thread: awaiting it never blocks the caller's
    /// thread, however many purchases it opens.
    pub async fn rfm_async(&self, actor: String) -> Result<Vec<Rfm>, BrandrailError> {
        self.in_background(move |engine| rfm(engine, &actor)).await
    }

    /// Value figures of `[from, to)` (CRM-11; needs `crm.read`: figures are
    /// aggregates, and the secret key): buyers, purchases, revenue, average
    /// order value, purchase frequency, repeat buyers and repurchase rate,
    /// new customers, LTV, and CAC from `acquisitionSpend` (a decimal string,
    /// the acquisition budget actually spent in the period; `nil`/`null` for
    /// no CAC). `Validation` naming `to` (not after `from`),
    /// `acquisition_spend` (not a decimal string, or negative) or `from` (a
    /// period too short to scale to a year).
    pub fn customer_value(
        &self,
        actor: &str,
        from: SystemTime,
        to: SystemTime,
        acquisition_spend: Option<String>,
    ) -> Result<ValueReport, BrandrailError> {
        let (from, to) = (utc("from", from)?, utc("to", to)?);
        Ok(self
            .core()
            .customer_value(actor, from, to, acquisition_spend.as_deref())?
            .into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_keeps_its_digits() {
        let at = chrono::DateTime::from_timestamp(1_780_300_800, 0).unwrap();
        let r = Rfm::from(core::Rfm {
            customer_id: 5,
            last_purchase_at: at,
            recency_days: 215,
            frequency: 1,
            monetary: "5000.00".parse().unwrap(),
            recency_score: 1,
            frequency_score: 1,
            monetary_score: 4,
        });
        assert_eq!(r.monetary, "5000.00");
        assert_eq!(r.last_purchase_at, system_time(at));
        let v = ValueReport::from(core::ValueReport {
            from: at,
            to: at,
            buyers: 2,
            purchases: 4,
            revenue: "380".parse().unwrap(),
            average_order_value: "95.00".parse().unwrap(),
            purchase_frequency: 2.0,
            repeat_buyers: 2,
            repurchase_rate: 1.0,
            new_customers: 3,
            acquisition_spend: Some("500".parse().unwrap()),
            cac: Some("166.67".parse().unwrap()),
            ltv: "0.00".parse().unwrap(),
            ltv_to_cac: None,
        });
        assert_eq!(
            (v.revenue.as_str(), v.average_order_value.as_str()),
            ("380", "95.00")
        );
        assert_eq!(v.acquisition_spend.as_deref(), Some("500"));
        assert_eq!(v.cac.as_deref(), Some("166.67"));
        assert_eq!(v.ltv, "0.00");
    }
}
