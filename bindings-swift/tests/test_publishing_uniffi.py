"""CON-4..CON-8 through the uniffi FFI, following core/tests/publishing.rs: the
pre-publish checklist as a report (located in Unicode scalars and in UTF-16
units) and as the gate of review, scheduling and publication; the asset
library with UGC authorization and confidentiality labels; the publishing plan
with cadence, caps, slots, backlog and hot dates (days as `YYYY-MM-DD`);
themes, A/B variants and derivatives.

Bad input — wrong types, empty and hostile strings (SQL, control characters,
bidi overrides), unknown ids, missing permission — is refused with its typed
error case (or, for a wrong type, by uniffi before the call) and changes
nothing: neither content, versions, variants, assets, themes, approvals,
principals nor policy; the audit log grows by the refusal record only for
`permission_denied`.

Runs on a manual clock from Monday 2026-11-02 10:00 in Shanghai.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import struct

import pytest

from uniffi_support import HOSTILE_HANDLES, HOSTILE_NAMES, at, br, person, refused, state

START = at("2026-11-02T02:00:00Z")
D = br.Department
S = br.ContentState
K = br.CheckKind
C = br.Confidentiality
P = br.PlanIssueKind
BLOCK, WARN = br.Severity.BLOCK, br.Severity.WARN
DAY = 86_400

# What uniffi's Python raises for a value of the wrong type or out of range,
# before anything reaches Rust (Swift and Kotlin refuse them at compile time).
WRONG_TYPE = (TypeError, ValueError, AttributeError, struct.error)

HOSTILE_DATES = [
    "",
    "2026-11-4",
    "26-11-04",
    "2026/11/04",
    "2026-02-30",
    "2026-13-01",
    "+2026-11-04",
    "２０２６-11-04",
    " 2026-11-04",
    "2026-11-04\x00",
    "\u202e2026-11-04",
    "2026-11-04T00:00:00Z",
    "2026-11-04'; DROP TABLE content_item;--",
    "now",
]


@pytest.fixture
def e():
    """A company on a manual clock at START: it.admin, li.na (marketing),
    chen.jie and wu.fan (brand), sun.li (legal), zhao.min (executive),
    qian.yu (sales)."""
    engine = br.Engine.in_memory(br.EngineOptions(clock_start=START))
    engine.bootstrap(person("it.admin", D.IT, "IT"))
    engine.create_principals(
        "it.admin",
        [
            person("li.na", D.MARKETING),
            person("chen.jie", D.BRAND),
            person("wu.fan", D.BRAND),
            person("sun.li", D.LEGAL),
            person("zhao.min", D.EXECUTIVE),
            person("qian.yu", D.SALES),
        ],
    )
    return engine


# ------------------------------------------------------------------ helpers


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def local(d: str, hh: int, mm: int = 0) -> dt.datetime:
    """Local Shanghai time `d hh:mm` as an instant."""
    naive = dt.datetime.fromisoformat(f"{d}T{hh:02d}:{mm:02d}:00")
    return (naive - dt.timedelta(hours=8)).replace(tzinfo=dt.timezone.utc)


def policy(e, toml: str) -> None:
    e.replace_policy("zhao.min", e.policy().overlay_toml(toml))


def image(e, name: str, label=C.PUBLIC) -> int:
    return e.add_asset(
        "chen.jie",
        br.NewAsset(
            kind=br.AssetKind.IMAGE,
            name=name,
            uri=f"oss://brand/{name}.png",
            source=br.AssetSource.INTERNAL,
            label=label,
        ),
    ).id


def draft(title: str, body: str, **details) -> br.ContentDraft:
    return br.ContentDraft(title=title, body=body, details=br.VersionDetails(**details))


def approved(e, input: br.NewContent, body: str, **details) -> int:
    """An item written, reviewed by brand and approved."""
    item = e.plan_content("li.na", input)
    e.edit_content_with("li.na", item.id, draft(item.title, body, **details))
    submitted = e.submit_content("li.na", item.id)
    e.approve("chen.jie", submitted.approval_id, "ok")
    assert e.content_item(item.id).state == S.APPROVED
    return item.id


def new(kind, title: str, channel: str, **fields) -> br.NewContent:
    return br.NewContent(kind=kind, title=title, channel=channel, **fields)


def video(title: str, ugc: bool = False) -> br.NewContent:
    return new(br.ContentKind.SHORT_VIDEO, title, "douyin", ugc=ugc)


def contents(e) -> list:
    """Every item with its versions, variants and derivatives. Ids run from 1
    without gaps (a refused plan takes none), so the first missing id ends
    the list."""
    out = []
    while True:
        i = len(out) + 1
        try:
            out.append(
                (
                    e.content_item(i),
                    e.content_versions(i),
                    e.content_variants(i),
                    e.content_derivatives(i),
                )
            )
        except br.BrandrailError.NotFound:
            return out


def world(e):
    """Everything a refused call must leave as it was (the audit log aside).
    chen.jie owns every asset in these tests, so sees them all."""
    return (
        state(e),
        contents(e),
        e.assets("chen.jie", br.AssetFilter(include_retired=True)),
        e.themes("2026-01-01", "2027-02-04"),
    )


def refused_unchanged(e, code: str, call, *args):
    """`call` raises the error for `code` and changes nothing; the audit log
    grows by the refusal record for `permission_denied` only."""
    before, log = world(e), e.audit_len()
    err = refused(code, call, *args)
    assert world(e) == before
    assert e.audit_len() - log == (1 if code == "permission_denied" else 0), code
    return err


def wrong_type(e, call, *args):
    """uniffi refuses the argument before the call: nothing changes, nothing
    is audited."""
    before, log = world(e), e.audit_len()
    with pytest.raises(WRONG_TYPE):
        call(*args)
    assert world(e) == before and e.audit_len() == log


def not_cleared(e, call, *args):
    err = refused_unchanged(e, "permission_denied", call, *args)
    assert isinstance(err, br.BrandrailError.PermissionDenied)
    assert err.reason == br.DenialReason.NOT_CLEARED, err
    assert err.reason.as_str() == "not_cleared" and "not_cleared" in err.detail
    assert err.permission.startswith("asset.read:")
    return err


def utf16(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def located(e, report) -> list:
    """Assert every text issue's two offset pairs slice `matched` out of its
    field of the checked version, and that other issues carry no offsets;
    return the issues."""
    version = next(v for v in e.content_versions(report.item_id) if v.version == report.version)
    for i in report.issues:
        offsets = (i.start, i.end, i.utf16_start, i.utf16_end)
        if i.start is None:
            assert offsets == (None, None, None, None), i
            continue
        text = {"title": version.title, "body": version.body}[i.field]
        assert text[i.start : i.end] == i.matched, i
        assert utf16(text, i.utf16_start, i.utf16_end) == i.matched, i
        assert i.utf16_start == len(text[: i.start].encode("utf-16-le")) // 2, i
    return report.issues


def brief(report) -> list[tuple]:
    return [(i.check, i.field, i.matched) for i in report.issues]


# ------------------------------------------------------------------ CON-4


def test_con4_links_assets_fields_and_ad_label_make_one_report_and_gate_review(e):
    policy(
        e,
        '[content]\nallowed_link_domains = ["brand.com"]\n'
        'required_fields = ["title", "body", "channel", "assets"]\n',
    )
    public = image(e, "scarf")
    internal = image(e, "draft-board", C.INTERNAL)
    retired = image(e, "old-logo")
    e.retire_asset("chen.jie", retired)

    ad = e.plan_content("li.na", new(br.ContentKind.AD_CREATIVE, "秋冬新品", "weibo", is_ad=True))
    body = (
        "围巾上新，详情见 https://shop.brand.com/a?b=1 与 https://evil.cn/x，"
        "旧链接 http://bad_host/ 以及 javascript:alert(1)。"
    )
    e.edit_content_with(
        "li.na", ad.id, draft("秋冬新品", body, assets=[public, internal, retired, 9999])
    )
    log = e.audit_len()
    r = e.prepublish_check(ad.id)
    assert e.audit_len() == log, "a report changes and audits nothing"
    assert (r.item_id, r.version, r.passed) == (ad.id, 1, False)
    assert [i.check for i in r.issues] == [
        K.LINK_DOMAIN,
        K.LINK_MALFORMED,
        K.LINK_MALFORMED,
        K.ASSET_CONFIDENTIAL,
        K.ASSET_RETIRED,
        K.ASSET_MISSING,
        K.AD_LABEL_MISSING,
    ]
    assert r.blocking == 7 and all(i.severity == BLOCK for i in r.issues)
    assert all(i.rule == "CON-4" for i in r.issues)
    located(e, r)
    assert r.issues[0].matched == "https://evil.cn/x" and r.issues[0].field == "body"
    assert [i.matched for i in r.issues[3:6]] == [str(internal), str(retired), "9999"]
    assert r.issues[6].suggestion == "add one of: 广告"
    assert r.title_findings == [] and r.body_findings == []
    assert asyncio.run(e.prepublish_check_async(ad.id)) == r

    # The gate: refused, typed, nothing changed.
    err = refused_unchanged(e, "policy_violation", e.submit_content, "li.na", ad.id)
    assert isinstance(err, br.BrandrailError.PolicyViolation)
    assert err.rule == "CON-4" and "link_domain" in err.detail, err
    assert e.content_item(ad.id).state == S.IN_PRODUCTION

    # Fixed: allowed links, a public asset, the ad label.
    e.edit_content_with(
        "li.na",
        ad.id,
        draft("秋冬新品", "【广告】围巾上新，详情见 https://shop.brand.com/a?b=1。", assets=[public]),
    )
    r = e.prepublish_check(ad.id)
    assert (r.passed, r.blocking, r.issues, r.version) == (True, 0, [], 2)
    assert e.submit_content("li.na", ad.id).state == S.IN_REVIEW

    # A required field missing.
    note = e.plan_content("li.na", new(br.ContentKind.IMAGE_POST, "上新", "weibo"))
    e.edit_content("li.na", note.id, "上新", "秋冬上新。")
    r = e.prepublish_check(note.id)
    assert brief(r) == [(K.FIELD_MISSING, "assets", None)]
    err = refused_unchanged(e, "policy_violation", e.submit_content, "li.na", note.id)
    assert err.rule == "CON-4" and "field_missing" in err.detail

    # Unknown items and items without a version.
    for id in (0, -1, 424242, 2**63 - 1, -(2**63)):
        err = refused("not_found", e.prepublish_check, id)
        assert err.entity == "content"
    empty = e.plan_content("li.na", new(br.ContentKind.ARTICLE, "空", "zhihu"))
    assert refused("conflict", e.prepublish_check, empty.id).entity == "content"
    with pytest.raises(WRONG_TYPE):
        e.prepublish_check("1")
    with pytest.raises(WRONG_TYPE):
        e.prepublish_check(2**63)


def test_con4_issue_offsets_count_scalars_and_utf16_units(e):
    """An issue in text is located like a compliance finding: code points for
    Python and Swift `unicodeScalars`, UTF-16 units for Kotlin and NSRange;
    they differ behind emoji and astral ideographs."""
    policy(
        e,
        '[content]\nallowed_link_domains = ["brand.com"]\n'
        'brand_names = [{ canonical = "BrandRail", wrong = ["Brandrail", "BrandRial"] }]\n',
    )
    title = "👍🏽 Brandrail 秋冬"
    body = "🎉🎉 新品见 https://evil.cn/x，𠀀BrandRial 上新"
    item = e.plan_content("li.na", new(br.ContentKind.IMAGE_POST, "秋冬", "weibo"))
    e.edit_content("li.na", item.id, title, body)
    r = e.prepublish_check(item.id)
    issues = located(e, r)
    assert brief(r) == [
        (K.LINK_DOMAIN, "body", "https://evil.cn/x"),
        (K.BRAND_SPELLING, "title", "Brandrail"),
        (K.BRAND_SPELLING, "body", "BrandRial"),
    ]
    spans = [(i.start, i.end, i.utf16_start, i.utf16_end) for i in issues]
    assert spans == [(7, 24, 9, 26), (3, 12, 5, 14), (26, 35, 29, 38)]
    assert [i.rule for i in issues] == ["CON-4", "CON-5", "CON-5"]
    assert issues[1].suggestion == "BrandRail"
    err = refused_unchanged(e, "policy_violation", e.submit_content, "li.na", item.id)
    assert err.rule == "CON-4" and "brand_spelling" in err.detail


def test_con4_an_asset_retired_after_approval_stops_publication(e):
    img = image(e, "scarf")
    id = approved(e, new(br.ContentKind.IMAGE_POST, "围巾", "weibo"), "秋冬围巾上新。", assets=[img])
    assert e.retire_asset("chen.jie", img).state == br.AssetState.RETIRED
    err = refused_unchanged(e, "policy_violation", e.publish_content, "chen.jie", id)
    assert err.rule == "CON-4" and "asset_retired" in err.detail
    refused_unchanged(
        e, "policy_violation", e.schedule_content, "li.na", id, START + dt.timedelta(days=1)
    )
    assert e.content_item(id).state == S.APPROVED


# ------------------------------------------------------------------ CON-5


def test_con5_brand_spelling_video_length_spacing_and_vi_elements(e):
    policy(
        e,
        "[content]\n"
        'brand_names = [{ canonical = "BrandRail", wrong = ["Brandrail", "BrandRial", "布兰德瑞"] }]\n'
        "[content.layout]\n"
        'approved_fonts = ["思源黑体"]\napproved_palettes = ["autumn-2026"]\n'
        'approved_templates = ["poster-a"]\n',
    )
    art = e.plan_content(
        "li.na", new(br.ContentKind.ARTICLE, "Brandrail 秋冬", "wechat_official_account")
    )
    body = "BrandRail 与 BrandRial 以及 布兰德瑞：BrandRail Pro。"
    e.edit_content_with(
        "li.na",
        art.id,
        draft(
            "Brandrail 秋冬",
            body,
            paragraph_spacing=1.2,
            template="poster-z",
            fonts=["思源黑体", "Comic Sans"],
            palette="neon",
        ),
    )
    r = e.prepublish_check(art.id)
    assert brief(r) == [
        (K.BRAND_SPELLING, "title", "Brandrail"),
        (K.BRAND_SPELLING, "body", "BrandRial"),
        (K.BRAND_SPELLING, "body", "布兰德瑞"),
        (K.PARAGRAPH_SPACING, "paragraph_spacing", None),
        (K.TEMPLATE, "template", None),
        (K.FONT, "fonts", "Comic Sans"),
        (K.PALETTE, "palette", None),
    ]
    located(e, r)
    assert all(i.rule == "CON-5" for i in r.issues)
    assert r.issues[0].suggestion == "BrandRail"
    b = r.issues[1]
    assert (b.start, b.end, b.utf16_start, b.utf16_end) == (12, 21, 12, 21)
    err = refused_unchanged(e, "policy_violation", e.submit_content, "li.na", art.id)
    assert err.rule == "CON-5"

    # A template in the asset library is approved too.
    e.add_asset(
        "chen.jie",
        br.NewAsset(
            kind=br.AssetKind.TEMPLATE,
            name="poster-z",
            uri="oss://vi/poster-z.psd",
            source=br.AssetSource.INTERNAL,
            label=C.PUBLIC,
        ),
    )
    e.edit_content_with(
        "li.na",
        art.id,
        draft(
            "BrandRail 秋冬",
            "BrandRail 秋冬系列。",
            paragraph_spacing=1.5,
            template="poster-z",
            fonts=["思源黑体"],
            palette="autumn-2026",
        ),
    )
    assert e.prepublish_check(art.id).passed

    # A text edit keeps the details; a draft without details declares none.
    e.edit_content("li.na", art.id, "BrandRail 秋冬", "BrandRail。")
    kept = e.content_versions(art.id)[-1].details
    assert (kept.paragraph_spacing, kept.template, kept.fonts) == (1.5, "poster-z", ["思源黑体"])
    assert e.prepublish_check(art.id).passed
    e.edit_content_with("li.na", art.id, br.ContentDraft(title="BrandRail 秋冬", body="BrandRail。"))
    assert e.content_versions(art.id)[-1].details == br.VersionDetails()
    r = e.prepublish_check(art.id)
    assert r.passed and brief(r) == [(K.PARAGRAPH_SPACING, "paragraph_spacing", None)]
    assert r.issues[0].severity == WARN and r.blocking == 0, "undeclared spacing only warns"

    # Short video: 15–60 s, declared.
    v = e.plan_content("li.na", video("开箱"))
    for seconds, ok in [(None, False), (14, False), (15, True), (60, True), (61, False)]:
        e.edit_content_with("li.na", v.id, draft("开箱", "开箱视频脚本。", duration_seconds=seconds))
        r = e.prepublish_check(v.id)
        assert r.passed == ok, (seconds, r.issues)
        if not ok:
            assert r.issues[0].check in (K.VIDEO_LENGTH, K.FIELD_MISSING)
            assert r.issues[0].field == "duration_seconds"


BAD_DETAILS = [
    (dict(duration_seconds=0), "duration_seconds"),
    (dict(duration_seconds=86_401), "duration_seconds"),
    (dict(duration_seconds=2**32 - 1), "duration_seconds"),
    (dict(paragraph_spacing=float("nan")), "paragraph_spacing"),
    (dict(paragraph_spacing=float("inf")), "paragraph_spacing"),
    (dict(paragraph_spacing=-1.5), "paragraph_spacing"),
    (dict(paragraph_spacing=0.0), "paragraph_spacing"),
    (dict(paragraph_spacing=10.5), "paragraph_spacing"),
    (dict(template="poster\x00'; DROP TABLE content_item;--"), "template"),
    (dict(template=""), "template"),
    (dict(template="poster\u202eevil"), "template"),
    (dict(palette="\x1b[31mred"), "palette"),
    (dict(palette="zero\u200bwidth"), "palette"),
    (dict(fonts=[""]), "fonts"),
    (dict(fonts=["f"] * 21), "fonts"),
    (dict(fonts=["Bidi\u202eEvil"]), "fonts"),
    (dict(assets=[1, 1]), "assets"),
    (dict(assets=[-3]), "assets"),
    (dict(assets=[0]), "assets"),
    (dict(assets=list(range(1, 502))), "assets"),
]


def test_con4_con5_hostile_and_out_of_range_details_are_refused_unchanged(e):
    item = e.plan_content("li.na", video("开箱"))
    for details, field in BAD_DETAILS:
        err = refused_unchanged(
            e, "validation", e.edit_content_with, "li.na", item.id, draft("开箱", "脚本", **details)
        )
        assert isinstance(err, br.BrandrailError.Validation)
        assert err.field == field, (details, err)
        assert "DROP" not in err.detail and "\x1b" not in err.detail
    for title in HOSTILE_NAMES:
        err = refused_unchanged(
            e, "validation", e.edit_content_with, "li.na", item.id, draft(title, "脚本")
        )
        assert err.field == "title"
    for body in ["", "  \n ", "a\x00b", "\x1b[31mred", "长" * 400_000]:
        err = refused_unchanged(
            e, "validation", e.edit_content_with, "li.na", item.id, draft("开箱", body)
        )
        assert err.field == "body"
    # Wrong types never reach Rust.
    for details in (
        dict(duration_seconds=-1),
        dict(duration_seconds=2**32),
        dict(duration_seconds="30"),
        dict(paragraph_spacing="1.5"),
        dict(fonts=[1]),
        dict(fonts=None),
        dict(assets=["1"]),
        dict(assets=[2**63]),
    ):
        wrong_type(e, e.edit_content_with, "li.na", item.id, draft("开箱", "脚本", **details))
    wrong_type(e, e.edit_content_with, "li.na", item.id, {"title": "开箱", "body": "脚本"})
    wrong_type(e, e.edit_content_with, "li.na", item.id, br.ContentDraft(title=1, body="脚本"))
    # Unknown items and actors; missing permission; frozen states.
    refused_unchanged(e, "not_found", e.edit_content_with, "li.na", 999, draft("开箱", "脚本"))
    for actor in ("ghost", "qian.yu", "sun.li") + tuple(HOSTILE_HANDLES[:6]):
        refused_unchanged(
            e, "permission_denied", e.edit_content_with, actor, item.id, draft("开箱", "脚本")
        )
    assert e.content_item(item.id).version == 0
    # SQL in a body or a template name is text like any other.
    sql = "'); DROP TABLE content_item;--"
    e.edit_content_with("li.na", item.id, draft("开箱", f"脚本 {sql}", template=f"poster {sql}"))
    assert e.content_versions(item.id)[0].details.template == f"poster {sql}"

    # Bad policy values are refused with their path.
    p = e.policy()
    for toml, path in [
        ('[content]\nrequired_fields = ["title", "colour"]', "content.required_fields[1]"),
        (
            '[content]\nhot_dates = [{ name = "x", kind = "holiday", on = "02-30" }]',
            "content.hot_dates[0].on",
        ),
        (
            '[content]\nhot_dates = [{ name = "x", kind = "Holiday!", on = "02-03" }]',
            "content.hot_dates[0].kind",
        ),
        (
            '[[content.cadence]]\nchannel = "douyin"\nkind = "reel"\nperiod = "day"\ntarget = 1',
            "content.cadence[0].kind",
        ),
    ]:
        err = refused("validation", p.overlay_toml, toml)
        assert path in err.detail, (toml, err)
    assert set(br.required_field_names()) >= {"title", "body", "assets", "theme", "format"}


# ------------------------------------------------------------------ CON-6


def ugc(authorization=None) -> br.NewAsset:
    return br.NewAsset(
        kind=br.AssetKind.VIDEO,
        name="用户开箱",
        uri="oss://ugc/unbox.mp4",
        source=br.AssetSource.UGC,
        label=C.PUBLIC,
        authorization=authorization,
    )


def signed(signed_at, expires_at=None) -> br.UgcAuthorization:
    return br.UgcAuthorization(
        granted_by="小红薯 @mia",
        reference="AUTH-2026-118",
        signed_at=signed_at,
        expires_at=expires_at,
        scope="douyin, xiaohongshu; 12 months",
    )


def test_con6_ugc_needs_a_signed_authorization_in_force(e):
    days = lambda n: dt.timedelta(days=n)  # noqa: E731
    err = refused_unchanged(e, "policy_violation", e.add_asset, "chen.jie", ugc())
    assert err.rule == "CON-6"
    expired = signed(START - days(400), START - days(35))
    assert refused_unchanged(e, "policy_violation", e.add_asset, "chen.jie", ugc(expired)).rule == (
        "CON-6"
    )
    future = signed(START + days(1))
    err = refused_unchanged(e, "validation", e.add_asset, "chen.jie", ugc(future))
    assert err.field == "authorization.signed_at"
    backwards = signed(START, START - days(1))
    err = refused_unchanged(e, "validation", e.add_asset, "chen.jie", ugc(backwards))
    assert err.field == "authorization.expires_at"
    for name in HOSTILE_NAMES:
        bad = br.UgcAuthorization(
            granted_by=name, reference="AUTH-1", signed_at=START, expires_at=None, scope="all"
        )
        err = refused_unchanged(e, "validation", e.add_asset, "chen.jie", ugc(bad))
        assert err.field == "authorization.granted_by"
    wrong_type(e, e.add_asset, "chen.jie", ugc(signed("2026-11-01T00:00:00Z")))
    assert e.assets("chen.jie") == []

    a = e.add_asset("chen.jie", ugc(signed(START - days(1), START + days(30))))
    assert (a.owner, a.department, a.source, a.state) == (
        "chen.jie",
        D.BRAND,
        br.AssetSource.UGC,
        br.AssetState.ACTIVE,
    )
    assert a.authorization == signed(START - days(1), START + days(30))
    assert a.created_at == START and a.retired_at is None and a.readers == []
    # Authorized while the authorization runs, not before or after.
    assert a.authorized_at(START) and a.authorized_at(START + days(29))
    assert not a.authorized_at(START + days(30)) and not a.authorized_at(START - days(2))
    internal = e.asset("chen.jie", image(e, "scarf"))
    assert internal.authorized_at(START + days(9999)), "only UGC needs an authorization"
    # Marketing does not run the library.
    err = refused_unchanged(e, "permission_denied", e.add_asset, "li.na", ugc())
    assert err.reason == br.DenialReason.MISSING_PERMISSION and err.permission == "asset.manage"

    # Content using it publishes while the authorization runs, not after.
    id = approved(e, video("用户开箱", True), "用户开箱视频。", duration_seconds=30, assets=[a.id])
    e.advance_clock(31 * DAY)
    r = e.prepublish_check(id)
    assert (r.issues[0].check, r.issues[0].rule, r.issues[0].matched) == (
        K.ASSET_UNAUTHORIZED,
        "CON-6",
        str(a.id),
    )
    err = refused_unchanged(e, "policy_violation", e.publish_content, "chen.jie", id)
    assert err.rule == "CON-6"


def test_con6_labels_restrict_who_reads_and_reads_are_audited(e):
    secret = e.add_asset(
        "chen.jie",
        br.NewAsset(
            kind=br.AssetKind.DOCUMENT,
            name="2027 新品路线图",
            uri="oss://brand/roadmap.pdf",
            source=br.AssetSource.INTERNAL,
            label=C.SECRET,
            readers=["zhao.min"],
        ),
    )
    assert secret.readers == ["zhao.min"]
    conf = image(e, "campaign-draft", C.CONFIDENTIAL)
    internal = image(e, "team-photo", C.INTERNAL)

    # Secret: owner and named readers only; a brand colleague is refused.
    assert e.asset("chen.jie", secret.id) == secret
    assert e.asset("zhao.min", secret.id).id == secret.id
    not_cleared(e, e.asset, "wu.fan", secret.id)
    # Confidential: the department (brand) and asset managers; not sales.
    assert e.asset("wu.fan", conf).id == conf
    not_cleared(e, e.asset, "qian.yu", conf)
    assert e.asset("qian.yu", internal).id == internal

    # Listing shows only what one may read, and is not audited.
    log = e.audit_len()
    ids = lambda who, **f: [a.id for a in e.assets(who, br.AssetFilter(**f))]  # noqa: E731
    assert ids("chen.jie") == [secret.id, conf, internal]
    assert ids("wu.fan") == [conf, internal]
    assert ids("qian.yu") == [internal]
    assert ids("chen.jie", label=C.SECRET) == [secret.id]
    assert ids("chen.jie", kind=br.AssetKind.IMAGE) == [conf, internal]
    assert ids("chen.jie", kind=br.AssetKind.VIDEO) == []
    assert e.audit_len() == log
    # Reads of confidential and secret assets are in the log, refusals too.
    reads = e.audit_query("zhao.min", br.AuditQuery(action="asset.read"))
    assert len(reads) == 5, reads

    # Relabel: sales may read once named; the brand colleague no longer.
    relabelled = e.relabel_asset("chen.jie", conf, C.SECRET, ["qian.yu"])
    assert (relabelled.label, relabelled.readers) == (C.SECRET, ["qian.yu"])
    assert e.asset("qian.yu", conf).id == conf
    not_cleared(e, e.asset, "wu.fan", conf)
    # wu.fan manages assets but may not relabel or retire what he cannot read.
    not_cleared(e, e.relabel_asset, "wu.fan", conf, C.PUBLIC)
    not_cleared(e, e.retire_asset, "wu.fan", conf)
    err = refused_unchanged(e, "not_found", e.relabel_asset, "chen.jie", conf, C.SECRET, ["nobody"])
    assert err.entity == "principal"
    for handle in HOSTILE_HANDLES:
        refused_unchanged(e, "validation", e.relabel_asset, "chen.jie", conf, C.SECRET, [handle])
    refused_unchanged(
        e, "validation", e.relabel_asset, "chen.jie", conf, C.SECRET, ["qian.yu"] * 201
    )
    # Relabelling without readers drops them (the default).
    assert e.relabel_asset("chen.jie", internal, C.PUBLIC).readers == []
    refused_unchanged(e, "permission_denied", e.relabel_asset, "li.na", internal, C.INTERNAL)

    # Unknown ids, unknown and deactivated actors.
    for id in (0, -1, 999, 2**63 - 1):
        assert refused_unchanged(e, "not_found", e.asset, "chen.jie", id).entity == "asset"
        refused_unchanged(e, "not_found", e.retire_asset, "chen.jie", id)
        refused_unchanged(e, "not_found", e.relabel_asset, "chen.jie", id, C.PUBLIC)
    err = refused_unchanged(e, "permission_denied", e.asset, "ghost", internal)
    assert err.reason == br.DenialReason.UNKNOWN_PRINCIPAL
    refused_unchanged(e, "permission_denied", e.assets, "ghost")
    e.deactivate_principal("it.admin", "zhao.min")
    err = refused_unchanged(e, "permission_denied", e.asset, "zhao.min", secret.id)
    assert err.reason == br.DenialReason.DEACTIVATED

    # Bad names, locations, kinds; wrong types.
    def asset(name="x", uri="oss://x", kind=br.AssetKind.IMAGE, readers=()):
        return br.NewAsset(
            kind=kind,
            name=name,
            uri=uri,
            source=br.AssetSource.INTERNAL,
            label=C.PUBLIC,
            readers=list(readers),
        )

    for name in HOSTILE_NAMES + ["x\u202e"]:
        err = refused_unchanged(e, "validation", e.add_asset, "chen.jie", asset(name=name))
        assert err.field == "name"
    control = ["oss://x\x00", "oss://\x1b[31m", "oss://\u2028x"]
    for uri in ["", "   ", "oss://a b", "o" * 2049, *control]:
        err = refused_unchanged(e, "validation", e.add_asset, "chen.jie", asset(uri=uri))
        assert err.field == "uri" and "\x1b" not in err.detail
    err = refused_unchanged(
        e, "validation", e.add_asset, "chen.jie", asset(kind=br.AssetKind.CONTENT)
    )
    assert err.field == "kind"
    refused_unchanged(e, "not_found", e.add_asset, "chen.jie", asset(readers=["ghost"]))
    wrong_type(e, e.add_asset, "chen.jie", asset(kind="image"))
    wrong_type(e, e.add_asset, "chen.jie", asset(name=None))
    wrong_type(e, e.retire_asset, "chen.jie", "1")
    # SQL in a name is a name.
    sql = e.add_asset("chen.jie", asset(name="x'); DROP TABLE asset;--"))
    assert e.asset("chen.jie", sql.id).name == "x'); DROP TABLE asset;--"

    # Retiring twice conflicts; retired assets list only on request.
    e.retire_asset("chen.jie", internal)
    assert refused_unchanged(e, "conflict", e.retire_asset, "chen.jie", internal).entity == "asset"
    assert internal not in ids("chen.jie")
    assert internal in ids("chen.jie", include_retired=True)
    assert e.asset("chen.jie", internal).retired_at == START


def test_con6_approved_content_enters_the_library_unapproved_does_not(e):
    draft_item = e.plan_content("li.na", new(br.ContentKind.ARTICLE, "草稿", "zhihu"))
    err = refused_unchanged(
        e, "policy_violation", e.archive_content, "chen.jie", draft_item.id, C.PUBLIC
    )
    assert err.rule == "CON-6"
    id = approved(e, new(br.ContentKind.IMAGE_POST, "秋冬", "weibo", ugc=True), "秋冬上新。")
    a = e.archive_content("chen.jie", id, C.INTERNAL)
    assert (a.kind, a.content_id, a.uri, a.source, a.label, a.name) == (
        br.AssetKind.CONTENT,
        id,
        f"content:{id}/v1",
        br.AssetSource.UGC,
        C.INTERNAL,
        "秋冬",
    )
    err = refused_unchanged(e, "not_found", e.archive_content, "chen.jie", 777, C.PUBLIC)
    assert err.entity == "content"
    refused_unchanged(e, "permission_denied", e.archive_content, "li.na", id, C.PUBLIC)
    wrong_type(e, e.archive_content, "chen.jie", id, "public")


# ------------------------------------------------------------------ CON-7


def test_con7_the_cap_refuses_a_third_douyin_video_on_one_day(e):
    ids = [approved(e, video(f"短视频{i}", i == 0), "脚本。", duration_seconds=30) for i in range(3)]
    e.schedule_content("li.na", ids[0], local("2026-11-04", 12))
    e.schedule_content("li.na", ids[1], local("2026-11-04", 18))
    err = refused_unchanged(
        e, "policy_violation", e.schedule_content, "li.na", ids[2], local("2026-11-04", 20)
    )
    assert err.rule == "CON-7" and "douyin" in err.detail
    assert e.content_item(ids[2]).state == S.APPROVED
    # The next day has room; rescheduling an item within its day is fine.
    assert e.schedule_content("li.na", ids[2], local("2026-11-05", 12)).state == S.SCHEDULED
    assert e.schedule_content("li.na", ids[1], local("2026-11-04", 12)).scheduled_at == local(
        "2026-11-04", 12
    )


def test_con7_the_week_plan_reports_cadence_ugc_mix_slots_and_backlog(e):
    # Douyin on Wednesday: a UGC video at 12:00 and another at 12:00 (conflict).
    a = approved(e, video("UGC 开箱", True), "脚本。", duration_seconds=20)
    b = approved(e, video("工厂探访"), "脚本。", duration_seconds=45)
    e.schedule_content("li.na", a, local("2026-11-04", 12))
    e.schedule_content("li.na", b, local("2026-11-04", 12))
    # Xiaohongshu: a KOC post off-slot at 15:00, no amateur review.
    x = approved(
        e, new(br.ContentKind.IMAGE_POST, "KOC 试穿", "xiaohongshu", format="koc"), "试穿笔记。"
    )
    e.schedule_content("li.na", x, local("2026-11-05", 15))
    # WeChat: one article published on Monday.
    w = approved(
        e,
        new(br.ContentKind.ARTICLE, "秋冬指南", "wechat_official_account"),
        "正文。",
        paragraph_spacing=1.75,
    )
    e.publish_content("chen.jie", w)
    # Approved and left unscheduled.
    idle = approved(e, video("压箱底"), "脚本。", duration_seconds=30)

    e.advance_clock(8 * DAY)
    log = e.audit_len()
    plan = e.week_plan("2026-11-04")
    assert e.audit_len() == log, "a plan reads only"
    assert (plan._from, plan.to, plan.time_zone) == ("2026-11-02", "2026-11-08", "Asia/Shanghai")
    assert [(p.item_id, p.local_date, p.local_time, p.on_slot) for p in plan.entries] == [
        (w, "2026-11-02", "10:00", None),
        (a, "2026-11-04", "12:00", True),
        (b, "2026-11-04", "12:00", True),
        (x, "2026-11-05", "15:00", False),
    ]
    entry = plan.entries[3]
    assert (entry.kind, entry.state, entry.format, entry.ugc, entry.title) == (
        br.ContentKind.IMAGE_POST,
        S.SCHEDULED,
        "koc",
        False,
        "KOC 试穿",
    )
    assert entry.at == local("2026-11-05", 15) and plan.entries[1].ugc

    def of(kind):
        return [i for i in plan.issues if i.kind == kind]

    assert [
        (i.channel, i.expected, i.actual, i.period_start)
        for i in of(P.MISSED_CADENCE)
        if i.channel != "douyin"
    ] == [
        ("wechat_official_account", 3, 1, "2026-11-02"),
        ("wechat_official_account", 1, 0, "2026-11-02"),
        ("xiaohongshu", 7, 1, "2026-11-02"),
    ]
    assert len([i for i in of(P.MISSED_CADENCE) if i.channel == "douyin"]) == 6
    assert all(i.severity == WARN for i in plan.issues)
    assert len(of(P.UGC_SHORTFALL)) == 6
    assert "2026-11-04" not in [i.period_start for i in of(P.UGC_SHORTFALL)]
    mix = of(P.MIX_MISSING)
    assert len(mix) == 1 and "amateur_review" in mix[0].message
    assert [i.item_ids for i in of(P.SLOT_CONFLICT)] == [[a, b]]
    assert [i.item_ids for i in of(P.OFF_SLOT)] == [[x]]
    backlog = of(P.BACKLOG)
    assert [(i.item_ids, i.period_start, i.expected) for i in backlog] == [([idle], None, 7)]
    assert of(P.OVER_FREQUENCY) == [] and of(P.HOT_DATE_UNCOVERED) == []

    # The same plan from its range and on a worker thread.
    assert e.publishing_plan("2026-11-02", "2026-11-08") == plan
    assert asyncio.run(e.week_plan_async("2026-11-08")) == plan
    assert asyncio.run(e.publishing_plan_async("2026-11-02", "2026-11-08")) == plan
    assert br.week_of("2026-11-04") == br.DateRange(_from="2026-11-02", to="2026-11-08")
    assert br.week_of("2026-11-08") == br.week_of("2026-11-02")


def test_con7_plan_days_are_yyyy_mm_dd_and_ranges_are_bounded(e):
    log = e.audit_len()
    for bad in HOSTILE_DATES:
        assert refused("validation", e.publishing_plan, bad, "2026-11-08").field == "from"
        assert refused("validation", e.publishing_plan, "2026-11-02", bad).field == "to"
        assert refused("validation", e.week_plan, bad).field == "date"
        assert refused("validation", br.week_of, bad).field == "date"
        assert refused("validation", e.hot_dates, bad, "2026-11-08").field == "from"
        assert refused("validation", e.themes, "2026-11-02", bad).field == "to"
        err = refused("validation", e.publishing_plan, bad, "2026-11-08")
        assert "YYYY-MM-DD" in err.detail and "DROP" not in err.detail and "\x00" not in err.detail
    with pytest.raises(br.BrandrailError.Validation):
        asyncio.run(e.publishing_plan_async("2026-11-4", "2026-11-08"))
    # Backwards and too long.
    assert refused("validation", e.publishing_plan, "2026-11-08", "2026-11-01").field == "to"
    assert refused("validation", e.publishing_plan, "2026-01-01", "2027-03-01").field == "to"
    assert refused("validation", e.hot_dates, "2026-01-01", "2027-03-01").field == "to"
    assert refused("validation", e.themes, "2026-11-08", "2026-11-01").field == "to"
    assert len(e.publishing_plan("2026-01-01", "2027-02-04").hot_dates) > 10, "400 days is fine"
    # Quarters and years.
    for year, quarter, field in [(2026, 0, "quarter"), (2026, 5, "quarter"), (10_000, 1, "year")]:
        assert refused("validation", e.quarter_plan, year, quarter).field == field
        assert refused("validation", br.quarter_of, year, quarter).field == field
    with pytest.raises(br.BrandrailError.Validation):
        asyncio.run(e.quarter_plan_async(2026, 5))
    # 9999-12-31 is a Friday: its week ends in the year 10000.
    assert refused("validation", e.week_plan, "9999-12-31").field == "date"
    assert e.week_plan("9999-12-26")._from == "9999-12-20"
    assert br.quarter_of(2028, 1) == br.DateRange(_from="2028-01-01", to="2028-03-31")
    # Wrong types never reach Rust.
    for call, args in [
        (e.publishing_plan, (day("2026-11-02"), "2026-11-08")),
        (e.week_plan, (None,)),
        (e.quarter_plan, (2026, -1)),
        (e.quarter_plan, (2026, "4")),
        (e.quarter_plan, (2**31, 1)),
        (br.week_of, (20261104,)),
    ]:
        with pytest.raises(WRONG_TYPE):
            call(*args)
    assert e.audit_len() == log, "reads audit nothing"


# ------------------------------------------------------------------ CON-8


def test_con8_quarter_plan_hot_dates_and_themes(e):
    q = e.quarter_plan(2026, 4)
    assert (q._from, q.to) == ("2026-10-01", "2026-12-31")
    assert [(h.date, h.name, h.kind) for h in q.hot_dates] == [
        ("2026-10-01", "国庆节", "holiday"),
        ("2026-11-11", "双十一", "shopping_festival"),
        ("2026-12-12", "双十二", "shopping_festival"),
        ("2026-12-25", "圣诞节", "festival"),
    ]
    assert len([i for i in q.issues if i.kind == P.HOT_DATE_UNCOVERED]) == 4

    t = e.add_theme(
        "li.na",
        br.NewTheme(
            name="双十一 暖冬季",
            starts="2026-11-01",
            ends="2026-11-15",
            hot_date="双十一",
            description="羊绒与围巾",
        ),
    )
    assert (t.name, t.starts, t.ends, t.hot_date, t.description, t.created_by) == (
        "双十一 暖冬季",
        "2026-11-01",
        "2026-11-15",
        "双十一",
        "羊绒与围巾",
        "li.na",
    )
    assert t.created_at == START
    q = e.quarter_plan(2026, 4)
    assert q.themes == [t]
    assert asyncio.run(e.quarter_plan_async(2026, 4)) == q
    uncovered = [i.period_start for i in q.issues if i.kind == P.HOT_DATE_UNCOVERED]
    assert len(uncovered) == 3 and "2026-11-11" not in uncovered
    assert e.themes("2026-11-15", "2026-11-20") == [t]
    assert e.themes("2026-11-16", "2026-11-20") == []
    # Lunar holidays sit on their dates of the year.
    spring = [h.date for h in e.hot_dates("2027-01-01", "2027-03-31") if h.name == "春节"]
    assert spring == ["2027-02-06"]
    # An item joins the theme; an unknown theme is refused.
    item = e.plan_content("li.na", new(br.ContentKind.ARTICLE, "暖冬", "zhihu", theme_id=t.id))
    assert item.theme_id == t.id
    unknown = new(br.ContentKind.ARTICLE, "暖冬", "zhihu", theme_id=99)
    err = refused_unchanged(e, "not_found", e.plan_content, "li.na", unknown)
    assert err.entity == "theme"

    # Bad themes.
    def theme(name="x", starts="2026-11-01", ends="2026-11-02", hot=None, description=""):
        return br.NewTheme(
            name=name, starts=starts, ends=ends, hot_date=hot, description=description
        )

    for name in HOSTILE_NAMES:
        assert refused_unchanged(e, "validation", e.add_theme, "li.na", theme(name=name)).field == (
            "name"
        )
    for starts, ends in [("2026-11-02", "2026-11-01"), ("2026-01-01", "2027-06-01")]:
        bad = theme(starts=starts, ends=ends)
        err = refused_unchanged(e, "validation", e.add_theme, "li.na", bad)
        assert err.field == "ends"
    for bad in HOSTILE_DATES:
        err = refused_unchanged(e, "validation", e.add_theme, "li.na", theme(starts=bad))
        assert err.field == "starts"
        err = refused_unchanged(e, "validation", e.add_theme, "li.na", theme(ends=bad))
        assert err.field == "ends"
    for description in ["a\x00b", "\x1b[31m", "长" * 2001]:
        err = refused_unchanged(
            e, "validation", e.add_theme, "li.na", theme(description=description)
        )
        assert err.field == "description"
    for hot in ["光棍节", "", "双十一'; DROP TABLE theme;--", "双十一\u202e"]:
        err = refused_unchanged(e, "not_found", e.add_theme, "li.na", theme(hot=hot))
        assert err.entity == "hot_date" and "\u202e" not in err.detail
    err = refused_unchanged(e, "permission_denied", e.add_theme, "qian.yu", theme())
    assert err.permission == "content.create"
    refused_unchanged(e, "permission_denied", e.add_theme, "ghost", theme())
    wrong_type(e, e.add_theme, "li.na", theme(starts=day("2026-11-01")))
    wrong_type(e, e.add_theme, "li.na", theme(description=None))
    # Newlines in a description are fine; the defaults need only a name and days.
    two = e.add_theme("li.na", br.NewTheme(name="暖冬", starts="2026-12-01", ends="2026-12-31"))
    assert (two.hot_date, two.description) == (None, "")
    assert e.add_theme("li.na", theme(description="第一行\n\t第二行")).description == "第一行\n\t第二行"


def test_con8_variants_and_derivatives(e):
    item = e.plan_content("li.na", new(br.ContentKind.ARTICLE, "早餐", "wechat_official_account"))
    e.edit_content_with("li.na", item.id, draft("早餐", "三分钟早餐。", paragraph_spacing=1.5))

    def title(text, style=None):
        return br.NewVariant(kind=br.VariantKind.TITLE, text=text, style=style)

    a = e.add_variant("li.na", item.id, title("3 个理由让你爱上早餐"))
    b = e.add_variant("li.na", item.id, title("为什么早餐只要 3 分钟？"))
    c = e.add_variant(
        "li.na",
        item.id,
        br.NewVariant(
            kind=br.VariantKind.COPY, text="一杯热豆浆，开启暖冬早晨。", style=br.VariantStyle.PLAIN
        ),
    )
    assert (a.label, a.style, a.kind, a.item_id) == (
        "A",
        br.VariantStyle.NUMBER,
        br.VariantKind.TITLE,
        item.id,
    )
    assert (b.label, b.style) == ("B", br.VariantStyle.QUESTION)
    assert (c.label, c.kind, c.style) == ("A", br.VariantKind.COPY, br.VariantStyle.PLAIN)
    assert (a.impressions, a.clicks, a.click_rate, a.created_by, a.created_at) == (
        0,
        0,
        None,
        "li.na",
        START,
    )
    assert br.variant_style_of("为什么早餐只要 3 分钟？") == br.VariantStyle.QUESTION
    assert br.variant_style_of("３分钟早餐") == br.VariantStyle.NUMBER
    assert br.variant_style_of("秋日早餐指南") == br.VariantStyle.PLAIN

    # Refusals: a banned claim, unknown items, bad text, no permission.
    err = refused_unchanged(e, "policy_violation", e.add_variant, "li.na", item.id, title("全网最佳早餐"))
    assert err.rule == "CON-3"
    assert refused_unchanged(e, "not_found", e.add_variant, "li.na", 999, title("早餐")).entity == (
        "content"
    )
    for text in HOSTILE_NAMES:
        err = refused_unchanged(e, "validation", e.add_variant, "li.na", item.id, title(text))
        assert err.field == "text"
    for text in ["", " \n", "a\x00b", "\x1b[31mred"]:
        copy = br.NewVariant(kind=br.VariantKind.COPY, text=text)
        err = refused_unchanged(e, "validation", e.add_variant, "li.na", item.id, copy)
        assert err.field == "text"
    refused_unchanged(e, "permission_denied", e.add_variant, "qian.yu", item.id, title("早餐"))
    wrong_type(e, e.add_variant, "li.na", item.id, br.NewVariant(kind="title", text="早餐"))
    wrong_type(e, e.add_variant, "li.na", item.id, title("早餐", style="number"))
    # SQL in a copy variant is copy.
    sql = "早餐'); DROP TABLE content_variant;--"
    d = e.add_variant("li.na", item.id, br.NewVariant(kind=br.VariantKind.COPY, text=sql))
    assert (d.label, d.text) == ("B", sql)

    # Results: clicks never exceed impressions.
    a = e.record_variant_results("li.na", a.id, 1000, 42)
    a = e.record_variant_results("li.na", a.id, 1000, 18)
    assert (a.impressions, a.clicks, a.click_rate) == (2000, 60, 0.03)
    err = refused_unchanged(e, "validation", e.record_variant_results, "li.na", b.id, 10, 11)
    assert err.field == "clicks"
    err = refused_unchanged(e, "validation", e.record_variant_results, "li.na", b.id, 2**64 - 1, 0)
    assert err.field == "impressions"
    err = refused_unchanged(e, "validation", e.record_variant_results, "li.na", a.id, 0, 2**63)
    assert err.field == "clicks"
    refused_unchanged(e, "permission_denied", e.record_variant_results, "chen.jie", b.id, 1, 0)
    err = refused_unchanged(e, "not_found", e.record_variant_results, "li.na", 4242, 1, 0)
    assert err.entity == "variant"
    wrong_type(e, e.record_variant_results, "li.na", b.id, -1, 0)
    wrong_type(e, e.record_variant_results, "li.na", b.id, 1, 2**64)
    variants = e.content_variants(item.id)
    assert [v.id for v in variants] == [a.id, b.id, c.id, d.id]
    assert variants[0] == a and variants[1].impressions == 0
    refused("not_found", e.content_variants, 31337)

    # A derivative for Weibo starts from the source's text and links to it.
    derived = e.derive_content(
        "li.na", item.id, new(br.ContentKind.IMAGE_POST, "早餐 图文", "weibo", format="koc")
    )
    assert (derived.source_id, derived.state, derived.version, derived.format, derived.owner) == (
        item.id,
        S.IN_PRODUCTION,
        1,
        "koc",
        "li.na",
    )
    first = e.content_versions(derived.id)[0]
    assert (first.title, first.body, first.details.paragraph_spacing) == ("早餐 图文", "三分钟早餐。", 1.5)
    assert e.content_derivatives(item.id) == [derived]
    assert e.content_derivatives(derived.id) == []
    empty = e.plan_content("li.na", new(br.ContentKind.ARTICLE, "空", "zhihu"))
    sms = new(br.ContentKind.SMS, "短信", "sms_sender")
    err = refused_unchanged(e, "conflict", e.derive_content, "li.na", empty.id, sms)
    assert err.entity == "content"
    err = refused_unchanged(e, "not_found", e.derive_content, "li.na", 999, sms)
    assert err.entity == "content"
    for fields, field in [
        (dict(channel="Dou Yin"), "channel"),
        (dict(channel="douyin'); DROP TABLE content_item;--"), "channel"),
        (dict(format="KOC"), "format"),
        (dict(format=""), "format"),
        (dict(format="koc\u202e"), "format"),
        (dict(title="Bidi\u202eEvil"), "title"),
    ]:
        bad = new(br.ContentKind.SMS, **{"title": "短信", "channel": "sms_sender", **fields})
        err = refused_unchanged(e, "validation", e.derive_content, "li.na", item.id, bad)
        assert err.field == field
        assert refused_unchanged(e, "validation", e.plan_content, "li.na", bad).field == field
    refused_unchanged(e, "permission_denied", e.derive_content, "sun.li", item.id, sms)
    refused("not_found", e.content_derivatives, 31337)

    # A published item takes no more variants; a kind takes at most 26.
    id = approved(e, new(br.ContentKind.IMAGE_POST, "上新", "weibo"), "上新。")
    e.publish_content("chen.jie", id)
    refused_unchanged(e, "conflict", e.add_variant, "li.na", id, title("上新 2"))
    assert e.prepublish_check(id).blocking == 0
    labels = [e.add_variant("li.na", derived.id, title(f"早餐 {n}")).label for n in range(26)]
    assert labels == [chr(ord("A") + n) for n in range(26)]
    refused_unchanged(e, "conflict", e.add_variant, "li.na", derived.id, title("早餐 27"))


def test_new_content_fields_default_and_round_trip(e):
    plain = e.plan_content("li.na", new(br.ContentKind.ARTICLE, "早餐", "zhihu"))
    assert (plain.ugc, plain.format, plain.source_id, plain.theme_id) == (False, None, None, None)
    review = new(
        br.ContentKind.IMAGE_POST, "试穿", "xiaohongshu", ugc=True, format="amateur_review"
    )
    mixed = e.plan_content("li.na", review)
    assert (mixed.ugc, mixed.format) == (True, "amateur_review")
    assert e.content_item(mixed.id) == mixed
    e.edit_content("li.na", mixed.id, "试穿", "试穿笔记。")
    assert e.content_versions(mixed.id)[0].details == br.VersionDetails(), "nothing declared yet"


def test_the_new_enums_keep_the_cores_names():
    names = {
        br.CheckKind: (br.parse_check_kind, [
            "link_malformed", "link_domain", "asset_missing", "asset_retired",
            "asset_confidential", "asset_unauthorized", "field_missing", "ad_label_missing",
            "brand_spelling", "video_length", "paragraph_spacing", "template", "font", "palette",
        ]),
        br.AssetKind: (br.parse_asset_kind, [
            "image", "video", "audio", "template", "document", "content",
        ]),
        br.AssetSource: (br.parse_asset_source, ["internal", "agency", "licensed", "ugc"]),
        br.Confidentiality: (br.parse_confidentiality, [
            "public", "internal", "confidential", "secret",
        ]),
        br.AssetState: (br.parse_asset_state, ["active", "retired"]),
        br.PlanIssueKind: (br.parse_plan_issue_kind, [
            "over_frequency", "missed_cadence", "ugc_shortfall", "mix_missing", "backlog",
            "slot_conflict", "off_slot", "hot_date_uncovered",
        ]),
        br.VariantKind: (br.parse_variant_kind, ["title", "copy"]),
        br.VariantStyle: (br.parse_variant_style, ["number", "question", "plain"]),
    }  # fmt: skip
    for enum, (parse, expected) in names.items():
        assert [v.as_str() for v in enum] == expected, enum
        for v in enum:
            assert parse(v.as_str()) == v
        for bad in ["", "SECRET", "x'; DROP TABLE asset;--", "public\x00", "pub\u202elic"]:
            err = refused("validation", parse, bad)
            assert expected[0] in err.detail, "the error lists the valid names"
