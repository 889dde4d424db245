// Customers (CRM-1..CRM-3, CRM-5..CRM-8) from Swift: batches cleaned and
// deduplicated on exact identities and merged, and a merge undone; bad rows
// reported in the `IngestReport` (never thrown) while the good rows land;
// refused profile fields let in, sealed, under a declared purpose (CRM-5);
// masked reads without `crm.read_sensitive`; no plaintext personal data in the
// database file; consent gating sends; the export document and erasure with
// the audit chain still valid; interactions with per-row errors, masked
// history, purchase summaries (decimal strings) and click-path funnels.
// Bad calls throw their typed error case and change nothing.
// Mirrors bindings-swift/tests/test_crm_uniffi.py (and core/tests/crm.rs).
//
// A row of the wrong type (a dictionary for a `CustomerRecord`, a string for
// an `IdentityKind`) does not compile, so the Python suite's wrong-type cases
// have no counterpart here.
//
// Runs on a manual clock, so every time the engine stamps is known.

import Brandrail
import Foundation
import XCTest

final class CRMTests: XCTestCase {
    static let start = at("2026-11-02T02:00:00Z")

    var engine: Engine!
    var start: Date { Self.start }

    static func options(_ key: Data? = secretKey) -> EngineOptions {
        EngineOptions(secretKey: key, clockStart: start)
    }

    /// it.admin (IT), li.na (marketing), qian.yu (sales), hr.one (HR),
    /// zhao.min (executive + supervisor), data.ops (IT, data_steward only).
    static func staff(_ engine: Engine) throws {
        _ = try engine.bootstrap(firstAdmin: person("it.admin", .it, "IT"))
        _ = try engine.createPrincipals(actor: "it.admin", inputs: [
            person("li.na", .marketing, "李娜"),
            person("qian.yu", .sales),
            person("hr.one", .hr),
            person("zhao.min", .executive, "赵敏", roles: ["executive", "supervisor"]),
            person("data.ops", .it, "Data", roles: ["data_steward"]),
        ])
    }

    override func setUpWithError() throws {
        engine = try Engine.inMemory(options: Self.options())
        try Self.staff(engine)
    }

    // MARK: helpers

    func rec(_ ids: [(IdentityKind, String)], name: String? = nil,
             profile: [String: String] = [:], purpose: String? = nil) -> CustomerRecord {
        CustomerRecord(identities: ids.map { Identity(kind: $0.0, value: $0.1) },
                       name: name, profile: profile, purpose: purpose)
    }

    /// Ingest one good record; its customer id.
    func one(_ actor: String, _ record: CustomerRecord, on engine: Engine? = nil,
             file: StaticString = #filePath, line: UInt = #line) throws -> Int64 {
        let target: Engine = engine ?? self.engine!
        let report = try target.ingestCustomers(actor: actor, records: [record])
        XCTAssertEqual(report.errors, [], file: file, line: line)
        return try XCTUnwrap(report.customerIds.first ?? nil, file: file, line: line)
    }

    func consent(_ channel: String = "sms", _ purpose: String = "marketing", granted: Bool = true,
                 evidence: String = "会员注册页勾选 v3") -> ConsentChange {
        ConsentChange(channel: channel, purpose: purpose, granted: granted, evidence: evidence)
    }

    /// Customers 1…7 as li.na reads them (masked reads are not audited), with
    /// their consents, and the count: what a refused call must leave as it was
    /// besides `Snapshot`.
    struct Customers: Equatable {
        let count: UInt64
        let customers: [Customer?]
        let consents: [[Consent]?]

        init(_ engine: Engine) throws {
            let ids: [Int64] = Array(1...7)
            count = try engine.customerCount()
            customers = ids.map { try? engine.customer(actor: "li.na", id: $0) }
            consents = ids.map { try? engine.consents(actor: "li.na", customerId: $0) }
        }
    }

    /// `assertRefusedUnchanged`, and the customers and consents unchanged too.
    @discardableResult
    func refused<T>(
        _ code: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
    ) throws -> BrandrailError? {
        let before = try Customers(engine)
        let error = try assertRefusedUnchanged(engine, code, file: file, line: line, body)
        XCTAssertEqual(try Customers(engine), before, "customers changed", file: file, line: line)
        return error
    }

    /// `refused("permission_denied")` with `reason`; returns the permission.
    @discardableResult
    func denied<T>(
        _ reason: DenialReason, file: StaticString = #filePath, line: UInt = #line,
        _ body: () throws -> T
    ) throws -> String? {
        let error = try refused("permission_denied", file: file, line: line, body)
        guard case let .PermissionDenied(_, permission, got, _)? = error else { return nil }
        XCTAssertEqual(got, reason, file: file, line: line)
        return permission
    }

    func field(_ error: BrandrailError?) -> String? {
        if case let .Validation(field, _)? = error { return field }
        return nil
    }

    /// The core's message (`BrandrailError.description`).
    func detail(_ error: BrandrailError?) -> String {
        error.map { "\($0)" } ?? ""
    }

    func auditDetails(_ engine: Engine) throws -> String {
        try engine.auditQuery(actor: "zhao.min", query: AuditQuery())
            .map { "\($0.action) \($0.entityId) \($0.detail)" }
            .joined(separator: "\n")
    }

    /// Every file of `dir` (the database, its WAL and shared memory), concatenated.
    func fileBytes(_ dir: URL) throws -> Data {
        var all = Data()
        for url in try FileManager.default.contentsOfDirectory(at: dir, includingPropertiesForKeys: nil) {
            all.append(try Data(contentsOf: url))
        }
        return all
    }

    func contains(_ data: Data, _ needle: String) -> Bool {
        data.range(of: Data(needle.utf8)) != nil
    }

    // MARK: CRM-1, CRM-2

