"""CRM-2 fuzzy duplicates and manual merges, the core profile fields (address,
birth date), CRM-9 customer service and CRM-10 public-opinion watch through
the uniffi FFI, following core/tests/vectors (duplicates.json, service.json).

- Fuzzy candidates come with a score and per-field reasons (traditional
  characters, a typo, an abbreviated address, another date format); a
  steward merges one pair by hand, undoes it and marks it distinct.
- `address` and `birth_date` in a profile are sealed, cleaned (a birth date
  to `YYYY-MM-DD`), masked without clearance and never a segment criterion;
  a bad birth date is a row error.
- Tickets on a manual clock: an auto-answer found through traditional
  characters and spaces, complaints routed by what they mention, first
  responses in time and late, overdue tickets, the rating rules and the
  report's figures.
- Mentions: normal, sensitive and major alerts for the brand (set through a
  policy overlay, with a wrong spelling), escalation to the supervisors, a
  crisis with its template, departments and 2-hour deadline, a statement
  refused for a banned term, an overdue crisis, bad rows.

Bad calls — wrong host types, empty and hostile strings, unknown ids, missing
permission, an engine without its key — throw their typed error case (or
uniffi's type error before the engine sees them) and change nothing:
principals, policy, customers, tickets, alerts and crises read the same, and
the audit log grows by the refusal record for `permission_denied` only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import math
import struct

import pytest

from uniffi_support import HOSTILE_NAMES, SECRET_KEY, at, br, person, refused, state

START = at("2026-06-01T08:00:00Z")
D = br.Department
K = br.IdentityKind
Q, C, R = br.TicketCategory.QUESTION, br.TicketCategory.COMPLAINT, br.TicketCategory.REQUEST
OPEN, ANSWERED, RESOLVED = br.TicketState.OPEN, br.TicketState.ANSWERED, br.TicketState.RESOLVED
NORMAL, SENSITIVE, MAJOR = (
    br.AlertSeverity.NORMAL,
    br.AlertSeverity.SENSITIVE,
    br.AlertSeverity.MAJOR,
)
MINUTE, HOUR, DAY = dt.timedelta(minutes=1), dt.timedelta(hours=1), dt.timedelta(days=1)
BRANDS = '[content]\nbrand_names = [{ canonical = "澜朵", wrong = ["兰朵"] }]\n'
BANNED = "我们的产品是全网最安全的"

# What uniffi's Python raises for a value of the wrong type or out of range,
# before anything reaches Rust (Swift and Kotlin refuse them at compile time).
WRONG_TYPE = (TypeError, ValueError, AttributeError, struct.error)


def staff(e) -> None:
    """it.admin (IT), kf.one and kf.two (customer service: service.handle,
    opinion.handle), pr.one (PR: opinion.handle), li.na (marketing: ingests
    and reads customers, no merge, no tickets), hr.one (HR: no CRM), zhao.min
    (executive + supervisor: policy), boss (marketing + supervisor: sees
    escalations), data.ops (IT, data_steward: crm.merge, unmasked reads)."""
    e.bootstrap(person("it.admin", D.IT, "IT"))
    e.create_principals(
        "it.admin",
        [
            person("kf.one", D.CUSTOMER_SERVICE, "客服"),
            person("kf.two", D.CUSTOMER_SERVICE, "客服二"),
            person("pr.one", D.PR, "公关"),
            person("li.na", D.MARKETING, "李娜"),
            person("hr.one", D.HR),
            person("zhao.min", D.EXECUTIVE, "赵敏", ["executive", "supervisor"]),
            person("boss", D.MARKETING, "主管", ["supervisor"]),
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


@pytest.fixture
def branded(e):
    """`e` with the brand 澜朵 (wrongly 兰朵) in the policy, as the vector sets it."""
    e.replace_policy("zhao.min", e.policy().overlay_toml(BRANDS))
    return e


# ------------------------------------------------------------------ helpers


def rec(phone: str, name=None, **profile) -> br.CustomerRecord:
    return br.CustomerRecord(
        identities=[br.Identity(kind=K.PHONE, value=phone)], name=name, profile=dict(profile)
    )


def ticket(channel="wechat", category=Q, subject="咨询", body="你好", customer_id=None):
    return br.NewTicket(
        customer_id=customer_id, channel=channel, category=category, subject=subject, body=body
    )


def mention(text, platform="weibo", author="路人", at=None, url=None, reach=None, e=None):
    return br.NewMention(
        platform=platform,
        author=author,
        text=text,
        at=at if at is not None else (e.now() - HOUR if e is not None else START - HOUR),
        url=url,
        reach=reach,
    )


def read(call, *args):
    """The call's result, or its error code."""
    try:
        return call(*args)
    except br.BrandrailError as err:
        return err.code()


def tickets(e):
    """Every ticket, as kf.one reads it (reads are not audited). Ids run from
    1 without gaps (a refused ticket takes none)."""
    out = []
    while True:
        try:
            out.append(e.ticket("kf.one", len(out) + 1))
        except br.BrandrailError.NotFound:
            return out


def world(e):
    """Everything a refused call must leave as it was (the audit log aside):
    principals and policy, customers 1..8 as li.na reads them (masked reads
    are not audited), tickets, alerts and crises."""
    return (
        state(e),
        e.customer_count(),
        [read(e.customer, "li.na", i) for i in range(1, 9)],
        read(tickets, e),
        read(e.opinion_alerts, "pr.one", False),
        read(e.crises, "pr.one", False),
    )


def refused_unchanged(e, code: str, call, *args):
    """`call` raises the error for `code` and changes nothing; the audit log
    grows by the refusal record for `permission_denied` only."""
    before, log = world(e), e.audit_len()
    err = refused(code, call, *args)
    assert world(e) == before, code
    grew = e.audit_len() - log
    assert grew == (1 if code == "permission_denied" else 0), (code, grew)
    return err


