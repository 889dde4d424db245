"""Customers (CRM-1, CRM-2, CRM-5..CRM-8) through the Python API, following
core's tests/crm.rs: batches cleaned and deduplicated on exact identities,
merges, bad rows reported while good rows land, declared purposes letting a
refused field in (sealed, masked, exported, erased), no plaintext in the
database file, masked reads without clearance, consent before sends, export
and erasure with the audit chain still valid; plus the binding's own inputs
(records as classes, dicts and pairs), its typed errors for rows of the wrong
shape, and the GIL released during a batch."""

from __future__ import annotations

import json
import threading
import time

import pytest

import brandrail
from conftest import ADMIN, EXEC, MARKETER

KEY = b"crm-test-key-crm-test-key-32byte"
SALES, HR, STEWARD = "qian.yu", "hr.one", "data.ops"


def staff(engine: brandrail.Engine) -> brandrail.Engine:
    """IT, a marketer, sales, HR, an executive supervisor and a data steward."""
    engine.bootstrap(handle=ADMIN, display_name="IT", department="it")
    for handle, department in [(MARKETER, "marketing"), (SALES, "sales"), (HR, "hr"), (EXEC, "executive")]:
        engine.create_principal(ADMIN, handle=handle, display_name=handle, department=department)
    engine.create_principal(ADMIN, handle=STEWARD, display_name="data", department="it", roles=["data_steward"])
    engine.grant_role(ADMIN, EXEC, "supervisor")
    return engine


@pytest.fixture
def crm() -> brandrail.Engine:
    return staff(brandrail.Engine.in_memory(secret_key=KEY))


def file_bytes(directory) -> bytes:
    return b"".join(p.read_bytes() for p in directory.iterdir() if p.is_file())


def ingest_one(engine: brandrail.Engine, *identities, actor: str = MARKETER, **fields) -> int:
    report = engine.ingest_customers(actor, [{"identities": list(identities), **fields}])
    assert report.errors == [], report.errors
    return report.customer_ids[0]


# ---------------------------------------------------------------- inputs


def test_value_set_and_input_classes():
    assert brandrail.IDENTITY_KINDS == (
        "phone", "email", "wechat_openid", "wechat_unionid", "member_id", "pos_card",
    )
    phone = brandrail.Identity("phone", "138 0013 8000")
    assert (phone.kind, phone.value) == ("phone", "138 0013 8000")
    assert phone.to_dict() == {"kind": "phone", "value": "138 0013 8000"}
    assert repr(phone) == "Identity(kind='phone', value='138 0013 8000')"
    assert phone == brandrail.Identity("phone", "138 0013 8000")
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.Identity("national_id", "x")
    assert info.value.field == "kind" and "phone" in str(info.value)

    record = brandrail.CustomerRecord(
        [phone, ("email", "a@b.cn"), {"kind": "member_id", "value": "vip-1"}],
        name="李娜",
        profile={"region": "上海"},
    )
    assert [i.kind for i in record.identities] == ["phone", "email", "member_id"]
    assert record.name == "李娜" and record.profile == {"region": "上海"}
    d = record.to_dict()
    assert d["identities"][1] == {"kind": "email", "value": "a@b.cn"}
    assert d["purpose"] is None and record.purpose is None
    assert brandrail.CustomerRecord(d["identities"], name=d["name"], profile=d["profile"]) == record
    assert brandrail.CustomerRecord(**d) == record
    assert "CustomerRecord(identities=[" in repr(record) and repr(record).endswith(", purpose=None)")
    assert brandrail.CustomerRecord([("phone", "1")]).profile == {}
    declared = brandrail.CustomerRecord(
        [("phone", "1")], profile={"national_id": "x"}, purpose="cross_border_real_name"
    )
    assert declared.purpose == "cross_border_real_name"
    assert declared.to_dict()["purpose"] == "cross_border_real_name"
    assert brandrail.CustomerRecord(**declared.to_dict()) == declared
    assert declared != brandrail.CustomerRecord([("phone", "1")], profile={"national_id": "x"})
    assert repr(declared).endswith(", purpose='cross_border_real_name')")
    for bad in (5, b"cross_border_real_name", ["cross_border_real_name"]):
        with pytest.raises(TypeError) as info:
            brandrail.CustomerRecord([("phone", "1")], purpose=bad)
        assert str(info.value).startswith("purpose"), str(info.value)
    with pytest.raises(UnicodeEncodeError):
        brandrail.CustomerRecord([("phone", "1")], purpose="a\ud800")
    with pytest.raises(TypeError):
        brandrail.CustomerRecord([("phone", "1")], None, None, "cross_border_real_name")  # keyword-only
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.CustomerRecord([("phone", "1"), ("fax", "2")])
    assert info.value.field == "identities[1].kind"
    with pytest.raises(TypeError):
        brandrail.CustomerRecord([("phone", "1")], "positional name")


