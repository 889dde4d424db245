// The manual clock from Swift (`EngineOptions(clockStart:)`, `advanceClock`,
// `setClock`) and what it makes testable in an app's own tests: a stage passing
// its deadline, `overdue` flags, escalation and the escalation pool deciding, a
// delegation expiring, throughput over known durations and zombie accounts
// appearing as time passes. Mirrors bindings-swift/tests/test_clock_uniffi.py.

import Brandrail
import Foundation
import XCTest

final class ClockTests: XCTestCase {
    static let start = at("2026-05-04T09:00:00Z")
    static let hour: Int64 = 3600

    var engine: Engine!
    var start: Date { Self.start }

    override func setUpWithError() throws {
        engine = try company(clockStart: Self.start)
    }

    func hours(_ n: Double) -> TimeInterval { n * 3600 }

    /// The engine keeps milliseconds; a `Date` is a Double, so compare to well
    /// under one. (For the same reason the steps below are whole seconds: a
    /// `Date` one millisecond on may cross the FFI a few nanoseconds short of
    /// it, and the engine truncates to the millisecond.)
    func assertMoment(
        _ got: Date?, _ want: Date, file: StaticString = #filePath, line: UInt = #line
    ) {
        guard let got else { return XCTFail("no time, expected \(want)", file: file, line: line) }
        XCTAssertEqual(got.timeIntervalSince1970, want.timeIntervalSince1970, accuracy: 0.0001,
                       file: file, line: line)
    }

