//! SQL of customer service (CRM-9) and public-opinion watch (CRM-10):
//! tickets and their responses, mentions, alerts and crisis cases. The
//! customer's and the author's words are stored sealed only.

use rusqlite::{OptionalExtension, Transaction, params};

use crate::error::Result;

/// A stored ticket.
pub(crate) struct TicketRow {
    pub id: i64,
    pub customer_id: Option<i64>,
    pub channel: String,
    pub category: String,
    pub text_sealed: Vec<u8>,
    pub department: String,
    pub state: String,
    pub opened_at: i64,
    pub opened_by: String,
    pub first_response_due: i64,
    pub first_response_at: Option<i64>,
    pub auto_answer: Option<String>,
    pub resolved_at: Option<i64>,
    pub satisfaction: Option<i64>,
}

const TICKET: &str = "id, customer_id, channel, category, text_sealed, department, state, \
     opened_at, opened_by, first_response_due, first_response_at, auto_answer, resolved_at, \
     satisfaction";

fn ticket_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TicketRow> {
    Ok(TicketRow {
        id: r.get(0)?,
        customer_id: r.get(1)?,
        channel: r.get(2)?,
        category: r.get(3)?,
        text_sealed: r.get(4)?,
        department: r.get(5)?,
        state: r.get(6)?,
        opened_at: r.get(7)?,
        opened_by: r.get(8)?,
        first_response_due: r.get(9)?,
        first_response_at: r.get(10)?,
        auto_answer: r.get(11)?,
        resolved_at: r.get(12)?,
        satisfaction: r.get(13)?,
    })
}

pub(crate) fn insert_ticket(tx: &Transaction<'_>, t: &TicketRow) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO service_ticket (customer_id, channel, category, text_sealed, department, \
         state, opened_at, opened_by, first_response_due, first_response_at, auto_answer) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        t.customer_id,
        t.channel,
        t.category,
        t.text_sealed,
        t.department,
        t.state,
        t.opened_at,
        t.opened_by,
        t.first_response_due,
        t.first_response_at,
        t.auto_answer
    ])?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn ticket(tx: &Transaction<'_>, id: i64) -> Result<Option<TicketRow>> {
    let sql = format!("SELECT {TICKET} FROM service_ticket WHERE id = ?1");
    Ok(tx
        .prepare_cached(&sql)?
        .query_row([id], ticket_row)
        .optional()?)
}

