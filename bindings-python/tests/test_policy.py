"""Policy: the default pack, TOML/JSON/dict both ways, overlays, dotted
lookup, validation errors with paths, and installing versions on an Engine."""

from __future__ import annotations

import copy
import json
import pickle
from decimal import Decimal

import pytest

import brandrail
from conftest import ADMIN, EXEC, MARKETER


@pytest.fixture(scope="module")
def default() -> brandrail.Policy:
    return brandrail.Policy.default()


def test_default_pack(default):
    assert len(default.digest) == 64 and int(default.digest, 16) >= 0
    assert default == brandrail.Policy.default()
    assert default.problems() == []
    assert default["meta.currency"]
    assert repr(default).startswith("Policy(name=")
    text = brandrail.Policy.default_toml()
    assert text.lstrip().startswith("#") or "\n#" in text
    assert brandrail.Policy.from_toml(text) == default


def test_round_trips(default):
    assert brandrail.Policy.from_toml(default.to_toml()) == default
    assert brandrail.Policy.from_json(default.to_json()) == default
    assert brandrail.Policy.from_dict(default.to_dict()) == default
    assert json.loads(default.to_json()) == default.to_dict()
    assert pickle.loads(pickle.dumps(default)) == default
    assert copy.deepcopy(default) == default


def test_dotted_lookup(default):
    assert default["budget.split.fixed"] == 0.6
    assert default["budget.split"] == {"fixed": 0.6, "variable": 0.4}
    assert default["access.zombie_after_months"] == 6
    assert default["access.account_admin_departments"] == ["it"]
    assert default["scoring.grades.0.grade"] == "excellent"
    assert "principal.manage" in default["access.roles.it_admin.permissions"]
    for missing in ["", "nope", "budget.split.nope", "budget.split.fixed.deeper", "scoring.grades.99", "scoring.grades.x"]:
        with pytest.raises(KeyError):
            default[missing]
    assert default.get("nope") is None
    assert default.get("nope", 7) == 7
    assert default.get("budget.split.fixed", 7) == 0.6
    with pytest.raises(TypeError):
        default[1]  # type: ignore[index]


def test_money_fields_are_exact_decimal_strings(default):
    for path in ["crm.community.vip_min_spend", "campaigns.quadrants.test_monthly_cap", "scoring.points.coupon_value"]:
        value = default[path]
        assert isinstance(value, str)
        Decimal(value)  # parses exactly
    cheaper = default.overlay({"crm": {"community": {"vip_min_spend": Decimal("4999.99")}}})
    assert cheaper["crm.community.vip_min_spend"] == "4999.99"
    d = default.to_dict()
    d["scoring"]["points"]["coupon_value"] = Decimal("0.10")
    assert Decimal(brandrail.Policy.from_dict(d)["scoring.points.coupon_value"]) == Decimal("0.10")


def test_overlays_return_new_policies(default):
    a = default.overlay_toml("[access]\nzombie_after_months = 3\n")
    b = default.overlay_json('{"access": {"zombie_after_months": 3}}')
    c = default.overlay({"access": {"zombie_after_months": 3}})
    assert a == b == c
    assert a["access.zombie_after_months"] == 3
    assert default["access.zombie_after_months"] == 6  # immutable
    assert a.digest != default.digest
    assert a["access.roles"] == default["access.roles"]  # tables merge key by key
    d = default.overlay({"budget": {"split": {"fixed": 0.5, "variable": 0.5}}})
    assert d["budget.split"] == {"fixed": 0.5, "variable": 0.5}


@pytest.mark.parametrize(
    "patch, field, quoted",
    [
        ({"budget": {"split": {"fixed": 1.4}}}, "budget.split.fixed", "1.4"),
        ({"budget": {"split": {"fixed": -0.1, "variable": 1.1}}}, "budget.split.fixed", "-0.1"),
        ({"access": {"zombie_after_months": "six"}}, "access.zombie_after_months", None),
        ({"access": {"zombie_after_months": -1}}, "access.zombie_after_months", None),
        ({"budget": {"splitt": {}}}, "budget", "splitt"),
        ({"access": {"account_admin_departments": ["wizards"]}}, "access.account_admin_departments", None),
        ({"crm": {"community": {"vip_min_spend": "lots"}}}, "crm.community.vip_min_spend", None),
    ],
)
def test_invalid_overlays_name_the_path(default, patch, field, quoted):
    with pytest.raises(brandrail.ValidationError) as info:
        default.overlay(patch)
    assert info.value.field.startswith(field), info.value.field
    if quoted:
        assert quoted in str(info.value)


