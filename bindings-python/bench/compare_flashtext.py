"""brandrail's compliance checker from Python against flashtext, on the same
terms and the same corpus of realistic Chinese ad copy.

Not part of the test suite. Run it in an environment with a release build of
brandrail and flashtext installed, for example from the repository root, in
a throwaway virtual environment outside the repository (`pip install` builds
a release wheel; `.venv` and the debug build `test.sh` uses stay as they are):

    python3 -m venv ../bench-venv
    ../bench-venv/bin/pip install ./bindings-python flashtext
    ../bench-venv/bin/python bindings-python/bench/compare_flashtext.py

It prints which build of the native module it measured (a debug build, as
`test.sh` makes, is many times slower), the median time of one `check_text`
on a 5 KB article, the throughput of `check_texts` over 1000 articles, the
same for a `flashtext.KeywordProcessor` loaded with the term pack's terms and
exceptions, and the ratios.

The two do different work: flashtext looks the terms up in the text as it is
(lower-cased); brandrail also normalizes it (full width, traditional
characters, noise between characters), keeps exceptions from firing, finds
personal data and placeholders, and maps every match back to offsets in the
original text. The ratio is the price of that, as seen from Python.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import timeit
from pathlib import Path

import brandrail

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore[no-redef]

try:
    from flashtext import KeywordProcessor
except ModuleNotFoundError:
    sys.exit("flashtext is not installed: pip install flashtext")

# flashtext's name for an exception's matches (a keyword without a name
# would be reported under its own text).
EXCEPTION = "\0exception"
TERM_PACK = Path(__file__).resolve().parents[2] / "core" / "src" / "content" / "term_pack.toml"

# Ordinary copy for several product types, mostly clean, with the kind of
# findings real drafts carry: claims, a phone number, traditional characters,
# emoji, full-width digits.
PARAGRAPHS = [
    "秋冬新品上市！这款羊绒围巾采用内蒙古阿拉善白山羊绒，手感柔软，保暖性好，适合通勤和旅行。",
    "我们的设计团队走访了二十多家工厂，反复打样三个月，最近终于定稿，颜色有燕麦、雾蓝和酒红三种。",
    "现在下单享受包邮服务，支持七天无理由退换。第一次购买的顾客还可领取十元优惠券。",
    "面料经过第三方检测机构检验，详见商品详情页的检测报告，洗涤时请使用中性洗涤剂并平铺晾干。",
    "活动期间关注公众号，回复“围巾”即可参与抽奖，奖品包括保温杯和帆布袋，名单将在本周五公布。",
    "门店地址：上海市静安区南京西路某号，营业时间上午十点至晚上十点，节假日照常营业。",
    "这是同类产品中的最佳选择，国家级工艺，限时抢购，手慢无！",
    "如有疑问请联系在线客服，我们会在十分钟内回复您；大宗采购请致电 13800138000。",
    "这款精华添加了烟酰胺和玻尿酸，质地清爽不黏腻，坚持使用可以改善肌肤干燥，让皮肤看起来更有光泽。",
    "新客专享：首单立减二十元，满三百再送旅行装小样一份，数量有限，送完即止。",
    "本课程由十年教龄的老师主讲，包含二十节直播课和配套练习册，学完可获得结业证书。",
    "考研冲刺班，保过！名师押题，不过退费。",
    "理财有风险，投资需谨慎。本产品为中低风险等级，过往业绩不代表未来表现。",
    "小区毗邻地铁站，步行约八分钟，周边有超市、公园和社区医院，生活配套成熟。",
    "未来升值空间大，投资回报稳定，错过再等一年。",
    "每一颗咖啡豆都来自云南保山的高海拔庄园，中度烘焙，带有坚果和焦糖的香气。",
    "早餐搭配一杯热牛奶，或者加入燕麦和水果，都是不错的吃法。",
    "本品是普通食品，不能代替药物治疗疾病。孕妇及婴幼儿请在医生指导下食用。",
    "團購滿五件享八折，詳情請諮詢客服。🎉🎉",
    "限量发售１０００件，每人限购两件，售罄后不再补货。",
    "我们相信好的产品会说话，用户的每一条评价我们都会认真阅读，并在下一次迭代中改进。",
    "线下体验店本周六开业，现场有咖啡品鉴和手冲教学，欢迎带朋友一起来玩 ☕",
    "品牌创立于二〇一二年，目前已在全国开设八十多家门店，服务超过两百万位顾客。",
    "运动鞋采用回弹中底和耐磨橡胶外底，适合日常慢跑和健身训练，鞋面透气网布在夏天也不闷脚。",
]


def articles(count: int, size: int, seed: int = 20261122) -> list[str]:
    """`count` articles of at least `size` bytes of UTF-8, shuffled paragraphs."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        parts: list[str] = []
        length = 0
        while length < size:
            p = rng.choice(PARAGRAPHS)
            parts.append(p)
            length += len(p.encode()) + 1
        out.append("\n".join(parts))
    return out