def invalid(e, field: str, call, *args):
    """A `Validation` error naming `field` that changed nothing and never
    echoes a control or bidi character."""
    err = refused_unchanged(e, "validation", call, *args)
    assert isinstance(err, br.BrandrailError.Validation)
    assert err.field == field, (field, err)
    assert "\x00" not in err.detail and "\u202e" not in err.detail, err.detail
    return err


def denied(e, permission: str, call, *args, reason=br.DenialReason.MISSING_PERMISSION):
    err = refused_unchanged(e, "permission_denied", call, *args)
    assert isinstance(err, br.BrandrailError.PermissionDenied)
    assert (err.permission, err.reason) == (permission, reason), err
    return err


def wrong_type(e, call, *args):
    """uniffi refuses the call before the engine sees it; nothing changes,
    not even the audit log."""
    before, log = world(e), e.audit_len()
    with pytest.raises(WRONG_TYPE):
        call(*args)
    assert world(e) == before and e.audit_len() == log, args


def audit(e, action: str):
    return e.audit_query("zhao.min", br.AuditQuery(action=action))


def audit_text(e) -> str:
    return "\n".join(
        f"{r.action} {r.entity_id} {r.detail}" for r in e.audit_query("zhao.min", br.AuditQuery())
    )


# ------------------------------------------------------------ CRM-2 fuzzy


def people(e) -> list[int]:
    """Five customers sharing no identity, as in duplicates.json: 1 and 2 are
    one person (traditional characters, an abbreviated address with
    full-width digits and '#', another date format), 3 a namesake in 北京, 4
    and 5 one person with a typo in the name."""
    r = e.ingest_customers(
        "li.na",
        [
            rec("13900000001", "陈小明", address="上海市浦东新区张江路100号", birth_date="1990-03-07", region="上海"),
            rec("13900000002", "陳小明", address="上海浦东新区张江路１００#", birth_date="1990年3月7日"),
            rec("13900000003", "陈小明", address="北京市海淀区中关村大街1号", birth_date="1990-03-07"),
            rec("13900000004", "王芳", address="广州市天河区天河路385号", birth_date="1985-11-02"),
            rec("13900000005", "王方", address="广州天河区天河路385号", birth_date="1985-11-02"),
        ],
    )
    assert r.errors == [], r.errors
    return r.customer_ids


def pairs(report) -> list[tuple[int, int]]:
    return [(c.customer_id, c.other_id) for c in report.candidates]


def test_crm2_fuzzy_candidates_come_with_scores_and_reasons(e):
    a, b, c, d, f = people(e)
    log = e.audit_len()
    r = e.duplicate_candidates("data.ops", None, 10)
    assert isinstance(r, br.CandidateReport)
    assert e.audit_len() == log + 1, "one crm.fuzzy record"
    assert (r.customers, r.threshold, r.blocks_skipped) == (5, 0.85, 0)
    assert r.pairs_compared >= 3, "1-2, 1-3, 2-3 share a block at least; 4-5 too"
    assert pairs(r) == [(a, b), (d, f)], "the namesake in 北京 is not proposed"
    for cand in r.candidates:
        assert isinstance(cand, br.DuplicateCandidate)
        assert [x.field for x in cand.reasons] == ["name", "address", "birth_date"]
        assert all(isinstance(x, br.MatchReason) and 0.0 <= x.similarity <= 1.0 for x in cand.reasons)
        assert 0.85 <= cand.score <= 1.0
    best, typo = r.candidates
    assert best.score == pytest.approx(1.0), "陳小明 is 陈小明; the addresses normalize alike"
    assert [x.similarity for x in best.reasons] == pytest.approx([1.0, 1.0, 1.0])
    name, address, birth = typo.reasons
    assert name.similarity == pytest.approx(0.7), "王芳 / 王方: Jaro-Winkler of one character in two"
    assert (address.similarity, birth.similarity) == pytest.approx((1.0, 1.0))
    assert typo.score == pytest.approx(0.4 * 0.7 + 0.35 + 0.25)
    assert best.score > typo.score, "best first"

    # Audited with counts only, never a name or an address.
    (entry,) = audit(e, "crm.fuzzy")
    assert (entry.principal, entry.entity_id) == ("data.ops", "*")
    assert "candidates=2" in entry.detail and "customers=5" in entry.detail
    assert "小明" not in audit_text(e) and "张江路" not in audit_text(e)

    # A threshold of the caller's; a limit keeps the best.
    assert pairs(e.duplicate_candidates("data.ops", 0.95, 10)) == [(a, b)]
    assert e.duplicate_candidates("data.ops", 0.95, 10).threshold == 0.95
    assert pairs(e.duplicate_candidates("data.ops", None, 1)) == [(a, b)]
    everyone = e.duplicate_candidates("data.ops", 0.0, br.max_duplicate_candidates())
    assert (a, c) in pairs(everyone) and (b, c) in pairs(everyone)
    assert len(everyone.candidates) == everyone.pairs_compared, "every pair compared clears 0"
    assert [x.score for x in everyone.candidates] == sorted(
        (x.score for x in everyone.candidates), reverse=True
    )
    assert (br.max_duplicate_candidates(), br.max_duplicate_block()) == (10_000, 500)


