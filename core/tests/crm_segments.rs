//! CRM-4 (segments as data, personas, lifecycle stages, community tiers,
//! incremental refresh) and CRM-11 (RFM, repurchase rate, LTV, CAC) through
//! the public API, on a manual clock so relative windows are exact.

use std::collections::BTreeMap;

use brandrail::crm::{
    CustomerRecord, Identity, IdentityKind, InteractionKind, NewInteraction, Rule, SegmentDef,
    SegmentOrigin, Stage, Tier,
};
use brandrail::{Department, Engine, EngineOptions, NewPrincipal, Policy};
use chrono::{DateTime, Duration, TimeZone, Utc};
use proptest::prelude::*;

const KEY: [u8; 32] = *b"crm-test-key-crm-test-key-32byte";

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap()
}

fn company() -> Engine {
    let e =
        Engine::in_memory_with(EngineOptions::new().secret_key(KEY).manual_clock(start())).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    for (h, d) in [
        ("li.na", Department::Marketing),
        ("qian.yu", Department::Sales),
        ("zhao.min", Department::Executive),
    ] {
        e.create_principal("it.admin", NewPrincipal::new(h, h, d))
            .unwrap();
    }
    e.create_principal(
        "it.admin",
        NewPrincipal::new("data.ops", "data", Department::It).with_roles(["data_steward"]),
    )
    .unwrap();
    e
}

fn customer(phone: &str, profile: &[(&str, &str)]) -> CustomerRecord {
    CustomerRecord {
        identities: vec![Identity::new(IdentityKind::Phone, phone)],
        profile: profile
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
        ..CustomerRecord::default()
    }
}

fn ingest(e: &Engine, rows: &[CustomerRecord]) -> Vec<i64> {
    let r = e.ingest_customers("li.na", rows).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    r.customer_ids.into_iter().map(Option::unwrap).collect()
}

fn ev(
    e: &Engine,
    id: i64,
    kind: InteractionKind,
    page: Option<&str>,
    amount: Option<&str>,
    days_ago: i64,
) -> NewInteraction {
    NewInteraction {
        customer_id: id,
        kind,
        at: e.now() - Duration::days(days_ago),
        page: page.map(Into::into),
        amount: amount.map(Into::into),
        channel: None,
    }
}

fn record(e: &Engine, rows: &[NewInteraction]) {
    let r = e.record_interactions("li.na", rows).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
}

fn rule(json: &str) -> Rule {
    Rule::from_json(json).unwrap()
}

fn def(name: &str, json: &str) -> SegmentDef {
    SegmentDef {
        name: name.into(),
        label: name.into(),
        description: "test segment".into(),
        rule: rule(json),
    }
}

use InteractionKind::*;

fn field_of(e: &brandrail::Error) -> &str {
    match e {
        brandrail::Error::Validation { field, .. } => field,
        other => panic!("not a validation error: {other}"),
    }
}

const SH_BUYERS: &str = r#"{"all": [
    {"field": {"name": "region", "op": "eq", "value": "上海"}},
    {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}},
    {"any": [{"field": {"name": "age_band", "op": "in", "value": ["18-24", "25-34"]}},
             {"not": {"field": {"name": "age_band", "op": "exists"}}}]}
]}"#;

