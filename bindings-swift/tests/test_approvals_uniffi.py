"""Approvals (APR-1..APR-4) through the uniffi FFI: the built-in workflows,
separation of duties, rejection and resubmission, withdrawal, delegation,
assignment and deactivation, overdue reports and throughput — each refusal
with its typed error case, and nothing changed by it. Bad input is in
`test_approvals_input_uniffi.py`.

These run on the system clock, so a deadline never passes during a test:
overdue reports are taken `as_of` a future time, and escalation is exercised
up to its refusal and its "nothing is overdue yet" answer.
`test_clock_uniffi.py` moves a manual clock past the deadlines; listing is in
`test_approvals_listing_uniffi.py`.
"""

from __future__ import annotations

import datetime as dt

import pytest

from uniffi_support import (
    ACTIVE,
    APPROVED,
    CHECKLIST,
    DONE,
    IN_REVIEW,
    SKIPPED,
    WAITING,
    ad_copy,
    br,
    claim,
    company,
    denied,
    invoice,
    kinds,
    post,
    refused,
    refused_unchanged,
    same_moment,
    state,
)


@pytest.fixture
def e():
    """An in-memory engine with the reviewers of every built-in workflow."""
    return company()

# ------------------------------------------------------------ content review


def test_content_review_sends_ads_to_legal(e):
    ad = e.submit_approval("li.na", "content_review", ad_copy())
    assert (ad.id, ad.workflow, ad.submitter, ad.state, ad.round) == (
        1,
        "content_review",
        "li.na",
        IN_REVIEW,
        1,
    )
    assert ad.subject == ad_copy()
    assert ad.current_stage == "brand" and ad.assignee is None and not ad.escalated
    assert [(s.name, s.state) for s in ad.stages] == [
        ("brand", ACTIVE),
        ("legal", WAITING),
        ("supervisor", SKIPPED),
    ]
    brand = ad.stages[0]
    assert brand.quorum == 1 and brand.approvals == [] and brand.completed_at is None
    assert brand.started_at == ad.submitted_at
    assert brand.due_at - brand.started_at == dt.timedelta(hours=24)
    assert ad.closed_at is None and ad.submitted_at.tzinfo is not None

    ad = e.approve("chen.jie", ad.id, "符合品牌规范")
    assert ad.current_stage == "legal"
    [given] = ad.stages[0].approvals
    assert (given.principal, given.on_behalf_of) == ("chen.jie", None)
    assert ad.stages[0].state == DONE and ad.stages[0].completed_at is not None
    # A second brand reviewer may not take the legal stage.
    err = denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "gao.brand", ad.id)
    assert err.permission == "approval.decide:content_review.legal"
    ad = e.approve("sun.li", ad.id, "无绝对化用语")
    assert (ad.state, ad.current_stage) == (APPROVED, None)
    assert ad.closed_at is not None
    stored = e.approval(ad.id)
    assert (stored.state, stored.round, stored.subject) == (ad.state, ad.round, ad.subject)
    assert same_moment(stored.closed_at, ad.closed_at)
    assert kinds(e, ad.id) == ["submitted", "approved", "approved"]


def test_content_review_lets_plain_posts_skip_legal(e):
    p = e.submit_approval("li.na", "content_review", post())
    assert [s.state for s in p.stages] == [ACTIVE, SKIPPED, SKIPPED]
    p = e.approve("chen.jie", p.id)
    assert p.state == APPROVED and p.stages[1].state == SKIPPED


def test_content_review_sends_sensitive_items_to_a_supervisor(e):
    s = e.submit_approval("li.na", "content_review", ad_copy(sensitive="true"))
    assert [st.state for st in s.stages] == [ACTIVE, WAITING, WAITING]
    e.approve("chen.jie", s.id)
    s = e.approve("sun.li", s.id)
    assert s.current_stage == "supervisor"
    assert s.stages[2].due_at - s.stages[2].started_at == dt.timedelta(hours=8)
    denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "hu.hr", s.id)
    s = e.approve("zhao.min", s.id, "可以发布")
    assert s.state == APPROVED


# ------------------------------------------------------ expense reimbursement


