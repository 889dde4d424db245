"""CON-4..CON-8 through the Python API, following core's tests/publishing.rs:
the pre-publish checklist as a report and as the gate of review, scheduling
and publication (CON-4, CON-5); the asset library with UGC authorization and
confidentiality labels (CON-6); the publishing plan with cadence, caps, slots
and backlog (CON-7); hot dates, themes, A/B variants and derivatives (CON-8).
Bad input (wrong Python types, empty and hostile strings, unknown ids,
missing permissions) raises the binding's typed errors and changes nothing."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta, timezone

import pytest

import brandrail
from conftest import utc

START = utc(2026, 11, 2, 2)  # Monday 2026-11-02, 10:00 in Shanghai
SHANGHAI = timezone(timedelta(hours=8))
ADMIN, MARKETER, BRAND, BRAND2, LEGAL, EXEC, SALES = (
    "it.admin", "li.na", "chen.jie", "wu.fan", "sun.li", "zhao.min", "qian.yu",
)
HOSTILE = [
    "'); DROP TABLE asset;--",  # SQL is just text: accepted where text is
]
REFUSED_TEXT = [
    "",  # empty
    "   ",  # blank
    "a\x00b",  # NUL
    "a\x1bb",  # escape
    "x\u202e",  # right-to-left override
    "\u2066x\u2069",  # bidi isolate
]


@pytest.fixture
def e() -> brandrail.Engine:
    """The company of core's publishing tests, on a manual clock."""
    engine = brandrail.Engine.in_memory(clock_start=START)
    engine.bootstrap(handle=ADMIN, display_name="IT", department="it")
    for handle, department in [
        (MARKETER, "marketing"), (BRAND, "brand"), (BRAND2, "brand"), (LEGAL, "legal"),
        (EXEC, "executive"), (SALES, "sales"),
    ]:
        engine.create_principal(ADMIN, handle=handle, display_name=handle, department=department)
    return engine


