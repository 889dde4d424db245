//! APR-1..APR-4 through the public API.

use std::sync::Arc;

use brandrail::approval::{
    ApprovalState, Attachment, Decision, EventKind, StageState, Subject, SubjectKind,
};
use brandrail::{
    AuditQuery, Department, Engine, EngineOptions, Error, ManualClock, NewPrincipal, Outcome,
    Policy,
};
use chrono::{Duration, TimeZone, Utc};

fn company() -> (Engine, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 1, 0, 0).unwrap(),
    ));
    let e = Engine::in_memory_with(EngineOptions::new().clock(clock.clone())).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    let staff = [
        ("li.na", Department::Marketing, vec!["marketing_staff"]),
        (
            "ma.head",
            Department::Marketing,
            vec!["marketing_staff", "supervisor"],
        ),
        ("chen.jie", Department::Brand, vec!["brand_staff"]),
        ("gao.brand", Department::Brand, vec!["brand_staff"]),
        ("sun.li", Department::Legal, vec!["legal_staff"]),
        ("zhou.fan", Department::Finance, vec!["finance_staff"]),
        ("qian.pay", Department::Finance, vec!["finance_staff"]),
        (
            "zhao.min",
            Department::Executive,
            vec!["executive", "supervisor"],
        ),
        ("hu.hr", Department::Hr, vec!["hr_staff"]),
        (
            "sales.head",
            Department::Sales,
            vec!["sales_staff", "supervisor"],
        ),
    ];
    for (h, d, roles) in staff {
        e.create_principal("it.admin", NewPrincipal::new(h, h, d).with_roles(roles))
            .unwrap();
    }
    (e, clock)
}

fn invoice() -> Attachment {
    Attachment {
        kind: "invoice".into(),
        name: "发票-0001.pdf".into(),
        sha256: "ab".repeat(32),
        amount: Some("1280.50".parse().unwrap()),
    }
}

fn ad_copy() -> Subject {
    Subject::new(
        SubjectKind::ContentVersion,
        "content-17/v3",
        "双十一 广告文案",
    )
    .with_attribute("is_ad", "true")
}

fn checklist() -> Vec<String> {
    ["authenticity", "legality", "completeness"]
        .map(String::from)
        .to_vec()
}