def test_crm2_a_steward_merges_by_hand_undoes_and_marks_distinct(e):
    a, b, c, d, f = people(e)
    log = e.audit_len()
    assert e.merge_customers("data.ops", a, b) == 1, "one identity moved"
    assert e.audit_len() == log + 1
    assert e.customer_count() == 4
    merged = e.customer("li.na", b)
    assert (merged.id, merged.merged_ids) == (a, [b]), "b reads as its survivor"
    assert e.find_customer("li.na", K.PHONE, "13900000002") == a
    (entry,) = [x for x in audit(e, "crm.merge") if x.outcome == br.Outcome.APPLIED]
    assert (entry.entity_id, entry.detail) == (str(b), f"into={a} identities_moved=1 reason=manual")
    assert pairs(e.duplicate_candidates("data.ops", None, 10)) == [(d, f)], "b is merged away"

    # The merged id may not be merged again, nor may anyone merge into it.
    for survivor, gone in [(a, b), (b, c), (c, b)]:
        err = refused_unchanged(e, "not_found", e.merge_customers, "data.ops", survivor, gone)
        assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "customer"

    u = e.undo_merge("data.ops", b)
    assert u == br.MergeUndone(customer_id=b, survivor_id=a, identities_restored=1)
    assert e.customer_count() == 5
    assert pairs(e.duplicate_candidates("data.ops", None, 10)) == [(a, b), (d, f)]

    # Marked distinct, in either order: no longer proposed.
    log = e.audit_len()
    assert e.mark_distinct("data.ops", b, a) is None
    assert e.audit_len() == log + 1
    assert [x.entity_id for x in audit(e, "crm.distinct")] == [f"{a}:{b}"]
    assert pairs(e.duplicate_candidates("data.ops", None, 10)) == [(d, f)]
    assert pairs(e.duplicate_candidates("data.ops", 0.0, 100)).count((a, b)) == 0
    # A merge by hand is still possible: the steward decides.
    assert e.merge_customers("data.ops", d, f) == 1
    assert pairs(e.duplicate_candidates("data.ops", None, 10)) == []
    assert e.verify_audit().ok


def test_crm2_bad_merges_and_marks_are_typed_and_change_nothing(e):
    a, b, *_ = people(e)
    for call in (e.merge_customers, e.mark_distinct):
        err = refused_unchanged(e, "conflict", call, "data.ops", a, a)
        assert isinstance(err, br.BrandrailError.Conflict) and err.entity == "customer"
        for other in [0, -1, 404, 2**63 - 1, -(2**63)]:
            err = refused_unchanged(e, "not_found", call, "data.ops", a, other)
            assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "customer"
            refused_unchanged(e, "not_found", call, "data.ops", other, a)
    e.erase_customer("data.ops", b, "data-subject request")
    refused_unchanged(e, "not_found", e.merge_customers, "data.ops", a, b)
    refused_unchanged(e, "not_found", e.mark_distinct, "data.ops", a, b)
    for args in [(a, str(b)), (a, 2**63), (None, b), (a, 1.5)]:
        wrong_type(e, e.merge_customers, "data.ops", *args)
        wrong_type(e, e.mark_distinct, "data.ops", *args)
    wrong_type(e, e.merge_customers, None, a, 3)


def test_crm2_permissions_and_bad_thresholds_and_limits(e):
    people(e)
    for call, args in [
        (e.duplicate_candidates, (None, 10)),
        (e.merge_customers, (1, 2)),
        (e.mark_distinct, (1, 2)),
    ]:
        err = denied(e, "crm.merge", call, "li.na", *args)
        assert err.principal == "li.na"
        denied(e, "crm.merge", call, "kf.one", *args)
        denied(e, "crm.merge", call, "ghost", *args, reason=br.DenialReason.UNKNOWN_PRINCIPAL)
    with pytest.raises(br.BrandrailError.PermissionDenied):
        asyncio.run(e.duplicate_candidates_async("li.na", None, 10))

    for threshold in [1.5, -0.1, 1.0000001, math.nan, math.inf, -math.inf]:
        err = invalid(e, "threshold", e.duplicate_candidates, "data.ops", threshold, 10)
        assert "between 0 and 1" in err.detail
    for limit in [0, br.max_duplicate_candidates() + 1, 2**64 - 1]:
        err = invalid(e, "limit", e.duplicate_candidates, "data.ops", None, limit)
        assert "10000" in err.detail
    with pytest.raises(br.BrandrailError.Validation) as info:
        asyncio.run(e.duplicate_candidates_async("data.ops", 2.0, 10))
    assert info.value.field == "threshold"
    for threshold, limit in [("0.9", 10), (None, -1), (None, 1.5), (None, None), (None, 2**64), (None, "10")]:
        wrong_type(e, e.duplicate_candidates, "data.ops", threshold, limit)
    wrong_type(e, e.duplicate_candidates, None, None, 10)
    assert audit(e, "crm.fuzzy") == [x for x in audit(e, "crm.fuzzy") if x.outcome == br.Outcome.DENIED]

    # The names are opened with the key: none, no candidates.
    keyless = br.Engine.in_memory(options(key=None))
    staff(keyless)
    err = refused("configuration", keyless.duplicate_candidates, "data.ops", None, 10)
    assert "secret key" in err.detail
    refused("not_found", keyless.merge_customers, "data.ops", 1, 2)


def test_crm2_async_candidates_as_the_sync_call(e):
    people(e)
    background = asyncio.run(e.duplicate_candidates_async("data.ops", None, 10))
    assert background == e.duplicate_candidates("data.ops", None, 10)

    async def both():
        return await asyncio.gather(
            e.duplicate_candidates_async("data.ops", 0.5, 3),
            e.duplicate_candidates_async("data.ops", None, 1),
        )

    wide, one = asyncio.run(both())
    assert len(wide.candidates) == 3 and wide.threshold == 0.5
    assert pairs(one) == [(1, 2)]


# ------------------------------------------------- core profile fields (CRM-6)


