//! ACC-1..ACC-5 through the public API, with the bad side of every call.

use std::sync::Arc;

use brandrail::{
    AuditQuery, Clock, DenialReason, Department, Engine, EngineOptions, Error, ManualClock,
    NewMediaAccount, NewPrincipal, Outcome, Permission, Platform, Policy,
};
use chrono::{DateTime, Duration, TimeZone, Utc};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
}

fn company() -> (Engine, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(t0()));
    let engine = Engine::in_memory_with(
        EngineOptions::new()
            .clock(clock.clone())
            .secret_key([42; 32]),
    )
    .unwrap();
    engine
        .bootstrap(NewPrincipal::new("it.admin", "王强", Department::It))
        .unwrap();
    for (h, n, d) in [
        ("li.na", "李娜", Department::Marketing),
        ("chen.jie", "陈杰", Department::Brand),
        ("sun.li", "孙丽", Department::Legal),
        ("zhao.min", "赵敏", Department::Executive),
        ("it.backup", "IT Two", Department::It),
    ] {
        engine
            .create_principal("it.admin", NewPrincipal::new(h, n, d))
            .unwrap();
    }
    (engine, clock)
}

fn media(id: &str, custodian: &str) -> NewMediaAccount {
    NewMediaAccount {
        id: id.into(),
        platform: Platform::Xiaohongshu,
        display_name: "品牌小红书".into(),
        owner_department: Department::Marketing,
        custodian: custodian.into(),
        credential: None,
    }
}

fn denied(err: Error) -> DenialReason {
    match err {
        Error::PermissionDenied { reason, .. } => reason,
        other => panic!("expected permission_denied, got {other:?}"),
    }
}

#[test]
fn acc1_departments_get_their_default_roles_and_permissions() {
    let (e, _) = company();
    let policy = Policy::default_pack();
    for d in Department::ALL {
        let expected = policy
            .access
            .department_roles
            .get(d)
            .cloned()
            .unwrap_or_default();
        let p = e
            .create_principal(
                "it.admin",
                NewPrincipal::new(format!("p.{}", d.as_str().replace('_', "-")), "P", *d),
            )
            .unwrap();
        assert_eq!(p.roles, expected, "{d}");
    }
    assert!(e.can("sun.li", Permission::ContentReviewLegal).unwrap());
    assert!(!e.can("li.na", Permission::ContentReviewLegal).unwrap());
    assert!(e.can("zhao.min", Permission::BudgetApprove).unwrap());
    assert!(!e.can("nobody", Permission::CrmRead).unwrap());
    let perms = e.permissions_of("chen.jie").unwrap();
    assert!(perms.contains(&Permission::ContentReviewBrand));
    assert!(!perms.contains(&Permission::PrincipalManage));
}

#[test]
fn acc2_only_it_administers_accounts_even_with_the_role() {
    let (e, _) = company();
    let before = e.principals().unwrap();
    let err = e
        .create_principal("li.na", NewPrincipal::new("x.y", "X", Department::Sales))
        .unwrap_err();
    assert_eq!(denied(err), DenialReason::MissingPermission);
    // Granting the IT role to a brand principal does not make it an administrator.
    e.grant_role("it.admin", "chen.jie", "it_admin").unwrap();
    let err = e
        .create_principal("chen.jie", NewPrincipal::new("x.y", "X", Department::Sales))
        .unwrap_err();
    assert_eq!(denied(err), DenialReason::WrongDepartment);
    let err = e.grant_role("chen.jie", "li.na", "supervisor").unwrap_err();
    assert_eq!(denied(err), DenialReason::WrongDepartment);
    assert_eq!(e.principals().unwrap().len(), before.len());
    // ...but it does give the IT role's other permissions.
    assert!(e.can("chen.jie", Permission::AuditBackup).unwrap());
}

