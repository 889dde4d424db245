"""Fuzzy duplicates and manual merges (CRM-2) and the sealed core profile
fields (CRM-6) through the Python API, following core's tests/crm_fuzzy.rs:
customers who share no identity but whose name (traditional characters, word
order), address (abbreviated, '#' for 号, full-width digits) and birth date
(another format) look alike are proposed with a score and per-field reasons;
a namesake elsewhere is not; a data steward merges a pair by hand, undoes it
and marks it distinct; address and birth date are cleaned, sealed, masked
without clearance and never a segment criterion; bad thresholds, limits,
ids, host types and missing permissions are refused while nothing
changes."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

import brandrail
from conftest import EXEC, MARKETER
from test_crm import HR, KEY, STEWARD, file_bytes, staff

# Five customers (ids 1-5): 1 and 2 one person written two ways, 3 a namesake
# of theirs in Beijing, 4 and 5 one person with a typo in the name.
PEOPLE = [
    {"identities": [("phone", "13900000001")], "name": "陈小明",
     "profile": {"address": "上海市浦东新区张江路100号", "birth_date": "1990-03-07", "region": "上海"}},
    {"identities": [("phone", "13900000002")], "name": "陳小明",
     "profile": {"address": "上海浦东新区张江路１００#", "birth_date": "1990年3月7日"}},
    {"identities": [("phone", "13900000003")], "name": "陈小明",
     "profile": {"address": "北京市海淀区中关村大街1号", "birth_date": "1990/3/7"}},
    {"identities": [("phone", "13900000004")], "name": "王芳",
     "profile": {"address": "广州市天河区天河路385号", "birth_date": "19851102"}},
    {"identities": [("phone", "13900000005")], "name": "王方",
     "profile": {"address": "广州天河区天河路385号", "birth_date": "1985-11-02"}},
]


@pytest.fixture
def crm() -> brandrail.Engine:
    engine = staff(brandrail.Engine.in_memory(secret_key=KEY))
    report = engine.ingest_customers(MARKETER, PEOPLE)
    assert (report.created, report.errors) == (5, [])
    assert report.customer_ids == [1, 2, 3, 4, 5]
    return engine


def pairs(report: brandrail.CandidateReport) -> list[tuple[int, int]]:
    return [(c.customer_id, c.other_id) for c in report.candidates]


def state(engine: brandrail.Engine) -> tuple:
    """What a refused or invalid call must leave as it was: the live
    customers with their merges, and the audit log's length (read first: the
    steward's clear reads are audited)."""
    n = engine.audit_len()
    live = []
    for cid in range(1, 6):
        try:
            c = engine.customer(MARKETER, cid)
        except brandrail.NotFoundError:
            continue
        live.append((cid, c.id, c.merged_ids))
    return n, engine.customer_count(), live


# ---------------------------------------------------------------- CRM-6 core fields


def test_core_profile_fields_are_cleaned_sealed_and_masked(tmp_path):
    engine = staff(brandrail.Engine.open(tmp_path / "crm.sqlite", secret_key=KEY))
    record = brandrail.CustomerRecord(
        [("phone", "13900000009")],
        name="欧阳娜娜",
        profile={"address": " 杭州市西湖区文三路９０号 ", "birth_date": "1990/3/7", "region": "杭州"},
    )
    assert record.profile["birth_date"] == "1990/3/7", "a record holds the value as given"
    report = engine.ingest_customers(
        MARKETER,
        [
            record,
            {"identities": [("phone", "13900000010")], "profile": {"birth_date": "19900307"}},
            {"identities": [("phone", "13900000011")], "profile": {"birth_date": "1990年3月7日"}},
        ],
    )
    assert report.errors == [] and report.customer_ids == [1, 2, 3]
    clear = engine.customer(STEWARD, 1)
    assert clear.profile == {"address": "杭州市西湖区文三路90号", "birth_date": "1990-03-07", "region": "杭州"}
    for cid in (2, 3):
        assert engine.customer(STEWARD, cid).profile == {"birth_date": "1990-03-07"}
    masked = engine.customer(MARKETER, 1)
    assert masked.masked and masked.profile == {"address": "***", "birth_date": "***", "region": "***"}
    assert masked.to_dict()["profile"]["address"] == "***"

    # The export holds them in clear; the database file does not.
    import json

    doc = json.loads(engine.export_customer(STEWARD, 1))
    assert doc["profile"]["birth_date"] == "1990-03-07"
    del engine
    data = file_bytes(tmp_path)
    for needle in ["文三路", "1990-03-07", "1990/3/7", "欧阳娜娜"]:
        assert needle.encode() not in data, needle