def test_reimbursement_passes_four_stages_with_an_invoice_and_the_checklist(e):
    err = refused_unchanged(
        e, "validation", e.submit_approval, "li.na", "expense_reimbursement", claim()
    )
    assert err.field == "subject.attachments" and "invoice" in err.detail
    c = e.submit_approval("li.na", "expense_reimbursement", claim(invoice()))
    assert [s.name for s in c.stages] == ["department_head", "finance_check", "executive", "payment"]
    assert c.subject.attachments == [invoice()]
    assert c.subject.attributes == {"amount": "1280.50"}
    # Department head: a supervisor of the submitter's own department.
    denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "sales.head", c.id)
    c = e.approve("ma.head", c.id, "属实")
    assert c.current_stage == "finance_check"
    # Finance must confirm exactly the checklist (order and repeats do not matter).
    err = refused_unchanged(e, "validation", e.approve, "zhou.fan", c.id, "", ["authenticity"])
    assert err.field == "checklist" and "completeness" in err.detail
    refused_unchanged(e, "validation", e.approve, "zhou.fan", c.id, "", CHECKLIST + ["vibes"])
    refused_unchanged(e, "validation", e.approve, "zhou.fan", c.id)
    checked = br.Decision.APPROVE(
        comment="发票已验真", checklist=["legality", "completeness", "authenticity", "legality"]
    )
    c = e.decide_approval("zhou.fan", c.id, checked)
    assert c.current_stage == "executive"
    c = e.approve("zhao.min", c.id, "同意")
    assert c.current_stage == "payment"
    # The checker may not also pay (APR-3): another finance principal does.
    err = refused_unchanged(e, "separation_of_duties", e.approve, "zhou.fan", c.id, "已付款")
    assert isinstance(err, br.BrandrailError.SeparationOfDuties)
    assert err.principal == "zhou.fan" and "finance_check" in err.detail
    c = e.approve("qian.pay", c.id, "已付款")
    assert (c.state, c.current_stage) == (APPROVED, None)

    history = e.approval_history(c.id)
    assert [ev.kind for ev in history] == [br.EventKind.SUBMITTED] + [br.EventKind.APPROVED] * 4
    assert [ev.stage for ev in history] == [
        None,
        "department_head",
        "finance_check",
        "executive",
        "payment",
    ]
    assert history[2].checklist == sorted(CHECKLIST)
    assert (history[2].principal, history[2].comment, history[2].round) == ("zhou.fan", "发票已验真", 1)
    assert all(ev.instance_id == c.id for ev in history)
    assert [ev.id for ev in history] == sorted(ev.id for ev in history)


@pytest.mark.parametrize("amount", ["1280.50", "0.01", "12000", "0", None])
def test_invoice_amounts_round_trip_exactly(e, amount):
    c = e.submit_approval("li.na", "expense_reimbursement", claim(invoice(amount)))
    assert e.approval(c.id).subject.attachments[0].amount == amount


# -------------------------------------------------------- separation of duties


def test_nobody_approves_their_own_submission(e):
    s = e.submit_approval("chen.jie", "content_review", ad_copy())
    err = refused_unchanged(e, "separation_of_duties", e.approve, "chen.jie", s.id, "looks great")
    assert isinstance(err, br.BrandrailError.SeparationOfDuties)
    assert err.principal == "chen.jie" and "own submission" in err.detail
    last = e.audit_query("zhao.min", br.AuditQuery(outcome=br.Outcome.DENIED))[-1]
    # Not entity_id: the core digests a refused attempt's one-digit id like a
    # bad handle ("invalid:…"), so approvals 1-9 cannot be found by id here.
    assert (last.principal, last.action, last.entity_type) == (
        "chen.jie",
        "approval.approve",
        "approval",
    )
    assert "separation_of_duties" in last.detail
    assert e.approval_tasks("chen.jie") == []
    assert [t.instance_id for t in e.approval_tasks("gao.brand")] == [s.id]


