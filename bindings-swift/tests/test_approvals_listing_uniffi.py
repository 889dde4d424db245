"""Listing approvals through the uniffi FFI (`Engine.approvals(filter)`):
newest first, filtered by submitter, state and workflow, paged with
`before_id` and `limit`; bad limits and hostile filter strings.
"""

from __future__ import annotations

import pytest

from uniffi_support import (
    APPROVED,
    HOSTILE_HANDLES,
    ad_copy,
    br,
    claim,
    company,
    invoice,
    post,
    refused_unchanged,
)

Filter = br.ApprovalFilter
S = br.ApprovalState


@pytest.fixture
def e():
    """An in-memory engine with the reviewers of every built-in workflow."""
    return company()


def ids(items) -> list[int]:
    return [i.id for i in items]


def submit_many(e, n: int, submitter="li.na") -> list[int]:
    return [
        e.submit_approval(submitter, "content_review", ad_copy(f"content-{k}/v1")).id
        for k in range(n)
    ]


# ---------------------------------------------------------------------- filters


def test_every_approval_newest_first_by_default(e):
    assert e.approvals() == [] == e.approvals(Filter())
    first = submit_many(e, 3)
    listed = e.approvals()
    assert ids(listed) == first[::-1]
    assert listed == [e.approval(i) for i in first[::-1]]


def test_filters_by_submitter_state_and_workflow(e):
    ad = e.submit_approval("li.na", "content_review", ad_copy()).id
    p = e.submit_approval("ma.head", "content_review", post()).id
    budget = br.Subject(kind=br.SubjectKind.BUDGET_ADJUSTMENT, reference="adj-1", title="Q3 追加")
    b = e.submit_approval("li.na", "budget_adjustment", budget).id
    c = e.submit_approval("li.na", "expense_reimbursement", claim(invoice())).id
    e.approve("chen.jie", p)
    e.reject("zhou.fan", b, "预算不足")
    e.withdraw_approval("li.na", c, "重复提交")

    assert ids(e.approvals(Filter(submitter="li.na"))) == [c, b, ad]
    assert ids(e.approvals(Filter(submitter="ma.head"))) == [p]
    assert ids(e.approvals(Filter(workflow="content_review"))) == [p, ad]
    for state, want in [
        (S.IN_REVIEW, [ad]),
        (APPROVED, [p]),
        (S.REJECTED, [b]),
        (S.RETURNED_FOR_CHANGES, []),
        (S.WITHDRAWN, [c]),
    ]:
        assert ids(e.approvals(Filter(state=state))) == want, state
    # Every set filter must match.
    mine_in_review = Filter(submitter="li.na", state=S.IN_REVIEW, workflow="content_review")
    assert ids(e.approvals(mine_in_review)) == [ad]
    assert e.approvals(Filter(submitter="ma.head", state=S.REJECTED)) == []
    # Nobody and nothing by those names: an empty list, not an error.
    assert e.approvals(Filter(submitter="ghost")) == []
    assert e.approvals(Filter(workflow="no_such_flow")) == []


def test_a_resubmitted_approval_keeps_its_place(e):
    a, b = submit_many(e, 2)
    e.reject("chen.jie", a, "重写")
    e.resubmit_approval("li.na", a)
    assert ids(e.approvals()) == [b, a]  # by id, not by last change
    assert ids(e.approvals(Filter(state=S.IN_REVIEW))) == [b, a]


# ----------------------------------------------------------------------- paging


def test_pages_walk_back_with_before_id(e):
    every = submit_many(e, 25)[::-1]
    pages, before = [], None
    while True:
        page = ids(e.approvals(Filter(before_id=before, limit=10)))
        if not page:
            break
        pages.append(page)
        before = page[-1]
    assert pages == [every[:10], every[10:20], every[20:]]
    assert ids(e.approvals(Filter(before_id=13, limit=3))) == [12, 11, 10]
    for before_id in (1, 0, -1, -(2**63)):
        assert e.approvals(Filter(before_id=before_id)) == []
    assert ids(e.approvals(Filter(before_id=2**63 - 1))) == every


def test_the_default_page_is_one_hundred(e):
    every = submit_many(e, 101)[::-1]
    assert ids(e.approvals()) == every[:100]
    assert ids(e.approvals(Filter(before_id=every[99]))) == every[100:]
    # Larger limits are capped at 10 000, not refused.
    for limit in (101, 10_000, 10_001, 2**32 - 1):
        assert ids(e.approvals(Filter(limit=limit))) == every


def test_a_limit_of_zero_is_refused(e):
    submit_many(e, 1)
    err = refused_unchanged(e, "validation", e.approvals, Filter(limit=0))
    assert isinstance(err, br.BrandrailError.Validation)
    assert err.field == "limit"
    assert len(e.approvals(Filter(limit=1))) == 1
    # Out of UInt32 / Int64 range nothing reaches Rust.
    for bad in (Filter(limit=-1), Filter(limit=2**32), Filter(before_id=2**63)):
        with pytest.raises(ValueError):
            e.approvals(bad)


def test_hostile_filter_strings_match_nothing(e):
    submit_many(e, 2)
    log = e.audit_len()
    for x in HOSTILE_HANDLES + ["content_review' OR '1'='1", "%", "_"]:
        assert e.approvals(Filter(submitter=x)) == []
        assert e.approvals(Filter(workflow=x)) == []
    # A read: nothing is audited.
    assert e.audit_len() == log
