"""CRM-1, CRM-2 and CRM-5..CRM-8 through the uniffi FFI, following
core/tests/crm.rs: batches from every department cleaned and deduplicated on
exact identities and merged, and a merge undone; bad rows reported in the `IngestReport` (never
thrown) while the good rows land; refused profile fields; masked reads without
`crm.read_sensitive`, unmasked reads audited; no plaintext personal data in
the database file; consent per channel and purpose gating sends; the export
document (a JSON `String`) and erasure with the audit chain still valid.

Bad calls — missing permission, unknown ids, an engine without its key, bad
consents, sends and reasons — throw their typed error case and change nothing
(customers, consents, principals, policy); the audit log grows by the refusal
record for `permission_denied` only. A value of the wrong host type (a dict for
a `CustomerRecord`, a string for an `IdentityKind`, an int for a name) cannot
be written in Swift or Kotlin; here uniffi refuses the whole call before it
reaches the engine, and nothing changes.

Runs on a manual clock, so every time the engine stamps is known.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import decimal
import gc
import json
import struct

import pytest

from uniffi_support import HOSTILE_NAMES, SECRET_KEY, at, br, person, refused, state

START = at("2026-11-02T02:00:00Z")
D = br.Department
K = br.IdentityKind
PHONE, EMAIL, MEMBER, OPENID, UNIONID, CARD = (
    K.PHONE,
    K.EMAIL,
    K.MEMBER_ID,
    K.WECHAT_OPENID,
    K.WECHAT_UNIONID,
    K.POS_CARD,
)

# What uniffi's Python raises for a value of the wrong type or out of range,
# before anything reaches Rust (Swift and Kotlin refuse them at compile time).
WRONG_TYPE = (TypeError, ValueError, AttributeError, struct.error)


def staff(e) -> None:
    """it.admin (IT), li.na (marketing), qian.yu (sales), hr.one (HR),
    zhao.min (executive + supervisor), data.ops (IT, data_steward only)."""
    e.bootstrap(person("it.admin", D.IT, "IT"))
    e.create_principals(
        "it.admin",
        [
            person("li.na", D.MARKETING, "李娜"),
            person("qian.yu", D.SALES),
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


def ident(kind, value: str) -> br.Identity:
    return br.Identity(kind=kind, value=value)


def rec(*ids, name=None, purpose=None, **profile) -> br.CustomerRecord:
    """A record of `(kind, value)` identities, a name, a declared purpose
    (CRM-5) and profile fields."""
    return br.CustomerRecord(
        identities=[ident(k, v) for k, v in ids], name=name, profile=dict(profile), purpose=purpose
    )


def one(e, actor: str, record: br.CustomerRecord) -> int:
    """Ingest one good record; its customer id."""
    r = e.ingest_customers(actor, [record])
    assert r.errors == [], r.errors
    return r.customer_ids[0]


def consent(channel="sms", purpose="marketing", granted=True, evidence="会员注册页勾选 v3"):
    return br.ConsentChange(channel=channel, purpose=purpose, granted=granted, evidence=evidence)


def crm(e, ids=range(1, 8)):
    """The customers `ids` as li.na reads them (masked reads are not audited)
    with their consents, or the error code for each, and the count."""

    def read(call, *args):
        try:
            return call(*args)
        except br.BrandrailError as err:
            return err.code()

    return (
        e.customer_count(),
        [(read(e.customer, "li.na", i), read(e.consents, "li.na", i)) for i in ids],
    )


def world(e):
    """Everything a refused call must leave as it was (the audit log aside)."""
    return (state(e), crm(e))


def refused_unchanged(e, code: str, call, *args):
    """`call` raises the error for `code` and changes nothing; the audit log
    grows by the refusal record for `permission_denied` only."""
    before, log = world(e), e.audit_len()
    err = refused(code, call, *args)
    assert world(e) == before
    assert e.audit_len() - log == (1 if code == "permission_denied" else 0), code
    return err


def denied(e, reason, call, *args):
    err = refused_unchanged(e, "permission_denied", call, *args)
    assert isinstance(err, br.BrandrailError.PermissionDenied)
    assert err.reason == reason, err
    return err


def wrong_type(e, call, *args):
    """uniffi refuses the argument before the call: nothing changes, nothing
    is audited."""
    before, log = world(e), e.audit_len()
    with pytest.raises(WRONG_TYPE):
        call(*args)
    assert world(e) == before and e.audit_len() == log


def audit_details(e) -> str:
    return "\n".join(
        f"{r.action} {r.entity_id} {r.detail}" for r in e.audit_query("zhao.min", br.AuditQuery())
    )


def file_bytes(directory) -> bytes:
    return b"".join(p.read_bytes() for p in directory.iterdir() if p.is_file())


# ------------------------------------------------------------- CRM-1, CRM-2


def test_crm1_crm2_formats_are_cleaned_and_exact_identities_dedupe(e):
    report = e.ingest_customers(
        "li.na",
        [
            rec((PHONE, "138 0013 8000"), name="李娜", region="上海"),
            rec((PHONE, "+86 138-0013-8000"), (EMAIL, " Li.Na@Example.com ")),
            rec((EMAIL, "li.na@example.com")),
            rec((PHONE, "１３９００１３９０００")),
        ],
    )
    assert isinstance(report, br.IngestReport)
    assert (report.rows, report.created, report.updated, report.merged) == (4, 2, 2, 0)
    assert report.errors == []
    first, other = report.customer_ids[0], report.customer_ids[3]
    assert report.customer_ids == [first, first, first, other] and first != other
    assert e.customer_count() == 2

    # Sales brings a record joining a member card to the second customer's
    # phone and to the first customer's e-mail: the two are merged.
    r = e.ingest_customers(
        "qian.yu",
        [rec((MEMBER, "vip-001"), (PHONE, "13900139000"), (EMAIL, "LI.NA@example.com"))],
    )
    assert (r.rows, r.created, r.updated, r.merged) == (1, 0, 1, 1)
    assert r.customer_ids == [first]
    assert e.customer_count() == 1

    c = e.customer("data.ops", other)
    assert c.id == first, "a merged id reads as its survivor"
    assert c.merged_ids == [other]
    assert not c.masked
    # Ordered by kind; two of a kind added at one instant in either order.
    assert [i.kind for i in c.identities] == [EMAIL, MEMBER, PHONE, PHONE]
    assert sorted((i.kind.as_str(), i.value) for i in c.identities) == [
        ("email", "li.na@example.com"),
        ("member_id", "VIP001"),
        ("phone", "13800138000"),
        ("phone", "13900139000"),
    ]
    assert c.name == "李娜"
    assert c.profile == {"region": "上海"}
    assert c.created_at == START and c.updated_at == START

    for kind, value in [
        (PHONE, "+8613900139000"),
        (PHONE, "0086 139 0013 9000"),
        (EMAIL, "li.na@EXAMPLE.com"),
        (MEMBER, "VIP 001"),
        (MEMBER, "ｖｉｐ-００１"),
    ]:
        assert e.find_customer("li.na", kind, value) == first, value
    assert e.find_customer("li.na", PHONE, "13700137000") is None
    assert e.find_customer("li.na", EMAIL, "li.na@example.com") == first

    # The merge is in the audit log, without personal values.
    merges = e.audit_query("zhao.min", br.AuditQuery(action="crm.merge"))
    assert len(merges) == 1
    assert merges[0].entity_id == str(other)
    assert "139" not in merges[0].detail and "into=" in merges[0].detail
    ingests = e.audit_query("zhao.min", br.AuditQuery(action="crm.ingest"))
    assert [i.detail for i in ingests] == [
        "rows=4 created=2 updated=2 merged=0 refused=0 purposes=0",
        "rows=1 created=0 updated=1 merged=1 refused=0 purposes=0",
    ]
    assert e.verify_audit().ok



def test_crm2_a_merge_can_be_undone(e):
    r = e.ingest_customers("li.na", [rec((PHONE, "13800138000")), rec((EMAIL, "li.na@example.com"))])
    a, b = r.customer_ids
    # A record joining both merges b into a, and brings a card.
    joined = e.ingest_customers(
        "qian.yu", [rec((PHONE, "13800138000"), (EMAIL, "li.na@example.com"), (CARD, "6222 0202"))]
    )
    assert (joined.merged, joined.customer_ids) == (1, [a])
    assert e.customer_count() == 1
    assert e.customer("data.ops", a).merged_ids == [b]

    err = denied(e, br.DenialReason.MISSING_PERMISSION, e.undo_merge, "li.na", b)
    assert (err.principal, err.permission) == ("li.na", "crm.merge")
    denied(e, br.DenialReason.UNKNOWN_PRINCIPAL, e.undo_merge, "ghost", b)
    assert e.customer_count() == 1, "a refused undo left the merge in place"

    e.advance_clock(60)
    log = e.audit_len()
    u = e.undo_merge("data.ops", b)
    assert isinstance(u, br.MergeUndone)
    assert u == br.MergeUndone(customer_id=b, survivor_id=a, identities_restored=1)
    assert e.audit_len() == log + 1, "one unmerge record"
    assert e.customer_count() == 2
    assert e.find_customer("li.na", EMAIL, "li.na@example.com") == b
    assert e.find_customer("li.na", PHONE, "13800138000") == a
    assert e.find_customer("li.na", CARD, "62220202") == a, "what the survivor gained stays with it"
    survivor, restored = e.customer("data.ops", a), e.customer("data.ops", b)
    assert survivor.merged_ids == []
    assert sorted((i.kind.as_str(), i.value) for i in survivor.identities) == [
        ("phone", "13800138000"),
        ("pos_card", "62220202"),
    ]
    assert restored.id == b, "the restored id reads as itself again"
    assert [(i.kind, i.value) for i in restored.identities] == [(EMAIL, "li.na@example.com")]
    assert restored.merged_ids == [] and restored.updated_at > START

    # Not merged (any more), unknown, erased: typed, changing nothing.
    for id in (b, a):
        err = refused_unchanged(e, "conflict", e.undo_merge, "data.ops", id)
        assert isinstance(err, br.BrandrailError.Conflict) and err.entity == "customer"
    for id in [404, 0, -1, 2**63 - 1, -(2**63)]:
        err = refused_unchanged(e, "not_found", e.undo_merge, "data.ops", id)
        assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "customer"
    assert e.erase_customer("data.ops", b, "申请注销").customer_ids == [b]
    refused_unchanged(e, "not_found", e.undo_merge, "data.ops", b)
    wrong_type(e, e.undo_merge, "data.ops", str(a))
    wrong_type(e, e.undo_merge, "data.ops", 2**63)
    wrong_type(e, e.undo_merge, None, a)

    # Audited once applied (ids and counts only), once per refusal.
    undo = e.audit_query("zhao.min", br.AuditQuery(action="crm.unmerge"))
    applied = [x for x in undo if x.outcome == br.Outcome.APPLIED]
    assert [(x.principal, x.entity_id, x.detail) for x in applied] == [
        ("data.ops", str(b), f"from={a} identities_restored=1")
    ]
    assert [x.principal for x in undo if x.outcome == br.Outcome.DENIED] == ["li.na", "ghost"]
    assert "li.na@example.com" not in audit_details(e) and "13800138000" not in audit_details(e)
    assert e.verify_audit().ok

    # Works without the secret key (it seals and opens nothing).
    keyless = br.Engine.in_memory(br.EngineOptions(clock_start=START))
    staff(keyless)
    refused("not_found", keyless.undo_merge, "data.ops", 1)


def test_a_record_defaults_to_no_name_and_no_profile_and_repeats_collapse(e):
    r = br.CustomerRecord(identities=[ident(PHONE, "13800138000")])
    assert (r.name, r.profile, r.purpose) == (None, {}, None)
    id = one(
        e,
        "li.na",
        rec((PHONE, "13800138000"), (PHONE, "+86 138 0013 8000"), (OPENID, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")),
    )
    c = e.customer("data.ops", id)
    assert [(i.kind, i.value) for i in c.identities] == [
        (PHONE, "13800138000"),
        (OPENID, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"),
    ], "one phone, whatever its format; ordered by kind"
    assert c.name is None and c.profile == {} and c.merged_ids == []
    # A later record fills in the name and profile of the same customer.
    e.advance_clock(60)
    again = e.ingest_customers("qian.yu", [rec((PHONE, "13800138000"), name="李娜", age_band="25-34")])
    assert (again.created, again.updated, again.customer_ids) == (0, 1, [id])
    c = e.customer("data.ops", id)
    assert (c.name, c.profile) == ("李娜", {"age_band": "25-34"})
    assert c.created_at == START and c.updated_at > START


def test_an_empty_batch_is_a_report_of_nothing(e):
    r = e.ingest_customers("li.na", [])
    assert (r.rows, r.created, r.updated, r.merged, r.customer_ids, r.errors) == (0, 0, 0, 0, [], [])
    assert r.purposes_declared == 0


def test_async_ingest_reports_as_the_sync_call_does():
    rows = [rec((PHONE, f"1380013{n:04d}"), region="杭州") for n in range(300)]
    rows += [rec((PHONE, "12345")), rec((PHONE, "13800130000"), (EMAIL, "x@y.cn"))]
    sync, background = (br.Engine.in_memory(options()) for _ in range(2))
    for engine in (sync, background):
        staff(engine)
    want = sync.ingest_customers("li.na", rows)
    got = asyncio.run(background.ingest_customers_async("li.na", rows))
    assert got == want
    assert (got.rows, got.created, got.updated) == (302, 300, 1)
    assert [(x.row, x.field) for x in got.errors] == [(300, "identities[0].phone")]
    assert background.customer_count() == sync.customer_count() == 300

    # Refusals of the whole call come through the awaited call too.
    with pytest.raises(br.BrandrailError.PermissionDenied):
        asyncio.run(background.ingest_customers_async("hr.one", rows))
    keyless = br.Engine.in_memory(br.EngineOptions(clock_start=START))
    staff(keyless)
    with pytest.raises(br.BrandrailError.Configuration):
        asyncio.run(keyless.ingest_customers_async("li.na", rows))


def test_concurrent_async_ingests_all_land(e):
    async def both():
        return await asyncio.gather(
            e.ingest_customers_async("li.na", [rec((PHONE, f"1370013{n:04d}")) for n in range(200)]),
            e.ingest_customers_async("qian.yu", [rec((EMAIL, f"c{n}@example.com")) for n in range(200)]),
        )

    a, b = asyncio.run(both())
    assert a.created == b.created == 200
    assert e.customer_count() == 400
    assert set(a.customer_ids).isdisjoint(b.customer_ids)
    assert e.verify_audit().ok


# ------------------------------------------------------------- CRM-1, CRM-5


def test_crm1_crm5_bad_rows_are_reported_and_change_nothing_good_rows_land(e):
    rows = [
        rec((PHONE, "13800138000")),
        rec((PHONE, "12345")),
        rec((EMAIL, "a@b.cn"), national_id="11010519491231002X"),
        rec((EMAIL, "c@d.cn"), favourite_colour="red"),
        rec(),
        rec((EMAIL, "e@f.cn"), name="x\u202ey"),
        rec((MEMBER, "1'; DROP TABLE customer;--")),
        rec((EMAIL, "g@h.cn"), region="长" * 501),
        rec((OPENID, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")),
    ]
    log = e.audit_len()
    r = e.ingest_customers("li.na", rows)
    assert e.audit_len() == log + 1, "one ingest record, whatever the rows"
    assert (r.rows, r.created, r.updated, r.merged, r.purposes_declared) == (9, 2, 0, 0, 0)
    assert [(x.row, x.field, x.code) for x in r.errors] == [
        (1, "identities[0].phone", "validation"),
        (2, "profile.national_id", "policy_violation"),
        (3, "profile.favourite_colour", "validation"),
        (4, "identities", "validation"),
        (5, "name", "validation"),
        (6, "identities[0].member_id", "validation"),
        (7, "profile.region", "validation"),
    ]
    for x in r.errors:
        assert "1101051949" not in x.message and "DROP" not in x.message, x
        assert "长长" not in x.message and "12345" not in x.message, x
    assert "CRM-5" in r.errors[1].message
    assert [c is not None for c in r.customer_ids] == [True] + [False] * 7 + [True]
    assert e.customer_count() == 2
    for kind, value in [(EMAIL, "a@b.cn"), (EMAIL, "c@d.cn"), (EMAIL, "e@f.cn"), (EMAIL, "g@h.cn")]:
        assert e.find_customer("li.na", kind, value) is None, "a refused row left nothing"
    assert "refused=7" in e.audit_query("zhao.min", br.AuditQuery(action="crm.ingest"))[0].detail
    assert "1101051949" not in audit_details(e)


HOSTILE_IDENTITIES = [
    (PHONE, ""),
    (PHONE, "   "),
    (PHONE, "13800138000'; DROP TABLE customer;--"),
    (PHONE, "1380013800\x00"),
    (PHONE, "138\u200b0013\u200b8000"),
    (PHONE, "\u202e13800138000"),
    (PHONE, "1" * 400),
    (PHONE, "23800138000"),
    (EMAIL, "not an email"),
    (EMAIL, "a@b.cn\x00"),
    (EMAIL, "li.na@example.com\u202e"),
    (EMAIL, "x" * 321 + "@example.com"),
    (OPENID, "short"),
    (OPENID, "oUpF8uMuAJO_M2pxb1Q9z\u200bNjWeS6o"),
    (UNIONID, "o6_bmasdasdsad6_2sgVt7hMZOPfL'--"),
    (MEMBER, "vip 001 \x1b[31m"),
    (MEMBER, "会员001"),
    (CARD, "6222\t0202"),
    (CARD, "%s%n%x"),
]


def test_hostile_identities_names_and_profiles_are_row_errors_not_echoed(e):
    rows = [rec((PHONE, "13800138000"))]
    expected = []
    for kind, value in HOSTILE_IDENTITIES:
        expected.append((len(rows), f"identities[0].{kind.as_str()}", "validation"))
        rows.append(rec((kind, value)))
    # A good identity does not save a row with a bad one.
    expected.append((len(rows), "identities[1].email", "validation"))
    rows.append(rec((PHONE, "13900139000"), (EMAIL, "bad@@example.com")))
    for name in HOSTILE_NAMES:
        expected.append((len(rows), "name", "validation"))
        rows.append(rec((EMAIL, "named@example.com"), name=name))
    for key, value in [
        ("region", "上海\n"),
        ("region", "上海\x00"),
        ("habits", "x" * 501),
        ("REGION", "上海"),
        ("region\x00", "上海"),
        ("", "上海"),
        ("national_id", ""),
    ]:
        code = "policy_violation" if key == "national_id" else "validation"
        expected.append((len(rows), None, code))
        rows.append(rec((EMAIL, "profiled@example.com"), **{key: value}))
    expected.append((len(rows), "identities", "validation"))
    rows.append(rec(*[(MEMBER, f"m{n}") for n in range(33)]))
    rows.append(rec((EMAIL, "ok@example.com"), name="长" * 200, habits="x" * 500))

    r = e.ingest_customers("li.na", rows)
    assert r.rows == len(rows)
    assert r.created == 2
    assert len(r.errors) == len(expected)
    got = [
        (x.row, x.field if want_field else None, x.code)
        for x, (_, want_field, _) in zip(r.errors, expected)
    ]
    assert got == expected
    for x in r.errors:
        assert x.field.isprintable(), x.field
        assert "DROP" not in x.message and "\x00" not in x.message and "\u202e" not in x.message
        assert "13800138000" not in x.message and "named@" not in x.message, x
    # The escaped key names the field without the raw control character.
    assert any(x.field.startswith("profile.region\\u{0}") for x in r.errors)
    assert e.customer_count() == 2
    for kind, value in [(PHONE, "13900139000"), (EMAIL, "named@example.com"), (EMAIL, "profiled@example.com")]:
        assert e.find_customer("li.na", kind, value) is None
    c = e.customer("data.ops", r.customer_ids[-1])
    assert (c.name, c.profile) == ("长" * 200, {"habits": "x" * 500})


# ------------------------------------------------------------------ CRM-5
#
# Declared purposes, after `crm5_*` in core/tests/crm.rs: a refused profile
# field (`national_id`) is accepted under a purpose of the policy's
# `crm.declared_purposes` that allows it, sealed, masked without clearance, and
# the purpose is recorded with the customer (exported, erased).

CROSS_BORDER = "cross_border_real_name"
ID_NUMBER = "11010519491231002X"
NOT_A_PURPOSE = f"not a declared purpose of the policy (crm.declared_purposes: {CROSS_BORDER})"


def with_id(phone: str, purpose=None, **profile) -> br.CustomerRecord:
    """A record giving the refused national ID, under `purpose` if any."""
    return rec((PHONE, phone), purpose=purpose, national_id=ID_NUMBER, **profile)


def purposes_of(e, id: int) -> list:
    return json.loads(e.export_customer("data.ops", id))["purposes"]


def test_crm5_a_declared_purpose_lets_a_refused_field_in_sealed_and_recorded(tmp_path):
    e = br.Engine.open(str(tmp_path / "crm.sqlite"), options())
    staff(e)
    r = e.ingest_customers(
        "li.na",
        [
            with_id("13800138009"),
            with_id("13800138009", "no_such_purpose"),
            with_id("13800138009", "'; DROP TABLE customer; --"),
            with_id("13800138009", CROSS_BORDER, region="上海"),
        ],
    )
    assert [(x.row, x.field, x.code) for x in r.errors] == [
        (0, "profile.national_id", "policy_violation"),
        (1, "purpose", "validation"),
        (2, "purpose", "validation"),
    ]
    assert (r.rows, r.created, r.purposes_declared) == (4, 1, 1)
    assert isinstance(r.purposes_declared, int)
    assert r.customer_ids[:3] == [None, None, None]
    id = r.customer_ids[3]
    for x in r.errors:
        assert ID_NUMBER not in x.message and "DROP TABLE" not in x.message, x
    assert "CRM-5" in r.errors[0].message

    # Sealed like every core field: masked for marketing, clear for the data
    # steward (and that read audited), never in clear in the database files.
    masked = e.customer("li.na", id)
    assert masked.masked and masked.profile == {"national_id": "***", "region": "***"}
    log = e.audit_len()
    clear = e.customer("data.ops", id)
    assert not clear.masked and clear.profile == {"national_id": ID_NUMBER, "region": "上海"}
    assert e.audit_len() == log + 1
    assert ID_NUMBER.encode() not in file_bytes(tmp_path)

    # The purpose travels with the customer: in the export (the field in
    # clear), counted in the audit record, never the value in the log.
    doc = json.loads(e.export_customer("data.ops", id))
    assert doc["profile"]["national_id"] == ID_NUMBER
    assert [(p["purpose"], p["fields"], p["declared_by"]) for p in doc["purposes"]] == [
        (CROSS_BORDER, ["national_id"], "li.na")
    ]
    assert doc["purposes"][0]["declared_at"].startswith("2026-11-02T02:00:00")
    ingest = e.audit_query("zhao.min", br.AuditQuery(action="crm.ingest"))
    assert ingest[-1].detail == "rows=4 created=1 updated=0 merged=0 refused=3 purposes=1"
    assert ID_NUMBER not in audit_details(e)

    # Erased with the customer: the purpose row goes too, and the value
    # leaves the files.
    er = e.erase_customer("data.ops", id, "用户申请注销")
    assert er.customer_ids == [id] and er.rows_removed >= 3
    refused("not_found", e.export_customer, "data.ops", id)
    assert e.verify_audit().ok
    del e
    gc.collect()
    assert ID_NUMBER.encode() not in file_bytes(tmp_path)


def test_crm5_purposes_of_merged_customers_are_exported_and_erased_with_the_survivor(e):
    a = one(e, "li.na", rec((PHONE, "13800138000"), purpose=CROSS_BORDER, national_id=ID_NUMBER))
    e.advance_clock(60)
    b = one(e, "qian.yu", rec((EMAIL, "li.na@example.com"), purpose=CROSS_BORDER, national_id=ID_NUMBER))
    # A purpose without a refused field is declared (and counted) all the same.
    e.advance_clock(60)
    joined = e.ingest_customers(
        "qian.yu", [rec((PHONE, "13800138000"), (EMAIL, "li.na@example.com"), purpose=CROSS_BORDER)]
    )
    assert (joined.merged, joined.customer_ids, joined.purposes_declared) == (1, [a], 1)
    assert [(p["purpose"], p["fields"], p["declared_by"]) for p in purposes_of(e, b)] == [
        (CROSS_BORDER, ["national_id"], "li.na"),
        (CROSS_BORDER, [], "qian.yu"),
        (CROSS_BORDER, ["national_id"], "qian.yu"),
    ], "the survivor's purposes, then the merged customer's"
    er = e.erase_customer("data.ops", a, "request")
    assert er.customer_ids == [a, b]
    again = one(e, "li.na", rec((PHONE, "13800138000")))
    assert purposes_of(e, again) == [], "nothing of the erased purposes is left"


def test_crm5_without_an_allowing_purpose_a_refused_field_stays_refused(e):
    one(e, "li.na", rec((EMAIL, "known@example.com")))
    # A second purpose that allows nothing, installed with the default one.
    survey = "loyalty_survey"
    e.replace_policy(
        "zhao.min",
        e.policy().overlay_toml(
            f'[crm.declared_purposes.{survey}]\ndescription = "会员满意度回访"\nallows = []\n'
        ),
    )
    before, log = crm(e), e.audit_len()
    r = e.ingest_customers(
        "li.na",
        [
            with_id("13800138001"),
            with_id("13800138002", survey),
            rec((PHONE, "13800138003"), purpose=survey, national_id=""),
            # A record that joins a known customer changes nothing either.
            rec((EMAIL, "known@example.com"), (PHONE, "13800138004"), national_id=ID_NUMBER),
        ],
    )
    assert [(x.row, x.field, x.code) for x in r.errors] == [
        (0, "profile.national_id", "policy_violation"),
        (1, "profile.national_id", "policy_violation"),
        (2, "profile.national_id", "policy_violation"),
        (3, "profile.national_id", "policy_violation"),
    ]
    assert "no declared purpose allows it" in r.errors[0].message
    assert f"the declared purpose {survey} does not allow it" in r.errors[1].message
    for x in r.errors:
        assert x.message.startswith("CRM-5") and ID_NUMBER not in x.message, x
    assert (r.created, r.updated, r.merged, r.purposes_declared) == (0, 0, 0, 0)
    assert r.customer_ids == [None] * 4
    # Nothing changed: no customer, identity, purpose or profile field.
    assert crm(e) == before
    for n in range(1, 5):
        assert e.find_customer("li.na", PHONE, f"1380013800{n}") is None
    assert e.audit_len() == log + 1, "the ingest record only"
    assert e.audit_query("zhao.min", br.AuditQuery(action="crm.ingest"))[-1].detail.endswith(
        "refused=4 purposes=0"
    )
    assert purposes_of(e, 1) == []


def test_crm5_a_policy_purpose_may_allow_only_refused_core_fields(e):
    """A purpose allowing a field that is not refused cannot even be built
    into a policy; the engine's policy stays as it was."""
    policy = e.policy()
    for allows in ['["region"]', '["national_id", "habits"]', '["no_such_field"]']:
        err = refused_unchanged(
            e,
            "validation",
            policy.overlay_toml,
            f'[crm.declared_purposes.bad]\ndescription = "x"\nallows = {allows}\n',
        )
        assert err.field == "crm.declared_purposes.bad.allows", err
        assert "only refused fields need a purpose" in err.detail
    for key in ["Bad Key", "x'; DROP TABLE policy;--"]:
        toml = f'[crm.declared_purposes."{key}"]\ndescription = "x"\nallows = ["national_id"]\n'
        refused_unchanged(e, "validation", policy.overlay_toml, toml)
    assert e.policy().digest() == policy.digest()
    one(e, "li.na", with_id("13800138000", CROSS_BORDER))


