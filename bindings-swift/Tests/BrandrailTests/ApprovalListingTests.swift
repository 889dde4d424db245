// Listing approvals from Swift (`Engine.approvals(filter:)`): newest first,
// filtered by submitter, state and workflow, paged with `beforeId` and
// `limit`. Mirrors bindings-swift/tests/test_approvals_listing_uniffi.py.

import Brandrail
import Foundation
import XCTest

final class ApprovalListingTests: XCTestCase {
    var engine: Engine!

    override func setUpWithError() throws {
        engine = try company()
    }

    func submitMany(_ n: Int) throws -> [Int64] {
        try (0..<n).map {
            try engine.submitApproval(actor: "li.na", workflow: "content_review",
                                      subject: adCopy("content-\($0)/v1")).id
        }
    }

    func ids(_ filter: ApprovalFilter = ApprovalFilter()) throws -> [Int64] {
        try engine.approvals(filter: filter).map(\.id)
    }

    func testEveryApprovalNewestFirstByDefault() throws {
        XCTAssertEqual(try engine.approvals(), [])
        let first = try submitMany(3)
        XCTAssertEqual(try ids(), Array(first.reversed()))
        XCTAssertEqual(try engine.approvals(), try first.reversed().map { try engine.approval(id: $0) })
    }

    func testFiltersBySubmitterStateAndWorkflow() throws {
        let ad = try engine.submitApproval(actor: "li.na", workflow: "content_review",
                                           subject: adCopy()).id
        let post = try engine.submitApproval(actor: "ma.head", workflow: "content_review",
                                             subject: plainPost()).id
        let budget = try engine.submitApproval(
            actor: "li.na", workflow: "budget_adjustment",
            subject: Subject(kind: .budgetAdjustment, reference: "adj-1", title: "Q3 追加")).id
        let claimed = try engine.submitApproval(actor: "li.na", workflow: "expense_reimbursement",
                                                subject: claim([invoice()])).id
        _ = try engine.approve(actor: "chen.jie", id: post)
        _ = try engine.reject(actor: "zhou.fan", id: budget, comment: "预算不足")
        _ = try engine.withdrawApproval(actor: "li.na", id: claimed, comment: "重复提交")

        XCTAssertEqual(try ids(ApprovalFilter(submitter: "li.na")), [claimed, budget, ad])
        XCTAssertEqual(try ids(ApprovalFilter(workflow: "content_review")), [post, ad])
        let byState: [(ApprovalState, [Int64])] = [
            (.inReview, [ad]), (.approved, [post]), (.rejected, [budget]),
            (.returnedForChanges, []), (.withdrawn, [claimed]),
        ]
        for (state, want) in byState {
            XCTAssertEqual(try ids(ApprovalFilter(state: state)), want, state.asStr())
        }
        // Every set filter must match.
        XCTAssertEqual(try ids(ApprovalFilter(submitter: "li.na", state: .inReview,
                                              workflow: "content_review")), [ad])
        // Nobody and nothing by those names: an empty list, not an error.
        XCTAssertEqual(try ids(ApprovalFilter(submitter: "ghost")), [])
        XCTAssertEqual(try ids(ApprovalFilter(workflow: "x'); DROP TABLE approval_instance;--")), [])
    }

    func testPagesWalkBackWithBeforeId() throws {
        let every = Array(try submitMany(25).reversed())
        var pages: [[Int64]] = []
        var before: Int64? = nil
        while true {
            let page = try ids(ApprovalFilter(beforeId: before, limit: 10))
            guard let last = page.last else { break }
            pages.append(page)
            before = last
        }
        XCTAssertEqual(pages, [Array(every[0..<10]), Array(every[10..<20]), Array(every[20...])])
        XCTAssertEqual(try ids(ApprovalFilter(beforeId: 1)), [])
        XCTAssertEqual(try ids(ApprovalFilter(beforeId: Int64.max)), every)
        // Larger limits are capped at 10 000, not refused.
        XCTAssertEqual(try ids(ApprovalFilter(limit: UInt32.max)), every)
    }

    func testALimitOfZeroIsRefused() throws {
        _ = try submitMany(1)
        let error = try assertRefusedUnchanged(engine, "validation") {
            try engine.approvals(filter: ApprovalFilter(limit: 0))
        }
        guard case let .Validation(field, _)? = error else { return XCTFail() }
        XCTAssertEqual(field, "limit")
        XCTAssertEqual(try ids(ApprovalFilter(limit: 1)).count, 1)
    }
}