def test_one_principal_fills_one_stage_unless_the_workflow_allows_more(e):
    # Project gates allow one owner to pass every gate.
    p = e.submit_approval(
        "li.na",
        "project_gates",
        br.Subject(kind=br.SubjectKind.PROJECT, reference="prj-9", title="会员小程序"),
    )
    for _ in range(len(p.stages)):
        p = e.approve("ma.head", p.id)
    assert p.state == APPROVED and len(p.stages) == 11
    # Budget adjustments do not.
    e.grant_role("it.admin", "zhao.min", "finance_staff")
    b = e.submit_approval(
        "li.na",
        "budget_adjustment",
        br.Subject(kind=br.SubjectKind.BUDGET_ADJUSTMENT, reference="adj-1", title="Q3 抖音追加"),
    )
    e.approve("zhao.min", b.id)
    refused_unchanged(e, "separation_of_duties", e.approve, "zhao.min", b.id)


def test_a_non_decider_is_refused_with_not_a_decider(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    for actor in ("hu.hr", "sun.li", "zhao.min", "it.admin"):
        err = denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, actor, s.id)
        assert err.reason.as_str() == "not_a_decider"
        assert err.principal == actor
    denied(e, br.DenialReason.NOT_A_DECIDER, e.reject, "hu.hr", s.id, "不行")
    denied(e, br.DenialReason.NOT_A_DECIDER, e.return_for_changes, "hu.hr", s.id, "改")
    denied(e, br.DenialReason.UNKNOWN_PRINCIPAL, e.approve, "ghost", s.id)
    e.deactivate_principal("it.admin", "gao.brand")
    denied(e, br.DenialReason.DEACTIVATED, e.approve, "gao.brand", s.id)
    denied(e, br.DenialReason.MISSING_PERMISSION, e.escalate_overdue_approvals, "li.na")


# ------------------------------------------------ rejection and resubmission


@pytest.mark.parametrize("comment", ["", "   ", "\n"])
def test_rejection_and_return_need_a_comment(e, comment):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    for call in (e.reject, e.return_for_changes):
        err = refused_unchanged(e, "validation", call, "chen.jie", s.id, comment)
        assert err.field == "comment"
    for decision in (br.Decision.REJECT(comment=comment), br.Decision.RETURN(comment=comment)):
        refused_unchanged(e, "validation", e.decide_approval, "chen.jie", s.id, decision)
    # An approval needs none.
    assert e.decide_approval("chen.jie", s.id, br.Decision.APPROVE()).current_stage == "legal"


