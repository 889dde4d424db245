"""The shared acceptance vectors of tests/vectors/*.json, run exactly as
tests/vectors/README.md specifies, through the public Python API only. The
Rust, Node and uniffi runners execute the same files; a disagreement is a bug
in the binding that disagrees."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import brandrail

VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"
FILES = sorted(VECTORS.glob("*.json"))


UNITS = {"d": "days", "h": "hours", "m": "minutes"}


def rfc3339(text: str) -> datetime:
    """An RFC 3339 UTC time ('...Z') as an aware datetime (Python 3.9's
    `fromisoformat` does not read 'Z')."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def time(engine: brandrail.Engine, text: str) -> datetime:
    """An RFC 3339 UTC time ('...Z') as an aware datetime, or one relative to
    the engine clock: 'now', 'now+3d', 'now-1h', 'now+5m'."""
    if not text.startswith("now"):
        return rfc3339(text)
    rel = text[len("now"):]
    if not rel:
        return engine.now()
    sign, amount, unit = rel[0], int(rel[1:-1]), rel[-1]
    delta = timedelta(**{UNITS[unit]: amount})
    return engine.now() - delta if sign == "-" else engine.now() + delta


def principal(p: brandrail.Principal) -> dict[str, Any]:
    return {"handle": p.handle, "department": p.department, "roles": p.roles, "active": p.active}


def media(m: brandrail.MediaAccount) -> dict[str, Any]:
    return {"id": m.id, "platform": m.platform, "custodian": m.custodian, "has_credential": m.has_credential}


def instance(i: brandrail.ApprovalInstance) -> dict[str, Any]:
    return {"id": i.id, "state": i.state, "current_stage": i.current_stage, "round": i.round}


def finding(f: brandrail.Finding) -> dict[str, Any]:
    return {"rule_id": f.rule_id, "category": f.category, "severity": f.severity, "term": f.term, "matched": f.matched}


def findings(text: str, found: list[brandrail.Finding]) -> dict[str, Any]:
    # Offsets are Python str indexes: slicing the text gives what matched.
    for f in found:
        assert text[f.start:f.end] == f.matched, f
    return {
        "findings": [finding(f) for f in found],
        "count": len(found),
        "categories": [f.category for f in found],
    }


def item(i: brandrail.ContentItem) -> dict[str, Any]:
    keys = ("id", "kind", "state", "version", "channel", "ugc", "format", "source_id", "theme_id", "approval_id")
    return {k: getattr(i, k) for k in keys}


def asset(x: brandrail.Asset) -> dict[str, Any]:
    return {k: getattr(x, k) for k in ("id", "kind", "source", "label", "state", "owner")}


def variant(v: brandrail.ContentVariant) -> dict[str, Any]:
    return {k: getattr(v, k) for k in ("id", "kind", "style", "label", "impressions", "clicks")}


def plan(p: brandrail.PublishingPlan) -> dict[str, Any]:
    # Dates are datetime.date; the vectors write them YYYY-MM-DD.
    return {
        "from": p.from_.isoformat(),
        "to": p.to.isoformat(),
        "entry_ids": [e.item_id for e in p.entries],
        "local_times": [e.local_time for e in p.entries],
        "issue_counts": {k: len(p.issues_of(k)) for k in brandrail.PLAN_ISSUE_KINDS},
        "hot_dates": [h.name for h in p.hot_dates],
        "theme_ids": [t.id for t in p.themes],
    }


