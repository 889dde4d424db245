// Content items (CON-1, CON-2) from Swift: an ad flagged by the compliance
// checker (CON-3) and refused review, fixed, reviewed by brand and legal,
// approved, scheduled, published and closed; a rejection back to production;
// an edit voiding an approval; refusals and bad input, each with its typed
// error case and nothing changed by it. Mirrors
// bindings-swift/tests/test_content_uniffi.py (and core/tests/content.rs).
//
// Runs on a manual clock (`EngineOptions(clockStart:)`), so every time the
// engine stamps is known.

import Brandrail
import Foundation
import XCTest

final class ContentTests: XCTestCase {
    static let start = at("2026-11-01T02:00:00Z")
    static let flagged = "全网最佳的羊绒围巾，国家级工艺！"
    static let fixed = "【广告】优质羊绒围巾，工艺考究。"

    var engine: Engine!
    var start: Date { Self.start }

    override func setUpWithError() throws {
        engine = try company(clockStart: Self.start)
    }

    func ad(isAd: Bool = true, title: String = "双十一 广告", channel: String = "douyin",
            kind: ContentKind = .adCreative) -> NewContent {
        NewContent(kind: kind, title: title, channel: channel, isAd: isAd)
    }

    @discardableResult
    func write(_ id: Int64, _ body: String, title: String = "双十一 广告") throws -> ContentItem {
        try engine.editContent(actor: "li.na", id: id, title: title, body: body)
    }

    /// The engine keeps milliseconds and a `Date` is a Double: compare to
    /// well under one.
    func assertMoment(
        _ got: Date?, _ want: Date, file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let got else { return XCTFail("no time, expected \(want)", file: file, line: line) }
        XCTAssertEqual(got.timeIntervalSince1970, want.timeIntervalSince1970, accuracy: 0.0001,
                       file: file, line: line)
    }

    /// The items `ids` with their versions.
    struct Contents: Equatable {
        let items: [ContentItem]
        let versions: [[ContentVersion]]

        init(_ engine: Engine, _ ids: [Int64]) throws {
            items = try ids.map { try engine.contentItem(id: $0) }
            versions = try ids.map { try engine.contentVersions(id: $0) }
        }
    }

    /// As `assertRefusedUnchanged`, and the items `ids` and their versions are
    /// unchanged too.
    @discardableResult
    func assertRefusedKeeping<T>(
        _ ids: [Int64], _ code: String, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> T
    ) throws -> BrandrailError? {
        let before = try Contents(engine, ids)
        let error = try assertRefusedUnchanged(engine, code, file: file, line: line, body)
        XCTAssertEqual(try Contents(engine, ids), before, "content changed", file: file, line: line)
        return error
    }

    // MARK: lifecycle

