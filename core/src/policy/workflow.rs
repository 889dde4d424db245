//! Approval workflows as policy data (APR-1): ordered stages, who may decide,
//! quorum, deadline, escalation and an optional condition per stage.

use std::collections::BTreeMap;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::access::{Department, named_enum};
use crate::validate::printable;

named_enum! {
    /// What an approval instance is about (APR-2).
    SubjectKind, "subject_kind" {
        /// A version of a content item (content review).
        ContentVersion => "content_version",
        /// A change to a budget line.
        BudgetAdjustment => "budget_adjustment",
        /// An expense reimbursement claim, with invoices.
        ExpenseClaim => "expense_claim",
        /// A project passing its stage gates.
        Project => "project",
        /// A document from draft to archive.
        Document => "document",
        /// A leave request.
        Leave => "leave",
        /// A decision-layer matter: annual strategy, budget allocation, major project.
        Decision => "decision",
    }
}

named_enum! {
    /// Comparison of a stage condition.
    ConditionOp, "op" {
        /// Equal (text, number or flag).
        Eq => "eq",
        /// Not equal.
        Ne => "ne",
        /// Greater than (numbers).
        Gt => "gt",
        /// Greater than or equal (numbers).
        Gte => "gte",
        /// Less than (numbers).
        Lt => "lt",
        /// Less than or equal (numbers).
        Lte => "lte",
    }
}

/// One approval workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowDef {
    /// What the workflow is for.
    pub description: String,
    /// The kind of subject it approves.
    pub subject: SubjectKind,
    /// Attachment kinds a submission must carry (e.g. `invoice`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_attachments: Vec<String>,
    /// Overrides `approvals.allow_same_principal_multiple_stages` for this workflow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_same_principal_multiple_stages: Option<bool>,
    /// The stages, in order.
    pub stages: Vec<StageDef>,
}

/// One stage of a workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageDef {
    /// Unique within the workflow.
    pub name: String,
    /// Who may decide.
    pub deciders: Deciders,
    /// Approvals needed (n of the eligible m).
    #[serde(default = "one")]
    pub quorum: u32,
    /// Deadline in hours from the stage's start; the policy default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sla_hours: Option<u32>,
    /// Who else may decide once the deadline has passed and the stage was escalated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<Deciders>,
    /// The stage applies only when this holds for the subject's attributes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<Condition>,
    /// Items every approval at this stage must confirm (e.g. finance's
    /// authenticity / legality / completeness check).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<String>,
}

fn one() -> u32 {
    1
}

/// Who may decide a stage: holders of any listed role, members of any listed
/// department, optionally only those of the submitter's own department.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deciders {
    /// Role names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Departments.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<Department>,
    /// Only principals of the submitter's department (a department head).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub same_department_as_submitter: bool,
}

/// A test on one subject attribute.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Attribute name.
    pub field: String,
    /// Comparison.
    pub op: ConditionOp,
    /// A string, number or boolean.
    pub value: serde_json::Value,
}

impl Condition {
    /// Does the condition hold for these attributes? A missing attribute makes
    /// it false (`ne`: true); numbers compare exactly as decimals.
    pub fn holds(&self, attributes: &BTreeMap<String, String>) -> bool {
        let Some(actual) = attributes.get(&self.field) else {
            return self.op == ConditionOp::Ne;
        };
        match &self.value {
            serde_json::Value::Number(n) => {
                // The attribute must be a plain decimal ("6000.50"): "6_000",
                // "6e3", "+6000" or " 6000 " are not numbers here.
                let (Ok(a), Ok(b)) = (
                    crate::money::parse_amount("attribute", actual),
                    Decimal::from_str(&n.to_string()),
                ) else {
                    return self.op == ConditionOp::Ne;
                };
                match self.op {
                    ConditionOp::Eq => a == b,
                    ConditionOp::Ne => a != b,
                    ConditionOp::Gt => a > b,
                    ConditionOp::Gte => a >= b,
                    ConditionOp::Lt => a < b,
                    ConditionOp::Lte => a <= b,
                }
            }
            serde_json::Value::Bool(b) => {
                let a = matches!(actual.trim(), "true" | "yes" | "1");
                match self.op {
                    ConditionOp::Eq => a == *b,
                    _ => a != *b,
                }
            }
            serde_json::Value::String(s) => match self.op {
                ConditionOp::Eq => actual == s,
                _ => actual != s,
            },
            _ => false,
        }
    }
}

/// Problems of one workflow definition, each as (path, message).
pub(super) fn problems(
    name: &str,
    wf: &WorkflowDef,
    roles: &BTreeMap<String, super::RoleDef>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let base = format!("approvals.workflows.{name}");
    if crate::validate::identifier("workflow", name).is_err() {
        out.push((
            base.clone(),
            "workflow names use only a-z, 0-9, '.', '_' and '-'".into(),
        ));
    }
    if wf.stages.is_empty() {
        out.push((
            format!("{base}.stages"),
            "a workflow needs at least one stage".into(),
        ));
    }
    let mut seen = Vec::new();
    for (i, st) in wf.stages.iter().enumerate() {
        let path = format!("{base}.stages[{i}]");
        if st.name.trim().is_empty() || st.name.chars().any(char::is_control) {
            out.push((
                format!("{path}.name"),
                format!("'{}' is not a stage name", printable(&st.name)),
            ));
        }
        if seen.contains(&st.name) {
            out.push((
                format!("{path}.name"),
                format!("'{}' is used by two stages", printable(&st.name)),
            ));
        }
        seen.push(st.name.clone());
        let mut check_deciders = |d: &Deciders, field: &str| {
            if d.roles.is_empty() && d.departments.is_empty() {
                out.push((
                    format!("{path}.{field}"),
                    "names no role and no department".into(),
                ));
            }
            for r in &d.roles {
                if !roles.contains_key(r) {
                    out.push((
                        format!("{path}.{field}.roles"),
                        format!("'{}' is not a defined role", printable(r)),
                    ));
                }
            }
        };
        check_deciders(&st.deciders, "deciders");
        if let Some(e) = &st.escalate_to {
            check_deciders(e, "escalate_to");
        }
        if st.quorum == 0 {
            out.push((format!("{path}.quorum"), "0 must be at least 1".into()));
        }
        if st.sla_hours == Some(0) {
            out.push((format!("{path}.sla_hours"), "0 must be at least 1".into()));
        }
        if let Some(c) = &st.when {
            let numeric = matches!(
                c.op,
                ConditionOp::Gt | ConditionOp::Gte | ConditionOp::Lt | ConditionOp::Lte
            );
            let ok = match &c.value {
                serde_json::Value::Number(_) => true,
                serde_json::Value::Bool(_) | serde_json::Value::String(_) => !numeric,
                _ => false,
            };
            if !ok {
                out.push((
                    format!("{path}.when.value"),
                    format!("{} does not fit the comparison '{}'", c.value, c.op),
                ));
            }
            if c.field.trim().is_empty() {
                out.push((format!("{path}.when.field"), "must not be empty".into()));
            }
        }
        for item in &st.checklist {
            if item.trim().is_empty() {
                out.push((
                    format!("{path}.checklist"),
                    "items must not be empty".into(),
                ));
            }
        }
    }
    out
}
