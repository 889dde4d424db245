//! The sections of the policy document, one struct per table of
//! `default.toml`. Field docs name the rule each number serves.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::WorkflowDef;
use crate::access::{Department, Permission};

/// Identity of the document and the frame numbers are read in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// Human name of the policy.
    pub name: String,
    /// The company's own revision label.
    pub revision: String,
    /// IANA time zone calendars and slots are evaluated in.
    pub time_zone: String,
    /// ISO 4217 code of all money amounts.
    pub currency: String,
}

/// ACC: roles and who may administer accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPolicy {
    /// ACC-5: months without interaction after which a media account is a zombie.
    pub zombie_after_months: u32,
    /// ACC-2: departments whose principals may create accounts and grant roles.
    pub account_admin_departments: Vec<Department>,
    /// Role name → what it allows.
    pub roles: BTreeMap<String, RoleDef>,
    /// Roles a new principal of a department receives by default.
    pub department_roles: BTreeMap<Department, Vec<String>>,
}

/// A role: a named set of permissions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleDef {
    /// What the role is for.
    pub description: String,
    /// What it allows.
    pub permissions: Vec<Permission>,
}

/// CON: content rules and the publishing plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContentPolicy {
    /// CON-7: approved but unscheduled longer than this is backlog.
    pub backlog_after_days: u32,
    /// CON-4: ads must carry an ad label.
    pub ad_label_required: bool,
    /// CON-4: accepted ad labels.
    pub ad_labels: Vec<String>,
    /// CON-4: allowed link domains; empty allows any.
    pub allowed_link_domains: Vec<String>,
    /// CON-4: fields every item must have before publication.
    pub required_fields: Vec<String>,
    /// CON-5: short-video length.
    pub video: VideoRules,
    /// CON-5: layout and VI.
    pub layout: LayoutRules,
    /// CON-5: canonical brand names and wrong spellings.
    pub brand_names: Vec<BrandName>,
    /// CON-7: per-channel cadence.
    pub cadence: Vec<Cadence>,
    /// CON-7: preferred slots per channel, `HH:MM` local time.
    pub slots: BTreeMap<String, Vec<String>>,
    /// CON-8: the hot-date calendar quarterly themes are planned from.
    pub hot_dates: Vec<HotDate>,
}

/// CON-8: a date marketing plans around (a holiday, a shopping festival, a
/// trade show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotDate {
    /// Name shown in plans.
    pub name: String,
    /// `holiday`, `festival`, `trade_show`, … (free, an identifier).
    pub kind: String,
    /// `MM-DD` for a date that recurs every year, `YYYY-MM-DD` for one that
    /// moves (lunar holidays, trade shows).
    pub on: String,
}

/// CON-5: short-video length bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoRules {
    /// Shortest allowed, seconds.
    pub min_seconds: u32,
    /// Longest allowed, seconds.
    pub max_seconds: u32,
}

/// CON-5: layout and approved visual-identity elements.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LayoutRules {
    /// Minimum paragraph (line) spacing.
    pub min_paragraph_spacing: f64,
    /// Approved template ids; empty means not yet restricted.
    pub approved_templates: Vec<String>,
    /// Approved fonts; empty means not yet restricted.
    pub approved_fonts: Vec<String>,
    /// Approved palettes; empty means not yet restricted.
    pub approved_palettes: Vec<String>,
}

/// CON-5: a brand name and the spellings that must be corrected to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrandName {
    /// The only correct spelling.
    pub canonical: String,
    /// Known wrong spellings.
    pub wrong: Vec<String>,
}

/// CON-7: how often a kind of content goes out on a channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cadence {
    /// Channel name (a media platform).
    pub channel: String,
    /// Content kind counted.
    pub kind: String,
    /// `day` or `week`.
    pub period: Period,
    /// Items expected per period.
    pub target: u32,
    /// At most this many per period, if capped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<u32>,
    /// At least this many of them user-generated, if required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ugc: Option<u32>,
    /// Sub-kinds the channel's output should mix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mix: Vec<String>,
}

