// Runs the shared acceptance vectors (tests/vectors/*.json at the repository
// root, format in their README) through the Swift API, exactly as
// core/tests/vectors.rs and bindings-swift/tests/test_vectors_uniffi.py do.

import Brandrail
import Foundation
import XCTest

final class VectorsTests: XCTestCase {
    /// bindings-swift/Tests/BrandrailTests/VectorsTests.swift → tests/vectors
    static let vectors = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .appendingPathComponent("../../../tests/vectors")
        .standardizedFileURL

    struct StepError: Error, CustomStringConvertible {
        let description: String
    }

    func testEveryVectorFile() throws {
        let files = try FileManager.default
            .contentsOfDirectory(at: Self.vectors, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        XCTAssertFalse(files.isEmpty, "no vectors in \(Self.vectors.path)")
        for file in files {
            try runFile(file)
        }
    }

    func runFile(_ file: URL) throws {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        let steps = doc?["steps"] as? [[String: Any]] ?? []
        let engine = try Engine.inMemory()
        for (i, step) in steps.enumerated() {
            let op = step["op"] as? String ?? ""
            let here = "\(file.lastPathComponent) step \(i) (\(op))"
            let expect = step["expect"] as? [String: Any] ?? [:]
            let got: [String: Any]
            do {
                got = try runStep(engine, op, step["actor"] as? String ?? "",
                                  step["args"] as? [String: Any] ?? [:])
            } catch let error as BrandrailError {
                XCTAssertEqual(error.code(), expect["error"] as? String, "\(here): \(error)")
                continue
            }
            XCTAssertNil(expect["error"], "\(here): expected an error, got \(got)")
            for (key, want) in expect["result"] as? [String: Any] ?? [:] {
                XCTAssertTrue(same(got[key], want), "\(here): field \(key) in \(got)")
            }
        }
    }

    /// JSON equality of a result value and an expected value.
    func same(_ a: Any?, _ b: Any) -> Bool {
        let box = { (v: Any?) -> Data? in
            try? JSONSerialization.data(withJSONObject: ["v": v ?? NSNull()], options: [.sortedKeys])
        }
        return box(a) == box(b)
    }

    func newPrincipal(_ a: [String: Any]) throws -> NewPrincipal {
        NewPrincipal(
            handle: a["handle"] as? String ?? "",
            displayName: a["display_name"] as? String ?? "",
            department: try parseDepartment(name: a["department"] as? String ?? ""),
            roles: a["roles"] as? [String]
        )
    }

    func principal(_ p: Principal) -> [String: Any] {
        ["handle": p.handle, "department": p.department.asStr(), "roles": p.roles, "active": p.active]
    }

    func media(_ m: MediaAccount) -> [String: Any] {
        ["id": m.id, "platform": m.platform.asStr(), "custodian": m.custodian,
         "has_credential": m.hasCredential]
    }

    func runStep(
        _ engine: Engine, _ op: String, _ actor: String, _ a: [String: Any]
    ) throws -> [String: Any] {
        let s = { (key: String) in a[key] as? String ?? "" }
        switch op {
        case "bootstrap":
            return principal(try engine.bootstrap(firstAdmin: newPrincipal(a)))
        case "create_principal":
            return principal(try engine.createPrincipal(actor: actor, input: newPrincipal(a)))
        case "create_principals":
            let inputs = try (a["principals"] as? [[String: Any]] ?? []).map(newPrincipal)
            return ["count": try engine.createPrincipals(actor: actor, inputs: inputs).count]
        case "grant_role":
            return principal(try engine.grantRole(actor: actor, handle: s("handle"), role: s("role")))
        case "revoke_role":
            return principal(try engine.revokeRole(actor: actor, handle: s("handle"), role: s("role")))
        case "deactivate_principal":
            let d = try engine.deactivatePrincipal(actor: actor, handle: s("handle"))
            return ["handle": d.principal.handle, "active": d.principal.active,
                    "custodian_of": d.custodianOf]
        case "can":
            return ["value": try engine.can(handle: s("handle"),
                                            permission: parsePermission(name: s("permission")))]
        case "register_media_account":
            return media(try engine.registerMediaAccount(actor: actor, input: NewMediaAccount(
                id: s("id"),
                platform: try parsePlatform(name: s("platform")),
                displayName: s("display_name"),
                ownerDepartment: try parseDepartment(name: s("owner_department")),
                custodian: s("custodian"),
                credential: a["credential"] as? String)))
        case "reassign_media_account":
            return media(try engine.reassignMediaAccount(actor: actor, id: s("id"),
                                                         custodian: s("custodian")))
        case "record_media_interaction":
            return media(try engine.recordMediaInteraction(actor: actor, id: s("id"), at: at(s("at"))))
        case "zombie_media_accounts":
            return ["ids": try engine.zombieMediaAccounts(asOf: at(s("as_of"))).map(\.account.id)]
        case "replace_policy_overlay":
            let next = try engine.policy().overlayToml(text: s("toml"))
            return ["version": try engine.replacePolicy(actor: actor, policy: next).version]
        case "policy_value":
            var value: Any? = try JSONSerialization.jsonObject(
                with: Data(engine.policy().toJson().utf8))
            for part in s("path").split(separator: ".") {
                value = (value as? [String: Any])?[String(part)]
            }
            return ["value": value ?? NSNull()]
        case "verify_audit":
            let v = try engine.verifyAudit()
            return ["ok": v.ok, "head_seq": v.headSeq, "first_bad_seq": v.firstBadSeq ?? NSNull()]
        case "audit_query":
            let outcome: Outcome? = switch a["outcome"] as? String ?? "" {
            case "applied": .applied
            case "denied": .denied
            default: nil
            }
            let records = try engine.auditQuery(actor: actor, query: AuditQuery(
                principal: a["principal"] as? String,
                entityId: a["entity_id"] as? String,
                action: a["action"] as? String,
                outcome: outcome))
            return ["count": records.count, "actions": records.map(\.action)]
        default:
            throw StepError(description: "unknown op \(op)")
        }
    }
}
