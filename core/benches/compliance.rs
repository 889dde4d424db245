//! Compliance checker throughput (content issue, item 7): the full shipped term
//! pack over realistic Chinese ad copy, normalization included, one core.
//!
//! Run: `cargo bench -p brandrail --bench compliance`.

use brandrail::content::compliance::Scanner;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// About 5 KB of ordinary marketing copy with a few findings mixed in.
fn article() -> String {
    let paragraphs = [
        "秋冬新品上市！这款羊绒围巾采用内蒙古阿拉善白山羊绒，手感柔软，保暖性好。",
        "我们的设计团队走访了二十多家工厂，反复打样三个月，最近终于定稿。",
        "现在下单享受包邮服务，支持七天无理由退换。第一次购买的顾客还可领取十元优惠券。",
        "面料经过第三方检测机构检验，详见商品详情页的检测报告。",
        "活动期间关注公众号，回复“围巾”即可参与抽奖，奖品包括保温杯和帆布袋。",
        "门店地址：上海市静安区南京西路某号，营业时间上午十点至晚上十点。",
        "这是同类产品中的最佳选择，国家级工艺，限时抢购。",
        "如有疑问请联系在线客服，我们会在十分钟内回复您。",
    ];
    let mut out = String::new();
    while out.len() < 5_000 {
        for p in paragraphs {
            out.push_str(p);
            out.push('\n');
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let scanner = Scanner::shipped();
    let text = article();
    let mut g = c.benchmark_group("compliance");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("check_5kb_article", |b| b.iter(|| scanner.check(&text)));
    let corpus: Vec<String> = (0..200).map(|_| text.clone()).collect();
    g.throughput(Throughput::Bytes((text.len() * corpus.len()) as u64));
    g.bench_function("check_many_200_articles", |b| {
        b.iter(|| scanner.check_many(&corpus))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches, part_benches);

fn parts(c: &mut Criterion) {
    let text = article();
    let mut g = c.benchmark_group("compliance_parts");
    g.throughput(Throughput::Bytes(text.len() as u64));
    let mut policy = brandrail::Policy::default_pack().compliance.clone();
    policy.require_masked_personal_data = false;
    policy.block_placeholders = false;
    let terms_only = Scanner::new(&policy).unwrap();
    g.bench_function("terms_only", |b| b.iter(|| terms_only.check(&text)));
    g.finish();
}

criterion_group!(part_benches, parts);
