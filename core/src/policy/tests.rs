use rust_decimal::Decimal;

use super::*;

#[test]
fn default_pack_parses_validates_and_carries_domain_numbers() {
    let p = Policy::default_pack();
    assert!(p.problems().is_empty(), "{:?}", p.problems());
    assert_eq!(p.meta.time_zone, "Asia/Shanghai");
    assert_eq!(p.access.zombie_after_months, 6);
    assert_eq!(p.budget.split.fixed, 0.60);
    assert_eq!(p.budget.split.variable, 0.40);
    assert_eq!(p.budget.quarterly_contingency, 0.10);
    assert_eq!(p.crm.service.first_response_minutes, 10);
    assert_eq!(p.crm.service.satisfaction_target, 4.8);
    assert_eq!(p.crm.crisis.first_response_hours, 2);
    assert_eq!(p.campaigns.low_roi_threshold, 1.2);
    assert_eq!(
        p.campaigns.quadrants.test_monthly_cap,
        Decimal::from(50_000)
    );
    assert_eq!(p.scoring.points.coupon_points, 100);
    assert_eq!(p.scoring.points.coupon_value, Decimal::from(10));
    assert_eq!(p.scoring.scorecard.quantitative, 0.70);
    assert_eq!(p.scoring.training.pass_rate_target, 0.90);
    assert_eq!(p.content.video.min_seconds, 15);
    assert_eq!(p.content.video.max_seconds, 60);
    assert_eq!(p.content.slots["douyin"], vec!["12:00", "18:00"]);
    assert_eq!(p.audit.recovery_time_objective_hours, 4);
}

#[test]
fn round_trips_through_toml_and_json() {
    let p = Policy::default_pack();
    assert_eq!(&Policy::from_toml(&p.to_toml()).unwrap(), p);
    assert_eq!(&Policy::from_json(&p.to_json()).unwrap(), p);
    assert_eq!(
        p.digest(),
        Policy::from_json(&p.to_json()).unwrap().digest()
    );
}

#[test]
fn bad_share_names_path_and_value() {
    let err = Policy::default_pack()
        .overlay_toml("[budget.split]\nfixed = 1.4\n")
        .unwrap_err();
    match err {
        Error::Validation { field, message } => {
            assert_eq!(field, "budget.split.fixed");
            assert!(
                message.starts_with("1.4 is not a share between 0 and 1"),
                "{message}"
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn wrong_types_and_unknown_fields_name_the_path() {
    let err = Policy::default_pack()
        .overlay_json(r#"{"access": {"zombie_after_months": "six"}}"#)
        .unwrap_err();
    assert_eq!(err.code(), "validation");
    assert!(
        err.to_string().starts_with("access.zombie_after_months"),
        "{err}"
    );

    let err = Policy::default_pack()
        .overlay_toml("[budget]\nsplitt = 1\n")
        .unwrap_err();
    assert!(err.to_string().contains("splitt"), "{err}");

    let err = Policy::default_pack()
        .overlay_toml(
            "[access.roles.x]\ndescription = \"d\"\npermissions = [\"root.everything\"]\n",
        )
        .unwrap_err();
    assert!(
        err.to_string().contains("access.roles.x.permissions"),
        "{err}"
    );
}

#[test]
fn semantic_problems_are_all_listed() {
    let p = Policy::default_pack()
        .to_json_value()
        .to_string()
        .replace("Asia/Shanghai", "Mars/Olympus");
    let mut v: serde_json::Value = serde_json::from_str(&p).unwrap();
    v["content"]["slots"]["douyin"] = serde_json::json!(["25:00"]);
    v["scoring"]["scorecard"]["quantitative"] = serde_json::json!(0.9);
    let policy: Policy = serde_json::from_value(v).unwrap();
    let paths: Vec<_> = policy.problems().into_iter().map(|p| p.path).collect();
    assert!(paths.contains(&"meta.time_zone".to_string()), "{paths:?}");
    assert!(
        paths.contains(&"content.slots.douyin[0]".to_string()),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"scoring.scorecard".to_string()),
        "{paths:?}"
    );
    let err = policy.validate().unwrap_err();
    assert!(err.to_string().contains("more problems"), "{err}");
}

#[test]
fn hostile_and_empty_documents_are_refused() {
    for text in ["", "[[[", "\u{0}", "meta = 1", "x = 'DROP TABLE policy'"] {
        assert_eq!(
            Policy::from_toml(text).unwrap_err().code(),
            "validation",
            "{text:?}"
        );
    }
    assert_eq!(Policy::from_json("[]").unwrap_err().code(), "validation");
    assert_eq!(
        Policy::default_pack()
            .overlay_json("[1,2]")
            .unwrap_err()
            .code(),
        "validation"
    );
    let huge = format!("[meta]\nname = \"{}\"\n", "x".repeat(1_000_000));
    assert_eq!(
        Policy::default_pack()
            .overlay_toml(&huge)
            .map(|p| p.meta.name.len())
            .unwrap(),
        1_000_000
    );
}

#[test]
fn lockout_is_refused() {
    let err = Policy::default_pack()
        .overlay_toml(
            "[access.roles.it_admin]\ndescription = \"IT\"\npermissions = [\"audit.backup\"]\n",
        )
        .unwrap_err();
    assert!(err.to_string().contains("nobody could administer"), "{err}");
}

#[test]
fn department_roles_must_exist() {
    let err = Policy::default_pack()
        .overlay_toml("[access.department_roles]\nsales = [\"ghost\"]\n")
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "access.department_roles.sales: 'ghost' is not a defined role"
    );
}

#[test]
fn parser_errors_never_carry_raw_control_characters() {
    for text in ["x = \"a\u{202E}b", "[a\nb\u{0}]", "{\"meta\": \"\u{7}\"}"] {
        let err = Policy::default_pack()
            .overlay_toml(text)
            .unwrap_err()
            .to_string();
        assert!(
            !err.chars().any(|c| c.is_control() || c == '\u{202E}'),
            "{err:?}"
        );
        let err = Policy::from_json(text).unwrap_err().to_string();
        assert!(
            !err.chars().any(|c| c.is_control() || c == '\u{202E}'),
            "{err:?}"
        );
    }
    let err = Policy::default_pack()
        .overlay_json("{\"meta\": {\"name\": 7, \"x\u{202E}\": 1}}")
        .unwrap_err()
        .to_string();
    assert!(
        !err.chars().any(|c| c.is_control() || c == '\u{202E}'),
        "{err:?}"
    );
}

#[test]
fn company_terms_that_could_never_match_are_refused() {
    let err = Policy::default_pack()
        .overlay_toml("[compliance]\ncustom_exceptions = [\"！！！\"]\n")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("compliance.custom_exceptions[0]"),
        "{err}"
    );
    let err = Policy::default_pack()
        .overlay_toml("[compliance]\ncustom_terms = [{ term = \"…\", category = \"absolute\", severity = \"warn\", legal_basis = \"\", suggestion = \"x\" }]\n")
        .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("compliance.custom_terms[0].term"),
        "{err}"
    );
}
