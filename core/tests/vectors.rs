//! Runs the shared acceptance vectors in `tests/vectors/*.json` against the Rust
//! API. Python, Node and the uniffi layer run the same files.

use std::path::PathBuf;

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
            let now =
                engine.advance_clock(chrono::Duration::hours(a["hours"].as_i64().unwrap()))?;
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
        other => panic!("unknown op {other}"),
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
        let options = match doc["clock"].as_str() {
            Some(start) => {
                brandrail::EngineOptions::new().manual_clock(start.parse().expect("RFC 3339 clock"))
            }
            None => brandrail::EngineOptions::new(),
        };
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