def test_core_profile_fields_are_sealed_cleaned_and_masked(e):
    r = e.ingest_customers(
        "li.na",
        [
            rec("13900000011", address="  上海市浦东新区张江路１００号 ", birth_date="1990/3/7", region="上海"),
            rec("13900000012", birth_date="19900307"),
            rec("13900000013", birth_date="1990年3月7日"),
            rec("13900000014", birth_date="１９９０－０３－０７"),
            rec("13900000015", birth_date="1985-02-30"),
            rec("13900000016", address="  "),
            rec("13900000017", birth_date="1890-01-01"),
            rec("13900000018", birth_date="yesterday'; DROP TABLE customer;--"),
            rec("13900000019", birth_date=""),
            rec("13900000020", address="张江路\x00100号"),
        ],
    )
    assert r.created == 4
    assert [(x.row, x.field, x.code) for x in r.errors] == [
        (4, "profile.birth_date", "validation"),
        (5, "profile.address", "validation"),
        (6, "profile.birth_date", "validation"),
        (7, "profile.birth_date", "validation"),
        (8, "profile.birth_date", "validation"),
        (9, "profile.address", "validation"),
    ]
    for x in r.errors:
        assert not x.message.startswith(x.field), "the message does not repeat the field"
        assert "DROP" not in x.message and "1985" not in x.message and "\x00" not in x.message
    ids = r.customer_ids[:4]
    assert r.customer_ids[4:] == [None] * 6

    clear = e.customer("data.ops", ids[0])
    assert clear.profile == {
        "address": "上海市浦东新区张江路100号",
        "birth_date": "1990-03-07",
        "region": "上海",
    }, "trimmed, full-width folded, the date cleaned"
    assert [e.customer("data.ops", i).profile for i in ids[1:]] == [{"birth_date": "1990-03-07"}] * 3
    masked = e.customer("li.na", ids[0])
    assert masked.masked and masked.profile == {"address": "***", "birth_date": "***", "region": "***"}

    # Sealed: never a segment criterion, never in the audit log.
    for name in ("birth_date", "address"):
        rule = json.dumps({"field": {"name": name, "op": "exists"}})
        invalid(e, "rule.field.name", e.count_customers, "li.na", rule)
    assert "1990-03-07" not in audit_text(e) and "张江路" not in audit_text(e)


def test_core_profile_fields_leave_no_plaintext_in_the_file(tmp_path):
    e = br.Engine.open(str(tmp_path / "crm.sqlite"), options())
    staff(e)
    r = e.ingest_customers("li.na", [rec("13900000021", address="杭州市西湖区文三路478号", birth_date="1977/7/17")])
    assert r.errors == []
    assert e.customer("data.ops", r.customer_ids[0]).profile["birth_date"] == "1977-07-17"
    del e
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert len(data) > 4096
    for secret in ["文三路478号", "1977-07-17", "1977/7/17"]:
        assert secret.encode() not in data, secret


# ------------------------------------------------------------------ CRM-9


def test_crm9_a_common_question_is_answered_at_once_through_traditional_characters(e):
    log = e.audit_len()
    t = e.open_ticket("kf.one", ticket(subject="发货", body="請問 什麼時候 發貨？"))
    assert isinstance(t, br.Ticket)
    assert e.audit_len() == log + 1
    assert (t.id, t.customer_id, t.channel, t.category) == (1, None, "wechat", Q)
    assert (t.subject, t.body) == ("发货", "請問 什麼時候 發貨？"), "the customer's words, as given"
    assert (t.state, t.auto_answer, t.department) == (ANSWERED, "shipping", D.CUSTOMER_SERVICE)
    assert (t.opened_at, t.opened_by) == (START, "kf.one")
    assert (t.first_response_due, t.first_response_at, t.within_sla) == (START + 10 * MINUTE, START, True)
    (answer,) = t.responses
    assert isinstance(answer, br.TicketResponse)
    assert (answer.at, answer.by) == (START, "auto:shipping")
    assert "48 小时内发货" in answer.message
    assert (t.resolved_at, t.satisfaction) == (None, None)
    assert e.ticket("kf.one", 1) == t

    invoice = e.open_ticket("kf.one", ticket(subject="发票", body="怎么開發票？"))
    assert (invoice.auto_answer, invoice.responses[0].by) == ("invoice", "auto:invoice")
    plain = e.open_ticket("kf.one", ticket(subject="尺码", body="这件有 XL 吗"))
    assert (plain.state, plain.auto_answer, plain.within_sla, plain.responses) == (OPEN, None, None, [])
    # Only questions are auto-answered.
    asked = e.open_ticket("kf.one", ticket(category=R, subject="改地址", body="什么时候发货？改一下地址"))
    assert (asked.state, asked.auto_answer) == (OPEN, None)
    (entry, *_) = audit(e, "service.open")
    assert entry.detail == "category=question department=customer_service auto_answer=shipping"
    assert "發貨" not in audit_text(e)


def test_crm9_complaints_are_routed_by_what_they_mention(e):
    routed = [
        (e.open_ticket("kf.one", ticket("phone", C, "投诉", body)).department, want)
        for body, want in [
            ("快递三天没动", D.SALES),
            ("我的个人信息被泄露，还要退款", D.LEGAL),  # the first route wins
            ("退款太慢", D.FINANCE),
            ("广告宣传虚假", D.MARKETING),
            ("店员态度差", D.CUSTOMER_SERVICE),  # no route: the default
            ("快 遞 三天沒動", D.SALES),  # spaces and traditional characters
        ]
    ]
    assert [got for got, _ in routed] == [want for _, want in routed]
    # A question or a request is not routed.
    assert e.open_ticket("kf.one", ticket(category=R, body="快递改地址")).department == D.CUSTOMER_SERVICE

    log = e.audit_len()
    t = e.route_ticket("kf.one", 5, D.BRAND)
    assert (t.id, t.department, t.state) == (5, D.BRAND, OPEN)
    assert e.audit_len() == log + 1
    assert audit(e, "service.route")[0].detail == "department=brand"


