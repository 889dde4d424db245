//! Runs the shared acceptance vectors in `tests/vectors/*.json` against the Rust
//! API. Python, Node and the uniffi layer run the same files.

use std::path::PathBuf;

use brandrail::content::{
    Asset, AssetFilter, ContentDraft, ContentItem, ContentVariant, NewAsset, NewContent, NewTheme,
    NewVariant, PlanIssueKind, PublishingPlan, UgcAuthorization, VersionDetails,
};
use brandrail::crm::{
    ConsentChange, Crisis, CustomerRecord, Identity, IdentityKind, NewInteraction, NewMention,
    NewTicket, Rule, Segment, SegmentDef, Ticket,
};
use brandrail::{
    Attachment, AuditQuery, Department, Engine, NewMediaAccount, NewPrincipal, Outcome, Permission,
    Platform, Principal, Subject, SubjectKind,
};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn s<'a>(args: &'a Value, key: &str) -> &'a str {
    args[key]
        .as_str()
        .unwrap_or_else(|| panic!("arg {key} missing"))
}

/// An RFC 3339 time, or `now`, `now+3d`, `now-1h`, `now+5m` relative to the engine clock.
fn time_at(engine: &Engine, text: &str) -> DateTime<Utc> {
    let Some(rel) = text.strip_prefix("now") else {
        return text.parse().expect("RFC 3339 time");
    };
    if rel.is_empty() {
        return engine.now();
    }
    let (sign, rest) = rel.split_at(1);
    let (n, unit) = rest.split_at(rest.len() - 1);
    let n: i64 = n.parse().expect("relative time amount");
    let d = match unit {
        "d" => chrono::Duration::days(n),
        "h" => chrono::Duration::hours(n),
        "m" => chrono::Duration::minutes(n),
        other => panic!("unit {other}"),
    };
    if sign == "-" {
        engine.now() - d
    } else {
        engine.now() + d
    }
}

fn time(engine: &Engine, args: &Value, key: &str) -> DateTime<Utc> {
    time_at(engine, s(args, key))
}

fn subject(v: &Value) -> brandrail::Result<Subject> {
    let mut subject = Subject::new(
        s(v, "kind").parse::<SubjectKind>()?,
        s(v, "reference"),
        s(v, "title"),
    );
    if let Some(attrs) = v["attributes"].as_object() {
        for (k, val) in attrs {
            subject = subject.with_attribute(k, val.as_str().unwrap());
        }
    }
    for a in v["attachments"].as_array().into_iter().flatten() {
        subject = subject.with_attachment(Attachment {
            kind: s(a, "kind").into(),
            name: s(a, "name").into(),
            sha256: s(a, "sha256").into(),
            amount: a["amount"].as_str().map(|m| m.parse().unwrap()),
        });
    }
    Ok(subject)
}

fn instance(i: brandrail::ApprovalInstance) -> Value {
    json!({"id": i.id, "state": i.state.as_str(), "current_stage": i.current_stage, "round": i.round})
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .map(|x| x.as_str().unwrap().to_owned())
        .collect()
}

fn new_principal(a: &Value) -> brandrail::Result<NewPrincipal> {
    let mut p = NewPrincipal::new(
        s(a, "handle"),
        s(a, "display_name"),
        s(a, "department").parse()?,
    );
    if let Some(roles) = a["roles"].as_array() {
        p = p.with_roles(roles.iter().map(|r| r.as_str().unwrap().to_owned()));
    }
    Ok(p)
}

fn principal(p: Principal) -> Value {
    json!({"handle": p.handle, "department": p.department.as_str(), "roles": p.roles, "active": p.active})
}

fn media(m: brandrail::MediaAccount) -> Value {
    json!({"id": m.id, "platform": m.platform.as_str(), "custodian": m.custodian, "has_credential": m.has_credential})
}

