"""Customer service (CRM-9) and the public-opinion watch (CRM-10) through the
Python API on a manual clock, following core's tests/crm_service.rs: common
questions auto-answered at once (traditional characters, a space inside),
complaints routed by what they mention, the 10-minute first-response
deadline met, missed and overdue, satisfaction scored once after a response
and reported against 4.8; mentions naming the brand (and a misspelling) with
alert words raise normal, sensitive and major alerts, the latter two
escalated to supervisors, a major one opening a product-quality crisis with
its template, marketing leading, legal reviewing and a 2-hour deadline; a
statement with an Advertising-Law term refused; an overdue crisis reported;
bad rows, bad host types, unknown ids and missing permissions refused while
nothing changes."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

import brandrail
from test_crm import KEY, file_bytes

START = datetime(2026, 6, 1, 8, 0, tzinfo=timezone.utc)
ADMIN, KF, PR, MARKETER, EXEC, BOSS, STEWARD = (
    "it.admin", "kf.one", "pr.one", "li.na", "zhao.min", "boss", "data.ops",
)
BRAND = '[content]\nbrand_names = [{ canonical = "澜朵", wrong = ["兰朵"] }]\n'
MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)


def staff(engine: brandrail.Engine) -> brandrail.Engine:
    """IT, customer service, PR, marketing, an executive, a marketing
    supervisor and a data steward."""
    engine.bootstrap(handle=ADMIN, display_name="IT", department="it")
    engine.create_principals(
        ADMIN,
        [
            {"handle": KF, "display_name": "客服", "department": "customer_service"},
            {"handle": PR, "display_name": "公关", "department": "pr"},
            {"handle": MARKETER, "display_name": "李娜", "department": "marketing"},
            {"handle": EXEC, "display_name": "赵敏", "department": "executive"},
            {"handle": BOSS, "display_name": "主管", "department": "marketing", "roles": ["supervisor"]},
            {"handle": STEWARD, "display_name": "数据", "department": "it", "roles": ["data_steward"]},
        ],
    )
    return engine


@pytest.fixture
def svc() -> brandrail.Engine:
    """Staffed, keyed, on a manual clock at START."""
    return staff(brandrail.Engine.in_memory(secret_key=KEY, clock_start=START))


@pytest.fixture
def watch(svc) -> brandrail.Engine:
    """`svc` with the brand's names in the policy, as the shared vector sets
    them."""
    svc.replace_policy(EXEC, svc.policy().overlay_toml(BRAND))
    return svc


def question(body: str = "請問 什麼時候 發貨？", **kw) -> dict:
    return {"channel": "wechat", "category": "question", "subject": "发货", "body": body, **kw}


def complaint(body: str, **kw) -> dict:
    return {"channel": "phone", "category": "complaint", "subject": "投诉", "body": body, **kw}


def tickets_state(engine: brandrail.Engine, ids=()) -> tuple:
    """What a refused or invalid ticket call must leave as it was: the given
    tickets, that no further one exists, and the audit log's length."""
    with pytest.raises(brandrail.NotFoundError):
        engine.ticket(KF, max(ids, default=0) + 1)
    return [engine.ticket(KF, i) for i in ids], engine.audit_len()


# ---------------------------------------------------------------- inputs


