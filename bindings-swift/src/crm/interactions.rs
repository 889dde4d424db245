//! Interactions (CRM-3): views, clicks, click-path steps, purchases with
//! their amount, service tickets and community joins, recorded in batches
//! with a per-row report; a customer's history, purchase summary (frequency,
//! average order value), and click-path funnels (home → product → reviews)
//! per customer and in aggregate.
//!
//! Amounts cross the boundary as decimal strings (`"299.00"`), never a
//! floating-point number, as everywhere in this binding: the core's one
//! parser (`brandrail::money`) checks them, per row, so every language
//! accepts and refuses the same strings, and reads give back the exact digits.
//!
//! Purchase amounts are transaction data, sealed at rest with the engine's
//! secret key (CRM-6): recording interactions, reading a history and a
//! purchase summary need an engine opened with `EngineOptions.secretKey`
//! (`Configuration` without); the funnels read no amount and do not.

use std::time::SystemTime;

use brandrail::crm as core;

use super::{RowError, count};
use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time, system_time_opt, utc};

mirror_enum! {
    /// What a customer did (CRM-3).
    InteractionKind => brandrail::crm::InteractionKind {
        /// `view`: saw a page or a piece of content (needs a page).
        View,
        /// `click`: clicked a link or an ad (needs a page).
        Click,
        /// `path_step`: a step of a click path; the page is the step (needs a
        /// page). Funnels count these.
        PathStep,
        /// `purchase`: bought; the amount is required and above 0.
        Purchase,
        /// `service_ticket`: opened a service ticket.
        ServiceTicket,
        /// `community_join`: joined a private community.
        CommunityJoin,
    }
    /// The interaction kind with this stable name (e.g. `path_step`); a
    /// `Validation` error listing the valid names otherwise.
    fn parse_interaction_kind;
}

/// One interaction to record with `recordInteractions`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewInteraction {
    /// The customer (a merged id records on its survivor). An unknown or
    /// erased customer is a `not_found` row error (field `customer_id`).
    pub customer_id: i64,
    /// What happened.
    pub kind: InteractionKind,
    /// When; more than a day ahead of the engine's clock is a row error
    /// (field `at`).
    pub at: SystemTime,
    /// The page or step (`home`, `product`, `reviews`, a URL path): display
    /// text, required for views, clicks and path steps. Default none.
    #[uniffi(default)]
    pub page: Option<String>,
    /// The amount of a purchase as a decimal string (`"299.00"`): digits with
    /// an optional `.` fraction, above 0, never rounded; required for a
    /// purchase and refused on any other kind. Anything else (`1e3`, `-5`,
    /// `1,280.50`, `¥12`) is a row error (field `amount`) that never quotes
    /// the value. Default none.
    #[uniffi(default)]
    pub amount: Option<String>,
    /// Where (`wechat_mini_program`, `pos`, `douyin`, …; an identifier: `[a-z0-9._-]`).
    /// Default none.
    #[uniffi(default)]
    pub channel: Option<String>,
}

impl NewInteraction {
    /// The core row; `index` is its position, for the error's field path
    /// should its time lie outside the range the core represents.
    fn into_core(self, index: usize) -> Result<core::NewInteraction, BrandrailError> {
        Ok(core::NewInteraction {
            customer_id: self.customer_id,
            kind: self.kind.into(),
            at: utc(&format!("interactions[{index}].at"), self.at)?,
            page: self.page,
            amount: self.amount,
            channel: self.channel,
        })
    }
}

/// An interaction as read back with `customerInteractions`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Interaction {
    /// What happened.
    pub kind: InteractionKind,
    /// When.
    pub at: SystemTime,
    /// Page or step; `***` unless the reader holds `crm.read_sensitive`.
    pub page: Option<String>,
    /// The amount of a purchase as a decimal string with its exact digits
    /// (`"299.00"`); `nil`/`null` for other kinds, and for every kind unless
    /// the reader holds `crm.read_sensitive`.
    pub amount: Option<String>,
    /// Channel.
    pub channel: Option<String>,
}