    func testCRM1CRM2FormatsAreCleanedAndExactIdentitiesDedupe() throws {
        let report = try engine.ingestCustomers(actor: "li.na", records: [
            rec([(.phone, "138 0013 8000")], name: "李娜", profile: ["region": "上海"]),
            rec([(.phone, "+86 138-0013-8000"), (.email, " Li.Na@Example.com ")]),
            rec([(.email, "li.na@example.com")]),
            rec([(.phone, "１３９００１３９０００")]),
        ])
        XCTAssertEqual([report.rows, report.created, report.updated, report.merged], [4, 2, 2, 0])
        XCTAssertEqual(report.errors, [])
        let first = try XCTUnwrap(report.customerIds[0])
        let other = try XCTUnwrap(report.customerIds[3])
        XCTAssertEqual(report.customerIds, [first, first, first, other])
        XCTAssertEqual(try engine.customerCount(), 2)

        // Sales joins a member card to the second customer's phone and the
        // first customer's e-mail: the two are merged.
        let r = try engine.ingestCustomers(actor: "qian.yu", records: [
            rec([(.memberId, "vip-001"), (.phone, "13900139000"), (.email, "LI.NA@example.com")]),
        ])
        XCTAssertEqual([r.created, r.updated, r.merged], [0, 1, 1])
        XCTAssertEqual(r.customerIds, [first])
        XCTAssertEqual(try engine.customerCount(), 1)

        let c = try engine.customer(actor: "data.ops", id: other)
        XCTAssertEqual(c.id, first, "a merged id reads as its survivor")
        XCTAssertEqual(c.mergedIds, [other])
        XCTAssertFalse(c.masked)
        // Ordered by kind; two of a kind added at one instant in either order.
        XCTAssertEqual(c.identities.map(\.kind), [.email, .memberId, .phone, .phone])
        XCTAssertEqual(Set(c.identities.map(\.value)),
                       ["li.na@example.com", "VIP001", "13800138000", "13900139000"])
        XCTAssertEqual(c.name, "李娜")
        XCTAssertEqual(c.profile, ["region": "上海"])
        XCTAssertEqual(c.createdAt, start)

        let lookups: [(IdentityKind, String)] = [
            (.phone, "+8613900139000"), (.email, "li.na@EXAMPLE.com"),
            (.memberId, "VIP 001"), (.memberId, "ｖｉｐ-００１"),
        ]
        for (kind, value) in lookups {
            XCTAssertEqual(try engine.findCustomer(actor: "li.na", kind: kind, value: value), first, value)
        }
        XCTAssertNil(try engine.findCustomer(actor: "li.na", kind: .phone, value: "13700137000"))

        // The merge is audited, without personal values.
        let merges = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: "crm.merge"))
        XCTAssertEqual(merges.map(\.entityId), [String(other)])
        XCTAssertFalse(merges[0].detail.contains("139"))
        let ingests = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: "crm.ingest"))
        XCTAssertEqual(ingests.map(\.detail), [
            "rows=4 created=2 updated=2 merged=0 refused=0 purposes=0",
            "rows=1 created=0 updated=1 merged=1 refused=0 purposes=0",
        ])
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testCRM2AMergeCanBeUndone() throws {
        let r = try engine.ingestCustomers(actor: "li.na", records: [
            rec([(.phone, "13800138000")]), rec([(.email, "li.na@example.com")]),
        ])
        let a = try XCTUnwrap(r.customerIds[0])
        let b = try XCTUnwrap(r.customerIds[1])
        // A record joining both merges b into a, and brings a card.
        _ = try engine.ingestCustomers(actor: "qian.yu", records: [
            rec([(.phone, "13800138000"), (.email, "li.na@example.com"), (.posCard, "6222 0202")]),
        ])
        XCTAssertEqual(try engine.customerCount(), 1)
        let permission = try denied(.missingPermission) { try engine.undoMerge(actor: "li.na", mergedId: b) }
        XCTAssertEqual(permission, "crm.merge")

        let u = try engine.undoMerge(actor: "data.ops", mergedId: b)
        XCTAssertEqual(u, MergeUndone(customerId: b, survivorId: a, identitiesRestored: 1))
        XCTAssertEqual(try engine.customerCount(), 2)
        XCTAssertEqual(try engine.findCustomer(actor: "li.na", kind: .email, value: "li.na@example.com"), b)
        XCTAssertEqual(try engine.findCustomer(actor: "li.na", kind: .phone, value: "13800138000"), a)
        XCTAssertEqual(try engine.findCustomer(actor: "li.na", kind: .posCard, value: "62220202"), a,
                       "what the survivor gained stays with it")
        XCTAssertEqual(try engine.customer(actor: "data.ops", id: a).mergedIds, [])
        XCTAssertEqual(try engine.customer(actor: "data.ops", id: b).id, b)

        // Not merged (any more), unknown, erased.
        for id in [b, a] {
            let error = try refused("conflict") { try engine.undoMerge(actor: "data.ops", mergedId: id) }
            guard case let .Conflict(entity, _)? = error else { return XCTFail() }
            XCTAssertEqual(entity, "customer")
        }
        try refused("not_found") { try engine.undoMerge(actor: "data.ops", mergedId: 404) }
        _ = try engine.eraseCustomer(actor: "data.ops", customerId: b, reason: "申请注销")
        try refused("not_found") { try engine.undoMerge(actor: "data.ops", mergedId: b) }

        let undo = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: "crm.unmerge"))
        XCTAssertEqual(undo.filter { $0.outcome == .applied }.map(\.detail),
                       ["from=\(a) identities_restored=1"])
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testARecordDefaultsToNoNameAndNoProfile() throws {
        let r = CustomerRecord(identities: [Identity(kind: .phone, value: "13800138000")])
        XCTAssertNil(r.name)
        XCTAssertEqual(r.profile, [:])
        XCTAssertNil(r.purpose)
        let id = try one("li.na", r)
        _ = try engine.advanceClock(seconds: 60)
        let again = try engine.ingestCustomers(actor: "qian.yu", records: [
            rec([(.phone, "+86 138 0013 8000")], name: "李娜", profile: ["age_band": "25-34"]),
        ])
        XCTAssertEqual(again.customerIds, [id])
        let c = try engine.customer(actor: "data.ops", id: id)
        XCTAssertEqual(c.name, "李娜")
        XCTAssertEqual(c.profile, ["age_band": "25-34"])
        XCTAssertEqual(c.createdAt, start)
        XCTAssertGreaterThan(c.updatedAt, start)
    }

    func testAsyncIngestReportsAsTheSyncCallDoes() async throws {
        var rows = (0..<300).map { rec([(.phone, String(format: "1380013%04d", $0))]) }
        rows.append(rec([(.phone, "12345")]))
        let twin = try Engine.inMemory(options: Self.options())
        try Self.staff(twin)
        let want = try twin.ingestCustomers(actor: "li.na", records: rows)
        let got = try await engine.ingestCustomersAsync(actor: "li.na", records: rows)
        XCTAssertEqual(got, want)
        XCTAssertEqual([got.rows, got.created], [301, 300])
        XCTAssertEqual(got.errors.map(\.field), ["identities[0].phone"])
        do {
            _ = try await engine.ingestCustomersAsync(actor: "hr.one", records: rows)
            XCTFail("hr.one may not ingest")
        } catch BrandrailError.PermissionDenied(_, let permission, let reason, _) {
            XCTAssertEqual(permission, "crm.ingest")
            XCTAssertEqual(reason, .missingPermission)
        }
    }

    func testConcurrentAsyncIngestsAllLand() async throws {
        let engine = self.engine!
        let phones = (0..<200).map { rec([(.phone, String(format: "1370013%04d", $0))]) }
        let emails = (0..<200).map { rec([(.email, "c\($0)@example.com")]) }
        async let a = engine.ingestCustomersAsync(actor: "li.na", records: phones)
        async let b = engine.ingestCustomersAsync(actor: "qian.yu", records: emails)
        let (x, y) = try await (a, b)
        XCTAssertEqual([x.created, y.created], [200, 200])
        XCTAssertEqual(try engine.customerCount(), 400)
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    // MARK: CRM-1, CRM-5

    func testCRM1CRM5BadRowsAreReportedAndChangeNothingGoodRowsLand() throws {
        let log = try engine.auditLen()
        let r = try engine.ingestCustomers(actor: "li.na", records: [
            rec([(.phone, "13800138000")]),
            rec([(.phone, "12345")]),
            rec([(.email, "a@b.cn")], profile: ["national_id": "11010519491231002X"]),
            rec([(.email, "c@d.cn")], profile: ["favourite_colour": "red"]),
            rec([]),
            rec([(.email, "e@f.cn")], name: "x\u{202E}y"),
            rec([(.memberId, "1'; DROP TABLE customer;--")]),
            rec([(.email, "g@h.cn")], profile: ["region": String(repeating: "长", count: 501)]),
            rec([(.wechatOpenid, "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")]),
        ])
        XCTAssertEqual(try engine.auditLen(), log + 1, "one ingest record, whatever the rows")
        XCTAssertEqual(r.created, 2)
        XCTAssertEqual(r.purposesDeclared, 0)
        XCTAssertEqual(r.errors.map(\.row), [1, 2, 3, 4, 5, 6, 7])
        XCTAssertEqual(r.errors.map(\.field), [
            "identities[0].phone", "profile.national_id", "profile.favourite_colour", "identities",
            "name", "identities[0].member_id", "profile.region",
        ])
        XCTAssertEqual(r.errors.map(\.code), [
            "validation", "policy_violation", "validation", "validation", "validation",
            "validation", "validation",
        ])
        XCTAssertTrue(r.errors[1].message.contains("CRM-5"))
        for e in r.errors {
            XCTAssertFalse(e.message.contains("1101051949") || e.message.contains("DROP"), e.message)
        }
        XCTAssertEqual(r.customerIds.map { $0 != nil }, [true] + Array(repeating: false, count: 7) + [true])
        XCTAssertEqual(try engine.customerCount(), 2)
        XCTAssertNil(try engine.findCustomer(actor: "li.na", kind: .email, value: "a@b.cn"),
                     "a refused row left nothing")
    }

    func testHostileNamesAreRowErrorsNotEchoed() throws {
        let names = ["", "   ", String(repeating: "长", count: 201), "Bad\u{0}Name", "Two\nLines",
                     "Zero\u{200B}Width", "Bidi\u{202E}Evil", " Leading", "Trailing "]
        let r = try engine.ingestCustomers(actor: "li.na", records: names.map {
            rec([(.email, "named@example.com")], name: $0)
        })
        XCTAssertEqual(r.created, 0)
        XCTAssertEqual(r.errors.map(\.field), Array(repeating: "name", count: names.count))
        for (e, name) in zip(r.errors, names) where !name.trimmingCharacters(in: .whitespaces).isEmpty {
            XCTAssertFalse(e.message.contains(name), e.message)
        }
        XCTAssertNil(try engine.findCustomer(actor: "li.na", kind: .email, value: "named@example.com"))
    }

    // MARK: CRM-5 declared purposes (after `crm5_*` in core/tests/crm.rs)

    static let crossBorder = "cross_border_real_name"
    static let idNumber = "11010519491231002X"
    static let notAPurpose =
        "not a declared purpose of the policy (crm.declared_purposes: cross_border_real_name)"

    /// A record giving the refused national ID, under `purpose` if any.
    func withID(_ phone: String, _ purpose: String? = nil,
                profile: [String: String] = [:]) -> CustomerRecord {
        rec([(.phone, phone)], profile: profile.merging(["national_id": Self.idNumber]) { a, _ in a },
            purpose: purpose)
    }

    /// The `purposes` of customer `id`'s export (an audited read).
    func purposes(_ id: Int64, on engine: Engine? = nil) throws -> [[String: Any]] {
        let target: Engine = engine ?? self.engine!
        let text = try target.exportCustomer(actor: "data.ops", customerId: id)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        return try XCTUnwrap(doc["purposes"] as? [[String: Any]])
    }

    func testCRM5ADeclaredPurposeLetsARefusedFieldInSealedAndRecorded() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("crm.sqlite").path
        do {
            let e = try Engine.open(path: path, options: Self.options())
            try Self.staff(e)
            let r = try e.ingestCustomers(actor: "li.na", records: [
                withID("13800138009"),
                withID("13800138009", "no_such_purpose"),
                withID("13800138009", "'; DROP TABLE customer; --"),
                withID("13800138009", Self.crossBorder, profile: ["region": "上海"]),
            ])
            XCTAssertEqual(r.errors.map(\.row), [0, 1, 2])
            XCTAssertEqual(r.errors.map(\.field), ["profile.national_id", "purpose", "purpose"])
            XCTAssertEqual(r.errors.map(\.code), ["policy_violation", "validation", "validation"])
            XCTAssertEqual([r.rows, r.created, r.purposesDeclared], [4, 1, 1])
            XCTAssertEqual(Array(r.customerIds.prefix(3)), [nil, nil, nil])
            let id = try XCTUnwrap(r.customerIds[3])
            for x in r.errors {
                XCTAssertFalse(x.message.contains(Self.idNumber) || x.message.contains("DROP TABLE"), x.message)
            }
            XCTAssertTrue(r.errors[0].message.contains("CRM-5"))

            // Sealed like every core field: masked for marketing, clear for the
            // data steward (that read audited), never in clear in the files.
            let masked = try e.customer(actor: "li.na", id: id)
            XCTAssertTrue(masked.masked)
            XCTAssertEqual(masked.profile, ["national_id": "***", "region": "***"])
            let log = try e.auditLen()
            let clear = try e.customer(actor: "data.ops", id: id)
            XCTAssertFalse(clear.masked)
            XCTAssertEqual(clear.profile, ["national_id": Self.idNumber, "region": "上海"])
            XCTAssertEqual(try e.auditLen(), log + 1)
            let whileOpen = try fileBytes(dir)
            XCTAssertFalse(contains(whileOpen, Self.idNumber))

            // The purpose travels with the customer: in the export (the field
            // in clear), counted in the audit record, never the value there.
            let text = try e.exportCustomer(actor: "data.ops", customerId: id)
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            XCTAssertEqual((doc["profile"] as? [String: String])?["national_id"], Self.idNumber)
            let declared = try XCTUnwrap(doc["purposes"] as? [[String: Any]])
            XCTAssertEqual(declared.count, 1)
            XCTAssertEqual(declared[0]["purpose"] as? String, Self.crossBorder)
            XCTAssertEqual(declared[0]["fields"] as? [String], ["national_id"])
            XCTAssertEqual(declared[0]["declared_by"] as? String, "li.na")
            XCTAssertTrue((declared[0]["declared_at"] as? String ?? "").hasPrefix("2026-11-02T02:00:00"))
            let ingest = try e.auditQuery(actor: "zhao.min", query: AuditQuery(action: "crm.ingest"))
            XCTAssertEqual(ingest.last?.detail, "rows=4 created=1 updated=0 merged=0 refused=3 purposes=1")
            XCTAssertFalse(try auditDetails(e).contains(Self.idNumber))

            // Erased with the customer: the purpose goes too.
            let erasure = try e.eraseCustomer(actor: "data.ops", customerId: id, reason: "用户申请注销")
            XCTAssertEqual(erasure.customerIds, [id])
            XCTAssertGreaterThanOrEqual(erasure.rowsRemoved, 3)
            assertRefused("not_found") { try e.exportCustomer(actor: "data.ops", customerId: id) }
            XCTAssertTrue(try e.verifyAudit().ok)
        }
        let closed = try fileBytes(dir)
        XCTAssertFalse(contains(closed, Self.idNumber))
    }

    func testCRM5PurposesOfMergedCustomersAreExportedAndErasedWithTheSurvivor() throws {
        let a = try one("li.na", rec([(.phone, "13800138000")], profile: ["national_id": Self.idNumber],
                                     purpose: Self.crossBorder))
        _ = try engine.advanceClock(seconds: 60)
        let b = try one("qian.yu", rec([(.email, "li.na@example.com")],
                                       profile: ["national_id": Self.idNumber], purpose: Self.crossBorder))
        // A purpose without a refused field is declared (and counted) all the same.
        _ = try engine.advanceClock(seconds: 60)
        let joined = try engine.ingestCustomers(actor: "qian.yu", records: [
            rec([(.phone, "13800138000"), (.email, "li.na@example.com")], purpose: Self.crossBorder),
        ])
        XCTAssertEqual([joined.merged, joined.purposesDeclared], [1, 1])
        XCTAssertEqual(joined.customerIds, [a])
        let declared = try purposes(b)
        XCTAssertEqual(declared.map { $0["declared_by"] as? String }, ["li.na", "qian.yu", "qian.yu"],
                       "the survivor's purposes, then the merged customer's")
        XCTAssertEqual(declared.map { $0["fields"] as? [String] }, [["national_id"], [], ["national_id"]])
        let erasure = try engine.eraseCustomer(actor: "data.ops", customerId: a, reason: "request")
        XCTAssertEqual(erasure.customerIds, [a, b])
        let again = try one("li.na", rec([(.phone, "13800138000")]))
        XCTAssertEqual(try purposes(again).count, 0, "nothing of the erased purposes is left")
    }

    func testCRM5WithoutAnAllowingPurposeARefusedFieldStaysRefused() throws {
        _ = try one("li.na", rec([(.email, "known@example.com")]))
        // A second purpose that allows nothing, installed with the default one.
        let survey = "loyalty_survey"
        _ = try engine.replacePolicy(actor: "zhao.min", policy: try engine.policy().overlayToml(
            text: "[crm.declared_purposes.\(survey)]\ndescription = \"会员满意度回访\"\nallows = []\n"))
        let before = try Customers(engine)
        let log = try engine.auditLen()
        let r = try engine.ingestCustomers(actor: "li.na", records: [
            withID("13800138001"),
            withID("13800138002", survey),
            rec([(.phone, "13800138003")], profile: ["national_id": ""], purpose: survey),
            // A record that joins a known customer changes nothing either.
            rec([(.email, "known@example.com"), (.phone, "13800138004")],
                profile: ["national_id": Self.idNumber]),
        ])
        XCTAssertEqual(r.errors.map(\.row), [0, 1, 2, 3])
        XCTAssertEqual(Set(r.errors.map(\.field)), ["profile.national_id"])
        XCTAssertEqual(Set(r.errors.map(\.code)), ["policy_violation"])
        XCTAssertTrue(r.errors[0].message.contains("no declared purpose allows it"))
        XCTAssertTrue(r.errors[1].message.contains("the declared purpose \(survey) does not allow it"))
        for x in r.errors {
            XCTAssertTrue(x.message.hasPrefix("CRM-5"), x.message)
            XCTAssertFalse(x.message.contains(Self.idNumber), x.message)
        }
        XCTAssertEqual([r.created, r.updated, r.merged, r.purposesDeclared], [0, 0, 0, 0])
        XCTAssertEqual(r.customerIds, [nil, nil, nil, nil])
        // Nothing changed: no customer, identity, purpose or profile field.
        XCTAssertEqual(try Customers(engine), before)
        for n in 1...4 {
            XCTAssertNil(try engine.findCustomer(actor: "li.na", kind: .phone, value: "1380013800\(n)"))
        }
        XCTAssertEqual(try engine.auditLen(), log + 1, "the ingest record only")
        let ingest = try engine.auditQuery(actor: "zhao.min", query: AuditQuery(action: "crm.ingest"))
        XCTAssertTrue(ingest.last?.detail.hasSuffix("refused=4 purposes=0") ?? false)
        XCTAssertEqual(try purposes(1).count, 0)
    }

    func testCRM5APolicyPurposeMayAllowOnlyRefusedCoreFields() throws {
        let policy = try engine.policy()
        for allows in [#"["region"]"#, #"["national_id", "habits"]"#, #"["no_such_field"]"#] {
            let error = try refused("validation") {
                try policy.overlayToml(text: "[crm.declared_purposes.bad]\ndescription = \"x\"\nallows = \(allows)\n")
            }
            XCTAssertEqual(field(error), "crm.declared_purposes.bad.allows")
            XCTAssertTrue(detail(error).contains("only refused fields need a purpose"), detail(error))
        }
        for key in ["Bad Key", "x'; DROP TABLE policy;--"] {
            try refused("validation") {
                try policy.overlayToml(
                    text: "[crm.declared_purposes.\"\(key)\"]\ndescription = \"x\"\nallows = [\"national_id\"]\n")
            }
        }
        XCTAssertEqual(try engine.policy().digest(), policy.digest())
        _ = try one("li.na", withID("13800138000", Self.crossBorder))
    }

    static let hostilePurposes: [String] = [
        "no_such_purpose", "marketing", "", "   ", "Cross_Border_Real_Name",
        "ｃｒｏｓｓ_ｂｏｒｄｅｒ_ｒｅａｌ_ｎａｍｅ", " " + crossBorder, crossBorder + " ",
        crossBorder + "\u{0}", crossBorder + "\n", "cross_border\u{200B}_real_name",
        "\u{202E}" + crossBorder, "x'; DROP TABLE customer_purpose;--", "%s%n%x", "../../etc/passwd",
        "\u{1B}[31mred", "跨境实名", "crm.declared_purposes", String(repeating: "p", count: 100_000),
    ]

    func testCRM5UnknownOrHostilePurposesAreValidationErrorsOnPurposeNotEchoed() throws {
        let before = try Customers(engine)
        let log = try engine.auditLen()
        var rows = Self.hostilePurposes.enumerated().map { n, purpose in
            withID(String(format: "138001%05d", n), purpose)
        }
        // An unknown purpose is refused even on a row without a refused field.
        rows.append(rec([(.phone, "13900139000")], profile: ["region": "上海"], purpose: "no_such_purpose"))
        let r = try engine.ingestCustomers(actor: "li.na", records: rows)
        XCTAssertEqual(r.errors.map(\.row), Array(0..<UInt64(rows.count)))
        XCTAssertEqual(Set(r.errors.map(\.field)), ["purpose"])
        XCTAssertEqual(Set(r.errors.map(\.code)), ["validation"])
        // One message for all: the declared purposes, never the value given.
        XCTAssertEqual(Set(r.errors.map(\.message)), [Self.notAPurpose])
        XCTAssertEqual([r.created, r.purposesDeclared], [0, 0])
        XCTAssertTrue(r.customerIds.allSatisfy { $0 == nil })
        XCTAssertEqual(try Customers(engine), before)
        XCTAssertNil(try engine.findCustomer(actor: "li.na", kind: .phone, value: "13900139000"))
        XCTAssertEqual(try engine.auditLen(), log + 1)
        let details = try auditDetails(engine)
        XCTAssertFalse(details.contains("DROP TABLE") || details.contains(Self.idNumber))
    }

    func testCRM5AsyncIngestDeclaresPurposesAsTheSyncCallDoes() async throws {
        var rows = (0..<50).map { withID(String(format: "1380013%04d", $0), Self.crossBorder) }
        rows += [withID("13900139000"), withID("13900139001", "nope")]
        let twin = try Engine.inMemory(options: Self.options())
        try Self.staff(twin)
        let want = try twin.ingestCustomers(actor: "li.na", records: rows)
        let got = try await engine.ingestCustomersAsync(actor: "li.na", records: rows)
        XCTAssertEqual(got, want)
        XCTAssertEqual([got.created, got.purposesDeclared], [50, 50])
        XCTAssertEqual(got.errors.map(\.field), ["profile.national_id", "purpose"])
        let id = try XCTUnwrap(got.customerIds[7])
        XCTAssertEqual(try engine.customer(actor: "data.ops", id: id).profile, ["national_id": Self.idNumber])
    }

    // MARK: CRM-6

    func testCRM6ReadsAreMaskedWithoutClearanceAndUnmaskedReadsAudited() throws {
        let id = try one("li.na", rec([(.phone, "13800138000"), (.email, "li.na@example.com")],
                                      name: "李娜", profile: ["region": "上海", "age_band": "25-34"]))
        let log = try engine.auditLen()
        let masked = try engine.customer(actor: "li.na", id: id)
        XCTAssertTrue(masked.masked)
        XCTAssertEqual(masked.identities.map(\.value), ["l***@example.com", "138****8000"])
        XCTAssertEqual(masked.name, "李**")
        XCTAssertEqual(masked.profile, ["region": "***", "age_band": "***"])
        XCTAssertEqual(try engine.auditLen(), log, "a masked read is not audited")

        let clear = try engine.customer(actor: "data.ops", id: id)
        XCTAssertFalse(clear.masked)
        XCTAssertEqual(clear.identities.map(\.value), ["li.na@example.com", "13800138000"])
        XCTAssertEqual(try engine.auditLen(), log + 1, "an unmasked read is audited")
        XCTAssertFalse(try engine.customer(actor: "zhao.min", id: id).masked)
        XCTAssertEqual(try engine.customer(actor: "qian.yu", id: id), masked)
        XCTAssertFalse(try auditDetails(engine).contains("13800138000"))
    }

    func testCRM6NoPlaintextPersonalDataInTheDatabaseFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("crm.sqlite").path
        var id: Int64 = 0
        do {
            let e = try Engine.open(path: path, options: Self.options())
            try Self.staff(e)
            id = try one("li.na", rec([(.phone, "13812345678"), (.email, "ouyang.nana@example.com"),
                                       (.wechatUnionid, "o6_bmasdasdsad6_2sgVt7hMZOPfL"),
                                       (.posCard, "6222020200112233")], name: "欧阳娜娜"), on: e)
        }
        let data = try fileBytes(dir)
        XCTAssertGreaterThan(data.count, 4096)
        for needle in ["13812345678", "ouyang.nana", "o6_bmasdasdsad6_2sgVt7hMZOPfL",
                       "6222020200112233", "欧阳娜娜"] {
            XCTAssertFalse(contains(data, needle), needle)
        }
        do {
            let e = try Engine.open(path: path, options: Self.options())
            XCTAssertEqual(try e.findCustomer(actor: "data.ops", kind: .phone, value: "13812345678"), id)
            XCTAssertEqual(try e.customer(actor: "data.ops", id: id).name, "欧阳娜娜")
        }
        do {
            let wrong = try Engine.open(path: path, options: Self.options(Data(repeating: 9, count: 32)))
            XCTAssertNil(try wrong.findCustomer(actor: "data.ops", kind: .phone, value: "13812345678"))
            assertRefused("configuration") { try wrong.customer(actor: "data.ops", id: id) }
        }
        let keyless = try Engine.open(path: path, options: Self.options(nil))
        assertRefused("configuration") {
            try keyless.ingestCustomers(actor: "li.na", records: [self.rec([(.phone, "13800138000")])])
        }
        assertRefused("configuration") { try keyless.customer(actor: "data.ops", id: id) }
        assertRefused("configuration") {
            try keyless.findCustomer(actor: "data.ops", kind: .phone, value: "13812345678")
        }
        assertRefused("configuration") { try keyless.exportCustomer(actor: "data.ops", customerId: id) }
        XCTAssertEqual(try keyless.customerCount(), 1)
    }

    // MARK: CRM-8

    func testCRM8NoSendWithoutConsentInForce() throws {
        let id = try one("li.na", rec([(.phone, "13800138000")]))
        let error = try refused("policy_violation") {
            try engine.recordSend(actor: "li.na", customerId: id, channel: "sms", purpose: "marketing")
        }
        guard case let .PolicyViolation(rule, _)? = error else { return XCTFail() }
        XCTAssertEqual(rule, "CRM-8")

        let inForce = try engine.recordConsent(actor: "data.ops", customerId: id, change: consent())
        XCTAssertEqual(inForce, [Consent(channel: "sms", purpose: "marketing", granted: true,
                                         evidence: "会员注册页勾选 v3", recordedAt: start,
                                         recordedBy: "data.ops")])
        XCTAssertEqual(try engine.consents(actor: "li.na", customerId: id), inForce)
        let send = try engine.recordSend(actor: "li.na", customerId: id, channel: "sms", purpose: "marketing")
        XCTAssertGreaterThan(send, 0)
        try refused("policy_violation") {
            try engine.recordSend(actor: "li.na", customerId: id, channel: "email", purpose: "marketing")
        }
        try refused("policy_violation") {
            try engine.recordSend(actor: "li.na", customerId: id, channel: "sms", purpose: "survey")
        }
        // Withdrawn: no more sends; the latest decision rules.
        let now = try engine.recordConsent(actor: "data.ops", customerId: id,
                                           change: consent(granted: false, evidence: "短信回复 TD"))
        XCTAssertEqual(now.map(\.granted), [false])
        try refused("policy_violation") {
            try engine.recordSend(actor: "li.na", customerId: id, channel: "sms", purpose: "marketing")
        }

        let bad: [(ConsentChange, String)] = [
            (consent(""), "channel"), (consent("SMS!"), "channel"),
            (consent("sms", "x'; DROP TABLE customer;--"), "purpose"),
            (consent(evidence: ""), "evidence"), (consent(evidence: "a\u{0}b"), "evidence"),
        ]
        for (change, name) in bad {
            let error = try refused("validation") {
                try engine.recordConsent(actor: "data.ops", customerId: id, change: change)
            }
            XCTAssertEqual(field(error), name)
        }
        try denied(.missingPermission) {
            try engine.recordConsent(actor: "li.na", customerId: id, change: consent())
        }
        try denied(.missingPermission) {
            try engine.recordSend(actor: "qian.yu", customerId: id, channel: "sms", purpose: "marketing")
        }
        try refused("not_found") {
            try engine.recordConsent(actor: "data.ops", customerId: 999, change: consent())
        }
    }

    // MARK: CRM-7

    func testCRM7ExportHoldsEverythingAndErasureRemovesItWithTheChainValid() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("crm.sqlite").path
        do {
            let e = try Engine.open(path: path, options: Self.options())
            try Self.staff(e)
            let a = try one("li.na", rec([(.phone, "13812345678")], name: "欧阳娜娜",
                                         profile: ["region": "杭州"]), on: e)
            let b = try one("qian.yu", rec([(.email, "ouyang.nana@example.com")]), on: e)
            _ = try e.ingestCustomers(actor: "qian.yu", records: [
                rec([(.phone, "13812345678"), (.email, "ouyang.nana@example.com"),
                     (.posCard, "6222 0202 0011 2233")]),
            ])
            _ = try e.recordConsent(actor: "data.ops", customerId: a, change: consent())
            _ = try e.recordSend(actor: "li.na", customerId: a, channel: "sms", purpose: "marketing")

            let text = try e.exportCustomer(actor: "data.ops", customerId: b)
            let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            XCTAssertEqual(doc["format"] as? String, "brandrail customer export v1")
            XCTAssertEqual(doc["customer_id"] as? Int64, a, "an export of a merged id is the survivor's")
            XCTAssertEqual(doc["merged_ids"] as? [Int64], [b])
            XCTAssertEqual(doc["name"] as? String, "欧阳娜娜")
            XCTAssertEqual(doc["profile"] as? [String: String], ["region": "杭州"])
            XCTAssertEqual((doc["identities"] as? [Any])?.count, 3)
            // The survivor's two source records and the merged one's.
            let sources = try XCTUnwrap(doc["sources"] as? [[String: Any]])
            XCTAssertEqual(sources.compactMap { $0["customer_id"] as? Int64 }, [a, a, b])
            XCTAssertEqual((doc["sends"] as? [Any])?.count, 1)
            assertRefused("permission_denied") { try e.exportCustomer(actor: "li.na", customerId: a) }

            let erasure = try e.eraseCustomer(actor: "data.ops", customerId: a, reason: "用户申请注销 #2026-118")
            XCTAssertEqual(erasure.customerIds, [a, b])
            XCTAssertGreaterThanOrEqual(erasure.rowsRemoved, 7)
            for id in [a, b] {
                let error = assertRefused("not_found") { try e.customer(actor: "data.ops", id: id) }
                guard case let .NotFound(entity, _)? = error else { return XCTFail() }
                XCTAssertEqual(entity, "customer")
                assertRefused("not_found") { try e.exportCustomer(actor: "data.ops", customerId: id) }
            }
            XCTAssertNil(try e.findCustomer(actor: "data.ops", kind: .phone, value: "13812345678"))
            assertRefused("not_found") { try e.eraseCustomer(actor: "data.ops", customerId: a, reason: "again") }
            XCTAssertEqual(try e.customerCount(), 0)
            XCTAssertTrue(try e.verifyAudit().ok, "the chain still verifies")

            // The same person may come back as a new customer.
            let again = try e.ingestCustomers(actor: "li.na", records: [rec([(.phone, "13812345678")])])
            XCTAssertEqual(again.created, 1)
            let back = try XCTUnwrap(again.customerIds[0])
            XCTAssertFalse([a, b].contains(back))
            let error = assertRefused("validation") {
                try e.eraseCustomer(actor: "data.ops", customerId: back, reason: "")
            }
            XCTAssertEqual(field(error), "reason")
        }
        // Closed: nothing of the erased values is left in the files.
        let data = try fileBytes(dir)
        for needle in ["欧阳娜娜", "ouyang.nana", "杭州", "6222020200112233"] {
            XCTAssertFalse(contains(data, needle), needle)
        }
    }

    // MARK: permissions, unknown ids, keys

    func testPermissionsAreCheckedAndRefusalsAudited() throws {
        let id = try one("li.na", rec([(.phone, "13800138000")]))
        let permission = try denied(.missingPermission) {
            try engine.ingestCustomers(actor: "hr.one", records: [rec([(.phone, "13900139000")])])
        }
        XCTAssertEqual(permission, "crm.ingest")
        try denied(.unknownPrincipal) { try engine.ingestCustomers(actor: "ghost", records: []) }
        try denied(.missingPermission) { try engine.customer(actor: "hr.one", id: id) }
        try denied(.missingPermission) { try engine.exportCustomer(actor: "qian.yu", customerId: id) }
        try denied(.missingPermission) {
            try engine.eraseCustomer(actor: "zhao.min", customerId: id, reason: "请求")
        }
        _ = try engine.deactivatePrincipal(actor: "it.admin", handle: "qian.yu")
        try denied(.deactivated) {
            try engine.ingestCustomers(actor: "qian.yu", records: [rec([(.phone, "13900139000")])])
        }
    }

    func testUnknownIdsAreNotFoundAndBadLookupsValidation() throws {
        _ = try one("li.na", rec([(.phone, "13800138000")]))
        for id: Int64 in [0, -1, 42, .max, .min] {
            try refused("not_found") { try engine.customer(actor: "li.na", id: id) }
            try refused("not_found") { try engine.consents(actor: "li.na", customerId: id) }
            try refused("not_found") {
                try engine.recordSend(actor: "li.na", customerId: id, channel: "sms", purpose: "marketing")
            }
            try refused("not_found") { try engine.exportCustomer(actor: "data.ops", customerId: id) }
            try refused("not_found") {
                try engine.eraseCustomer(actor: "data.ops", customerId: id, reason: "请求")
            }
        }
        let error = try refused("validation") {
            try engine.findCustomer(actor: "li.na", kind: .phone, value: "not a phone")
        }
        XCTAssertEqual(field(error), "value")
        XCTAssertNil(try engine.findCustomer(actor: "li.na", kind: .email, value: "nobody@example.com"))
    }

    func testAnEngineWithoutAKeyRefusesIngestWithConfiguration() throws {
        let keyless = try Engine.inMemory(options: Self.options(nil))
        try Self.staff(keyless)
        let error = assertRefused("configuration") {
            try keyless.ingestCustomers(actor: "li.na", records: [rec([(.phone, "13800138000")])])
        }
        guard case let .Configuration(detail)? = error else { return XCTFail() }
        XCTAssertTrue(detail.contains("secret key"))
        XCTAssertEqual(try keyless.customerCount(), 0)
    }

    // MARK: CRM-3

    /// An interaction a day before the engine's clock, `minutes` into it.
    func event(_ customerId: Int64, _ kind: InteractionKind, page: String? = nil,
               amount: String? = nil, minutes: Double = 0) -> NewInteraction {
        NewInteraction(customerId: customerId, kind: kind,
                       at: start.addingTimeInterval(-86_400 + minutes * 60),
                       page: page, amount: amount, channel: "wechat_mini_program")
    }

    func testCRM3InteractionsPurchasesAndFunnels() async throws {
        let ids = try engine.ingestCustomers(actor: "li.na", records: [
            rec([(.phone, "13800138001")]), rec([(.phone, "13800138002")]), rec([(.phone, "13800138003")]),
        ]).customerIds.compactMap { $0 }
        let (a, b, c) = (ids[0], ids[1], ids[2])
        let rows = [
            // a: the whole path, then two purchases.
            event(a, .pathStep, page: "home"),
            event(a, .pathStep, page: "product", minutes: 1),
            event(a, .pathStep, page: "reviews", minutes: 2),
            event(a, .purchase, amount: "299.00", minutes: 3),
            event(a, .purchase, amount: "101", minutes: 60),
            // b: home and reviews, never the product page between.
            event(b, .pathStep, page: "home"),
            event(b, .pathStep, page: "reviews", minutes: 1),
            // c: product before home: only home counts.
            event(c, .pathStep, page: "product"),
            event(c, .pathStep, page: "home", minutes: 1),
            event(c, .view, page: "article/秋冬", minutes: 2),
            // bad rows
            event(404, .view, page: "home"),
            event(a, .purchase),
            event(a, .purchase, amount: "-5"),
            event(a, .purchase, amount: "1e3"),
            event(a, .view),
            event(a, .click, page: "home", amount: "3"),
            NewInteraction(customerId: a, kind: .view, at: start, page: "home", channel: "We Chat!"),
            NewInteraction(customerId: a, kind: .view, at: start.addingTimeInterval(3 * 86_400), page: "home"),
            event(a, .view, page: "x\u{202E}y"),
        ]
        let r = try await engine.recordInteractionsAsync(actor: "li.na", interactions: rows)
        XCTAssertEqual([r.rows, r.recorded], [19, 10])
        XCTAssertEqual(r.errors.map(\.row), Array<UInt64>(10...18))
        XCTAssertEqual(r.errors.map(\.field),
                       ["customer_id", "amount", "amount", "amount", "page", "amount", "channel", "at", "page"])
        XCTAssertEqual(r.errors[0].code, "not_found")

        let steps = ["home", "product", "reviews"]
        let window = (start.addingTimeInterval(-2 * 86_400), start)
        let f = try engine.funnel(actor: "li.na", steps: steps, from: window.0, to: window.1)
        XCTAssertEqual(f.steps, [FunnelStep(page: "home", customers: 3),
                                 FunnelStep(page: "product", customers: 1),
                                 FunnelStep(page: "reviews", customers: 1)])
        XCTAssertEqual(try [a, b, c].map { try engine.customerFunnel(actor: "li.na", customerId: $0, steps: steps) },
                       [3, 1, 1])

        // Purchases: exact decimal strings, for clearance only.
        let p = try engine.purchaseSummary(actor: "data.ops", customerId: a)
        XCTAssertEqual(p.count, 2)
        XCTAssertEqual(p.total, "400.00")
        XCTAssertEqual(p.averageOrderValue, "200.00")
        XCTAssertEqual(try denied(.missingPermission) {
            try engine.purchaseSummary(actor: "li.na", customerId: a)
        }, "crm.read_sensitive")
        // History: masked pages and no amounts without clearance.
        let masked = try engine.customerInteractions(actor: "li.na", customerId: a)
        XCTAssertEqual(masked.count, 5)
        XCTAssertTrue(masked.allSatisfy { $0.amount == nil && ($0.page == nil || $0.page == "***") })
        let clear = try engine.customerInteractions(actor: "data.ops", customerId: a)
        XCTAssertEqual(clear[0].page, "home")
        XCTAssertEqual(clear[3].amount, "299.00")

        // A merge carries the merged customer's history; erasure removes it.
        _ = try engine.ingestCustomers(actor: "qian.yu",
                                       records: [rec([(.phone, "13800138001"), (.phone, "13800138003")])])
        XCTAssertEqual(try engine.customerInteractions(actor: "data.ops", customerId: a).count, 8)
        _ = try engine.eraseCustomer(actor: "data.ops", customerId: a, reason: "申请注销")
        try refused("not_found") { try engine.customerInteractions(actor: "data.ops", customerId: a) }
        let after = try engine.funnel(actor: "li.na", steps: steps, from: window.0, to: window.1)
        XCTAssertEqual(after.steps[0].customers, 1, "only b is left")

        // Bad funnels and permissions.
        XCTAssertEqual(field(try refused("validation") {
            try engine.funnel(actor: "li.na", steps: [], from: window.0, to: window.1)
        }), "steps")
        XCTAssertEqual(field(try refused("validation") {
            try engine.funnel(actor: "li.na", steps: steps, from: window.1, to: window.0)
        }), "to")
        try denied(.missingPermission) {
            try engine.funnel(actor: "hr.one", steps: steps, from: window.0, to: window.1)
        }
        try denied(.missingPermission) { try engine.recordInteractions(actor: "hr.one", interactions: []) }
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    // MARK: enums

    func testIdentityKindsKeepTheCoresNames() throws {
        let names = ["phone", "email", "wechat_openid", "wechat_unionid", "member_id", "pos_card"]
        XCTAssertEqual(IdentityKind.allCases.map { $0.asStr() }, names)
        for name in names {
            XCTAssertEqual(try parseIdentityKind(name: name).asStr(), name)
        }
        assertRefused("validation") { try parseIdentityKind(name: "national_id") }
    }

    func testInteractionKindsKeepTheCoresNames() throws {
        let names = ["view", "click", "path_step", "purchase", "service_ticket", "community_join"]
        XCTAssertEqual(InteractionKind.allCases.map { $0.asStr() }, names)
        for name in names {
            XCTAssertEqual(try parseInteractionKind(name: name).asStr(), name)
        }
        assertRefused("validation") { try parseInteractionKind(name: "like") }
    }
}
