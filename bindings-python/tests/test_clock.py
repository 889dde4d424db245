"""The manual clock: `Engine.open(..., clock_start=)` /
`Engine.in_memory(clock_start=)`, `advance_clock(timedelta)` and
`set_clock(datetime)`. What it makes testable (deadlines, escalation,
delegations expiring, idle accounts, backups falling due) is in
test_deadlines.py."""

from __future__ import annotations

import inspect
import threading
from datetime import datetime, timedelta, timezone

import pytest

import brandrail
from conftest import ADMIN, EXEC, MARKETER, seed

START = datetime(2026, 5, 4, 9, 0, tzinfo=timezone.utc)
BEIJING = timezone(timedelta(hours=8))


# ---------------------------------------------------------------- opening on a manual clock


def test_in_memory_on_a_manual_clock():
    engine = brandrail.Engine.in_memory(clock_start=START)
    assert engine.now() == START and engine.now().tzinfo == timezone.utc
    admin = engine.bootstrap(handle=ADMIN, display_name="王强", department="it")
    assert admin.created_at == START
    # Any aware datetime is read as its instant; the clock shows milliseconds.
    engine = brandrail.Engine.in_memory(clock_start=START.astimezone(BEIJING).replace(microsecond=123456))
    assert engine.now() == START + timedelta(microseconds=123000)
    assert engine.now().tzinfo == timezone.utc


def test_a_file_engine_on_a_manual_clock_and_reopened_without(tmp_path):
    start = datetime(2001, 2, 3, 4, 5, 6, tzinfo=timezone.utc)  # surely before the system clock
    path = tmp_path / "brandrail.sqlite"
    engine = brandrail.Engine.open(path, clock_start=start, busy_timeout=1.0)
    assert engine.now() == start
    seed(engine)
    engine.advance_clock(timedelta(days=1))
    assert engine.principal(MARKETER).created_at == start
    del engine
    # The clock belongs to the handle, not the file.
    reopened = brandrail.Engine.open(path)
    assert reopened.now() > start + timedelta(days=365)
    assert reopened.principal(MARKETER).created_at == start
    with pytest.raises(brandrail.ConfigurationError):
        reopened.advance_clock(timedelta(hours=1))


def test_clock_start_is_keyword_only_and_optional():
    for method in (brandrail.Engine.open, brandrail.Engine.in_memory):
        parameter = inspect.signature(method).parameters["clock_start"]
        assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is None
    assert list(inspect.signature(brandrail.Engine.advance_clock).parameters) == ["self", "by"]
    assert list(inspect.signature(brandrail.Engine.set_clock).parameters) == ["self", "to"]
    with pytest.raises(TypeError):
        brandrail.Engine.in_memory(None, START)  # type: ignore[misc]


@pytest.mark.parametrize("start", ["2026-05-04T09:00:00Z", 1_777_885_200, START.date(), timedelta(0)], ids=repr)
def test_clock_start_wrong_types(tmp_path, start):
    path = tmp_path / "never.sqlite"
    with pytest.raises(TypeError) as info:
        brandrail.Engine.in_memory(clock_start=start)
    assert "clock_start" in str(info.value)
    with pytest.raises(TypeError):
        brandrail.Engine.open(path, clock_start=start)
    assert not path.exists()


def test_naive_clock_start_is_refused_before_the_file_is_touched(tmp_path):
    path = tmp_path / "never.sqlite"
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.Engine.open(path, clock_start=datetime(2026, 5, 4, 9, 0))
    assert info.value.field == "clock_start"
    assert not path.exists()
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.Engine.in_memory(clock_start=datetime(2026, 5, 4, 9, 0))
    assert info.value.field == "clock_start"


# ---------------------------------------------------------------- moving it


def test_advance_and_set_clock():
    engine = brandrail.Engine.in_memory(clock_start=START)
    assert engine.advance_clock(timedelta(hours=25)) == START + timedelta(hours=25) == engine.now()
    assert engine.advance_clock(timedelta(minutes=-30)) == START + timedelta(hours=24, minutes=30)
    assert engine.advance_clock(timedelta(0)) == engine.now()
    assert engine.advance_clock(timedelta(microseconds=1500)).microsecond == 1000  # milliseconds
    moved = engine.set_clock(datetime(2030, 1, 1, 8, 0, tzinfo=BEIJING))
    assert moved == datetime(2030, 1, 1, 0, 0, tzinfo=timezone.utc) and moved.tzinfo == timezone.utc
    assert engine.set_clock(START) == START  # back, too
    # The edges of the clock's range.
    low = datetime(1970, 1, 1, tzinfo=timezone.utc)
    high = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=timezone.utc)
    assert engine.set_clock(low) == low
    assert engine.set_clock(high) == high
    assert engine.set_clock(START) == START


