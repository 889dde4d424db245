"""The audit log: queries (rows and columns), verification that catches
tampering done with the stdlib sqlite3 module, verified backups and restore,
and refusing files that are not (intact) brandrail databases."""

from __future__ import annotations

import gc
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import datetime, timedelta, timezone

import pytest

import brandrail
from conftest import ADMIN, EXEC, MARKETER, seed, utc

COLUMNS = [
    "seq", "at", "principal", "action", "entity_type", "entity_id", "outcome",
    "detail", "before_digest", "after_digest", "prev_hash", "hash",
]


def sqlite(path, sql: str) -> subprocess.CompletedProcess:
    """Run `sql` on the file with the stdlib sqlite3 module in another process,
    as an attacker with file access would. (In this process it would be a
    second SQLite library beside the engine's, whose locks do not see each
    other; see the README.)"""
    script = (
        "import sqlite3, sys\n"
        "con = sqlite3.connect(sys.argv[1], timeout=10)\n"
        "try:\n"
        "    con.executescript(sys.argv[2])\n"
        "    con.commit()\n"
        "except sqlite3.DatabaseError as e:\n"
        "    sys.exit(f'{type(e).__name__}: {e}')\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(path), sql], capture_output=True, text=True, timeout=60
    )


def tamper(path, sql: str) -> None:
    """Drop the append-only triggers, then run `sql`."""
    done = sqlite(
        path,
        "DROP TRIGGER IF EXISTS audit_log_no_update;"
        "DROP TRIGGER IF EXISTS audit_log_no_delete;" + sql,
    )
    assert done.returncode == 0, done.stderr


def busy(engine: brandrail.Engine, n: int = 5) -> None:
    """A few more audited changes."""
    engine.create_principals(
        ADMIN, [brandrail.NewPrincipal(f"staff.{i}", f"Staff {i}", "sales") for i in range(n)]
    )


# ---------------------------------------------------------------- queries


def test_records_form_a_chain(engine):
    records = engine.audit_query(EXEC)
    assert [r.seq for r in records] == list(range(1, len(records) + 1))
    assert records[0].prev_hash == "0" * 64
    for before, after in zip(records, records[1:]):
        assert after.prev_hash == before.hash
    first = records[0]
    assert (first.principal, first.action, first.entity_type, first.entity_id, first.outcome) == (
        ADMIN, "engine.bootstrap", "principal", ADMIN, "applied",
    )
    assert first.at.tzinfo is not None and first.before_digest is None and len(first.after_digest) == 64
    assert list(first.to_dict()) == COLUMNS
    assert repr(first).startswith("AuditRecord(seq=1")
    assert first == engine.audit_query(EXEC, limit=1)[0]


def test_query_filters(engine):
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.grant_role(MARKETER, MARKETER, "it_admin")
    busy(engine, 3)
    assert [r.action for r in engine.audit_query(EXEC, principal=MARKETER)] == ["role.grant"]
    assert len(engine.audit_query(EXEC, outcome="denied")) == 1
    assert len(engine.audit_query(EXEC, action="principal.")) == 2 + 3
    assert len(engine.audit_query(EXEC, action="principal.create")) == 5
    assert [r.entity_id for r in engine.audit_query(EXEC, entity_type="principal", entity_id="staff.1")] == ["staff.1"]
    everything = engine.audit_query(EXEC)
    page = engine.audit_query(EXEC, after_seq=2, limit=2)
    assert [r.seq for r in page] == [3, 4]
    assert engine.audit_query(EXEC, since=utc(2000, 1, 1), until=utc(2000, 1, 2)) == []
    now = engine.now()
    in_range = engine.audit_query(EXEC, since=now - timedelta(hours=1), until=now + timedelta(hours=1))
    assert [r.seq for r in in_range] == [r.seq for r in everything]
    # Another zone is the same instant.
    beijing = timezone(timedelta(hours=8))
    assert engine.audit_query(EXEC, since=(now - timedelta(hours=1)).astimezone(beijing))