#[test]
fn crm4_a_three_condition_segment_with_nesting_and_a_relative_window() {
    let e = company();
    let ids = ingest(
        &e,
        &[
            customer("13800000001", &[("region", "上海"), ("age_band", "25-34")]),
            customer("13800000002", &[("region", "上海"), ("age_band", "45-54")]),
            customer("13800000003", &[("region", "上海")]),
            customer("13800000004", &[("region", "北京"), ("age_band", "18-24")]),
        ],
    );
    let [a, b, c, d] = ids[..] else { panic!() };
    let mut rows = Vec::new();
    for id in [a, b, c, d] {
        rows.push(ev(&e, id, Purchase, None, Some("100"), 10));
        rows.push(ev(&e, id, Purchase, None, Some("80"), 80));
    }
    // c's second purchase is outside the 90-day window.
    rows[5].at = e.now() - Duration::days(120);
    record(&e, &rows);
    let s = e
        .define_segment("li.na", &def("sh-repeat", SH_BUYERS))
        .unwrap();
    assert_eq!(s.origin, SegmentOrigin::Custom);
    assert_eq!(
        s.members, 1,
        "only a: b is 45-54, c bought once in 90 days, d is in 北京"
    );
    let m = e.segment_members("li.na", "sh-repeat", 0, 10).unwrap();
    assert_eq!(m.iter().map(|m| m.customer_id).collect::<Vec<_>>(), vec![a]);
    assert_eq!(m[0].stage, Stage::Loyalty);
    assert_eq!(e.count_customers("li.na", &rule(SH_BUYERS)).unwrap(), 1);

    // c buys again: one customer re-evaluated, c joins.
    record(&e, &[ev(&e, c, Purchase, None, Some("20"), 0)]);
    let r = e.refresh_segments("li.na").unwrap();
    let mine = r.iter().find(|r| r.name == "sh-repeat").unwrap();
    assert_eq!(
        (
            mine.full,
            mine.evaluated,
            mine.added,
            mine.removed,
            mine.members
        ),
        (false, 1, 1, 0, 2)
    );

    // Time alone: 75 days later a's purchase of 80 days ago has left the
    // window; a leaves without anything being recorded.
    e.advance_clock(Duration::days(15)).unwrap();
    assert_eq!(e.segment_count("li.na", "sh-repeat").unwrap(), 1);
    let left = e.segment_members("li.na", "sh-repeat", 0, 10).unwrap();
    assert_eq!(
        left.iter().map(|m| m.customer_id).collect::<Vec<_>>(),
        vec![c]
    );
    assert_eq!(e.count_customers("li.na", &rule(SH_BUYERS)).unwrap(), 1);
}

#[test]
fn crm4_merges_and_erasure_update_segments() {
    let e = company();
    let ids = ingest(
        &e,
        &[
            customer("13800000011", &[("region", "上海")]),
            CustomerRecord {
                identities: vec![Identity::new(IdentityKind::Email, "x@example.com")],
                ..customer("13800000012", &[("region", "上海")])
            },
        ],
    );
    let [a, b] = ids[..] else { panic!() };
    record(
        &e,
        &[
            ev(&e, a, Purchase, None, Some("10"), 5),
            ev(&e, b, Purchase, None, Some("10"), 3),
        ],
    );
    e.define_segment(
        "li.na",
        &def(
            "two-buys",
            r#"{"events": {"kind": "purchase", "at_least": 2}}"#,
        ),
    )
    .unwrap();
    assert_eq!(e.segment_count("li.na", "two-buys").unwrap(), 0);
    // One record joins both: merged into the oldest, whose history now has
    // two purchases.
    let r = e
        .ingest_customers(
            "qian.yu",
            &[CustomerRecord {
                identities: vec![
                    Identity::new(IdentityKind::Phone, "13800000011"),
                    Identity::new(IdentityKind::Email, "x@example.com"),
                ],
                ..CustomerRecord::default()
            }],
        )
        .unwrap();
    assert_eq!(r.merged, 1);
    let m = e.segment_members("li.na", "two-buys", 0, 10).unwrap();
    assert_eq!(m.iter().map(|m| m.customer_id).collect::<Vec<_>>(), vec![a]);
    // Undo: apart again, nobody has two purchases.
    e.undo_merge("data.ops", b).unwrap();
    assert_eq!(e.segment_count("li.na", "two-buys").unwrap(), 0);
    // Erasure removes the customer from every segment.
    e.define_segment(
        "li.na",
        &def(
            "sh",
            r#"{"field": {"name": "region", "op": "eq", "value": "上海"}}"#,
        ),
    )
    .unwrap();
    assert_eq!(e.segment_count("li.na", "sh").unwrap(), 2);
    e.erase_customer("data.ops", a, "data-subject request")
        .unwrap();
    assert_eq!(e.segment_count("li.na", "sh").unwrap(), 1);
    assert_eq!(
        e.segment_members("li.na", "sh", 0, 10).unwrap()[0].customer_id,
        b
    );
}

