"""The compliance checker (CON-3) through the uniffi FFI: the free functions
(`check_text`, `check_texts`, `check_texts_async`, `term_pack_version`; the
shipped pack, no engine) and the Engine's (the policy in force, with company
terms and exceptions). Every finding is checked to locate its `matched` text
twice: by code points (Python `str` indexes, Swift `unicodeScalars`) and by
UTF-16 code units (Kotlin/Java `substring`, Swift `NSRange`).
"""

from __future__ import annotations

import asyncio
import re
import threading

import pytest

from uniffi_support import HOSTILE_HANDLES, HOSTILE_NAMES, br, refused_unchanged

BLOCK, WARN = br.Severity.BLOCK, br.Severity.WARN


def utf16_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start : 2 * end].decode("utf-16-le")


def located(text: str, findings) -> list:
    """Assert every finding's two offset pairs slice `matched` out of `text`
    and that findings come ordered by position; return them."""
    for f in findings:
        assert 0 <= f.start < f.end <= len(text), f
        assert text[f.start : f.end] == f.matched, f
        assert utf16_slice(text, f.utf16_start, f.utf16_end) == f.matched, f
        assert f.utf16_start == len(text[: f.start].encode("utf-16-le")) // 2, f
        assert f.legal_basis.strip() and f.suggestion.strip(), f
    starts = [(f.start, f.end) for f in findings]
    assert starts == sorted(starts)
    return findings


def check(text: str) -> list:
    return located(text, br.check_text(text))


def brief(findings) -> list[tuple]:
    return [(f.rule_id, f.category, f.severity, f.term, f.matched) for f in findings]


# ------------------------------------------------------------- the pack

# One plain sentence per category of the shipped pack (TERM_PACK.md), plus
# personal data and placeholders: (text, rule_id, category, severity, term).
CATEGORIES = [
    ("本品是同类产品中的最佳选择", "ABS-001", "absolute", BLOCK, "最佳"),
    ("驰名商标，值得信赖", "AUT-033", "authority", BLOCK, "驰名商标"),
    ("坚持使用可治愈失眠", "MED-002", "medical", BLOCK, "治愈"),
    ("增强免疫力，每天一粒", "HLT-015", "health_food", WARN, "增强免疫力"),
    ("这款精华能美白", "COS-001", "cosmetics", WARN, "美白"),
    ("理财计划保本", "FIN-001", "finance_guarantee", BLOCK, "保本"),
    ("考研冲刺班，保过！", "EDU-001", "education_guarantee", BLOCK, "保过"),
    ("地铁旁，买了就升值", "EST-001", "real_estate", BLOCK, "升值"),
    ("库存仅剩三件", "SCA-001", "false_scarcity", WARN, "仅剩"),
    ("活动最后一天", "URG-001", "urgency", WARN, "最后一天"),
    ("工厂出厂价直销", "PRC-001", "price", WARN, "出厂价"),
    ("性能碾压同级", "DIS-001", "disparagement", WARN, "碾压"),
    ("好酒千杯不醉", "ALC-001", "alcohol", WARN, "千杯不醉"),
    ("小朋友，快让妈妈买吧", "MIN-001", "minors", BLOCK, "让妈妈买"),
    ("大师开光手串", "SUP-001", "superstition", BLOCK, "开光"),
    ("线上博彩平台", "OBS-005", "obscene_gambling", BLOCK, "博彩"),
    ("招聘：男性优先", "DSC-007", "discrimination", BLOCK, "男性优先"),
    ("标注为台湾国的地图", "POL-001", "political", BLOCK, "台湾国"),
    ("客户王女士（13800138000）说", "PII-PHONE", "personal_data", BLOCK, "手机号"),
    ("效果[具体数据]", "PLACEHOLDER", "placeholder", BLOCK, "[具体…]"),
]
PACK_CATEGORIES = {
    "absolute", "authority", "medical", "health_food", "cosmetics", "finance_guarantee",
    "education_guarantee", "real_estate", "false_scarcity", "urgency", "price",
    "disparagement", "alcohol", "minors", "superstition", "obscene_gambling",
    "discrimination", "political",
}  # fmt: skip


