"""The Engine through the uniffi FFI: every method's happy path and its bad
sides (hostile strings, unknown ids, missing permission, deactivated actor,
wrong key), the error case and code, and that a refused call changes nothing.
Media accounts are in `test_media_uniffi.py`, approvals in `test_approvals_*`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import threading

import pytest

from uniffi_support import (
    HOSTILE_HANDLES,
    HOSTILE_NAMES,
    SECRET_KEY,
    UTC,
    br,
    media,
    person,
    refused,
    refused_unchanged,
    seed,
)

CODES = [
    "permission_denied",
    "separation_of_duties",
    "validation",
    "not_found",
    "conflict",
    "policy_violation",
    "configuration",
    "incompatible_database",
    "corrupt",
    "integrity",
    "busy",
    "storage",
    "io",
]

# Display names from real people in several scripts: accepted as given.
GOOD_NAMES = [
    "王强",
    "陈杰 Jie Chen",
    "Zoë Ångström-Łukasiewicz",
    "محمد الأحمد",
    "Ольга Петрова",
    "佐藤 ひろし",
    "O'Brien; DROP TABLE principal;--",
    "长" * 200,
]


# ------------------------------------------------------------------ errors


def test_error_codes_are_the_core_codes():
    assert br.error_codes() == CODES


def test_every_error_case_is_a_brandrail_error_with_its_code():
    cases = {
        "permission_denied": br.BrandrailError.PermissionDenied,
        "separation_of_duties": br.BrandrailError.SeparationOfDuties,
        "validation": br.BrandrailError.Validation,
        "not_found": br.BrandrailError.NotFound,
        "conflict": br.BrandrailError.Conflict,
        "policy_violation": br.BrandrailError.PolicyViolation,
        "configuration": br.BrandrailError.Configuration,
        "incompatible_database": br.BrandrailError.IncompatibleDatabase,
        "corrupt": br.BrandrailError.Corrupt,
        "integrity": br.BrandrailError.Integrity,
        "busy": br.BrandrailError.Busy,
        "storage": br.BrandrailError.Storage,
        "io": br.BrandrailError.Io,
    }
    assert list(cases) == CODES
    for code, cls in cases.items():
        assert issubclass(cls, br.BrandrailError)
        fields = {
            "permission_denied": dict(
                principal="p", permission="x", reason=br.DenialReason.MISSING_PERMISSION
            ),
            "separation_of_duties": dict(principal="p"),
            "validation": dict(field="f"),
            "not_found": dict(entity="e"),
            "conflict": dict(entity="e"),
            "policy_violation": dict(rule="ACC-2"),
            "integrity": dict(seq=1),
        }.get(code, {})
        err = cls(detail="d", **fields)
        assert err.code() == code
        assert err.detail == "d"


def test_permission_denied_carries_principal_permission_and_reason(engine):
    err = refused_unchanged(
        engine,
        "permission_denied",
        engine.create_principal,
        "li.na",
        person("x.y", br.Department.SALES),
    )
    assert isinstance(err, br.BrandrailError.PermissionDenied)
    assert (err.principal, err.permission, err.reason) == (
        "li.na",
        "principal.manage",
        br.DenialReason.MISSING_PERMISSION,
    )
    assert err.reason.as_str() == "missing_permission"
    assert err.detail == (
        "permission denied: principal 'li.na' may not principal.manage (missing_permission)"
    )


def test_every_denial_reason_reaches_the_host(engine):
    engine.grant_role("it.admin", "chen.jie", "it_admin")
    engine.create_principal("it.admin", person("it.second", br.Department.IT))
    engine.deactivate_principal("it.admin", "it.second")
    new = person("x.y", br.Department.SALES)
    reasons = {
        "nobody": "unknown_principal",
        "it.second": "deactivated",
        "li.na": "missing_permission",
        "chen.jie": "wrong_department",
    }
    for actor, reason in reasons.items():
        err = refused_unchanged(engine, "permission_denied", engine.create_principal, actor, new)
        assert err.reason.as_str() == reason


def test_a_hostile_actor_is_never_echoed(engine):
    actor = "x'); DROP TABLE audit_log;--\n\u202e"
    err = refused_unchanged(
        engine, "permission_denied", engine.grant_role, actor, "li.na", "supervisor"
    )
    assert err.principal.startswith("invalid:")
    assert "DROP" not in err.detail and "\n" not in err.detail
    record = engine.audit_query("sun.li", br.AuditQuery(outcome=br.Outcome.DENIED))[-1]
    assert record.principal == err.principal


# --------------------------------------------------------------- options


@pytest.mark.parametrize("length", [0, 1, 16, 31, 33, 64])
def test_a_secret_key_of_the_wrong_length_is_refused(length, tmp_path):
    options = br.EngineOptions(secret_key=b"\x07" * length)
    err = refused("validation", br.Engine.in_memory, options)
    assert err.field == "secret_key"
    assert f"got {length} bytes" in err.detail
    refused("validation", br.Engine.open, str(tmp_path / "k.db"), options)
    assert not (tmp_path / "k.db").exists()


def test_options_default_and_busy_timeout():
    assert br.EngineOptions() == br.EngineOptions(busy_timeout_ms=5000, secret_key=None)
    e = br.Engine.in_memory(br.EngineOptions(busy_timeout_ms=0, secret_key=SECRET_KEY))
    assert e.path() is None


def test_open_creates_and_reopens_a_file(tmp_path):
    path = str(tmp_path / "brandrail.db")
    e = br.Engine.open(path)
    assert e.path() == path
    seed(e)
    del e
    again = br.Engine.open(path, br.EngineOptions(busy_timeout_ms=100, secret_key=None))
    assert [p.handle for p in again.principals()] == [
        "chen.jie",
        "it.admin",
        "li.na",
        "sun.li",
        "zhao.min",
    ]
    assert again.verify_audit().ok


def test_open_in_a_missing_directory_is_a_storage_error(tmp_path):
    refused("storage", br.Engine.open, str(tmp_path / "no" / "such" / "dir.db"))


def test_open_with_a_nul_in_the_path_is_an_error_not_a_panic(tmp_path):
    with pytest.raises(br.BrandrailError) as info:
        br.Engine.open(str(tmp_path / "bad\x00name.db"))
    assert info.value.code() in ("storage", "validation")


def test_now_is_the_engine_clock(engine):
    before = dt.datetime.now(UTC)
    now = engine.now()
    assert now.tzinfo is not None
    assert abs((now - before).total_seconds()) < 5


# ------------------------------------------------------------ principals


def test_bootstrap_creates_the_first_admin_once():
    e = br.Engine.in_memory()
    admin = e.bootstrap(person("it.admin", br.Department.IT, "王强"))
    assert (admin.handle, admin.display_name, admin.department) == (
        "it.admin",
        "王强",
        br.Department.IT,
    )
    assert admin.roles == ["it_admin"] and admin.active and admin.deactivated_at is None
    refused_unchanged(e, "conflict", e.bootstrap, person("it.two", br.Department.IT))


def test_bootstrap_refuses_someone_who_cannot_administer():
    e = br.Engine.in_memory()
    err = refused_unchanged(
        e, "policy_violation", e.bootstrap, person("li.na", br.Department.MARKETING)
    )
    assert err.rule == "ACC-2"
    refused_unchanged(e, "validation", e.bootstrap, person("Bad Handle", br.Department.IT))
    assert e.principals() == [] and e.audit_len() == 0


def test_create_principal_with_default_and_explicit_roles(engine):
    p = engine.create_principal("it.admin", person("wu.hao", br.Department.CUSTOMER_SERVICE))
    assert p.roles == ["service_staff"] and p.active
    q = engine.create_principal(
        "it.admin", person("data.lead", br.Department.SALES, roles=["supervisor", "data_steward"])
    )
    assert q.roles == ["data_steward", "supervisor"]
    stored = engine.principal("data.lead")
    assert (stored.handle, stored.roles, stored.department) == (q.handle, q.roles, q.department)
    # The store keeps milliseconds; the returned record has the clock's full
    # precision (a core quirk, see the binding's report).
    assert abs(stored.created_at - q.created_at) < dt.timedelta(milliseconds=1)
    assert q.created_at.tzinfo is not None


def test_create_principal_refusals_change_nothing(engine):
    refused_unchanged(
        engine, "conflict", engine.create_principal, "it.admin", person("li.na", br.Department.SALES)
    )
    err = refused_unchanged(
        engine,
        "validation",
        engine.create_principal,
        "it.admin",
        person("x.y", br.Department.SALES, roles=["overlord"]),
    )
    assert err.field == "roles"


@pytest.mark.parametrize("handle", HOSTILE_HANDLES, ids=range(len(HOSTILE_HANDLES)))
def test_hostile_handles_are_refused(engine, handle):
    err = refused_unchanged(
        engine,
        "validation",
        engine.create_principal,
        "it.admin",
        br.NewPrincipal(handle=handle, display_name="N", department=br.Department.SALES),
    )
    assert err.field == "handle"
    assert len(err.detail) < 300
    for bad in ("\x00", "\n", "\x1b", "\u200b", "\u202e", "\ufeff"):
        assert bad not in err.detail


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_display_names_are_refused_without_quoting_them(engine, name):
    err = refused_unchanged(
        engine,
        "validation",
        engine.create_principal,
        "it.admin",
        br.NewPrincipal(handle="new.one", display_name=name, department=br.Department.SALES),
    )
    assert err.field == "display_name"
    if name.strip():
        assert name.strip() not in err.detail


@pytest.mark.parametrize("name", GOOD_NAMES, ids=range(len(GOOD_NAMES)))
def test_mixed_script_display_names_round_trip(engine, name):
    p = engine.create_principal(
        "it.admin", br.NewPrincipal(handle="new.one", display_name=name, department=br.Department.PR)
    )
    assert p.display_name == name
    assert engine.principal("new.one").display_name == name


def test_create_principals_is_all_or_nothing(engine):
    made = engine.create_principals(
        "it.admin",
        [person("a.one", br.Department.SALES), person("b.two", br.Department.HR)],
    )
    assert [p.roles for p in made] == [["sales_staff"], ["hr_staff"]]
    err = refused_unchanged(
        engine,
        "validation",
        engine.create_principals,
        "it.admin",
        [person("c.three", br.Department.SALES), person("Bad Handle", br.Department.SALES)],
    )
    assert err.field == "principals[1].handle"
    err = refused_unchanged(
        engine,
        "conflict",
        engine.create_principals,
        "it.admin",
        [person("d.four", br.Department.SALES), person("d.four", br.Department.HR)],
    )
    assert err.entity == "principal"
    refused_unchanged(
        engine,
        "permission_denied",
        engine.create_principals,
        "li.na",
        [person("e.five", br.Department.SALES)],
    )


def test_a_large_batch_crosses_once(engine):
    batch = [person(f"bulk.{i:04d}", br.Department.SALES) for i in range(500)]
    assert len(engine.create_principals("it.admin", batch)) == 500
    assert len(engine.principals()) == 505
    assert engine.verify_audit().ok


def test_grant_and_revoke_role(engine):
    assert engine.grant_role("it.admin", "li.na", "data_steward").roles == [
        "data_steward",
        "marketing_staff",
    ]
    assert engine.can("li.na", br.Permission.CRM_ERASE)
    assert engine.revoke_role("it.admin", "li.na", "data_steward").roles == ["marketing_staff"]
    assert not engine.can("li.na", br.Permission.CRM_ERASE)


def test_grant_and_revoke_refusals(engine):
    err = refused_unchanged(engine, "not_found", engine.grant_role, "it.admin", "ghost", "supervisor")
    assert err.entity == "principal"
    err = refused_unchanged(engine, "validation", engine.grant_role, "it.admin", "li.na", "overlord")
    assert err.field == "role"
    refused_unchanged(engine, "conflict", engine.grant_role, "it.admin", "li.na", "marketing_staff")
    refused_unchanged(engine, "conflict", engine.revoke_role, "it.admin", "li.na", "supervisor")
    refused_unchanged(engine, "permission_denied", engine.grant_role, "li.na", "li.na", "it_admin")
    refused_unchanged(
        engine, "permission_denied", engine.revoke_role, "zhao.min", "li.na", "marketing_staff"
    )
    err = refused_unchanged(
        engine, "policy_violation", engine.revoke_role, "it.admin", "it.admin", "it_admin"
    )
    assert err.rule == "ACC-2"
    refused_unchanged(
        engine, "not_found", engine.grant_role, "it.admin", "x'); DROP TABLE principal;--", "x"
    )


def test_deactivate_principal_hands_back_custody(engine):
    engine.register_media_account(
        "it.admin",
        br.NewMediaAccount(
            id="wechat-main",
            platform=br.Platform.WECHAT_OFFICIAL_ACCOUNT,
            display_name="品牌服务号",
            owner_department=br.Department.BRAND,
            custodian="li.na",
        ),
    )
    d = engine.deactivate_principal("it.admin", "li.na")
    assert d.custodian_of == ["wechat-main"]
    assert not d.principal.active and d.principal.deactivated_at is not None
    assert engine.permissions_of("li.na") == []
    assert not engine.can("li.na", br.Permission.CONTENT_CREATE)
    err = refused_unchanged(
        engine,
        "permission_denied",
        engine.record_media_interaction,
        "li.na",
        "wechat-main",
        engine.now(),
    )
    assert err.reason == br.DenialReason.DEACTIVATED
    refused_unchanged(engine, "conflict", engine.deactivate_principal, "it.admin", "li.na")
    refused_unchanged(engine, "conflict", engine.grant_role, "it.admin", "li.na", "supervisor")


def test_deactivate_refusals(engine):
    refused_unchanged(engine, "conflict", engine.deactivate_principal, "it.admin", "it.admin")
    refused_unchanged(engine, "not_found", engine.deactivate_principal, "it.admin", "ghost")
    refused_unchanged(engine, "permission_denied", engine.deactivate_principal, "li.na", "sun.li")
    engine.create_principal("it.admin", person("it.second", br.Department.IT))
    engine.revoke_role("it.admin", "it.second", "it_admin")
    err = refused_unchanged(
        engine, "conflict", engine.deactivate_principal, "it.admin", "it.admin"
    )
    assert err.entity == "principal"


def test_reads_of_principals(engine):
    assert engine.principal("zhao.min").roles == ["executive", "supervisor"]
    assert [p.handle for p in engine.principals()] == sorted(p.handle for p in engine.principals())
    perms = engine.permissions_of("it.admin")
    assert br.Permission.PRINCIPAL_MANAGE in perms and br.Permission.AUDIT_READ not in perms
    assert engine.can("it.admin", br.Permission.ROLE_GRANT)
    assert not engine.can("ghost", br.Permission.ROLE_GRANT)
    assert not engine.can("x'); DROP TABLE principal;--", br.Permission.ROLE_GRANT)
    err = refused("not_found", engine.principal, "ghost")
    assert err.entity == "principal"
    refused("not_found", engine.permissions_of, "ghost")
    err = refused("not_found", engine.principal, "robert'); DROP TABLE principal;--")
    assert "DROP" not in err.detail and "invalid:" in err.detail
    refused("not_found", engine.principal, "h" * 1_000_000)


def test_enums_mirror_the_core_names():
    assert br.Department.CUSTOMER_SERVICE.as_str() == "customer_service"
    assert br.Permission.MEDIA_ACCOUNT_REVEAL_CREDENTIAL.as_str() == (
        "media_account.reveal_credential"
    )
    assert br.Platform.WECHAT_OFFICIAL_ACCOUNT.as_str() == "wechat_official_account"
    assert br.Outcome.DENIED.as_str() == "denied"
    assert br.DenialReason.NOT_A_DECIDER.as_str() == "not_a_decider"
    assert [r.as_str() for r in br.DenialReason] == [
        "unknown_principal",
        "deactivated",
        "missing_permission",
        "wrong_department",
        "not_a_decider",
        "not_the_submitter",
        "not_cleared",
    ]
    for enum, parse in (
        (br.Department, br.parse_department),
        (br.Platform, br.parse_platform),
        (br.Permission, br.parse_permission),
        (br.Outcome, br.parse_outcome),
    ):
        for value in enum:
            assert parse(value.as_str()) == value
    err = refused("validation", br.parse_platform, "myspace")
    assert err.field == "platform" and "weibo" in err.detail
    err = refused("validation", br.parse_permission, "root\x00")
    assert "\x00" not in err.detail
    refused("validation", br.parse_department, "")
    assert len(refused("validation", br.parse_department, "x" * 100_000).detail) < 400


# ------------------------------------------------------------------ policy


def test_policy_default_pack_and_round_trips():
    p = br.Policy()
    assert len(p.digest()) == 64 and p.problems() == []
    assert br.Policy.from_toml(br.default_policy_toml()).digest() == p.digest()
    assert br.Policy.from_toml(p.to_toml()).digest() == p.digest()
    assert br.Policy.from_json(p.to_json()).digest() == p.digest()
    assert br.Permission.PRINCIPAL_MANAGE in p.permissions_of(["it_admin"])
    assert p.permissions_of(["nope"]) == []


def test_policy_overlays_and_their_errors():
    p = br.Policy()
    q = p.overlay_toml("[access]\nzombie_after_months = 3\n")
    assert '"zombie_after_months": 3' in q.to_json() and q.digest() != p.digest()
    assert p.overlay_json('{"access": {"zombie_after_months": 3}}').digest() == q.digest()
    err = refused("validation", p.overlay_toml, "[budget.split]\nfixed = 1.4\n")
    assert err.field.startswith("budget.split")
    refused("validation", p.overlay_toml, "not = [toml")
    refused("validation", p.overlay_json, "[1, 2]")
    refused("validation", p.overlay_json, "{")
    refused("validation", br.Policy.from_toml, "")
    refused("validation", br.Policy.from_json, '{"meta": {}}')
    refused("validation", br.Policy.from_toml, "\x00" * 10)
    refused("validation", br.Policy.from_json, "[" * 100_000)


def test_replace_policy_versions_and_audits(engine):
    v0 = engine.policy_version()
    assert (v0.version, v0.installed_at, v0.installed_by) == (0, None, None)
    assert v0.digest == br.Policy().digest() and engine.policy_history() == []
    new = engine.policy().overlay_toml("[access]\nzombie_after_months = 3\n")
    v1 = engine.replace_policy("zhao.min", new)
    assert (v1.version, v1.installed_by, v1.digest) == (1, "zhao.min", new.digest())
    stored = engine.policy_version()
    assert (stored.version, stored.installed_by, stored.digest) == (1, "zhao.min", v1.digest)
    assert abs(stored.installed_at - v1.installed_at) < dt.timedelta(milliseconds=1)
    assert engine.policy_history() == [stored]
    assert engine.policy().digest() == new.digest()
    [record] = engine.audit_query("sun.li", br.AuditQuery(action="policy.replace"))
    assert record.before_digest == v0.digest and record.after_digest == v1.digest


def test_replace_policy_refusals(engine):
    new = engine.policy().overlay_toml("[access]\nzombie_after_months = 3\n")
    refused_unchanged(engine, "permission_denied", engine.replace_policy, "it.admin", new)
    locked_out = engine.policy().overlay_toml('[access]\naccount_admin_departments = ["legal"]\n')
    err = refused_unchanged(engine, "policy_violation", engine.replace_policy, "zhao.min", locked_out)
    assert err.rule == "ACC-2"
    # A role only this test defines and grants: dropping it while held conflicts.
    with_temp = engine.policy().overlay_json(
        json.dumps(
            {"access": {"roles": {"temp_role": {"description": "t", "permissions": ["crm.read"]}}}}
        )
    )
    engine.replace_policy("zhao.min", with_temp)
    engine.grant_role("it.admin", "li.na", "temp_role")
    err = refused_unchanged(engine, "conflict", engine.replace_policy, "zhao.min", br.Policy())
    assert err.entity == "role"


# ------------------------------------------------------- no panic, threads


def test_no_string_input_panics(keyed):
    """Every string-taking method, fed hostile strings, answers with a
    BrandrailError or a result, never uniffi's InternalError (a Rust panic)."""
    calls = [
        lambda s: keyed.principal(s),
        lambda s: keyed.permissions_of(s),
        lambda s: keyed.can(s, br.Permission.CRM_READ),
        lambda s: keyed.create_principal(s, person("ok.handle", br.Department.PR)),
        lambda s: keyed.create_principal(
            "it.admin", br.NewPrincipal(handle=s, display_name=s, department=br.Department.PR)
        ),
        lambda s: keyed.grant_role("it.admin", "li.na", s),
        lambda s: keyed.revoke_role("it.admin", s, s),
        lambda s: keyed.deactivate_principal(s, s),
        lambda s: keyed.register_media_account("it.admin", media(id=s, custodian=s, credential=s)),
        lambda s: keyed.reassign_media_account("it.admin", s, s),
        lambda s: keyed.record_media_interaction(s, s, keyed.now()),
        lambda s: keyed.retire_media_account(s, s),
        lambda s: keyed.reveal_media_credential("it.admin", s),
        lambda s: keyed.media_account(s),
        lambda s: keyed.audit_query(s, br.AuditQuery(principal=s, action=s, entity_id=s)),
        lambda s: keyed.audit_query("sun.li", br.AuditQuery(principal=s, action=s, entity_type=s)),
        lambda s: keyed.backup_to(s, s),
        lambda s: keyed.restore_from(s, s),
        lambda s: keyed.replace_policy(s, br.Policy()),
        lambda s: br.Policy.from_toml(s),
        lambda s: br.Policy.from_json(s),
        lambda s: br.Policy().overlay_toml(s),
        lambda s: br.Policy().overlay_json(s),
        lambda s: br.parse_permission(s),
    ]
    before = keyed.principals()
    for s in HOSTILE_HANDLES + HOSTILE_NAMES:
        for call in calls:
            try:
                call(s)
            except br.BrandrailError:
                pass
    assert keyed.principals() == before
    assert keyed.verify_audit().ok


def test_calls_from_many_threads(engine):
    errors = []

    def work(n):
        try:
            for i in range(20):
                engine.create_principal("it.admin", person(f"t{n}.p{i}", br.Department.SALES))
                engine.verify_audit()
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(engine.principals()) == 5 + 80
    assert engine.verify_audit().ok


def test_async_verify_matches_sync(engine):
    assert asyncio.run(engine.verify_audit_async()) == engine.verify_audit()
