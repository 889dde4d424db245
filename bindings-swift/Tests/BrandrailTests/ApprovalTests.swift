// Approvals (APR-1..APR-4) from Swift: the built-in workflows, separation of
// duties, rejection and resubmission, withdrawal, delegation, assignment and
// deactivation, overdue reports, throughput and bad input. Mirrors
// bindings-swift/tests/test_approvals_uniffi.py.
//
// Here the engine runs on the system clock, so no deadline passes during a
// test: overdue reports are taken `asOf` a later date, and escalation is
// exercised up to its refusal and its "nothing is overdue yet" answer.
// ClockTests moves a manual clock past the deadlines.

import Brandrail
import Foundation
import XCTest

final class ApprovalTests: XCTestCase {
    static let checklist = ["authenticity", "legality", "completeness"]

    var engine: Engine!

    override func setUpWithError() throws {
        engine = try company()
    }

    func kinds(_ id: Int64) throws -> [String] {
        try engine.approvalHistory(id: id).map { $0.kind.asStr() }
    }

    // MARK: content review

    func testContentReviewSendsAdsToLegal() throws {
        var ad = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        XCTAssertEqual(ad.id, 1)
        XCTAssertEqual(ad.state, .inReview)
        XCTAssertEqual(ad.round, 1)
        XCTAssertEqual(ad.submitter, "li.na")
        XCTAssertEqual(ad.subject, adCopy())
        XCTAssertEqual(ad.currentStage, "brand")
        XCTAssertEqual(ad.stages.map(\.name), ["brand", "legal", "supervisor"])
        XCTAssertEqual(ad.stages.map(\.state), [.active, .waiting, .skipped])
        let brand = ad.stages[0]
        XCTAssertEqual(brand.quorum, 1)
        XCTAssertEqual(try XCTUnwrap(brand.dueAt).timeIntervalSince(try XCTUnwrap(brand.startedAt)),
                       24 * 3600, accuracy: 0.001)

        ad = try engine.approve(actor: "chen.jie", id: ad.id, comment: "符合品牌规范")
        XCTAssertEqual(ad.currentStage, "legal")
        XCTAssertEqual(ad.stages[0].approvals.map(\.principal), ["chen.jie"])
        XCTAssertNil(ad.stages[0].approvals[0].onBehalfOf)
        let permission = try assertDenied(engine, .notADecider) {
            try engine.approve(actor: "gao.brand", id: ad.id)
        }
        XCTAssertEqual(permission, "approval.decide:content_review.legal")
        ad = try engine.approve(actor: "sun.li", id: ad.id, comment: "无绝对化用语")
        XCTAssertEqual(ad.state, .approved)
        XCTAssertNil(ad.currentStage)
        XCTAssertNotNil(ad.closedAt)
        XCTAssertEqual(try kinds(ad.id), ["submitted", "approved", "approved"])
    }

    func testPlainPostsSkipLegalAndSensitiveItemsGoToASupervisor() throws {
        let post = try engine.submitApproval(actor: "li.na", workflow: "content_review",
                                             subject: plainPost())
        XCTAssertEqual(post.stages.map(\.state), [.active, .skipped, .skipped])
        XCTAssertEqual(try engine.approve(actor: "chen.jie", id: post.id).state, .approved)

        let s = try engine.submitApproval(actor: "li.na", workflow: "content_review",
                                          subject: adCopy(sensitive: true))
        _ = try engine.approve(actor: "chen.jie", id: s.id)
        XCTAssertEqual(try engine.approve(actor: "sun.li", id: s.id).currentStage, "supervisor")
        try assertDenied(engine, .notADecider) { try engine.approve(actor: "hu.hr", id: s.id) }
        XCTAssertEqual(try engine.approve(actor: "zhao.min", id: s.id, comment: "可以发布").state,
                       .approved)
    }

    // MARK: expense reimbursement

