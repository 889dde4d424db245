//! SQL of content: items and versions, themes, variants and the asset library.

use chrono::NaiveDate;
use rusqlite::{Connection, Row, params};

use super::{from_ms, opt_from_ms, to_ms};
use crate::content::{
    Asset, ContentItem, ContentVariant, ContentVersion, Theme, UgcAuthorization, VersionDetails,
};
use crate::error::{Error, Result};

fn parse<T: std::str::FromStr>(column: &str, value: String) -> Result<T> {
    value.parse().map_err(|_| Error::Corrupt {
        message: format!("stored content {column} is not a known value"),
    })
}

const ITEM_COLUMNS: &str = "id, kind, title, channel, owner, state, version, is_ad, sensitive, \
     approval_id, scheduled_at, published_at, created_at, updated_at, ugc, format, source_id, \
     theme_id";

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
        ugc: r.get(14)?,
        format: r.get(15)?,
        source_id: r.get(16)?,
        theme_id: r.get(17)?,
    })
}

pub(crate) fn insert_item(conn: &Connection, i: &ContentItem) -> Result<i64> {
    conn.execute(
        "INSERT INTO content_item (kind, title, channel, owner, state, version, is_ad, sensitive, \
         approval_id, scheduled_at, published_at, created_at, updated_at, ugc, format, source_id, \
         theme_id) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
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
            i.ugc,
            i.format,
            i.source_id,
            i.theme_id,
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

fn details_json(d: &VersionDetails) -> Result<String> {
    serde_json::to_string(d).map_err(|e| Error::Corrupt {
        message: format!("version details could not be encoded: {e}"),
    })
}

fn details_from(json: &str) -> Result<VersionDetails> {
    serde_json::from_str(json).map_err(|_| Error::Corrupt {
        message: "stored version details are not valid".into(),
    })
}

const VERSION_COLUMNS: &str = "item_id, version, title, body, author, created_at, details";

fn version_from_row(r: &Row<'_>) -> Result<ContentVersion> {
    let version: i64 = r.get(1)?;
    let details: String = r.get(6)?;
    Ok(ContentVersion {
        item_id: r.get(0)?,
        version: u32::try_from(version).unwrap_or(u32::MAX),
        title: r.get(2)?,
        body: r.get(3)?,
        author: r.get(4)?,
        created_at: from_ms(r.get(5)?)?,
        details: details_from(&details)?,
    })
}

pub(crate) fn insert_version(conn: &Connection, v: &ContentVersion) -> Result<()> {
    conn.execute(
        "INSERT INTO content_version (item_id, version, title, body, author, created_at, details) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            v.item_id,
            v.version,
            v.title,
            v.body,
            v.author,
            to_ms(v.created_at),
            details_json(&v.details)?
        ],
    )?;
    Ok(())
}

pub(crate) fn versions(conn: &Connection, item_id: i64) -> Result<Vec<ContentVersion>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {VERSION_COLUMNS} FROM content_version WHERE item_id = ?1 ORDER BY version"
    ))?;
    let mut rows = stmt.query([item_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(version_from_row(r)?);
    }
    Ok(out)
}

pub(crate) fn latest_version(conn: &Connection, item_id: i64) -> Result<Option<ContentVersion>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VERSION_COLUMNS} FROM content_version WHERE item_id = ?1 \
         ORDER BY version DESC LIMIT 1"
    ))?;
    let mut rows = stmt.query([item_id])?;
    rows.next()?.map(version_from_row).transpose()
}

fn items_where(
    conn: &Connection,
    clause: &str,
    args: impl rusqlite::Params,
) -> Result<Vec<ContentItem>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ITEM_COLUMNS} FROM content_item WHERE {clause}"
    ))?;
    let mut rows = stmt.query(args)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(item_from_row(r)?);
    }
    Ok(out)
}

pub(crate) fn derivatives(conn: &Connection, source_id: i64) -> Result<Vec<ContentItem>> {
    items_where(conn, "source_id = ?1 ORDER BY id", [source_id])
}

