// The compliance checker (CON-3) from Swift: every category of the shipped
// pack, exceptions, evasions, offsets into `unicodeScalars` and UTF-16
// (`NSRange`), personal data, placeholders, company terms through the policy,
// batches, async, threads and hostile input. Mirrors
// bindings-swift/tests/test_compliance_uniffi.py.

import Brandrail
import Foundation
import XCTest

final class ComplianceTests: XCTestCase {
    typealias Expected = (text: String, ruleId: String, category: String, severity: Severity,
                          term: String)

    /// One plain sentence per category of the shipped pack, plus personal
    /// data and placeholders.
    static let categories: [Expected] = [
        ("本品是同类产品中的最佳选择", "ABS-001", "absolute", .block, "最佳"),
        ("驰名商标，值得信赖", "AUT-033", "authority", .block, "驰名商标"),
        ("坚持使用可治愈失眠", "MED-002", "medical", .block, "治愈"),
        ("增强免疫力，每天一粒", "HLT-015", "health_food", .warn, "增强免疫力"),
        ("这款精华能美白", "COS-001", "cosmetics", .warn, "美白"),
        ("理财计划保本", "FIN-001", "finance_guarantee", .block, "保本"),
        ("考研冲刺班，保过！", "EDU-001", "education_guarantee", .block, "保过"),
        ("地铁旁，买了就升值", "EST-001", "real_estate", .block, "升值"),
        ("库存仅剩三件", "SCA-001", "false_scarcity", .warn, "仅剩"),
        ("活动最后一天", "URG-001", "urgency", .warn, "最后一天"),
        ("工厂出厂价直销", "PRC-001", "price", .warn, "出厂价"),
        ("性能碾压同级", "DIS-001", "disparagement", .warn, "碾压"),
        ("好酒千杯不醉", "ALC-001", "alcohol", .warn, "千杯不醉"),
        ("小朋友，快让妈妈买吧", "MIN-001", "minors", .block, "让妈妈买"),
        ("大师开光手串", "SUP-001", "superstition", .block, "开光"),
        ("线上博彩平台", "OBS-005", "obscene_gambling", .block, "博彩"),
        ("招聘：男性优先", "DSC-007", "discrimination", .block, "男性优先"),
        ("标注为台湾国的地图", "POL-001", "political", .block, "台湾国"),
        ("客户王女士（13800138000）说", "PII-PHONE", "personal_data", .block, "手机号"),
        ("效果[具体数据]", "PLACEHOLDER", "placeholder", .block, "[具体…]"),
    ]
    static let packCategories: Set<String> = [
        "absolute", "authority", "medical", "health_food", "cosmetics", "finance_guarantee",
        "education_guarantee", "real_estate", "false_scarcity", "urgency", "price",
        "disparagement", "alcohol", "minors", "superstition", "obscene_gambling",
        "discrimination", "political",
    ]

    func testEachCategoryFires() throws {
        XCTAssertEqual(Set(Self.categories.map { $0.category }),
                       Self.packCategories.union(["personal_data", "placeholder"]))
        for c in Self.categories {
            let found = try checked(c.text)
            XCTAssertEqual(found.count, 1, c.text)
            guard let f = found.first else { continue }
            XCTAssertEqual(f.ruleId, c.ruleId, c.text)
            XCTAssertEqual(f.category, c.category, c.text)
            XCTAssertEqual(f.severity, c.severity, c.text)
            XCTAssertEqual(f.term, c.term, c.text)
        }
    }

