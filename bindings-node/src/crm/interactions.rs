//! Interactions (CRM-3): views, clicks, click-path steps, purchases, service
//! tickets and community joins recorded in batches with a per-row report, as
//! `ingestCustomers` is (`recordInteractions`, `recordInteractionsAsync`); a
//! customer's history, purchase summary and click-path funnels; and the
//! module-level `interactionKinds`.
//!
//! As with customer records, a bad value in a row does not throw: core
//! judges every row and reports the refused ones. The values core has no
//! representation for are row errors too, reported by the binding in core's
//! place: a `kind` that is not one of `interactionKinds()` (field `'kind'`),
//! a `customerId` that is not a safe integer (field `'customer_id'`), an
//! `Invalid Date` (field `'at'`). Such a row goes to core as an interaction
//! of customer 0, which no customer is, so core refuses it without touching
//! anything (its counts and audit record see every row), and its error is
//! replaced by the binding's.
//!
//! A JS value of the wrong type throws for the whole call, before anything
//! is recorded (synchronously even from `recordInteractionsAsync`), with
//! napi-rs's code and the row in the message (`interactions[3]: …`).
//!
//! Amounts are decimal strings both ways (`'299.00'`), exact, parsed by core.

use std::collections::BTreeMap;
use std::mem;

use brandrail::crm::{self, InteractionKind};
use chrono::DateTime;
use napi::bindgen_prelude::{AsyncTask, FromNapiValue, TypeName, ValidateNapiValue};
use napi::{Env, Status, ValueType, sys};
use napi_derive::napi;

use super::{RowError, objects, with_ours};
use crate::convert::{Date, all, money_text, number, read_array, whole};
use crate::engine::{Background, Engine};
use crate::error::OrThrow;

/// One interaction to record, a row of `recordInteractions`.
#[napi(object, object_to_js = false)]
pub struct NewInteraction {
    /// The customer (a safe integer); a merged id records on the customer it
    /// was merged into.
    pub customer_id: f64,
    /// What happened (see `interactionKinds()`).
    #[napi(
        ts_type = "'view' | 'click' | 'path_step' | 'purchase' | 'service_ticket' | 'community_join'"
    )]
    pub kind: String,
    /// When; at most a day ahead of the engine's clock.
    pub at: Date,
    /// The page or step (`'home'`, `'product'`, `'reviews'`, a URL path):
    /// display text, required for `'view'`, `'click'` and `'path_step'`.
    pub page: Option<String>,
    /// The amount of a purchase, as a decimal string (`'299.00'`) above 0:
    /// required for a `'purchase'`, refused for every other kind.
    pub amount: Option<String>,
    /// Where (`'wechat_mini_program'`, `'pos'`, `'douyin'`): `a-z 0-9 . _ -`.
    pub channel: Option<String>,
}

impl NewInteraction {
    /// The interaction for core, or the row error of the first value core
    /// has no representation for (`row` is its index in the batch).
    fn into_core(self, row: usize) -> Result<crm::NewInteraction, crm::RowError> {
        let err = |field: &str, message: String| crm::RowError {
            row,
            field: field.into(),
            code: "validation".into(),
            message,
        };
        let customer_id = whole::<i64>("customer_id", self.customer_id)
            .map_err(|_| err("customer_id", "not a whole number (a safe integer)".into()))?;
        let kind = self.kind.parse::<InteractionKind>().map_err(|_| {
            let kinds: Vec<&str> = InteractionKind::ALL.iter().map(|k| k.as_str()).collect();
            err(
                "kind",
                format!(
                    "not an interaction kind; expected one of: {}",
                    kinds.join(", ")
                ),
            )
        })?;
        let at = self
            .at
            .to_utc("at")
            .map_err(|_| err("at", "is an Invalid Date or out of range".into()))?;
        Ok(crm::NewInteraction {
            customer_id,
            kind,
            at,
            page: self.page,
            amount: self.amount,
            channel: self.channel,
        })
    }
}

/// The batch argument of `recordInteractions`: a JS array of
/// `NewInteraction` objects, copied when called.
pub struct Interactions(Vec<NewInteraction>);

impl Interactions {
    /// Record the interactions with `engine`: a row the binding cannot
    /// convert goes to core as an interaction of customer 0, which core
    /// refuses without touching anything, and comes back with the binding's
    /// row error instead of core's.
    fn record(
        self,
        engine: &brandrail::Engine,
        actor: &str,
    ) -> brandrail::Result<InteractionReport> {
        let mut rows = Vec::new();
        let mut ours = BTreeMap::new();
        for (row, r) in self.0.into_iter().enumerate() {
            rows.push(r.into_core(row).unwrap_or_else(|e| {
                ours.insert(row, e);
                crm::NewInteraction {
                    customer_id: 0,
                    kind: InteractionKind::View,
                    at: DateTime::UNIX_EPOCH,
                    page: None,
                    amount: None,
                    channel: None,
                }
            }));
        }
        let mut report = engine.record_interactions(actor, &rows)?;
        if !ours.is_empty() {
            report.errors = with_ours(mem::take(&mut report.errors), ours);
        }
        Ok(report.into())
    }
}

