"""Content items (CON-1, CON-2) through the uniffi FFI, following
core/tests/content.rs: an ad flagged by the compliance checker (CON-3) and
refused review, fixed, reviewed by brand and legal through the approvals the
binding already exposes, approved, scheduled, published and closed; a
rejection back to production; an edit voiding an approval; and refusals and
bad input, each with its typed error case and nothing changed by it.

Runs on a manual clock (`EngineOptions(clock_start=…)`), so every time the
engine stamps is known.
"""

from __future__ import annotations

import datetime as dt

import pytest

from uniffi_support import (
    APPROVED,
    IN_REVIEW,
    at,
    br,
    company,
    refused,
    state,
)

START = at("2026-11-01T02:00:00Z")
S = br.ContentState
FLAGGED = "全网最佳的羊绒围巾，国家级工艺！"
FIXED = "【广告】优质羊绒围巾，工艺考究。"


@pytest.fixture
def e():
    """The reviewers of every built-in workflow, on a manual clock at START."""
    return company(START)


def ad(**fields) -> br.NewContent:
    base = dict(
        kind=br.ContentKind.AD_CREATIVE, title="双十一 广告", channel="douyin", is_ad=True
    )
    return br.NewContent(**{**base, **fields})


def contents(engine, ids):
    """Every item in `ids` with its versions."""
    return [(engine.content_item(i), engine.content_versions(i)) for i in ids]


def refused_unchanged(engine, ids, code, call, *args):
    """`call` raises the error for `code` and changes nothing: neither the
    items in `ids` and their versions, nor approvals, principals or policy;
    the audit log grows by the refusal record only for `permission_denied`."""
    before = (state(engine), contents(engine, ids))
    log = engine.audit_len()
    err = refused(code, call, *args)
    assert (state(engine), contents(engine, ids)) == before
    assert engine.audit_len() - log == (1 if code == "permission_denied" else 0)
    return err


def written(e, id, body, title="双十一 广告"):
    return e.edit_content("li.na", id, title, body)


# ----------------------------------------------------------------- lifecycle


