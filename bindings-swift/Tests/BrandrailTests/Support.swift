// Helpers shared by the XCTest cases. They mirror bindings-swift/tests/uniffi_support.py,
// which runs the same scenarios through uniffi's Python bindings on machines
// without a Swift toolchain.

import Brandrail
import Foundation
import XCTest

let secretKey = Data((0..<32).map { UInt8($0) })

/// An RFC 3339 UTC time.
func at(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    guard let date = formatter.date(from: text) else { fatalError("not RFC 3339: \(text)") }
    return date
}

func person(
    _ handle: String, _ department: Department, _ displayName: String? = nil, roles: [String]? = nil
) -> NewPrincipal {
    NewPrincipal(
        handle: handle,
        displayName: displayName ?? handle.replacingOccurrences(of: ".", with: " ").capitalized,
        department: department,
        roles: roles
    )
}

/// it.admin (IT), li.na (marketing), chen.jie (brand), zhao.min (executive +
/// supervisor), sun.li (legal).
func seed(_ engine: Engine) throws {
    _ = try engine.bootstrap(firstAdmin: person("it.admin", .it, "王强"))
    _ = try engine.createPrincipals(actor: "it.admin", inputs: [
        person("li.na", .marketing, "李娜"),
        person("chen.jie", .brand, "陈杰 Jie Chen"),
        person("zhao.min", .executive, "赵敏", roles: ["executive", "supervisor"]),
        person("sun.li", .legal, "孙丽"),
    ])
}

func seededEngine(options: EngineOptions = EngineOptions()) throws -> Engine {
    let engine = try Engine.inMemory(options: options)
    try seed(engine)
    return engine
}

func media(
    _ id: String = "douyin-main", custodian: String = "li.na", credential: String? = nil
) -> NewMediaAccount {
    NewMediaAccount(
        id: id,
        platform: .douyin,
        displayName: "品牌抖音",
        ownerDepartment: .marketing,
        custodian: custodian,
        credential: credential
    )
}

/// Every approval. Ids run from 1 without gaps (a refused submission takes
/// none), so the first missing id ends the list.
func allApprovals(_ engine: Engine) throws -> [ApprovalInstance] {
    var out: [ApprovalInstance] = []
    while true {
        do {
            out.append(try engine.approval(id: Int64(out.count + 1)))
        } catch BrandrailError.NotFound {
            return out
        }
    }
}

/// Everything a refused call must leave as it was (the audit log aside).
struct Snapshot: Equatable {
    let principals: [Principal]
    let mediaAccounts: [MediaAccount]
    let policyHistory: [PolicyVersion]
    let policyDigest: String
    let approvals: [ApprovalInstance]
    let approvalHistories: [[ApprovalEvent]]
    let delegations: [[Delegation]]

    init(_ engine: Engine) throws {
        let principals = try engine.principals()
        self.principals = principals
        mediaAccounts = try engine.mediaAccounts()
        policyHistory = try engine.policyHistory()
        policyDigest = try engine.policy().digest()
        let approvals = try allApprovals(engine)
        self.approvals = approvals
        approvalHistories = try approvals.map { try engine.approvalHistory(id: $0.id) }
        delegations = try principals.map { try engine.delegations(handle: $0.handle) }
    }
}

/// Runs `body`, asserts it throws the BrandrailError with `code`, returns it.
@discardableResult
func assertRefused<T>(
    _ code: String,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> T
) -> BrandrailError? {
    do {
        let value = try body()
        XCTFail("expected \(code), got \(value)", file: file, line: line)
    } catch let error as BrandrailError {
        XCTAssertEqual(error.code(), code, "\(error)", file: file, line: line)
        return error
    } catch {
        XCTFail("not a BrandrailError: \(error)", file: file, line: line)
    }
    return nil
}

/// As `assertRefused`, and asserts the call changed nothing: the same state,
/// and the audit log grew by exactly the refusal record for
/// `permission_denied` and `separation_of_duties`, by nothing otherwise.
@discardableResult
func assertRefusedUnchanged<T>(
    _ engine: Engine,
    _ code: String,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> T
) throws -> BrandrailError? {
    let before = try Snapshot(engine)
    let logBefore = try engine.auditLen()
    let error = assertRefused(code, file: file, line: line, body)
    XCTAssertEqual(try Snapshot(engine), before, "state changed", file: file, line: line)
    let grew = try engine.auditLen() - logBefore
    let audited = ["permission_denied", "separation_of_duties"].contains(code)
    XCTAssertEqual(grew, audited ? 1 : 0, "audit log grew by \(grew)", file: file, line: line)
    return error
}

