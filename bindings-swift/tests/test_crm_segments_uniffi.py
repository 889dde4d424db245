"""CRM-4 (segments as data, personas, lifecycle stages, community tiers,
incremental refresh) and CRM-11 (RFM, repurchase rate, LTV, CAC) through the
uniffi FFI, following core/tests/crm_segments.rs.

Rules cross as JSON text (`rule_json`, Swift/Kotlin `ruleJson`) read by the
core's one parser, so a bad rule is a `Validation` error whose `field` is the
path at fault; a segment gives its rule back as JSON text. Money crosses as
decimal strings, ratios as floats.

Amounts in rules are exact decimal text (`"1000"`): a JSON number, even a
whole one, or an exponent is a `Validation` error naming the rule path
(`rule.spend.at_least`).

Bad calls — bad rules, names and labels, persona names, missing permission,
unknown segments and customers, bad paging, periods and spends, an engine
without its key — throw their typed error case and change nothing (segments,
their members, customers, principals, policy); the audit log grows by the
refusal record for `permission_denied` only. A value of the wrong host type
(a dict for a rule or a `SegmentDef`, a float for a spend) cannot be written
in Swift or Kotlin; here uniffi refuses the call before it reaches the
engine, and nothing changes.

Runs on a manual clock, so relative windows are exact.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import json
import struct

import pytest

from uniffi_support import HOSTILE_NAMES, SECRET_KEY, at, br, person, refused, state

START = at("2026-06-01T08:00:00Z")
D = br.Department
K = br.IdentityKind
IK = br.InteractionKind
S = br.Stage
T = br.Tier
DAY = dt.timedelta(days=1)

# What uniffi's Python raises for a value of the wrong type or out of range,
# before anything reaches Rust (Swift and Kotlin refuse them at compile time).
WRONG_TYPE = (TypeError, ValueError, AttributeError, struct.error)

SH_BUYERS = {
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
PERSONAS = ["lapsed_buyers", "loyal_members", "young_professionals"]


def staff(e) -> None:
    """it.admin (IT), li.na (marketing: segment.manage), qian.yu (sales: reads
    segments, may not define them), hr.one (HR: no CRM), zhao.min (executive
    + supervisor), data.ops (IT, data_steward: crm.read_sensitive)."""
    e.bootstrap(person("it.admin", D.IT, "IT"))
    e.create_principals(
        "it.admin",
        [
            person("li.na", D.MARKETING, "李娜"),
            person("qian.yu", D.SALES, "钱宇"),
            person("hr.one", D.HR),
            person("zhao.min", D.EXECUTIVE, "赵敏", ["executive", "supervisor"]),
            person("data.ops", D.IT, "Data", ["data_steward"]),
        ],
    )


def options(key=SECRET_KEY) -> br.EngineOptions:
    return br.EngineOptions(secret_key=key, clock_start=START)


@pytest.fixture
def e():
    engine = br.Engine.in_memory(options())
    staff(engine)
    return engine


# ------------------------------------------------------------------ helpers


def rj(rule) -> str:
    """A rule as the JSON text the binding takes."""
    return json.dumps(rule, ensure_ascii=False)


def define(name: str, rule, label=None, description="test segment") -> br.SegmentDef:
    return br.SegmentDef(
        name=name,
        label=name if label is None else label,
        description=description,
        rule_json=rj(rule),
    )


def customer(phone: str, *more, **profile) -> br.CustomerRecord:
    identities = [br.Identity(kind=K.PHONE, value=phone)]
    identities += [br.Identity(kind=k, value=v) for k, v in more]
    return br.CustomerRecord(identities=identities, profile=dict(profile))


def ingest(e, *records, actor="li.na") -> list[int]:
    r = e.ingest_customers(actor, list(records))
    assert r.errors == [], r.errors
    return r.customer_ids


def ev(e, customer_id, kind, page=None, amount=None, days_ago=0) -> br.NewInteraction:
    return br.NewInteraction(
        customer_id=customer_id,
        kind=kind,
        at=e.now() - days_ago * DAY,
        page=page,
        amount=amount,
    )


def record(e, *rows) -> None:
    r = e.record_interactions("li.na", list(rows))
    assert r.errors == [], r.errors


def member_ids(e, name: str) -> list[int]:
    return [m.customer_id for m in e.segment_members("li.na", name, 0, 100)]


def segmentation(e):
    """Every segment (as data.ops reads it) with all its members, and the
    customers' count: what a refused call must leave as it was besides
    `state`. Reads are not audited."""
    segs = e.segments("data.ops")
    return (
        e.customer_count(),
        segs,
        [e.segment_members("data.ops", s.name, 0, br.max_segment_page()) for s in segs],
    )


def refused_unchanged(e, code: str, call, *args):
    """`call` raises the error for `code` and changes nothing; the audit log
    grows by the refusal record for `permission_denied` only."""
    before = (state(e), segmentation(e))
    log = e.audit_len()
    err = refused(code, call, *args)
    grew = e.audit_len() - log
    assert grew == (1 if code == "permission_denied" else 0), (code, grew)
    assert (state(e), segmentation(e)) == before
    return err


def invalid(e, field: str, call, *args):
    """A `Validation` error naming `field` that changed nothing."""
    err = refused_unchanged(e, "validation", call, *args)
    assert isinstance(err, br.BrandrailError.Validation)
    assert err.field == field, (field, err)
    return err


def denied(e, permission: str, call, *args, reason=br.DenialReason.MISSING_PERMISSION):
    err = refused_unchanged(e, "permission_denied", call, *args)
    assert isinstance(err, br.BrandrailError.PermissionDenied)
    assert (err.permission, err.reason) == (permission, reason), err
    return err


def wrong_type(e, call, *args):
    """uniffi refuses the call before the engine sees it; nothing changes,
    not even the audit log."""
    before, log = (state(e), segmentation(e)), e.audit_len()
    with pytest.raises(WRONG_TYPE):
        call(*args)
    assert (state(e), segmentation(e)) == before and e.audit_len() == log, args


def shanghai(e):
    """Four customers and their purchases, as in the core's test: a (上海,
    25-34) and b (上海, 45-54) bought 10 and 80 days ago, c (上海, no age
    band) 10 and 120 days ago, d (北京, 18-24) 10 and 80 days ago."""
    a, b, c, d = ingest(
        e,
        customer("13800000001", region="上海", age_band="25-34"),
        customer("13800000002", region="上海", age_band="45-54"),
        customer("13800000003", region="上海"),
        customer("13800000004", region="北京", age_band="18-24"),
    )
    rows = []
    for id, older in [(a, 80), (b, 80), (c, 120), (d, 80)]:
        rows += [ev(e, id, IK.PURCHASE, amount="100", days_ago=10)]
        rows += [ev(e, id, IK.PURCHASE, amount="80", days_ago=older)]
    record(e, *rows)
    return a, b, c, d


# ------------------------------------------------------------------ CRM-4


def test_crm4_a_three_condition_segment_with_nesting_and_a_relative_window(e):
    a, b, c, d = shanghai(e)
    log = e.audit_len()
    s = e.define_segment("li.na", define("sh-repeat", SH_BUYERS, "上海复购", "Shanghai repeat buyers"))
    assert isinstance(s, br.Segment)
    assert (s.name, s.origin, s.label, s.description) == (
        "sh-repeat",
        br.SegmentOrigin.CUSTOM,
        "上海复购",
        "Shanghai repeat buyers",
    )
    assert s.members == 1, "only a: b is 45-54, c bought once in 90 days, d is in 北京"
    assert json.loads(s.rule_json) == SH_BUYERS, "the rule comes back as the same data"
    assert (s.defined_by, s.defined_at, s.refreshed_at) == ("li.na", START, START)
    assert e.audit_len() == log + 1
    entry = e.audit_query("zhao.min", br.AuditQuery(action="segment.define"))
    assert [(x.principal, x.entity_id, x.detail) for x in entry] == [
        ("li.na", "sh-repeat", "defined members=1")
    ]

    m = e.segment_members("li.na", "sh-repeat", 0, 10)
    assert m == [br.SegmentMember(customer_id=a, stage=S.LOYALTY, tier=None)]
    assert e.count_customers("li.na", rj(SH_BUYERS)) == 1
    assert e.segment("qian.yu", "sh-repeat") == s, "sales reads segments"

    # c buys again: one customer re-evaluated, c joins.
    record(e, ev(e, c, IK.PURCHASE, amount="20"))
    refreshed = e.refresh_segments("li.na")
    assert all(isinstance(r, br.SegmentRefresh) for r in refreshed)
    assert [r.name for r in refreshed] == PERSONAS + ["sh-repeat"]
    mine = refreshed[-1]
    assert (mine.full, mine.evaluated, mine.added, mine.removed, mine.members) == (
        False,
        1,
        1,
        0,
        2,
    )
    # Nothing changed since: nobody is evaluated again.
    again = e.refresh_segments("li.na")[-1]
    assert (again.full, again.evaluated, again.added, again.removed, again.members) == (
        False,
        0,
        0,
        0,
        2,
    )
    assert member_ids(e, "sh-repeat") == [a, c]

    # Time alone: 15 days on, a's purchase of 80 days ago has left the 90-day
    # window; a leaves without anything being recorded.
    later = e.advance_clock(15 * 86_400)
    assert e.segment_count("li.na", "sh-repeat") == 1
    assert member_ids(e, "sh-repeat") == [c]
    assert e.segment("li.na", "sh-repeat").refreshed_at == later
    assert e.count_customers("li.na", rj(SH_BUYERS)) == 1

    # Redefined with a wider rule: everyone is evaluated again.
    wider = {"field": {"name": "region", "op": "eq", "value": "上海"}}
    s2 = e.define_segment("li.na", define("sh-repeat", wider, "上海"))
    assert (s2.members, s2.label, json.loads(s2.rule_json)) == (3, "上海", wider)
    assert s2.defined_at == later
    assert member_ids(e, "sh-repeat") == [a, b, c]
    details = [x.detail for x in e.audit_query("zhao.min", br.AuditQuery(action="segment.define"))]
    assert details == ["defined members=1", "redefined members=3"]

    # Deleted: gone, audited; the name is free again.
    e.delete_segment("li.na", "sh-repeat")
    refused("not_found", e.segment, "li.na", "sh-repeat")
    assert [s.name for s in e.segments("li.na")] == PERSONAS
    deleted = e.audit_query("zhao.min", br.AuditQuery(action="segment.delete"))
    assert [(x.principal, x.entity_id) for x in deleted] == [("li.na", "sh-repeat")]
    assert e.verify_audit().ok


def test_crm4_paging_through_members(e):
    ids = ingest(e, *[customer(f"1380000050{i}", region="上海") for i in range(5)])
    e.define_segment("li.na", define("sh", {"field": {"name": "region", "op": "eq", "value": "上海"}}))
    pages = [e.segment_members("li.na", "sh", off, 2) for off in (0, 2, 4)]
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [m.customer_id for p in pages for m in p] == ids, "by customer id, no gaps"
    assert all(m.stage == S.AWARENESS and m.tier is None for p in pages for m in p)
    assert e.segment_members("li.na", "sh", 5, 2) == []
    assert e.segment_members("li.na", "sh", 2**64 - 1, br.max_segment_page()) == []
    assert len(e.segment_members("li.na", "sh", 0, br.max_segment_page())) == 5
    assert br.max_segment_page() == 100_000
    for limit in [0, br.max_segment_page() + 1, 2**64 - 1]:
        err = invalid(e, "limit", e.segment_members, "li.na", "sh", 0, limit)
        assert "100000" in err.detail


def test_crm4_merges_and_erasure_update_segments(e):
    a, b = ingest(
        e,
        customer("13800000011", region="上海"),
        customer("13800000012", (K.EMAIL, "x@example.com"), region="上海"),
    )
    record(
        e,
        ev(e, a, IK.PURCHASE, amount="10", days_ago=5),
        ev(e, b, IK.PURCHASE, amount="10", days_ago=3),
    )
    e.define_segment("li.na", define("two-buys", {"events": {"kind": "purchase", "at_least": 2}}))
    assert e.segment_count("li.na", "two-buys") == 0
    # One record joins both: merged into the oldest, whose history now has two
    # purchases.
    r = e.ingest_customers(
        "qian.yu",
        [
            br.CustomerRecord(
                identities=[
                    br.Identity(kind=K.PHONE, value="13800000011"),
                    br.Identity(kind=K.EMAIL, value="x@example.com"),
                ]
            )
        ],
    )
    assert r.merged == 1
    assert member_ids(e, "two-buys") == [a]
    assert e.customer_standing("li.na", b).customer_id == a, "a merged id reads as its survivor"
    # Undone: apart again, nobody has two purchases.
    e.undo_merge("data.ops", b)
    assert e.segment_count("li.na", "two-buys") == 0
    # Erasure removes the customer from every segment.
    e.define_segment("li.na", define("sh", {"field": {"name": "region", "op": "eq", "value": "上海"}}))
    assert member_ids(e, "sh") == [a, b]
    e.erase_customer("data.ops", a, "data-subject request")
    assert member_ids(e, "sh") == [b]
    assert e.segment_count("li.na", "sh") == 1
    refused("not_found", e.customer_standing, "li.na", a)


def test_crm4_three_personas_ship_and_are_derived_from_behaviour(e):
    young, member, lapsed = ingest(
        e,
        customer("13800000021", age_band="25-34"),
        customer("13800000022", (K.MEMBER_ID, "M-0022")),
        customer("13800000023"),
    )
    record(
        e,
        ev(e, young, IK.VIEW, page="article/5-minute-skincare", days_ago=3),
        ev(e, member, IK.PURCHASE, amount="300", days_ago=20),
        ev(e, member, IK.PURCHASE, amount="300", days_ago=10),
        ev(e, lapsed, IK.PURCHASE, amount="50", days_ago=200),
    )
    segs = e.segments("qian.yu")
    personas = [s for s in segs if s.origin == br.SegmentOrigin.POLICY]
    assert len(personas) >= 3
    assert [(s.name, s.members, s.defined_by) for s in personas] == [
        ("lapsed_buyers", 1, "policy"),
        ("loyal_members", 1, "policy"),
        ("young_professionals", 1, "policy"),
    ]
    for s in personas:
        assert s.label and s.description, s
        assert isinstance(json.loads(s.rule_json), dict), s.rule_json
    assert "has_identity" in personas[1].rule_json
    assert [
        e.segment_members("li.na", name, 0, 10)
        for name in ("young_professionals", "loyal_members", "lapsed_buyers")
    ] == [
        [br.SegmentMember(customer_id=young, stage=S.AWARENESS, tier=None)],
        [br.SegmentMember(customer_id=member, stage=S.LOYALTY, tier=None)],
        [br.SegmentMember(customer_id=lapsed, stage=S.AWARENESS, tier=None)],
    ]

    # Personas change with the policy only.
    for name in PERSONAS:
        err = refused_unchanged(e, "conflict", e.define_segment, "li.na", define(name, {"all": []}))
        assert isinstance(err, br.BrandrailError.Conflict) and err.entity == "segment"
        refused_unchanged(e, "conflict", e.delete_segment, "li.na", name)

    # A policy with other lifecycle thresholds: stages follow them, and every
    # persona that asks for a stage is evaluated again.
    policy = e.policy().overlay_toml("[crm.lifecycle]\nloyalty_min_purchases = 3\n")
    e.replace_policy("zhao.min", policy)
    assert e.customer_standing("li.na", member).stage == S.DECISION
    assert e.segment_count("li.na", "loyal_members") == 0
    assert e.segment_count("li.na", "young_professionals") == 1


def test_crm4_stages_and_tiers_follow_the_thresholds(e):
    ids = ingest(e, *[customer(f"1380000010{i}") for i in range(1, 7)])
    aware, interest, decision, loyal, vip_spend, vip_count = ids
    rows = [
        ev(e, aware, IK.VIEW, page="home", days_ago=1),
        ev(e, aware, IK.VIEW, page="home", days_ago=100),  # outside the 90-day window
    ]
    rows += [ev(e, interest, IK.CLICK, page="ad/spring", days_ago=2) for _ in range(3)]
    rows += [
        ev(e, decision, IK.VIEW, page="/product/12", days_ago=1),
        ev(e, decision, IK.PATH_STEP, page="product", days_ago=1),
        ev(e, loyal, IK.PURCHASE, amount="10", days_ago=1),
        ev(e, loyal, IK.PURCHASE, amount="10", days_ago=2),
    ]
    rows += [ev(e, id, IK.COMMUNITY_JOIN, days_ago=30) for id in (loyal, vip_spend, vip_count)]
    rows += [ev(e, vip_spend, IK.PURCHASE, amount="5000.00", days_ago=200)]
    rows += [ev(e, vip_count, IK.PURCHASE, amount="1", days_ago=100 + d) for d in range(5)]
    record(e, *rows)

    standings = [e.customer_standing("li.na", id) for id in ids]
    assert all(isinstance(s, br.Standing) for s in standings)
    assert [(s.customer_id, s.stage, s.tier) for s in standings] == [
        (aware, S.AWARENESS, None),
        (interest, S.INTEREST, None),
        (decision, S.DECISION, None),
        (loyal, S.LOYALTY, T.REPEAT),
        (vip_spend, S.AWARENESS, T.VIP),
        (vip_count, S.AWARENESS, T.VIP),
    ]
    assert standings[1] == br.Standing(
        customer_id=interest,
        stage=S.INTEREST,
        tier=None,
        engagements=3,
        product_views=0,
        purchases_in_window=0,
        window_days=90,
    )
    assert (standings[2].engagements, standings[2].product_views) == (2, 2)
    assert standings[3].purchases_in_window == 2

    d = e.lifecycle_distribution("li.na")
    assert d == br.LifecycleDistribution(
        customers=6,
        awareness=3,
        interest=1,
        decision=1,
        loyalty=1,
        tier_new=0,
        tier_repeat=1,
        tier_vip=2,
    )
    assert e.count_customers("li.na", rj({"tier": ["vip"]})) == 2
    assert e.count_customers("li.na", rj({"tier": ["new"]})) == 0
    assert e.count_customers("li.na", rj({"stage": ["decision", "loyalty"]})) == 2
    assert e.count_customers("li.na", rj({"spend": {"at_least": "5000"}})) == 1
    assert e.count_customers("li.na", rj({"spend": {"at_least": "5000.01"}})) == 0
    assert e.count_customers("li.na", rj({"not": {"stage": ["awareness"]}})) == 3
    # Time moves the purchases of the window out: loyal becomes awareness.
    e.advance_clock(91 * 86_400)
    assert e.customer_standing("li.na", loyal).stage == S.AWARENESS
    assert e.lifecycle_distribution("li.na").awareness == 6

    for id in [0, -1, 404, 2**63 - 1, -(2**63)]:
        err = refused_unchanged(e, "not_found", e.customer_standing, "li.na", id)
        assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "customer"


def test_crm4_identity_consent_and_first_seen_conditions(e):
    a, b = ingest(e, customer("13800000041"), customer("13800000042"))

    def consent(granted, evidence):
        return br.ConsentChange(
            channel="sms", purpose="marketing", granted=granted, evidence=evidence
        )

    reachable = rj({"consent": {"channel": "sms", "purpose": "marketing"}})
    e.record_consent("data.ops", a, consent(True, "form 7"))
    assert e.count_customers("li.na", reachable) == 1
    e.record_consent("data.ops", a, consent(False, "unsubscribed"))
    assert e.count_customers("li.na", reachable) == 0
    assert e.count_customers("li.na", rj({"has_identity": "phone"})) == 2
    assert e.count_customers("li.na", rj({"has_identity": "wechat_unionid"})) == 0
    e.define_segment("li.na", define("new", {"first_seen": {"within_days": 7}}))
    assert e.segment_count("li.na", "new") == 2
    e.advance_clock(8 * 86_400)
    (c,) = ingest(e, customer("13800000043"))
    assert member_ids(e, "new") == [c], "a and b were first seen more than 7 days ago"


BAD_RULES = [
    ({"field": {"name": "national_id", "op": "eq", "value": "1"}}, "rule.field.name"),
    ({"field": {"name": "region\u202e", "op": "eq", "value": "1"}}, "rule.field.name"),
    ({"field": {"name": "region", "op": "eq"}}, "rule.field"),
    ({"field": {"name": "region", "op": "exists", "value": "x"}}, "rule.field"),
    ({"field": {"name": "region", "op": "eq", "value": ["a", "b"]}}, "rule.field"),
    ({"field": {"name": "region", "op": "in", "value": []}}, "rule.field"),
    ({"field": {"name": "region", "op": "eq", "value": "a\x00b"}}, "rule.field.value"),
    ({"field": {"name": "region", "op": "eq", "value": "' OR 1=1 --\u202e"}}, "rule.field.value"),
    ({"events": {"kind": "purchase", "within_days": 0}}, "rule.events"),
    ({"events": {"kind": "purchase", "within_days": 11_001}}, "rule.events"),
    ({"events": {"kind": "purchase", "at_least": 3, "at_most": 1}}, "rule.events"),
    ({"events": {"kind": "view", "page": "home\u200b"}}, "rule.events.page"),
    ({"spend": {}}, "rule.spend"),
    ({"spend": {"at_least": "-1"}}, "rule.spend"),
    ({"stage": []}, "rule.stage"),
    ({"tier": []}, "rule.tier"),
    ({"consent": {"channel": "SMS!", "purpose": "marketing"}}, "rule.consent"),
    ({"first_seen": {"within_days": 99999}}, "rule.first_seen"),
    ({"all": [{"stage": ["loyalty"]}, {"events": {"kind": "view", "within_days": 0}}]}, "rule.all[1].events"),
    ({"not": {"any": [{"spend": {}}]}}, "rule.not.any[0].spend"),
]

# Shapes the parser refuses: not JSON, unknown conditions, kinds and stages,
# values of the wrong type. The field is the path as far as it got.
BAD_SHAPES = [
    ("", "rule"),
    ("not json", "rule"),
    ("[]", "rule"),
    ("null", "rule"),
    ('{"all": []', "rule"),
    ('{"feild": {}}', "rule"),
    ('{"events": {"kind": "purchse"}}', "rule.events.kind"),
    ('{"stage": ["loyal"]}', "rule.stage[0]"),
    ('{"tier": ["VIP"]}', "rule.tier[0]"),
    ('{"has_identity": "national_id"}', "rule.has_identity"),
    ('{"events": {"kind": "purchase", "at_least": "two"}}', "rule.events.at_least"),
    ('{"events": {"kind": "purchase", "at_least": -1}}', "rule.events.at_least"),
    ('{"events": {"kind": "purchase", "within": 30}}', "rule.events.within"),
    ('{"all": {"not": "a list"}}', "rule.all"),
    ("{\"stage\": [\"loyalty\"], \"tier\": [\"vip\"]}", "rule"),
    # Amounts are exact decimal text, never a JSON number or an exponent.
    ('{"spend": {"at_least": 1000}}', "rule.spend.at_least"),
    ('{"spend": {"at_least": 1000.5}}', "rule.spend.at_least"),
    ('{"spend": {"at_least": "1e3"}}', "rule.spend.at_least"),
    ('{"spend": {"at_most": "1,000"}}', "rule.spend.at_most"),
    ('{"all": [{"spend": {"at_most": 5}}]}', "rule.all[0].spend.at_most"),
]


def test_crm4_bad_rules_are_refused_and_change_nothing(e):
    (a,) = ingest(e, customer("13800000031", region="上海"))
    e.define_segment("li.na", define("keep", {"field": {"name": "region", "op": "exists"}}))
    for rule, field in BAD_RULES:
        err = invalid(e, field, e.define_segment, "li.na", define("bad", rule))
        assert "\u202e" not in err.detail and "\x00" not in err.detail, err.detail
        invalid(e, field, e.count_customers, "li.na", rj(rule))
        # Redefining a segment with a bad rule keeps the old one.
        invalid(e, field, e.define_segment, "li.na", define("keep", rule))
    for text, field in BAD_SHAPES:
        invalid(e, field, e.define_segment, "li.na", br.SegmentDef(
            name="bad", label="bad", description="bad", rule_json=text
        ))
        invalid(e, field, e.count_customers, "li.na", text)
    err = invalid(e, "rule.events.kind", e.count_customers, "li.na", '{"events": {"kind": "purchse"}}')
    assert "`view`, `click`, `path_step`" in err.detail, err.detail

    # Too deep, too many; nested past the parser's limit.
    deep = {"stage": ["loyalty"]}
    for _ in range(10):
        deep = {"not": deep}
    err = refused_unchanged(e, "validation", e.define_segment, "li.na", define("deep", deep))
    assert err.field.startswith("rule"), err
    wide = {"any": [{"stage": ["loyalty"]}] * 70}
    err = refused_unchanged(e, "validation", e.define_segment, "li.na", define("wide", wide))
    assert err.field.startswith("rule"), err
    abyss = '{"not": ' * 5000 + '{"stage": ["loyalty"]}' + "}" * 5000
    err = refused_unchanged(e, "validation", e.count_customers, "li.na", abyss)
    assert err.field.startswith("rule"), err
    huge = rj({"field": {"name": "region", "op": "eq", "value": "长" * 1_000_000}})
    invalid(e, "rule.field.value", e.count_customers, "li.na", huge)

    # Names, labels and descriptions.
    names = ["", "x", "Bad Name", "'; DROP TABLE segment; --", "seg\u202ement", "x" * 65, "段"]
    for name in names:
        err = invalid(e, "name", e.define_segment, "li.na", define(name, {"all": []}))
        assert "\u202e" not in err.detail, err.detail
    for text in HOSTILE_NAMES:
        invalid(e, "label", e.define_segment, "li.na", define("ok-name", {"all": []}, label=text))
        invalid(
            e,
            "description",
            e.define_segment,
            "li.na",
            define("ok-name", {"all": []}, description=text),
        )

    # The persona names are the policy's.
    refused_unchanged(e, "conflict", e.define_segment, "li.na", define("loyal_members", {"all": []}))

    # Unknown names, hostile or not.
    for name in ["no-such", "", "'; DROP TABLE segment; --", "loyal_members\x00", "ＬＯＹＡＬ"]:
        for call, args in [
            (e.segment, ()),
            (e.segment_count, ()),
            (e.segment_members, (0, 10)),
            (e.delete_segment, ()),
        ]:
            err = refused_unchanged(e, "not_found", call, "li.na", name, *args)
            assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "segment"

    # Nothing custom was stored but `keep`, which kept its rule.
    custom = [s for s in e.segments("li.na") if s.origin == br.SegmentOrigin.CUSTOM]
    assert [(s.name, json.loads(s.rule_json), s.members) for s in custom] == [
        ("keep", {"field": {"name": "region", "op": "exists"}}, 1)
    ]
    assert member_ids(e, "keep") == [a]


def test_crm4_spend_amounts_are_exact_decimal_text(e):
    a, b = ingest(e, customer("13800000071"), customer("13800000072"))
    record(
        e,
        ev(e, a, IK.PURCHASE, amount="999.99", days_ago=3),
        ev(e, b, IK.PURCHASE, amount="1000.00", days_ago=3),
    )
    assert e.count_customers("li.na", rj({"spend": {"at_least": "1000"}})) == 1
    assert e.count_customers("li.na", rj({"spend": {"at_least": "999.99", "at_most": "1000.00"}})) == 2
    assert e.count_customers("li.na", rj({"spend": {"at_least": "1000.01"}})) == 0
    e.define_segment("li.na", define("big", {"spend": {"at_least": "1000", "within_days": 30}}))
    assert member_ids(e, "big") == [b]
    assert json.loads(e.segment("li.na", "big").rule_json)["spend"]["at_least"] == "1000"
    # A JSON number — even a whole one — or an exponent is the rule path's
    # validation error, and changes nothing.
    for amount in [1000, 1000.0, 999.99, "1e3", "1E3", "+1000", " 1000", "NaN"]:
        for rule, field in [
            ({"spend": {"at_least": amount}}, "rule.spend.at_least"),
            ({"not": {"spend": {"at_most": amount}}}, "rule.not.spend.at_most"),
        ]:
            err = invalid(e, field, e.count_customers, "li.na", rj(rule))
            assert not err.detail.startswith(f"{field}: {field}"), "the field is named once"
            invalid(e, field, e.define_segment, "li.na", define("big", rule))
    assert member_ids(e, "big") == [b], "a refused redefinition kept the rule"


def test_crm4_permissions(e):
    ingest(e, customer("13800000051", region="上海"))
    e.define_segment("li.na", define("sh", {"field": {"name": "region", "op": "exists"}}))
    good = define("mine", {"all": []})
    # Sales reads segments but may not define or delete them.
    err = denied(e, "segment.manage", e.define_segment, "qian.yu", good)
    assert err.principal == "qian.yu"
    denied(e, "segment.manage", e.delete_segment, "qian.yu", "sh")
    assert e.segment_count("qian.yu", "sh") == 1
    # No CRM at all: every read is refused.
    for call, args in [
        (e.segments, ()),
        (e.segment, ("sh",)),
        (e.segment_count, ("sh",)),
        (e.refresh_segments, ()),
        (e.segment_members, ("sh", 0, 10)),
        (e.count_customers, (rj({"all": []}),)),
        (e.customer_standing, (1,)),
        (e.lifecycle_distribution, ()),
        (e.customer_value, (START - 30 * DAY, START, None)),
    ]:
        denied(e, "crm.read", call, "hr.one", *args)
    denied(e, "crm.read_sensitive", e.rfm, "li.na")
    denied(e, "segment.manage", e.define_segment, "ghost", good, reason=br.DenialReason.UNKNOWN_PRINCIPAL)
    denied(e, "crm.read", e.segments, "ghost", reason=br.DenialReason.UNKNOWN_PRINCIPAL)
    e.deactivate_principal("it.admin", "li.na")
    denied(e, "segment.manage", e.define_segment, "li.na", good, reason=br.DenialReason.DEACTIVATED)
    denied(e, "segment.manage", e.delete_segment, "li.na", "sh", reason=br.DenialReason.DEACTIVATED)
    assert [s.name for s in e.segments("qian.yu")] == PERSONAS + ["sh"]


def test_crm4_wrong_host_types_refuse_the_whole_call(e):
    ingest(e, customer("13800000061", region="上海"))
    e.define_segment("li.na", define("sh", {"field": {"name": "region", "op": "exists"}}))
    for rule in [{"all": []}, None, b'{"all": []}', 5, ["all"]]:
        wrong_type(e, e.count_customers, "li.na", rule)
        wrong_type(e, lambda: asyncio.run(e.count_customers_async("li.na", rule)))
    good = dict(name="mine", label="Mine", description="d", rule_json=rj({"all": []}))
    wrong_type(e, e.define_segment, "li.na", good)
    wrong_type(e, e.define_segment, "li.na", None)
    for key, value in [("rule_json", {"all": []}), ("name", None), ("label", 7)]:
        wrong_type(e, e.define_segment, "li.na", br.SegmentDef(**{**good, key: value}))
    wrong_type(e, e.define_segment, None, br.SegmentDef(**good))
    wrong_type(e, e.segment, "li.na", b"sh")
    wrong_type(e, e.delete_segment, "li.na", None)
    for offset, limit in [(-1, 10), (0, -1), ("0", 10), (0.5, 10), (2**64, 10), (0, None)]:
        wrong_type(e, e.segment_members, "li.na", "sh", offset, limit)
    wrong_type(e, e.customer_standing, "li.na", "1")
    wrong_type(e, e.customer_standing, "li.na", 2**63)
    for spend in [1000, 1000.0, decimal.Decimal("1000")]:
        wrong_type(e, e.customer_value, "li.na", START - DAY, START, spend)
    wrong_type(e, e.customer_value, "li.na", dt.datetime(2026, 5, 1), START, None)
    wrong_type(e, e.customer_value, "li.na", "2026-05-01", START, None)
    wrong_type(e, e.rfm, 7)
    assert [s.name for s in e.segments("li.na")] == PERSONAS + ["sh"]


def test_crm4_async_reads_as_the_sync_calls_do(e):
    shanghai(e)
    e.define_segment("li.na", define("sh-repeat", SH_BUYERS))
    record(e, ev(e, 3, IK.PURCHASE, amount="20"))

    async def both():
        return await asyncio.gather(
            e.refresh_segments_async("li.na"),
            e.count_customers_async("li.na", rj(SH_BUYERS)),
        )

    refreshed, counted = asyncio.run(both())
    assert [(r.name, r.evaluated, r.added) for r in refreshed][-1] == ("sh-repeat", 1, 1)
    assert counted == 2 == e.count_customers("li.na", rj(SH_BUYERS))
    assert asyncio.run(e.segments_async("li.na")) == e.segments("li.na")
    assert asyncio.run(e.rfm_async("data.ops")) == e.rfm("data.ops")

    # Refusals arrive as the same typed errors, and change nothing.
    before = segmentation(e)
    with pytest.raises(br.BrandrailError.Validation) as info:
        asyncio.run(e.count_customers_async("li.na", '{"events": {"kind": "purchse"}}'))
    assert info.value.field == "rule.events.kind"
    with pytest.raises(br.BrandrailError.PermissionDenied):
        asyncio.run(e.segments_async("hr.one"))
    with pytest.raises(br.BrandrailError.PermissionDenied):
        asyncio.run(e.refresh_segments_async("ghost"))
    with pytest.raises(br.BrandrailError.PermissionDenied) as info:
        asyncio.run(e.rfm_async("li.na"))
    assert info.value.permission == "crm.read_sensitive"
    assert segmentation(e) == before


# ------------------------------------------------------------------ CRM-11


def value_customers(e):
    ids = ingest(e, *[customer(f"1380000020{i}") for i in range(1, 6)])
    record(
        e,
        ev(e, ids[0], IK.PURCHASE, amount="100", days_ago=1),
        ev(e, ids[0], IK.PURCHASE, amount="100", days_ago=3),
        ev(e, ids[0], IK.PURCHASE, amount="100", days_ago=5),
        ev(e, ids[1], IK.PURCHASE, amount="500", days_ago=30),
        ev(e, ids[2], IK.PURCHASE, amount="20", days_ago=300),
        ev(e, ids[2], IK.PURCHASE, amount="20", days_ago=2),
        ev(e, ids[3], IK.PURCHASE, amount="999", days_ago=400),  # outside the 365-day window
    )
    return ids


def test_crm11_rfm_repurchase_ltv_and_cac(e):
    ids = value_customers(e)
    rfm = e.rfm("data.ops")
    assert all(isinstance(r, br.Rfm) for r in rfm)
    assert [
        (
            r.customer_id,
            r.recency_days,
            r.frequency,
            r.monetary,
            r.recency_score,
            r.frequency_score,
            r.monetary_score,
        )
        for r in rfm
    ] == [
        (ids[0], 1, 3, "300", 4, 4, 2),
        (ids[1], 30, 1, "500", 1, 1, 4),
        (ids[2], 2, 2, "40", 2, 2, 1),
    ]
    assert [r.last_purchase_at for r in rfm] == [START - DAY, START - 30 * DAY, START - 2 * DAY]

    frm, to = START - 365 * DAY, START + DAY
    v = e.customer_value("li.na", frm, to, "1000")
    assert isinstance(v, br.ValueReport)
    assert (v._from, v.to) == (frm, to)
    assert (v.buyers, v.purchases, v.repeat_buyers, v.new_customers) == (3, 6, 2, 5)
    assert (v.revenue, v.average_order_value, v.acquisition_spend, v.cac) == (
        "840",
        "140.00",
        "1000",
        "200.00",
    )
    assert v.repurchase_rate == pytest.approx(2 / 3, abs=1e-12)
    assert v.purchase_frequency == pytest.approx(2.0, abs=1e-12)
    # LTV = 140 x (2 purchases per buyer over 366 days, per 365) x 3 years x 1.0.
    expected = 140.0 * 2.0 * (365.0 / 366.0) * 3.0
    assert decimal.Decimal(v.ltv) == decimal.Decimal(v.ltv).quantize(decimal.Decimal("0.01"))
    assert float(v.ltv) == pytest.approx(expected, abs=0.01)
    assert v.ltv_to_cac == pytest.approx(expected / 200.0, abs=0.001)

    # Without a spend: no CAC. A spend keeps its digits.
    none = e.customer_value("li.na", frm, to, None)
    assert (none.acquisition_spend, none.cac, none.ltv_to_cac) == (None, None, None)
    assert none.ltv == v.ltv
    assert e.customer_value("li.na", frm, to, "1000.50").cac == "200.10"
    # A period with nobody: zeros, no CAC.
    empty = e.customer_value("li.na", START + DAY, START + 2 * DAY, "0")
    assert (empty.buyers, empty.revenue, empty.average_order_value, empty.ltv) == (0, "0", "0.00", "0.00")
    assert (empty.repurchase_rate, empty.purchase_frequency, empty.cac) == (0.0, 0.0, None)

    # Bad periods and spends change nothing.
    for a, b in [(START, START), (START, START - DAY)]:
        invalid(e, "to", e.customer_value, "li.na", a, b, None)
    for bad in ["-5", "-1", "abc", "1e9", "", " 5", "1,000", "¥500", "５００", "NaN", "1000\x00", "1\u202e0"]:
        err = invalid(e, "acquisition_spend", e.customer_value, "li.na", frm, to, bad)
        assert "\u202e" not in err.detail and "\x00" not in err.detail
    assert e.rfm("data.ops") == rfm, "nothing was stored"


def test_crm11_rfm_follows_merges_and_erasure(e):
    ids = value_customers(e)
    # ids[1] (500, 30 days ago) joins ids[0]: its purchase counts for ids[0].
    e.ingest_customers(
        "qian.yu",
        [
            br.CustomerRecord(
                identities=[
                    br.Identity(kind=K.PHONE, value="13800000201"),
                    br.Identity(kind=K.PHONE, value="13800000202"),
                ]
            )
        ],
    )
    got = [(r.customer_id, r.frequency, r.monetary, r.recency_days) for r in e.rfm("data.ops")]
    assert got == [(ids[0], 4, "800", 1), (ids[2], 2, "40", 2)]
    v = e.customer_value("li.na", START - 365 * DAY, START + DAY, None)
    assert (v.buyers, v.purchases, v.repeat_buyers, v.new_customers) == (2, 6, 2, 4)
    e.erase_customer("data.ops", ids[0], "data-subject request")
    assert [r.customer_id for r in e.rfm("data.ops")] == [ids[2]]


def test_crm11_an_engine_without_its_key_refuses_amounts():
    keyless = br.Engine.in_memory(options(key=None))
    staff(keyless)
    for call, args in [
        (keyless.rfm, ("data.ops",)),
        (keyless.customer_value, ("li.na", START - DAY, START, None)),
        (keyless.record_interactions, ("li.na", [])),
    ]:
        log = keyless.audit_len()
        err = refused("configuration", call, *args)
        assert "secret key" in err.detail
        assert keyless.audit_len() == log
    with pytest.raises(br.BrandrailError.Configuration):
        asyncio.run(keyless.rfm_async("data.ops"))
    # Segments without spend conditions need no key.
    assert [s.members for s in keyless.segments("li.na")] == [0, 0, 0]
    assert keyless.count_customers("li.na", rj({"all": []})) == 0
    refused("configuration", keyless.count_customers, "li.na", rj({"spend": {"at_least": "1"}}))
    assert keyless.lifecycle_distribution("li.na").customers == 0


# ------------------------------------------------------------------ enums


def test_stages_tiers_and_origins_keep_the_cores_names():
    cases = [
        (br.Stage, br.parse_stage, ["awareness", "interest", "decision", "loyalty"], "awareness, interest"),
        (br.Tier, br.parse_tier, ["new", "repeat", "vip"], "new, repeat, vip"),
        (br.SegmentOrigin, br.parse_segment_origin, ["policy", "custom"], "policy, custom"),
    ]
    for enum, parse, names, listed in cases:
        assert [x.as_str() for x in enum] == names
        for name in names:
            assert parse(name).as_str() == name
        for bad in ["", "VIP", "Loyalty", "loyal", "vip\x00", "vip'; DROP TABLE segment;--", "ｖｉｐ"]:
            err = refused("validation", parse, bad)
            assert listed in err.detail, err.detail
            assert "\x00" not in err.detail
    assert br.parse_permission("segment.manage") == br.Permission.SEGMENT_MANAGE
    assert br.Permission.SEGMENT_MANAGE.as_str() == "segment.manage"
