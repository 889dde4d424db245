//! Segments, personas, lifecycle stages and community tiers (CRM-4): custom
//! segments defined from rules given as plain objects (see `rule.rs`), the
//! policy's personas beside them, members refreshed incrementally whenever
//! a segment is read, a rule counted without storing it, a customer's
//! derived standing, how the customers spread over stages and tiers; the
//! module-level `lifecycleStages` and `communityTiers`.
//!
//! Stages, tiers and origins are strings (`'loyalty'`, `'vip'`, `'policy'`);
//! counts and sizes are JS numbers; customer ids are safe integers both ways.

use brandrail::crm::{self, Stage, Tier};
use napi::Env;
use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use super::rule::{RuleArg, rule_value};
use crate::convert::{Date, all, number, whole};
use crate::engine::{Background, Engine};
use crate::error::OrThrow;

/// A custom segment to define, for `defineSegment`.
#[napi(object, object_to_js = false)]
pub struct SegmentDef {
    /// Identifier: 2–64 characters of `a-z 0-9 . _ -`, starting with a
    /// letter or digit; not the key of one of the policy's personas
    /// (`'conflict'`).
    pub name: String,
    /// Display name (display text, 1–200 characters).
    pub label: String,
    /// What it is for (display text).
    pub description: String,
    /// Who belongs: a rule as a plain object (snake_case keys, as in
    /// `docs/segments.md`), or its JSON text.
    #[napi(ts_type = "SegmentRule | string")]
    pub rule: RuleArg,
}

impl SegmentDef {
    fn into_core(self) -> brandrail::Result<crm::SegmentDef> {
        Ok(crm::SegmentDef {
            rule: self.rule.parse()?,
            name: self.name,
            label: self.label,
            description: self.description,
        })
    }
}

/// A segment and its size as of its last refresh (which the read itself
/// did).
#[napi(object, object_from_js = false)]
pub struct Segment {
    /// Name (a persona's key for the policy's segments).
    pub name: String,
    /// `'policy'` for a persona of the policy in force (changed by replacing
    /// the policy), `'custom'` for one defined with `defineSegment`.
    #[napi(ts_type = "'policy' | 'custom'")]
    pub origin: String,
    /// Display name.
    pub label: String,
    /// What it is for.
    pub description: String,
    /// Who belongs, as a plain object (snake_case keys).
    #[napi(ts_type = "SegmentRule")]
    pub rule: serde_json::Value,
    /// Members now.
    pub members: f64,
    /// When members were last brought up to date.
    pub refreshed_at: Date,
    /// Handle of who defined it; `'policy'` for personas.
    pub defined_by: String,
    /// When it was defined.
    pub defined_at: Date,
}

impl From<crm::Segment> for Segment {
    fn from(s: crm::Segment) -> Self {
        Segment {
            rule: rule_value(&s.rule),
            name: s.name,
            origin: s.origin.as_str().to_owned(),
            label: s.label,
            description: s.description,
            members: number(s.members),
            refreshed_at: s.refreshed_at.into(),
            defined_by: s.defined_by,
            defined_at: s.defined_at.into(),
        }
    }
}

/// What one refresh of one segment did.
#[napi(object, object_from_js = false)]
pub struct SegmentRefresh {
    /// The segment.
    pub name: String,
    /// Whether every customer was evaluated (otherwise only those changed
    /// since the last refresh, and those whose events left a window of the
    /// rule).
    pub full: bool,
    /// Customers evaluated.
    pub evaluated: f64,
    /// Customers who joined.
    pub added: f64,
    /// Customers who left.
    pub removed: f64,
    /// Members now.
    pub members: f64,
}

impl From<crm::SegmentRefresh> for SegmentRefresh {
    fn from(r: crm::SegmentRefresh) -> Self {
        SegmentRefresh {
            name: r.name,
            full: r.full,
            evaluated: number(r.evaluated),
            added: number(r.added),
            removed: number(r.removed),
            members: number(r.members),
        }
    }
}

