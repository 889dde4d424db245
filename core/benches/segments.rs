//! Segments over a large customer base (CRM issue, item 9): a three-condition
//! segment (a profile field, "≥ 2 purchases in 90 days", "a view in the last
//! 30 days") counted over N synthetic customers (default 1 000 000; set
//! `BRANDRAIL_BENCH_CUSTOMERS`), against the same count as one hand-written
//! SQL query over the same file; a stage condition (lifecycle derived from
//! behaviour); and the incremental refresh of a stored segment after 100 new
//! interactions.
//!
//! The database is built once through the public API (ingest + interactions)
//! and kept under `target/bench-data/` for later runs. With
//! `BRANDRAIL_BENCH_SETUP_ONLY=1` the binary only builds it and exits, so the
//! database's build can be measured with `/usr/bin/time -v`; with
//! `BRANDRAIL_BENCH_INGEST_ONLY=N` it times one ingest call of N customers
//! with three identities each into a fresh file (its peak memory the same
//! way).
//!
//! Run: `cargo bench -p brandrail --bench segments`.

use std::path::PathBuf;
use std::time::Instant;

use brandrail::crm::{
    CustomerRecord, Identity, IdentityKind, InteractionKind, NewInteraction, Rule, SegmentDef,
};
use brandrail::{Department, Engine, EngineOptions, NewPrincipal};
use chrono::{Duration, TimeZone, Utc};
use criterion::{Criterion, criterion_group};
use sha2::Digest;

const KEY: [u8; 32] = [7u8; 32];
const REGIONS: [&str; 10] = [
    "上海", "北京", "广州", "深圳", "杭州", "成都", "南京", "武汉", "西安", "重庆",
];
const AGES: [&str; 5] = ["18-24", "25-34", "35-44", "45-54", "55+"];

const THREE: &str = r#"{"all": [
    {"field": {"name": "region", "op": "eq", "value": "上海"}},
    {"events": {"kind": "purchase", "at_least": 2, "within_days": 90}},
    {"events": {"kind": "view", "within_days": 30}}
]}"#;

fn customers() -> usize {
    std::env::var("BRANDRAIL_BENCH_CUSTOMERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000)
}

/// A small deterministic generator (the data must be the same every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn path(n: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(format!("segments-{n}.sqlite"))
}

fn clock() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 6, 1, 8, 0, 0).unwrap()
}

fn open(n: usize) -> Engine {
    let p = path(n);
    let fresh = !p.exists();
    let e = Engine::open(
        &p,
        EngineOptions::new().secret_key(KEY).manual_clock(clock()),
    )
    .unwrap();
    if fresh {
        build(&e, n);
    }
    e
}

fn build(e: &Engine, n: usize) {
    let t = Instant::now();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("li.na", "李娜", Department::Marketing),
    )
    .unwrap();
    let mut rng = Lcg(42);
    const BATCH: usize = 100_000;
    let mut ids = Vec::with_capacity(n);
    for start in (0..n).step_by(BATCH) {
        let rows: Vec<CustomerRecord> = (start..(start + BATCH).min(n))
            .map(|i| CustomerRecord {
                identities: vec![
                    Identity::new(IdentityKind::Phone, format!("139{i:08}")),
                    Identity::new(IdentityKind::Email, format!("c{i}@example.com")),
                    Identity::new(IdentityKind::MemberId, format!("M{i:09}")),
                ],
                name: None,
                profile: [
                    (
                        "region".to_owned(),
                        REGIONS[rng.next(10) as usize].to_owned(),
                    ),
                    ("age_band".to_owned(), AGES[rng.next(5) as usize].to_owned()),
                ]
                .into_iter()
                .collect(),
                purpose: None,
            })
            .collect();
        let r = e.ingest_customers("li.na", &rows).unwrap();
        ids.extend(r.customer_ids.into_iter().flatten());
    }
    eprintln!("ingested {n} customers in {:.1?}", t.elapsed());
    let t = Instant::now();
    let now = e.now();
    let mut events = Vec::new();
    let mut total = 0;
    for id in ids {
        for _ in 0..rng.next(4) {
            events.push(NewInteraction {
                customer_id: id,
                kind: InteractionKind::View,
                at: now - Duration::hours(rng.next(24 * 120) as i64),
                page: Some(if rng.next(3) == 0 { "product" } else { "home" }.into()),
                amount: None,
                channel: None,
            });
        }
        for _ in 0..rng.next(4) {
            events.push(NewInteraction {
                customer_id: id,
                kind: InteractionKind::Purchase,
                at: now - Duration::hours(rng.next(24 * 200) as i64),
                page: None,
                amount: Some(format!("{}.{:02}", 10 + rng.next(990), rng.next(100))),
                channel: Some("pos".into()),
            });
        }
        if events.len() >= 500_000 {
            total += events.len();
            e.record_interactions("li.na", &events).unwrap();
            events.clear();
        }
    }
    total += events.len();
    e.record_interactions("li.na", &events).unwrap();
    eprintln!("recorded {total} interactions in {:.1?}", t.elapsed());
}

