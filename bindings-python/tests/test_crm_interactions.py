"""Interactions, purchases and click-path funnels (CRM-3) through the Python
API, following core's `crm3_interactions_purchases_and_funnels`: funnel counts
per customer and in aggregate, bad rows reported by field while good rows
land, masked and clear history, the purchase summary and its permission,
merges carrying history, erasure removing it, bad funnels and permissions;
plus the binding's own inputs (NewInteraction and dicts, exact decimals), its
typed errors for rows of the wrong shape, and the GIL released during a
batch."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

import brandrail
from conftest import EXEC, MARKETER
from test_crm import HR, KEY, SALES, STEWARD, staff

STEPS = ["home", "product", "reviews"]


@pytest.fixture
def crm() -> brandrail.Engine:
    return staff(brandrail.Engine.in_memory(secret_key=KEY))


def three(engine: brandrail.Engine) -> list[int]:
    report = engine.ingest_customers(
        MARKETER, [{"identities": [("phone", f"1380013800{i}")]} for i in (1, 2, 3)]
    )
    assert report.errors == []
    return report.customer_ids


def event(customer_id, kind, page=None, amount=None, minutes=0, **more) -> dict:
    row = {
        "customer_id": customer_id,
        "kind": kind,
        "at": datetime.now(timezone.utc) - timedelta(days=1) + timedelta(minutes=minutes),
        "page": page,
        "amount": amount,
        "channel": "wechat_mini_program",
    }
    row.update(more)
    return row


def window() -> tuple[datetime, datetime]:
    now = datetime.now(timezone.utc)
    return now - timedelta(days=2), now


# ---------------------------------------------------------------- core's test


def test_interactions_purchases_and_funnels(crm):
    a, b, c = three(crm)
    rows = [
        # a: the whole path, then two purchases.
        event(a, "path_step", "home", minutes=0),
        event(a, "path_step", "product", minutes=1),
        event(a, "path_step", "reviews", minutes=2),
        event(a, "purchase", amount="299.00", minutes=3),
        event(a, "purchase", amount=Decimal("101"), minutes=60),
        # b: home and reviews, never the product page in between.
        event(b, "path_step", "home"),
        event(b, "path_step", "reviews", minutes=1),
        # c: product before home: only home counts.
        event(c, "path_step", "product"),
        event(c, "path_step", "home", minutes=1),
        event(c, "view", "article/秋冬", minutes=2),
        # bad rows
        event(404, "view", "home"),
        event(a, "purchase"),
        event(a, "purchase", amount="-5"),
        event(a, "purchase", amount="1e3"),
        event(a, "view"),
        event(a, "click", "home", amount="3"),
        event(a, "view", "home", channel="We Chat!"),
        event(a, "view", "home", at=datetime.now(timezone.utc) + timedelta(days=3)),
        event(a, "view", "x\u202ey"),
    ]
    r = crm.record_interactions(MARKETER, rows)
    assert (r.rows, r.recorded) == (19, 10)
    assert [(e.row, e.field) for e in r.errors] == [
        (10, "customer_id"),
        (11, "amount"),
        (12, "amount"),
        (13, "amount"),
        (14, "page"),
        (15, "amount"),
        (16, "channel"),
        (17, "at"),
        (18, "page"),
    ]
    assert r.errors[0].code == "not_found"
    assert all(e.code == "validation" for e in r.errors[1:])
    assert "1e3" not in r.errors[3].message

    f = crm.funnel(MARKETER, STEPS, *window())
    assert [(s.page, s.customers) for s in f.steps] == [("home", 3), ("product", 1), ("reviews", 1)]
    assert [crm.customer_funnel(MARKETER, i, STEPS) for i in (a, b, c)] == [3, 1, 1]

    # Purchases: frequency and average order value, for clearance only.
    p = crm.purchase_summary(STEWARD, a)
    assert p.count == 2
    assert p.total == Decimal("400.00") and str(p.total) == "400.00"
    assert str(p.average_order_value) == "200.00" and isinstance(p.average_order_value, Decimal)
    assert p.first_at < p.last_at and p.first_at.tzinfo is not None
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.purchase_summary(MARKETER, a)

    # History: masked pages and no amounts without clearance.
    masked = crm.customer_interactions(MARKETER, a)
    assert len(masked) == 5
    assert all(i.amount is None for i in masked)
    assert all(i.page == "***" for i in masked if i.page is not None)
    clear = crm.customer_interactions(STEWARD, a)
    assert clear[0].page == "home" and clear[0].kind == "path_step"
    assert clear[3].amount == Decimal("299.00") and str(clear[3].amount) == "299.00"
    assert clear[3].page is None and clear[3].channel == "wechat_mini_program"
    assert [i.at for i in clear] == sorted(i.at for i in clear)

    # A merge carries the merged customer's history; erasure removes it.
    crm.ingest_customers(SALES, [{"identities": [("phone", "13800138001"), ("phone", "13800138003")]}])
    assert len(crm.customer_interactions(STEWARD, a)) == 8
    assert len(crm.customer_interactions(STEWARD, c)) == 8, "a merged id reads as its survivor"
    doc = json.loads(crm.export_customer(STEWARD, a))
    assert len(doc["interactions"]) == 8
    crm.erase_customer(STEWARD, a, "申请注销")
    for read in (crm.customer_interactions, crm.purchase_summary):
        with pytest.raises(brandrail.NotFoundError):
            read(STEWARD, a)
    with pytest.raises(brandrail.NotFoundError):
        crm.customer_funnel(MARKETER, a, STEPS)
    assert crm.funnel(MARKETER, STEPS, *window()).steps[0].customers == 1, "only b is left"
    r = crm.record_interactions(MARKETER, [event(a, "view", "home")])
    assert (r.recorded, r.errors[0].field, r.errors[0].code) == (0, "customer_id", "not_found")

    # Bad funnels and permissions.
    since, until = window()
    with pytest.raises(brandrail.ValidationError) as info:
        crm.funnel(MARKETER, [], since, until)
    assert info.value.field == "steps"
    with pytest.raises(brandrail.ValidationError) as info:
        crm.funnel(MARKETER, [f"p{i}" for i in range(21)], since, until)
    assert info.value.field == "steps"
    with pytest.raises(brandrail.ValidationError) as info:
        crm.funnel(MARKETER, STEPS, until, since)
    assert info.value.field == "until" and "since" in str(info.value)
    with pytest.raises(brandrail.ValidationError) as info:
        crm.customer_funnel(MARKETER, b, [])
    assert info.value.field == "steps"
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.funnel(HR, STEPS, since, until)
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.record_interactions(HR, [])
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.customer_interactions(HR, b)
    assert crm.verify_audit().ok


# ---------------------------------------------------------------- inputs


def test_value_set_and_input_class():
    assert brandrail.INTERACTION_KINDS == (
        "view", "click", "path_step", "purchase", "service_ticket", "community_join",
    )
    at = datetime(2026, 11, 11, 20, 0, tzinfo=timezone(timedelta(hours=8)))
    i = brandrail.NewInteraction(7, "purchase", at, amount="299.00", channel="pos")
    assert (i.customer_id, i.kind, i.page, i.channel) == (7, "purchase", None, "pos")
    assert i.at == at and i.at.utcoffset() == timedelta(0)
    assert i.amount == Decimal("299.00") and str(i.amount) == "299.00"
    assert i.to_dict() == {
        "customer_id": 7, "kind": "purchase", "at": at, "page": None,
        "amount": Decimal("299.00"), "channel": "pos",
    }
    assert brandrail.NewInteraction(**i.to_dict()) == i
    assert repr(i).startswith("NewInteraction(customer_id=7, kind='purchase', at=datetime.datetime(")
    with pytest.raises(AttributeError):
        i.amount = Decimal(1)  # type: ignore[misc]
    for given, exact in [(Decimal("1E+3"), "1000"), (12, "12"), (Decimal("0.50"), "0.50"), (None, None)]:
        got = brandrail.NewInteraction(1, "purchase", at, amount=given).amount
        assert (got if got is None else format(got, "f")) == exact
    view = brandrail.NewInteraction(1, "view", at, page="home")
    assert (view.page, view.amount) == ("home", None)

    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewInteraction(1, "like", at)
    assert info.value.field == "kind" and "path_step" in str(info.value)
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewInteraction(1, "purchase", at, amount="1e3")
    assert info.value.field == "amount"
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewInteraction(1, "view", datetime(2026, 1, 1), page="home")
    assert info.value.field == "at"
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewInteraction(2**70, "view", at, page="home")
    assert info.value.field == "customer_id"
    for kwargs in [
        {"amount": 1.5}, {"amount": True}, {"page": 3}, {"channel": b"pos"},
    ]:
        with pytest.raises(TypeError):
            brandrail.NewInteraction(1, "purchase", at, **kwargs)
    for bad_id in ["1", True, 1.0]:
        with pytest.raises(TypeError) as info:
            brandrail.NewInteraction(bad_id, "view", at, page="home")
        assert "customer_id" in str(info.value)
    with pytest.raises(TypeError):
        brandrail.NewInteraction(1, "view", "2026-01-01T00:00:00Z", page="home")


def test_classes_and_dicts_mix_and_amounts_are_exact(crm):
    a, b, _ = three(crm)
    now = datetime.now(timezone.utc)
    r = crm.record_interactions(MARKETER, [
        brandrail.NewInteraction(a, "purchase", now - timedelta(hours=3), amount=Decimal("0.10")),
        {"customer_id": a, "kind": "purchase", "at": now - timedelta(hours=2), "amount": Decimal("0.20")},
        {"customer_id": a, "kind": "purchase", "at": now - timedelta(hours=1), "amount": 1},
        {"customer_id": a, "kind": "service_ticket", "at": now},
        {"customer_id": b, "kind": "community_join", "at": now, "channel": "douyin"},
    ])
    assert (r.rows, r.recorded, r.errors) == (5, 5, [])
    assert r.to_dict() == {"rows": 5, "recorded": 5, "errors": []}
    assert repr(r) == "InteractionReport(rows=5, recorded=5, errors=0)"
    p = crm.purchase_summary(STEWARD, a)
    assert (p.count, p.total, p.average_order_value) == (3, Decimal("1.30"), Decimal("0.43"))
    assert str(p.average_order_value) == "0.43"
    assert p.first_at < p.last_at and abs(p.first_at - (now - timedelta(hours=3))) < timedelta(seconds=1)
    d = p.to_dict()
    assert set(d) == {"count", "total", "average_order_value", "first_at", "last_at"}
    assert d["total"] == Decimal("1.30") and repr(p).startswith("PurchaseSummary(count=3, total=Decimal('1.30')")
    history = crm.customer_interactions(STEWARD, a)
    assert [i.kind for i in history] == ["purchase", "purchase", "purchase", "service_ticket"]
    assert [i.amount for i in history] == [Decimal("0.10"), Decimal("0.20"), Decimal("1"), None]
    assert history[3].to_dict()["kind"] == "service_ticket"
    assert repr(history[0]).startswith("Interaction(kind='purchase', at=datetime.datetime(")
    joined = crm.customer_interactions(MARKETER, b)
    assert (joined[0].kind, joined[0].page, joined[0].channel) == ("community_join", None, "douyin")

    empty = crm.purchase_summary(STEWARD, b)
    assert (empty.count, empty.total, empty.average_order_value) == (0, Decimal(0), Decimal(0))
    assert (empty.first_at, empty.last_at) == (None, None)
    assert crm.customer_funnel(MARKETER, b, STEPS) == 0


def test_dict_rows_with_bad_values_are_row_errors(crm):
    (a, *_) = three(crm)
    rows = [
        event(a, "view", "home"),
        # A kind core has no value for: the binding's own row error.
        event(a, "like", "home"),
        event(404, "like", "home"),
        # Money core refuses, given as a Decimal or an int: row errors too.
        event(a, "purchase", amount=Decimal("NaN")),
        event(a, "purchase", amount=10**30),
        event(a, "purchase", amount="x" * 100_000),
        event(a, "purchase", amount="0"),
        event(a, "view", "长" * 501),
        event(a, "purchase", amount="12.5"),
    ]
    r = crm.record_interactions(MARKETER, rows)
    assert (r.rows, r.recorded) == (9, 2)
    assert [(e.row, e.field, e.code) for e in r.errors] == [
        (1, "kind", "validation"),
        (2, "kind", "validation"),
        (3, "amount", "validation"),
        (4, "amount", "validation"),
        (5, "amount", "validation"),
        (6, "amount", "validation"),
        (7, "page", "validation"),
    ]
    assert "like" not in r.errors[0].message and "path_step" in r.errors[0].message
    assert all(len(e.message) < 200 for e in r.errors)
    assert r.to_dict()["errors"][0] == {
        "row": 1, "field": "kind", "code": "validation", "message": r.errors[0].message,
    }
    assert [i.kind for i in crm.customer_interactions(STEWARD, a)] == ["view", "purchase"]
    # The audit record of the batch counts every row, those refused included.
    (batch,) = crm.audit_query(EXEC, action="crm.interactions")
    assert "rows=9" in batch.detail and "recorded=2" in batch.detail and "refused=7" in batch.detail


NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("rows", "at"),
    [
        (42, "interactions"),
        ("view", "interactions"),
        ({"customer_id": 1, "kind": "view", "at": NOW}, "interactions"),
        (brandrail.NewInteraction(1, "view", NOW, page="home"), "interactions"),
        ([None], "interactions[0]"),
        ([(1, "view", NOW)], "interactions[0]"),
        ([{"kind": "view", "at": NOW}], "interactions[0].customer_id"),
        ([{"customer_id": 1, "at": NOW}], "interactions[0].kind"),
        ([{"customer_id": 1, "kind": "view"}], "interactions[0].at"),
        ([{"customer_id": "1", "kind": "view", "at": NOW}], "interactions[0].customer_id"),
        ([{"customer_id": True, "kind": "view", "at": NOW}], "interactions[0].customer_id"),
        ([{"customer_id": 1, "kind": 3, "at": NOW}], "interactions[0].kind"),
        ([{"customer_id": 1, "kind": "view", "at": "2026-01-01"}], "interactions[0].at"),
        ([{"customer_id": 1, "kind": "view", "at": NOW, "page": 3}], "interactions[0].page"),
        ([{"customer_id": 1, "kind": "purchase", "at": NOW, "amount": 9.9}], "interactions[0].amount"),
        ([{"customer_id": 1, "kind": "purchase", "at": NOW, "amount": False}], "interactions[0].amount"),
        ([{"customer_id": 1, "kind": "view", "at": NOW, "channel": ["pos"]}], "interactions[0].channel"),
        ([{"customer_id": 1, "kind": "view", "at": NOW, "where": "pos"}], "interactions[0]"),
        ([{"customer_id": 1, "kind": "view", "at": NOW, "page": "home"}, "row"], "interactions[1]"),
    ],
)
def test_rows_of_the_wrong_shape_raise_type_error_and_change_nothing(crm, rows, at):
    n = crm.audit_len()
    with pytest.raises(TypeError) as info:
        crm.record_interactions(MARKETER, rows)
    assert str(info.value).startswith(at), str(info.value)
    assert crm.audit_len() == n


def test_naive_datetimes_and_huge_ids_raise_before_anything_is_written(crm):
    (a, *_) = three(crm)
    n = crm.audit_len()
    for row, field in [
        ({"customer_id": a, "kind": "view", "page": "home", "at": datetime(2026, 1, 1)}, "interactions[1].at"),
        ({"customer_id": 2**64, "kind": "view", "page": "home", "at": NOW}, "interactions[1].customer_id"),
    ]:
        with pytest.raises(brandrail.ValidationError) as info:
            crm.record_interactions(MARKETER, [event(a, "view", "home"), row])
        assert info.value.field == field
    with pytest.raises(UnicodeEncodeError) as info:
        crm.record_interactions(MARKETER, [event(a, "view", "a\ud800b")])
    assert "interactions[0].page" in str(info.value)
    with pytest.raises(UnicodeEncodeError) as info:
        crm.record_interactions(MARKETER, [event(a, "purchase", amount="1\ud800")])
    assert "interactions[0].amount" in str(info.value)
    assert crm.audit_len() == n
    assert crm.customer_interactions(STEWARD, a) == []


def test_funnel_arguments(crm):
    a, b, _ = three(crm)
    crm.record_interactions(MARKETER, [event(a, "path_step", p, minutes=i) for i, p in enumerate(STEPS)])
    since, until = window()
    # Any iterable of str works; a lone str does not.
    assert crm.customer_funnel(MARKETER, a, tuple(STEPS)) == 3
    assert crm.customer_funnel(MARKETER, a, (s for s in ["home", "reviews"])) == 2
    f = crm.funnel(MARKETER, iter(STEPS), since=since, until=until)
    assert f.to_dict() == {"steps": [{"page": p, "customers": 1} for p in STEPS]}
    assert repr(f) == (
        "Funnel(steps=[FunnelStep(page='home', customers=1), FunnelStep(page='product', customers=1), "
        "FunnelStep(page='reviews', customers=1)])"
    )
    assert repr(f.steps[0]) == "FunnelStep(page='home', customers=1)"
    assert f == crm.funnel(MARKETER, STEPS, since, until)
    # Steps outside the window are not counted.
    assert crm.funnel(MARKETER, STEPS, since, since + timedelta(hours=1)).steps[0].customers == 0
    with pytest.raises(TypeError) as info:
        crm.funnel(MARKETER, "home", since, until)
    assert "steps" in str(info.value)
    with pytest.raises(TypeError) as info:
        crm.customer_funnel(MARKETER, a, ["home", 2])
    assert "steps[1]" in str(info.value)
    with pytest.raises(brandrail.ValidationError) as info:
        crm.funnel(MARKETER, STEPS, datetime(2026, 1, 1), until)
    assert info.value.field == "since"
    with pytest.raises(TypeError):
        crm.funnel(MARKETER, STEPS, since, "2026-01-01")
    with pytest.raises(brandrail.ValidationError) as info:
        crm.funnel(MARKETER, ["home", "x\u202ey"], since, until)
    assert info.value.field == "steps"
    with pytest.raises(brandrail.NotFoundError):
        crm.customer_funnel(MARKETER, 404, STEPS)
    # The permission is checked before the window: a refused call is audited.
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.funnel(HR, STEPS, until, since)


def test_interactions_need_a_key_as_purchase_amounts_are_sealed():
    engine = staff(brandrail.Engine.in_memory())
    n = engine.audit_len()
    for rows in ([event(1, "view", "home")], [event(1, "purchase", amount="9.90")]):
        with pytest.raises(brandrail.ConfigurationError):
            engine.record_interactions(MARKETER, rows)
    for read in (engine.customer_interactions, engine.purchase_summary):
        with pytest.raises(brandrail.ConfigurationError):
            read(STEWARD, 1)
    assert engine.audit_len() == n, "nothing was recorded"


def test_interactions_come_from_any_iterable(crm):
    (a, *_) = three(crm)
    rows = (event(a, "click", f"ad/{i}", minutes=i) for i in range(50))
    r = crm.record_interactions(MARKETER, rows)
    assert (r.rows, r.recorded) == (50, 50)
    assert crm.customer_interactions(STEWARD, a)[49].page == "ad/49"


def test_gil_is_released_during_a_batch(crm):
    (a, *_) = three(crm)
    rows = [event(a, "path_step", f"p{i % 7}", minutes=i % 1000) for i in range(30000)]
    done: list[brandrail.InteractionReport] = []
    started = threading.Event()

    def record():
        started.set()
        done.append(crm.record_interactions(MARKETER, rows))

    t0 = time.perf_counter()
    worker = threading.Thread(target=record, daemon=True)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():
        ticks += 1  # needs the GIL: only advances while the batch runs without it
        time.sleep(0.001)
    worker.join(120)
    took = time.perf_counter() - t0
    assert done and done[0].recorded == 30000 and not done[0].errors
    assert took > 0.05, "batch too small to measure"
    assert ticks > 10, f"{ticks} ticks in {took:.3f}s"