def test_crm9_deadlines_ratings_and_the_report_on_the_manual_clock(e):
    t1 = e.open_ticket("kf.one", ticket(subject="发货", body="請問 什麼時候 發貨？"))
    t2 = e.open_ticket("kf.one", ticket("phone", C, "投诉", "快递三天没动"))
    t3 = e.open_ticket("kf.one", ticket("phone", C, "投诉", "我的个人信息被泄露"))
    t4 = e.open_ticket("kf.one", ticket("app", C, "投诉", "店员态度差"))
    assert e.overdue_tickets("kf.one") == []

    e.advance_clock(5 * 60)
    r2 = e.respond_ticket("kf.one", t2.id, "已联系快递，今天送达")
    assert (r2.state, r2.first_response_at, r2.within_sla) == (ANSWERED, START + 5 * MINUTE, True)
    assert [(x.by, x.message) for x in r2.responses] == [("kf.one", "已联系快递，今天送达")]

    e.advance_clock(6 * 60)
    overdue = e.overdue_tickets("kf.one")
    assert [t.id for t in overdue] == [t3.id, t4.id]
    assert all(t.first_response_at is None and t.within_sla is None for t in overdue)
    r3 = e.respond_ticket("kf.one", t3.id, "已转法务部处理")
    assert (r3.within_sla, r3.first_response_at) == (False, START + 11 * MINUTE), "late"
    assert [t.id for t in e.overdue_tickets("kf.one")] == [t4.id]
    # A second response keeps the first response's time.
    again = e.respond_ticket("kf.one", t2.id, "快递已签收")
    assert (again.first_response_at, len(again.responses)) == (START + 5 * MINUTE, 2)
    assert e.route_ticket("kf.one", t4.id, D.BRAND).department == D.BRAND

    # Ratings: after a response, once, 1 to the scale.
    refused_unchanged(e, "conflict", e.rate_ticket, "kf.one", t4.id, 5)
    for score in (0, 6, 255):
        err = invalid(e, "score", e.rate_ticket, "kf.one", t1.id, score)
        assert "1 to 5" in err.detail
    assert e.rate_ticket("kf.one", t1.id, 5).satisfaction == 5
    refused_unchanged(e, "conflict", e.rate_ticket, "kf.one", t1.id, 4)
    assert e.rate_ticket("kf.one", t2.id, 4).satisfaction == 4

    # Resolving needs a response; a resolved ticket takes no more.
    done = e.resolve_ticket("kf.one", t2.id)
    assert (done.state, done.resolved_at) == (RESOLVED, START + 11 * MINUTE)
    refused_unchanged(e, "conflict", e.resolve_ticket, "kf.one", t4.id)
    for call, args in [
        (e.resolve_ticket, ()),
        (e.respond_ticket, ("再补充一句",)),
        (e.route_ticket, (D.LEGAL,)),
    ]:
        err = refused_unchanged(e, "conflict", call, "kf.one", t2.id, *args)
        assert isinstance(err, br.BrandrailError.Conflict) and err.entity == "ticket"

    report = e.service_report("li.na", START - DAY, START + DAY)
    assert isinstance(report, br.ServiceReport)
    assert (report._from, report.to) == (START - DAY, START + DAY)
    assert (report.tickets, report.auto_answered, report.responded, report.within_sla) == (4, 1, 3, 2)
    assert report.sla_rate == pytest.approx(2 / 4), "within / (responded + overdue)"
    assert report.average_first_response_minutes == pytest.approx((0 + 5 + 11) / 3)
    assert (report.overdue, report.complaints) == (1, 3)
    assert report.complaints_by_department == [
        br.DepartmentCount(department=D.BRAND, count=1),
        br.DepartmentCount(department=D.LEGAL, count=1),
        br.DepartmentCount(department=D.SALES, count=1),
    ]
    assert (report.rated, report.satisfaction_average) == (2, pytest.approx(4.5))
    assert (report.satisfaction_target, report.meets_target) == (4.8, False)

    # A period without tickets; a period the wrong way round.
    empty = e.service_report("li.na", START + DAY, START + 2 * DAY)
    assert (empty.tickets, empty.sla_rate, empty.average_first_response_minutes) == (0, 1.0, None)
    assert (empty.satisfaction_average, empty.meets_target, empty.complaints_by_department) == (None, None, [])
    for frm, to in [(START, START), (START, START - DAY)]:
        invalid(e, "to", e.service_report, "li.na", frm, to)
    assert e.verify_audit().ok


def test_crm9_a_known_customers_ticket_joins_their_history(e):
    (id,) = e.ingest_customers("li.na", [rec("13900000031", "李娜")]).customer_ids
    t = e.open_ticket("kf.one", ticket(customer_id=id, body="会员积分怎么用"))
    assert t.customer_id == id
    history = e.customer_interactions("data.ops", id)
    assert [(x.kind, x.channel, x.at) for x in history] == [
        (br.InteractionKind.SERVICE_TICKET, "wechat", START)
    ]
    for bad in [0, -1, 404, 2**63 - 1]:
        err = refused_unchanged(e, "not_found", e.open_ticket, "kf.one", ticket(customer_id=bad))
        assert err.entity == "customer"
    e.erase_customer("data.ops", id, "data-subject request")
    refused_unchanged(e, "not_found", e.open_ticket, "kf.one", ticket(customer_id=id))
    kept = e.ticket("kf.one", t.id)
    assert (kept.id, kept.subject, kept.body) == (t.id, "", ""), "the words go with the customer"


HOSTILE_CHANNELS = ["", "x", "We Chat!", "WECHAT", "微信", "wechat\x00", "we\u202echat", "x" * 65, "'; DROP TABLE ticket;--"]
HOSTILE_BODIES = ["", "   ", "a\x00b", "\x1b[31mred", "x" * (64 * 1024 + 1)]