HOSTILE_PURPOSES = [
    "no_such_purpose",
    "marketing",
    "",
    "   ",
    "Cross_Border_Real_Name",
    "ｃｒｏｓｓ_ｂｏｒｄｅｒ_ｒｅａｌ_ｎａｍｅ",
    " " + CROSS_BORDER,
    CROSS_BORDER + " ",
    CROSS_BORDER + "\x00",
    CROSS_BORDER + "\n",
    "cross_border\u200b_real_name",
    "\u202e" + CROSS_BORDER,
    "x'; DROP TABLE customer_purpose;--",
    "%s%n%x",
    "../../etc/passwd",
    "\x1b[31mred",
    "跨境实名",
    "crm.declared_purposes",
    "p" * 100_000,
]


def test_crm5_unknown_or_hostile_purposes_are_validation_errors_on_purpose_not_echoed(e):
    before, log = crm(e), e.audit_len()
    rows = [with_id(f"138001{n:05d}", purpose) for n, purpose in enumerate(HOSTILE_PURPOSES)]
    # An unknown purpose is refused even on a row without a refused field.
    rows.append(rec((PHONE, "13900139000"), purpose="no_such_purpose", region="上海"))
    r = e.ingest_customers("li.na", rows)
    assert [(x.row, x.field, x.code) for x in r.errors] == [
        (n, "purpose", "validation") for n in range(len(rows))
    ]
    # One message for all: the declared purposes, never the value given.
    assert {x.message for x in r.errors} == {NOT_A_PURPOSE}
    assert (r.created, r.purposes_declared, r.customer_ids) == (0, 0, [None] * len(rows))
    assert crm(e) == before
    assert e.find_customer("li.na", PHONE, "13900139000") is None
    assert e.audit_len() == log + 1
    details = audit_details(e)
    assert "DROP TABLE" not in details and ID_NUMBER not in details and "p" * 100 not in details