def test_value_sets_and_new_ticket():
    assert brandrail.TICKET_CATEGORIES == ("question", "complaint", "request")
    assert brandrail.TICKET_STATES == ("open", "answered", "resolved")
    assert brandrail.ALERT_SEVERITIES == ("normal", "sensitive", "major")
    assert brandrail.MAX_MENTIONS == 100_000
    assert {"service.handle", "opinion.handle"} <= set(brandrail.PERMISSIONS)

    t = brandrail.NewTicket(channel="wechat", category="complaint", subject="投诉", body="快递三天没动")
    assert (t.customer_id, t.channel, t.category, t.subject, t.body) == (
        None, "wechat", "complaint", "投诉", "快递三天没动",
    )
    assert t.to_dict() == {
        "customer_id": None, "channel": "wechat", "category": "complaint", "subject": "投诉", "body": "快递三天没动",
    }
    assert brandrail.NewTicket(**t.to_dict()) == t
    assert repr(t) == "NewTicket(customer_id=None, channel='wechat', category='complaint', subject='投诉')"
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewTicket(channel="wechat", category="praise", subject="x", body="y")
    assert info.value.field == "category" and "complaint" in str(info.value)
    for bad in ({"customer_id": "1"}, {"customer_id": True}, {"body": 7}):
        with pytest.raises(TypeError):
            brandrail.NewTicket(**{**t.to_dict(), **bad})
    with pytest.raises(TypeError):
        brandrail.NewTicket("wechat", "complaint", "投诉", "x")  # keyword-only

    m = brandrail.NewMention("weibo", "路人甲", "澜朵 差评", START, url="https://weibo.example/1", reach=10)
    assert m.to_dict() == {
        "platform": "weibo", "author": "路人甲", "text": "澜朵 差评", "at": START,
        "url": "https://weibo.example/1", "reach": 10,
    }
    assert brandrail.NewMention(**m.to_dict()) == m
    assert repr(m).startswith("NewMention(platform='weibo', author='路人甲'")
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewMention("weibo", "a", "b", datetime(2026, 6, 1))
    assert info.value.field == "at"
    with pytest.raises(brandrail.ValidationError) as info:
        brandrail.NewMention("weibo", "a", "b", START, reach=-1)
    assert info.value.field == "reach"
    for bad in ({"reach": "10"}, {"reach": 1.5}, {"at": "2026-06-01T08:00:00Z"}, {"url": 3}):
        with pytest.raises(TypeError):
            brandrail.NewMention(**{**m.to_dict(), **bad})


# ---------------------------------------------------------------- CRM-9


def test_a_common_question_is_answered_at_once(svc):
    cid = svc.ingest_customers(MARKETER, [{"identities": [("phone", "13800000001")]}]).customer_ids[0]
    q = svc.open_ticket(KF, question(customer_id=cid))
    assert isinstance(q, brandrail.Ticket)
    assert (q.id, q.customer_id, q.channel, q.category, q.state) == (1, cid, "wechat", "question", "answered")
    assert (q.subject, q.body) == ("发货", "請問 什麼時候 發貨？")
    assert (q.auto_answer, q.department, q.within_sla) == ("shipping", "customer_service", True)
    assert q.opened_at == START and q.opened_by == KF
    assert q.first_response_due == START + 10 * MINUTE and q.first_response_at == START
    (answer,) = q.responses
    assert (answer.at, answer.by) == (START, "auto:shipping")
    assert "48 小时" in answer.message
    assert answer.to_dict() == {"at": START, "by": "auto:shipping", "message": answer.message}
    assert repr(answer).startswith("TicketResponse(at=datetime.datetime(2026, 6, 1, 8, 0, tzinfo=")
    assert q.to_dict()["responses"] == [answer.to_dict()]
    assert repr(q) == (
        "Ticket(id=1, category='question', state='answered', department='customer_service', "
        "within_sla=True, auto_answer='shipping')"
    )
    assert svc.ticket(KF, 1) == q
    # The customer's history has the ticket (CRM-3).
    assert [i.kind for i in svc.customer_interactions(STEWARD, cid)] == ["service_ticket"]

    # A full-width, spaced phrasing of another auto-answer; a question no
    # auto-answer knows; a request (a NewTicket this time).
    invoice = svc.open_ticket(KF, question("怎么 开 发 票？"))
    assert (invoice.auto_answer, invoice.responses[0].by) == ("invoice", "auto:invoice")
    other = svc.open_ticket(KF, question("你们的面霜适合敏感肌吗"))
    assert (other.state, other.auto_answer, other.responses, other.within_sla) == ("open", None, [], None)
    request = svc.open_ticket(
        KF, brandrail.NewTicket(channel="app", category="request", subject="改地址", body="请帮我改收货地址")
    )
    assert (request.state, request.department, request.auto_answer) == ("open", "customer_service", None)
    assert [t.id for t in svc.overdue_tickets(KF)] == []


def test_complaints_are_routed_by_what_they_mention(svc):
    routes = [
        ("快递三天没动", "sales"),
        ("我的个人信息被泄露，还要退款", "legal"),  # the first route wins
        ("多扣款了", "finance"),
        ("廣告 宣傳 虛假", "marketing"),  # traditional characters, spaced
        ("店员态度差", "customer_service"),  # no route: the default
    ]
    for i, (body, department) in enumerate(routes, start=1):
        t = svc.open_ticket(KF, complaint(body))
        assert (t.id, t.department, t.state, t.auto_answer) == (i, department, "open", None), body
    routed = svc.route_ticket(KF, 5, "brand")
    assert routed.department == "brand" and svc.ticket(KF, 5).department == "brand"
    (audit,) = svc.audit_query(EXEC, action="service.route")
    assert audit.detail == "department=brand"

    before = tickets_state(svc, range(1, 6))
    for bad in ("Brand", "", "brand'; DROP TABLE ticket; --"):
        with pytest.raises(brandrail.ValidationError) as info:
            svc.route_ticket(KF, 5, bad)
        assert info.value.field == "department" and "customer_service" in str(info.value)
    with pytest.raises(TypeError):
        svc.route_ticket(KF, 5, None)
    assert tickets_state(svc, range(1, 6)) == before


