"""Runs the shared acceptance vectors (`tests/vectors/*.json`, format in their
README) through the uniffi API, exactly as `core/tests/vectors.rs` runs them
through Rust, the content ops of `publishing.json`, the customer ops of
`crm.json`, the segment and value ops of `segments.json` (rules cross as JSON
text), the fuzzy-duplicate ops of `duplicates.json` and the ticket, mention
and crisis ops of `service.json` included. `advance_clock` takes `minutes` or
`hours`; a `customer`'s `profile` is compared on the fields the vector gives.
A file with a top-level `clock` runs on a manual clock
starting there; one with a top-level `secret_key` (64 hex digits) opens the
engine with that 32-byte key. Results are compared
as the Rust runner does: every key given must be equal, and objects inside
lists (compliance findings) on the keys they give; an expected error with a
`field` must be a validation error naming that field. A disagreement is a bug
in this binding.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from uniffi_support import UTC, VECTORS, at, br

FILES = sorted(VECTORS.glob("*.json"))


UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def time_at(engine, text: str) -> dt.datetime:
    """An RFC 3339 time, or `now`, `now+3d`, `now-1h`, `now+5m` relative to
    the engine clock."""
    if not text.startswith("now"):
        return at(text)
    rel = text[len("now") :]
    if not rel:
        return engine.now()
    sign, amount, unit = rel[0], int(rel[1:-1]), rel[-1]
    delta = dt.timedelta(**{UNITS[unit]: amount})
    return engine.now() - delta if sign == "-" else engine.now() + delta


def subject(v: dict):
    return br.Subject(
        kind=br.parse_subject_kind(v["kind"]),
        reference=v["reference"],
        title=v["title"],
        attributes=dict(v.get("attributes", {})),
        attachments=[
            br.Attachment(
                kind=a["kind"], name=a["name"], sha256=a["sha256"], amount=a.get("amount")
            )
            for a in v.get("attachments", [])
        ],
    )


def instance(i) -> dict:
    return {
        "id": i.id,
        "state": i.state.as_str(),
        "current_stage": i.current_stage,
        "round": i.round,
    }


def new_principal(a: dict):
    return br.NewPrincipal(
        handle=a["handle"],
        display_name=a["display_name"],
        department=br.parse_department(a["department"]),
        roles=a.get("roles"),
    )


def principal(p) -> dict:
    return {
        "handle": p.handle,
        "department": p.department.as_str(),
        "roles": p.roles,
        "active": p.active,
    }


def media(m) -> dict:
    return {
        "id": m.id,
        "platform": m.platform.as_str(),
        "custodian": m.custodian,
        "has_credential": m.has_credential,
    }


def run(engine, op: str, actor: str, a: dict) -> dict:
    if op == "bootstrap":
        return principal(engine.bootstrap(new_principal(a)))
    if op == "create_principal":
        return principal(engine.create_principal(actor, new_principal(a)))
    if op == "create_principals":
        inputs = [new_principal(p) for p in a["principals"]]
        return {"count": len(engine.create_principals(actor, inputs))}
    if op == "grant_role":
        return principal(engine.grant_role(actor, a["handle"], a["role"]))
    if op == "revoke_role":
        return principal(engine.revoke_role(actor, a["handle"], a["role"]))
    if op == "deactivate_principal":
        d = engine.deactivate_principal(actor, a["handle"])
        return {
            "handle": d.principal.handle,
            "active": d.principal.active,
            "custodian_of": d.custodian_of,
        }
    if op == "can":
        return {"value": engine.can(a["handle"], br.parse_permission(a["permission"]))}
    if op == "register_media_account":
        return media(
            engine.register_media_account(
                actor,
                br.NewMediaAccount(
                    id=a["id"],
                    platform=br.parse_platform(a["platform"]),
                    display_name=a["display_name"],
                    owner_department=br.parse_department(a["owner_department"]),
                    custodian=a["custodian"],
                    credential=a.get("credential"),
                ),
            )
        )
    if op == "reassign_media_account":
        return media(engine.reassign_media_account(actor, a["id"], a["custodian"]))
    if op == "record_media_interaction":
        return media(engine.record_media_interaction(actor, a["id"], time_at(engine, a["at"])))
    if op == "zombie_media_accounts":
        zombies = engine.zombie_media_accounts(time_at(engine, a["as_of"]))
        return {"ids": [z.account.id for z in zombies]}
    if op == "replace_policy_overlay":
        following = engine.policy().overlay_toml(a["toml"])
        return {"version": engine.replace_policy(actor, following).version}
    if op == "policy_value":
        value = json.loads(engine.policy().to_json())
        for part in a["path"].split("."):
            value = value.get(part) if isinstance(value, dict) else None
        return {"value": value}
    if op == "verify_audit":
        v = engine.verify_audit()
        return {"ok": v.ok, "head_seq": v.head_seq, "first_bad_seq": v.first_bad_seq}
    if op == "audit_query":
        query = br.AuditQuery(
            principal=a.get("principal"),
            action=a.get("action"),
            entity_id=a.get("entity_id"),
            outcome=br.parse_outcome(a["outcome"]) if "outcome" in a else None,
        )
        records = engine.audit_query(actor, query)
        return {"count": len(records), "actions": [r.action for r in records]}
    if op == "submit_approval":
        return instance(engine.submit_approval(actor, a["workflow"], subject(a["subject"])))
    if op == "approve":
        return instance(
            engine.approve(actor, a["id"], a.get("comment", ""), a.get("checklist", []))
        )
    if op == "reject":
        return instance(engine.reject(actor, a["id"], a["comment"]))
    if op == "return_for_changes":
        return instance(engine.return_for_changes(actor, a["id"], a["comment"]))
    if op == "resubmit_approval":
        return instance(engine.resubmit_approval(actor, a["id"], None))
    if op == "withdraw_approval":
        return instance(engine.withdraw_approval(actor, a["id"], a["comment"]))
    if op == "approval_history":
        return {"kinds": [e.kind.as_str() for e in engine.approval_history(a["id"])]}
    if op == "approval_tasks":
        return {"ids": [t.instance_id for t in engine.approval_tasks(a["handle"])]}
    if op == "delegate_approvals":
        d = engine.delegate_approvals(
            actor,
            a["to"],
            time_at(engine, a["starts_at"]),
            time_at(engine, a["ends_at"]),
        )
        return {"from": d._from, "to": d.to}
    if op == "advance_clock":
        seconds = a["minutes"] * 60 if "minutes" in a else a["hours"] * 3600
        now = engine.advance_clock(seconds)
        return {"now": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if op == "overdue_approvals":
        overdue = engine.overdue_approvals(time_at(engine, a["as_of"]))
        return {"ids": [t.instance_id for t in overdue]}
    if op == "escalate_overdue_approvals":
        return {"ids": [i.id for i in engine.escalate_overdue_approvals(actor)]}
    if op == "approvals":
        listed = engine.approvals(
            br.ApprovalFilter(
                submitter=a.get("submitter"),
                state=br.parse_approval_state(a["state"]) if "state" in a else None,
                workflow=a.get("workflow"),
            )
        )
        return {"ids": [i.id for i in listed]}
    if op == "check_text":
        text = a["text"]
        found = engine.check_text(text)
        units = text.encode("utf-16-le")
        for f in found:
            # Both offset pairs slice `matched` out of the text: code points
            # (Python, Swift unicodeScalars) and UTF-16 units (Kotlin, NSRange).
            assert text[f.start : f.end] == f.matched, f
            assert units[2 * f.utf16_start : 2 * f.utf16_end].decode("utf-16-le") == f.matched, f
        return {
            "findings": [
                {
                    "rule_id": f.rule_id,
                    "category": f.category,
                    "severity": f.severity.as_str(),
                    "term": f.term,
                    "matched": f.matched,
                }
                for f in found
            ],
            "count": len(found),
            "categories": [f.category for f in found],
        }
    if op == "check_texts":
        return {"counts": [len(found) for found in engine.check_texts(a["texts"])]}
    return run_publishing(engine, op, actor, a)


# ------------------------------------------------------------ CON-1..CON-8


def new_content(a: dict):
    return br.NewContent(
        kind=br.parse_content_kind(a["kind"]),
        title=a["title"],
        channel=a["channel"],
        is_ad=a.get("is_ad", False),
        sensitive=a.get("sensitive", False),
        ugc=a.get("ugc", False),
        format=a.get("format"),
        theme_id=a.get("theme_id"),
    )


def details(d: dict):
    return br.VersionDetails(
        duration_seconds=d.get("duration_seconds"),
        paragraph_spacing=d.get("paragraph_spacing"),
        template=d.get("template"),
        fonts=list(d.get("fonts", [])),
        palette=d.get("palette"),
        assets=list(d.get("assets", [])),
    )


def item(i) -> dict:
    return {
        "id": i.id,
        "kind": i.kind.as_str(),
        "state": i.state.as_str(),
        "version": i.version,
        "channel": i.channel,
        "ugc": i.ugc,
        "format": i.format,
        "source_id": i.source_id,
        "theme_id": i.theme_id,
        "approval_id": i.approval_id,
    }


def asset(x) -> dict:
    return {
        "id": x.id,
        "kind": x.kind.as_str(),
        "source": x.source.as_str(),
        "label": x.label.as_str(),
        "state": x.state.as_str(),
        "owner": x.owner,
    }


def variant(v) -> dict:
    return {
        "id": v.id,
        "kind": v.kind.as_str(),
        "style": v.style.as_str(),
        "label": v.label,
        "impressions": v.impressions,
        "clicks": v.clicks,
    }


def plan(p) -> dict:
    return {
        "from": p._from,
        "to": p.to,
        "entry_ids": [e.item_id for e in p.entries],
        "local_times": [e.local_time for e in p.entries],
        "issue_counts": {
            k.as_str(): sum(1 for i in p.issues if i.kind == k) for k in br.PlanIssueKind
        },
        "hot_dates": [h.name for h in p.hot_dates],
        "theme_ids": [t.id for t in p.themes],
    }


def authorization(engine, au: dict | None):
    if au is None:
        return None
    return br.UgcAuthorization(
        granted_by=au["granted_by"],
        reference=au["reference"],
        signed_at=time_at(engine, au["signed_at"]),
        expires_at=time_at(engine, au["expires_at"]) if "expires_at" in au else None,
        scope=au["scope"],
    )


def run_publishing(engine, op: str, actor: str, a: dict) -> dict:
    """The content ops (README, end of the table), as core/tests/vectors.rs
    maps them."""
    if op == "plan_content":
        return item(engine.plan_content(actor, new_content(a)))
    if op == "edit_content":
        if isinstance(a.get("details"), dict):
            draft = br.ContentDraft(
                title=a["title"], body=a["body"], details=details(a["details"])
            )
            return item(engine.edit_content_with(actor, a["id"], draft))
        return item(engine.edit_content(actor, a["id"], a["title"], a["body"]))
    if op == "submit_content":
        return item(engine.submit_content(actor, a["id"]))
    if op == "schedule_content":
        return item(engine.schedule_content(actor, a["id"], time_at(engine, a["at"])))
    if op == "publish_content":
        return item(engine.publish_content(actor, a["id"]))
    if op == "derive_content":
        return item(engine.derive_content(actor, a["source_id"], new_content(a)))
    if op == "prepublish_check":
        r = engine.prepublish_check(a["id"])
        version = next(v for v in engine.content_versions(a["id"]) if v.version == r.version)
        for i in r.issues:
            if i.start is None:
                assert i.end is None and i.utf16_start is None and i.utf16_end is None, i
                continue
            # Both offset pairs slice `matched` out of its field.
            text = {"title": version.title, "body": version.body}[i.field]
            units = text.encode("utf-16-le")
            assert text[i.start : i.end] == i.matched, i
            assert units[2 * i.utf16_start : 2 * i.utf16_end].decode("utf-16-le") == i.matched, i
        return {
            "passed": r.passed,
            "checks": [i.check.as_str() for i in r.issues],
            "rules": [i.rule for i in r.issues],
            "severities": [i.severity.as_str() for i in r.issues],
            "matched": [i.matched for i in r.issues],
            "finding_rules": [f.rule_id for f in r.title_findings + r.body_findings],
        }
    if op == "add_asset":
        return asset(
            engine.add_asset(
                actor,
                br.NewAsset(
                    kind=br.parse_asset_kind(a["kind"]),
                    name=a["name"],
                    uri=a["uri"],
                    source=br.parse_asset_source(a["source"]),
                    label=br.parse_confidentiality(a["label"]),
                    authorization=authorization(engine, a.get("authorization")),
                    readers=list(a.get("readers", [])),
                ),
            )
        )
    if op == "asset":
        return asset(engine.asset(actor, a["id"]))
    if op == "assets":
        return {"ids": [x.id for x in engine.assets(actor)]}
    if op == "retire_asset":
        return asset(engine.retire_asset(actor, a["id"]))
    if op == "add_theme":
        t = engine.add_theme(
            actor,
            br.NewTheme(
                name=a["name"],
                starts=a["starts"],
                ends=a["ends"],
                hot_date=a.get("hot_date"),
                description=a.get("description", ""),
            ),
        )
        return {"id": t.id, "name": t.name, "starts": t.starts, "ends": t.ends}
    if op == "week_plan":
        return plan(engine.week_plan(a["date"]))
    if op == "quarter_plan":
        return plan(engine.quarter_plan(a["year"], a["quarter"]))
    if op == "add_variant":
        style = br.parse_variant_style(a["style"]) if "style" in a else None
        return variant(
            engine.add_variant(
                actor,
                a["id"],
                br.NewVariant(kind=br.parse_variant_kind(a["kind"]), text=a["text"], style=style),
            )
        )
    if op == "record_variant_results":
        return variant(
            engine.record_variant_results(actor, a["variant_id"], a["impressions"], a["clicks"])
        )
    return run_crm(engine, op, actor, a)


# ------------------------------------------------------------ CRM-1..CRM-8


def customer_record(v: dict):
    """A record of `[kind, value]` identities, a name, profile fields and a
    declared purpose (CRM-5); an unknown kind is the core's validation error,
    as in the Rust runner."""
    return br.CustomerRecord(
        identities=[
            br.Identity(kind=br.parse_identity_kind(kind), value=value)
            for kind, value in v.get("identities", [])
        ],
        name=v.get("name"),
        profile=dict(v.get("profile", {})),
        purpose=v.get("purpose"),
    )


def run_crm(engine, op: str, actor: str, a: dict) -> dict:
    """The customer ops (README, end of the table), as core/tests/vectors.rs
    maps them."""
    if op == "ingest_customers":
        r = engine.ingest_customers(actor, [customer_record(v) for v in a["records"]])
        return {
            "rows": r.rows,
            "created": r.created,
            "updated": r.updated,
            "merged": r.merged,
            "customer_ids": r.customer_ids,
            "purposes_declared": r.purposes_declared,
            "error_rows": [e.row for e in r.errors],
            "error_fields": [e.field for e in r.errors],
            "error_codes": [e.code for e in r.errors],
        }
    if op == "customer":
        c = engine.customer(actor, a["id"])
        return {
            "id": c.id,
            "identities": [[i.kind.as_str(), i.value] for i in c.identities],
            "name": c.name,
            "profile": c.profile,
            "merged_ids": c.merged_ids,
            "masked": c.masked,
        }
    if op == "find_customer":
        return {"id": engine.find_customer(actor, br.parse_identity_kind(a["kind"]), a["value"])}
    if op == "customer_count":
        return {"value": engine.customer_count()}
    if op == "record_consent":
        in_force = engine.record_consent(
            actor,
            a["id"],
            br.ConsentChange(
                channel=a["channel"],
                purpose=a["purpose"],
                granted=a["granted"],
                evidence=a["evidence"],
            ),
        )
        return {"in_force": [[c.channel, c.purpose, c.granted] for c in in_force]}
    if op == "record_send":
        engine.record_send(actor, a["id"], a["channel"], a["purpose"])
        return {"ok": True}
    if op == "export_customer":
        text = engine.export_customer(actor, a["id"])
        assert isinstance(text, str), text
        doc = json.loads(text)
        return {
            "customer_id": doc.get("customer_id"),
            "merged_ids": doc.get("merged_ids"),
            "name": doc.get("name"),
            "identity_count": len(doc.get("identities") or []),
            "source_count": len(doc.get("sources") or []),
            "send_count": len(doc.get("sends") or []),
        }
    if op == "erase_customer":
        return {"customer_ids": engine.erase_customer(actor, a["id"], a["reason"]).customer_ids}
    if op == "record_interactions":
        rows = [
            br.NewInteraction(
                customer_id=r["customer_id"],
                kind=br.parse_interaction_kind(r["kind"]),
                at=time_at(engine, r["at"]),
                page=r.get("page"),
                amount=r.get("amount"),
                channel=r.get("channel"),
            )
            for r in a["rows"]
        ]
        r = engine.record_interactions(actor, rows)
        return {
            "rows": r.rows,
            "recorded": r.recorded,
            "error_rows": [e.row for e in r.errors],
            "error_fields": [e.field for e in r.errors],
        }
    return run_segments(engine, op, actor, a)


# ------------------------------------------------------------ CRM-4, CRM-11


def segment(s) -> dict:
    return {
        "name": s.name,
        "origin": s.origin.as_str(),
        "label": s.label,
        "members": s.members,
        "rule": json.loads(s.rule_json),
    }


def run_segments(engine, op: str, actor: str, a: dict) -> dict:
    """The segment and value ops (README, end of the table), as
    core/tests/vectors.rs maps them; rules cross as JSON text."""
    if op == "define_segment":
        return segment(
            engine.define_segment(
                actor,
                br.SegmentDef(
                    name=a["name"],
                    label=a["label"],
                    description=a["description"],
                    rule_json=json.dumps(a["rule"], ensure_ascii=False),
                ),
            )
        )
    if op == "segment":
        return segment(engine.segment(actor, a["name"]))
    if op == "segments":
        listed = engine.segments(actor)
        return {
            "names": [s.name for s in listed],
            "origins": [s.origin.as_str() for s in listed],
            "members": [s.members for s in listed],
        }
    if op == "delete_segment":
        engine.delete_segment(actor, a["name"])
        return {"ok": True}
    if op == "refresh_segments":
        return {
            r.name: {
                "full": r.full,
                "evaluated": r.evaluated,
                "added": r.added,
                "removed": r.removed,
                "members": r.members,
            }
            for r in engine.refresh_segments(actor)
        }
    if op == "segment_members":
        m = engine.segment_members(actor, a["name"], a["offset"], a["limit"])
        return {
            "customer_ids": [x.customer_id for x in m],
            "stages": [x.stage.as_str() for x in m],
            "tiers": [x.tier.as_str() if x.tier is not None else None for x in m],
        }
    if op == "count_customers":
        return {"value": engine.count_customers(actor, json.dumps(a["rule"], ensure_ascii=False))}
    if op == "customer_standing":
        x = engine.customer_standing(actor, a["id"])
        return {
            "customer_id": x.customer_id,
            "stage": x.stage.as_str(),
            "tier": x.tier.as_str() if x.tier is not None else None,
            "engagements": x.engagements,
            "product_views": x.product_views,
            "purchases_in_window": x.purchases_in_window,
            "window_days": x.window_days,
        }
    if op == "lifecycle_distribution":
        d = engine.lifecycle_distribution(actor)
        return {
            k: getattr(d, k)
            for k in (
                "customers",
                "awareness",
                "interest",
                "decision",
                "loyalty",
                "tier_new",
                "tier_repeat",
                "tier_vip",
            )
        }
    if op == "rfm":
        r = engine.rfm(actor)
        return {
            "customer_ids": [x.customer_id for x in r],
            "recency_days": [x.recency_days for x in r],
            "frequency": [x.frequency for x in r],
            "monetary": [x.monetary for x in r],
            "recency_scores": [x.recency_score for x in r],
            "frequency_scores": [x.frequency_score for x in r],
            "monetary_scores": [x.monetary_score for x in r],
        }
    if op == "customer_value":
        v = engine.customer_value(
            actor,
            time_at(engine, a["from"]),
            time_at(engine, a["to"]),
            a.get("acquisition_spend"),
        )
        return {
            "buyers": v.buyers,
            "purchases": v.purchases,
            "revenue": v.revenue,
            "average_order_value": v.average_order_value,
            "repeat_buyers": v.repeat_buyers,
            "new_customers": v.new_customers,
            "cac": v.cac,
        }
    return run_service(engine, op, actor, a)


# ------------------------------------------------------------ CRM-2 fuzzy, CRM-9, CRM-10


def ticket(t) -> dict:
    return {
        "id": t.id,
        "state": t.state.as_str(),
        "department": t.department.as_str(),
        "auto_answer": t.auto_answer,
        "within_sla": t.within_sla,
        "satisfaction": t.satisfaction,
        "response_by": [r.by for r in t.responses],
    }


def crisis(c) -> dict:
    return {
        "id": c.id,
        "kind": c.kind,
        "lead_department": c.lead_department.as_str(),
        "review_department": c.review_department.as_str(),
        "opened_by": c.opened_by,
        # Whole minutes, as the Rust runner's `num_minutes`.
        "due_in_minutes": int((c.first_response_due - c.opened_at).total_seconds() // 60),
        "within_deadline": c.within_deadline,
        "closed": c.closed_at is not None,
        "alert_ids": c.alert_ids,
    }


def run_service(engine, op: str, actor: str, a: dict) -> dict:
    """The fuzzy-duplicate, service and opinion ops (README, end of the
    table), as core/tests/vectors.rs maps them."""
    if op == "duplicate_candidates":
        r = engine.duplicate_candidates(actor, a.get("threshold"), a["limit"])
        return {
            "threshold": r.threshold,
            "customers": r.customers,
            "pairs": [[c.customer_id, c.other_id] for c in r.candidates],
            "fields": [[x.field for x in c.reasons] for c in r.candidates],
        }
    if op == "merge_customers":
        return {"identities_moved": engine.merge_customers(actor, a["survivor_id"], a["merged_id"])}
    if op == "undo_merge":
        u = engine.undo_merge(actor, a["id"])
        return {
            "customer_id": u.customer_id,
            "survivor_id": u.survivor_id,
            "identities_restored": u.identities_restored,
        }
    if op == "mark_distinct":
        engine.mark_distinct(actor, a["a"], a["b"])
        return {"ok": True}
    if op == "open_ticket":
        return ticket(
            engine.open_ticket(
                actor,
                br.NewTicket(
                    customer_id=a.get("customer_id"),
                    channel=a["channel"],
                    category=br.parse_ticket_category(a["category"]),
                    subject=a["subject"],
                    body=a["body"],
                ),
            )
        )
    if op == "respond_ticket":
        return ticket(engine.respond_ticket(actor, a["id"], a["message"]))
    if op == "route_ticket":
        return ticket(engine.route_ticket(actor, a["id"], br.parse_department(a["department"])))
    if op == "resolve_ticket":
        return ticket(engine.resolve_ticket(actor, a["id"]))
    if op == "rate_ticket":
        return ticket(engine.rate_ticket(actor, a["id"], a["score"]))
    if op == "ticket":
        return ticket(engine.ticket(actor, a["id"]))
    if op == "overdue_tickets":
        return {"ids": [t.id for t in engine.overdue_tickets(actor)]}
    if op == "service_report":
        r = engine.service_report(actor, time_at(engine, a["from"]), time_at(engine, a["to"]))
        return {
            "tickets": r.tickets,
            "auto_answered": r.auto_answered,
            "responded": r.responded,
            "within_sla": r.within_sla,
            "overdue": r.overdue,
            "complaints": r.complaints,
            "complaints_by_department": [
                [d.department.as_str(), d.count] for d in r.complaints_by_department
            ],
            "rated": r.rated,
            "satisfaction_average": r.satisfaction_average,
            "meets_target": r.meets_target,
        }
    if op == "record_mentions":
        rows = [
            br.NewMention(
                platform=m["platform"],
                author=m["author"],
                text=m["text"],
                at=time_at(engine, m["at"]),
                url=m.get("url"),
                reach=m.get("reach"),
            )
            for m in a["mentions"]
        ]
        r = engine.record_mentions(actor, rows)
        return {
            "rows": r.rows,
            "recorded": r.recorded,
            "error_rows": [e.row for e in r.errors],
            "error_fields": [e.field for e in r.errors],
            "severities": [x.severity.as_str() for x in r.alerts],
            "escalated": [x.escalated for x in r.alerts],
            "crises_opened": r.crises_opened,
        }
    if op == "escalated_alerts":
        return {"count": len(engine.escalated_alerts(actor))}
    if op == "opinion_alerts":
        return {"ids": [x.id for x in engine.opinion_alerts(actor, a["open_only"])]}
    if op == "handle_alert":
        return {"state": engine.handle_alert(actor, a["id"]).state}
    if op == "open_crisis":
        return crisis(engine.open_crisis(actor, a["alert_ids"], a["summary"]))
    if op == "respond_crisis":
        return crisis(engine.respond_crisis(actor, a["id"], a["statement"]))
    if op == "close_crisis":
        return crisis(engine.close_crisis(actor, a["id"]))
    if op == "crises":
        return {"crises": [crisis(c) for c in engine.crises(actor, a["overdue_only"])]}
    raise AssertionError(f"unknown op {op}")


def subset(want, got) -> bool:
    """`want` matches `got` when equal, or, for objects, when every key `want`
    names is equal (findings are compared on the keys given); lists match
    element by element and must be as long."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(
            k in got and subset(v, got[k]) for k, v in want.items()
        )
    if isinstance(want, list):
        return (
            isinstance(got, list)
            and len(want) == len(got)
            and all(subset(w, g) for w, g in zip(want, got))
        )
    if isinstance(want, bool) or isinstance(got, bool):
        return want is got  # JSON true is not 1
    return want == got


