"""Time-driven governance on a manual clock (`Engine.in_memory(clock_start=)`,
`advance_clock`, `set_clock`): stage deadlines and the overdue flags of task
lists (APR-4), escalation firing and the escalation pool deciding, delegations
starting and expiring, throughput over known durations, media accounts turning
into zombies (ACC-5) and backups falling due (AUD-3). The policy's numbers
used here are the default pack's: 24 h for the brand and legal stages, 72 h for
a budget's executive stage (no escalation), 6 months to a zombie, a backup
every 24 h."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

import brandrail
from conftest import ADMIN, BRAND, CHECKER, EXEC, HEAD, HR, LEGAL, MARKETER, SALES_HEAD, ad, claim, snapshot, staff

START = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)  # a Monday morning
HOUR = timedelta(hours=1)
MS = timedelta(milliseconds=1)


@pytest.fixture
def clocked() -> brandrail.Engine:
    """The staffed company on a manual clock showing START."""
    return staff(brandrail.Engine.in_memory(clock_start=START))


def ids(items) -> list[int]:
    return [getattr(i, "instance_id", None) or i.id for i in items]


# ---------------------------------------------------------------- deadlines (APR-4)


def test_overdue_approvals_as_of_a_future_time(company):
    # On the system clock, deadlines can still be looked at ahead of time.
    content = company.submit_approval(MARKETER, "content_review", ad())
    expense = company.submit_approval(MARKETER, "expense_reimbursement", claim())
    now = company.now()
    assert company.overdue_approvals() == []
    assert company.overdue_approvals(now + timedelta(hours=23)) == []
    [late] = company.overdue_approvals(as_of=now + timedelta(hours=25))
    assert (late.instance_id, late.stage, late.overdue, late.workflow) == (content.id, "brand", True, "content_review")
    assert late.due_at == content.active_stage.due_at
    assert (late.subject_kind, late.subject_title, late.submitter) == ("content_version", "双十一 广告文案", MARKETER)
    assert late.escalated is False and late.assignee is None and late.on_behalf_of is None
    both = company.overdue_approvals(now + timedelta(hours=49))
    assert [t.instance_id for t in both] == [content.id, expense.id]  # most overdue first
    assert list(late.to_dict()) == [
        "instance_id", "workflow", "stage", "subject_kind", "subject_title", "submitter",
        "due_at", "overdue", "escalated", "assignee", "on_behalf_of",
    ]
    assert repr(late).startswith(f"ApprovalTask(instance_id={content.id}, workflow='content_review', stage='brand'")
    # Tasks carry the same deadline, not overdue yet by the engine clock.
    [task] = company.approval_tasks(BRAND)
    assert task.due_at == late.due_at and task.overdue is False
    beijing = timezone(timedelta(hours=8))
    assert company.overdue_approvals((now + timedelta(hours=25)).astimezone(beijing)) == [late]
    with pytest.raises(brandrail.ValidationError) as info:
        company.overdue_approvals(datetime(2030, 1, 1))
    assert info.value.field == "as_of"
    with pytest.raises(TypeError):
        company.overdue_approvals("2030-01-01")  # type: ignore[arg-type]


def test_a_stage_passes_its_deadline(clocked):
    s = clocked.submit_approval(MARKETER, "content_review", ad())
    due = START + timedelta(hours=24)
    assert s.active_stage.due_at == due
    [task] = clocked.approval_tasks(BRAND)
    assert (task.due_at, task.overdue) == (due, False)

    # Due at the deadline, overdue only after it.
    assert clocked.set_clock(due) == due
    assert clocked.approval_tasks(BRAND)[0].overdue is False
    assert clocked.overdue_approvals() == []
    clocked.advance_clock(MS)
    [task] = clocked.approval_tasks(BRAND)
    assert task.overdue is True and task.escalated is False
    [late] = clocked.overdue_approvals()  # as of the engine clock
    assert (late.instance_id, late.overdue) == (s.id, True)
    assert clocked.approval(s.id).escalated is False  # nobody escalated it yet

    # A late decision still counts; the next stage gets a fresh deadline.
    clocked.advance_clock(timedelta(hours=5))
    s = clocked.approve(BRAND, s.id, comment="迟到的审批")
    assert s.current_stage == "legal"
    assert s.stages[0].completed_at == due + MS + timedelta(hours=5)
    assert s.active_stage.started_at == clocked.now()
    assert s.active_stage.due_at == clocked.now() + timedelta(hours=24)
    assert clocked.overdue_approvals() == []
    assert clocked.approval_tasks(LEGAL)[0].overdue is False


def test_escalation_fires_and_the_pool_decides(clocked):
    s = clocked.submit_approval(MARKETER, "content_review", ad())
    budget = clocked.submit_approval(MARKETER, "budget_adjustment", {
        "kind": "budget_adjustment", "reference": "adj-7", "title": "Q2 抖音追加",
    })
    clocked.approve(CHECKER, budget.id)  # now at 'executive', which has no escalation target
    # Before the deadline there is nothing to escalate, and the pool may not decide.
    assert clocked.escalate_overdue_approvals(EXEC) == []
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        clocked.approve(HEAD, s.id)
    assert info.value.reason == "not_a_decider"

    clocked.advance_clock(timedelta(hours=73))
    assert ids(clocked.overdue_approvals()) == [s.id, budget.id]
    before = snapshot(clocked, [s.id, budget.id])
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        clocked.escalate_overdue_approvals(MARKETER)
    assert (info.value.permission, info.value.reason) == ("approval.administer", "missing_permission")
    assert snapshot(clocked, [s.id, budget.id])[0] == before[0]

    [escalated] = clocked.escalate_overdue_approvals(EXEC)
    assert (escalated.id, escalated.escalated, escalated.current_stage) == (s.id, True, "brand")
    assert escalated.updated_at == clocked.now()
    assert clocked.approval(budget.id).escalated is False  # overdue, but nowhere to go
    last = clocked.approval_history(s.id)[-1]
    assert (last.kind, last.stage, last.principal, last.at) == ("escalated", "brand", EXEC, clocked.now())
    assert clocked.escalate_overdue_approvals(EXEC) == []  # once per stage

    # The escalation pool (supervisors) may now decide, as may the stage's own deciders.
    for handle in (HEAD, SALES_HEAD, BRAND):
        [task] = [t for t in clocked.approval_tasks(handle) if t.instance_id == s.id]
        assert (task.escalated, task.overdue) == (True, True)
    s = clocked.approve(HEAD, s.id, comment="超时，由主管审批")
    assert s.current_stage == "legal" and s.escalated is False
    assert [(a.principal, a.on_behalf_of) for a in s.stages[0].approvals] == [(HEAD, None)]
    assert [e.kind for e in clocked.approval_history(s.id)] == ["submitted", "escalated", "approved"]
    # The pool's authority ended with the stage.
    with pytest.raises(brandrail.PermissionDeniedError):
        clocked.approve(SALES_HEAD, s.id)
    assert clocked.verify_audit().ok


# ---------------------------------------------------------------- delegation (APR-4)


def test_a_delegation_starts_and_expires(clocked):
    first = clocked.submit_approval(MARKETER, "content_review", ad("content-1/v1"))
    second = clocked.submit_approval(MARKETER, "content_review", ad("content-2/v1"))
    for s in (first, second):
        clocked.approve(BRAND, s.id)
    # START lies before the system clock: only the engine clock says these
    # times are not in the past.
    d = clocked.delegate_approvals(LEGAL, HR, START + HOUR, START + timedelta(days=1))
    assert d.created_at == START
    assert clocked.approval_tasks(HR) == []  # not yet

    clocked.advance_clock(HOUR)
    assert [(t.instance_id, t.on_behalf_of) for t in clocked.approval_tasks(HR)] == [
        (first.id, LEGAL), (second.id, LEGAL),
    ]
    done = clocked.approve(HR, first.id, comment="代孙丽审批")
    assert (done.state, done.stages[1].approvals[0].on_behalf_of) == ("approved", LEGAL)

    # The end is exclusive: at ends_at the delegate's authority is gone.
    clocked.set_clock(START + timedelta(days=1) - MS)
    assert ids(clocked.approval_tasks(HR)) == [second.id]
    clocked.advance_clock(MS)
    assert clocked.approval_tasks(HR) == []
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        clocked.approve(HR, second.id)
    assert info.value.reason == "not_a_decider"
    assert clocked.approve(LEGAL, second.id).state == "approved"
    # It expired by itself: it was never revoked.
    assert clocked.delegations(LEGAL)[0].revoked_at is None

    # A delegation may not end in the engine clock's past.
    with pytest.raises(brandrail.ValidationError) as info:
        clocked.delegate_approvals(LEGAL, HR, START, START + timedelta(hours=12))
    assert info.value.field == "ends_at"


# ---------------------------------------------------------------- throughput


def test_throughput_over_known_durations(clocked):
    for i, hours in enumerate([1, 2, 3, 4]):
        s = clocked.submit_approval(MARKETER, "content_review", ad(f"content-{i}/v1"))
        clocked.advance_clock(timedelta(hours=hours))
        clocked.approve(BRAND, s.id)
        clocked.advance_clock(timedelta(minutes=30))
        clocked.approve(LEGAL, s.id)
    clocked.submit_approval(MARKETER, "content_review", ad("content-open/v1"))
    clocked.advance_clock(timedelta(days=30))  # an open stage is not counted however long it waits
    brand, legal = clocked.approval_throughput("content_review")
    assert (brand.stage, brand.completed, brand.median_seconds, brand.p90_seconds) == ("brand", 4, 9000.0, 14400.0)
    assert (legal.stage, legal.completed, legal.median_seconds, legal.p90_seconds) == ("legal", 4, 1800.0, 1800.0)
    columns = clocked.approval_throughput_columns("content_review")
    assert columns["median_seconds"] == [9000.0, 1800.0] and columns["p90_seconds"] == [14400.0, 1800.0]


# ---------------------------------------------------------------- zombie accounts (ACC-5)


def test_media_accounts_turn_into_zombies_as_time_passes(clocked):
    clocked.register_media_account(
        ADMIN, id="weibo-main", platform="weibo", display_name="品牌微博",
        owner_department="pr", custodian=MARKETER,
    )
    assert clocked.zombie_media_accounts() == []
    six_months = datetime(2026, 11, 4, 9, 0, tzinfo=timezone.utc)
    clocked.set_clock(six_months - MS)
    assert clocked.zombie_media_accounts() == []
    clocked.advance_clock(MS)
    [zombie] = clocked.zombie_media_accounts()  # as of the engine clock
    assert (zombie.account.id, zombie.idle_since, zombie.idle_days) == ("weibo-main", START, 184)
    # Using the account brings it back; idleness counts from the last use.
    used = clocked.record_media_interaction(MARKETER, "weibo-main", clocked.now())
    assert used.last_interaction_at == six_months
    assert clocked.zombie_media_accounts() == []
    clocked.advance_clock(timedelta(days=200))
    [zombie] = clocked.zombie_media_accounts()
    assert (zombie.idle_since, zombie.idle_days) == (six_months, 200)


# ---------------------------------------------------------------- backups (AUD-3)


def test_backups_fall_due_as_time_passes(tmp_path):
    engine = staff(brandrail.Engine.open(tmp_path / "live.sqlite", clock_start=START))
    status = engine.backup_status()
    assert (status.last_backup_at, status.overdue) == (None, True)  # never taken
    engine.backup_to(ADMIN, tmp_path / "backup-1.sqlite")
    status = engine.backup_status()
    assert (status.last_backup_at, status.next_due_at, status.overdue) == (START, START + timedelta(hours=24), False)
    engine.advance_clock(timedelta(hours=24) - MS)
    assert engine.backup_status().overdue is False
    engine.advance_clock(MS)
    assert engine.backup_status().overdue is True