fn run(engine: &Engine, op: &str, actor: &str, a: &Value) -> brandrail::Result<Value> {
    Ok(match op {
        "bootstrap" => principal(engine.bootstrap(new_principal(a)?)?),
        "create_principal" => principal(engine.create_principal(actor, new_principal(a)?)?),
        "create_principals" => {
            let inputs = a["principals"]
                .as_array()
                .unwrap()
                .iter()
                .map(new_principal)
                .collect::<brandrail::Result<Vec<_>>>()?;
            json!({"count": engine.create_principals(actor, &inputs)?.len()})
        }
        "grant_role" => principal(engine.grant_role(actor, s(a, "handle"), s(a, "role"))?),
        "revoke_role" => principal(engine.revoke_role(actor, s(a, "handle"), s(a, "role"))?),
        "deactivate_principal" => {
            let d = engine.deactivate_principal(actor, s(a, "handle"))?;
            json!({"handle": d.principal.handle, "active": d.principal.active, "custodian_of": d.custodian_of})
        }
        "can" => {
            let perm: Permission = s(a, "permission").parse()?;
            json!({"value": engine.can(s(a, "handle"), perm)?})
        }
        "register_media_account" => media(engine.register_media_account(
            actor,
            NewMediaAccount {
                id: s(a, "id").into(),
                platform: s(a, "platform").parse::<Platform>()?,
                display_name: s(a, "display_name").into(),
                owner_department: s(a, "owner_department").parse::<Department>()?,
                custodian: s(a, "custodian").into(),
                credential: a["credential"].as_str().map(Into::into),
            },
        )?),
        "reassign_media_account" => {
            media(engine.reassign_media_account(actor, s(a, "id"), s(a, "custodian"))?)
        }
        "record_media_interaction" => {
            media(engine.record_media_interaction(actor, s(a, "id"), time(engine, a, "at"))?)
        }
        "zombie_media_accounts" => {
            let ids: Vec<_> = engine
                .zombie_media_accounts(time(engine, a, "as_of"))?
                .into_iter()
                .map(|z| z.account.id)
                .collect();
            json!({"ids": ids})
        }
        "replace_policy_overlay" => {
            let next = engine.policy()?.overlay_toml(s(a, "toml"))?;
            json!({"version": engine.replace_policy(actor, &next)?.version})
        }
        "policy_value" => {
            let mut v = engine.policy()?.to_json_value();
            for part in s(a, "path").split('.') {
                v = v[part].take();
            }
            json!({"value": v})
        }
        "verify_audit" => {
            let v = engine.verify_audit()?;
            json!({"ok": v.ok, "head_seq": v.head_seq, "first_bad_seq": v.first_bad_seq})
        }
        "audit_query" => {
            let q = AuditQuery {
                principal: a["principal"].as_str().map(Into::into),
                action: a["action"].as_str().map(Into::into),
                entity_id: a["entity_id"].as_str().map(Into::into),
                outcome: a["outcome"].as_str().map(|o| match o {
                    "applied" => Outcome::Applied,
                    "denied" => Outcome::Denied,
                    other => panic!("bad outcome {other}"),
                }),
                ..AuditQuery::default()
            };
            let records = engine.audit_query(actor, &q)?;
            let actions: Vec<_> = records.iter().map(|r| r.action.clone()).collect();
            json!({"count": records.len(), "actions": actions})
        }
        "submit_approval" => {
            instance(engine.submit_approval(actor, s(a, "workflow"), subject(&a["subject"])?)?)
        }
        "approve" => instance(engine.approve(
            actor,
            a["id"].as_i64().unwrap(),
            a["comment"].as_str().unwrap_or(""),
            &strings(&a["checklist"]),
        )?),
        "reject" => instance(engine.reject(actor, a["id"].as_i64().unwrap(), s(a, "comment"))?),
        "return_for_changes" => instance(engine.return_for_changes(
            actor,
            a["id"].as_i64().unwrap(),
            s(a, "comment"),
        )?),
        "resubmit_approval" => {
            instance(engine.resubmit_approval(actor, a["id"].as_i64().unwrap(), None)?)
        }
        "withdraw_approval" => {
            instance(engine.withdraw_approval(actor, a["id"].as_i64().unwrap(), s(a, "comment"))?)
        }
        "approval_history" => {
            let kinds: Vec<_> = engine
                .approval_history(a["id"].as_i64().unwrap())?
                .into_iter()
                .map(|e| e.kind.as_str())
                .collect();
            json!({"kinds": kinds})
        }
        "approval_tasks" => {
            let ids: Vec<_> = engine
                .approval_tasks(s(a, "handle"))?
                .into_iter()
                .map(|t| t.instance_id)
                .collect();
            json!({"ids": ids})
        }
        "delegate_approvals" => {
            let d = engine.delegate_approvals(
                actor,
                s(a, "to"),
                time(engine, a, "starts_at"),
                time(engine, a, "ends_at"),
            )?;
            json!({"from": d.from, "to": d.to})
        }
        "advance_clock" => {
            let by = match a["minutes"].as_i64() {
                Some(m) => chrono::Duration::minutes(m),
                None => chrono::Duration::hours(a["hours"].as_i64().unwrap()),
            };
            let now = engine.advance_clock(by)?;
            json!({"now": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)})
        }
        "overdue_approvals" => {
            let ids: Vec<_> = engine
                .overdue_approvals(time(engine, a, "as_of"))?
                .into_iter()
                .map(|t| t.instance_id)
                .collect();
            json!({"ids": ids})
        }
        "escalate_overdue_approvals" => {
            let ids: Vec<_> = engine
                .escalate_overdue_approvals(actor)?
                .into_iter()
                .map(|i| i.id)
                .collect();
            json!({"ids": ids})
        }
        "approvals" => {
            let filter = brandrail::ApprovalFilter {
                submitter: a["submitter"].as_str().map(Into::into),
                state: a["state"].as_str().map(|st| st.parse()).transpose()?,
                workflow: a["workflow"].as_str().map(Into::into),
                ..Default::default()
            };
            let ids: Vec<_> = engine
                .approvals(&filter)?
                .into_iter()
                .map(|i| i.id)
                .collect();
            json!({"ids": ids})
        }
        "check_text" => {
            let text = s(a, "text");
            let found = engine.check_text(text)?;
            let chars: Vec<char> = text.chars().collect();
            for f in &found {
                assert_eq!(chars[f.start..f.end].iter().collect::<String>(), f.matched);
            }
            json!({
                "findings": found.iter().map(|f| json!({
                    "rule_id": f.rule_id, "category": f.category, "severity": f.severity,
                    "term": f.term, "matched": f.matched,
                })).collect::<Vec<_>>(),
                "count": found.len(),
                "categories": found.iter().map(|f| f.category.clone()).collect::<Vec<_>>(),
            })
        }
        "check_texts" => {
            let texts: Vec<&str> = a["texts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            let counts: Vec<usize> = engine.check_texts(&texts)?.iter().map(Vec::len).collect();
            json!({"counts": counts})
        }
        "plan_content" => item(engine.plan_content(actor, new_content(a)?)?),
        "edit_content" => {
            let id = a["id"].as_i64().unwrap();
            if a["details"].is_object() {
                item(engine.edit_content_with(
                    actor,
                    id,
                    &ContentDraft {
                        title: s(a, "title").into(),
                        body: s(a, "body").into(),
                        details: details(&a["details"]),
                    },
                )?)
            } else {
                item(engine.edit_content(actor, id, s(a, "title"), s(a, "body"))?)
            }
        }
        "submit_content" => item(engine.submit_content(actor, a["id"].as_i64().unwrap())?),
        "schedule_content" => item(engine.schedule_content(
            actor,
            a["id"].as_i64().unwrap(),
            time(engine, a, "at"),
        )?),
        "publish_content" => item(engine.publish_content(actor, a["id"].as_i64().unwrap())?),
        "derive_content" => {
            item(engine.derive_content(actor, a["source_id"].as_i64().unwrap(), new_content(a)?)?)
        }
        "prepublish_check" => {
            let r = engine.prepublish_check(a["id"].as_i64().unwrap())?;
            json!({
                "passed": r.passed,
                "checks": r.issues.iter().map(|i| i.check.as_str()).collect::<Vec<_>>(),
                "rules": r.issues.iter().map(|i| i.rule.clone()).collect::<Vec<_>>(),
                "severities": r.issues.iter().map(|i| i.severity.as_str()).collect::<Vec<_>>(),
                "matched": r.issues.iter().map(|i| i.matched.clone()).collect::<Vec<_>>(),
                "finding_rules": r.title_findings.iter().chain(&r.body_findings)
                    .map(|f| f.rule_id.clone()).collect::<Vec<_>>(),
            })
        }
        "add_asset" => asset(engine.add_asset(
            actor,
            NewAsset {
                kind: s(a, "kind").parse()?,
                name: s(a, "name").into(),
                uri: s(a, "uri").into(),
                source: s(a, "source").parse()?,
                label: s(a, "label").parse()?,
                authorization: match a["authorization"].as_object() {
                    None => None,
                    Some(_) => {
                        let au = &a["authorization"];
                        Some(UgcAuthorization {
                            granted_by: s(au, "granted_by").into(),
                            reference: s(au, "reference").into(),
                            signed_at: time(engine, au, "signed_at"),
                            expires_at: au["expires_at"].as_str().map(|t| time_at(engine, t)),
                            scope: s(au, "scope").into(),
                        })
                    }
                },
                readers: strings(&a["readers"]),
            },
        )?),
        "asset" => asset(engine.asset(actor, a["id"].as_i64().unwrap())?),
        "assets" => {
            let ids: Vec<i64> = engine
                .assets(actor, &AssetFilter::default())?
                .into_iter()
                .map(|x| x.id)
                .collect();
            json!({"ids": ids})
        }
        "retire_asset" => asset(engine.retire_asset(actor, a["id"].as_i64().unwrap())?),
        "add_theme" => {
            let t = engine.add_theme(
                actor,
                NewTheme {
                    name: s(a, "name").into(),
                    starts: date(s(a, "starts")),
                    ends: date(s(a, "ends")),
                    hot_date: a["hot_date"].as_str().map(Into::into),
                    description: a["description"].as_str().unwrap_or("").into(),
                },
            )?;
            json!({"id": t.id, "name": t.name, "starts": t.starts.to_string(), "ends": t.ends.to_string()})
        }
        "week_plan" => plan(engine.week_plan(date(s(a, "date")))?),
        "quarter_plan" => plan(engine.quarter_plan(
            i32::try_from(a["year"].as_i64().unwrap()).unwrap(),
            u32::try_from(a["quarter"].as_i64().unwrap()).unwrap(),
        )?),
        "add_variant" => variant(engine.add_variant(
            actor,
            a["id"].as_i64().unwrap(),
            NewVariant {
                kind: s(a, "kind").parse()?,
                text: s(a, "text").into(),
                style: a["style"].as_str().map(str::parse).transpose()?,
            },
        )?),
        "record_variant_results" => variant(engine.record_variant_results(
            actor,
            a["variant_id"].as_i64().unwrap(),
            a["impressions"].as_u64().unwrap(),
            a["clicks"].as_u64().unwrap(),
        )?),
        "ingest_customers" => {
            let records: Vec<CustomerRecord> = a["records"]
                .as_array()
                .unwrap()
                .iter()
                .map(customer_record)
                .collect::<brandrail::Result<_>>()?;
            let r = engine.ingest_customers(actor, &records)?;
            json!({
                "rows": r.rows, "created": r.created, "updated": r.updated, "merged": r.merged,
                "customer_ids": r.customer_ids, "purposes_declared": r.purposes_declared,
                "error_rows": r.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
                "error_fields": r.errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
                "error_codes": r.errors.iter().map(|e| e.code.clone()).collect::<Vec<_>>(),
            })
        }
        "customer" => {
            let c = engine.customer(actor, a["id"].as_i64().unwrap())?;
            json!({
                "id": c.id,
                "identities": c.identities.iter().map(|i| json!([i.kind.as_str(), i.value])).collect::<Vec<_>>(),
                "name": c.name, "profile": c.profile, "merged_ids": c.merged_ids, "masked": c.masked,
            })
        }
        "find_customer" => {
            json!({"id": engine.find_customer(actor, s(a, "kind").parse()?, s(a, "value"))?})
        }
        "customer_count" => json!({"value": engine.customer_count()?}),
        "record_consent" => {
            let in_force = engine.record_consent(
                actor,
                a["id"].as_i64().unwrap(),
                &ConsentChange {
                    channel: s(a, "channel").into(),
                    purpose: s(a, "purpose").into(),
                    granted: a["granted"].as_bool().unwrap(),
                    evidence: s(a, "evidence").into(),
                },
            )?;
            json!({"in_force": in_force.iter().map(|c| json!([c.channel, c.purpose, c.granted])).collect::<Vec<_>>()})
        }
        "record_send" => {
            engine.record_send(
                actor,
                a["id"].as_i64().unwrap(),
                s(a, "channel"),
                s(a, "purpose"),
            )?;
            json!({"ok": true})
        }
        "export_customer" => {
            let doc: Value =
                serde_json::from_str(&engine.export_customer(actor, a["id"].as_i64().unwrap())?)
                    .unwrap();
            json!({
                "customer_id": doc["customer_id"], "merged_ids": doc["merged_ids"], "name": doc["name"],
                "identity_count": doc["identities"].as_array().map_or(0, Vec::len),
                "source_count": doc["sources"].as_array().map_or(0, Vec::len),
                "send_count": doc["sends"].as_array().map_or(0, Vec::len),
            })
        }
        "erase_customer" => {
            let e = engine.erase_customer(actor, a["id"].as_i64().unwrap(), s(a, "reason"))?;
            json!({"customer_ids": e.customer_ids})
        }
        "record_interactions" => {
            let rows: Vec<NewInteraction> = a["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    Ok(NewInteraction {
                        customer_id: r["customer_id"].as_i64().unwrap(),
                        kind: s(r, "kind").parse()?,
                        at: time(engine, r, "at"),
                        page: r["page"].as_str().map(Into::into),
                        amount: r["amount"].as_str().map(Into::into),
                        channel: r["channel"].as_str().map(Into::into),
                    })
                })
                .collect::<brandrail::Result<_>>()?;
            let r = engine.record_interactions(actor, &rows)?;
            json!({
                "rows": r.rows, "recorded": r.recorded,
                "error_rows": r.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
                "error_fields": r.errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
            })
        }
        "define_segment" => segment(engine.define_segment(
            actor,
            &SegmentDef {
                name: s(a, "name").into(),
                label: s(a, "label").into(),
                description: s(a, "description").into(),
                rule: Rule::from_json(&a["rule"].to_string())?,
            },
        )?),
        "segment" => segment(engine.segment(actor, s(a, "name"))?),
        "segments" => {
            let all = engine.segments(actor)?;
            json!({
                "names": all.iter().map(|x| x.name.clone()).collect::<Vec<_>>(),
                "origins": all.iter().map(|x| x.origin.as_str()).collect::<Vec<_>>(),
                "members": all.iter().map(|x| x.members).collect::<Vec<_>>(),
            })
        }
        "delete_segment" => {
            engine.delete_segment(actor, s(a, "name"))?;
            json!({"ok": true})
        }
        "refresh_segments" => {
            let mut out = serde_json::Map::new();
            for r in engine.refresh_segments(actor)? {
                out.insert(
                    r.name.clone(),
                    json!({"full": r.full, "evaluated": r.evaluated, "added": r.added, "removed": r.removed, "members": r.members}),
                );
            }
            Value::Object(out)
        }
        "segment_members" => {
            let m = engine.segment_members(
                actor,
                s(a, "name"),
                a["offset"].as_u64().unwrap(),
                a["limit"].as_u64().unwrap(),
            )?;
            json!({
                "customer_ids": m.iter().map(|x| x.customer_id).collect::<Vec<_>>(),
                "stages": m.iter().map(|x| x.stage.as_str()).collect::<Vec<_>>(),
                "tiers": m.iter().map(|x| x.tier.map(|t| t.as_str())).collect::<Vec<_>>(),
            })
        }
        "count_customers" => {
            json!({"value": engine.count_customers(actor, &Rule::from_json(&a["rule"].to_string())?)?})
        }
        "customer_standing" => {
            let x = engine.customer_standing(actor, a["id"].as_i64().unwrap())?;
            json!({
                "customer_id": x.customer_id, "stage": x.stage.as_str(), "tier": x.tier.map(|t| t.as_str()),
                "engagements": x.engagements, "product_views": x.product_views,
                "purchases_in_window": x.purchases_in_window, "window_days": x.window_days,
            })
        }
        "lifecycle_distribution" => {
            serde_json::to_value(engine.lifecycle_distribution(actor)?).unwrap()
        }
        "rfm" => {
            let r = engine.rfm(actor)?;
            json!({
                "customer_ids": r.iter().map(|x| x.customer_id).collect::<Vec<_>>(),
                "recency_days": r.iter().map(|x| x.recency_days).collect::<Vec<_>>(),
                "frequency": r.iter().map(|x| x.frequency).collect::<Vec<_>>(),
                "monetary": r.iter().map(|x| x.monetary.to_string()).collect::<Vec<_>>(),
                "recency_scores": r.iter().map(|x| x.recency_score).collect::<Vec<_>>(),
                "frequency_scores": r.iter().map(|x| x.frequency_score).collect::<Vec<_>>(),
                "monetary_scores": r.iter().map(|x| x.monetary_score).collect::<Vec<_>>(),
            })
        }
        "customer_value" => {
            let v = engine.customer_value(
                actor,
                time(engine, a, "from"),
                time(engine, a, "to"),
                a["acquisition_spend"].as_str(),
            )?;
            json!({
                "buyers": v.buyers, "purchases": v.purchases, "revenue": v.revenue.to_string(),
                "average_order_value": v.average_order_value.to_string(),
                "repeat_buyers": v.repeat_buyers, "new_customers": v.new_customers,
                "cac": v.cac.map(|c| c.to_string()),
            })
        }
        "duplicate_candidates" => {
            let r = engine.duplicate_candidates(
                actor,
                a["threshold"].as_f64(),
                usize::try_from(a["limit"].as_u64().unwrap()).unwrap(),
            )?;
            json!({
                "threshold": r.threshold, "customers": r.customers,
                "pairs": r.candidates.iter().map(|c| [c.customer_id, c.other_id]).collect::<Vec<_>>(),
                "fields": r.candidates.iter().map(|c| c.reasons.iter().map(|x| x.field.clone()).collect::<Vec<_>>()).collect::<Vec<_>>(),
            })
        }
        "merge_customers" => {
            let moved = engine.merge_customers(
                actor,
                a["survivor_id"].as_i64().unwrap(),
                a["merged_id"].as_i64().unwrap(),
            )?;
            json!({"identities_moved": moved})
        }
        "undo_merge" => {
            let u = engine.undo_merge(actor, a["id"].as_i64().unwrap())?;
            json!({"customer_id": u.customer_id, "survivor_id": u.survivor_id, "identities_restored": u.identities_restored})
        }
        "mark_distinct" => {
            engine.mark_distinct(actor, a["a"].as_i64().unwrap(), a["b"].as_i64().unwrap())?;
            json!({"ok": true})
        }
        "open_ticket" => ticket(engine.open_ticket(
            actor,
            &NewTicket {
                customer_id: a["customer_id"].as_i64(),
                channel: s(a, "channel").into(),
                category: s(a, "category").parse()?,
                subject: s(a, "subject").into(),
                body: s(a, "body").into(),
            },
        )?),
        "respond_ticket" => {
            ticket(engine.respond_ticket(actor, a["id"].as_i64().unwrap(), s(a, "message"))?)
        }
        "route_ticket" => ticket(engine.route_ticket(
            actor,
            a["id"].as_i64().unwrap(),
            s(a, "department").parse()?,
        )?),
        "resolve_ticket" => ticket(engine.resolve_ticket(actor, a["id"].as_i64().unwrap())?),
        "rate_ticket" => ticket(engine.rate_ticket(
            actor,
            a["id"].as_i64().unwrap(),
            u8::try_from(a["score"].as_u64().unwrap()).unwrap(),
        )?),
        "ticket" => ticket(engine.ticket(actor, a["id"].as_i64().unwrap())?),
        "overdue_tickets" => {
            json!({"ids": engine.overdue_tickets(actor)?.iter().map(|t| t.id).collect::<Vec<_>>()})
        }
        "service_report" => {
            let r = engine.service_report(actor, time(engine, a, "from"), time(engine, a, "to"))?;
            json!({
                "tickets": r.tickets, "auto_answered": r.auto_answered, "responded": r.responded,
                "within_sla": r.within_sla, "overdue": r.overdue, "complaints": r.complaints,
                "complaints_by_department": r.complaints_by_department.iter().map(|d| json!([d.department.as_str(), d.count])).collect::<Vec<_>>(),
                "rated": r.rated, "satisfaction_average": r.satisfaction_average, "meets_target": r.meets_target,
            })
        }
        "record_mentions" => {
            let rows: Vec<NewMention> = a["mentions"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| NewMention {
                    platform: s(m, "platform").into(),
                    author: s(m, "author").into(),
                    text: s(m, "text").into(),
                    at: time(engine, m, "at"),
                    url: m["url"].as_str().map(Into::into),
                    reach: m["reach"].as_u64(),
                })
                .collect();
            let r = engine.record_mentions(actor, &rows)?;
            json!({
                "rows": r.rows, "recorded": r.recorded,
                "error_rows": r.errors.iter().map(|e| e.row).collect::<Vec<_>>(),
                "error_fields": r.errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
                "severities": r.alerts.iter().map(|x| x.severity.as_str()).collect::<Vec<_>>(),
                "escalated": r.alerts.iter().map(|x| x.escalated).collect::<Vec<_>>(),
                "crises_opened": r.crises_opened,
            })
        }
        "escalated_alerts" => json!({"count": engine.escalated_alerts(actor)?.len()}),
        "opinion_alerts" => json!({
            "ids": engine.opinion_alerts(actor, a["open_only"].as_bool().unwrap())?.iter().map(|x| x.id).collect::<Vec<_>>()
        }),
        "handle_alert" => {
            let x = engine.handle_alert(actor, a["id"].as_i64().unwrap())?;
            json!({"state": x.state})
        }
        "open_crisis" => crisis(
            engine.open_crisis(
                actor,
                &a["alert_ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_i64().unwrap())
                    .collect::<Vec<_>>(),
                s(a, "summary"),
            )?,
        ),
        "respond_crisis" => {
            crisis(engine.respond_crisis(actor, a["id"].as_i64().unwrap(), s(a, "statement"))?)
        }
        "close_crisis" => crisis(engine.close_crisis(actor, a["id"].as_i64().unwrap())?),
        "crises" => json!({
            "crises": engine.crises(actor, a["overdue_only"].as_bool().unwrap())?.into_iter().map(crisis).collect::<Vec<_>>()
        }),
        other => panic!("unknown op {other}"),
    })
}