    func testAnAdIsFlaggedFixedReviewedApprovedScheduledPublishedAndClosed() throws {
        let item = try engine.planContent(actor: "li.na", input: ad())
        XCTAssertEqual(item.kind, .adCreative)
        XCTAssertEqual(item.owner, "li.na")
        XCTAssertEqual(item.state, .planned)
        XCTAssertEqual(item.version, 0)
        XCTAssertTrue(item.isAd)
        XCTAssertFalse(item.sensitive)
        XCTAssertNil(item.approvalId)
        XCTAssertNil(item.scheduledAt)
        assertMoment(item.createdAt, start)
        XCTAssertEqual(try engine.contentVersions(id: item.id), [])
        let ids = [item.id]
        let nothing = try assertRefusedKeeping(ids, "conflict") {
            try engine.submitContent(actor: "li.na", id: item.id)
        }
        guard case let .Conflict(entity, _)? = nothing else { return XCTFail("\(String(describing: nothing))") }
        XCTAssertEqual(entity, "content")

        _ = try engine.advanceClock(seconds: 60)
        let v1 = try write(item.id, Self.flagged)
        XCTAssertEqual(v1.state, .inProduction)
        XCTAssertEqual(v1.version, 1)
        assertMoment(v1.updatedAt, start.addingTimeInterval(60))
        // CON-3: a blocking finding keeps it out of review; the refusal changes nothing.
        XCTAssertTrue(try engine.checkText(text: Self.flagged).contains { $0.severity == .block })
        let flagged = try assertRefusedKeeping(ids, "policy_violation") {
            try engine.submitContent(actor: "li.na", id: item.id)
        }
        guard case let .PolicyViolation(rule, detail)? = flagged else { return XCTFail() }
        XCTAssertEqual(rule, "CON-3")
        XCTAssertTrue(detail.contains("version 1"), detail)

        XCTAssertEqual(try write(item.id, Self.fixed).version, 2)
        let submitted = try engine.submitContent(actor: "li.na", id: item.id)
        XCTAssertEqual(submitted.state, .inReview)
        let reviewId = try XCTUnwrap(submitted.approvalId)
        let review = try engine.approval(id: reviewId)
        XCTAssertEqual(review.workflow, "content_review")
        XCTAssertEqual(review.currentStage, "brand")
        XCTAssertEqual(review.subject.kind, .contentVersion)
        XCTAssertEqual(review.subject.reference, "content-\(item.id)/v2")
        XCTAssertEqual(review.subject.attributes["is_ad"], "true")
        // Frozen while in review; nothing unapproved goes out.
        try assertRefusedKeeping(ids, "conflict") { try write(item.id, "改一个字") }
        try assertRefusedKeeping(ids, "policy_violation") {
            try engine.publishContent(actor: "chen.jie", id: item.id)
        }
        try assertRefusedKeeping(ids, "policy_violation") {
            try engine.scheduleContent(actor: "li.na", id: item.id, at: start.addingTimeInterval(6 * 3600))
        }

        _ = try engine.approve(actor: "chen.jie", id: reviewId, comment: "符合品牌规范")
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .inReview, "ads also need legal")
        XCTAssertEqual(try engine.approve(actor: "sun.li", id: reviewId, comment: "无违规用语").state,
                       .approved)
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .approved)

        let past = try assertRefusedKeeping(ids, "validation") {
            try engine.scheduleContent(actor: "li.na", id: item.id,
                                       at: engine.now().addingTimeInterval(-3600))
        }
        guard case let .Validation(field, _)? = past else { return XCTFail() }
        XCTAssertEqual(field, "at")
        let go = engine.now().addingTimeInterval(6 * 3600)
        let scheduled = try engine.scheduleContent(actor: "li.na", id: item.id, at: go)
        XCTAssertEqual(scheduled.state, .scheduled)
        assertMoment(scheduled.scheduledAt, go)

        let permission = try assertDenied(engine, .missingPermission) {
            try engine.publishContent(actor: "li.na", id: item.id)
        }
        XCTAssertEqual(permission, "content.publish")
        _ = try engine.advanceClock(seconds: 3600)
        let published = try engine.publishContent(actor: "chen.jie", id: item.id)
        XCTAssertEqual(published.state, .published)
        assertMoment(published.publishedAt, engine.now())
        try assertRefusedKeeping(ids, "conflict") { try write(item.id, "发布后再改") }
        XCTAssertEqual(try engine.closeContent(actor: "li.na", id: item.id).state, .retrospective)
        try assertRefusedKeeping(ids, "conflict") { try engine.closeContent(actor: "li.na", id: item.id) }

        let versions = try engine.contentVersions(id: item.id)
        XCTAssertEqual(versions.map(\.version), [1, 2])
        XCTAssertEqual(versions.map(\.author), ["li.na", "li.na"])
        XCTAssertEqual(versions.map(\.body), [Self.flagged, Self.fixed], "every version is kept")
        let actions = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(entityType: "content"))
            .map(\.action)
        for action in ["content.plan", "content.edit", "content.submit", "content.review_outcome",
                       "content.schedule", "content.publish", "content.close"] {
            XCTAssertTrue(actions.contains(action), action)
        }
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testASensitivePostGoesToASupervisorAndSkipsLegal() throws {
        let post = NewContent(kind: .imagePost, title: "门店探店", channel: "xiaohongshu", sensitive: true)
        let item = try engine.planContent(actor: "li.na", input: post)
        XCTAssertFalse(item.isAd, "isAd defaults to false")
        try write(item.id, "周末去了新开的门店，环境不错。", title: "门店探店")
        let review = try XCTUnwrap(try engine.submitContent(actor: "li.na", id: item.id).approvalId)
        XCTAssertEqual(try engine.approval(id: review).stages.map(\.state), [.active, .skipped, .waiting])
        _ = try engine.approve(actor: "chen.jie", id: review)
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .inReview)
        _ = try engine.approve(actor: "zhao.min", id: review)
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .approved)
    }

    // MARK: rejection and edits

    func testARejectionReturnsItToProductionAndAnEditVoidsAnApproval() throws {
        let item = try engine.planContent(actor: "li.na", input: ad(isAd: false, title: "探店笔记"))
        try write(item.id, "周末去了新开的门店，环境不错。", title: "探店笔记")
        let first = try XCTUnwrap(try engine.submitContent(actor: "li.na", id: item.id).approvalId)
        _ = try engine.reject(actor: "chen.jie", id: first, comment: "配图不符合 VI")
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .inProduction)
        try assertRefusedKeeping([item.id], "policy_violation") {
            try engine.publishContent(actor: "chen.jie", id: item.id)
        }

        try write(item.id, "周末去了新开的门店，环境不错，配图已更新。", title: "探店笔记")
        let again = try engine.submitContent(actor: "li.na", id: item.id)
        XCTAssertEqual(again.version, 2)
        XCTAssertNotEqual(again.approvalId, first)
        _ = try engine.approve(actor: "chen.jie", id: try XCTUnwrap(again.approvalId))
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .approved)
        _ = try engine.scheduleContent(actor: "li.na", id: item.id,
                                       at: engine.now().addingTimeInterval(2 * 3600))

        // The approval covered v2: editing sends it back to production, unscheduled.
        let edited = try write(item.id, "改了一个字。", title: "探店笔记")
        XCTAssertEqual(edited.state, .inProduction)
        XCTAssertEqual(edited.version, 3)
        XCTAssertNil(edited.approvalId)
        XCTAssertNil(edited.scheduledAt)
        try assertRefusedKeeping([item.id], "policy_violation") {
            try engine.scheduleContent(actor: "li.na", id: item.id,
                                       at: engine.now().addingTimeInterval(3600))
        }
        XCTAssertEqual(try engine.contentVersions(id: item.id).map(\.version), [1, 2, 3])
    }

    func testAReturnedOrWithdrawnReviewGoesBackToProduction() throws {
        let item = try engine.planContent(actor: "li.na", input: ad(isAd: false))
        try write(item.id, "新品上市，欢迎到店体验。")
        var review = try XCTUnwrap(try engine.submitContent(actor: "li.na", id: item.id).approvalId)
        _ = try engine.returnForChanges(actor: "chen.jie", id: review, comment: "标题再短一些")
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .inProduction)
        try write(item.id, "新品上市，欢迎体验。")
        review = try XCTUnwrap(try engine.submitContent(actor: "li.na", id: item.id).approvalId)
        _ = try engine.withdrawApproval(actor: "li.na", id: review)
        XCTAssertEqual(try engine.contentItem(id: item.id).state, .inProduction)
    }

    // MARK: refusals and bad input

    func testBadPlansAreValidationErrorsNamingTheField() throws {
        let cases: [(NewContent, String)] = [
            (ad(title: ""), "title"),
            (ad(title: "   "), "title"),
            (ad(title: String(repeating: "长", count: 201)), "title"),
            (ad(title: "Bad\u{0}Title"), "title"),
            (ad(title: "Zero\u{200B}Width"), "title"),
            (ad(channel: "Dou Yin"), "channel"),
            (ad(channel: ""), "channel"),
            (ad(channel: "douyin'); DROP TABLE content_item;--"), "channel"),
        ]
        for (input, expected) in cases {
            let error = try assertRefusedUnchanged(engine, "validation") {
                try engine.planContent(actor: "li.na", input: input)
            }
            guard case let .Validation(field, _)? = error else { return XCTFail("\(input)") }
            XCTAssertEqual(field, expected, "\(input)")
        }
    }

    func testBadEditsUnknownItemsAndUnknownActorsAreRefused() throws {
        let item = try engine.planContent(actor: "li.na", input: ad())
        let ids = [item.id]
        for body in ["", "  \n ", "a\u{0}b", "\u{1B}[31mred", String(repeating: "长", count: 400_000)] {
            let error = try assertRefusedKeeping(ids, "validation") { try write(item.id, body) }
            guard case let .Validation(field, _)? = error else { return XCTFail() }
            XCTAssertEqual(field, "body")
        }
        let untitled = try assertRefusedKeeping(ids, "validation") {
            try engine.editContent(actor: "li.na", id: item.id, title: "", body: "正文")
        }
        guard case let .Validation(titleField, _)? = untitled else { return XCTFail() }
        XCTAssertEqual(titleField, "title")
        let missing: [() throws -> ContentItem] = [
            { try self.engine.editContent(actor: "li.na", id: 999, title: "t", body: "b") },
            { try self.engine.submitContent(actor: "li.na", id: 999) },
            { try self.engine.scheduleContent(actor: "li.na", id: 999,
                                              at: self.start.addingTimeInterval(3600)) },
            { try self.engine.publishContent(actor: "chen.jie", id: 999) },
            { try self.engine.closeContent(actor: "li.na", id: 999) },
            { try self.engine.contentItem(id: 999) },
        ]
        for call in missing {
            let error = try assertRefusedKeeping(ids, "not_found", call)
            guard case let .NotFound(entity, _)? = error else { return XCTFail() }
            XCTAssertEqual(entity, "content")
        }
        assertRefused("not_found") { try engine.contentVersions(id: 999) }
        try assertRefusedKeeping(ids, "permission_denied") {
            try engine.planContent(actor: "sun.li.x", input: ad())
        }
        try assertRefusedKeeping(ids, "permission_denied") {
            try engine.editContent(actor: "nobody", id: item.id, title: "t", body: "b")
        }
        // Newlines and tabs are ordinary text; SQL in a body is just text.
        let body = "第一段\n\t第二段 '); DROP TABLE content_item;--"
        XCTAssertEqual(try write(item.id, body).version, 1)
        XCTAssertEqual(try engine.contentVersions(id: item.id).first?.body, body)
    }

    // MARK: enums

    func testKindsAndStatesKeepTheirStableNamesAndParseBack() throws {
        XCTAssertEqual(ContentKind.allCases.map { $0.asStr() }, [
            "article", "short_video", "image_post", "live", "email", "sms",
            "press_release", "ad_creative", "landing_page",
        ])
        XCTAssertEqual(ContentState.allCases.map { $0.asStr() }, [
            "planned", "in_production", "in_review", "approved", "scheduled",
            "published", "retrospective",
        ])
        for kind in ContentKind.allCases {
            XCTAssertEqual(try parseContentKind(name: kind.asStr()), kind)
            XCTAssertEqual(try engine.planContent(actor: "li.na", input: ad(isAd: false, kind: kind)).kind,
                           kind)
        }
        for state in ContentState.allCases {
            XCTAssertEqual(try parseContentState(name: state.asStr()), state)
        }
        let error = assertRefused("validation") { try parseContentKind(name: "tweet") }
        guard case let .Validation(_, detail)? = error else { return XCTFail() }
        XCTAssertTrue(detail.contains("short_video"), "the error lists the valid names")
        assertRefused("validation") { try parseContentState(name: "IN_REVIEW") }
    }
}