def test_the_first_response_deadline_on_the_manual_clock(svc):
    ids = [svc.open_ticket(KF, complaint(body)).id for body in ("快递三天没动", "个人信息泄露", "店员态度差")]
    for t in map(lambda i: svc.ticket(KF, i), ids):
        assert t.first_response_due == t.opened_at + 10 * MINUTE
    svc.advance_clock(5 * MINUTE)
    early = svc.respond_ticket(KF, ids[0], "已联系快递，今天送达")
    assert (early.state, early.within_sla, early.first_response_at) == ("answered", True, START + 5 * MINUTE)
    assert [(r.by, r.message) for r in early.responses] == [(KF, "已联系快递，今天送达")]
    svc.advance_clock(5 * MINUTE)
    assert svc.overdue_tickets(KF) == [], "due at 10 minutes: not overdue yet"
    svc.advance_clock(MINUTE)
    assert [t.id for t in svc.overdue_tickets(KF)] == ids[1:]
    late = svc.respond_ticket(KF, ids[1], "已转法务部处理")
    assert (late.within_sla, late.first_response_at) == (False, START + 11 * MINUTE)
    assert [t.id for t in svc.overdue_tickets(KF)] == [ids[2]]
    # A second response keeps the first one's time.
    again = svc.respond_ticket(KF, ids[0], "补充：单号已更新")
    assert again.first_response_at == START + 5 * MINUTE and len(again.responses) == 2


def test_rating_rules_and_resolution(svc):
    a = svc.open_ticket(KF, question()).id  # auto-answered
    b = svc.open_ticket(KF, complaint("店员态度差")).id  # no response yet
    before = tickets_state(svc, [a, b])
    with pytest.raises(brandrail.ConflictError) as info:
        svc.rate_ticket(KF, b, 5)
    assert (info.value.entity, info.value.id) == ("ticket", str(b))
    with pytest.raises(brandrail.ConflictError):
        svc.resolve_ticket(KF, b)
    for score in (0, 6, 300, -1, 2**70):
        with pytest.raises(brandrail.ValidationError) as info:
            svc.rate_ticket(KF, a, score)
        assert info.value.field == "score"
    for score in (True, "5", 4.5, None):
        with pytest.raises(TypeError):
            svc.rate_ticket(KF, a, score)
    assert tickets_state(svc, [a, b]) == before

    rated = svc.rate_ticket(KF, a, 5)
    assert rated.satisfaction == 5
    with pytest.raises(brandrail.ConflictError):
        svc.rate_ticket(KF, a, 4)
    assert svc.ticket(KF, a).satisfaction == 5, "rated once"
    resolved = svc.resolve_ticket(KF, a)
    assert (resolved.state, resolved.resolved_at) == ("resolved", START)
    before = tickets_state(svc, [a, b])
    for call in (
        lambda: svc.resolve_ticket(KF, a),
        lambda: svc.respond_ticket(KF, a, "再补充"),
        lambda: svc.route_ticket(KF, a, "legal"),
    ):
        with pytest.raises(brandrail.ConflictError):
            call()
    assert tickets_state(svc, [a, b]) == before


