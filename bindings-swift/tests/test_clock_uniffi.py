"""The manual clock through the uniffi FFI (`EngineOptions(clock_start=…)`,
`advance_clock`, `set_clock`) and what it makes testable from a host: a stage
passing its deadline, `overdue` flags in task lists, escalation and the
escalation pool deciding, a delegation expiring, throughput over known
durations, and zombie accounts appearing as time passes.
"""

from __future__ import annotations

import datetime as dt

import pytest

from uniffi_support import (
    APPROVED,
    UTC,
    ad_copy,
    at,
    br,
    company,
    denied,
    kinds,
    post,
    refused_unchanged,
    state,
)

START = at("2026-05-04T09:00:00Z")
HOUR = 3600
MS = dt.timedelta(milliseconds=1)
NOT_A_DECIDER = br.DenialReason.NOT_A_DECIDER


@pytest.fixture
def e():
    """The reviewers of every built-in workflow, on a manual clock at START."""
    return company(START)


def hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


def task_ids(tasks) -> list[int]:
    return [t.instance_id for t in tasks]


# ------------------------------------------------------------- the clock itself


def test_the_manual_clock_starts_where_told_and_stamps_every_write(e):
    assert e.now() == START
    s = e.submit_approval("li.na", "content_review", ad_copy())
    assert s.submitted_at == s.stages[0].started_at == START
    assert s.stages[0].due_at == START + hours(24)
    assert e.advance_clock(90) == e.now() == START + dt.timedelta(seconds=90)
    s = e.approve("chen.jie", s.id)
    assert s.stages[0].completed_at == s.stages[1].started_at == s.updated_at == e.now()
    assert e.approval_history(s.id)[-1].at == e.now()
    records = e.audit_query("zhao.min", br.AuditQuery(action="approval."))
    assert [(r.action, r.at) for r in records] == [
        ("approval.submit", START),
        ("approval.approve", e.now()),
    ]


def test_the_clock_moves_back_and_jumps_at_millisecond_precision(e):
    assert e.advance_clock(-HOUR) == e.now() == START - hours(1)
    assert e.advance_clock(0) == START - hours(1)
    # The engine keeps milliseconds, like every time it stores.
    assert e.set_clock(START + dt.timedelta(microseconds=1_500)) == START + MS
    assert e.now() == START + MS
    fine = company(START + dt.timedelta(microseconds=2_999))
    assert fine.now() == START + 2 * MS
    # Moving the clock is not an audited change.
    log = e.audit_len()
    e.advance_clock(30 * 24 * HOUR)
    e.set_clock(START)
    assert e.audit_len() == log
    assert e.verify_audit().ok


def test_an_engine_on_the_system_clock_refuses_to_move_it():
    e = company()
    for call, arg in ((e.advance_clock, HOUR), (e.set_clock, START)):
        err = refused_unchanged(e, "configuration", call, arg)
        assert isinstance(err, br.BrandrailError.Configuration)
        assert "manual clock" in err.detail
    assert abs(e.now() - dt.datetime.now(UTC)) < dt.timedelta(minutes=5)


@pytest.mark.parametrize("seconds", [2**63 - 1, -(2**63), 10**12, -(10**10), -(57 * 366 * 86_400)])
def test_a_move_out_of_the_years_1970_to_9999_is_refused(e, seconds):
    err = refused_unchanged(e, "validation", e.advance_clock, seconds)
    assert isinstance(err, br.BrandrailError.Validation)
    assert err.field == "by" and "1970-9999" in err.detail
    assert e.now() == START


def test_the_clock_reaches_both_ends_of_its_range_and_no_further(e):
    # (Not 23:59:59.999: uniffi's timestamp encoding cannot express the last
    # second before 1970 and sends it as the first one after, uniffi-rs#1433.)
    err = refused_unchanged(e, "validation", e.set_clock, at("1969-12-31T23:59:59Z"))
    assert err.field == "to"
    first = at("1970-01-01T00:00:00Z")
    assert e.set_clock(first) == first
    assert refused_unchanged(e, "validation", e.advance_clock, -1).field == "by"
    last = at("9999-12-31T23:59:59.999Z")
    assert e.set_clock(last) == last
    assert refused_unchanged(e, "validation", e.advance_clock, 1).field == "by"
    assert e.now() == last
    # Beyond Int64 seconds nothing reaches Rust (Swift and Kotlin cannot express it).
    with pytest.raises(ValueError):
        e.advance_clock(2**63)
    assert e.now() == last


# ------------------------------------------------------------------- deadlines


