//! SQL of approvals: instances, events, stage runs, delegations.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Row, params};

use super::{from_ms, opt_from_ms, to_ms};
use crate::approval::{ApprovalEvent, ApprovalInstance, Delegation};
use crate::error::{Error, Result};
use crate::policy::WorkflowDef;

fn json<T: serde::Serialize>(v: &T) -> String {
    // Our own value types always serialize.
    serde_json::to_string(v).unwrap_or_default()
}

fn parse_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| Error::Corrupt {
        message: format!("stored approval {column} is not readable: {e}"),
    })
}

fn parse_enum<T: std::str::FromStr>(column: &str, value: &str) -> Result<T> {
    value.parse().map_err(|_| Error::Corrupt {
        message: format!("stored approval {column} is not a known value"),
    })
}

const INSTANCE_COLUMNS: &str = "id, workflow, submitter, state, round, subject, stages, definition, \
     current_stage, assignee, escalated, submitted_at, updated_at, closed_at";

fn instance_from_row(r: &Row<'_>) -> Result<(ApprovalInstance, WorkflowDef)> {
    let round: i64 = r.get(4)?;
    let inst = ApprovalInstance {
        id: r.get(0)?,
        workflow: r.get(1)?,
        submitter: r.get(2)?,
        state: parse_enum("state", &r.get::<_, String>(3)?)?,
        round: u32::try_from(round).unwrap_or(u32::MAX),
        subject: parse_json("subject", &r.get::<_, String>(5)?)?,
        stages: parse_json("stages", &r.get::<_, String>(6)?)?,
        current_stage: r.get(8)?,
        assignee: r.get(9)?,
        escalated: r.get(10)?,
        submitted_at: from_ms(r.get(11)?)?,
        updated_at: from_ms(r.get(12)?)?,
        closed_at: opt_from_ms(r.get(13)?)?,
    };
    let def = parse_json("definition", &r.get::<_, String>(7)?)?;
    Ok((inst, def))
}

/// Insert a new instance; returns its id.
pub(crate) fn insert(conn: &Connection, inst: &ApprovalInstance, def: &WorkflowDef) -> Result<i64> {
    conn.execute(
        "INSERT INTO approval_instance (workflow, submitter, state, round, subject, stages, definition, \
         current_stage, assignee, escalated, due_at, submitted_at, updated_at, closed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            inst.workflow,
            inst.submitter,
            inst.state.as_str(),
            inst.round,
            json(&inst.subject),
            json(&inst.stages),
            json(def),
            inst.current_stage,
            inst.assignee,
            inst.escalated,
            inst.active_stage().and_then(|s| s.due_at).map(to_ms),
            to_ms(inst.submitted_at),
            to_ms(inst.updated_at),
            inst.closed_at.map(to_ms),
        ],
    )?;
    let id = conn.last_insert_rowid();
    sync_stage_runs(conn, id, inst)?;
    Ok(id)
}

/// Store the instance's new state.
pub(crate) fn update(conn: &Connection, inst: &ApprovalInstance) -> Result<()> {
    conn.execute(
        "UPDATE approval_instance SET state = ?2, round = ?3, subject = ?4, stages = ?5, \
         current_stage = ?6, assignee = ?7, escalated = ?8, due_at = ?9, updated_at = ?10, \
         closed_at = ?11 WHERE id = ?1",
        params![
            inst.id,
            inst.state.as_str(),
            inst.round,
            json(&inst.subject),
            json(&inst.stages),
            inst.current_stage,
            inst.assignee,
            inst.escalated,
            inst.active_stage().and_then(|s| s.due_at).map(to_ms),
            to_ms(inst.updated_at),
            inst.closed_at.map(to_ms),
        ],
    )?;
    sync_stage_runs(conn, inst.id, inst)
}

fn sync_stage_runs(conn: &Connection, id: i64, inst: &ApprovalInstance) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO approval_stage_run (instance_id, round, stage, workflow, started_at, completed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (instance_id, round, stage) DO UPDATE SET completed_at = excluded.completed_at",
    )?;
    for s in &inst.stages {
        if let Some(started) = s.started_at {
            stmt.execute(params![
                id,
                inst.round,
                s.name,
                inst.workflow,
                to_ms(started),
                s.completed_at.map(to_ms)
            ])?;
        }
    }
    Ok(())
}

/// One instance with its workflow snapshot.
pub(crate) fn get(conn: &Connection, id: i64) -> Result<Option<(ApprovalInstance, WorkflowDef)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {INSTANCE_COLUMNS} FROM approval_instance WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(instance_from_row).transpose()
}

/// Every instance in review, oldest first.
pub(crate) fn in_review(conn: &Connection) -> Result<Vec<(ApprovalInstance, WorkflowDef)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {INSTANCE_COLUMNS} FROM approval_instance WHERE state = 'in_review' ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(instance_from_row(r)?);
    }
    Ok(out)
}

