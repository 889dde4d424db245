"""Content items (CON-1, CON-2) through the Python API, following core's
tests/content.rs: the full lifecycle of an ad on a manual clock (flagged,
fixed, reviewed by brand and legal, approved, scheduled, published, closed),
rejection back to production, an edit voiding an approval, and refusals and
bad input."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

import brandrail
from conftest import BRAND, LEGAL, MARKETER, staff, utc

START = utc(2026, 11, 1, 2)


@pytest.fixture
def clocked() -> brandrail.Engine:
    """The staffed company on a manual clock."""
    return staff(brandrail.Engine.in_memory(clock_start=START))


def plan_ad(engine: brandrail.Engine, **overrides) -> brandrail.ContentItem:
    fields = {"kind": "ad_creative", "title": "双十一 广告", "channel": "douyin", "is_ad": True}
    fields.update(overrides)
    return engine.plan_content(MARKETER, **fields)


def test_value_sets():
    assert brandrail.CONTENT_KINDS == (
        "article", "short_video", "image_post", "live", "email", "sms",
        "press_release", "ad_creative", "landing_page",
    )
    assert brandrail.CONTENT_STATES == (
        "planned", "in_production", "in_review", "approved", "scheduled",
        "published", "retrospective",
    )


def test_an_ad_is_flagged_fixed_reviewed_approved_scheduled_published_and_closed(clocked):
    e = clocked
    item = plan_ad(e)
    assert (item.state, item.version, item.owner, item.kind) == ("planned", 0, MARKETER, "ad_creative")
    assert (item.is_ad, item.sensitive, item.approval_id) == (True, False, None)
    assert item.created_at == item.updated_at == START
    with pytest.raises(brandrail.ConflictError):  # nothing written yet
        e.submit_content(MARKETER, item.id)

    e.edit_content(MARKETER, item.id, title="双十一 广告", body="全网最佳的羊绒围巾，国家级工艺！")
    n = e.audit_len()
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.submit_content(MARKETER, item.id)
    assert err.value.code == "policy_violation" and err.value.rule == "CON-3"
    assert e.content_item(item.id).state == "in_production"
    assert e.audit_len() == n, "a refused submission changes nothing"

    e.advance_clock(timedelta(hours=1))
    fixed = e.edit_content(MARKETER, item.id, title="双十一 广告", body="【广告】优质羊绒围巾，工艺考究。")
    assert (fixed.version, fixed.updated_at) == (2, START + timedelta(hours=1))
    submitted = e.submit_content(MARKETER, item.id)
    assert submitted.state == "in_review"
    review = submitted.approval_id
    assert e.approval(review).workflow == "content_review"
    with pytest.raises(brandrail.ConflictError):
        e.edit_content(MARKETER, item.id, title="x", body="y")
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.publish_content(BRAND, item.id)
    assert err.value.rule == "CON-2"

    e.approve(BRAND, review, comment="符合品牌规范")
    assert e.content_item(item.id).state == "in_review", "ads also need legal"
    e.approve(LEGAL, review, comment="无违规用语")
    assert e.content_item(item.id).state == "approved"

    with pytest.raises(brandrail.ValidationError) as err:
        e.schedule_content(MARKETER, item.id, e.now() - timedelta(hours=1))
    assert err.value.field == "at"
    at = e.now() + timedelta(hours=6)
    scheduled = e.schedule_content(MARKETER, item.id, at)
    assert (scheduled.state, scheduled.scheduled_at) == ("scheduled", at)
    with pytest.raises(brandrail.PermissionDeniedError):  # marketing does not publish
        e.publish_content(MARKETER, item.id)
    e.set_clock(at)
    published = e.publish_content(BRAND, item.id)
    assert (published.state, published.published_at) == ("published", at)
    with pytest.raises(brandrail.ConflictError):
        e.edit_content(MARKETER, item.id, title="x", body="y")
    closed = e.close_content(MARKETER, item.id)
    assert closed.state == "retrospective"
    assert e.content_item(item.id) == closed

    versions = e.content_versions(item.id)
    assert [v.version for v in versions] == [1, 2]
    assert "最佳" in versions[0].body, "every version is kept"
    assert (versions[1].item_id, versions[1].author, versions[1].created_at) == (
        item.id, MARKETER, START + timedelta(hours=1),
    )
    assert e.verify_audit().ok


def test_rejection_returns_to_production_and_an_edit_voids_an_approval(clocked):
    e = clocked
    item = plan_ad(e, is_ad=False)
    e.edit_content(MARKETER, item.id, title="探店笔记", body="周末去了新开的门店，环境不错。")
    review = e.submit_content(MARKETER, item.id).approval_id
    e.reject(BRAND, review, "配图不符合 VI")
    assert e.content_item(item.id).state == "in_production"
    e.edit_content(MARKETER, item.id, title="探店笔记", body="周末去了新开的门店，环境不错，配图已更新。")
    review = e.submit_content(MARKETER, item.id).approval_id
    e.approve(BRAND, review)
    assert e.content_item(item.id).state == "approved"
    # Editing approved content sends it back to production: the approval covered v2.
    edited = e.edit_content(MARKETER, item.id, title="探店笔记", body="改了一个字。")
    assert (edited.state, edited.version, edited.approval_id) == ("in_production", 3, None)
    with pytest.raises(brandrail.PolicyViolationError):
        e.schedule_content(MARKETER, item.id, e.now() + timedelta(hours=1))


def test_results_are_frozen_values(clocked):
    e = clocked
    item = plan_ad(e)
    assert item == e.content_item(item.id) and item != plan_ad(e)
    assert repr(item).startswith(f"ContentItem(id={item.id}, kind='ad_creative', title='双十一 广告'")
    d = item.to_dict()
    assert list(d) == [
        "id", "kind", "title", "channel", "owner", "state", "version", "is_ad", "sensitive",
        "ugc", "format", "source_id", "theme_id",
        "approval_id", "scheduled_at", "published_at", "created_at", "updated_at",
    ]
    assert (d["ugc"], d["format"], d["source_id"], d["theme_id"]) == (False, None, None, None)
    assert (d["state"], d["scheduled_at"], d["created_at"]) == ("planned", None, START)
    with pytest.raises(AttributeError):
        item.state = "approved"
    e.edit_content(MARKETER, item.id, title="t", body="b")
    [v] = e.content_versions(item.id)
    assert v.to_dict() == {
        "item_id": item.id, "version": 1, "title": "t", "body": "b",
        "author": MARKETER, "created_at": START,
        "details": {
            "duration_seconds": None, "paragraph_spacing": None, "template": None,
            "fonts": [], "palette": None, "assets": [],
        },
    }
    assert repr(v).startswith(f"ContentVersion(item_id={item.id}, version=1, title='t'")
    assert v == e.content_versions(item.id)[0]


def test_bad_content_input_is_refused(clocked):
    e = clocked
    with pytest.raises(brandrail.ValidationError) as err:
        plan_ad(e, title="")
    assert err.value.field == "title"
    with pytest.raises(brandrail.ValidationError) as err:
        plan_ad(e, channel="Dou Yin")
    assert err.value.field == "channel"
    with pytest.raises(brandrail.ValidationError) as err:
        plan_ad(e, kind="podcast")
    assert err.value.field == "kind" and "ad_creative" in str(err.value)
    with pytest.raises(brandrail.PermissionDeniedError):
        e.plan_content("sun.li.x", kind="article", title="t", channel="douyin")
    with pytest.raises(TypeError):
        e.plan_content(MARKETER, "article", "t", "douyin")  # keyword-only
    with pytest.raises(TypeError):
        plan_ad(e, is_ad="yes")

    item = plan_ad(e)
    for body in ["", "a\x00b", "长" * 400_000]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.edit_content(MARKETER, item.id, title="t", body=body)
        assert err.value.field == "body"
    with pytest.raises(brandrail.NotFoundError):
        e.edit_content(MARKETER, 999, title="t", body="b")
    with pytest.raises(brandrail.NotFoundError):
        e.content_versions(999)
    with pytest.raises(brandrail.NotFoundError):
        e.content_item(999)
    with pytest.raises(TypeError):
        e.edit_content(MARKETER, item.id, "t", "b")  # keyword-only
    with pytest.raises(TypeError):
        e.content_item("1")

    # Datetimes must be aware; a naive one or a string is refused before core.
    with pytest.raises(brandrail.ValidationError) as err:
        e.schedule_content(MARKETER, item.id, datetime(2026, 12, 1, 10))
    assert err.value.field == "at"
    with pytest.raises(TypeError):
        e.schedule_content(MARKETER, item.id, "2026-12-01T10:00:00Z")

    # SQL in a body is just text.
    v = e.edit_content(MARKETER, item.id, title="t", body="'); DROP TABLE content_item;--")
    assert e.content_versions(v.id)[0].body == "'); DROP TABLE content_item;--"
    assert e.verify_audit().ok


def test_a_sensitive_item_needs_a_supervisor_too(clocked):
    e = clocked
    item = plan_ad(e, is_ad=False, sensitive=True, kind="press_release")
    e.edit_content(MARKETER, item.id, title="声明", body="关于近期网络传言的说明。")
    review = e.submit_content(MARKETER, item.id).approval_id
    e.approve(BRAND, review)
    assert e.content_item(item.id).state == "in_review"
    assert e.approval(review).state == "in_review"
