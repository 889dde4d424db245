//! Interactions (CRM-3): views, clicks, click-path steps, purchases with
//! their amount, service tickets and community joins, recorded in batches
//! with a per-row report; a customer's history, purchase summary (frequency,
//! average order value), and click-path funnels (home → product → reviews)
//! per customer and in aggregate.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::RowError;
use crate::access::{Permission, named_enum};
use crate::audit::Entry;
use crate::crypto::SecretKey;
use crate::error::{Error, Result};
use crate::money::Decimal;
use crate::store::crm::Statements;
use crate::{Attempt, Engine, store, validate};

/// Most interactions in one call.
pub const MAX_INTERACTIONS: usize = 1_000_000;
/// Most steps in a funnel.
const MAX_STEPS: usize = 20;

named_enum! {
    /// What a customer did (CRM-3).
    InteractionKind, "interaction kind" {
        /// Saw a page or a piece of content.
        View => "view",
        /// Clicked a link or an ad.
        Click => "click",
        /// A step of a click path (the page is the step).
        PathStep => "path_step",
        /// Bought (the amount is required).
        Purchase => "purchase",
        /// Opened a service ticket.
        ServiceTicket => "service_ticket",
        /// Joined a private community.
        CommunityJoin => "community_join",
    }
}

/// An interaction to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInteraction {
    /// The customer (a merged id records on its survivor).
    pub customer_id: i64,
    /// What happened.
    pub kind: InteractionKind,
    /// When.
    pub at: DateTime<Utc>,
    /// The page or step (`home`, `product`, `reviews`, a URL path); required
    /// for views, clicks and path steps.
    pub page: Option<String>,
    /// The amount of a purchase, exact decimal text (`"299.00"`).
    pub amount: Option<String>,
    /// Where (`wechat_mini_program`, `pos`, `douyin`, …; an identifier).
    pub channel: Option<String>,
}

/// An interaction as read back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Interaction {
    /// What happened.
    pub kind: InteractionKind,
    /// When.
    pub at: DateTime<Utc>,
    /// Page or step; `***` without `crm.read_sensitive` (general class).
    pub page: Option<String>,
    /// Amount of a purchase; `None` without `crm.read_sensitive` (core class).
    pub amount: Option<Decimal>,
    /// Channel.
    pub channel: Option<String>,
}

/// What a batch of interactions did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InteractionReport {
    /// Rows given.
    pub rows: usize,
    /// Rows recorded.
    pub recorded: usize,
    /// Refused rows (each changed nothing).
    pub errors: Vec<RowError>,
}

/// A customer's purchases (CRM-3, the inputs of CRM-11).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurchaseSummary {
    /// Number of purchases.
    pub count: u64,
    /// Their total.
    pub total: Decimal,
    /// Average order value (total / count), 2 decimals; 0 without purchases.
    pub average_order_value: Decimal,
    /// First purchase.
    pub first_at: Option<DateTime<Utc>>,
    /// Last purchase.
    pub last_at: Option<DateTime<Utc>>,
}

/// How many customers reached each step of a funnel, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Funnel {
    /// The steps and the customers who reached each (having reached every
    /// step before it, in order, within the window).
    pub steps: Vec<FunnelStep>,
}

/// One step of a funnel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FunnelStep {
    /// The page of the step.
    pub page: String,
    /// Customers who reached it.
    pub customers: u64,
}

/// How far one customer's ordered pages get through `steps`.
fn reached(pages: &[String], steps: &[String]) -> usize {
    let mut n = 0;
    for p in pages {
        if n < steps.len() && *p == steps[n] {
            n += 1;
        }
    }
    n
}

fn validate_steps(steps: &[String]) -> Result<()> {
    if steps.is_empty() || steps.len() > MAX_STEPS {
        return Err(Error::validation(
            "steps",
            format!("1 to {MAX_STEPS} steps, got {}", steps.len()),
        ));
    }
    for s in steps {
        validate::display_text("steps", s)?;
    }
    Ok(())
}