fn code<T: std::fmt::Debug>(r: brandrail::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn apr1_workflow_definitions_are_validated_with_stage_and_field() {
    let base = Policy::default_pack();
    let cases = [
        (
            "[[approvals.workflows.wf.stages]]\nname = \"a\"\ndeciders = { roles = [\"ghost\"] }\n",
            "approvals.workflows.wf",
        ),
        (
            "[approvals.workflows.wf]\ndescription = \"d\"\nsubject = \"project\"\nstages = []\n",
            "approvals.workflows.wf.stages",
        ),
        (
            "[approvals.workflows.wf]\ndescription = \"d\"\nsubject = \"project\"\n[[approvals.workflows.wf.stages]]\nname = \"a\"\ndeciders = {}\nquorum = 0\n",
            "approvals.workflows.wf.stages[0]",
        ),
        (
            "[approvals.workflows.wf]\ndescription = \"d\"\nsubject = \"project\"\n[[approvals.workflows.wf.stages]]\nname = \"a\"\ndeciders = { roles = [\"supervisor\"] }\nwhen = { field = \"amount\", op = \"gt\", value = \"lots\" }\n",
            "approvals.workflows.wf.stages[0].when.value",
        ),
        (
            "[approvals.workflows.wf]\ndescription = \"d\"\nsubject = \"spaceship\"\nstages = []\n",
            "approvals.workflows.wf.subject",
        ),
    ];
    for (toml, path) in cases {
        let err = base.overlay_toml(toml).unwrap_err();
        assert_eq!(err.code(), "validation");
        assert!(err.to_string().starts_with(path), "{toml}\n-> {err}");
    }
    // A stage that names a role that exists, with a numeric condition, is fine.
    base.overlay_toml(
        "[approvals.workflows.big_spend]\ndescription = \"d\"\nsubject = \"budget_adjustment\"\n\
         [[approvals.workflows.big_spend.stages]]\nname = \"cfo\"\ndeciders = { roles = [\"finance_staff\"] }\nquorum = 2\n\
         when = { field = \"amount\", op = \"gt\", value = 50000 }\n",
    )
    .unwrap();
}

#[test]
fn apr2_builtin_workflows_ship_in_the_default_policy() {
    let wf = &Policy::default_pack().approvals.workflows;
    let names: Vec<_> = wf.keys().cloned().collect();
    assert_eq!(
        names,
        [
            "budget_adjustment",
            "content_review",
            "decision_layer",
            "document",
            "expense_reimbursement",
            "leave_request",
            "project_gates"
        ]
    );
    let stages = |w: &str| {
        wf[w]
            .stages
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(stages("content_review"), ["brand", "legal", "supervisor"]);
    assert_eq!(stages("budget_adjustment"), ["finance", "executive"]);
    assert_eq!(
        stages("expense_reimbursement"),
        ["department_head", "finance_check", "executive", "payment"]
    );
    assert_eq!(stages("project_gates").len(), 11);
    assert_eq!(
        stages("document"),
        ["review", "approve", "publish", "archive"]
    );
    assert_eq!(stages("leave_request"), ["department_head", "hr"]);
    assert_eq!(wf["expense_reimbursement"].stages[1].checklist, checklist());
}

#[test]
fn apr2_content_review_routes_ads_to_legal_and_plain_posts_past_it() {
    let (e, _) = company();
    let ad = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    assert_eq!(ad.current_stage.as_deref(), Some("brand"));
    assert_eq!(
        ad.stages.iter().map(|s| s.state).collect::<Vec<_>>(),
        [StageState::Active, StageState::Waiting, StageState::Skipped]
    );
    let ad = e.approve("chen.jie", ad.id, "符合品牌规范", &[]).unwrap();
    assert_eq!(ad.current_stage.as_deref(), Some("legal"));
    // A brand reviewer may not take the legal stage.
    assert_eq!(
        code(e.approve("gao.brand", ad.id, "", &[])),
        "permission_denied"
    );
    let ad = e.approve("sun.li", ad.id, "无绝对化用语", &[]).unwrap();
    assert_eq!(ad.state, ApprovalState::Approved);
    assert!(ad.closed_at.is_some());

    let post = Subject::new(SubjectKind::ContentVersion, "content-18/v1", "门店探店笔记");
    let post = e.submit_approval("li.na", "content_review", post).unwrap();
    let post = e.approve("chen.jie", post.id, "", &[]).unwrap();
    assert_eq!(post.state, ApprovalState::Approved);
    assert_eq!(post.stages[1].state, StageState::Skipped);

    let sensitive = ad_copy().with_attribute("sensitive", "true");
    let s = e
        .submit_approval("li.na", "content_review", sensitive)
        .unwrap();
    e.approve("chen.jie", s.id, "", &[]).unwrap();
    e.approve("sun.li", s.id, "", &[]).unwrap();
    let s = e.approve("zhao.min", s.id, "可以发布", &[]).unwrap();
    assert_eq!(s.state, ApprovalState::Approved);
}

#[test]
fn apr2_reimbursement_passes_all_four_stages_with_invoices_and_the_finance_check() {
    let (e, _) = company();
    let claim = Subject::new(SubjectKind::ExpenseClaim, "claim-2026-031", "上海展会差旅")
        .with_attribute("amount", "1280.50");
    assert_eq!(
        code(e.submit_approval("li.na", "expense_reimbursement", claim.clone())),
        "validation"
    );
    let claim = claim.with_attachment(invoice());
    let c = e
        .submit_approval("li.na", "expense_reimbursement", claim)
        .unwrap();
    // Department head: a supervisor of the submitter's own department.
    assert_eq!(
        code(e.approve("sales.head", c.id, "", &[])),
        "permission_denied"
    );
    e.approve("ma.head", c.id, "属实", &[]).unwrap();
    // Finance must confirm exactly the checklist.
    assert_eq!(
        code(e.approve("zhou.fan", c.id, "", &["authenticity".into()])),
        "validation"
    );
    let c = e
        .approve("zhou.fan", c.id, "发票已验真", &checklist())
        .unwrap();
    assert_eq!(c.current_stage.as_deref(), Some("executive"));
    e.approve("zhao.min", c.id, "同意", &[]).unwrap();
    // The checker may not also pay (APR-3): another finance principal does.
    let err = e.approve("zhou.fan", c.id, "", &[]).unwrap_err();
    assert_eq!(err.code(), "separation_of_duties", "{err}");
    let c = e.approve("qian.pay", c.id, "已付款", &[]).unwrap();
    assert_eq!(c.state, ApprovalState::Approved);
    let history = e.approval_history(c.id).unwrap();
    assert_eq!(
        history
            .iter()
            .filter(|h| h.kind == EventKind::Approved)
            .count(),
        4
    );
    let mut confirmed = checklist();
    confirmed.sort();
    assert_eq!(history[2].checklist, confirmed);
}

#[test]
fn apr2_decision_layer_needs_a_known_matter_and_an_executive() {
    let (e, _) = company();
    let bad = Subject::new(SubjectKind::Decision, "fy2027", "2027 年度战略")
        .with_attribute("matter", "team_lunch");
    assert_eq!(
        code(e.submit_approval("ma.head", "decision_layer", bad)),
        "validation"
    );
    let good = Subject::new(SubjectKind::Decision, "fy2027", "2027 年度战略")
        .with_attribute("matter", "annual_strategy");
    let d = e
        .submit_approval("ma.head", "decision_layer", good)
        .unwrap();
    assert_eq!(
        code(e.approve("sales.head", d.id, "", &[])),
        "permission_denied"
    );
    assert_eq!(
        e.approve("zhao.min", d.id, "", &[]).unwrap().state,
        ApprovalState::Approved
    );
    // Wrong kind for the workflow.
    assert_eq!(
        code(e.submit_approval("li.na", "decision_layer", ad_copy())),
        "validation"
    );
    assert_eq!(
        code(e.submit_approval("li.na", "no_such_flow", ad_copy())),
        "not_found"
    );
}

#[test]
fn apr3_nobody_approves_their_own_submission_and_refusals_are_audited() {
    let (e, _) = company();
    let s = e
        .submit_approval("chen.jie", "content_review", ad_copy())
        .unwrap();
    let n = e.audit_len().unwrap();
    let err = e.approve("chen.jie", s.id, "looks great", &[]).unwrap_err();
    assert!(matches!(err, Error::SeparationOfDuties { .. }), "{err:?}");
    assert_eq!(e.approval(s.id).unwrap(), s, "nothing changed");
    assert_eq!(e.audit_len().unwrap(), n + 1);
    let denied = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                outcome: Some(Outcome::Denied),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(denied.last().unwrap().action, "approval.approve");
    assert!(
        denied
            .last()
            .unwrap()
            .detail
            .contains("separation_of_duties"),
        "{}",
        denied.last().unwrap().detail
    );
    // The same principal may not approve one stage twice either.
    let q = Policy::default_pack()
        .overlay_toml(
            "[approvals.workflows.two_brand]\ndescription = \"d\"\nsubject = \"content_version\"\n\
             [[approvals.workflows.two_brand.stages]]\nname = \"brand\"\ndeciders = { roles = [\"brand_staff\"] }\nquorum = 2\n",
        )
        .unwrap();
    e.replace_policy("zhao.min", &q).unwrap();
    let t = e.submit_approval("li.na", "two_brand", ad_copy()).unwrap();
    e.approve("chen.jie", t.id, "", &[]).unwrap();
    assert_eq!(
        code(e.approve("chen.jie", t.id, "", &[])),
        "separation_of_duties"
    );
    assert_eq!(
        e.approve("gao.brand", t.id, "", &[]).unwrap().state,
        ApprovalState::Approved
    );
}

#[test]
fn apr3_one_principal_fills_several_stages_only_where_the_workflow_allows() {
    let (e, _) = company();
    // Project gates allow one owner to pass every gate.
    let p = e
        .submit_approval(
            "li.na",
            "project_gates",
            Subject::new(SubjectKind::Project, "prj-9", "会员小程序"),
        )
        .unwrap();
    let mut last = p;
    for _ in 0..11 {
        last = e.approve("ma.head", last.id, "", &[]).unwrap();
    }
    assert_eq!(last.state, ApprovalState::Approved);
    // Budget adjustments do not: an executive with finance duties would still need two people.
    let (e, _) = company();
    e.grant_role("it.admin", "zhao.min", "finance_staff")
        .unwrap();
    let b = e
        .submit_approval(
            "li.na",
            "budget_adjustment",
            Subject::new(SubjectKind::BudgetAdjustment, "adj-1", "Q3 抖音追加"),
        )
        .unwrap();
    e.approve("zhao.min", b.id, "", &[]).unwrap();
    assert_eq!(
        code(e.approve("zhao.min", b.id, "", &[])),
        "separation_of_duties"
    );
}

#[test]
fn apr4_rejection_returns_to_the_submitter_and_resubmission_keeps_history() {
    let (e, _) = company();
    let s = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    assert_eq!(code(e.reject("chen.jie", s.id, "  ")), "validation");
    let r = e
        .reject("chen.jie", s.id, "用了\"最好\"，违反广告法第九条")
        .unwrap();
    assert_eq!(r.state, ApprovalState::Rejected);
    assert_eq!(code(e.approve("sun.li", s.id, "", &[])), "conflict");
    assert_eq!(
        code(e.resubmit_approval("chen.jie", s.id, None)),
        "permission_denied"
    );
    let fixed = Subject::new(
        SubjectKind::ContentVersion,
        "content-17/v4",
        "双十一 广告文案（修订）",
    )
    .with_attribute("is_ad", "true");
    let r2 = e.resubmit_approval("li.na", s.id, Some(fixed)).unwrap();
    assert_eq!(r2.round, 2);
    assert_eq!(r2.state, ApprovalState::InReview);
    assert_eq!(r2.current_stage.as_deref(), Some("brand"));
    let r2 = e
        .return_for_changes("chen.jie", s.id, "加上广告标识")
        .unwrap();
    assert_eq!(r2.state, ApprovalState::ReturnedForChanges);
    e.resubmit_approval("li.na", s.id, None).unwrap();
    e.approve("chen.jie", s.id, "", &[]).unwrap();
    let done = e.approve("sun.li", s.id, "", &[]).unwrap();
    assert_eq!(done.state, ApprovalState::Approved);
    assert_eq!(done.round, 3);
    let kinds: Vec<_> = e
        .approval_history(s.id)
        .unwrap()
        .iter()
        .map(|h| h.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            EventKind::Submitted,
            EventKind::Rejected,
            EventKind::Resubmitted,
            EventKind::Returned,
            EventKind::Resubmitted,
            EventKind::Approved,
            EventKind::Approved
        ]
    );
    assert_eq!(
        e.approval_history(s.id).unwrap()[1].comment,
        "用了\"最好\"，违反广告法第九条"
    );
    // Withdrawn is final.
    let w = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    assert_eq!(
        code(e.withdraw_approval("chen.jie", w.id, "")),
        "permission_denied"
    );
    assert_eq!(
        e.withdraw_approval("li.na", w.id, "活动取消")
            .unwrap()
            .state,
        ApprovalState::Withdrawn
    );
    assert_eq!(code(e.withdraw_approval("li.na", w.id, "")), "conflict");
    assert_eq!(code(e.approval(999_999)), "not_found");
}

#[test]
fn apr4_delegation_while_away_is_recorded_on_the_decision() {
    let (e, clock) = company();
    let now = e.now();
    let s = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    e.approve("chen.jie", s.id, "", &[]).unwrap();
    // The legal reviewer is away; the executive decides in her place.
    assert_eq!(code(e.approve("hu.hr", s.id, "", &[])), "permission_denied");
    assert_eq!(
        code(e.delegate_approvals("sun.li", "sun.li", now, now + Duration::days(3))),
        "validation"
    );
    assert_eq!(
        code(e.delegate_approvals("sun.li", "hu.hr", now, now - Duration::days(3))),
        "validation"
    );
    assert_eq!(
        code(e.delegate_approvals("sun.li", "ghost", now, now + Duration::days(3))),
        "not_found"
    );
    let d = e
        .delegate_approvals("sun.li", "hu.hr", now, now + Duration::days(3))
        .unwrap();
    let tasks = e.approval_tasks("hu.hr").unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].on_behalf_of.as_deref(), Some("sun.li"));
    let done = e.approve("hu.hr", s.id, "代孙丽审批", &[]).unwrap();
    assert_eq!(done.state, ApprovalState::Approved);
    let legal = &done.stages[1].approvals[0];
    assert_eq!(
        (legal.principal.as_str(), legal.on_behalf_of.as_deref()),
        ("hu.hr", Some("sun.li"))
    );
    // After the window, or once ended, the delegate has nothing.
    let s2 = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    e.approve("chen.jie", s2.id, "", &[]).unwrap();
    clock.advance(Duration::days(4));
    assert!(e.approval_tasks("hu.hr").unwrap().is_empty());
    let d2 = e
        .delegate_approvals("sun.li", "hu.hr", e.now(), e.now() + Duration::days(1))
        .unwrap();
    assert_eq!(code(e.end_delegation("hu.hr", d2.id)), "permission_denied");
    e.end_delegation("sun.li", d2.id).unwrap();
    assert_eq!(
        code(e.approve("hu.hr", s2.id, "", &[])),
        "permission_denied"
    );
    assert_eq!(e.delegations("sun.li").unwrap().len(), 2);
    assert_ne!(d.id, d2.id);
}

