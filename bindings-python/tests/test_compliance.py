"""The compliance checker (CON-3) through Python: findings per category,
exceptions, evasions, offsets that slice the original `str` (non-BMP text
included), personal data and placeholders, a company's own terms through the
Engine's policy, batches and columns, and hostile input."""

from __future__ import annotations

import random
import re
import threading
import time
from pathlib import Path

import pytest

import brandrail
from conftest import EXEC

TERM_PACK = Path(__file__).resolve().parents[2] / "core" / "src" / "content" / "term_pack.toml"


@pytest.fixture(scope="module")
def pack() -> dict:
    """The shipped term pack's source, read independently of the binding."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python < 3.11
        tomllib = pytest.importorskip("tomli")
    return tomllib.loads(TERM_PACK.read_text("utf-8"))


def ids(text: str) -> list[str]:
    return [f.rule_id for f in brandrail.check_text(text)]


def assert_slices(text: str, found: list[brandrail.Finding]) -> None:
    """Every finding's offsets, in str indexes and in UTF-16 units, give `matched`."""
    units = text.encode("utf-16-le")
    for f in found:
        assert 0 <= f.start < f.end <= len(text), f
        assert text[f.start:f.end] == f.matched, f
        assert units[2 * f.utf16_start : 2 * f.utf16_end].decode("utf-16-le") == f.matched, f


# ---------------------------------------------------------------- categories


@pytest.mark.parametrize(
    ("text", "rule_id", "category", "severity"),
    [
        ("本品是同类产品中的最佳选择", "ABS-001", "absolute", "block"),
        ("国家领导人都在喝的好茶", "AUT-001", "authority", "block"),
        ("坚持使用可治愈失眠", "MED-002", "medical", "block"),
        ("纯植物配方，安全无毒", "HLT-003", "health_food", "block"),
        ("这款精华主打美白", "COS-001", "cosmetics", "warn"),
        ("理财计划保本保息", "FIN-001", "finance_guarantee", "block"),
        ("考研冲刺班，保过！", "EDU-001", "education_guarantee", "block"),
        ("地铁上盖，未来升值空间大", "EST-001", "real_estate", "block"),
        ("库存仅剩三件", "SCA-001", "false_scarcity", "warn"),
        ("活动最后一天，快来抢购", "URG-001", "urgency", "warn"),
        ("厂家直供出厂价", "PRC-001", "price", "warn"),
        ("性能碾压同级别竞品", "DIS-001", "disparagement", "warn"),
        ("好酒千杯不醉", "ALC-001", "alcohol", "warn"),
        ("小朋友快让妈妈买", "MIN-001", "minors", "block"),
        ("大师开光的手串", "SUP-001", "superstition", "block"),
        ("催情香水", "OBS-003", "obscene_gambling", "block"),
        ("男尊女卑的老观念", "DSC-002", "discrimination", "block"),
        ("发货地区：台湾国", "POL-001", "political", "block"),
    ],
)
def test_each_category_fires(text, rule_id, category, severity):
    found = brandrail.check_text(text)
    hit = [f for f in found if f.rule_id == rule_id]
    assert hit, found
    f = hit[0]
    assert (f.category, f.severity) == (category, severity)
    assert f.legal_basis and f.suggestion
    assert_slices(text, found)


def test_every_pack_term_round_trips_with_its_data(pack):
    """Each of the pack's terms, checked alone, reports its own id, category,
    severity, legal basis and suggestion: nothing is lost in conversion."""
    categories = {c["id"]: c for c in pack["category"]}
    terms = pack["term"]
    batch = brandrail.check_texts([t["term"] for t in terms])
    assert len(batch) == len(terms) >= 300
    for t, found in zip(terms, batch):
        c = categories[t["category"]]
        whole = [f for f in found if (f.start, f.end) == (0, len(t["term"]))]
        assert [f.rule_id for f in whole] == [t["id"]], (t, found)
        f = whole[0]
        assert f.term == f.matched == t["term"]
        assert f.category == t["category"]
        assert f.severity == t.get("severity", c["default_severity"])
        assert f.legal_basis == t.get("legal_basis", c["legal_basis"])
        assert f.suggestion == t["suggestion"]