impl Engine {
    /// Record interactions in one transaction (CRM-3; needs `crm.ingest`):
    /// bad rows (unknown or erased customer, a purchase without a positive
    /// amount, a view without a page, a time more than a day ahead) are
    /// reported and change nothing while the good rows land.
    pub fn record_interactions(
        &self,
        actor: &str,
        rows: &[NewInteraction],
    ) -> Result<InteractionReport> {
        let key = self.secret_key()?.clone();
        if rows.len() > MAX_INTERACTIONS {
            return Err(Error::validation(
                "interactions",
                format!("at most {MAX_INTERACTIONS} per call, got {}", rows.len()),
            ));
        }
        self.mutate(
            actor,
            Permission::CrmIngest,
            Attempt::new("crm.interactions", "customer", "batch"),
            |ctx| {
                let mut st = Statements::new(ctx.tx)?;
                let mut report = InteractionReport {
                    rows: rows.len(),
                    ..InteractionReport::default()
                };
                let mut live: HashMap<i64, Option<i64>> = HashMap::new();
                for (row, r) in rows.iter().enumerate() {
                    let err = |field: &str, code: &str, message: String| RowError {
                        row,
                        field: field.into(),
                        code: code.into(),
                        message,
                    };
                    let id = match live.get(&r.customer_id) {
                        Some(v) => *v,
                        None => {
                            let l = st.live(r.customer_id)?;
                            let v = (st.customer(l)?.is_some() && !st.erased(l)?).then_some(l);
                            live.insert(r.customer_id, v);
                            v
                        }
                    };
                    let Some(id) = id else {
                        report.errors.push(err(
                            "customer_id",
                            "not_found",
                            "no such customer".into(),
                        ));
                        continue;
                    };
                    if r.at > ctx.now + Duration::days(1) {
                        report.errors.push(err(
                            "at",
                            "validation",
                            "lies more than a day ahead".into(),
                        ));
                        continue;
                    }
                    let needs_page = matches!(
                        r.kind,
                        InteractionKind::View | InteractionKind::Click | InteractionKind::PathStep
                    );
                    match &r.page {
                        Some(p) => {
                            if let Err(e) = validate::display_text("page", p) {
                                report
                                    .errors
                                    .push(err("page", "validation", e.into_message()));
                                continue;
                            }
                        }
                        None if needs_page => {
                            report.errors.push(err(
                                "page",
                                "validation",
                                format!("a {} needs a page", r.kind),
                            ));
                            continue;
                        }
                        None => {}
                    }
                    if let Some(c) = &r.channel
                        && validate::identifier("channel", c).is_err()
                    {
                        report.errors.push(err(
                            "channel",
                            "validation",
                            "must be an identifier (a-z, 0-9, '.', '_', '-')".into(),
                        ));
                        continue;
                    }
                    let amount = match (&r.amount, r.kind) {
                        (Some(a), InteractionKind::Purchase) => {
                            match crate::money::parse_amount("amount", a) {
                                Ok(d) if d > Decimal::ZERO => Some(seal_amount(&key, d)?),
                                Ok(_) => {
                                    report.errors.push(err(
                                        "amount",
                                        "validation",
                                        "must be above 0".into(),
                                    ));
                                    continue;
                                }
                                Err(e) => {
                                    report.errors.push(err(
                                        "amount",
                                        "validation",
                                        e.into_message(),
                                    ));
                                    continue;
                                }
                            }
                        }
                        (None, InteractionKind::Purchase) => {
                            report.errors.push(err(
                                "amount",
                                "validation",
                                "a purchase needs an amount".into(),
                            ));
                            continue;
                        }
                        (Some(_), _) => {
                            report.errors.push(err(
                                "amount",
                                "validation",
                                format!("a {} has no amount", r.kind),
                            ));
                            continue;
                        }
                        (None, _) => None,
                    };
                    st.add_interaction(
                        id,
                        r.kind.as_str(),
                        r.at,
                        r.page.as_deref(),
                        amount.as_deref(),
                        r.channel.as_deref(),
                    )?;
                    report.recorded += 1;
                }
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "crm.interactions", "customer", "batch")
                        .with_detail(format!(
                            "rows={} recorded={} refused={}",
                            report.rows,
                            report.recorded,
                            report.errors.len()
                        )),
                )?;
                Ok(report)
            },
        )
    }

    /// A customer's interactions by time, with those of the customers merged
    /// into it (CRM-3; needs `crm.read`). Pages are masked and amounts left
    /// out without `crm.read_sensitive`.
    pub fn customer_interactions(&self, actor: &str, customer_id: i64) -> Result<Vec<Interaction>> {
        let key = self.secret_key()?.clone();
        let target = customer_id.to_string();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.read_interactions", "customer", &target),
            |ctx| {
                let clear =
                    crate::access::check(ctx.policy, ctx.actor, Permission::CrmReadSensitive)
                        .is_ok();
                let mut st = Statements::new(ctx.tx)?;
                let ids = held(&mut st, customer_id)?;
                st.interactions(&ids)?
                    .into_iter()
                    .map(|(kind, at, page, amount, channel)| {
                        Ok(Interaction {
                            kind: kind.parse()?,
                            at,
                            page: page.map(|p| if clear { p } else { "***".into() }),
                            amount: if clear {
                                amount.map(|a| open_amount(&key, &a)).transpose()?
                            } else {
                                None
                            },
                            channel,
                        })
                    })
                    .collect()
            },
        )
    }

    /// A customer's purchases: count, total, average order value, first and
    /// last (CRM-3; needs `crm.read_sensitive`: amounts are core data).
    pub fn purchase_summary(&self, actor: &str, customer_id: i64) -> Result<PurchaseSummary> {
        let key = self.secret_key()?.clone();
        let target = customer_id.to_string();
        self.mutate(
            actor,
            Permission::CrmReadSensitive,
            Attempt::new("crm.read_purchases", "customer", &target),
            |ctx| {
                let mut st = Statements::new(ctx.tx)?;
                let ids = held(&mut st, customer_id)?;
                let mut s = PurchaseSummary {
                    count: 0,
                    total: Decimal::ZERO,
                    average_order_value: Decimal::ZERO,
                    first_at: None,
                    last_at: None,
                };
                for (kind, at, _, amount, _) in st.interactions(&ids)? {
                    if kind != InteractionKind::Purchase.as_str() {
                        continue;
                    }
                    let a = amount
                        .map(|a| open_amount(&key, &a))
                        .transpose()?
                        .unwrap_or_default();
                    s.count += 1;
                    s.total = s.total.checked_add(a).ok_or_else(|| Error::Corrupt {
                        message: "purchase totals overflow".into(),
                    })?;
                    s.first_at = Some(s.first_at.map_or(at, |f| f.min(at)));
                    s.last_at = Some(s.last_at.map_or(at, |l| l.max(at)));
                }
                if s.count > 0 {
                    let mut aov = (s.total / Decimal::from(s.count)).round_dp(2);
                    aov.rescale(2);
                    s.average_order_value = aov;
                }
                Ok(s)
            },
        )
    }

    /// One customer's progress through a click-path funnel (CRM-3; needs
    /// `crm.read`): how many of `steps` they reached, in order.
    pub fn customer_funnel(
        &self,
        actor: &str,
        customer_id: i64,
        steps: &[String],
    ) -> Result<usize> {
        let target = customer_id.to_string();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.read_funnel", "customer", &target),
            |ctx| {
                validate_steps(steps)?;
                let mut st = Statements::new(ctx.tx)?;
                let ids = held(&mut st, customer_id)?;
                let pages: Vec<String> = st
                    .interactions(&ids)?
                    .into_iter()
                    .filter(|r| r.0 == InteractionKind::PathStep.as_str())
                    .filter_map(|r| r.2)
                    .collect();
                Ok(reached(&pages, steps))
            },
        )
    }

    /// A click-path funnel over every customer with path steps in
    /// `[from, to)` (CRM-3; needs `crm.read`): per step, how many customers
    /// reached it having reached the steps before it, in order. Counts only.
    pub fn funnel(
        &self,
        actor: &str,
        steps: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Funnel> {
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.funnel", "customer", "*"),
            |ctx| {
                validate_steps(steps)?;
                if to <= from {
                    return Err(Error::validation("to", "must be after from"));
                }
                let raw = store::crm::path_steps(ctx.tx, store::to_ms(from), store::to_ms(to))?;
                let mut st = Statements::new(ctx.tx)?;
                let mut live: HashMap<i64, i64> = HashMap::new();
                let mut per: HashMap<i64, Vec<String>> = HashMap::new();
                for (c, page) in raw {
                    let l = match live.get(&c) {
                        Some(l) => *l,
                        None => {
                            let l = st.live(c)?;
                            live.insert(c, l);
                            l
                        }
                    };
                    per.entry(l).or_default().push(page);
                }
                let mut counts = vec![0u64; steps.len()];
                for pages in per.values() {
                    for c in counts.iter_mut().take(reached(pages, steps)) {
                        *c += 1;
                    }
                }
                Ok(Funnel {
                    steps: steps
                        .iter()
                        .zip(counts)
                        .map(|(page, customers)| FunnelStep {
                            page: page.clone(),
                            customers,
                        })
                        .collect(),
                })
            },
        )
    }
}