/// The same three conditions as one SQL query over the same file: the
/// baseline a team would write by hand against the tables.
fn bare_sql(p: &std::path::Path, now_ms: i64) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(p, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .unwrap();
    let day = 86_400_000i64;
    conn.query_row(
        "SELECT count(*) FROM customer c \
         JOIN (SELECT customer_id FROM customer_interaction \
               WHERE kind = 'purchase' AND at >= ?1 \
               GROUP BY customer_id HAVING count(*) >= 2) p ON p.customer_id = c.id \
         WHERE c.merged_into IS NULL AND c.erased_at IS NULL \
         AND json_extract(c.profile, '$.region') = '上海' \
         AND c.id IN (SELECT customer_id FROM customer_interaction \
                      WHERE kind = 'view' AND at >= ?2)",
        [now_ms - 90 * day, now_ms - 30 * day],
        |r| r.get(0),
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let n = customers();
    let e = open(n);
    let rule = Rule::from_json(THREE).unwrap();
    let now_ms = e.now().timestamp_millis();
    let ours = e.count_customers("li.na", &rule).unwrap();
    let theirs = bare_sql(&path(n), now_ms);
    assert_eq!(
        ours as i64, theirs,
        "the engine and the hand-written query disagree"
    );
    eprintln!("three-condition segment: {ours} of {n} customers");

    let mut g = c.benchmark_group(format!("segments_{n}"));
    g.sample_size(10);
    g.bench_function("brandrail_count_three_conditions", |b| {
        b.iter(|| e.count_customers("li.na", &rule).unwrap())
    });
    g.bench_function("bare_sql_count_three_conditions", |b| {
        b.iter(|| bare_sql(&path(n), now_ms))
    });
    let stage = Rule::from_json(r#"{"stage": ["loyalty"]}"#).unwrap();
    g.bench_function("brandrail_count_stage_loyalty", |b| {
        b.iter(|| e.count_customers("li.na", &stage).unwrap())
    });
    let spend = Rule::from_json(r#"{"spend": {"at_least": "1500", "within_days": 365}}"#).unwrap();
    g.bench_function("brandrail_count_spend_365d", |b| {
        b.iter(|| e.count_customers("li.na", &spend).unwrap())
    });
    // A stored segment: after 100 new interactions a read re-evaluates only
    // the customers they touched.
    let def = SegmentDef {
        name: "bench-three".into(),
        label: "bench".into(),
        description: "bench".into(),
        rule: rule.clone(),
    };
    e.define_segment("li.na", &def).unwrap();
    let mut rng = Lcg(7);
    g.bench_function("brandrail_incremental_refresh_after_100_events", |b| {
        b.iter(|| {
            let rows: Vec<NewInteraction> = (0..100)
                .map(|_| NewInteraction {
                    customer_id: 1 + rng.next(n as u64) as i64,
                    kind: InteractionKind::View,
                    at: e.now(),
                    page: Some("home".into()),
                    amount: None,
                    channel: None,
                })
                .collect();
            e.record_interactions("li.na", &rows).unwrap();
            e.segment_count("li.na", "bench-three").unwrap()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);

/// One ingest call of all N customers into a fresh file, timed: with
/// `/usr/bin/time -v` this gives the ingest's peak memory.
fn ingest_only(n: usize) {
    let dir = std::env::temp_dir().join(format!("brandrail-ingest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let e = Engine::open(
        dir.join("ingest.sqlite"),
        EngineOptions::new().secret_key(KEY),
    )
    .unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("li.na", "李娜", Department::Marketing),
    )
    .unwrap();
    let rows: Vec<CustomerRecord> = (0..n)
        .map(|i| CustomerRecord {
            identities: vec![
                Identity::new(
                    IdentityKind::Phone,
                    format!("+86 139 {:04} {:04}", i / 10_000, i % 10_000),
                ),
                Identity::new(IdentityKind::Email, format!("Customer.{i}@Example.com")),
                Identity::new(IdentityKind::MemberId, format!("vip-{i:08}")),
            ],
            ..CustomerRecord::default()
        })
        .collect();
    let t = Instant::now();
    let r = e.ingest_customers("li.na", &rows).unwrap();
    let took = t.elapsed();
    eprintln!(
        "ingested {} customers ({} created) in one call: {:.1?}, {:.0} customers/s",
        r.rows,
        r.created,
        took,
        r.rows as f64 / took.as_secs_f64()
    );
    drop(e);
    let mut conn = rusqlite::Connection::open(dir.join("bare.sqlite")).unwrap();
    conn.pragma_update(None, "journal_mode", "WAL").unwrap();
    conn.pragma_update(None, "synchronous", "NORMAL").unwrap();
    let compare = |what: &str, bare: std::time::Duration| {
        eprintln!(
            "bare prepared insert {what}: {bare:.1?}, {:.0} customers/s; brandrail takes {:.1}x as long",
            rows.len() as f64 / bare.as_secs_f64(),
            took.as_secs_f64() / bare.as_secs_f64()
        )
    };
    // The same rows through a bare prepared insert into a file with the
    // same journal settings: one customer row and three identity rows each.
    compare(
        "of the same rows",
        bare_insert(&mut conn, "plain", &rows, |r, j| {
            rows[r].identities[j].value.as_str()
        }),
    );
    // The same again with the identity values replaced by 32-byte digests,
    // as the blind index stores them: the cost of random keys alone.
    let digests: Vec<Vec<[u8; 32]>> = rows
        .iter()
        .map(|r| {
            r.identities
                .iter()
                .map(|x| sha2::Sha256::digest(x.value.as_bytes()).into())
                .collect()
        })
        .collect();
    compare(
        "with 32-byte digest keys",
        bare_insert(&mut conn, "digest", &rows, |r, j| &digests[r][j][..]),
    );
    drop(conn);
    let _ = std::fs::remove_dir_all(dir);
}

/// One bare prepared insert of `rows` into fresh tables named after `name`
/// (a customer row, then one identity row for each identity, keyed by
/// `key(row, identity)`; the key column has no affinity, so text stays
/// text), in one transaction; returns its time.
fn bare_insert<K: rusqlite::ToSql>(
    conn: &mut rusqlite::Connection,
    name: &str,
    rows: &[CustomerRecord],
    key: impl Fn(usize, usize) -> K,
) -> std::time::Duration {
    conn.execute_batch(&format!(
        "CREATE TABLE c_{name} (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL);
         CREATE TABLE i_{name} (kind TEXT NOT NULL, value BLOB NOT NULL,
                                customer_id INTEGER NOT NULL,
                                PRIMARY KEY (kind, value)) WITHOUT ROWID;"
    ))
    .unwrap();
    let t = Instant::now();
    let tx = conn.transaction().unwrap();
    {
        let mut c = tx
            .prepare(&format!("INSERT INTO c_{name} (created_at) VALUES (?1)"))
            .unwrap();
        let mut i = tx
            .prepare(&format!(
                "INSERT INTO i_{name} (kind, value, customer_id) VALUES (?1, ?2, ?3)"
            ))
            .unwrap();
        for (n, r) in rows.iter().enumerate() {
            c.execute([0]).unwrap();
            let id = tx.last_insert_rowid();
            for (j, x) in r.identities.iter().enumerate() {
                i.execute(rusqlite::params![x.kind.as_str(), key(n, j), id])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
    t.elapsed()
}

fn main() {
    if let Some(n) = std::env::var("BRANDRAIL_BENCH_INGEST_ONLY")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        ingest_only(n);
        return;
    }
    if std::env::var_os("BRANDRAIL_BENCH_SETUP_ONLY").is_some() {
        let n = customers();
        let _ = std::fs::remove_file(path(n));
        drop(open(n));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