/// One member of a segment, with its derived standing.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct SegmentMember {
    /// The customer.
    pub customer_id: i64,
    /// Lifecycle stage now.
    #[napi(ts_type = "LifecycleStage")]
    pub stage: String,
    /// Community tier, or `null` for a customer who never joined a
    /// community.
    #[napi(ts_type = "CommunityTier | null")]
    pub tier: Option<String>,
}

impl From<crm::SegmentMember> for SegmentMember {
    fn from(m: crm::SegmentMember) -> Self {
        SegmentMember {
            customer_id: m.customer_id,
            stage: m.stage.as_str().to_owned(),
            tier: m.tier.map(|t| t.as_str().to_owned()),
        }
    }
}

/// A customer's derived standing (CRM-4) and the behaviour it comes from.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Standing {
    /// The customer (a merged id reads as the customer it was merged into).
    pub customer_id: i64,
    /// Lifecycle stage: `'loyalty'` with `crm.lifecycle.loyalty_min_purchases`
    /// purchases in the window, `'decision'` with a purchase or
    /// `decision_min_product_views` product views, `'interest'` with
    /// `interest_min_engagements` views, clicks and path steps,
    /// `'awareness'` otherwise.
    #[napi(ts_type = "LifecycleStage")]
    pub stage: String,
    /// Community tier (all time: `'vip'` from `crm.community.vip_min_purchases`
    /// purchases or `vip_min_spend` spent, `'repeat'` from
    /// `repeat_min_purchases`, else `'new'`), or `null` for a customer who
    /// never joined a community.
    #[napi(ts_type = "CommunityTier | null")]
    pub tier: Option<String>,
    /// Views, clicks and path steps in the lifecycle window.
    pub engagements: u32,
    /// Product-page views and path steps in the window.
    pub product_views: u32,
    /// Purchases in the window.
    pub purchases_in_window: u32,
    /// The window, days (`crm.lifecycle.window_days`).
    pub window_days: u32,
}

impl From<crm::Standing> for Standing {
    fn from(s: crm::Standing) -> Self {
        Standing {
            customer_id: s.customer_id,
            stage: s.stage.as_str().to_owned(),
            tier: s.tier.map(|t| t.as_str().to_owned()),
            engagements: s.engagements,
            product_views: s.product_views,
            purchases_in_window: s.purchases_in_window,
            window_days: s.window_days,
        }
    }
}

/// How the live customers spread over lifecycle stages and community tiers.
#[napi(object, object_from_js = false)]
pub struct LifecycleDistribution {
    /// Live customers (merged and erased ones not counted).
    pub customers: f64,
    /// In stage `'awareness'`.
    pub awareness: f64,
    /// In stage `'interest'`.
    pub interest: f64,
    /// In stage `'decision'`.
    pub decision: f64,
    /// In stage `'loyalty'`.
    pub loyalty: f64,
    /// Community members of tier `'new'`.
    pub tier_new: f64,
    /// Of tier `'repeat'`.
    pub tier_repeat: f64,
    /// Of tier `'vip'`.
    pub tier_vip: f64,
}

impl From<crm::LifecycleDistribution> for LifecycleDistribution {
    fn from(d: crm::LifecycleDistribution) -> Self {
        LifecycleDistribution {
            customers: number(d.customers),
            awareness: number(d.awareness),
            interest: number(d.interest),
            decision: number(d.decision),
            loyalty: number(d.loyalty),
            tier_new: number(d.tier_new),
            tier_repeat: number(d.tier_repeat),
            tier_vip: number(d.tier_vip),
        }
    }
}

/// The names of the lifecycle stages, earliest first: `'awareness'`,
/// `'interest'`, `'decision'`, `'loyalty'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_return_type = "Array<LifecycleStage>")]
pub fn lifecycle_stages() -> Vec<&'static str> {
    Stage::ALL.iter().map(|s| s.as_str()).collect()
}