@pytest.mark.parametrize(
    "by", [timedelta(days=365 * 8000), timedelta(days=-365 * 57), timedelta.max, timedelta.min], ids=repr
)
def test_advancing_out_of_range_is_refused_and_changes_nothing(by):
    engine = brandrail.Engine.in_memory(clock_start=START)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.advance_clock(by)
    assert info.value.field == "by" and "1970" in str(info.value)
    assert engine.now() == START


@pytest.mark.parametrize(
    "to", [datetime(1969, 12, 31, 23, 59, 59, tzinfo=timezone.utc), datetime(1, 1, 1, tzinfo=timezone.utc),
           datetime(1970, 1, 1, 7, 0, tzinfo=BEIJING)],
    ids=repr,
)
def test_setting_out_of_range_is_refused_and_changes_nothing(to):
    engine = brandrail.Engine.in_memory(clock_start=START)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.set_clock(to)
    assert info.value.field == "to"
    assert engine.now() == START


def test_clock_arguments_are_typed():
    engine = brandrail.Engine.in_memory(clock_start=START)
    for by in [3600, 1.5, "1h", None, START]:
        with pytest.raises(TypeError):
            engine.advance_clock(by)  # type: ignore[arg-type]
    for to in ["2030-01-01T00:00:00Z", 0, None, START.date()]:
        with pytest.raises(TypeError):
            engine.set_clock(to)  # type: ignore[arg-type]
    with pytest.raises(brandrail.ValidationError) as info:
        engine.set_clock(datetime(2030, 1, 1))  # naive
    assert info.value.field == "to"
    assert engine.now() == START


def test_the_system_clock_cannot_be_moved():
    engine = brandrail.Engine.in_memory()
    before = datetime.now(timezone.utc)
    for move in (lambda: engine.advance_clock(timedelta(hours=1)), lambda: engine.set_clock(START)):
        with pytest.raises(brandrail.ConfigurationError) as info:
            move()
        assert info.value.code == "configuration" and "manual clock" in str(info.value)
    assert before - timedelta(seconds=1) <= engine.now() <= datetime.now(timezone.utc) + timedelta(seconds=1)


# ---------------------------------------------------------------- what follows the clock


def test_every_timestamp_the_engine_writes_follows_the_clock():
    engine = seed(brandrail.Engine.in_memory(clock_start=START))
    engine.advance_clock(timedelta(hours=1))
    hired = engine.create_principal(ADMIN, handle="new.hire", display_name="新人", department="sales")
    assert hired.created_at == START + timedelta(hours=1)
    engine.advance_clock(timedelta(hours=1))
    s = engine.submit_approval(MARKETER, "content_review", {"kind": "content_version", "reference": "r", "title": "t"})
    assert s.submitted_at == s.updated_at == s.active_stage.started_at == START + timedelta(hours=2)
    assert s.active_stage.due_at == START + timedelta(hours=26)
    assert engine.approval_history(s.id)[0].at == START + timedelta(hours=2)
    records = engine.audit_query(EXEC)
    assert [(r.action, r.at) for r in records] == [
        ("engine.bootstrap", START), ("principal.create", START), ("principal.create", START),
        ("principal.create", START + timedelta(hours=1)), ("approval.submit", START + timedelta(hours=2)),
    ]
    # The audit log is filtered by the same times.
    later = engine.audit_query(EXEC, since=START + timedelta(hours=1), until=START + timedelta(hours=2))
    assert [r.action for r in later] == ["principal.create"]
    # Moving the clock back is allowed; the chain stays verifiable.
    engine.set_clock(START - timedelta(days=1))
    engine.deactivate_principal(ADMIN, "new.hire")
    assert engine.principal("new.hire").deactivated_at == START - timedelta(days=1)
    assert engine.verify_audit().ok


def test_threads_share_one_clock():
    engine = brandrail.Engine.in_memory(clock_start=START)
    errors: list[BaseException] = []

    def tick():
        try:
            for _ in range(200):
                engine.advance_clock(timedelta(seconds=1))
                engine.now()
        except BaseException as e:  # noqa: BLE001 - reported to the test
            errors.append(e)

    threads = [threading.Thread(target=tick) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and not any(t.is_alive() for t in threads)
    assert engine.now() == START + timedelta(seconds=800)