def content_args(a: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of plan_content (and derive_content) a step names."""
    keys = ("kind", "title", "channel", "is_ad", "sensitive", "ugc", "format", "theme_id")
    return {k: a[k] for k in keys if k in a}


def authorization(engine: brandrail.Engine, au: dict[str, Any]) -> dict[str, Any]:
    """A UGC authorization as the dict add_asset accepts, its times resolved."""
    out = dict(au)
    out["signed_at"] = time(engine, au["signed_at"])
    if au.get("expires_at") is not None:
        out["expires_at"] = time(engine, au["expires_at"])
    return out


def new_principal(a: dict[str, Any]) -> dict[str, Any]:
    keys = ("handle", "display_name", "department", "roles")
    return {k: a[k] for k in keys if k in a}


def run(engine: brandrail.Engine, op: str, actor: str, a: dict[str, Any]) -> dict[str, Any]:
    if op == "bootstrap":
        return principal(engine.bootstrap(**new_principal(a)))
    if op == "create_principal":
        return principal(engine.create_principal(actor, **new_principal(a)))
    if op == "create_principals":
        created = engine.create_principals(actor, [new_principal(p) for p in a["principals"]])
        return {"count": len(created)}
    if op == "grant_role":
        return principal(engine.grant_role(actor, a["handle"], a["role"]))
    if op == "revoke_role":
        return principal(engine.revoke_role(actor, a["handle"], a["role"]))
    if op == "deactivate_principal":
        d = engine.deactivate_principal(actor, a["handle"])
        return {"handle": d.principal.handle, "active": d.principal.active, "custodian_of": d.custodian_of}
    if op == "can":
        return {"value": engine.can(a["handle"], a["permission"])}
    if op == "register_media_account":
        return media(
            engine.register_media_account(
                actor,
                id=a["id"],
                platform=a["platform"],
                display_name=a["display_name"],
                owner_department=a["owner_department"],
                custodian=a["custodian"],
                credential=a.get("credential"),
            )
        )
    if op == "reassign_media_account":
        return media(engine.reassign_media_account(actor, a["id"], a["custodian"]))
    if op == "record_media_interaction":
        return media(engine.record_media_interaction(actor, a["id"], time(engine, a["at"])))
    if op == "zombie_media_accounts":
        return {"ids": [z.account.id for z in engine.zombie_media_accounts(time(engine, a["as_of"]))]}
    if op == "replace_policy_overlay":
        next_policy = engine.policy().overlay_toml(a["toml"])
        return {"version": engine.replace_policy(actor, next_policy).version}
    if op == "policy_value":
        return {"value": engine.policy()[a["path"]]}
    if op == "verify_audit":
        v = engine.verify_audit()
        return {"ok": v.ok, "head_seq": v.head_seq, "first_bad_seq": v.first_bad_seq}
    if op == "audit_query":
        filters = {k: a[k] for k in ("principal", "action", "outcome", "entity_id") if k in a}
        records = engine.audit_query(actor, **filters)
        return {"count": len(records), "actions": [r.action for r in records]}
    if op == "submit_approval":
        # The vector's subject dict is exactly what the Python API accepts.
        return instance(engine.submit_approval(actor, a["workflow"], a["subject"]))
    if op == "approve":
        return instance(
            engine.approve(actor, a["id"], comment=a.get("comment", ""), checklist=a.get("checklist", []))
        )
    if op == "reject":
        return instance(engine.reject(actor, a["id"], a["comment"]))
    if op == "return_for_changes":
        return instance(engine.return_for_changes(actor, a["id"], a["comment"]))
    if op == "resubmit_approval":
        return instance(engine.resubmit_approval(actor, a["id"]))
    if op == "withdraw_approval":
        return instance(engine.withdraw_approval(actor, a["id"], a["comment"]))
    if op == "approval_history":
        return {"kinds": [e.kind for e in engine.approval_history(a["id"])]}
    if op == "approval_tasks":
        return {"ids": [t.instance_id for t in engine.approval_tasks(a["handle"])]}
    if op == "delegate_approvals":
        d = engine.delegate_approvals(actor, a["to"], time(engine, a["starts_at"]), time(engine, a["ends_at"]))
        return {"from": d.from_, "to": d.to}
    if op == "advance_clock":
        by = timedelta(minutes=a["minutes"]) if "minutes" in a else timedelta(hours=a["hours"])
        now = engine.advance_clock(by)
        return {"now": now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    if op == "overdue_approvals":
        return {"ids": [t.instance_id for t in engine.overdue_approvals(time(engine, a["as_of"]))]}
    if op == "escalate_overdue_approvals":
        return {"ids": [i.id for i in engine.escalate_overdue_approvals(actor)]}
    if op == "approvals":
        filters = {k: a[k] for k in ("submitter", "state", "workflow") if k in a}
        return {"ids": [i.id for i in engine.approvals(**filters)]}
    if op == "check_text":
        return findings(a["text"], engine.check_text(a["text"]))
    if op == "check_texts":
        batch = engine.check_texts(a["texts"])
        for text, found in zip(a["texts"], batch):
            findings(text, found)
        return {"counts": [len(found) for found in batch]}
    if op == "plan_content":
        return item(engine.plan_content(actor, **content_args(a)))
    if op == "edit_content":
        # With `details` the version declares them (the dict's keys are
        # edit_content's keyword arguments); without, it keeps the previous ones.
        return item(engine.edit_content(actor, a["id"], title=a["title"], body=a["body"], **a.get("details", {})))
    if op == "submit_content":
        return item(engine.submit_content(actor, a["id"]))
    if op == "schedule_content":
        return item(engine.schedule_content(actor, a["id"], time(engine, a["at"])))
    if op == "publish_content":
        return item(engine.publish_content(actor, a["id"]))
    if op == "derive_content":
        return item(engine.derive_content(actor, a["source_id"], **content_args(a)))
    if op == "prepublish_check":
        r = engine.prepublish_check(a["id"])
        return {
            "passed": r.passed,
            "checks": [i.check for i in r.issues],
            "rules": [i.rule for i in r.issues],
            "severities": [i.severity for i in r.issues],
            "matched": [i.matched for i in r.issues],
            "finding_rules": [f.rule_id for f in r.title_findings + r.body_findings],
        }
    if op == "add_asset":
        au = a.get("authorization")
        return asset(
            engine.add_asset(
                actor,
                kind=a["kind"],
                name=a["name"],
                uri=a["uri"],
                source=a["source"],
                label=a["label"],
                authorization=authorization(engine, au) if au is not None else None,
                readers=a.get("readers", []),
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
            name=a["name"],
            starts=date.fromisoformat(a["starts"]),
            ends=date.fromisoformat(a["ends"]),
            hot_date=a.get("hot_date"),
            description=a.get("description", ""),
        )
        return {"id": t.id, "name": t.name, "starts": t.starts.isoformat(), "ends": t.ends.isoformat()}
    if op == "week_plan":
        return plan(engine.week_plan(date.fromisoformat(a["date"])))
    if op == "quarter_plan":
        return plan(engine.quarter_plan(a["year"], a["quarter"]))
    if op == "add_variant":
        return variant(engine.add_variant(actor, a["id"], kind=a["kind"], text=a["text"], style=a.get("style")))
    if op == "record_variant_results":
        return variant(
            engine.record_variant_results(
                actor, a["variant_id"], impressions=a["impressions"], clicks=a["clicks"]
            )
        )
    if op == "ingest_customers":
        # The vector's records (identities as [kind, value] pairs, name?,
        # profile?, purpose?) are exactly what the Python API accepts.
        r = engine.ingest_customers(actor, a["records"])
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
            "identities": [[i.kind, i.value] for i in c.identities],
            "name": c.name,
            "profile": c.profile,
            "merged_ids": c.merged_ids,
            "masked": c.masked,
        }
    if op == "find_customer":
        return {"id": engine.find_customer(actor, a["kind"], a["value"])}
    if op == "customer_count":
        return {"value": engine.customer_count()}
    if op == "record_consent":
        in_force = engine.record_consent(
            actor,
            a["id"],
            channel=a["channel"],
            purpose=a["purpose"],
            granted=a["granted"],
            evidence=a["evidence"],
        )
        return {"in_force": [[c.channel, c.purpose, c.granted] for c in in_force]}
    if op == "record_send":
        engine.record_send(actor, a["id"], a["channel"], a["purpose"])
        return {"ok": True}
    if op == "export_customer":
        doc = json.loads(engine.export_customer(actor, a["id"]))
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
        # Rows are the dicts the Python API accepts, their times resolved.
        rows = [{**r, "at": time(engine, r["at"])} for r in a["rows"]]
        r = engine.record_interactions(actor, rows)
        return {
            "rows": r.rows,
            "recorded": r.recorded,
            "error_rows": [e.row for e in r.errors],
            "error_fields": [e.field for e in r.errors],
        }
    if op == "define_segment":
        # The vector's rule is JSON data: exactly the dict the Python API accepts.
        return segment(
            engine.define_segment(
                actor, name=a["name"], label=a["label"], description=a["description"], rule=a["rule"]
            )
        )
    if op == "segment":
        return segment(engine.segment(actor, a["name"]))
    if op == "segments":
        all_ = engine.segments(actor)
        return {
            "names": [x.name for x in all_],
            "origins": [x.origin for x in all_],
            "members": [x.members for x in all_],
        }
    if op == "delete_segment":
        assert engine.delete_segment(actor, a["name"]) is None
        return {"ok": True}
    if op == "refresh_segments":
        return {
            r.name: {k: v for k, v in r.to_dict().items() if k != "name"}
            for r in engine.refresh_segments(actor)
        }
    if op == "segment_members":
        m = engine.segment_members(actor, a["name"], a["offset"], a["limit"])
        return {
            "customer_ids": [x.customer_id for x in m],
            "stages": [x.stage for x in m],
            "tiers": [x.tier for x in m],
        }
    if op == "count_customers":
        return {"value": engine.count_customers(actor, a["rule"])}
    if op == "customer_standing":
        return engine.customer_standing(actor, a["id"]).to_dict()
    if op == "lifecycle_distribution":
        return engine.lifecycle_distribution(actor).to_dict()
    if op == "rfm":
        r = engine.rfm(actor)
        # Money is decimal.Decimal; the vectors write its exact text.
        return {
            "customer_ids": [x.customer_id for x in r],
            "recency_days": [x.recency_days for x in r],
            "frequency": [x.frequency for x in r],
            "monetary": [str(x.monetary) for x in r],
            "recency_scores": [x.recency_score for x in r],
            "frequency_scores": [x.frequency_score for x in r],
            "monetary_scores": [x.monetary_score for x in r],
        }
    if op == "customer_value":
        v = engine.customer_value(
            actor, time(engine, a["from"]), time(engine, a["to"]), a.get("acquisition_spend")
        )
        return {
            "buyers": v.buyers,
            "purchases": v.purchases,
            "revenue": str(v.revenue),
            "average_order_value": str(v.average_order_value),
            "repeat_buyers": v.repeat_buyers,
            "new_customers": v.new_customers,
            "cac": None if v.cac is None else str(v.cac),
        }
    if op == "duplicate_candidates":
        r = engine.duplicate_candidates(actor, threshold=a.get("threshold"), limit=a["limit"])
        return {
            "threshold": r.threshold,
            "customers": r.customers,
            "pairs": [[c.customer_id, c.other_id] for c in r.candidates],
            "fields": [[x.field for x in c.reasons] for c in r.candidates],
        }
    if op == "merge_customers":
        return {"identities_moved": engine.merge_customers(actor, a["survivor_id"], a["merged_id"])}
    if op == "undo_merge":
        return engine.undo_merge(actor, a["id"]).to_dict()
    if op == "mark_distinct":
        assert engine.mark_distinct(actor, a["a"], a["b"]) is None
        return {"ok": True}
    if op == "open_ticket":
        # The vector's ticket is exactly the dict the Python API accepts.
        return ticket(engine.open_ticket(actor, a))
    if op == "respond_ticket":
        return ticket(engine.respond_ticket(actor, a["id"], a["message"]))
    if op == "route_ticket":
        return ticket(engine.route_ticket(actor, a["id"], a["department"]))
    if op == "resolve_ticket":
        return ticket(engine.resolve_ticket(actor, a["id"]))
    if op == "rate_ticket":
        return ticket(engine.rate_ticket(actor, a["id"], a["score"]))
    if op == "ticket":
        return ticket(engine.ticket(actor, a["id"]))
    if op == "overdue_tickets":
        return {"ids": [t.id for t in engine.overdue_tickets(actor)]}
    if op == "service_report":
        r = engine.service_report(actor, time(engine, a["from"]), time(engine, a["to"]))
        keys = ("tickets", "auto_answered", "responded", "within_sla", "overdue", "complaints",
                "rated", "satisfaction_average", "meets_target")
        return {
            **{k: getattr(r, k) for k in keys},
            "complaints_by_department": [[d.department, d.count] for d in r.complaints_by_department],
        }
    if op == "record_mentions":
        # Rows are the dicts the Python API accepts, their times resolved.
        rows = [{**m, "at": time(engine, m["at"])} for m in a["mentions"]]
        r = engine.record_mentions(actor, rows)
        return {
            "rows": r.rows,
            "recorded": r.recorded,
            "error_rows": [e.row for e in r.errors],
            "error_fields": [e.field for e in r.errors],
            "severities": [x.severity for x in r.alerts],
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
    raise AssertionError(f"unknown op {op!r}")


def ticket(t: brandrail.Ticket) -> dict[str, Any]:
    keys = ("id", "state", "department", "auto_answer", "within_sla", "satisfaction")
    return {**{k: getattr(t, k) for k in keys}, "response_by": [r.by for r in t.responses]}


def crisis(c: brandrail.Crisis) -> dict[str, Any]:
    keys = ("id", "kind", "lead_department", "review_department", "opened_by", "within_deadline", "alert_ids")
    return {
        **{k: getattr(c, k) for k in keys},
        # Whole minutes, as the vectors write them.
        "due_in_minutes": (c.first_response_due - c.opened_at) // timedelta(minutes=1),
        "closed": c.closed_at is not None,
    }


def segment(x: brandrail.Segment) -> dict[str, Any]:
    return {"name": x.name, "origin": x.origin, "label": x.label, "members": x.members, "rule": x.rule}


def matches(want: Any, got: Any) -> bool:
    """`want` matches `got` when equal and of the same type, or (objects in
    lists, such as findings) when every key `want` names matches."""
    if isinstance(want, dict):
        return isinstance(got, dict) and all(k in got and matches(v, got[k]) for k, v in want.items())
    if isinstance(want, list):
        return isinstance(got, list) and len(want) == len(got) and all(map(matches, want, got))
    return want == got and type(got) is type(want)


def test_vectors_exist():
    assert FILES, f"no vectors in {VECTORS}"


@pytest.mark.parametrize("file", FILES, ids=lambda f: f.stem)
def test_vector(file: Path):
    doc = json.loads(file.read_text(encoding="utf-8"))
    clock = doc.get("clock")
    key = doc.get("secret_key")
    engine = brandrail.Engine.in_memory(
        clock_start=rfc3339(clock) if clock else None,
        secret_key=bytes.fromhex(key) if key else None,
    )
    for i, step in enumerate(doc["steps"]):
        op = step["op"]
        here = f"{file.name} step {i} ({op})"
        expect = step.get("expect", {})
        try:
            got = run(engine, op, step.get("actor", ""), step.get("args", {}))
        except brandrail.BrandrailError as e:
            assert expect.get("error") == e.code, f"{here}: unexpected {type(e).__name__}: {e}"
            if "field" in expect:
                assert isinstance(e, brandrail.ValidationError), f"{here}: {e}"
                assert e.field == expect["field"], f"{here}: {e}"
            continue
        assert "error" not in expect, f"{here}: expected error {expect['error']}, got {got}"
        for key, want in expect.get("result", {}).items():
            assert key in got, f"{here}: no field {key} in {got}"
            assert matches(want, got[key]), f"{here}: field {key} in {got}"