def test_the_table_covers_every_category_of_the_pack():
    assert {c[2] for c in CATEGORIES} == PACK_CATEGORIES | {"personal_data", "placeholder"}


@pytest.mark.parametrize(
    "text,rule_id,category,severity,term", CATEGORIES, ids=[c[2] for c in CATEGORIES]
)
def test_each_category_fires(text, rule_id, category, severity, term):
    (f,) = check(text)
    assert (f.rule_id, f.category, f.severity, f.term) == (rule_id, category, severity, term)
    assert isinstance(f.severity, br.Severity)


def test_term_pack_version_and_severity_names():
    assert re.fullmatch(r"\d{4}\.\d+", br.term_pack_version())
    assert list(br.Severity) == [BLOCK, WARN]
    assert [s.as_str() for s in br.Severity] == ["block", "warn"]
    legal = check("本品是最佳选择")[0].legal_basis
    assert "广告法" in legal and "第九条" in legal


ORDINARY = [
    "最近天气转凉，注意保暖",
    "最后，感谢各位的支持",
    "这是我第一次参加展会",
    "第一步：打开包装",
    "第一季度销售额稳步增长",
    "最初的设计来自一位用户",
    "请在最佳赏味期内食用",
    "数据已最大化地保护",
    "第一时间发货",
    "唯一标识码",
    "非遗：国家级非物质文化遗产",
    "最高人民法院的判例",
    "最大功率 2000W",
    "第一财经报道",
    # boundary exceptions: a word ending where a term begins
    "红包过期提醒",
    "作风水平高",
    "独特供应链",
    "确保本次活动顺利",
    # exceptions survive the same evasions terms do
    "最後，感謝各位",
    "最\u200b近天气转凉",
    "第 一 次参加",
    "第一\u00a0季度",
    # numbers that are not personal data, masked data, sizes
    "订单号 20261122000123456789",
    "价格 12800 元",
    "2026年11月22日",
    "电话 12345678901",
    "客服 138****8000",
    "邮箱 l***@example.com",
    "尺码 XXXL 有货",
    "",
    "   \n\t  ",
]


@pytest.mark.parametrize("text", ORDINARY, ids=range(len(ORDINARY)))
def test_ordinary_words_and_exceptions_do_not_fire(text):
    assert br.check_text(text) == []


def test_a_longer_term_beats_a_shorter_exception():
    assert brief(check("最后一天")) == [("URG-001", "urgency", WARN, "最后一天", "最后一天")]
    assert [f.term for f in check("全国第一批上市")] == ["全国第一"]
    assert [f.term for f in check("排名第一位")] == ["排名第一"]


# (text, term, matched): full width, spaces, zero-width and bidi characters,
# emoji, punctuation, line breaks, traditional characters, Latin forms.
EVASIONS = [
    ("本品是最 佳选择", "最佳", "最 佳"),
    ("本品是最\u3000佳选择", "最佳", "最\u3000佳"),
    ("本品是最\t佳", "最佳", "最\t佳"),
    ("本品是最\r\n佳", "最佳", "最\r\n佳"),
    ("本品是最\u200b佳选择", "最佳", "最\u200b佳"),
    ("本品是最\u2060佳", "最佳", "最\u2060佳"),
    ("本品是最\ufeff佳", "最佳", "最\ufeff佳"),
    ("本品是最\u202e佳", "最佳", "最\u202e佳"),
    ("本品是最😀佳选择", "最佳", "最😀佳"),
    ("本品是最👍🏽佳", "最佳", "最👍🏽佳"),
    ("本品是最！佳", "最佳", "最！佳"),
    ("本品是最……佳", "最佳", "最……佳"),
    ("國家級工藝", "国家级", "國家級"),
    ("坚持使用可治癒失眠", "治愈", "治癒"),
    ("療效顯著", "疗效", "療效"),
    ("理财保 本", "保本", "保 本"),
    ("ＮＯ．１ 的口碑", "no1", "ＮＯ．１"),
    ("No. 1 的口碑", "no1", "No. 1"),
    ("ＴＯＰ１", "top1", "ＴＯＰ１"),
    ("top 1", "top1", "top 1"),
    ("Number One", "numberone", "Number One"),
]