    func testTermPackVersionAndSeverityNames() throws {
        let version = termPackVersion()
        XCTAssertNotNil(version.range(of: #"^\d{4}\.\d+$"#, options: .regularExpression), version)
        XCTAssertEqual(Severity.allCases, [.block, .warn])
        XCTAssertEqual(Severity.allCases.map { $0.asStr() }, ["block", "warn"])
        let legal = try checked("本品是最佳选择").first?.legalBasis ?? ""
        XCTAssertTrue(legal.contains("广告法") && legal.contains("第九条"), legal)
    }

    static let ordinary = [
        "最近天气转凉，注意保暖", "最后，感谢各位的支持", "这是我第一次参加展会", "第一步：打开包装",
        "第一季度销售额稳步增长", "最初的设计来自一位用户", "请在最佳赏味期内食用", "数据已最大化地保护",
        "第一时间发货", "唯一标识码", "非遗：国家级非物质文化遗产", "最高人民法院的判例", "最大功率 2000W",
        "第一财经报道",
        // boundary exceptions: a word ending where a term begins
        "红包过期提醒", "作风水平高", "独特供应链", "确保本次活动顺利",
        // exceptions survive the same evasions terms do
        "最後，感謝各位", "最\u{200B}近天气转凉", "第 一 次参加", "第一\u{A0}季度",
        // numbers that are not personal data, masked data, sizes
        "订单号 20261122000123456789", "价格 12800 元", "2026年11月22日", "电话 12345678901",
        "客服 138****8000", "邮箱 l***@example.com", "尺码 XXXL 有货", "", "   \n\t  ",
    ]

    func testOrdinaryWordsAndExceptionsDoNotFire() throws {
        for text in Self.ordinary {
            XCTAssertEqual(try checkText(text: text), [], text)
        }
    }

    func testALongerTermBeatsAShorterException() throws {
        let lastDay = try checked("最后一天")
        XCTAssertEqual(lastDay.map { [$0.ruleId, $0.category, $0.term, $0.matched] },
                       [["URG-001", "urgency", "最后一天", "最后一天"]])
        XCTAssertEqual(try checked("全国第一批上市").map(\.term), ["全国第一"])
        XCTAssertEqual(try checked("排名第一位").map(\.term), ["排名第一"])
    }

    /// (text, term, matched): full width, spaces, zero-width and bidi
    /// characters, emoji, punctuation, line breaks, traditional characters.
    static let evasions: [(String, String, String)] = [
        ("本品是最 佳选择", "最佳", "最 佳"),
        ("本品是最\u{3000}佳选择", "最佳", "最\u{3000}佳"),
        ("本品是最\t佳", "最佳", "最\t佳"),
        ("本品是最\r\n佳", "最佳", "最\r\n佳"),
        ("本品是最\u{200B}佳选择", "最佳", "最\u{200B}佳"),
        ("本品是最\u{2060}佳", "最佳", "最\u{2060}佳"),
        ("本品是最\u{FEFF}佳", "最佳", "最\u{FEFF}佳"),
        ("本品是最\u{202E}佳", "最佳", "最\u{202E}佳"),
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

    func testEvasionsStillMatch() throws {
        for (text, term, matched) in Self.evasions {
            let found = try checked(text)
            XCTAssertEqual(found.map { [$0.term, $0.matched] }, [[term, matched]], text)
        }
    }

    // MARK: offsets

    func testOffsetsCountScalarsAndUTF16Units() throws {
        let text = "🎉新品：最\u{200B}佳口感，國家級認證！"
        let found = try checked(text)
        XCTAssertEqual(found.count, 2)
        guard found.count == 2 else { return }
        XCTAssertEqual(found[0].matched, "最\u{200B}佳")
        XCTAssertEqual([found[0].start, found[0].end], [4, 7])
        XCTAssertEqual([found[0].utf16Start, found[0].utf16End], [5, 8])  // 🎉 is two UTF-16 units
        XCTAssertEqual([found[1].term, found[1].matched], ["国家级", "國家級"])
        XCTAssertEqual([found[1].start, found[1].utf16Start], [10, 11])
        // The NSRange highlights exactly the match in an attributed string.
        let range = NSRange(location: Int(found[0].utf16Start),
                            length: Int(found[0].utf16End - found[0].utf16Start))
        XCTAssertEqual(NSAttributedString(string: text).attributedSubstring(from: range).string,
                       "最\u{200B}佳")
    }

    /// Prefixes whose length in scalars, UTF-16 units and Characters differ:
    /// astral emoji and ideographs, ZWJ sequences, skin tones, flags,
    /// combining accents, control characters.
    static let prefixes = [
        "", "abc ", "新品：", "🎉", "🎉🎉🎉", "👨\u{200D}👩\u{200D}👧", "👍🏽", "🇨🇳", "𠀀𪚥", "e\u{301}",
        "\u{0}\u{1B}[31m",
    ]

    func testOffsetsShiftWithAnyPrefix() throws {
        for prefix in Self.prefixes {
            let text = prefix + "最佳口感" + prefix + "保本"
            let found = try checked(text)
            XCTAssertEqual(found.count, 2, prefix)
            guard found.count == 2 else { continue }
            let scalars = UInt64(prefix.unicodeScalars.count)
            let units = UInt64(prefix.utf16.count)
            XCTAssertEqual([found[0].start, found[0].end], [scalars, scalars + 2], prefix)
            XCTAssertEqual([found[0].utf16Start, found[0].utf16End], [units, units + 2], prefix)
            XCTAssertEqual([found[1].start, found[1].utf16Start],
                           [2 * scalars + 4, 2 * units + 4], prefix)
        }
        // Characters are not scalars: never index `text` itself with `start`.
        XCTAssertEqual("👍🏽".count, 1)
        XCTAssertEqual(try checked("👍🏽最佳").first?.start, 2)
    }

    // MARK: personal data, placeholders

    func testPersonalDataMustBeMasked() throws {
        for (text, ruleId, matched) in [
            ("联系 13800138000 王经理", "PII-PHONE", "13800138000"),
            ("电话：+86 138-0013-8000。", "PII-PHONE", "+86 138-0013-8000"),
            ("１３８００１３８０００", "PII-PHONE", "１３８００１３８０００"),
            ("📞13800138000", "PII-PHONE", "13800138000"),
            ("身份证11010519491231002X", "PII-ID", "11010519491231002X"),
            ("邮箱 Li.Na+vip@example.com.cn 咨询", "PII-EMAIL", "Li.Na+vip@example.com.cn"),
            ("卡号 4111 1111 1111 1111", "PII-CARD", "4111 1111 1111 1111"),
        ] {
            let found = try checked(text)
            XCTAssertEqual(found.map { [$0.ruleId, $0.category, $0.matched] },
                           [[ruleId, "personal_data", matched]], text)
            XCTAssertEqual(found.map(\.severity), [.block], text)
        }
    }

    func testPlaceholdersBlock() throws {
        for (text, matched) in [
            ("效果[具体数据]", "[具体数据]"), ("上市时间：【具体日期】", "【具体日期】"),
            ("{{name}} 您好", "{{name}}"), ("TODO 补充", "TODO"), ("fixme", "fixme"),
            ("价格 XXX 元", "XXX"), ("活动时间待定", "待定"), ("卖点待补充", "待补充"),
            ("Lorem Ipsum dolor", "Lorem Ipsum"),
        ] {
            let found = try checked(text)
            XCTAssertEqual(found.map { [$0.ruleId, $0.category, $0.matched] },
                           [["PLACEHOLDER", "placeholder", matched]], text)
            XCTAssertEqual(found.map(\.severity), [.block], text)
        }
    }

    func testMixedCopyReportsEverythingInOrder() throws {
        let text = "🔥国家级认证！客户王女士（13800138000）说：疗效[具体数据]，TODO"
        XCTAssertEqual(try checked(text).map(\.ruleId),
                       ["ABS-103", "PII-PHONE", "MED-003", "PLACEHOLDER", "PLACEHOLDER"])
    }

    // MARK: the engine

    static let companyRules = """
        [compliance]
        custom_terms = [
          { term = "爆款", category = "absolute", severity = "warn", legal_basis = "", suggestion = "热门" },
          { term = "竞品A", category = "brand_rules", severity = "block", legal_basis = "公司品牌手册 §3", suggestion = "不点名竞品" },
        ]
        custom_exceptions = ["最佳口碑", "保本价"]
        """
    static let copy = "品牌焕新，全网爆款，最佳口碑；比竞 品Ａ好；保本价；最佳选择"

    func testTheEngineChecksWithThePolicyInForce() throws {
        let engine = try seededEngine()
        XCTAssertEqual(try engine.checkText(text: Self.copy), try checkText(text: Self.copy))
        XCTAssertEqual(try engine.checkText(text: Self.copy).map(\.term), ["最佳", "保本价", "最佳"])
        let log = try engine.auditLen()
        _ = try engine.replacePolicy(actor: "zhao.min",
                                     policy: engine.policy().overlayToml(text: Self.companyRules))
        XCTAssertEqual(try engine.auditLen(), log + 1)
        let found = assertLocated(Self.copy, try engine.checkText(text: Self.copy))
        XCTAssertEqual(found.map(\.ruleId), ["CUSTOM-1", "CUSTOM-2", "ABS-001"])
        XCTAssertEqual(found.map(\.category), ["absolute", "brand_rules", "absolute"])
        XCTAssertEqual(found.map(\.severity), [.warn, .block, .block])
        // Evasions apply to company terms too.
        XCTAssertEqual(found.map(\.matched), ["爆款", "竞 品Ａ", "最佳"])
        guard found.count == 3 else { return }
        // No legal basis of its own: the pack category's. Its own: kept.
        XCTAssertEqual(found[0].legalBasis, found[2].legalBasis)
        XCTAssertEqual(found[1].legalBasis, "公司品牌手册 §3")
        XCTAssertEqual(found[1].suggestion, "不点名竞品")
        // The free functions keep using the shipped pack alone.
        XCTAssertEqual(try checkText(text: Self.copy).map(\.term), ["最佳", "保本价", "最佳"])
        // Checking reads only: nothing is audited.
        _ = try engine.checkTexts(texts: [Self.copy, Self.copy])
        XCTAssertEqual(try engine.auditLen(), log + 1)
    }

    func testCompanySettingsTurnChecksOffAndARefusalChangesNothing() throws {
        let engine = try seededEngine()
        let text = "TODO 13800138000 最佳"
        XCTAssertEqual(try engine.checkText(text: text).map(\.category),
                       ["placeholder", "personal_data", "absolute"])
        let off = try engine.policy().overlayToml(
            text: "[compliance]\nblock_placeholders = false\nrequire_masked_personal_data = false\n")
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.replacePolicy(actor: "li.na", policy: off)
        }
        XCTAssertEqual(try engine.checkText(text: text).count, 3)
        _ = try engine.replacePolicy(actor: "zhao.min", policy: off)
        XCTAssertEqual(try engine.checkText(text: text).map(\.category), ["absolute"])
    }

    func testBadCompanyTermsAreValidationErrors() throws {
        let engine = try seededEngine()
        func overlay(term: String, category: String, severity: String) -> String {
            "[compliance]\ncustom_terms = [{ term = \"\(term)\", category = \"\(category)\", "
                + "severity = \"\(severity)\", legal_basis = \"\", suggestion = \"\" }]\n"
        }
        for (text, field) in [
            (overlay(term: " ", category: "x", severity: "warn"), "compliance.custom_terms[0].term"),
            (overlay(term: "a", category: "", severity: "warn"), "compliance.custom_terms[0].category"),
            (overlay(term: "a", category: "x", severity: "fatal"), "compliance.custom_terms[0].severity"),
            // a TOML escape: the term holds a NUL
            (overlay(term: "a\\u0000b", category: "x", severity: "warn"), "compliance.custom_terms[0].term"),
        ] {
            let error = assertRefused("validation") { try engine.policy().overlayToml(text: text) }
            guard case let .Validation(got, _)? = error else { XCTFail(text); continue }
            XCTAssertEqual(got, field, text)
        }
    }

    // MARK: batches

    static let batch = ["最佳", "", "无风险的最近", "保本保息", "\u{0}\u{1}\u{7F}", "🎉國家級", "客服 138****8000"]

    func testBatchesKeepOrderAndMatchSingleChecks() throws {
        let engine = try seededEngine()
        let singles = try Self.batch.map { try checkText(text: $0) }
        XCTAssertEqual(try checkTexts(texts: Self.batch), singles)
        XCTAssertEqual(try engine.checkTexts(texts: Self.batch), singles)
        XCTAssertEqual(singles.map(\.count), [1, 0, 1, 1, 0, 1, 0])
        let backwards = try checkTexts(texts: Array(Self.batch.reversed()))
        for (text, found) in zip(Self.batch, backwards.reversed()) {
            assertLocated(text, found)
        }
        XCTAssertEqual(try checkTexts(texts: []), [])
        XCTAssertEqual(try engine.checkTexts(texts: []), [])
        let many = (0..<3000).map { $0 % 3 == 0 ? "第\($0)条：最佳" : "第\($0)条" }
        XCTAssertEqual(try checkTexts(texts: many).map(\.count),
                       (0..<3000).map { $0 % 3 == 0 ? 1 : 0 })
    }

    func testAsyncBatches() async throws {
        let engine = try seededEngine()
        let shipped = try await checkTextsAsync(texts: Self.batch)
        let engined = try await engine.checkTextsAsync(texts: Self.batch)
        XCTAssertEqual(shipped, try checkTexts(texts: Self.batch))
        XCTAssertEqual(engined, shipped)
        let empty = try await checkTextsAsync(texts: [])
        XCTAssertEqual(empty, [])
    }

    func testThreadsShareTheChecker() throws {
        let engine = try seededEngine()
        let want = try checkTexts(texts: Self.batch)
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            for _ in 0..<20 {
                XCTAssertEqual(try checkTexts(texts: Self.batch), want)
                XCTAssertEqual(try engine.checkTexts(texts: Self.batch), want)
            }
        }
    }

    // MARK: bad input

    func testA5MBTextIsCheckedToItsEnd() throws {
        let engine = try seededEngine()
        let filler = "最近的活动很好。🎉"
        let text = String(repeating: filler, count: 5_000_000 / filler.utf8.count + 1) + "最佳"
        XCTAssertGreaterThan(text.utf8.count, 5_000_000)
        let scalars = UInt64(text.unicodeScalars.count)
        let results = try [checkText(text: text), engine.checkText(text: text)]
        for found in results {
            XCTAssertEqual(found.count, 1)
            guard let f = found.first else { continue }
            XCTAssertEqual([f.start, f.end], [scalars - 2, scalars])
            XCTAssertEqual(f.utf16End, UInt64(text.utf16.count))
            XCTAssertEqual(f.matched, "最佳")
        }
        let ascii = String(repeating: "a", count: 5_000_000) + " TODO"
        XCTAssertEqual(try checkText(text: ascii).map(\.start), [5_000_001])
    }

    func testControlCharactersAndHostileStringsNeverCrash() throws {
        let codes = Array(0..<0x20) + [0x7F] + Array(0x80..<0xA0)
        let controls = String(codes.map { Character(Unicode.Scalar(UInt8($0))) })
        XCTAssertEqual(try checkText(text: String(repeating: controls, count: 100)), [])
        // Noise between the characters of a term does not hide it.
        XCTAssertEqual(try checked("\u{0}最\u{0}佳\u{0}").map(\.matched), ["最\u{0}佳"])
        XCTAssertEqual(try checked("\u{1B}[31m最佳\u{1B}[0m").map(\.matched), ["最佳"])
        let odd = [
            "\u{FFFF}\u{10FFFF}\u{FFFD}", String(repeating: "ｘ", count: 1000),
            "a" + String(repeating: "\u{301}", count: 5000), String(repeating: "🏳️‍🌈", count: 1000),
            "\u{E0041}最\u{E0042}佳", "'); DROP TABLE content;--",
        ]
        for text in EngineTests.hostileHandles + EngineTests.hostileNames + odd {
            _ = try checked(text)
        }
        // Swift strings are always valid Unicode, so no text is refused.
    }
}