def test_pack_version(pack):
    assert brandrail.pack_version() == pack["pack"]["version"]


# ---------------------------------------------------------------- exceptions


@pytest.mark.parametrize(
    "text",
    [
        "最近天气转凉，注意保暖",
        "最后，感谢各位的支持",
        "这是我第一次参加展会",
        "第一步：打开包装",
        "第一季度销售额稳步增长",
        "最初的设计来自一位用户",
        "最终解释权归本公司所有",
        "请在最佳赏味期内食用",
        "我们会在第一时间回复",
        "红包过期前记得使用",
        "独特供应链保障品质",
        "本品不能代替药物治疗疾病",
        "尺码 XXXL 有货",
        "客服 138****8000",
        "",
        "   \n\t  ",
    ],
)
def test_ordinary_words_do_not_fire(text):
    assert brandrail.check_text(text) == []


def test_no_pack_exception_fires_on_its_own(pack):
    exceptions = [e["text"] for e in pack["exception"]]
    batch = brandrail.check_texts(exceptions)
    assert {text: found for text, found in zip(exceptions, batch) if found} == {}


# ---------------------------------------------------------------- evasions


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("本品是最 佳选择", "最 佳"),  # space
        ("本品是最\u3000佳选择", "最\u3000佳"),  # ideographic space
        ("本品是最\u200b佳选择", "最\u200b佳"),  # zero-width space
        ("本品是最\u200d\ufeff佳选择", "最\u200d\ufeff佳"),  # zero-width joiner, BOM
        ("本品是最🔥佳选择", "最🔥佳"),  # emoji (outside the BMP)
        ("本品是最、佳选择", "最、佳"),  # punctuation
        ("本品是最.佳选择", "最.佳"),
        ("本品是最\u202e佳选择", "最\u202e佳"),  # bidi override
        ("本品是最\t佳选择", "最\t佳"),
        ("本品是最\n佳选择", "最\n佳"),
        ("本品是最佳選擇", "最佳"),  # traditional characters around it
        ("國家級品質", "國家級"),  # traditional characters
        ("ＮＯ．１的口碑", "ＮＯ．１"),  # full width
        ("No. 1 的口碑", "No. 1"),
        ("TOP１品牌", "TOP１"),
        ("保 本 保 息", "保 本"),
    ],
)
def test_evasions_still_match(text, matched):
    found = brandrail.check_text(text)
    assert matched in [f.matched for f in found], found
    assert_slices(text, found)


def test_traditional_maps_to_the_canonical_term():
    (f,) = brandrail.check_text("國家級品質")
    assert (f.rule_id, f.term, f.matched) == ("ABS-103", "国家级", "國家級")


# ---------------------------------------------------------------- offsets


@pytest.mark.parametrize(
    "text",
    [
        "🎉新品：最\u200b佳口感，國家級認證！",
        "👨\u200d👩\u200d👧 全家都说是最佳选择 🇨🇳",  # ZWJ sequence, flag
        "𠀀𠀁𪚥 最佳 𠀀 保本",  # CJK extension B (outside the BMP)
        "é\u0301\u0301 最佳",  # combining marks
        "\U0001f600" * 100 + "国家级" + "\U0010ffff",
    ],
)
def test_offsets_slice_the_original(text):
    found = brandrail.check_text(text)
    assert found
    assert_slices(text, found)


def test_offsets_after_emoji_differ_in_utf16():
    text = "🎉新品：最\u200b佳口感"
    (f,) = brandrail.check_text(text)
    assert (f.start, f.end) == (4, 7)
    assert (f.utf16_start, f.utf16_end) == (5, 8)