def native_build() -> str:
    """'release' or 'debug' for the loaded native module: a debug build
    carries DWARF debug sections, a release build (this workspace's release
    profile) none. Reads the ELF section names; 'unknown' elsewhere."""
    import brandrail._brandrail as native

    path = Path(native.__file__)
    try:
        data = path.read_bytes()
        if data[:4] != b"\x7fELF" or data[4] != 2:
            return f"unknown ({path.name})"
        order = "little" if data[5] == 1 else "big"

        def word(at: int, n: int) -> int:
            return int.from_bytes(data[at : at + n], order)

        shoff, shentsize, shnum, shstrndx = word(0x28, 8), word(0x3A, 2), word(0x3C, 2), word(0x3E, 2)
        names_at = word(shoff + shstrndx * shentsize + 0x18, 8)
        names = set()
        for i in range(shnum):
            start = names_at + word(shoff + i * shentsize, 4)
            names.add(data[start : data.index(b"\0", start)].decode())
    except (OSError, ValueError, IndexError):
        return f"unknown ({path.name})"
    return "debug" if ".debug_info" in names else "release"


def paired(brandrail_fn, flashtext_fn, *, number: int, repeat: int) -> tuple[float, float, float]:
    """Median seconds per call of each, and the median of their ratios
    (flashtext / brandrail). The two are timed in alternation, each run
    timing `number` calls, so a machine busy with other work slows both
    alike and the ratio stays fair."""
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(timeit.timeit(brandrail_fn, number=number) / number)
        theirs.append(timeit.timeit(flashtext_fn, number=number) / number)
    ratio = statistics.median(t / o for o, t in zip(ours, theirs))
    return statistics.median(ours), statistics.median(theirs), ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--size", type=int, default=5000, help="bytes of UTF-8 per article")
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()

    pack = tomllib.loads(TERM_PACK.read_text("utf-8"))
    terms = [t["term"] for t in pack["term"]]
    exceptions = [e["text"] for e in pack["exception"]]
    flash = KeywordProcessor()  # case-insensitive, like brandrail
    for t in pack["term"]:
        flash.add_keyword(t["term"], t["id"])
    # Exceptions as keywords too, as in brandrail's leftmost-longest search;
    # their matches are dropped.
    for e in exceptions:
        flash.add_keyword(e, EXCEPTION)

    corpus = articles(args.articles, args.size)
    article = corpus[0]
    corpus_mb = sum(len(a.encode()) for a in corpus) / 1e6
    brandrail.check_texts(corpus[:10])  # compile the term automaton once

    def flash_check(text: str) -> list:
        return [k for k in flash.extract_keywords(text, span_info=True) if k[0] != EXCEPTION]

    br_one, ft_one, one_ratio = paired(
        lambda: brandrail.check_text(article), lambda: flash_check(article), number=50, repeat=args.repeat
    )
    br_many, ft_many, many_ratio = paired(
        lambda: brandrail.check_texts(corpus), lambda: [flash_check(a) for a in corpus], number=1, repeat=args.repeat
    )
    br_cols = statistics.median(
        timeit.repeat(lambda: brandrail.check_texts_columns(corpus), number=1, repeat=args.repeat)
    )

    br_found = sum(map(len, brandrail.check_texts(corpus)))
    ft_found = sum(len(flash_check(a)) for a in corpus)

    print(f"brandrail {brandrail.__version__}, native module: {native_build()} build")
    print(f"term pack {brandrail.pack_version()}: {len(terms)} terms, {len(exceptions)} exceptions")
    print(f"corpus: {len(corpus)} articles, {corpus_mb:.2f} MB of UTF-8 ({len(article.encode())} bytes each)")
    print()
    print("one 5 KB article, median per call")
    print(f"  brandrail.check_text            {br_one * 1e6:10.1f} µs")
    print(f"  flashtext.extract_keywords      {ft_one * 1e6:10.1f} µs")
    print(f"  ratio (flashtext / brandrail)   {one_ratio:10.2f}x")
    print()
    print(f"{len(corpus)} articles in one call, median")
    print(f"  brandrail.check_texts           {br_many * 1e3:8.1f} ms  {corpus_mb / br_many:8.1f} MB/s")
    print(f"  brandrail.check_texts_columns   {br_cols * 1e3:8.1f} ms  {corpus_mb / br_cols:8.1f} MB/s")
    print(f"  flashtext, one call per article {ft_many * 1e3:8.1f} ms  {corpus_mb / ft_many:8.1f} MB/s")
    print(f"  ratio (flashtext / brandrail)   {many_ratio:8.2f}x")
    print()
    print(f"findings on the corpus: brandrail {br_found}, flashtext {ft_found}")
    print("(flashtext sees no full-width, traditional or split terms, no personal data or placeholders)")


if __name__ == "__main__":
    main()
