"""Segments, personas, lifecycle stages and community tiers (CRM-4) and
customer value (CRM-11) through the Python API, on a manual clock: a
three-condition segment with a nested group and a relative window given as a
dict, refreshed incrementally as events arrive and as time moves events out of
the window; the policy's personas; stages and tiers derived from behaviour;
bad rules and bad arguments refused with their path while nothing changes;
RFM and the value report in exact decimals; the pandas frames, and their
ImportError without pandas."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import brandrail
from conftest import EXEC, MARKETER
from test_crm import HR, KEY, SALES, STEWARD, staff

START = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
PERSONAS = ["lapsed_buyers", "loyal_members", "young_professionals"]

# Shanghai repeat buyers (two purchases in 90 days), young or of unknown age.
SH_REPEAT = {
    "all": [
        {"field": {"name": "region", "op": "eq", "value": "上海"}},
        {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}},
        {
            "any": [
                {"field": {"name": "age_band", "op": "in", "value": ["18-24", "25-34"]}},
                {"not": {"field": {"name": "age_band", "op": "exists"}}},
            ]
        },
    ]
}


@pytest.fixture
def crm() -> brandrail.Engine:
    """Staffed, keyed, on a manual clock at START."""
    return staff(brandrail.Engine.in_memory(secret_key=KEY, clock_start=START))


def ago(engine: brandrail.Engine, days: int) -> datetime:
    return engine.now() - timedelta(days=days)


def seed(engine: brandrail.Engine) -> list[int]:
    """Five customers with profiles and behaviour (as the shared vector):
    1 Shanghai 25-34, member id, two purchases in 90 days, community member;
    2 Shanghai 45-54, two purchases; 3 Shanghai, no age, one purchase in 90
    days; 4 Beijing 18-24, product views; 5 no profile, one big old purchase,
    community member."""
    report = engine.ingest_customers(
        MARKETER,
        [
            {"identities": [("phone", "13800000001"), ("member_id", "M-1")],
             "profile": {"region": "上海", "age_band": "25-34"}},
            {"identities": [("phone", "13800000002")], "profile": {"region": "上海", "age_band": "45-54"}},
            {"identities": [("phone", "13800000003")], "profile": {"region": "上海"}},
            {"identities": [("phone", "13800000004"), ("email", "d@example.com")],
             "profile": {"region": "北京", "age_band": "18-24"}},
            {"identities": [("phone", "13800000005")]},
        ],
    )
    assert report.customer_ids == [1, 2, 3, 4, 5]

    def buy(cid, days, amount):
        return {"customer_id": cid, "kind": "purchase", "at": ago(engine, days), "amount": amount}

    r = engine.record_interactions(
        MARKETER,
        [
            buy(1, 10, "100"), buy(1, 80, Decimal("80")),
            buy(2, 10, "100"), buy(2, 20, 100),
            buy(3, 10, "30"), buy(3, 120, "30"),
            {"customer_id": 4, "kind": "view", "at": ago(engine, 3), "page": "article/5-minute-skincare"},
            {"customer_id": 4, "kind": "view", "at": ago(engine, 2), "page": "/product/12"},
            {"customer_id": 4, "kind": "path_step", "at": ago(engine, 2), "page": "product"},
            buy(5, 200, "5000.00"),
            {"customer_id": 5, "kind": "community_join", "at": ago(engine, 30)},
            {"customer_id": 1, "kind": "community_join", "at": ago(engine, 30)},
        ],
    )
    assert (r.recorded, r.errors) == (12, [])
    return report.customer_ids


def define(engine: brandrail.Engine, name: str = "sh-repeat", rule=None, actor: str = MARKETER):
    return engine.define_segment(
        actor, name=name, label="上海复购", description="Shanghai repeat buyers",
        rule=SH_REPEAT if rule is None else rule,
    )


def members(engine: brandrail.Engine, name: str) -> list[tuple[int, str, object]]:
    return [(m.customer_id, m.stage, m.tier) for m in engine.segment_members(MARKETER, name, 0, 100)]


def state(engine: brandrail.Engine) -> tuple:
    """What a refused or invalid call must leave as it was: every segment
    with its rule and members, and the audit log's length (read first: the
    reads themselves audit nothing)."""
    n = engine.audit_len()
    return n, [(s.name, s.origin, s.rule, s.members) for s in engine.segments(MARKETER)]


# ---------------------------------------------------------------- value sets


def test_value_sets_and_permission():
    assert brandrail.LIFECYCLE_STAGES == ("awareness", "interest", "decision", "loyalty")
    assert brandrail.COMMUNITY_TIERS == ("new", "repeat", "vip")
    assert brandrail.SEGMENT_ORIGINS == ("policy", "custom")
    assert brandrail.MAX_SEGMENT_PAGE == 100_000
    assert "segment.manage" in brandrail.PERMISSIONS
    engine = staff(brandrail.Engine.in_memory(secret_key=KEY))
    assert engine.can(MARKETER, "segment.manage") and engine.can(STEWARD, "segment.manage")
    assert not engine.can(SALES, "segment.manage") and not engine.can(HR, "crm.read")


# ---------------------------------------------------------------- segments


def test_a_nested_three_condition_segment_with_a_window(crm):
    seed(crm)
    s = define(crm)
    assert isinstance(s, brandrail.Segment)
    assert (s.name, s.origin, s.label, s.description) == (
        "sh-repeat", "custom", "上海复购", "Shanghai repeat buyers",
    )
    assert s.members == 1, "2 is 45-54; 3 bought once in 90 days; 4 is in Beijing"
    assert (s.defined_by, s.defined_at, s.refreshed_at) == (MARKETER, START, START)
    # The rule comes back as a dict in core's form: defaults filled in.
    assert s.rule["all"][0] == SH_REPEAT["all"][0]
    assert s.rule["all"][1] == {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}}
    assert s.rule["all"][2] == SH_REPEAT["all"][2]
    assert members(crm, "sh-repeat") == [(1, "loyalty", "repeat")]
    assert crm.segment_count(MARKETER, "sh-repeat") == 1
    assert crm.count_customers(MARKETER, SH_REPEAT) == 1

    # The same rule as JSON text, or with tuples for lists, is the same rule;
    # the returned dict is accepted back.
    assert crm.count_customers(MARKETER, json.dumps(SH_REPEAT, ensure_ascii=False)) == 1
    as_tuples = {"all": tuple(SH_REPEAT["all"])}
    assert crm.count_customers(MARKETER, as_tuples) == 1
    again = define(crm, rule=s.rule)
    assert (again.rule, again.members) == (s.rule, 1)
    assert [r.detail for r in crm.audit_query(EXEC, action="segment.define")] == [
        "defined members=1", "redefined members=1",
    ]

    # Values: frozen, comparable, dicts; the rule is a copy.
    d = s.to_dict()
    assert set(d) == {
        "name", "origin", "label", "description", "rule", "members", "refreshed_at", "defined_by", "defined_at",
    }
    assert d["rule"] == s.rule and d["members"] == 1
    s.rule["all"].clear()
    assert len(s.rule["all"]) == 3
    assert repr(s) == "Segment(name='sh-repeat', origin='custom', label='上海复购', members=1)"
    assert crm.segment(MARKETER, "sh-repeat") == again
    with pytest.raises(AttributeError):
        s.members = 2  # type: ignore[misc]


def test_refresh_is_incremental_and_time_moves_members_out(crm):
    seed(crm)
    define(crm)
    first = {r.name: r for r in crm.refresh_segments(MARKETER)}
    assert list(first) == PERSONAS + ["sh-repeat"]
    assert [first[p].full for p in PERSONAS] == [True] * 3, "personas: first evaluated now"
    assert (first["sh-repeat"].full, first["sh-repeat"].evaluated) == (False, 0), "computed when defined"
    quiet = crm.refresh_segments(MARKETER)
    assert all(not r.full and r.evaluated == 0 for r in quiet), quiet

    # One event: only that customer is evaluated again.
    crm.record_interactions(MARKETER, [{"customer_id": 3, "kind": "purchase", "at": crm.now(), "amount": "20"}])
    r = {x.name: x for x in crm.refresh_segments(MARKETER)}["sh-repeat"]
    assert isinstance(r, brandrail.SegmentRefresh)
    assert (r.full, r.evaluated, r.added, r.removed, r.members) == (False, 1, 1, 0, 2)
    assert r.to_dict() == {"name": "sh-repeat", "full": False, "evaluated": 1, "added": 1, "removed": 0, "members": 2}
    assert repr(r) == "SegmentRefresh(name='sh-repeat', full=False, evaluated=1, added=1, removed=0, members=2)"
    assert [m[0] for m in members(crm, "sh-repeat")] == [1, 3]

    # Fifteen days on, customer 1's purchase of 80 days ago is 95 days old:
    # it leaves the window, and customer 1 the segment, with nothing recorded.
    n = crm.audit_len()
    crm.advance_clock(timedelta(days=15))
    r = {x.name: x for x in crm.refresh_segments(MARKETER)}["sh-repeat"]
    assert (r.full, r.added, r.removed, r.members) == (False, 0, 1, 1)
    assert r.evaluated >= 1
    assert crm.segment(MARKETER, "sh-repeat").refreshed_at == START + timedelta(days=15)
    assert [m[0] for m in members(crm, "sh-repeat")] == [3]
    assert crm.audit_len() == n

    # Moving the clock back re-evaluates everyone.
    crm.set_clock(START)
    r = {x.name: x for x in crm.refresh_segments(MARKETER)}["sh-repeat"]
    assert r.full and r.members == 2


def test_personas_are_segments_of_the_policy(crm):
    seed(crm)
    define(crm)
    all_ = crm.segments(SALES)
    personas = [s for s in all_ if s.origin == "policy"]
    assert len(personas) >= 3
    assert [s.name for s in all_] == PERSONAS + ["sh-repeat"], "personas first"
    assert all(s.defined_by == "policy" and s.label and s.description for s in personas)
    loyal = crm.segment(SALES, "loyal_members")
    assert loyal.rule["all"][0] == {"has_identity": "member_id"}
    assert [s.members for s in all_] == [1, 1, 1, 1]
    assert members(crm, "young_professionals") == [(4, "decision", None)]
    assert members(crm, "loyal_members") == [(1, "loyalty", "repeat")]
    assert members(crm, "lapsed_buyers") == [(5, "awareness", "vip")]
    m = crm.segment_members(MARKETER, "lapsed_buyers")[0]
    assert isinstance(m, brandrail.SegmentMember)
    assert m.to_dict() == {"customer_id": 5, "stage": "awareness", "tier": "vip"}
    assert repr(m) == "SegmentMember(customer_id=5, stage='awareness', tier='vip')"

    # Personas change only with the policy.
    before = state(crm)
    for name in ("loyal_members", "young_professionals"):
        with pytest.raises(brandrail.ConflictError) as info:
            define(crm, name=name, rule={"all": []})
        assert (info.value.entity, info.value.id) == ("segment", name)
        with pytest.raises(brandrail.ConflictError):
            crm.delete_segment(MARKETER, name)
    assert state(crm) == before


def test_stages_tiers_standing_and_distribution(crm):
    seed(crm)
    st = crm.customer_standing(MARKETER, 4)
    assert isinstance(st, brandrail.Standing)
    assert st.to_dict() == {
        "customer_id": 4, "stage": "decision", "tier": None, "engagements": 3,
        "product_views": 2, "purchases_in_window": 0, "window_days": 90,
    }
    assert repr(st) == "Standing(customer_id=4, stage='decision', tier=None)"
    assert (crm.customer_standing(MARKETER, 1).stage, crm.customer_standing(MARKETER, 1).tier) == ("loyalty", "repeat")
    assert crm.customer_standing(MARKETER, 5).tier == "vip", "5000 spent makes a VIP"
    assert crm.customer_standing(MARKETER, 3).stage == "decision", "one purchase in the window"

    d = crm.lifecycle_distribution(MARKETER)
    assert isinstance(d, brandrail.LifecycleDistribution)
    assert d.to_dict() == {
        "customers": 5, "awareness": 1, "interest": 0, "decision": 2, "loyalty": 2,
        "tier_new": 0, "tier_repeat": 1, "tier_vip": 1,
    }
    assert d.awareness + d.interest + d.decision + d.loyalty == d.customers
    assert repr(d).startswith("LifecycleDistribution(customers=5, awareness=1,")
    # Stages are derived, never typed: a third engagement makes 5 interested.
    crm.record_interactions(
        MARKETER, [{"customer_id": 5, "kind": "click", "at": crm.now(), "page": f"ad/{i}"} for i in range(3)]
    )
    assert crm.customer_standing(MARKETER, 5).stage == "interest"
    assert crm.lifecycle_distribution(MARKETER).interest == 1

    # A merge: 4 reads as its survivor 2, with 4's behaviour; an erasure
    # leaves every segment.
    define(crm)
    crm.ingest_customers(SALES, [{"identities": [["phone", "13800000002"], ["email", "d@example.com"]]}])
    assert crm.count_customers(MARKETER, {"field": {"name": "region", "op": "eq", "value": "北京"}}) == 0
    merged = crm.customer_standing(MARKETER, 4)
    assert (merged.customer_id, merged.stage, merged.product_views) == (2, "loyalty", 2)
    crm.erase_customer(STEWARD, 1, "data-subject request")
    assert crm.segment(MARKETER, "sh-repeat").members == 0
    for cid in (1, 404):
        with pytest.raises(brandrail.NotFoundError) as info:
            crm.customer_standing(MARKETER, cid)
        assert info.value.entity == "customer"
    assert crm.lifecycle_distribution(MARKETER).customers == 3


def test_deleting_a_segment(crm):
    seed(crm)
    define(crm)
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        crm.delete_segment(SALES, "sh-repeat")
    assert (info.value.permission, info.value.reason) == ("segment.manage", "missing_permission")
    assert crm.segment(MARKETER, "sh-repeat").members == 1
    assert crm.delete_segment(STEWARD, "sh-repeat") is None
    for read in (crm.segment, crm.segment_count, crm.segment_members, crm.delete_segment):
        with pytest.raises(brandrail.NotFoundError) as info:
            read(MARKETER, "sh-repeat")
        assert (info.value.entity, info.value.id) == ("segment", "sh-repeat")
    assert [s.name for s in crm.segments(MARKETER)] == PERSONAS
    (deleted,) = [r for r in crm.audit_query(EXEC, action="segment.delete") if r.outcome == "applied"]
    assert (deleted.principal, deleted.entity_id) == (STEWARD, "sh-repeat")
    assert crm.verify_audit().ok


# ---------------------------------------------------------------- bad input


def self_referencing() -> dict:
    d: dict = {}
    d["not"] = d
    return d


@pytest.mark.parametrize(
    ("rule", "field"),
    [
        # refused by core, with the path at fault
        ({"field": {"name": "national_id", "op": "eq", "value": "1"}}, "rule.field.name"),
        ({"events": {"kind": "purchase", "within_days": 0}}, "rule.events"),
        ({"events": {"kind": "purchse"}}, "rule.events.kind"),
        ({"all": [{"stage": ["decision"]}, {"events": {"kind": "view", "within_days": 0}}]}, "rule.all[1].events"),
        ({"any": [{"stage": ["loyal"]}]}, "rule.any[0].stage[0]"),
        ({"tier": []}, "rule.tier"),
        ({"spend": {"at_least": "-5"}}, "rule.spend"),
        ({"spend": {"within_days": 30}}, "rule.spend"),
        # amounts are exact decimal text: a JSON number or an exponent is refused
        ({"spend": {"at_least": 1000}}, "rule.spend.at_least"),
        ({"spend": {"at_most": 4999.5}}, "rule.spend.at_most"),
        ({"spend": {"at_least": True}}, "rule.spend.at_least"),
        ({"spend": {"at_least": "1e3"}}, "rule.spend.at_least"),
        ({"all": [{"spend": {"at_least": "100", "at_most": 2**40}}]}, "rule.all[0].spend.at_most"),
        ({"first_seen": {"within_days": 11_001}}, "rule.first_seen"),
        ({"consent": {"channel": "SMS!", "purpose": "marketing"}}, "rule.consent"),
        ({"field": {"name": "region", "op": "eq", "value": "x\u202ey"}}, "rule.field.value"),
        ({"field": {"name": "region", "op": "eq", "value": "'; DROP TABLE segment; --\x00"}}, "rule.field.value"),
        ({"field": {"name": "region", "op": "eq"}}, "rule.field"),
        ({"field": {"name": "region", "op": "in", "value": []}}, "rule.field"),
        ({"all": [{"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": {"not": {"all": []}}}}}}}}}}]},
         "rule.all[0].not.not.not.not.not.not.not.not"),
        ({"all": [{"all": []}] * 65}, "rule.all[63]"),
        ({"region": "上海"}, "rule"),
        ({}, "rule"),
        ({"events": {"kind": "view", "at_least": 2.5}}, "rule.events.at_least"),
        ("{not json", "rule"),
        ("'; DROP TABLE segment; --", "rule"),
        ("", "rule"),
        # refused by the binding: not JSON data
        ({"stage": {"decision"}}, "rule.stage"),
        ({"field": {"name": b"region", "op": "exists"}}, "rule.field.name"),
        ({"spend": {"at_least": float("nan")}}, "rule.spend.at_least"),
        ({"events": {"kind": "view", "at_least": 2**70}}, "rule.events.at_least"),
        ({"first_seen": {"within_days": datetime(2026, 1, 1)}}, "rule.first_seen.within_days"),
        ({1: []}, "rule"),
        (self_referencing(), "rule" + ".not" * 65),
    ],
)
def test_bad_rules_are_refused_with_their_path_and_change_nothing(crm, rule, field):
    seed(crm)
    define(crm)
    before = state(crm)
    with pytest.raises(brandrail.ValidationError) as info:
        define(crm, name="bad", rule=rule)
    assert info.value.field == field, str(info.value)
    assert info.value.code == "validation" and isinstance(info.value, ValueError)
    assert "DROP" not in info.value.field and "\x00" not in str(info.value)
    with pytest.raises(brandrail.ValidationError) as preview:
        crm.count_customers(MARKETER, rule)
    assert preview.value.field == info.value.field
    # A redefinition refused keeps the segment as it was.
    with pytest.raises(brandrail.ValidationError):
        define(crm, rule=rule)
    assert state(crm) == before


def test_a_rule_neither_dict_nor_str_is_a_type_error(crm):
    before = state(crm)
    for rule in (42, None, ["all"], b'{"all": []}', {"all"}, brandrail.Policy.default()):
        with pytest.raises(TypeError) as info:
            crm.define_segment(MARKETER, name="bad", label="x", description="x", rule=rule)
        assert str(info.value).startswith("rule: expected a dict"), str(info.value)
        with pytest.raises(TypeError):
            crm.count_customers(MARKETER, rule)
    with pytest.raises(UnicodeEncodeError) as info:
        crm.count_customers(MARKETER, {"field": {"name": "region", "op": "eq", "value": "a\ud800"}})
    assert "rule.field.value" in str(info.value)
    assert state(crm) == before


def test_rule_values_exact_decimals_and_other_conditions(crm):
    seed(crm)
    # Spend: exact decimals in, exact text back.
    rich = {"spend": {"at_least": Decimal("180.00"), "within_days": 365}}
    assert crm.count_customers(STEWARD, rich) == 3, "1 (180), 2 (200), 5 (5000)"
    s = define(crm, name="rich", rule=rich)
    assert s.rule == {"spend": {"at_least": "180.00", "within_days": 365}}
    assert crm.count_customers(MARKETER, {"spend": {"at_least": "180.01", "at_most": "4999"}}) == 1
    # A Decimal counts by value: 1E+3 crosses as "1000", never as an exponent.
    assert crm.count_customers(MARKETER, {"spend": {"at_least": Decimal("1E+3")}}) == 1, "5 (5000)"
    assert crm.count_customers(MARKETER, {"has_identity": "email"}) == 1
    assert crm.count_customers(MARKETER, {"tier": ["vip", "repeat"]}) == 2
    assert crm.count_customers(MARKETER, {"first_seen": {"within_days": 1}}) == 5
    assert crm.count_customers(MARKETER, {"not": {"field": {"name": "region", "op": "exists"}}}) == 1
    assert crm.count_customers(MARKETER, {"events": {"kind": "view", "page": "/product/12"}}) == 1
    assert crm.count_customers(MARKETER, {"any": []}) == 0 and crm.count_customers(MARKETER, {"all": []}) == 5
    crm.record_consent(STEWARD, 2, channel="sms", purpose="marketing", granted=True, evidence="表单 v1")
    assert crm.count_customers(MARKETER, {"consent": {"channel": "sms", "purpose": "marketing"}}) == 1
    # Previews store nothing.
    assert [x.name for x in crm.segments(MARKETER)] == PERSONAS + ["rich"]


def test_bad_segment_arguments_change_nothing(crm):
    seed(crm)
    define(crm)
    before = state(crm)
    for kwargs, field in [
        ({"name": "'; DROP TABLE segment; --"}, "name"),
        ({"name": "x"}, "name"),
        ({"name": "Upper"}, "name"),
        ({"label": ""}, "label"),
        ({"label": "a\u202eb"}, "label"),
        ({"description": " padded "}, "description"),
    ]:
        args = {"name": "ok-name", "label": "ok", "description": "ok", "rule": {"all": []}, **kwargs}
        with pytest.raises(brandrail.ValidationError) as info:
            crm.define_segment(MARKETER, **args)
        assert info.value.field == field, (kwargs, info.value.field)
    for kwargs in ({"name": 3}, {"label": None}, {"description": b"x"}):
        args = {"name": "ok-name", "label": "ok", "description": "ok", "rule": {"all": []}, **kwargs}
        with pytest.raises(TypeError):
            crm.define_segment(MARKETER, **args)
    with pytest.raises(TypeError):
        crm.define_segment(MARKETER, "ok-name", "ok", "ok", {"all": []})  # keyword-only
    with pytest.raises(brandrail.NotFoundError):
        crm.segment(MARKETER, "'; DROP TABLE segment; --")

    # Pages: limit 1 to MAX_SEGMENT_PAGE, offsets and limits are ints.
    for offset, limit, field in [(0, 0, "limit"), (0, brandrail.MAX_SEGMENT_PAGE + 1, "limit"),
                                 (-1, 10, "offset"), (0, -1, "limit"), (2**64, 10, "offset")]:
        with pytest.raises(brandrail.ValidationError) as info:
            crm.segment_members(MARKETER, "sh-repeat", offset, limit)
        assert info.value.field == field
    for offset, limit in [("0", 10), (0, True), (0, 1.0), (None, "10")]:
        with pytest.raises(TypeError):
            crm.segment_members(MARKETER, "sh-repeat", offset, limit)
    assert crm.segment_members(MARKETER, "sh-repeat", offset=1) == []
    assert crm.segment_members(MARKETER, "sh-repeat", limit=brandrail.MAX_SEGMENT_PAGE)[0].customer_id == 1
    assert state(crm) == before


def test_permissions(crm):
    seed(crm)
    define(crm)
    before = state(crm)
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        define(crm, name="mine", rule={"all": []}, actor=SALES)
    assert (info.value.principal, info.value.permission, info.value.reason) == (
        SALES, "segment.manage", "missing_permission",
    )
    for call in (
        lambda: crm.segments(HR),
        lambda: crm.segment(HR, "sh-repeat"),
        lambda: crm.segment_count(HR, "sh-repeat"),
        lambda: crm.refresh_segments(HR),
        lambda: crm.segment_members(HR, "sh-repeat"),
        lambda: crm.count_customers(HR, {"all": []}),
        lambda: crm.customer_standing(HR, 1),
        lambda: crm.lifecycle_distribution(HR),
        lambda: crm.rfm(MARKETER),
        lambda: crm.rfm(SALES),
        lambda: crm.customer_value(HR, START - timedelta(days=30), START),
        lambda: define(crm, name="x-y", rule={"all": []}, actor="nobody"),
    ):
        with pytest.raises(brandrail.PermissionDeniedError):
            call()
    n, segments = state(crm)
    assert segments == before[1]
    assert n == before[0] + 13, "every refusal is audited, and only that"
    denied = crm.audit_query(EXEC, outcome="denied")
    assert {r.action for r in denied} >= {"segment.define", "segment.list", "crm.rfm", "crm.value"}


# ---------------------------------------------------------------- value


def test_rfm(crm):
    seed(crm)
    r = crm.rfm(STEWARD)
    assert all(isinstance(x, brandrail.Rfm) for x in r)
    assert [(x.customer_id, x.recency_days, x.frequency, x.monetary) for x in r] == [
        (1, 10, 2, Decimal("180")),
        (2, 10, 2, Decimal("200")),
        (3, 10, 2, Decimal("60")),
        (5, 200, 1, Decimal("5000.00")),
    ]
    assert [str(x.monetary) for x in r] == ["180", "200", "60", "5000.00"]
    assert [(x.recency_score, x.frequency_score, x.monetary_score) for x in r] == [
        (2, 2, 2), (2, 2, 3), (2, 2, 1), (1, 1, 4),
    ]
    assert r[0].last_purchase_at == START - timedelta(days=10)
    assert r[0].to_dict() == {
        "customer_id": 1, "last_purchase_at": START - timedelta(days=10), "recency_days": 10,
        "frequency": 2, "monetary": Decimal("180"), "recency_score": 2, "frequency_score": 2,
        "monetary_score": 2,
    }
    assert repr(r[3]) == (
        "Rfm(customer_id=5, recency_days=200, frequency=1, monetary=Decimal('5000.00'), "
        "recency_score=1, frequency_score=1, monetary_score=4)"
    )
    # Merged customers' purchases count for the survivor.
    crm.ingest_customers(SALES, [{"identities": [["phone", "13800000001"], ["phone", "13800000002"]]}])
    assert [(x.customer_id, x.frequency, x.monetary) for x in crm.rfm(STEWARD)][0] == (1, 4, Decimal("380"))
    # The window is the policy's: past it, a purchase no longer counts.
    crm.advance_clock(timedelta(days=170))
    assert [x.customer_id for x in crm.rfm(STEWARD)] == [1, 3]
    assert crm.rfm(STEWARD)[0].recency_days == 180


def test_customer_value(crm):
    seed(crm)
    since, until = datetime(2026, 1, 1, tzinfo=timezone.utc), datetime(2026, 7, 1, tzinfo=timezone.utc)
    v = crm.customer_value(MARKETER, since, until, "500")
    assert isinstance(v, brandrail.ValueReport)
    assert (v.from_, v.to) == (since, until)
    assert (v.buyers, v.purchases, v.repeat_buyers, v.new_customers) == (3, 6, 3, 5)
    assert v.revenue == Decimal("440") and str(v.revenue) == "440"
    assert str(v.average_order_value) == "73.33"
    assert (v.purchase_frequency, v.repurchase_rate) == (2.0, 1.0)
    assert v.acquisition_spend == Decimal("500") and str(v.cac) == "100.00"
    expected_ltv = 73.33 * 2.0 * (365 / 181) * 3.0 * 1.0  # lifespan 3 years, margin 1.0
    assert isinstance(v.ltv, Decimal) and v.ltv == v.ltv.quantize(Decimal("0.01"))
    assert abs(float(v.ltv) - expected_ltv) < 0.01
    assert v.ltv_to_cac == pytest.approx(float(v.ltv) / 100)
    d = v.to_dict()
    assert d["from"] == since and d["cac"] == Decimal("100.00") and "from_" not in d
    assert repr(v).startswith("ValueReport(from=datetime.datetime(2026, 1, 1, 0, 0, tzinfo=")

    # Money in any exact form; none gives no CAC.
    assert crm.customer_value(MARKETER, since, until, Decimal("500.00")).cac == Decimal("100.00")
    assert crm.customer_value(MARKETER, since, until, 500).cac == Decimal("100.00")
    bare = crm.customer_value(MARKETER, since, until)
    assert (bare.acquisition_spend, bare.cac, bare.ltv_to_cac) == (None, None, None)
    assert bare.ltv == v.ltv
    quiet = crm.customer_value(MARKETER, since, since + timedelta(days=1), acquisition_spend=None)
    assert (quiet.buyers, quiet.revenue, str(quiet.average_order_value), quiet.repurchase_rate) == (0, 0, "0.00", 0.0)
    # Times in any zone are instants.
    shanghai = timezone(timedelta(hours=8))
    assert crm.customer_value(MARKETER, since.astimezone(shanghai), until.astimezone(shanghai)) == bare

    n = crm.audit_len()
    for args, field in [
        ((until, since), "until"),
        ((since, since), "until"),
        ((datetime(2026, 1, 1), until), "since"),
        ((since, datetime(2026, 7, 1)), "until"),
        ((since, until, "-1"), "acquisition_spend"),
        ((since, until, "1e3"), "acquisition_spend"),
        ((since, until, "abc"), "acquisition_spend"),
        ((since, until, Decimal("NaN")), "acquisition_spend"),
    ]:
        with pytest.raises(brandrail.ValidationError) as info:
            crm.customer_value(MARKETER, *args)
        assert info.value.field == field, (args, str(info.value))
    for args in [(since, until, 500.0), (since, until, True), ("2026-01-01", until), (since, 1)]:
        with pytest.raises(TypeError):
            crm.customer_value(MARKETER, *args)
    assert crm.audit_len() == n

    keyless = staff(brandrail.Engine.in_memory())
    with pytest.raises(brandrail.ConfigurationError):
        keyless.customer_value(MARKETER, since, until)
    with pytest.raises(brandrail.ConfigurationError):
        keyless.rfm(STEWARD)


# ---------------------------------------------------------------- pandas


def test_frames(crm):
    pd = pytest.importorskip("pandas")
    seed(crm)
    define(crm)
    crm.record_interactions(MARKETER, [{"customer_id": 3, "kind": "purchase", "at": crm.now(), "amount": "20"}])
    f = crm.segment_members_frame(MARKETER, "sh-repeat")
    assert isinstance(f, pd.DataFrame)
    assert list(f.columns) == ["customer_id", "stage", "tier"]
    assert str(f["customer_id"].dtype) == "int64"
    assert f["customer_id"].tolist() == [1, 3]
    assert f["stage"].tolist() == ["loyalty", "loyalty"]
    # No tier (not a community member) is pandas' missing value.
    assert f["tier"][0] == "repeat" and pd.isna(f["tier"][1])
    lapsed = crm.segment_members_frame(MARKETER, "lapsed_buyers")
    assert lapsed.to_dict("records") == [{"customer_id": 5, "stage": "awareness", "tier": "vip"}]
    empty = crm.segment_members_frame(MARKETER, define(crm, "nobody", {"any": []}).name)
    assert (len(empty), list(empty.columns), str(empty["customer_id"].dtype)) == (
        0, ["customer_id", "stage", "tier"], "int64",
    )

    r = crm.rfm_frame(STEWARD)
    assert list(r.columns) == [
        "customer_id", "last_purchase_at", "recency_days", "frequency", "monetary",
        "recency_score", "frequency_score", "monetary_score",
    ]
    assert r["customer_id"].tolist() == [1, 2, 3, 5]
    assert r["monetary"].tolist() == [Decimal("180"), Decimal("200"), Decimal("80"), Decimal("5000.00")]
    assert isinstance(r["monetary"][3], Decimal) and str(r["monetary"][3]) == "5000.00"
    assert str(r["last_purchase_at"].dt.tz) == "UTC"
    assert r["last_purchase_at"][0] == pd.Timestamp(START - timedelta(days=10))
    assert r["recency_days"].tolist() == [10, 10, 0, 200]
    assert {str(r[c].dtype) for c in ("recency_days", "frequency", "recency_score", "monetary_score")} == {"int64"}
    assert r.to_dict("records")[0] == {**crm.rfm(STEWARD)[0].to_dict(), "last_purchase_at": pd.Timestamp(START - timedelta(days=10))}

    keyed_empty = staff(brandrail.Engine.in_memory(secret_key=KEY)).rfm_frame(STEWARD)
    assert len(keyed_empty) == 0 and str(keyed_empty["frequency"].dtype) == "int64"

    # Errors are the engine's, as for the list forms.
    n = crm.audit_len()
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.rfm_frame(MARKETER)
    with pytest.raises(brandrail.NotFoundError):
        crm.segment_members_frame(MARKETER, "no-such")
    assert crm.audit_len() == n + 1, "the refusal alone"


def test_frames_without_pandas_raise_import_error_before_reading(crm, monkeypatch):
    seed(crm)
    define(crm)
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now fails
    n = crm.audit_len()
    for call, name in [
        (lambda: crm.segment_members_frame(MARKETER, "sh-repeat"), "segment_members_frame"),
        (lambda: crm.rfm_frame(STEWARD), "rfm_frame"),
        # A refusal would be audited: the engine is not even asked.
        (lambda: crm.rfm_frame(MARKETER), "rfm_frame"),
        (lambda: crm.segment_members_frame(HR, "sh-repeat"), "segment_members_frame"),
    ]:
        with pytest.raises(ImportError) as info:
            call()
        assert "pandas" in str(info.value) and name in str(info.value)
        assert isinstance(info.value.__cause__, ImportError)
    assert crm.audit_len() == n
    # The list forms need no pandas.
    assert [m.customer_id for m in crm.segment_members(MARKETER, "sh-repeat")] == [1]
    assert len(crm.rfm(STEWARD)) == 4
