// The audit log from Swift: tampering found by verify, queries, backups and
// restore (sync and async), and files that are not ours. Mirrors
// bindings-swift/tests/test_audit_uniffi.py.

import Brandrail
import CryptoKit
import Foundation
import SQLite3
import XCTest

final class AuditTests: XCTestCase {
    var dir: URL!
    var db: String!

    /// A seeded brandrail file with a dozen audit records; its engine closed.
    override func setUpWithError() throws {
        dir = try temporaryDirectory()
        db = dir.appendingPathComponent("brandrail.db").path
        let engine = try Engine.open(path: db)
        try seed(engine)
        _ = try engine.grantRole(actor: "it.admin", handle: "li.na", role: "data_steward")
        _ = try engine.revokeRole(actor: "it.admin", handle: "li.na", role: "data_steward")
        _ = try engine.registerMediaAccount(actor: "it.admin", input: NewMediaAccount(
            id: "weibo-main", platform: .weibo, displayName: "品牌微博", ownerDepartment: .pr,
            custodian: "li.na"))
        _ = try? engine.createPrincipal(actor: "li.na", input: person("x.y", .sales))
        XCTAssertTrue(try engine.verifyAudit().ok)
        // `engine` goes out of scope here, which closes the file.
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    /// Edit a closed brandrail file behind the engine's back, as an attacker
    /// with file access would: drop the append-only triggers first.
    func tamper(_ path: String, _ statements: String...) {
        var handle: OpaquePointer?
        XCTAssertEqual(sqlite3_open(path, &handle), SQLITE_OK)
        defer { sqlite3_close(handle) }
        let all = ["DROP TRIGGER IF EXISTS audit_log_no_update",
                   "DROP TRIGGER IF EXISTS audit_log_no_delete"] + statements
        for sql in all {
            XCTAssertEqual(sqlite3_exec(handle, sql, nil, nil, nil), SQLITE_OK, sql)
        }
    }

    func fingerprint(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    // MARK: verify

    func testAnUntouchedChainVerifies() async throws {
        let engine = try Engine.open(path: db)
        let v = try engine.verifyAudit()
        XCTAssertTrue(v.ok)
        XCTAssertNil(v.firstBadSeq)
        XCTAssertEqual(Int64(v.recordsChecked), try engine.auditLen())
        XCTAssertEqual(v.headHash.count, 64)
        let viaWorker = try await engine.verifyAuditAsync()
        XCTAssertEqual(viaWorker, v)
    }

    func testVerifyReportsTheFirstTamperedRecord() throws {
        let cases: [(String, Int64)] = [
            ("UPDATE audit_log SET detail = 'nothing to see' WHERE seq = 3", 3),
            ("UPDATE audit_log SET principal = 'zhao.min' WHERE seq = 5", 5),
            ("DELETE FROM audit_log WHERE seq = 4", 4),
            ("UPDATE audit_log SET at = at + 1 WHERE seq = 2", 2),
        ]
        let pristine = try Data(contentsOf: URL(fileURLWithPath: db))
        for (statement, firstBad) in cases {
            try pristine.write(to: URL(fileURLWithPath: db))
            tamper(db, statement)
            let v = try Engine.open(path: db).verifyAudit()
            XCTAssertFalse(v.ok, statement)
            XCTAssertEqual(v.firstBadSeq, firstBad, statement)
            XCTAssertNotNil(v.problem)
        }
    }

    func testVerifyCatchesACutOffTail() throws {
        let last = try Engine.open(path: db).auditLen()
        tamper(db, "DELETE FROM audit_log WHERE seq >= \(last - 1)")
        let v = try Engine.open(path: db).verifyAudit()
        XCTAssertFalse(v.ok)
        XCTAssertEqual(v.firstBadSeq, last - 1)
    }

    // MARK: query

    func testAuditQueryFilters() throws {
        let engine = try Engine.open(path: db)
        let everything = try engine.auditQuery(actor: "sun.li", query: AuditQuery())
        XCTAssertEqual(everything.map(\.seq), Array(1...Int64(everything.count)))
        for (a, b) in zip(everything, everything.dropFirst()) {
            XCTAssertEqual(b.prevHash, a.hash)
        }
        XCTAssertEqual(everything[0].action, "engine.bootstrap")
        let denied = try engine.auditQuery(actor: "sun.li", query: AuditQuery(outcome: .denied))
        XCTAssertEqual(denied.map(\.principal), ["li.na"])
        XCTAssertEqual(try engine.auditQuery(actor: "sun.li", query: AuditQuery(action: "role."))
            .map(\.action), ["role.grant", "role.revoke"])
        XCTAssertEqual(try engine.auditQuery(actor: "sun.li", query: AuditQuery(afterSeq: 2, limit: 3))
            .map(\.seq), [3, 4, 5])
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.auditQuery(actor: "li.na", query: AuditQuery())
        }
        try assertRefusedUnchanged(engine, "validation") {
            try engine.auditQuery(actor: "sun.li", query: AuditQuery(limit: 0))
        }
        let now = engine.now()
        try assertRefusedUnchanged(engine, "validation") {
            try engine.auditQuery(actor: "sun.li",
                                  query: AuditQuery(since: now, until: now.addingTimeInterval(-86_400)))
        }
    }

    // MARK: backup and restore

    func testBackupAndRestore() throws {
        let engine = try Engine.open(path: db)
        XCTAssertTrue(try engine.backupStatus().overdue)
        let dest = dir.appendingPathComponent("copy.db").path
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.backupTo(actor: "li.na", path: dest)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dest))
        let taken = try engine.backupTo(actor: "it.admin", path: dest)
        XCTAssertTrue(taken.verified)
        XCTAssertEqual(taken.path, dest)
        XCTAssertGreaterThan(taken.bytes, 0)
        let status = try engine.backupStatus()
        XCTAssertFalse(status.overdue)
        XCTAssertNotNil(status.lastBackupAt)
        assertRefused("conflict") { try engine.backupTo(actor: "it.admin", path: dest) }