def test_invalid_texts(default):
    for text in ["[access\nzombie", "= 3", "\u0000"]:
        with pytest.raises(brandrail.ValidationError) as info:
            brandrail.Policy.from_toml(text)
        assert info.value.field == "policy"
    with pytest.raises(brandrail.ValidationError):
        brandrail.Policy.from_toml("")
    with pytest.raises(brandrail.ValidationError):
        brandrail.Policy.from_json("{")
    with pytest.raises(brandrail.ValidationError):
        brandrail.Policy.from_json("{}")
    with pytest.raises(brandrail.ValidationError):
        default.overlay_json("[1, 2]")
    with pytest.raises(brandrail.ValidationError):
        default.overlay_toml("budget = 3")
    with pytest.raises(brandrail.ValidationError):
        brandrail.Policy.from_toml("x" * 5_000_000)
    with pytest.raises(TypeError):
        brandrail.Policy.from_toml(b"[meta]")  # type: ignore[arg-type]


def test_invalid_dicts(default):
    with pytest.raises(TypeError):
        default.overlay([("access", {})])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        brandrail.Policy.from_dict("{}")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        default.overlay({"access": {1: 2}})
    with pytest.raises(TypeError):
        default.overlay({"access": {"account_admin_departments": {"it"}}})
    with pytest.raises(brandrail.ValidationError) as info:
        default.overlay({"budget": {"split": {"fixed": float("nan")}}})
    assert info.value.field == "budget.split.fixed"
    with pytest.raises(brandrail.ValidationError):
        default.overlay({"access": {"zombie_after_months": 10**30}})
    # tuples behave as lists, bools stay bools
    ok = default.overlay({"access": {"account_admin_departments": ("it",)}})
    assert ok["access.account_admin_departments"] == ["it"]


def test_engine_policy_versions(engine, default):
    assert engine.policy() == default
    v0 = engine.policy_version()
    assert (v0.version, v0.installed_at, v0.installed_by, v0.digest) == (0, None, None, default.digest)
    assert engine.policy_history() == []
    next_policy = engine.policy().overlay_toml("[access]\nzombie_after_months = 3\n")
    v1 = engine.replace_policy(EXEC, next_policy)
    assert (v1.version, v1.installed_by, v1.digest) == (1, EXEC, next_policy.digest)
    assert v1.installed_at is not None and v1.installed_at.tzinfo is not None
    assert engine.policy() == next_policy
    assert engine.policy()["access.zombie_after_months"] == 3
    history = engine.policy_history()
    assert [h.version for h in history] == [1]
    assert engine.policy_version().to_dict() | {"installed_at": None} == v1.to_dict() | {"installed_at": None}
    assert set(v1.to_dict()) == {"version", "installed_at", "installed_by", "digest"}
    assert repr(v1).startswith("PolicyVersion(version=1")
    [record] = engine.audit_query(EXEC, action="policy.replace")
    assert record.before_digest == default.digest and record.after_digest == next_policy.digest


def test_replace_policy_bad_side(engine, default):
    def unchanged():
        assert engine.policy() == default
        assert engine.policy_history() == []

    with pytest.raises(brandrail.PermissionDeniedError):
        engine.replace_policy(ADMIN, default.overlay({"access": {"zombie_after_months": 3}}))
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.replace_policy(MARKETER, default)
    unchanged()
    roles = default["access.roles"]
    del roles["marketing_staff"]
    dept_roles = default["access.department_roles"]
    dept_roles["marketing"] = []
    without = default.to_dict()
    without["access"]["roles"] = roles
    without["access"]["department_roles"] = dept_roles
    with pytest.raises(brandrail.ConflictError) as info:
        engine.replace_policy(EXEC, brandrail.Policy.from_dict(without))
    assert info.value.id == "marketing_staff"
    unchanged()
    with pytest.raises(brandrail.PolicyViolationError):
        engine.replace_policy(EXEC, default.overlay({"access": {"account_admin_departments": ["legal"]}}))
    unchanged()
    with pytest.raises(TypeError):
        engine.replace_policy(EXEC, default.to_dict())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        engine.replace_policy(EXEC, default.to_toml())  # type: ignore[arg-type]
    unchanged()
