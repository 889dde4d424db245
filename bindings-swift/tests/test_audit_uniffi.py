"""The audit log through the uniffi FFI: tampering found by verify, queries,
backups and restore (sync and async), and files that are not ours.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import hashlib
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from uniffi_support import SECRET_KEY, br, person, refused, refused_unchanged, seed, state

TRIGGERS = ("audit_log_no_update", "audit_log_no_delete")


def fingerprint(path: Path):
    """Size and SHA-256 of a file, to prove it was left untouched."""
    data = path.read_bytes()
    return len(data), hashlib.sha256(data).hexdigest()


def tamper(path: Path, *statements: str) -> None:
    """Edit a closed brandrail file behind the engine's back, the way an
    attacker with file access would: drop the append-only triggers first."""
    gc.collect()
    con = sqlite3.connect(path, isolation_level=None)
    try:
        for trigger in TRIGGERS:
            con.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        for statement in statements:
            con.execute(statement)
    finally:
        con.close()


@pytest.fixture
def db(tmp_path):
    """A seeded brandrail file with a dozen audit records; its engine closed."""
    path = tmp_path / "brandrail.db"
    e = br.Engine.open(str(path))
    seed(e)
    e.grant_role("it.admin", "li.na", "data_steward")
    e.revoke_role("it.admin", "li.na", "data_steward")
    e.register_media_account(
        "it.admin",
        br.NewMediaAccount(
            id="weibo-main",
            platform=br.Platform.WEIBO,
            display_name="品牌微博",
            owner_department=br.Department.PR,
            custodian="li.na",
        ),
    )
    try:
        e.create_principal("li.na", person("x.y", br.Department.SALES))
    except br.BrandrailError.PermissionDenied:
        pass
    assert e.verify_audit().ok
    del e
    gc.collect()
    return path


def reopen(path: Path, **options):
    return br.Engine.open(str(path), br.EngineOptions(**options))


# ------------------------------------------------------------------ verify


def test_an_untouched_chain_verifies(db):
    e = reopen(db)
    v = e.verify_audit()
    assert v.ok and v.first_bad_seq is None and v.problem is None
    assert v.records_checked == v.head_seq == e.audit_len()
    assert len(v.head_hash) == 64
    assert asyncio.run(e.verify_audit_async()) == v


@pytest.mark.parametrize(
    ("statements", "first_bad"),
    [
        (["UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3"], 3),
        (["UPDATE audit_log SET principal = 'zhao.min' WHERE seq = 5"], 5),
        (["UPDATE audit_log SET outcome = 'applied' WHERE outcome = 'denied'"], None),
        (["DELETE FROM audit_log WHERE seq = 4"], 4),
        (["UPDATE audit_log SET at = at + 1 WHERE seq = 2"], 2),
    ],
    ids=["detail", "principal", "outcome", "removed-middle", "time"],
)
def test_verify_reports_the_first_tampered_record(db, statements, first_bad):
    if first_bad is None:
        con = sqlite3.connect(db)
        [(first_bad,)] = con.execute("SELECT min(seq) FROM audit_log WHERE outcome = 'denied'")
        con.close()
    tamper(db, *statements)
    e = reopen(db)
    v = e.verify_audit()
    assert not v.ok
    assert v.first_bad_seq == first_bad
    assert v.problem
    assert asyncio.run(e.verify_audit_async()) == v


def test_verify_catches_a_cut_off_tail(db):
    e = reopen(db)
    last = e.audit_len()
    del e
    tamper(db, f"DELETE FROM audit_log WHERE seq >= {last - 1}")
    v = reopen(db).verify_audit()
    assert not v.ok and v.first_bad_seq == last - 1
    assert "removed" in v.problem


def test_verify_catches_a_forged_append(db):
    con = sqlite3.connect(db)
    row = con.execute("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    con.close()
    forged = (row[0] + 1,) + row[1:]
    placeholders = ", ".join("?" * len(forged))
    gc.collect()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute(f"INSERT INTO audit_log VALUES ({placeholders})", forged)
    con.close()
    v = reopen(db).verify_audit()
    assert not v.ok and v.first_bad_seq == row[0] + 1


# ------------------------------------------------------------------- query


def test_audit_query_filters(db):
    e = reopen(db)
    everything = e.audit_query("sun.li", br.AuditQuery())
    assert [r.seq for r in everything] == list(range(1, len(everything) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(everything, everything[1:]))
    first = everything[0]
    assert (first.action, first.principal, first.outcome) == (
        "engine.bootstrap",
        "it.admin",
        br.Outcome.APPLIED,
    )
    assert first.after_digest and first.before_digest is None and first.at.tzinfo is not None
    denied = e.audit_query("sun.li", br.AuditQuery(outcome=br.Outcome.DENIED))
    assert [(r.principal, r.action) for r in denied] == [("li.na", "principal.create")]
    assert "missing_permission" in denied[0].detail
    roles = e.audit_query("sun.li", br.AuditQuery(action="role."))
    assert [r.action for r in roles] == ["role.grant", "role.revoke"]
    assert e.audit_query("sun.li", br.AuditQuery(action="role")) == []
    by_entity = e.audit_query(
        "sun.li", br.AuditQuery(entity_type="media_account", entity_id="weibo-main")
    )
    assert [r.action for r in by_entity] == ["media_account.register"]
    page = e.audit_query("sun.li", br.AuditQuery(after_seq=2, limit=3))
    assert [r.seq for r in page] == [3, 4, 5]
    # `from` is a Python keyword, so uniffi's Python spells the field `_from`.
    window = e.audit_query("sun.li", br.AuditQuery(since=everything[2].at, until=everything[2].at))
    assert window == []
    window = e.audit_query(
        "sun.li", br.AuditQuery(since=everything[2].at, until=everything[-1].at + dt.timedelta(seconds=1))
    )
    assert window[0].seq <= 3 and window[-1].seq == everything[-1].seq


def test_audit_query_refusals(db):
    e = reopen(db)
    err = refused_unchanged(e, "permission_denied", e.audit_query, "li.na", br.AuditQuery())
    assert err.permission == "audit.read"
    assert e.audit_query("sun.li", br.AuditQuery(action="audit.query"))[-1].outcome == (
        br.Outcome.DENIED
    )
    err = refused_unchanged(e, "validation", e.audit_query, "sun.li", br.AuditQuery(limit=0))
    assert err.field == "limit"
    now = e.now()
    backwards = br.AuditQuery(since=now, until=now - dt.timedelta(days=1))
    err = refused_unchanged(e, "validation", e.audit_query, "sun.li", backwards)
    assert err.field == "since"
    hostile = br.AuditQuery(principal="' OR 1=1 --", action="%", entity_id="\x00")
    assert e.audit_query("sun.li", hostile) == []


# ------------------------------------------------------------------ backup


def test_backup_writes_a_verified_copy(db, tmp_path):
    e = reopen(db)
    status = e.backup_status()
    assert status.last_backup_at is None and status.overdue
    dest = tmp_path / "copy.db"
    report = e.backup_to("it.admin", str(dest))
    assert report.path == str(dest) and report.verified
    assert report.bytes == dest.stat().st_size > 0
    assert report.records == report.head_seq == e.audit_len() - 1
    assert isinstance(report.took, dt.timedelta)
    assert e.audit_query("sun.li", br.AuditQuery(action="audit.backup"))[-1].outcome == (
        br.Outcome.APPLIED
    )
    status = e.backup_status()
    assert status.last_backup_at is not None and not status.overdue
    assert status.next_due_at - status.last_backup_at == dt.timedelta(hours=24)
    assert e.backup_status(status.next_due_at).overdue
    copy = br.Engine.open(str(dest))
    assert copy.verify_audit().ok and len(copy.principals()) == 5


def test_backup_refusals(db, tmp_path):
    e = reopen(db)
    dest = tmp_path / "copy.db"
    err = refused_unchanged(e, "permission_denied", e.backup_to, "li.na", str(dest))
    assert err.permission == "audit.backup"
    assert not dest.exists()
    dest.write_text("keep me")
    err = refused("conflict", e.backup_to, "it.admin", str(dest))
    assert err.entity == "backup"
    assert dest.read_text() == "keep me"
    with pytest.raises(br.BrandrailError) as info:
        e.backup_to("it.admin", str(tmp_path / "missing" / "dir" / "copy.db"))
    assert info.value.code() in ("storage", "io")
    assert not (tmp_path / "missing").exists()
    assert e.verify_audit().ok


# ----------------------------------------------------------------- restore


def test_restore_brings_back_the_backup(db, tmp_path):
    e = reopen(db)
    dest = tmp_path / "copy.db"
    taken = e.backup_to("it.admin", str(dest))
    e.create_principal("it.admin", person("after.backup", br.Department.SALES))
    report = e.restore_from("it.admin", str(dest))
    assert report.records == taken.records and report.head_seq == taken.head_seq
    assert report.within_rto and isinstance(report.took, dt.timedelta)
    assert "after.backup" not in [p.handle for p in e.principals()]
    last = e.audit_query("sun.li", br.AuditQuery())[-1]
    assert (last.seq, last.action, last.principal) == (
        taken.head_seq + 1,
        "audit.restore",
        "it.admin",
    )
    assert e.verify_audit().ok


def test_restore_refusals_change_nothing(db, tmp_path):
    e = reopen(db)
    dest = tmp_path / "copy.db"
    e.backup_to("it.admin", str(dest))
    err = refused_unchanged(e, "permission_denied", e.restore_from, "li.na", str(dest))
    assert err.permission == "audit.restore"
    refused_unchanged(e, "io", e.restore_from, "it.admin", str(tmp_path / "nope.db"))
    refused_unchanged(e, "io", e.restore_from, "it.admin", str(tmp_path))


def test_a_tampered_backup_is_refused_with_integrity(db, tmp_path):
    e = reopen(db)
    dest = tmp_path / "copy.db"
    e.backup_to("it.admin", str(dest))
    tamper(dest, "UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2")
    tampered = fingerprint(dest)
    err = refused_unchanged(e, "integrity", e.restore_from, "it.admin", str(dest))
    assert isinstance(err, br.BrandrailError.Integrity)
    assert err.seq == 2 and "audit record 2" in err.detail
    assert fingerprint(dest) == tampered
    assert e.verify_audit().ok


def test_a_backup_with_a_cut_tail_is_refused(db, tmp_path):
    e = reopen(db)
    dest = tmp_path / "copy.db"
    report = e.backup_to("it.admin", str(dest))
    tamper(dest, f"DELETE FROM audit_log WHERE seq = {report.head_seq}")
    err = refused_unchanged(e, "integrity", e.restore_from, "it.admin", str(dest))
    assert err.seq == report.head_seq


# ------------------------------------------------------- files not ours


@pytest.fixture
def foreign_db(tmp_path):
    """An SQLite file of some other application."""
    path = tmp_path / "notes.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.execute("INSERT INTO notes VALUES ('do not touch')")
    con.commit()
    con.close()
    return path


def test_opening_another_apps_database_is_refused_untouched(foreign_db):
    before = fingerprint(foreign_db)
    err = refused("incompatible_database", br.Engine.open, str(foreign_db))
    assert isinstance(err, br.BrandrailError.IncompatibleDatabase)
    assert fingerprint(foreign_db) == before
    assert not Path(str(foreign_db) + "-wal").exists()


def test_restoring_another_apps_database_is_refused_untouched(db, foreign_db):
    e = reopen(db)
    before = fingerprint(foreign_db)
    refused_unchanged(e, "incompatible_database", e.restore_from, "it.admin", str(foreign_db))
    assert fingerprint(foreign_db) == before


def test_restoring_an_empty_database_is_refused(db, tmp_path):
    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    e = reopen(db)
    refused_unchanged(e, "incompatible_database", e.restore_from, "it.admin", str(empty))


def test_a_newer_schema_is_refused_untouched(db):
    gc.collect()
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA user_version = 99")
    con.close()
    before = fingerprint(db)
    err = refused("incompatible_database", br.Engine.open, str(db))
    assert "newer" in err.detail
    assert fingerprint(db) == before


def test_a_file_that_is_not_sqlite_is_refused_untouched(db, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n" * 100)
    before = fingerprint(text)
    refused("corrupt", br.Engine.open, str(text))
    e = reopen(db)
    refused_unchanged(e, "corrupt", e.restore_from, "it.admin", str(text))
    assert fingerprint(text) == before


# ------------------------------------------------------------------- async


def test_async_backup_and_restore(db, tmp_path):
    e = reopen(db)
    dest = tmp_path / "copy.db"

    async def scenario():
        taken = await e.backup_to_async("it.admin", str(dest))
        e.create_principal("it.admin", person("after.backup", br.Department.SALES))
        restored = await e.restore_from_async("it.admin", str(dest))
        return taken, restored

    taken, restored = asyncio.run(scenario())
    assert taken.verified and restored.head_seq == taken.head_seq
    assert "after.backup" not in [p.handle for p in e.principals()]
    with pytest.raises(br.BrandrailError.PermissionDenied):
        asyncio.run(e.backup_to_async("li.na", str(tmp_path / "other.db")))
    with pytest.raises(br.BrandrailError.Conflict):
        asyncio.run(e.backup_to_async("it.admin", str(dest)))


def test_async_calls_leave_the_event_loop_free(db, tmp_path):
    """While another process holds the write lock, an awaited backup waits on
    its worker thread; the event loop keeps running and is the one that
    releases the lock. A call that blocked the loop could never finish.

    The lock holder must be another process: two SQLite libraries in one
    process (Python's and the bundled one) do not see each other's locks."""
    e = reopen(db, busy_timeout_ms=10_000)
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        ticks = 0

        async def ticker():
            nonlocal ticks
            while True:
                ticks += 1
                await asyncio.sleep(0.001)

        async def release_later():
            await asyncio.sleep(0.3)
            holder.stdin.write("release\n")
            holder.stdin.flush()

        async def scenario():
            tick = asyncio.create_task(ticker())
            release = asyncio.create_task(release_later())
            started = time.monotonic()
            report = await e.backup_to_async("it.admin", str(tmp_path / "copy.db"))
            elapsed = time.monotonic() - started
            await release
            tick.cancel()
            return report, elapsed

        report, elapsed = asyncio.run(scenario())
    finally:
        holder.stdin.close()
        holder.wait(timeout=10)
    assert report.verified
    assert 0.25 < elapsed < 5
    assert ticks > 20


LOCK_HOLDER = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
con.execute("COMMIT")
"""


def test_refused_async_calls_change_nothing(db, tmp_path):
    e = reopen(db, secret_key=SECRET_KEY)
    before, log = state(e), e.audit_len()
    with pytest.raises(br.BrandrailError.Io):
        asyncio.run(e.restore_from_async("it.admin", str(tmp_path / "nope.db")))
    assert state(e) == before and e.audit_len() == log
