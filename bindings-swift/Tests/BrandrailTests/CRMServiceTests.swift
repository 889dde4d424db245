// Fuzzy duplicates and manual merges (CRM-2), the core profile fields
// (address, birth date), customer service (CRM-9) and public-opinion watch
// (CRM-10) from Swift: candidates with scores and per-field reasons, a merge by
// hand undone and a pair marked distinct; address and birth date sealed,
// cleaned and masked; tickets auto-answered through traditional characters,
// complaints routed, first responses in time and late on the manual clock,
// the rating rules and the report; alerts for the brand (set through a policy
// overlay) normal, sensitive and major, escalated to supervisors, a crisis
// with its template, departments and 2-hour deadline, a statement refused
// for a banned term, an overdue crisis, bad rows.
// Bad calls throw their typed error case and change nothing.
// Mirrors bindings-swift/tests/test_crm_service_uniffi.py (and the shared
// vectors duplicates.json and service.json).
//
// A value of the wrong type (a string for a `TicketCategory`, a negative
// reach, a `String` date) does not compile, so the Python suite's wrong-type
// cases have no counterpart here.

import Brandrail
import Foundation
import XCTest

final class CRMServiceTests: XCTestCase {
    static let start = at("2026-06-01T08:00:00Z")
    static let brands = "[content]\nbrand_names = [{ canonical = \"澜朵\", wrong = [\"兰朵\"] }]\n"
    static let banned = "我们的产品是全网最安全的"
    static let minute: TimeInterval = 60
    static let hour: TimeInterval = 3_600
    static let day: TimeInterval = 86_400

    var engine: Engine!
    var start: Date { Self.start }

    static func options(_ key: Data? = secretKey) -> EngineOptions {
        EngineOptions(secretKey: key, clockStart: start)
    }

    /// it.admin (IT), kf.one and kf.two (customer service), pr.one (PR),
    /// li.na (marketing), hr.one (HR), zhao.min (executive + supervisor),
    /// boss (marketing + supervisor), data.ops (IT, data_steward).
    static func staff(_ engine: Engine) throws {
        _ = try engine.bootstrap(firstAdmin: person("it.admin", .it, "IT"))
        _ = try engine.createPrincipals(actor: "it.admin", inputs: [
            person("kf.one", .customerService, "客服"),
            person("kf.two", .customerService, "客服二"),
            person("pr.one", .pr, "公关"),
            person("li.na", .marketing, "李娜"),
            person("hr.one", .hr),
            person("zhao.min", .executive, "赵敏", roles: ["executive", "supervisor"]),
            person("boss", .marketing, "主管", roles: ["supervisor"]),
            person("data.ops", .it, "Data", roles: ["data_steward"]),
        ])
    }

    override func setUpWithError() throws {
        engine = try Engine.inMemory(options: Self.options())
        try Self.staff(engine)
    }

    /// The brand 澜朵 (wrongly 兰朵) in the policy, as service.json sets it.
    func brand() throws {
        _ = try engine.replacePolicy(actor: "zhao.min",
                                     policy: try engine.policy().overlayToml(text: Self.brands))
    }

    // MARK: helpers

    func rec(_ phone: String, name: String? = nil, profile: [String: String] = [:]) -> CustomerRecord {
        CustomerRecord(identities: [Identity(kind: .phone, value: phone)], name: name, profile: profile)
    }

    func newTicket(_ channel: String = "wechat", _ category: TicketCategory = .question,
                   subject: String = "咨询", body: String = "你好", customerId: Int64? = nil) -> NewTicket {
        NewTicket(customerId: customerId, channel: channel, category: category, subject: subject, body: body)
    }

    func mention(_ text: String, platform: String = "weibo", author: String = "路人", at: Date? = nil,
                 url: String? = nil, reach: UInt64? = nil) -> NewMention {
        NewMention(platform: platform, author: author, text: text,
                   at: at ?? engine.now().addingTimeInterval(-Self.hour), url: url, reach: reach)
    }

    /// Every ticket as kf.one reads it (reads are not audited); ids run from
    /// 1 without gaps.
    static func tickets(_ engine: Engine) throws -> [Ticket] {
        var out: [Ticket] = []
        while true {
            do {
                out.append(try engine.ticket(actor: "kf.one", id: Int64(out.count + 1)))
            } catch BrandrailError.NotFound {
                return out
            }
        }
    }

    /// What a refused call must leave as it was besides `Snapshot`: customers
    /// 1…8 as li.na reads them (masked reads are not audited), tickets,
    /// alerts and crises.
    struct World: Equatable {
        let snapshot: Snapshot
        let count: UInt64
        let customers: [Customer?]
        let tickets: [Ticket]
        let alerts: [OpinionAlert]
        let crises: [Crisis]

        init(_ engine: Engine) throws {
            snapshot = try Snapshot(engine)
            count = try engine.customerCount()
            customers = (1...8).map { try? engine.customer(actor: "li.na", id: Int64($0)) }
            tickets = try CRMServiceTests.tickets(engine)
            alerts = try engine.opinionAlerts(actor: "pr.one", openOnly: false)
            crises = try engine.crises(actor: "pr.one", overdueOnly: false)
        }
    }