def test_crm5_async_ingest_declares_purposes_as_the_sync_call_does():
    rows = [with_id(f"1380013{n:04d}", CROSS_BORDER) for n in range(50)]
    rows += [with_id("13900139000"), with_id("13900139001", "nope")]
    sync, background = (br.Engine.in_memory(options()) for _ in range(2))
    for engine in (sync, background):
        staff(engine)
    want = sync.ingest_customers("li.na", rows)
    got = asyncio.run(background.ingest_customers_async("li.na", rows))
    assert got == want
    assert (got.created, got.purposes_declared) == (50, 50)
    assert [(x.row, x.field) for x in got.errors] == [(50, "profile.national_id"), (51, "purpose")]
    assert background.customer("data.ops", got.customer_ids[7]).profile == {"national_id": ID_NUMBER}


def test_crm5_a_purpose_of_the_wrong_host_type_refuses_the_whole_call(e):
    one(e, "li.na", rec((EMAIL, "known@example.com")))
    good = with_id("13800138000", CROSS_BORDER)
    for purpose in [42, 3.5, b"cross_border_real_name", [CROSS_BORDER], {"purpose": CROSS_BORDER}, PHONE]:
        bad = br.CustomerRecord(identities=[ident(PHONE, "13900139000")], purpose=purpose)
        wrong_type(e, e.ingest_customers, "li.na", [good, bad])
        with pytest.raises(WRONG_TYPE):
            asyncio.run(e.ingest_customers_async("li.na", [good, bad]))
    assert e.find_customer("li.na", PHONE, "13800138000") is None, "not even the good row"
    assert purposes_of(e, 1) == []
    assert e.customer_count() == 1


