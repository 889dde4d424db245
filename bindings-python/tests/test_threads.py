"""One Engine shared by several Python threads: consistent results, no
deadlock with progress callbacks, and the GIL released during long calls."""

from __future__ import annotations

import threading
import time

import pytest

import brandrail
from conftest import ADMIN, EXEC, MARKETER, seed

JOIN_TIMEOUT = 120  # seconds; a deadlock fails the test instead of hanging it


def run_threads(targets) -> list[BaseException]:
    """Run each callable in its own daemon thread; return what they raised."""
    errors: list[BaseException] = []

    def guard(fn):
        def wrapped():
            try:
                fn()
            except BaseException as e:  # noqa: BLE001 - reported to the test
                errors.append(e)

        return wrapped

    threads = [threading.Thread(target=guard(fn), daemon=True) for fn in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(JOIN_TIMEOUT)
        assert not t.is_alive(), "thread did not finish: deadlock?"
    return errors


def test_concurrent_writers_and_readers(file_engine):
    per_thread = 25

    def writer(n):
        def run():
            for i in range(per_thread):
                p = file_engine.create_principal(
                    ADMIN, handle=f"t{n}.p{i}", display_name=f"T{n} P{i}", department="sales"
                )
                assert p.roles == ["sales_staff"]
                assert file_engine.can(p.handle, "crm.read") in (True, False)
                file_engine.principals()

        return run

    def refused():
        for _ in range(per_thread):
            with pytest.raises(brandrail.PermissionDeniedError):
                file_engine.create_principal(MARKETER, handle="x.y", display_name="X", department="sales")

    before = file_engine.audit_len()
    errors = run_threads([writer(n) for n in range(4)] + [refused, file_engine.verify_audit])
    assert errors == []
    assert len(file_engine.principals()) == 3 + 4 * per_thread
    assert file_engine.audit_len() == before + 5 * per_thread
    assert len(file_engine.audit_query(EXEC, outcome="denied")) == per_thread
    v = file_engine.verify_audit()
    assert v.ok and v.head_seq == file_engine.audit_len()


def test_two_handles_on_one_file(tmp_path):
    path = tmp_path / "shared.sqlite"
    first = seed(brandrail.Engine.open(path))
    second = brandrail.Engine.open(path, busy_timeout=30)

    def writer(engine, prefix):
        def run():
            engine.create_principals(
                ADMIN, [brandrail.NewPrincipal(f"{prefix}.{i}", f"P {i}", "sales") for i in range(50)]
            )
            for i in range(10):
                engine.create_principal(ADMIN, handle=f"{prefix}.single.{i}", display_name="S", department="pr")

        return run

    assert run_threads([writer(first, "one"), writer(second, "two")]) == []
    assert len(first.principals()) == len(second.principals()) == 3 + 120
    assert first.verify_audit().ok and second.verify_audit() == first.verify_audit()


@pytest.fixture(scope="module")
def big_engine() -> brandrail.Engine:
    """An engine with a few thousand audit records, so verifying takes a while."""
    engine = seed(brandrail.Engine.in_memory())
    for batch in range(6):
        engine.create_principals(
            ADMIN, [brandrail.NewPrincipal(f"b{batch}.p{i}", f"P {i}", "sales") for i in range(1000)]
        )
    return engine


def test_gil_is_released_during_verify(big_engine):
    rounds = 6
    started = threading.Event()
    durations: list[float] = []

    def verify():
        started.set()
        t0 = time.perf_counter()
        for _ in range(rounds):
            assert big_engine.verify_audit().ok
        durations.append(time.perf_counter() - t0)

    worker = threading.Thread(target=verify, daemon=True)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():
        ticks += 1  # needs the GIL: only advances while verify runs without it
        time.sleep(0.001)
    worker.join(JOIN_TIMEOUT)
    assert durations, "verify thread failed"
    # Holding the GIL, the main thread could run only between the calls (a few
    # ticks per round); released, it ticks about once a millisecond throughout.
    assert durations[0] > 0.05, "log too small to measure"
    assert ticks > 10 * rounds, f"{ticks} ticks in {durations[0]:.3f}s"


def test_progress_callback_while_other_threads_use_the_engine(tmp_path):
    engine = seed(brandrail.Engine.open(tmp_path / "db.sqlite"))
    engine.create_principals(ADMIN, [brandrail.NewPrincipal(f"p.{i}", "P", "sales") for i in range(2000)])
    calls: list[tuple[int, int]] = []
    stop = threading.Event()

    def progress(done, total):
        calls.append((done, total))
        time.sleep(0.01)  # give the readers a chance to queue for the engine

    def backup():
        try:
            engine.backup_to(ADMIN, tmp_path / "backup.sqlite", progress=progress)
        finally:
            stop.set()

    def reader():
        while not stop.is_set():
            engine.principal(ADMIN)
            engine.audit_len()

    assert run_threads([backup, reader, reader]) == []
    assert calls and calls[-1][0] == calls[-1][1]
    assert brandrail.Engine.open(tmp_path / "backup.sqlite").verify_audit().ok
