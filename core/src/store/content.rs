//! SQL of content items and their versions.

use rusqlite::{Connection, OptionalExtension, Row, params};

use super::{from_ms, opt_from_ms, to_ms};
use crate::content::{ContentItem, ContentVersion};
use crate::error::{Error, Result};

fn parse<T: std::str::FromStr>(column: &str, value: String) -> Result<T> {
    value.parse().map_err(|_| Error::Corrupt {
        message: format!("stored content {column} is not a known value"),
    })
}

const ITEM_COLUMNS: &str = "id, kind, title, channel, owner, state, version, is_ad, sensitive, \
     approval_id, scheduled_at, published_at, created_at, updated_at";

fn item_from_row(r: &Row<'_>) -> Result<ContentItem> {
    let version: i64 = r.get(6)?;
    Ok(ContentItem {
        id: r.get(0)?,
        kind: parse("kind", r.get(1)?)?,
        title: r.get(2)?,
        channel: r.get(3)?,
        owner: r.get(4)?,
        state: parse("state", r.get(5)?)?,
        version: u32::try_from(version).unwrap_or(u32::MAX),
        is_ad: r.get(7)?,
        sensitive: r.get(8)?,
        approval_id: r.get(9)?,
        scheduled_at: opt_from_ms(r.get(10)?)?,
        published_at: opt_from_ms(r.get(11)?)?,
        created_at: from_ms(r.get(12)?)?,
        updated_at: from_ms(r.get(13)?)?,
    })
}

pub(crate) fn insert_item(conn: &Connection, i: &ContentItem) -> Result<i64> {
    conn.execute(
        "INSERT INTO content_item (kind, title, channel, owner, state, version, is_ad, sensitive, \
         approval_id, scheduled_at, published_at, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            i.kind.as_str(),
            i.title,
            i.channel,
            i.owner,
            i.state.as_str(),
            i.version,
            i.is_ad,
            i.sensitive,
            i.approval_id,
            i.scheduled_at.map(to_ms),
            i.published_at.map(to_ms),
            to_ms(i.created_at),
            to_ms(i.updated_at),
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn update_item(conn: &Connection, i: &ContentItem) -> Result<()> {
    conn.execute(
        "UPDATE content_item SET title = ?2, state = ?3, version = ?4, approval_id = ?5, \
         scheduled_at = ?6, published_at = ?7, updated_at = ?8 WHERE id = ?1",
        params![
            i.id,
            i.title,
            i.state.as_str(),
            i.version,
            i.approval_id,
            i.scheduled_at.map(to_ms),
            i.published_at.map(to_ms),
            to_ms(i.updated_at),
        ],
    )?;
    Ok(())
}

pub(crate) fn item(conn: &Connection, id: i64) -> Result<Option<ContentItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM content_item WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(item_from_row).transpose()
}

pub(crate) fn item_by_approval(conn: &Connection, approval_id: i64) -> Result<Option<ContentItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM content_item WHERE approval_id = ?1"
    ))?;
    let mut rows = stmt.query([approval_id])?;
    rows.next()?.map(item_from_row).transpose()
}

pub(crate) fn insert_version(conn: &Connection, v: &ContentVersion) -> Result<()> {
    conn.execute(
        "INSERT INTO content_version (item_id, version, title, body, author, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            v.item_id,
            v.version,
            v.title,
            v.body,
            v.author,
            to_ms(v.created_at)
        ],
    )?;
    Ok(())
}

pub(crate) fn versions(conn: &Connection, item_id: i64) -> Result<Vec<ContentVersion>> {
    let mut stmt = conn.prepare(
        "SELECT item_id, version, title, body, author, created_at FROM content_version \
         WHERE item_id = ?1 ORDER BY version",
    )?;
    let mut rows = stmt.query([item_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let version: i64 = r.get(1)?;
        out.push(ContentVersion {
            item_id: r.get(0)?,
            version: u32::try_from(version).unwrap_or(u32::MAX),
            title: r.get(2)?,
            body: r.get(3)?,
            author: r.get(4)?,
            created_at: from_ms(r.get(5)?)?,
        });
    }
    Ok(out)
}

pub(crate) fn latest_version(conn: &Connection, item_id: i64) -> Result<Option<ContentVersion>> {
    let mut stmt = conn.prepare_cached(
        "SELECT item_id, version, title, body, author, created_at FROM content_version \
         WHERE item_id = ?1 ORDER BY version DESC LIMIT 1",
    )?;
    stmt.query_row([item_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get::<_, i64>(5)?,
        ))
    })
    .optional()?
    .map(|(item_id, version, title, body, author, at)| {
        Ok(ContentVersion {
            item_id,
            version: u32::try_from(version).unwrap_or(u32::MAX),
            title,
            body,
            author,
            created_at: from_ms(at)?,
        })
    })
    .transpose()
}
