//! CRM-9 (service: first-response deadline, auto-answers, complaint routing,
//! satisfaction against 4.8) and CRM-10 (opinion watch: brand + keyword
//! alerts through the checker's matcher, escalation, crisis cases with a
//! template, departments and a 2-hour deadline, overdue crises) through the
//! public API on a manual clock.

use brandrail::crm::{
    AlertSeverity, CustomerRecord, Identity, IdentityKind, NewMention, NewTicket, TicketCategory,
    TicketState,
};
use brandrail::{AuditQuery, Department, Engine, EngineOptions, NewPrincipal, Policy};
use chrono::{Duration, TimeZone, Utc};

const KEY: [u8; 32] = *b"crm-test-key-crm-test-key-32byte";

fn company() -> Engine {
    let start = Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap();
    let e =
        Engine::in_memory_with(EngineOptions::new().secret_key(KEY).manual_clock(start)).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    for (h, d) in [
        ("kf.one", Department::CustomerService),
        ("pr.one", Department::Pr),
        ("li.na", Department::Marketing),
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
    e.create_principal(
        "it.admin",
        NewPrincipal::new("boss", "head", Department::Marketing).with_roles(["supervisor"]),
    )
    .unwrap();
    e
}

fn ticket(category: TicketCategory, subject: &str, body: &str) -> NewTicket {
    NewTicket {
        customer_id: None,
        channel: "wechat".into(),
        category,
        subject: subject.into(),
        body: body.into(),
    }
}

#[test]
fn crm9_auto_answers_routing_deadline_and_satisfaction() {
    let e = company();
    let id = e
        .ingest_customers(
            "li.na",
            &[CustomerRecord {
                identities: vec![Identity::new(IdentityKind::Phone, "13800000001")],
                ..CustomerRecord::default()
            }],
        )
        .unwrap()
        .customer_ids[0]
        .unwrap();
    // A common question, even written in traditional characters with a
    // space inside, is answered at once.
    let q = e
        .open_ticket(
            "kf.one",
            &NewTicket {
                customer_id: Some(id),
                ..ticket(TicketCategory::Question, "发货", "請問 什麼時候 發貨？")
            },
        )
        .unwrap();
    assert_eq!(q.auto_answer.as_deref(), Some("shipping"));
    assert_eq!(q.state, TicketState::Answered);
    assert_eq!(q.within_sla, Some(true));
    assert_eq!(q.responses.len(), 1);
    assert_eq!(q.responses[0].by, "auto:shipping");
    assert_eq!(q.department, Department::CustomerService);
    // The customer's history has the ticket (CRM-3).
    let kinds: Vec<_> = e
        .customer_interactions("data.ops", id)
        .unwrap()
        .into_iter()
        .map(|i| i.kind.as_str())
        .collect();
    assert_eq!(kinds, ["service_ticket"]);

    // Complaints go to the responsible department; first route wins.
    let routes = [
        ("快递三天没动", Department::Sales),
        ("我的个人信息被泄露，还要退款", Department::Legal),
        ("多扣款了", Department::Finance),
        ("店员态度差", Department::CustomerService),
    ];
    let mut complaint_ids = Vec::new();
    for (body, dept) in routes {
        let t = e
            .open_ticket("kf.one", &ticket(TicketCategory::Complaint, "投诉", body))
            .unwrap();
        assert_eq!(t.department, dept, "{body}");
        assert_eq!(t.state, TicketState::Open);
        assert_eq!(t.first_response_due, t.opened_at + Duration::minutes(10));
        complaint_ids.push(t.id);
    }
    // Within 10 minutes for the first; the second is answered late; the
    // others are still open after 11 minutes: overdue.
    e.advance_clock(Duration::minutes(5)).unwrap();
    let t0 = e
        .respond_ticket("kf.one", complaint_ids[0], "已联系快递，今天送达")
        .unwrap();
    assert_eq!(
        (t0.state, t0.within_sla),
        (TicketState::Answered, Some(true))
    );
    e.advance_clock(Duration::minutes(6)).unwrap();
    let overdue: Vec<i64> = e
        .overdue_tickets("kf.one")
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(overdue, complaint_ids[1..].to_vec());
    let t1 = e
        .respond_ticket("kf.one", complaint_ids[1], "已转法务部处理")
        .unwrap();
    assert_eq!(t1.within_sla, Some(false));
    let routed = e
        .route_ticket("kf.one", complaint_ids[3], Department::Brand)
        .unwrap();
    assert_eq!(routed.department, Department::Brand);

    // Satisfaction after a response, once, on the policy's scale.
    assert_eq!(
        e.rate_ticket("kf.one", complaint_ids[2], 5)
            .unwrap_err()
            .code(),
        "conflict"
    );
    for bad in [0u8, 6] {
        assert_eq!(
            e.rate_ticket("kf.one", q.id, bad).unwrap_err().code(),
            "validation"
        );
    }
    e.rate_ticket("kf.one", q.id, 5).unwrap();
    assert_eq!(
        e.rate_ticket("kf.one", q.id, 4).unwrap_err().code(),
        "conflict"
    );
    e.rate_ticket("kf.one", complaint_ids[0], 4).unwrap();
    let resolved = e.resolve_ticket("kf.one", complaint_ids[0]).unwrap();
    assert_eq!(resolved.state, TicketState::Resolved);
    assert_eq!(
        e.respond_ticket("kf.one", complaint_ids[0], "再补充")
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        e.resolve_ticket("kf.one", complaint_ids[2])
            .unwrap_err()
            .code(),
        "conflict"
    );

    let r = e
        .service_report(
            "li.na",
            e.now() - Duration::days(1),
            e.now() + Duration::days(1),
        )
        .unwrap();
    assert_eq!(
        (
            r.tickets,
            r.auto_answered,
            r.responded,
            r.within_sla,
            r.overdue
        ),
        (5, 1, 3, 2, 2)
    );
    assert!((r.sla_rate - 2.0 / 5.0).abs() < 1e-12);
    assert_eq!(r.complaints, 4);
    let by: Vec<(Department, u64)> = r
        .complaints_by_department
        .iter()
        .map(|d| (d.department, d.count))
        .collect();
    assert_eq!(
        by,
        [
            (Department::Brand, 1),
            (Department::Finance, 1),
            (Department::Legal, 1),
            (Department::Sales, 1)
        ]
    );
    assert_eq!(
        (r.rated, r.satisfaction_average, r.meets_target),
        (2, Some(4.5), Some(false))
    );
    assert_eq!(r.satisfaction_target, 4.8);
    assert!(r.average_first_response_minutes.unwrap() > 0.0);

    // Bad input and permissions change nothing.
    let before = e
        .service_report("li.na", e.now() - Duration::days(1), e.now())
        .unwrap()
        .tickets;
    for (t, field) in [
        (ticket(TicketCategory::Question, "", "x"), "subject"),
        (ticket(TicketCategory::Question, "x", "   "), "body"),
        (ticket(TicketCategory::Question, "x", "a\u{0}b"), "body"),
        (
            ticket(TicketCategory::Question, "x", &"长".repeat(30_000)),
            "body",
        ),
        (
            NewTicket {
                channel: "We Chat!".into(),
                ..ticket(TicketCategory::Question, "x", "y")
            },
            "channel",
        ),
    ] {
        let err = e.open_ticket("kf.one", &t).unwrap_err();
        assert_eq!(err.code(), "validation");
        assert!(err.to_string().starts_with(field), "{err}");
    }
    assert_eq!(
        e.open_ticket(
            "kf.one",
            &NewTicket {
                customer_id: Some(999),
                ..ticket(TicketCategory::Question, "x", "y")
            }
        )
        .unwrap_err()
        .code(),
        "not_found"
    );
    assert_eq!(
        e.open_ticket("li.na", &ticket(TicketCategory::Question, "x", "y"))
            .unwrap_err()
            .code(),
        "permission_denied"
    );
    assert_eq!(e.ticket("kf.one", 999).unwrap_err().code(), "not_found");
    assert_eq!(
        e.service_report("li.na", e.now(), e.now())
            .unwrap_err()
            .code(),
        "validation"
    );
    assert_eq!(
        e.service_report("li.na", e.now() - Duration::days(1), e.now())
            .unwrap()
            .tickets,
        before
    );

    // Erasure removes the customer's words and keeps the count.
    e.erase_customer("data.ops", id, "request").unwrap();
    let gone = e.ticket("kf.one", q.id).unwrap();
    assert_eq!(
        (gone.subject.as_str(), gone.body.as_str(), gone.customer_id),
        ("", "", None)
    );
    assert!(gone.responses.is_empty());
}

fn mention(text: &str, reach: Option<u64>) -> NewMention {
    NewMention {
        platform: "weibo".into(),
        author: "路人甲".into(),
        text: text.into(),
        at: Utc.with_ymd_and_hms(2026, 6, 1, 7, 0, 0).unwrap(),
        url: Some("https://weibo.example/1".into()),
        reach,
    }
}

#[test]
fn crm10_alerts_escalation_crises_and_deadlines() {
    let e = company();
    // The brand's names, as the policy knows them.
    let mut p = Policy::default_pack().clone();
    p.content.brand_names = vec![brandrail::policy::BrandName {
        canonical: "澜朵".into(),
        wrong: vec!["兰朵".into()],
    }];
    e.replace_policy("zhao.min", &p).unwrap();

    let r = e
        .record_mentions(
            "pr.one",
            &[
                mention("澜朵的面霜很好用", None),                    // no keyword
                mention("今天去投诉了，客服不理人", None),            // no brand
                mention("兰朵 差 评！！！", None), // misspelt brand, spaced keyword
                mention("瀾朵退款太慢，要投訴", None), // traditional; sensitive
                mention("澜朵用了过敏烂脸，准备曝光维权", Some(500)), // major by keyword
                mention("澜朵客服差评", Some(2_000_000)), // major by reach
                NewMention {
                    platform: "Wei Bo".into(),
                    ..mention("x", None)
                },
                NewMention {
                    url: Some("javascript:alert(1)".into()),
                    ..mention("x", None)
                },
                NewMention {
                    at: e.now() + Duration::days(2),
                    ..mention("x", None)
                },
                NewMention {
                    text: "".into(),
                    ..mention("x", None)
                },
            ],
        )
        .unwrap();
    assert_eq!((r.rows, r.recorded), (10, 6));
    let bad: Vec<(usize, &str)> = r.errors.iter().map(|x| (x.row, x.field.as_str())).collect();
    assert_eq!(bad, [(6, "platform"), (7, "url"), (8, "at"), (9, "text")]);
    let sev: Vec<AlertSeverity> = r.alerts.iter().map(|a| a.severity).collect();
    assert_eq!(
        sev,
        [
            AlertSeverity::Normal,
            AlertSeverity::Sensitive,
            AlertSeverity::Major,
            AlertSeverity::Major
        ]
    );
    assert_eq!(r.alerts[0].keywords, ["兰朵", "差评"]);
    assert!(!r.alerts[0].escalated && r.alerts[1].escalated && r.alerts[2].escalated);
    assert_eq!(r.crises_opened.len(), 2);

    // Supervisors see what was escalated; marketing does not handle alerts.
    let esc: Vec<i64> = e
        .escalated_alerts("boss")
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(esc.len(), 3);
    assert_eq!(
        e.escalated_alerts("pr.one").unwrap_err().code(),
        "permission_denied"
    );
    assert_eq!(
        e.opinion_alerts("li.na", true).unwrap_err().code(),
        "permission_denied"
    );
    let escalations = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                action: Some("opinion.alert".into()),
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert_eq!(
        escalations
            .iter()
            .filter(|x| x.detail.contains("escalated_to=supervisor"))
            .count(),
        3
    );

    // The crisis opened by the quality complaint: its kind's template,
    // marketing leads, legal reviews, 2 hours.
    let crises = e.crises("pr.one", false).unwrap();
    let quality = crises.iter().find(|c| c.kind == "product_quality").unwrap();
    assert_eq!(quality.lead_department, Department::Marketing);
    assert_eq!(quality.review_department, Department::Legal);
    assert_eq!(
        quality.first_response_due,
        quality.opened_at + Duration::hours(2)
    );
    assert!(quality.template.contains("复检"));
    assert_eq!(quality.opened_by, "auto");
    let general = crises.iter().find(|c| c.kind == "general").unwrap();

    // A statement with an Advertising-Law term is refused; a clean one is
    // the first response.
    let err = e
        .respond_crisis("pr.one", quality.id, "我们的产品是全网最安全的")
        .unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    let done = e
        .respond_crisis("pr.one", quality.id, &quality.template)
        .unwrap();
    assert_eq!(done.within_deadline, Some(true));
    // Three hours later the other crisis is overdue.
    e.advance_clock(Duration::hours(3)).unwrap();
    let overdue: Vec<i64> = e
        .crises("pr.one", true)
        .unwrap()
        .iter()
        .map(|c| c.id)
        .collect();
    assert_eq!(overdue, [general.id]);
    let late = e
        .respond_crisis("pr.one", general.id, "感谢反馈，我们正在核实。")
        .unwrap();
    assert_eq!(late.within_deadline, Some(false));
    assert!(e.crises("pr.one", true).unwrap().is_empty());
    e.close_crisis("pr.one", general.id).unwrap();
    assert_eq!(
        e.close_crisis("pr.one", general.id).unwrap_err().code(),
        "conflict"
    );
    assert_eq!(
        e.respond_crisis("pr.one", general.id, "再说明")
            .unwrap_err()
            .code(),
        "conflict"
    );

    // By hand: a crisis for the sensitive alert (a data-leak kind would
    // need its words; this one is general).
    let sensitive = r.alerts[1].id;
    let c = e
        .open_crisis("pr.one", &[sensitive], "退款投诉集中")
        .unwrap();
    assert_eq!(
        (c.kind.as_str(), c.alert_ids.clone()),
        ("general", vec![sensitive])
    );
    assert_eq!(
        e.open_crisis("pr.one", &[sensitive], "again")
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        e.open_crisis("pr.one", &[], "x").unwrap_err().code(),
        "validation"
    );
    assert_eq!(
        e.open_crisis("pr.one", &[999], "x").unwrap_err().code(),
        "not_found"
    );
    let handled = e.handle_alert("pr.one", r.alerts[0].id).unwrap();
    assert_eq!(handled.state, "handled");
    assert_eq!(
        e.handle_alert("pr.one", r.alerts[0].id).unwrap_err().code(),
        "conflict"
    );
    assert_eq!(e.opinion_alerts("pr.one", true).unwrap().len(), 3);
    assert_eq!(e.opinion_alerts("pr.one", false).unwrap().len(), 4);
}

#[test]
fn crm10_without_brand_names_every_mention_is_about_the_brand() {
    let e = company();
    let r = e
        .record_mentions(
            "pr.one",
            &[
                mention("质量问题太多了，差评", None),
                mention("天气不错", None),
            ],
        )
        .unwrap();
    assert_eq!(r.alerts.len(), 1);
    assert_eq!(r.alerts[0].severity, AlertSeverity::Sensitive);
    // The text is sealed: not in an export of anything, and mentions need the key.
    let plain = Engine::in_memory().unwrap();
    plain
        .bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    plain
        .create_principal(
            "it.admin",
            NewPrincipal::new("pr.one", "pr", Department::Pr),
        )
        .unwrap();
    assert_eq!(
        plain
            .record_mentions("pr.one", &[mention("x", None)])
            .unwrap_err()
            .code(),
        "configuration"
    );
}
