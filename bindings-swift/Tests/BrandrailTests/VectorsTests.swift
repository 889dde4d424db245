// Runs the shared acceptance vectors (tests/vectors/*.json at the repository
// root, format in their README) through the Swift API, exactly as
// core/tests/vectors.rs and bindings-swift/tests/test_vectors_uniffi.py do;
// a file with a top-level "clock" runs on a manual clock starting there, one
// with a top-level "secret_key" (64 hex digits) opens the engine with that
// 32-byte key, and the content ops of publishing.json, the customer ops of
// crm.json, the segment and value ops of segments.json (rules cross as JSON
// text), the fuzzy-duplicate ops of duplicates.json and the ticket, mention
// and crisis ops of service.json run as core/tests/vectors.rs maps them;
// advance_clock takes minutes or hours.
// Results are compared as the Rust runner does: every key given must match,
// objects inside arrays (compliance findings) on the keys they give; an
// expected error with a "field" must be a validation error naming it.

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
        // A file with a top-level "clock" runs on a manual clock starting there;
        // one with a top-level "secret_key" opens the engine with that key.
        var key: Data?
        if let hex = doc?["secret_key"] as? String {
            key = try XCTUnwrap(hexBytes(hex), "\(file.lastPathComponent): secret_key is not hex")
            XCTAssertEqual(key?.count, 32, "\(file.lastPathComponent): secret_key is not 32 bytes")
        }
        let engine = try Engine.inMemory(
            options: EngineOptions(secretKey: key, clockStart: (doc?["clock"] as? String).map(at)))
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
                // An expected "field" names the field of a validation error.
                if let field = expect["field"] as? String {
                    if case let .Validation(got, _) = error {
                        XCTAssertEqual(got, field, "\(here): \(error)")
                    } else {
                        XCTFail("\(here): expected a validation error on \(field), got \(error)")
                    }
                }
                continue
            }
            XCTAssertNil(expect["error"], "\(here): expected an error, got \(got)")
            for (key, want) in expect["result"] as? [String: Any] ?? [:] {
                XCTAssertTrue(subset(want, got[key] ?? NSNull()),
                              "\(here): field \(key): want \(want) in \(got)")
            }
        }
    }

    /// The bytes of an even number of hex digits; nil for anything else.
    func hexBytes(_ text: String) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes = Data()
        for i in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[i ..< i + 2], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// `want` matches `got` when equal, or, for objects, when every key `want`
    /// names matches (compliance findings are compared on the keys given);
    /// arrays match element by element and must be as long. As
    /// core/tests/vectors.rs compares.
    func subset(_ want: Any, _ got: Any) -> Bool {
        switch (want, got) {
        case let (want as [String: Any], got as [String: Any]):
            return want.allSatisfy { key, value in got[key].map { subset(value, $0) } ?? false }
        case let (want as [Any], got as [Any]):
            return want.count == got.count && zip(want, got).allSatisfy { subset($0, $1) }
        default:
            return same(got, want)
        }
    }

    /// JSON equality of a result value and an expected value.
    func same(_ a: Any?, _ b: Any) -> Bool {
        let box = { (v: Any?) -> Data? in
            try? JSONSerialization.data(withJSONObject: ["v": v ?? NSNull()], options: [.sortedKeys])
        }
        return box(a) == box(b)
    }

    /// An RFC 3339 time, or `now`, `now+3d`, `now-1h`, `now+5m` relative to
    /// the engine clock.
    func timeAt(_ engine: Engine, _ text: String) -> Date {
        guard text.hasPrefix("now") else { return at(text) }
        let rel = text.dropFirst("now".count)
        guard let sign = rel.first else { return engine.now() }
        guard let amount = Double(rel.dropFirst().dropLast()) else { fatalError("amount of \(text)") }
        let unit: Double = switch rel.last ?? " " {
        case "d": 86_400
        case "h": 3_600
        case "m": 60
        default: fatalError("unit of \(text)")
        }
        return engine.now().addingTimeInterval((sign == "-" ? -1 : 1) * amount * unit)
    }

    func subject(_ v: [String: Any]) throws -> Subject {
        Subject(
            kind: try parseSubjectKind(name: v["kind"] as? String ?? ""),
            reference: v["reference"] as? String ?? "",
            title: v["title"] as? String ?? "",
            attributes: v["attributes"] as? [String: String] ?? [:],
            attachments: (v["attachments"] as? [[String: Any]] ?? []).map {
                Attachment(kind: $0["kind"] as? String ?? "", name: $0["name"] as? String ?? "",
                           sha256: $0["sha256"] as? String ?? "", amount: $0["amount"] as? String)
            }
        )
    }

    func instance(_ i: ApprovalInstance) -> [String: Any] {
        ["id": i.id, "state": i.state.asStr(), "current_stage": i.currentStage ?? NSNull(),
         "round": i.round]
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
        let id = (a["id"] as? NSNumber)?.int64Value ?? 0
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
            return media(try engine.recordMediaInteraction(actor: actor, id: s("id"),
                                                           at: timeAt(engine, s("at"))))
        case "zombie_media_accounts":
            return ["ids": try engine.zombieMediaAccounts(asOf: timeAt(engine, s("as_of")))
                .map(\.account.id)]
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
            let outcome = try (a["outcome"] as? String).map { try parseOutcome(name: $0) }
            let records = try engine.auditQuery(actor: actor, query: AuditQuery(
                principal: a["principal"] as? String,
                entityId: a["entity_id"] as? String,
                action: a["action"] as? String,
                outcome: outcome))
            return ["count": records.count, "actions": records.map(\.action)]
        case "submit_approval":
            return instance(try engine.submitApproval(
                actor: actor, workflow: s("workflow"),
                subject: subject(a["subject"] as? [String: Any] ?? [:])))
        case "approve":
            return instance(try engine.approve(actor: actor, id: id,
                                               comment: a["comment"] as? String ?? "",
                                               checklist: a["checklist"] as? [String] ?? []))
        case "reject":
            return instance(try engine.reject(actor: actor, id: id, comment: s("comment")))
        case "return_for_changes":
            return instance(try engine.returnForChanges(actor: actor, id: id, comment: s("comment")))
        case "resubmit_approval":
            return instance(try engine.resubmitApproval(actor: actor, id: id, subject: nil))
        case "withdraw_approval":
            return instance(try engine.withdrawApproval(actor: actor, id: id, comment: s("comment")))
        case "approval_history":
            return ["kinds": try engine.approvalHistory(id: id).map { $0.kind.asStr() }]
        case "approval_tasks":
            return ["ids": try engine.approvalTasks(handle: s("handle")).map(\.instanceId)]
        case "delegate_approvals":
            let d = try engine.delegateApprovals(actor: actor, to: s("to"),
                                                 startsAt: timeAt(engine, s("starts_at")),
                                                 endsAt: timeAt(engine, s("ends_at")))
            return ["from": d.from, "to": d.to]
        case "advance_clock":
            // `{"minutes": n}` or `{"hours": n}`.
            let seconds = (a["minutes"] as? NSNumber).map { $0.int64Value * 60 }
                ?? ((a["hours"] as? NSNumber)?.int64Value ?? 0) * 3600
            let now = try engine.advanceClock(seconds: seconds)
            return ["now": ISO8601DateFormatter().string(from: now)]  // UTC, seconds, "Z"
        case "overdue_approvals":
            return ["ids": try engine.overdueApprovals(asOf: timeAt(engine, s("as_of")))
                .map(\.instanceId)]
        case "escalate_overdue_approvals":
            return ["ids": try engine.escalateOverdueApprovals(actor: actor).map(\.id)]
        case "approvals":
            let state = try (a["state"] as? String).map { try parseApprovalState(name: $0) }
            let filter = ApprovalFilter(submitter: a["submitter"] as? String, state: state,
                                        workflow: a["workflow"] as? String)
            return ["ids": try engine.approvals(filter: filter).map(\.id)]
        case "check_text":
            let text = s("text")
            let found = try engine.checkText(text: text)
            for f in found {
                // Both offset pairs cut `matched` out of the text: Unicode
                // scalars (`unicodeScalars`) and UTF-16 units (`NSRange`, Kotlin).
                XCTAssertEqual(byScalars(text, f), f.matched, "\(f)")
                XCTAssertEqual(byUTF16(text, f), f.matched, "\(f)")
            }
            let findings: [[String: String]] = found.map {
                ["rule_id": $0.ruleId, "category": $0.category, "severity": $0.severity.asStr(),
                 "term": $0.term, "matched": $0.matched]
            }
            return ["findings": findings, "count": found.count, "categories": found.map(\.category)]
        case "check_texts":
            let texts = a["texts"] as? [String] ?? []
            return ["counts": try engine.checkTexts(texts: texts).map(\.count)]
        default:
            return try runPublishing(engine, op, actor, a)
        }
    }

    // MARK: content (CON-1..CON-8), as core/tests/vectors.rs maps the ops

    func newContent(_ a: [String: Any]) throws -> NewContent {
        NewContent(
            kind: try parseContentKind(name: a["kind"] as? String ?? ""),
            title: a["title"] as? String ?? "",
            channel: a["channel"] as? String ?? "",
            isAd: a["is_ad"] as? Bool ?? false,
            sensitive: a["sensitive"] as? Bool ?? false,
            ugc: a["ugc"] as? Bool ?? false,
            format: a["format"] as? String,
            themeId: (a["theme_id"] as? NSNumber)?.int64Value
        )
    }

    func details(_ d: [String: Any]) -> VersionDetails {
        VersionDetails(
            durationSeconds: (d["duration_seconds"] as? NSNumber)?.uint32Value,
            paragraphSpacing: (d["paragraph_spacing"] as? NSNumber)?.doubleValue,
            template: d["template"] as? String,
            fonts: d["fonts"] as? [String] ?? [],
            palette: d["palette"] as? String,
            assets: (d["assets"] as? [NSNumber] ?? []).map(\.int64Value)
        )
    }

    func item(_ i: ContentItem) -> [String: Any] {
        ["id": i.id, "kind": i.kind.asStr(), "state": i.state.asStr(), "version": i.version,
         "channel": i.channel, "ugc": i.ugc, "format": i.format ?? NSNull(),
         "source_id": i.sourceId ?? NSNull(), "theme_id": i.themeId ?? NSNull(),
         "approval_id": i.approvalId ?? NSNull()]
    }

    func asset(_ x: Asset) -> [String: Any] {
        ["id": x.id, "kind": x.kind.asStr(), "source": x.source.asStr(), "label": x.label.asStr(),
         "state": x.state.asStr(), "owner": x.owner]
    }

    func variant(_ v: ContentVariant) -> [String: Any] {
        ["id": v.id, "kind": v.kind.asStr(), "style": v.style.asStr(), "label": v.label,
         "impressions": v.impressions, "clicks": v.clicks]
    }

    func plan(_ p: PublishingPlan) -> [String: Any] {
        var counts: [String: Any] = [:]
        for kind in PlanIssueKind.allCases {
            counts[kind.asStr()] = p.issues.filter { $0.kind == kind }.count
        }
        return ["from": p.from, "to": p.to, "entry_ids": p.entries.map(\.itemId),
                "local_times": p.entries.map(\.localTime), "issue_counts": counts,
                "hot_dates": p.hotDates.map(\.name), "theme_ids": p.themes.map(\.id)]
    }

    /// `text` between two offsets counting Unicode scalars, and between two
    /// counting UTF-16 units (`NSRange`, Kotlin).
    func slices(_ text: String, _ i: ChecklistIssue) -> (String?, String?) {
        guard let start = i.start, let end = i.end, let u16s = i.utf16Start, let u16e = i.utf16End,
              start <= end, end <= UInt64(text.unicodeScalars.count),
              u16s <= u16e, u16e <= UInt64(text.utf16.count) else { return (nil, nil) }
        let scalars = text.unicodeScalars
        let byScalars = String(scalars[scalars.index(scalars.startIndex, offsetBy: Int(start))
            ..< scalars.index(scalars.startIndex, offsetBy: Int(end))])
        let byUnits = NSString(string: text).substring(
            with: NSRange(location: Int(u16s), length: Int(u16e - u16s)))
        return (byScalars, byUnits)
    }

    func runPublishing(
        _ engine: Engine, _ op: String, _ actor: String, _ a: [String: Any]
    ) throws -> [String: Any] {
        let s = { (key: String) in a[key] as? String ?? "" }
        let int = { (key: String) in (a[key] as? NSNumber)?.int64Value ?? 0 }
        switch op {
        case "plan_content":
            return item(try engine.planContent(actor: actor, input: newContent(a)))
        case "edit_content":
            if let d = a["details"] as? [String: Any] {
                return item(try engine.editContentWith(actor: actor, id: int("id"), draft: ContentDraft(
                    title: s("title"), body: s("body"), details: details(d))))
            }
            return item(try engine.editContent(actor: actor, id: int("id"), title: s("title"),
                                               body: s("body")))
        case "submit_content":
            return item(try engine.submitContent(actor: actor, id: int("id")))
        case "schedule_content":
            return item(try engine.scheduleContent(actor: actor, id: int("id"),
                                                   at: timeAt(engine, s("at"))))
        case "publish_content":
            return item(try engine.publishContent(actor: actor, id: int("id")))
        case "derive_content":
            return item(try engine.deriveContent(actor: actor, sourceId: int("source_id"),
                                                 input: newContent(a)))
        case "prepublish_check":
            let r = try engine.prepublishCheck(id: int("id"))
            let version = try engine.contentVersions(id: int("id")).first { $0.version == r.version }
            for i in r.issues where i.start != nil {
                // Both offset pairs cut `matched` out of its field.
                let (byScalars, byUnits) = slices(
                    i.field == "title" ? version?.title ?? "" : version?.body ?? "", i)
                XCTAssertEqual(byScalars, i.matched, "\(i)")
                XCTAssertEqual(byUnits, i.matched, "\(i)")
            }
            return ["passed": r.passed,
                    "checks": r.issues.map { $0.check.asStr() },
                    "rules": r.issues.map(\.rule),
                    "severities": r.issues.map { $0.severity.asStr() },
                    "matched": r.issues.map { i -> Any in i.matched ?? NSNull() },
                    "finding_rules": (r.titleFindings + r.bodyFindings).map(\.ruleId)]
        case "add_asset":
            let authorization = (a["authorization"] as? [String: Any]).map { au in
                UgcAuthorization(
                    grantedBy: au["granted_by"] as? String ?? "",
                    reference: au["reference"] as? String ?? "",
                    signedAt: timeAt(engine, au["signed_at"] as? String ?? ""),
                    expiresAt: (au["expires_at"] as? String).map { timeAt(engine, $0) },
                    scope: au["scope"] as? String ?? "")
            }
            return asset(try engine.addAsset(actor: actor, input: NewAsset(
                kind: try parseAssetKind(name: s("kind")),
                name: s("name"),
                uri: s("uri"),
                source: try parseAssetSource(name: s("source")),
                label: try parseConfidentiality(name: s("label")),
                authorization: authorization,
                readers: a["readers"] as? [String] ?? [])))
        case "asset":
            return asset(try engine.asset(actor: actor, id: int("id")))
        case "assets":
            return ["ids": try engine.assets(actor: actor).map(\.id)]
        case "retire_asset":
            return asset(try engine.retireAsset(actor: actor, id: int("id")))
        case "add_theme":
            let t = try engine.addTheme(actor: actor, input: NewTheme(
                name: s("name"), starts: s("starts"), ends: s("ends"),
                hotDate: a["hot_date"] as? String, description: s("description")))
            return ["id": t.id, "name": t.name, "starts": t.starts, "ends": t.ends]
        case "week_plan":
            return plan(try engine.weekPlan(date: s("date")))
        case "quarter_plan":
            return plan(try engine.quarterPlan(year: (a["year"] as? NSNumber)?.int32Value ?? 0,
                                               quarter: (a["quarter"] as? NSNumber)?.uint32Value ?? 0))
        case "add_variant":
            let style = try (a["style"] as? String).map { try parseVariantStyle(name: $0) }
            return variant(try engine.addVariant(actor: actor, itemId: int("id"), input: NewVariant(
                kind: try parseVariantKind(name: s("kind")), text: s("text"), style: style)))
        case "record_variant_results":
            return variant(try engine.recordVariantResults(
                actor: actor, variantId: int("variant_id"),
                impressions: (a["impressions"] as? NSNumber)?.uint64Value ?? 0,
                clicks: (a["clicks"] as? NSNumber)?.uint64Value ?? 0))
        default:
            return try runCRM(engine, op, actor, a)
        }
    }

    // MARK: customers (CRM-1..CRM-8), as core/tests/vectors.rs maps the ops

    /// A record of `[kind, value]` identities, a name, profile fields and a
    /// declared purpose (CRM-5); an unknown kind is the core's validation
    /// error, as in the Rust runner.
    func customerRecord(_ v: [String: Any]) throws -> CustomerRecord {
        CustomerRecord(
            identities: try (v["identities"] as? [[String]] ?? []).map {
                Identity(kind: try parseIdentityKind(name: $0.first ?? ""), value: $0.last ?? "")
            },
            name: v["name"] as? String,
            profile: v["profile"] as? [String: String] ?? [:],
            purpose: v["purpose"] as? String
        )
    }

    func runCRM(
        _ engine: Engine, _ op: String, _ actor: String, _ a: [String: Any]
    ) throws -> [String: Any] {
        let s = { (key: String) in a[key] as? String ?? "" }
        let id = (a["id"] as? NSNumber)?.int64Value ?? 0
        switch op {
        case "ingest_customers":
            let records = try (a["records"] as? [[String: Any]] ?? []).map(customerRecord)
            let r = try engine.ingestCustomers(actor: actor, records: records)
            return ["rows": r.rows, "created": r.created, "updated": r.updated, "merged": r.merged,
                    "customer_ids": r.customerIds.map { id -> Any in id ?? NSNull() },
                    "purposes_declared": r.purposesDeclared,
                    "error_rows": r.errors.map(\.row),
                    "error_fields": r.errors.map(\.field),
                    "error_codes": r.errors.map(\.code)]
        case "customer":
            let c = try engine.customer(actor: actor, id: id)
            return ["id": c.id,
                    "identities": c.identities.map { [$0.kind.asStr(), $0.value] },
                    "name": c.name ?? NSNull(), "profile": c.profile, "merged_ids": c.mergedIds,
                    "masked": c.masked]
        case "find_customer":
            let found = try engine.findCustomer(actor: actor, kind: parseIdentityKind(name: s("kind")),
                                                value: s("value"))
            return ["id": found ?? NSNull()]
        case "customer_count":
            return ["value": try engine.customerCount()]
        case "record_consent":
            let inForce = try engine.recordConsent(actor: actor, customerId: id, change: ConsentChange(
                channel: s("channel"), purpose: s("purpose"),
                granted: a["granted"] as? Bool ?? false, evidence: s("evidence")))
            return ["in_force": inForce.map { [$0.channel, $0.purpose, $0.granted] as [Any] }]
        case "record_send":
            _ = try engine.recordSend(actor: actor, customerId: id, channel: s("channel"),
                                      purpose: s("purpose"))
            return ["ok": true]
        case "export_customer":
            let text = try engine.exportCustomer(actor: actor, customerId: id)
            let doc = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
            return ["customer_id": doc["customer_id"] ?? NSNull(),
                    "merged_ids": doc["merged_ids"] ?? NSNull(),
                    "name": doc["name"] ?? NSNull(),
                    "identity_count": (doc["identities"] as? [Any])?.count ?? 0,
                    "source_count": (doc["sources"] as? [Any])?.count ?? 0,
                    "send_count": (doc["sends"] as? [Any])?.count ?? 0]
        case "erase_customer":
            return ["customer_ids": try engine.eraseCustomer(actor: actor, customerId: id,
                                                             reason: s("reason")).customerIds]
        case "record_interactions":
            let rows = try (a["rows"] as? [[String: Any]] ?? []).map { r in
                NewInteraction(
                    customerId: (r["customer_id"] as? NSNumber)?.int64Value ?? 0,
                    kind: try parseInteractionKind(name: r["kind"] as? String ?? ""),
                    at: timeAt(engine, r["at"] as? String ?? ""),
                    page: r["page"] as? String,
                    amount: r["amount"] as? String,
                    channel: r["channel"] as? String
                )
            }
            let r = try engine.recordInteractions(actor: actor, interactions: rows)
            return ["rows": r.rows, "recorded": r.recorded,
                    "error_rows": r.errors.map(\.row),
                    "error_fields": r.errors.map(\.field)]
        default:
            return try runSegments(engine, op, actor, a)
        }
    }

    // MARK: segments and value (CRM-4, CRM-11), as core/tests/vectors.rs maps the ops

    /// A rule of the vector as the JSON text the binding takes.
    func ruleJSON(_ rule: Any?) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: rule ?? NSNull()), as: UTF8.self)
    }

    func segment(_ x: Segment) throws -> [String: Any] {
        let rule = try JSONSerialization.jsonObject(with: Data(x.ruleJson.utf8))
        return ["name": x.name, "origin": x.origin.asStr(), "label": x.label, "members": x.members,
                "rule": rule]
    }

    /// A tier's stable name, or JSON null for a customer outside the community.
    func tierName(_ tier: Tier?) -> Any {
        if let tier { return tier.asStr() }
        return NSNull()
    }

    func runSegments(
        _ engine: Engine, _ op: String, _ actor: String, _ a: [String: Any]
    ) throws -> [String: Any] {
        let s = { (key: String) in a[key] as? String ?? "" }
        let id = (a["id"] as? NSNumber)?.int64Value ?? 0
        switch op {
        case "define_segment":
            return try segment(engine.defineSegment(actor: actor, def: SegmentDef(
                name: s("name"), label: s("label"), description: s("description"),
                ruleJson: ruleJSON(a["rule"]))))
        case "segment":
            return try segment(engine.segment(actor: actor, name: s("name")))
        case "segments":
            let all = try engine.segments(actor: actor)
            return ["names": all.map(\.name), "origins": all.map { $0.origin.asStr() },
                    "members": all.map(\.members)]
        case "delete_segment":
            try engine.deleteSegment(actor: actor, name: s("name"))
            return ["ok": true]
        case "refresh_segments":
            var out: [String: Any] = [:]
            for r in try engine.refreshSegments(actor: actor) {
                out[r.name] = ["full": r.full, "evaluated": r.evaluated, "added": r.added,
                               "removed": r.removed, "members": r.members] as [String: Any]
            }
            return out
        case "segment_members":
            let m = try engine.segmentMembers(
                actor: actor, name: s("name"),
                offset: (a["offset"] as? NSNumber)?.uint64Value ?? 0,
                limit: (a["limit"] as? NSNumber)?.uint64Value ?? 0)
            return ["customer_ids": m.map(\.customerId), "stages": m.map { $0.stage.asStr() },
                    "tiers": m.map { tierName($0.tier) }]
        case "count_customers":
            return ["value": try engine.countCustomers(actor: actor, ruleJson: ruleJSON(a["rule"]))]
        case "customer_standing":
            let x = try engine.customerStanding(actor: actor, customerId: id)
            return ["customer_id": x.customerId, "stage": x.stage.asStr(), "tier": tierName(x.tier),
                    "engagements": x.engagements, "product_views": x.productViews,
                    "purchases_in_window": x.purchasesInWindow, "window_days": x.windowDays]
        case "lifecycle_distribution":
            let d = try engine.lifecycleDistribution(actor: actor)
            return ["customers": d.customers, "awareness": d.awareness, "interest": d.interest,
                    "decision": d.decision, "loyalty": d.loyalty, "tier_new": d.tierNew,
                    "tier_repeat": d.tierRepeat, "tier_vip": d.tierVip]
        case "rfm":
            let r = try engine.rfm(actor: actor)
            return ["customer_ids": r.map(\.customerId), "recency_days": r.map(\.recencyDays),
                    "frequency": r.map(\.frequency), "monetary": r.map(\.monetary),
                    "recency_scores": r.map(\.recencyScore),
                    "frequency_scores": r.map(\.frequencyScore),
                    "monetary_scores": r.map(\.monetaryScore)]
        case "customer_value":
            let v = try engine.customerValue(
                actor: actor, from: timeAt(engine, s("from")), to: timeAt(engine, s("to")),
                acquisitionSpend: a["acquisition_spend"] as? String)
            return ["buyers": v.buyers, "purchases": v.purchases, "revenue": v.revenue,
                    "average_order_value": v.averageOrderValue, "repeat_buyers": v.repeatBuyers,
                    "new_customers": v.newCustomers, "cac": v.cac.map { $0 as Any } ?? NSNull()]
        default:
            return try runService(engine, op, actor, a)
        }
    }

    // MARK: fuzzy duplicates (CRM-2), service (CRM-9), opinion (CRM-10), as core/tests/vectors.rs maps the ops

    /// An optional value as itself, or JSON null.
    func orNull<T>(_ value: T?) -> Any {
        if let value { return value }
        return NSNull()
    }

    func ticket(_ t: Ticket) -> [String: Any] {
        ["id": t.id, "state": t.state.asStr(), "department": t.department.asStr(),
         "auto_answer": orNull(t.autoAnswer), "within_sla": orNull(t.withinSla),
         "satisfaction": orNull(t.satisfaction), "response_by": t.responses.map(\.by)]
    }

    func crisis(_ c: Crisis) -> [String: Any] {
        ["id": c.id, "kind": c.kind, "lead_department": c.leadDepartment.asStr(),
         "review_department": c.reviewDepartment.asStr(), "opened_by": c.openedBy,
         // Whole minutes, as the Rust runner's `num_minutes`.
         "due_in_minutes": Int64(c.firstResponseDue.timeIntervalSince(c.openedAt) / 60),
         "within_deadline": orNull(c.withinDeadline), "closed": c.closedAt != nil,
         "alert_ids": c.alertIds]
    }

    func runService(
        _ engine: Engine, _ op: String, _ actor: String, _ a: [String: Any]
    ) throws -> [String: Any] {
        let s = { (key: String) in a[key] as? String ?? "" }
        let int = { (key: String) in (a[key] as? NSNumber)?.int64Value ?? 0 }
        let id = int("id")
        switch op {
        case "duplicate_candidates":
            let r = try engine.duplicateCandidates(
                actor: actor, threshold: (a["threshold"] as? NSNumber)?.doubleValue,
                limit: (a["limit"] as? NSNumber)?.uint64Value ?? 0)
            return ["threshold": r.threshold, "customers": r.customers,
                    "pairs": r.candidates.map { [$0.customerId, $0.otherId] },
                    "fields": r.candidates.map { $0.reasons.map(\.field) }]
        case "merge_customers":
            return ["identities_moved": try engine.mergeCustomers(
                actor: actor, survivorId: int("survivor_id"), mergedId: int("merged_id"))]
        case "undo_merge":
            let u = try engine.undoMerge(actor: actor, mergedId: id)
            return ["customer_id": u.customerId, "survivor_id": u.survivorId,
                    "identities_restored": u.identitiesRestored]
        case "mark_distinct":
            try engine.markDistinct(actor: actor, a: int("a"), b: int("b"))
            return ["ok": true]
        case "open_ticket":
            return ticket(try engine.openTicket(actor: actor, ticket: NewTicket(
                customerId: (a["customer_id"] as? NSNumber)?.int64Value,
                channel: s("channel"),
                category: try parseTicketCategory(name: s("category")),
                subject: s("subject"),
                body: s("body"))))
        case "respond_ticket":
            return ticket(try engine.respondTicket(actor: actor, id: id, message: s("message")))
        case "route_ticket":
            return ticket(try engine.routeTicket(actor: actor, id: id,
                                                 department: parseDepartment(name: s("department"))))
        case "resolve_ticket":
            return ticket(try engine.resolveTicket(actor: actor, id: id))
        case "rate_ticket":
            return ticket(try engine.rateTicket(actor: actor, id: id,
                                                score: (a["score"] as? NSNumber)?.uint8Value ?? 0))
        case "ticket":
            return ticket(try engine.ticket(actor: actor, id: id))
        case "overdue_tickets":
            return ["ids": try engine.overdueTickets(actor: actor).map(\.id)]
        case "service_report":
            let r = try engine.serviceReport(actor: actor, from: timeAt(engine, s("from")),
                                             to: timeAt(engine, s("to")))
            return ["tickets": r.tickets, "auto_answered": r.autoAnswered, "responded": r.responded,
                    "within_sla": r.withinSla, "overdue": r.overdue, "complaints": r.complaints,
                    "complaints_by_department": r.complaintsByDepartment.map {
                        [$0.department.asStr(), $0.count] as [Any]
                    },
                    "rated": r.rated, "satisfaction_average": orNull(r.satisfactionAverage),
                    "meets_target": orNull(r.meetsTarget)]
        case "record_mentions":
            let rows = (a["mentions"] as? [[String: Any]] ?? []).map { m in
                NewMention(
                    platform: m["platform"] as? String ?? "",
                    author: m["author"] as? String ?? "",
                    text: m["text"] as? String ?? "",
                    at: timeAt(engine, m["at"] as? String ?? ""),
                    url: m["url"] as? String,
                    reach: (m["reach"] as? NSNumber)?.uint64Value
                )
            }
            let r = try engine.recordMentions(actor: actor, mentions: rows)
            return ["rows": r.rows, "recorded": r.recorded,
                    "error_rows": r.errors.map(\.row), "error_fields": r.errors.map(\.field),
                    "severities": r.alerts.map { $0.severity.asStr() },
                    "escalated": r.alerts.map(\.escalated), "crises_opened": r.crisesOpened]
        case "escalated_alerts":
            return ["count": try engine.escalatedAlerts(actor: actor).count]
        case "opinion_alerts":
            return ["ids": try engine.opinionAlerts(actor: actor,
                                                    openOnly: a["open_only"] as? Bool ?? false).map(\.id)]
        case "handle_alert":
            return ["state": try engine.handleAlert(actor: actor, id: id).state]
        case "open_crisis":
            let ids = (a["alert_ids"] as? [NSNumber] ?? []).map(\.int64Value)
            return crisis(try engine.openCrisis(actor: actor, alertIds: ids, summary: s("summary")))
        case "respond_crisis":
            return crisis(try engine.respondCrisis(actor: actor, id: id, statement: s("statement")))
        case "close_crisis":
            return crisis(try engine.closeCrisis(actor: actor, id: id))
        case "crises":
            return ["crises": try engine.crises(actor: actor,
                                                overdueOnly: a["overdue_only"] as? Bool ?? false).map(crisis)]
        default:
            throw StepError(description: "unknown op \(op)")
        }
    }
}