#[test]
fn apr4_overdue_tasks_are_reported_and_escalated() {
    let (e, clock) = company();
    let s = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    let due = s.active_stage().unwrap().due_at.unwrap();
    assert_eq!(due, s.submitted_at + Duration::hours(24));
    assert!(e.overdue_approvals(e.now()).unwrap().is_empty());
    clock.advance(Duration::hours(25));
    let overdue = e.overdue_approvals(e.now()).unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0].stage, "brand");
    assert_eq!(
        code(e.approve("ma.head", s.id, "", &[])),
        "permission_denied"
    );
    assert_eq!(
        code(e.escalate_overdue_approvals("li.na")),
        "permission_denied"
    );
    let escalated = e.escalate_overdue_approvals("zhao.min").unwrap();
    assert_eq!(escalated.len(), 1);
    assert!(escalated[0].escalated);
    assert!(
        e.escalate_overdue_approvals("zhao.min").unwrap().is_empty(),
        "only once"
    );
    // A supervisor (the escalation target) may now decide the brand stage.
    let s = e.approve("ma.head", s.id, "超时，由主管审批", &[]).unwrap();
    assert_eq!(s.current_stage.as_deref(), Some("legal"));
    assert!(!s.escalated);
}

#[test]
fn acc3_deactivated_assignee_is_unassigned_and_lonely_stages_are_flagged() {
    let (e, _) = company();
    let s = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    assert_eq!(
        code(e.assign_approval("zhao.min", s.id, "sun.li")),
        "validation"
    );
    let s = e.assign_approval("zhao.min", s.id, "gao.brand").unwrap();
    assert_eq!(s.assignee.as_deref(), Some("gao.brand"));
    assert_eq!(
        code(e.approve("chen.jie", s.id, "", &[])),
        "permission_denied"
    );
    assert_eq!(e.approval_tasks("chen.jie").unwrap().len(), 0);
    let d = e.deactivate_principal("it.admin", "gao.brand").unwrap();
    assert_eq!(d.reassigned_approvals, [s.id]);
    assert!(d.unstaffed_approvals.is_empty());
    let s = e.approval(s.id).unwrap();
    assert_eq!(s.assignee, None);
    assert_eq!(e.approval_tasks("chen.jie").unwrap().len(), 1);
    e.approve("chen.jie", s.id, "", &[]).unwrap();
    // Legal has one reviewer; once she leaves, the legal stage is flagged.
    let d = e.deactivate_principal("it.admin", "sun.li").unwrap();
    assert_eq!(d.unstaffed_approvals, [s.id]);
}

