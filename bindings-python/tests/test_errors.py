"""The exception hierarchy: one class per stable code, built-in bases where
natural, structured attributes, and no stringly-typed errors."""

from __future__ import annotations

import pickle

import pytest

import brandrail
from conftest import ADMIN, MARKETER

EXPECTED = {
    "permission_denied": (brandrail.PermissionDeniedError, PermissionError),
    "separation_of_duties": (brandrail.SeparationOfDutiesError, PermissionError),
    "validation": (brandrail.ValidationError, ValueError),
    "not_found": (brandrail.NotFoundError, LookupError),
    "conflict": (brandrail.ConflictError, None),
    "policy_violation": (brandrail.PolicyViolationError, None),
    "configuration": (brandrail.ConfigurationError, None),
    "incompatible_database": (brandrail.IncompatibleDatabaseError, None),
    "corrupt": (brandrail.CorruptDatabaseError, None),
    "integrity": (brandrail.IntegrityError, None),
    "busy": (brandrail.BusyError, None),
    "storage": (brandrail.StorageError, None),
    "io": (brandrail.BrandrailIOError, OSError),
}


def test_every_core_code_has_exactly_one_class():
    assert set(brandrail.ERROR_CODES) == set(EXPECTED)
    subclasses = brandrail.BrandrailError.__subclasses__()
    assert sorted(c.code for c in subclasses) == sorted(brandrail.ERROR_CODES)


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_hierarchy(code):
    cls, builtin = EXPECTED[code]
    assert cls.code == code
    assert issubclass(cls, brandrail.BrandrailError)
    assert issubclass(cls, Exception)
    if builtin is not None:
        assert issubclass(cls, builtin)
    assert cls.__module__ == "brandrail"
    assert cls.__doc__
    assert getattr(brandrail, cls.__name__) is cls
    assert cls.__name__ in brandrail.__all__


def test_base_class():
    assert issubclass(brandrail.BrandrailError, Exception)
    assert brandrail.BrandrailError.__module__ == "brandrail"
    assert brandrail.BrandrailError.__doc__


def test_permission_denied_fields(engine):
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        engine.create_principal(MARKETER, handle="x.y", display_name="X", department="sales")
    e = info.value
    assert e.code == "permission_denied"
    assert (e.principal, e.permission, e.reason) == (MARKETER, "principal.manage", "missing_permission")
    assert isinstance(e, PermissionError)
    assert "principal.manage" in str(e)


def test_permission_denied_reasons(engine):
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        engine.grant_role("nobody", MARKETER, "supervisor")
    assert info.value.reason == "unknown_principal"
    engine.create_principal(ADMIN, handle="chen.jie", display_name="陈杰", department="brand",
                            roles=["brand_staff", "it_admin"])
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        engine.create_principal("chen.jie", handle="not.it", display_name="N", department="sales")
    assert info.value.reason == "wrong_department"
    engine.deactivate_principal(ADMIN, MARKETER)
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        engine.audit_query(MARKETER)
    assert info.value.reason == "deactivated"


def test_validation_fields(engine):
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principal(ADMIN, handle="Bad Handle", display_name="X", department="sales")
    e = info.value
    assert e.code == "validation"
    assert e.field == "handle"
    assert isinstance(e, ValueError)
    with pytest.raises(ValueError):
        brandrail.Policy.default().overlay({"budget": {"split": {"fixed": 1.4}}})


def test_enum_errors_list_allowed_values(engine):
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principal(ADMIN, handle="a.b", display_name="A", department="sorcery")
    assert info.value.field == "department"
    assert "marketing" in str(info.value) and "executive" in str(info.value)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.register_media_account(
            ADMIN, id="x1", platform="myspace", display_name="X",
            owner_department="nowhere", custodian=ADMIN,
        )
    assert info.value.field == "platform"
    assert "douyin" in str(info.value)
    with pytest.raises(brandrail.ValidationError) as info:
        engine.register_media_account(
            ADMIN, id="x1", platform="weibo", display_name="X",
            owner_department="nowhere", custodian=ADMIN,
        )
    assert info.value.field == "owner_department"


def test_not_found_and_conflict_fields(engine):
    with pytest.raises(brandrail.NotFoundError) as info:
        engine.principal("ghost")
    assert (info.value.entity, info.value.id) == ("principal", "ghost")
    assert isinstance(info.value, LookupError)
    with pytest.raises(brandrail.ConflictError) as conflict:
        engine.create_principal(ADMIN, handle=MARKETER, display_name="Again", department="sales")
    assert (conflict.value.entity, conflict.value.id) == ("principal", MARKETER)


def test_policy_violation_rule(engine):
    with pytest.raises(brandrail.PolicyViolationError) as info:
        engine.revoke_role(ADMIN, ADMIN, "it_admin")
    assert info.value.rule == "ACC-2"


def test_configuration_error_without_key(engine):
    with pytest.raises(brandrail.ConfigurationError):
        engine.register_media_account(
            ADMIN, id="wechat-main", platform="weibo", display_name="X",
            owner_department="brand", custodian=ADMIN, credential="s3cret",
        )


def test_errors_pickle(engine):
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        engine.create_principal(MARKETER, handle="x.y", display_name="X", department="sales")
    clone = pickle.loads(pickle.dumps(info.value))
    assert type(clone) is brandrail.PermissionDeniedError
    assert clone.principal == MARKETER and str(clone) == str(info.value)


def test_catch_by_base_class(engine):
    with pytest.raises(brandrail.BrandrailError) as info:
        engine.principal("ghost")
    assert info.value.code in brandrail.ERROR_CODES


def test_messages_do_not_repeat_personal_values(engine):
    secret_name = "Hidden\u0000Person"
    with pytest.raises(brandrail.ValidationError) as info:
        engine.create_principal(ADMIN, handle="h.p", display_name=secret_name, department="sales")
    assert "Hidden" not in str(info.value)
    assert info.value.field == "display_name"