/// Items scheduled or published within `[from, to)` (milliseconds).
pub(crate) fn planned_between(conn: &Connection, from: i64, to: i64) -> Result<Vec<ContentItem>> {
    items_where(
        conn,
        "(state = 'scheduled' AND scheduled_at >= ?1 AND scheduled_at < ?2) \
         OR (state IN ('published', 'retrospective') AND published_at >= ?1 AND published_at < ?2) \
         ORDER BY coalesce(published_at, scheduled_at), id",
        [from, to],
    )
}

/// Approved items not scheduled since before `before` (milliseconds).
pub(crate) fn approved_before(conn: &Connection, before: i64) -> Result<Vec<ContentItem>> {
    items_where(
        conn,
        "state = 'approved' AND updated_at < ?1 ORDER BY updated_at, id",
        [before],
    )
}

// ------------------------------------------------------------------ themes

const THEME_COLUMNS: &str = "id, name, starts, ends, hot_date, description, created_by, created_at";

fn date_from(column: &str, v: String) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(&v, "%Y-%m-%d").map_err(|_| Error::Corrupt {
        message: format!("stored theme {column} is not a date"),
    })
}

fn theme_from_row(r: &Row<'_>) -> Result<Theme> {
    Ok(Theme {
        id: r.get(0)?,
        name: r.get(1)?,
        starts: date_from("starts", r.get(2)?)?,
        ends: date_from("ends", r.get(3)?)?,
        hot_date: r.get(4)?,
        description: r.get(5)?,
        created_by: r.get(6)?,
        created_at: from_ms(r.get(7)?)?,
    })
}

pub(crate) fn insert_theme(conn: &Connection, t: &Theme) -> Result<i64> {
    conn.execute(
        "INSERT INTO content_theme (name, starts, ends, hot_date, description, created_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            t.name,
            t.starts.to_string(),
            t.ends.to_string(),
            t.hot_date,
            t.description,
            t.created_by,
            to_ms(t.created_at)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn theme(conn: &Connection, id: i64) -> Result<Option<Theme>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {THEME_COLUMNS} FROM content_theme WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(theme_from_row).transpose()
}

/// Themes overlapping `[from, to]` (inclusive dates).
pub(crate) fn themes_overlapping(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Theme>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {THEME_COLUMNS} FROM content_theme WHERE starts <= ?2 AND ends >= ?1 \
         ORDER BY starts, id"
    ))?;
    let mut rows = stmt.query([from.to_string(), to.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(theme_from_row(r)?);
    }
    Ok(out)
}

// ---------------------------------------------------------------- variants

const VARIANT_COLUMNS: &str =
    "id, item_id, kind, style, label, text, created_by, created_at, impressions, clicks";

fn variant_from_row(r: &Row<'_>) -> Result<ContentVariant> {
    let impressions: i64 = r.get(8)?;
    let clicks: i64 = r.get(9)?;
    Ok(ContentVariant {
        id: r.get(0)?,
        item_id: r.get(1)?,
        kind: parse("variant kind", r.get(2)?)?,
        style: parse("variant style", r.get(3)?)?,
        label: r.get(4)?,
        text: r.get(5)?,
        created_by: r.get(6)?,
        created_at: from_ms(r.get(7)?)?,
        impressions: u64::try_from(impressions).unwrap_or(0),
        clicks: u64::try_from(clicks).unwrap_or(0),
    })
}

pub(crate) fn insert_variant(conn: &Connection, v: &ContentVariant) -> Result<i64> {
    conn.execute(
        "INSERT INTO content_variant (item_id, kind, style, label, text, created_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            v.item_id,
            v.kind.as_str(),
            v.style.as_str(),
            v.label,
            v.text,
            v.created_by,
            to_ms(v.created_at)
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub(crate) fn variant(conn: &Connection, id: i64) -> Result<Option<ContentVariant>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VARIANT_COLUMNS} FROM content_variant WHERE id = ?1"
    ))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(variant_from_row).transpose()
}

pub(crate) fn variants(conn: &Connection, item_id: i64) -> Result<Vec<ContentVariant>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {VARIANT_COLUMNS} FROM content_variant WHERE item_id = ?1 ORDER BY id"
    ))?;
    let mut rows = stmt.query([item_id])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(variant_from_row(r)?);
    }
    Ok(out)
}