#[test]
fn apr4_throughput_gives_median_time_per_stage() {
    let (e, clock) = company();
    for hours in [1, 3, 5] {
        let s = e
            .submit_approval("li.na", "content_review", ad_copy())
            .unwrap();
        clock.advance(Duration::hours(hours));
        e.approve("chen.jie", s.id, "", &[]).unwrap();
        clock.advance(Duration::hours(2));
        e.approve("sun.li", s.id, "", &[]).unwrap();
    }
    let t = e.approval_throughput("content_review").unwrap();
    assert_eq!(t.len(), 2);
    assert_eq!(
        (t[0].stage.as_str(), t[0].completed, t[0].median_seconds),
        ("brand", 3, 3.0 * 3600.0)
    );
    assert_eq!(t[0].p90_seconds, 5.0 * 3600.0);
    assert_eq!(
        (t[1].stage.as_str(), t[1].median_seconds),
        ("legal", 2.0 * 3600.0)
    );
    assert_eq!(code(e.approval_throughput("nope")), "not_found");
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let (e, _) = company();
    let n = e.audit_len().unwrap();
    let long = "长".repeat(201);
    let bad_subjects = [
        Subject::new(SubjectKind::ContentVersion, "", "t"),
        Subject::new(SubjectKind::ContentVersion, "ref\u{0}", "t"),
        Subject::new(SubjectKind::ContentVersion, "x".repeat(129), "t"),
        Subject::new(SubjectKind::ContentVersion, "r", ""),
        Subject::new(SubjectKind::ContentVersion, "r", long.as_str()),
        Subject::new(SubjectKind::ContentVersion, "r", "t").with_attribute("Bad Key", "v"),
        Subject::new(SubjectKind::ContentVersion, "r", "t").with_attribute("k", "\u{7}"),
        Subject::new(SubjectKind::ContentVersion, "r", "t").with_attachment(Attachment {
            sha256: "xyz".into(),
            ..invoice()
        }),
        Subject::new(SubjectKind::ContentVersion, "r", "t").with_attachment(Attachment {
            amount: Some("-1".parse().unwrap()),
            ..invoice()
        }),
    ];
    for s in bad_subjects {
        assert_eq!(
            code(e.submit_approval("li.na", "content_review", s.clone())),
            "validation",
            "{s:?}"
        );
    }
    // SQL in free text is just text.
    let sql = Subject::new(
        SubjectKind::ContentVersion,
        "x'); DROP TABLE approval_instance;--",
        "标题 'OR 1=1",
    );
    let ok = e.submit_approval("li.na", "content_review", sql).unwrap();
    assert_eq!(
        e.approval(ok.id).unwrap().subject.reference,
        "x'); DROP TABLE approval_instance;--"
    );
    assert_eq!(
        code(e.submit_approval("ghost", "content_review", ad_copy())),
        "permission_denied"
    );
    assert_eq!(code(e.approve("li.na", 12345, "", &[])), "not_found");
    assert_eq!(
        code(e.reject("chen.jie", ok.id, &"x".repeat(2001))),
        "validation"
    );
    assert_eq!(
        code(e.decide_approval(
            "chen.jie",
            ok.id,
            Decision::Return {
                comment: "a\u{1b}[31m".into()
            }
        )),
        "validation"
    );
    assert_eq!(
        e.audit_len().unwrap(),
        n + 2,
        "one submission, one audited refusal"
    );
    assert!(e.verify_audit().unwrap().ok);
}