# ---------------------------------------------------------------- CRM-1, CRM-2


def test_formats_are_cleaned_and_exact_identities_dedupe_and_merge(crm):
    report = crm.ingest_customers(
        MARKETER,
        [
            brandrail.CustomerRecord([("phone", "138 0013 8000")], name="李娜", profile={"region": "上海"}),
            {"identities": [("phone", "+86 138-0013-8000"), ("email", " Li.Na@Example.com ")]},
            {"identities": [{"kind": "email", "value": "li.na@example.com"}]},
            {"identities": [brandrail.Identity("phone", "１３９００１３９０００")], "name": None, "profile": None},
        ],
    )
    assert (report.rows, report.created, report.updated, report.merged) == (4, 2, 2, 0)
    assert report.errors == []
    first, other = report.customer_ids[0], report.customer_ids[3]
    assert report.customer_ids == [first, first, first, other]
    assert crm.customer_count() == 2
    assert report.to_dict()["customer_ids"] == report.customer_ids
    assert repr(report) == "IngestReport(rows=4, created=2, updated=2, merged=0, errors=0)"

    # Sales brings a record joining a member card to the second customer's
    # phone and to the first customer's e-mail: the two are merged.
    r = crm.ingest_customers(
        SALES,
        [{"identities": [["member_id", "vip-001"], ["phone", "13900139000"], ["email", "LI.NA@example.com"]]}],
    )
    assert (r.created, r.updated, r.merged) == (0, 1, 1)
    assert r.customer_ids == [first]
    assert crm.customer_count() == 1
    c = crm.customer(STEWARD, other)
    assert c.id == first, "a merged id reads as its survivor"
    assert c.merged_ids == [other]
    assert [(i.kind, i.value) for i in c.identities] == [
        ("email", "li.na@example.com"),
        ("member_id", "VIP001"),
        ("phone", "13800138000"),
        ("phone", "13900139000"),
    ]
    assert c.name == "李娜" and c.profile == {"region": "上海"} and not c.masked
    assert c.created_at <= c.updated_at and c.created_at.tzinfo is not None
    assert c.to_dict()["identities"][0] == {"kind": "email", "value": "li.na@example.com"}
    assert repr(c).startswith(f"Customer(id={first}, name='李娜', identities=4")
    for kind, value in [("phone", "+8613900139000"), ("email", "li.na@EXAMPLE.com"), ("member_id", "VIP 001")]:
        assert crm.find_customer(MARKETER, kind, value) == first, value
    assert crm.find_customer(MARKETER, "phone", "13700137000") is None

    # The merge is in the audit log, without personal values.
    merges = crm.audit_query(EXEC, action="crm.merge")
    assert len(merges) == 1 and "139" not in merges[0].detail
    assert crm.verify_audit().ok


