//! Customer ingest (CRM issue, item 9): records with three identities each,
//! cleaned, deduplicated on exact identities and sealed, against a bare
//! rusqlite prepared insert of the same rows (one customer row and three
//! identity rows, no cleaning, no index lookups, no encryption) in the same run.
//!
//! Run: `cargo bench -p brandrail --bench crm`.

use brandrail::crm::{CustomerRecord, Identity, IdentityKind};
use brandrail::{Department, Engine, EngineOptions, NewPrincipal};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

const ROWS: usize = 20_000;

fn records(offset: usize) -> Vec<CustomerRecord> {
    (0..ROWS)
        .map(|i| {
            let n = offset + i;
            CustomerRecord {
                identities: vec![
                    Identity::new(
                        IdentityKind::Phone,
                        format!("+86 139 {:04} {:04}", n / 10_000, n % 10_000),
                    ),
                    Identity::new(IdentityKind::Email, format!("Customer.{n}@Example.com")),
                    Identity::new(IdentityKind::MemberId, format!("vip-{n:08}")),
                ],
                ..CustomerRecord::default()
            }
        })
        .collect()
}

fn engine() -> Engine {
    let e = Engine::in_memory_with(EngineOptions::new().secret_key([7u8; 32])).unwrap();
    e.bootstrap(NewPrincipal::new("it.admin", "IT", Department::It))
        .unwrap();
    e.create_principal(
        "it.admin",
        NewPrincipal::new("li.na", "李娜", Department::Marketing),
    )
    .unwrap();
    e
}

fn bare(rows: &[CustomerRecord]) {
    let mut conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(
        "CREATE TABLE c (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL);
         CREATE TABLE i (kind TEXT NOT NULL, value TEXT NOT NULL, customer_id INTEGER NOT NULL,
                         PRIMARY KEY (kind, value)) WITHOUT ROWID;",
    )
    .unwrap();
    let tx = conn.transaction().unwrap();
    {
        let mut c = tx
            .prepare("INSERT INTO c (created_at) VALUES (?1)")
            .unwrap();
        let mut i = tx
            .prepare("INSERT INTO i (kind, value, customer_id) VALUES (?1, ?2, ?3)")
            .unwrap();
        for r in rows {
            c.execute([0]).unwrap();
            let id = tx.last_insert_rowid();
            for x in &r.identities {
                i.execute(rusqlite::params![x.kind.as_str(), x.value, id])
                    .unwrap();
            }
        }
    }
    tx.commit().unwrap();
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("crm_ingest");
    g.sample_size(10);
    g.throughput(Throughput::Elements(ROWS as u64));
    g.bench_function("brandrail_20k_customers_3_identities", |b| {
        b.iter_batched(
            || (engine(), records(0)),
            |(e, rows)| e.ingest_customers("li.na", &rows).unwrap(),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("bare_rusqlite_prepared_insert_20k", |b| {
        b.iter_batched(|| records(0), |rows| bare(&rows), BatchSize::PerIteration)
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