#[test]
fn permission_is_checked_before_input_and_the_refusal_is_audited() {
    let (e, _) = company();
    let s = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    let n = e.audit_len().unwrap();
    // Bad input from someone who may not act at all is a refusal, not a validation error.
    assert_eq!(code(e.reject("ghost", s.id, "")), "permission_denied");
    assert_eq!(
        code(e.submit_approval(
            "hu.hr.x",
            "content_review",
            Subject::new(SubjectKind::ContentVersion, "", "")
        )),
        "permission_denied"
    );
    e.deactivate_principal("it.admin", "li.na").unwrap();
    assert_eq!(
        code(e.withdraw_approval("li.na", s.id, "\u{0}")),
        "permission_denied"
    );
    assert_eq!(
        e.audit_len().unwrap(),
        n + 4,
        "three refusals and the deactivation"
    );
}

#[test]
fn refusals_on_low_numbered_instances_are_found_by_their_id() {
    let (e, _) = company();
    let s = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    assert_eq!(s.id, 1);
    assert_eq!(
        code(e.approve("sun.li", s.id, "", &[])),
        "permission_denied"
    );
    let found = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                entity_id: Some("1".into()),
                outcome: Some(Outcome::Denied),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].entity_type, "approval");
}

#[test]
fn approvals_are_listed_by_submitter_state_and_workflow_newest_first() {
    let (e, _) = company();
    let a = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    let b = e
        .submit_approval(
            "li.na",
            "budget_adjustment",
            Subject::new(SubjectKind::BudgetAdjustment, "adj-1", "Q3"),
        )
        .unwrap();
    let c = e
        .submit_approval("chen.jie", "content_review", ad_copy())
        .unwrap();
    e.reject("chen.jie", a.id, "改").unwrap();
    let ids = |f: brandrail::ApprovalFilter| {
        e.approvals(&f)
            .unwrap()
            .into_iter()
            .map(|i| i.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(Default::default()), [c.id, b.id, a.id]);
    assert_eq!(
        ids(brandrail::ApprovalFilter {
            submitter: Some("li.na".into()),
            ..Default::default()
        }),
        [b.id, a.id]
    );
    assert_eq!(
        ids(brandrail::ApprovalFilter {
            state: Some(ApprovalState::Rejected),
            ..Default::default()
        }),
        [a.id]
    );
    assert_eq!(
        ids(brandrail::ApprovalFilter {
            workflow: Some("content_review".into()),
            ..Default::default()
        }),
        [c.id, a.id]
    );
    assert_eq!(
        ids(brandrail::ApprovalFilter {
            limit: Some(1),
            before_id: Some(c.id),
            ..Default::default()
        }),
        [b.id]
    );
    assert_eq!(
        ids(brandrail::ApprovalFilter {
            submitter: Some("'; DROP TABLE x; --".into()),
            ..Default::default()
        }),
        Vec::<i64>::new()
    );
    assert_eq!(
        code(e.approvals(&brandrail::ApprovalFilter {
            limit: Some(0),
            ..Default::default()
        })),
        "validation"
    );
}

#[test]
fn a_manual_clock_moves_deadlines_from_any_host() {
    let start = Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap();
    let e = Engine::in_memory_with(EngineOptions::new().manual_clock(start)).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("li.na", "L", Department::Marketing),
    )
    .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("zhao.min", "Z", Department::Executive)
            .with_roles(["executive", "supervisor"]),
    )
    .unwrap();
    let s = e
        .submit_approval("li.na", "content_review", ad_copy())
        .unwrap();
    assert_eq!(s.submitted_at, start);
    assert_eq!(
        e.advance_clock(Duration::hours(25)).unwrap(),
        start + Duration::hours(25)
    );
    assert_eq!(e.approval_tasks("zhao.min").unwrap().len(), 0);
    assert_eq!(e.escalate_overdue_approvals("zhao.min").unwrap().len(), 1);
    assert!(e.approval_tasks("zhao.min").unwrap()[0].overdue);
    assert_eq!(e.set_clock(start).unwrap(), start);
    assert_eq!(
        code(e.advance_clock(Duration::days(365 * 9000))),
        "validation"
    );
    // An engine on the system clock refuses to move time.
    assert_eq!(
        code(
            Engine::in_memory()
                .unwrap()
                .advance_clock(Duration::hours(1))
        ),
        "configuration"
    );
}

