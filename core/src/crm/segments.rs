//! Segments, personas, lifecycle stages and community tiers (CRM-4).
//!
//! A segment is a [`Rule`] stored as data with a name. The policy's personas
//! are segments too (origin `policy`, kept in step with the policy in force);
//! marketing defines more (origin `custom`, `segment.manage`). Members are
//! materialized and refreshed incrementally whenever a segment is read: only
//! customers changed since the last refresh (their change stamp) and
//! customers whose events or first-seen date left one of the rule's relative
//! windows are evaluated again. A changed rule, changed lifecycle or tier
//! thresholds, a clock moved back or a change touching more than an eighth
//! of the customers re-evaluate everyone (the stored members are still
//! updated by difference).
//!
//! Lifecycle stage and community tier are never typed by hand: they are
//! derived from behaviour with the thresholds of `crm.lifecycle` and
//! `crm.community` (see [`Stage`], [`Tier`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::rule::{Rule, Stage, Tier};
use crate::access::{Permission, named_enum};
use crate::audit::Entry;
use crate::crypto::SecretKey;
use crate::error::{Error, Result};
use crate::money::Decimal;
use crate::policy::CrmPolicy;
use crate::store::segments::{self as sql, DAY_MS, Evaluator, SegmentRow};
use crate::{Attempt, Ctx, Engine, store, validate};

/// A refresh re-evaluates everyone when more customers than this, and more
/// than an eighth of all, changed: one pass is then cheaper than a scope.
const FULL_AFTER: usize = 4096;

/// Most members in one page.
pub const MAX_PAGE: u64 = 100_000;

named_enum! {
    /// Where a segment comes from.
    SegmentOrigin, "segment origin" {
        /// A persona of the policy in force (changed by replacing the policy).
        Policy => "policy",
        /// Defined by a user with `segment.manage`.
        Custom => "custom",
    }
}

/// A segment to define (CRM-4).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentDef {
    /// Identifier (a-z, 0-9, '.', '_', '-'); not a persona's key.
    pub name: String,
    /// Display name.
    pub label: String,
    /// What it is for.
    pub description: String,
    /// Who belongs.
    pub rule: Rule,
}

/// A segment and its size as of its last refresh (which the read itself did).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// Name (a persona's key for policy segments).
    pub name: String,
    /// Policy persona or custom.
    pub origin: SegmentOrigin,
    /// Display name.
    pub label: String,
    /// What it is for.
    pub description: String,
    /// Who belongs.
    pub rule: Rule,
    /// Members now.
    pub members: u64,
    /// When members were last brought up to date.
    pub refreshed_at: DateTime<Utc>,
    /// Who defined it (`policy` for personas).
    pub defined_by: String,
    /// When.
    pub defined_at: DateTime<Utc>,
}

/// What one refresh did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentRefresh {
    /// The segment.
    pub name: String,
    /// Whether every customer was evaluated (otherwise only those changed).
    pub full: bool,
    /// Customers evaluated.
    pub evaluated: u64,
    /// Customers who joined.
    pub added: u64,
    /// Customers who left.
    pub removed: u64,
    /// Members now.
    pub members: u64,
}

/// One member of a segment with its derived standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SegmentMember {
    /// The customer.
    pub customer_id: i64,
    /// Lifecycle stage now.
    pub stage: Stage,
    /// Community tier (`None` when not a community member).
    pub tier: Option<Tier>,
}

/// A customer's derived standing (CRM-4) and the behaviour behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Standing {
    /// The customer (a merged id reads as its survivor).
    pub customer_id: i64,
    /// Lifecycle stage.
    pub stage: Stage,
    /// Community tier (`None` when not a community member).
    pub tier: Option<Tier>,
    /// Views, clicks and path steps in the lifecycle window.
    pub engagements: u32,
    /// Product-page views and path steps in the window.
    pub product_views: u32,
    /// Purchases in the window.
    pub purchases_in_window: u32,
    /// The window, days (`crm.lifecycle.window_days`).
    pub window_days: u32,
}

/// How the live customers spread over stages and tiers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LifecycleDistribution {
    /// Live customers.
    pub customers: u64,
    /// In stage awareness.
    pub awareness: u64,
    /// In stage interest.
    pub interest: u64,
    /// In stage decision.
    pub decision: u64,
    /// In stage loyalty.
    pub loyalty: u64,
    /// Community members of tier new.
    pub tier_new: u64,
    /// Of tier repeat.
    pub tier_repeat: u64,
    /// Of tier VIP.
    pub tier_vip: u64,
}