    /// Asserts `body` throws the error for `code`, changes nothing, and grows
    /// the audit log by the refusal record for `permission_denied` only.
    @discardableResult
    func refused<T>(
        _ code: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws -> BrandrailError? {
        let before = try World(engine)
        let log = try engine.auditLen()
        let error = assertRefused(code, file: file, line: line, body)
        XCTAssertEqual(try World(engine), before, "state changed", file: file, line: line)
        XCTAssertEqual(try engine.auditLen() - log, code == "permission_denied" ? 1 : 0,
                       file: file, line: line)
        return error
    }

    /// `refused("validation")`, naming `field`, never echoing a control or
    /// bidi character.
    @discardableResult
    func invalid<T>(
        _ field: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws -> String {
        let error = try refused("validation", file: file, line: line, body)
        guard case let .Validation(got, detail)? = error else {
            XCTFail("not a validation error: \(String(describing: error))", file: file, line: line)
            return ""
        }
        XCTAssertEqual(got, field, detail, file: file, line: line)
        XCTAssertFalse(detail.contains("\u{0}") || detail.contains("\u{202E}"), detail, file: file, line: line)
        return detail
    }

    /// `refused("permission_denied")` requiring `permission`, for `reason`.
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

    /// The entity of a `NotFound` or `Conflict`.
    func entity(_ error: BrandrailError?) -> String? {
        switch error {
        case let .NotFound(entity, _)?: return entity
        case let .Conflict(entity, _)?: return entity
        default: return nil
        }
    }

    func audit(_ action: String) throws -> [AuditRecord] {
        try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: action))
    }

    func auditText() throws -> String {
        try engine.auditQuery(actor: "zhao.min", query: AuditQuery())
            .map { "\($0.action) \($0.entityId) \($0.detail)" }
            .joined(separator: "\n")
    }

    // MARK: CRM-2 fuzzy duplicates

    /// As in duplicates.json: 1 and 2 are one person (traditional characters,
    /// an abbreviated address with full-width digits and '#', another date
    /// format), 3 a namesake in 北京, 4 and 5 one person with a typo.
    func people() throws -> [Int64] {
        let r = try engine.ingestCustomers(actor: "li.na", records: [
            rec("13900000001", name: "陈小明", profile: ["address": "上海市浦东新区张江路100号",
                                                         "birth_date": "1990-03-07", "region": "上海"]),
            rec("13900000002", name: "陳小明", profile: ["address": "上海浦东新区张江路１００#",
                                                         "birth_date": "1990年3月7日"]),
            rec("13900000003", name: "陈小明", profile: ["address": "北京市海淀区中关村大街1号",
                                                         "birth_date": "1990-03-07"]),
            rec("13900000004", name: "王芳", profile: ["address": "广州市天河区天河路385号",
                                                       "birth_date": "1985-11-02"]),
            rec("13900000005", name: "王方", profile: ["address": "广州天河区天河路385号",
                                                       "birth_date": "1985-11-02"]),
        ])
        XCTAssertEqual(r.errors, [])
        return r.customerIds.compactMap { $0 }
    }

    func pairs(_ r: CandidateReport) -> [[Int64]] {
        r.candidates.map { [$0.customerId, $0.otherId] }
    }

    func testCRM2FuzzyCandidatesComeWithScoresAndReasons() throws {
        let ids = try people()
        let log = try engine.auditLen()
        let r = try engine.duplicateCandidates(actor: "data.ops", threshold: nil, limit: 10)
        XCTAssertEqual(try engine.auditLen(), log + 1, "one crm.fuzzy record")
        XCTAssertEqual(r.customers, 5)
        XCTAssertEqual(r.threshold, 0.85)
        XCTAssertEqual(r.blocksSkipped, 0)
        XCTAssertEqual(pairs(r), [[ids[0], ids[1]], [ids[3], ids[4]]], "the namesake is not proposed")
        for c in r.candidates {
            XCTAssertEqual(c.reasons.map(\.field), ["name", "address", "birth_date"])
            XCTAssertTrue(c.reasons.allSatisfy { (0.0...1.0).contains($0.similarity) })
            XCTAssertTrue((0.85...1.0).contains(c.score), "\(c.score)")
        }
        XCTAssertEqual(r.candidates[0].score, 1.0, accuracy: 1e-9, "陳小明 is 陈小明")
        XCTAssertEqual(r.candidates[1].reasons[0].similarity, 0.7, accuracy: 1e-9, "王芳 / 王方")
        XCTAssertEqual(r.candidates[1].score, 0.4 * 0.7 + 0.35 + 0.25, accuracy: 1e-9)

        let entry = try XCTUnwrap(try audit("crm.fuzzy").first)
        XCTAssertTrue(entry.detail.contains("candidates=2"), entry.detail)
        XCTAssertFalse(try auditText().contains("小明"))

        XCTAssertEqual(pairs(try engine.duplicateCandidates(actor: "data.ops", threshold: 0.95, limit: 10)),
                       [[ids[0], ids[1]]])
        XCTAssertEqual(pairs(try engine.duplicateCandidates(actor: "data.ops", threshold: nil, limit: 1)),
                       [[ids[0], ids[1]]])
        let everyone = try engine.duplicateCandidates(actor: "data.ops", threshold: 0.0,
                                                      limit: maxDuplicateCandidates())
        XCTAssertEqual(UInt64(everyone.candidates.count), everyone.pairsCompared)
        XCTAssertTrue(pairs(everyone).contains([ids[0], ids[2]]))
        XCTAssertEqual(maxDuplicateCandidates(), 10_000)
        XCTAssertEqual(maxDuplicateBlock(), 500)
    }