# ------------------------------------------------------------------ CRM-6


def test_crm6_reads_are_masked_without_clearance_and_unmasked_reads_audited(e):
    id = one(
        e,
        "li.na",
        rec((PHONE, "13800138000"), (EMAIL, "li.na@example.com"), name="李娜", region="上海", age_band="25-34"),
    )
    log = e.audit_len()
    masked = e.customer("li.na", id)
    assert masked.masked
    assert [i.value for i in masked.identities] == ["l***@example.com", "138****8000"]
    assert masked.name == "李**"
    assert masked.profile == {"region": "***", "age_band": "***"}
    assert e.audit_len() == log, "a masked read is not audited"

    clear = e.customer("data.ops", id)
    assert not clear.masked
    assert [i.value for i in clear.identities] == ["li.na@example.com", "13800138000"]
    assert clear.profile == {"region": "上海", "age_band": "25-34"}
    assert e.audit_len() == log + 1, "an unmasked read is audited"
    reads = e.audit_query("zhao.min", br.AuditQuery(action="crm.read"))
    assert [(r.principal, r.entity_id, r.detail) for r in reads] == [("data.ops", str(id), "unmasked")]
    # A supervisor holds crm.read_sensitive too; sales reads masked.
    assert not e.customer("zhao.min", id).masked
    assert e.customer("qian.yu", id) == masked
    assert "13800138000" not in audit_details(e) and "李娜" not in audit_details(e)