/// Tickets opened in `[from, to)`.
pub(crate) fn tickets_between(tx: &Transaction<'_>, from: i64, to: i64) -> Result<Vec<TicketRow>> {
    let sql = format!(
        "SELECT {TICKET} FROM service_ticket WHERE opened_at >= ?1 AND opened_at < ?2 ORDER BY id"
    );
    let mut st = tx.prepare_cached(&sql)?;
    let rows = st.query_map([from, to], ticket_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Tickets without a first response whose deadline passed before `now`.
pub(crate) fn overdue_tickets(tx: &Transaction<'_>, now: i64) -> Result<Vec<TicketRow>> {
    let sql = format!(
        "SELECT {TICKET} FROM service_ticket WHERE first_response_at IS NULL \
         AND first_response_due < ?1 ORDER BY first_response_due, id"
    );
    let mut st = tx.prepare_cached(&sql)?;
    let rows = st.query_map([now], ticket_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn update_ticket(tx: &Transaction<'_>, t: &TicketRow) -> Result<()> {
    tx.prepare_cached(
        "UPDATE service_ticket SET department = ?2, state = ?3, first_response_at = ?4, \
         resolved_at = ?5, satisfaction = ?6 WHERE id = ?1",
    )?
    .execute(params![
        t.id,
        t.department,
        t.state,
        t.first_response_at,
        t.resolved_at,
        t.satisfaction
    ])?;
    Ok(())
}

pub(crate) fn add_response(
    tx: &Transaction<'_>,
    ticket: i64,
    at: i64,
    by: &str,
    sealed: &[u8],
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO service_response (ticket_id, at, by, text_sealed) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![ticket, at, by, sealed])?;
    Ok(())
}

/// Responses of a ticket: when, by whom, sealed text.
pub(crate) fn responses(tx: &Transaction<'_>, ticket: i64) -> Result<Vec<(i64, String, Vec<u8>)>> {
    let mut st = tx.prepare_cached(
        "SELECT at, by, text_sealed FROM service_response WHERE ticket_id = ?1 ORDER BY id",
    )?;
    let rows = st.query_map([ticket], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Tickets of the customers `ids`.
pub(crate) fn tickets_of(tx: &Transaction<'_>, ids: &[i64]) -> Result<Vec<TicketRow>> {
    let sql = format!("SELECT {TICKET} FROM service_ticket WHERE customer_id = ?1 ORDER BY id");
    let mut st = tx.prepare_cached(&sql)?;
    let mut out = Vec::new();
    for id in ids {
        let rows = st.query_map([id], ticket_row)?;
        for r in rows {
            out.push(r?);
        }
    }
    Ok(out)
}

/// Remove the words of every ticket of `customers` (CRM-7 erasure); the
/// tickets stay as counts with their times and scores.
pub(crate) fn erase_tickets(tx: &Transaction<'_>, customers: &[i64]) -> Result<usize> {
    let mut n = 0;
    for c in customers {
        n += tx
            .prepare_cached(
                "DELETE FROM service_response WHERE ticket_id IN \
                 (SELECT id FROM service_ticket WHERE customer_id = ?1)",
            )?
            .execute([c])?;
        n += tx
            .prepare_cached(
                "UPDATE service_ticket SET text_sealed = x'', customer_id = NULL \
                 WHERE customer_id = ?1",
            )?
            .execute([c])?;
    }
    Ok(n)
}

/// A stored mention.
pub(crate) struct MentionRow {
    pub platform: String,
    pub at: i64,
    pub reach: Option<i64>,
    pub url: Option<String>,
    pub text_sealed: Vec<u8>,
}

pub(crate) fn insert_mention(tx: &Transaction<'_>, m: &MentionRow, now: i64) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO opinion_mention (platform, at, reach, url, text_sealed, recorded_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        m.platform,
        m.at,
        m.reach,
        m.url,
        m.text_sealed,
        now
    ])?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn mention(tx: &Transaction<'_>, id: i64) -> Result<Option<MentionRow>> {
    Ok(tx
        .prepare_cached(
            "SELECT platform, at, reach, url, text_sealed FROM opinion_mention WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok(MentionRow {
                platform: r.get(0)?,
                at: r.get(1)?,
                reach: r.get(2)?,
                url: r.get(3)?,
                text_sealed: r.get(4)?,
            })
        })
        .optional()?)
}

/// A stored alert.
pub(crate) struct AlertRow {
    pub id: i64,
    pub mention_id: i64,
    pub severity: String,
    pub keywords: String,
    pub escalated: bool,
    pub crisis_id: Option<i64>,
    pub state: String,
    pub raised_at: i64,
    pub handled_at: Option<i64>,
    pub handled_by: Option<String>,
}

const ALERT: &str = "id, mention_id, severity, keywords, escalated, crisis_id, state, raised_at, \
     handled_at, handled_by";

fn alert_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<AlertRow> {
    Ok(AlertRow {
        id: r.get(0)?,
        mention_id: r.get(1)?,
        severity: r.get(2)?,
        keywords: r.get(3)?,
        escalated: r.get(4)?,
        crisis_id: r.get(5)?,
        state: r.get(6)?,
        raised_at: r.get(7)?,
        handled_at: r.get(8)?,
        handled_by: r.get(9)?,
    })
}

pub(crate) fn insert_alert(tx: &Transaction<'_>, a: &AlertRow) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO opinion_alert (mention_id, severity, keywords, escalated, crisis_id, state, \
         raised_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        a.mention_id,
        a.severity,
        a.keywords,
        a.escalated,
        a.crisis_id,
        a.state,
        a.raised_at
    ])?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn alert(tx: &Transaction<'_>, id: i64) -> Result<Option<AlertRow>> {
    let sql = format!("SELECT {ALERT} FROM opinion_alert WHERE id = ?1");
    Ok(tx
        .prepare_cached(&sql)?
        .query_row([id], alert_row)
        .optional()?)
}

