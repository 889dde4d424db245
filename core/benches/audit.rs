//! Audit-log benchmarks (issue: foundation, item 11).
//!
//! - `verify`: records verified per second over a 100 000-record chain
//!   (target ≥ 1 M records/s).
//! - the cheapest audited mutation (recording a media-account interaction),
//!   one per transaction (`mutation_single`) and 1 000 per transaction
//!   (`mutation_batched_1000`), each timed with the audit trail on and off
//!   (`*_no_audit`, a benchmark-only switch that skips digests, hash, insert
//!   and head update). The audit's overhead is `on / off − 1` (target ≤ 25 %).
//! - `audit_append_batched_1000`: the audit append alone, 1 000 per transaction.
//!
//! Run: `cargo bench -p brandrail --features bench-internals --bench audit`.

use brandrail::bench_internals::{append_audit_batch, set_audit_off};
use brandrail::{Department, Engine, EngineOptions, NewMediaAccount, NewPrincipal, Platform};
use chrono::{Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const BATCH: usize = 1_000;

fn engine_with_accounts(dir: &std::path::Path, accounts: usize) -> Engine {
    let e = Engine::open(dir.join("bench.sqlite"), EngineOptions::new()).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principals(
        "it.admin",
        &[
            NewPrincipal::new("li.na", "李娜", Department::Marketing),
            NewPrincipal::new("zhao.min", "赵敏", Department::Executive),
        ],
    )
    .unwrap();
    for i in 0..accounts {
        e.register_media_account(
            "it.admin",
            NewMediaAccount {
                id: format!("acct-{i:05}"),
                platform: Platform::Douyin,
                display_name: format!("账号{i}"),
                owner_department: Department::Marketing,
                custodian: "li.na".into(),
                credential: None,
            },
        )
        .unwrap();
    }
    e
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();

    // verify
    {
        let vdir = dir.path().join("verify");
        std::fs::create_dir_all(&vdir).unwrap();
        let e = engine_with_accounts(&vdir, 1);
        let state = e.media_account("acct-00000").unwrap();
        for _ in 0..100 {
            append_audit_batch(&e, BATCH, &state).unwrap();
        }
        let n = e.audit_len().unwrap() as u64;
        let mut g = c.benchmark_group("audit");
        g.sample_size(20);
        g.throughput(Throughput::Elements(n));
        g.bench_function("verify_100k", |b| {
            b.iter(|| assert!(e.verify_audit().unwrap().ok))
        });
        // A supervisor's query by entity scans the log (there is no entity index).
        let q = brandrail::AuditQuery {
            entity_id: Some("777".into()),
            ..Default::default()
        };
        g.bench_function("query_by_entity_100k", |b| {
            b.iter(|| assert_eq!(e.audit_query("zhao.min", &q).unwrap().len(), 100))
        });
        g.finish();
    }

    // the cheapest audited mutation vs its audit share, batched
    let mdir = dir.path().join("mutation");
    std::fs::create_dir_all(&mdir).unwrap();
    let e = engine_with_accounts(&mdir, BATCH);
    let state = e.media_account("acct-00000").unwrap();
    let base = Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap();
    let mut tick = 0i64;
    let mut g = c.benchmark_group("audit");
    g.sample_size(30);
    g.throughput(Throughput::Elements(BATCH as u64));
    for (name, off) in [
        ("mutation_batched_1000", false),
        ("mutation_batched_1000_no_audit", true),
    ] {
        set_audit_off(off);
        g.bench_function(name, |b| {
            b.iter_batched(
                || {
                    tick += 1;
                    let at = base + Duration::seconds(tick);
                    (0..BATCH)
                        .map(|i| (format!("acct-{i:05}"), at))
                        .collect::<Vec<_>>()
                },
                |batch| e.record_media_interactions("li.na", &batch).unwrap(),
                BatchSize::LargeInput,
            )
        });
    }
    set_audit_off(false);
    g.bench_function("audit_append_batched_1000", |b| {
        b.iter(|| append_audit_batch(&e, BATCH, &state).unwrap())
    });
    g.throughput(Throughput::Elements(1));
    for (name, off) in [
        ("mutation_single", false),
        ("mutation_single_no_audit", true),
    ] {
        set_audit_off(off);
        g.bench_function(name, |b| {
            b.iter(|| {
                tick += 1;
                let id = format!("acct-{:05}", tick % BATCH as i64);
                e.record_media_interaction("li.na", &id, base + Duration::seconds(tick))
                    .unwrap()
            })
        });
    }
    set_audit_off(false);
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