def test_random_mixed_text_always_slices():
    rng = random.Random(20261122)
    alphabet = [
        "最", "佳", "第", "一", "國", "家", "級", "保", "本", " ", "\u200b", "、", "🔥", "𠀀",
        "Ｔ", "Ｏ", "Ｐ", "１", "a", "\x00", "\u202e", "\u0301", "1", "3", "8", "@", "[", "]",
        "具", "体", "TODO", "13800138000", "最佳", "国家级",
    ]
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 60))) for _ in range(500)]
    batch = brandrail.check_texts(texts)
    assert any(batch)
    for text, found in zip(texts, batch):
        assert_slices(text, found)
        assert [(f.start, f.end) for f in found] == sorted((f.start, f.end) for f in found)


# ---------------------------------------------------------------- personal data, placeholders


@pytest.mark.parametrize(
    ("text", "rule_id", "matched"),
    [
        ("联系 13800138000 王经理", "PII-PHONE", "13800138000"),
        ("电话：+86 138-0013-8000。", "PII-PHONE", "+86 138-0013-8000"),
        ("电话１３８００１３８０００", "PII-PHONE", "１３８００１３８０００"),
        ("身份证11010519491231002X", "PII-ID", "11010519491231002X"),
        ("邮箱 Li.Na+vip@example.com.cn 咨询", "PII-EMAIL", "Li.Na+vip@example.com.cn"),
        ("卡号 4111 1111 1111 1111", "PII-CARD", "4111 1111 1111 1111"),
        ("效果[具体数据]显著", "PLACEHOLDER", "[具体数据]"),
        ("您好 {{customer_name}}", "PLACEHOLDER", "{{customer_name}}"),
        ("TODO 补充", "PLACEHOLDER", "TODO"),
        ("价格待定", "PLACEHOLDER", "待定"),
        ("XXX 元起", "PLACEHOLDER", "XXX"),
    ],
)
def test_personal_data_and_placeholders_block(text, rule_id, matched):
    found = [f for f in brandrail.check_text(text) if f.rule_id == rule_id]
    assert [f.matched for f in found] == [matched]
    assert found[0].severity == "block"
    assert found[0].category == ("placeholder" if rule_id == "PLACEHOLDER" else "personal_data")
    assert_slices(text, found)


@pytest.mark.parametrize(
    "text",
    ["138****8000", "订单号 20261122000123456789", "价格 12800 元", "2026年11月22日", "身份证110105194912310021"],
)
def test_masked_and_ordinary_numbers_do_not_fire(text):
    assert brandrail.check_text(text) == []


# ---------------------------------------------------------------- the Finding class


def test_finding_is_a_frozen_value():
    (a,) = brandrail.check_text("最佳")
    (b,) = brandrail.check_text("最佳")
    assert a == b and a is not b
    assert a != brandrail.check_text("最好")[0]
    assert a != "最佳"
    with pytest.raises(AttributeError):
        a.term = "x"  # type: ignore[misc]
    assert repr(a) == (
        "Finding(rule_id='ABS-001', category='absolute', severity='block', "
        "term='最佳', matched='最佳', start=0, end=2)"
    )
    d = a.to_dict()
    assert list(d) == [
        "rule_id", "category", "severity", "term", "matched", "start", "end",
        "utf16_start", "utf16_end", "legal_basis", "suggestion",
    ]
    assert all(d[k] == getattr(a, k) for k in d)


# ---------------------------------------------------------------- the Engine's policy


def company_policy(engine: brandrail.Engine, **compliance) -> brandrail.PolicyVersion:
    return engine.replace_policy(EXEC, engine.policy().overlay({"compliance": compliance}))


def test_engine_checks_with_the_default_pack_like_the_module(engine):
    text = "品牌焕新，全网爆款，最佳口碑，客服 13800138000，TODO"
    assert engine.check_text(text) == brandrail.check_text(text)
    assert engine.check_texts([text, ""]) == brandrail.check_texts([text, ""])
    assert engine.check_texts_columns([text]) == brandrail.check_texts_columns([text])