/// Alerts, open ones only when asked, newest first.
pub(crate) fn alerts(tx: &Transaction<'_>, open_only: bool) -> Result<Vec<AlertRow>> {
    let sql = format!(
        "SELECT {ALERT} FROM opinion_alert WHERE (?1 = 0 OR state = 'open') ORDER BY id DESC"
    );
    let mut st = tx.prepare_cached(&sql)?;
    let rows = st.query_map([open_only], alert_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn update_alert(tx: &Transaction<'_>, a: &AlertRow) -> Result<()> {
    tx.prepare_cached(
        "UPDATE opinion_alert SET crisis_id = ?2, state = ?3, handled_at = ?4, handled_by = ?5 \
         WHERE id = ?1",
    )?
    .execute(params![
        a.id,
        a.crisis_id,
        a.state,
        a.handled_at,
        a.handled_by
    ])?;
    Ok(())
}

/// A stored crisis case.
pub(crate) struct CrisisRow {
    pub id: i64,
    pub kind: String,
    pub summary: String,
    pub lead_department: String,
    pub review_department: String,
    pub template: String,
    pub opened_at: i64,
    pub opened_by: String,
    pub first_response_due: i64,
    pub first_response_at: Option<i64>,
    pub statement: Option<String>,
    pub closed_at: Option<i64>,
}

const CRISIS: &str = "id, kind, summary, lead_department, review_department, template, opened_at, \
     opened_by, first_response_due, first_response_at, statement, closed_at";

fn crisis_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CrisisRow> {
    Ok(CrisisRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        summary: r.get(2)?,
        lead_department: r.get(3)?,
        review_department: r.get(4)?,
        template: r.get(5)?,
        opened_at: r.get(6)?,
        opened_by: r.get(7)?,
        first_response_due: r.get(8)?,
        first_response_at: r.get(9)?,
        statement: r.get(10)?,
        closed_at: r.get(11)?,
    })
}

pub(crate) fn insert_crisis(tx: &Transaction<'_>, c: &CrisisRow) -> Result<i64> {
    tx.prepare_cached(
        "INSERT INTO opinion_crisis (kind, summary, lead_department, review_department, template, \
         opened_at, opened_by, first_response_due) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        c.kind,
        c.summary,
        c.lead_department,
        c.review_department,
        c.template,
        c.opened_at,
        c.opened_by,
        c.first_response_due
    ])?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn crisis(tx: &Transaction<'_>, id: i64) -> Result<Option<CrisisRow>> {
    let sql = format!("SELECT {CRISIS} FROM opinion_crisis WHERE id = ?1");
    Ok(tx
        .prepare_cached(&sql)?
        .query_row([id], crisis_row)
        .optional()?)
}

/// Crisis cases, newest first.
pub(crate) fn crises(tx: &Transaction<'_>) -> Result<Vec<CrisisRow>> {
    let sql = format!("SELECT {CRISIS} FROM opinion_crisis ORDER BY id DESC");
    let mut st = tx.prepare_cached(&sql)?;
    let rows = st.query_map([], crisis_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn update_crisis(tx: &Transaction<'_>, c: &CrisisRow) -> Result<()> {
    tx.prepare_cached(
        "UPDATE opinion_crisis SET first_response_at = ?2, statement = ?3, closed_at = ?4 \
         WHERE id = ?1",
    )?
    .execute(params![c.id, c.first_response_at, c.statement, c.closed_at])?;
    Ok(())
}

/// Alert ids of a crisis.
pub(crate) fn crisis_alerts(tx: &Transaction<'_>, crisis: i64) -> Result<Vec<i64>> {
    let mut st =
        tx.prepare_cached("SELECT id FROM opinion_alert WHERE crisis_id = ?1 ORDER BY id")?;
    let rows = st.query_map([crisis], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
