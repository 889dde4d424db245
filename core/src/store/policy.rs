//! SQL of policy versions.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use super::{from_ms, to_ms};
use crate::error::Result;

/// A stored policy version, without its document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionRow {
    pub version: i64,
    pub installed_at: DateTime<Utc>,
    pub installed_by: String,
    pub digest: Vec<u8>,
}

/// The newest version number, if any policy was installed.
pub(crate) fn current_version(conn: &Connection) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT max(version) FROM policy_version")?
        .query_row([], |r| r.get(0))?)
}

/// Number and digest of the newest version, if any policy was installed.
pub(crate) fn history_head(conn: &Connection) -> Result<Option<(i64, Vec<u8>)>> {
    Ok(conn
        .prepare_cached("SELECT version, digest FROM policy_version ORDER BY version DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// The JSON document of a version.
pub(crate) fn document(conn: &Connection, version: i64) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT document FROM policy_version WHERE version = ?1",
            [version],
            |r| r.get(0),
        )
        .optional()?)
}

/// Store a new version; returns its number.
pub(crate) fn insert(
    conn: &Connection,
    at: DateTime<Utc>,
    by: &str,
    digest: &[u8],
    document: &str,
) -> Result<i64> {
    let next = current_version(conn)?.unwrap_or(0) + 1;
    conn.execute(
        "INSERT INTO policy_version (version, installed_at, installed_by, digest, document) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![next, to_ms(at), by, digest, document],
    )?;
    Ok(next)
}

/// Every version, oldest first.
pub(crate) fn history(conn: &Connection) -> Result<Vec<VersionRow>> {
    let mut stmt = conn.prepare(
        "SELECT version, installed_at, installed_by, digest FROM policy_version ORDER BY version",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get(2)?,
            r.get(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (version, at, installed_by, digest) = row?;
        out.push(VersionRow {
            version,
            installed_at: from_ms(at)?,
            installed_by,
            digest,
        });
    }
    Ok(out)
}
