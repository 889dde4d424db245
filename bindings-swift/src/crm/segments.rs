//! Segments (CRM-4): rules stored as data with a name, the policy's personas
//! among them, their members refreshed incrementally whenever a segment is
//! read; lifecycle stages and community tiers derived from behaviour.
//!
//! A rule crosses the boundary as JSON text (`ruleJson`), the core's rule
//! format:
//!
//! ```json
//! {"all": [{"field": {"name": "region", "op": "eq", "value": "上海"}},
//!          {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}},
//!          {"any": [{"stage": ["decision", "loyalty"]}, {"tier": ["vip"]}]}]}
//! ```
//!
//! The core's one parser reads it, so a rule that is not JSON, names an
//! unknown condition, kind or stage, or has a value of the wrong type is a
//! `Validation` error whose `field` is the path at fault (`rule`,
//! `rule.events.kind`, `rule.all[1].events`), in every language alike. A
//! segment read back gives its rule as the core writes it (compact JSON).
//! Decode it with `JSONSerialization` / `Codable` (Swift) or
//! `kotlinx.serialization` / `org.json` (Kotlin).
//!
//! Rules that ask for spend open purchase amounts, so they need the engine's
//! secret key; the others do not.

use std::time::SystemTime;

use brandrail::crm as core;

use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time};

mirror_enum! {
    /// Lifecycle stage (CRM-4), derived from behaviour within the policy's
    /// `crm.lifecycle.window_days`, never typed by hand.
    Stage => brandrail::crm::Stage {
        /// `awareness`: known, little behaviour in the window.
        Awareness,
        /// `interest`: engaging (at least `interest_min_engagements` views,
        /// clicks and path steps).
        Interest,
        /// `decision`: a purchase, or at least `decision_min_product_views`
        /// product-page views.
        Decision,
        /// `loyalty`: at least `loyalty_min_purchases` purchases.
        Loyalty,
    }
    /// The stage with this stable name (e.g. `loyalty`); a `Validation`
    /// error listing the valid names otherwise.
    fn parse_stage;
}

mirror_enum! {
    /// Private-community tier (CRM-4) of a customer who joined a community,
    /// derived from all-time purchases and spend (`crm.community`).
    Tier => brandrail::crm::Tier {
        /// `new`: joined, not yet a repeat buyer.
        New,
        /// `repeat`: at least `repeat_min_purchases` purchases.
        Repeat,
        /// `vip`: at least `vip_min_purchases` purchases or `vip_min_spend` spent.
        Vip,
    }
    /// The tier with this stable name (e.g. `vip`); a `Validation` error
    /// listing the valid names otherwise.
    fn parse_tier;
}

mirror_enum! {
    /// Where a segment comes from.
    SegmentOrigin => brandrail::crm::SegmentOrigin {
        /// `policy`: a persona of the policy in force, changed only by
        /// replacing the policy.
        Policy,
        /// `custom`: defined by a principal with `segment.manage`.
        Custom,
    }
    /// The origin with this stable name (`policy`, `custom`); a `Validation`
    /// error listing the valid names otherwise.
    fn parse_segment_origin;
}

/// The most members `segmentMembers` returns in one page (100 000).
#[uniffi::export]
pub fn max_segment_page() -> u64 {
    core::MAX_PAGE
}

/// The core rule in `rule_json`; a `Validation` error whose field is the path
/// at fault otherwise.
fn rule(rule_json: &str) -> Result<core::Rule, BrandrailError> {
    Ok(core::Rule::from_json(rule_json)?)
}

/// A custom segment to define with `defineSegment`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SegmentDef {
    /// Identifier (2–64 of `[a-z0-9._-]`, starting with a letter or digit);
    /// not a persona's key. Defining an existing custom segment redefines it.
    pub name: String,
    /// Display name (display text, 1–200 characters).
    pub label: String,
    /// What it is for (display text, 1–200 characters).
    pub description: String,
    /// Who belongs: the rule as JSON text, e.g.
    /// `{"all": [{"field": {"name": "region", "op": "eq", "value": "上海"}},
    /// {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}}]}`.
    pub rule_json: String,
}

