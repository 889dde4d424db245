//! Segment rules as data (CRM-4): a tree of conditions over a customer's
//! profile, behaviour, identities, consent and derived standing, written as
//! JSON (or TOML in the policy's personas):
//!
//! ```json
//! {"all": [
//!   {"field": {"name": "region", "op": "eq", "value": "上海"}},
//!   {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}},
//!   {"any": [{"stage": ["decision", "loyalty"]}, {"tier": ["vip"]}]}
//! ]}
//! ```
//!
//! Relative dates are windows counted back from the moment of evaluation
//! (`within_days`), so a stored rule keeps meaning "the last 90 days".

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{IdentityKind, InteractionKind};
use crate::access::named_enum;
use crate::money::Decimal;
use crate::policy::CrmPolicy;

/// Deepest nesting of groups in one rule.
pub const MAX_DEPTH: usize = 8;
/// Most conditions (groups and leaves) in one rule.
pub const MAX_CONDITIONS: usize = 64;
/// Longest relative window, days (about 30 years).
pub const MAX_WINDOW_DAYS: u32 = 11_000;
/// Most values in one `in` / `not_in` list.
const MAX_VALUES: usize = 100;

named_enum! {
    /// Lifecycle stage (CRM-4), derived from behaviour within
    /// `crm.lifecycle.window_days`: `loyalty` with at least
    /// `loyalty_min_purchases` purchases in the window; `decision` with a
    /// purchase or `decision_min_product_views` product views; `interest` with
    /// `interest_min_engagements` views, clicks and path steps; `awareness`
    /// otherwise.
    Stage, "lifecycle stage" {
        /// Known, little behaviour in the window.
        Awareness => "awareness",
        /// Engaging (views, clicks, path steps).
        Interest => "interest",
        /// Looking at products or buying.
        Decision => "decision",
        /// Buying repeatedly.
        Loyalty => "loyalty",
    }
}

named_enum! {
    /// Private-community tier (CRM-4), for customers who joined a community:
    /// `vip` from `crm.community.vip_min_purchases` purchases or
    /// `vip_min_spend` spent (all time), `repeat` from
    /// `repeat_min_purchases`, `new` otherwise.
    Tier, "community tier" {
        /// Joined, not yet a repeat buyer.
        New => "new",
        /// Repeat purchases.
        Repeat => "repeat",
        /// Most purchases or spend.
        Vip => "vip",
    }
}

/// One condition of a segment rule; groups nest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Rule {
    /// Every condition holds (an empty list holds for everyone).
    All(Vec<Rule>),
    /// At least one holds (an empty list holds for no one).
    Any(Vec<Rule>),
    /// The condition does not hold.
    Not(Box<Rule>),
    /// A profile field compared with a value.
    Field(FieldCondition),
    /// How many interactions of a kind, optionally on one page and within a
    /// relative window.
    Events(EventCondition),
    /// Total purchase amount, optionally within a window (amounts are opened
    /// with the host's key).
    Spend(SpendCondition),
    /// The customer's lifecycle stage is one of these.
    Stage(Vec<Stage>),
    /// The customer's community tier is one of these (non-members have none).
    Tier(Vec<Tier>),
    /// The customer has an identity of this kind.
    HasIdentity(IdentityKind),
    /// The customer's consent in force for a channel and purpose is granted.
    Consent(ConsentCondition),
    /// The customer was first seen within the window.
    FirstSeen(Window),
}

/// Comparison of a profile field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldOp {
    /// Equal to the value.
    Eq,
    /// Not equal (customers without the field match too).
    Ne,
    /// One of the values.
    In,
    /// None of the values (customers without the field match too).
    NotIn,
    /// Contains the value as a substring.
    Contains,
    /// Starts with the value.
    StartsWith,
    /// The field is set (no value).
    Exists,
    /// The field is not set (no value).
    Missing,
}

/// A value or a list of values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValue {
    /// One value.
    One(String),
    /// Several values (`in`, `not_in`).
    Many(Vec<String>),
}