    func testReimbursementPassesFourStagesWithAnInvoiceAndTheChecklist() throws {
        let error = try assertRefusedUnchanged(engine, "validation") {
            try engine.submitApproval(actor: "li.na", workflow: "expense_reimbursement", subject: claim([]))
        }
        guard case let .Validation(field, _)? = error else { return XCTFail() }
        XCTAssertEqual(field, "subject.attachments")

        var c = try engine.submitApproval(actor: "li.na", workflow: "expense_reimbursement",
                                          subject: claim([invoice()]))
        XCTAssertEqual(c.stages.map(\.name), ["department_head", "finance_check", "executive", "payment"])
        XCTAssertEqual(c.subject.attachments, [invoice()])
        try assertDenied(engine, .notADecider) { try engine.approve(actor: "sales.head", id: c.id) }
        c = try engine.approve(actor: "ma.head", id: c.id, comment: "属实")
        XCTAssertEqual(c.currentStage, "finance_check")
        let partial = try assertRefusedUnchanged(engine, "validation") {
            try engine.approve(actor: "zhou.fan", id: c.id, checklist: ["authenticity"])
        }
        guard case let .Validation(checklistField, _)? = partial else { return XCTFail() }
        XCTAssertEqual(checklistField, "checklist")
        c = try engine.decideApproval(actor: "zhou.fan", id: c.id, decision: .approve(
            comment: "发票已验真", checklist: ["legality", "completeness", "authenticity"]))
        XCTAssertEqual(c.currentStage, "executive")
        c = try engine.approve(actor: "zhao.min", id: c.id, comment: "同意")
        XCTAssertEqual(c.currentStage, "payment")
        // The checker may not also pay (APR-3).
        let sod = try assertRefusedUnchanged(engine, "separation_of_duties") {
            try engine.approve(actor: "zhou.fan", id: c.id)
        }
        guard case let .SeparationOfDuties(principal, _)? = sod else { return XCTFail() }
        XCTAssertEqual(principal, "zhou.fan")
        c = try engine.approve(actor: "qian.pay", id: c.id, comment: "已付款")
        XCTAssertEqual(c.state, .approved)

        let history = try engine.approvalHistory(id: c.id)
        XCTAssertEqual(history.map(\.kind), [.submitted, .approved, .approved, .approved, .approved])
        XCTAssertEqual(history[2].checklist, Self.checklist.sorted())
        XCTAssertEqual(history[2].stage, "finance_check")
    }

    func testInvoiceAmountsRoundTripExactly() throws {
        for amount in ["1280.50", "0.01", "12000", nil] {
            let c = try engine.submitApproval(actor: "li.na", workflow: "expense_reimbursement",
                                              subject: claim([invoice(amount)]))
            XCTAssertEqual(try engine.approval(id: c.id).subject.attachments[0].amount, amount)
        }
    }

    // MARK: separation of duties, deciders