def test_bad_core_fields_are_row_errors_and_change_nothing(crm):
    before = state(crm)
    rows = [
        {"identities": [("phone", "13900000006")], "profile": {"birth_date": "1985-02-30"}},
        {"identities": [("phone", "13900000007")], "profile": {"birth_date": "yesterday"}},
        {"identities": [("phone", "13900000008")], "profile": {"birth_date": "'; DROP TABLE customer; --"}},
        {"identities": [("phone", "13900000012")], "profile": {"address": "  "}},
        {"identities": [("phone", "13900000013")], "profile": {"address": "张江路\x00100号"}},
        {"identities": [("phone", "13900000014")], "profile": {"address": "长" * 501}},
        {"identities": [("phone", "13900000015")], "profile": {"birth_date": ""}},
    ]
    r = crm.ingest_customers(MARKETER, rows)
    assert (r.rows, r.created, r.customer_ids) == (7, 0, [None] * 7)
    assert [(e.row, e.field, e.code) for e in r.errors] == [
        (0, "profile.birth_date", "validation"),
        (1, "profile.birth_date", "validation"),
        (2, "profile.birth_date", "validation"),
        (3, "profile.address", "validation"),
        (4, "profile.address", "validation"),
        (5, "profile.address", "validation"),
        (6, "profile.birth_date", "validation"),
    ]
    for e in r.errors:
        # The message neither repeats the value nor the field.
        assert "DROP" not in e.message and "yesterday" not in e.message and "02-30" not in e.message, e
        assert not e.message.startswith("profile."), e
    assert crm.find_customer(MARKETER, "phone", "13900000006") is None
    n, count, live = before
    assert state(crm)[1:] == (count, live)


def test_core_fields_are_no_segment_criterion(crm):
    n = crm.audit_len()
    for name in ("birth_date", "address"):
        with pytest.raises(brandrail.ValidationError) as info:
            crm.count_customers(MARKETER, {"field": {"name": name, "op": "exists"}})
        assert info.value.field == "rule.field.name"
    assert crm.count_customers(MARKETER, {"field": {"name": "region", "op": "exists"}}) == 1
    assert crm.audit_len() == n


# ---------------------------------------------------------------- candidates


def test_value_limits():
    assert brandrail.MAX_DUPLICATE_CANDIDATES == 10_000
    assert brandrail.MAX_DUPLICATE_BLOCK == 500
    assert "crm.merge" in brandrail.PERMISSIONS


