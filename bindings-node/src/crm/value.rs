//! Customer value (CRM-11): RFM per customer (`rfm`, `rfmAsync`) and the
//! value figures of a period (`customerValue`: repurchase rate, average order
//! value, LTV and CAC). Definitions are core's (`docs/segments.md`).
//!
//! Money is a decimal string both ways (`'166.67'`), exact, as everywhere in
//! this API; ratios (`purchaseFrequency`, `repurchaseRate`, `ltvToCac`) are JS
//! numbers; times are `Date`s, as for `funnel(from, to)`.

use brandrail::crm;
use napi::Env;
use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::convert::{Date, all, money_text, number};
use crate::engine::{Background, Engine};
use crate::error::{OrThrow, renamed};

/// One customer's RFM over the purchases of the last
/// `crm.value.rfm_window_days` days. Each score is 1–5 by quintile among the
/// customers who bought in the window (5 = most recent, most frequent,
/// highest spend); tied values share the lower score.
#[napi(object, object_from_js = false)]
pub struct Rfm {
    /// The customer (purchases of customers merged into it count for it).
    pub customer_id: i64,
    /// Last purchase.
    pub last_purchase_at: Date,
    /// Whole days since the last purchase.
    pub recency_days: u32,
    /// Purchases in the window.
    pub frequency: u32,
    /// Their total, a decimal string (`'180'`, `'5000.00'`).
    pub monetary: String,
    /// Recency score, 1–5 (5 = most recent).
    pub recency_score: u32,
    /// Frequency score, 1–5 (5 = most frequent).
    pub frequency_score: u32,
    /// Monetary score, 1–5 (5 = highest spend).
    pub monetary_score: u32,
}

impl From<crm::Rfm> for Rfm {
    fn from(r: crm::Rfm) -> Self {
        Rfm {
            customer_id: r.customer_id,
            last_purchase_at: r.last_purchase_at.into(),
            recency_days: r.recency_days,
            frequency: r.frequency,
            monetary: money_text(r.monetary),
            recency_score: r.recency_score.into(),
            frequency_score: r.frequency_score.into(),
            monetary_score: r.monetary_score.into(),
        }
    }
}

/// The value figures of a period `[from, to)`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct ValueReport {
    /// Start (inclusive).
    pub from: Date,
    /// End (exclusive).
    pub to: Date,
    /// Customers who bought in the period.
    pub buyers: f64,
    /// Purchases.
    pub purchases: f64,
    /// Their total, a decimal string.
    pub revenue: String,
    /// Revenue / purchases to 2 decimals, a decimal string (`'95.00'`).
    pub average_order_value: String,
    /// Purchases per buyer.
    pub purchase_frequency: f64,
    /// Buyers with two or more purchases in the period.
    pub repeat_buyers: f64,
    /// Repeat buyers / buyers (0 without buyers).
    pub repurchase_rate: f64,
    /// Customers first seen in the period (merged duplicates not counted).
    pub new_customers: f64,
    /// The acquisition spend given, or `null`.
    pub acquisition_spend: Option<String>,
    /// Customer acquisition cost: spend / new customers to 2 decimals, a
    /// decimal string; `null` unless both are known and above 0.
    pub cac: Option<String>,
    /// Lifetime value per customer to 2 decimals, a decimal string: average
    /// order value × purchases per buyer per year × `crm.value.lifespan_years`
    /// × `crm.value.gross_margin`.
    pub ltv: String,
    /// LTV / CAC, or `null` without a CAC.
    pub ltv_to_cac: Option<f64>,
}

impl From<crm::ValueReport> for ValueReport {
    fn from(v: crm::ValueReport) -> Self {
        ValueReport {
            from: v.from.into(),
            to: v.to.into(),
            buyers: number(v.buyers),
            purchases: number(v.purchases),
            revenue: money_text(v.revenue),
            average_order_value: money_text(v.average_order_value),
            purchase_frequency: v.purchase_frequency,
            repeat_buyers: number(v.repeat_buyers),
            repurchase_rate: v.repurchase_rate,
            new_customers: number(v.new_customers),
            acquisition_spend: v.acquisition_spend.map(money_text),
            cac: v.cac.map(money_text),
            ltv: money_text(v.ltv),
            ltv_to_cac: v.ltv_to_cac,
        }
    }
}

#[napi]
impl Engine {
    /// RFM of every customer who bought in the last
    /// `crm.value.rfm_window_days` days, by customer id (CRM-11; needs
    /// `crm.read_sensitive`: amounts are core data; and the `secretKey`,
    /// else `'configuration'`).
    #[napi(strict, catch_unwind)]
    pub fn rfm(&self, env: &Env, actor: String) -> napi::Result<Vec<Rfm>> {
        self.inner.rfm(&actor).map(all).or_throw(env)
    }

    /// `rfm` off the JS thread (on the libuv thread pool), for large customer
    /// bases. Engine errors reject the promise.
    #[napi(strict, catch_unwind, ts_return_type = "Promise<Array<Rfm>>")]
    pub fn rfm_async(&self, actor: String) -> AsyncTask<Background<Vec<Rfm>>> {
        AsyncTask::new(self.background(move |engine| engine.rfm(&actor).map(all)))
    }

    /// Value figures of `[from, to)` (CRM-11; needs `crm.read`: the figures
    /// are aggregates; and the `secretKey`, else `'configuration'`): buyers,
    /// revenue, average order value, repurchase rate, LTV, and the CAC from
    /// `acquisitionSpend`, the period's acquisition spend as a decimal string
    /// (`'500'`). Throws `'validation'` for `to` not after `from` (field
    /// `'to'`), an `Invalid Date` (`'from'`, `'to'`), and a malformed or
    /// negative spend (field `'acquisitionSpend'`).
    #[napi(strict, catch_unwind)]
    pub fn customer_value(
        &self,
        env: &Env,
        actor: String,
        from: Date,
        to: Date,
        acquisition_spend: Option<String>,
    ) -> napi::Result<ValueReport> {
        from.to_utc("from")
            .and_then(|from| Ok((from, to.to_utc("to")?)))
            .and_then(|(from, to)| {
                self.inner
                    .customer_value(&actor, from, to, acquisition_spend.as_deref())
                    .map_err(|e| renamed("acquisition_spend", "acquisitionSpend", e))
            })
            .map(ValueReport::from)
            .or_throw(env)
    }
}
