//! AUD-1..AUD-4 and the storage guarantees: tampering done directly in the SQLite
//! file is found, backups verify and restore, foreign or damaged files are refused
//! untouched.

use std::path::Path;

use brandrail::{AuditQuery, Department, Engine, EngineOptions, NewPrincipal, Policy};
use chrono::Duration;
use rusqlite::Connection;

fn seeded(path: &Path, staff: usize) -> Engine {
    let e = Engine::open(path, EngineOptions::new()).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("zhao.min", "赵敏", Department::Executive),
    )
    .unwrap();
    let batch: Vec<_> = (0..staff)
        .map(|i| {
            NewPrincipal::new(
                format!("staff.{i:04}"),
                format!("员工{i}"),
                Department::Sales,
            )
        })
        .collect();
    e.create_principals("it.admin", &batch).unwrap();
    e
}

/// Open the raw file as an attacker would, with the append-only triggers gone.
fn raw(path: &Path) -> Connection {
    let c = Connection::open(path).unwrap();
    c.execute_batch("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;")
        .unwrap();
    c
}

#[test]
fn aud1_clean_chain_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let e = seeded(&dir.path().join("a.sqlite"), 20);
    let v = e.verify_audit().unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.records_checked, 22);
    assert_eq!(v.head_seq, 22);
    assert_eq!(v.head_hash.len(), 64);
    assert_eq!(v.first_bad_seq, None);
}

#[test]
fn aud1_the_engine_itself_refuses_to_edit_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let _e = seeded(&path, 2);
    let c = Connection::open(&path).unwrap();
    assert!(
        c.execute("UPDATE audit_log SET principal = 'x' WHERE seq = 1", [])
            .is_err()
    );
    assert!(
        c.execute("DELETE FROM audit_log WHERE seq = 1", [])
            .is_err()
    );
}

fn tampered(sql: &str) -> brandrail::AuditVerification {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let e = seeded(&path, 10);
    raw(&path).execute_batch(sql).unwrap();
    e.verify_audit().unwrap()
}

#[test]
fn aud1_edit_is_found_at_the_edited_record() {
    let v = tampered("UPDATE audit_log SET principal = 'someone.else' WHERE seq = 5");
    assert!(!v.ok);
    assert_eq!(v.first_bad_seq, Some(5));
    assert!(v.problem.unwrap().contains("edited"));
    // Re-hashing the edited record does not help: the next link breaks.
    let v = tampered("UPDATE audit_log SET detail = 'x', hash = zeroblob(32) WHERE seq = 5");
    assert_eq!(v.first_bad_seq, Some(5));
}

#[test]
fn aud1_deletion_in_the_middle_and_at_the_end_is_found() {
    let v = tampered("DELETE FROM audit_log WHERE seq = 7");
    assert_eq!(v.first_bad_seq, Some(7));
    assert!(v.problem.unwrap().contains("missing"));
    let v = tampered("DELETE FROM audit_log WHERE seq >= 11");
    assert_eq!(v.first_bad_seq, Some(11));
    assert!(v.problem.unwrap().contains("removed"));
    let v = tampered("DELETE FROM audit_log; DELETE FROM meta WHERE key = 'audit_head'");
    // An emptied log with its head removed is indistinguishable from a fresh one,
    // which is why hosts anchor `head_hash` elsewhere; principals without any
    // history still give it away to a reviewer.
    assert!(v.ok && v.head_seq == 0);
}