/// A cadence period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Per calendar day in the policy's time zone.
    Day,
    /// Per ISO week in the policy's time zone.
    Week,
}

/// CON-3: compliance scanner settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CompliancePolicy {
    /// Placeholders (`[具体…]`, TODO, XXX) block publication.
    pub block_placeholders: bool,
    /// Personal data in content must be masked.
    pub require_masked_personal_data: bool,
    /// The company's own banned terms.
    pub custom_terms: Vec<CustomTerm>,
    /// Words that must never fire.
    pub custom_exceptions: Vec<String>,
}

/// A company-specific banned or warned term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomTerm {
    /// The term as written.
    pub term: String,
    /// Its category.
    pub category: String,
    /// `block` or `warn`.
    pub severity: Severity,
    /// Why (law, article, internal rule).
    pub legal_basis: String,
    /// What to write instead.
    pub suggestion: String,
}

crate::access::named_enum! {
    /// How serious a finding is.
    Severity, "severity" {
        /// Blocks publication.
        Block => "block",
        /// Needs a human look.
        Warn => "warn",
    }
}

/// APR defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApprovalPolicy {
    /// Stage deadline when a workflow names none.
    pub default_sla_hours: u32,
    /// APR-3: may one principal fill two stages of an instance?
    pub allow_same_principal_multiple_stages: bool,
    /// APR-2: subjects that need the decision layer.
    pub decision_layer_subjects: Vec<String>,
    /// APR-1: the workflows, by name.
    pub workflows: BTreeMap<String, WorkflowDef>,
}

/// CRM settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmPolicy {
    /// CRM-5: fields refused unless a declared purpose allows them.
    pub refused_fields: Vec<String>,
    /// CRM-5: the purposes that allow refused fields, by key.
    pub declared_purposes: BTreeMap<String, DeclaredPurpose>,
    /// CRM-2: similarity at which fuzzy duplicates are proposed, 0–1.
    pub fuzzy_match_threshold: f64,
    /// CRM-4: minimum number of core personas.
    pub min_personas: u32,
    /// CRM-10: alert keywords.
    pub opinion_alert_keywords: Vec<String>,
    /// CRM-6: data classes.
    pub data_classes: DataClasses,
    /// CRM-9: service targets.
    pub service: ServiceTargets,
    /// CRM-10: crisis handling.
    pub crisis: CrisisRules,
    /// CRM-10: alert severities.
    pub opinion: OpinionRules,
    /// CRM-4: lifecycle stage thresholds.
    pub lifecycle: LifecycleThresholds,
    /// CRM-4: community tier thresholds.
    pub community: CommunityTiers,
    /// CRM-4: the core personas, by key (segments the policy defines).
    pub personas: BTreeMap<String, Persona>,
    /// CRM-11: how customer value is computed.
    pub value: ValueSettings,
}

/// CRM-5: a purpose that needs fields data minimization otherwise refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeclaredPurpose {
    /// What the data is for, and on what basis.
    pub description: String,
    /// The refused fields it allows (core class: sealed at rest).
    pub allows: Vec<String>,
}

/// CRM-4: a core persona: a named segment rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    /// Display name.
    pub label: String,
    /// Who they are and how to reach them.
    pub description: String,
    /// Who belongs (see `crm::Rule`).
    pub rule: crate::crm::Rule,
}

/// CRM-11 settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueSettings {
    /// RFM looks at purchases of the last this many days.
    pub rfm_window_days: u32,
    /// LTV: expected customer lifespan, years.
    pub lifespan_years: f64,
    /// LTV: gross margin applied to revenue, 0–1 (1 gives revenue LTV).
    pub gross_margin: f64,
}

/// CRM-6: which fields are core (encrypted) and general (masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataClasses {
    /// Encrypted at rest.
    pub core: Vec<String>,
    /// Masked for roles without clearance.
    pub general: Vec<String>,
}

