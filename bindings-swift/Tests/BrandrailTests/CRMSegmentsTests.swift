// Segments (CRM-4) and customer value (CRM-11) from Swift: a three-condition
// segment with a nested group and a relative window, refreshed incrementally
// as events arrive and as time moves events out of the window; the shipped
// personas and their members; stages and tiers derived from behaviour; RFM
// and the value report (money as decimal strings). Rules cross as JSON text
// (`ruleJson`); a bad rule throws `Validation` naming the path at fault.
// Bad calls throw their typed error case and change nothing.
// Mirrors bindings-swift/tests/test_crm_segments_uniffi.py (and
// core/tests/crm_segments.rs).
//
// Amounts in rules are exact decimal text (`"1000"`): a JSON number or an
// exponent is a `Validation` error naming the rule path.
// A value of the wrong type (a dictionary for a rule, a `Double` for a spend)
// does not compile, so the Python suite's wrong-type cases have no
// counterpart here.
//
// Runs on a manual clock, so relative windows are exact.

import Brandrail
import Foundation
import XCTest

final class CRMSegmentsTests: XCTestCase {
    static let start = at("2026-06-01T08:00:00Z")
    static let day: TimeInterval = 86_400

    static let shBuyers = #"""
        {"all": [
          {"field": {"name": "region", "op": "eq", "value": "上海"}},
          {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}},
          {"any": [{"field": {"name": "age_band", "op": "in", "value": ["18-24", "25-34"]}},
                   {"not": {"field": {"name": "age_band", "op": "exists"}}}]}
        ]}
        """#
    static let personas = ["lapsed_buyers", "loyal_members", "young_professionals"]

    var engine: Engine!
    var start: Date { Self.start }
    var day: TimeInterval { Self.day }

    static func options(_ key: Data? = secretKey) -> EngineOptions {
        EngineOptions(secretKey: key, clockStart: start)
    }

    override func setUpWithError() throws {
        engine = try Engine.inMemory(options: Self.options())
        try CRMTests.staff(engine)
    }

    // MARK: helpers

    func def(_ name: String, _ rule: String, label: String? = nil,
             description: String = "test segment") -> SegmentDef {
        SegmentDef(name: name, label: label ?? name, description: description, ruleJson: rule)
    }

    func customer(_ phone: String, _ more: [(IdentityKind, String)] = [],
                  profile: [String: String] = [:]) -> CustomerRecord {
        CustomerRecord(identities: ([(IdentityKind.phone, phone)] + more).map {
            Identity(kind: $0.0, value: $0.1)
        }, profile: profile)
    }

    func ingest(_ records: [CustomerRecord], file: StaticString = #filePath,
                line: UInt = #line) throws -> [Int64] {
        let r = try engine.ingestCustomers(actor: "li.na", records: records)
        XCTAssertEqual(r.errors, [], file: file, line: line)
        return r.customerIds.compactMap { $0 }
    }

    func ev(_ id: Int64, _ kind: InteractionKind, page: String? = nil, amount: String? = nil,
            daysAgo: Double = 0) -> NewInteraction {
        NewInteraction(customerId: id, kind: kind, at: engine.now().addingTimeInterval(-daysAgo * day),
                       page: page, amount: amount)
    }

    func record(_ rows: [NewInteraction], file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try engine.recordInteractions(actor: "li.na", interactions: rows)
        XCTAssertEqual(r.errors, [], file: file, line: line)
    }

    func memberIds(_ name: String) throws -> [Int64] {
        try engine.segmentMembers(actor: "li.na", name: name, offset: 0, limit: 100).map(\.customerId)
    }

    func json(_ text: String) throws -> NSDictionary {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
    }

    /// Every segment with all its members, and the customers' count: what a
    /// refused call must leave as it was besides `Snapshot`. Reads are not
    /// audited.
    struct Segmentation: Equatable {
        let customers: UInt64
        let segments: [Segment]
        let members: [[SegmentMember]]

        init(_ engine: Engine) throws {
            customers = try engine.customerCount()
            let segments = try engine.segments(actor: "data.ops")
            self.segments = segments
            members = try segments.map {
                try engine.segmentMembers(actor: "data.ops", name: $0.name, offset: 0,
                                          limit: maxSegmentPage())
            }
        }
    }

    /// `assertRefusedUnchanged`, and the segments and their members unchanged too.
    @discardableResult
    func refused<T>(
        _ code: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws -> BrandrailError? {
        let before = try Segmentation(engine)
        let error = try assertRefusedUnchanged(engine, code, file: file, line: line, body)
        XCTAssertEqual(try Segmentation(engine), before, "segments changed", file: file, line: line)
        return error
    }

    /// `refused("validation")`, naming `field`.
    func invalid<T>(
        _ field: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws {
        let error = try refused("validation", file: file, line: line, body)
        guard case let .Validation(got, detail)? = error else {
            return XCTFail("not a validation error: \(String(describing: error))", file: file, line: line)
        }
        XCTAssertEqual(got, field, detail, file: file, line: line)
        XCTAssertFalse(detail.contains("\u{202E}") || detail.contains("\u{0}"), detail,
                       file: file, line: line)
    }

    /// `refused("permission_denied")` with `reason`, requiring `permission`.
    func denied<T>(
        _ permission: String, _ reason: DenialReason = .missingPermission,
        file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws {
        let error = try refused("permission_denied", file: file, line: line, body)
        guard case let .PermissionDenied(_, got, why, _)? = error else {
            return XCTFail("not a denial", file: file, line: line)
        }
        XCTAssertEqual(got, permission, file: file, line: line)
        XCTAssertEqual(why, reason, file: file, line: line)
    }

    /// a (上海, 25-34) and b (上海, 45-54) bought 10 and 80 days ago, c (上海,
    /// no age band) 10 and 120 days ago, d (北京, 18-24) 10 and 80 days ago.
    func shanghai() throws -> [Int64] {
        let ids = try ingest([
            customer("13800000001", profile: ["region": "上海", "age_band": "25-34"]),
            customer("13800000002", profile: ["region": "上海", "age_band": "45-54"]),
            customer("13800000003", profile: ["region": "上海"]),
            customer("13800000004", profile: ["region": "北京", "age_band": "18-24"]),
        ])
        var rows: [NewInteraction] = []
        for (id, older) in zip(ids, [80.0, 80, 120, 80]) {
            rows.append(ev(id, .purchase, amount: "100", daysAgo: 10))
            rows.append(ev(id, .purchase, amount: "80", daysAgo: older))
        }
        try record(rows)
        return ids
    }

    // MARK: CRM-4

    func testAThreeConditionSegmentWithNestingAndARelativeWindow() throws {
        let ids = try shanghai()
        let (a, b, c) = (ids[0], ids[1], ids[2])
        let s = try engine.defineSegment(actor: "li.na", def: def("sh-repeat", Self.shBuyers,
                                                                 label: "上海复购"))
        XCTAssertEqual(s.origin, .custom)
        XCTAssertEqual(s.label, "上海复购")
        XCTAssertEqual(s.members, 1, "only a: b is 45-54, c bought once in 90 days, d is in 北京")
        XCTAssertEqual(try json(s.ruleJson), try json(Self.shBuyers), "the rule comes back as the same data")
        XCTAssertEqual(s.definedBy, "li.na")
        XCTAssertEqual(s.definedAt, start)
        XCTAssertEqual(try engine.segmentMembers(actor: "li.na", name: "sh-repeat", offset: 0, limit: 10),
                       [SegmentMember(customerId: a, stage: .loyalty, tier: nil)])
        XCTAssertEqual(try engine.countCustomers(actor: "li.na", ruleJson: Self.shBuyers), 1)
        XCTAssertEqual(try engine.segment(actor: "qian.yu", name: "sh-repeat"), s, "sales reads segments")

        // c buys again: one customer re-evaluated, c joins.
        try record([ev(c, .purchase, amount: "20")])
        let refreshed = try engine.refreshSegments(actor: "li.na")
        XCTAssertEqual(refreshed.map(\.name), Self.personas + ["sh-repeat"])
        XCTAssertEqual(refreshed.last, SegmentRefresh(name: "sh-repeat", full: false, evaluated: 1,
                                                      added: 1, removed: 0, members: 2))
        XCTAssertEqual(try engine.refreshSegments(actor: "li.na").last?.evaluated, 0,
                       "nothing changed since")
        XCTAssertEqual(try memberIds("sh-repeat"), [a, c])

        // Time alone: 15 days on, a's purchase of 80 days ago has left the
        // window; a leaves without anything being recorded.
        let later = try engine.advanceClock(seconds: 15 * 86_400)
        XCTAssertEqual(try engine.segmentCount(actor: "li.na", name: "sh-repeat"), 1)
        XCTAssertEqual(try memberIds("sh-repeat"), [c])
        XCTAssertEqual(try engine.segment(actor: "li.na", name: "sh-repeat").refreshedAt, later)

        // Redefined with a wider rule; then deleted.
        let wider = #"{"field": {"name": "region", "op": "eq", "value": "上海"}}"#
        XCTAssertEqual(try engine.defineSegment(actor: "li.na", def: def("sh-repeat", wider)).members, 3)
        XCTAssertEqual(try memberIds("sh-repeat"), [a, b, c])
        let defined = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: "segment.define"))
        XCTAssertEqual(defined.map(\.detail), ["defined members=1", "redefined members=3"])
        try engine.deleteSegment(actor: "li.na", name: "sh-repeat")
        assertRefused("not_found") { try engine.segment(actor: "li.na", name: "sh-repeat") }
        XCTAssertEqual(try engine.segments(actor: "li.na").map(\.name), Self.personas)
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testPagingThroughMembers() throws {
        let ids = try ingest((0..<5).map { customer("1380000050\($0)", profile: ["region": "上海"]) })
        _ = try engine.defineSegment(actor: "li.na", def: def("sh", #"{"field": {"name": "region", "op": "exists"}}"#))
        let pages = try [0, 2, 4].map {
            try engine.segmentMembers(actor: "li.na", name: "sh", offset: UInt64($0), limit: 2)
        }
        XCTAssertEqual(pages.map(\.count), [2, 2, 1])
        XCTAssertEqual(pages.flatMap { $0.map(\.customerId) }, ids)
        XCTAssertEqual(try engine.segmentMembers(actor: "li.na", name: "sh", offset: UInt64.max,
                                                 limit: maxSegmentPage()), [])
        XCTAssertEqual(maxSegmentPage(), 100_000)
        for limit in [0, maxSegmentPage() + 1, UInt64.max] {
            try invalid("limit") {
                try engine.segmentMembers(actor: "li.na", name: "sh", offset: 0, limit: limit)
            }
        }
    }

    func testMergesAndErasureUpdateSegments() throws {
        let ids = try ingest([
            customer("13800000011", profile: ["region": "上海"]),
            customer("13800000012", [(.email, "x@example.com")], profile: ["region": "上海"]),
        ])
        let (a, b) = (ids[0], ids[1])
        try record([ev(a, .purchase, amount: "10", daysAgo: 5), ev(b, .purchase, amount: "10", daysAgo: 3)])
        _ = try engine.defineSegment(actor: "li.na",
                                     def: def("two-buys", #"{"events": {"kind": "purchase", "at_least": 2}}"#))
        XCTAssertEqual(try engine.segmentCount(actor: "li.na", name: "two-buys"), 0)
        let merged = try engine.ingestCustomers(actor: "qian.yu", records: [
            CustomerRecord(identities: [Identity(kind: .phone, value: "13800000011"),
                                        Identity(kind: .email, value: "x@example.com")]),
        ])
        XCTAssertEqual(merged.merged, 1)
        XCTAssertEqual(try memberIds("two-buys"), [a])
        XCTAssertEqual(try engine.customerStanding(actor: "li.na", customerId: b).customerId, a)
        _ = try engine.undoMerge(actor: "data.ops", mergedId: b)
        XCTAssertEqual(try engine.segmentCount(actor: "li.na", name: "two-buys"), 0)
        _ = try engine.eraseCustomer(actor: "data.ops", customerId: a, reason: "data-subject request")
        XCTAssertEqual(try engine.segmentCount(actor: "li.na", name: "two-buys"), 0)
        assertRefused("not_found") { try engine.customerStanding(actor: "li.na", customerId: a) }
    }

    func testThreePersonasShipAndAreDerivedFromBehaviour() throws {
        let ids = try ingest([
            customer("13800000021", profile: ["age_band": "25-34"]),
            customer("13800000022", [(.memberId, "M-0022")]),
            customer("13800000023"),
        ])
        let (young, member, lapsed) = (ids[0], ids[1], ids[2])
        try record([
            ev(young, .view, page: "article/5-minute-skincare", daysAgo: 3),
            ev(member, .purchase, amount: "300", daysAgo: 20),
            ev(member, .purchase, amount: "300", daysAgo: 10),
            ev(lapsed, .purchase, amount: "50", daysAgo: 200),
        ])
        let personas = try engine.segments(actor: "qian.yu").filter { $0.origin == .policy }
        XCTAssertGreaterThanOrEqual(personas.count, 3)
        XCTAssertEqual(personas.map(\.name), Self.personas)
        XCTAssertEqual(personas.map(\.members), [1, 1, 1])
        XCTAssertTrue(personas.allSatisfy { $0.definedBy == "policy" && !$0.label.isEmpty })
        XCTAssertEqual(try memberIds("young_professionals"), [young])
        XCTAssertEqual(try engine.segmentMembers(actor: "li.na", name: "loyal_members", offset: 0, limit: 10),
                       [SegmentMember(customerId: member, stage: .loyalty, tier: nil)])
        XCTAssertEqual(try memberIds("lapsed_buyers"), [lapsed])

        // Personas change with the policy only.
        for name in Self.personas {
            let error = try refused("conflict") {
                try engine.defineSegment(actor: "li.na", def: def(name, #"{"all": []}"#))
            }
            guard case let .Conflict(entity, _)? = error else { return XCTFail() }
            XCTAssertEqual(entity, "segment")
            try refused("conflict") { try engine.deleteSegment(actor: "li.na", name: name) }
        }
        let policy = try engine.policy().overlayToml(text: "[crm.lifecycle]\nloyalty_min_purchases = 3\n")
        _ = try engine.replacePolicy(actor: "zhao.min", policy: policy)
        XCTAssertEqual(try engine.customerStanding(actor: "li.na", customerId: member).stage, .decision)
        XCTAssertEqual(try engine.segmentCount(actor: "li.na", name: "loyal_members"), 0)
    }

    func testStagesAndTiersFollowTheThresholds() throws {
        let ids = try ingest((1...6).map { customer("1380000010\($0)") })
        let (aware, interest, decision, loyal, vipSpend, vipCount) = (ids[0], ids[1], ids[2], ids[3], ids[4], ids[5])
        var rows = [ev(aware, .view, page: "home", daysAgo: 1), ev(aware, .view, page: "home", daysAgo: 100)]
        rows += (0..<3).map { _ in ev(interest, .click, page: "ad/spring", daysAgo: 2) }
        rows += [
            ev(decision, .view, page: "/product/12", daysAgo: 1),
            ev(decision, .pathStep, page: "product", daysAgo: 1),
            ev(loyal, .purchase, amount: "10", daysAgo: 1),
            ev(loyal, .purchase, amount: "10", daysAgo: 2),
        ]
        rows += [loyal, vipSpend, vipCount].map { ev($0, .communityJoin, daysAgo: 30) }
        rows.append(ev(vipSpend, .purchase, amount: "5000.00", daysAgo: 200))
        rows += (0..<5).map { ev(vipCount, .purchase, amount: "1", daysAgo: 100 + Double($0)) }
        try record(rows)

        let standings = try ids.map { try engine.customerStanding(actor: "li.na", customerId: $0) }
        XCTAssertEqual(standings.map(\.stage), [.awareness, .interest, .decision, .loyalty, .awareness, .awareness])
        XCTAssertEqual(standings.map(\.tier), [nil, nil, nil, .repeat, .vip, .vip])
        XCTAssertEqual(standings[1], Standing(customerId: interest, stage: .interest, tier: nil, engagements: 3,
                                              productViews: 0, purchasesInWindow: 0, windowDays: 90))
        XCTAssertEqual(try engine.lifecycleDistribution(actor: "li.na"), LifecycleDistribution(
            customers: 6, awareness: 3, interest: 1, decision: 1, loyalty: 1,
            tierNew: 0, tierRepeat: 1, tierVip: 2))
        XCTAssertEqual(try engine.countCustomers(actor: "li.na", ruleJson: #"{"tier": ["vip"]}"#), 2)
        XCTAssertEqual(try engine.countCustomers(actor: "li.na", ruleJson: #"{"spend": {"at_least": "5000"}}"#), 1)
        XCTAssertEqual(try engine.countCustomers(actor: "li.na", ruleJson: #"{"spend": {"at_least": "5000.01"}}"#), 0)
        _ = try engine.advanceClock(seconds: 91 * 86_400)
        XCTAssertEqual(try engine.customerStanding(actor: "li.na", customerId: loyal).stage, .awareness)
        for id: Int64 in [0, -1, 404, .max, .min] {
            try refused("not_found") { try engine.customerStanding(actor: "li.na", customerId: id) }
        }
    }

    func testBadRulesNamesAndActorsAreRefusedAndChangeNothing() throws {
        _ = try ingest([customer("13800000031", profile: ["region": "上海"])])
        let keep = #"{"field": {"name": "region", "op": "exists"}}"#
        _ = try engine.defineSegment(actor: "li.na", def: def("keep", keep))
        let bad: [(String, String)] = [
            (#"{"field": {"name": "national_id", "op": "eq", "value": "1"}}"#, "rule.field.name"),
            (#"{"field": {"name": "region\u202e", "op": "eq", "value": "1"}}"#, "rule.field.name"),
            (#"{"field": {"name": "region", "op": "eq"}}"#, "rule.field"),
            (#"{"field": {"name": "region", "op": "eq", "value": "a\u0000b"}}"#, "rule.field.value"),
            (#"{"events": {"kind": "purchase", "within_days": 0}}"#, "rule.events"),
            (#"{"events": {"kind": "purchase", "at_least": 3, "at_most": 1}}"#, "rule.events"),
            (#"{"spend": {"at_least": "-1"}}"#, "rule.spend"),
            // Amounts are exact decimal text, never a JSON number or an exponent.
            (#"{"spend": {"at_least": 1000}}"#, "rule.spend.at_least"),
            (#"{"spend": {"at_least": 1000.5}}"#, "rule.spend.at_least"),
            (#"{"spend": {"at_least": "1e3"}}"#, "rule.spend.at_least"),
            (#"{"not": {"spend": {"at_most": 5}}}"#, "rule.not.spend.at_most"),
            (#"{"stage": []}"#, "rule.stage"),
            (#"{"all": [{"stage": ["loyalty"]}, {"events": {"kind": "view", "within_days": 0}}]}"#,
             "rule.all[1].events"),
            (#"{"events": {"kind": "purchse"}}"#, "rule.events.kind"),
            (#"{"stage": ["loyal"]}"#, "rule.stage[0]"),
            (#"{"feild": {}}"#, "rule"),
            ("", "rule"),
            ("not json", "rule"),
            ("[]", "rule"),
        ]
        for (rule, field) in bad {
            try invalid(field) { try engine.defineSegment(actor: "li.na", def: def("bad", rule)) }
            try invalid(field) { try engine.defineSegment(actor: "li.na", def: def("keep", rule)) }
            try invalid(field) { try engine.countCustomers(actor: "li.na", ruleJson: rule) }
        }
        let deep = String(repeating: #"{"not": "#, count: 10) + #"{"stage": ["loyalty"]}"#
            + String(repeating: "}", count: 10)
        try refused("validation") { try engine.defineSegment(actor: "li.na", def: def("deep", deep)) }
        let abyss = String(repeating: #"{"not": "#, count: 5000) + #"{"stage": ["loyalty"]}"#
            + String(repeating: "}", count: 5000)
        try refused("validation") { try engine.countCustomers(actor: "li.na", ruleJson: abyss) }

        for name in ["", "x", "Bad Name", "'; DROP TABLE segment; --", "seg\u{202E}ment",
                     String(repeating: "x", count: 65), "段"] {
            try invalid("name") { try engine.defineSegment(actor: "li.na", def: def(name, #"{"all": []}"#)) }
        }
        for text in ["", "   ", String(repeating: "长", count: 201), "Bad\u{0}Name", "Bidi\u{202E}Evil"] {
            try invalid("label") {
                try engine.defineSegment(actor: "li.na", def: def("ok-name", #"{"all": []}"#, label: text))
            }
            try invalid("description") {
                try engine.defineSegment(actor: "li.na",
                                         def: def("ok-name", #"{"all": []}"#, description: text))
            }
        }
        for name in ["no-such", "", "'; DROP TABLE segment; --", "loyal_members\u{0}"] {
            try refused("not_found") { try engine.segment(actor: "li.na", name: name) }
            try refused("not_found") { try engine.segmentCount(actor: "li.na", name: name) }
            try refused("not_found") {
                try engine.segmentMembers(actor: "li.na", name: name, offset: 0, limit: 10)
            }
            try refused("not_found") { try engine.deleteSegment(actor: "li.na", name: name) }
        }

        // Sales reads segments but may not define or delete them; HR reads none.
        let good = def("mine", #"{"all": []}"#)
        try denied("segment.manage") { try engine.defineSegment(actor: "qian.yu", def: good) }
        try denied("segment.manage") { try engine.deleteSegment(actor: "qian.yu", name: "keep") }
        try denied("crm.read") { try engine.segments(actor: "hr.one") }
        try denied("crm.read") { try engine.countCustomers(actor: "hr.one", ruleJson: #"{"all": []}"#) }
        try denied("crm.read") { try engine.lifecycleDistribution(actor: "hr.one") }
        try denied("crm.read_sensitive") { try engine.rfm(actor: "li.na") }
        try denied("segment.manage", .unknownPrincipal) { try engine.defineSegment(actor: "ghost", def: good) }

        let custom = try engine.segments(actor: "li.na").filter { $0.origin == .custom }
        XCTAssertEqual(custom.map(\.name), ["keep"])
        XCTAssertEqual(try json(custom[0].ruleJson), try json(keep))
        XCTAssertEqual(custom[0].members, 1)
    }

    func testAsyncReadsAsTheSyncCallsDo() async throws {
        _ = try shanghai()
        _ = try engine.defineSegment(actor: "li.na", def: def("sh-repeat", Self.shBuyers))
        try record([ev(3, .purchase, amount: "20")])
        let refreshed = try await engine.refreshSegmentsAsync(actor: "li.na")
        XCTAssertEqual(refreshed.last?.evaluated, 1)
        XCTAssertEqual(refreshed.last?.members, 2)
        let counted = try await engine.countCustomersAsync(actor: "li.na", ruleJson: Self.shBuyers)
        XCTAssertEqual(counted, 2)
        let listed = try await engine.segmentsAsync(actor: "li.na")
        XCTAssertEqual(listed, try engine.segments(actor: "li.na"))
        let rfm = try await engine.rfmAsync(actor: "data.ops")
        XCTAssertEqual(rfm, try engine.rfm(actor: "data.ops"))
        do {
            _ = try await engine.countCustomersAsync(actor: "li.na", ruleJson: #"{"events": {"kind": "purchse"}}"#)
            XCTFail("a misspelt kind was accepted")
        } catch let BrandrailError.Validation(field, _) {
            XCTAssertEqual(field, "rule.events.kind")
        }
        do {
            _ = try await engine.rfmAsync(actor: "li.na")
            XCTFail("rfm without crm.read_sensitive")
        } catch let BrandrailError.PermissionDenied(_, permission, _, _) {
            XCTAssertEqual(permission, "crm.read_sensitive")
        }
    }

    // MARK: CRM-11

    func testRFMRepurchaseLTVAndCAC() throws {
        let ids = try ingest((1...5).map { customer("1380000020\($0)") })
        try record([
            ev(ids[0], .purchase, amount: "100", daysAgo: 1),
            ev(ids[0], .purchase, amount: "100", daysAgo: 3),
            ev(ids[0], .purchase, amount: "100", daysAgo: 5),
            ev(ids[1], .purchase, amount: "500", daysAgo: 30),
            ev(ids[2], .purchase, amount: "20", daysAgo: 300),
            ev(ids[2], .purchase, amount: "20", daysAgo: 2),
            ev(ids[3], .purchase, amount: "999", daysAgo: 400), // outside the 365-day window
        ])
        let rfm = try engine.rfm(actor: "data.ops")
        XCTAssertEqual(rfm.map(\.customerId), [ids[0], ids[1], ids[2]])
        XCTAssertEqual(rfm.map(\.recencyDays), [1, 30, 2])
        XCTAssertEqual(rfm.map(\.frequency), [3, 1, 2])
        XCTAssertEqual(rfm.map(\.monetary), ["300", "500", "40"])
        XCTAssertEqual(rfm.map(\.recencyScore), [4, 1, 2])
        XCTAssertEqual(rfm.map(\.frequencyScore), [4, 1, 2])
        XCTAssertEqual(rfm.map(\.monetaryScore), [2, 4, 1])
        XCTAssertEqual(rfm[0].lastPurchaseAt, start.addingTimeInterval(-day))

        let (from, to) = (start.addingTimeInterval(-365 * day), start.addingTimeInterval(day))
        let v = try engine.customerValue(actor: "li.na", from: from, to: to, acquisitionSpend: "1000")
        XCTAssertEqual(v.from, from)
        XCTAssertEqual([v.buyers, v.purchases, v.repeatBuyers, v.newCustomers], [3, 6, 2, 5])
        XCTAssertEqual(v.revenue, "840")
        XCTAssertEqual(v.averageOrderValue, "140.00")
        XCTAssertEqual(v.acquisitionSpend, "1000")
        XCTAssertEqual(v.cac, "200.00")
        XCTAssertEqual(v.repurchaseRate, 2.0 / 3.0, accuracy: 1e-12)
        XCTAssertEqual(v.purchaseFrequency, 2.0, accuracy: 1e-12)
        let expected = 140.0 * 2.0 * (365.0 / 366.0) * 3.0
        XCTAssertEqual(try XCTUnwrap(Double(v.ltv)), expected, accuracy: 0.01)
        XCTAssertEqual(try XCTUnwrap(v.ltvToCac), expected / 200.0, accuracy: 0.001)
        let none = try engine.customerValue(actor: "li.na", from: from, to: to, acquisitionSpend: nil)
        XCTAssertNil(none.cac)
        XCTAssertNil(none.ltvToCac)

        try invalid("to") {
            try engine.customerValue(actor: "li.na", from: start, to: start, acquisitionSpend: nil)
        }
        for spend in ["-5", "abc", "1e9", "", "1,000", "¥500", "1\u{202E}0"] {
            try invalid("acquisition_spend") {
                try engine.customerValue(actor: "li.na", from: from, to: to, acquisitionSpend: spend)
            }
        }
        try denied("crm.read") {
            try engine.customerValue(actor: "hr.one", from: from, to: to, acquisitionSpend: nil)
        }
    }

    func testAnEngineWithoutItsKeyRefusesAmounts() throws {
        let keyless = try Engine.inMemory(options: Self.options(nil))
        try CRMTests.staff(keyless)
        let (from, to) = (start.addingTimeInterval(-day), start)
        let calls: [() throws -> Void] = [
            { _ = try keyless.rfm(actor: "data.ops") },
            { _ = try keyless.customerValue(actor: "li.na", from: from, to: to, acquisitionSpend: nil) },
            { _ = try keyless.recordInteractions(actor: "li.na", interactions: []) },
        ]
        for body in calls {
            let log = try keyless.auditLen()
            let error = assertRefused("configuration", body)
            guard case let .Configuration(detail)? = error else { return XCTFail() }
            XCTAssertTrue(detail.contains("secret key"))
            XCTAssertEqual(try keyless.auditLen(), log)
        }
        XCTAssertEqual(try keyless.segments(actor: "li.na").map(\.members), [0, 0, 0])
        assertRefused("configuration") {
            try keyless.countCustomers(actor: "li.na", ruleJson: #"{"spend": {"at_least": "1"}}"#)
        }
    }

    // MARK: enums

    func testStagesTiersAndOriginsKeepTheCoresNames() throws {
        XCTAssertEqual(Stage.allCases.map { $0.asStr() }, ["awareness", "interest", "decision", "loyalty"])
        XCTAssertEqual(Tier.allCases.map { $0.asStr() }, ["new", "repeat", "vip"])
        XCTAssertEqual(SegmentOrigin.allCases.map { $0.asStr() }, ["policy", "custom"])
        for stage in Stage.allCases { XCTAssertEqual(try parseStage(name: stage.asStr()), stage) }
        for tier in Tier.allCases { XCTAssertEqual(try parseTier(name: tier.asStr()), tier) }
        for origin in SegmentOrigin.allCases {
            XCTAssertEqual(try parseSegmentOrigin(name: origin.asStr()), origin)
        }
        assertRefused("validation") { try parseStage(name: "loyal") }
        assertRefused("validation") { try parseTier(name: "VIP") }
        assertRefused("validation") { try parseSegmentOrigin(name: "") }
        XCTAssertEqual(try parsePermission(name: "segment.manage"), .segmentManage)
    }
}