/// Counts of one customer's behaviour in the lifecycle window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Behaviour {
    /// Views, clicks and path steps in the window.
    pub engagements: u32,
    /// Views and path steps of product pages in the window.
    pub product_views: u32,
    /// Purchases in the window.
    pub purchases: u32,
}

/// The stage that behaviour puts a customer in (see [`Stage`]).
pub(crate) fn stage_of(b: Behaviour, crm: &CrmPolicy) -> Stage {
    let l = &crm.lifecycle;
    if b.purchases >= l.loyalty_min_purchases {
        Stage::Loyalty
    } else if b.purchases >= 1 || b.product_views >= l.decision_min_product_views {
        Stage::Decision
    } else if b.engagements >= l.interest_min_engagements {
        Stage::Interest
    } else {
        Stage::Awareness
    }
}

/// The tier of a community member with these all-time purchases and spend.
pub(crate) fn tier_of(purchases: u32, spend: Decimal, crm: &CrmPolicy) -> Tier {
    let c = &crm.community;
    if purchases >= c.vip_min_purchases || spend >= c.vip_min_spend {
        Tier::Vip
    } else if purchases >= c.repeat_min_purchases {
        Tier::Repeat
    } else {
        Tier::New
    }
}

/// A product page: its first path segment is `product` (`product`,
/// `/product/123`, `product/sku-9`; any case).
pub(crate) fn is_product_page(page: &str) -> bool {
    page.trim_start_matches('/')
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|s| s.eq_ignore_ascii_case("product"))
}

/// What a segment's members depend on besides the data: its rule and the
/// thresholds stages and tiers are derived with.
fn digest(rule: &Rule, crm: &CrmPolicy) -> Vec<u8> {
    let mut h = Sha256::new();
    h.update(b"brandrail.segment.v1\0");
    h.update(rule.to_json().as_bytes());
    h.update(b"\0");
    h.update(
        serde_json::to_string(&crm.lifecycle)
            .unwrap_or_default()
            .as_bytes(),
    );
    h.update(b"\0");
    h.update(
        serde_json::to_string(&crm.community)
            .unwrap_or_default()
            .as_bytes(),
    );
    h.finalize().to_vec()
}

fn check_rule(rule: &Rule, crm: &CrmPolicy) -> Result<()> {
    rule.check(crm)
        .map_err(|(path, message)| Error::validation(path, message))
}

/// Bring the stored personas in step with the policy in force: new ones
/// added, changed ones redefined, removed ones dropped.
fn sync_personas(ctx: &Ctx<'_>) -> Result<()> {
    let crm = &ctx.policy.crm;
    let now = store::to_ms(ctx.now);
    for row in sql::all(ctx.tx)? {
        if row.origin == SegmentOrigin::Policy.as_str() && !crm.personas.contains_key(&row.name) {
            sql::delete(ctx.tx, &row.name)?;
        }
    }
    for (key, p) in &crm.personas {
        let rule = p.rule.to_json();
        let same = sql::get(ctx.tx, key)?.is_some_and(|r| {
            r.origin == SegmentOrigin::Policy.as_str()
                && r.rule == rule
                && r.label == p.label
                && r.description == p.description
        });
        if !same {
            sql::define(
                ctx.tx,
                &SegmentRow {
                    name: key.clone(),
                    origin: SegmentOrigin::Policy.as_str().into(),
                    label: p.label.clone(),
                    description: p.description.clone(),
                    rule,
                    digest: Vec::new(),
                    refreshed_rev: -1,
                    refreshed_at: now,
                    members: 0,
                    defined_by: "policy".into(),
                    defined_at: now,
                },
            )?;
        }
    }
    Ok(())
}

fn parse_row(row: &SegmentRow) -> Result<(SegmentOrigin, Rule)> {
    let origin = row.origin.parse()?;
    let rule: Rule = serde_json::from_str(&row.rule).map_err(|_| Error::Corrupt {
        message: format!("the stored rule of segment {} is not valid", row.name),
    })?;
    Ok((origin, rule))
}

