//! Crash safety and multi-process writing on one database file.
//!
//! The parent test re-runs this same test binary as child processes (selected
//! with `--exact child_worker` and an environment variable), so the children are
//! real OS processes that can be SIGKILLed mid-transaction.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use brandrail::{Department, Engine, EngineOptions, NewPrincipal};

const MODE: &str = "BRANDRAIL_TEST_CHILD";
const DB: &str = "BRANDRAIL_TEST_DB";
const TAG: &str = "BRANDRAIL_TEST_TAG";
const BATCH: usize = 20_000;
const PER_WRITER: usize = 250;

/// Entry point of the child processes; a no-op in a normal test run.
#[test]
fn child_worker() {
    let Ok(mode) = std::env::var(MODE) else {
        return;
    };
    let path = std::env::var(DB).unwrap();
    let tag = std::env::var(TAG).unwrap();
    let e = Engine::open(
        &path,
        EngineOptions::new().busy_timeout(Duration::from_secs(30)),
    )
    .unwrap();
    match mode.as_str() {
        "batch" => {
            let batch: Vec<_> = (0..BATCH)
                .map(|i| {
                    NewPrincipal::new(
                        format!("{tag}.{i:05}"),
                        format!("员工{i}"),
                        Department::Sales,
                    )
                })
                .collect();
            std::fs::write(format!("{path}.{tag}.started"), b"").unwrap();
            e.create_principals("it.admin", &batch).unwrap();
            std::fs::write(format!("{path}.{tag}.done"), b"").unwrap();
        }
        "writer" => {
            for i in 0..PER_WRITER {
                e.create_principal(
                    "it.admin",
                    NewPrincipal::new(format!("{tag}.{i:04}"), "Writer", Department::Marketing),
                )
                .unwrap();
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn spawn(mode: &str, path: &Path, tag: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "child_worker",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(MODE, mode)
        .env(DB, path)
        .env(TAG, tag)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap()
}

fn fresh(path: &Path) {
    let e = Engine::open(path, EngineOptions::new()).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
}

fn count_tagged(e: &Engine, tag: &str) -> usize {
    e.principals()
        .unwrap()
        .iter()
        .filter(|p| p.handle.starts_with(&format!("{tag}.")))
        .count()
}

fn wait_for(file: &str, limit: Duration) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if Path::new(file).exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

#[test]
fn sigkill_mid_batch_leaves_all_or_nothing_and_a_valid_chain() {
    let dir = tempfile::tempdir().unwrap();
    let mut killed_mid_batch = 0;
    for (round, delay_ms) in [5u64, 60, 250].into_iter().enumerate() {
        let path = dir.path().join(format!("crash{round}.sqlite"));
        fresh(&path);
        let tag = format!("b{round}");
        let mut child = spawn("batch", &path, &tag);
        let p = path.display().to_string();
        assert!(
            wait_for(&format!("{p}.{tag}.started"), Duration::from_secs(60)),
            "child never started"
        );
        std::thread::sleep(Duration::from_millis(delay_ms));
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();
        let finished = Path::new(&format!("{p}.{tag}.done")).exists();

        let e = Engine::open(&path, EngineOptions::new()).unwrap();
        let n = count_tagged(&e, &tag);
        assert!(n == 0 || n == BATCH, "round {round}: found {n} of {BATCH}");
        if finished {
            assert_eq!(n, BATCH);
        }
        eprintln!("round {round}: killed after {delay_ms} ms, {n} of {BATCH} present");
        if n == 0 {
            killed_mid_batch += 1;
        }
        let v = e.verify_audit().unwrap();
        assert!(v.ok, "round {round}: {v:?}");
        assert_eq!(v.head_seq as usize, 1 + n);
        // The engine keeps working on the recovered file.
        e.create_principal(
            "it.admin",
            NewPrincipal::new(format!("after.{round}"), "A", Department::Hr),
        )
        .unwrap();
    }
    assert!(
        killed_mid_batch > 0,
        "no round was killed inside the transaction"
    );
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shared.sqlite");
    fresh(&path);
    let mut a = spawn("writer", &path, "wa");
    let mut b = spawn("writer", &path, "wb");
    assert!(
        a.wait().unwrap().success(),
        "writer a failed (busy or locked?)"
    );
    assert!(
        b.wait().unwrap().success(),
        "writer b failed (busy or locked?)"
    );
    let e = Engine::open(&path, EngineOptions::new()).unwrap();
    assert_eq!(count_tagged(&e, "wa"), PER_WRITER);
    assert_eq!(count_tagged(&e, "wb"), PER_WRITER);
    let v = e.verify_audit().unwrap();
    assert!(v.ok, "{v:?}");
    assert_eq!(v.records_checked as usize, 1 + 2 * PER_WRITER);
}