impl TypeName for Interactions {
    fn type_name() -> &'static str {
        "Array<NewInteraction>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Interactions {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `from_napi_value` checks the shape and names a bad element.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for Interactions {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        unsafe { objects(env, value, "interactions") }.map(Interactions)
    }
}

/// The steps of a funnel: a JS array of strings. Not an array throws
/// `'ArrayExpected'`; an element that is not a string (a hole included)
/// throws `'StringExpected'` naming its index. Nothing is reserved from the
/// array's `length`, so a sparse `new Array(2 ** 32 - 1)` fails at its first
/// hole.
pub struct Steps(Vec<String>);

impl TypeName for Steps {
    fn type_name() -> &'static str {
        "Array<string>"
    }

    fn value_type() -> ValueType {
        ValueType::Object
    }
}

impl ValidateNapiValue for Steps {
    unsafe fn validate(
        _env: sys::napi_env,
        _value: sys::napi_value,
    ) -> napi::Result<sys::napi_value> {
        // `from_napi_value` checks the shape and names a bad element.
        Ok(std::ptr::null_mut())
    }
}

impl FromNapiValue for Steps {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> napi::Result<Self> {
        // SAFETY: napi-rs hands us a live value of this env.
        unsafe {
            read_array(
                env,
                value,
                "steps",
                ValueType::String,
                Status::StringExpected,
                "string",
            )
        }
        .map(Steps)
    }
}

/// What `recordInteractions` did.
#[napi(object, object_from_js = false)]
pub struct InteractionReport {
    /// Rows given.
    pub rows: f64,
    /// Rows recorded.
    pub recorded: f64,
    /// The refused rows, in row order; each changed nothing. Empty when
    /// every row was recorded.
    pub errors: Vec<RowError>,
}

impl From<crm::InteractionReport> for InteractionReport {
    fn from(r: crm::InteractionReport) -> Self {
        InteractionReport {
            rows: number(r.rows as u64),
            recorded: number(r.recorded as u64),
            errors: all(r.errors),
        }
    }
}

/// An interaction as read back.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Interaction {
    /// What happened.
    #[napi(ts_type = "NewInteraction['kind']")]
    pub kind: String,
    /// When.
    pub at: Date,
    /// The page or step, or `null`; `'***'` without `crm.read_sensitive`.
    pub page: Option<String>,
    /// The amount of a purchase as a decimal string (`'299.00'`); `null` for
    /// other kinds, and always without `crm.read_sensitive`.
    pub amount: Option<String>,
    /// Where, or `null`.
    pub channel: Option<String>,
}

impl From<crm::Interaction> for Interaction {
    fn from(i: crm::Interaction) -> Self {
        Interaction {
            kind: i.kind.as_str().to_owned(),
            at: i.at.into(),
            page: i.page,
            amount: i.amount.map(money_text),
            channel: i.channel,
        }
    }
}

/// A customer's purchases (the inputs of RFM scoring).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct PurchaseSummary {
    /// Number of purchases.
    pub count: f64,
    /// Their total, a decimal string (`'400.00'`); `'0'` without purchases.
    pub total: String,
    /// Average order value (total / count) to 2 decimals, a decimal string
    /// (`'200.00'`); `'0'` without purchases.
    pub average_order_value: String,
    /// First purchase, or `null`.
    pub first_at: Option<Date>,
    /// Last purchase, or `null`.
    pub last_at: Option<Date>,
}

impl From<crm::PurchaseSummary> for PurchaseSummary {
    fn from(s: crm::PurchaseSummary) -> Self {
        PurchaseSummary {
            count: number(s.count),
            total: money_text(s.total),
            average_order_value: money_text(s.average_order_value),
            first_at: s.first_at.map(Date::from),
            last_at: s.last_at.map(Date::from),
        }
    }
}

/// How many customers reached each step of a funnel, in order.
#[napi(object, object_from_js = false)]
pub struct Funnel {
    /// The steps, in the order given.
    pub steps: Vec<FunnelStep>,
}

impl From<crm::Funnel> for Funnel {
    fn from(f: crm::Funnel) -> Self {
        Funnel {
            steps: all(f.steps),
        }
    }
}

/// One step of a funnel.
#[napi(object, object_from_js = false)]
pub struct FunnelStep {
    /// The page of the step.
    pub page: String,
    /// Customers who reached it, having reached every step before it, in
    /// order.
    pub customers: f64,
}

impl From<crm::FunnelStep> for FunnelStep {
    fn from(s: crm::FunnelStep) -> Self {
        FunnelStep {
            page: s.page,
            customers: number(s.customers),
        }
    }
}