def test_the_service_report(svc):
    svc.open_ticket(KF, question())  # 1: auto-answered at once
    for body in ("快递三天没动", "我的个人信息被泄露", "店员态度差"):  # 2 sales, 3 legal, 4 default
        svc.open_ticket(KF, complaint(body))
    svc.advance_clock(5 * MINUTE)
    svc.respond_ticket(KF, 2, "已联系快递")
    svc.advance_clock(6 * MINUTE)
    svc.respond_ticket(KF, 3, "已转法务部处理")  # late
    svc.route_ticket(KF, 4, "brand")
    svc.rate_ticket(KF, 1, 5)
    svc.rate_ticket(KF, 2, 4)

    since, until = START - timedelta(days=1), START + timedelta(days=1)
    r = svc.service_report(MARKETER, since, until)
    assert isinstance(r, brandrail.ServiceReport)
    assert (r.from_, r.to) == (since, until)
    assert (r.tickets, r.auto_answered, r.responded, r.within_sla, r.overdue) == (4, 1, 3, 2, 1)
    assert r.sla_rate == pytest.approx(2 / 4), "within / (responded + overdue)"
    assert r.average_first_response_minutes == pytest.approx((0 + 5 + 11) / 3)
    assert r.complaints == 3
    assert [(d.department, d.count) for d in r.complaints_by_department] == [
        ("brand", 1), ("legal", 1), ("sales", 1),
    ]
    assert (r.rated, r.satisfaction_average, r.satisfaction_target, r.meets_target) == (2, 4.5, 4.8, False)
    d = r.to_dict()
    assert d["from"] == since and d["complaints_by_department"][0] == {"department": "brand", "count": 1}
    assert repr(r) == (
        "ServiceReport(tickets=4, responded=3, within_sla=2, overdue=1, complaints=3, "
        "satisfaction_average=4.5, meets_target=False)"
    )
    assert repr(r.complaints_by_department[0]) == "DepartmentCount(department='brand', count=1)"

    # An empty period: nothing to judge.
    quiet = svc.service_report(MARKETER, since - timedelta(days=30), since)
    assert (quiet.tickets, quiet.sla_rate, quiet.average_first_response_minutes) == (0, 1.0, None)
    assert (quiet.satisfaction_average, quiet.meets_target, quiet.complaints_by_department) == (None, None, [])

    n = svc.audit_len()
    with pytest.raises(brandrail.ValidationError) as info:
        svc.service_report(MARKETER, until, since)
    assert info.value.field == "until"
    with pytest.raises(brandrail.ValidationError) as info:
        svc.service_report(MARKETER, datetime(2026, 5, 1), until)
    assert info.value.field == "since"
    with pytest.raises(TypeError):
        svc.service_report(MARKETER, "2026-05-01", until)
    with pytest.raises(brandrail.PermissionDeniedError) as info:
        svc.service_report(PR, since, until)
    assert info.value.permission == "crm.read"
    assert svc.audit_len() == n + 1, "only the refusal was recorded"


@pytest.mark.parametrize(
    ("ticket", "field"),
    [
        (question(channel="We Chat!"), "channel"),
        (question(channel=""), "channel"),
        (question(subject=""), "subject"),
        (question(subject="x\u202ey"), "subject"),
        (question(body="   "), "body"),
        (question(body="a\x00b"), "body"),
        (question(body="长" * 30_000), "body"),
        (question(category="praise"), "ticket.category"),
        (question(category="'; DROP TABLE ticket; --"), "ticket.category"),
    ],
)
def test_bad_tickets_are_refused_and_change_nothing(svc, ticket, field):
    svc.open_ticket(KF, question())
    before = tickets_state(svc, [1])
    with pytest.raises(brandrail.ValidationError) as info:
        svc.open_ticket(KF, ticket)
    assert info.value.field == field, str(info.value)
    assert "DROP" not in info.value.field and "\x00" not in str(info.value)
    assert tickets_state(svc, [1]) == before


@pytest.mark.parametrize(
    ("ticket", "at"),
    [
        (42, "ticket"),
        ("请问什么时候发货", "ticket"),
        ([question()], "ticket"),
        ({"channel": "wechat", "category": "question", "subject": "x"}, "ticket.body"),
        ({**question(), "priority": "high"}, "ticket"),
        ({**question(), "body": 7}, "ticket.body"),
        ({**question(), "customer_id": "1"}, "ticket.customer_id"),
        ({**question(), "customer_id": True}, "ticket.customer_id"),
        ({**question(), "category": None}, "ticket.category"),
        ({1: "x", **question()}, "ticket key"),
    ],
)
def test_tickets_of_the_wrong_shape_raise_type_error_and_change_nothing(svc, ticket, at):
    before = tickets_state(svc)
    with pytest.raises(TypeError) as info:
        svc.open_ticket(KF, ticket)
    assert str(info.value).startswith(at), str(info.value)
    assert tickets_state(svc) == before


