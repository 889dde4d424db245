//! CON-1 and CON-2 through the public API: versioned content items moving
//! through the lifecycle, reviewed on the approvals engine, never scheduled or
//! published unapproved, never sent to review with a blocking finding.

use brandrail::content::{ContentKind, ContentState, NewContent};
use brandrail::{Department, Engine, EngineOptions, NewPrincipal};
use chrono::{Duration, TimeZone, Utc};

fn company() -> Engine {
    let start = Utc.with_ymd_and_hms(2026, 11, 1, 2, 0, 0).unwrap();
    let e = Engine::in_memory_with(EngineOptions::new().manual_clock(start)).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    for (h, d) in [
        ("li.na", Department::Marketing),
        ("chen.jie", Department::Brand),
        ("sun.li", Department::Legal),
    ] {
        e.create_principal("it.admin", NewPrincipal::new(h, h, d))
            .unwrap();
    }
    e
}

fn ad() -> NewContent {
    NewContent {
        is_ad: true,
        ..NewContent::new(ContentKind::AdCreative, "双十一 广告", "douyin")
    }
}

fn code<T: std::fmt::Debug>(r: brandrail::Result<T>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn con1_con2_an_ad_is_flagged_fixed_reviewed_approved_scheduled_and_published() {
    let e = company();
    let item = e.plan_content("li.na", ad()).unwrap();
    assert_eq!((item.state, item.version), (ContentState::Planned, 0));
    assert_eq!(
        code(e.submit_content("li.na", item.id)),
        "conflict",
        "nothing written yet"
    );

    e.edit_content(
        "li.na",
        item.id,
        "双十一 广告",
        "全网最佳的羊绒围巾，国家级工艺！",
    )
    .unwrap();
    let n = e.audit_len().unwrap();
    let err = e.submit_content("li.na", item.id).unwrap_err();
    assert_eq!(err.code(), "policy_violation");
    assert!(err.to_string().contains("CON-3"), "{err}");
    assert_eq!(
        e.content_item(item.id).unwrap().state,
        ContentState::InProduction
    );
    assert_eq!(
        e.audit_len().unwrap(),
        n,
        "a refused submission changes nothing"
    );

    let fixed = e
        .edit_content(
            "li.na",
            item.id,
            "双十一 广告",
            "【广告】优质羊绒围巾，工艺考究。",
        )
        .unwrap();
    assert_eq!(fixed.version, 2);
    let submitted = e.submit_content("li.na", item.id).unwrap();
    assert_eq!(submitted.state, ContentState::InReview);
    let review = submitted.approval_id.unwrap();
    assert_eq!(code(e.edit_content("li.na", item.id, "x", "y")), "conflict");
    assert_eq!(
        code(e.publish_content("chen.jie", item.id)),
        "policy_violation"
    );

    e.approve("chen.jie", review, "符合品牌规范", &[]).unwrap();
    assert_eq!(
        e.content_item(item.id).unwrap().state,
        ContentState::InReview,
        "ads also need legal"
    );
    e.approve("sun.li", review, "无违规用语", &[]).unwrap();
    assert_eq!(
        e.content_item(item.id).unwrap().state,
        ContentState::Approved
    );

    let at = e.now() + Duration::hours(6);
    assert_eq!(
        code(e.schedule_content("li.na", item.id, e.now() - Duration::hours(1))),
        "validation"
    );
    let scheduled = e.schedule_content("li.na", item.id, at).unwrap();
    assert_eq!(
        (scheduled.state, scheduled.scheduled_at),
        (ContentState::Scheduled, Some(at))
    );
    assert_eq!(
        code(e.publish_content("li.na", item.id)),
        "permission_denied",
        "marketing does not publish"
    );
    let published = e.publish_content("chen.jie", item.id).unwrap();
    assert_eq!(published.state, ContentState::Published);
    assert_eq!(code(e.edit_content("li.na", item.id, "x", "y")), "conflict");
    assert_eq!(
        e.close_content("li.na", item.id).unwrap().state,
        ContentState::Retrospective
    );

    let versions = e.content_versions(item.id).unwrap();
    assert_eq!(
        versions.iter().map(|v| v.version).collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(versions[0].body.contains("最佳"), "every version is kept");
    assert!(e.verify_audit().unwrap().ok);
}

#[test]
fn con2_rejection_returns_to_production_and_an_edit_voids_an_approval() {
    let e = company();
    let mut plain = ad();
    plain.is_ad = false;
    let item = e.plan_content("li.na", plain).unwrap();
    e.edit_content(
        "li.na",
        item.id,
        "探店笔记",
        "周末去了新开的门店，环境不错。",
    )
    .unwrap();
    let review = e
        .submit_content("li.na", item.id)
        .unwrap()
        .approval_id
        .unwrap();
    e.reject("chen.jie", review, "配图不符合 VI").unwrap();
    assert_eq!(
        e.content_item(item.id).unwrap().state,
        ContentState::InProduction
    );
    e.edit_content(
        "li.na",
        item.id,
        "探店笔记",
        "周末去了新开的门店，环境不错，配图已更新。",
    )
    .unwrap();
    let review = e
        .submit_content("li.na", item.id)
        .unwrap()
        .approval_id
        .unwrap();
    e.approve("chen.jie", review, "", &[]).unwrap();
    assert_eq!(
        e.content_item(item.id).unwrap().state,
        ContentState::Approved
    );
    // Editing approved content sends it back to production: the approval covered v2.
    let edited = e
        .edit_content("li.na", item.id, "探店笔记", "改了一个字。")
        .unwrap();
    assert_eq!(
        (edited.state, edited.version, edited.approval_id),
        (ContentState::InProduction, 3, None)
    );
    assert_eq!(
        code(e.schedule_content("li.na", item.id, e.now() + Duration::hours(1))),
        "policy_violation"
    );
}

#[test]
fn bad_content_input_is_refused() {
    let e = company();
    let mut bad = ad();
    bad.title = "".into();
    assert_eq!(code(e.plan_content("li.na", bad)), "validation");
    let mut bad = ad();
    bad.channel = "Dou Yin".into();
    assert_eq!(code(e.plan_content("li.na", bad)), "validation");
    assert_eq!(code(e.plan_content("sun.li.x", ad())), "permission_denied");
    let item = e.plan_content("li.na", ad()).unwrap();
    assert_eq!(
        code(e.edit_content("li.na", item.id, "t", "")),
        "validation"
    );
    assert_eq!(
        code(e.edit_content("li.na", item.id, "t", "a\u{0}b")),
        "validation"
    );
    assert_eq!(
        code(e.edit_content("li.na", item.id, "t", &"长".repeat(400_000))),
        "validation"
    );
    assert_eq!(code(e.edit_content("li.na", 999, "t", "b")), "not_found");
    assert_eq!(code(e.content_versions(999)), "not_found");
    // SQL in a body is just text.
    let v = e
        .edit_content("li.na", item.id, "t", "'); DROP TABLE content_item;--")
        .unwrap();
    assert_eq!(
        e.content_versions(v.id).unwrap()[0].body,
        "'); DROP TABLE content_item;--"
    );
}