/// Bring one segment's members up to date.
fn refresh(ctx: &Ctx<'_>, key: Option<&SecretKey>, name: &str) -> Result<SegmentRefresh> {
    let crm = &ctx.policy.crm;
    let row = sql::get(ctx.tx, name)?.ok_or_else(|| Error::not_found("segment", name))?;
    let (_, rule) = parse_row(&row)?;
    let digest = digest(&rule, crm);
    let now = store::to_ms(ctx.now);
    let rev = sql::max_rev(ctx.tx)?;
    let mut full = row.digest != digest || now < row.refreshed_at || row.refreshed_rev < 0;
    let mut dirty = BTreeSet::new();
    if !full {
        dirty.extend(sql::changed_since(ctx.tx, row.refreshed_rev)?);
        for w in rule.windows(crm) {
            let span = i64::from(w) * DAY_MS;
            let (lo, hi) = (row.refreshed_at - span, now - span);
            if hi > lo {
                dirty.extend(sql::crossed(ctx.tx, lo, hi)?);
            }
        }
        if dirty.is_empty() {
            sql::refreshed(
                ctx.tx,
                name,
                &digest,
                rev,
                now,
                row.members.try_into().unwrap_or(0),
            )?;
            return Ok(SegmentRefresh {
                name: name.into(),
                full: false,
                evaluated: 0,
                added: 0,
                removed: 0,
                members: row.members.try_into().unwrap_or(0),
            });
        }
        full = dirty.len() > FULL_AFTER && dirty.len() as u64 * 8 > store::crm::live_count(ctx.tx)?;
    }
    let fields = rule.fields();
    let (mut added, mut removed) = (0u64, 0u64);
    let evaluated;
    if full {
        let mut ev = Evaluator::new(ctx.tx, crm, key, now, None, &fields)?;
        let now_in = ev.eval(&rule)?;
        evaluated = ev.universe.count();
        let before = sql::members(ctx.tx, name, ev.size())?;
        for id in before.iter() {
            if !now_in.contains(id) {
                sql::set_member(ctx.tx, name, id, false)?;
                removed += 1;
            }
        }
        for id in now_in.iter() {
            if !before.contains(id) {
                sql::set_member(ctx.tx, name, id, true)?;
                added += 1;
            }
        }
    } else {
        // Changed customers may have been merged: evaluate the customers they
        // now stand for, and drop every one that is no longer live.
        let mut st = store::crm::Statements::new(ctx.tx)?;
        let scope = dirty
            .iter()
            .map(|d| st.live(*d))
            .collect::<Result<BTreeSet<i64>>>()?;
        let mut ev = Evaluator::new(ctx.tx, crm, key, now, Some(&scope), &fields)?;
        let now_in = ev.eval(&rule)?;
        evaluated = ev.universe.count();
        for id in dirty.iter().chain(scope.iter()) {
            let member = now_in.contains(*id);
            if sql::is_member(ctx.tx, name, *id)? != member {
                sql::set_member(ctx.tx, name, *id, member)?;
                if member {
                    added += 1;
                } else {
                    removed += 1;
                }
            }
        }
    }
    let members = (u64::try_from(row.members).unwrap_or(0) + added).saturating_sub(removed);
    sql::refreshed(ctx.tx, name, &digest, rev, now, members)?;
    Ok(SegmentRefresh {
        name: name.into(),
        full,
        evaluated,
        added,
        removed,
        members,
    })
}

fn segment_of(row: SegmentRow) -> Result<Segment> {
    let (origin, rule) = parse_row(&row)?;
    Ok(Segment {
        name: row.name,
        origin,
        label: row.label,
        description: row.description,
        rule,
        members: u64::try_from(row.members).unwrap_or(0),
        refreshed_at: store::from_ms(row.refreshed_at)?,
        defined_by: row.defined_by,
        defined_at: store::from_ms(row.defined_at)?,
    })
}