#[test]
fn acc2_accounts_are_personal_and_validated() {
    let (e, _) = company();
    let n = e.audit_len().unwrap();
    let long = "长".repeat(201);
    let bad = [
        NewPrincipal::new("", "Empty", Department::Sales),
        NewPrincipal::new("x", "Too short", Department::Sales),
        NewPrincipal::new("Upper.Case", "U", Department::Sales),
        NewPrincipal::new("a'; DELETE FROM principal; --", "SQL", Department::Sales),
        NewPrincipal::new("zero\u{200B}width", "Z", Department::Sales),
        NewPrincipal::new("ok.handle", "", Department::Sales),
        NewPrincipal::new("ok.handle", "tab\tname", Department::Sales),
        NewPrincipal::new("ok.handle", "rtl\u{202E}name", Department::Sales),
        NewPrincipal::new("ok.handle", long.as_str(), Department::Sales),
        NewPrincipal::new("ok.handle", "N", Department::Sales).with_roles(["root"]),
    ];
    for input in bad {
        let err = e.create_principal("it.admin", input.clone()).unwrap_err();
        assert_eq!(err.code(), "validation", "{input:?}");
        // The message never quotes the personal display name.
        assert!(!err.to_string().contains("长长长"), "{err}");
    }
    let err = e
        .create_principal(
            "it.admin",
            NewPrincipal::new("li.na", "Dup", Department::Sales),
        )
        .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert_eq!(
        e.audit_len().unwrap(),
        n,
        "validation failures change nothing"
    );
    assert!(e.principal("ok.handle").is_err());
    // Mixed scripts are fine in names.
    let p = e
        .create_principal(
            "it.admin",
            NewPrincipal::new("mix.ed", "Ли 李 Lee ☕", Department::Pr),
        )
        .unwrap();
    assert_eq!(p.display_name, "Ли 李 Lee ☕");
}

#[test]
fn acc2_batch_create_is_all_or_nothing() {
    let (e, _) = company();
    let n = e.principals().unwrap().len();
    let mut batch: Vec<_> = (0..50)
        .map(|i| {
            NewPrincipal::new(
                format!("staff.{i:03}"),
                format!("员工{i}"),
                Department::Sales,
            )
        })
        .collect();
    batch.push(NewPrincipal::new("staff.010", "dup", Department::Sales));
    let err = e.create_principals("it.admin", &batch).unwrap_err();
    assert_eq!(err.code(), "conflict");
    batch.pop();
    batch[30].display_name = "\u{0}".into();
    let err = e.create_principals("it.admin", &batch).unwrap_err();
    match &err {
        Error::Validation { field, .. } => assert_eq!(field, "principals[30].display_name"),
        other => panic!("{other:?}"),
    }
    assert_eq!(e.principals().unwrap().len(), n);
    batch[30].display_name = "ok".into();
    assert_eq!(e.create_principals("it.admin", &batch).unwrap().len(), 50);
    assert_eq!(e.principals().unwrap().len(), n + 50);
}

#[test]
fn acc3_deactivated_principal_can_do_nothing_and_leaves_flags() {
    let (e, clock) = company();
    e.register_media_account("it.admin", media("xhs-main", "li.na"))
        .unwrap();
    clock.advance(Duration::hours(1));
    let d = e.deactivate_principal("it.admin", "li.na").unwrap();
    assert!(!d.principal.active);
    assert_eq!(d.principal.deactivated_at, Some(t0() + Duration::hours(1)));
    assert_eq!(d.custodian_of, vec!["xhs-main".to_string()]);
    assert!(e.permissions_of("li.na").unwrap().is_empty());
    let err = e
        .record_media_interaction("li.na", "xhs-main", t0())
        .unwrap_err();
    assert_eq!(denied(err), DenialReason::Deactivated);
    assert_eq!(
        e.grant_role("it.admin", "li.na", "supervisor")
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        e.deactivate_principal("it.admin", "li.na")
            .unwrap_err()
            .code(),
        "conflict"
    );
    // Nobody deactivates themselves, and the last administrator stays.
    assert_eq!(
        e.deactivate_principal("it.admin", "it.admin")
            .unwrap_err()
            .code(),
        "conflict"
    );
    e.deactivate_principal("it.admin", "it.backup").unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("it.third", "IT 3", Department::It),
    )
    .unwrap();
    e.deactivate_principal("it.third", "it.admin").unwrap();
    let err = e
        .revoke_role("it.third", "it.third", "it_admin")
        .unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(e.can("it.third", Permission::PrincipalManage).unwrap());
}