def open_engine(doc: dict):
    """An in-memory engine; on a manual clock from `clock` when the file has
    one, and with the 32-byte key `secret_key` (64 hex digits) when it has
    that."""
    key = None
    if "secret_key" in doc:
        key = bytes.fromhex(doc["secret_key"])
        assert len(key) == 32, f"secret_key is {len(key)} bytes, not 32"
    clock = at(doc["clock"]) if "clock" in doc else None
    return br.Engine.in_memory(br.EngineOptions(secret_key=key, clock_start=clock))


def test_vectors_exist():
    assert FILES, f"no vectors in {VECTORS}"


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_vector_file(path):
    doc = json.loads(path.read_text(encoding="utf-8"))
    engine = open_engine(doc)
    for i, step in enumerate(doc["steps"]):
        op = step["op"]
        here = f"{path.name} step {i} ({op})"
        expect = step.get("expect", {})
        try:
            got = run(engine, op, step.get("actor", ""), step.get("args", {}))
        except br.BrandrailError as err:
            assert "error" in expect, f"{here}: unexpected error {err!r}"
            assert err.code() == expect["error"], f"{here}: {err!r}"
            if "field" in expect:
                assert isinstance(err, br.BrandrailError.Validation), f"{here}: {err!r}"
                assert err.field == expect["field"], f"{here}: {err!r}"
            continue
        assert "error" not in expect, f"{here}: expected error {expect['error']}, got {got}"
        for key, want in expect.get("result", {}).items():
            assert key in got and subset(want, got[key]), f"{here}: field {key}: want {want} in {got}"