fn ticket(t: Ticket) -> Value {
    json!({
        "id": t.id, "state": t.state.as_str(), "department": t.department.as_str(),
        "auto_answer": t.auto_answer, "within_sla": t.within_sla, "satisfaction": t.satisfaction,
        "response_by": t.responses.iter().map(|r| r.by.clone()).collect::<Vec<_>>(),
    })
}

fn crisis(c: Crisis) -> Value {
    json!({
        "id": c.id, "kind": c.kind, "lead_department": c.lead_department.as_str(),
        "review_department": c.review_department.as_str(), "opened_by": c.opened_by,
        "due_in_minutes": (c.first_response_due - c.opened_at).num_minutes(),
        "within_deadline": c.within_deadline, "closed": c.closed_at.is_some(), "alert_ids": c.alert_ids,
    })
}

fn segment(x: Segment) -> Value {
    json!({
        "name": x.name, "origin": x.origin.as_str(), "label": x.label, "members": x.members,
        "rule": serde_json::from_str::<Value>(&x.rule.to_json()).unwrap(),
    })
}

fn customer_record(v: &Value) -> brandrail::Result<CustomerRecord> {
    let mut identities = Vec::new();
    for pair in v["identities"].as_array().into_iter().flatten() {
        identities.push(Identity::new(
            pair[0].as_str().unwrap().parse::<IdentityKind>()?,
            pair[1].as_str().unwrap(),
        ));
    }
    Ok(CustomerRecord {
        identities,
        name: v["name"].as_str().map(Into::into),
        profile: v["profile"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, x)| (k.clone(), x.as_str().unwrap().to_owned()))
            .collect(),
        purpose: v["purpose"].as_str().map(Into::into),
    })
}