#[test]
fn acc4_every_refusal_is_audited_and_changes_nothing_else() {
    let (e, _) = company();
    let n = e.audit_len().unwrap();
    let principals = e.principals().unwrap();
    let attempts: Vec<Box<dyn Fn() -> brandrail::Result<()>>> = vec![
        Box::new(|| {
            e.create_principal("li.na", NewPrincipal::new("a.b", "A", Department::Hr))
                .map(drop)
        }),
        Box::new(|| e.grant_role("sun.li", "sun.li", "it_admin").map(drop)),
        Box::new(|| e.deactivate_principal("chen.jie", "li.na").map(drop)),
        Box::new(|| {
            e.register_media_account("sun.li", media("m.x", "sun.li"))
                .map(drop)
        }),
        Box::new(|| e.replace_policy("li.na", Policy::default_pack()).map(drop)),
        Box::new(|| e.audit_query("li.na", &AuditQuery::default()).map(drop)),
        Box::new(|| {
            e.create_principal("ghost", NewPrincipal::new("a.b", "A", Department::Hr))
                .map(drop)
        }),
        Box::new(|| {
            e.create_principal(
                "'; DROP TABLE audit_log; --",
                NewPrincipal::new("a.b", "A", Department::Hr),
            )
            .map(drop)
        }),
    ];
    for attempt in &attempts {
        assert_eq!(attempt().unwrap_err().code(), "permission_denied");
    }
    assert_eq!(e.principals().unwrap(), principals);
    assert_eq!(e.audit_len().unwrap(), n + attempts.len() as i64);
    let denials = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                outcome: Some(Outcome::Denied),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(denials.len(), attempts.len());
    assert_eq!(
        denials[0].detail,
        "permission=principal.manage reason=missing_permission"
    );
    assert_eq!(denials[6].principal, "ghost");
    assert!(denials[6].detail.ends_with("reason=unknown_principal"));
    // A hostile actor string is stored only as a digest (AUD-2).
    assert!(
        denials[7].principal.starts_with("invalid:"),
        "{}",
        denials[7].principal
    );
    assert!(e.verify_audit().unwrap().ok);
}