impl From<core::Interaction> for Interaction {
    fn from(i: core::Interaction) -> Self {
        Self {
            kind: i.kind.into(),
            at: system_time(i.at),
            page: i.page,
            amount: i.amount.map(|a| a.to_string()),
            channel: i.channel,
        }
    }
}

/// What `recordInteractions` did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InteractionReport {
    /// Rows given.
    pub rows: u64,
    /// Rows recorded.
    pub recorded: u64,
    /// The refused rows, in row order; each changed nothing.
    pub errors: Vec<RowError>,
}

impl From<core::InteractionReport> for InteractionReport {
    fn from(r: core::InteractionReport) -> Self {
        Self {
            rows: count(r.rows),
            recorded: count(r.recorded),
            errors: all(r.errors),
        }
    }
}

/// A customer's purchases (CRM-3), from `purchaseSummary`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PurchaseSummary {
    /// Number of purchases.
    pub count: u64,
    /// Their total, a decimal string (`"400.00"`).
    pub total: String,
    /// Average order value (total / count) with 2 decimals, a decimal string
    /// (`"200.00"`); `"0"` without purchases.
    pub average_order_value: String,
    /// First purchase; `nil`/`null` without purchases.
    pub first_at: Option<SystemTime>,
    /// Last purchase; `nil`/`null` without purchases.
    pub last_at: Option<SystemTime>,
}

impl From<core::PurchaseSummary> for PurchaseSummary {
    fn from(s: core::PurchaseSummary) -> Self {
        Self {
            count: s.count,
            total: s.total.to_string(),
            average_order_value: s.average_order_value.to_string(),
            first_at: system_time_opt(s.first_at),
            last_at: system_time_opt(s.last_at),
        }
    }
}

/// How many customers reached each step of a funnel, in order.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Funnel {
    /// The steps and the customers who reached each (having reached every
    /// step before it, in order, within the window).
    pub steps: Vec<FunnelStep>,
}

impl From<core::Funnel> for Funnel {
    fn from(f: core::Funnel) -> Self {
        Self {
            steps: all(f.steps),
        }
    }
}

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FunnelStep {
    /// The page of the step.
    pub page: String,
    /// Customers who reached it.
    pub customers: u64,
}

impl From<core::FunnelStep> for FunnelStep {
    fn from(s: core::FunnelStep) -> Self {
        Self {
            page: s.page,
            customers: s.customers,
        }
    }
}

/// The core rows of `interactions`.
fn rows(interactions: Vec<NewInteraction>) -> Result<Vec<core::NewInteraction>, BrandrailError> {
    interactions
        .into_iter()
        .enumerate()
        .map(|(index, row)| row.into_core(index))
        .collect()
}

/// Record `rows` on `engine` and convert the report.
fn record(
    engine: &brandrail::Engine,
    actor: &str,
    rows: &[core::NewInteraction],
) -> Result<InteractionReport, BrandrailError> {
    Ok(engine.record_interactions(actor, rows)?.into())
}

#[uniffi::export]
impl Engine {
    /// Record a batch of interactions (CRM-3; needs `crm.ingest`), all in one
    /// transaction. A bad row — unknown or erased customer (`not_found`,
    /// field `customer_id`), a purchase without an amount above 0 or an
    /// amount on another kind, a view, click or path step without a page, a
    /// page with control or invisible characters, a channel that is not an
    /// identifier, a time more than a day ahead (`validation`, fields
    /// `amount`, `page`, `channel`, `at`) — is reported in the report's
    /// `errors` and changes nothing, while the good rows land. Audited
    /// (`crm.interactions`, counts only). Throws only for the whole call:
    /// `PermissionDenied` (audited), `Validation` (field `interactions`) over
    /// 1 000 000 rows, or naming `interactions[i].at` for a time the engine
    /// cannot represent. Rows are typed records, so a row of the wrong type
    /// cannot be passed (a dynamically typed host gets uniffi's type error
    /// for the whole call). Needs the secret key (`Configuration` without).
    pub fn record_interactions(
        &self,
        actor: &str,
        interactions: Vec<NewInteraction>,
    ) -> Result<InteractionReport, BrandrailError> {
        record(self.core(), actor, &rows(interactions)?)
    }