def test_a_merge_can_be_undone(crm):
    r = crm.ingest_customers(MARKETER, [{"identities": [("phone", "13800138000")]},
                                        {"identities": [("email", "li.na@example.com")]}])
    a, b = r.customer_ids
    # A record joining both merges b into a, and brings a card.
    ingest_one(crm, ("phone", "13800138000"), ("email", "li.na@example.com"), ("pos_card", "6222 0202"), actor=SALES)
    assert crm.customer_count() == 1
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        crm.undo_merge(MARKETER, b)
    assert (info.value.principal, info.value.permission) == (MARKETER, "crm.merge")
    assert crm.customer_count() == 1, "a refusal changes nothing"

    u = crm.undo_merge(STEWARD, b)
    assert isinstance(u, brandrail.MergeUndone)
    assert (u.customer_id, u.survivor_id, u.identities_restored) == (b, a, 1)
    assert u.to_dict() == {"customer_id": b, "survivor_id": a, "identities_restored": 1}
    assert repr(u) == f"MergeUndone(customer_id={b}, survivor_id={a}, identities_restored=1)"
    assert u == u and u != crm  # frozen and comparable
    with pytest.raises(AttributeError):
        u.customer_id = a
    assert crm.customer_count() == 2
    assert crm.find_customer(MARKETER, "email", "li.na@example.com") == b
    assert crm.find_customer(MARKETER, "phone", "13800138000") == a
    assert crm.find_customer(MARKETER, "pos_card", "62220202") == a, "what the survivor gained stays with it"
    assert crm.customer(STEWARD, a).merged_ids == []
    restored = crm.customer(STEWARD, b)
    assert restored.id == b and [(i.kind, i.value) for i in restored.identities] == [("email", "li.na@example.com")]

    # Not merged (any more), unknown, erased.
    for cid in (b, a):
        with pytest.raises(brandrail.ConflictError) as info:
            crm.undo_merge(STEWARD, cid)
        assert (info.value.code, info.value.entity, info.value.id) == ("conflict", "customer", str(cid))
    with pytest.raises(brandrail.NotFoundError) as info:
        crm.undo_merge(STEWARD, 404)
    assert (info.value.entity, info.value.id) == ("customer", "404")
    crm.erase_customer(STEWARD, b, "申请注销")
    with pytest.raises(brandrail.NotFoundError):
        crm.undo_merge(STEWARD, b)
    with pytest.raises(OverflowError):
        crm.undo_merge(STEWARD, 2**63)

    # Audited as 'crm.unmerge': one applied, without personal values.
    undo = crm.audit_query(EXEC, action="crm.unmerge")
    applied = [rec for rec in undo if rec.outcome == "applied"]
    assert len(applied) == 1
    assert applied[0].detail == f"from={a} identities_restored=1"
    assert any(rec.outcome == "denied" and rec.principal == MARKETER for rec in undo)
    assert crm.verify_audit().ok