    func testNobodyApprovesTheirOwnSubmission() throws {
        let s = try engine.submitApproval(actor: "chen.jie", workflow: "content_review", subject: adCopy())
        let error = try assertRefusedUnchanged(engine, "separation_of_duties") {
            try engine.approve(actor: "chen.jie", id: s.id, comment: "looks great")
        }
        guard case let .SeparationOfDuties(principal, detail)? = error else { return XCTFail() }
        XCTAssertEqual(principal, "chen.jie")
        XCTAssertTrue(detail.contains("own submission"), detail)
        let denied = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(outcome: .denied))
        XCTAssertEqual(denied.last?.action, "approval.approve")
        XCTAssertEqual(try engine.approvalTasks(handle: "chen.jie"), [])
        XCTAssertEqual(try engine.approvalTasks(handle: "gao.brand").map(\.instanceId), [s.id])
    }

    func testANonDeciderIsRefusedWithNotADecider() throws {
        let s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        for actor in ["hu.hr", "sun.li", "zhao.min", "it.admin"] {
            try assertDenied(engine, .notADecider) { try engine.approve(actor: actor, id: s.id) }
        }
        try assertDenied(engine, .notADecider) {
            try engine.reject(actor: "hu.hr", id: s.id, comment: "不行")
        }
        try assertDenied(engine, .unknownPrincipal) { try engine.approve(actor: "ghost", id: s.id) }
        try assertDenied(engine, .missingPermission) {
            try engine.escalateOverdueApprovals(actor: "li.na")
        }
    }

    // MARK: rejection, resubmission, withdrawal

    func testRejectionNeedsACommentAndResubmissionKeepsHistory() throws {
        let s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        for comment in ["", "   "] {
            try assertRefusedUnchanged(engine, "validation") {
                try engine.reject(actor: "chen.jie", id: s.id, comment: comment)
            }
            try assertRefusedUnchanged(engine, "validation") {
                try engine.decideApproval(actor: "chen.jie", id: s.id,
                                          decision: .`return`(comment: comment))
            }
        }
        let why = "用了\"最好\"，违反广告法第九条"
        var r = try engine.reject(actor: "chen.jie", id: s.id, comment: why)
        XCTAssertEqual(r.state, .rejected)
        try assertRefusedUnchanged(engine, "conflict") { try engine.approve(actor: "sun.li", id: s.id) }
        try assertDenied(engine, .notTheSubmitter) {
            try engine.resubmitApproval(actor: "chen.jie", id: s.id)
        }
        let fixed = adCopy("content-17/v4")
        r = try engine.resubmitApproval(actor: "li.na", id: s.id, subject: fixed)
        XCTAssertEqual(r.round, 2)
        XCTAssertEqual(r.state, .inReview)
        XCTAssertEqual(r.subject, fixed)
        r = try engine.returnForChanges(actor: "chen.jie", id: s.id, comment: "加上广告标识")
        XCTAssertEqual(r.state, .returnedForChanges)
        XCTAssertEqual(try engine.resubmitApproval(actor: "li.na", id: s.id).round, 3)
        _ = try engine.approve(actor: "chen.jie", id: s.id)
        XCTAssertEqual(try engine.approve(actor: "sun.li", id: s.id).state, .approved)
        XCTAssertEqual(try kinds(s.id), [
            "submitted", "rejected", "resubmitted", "returned", "resubmitted", "approved", "approved",
        ])
        let history = try engine.approvalHistory(id: s.id)
        XCTAssertEqual(history.map(\.round), [1, 1, 2, 2, 3, 3, 3])
        XCTAssertEqual(history[1].comment, why)
    }

    func testWithdrawIsFinalAndOnlyForTheSubmitter() throws {
        let w = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        try assertDenied(engine, .notTheSubmitter) {
            try engine.withdrawApproval(actor: "chen.jie", id: w.id)
        }
        let withdrawn = try engine.withdrawApproval(actor: "li.na", id: w.id, comment: "活动取消")
        XCTAssertEqual(withdrawn.state, .withdrawn)
        XCTAssertNotNil(withdrawn.closedAt)
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.withdrawApproval(actor: "li.na", id: w.id)
        }
        try assertRefusedUnchanged(engine, "conflict") { try engine.approve(actor: "chen.jie", id: w.id) }
        XCTAssertEqual(try engine.approvalTasks(handle: "chen.jie"), [])
    }

    // MARK: delegation

    func testDelegationWhileAwayIsRecordedOnTheDecision() throws {
        let now = engine.now()
        let threeDays = now.addingTimeInterval(3 * 86_400)
        let s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        _ = try engine.approve(actor: "chen.jie", id: s.id)
        try assertDenied(engine, .notADecider) { try engine.approve(actor: "hu.hr", id: s.id) }
        let refusals = [("sun.li", threeDays, "to"), ("hu.hr", now.addingTimeInterval(-60), "ends_at")]
        for (to, end, expected) in refusals {
            let error = try assertRefusedUnchanged(engine, "validation") {
                try engine.delegateApprovals(actor: "sun.li", to: to, startsAt: now, endsAt: end)
            }
            guard case let .Validation(field, _)? = error else { return XCTFail() }
            XCTAssertEqual(field, expected)
        }
        try assertRefusedUnchanged(engine, "not_found") {
            try engine.delegateApprovals(actor: "sun.li", to: "ghost", startsAt: now, endsAt: threeDays)
        }

        let d = try engine.delegateApprovals(actor: "sun.li", to: "hu.hr",
                                             startsAt: now.addingTimeInterval(-3600), endsAt: threeDays)
        XCTAssertEqual(d.from, "sun.li")
        XCTAssertEqual(d.to, "hu.hr")
        XCTAssertNil(d.revokedAt)
        XCTAssertEqual(try engine.delegations(handle: "hu.hr"), [d])
        let tasks = try engine.approvalTasks(handle: "hu.hr")
        XCTAssertEqual(tasks.map(\.instanceId), [s.id])
        XCTAssertEqual(tasks.first?.onBehalfOf, "sun.li")
        let done = try engine.approve(actor: "hu.hr", id: s.id, comment: "代孙丽审批")
        XCTAssertEqual(done.state, .approved)
        XCTAssertEqual(done.stages[1].approvals.first?.principal, "hu.hr")
        XCTAssertEqual(done.stages[1].approvals.first?.onBehalfOf, "sun.li")
        XCTAssertEqual(try engine.approvalHistory(id: s.id).last?.onBehalfOf, "sun.li")

        try assertDenied(engine, .missingPermission) {
            try engine.endDelegation(actor: "hu.hr", delegationId: d.id)
        }
        XCTAssertNotNil(try engine.endDelegation(actor: "sun.li", delegationId: d.id).revokedAt)
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.endDelegation(actor: "sun.li", delegationId: d.id)
        }
        XCTAssertEqual(try engine.approvalTasks(handle: "hu.hr"), [])
    }

    // MARK: overdue and escalation

    func testOverdueTasksAreReportedAsOfALaterDate() throws {
        let s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        let due = try XCTUnwrap(s.stages[0].dueAt)
        XCTAssertEqual(due.timeIntervalSince(s.submittedAt), 24 * 3600, accuracy: 0.001)
        XCTAssertEqual(try engine.overdueApprovals(), [])
        let late = try engine.overdueApprovals(asOf: due.addingTimeInterval(3600))
        XCTAssertEqual(late.map(\.instanceId), [s.id])
        XCTAssertEqual(late.first?.stage, "brand")
        XCTAssertEqual(late.first?.overdue, true)
        XCTAssertEqual(late.first?.subjectKind, .contentVersion)
        XCTAssertEqual(try engine.approvalTasks(handle: "chen.jie").first?.overdue, false)
    }

    func testEscalationNeedsAnAdministratorAndWaitsForTheDeadline() throws {
        let s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        try assertDenied(engine, .missingPermission) {
            try engine.escalateOverdueApprovals(actor: "chen.jie")
        }
        let before = try Snapshot(engine)
        XCTAssertEqual(try engine.escalateOverdueApprovals(actor: "zhao.min"), [])
        XCTAssertEqual(try Snapshot(engine), before)
        XCTAssertFalse(try engine.approval(id: s.id).escalated)
    }

    // MARK: assignment and deactivation

    func testAssignmentAndDeactivationOfTheAssignee() throws {
        var s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        try assertRefusedUnchanged(engine, "validation") {
            try engine.assignApproval(actor: "zhao.min", id: s.id, assignee: "sun.li")
        }
        try assertDenied(engine, .missingPermission) {
            try engine.assignApproval(actor: "chen.jie", id: s.id, assignee: "gao.brand")
        }
        s = try engine.assignApproval(actor: "zhao.min", id: s.id, assignee: "gao.brand")
        XCTAssertEqual(s.assignee, "gao.brand")
        try assertDenied(engine, .notADecider) { try engine.approve(actor: "chen.jie", id: s.id) }

        var d = try engine.deactivatePrincipal(actor: "it.admin", handle: "gao.brand")
        XCTAssertEqual(d.reassignedApprovals, [s.id])
        XCTAssertEqual(d.unstaffedApprovals, [])
        XCTAssertNil(try engine.approval(id: s.id).assignee)
        XCTAssertEqual(try engine.approvalHistory(id: s.id).last?.kind, .unassigned)
        _ = try engine.approve(actor: "chen.jie", id: s.id)
        d = try engine.deactivatePrincipal(actor: "it.admin", handle: "sun.li")
        XCTAssertEqual(d.unstaffedApprovals, [s.id])
    }

    // MARK: throughput

    func testThroughputPerStageInWorkflowOrder() throws {
        XCTAssertEqual(try engine.approvalThroughput(workflow: "content_review"), [])
        for n in 0..<3 {
            let s = try engine.submitApproval(actor: "li.na", workflow: "content_review",
                                              subject: adCopy("content-\(n)/v1"))
            _ = try engine.approve(actor: "chen.jie", id: s.id)
            _ = try engine.approve(actor: "sun.li", id: s.id)
        }
        let rows = try engine.approvalThroughput(workflow: "content_review")
        XCTAssertEqual(rows.map(\.stage), ["brand", "legal"])
        XCTAssertEqual(rows.map(\.completed), [3, 3])
        for row in rows {
            XCTAssertGreaterThanOrEqual(row.medianSeconds, 0)
            XCTAssertLessThanOrEqual(row.medianSeconds, row.p90Seconds)
        }
        let error = assertRefused("not_found") { try engine.approvalThroughput(workflow: "nope") }
        guard case let .NotFound(entity, _)? = error else { return XCTFail() }
        XCTAssertEqual(entity, "workflow")
    }

    // MARK: bad input

    func testBadSubjectsAreRefusedNamingTheField() throws {
        let cases: [(Subject, String)] = [
            (Subject(kind: .contentVersion, reference: "", title: "t"), "subject.reference"),
            (Subject(kind: .contentVersion, reference: String(repeating: "x", count: 129), title: "t"),
             "subject.reference"),
            (Subject(kind: .contentVersion, reference: "r", title: ""), "subject.title"),
            (Subject(kind: .contentVersion, reference: "r", title: "t", attributes: ["Bad Key": "v"]),
             "subject.attributes"),
            (Subject(kind: .contentVersion, reference: "r", title: "t", attributes: ["k": "\u{7}"]),
             "subject.attributes.k"),
            (Subject(kind: .contentVersion, reference: "r", title: "t",
                     attachments: [invoice(sha256: "xyz")]), "subject.attachments[0].sha256"),
            (Subject(kind: .contentVersion, reference: "r", title: "t",
                     attachments: [invoice(), invoice("-0.01")]), "subject.attachments[1].amount"),
            (Subject(kind: .contentVersion, reference: "r", title: "t",
                     attachments: [invoice("12,50")]), "subject.attachments[0].amount"),
            (Subject(kind: .contentVersion, reference: "r", title: "t",
                     attachments: [invoice("0." + String(repeating: "3", count: 29))]),
             "subject.attachments[0].amount"),
        ]
        for (subject, expected) in cases {
            let error = try assertRefusedUnchanged(engine, "validation") {
                try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: subject)
            }
            guard case let .Validation(field, detail)? = error else { return XCTFail(expected) }
            XCTAssertEqual(field, expected)
            XCTAssertFalse(detail.contains("\u{7}") || detail.contains("12,50"))
        }
    }

    /// One money parser for every binding (`brandrail::money`): digits, an
    /// optional '-' and '.' fraction, at most 28 significant digits, exact.
    func testAmountsFollowTheCoresOneMoneyParser() throws {
        let kept = [String(repeating: "9", count: 28), "0." + String(repeating: "1", count: 28),
                    "0.10"]
        let canonical: [(String, String)] = kept.map { ($0, $0) } + [("007", "7"), ("-0", "0")]
        for (text, stored) in canonical {
            let c = try engine.submitApproval(actor: "li.na", workflow: "expense_reimbursement",
                                              subject: claim([invoice(text)]))
            XCTAssertEqual(try engine.approval(id: c.id).subject.attachments[0].amount, stored)
        }
        let refused = ["1e3", "1E3", "1_000", "+5", String(repeating: "9", count: 29),
                       "1." + String(repeating: "1", count: 28), ".5", "5.", "--5", "1 000",
                       "1,000.00", "0x10", "\u{661}\u{662}", "Infinity", "5\n"]
        for text in refused {
            let error = try assertRefusedUnchanged(engine, "validation") {
                try engine.submitApproval(actor: "li.na", workflow: "expense_reimbursement",
                                          subject: claim([invoice(), invoice(text)]))
            }
            guard case let .Validation(field, detail)? = error else { return XCTFail(text) }
            XCTAssertEqual(field, "subject.attachments[1].amount", text)
            XCTAssertFalse(detail.contains(text), detail)
        }
    }

    func testUnknownWorkflowsIdsAndActors() throws {
        for workflow in ["no_such_flow", "", "x'); DROP TABLE approval_instance;--"] {
            let error = try assertRefusedUnchanged(engine, "not_found") {
                try engine.submitApproval(actor: "li.na", workflow: workflow, subject: adCopy())
            }
            guard case let .NotFound(entity, detail)? = error else { return XCTFail() }
            XCTAssertEqual(entity, "workflow")
            XCTAssertFalse(detail.contains("DROP"))
        }
        try assertDenied(engine, .unknownPrincipal) {
            try engine.submitApproval(actor: "ghost", workflow: "content_review", subject: adCopy())
        }
        for id: Int64 in [0, -1, 12345, .max, .min] {
            try assertRefusedUnchanged(engine, "not_found") { try engine.approve(actor: "chen.jie", id: id) }
            assertRefused("not_found") { try engine.approval(id: id) }
            assertRefused("not_found") { try engine.approvalHistory(id: id) }
        }
        assertRefused("not_found") { try engine.approvalTasks(handle: "ghost") }
    }

    func testEnumsMirrorTheCoreNames() throws {
        XCTAssertEqual(ApprovalState.returnedForChanges.asStr(), "returned_for_changes")
        XCTAssertEqual(StageState.skipped.asStr(), "skipped")
        XCTAssertEqual(EventKind.unassigned.asStr(), "unassigned")
        XCTAssertEqual(SubjectKind.expenseClaim.asStr(), "expense_claim")
        for value in ApprovalState.allCases {
            XCTAssertEqual(try parseApprovalState(name: value.asStr()), value)
        }
        for value in StageState.allCases { XCTAssertEqual(try parseStageState(name: value.asStr()), value) }
        for value in EventKind.allCases { XCTAssertEqual(try parseEventKind(name: value.asStr()), value) }
        for value in SubjectKind.allCases {
            XCTAssertEqual(try parseSubjectKind(name: value.asStr()), value)
        }
        assertRefused("validation") { try parseSubjectKind(name: "spaceship") }
    }
}
