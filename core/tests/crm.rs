//! CRM-1, CRM-2, CRM-5, CRM-6 through the public API: batches from every
//! department cleaned and deduplicated on exact identities, bad rows reported
//! while good rows land, refused fields, no plaintext personal data in the
//! database file, masked reads without clearance.

use std::collections::BTreeMap;

use brandrail::crm::{CustomerRecord, Identity, IdentityKind};
use brandrail::{AuditQuery, Department, Engine, EngineOptions, NewPrincipal};

const KEY: [u8; 32] = *b"crm-test-key-crm-test-key-32byte";

fn staff(e: &Engine) {
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    for (h, d) in [
        ("li.na", Department::Marketing),
        ("qian.yu", Department::Sales),
        ("hr.one", Department::Hr),
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
    e.grant_role("it.admin", "zhao.min", "supervisor").unwrap();
}

fn company() -> Engine {
    let e = Engine::in_memory_with(EngineOptions::new().secret_key(KEY)).unwrap();
    staff(&e);
    e
}

fn rec(ids: &[(IdentityKind, &str)]) -> CustomerRecord {
    CustomerRecord {
        identities: ids.iter().map(|(k, v)| Identity::new(*k, *v)).collect(),
        ..CustomerRecord::default()
    }
}

fn with_profile(mut r: CustomerRecord, fields: &[(&str, &str)]) -> CustomerRecord {
    r.profile = fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect::<BTreeMap<_, _>>();
    r
}

use IdentityKind::*;

#[test]
fn crm1_crm2_formats_are_cleaned_and_exact_identities_dedupe() {
    let e = company();
    let report = e
        .ingest_customers(
            "li.na",
            &[
                CustomerRecord {
                    name: Some("李娜".into()),
                    ..with_profile(rec(&[(Phone, "138 0013 8000")]), &[("region", "上海")])
                },
                rec(&[(Phone, "+86 138-0013-8000"), (Email, " Li.Na@Example.com ")]),
                rec(&[(Email, "li.na@example.com")]),
                rec(&[(Phone, "１３９００１３９０００")]),
            ],
        )
        .unwrap();
    assert_eq!(
        (report.rows, report.created, report.updated, report.merged),
        (4, 2, 2, 0)
    );
    assert!(report.errors.is_empty());
    let first = report.customer_ids[0].unwrap();
    assert_eq!(report.customer_ids[1..3], [Some(first), Some(first)]);
    assert_eq!(e.customer_count().unwrap(), 2);

    // Sales brings a record joining a member card to the second customer's
    // phone and to the first customer's e-mail: the two are merged.
    let other = report.customer_ids[3].unwrap();
    let r = e
        .ingest_customers(
            "qian.yu",
            &[rec(&[
                (MemberId, "vip-001"),
                (Phone, "13900139000"),
                (Email, "LI.NA@example.com"),
            ])],
        )
        .unwrap();
    assert_eq!((r.created, r.updated, r.merged), (0, 1, 1));
    assert_eq!(r.customer_ids, vec![Some(first)]);
    assert_eq!(e.customer_count().unwrap(), 1);
    let c = e.customer("data.ops", other).unwrap();
    assert_eq!(c.id, first, "a merged id reads as its survivor");
    assert_eq!(c.merged_ids, vec![other]);
    let kinds: Vec<(IdentityKind, &str)> = c
        .identities
        .iter()
        .map(|i| (i.kind, i.value.as_str()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (Email, "li.na@example.com"),
            (MemberId, "VIP001"),
            (Phone, "13800138000"),
            (Phone, "13900139000"),
        ]
    );
    assert_eq!(c.name.as_deref(), Some("李娜"));
    assert_eq!(c.profile["region"], "上海");
    for (kind, value) in [
        (Phone, "+8613900139000"),
        (Email, "li.na@EXAMPLE.com"),
        (MemberId, "VIP 001"),
    ] {
        assert_eq!(
            e.find_customer("li.na", kind, value).unwrap(),
            Some(first),
            "{value}"
        );
    }
    assert_eq!(
        e.find_customer("li.na", Phone, "13700137000").unwrap(),
        None
    );
    // The merge is in the audit log, without personal values.
    let merges = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                action: Some("crm.merge".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(merges.len(), 1);
    assert!(!merges[0].detail.contains("139"), "{}", merges[0].detail);
    assert!(e.verify_audit().unwrap().ok);
}

#[test]
fn crm1_crm5_bad_rows_are_reported_and_change_nothing_good_rows_land() {
    let e = company();
    let rows = vec![
        rec(&[(Phone, "13800138000")]),
        rec(&[(Phone, "12345")]),
        with_profile(
            rec(&[(Email, "a@b.cn")]),
            &[("national_id", "11010519491231002X")],
        ),
        with_profile(rec(&[(Email, "c@d.cn")]), &[("favourite_colour", "red")]),
        rec(&[]),
        CustomerRecord {
            name: Some("x\u{202E}y".into()),
            ..rec(&[(Email, "e@f.cn")])
        },
        rec(&[(MemberId, "1'; DROP TABLE customer;--")]),
        with_profile(rec(&[(Email, "g@h.cn")]), &[("region", &"长".repeat(501))]),
        rec(&[(WechatOpenid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")]),
    ];
    let r = e.ingest_customers("li.na", &rows).unwrap();
    assert_eq!(r.created, 2);
    let got: Vec<(usize, &str, &str)> = r
        .errors
        .iter()
        .map(|x| (x.row, x.field.as_str(), x.code.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (1, "identities[0].phone", "validation"),
            (2, "profile.national_id", "policy_violation"),
            (3, "profile.favourite_colour", "validation"),
            (4, "identities", "validation"),
            (5, "name", "validation"),
            (6, "identities[0].member_id", "validation"),
            (7, "profile.region", "validation"),
        ]
    );
    for x in &r.errors {
        assert!(
            !x.message.contains("1101051949") && !x.message.contains("DROP"),
            "{x:?}"
        );
    }
    assert!(r.errors[1].message.contains("CRM-5"));
    assert_eq!(r.customer_ids.iter().filter(|c| c.is_some()).count(), 2);
    assert_eq!(e.customer_count().unwrap(), 2);
    assert_eq!(
        e.find_customer("li.na", Email, "a@b.cn").unwrap(),
        None,
        "a refused row left nothing"
    );
}

#[test]
fn crm6_no_plaintext_personal_data_in_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.sqlite");
    {
        let e = Engine::open(&path, EngineOptions::new().secret_key(KEY)).unwrap();
        staff(&e);
        let r = e
            .ingest_customers(
                "li.na",
                &[CustomerRecord {
                    name: Some("欧阳娜娜".into()),
                    ..rec(&[
                        (Phone, "13812345678"),
                        (Email, "ouyang.nana@example.com"),
                        (WechatUnionid, "o6_bmasdasdsad6_2sgVt7hMZOPfL"),
                        (PosCard, "6222020200112233"),
                    ])
                }],
            )
            .unwrap();
        assert_eq!(r.created, 1);
    }
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(bytes.len() > 4096);
    for needle in [
        "13812345678",
        "138 1234 5678",
        "ouyang.nana@example.com",
        "ouyang.nana",
        "o6_bmasdasdsad6_2sgVt7hMZOPfL",
        "6222020200112233",
        "欧阳娜娜",
    ] {
        let n = needle.as_bytes();
        assert!(
            !bytes.windows(n.len()).any(|w| w == n),
            "{needle} found in the file"
        );
    }
    // Reopened with the key, the values come back; with another key they do not.
    let e = Engine::open(&path, EngineOptions::new().secret_key(KEY)).unwrap();
    let id = e
        .find_customer("data.ops", Phone, "13812345678")
        .unwrap()
        .unwrap();
    assert_eq!(
        e.customer("data.ops", id).unwrap().name.as_deref(),
        Some("欧阳娜娜")
    );
    drop(e);
    let wrong = Engine::open(&path, EngineOptions::new().secret_key([9u8; 32])).unwrap();
    assert_eq!(
        wrong
            .find_customer("data.ops", Phone, "13812345678")
            .unwrap(),
        None
    );
    assert_eq!(
        wrong.customer("data.ops", id).unwrap_err().code(),
        "configuration"
    );
}

#[test]
fn crm6_reads_are_masked_without_clearance_and_unmasked_reads_audited() {
    let e = company();
    let r = e
        .ingest_customers(
            "li.na",
            &[CustomerRecord {
                name: Some("李娜".into()),
                ..with_profile(
                    rec(&[(Phone, "13800138000"), (Email, "li.na@example.com")]),
                    &[("region", "上海"), ("age_band", "25-34")],
                )
            }],
        )
        .unwrap();
    let id = r.customer_ids[0].unwrap();
    let masked = e.customer("li.na", id).unwrap();
    assert!(masked.masked);
    let values: Vec<&str> = masked.identities.iter().map(|i| i.value.as_str()).collect();
    assert_eq!(values, vec!["l***@example.com", "138****8000"]);
    assert_eq!(masked.name.as_deref(), Some("李**"));
    assert!(masked.profile.values().all(|v| v == "***"));
    let n = e.audit_len().unwrap();
    let clear = e.customer("data.ops", id).unwrap();
    assert!(!clear.masked);
    assert_eq!(clear.identities[1].value, "13800138000");
    assert_eq!(e.audit_len().unwrap(), n + 1, "an unmasked read is audited");
    e.customer("li.na", id).unwrap();
    assert_eq!(e.audit_len().unwrap(), n + 1, "a masked read is not");
}

#[test]
fn crm_permissions_keys_and_unknown_ids() {
    let e = company();
    let n = e.audit_len().unwrap();
    assert_eq!(
        e.ingest_customers("hr.one", &[rec(&[(Phone, "13800138000")])])
            .unwrap_err()
            .code(),
        "permission_denied"
    );
    assert_eq!(
        e.ingest_customers("ghost", &[]).unwrap_err().code(),
        "permission_denied"
    );
    assert_eq!(e.audit_len().unwrap(), n + 2, "refusals are audited");
    assert_eq!(e.customer_count().unwrap(), 0);
    assert_eq!(e.customer("li.na", 42).unwrap_err().code(), "not_found");
    assert_eq!(
        e.customer("hr.one", 42).unwrap_err().code(),
        "permission_denied"
    );
    assert_eq!(
        e.find_customer("li.na", Phone, "not a phone")
            .unwrap_err()
            .code(),
        "validation"
    );
    let empty = e.ingest_customers("li.na", &[]).unwrap();
    assert_eq!((empty.rows, empty.created), (0, 0));

    let keyless = Engine::in_memory().unwrap();
    staff(&keyless);
    assert_eq!(
        keyless
            .ingest_customers("li.na", &[rec(&[(Phone, "13800138000")])])
            .unwrap_err()
            .code(),
        "configuration"
    );
}

use brandrail::crm::ConsentChange;

fn consent(channel: &str, purpose: &str, granted: bool) -> ConsentChange {
    ConsentChange {
        channel: channel.into(),
        purpose: purpose.into(),
        granted,
        evidence: "会员注册页勾选 v3".into(),
    }
}

#[test]
fn crm8_no_send_without_consent_in_force() {
    let e = company();
    let id = e
        .ingest_customers("li.na", &[rec(&[(Phone, "13800138000")])])
        .unwrap()
        .customer_ids[0]
        .unwrap();
    let n = e.audit_len().unwrap();
    let err = e.record_send("li.na", id, "sms", "marketing").unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(err.to_string().contains("CRM-8"), "{err}");
    assert_eq!(e.audit_len().unwrap(), n, "a refused send records nothing");

    let in_force = e
        .record_consent("data.ops", id, &consent("sms", "marketing", true))
        .unwrap();
    assert_eq!(in_force.len(), 1);
    e.record_send("li.na", id, "sms", "marketing").unwrap();
    // Consent is per channel and per purpose.
    assert_eq!(
        e.record_send("li.na", id, "email", "marketing")
            .unwrap_err()
            .code(),
        "policy_violation"
    );
    assert_eq!(
        e.record_send("li.na", id, "sms", "survey")
            .unwrap_err()
            .code(),
        "policy_violation"
    );
    // Withdrawn: no more sends; the history is kept, the latest decision rules.
    e.record_consent("data.ops", id, &consent("sms", "marketing", false))
        .unwrap();
    assert_eq!(
        e.record_send("li.na", id, "sms", "marketing")
            .unwrap_err()
            .code(),
        "policy_violation"
    );
    let now = e.consents("li.na", id).unwrap();
    assert_eq!((now.len(), now[0].granted), (1, false));

    // Bad input and permissions.
    for bad in [
        consent("", "marketing", true),
        consent("SMS!", "marketing", true),
        consent("sms", "x'; DROP TABLE customer;--", true),
        ConsentChange {
            evidence: String::new(),
            ..consent("sms", "marketing", true)
        },
        ConsentChange {
            evidence: "a\u{0}b".into(),
            ..consent("sms", "marketing", true)
        },
    ] {
        assert_eq!(
            e.record_consent("data.ops", id, &bad).unwrap_err().code(),
            "validation",
            "{bad:?}"
        );
    }
    assert_eq!(
        e.record_consent("li.na", id, &consent("sms", "marketing", true))
            .unwrap_err()
            .code(),
        "permission_denied"
    );
    assert_eq!(
        e.record_consent("data.ops", 999, &consent("sms", "marketing", true))
            .unwrap_err()
            .code(),
        "not_found"
    );
    assert_eq!(
        e.record_send("qian.yu", id, "sms", "marketing")
            .unwrap_err()
            .code(),
        "permission_denied"
    );
}

#[test]
fn crm7_export_holds_everything_and_erasure_removes_it_with_the_chain_valid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.sqlite");
    let e = Engine::open(&path, EngineOptions::new().secret_key(KEY)).unwrap();
    staff(&e);
    let a = e
        .ingest_customers(
            "li.na",
            &[CustomerRecord {
                name: Some("欧阳娜娜".into()),
                ..with_profile(rec(&[(Phone, "13812345678")]), &[("region", "杭州")])
            }],
        )
        .unwrap()
        .customer_ids[0]
        .unwrap();
    let b = e
        .ingest_customers("qian.yu", &[rec(&[(Email, "ouyang.nana@example.com")])])
        .unwrap()
        .customer_ids[0]
        .unwrap();
    // A third record joins the two: b is merged into a.
    e.ingest_customers(
        "qian.yu",
        &[rec(&[
            (Phone, "13812345678"),
            (Email, "ouyang.nana@example.com"),
            (PosCard, "6222 0202 0011 2233"),
        ])],
    )
    .unwrap();
    e.record_consent("data.ops", a, &consent("sms", "marketing", true))
        .unwrap();
    e.record_send("li.na", a, "sms", "marketing").unwrap();

    let doc: serde_json::Value =
        serde_json::from_str(&e.export_customer("data.ops", b).unwrap()).unwrap();
    assert_eq!(
        doc["customer_id"], a,
        "an export of a merged id is the survivor's"
    );
    assert_eq!(doc["merged_ids"], serde_json::json!([b]));
    assert_eq!(doc["name"], "欧阳娜娜");
    assert_eq!(doc["profile"]["region"], "杭州");
    assert_eq!(doc["identities"].as_array().unwrap().len(), 3);
    let sources = doc["sources"].as_array().unwrap();
    assert_eq!(
        sources.len(),
        3,
        "the survivor's two source records and the merged one's"
    );
    assert_eq!(sources[2]["customer_id"], b);
    assert_eq!(
        sources[2]["record"]["identities"][0][1],
        "ouyang.nana@example.com"
    );
    assert_eq!(doc["consents_in_force"][0]["granted"], true);
    assert_eq!(doc["sends"].as_array().unwrap().len(), 1);
    assert_eq!(
        e.export_customer("li.na", a).unwrap_err().code(),
        "permission_denied"
    );

    let er = e
        .erase_customer("data.ops", a, "用户申请注销 #2026-118")
        .unwrap();
    assert_eq!(er.customer_ids, vec![a, b]);
    assert!(er.rows_removed >= 7, "{er:?}");
    assert_eq!(e.customer("data.ops", a).unwrap_err().code(), "not_found");
    assert_eq!(e.customer("data.ops", b).unwrap_err().code(), "not_found");
    assert_eq!(
        e.find_customer("data.ops", Phone, "13812345678").unwrap(),
        None
    );
    assert_eq!(
        e.export_customer("data.ops", a).unwrap_err().code(),
        "not_found"
    );
    assert_eq!(
        e.erase_customer("data.ops", a, "again").unwrap_err().code(),
        "not_found"
    );
    assert_eq!(e.customer_count().unwrap(), 0);
    assert!(e.verify_audit().unwrap().ok, "the chain still verifies");
    // The same person may come back as a new customer.
    let again = e
        .ingest_customers("li.na", &[rec(&[(Phone, "13812345678")])])
        .unwrap();
    assert_eq!(again.created, 1);
    assert_ne!(again.customer_ids[0], Some(a));
    assert_eq!(
        e.erase_customer("li.na", 1, "x").unwrap_err().code(),
        "permission_denied"
    );
    assert_eq!(
        e.erase_customer("data.ops", again.customer_ids[0].unwrap(), "")
            .unwrap_err()
            .code(),
        "validation"
    );
    // Nothing of the erased values is left in the files, even while the
    // engine is open (the log was emptied after the erasure) …
    let mut open_bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        open_bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    for needle in ["欧阳娜娜", "ouyang.nana", "杭州", "6222020200112233"] {
        let n = needle.as_bytes();
        assert!(
            !open_bytes.windows(n.len()).any(|w| w == n),
            "{needle} found while open"
        );
    }
    drop(e);
    // … nor after it closes (the new phone's copy is sealed, so not in plain
    // text either).
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    for needle in ["欧阳娜娜", "ouyang.nana", "杭州", "6222020200112233"] {
        let n = needle.as_bytes();
        assert!(!bytes.windows(n.len()).any(|w| w == n), "{needle} found");
    }
}

#[test]
fn crm2_a_merge_can_be_undone() {
    let e = company();
    let r = e
        .ingest_customers(
            "li.na",
            &[
                rec(&[(Phone, "13800138000")]),
                rec(&[(Email, "li.na@example.com")]),
            ],
        )
        .unwrap();
    let (a, b) = (r.customer_ids[0].unwrap(), r.customer_ids[1].unwrap());
    // A record joining both merges b into a, and brings a card.
    e.ingest_customers(
        "qian.yu",
        &[rec(&[
            (Phone, "13800138000"),
            (Email, "li.na@example.com"),
            (PosCard, "6222 0202"),
        ])],
    )
    .unwrap();
    assert_eq!(e.customer_count().unwrap(), 1);
    assert_eq!(
        e.undo_merge("li.na", b).unwrap_err().code(),
        "permission_denied"
    );
    let u = e.undo_merge("data.ops", b).unwrap();
    assert_eq!(
        (u.customer_id, u.survivor_id, u.identities_restored),
        (b, a, 1)
    );
    assert_eq!(e.customer_count().unwrap(), 2);
    assert_eq!(
        e.find_customer("li.na", Email, "li.na@example.com")
            .unwrap(),
        Some(b)
    );
    assert_eq!(
        e.find_customer("li.na", Phone, "13800138000").unwrap(),
        Some(a)
    );
    assert_eq!(
        e.find_customer("li.na", PosCard, "62220202").unwrap(),
        Some(a),
        "what the survivor gained stays with it"
    );
    assert!(e.customer("data.ops", a).unwrap().merged_ids.is_empty());
    // Not merged (any more), unknown, erased.
    assert_eq!(e.undo_merge("data.ops", b).unwrap_err().code(), "conflict");
    assert_eq!(e.undo_merge("data.ops", a).unwrap_err().code(), "conflict");
    assert_eq!(
        e.undo_merge("data.ops", 404).unwrap_err().code(),
        "not_found"
    );
    e.erase_customer("data.ops", b, "申请注销").unwrap();
    assert_eq!(e.undo_merge("data.ops", b).unwrap_err().code(), "not_found");
    let undo = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                action: Some("crm.unmerge".into()),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(
        undo.iter()
            .filter(|r| r.outcome == brandrail::Outcome::Applied)
            .count(),
        1
    );
    assert!(e.verify_audit().unwrap().ok);
}

use brandrail::crm::{InteractionKind, NewInteraction};
use chrono::{Duration, Utc};

fn event(
    customer_id: i64,
    kind: InteractionKind,
    page: Option<&str>,
    amount: Option<&str>,
    minutes: i64,
) -> NewInteraction {
    NewInteraction {
        customer_id,
        kind,
        at: Utc::now() - Duration::days(1) + Duration::minutes(minutes),
        page: page.map(Into::into),
        amount: amount.map(Into::into),
        channel: Some("wechat_mini_program".into()),
    }
}

#[test]
fn crm3_interactions_purchases_and_funnels() {
    use InteractionKind::*;
    let e = company();
    let ids: Vec<i64> = e
        .ingest_customers(
            "li.na",
            &[
                rec(&[(Phone, "13800138001")]),
                rec(&[(Phone, "13800138002")]),
                rec(&[(Phone, "13800138003")]),
            ],
        )
        .unwrap()
        .customer_ids
        .into_iter()
        .map(Option::unwrap)
        .collect();
    let (a, b, c) = (ids[0], ids[1], ids[2]);
    let rows = vec![
        // a: the whole path, then two purchases.
        event(a, PathStep, Some("home"), None, 0),
        event(a, PathStep, Some("product"), None, 1),
        event(a, PathStep, Some("reviews"), None, 2),
        event(a, Purchase, None, Some("299.00"), 3),
        event(a, Purchase, None, Some("101"), 60),
        // b: home and reviews, never the product page in between.
        event(b, PathStep, Some("home"), None, 0),
        event(b, PathStep, Some("reviews"), None, 1),
        // c: product before home: only home counts.
        event(c, PathStep, Some("product"), None, 0),
        event(c, PathStep, Some("home"), None, 1),
        event(c, View, Some("article/秋冬"), None, 2),
        // bad rows
        event(404, View, Some("home"), None, 0),
        event(a, Purchase, None, None, 0),
        event(a, Purchase, None, Some("-5"), 0),
        event(a, Purchase, None, Some("1e3"), 0),
        event(a, View, None, None, 0),
        event(a, Click, Some("home"), Some("3"), 0),
        NewInteraction {
            channel: Some("We Chat!".into()),
            ..event(a, View, Some("home"), None, 0)
        },
        NewInteraction {
            at: Utc::now() + Duration::days(3),
            ..event(a, View, Some("home"), None, 0)
        },
        event(a, View, Some("x\u{202E}y"), None, 0),
    ];
    let r = e.record_interactions("li.na", &rows).unwrap();
    assert_eq!((r.rows, r.recorded), (19, 10));
    let got: Vec<(usize, &str)> = r.errors.iter().map(|x| (x.row, x.field.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (10, "customer_id"),
            (11, "amount"),
            (12, "amount"),
            (13, "amount"),
            (14, "page"),
            (15, "amount"),
            (16, "channel"),
            (17, "at"),
            (18, "page")
        ]
    );
    let steps: Vec<String> = ["home", "product", "reviews"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    let f = e
        .funnel("li.na", &steps, Utc::now() - Duration::days(2), Utc::now())
        .unwrap();
    let counts: Vec<(&str, u64)> = f
        .steps
        .iter()
        .map(|s| (s.page.as_str(), s.customers))
        .collect();
    assert_eq!(counts, vec![("home", 3), ("product", 1), ("reviews", 1)]);
    assert_eq!(e.customer_funnel("li.na", a, &steps).unwrap(), 3);
    assert_eq!(e.customer_funnel("li.na", b, &steps).unwrap(), 1);
    assert_eq!(e.customer_funnel("li.na", c, &steps).unwrap(), 1);

    // Purchases: frequency and average order value, for clearance only.
    let p = e.purchase_summary("data.ops", a).unwrap();
    assert_eq!(p.count, 2);
    assert_eq!(p.total.to_string(), "400.00");
    assert_eq!(p.average_order_value.to_string(), "200.00");
    assert_eq!(
        e.purchase_summary("li.na", a).unwrap_err().code(),
        "permission_denied"
    );
    // History: masked pages and no amounts without clearance.
    let masked = e.customer_interactions("li.na", a).unwrap();
    assert_eq!(masked.len(), 5);
    assert!(masked.iter().all(|i| i.amount.is_none()));
    assert!(
        masked
            .iter()
            .filter_map(|i| i.page.as_deref())
            .all(|p| p == "***")
    );
    let clear = e.customer_interactions("data.ops", a).unwrap();
    assert_eq!(clear[0].page.as_deref(), Some("home"));
    assert_eq!(clear[3].amount.unwrap().to_string(), "299.00");

    // A merge carries the merged customer's history; erasure removes it.
    e.ingest_customers(
        "qian.yu",
        &[rec(&[(Phone, "13800138001"), (Phone, "13800138003")])],
    )
    .unwrap();
    assert_eq!(e.customer_interactions("data.ops", a).unwrap().len(), 8);
    let doc: serde_json::Value =
        serde_json::from_str(&e.export_customer("data.ops", a).unwrap()).unwrap();
    assert_eq!(doc["interactions"].as_array().unwrap().len(), 8);
    e.erase_customer("data.ops", a, "申请注销").unwrap();
    assert_eq!(
        e.customer_interactions("data.ops", a).unwrap_err().code(),
        "not_found"
    );
    let f = e
        .funnel("li.na", &steps, Utc::now() - Duration::days(2), Utc::now())
        .unwrap();
    assert_eq!(f.steps[0].customers, 1, "only b is left");

    // Bad funnels and permissions.
    assert_eq!(
        e.funnel("li.na", &[], Utc::now() - Duration::days(1), Utc::now())
            .unwrap_err()
            .code(),
        "validation"
    );
    assert_eq!(
        e.funnel("li.na", &steps, Utc::now(), Utc::now() - Duration::days(1))
            .unwrap_err()
            .code(),
        "validation"
    );
    assert_eq!(
        e.funnel("hr.one", &steps, Utc::now() - Duration::days(1), Utc::now())
            .unwrap_err()
            .code(),
        "permission_denied"
    );
    assert_eq!(
        e.record_interactions("hr.one", &[]).unwrap_err().code(),
        "permission_denied"
    );
    assert!(e.verify_audit().unwrap().ok);
}

#[test]
fn crm5_a_declared_purpose_lets_a_refused_field_in_sealed_and_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crm.sqlite");
    let e = Engine::open(&path, EngineOptions::new().secret_key(KEY)).unwrap();
    staff(&e);
    let id_number = "11010519491231002X";
    let with_id = |purpose: Option<&str>| CustomerRecord {
        purpose: purpose.map(Into::into),
        ..with_profile(
            rec(&[(Phone, "13800138009")]),
            &[("national_id", id_number)],
        )
    };
    let r = e
        .ingest_customers(
            "li.na",
            &[
                with_id(None),
                with_id(Some("no_such_purpose")),
                with_id(Some("'; DROP TABLE customer; --")),
                with_id(Some("cross_border_real_name")),
            ],
        )
        .unwrap();
    let got: Vec<(usize, &str, &str)> = r
        .errors
        .iter()
        .map(|x| (x.row, x.field.as_str(), x.code.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (0, "profile.national_id", "policy_violation"),
            (1, "purpose", "validation"),
            (2, "purpose", "validation"),
        ]
    );
    assert_eq!((r.created, r.purposes_declared), (1, 1));
    assert!(!r.errors[2].message.contains("DROP TABLE"));
    let id = r.customer_ids[3].unwrap();
    // Sealed like every core field: masked without clearance, clear with it.
    assert_eq!(
        e.customer("li.na", id).unwrap().profile["national_id"],
        "***"
    );
    assert_eq!(
        e.customer("data.ops", id).unwrap().profile["national_id"],
        id_number
    );
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).unwrap() {
        bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    assert!(
        !bytes
            .windows(id_number.len())
            .any(|w| w == id_number.as_bytes())
    );
    // The purpose travels with the customer: in the export, gone on erasure.
    let doc: serde_json::Value =
        serde_json::from_str(&e.export_customer("data.ops", id).unwrap()).unwrap();
    assert_eq!(doc["purposes"][0]["purpose"], "cross_border_real_name");
    assert_eq!(doc["purposes"][0]["fields"][0], "national_id");
    let audit = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                action: Some("crm.ingest".into()),
                ..AuditQuery::default()
            },
        )
        .unwrap();
    assert!(audit.last().unwrap().detail.contains("purposes=1"));
    let erased = e.erase_customer("data.ops", id, "request").unwrap();
    assert!(erased.rows_removed >= 3);
    // A policy whose purpose allows a field that is not refused is refused.
    let mut p = brandrail::Policy::default_pack().clone();
    p.crm
        .declared_purposes
        .get_mut("cross_border_real_name")
        .unwrap()
        .allows
        .push("region".into());
    assert_eq!(
        e.replace_policy("zhao.min", &p).unwrap_err().code(),
        "validation"
    );
}