/// A segment and its size as of its last refresh, which reading it did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Segment {
    /// Name (a persona's key for a policy segment).
    pub name: String,
    /// Policy persona or custom.
    pub origin: SegmentOrigin,
    /// Display name.
    pub label: String,
    /// What it is for.
    pub description: String,
    /// Who belongs: the rule as compact JSON text.
    pub rule_json: String,
    /// Members now.
    pub members: u64,
    /// When the members were last brought up to date.
    pub refreshed_at: SystemTime,
    /// Who defined it (`policy` for personas).
    pub defined_by: String,
    /// When.
    pub defined_at: SystemTime,
}

impl From<core::Segment> for Segment {
    fn from(s: core::Segment) -> Self {
        Self {
            rule_json: s.rule.to_json(),
            name: s.name,
            origin: s.origin.into(),
            label: s.label,
            description: s.description,
            members: s.members,
            refreshed_at: system_time(s.refreshed_at),
            defined_by: s.defined_by,
            defined_at: system_time(s.defined_at),
        }
    }
}

/// What one refresh of one segment did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SegmentRefresh {
    /// The segment.
    pub name: String,
    /// Whether every customer was evaluated (otherwise only those changed
    /// since the last refresh, or whose events left one of the rule's windows).
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

impl From<core::SegmentRefresh> for SegmentRefresh {
    fn from(r: core::SegmentRefresh) -> Self {
        Self {
            name: r.name,
            full: r.full,
            evaluated: r.evaluated,
            added: r.added,
            removed: r.removed,
            members: r.members,
        }
    }
}

/// One member of a segment with its derived standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct SegmentMember {
    /// The customer.
    pub customer_id: i64,
    /// Lifecycle stage now.
    pub stage: Stage,
    /// Community tier; `nil`/`null` when not a community member.
    pub tier: Option<Tier>,
}

impl From<core::SegmentMember> for SegmentMember {
    fn from(m: core::SegmentMember) -> Self {
        Self {
            customer_id: m.customer_id,
            stage: m.stage.into(),
            tier: m.tier.map(Into::into),
        }
    }
}

/// A customer's derived standing (CRM-4) and the behaviour behind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct Standing {
    /// The customer (a merged id reads as its survivor).
    pub customer_id: i64,
    /// Lifecycle stage.
    pub stage: Stage,
    /// Community tier; `nil`/`null` when not a community member.
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

impl From<core::Standing> for Standing {
    fn from(s: core::Standing) -> Self {
        Self {
            customer_id: s.customer_id,
            stage: s.stage.into(),
            tier: s.tier.map(Into::into),
            engagements: s.engagements,
            product_views: s.product_views,
            purchases_in_window: s.purchases_in_window,
            window_days: s.window_days,
        }
    }
}