def test_unknown_ids_customers_and_missing_permissions(svc):
    svc.open_ticket(KF, question())
    before = tickets_state(svc, [1])
    for call in (
        lambda: svc.ticket(KF, 404),
        lambda: svc.respond_ticket(KF, 404, "x"),
        lambda: svc.route_ticket(KF, 404, "legal"),
        lambda: svc.resolve_ticket(KF, 404),
        lambda: svc.rate_ticket(KF, 404, 5),
        lambda: svc.ticket(KF, -1),
    ):
        with pytest.raises(brandrail.NotFoundError) as info:
            call()
        assert info.value.entity == "ticket"
    with pytest.raises(brandrail.NotFoundError) as info:
        svc.open_ticket(KF, question(customer_id=99))
    assert (info.value.entity, info.value.id) == ("customer", "99")
    for bad in ("", "\x00", "长" * 70_000):
        with pytest.raises(brandrail.ValidationError) as info:
            svc.respond_ticket(KF, 1, bad)
        assert info.value.field == "message"
    with pytest.raises(OverflowError):
        svc.ticket(KF, 2**63)
    assert tickets_state(svc, [1]) == before

    n = svc.audit_len()
    for actor in (MARKETER, PR, "'; DROP TABLE ticket; --"):
        for call in (
            lambda: svc.open_ticket(actor, question()),
            lambda: svc.respond_ticket(actor, 1, "x"),
            lambda: svc.rate_ticket(actor, 1, 5),
            lambda: svc.ticket(actor, 1),
            lambda: svc.overdue_tickets(actor),
        ):
            with pytest.raises(brandrail.PermissionDeniedError) as info:
                call()
            assert info.value.permission == "service.handle"
    assert svc.audit_len() == n + 15, "each refusal recorded"
    assert tickets_state(svc, [1])[0] == before[0]


def test_tickets_follow_the_customer_into_export_and_erasure(svc):
    cid = svc.ingest_customers(MARKETER, [{"identities": [("phone", "13800000001")]}]).customer_ids[0]
    t = svc.open_ticket(KF, complaint("快递三天没动，电话 13800000001", customer_id=cid))
    svc.respond_ticket(KF, t.id, "已联系快递")
    doc = json.loads(svc.export_customer(STEWARD, cid))
    (exported,) = doc["tickets"]
    assert exported["body"] == "快递三天没动，电话 13800000001"
    assert [r["message"] for r in exported["responses"]] == ["已联系快递"]
    svc.erase_customer(STEWARD, cid, "用户申请注销")
    gone = svc.ticket(KF, t.id)
    assert (gone.customer_id, gone.subject, gone.body, gone.responses) == (None, "", "", [])
    assert gone.department == "sales" and gone.within_sla is True, "the ticket stays as a count"


def test_without_a_key_tickets_and_mentions_are_refused():
    keyless = staff(brandrail.Engine.in_memory())
    for call in (
        lambda: keyless.open_ticket(KF, question()),
        lambda: keyless.ticket(KF, 1),
        lambda: keyless.record_mentions(PR, [{"platform": "weibo", "author": "a", "text": "b", "at": START}]),
    ):
        with pytest.raises(brandrail.ConfigurationError) as info:
            call()
        assert "secret key" in str(info.value)


# ---------------------------------------------------------------- CRM-10


def mention(text: str, **kw) -> dict:
    return {"platform": "weibo", "author": "路人甲", "text": text, "at": START - HOUR,
            "url": "https://weibo.example/1", **kw}


def alerts_state(engine: brandrail.Engine) -> tuple:
    """What a refused or invalid opinion call must leave as it was: every
    alert and crisis, and the audit log's length (read first: the reads
    audit nothing)."""
    n = engine.audit_len()
    return n, engine.opinion_alerts(PR), engine.crises(PR)