def test_an_ad_is_flagged_fixed_reviewed_approved_scheduled_published_and_closed(e):
    item = e.plan_content("li.na", ad())
    assert (item.kind, item.title, item.channel, item.owner) == (
        br.ContentKind.AD_CREATIVE,
        "双十一 广告",
        "douyin",
        "li.na",
    )
    assert (item.state, item.version, item.is_ad, item.sensitive) == (S.PLANNED, 0, True, False)
    assert item.approval_id is None and item.scheduled_at is None and item.published_at is None
    assert item.created_at == item.updated_at == START
    assert e.content_item(item.id) == item
    assert e.content_versions(item.id) == []
    err = refused_unchanged(e, [item.id], "conflict", e.submit_content, "li.na", item.id)
    assert isinstance(err, br.BrandrailError.Conflict) and err.entity == "content"

    e.advance_clock(60)
    v1 = written(e, item.id, FLAGGED)
    assert (v1.state, v1.version) == (S.IN_PRODUCTION, 1)
    assert v1.updated_at == START + dt.timedelta(seconds=60)
    # CON-3: a blocking finding keeps it out of review, and the refusal changes nothing.
    assert any(f.severity == br.Severity.BLOCK for f in e.check_text(FLAGGED))
    err = refused_unchanged(e, [item.id], "policy_violation", e.submit_content, "li.na", item.id)
    assert isinstance(err, br.BrandrailError.PolicyViolation)
    assert err.rule == "CON-3" and "version 1" in err.detail, err
    assert e.content_item(item.id).state == S.IN_PRODUCTION

    fixed = written(e, item.id, FIXED)
    assert fixed.version == 2
    submitted = e.submit_content("li.na", item.id)
    assert submitted.state == S.IN_REVIEW and submitted.approval_id is not None
    review = e.approval(submitted.approval_id)
    assert (review.workflow, review.state, review.current_stage) == (
        "content_review",
        IN_REVIEW,
        "brand",
    )
    assert review.subject.kind == br.SubjectKind.CONTENT_VERSION
    assert review.subject.reference == f"content-{item.id}/v2"
    assert review.subject.attributes["is_ad"] == "true"
    # Frozen while in review; nothing unapproved goes out.
    refused_unchanged(e, [item.id], "conflict", written, e, item.id, "改一个字")
    refused_unchanged(e, [item.id], "policy_violation", e.publish_content, "chen.jie", item.id)
    soon = START + dt.timedelta(hours=6)
    err = refused_unchanged(
        e, [item.id], "policy_violation", e.schedule_content, "li.na", item.id, soon
    )
    assert err.rule == "CON-2"

    e.approve("chen.jie", review.id, "符合品牌规范")
    assert e.content_item(item.id).state == S.IN_REVIEW, "ads also need legal"
    assert e.approve("sun.li", review.id, "无违规用语").state == APPROVED
    assert e.content_item(item.id).state == S.APPROVED

    past = e.now() - dt.timedelta(hours=1)
    err = refused_unchanged(
        e, [item.id], "validation", e.schedule_content, "li.na", item.id, past
    )
    assert err.field == "at"
    go = e.now() + dt.timedelta(hours=6)
    scheduled = e.schedule_content("li.na", item.id, go)
    assert (scheduled.state, scheduled.scheduled_at) == (S.SCHEDULED, go)
    assert e.content_item(item.id) == scheduled
    later = go + dt.timedelta(hours=1)
    assert e.schedule_content("li.na", item.id, later).scheduled_at == later, "rescheduled"

    err = refused_unchanged(e, [item.id], "permission_denied", e.publish_content, "li.na", item.id)
    assert err.permission == "content.publish"
    e.advance_clock(3600)
    published = e.publish_content("chen.jie", item.id)
    assert (published.state, published.published_at) == (S.PUBLISHED, e.now())
    refused_unchanged(e, [item.id], "conflict", written, e, item.id, "发布后再改")
    closed = e.close_content("li.na", item.id)
    assert closed.state == S.RETROSPECTIVE
    refused_unchanged(e, [item.id], "conflict", e.close_content, "li.na", item.id)

    versions = e.content_versions(item.id)
    assert [(v.item_id, v.version, v.author) for v in versions] == [
        (item.id, 1, "li.na"),
        (item.id, 2, "li.na"),
    ]
    assert versions[0].body == FLAGGED and versions[1].body == FIXED, "every version is kept"
    assert versions[0].created_at == START + dt.timedelta(seconds=60)
    actions = [r.action for r in e.audit_query("zhao.min", br.AuditQuery(entity_type="content"))]
    for action in ("content.plan", "content.edit", "content.submit", "content.review_outcome",
                   "content.schedule", "content.publish", "content.close"):
        assert action in actions, action
    assert e.verify_audit().ok


def test_a_sensitive_post_goes_to_a_supervisor_and_skips_legal(e):
    post = br.NewContent(
        kind=br.ContentKind.IMAGE_POST, title="门店探店", channel="xiaohongshu", sensitive=True
    )
    item = e.plan_content("li.na", post)
    assert (item.is_ad, item.sensitive) == (False, True), "is_ad defaults to false"
    written(e, item.id, "周末去了新开的门店，环境不错。", title="门店探店")
    review = e.submit_content("li.na", item.id).approval_id
    assert [(s.name, s.state.as_str()) for s in e.approval(review).stages] == [
        ("brand", "active"),
        ("legal", "skipped"),
        ("supervisor", "waiting"),
    ]
    e.approve("chen.jie", review)
    assert e.content_item(item.id).state == S.IN_REVIEW
    e.approve("zhao.min", review)
    assert e.content_item(item.id).state == S.APPROVED


# --------------------------------------------------- rejection and edits


def test_a_rejection_returns_it_to_production_and_an_edit_voids_an_approval(e):
    item = e.plan_content("li.na", ad(is_ad=False, title="探店笔记"))
    written(e, item.id, "周末去了新开的门店，环境不错。", title="探店笔记")
    first = e.submit_content("li.na", item.id).approval_id
    e.reject("chen.jie", first, "配图不符合 VI")
    assert e.content_item(item.id).state == S.IN_PRODUCTION
    refused_unchanged(e, [item.id], "policy_violation", e.publish_content, "chen.jie", item.id)

    written(e, item.id, "周末去了新开的门店，环境不错，配图已更新。", title="探店笔记")
    again = e.submit_content("li.na", item.id)
    assert again.version == 2 and again.approval_id != first
    e.approve("chen.jie", again.approval_id)
    assert e.content_item(item.id).state == S.APPROVED
    e.schedule_content("li.na", item.id, e.now() + dt.timedelta(hours=2))

    # The approval covered v2: editing sends it back to production, unscheduled.
    edited = written(e, item.id, "改了一个字。", title="探店笔记")
    assert (edited.state, edited.version, edited.approval_id, edited.scheduled_at) == (
        S.IN_PRODUCTION,
        3,
        None,
        None,
    )
    soon = e.now() + dt.timedelta(hours=1)
    refused_unchanged(
        e, [item.id], "policy_violation", e.schedule_content, "li.na", item.id, soon
    )
    assert [v.version for v in e.content_versions(item.id)] == [1, 2, 3]


