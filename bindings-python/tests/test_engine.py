"""Engine: opening, principals, roles, media accounts — every method's happy
path and its bad side (wrong types, empty, huge and hostile strings, unknown
ids, missing permission, deactivated actor), and that a refused call changes
nothing."""

from __future__ import annotations

import pathlib
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone

import pytest

import brandrail
from conftest import ADMIN, EXEC, MARKETER, seed, utc

HOLD_WRITE_LOCK = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
con.execute("ROLLBACK")
"""

HOSTILE_HANDLES = [
    "",
    "a",
    "Bad Handle",
    "robert'); DROP TABLE principal;--",
    "x' OR '1'='1",
    "li.na\u200b",  # zero-width space
    "li.na\u202e",  # right-to-left override
    "li\u0000na",
    "li\nna",
    "张伟",
    "li.ná",
    "a" * 65,
    "a" * 1_000_000,
]

HOSTILE_DISPLAY_NAMES = [
    "",
    "   ",
    " leading",
    "trailing ",
    "Bad\u0000Name",
    "Bad\nName",
    "Bad\u200bName",
    "Bad\u202eName",
    "\ufeffBOM",
    "长" * 201,
    "x" * 10_000_000,
]


def snapshot(engine: brandrail.Engine):
    """Everything a refused call must leave as it was."""
    return (
        [p.to_dict() for p in engine.principals()],
        [m.to_dict() for m in engine.media_accounts()],
        engine.policy_version(),
        engine.audit_len(),
    )


# ---------------------------------------------------------------- opening


def test_in_memory(engine):
    assert engine.path is None
    assert repr(engine) == "Engine.in_memory()"
    now = engine.now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert abs(datetime.now(timezone.utc) - now) < timedelta(minutes=1)


def test_open_str_and_pathlike_and_reopen(tmp_path):
    path = tmp_path / "db.sqlite"
    e = seed(brandrail.Engine.open(str(path)))
    assert e.path == path and isinstance(e.path, pathlib.Path)
    assert "db.sqlite" in repr(e)
    del e
    again = brandrail.Engine.open(path, busy_timeout=0.5)
    assert [p.handle for p in again.principals()] == [ADMIN, MARKETER, EXEC]
    assert again.verify_audit().ok


def test_engine_cannot_be_constructed_directly():
    with pytest.raises(TypeError):
        brandrail.Engine()  # type: ignore[call-arg]


@pytest.mark.parametrize("timeout", [-1.0, float("nan"), float("inf")])
def test_open_bad_busy_timeout(tmp_path, timeout):
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.Engine.open(tmp_path / "x.sqlite", busy_timeout=timeout)
    assert info.value.field == "busy_timeout"
    assert not (tmp_path / "x.sqlite").exists()


def test_open_wrong_types(tmp_path):
    with pytest.raises(TypeError):
        brandrail.Engine.open(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        brandrail.Engine.open(tmp_path / "x.sqlite", busy_timeout="5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        brandrail.Engine.open(tmp_path / "x.sqlite", 5.0)  # type: ignore[misc]
    with pytest.raises(TypeError):
        brandrail.Engine.in_memory(secret_key="x" * 32)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [0, 16, 31, 33, 64])
def test_secret_key_must_be_32_bytes(size):
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.Engine.in_memory(secret_key=bytes(size))
    assert info.value.field == "secret_key"
    assert str(size) in str(info.value)


def test_busy_timeout_raises_busy_error(tmp_path):
    path = tmp_path / "db.sqlite"
    e = seed(brandrail.Engine.open(path, busy_timeout=0.2))
    # Another process takes the write lock and holds it until told to let go.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_WRITE_LOCK, str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        started = time.perf_counter()
        with pytest.raises(brandrail.BusyError) as info:
            e.create_principal(ADMIN, handle="late.one", display_name="Late", department="sales")
        assert info.value.code == "busy"
        assert time.perf_counter() - started >= 0.15
        assert [p.handle for p in e.principals()] == [ADMIN, MARKETER, EXEC]  # readers go on
    finally:
        holder.communicate("release\n", timeout=60)
    e.create_principal(ADMIN, handle="late.one", display_name="Late", department="sales")
    assert e.verify_audit().ok


def test_open_a_directory_fails_cleanly(tmp_path):
    with pytest.raises(brandrail.BrandrailError):
        brandrail.Engine.open(tmp_path)


# ---------------------------------------------------------------- bootstrap


def test_bootstrap():
    e = brandrail.Engine.in_memory()
    p = e.bootstrap(handle=ADMIN, display_name="王强", department="it")
    assert (p.handle, p.department, p.roles, p.active) == (ADMIN, "it", ["it_admin"], True)
    assert p.deactivated_at is None and p.created_at.tzinfo is not None
    assert e.audit_len() == 1
    with pytest.raises(brandrail.ConflictError):
        e.bootstrap(handle="it.second", display_name="Second", department="it")
    assert e.audit_len() == 1


def test_bootstrap_refuses_non_admin_and_changes_nothing():
    e = brandrail.Engine.in_memory()
    with pytest.raises(brandrail.PolicyViolationError):
        e.bootstrap(handle="li.na", display_name="李娜", department="marketing")
    assert e.principals() == [] and e.audit_len() == 0


def test_bootstrap_keyword_only_and_types():
    e = brandrail.Engine.in_memory()
    with pytest.raises(TypeError):
        e.bootstrap(ADMIN, "IT", "it")  # type: ignore[misc]
    with pytest.raises(TypeError):
        e.bootstrap(handle=ADMIN, display_name="IT")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        e.bootstrap(handle=None, display_name="IT", department="it")  # type: ignore[arg-type]
    with pytest.raises(brandrail.ValidationError):
        e.bootstrap(handle="", display_name="IT", department="it")
    assert e.principals() == []


# ---------------------------------------------------------------- principals


def test_create_principal_defaults_and_explicit_roles(engine):
    p = engine.create_principal(ADMIN, handle="chen.jie", display_name="陈杰 Jie Chen", department="brand")
    assert p.roles == ["brand_staff"]
    q = engine.create_principal(
        ADMIN, handle="sun.li", display_name="孙丽", department="legal", roles=["supervisor", "legal_staff"]
    )
    assert q.roles == ["legal_staff", "supervisor"]  # sorted
    read = engine.principal("chen.jie")
    # Storage keeps milliseconds; the returned value may carry more (see report).
    assert read.created_at == p.created_at.replace(microsecond=p.created_at.microsecond // 1000 * 1000)
    assert read.to_dict() | {"created_at": None} == p.to_dict() | {"created_at": None}
    assert read == read and engine.principal("chen.jie") == read
    assert p != q
    d = p.to_dict()
    assert d["handle"] == "chen.jie" and d["department"] == "brand" and d["roles"] == ["brand_staff"]
    assert set(d) == {"handle", "display_name", "department", "roles", "active", "created_at", "deactivated_at"}
    assert repr(p).startswith("Principal(handle='chen.jie'")


def test_results_are_frozen(engine):
    p = engine.principal(ADMIN)
    with pytest.raises(AttributeError):
        p.handle = "x"  # type: ignore[misc]


def test_mixed_scripts_and_sql_text_are_stored_verbatim(engine):
    names = {
        "mix.1": "张伟 Wei Zhang Ωμέγα Ивaн",
        "mix.2": "Robert'); DROP TABLE principal;--",
        "mix.3": "emoji 🎉 ok",
    }
    for handle, name in names.items():
        engine.create_principal(ADMIN, handle=handle, display_name=name, department="sales")
    for handle, name in names.items():
        assert engine.principal(handle).display_name == name
    assert len(engine.principals()) == 6
    assert engine.verify_audit().ok


@pytest.mark.parametrize("handle", HOSTILE_HANDLES, ids=lambda h: repr(h[:20]))
def test_hostile_handles_are_refused_and_change_nothing(engine, handle):
    before = snapshot(engine)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principal(ADMIN, handle=handle, display_name="X", department="sales")
    assert info.value.field == "handle"
    assert len(str(info.value)) < 300  # huge values are never echoed back
    assert snapshot(engine) == before


@pytest.mark.parametrize("name", HOSTILE_DISPLAY_NAMES, ids=lambda n: repr(n[:20]))
def test_hostile_display_names_are_refused_and_change_nothing(engine, name):
    before = snapshot(engine)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principal(ADMIN, handle="new.one", display_name=name, department="sales")
    assert info.value.field == "display_name"
    assert len(str(info.value)) < 300
    assert snapshot(engine) == before


def test_lone_surrogate_is_refused(engine):
    before = snapshot(engine)
    with pytest.raises(ValueError):
        engine.create_principal(ADMIN, handle="sur.rogate", display_name="a\ud800b", department="sales")
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "kwargs",
    [
        {"handle": 1, "display_name": "X", "department": "sales"},
        {"handle": b"bytes.handle", "display_name": "X", "department": "sales"},
        {"handle": "a.b", "display_name": None, "department": "sales"},
        {"handle": "a.b", "display_name": "X", "department": 3},
        {"handle": "a.b", "display_name": "X", "department": "sales", "roles": "sales_staff"},
        {"handle": "a.b", "display_name": "X", "department": "sales", "roles": [1]},
        {"handle": "a.b", "display_name": "X"},
        {"handle": "a.b", "display_name": "X", "department": "sales", "color": "red"},
    ],
)
def test_create_principal_wrong_types(engine, kwargs):
    before = snapshot(engine)
    with pytest.raises(TypeError):
        engine.create_principal(ADMIN, **kwargs)
    assert snapshot(engine) == before


def test_create_principal_bad_department_and_role(engine):
    before = snapshot(engine)
    for department in ["", "Marketing", "marketing ", "sales\u0000", "x" * 10_000]:
        with pytest.raises(brandrail.ValidationError) as info:
            engine.create_principal(ADMIN, handle="a.b", display_name="X", department=department)
        assert info.value.field == "department"
        assert len(str(info.value)) < 400
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principal(ADMIN, handle="a.b", display_name="X", department="sales", roles=["overlord"])
    assert info.value.field == "roles"
    assert snapshot(engine) == before


def test_refused_call_only_records_the_refusal(engine):
    principals, media, version, audit_len = snapshot(engine)
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.create_principal(MARKETER, handle="x.y", display_name="X", department="sales")
    after = snapshot(engine)
    assert after[:3] == (principals, media, version)
    assert after[3] == audit_len + 1
    [denial] = engine.audit_query(EXEC, outcome="denied")
    assert (denial.principal, denial.action, denial.entity_id) == (MARKETER, "principal.create", "x.y")
    assert "principal.manage" in denial.detail


def test_unknown_and_hostile_actor(engine):
    for actor in ["ghost", "", "x' OR 1=1 --", "a\u0000b", "z" * 100_000]:
        before = [p.to_dict() for p in engine.principals()]
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            engine.create_principal(actor, handle="x.y", display_name="X", department="sales")
        assert info.value.reason == "unknown_principal"
        assert len(info.value.principal) <= 64  # hostile actors appear as a digest
        assert [p.to_dict() for p in engine.principals()] == before
    assert engine.verify_audit().ok


def test_deactivated_actor_is_refused(engine):
    engine.grant_role(ADMIN, MARKETER, "data_steward")
    engine.deactivate_principal(ADMIN, MARKETER)
    before = snapshot(engine)
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        engine.register_media_account(
            MARKETER, id="sneaky", platform="weibo", display_name="X",
            owner_department="pr", custodian=ADMIN,
        )
    assert info.value.reason == "deactivated"
    assert snapshot(engine)[:3] == before[:3]
    assert engine.permissions_of(MARKETER) == []
    assert engine.can(MARKETER, "crm.erase") is False


# ---------------------------------------------------------------- batches


def test_create_principals_dicts_objects_and_generators(engine):
    created = engine.create_principals(
        ADMIN,
        [
            {"handle": "sun.li", "display_name": "孙丽", "department": "legal"},
            brandrail.NewPrincipal("zhou.fan", "周帆", "finance"),
            {"handle": "wu.hao", "display_name": "吴昊", "department": "customer_service", "roles": None},
        ],
    )
    assert [p.handle for p in created] == ["sun.li", "zhou.fan", "wu.hao"]
    more = engine.create_principals(
        ADMIN, (brandrail.NewPrincipal(f"gen.{i}", f"Gen {i}", "sales") for i in range(5))
    )
    assert len(more) == 5
    assert engine.create_principals(ADMIN, []) == []
    assert len(engine.principals()) == 11


def test_create_principals_all_or_nothing(engine):
    before = snapshot(engine)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principals(
            ADMIN,
            [
                {"handle": "good.one", "display_name": "Good", "department": "sales"},
                {"handle": "Bad Handle", "display_name": "Bad", "department": "sales"},
            ],
        )
    assert info.value.field == "principals[1].handle"
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principals(
            ADMIN,
            [
                {"handle": "good.one", "display_name": "Good", "department": "sales"},
                {"handle": "bad.dept", "display_name": "Bad", "department": "wizards"},
            ],
        )
    assert info.value.field == "principals[1].department"
    with pytest.raises(brandrail.ConflictError):
        engine.create_principals(
            ADMIN,
            [
                {"handle": "twin", "display_name": "A", "department": "sales"},
                {"handle": "twin", "display_name": "B", "department": "sales"},
            ],
        )
    with pytest.raises(brandrail.ConflictError):
        engine.create_principals(ADMIN, [brandrail.NewPrincipal(MARKETER, "Again", "sales")])
    assert snapshot(engine) == before


@pytest.mark.parametrize(
    "items",
    [
        [{"handle": "a.b", "display_name": "A"}],
        [{"handle": "a.b", "display_name": "A", "department": "sales", "extra": 1}],
        [{"handle": 1, "display_name": "A", "department": "sales"}],
        [{1: "a.b"}],
        ["a.b"],
        [("a.b", "A", "sales")],
        [None],
    ],
)
def test_create_principals_bad_items(engine, items):
    before = snapshot(engine)
    with pytest.raises(TypeError) as info:
        engine.create_principals(ADMIN, items)
    assert "principals[0]" in str(info.value)
    assert snapshot(engine) == before


def test_create_principals_not_iterable(engine):
    with pytest.raises(TypeError):
        engine.create_principals(ADMIN, 42)  # type: ignore[arg-type]


def test_new_principal():
    p = brandrail.NewPrincipal("a.b", "A B", "sales", roles=["sales_staff"])
    assert (p.handle, p.display_name, p.department, p.roles) == ("a.b", "A B", "sales", ["sales_staff"])
    assert p == brandrail.NewPrincipal("a.b", "A B", "sales", ["sales_staff"])
    assert brandrail.NewPrincipal("a.b", "A B", "sales").roles is None
    assert "NewPrincipal(handle='a.b'" in repr(p)
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewPrincipal("a.b", "A B", "nowhere")
    assert info.value.field == "department"


# ---------------------------------------------------------------- roles


def test_grant_and_revoke(engine):
    p = engine.grant_role(ADMIN, MARKETER, "data_steward")
    assert p.roles == ["data_steward", "marketing_staff"]
    assert engine.can(MARKETER, "crm.erase") is True
    assert "crm.erase" in engine.permissions_of(MARKETER)
    p = engine.revoke_role(ADMIN, MARKETER, "data_steward")
    assert p.roles == ["marketing_staff"]
    assert engine.can(MARKETER, "crm.erase") is False


def test_grant_and_revoke_bad_side(engine):
    before = snapshot(engine)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.grant_role(ADMIN, MARKETER, "overlord")
    assert info.value.field == "role"
    with pytest.raises(brandrail.ValidationError):
        engine.grant_role(ADMIN, MARKETER, "x'); DROP TABLE principal_role;--")
    with pytest.raises(brandrail.NotFoundError):
        engine.grant_role(ADMIN, "ghost", "supervisor")
    with pytest.raises(brandrail.ConflictError):
        engine.grant_role(ADMIN, MARKETER, "marketing_staff")
    with pytest.raises(brandrail.ConflictError):
        engine.revoke_role(ADMIN, MARKETER, "supervisor")
    with pytest.raises(brandrail.PolicyViolationError):
        engine.revoke_role(ADMIN, ADMIN, "it_admin")
    with pytest.raises(TypeError):
        engine.grant_role(ADMIN, MARKETER, None)  # type: ignore[arg-type]
    assert snapshot(engine) == before
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.grant_role(MARKETER, MARKETER, "it_admin")
    assert snapshot(engine)[:3] == before[:3]
    assert engine.principal(ADMIN).roles == ["it_admin"]


# ---------------------------------------------------------------- deactivation


def test_deactivate(engine):
    engine.register_media_account(
        ADMIN, id="wechat-main", platform="wechat_official_account",
        display_name="品牌服务号", owner_department="brand", custodian=MARKETER,
    )
    d = engine.deactivate_principal(ADMIN, MARKETER)
    assert d.principal.handle == MARKETER and not d.principal.active
    assert d.principal.deactivated_at is not None
    assert d.custodian_of == ["wechat-main"]
    assert d.to_dict()["principal"]["active"] is False
    assert d.to_dict()["custodian_of"] == ["wechat-main"]
    assert d == d and "Deactivation(principal='li.na'" in repr(d)
    assert engine.principal(MARKETER).active is False
    with pytest.raises(brandrail.ConflictError):
        engine.deactivate_principal(ADMIN, MARKETER)
    with pytest.raises(brandrail.ConflictError):
        engine.deactivate_principal(ADMIN, ADMIN)
    with pytest.raises(brandrail.NotFoundError):
        engine.deactivate_principal(ADMIN, "ghost")
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.deactivate_principal(EXEC, ADMIN)


# ---------------------------------------------------------------- reads


def test_reads(engine):
    assert [p.handle for p in engine.principals()] == [ADMIN, MARKETER, EXEC]
    assert set(engine.permissions_of(ADMIN)) <= set(brandrail.PERMISSIONS)
    assert "principal.manage" in engine.permissions_of(ADMIN)
    assert engine.can(ADMIN, "principal.manage") is True
    assert engine.can("ghost", "principal.manage") is False
    assert engine.can("Not A Handle\u0000", "principal.manage") is False
    with pytest.raises(brandrail.ValidationError) as info:
        engine.can(ADMIN, "world.domination")
    assert info.value.field == "permission"
    with pytest.raises(brandrail.NotFoundError):
        engine.permissions_of("ghost")
    with pytest.raises(brandrail.NotFoundError) as missing:
        engine.principal("x" * 100_000)
    assert len(str(missing.value)) < 200
    with pytest.raises(TypeError):
        engine.principal(None)  # type: ignore[arg-type]


def test_value_sets():
    assert "marketing" in brandrail.DEPARTMENTS and "executive" in brandrail.DEPARTMENTS
    assert "douyin" in brandrail.PLATFORMS
    assert "audit.read" in brandrail.PERMISSIONS
    assert all(isinstance(x, tuple) for x in (brandrail.DEPARTMENTS, brandrail.PLATFORMS, brandrail.PERMISSIONS))


# ---------------------------------------------------------------- media accounts


def register(engine, id="wechat-main", custodian=MARKETER, **kw):
    args = dict(
        id=id, platform="wechat_official_account", display_name="品牌服务号",
        owner_department="brand", custodian=custodian,
    )
    args.update(kw)
    return engine.register_media_account(ADMIN, **args)


def test_register_and_read_media_account(engine):
    m = register(engine)
    assert (m.id, m.platform, m.owner_department, m.custodian, m.has_credential) == (
        "wechat-main", "wechat_official_account", "brand", MARKETER, False,
    )
    assert m.last_interaction_at is None and m.retired_at is None and m.registered_at.tzinfo
    read = engine.media_account("wechat-main")
    assert read.to_dict() | {"registered_at": None} == m.to_dict() | {"registered_at": None}
    assert engine.media_accounts() == [read]
    assert set(m.to_dict()) == {
        "id", "platform", "display_name", "owner_department", "custodian",
        "has_credential", "registered_at", "last_interaction_at", "retired_at",
    }
    assert repr(m).startswith("MediaAccount(id='wechat-main'")


def test_register_media_account_bad_side(engine):
    register(engine)
    before = snapshot(engine)
    with pytest.raises(brandrail.ConflictError):
        register(engine)
    for bad_id in ["", "Bad Id", "x'; DELETE FROM media_account;--", "a\u200bb", "i" * 65]:
        with pytest.raises(brandrail.ValidationError) as info:
            register(engine, id=bad_id)
        assert info.value.field == "id"
    with pytest.raises(brandrail.ValidationError) as info:
        register(engine, id="other", display_name="")
    assert info.value.field == "display_name"
    with pytest.raises(brandrail.NotFoundError):
        register(engine, id="other", custodian="ghost")
    with pytest.raises(brandrail.ValidationError):
        register(engine, id="other", platform="myspace")
    with pytest.raises(TypeError):
        register(engine, id="other", credential=b"bytes")
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.register_media_account(
            MARKETER, id="sneaky", platform="weibo", display_name="X",
            owner_department="pr", custodian=MARKETER,
        )
    assert snapshot(engine)[:3] == before[:3]
    engine.deactivate_principal(ADMIN, MARKETER)
    with pytest.raises(brandrail.ConflictError):
        register(engine, id="other")


def test_credentials_need_a_key_and_are_revealed_with_it(key):
    e = seed(brandrail.Engine.in_memory(secret_key=key))
    m = register(e, credential="p@ss wörd 密码")
    assert m.has_credential
    assert e.reveal_media_credential(ADMIN, "wechat-main") == "p@ss wörd 密码"
    with pytest.raises(brandrail.PermissionDeniedError):
        e.reveal_media_credential(MARKETER, "wechat-main")
    for bad in ["", "x" * 5000]:
        with pytest.raises(brandrail.ValidationError) as info:
            register(e, id="other", credential=bad)
        assert info.value.field == "credential"
    register(e, id="nocred")
    with pytest.raises(brandrail.ConflictError):
        e.reveal_media_credential(ADMIN, "nocred")
    with pytest.raises(brandrail.NotFoundError):
        e.reveal_media_credential(ADMIN, "ghost")
    reveals = e.audit_query(EXEC, action="media_account.reveal_credential", outcome="applied")
    assert len(reveals) == 1
    assert all("p@ss" not in r.detail for r in e.audit_query(EXEC))


def test_without_key_credentials_are_refused(engine):
    before = snapshot(engine)
    with pytest.raises(brandrail.ConfigurationError):
        register(engine, credential="secret")
    assert snapshot(engine) == before
    register(engine)
    with pytest.raises(brandrail.ConfigurationError):
        engine.reveal_media_credential(ADMIN, "wechat-main")


def test_reassign_and_retire(engine):
    register(engine)
    m = engine.reassign_media_account(ADMIN, "wechat-main", EXEC)
    assert m.custodian == EXEC
    with pytest.raises(brandrail.NotFoundError):
        engine.reassign_media_account(ADMIN, "wechat-main", "ghost")
    with pytest.raises(brandrail.NotFoundError):
        engine.reassign_media_account(ADMIN, "ghost", EXEC)
    engine.deactivate_principal(ADMIN, MARKETER)
    with pytest.raises(brandrail.ConflictError):
        engine.reassign_media_account(ADMIN, "wechat-main", MARKETER)
    r = engine.retire_media_account(ADMIN, "wechat-main")
    assert r.retired_at is not None
    with pytest.raises(brandrail.ConflictError):
        engine.retire_media_account(ADMIN, "wechat-main")
    with pytest.raises(brandrail.ConflictError):
        engine.reassign_media_account(ADMIN, "wechat-main", ADMIN)
    engine.create_principal(ADMIN, handle="ma.rk", display_name="Mark", department="marketing")
    with pytest.raises(brandrail.ConflictError):
        engine.record_media_interaction("ma.rk", "wechat-main", utc(2026, 1, 1))
    with pytest.raises(brandrail.NotFoundError):
        engine.retire_media_account(ADMIN, "ghost")


def test_record_interaction_datetimes(engine):
    register(engine)
    m = engine.record_media_interaction(MARKETER, "wechat-main", utc(2026, 1, 10, 8))
    assert m.last_interaction_at == utc(2026, 1, 10, 8)
    assert m.last_interaction_at.tzinfo == timezone.utc
    # Another zone is converted to UTC; the newest time is kept.
    beijing = timezone(timedelta(hours=8))
    m = engine.record_media_interaction(MARKETER, "wechat-main", datetime(2026, 2, 1, 16, tzinfo=beijing))
    assert m.last_interaction_at == utc(2026, 2, 1, 8)
    m = engine.record_media_interaction(MARKETER, "wechat-main", utc(2025, 1, 1))
    assert m.last_interaction_at == utc(2026, 2, 1, 8)


def test_record_interaction_bad_side(engine):
    register(engine)
    before = snapshot(engine)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.record_media_interaction(MARKETER, "wechat-main", datetime(2026, 1, 1))
    assert info.value.field == "at"
    for not_a_datetime in ["2026-01-01T00:00:00Z", 1767225600, date(2026, 1, 1), None]:
        with pytest.raises(TypeError):
            engine.record_media_interaction(MARKETER, "wechat-main", not_a_datetime)  # type: ignore[arg-type]
    with pytest.raises(brandrail.ValidationError):
        engine.record_media_interaction(MARKETER, "wechat-main", engine.now() + timedelta(days=1))
    with pytest.raises(brandrail.NotFoundError):
        engine.record_media_interaction(MARKETER, "no-such", utc(2026, 1, 1))
    assert snapshot(engine)[:3] == before[:3]
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.record_media_interaction("ghost", "wechat-main", utc(2026, 1, 1))
    assert engine.media_account("wechat-main").last_interaction_at is None


def test_record_interactions_batch(engine):
    register(engine, id="a1")
    register(engine, id="a2")
    out = engine.record_media_interactions(MARKETER, [("a1", utc(2026, 1, 1)), ("a2", utc(2026, 2, 1))])
    assert [m.id for m in out] == ["a1", "a2"]
    before = snapshot(engine)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.record_media_interactions(MARKETER, [("a1", utc(2026, 3, 1)), ("a2", datetime(2026, 3, 1))])
    assert info.value.field == "interactions[1].at"
    with pytest.raises(brandrail.NotFoundError):
        engine.record_media_interactions(MARKETER, [("a1", utc(2026, 3, 1)), ("ghost", utc(2026, 3, 1))])
    with pytest.raises(brandrail.ValidationError):
        engine.record_media_interactions(MARKETER, [])
    with pytest.raises((TypeError, ValueError)):
        engine.record_media_interactions(MARKETER, [("a1",)])
    with pytest.raises(TypeError):
        engine.record_media_interactions(MARKETER, [(1, utc(2026, 3, 1))])
    with pytest.raises(TypeError):
        engine.record_media_interactions(MARKETER, 7)  # type: ignore[arg-type]
    assert snapshot(engine) == before
    assert engine.media_account("a1").last_interaction_at == utc(2026, 1, 1)


def test_media_reads_bad_side(engine):
    with pytest.raises(brandrail.NotFoundError) as info:
        engine.media_account("ghost")
    assert info.value.entity == "media_account"
    with pytest.raises(brandrail.NotFoundError) as info:
        engine.media_account("x'; --\u0000")
    assert "\u0000" not in str(info.value)
    assert engine.media_accounts() == []


def test_zombie_report(engine):
    register(engine, id="wechat-main")
    register(engine, id="douyin-main")
    register(engine, id="weibo-old")
    engine.record_media_interaction(MARKETER, "wechat-main", utc(2026, 1, 10, 8))
    engine.record_media_interaction(MARKETER, "douyin-main", utc(2026, 9, 1, 8))
    engine.record_media_interaction(MARKETER, "weibo-old", utc(2025, 12, 1, 8))
    zombies = engine.zombie_media_accounts(utc(2026, 10, 1))
    assert [z.account.id for z in zombies] == ["weibo-old", "wechat-main"]
    z = zombies[0]
    assert z.idle_since == utc(2025, 12, 1, 8) and z.idle_days == 303
    d = z.to_dict()
    assert d["id"] == "weibo-old" and d["idle_days"] == 303 and "custodian" in d
    assert "ZombieAccount(id='weibo-old'" in repr(z)
    assert [z.account.id for z in engine.zombie_media_accounts()] == ["weibo-old", "wechat-main"]
    with pytest.raises(brandrail.ValidationError) as info:
        engine.zombie_media_accounts(datetime(2026, 10, 1))
    assert info.value.field == "as_of"
    with pytest.raises(TypeError):
        engine.zombie_media_accounts("2026-10-01")  # type: ignore[arg-type]