def test_alerts_escalation_and_the_crisis_they_open(watch):
    r = watch.record_mentions(
        PR,
        [
            mention("澜朵的面霜很好用"),  # the brand, no alert word
            mention("今天去投诉了，客服不理人"),  # an alert word, not the brand
            mention("兰朵 差 评！！！"),  # misspelt brand, spaced keyword: normal
            brandrail.NewMention("xiaohongshu", "小红", "瀾朵退款太慢，要投訴", START - HOUR),  # sensitive
            mention("澜朵用了过敏烂脸，准备曝光维权", reach=500),  # major by keyword
            mention("澜朵客服差评", reach=2_000_000),  # major by reach
        ],
    )
    assert isinstance(r, brandrail.MentionReport)
    assert (r.rows, r.recorded, r.errors) == (6, 6, [])
    assert r.mention_ids == [1, 2, 3, 4, 5, 6]
    assert [(a.mention_id, a.severity, a.escalated) for a in r.alerts] == [
        (3, "normal", False), (4, "sensitive", True), (5, "major", True), (6, "major", True),
    ]
    normal, sensitive, major, loud = r.alerts
    assert normal.keywords == ["兰朵", "差评"], "the configured words, not the spaced text"
    assert (normal.platform, sensitive.platform) == ("weibo", "xiaohongshu")
    assert (normal.state, normal.crisis_id, normal.raised_at, normal.handled_at, normal.handled_by) == (
        "open", None, START, None, None,
    )
    assert r.crises_opened == [1, 2] and (major.crisis_id, loud.crisis_id) == (1, 2)
    assert r.to_dict()["alerts"][0]["keywords"] == ["兰朵", "差评"]
    assert repr(r) == "MentionReport(rows=6, recorded=6, alerts=4, crises_opened=[1, 2], errors=0)"
    assert repr(normal).startswith("OpinionAlert(id=1, platform='weibo', severity='normal'")

    # Escalated to the supervisors; PR and marketing do not read that list.
    assert [a.id for a in watch.escalated_alerts(BOSS)] == [4, 3, 2]
    assert [a.id for a in watch.escalated_alerts(EXEC)] == [4, 3, 2]
    for actor in (PR, MARKETER):
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            watch.escalated_alerts(actor)
        assert info.value.permission == "supervision.record"
    escalations = [x for x in watch.audit_query(EXEC, action="opinion.alert") if "escalated_to=supervisor" in x.detail]
    assert len(escalations) == 3
    assert all("差评" not in x.detail and "过敏" not in x.detail for x in escalations), "no mention text audited"

    # The quality crisis: its template, marketing leads, legal reviews, 2 hours.
    quality = watch.crises(PR)[-1]
    assert (quality.id, quality.kind, quality.opened_by, quality.alert_ids) == (1, "product_quality", "auto", [3])
    assert (quality.lead_department, quality.review_department) == ("marketing", "legal")
    assert quality.first_response_due - quality.opened_at == 2 * HOUR
    assert "复检" in quality.template and "过敏" in quality.summary
    assert (quality.statement, quality.first_response_at, quality.within_deadline, quality.closed_at) == (
        None, None, None, None,
    )
    assert quality.to_dict()["lead_department"] == "marketing"
    assert repr(quality).startswith("Crisis(id=1, kind='product_quality', lead_department='marketing'")
    assert [c.kind for c in watch.crises(PR)] == ["general", "product_quality"], "newest first"


def test_statements_deadlines_and_overdue_crises(watch):
    r = watch.record_mentions(PR, [mention("澜朵用了过敏烂脸，准备曝光维权"), mention("瀾朵退款太慢，要投訴")])
    (quality_id,) = r.crises_opened
    sensitive = r.alerts[1].id

    # A statement with an Advertising-Law term is refused and changes nothing.
    before = alerts_state(watch)
    with pytest.raises(brandrail.PolicyViolationError) as info:
        watch.respond_crisis(PR, quality_id, "我们的产品是全网最安全的")
    assert info.value.rule == "CON-3" and info.value.code == "policy_violation"
    for bad in ("", "   ", "a\x00b"):
        with pytest.raises(brandrail.ValidationError) as info:
            watch.respond_crisis(PR, quality_id, bad)
        assert info.value.field == "statement"
    assert alerts_state(watch) == before

    # By hand: a crisis for the sensitive alert; its words point at no kind.
    manual = watch.open_crisis(PR, [sensitive], "退款投诉集中")
    assert (manual.id, manual.kind, manual.opened_by, manual.alert_ids) == (2, "general", PR, [sensitive])
    assert watch.opinion_alerts(PR)[0].crisis_id == manual.id
    before = alerts_state(watch)
    for call, error in (
        (lambda: watch.open_crisis(PR, [sensitive], "again"), brandrail.ConflictError),
        (lambda: watch.open_crisis(PR, [], "x"), brandrail.ValidationError),
        (lambda: watch.open_crisis(PR, range(1001), "x"), brandrail.ValidationError),
        (lambda: watch.open_crisis(PR, [404], "x"), brandrail.NotFoundError),
        (lambda: watch.open_crisis(PR, [sensitive], ""), brandrail.ValidationError),
        (lambda: watch.open_crisis(PR, "1", "x"), TypeError),
        (lambda: watch.open_crisis(PR, [True], "x"), TypeError),
        (lambda: watch.open_crisis(MARKETER, [sensitive], "x"), brandrail.PermissionDeniedError),
    ):
        with pytest.raises(error):
            call()
    n, alerts, crises = before
    assert alerts_state(watch) == (n + 1, alerts, crises), "only the refusal was recorded"

    # In time for the first; three hours on the second is overdue.
    done = watch.respond_crisis(PR, quality_id, "我们已关注到您反映的产品问题，相关批次已安排复检。")
    assert (done.within_deadline, done.first_response_at) == (True, START)
    assert watch.crises(PR, overdue_only=True) == []
    watch.advance_clock(3 * HOUR)
    assert [c.id for c in watch.crises(PR, True)] == [manual.id]
    late = watch.respond_crisis(PR, manual.id, "感谢反馈，我们正在核实。")
    assert (late.within_deadline, late.statement) == (False, "感谢反馈，我们正在核实。")
    assert watch.crises(PR, overdue_only=True) == []
    closed = watch.close_crisis(PR, manual.id)
    assert closed.closed_at == START + 3 * HOUR
    before = alerts_state(watch)
    for call in (
        lambda: watch.close_crisis(PR, manual.id),
        lambda: watch.respond_crisis(PR, manual.id, "再说明"),
    ):
        with pytest.raises(brandrail.ConflictError) as info:
            call()
        assert info.value.entity == "crisis"
    for call in (lambda: watch.close_crisis(PR, 404), lambda: watch.respond_crisis(PR, 404, "x")):
        with pytest.raises(brandrail.NotFoundError):
            call()
    assert alerts_state(watch) == before