def test_returned_or_withdrawn_review_goes_back_to_production(e):
    item = e.plan_content("li.na", ad(is_ad=False))
    written(e, item.id, "新品上市，欢迎到店体验。")
    review = e.submit_content("li.na", item.id).approval_id
    e.return_for_changes("chen.jie", review, "标题再短一些")
    assert e.content_item(item.id).state == S.IN_PRODUCTION
    written(e, item.id, "新品上市，欢迎体验。")
    review = e.submit_content("li.na", item.id).approval_id
    e.withdraw_approval("li.na", review)
    assert e.content_item(item.id).state == S.IN_PRODUCTION


# ----------------------------------------------------- refusals, bad input


@pytest.mark.parametrize(
    "fields, field",
    [
        (dict(title=""), "title"),
        (dict(title="   "), "title"),
        (dict(title="长" * 201), "title"),
        (dict(title="Bad\x00Title"), "title"),
        (dict(title="Zero\u200bWidth"), "title"),
        (dict(channel="Dou Yin"), "channel"),
        (dict(channel=""), "channel"),
        (dict(channel="douyin'); DROP TABLE content_item;--"), "channel"),
    ],
)
def test_bad_plans_are_validation_errors_naming_the_field(e, fields, field):
    err = refused_unchanged(e, [], "validation", e.plan_content, "li.na", ad(**fields))
    assert isinstance(err, br.BrandrailError.Validation) and err.field == field


def test_bad_edits_unknown_items_and_unknown_actors_are_refused(e):
    item = e.plan_content("li.na", ad())
    ids = [item.id]
    for body in ["", "  \n ", "a\x00b", "\x1b[31mred", "长" * 400_000]:
        err = refused_unchanged(e, ids, "validation", written, e, item.id, body)
        assert err.field == "body"
    err = refused_unchanged(e, ids, "validation", e.edit_content, "li.na", item.id, "", "正文")
    assert err.field == "title"
    for call, args in [
        (e.edit_content, ("li.na", 999, "t", "b")),
        (e.submit_content, ("li.na", 999)),
        (e.schedule_content, ("li.na", 999, START + dt.timedelta(hours=1))),
        (e.publish_content, ("chen.jie", 999)),
        (e.close_content, ("li.na", 999)),
    ]:
        err = refused_unchanged(e, ids, "not_found", call, *args)
        assert err.entity == "content"
    refused("not_found", e.content_item, 999)
    refused("not_found", e.content_versions, 999)
    refused_unchanged(e, ids, "permission_denied", e.plan_content, "sun.li.x", ad())
    refused_unchanged(e, ids, "permission_denied", e.edit_content, "nobody", item.id, "t", "b")
    # Newlines and tabs are ordinary text; SQL in a body is just text.
    body = "第一段\n\t第二段 '); DROP TABLE content_item;--"
    assert written(e, item.id, body).version == 1
    assert e.content_versions(item.id)[0].body == body


# ------------------------------------------------------------------- enums


def test_kinds_and_states_keep_their_stable_names_and_parse_back(e):
    kinds = [k.as_str() for k in br.ContentKind]
    assert kinds == [
        "article", "short_video", "image_post", "live", "email", "sms",
        "press_release", "ad_creative", "landing_page",
    ]
    assert [s.as_str() for s in br.ContentState] == [
        "planned", "in_production", "in_review", "approved", "scheduled",
        "published", "retrospective",
    ]
    for k in br.ContentKind:
        assert br.parse_content_kind(k.as_str()) == k
        assert e.plan_content("li.na", ad(kind=k, is_ad=False)).kind == k
    for s in br.ContentState:
        assert br.parse_content_state(s.as_str()) == s
    err = refused("validation", br.parse_content_kind, "tweet")
    assert "short_video" in err.detail, "the error lists the valid names"
    refused("validation", br.parse_content_state, "IN_REVIEW")