/// As `assertRefusedUnchanged` for a `PermissionDenied` with `reason`;
/// returns the permission that was required.
@discardableResult
func assertDenied<T>(
    _ engine: Engine,
    _ reason: DenialReason,
    file: StaticString = #filePath,
    line: UInt = #line,
    _ body: () throws -> T
) throws -> String? {
    let error = try assertRefusedUnchanged(engine, "permission_denied", file: file, line: line, body)
    guard case let .PermissionDenied(_, permission, got, _)? = error else { return nil }
    XCTAssertEqual(got, reason, file: file, line: line)
    return permission
}

/// A fresh directory for database files, removed by the test's tearDown.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("brandrail-tests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

// MARK: approvals

/// An in-memory engine with the reviewers of every built-in workflow; on a
/// manual clock from `clockStart` when given.
func company(clockStart: Date? = nil) throws -> Engine {
    let engine = try Engine.inMemory(options: EngineOptions(clockStart: clockStart))
    _ = try engine.bootstrap(firstAdmin: person("it.admin", .it, "王强"))
    _ = try engine.createPrincipals(actor: "it.admin", inputs: [
        person("li.na", .marketing, roles: ["marketing_staff"]),
        person("ma.head", .marketing, roles: ["marketing_staff", "supervisor"]),
        person("chen.jie", .brand, roles: ["brand_staff"]),
        person("gao.brand", .brand, roles: ["brand_staff"]),
        person("sun.li", .legal, roles: ["legal_staff"]),
        person("zhou.fan", .finance, roles: ["finance_staff"]),
        person("qian.pay", .finance, roles: ["finance_staff"]),
        person("zhao.min", .executive, roles: ["executive", "supervisor"]),
        person("hu.hr", .hr, roles: ["hr_staff"]),
        person("sales.head", .sales, roles: ["sales_staff", "supervisor"]),
    ])
    return engine
}

let invoiceSha256 = String(repeating: "ab", count: 32)

func adCopy(_ reference: String = "content-17/v3", sensitive: Bool = false) -> Subject {
    var attributes = ["is_ad": "true"]
    if sensitive { attributes["sensitive"] = "true" }
    return Subject(kind: .contentVersion, reference: reference, title: "双十一 广告文案",
                   attributes: attributes)
}

func plainPost() -> Subject {
    Subject(kind: .contentVersion, reference: "content-18/v1", title: "门店探店笔记")
}

func invoice(_ amount: String? = "1280.50", sha256: String = invoiceSha256) -> Attachment {
    Attachment(kind: "invoice", name: "发票-0001.pdf", sha256: sha256, amount: amount)
}

func claim(_ attachments: [Attachment]) -> Subject {
    Subject(kind: .expenseClaim, reference: "claim-2026-031", title: "上海展会差旅",
            attributes: ["amount": "1280.50"], attachments: attachments)
}

// MARK: compliance

/// The part of `text` between `finding.start` and `finding.end`, which count
/// Unicode scalars; nil when they do not lie inside `text`.
func byScalars(_ text: String, _ finding: Finding) -> String? {
    let scalars = text.unicodeScalars
    guard finding.start <= finding.end, finding.end <= UInt64(scalars.count) else { return nil }
    let from = scalars.index(scalars.startIndex, offsetBy: Int(finding.start))
    let to = scalars.index(scalars.startIndex, offsetBy: Int(finding.end))
    return String(scalars[from..<to])
}

/// The part of `text` between `finding.utf16Start` and `finding.utf16End`, as
/// an `NSRange` (or Kotlin's `substring`) takes it; nil when they do not lie
/// inside `text`.
func byUTF16(_ text: String, _ finding: Finding) -> String? {
    guard finding.utf16Start <= finding.utf16End,
          finding.utf16End <= UInt64(text.utf16.count) else { return nil }
    let range = NSRange(location: Int(finding.utf16Start),
                        length: Int(finding.utf16End - finding.utf16Start))
    return NSString(string: text).substring(with: range)
}

/// Asserts that both offset pairs of every finding cut its `matched` out of
/// `text`, that each names a legal basis and a rewrite, and that the findings
/// come ordered by position. Returns them.
@discardableResult
func assertLocated(
    _ text: String, _ findings: [Finding], file: StaticString = #filePath, line: UInt = #line
) -> [Finding] {
    for f in findings {
        XCTAssertLessThan(f.start, f.end, "\(f)", file: file, line: line)
        XCTAssertEqual(byScalars(text, f), f.matched, "\(f)", file: file, line: line)
        XCTAssertEqual(byUTF16(text, f), f.matched, "\(f)", file: file, line: line)
        XCTAssertFalse(f.legalBasis.isEmpty || f.suggestion.isEmpty, "\(f)", file: file, line: line)
    }
    let spans = findings.map { [$0.start, $0.end] }
    XCTAssertEqual(spans, spans.sorted { $0.lexicographicallyPrecedes($1) }, file: file, line: line)
    return findings
}

/// `checkText(text:)` with every finding located (`assertLocated`).
func checked(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Finding] {
    try assertLocated(text, checkText(text: text), file: file, line: line)
}