def test_a_crisis_needs_its_first_response_before_closing(watch):
    r = watch.record_mentions(PR, [mention("澜朵假货")])
    (crisis_id,) = r.crises_opened
    before = alerts_state(watch)
    with pytest.raises(brandrail.ConflictError):
        watch.close_crisis(PR, crisis_id)
    assert alerts_state(watch) == before


def test_alerts_are_handled_once(watch):
    r = watch.record_mentions(PR, [mention("兰朵差评"), mention("澜朵 投诉")])
    first, second = (a.id for a in r.alerts)
    watch.advance_clock(MINUTE)
    handled = watch.handle_alert(PR, first)
    assert (handled.state, handled.handled_by, handled.handled_at) == ("handled", PR, START + MINUTE)
    assert [a.id for a in watch.opinion_alerts(PR, open_only=True)] == [second]
    assert [a.id for a in watch.opinion_alerts(PR)] == [second, first]
    before = alerts_state(watch)
    with pytest.raises(brandrail.ConflictError):
        watch.handle_alert(PR, first)
    with pytest.raises(brandrail.NotFoundError) as info:
        watch.handle_alert(PR, 404)
    assert info.value.entity == "alert"
    with pytest.raises(TypeError):
        watch.opinion_alerts(PR, 1)  # a bool, not an int
    assert alerts_state(watch) == before
    for call in (lambda: watch.handle_alert(MARKETER, second), lambda: watch.opinion_alerts(MARKETER)):
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            call()
        assert info.value.permission == "opinion.handle"


def test_bad_mention_rows_are_reported_while_good_rows_land(watch):
    rows = [
        mention("兰朵差评"),
        mention("x", platform="Wei Bo"),
        mention("x", url="javascript:alert(1)"),
        mention("x", at=START + timedelta(days=2)),
        mention(""),
        mention("x", author="a\x00b"),
        mention("x", reach=-5),
        mention("x", reach=2**64),
        mention("x", reach=2**63),
        mention("x", platform="'; DROP TABLE mention; --\x00\u202e" + "x" * 100),
        brandrail.NewMention("weibo", "b", "澜朵 投诉", START, reach=None, url=None),
    ]
    r = watch.record_mentions(PR, rows)
    assert (r.rows, r.recorded) == (11, 2)
    assert [(e.row, e.field, e.code) for e in r.errors] == [
        (1, "platform", "validation"),
        (2, "url", "validation"),
        (3, "at", "validation"),
        (4, "text", "validation"),
        (5, "author", "validation"),
        (6, "reach", "validation"),
        (7, "reach", "validation"),
        (8, "reach", "validation"),
        (9, "platform", "validation"),
    ]
    assert (r.errors[5].message, r.errors[6].message, r.errors[7].message) == (
        "must not be negative", "is too large", "is too large",
    )
    for e in r.errors:
        assert "javascript" not in e.message and "\x00" not in e.message and "\u202e" not in e.message, e
        assert len(e.message) < 200 and not e.message.startswith(e.field), e
    # No message holds the value, a refused platform's included.
    assert all("DROP" not in e.message and "Wei Bo" not in e.message for e in r.errors)
    assert r.errors[0].message == r.errors[-1].message == "must be an identifier (a-z, 0-9, '.', '_', '-')"
    assert r.mention_ids == [1] + [None] * 9 + [2]
    assert [a.mention_id for a in r.alerts] == [1, 2]
    (batch,) = watch.audit_query(EXEC, action="opinion.record")
    assert batch.detail == "rows=11 recorded=2 alerts=2 refused=9"