@pytest.mark.parametrize("text,term,matched", EVASIONS, ids=range(len(EVASIONS)))
def test_evasions_still_match(text, term, matched):
    (f,) = check(text)
    assert (f.term, f.matched) == (term, matched)


# ------------------------------------------------------------- offsets


def test_offsets_count_code_points_and_utf16_units():
    text = "🎉新品：最\u200b佳口感，國家級認證！"
    first, second = check(text)
    assert (first.matched, first.start, first.end) == ("最\u200b佳", 4, 7)
    assert (first.utf16_start, first.utf16_end) == (5, 8)  # 🎉 is two UTF-16 units
    assert (second.term, second.matched, second.start, second.utf16_start) == (
        "国家级", "國家級", 10, 11,
    )  # fmt: skip


# Prefixes of known length in code points and UTF-16 units: BMP, astral
# emoji and ideographs, ZWJ sequences, skin tones, combining accents, flags.
PREFIXES = [
    "",
    "abc ",
    "新品：",
    "🎉",
    "🎉🎉🎉",
    "👨\u200d👩\u200d👧",
    "👍🏽",
    "🇨🇳",
    "𠀀𪚥",
    "e\u0301",
    "\x00\x1b[31m",
]


@pytest.mark.parametrize("prefix", PREFIXES, ids=range(len(PREFIXES)))
def test_offsets_shift_with_any_prefix(prefix):
    text = prefix + "最佳口感" + prefix + "保本"
    best, principal = check(text)
    units = len(prefix.encode("utf-16-le")) // 2
    assert (best.start, best.utf16_start) == (len(prefix), units)
    assert (best.end, best.utf16_end) == (len(prefix) + 2, units + 2)
    assert principal.start == 2 * len(prefix) + 4
    assert principal.utf16_start == 2 * units + 4


# ------------------------------------------------ personal data, placeholders

PERSONAL = [
    ("联系 13800138000 王经理", "PII-PHONE", "13800138000"),
    ("电话：+86 138-0013-8000。", "PII-PHONE", "+86 138-0013-8000"),
    ("１３８００１３８０００", "PII-PHONE", "１３８００１３８０００"),
    ("📞13800138000", "PII-PHONE", "13800138000"),
    ("身份证11010519491231002X", "PII-ID", "11010519491231002X"),
    ("邮箱 Li.Na+vip@example.com.cn 咨询", "PII-EMAIL", "Li.Na+vip@example.com.cn"),
    ("卡号 4111 1111 1111 1111", "PII-CARD", "4111 1111 1111 1111"),
]


@pytest.mark.parametrize("text,rule_id,matched", PERSONAL, ids=range(len(PERSONAL)))
def test_personal_data_must_be_masked(text, rule_id, matched):
    (f,) = check(text)
    assert (f.rule_id, f.category, f.severity, f.matched) == (
        rule_id, "personal_data", BLOCK, matched,
    )  # fmt: skip


PLACEHOLDERS = [
    ("效果[具体数据]", "[具体数据]"),
    ("上市时间：【具体日期】", "【具体日期】"),
    ("{{name}} 您好", "{{name}}"),
    ("TODO 补充", "TODO"),
    ("fixme", "fixme"),
    ("价格 XXX 元", "XXX"),
    ("活动时间待定", "待定"),
    ("卖点待补充", "待补充"),
    ("Lorem Ipsum dolor", "Lorem Ipsum"),
]