/// How the live customers spread over lifecycle stages and community tiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, uniffi::Record)]
pub struct LifecycleDistribution {
    /// Live customers (the four stages add up to this).
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

impl From<core::LifecycleDistribution> for LifecycleDistribution {
    fn from(d: core::LifecycleDistribution) -> Self {
        Self {
            customers: d.customers,
            awareness: d.awareness,
            interest: d.interest,
            decision: d.decision,
            loyalty: d.loyalty,
            tier_new: d.tier_new,
            tier_repeat: d.tier_repeat,
            tier_vip: d.tier_vip,
        }
    }
}

/// The core definition of `def`.
fn definition(def: SegmentDef) -> Result<core::SegmentDef, BrandrailError> {
    Ok(core::SegmentDef {
        rule: rule(&def.rule_json)?,
        name: def.name,
        label: def.label,
        description: def.description,
    })
}

fn list(engine: &brandrail::Engine, actor: &str) -> Result<Vec<Segment>, BrandrailError> {
    Ok(all(engine.segments(actor)?))
}

fn refresh_all(
    engine: &brandrail::Engine,
    actor: &str,
) -> Result<Vec<SegmentRefresh>, BrandrailError> {
    Ok(all(engine.refresh_segments(actor)?))
}

fn count(
    engine: &brandrail::Engine,
    actor: &str,
    rule: &core::Rule,
) -> Result<u64, BrandrailError> {
    Ok(engine.count_customers(actor, rule)?)
}

#[uniffi::export]
impl Engine {
    /// Define (or redefine) the custom segment `def` and return it with its
    /// members computed (CRM-4; needs `segment.manage`; audited as
    /// `segment.define`). The rule (`def.ruleJson`) is parsed and checked
    /// against the policy: profile fields of `crm.data_classes.general`,
    /// windows of 1 to 11 000 days, amounts not negative, at most 64
    /// conditions nested at most 8 groups deep. `Validation` naming the path
    /// at fault (`rule.field.name`, `rule.events`, `rule.events.kind`) or
    /// `name`, `label`, `description`; `Conflict` for a persona's key
    /// (personas change with the policy).
    pub fn define_segment(&self, actor: &str, def: SegmentDef) -> Result<Segment, BrandrailError> {
        let def = definition(def)?;
        Ok(self.core().define_segment(actor, &def)?.into())
    }

    /// Delete custom segment `name` (needs `segment.manage`; audited).
    /// `Conflict` for a persona, `NotFound` for an unknown name.
    pub fn delete_segment(&self, actor: &str, name: &str) -> Result<(), BrandrailError> {
        Ok(self.core().delete_segment(actor, name)?)
    }

    /// Every segment, the policy's personas first (by name), then the custom
    /// ones (by name), each brought up to date (CRM-4; needs `crm.read`).
    pub fn segments(&self, actor: &str) -> Result<Vec<Segment>, BrandrailError> {
        list(self.core(), actor)
    }

    /// `segments` on a worker thread: awaiting it never blocks the caller's
    /// thread, however many customers the refresh evaluates.
    pub async fn segments_async(&self, actor: String) -> Result<Vec<Segment>, BrandrailError> {
        self.in_background(move |engine| list(engine, &actor)).await
    }

    /// Segment `name`, brought up to date (needs `crm.read`). `NotFound` for
    /// an unknown name.
    pub fn segment(&self, actor: &str, name: &str) -> Result<Segment, BrandrailError> {
        Ok(self.core().segment(actor, name)?.into())
    }

    /// How many members segment `name` has now, refreshing it (needs
    /// `crm.read`). `NotFound` for an unknown name.
    pub fn segment_count(&self, actor: &str, name: &str) -> Result<u64, BrandrailError> {
        Ok(self.core().segment_count(actor, name)?)
    }

    /// Bring every segment up to date and say what each refresh did (needs
    /// `crm.read`). Reads refresh on their own; this is for warming up after
    /// a large load.
    pub fn refresh_segments(&self, actor: &str) -> Result<Vec<SegmentRefresh>, BrandrailError> {
        refresh_all(self.core(), actor)
    }

    /// `refreshSegments` on a worker thread: awaiting it never blocks the
    /// caller's thread.
    pub async fn refresh_segments_async(
        &self,
        actor: String,
    ) -> Result<Vec<SegmentRefresh>, BrandrailError> {
        self.in_background(move |engine| refresh_all(engine, &actor))
            .await
    }