impl Engine {
    /// Define (or redefine) a custom segment (CRM-4; needs `segment.manage`):
    /// the rule is checked against the policy (profile fields of
    /// `crm.data_classes.general`, windows, amounts, at most
    /// [`crate::crm::rule::MAX_CONDITIONS`] conditions) and its members are
    /// computed at once. A persona's key is refused (`conflict`): personas
    /// change with the policy.
    pub fn define_segment(&self, actor: &str, def: &SegmentDef) -> Result<Segment> {
        let key = self.secret_key.as_ref();
        self.mutate(
            actor,
            Permission::SegmentManage,
            Attempt::new("segment.define", "segment", &def.name),
            |ctx| {
                validate::identifier("name", &def.name)?;
                validate::display_text("label", &def.label)?;
                validate::display_text("description", &def.description)?;
                check_rule(&def.rule, &ctx.policy.crm)?;
                sync_personas(ctx)?;
                if ctx.policy.crm.personas.contains_key(&def.name) {
                    return Err(Error::conflict(
                        "segment",
                        def.name.clone(),
                        "is a persona of the policy; personas change with the policy",
                    ));
                }
                let existed = sql::get(ctx.tx, &def.name)?.is_some();
                let now = store::to_ms(ctx.now);
                sql::define(
                    ctx.tx,
                    &SegmentRow {
                        name: def.name.clone(),
                        origin: SegmentOrigin::Custom.as_str().into(),
                        label: def.label.clone(),
                        description: def.description.clone(),
                        rule: def.rule.to_json(),
                        digest: Vec::new(),
                        refreshed_rev: -1,
                        refreshed_at: now,
                        members: 0,
                        defined_by: ctx.actor.handle.clone(),
                        defined_at: now,
                    },
                )?;
                let r = refresh(ctx, key, &def.name)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "segment.define", "segment", &def.name)
                        .with_detail(format!(
                            "{} members={}",
                            if existed { "redefined" } else { "defined" },
                            r.members
                        )),
                )?;
                segment_of(
                    sql::get(ctx.tx, &def.name)?
                        .ok_or_else(|| Error::not_found("segment", def.name.clone()))?,
                )
            },
        )
    }

    /// Delete a custom segment (needs `segment.manage`); personas are
    /// refused (`conflict`).
    pub fn delete_segment(&self, actor: &str, name: &str) -> Result<()> {
        self.mutate(
            actor,
            Permission::SegmentManage,
            Attempt::new("segment.delete", "segment", name),
            |ctx| {
                sync_personas(ctx)?;
                let row =
                    sql::get(ctx.tx, name)?.ok_or_else(|| Error::not_found("segment", name))?;
                if row.origin == SegmentOrigin::Policy.as_str() {
                    return Err(Error::conflict(
                        "segment",
                        name,
                        "is a persona of the policy; personas change with the policy",
                    ));
                }
                sql::delete(ctx.tx, name)?;
                ctx.record(&Entry::applied(
                    &ctx.actor.handle,
                    "segment.delete",
                    "segment",
                    name,
                ))?;
                Ok(())
            },
        )
    }

    /// Every segment, personas first, each brought up to date (CRM-4; needs
    /// `crm.read`).
    pub fn segments(&self, actor: &str) -> Result<Vec<Segment>> {
        let key = self.secret_key.as_ref();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("segment.list", "segment", "*"),
            |ctx| {
                sync_personas(ctx)?;
                let names: Vec<String> = sql::all(ctx.tx)?.into_iter().map(|r| r.name).collect();
                for n in &names {
                    refresh(ctx, key, n)?;
                }
                sql::all(ctx.tx)?.into_iter().map(segment_of).collect()
            },
        )
    }

    /// One segment, brought up to date (needs `crm.read`).
    pub fn segment(&self, actor: &str, name: &str) -> Result<Segment> {
        let key = self.secret_key.as_ref();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("segment.read", "segment", name),
            |ctx| {
                sync_personas(ctx)?;
                refresh(ctx, key, name)?;
                segment_of(
                    sql::get(ctx.tx, name)?.ok_or_else(|| Error::not_found("segment", name))?,
                )
            },
        )
    }

    /// How many customers a segment has now (refreshing it; needs `crm.read`).
    pub fn segment_count(&self, actor: &str, name: &str) -> Result<u64> {
        self.segment(actor, name).map(|s| s.members)
    }

    /// Bring every segment up to date and say what changed (needs `crm.read`).
    /// Reads refresh on their own; this is for warming up after large loads.
    pub fn refresh_segments(&self, actor: &str) -> Result<Vec<SegmentRefresh>> {
        let key = self.secret_key.as_ref();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("segment.refresh", "segment", "*"),
            |ctx| {
                sync_personas(ctx)?;
                let names: Vec<String> = sql::all(ctx.tx)?.into_iter().map(|r| r.name).collect();
                names.iter().map(|n| refresh(ctx, key, n)).collect()
            },
        )
    }

    /// A page of a segment's members by customer id, with their stage and
    /// tier (needs `crm.read`; at most [`MAX_PAGE`] per page).
    pub fn segment_members(
        &self,
        actor: &str,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<SegmentMember>> {
        let key = self.secret_key.as_ref();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("segment.members", "segment", name),
            |ctx| {
                if limit == 0 || limit > MAX_PAGE {
                    return Err(Error::validation(
                        "limit",
                        format!("1 to {MAX_PAGE}, got {limit}"),
                    ));
                }
                sync_personas(ctx)?;
                refresh(ctx, key, name)?;
                let ids = sql::member_page(ctx.tx, name, offset, limit)?;
                standings(ctx, key, &ids).map(|v| {
                    v.into_iter()
                        .map(|s| SegmentMember {
                            customer_id: s.customer_id,
                            stage: s.stage,
                            tier: s.tier,
                        })
                        .collect()
                })
            },
        )
    }

    /// How many live customers a rule holds for now, without storing it (a
    /// preview; needs `crm.read`).
    pub fn count_customers(&self, actor: &str, rule: &Rule) -> Result<u64> {
        let key = self.secret_key.as_ref();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("segment.count", "segment", "*"),
            |ctx| {
                let crm = &ctx.policy.crm;
                check_rule(rule, crm)?;
                let mut ev = Evaluator::new(
                    ctx.tx,
                    crm,
                    key,
                    store::to_ms(ctx.now),
                    None,
                    &rule.fields(),
                )?;
                Ok(ev.eval(rule)?.count())
            },
        )
    }

    /// A customer's lifecycle stage and community tier, with the behaviour
    /// they come from (CRM-4; needs `crm.read`).
    pub fn customer_standing(&self, actor: &str, customer_id: i64) -> Result<Standing> {
        let key = self.secret_key.as_ref();
        let target = customer_id.to_string();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.read_standing", "customer", &target),
            |ctx| {
                let mut st = store::crm::Statements::new(ctx.tx)?;
                let live = super::privacy::live(&mut st, customer_id)?;
                standings(ctx, key, &[live])?
                    .pop()
                    .ok_or_else(|| Error::not_found("customer", target.clone()))
            },
        )
    }

    /// How the live customers spread over lifecycle stages and community
    /// tiers (needs `crm.read`).
    pub fn lifecycle_distribution(&self, actor: &str) -> Result<LifecycleDistribution> {
        let key = self.secret_key.as_ref();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.lifecycle", "customer", "*"),
            |ctx| {
                let crm = &ctx.policy.crm;
                let mut ev = Evaluator::new(
                    ctx.tx,
                    crm,
                    key,
                    store::to_ms(ctx.now),
                    None,
                    &BTreeSet::new(),
                )?;
                let mut d = LifecycleDistribution {
                    customers: ev.universe.count(),
                    ..LifecycleDistribution::default()
                };
                let ids: Vec<i64> = ev.universe.iter().collect();
                for id in ids {
                    match ev.stage(id)? {
                        Stage::Awareness => d.awareness += 1,
                        Stage::Interest => d.interest += 1,
                        Stage::Decision => d.decision += 1,
                        Stage::Loyalty => d.loyalty += 1,
                    }
                }
                for t in ev.tiers()?.values() {
                    match t {
                        Tier::New => d.tier_new += 1,
                        Tier::Repeat => d.tier_repeat += 1,
                        Tier::Vip => d.tier_vip += 1,
                    }
                }
                Ok(d)
            },
        )
    }
}