#[test]
fn aud1_reordering_and_insertion_are_found() {
    // Swap the contents of records 3 and 4 (keeping their seq numbers).
    let v = tampered(
        "CREATE TEMP TABLE t AS SELECT * FROM audit_log WHERE seq IN (3, 4);
         UPDATE audit_log SET principal = (SELECT principal FROM t WHERE seq = 4),
                              entity_id = (SELECT entity_id FROM t WHERE seq = 4),
                              after_digest = (SELECT after_digest FROM t WHERE seq = 4),
                              hash = (SELECT hash FROM t WHERE seq = 4) WHERE seq = 3;",
    );
    assert_eq!(v.first_bad_seq, Some(3));
    // Renumber to insert a forged record in the middle.
    let v = tampered(
        "UPDATE audit_log SET seq = seq + 100 WHERE seq > 5;
         INSERT INTO audit_log SELECT 6, at, principal, 'principal.create', entity_type, 'forged',
                outcome, detail, before_digest, after_digest, prev_hash, hash
         FROM audit_log WHERE seq = 5;",
    );
    assert_eq!(v.first_bad_seq, Some(6));
    // Append a forged record at the end.
    let v = tampered(
        "INSERT INTO audit_log SELECT seq + 1, at, principal, action, entity_type, entity_id,
                outcome, detail, before_digest, after_digest, hash, hash
         FROM audit_log WHERE seq = 12;",
    );
    assert!(!v.ok);
    assert_eq!(v.first_bad_seq, Some(13));
}

#[test]
fn aud2_no_raw_personal_value_in_the_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let e = seeded(&path, 3);
    e.create_principal(
        "it.admin",
        NewPrincipal::new("wang.fang", "王芳Fang", Department::Hr),
    )
    .unwrap();
    let c = Connection::open(&path).unwrap();
    let mut stmt = c
        .prepare("SELECT principal || action || entity_type || entity_id || detail FROM audit_log")
        .unwrap();
    let texts: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(texts.len(), 6);
    for t in texts {
        assert!(
            !t.contains("王芳") && !t.contains("员工") && !t.contains("赵敏"),
            "{t}"
        );
    }
}

#[test]
fn aud3_backup_verifies_and_restore_brings_back_the_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sqlite");
    let e = seeded(&path, 200);
    e.grant_role("it.admin", "zhao.min", "supervisor").unwrap();
    let status = e.backup_status(e.now()).unwrap();
    assert!(status.overdue && status.last_backup_at.is_none());

    let backup = dir.path().join("backup.sqlite");
    let mut calls = 0;
    let report = e
        .backup_to_with_progress("it.admin", &backup, &mut |done, total| {
            calls += 1;
            assert!(done <= total);
        })
        .unwrap();
    assert!(calls >= 1);
    assert!(report.verified);
    assert_eq!(report.head_seq, 203);
    assert_eq!(report.records, 203);
    assert!(report.bytes > 0);
    let status = e.backup_status(e.now()).unwrap();
    assert!(!status.overdue);
    assert_eq!(
        status.next_due_at,
        status.last_backup_at.unwrap() + Duration::hours(24)
    );
    assert_eq!(
        e.backup_to("it.admin", &backup).unwrap_err().code(),
        "conflict",
        "never overwrites"
    );
    assert_eq!(
        e.backup_to("zhao.min", dir.path().join("b2.sqlite"))
            .unwrap_err()
            .code(),
        "permission_denied"
    );
    assert!(!dir.path().join("b2.sqlite").exists());

    // Damage the live state, then restore.
    e.deactivate_principal("it.admin", "zhao.min").unwrap();
    let report = e.restore_from("it.admin", &backup).unwrap();
    assert!(report.within_rto);
    assert_eq!(report.head_seq, 203);
    assert!(e.principal("zhao.min").unwrap().active);
    assert_eq!(
        e.principal("zhao.min").unwrap().roles,
        ["executive", "supervisor"]
    );
    let v = e.verify_audit().unwrap();
    assert!(v.ok, "{v:?}");
    let last = e
        .audit_query(
            "zhao.min",
            &AuditQuery {
                after_seq: Some(203),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(last.len(), 1);
    assert_eq!(last[0].action, "audit.restore");
}

#[test]
fn aud3_a_tampered_backup_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sqlite");
    let e = seeded(&path, 5);
    let backup = dir.path().join("backup.sqlite");
    e.backup_to("it.admin", &backup).unwrap();
    raw(&backup)
        .execute(
            "UPDATE audit_log SET entity_id = 'forged' WHERE seq = 3",
            [],
        )
        .unwrap();
    let before = e.principals().unwrap();
    let n = e.audit_len().unwrap();
    let err = e.restore_from("it.admin", &backup).unwrap_err();
    assert_eq!(err.code(), "integrity");
    assert!(err.to_string().contains("record 3"), "{err}");
    assert_eq!(e.principals().unwrap(), before);
    assert_eq!(e.audit_len().unwrap(), n);
    // Restoring from something that is not a brandrail file is refused too.
    let foreign = dir.path().join("foreign.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE x (y);")
        .unwrap();
    assert_eq!(
        e.restore_from("it.admin", &foreign).unwrap_err().code(),
        "incompatible_database"
    );
    assert_eq!(
        e.restore_from("it.admin", dir.path().join("missing"))
            .unwrap_err()
            .code(),
        "io"
    );
}

