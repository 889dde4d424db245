//! Versioned schema migrations. `PRAGMA user_version` holds the version reached;
//! each step runs in its own IMMEDIATE transaction, so two processes opening a
//! fresh file at once apply it exactly once. Append steps; never edit a released one.

use rusqlite::{Connection, TransactionBehavior};

use super::APPLICATION_ID;
use crate::error::Result;

/// Migration steps; `MIGRATIONS[i]` takes the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: policy, principals, roles, media accounts, the audit log, backups.
    // The audit log is indexed by principal only. Every index adds B-tree pages
    // to each commit, and page writes dominate the cost of a small mutation; an
    // index keyed by entity takes random inserts that grow with the log (10x the
    // cost of a batched mutation at 300 000 records). Entity and action filters
    // scan; times map to sequence ranges, since times never decrease along the
    // chain (store/audit.rs).
    r#"
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value BLOB NOT NULL
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE policy_version (
        version      INTEGER PRIMARY KEY,
        installed_at INTEGER NOT NULL,
        installed_by TEXT NOT NULL,
        digest       BLOB NOT NULL,
        document     TEXT NOT NULL
    ) STRICT;

    CREATE TABLE principal (
        handle         TEXT PRIMARY KEY,
        display_name   TEXT NOT NULL,
        department     TEXT NOT NULL,
        active         INTEGER NOT NULL CHECK (active IN (0, 1)),
        created_at     INTEGER NOT NULL,
        deactivated_at INTEGER
    ) STRICT;

    CREATE TABLE principal_role (
        handle     TEXT NOT NULL REFERENCES principal(handle),
        role       TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        granted_by TEXT NOT NULL,
        PRIMARY KEY (handle, role)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE media_account (
        id                  TEXT PRIMARY KEY,
        platform            TEXT NOT NULL,
        display_name        TEXT NOT NULL,
        owner_department    TEXT NOT NULL,
        custodian           TEXT NOT NULL REFERENCES principal(handle),
        credential          BLOB,
        registered_at       INTEGER NOT NULL,
        last_interaction_at INTEGER,
        retired_at          INTEGER
    ) STRICT;
    CREATE INDEX media_account_by_custodian ON media_account(custodian);

    CREATE TABLE audit_log (
        seq           INTEGER PRIMARY KEY,
        at            INTEGER NOT NULL,
        principal     TEXT NOT NULL,
        action        TEXT NOT NULL,
        entity_type   TEXT NOT NULL,
        entity_id     TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        detail        TEXT NOT NULL,
        before_digest BLOB,
        after_digest  BLOB,
        prev_hash     BLOB NOT NULL,
        hash          BLOB NOT NULL
    ) STRICT;
    CREATE INDEX audit_by_principal ON audit_log(principal, seq);
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

    CREATE TABLE backup_run (
        id        INTEGER PRIMARY KEY,
        at        INTEGER NOT NULL,
        principal TEXT NOT NULL,
        head_seq  INTEGER NOT NULL,
        bytes     INTEGER NOT NULL
    ) STRICT;
    "#,
    // 2: approvals — instances (with a snapshot of their workflow), history,
    // stage runs for throughput, delegations.
    r#"
    CREATE TABLE approval_instance (
        id            INTEGER PRIMARY KEY,
        workflow      TEXT NOT NULL,
        submitter     TEXT NOT NULL REFERENCES principal(handle),
        state         TEXT NOT NULL,
        round         INTEGER NOT NULL,
        subject       TEXT NOT NULL,
        stages        TEXT NOT NULL,
        definition    TEXT NOT NULL,
        current_stage TEXT,
        assignee      TEXT,
        escalated     INTEGER NOT NULL CHECK (escalated IN (0, 1)),
        due_at        INTEGER,
        submitted_at  INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL,
        closed_at     INTEGER
    ) STRICT;
    CREATE INDEX approval_by_state ON approval_instance(state, due_at);
    CREATE INDEX approval_by_assignee ON approval_instance(assignee) WHERE assignee IS NOT NULL;
    CREATE INDEX approval_by_submitter ON approval_instance(submitter, id);

    CREATE TABLE approval_event (
        id           INTEGER PRIMARY KEY,
        instance_id  INTEGER NOT NULL REFERENCES approval_instance(id),
        at           INTEGER NOT NULL,
        principal    TEXT NOT NULL,
        on_behalf_of TEXT,
        kind         TEXT NOT NULL,
        stage        TEXT,
        round        INTEGER NOT NULL,
        comment      TEXT NOT NULL,
        checklist    TEXT NOT NULL
    ) STRICT;
    CREATE INDEX approval_event_by_instance ON approval_event(instance_id, id);

    CREATE TABLE approval_stage_run (
        instance_id  INTEGER NOT NULL REFERENCES approval_instance(id),
        round        INTEGER NOT NULL,
        stage        TEXT NOT NULL,
        workflow     TEXT NOT NULL,
        started_at   INTEGER NOT NULL,
        completed_at INTEGER,
        PRIMARY KEY (instance_id, round, stage)
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX stage_run_by_workflow ON approval_stage_run(workflow, stage);

    CREATE TABLE delegation (
        id             INTEGER PRIMARY KEY,
        from_principal TEXT NOT NULL REFERENCES principal(handle),
        to_principal   TEXT NOT NULL REFERENCES principal(handle),
        starts_at      INTEGER NOT NULL,
        ends_at        INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        revoked_at     INTEGER
    ) STRICT;
    CREATE INDEX delegation_to ON delegation(to_principal);
    CREATE INDEX delegation_from ON delegation(from_principal);
    "#,
    // 3: content items and their versions (CON-1, CON-2).
    r#"
    CREATE TABLE content_item (
        id           INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL,
        title        TEXT NOT NULL,
        channel      TEXT NOT NULL,
        owner        TEXT NOT NULL REFERENCES principal(handle),
        state        TEXT NOT NULL,
        version      INTEGER NOT NULL,
        is_ad        INTEGER NOT NULL CHECK (is_ad IN (0, 1)),
        sensitive    INTEGER NOT NULL CHECK (sensitive IN (0, 1)),
        approval_id  INTEGER REFERENCES approval_instance(id),
        scheduled_at INTEGER,
        published_at INTEGER,
        created_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX content_by_state ON content_item(state, id);
    CREATE INDEX content_by_approval ON content_item(approval_id) WHERE approval_id IS NOT NULL;

    CREATE TABLE content_version (
        item_id    INTEGER NOT NULL REFERENCES content_item(id),
        version    INTEGER NOT NULL,
        title      TEXT NOT NULL,
        body       TEXT NOT NULL,
        author     TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (item_id, version)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 4: the rest of content (CON-4..CON-8): version details (duration,
    // layout, assets) as JSON, UGC and format flags, derivatives and themes on
    // items; A/B variants; quarterly themes; the asset library with its
    // confidentiality labels and explicit readers.
    r#"
    CREATE TABLE content_theme (
        id          INTEGER PRIMARY KEY,
        name        TEXT NOT NULL,
        starts      TEXT NOT NULL,
        ends        TEXT NOT NULL,
        hot_date    TEXT,
        description TEXT NOT NULL,
        created_by  TEXT NOT NULL REFERENCES principal(handle),
        created_at  INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX theme_by_dates ON content_theme(starts, ends);

    ALTER TABLE content_item ADD COLUMN ugc INTEGER NOT NULL DEFAULT 0 CHECK (ugc IN (0, 1));
    ALTER TABLE content_item ADD COLUMN format TEXT;
    ALTER TABLE content_item ADD COLUMN source_id INTEGER REFERENCES content_item(id);
    ALTER TABLE content_item ADD COLUMN theme_id INTEGER REFERENCES content_theme(id);
    CREATE INDEX content_by_source ON content_item(source_id) WHERE source_id IS NOT NULL;
    CREATE INDEX content_by_schedule ON content_item(scheduled_at) WHERE scheduled_at IS NOT NULL;
    CREATE INDEX content_by_publication ON content_item(published_at) WHERE published_at IS NOT NULL;
    ALTER TABLE content_version ADD COLUMN details TEXT NOT NULL DEFAULT '{}';

    CREATE TABLE content_variant (
        id          INTEGER PRIMARY KEY,
        item_id     INTEGER NOT NULL REFERENCES content_item(id),
        kind        TEXT NOT NULL,
        style       TEXT NOT NULL,
        label       TEXT NOT NULL,
        text        TEXT NOT NULL,
        created_by  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        impressions INTEGER NOT NULL DEFAULT 0,
        clicks      INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX variant_by_item ON content_variant(item_id, id);

    CREATE TABLE asset (
        id            INTEGER PRIMARY KEY,
        kind          TEXT NOT NULL,
        name          TEXT NOT NULL,
        uri           TEXT NOT NULL,
        source        TEXT NOT NULL,
        label         TEXT NOT NULL,
        department    TEXT NOT NULL,
        owner         TEXT NOT NULL REFERENCES principal(handle),
        state         TEXT NOT NULL,
        authorization TEXT,
        content_id    INTEGER REFERENCES content_item(id),
        created_at    INTEGER NOT NULL,
        retired_at    INTEGER
    ) STRICT;
    CREATE INDEX asset_by_kind ON asset(kind, id);

    CREATE TABLE asset_reader (
        asset_id INTEGER NOT NULL REFERENCES asset(id),
        handle   TEXT NOT NULL,
        PRIMARY KEY (asset_id, handle)
    ) STRICT, WITHOUT ROWID;
    "#,
    // 5: customers (CRM-1, CRM-2, CRM-6). Identity values, names and source
    // records are sealed with the host's key; identities are found through a
    // keyed blind index (HMAC of the cleaned value), the primary key of their
    // table. Merges keep the merged customer (pointing at the survivor) and
    // the identities they moved, for undo.
    r#"
    CREATE TABLE customer (
        id          INTEGER PRIMARY KEY,
        merged_into INTEGER REFERENCES customer(id),
        name_sealed BLOB,
        profile     TEXT NOT NULL DEFAULT '{}',
        -- Core-class profile fields (address, birth date …), sealed as one
        -- JSON object.
        core_sealed BLOB,
        department  TEXT NOT NULL,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL,
        erased_at   INTEGER,
        -- CRM-4: raised on every change of the customer or its history, so
        -- segments re-evaluate only what changed since their last refresh.
        rev         INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX customer_merged ON customer(merged_into) WHERE merged_into IS NOT NULL;
    CREATE INDEX customer_rev ON customer(rev);

    -- The blind index alone, narrow (kind code, 128-bit key, owner), so its
    -- B-tree of random keys stays small; an ingest writes its new keys in
    -- key order. Kind codes are stored: never renumber them (see
    -- IdentityKind::code). The values are in the sealed source records
    -- (customer_source), appended in arrival order; a customer's keys are
    -- read through them. No foreign key on the owner: keys are written in key
    -- order, so each check would read a customer page at random (the 1 M
    -- ingest spent a fifth of its time there); the owner always comes from
    -- the same transaction's customer rows.
    CREATE TABLE customer_identity (
        kind        INTEGER NOT NULL,
        blind       BLOB NOT NULL,
        customer_id INTEGER NOT NULL,
        PRIMARY KEY (kind, blind)
    ) STRICT, WITHOUT ROWID;

    -- Every ingested row, sealed once, kept with the customer that sent it
    -- (`customer_id`). It is also where the customer's identity values are
    -- read from: the identities the row brought (`fresh` has bit i set when
    -- identity i of the record was new to the index with it) belong to
    -- `holder_id`, which merges move and their undo moves back. `keys` are
    -- the blind-index keys of the record's identities in its order, 17 bytes
    -- each (kind code, key), or empty when none was fresh; `kinds` has bit
    -- (1 << code) for each fresh kind.
    CREATE TABLE customer_source (
        id            INTEGER PRIMARY KEY,
        customer_id   INTEGER NOT NULL REFERENCES customer(id),
        holder_id     INTEGER NOT NULL REFERENCES customer(id),
        department    TEXT NOT NULL,
        received_at   INTEGER NOT NULL,
        record_sealed BLOB NOT NULL,
        keys          BLOB NOT NULL,
        fresh         INTEGER NOT NULL,
        kinds         INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX source_by_customer ON customer_source(customer_id);
    CREATE INDEX source_by_holder ON customer_source(holder_id) WHERE fresh != 0;

    CREATE TABLE customer_merge (
        id        INTEGER PRIMARY KEY,
        survivor  INTEGER NOT NULL REFERENCES customer(id),
        merged    INTEGER NOT NULL REFERENCES customer(id),
        moved     TEXT NOT NULL,
        merged_at INTEGER NOT NULL,
        merged_by TEXT NOT NULL,
        undone_at INTEGER
    ) STRICT;

    -- CRM-8: the latest consent per customer, channel and purpose, and its
    -- history; sends recorded only with consent.
    CREATE TABLE customer_consent (
        customer_id INTEGER NOT NULL REFERENCES customer(id),
        channel     TEXT NOT NULL,
        purpose     TEXT NOT NULL,
        granted     INTEGER NOT NULL CHECK (granted IN (0, 1)),
        evidence    TEXT NOT NULL,
        recorded_at INTEGER NOT NULL,
        recorded_by TEXT NOT NULL
    ) STRICT;
    CREATE INDEX consent_by_customer ON customer_consent(customer_id, channel, purpose, recorded_at);

    CREATE TABLE customer_contact (
        id          INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customer(id),
        channel     TEXT NOT NULL,
        purpose     TEXT NOT NULL,
        sent_at     INTEGER NOT NULL,
        sent_by     TEXT NOT NULL
    ) STRICT;
    CREATE INDEX contact_by_customer ON customer_contact(customer_id);

    -- CRM-3: interactions (views, clicks, path steps, purchases, tickets,
    -- community joins). Purchase amounts are transaction data, core class
    -- (CRM-6): sealed with the host's key, exact decimal text inside.
    CREATE TABLE customer_interaction (
        id            INTEGER PRIMARY KEY,
        customer_id   INTEGER NOT NULL REFERENCES customer(id),
        kind          TEXT NOT NULL,
        at            INTEGER NOT NULL,
        page          TEXT,
        amount_sealed BLOB,
        channel       TEXT
    ) STRICT;
    CREATE INDEX interaction_by_customer ON customer_interaction(customer_id, at);
    -- CRM-4: event-count conditions and lifecycle windows scan by kind and time.
    -- It covers the page too: lifecycle stages look for product pages.
    CREATE INDEX interaction_by_kind ON customer_interaction(kind, at, customer_id, page);

    -- CRM-4: segments are rules stored as data (JSON), materialized: the
    -- members as of the last refresh, which re-evaluates only customers
    -- changed since (rev) or whose events left a relative window. The
    -- policy's personas are kept here too (origin 'policy').
    CREATE TABLE segment (
        name          TEXT PRIMARY KEY,
        origin        TEXT NOT NULL CHECK (origin IN ('policy', 'custom')),
        label         TEXT NOT NULL,
        description   TEXT NOT NULL,
        rule          TEXT NOT NULL,
        digest        BLOB NOT NULL,
        refreshed_rev INTEGER NOT NULL,
        refreshed_at  INTEGER NOT NULL,
        members       INTEGER NOT NULL,
        defined_by    TEXT NOT NULL,
        defined_at    INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    -- CRM-5: purposes declared for refused fields (which fields, by whom).
    CREATE TABLE customer_purpose (
        customer_id INTEGER NOT NULL REFERENCES customer(id),
        purpose     TEXT NOT NULL,
        fields      TEXT NOT NULL,
        declared_by TEXT NOT NULL,
        declared_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX purpose_by_customer ON customer_purpose(customer_id);

    -- CRM-2: pairs a data steward judged to be different people; fuzzy
    -- matching no longer proposes them.
    CREATE TABLE customer_distinct (
        a          INTEGER NOT NULL REFERENCES customer(id),
        b          INTEGER NOT NULL REFERENCES customer(id),
        decided_by TEXT NOT NULL,
        decided_at INTEGER NOT NULL,
        PRIMARY KEY (a, b),
        CHECK (a < b)
    ) STRICT, WITHOUT ROWID;

    -- CRM-9: service tickets. Subject, body and responses are the
    -- customer's words: sealed with the host's key.
    CREATE TABLE service_ticket (
        id                 INTEGER PRIMARY KEY,
        customer_id        INTEGER REFERENCES customer(id),
        channel            TEXT NOT NULL,
        category           TEXT NOT NULL,
        text_sealed        BLOB NOT NULL,
        department         TEXT NOT NULL,
        state              TEXT NOT NULL,
        opened_at          INTEGER NOT NULL,
        opened_by          TEXT NOT NULL,
        first_response_due INTEGER NOT NULL,
        first_response_at  INTEGER,
        auto_answer        TEXT,
        resolved_at        INTEGER,
        satisfaction       INTEGER
    ) STRICT;
    CREATE INDEX ticket_by_time ON service_ticket(opened_at);
    CREATE INDEX ticket_by_customer ON service_ticket(customer_id) WHERE customer_id IS NOT NULL;
    CREATE TABLE service_response (
        id           INTEGER PRIMARY KEY,
        ticket_id    INTEGER NOT NULL REFERENCES service_ticket(id),
        at           INTEGER NOT NULL,
        by           TEXT NOT NULL,
        text_sealed  BLOB NOT NULL
    ) STRICT;
    CREATE INDEX response_by_ticket ON service_response(ticket_id);

    -- CRM-10: mentions from platforms and forums (author and text sealed),
    -- the alerts they raised, and crisis cases.
    CREATE TABLE opinion_mention (
        id          INTEGER PRIMARY KEY,
        platform    TEXT NOT NULL,
        at          INTEGER NOT NULL,
        reach       INTEGER,
        url         TEXT,
        text_sealed BLOB NOT NULL,
        recorded_at INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE opinion_alert (
        id           INTEGER PRIMARY KEY,
        mention_id   INTEGER NOT NULL REFERENCES opinion_mention(id),
        severity     TEXT NOT NULL,
        keywords     TEXT NOT NULL,
        escalated    INTEGER NOT NULL,
        crisis_id    INTEGER REFERENCES opinion_crisis(id),
        state        TEXT NOT NULL,
        raised_at    INTEGER NOT NULL,
        handled_at   INTEGER,
        handled_by   TEXT
    ) STRICT;
    CREATE INDEX alert_by_state ON opinion_alert(state, id);
    CREATE TABLE opinion_crisis (
        id                 INTEGER PRIMARY KEY,
        kind               TEXT NOT NULL,
        summary            TEXT NOT NULL,
        lead_department    TEXT NOT NULL,
        review_department  TEXT NOT NULL,
        template           TEXT NOT NULL,
        opened_at          INTEGER NOT NULL,
        opened_by          TEXT NOT NULL,
        first_response_due INTEGER NOT NULL,
        first_response_at  INTEGER,
        statement          TEXT,
        closed_at          INTEGER
    ) STRICT;

    CREATE TABLE segment_member (
        segment     TEXT NOT NULL REFERENCES segment(name),
        customer_id INTEGER NOT NULL REFERENCES customer(id),
        PRIMARY KEY (segment, customer_id)
    ) STRICT, WITHOUT ROWID;
    "#,
];

/// The schema version this build writes.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

pub(crate) fn migrate(conn: &mut Connection) -> Result<()> {
    loop {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let Some(step) = usize::try_from(version)
            .ok()
            .and_then(|v| MIGRATIONS.get(v))
        else {
            return Ok(());
        };
        tx.execute_batch(step)?;
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        tx.pragma_update(None, "user_version", version + 1)?;
        tx.commit()?;
    }
}