    /// A page of segment `name`'s members by customer id, from `offset`, at
    /// most `limit` (1 to `maxSegmentPage()`), with their stage and tier
    /// (needs `crm.read`). `Validation` (field `limit`) for a limit out of
    /// range; `NotFound` for an unknown name. An offset past the end gives an
    /// empty page.
    pub fn segment_members(
        &self,
        actor: &str,
        name: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<SegmentMember>, BrandrailError> {
        Ok(all(self
            .core()
            .segment_members(actor, name, offset, limit)?))
    }

    /// How many live customers rule `ruleJson` holds for now, without storing
    /// anything (a preview; needs `crm.read`). The rule is parsed and checked
    /// as for `defineSegment` (`Validation` naming the path at fault).
    pub fn count_customers(&self, actor: &str, rule_json: &str) -> Result<u64, BrandrailError> {
        count(self.core(), actor, &rule(rule_json)?)
    }

    /// `countCustomers` on a worker thread: awaiting it never blocks the
    /// caller's thread. A rule that does not parse throws before the work
    /// starts.
    pub async fn count_customers_async(
        &self,
        actor: String,
        rule_json: String,
    ) -> Result<u64, BrandrailError> {
        let rule = rule(&rule_json)?;
        self.in_background(move |engine| count(engine, &actor, &rule))
            .await
    }

    /// Customer `customerId`'s lifecycle stage and community tier with the
    /// behaviour they come from (CRM-4; needs `crm.read`). A merged id reads
    /// as its survivor; `NotFound` for an unknown or erased customer.
    pub fn customer_standing(
        &self,
        actor: &str,
        customer_id: i64,
    ) -> Result<Standing, BrandrailError> {
        Ok(self.core().customer_standing(actor, customer_id)?.into())
    }

    /// How the live customers spread over lifecycle stages and community
    /// tiers (needs `crm.read`).
    pub fn lifecycle_distribution(
        &self,
        actor: &str,
    ) -> Result<LifecycleDistribution, BrandrailError> {
        Ok(self.core().lifecycle_distribution(actor)?.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_tiers_and_origins_keep_the_cores_names() {
        for core in core::Stage::ALL {
            let mirrored = Stage::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::Stage::from(mirrored), *core);
            assert_eq!(parse_stage(core.as_str()).unwrap(), mirrored);
        }
        for core in core::Tier::ALL {
            let mirrored = Tier::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::Tier::from(mirrored), *core);
            assert_eq!(parse_tier(core.as_str()).unwrap(), mirrored);
        }
        for core in core::SegmentOrigin::ALL {
            let mirrored = SegmentOrigin::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(core::SegmentOrigin::from(mirrored), *core);
            assert_eq!(parse_segment_origin(core.as_str()).unwrap(), mirrored);
        }
        assert_eq!(parse_stage("loyal").unwrap_err().code(), "validation");
        assert_eq!(parse_tier("VIP").unwrap_err().code(), "validation");
        assert_eq!(parse_segment_origin("").unwrap_err().code(), "validation");
    }

    #[test]
    fn a_definition_keeps_its_rule_and_bad_json_names_the_path() {
        let def = definition(SegmentDef {
            name: "vip".into(),
            label: "VIP".into(),
            description: "d".into(),
            rule_json: r#"{"tier": ["vip"]}"#.into(),
        })
        .unwrap();
        assert_eq!(def.rule, core::Rule::Tier(vec![core::Tier::Vip]));
        for (json, field) in [
            ("", "rule"),
            ("not json", "rule"),
            (r#"{"events": {"kind": "purchse"}}"#, "rule.events.kind"),
        ] {
            match rule(json) {
                Err(BrandrailError::Validation { field: got, .. }) => {
                    assert_eq!(got, field, "{json}")
                }
                other => panic!("{json}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_segment_gives_its_rule_as_json() {
        let at = chrono::DateTime::from_timestamp(1_780_300_800, 0).unwrap();
        let s = Segment::from(core::Segment {
            name: "vip".into(),
            origin: core::SegmentOrigin::Custom,
            label: "VIP".into(),
            description: "d".into(),
            rule: core::Rule::Stage(vec![core::Stage::Loyalty]),
            members: 3,
            refreshed_at: at,
            defined_by: "li.na".into(),
            defined_at: at,
        });
        assert_eq!(s.rule_json, r#"{"stage":["loyalty"]}"#);
        assert_eq!(s.origin, SegmentOrigin::Custom);
        assert_eq!(s.members, 3);
        assert_eq!(s.defined_at, system_time(at));
    }
}