    func testCRM2AStewardMergesByHandUndoesAndMarksDistinct() throws {
        let ids = try people()
        let (a, b, c, d, f) = (ids[0], ids[1], ids[2], ids[3], ids[4])
        XCTAssertEqual(try engine.mergeCustomers(actor: "data.ops", survivorId: a, mergedId: b), 1)
        XCTAssertEqual(try engine.customerCount(), 4)
        let merged = try engine.customer(actor: "li.na", id: b)
        XCTAssertEqual(merged.id, a)
        XCTAssertEqual(merged.mergedIds, [b])
        let applied = try audit("crm.merge").filter { $0.outcome == .applied }
        XCTAssertEqual(applied.map(\.detail), ["into=\(a) identities_moved=1 reason=manual"])
        XCTAssertEqual(pairs(try engine.duplicateCandidates(actor: "data.ops", threshold: nil, limit: 10)),
                       [[d, f]])
        for (survivor, gone) in [(a, b), (b, c), (c, b)] {
            let error = try refused("not_found") {
                try engine.mergeCustomers(actor: "data.ops", survivorId: survivor, mergedId: gone)
            }
            XCTAssertEqual(entity(error), "customer")
        }

        XCTAssertEqual(try engine.undoMerge(actor: "data.ops", mergedId: b),
                       MergeUndone(customerId: b, survivorId: a, identitiesRestored: 1))
        XCTAssertEqual(try engine.customerCount(), 5)
        try engine.markDistinct(actor: "data.ops", a: b, b: a)
        XCTAssertEqual(try audit("crm.distinct").map(\.entityId), ["\(a):\(b)"])
        XCTAssertEqual(pairs(try engine.duplicateCandidates(actor: "data.ops", threshold: nil, limit: 10)),
                       [[d, f]])
        XCTAssertEqual(try engine.mergeCustomers(actor: "data.ops", survivorId: d, mergedId: f), 1)
        XCTAssertEqual(try engine.duplicateCandidates(actor: "data.ops", threshold: nil, limit: 10).candidates, [])
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testCRM2RefusalsAndBadThresholdsAndLimits() throws {
        let ids = try people()
        let a = ids[0]
        try refused("conflict") { try engine.mergeCustomers(actor: "data.ops", survivorId: a, mergedId: a) }
        try refused("conflict") { try engine.markDistinct(actor: "data.ops", a: a, b: a) }
        for other: Int64 in [0, -1, 404, .max, .min] {
            let error = try refused("not_found") {
                try engine.mergeCustomers(actor: "data.ops", survivorId: a, mergedId: other)
            }
            XCTAssertEqual(entity(error), "customer")
            try refused("not_found") { try engine.markDistinct(actor: "data.ops", a: other, b: a) }
        }
        for actor in ["li.na", "kf.one"] {
            try denied("crm.merge") { try engine.duplicateCandidates(actor: actor, threshold: nil, limit: 10) }
            try denied("crm.merge") { try engine.mergeCustomers(actor: actor, survivorId: 1, mergedId: 2) }
            try denied("crm.merge") { try engine.markDistinct(actor: actor, a: 1, b: 2) }
        }
        try denied("crm.merge", .unknownPrincipal) {
            try engine.duplicateCandidates(actor: "ghost", threshold: nil, limit: 10)
        }
        for threshold in [1.5, -0.1, Double.nan, Double.infinity, -Double.infinity] {
            try invalid("threshold") {
                try engine.duplicateCandidates(actor: "data.ops", threshold: threshold, limit: 10)
            }
        }
        for limit in [0, maxDuplicateCandidates() + 1, UInt64.max] {
            try invalid("limit") { try engine.duplicateCandidates(actor: "data.ops", threshold: nil, limit: limit) }
        }

        let keyless = try Engine.inMemory(options: Self.options(nil))
        try Self.staff(keyless)
        let error = assertRefused("configuration") {
            try keyless.duplicateCandidates(actor: "data.ops", threshold: nil, limit: 10)
        }
        guard case let .Configuration(detail)? = error else { return XCTFail() }
        XCTAssertTrue(detail.contains("secret key"))
    }

    func testCRM2AsyncCandidatesAsTheSyncCall() async throws {
        _ = try people()
        let background = try await engine.duplicateCandidatesAsync(actor: "data.ops", threshold: nil, limit: 10)
        XCTAssertEqual(background, try engine.duplicateCandidates(actor: "data.ops", threshold: nil, limit: 10))
        do {
            _ = try await engine.duplicateCandidatesAsync(actor: "data.ops", threshold: 2.0, limit: 10)
            XCTFail("a threshold above 1 was accepted")
        } catch let BrandrailError.Validation(field, _) {
            XCTAssertEqual(field, "threshold")
        }
        do {
            _ = try await engine.duplicateCandidatesAsync(actor: "li.na", threshold: nil, limit: 10)
            XCTFail("candidates without crm.merge")
        } catch let BrandrailError.PermissionDenied(_, permission, _, _) {
            XCTAssertEqual(permission, "crm.merge")
        }
    }

    // MARK: core profile fields (CRM-6)

    func testCoreProfileFieldsAreSealedCleanedAndMasked() throws {
        let r = try engine.ingestCustomers(actor: "li.na", records: [
            rec("13900000011", profile: ["address": "  上海市浦东新区张江路１００号 ", "birth_date": "1990/3/7",
                                         "region": "上海"]),
            rec("13900000012", profile: ["birth_date": "19900307"]),
            rec("13900000013", profile: ["birth_date": "1990年3月7日"]),
            rec("13900000014", profile: ["birth_date": "1985-02-30"]),
            rec("13900000015", profile: ["address": "  "]),
            rec("13900000016", profile: ["birth_date": "yesterday'; DROP TABLE customer;--"]),
        ])
        XCTAssertEqual(r.created, 3)
        XCTAssertEqual(r.errors.map(\.row), [3, 4, 5])
        XCTAssertEqual(r.errors.map(\.field), ["profile.birth_date", "profile.address", "profile.birth_date"])
        XCTAssertEqual(r.errors.map(\.code), ["validation", "validation", "validation"])
        for e in r.errors {
            XCTAssertFalse(e.message.hasPrefix(e.field), "the message does not repeat the field")
            XCTAssertFalse(e.message.contains("DROP") || e.message.contains("1985"), e.message)
        }
        let ids = r.customerIds.compactMap { $0 }
        XCTAssertEqual(try engine.customer(actor: "data.ops", id: ids[0]).profile,
                       ["address": "上海市浦东新区张江路100号", "birth_date": "1990-03-07", "region": "上海"])
        XCTAssertEqual(try engine.customer(actor: "data.ops", id: ids[1]).profile, ["birth_date": "1990-03-07"])
        XCTAssertEqual(try engine.customer(actor: "data.ops", id: ids[2]).profile, ["birth_date": "1990-03-07"])
        let masked = try engine.customer(actor: "li.na", id: ids[0])
        XCTAssertTrue(masked.masked)
        XCTAssertEqual(masked.profile, ["address": "***", "birth_date": "***", "region": "***"])
        for name in ["birth_date", "address"] {
            try invalid("rule.field.name") {
                try engine.countCustomers(actor: "li.na",
                                          ruleJson: #"{"field": {"name": "\#(name)", "op": "exists"}}"#)
            }
        }
        XCTAssertFalse(try auditText().contains("1990-03-07"))
    }

    // MARK: CRM-9

    func testCRM9ACommonQuestionIsAnsweredAtOnceThroughTraditionalCharacters() throws {
        let t = try engine.openTicket(actor: "kf.one", ticket: newTicket(subject: "发货", body: "請問 什麼時候 發貨？"))
        XCTAssertEqual(t.id, 1)
        XCTAssertNil(t.customerId)
        XCTAssertEqual(t.category, .question)
        XCTAssertEqual(t.body, "請問 什麼時候 發貨？")
        XCTAssertEqual(t.state, .answered)
        XCTAssertEqual(t.autoAnswer, "shipping")
        XCTAssertEqual(t.department, .customerService)
        XCTAssertEqual(t.openedAt, start)
        XCTAssertEqual(t.firstResponseDue, start.addingTimeInterval(10 * Self.minute))
        XCTAssertEqual(t.firstResponseAt, start)
        XCTAssertEqual(t.withinSla, true)
        XCTAssertEqual(t.responses.map(\.by), ["auto:shipping"])
        XCTAssertTrue(t.responses[0].message.contains("48 小时内发货"))
        XCTAssertNil(t.satisfaction)
        XCTAssertEqual(try engine.ticket(actor: "kf.one", id: 1), t)

        let invoice = try engine.openTicket(actor: "kf.one", ticket: newTicket(subject: "发票", body: "怎么開發票？"))
        XCTAssertEqual(invoice.autoAnswer, "invoice")
        let plain = try engine.openTicket(actor: "kf.one", ticket: newTicket(subject: "尺码", body: "这件有 XL 吗"))
        XCTAssertEqual(plain.state, .open)
        XCTAssertNil(plain.autoAnswer)
        XCTAssertNil(plain.withinSla)
        XCTAssertEqual(plain.responses, [])
        let request = try engine.openTicket(actor: "kf.one",
                                            ticket: newTicket("wechat", .request, body: "什么时候发货？改一下地址"))
        XCTAssertNil(request.autoAnswer, "only questions are auto-answered")
        XCTAssertFalse(try auditText().contains("發貨"))
    }

    func testCRM9ComplaintsAreRoutedByWhatTheyMention() throws {
        let cases: [(String, Department)] = [
            ("快递三天没动", .sales),
            ("我的个人信息被泄露，还要退款", .legal),
            ("退款太慢", .finance),
            ("广告宣传虚假", .marketing),
            ("店员态度差", .customerService),
            ("快 遞 三天沒動", .sales),
        ]
        for (body, want) in cases {
            let t = try engine.openTicket(actor: "kf.one", ticket: newTicket("phone", .complaint, subject: "投诉",
                                                                            body: body))
            XCTAssertEqual(t.department, want, body)
        }
        let routed = try engine.routeTicket(actor: "kf.one", id: 5, department: .brand)
        XCTAssertEqual(routed.department, .brand)
        XCTAssertEqual(try audit("service.route").map(\.detail), ["department=brand"])
    }

    func testCRM9DeadlinesRatingsAndTheReportOnTheManualClock() throws {
        let t1 = try engine.openTicket(actor: "kf.one", ticket: newTicket(subject: "发货", body: "請問 什麼時候 發貨？"))
        let t2 = try engine.openTicket(actor: "kf.one", ticket: newTicket("phone", .complaint, subject: "投诉",
                                                                         body: "快递三天没动"))
        let t3 = try engine.openTicket(actor: "kf.one", ticket: newTicket("phone", .complaint, subject: "投诉",
                                                                         body: "我的个人信息被泄露"))
        let t4 = try engine.openTicket(actor: "kf.one", ticket: newTicket("app", .complaint, subject: "投诉",
                                                                         body: "店员态度差"))
        XCTAssertEqual(try engine.overdueTickets(actor: "kf.one"), [])

        _ = try engine.advanceClock(seconds: 5 * 60)
        let r2 = try engine.respondTicket(actor: "kf.one", id: t2.id, message: "已联系快递，今天送达")
        XCTAssertEqual(r2.state, .answered)
        XCTAssertEqual(r2.withinSla, true)
        XCTAssertEqual(r2.firstResponseAt, start.addingTimeInterval(5 * Self.minute))

        _ = try engine.advanceClock(seconds: 6 * 60)
        XCTAssertEqual(try engine.overdueTickets(actor: "kf.one").map(\.id), [t3.id, t4.id])
        let r3 = try engine.respondTicket(actor: "kf.one", id: t3.id, message: "已转法务部处理")
        XCTAssertEqual(r3.withinSla, false, "late")
        XCTAssertEqual(try engine.overdueTickets(actor: "kf.one").map(\.id), [t4.id])
        _ = try engine.routeTicket(actor: "kf.one", id: t4.id, department: .brand)

        try refused("conflict") { try engine.rateTicket(actor: "kf.one", id: t4.id, score: 5) }
        for score: UInt8 in [0, 6, 255] {
            try invalid("score") { try engine.rateTicket(actor: "kf.one", id: t1.id, score: score) }
        }
        XCTAssertEqual(try engine.rateTicket(actor: "kf.one", id: t1.id, score: 5).satisfaction, 5)
        try refused("conflict") { try engine.rateTicket(actor: "kf.one", id: t1.id, score: 4) }
        XCTAssertEqual(try engine.rateTicket(actor: "kf.one", id: t2.id, score: 4).satisfaction, 4)

        let done = try engine.resolveTicket(actor: "kf.one", id: t2.id)
        XCTAssertEqual(done.state, .resolved)
        XCTAssertEqual(done.resolvedAt, start.addingTimeInterval(11 * Self.minute))
        try refused("conflict") { try engine.resolveTicket(actor: "kf.one", id: t4.id) }
        try refused("conflict") { try engine.resolveTicket(actor: "kf.one", id: t2.id) }
        try refused("conflict") { try engine.respondTicket(actor: "kf.one", id: t2.id, message: "再补充一句") }
        try refused("conflict") { try engine.routeTicket(actor: "kf.one", id: t2.id, department: .legal) }

        let from = start.addingTimeInterval(-Self.day), to = start.addingTimeInterval(Self.day)
        let r = try engine.serviceReport(actor: "li.na", from: from, to: to)
        XCTAssertEqual(r.from, from)
        XCTAssertEqual([r.tickets, r.autoAnswered, r.responded, r.withinSla, r.overdue, r.complaints, r.rated],
                       [4, 1, 3, 2, 1, 3, 2])
        XCTAssertEqual(r.slaRate, 0.5, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(r.averageFirstResponseMinutes), 16.0 / 3.0, accuracy: 1e-9)
        XCTAssertEqual(r.complaintsByDepartment, [
            DepartmentCount(department: .brand, count: 1),
            DepartmentCount(department: .legal, count: 1),
            DepartmentCount(department: .sales, count: 1),
        ])
        XCTAssertEqual(try XCTUnwrap(r.satisfactionAverage), 4.5, accuracy: 1e-12)
        XCTAssertEqual(r.satisfactionTarget, 4.8)
        XCTAssertEqual(r.meetsTarget, false)

        let empty = try engine.serviceReport(actor: "li.na", from: to, to: to.addingTimeInterval(Self.day))
        XCTAssertEqual(empty.tickets, 0)
        XCTAssertEqual(empty.slaRate, 1.0)
        XCTAssertNil(empty.averageFirstResponseMinutes)
        XCTAssertNil(empty.meetsTarget)
        try invalid("to") { try engine.serviceReport(actor: "li.na", from: start, to: start) }
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testCRM9AKnownCustomersTicketJoinsTheirHistory() throws {
        let id = try XCTUnwrap(try engine.ingestCustomers(actor: "li.na", records: [rec("13900000031")])
            .customerIds.first ?? nil)
        let t = try engine.openTicket(actor: "kf.one", ticket: newTicket(body: "会员积分怎么用", customerId: id))
        XCTAssertEqual(t.customerId, id)
        let history = try engine.customerInteractions(actor: "data.ops", customerId: id)
        XCTAssertEqual(history.map(\.kind), [.serviceTicket])
        XCTAssertEqual(history.map(\.channel), ["wechat"])
        for bad: Int64 in [0, -1, 404, .max] {
            let error = try refused("not_found") {
                try engine.openTicket(actor: "kf.one", ticket: newTicket(customerId: bad))
            }
            XCTAssertEqual(entity(error), "customer")
        }
    }

    func testCRM9BadTicketsAndCallsAreTypedAndChangeNothing() throws {
        let good = try engine.openTicket(actor: "kf.one", ticket: newTicket("phone", .complaint, subject: "投诉",
                                                                           body: "快递三天没动"))
        for channel in ["", "x", "We Chat!", "WECHAT", "微信", "wechat\u{0}", "we\u{202E}chat",
                        String(repeating: "x", count: 65), "'; DROP TABLE ticket;--"] {
            try invalid("channel") { try engine.openTicket(actor: "kf.one", ticket: newTicket(channel)) }
        }
        for subject in ["", "   ", String(repeating: "长", count: 201), "Bad\u{0}Name", "Bidi\u{202E}Evil"] {
            try invalid("subject") { try engine.openTicket(actor: "kf.one", ticket: newTicket(subject: subject)) }
        }
        for body in ["", "   ", "a\u{0}b", "\u{1B}[31mred", String(repeating: "x", count: 64 * 1024 + 1)] {
            try invalid("body") { try engine.openTicket(actor: "kf.one", ticket: newTicket(body: body)) }
            try invalid("message") { try engine.respondTicket(actor: "kf.one", id: good.id, message: body) }
        }
        for id: Int64 in [0, -1, 404, .max, .min] {
            for body in [
                { _ = try self.engine.ticket(actor: "kf.one", id: id) },
                { _ = try self.engine.respondTicket(actor: "kf.one", id: id, message: "好的") },
                { _ = try self.engine.routeTicket(actor: "kf.one", id: id, department: .legal) },
                { _ = try self.engine.resolveTicket(actor: "kf.one", id: id) },
                { _ = try self.engine.rateTicket(actor: "kf.one", id: id, score: 5) },
            ] as [() throws -> Void] {
                let error = try refused("not_found", body)
                XCTAssertEqual(entity(error), "ticket")
            }
        }
        for actor in ["li.na", "pr.one", "hr.one"] {
            try denied("service.handle") { try engine.openTicket(actor: actor, ticket: newTicket()) }
            try denied("service.handle") { try engine.ticket(actor: actor, id: good.id) }
            try denied("service.handle") { try engine.respondTicket(actor: actor, id: good.id, message: "好的") }
            try denied("service.handle") { try engine.overdueTickets(actor: actor) }
        }
        try denied("service.handle", .unknownPrincipal) { try engine.openTicket(actor: "ghost", ticket: newTicket()) }
        try denied("crm.read") {
            try engine.serviceReport(actor: "hr.one", from: start, to: start.addingTimeInterval(Self.day))
        }
        _ = try engine.deactivatePrincipal(actor: "it.admin", handle: "kf.two")
        try denied("service.handle", .deactivated) { try engine.openTicket(actor: "kf.two", ticket: newTicket()) }
        XCTAssertEqual(try Self.tickets(engine).map(\.id), [good.id])

        let keyless = try Engine.inMemory(options: Self.options(nil))
        try Self.staff(keyless)
        assertRefused("configuration") { try keyless.openTicket(actor: "kf.one", ticket: newTicket()) }
        assertRefused("configuration") { try keyless.overdueTickets(actor: "kf.one") }
        XCTAssertEqual(try keyless.serviceReport(actor: "li.na", from: start,
                                                 to: start.addingTimeInterval(Self.day)).tickets, 0)
    }

    // MARK: CRM-10

    func testCRM10AlertsEscalationAndACrisisWithItsTemplate() throws {
        try brand()
        let r = try engine.recordMentions(actor: "pr.one", mentions: [
            mention("澜朵的面霜很好用", author: "路人甲"),
            mention("兰朵 差 评！！！", author: "路人乙"),
            mention("瀾朵退款太慢，要投訴", platform: "xiaohongshu", author: "小红"),
            mention("澜朵用了过敏烂脸，准备曝光维权", platform: "douyin", author: "博主", reach: 500),
            mention("某品牌差评如潮", platform: "zhihu"),
            mention("澜朵 投诉", platform: "tieba", url: "https://tieba.baidu.com/p/1", reach: 100_000),
        ])
        XCTAssertEqual(r.rows, 6)
        XCTAssertEqual(r.recorded, 6)
        XCTAssertEqual(r.errors, [])
        XCTAssertEqual(r.mentionIds, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(r.alerts.map(\.mentionId), [2, 3, 4, 6])
        XCTAssertEqual(r.alerts.map(\.severity), [.normal, .sensitive, .major, .major])
        XCTAssertEqual(r.alerts.map(\.escalated), [false, true, true, true])
        XCTAssertEqual(r.alerts.map(\.crisisId), [nil, nil, 1, 2])
        XCTAssertTrue(r.alerts[0].keywords.contains("兰朵") && r.alerts[0].keywords.contains("差评"))
        XCTAssertTrue(r.alerts.allSatisfy { $0.state == "open" && $0.raisedAt == start && $0.handledBy == nil })
        XCTAssertEqual(r.crisesOpened, [1, 2])
        XCTAssertEqual(try audit("opinion.alert").filter { $0.detail.contains("escalated_to=supervisor") }.count, 3)
        XCTAssertFalse(try auditText().contains("烂脸"))

        XCTAssertEqual(try engine.escalatedAlerts(actor: "boss").map(\.id), [4, 3, 2])
        try denied("supervision.record") { try engine.escalatedAlerts(actor: "pr.one") }

        let crises = try engine.crises(actor: "pr.one", overdueOnly: false)
        XCTAssertEqual(crises.map(\.id), [2, 1])
        let quality = crises[1]
        XCTAssertEqual(quality.kind, "product_quality")
        XCTAssertEqual(quality.leadDepartment, .marketing)
        XCTAssertEqual(quality.reviewDepartment, .legal)
        XCTAssertTrue(quality.template.hasPrefix("我们已关注到您反映的产品问题"))
        XCTAssertEqual(quality.openedBy, "auto")
        XCTAssertEqual(quality.firstResponseDue.timeIntervalSince(quality.openedAt), 2 * Self.hour)
        XCTAssertNil(quality.withinDeadline)
        XCTAssertEqual(quality.alertIds, [3])
        XCTAssertEqual(crises[0].kind, "general")

        let error = try refused("policy_violation") {
            try engine.respondCrisis(actor: "pr.one", id: 1, statement: Self.banned)
        }
        guard case let .PolicyViolation(rule, _)? = error else { return XCTFail() }
        XCTAssertEqual(rule, "CON-3")
        let answered = try engine.respondCrisis(actor: "pr.one", id: 1, statement: quality.template)
        XCTAssertEqual(answered.withinDeadline, true)
        XCTAssertEqual(answered.statement, quality.template)

        let hand = try engine.openCrisis(actor: "pr.one", alertIds: [2], summary: "退款投诉集中")
        XCTAssertEqual(hand.id, 3)
        XCTAssertEqual(hand.kind, "general")
        XCTAssertEqual(hand.openedBy, "pr.one")
        XCTAssertEqual(hand.alertIds, [2])
        let again = try refused("conflict") {
            try engine.openCrisis(actor: "pr.one", alertIds: [2], summary: "again")
        }
        XCTAssertEqual(entity(again), "alert")

        _ = try engine.advanceClock(seconds: 3 * 3600)
        XCTAssertEqual(try engine.crises(actor: "pr.one", overdueOnly: true).map(\.id), [3, 2])
        let late = try engine.respondCrisis(actor: "pr.one", id: 3, statement: "感谢反馈，我们正在核实。")
        XCTAssertEqual(late.withinDeadline, false)
        try refused("conflict") { try engine.closeCrisis(actor: "pr.one", id: 2) }
        XCTAssertNotNil(try engine.closeCrisis(actor: "pr.one", id: 3).closedAt)
        try refused("conflict") { try engine.closeCrisis(actor: "pr.one", id: 3) }
        try refused("conflict") { try engine.respondCrisis(actor: "pr.one", id: 3, statement: "再说明一次。") }

        let handled = try engine.handleAlert(actor: "pr.one", id: 1)
        XCTAssertEqual(handled.state, "handled")
        XCTAssertEqual(handled.handledBy, "pr.one")
        try refused("conflict") { try engine.handleAlert(actor: "pr.one", id: 1) }
        XCTAssertEqual(try engine.opinionAlerts(actor: "pr.one", openOnly: true).map(\.id), [4, 3, 2])
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testCRM10BadRowsAreReportedWhileGoodRowsLand() throws {
        try brand()
        let r = try engine.recordMentions(actor: "pr.one", mentions: [
            mention("澜朵 差评"),
            mention("x", platform: "Wei Bo"),
            mention("x", platform: "微博"),
            mention("x", author: ""),
            mention(""),
            mention("澜朵\u{0}差评"),
            mention("x", at: start.addingTimeInterval(2 * Self.day)),
            mention("x", url: "javascript:alert(1)"),
            mention("x", url: "https://a b.com"),
            mention("x", reach: UInt64(Int64.max) + 1),
            mention("澜朵 投诉", at: start.addingTimeInterval(23 * Self.hour), url: "http://bbs.example.com/t/1"),
        ])
        XCTAssertEqual(r.rows, 11)
        XCTAssertEqual(r.recorded, 2)
        XCTAssertEqual(r.errors.map(\.row), [1, 2, 3, 4, 5, 6, 7, 8, 9])
        XCTAssertEqual(r.errors.map(\.field),
                       ["platform", "platform", "author", "text", "text", "at", "url", "url", "reach"])
        XCTAssertTrue(r.errors.allSatisfy { $0.code == "validation" && !$0.message.contains("javascript") })
        XCTAssertFalse(r.errors.contains { $0.message.contains("Wei Bo") || $0.message.contains("微博") },
                       "a platform is not repeated")
        XCTAssertEqual(r.mentionIds, [1, nil, nil, nil, nil, nil, nil, nil, nil, nil, 2])
        XCTAssertEqual(r.alerts.map(\.severity), [.normal, .normal])
    }

    func testCRM10BadCallsAreTypedAndChangeNothing() throws {
        try brand()
        let r = try engine.recordMentions(actor: "pr.one", mentions: [mention("兰朵 差评"), mention("澜朵 退款")])
        let alert = r.alerts[0].id, other = r.alerts[1].id
        let crisis = try engine.openCrisis(actor: "pr.one", alertIds: [alert], summary: "差评")
        for actor in ["li.na", "hr.one", "boss"] {
            try denied("opinion.handle") { try engine.recordMentions(actor: actor, mentions: [mention("澜朵 差评")]) }
            try denied("opinion.handle") { try engine.opinionAlerts(actor: actor, openOnly: false) }
            try denied("opinion.handle") { try engine.handleAlert(actor: actor, id: alert) }
            try denied("opinion.handle") { try engine.openCrisis(actor: actor, alertIds: [other], summary: "s") }
            try denied("opinion.handle") { try engine.respondCrisis(actor: actor, id: crisis.id, statement: "感谢反馈。") }
            try denied("opinion.handle") { try engine.closeCrisis(actor: actor, id: crisis.id) }
            try denied("opinion.handle") { try engine.crises(actor: actor, overdueOnly: false) }
        }
        for id: Int64 in [0, -1, 404, .max, .min] {
            let unhandled = try refused("not_found") { try engine.handleAlert(actor: "pr.one", id: id) }
            XCTAssertEqual(entity(unhandled), "alert")
            let unopened = try refused("not_found") {
                try engine.openCrisis(actor: "pr.one", alertIds: [id], summary: "s")
            }
            XCTAssertEqual(entity(unopened), "alert")
            let unanswered = try refused("not_found") {
                try engine.respondCrisis(actor: "pr.one", id: id, statement: "感谢反馈。")
            }
            XCTAssertEqual(entity(unanswered), "crisis")
            let unclosed = try refused("not_found") { try engine.closeCrisis(actor: "pr.one", id: id) }
            XCTAssertEqual(entity(unclosed), "crisis")
        }
        try invalid("alert_ids") { try engine.openCrisis(actor: "pr.one", alertIds: [], summary: "s") }
        try invalid("alert_ids") {
            try engine.openCrisis(actor: "pr.one", alertIds: Array(repeating: other, count: 1001), summary: "s")
        }
        for summary in ["", "   ", String(repeating: "长", count: 201), "Bad\u{0}Name", "Bidi\u{202E}Evil"] {
            try invalid("summary") { try engine.openCrisis(actor: "pr.one", alertIds: [other], summary: summary) }
        }
        for statement in ["", "   ", "a\u{0}b"] {
            try invalid("statement") { try engine.respondCrisis(actor: "pr.one", id: crisis.id, statement: statement) }
        }
        let over = Array(repeating: mention("x"), count: Int(maxMentions()) + 1)
        try invalid("mentions") { try engine.recordMentions(actor: "pr.one", mentions: over) }
        XCTAssertEqual(maxMentions(), 100_000)

        let keyless = try Engine.inMemory(options: Self.options(nil))
        try Self.staff(keyless)
        assertRefused("configuration") { try keyless.recordMentions(actor: "pr.one", mentions: [mention("澜朵 差评")]) }
        XCTAssertEqual(try keyless.crises(actor: "pr.one", overdueOnly: false), [])
    }

    func testCRM10AsyncRecordsAsTheSyncCall() async throws {
        try brand()
        var rows = (0..<200).map { mention("澜朵 差评 \($0)", author: "u\($0)") }
        rows += [mention("澜朵 曝光", platform: "douyin"), mention("x", platform: "Bad!")]
        let twin = try Engine.inMemory(options: Self.options())
        try Self.staff(twin)
        _ = try twin.replacePolicy(actor: "zhao.min", policy: try twin.policy().overlayToml(text: Self.brands))
        let want = try twin.recordMentions(actor: "pr.one", mentions: rows)
        let got = try await engine.recordMentionsAsync(actor: "pr.one", mentions: rows)
        XCTAssertEqual(got, want)
        XCTAssertEqual(got.recorded, 201)
        XCTAssertEqual(got.crisesOpened, [1])
        XCTAssertEqual(got.errors.map(\.field), ["platform"])
        do {
            _ = try await engine.recordMentionsAsync(actor: "li.na", mentions: rows)
            XCTFail("mentions without opinion.handle")
        } catch let BrandrailError.PermissionDenied(_, permission, _, _) {
            XCTAssertEqual(permission, "opinion.handle")
        }
    }

    // MARK: enums

    func testTicketAndAlertEnumsKeepTheCoresNames() throws {
        XCTAssertEqual(TicketCategory.allCases.map { $0.asStr() }, ["question", "complaint", "request"])
        XCTAssertEqual(TicketState.allCases.map { $0.asStr() }, ["open", "answered", "resolved"])
        XCTAssertEqual(AlertSeverity.allCases.map { $0.asStr() }, ["normal", "sensitive", "major"])
        for c in TicketCategory.allCases { XCTAssertEqual(try parseTicketCategory(name: c.asStr()), c) }
        for s in TicketState.allCases { XCTAssertEqual(try parseTicketState(name: s.asStr()), s) }
        for s in AlertSeverity.allCases { XCTAssertEqual(try parseAlertSeverity(name: s.asStr()), s) }
        assertRefused("validation") { try parseTicketCategory(name: "Question") }
        assertRefused("validation") { try parseTicketState(name: "closed") }
        assertRefused("validation") { try parseAlertSeverity(name: "critical") }
        XCTAssertEqual(try parsePermission(name: "service.handle"), .serviceHandle)
        XCTAssertEqual(try parsePermission(name: "opinion.handle"), .opinionHandle)
    }
}