#[test]
fn foreign_newer_and_damaged_files_are_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    // Another application's database.
    let foreign = dir.path().join("crm.sqlite");
    Connection::open(&foreign)
        .unwrap()
        .execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY); INSERT INTO customers VALUES (1);",
        )
        .unwrap();
    let bytes = std::fs::read(&foreign).unwrap();
    let err = Engine::open(&foreign, EngineOptions::new()).unwrap_err();
    assert_eq!(err.code(), "incompatible_database", "{err}");
    assert_eq!(std::fs::read(&foreign).unwrap(), bytes);
    assert!(!dir.path().join("crm.sqlite-wal").exists());

    // A brandrail file from a newer version.
    let newer = dir.path().join("newer.sqlite");
    drop(seeded(&newer, 1));
    Connection::open(&newer)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    let err = Engine::open(&newer, EngineOptions::new()).unwrap_err();
    assert_eq!(err.code(), "incompatible_database");
    assert!(err.to_string().contains("99"), "{err}");

    // Not SQLite at all.
    let text = dir.path().join("notes.txt");
    std::fs::write(&text, "brand guidelines, not a database ".repeat(200)).unwrap();
    let err = Engine::open(&text, EngineOptions::new()).unwrap_err();
    assert!(
        ["corrupt", "incompatible_database"].contains(&err.code()),
        "{err}"
    );
    assert_eq!(
        std::fs::read(&text).unwrap(),
        "brand guidelines, not a database ".repeat(200).as_bytes()
    );

    // A truncated brandrail file.
    let cut = dir.path().join("cut.sqlite");
    drop(seeded(&cut, 300));
    let full = std::fs::read(&cut).unwrap();
    assert!(full.len() > 8192);
    std::fs::write(&cut, &full[..full.len() / 2]).unwrap();
    let outcome = Engine::open(&cut, EngineOptions::new())
        .and_then(|e| e.verify_audit().map(|_| e).and_then(|e| e.principals()));
    let err = outcome.unwrap_err();
    assert!(
        ["corrupt", "incompatible_database"].contains(&err.code()),
        "{err}"
    );
}

#[test]
fn reopening_keeps_everything_and_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let e = seeded(&path, 3);
    let next = Policy::default_pack()
        .overlay_toml("[audit]\nbackup_interval_hours = 6\n")
        .unwrap();
    e.replace_policy("zhao.min", &next).unwrap();
    drop(e);
    let e = Engine::open(&path, EngineOptions::new()).unwrap();
    assert_eq!(e.principals().unwrap().len(), 5);
    assert_eq!(e.policy().unwrap().audit.backup_interval_hours, 6);
    assert_eq!(e.policy_version().unwrap().version, 1);
    assert!(e.verify_audit().unwrap().ok);
}

#[test]
fn a_second_handle_sees_policy_changes_of_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let a = seeded(&path, 1);
    let b = Engine::open(&path, EngineOptions::new()).unwrap();
    assert_eq!(b.policy().unwrap().access.zombie_after_months, 6);
    let next = Policy::default_pack()
        .overlay_toml("[access]\nzombie_after_months = 2\n")
        .unwrap();
    a.replace_policy("zhao.min", &next).unwrap();
    assert_eq!(b.policy().unwrap().access.zombie_after_months, 2);
}
