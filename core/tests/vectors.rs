//! Runs the shared acceptance vectors in `tests/vectors/*.json` against the Rust
//! API. Python, Node and the uniffi layer run the same files.

use std::path::PathBuf;

use brandrail::{
    AuditQuery, Department, Engine, NewMediaAccount, NewPrincipal, Outcome, Permission, Platform,
    Principal,
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

fn time(args: &Value, key: &str) -> DateTime<Utc> {
    s(args, key).parse().expect("RFC 3339 time")
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
            media(engine.record_media_interaction(actor, s(a, "id"), time(a, "at"))?)
        }
        "zombie_media_accounts" => {
            let ids: Vec<_> = engine
                .zombie_media_accounts(time(a, "as_of"))?
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
        other => panic!("unknown op {other}"),
    })
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
        let engine = Engine::in_memory().unwrap();
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
                    assert_eq!(&got[k], want, "{here}: field {k} in {got}");
                }
            }
        }
    }
}
