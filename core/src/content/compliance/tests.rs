use super::*;
use crate::policy::{CustomTerm, Policy};

fn ids(text: &str) -> Vec<String> {
    check_text(text).into_iter().map(|f| f.rule_id).collect()
}

fn terms(text: &str) -> Vec<String> {
    check_text(text).into_iter().map(|f| f.term).collect()
}

#[test]
fn true_positives_per_category() {
    for (text, id, category) in [
        ("本品是同类产品中的最佳选择", "ABS-001", "absolute"),
        ("国家级品质，值得信赖", "ABS-103", "absolute"),
        ("销量全国第一", "", "absolute"),
        ("坚持使用可治愈失眠", "MED-002", "medical"),
        ("理财计划保本保息", "FIN-001", "finance_guarantee"),
        ("考研冲刺班，保过！", "EDU-001", "education_guarantee"),
        ("活动最后一天，快来抢购", "URG-001", "urgency"),
        ("库存仅剩三件", "SCA-001", "false_scarcity"),
    ] {
        let found = check_text(text);
        assert!(
            found
                .iter()
                .any(|f| f.category == category && (id.is_empty() || f.rule_id == id)),
            "{text}: {found:?}"
        );
        let f = found.iter().find(|f| f.category == category).unwrap();
        assert!(
            !f.legal_basis.is_empty() && !f.suggestion.is_empty(),
            "{f:?}"
        );
    }
}

#[test]
fn ordinary_words_do_not_fire() {
    for text in [
        "最近天气转凉，注意保暖",
        "最后，感谢各位的支持",
        "这是我第一次参加展会",
        "第一步：打开包装",
        "第一季度销售额稳步增长",
        "最初的设计来自一位用户",
        "请在最佳赏味期内食用",
        "数据已最大化地保护",
        "",
        "   \n\t  ",
    ] {
        assert!(
            check_text(text).is_empty(),
            "{text}: {:?}",
            check_text(text)
        );
    }
}

#[test]
fn evasions_still_match() {
    for text in [
        "本品是最 佳选择",
        "本品是最\u{200B}佳选择",
        "本品是最、佳选择",
        "本品是最🔥佳选择",
        "本品是最\u{202E}佳选择",
        "本品是最\t佳选择",
        "本品是最佳選擇",
        "國家級品質",
        "ＮＯ．１ 的口碑",
        "No. 1 的口碑",
        "TOP１",
    ] {
        assert!(!check_text(text).is_empty(), "{text}");
    }
    assert_eq!(ids("國家級品質"), ["ABS-103"]);
}

#[test]
fn offsets_point_into_the_original_text() {
    let text = "🎉新品：最\u{200B}佳口感，國家級認證！";
    let chars: Vec<char> = text.chars().collect();
    let found = check_text(text);
    assert_eq!(found.len(), 2, "{found:?}");
    for f in &found {
        let span: String = chars[f.start..f.end].iter().collect();
        assert_eq!(span, f.matched);
    }
    assert_eq!(found[0].matched, "最\u{200B}佳");
    assert_eq!((found[0].start, found[0].end), (4, 7));
    // The emoji is two UTF-16 units.
    assert_eq!((found[0].utf16_start, found[0].utf16_end), (5, 8));
    let units: Vec<u16> = text.encode_utf16().collect();
    for f in &found {
        assert_eq!(
            String::from_utf16(&units[f.utf16_start..f.utf16_end]).unwrap(),
            f.matched
        );
    }
    assert_eq!(found[1].matched, "國家級");
    assert_eq!(found[1].term, "国家级");
}

#[test]
fn personal_data_and_placeholders_block() {
    let found = check_text("客户王女士（13800138000）说：效果[具体数据]，TODO 补充");
    let kinds: Vec<_> = found
        .iter()
        .map(|f| (f.rule_id.as_str(), f.severity))
        .collect();
    assert!(kinds.contains(&("PII-PHONE", Severity::Block)), "{kinds:?}");
    assert_eq!(
        kinds.iter().filter(|k| k.0 == "PLACEHOLDER").count(),
        2,
        "{kinds:?}"
    );
    assert!(ids("尺码 XXXL 有货").is_empty());
    assert!(ids("客服 138****8000").is_empty());
    assert_eq!(terms("待定"), ["待定"]);
}

#[test]
fn company_terms_and_exceptions_extend_the_pack() {
    let mut policy = Policy::default_pack().compliance.clone();
    policy.custom_terms.push(CustomTerm {
        term: "秒杀全网".into(),
        category: "absolute".into(),
        severity: Severity::Warn,
        legal_basis: String::new(),
        suggestion: "限时优惠".into(),
    });
    policy.custom_exceptions.push("唯一旗舰".into());
    let s = Scanner::new(&policy).unwrap();
    let found = s.check("双十一秒杀 全网，唯一旗舰店");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].rule_id, "CUSTOM-1");
    assert_eq!(found[0].severity, Severity::Warn);
    assert!(found[0].legal_basis.contains("第九条"));
    // Turning checks off in the policy turns them off.
    policy.block_placeholders = false;
    policy.require_masked_personal_data = false;
    let s = Scanner::new(&policy).unwrap();
    assert!(s.check("TODO 13800138000").is_empty());
}

#[test]
fn batches_keep_order_and_hostile_input_never_panics() {
    let texts = ["最佳", "", "无风险的最近", "\u{0}\u{1}\u{7f}"];
    let out = check_texts(&texts);
    assert_eq!(out.len(), 4);
    assert_eq!(out[0].len(), 1);
    assert!(out[1].is_empty());
    let huge = "最近的活动很好。".repeat(50_000) + "最佳";
    let found = check_text(&huge);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].start, huge.chars().count() - 2);
    for text in [
        "'); DROP TABLE x;--",
        "\u{FFFF}\u{10FFFF}",
        "ｘ".repeat(1000).as_str(),
        "a\u{301}\u{301}\u{301}",
    ] {
        for f in check_text(text) {
            assert!(f.start < f.end && f.end <= text.chars().count());
        }
    }
}