@pytest.mark.parametrize("text,matched", PLACEHOLDERS, ids=range(len(PLACEHOLDERS)))
def test_placeholders_block(text, matched):
    (f,) = check(text)
    assert (f.rule_id, f.category, f.severity, f.matched) == (
        "PLACEHOLDER", "placeholder", BLOCK, matched,
    )  # fmt: skip


def test_mixed_copy_reports_everything_in_order():
    text = "🔥国家级认证！客户王女士（13800138000）说：疗效[具体数据]，TODO"
    assert [f.rule_id for f in check(text)] == [
        "ABS-103", "PII-PHONE", "MED-003", "PLACEHOLDER", "PLACEHOLDER",
    ]  # fmt: skip


# ------------------------------------------------------------- the engine

COMPANY_RULES = """
[compliance]
custom_terms = [
  { term = "爆款", category = "absolute", severity = "warn", legal_basis = "", suggestion = "热门" },
  { term = "竞品A", category = "brand_rules", severity = "block", legal_basis = "公司品牌手册 §3", suggestion = "不点名竞品" },
]
custom_exceptions = ["最佳口碑", "保本价"]
"""
COPY = "品牌焕新，全网爆款，最佳口碑；比竞 品Ａ好；保本价；最佳选择"


def test_the_engine_checks_with_the_shipped_pack_until_the_policy_says_more(engine):
    assert engine.check_text(COPY) == br.check_text(COPY)
    assert [f.term for f in located(COPY, engine.check_text(COPY))] == ["最佳", "保本价", "最佳"]
    log = engine.audit_len()
    engine.replace_policy("zhao.min", engine.policy().overlay_toml(COMPANY_RULES))
    assert engine.audit_len() == log + 1
    found = located(COPY, engine.check_text(COPY))
    assert brief(found) == [
        ("CUSTOM-1", "absolute", WARN, "爆款", "爆款"),
        ("CUSTOM-2", "brand_rules", BLOCK, "竞品A", "竞 品Ａ"),  # evasions apply to company terms
        ("ABS-001", "absolute", BLOCK, "最佳", "最佳"),
    ]
    # A company term without a legal basis takes its pack category's; one
    # with its own keeps it.
    assert found[0].legal_basis == found[2].legal_basis
    assert found[1].legal_basis == "公司品牌手册 §3"
    assert found[1].suggestion == "不点名竞品"
    # The free functions keep using the shipped pack alone.
    assert [f.term for f in br.check_text(COPY)] == ["最佳", "保本价", "最佳"]
    # Checking reads only: nothing is audited.
    engine.check_texts([COPY] * 3)
    assert engine.audit_len() == log + 1


def test_company_settings_turn_checks_off_and_refusals_change_nothing(engine):
    text = "TODO 13800138000 最佳"
    assert [f.category for f in engine.check_text(text)] == [
        "placeholder", "personal_data", "absolute",
    ]  # fmt: skip
    overlay = "[compliance]\nblock_placeholders = false\nrequire_masked_personal_data = false\n"
    policy = engine.policy().overlay_toml(overlay)
    # Someone without policy.replace is refused; the checker is unchanged.
    refused_unchanged(engine, "permission_denied", engine.replace_policy, "li.na", policy)
    assert len(engine.check_text(text)) == 3
    engine.replace_policy("zhao.min", policy)
    assert [f.category for f in engine.check_text(text)] == ["absolute"]


@pytest.mark.parametrize(
    "entry,field",
    [
        ('{ term = " ", category = "x", severity = "warn", legal_basis = "", suggestion = "" }',
         "compliance.custom_terms[0].term"),
        ('{ term = "a", category = "", severity = "warn", legal_basis = "", suggestion = "" }',
         "compliance.custom_terms[0].category"),
        ('{ term = "a", category = "x", severity = "fatal", legal_basis = "", suggestion = "" }',
         "compliance.custom_terms[0].severity"),
        ('{ term = "a\\u0000b", category = "x", severity = "warn", legal_basis = "", suggestion = "" }',
         "compliance.custom_terms[0].term"),
    ],
)  # fmt: skip
def test_bad_company_terms_are_validation_errors(engine, entry, field):
    overlay = f"[compliance]\ncustom_terms = [{entry}]\n"
    with pytest.raises(br.BrandrailError.Validation) as info:
        engine.policy().overlay_toml(overlay)
    assert info.value.field == field