pub(crate) fn update_variant_results(conn: &Connection, v: &ContentVariant) -> Result<()> {
    let impressions = i64::try_from(v.impressions).unwrap_or(i64::MAX);
    let clicks = i64::try_from(v.clicks).unwrap_or(i64::MAX);
    conn.execute(
        "UPDATE content_variant SET impressions = ?2, clicks = ?3 WHERE id = ?1",
        params![v.id, impressions, clicks],
    )?;
    Ok(())
}

// ------------------------------------------------------------------ assets

const ASSET_COLUMNS: &str = "id, kind, name, uri, source, label, department, owner, state, \
     authorization, content_id, created_at, retired_at";

fn asset_from_row(conn: &Connection, r: &Row<'_>) -> Result<Asset> {
    let id: i64 = r.get(0)?;
    let authorization: Option<String> = r.get(9)?;
    let authorization = authorization
        .map(|a| {
            serde_json::from_str::<UgcAuthorization>(&a).map_err(|_| Error::Corrupt {
                message: "stored asset authorization is not valid".into(),
            })
        })
        .transpose()?;
    Ok(Asset {
        id,
        kind: parse("asset kind", r.get(1)?)?,
        name: r.get(2)?,
        uri: r.get(3)?,
        source: parse("asset source", r.get(4)?)?,
        label: parse("asset label", r.get(5)?)?,
        department: parse("asset department", r.get(6)?)?,
        owner: r.get(7)?,
        state: parse("asset state", r.get(8)?)?,
        authorization,
        content_id: r.get(10)?,
        readers: asset_readers(conn, id)?,
        created_at: from_ms(r.get(11)?)?,
        retired_at: opt_from_ms(r.get(12)?)?,
    })
}

fn asset_readers(conn: &Connection, id: i64) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare_cached("SELECT handle FROM asset_reader WHERE asset_id = ?1 ORDER BY handle")?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

pub(crate) fn insert_asset(conn: &Connection, a: &Asset) -> Result<i64> {
    let authorization = a
        .authorization
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|e| Error::Corrupt {
            message: format!("authorization could not be encoded: {e}"),
        })?;
    conn.execute(
        "INSERT INTO asset (kind, name, uri, source, label, department, owner, state, \
         authorization, content_id, created_at, retired_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            a.kind.as_str(),
            a.name,
            a.uri,
            a.source.as_str(),
            a.label.as_str(),
            a.department.as_str(),
            a.owner,
            a.state.as_str(),
            authorization,
            a.content_id,
            to_ms(a.created_at),
            a.retired_at.map(to_ms),
        ],
    )?;
    let id = conn.last_insert_rowid();
    set_asset_readers(conn, id, &a.readers)?;
    Ok(id)
}

pub(crate) fn set_asset_readers(conn: &Connection, id: i64, readers: &[String]) -> Result<()> {
    conn.execute("DELETE FROM asset_reader WHERE asset_id = ?1", [id])?;
    let mut stmt = conn
        .prepare_cached("INSERT OR IGNORE INTO asset_reader (asset_id, handle) VALUES (?1, ?2)")?;
    for h in readers {
        stmt.execute(params![id, h])?;
    }
    Ok(())
}

pub(crate) fn update_asset(conn: &Connection, a: &Asset) -> Result<()> {
    conn.execute(
        "UPDATE asset SET label = ?2, state = ?3, retired_at = ?4 WHERE id = ?1",
        params![
            a.id,
            a.label.as_str(),
            a.state.as_str(),
            a.retired_at.map(to_ms)
        ],
    )?;
    set_asset_readers(conn, a.id, &a.readers)
}

pub(crate) fn asset(conn: &Connection, id: i64) -> Result<Option<Asset>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {ASSET_COLUMNS} FROM asset WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(|r| asset_from_row(conn, r)).transpose()
}

pub(crate) fn assets(conn: &Connection) -> Result<Vec<Asset>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {ASSET_COLUMNS} FROM asset ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(asset_from_row(conn, r)?);
    }
    Ok(out)
}

/// Names of the active template assets (CON-6: approved templates).
pub(crate) fn template_names(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name FROM asset WHERE kind = 'template' AND state = 'active' ORDER BY name",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}
