// The Engine from Swift: every method's happy path and its bad sides, the error
// case and code, and that a refused call changes nothing. Mirrors
// bindings-swift/tests/test_engine_uniffi.py.

import Brandrail
import Foundation
import XCTest

final class EngineTests: XCTestCase {
    static let hostileHandles = [
        "", "a", String(repeating: "x", count: 65), String(repeating: "h", count: 1_000_000),
        "robert'); DROP TABLE principal;--", "li.na' OR '1'='1", "bad\u{0}nul", "line\nbreak",
        "\u{1B}[31mred", "zero\u{200B}width", "bom\u{FEFF}", "rtl\u{202E}override", "Li.Na",
        "李娜", "ли.на", "ｌｉ.ｎａ", " li.na", "-leading", "../../etc/passwd", "%s%n%x",
    ]
    static let hostileNames = [
        "", "   ", String(repeating: "长", count: 201), "Bad\u{0}Name", "Two\nLines",
        "Zero\u{200B}Width", "Bidi\u{202E}Evil", " Leading", "Trailing ",
    ]
    static let goodNames = [
        "王强", "陈杰 Jie Chen", "Zoë Ångström-Łukasiewicz", "محمد الأحمد", "Ольга Петрова",
        "佐藤 ひろし", "O'Brien; DROP TABLE principal;--", String(repeating: "长", count: 200),
    ]

    var engine: Engine!

    override func setUpWithError() throws {
        engine = try seededEngine()
    }

    // MARK: errors

    func testErrorCodesAreTheCoreCodes() {
        XCTAssertEqual(errorCodes(), [
            "permission_denied", "separation_of_duties", "validation", "not_found", "conflict",
            "policy_violation", "configuration", "incompatible_database", "corrupt", "integrity",
            "busy", "storage", "io",
        ])
    }