def test_resubmission_keeps_history_and_starts_a_new_round(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    why = '用了"最好"，违反广告法第九条'
    r = e.reject("chen.jie", s.id, why)
    assert (r.state, r.current_stage, r.round) == (br.ApprovalState.REJECTED, None, 1)
    refused_unchanged(e, "conflict", e.approve, "sun.li", s.id)
    refused_unchanged(e, "conflict", e.reject, "chen.jie", s.id, "again")
    denied(e, br.DenialReason.NOT_THE_SUBMITTER, e.resubmit_approval, "chen.jie", s.id, None)
    wrong_kind = br.Subject(kind=br.SubjectKind.LEAVE, reference="x", title="x")
    err = refused_unchanged(e, "validation", e.resubmit_approval, "li.na", s.id, wrong_kind)
    assert err.field == "subject.kind"

    fixed = ad_copy("content-17/v4")
    r2 = e.resubmit_approval("li.na", s.id, fixed)
    assert (r2.state, r2.current_stage, r2.round) == (IN_REVIEW, "brand", 2)
    assert r2.subject == fixed and r2.submitted_at == r.submitted_at
    refused_unchanged(e, "conflict", e.resubmit_approval, "li.na", s.id)
    r2 = e.return_for_changes("chen.jie", s.id, "加上广告标识")
    assert r2.state == br.ApprovalState.RETURNED_FOR_CHANGES
    r3 = e.resubmit_approval("li.na", s.id)
    assert r3.round == 3 and r3.subject == fixed
    e.approve("chen.jie", s.id)
    done = e.approve("sun.li", s.id)
    assert (done.state, done.round) == (APPROVED, 3)

    history = e.approval_history(s.id)
    assert [ev.kind.as_str() for ev in history] == [
        "submitted",
        "rejected",
        "resubmitted",
        "returned",
        "resubmitted",
        "approved",
        "approved",
    ]
    assert [ev.round for ev in history] == [1, 1, 2, 2, 3, 3, 3]
    assert history[1].comment == why and history[1].stage == "brand"
    assert history[3].comment == "加上广告标识"


def test_withdraw_is_final_and_only_for_the_submitter(e):
    w = e.submit_approval("li.na", "content_review", ad_copy())
    denied(e, br.DenialReason.NOT_THE_SUBMITTER, e.withdraw_approval, "chen.jie", w.id, "")
    refused_unchanged(e, "validation", e.withdraw_approval, "li.na", w.id, "x" * 2001)
    w = e.withdraw_approval("li.na", w.id, "活动取消")
    assert (w.state, w.current_stage) == (br.ApprovalState.WITHDRAWN, None)
    assert w.closed_at is not None
    assert e.approval_history(w.id)[-1].comment == "活动取消"
    refused_unchanged(e, "conflict", e.withdraw_approval, "li.na", w.id)
    refused_unchanged(e, "conflict", e.approve, "chen.jie", w.id)
    refused_unchanged(e, "conflict", e.resubmit_approval, "li.na", w.id)
    assert e.approval_tasks("chen.jie") == []
    # A rejected approval may be withdrawn too; an approved one may not.
    r = e.submit_approval("li.na", "content_review", post())
    e.reject("chen.jie", r.id, "重写")
    assert e.withdraw_approval("li.na", r.id).state == br.ApprovalState.WITHDRAWN
    a = e.approve("chen.jie", e.submit_approval("li.na", "content_review", post()).id)
    refused_unchanged(e, "conflict", e.withdraw_approval, "li.na", a.id)


# ------------------------------------------------------------------ delegation


def test_delegation_while_away_is_recorded_on_the_decision(e):
    now = e.now()
    s = e.submit_approval("li.na", "content_review", ad_copy())
    e.approve("chen.jie", s.id)
    denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "hu.hr", s.id)
    three_days = now + dt.timedelta(days=3)
    for to, start, end, field in [
        ("sun.li", now, three_days, "to"),
        ("hu.hr", now, now - dt.timedelta(days=3), "ends_at"),
        ("hu.hr", now, now, "ends_at"),
        ("hu.hr", now - dt.timedelta(days=5), now - dt.timedelta(days=1), "ends_at"),
        ("hu.hr", now, now + dt.timedelta(days=367), "ends_at"),
    ]:
        err = refused_unchanged(e, "validation", e.delegate_approvals, "sun.li", to, start, end)
        assert err.field == field
    err = refused_unchanged(e, "not_found", e.delegate_approvals, "sun.li", "ghost", now, three_days)
    assert err.entity == "principal"
    unknown = br.DenialReason.UNKNOWN_PRINCIPAL
    denied(e, unknown, e.delegate_approvals, "ghost", "hu.hr", now, three_days)

    d = e.delegate_approvals("sun.li", "hu.hr", now - dt.timedelta(hours=1), three_days)
    assert (d._from, d.to, d.revoked_at) == ("sun.li", "hu.hr", None)
    assert (d.starts_at, d.ends_at) == (now - dt.timedelta(hours=1), three_days)
    assert e.delegations("sun.li") == [d] and e.delegations("hu.hr") == [d]
    [task] = e.approval_tasks("hu.hr")
    assert (task.instance_id, task.stage, task.on_behalf_of) == (s.id, "legal", "sun.li")
    assert e.approval_tasks("sun.li")[0].on_behalf_of is None
    done = e.approve("hu.hr", s.id, "代孙丽审批")
    assert done.state == APPROVED
    [legal] = done.stages[1].approvals
    assert (legal.principal, legal.on_behalf_of) == ("hu.hr", "sun.li")
    last = e.approval_history(s.id)[-1]
    assert (last.principal, last.on_behalf_of, last.comment) == ("hu.hr", "sun.li", "代孙丽审批")

    # Ended early, the delegate has nothing.
    s2 = e.submit_approval("li.na", "content_review", ad_copy("content-19/v1"))
    e.approve("chen.jie", s2.id)
    assert [t.instance_id for t in e.approval_tasks("hu.hr")] == [s2.id]
    denied(e, br.DenialReason.MISSING_PERMISSION, e.end_delegation, "hu.hr", d.id)
    ended = e.end_delegation("sun.li", d.id)
    assert ended.revoked_at is not None and ended.id == d.id
    refused_unchanged(e, "conflict", e.end_delegation, "sun.li", d.id)
    err = refused_unchanged(e, "not_found", e.end_delegation, "sun.li", 999)
    assert err.entity == "delegation"
    assert e.approval_tasks("hu.hr") == []
    denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "hu.hr", s2.id)

    # A delegation that starts tomorrow gives nothing today; an administrator
    # may end someone else's.
    later = e.delegate_approvals(
        "sun.li", "hu.hr", e.now() + dt.timedelta(days=1), e.now() + dt.timedelta(days=2)
    )
    assert e.approval_tasks("hu.hr") == []
    assert [x.id for x in e.delegations("sun.li")] == [later.id, d.id]
    assert e.end_delegation("zhao.min", later.id).revoked_at is not None
    assert e.delegations("nobody.here") == []


