// CON-4..CON-8 from Swift: the pre-publish checklist as a report (located in
// Unicode scalars and in UTF-16 units) and as the gate of review, scheduling
// and publication; the asset library with UGC authorization and
// confidentiality labels; the publishing plan (days as "YYYY-MM-DD") with
// cadence, caps, slots, backlog and hot dates; themes, A/B variants and
// derivatives. Bad input is refused with its typed error case and changes
// nothing. Mirrors bindings-swift/tests/test_publishing_uniffi.py (and
// core/tests/publishing.rs).
//
// Runs on a manual clock from Monday 2026-11-02 10:00 in Shanghai.

import Brandrail
import Foundation
import XCTest

final class PublishingTests: XCTestCase {
    static let start = at("2026-11-02T02:00:00Z")
    static let day: Int64 = 86_400
    static let hostileDates = [
        "", "2026-11-4", "26-11-04", "2026/11/04", "2026-02-30", "2026-13-01", "+2026-11-04",
        "２０２６-11-04", " 2026-11-04", "2026-11-04\u{0}", "\u{202E}2026-11-04",
        "2026-11-04T00:00:00Z", "2026-11-04'; DROP TABLE content_item;--", "now",
    ]

    var engine: Engine!
    var start: Date { Self.start }

    /// it.admin, li.na (marketing), chen.jie and wu.fan (brand), sun.li
    /// (legal), zhao.min (executive), qian.yu (sales).
    override func setUpWithError() throws {
        engine = try Engine.inMemory(options: EngineOptions(clockStart: Self.start))
        _ = try engine.bootstrap(firstAdmin: person("it.admin", .it, "IT"))
        _ = try engine.createPrincipals(actor: "it.admin", inputs: [
            person("li.na", .marketing), person("chen.jie", .brand), person("wu.fan", .brand),
            person("sun.li", .legal), person("zhao.min", .executive), person("qian.yu", .sales),
        ])
    }

    // MARK: helpers

    /// Local Shanghai time `d hh:mm`.
    func local(_ d: String, _ hh: Int, _ mm: Int = 0) -> Date {
        at("\(d)T\(String(format: "%02d:%02d", hh, mm)):00+08:00")
    }

    func policy(_ toml: String) throws {
        _ = try engine.replacePolicy(actor: "zhao.min", policy: engine.policy().overlayToml(text: toml))
    }

    func image(_ name: String, _ label: Confidentiality = .public) throws -> Int64 {
        try engine.addAsset(actor: "chen.jie", input: NewAsset(
            kind: .image, name: name, uri: "oss://brand/\(name).png", source: .internal, label: label
        )).id
    }

