//! SQL of principals, their roles and managed media accounts.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{from_ms, opt_from_ms, to_ms};
use crate::access::{MediaAccount, Principal};
use crate::error::{Error, Result};

fn parse<T: std::str::FromStr>(column: &str, value: String) -> Result<T> {
    value.parse().map_err(|_| Error::Corrupt {
        message: format!("stored {column} is not a known value"),
    })
}

pub(crate) fn principal_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM principal", [], |r| r.get(0))?)
}

fn roles_of(conn: &Connection, handle: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT role FROM principal_role WHERE handle = ?1 ORDER BY role")?;
    let roles = stmt
        .query_map([handle], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(roles)
}

fn principal_from_row(conn: &Connection, r: &Row<'_>) -> Result<Principal> {
    let handle: String = r.get(0)?;
    Ok(Principal {
        roles: roles_of(conn, &handle)?,
        display_name: r.get(1)?,
        department: parse("department", r.get(2)?)?,
        active: r.get(3)?,
        created_at: from_ms(r.get(4)?)?,
        deactivated_at: opt_from_ms(r.get(5)?)?,
        handle,
    })
}

const PRINCIPAL_COLUMNS: &str =
    "handle, display_name, department, active, created_at, deactivated_at";

pub(crate) fn principal(conn: &Connection, handle: &str) -> Result<Option<Principal>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {PRINCIPAL_COLUMNS} FROM principal WHERE handle = ?1"
    ))?;
    let mut rows = stmt.query([handle])?;
    match rows.next()? {
        Some(r) => Ok(Some(principal_from_row(conn, r)?)),
        None => Ok(None),
    }
}

pub(crate) fn principals(conn: &Connection) -> Result<Vec<Principal>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {PRINCIPAL_COLUMNS} FROM principal ORDER BY handle"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(principal_from_row(conn, r)?);
    }
    Ok(out)
}

pub(crate) fn principal_exists(conn: &Connection, handle: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM principal WHERE handle = ?1")?
        .query_row([handle], |_| Ok(()))
        .optional()?
        .is_some())
}

pub(crate) fn insert_principal(conn: &Connection, p: &Principal, granted_by: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO principal (handle, display_name, department, active, created_at, deactivated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        p.handle,
        p.display_name,
        p.department.as_str(),
        p.active,
        to_ms(p.created_at),
        p.deactivated_at.map(to_ms),
    ])?;
    for role in &p.roles {
        grant_role(conn, &p.handle, role, p.created_at, granted_by)?;
    }
    Ok(())
}

pub(crate) fn grant_role(
    conn: &Connection,
    handle: &str,
    role: &str,
    at: DateTime<Utc>,
    by: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO principal_role (handle, role, granted_at, granted_by) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![handle, role, to_ms(at), by])?;
    Ok(())
}

pub(crate) fn revoke_role(conn: &Connection, handle: &str, role: &str) -> Result<()> {
    conn.execute(
        "DELETE FROM principal_role WHERE handle = ?1 AND role = ?2",
        params![handle, role],
    )?;
    Ok(())
}

pub(crate) fn deactivate(conn: &Connection, handle: &str, at: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE principal SET active = 0, deactivated_at = ?2 WHERE handle = ?1",
        params![handle, to_ms(at)],
    )?;
    Ok(())
}

/// Role names some principal holds.
pub(crate) fn roles_in_use(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT role FROM principal_role ORDER BY role")?;
    let roles = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(roles)
}

const MEDIA_COLUMNS: &str = "id, platform, display_name, owner_department, custodian, \
     credential IS NOT NULL, registered_at, last_interaction_at, retired_at";

fn media_from_row(r: &Row<'_>) -> Result<MediaAccount> {
    Ok(MediaAccount {
        id: r.get(0)?,
        platform: parse("platform", r.get(1)?)?,
        display_name: r.get(2)?,
        owner_department: parse("department", r.get(3)?)?,
        custodian: r.get(4)?,
        has_credential: r.get(5)?,
        registered_at: from_ms(r.get(6)?)?,
        last_interaction_at: opt_from_ms(r.get(7)?)?,
        retired_at: opt_from_ms(r.get(8)?)?,
    })
}

pub(crate) fn media_account(conn: &Connection, id: &str) -> Result<Option<MediaAccount>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {MEDIA_COLUMNS} FROM media_account WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(media_from_row).transpose()
}

pub(crate) fn media_accounts(conn: &Connection) -> Result<Vec<MediaAccount>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {MEDIA_COLUMNS} FROM media_account ORDER BY id"
    ))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(media_from_row(r)?);
    }
    Ok(out)
}

pub(crate) fn media_in_custody_of(conn: &Connection, handle: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT id FROM media_account WHERE custodian = ?1 AND retired_at IS NULL ORDER BY id",
    )?;
    let ids = stmt
        .query_map([handle], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok(ids)
}

pub(crate) fn insert_media(
    conn: &Connection,
    a: &MediaAccount,
    credential: Option<&[u8]>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO media_account (id, platform, display_name, owner_department, custodian, \
         credential, registered_at, last_interaction_at, retired_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            a.id,
            a.platform.as_str(),
            a.display_name,
            a.owner_department.as_str(),
            a.custodian,
            credential,
            to_ms(a.registered_at),
            a.last_interaction_at.map(to_ms),
            a.retired_at.map(to_ms),
        ],
    )?;
    Ok(())
}

pub(crate) fn media_credential(conn: &Connection, id: &str) -> Result<Option<Vec<u8>>> {
    Ok(conn
        .query_row(
            "SELECT credential FROM media_account WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

pub(crate) fn set_custodian(conn: &Connection, id: &str, custodian: &str) -> Result<()> {
    conn.execute(
        "UPDATE media_account SET custodian = ?2 WHERE id = ?1",
        params![id, custodian],
    )?;
    Ok(())
}

pub(crate) fn set_last_interaction(conn: &Connection, id: &str, at: DateTime<Utc>) -> Result<()> {
    conn.prepare_cached("UPDATE media_account SET last_interaction_at = ?2 WHERE id = ?1")?
        .execute(params![id, to_ms(at)])?;
    Ok(())
}

pub(crate) fn retire_media(conn: &Connection, id: &str, at: DateTime<Utc>) -> Result<()> {
    conn.execute(
        "UPDATE media_account SET retired_at = ?2, credential = NULL WHERE id = ?1",
        params![id, to_ms(at)],
    )?;
    Ok(())
}
