//! Audit-log benchmarks (issue: foundation, item 11).
//!
//! - `verify`: records verified per second over a 100 000-record chain
//!   (target ≥ 1 M records/s).
//! - `mutation_batched` vs `audit_append_batched`: the cheapest audited
//!   mutation (recording a media-account interaction) in batches of 1 000 per
//!   transaction, against the audit append alone (digests of the before/after
//!   state + hash + insert + head update) in the same batches. The audit's
//!   overhead on the mutation is `append / (mutation − append)` (target ≤ 25 %).
//! - `mutation_single`: one interaction per transaction, for reference.
//!
//! Run: `cargo bench -p brandrail --features bench-internals --bench audit`.

use brandrail::bench_internals::append_audit_batch;
use brandrail::{Department, Engine, EngineOptions, NewMediaAccount, NewPrincipal, Platform};
use chrono::{Duration, TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const BATCH: usize = 1_000;

fn engine_with_accounts(dir: &std::path::Path, accounts: usize) -> Engine {
    let e = Engine::open(dir.join("bench.sqlite"), EngineOptions::new()).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("li.na", "李娜", Department::Marketing),
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
    g.bench_function("mutation_batched_1000", |b| {
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
    g.bench_function("audit_append_batched_1000", |b| {
        b.iter(|| append_audit_batch(&e, BATCH, &state).unwrap())
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("mutation_single", |b| {
        b.iter(|| {
            tick += 1;
            e.record_media_interaction("li.na", "acct-00001", base + Duration::seconds(tick))
                .unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