#[test]
fn acc5_media_accounts_custody_secrets_and_zombies() {
    let (e, clock) = company();
    let mut with_secret = media("wechat-main", "chen.jie");
    with_secret.platform = Platform::WechatOfficialAccount;
    with_secret.credential = Some("s3cr3t-app-token".into());
    let a = e.register_media_account("chen.jie", with_secret).unwrap();
    assert!(a.has_credential);
    assert_eq!(a.registered_at, t0());
    assert_eq!(
        e.reveal_media_credential("it.admin", "wechat-main")
            .unwrap(),
        "s3cr3t-app-token"
    );
    assert_eq!(
        denied(
            e.reveal_media_credential("chen.jie", "wechat-main")
                .unwrap_err()
        ),
        DenialReason::MissingPermission
    );
    e.register_media_account("it.admin", media("xhs-main", "li.na"))
        .unwrap();
    assert_eq!(
        e.register_media_account("it.admin", media("xhs-main", "li.na"))
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(
        e.register_media_account("it.admin", media("xhs-2", "nobody"))
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        e.register_media_account("it.admin", media("Bad Id", "li.na"))
            .unwrap_err()
            .code(),
        "validation"
    );

    // Interactions keep the newest time; future times are refused.
    let first = t0() - Duration::days(200);
    e.record_media_interaction("li.na", "xhs-main", first)
        .unwrap();
    let older = e
        .record_media_interaction("li.na", "xhs-main", first - Duration::days(5))
        .unwrap();
    assert_eq!(older.last_interaction_at, Some(first));
    assert_eq!(
        e.record_media_interaction("li.na", "xhs-main", t0() + Duration::days(1))
            .unwrap_err()
            .code(),
        "validation"
    );
    assert_eq!(
        e.record_media_interactions("li.na", &[])
            .unwrap_err()
            .code(),
        "validation"
    );

    // 6 months by default (ACC-5): xhs-main idle since `first` (200 days) is a zombie;
    // wechat-main was registered at t0 and is not.
    let zombies = e.zombie_media_accounts(t0()).unwrap();
    assert_eq!(zombies.len(), 1);
    assert_eq!(zombies[0].account.id, "xhs-main");
    assert_eq!(zombies[0].idle_days, 200);
    let in_seven_months = t0() + Duration::days(7 * 31);
    let ids: Vec<_> = e
        .zombie_media_accounts(in_seven_months)
        .unwrap()
        .into_iter()
        .map(|z| z.account.id)
        .collect();
    assert_eq!(ids, ["xhs-main", "wechat-main"]);

    // Retiring destroys the credential and takes the account off the report.
    clock.advance(Duration::days(1));
    let retired = e.retire_media_account("it.admin", "wechat-main").unwrap();
    assert!(!retired.has_credential);
    assert_eq!(
        e.reveal_media_credential("it.admin", "wechat-main")
            .unwrap_err()
            .code(),
        "conflict"
    );
    assert_eq!(e.zombie_media_accounts(in_seven_months).unwrap().len(), 1);
    assert_eq!(
        e.record_media_interaction("li.na", "wechat-main", t0())
            .unwrap_err()
            .code(),
        "conflict"
    );
}

#[test]
fn acc5_secrets_need_a_key_and_never_sit_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("b.sqlite");
    let e = Engine::open(&path, EngineOptions::new().secret_key([9; 32])).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    let mut m = media("sms-sender", "it.admin");
    m.credential = Some("PLAINTEXT-SECRET-123".into());
    e.register_media_account("it.admin", m.clone()).unwrap();
    drop(e);
    for file in std::fs::read_dir(dir.path()).unwrap() {
        let bytes = std::fs::read(file.unwrap().path()).unwrap();
        assert!(!bytes.windows(20).any(|w| w == b"PLAINTEXT-SECRET-123"));
    }
    // Without the key: refused before anything is written; with a wrong key: no reveal.
    let no_key = Engine::open(&path, EngineOptions::new()).unwrap();
    m.id = "sms-2".into();
    assert_eq!(
        no_key
            .register_media_account("it.admin", m)
            .unwrap_err()
            .code(),
        "configuration"
    );
    let wrong = Engine::open(&path, EngineOptions::new().secret_key([1; 32])).unwrap();
    assert_eq!(
        wrong
            .reveal_media_credential("it.admin", "sms-sender")
            .unwrap_err()
            .code(),
        "configuration"
    );
}

#[test]
fn bootstrap_only_once_and_only_an_administrator() {
    let e = Engine::in_memory().unwrap();
    let err = e
        .bootstrap(NewPrincipal::new("li.na", "李娜", Department::Marketing))
        .unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(e.principals().unwrap().is_empty());
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    assert_eq!(
        e.bootstrap(NewPrincipal::new("it.two", "IT", Department::It))
            .unwrap_err()
            .code(),
        "conflict"
    );
}