#[test]
fn crm4_three_personas_ship_and_are_derived_from_behaviour() {
    let e = company();
    let ids = ingest(
        &e,
        &[
            customer("13800000021", &[("age_band", "25-34")]),
            CustomerRecord {
                identities: vec![
                    Identity::new(IdentityKind::Phone, "13800000022"),
                    Identity::new(IdentityKind::MemberId, "M-0022"),
                ],
                ..CustomerRecord::default()
            },
            customer("13800000023", &[]),
        ],
    );
    let [young, member, lapsed] = ids[..] else {
        panic!()
    };
    record(
        &e,
        &[
            ev(&e, young, View, Some("article/5-minute-skincare"), None, 3),
            ev(&e, member, Purchase, None, Some("300"), 20),
            ev(&e, member, Purchase, None, Some("300"), 10),
            ev(&e, lapsed, Purchase, None, Some("50"), 200),
        ],
    );
    let segs = e.segments("li.na").unwrap();
    let personas: Vec<(&str, u64)> = segs
        .iter()
        .filter(|s| s.origin == SegmentOrigin::Policy)
        .map(|s| (s.name.as_str(), s.members))
        .collect();
    assert!(personas.len() >= 3, "{personas:?}");
    assert_eq!(
        personas,
        vec![
            ("lapsed_buyers", 1),
            ("loyal_members", 1),
            ("young_professionals", 1)
        ]
    );
    for (name, id) in [
        ("young_professionals", young),
        ("loyal_members", member),
        ("lapsed_buyers", lapsed),
    ] {
        let m = e.segment_members("li.na", name, 0, 10).unwrap();
        assert_eq!(
            m.iter().map(|m| m.customer_id).collect::<Vec<_>>(),
            vec![id],
            "{name}"
        );
    }
    // Personas change with the policy only.
    let err = e
        .define_segment("li.na", &def("loyal_members", r#"{"all": []}"#))
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        e.delete_segment("li.na", "loyal_members")
            .unwrap_err()
            .code(),
        "conflict"
    );
    // A policy that drops a persona and retunes the lifecycle: the persona
    // goes, stages follow the new thresholds.
    let mut p = Policy::default_pack().clone();
    p.crm.personas.remove("lapsed_buyers");
    p.crm.min_personas = 2;
    p.crm.lifecycle.loyalty_min_purchases = 3;
    e.replace_policy("zhao.min", &p).unwrap();
    let names: Vec<String> = e
        .segments("li.na")
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert!(!names.contains(&"lapsed_buyers".to_owned()));
    assert_eq!(
        e.customer_standing("li.na", member).unwrap().stage,
        Stage::Decision
    );
    assert_eq!(e.segment_count("li.na", "loyal_members").unwrap(), 0);
}

#[test]
fn crm4_stages_and_tiers_follow_the_thresholds() {
    let e = company();
    let ids = ingest(
        &e,
        &(1..=6)
            .map(|i| customer(&format!("1380000010{i}"), &[]))
            .collect::<Vec<_>>(),
    );
    let [aware, interest, decision, loyal, vip_spend, vip_count] = ids[..] else {
        panic!()
    };
    let mut rows = vec![
        ev(&e, aware, View, Some("home"), None, 1),
        ev(&e, aware, View, Some("home"), None, 100), // outside the 90-day window
    ];
    for _ in 0..3 {
        rows.push(ev(&e, interest, Click, Some("ad/spring"), None, 2));
    }
    rows.push(ev(&e, decision, View, Some("/product/12"), None, 1));
    rows.push(ev(&e, decision, PathStep, Some("product"), None, 1));
    rows.push(ev(&e, loyal, Purchase, None, Some("10"), 1));
    rows.push(ev(&e, loyal, Purchase, None, Some("10"), 2));
    for id in [loyal, vip_spend, vip_count] {
        rows.push(ev(&e, id, CommunityJoin, None, None, 30));
    }
    rows.push(ev(&e, vip_spend, Purchase, None, Some("5000.00"), 200));
    for d in 0..5 {
        rows.push(ev(&e, vip_count, Purchase, None, Some("1"), 100 + d));
    }
    record(&e, &rows);
    let got: Vec<(Stage, Option<Tier>)> = ids
        .iter()
        .map(|id| {
            let s = e.customer_standing("li.na", *id).unwrap();
            (s.stage, s.tier)
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (Stage::Awareness, None),
            (Stage::Interest, None),
            (Stage::Decision, None),
            (Stage::Loyalty, Some(Tier::Repeat)),
            (Stage::Awareness, Some(Tier::Vip)),
            (Stage::Awareness, Some(Tier::Vip)),
        ]
    );
    let s = e.customer_standing("li.na", interest).unwrap();
    assert_eq!(
        (
            s.engagements,
            s.product_views,
            s.purchases_in_window,
            s.window_days
        ),
        (3, 0, 0, 90)
    );
    let d = e.lifecycle_distribution("li.na").unwrap();
    assert_eq!(
        (d.customers, d.awareness, d.interest, d.decision, d.loyalty),
        (6, 3, 1, 1, 1)
    );
    assert_eq!((d.tier_new, d.tier_repeat, d.tier_vip), (0, 1, 2));
    assert_eq!(
        e.count_customers("li.na", &rule(r#"{"tier": ["vip"]}"#))
            .unwrap(),
        2
    );
    assert_eq!(
        e.count_customers("li.na", &rule(r#"{"spend": {"at_least": "5000"}}"#))
            .unwrap(),
        1
    );
}

#[test]
fn crm4_bad_rules_are_refused_and_change_nothing() {
    let e = company();
    ingest(&e, &[customer("13800000031", &[("region", "上海")])]);
    let bad_json = [
        (
            r#"{"field": {"name": "national_id", "op": "eq", "value": "1"}}"#,
            "rule.field.name",
        ),
        (r#"{"field": {"name": "region", "op": "eq"}}"#, "rule.field"),
        (
            r#"{"field": {"name": "region", "op": "exists", "value": "x"}}"#,
            "rule.field",
        ),
        (
            r#"{"field": {"name": "region", "op": "eq", "value": ["a", "b"]}}"#,
            "rule.field",
        ),
        (
            r#"{"field": {"name": "region", "op": "in", "value": []}}"#,
            "rule.field",
        ),
        (
            r#"{"field": {"name": "region", "op": "eq", "value": "a\u0000b"}}"#,
            "rule.field.value",
        ),
        (
            r#"{"field": {"name": "region", "op": "eq", "value": "' OR 1=1 --\u202e"}}"#,
            "rule.field.value",
        ),
        (
            r#"{"events": {"kind": "purchase", "within_days": 0}}"#,
            "rule.events",
        ),
        (
            r#"{"events": {"kind": "purchase", "at_least": 3, "at_most": 1}}"#,
            "rule.events",
        ),
        (r#"{"spend": {}}"#, "rule.spend"),
        (r#"{"spend": {"at_least": "-1"}}"#, "rule.spend"),
        (r#"{"stage": []}"#, "rule.stage"),
        (
            r#"{"consent": {"channel": "SMS!", "purpose": "marketing"}}"#,
            "rule.consent",
        ),
        (
            r#"{"first_seen": {"within_days": 99999}}"#,
            "rule.first_seen",
        ),
    ];
    for (json, field) in bad_json {
        let err = e.define_segment("li.na", &def("bad", json)).unwrap_err();
        assert_eq!(err.code(), "validation", "{json}");
        assert_eq!(field_of(&err), field, "{json}: {err}");
        assert_eq!(
            e.count_customers("li.na", &rule(json)).unwrap_err().code(),
            "validation"
        );
    }
    // Shapes serde refuses: unknown keys, kinds and stages, wrong types.
    for json in [
        r#"{"feild": {}}"#,
        r#"{"events": {"kind": "purchse"}}"#,
        r#"{"stage": ["loyal"]}"#,
        r#"{"events": {"kind": "purchase", "at_least": "two"}}"#,
        r#"{"all": {"not": "a list"}}"#,
        r#"{"spend": {"at_least": 1000}}"#,
        r#"{"spend": {"at_least": "1e3"}}"#,
        r#"{"spend": {"at_most": "12.5.0"}}"#,
        "",
        "[]",
    ] {
        let err = Rule::from_json(json).unwrap_err();
        assert_eq!(err.code(), "validation", "{json}");
        assert!(field_of(&err).starts_with("rule"), "{json}: {err}");
    }
    // Too deep, too many.
    let mut deep = String::from(r#"{"stage": ["loyalty"]}"#);
    for _ in 0..10 {
        deep = format!(r#"{{"not": {deep}}}"#);
    }
    assert_eq!(
        e.define_segment("li.na", &def("deep", &deep))
            .unwrap_err()
            .code(),
        "validation"
    );
    let wide = format!(
        r#"{{"any": [{}]}}"#,
        vec![r#"{"stage": ["loyalty"]}"#; 70].join(",")
    );
    assert_eq!(
        e.define_segment("li.na", &def("wide", &wide))
            .unwrap_err()
            .code(),
        "validation"
    );
    // Names and text.
    for name in ["", "Bad Name", "x", "'; DROP TABLE segment; --"] {
        assert_eq!(
            e.define_segment("li.na", &def(name, r#"{"all": []}"#))
                .unwrap_err()
                .code(),
            "validation"
        );
    }
    let mut d = def("ok-name", r#"{"all": []}"#);
    d.label = "a\u{7}b".into();
    assert_eq!(
        e.define_segment("li.na", &d).unwrap_err().code(),
        "validation"
    );
    // Permissions: sales may read but not define; HR-less principals unknown.
    assert_eq!(
        e.define_segment("qian.yu", &def("mine", r#"{"all": []}"#))
            .unwrap_err()
            .code(),
        "permission_denied"
    );
    assert_eq!(
        e.segment_count("nobody", "loyal_members")
            .unwrap_err()
            .code(),
        "permission_denied"
    );
    assert_eq!(
        e.segment_count("li.na", "no-such").unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        e.segment_members("li.na", "loyal_members", 0, 0)
            .unwrap_err()
            .code(),
        "validation"
    );
    // Nothing custom was stored.
    let custom = e
        .segments("li.na")
        .unwrap()
        .into_iter()
        .filter(|s| s.origin == SegmentOrigin::Custom)
        .count();
    assert_eq!(custom, 0);
    // A valid rule still works and can be deleted.
    e.define_segment("li.na", &def("all", r#"{"all": []}"#))
        .unwrap();
    assert_eq!(e.segment_count("li.na", "all").unwrap(), 1);
    e.delete_segment("li.na", "all").unwrap();
    assert_eq!(
        e.segment_count("li.na", "all").unwrap_err().code(),
        "not_found"
    );
}

#[test]
fn crm4_identity_consent_and_first_seen_conditions() {
    let e = company();
    let ids = ingest(
        &e,
        &[customer("13800000041", &[]), customer("13800000042", &[])],
    );
    e.record_consent(
        "data.ops",
        ids[0],
        &brandrail::crm::ConsentChange {
            channel: "sms".into(),
            purpose: "marketing".into(),
            granted: true,
            evidence: "form 7".into(),
        },
    )
    .unwrap();
    let reachable = rule(r#"{"consent": {"channel": "sms", "purpose": "marketing"}}"#);
    assert_eq!(e.count_customers("li.na", &reachable).unwrap(), 1);
    e.record_consent(
        "data.ops",
        ids[0],
        &brandrail::crm::ConsentChange {
            channel: "sms".into(),
            purpose: "marketing".into(),
            granted: false,
            evidence: "unsubscribed".into(),
        },
    )
    .unwrap();
    assert_eq!(e.count_customers("li.na", &reachable).unwrap(), 0);
    assert_eq!(
        e.count_customers("li.na", &rule(r#"{"has_identity": "phone"}"#))
            .unwrap(),
        2
    );
    assert_eq!(
        e.count_customers("li.na", &rule(r#"{"has_identity": "wechat_unionid"}"#))
            .unwrap(),
        0
    );
    let new = r#"{"first_seen": {"within_days": 7}}"#;
    e.define_segment("li.na", &def("new", new)).unwrap();
    assert_eq!(e.segment_count("li.na", "new").unwrap(), 2);
    e.advance_clock(Duration::days(8)).unwrap();
    ingest(&e, &[customer("13800000043", &[])]);
    assert_eq!(e.segment_count("li.na", "new").unwrap(), 1);
}

#[test]
fn crm11_rfm_repurchase_ltv_and_cac() {
    let e = company();
    let ids = ingest(
        &e,
        &(1..=5)
            .map(|i| customer(&format!("1380000020{i}"), &[]))
            .collect::<Vec<_>>(),
    );
    let rows = vec![
        ev(&e, ids[0], Purchase, None, Some("100"), 1),
        ev(&e, ids[0], Purchase, None, Some("100"), 3),
        ev(&e, ids[0], Purchase, None, Some("100"), 5),
        ev(&e, ids[1], Purchase, None, Some("500"), 30),
        ev(&e, ids[2], Purchase, None, Some("20"), 300),
        ev(&e, ids[2], Purchase, None, Some("20"), 2),
        ev(&e, ids[3], Purchase, None, Some("999"), 400), // outside the 365-day window
    ];
    record(&e, &rows);
    let rfm = e.rfm("data.ops").unwrap();
    let got: Vec<(i64, u32, u32, String, u8, u8, u8)> = rfm
        .iter()
        .map(|r| {
            (
                r.customer_id,
                r.recency_days,
                r.frequency,
                r.monetary.to_string(),
                r.recency_score,
                r.frequency_score,
                r.monetary_score,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (ids[0], 1, 3, "300".into(), 4, 4, 2),
            (ids[1], 30, 1, "500".into(), 1, 1, 4),
            (ids[2], 2, 2, "40".into(), 2, 2, 1),
        ]
    );
    assert_eq!(e.rfm("li.na").unwrap_err().code(), "permission_denied");

    let from = e.now() - Duration::days(365);
    let v = e
        .customer_value("li.na", from, e.now() + Duration::days(1), Some("1000"))
        .unwrap();
    assert_eq!((v.buyers, v.purchases, v.repeat_buyers), (3, 6, 2));
    assert_eq!(v.revenue.to_string(), "840");
    assert_eq!(v.average_order_value.to_string(), "140.00");
    assert!((v.repurchase_rate - 2.0 / 3.0).abs() < 1e-12);
    assert!((v.purchase_frequency - 2.0).abs() < 1e-12);
    assert_eq!(v.new_customers, 5);
    assert_eq!(v.cac.unwrap().to_string(), "200.00");
    // LTV = 140 x (2 purchases per buyer over 366 days -> per 365) x 3 years x 1.0.
    let expected = 140.0 * 2.0 * (365.0 / 366.0) * 3.0;
    assert!(
        (v.ltv.to_string().parse::<f64>().unwrap() - expected).abs() < 0.01,
        "{}",
        v.ltv
    );
    assert!((v.ltv_to_cac.unwrap() - expected / 200.0).abs() < 0.001);
    // Bad inputs.
    assert_eq!(
        e.customer_value("li.na", e.now(), e.now(), None)
            .unwrap_err()
            .code(),
        "validation"
    );
    for bad in ["-5", "abc", "1e9", ""] {
        assert_eq!(
            e.customer_value("li.na", from, e.now(), Some(bad))
                .unwrap_err()
                .code(),
            "validation",
            "{bad}"
        );
    }
    let none = e.customer_value("li.na", from, e.now(), None).unwrap();
    assert_eq!((none.cac, none.ltv_to_cac), (None, None));
}

#[test]
fn crm6_purchase_amounts_are_not_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.sqlite");
    {
        let e = Engine::open(&path, EngineOptions::new().secret_key(KEY)).unwrap();
        e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
            .unwrap();
        e.create_principal(
            "it.admin",
            NewPrincipal::new("li.na", "li", Department::Marketing),
        )
        .unwrap();
        let id = ingest(&e, &[customer("13800000051", &[])])[0];
        record(&e, &[ev(&e, id, Purchase, None, Some("73519.37"), 1)]);
        assert_eq!(
            e.count_customers("li.na", &rule(r#"{"spend": {"at_least": "73519.37"}}"#))
                .unwrap(),
            1
        );
    }
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let n = b"73519.37";
    assert!(!bytes.windows(n.len()).any(|w| w == n));
}

// The incremental refresh must always agree with a full evaluation, whatever
// happens between two reads: new customers, events (some old enough to
// leave a window), merges, erasures and time passing.
#[derive(Debug, Clone)]
enum Op {
    Customer(u8, bool),
    Event(u8, u8, u16),
    Join(u8, u8),
    Erase(u8),
    Advance(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (any::<u8>(), any::<bool>()).prop_map(|(p, r)| Op::Customer(p, r)),
        (any::<u8>(), 0u8..4, 0u16..200).prop_map(|(c, k, d)| Op::Event(c, k, d)),
        (any::<u8>(), any::<u8>()).prop_map(|(a, b)| Op::Join(a, b)),
        any::<u8>().prop_map(Op::Erase),
        (1u8..60).prop_map(Op::Advance),
    ]
}

const PROP_RULES: [&str; 4] = [
    r#"{"all": [{"field": {"name": "region", "op": "eq", "value": "上海"}}, {"events": {"kind": "purchase", "at_least": 2, "within_days": 30}}]}"#,
    r#"{"any": [{"stage": ["interest", "decision"]}, {"not": {"events": {"kind": "view", "within_days": 45}}}]}"#,
    r#"{"all": [{"first_seen": {"within_days": 20}}, {"spend": {"at_least": "15", "within_days": 60}}]}"#,
    r#"{"all": [{"has_identity": "email"}, {"not": {"events": {"kind": "view", "within_days": 30}}}]}"#,
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn crm4_incremental_refresh_equals_full_evaluation(ops in proptest::collection::vec(op(), 1..40)) {
        let e = company();
        for (i, r) in PROP_RULES.iter().enumerate() {
            e.define_segment("li.na", &def(&format!("p{i}"), r)).unwrap();
        }
        let mut known: Vec<i64> = Vec::new();
        let mut phones = 0u32;
        for (step, o) in ops.iter().enumerate() {
            match o {
                Op::Customer(p, sh) => {
                    phones += 1;
                    let region = if *sh { "上海" } else { "北京" };
                    let mut c = customer(&format!("139{:08}", phones + u32::from(*p) * 1000), &[("region", region)]);
                    if p % 2 == 0 {
                        // Some hold an e-mail too, which merges move.
                        c.identities.push(Identity::new(IdentityKind::Email, format!("p{phones}@example.com")));
                    }
                    let id = ingest(&e, &[c])[0];
                    known.push(id);
                }
                Op::Event(c, k, d) if !known.is_empty() => {
                    let id = known[*c as usize % known.len()];
                    let (kind, page, amount) = match k {
                        0 => (Purchase, None, Some("10")),
                        1 => (View, Some("home"), None),
                        2 => (View, Some("product"), None),
                        _ => (Click, Some("ad"), None),
                    };
                    let _ = e.record_interactions("li.na", &[ev(&e, id, kind, page, amount, i64::from(*d))]);
                }
                Op::Join(a, b) if known.len() > 1 => {
                    let x = known[*a as usize % known.len()];
                    let y = known[*b as usize % known.len()];
                    if let (Ok(cx), Ok(cy)) = (e.customer("data.ops", x), e.customer("data.ops", y)) {
                        let mut ids = cx.identities.clone();
                        ids.extend(cy.identities);
                        let _ = e.ingest_customers("li.na", &[CustomerRecord { identities: ids, ..CustomerRecord::default() }]);
                    }
                }
                Op::Erase(c) if !known.is_empty() => {
                    let id = known[*c as usize % known.len()];
                    let _ = e.erase_customer("data.ops", id, "request");
                }
                Op::Advance(d) => {
                    e.advance_clock(Duration::days(i64::from(*d))).unwrap();
                }
                _ => {}
            }
            if step % 3 == 0 || step + 1 == ops.len() {
                for (i, r) in PROP_RULES.iter().enumerate() {
                    let incremental = e.segment_count("li.na", &format!("p{i}")).unwrap();
                    let full = e.count_customers("li.na", &rule(r)).unwrap();
                    prop_assert_eq!(incremental, full, "rule p{} after step {}", i, step);
                }
            }
        }
    }
}