/// The names of every kind of interaction, in the order core declares them:
/// `'view'`, `'click'`, `'path_step'`, `'purchase'`, `'service_ticket'`,
/// `'community_join'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_return_type = "Array<NewInteraction['kind']>")]
pub fn interaction_kinds() -> Vec<&'static str> {
    InteractionKind::ALL.iter().map(|k| k.as_str()).collect()
}

#[napi]
impl Engine {
    /// Record a batch of interactions in one transaction (CRM-3; needs
    /// `crm.ingest`). A bad row does not throw: it is reported in `errors`
    /// and changes nothing while the good rows land. Refused rows: an
    /// unknown or erased customer (`'customer_id'`, code `'not_found'`), a
    /// `customerId` that is not a safe integer (`'customer_id'`), a `kind`
    /// that is not one of `interactionKinds()` (`'kind'`), an `Invalid Date`
    /// or a time more than a day ahead (`'at'`), a view, click or path step
    /// without a page or a bad page (`'page'`), a purchase without an amount
    /// above 0, a malformed amount, or an amount on another kind
    /// (`'amount'`), a channel that is not an identifier (`'channel'`). At
    /// most 1,000,000 rows (`'validation'`, field `'interactions'`). A JS
    /// value of the wrong type anywhere in the batch throws for the whole
    /// call with napi-rs's code and the row in the message, nothing
    /// recorded.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, interactions: Array<NewInteraction>"
    )]
    pub fn record_interactions(
        &self,
        env: &Env,
        actor: String,
        interactions: Interactions,
    ) -> napi::Result<InteractionReport> {
        interactions.record(&self.inner, &actor).or_throw(env)
    }

    /// `recordInteractions` off the JS thread (on the libuv thread pool),
    /// for large batches. The rows are copied when called; a wrong JS type
    /// throws synchronously, before the promise exists. Engine errors reject
    /// the promise; bad rows do not, they are in the report's `errors`.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, interactions: Array<NewInteraction>",
        ts_return_type = "Promise<InteractionReport>"
    )]
    pub fn record_interactions_async(
        &self,
        actor: String,
        interactions: Interactions,
    ) -> AsyncTask<Background<InteractionReport>> {
        AsyncTask::new(self.background(move |engine| interactions.record(engine, &actor)))
    }

    /// Customer `id`'s interactions by time, with those of the customers
    /// merged into it (CRM-3; needs `crm.read`). Without
    /// `crm.read_sensitive` pages read `'***'` and amounts `null`. Throws
    /// `'not_found'` (entity `'customer'`) for an unknown or erased id.
    #[napi(strict, catch_unwind)]
    pub fn customer_interactions(
        &self,
        env: &Env,
        actor: String,
        id: f64,
    ) -> napi::Result<Vec<Interaction>> {
        whole("id", id)
            .and_then(|id| self.inner.customer_interactions(&actor, id))
            .map(all)
            .or_throw(env)
    }

    /// Customer `id`'s purchases, with those of the customers merged into
    /// it: count, total, average order value, first and last (CRM-3; needs
    /// `crm.read_sensitive`: amounts are core data). Throws `'not_found'`
    /// for an unknown or erased id.
    #[napi(strict, catch_unwind)]
    pub fn purchase_summary(
        &self,
        env: &Env,
        actor: String,
        id: f64,
    ) -> napi::Result<PurchaseSummary> {
        whole("id", id)
            .and_then(|id| self.inner.purchase_summary(&actor, id))
            .map(PurchaseSummary::from)
            .or_throw(env)
    }

    /// How many of `steps` (pages, in order: `['home', 'product',
    /// 'reviews']`) customer `id` reached through its path steps (CRM-3;
    /// needs `crm.read`). 1 to 20 steps of display text, else
    /// `'validation'` (field `'steps'`).
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, id: number, steps: Array<string>"
    )]
    pub fn customer_funnel(
        &self,
        env: &Env,
        actor: String,
        id: f64,
        steps: Steps,
    ) -> napi::Result<f64> {
        whole("id", id)
            .and_then(|id| self.inner.customer_funnel(&actor, id, &steps.0))
            .map(|n| number(n as u64))
            .or_throw(env)
    }

    /// A click-path funnel over every customer with path steps in `[from,
    /// to)` (CRM-3; needs `crm.read`): per step, how many customers reached
    /// it having reached the steps before it, in order. Counts only. Throws
    /// `'validation'` for 0 or more than 20 steps (field `'steps'`) and for
    /// `to` not after `from` (field `'to'`).
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, steps: Array<string>, from: Date, to: Date"
    )]
    pub fn funnel(
        &self,
        env: &Env,
        actor: String,
        steps: Steps,
        from: Date,
        to: Date,
    ) -> napi::Result<Funnel> {
        from.to_utc("from")
            .and_then(|from| Ok((from, to.to_utc("to")?)))
            .and_then(|(from, to)| self.inner.funnel(&actor, &steps.0, from, to))
            .map(Funnel::from)
            .or_throw(env)
    }
}