def test_candidates_are_found_with_their_reasons(crm):
    r = crm.duplicate_candidates(STEWARD)
    assert isinstance(r, brandrail.CandidateReport)
    assert (r.customers, r.threshold, r.blocks_skipped) == (5, 0.85, 0)
    assert r.pairs_compared >= 2
    assert pairs(r) == [(1, 2), (4, 5)], "the namesake in Beijing is not proposed"

    same, typo = r.candidates
    assert same.score == 1.0, "traditional characters, '#', full-width digits and date formats all fold"
    assert [(x.field, x.similarity) for x in same.reasons] == [
        ("name", 1.0), ("address", 1.0), ("birth_date", 1.0),
    ]
    assert [x.field for x in typo.reasons] == ["name", "address", "birth_date"]
    name, address, birth = typo.reasons
    # 王芳 / 王方: one character apart; the addresses differ only in 市.
    assert (name.similarity, address.similarity, birth.similarity) == (0.7, 1.0, 1.0)
    assert 0.85 <= typo.score < 1.0
    weighted = (0.4 * name.similarity + 0.35 * address.similarity + 0.25 * birth.similarity) / 1.0
    assert math.isclose(typo.score, weighted)

    # Plain data and readable reprs; frozen and comparable.
    d = r.to_dict()
    assert d["candidates"][0] == {
        "customer_id": 1, "other_id": 2, "score": 1.0,
        "reasons": [{"field": "name", "similarity": 1.0}, {"field": "address", "similarity": 1.0},
                    {"field": "birth_date", "similarity": 1.0}],
    }
    assert repr(r) == (
        f"CandidateReport(customers=5, pairs_compared={r.pairs_compared}, blocks_skipped=0, "
        "threshold=0.85, candidates=2)"
    )
    assert repr(same) == (
        "DuplicateCandidate(customer_id=1, other_id=2, score=1.0, reasons=['name', 'address', 'birth_date'])"
    )
    assert repr(same.reasons[0]) == "MatchReason(field='name', similarity=1.0)"
    assert same == crm.duplicate_candidates(STEWARD).candidates[0]
    with pytest.raises(AttributeError):
        same.score = 0.0

    # A lower threshold lets the namesake in (same name and birth date, far
    # address); `limit` keeps the best.
    loose = crm.duplicate_candidates(STEWARD, threshold=0.6)
    assert loose.threshold == 0.6
    assert pairs(loose)[:2] == [(1, 2), (4, 5)] and set(pairs(loose)[2:]) == {(1, 3), (2, 3)}
    assert all(0.6 <= c.score < 0.85 for c in loose.candidates[2:])
    assert pairs(crm.duplicate_candidates(STEWARD, threshold=0.6, limit=1)) == [(1, 2)]
    assert pairs(crm.duplicate_candidates(STEWARD, threshold=1)) == [(1, 2)], "an int threshold is a number"
    assert len(crm.duplicate_candidates(STEWARD, threshold=0.0, limit=brandrail.MAX_DUPLICATE_CANDIDATES)
               .candidates) == 4

    # Audited with counts only: no name, address or birth date.
    records = crm.audit_query(EXEC, action="crm.fuzzy")
    assert len(records) == 6 and all(rec.outcome == "applied" for rec in records)
    assert "customers=5" in records[0].detail
    for rec in records:
        for needle in ("陈", "上海", "1990"):
            assert needle not in rec.detail, rec.detail


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"threshold": 1.5}, brandrail.ValidationError, "threshold"),
        ({"threshold": -0.01}, brandrail.ValidationError, "threshold"),
        ({"threshold": float("nan")}, brandrail.ValidationError, "threshold"),
        ({"threshold": float("inf")}, brandrail.ValidationError, "threshold"),
        ({"threshold": 10**400}, brandrail.ValidationError, "threshold"),
        ({"limit": 0}, brandrail.ValidationError, "limit"),
        ({"limit": 10_001}, brandrail.ValidationError, "limit"),
        ({"limit": -1}, brandrail.ValidationError, "limit"),
        ({"limit": 2**70}, brandrail.ValidationError, "limit"),
        ({"threshold": "0.9"}, TypeError, "threshold"),
        ({"threshold": Decimal("0.9")}, TypeError, "threshold"),
        ({"threshold": True}, TypeError, "threshold"),
        ({"limit": "10"}, TypeError, "limit"),
        ({"limit": 10.0}, TypeError, "limit"),
        ({"limit": False}, TypeError, "limit"),
    ],
)
def test_bad_threshold_and_limit_are_refused_and_change_nothing(crm, kwargs, error, field):
    before = state(crm)
    with pytest.raises(error) as info:
        crm.duplicate_candidates(STEWARD, **kwargs)
    if error is brandrail.ValidationError:
        assert info.value.field == field and info.value.code == "validation"
    else:
        assert str(info.value).startswith(f"{field}: expected"), str(info.value)
    assert state(crm) == before, "no search ran, nothing was audited"


def test_candidates_need_crm_merge_and_a_key(crm):
    n = crm.audit_len()
    for actor in (MARKETER, HR, "'; DROP TABLE customer; --", ""):
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            crm.duplicate_candidates(actor)
        assert info.value.permission == "crm.merge"
    assert crm.audit_len() == n + 4, "refusals are audited"
    assert [r.outcome for r in crm.audit_query(EXEC, action="crm.fuzzy")] == ["denied"] * 4

    keyless = staff(brandrail.Engine.in_memory())
    with pytest.raises(brandrail.ConfigurationError):
        keyless.duplicate_candidates(STEWARD)


# ---------------------------------------------------------------- merges