/// The names of the community tiers, lowest first: `'new'`, `'repeat'`,
/// `'vip'`.
#[cfg_attr(test, allow(dead_code))] // only napi's module registration calls it
#[napi(strict, catch_unwind, ts_return_type = "Array<CommunityTier>")]
pub fn community_tiers() -> Vec<&'static str> {
    Tier::ALL.iter().map(|t| t.as_str()).collect()
}

/// Count the customers `rule` holds for with `engine`.
fn count(engine: &brandrail::Engine, actor: &str, rule: RuleArg) -> brandrail::Result<f64> {
    rule.parse()
        .and_then(|rule| engine.count_customers(actor, &rule))
        .map(number)
}

#[napi]
impl Engine {
    /// Define (or redefine) a custom segment (CRM-4; needs `segment.manage`;
    /// audited) and return it with its members computed. The rule is parsed
    /// by core and checked against the policy: a misspelt key or kind, a
    /// profile field that is not one of `crm.data_classes.general`, a window
    /// of 0 or more than 11,000 days, `at_most` below `at_least`, a negative
    /// amount, an empty stage or tier list, more than 64 conditions or 8
    /// nested groups, hostile text: `'validation'`, with the path at fault
    /// as `field` (`'rule.field.name'`, `'rule.all[1].events'`). A bad
    /// `name`, `label` or `description`: `'validation'` naming it. The key of
    /// one of the policy's personas: `'conflict'` (personas change with the
    /// policy). A rule that is not JSON data (a function in it): see
    /// `SegmentRule`. Nothing is stored on any error.
    #[napi(strict, catch_unwind)]
    pub fn define_segment(
        &self,
        env: &Env,
        actor: String,
        def: SegmentDef,
    ) -> napi::Result<Segment> {
        def.into_core()
            .and_then(|def| self.inner.define_segment(&actor, &def))
            .map(Segment::from)
            .or_throw(env)
    }

    /// Delete a custom segment (needs `segment.manage`; audited). Throws
    /// `'not_found'` (entity `'segment'`) for an unknown name and
    /// `'conflict'` for a persona of the policy.
    #[napi(strict, catch_unwind)]
    pub fn delete_segment(&self, env: &Env, actor: String, name: String) -> napi::Result<()> {
        self.inner.delete_segment(&actor, &name).or_throw(env)
    }

    /// Every segment, the policy's personas first (in the policy's order),
    /// then the custom ones by name, each brought up to date first (CRM-4;
    /// needs `crm.read`).
    #[napi(strict, catch_unwind)]
    pub fn segments(&self, env: &Env, actor: String) -> napi::Result<Vec<Segment>> {
        self.inner.segments(&actor).map(all).or_throw(env)
    }

    /// `segments` off the JS thread (on the libuv thread pool): refreshing
    /// every segment after large loads can take a while.
    #[napi(strict, catch_unwind, ts_return_type = "Promise<Array<Segment>>")]
    pub fn segments_async(&self, actor: String) -> AsyncTask<Background<Vec<Segment>>> {
        AsyncTask::new(self.background(move |engine| engine.segments(&actor).map(all)))
    }

    /// Segment `name`, brought up to date (needs `crm.read`). Throws
    /// `'not_found'` (entity `'segment'`) for an unknown name.
    #[napi(strict, catch_unwind)]
    pub fn segment(&self, env: &Env, actor: String, name: String) -> napi::Result<Segment> {
        self.inner
            .segment(&actor, &name)
            .map(Segment::from)
            .or_throw(env)
    }

    /// How many members segment `name` has now, refreshing it (needs
    /// `crm.read`). Throws `'not_found'` for an unknown name.
    #[napi(strict, catch_unwind)]
    pub fn segment_count(&self, env: &Env, actor: String, name: String) -> napi::Result<f64> {
        self.inner
            .segment_count(&actor, &name)
            .map(number)
            .or_throw(env)
    }