fn date(text: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("YYYY-MM-DD")
}

fn new_content(a: &Value) -> brandrail::Result<NewContent> {
    Ok(NewContent {
        is_ad: a["is_ad"].as_bool().unwrap_or(false),
        sensitive: a["sensitive"].as_bool().unwrap_or(false),
        ugc: a["ugc"].as_bool().unwrap_or(false),
        format: a["format"].as_str().map(Into::into),
        theme_id: a["theme_id"].as_i64(),
        ..NewContent::new(s(a, "kind").parse()?, s(a, "title"), s(a, "channel"))
    })
}

fn details(d: &Value) -> VersionDetails {
    VersionDetails {
        duration_seconds: d["duration_seconds"]
            .as_u64()
            .map(|v| u32::try_from(v).unwrap()),
        paragraph_spacing: d["paragraph_spacing"].as_f64(),
        template: d["template"].as_str().map(Into::into),
        fonts: strings(&d["fonts"]),
        palette: d["palette"].as_str().map(Into::into),
        assets: d["assets"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|x| x.as_i64().unwrap())
            .collect(),
    }
}

fn item(i: ContentItem) -> Value {
    json!({
        "id": i.id, "kind": i.kind.as_str(), "state": i.state.as_str(), "version": i.version,
        "channel": i.channel, "ugc": i.ugc, "format": i.format, "source_id": i.source_id,
        "theme_id": i.theme_id, "approval_id": i.approval_id,
    })
}