def test_query_bad_side(engine):
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.audit_query(MARKETER)
    [denial] = engine.audit_query(EXEC, outcome="denied")
    assert (denial.principal, denial.action) == (MARKETER, "audit.query")
    with pytest.raises(brandrail.ValidationError) as info:
        engine.audit_query(EXEC, outcome="maybe")
    assert info.value.field == "outcome"
    for limit in [0, -1, 2**40]:
        with pytest.raises(brandrail.ValidationError) as info:
            engine.audit_query(EXEC, limit=limit)
        assert info.value.field == "limit"
    with pytest.raises(brandrail.ValidationError) as info:
        engine.audit_query(EXEC, since=datetime(2026, 1, 1))
    assert info.value.field == "since"
    with pytest.raises(brandrail.ValidationError):
        engine.audit_query(EXEC, since=utc(2026, 2, 1), until=utc(2026, 1, 1))
    with pytest.raises(TypeError):
        engine.audit_query(EXEC, limit="10")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        engine.audit_query(EXEC, until="2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        engine.audit_query(EXEC, "li.na")  # type: ignore[misc]
    # hostile filter values are just values: no match, no error
    assert engine.audit_query(EXEC, principal="x' OR '1'='1") == []
    assert engine.audit_query(EXEC, action="%") == []


def test_query_columns(engine):
    busy(engine)
    rows = engine.audit_query(EXEC, action="principal.")
    columns = engine.audit_query_columns(EXEC, action="principal.")
    assert list(columns) == COLUMNS
    assert all(len(c) == len(rows) for c in columns.values())
    assert [dict(zip(columns, values)) for values in zip(*columns.values())] == [r.to_dict() for r in rows]
    empty = engine.audit_query_columns(EXEC, principal="nobody")
    assert list(empty) == COLUMNS and all(c == [] for c in empty.values())


# ---------------------------------------------------------------- verification


def test_verify_intact(engine):
    v = engine.verify_audit()
    n = engine.audit_len()
    assert (v.ok, v.first_bad_seq, v.problem, v.records_checked, v.head_seq) == (True, None, None, n, n)
    assert v.head_hash == engine.audit_query(EXEC)[-1].hash
    assert v.to_dict()["ok"] is True and "AuditVerification(ok=True" in repr(v)
    assert brandrail.Engine.in_memory().verify_audit().head_seq == 0


def test_audit_log_is_append_only(file_engine):
    for sql in ["UPDATE audit_log SET detail = 'x' WHERE seq = 1", "DELETE FROM audit_log WHERE seq = 1"]:
        done = sqlite(file_engine.path, sql)
        assert done.returncode != 0 and "append-only" in done.stderr
    assert file_engine.verify_audit().ok


def test_edited_record_is_found(file_engine):
    busy(file_engine)
    tamper(file_engine.path, "UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3;")
    v = file_engine.verify_audit()
    assert (v.ok, v.first_bad_seq) == (False, 3)
    assert "hash" in v.problem
    assert v.records_checked == 2


def test_edited_principal_is_found(file_engine):
    tamper(file_engine.path, "UPDATE audit_log SET principal = 'someone.else' WHERE seq = 2;")
    v = file_engine.verify_audit()
    assert (v.ok, v.first_bad_seq) == (False, 2)


def test_deleted_record_is_found(file_engine):
    busy(file_engine)
    tamper(file_engine.path, "DELETE FROM audit_log WHERE seq = 4;")
    v = file_engine.verify_audit()
    assert (v.ok, v.first_bad_seq) == (False, 4)
    assert "missing" in v.problem


def test_cut_tail_is_found(file_engine):
    busy(file_engine)
    n = file_engine.audit_len()
    tamper(file_engine.path, f"DELETE FROM audit_log WHERE seq >= {n - 1};")
    v = file_engine.verify_audit()
    assert (v.ok, v.first_bad_seq) == (False, n - 1)


def test_swapped_records_are_found(file_engine):
    busy(file_engine)
    fields = "at, principal, action, entity_type, entity_id, outcome, detail, before_digest, after_digest, prev_hash, hash"
    tamper(
        file_engine.path,
        f"""
        CREATE TEMP TABLE swap AS SELECT seq, {fields} FROM audit_log WHERE seq IN (3, 4);
        UPDATE audit_log SET ({fields}) = (SELECT {fields} FROM swap WHERE swap.seq = 7 - audit_log.seq)
            WHERE seq IN (3, 4);
        """,
    )
    v = file_engine.verify_audit()
    assert (v.ok, v.first_bad_seq) == (False, 3)


# ---------------------------------------------------------------- backup and restore


def test_backup_and_restore_round_trip(file_engine, tmp_path):
    busy(file_engine)
    status = file_engine.backup_status()
    assert status.last_backup_at is None and status.overdue
    records_before = file_engine.audit_len()
    calls = []
    report = file_engine.backup_to(ADMIN, tmp_path / "backup.sqlite", progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1] > 0
    assert report.path == tmp_path / "backup.sqlite" and report.path.is_file()
    assert report.bytes == report.path.stat().st_size > 0
    assert report.verified and report.records == records_before and report.head_seq == records_before
    assert isinstance(report.took, timedelta)
    assert set(report.to_dict()) == {"path", "bytes", "records", "head_seq", "verified", "took"}
    assert repr(report).startswith("BackupReport(path=")

    status = file_engine.backup_status()
    assert status.last_backup_at is not None and not status.overdue
    interval = file_engine.policy()["audit.backup_interval_hours"]
    assert status.next_due_at - status.last_backup_at == timedelta(hours=interval)
    assert file_engine.backup_status(status.next_due_at + timedelta(seconds=1)).overdue
    assert set(status.to_dict()) == {"last_backup_at", "next_due_at", "overdue"}

    kept = [p.to_dict() for p in file_engine.principals()]
    file_engine.create_principal(ADMIN, handle="after.backup", display_name="Later", department="sales")
    restore_calls = []
    restored = file_engine.restore_from(ADMIN, report.path, progress=lambda d, t: restore_calls.append((d, t)))
    assert restore_calls
    assert restored.records == records_before and restored.head_seq == records_before
    assert restored.within_rto and isinstance(restored.took, timedelta)
    assert set(restored.to_dict()) == {"records", "head_seq", "took", "within_rto"}
    assert [p.to_dict() for p in file_engine.principals()] == kept
    assert file_engine.audit_len() == records_before + 1
    [last] = file_engine.audit_query(EXEC, after_seq=records_before, action="audit.restore")
    assert last.principal == ADMIN
    assert file_engine.verify_audit().ok


def test_in_memory_engine_backs_up_too(engine, tmp_path):
    report = engine.backup_to(ADMIN, str(tmp_path / "mem.sqlite"))
    reopened = brandrail.Engine.open(report.path)
    assert [p.handle for p in reopened.principals()] == [p.handle for p in engine.principals()]
    assert reopened.verify_audit().ok


def test_backup_bad_side(file_engine, tmp_path):
    target = tmp_path / "exists.sqlite"
    target.write_bytes(b"keep me")
    with pytest.raises(brandrail.ConflictError):
        file_engine.backup_to(ADMIN, target)
    assert target.read_bytes() == b"keep me"
    with pytest.raises(brandrail.PermissionDeniedError):
        file_engine.backup_to(MARKETER, tmp_path / "nope.sqlite")
    assert not (tmp_path / "nope.sqlite").exists()
    with pytest.raises(TypeError):
        file_engine.backup_to(ADMIN, tmp_path / "nope.sqlite", progress=42)  # type: ignore[arg-type]
    assert not (tmp_path / "nope.sqlite").exists()
    with pytest.raises(TypeError):
        file_engine.backup_to(ADMIN, None)  # type: ignore[arg-type]
    with pytest.raises(brandrail.BrandrailError):
        file_engine.backup_to(ADMIN, tmp_path / "no" / "such" / "dir" / "b.sqlite")
    with pytest.raises(brandrail.ValidationError):
        file_engine.backup_status(datetime(2026, 1, 1))


def test_progress_exception_is_raised_after_the_backup(file_engine, tmp_path):
    calls = []

    def explode(done, total):
        calls.append(done)
        raise RuntimeError("progress bar broke")

    with pytest.raises(RuntimeError, match="progress bar broke"):
        file_engine.backup_to(ADMIN, tmp_path / "b.sqlite", progress=explode)
    assert len(calls) == 1  # not called again after raising
    assert (tmp_path / "b.sqlite").is_file()  # the backup itself completed
    assert file_engine.verify_audit().ok


def test_progress_callback_cannot_reenter_the_engine(file_engine, tmp_path):
    other = brandrail.Engine.in_memory()

    def progress(done, total):
        other.audit_len()  # another engine is fine
        file_engine.audit_len()  # the one being backed up would deadlock

    with pytest.raises(RuntimeError, match="progress callback"):
        file_engine.backup_to(ADMIN, tmp_path / "b.sqlite", progress=progress)
    assert (tmp_path / "b.sqlite").is_file()
    assert file_engine.audit_len() > 0  # usable again afterwards


def test_restoring_a_tampered_backup_changes_nothing(file_engine, tmp_path):
    busy(file_engine)
    backup = file_engine.backup_to(ADMIN, tmp_path / "b.sqlite").path
    tamper(backup, "UPDATE audit_log SET detail = 'forged' WHERE seq = 2;")
    file_engine.create_principal(ADMIN, handle="after.backup", display_name="Later", department="sales")
    before = ([p.to_dict() for p in file_engine.principals()], file_engine.audit_len())
    with pytest.raises(brandrail.IntegrityError) as info:
        file_engine.restore_from(ADMIN, backup)
    assert info.value.seq == 2 and info.value.code == "integrity"
    assert ([p.to_dict() for p in file_engine.principals()], file_engine.audit_len()) == before
    assert file_engine.verify_audit().ok


def test_restore_bad_side(file_engine, tmp_path):
    before = ([p.to_dict() for p in file_engine.principals()], file_engine.audit_len())
    with pytest.raises(brandrail.BrandrailIOError) as info:
        file_engine.restore_from(ADMIN, tmp_path / "missing.sqlite")
    assert isinstance(info.value, OSError)
    foreign = tmp_path / "foreign.sqlite"
    with closing(sqlite3.connect(foreign)) as con:
        con.execute("CREATE TABLE notes (body TEXT)")
        con.commit()
    with pytest.raises(brandrail.IncompatibleDatabaseError):
        file_engine.restore_from(ADMIN, foreign)
    backup = file_engine.backup_to(ADMIN, tmp_path / "b.sqlite").path
    with pytest.raises(brandrail.PermissionDeniedError):
        file_engine.restore_from(MARKETER, backup)
    principals, audit_len = before
    assert [p.to_dict() for p in file_engine.principals()] == principals
    # only the backup and the refused restore were recorded
    assert file_engine.audit_len() == audit_len + 2


# ---------------------------------------------------------------- foreign and damaged files


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "someone-elses.sqlite"
    with closing(sqlite3.connect(path)) as con:
        con.execute("CREATE TABLE customers (name TEXT)")
        con.execute("INSERT INTO customers VALUES ('Alice')")
        con.commit()
    original = path.read_bytes()
    with pytest.raises(brandrail.IncompatibleDatabaseError) as info:
        brandrail.Engine.open(path)
    assert info.value.code == "incompatible_database"
    gc.collect()
    assert path.read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["someone-elses.sqlite"]


def test_non_database_file_is_refused_and_untouched(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_bytes(b"just some text, not a database\n" * 200)
    original = path.read_bytes()
    with pytest.raises((brandrail.CorruptDatabaseError, brandrail.IncompatibleDatabaseError)):
        brandrail.Engine.open(path)
    gc.collect()
    assert path.read_bytes() == original


def test_truncated_database_is_refused(tmp_path):
    path = tmp_path / "brandrail.sqlite"

    def fill() -> None:
        e = seed(brandrail.Engine.open(path))
        busy(e, 300)

    fill()
    gc.collect()
    assert not (tmp_path / "brandrail.sqlite-wal").exists() or (tmp_path / "brandrail.sqlite-wal").stat().st_size == 0
    data = path.read_bytes()
    assert len(data) > 8192
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises((brandrail.CorruptDatabaseError, brandrail.IncompatibleDatabaseError)):
        truncated = brandrail.Engine.open(path)
        # Opening reads only the first pages; reading everything must fail.
        truncated.verify_audit()
        truncated.principals()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.sqlite"
    seed(brandrail.Engine.open(path))
    gc.collect()  # the engine is unreferenced: closed
    with closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA user_version = 999")
        con.commit()
    original = path.read_bytes()
    with pytest.raises(brandrail.IncompatibleDatabaseError) as info:
        brandrail.Engine.open(path)
    assert "999" in str(info.value)
    gc.collect()
    assert path.read_bytes() == original