def test_bad_rows_are_reported_and_change_nothing_while_good_rows_land(crm):
    rows = [
        {"identities": [("phone", "13800138000")]},
        {"identities": [("phone", "12345")]},
        {"identities": [("email", "a@b.cn")], "profile": {"national_id": "11010519491231002X"}},
        {"identities": [("email", "c@d.cn")], "profile": {"favourite_colour": "red"}},
        {"identities": []},
        {"identities": [("email", "e@f.cn")], "name": "x\u202ey"},
        {"identities": [("member_id", "1'; DROP TABLE customer;--")]},
        {"identities": [("email", "g@h.cn")], "profile": {"region": "长" * 501}},
        {"identities": [("wechat_openid", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")]},
        # An identity kind core has no value for: a row error too.
        {"identities": [("email", "i@j.cn"), ("national_id", "11010519491231002X")]},
        brandrail.CustomerRecord([("pos_card", "６２２２ ０２００")], profile={"age_band": "25-34"}),
    ]
    r = crm.ingest_customers(MARKETER, rows)
    assert (r.rows, r.created, r.updated, r.merged) == (11, 3, 0, 0)
    assert [(e.row, e.field, e.code) for e in r.errors] == [
        (1, "identities[0].phone", "validation"),
        (2, "profile.national_id", "policy_violation"),
        (3, "profile.favourite_colour", "validation"),
        (4, "identities", "validation"),
        (5, "name", "validation"),
        (6, "identities[0].member_id", "validation"),
        (7, "profile.region", "validation"),
        (9, "identities[1].kind", "validation"),
    ]
    for e in r.errors:
        assert "1101051949" not in e.message and "DROP" not in e.message, e
    assert "CRM-5" in r.errors[1].message
    assert "phone, email" in r.errors[-1].message
    assert r.errors[1].to_dict() == {
        "row": 2, "field": "profile.national_id", "code": "policy_violation", "message": r.errors[1].message,
    }
    assert repr(r.errors[0]).startswith("RowError(row=1, field='identities[0].phone', code='validation'")
    assert r.to_dict()["errors"][0]["row"] == 1
    assert [c is not None for c in r.customer_ids] == [True] + [False] * 7 + [True, False, True]
    assert crm.customer_count() == 3
    assert crm.find_customer(MARKETER, "email", "a@b.cn") is None, "a refused row left nothing"
    assert crm.find_customer(MARKETER, "email", "i@j.cn") is None, "nor did one of an unknown kind"
    assert crm.find_customer(MARKETER, "pos_card", "62220200") == r.customer_ids[10]
    # The audit record of the batch counts every row, those refused included.
    (batch,) = crm.audit_query(EXEC, action="crm.ingest")
    assert "rows=11" in batch.detail and "refused=8" in batch.detail


def test_no_plaintext_personal_data_in_the_database_file(tmp_path):
    path = tmp_path / "crm.sqlite"
    engine = staff(brandrail.Engine.open(path, secret_key=KEY))
    ingest_one(
        engine,
        ("phone", "13812345678"),
        ("email", "ouyang.nana@example.com"),
        ("wechat_unionid", "o6_bmasdasdsad6_2sgVt7hMZOPfL"),
        ("pos_card", "6222020200112233"),
        name="欧阳娜娜",
    )
    del engine
    data = file_bytes(tmp_path)
    assert len(data) > 4096
    for needle in ["13812345678", "ouyang.nana", "o6_bmasdasdsad6_2sgVt7hMZOPfL", "6222020200112233", "欧阳娜娜"]:
        assert needle.encode() not in data, needle

    # Reopened with the key, the values come back; with another key they do not.
    engine = brandrail.Engine.open(path, secret_key=KEY)
    found = engine.find_customer(STEWARD, "phone", "13812345678")
    assert engine.customer(STEWARD, found).name == "欧阳娜娜"
    del engine
    wrong = brandrail.Engine.open(path, secret_key=bytes(32))
    assert wrong.find_customer(STEWARD, "phone", "13812345678") is None
    with pytest.raises(brandrail.ConfigurationError):
        wrong.customer(STEWARD, found)


# ---------------------------------------------------------------- CRM-6


def test_reads_are_masked_without_clearance_and_unmasked_reads_audited(crm):
    cid = ingest_one(
        crm,
        ("phone", "13800138000"),
        ("email", "li.na@example.com"),
        name="李娜",
        profile={"region": "上海", "age_band": "25-34"},
    )
    masked = crm.customer(MARKETER, cid)
    assert masked.masked
    assert [i.value for i in masked.identities] == ["l***@example.com", "138****8000"]
    assert masked.name == "李**"
    assert masked.profile == {"age_band": "***", "region": "***"}
    n = crm.audit_len()
    clear = crm.customer(STEWARD, cid)
    assert not clear.masked
    assert clear.identities[1].value == "13800138000" and clear.profile["region"] == "上海"
    assert crm.audit_len() == n + 1, "an unmasked read is audited"
    crm.customer(MARKETER, cid)
    assert crm.audit_len() == n + 1, "a masked read is not"
    assert crm.customer(EXEC, cid).masked is False  # a supervisor is cleared too


# ---------------------------------------------------------------- CRM-5 declared purposes

ID_NUMBER = "11010519491231002X"
PURPOSE = "cross_border_real_name"


def with_id(phone: str, **fields) -> dict:
    return {"identities": [("phone", phone)], "profile": {"national_id": ID_NUMBER}, **fields}


def test_a_declared_purpose_lets_a_refused_field_in_sealed_masked_exported_and_erased(tmp_path):
    engine = staff(brandrail.Engine.open(tmp_path / "crm.sqlite", secret_key=KEY))
    r = engine.ingest_customers(
        MARKETER,
        [
            with_id("13800138001"),
            with_id("13800138002", purpose=None),
            with_id("13800138003", purpose="no_such_purpose"),
            brandrail.CustomerRecord(
                [("phone", "13800138004")], name="欧阳娜娜", profile={"national_id": ID_NUMBER}, purpose=PURPOSE
            ),
        ],
    )
    assert [(e.row, e.field, e.code) for e in r.errors] == [
        (0, "profile.national_id", "policy_violation"),
        (1, "profile.national_id", "policy_violation"),
        (2, "purpose", "validation"),
    ]
    assert (r.rows, r.created, r.updated, r.purposes_declared) == (4, 1, 0, 1)
    assert r.to_dict()["purposes_declared"] == 1
    assert "CRM-5" in r.errors[0].message and "no declared purpose" in r.errors[0].message
    assert PURPOSE in r.errors[2].message, "the message names the declared purposes"
    for e in r.errors:
        assert "no_such_purpose" not in e.message and "1101051949" not in e.message, e
    cid = r.customer_ids[3]
    assert r.customer_ids == [None, None, None, cid]
    for phone in ("13800138001", "13800138002", "13800138003"):
        assert engine.find_customer(MARKETER, "phone", phone) is None, "a refused row left nothing"
    assert engine.customer_count() == 1
    (batch,) = engine.audit_query(EXEC, action="crm.ingest")
    assert "purposes=1" in batch.detail and "refused=3" in batch.detail
    assert ID_NUMBER not in batch.detail

    # Sealed like every core field: masked for marketing, clear for the data
    # steward, never in the database file.
    masked = engine.customer(MARKETER, cid)
    assert masked.masked and masked.profile == {"national_id": "***"}
    clear = engine.customer(STEWARD, cid)
    assert not clear.masked and clear.profile == {"national_id": ID_NUMBER}
    assert ID_NUMBER.encode() not in file_bytes(tmp_path)

    # The purpose travels with the customer: in the export, gone on erasure.
    doc = json.loads(engine.export_customer(STEWARD, cid))
    assert doc["profile"]["national_id"] == ID_NUMBER
    (declared,) = doc["purposes"]
    assert (declared["purpose"], declared["fields"], declared["declared_by"]) == (PURPOSE, ["national_id"], MARKETER)
    erasure = engine.erase_customer(STEWARD, cid, "用户申请注销")
    assert erasure.rows_removed >= 3
    with pytest.raises(brandrail.NotFoundError):
        engine.export_customer(STEWARD, cid)
    assert engine.verify_audit().ok
    del engine
    assert ID_NUMBER.encode() not in file_bytes(tmp_path)


def test_a_purpose_without_a_refused_field_is_recorded_too(crm):
    r = crm.ingest_customers(
        MARKETER, [{"identities": [("phone", "13800138000")], "profile": {"region": "上海"}, "purpose": PURPOSE}]
    )
    assert (r.created, r.purposes_declared, r.errors) == (1, 1, [])
    doc = json.loads(crm.export_customer(STEWARD, r.customer_ids[0]))
    assert [(p["purpose"], p["fields"]) for p in doc["purposes"]] == [(PURPOSE, [])]
    # Without a purpose the count stays 0.
    r = crm.ingest_customers(MARKETER, [{"identities": [("phone", "13900139000")]}])
    assert (r.created, r.purposes_declared) == (1, 0)
    assert crm.ingest_customers(MARKETER, []).purposes_declared == 0


@pytest.mark.parametrize(
    "purpose",
    [
        "no_such_purpose",
        "'; DROP TABLE customer; --",
        "CROSS_BORDER_REAL_NAME",
        " cross_border_real_name",
        "cross_border_real_name\x00",
        "cross\u202eborder",
        "",
        "跨境实名" * 2000,
    ],
    ids=["unknown", "sql", "case", "space", "nul", "bidi", "empty", "huge"],
)
def test_an_unknown_or_hostile_purpose_is_a_row_error_that_does_not_echo_it(crm, purpose):
    n = crm.audit_len()
    r = crm.ingest_customers(MARKETER, [with_id("13800138000", purpose=purpose), {"identities": [("phone", "13900139000")]}])
    assert [(e.row, e.field, e.code) for e in r.errors] == [(0, "purpose", "validation")]
    (e,) = r.errors
    assert len(e.message) < 200, e
    for part in ("DROP", "no_such", "CROSS", "\x00", "\u202e", "跨境", "1101051949"):
        assert part not in e.message, e
    assert (r.created, r.purposes_declared, r.customer_ids[0]) == (1, 0, None)
    assert crm.find_customer(MARKETER, "phone", "13800138000") is None, "the refused row changed nothing"
    assert crm.customer_count() == 1
    assert crm.audit_len() == n + 1, "one record for the batch"


@pytest.mark.parametrize(
    ("purpose", "error", "at"),
    [
        (5, TypeError, "records[0].purpose"),
        (True, TypeError, "records[0].purpose"),
        (b"cross_border_real_name", TypeError, "records[0].purpose"),
        (["cross_border_real_name"], TypeError, "records[0].purpose"),
        ({"purpose": "cross_border_real_name"}, TypeError, "records[0].purpose"),
        ("cross_border\ud800", UnicodeEncodeError, "records[0].purpose"),
    ],
)
def test_a_purpose_of_the_wrong_type_raises_and_changes_nothing(crm, purpose, error, at):
    n = crm.audit_len()
    with pytest.raises(error) as info:
        crm.ingest_customers(MARKETER, [with_id("13800138000", purpose=purpose), {"identities": [("phone", "13900139000")]}])
    assert at in str(info.value), str(info.value)
    assert ID_NUMBER not in str(info.value)
    assert crm.audit_len() == n and crm.customer_count() == 0, "nothing written, the good row neither"


# ---------------------------------------------------------------- refusals


def test_permissions_keys_and_unknown_ids(crm):
    n = crm.audit_len()
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        crm.ingest_customers(HR, [{"identities": [("phone", "13800138000")]}])
    assert (info.value.principal, info.value.permission, info.value.reason) == (
        HR, "crm.ingest", "missing_permission",
    )
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        crm.ingest_customers("ghost", [])
    assert info.value.reason == "unknown_principal"
    assert crm.audit_len() == n + 2, "refusals are audited"
    assert crm.customer_count() == 0

    with pytest.raises(brandrail.NotFoundError) as info:
        crm.customer(MARKETER, 42)
    assert (info.value.entity, info.value.id) == ("customer", "42")
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.customer(HR, 42)
    with pytest.raises(brandrail.ValidationError) as info:
        crm.find_customer(MARKETER, "phone", "not a phone")
    assert info.value.field == "value"
    with pytest.raises(brandrail.ValidationError) as info:
        crm.find_customer(MARKETER, "fax", "123")
    assert info.value.field == "kind" and "wechat_openid" in str(info.value)
    with pytest.raises(OverflowError):
        crm.customer(MARKETER, 2**63)  # beyond an int64, as for every id
    empty = crm.ingest_customers(MARKETER, [])
    assert (empty.rows, empty.created, empty.customer_ids, empty.errors) == (0, 0, [], [])
    empty = crm.ingest_customers(MARKETER, (r for r in ()))
    assert empty.rows == 0


def test_an_engine_without_a_key_refuses_customer_data():
    keyless = staff(brandrail.Engine.in_memory())
    record = {"identities": [("phone", "13800138000")]}
    for call in [
        lambda: keyless.ingest_customers(MARKETER, [record]),
        lambda: keyless.customer(MARKETER, 1),
        lambda: keyless.find_customer(MARKETER, "phone", "13800138000"),
        lambda: keyless.export_customer(STEWARD, 1),
    ]:
        with pytest.raises(brandrail.ConfigurationError) as info:
            call()
        assert info.value.code == "configuration" and "secret key" in str(info.value)
    assert keyless.customer_count() == 0


# ---------------------------------------------------------------- CRM-8


def consent(engine, cid, channel="sms", purpose="marketing", granted=True, evidence="会员注册页勾选 v3"):
    return engine.record_consent(
        STEWARD, cid, channel=channel, purpose=purpose, granted=granted, evidence=evidence
    )


def test_no_send_without_consent_in_force(crm):
    cid = ingest_one(crm, ("phone", "13800138000"))
    n = crm.audit_len()
    with pytest.raises(brandrail.PolicyViolationError) as info:
        crm.record_send(MARKETER, cid, "sms", "marketing")
    assert info.value.rule == "CRM-8" and "CRM-8" in str(info.value)
    assert crm.audit_len() == n, "a refused send records nothing"

    in_force = consent(crm, cid)
    assert len(in_force) == 1
    c = in_force[0]
    assert (c.channel, c.purpose, c.granted, c.evidence, c.recorded_by) == (
        "sms", "marketing", True, "会员注册页勾选 v3", STEWARD,
    )
    assert c.to_dict()["recorded_at"] == c.recorded_at and c.recorded_at.tzinfo is not None
    assert repr(c) == f"Consent(channel='sms', purpose='marketing', granted=True, recorded_by='{STEWARD}')"
    send = crm.record_send(MARKETER, cid, "sms", "marketing")
    assert isinstance(send, int) and crm.record_send(MARKETER, cid, "sms", "marketing") > send
    # Consent is per channel and per purpose.
    for channel, purpose in [("email", "marketing"), ("sms", "survey")]:
        with pytest.raises(brandrail.PolicyViolationError):
            crm.record_send(MARKETER, cid, channel, purpose)
    # Withdrawn: no more sends; the history is kept, the latest decision rules.
    consent(crm, cid, granted=False)
    with pytest.raises(brandrail.PolicyViolationError):
        crm.record_send(MARKETER, cid, "sms", "marketing")
    now = crm.consents(MARKETER, cid)
    assert [(c.channel, c.granted) for c in now] == [("sms", False)]

    # Bad input and permissions.
    for bad in [
        {"channel": ""},
        {"channel": "SMS!"},
        {"purpose": "x'; DROP TABLE customer;--"},
        {"evidence": ""},
        {"evidence": "a\u0000b"},
    ]:
        with pytest.raises(brandrail.ValidationError) as info:
            consent(crm, cid, **bad)
        assert info.value.field == next(iter(bad)), bad
    with pytest.raises(brandrail.ValidationError):
        crm.record_send(MARKETER, cid, "sms", "")
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.record_consent(MARKETER, cid, channel="sms", purpose="marketing", granted=True, evidence="form 1")
    with pytest.raises(brandrail.NotFoundError):
        consent(crm, 999)
    with pytest.raises(brandrail.NotFoundError):
        crm.consents(MARKETER, 999)
    with pytest.raises(brandrail.PermissionDeniedError):
        crm.record_send(SALES, cid, "sms", "marketing")
    with pytest.raises(TypeError):
        crm.record_consent(STEWARD, cid, "sms", "marketing", True, "form 1")  # keyword-only
    with pytest.raises(TypeError):
        consent(crm, cid, granted="yes")


# ---------------------------------------------------------------- CRM-7


def test_export_holds_everything_and_erasure_removes_it_with_the_chain_valid(tmp_path):
    engine = staff(brandrail.Engine.open(tmp_path / "crm.sqlite", secret_key=KEY))
    a = ingest_one(engine, ("phone", "13812345678"), name="欧阳娜娜", profile={"region": "杭州"})
    b = ingest_one(engine, ("email", "ouyang.nana@example.com"), actor=SALES)
    # A third record joins the two: b is merged into a.
    ingest_one(
        engine,
        ("phone", "13812345678"),
        ("email", "ouyang.nana@example.com"),
        ("pos_card", "6222 0202 0011 2233"),
        actor=SALES,
    )
    consent(engine, a)
    engine.record_send(MARKETER, a, "sms", "marketing")

    text = engine.export_customer(STEWARD, b)
    assert isinstance(text, str)
    doc = json.loads(text)
    assert doc["format"] == "brandrail customer export v1"
    assert doc["customer_id"] == a, "an export of a merged id is the survivor's"
    assert doc["merged_ids"] == [b]
    assert doc["name"] == "欧阳娜娜"
    assert doc["profile"] == {"region": "杭州"}
    assert len(doc["identities"]) == 3
    assert len(doc["sources"]) == 3, "the survivor's two source records and the merged one's"
    assert [s["customer_id"] for s in doc["sources"]] == [a, a, b]
    assert {s["department"] for s in doc["sources"]} == {"marketing", "sales"}
    assert doc["consents_in_force"][0]["granted"] is True
    assert len(doc["consent_history"]) == 1 and len(doc["sends"]) == 1
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.export_customer(MARKETER, a)

    erasure = engine.erase_customer(STEWARD, a, "用户申请注销 #2026-118")
    assert erasure.customer_ids == [a, b]
    assert erasure.rows_removed >= 7, erasure
    assert erasure.to_dict() == {"customer_ids": [a, b], "rows_removed": erasure.rows_removed}
    assert repr(erasure) == f"Erasure(customer_ids=[{a}, {b}], rows_removed={erasure.rows_removed})"
    for call in [
        lambda: engine.customer(STEWARD, a),
        lambda: engine.customer(STEWARD, b),
        lambda: engine.export_customer(STEWARD, a),
        lambda: engine.consents(STEWARD, a),
        lambda: engine.erase_customer(STEWARD, a, "again"),
    ]:
        with pytest.raises(brandrail.NotFoundError):
            call()
    assert engine.find_customer(STEWARD, "phone", "13812345678") is None
    assert engine.customer_count() == 0
    assert engine.verify_audit().ok, "the chain still verifies"
    # The same person may come back as a new customer.
    again = engine.ingest_customers(MARKETER, [{"identities": [("phone", "13812345678")]}])
    assert again.created == 1 and again.customer_ids[0] != a
    with pytest.raises(brandrail.PermissionDeniedError):
        engine.erase_customer(MARKETER, 1, "x")
    with pytest.raises(brandrail.ValidationError) as info:
        engine.erase_customer(STEWARD, again.customer_ids[0], "")
    assert info.value.field == "reason"
    del engine
    data = file_bytes(tmp_path)
    for needle in ["欧阳娜娜", "ouyang.nana", "杭州", "6222020200112233"]:
        assert needle.encode() not in data, needle


# ---------------------------------------------------------------- host types


@pytest.mark.parametrize(
    ("records", "at"),
    [
        (42, "records"),
        ("13800138000", "records"),
        ({"identities": [("phone", "13800138000")]}, "records"),
        (brandrail.CustomerRecord([("phone", "13800138000")]), "records"),
        ([["phone", "13800138000"]], "records[0]"),
        ([None], "records[0]"),
        ([{"name": "李娜"}], "records[0].identities"),
        ([{"identities": "13800138000"}], "records[0].identities"),
        ([{"identities": {"phone": "13800138000"}}], "records[0].identities"),
        ([{"identities": [13800138000]}], "records[0].identities[0]"),
        ([{"identities": [("phone",)]}], "records[0].identities[0]"),
        ([{"identities": [("phone", "1", "2")]}], "records[0].identities[0]"),
        ([{"identities": [("phone", 13800138000)]}], "records[0].identities[0].value"),
        ([{"identities": [(1, "13800138000")]}], "records[0].identities[0].kind"),
        ([{"identities": [{"kind": "phone"}]}], "records[0].identities[0].value"),
        ([{"identities": [{"kind": "phone", "value": "1", "extra": 1}]}], "records[0].identities[0]"),
        ([{"identities": [("phone", "1")], "name": 7}], "records[0].name"),
        ([{"identities": [("phone", "1")], "profile": [("region", "上海")]}], "records[0].profile"),
        ([{"identities": [("phone", "1")], "profile": {"region": 3}}], "records[0].profile"),
        ([{"identities": [("phone", "1")], "profile": {3: "x"}}], "records[0].profile"),
        ([{"identities": [("phone", "1")], "national_id": "x"}], "records[0]"),
        ([{"identities": [("phone", "1")], "purposes": ["cross_border_real_name"]}], "records[0]"),
        ([{"identities": [("phone", "1")], "purpose": 1}], "records[0].purpose"),
        ([{"identities": [("phone", "1")]}, "row"], "records[1]"),
    ],
)
def test_rows_of_the_wrong_shape_raise_type_error_and_change_nothing(crm, records, at):
    n = crm.audit_len()
    with pytest.raises(TypeError) as info:
        crm.ingest_customers(MARKETER, records)
    assert str(info.value).startswith(at), str(info.value)
    assert "13800138000" not in str(info.value)
    assert crm.audit_len() == n and crm.customer_count() == 0


def test_a_lone_surrogate_raises_unicode_error_naming_the_field(crm):
    with pytest.raises(UnicodeEncodeError) as info:
        crm.ingest_customers(MARKETER, [{"identities": [("email", "a\ud800@b.cn")]}])
    assert "records[0].identities[0].value" in str(info.value)
    with pytest.raises(TypeError):
        crm.ingest_customers(MARKETER, [{"identities": [("phone", "1")]}, 3])
    assert crm.customer_count() == 0


def test_records_come_from_any_iterable(crm):
    rows = ({"identities": [("member_id", f"vip-{i}")]} for i in range(50))
    report = crm.ingest_customers(MARKETER, rows)
    assert (report.rows, report.created) == (50, 50)
    assert crm.find_customer(MARKETER, "member_id", "VIP 49") == report.customer_ids[49]


def test_gil_is_released_during_a_batch(crm):
    records = [{"identities": [("phone", f"138{i:08d}")], "profile": {"region": "上海"}} for i in range(4000)]
    done: list[brandrail.IngestReport] = []
    started = threading.Event()

    def ingest():
        started.set()
        done.append(crm.ingest_customers(MARKETER, records))

    t0 = time.perf_counter()
    worker = threading.Thread(target=ingest, daemon=True)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():
        ticks += 1  # needs the GIL: only advances while the batch runs without it
        time.sleep(0.001)
    worker.join(120)
    took = time.perf_counter() - t0
    assert done and done[0].created == 4000 and not done[0].errors
    assert took > 0.05, "batch too small to measure"
    assert ticks > 10, f"{ticks} ticks in {took:.3f}s"