fn asset(x: Asset) -> Value {
    json!({
        "id": x.id, "kind": x.kind.as_str(), "source": x.source.as_str(),
        "label": x.label.as_str(), "state": x.state.as_str(), "owner": x.owner,
    })
}

fn variant(v: ContentVariant) -> Value {
    json!({
        "id": v.id, "kind": v.kind.as_str(), "style": v.style.as_str(), "label": v.label,
        "impressions": v.impressions, "clicks": v.clicks,
    })
}

fn plan(p: PublishingPlan) -> Value {
    let mut counts = serde_json::Map::new();
    for k in PlanIssueKind::ALL {
        let n = p.issues.iter().filter(|i| i.kind == *k).count();
        counts.insert(k.as_str().into(), json!(n));
    }
    json!({
        "from": p.from.to_string(),
        "to": p.to.to_string(),
        "entry_ids": p.entries.iter().map(|e| e.item_id).collect::<Vec<_>>(),
        "local_times": p.entries.iter().map(|e| e.local_time.clone()).collect::<Vec<_>>(),
        "issue_counts": counts,
        "hot_dates": p.hot_dates.iter().map(|h| h.name.clone()).collect::<Vec<_>>(),
        "theme_ids": p.themes.iter().map(|t| t.id).collect::<Vec<_>>(),
    })
}