/// Instances matching `f`, newest first.
pub(crate) fn list(
    conn: &Connection,
    f: &crate::approval::ApprovalFilter,
) -> Result<Vec<ApprovalInstance>> {
    let mut sql = format!("SELECT {INSTANCE_COLUMNS} FROM approval_instance WHERE 1 = 1");
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = Vec::new();
    let mut add = |clause: &str, v: Box<dyn rusqlite::ToSql>| {
        args.push(v);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    };
    if let Some(s) = &f.submitter {
        add(" AND submitter = ?", Box::new(s.clone()));
    }
    if let Some(s) = f.state {
        add(" AND state = ?", Box::new(s.as_str()));
    }
    if let Some(w) = &f.workflow {
        add(" AND workflow = ?", Box::new(w.clone()));
    }
    if let Some(b) = f.before_id {
        add(" AND id < ?", Box::new(b));
    }
    let limit = f
        .limit
        .unwrap_or(crate::approval::ApprovalFilter::DEFAULT_LIMIT)
        .min(crate::approval::ApprovalFilter::MAX_LIMIT);
    add(" ORDER BY id DESC LIMIT ?", Box::new(limit));
    let mut stmt = conn.prepare(&sql)?;
    let params: Vec<&dyn rusqlite::ToSql> = args.iter().map(|b| b.as_ref()).collect();
    let mut rows = stmt.query(params.as_slice())?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(instance_from_row(r)?.0);
    }
    Ok(out)
}

/// Instances in review whose active stage is assigned to `handle`.
pub(crate) fn assigned_to(conn: &Connection, handle: &str) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id FROM approval_instance WHERE assignee = ?1 AND state = 'in_review' ORDER BY id",
    )?;
    let ids = stmt
        .query_map([handle], |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(ids)
}

/// Append a history event.
pub(crate) fn insert_event(conn: &Connection, e: &ApprovalEvent) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO approval_event (instance_id, at, principal, on_behalf_of, kind, stage, round, \
         comment, checklist) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.instance_id,
        to_ms(e.at),
        e.principal,
        e.on_behalf_of,
        e.kind.as_str(),
        e.stage,
        e.round,
        e.comment,
        json(&e.checklist),
    ])?;
    Ok(conn.last_insert_rowid())
}

/// An instance's history, oldest first.
pub(crate) fn events(conn: &Connection, instance_id: i64) -> Result<Vec<ApprovalEvent>> {
    let mut stmt = conn.prepare(
        "SELECT id, instance_id, at, principal, on_behalf_of, kind, stage, round, comment, checklist \
         FROM approval_event WHERE instance_id = ?1 ORDER BY id",
    )?;
    let mut rows = stmt.query([instance_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let round: i64 = r.get(7)?;
        out.push(ApprovalEvent {
            id: r.get(0)?,
            instance_id: r.get(1)?,
            at: from_ms(r.get(2)?)?,
            principal: r.get(3)?,
            on_behalf_of: r.get(4)?,
            kind: parse_enum("event kind", &r.get::<_, String>(5)?)?,
            stage: r.get(6)?,
            round: u32::try_from(round).unwrap_or(u32::MAX),
            comment: r.get(8)?,
            checklist: parse_json("checklist", &r.get::<_, String>(9)?)?,
        });
    }
    Ok(out)
}

/// Start-to-quorum durations (ms) of completed stage runs of a workflow, by stage.
pub(crate) fn stage_durations(conn: &Connection, workflow: &str) -> Result<Vec<(String, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT stage, completed_at - started_at FROM approval_stage_run \
         WHERE workflow = ?1 AND completed_at IS NOT NULL",
    )?;
    let rows = stmt
        .query_map([workflow], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<(String, i64)>, _>>()?;
    Ok(rows)
}

fn delegation_from_row(r: &Row<'_>) -> Result<Delegation> {
    Ok(Delegation {
        id: r.get(0)?,
        from: r.get(1)?,
        to: r.get(2)?,
        starts_at: from_ms(r.get(3)?)?,
        ends_at: from_ms(r.get(4)?)?,
        created_at: from_ms(r.get(5)?)?,
        revoked_at: opt_from_ms(r.get(6)?)?,
    })
}

const DELEGATION_COLUMNS: &str =
    "id, from_principal, to_principal, starts_at, ends_at, created_at, revoked_at";

pub(crate) fn insert_delegation(conn: &Connection, d: &Delegation) -> Result<i64> {
    conn.execute(
        "INSERT INTO delegation (from_principal, to_principal, starts_at, ends_at, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            d.from,
            d.to,
            to_ms(d.starts_at),
            to_ms(d.ends_at),
            to_ms(d.created_at)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Principals who delegated to `to` and whose delegation is in force at `at`.
pub(crate) fn delegators_of(conn: &Connection, to: &str, at: DateTime<Utc>) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT from_principal FROM delegation WHERE to_principal = ?1 \
         AND starts_at <= ?2 AND ends_at > ?2 AND revoked_at IS NULL ORDER BY from_principal",
    )?;
    let v = stmt
        .query_map(params![to, to_ms(at)], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(v)
}

/// Delegations from or to `handle`, newest first.
pub(crate) fn delegations_of(conn: &Connection, handle: &str) -> Result<Vec<Delegation>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {DELEGATION_COLUMNS} FROM delegation WHERE from_principal = ?1 OR to_principal = ?1 \
         ORDER BY id DESC"
    ))?;
    let mut rows = stmt.query([handle])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(delegation_from_row(r)?);
    }
    Ok(out)
}

pub(crate) fn delegation(conn: &Connection, id: i64) -> Result<Option<Delegation>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {DELEGATION_COLUMNS} FROM delegation WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(delegation_from_row).transpose()
}

/// End delegations early; returns how many were still in force or pending.
pub(crate) fn revoke_delegations(conn: &Connection, ids: &[i64], at: DateTime<Utc>) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE delegation SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
    )?;
    for id in ids {
        stmt.execute(params![id, to_ms(at)])?;
    }
    Ok(())
}