def test_delegating_to_a_deactivated_principal_is_a_conflict(e):
    e.deactivate_principal("it.admin", "hu.hr")
    now = e.now()
    err = refused_unchanged(
        e, "conflict", e.delegate_approvals, "sun.li", "hu.hr", now, now + dt.timedelta(days=1)
    )
    assert err.entity == "principal"


# --------------------------------------------------------- overdue, escalation


def test_overdue_tasks_are_reported_as_of_a_later_time(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    due = s.stages[0].due_at
    assert due - s.submitted_at == dt.timedelta(hours=24)
    assert e.overdue_approvals() == []
    assert e.overdue_approvals(due - dt.timedelta(minutes=1)) == []
    [late] = e.overdue_approvals(due + dt.timedelta(hours=1))
    assert (late.instance_id, late.workflow, late.stage, late.overdue) == (
        s.id,
        "content_review",
        "brand",
        True,
    )
    assert (late.subject_kind, late.subject_title, late.submitter) == (
        br.SubjectKind.CONTENT_VERSION,
        "双十一 广告文案",
        "li.na",
    )
    assert same_moment(late.due_at, due) and not late.escalated
    [task] = e.approval_tasks("chen.jie")
    assert not task.overdue and same_moment(task.due_at, due)
    # Most overdue first: a claim due in 48 h is less late than the brand stage.
    c = e.submit_approval("li.na", "expense_reimbursement", claim(invoice()))
    later = e.now() + dt.timedelta(days=3)
    assert [t.instance_id for t in e.overdue_approvals(later)] == [s.id, c.id]
    assert e.overdue_approvals(dt.datetime(1, 1, 1, tzinfo=dt.timezone.utc)) == []


def test_escalation_needs_an_administrator_and_waits_for_the_deadline(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    denied(e, br.DenialReason.MISSING_PERMISSION, e.escalate_overdue_approvals, "chen.jie")
    denied(e, br.DenialReason.UNKNOWN_PRINCIPAL, e.escalate_overdue_approvals, "ghost")
    before = state(e)
    assert e.escalate_overdue_approvals("zhao.min") == []
    assert state(e) == before
    assert not e.approval(s.id).escalated
    # Before the deadline the escalation target is no decider yet.
    denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "ma.head", s.id)


# ------------------------------------------------------ assignment, deactivation


def test_assignment_and_deactivation_of_the_assignee(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    err = refused_unchanged(e, "validation", e.assign_approval, "zhao.min", s.id, "sun.li")
    assert err.field == "assignee"
    denied(e, br.DenialReason.MISSING_PERMISSION, e.assign_approval, "chen.jie", s.id, "gao.brand")
    err = refused_unchanged(e, "not_found", e.assign_approval, "zhao.min", s.id, "ghost")
    assert err.entity == "principal"
    err = refused_unchanged(e, "not_found", e.assign_approval, "zhao.min", 999, "gao.brand")
    assert err.entity == "approval"

    own = e.submit_approval("gao.brand", "content_review", ad_copy("content-20/v1"))
    refused_unchanged(e, "separation_of_duties", e.assign_approval, "zhao.min", own.id, "gao.brand")
    e.withdraw_approval("gao.brand", own.id)

    s = e.assign_approval("zhao.min", s.id, "gao.brand")
    assert s.assignee == "gao.brand"
    assert e.approval_history(s.id)[-1].kind == br.EventKind.ASSIGNED
    denied(e, br.DenialReason.NOT_A_DECIDER, e.approve, "chen.jie", s.id)
    assert e.approval_tasks("chen.jie") == []
    assert [t.assignee for t in e.approval_tasks("gao.brand")] == ["gao.brand"]

    d = e.deactivate_principal("it.admin", "gao.brand")
    assert (d.reassigned_approvals, d.unstaffed_approvals) == ([s.id], [])
    assert d.custodian_of == []
    s = e.approval(s.id)
    assert s.assignee is None
    last = e.approval_history(s.id)[-1]
    assert last.kind == br.EventKind.UNASSIGNED and "gao.brand" in last.comment
    assert [t.instance_id for t in e.approval_tasks("chen.jie")] == [s.id]
    assert e.approval_tasks("gao.brand") == []
    e.approve("chen.jie", s.id)
    # Legal has one reviewer; once she leaves, the legal stage is flagged, and
    # her delegations end.
    e.delegate_approvals("sun.li", "hu.hr", e.now(), e.now() + dt.timedelta(days=1))
    d = e.deactivate_principal("it.admin", "sun.li")
    assert (d.reassigned_approvals, d.unstaffed_approvals) == ([], [s.id])
    assert all(x.revoked_at is not None for x in e.delegations("sun.li"))
    assert e.approval_tasks("sun.li") == []


# ------------------------------------------------------------------ throughput


def test_throughput_per_stage_in_workflow_order(e):
    assert e.approval_throughput("content_review") == []
    for n in range(3):
        s = e.submit_approval("li.na", "content_review", ad_copy(f"content-{n}/v1"))
        e.approve("chen.jie", s.id)
        e.approve("sun.li", s.id)
    e.approve("chen.jie", e.submit_approval("li.na", "content_review", post()).id)
    rows = e.approval_throughput("content_review")
    assert [(r.workflow, r.stage, r.completed) for r in rows] == [
        ("content_review", "brand", 4),
        ("content_review", "legal", 3),
    ]
    for r in rows:
        assert isinstance(r.median_seconds, float) and isinstance(r.p90_seconds, float)
        assert 0 <= r.median_seconds <= r.p90_seconds < 60
    assert e.approval_throughput("budget_adjustment") == []
    for bad in ("nope", "", "x'); DROP TABLE approval_instance;--", "w" * 1_000_000):
        err = refused("not_found", e.approval_throughput, bad)
        assert err.entity == "workflow" and "DROP" not in err.detail and len(err.detail) < 200


# ------------------------------------------------------------------ enums


def test_enums_mirror_the_core_names():
    for enum, parse, names in (
        (
            br.ApprovalState,
            br.parse_approval_state,
            ["in_review", "approved", "rejected", "returned_for_changes", "withdrawn"],
        ),
        (br.StageState, br.parse_stage_state, ["waiting", "active", "done", "skipped"]),
        (
            br.EventKind,
            br.parse_event_kind,
            [
                "submitted",
                "approved",
                "rejected",
                "returned",
                "resubmitted",
                "withdrawn",
                "escalated",
                "assigned",
                "unassigned",
            ],
        ),
        (
            br.SubjectKind,
            br.parse_subject_kind,
            [
                "content_version",
                "budget_adjustment",
                "expense_claim",
                "project",
                "document",
                "leave",
                "decision",
            ],
        ),
    ):
        assert [v.as_str() for v in enum] == names
        for value in enum:
            assert parse(value.as_str()) == value
    err = refused("validation", br.parse_subject_kind, "spaceship")
    assert err.field == "subject_kind" and "expense_claim" in err.detail
    assert len(refused("validation", br.parse_event_kind, "x" * 100_000).detail) < 400