def test_company_terms_and_exceptions_through_replace_policy(engine):
    copy = "双十一全网爆款，最佳口碑，唯一旗舰店"
    before = engine.check_text(copy)
    assert {f.term for f in before} == {"最佳", "唯一"}
    company_policy(
        engine,
        custom_terms=[
            {"term": "爆款", "category": "absolute", "severity": "warn", "legal_basis": "", "suggestion": "热门"},
            {"term": "某竞品", "category": "disparagement", "severity": "block",
             "legal_basis": "公司品牌规范 2.1", "suggestion": "删除对竞品的比较"},
        ],
        custom_exceptions=["最佳口碑", "唯一旗舰"],
    )
    after = engine.check_text(copy)
    assert [(f.rule_id, f.term, f.matched, f.severity) for f in after] == [("CUSTOM-1", "爆款", "爆款", "warn")]
    # An empty legal basis takes the category's; the suggestion is the company's.
    assert "第九条" in after[0].legal_basis and after[0].suggestion == "热门"
    assert_slices(copy, after)
    (f,) = engine.check_text("比 某 竞 品 好用")
    assert (f.rule_id, f.category, f.severity, f.legal_basis, f.matched) == (
        "CUSTOM-2", "disparagement", "block", "公司品牌规范 2.1", "某 竞 品",
    )
    # The module functions keep the shipped pack.
    assert brandrail.check_text(copy) == before
    assert engine.check_texts_columns([copy, copy])["text_index"] == [0, 1]


def test_policy_switches_turn_checks_off(engine):
    text = "TODO 联系 13800138000"
    assert {f.category for f in engine.check_text(text)} == {"placeholder", "personal_data"}
    company_policy(engine, block_placeholders=False, require_masked_personal_data=False)
    assert engine.check_text(text) == []
    assert brandrail.check_text(text) != []


# ---------------------------------------------------------------- batches


def test_batches_keep_order():
    texts = [("最佳" if i % 3 == 0 else "最近") + "的" * (i % 7) + ("保本" if i % 5 == 0 else "") for i in range(3000)]
    batch = brandrail.check_texts(texts)
    assert len(batch) == len(texts)
    for i, (text, found) in enumerate(zip(texts, batch)):
        assert [f.term for f in found] == (["最佳"] if i % 3 == 0 else []) + (["保本"] if i % 5 == 0 else [])
        assert_slices(text, found)


def test_batches_take_any_iterable_of_str(engine):
    texts = ("最佳", "", "保本")
    want = brandrail.check_texts(list(texts))
    assert brandrail.check_texts(texts) == want
    assert brandrail.check_texts(t for t in texts) == want
    assert brandrail.check_texts(iter(texts)) == want
    assert engine.check_texts(t for t in texts) == want
    assert brandrail.check_texts([]) == []


def test_columns_flatten_the_batch_with_text_index():
    texts = ["最佳 国家级", "", "最近", "客服 13800138000", "保本"]
    columns = brandrail.check_texts_columns(texts)
    batch = brandrail.check_texts(texts)
    rows = [dict(f.to_dict(), text_index=i) for i, found in enumerate(batch) for f in found]
    assert list(columns) == ["text_index", *brandrail.check_text("最佳")[0].to_dict()]
    assert {len(v) for v in columns.values()} == {len(rows)} == {4}
    assert columns["text_index"] == [0, 0, 3, 4]
    assert [dict(zip(columns, values)) for values in zip(*columns.values())] == rows
    empty = brandrail.check_texts_columns(["", "最近"])
    assert list(empty) == list(columns) and all(v == [] for v in empty.values())


def test_gil_is_released_while_checking():
    batch = ["本品是同类产品中的最佳选择，国家级工艺。最近天气转凉。" * 200] * 100
    rounds = 3
    started = threading.Event()
    durations: list[float] = []

    def check():
        started.set()
        t0 = time.perf_counter()
        for _ in range(rounds):
            assert len(brandrail.check_texts(batch)) == len(batch)
        durations.append(time.perf_counter() - t0)

    worker = threading.Thread(target=check, daemon=True)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():
        ticks += 1  # needs the GIL: only advances while checking runs without it
        time.sleep(0.001)
    worker.join(120)
    assert durations, "check thread failed"
    if durations[0] < 0.1:
        pytest.skip("the batch checks too fast on this build to tell")
    # Only converting the results holds the GIL; checking must not.
    assert ticks > 10 * rounds, f"{ticks} ticks in {durations[0]:.3f}s"