    func testPermissionDeniedCarriesPrincipalPermissionAndReason() throws {
        let error = try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.createPrincipal(actor: "li.na", input: person("x.y", .sales))
        }
        guard case let .PermissionDenied(principal, permission, reason, detail)? = error else {
            return XCTFail("\(String(describing: error))")
        }
        XCTAssertEqual(principal, "li.na")
        XCTAssertEqual(permission, "principal.manage")
        XCTAssertEqual(reason, .missingPermission)
        XCTAssertEqual(reason.asStr(), "missing_permission")
        XCTAssertEqual(detail,
                       "permission denied: principal 'li.na' may not principal.manage (missing_permission)")
        XCTAssertEqual(error?.localizedDescription, detail)
    }

    func testEveryDenialReasonReachesTheHost() throws {
        _ = try engine.grantRole(actor: "it.admin", handle: "chen.jie", role: "it_admin")
        _ = try engine.createPrincipal(actor: "it.admin", input: person("it.second", .it))
        _ = try engine.deactivatePrincipal(actor: "it.admin", handle: "it.second")
        let reasons: [String: DenialReason] = [
            "nobody": .unknownPrincipal, "it.second": .deactivated,
            "li.na": .missingPermission, "chen.jie": .wrongDepartment,
        ]
        for (actor, expected) in reasons {
            let error = try assertRefusedUnchanged(engine, "permission_denied") {
                try engine.createPrincipal(actor: actor, input: person("x.y", .sales))
            }
            guard case let .PermissionDenied(_, _, reason, _)? = error else { return XCTFail() }
            XCTAssertEqual(reason, expected)
        }
    }

    func testAHostileActorIsNeverEchoed() throws {
        let actor = "x'); DROP TABLE audit_log;--\n\u{202E}"
        let error = try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.grantRole(actor: actor, handle: "li.na", role: "supervisor")
        }
        guard case let .PermissionDenied(principal, _, _, detail)? = error else { return XCTFail() }
        XCTAssertTrue(principal.hasPrefix("invalid:"))
        XCTAssertFalse(detail.contains("DROP") || detail.contains("\n"))
    }

    // MARK: options

    func testASecretKeyOfTheWrongLengthIsRefused() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for length in [0, 1, 16, 31, 33, 64] {
            let options = EngineOptions(secretKey: Data(repeating: 7, count: length))
            let error = assertRefused("validation") { try Engine.inMemory(options: options) }
            guard case let .Validation(field, detail)? = error else { return XCTFail() }
            XCTAssertEqual(field, "secret_key")
            XCTAssertTrue(detail.contains("got \(length) bytes"))
            let path = dir.appendingPathComponent("k.db").path
            assertRefused("validation") { try Engine.open(path: path, options: options) }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path))
        }
    }

    func testOpenCreatesAndReopensAFile() throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("brandrail.db").path
        do {
            let first = try Engine.open(path: path)
            XCTAssertEqual(first.path(), path)
            try seed(first)
        }
        let again = try Engine.open(path: path, options: EngineOptions(busyTimeoutMs: 100))
        XCTAssertEqual(try again.principals().map(\.handle),
                       ["chen.jie", "it.admin", "li.na", "sun.li", "zhao.min"])
        XCTAssertTrue(try again.verifyAudit().ok)
        assertRefused("storage") {
            try Engine.open(path: dir.appendingPathComponent("no/such/dir.db").path)
        }
    }

    func testNowIsTheEngineClock() {
        XCTAssertLessThan(abs(engine.now().timeIntervalSinceNow), 5)
        XCTAssertNil(engine.path())
    }

    // MARK: principals

    func testBootstrapCreatesTheFirstAdminOnce() throws {
        let fresh = try Engine.inMemory()
        assertRefused("policy_violation") {
            try fresh.bootstrap(firstAdmin: person("li.na", .marketing))
        }
        let admin = try fresh.bootstrap(firstAdmin: person("it.admin", .it, "王强"))
        XCTAssertEqual(admin.roles, ["it_admin"])
        XCTAssertTrue(admin.active)
        XCTAssertNil(admin.deactivatedAt)
        try assertRefusedUnchanged(fresh, "conflict") {
            try fresh.bootstrap(firstAdmin: person("it.two", .it))
        }
    }

    func testCreatePrincipalWithDefaultAndExplicitRoles() throws {
        let p = try engine.createPrincipal(actor: "it.admin", input: person("wu.hao", .customerService))
        XCTAssertEqual(p.roles, ["service_staff"])
        let q = try engine.createPrincipal(
            actor: "it.admin",
            input: person("data.lead", .sales, roles: ["supervisor", "data_steward"]))
        XCTAssertEqual(q.roles, ["data_steward", "supervisor"])
        let stored = try engine.principal(handle: "data.lead")
        XCTAssertEqual(stored.roles, q.roles)
        // The store keeps milliseconds; the returned record has the clock's precision.
        XCTAssertEqual(stored.createdAt.timeIntervalSince1970, q.createdAt.timeIntervalSince1970,
                       accuracy: 0.001)
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.createPrincipal(actor: "it.admin", input: person("li.na", .sales))
        }
        let error = try assertRefusedUnchanged(engine, "validation") {
            try engine.createPrincipal(actor: "it.admin",
                                       input: person("x.y", .sales, roles: ["overlord"]))
        }
        guard case let .Validation(field, _)? = error else { return XCTFail() }
        XCTAssertEqual(field, "roles")
    }

    func testHostileHandlesAreRefused() throws {
        for handle in Self.hostileHandles {
            let error = try assertRefusedUnchanged(engine, "validation") {
                try engine.createPrincipal(
                    actor: "it.admin",
                    input: NewPrincipal(handle: handle, displayName: "N", department: .sales))
            }
            guard case let .Validation(field, detail)? = error else { return XCTFail(handle) }
            XCTAssertEqual(field, "handle")
            XCTAssertLessThan(detail.count, 300)
            for bad in ["\u{0}", "\n", "\u{1B}", "\u{200B}", "\u{202E}", "\u{FEFF}"] {
                XCTAssertFalse(detail.contains(bad))
            }
        }
    }

    func testHostileDisplayNamesAreRefusedWithoutQuotingThem() throws {
        for name in Self.hostileNames {
            let error = try assertRefusedUnchanged(engine, "validation") {
                try engine.createPrincipal(
                    actor: "it.admin",
                    input: NewPrincipal(handle: "new.one", displayName: name, department: .sales))
            }
            guard case let .Validation(field, detail)? = error else { return XCTFail(name) }
            XCTAssertEqual(field, "display_name")
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty { XCTAssertFalse(detail.contains(trimmed)) }
        }
    }

    func testMixedScriptDisplayNamesRoundTrip() throws {
        for (i, name) in Self.goodNames.enumerated() {
            let handle = "person.\(i)"
            let p = try engine.createPrincipal(
                actor: "it.admin",
                input: NewPrincipal(handle: handle, displayName: name, department: .pr))
            XCTAssertEqual(p.displayName, name)
            XCTAssertEqual(try engine.principal(handle: handle).displayName, name)
        }
    }

    func testCreatePrincipalsIsAllOrNothing() throws {
        let made = try engine.createPrincipals(
            actor: "it.admin", inputs: [person("a.one", .sales), person("b.two", .hr)])
        XCTAssertEqual(made.map(\.roles), [["sales_staff"], ["hr_staff"]])
        let error = try assertRefusedUnchanged(engine, "validation") {
            try engine.createPrincipals(
                actor: "it.admin", inputs: [person("c.three", .sales), person("Bad Handle", .sales)])
        }
        guard case let .Validation(field, _)? = error else { return XCTFail() }
        XCTAssertEqual(field, "principals[1].handle")
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.createPrincipals(
                actor: "it.admin", inputs: [person("d.four", .sales), person("d.four", .hr)])
        }
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.createPrincipals(actor: "li.na", inputs: [person("e.five", .sales)])
        }
        let batch = (0..<500).map { person(String(format: "bulk.%04d", $0), .sales) }
        XCTAssertEqual(try engine.createPrincipals(actor: "it.admin", inputs: batch).count, 500)
    }

    func testGrantAndRevokeRole() throws {
        XCTAssertEqual(try engine.grantRole(actor: "it.admin", handle: "li.na", role: "data_steward").roles,
                       ["data_steward", "marketing_staff"])
        XCTAssertTrue(try engine.can(handle: "li.na", permission: .crmErase))
        XCTAssertEqual(try engine.revokeRole(actor: "it.admin", handle: "li.na", role: "data_steward").roles,
                       ["marketing_staff"])
        XCTAssertFalse(try engine.can(handle: "li.na", permission: .crmErase))

        try assertRefusedUnchanged(engine, "not_found") {
            try engine.grantRole(actor: "it.admin", handle: "ghost", role: "supervisor")
        }
        try assertRefusedUnchanged(engine, "validation") {
            try engine.grantRole(actor: "it.admin", handle: "li.na", role: "overlord")
        }
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.grantRole(actor: "it.admin", handle: "li.na", role: "marketing_staff")
        }
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.revokeRole(actor: "it.admin", handle: "li.na", role: "supervisor")
        }
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.grantRole(actor: "li.na", handle: "li.na", role: "it_admin")
        }
        let error = try assertRefusedUnchanged(engine, "policy_violation") {
            try engine.revokeRole(actor: "it.admin", handle: "it.admin", role: "it_admin")
        }
        guard case let .PolicyViolation(rule, _)? = error else { return XCTFail() }
        XCTAssertEqual(rule, "ACC-2")
    }

    func testDeactivatePrincipalHandsBackCustody() throws {
        _ = try engine.registerMediaAccount(actor: "it.admin", input: media("wechat-main"))
        let d = try engine.deactivatePrincipal(actor: "it.admin", handle: "li.na")
        XCTAssertEqual(d.custodianOf, ["wechat-main"])
        XCTAssertEqual(d.reassignedApprovals, [])
        XCTAssertEqual(d.unstaffedApprovals, [])
        XCTAssertFalse(d.principal.active)
        XCTAssertNotNil(d.principal.deactivatedAt)
        XCTAssertEqual(try engine.permissionsOf(handle: "li.na"), [])
        let error = try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.recordMediaInteraction(actor: "li.na", id: "wechat-main", at: engine.now())
        }
        guard case let .PermissionDenied(_, _, reason, _)? = error else { return XCTFail() }
        XCTAssertEqual(reason, .deactivated)
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.deactivatePrincipal(actor: "it.admin", handle: "li.na")
        }
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.deactivatePrincipal(actor: "it.admin", handle: "it.admin")
        }
        try assertRefusedUnchanged(engine, "not_found") {
            try engine.deactivatePrincipal(actor: "it.admin", handle: "ghost")
        }
    }

    func testReadsOfPrincipalsAndEnums() throws {
        XCTAssertEqual(try engine.principal(handle: "zhao.min").roles, ["executive", "supervisor"])
        let permissions = try engine.permissionsOf(handle: "it.admin")
        XCTAssertTrue(permissions.contains(.principalManage))
        XCTAssertFalse(permissions.contains(.auditRead))
        XCTAssertFalse(try engine.can(handle: "ghost", permission: .roleGrant))
        let error = assertRefused("not_found") {
            try engine.principal(handle: "robert'); DROP TABLE principal;--")
        }
        guard case let .NotFound(entity, detail)? = error else { return XCTFail() }
        XCTAssertEqual(entity, "principal")
        XCTAssertFalse(detail.contains("DROP"))

        XCTAssertEqual(Department.customerService.asStr(), "customer_service")
        XCTAssertEqual(Outcome.denied.asStr(), "denied")
        XCTAssertEqual(DenialReason.notADecider.asStr(), "not_a_decider")
        XCTAssertEqual(DenialReason.allCases.map { $0.asStr() }, [
            "unknown_principal", "deactivated", "missing_permission", "wrong_department",
            "not_a_decider", "not_the_submitter", "not_cleared",
        ])
        for outcome in Outcome.allCases {
            XCTAssertEqual(try parseOutcome(name: outcome.asStr()), outcome)
        }
        for department in Department.allCases {
            XCTAssertEqual(try parseDepartment(name: department.asStr()), department)
        }
        for platform in Platform.allCases {
            XCTAssertEqual(try parsePlatform(name: platform.asStr()), platform)
        }
        for permission in Permission.allCases {
            XCTAssertEqual(try parsePermission(name: permission.asStr()), permission)
        }
        assertRefused("validation") { try parsePlatform(name: "myspace") }
    }

    // MARK: media accounts

    func testMediaAccounts() throws {
        let a = try engine.registerMediaAccount(actor: "chen.jie", input: media())
        XCTAssertEqual(a.platform, .douyin)
        XCTAssertFalse(a.hasCredential)
        XCTAssertEqual(try engine.mediaAccounts().map(\.id), ["douyin-main"])
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.registerMediaAccount(actor: "li.na", input: media("other"))
        }
        try assertRefusedUnchanged(engine, "not_found") {
            try engine.registerMediaAccount(actor: "it.admin", input: media("other", custodian: "ghost"))
        }
        try assertRefusedUnchanged(engine, "configuration") {
            try engine.registerMediaAccount(actor: "it.admin", input: media("other", credential: "pw"))
        }
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.registerMediaAccount(actor: "it.admin", input: media())
        }

        XCTAssertEqual(try engine.reassignMediaAccount(actor: "it.admin", id: "douyin-main",
                                                       custodian: "chen.jie").custodian, "chen.jie")
        let when = at("2026-01-10T08:00:00Z")
        XCTAssertEqual(try engine.recordMediaInteraction(actor: "li.na", id: "douyin-main", at: when)
            .lastInteractionAt, when)
        let future = engine.now().addingTimeInterval(3600)
        try assertRefusedUnchanged(engine, "validation") {
            try engine.recordMediaInteraction(actor: "li.na", id: "douyin-main", at: future)
        }
        try assertRefusedUnchanged(engine, "not_found") {
            try engine.recordMediaInteractions(actor: "li.na", interactions: [
                MediaInteraction(id: "douyin-main", at: when.addingTimeInterval(60)),
                MediaInteraction(id: "ghost", at: when),
            ])
        }
        try assertRefusedUnchanged(engine, "validation") {
            try engine.recordMediaInteractions(actor: "li.na", interactions: [])
        }
        let retired = try engine.retireMediaAccount(actor: "it.admin", id: "douyin-main")
        XCTAssertNotNil(retired.retiredAt)
        try assertRefusedUnchanged(engine, "conflict") {
            try engine.retireMediaAccount(actor: "it.admin", id: "douyin-main")
        }
    }

    func testCredentialsAreSealedAndRevealedWithTheKey() throws {
        let keyed = try seededEngine(options: EngineOptions(secretKey: secretKey))
        XCTAssertTrue(try keyed.registerMediaAccount(actor: "it.admin",
                                                     input: media(credential: "s3cret-令牌")).hasCredential)
        XCTAssertEqual(try keyed.revealMediaCredential(actor: "it.admin", id: "douyin-main"), "s3cret-令牌")
        try assertRefusedUnchanged(keyed, "permission_denied") {
            try keyed.revealMediaCredential(actor: "li.na", id: "douyin-main")
        }
        let reveals = try keyed.auditQuery(actor: "sun.li",
                                           query: AuditQuery(action: "media_account.reveal_credential"))
        XCTAssertEqual(reveals.map(\.outcome), [.applied, .denied])
    }

    func testZombieReport() throws {
        _ = try engine.registerMediaAccount(actor: "it.admin", input: media("old-one"))
        _ = try engine.registerMediaAccount(actor: "it.admin", input: media("fresh-one"))
        _ = try engine.recordMediaInteraction(actor: "li.na", id: "old-one", at: at("2025-01-01T00:00:00Z"))
        _ = try engine.recordMediaInteraction(actor: "li.na", id: "fresh-one", at: engine.now())
        let zombies = try engine.zombieMediaAccounts(asOf: engine.now().addingTimeInterval(86_400))
        XCTAssertEqual(zombies.map(\.account.id), ["old-one"])
        XCTAssertGreaterThan(zombies[0].idleDays, 300)
        XCTAssertEqual(try engine.zombieMediaAccounts().map(\.account.id), ["old-one"])
    }

    // MARK: policy

    func testPolicyDefaultPackAndRoundTrips() throws {
        let p = Policy()
        XCTAssertEqual(p.digest().count, 64)
        XCTAssertEqual(p.problems(), [])
        XCTAssertEqual(try Policy.fromToml(text: defaultPolicyToml()).digest(), p.digest())
        XCTAssertEqual(try Policy.fromJson(text: p.toJson()).digest(), p.digest())
        XCTAssertTrue(p.permissionsOf(roles: ["it_admin"]).contains(.principalManage))
        let error = assertRefused("validation") {
            try p.overlayToml(text: "[budget.split]\nfixed = 1.4\n")
        }
        guard case let .Validation(field, _)? = error else { return XCTFail() }
        XCTAssertTrue(field.hasPrefix("budget.split"))
        assertRefused("validation") { try p.overlayJson(text: "[1, 2]") }
        assertRefused("validation") { try Policy.fromToml(text: "") }
    }

    func testReplacePolicy() throws {
        let v0 = try engine.policyVersion()
        XCTAssertEqual(v0.version, 0)
        XCTAssertNil(v0.installedBy)
        let next = try engine.policy().overlayToml(text: "[access]\nzombie_after_months = 3\n")
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.replacePolicy(actor: "it.admin", policy: next)
        }
        let lockedOut = try engine.policy().overlayToml(
            text: "[access]\naccount_admin_departments = [\"legal\"]\n")
        try assertRefusedUnchanged(engine, "policy_violation") {
            try engine.replacePolicy(actor: "zhao.min", policy: lockedOut)
        }
        let v1 = try engine.replacePolicy(actor: "zhao.min", policy: next)
        XCTAssertEqual(v1.version, 1)
        XCTAssertEqual(v1.installedBy, "zhao.min")
        XCTAssertEqual(v1.digest, next.digest())
        XCTAssertEqual(try engine.policyHistory().map(\.version), [1])
        XCTAssertEqual(try engine.policy().digest(), next.digest())
    }

    // MARK: threads and async

    func testCallsFromManyThreads() throws {
        let engine = self.engine!
        DispatchQueue.concurrentPerform(iterations: 4) { n in
            for i in 0..<20 {
                XCTAssertNoThrow(try engine.createPrincipal(actor: "it.admin",
                                                            input: person("t\(n).p\(i)", .sales)))
            }
        }
        XCTAssertEqual(try engine.principals().count, 85)
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testAsyncVerifyMatchesSync() async throws {
        let verification = try await engine.verifyAuditAsync()
        XCTAssertEqual(verification, try engine.verifyAudit())
    }
}