#[test]
fn policy_replacement_is_versioned_audited_and_guarded() {
    let (e, _) = company();
    assert_eq!(e.policy_version().unwrap().version, 0);
    let next = e
        .policy()
        .unwrap()
        .overlay_toml("[access]\nzombie_after_months = 3\n")
        .unwrap();
    let v = e.replace_policy("zhao.min", &next).unwrap();
    assert_eq!(v.version, 1);
    assert_eq!(e.policy().unwrap().access.zombie_after_months, 3);
    assert_eq!(e.policy_history().unwrap().len(), 1);
    let rec = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                action: Some("policy.replace".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(rec.len(), 1);
    assert_eq!(rec[0].after_digest.as_deref(), Some(v.digest.as_str()));
    assert_eq!(
        rec[0].before_digest.as_deref(),
        Some(hex(Policy::default_pack().digest()).as_str())
    );

    // A role some principal holds cannot vanish.
    let mut without_marketing = (*e.policy().unwrap()).clone();
    without_marketing.access.roles.remove("marketing_staff");
    without_marketing
        .access
        .department_roles
        .remove(&Department::Marketing);
    let err = e
        .replace_policy("zhao.min", &without_marketing)
        .unwrap_err();
    assert_eq!(err.code(), "conflict", "{err}");
    // Taking account administration away from IT would lock everyone out.
    let mut lockout = (*e.policy().unwrap()).clone();
    lockout.access.account_admin_departments = vec![Department::Hr];
    assert_eq!(
        e.replace_policy("zhao.min", &lockout).unwrap_err().code(),
        "policy_violation"
    );
    // An invalid document built in code is refused too.
    let mut invalid = (*e.policy().unwrap()).clone();
    invalid.budget.split.fixed = 1.4;
    let err = e.replace_policy("zhao.min", &invalid).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("budget.split.fixed: 1.4 is not a share"),
        "{err}"
    );
    assert_eq!(e.policy_version().unwrap().version, 1);
}

fn hex(bytes: [u8; 32]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn aud4_query_filters_by_principal_entity_action_and_time() {
    let (e, clock) = company();
    clock.advance(Duration::days(1));
    let mid = clock.now();
    e.register_media_account("it.admin", media("xhs-main", "li.na"))
        .unwrap();
    e.record_media_interaction("li.na", "xhs-main", mid)
        .unwrap();
    let q = |q: AuditQuery| e.audit_query("sun.li", &q).unwrap();
    assert_eq!(
        q(AuditQuery {
            principal: Some("li.na".into()),
            ..Default::default()
        })
        .len(),
        1
    );
    assert_eq!(
        q(AuditQuery {
            entity_type: Some("media_account".into()),
            entity_id: Some("xhs-main".into()),
            ..Default::default()
        })
        .len(),
        2
    );
    assert_eq!(
        q(AuditQuery {
            action: Some("media_account.".into()),
            ..Default::default()
        })
        .len(),
        2
    );
    assert_eq!(
        q(AuditQuery {
            action: Some("media_account".into()),
            ..Default::default()
        })
        .len(),
        0
    );
    assert_eq!(
        q(AuditQuery {
            since: Some(mid),
            ..Default::default()
        })
        .len(),
        2
    );
    assert_eq!(
        q(AuditQuery {
            until: Some(mid),
            ..Default::default()
        })
        .len(),
        6
    );
    let page = q(AuditQuery {
        limit: Some(3),
        ..Default::default()
    });
    assert_eq!(page.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3]);
    let next = q(AuditQuery {
        limit: Some(3),
        after_seq: Some(3),
        ..Default::default()
    });
    assert_eq!(next[0].seq, 4);
    assert_eq!(
        q(AuditQuery {
            principal: Some("'; --".into()),
            ..Default::default()
        })
        .len(),
        0
    );
    assert_eq!(
        e.audit_query(
            "sun.li",
            &AuditQuery {
                limit: Some(0),
                ..Default::default()
            }
        )
        .unwrap_err()
        .code(),
        "validation"
    );
    assert_eq!(
        e.audit_query(
            "sun.li",
            &AuditQuery {
                since: Some(mid),
                until: Some(t0()),
                ..Default::default()
            }
        )
        .unwrap_err()
        .code(),
        "validation"
    );
}
