//! Semantic checks of a policy document, beyond what its types already enforce.
//! Each problem names the path (`budget.split.fixed`) and says what is wrong with
//! the value, e.g. `1.4 is not a share between 0 and 1`.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::Policy;
use crate::access::Permission;
use crate::validate::printable;

/// One thing wrong with a policy document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyProblem {
    /// Dotted path of the field.
    pub path: String,
    /// What is wrong, quoting the bad value.
    pub message: String,
}

struct Checker {
    problems: Vec<PolicyProblem>,
}

impl Checker {
    fn push(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(PolicyProblem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn share(&mut self, path: &str, v: f64) {
        if !(v.is_finite() && (0.0..=1.0).contains(&v)) {
            self.push(path, format!("{v} is not a share between 0 and 1"));
        }
    }

    fn positive(&mut self, path: &str, v: f64) {
        if !(v.is_finite() && v > 0.0) {
            self.push(path, format!("{v} must be a positive number"));
        }
    }

    fn non_negative(&mut self, path: &str, v: f64) {
        if !(v.is_finite() && v >= 0.0) {
            self.push(path, format!("{v} must be zero or more"));
        }
    }

    fn at_least_one(&mut self, path: &str, v: u64) {
        if v == 0 {
            self.push(path, "0 must be at least 1");
        }
    }

    fn money(&mut self, path: &str, v: Decimal) {
        if v.is_sign_negative() {
            self.push(path, format!("{v} must not be negative"));
        }
    }

    fn sums_to_one(&mut self, path: &str, parts: &[f64]) {
        let sum: f64 = parts.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            self.push(path, format!("shares add up to {sum}, not 1"));
        }
    }

    fn clock_time(&mut self, path: &str, v: &str) {
        if parse_hhmm(v).is_none() {
            self.push(
                path,
                format!("'{}' is not a time of day HH:MM", printable(v)),
            );
        }
    }

    /// A company term or exception must keep a letter or digit after
    /// normalization, or it could never match.
    fn matchable(&mut self, path: &str, v: &str) {
        if !v.trim().is_empty() && !crate::content::compliance::matchable(v) {
            self.push(
                path,
                format!(
                    "'{}' has no letter or digit and could never match",
                    printable(v)
                ),
            );
        }
    }

    fn text(&mut self, path: &str, v: &str) {
        if v.trim().is_empty() {
            self.push(path, "must not be empty");
        } else if v.chars().any(char::is_control) {
            self.push(
                path,
                format!("'{}' contains control characters", printable(v)),
            );
        }
    }
}

/// `HH:MM` as minutes after midnight.
pub(crate) fn parse_hhmm(v: &str) -> Option<u32> {
    let (h, m) = v.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

pub(super) fn problems(p: &Policy) -> Vec<PolicyProblem> {
    let mut c = Checker {
        problems: Vec::new(),
    };

    // meta
    c.text("meta.name", &p.meta.name);
    if chrono_tz::Tz::from_str(&p.meta.time_zone).is_err() {
        c.push(
            "meta.time_zone",
            format!(
                "'{}' is not an IANA time zone",
                printable(&p.meta.time_zone)
            ),
        );
    }
    if !(p.meta.currency.len() == 3 && p.meta.currency.chars().all(|c| c.is_ascii_uppercase())) {
        c.push(
            "meta.currency",
            format!("'{}' is not an ISO 4217 code", printable(&p.meta.currency)),
        );
    }

    // access
    let a = &p.access;
    c.at_least_one("access.zombie_after_months", a.zombie_after_months.into());
    if a.account_admin_departments.is_empty() {
        c.push(
            "access.account_admin_departments",
            "must name at least one department",
        );
    }
    if a.roles.is_empty() {
        c.push("access.roles", "must define at least one role");
    }
    for (name, role) in &a.roles {
        if crate::validate::identifier("role", name).is_err() {
            c.push(
                format!("access.roles.{}", printable(name)),
                "role names use only a-z, 0-9, '.', '_' and '-'",
            );
        }
        let mut seen = Vec::new();
        for perm in &role.permissions {
            if seen.contains(perm) {
                c.push(
                    format!("access.roles.{name}.permissions"),
                    format!("'{perm}' is listed twice"),
                );
            }
            seen.push(*perm);
        }
    }
    for (dept, roles) in &a.department_roles {
        for role in roles {
            if !a.roles.contains_key(role) {
                c.push(
                    format!("access.department_roles.{dept}"),
                    format!("'{}' is not a defined role", printable(role)),
                );
            }
        }
    }
    // ACC-2: some department must be able to administer accounts, or the company
    // locks itself out.
    let admin_possible = a.roles.values().any(|r| {
        r.permissions.contains(&Permission::PrincipalManage)
            && r.permissions.contains(&Permission::RoleGrant)
    });
    if !admin_possible {
        c.push(
            "access.roles",
            "no role carries both principal.manage and role.grant: nobody could administer accounts",
        );
    }

    // content
    let ct = &p.content;
    c.at_least_one("content.backlog_after_days", ct.backlog_after_days.into());
    if ct.ad_label_required && ct.ad_labels.is_empty() {
        c.push(
            "content.ad_labels",
            "ad labels are required but none is listed",
        );
    }
    for (i, d) in ct.allowed_link_domains.iter().enumerate() {
        let ok = !d.is_empty()
            && d.len() <= 253
            && d.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !ok {
            c.push(
                format!("content.allowed_link_domains[{i}]"),
                format!("'{}' is not a domain name", printable(d)),
            );
        }
    }
    if ct.video.min_seconds == 0 || ct.video.min_seconds > ct.video.max_seconds {
        c.push(
            "content.video.min_seconds",
            format!(
                "{} must be at least 1 and at most max_seconds ({})",
                ct.video.min_seconds, ct.video.max_seconds
            ),
        );
    }
    c.positive(
        "content.layout.min_paragraph_spacing",
        ct.layout.min_paragraph_spacing,
    );
    for (i, b) in ct.brand_names.iter().enumerate() {
        c.text(&format!("content.brand_names[{i}].canonical"), &b.canonical);
        if b.wrong.iter().any(|w| w == &b.canonical) {
            c.push(
                format!("content.brand_names[{i}].wrong"),
                "lists the canonical spelling as wrong",
            );
        }
    }
    for (i, f) in ct.required_fields.iter().enumerate() {
        if !crate::content::REQUIRED_FIELD_NAMES.contains(&f.as_str()) {
            c.push(
                format!("content.required_fields[{i}]"),
                format!(
                    "'{}' is not one of: {}",
                    printable(f),
                    crate::content::REQUIRED_FIELD_NAMES.join(", ")
                ),
            );
        }
    }
    for (i, h) in ct.hot_dates.iter().enumerate() {
        let path = format!("content.hot_dates[{i}]");
        c.text(&format!("{path}.name"), &h.name);
        if crate::validate::identifier("kind", &h.kind).is_err() {
            c.push(
                format!("{path}.kind"),
                format!(
                    "'{}' is not an identifier (a-z, 0-9, '.', '_', '-')",
                    printable(&h.kind)
                ),
            );
        }
        if crate::content::HotDateRule::parse(&h.on).is_none() {
            c.push(
                format!("{path}.on"),
                format!("'{}' is neither MM-DD nor YYYY-MM-DD", printable(&h.on)),
            );
        }
    }
    for (i, cad) in ct.cadence.iter().enumerate() {
        let path = format!("content.cadence[{i}]");
        c.text(&format!("{path}.channel"), &cad.channel);
        if cad.kind.parse::<crate::content::ContentKind>().is_err() {
            c.push(
                format!("{path}.kind"),
                format!("'{}' is not a content kind", printable(&cad.kind)),
            );
        }
        for (j, m) in cad.mix.iter().enumerate() {
            if crate::validate::identifier("mix", m).is_err() {
                c.push(
                    format!("{path}.mix[{j}]"),
                    format!(
                        "'{}' is not an identifier (a-z, 0-9, '.', '_', '-')",
                        printable(m)
                    ),
                );
            }
        }
        c.at_least_one(&format!("{path}.target"), cad.target.into());
        if let Some(cap) = cad.cap
            && cap < cad.target
        {
            c.push(
                format!("{path}.cap"),
                format!("{cap} is below the target {}", cad.target),
            );
        }
        if let Some(ugc) = cad.min_ugc
            && ugc > cad.cap.unwrap_or(cad.target).max(cad.target)
        {
            c.push(
                format!("{path}.min_ugc"),
                format!("{ugc} is more than the items per period"),
            );
        }
    }
    for (channel, slots) in &ct.slots {
        for (i, s) in slots.iter().enumerate() {
            c.clock_time(&format!("content.slots.{channel}[{i}]"), s);
        }
    }

    // compliance
    for (i, t) in p.compliance.custom_terms.iter().enumerate() {
        let path = format!("compliance.custom_terms[{i}].term");
        c.text(&path, &t.term);
        c.matchable(&path, &t.term);
        c.text(
            &format!("compliance.custom_terms[{i}].category"),
            &t.category,
        );
    }
    for (i, t) in p.compliance.custom_exceptions.iter().enumerate() {
        let path = format!("compliance.custom_exceptions[{i}]");
        c.text(&path, t);
        c.matchable(&path, t);
    }

    // approvals
    c.at_least_one(
        "approvals.default_sla_hours",
        p.approvals.default_sla_hours.into(),
    );
    for (name, wf) in &p.approvals.workflows {
        for (path, message) in super::workflow::problems(name, wf, &a.roles) {
            c.push(path, message);
        }
    }
    for (i, s) in p.approvals.decision_layer_subjects.iter().enumerate() {
        c.text(&format!("approvals.decision_layer_subjects[{i}]"), s);
    }

    // crm
    let crm = &p.crm;
    c.share("crm.fuzzy_match_threshold", crm.fuzzy_match_threshold);
    c.at_least_one("crm.min_personas", crm.min_personas.into());
    for k in &crm.opinion_alert_keywords {
        c.text("crm.opinion_alert_keywords", k);
    }
    for f in &crm.data_classes.core {
        if crm.data_classes.general.contains(f) {
            c.push(
                "crm.data_classes",
                format!("'{}' is both core and general", printable(f)),
            );
        }
    }
    c.at_least_one(
        "crm.service.first_response_minutes",
        crm.service.first_response_minutes.into(),
    );
    c.at_least_one(
        "crm.service.satisfaction_scale",
        crm.service.satisfaction_scale.into(),
    );
    let scale = f64::from(crm.service.satisfaction_scale);
    if !(crm.service.satisfaction_target > 0.0 && crm.service.satisfaction_target <= scale) {
        c.push(
            "crm.service.satisfaction_target",
            format!(
                "{} is not on the scale 0–{scale}",
                crm.service.satisfaction_target
            ),
        );
    }
    c.at_least_one(
        "crm.crisis.first_response_hours",
        crm.crisis.first_response_hours.into(),
    );
    c.at_least_one(
        "crm.lifecycle.window_days",
        crm.lifecycle.window_days.into(),
    );
    if crm.community.vip_min_purchases < crm.community.repeat_min_purchases {
        c.push(
            "crm.community.vip_min_purchases",
            format!(
                "{} is below repeat_min_purchases ({})",
                crm.community.vip_min_purchases, crm.community.repeat_min_purchases
            ),
        );
    }
    c.money("crm.community.vip_min_spend", crm.community.vip_min_spend);
    if (crm.personas.len() as u64) < u64::from(crm.min_personas) {
        c.push(
            "crm.personas",
            format!(
                "{} personas defined, crm.min_personas asks for {}",
                crm.personas.len(),
                crm.min_personas
            ),
        );
    }
    for (key, persona) in &crm.personas {
        let path = format!("crm.personas.{}", printable(key));
        if crate::validate::identifier("persona", key).is_err() {
            c.push(
                &path,
                "a persona key is an identifier (a-z, 0-9, '.', '_', '-')",
            );
        }
        c.text(&format!("{path}.label"), &persona.label);
        c.text(&format!("{path}.description"), &persona.description);
        if let Err((at, message)) = persona.rule.check(crm) {
            c.push(format!("{path}.{at}"), message);
        }
    }
    c.at_least_one(
        "crm.value.rfm_window_days",
        crm.value.rfm_window_days.into(),
    );
    c.positive("crm.value.lifespan_years", crm.value.lifespan_years);
    c.share("crm.value.gross_margin", crm.value.gross_margin);
    for (key, p) in &crm.declared_purposes {
        let path = format!("crm.declared_purposes.{}", printable(key));
        if crate::validate::identifier("purpose", key).is_err() {
            c.push(
                &path,
                "a purpose key is an identifier (a-z, 0-9, '.', '_', '-')",
            );
        }
        c.text(&format!("{path}.description"), &p.description);
        for f in &p.allows {
            if !crm.refused_fields.contains(f) {
                c.push(
                    format!("{path}.allows"),
                    format!(
                        "'{}' is not a refused field; only refused fields need a purpose",
                        printable(f)
                    ),
                );
            } else if !crm.data_classes.core.contains(f) {
                c.push(
                    format!("{path}.allows"),
                    format!(
                        "'{}' must be core class (sealed) to be allowed",
                        printable(f)
                    ),
                );
            }
        }
    }
    for (i, a) in crm.service.auto_answers.iter().enumerate() {
        let path = format!("crm.service.auto_answers[{i}]");
        if crate::validate::identifier("key", &a.key).is_err() {
            c.push(
                format!("{path}.key"),
                "an identifier (a-z, 0-9, '.', '_', '-')",
            );
        }
        c.text(&format!("{path}.answer"), &a.answer);
        if a.keywords.is_empty() {
            c.push(format!("{path}.keywords"), "name at least one keyword");
        }
        for k in &a.keywords {
            c.text(&format!("{path}.keywords"), k);
            c.matchable(&format!("{path}.keywords"), k);
        }
    }
    for (i, r) in crm.service.complaint_routes.iter().enumerate() {
        let path = format!("crm.service.complaint_routes[{i}].keywords");
        if r.keywords.is_empty() {
            c.push(&path, "name at least one keyword");
        }
        for k in &r.keywords {
            c.text(&path, k);
            c.matchable(&path, k);
        }
    }
    if !crm.crisis.kinds.contains_key(&crm.crisis.default_kind) {
        c.push(
            "crm.crisis.default_kind",
            format!(
                "'{}' is not one of crm.crisis.kinds",
                printable(&crm.crisis.default_kind)
            ),
        );
    }
    for (key, k) in &crm.crisis.kinds {
        let path = format!("crm.crisis.kinds.{}", printable(key));
        if crate::validate::identifier("kind", key).is_err() {
            c.push(
                &path,
                "a kind key is an identifier (a-z, 0-9, '.', '_', '-')",
            );
        }
        c.text(&format!("{path}.template"), &k.template);
        for w in &k.keywords {
            c.text(&format!("{path}.keywords"), w);
            c.matchable(&format!("{path}.keywords"), w);
        }
    }
    for (path, words) in [
        ("crm.opinion_alert_keywords", &crm.opinion_alert_keywords),
        (
            "crm.opinion.sensitive_keywords",
            &crm.opinion.sensitive_keywords,
        ),
        ("crm.opinion.major_keywords", &crm.opinion.major_keywords),
    ] {
        for w in words {
            if path != "crm.opinion_alert_keywords" {
                c.text(path, w);
            }
            c.matchable(path, w);
        }
    }

    // campaigns
    let cm = &p.campaigns;
    c.share(
        "campaigns.douyin_min_completion_rate",
        cm.douyin_min_completion_rate,
    );
    c.share("campaigns.email_min_open_rate", cm.email_min_open_rate);
    c.non_negative("campaigns.low_roi_threshold", cm.low_roi_threshold);
    c.positive("campaigns.cpc_spike_ratio", cm.cpc_spike_ratio);
    c.at_least_one(
        "campaigns.investigation_due_hours",
        cm.investigation_due_hours.into(),
    );
    c.share("campaigns.ctr_replace_ratio", cm.ctr_replace_ratio);
    if !(cm.ab_significance_level > 0.0 && cm.ab_significance_level < 0.5) {
        c.push(
            "campaigns.ab_significance_level",
            format!("{} must lie between 0 and 0.5", cm.ab_significance_level),
        );
    }
    if !(cm.ab_power > 0.5 && cm.ab_power < 1.0) {
        c.push(
            "campaigns.ab_power",
            format!("{} must lie between 0.5 and 1", cm.ab_power),
        );
    }
    c.share(
        "campaigns.reallocation_min_cpl_advantage",
        cm.reallocation_min_cpl_advantage,
    );
    let q = &cm.quadrants;
    c.share(
        "campaigns.quadrants.high_conversion_high_cost",
        q.high_conversion_high_cost,
    );
    c.share(
        "campaigns.quadrants.high_conversion_low_cost",
        q.high_conversion_low_cost,
    );
    c.share(
        "campaigns.quadrants.low_conversion_high_potential",
        q.low_conversion_high_potential,
    );
    let quadrant_sum =
        q.high_conversion_high_cost + q.high_conversion_low_cost + q.low_conversion_high_potential;
    if quadrant_sum > 1.0 + 1e-9 {
        c.push(
            "campaigns.quadrants",
            format!("shares add up to {quadrant_sum}, more than 1"),
        );
    }
    c.money("campaigns.quadrants.test_monthly_cap", q.test_monthly_cap);
    const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    for (i, dp) in cm.day_parts.iter().enumerate() {
        let path = format!("campaigns.day_parts[{i}]");
        if dp.days.is_empty() {
            c.push(format!("{path}.days"), "must name at least one day");
        }
        for d in &dp.days {
            if !DAYS.contains(&d.as_str()) {
                c.push(
                    format!("{path}.days"),
                    format!("'{}' is not one of: {}", printable(d), DAYS.join(", ")),
                );
            }
        }
        c.clock_time(&format!("{path}.from"), &dp.from);
        c.clock_time(&format!("{path}.to"), &dp.to);
        if let (Some(f), Some(t)) = (parse_hhmm(&dp.from), parse_hhmm(&dp.to))
            && f >= t
        {
            c.push(
                format!("{path}.to"),
                format!("'{}' is not after from ('{}')", dp.to, dp.from),
            );
        }
        c.positive(&format!("{path}.multiplier"), dp.multiplier);
    }

    // budget
    let b = &p.budget;
    c.share("budget.quarterly_contingency", b.quarterly_contingency);
    c.share("budget.variance_alert", b.variance_alert);
    c.share("budget.innovation_reward_share", b.innovation_reward_share);
    c.share("budget.split.fixed", b.split.fixed);
    c.share("budget.split.variable", b.split.variable);
    if b.split.fixed.is_finite() && b.split.variable.is_finite() {
        c.sums_to_one("budget.split", &[b.split.fixed, b.split.variable]);
    }
    c.share("budget.vendor.kol_discount_min", b.vendor.kol_discount_min);
    c.share("budget.vendor.kol_discount_max", b.vendor.kol_discount_max);
    if b.vendor.kol_discount_min > b.vendor.kol_discount_max {
        c.push(
            "budget.vendor.kol_discount_min",
            format!(
                "{} is above kol_discount_max ({})",
                b.vendor.kol_discount_min, b.vendor.kol_discount_max
            ),
        );
    }
    c.share(
        "budget.vendor.performance_bonus",
        b.vendor.performance_bonus,
    );

    // scoring
    let s = &p.scoring;
    c.non_negative(
        "scoring.leads.sales_ready_threshold",
        s.leads.sales_ready_threshold,
    );
    c.positive(
        "scoring.leads.decay_half_life_days",
        s.leads.decay_half_life_days,
    );
    c.at_least_one(
        "scoring.points.coupon_points",
        s.points.coupon_points.into(),
    );
    c.money("scoring.points.coupon_value", s.points.coupon_value);
    c.share("scoring.scorecard.quantitative", s.scorecard.quantitative);
    c.share("scoring.scorecard.qualitative", s.scorecard.qualitative);
    c.sums_to_one(
        "scoring.scorecard",
        &[s.scorecard.quantitative, s.scorecard.qualitative],
    );
    c.non_negative(
        "scoring.scorecard.community_mau_growth_target",
        s.scorecard.community_mau_growth_target,
    );
    let e = &s.scorecard.evaluators;
    for (name, w) in [
        ("supervisor", e.supervisor),
        ("peer", e.peer),
        ("self", e.self_),
        ("customer", e.customer),
    ] {
        c.share(&format!("scoring.scorecard.evaluators.{name}"), w);
    }
    c.sums_to_one(
        "scoring.scorecard.evaluators",
        &[e.supervisor, e.peer, e.self_, e.customer],
    );
    if s.grades.is_empty() {
        c.push("scoring.grades", "must define at least one grade");
    }
    for (i, g) in s.grades.iter().enumerate() {
        c.text(&format!("scoring.grades[{i}].grade"), &g.grade);
        if !(g.min_score.is_finite() && (0.0..=100.0).contains(&g.min_score)) {
            c.push(
                format!("scoring.grades[{i}].min_score"),
                format!("{} is not a score between 0 and 100", g.min_score),
            );
        }
        if i > 0 && g.min_score >= s.grades[i - 1].min_score {
            c.push(
                format!("scoring.grades[{i}].min_score"),
                "grades must be listed from highest to lowest band",
            );
        }
    }
    if s.grades.last().is_some_and(|g| g.min_score != 0.0) {
        c.push(
            "scoring.grades",
            "the lowest band must start at 0 so every score has a grade",
        );
    }
    c.share(
        "scoring.training.pass_rate_target",
        s.training.pass_rate_target,
    );

    // audit
    c.at_least_one(
        "audit.backup_interval_hours",
        p.audit.backup_interval_hours.into(),
    );
    c.at_least_one(
        "audit.recovery_time_objective_hours",
        p.audit.recovery_time_objective_hours.into(),
    );

    c.problems
}