/// `{"name": "region", "op": "eq", "value": "上海"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldCondition {
    /// A general-class profile field of the policy.
    pub name: String,
    /// The comparison.
    pub op: FieldOp,
    /// The value(s); none for `exists` / `missing`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<FieldValue>,
}

fn one() -> u32 {
    1
}

/// `{"kind": "purchase", "at_least": 2, "within_days": 90}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventCondition {
    /// The kind of interaction.
    pub kind: InteractionKind,
    /// Only interactions on this page (views, clicks, path steps).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// At least this many (default 1; 0 with `at_most` asks for "few or none").
    #[serde(default = "one")]
    pub at_least: u32,
    /// At most this many.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_most: Option<u32>,
    /// Only the last this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
}

/// `{"at_least": "1000", "within_days": 365}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpendCondition {
    /// At least this total (exact decimal text, as every amount).
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub at_least: Option<Decimal>,
    /// At most this total.
    #[serde(
        default,
        deserialize_with = "amount",
        skip_serializing_if = "Option::is_none"
    )]
    pub at_most: Option<Decimal>,
    /// Only purchases of the last this many days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
}

/// An amount as exact decimal text (`"1000"`, `"99.50"`): no numbers (a
/// float is not exact), no exponents, as for every amount of the API.
fn amount<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    let text: Option<String> = Option::deserialize(d)?;
    text.map(|t| {
        crate::money::parse_amount("amount", &t)
            .map_err(|e| serde::de::Error::custom(e.into_message()))
    })
    .transpose()
}

/// `{"channel": "sms", "purpose": "marketing"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentCondition {
    /// The channel.
    pub channel: String,
    /// The purpose.
    pub purpose: String,
}

/// `{"within_days": 30}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// The last this many days.
    pub within_days: u32,
}