/// CRM-9.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceTargets {
    /// First response deadline, minutes.
    pub first_response_minutes: u32,
    /// Satisfaction target on the scale below.
    pub satisfaction_target: f64,
    /// Top of the satisfaction scale.
    pub satisfaction_scale: u32,
    /// Where questions and requests go, and complaints no route names.
    pub default_department: Department,
    /// Common questions answered at once (the first response).
    pub auto_answers: Vec<AutoAnswer>,
    /// Complaints routed by what they mention, first match wins.
    pub complaint_routes: Vec<ComplaintRoute>,
}

/// CRM-9: a common question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoAnswer {
    /// Identifier.
    pub key: String,
    /// Any of these in a question's subject or body triggers the answer.
    pub keywords: Vec<String>,
    /// The answer sent.
    pub answer: String,
}

/// CRM-9: complaints mentioning any keyword go to the department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComplaintRoute {
    /// Any of these.
    pub keywords: Vec<String>,
    /// The responsible department.
    pub department: Department,
}

/// CRM-10.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisRules {
    /// First response deadline for crisis cases, hours.
    pub first_response_hours: u32,
    /// The kind of crisis opened when no kind's keywords match.
    pub default_kind: String,
    /// Kinds of crisis by key: how to recognize them, the response
    /// template, who leads and who reviews.
    pub kinds: BTreeMap<String, CrisisKind>,
}

/// CRM-10: a kind of crisis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrisisKind {
    /// Mentions with any of these are of this kind.
    pub keywords: Vec<String>,
    /// The response template (话术模板).
    pub template: String,
    /// The department that leads the response.
    pub lead_department: Department,
    /// The department that reviews it.
    pub review_department: Department,
}

/// CRM-10: how mentions become alerts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpinionRules {
    /// Alerts with any of these are sensitive (escalated to a supervisor).
    pub sensitive_keywords: Vec<String>,
    /// Alerts with any of these are major (escalated, and a crisis opened).
    pub major_keywords: Vec<String>,
    /// A mention reaching at least this many people is major.
    pub major_reach: u64,
}

/// CRM-4: behaviour thresholds of the lifecycle stages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifecycleThresholds {
    /// Engagements (views, clicks) within the window for "interest".
    pub interest_min_engagements: u32,
    /// Product views within the window for "decision".
    pub decision_min_product_views: u32,
    /// Purchases for "loyalty".
    pub loyalty_min_purchases: u32,
    /// The behaviour window, days.
    pub window_days: u32,
}

/// CRM-4: private-community tiers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityTiers {
    /// Purchases for "repeat".
    pub repeat_min_purchases: u32,
    /// Purchases for "VIP".
    pub vip_min_purchases: u32,
    /// Or total spend for "VIP".
    pub vip_min_spend: Decimal,
}

/// CMP thresholds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CampaignPolicy {
    /// CMP-3: Douyin completion rate floor.
    pub douyin_min_completion_rate: f64,
    /// CMP-5: email open rate floor.
    pub email_min_open_rate: f64,
    /// CMP-5: ROI below this is low-efficiency.
    pub low_roi_threshold: f64,
    /// CMP-5: CPC rise that opens an investigation.
    pub cpc_spike_ratio: f64,
    /// CMP-5: investigation due within, hours.
    pub investigation_due_hours: u32,
    /// CMP-5: CTR below this share of the industry mean → replace the creative.
    pub ctr_replace_ratio: f64,
    /// CMP-6: significance level.
    pub ab_significance_level: f64,
    /// CMP-6: statistical power for sample sizes.
    pub ab_power: f64,
    /// CMP-7: cost-per-lead advantage that triggers a reallocation proposal.
    pub reallocation_min_cpl_advantage: f64,
    /// CMP-4: quadrant budget shares.
    pub quadrants: Quadrants,
    /// CMP-8: bid multipliers by day-part.
    pub day_parts: Vec<DayPart>,
}