def test_crm6_no_plaintext_personal_data_in_the_database_file(tmp_path):
    path = str(tmp_path / "crm.sqlite")
    e = br.Engine.open(path, options())
    staff(e)
    id = one(
        e,
        "li.na",
        rec(
            (PHONE, "13812345678"),
            (EMAIL, "ouyang.nana@example.com"),
            (UNIONID, "o6_bmasdasdsad6_2sgVt7hMZOPfL"),
            (CARD, "6222020200112233"),
            name="欧阳娜娜",
        ),
    )
    del e
    gc.collect()
    data = file_bytes(tmp_path)
    assert len(data) > 4096
    for needle in [
        "13812345678",
        "ouyang.nana@example.com",
        "ouyang.nana",
        "o6_bmasdasdsad6_2sgVt7hMZOPfL",
        "6222020200112233",
        "欧阳娜娜",
    ]:
        assert needle.encode() not in data, needle

    # Reopened with the key, the values come back.
    e = br.Engine.open(path, options())
    assert e.find_customer("data.ops", PHONE, "13812345678") == id
    assert e.customer("data.ops", id).name == "欧阳娜娜"
    del e
    gc.collect()
    # With another key nothing matches and nothing opens.
    wrong = br.Engine.open(path, options(bytes([9] * 32)))
    assert wrong.find_customer("data.ops", PHONE, "13812345678") is None
    refused("configuration", wrong.customer, "data.ops", id)
    assert wrong.customer_count() == 1
    del wrong
    gc.collect()
    # Without a key: every call that seals or opens a value is refused.
    keyless = br.Engine.open(path, br.EngineOptions(clock_start=START))
    for call, args in [
        (keyless.ingest_customers, ("li.na", [rec((PHONE, "13800138000"))])),
        (keyless.customer, ("data.ops", id)),
        (keyless.find_customer, ("data.ops", PHONE, "13812345678")),
        (keyless.export_customer, ("data.ops", id)),
    ]:
        err = refused_unchanged(keyless, "configuration", call, *args)
        assert isinstance(err, br.BrandrailError.Configuration)
        assert "secret key" in err.detail
    assert keyless.customer_count() == 1


# ------------------------------------------------------------------ CRM-8


def test_crm8_no_send_without_consent_in_force(e):
    id = one(e, "li.na", rec((PHONE, "13800138000")))
    err = refused_unchanged(e, "policy_violation", e.record_send, "li.na", id, "sms", "marketing")
    assert isinstance(err, br.BrandrailError.PolicyViolation)
    assert err.rule == "CRM-8" and "CRM-8" in err.detail

    in_force = e.record_consent("data.ops", id, consent())
    assert in_force == [
        br.Consent(
            channel="sms",
            purpose="marketing",
            granted=True,
            evidence="会员注册页勾选 v3",
            recorded_at=START,
            recorded_by="data.ops",
        )
    ]
    assert e.consents("li.na", id) == in_force
    first = e.record_send("li.na", id, "sms", "marketing")
    assert e.record_send("li.na", id, "sms", "marketing") == first + 1
    # Consent is per channel and per purpose.
    refused_unchanged(e, "policy_violation", e.record_send, "li.na", id, "email", "marketing")
    refused_unchanged(e, "policy_violation", e.record_send, "li.na", id, "sms", "survey")

    # Withdrawn: no more sends; the history is kept, the latest decision rules.
    e.advance_clock(3600)
    now = e.record_consent("data.ops", id, consent(granted=False, evidence="短信回复 TD"))
    assert [(c.granted, c.evidence) for c in now] == [(False, "短信回复 TD")]
    refused_unchanged(e, "policy_violation", e.record_send, "li.na", id, "sms", "marketing")
    e.record_consent("data.ops", id, consent("email", "service"))
    assert [(c.channel, c.purpose, c.granted) for c in e.consents("qian.yu", id)] == [
        ("sms", "marketing", False),
        ("email", "service", True),
    ]
    details = audit_details(e)
    assert "channel=sms purpose=marketing granted=false" in details


@pytest.mark.parametrize(
    "change, field",
    [
        (consent(channel=""), "channel"),
        (consent(channel="SMS!"), "channel"),
        (consent(channel="短信"), "channel"),
        (consent(purpose="x'; DROP TABLE customer;--"), "purpose"),
        (consent(purpose="a\u202eb"), "purpose"),
        (consent(evidence=""), "evidence"),
        (consent(evidence="   "), "evidence"),
        (consent(evidence="a\x00b"), "evidence"),
        (consent(evidence="line\nbreak"), "evidence"),
        (consent(evidence="长" * 501), "evidence"),
    ],
)
def test_crm8_bad_consents_are_validation_errors_naming_the_field(e, change, field):
    id = one(e, "li.na", rec((PHONE, "13800138000")))
    err = refused_unchanged(e, "validation", e.record_consent, "data.ops", id, change)
    assert err.field == field
    # Channels and purposes are identifiers, quoted escaped; evidence never.
    assert "\x00" not in err.detail and "\u202e" not in err.detail
    if field == "evidence" and change.evidence.strip():
        assert change.evidence not in err.detail


def test_crm8_bad_sends_and_refusals(e):
    id = one(e, "li.na", rec((PHONE, "13800138000")))
    e.record_consent("data.ops", id, consent())
    for channel, purpose, field in [
        ("", "marketing", "channel"),
        ("sms\x00", "marketing", "channel"),
        ("sms", "Marketing", "purpose"),
        ("sms", "x'; DROP TABLE customer;--", "purpose"),
    ]:
        err = refused_unchanged(e, "validation", e.record_send, "li.na", id, channel, purpose)
        assert err.field == field
    denied(e, br.DenialReason.MISSING_PERMISSION, e.record_consent, "li.na", id, consent())
    denied(e, br.DenialReason.MISSING_PERMISSION, e.record_send, "qian.yu", id, "sms", "marketing")
    denied(e, br.DenialReason.UNKNOWN_PRINCIPAL, e.consents, "ghost", id)
    denied(e, br.DenialReason.MISSING_PERMISSION, e.consents, "hr.one", id)


# ------------------------------------------------------------------ CRM-7


def test_crm7_export_holds_everything_and_erasure_removes_it_with_the_chain_valid(tmp_path):
    e = br.Engine.open(str(tmp_path / "crm.sqlite"), options())
    staff(e)
    a = one(e, "li.na", rec((PHONE, "13812345678"), name="欧阳娜娜", region="杭州"))
    b = one(e, "qian.yu", rec((EMAIL, "ouyang.nana@example.com")))
    # A third record joins the two: b is merged into a.
    joined = e.ingest_customers(
        "qian.yu",
        [rec((PHONE, "13812345678"), (EMAIL, "ouyang.nana@example.com"), (CARD, "6222 0202 0011 2233"))],
    )
    assert (joined.merged, joined.customer_ids) == (1, [a])
    e.record_consent("data.ops", a, consent())
    e.record_send("li.na", a, "sms", "marketing")

    log = e.audit_len()
    text = e.export_customer("data.ops", b)
    assert isinstance(text, str)
    assert e.audit_len() == log + 1, "an export is audited"
    doc = json.loads(text)
    assert doc["format"] == "brandrail customer export v1"
    assert doc["customer_id"] == a, "an export of a merged id is the survivor's"
    assert doc["merged_ids"] == [b]
    assert doc["name"] == "欧阳娜娜"
    assert doc["profile"] == {"region": "杭州"}
    assert sorted((i["kind"], i["value"]) for i in doc["identities"]) == [
        ("email", "ouyang.nana@example.com"),
        ("phone", "13812345678"),
        ("pos_card", "6222020200112233"),
    ]
    sources = doc["sources"]
    assert len(sources) == 3, "the survivor's two source records and the merged one's"
    assert [(s["customer_id"], s["department"]) for s in sources] == [
        (a, "marketing"),
        (a, "sales"),
        (b, "sales"),
    ]
    assert sources[2]["record"]["identities"] == [["email", "ouyang.nana@example.com"]]
    assert doc["consents_in_force"][0]["granted"] is True
    assert len(doc["consent_history"]) == 1
    assert [(s["channel"], s["purpose"], s["sent_by"]) for s in doc["sends"]] == [
        ("sms", "marketing", "li.na")
    ]
    assert doc["exported_at"].startswith("2026-11-02T02:00:00")
    denied(e, br.DenialReason.MISSING_PERMISSION, e.export_customer, "li.na", a)

    er = e.erase_customer("data.ops", a, "用户申请注销 #2026-118")
    assert isinstance(er, br.Erasure)
    assert er.customer_ids == [a, b]
    assert er.rows_removed >= 7, er
    for id in (a, b):
        err = refused("not_found", e.customer, "data.ops", id)
        assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "customer"
        refused("not_found", e.consents, "data.ops", id)
        refused("not_found", e.export_customer, "data.ops", id)
        refused("not_found", e.record_consent, "data.ops", id, consent())
        refused("not_found", e.record_send, "li.na", id, "sms", "marketing")
    assert e.find_customer("data.ops", PHONE, "13812345678") is None
    refused_unchanged(e, "not_found", e.erase_customer, "data.ops", a, "again")
    assert e.customer_count() == 0
    assert e.verify_audit().ok, "the chain still verifies"
    erasures = e.audit_query("zhao.min", br.AuditQuery(action="crm.erase"))
    assert [(r.entity_id, r.detail) for r in erasures] == [(str(a), "customers=2 rows=" + str(er.rows_removed))]

    # The same person may come back as a new customer.
    again = e.ingest_customers("li.na", [rec((PHONE, "13812345678"))])
    assert again.created == 1 and again.customer_ids[0] not in (a, b)
    denied(e, br.DenialReason.MISSING_PERMISSION, e.erase_customer, "li.na", again.customer_ids[0], "x")
    for reason in ["", "   ", "a\x00b", "\u202ereason", "长" * 201]:
        err = refused_unchanged(e, "validation", e.erase_customer, "data.ops", again.customer_ids[0], reason)
        assert err.field == "reason"
    # Nothing of the erased values is left in the files while the engine is
    # open (the write-ahead log was emptied after the erasure) …
    data = file_bytes(tmp_path)
    for needle in ["欧阳娜娜", "ouyang.nana", "杭州", "6222020200112233"]:
        assert needle.encode() not in data, needle
    # … nor once it is closed.
    del e, err
    gc.collect()
    data = file_bytes(tmp_path)
    for needle in ["欧阳娜娜", "ouyang.nana", "杭州", "6222020200112233"]:
        assert needle.encode() not in data, needle