    /// An item written, reviewed by brand and approved.
    func approved(_ input: NewContent, _ body: String, _ details: VersionDetails = VersionDetails())
        throws -> Int64
    {
        let item = try engine.planContent(actor: "li.na", input: input)
        _ = try engine.editContentWith(actor: "li.na", id: item.id,
                                       draft: ContentDraft(title: item.title, body: body, details: details))
        let submitted = try engine.submitContent(actor: "li.na", id: item.id)
        _ = try engine.approve(actor: "chen.jie", id: try XCTUnwrap(submitted.approvalId), comment: "ok")
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .approved)
        return item.id
    }

    func video(_ title: String, ugc: Bool = false) -> NewContent {
        NewContent(kind: .shortVideo, title: title, channel: "douyin", ugc: ugc)
    }

    /// Content, variants, derivatives, assets and themes: what a refused call
    /// must leave as it was, besides `Snapshot`. chen.jie owns every asset.
    struct World: Equatable {
        let items: [ContentItem]
        let versions: [[ContentVersion]]
        let variants: [[ContentVariant]]
        let derivatives: [[ContentItem]]
        let assets: [Asset]
        let themes: [Theme]

        init(_ engine: Engine) throws {
            var items: [ContentItem] = []
            while true {
                do {
                    items.append(try engine.contentItem(id: Int64(items.count + 1)))
                } catch BrandrailError.NotFound {
                    break
                }
            }
            self.items = items
            versions = try items.map { try engine.contentVersions(id: $0.id) }
            variants = try items.map { try engine.contentVariants(itemId: $0.id) }
            derivatives = try items.map { try engine.contentDerivatives(id: $0.id) }
            assets = try engine.assets(actor: "chen.jie", filter: AssetFilter(includeRetired: true))
            themes = try engine.themes(from: "2026-01-01", to: "2027-02-04")
        }
    }

    /// `assertRefusedUnchanged`, and content, assets and themes unchanged too.
    @discardableResult
    func refused<T>(
        _ code: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws -> BrandrailError? {
        let before = try World(engine)
        let error = try assertRefusedUnchanged(engine, code, file: file, line: line, body)
        XCTAssertEqual(try World(engine), before, "content changed", file: file, line: line)
        return error
    }

    func field(_ error: BrandrailError?) -> String? {
        if case let .Validation(field, _)? = error { return field }
        return nil
    }

    func rule(_ error: BrandrailError?) -> String? {
        if case let .PolicyViolation(rule, _)? = error { return rule }
        return nil
    }

    /// The core's message (`BrandrailError.description`).
    func detail(_ error: BrandrailError?) -> String {
        error.map { "\($0)" } ?? ""
    }

    func scalarSlice(_ text: String, _ start: UInt64?, _ end: UInt64?) -> String? {
        let scalars = text.unicodeScalars
        guard let start, let end, start <= end, end <= UInt64(scalars.count) else { return nil }
        let from = scalars.index(scalars.startIndex, offsetBy: Int(start))
        let to = scalars.index(scalars.startIndex, offsetBy: Int(end))
        return String(scalars[from..<to])
    }

    func utf16Slice(_ text: String, _ start: UInt64?, _ end: UInt64?) -> String? {
        guard let start, let end, start <= end, end <= UInt64(text.utf16.count) else { return nil }
        return NSString(string: text).substring(with: NSRange(location: Int(start),
                                                              length: Int(end - start)))
    }

    /// Asserts that both offset pairs of every text issue cut `matched` out of
    /// its field of the checked version; other issues carry no offsets.
    @discardableResult
    func assertLocated(_ report: ChecklistReport, file: StaticString = #filePath, line: UInt = #line)
        throws -> [ChecklistIssue]
    {
        let version = try XCTUnwrap(
            engine.contentVersions(id: report.itemId).first { $0.version == report.version })
        for i in report.issues {
            guard i.start != nil else {
                XCTAssertNil(i.end, file: file, line: line)
                XCTAssertNil(i.utf16Start, file: file, line: line)
                XCTAssertNil(i.utf16End, file: file, line: line)
                continue
            }
            let text = i.field == "title" ? version.title : version.body
            XCTAssertEqual(scalarSlice(text, i.start, i.end), i.matched, "\(i)", file: file, line: line)
            XCTAssertEqual(utf16Slice(text, i.utf16Start, i.utf16End), i.matched, "\(i)",
                           file: file, line: line)
        }
        return report.issues
    }

    func brief(_ report: ChecklistReport) -> [String] {
        report.issues.map { "\($0.check.asStr()) \($0.field) \($0.matched ?? "-")" }
    }

    // MARK: CON-4

    func testCON4LinksAssetsFieldsAndAdLabelMakeOneReportAndGateReview() async throws {
        try policy("""
            [content]
            allowed_link_domains = ["brand.com"]
            required_fields = ["title", "body", "channel", "assets"]
            """)
        let publicImage = try image("scarf")
        let internal = try image("draft-board", .internal)
        let retired = try image("old-logo")
        _ = try engine.retireAsset(actor: "chen.jie", id: retired)

        let ad = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .adCreative, title: "秋冬新品", channel: "weibo", isAd: true))
        let body = "围巾上新，详情见 https://shop.brand.com/a?b=1 与 https://evil.cn/x，"
            + "旧链接 http://bad_host/ 以及 javascript:alert(1)。"
        _ = try engine.editContentWith(actor: "li.na", id: ad.id, draft: ContentDraft(
            title: "秋冬新品", body: body,
            details: VersionDetails(assets: [publicImage, internal, retired, 9999])))
        let log = try engine.auditLen()
        let r = try engine.prepublishCheck(id: ad.id)
        XCTAssertEqual(try engine.auditLen(), log, "a report changes and audits nothing")
        XCTAssertFalse(r.passed)
        XCTAssertEqual(r.blocking, 7)
        XCTAssertEqual(r.issues.map(\.check), [
            .linkDomain, .linkMalformed, .linkMalformed, .assetConfidential, .assetRetired,
            .assetMissing, .adLabelMissing,
        ])
        XCTAssertTrue(r.issues.allSatisfy { $0.rule == "CON-4" && $0.severity == .block })
        try assertLocated(r)
        XCTAssertEqual(r.issues[0].matched, "https://evil.cn/x")
        let again = try await engine.prepublishCheckAsync(id: ad.id)
        XCTAssertEqual(again, r)

        // The gate: refused, typed, nothing changed.
        let gate = try refused("policy_violation") { try engine.submitContent(actor: "li.na", id: ad.id) }
        XCTAssertEqual(rule(gate), "CON-4")
        XCTAssertTrue(detail(gate).contains("link_domain"), detail(gate))
        XCTAssertEqual(try engine.contentItem(id: ad.id).state, .inProduction)

        // Fixed: allowed links, a public asset, the ad label.
        _ = try engine.editContentWith(actor: "li.na", id: ad.id, draft: ContentDraft(
            title: "秋冬新品", body: "【广告】围巾上新，详情见 https://shop.brand.com/a?b=1。",
            details: VersionDetails(assets: [publicImage])))
        let fixed = try engine.prepublishCheck(id: ad.id)
        XCTAssertTrue(fixed.passed)
        XCTAssertEqual(fixed.issues, [])
        XCTAssertEqual(try engine.submitContent(actor: "li.na", id: ad.id).state, .inReview)

        // Unknown items and items without a version.
        for id: Int64 in [0, -1, 424_242, .max, .min] {
            assertRefused("not_found") { try engine.prepublishCheck(id: id) }
        }
        let empty = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .article, title: "空", channel: "zhihu"))
        assertRefused("conflict") { try engine.prepublishCheck(id: empty.id) }
    }

    func testCON4IssueOffsetsCountScalarsAndUTF16Units() throws {
        try policy("""
            [content]
            allowed_link_domains = ["brand.com"]
            brand_names = [{ canonical = "BrandRail", wrong = ["Brandrail", "BrandRial"] }]
            """)
        let item = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .imagePost, title: "秋冬", channel: "weibo"))
        _ = try engine.editContent(actor: "li.na", id: item.id, title: "👍🏽 Brandrail 秋冬",
                                   body: "🎉🎉 新品见 https://evil.cn/x，𠀀BrandRial 上新")
        let r = try engine.prepublishCheck(id: item.id)
        let issues = try assertLocated(r)
        XCTAssertEqual(brief(r), [
            "link_domain body https://evil.cn/x", "brand_spelling title Brandrail",
            "brand_spelling body BrandRial",
        ])
        XCTAssertEqual(issues.map { [$0.start, $0.end, $0.utf16Start, $0.utf16End] }, [
            [7, 24, 9, 26], [3, 12, 5, 14], [26, 35, 29, 38],
        ])
        // Highlight in a text view: the UTF-16 pair is an NSRange.
        let range = NSRange(location: Int(issues[1].utf16Start!),
                            length: Int(issues[1].utf16End! - issues[1].utf16Start!))
        XCTAssertEqual(NSString(string: "👍🏽 Brandrail 秋冬").substring(with: range), "Brandrail")
    }

    func testCON4AnAssetRetiredAfterApprovalStopsPublication() throws {
        let img = try image("scarf")
        let id = try approved(NewContent(kind: .imagePost, title: "围巾", channel: "weibo"),
                              "秋冬围巾上新。", VersionDetails(assets: [img]))
        XCTAssertEqual(try engine.retireAsset(actor: "chen.jie", id: img).state, .retired)
        let err = try refused("policy_violation") { try engine.publishContent(actor: "chen.jie", id: id) }
        XCTAssertEqual(rule(err), "CON-4")
        try refused("policy_violation") {
            try engine.scheduleContent(actor: "li.na", id: id, at: start.addingTimeInterval(86_400))
        }
        XCTAssertEqual(try engine.contentItem(id: id).state, .approved)
    }

    // MARK: CON-5

    func testCON5BrandSpellingVideoLengthSpacingAndVIElements() throws {
        try policy("""
            [content]
            brand_names = [{ canonical = "BrandRail", wrong = ["Brandrail", "BrandRial", "布兰德瑞"] }]
            [content.layout]
            approved_fonts = ["思源黑体"]
            approved_palettes = ["autumn-2026"]
            approved_templates = ["poster-a"]
            """)
        let art = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .article, title: "Brandrail 秋冬", channel: "wechat_official_account"))
        _ = try engine.editContentWith(actor: "li.na", id: art.id, draft: ContentDraft(
            title: "Brandrail 秋冬", body: "BrandRail 与 BrandRial 以及 布兰德瑞：BrandRail Pro。",
            details: VersionDetails(paragraphSpacing: 1.2, template: "poster-z",
                                    fonts: ["思源黑体", "Comic Sans"], palette: "neon")))
        let r = try engine.prepublishCheck(id: art.id)
        XCTAssertEqual(brief(r), [
            "brand_spelling title Brandrail", "brand_spelling body BrandRial",
            "brand_spelling body 布兰德瑞", "paragraph_spacing paragraph_spacing -",
            "template template -", "font fonts Comic Sans", "palette palette -",
        ])
        try assertLocated(r)
        XCTAssertEqual(r.issues[0].suggestion, "BrandRail")
        XCTAssertEqual(r.issues[1].utf16Start, 12)
        let err = try refused("policy_violation") { try engine.submitContent(actor: "li.na", id: art.id) }
        XCTAssertEqual(rule(err), "CON-5")

        // A text edit keeps the details; a draft without details declares none.
        _ = try engine.editContentWith(actor: "li.na", id: art.id, draft: ContentDraft(
            title: "BrandRail 秋冬", body: "BrandRail 秋冬系列。",
            details: VersionDetails(paragraphSpacing: 1.5, fonts: ["思源黑体"], palette: "autumn-2026")))
        _ = try engine.editContent(actor: "li.na", id: art.id, title: "BrandRail 秋冬", body: "BrandRail。")
        XCTAssertEqual(try engine.contentVersions(id: art.id).last?.details.paragraphSpacing, 1.5)
        XCTAssertTrue(try engine.prepublishCheck(id: art.id).passed)
        _ = try engine.editContentWith(actor: "li.na", id: art.id,
                                       draft: ContentDraft(title: "BrandRail 秋冬", body: "BrandRail。"))
        let warned = try engine.prepublishCheck(id: art.id)
        XCTAssertTrue(warned.passed)
        XCTAssertEqual(warned.issues.map(\.severity), [.warn])

        // Short video: 15–60 s, declared.
        let v = try engine.planContent(actor: "li.na", input: video("开箱"))
        for (seconds, ok) in [(nil, false), (14, false), (15, true), (60, true), (61, false)] as [(UInt32?, Bool)] {
            _ = try engine.editContentWith(actor: "li.na", id: v.id, draft: ContentDraft(
                title: "开箱", body: "开箱视频脚本。", details: VersionDetails(durationSeconds: seconds)))
            XCTAssertEqual(try engine.prepublishCheck(id: v.id).passed, ok, "\(String(describing: seconds))")
        }
    }

    func testHostileAndOutOfRangeDetailsAreRefusedUnchanged() throws {
        let item = try engine.planContent(actor: "li.na", input: video("开箱"))
        let bad: [(VersionDetails, String)] = [
            (VersionDetails(durationSeconds: 0), "duration_seconds"),
            (VersionDetails(durationSeconds: 86_401), "duration_seconds"),
            (VersionDetails(paragraphSpacing: .nan), "paragraph_spacing"),
            (VersionDetails(paragraphSpacing: .infinity), "paragraph_spacing"),
            (VersionDetails(paragraphSpacing: -1.5), "paragraph_spacing"),
            (VersionDetails(template: "poster\u{0}'; DROP TABLE content_item;--"), "template"),
            (VersionDetails(template: "poster\u{202E}evil"), "template"),
            (VersionDetails(palette: "\u{1B}[31mred"), "palette"),
            (VersionDetails(fonts: [""]), "fonts"),
            (VersionDetails(fonts: Array(repeating: "f", count: 21)), "fonts"),
            (VersionDetails(assets: [1, 1]), "assets"),
            (VersionDetails(assets: [-3]), "assets"),
            (VersionDetails(assets: Array(1...501)), "assets"),
        ]
        for (details, name) in bad {
            let err = try refused("validation") {
                try engine.editContentWith(actor: "li.na", id: item.id,
                                           draft: ContentDraft(title: "开箱", body: "脚本", details: details))
            }
            XCTAssertEqual(field(err), name, "\(details)")
        }
        for title in ["", "   ", String(repeating: "长", count: 201), "Bad\u{0}Name", "Bidi\u{202E}Evil"] {
            let err = try refused("validation") {
                try engine.editContentWith(actor: "li.na", id: item.id,
                                           draft: ContentDraft(title: title, body: "脚本"))
            }
            XCTAssertEqual(field(err), "title")
        }
        try refused("not_found") {
            try engine.editContentWith(actor: "li.na", id: 999, draft: ContentDraft(title: "开箱", body: "脚本"))
        }
        for actor in ["ghost", "qian.yu", "sun.li", "robert'); DROP TABLE principal;--"] {
            try refused("permission_denied") {
                try engine.editContentWith(actor: actor, id: item.id,
                                           draft: ContentDraft(title: "开箱", body: "脚本"))
            }
        }
        XCTAssertEqual(try engine.contentItem(id: item.id).version, 0)
        XCTAssertTrue(requiredFieldNames().contains("assets"))
    }

    // MARK: CON-6

    func signed(_ signedAt: Date, _ expiresAt: Date? = nil) -> UgcAuthorization {
        UgcAuthorization(grantedBy: "小红薯 @mia", reference: "AUTH-2026-118", signedAt: signedAt,
                         expiresAt: expiresAt, scope: "douyin, xiaohongshu; 12 months")
    }

    func ugc(_ authorization: UgcAuthorization? = nil) -> NewAsset {
        NewAsset(kind: .video, name: "用户开箱", uri: "oss://ugc/unbox.mp4", source: .ugc,
                 label: .public, authorization: authorization)
    }

    func testCON6UGCNeedsASignedAuthorizationInForce() throws {
        let days = { (n: Double) in n * 86_400 }
        XCTAssertEqual(rule(try refused("policy_violation") {
            try engine.addAsset(actor: "chen.jie", input: ugc())
        }), "CON-6")
        let expired = signed(start.addingTimeInterval(-days(400)), start.addingTimeInterval(-days(35)))
        try refused("policy_violation") { try engine.addAsset(actor: "chen.jie", input: ugc(expired)) }
        let future = try refused("validation") {
            try engine.addAsset(actor: "chen.jie", input: ugc(signed(start.addingTimeInterval(days(1)))))
        }
        XCTAssertEqual(field(future), "authorization.signed_at")
        let backwards = try refused("validation") {
            try engine.addAsset(actor: "chen.jie",
                                input: ugc(signed(start, start.addingTimeInterval(-days(1)))))
        }
        XCTAssertEqual(field(backwards), "authorization.expires_at")
        XCTAssertEqual(try engine.assets(actor: "chen.jie"), [])

        let a = try engine.addAsset(actor: "chen.jie", input: ugc(signed(
            start.addingTimeInterval(-days(1)), start.addingTimeInterval(days(30)))))
        XCTAssertEqual(a.owner, "chen.jie")
        XCTAssertEqual(a.department, .brand)
        XCTAssertTrue(try a.authorizedAt(at: start))
        XCTAssertFalse(try a.authorizedAt(at: start.addingTimeInterval(days(30))))
        try assertDenied(engine, .missingPermission) { try engine.addAsset(actor: "li.na", input: ugc()) }

        // Content using it publishes while the authorization runs, not after.
        let id = try approved(video("用户开箱", ugc: true), "用户开箱视频。",
                              VersionDetails(durationSeconds: 30, assets: [a.id]))
        _ = try engine.advanceClock(seconds: 31 * Self.day)
        let r = try engine.prepublishCheck(id: id)
        XCTAssertEqual(r.issues.first?.check, .assetUnauthorized)
        XCTAssertEqual(r.issues.first?.rule, "CON-6")
        let err = try refused("policy_violation") { try engine.publishContent(actor: "chen.jie", id: id) }
        XCTAssertEqual(rule(err), "CON-6")
    }

    func testCON6LabelsRestrictWhoReadsAndReadsAreAudited() throws {
        let secret = try engine.addAsset(actor: "chen.jie", input: NewAsset(
            kind: .document, name: "2027 新品路线图", uri: "oss://brand/roadmap.pdf", source: .internal,
            label: .secret, readers: ["zhao.min"]))
        let conf = try image("campaign-draft", .confidential)
        let internal = try image("team-photo", .internal)

        XCTAssertEqual(try engine.asset(actor: "chen.jie", id: secret.id), secret)
        XCTAssertEqual(try engine.asset(actor: "zhao.min", id: secret.id).id, secret.id)
        let permission = try assertDenied(engine, .notCleared) {
            try engine.asset(actor: "wu.fan", id: secret.id)
        }
        XCTAssertEqual(permission, "asset.read:secret")
        XCTAssertEqual(try engine.asset(actor: "wu.fan", id: conf).id, conf)
        try assertDenied(engine, .notCleared) { try engine.asset(actor: "qian.yu", id: conf) }
        XCTAssertEqual(try engine.asset(actor: "qian.yu", id: internal).id, internal)

        let ids = { (who: String, filter: AssetFilter) in try self.engine.assets(actor: who, filter: filter).map(\.id) }
        XCTAssertEqual(try ids("chen.jie", AssetFilter()), [secret.id, conf, internal])
        XCTAssertEqual(try ids("wu.fan", AssetFilter()), [conf, internal])
        XCTAssertEqual(try ids("qian.yu", AssetFilter()), [internal])
        XCTAssertEqual(try ids("chen.jie", AssetFilter(label: .secret)), [secret.id])
        XCTAssertEqual(try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: "asset.read")).count, 5)

        let relabelled = try engine.relabelAsset(actor: "chen.jie", id: conf, label: .secret, readers: ["qian.yu"])
        XCTAssertEqual(relabelled.readers, ["qian.yu"])
        XCTAssertEqual(try engine.asset(actor: "qian.yu", id: conf).id, conf)
        try assertDenied(engine, .notCleared) { try engine.asset(actor: "wu.fan", id: conf) }
        try assertDenied(engine, .notCleared) {
            try engine.relabelAsset(actor: "wu.fan", id: conf, label: .public)
        }
        try refused("not_found") {
            try engine.relabelAsset(actor: "chen.jie", id: conf, label: .secret, readers: ["nobody"])
        }
        try refused("not_found") { try engine.asset(actor: "chen.jie", id: 999) }
        for (name, uri) in [("", "oss://x"), ("x", ""), ("x", "oss://a b"), ("x\u{202E}", "oss://x")] {
            try refused("validation") {
                try engine.addAsset(actor: "chen.jie", input: NewAsset(
                    kind: .image, name: name, uri: uri, source: .internal, label: .public))
            }
        }
        _ = try engine.retireAsset(actor: "chen.jie", id: internal)
        try refused("conflict") { try engine.retireAsset(actor: "chen.jie", id: internal) }
        XCTAssertTrue(try ids("chen.jie", AssetFilter(includeRetired: true)).contains(internal))
    }

    func testCON6ApprovedContentEntersTheLibraryUnapprovedDoesNot() throws {
        let draft = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .article, title: "草稿", channel: "zhihu"))
        try refused("policy_violation") {
            try engine.archiveContent(actor: "chen.jie", contentId: draft.id, label: .public)
        }
        let id = try approved(NewContent(kind: .imagePost, title: "秋冬", channel: "weibo"), "秋冬上新。")
        let a = try engine.archiveContent(actor: "chen.jie", contentId: id, label: .internal)
        XCTAssertEqual(a.kind, .content)
        XCTAssertEqual(a.contentId, id)
        XCTAssertEqual(a.uri, "content:\(id)/v1")
        try refused("not_found") { try engine.archiveContent(actor: "chen.jie", contentId: 777, label: .public) }
    }

    // MARK: CON-7

    func testCON7TheCapRefusesAThirdDouyinVideoOnOneDay() throws {
        let ids = try (0..<3).map {
            try approved(video("短视频\($0)", ugc: $0 == 0), "脚本。", VersionDetails(durationSeconds: 30))
        }
        _ = try engine.scheduleContent(actor: "li.na", id: ids[0], at: local("2026-11-04", 12))
        _ = try engine.scheduleContent(actor: "li.na", id: ids[1], at: local("2026-11-04", 18))
        let err = try refused("policy_violation") {
            try engine.scheduleContent(actor: "li.na", id: ids[2], at: local("2026-11-04", 20))
        }
        XCTAssertEqual(rule(err), "CON-7")
        XCTAssertEqual(try engine.scheduleContent(actor: "li.na", id: ids[2], at: local("2026-11-05", 12)).state,
                       .scheduled)
    }

    func testCON7TheWeekPlanReportsCadenceUGCMixSlotsAndBacklog() async throws {
        let a = try approved(video("UGC 开箱", ugc: true), "脚本。", VersionDetails(durationSeconds: 20))
        let b = try approved(video("工厂探访"), "脚本。", VersionDetails(durationSeconds: 45))
        _ = try engine.scheduleContent(actor: "li.na", id: a, at: local("2026-11-04", 12))
        _ = try engine.scheduleContent(actor: "li.na", id: b, at: local("2026-11-04", 12))
        let x = try approved(NewContent(kind: .imagePost, title: "KOC 试穿", channel: "xiaohongshu",
                                        format: "koc"), "试穿笔记。")
        _ = try engine.scheduleContent(actor: "li.na", id: x, at: local("2026-11-05", 15))
        let w = try approved(NewContent(kind: .article, title: "秋冬指南", channel: "wechat_official_account"),
                             "正文。", VersionDetails(paragraphSpacing: 1.75))
        _ = try engine.publishContent(actor: "chen.jie", id: w)
        let idle = try approved(video("压箱底"), "脚本。", VersionDetails(durationSeconds: 30))

        _ = try engine.advanceClock(seconds: 8 * Self.day)
        let plan = try engine.weekPlan(date: "2026-11-04")
        XCTAssertEqual([plan.from, plan.to, plan.timeZone], ["2026-11-02", "2026-11-08", "Asia/Shanghai"])
        XCTAssertEqual(plan.entries.map(\.itemId), [w, a, b, x])
        XCTAssertEqual(plan.entries.map(\.localTime), ["10:00", "12:00", "12:00", "15:00"])
        XCTAssertEqual(plan.entries.map(\.onSlot), [nil, true, true, false])
        XCTAssertEqual(plan.entries[3].localDate, "2026-11-05")
        let of = { (kind: PlanIssueKind) in plan.issues.filter { $0.kind == kind } }
        XCTAssertEqual(of(.missedCadence).filter { $0.channel != "douyin" }.map { [$0.expected, $0.actual] },
                       [[3, 1], [1, 0], [7, 1]])
        XCTAssertEqual(of(.missedCadence).filter { $0.channel == "douyin" }.count, 6)
        XCTAssertEqual(of(.ugcShortfall).count, 6)
        XCTAssertEqual(of(.mixMissing).count, 1)
        XCTAssertEqual(of(.slotConflict).map(\.itemIds), [[a, b]])
        XCTAssertEqual(of(.offSlot).map(\.itemIds), [[x]])
        XCTAssertEqual(of(.backlog).map(\.itemIds), [[idle]])
        XCTAssertEqual(of(.overFrequency), [])

        let ranged = try await engine.publishingPlanAsync(from: "2026-11-02", to: "2026-11-08")
        XCTAssertEqual(ranged, plan)
        let weekly = try await engine.weekPlanAsync(date: "2026-11-08")
        XCTAssertEqual(weekly, plan)
        XCTAssertEqual(try weekOf(date: "2026-11-04"), DateRange(from: "2026-11-02", to: "2026-11-08"))
    }

    func testCON7PlanDaysAreYYYYMMDDAndRangesAreBounded() throws {
        let log = try engine.auditLen()
        for bad in Self.hostileDates {
            XCTAssertEqual(field(assertRefused("validation") {
                try engine.publishingPlan(from: bad, to: "2026-11-08")
            }), "from")
            XCTAssertEqual(field(assertRefused("validation") {
                try engine.publishingPlan(from: "2026-11-02", to: bad)
            }), "to")
            XCTAssertEqual(field(assertRefused("validation") { try engine.weekPlan(date: bad) }), "date")
            XCTAssertEqual(field(assertRefused("validation") { try weekOf(date: bad) }), "date")
            XCTAssertEqual(field(assertRefused("validation") {
                try engine.hotDates(from: bad, to: "2026-11-08")
            }), "from")
        }
        XCTAssertEqual(field(assertRefused("validation") {
            try engine.publishingPlan(from: "2026-11-08", to: "2026-11-01")
        }), "to")
        XCTAssertEqual(field(assertRefused("validation") {
            try engine.publishingPlan(from: "2026-01-01", to: "2027-03-01")
        }), "to")
        XCTAssertEqual(field(assertRefused("validation") { try engine.quarterPlan(year: 2026, quarter: 5) }),
                       "quarter")
        XCTAssertEqual(field(assertRefused("validation") { try quarterOf(year: 10_000, quarter: 1) }), "year")
        XCTAssertEqual(field(assertRefused("validation") { try engine.weekPlan(date: "9999-12-31") }), "date")
        XCTAssertEqual(try quarterOf(year: 2028, quarter: 1), DateRange(from: "2028-01-01", to: "2028-03-31"))
        XCTAssertEqual(try engine.auditLen(), log, "reads audit nothing")
    }

    // MARK: CON-8

    func testCON8QuarterPlanHotDatesAndThemes() async throws {
        let q = try await engine.quarterPlanAsync(year: 2026, quarter: 4)
        XCTAssertEqual(q.hotDates.map(\.name), ["国庆节", "双十一", "双十二", "圣诞节"])
        XCTAssertEqual(q.hotDates.map(\.date), ["2026-10-01", "2026-11-11", "2026-12-12", "2026-12-25"])
        XCTAssertEqual(q.issues.filter { $0.kind == .hotDateUncovered }.count, 4)

        let t = try engine.addTheme(actor: "li.na", input: NewTheme(
            name: "双十一 暖冬季", starts: "2026-11-01", ends: "2026-11-15", hotDate: "双十一",
            description: "羊绒与围巾"))
        XCTAssertEqual([t.starts, t.ends], ["2026-11-01", "2026-11-15"])
        let covered = try engine.quarterPlan(year: 2026, quarter: 4)
        XCTAssertEqual(covered.themes, [t])
        XCTAssertEqual(covered.issues.filter { $0.kind == .hotDateUncovered }.count, 3)
        XCTAssertEqual(try engine.hotDates(from: "2027-01-01", to: "2027-03-31")
            .filter { $0.name == "春节" }.map(\.date), ["2027-02-06"])
        let item = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .article, title: "暖冬", channel: "zhihu", themeId: t.id))
        XCTAssertEqual(item.themeId, t.id)
        try refused("not_found") {
            try engine.planContent(actor: "li.na", input: NewContent(
                kind: .article, title: "暖冬", channel: "zhihu", themeId: 99))
        }
        let theme = { (name: String, starts: String, ends: String, hot: String?) in
            NewTheme(name: name, starts: starts, ends: ends, hotDate: hot)
        }
        XCTAssertEqual(field(try refused("validation") {
            try engine.addTheme(actor: "li.na", input: theme("", "2026-11-01", "2026-11-02", nil))
        }), "name")
        XCTAssertEqual(field(try refused("validation") {
            try engine.addTheme(actor: "li.na", input: theme("x", "2026-11-02", "2026-11-01", nil))
        }), "ends")
        XCTAssertEqual(field(try refused("validation") {
            try engine.addTheme(actor: "li.na", input: theme("x", "2026-11-4", "2026-11-05", nil))
        }), "starts")
        try refused("not_found") {
            try engine.addTheme(actor: "li.na", input: theme("x", "2026-11-01", "2026-11-02", "光棍节"))
        }
        try assertDenied(engine, .missingPermission) {
            try engine.addTheme(actor: "qian.yu", input: theme("x", "2026-11-01", "2026-11-02", nil))
        }
    }

    func testCON8VariantsAndDerivatives() throws {
        let item = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .article, title: "早餐", channel: "wechat_official_account"))
        _ = try engine.editContentWith(actor: "li.na", id: item.id, draft: ContentDraft(
            title: "早餐", body: "三分钟早餐。", details: VersionDetails(paragraphSpacing: 1.5)))
        let title = { (text: String) in NewVariant(kind: .title, text: text) }
        var a = try engine.addVariant(actor: "li.na", itemId: item.id, input: title("3 个理由让你爱上早餐"))
        let b = try engine.addVariant(actor: "li.na", itemId: item.id, input: title("为什么早餐只要 3 分钟？"))
        let c = try engine.addVariant(actor: "li.na", itemId: item.id, input: NewVariant(
            kind: .copy, text: "一杯热豆浆，开启暖冬早晨。", style: .plain))
        XCTAssertEqual([a.label, b.label, c.label], ["A", "B", "A"])
        XCTAssertEqual([a.style, b.style, c.style], [.number, .question, .plain])
        XCTAssertNil(a.clickRate)
        XCTAssertEqual(variantStyleOf(text: "你吃早餐了吗"), .question)

        let banned = try refused("policy_violation") {
            try engine.addVariant(actor: "li.na", itemId: item.id, input: title("全网最佳早餐"))
        }
        XCTAssertEqual(rule(banned), "CON-3")
        try refused("not_found") { try engine.addVariant(actor: "li.na", itemId: 999, input: title("早餐")) }
        try refused("validation") { try engine.addVariant(actor: "li.na", itemId: item.id, input: title("")) }
        try assertDenied(engine, .missingPermission) {
            try engine.addVariant(actor: "qian.yu", itemId: item.id, input: title("早餐"))
        }

        a = try engine.recordVariantResults(actor: "li.na", variantId: a.id, impressions: 1000, clicks: 42)
        a = try engine.recordVariantResults(actor: "li.na", variantId: a.id, impressions: 1000, clicks: 18)
        XCTAssertEqual([a.impressions, a.clicks], [2000, 60])
        XCTAssertEqual(try XCTUnwrap(a.clickRate), 0.03, accuracy: 1e-12)
        try refused("validation") {
            try engine.recordVariantResults(actor: "li.na", variantId: b.id, impressions: 10, clicks: 11)
        }
        try refused("validation") {
            try engine.recordVariantResults(actor: "li.na", variantId: b.id, impressions: .max, clicks: 0)
        }
        try assertDenied(engine, .missingPermission) {
            try engine.recordVariantResults(actor: "chen.jie", variantId: b.id, impressions: 1, clicks: 0)
        }
        try refused("not_found") {
            try engine.recordVariantResults(actor: "li.na", variantId: 4242, impressions: 1, clicks: 0)
        }
        XCTAssertEqual(try engine.contentVariants(itemId: item.id).map(\.id), [a.id, b.id, c.id])

        let d = try engine.deriveContent(actor: "li.na", sourceId: item.id, input: NewContent(
            kind: .imagePost, title: "早餐 图文", channel: "weibo"))
        XCTAssertEqual(d.sourceId, item.id)
        XCTAssertEqual(d.state, .inProduction)
        XCTAssertEqual(d.version, 1)
        let first = try XCTUnwrap(engine.contentVersions(id: d.id).first)
        XCTAssertEqual(first.body, "三分钟早餐。")
        XCTAssertEqual(first.details.paragraphSpacing, 1.5)
        XCTAssertEqual(try engine.contentDerivatives(id: item.id), [d])
        let empty = try engine.planContent(actor: "li.na", input: NewContent(
            kind: .article, title: "空", channel: "zhihu"))
        try refused("conflict") {
            try engine.deriveContent(actor: "li.na", sourceId: empty.id, input: NewContent(
                kind: .sms, title: "短信", channel: "sms_sender"))
        }
        assertRefused("not_found") { try engine.contentDerivatives(id: 31_337) }

        let published = try approved(NewContent(kind: .imagePost, title: "上新", channel: "weibo"), "上新。")
        _ = try engine.publishContent(actor: "chen.jie", id: published)
        try refused("conflict") {
            try engine.addVariant(actor: "li.na", itemId: published, input: title("上新 2"))
        }
    }

    // MARK: enums

    func testTheNewEnumsKeepTheirStableNames() throws {
        XCTAssertEqual(CheckKind.allCases.map { $0.asStr() }, [
            "link_malformed", "link_domain", "asset_missing", "asset_retired", "asset_confidential",
            "asset_unauthorized", "field_missing", "ad_label_missing", "brand_spelling",
            "video_length", "paragraph_spacing", "template", "font", "palette",
        ])
        XCTAssertEqual(Confidentiality.allCases.map { $0.asStr() },
                       ["public", "internal", "confidential", "secret"])
        XCTAssertEqual(AssetSource.allCases.map { $0.asStr() }, ["internal", "agency", "licensed", "ugc"])
        XCTAssertEqual(PlanIssueKind.allCases.map { $0.asStr() }, [
            "over_frequency", "missed_cadence", "ugc_shortfall", "mix_missing", "backlog",
            "slot_conflict", "off_slot", "hot_date_uncovered",
        ])
        for kind in AssetKind.allCases { XCTAssertEqual(try parseAssetKind(name: kind.asStr()), kind) }
        for state in AssetState.allCases { XCTAssertEqual(try parseAssetState(name: state.asStr()), state) }
        for kind in VariantKind.allCases { XCTAssertEqual(try parseVariantKind(name: kind.asStr()), kind) }
        for style in VariantStyle.allCases { XCTAssertEqual(try parseVariantStyle(name: style.asStr()), style) }
        for check in CheckKind.allCases { XCTAssertEqual(try parseCheckKind(name: check.asStr()), check) }
        for label in Confidentiality.allCases {
            XCTAssertEqual(try parseConfidentiality(name: label.asStr()), label)
        }
        for kind in PlanIssueKind.allCases { XCTAssertEqual(try parsePlanIssueKind(name: kind.asStr()), kind) }
        assertRefused("validation") { try parseConfidentiality(name: "top_secret") }
    }
}