/// CMP-4: shares of the variable budget per channel quadrant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quadrants {
    /// High conversion, high cost.
    pub high_conversion_high_cost: f64,
    /// High conversion, low cost.
    pub high_conversion_low_cost: f64,
    /// Low conversion, high potential (a capped test).
    pub low_conversion_high_potential: f64,
    /// Monthly cap of the test quadrant, in the policy currency.
    pub test_monthly_cap: Decimal,
}

/// CMP-8: a bid multiplier for a recurring local time window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DayPart {
    /// Weekdays, `mon`…`sun`.
    pub days: Vec<String>,
    /// Start, `HH:MM`, inclusive.
    pub from: String,
    /// End, `HH:MM`, exclusive.
    pub to: String,
    /// Bid multiplier.
    pub multiplier: f64,
}

/// BUD settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetPolicy {
    /// BUD-3: share of each quarter held back.
    pub quarterly_contingency: f64,
    /// BUD-7: variance that alerts.
    pub variance_alert: f64,
    /// BUD-8: reward share of a landed saving.
    pub innovation_reward_share: f64,
    /// BUD-3: fixed vs variable.
    pub split: BudgetSplit,
    /// BUD-6: vendor terms.
    pub vendor: VendorTerms,
}

/// BUD-3: fixed and variable shares (sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BudgetSplit {
    /// Tool subscriptions, channel annual fees.
    pub fixed: f64,
    /// Ads, influencers, promotions.
    pub variable: f64,
}

/// BUD-6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VendorTerms {
    /// Lowest KOL framework discount.
    pub kol_discount_min: f64,
    /// Highest KOL framework discount.
    pub kol_discount_max: f64,
    /// Bonus share for a performing article.
    pub performance_bonus: f64,
    /// Reads above which the bonus is paid.
    pub performance_reads_threshold: u64,
}

/// SCO settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoringPolicy {
    /// SCO-1.
    pub leads: LeadScoring,
    /// SCO-2.
    pub points: LoyaltyPoints,
    /// SCO-3.
    pub scorecard: Scorecard,
    /// SCO-3: grade bands, highest first.
    pub grades: Vec<GradeBand>,
    /// SCO-6.
    pub training: TrainingTargets,
}

/// SCO-1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadScoring {
    /// Score at which a lead goes to sales.
    pub sales_ready_threshold: f64,
    /// Engagement half-life, days.
    pub decay_half_life_days: f64,
}

/// SCO-2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoyaltyPoints {
    /// Points per coupon.
    pub coupon_points: u32,
    /// A coupon's value.
    pub coupon_value: Decimal,
    /// Points for a UGC post.
    pub ugc_post: u32,
    /// Points per currency unit spent.
    pub per_currency_unit_spent: u32,
}

/// SCO-3.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scorecard {
    /// Weight of quantitative indicators.
    pub quantitative: f64,
    /// Weight of qualitative indicators.
    pub qualitative: f64,
    /// Community MAU growth target.
    pub community_mau_growth_target: f64,
    /// Evaluator weights.
    pub evaluators: EvaluatorWeights,
}

/// SCO-3: evaluator sources (sum to 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvaluatorWeights {
    /// The direct supervisor.
    pub supervisor: f64,
    /// Peers.
    pub peer: f64,
    /// Self-assessment.
    #[serde(rename = "self")]
    pub self_: f64,
    /// Customers.
    pub customer: f64,
}

/// SCO-3: a grade and its lowest score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradeBand {
    /// Grade name.
    pub grade: String,
    /// Lowest score (0–100) of the band.
    pub min_score: f64,
}

/// SCO-6.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainingTargets {
    /// Exam pass-rate target.
    pub pass_rate_target: f64,
}

/// AUD-3.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditPolicy {
    /// Hours between scheduled backups.
    pub backup_interval_hours: u32,
    /// Recovery time objective, hours.
    pub recovery_time_objective_hours: u32,
}