# ------------------------------------------------ permissions and unknown ids


def test_crm_permissions_are_checked_and_refusals_audited(e):
    id = one(e, "li.na", rec((PHONE, "13800138000")))
    err = denied(e, br.DenialReason.MISSING_PERMISSION, e.ingest_customers, "hr.one", [rec((PHONE, "13900139000"))])
    assert (err.principal, err.permission) == ("hr.one", "crm.ingest")
    denied(e, br.DenialReason.UNKNOWN_PRINCIPAL, e.ingest_customers, "ghost", [])
    denied(e, br.DenialReason.MISSING_PERMISSION, e.customer, "hr.one", id)
    denied(e, br.DenialReason.MISSING_PERMISSION, e.find_customer, "hr.one", PHONE, "13800138000")
    err = denied(e, br.DenialReason.MISSING_PERMISSION, e.export_customer, "qian.yu", id)
    assert err.permission == "crm.export"
    denied(e, br.DenialReason.MISSING_PERMISSION, e.erase_customer, "zhao.min", id, "请求")
    e.deactivate_principal("it.admin", "qian.yu")
    denied(e, br.DenialReason.DEACTIVATED, e.ingest_customers, "qian.yu", [rec((PHONE, "13900139000"))])
    assert e.customer_count() == 1


def test_unknown_ids_are_not_found_and_bad_lookups_validation(e):
    one(e, "li.na", rec((PHONE, "13800138000")))
    for id in [0, -1, 42, 2**63 - 1, -(2**63)]:
        err = refused_unchanged(e, "not_found", e.customer, "li.na", id)
        assert err.entity == "customer"
        refused_unchanged(e, "not_found", e.consents, "li.na", id)
        refused_unchanged(e, "not_found", e.record_consent, "data.ops", id, consent())
        refused_unchanged(e, "not_found", e.record_send, "li.na", id, "sms", "marketing")
        refused_unchanged(e, "not_found", e.export_customer, "data.ops", id)
        refused_unchanged(e, "not_found", e.erase_customer, "data.ops", id, "请求")
    for kind, value in [(PHONE, "not a phone"), (EMAIL, ""), (MEMBER, "x'; DROP TABLE customer;--")]:
        err = refused_unchanged(e, "validation", e.find_customer, "li.na", kind, value)
        assert err.field == "value" and "DROP" not in err.detail
    assert e.find_customer("li.na", EMAIL, "nobody@example.com") is None


def test_an_engine_without_a_key_refuses_ingest_with_configuration():
    keyless = br.Engine.in_memory(br.EngineOptions(clock_start=START))
    staff(keyless)
    log = keyless.audit_len()
    for call, args in [
        (keyless.ingest_customers, ("li.na", [rec((PHONE, "13800138000"))])),
        (keyless.ingest_customers, ("li.na", [])),
        (keyless.customer, ("li.na", 1)),
        (keyless.find_customer, ("li.na", PHONE, "13800138000")),
        (keyless.export_customer, ("data.ops", 1)),
    ]:
        err = refused("configuration", call, *args)
        assert "secret key" in err.detail
    assert keyless.audit_len() == log
    assert keyless.customer_count() == 0
    # Consents and erasure seal nothing: they reach the customer lookup.
    refused("not_found", keyless.consents, "li.na", 1)
    refused("not_found", keyless.erase_customer, "data.ops", 1, "请求")


# ------------------------------------------------------------- wrong types


def test_wrong_host_types_refuse_the_whole_call_before_the_engine(e):
    id = one(e, "li.na", rec((PHONE, "13800138000")))
    good = rec((PHONE, "13900139000"))
    for records in [
        [{"identities": [{"kind": "phone", "value": "13900139000"}]}],
        [good, {"identities": []}],
        [good, None],
        [br.CustomerRecord(identities=[("phone", "13900139000")])],
        [br.CustomerRecord(identities=[ident("phone", "13900139000")])],
        [br.CustomerRecord(identities=[ident(PHONE, 13900139000)])],
        [br.CustomerRecord(identities=ident(PHONE, "13900139000"))],
        [br.CustomerRecord(identities=[ident(PHONE, "13900139000")], name=42)],
        [br.CustomerRecord(identities=[ident(PHONE, "13900139000")], profile={"region": 1})],
        [br.CustomerRecord(identities=[ident(PHONE, "13900139000")], profile=[("region", "上海")])],
        [br.CustomerRecord(identities=[ident(PHONE, "13900139000")], purpose=42)],
        good,
        None,
    ]:
        wrong_type(e, e.ingest_customers, "li.na", records)
    assert e.find_customer("li.na", PHONE, "13900139000") is None, "not even the good row"
    with pytest.raises(WRONG_TYPE):
        asyncio.run(e.ingest_customers_async("li.na", [good, {"identities": []}]))
    wrong_type(e, e.ingest_customers, None, [good])
    wrong_type(e, e.customer, "li.na", str(id))
    wrong_type(e, e.customer, "li.na", 2**63)
    wrong_type(e, e.find_customer, "li.na", "phone", "13800138000")
    wrong_type(e, e.record_consent, "data.ops", id, {"channel": "sms"})
    wrong_type(e, e.record_consent, "data.ops", id, consent(evidence=None))
    wrong_type(e, e.record_send, "li.na", id, "sms", None)
    wrong_type(e, e.erase_customer, "data.ops", id, 7)
    assert e.customer_count() == 1


# ------------------------------------------------------------------- enums


def test_identity_kinds_keep_the_cores_names():
    names = ["phone", "email", "wechat_openid", "wechat_unionid", "member_id", "pos_card"]
    assert [k.as_str() for k in br.IdentityKind] == names
    for name in names:
        assert br.parse_identity_kind(name).as_str() == name
    for bad in ["national_id", "Phone", "", "phone\x00", "phone'; DROP TABLE customer;--"]:
        err = refused("validation", br.parse_identity_kind, bad)
        assert "phone, email, wechat_openid" in err.detail


# ------------------------------------------------------------------ CRM-3
#
# After `crm3_interactions_purchases_and_funnels` in core/tests/crm.rs.
# Amounts cross as decimal strings, as every amount in this binding does.