#[test]
fn clock_start_must_be_storable_and_conditions_read_plain_numbers_only() {
    let year_one = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    let err = Engine::in_memory_with(EngineOptions::new().manual_clock(year_one)).unwrap_err();
    assert_eq!(
        err.to_string(),
        "clock_start: must lie in the years 1970-9999"
    );
    // A system-clock engine refuses a clock move as configuration, whatever the time.
    assert_eq!(
        code(Engine::in_memory().unwrap().set_clock(year_one)),
        "configuration"
    );

    let (e, _) = company();
    let p = Policy::default_pack()
        .overlay_toml(
            "[approvals.workflows.big_spend]\ndescription = \"d\"\nsubject = \"budget_adjustment\"\n\
             [[approvals.workflows.big_spend.stages]]\nname = \"finance\"\ndeciders = { roles = [\"finance_staff\"] }\n\
             [[approvals.workflows.big_spend.stages]]\nname = \"cfo\"\ndeciders = { roles = [\"executive\"] }\n\
             when = { field = \"amount\", op = \"gt\", value = 5000 }\n",
        )
        .unwrap();
    e.replace_policy("zhao.min", &p).unwrap();
    for (amount, executive_needed) in [
        ("6000", true),
        ("5000", false),
        ("6000.01", true),
        ("6_000", false),
        ("6e3", false),
        ("+6000", false),
        (" 6000 ", false),
    ] {
        let s = Subject::new(SubjectKind::BudgetAdjustment, "adj", "追加")
            .with_attribute("amount", amount);
        let inst = e.submit_approval("li.na", "big_spend", s).unwrap();
        let cfo = inst.stages.iter().find(|s| s.name == "cfo").unwrap();
        assert_eq!(
            cfo.state != StageState::Skipped,
            executive_needed,
            "amount {amount:?}"
        );
    }
}