def local(day: str, hh: int, mm: int = 0) -> datetime:
    """Local Shanghai time (an aware datetime; any zone is accepted)."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hh, mm, tzinfo=SHANGHAI)


def policy(e: brandrail.Engine, toml: str) -> None:
    e.replace_policy(EXEC, e.policy().overlay_toml(toml))


def image(e: brandrail.Engine, name: str, label: str = "public") -> int:
    return e.add_asset(
        BRAND, kind="image", name=name, uri=f"oss://brand/{name}.png", source="internal", label=label
    ).id


def approved(e: brandrail.Engine, body: str, plan: dict, **details) -> int:
    """An item planned with `plan`, written with `details`, approved by brand."""
    item = e.plan_content(MARKETER, **plan)
    e.edit_content(MARKETER, item.id, title=item.title, body=body, **details)
    review = e.submit_content(MARKETER, item.id).approval_id
    e.approve(BRAND, review, comment="ok")
    assert e.content_item(item.id).state == "approved"
    return item.id


def video(title: str, ugc: bool = False) -> dict:
    return {"kind": "short_video", "title": title, "channel": "douyin", "ugc": ugc}


def utf16(text: str, start: int, end: int) -> str:
    """`text` sliced in UTF-16 code units, as a JavaScript front end would."""
    raw = text.encode("utf-16-le")
    return raw[2 * start:2 * end].decode("utf-16-le")


def test_value_sets():
    assert brandrail.CHECK_KINDS == (
        "link_malformed", "link_domain", "asset_missing", "asset_retired", "asset_confidential",
        "asset_unauthorized", "field_missing", "ad_label_missing", "brand_spelling",
        "video_length", "paragraph_spacing", "template", "font", "palette",
    )
    assert brandrail.ASSET_KINDS == ("image", "video", "audio", "template", "document", "content")
    assert brandrail.ASSET_SOURCES == ("internal", "agency", "licensed", "ugc")
    assert brandrail.ASSET_STATES == ("active", "retired")
    assert brandrail.CONFIDENTIALITY_LABELS == ("public", "internal", "confidential", "secret")
    assert brandrail.PLAN_ISSUE_KINDS == (
        "over_frequency", "missed_cadence", "ugc_shortfall", "mix_missing", "backlog",
        "slot_conflict", "off_slot", "hot_date_uncovered",
    )
    assert brandrail.VARIANT_KINDS == ("title", "copy")
    assert brandrail.VARIANT_STYLES == ("number", "question", "plain")
    assert "assets" in brandrail.REQUIRED_FIELD_NAMES and "theme" in brandrail.REQUIRED_FIELD_NAMES


# ------------------------------------------------------------------ CON-4


def test_con4_links_assets_fields_and_ad_label_make_one_report_and_gate_review(e):
    policy(e, '[content]\nallowed_link_domains = ["brand.com"]\n'
              'required_fields = ["title", "body", "channel", "assets"]\n')
    public = image(e, "scarf")
    internal = image(e, "draft-board", "internal")
    retired = image(e, "old-logo")
    e.retire_asset(BRAND, retired)

    ad = e.plan_content(MARKETER, kind="ad_creative", title="秋冬新品", channel="weibo", is_ad=True)
    body = ("围巾上新，详情见 https://shop.brand.com/a?b=1 与 https://evil.cn/x，"
            "旧链接 http://bad_host/ 以及 javascript:alert(1)。")
    e.edit_content(MARKETER, ad.id, title="秋冬新品", body=body,
                   assets=[public, internal, retired, 9999])
    r = e.prepublish_check(ad.id)
    assert (r.passed, r.item_id, r.version) == (False, ad.id, 1)
    assert [i.check for i in r.issues] == [
        "link_domain", "link_malformed", "link_malformed",
        "asset_confidential", "asset_retired", "asset_missing", "ad_label_missing",
    ]
    assert r.blocking == 7 and all(i.severity == "block" for i in r.issues)
    # Offsets are Python str indexes into the field and slice the link exactly.
    in_body = [i for i in r.issues if i.field == "body" and i.start is not None]
    assert len(in_body) == 3
    for i in in_body:
        assert body[i.start:i.end] == i.matched
        assert utf16(body, i.utf16_start, i.utf16_end) == i.matched
    assert r.issues[0].matched == "https://evil.cn/x"
    assert r.issues[0].suggestion == "link to one of: brand.com"
    assert [i.matched for i in r.issues[3:6]] == [str(internal), str(retired), "9999"]
    assert all(i.rule == "CON-4" for i in r.issues)
    assert r.title_findings == [] and r.body_findings == []

    # The gate: refused, typed, nothing changed.
    n = e.audit_len()
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.submit_content(MARKETER, ad.id)
    assert err.value.rule == "CON-4" and "link_domain" in str(err.value)
    assert e.audit_len() == n
    assert e.content_item(ad.id).state == "in_production"

    # Fixed: allowed links, a public asset, the ad label.
    e.edit_content(MARKETER, ad.id, title="秋冬新品",
                   body="【广告】围巾上新，详情见 https://shop.brand.com/a?b=1。", assets=[public])
    r = e.prepublish_check(ad.id)
    assert r.passed and r.issues == [] and r.blocking == 0
    assert e.submit_content(MARKETER, ad.id).state == "in_review"

    # A required field missing.
    note = e.plan_content(MARKETER, kind="image_post", title="上新", channel="weibo")
    e.edit_content(MARKETER, note.id, title="上新", body="秋冬上新。")
    [issue] = e.prepublish_check(note.id).issues
    assert (issue.check, issue.field, issue.start, issue.utf16_start) == ("field_missing", "assets", None, None)
    with pytest.raises(brandrail.PolicyViolationError):
        e.submit_content(MARKETER, note.id)

    # Unknown items, items without a version, wrong types.
    with pytest.raises(brandrail.NotFoundError) as nf:
        e.prepublish_check(424242)
    assert (nf.value.entity, nf.value.id) == ("content", "424242")
    empty = e.plan_content(MARKETER, kind="article", title="空", channel="zhihu")
    with pytest.raises(brandrail.ConflictError):
        e.prepublish_check(empty.id)
    with pytest.raises(TypeError):
        e.prepublish_check("1")


def test_con4_utf16_offsets_differ_from_str_indexes_past_an_emoji(e):
    policy(e, '[content]\nallowed_link_domains = ["brand.com"]\n')
    item = e.plan_content(MARKETER, kind="image_post", title="🧣 上新", channel="weibo")
    body = "🧣🧣 冬天到了 https://evil.cn/x"
    e.edit_content(MARKETER, item.id, title="🧣 https://evil.cn/t", body=body)
    title_issue, body_issue = e.prepublish_check(item.id).issues
    assert (title_issue.field, title_issue.start, title_issue.utf16_start) == ("title", 2, 3)
    assert (body_issue.start, body_issue.utf16_start) == (8, 10)
    assert body[body_issue.start:body_issue.end] == body_issue.matched == "https://evil.cn/x"
    assert utf16(body, body_issue.utf16_start, body_issue.utf16_end) == body_issue.matched


def test_con4_an_asset_retired_after_approval_stops_publication(e):
    img = image(e, "scarf")
    item_id = approved(e, "秋冬围巾上新。", {"kind": "image_post", "title": "围巾", "channel": "weibo"},
                       assets=[img])
    e.retire_asset(BRAND, img)
    n = e.audit_len()
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.publish_content(BRAND, item_id)
    assert err.value.rule == "CON-4" and "asset_retired" in str(err.value)
    with pytest.raises(brandrail.PolicyViolationError):
        e.schedule_content(MARKETER, item_id, START + timedelta(days=1))
    assert e.content_item(item_id).state == "approved"
    assert e.audit_len() == n


def test_checklist_results_are_frozen_values(e):
    policy(e, '[content]\nallowed_link_domains = ["brand.com"]\n')
    item = e.plan_content(MARKETER, kind="image_post", title="上新", channel="weibo")
    e.edit_content(MARKETER, item.id, title="全网最佳", body="见 https://evil.cn/x")
    r = e.prepublish_check(item.id)
    assert r == e.prepublish_check(item.id)
    assert [f.rule_id for f in r.title_findings] == ["ABS-001"] and r.body_findings == []
    assert r.blocking == 2 and not r.passed
    assert repr(r) == (f"ChecklistReport(item_id={item.id}, version=1, passed=False, blocking=2, "
                       "checks=['link_domain'], finding_rules=['ABS-001'])")
    d = r.to_dict()
    assert list(d) == ["item_id", "version", "passed", "blocking", "issues", "title_findings", "body_findings"]
    assert d["issues"][0] == {
        "rule": "CON-4", "check": "link_domain", "severity": "block", "field": "body",
        "message": "links to evil.cn, which is not an allowed domain", "matched": "https://evil.cn/x",
        "start": 2, "end": 19, "utf16_start": 2, "utf16_end": 19,
        "suggestion": "link to one of: brand.com",
    }
    assert d["title_findings"][0]["rule_id"] == "ABS-001"
    assert repr(r.issues[0]).startswith("ChecklistIssue(rule='CON-4', check='link_domain'")
    with pytest.raises(AttributeError):
        r.passed = True
    with pytest.raises(AttributeError):
        r.issues[0].severity = "warn"
    # The gate names the compliance rule first.
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.submit_content(MARKETER, item.id)
    assert err.value.rule == "CON-3"


# ------------------------------------------------------------------ CON-5


def test_con5_brand_spelling_video_length_spacing_and_vi_elements(e):
    policy(e, '[content]\nbrand_names = [{ canonical = "BrandRail", wrong = ["Brandrail", "BrandRial", "布兰德瑞"] }]\n'
              '[content.layout]\napproved_fonts = ["思源黑体"]\napproved_palettes = ["autumn-2026"]\n'
              'approved_templates = ["poster-a"]\n')
    art = e.plan_content(MARKETER, kind="article", title="Brandrail 秋冬", channel="wechat_official_account")
    body = "BrandRail 与 BrandRial 以及 布兰德瑞：BrandRail Pro。"
    e.edit_content(MARKETER, art.id, title="Brandrail 秋冬", body=body, paragraph_spacing=1.2,
                   template="poster-z", fonts=["思源黑体", "Comic Sans"], palette="neon")
    r = e.prepublish_check(art.id)
    assert [(i.check, i.field, i.matched) for i in r.issues] == [
        ("brand_spelling", "title", "Brandrail"),
        ("brand_spelling", "body", "BrandRial"),
        ("brand_spelling", "body", "布兰德瑞"),
        ("paragraph_spacing", "paragraph_spacing", None),
        ("template", "template", None),
        ("font", "fonts", "Comic Sans"),
        ("palette", "palette", None),
    ]
    assert all(i.rule == "CON-5" for i in r.issues)
    assert r.issues[0].suggestion == "BrandRail"
    assert (r.issues[1].start, r.issues[1].end) == (12, 21)
    assert body[12:21] == "BrandRial" and body[r.issues[2].start:r.issues[2].end] == "布兰德瑞"
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.submit_content(MARKETER, art.id)
    assert err.value.rule == "CON-5"

    # A template in the asset library is approved too.
    e.add_asset(BRAND, kind="template", name="poster-z", uri="oss://vi/poster-z.psd",
                source="internal", label="public")
    e.edit_content(MARKETER, art.id, title="BrandRail 秋冬", body="BrandRail 秋冬系列。",
                   paragraph_spacing=1.5, template="poster-z", fonts=["思源黑体"], palette="autumn-2026")
    assert e.prepublish_check(art.id).passed

    # A text edit keeps the details; declaring any detail replaces them all.
    e.edit_content(MARKETER, art.id, title="BrandRail 秋冬", body="BrandRail。")
    v3 = e.content_versions(art.id)[-1]
    assert v3.details.paragraph_spacing == 1.5 and v3.details.fonts == ["思源黑体"]
    e.edit_content(MARKETER, art.id, title="BrandRail 秋冬", body="BrandRail。", palette="autumn-2026")
    v4 = e.content_versions(art.id)[-1].details
    assert (v4.paragraph_spacing, v4.template, v4.fonts, v4.palette) == (None, None, [], "autumn-2026")
    warn = e.prepublish_check(art.id)
    assert warn.passed and [(i.check, i.severity) for i in warn.issues] == [("paragraph_spacing", "warn")]
    # ... and an older version's details go back in through to_dict().
    e.edit_content(MARKETER, art.id, title="BrandRail 秋冬", body="BrandRail。", **v3.details.to_dict())
    assert e.content_versions(art.id)[-1].details == v3.details
    assert v3.details.to_dict() == {
        "duration_seconds": None, "paragraph_spacing": 1.5, "template": "poster-z",
        "fonts": ["思源黑体"], "palette": "autumn-2026", "assets": [],
    }
    assert repr(v3.details).startswith("VersionDetails(duration_seconds=None, paragraph_spacing=1.5")

    # Short video: 15-60 s, declared.
    v = e.plan_content(MARKETER, **video("开箱"))
    for seconds, ok in [(None, False), (14, False), (15, True), (60, True), (61, False)]:
        details = {"duration_seconds": seconds} if seconds is not None else {"assets": []}
        e.edit_content(MARKETER, v.id, title="开箱", body="开箱视频脚本。", **details)
        r = e.prepublish_check(v.id)
        assert r.passed == ok, (seconds, r.issues)
        if not ok:
            assert r.issues[0].check in ("video_length", "field_missing")


def test_con4_con5_hostile_and_out_of_range_details_are_refused_unchanged(e):
    item = e.plan_content(MARKETER, **video("开箱"))
    n = e.audit_len()
    invalid = [
        ("duration_seconds", 0),
        ("duration_seconds", 86_401),
        ("duration_seconds", -1),
        ("duration_seconds", 2**40),
        ("paragraph_spacing", math.nan),
        ("paragraph_spacing", math.inf),
        ("paragraph_spacing", -1.5),
        ("paragraph_spacing", 0),
        ("paragraph_spacing", 10**400),
        ("template", "poster\x00'; DROP TABLE content_item;--"),
        ("template", "poster\u202e"),
        ("template", ""),
        ("palette", "a\x1bb"),
        ("fonts", [""]),
        ("fonts", ["f"] * 21),
        ("fonts", ["x\u202e"]),
        ("assets", [1, 1]),
        ("assets", [-3]),
        ("assets", [0]),
        ("assets", list(range(1, 502))),
        ("assets", [2**70]),
    ]
    for field, value in invalid:
        with pytest.raises(brandrail.ValidationError) as err:
            e.edit_content(MARKETER, item.id, title="开箱", body="脚本", **{field: value})
        assert err.value.field.split("[")[0] == field, (field, value, err.value.field)
    wrong_types = [
        ("duration_seconds", True),
        ("duration_seconds", "30"),
        ("duration_seconds", 30.0),
        ("paragraph_spacing", "1.5"),
        ("paragraph_spacing", True),
        ("template", 5),
        ("palette", b"neon"),
        ("fonts", "思源黑体"),  # a lone str is not a list of fonts
        ("fonts", [1]),
        ("assets", "12"),
        ("assets", 12),
        ("assets", [1.0]),
        ("assets", [True]),
    ]
    for field, value in wrong_types:
        with pytest.raises(TypeError, match=field):
            e.edit_content(MARKETER, item.id, title="开箱", body="脚本", **{field: value})
    with pytest.raises(TypeError):
        e.edit_content(MARKETER, item.id, title="开箱", body="脚本", duration=30)  # no such keyword
    with pytest.raises(brandrail.NotFoundError):
        e.edit_content(MARKETER, 999, title="开箱", body="脚本", duration_seconds=30)
    assert e.audit_len() == n
    assert e.content_item(item.id).version == 0

    # Bad policy values are refused with their path.
    p = e.policy()
    for toml, path in [
        ('[content]\nrequired_fields = ["title", "colour"]', "content.required_fields[1]"),
        ('[content]\nhot_dates = [{ name = "x", kind = "holiday", on = "02-30" }]', "content.hot_dates[0].on"),
        ('[content]\nhot_dates = [{ name = "x", kind = "Holiday!", on = "02-03" }]', "content.hot_dates[0].kind"),
        ('[[content.cadence]]\nchannel = "douyin"\nkind = "reel"\nperiod = "day"\ntarget = 1',
         "content.cadence[0].kind"),
    ]:
        with pytest.raises(brandrail.ValidationError) as err:
            p.overlay_toml(toml)
        assert err.value.field == path


# ------------------------------------------------------------------ CON-6


def ugc_args(**overrides) -> dict:
    args = {"kind": "video", "name": "用户开箱", "uri": "oss://ugc/unbox.mp4", "source": "ugc", "label": "public"}
    args.update(overrides)
    return args


def signed(signed_at: datetime, expires_at=None) -> dict:
    return {"granted_by": "小红薯 @mia", "reference": "AUTH-2026-118", "signed_at": signed_at,
            "expires_at": expires_at, "scope": "douyin, xiaohongshu; 12 months"}


def test_con6_ugc_needs_a_signed_authorization_in_force(e):
    n = e.audit_len()
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.add_asset(BRAND, **ugc_args())
    assert err.value.rule == "CON-6"
    with pytest.raises(brandrail.PolicyViolationError, match="expired"):
        e.add_asset(BRAND, **ugc_args(authorization=signed(START - timedelta(days=400), START - timedelta(days=35))))
    with pytest.raises(brandrail.ValidationError) as err:
        e.add_asset(BRAND, **ugc_args(authorization=signed(START + timedelta(days=1))))
    assert err.value.field == "authorization.signed_at"
    with pytest.raises(brandrail.ValidationError) as err:
        e.add_asset(BRAND, **ugc_args(authorization=signed(START, START - timedelta(days=1))))
    assert err.value.field == "authorization.expires_at"
    # Bad authorizations in Python: naive times, wrong types, unknown or missing keys.
    with pytest.raises(brandrail.ValidationError) as err:
        e.add_asset(BRAND, **ugc_args(authorization=signed(datetime(2026, 11, 1))))
    assert err.value.field == "authorization.signed_at"
    with pytest.raises(brandrail.ValidationError) as err:
        brandrail.UgcAuthorization(granted_by="a", reference="r", signed_at=datetime(2026, 11, 1), scope="s")
    assert err.value.field == "signed_at"
    for bad in [
        "AUTH-2026-118",
        ["小红薯 @mia"],
        {**signed(START), "signature": "x"},
        {k: v for k, v in signed(START).items() if k != "reference"},
        {**signed(START), "signed_at": "2026-11-01T00:00:00Z"},
        {**signed(START), "granted_by": 42},
    ]:
        with pytest.raises(TypeError, match="authorization"):
            e.add_asset(BRAND, **ugc_args(authorization=bad))
    with pytest.raises(TypeError):
        brandrail.UgcAuthorization("a", "r", START, "s")  # keyword-only
    for field in ("granted_by", "reference", "scope"):
        for text in REFUSED_TEXT:
            with pytest.raises(brandrail.ValidationError) as err:
                e.add_asset(BRAND, **ugc_args(authorization={**signed(START), field: text}))
            assert err.value.field == f"authorization.{field}"
    assert e.audit_len() == n, "refusals change nothing"
    assert e.assets(BRAND) == []

    auth = brandrail.UgcAuthorization(granted_by="小红薯 @mia", reference="AUTH-2026-118",
                                      signed_at=START - timedelta(days=1),
                                      expires_at=START + timedelta(days=30), scope="douyin; 12 months")
    a = e.add_asset(BRAND, **ugc_args(authorization=auth))
    assert (a.owner, a.department, a.source, a.state, a.authorization) == (BRAND, "brand", "ugc", "active", auth)
    assert auth.to_dict()["expires_at"] == START + timedelta(days=30)
    # The dict form gives the same authorization.
    b = e.add_asset(BRAND, **ugc_args(authorization=auth.to_dict()))
    assert b.authorization == auth
    assert a.authorized_at(START) and not a.authorized_at(START + timedelta(days=30))
    assert not a.authorized_at(START - timedelta(days=2))
    with pytest.raises(brandrail.ValidationError):
        a.authorized_at(datetime(2026, 11, 3))
    # Marketing cannot add to the library.
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.add_asset(MARKETER, **ugc_args(authorization=auth))
    assert (err.value.reason, err.value.permission) == ("missing_permission", "asset.manage")

    # Content using it publishes while the authorization runs, not after.
    item_id = approved(e, "用户开箱视频。", video("用户开箱", ugc=True), duration_seconds=30, assets=[a.id])
    e.advance_clock(timedelta(days=31))
    r = e.prepublish_check(item_id)
    assert (r.issues[0].check, r.issues[0].rule, r.issues[0].matched) == ("asset_unauthorized", "CON-6", str(a.id))
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.publish_content(BRAND, item_id)
    assert err.value.rule == "CON-6"


def test_con6_labels_restrict_who_reads_and_reads_are_audited(e):
    secret = e.add_asset(BRAND, kind="document", name="2027 新品路线图", uri="oss://brand/roadmap.pdf",
                         source="internal", label="secret", readers=[EXEC])
    assert secret.readers == [EXEC]
    conf = image(e, "campaign-draft", "confidential")
    internal = image(e, "team-photo", "internal")

    # Secret: owner and named readers only; a brand colleague is refused as not cleared.
    assert e.asset(BRAND, secret.id).id == secret.id
    assert e.asset(EXEC, secret.id) == secret
    n = e.audit_len()
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.asset(BRAND2, secret.id)
    assert (err.value.code, err.value.reason) == ("permission_denied", "not_cleared")
    assert (err.value.principal, err.value.permission) == (BRAND2, "asset.read:secret")
    assert isinstance(err.value, PermissionError)
    assert e.audit_len() == n + 1, "the refusal is audited"
    # Confidential: the department (brand) and asset managers; not sales.
    assert e.asset(BRAND2, conf).label == "confidential"
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.asset(SALES, conf)
    assert err.value.reason == "not_cleared"
    assert e.asset(SALES, internal).id == internal

    # Listing shows only what one may read; filters narrow it.
    def ids(who, **filters):
        return [a.id for a in e.assets(who, **filters)]

    assert ids(BRAND) == [secret.id, conf, internal]
    assert ids(BRAND2) == [conf, internal]
    assert ids(SALES) == [internal]
    assert ids(BRAND, label="secret") == [secret.id]
    assert ids(BRAND, kind="document") == [secret.id]
    assert ids(BRAND, kind="video") == []
    with pytest.raises(brandrail.ValidationError) as err:
        e.assets(BRAND, label="top_secret")
    assert err.value.field == "label" and "confidential" in str(err.value)
    with pytest.raises(brandrail.ValidationError) as err:
        e.assets(BRAND, kind="'; DROP TABLE asset;--")
    assert err.value.field == "kind"
    with pytest.raises(TypeError):
        e.assets(BRAND, "image")  # filters are keyword-only
    with pytest.raises(TypeError):
        e.assets(BRAND, include_retired="yes")
    # Reads of confidential and secret assets are in the log.
    reads = e.audit_query(EXEC, action="asset.read")
    assert len(reads) == 5

    # Relabel: sales may read once named; the readers are replaced.
    relabelled = e.relabel_asset(BRAND, conf, "secret", [SALES])
    assert (relabelled.label, relabelled.readers) == ("secret", [SALES])
    assert e.asset(SALES, conf).id == conf
    with pytest.raises(brandrail.PermissionDeniedError):
        e.asset(BRAND2, conf)
    # wu.fan manages assets but may not relabel what he cannot read.
    n = e.audit_len()
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.relabel_asset(BRAND2, conf, "public", [])
    assert err.value.reason == "not_cleared"
    with pytest.raises(brandrail.NotFoundError) as err:
        e.relabel_asset(BRAND, conf, "secret", ["nobody"])
    assert err.value.entity == "principal"
    with pytest.raises(TypeError):
        e.relabel_asset(BRAND, conf, "secret", SALES)  # a lone str is not a list of readers
    with pytest.raises(brandrail.ValidationError):
        e.relabel_asset(BRAND, conf, "Secret", [])
    assert e.asset(BRAND, conf).readers == [SALES]
    assert e.audit_len() == n + 2  # the audited refusal and the owner's audited read

    # Unknown ids, unknown and deactivated principals.
    with pytest.raises(brandrail.NotFoundError) as err:
        e.asset(BRAND, 999)
    assert (err.value.entity, err.value.id) == ("asset", "999")
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.asset("ghost", internal)
    assert err.value.reason == "unknown_principal"
    e.deactivate_principal(ADMIN, EXEC)
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.asset(EXEC, secret.id)
    assert err.value.reason == "deactivated"
    with pytest.raises(TypeError):
        e.asset(BRAND, "1")


def test_con6_bad_asset_input_is_refused_unchanged(e):
    n = e.audit_len()
    args = {"kind": "image", "name": "x", "uri": "oss://x", "source": "internal", "label": "public"}
    for name in REFUSED_TEXT:
        with pytest.raises(brandrail.ValidationError) as err:
            e.add_asset(BRAND, **{**args, "name": name})
        assert err.value.field == "name"
    for uri in ["", "oss://a b", "oss://a\x00b", "oss://a\nb", "o" * 2049]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.add_asset(BRAND, **{**args, "uri": uri})
        assert err.value.field == "uri"
    for field, value in [("kind", "gif"), ("kind", "content"), ("source", "stolen"), ("label", "PUBLIC")]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.add_asset(BRAND, **{**args, field: value})
        assert err.value.field == field
    with pytest.raises(brandrail.ValidationError):
        e.add_asset(BRAND, **{**args, "readers": ["Not A Handle"]})
    with pytest.raises(brandrail.NotFoundError):
        e.add_asset(BRAND, **{**args, "readers": ["nobody"]})
    for field, value in [("name", None), ("kind", 1), ("readers", "li.na"), ("readers", [1])]:
        with pytest.raises(TypeError):
            e.add_asset(BRAND, **{**args, field: value})
    with pytest.raises(TypeError):
        e.add_asset(BRAND, "image", "x", "oss://x", "internal", "public")  # keyword-only
    assert e.audit_len() == n
    assert e.assets(BRAND, include_retired=True) == []

    # SQL is just text; the asset reads back as written.
    a = e.add_asset(BRAND, **{**args, "name": HOSTILE[0], "uri": "oss://x?q=';--"})
    assert (e.asset(SALES, a.id).name, a.uri) == (HOSTILE[0], "oss://x?q=';--")
    retired = e.retire_asset(BRAND, a.id)
    assert (retired.state, retired.retired_at) == ("retired", START)
    assert e.assets(BRAND) == [] and e.assets(BRAND, include_retired=True) == [retired]
    n = e.audit_len()
    with pytest.raises(brandrail.ConflictError):
        e.retire_asset(BRAND, a.id)
    with pytest.raises(brandrail.NotFoundError):
        e.retire_asset(BRAND, 4242)
    assert e.audit_len() == n
    with pytest.raises(brandrail.PermissionDeniedError):
        e.retire_asset(MARKETER, a.id)

    d = retired.to_dict()
    assert list(d) == [
        "id", "kind", "name", "uri", "source", "label", "department", "owner", "state",
        "authorization", "content_id", "readers", "created_at", "retired_at",
    ]
    assert repr(retired).startswith(f"Asset(id={a.id}, kind='image'")
    with pytest.raises(AttributeError):
        retired.label = "secret"


def test_con6_approved_content_enters_the_library_unapproved_does_not(e):
    draft = e.plan_content(MARKETER, kind="article", title="草稿", channel="zhihu")
    n = e.audit_len()
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.archive_content(BRAND, draft.id, "public")
    assert err.value.rule == "CON-6"
    with pytest.raises(brandrail.NotFoundError):
        e.archive_content(BRAND, 777, "public")
    with pytest.raises(brandrail.ValidationError):
        e.archive_content(BRAND, draft.id, "open")
    assert e.audit_len() == n
    item_id = approved(e, "秋冬上新。", {"kind": "image_post", "title": "秋冬", "channel": "weibo"})
    a = e.archive_content(BRAND, item_id, "internal")
    assert (a.kind, a.content_id, a.uri, a.label, a.name) == ("content", item_id, f"content:{item_id}/v1", "internal", "秋冬")
    with pytest.raises(brandrail.PermissionDeniedError):
        e.archive_content(MARKETER, item_id, "public")


# ------------------------------------------------------------------ CON-7


def test_con7_the_cap_refuses_a_third_douyin_video_on_one_day(e):
    day = "2026-11-04"
    ids = [approved(e, "脚本。", video(f"短视频{i}", ugc=i == 0), duration_seconds=30) for i in range(3)]
    e.schedule_content(MARKETER, ids[0], local(day, 12))
    e.schedule_content(MARKETER, ids[1], local(day, 18))
    n = e.audit_len()
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.schedule_content(MARKETER, ids[2], local(day, 20))
    assert err.value.rule == "CON-7" and "douyin" in str(err.value)
    assert e.audit_len() == n
    assert e.content_item(ids[2]).state == "approved"
    # The next day has room; rescheduling an item within its day is fine.
    assert e.schedule_content(MARKETER, ids[2], local("2026-11-05", 12)).state == "scheduled"
    assert e.schedule_content(MARKETER, ids[1], local(day, 12)).scheduled_at == local(day, 12)


def test_con7_the_week_plan_reports_cadence_ugc_mix_slots_and_backlog(e):
    # Douyin on Wednesday: a UGC video at 12:00 and another at 12:00 too (conflict).
    a = approved(e, "脚本。", video("UGC 开箱", ugc=True), duration_seconds=20)
    b = approved(e, "脚本。", video("工厂探访"), duration_seconds=45)
    e.schedule_content(MARKETER, a, local("2026-11-04", 12))
    e.schedule_content(MARKETER, b, local("2026-11-04", 12))
    # Xiaohongshu: a KOC post off-slot at 15:00, no amateur review.
    x = approved(e, "试穿笔记。", {"kind": "image_post", "title": "KOC 试穿", "channel": "xiaohongshu",
                                  "format": "koc"})
    assert e.content_item(x).format == "koc"
    e.schedule_content(MARKETER, x, local("2026-11-05", 15))
    # WeChat: one article published Monday.
    w = approved(e, "正文。", {"kind": "article", "title": "秋冬指南", "channel": "wechat_official_account"},
                 paragraph_spacing=1.75)
    e.publish_content(BRAND, w)
    # Approved and left unscheduled.
    idle = approved(e, "脚本。", video("压箱底"), duration_seconds=30)

    e.advance_clock(timedelta(days=8))
    plan = e.week_plan(date(2026, 11, 4))
    assert (plan.from_, plan.to, plan.time_zone) == (date(2026, 11, 2), date(2026, 11, 8), "Asia/Shanghai")
    assert plan == e.publishing_plan(date(2026, 11, 2), date(2026, 11, 8))
    assert [(p.item_id, p.local_time, p.on_slot) for p in plan.entries] == [
        (w, "10:00", None), (a, "12:00", True), (b, "12:00", True), (x, "15:00", False),
    ]
    entry = plan.entries[1]
    assert (entry.local_date, entry.at, entry.ugc, entry.state, entry.kind) == (
        date(2026, 11, 4), local("2026-11-04", 12), True, "scheduled", "short_video",
    )
    missed = [(i.channel, i.expected, i.actual) for i in plan.issues_of("missed_cadence") if i.channel != "douyin"]
    assert missed == [
        ("wechat_official_account", 3, 1), ("wechat_official_account", 1, 0), ("xiaohongshu", 7, 1),
    ]
    assert len([i for i in plan.issues_of("missed_cadence") if i.channel == "douyin"]) == 6
    ugc = plan.issues_of("ugc_shortfall")
    assert len(ugc) == 6 and all(i.period_start != date(2026, 11, 4) for i in ugc)
    [mix] = plan.issues_of("mix_missing")
    assert "amateur_review" in mix.message
    assert [i.item_ids for i in plan.issues_of("slot_conflict")] == [[a, b]]
    assert [i.item_ids for i in plan.issues_of("off_slot")] == [[x]]
    [backlog] = plan.issues_of("backlog")
    assert (backlog.item_ids, backlog.period_start, backlog.severity) == ([idle], None, "warn")
    assert plan.issues_of("over_frequency") == []
    assert sum(len(plan.issues_of(k)) for k in brandrail.PLAN_ISSUE_KINDS) == len(plan.issues)

    d = plan.to_dict()
    assert list(d) == ["from", "to", "time_zone", "entries", "issues", "hot_dates", "themes"]
    assert d["from"] == date(2026, 11, 2) and d["entries"][0]["item_id"] == w
    assert d["issues"][0] == plan.issues[0].to_dict()
    assert repr(plan).startswith("PublishingPlan(from=datetime.date(2026, 11, 2), to=datetime.date(2026, 11, 8)")
    with pytest.raises(AttributeError):
        plan.to = date(2026, 12, 1)

    # Bad ranges and wrong types.
    for start, end in [(date(2026, 11, 8), date(2026, 11, 1)), (date(2026, 1, 1), date(2027, 3, 1))]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.publishing_plan(start, end)
        assert err.value.field == "to"
    for bad in ["2026-11-04", datetime(2026, 11, 4, tzinfo=timezone.utc), 20261104, None]:
        with pytest.raises(TypeError, match="date"):
            e.week_plan(bad)
    with pytest.raises(TypeError, match="end"):
        e.publishing_plan(date(2026, 11, 2), "2026-11-08")
    with pytest.raises(brandrail.ValidationError) as err:
        e.week_plan(date(9999, 12, 31))  # its Sunday is past the years a date holds
    assert err.value.field == "date"
    with pytest.raises(brandrail.ValidationError) as err:
        plan.issues_of("late")
    assert err.value.field == "kind"
    for year, quarter, field in [(2026, 5, "quarter"), (2026, 0, "quarter"), (2026, -1, "quarter"),
                                 (10000, 1, "year"), (0, 1, "year"), (2**40, 1, "year")]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.quarter_plan(year, quarter)
        assert err.value.field == field
    for year, quarter in [("2026", 4), (2026, 4.0), (2026, True), (None, 1)]:
        with pytest.raises(TypeError):
            e.quarter_plan(year, quarter)


def test_weeks_and_quarters():
    assert brandrail.week_of(date(2026, 11, 22)) == (date(2026, 11, 16), date(2026, 11, 22))
    assert brandrail.week_of(date(2026, 11, 23)) == (date(2026, 11, 23), date(2026, 11, 29))
    assert brandrail.quarter(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert brandrail.quarter(2028, 1) == (date(2028, 1, 1), date(2028, 3, 31))
    for q in (0, 5):
        with pytest.raises(brandrail.ValidationError):
            brandrail.quarter(2026, q)
    with pytest.raises(TypeError):
        brandrail.week_of(datetime(2026, 11, 22, tzinfo=timezone.utc))
    with pytest.raises(TypeError):
        brandrail.quarter(2026, "4")


# ------------------------------------------------------------------ CON-8


def test_con8_quarter_plan_hot_dates_and_themes(e):
    q = e.quarter_plan(2026, 4)
    assert [h.name for h in q.hot_dates] == ["国庆节", "双十一", "双十二", "圣诞节"]
    assert q.hot_dates[1].to_dict() == {"date": date(2026, 11, 11), "name": "双十一", "kind": "shopping_festival"}
    assert len(q.issues_of("hot_date_uncovered")) == 4

    t = e.add_theme(MARKETER, name="双十一 暖冬季", starts=date(2026, 11, 1), ends=date(2026, 11, 15),
                    hot_date="双十一", description="羊绒与围巾")
    assert (t.name, t.starts, t.ends, t.hot_date, t.created_by, t.created_at) == (
        "双十一 暖冬季", date(2026, 11, 1), date(2026, 11, 15), "双十一", MARKETER, START,
    )
    assert repr(t).startswith(f"Theme(id={t.id}, name='双十一 暖冬季'")
    q = e.quarter_plan(2026, 4)
    assert q.themes == [t]
    uncovered = [i.period_start for i in q.issues_of("hot_date_uncovered")]
    assert len(uncovered) == 3 and date(2026, 11, 11) not in uncovered
    assert e.themes(date(2026, 11, 10), date(2026, 11, 30)) == [t]
    assert e.themes(date(2026, 12, 1), date(2026, 12, 31)) == []
    # Lunar holidays sit on their dates of the year.
    spring = [h.date for h in e.hot_dates(date(2027, 1, 1), date(2027, 3, 31)) if h.name == "春节"]
    assert spring == [date(2027, 2, 6)]
    # An item joins the theme; an unknown theme is refused.
    item = e.plan_content(MARKETER, kind="article", title="暖冬", channel="zhihu", theme_id=t.id)
    assert item.theme_id == t.id
    n = e.audit_len()
    with pytest.raises(brandrail.NotFoundError) as err:
        e.plan_content(MARKETER, kind="article", title="暖冬", channel="zhihu", theme_id=99)
    assert (err.value.entity, err.value.id) == ("theme", "99")
    with pytest.raises(TypeError):
        e.plan_content(MARKETER, kind="article", title="暖冬", channel="zhihu", theme_id="1")
    for fmt in ["KOC", "amateur review", "koc\u202e", "'; --"]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.plan_content(MARKETER, kind="article", title="暖冬", channel="zhihu", format=fmt)
        assert err.value.field == "format"
    with pytest.raises(TypeError):
        e.plan_content(MARKETER, kind="article", title="暖冬", channel="zhihu", ugc="yes")

    # Bad themes.
    def theme(**overrides):
        args = {"name": "x", "starts": date(2026, 11, 1), "ends": date(2026, 11, 2)}
        args.update(overrides)
        return e.add_theme(MARKETER, **args)

    for name in REFUSED_TEXT:
        with pytest.raises(brandrail.ValidationError) as err:
            theme(name=name)
        assert err.value.field == "name"
    for starts, ends in [(date(2026, 11, 2), date(2026, 11, 1)), (date(2026, 1, 1), date(2027, 6, 1))]:
        with pytest.raises(brandrail.ValidationError) as err:
            theme(starts=starts, ends=ends)
        assert err.value.field == "ends"
    for description in ["a\x00b", "a\u0007", "x" * 2001]:
        with pytest.raises(brandrail.ValidationError) as err:
            theme(description=description)
        assert err.value.field == "description"
    with pytest.raises(brandrail.NotFoundError) as err:
        theme(hot_date="光棍节")
    assert err.value.entity == "hot_date"
    for field, value in [("starts", "2026-11-01"), ("ends", datetime(2026, 11, 2, tzinfo=timezone.utc)),
                         ("hot_date", 11), ("description", None), ("name", b"x")]:
        with pytest.raises(TypeError):
            theme(**{field: value})
    with pytest.raises(TypeError):
        e.hot_dates("2027-01-01", date(2027, 3, 31))
    with pytest.raises(brandrail.ValidationError):
        e.themes(date(2026, 12, 1), date(2026, 11, 1))
    assert e.audit_len() == n, "refused themes and items change nothing"
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.add_theme(SALES, name="x", starts=date(2026, 11, 1), ends=date(2026, 11, 2))
    assert (err.value.permission, err.value.reason) == ("content.create", "missing_permission")
    assert e.themes(date(2026, 11, 1), date(2026, 11, 30)) == [t]
    # Hostile text that is still text is kept as written.
    kept = theme(name=HOSTILE[0], description="多行\n描述\t'; DROP TABLE theme;--")
    assert (kept.name, kept.description) == (HOSTILE[0], "多行\n描述\t'; DROP TABLE theme;--")


def test_con8_variants_and_derivatives(e):
    item = e.plan_content(MARKETER, kind="article", title="早餐", channel="wechat_official_account")
    e.edit_content(MARKETER, item.id, title="早餐", body="三分钟早餐。", paragraph_spacing=1.5)
    a = e.add_variant(MARKETER, item.id, kind="title", text="3 个理由让你爱上早餐")
    b = e.add_variant(MARKETER, item.id, kind="title", text="为什么早餐只要 3 分钟？")
    c = e.add_variant(MARKETER, item.id, kind="copy", text="一杯热豆浆，开启暖冬早晨。", style="plain")
    assert (a.label, a.style, a.kind, a.item_id, a.created_by) == ("A", "number", "title", item.id, MARKETER)
    assert (b.label, b.style) == ("B", "question")
    assert (c.label, c.kind, c.style) == ("A", "copy", "plain")
    assert (a.impressions, a.clicks, a.click_rate) == (0, 0, None)

    n = e.audit_len()
    # A variant with a banned claim is refused.
    with pytest.raises(brandrail.PolicyViolationError) as err:
        e.add_variant(MARKETER, item.id, kind="title", text="全网最佳早餐")
    assert err.value.rule == "CON-3"
    with pytest.raises(brandrail.NotFoundError):
        e.add_variant(MARKETER, 999, kind="title", text="早餐")
    for text in REFUSED_TEXT:
        with pytest.raises(brandrail.ValidationError) as err:
            e.add_variant(MARKETER, item.id, kind="title", text=text)
        assert err.value.field == "text"
    with pytest.raises(brandrail.ValidationError):
        e.add_variant(MARKETER, item.id, kind="title", text="长" * 201)
    for text in ["", "a\x00b"]:
        with pytest.raises(brandrail.ValidationError):
            e.add_variant(MARKETER, item.id, kind="copy", text=text)
    for field, value in [("kind", "subtitle"), ("style", "emoji")]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.add_variant(MARKETER, item.id, **{"kind": "title", "text": "早餐", field: value})
        assert err.value.field == field
    for field, value in [("kind", 1), ("text", None), ("style", 2)]:
        with pytest.raises(TypeError):
            e.add_variant(MARKETER, item.id, **{"kind": "title", "text": "早餐", field: value})
    with pytest.raises(TypeError):
        e.add_variant(MARKETER, item.id, "title", "早餐")  # keyword-only
    assert e.audit_len() == n
    with pytest.raises(brandrail.PermissionDeniedError):
        e.add_variant(SALES, item.id, kind="title", text="早餐")

    # Results add up; clicks never exceed impressions.
    a = e.record_variant_results(MARKETER, a.id, impressions=1000, clicks=42)
    a = e.record_variant_results(MARKETER, a.id, impressions=1000, clicks=18)
    assert (a.impressions, a.clicks, a.click_rate) == (2000, 60, 0.03)
    assert a.to_dict()["click_rate"] == 0.03
    assert repr(a).startswith(f"ContentVariant(id={a.id}, item_id={item.id}, kind='title', style='number', label='A'")
    n = e.audit_len()
    for impressions, clicks, field in [(10, 11, "clicks"), (2**64 - 1, 0, "impressions"),
                                       (2**64, 0, "impressions"), (-1, 0, "impressions"), (1, -1, "clicks")]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.record_variant_results(MARKETER, b.id, impressions=impressions, clicks=clicks)
        assert err.value.field == field
    for impressions, clicks in [("10", 1), (10.0, 1), (True, 0), (None, 0)]:
        with pytest.raises(TypeError):
            e.record_variant_results(MARKETER, b.id, impressions=impressions, clicks=clicks)
    with pytest.raises(TypeError):
        e.record_variant_results(MARKETER, b.id, 10, 1)  # keyword-only
    with pytest.raises(brandrail.NotFoundError):
        e.record_variant_results(MARKETER, 4242, impressions=1, clicks=0)
    assert e.audit_len() == n
    with pytest.raises(brandrail.PermissionDeniedError) as err:
        e.record_variant_results(BRAND, b.id, impressions=1, clicks=0)
    assert err.value.permission == "metrics.ingest"
    vs = e.content_variants(item.id)
    assert [v.id for v in vs] == [a.id, b.id, c.id]
    assert vs[0] == a and vs[1].impressions == 0
    with pytest.raises(brandrail.NotFoundError):
        e.content_variants(31337)

    # A derivative for Weibo starts from the source's text and links to it.
    d = e.derive_content(MARKETER, item.id, kind="image_post", title="早餐 图文", channel="weibo", format="koc")
    assert (d.source_id, d.state, d.version, d.format, d.owner) == (item.id, "in_production", 1, "koc", MARKETER)
    [v] = e.content_versions(d.id)
    assert (v.title, v.body, v.details.paragraph_spacing) == ("早餐 图文", "三分钟早餐。", 1.5)
    assert e.content_derivatives(item.id) == [d]
    assert e.content_derivatives(d.id) == []
    empty = e.plan_content(MARKETER, kind="article", title="空", channel="zhihu")
    n = e.audit_len()
    with pytest.raises(brandrail.ConflictError):
        e.derive_content(MARKETER, empty.id, kind="sms", title="短信", channel="sms_sender")
    with pytest.raises(brandrail.NotFoundError):
        e.derive_content(MARKETER, 31337, kind="sms", title="短信", channel="sms_sender")
    for field, value in [("kind", "tweet"), ("channel", "Wei Bo"), ("title", "x\u202e"), ("title", "")]:
        with pytest.raises(brandrail.ValidationError) as err:
            e.derive_content(MARKETER, item.id, **{"kind": "sms", "title": "短信", "channel": "sms", field: value})
        assert err.value.field == field
    with pytest.raises(TypeError):
        e.derive_content(MARKETER, item.id, kind="sms", title="短信")  # channel is required
    with pytest.raises(TypeError):
        e.derive_content(MARKETER, "1", kind="sms", title="短信", channel="sms")
    with pytest.raises(brandrail.NotFoundError):
        e.content_derivatives(31337)
    assert e.audit_len() == n
    with pytest.raises(brandrail.PermissionDeniedError):
        e.derive_content(SALES, item.id, kind="sms", title="短信", channel="sms")

    # A published item takes no more variants; nothing blocks its checklist.
    published = approved(e, "上新。", {"kind": "image_post", "title": "上新", "channel": "weibo"})
    e.publish_content(BRAND, published)
    with pytest.raises(brandrail.ConflictError):
        e.add_variant(MARKETER, published, kind="title", text="上新 2")
    assert e.prepublish_check(published).blocking == 0
    assert e.verify_audit().ok


def test_variant_styles():
    assert brandrail.variant_style("3 个理由让你爱上早餐") == "number"
    assert brandrail.variant_style("５分钟搞定早餐") == "number"
    assert brandrail.variant_style("三分钟早餐") == "number"
    assert brandrail.variant_style("为什么 3 分钟就够？") == "question"
    assert brandrail.variant_style("你吃早餐了吗") == "question"
    assert brandrail.variant_style("Why breakfast? ") == "question"
    assert brandrail.variant_style("秋日早餐指南") == "plain"
    with pytest.raises(TypeError):
        brandrail.variant_style(3)


def test_new_item_fields_and_version_details_read_back(e):
    item = e.plan_content(MARKETER, kind="image_post", title="试穿", channel="xiaohongshu",
                          ugc=True, format="amateur_review")
    assert (item.ugc, item.format, item.source_id, item.theme_id) == (True, "amateur_review", None, None)
    img = image(e, "try-on")
    e.edit_content(MARKETER, item.id, title="试穿", body="试穿笔记。", duration_seconds=30,
                   paragraph_spacing=2, template="poster-a", fonts=("思源黑体", "Noto Sans"),
                   palette="autumn-2026", assets=iter([img]))
    [v] = e.content_versions(item.id)
    details = v.details
    assert (details.duration_seconds, details.paragraph_spacing, details.template, details.fonts,
            details.palette, details.assets) == (30, 2.0, "poster-a", ["思源黑体", "Noto Sans"], "autumn-2026", [img])
    assert v.to_dict()["details"] == details.to_dict()
    assert details == e.content_versions(item.id)[0].details
    with pytest.raises(AttributeError):
        details.fonts = []