def test_crm9_bad_tickets_and_responses_are_typed_and_change_nothing(e):
    good = e.open_ticket("kf.one", ticket("phone", C, "投诉", "快递三天没动"))
    for channel in HOSTILE_CHANNELS:
        invalid(e, "channel", e.open_ticket, "kf.one", ticket(channel=channel))
    for subject in HOSTILE_NAMES:
        invalid(e, "subject", e.open_ticket, "kf.one", ticket(subject=subject))
    for body in HOSTILE_BODIES:
        invalid(e, "body", e.open_ticket, "kf.one", ticket(body=body))
        invalid(e, "message", e.respond_ticket, "kf.one", good.id, body)
    # Line breaks and tabs are words too; SQL is just text.
    multi = e.open_ticket("kf.one", ticket(body="第一行\n第二行\t完", subject="'; DROP TABLE ticket;--"))
    assert (multi.body, multi.subject) == ("第一行\n第二行\t完", "'; DROP TABLE ticket;--")

    for id in [0, -1, 404, 2**63 - 1, -(2**63)]:
        for call, args in [
            (e.ticket, ()),
            (e.respond_ticket, ("好的",)),
            (e.route_ticket, (D.LEGAL,)),
            (e.resolve_ticket, ()),
            (e.rate_ticket, (5,)),
        ]:
            err = refused_unchanged(e, "not_found", call, "kf.one", id, *args)
            assert isinstance(err, br.BrandrailError.NotFound) and err.entity == "ticket"

    # Wrong host types never reach the engine.
    fields = dict(customer_id=None, channel="wechat", category=Q, subject="s", body="b")
    wrong_type(e, e.open_ticket, "kf.one", fields)
    wrong_type(e, e.open_ticket, "kf.one", None)
    for key, value in [("category", "question"), ("channel", None), ("body", 7), ("customer_id", "1")]:
        wrong_type(e, e.open_ticket, "kf.one", br.NewTicket(**{**fields, key: value}))
    for score in [-1, 256, "5", 4.5, None]:
        wrong_type(e, e.rate_ticket, "kf.one", good.id, score)
    wrong_type(e, e.route_ticket, "kf.one", good.id, "brand")
    wrong_type(e, e.respond_ticket, "kf.one", str(good.id), "好的")
    wrong_type(e, e.respond_ticket, "kf.one", good.id, b"bytes")
    wrong_type(e, e.service_report, "li.na", "2026-05-01", START)
    wrong_type(e, e.service_report, "li.na", dt.datetime(2026, 5, 1), START)
    assert [t.id for t in tickets(e)] == [good.id, multi.id]


def test_crm9_permissions_and_the_key(e):
    t = e.open_ticket("kf.one", ticket())
    calls = [
        (e.open_ticket, (ticket(),)),
        (e.respond_ticket, (t.id, "好的")),
        (e.route_ticket, (t.id, D.LEGAL)),
        (e.resolve_ticket, (t.id,)),
        (e.rate_ticket, (t.id, 5)),
        (e.ticket, (t.id,)),
        (e.overdue_tickets, ()),
    ]
    for call, args in calls:
        for actor in ("li.na", "pr.one", "hr.one"):
            err = denied(e, "service.handle", call, actor, *args)
            assert err.principal == actor
        denied(e, "service.handle", call, "ghost", *args, reason=br.DenialReason.UNKNOWN_PRINCIPAL)
    denied(e, "crm.read", e.service_report, "hr.one", START - DAY, START + DAY)
    denied(e, "crm.read", e.service_report, "pr.one", START - DAY, START + DAY)
    e.deactivate_principal("it.admin", "kf.two")
    denied(e, "service.handle", e.open_ticket, "kf.two", ticket(), reason=br.DenialReason.DEACTIVATED)

    # The words are sealed: without the key no ticket call runs; the report
    # of counts does.
    keyless = br.Engine.in_memory(options(key=None))
    staff(keyless)
    for call, args in [(keyless.open_ticket, (ticket(),))] + [
        (getattr(keyless, c.__name__), a) for c, a in calls[1:]
    ]:
        log = keyless.audit_len()
        err = refused("configuration", call, "kf.one", *args)
        assert "secret key" in err.detail and keyless.audit_len() == log
    assert keyless.service_report("li.na", START - DAY, START + DAY).tickets == 0


def test_ticket_enums_keep_the_cores_names():
    cases = [
        (br.TicketCategory, br.parse_ticket_category, ["question", "complaint", "request"]),
        (br.TicketState, br.parse_ticket_state, ["open", "answered", "resolved"]),
        (br.AlertSeverity, br.parse_alert_severity, ["normal", "sensitive", "major"]),
    ]
    for enum, parse, names in cases:
        assert [x.as_str() for x in enum] == names
        for name in names:
            assert parse(name).as_str() == name
        for bad in ["", "Question", "OPEN", "critical", "major\x00", "'; DROP TABLE ticket;--", "ｍａｊｏｒ"]:
            err = refused("validation", parse, bad)
            assert ", ".join(names[:2]) in err.detail and "\x00" not in err.detail, err.detail
    assert br.parse_permission("service.handle") == br.Permission.SERVICE_HANDLE
    assert br.parse_permission("opinion.handle") == br.Permission.OPINION_HANDLE


# ------------------------------------------------------------------ CRM-10