impl Rule {
    /// Parse a rule from JSON text; errors name the path at fault.
    pub fn from_json(text: &str) -> crate::Result<Rule> {
        let de = &mut serde_json::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            crate::Error::validation(
                if path == "." {
                    "rule".to_owned()
                } else {
                    format!("rule.{path}")
                },
                crate::validate::escape_message(&e.into_inner().to_string()),
            )
        })
    }

    /// The rule as JSON text.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }

    /// Check the rule against the policy: fields of the policy, windows,
    /// amounts, sizes. `Err((path, message))` names the first problem.
    pub fn check(&self, crm: &CrmPolicy) -> Result<(), (String, String)> {
        let mut count = 0;
        self.check_at(crm, "rule", 0, &mut count)
    }

    fn check_at(
        &self,
        crm: &CrmPolicy,
        path: &str,
        depth: usize,
        count: &mut usize,
    ) -> Result<(), (String, String)> {
        let bad = |p: &str, m: String| Err((p.to_owned(), m));
        *count += 1;
        if *count > MAX_CONDITIONS {
            return bad(path, format!("more than {MAX_CONDITIONS} conditions"));
        }
        if depth > MAX_DEPTH {
            return bad(path, format!("nested deeper than {MAX_DEPTH} groups"));
        }
        let window = |p: &str, d: Option<u32>| match d {
            Some(0) => bad(p, "within_days must be at least 1".into()),
            Some(d) if d > MAX_WINDOW_DAYS => {
                bad(p, format!("within_days must be at most {MAX_WINDOW_DAYS}"))
            }
            _ => Ok(()),
        };
        let text = |p: &str, v: &str| {
            crate::validate::display_text(p, v).map_err(|e| (p.to_owned(), e.into_message()))
        };
        match self {
            Rule::All(v) | Rule::Any(v) => {
                let key = if matches!(self, Rule::All(_)) {
                    "all"
                } else {
                    "any"
                };
                for (i, r) in v.iter().enumerate() {
                    r.check_at(crm, &format!("{path}.{key}[{i}]"), depth + 1, count)?;
                }
                Ok(())
            }
            Rule::Not(r) => r.check_at(crm, &format!("{path}.not"), depth + 1, count),
            Rule::Field(f) => {
                let p = format!("{path}.field");
                if !crm.data_classes.general.contains(&f.name) {
                    return bad(
                        &format!("{p}.name"),
                        format!(
                            "'{}' is not a profile field of the policy (crm.data_classes.general)",
                            crate::validate::printable(&f.name)
                        ),
                    );
                }
                let needs = !matches!(f.op, FieldOp::Exists | FieldOp::Missing);
                let list = matches!(f.op, FieldOp::In | FieldOp::NotIn);
                match (&f.value, needs, list) {
                    (None, true, _) => bad(&p, "this comparison needs a value".into()),
                    (Some(_), false, _) => bad(&p, "exists / missing take no value".into()),
                    (Some(FieldValue::Many(_)), true, false) => {
                        bad(&p, "this comparison takes one value, not a list".into())
                    }
                    (Some(FieldValue::Many(vs)), true, true) => {
                        if vs.is_empty() || vs.len() > MAX_VALUES {
                            return bad(&p, format!("1 to {MAX_VALUES} values"));
                        }
                        for v in vs {
                            text(&format!("{p}.value"), v)?;
                        }
                        Ok(())
                    }
                    (Some(FieldValue::One(v)), true, _) => text(&format!("{p}.value"), v),
                    (None, false, _) => Ok(()),
                }
            }
            Rule::Events(e) => {
                let p = format!("{path}.events");
                if let Some(page) = &e.page {
                    text(&format!("{p}.page"), page)?;
                }
                if e.at_most.is_some_and(|m| m < e.at_least) {
                    return bad(&p, "at_most is below at_least".into());
                }
                window(&p, e.within_days)
            }
            Rule::Spend(s) => {
                let p = format!("{path}.spend");
                if s.at_least.is_none() && s.at_most.is_none() {
                    return bad(&p, "needs at_least or at_most".into());
                }
                for v in [s.at_least, s.at_most].into_iter().flatten() {
                    if v.is_sign_negative() {
                        return bad(&p, "amounts must not be negative".into());
                    }
                }
                if let (Some(a), Some(b)) = (s.at_least, s.at_most)
                    && b < a
                {
                    return bad(&p, "at_most is below at_least".into());
                }
                window(&p, s.within_days)
            }
            Rule::Stage(v) if v.is_empty() => bad(&format!("{path}.stage"), "name a stage".into()),
            Rule::Tier(v) if v.is_empty() => bad(&format!("{path}.tier"), "name a tier".into()),
            Rule::Stage(_) | Rule::Tier(_) | Rule::HasIdentity(_) => Ok(()),
            Rule::Consent(c) => {
                let p = format!("{path}.consent");
                crate::validate::identifier(&format!("{p}.channel"), &c.channel)
                    .and_then(|_| crate::validate::identifier(&format!("{p}.purpose"), &c.purpose))
                    .map_err(|e| (p.clone(), e.into_message()))
            }
            Rule::FirstSeen(w) => window(&format!("{path}.first_seen"), Some(w.within_days)),
        }
    }

    /// Visit every condition, depth first.
    pub(crate) fn walk(&self, f: &mut impl FnMut(&Rule)) {
        f(self);
        match self {
            Rule::All(v) | Rule::Any(v) => v.iter().for_each(|r| r.walk(f)),
            Rule::Not(r) => r.walk(f),
            _ => {}
        }
    }

    /// The profile fields the rule reads.
    pub(crate) fn fields(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.walk(&mut |r| {
            if let Rule::Field(f) = r {
                out.insert(f.name.clone());
            }
        });
        out
    }

    /// The relative windows, in days, the rule's answer depends on (with the
    /// lifecycle window when it asks for stages): a customer's membership can
    /// change by time alone when an event leaves one of them.
    pub(crate) fn windows(&self, crm: &CrmPolicy) -> BTreeSet<u32> {
        let mut out = BTreeSet::new();
        self.walk(&mut |r| match r {
            Rule::Events(EventCondition {
                within_days: Some(d),
                ..
            })
            | Rule::Spend(SpendCondition {
                within_days: Some(d),
                ..
            }) => {
                out.insert(*d);
            }
            Rule::FirstSeen(w) => {
                out.insert(w.within_days);
            }
            Rule::Stage(_) => {
                out.insert(crm.lifecycle.window_days);
            }
            _ => {}
        });
        out
    }
}