    func validationField<T>(
        file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws -> String? {
        let error = try assertRefusedUnchanged(engine, "validation", file: file, line: line, body)
        guard case let .Validation(field, _)? = error else { return nil }
        return field
    }

    // MARK: the clock itself

    func testTheManualClockStartsWhereToldAndStampsEveryWrite() throws {
        assertMoment(engine.now(), start)
        var s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        assertMoment(s.submittedAt, start)
        assertMoment(s.stages[0].dueAt, start.addingTimeInterval(hours(24)))
        assertMoment(try engine.advanceClock(seconds: 90), start.addingTimeInterval(90))
        assertMoment(engine.now(), start.addingTimeInterval(90))
        s = try engine.approve(actor: "chen.jie", id: s.id)
        assertMoment(s.stages[0].completedAt, engine.now())
        assertMoment(try engine.approvalHistory(id: s.id).last?.at, engine.now())
        let records = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: "approval."))
        XCTAssertEqual(records.map(\.action), ["approval.submit", "approval.approve"])
        assertMoment(records.first?.at, start)
    }

    func testTheClockMovesBackAndJumpsAtMillisecondPrecision() throws {
        assertMoment(try engine.advanceClock(seconds: -Self.hour), start.addingTimeInterval(-3600))
        assertMoment(try engine.setClock(at: start.addingTimeInterval(0.0015)),
                     start.addingTimeInterval(0.001))
        // Moving the clock is not an audited change.
        let log = try engine.auditLen()
        _ = try engine.advanceClock(seconds: 30 * 24 * Self.hour)
        _ = try engine.setClock(at: start)
        XCTAssertEqual(try engine.auditLen(), log)
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testAnEngineOnTheSystemClockRefusesToMoveIt() throws {
        let system = try company()
        let moves: [() throws -> Void] = [
            { _ = try system.advanceClock(seconds: 3600) },
            { _ = try system.setClock(at: Self.start) },
        ]
        for move in moves {
            let error = try assertRefusedUnchanged(system, "configuration", move)
            guard case let .Configuration(detail)? = error else {
                return XCTFail("not Configuration: \(String(describing: error))")
            }
            XCTAssertTrue(detail.contains("manual clock"), detail)
        }
        XCTAssertLessThan(abs(system.now().timeIntervalSinceNow), 300)
    }

    func testAMoveOutOfTheYears1970To9999IsRefused() throws {
        for seconds: Int64 in [.max, .min, 1_000_000_000_000, -10_000_000_000] {
            XCTAssertEqual(try validationField { try engine.advanceClock(seconds: seconds) }, "by")
        }
        let beforeFirst = at("1969-12-31T23:59:59Z")
        XCTAssertEqual(try validationField { try engine.setClock(at: beforeFirst) }, "to")
        let year10000 = Date(timeIntervalSince1970: 253_402_300_800)
        XCTAssertEqual(try validationField { try engine.setClock(at: year10000) }, "to")
        let last = at("9999-12-31T23:59:59Z")
        assertMoment(try engine.setClock(at: last), last)
        XCTAssertEqual(try validationField { try engine.advanceClock(seconds: 1) }, "by")
        assertMoment(engine.now(), last)
    }

    // MARK: deadlines

    func testAStageIsOverdueOnlyAfterItsDeadline() throws {
        var s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        let due = try XCTUnwrap(s.stages[0].dueAt)
        _ = try engine.setClock(at: due)
        XCTAssertEqual(try engine.overdueApprovals(), [])
        XCTAssertEqual(try engine.approvalTasks(handle: "chen.jie").map(\.overdue), [false])
        _ = try engine.setClock(at: due.addingTimeInterval(1))
        let late = try engine.overdueApprovals()
        XCTAssertEqual(late.map(\.instanceId), [s.id])
        XCTAssertEqual(late.first?.stage, "brand")
        XCTAssertEqual(late.first?.escalated, false)
        XCTAssertEqual(try engine.approvalTasks(handle: "chen.jie").map(\.overdue), [true])
        XCTAssertFalse(try engine.approval(id: s.id).escalated)  // nothing escalates by itself
        // Decided late, the next stage starts its own 24 hours.
        s = try engine.approve(actor: "chen.jie", id: s.id, comment: "迟到的审批")
        assertMoment(s.stages[1].dueAt, engine.now().addingTimeInterval(hours(24)))
        XCTAssertEqual(try engine.overdueApprovals(), [])
    }

    // MARK: escalation

    func testEscalationLetsTheEscalationPoolDecideAnOverdueStage() throws {
        var s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        _ = try engine.advanceClock(seconds: 23 * Self.hour)
        XCTAssertEqual(try engine.escalateOverdueApprovals(actor: "zhao.min"), [])
        _ = try engine.advanceClock(seconds: 2 * Self.hour)
        // Overdue but not escalated: the supervisors may not decide it yet.
        XCTAssertEqual(try engine.approvalTasks(handle: "ma.head"), [])
        try assertDenied(engine, .notADecider) { try engine.approve(actor: "ma.head", id: s.id) }
        try assertDenied(engine, .missingPermission) {
            try engine.escalateOverdueApprovals(actor: "chen.jie")
        }

        let escalated = try engine.escalateOverdueApprovals(actor: "ma.head")
        XCTAssertEqual(escalated.map(\.id), [s.id])
        XCTAssertEqual(escalated.first?.escalated, true)
        let last = try XCTUnwrap(try engine.approvalHistory(id: s.id).last)
        XCTAssertEqual(last.kind, .escalated)
        XCTAssertEqual(last.principal, "ma.head")
        XCTAssertEqual(last.stage, "brand")
        // Once only: a second run finds nothing and changes nothing.
        let before = try Snapshot(engine)
        XCTAssertEqual(try engine.escalateOverdueApprovals(actor: "ma.head"), [])
        XCTAssertEqual(try Snapshot(engine), before)

        // The escalation pool (supervisors) now sees it, beside the brand pool.
        let task = try XCTUnwrap(try engine.approvalTasks(handle: "ma.head").first)
        XCTAssertEqual(task.instanceId, s.id)
        XCTAssertTrue(task.overdue)
        XCTAssertTrue(task.escalated)
        XCTAssertEqual(try engine.approvalTasks(handle: "chen.jie").map(\.instanceId), [s.id])
        s = try engine.approve(actor: "ma.head", id: s.id, comment: "超时，由主管审批")
        XCTAssertEqual(s.currentStage, "legal")
        XCTAssertFalse(s.escalated)
        XCTAssertEqual(s.stages[0].approvals.map(\.principal), ["ma.head"])
        XCTAssertEqual(try engine.approvalTasks(handle: "ma.head"), [])
    }

    func testAStageWithoutAnEscalationTargetStaysWithItsPool() throws {
        var b = try engine.submitApproval(
            actor: "li.na", workflow: "budget_adjustment",
            subject: Subject(kind: .budgetAdjustment, reference: "adj-8", title: "Q3 小红书追加"))
        _ = try engine.advanceClock(seconds: Self.hour)
        b = try engine.approve(actor: "zhou.fan", id: b.id)
        XCTAssertEqual(b.currentStage, "executive")  // 72 h, no escalation target
        _ = try engine.advanceClock(seconds: 73 * Self.hour)
        XCTAssertEqual(try engine.overdueApprovals().map(\.instanceId), [b.id])
        XCTAssertEqual(try engine.escalateOverdueApprovals(actor: "zhao.min"), [])
        XCTAssertEqual(try engine.approvalTasks(handle: "zhao.min").map(\.overdue), [true])
    }

    // MARK: delegation

    func testADelegationGivesAuthorityOnlyInsideItsWindow() throws {
        let s = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: adCopy())
        _ = try engine.approve(actor: "chen.jie", id: s.id)
        let ends = start.addingTimeInterval(hours(72))
        let d = try engine.delegateApprovals(actor: "sun.li", to: "hu.hr",
                                             startsAt: start.addingTimeInterval(hours(24)),
                                             endsAt: ends)
        XCTAssertEqual(try engine.approvalTasks(handle: "hu.hr"), [])
        _ = try engine.setClock(at: start.addingTimeInterval(hours(24)))
        let task = try XCTUnwrap(try engine.approvalTasks(handle: "hu.hr").first)
        XCTAssertEqual(task.instanceId, s.id)
        XCTAssertEqual(task.onBehalfOf, "sun.li")
        _ = try engine.setClock(at: ends.addingTimeInterval(-1))
        XCTAssertEqual(try engine.approvalTasks(handle: "hu.hr").map(\.instanceId), [s.id])
        _ = try engine.setClock(at: ends)  // the end is exclusive
        XCTAssertEqual(try engine.approvalTasks(handle: "hu.hr"), [])
        try assertDenied(engine, .notADecider) { try engine.approve(actor: "hu.hr", id: s.id) }
        // Expired, not ended: the record stays as it was.
        XCTAssertEqual(try engine.delegations(handle: "sun.li"), [d])
        XCTAssertNil(d.revokedAt)
        XCTAssertEqual(try validationField {
            try engine.delegateApprovals(actor: "sun.li", to: "hu.hr", startsAt: start, endsAt: ends)
        }, "ends_at")
        XCTAssertEqual(try engine.approve(actor: "sun.li", id: s.id).state, .approved)
    }

    // MARK: throughput

    func testThroughputReportsTheDurationsTheClockMeasured() throws {
        let ads = try (0..<3).map {
            try engine.submitApproval(actor: "li.na", workflow: "content_review",
                                      subject: adCopy("content-\($0)/v1")).id
        }
        for (step, id) in zip([Int64(1), 1, 4], ads) {  // brand takes 1 h, 2 h and 6 h
            _ = try engine.advanceClock(seconds: step * Self.hour)
            _ = try engine.approve(actor: "chen.jie", id: id)
        }
        _ = try engine.advanceClock(seconds: 30 * 60)  // legal takes 5.5 h, 4.5 h and 0.5 h
        for id in ads {
            _ = try engine.approve(actor: "sun.li", id: id)
        }
        let p = try engine.submitApproval(actor: "li.na", workflow: "content_review", subject: plainPost())
        _ = try engine.advanceClock(seconds: Self.hour)  // and a plain post 1 h at brand
        _ = try engine.approve(actor: "chen.jie", id: p.id)
        let rows = try engine.approvalThroughput(workflow: "content_review")
        XCTAssertEqual(rows.map(\.stage), ["brand", "legal"])
        XCTAssertEqual(rows.map(\.completed), [4, 3])
        XCTAssertEqual(rows.map(\.medianSeconds), [5400, 16200])
        XCTAssertEqual(rows.map(\.p90Seconds), [21600, 19800])
    }

    // MARK: zombies

    func testZombieAccountsAppearAsTimePasses() throws {
        _ = try engine.registerMediaAccount(actor: "it.admin", input: NewMediaAccount(
            id: "weibo-main", platform: .weibo, displayName: "品牌微博", ownerDepartment: .pr,
            custodian: "chen.jie"))
        let sixMonths = at("2026-11-04T09:00:00Z")  // zombie_after_months = 6
        _ = try engine.setClock(at: sixMonths.addingTimeInterval(-1))
        XCTAssertEqual(try engine.zombieMediaAccounts(), [])
        _ = try engine.setClock(at: sixMonths)
        let zombie = try XCTUnwrap(try engine.zombieMediaAccounts().first)
        XCTAssertEqual(zombie.account.id, "weibo-main")
        XCTAssertEqual(zombie.idleDays, 184)
        assertMoment(zombie.idleSince, start)
        // An interaction starts the six months again.
        _ = try engine.recordMediaInteraction(actor: "chen.jie", id: "weibo-main", at: engine.now())
        XCTAssertEqual(try engine.zombieMediaAccounts(), [])
        _ = try engine.advanceClock(seconds: 184 * 24 * Self.hour)
        XCTAssertEqual(try engine.zombieMediaAccounts().map(\.idleDays), [184])
    }
}