def test_crm10_alerts_escalation_and_a_crisis_with_its_template(branded):
    e = branded
    log = e.audit_len()
    r = e.record_mentions(
        "pr.one",
        [
            mention("澜朵的面霜很好用", author="路人甲"),  # the brand, no alert word
            mention("兰朵 差 评！！！", author="路人乙"),  # a wrong spelling, spaced
            mention("瀾朵退款太慢，要投訴", platform="xiaohongshu", author="小红"),
            mention("澜朵用了过敏烂脸，准备曝光维权", platform="douyin", author="博主", reach=500),
            mention("某品牌差评如潮", platform="zhihu"),  # not about the brand
            mention("澜朵 投诉", platform="tieba", reach=100_000, url="https://tieba.baidu.com/p/1"),
        ],
    )
    assert isinstance(r, br.MentionReport)
    assert (r.rows, r.recorded, r.errors) == (6, 6, [])
    assert r.mention_ids == [1, 2, 3, 4, 5, 6]
    assert all(isinstance(a, br.OpinionAlert) for a in r.alerts)
    assert [(a.mention_id, a.severity, a.escalated) for a in r.alerts] == [
        (2, NORMAL, False),
        (3, SENSITIVE, True),
        (4, MAJOR, True),
        (6, MAJOR, True),  # by reach
    ]
    assert [a.platform for a in r.alerts] == ["weibo", "xiaohongshu", "douyin", "tieba"]
    assert "兰朵" in r.alerts[0].keywords and "差评" in r.alerts[0].keywords
    assert "退款" in r.alerts[1].keywords
    assert all(a.state == "open" and a.raised_at == START for a in r.alerts)
    assert all(a.handled_at is None and a.handled_by is None for a in r.alerts)
    assert r.crises_opened == [1, 2]
    assert [a.crisis_id for a in r.alerts] == [None, None, 1, 2]
    # One record per alert (escalations named), one per crisis, one for the batch.
    assert e.audit_len() == log + 4 + 2 + 1
    details = [x.detail for x in audit(e, "opinion.alert")]
    assert sum("escalated_to=supervisor" in d for d in details) == 3
    assert audit(e, "opinion.record")[0].detail == "rows=6 recorded=6 alerts=4 refused=0"
    assert "烂脸" not in audit_text(e) and "路人" not in audit_text(e)

    # The supervisors see the open escalations, newest first.
    up = e.escalated_alerts("boss")
    assert [a.id for a in up] == [4, 3, 2]
    assert e.escalated_alerts("zhao.min") == up
    denied(e, "supervision.record", e.escalated_alerts, "pr.one")
    assert [a.id for a in e.opinion_alerts("pr.one", False)] == [4, 3, 2, 1]

    crises = e.crises("pr.one", False)
    assert [c.id for c in crises] == [2, 1], "newest first"
    quality = crises[1]
    assert isinstance(quality, br.Crisis)
    assert (quality.kind, quality.lead_department, quality.review_department) == (
        "product_quality",
        D.MARKETING,
        D.LEGAL,
    )
    assert quality.template.startswith("我们已关注到您反映的产品问题")
    assert (quality.opened_at, quality.opened_by) == (START, "auto")
    assert quality.first_response_due - quality.opened_at == 2 * HOUR
    assert (quality.first_response_at, quality.statement, quality.within_deadline) == (None, None, None)
    assert (quality.closed_at, quality.alert_ids) == (None, [3])
    assert "douyin" in quality.summary
    assert crises[0].kind == "general", "no kind's words: the default kind"

    # A statement with an absolute claim is refused and records nothing.
    err = refused_unchanged(e, "policy_violation", e.respond_crisis, "pr.one", 1, BANNED)
    assert isinstance(err, br.BrandrailError.PolicyViolation) and err.rule == "CON-3"
    assert "最" in err.detail
    answered = e.respond_crisis("pr.one", 1, quality.template)
    assert (answered.within_deadline, answered.first_response_at, answered.statement) == (
        True,
        START,
        quality.template,
    )
    e.advance_clock(30 * 60)
    later = e.respond_crisis("pr.one", 1, "复检结果已公布。")
    assert (later.statement, later.first_response_at) == ("复检结果已公布。", START), "replaced"

    # A crisis opened by hand for the sensitive alert.
    hand = e.open_crisis("pr.one", [2], "退款投诉集中")
    assert (hand.id, hand.kind, hand.opened_by, hand.alert_ids) == (3, "general", "pr.one", [2])
    assert hand.first_response_due == START + 30 * MINUTE + 2 * HOUR
    assert hand.template.startswith("感谢您的反馈")
    assert e.opinion_alerts("pr.one", False)[2].crisis_id == 3
    err = refused_unchanged(e, "conflict", e.open_crisis, "pr.one", [2], "again")
    assert err.entity == "alert"

    # Three hours on: the two without a first response are overdue.
    e.advance_clock(3 * 3600)
    assert [c.id for c in e.crises("pr.one", True)] == [3, 2]
    late = e.respond_crisis("pr.one", 3, "感谢反馈，我们正在核实。")
    assert late.within_deadline is False
    assert [c.id for c in e.crises("pr.one", True)] == [2]
    refused_unchanged(e, "conflict", e.close_crisis, "pr.one", 2)  # no response yet
    closed = e.close_crisis("pr.one", 3)
    assert closed.closed_at == e.now()
    for call, args in [(e.close_crisis, ()), (e.respond_crisis, ("再说明一次。",))]:
        err = refused_unchanged(e, "conflict", call, "pr.one", 3, *args)
        assert err.entity == "crisis"

    # Handling an alert takes it out of the open lists.
    handled = e.handle_alert("pr.one", 1)
    assert (handled.state, handled.handled_by, handled.handled_at) == ("handled", "pr.one", e.now())
    refused_unchanged(e, "conflict", e.handle_alert, "pr.one", 1)
    assert [a.id for a in e.opinion_alerts("pr.one", True)] == [4, 3, 2]
    e.handle_alert("kf.one", 4)
    assert [a.id for a in e.escalated_alerts("boss")] == [3, 2]
    assert e.verify_audit().ok


def test_crm10_bad_rows_are_reported_while_good_rows_land(branded):
    e = branded
    rows = [
        mention("澜朵 差评"),
        mention("x", platform="Wei Bo"),
        mention("x", platform=""),
        mention("x", platform="微博"),
        mention("x", author=""),
        mention("x", author="bidi\u202eevil"),
        mention(""),
        mention("   "),
        mention("澜朵\x00差评"),
        mention("x" * (64 * 1024 + 1)),
        mention("x", at=START + 2 * DAY),
        mention("x", url="javascript:alert(1)"),
        mention("x", url="ftp://example.com/a"),
        mention("x", url="https://a b.com"),
        mention("x", url="https://x.com/" + "a" * 2048),
        mention("x", reach=2**63),
        mention("澜朵 投诉 明天见", at=START + 23 * HOUR, url="http://bbs.example.com/t/1", reach=2**63 - 1),
    ]
    r = e.record_mentions("pr.one", rows)
    assert (r.rows, r.recorded) == (17, 2)
    assert [(x.row, x.field, x.code) for x in r.errors] == [
        (1, "platform", "validation"),
        (2, "platform", "validation"),
        (3, "platform", "validation"),
        (4, "author", "validation"),
        (5, "author", "validation"),
        (6, "text", "validation"),
        (7, "text", "validation"),
        (8, "text", "validation"),
        (9, "text", "validation"),
        (10, "at", "validation"),
        (11, "url", "validation"),
        (12, "url", "validation"),
        (13, "url", "validation"),
        (14, "url", "validation"),
        (15, "reach", "validation"),
    ]
    for x in r.errors:
        assert not x.message.startswith(x.field), x
        assert "Wei Bo" not in x.message and "微博" not in x.message, "a platform is not repeated"
        assert "javascript" not in x.message and "\x00" not in x.message and "\u202e" not in x.message
    assert r.mention_ids == [1] + [None] * 15 + [2], "a refused row takes no id"
    assert [(a.mention_id, a.severity) for a in r.alerts] == [(1, NORMAL), (2, MAJOR)]
    assert audit(e, "opinion.record")[0].detail == "rows=17 recorded=2 alerts=2 refused=15"


