"""Listing approvals: `Engine.approvals(*, submitter, state, workflow,
before_id, limit)`, newest first, with paging; bad filters raise typed errors
and a listing changes nothing."""

from __future__ import annotations

import pytest

import brandrail
from conftest import BRAND, HEAD, MARKETER, ad

BUDGET = {"kind": "budget_adjustment", "reference": "adj-7", "title": "Q2 抖音追加"}


def ids(instances) -> list[int]:
    return [i.id for i in instances]


@pytest.fixture
def listed(company):
    """Three approvals: MARKETER's ad (rejected), MARKETER's budget
    adjustment, HEAD's ad; returns (engine, (a, b, c))."""
    a = company.submit_approval(MARKETER, "content_review", ad("content-1/v1"))
    b = company.submit_approval(MARKETER, "budget_adjustment", BUDGET)
    c = company.submit_approval(HEAD, "content_review", ad("content-2/v1"))
    a = company.reject(BRAND, a.id, "改")
    return company, (a, b, c)


def test_filters_and_order(listed):
    engine, (a, b, c) = listed
    everything = engine.approvals()
    assert ids(everything) == [c.id, b.id, a.id]  # newest first
    assert everything == [engine.approval(i) for i in (c.id, b.id, a.id)]
    assert all(isinstance(i, brandrail.ApprovalInstance) for i in everything)
    assert ids(engine.approvals(submitter=MARKETER)) == [b.id, a.id]
    assert ids(engine.approvals(state="rejected")) == [a.id]
    assert ids(engine.approvals(state="in_review")) == [c.id, b.id]
    assert ids(engine.approvals(workflow="content_review")) == [c.id, a.id]
    # Every given filter must match.
    assert ids(engine.approvals(submitter=MARKETER, workflow="content_review")) == [a.id]
    assert ids(engine.approvals(submitter=MARKETER, state="in_review", workflow="budget_adjustment")) == [b.id]
    assert engine.approvals(submitter=HEAD, state="rejected") == []
    # None is "no filter".
    assert engine.approvals(submitter=None, state=None, workflow=None, before_id=None, limit=None) == everything
    for state in brandrail.APPROVAL_STATES:
        assert all(i.state == state for i in engine.approvals(state=state))
    engine.withdraw_approval(MARKETER, b.id, "不需要了")
    assert ids(engine.approvals(state="withdrawn")) == [b.id]


def test_paging_backwards(listed):
    engine, (a, b, c) = listed
    assert ids(engine.approvals(before_id=c.id, limit=1)) == [b.id]
    assert ids(engine.approvals(before_id=c.id)) == [b.id, a.id]
    assert ids(engine.approvals(limit=2)) == [c.id, b.id]
    assert ids(engine.approvals(before_id=2**62)) == [c.id, b.id, a.id]
    assert engine.approvals(before_id=a.id) == engine.approvals(before_id=0) == engine.approvals(before_id=-5) == []
    # Page through everything one at a time.
    seen, before = [], None
    while page := engine.approvals(before_id=before, limit=1):
        seen += ids(page)
        before = page[-1].id
    assert seen == [c.id, b.id, a.id]


def test_default_and_largest_page(company):
    for i in range(105):
        company.submit_approval(MARKETER, "content_review", {"kind": "content_version", "reference": f"r{i}", "title": "t"})
    assert ids(company.approvals()) == list(range(105, 5, -1))  # 100 by default
    assert len(company.approvals(limit=105)) == 105
    # Above the largest page (10 000) the page is capped, not refused.
    assert len(company.approvals(limit=10_001)) == len(company.approvals(limit=2**40)) == 105


@pytest.mark.parametrize("limit", [0, -1, -(2**40)])
def test_limit_below_one_is_refused(listed, limit):
    engine, _ = listed
    with pytest.raises(brandrail.ValidationError) as info:
        engine.approvals(limit=limit)
    assert info.value.field == "limit"


def test_bad_state_lists_the_allowed_values(listed):
    engine, _ = listed
    for state in ["Approved", "", "approved ", "pending", "x" * 100_000]:
        with pytest.raises(brandrail.ValidationError) as info:
            engine.approvals(state=state)
        assert info.value.field == "state" and len(str(info.value)) < 300
        assert "in_review" in str(info.value) and "returned_for_changes" in str(info.value)


def test_unknown_and_hostile_filters_match_nothing(listed):
    engine, _ = listed
    before = engine.audit_len()
    for text in ["ghost", "", "li.na ", "LI.NA", "x' OR 1=1 --", "'; DROP TABLE approval_instance; --", "z" * 100_000]:
        assert engine.approvals(submitter=text) == []
        assert engine.approvals(workflow=text) == []
    assert len(engine.approvals()) == 3
    assert engine.audit_len() == before  # a listing is a read: nothing is recorded


@pytest.mark.parametrize(
    "kwargs",
    [
        {"submitter": 1}, {"submitter": [MARKETER]}, {"state": 1}, {"workflow": b"content_review"},
        {"before_id": "3"}, {"before_id": 3.0}, {"limit": "5"}, {"limit": 5.0}, {"colour": "red"},
    ],
    ids=repr,
)
def test_filters_are_typed_and_keyword_only(listed, kwargs):
    engine, _ = listed
    with pytest.raises(TypeError):
        engine.approvals(**kwargs)
    with pytest.raises(TypeError):
        engine.approvals(MARKETER)  # type: ignore[misc]
    with pytest.raises(OverflowError):
        engine.approvals(limit=2**70)