/// Stage, tier and behaviour of live customers `ids` (one scoped evaluation).
fn standings(ctx: &Ctx<'_>, key: Option<&SecretKey>, ids: &[i64]) -> Result<Vec<Standing>> {
    let crm = &ctx.policy.crm;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let scope: BTreeSet<i64> = ids.iter().copied().collect();
    let mut ev = Evaluator::new(
        ctx.tx,
        crm,
        key,
        store::to_ms(ctx.now),
        Some(&scope),
        &BTreeSet::new(),
    )?;
    let tiers = ev.tiers()?.clone();
    let behaviour = ev.behaviour()?.clone();
    Ok(ids
        .iter()
        .filter(|id| ev.universe.contains(**id))
        .map(|&id| {
            let b = behaviour.get(&id).copied().unwrap_or_default();
            Standing {
                customer_id: id,
                stage: stage_of(b, crm),
                tier: tiers.get(&id).copied(),
                engagements: b.engagements,
                product_views: b.product_views,
                purchases_in_window: b.purchases,
                window_days: crm.lifecycle.window_days,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::is_product_page;

    #[test]
    fn product_pages() {
        for p in [
            "product",
            "/product",
            "/product/12",
            "product/sku-9",
            "Product?x=1",
        ] {
            assert!(is_product_page(p), "{p}");
        }
        for p in ["home", "/products", "reviews/product", ""] {
            assert!(!is_product_page(p), "{p}");
        }
    }
}