def test_threads_share_the_checker(engine):
    texts = ["本品是最佳选择，國家級工艺", "最近", "客服 13800138000"] * 300
    want = brandrail.check_texts(texts)
    results: list = []

    def check():
        results.append(brandrail.check_texts(texts))
        results.append(engine.check_texts(texts))

    threads = [threading.Thread(target=check) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == 8 and all(r == want for r in results)


def test_signatures():
    import inspect

    assert list(inspect.signature(brandrail.check_text).parameters) == ["text"]
    assert list(inspect.signature(brandrail.check_texts).parameters) == ["texts"]
    assert list(inspect.signature(brandrail.Engine.check_texts_columns).parameters) == ["self", "texts"]
    assert brandrail.check_texts(texts=["最佳"])[0][0].term == "最佳"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", [None, 5, b"\xe6\x9c\x80\xe4\xbd\xb3", ["最佳"], 3.5])
def test_non_str_text_is_a_type_error(engine, bad):
    with pytest.raises(TypeError):
        brandrail.check_text(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        engine.check_text(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("bad", "where"),
    [
        ("最佳", "texts"),  # a lone str would be checked character by character
        (b"abc", "texts"),
        (None, "texts"),
        (7, "texts"),
        (["最佳", None], "texts[1]"),
        (["最佳", "", 3], "texts[2]"),
        (["最佳", b"x"], "texts[1]"),
        ([float("nan")], "texts[0]"),  # a missing value in a pandas column
    ],
)
def test_bad_batches_are_type_errors_naming_the_item(engine, bad, where):
    for check in (brandrail.check_texts, brandrail.check_texts_columns, engine.check_texts, engine.check_texts_columns):
        with pytest.raises(TypeError, match="^" + re.escape(where + ":")):
            check(bad)


def test_lone_surrogate_is_a_value_error_naming_the_item(engine):
    with pytest.raises(UnicodeEncodeError):
        brandrail.check_text("最佳\ud800")
    with pytest.raises(UnicodeEncodeError, match=r"in texts\[2\]") as info:
        brandrail.check_texts(["最佳", "", "a\ud800b"])
    assert isinstance(info.value, ValueError)
    assert (info.value.start, info.value.end, info.value.object) == (1, 2, "a\ud800b")
    with pytest.raises(UnicodeEncodeError, match=r"in texts\[0\]"):
        engine.check_texts_columns(["\udfff"])


def test_huge_text_is_checked_whole(engine):
    text = "最近的活动很好。" * 220_000 + "最佳"  # 5.3 MB of UTF-8, 1.76 million characters
    assert len(text.encode()) > 5_000_000
    for check in (brandrail.check_text, engine.check_text):
        (f,) = check(text)
        assert (f.start, f.end, f.matched) == (len(text) - 2, len(text), "最佳")
        assert f.utf16_end == len(text)


def test_control_characters_and_odd_input_never_crash(engine):
    texts = [
        "".join(map(chr, range(32))) + "\x7f",
        "\x00最\x00佳\x00",
        "\ufffe\uffff\U0010ffff",
        "ｘ" * 10_000,
        "a" + "\u0301" * 5_000,
        "'); DROP TABLE content;--",
        "\r\n" * 1000,
        "[具体" + "数" * 100 + "]",
        "{{" * 1000,
        "1" * 10_000,
        "@" * 5_000,
    ]
    for found, text in zip(brandrail.check_texts(texts), texts):
        assert_slices(text, found)
    assert [f.matched for f in brandrail.check_text("\x00最\x00佳\x00")] == ["最\x00佳"]
    assert engine.check_texts(texts) == brandrail.check_texts(texts)