@pytest.mark.parametrize(
    ("mentions", "error", "at"),
    [
        (42, TypeError, "mentions"),
        ("澜朵差评", TypeError, "mentions"),
        (mention("澜朵差评"), TypeError, "mentions"),
        (brandrail.NewMention("weibo", "a", "澜朵差评", START), TypeError, "mentions"),
        ([None], TypeError, "mentions[0]"),
        ([("weibo", "a", "b", START)], TypeError, "mentions[0]"),
        ([mention("x"), {"platform": "weibo", "author": "a", "text": "b"}], TypeError, "mentions[1].at"),
        ([{**mention("x"), "likes": 3}], TypeError, "mentions[0]"),
        ([mention("x", reach="500")], TypeError, "mentions[0].reach"),
        ([mention("x", reach=True)], TypeError, "mentions[0].reach"),
        ([mention("x", reach=5.0)], TypeError, "mentions[0].reach"),
        ([mention("x", at="2026-06-01T07:00:00Z")], TypeError, "mentions[0].at"),
        ([mention("x", url=b"https://x")], TypeError, "mentions[0].url"),
        ([{**mention("x"), "text": None}], TypeError, "mentions[0].text"),
        ([mention("x", at=datetime(2026, 6, 1, 7))], brandrail.ValidationError, "mentions[0].at"),
    ],
)
def test_mentions_of_the_wrong_shape_raise_and_change_nothing(watch, mentions, error, at):
    watch.record_mentions(PR, [mention("兰朵差评")])
    before = alerts_state(watch)
    with pytest.raises(error) as info:
        watch.record_mentions(PR, mentions)
    if error is brandrail.ValidationError:
        assert info.value.field == at
    else:
        assert str(info.value).startswith(at), str(info.value)
    assert alerts_state(watch) == before


def test_mentions_need_opinion_handle(watch):
    before = alerts_state(watch)
    for actor in (MARKETER, BOSS, "ghost"):
        with pytest.raises(brandrail.PermissionDeniedError) as info:
            watch.record_mentions(actor, [mention("兰朵差评")])
        assert info.value.permission == "opinion.handle"
    n, alerts, crises = before
    assert alerts_state(watch) == (n + 3, alerts, crises)
    # Customer service gives the first response to public opinion too.
    assert watch.record_mentions(KF, [mention("兰朵差评")]).recorded == 1


def test_without_brand_names_every_mention_is_about_the_brand(svc, tmp_path):
    r = svc.record_mentions(PR, [mention("质量问题太多了，差评"), mention("天气不错")])
    assert [a.severity for a in r.alerts] == ["sensitive"]
    # The mention's author and text are sealed at rest.
    engine = staff(brandrail.Engine.open(tmp_path / "watch.sqlite", secret_key=KEY))
    engine.record_mentions(PR, [mention("欧阳娜娜说质量问题太多了", author="欧阳娜娜")])
    del engine
    assert "欧阳娜娜".encode() not in file_bytes(tmp_path)


def test_gil_is_released_while_mentions_are_recorded(watch):
    rows = [mention(f"兰朵差评 第{i}条") for i in range(20_000)]
    done: list[brandrail.MentionReport] = []
    started = threading.Event()

    def record():
        started.set()
        done.append(watch.record_mentions(PR, rows))

    worker = threading.Thread(target=record, daemon=True)
    worker.start()
    started.wait()
    ticks = 0
    t0 = time.perf_counter()
    while worker.is_alive():
        ticks += 1  # needs the GIL: only advances while the batch runs without it
        time.sleep(0.001)
    worker.join(120)
    took = time.perf_counter() - t0
    assert done and done[0].recorded == 20_000 and len(done[0].alerts) == 20_000
    assert took > 0.05, "batch too small to measure"
    assert ticks > 10, f"{ticks} ticks in {took:.3f}s"