# ------------------------------------------------------------- batches

BATCH = ["最佳", "", "无风险的最近", "保本保息", "\x00\x01\x7f", "🎉國家級", "客服 138****8000"]


def test_batches_keep_order_and_match_single_checks(engine):
    singles = [br.check_text(t) for t in BATCH]
    assert br.check_texts(BATCH) == singles
    assert engine.check_texts(BATCH) == singles
    assert [len(r) for r in singles] == [1, 0, 1, 1, 0, 1, 0]
    for text, found in zip(BATCH, br.check_texts(list(reversed(BATCH)))[::-1]):
        located(text, found)
    assert br.check_texts([]) == [] and engine.check_texts([]) == []
    many = [f"第{i}条：最佳" if i % 3 == 0 else f"第{i}条" for i in range(3000)]
    assert [len(r) for r in br.check_texts(many)] == [int(i % 3 == 0) for i in range(3000)]


def test_async_batches(engine):
    async def scenario():
        return await asyncio.gather(
            br.check_texts_async(BATCH),
            engine.check_texts_async(BATCH),
            br.check_texts_async([]),
            br.check_texts_async(list(reversed(BATCH))),
        )

    free, engined, empty, backwards = asyncio.run(scenario())
    assert free == engined == br.check_texts(BATCH)
    assert empty == []
    assert backwards == free[::-1]


def test_threads_share_the_checker(engine):
    want = br.check_texts(BATCH)
    results, errors = [], []

    def work():
        try:
            for _ in range(20):
                results.append(br.check_texts(BATCH) == want == engine.check_texts(BATCH))
        except Exception as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 120 and all(results)


# ------------------------------------------------------------- bad input


def test_a_5_mb_text_is_checked_to_its_end(engine):
    filler = "最近的活动很好。🎉"
    repeat = 5_000_000 // len(filler.encode()) + 1
    text = filler * repeat + "最佳"
    assert len(text.encode()) > 5_000_000
    for found in (br.check_text(text), engine.check_text(text)):
        (f,) = found
        assert (f.start, f.end) == (len(text) - 2, len(text))
        assert f.utf16_end == len(text.encode("utf-16-le")) // 2
        assert text[f.start : f.end] == f.matched == "最佳"
    ascii_text = "a" * 5_000_000 + " TODO"
    assert [f.start for f in br.check_text(ascii_text)] == [5_000_001]


def test_control_characters_never_crash():
    controls = "".join(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
    assert check(controls * 100) == []
    # Noise between the characters of a term does not hide it.
    assert [f.matched for f in check("\x00最\x00佳\x00")] == ["最\x00佳"]
    assert [f.matched for f in check("\x1b[31m最佳\x1b[0m")] == ["最佳"]
    for text in [
        *HOSTILE_HANDLES,
        *HOSTILE_NAMES,
        "\uffff\U0010ffff\ufffd",
        "ｘ" * 1000,
        "a" + "\u0301" * 5000,
        "🏳️‍🌈" * 1000,
        "\U000e0041最\U000e0042佳",
        "'); DROP TABLE content;--",
    ]:
        check(text)


def test_text_that_is_not_unicode_never_reaches_the_library():
    # A lone surrogate cannot be encoded as UTF-8; the host's string
    # conversion refuses it before the call (Kotlin: CharacterCodingException),
    # and the library stays usable.
    with pytest.raises(UnicodeEncodeError):
        br.check_text("最佳\ud83d")
    assert len(br.check_text("最佳")) == 1