def test_a_candidate_is_merged_by_hand_undone_and_marked_distinct(crm):
    best = crm.duplicate_candidates(STEWARD).candidates[0]
    moved = crm.merge_customers(STEWARD, best.customer_id, best.other_id)
    assert moved == 1 and isinstance(moved, int)
    assert crm.customer_count() == 4
    merged = crm.customer(STEWARD, 2)
    assert (merged.id, merged.merged_ids) == (1, [2])
    assert [i.value for i in merged.identities] == ["13900000001", "13900000002"]
    assert crm.find_customer(MARKETER, "phone", "13900000002") == 1
    after = crm.duplicate_candidates(STEWARD)
    assert (after.customers, pairs(after)) == (4, [(4, 5)])
    (merge,) = [rec for rec in crm.audit_query(EXEC, action="crm.merge") if rec.outcome == "applied"]
    assert merge.detail == "into=1 identities_moved=1 reason=manual"

    # Undone with the call that undoes any merge.
    u = crm.undo_merge(STEWARD, 2)
    assert (u.customer_id, u.survivor_id, u.identities_restored) == (2, 1, 1)
    assert crm.customer_count() == 5
    assert pairs(crm.duplicate_candidates(STEWARD)) == [(1, 2), (4, 5)]

    # Distinct: the pair is no longer proposed, in either order.
    assert crm.mark_distinct(STEWARD, 2, 1) is None
    assert pairs(crm.duplicate_candidates(STEWARD)) == [(4, 5)]
    assert pairs(crm.duplicate_candidates(STEWARD, threshold=0.6)) == [(4, 5), (1, 3), (2, 3)]
    crm.mark_distinct(STEWARD, 1, 2)  # again: still distinct
    assert pairs(crm.duplicate_candidates(STEWARD)) == [(4, 5)]
    assert crm.customer_count() == 5, "a distinct mark merges nothing"
    distinct = crm.audit_query(EXEC, action="crm.distinct")
    assert distinct and all(rec.entity_id == "1:2" for rec in distinct)
    assert crm.verify_audit().ok


@pytest.mark.parametrize(
    ("call", "error", "entity"),
    [
        (lambda e: e.merge_customers(STEWARD, 1, 1), brandrail.ConflictError, "customer"),
        (lambda e: e.merge_customers(STEWARD, 1, 404), brandrail.NotFoundError, "customer"),
        (lambda e: e.merge_customers(STEWARD, 404, 1), brandrail.NotFoundError, "customer"),
        (lambda e: e.merge_customers(STEWARD, 1, -1), brandrail.NotFoundError, "customer"),
        (lambda e: e.mark_distinct(STEWARD, 2, 2), brandrail.ConflictError, "customer"),
        (lambda e: e.mark_distinct(STEWARD, 1, 404), brandrail.NotFoundError, "customer"),
    ],
)
def test_bad_merges_are_refused_and_change_nothing(crm, call, error, entity):
    before = state(crm)
    with pytest.raises(error) as info:
        call(crm)
    assert info.value.entity == entity
    assert state(crm) == before


def test_merged_away_and_erased_customers_cannot_be_merged(crm):
    crm.merge_customers(STEWARD, 4, 5)
    before = state(crm)
    for call in (
        lambda: crm.merge_customers(STEWARD, 1, 5),  # merged away
        lambda: crm.merge_customers(STEWARD, 5, 1),
    ):
        with pytest.raises(brandrail.NotFoundError) as info:
            call()
        assert (info.value.entity, info.value.id) == ("customer", "5")
    assert state(crm) == before
    crm.erase_customer(STEWARD, 3, "用户申请注销")
    for call in (lambda: crm.merge_customers(STEWARD, 1, 3), lambda: crm.mark_distinct(STEWARD, 3, 1)):
        with pytest.raises(brandrail.NotFoundError):
            call()
    assert crm.customer_count() == 3


def test_merges_need_crm_merge_and_ints(crm):
    before = state(crm)
    for call in (
        lambda: crm.merge_customers(MARKETER, 1, 2),
        lambda: crm.mark_distinct(MARKETER, 1, 2),
        lambda: crm.merge_customers("ghost", 1, 2),
    ):
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            call()
        assert info.value.permission == "crm.merge"
    n, count, live = before
    assert state(crm) == (n + 3, count, live), "only the refusals were recorded"
    for call in (
        lambda: crm.merge_customers(STEWARD, "1", 2),
        lambda: crm.merge_customers(STEWARD, 1, None),
        lambda: crm.mark_distinct(STEWARD, 1.0, 2),
    ):
        with pytest.raises(TypeError):
            call()
    with pytest.raises(OverflowError):
        crm.merge_customers(STEWARD, 1, 2**63)
    assert state(crm) == (n + 3, count, live)
