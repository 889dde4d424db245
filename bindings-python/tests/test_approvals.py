"""Approvals (APR-1..APR-4) through the public Python API: the content-review
and reimbursement paths, separation of duties, rejection and resubmission,
withdrawal, delegation, assignment and deactivation, throughput, the result
classes and concurrent use. The input classes and bad input are in
test_approval_inputs.py, deadlines and escalation on a manual clock in
test_deadlines.py, the listing in test_approval_listing.py."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import brandrail
from conftest import (
    ADMIN, BRAND, BRAND2, CHECKER, CHECKLIST, EXEC, HEAD, HR, LEGAL, MARKETER, PAYER, SALES_HEAD,
    ad, claim, snapshot,
)


# ---------------------------------------------------------------- content review (APR-2)


def test_content_review_ad_goes_brand_then_legal(company):
    s = company.submit_approval(MARKETER, "content_review", ad())
    assert (s.id, s.workflow, s.submitter, s.state, s.round) == (1, "content_review", MARKETER, "in_review", 1)
    assert [(st.name, st.state) for st in s.stages] == [("brand", "active"), ("legal", "waiting"), ("supervisor", "skipped")]
    assert s.current_stage == "brand" and s.active_stage == s.stages[0]
    assert s.active_stage.due_at == s.submitted_at + timedelta(hours=24)  # the policy's sla_hours
    assert s.active_stage.quorum == 1 and s.active_stage.approvals == []
    assert s.subject == ad() and s.assignee is None and s.escalated is False and s.closed_at is None
    assert [t.instance_id for t in company.approval_tasks(BRAND)] == [1]
    assert company.approval_tasks(LEGAL) == []

    s = company.approve(BRAND, s.id, comment="符合品牌规范")
    assert s.current_stage == "legal"
    assert s.stages[0].state == "done" and s.stages[0].completed_at is not None
    [given] = s.stages[0].approvals
    assert (given.principal, given.on_behalf_of) == (BRAND, None) and given.at.tzinfo is not None
    # Another brand reviewer may not take the legal stage.
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        company.approve(BRAND2, s.id)
    assert info.value.reason == "not_a_decider"
    assert info.value.permission == "approval.decide:content_review.legal"

    s = company.approve(LEGAL, s.id, comment="无绝对化用语")
    assert (s.state, s.current_stage, s.active_stage) == ("approved", None, None)
    assert s.closed_at is not None and s.closed_at >= s.submitted_at
    assert company.approval(s.id) == s
    assert [e.kind for e in company.approval_history(s.id)] == ["submitted", "approved", "approved"]


def test_content_review_plain_post_skips_legal(company):
    post = {"kind": "content_version", "reference": "content-18/v1", "title": "门店探店笔记"}
    s = company.submit_approval(MARKETER, "content_review", post)
    assert [st.state for st in s.stages] == ["active", "skipped", "skipped"]
    s = company.approve(BRAND, s.id)
    assert s.state == "approved" and s.stages[1].state == "skipped"


def test_content_review_sensitive_item_goes_to_a_supervisor(company):
    s = company.submit_approval(MARKETER, "content_review", ad(sensitive="true"))
    assert [st.state for st in s.stages] == ["active", "waiting", "waiting"]
    company.approve(BRAND, s.id)
    s = company.approve(LEGAL, s.id)
    assert s.current_stage == "supervisor"
    assert s.active_stage.due_at == s.active_stage.started_at + timedelta(hours=8)
    s = company.approve(EXEC, s.id, comment="可以发布")
    assert s.state == "approved"


# ---------------------------------------------------------------- reimbursement (APR-2, APR-3)


def test_expense_reimbursement_through_all_four_stages(company):
    with pytest.raises(brandrail.ValidationError) as info:
        company.submit_approval(MARKETER, "expense_reimbursement", claim(attachments=[]))
    assert info.value.field == "subject.attachments"
    with pytest.raises(brandrail.ValidationError) as info:
        company.submit_approval(MARKETER, "expense_reimbursement", claim(kind="content_version"))
    assert info.value.field == "subject.kind"

    c = company.submit_approval(MARKETER, "expense_reimbursement", claim())
    assert [st.name for st in c.stages] == ["department_head", "finance_check", "executive", "payment"]
    [invoice] = c.subject.attachments
    assert invoice.amount == Decimal("1280.50") and isinstance(invoice.amount, Decimal)
    assert company.approval(c.id).subject.attachments[0].amount == Decimal("1280.50")

    # The department head is a supervisor of the submitter's own department.
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        company.approve(SALES_HEAD, c.id)
    assert info.value.reason == "not_a_decider"
    c = company.approve(HEAD, c.id, comment="属实")
    assert c.current_stage == "finance_check"

    # Finance confirms exactly its checklist.
    before = snapshot(company, [c.id])
    with pytest.raises(brandrail.ValidationError) as info:
        company.approve(CHECKER, c.id, checklist=["authenticity"])
    assert info.value.field == "checklist"
    assert "completeness" in str(info.value)
    with pytest.raises(brandrail.ValidationError):
        company.approve(CHECKER, c.id)
    with pytest.raises(TypeError):
        company.approve(CHECKER, c.id, checklist="authenticity")  # a str is not a list of items
    with pytest.raises(TypeError) as type_info:
        company.approve(CHECKER, c.id, checklist=["authenticity", 2])
    assert "checklist[1]" in str(type_info.value)
    assert snapshot(company, [c.id]) == before
    c = company.approve(CHECKER, c.id, comment="发票已验真", checklist=(item for item in reversed(CHECKLIST)))
    assert c.current_stage == "executive"
    c = company.approve(EXEC, c.id, comment="同意")
    assert c.current_stage == "payment"

    # The checker may not also pay (APR-3): another finance principal does.
    before = snapshot(company, [c.id])
    with pytest.raises(brandrail.SeparationOfDutiesError) as sod:
        company.approve(CHECKER, c.id)
    assert isinstance(sod.value, PermissionError) and sod.value.code == "separation_of_duties"
    assert sod.value.principal == CHECKER
    assert "finance_check" in str(sod.value)
    approvals, audit_len = snapshot(company, [c.id])
    assert approvals == before[0] and audit_len == before[1] + 1  # only the refusal was recorded
    c = company.approve(PAYER, c.id, comment="已付款")
    assert (c.state, c.current_stage) == ("approved", None)

    history = company.approval_history(c.id)
    assert [(e.kind, e.stage, e.principal) for e in history] == [
        ("submitted", None, MARKETER),
        ("approved", "department_head", HEAD),
        ("approved", "finance_check", CHECKER),
        ("approved", "executive", EXEC),
        ("approved", "payment", PAYER),
    ]
    assert history[2].checklist == sorted(CHECKLIST)
    assert history[2].comment == "发票已验真" and history[4].comment == "已付款"
    assert all(e.instance_id == c.id and e.round == 1 for e in history)


# ---------------------------------------------------------------- separation of duties and deciders (APR-3)


def test_nobody_approves_their_own_submission(company):
    s = company.submit_approval(BRAND, "content_review", ad())
    before = snapshot(company, [s.id])
    with pytest.raises(brandrail.SeparationOfDutiesError) as info:
        company.approve(BRAND, s.id, comment="looks great")
    assert isinstance(info.value, PermissionError) and isinstance(info.value, brandrail.BrandrailError)
    with pytest.raises(PermissionError):
        company.reject(BRAND, s.id, "no")
    approvals, audit_len = snapshot(company, [s.id])
    assert approvals == before[0] and audit_len == before[1] + 2
    denials = company.audit_query(EXEC, outcome="denied", principal=BRAND)
    assert [d.action for d in denials] == ["approval.approve", "approval.reject"]
    assert "separation_of_duties" in denials[0].detail
    assert company.approval_tasks(BRAND) == []  # not offered as a task either


def test_not_a_decider(company):
    s = company.submit_approval(MARKETER, "content_review", ad())
    before = snapshot(company, [s.id])
    for actor in [HR, LEGAL, MARKETER, ADMIN]:
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            company.approve(actor, s.id)
        assert info.value.reason == "not_a_decider"
        assert isinstance(info.value, PermissionError)
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        company.return_for_changes(HR, s.id, "改一下")
    assert (info.value.principal, info.value.reason) == (HR, "not_a_decider")
    approvals, audit_len = snapshot(company, [s.id])
    assert approvals == before[0] and audit_len == before[1] + 5


def test_one_principal_fills_several_stages_only_where_the_workflow_allows(company):
    p = company.submit_approval(MARKETER, "project_gates", {"kind": "project", "reference": "prj-9", "title": "会员小程序"})
    for _ in range(11):
        p = company.approve(HEAD, p.id)
    assert p.state == "approved" and len(p.stages) == 11


def test_workflows_are_policy_data(company):
    """APR-1: a company adds a workflow to its policy; a quorum of two needs two people."""
    policy = company.policy().overlay_toml(
        "[approvals.workflows.two_brand]\ndescription = \"Two brand reviewers\"\nsubject = \"content_version\"\n"
        "[[approvals.workflows.two_brand.stages]]\nname = \"brand\"\n"
        "deciders = { roles = [\"brand_staff\"] }\nquorum = 2\nsla_hours = 4\n"
    )
    company.replace_policy(EXEC, policy)
    assert company.policy()["approvals.workflows.two_brand.stages.0.quorum"] == 2
    s = company.submit_approval(MARKETER, "two_brand", ad())
    assert s.active_stage.quorum == 2
    assert s.active_stage.due_at == s.submitted_at + timedelta(hours=4)
    s = company.approve(BRAND, s.id)
    assert s.state == "in_review" and len(s.active_stage.approvals) == 1
    with pytest.raises(brandrail.SeparationOfDutiesError):
        company.approve(BRAND, s.id)
    assert company.approve(BRAND2, s.id).state == "approved"


def test_decision_layer_needs_a_known_matter(company):
    bad = {"kind": "decision", "reference": "fy2027", "title": "2027 年度战略", "attributes": {"matter": "team_lunch"}}
    with pytest.raises(brandrail.ValidationError) as info:
        company.submit_approval(HEAD, "decision_layer", bad)
    assert info.value.field == "subject.attributes.matter"
    good = dict(bad, attributes={"matter": "annual_strategy"})
    d = company.submit_approval(HEAD, "decision_layer", good)
    with pytest.raises(brandrail.PermissionDeniedError):
        company.approve(SALES_HEAD, d.id)
    assert company.approve(EXEC, d.id).state == "approved"


# ---------------------------------------------------------------- rejection, resubmission, withdrawal (APR-4)


@pytest.mark.parametrize("comment", ["", "   ", "\n", "x" * 2001, "a\u0000b", "a\u001b[31m"], ids=repr)
def test_rejection_and_return_need_a_valid_comment(company, comment):
    s = company.submit_approval(MARKETER, "content_review", ad())
    before = snapshot(company, [s.id])
    for decide in (company.reject, company.return_for_changes):
        with pytest.raises(brandrail.ValidationError) as info:
            decide(BRAND, s.id, comment)
        assert info.value.field == "comment"
        assert len(str(info.value)) < 200
    with pytest.raises(TypeError):
        company.reject(BRAND, s.id)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        company.reject(BRAND, s.id, None)  # type: ignore[arg-type]
    assert snapshot(company, [s.id]) == before


def test_rejection_returns_to_the_submitter_and_resubmission_keeps_history(company):
    s = company.submit_approval(MARKETER, "content_review", ad())
    r = company.reject(BRAND, s.id, '用了"最好"，违反广告法第九条')
    assert (r.state, r.current_stage, r.round) == ("rejected", None, 1)
    with pytest.raises(brandrail.ConflictError) as conflict:
        company.approve(LEGAL, s.id)
    assert (conflict.value.entity, conflict.value.id) == ("approval", str(s.id))
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        company.resubmit_approval(BRAND, s.id)
    assert info.value.reason == "not_the_submitter"

    revised = ad("content-17/v4")
    r2 = company.resubmit_approval(MARKETER, s.id, revised)
    assert (r2.state, r2.current_stage, r2.round) == ("in_review", "brand", 2)
    assert r2.subject == revised and r2.submitted_at == s.submitted_at
    assert all(st.approvals == [] for st in r2.stages)
    r2 = company.return_for_changes(BRAND, s.id, "加上广告标识")
    assert r2.state == "returned_for_changes"
    # A revised subject must keep its kind.
    with pytest.raises(brandrail.ValidationError) as kind_info:
        company.resubmit_approval(MARKETER, s.id, {"kind": "leave", "reference": "x", "title": "x"})
    assert kind_info.value.field == "subject.kind"
    r3 = company.resubmit_approval(MARKETER, s.id, subject=None)
    assert r3.round == 3 and r3.subject == revised  # None keeps the last subject
    company.approve(BRAND, s.id)
    done = company.approve(LEGAL, s.id)
    assert (done.state, done.round) == ("approved", 3)
    with pytest.raises(brandrail.ConflictError):
        company.resubmit_approval(MARKETER, s.id)

    history = company.approval_history(s.id)
    assert [(e.kind, e.round) for e in history] == [
        ("submitted", 1), ("rejected", 1), ("resubmitted", 2), ("returned", 2),
        ("resubmitted", 3), ("approved", 3), ("approved", 3),
    ]
    assert history[1].comment == '用了"最好"，违反广告法第九条' and history[1].stage == "brand"
    assert [e.id for e in history] == sorted(e.id for e in history)
    assert history[0].to_dict()["kind"] == "submitted"
    assert list(history[0].to_dict()) == [
        "id", "instance_id", "at", "principal", "on_behalf_of", "kind", "stage", "round", "comment", "checklist",
    ]
    assert repr(history[1]).startswith("ApprovalEvent(instance_id=1, kind='rejected', stage='brand'")


def test_withdraw(company):
    w = company.submit_approval(MARKETER, "content_review", ad())
    before = snapshot(company, [w.id])
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        company.withdraw_approval(BRAND, w.id)
    assert info.value.reason == "not_the_submitter"
    with pytest.raises(brandrail.ValidationError):
        company.withdraw_approval(MARKETER, w.id, "x" * 2001)
    assert snapshot(company, [w.id])[0] == before[0]
    w = company.withdraw_approval(MARKETER, w.id, "活动取消")
    assert (w.state, w.current_stage) == ("withdrawn", None) and w.closed_at is not None
    with pytest.raises(brandrail.ConflictError):
        company.withdraw_approval(MARKETER, w.id)
    with pytest.raises(brandrail.ConflictError):
        company.approve(BRAND, w.id)
    last = company.approval_history(w.id)[-1]
    assert (last.kind, last.comment, last.principal) == ("withdrawn", "活动取消", MARKETER)
    assert company.approval_tasks(BRAND) == []
    # The comment is optional; an approved approval cannot be withdrawn.
    x = company.submit_approval(MARKETER, "content_review", ad("content-99/v1"))
    assert company.withdraw_approval(MARKETER, x.id).state == "withdrawn"
    y = company.submit_approval(MARKETER, "content_review", {"kind": "content_version", "reference": "p", "title": "p"})
    company.approve(BRAND, y.id)
    with pytest.raises(brandrail.ConflictError):
        company.withdraw_approval(MARKETER, y.id, "")


# ---------------------------------------------------------------- delegation (APR-4)


def test_delegation_while_away_is_recorded_on_the_decision(company):
    s = company.submit_approval(MARKETER, "content_review", ad())
    company.approve(BRAND, s.id)
    with pytest.raises(brandrail.PermissionDeniedError):
        company.approve(HR, s.id)
    now = company.now()
    beijing = timezone(timedelta(hours=8))
    d = company.delegate_approvals(LEGAL, HR, (now - timedelta(hours=1)).astimezone(beijing), now + timedelta(days=3))
    assert (d.from_, d.to) == (LEGAL, HR)
    assert d.starts_at == now - timedelta(hours=1) and d.starts_at.tzinfo == timezone.utc
    assert d.ends_at == now + timedelta(days=3) and d.revoked_at is None
    assert d.to_dict() == {
        "id": d.id, "from": LEGAL, "to": HR, "starts_at": d.starts_at, "ends_at": d.ends_at,
        "created_at": d.created_at, "revoked_at": None,
    }
    assert repr(d).startswith(f"Delegation(id={d.id}, from='sun.li', to='hu.hr'")

    [task] = company.approval_tasks(HR)
    assert (task.instance_id, task.stage, task.on_behalf_of, task.overdue) == (s.id, "legal", LEGAL, False)
    assert company.approval_tasks(LEGAL)[0].on_behalf_of is None  # she may still decide herself
    done = company.approve(HR, s.id, comment="代孙丽审批")
    assert done.state == "approved"
    legal = done.stages[1].approvals[0]
    assert (legal.principal, legal.on_behalf_of) == (HR, LEGAL)
    last = company.approval_history(s.id)[-1]
    assert (last.principal, last.on_behalf_of, last.comment) == (HR, LEGAL, "代孙丽审批")
    assert company.delegations(LEGAL) == company.delegations(HR) == [company.delegations(LEGAL)[0]]
    assert company.delegations(LEGAL)[0].id == d.id

    # Ending it: the grantor or an administrator, once.
    with pytest.raises(brandrail.PermissionDeniedError):
        company.end_delegation(HR, d.id)
    ended = company.end_delegation(LEGAL, d.id)
    assert ended.revoked_at is not None and ended.id == d.id
    with pytest.raises(brandrail.ConflictError):
        company.end_delegation(LEGAL, d.id)
    with pytest.raises(brandrail.NotFoundError) as missing:
        company.end_delegation(LEGAL, 999)
    assert missing.value.entity == "delegation"
    s2 = company.submit_approval(MARKETER, "content_review", ad("content-30/v1"))
    company.approve(BRAND, s2.id)
    assert company.approval_tasks(HR) == []
    with pytest.raises(brandrail.PermissionDeniedError):
        company.approve(HR, s2.id)
    d2 = company.delegate_approvals(LEGAL, HR, company.now(), company.now() + timedelta(days=1))
    assert company.end_delegation(HEAD, d2.id).revoked_at is not None  # a supervisor administers approvals
    assert [x.id for x in company.delegations(LEGAL)] == [d2.id, d.id]  # newest first


def test_delegation_bad_side(company):
    now = company.now()
    later = now + timedelta(days=3)
    before = company.audit_len()
    cases = [
        ((LEGAL, LEGAL, now, later), brandrail.ValidationError, "to"),
        ((LEGAL, HR, later, now), brandrail.ValidationError, "ends_at"),
        ((LEGAL, HR, now, now), brandrail.ValidationError, "ends_at"),
        ((LEGAL, HR, now, now + timedelta(days=367)), brandrail.ValidationError, "ends_at"),
        ((LEGAL, HR, now - timedelta(days=5), now - timedelta(days=1)), brandrail.ValidationError, "ends_at"),
        ((LEGAL, HR, datetime(2026, 1, 1), later), brandrail.ValidationError, "starts_at"),
        ((LEGAL, HR, now, datetime(2099, 1, 1)), brandrail.ValidationError, "ends_at"),
        ((LEGAL, "ghost", now, later), brandrail.NotFoundError, None),
        ((LEGAL, "x'); DROP TABLE delegation;--", now, later), brandrail.NotFoundError, None),
        (("ghost", HR, now, later), brandrail.PermissionDeniedError, None),
    ]
    for args, error, field in cases:
        with pytest.raises(error) as info:
            company.delegate_approvals(*args)
        if field:
            assert info.value.field == field, args
    for bad in ["2026-01-01T00:00:00Z", 1767225600, None, now.date()]:
        with pytest.raises(TypeError):
            company.delegate_approvals(LEGAL, HR, bad, later)  # type: ignore[arg-type]
    company.deactivate_principal(ADMIN, HR)
    with pytest.raises(brandrail.ConflictError):
        company.delegate_approvals(LEGAL, HR, now, later)
    assert company.delegations(LEGAL) == []
    # Invalid input records nothing; the unknown actor's refusal and the
    # deactivation are the only new records.
    assert company.audit_len() == before + 2


# ---------------------------------------------------------------- assignment and deactivation (ACC-3)


def test_assignment_and_deactivation_reassign_and_flag(company):
    s = company.submit_approval(MARKETER, "content_review", ad())
    before = snapshot(company, [s.id])
    with pytest.raises(brandrail.ValidationError) as info:
        company.assign_approval(EXEC, s.id, LEGAL)  # may not decide the brand stage
    assert info.value.field == "assignee"
    with pytest.raises(brandrail.PermissionDeniedError) as denied:
        company.assign_approval(MARKETER, s.id, BRAND2)
    assert denied.value.permission == "approval.administer"
    with pytest.raises(brandrail.NotFoundError):
        company.assign_approval(EXEC, s.id, "ghost")
    with pytest.raises(brandrail.NotFoundError):
        company.assign_approval(EXEC, 999, BRAND2)
    assert snapshot(company, [s.id])[0] == before[0]

    s = company.assign_approval(EXEC, s.id, BRAND2)
    assert s.assignee == BRAND2
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        company.approve(BRAND, s.id)
    assert info.value.reason == "not_a_decider"
    assert company.approval_tasks(BRAND) == []
    assert [t.assignee for t in company.approval_tasks(BRAND2)] == [BRAND2]
    last = company.approval_history(s.id)[-1]
    assert (last.kind, last.stage, last.principal) == ("assigned", "brand", EXEC)

    d = company.deactivate_principal(ADMIN, BRAND2)
    assert (d.reassigned_approvals, d.unstaffed_approvals) == ([s.id], [])
    assert d.to_dict()["reassigned_approvals"] == [s.id] and d.to_dict()["unstaffed_approvals"] == []
    assert "reassigned_approvals=[1]" in repr(d)
    assert company.approval(s.id).assignee is None
    assert company.approval_history(s.id)[-1].kind == "unassigned"
    assert len(company.approval_tasks(BRAND)) == 1
    assert company.approval_tasks(BRAND2) == []  # deactivated: nothing to decide
    company.approve(BRAND, s.id)
    # Legal has one reviewer; once she leaves, the legal stage is flagged.
    d = company.deactivate_principal(ADMIN, LEGAL)
    assert (d.reassigned_approvals, d.unstaffed_approvals) == ([], [s.id])
    # The list names every approval nobody active may decide, not only the
    # ones this deactivation caused.
    d = company.deactivate_principal(ADMIN, HR)
    assert (d.custodian_of, d.reassigned_approvals, d.unstaffed_approvals) == ([], [], [s.id])


# ---------------------------------------------------------------- throughput


def test_throughput_shape(company):
    for i in range(3):
        s = company.submit_approval(MARKETER, "content_review", ad(f"content-{i}/v1"))
        company.approve(BRAND, s.id)
        company.approve(LEGAL, s.id)
    company.submit_approval(MARKETER, "content_review", ad("content-open/v1"))  # still open: not counted
    rows = company.approval_throughput("content_review")
    assert [(t.workflow, t.stage, t.completed) for t in rows] == [
        ("content_review", "brand", 3), ("content_review", "legal", 3),
    ]
    for t in rows:
        assert isinstance(t.median_seconds, float) and isinstance(t.p90_seconds, float)
        assert 0 <= t.median_seconds <= t.p90_seconds < 60
    assert list(rows[0].to_dict()) == ["workflow", "stage", "completed", "median_seconds", "p90_seconds"]
    assert rows == company.approval_throughput("content_review")
    assert repr(rows[0]).startswith("StageThroughput(workflow='content_review', stage='brand', completed=3")

    columns = company.approval_throughput_columns("content_review")
    assert list(columns) == ["workflow", "stage", "completed", "median_seconds", "p90_seconds"]
    assert columns["stage"] == ["brand", "legal"] and columns["completed"] == [3, 3]
    assert columns["median_seconds"] == [t.median_seconds for t in rows]
    assert company.approval_throughput("leave_request") == []
    assert company.approval_throughput_columns("leave_request") == {k: [] for k in columns}
    for bad in ["nope", "", "x'; DROP TABLE approval_stage_run;--", "w" * 100_000]:
        with pytest.raises(brandrail.NotFoundError) as info:
            company.approval_throughput(bad)
        assert info.value.entity == "workflow" and len(str(info.value)) < 200
        with pytest.raises(brandrail.NotFoundError):
            company.approval_throughput_columns(bad)


# ---------------------------------------------------------------- results


def test_instance_to_dict_repr_eq(company):
    s = company.submit_approval(MARKETER, "expense_reimbursement", claim())
    d = s.to_dict()
    assert list(d) == [
        "id", "workflow", "subject", "submitter", "state", "round", "stages",
        "current_stage", "assignee", "escalated", "submitted_at", "updated_at", "closed_at",
    ]
    assert d["subject"] == claim()
    assert [st["name"] for st in d["stages"]] == ["department_head", "finance_check", "executive", "payment"]
    assert list(d["stages"][0]) == ["name", "state", "quorum", "approvals", "started_at", "due_at", "completed_at"]
    assert d["stages"][0]["due_at"].tzinfo is not None
    company.approve(HEAD, s.id)
    stage = company.approval(s.id).stages[0]
    assert stage.to_dict()["approvals"] == [a.to_dict() for a in stage.approvals]
    assert list(stage.approvals[0].to_dict()) == ["principal", "on_behalf_of", "at"]
    assert repr(stage).startswith("StageStatus(name='department_head', state='done', quorum=1")
    assert repr(stage.approvals[0]).startswith("StageApproval(principal='ma.head', on_behalf_of=None")
    assert repr(s) == (
        "ApprovalInstance(id=1, workflow='expense_reimbursement', state='in_review', "
        "current_stage='department_head', round=1, submitter='li.na')"
    )
    assert company.approval(s.id) == company.approval(s.id) and company.approval(s.id) != s
    with pytest.raises(AttributeError):
        s.state = "approved"  # type: ignore[misc]
    with pytest.raises(TypeError):
        hash(s)
    # A subject read back is accepted again as it is.
    again = company.submit_approval(MARKETER, "expense_reimbursement", s.subject.to_dict())
    assert again.subject == s.subject


def test_concurrent_submissions_and_decisions(company):
    errors: list[BaseException] = []

    def submitter():
        try:
            for _ in range(10):
                s = company.submit_approval(MARKETER, "content_review", {"kind": "content_version", "reference": "r", "title": "t"})
                company.approve(BRAND, s.id)
        except BaseException as e:  # noqa: BLE001 - reported to the test
            errors.append(e)

    threads = [threading.Thread(target=submitter) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert {company.approval(i).state for i in range(1, 41)} == {"approved"}
    with pytest.raises(brandrail.NotFoundError):
        company.approval(41)
    assert company.approval_throughput("content_review")[0].completed == 40
    assert company.verify_audit().ok