        _ = try engine.createPrincipal(actor: "it.admin", input: person("after.backup", .sales))
        try assertRefusedUnchanged(engine, "permission_denied") {
            try engine.restoreFrom(actor: "li.na", path: dest)
        }
        try assertRefusedUnchanged(engine, "io") {
            try engine.restoreFrom(actor: "it.admin", path: self.dir.appendingPathComponent("nope.db").path)
        }
        let restored = try engine.restoreFrom(actor: "it.admin", path: dest)
        XCTAssertEqual(restored.headSeq, taken.headSeq)
        XCTAssertTrue(restored.withinRto)
        XCTAssertFalse(try engine.principals().map(\.handle).contains("after.backup"))
        let last = try engine.auditQuery(actor: "sun.li", query: AuditQuery()).last
        XCTAssertEqual(last?.action, "audit.restore")
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testATamperedBackupIsRefusedWithIntegrity() throws {
        let engine = try Engine.open(path: db)
        let dest = dir.appendingPathComponent("copy.db").path
        _ = try engine.backupTo(actor: "it.admin", path: dest)
        tamper(dest, "UPDATE audit_log SET detail = 'rewritten' WHERE seq = 2")
        let tampered = try fingerprint(dest)
        let error = try assertRefusedUnchanged(engine, "integrity") {
            try engine.restoreFrom(actor: "it.admin", path: dest)
        }
        guard case let .Integrity(seq, _)? = error else { return XCTFail() }
        XCTAssertEqual(seq, 2)
        XCTAssertEqual(try fingerprint(dest), tampered)
        XCTAssertTrue(try engine.verifyAudit().ok)
    }

    func testAnotherAppsDatabaseIsRefusedUntouched() throws {
        let foreign = dir.appendingPathComponent("notes.sqlite").path
        var handle: OpaquePointer?
        XCTAssertEqual(sqlite3_open(foreign, &handle), SQLITE_OK)
        XCTAssertEqual(sqlite3_exec(handle, "CREATE TABLE notes (body TEXT); "
            + "INSERT INTO notes VALUES ('do not touch')", nil, nil, nil), SQLITE_OK)
        sqlite3_close(handle)
        let before = try fingerprint(foreign)
        assertRefused("incompatible_database") { try Engine.open(path: foreign) }
        XCTAssertEqual(try fingerprint(foreign), before)
        let engine = try Engine.open(path: db)
        try assertRefusedUnchanged(engine, "incompatible_database") {
            try engine.restoreFrom(actor: "it.admin", path: foreign)
        }
        XCTAssertEqual(try fingerprint(foreign), before)

        let text = dir.appendingPathComponent("notes.txt").path
        try String(repeating: "just some notes\n", count: 100).write(toFile: text, atomically: true,
                                                                     encoding: .utf8)
        let textBefore = try fingerprint(text)
        assertRefused("corrupt") { try Engine.open(path: text) }
        XCTAssertEqual(try fingerprint(text), textBefore)
    }

    // MARK: async

    func testAsyncBackupAndRestore() async throws {
        let engine = try Engine.open(path: db)
        let dest = dir.appendingPathComponent("copy.db").path
        let taken = try await engine.backupToAsync(actor: "it.admin", path: dest)
        XCTAssertTrue(taken.verified)
        _ = try engine.createPrincipal(actor: "it.admin", input: person("after.backup", .sales))
        let restored = try await engine.restoreFromAsync(actor: "it.admin", path: dest)
        XCTAssertEqual(restored.headSeq, taken.headSeq)
        XCTAssertFalse(try engine.principals().map(\.handle).contains("after.backup"))
        do {
            _ = try await engine.backupToAsync(actor: "li.na", path: dest + ".2")
            XCTFail("expected permission_denied")
        } catch let error as BrandrailError {
            XCTAssertEqual(error.code(), "permission_denied")
        }
    }
}