    /// Bring every segment up to date and say what changed, one report per
    /// segment in the order of `segments` (needs `crm.read`). Reads refresh
    /// on their own; this is for warming up after large loads. A refresh
    /// evaluates only the customers changed since the last one and those
    /// whose events left one of the rule's windows (`full: false`), unless
    /// the rule or the policy's thresholds changed, the clock moved back or
    /// a large share of the customers changed (`full: true`).
    #[napi(strict, catch_unwind)]
    pub fn refresh_segments(&self, env: &Env, actor: String) -> napi::Result<Vec<SegmentRefresh>> {
        self.inner.refresh_segments(&actor).map(all).or_throw(env)
    }

    /// `refreshSegments` off the JS thread (on the libuv thread pool).
    #[napi(
        strict,
        catch_unwind,
        ts_return_type = "Promise<Array<SegmentRefresh>>"
    )]
    pub fn refresh_segments_async(
        &self,
        actor: String,
    ) -> AsyncTask<Background<Vec<SegmentRefresh>>> {
        AsyncTask::new(self.background(move |engine| engine.refresh_segments(&actor).map(all)))
    }

    /// A page of segment `name`'s members by customer id, each with its
    /// stage and tier (needs `crm.read`): skip `offset` members, return at
    /// most `limit` (1 to 100,000, else `'validation'`, field `'limit'`).
    /// Both are whole numbers (`'validation'` naming them otherwise). Throws
    /// `'not_found'` for an unknown name.
    #[napi(strict, catch_unwind)]
    pub fn segment_members(
        &self,
        env: &Env,
        actor: String,
        name: String,
        offset: f64,
        limit: f64,
    ) -> napi::Result<Vec<SegmentMember>> {
        whole::<u64>("offset", offset)
            .and_then(|offset| Ok((offset, whole::<u64>("limit", limit)?)))
            .and_then(|(offset, limit)| self.inner.segment_members(&actor, &name, offset, limit))
            .map(all)
            .or_throw(env)
    }

    /// How many live customers `rule` holds for now, without storing
    /// anything (a preview; needs `crm.read`). The rule is refused as by
    /// `defineSegment`, with `'validation'` and the path at fault.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, rule: SegmentRule | string"
    )]
    pub fn count_customers(&self, env: &Env, actor: String, rule: RuleArg) -> napi::Result<f64> {
        count(&self.inner, &actor, rule).or_throw(env)
    }

    /// `countCustomers` off the JS thread (on the libuv thread pool). The
    /// rule is read when called, so changing it afterwards changes nothing;
    /// every error, a bad rule included, rejects the promise.
    #[napi(
        strict,
        catch_unwind,
        ts_args_type = "actor: string, rule: SegmentRule | string",
        ts_return_type = "Promise<number>"
    )]
    pub fn count_customers_async(
        &self,
        actor: String,
        rule: RuleArg,
    ) -> AsyncTask<Background<f64>> {
        AsyncTask::new(self.background(move |engine| count(engine, &actor, rule)))
    }

    /// Customer `id`'s lifecycle stage and community tier, with the
    /// behaviour they come from (CRM-4; needs `crm.read`). A merged id reads
    /// as the customer it was merged into. Throws `'not_found'` (entity
    /// `'customer'`) for an unknown or erased id.
    #[napi(strict, catch_unwind)]
    pub fn customer_standing(&self, env: &Env, actor: String, id: f64) -> napi::Result<Standing> {
        whole("id", id)
            .and_then(|id| self.inner.customer_standing(&actor, id))
            .map(Standing::from)
            .or_throw(env)
    }

    /// How the live customers spread over lifecycle stages and community
    /// tiers (needs `crm.read`): the four stages add up to `customers`; the
    /// tiers count community members only.
    #[napi(strict, catch_unwind)]
    pub fn lifecycle_distribution(
        &self,
        env: &Env,
        actor: String,
    ) -> napi::Result<LifecycleDistribution> {
        self.inner
            .lifecycle_distribution(&actor)
            .map(LifecycleDistribution::from)
            .or_throw(env)
    }
}