    /// `recordInteractions` on a worker thread: awaiting it never blocks the
    /// caller's thread, however large the batch.
    pub async fn record_interactions_async(
        &self,
        actor: String,
        interactions: Vec<NewInteraction>,
    ) -> Result<InteractionReport, BrandrailError> {
        let rows = rows(interactions)?;
        self.in_background(move |engine| record(engine, &actor, &rows))
            .await
    }

    /// Customer `customerId`'s interactions by time, with those of the
    /// customers merged into it (CRM-3; needs `crm.read`). Pages read `***`
    /// and amounts `nil`/`null` unless `actor` holds `crm.read_sensitive`.
    /// Needs the secret key. `NotFound` for an unknown or erased customer.
    pub fn customer_interactions(
        &self,
        actor: &str,
        customer_id: i64,
    ) -> Result<Vec<Interaction>, BrandrailError> {
        Ok(all(self
            .core()
            .customer_interactions(actor, customer_id)?))
    }

    /// Customer `customerId`'s purchases, with those of the customers merged
    /// into it: count, total, average order value, first and last (CRM-3;
    /// needs `crm.read_sensitive`: amounts are core data, and the secret
    /// key). `NotFound` for an unknown or erased customer.
    pub fn purchase_summary(
        &self,
        actor: &str,
        customer_id: i64,
    ) -> Result<PurchaseSummary, BrandrailError> {
        Ok(self.core().purchase_summary(actor, customer_id)?.into())
    }

    /// How many of `steps` (pages, in order: `["home", "product", "reviews"]`)
    /// customer `customerId` reached through its path steps, in order (CRM-3;
    /// needs `crm.read`). `Validation` (field `steps`) for none, more than 20
    /// or a step that is not display text; `NotFound` for an unknown or erased
    /// customer.
    pub fn customer_funnel(
        &self,
        actor: &str,
        customer_id: i64,
        steps: Vec<String>,
    ) -> Result<u64, BrandrailError> {
        Ok(count(self.core().customer_funnel(
            actor,
            customer_id,
            &steps,
        )?))
    }

    /// A click-path funnel over every customer with path steps in
    /// `[from, to)` (CRM-3; needs `crm.read`): per step, how many customers
    /// reached it having reached the steps before it, in order; a merged
    /// customer counts as its survivor, an erased one not at all. Counts
    /// only. `Validation` naming `steps` (as for `customerFunnel`) or `to`
    /// (not after `from`).
    pub fn funnel(
        &self,
        actor: &str,
        steps: Vec<String>,
        from: SystemTime,
        to: SystemTime,
    ) -> Result<Funnel, BrandrailError> {
        let (from, to) = (utc("from", from)?, utc("to", to)?);
        Ok(self.core().funnel(actor, &steps, from, to)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interaction_kinds_keep_the_cores_names() {
        for core in core::InteractionKind::ALL {
            let mirrored = InteractionKind::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::InteractionKind::from(mirrored), *core);
            assert_eq!(parse_interaction_kind(core.as_str()).unwrap(), mirrored);
        }
        assert_eq!(
            parse_interaction_kind("like").unwrap_err().code(),
            "validation"
        );
    }

    #[test]
    fn rows_cross_whole_and_amounts_keep_their_text() {
        let row = NewInteraction {
            customer_id: 7,
            kind: InteractionKind::Purchase,
            at: SystemTime::UNIX_EPOCH,
            page: None,
            amount: Some("299.00".into()),
            channel: Some("pos".into()),
        };
        let core = row.into_core(0).unwrap();
        assert_eq!(core.customer_id, 7);
        assert_eq!(core.kind, core::InteractionKind::Purchase);
        assert_eq!(core.amount.as_deref(), Some("299.00"));
        assert_eq!(core.channel.as_deref(), Some("pos"));
        let read = Interaction::from(core::Interaction {
            kind: core::InteractionKind::Purchase,
            at: core.at,
            page: None,
            amount: Some("299.00".parse().unwrap()),
            channel: None,
        });
        assert_eq!(read.amount.as_deref(), Some("299.00"));
        assert_eq!(read.at, SystemTime::UNIX_EPOCH);
    }
}