/// The customer `id` stands for and every customer merged into it; not
/// found when unknown or erased.
fn held(st: &mut Statements<'_>, id: i64) -> Result<Vec<i64>> {
    let live = super::privacy::live(st, id)?;
    super::privacy::group(st, live)
}

/// Seal a purchase amount (transaction data, core class: CRM-6).
pub(super) fn seal_amount(key: &SecretKey, amount: Decimal) -> Result<Vec<u8>> {
    key.seal(AMOUNT_CONTEXT, amount.to_string().as_bytes())
}

/// Open a sealed purchase amount.
pub(crate) fn open_amount(key: &SecretKey, sealed: &[u8]) -> Result<Decimal> {
    let plain = key.open(AMOUNT_CONTEXT, sealed)?;
    std::str::from_utf8(&plain)
        .ok()
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| Error::Corrupt {
            message: "a stored amount is not a decimal".into(),
        })
}

const AMOUNT_CONTEXT: &str = "customer.purchase.amount";

#[cfg(test)]
mod tests {
    use super::reached;

    #[test]
    fn funnel_steps_count_in_order() {
        let s = |v: &[&str]| v.iter().map(|x| (*x).to_owned()).collect::<Vec<_>>();
        let steps = s(&["home", "product", "reviews"]);
        assert_eq!(reached(&s(&["home", "product", "reviews"]), &steps), 3);
        assert_eq!(reached(&s(&["product", "home", "reviews"]), &steps), 1);
        assert_eq!(
            reached(&s(&["home", "about", "product", "home", "reviews"]), &steps),
            3
        );
        assert_eq!(reached(&s(&["reviews"]), &steps), 0);
        assert_eq!(reached(&[], &steps), 0);
    }
}