/// `want` matches `got` when equal, or — for objects inside arrays — when
/// every key `want` names is equal (findings are compared on the keys given).
fn subset(want: &Value, got: &Value) -> bool {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => w
            .iter()
            .all(|(k, v)| g.get(k).is_some_and(|gv| subset(v, gv))),
        (Value::Array(w), Value::Array(g)) => {
            w.len() == g.len() && w.iter().zip(g).all(|(a, b)| subset(a, b))
        }
        _ => want == got,
    }
}

#[test]
fn shared_vectors() {
    let mut files: Vec<_> = std::fs::read_dir(vectors_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no vectors found");
    for file in files {
        let doc: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let mut options = match doc["clock"].as_str() {
            Some(start) => {
                brandrail::EngineOptions::new().manual_clock(start.parse().expect("RFC 3339 clock"))
            }
            None => brandrail::EngineOptions::new(),
        };
        if let Some(key) = doc["secret_key"].as_str() {
            let bytes: [u8; 32] = hex::decode(key)
                .expect("hex key")
                .try_into()
                .expect("32 bytes");
            options = options.secret_key(bytes);
        }
        let engine = Engine::in_memory_with(options).unwrap();
        for (i, step) in doc["steps"].as_array().unwrap().iter().enumerate() {
            let op = step["op"].as_str().unwrap();
            let actor = step["actor"].as_str().unwrap_or("");
            let here = format!("{} step {i} ({op})", file.display());
            let got = run(&engine, op, actor, &step["args"]);
            let expect = &step["expect"];
            if let Some(code) = expect["error"].as_str() {
                let err = got
                    .err()
                    .unwrap_or_else(|| panic!("{here}: expected error {code}"));
                assert_eq!(err.code(), code, "{here}: {err}");
                if let Some(field) = expect["field"].as_str() {
                    match &err {
                        brandrail::Error::Validation { field: got, .. } => {
                            assert_eq!(got, field, "{here}: {err}")
                        }
                        other => {
                            panic!("{here}: expected a validation error on {field}, got {other}")
                        }
                    }
                }
                continue;
            }
            let got = got.unwrap_or_else(|e| panic!("{here}: unexpected error {e}"));
            if let Some(fields) = expect["result"].as_object() {
                for (k, want) in fields {
                    assert!(
                        subset(want, &got[k]),
                        "{here}: field {k}: want {want} in {got}"
                    );
                }
            }
        }
    }
}