IK = br.InteractionKind
STEPS = ["home", "product", "reviews"]


def event(customer_id, kind, page=None, amount=None, minutes=0, **kw) -> br.NewInteraction:
    """An interaction a day before the engine's clock, `minutes` into it."""
    row = dict(
        customer_id=customer_id,
        kind=kind,
        at=START - dt.timedelta(days=1) + dt.timedelta(minutes=minutes),
        page=page,
        amount=amount,
        channel="wechat_mini_program",
    )
    row.update(kw)
    return br.NewInteraction(**row)


def three(e):
    r = e.ingest_customers(
        "li.na", [rec((PHONE, "13800138001")), rec((PHONE, "13800138002")), rec((PHONE, "13800138003"))]
    )
    return r.customer_ids


def journeys(a, b, c):
    """a: the whole path, then two purchases; b: home and reviews without the
    product page between; c: product before home (only home counts)."""
    return [
        event(a, IK.PATH_STEP, "home", minutes=0),
        event(a, IK.PATH_STEP, "product", minutes=1),
        event(a, IK.PATH_STEP, "reviews", minutes=2),
        event(a, IK.PURCHASE, amount="299.00", minutes=3),
        event(a, IK.PURCHASE, amount="101", minutes=60),
        event(b, IK.PATH_STEP, "home", minutes=0),
        event(b, IK.PATH_STEP, "reviews", minutes=1),
        event(c, IK.PATH_STEP, "product", minutes=0),
        event(c, IK.PATH_STEP, "home", minutes=1),
        event(c, IK.VIEW, "article/秋冬", minutes=2),
    ]


def window(e, days=2):
    return (START - dt.timedelta(days=days), START)


def histories(e, ids):
    """Every customer's history as data.ops reads it, or the error code."""
    out = []
    for i in ids:
        try:
            out.append(e.customer_interactions("data.ops", i))
        except br.BrandrailError as err:
            out.append(err.code())
    return out


def test_crm3_interactions_purchases_and_funnels(e):
    a, b, c = three(e)
    bad = [
        event(404, IK.VIEW, "home"),
        event(a, IK.PURCHASE),
        event(a, IK.PURCHASE, amount="-5"),
        event(a, IK.PURCHASE, amount="1e3"),
        event(a, IK.VIEW),
        event(a, IK.CLICK, "home", amount="3"),
        event(a, IK.VIEW, "home", channel="We Chat!"),
        event(a, IK.VIEW, "home", at=START + dt.timedelta(days=3)),
        event(a, IK.VIEW, "x\u202ey"),
    ]
    log = e.audit_len()
    r = e.record_interactions("li.na", journeys(a, b, c) + bad)
    assert isinstance(r, br.InteractionReport)
    assert (r.rows, r.recorded) == (19, 10)
    assert [(x.row, x.field, x.code) for x in r.errors] == [
        (10, "customer_id", "not_found"),
        (11, "amount", "validation"),
        (12, "amount", "validation"),
        (13, "amount", "validation"),
        (14, "page", "validation"),
        (15, "amount", "validation"),
        (16, "channel", "validation"),
        (17, "at", "validation"),
        (18, "page", "validation"),
    ]
    for x in r.errors:
        assert "1e3" not in x.message and "-5" not in x.message and "\u202e" not in x.message, x
    assert e.audit_len() == log + 1
    entry = e.audit_query("zhao.min", br.AuditQuery(action="crm.interactions"))
    assert [(x.principal, x.detail) for x in entry] == [("li.na", "rows=19 recorded=10 refused=9")]

    # Funnels: in aggregate and per customer.
    f = e.funnel("li.na", STEPS, *window(e))
    assert isinstance(f, br.Funnel)
    assert f == br.Funnel(
        steps=[
            br.FunnelStep(page="home", customers=3),
            br.FunnelStep(page="product", customers=1),
            br.FunnelStep(page="reviews", customers=1),
        ]
    )
    assert [e.customer_funnel("li.na", i, STEPS) for i in (a, b, c)] == [3, 1, 1]
    assert e.customer_funnel("li.na", a, ["home", "reviews"]) == 2
    # The window is [from, to): before the path, nobody.
    early = e.funnel("li.na", STEPS, START - dt.timedelta(days=5), START - dt.timedelta(days=2))
    assert [s.customers for s in early.steps] == [0, 0, 0]

    # Purchases: frequency and average order value, exact, for clearance only.
    p = e.purchase_summary("data.ops", a)
    assert isinstance(p, br.PurchaseSummary)
    assert (p.count, p.total, p.average_order_value) == (2, "400.00", "200.00")
    assert p.first_at == START - dt.timedelta(days=1, minutes=-3)
    assert p.last_at == START - dt.timedelta(days=1, minutes=-60)
    none = e.purchase_summary("data.ops", b)
    assert (none.count, none.total, none.average_order_value, none.first_at, none.last_at) == (
        0,
        "0",
        "0",
        None,
        None,
    )
    err = denied(e, br.DenialReason.MISSING_PERMISSION, e.purchase_summary, "li.na", a)
    assert err.permission == "crm.read_sensitive"

    # History: masked pages and no amounts without clearance.
    masked = e.customer_interactions("li.na", a)
    assert len(masked) == 5
    assert all(i.amount is None for i in masked)
    assert [i.page for i in masked] == ["***", "***", "***", None, None]
    clear = e.customer_interactions("data.ops", a)
    assert clear[0] == br.Interaction(
        kind=IK.PATH_STEP,
        at=START - dt.timedelta(days=1),
        page="home",
        amount=None,
        channel="wechat_mini_program",
    )
    assert [(i.kind, i.page, i.amount) for i in clear[3:]] == [
        (IK.PURCHASE, None, "299.00"),
        (IK.PURCHASE, None, "101"),
    ]
    assert [i.at for i in clear] == sorted(i.at for i in clear)

    # A merge carries the merged customer's history; the export holds it.
    e.ingest_customers("qian.yu", [rec((PHONE, "13800138001"), (PHONE, "13800138003"))])
    merged = e.customer_interactions("data.ops", a)
    assert len(merged) == 8
    assert e.customer_interactions("data.ops", c) == merged, "a merged id reads as its survivor"
    assert e.customer_funnel("li.na", c, STEPS) == 3
    doc = json.loads(e.export_customer("data.ops", a))
    assert len(doc["interactions"]) == 8
    assert sorted(x["amount"] for x in doc["interactions"] if x["amount"]) == ["101", "299.00"]
    assert [s.customers for s in e.funnel("li.na", STEPS, *window(e)).steps] == [2, 1, 1]

    # Erasure removes it: not found, and out of the funnels.
    e.erase_customer("data.ops", a, "申请注销")
    for call in (e.customer_interactions, e.purchase_summary):
        err = refused("not_found", call, "data.ops", a)
        assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "customer"
    refused("not_found", e.customer_funnel, "li.na", a, STEPS)
    f = e.funnel("li.na", STEPS, *window(e))
    assert [s.customers for s in f.steps] == [1, 0, 0], "only b is left"
    late = e.record_interactions("li.na", [event(a, IK.VIEW, "home"), event(b, IK.CLICK, "ad/双11")])
    assert (late.recorded, [(x.row, x.field, x.code) for x in late.errors]) == (1, [(0, "customer_id", "not_found")])
    assert e.verify_audit().ok