def test_a_stage_is_overdue_only_after_its_deadline(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    due = s.stages[0].due_at
    e.set_clock(due)
    assert e.overdue_approvals() == []
    [task] = e.approval_tasks("chen.jie")
    assert task.due_at == due and not task.overdue
    e.set_clock(due + MS)
    [late] = e.overdue_approvals()
    assert (late.instance_id, late.stage, late.due_at, late.overdue, late.escalated) == (
        s.id,
        "brand",
        due,
        True,
        False,
    )
    [task] = e.approval_tasks("chen.jie")
    assert task.overdue and not task.escalated
    assert not e.approval(s.id).escalated  # nothing escalates by itself
    # Decided late, the next stage starts its own 24 hours.
    s = e.approve("chen.jie", s.id, "迟到的审批")
    legal = s.stages[1]
    assert (legal.started_at, legal.due_at) == (e.now(), e.now() + hours(24))
    assert e.overdue_approvals() == []
    assert [t.overdue for t in e.approval_tasks("sun.li")] == [False]


def test_overdue_stages_come_most_overdue_first(e):
    budget = br.Subject(
        kind=br.SubjectKind.BUDGET_ADJUSTMENT, reference="adj-7", title="Q2 抖音追加"
    )
    b = e.submit_approval("li.na", "budget_adjustment", budget)  # finance: 48 h
    e.advance_clock(HOUR)
    s = e.submit_approval("li.na", "content_review", ad_copy())  # brand: 24 h
    e.set_clock(START + hours(26))
    assert task_ids(e.overdue_approvals()) == [s.id]
    e.set_clock(START + hours(49))
    assert task_ids(e.overdue_approvals()) == [s.id, b.id]
    # A report as of another time does not depend on the clock.
    assert task_ids(e.overdue_approvals(START + hours(30))) == [s.id]


# ------------------------------------------------------------------ escalation


def test_escalation_lets_the_escalation_pool_decide_an_overdue_stage(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    e.advance_clock(23 * HOUR)
    assert e.escalate_overdue_approvals("zhao.min") == []
    e.advance_clock(2 * HOUR)
    # Overdue but not escalated: the supervisors may not decide it yet.
    assert e.approval_tasks("ma.head") == []
    denied(e, NOT_A_DECIDER, e.approve, "ma.head", s.id)
    err = refused_unchanged(e, "validation", e.assign_approval, "zhao.min", s.id, "ma.head")
    assert err.field == "assignee"
    denied(e, br.DenialReason.MISSING_PERMISSION, e.escalate_overdue_approvals, "chen.jie")

    [esc] = e.escalate_overdue_approvals("ma.head")
    assert (esc.id, esc.current_stage, esc.escalated, esc.updated_at) == (
        s.id,
        "brand",
        True,
        e.now(),
    )
    assert e.approval(s.id).escalated
    last = e.approval_history(s.id)[-1]
    assert (last.kind, last.stage, last.principal, last.at) == (
        br.EventKind.ESCALATED,
        "brand",
        "ma.head",
        e.now(),
    )
    escalations = e.audit_query("zhao.min", br.AuditQuery(action="approval.escalate"))
    assert [(r.principal, r.outcome) for r in escalations] == [
        ("chen.jie", br.Outcome.DENIED),
        ("ma.head", br.Outcome.APPLIED),
    ]
    # Once only: a second run finds nothing and changes nothing.
    before = state(e)
    assert e.escalate_overdue_approvals("ma.head") == []
    assert state(e) == before

    # The escalation pool (supervisors) now sees it, beside the brand pool.
    [task] = e.approval_tasks("ma.head")
    assert (task.instance_id, task.overdue, task.escalated) == (s.id, True, True)
    assert task_ids(e.approval_tasks("chen.jie")) == [s.id]
    assert e.approval_tasks("sun.li") == []
    # An administrator may now hand it to a supervisor alone.
    assert e.assign_approval("zhao.min", s.id, "ma.head").assignee == "ma.head"
    assert e.approval_tasks("chen.jie") == []
    denied(e, NOT_A_DECIDER, e.approve, "chen.jie", s.id)
    s = e.approve("ma.head", s.id, "超时，由主管审批")
    assert (s.current_stage, s.escalated, s.assignee) == ("legal", False, None)
    [given] = s.stages[0].approvals
    assert (given.principal, given.on_behalf_of) == ("ma.head", None)
    # The legal stage starts afresh: its own deadline, its own pool.
    assert s.stages[1].due_at == e.now() + hours(24)
    assert e.approval_tasks("ma.head") == []
    assert kinds(e, s.id) == ["submitted", "escalated", "assigned", "approved"]


def test_a_stage_without_an_escalation_target_stays_with_its_pool(e):
    budget = br.Subject(
        kind=br.SubjectKind.BUDGET_ADJUSTMENT, reference="adj-8", title="Q3 小红书追加"
    )
    b = e.submit_approval("li.na", "budget_adjustment", budget)
    e.advance_clock(HOUR)
    b = e.approve("zhou.fan", b.id)
    assert b.current_stage == "executive"  # 72 h, no escalation target
    e.advance_clock(73 * HOUR)
    assert task_ids(e.overdue_approvals()) == [b.id]
    assert e.escalate_overdue_approvals("zhao.min") == []
    assert not e.approval(b.id).escalated
    assert [t.overdue for t in e.approval_tasks("zhao.min")] == [True]


def test_a_sensitive_item_escalates_from_the_supervisors_to_the_executives(e):
    s = e.submit_approval("li.na", "content_review", ad_copy(sensitive="true"))
    e.approve("chen.jie", s.id)
    s = e.approve("sun.li", s.id)
    assert s.current_stage == "supervisor" and s.stages[2].due_at == e.now() + hours(8)
    e.advance_clock(9 * HOUR)
    assert [i.id for i in e.escalate_overdue_approvals("ma.head")] == [s.id]
    # zhao.min is an executive (and a supervisor); sales.head only a supervisor.
    assert task_ids(e.approval_tasks("sales.head")) == [s.id]
    assert e.approve("zhao.min", s.id, "可以发布").state == APPROVED


# ------------------------------------------------------------------ delegation


def test_a_delegation_gives_authority_only_inside_its_window(e):
    s = e.submit_approval("li.na", "content_review", ad_copy())
    e.approve("chen.jie", s.id)
    d = e.delegate_approvals("sun.li", "hu.hr", START + hours(24), START + hours(72))
    assert e.approval_tasks("hu.hr") == []
    denied(e, NOT_A_DECIDER, e.approve, "hu.hr", s.id)
    e.set_clock(START + hours(24))
    [task] = e.approval_tasks("hu.hr")
    assert (task.instance_id, task.on_behalf_of) == (s.id, "sun.li")
    e.set_clock(START + hours(72) - MS)
    assert task_ids(e.approval_tasks("hu.hr")) == [s.id]
    e.set_clock(START + hours(72))  # the end is exclusive
    assert e.approval_tasks("hu.hr") == []
    denied(e, NOT_A_DECIDER, e.approve, "hu.hr", s.id)
    # Expired, not ended: the record stays as it was.
    assert e.delegations("sun.li") == [d] and d.revoked_at is None
    # A window that has passed by the engine's clock is refused.
    err = refused_unchanged(
        e, "validation", e.delegate_approvals, "sun.li", "hu.hr", START, START + hours(72)
    )
    assert err.field == "ends_at"
    assert e.approve("sun.li", s.id).state == APPROVED


# ------------------------------------------------------------------ throughput


def test_throughput_reports_the_durations_the_clock_measured(e):
    ads = [
        e.submit_approval("li.na", "content_review", ad_copy(f"content-{n}/v1")).id
        for n in range(3)
    ]
    for step, id in zip((1, 1, 4), ads):  # brand takes 1 h, 2 h and 6 h
        e.advance_clock(step * HOUR)
        e.approve("chen.jie", id)
    e.advance_clock(30 * 60)  # legal takes 5.5 h, 4.5 h and 0.5 h
    for id in ads:
        e.approve("sun.li", id)
    p = e.submit_approval("li.na", "content_review", post())
    e.advance_clock(HOUR)  # and a plain post 1 h at brand
    e.approve("chen.jie", p.id)
    rows = e.approval_throughput("content_review")
    assert [(r.stage, r.completed, r.median_seconds, r.p90_seconds) for r in rows] == [
        ("brand", 4, 5400.0, 21600.0),  # 1 h, 1 h, 2 h, 6 h
        ("legal", 3, 16200.0, 19800.0),  # 0.5 h, 4.5 h, 5.5 h
    ]


# ---------------------------------------------------------------------- zombies


def test_zombie_accounts_appear_as_time_passes(e):
    e.register_media_account(
        "it.admin",
        br.NewMediaAccount(
            id="weibo-main",
            platform=br.Platform.WEIBO,
            display_name="品牌微博",
            owner_department=br.Department.PR,
            custodian="chen.jie",
        ),
    )
    six_months = at("2026-11-04T09:00:00Z")  # zombie_after_months = 6
    e.set_clock(six_months - MS)
    assert e.zombie_media_accounts() == []
    e.set_clock(six_months)
    [z] = e.zombie_media_accounts()
    assert (z.account.id, z.idle_since, z.idle_days) == ("weibo-main", START, 184)
    # An interaction starts the six months again.
    e.record_media_interaction("chen.jie", "weibo-main", e.now())
    assert e.zombie_media_accounts() == []
    e.advance_clock(184 * 24 * HOUR)
    [z] = e.zombie_media_accounts()
    assert (z.idle_since, z.idle_days) == (six_months, 184)