def test_crm10_without_brand_names_every_mention_is_about_the_brand(e):
    r = e.record_mentions("pr.one", [mention("某品牌差评如潮"), mention("今天天气不错")])
    assert [(a.mention_id, a.severity) for a in r.alerts] == [(1, NORMAL)]


def test_crm10_bad_calls_are_typed_and_change_nothing(branded):
    e = branded
    r = e.record_mentions("pr.one", [mention("兰朵 差评"), mention("澜朵 退款")])
    alert = r.alerts[0].id
    crisis = e.open_crisis("pr.one", [alert], "差评")

    for actor in ("li.na", "hr.one", "boss"):
        denied(e, "opinion.handle", e.record_mentions, actor, [mention("澜朵 差评")])
        denied(e, "opinion.handle", e.opinion_alerts, actor, False)
        denied(e, "opinion.handle", e.handle_alert, actor, alert)
        denied(e, "opinion.handle", e.open_crisis, actor, [r.alerts[1].id], "s")
        denied(e, "opinion.handle", e.respond_crisis, actor, crisis.id, "感谢反馈。")
        denied(e, "opinion.handle", e.close_crisis, actor, crisis.id)
        denied(e, "opinion.handle", e.crises, actor, False)
    denied(e, "supervision.record", e.escalated_alerts, "kf.one")
    denied(e, "opinion.handle", e.crises, "ghost", False, reason=br.DenialReason.UNKNOWN_PRINCIPAL)
    with pytest.raises(br.BrandrailError.PermissionDenied):
        asyncio.run(e.record_mentions_async("li.na", [mention("澜朵 差评")]))

    for id in [0, -1, 404, 2**63 - 1, -(2**63)]:
        err = refused_unchanged(e, "not_found", e.handle_alert, "pr.one", id)
        assert err.entity == "alert"
        err = refused_unchanged(e, "not_found", e.open_crisis, "pr.one", [id], "s")
        assert err.entity == "alert"
        for call, args in [(e.respond_crisis, ("感谢反馈。",)), (e.close_crisis, ())]:
            err = refused_unchanged(e, "not_found", call, "pr.one", id, *args)
            assert err.entity == "crisis"
    invalid(e, "alert_ids", e.open_crisis, "pr.one", [], "s")
    invalid(e, "alert_ids", e.open_crisis, "pr.one", [r.alerts[1].id] * 1001, "s")
    for summary in HOSTILE_NAMES:
        invalid(e, "summary", e.open_crisis, "pr.one", [r.alerts[1].id], summary)
    for statement in HOSTILE_BODIES:
        invalid(e, "statement", e.respond_crisis, "pr.one", crisis.id, statement)
    refused_unchanged(e, "policy_violation", e.respond_crisis, "pr.one", crisis.id, BANNED)

    # Wrong host types never reach the engine.
    fields = dict(platform="weibo", author="a", text="澜朵 差评", at=START, url=None, reach=None)
    wrong_type(e, e.record_mentions, "pr.one", [fields])
    wrong_type(e, e.record_mentions, "pr.one", None)
    for key, value in [
        ("at", "2026-06-01T07:00:00Z"),
        ("at", dt.datetime(2026, 6, 1, 7)),
        ("reach", -1),
        ("reach", 2**64),
        ("reach", "500"),
        ("url", 5),
        ("text", None),
    ]:
        wrong_type(e, e.record_mentions, "pr.one", [br.NewMention(**{**fields, key: value})])
    wrong_type(e, e.open_crisis, "pr.one", alert, "s")
    wrong_type(e, e.open_crisis, "pr.one", [str(alert)], "s")
    wrong_type(e, e.opinion_alerts, None, False)
    wrong_type(e, e.crises, b"pr.one", False)
    wrong_type(e, e.handle_alert, "pr.one", 2**63)

    # Whole-call limits.
    over = [mention("x")] * (br.max_mentions() + 1)
    invalid(e, "mentions", e.record_mentions, "pr.one", over)
    assert br.max_mentions() == 100_000

    # Mentions are sealed: without the key they are not recorded; the reads
    # that open nothing still work.
    keyless = br.Engine.in_memory(options(key=None))
    staff(keyless)
    err = refused("configuration", keyless.record_mentions, "pr.one", [mention("澜朵 差评")])
    assert "secret key" in err.detail
    with pytest.raises(br.BrandrailError.Configuration):
        asyncio.run(keyless.record_mentions_async("pr.one", []))
    refused("configuration", keyless.open_crisis, "pr.one", [1], "s")
    assert keyless.opinion_alerts("pr.one", False) == [] and keyless.crises("pr.one", False) == []


def test_crm10_async_records_as_the_sync_call(branded):
    rows = [mention(f"澜朵 差评 {n}", author=f"u{n}") for n in range(200)]
    rows += [mention("澜朵 曝光", platform="douyin"), mention("x", platform="Bad!")]
    twin = br.Engine.in_memory(options())
    staff(twin)
    twin.replace_policy("zhao.min", twin.policy().overlay_toml(BRANDS))
    want = twin.record_mentions("pr.one", rows)
    got = asyncio.run(branded.record_mentions_async("pr.one", rows))
    assert got == want
    assert (got.rows, got.recorded, len(got.alerts), got.crises_opened) == (202, 201, 201, [1])
    assert [(x.row, x.field) for x in got.errors] == [(201, "platform")]

    async def both():
        return await asyncio.gather(
            branded.record_mentions_async("pr.one", [mention("兰朵 投诉")]),
            branded.record_mentions_async("kf.one", [mention("澜朵 差评")]),
        )

    a, b = asyncio.run(both())
    assert {a.mention_ids[0], b.mention_ids[0]} == {202, 203}
    assert branded.verify_audit().ok