def test_crm3_every_kind_records_and_defaults(e):
    (a, *_) = three(e)
    row = br.NewInteraction(customer_id=a, kind=IK.SERVICE_TICKET, at=START)
    assert (row.page, row.amount, row.channel) == (None, None, None)
    r = e.record_interactions(
        "qian.yu",
        [
            row,
            br.NewInteraction(customer_id=a, kind=IK.COMMUNITY_JOIN, at=START, channel="wecom"),
            event(a, IK.CLICK, "ad/双11"),
            event(a, IK.PURCHASE, amount="0.10", channel="pos"),
            event(a, IK.PURCHASE, amount="0.2"),
            event(a, IK.PURCHASE, amount="0"),
            event(a, IK.PURCHASE, amount="1,280.50"),
            event(a, IK.PURCHASE, amount="¥12"),
            event(a, IK.PURCHASE, amount=" 12"),
            event(a, IK.SERVICE_TICKET, amount="12"),
            event(a, IK.PATH_STEP, ""),
            event(a, IK.VIEW, "home\x00"),
            event(a, IK.VIEW, "长" * 201),
            event(a, IK.VIEW, "home", channel=""),
            event(a, IK.VIEW, "home", channel="x'; DROP TABLE customer;--"),
            event(a, IK.VIEW, "home", at=START + dt.timedelta(hours=23)),
        ],
    )
    assert (r.rows, r.recorded) == (16, 6)
    assert [(x.row, x.field) for x in r.errors] == [
        (5, "amount"),
        (6, "amount"),
        (7, "amount"),
        (8, "amount"),
        (9, "amount"),
        (10, "page"),
        (11, "page"),
        (12, "page"),
        (13, "channel"),
        (14, "channel"),
    ]
    assert all(x.code == "validation" for x in r.errors)
    got = e.customer_interactions("data.ops", a)
    assert sorted(i.kind.as_str() for i in got) == [
        "click",
        "community_join",
        "purchase",
        "purchase",
        "service_ticket",
        "view",
    ]
    assert sorted(i.amount for i in got if i.amount) == ["0.10", "0.2"]
    p = e.purchase_summary("zhao.min", a)
    assert (p.count, p.total, p.average_order_value) == (2, "0.30", "0.15")

    # An empty batch is a report of nothing (and still audited).
    empty = e.record_interactions("li.na", [])
    assert (empty.rows, empty.recorded, empty.errors) == (0, 0, [])


def test_crm3_async_records_as_the_sync_call_does():
    sync, background = (br.Engine.in_memory(options()) for _ in range(2))
    for engine in (sync, background):
        staff(engine)
        three(engine)
    rows = journeys(1, 2, 3) * 40 + [event(9, IK.VIEW, "home"), event(1, IK.PURCHASE, amount="1e3")]
    want = sync.record_interactions("li.na", rows)
    got = asyncio.run(background.record_interactions_async("li.na", rows))
    assert got == want
    assert (got.rows, got.recorded) == (402, 400)
    assert [(x.row, x.field) for x in got.errors] == [(400, "customer_id"), (401, "amount")]
    assert histories(background, (1, 2, 3)) == histories(sync, (1, 2, 3))
    assert background.purchase_summary("data.ops", 1).total == "16000.00"
    with pytest.raises(br.BrandrailError.PermissionDenied):
        asyncio.run(background.record_interactions_async("hr.one", rows))
    with pytest.raises(WRONG_TYPE):
        asyncio.run(background.record_interactions_async("li.na", [rows[0], {"customer_id": 1}]))
    assert histories(background, (1, 2, 3)) == histories(sync, (1, 2, 3))


def test_crm3_bad_funnels_permissions_and_unknown_customers(e):
    a, b, c = three(e)
    e.record_interactions("li.na", journeys(a, b, c))
    before = histories(e, (a, b, c))
    for steps in [[], ["s"] * 21, ["home", ""], ["home", "pro\x00duct"], ["\u202ehome"], ["长" * 201]]:
        err = refused_unchanged(e, "validation", e.funnel, "li.na", steps, *window(e))
        assert err.field == "steps", steps
        err = refused_unchanged(e, "validation", e.customer_funnel, "li.na", a, steps)
        assert err.field == "steps"
    assert e.funnel("li.na", ["s"] * 20, *window(e)).steps[0].customers == 0
    for frm, to in [(START, START - dt.timedelta(days=1)), (START, START)]:
        err = refused_unchanged(e, "validation", e.funnel, "li.na", STEPS, frm, to)
        assert err.field == "to"

    err = denied(e, br.DenialReason.MISSING_PERMISSION, e.record_interactions, "hr.one", [])
    assert (err.principal, err.permission) == ("hr.one", "crm.ingest")
    denied(e, br.DenialReason.MISSING_PERMISSION, e.record_interactions, "zhao.min", journeys(a, b, c))
    denied(e, br.DenialReason.UNKNOWN_PRINCIPAL, e.record_interactions, "ghost", journeys(a, b, c))
    denied(e, br.DenialReason.MISSING_PERMISSION, e.funnel, "hr.one", STEPS, *window(e))
    denied(e, br.DenialReason.MISSING_PERMISSION, e.customer_funnel, "hr.one", a, STEPS)
    denied(e, br.DenialReason.MISSING_PERMISSION, e.customer_interactions, "hr.one", a)
    denied(e, br.DenialReason.MISSING_PERMISSION, e.purchase_summary, "qian.yu", a)
    e.deactivate_principal("it.admin", "qian.yu")
    denied(e, br.DenialReason.DEACTIVATED, e.record_interactions, "qian.yu", journeys(a, b, c))
    for id in [0, -1, 404, 2**63 - 1, -(2**63)]:
        refused_unchanged(e, "not_found", e.customer_interactions, "li.na", id)
        refused_unchanged(e, "not_found", e.purchase_summary, "data.ops", id)
        refused_unchanged(e, "not_found", e.customer_funnel, "li.na", id, STEPS)
    assert histories(e, (a, b, c)) == before, "no refusal recorded anything"

    # Purchase amounts are sealed at rest (CRM-6): an engine without a key
    # records and reads no interaction, and audits nothing for the refusal;
    # funnels read no amount and still answer.
    keyless = br.Engine.in_memory(br.EngineOptions(clock_start=START))
    staff(keyless)
    for call, args in [
        (keyless.record_interactions, ("li.na", [event(1, IK.VIEW, "home")])),
        (keyless.customer_interactions, ("li.na", 1)),
        (keyless.purchase_summary, ("data.ops", 1)),
    ]:
        log = keyless.audit_len()
        err = refused("configuration", call, *args)
        assert isinstance(err, br.BrandrailError.Configuration) and "secret key" in err.detail
        assert keyless.audit_len() == log
    with pytest.raises(br.BrandrailError.Configuration):
        asyncio.run(keyless.record_interactions_async("li.na", [event(1, IK.VIEW, "home")]))
    assert [s.customers for s in keyless.funnel("li.na", STEPS, *window(keyless)).steps] == [0, 0, 0]
    refused("not_found", keyless.customer_funnel, "li.na", 1, STEPS)


def test_crm3_wrong_host_types_refuse_the_whole_call(e):
    a, b, c = three(e)
    good = event(a, IK.VIEW, "home")
    naive = dt.datetime(2026, 11, 1, 8, 0)
    for rows in [
        [good, {"customer_id": a, "kind": IK.VIEW, "at": START, "page": "home"}],
        [good, None],
        [good, event(a, "view", "home")],
        [good, event(str(a), IK.VIEW, "home")],
        [good, event(2**63, IK.VIEW, "home")],
        [good, event(a, IK.PURCHASE, amount=299.0)],
        [good, event(a, IK.PURCHASE, amount=decimal.Decimal("299.00"))],
        [good, event(a, IK.VIEW, 7)],
        [good, event(a, IK.VIEW, "home", channel=b"pos")],
        [good, event(a, IK.VIEW, "home", at="2026-11-01T08:00:00Z")],
        [good, event(a, IK.VIEW, "home", at=naive)],
        good,
        None,
    ]:
        before, log = histories(e, (a, b, c)), e.audit_len()
        with pytest.raises(WRONG_TYPE):
            e.record_interactions("li.na", rows)
        assert histories(e, (a, b, c)) == before and e.audit_len() == log, rows
    assert e.customer_interactions("data.ops", a) == [], "not even the good row"
    wrong_type(e, e.record_interactions, None, [good])
    wrong_type(e, e.customer_interactions, "li.na", str(a))
    wrong_type(e, e.purchase_summary, "data.ops", 2**63)
    wrong_type(e, e.customer_funnel, "li.na", a, None)
    wrong_type(e, e.customer_funnel, "li.na", a, [1, 2])
    wrong_type(e, e.funnel, "li.na", STEPS, "2026-10-01", START)
    wrong_type(e, e.funnel, "li.na", STEPS, START - dt.timedelta(days=1), None)


def test_interaction_kinds_keep_the_cores_names():
    names = ["view", "click", "path_step", "purchase", "service_ticket", "community_join"]
    assert [k.as_str() for k in br.InteractionKind] == names
    for name in names:
        assert br.parse_interaction_kind(name).as_str() == name
    for bad in ["like", "View", "", "view\x00", "purchase'; DROP TABLE customer;--"]:
        err = refused("validation", br.parse_interaction_kind, bad)
        assert "view, click, path_step" in err.detail
