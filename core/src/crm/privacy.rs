//! Consent (CRM-8) and data-subject rights (CRM-7): consent per channel and
//! purpose with its evidence, sends recorded only with consent in force;
//! everything about one customer as one JSON document; erasure that removes
//! every personal value while the audit chain still verifies (the log holds
//! no personal values, AUD-2).

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::access::Permission;
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::store::crm::{ConsentRow, Statements};
use crate::{Attempt, Engine, store, validate};

/// Longest consent evidence, in characters.
const MAX_EVIDENCE_CHARS: usize = 500;

/// A consent decision to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChange {
    /// Channel (`sms`, `email`, `wechat`, `phone_call`, …; an identifier).
    pub channel: String,
    /// Purpose (`marketing`, `service`, `survey`, …; an identifier).
    pub purpose: String,
    /// Granted (true) or withdrawn (false).
    pub granted: bool,
    /// Where it comes from (form id, checkbox text, call reference).
    pub evidence: String,
}

/// The consent in force for one channel and purpose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Consent {
    /// Channel.
    pub channel: String,
    /// Purpose.
    pub purpose: String,
    /// Granted now.
    pub granted: bool,
    /// Its evidence.
    pub evidence: String,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it.
    pub recorded_by: String,
}

impl From<ConsentRow> for Consent {
    fn from(r: ConsentRow) -> Self {
        Consent {
            channel: r.channel,
            purpose: r.purpose,
            granted: r.granted,
            evidence: r.evidence,
            recorded_at: r.recorded_at,
            recorded_by: r.recorded_by,
        }
    }
}

/// What an erasure removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Erasure {
    /// The customer ids erased (the customer and those merged into it).
    pub customer_ids: Vec<i64>,
    /// Rows of personal data removed (identities, source records, consents,
    /// sends).
    pub rows_removed: usize,
}

/// The latest decision per channel and purpose, in the order first seen.
fn in_force(rows: Vec<ConsentRow>) -> Vec<Consent> {
    let mut out: Vec<Consent> = Vec::new();
    for r in rows {
        match out
            .iter_mut()
            .find(|c| c.channel == r.channel && c.purpose == r.purpose)
        {
            Some(c) => *c = r.into(),
            None => out.push(r.into()),
        }
    }
    out
}

/// The live, not erased customer `id` stands for.
pub(super) fn live(st: &mut Statements<'_>, id: i64) -> Result<i64> {
    let live = st.live(id)?;
    if st.customer(live)?.is_none() || st.erased(live)? {
        return Err(Error::not_found("customer", id.to_string()));
    }
    Ok(live)
}

/// `id` and every customer merged into it, transitively.
pub(super) fn group(st: &mut Statements<'_>, id: i64) -> Result<Vec<i64>> {
    let mut out = vec![id];
    let mut i = 0;
    while i < out.len() {
        let more = st.merged_into(out[i])?;
        out.extend(more);
        i += 1;
    }
    Ok(out)
}

impl Engine {
    /// Record a consent decision (CRM-8; needs `consent.manage`). The latest
    /// decision per channel and purpose is in force; the history is kept.
    pub fn record_consent(
        &self,
        actor: &str,
        customer_id: i64,
        change: &ConsentChange,
    ) -> Result<Vec<Consent>> {
        let target = customer_id.to_string();
        self.mutate(
            actor,
            Permission::ConsentManage,
            Attempt::new("crm.consent", "customer", &target),
            |ctx| {
                validate::identifier("channel", &change.channel)?;
                validate::identifier("purpose", &change.purpose)?;
                if change.evidence.trim().is_empty()
                    || change.evidence.chars().count() > MAX_EVIDENCE_CHARS
                    || change.evidence.chars().any(char::is_control)
                {
                    return Err(Error::validation(
                        "evidence",
                        format!("1 to {MAX_EVIDENCE_CHARS} characters, no control characters"),
                    ));
                }
                let mut st = Statements::new(ctx.tx)?;
                let id = live(&mut st, customer_id)?;
                st.add_consent(
                    id,
                    &ConsentRow {
                        channel: change.channel.clone(),
                        purpose: change.purpose.clone(),
                        granted: change.granted,
                        evidence: change.evidence.clone(),
                        recorded_at: ctx.now,
                        recorded_by: ctx.actor.handle.clone(),
                    },
                )?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "crm.consent",
                        "customer",
                        &id.to_string(),
                    )
                    .with_detail(format!(
                        "channel={} purpose={} granted={}",
                        change.channel, change.purpose, change.granted
                    )),
                )?;
                Ok(in_force(st.consents(id)?))
            },
        )
    }

    /// The consents in force for a customer (CRM-8; needs `crm.read`).
    pub fn consents(&self, actor: &str, customer_id: i64) -> Result<Vec<Consent>> {
        let target = customer_id.to_string();
        self.mutate(
            actor,
            Permission::CrmRead,
            Attempt::new("crm.read_consent", "customer", &target),
            |ctx| {
                let mut st = Statements::new(ctx.tx)?;
                let id = live(&mut st, customer_id)?;
                Ok(in_force(st.consents(id)?))
            },
        )
    }

    /// Record that a message goes to a customer (CRM-8; needs
    /// `campaign.manage`): refused with `policy_violation` unless the customer
    /// consented to this channel and purpose and has not withdrawn it.
    pub fn record_send(
        &self,
        actor: &str,
        customer_id: i64,
        channel: &str,
        purpose: &str,
    ) -> Result<i64> {
        let target = customer_id.to_string();
        self.mutate(
            actor,
            Permission::CampaignManage,
            Attempt::new("crm.send", "customer", &target),
            |ctx| {
                validate::identifier("channel", channel)?;
                validate::identifier("purpose", purpose)?;
                let mut st = Statements::new(ctx.tx)?;
                let id = live(&mut st, customer_id)?;
                let allowed = in_force(st.consents(id)?)
                    .iter()
                    .any(|c| c.channel == channel && c.purpose == purpose && c.granted);
                if !allowed {
                    return Err(Error::PolicyViolation {
                        rule: "CRM-8",
                        message: format!(
                            "customer {id} has no consent in force for {channel} / {purpose}"
                        ),
                    });
                }
                let send = st.add_contact(id, channel, purpose, ctx.now, &ctx.actor.handle)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "crm.send", "customer", &id.to_string())
                        .with_detail(format!("channel={channel} purpose={purpose}")),
                )?;
                Ok(send)
            },
        )
    }

    /// Everything brandrail holds about one customer, as one JSON document
    /// (CRM-7; needs `crm.export`; audited): identities, name, profile, every
    /// source record, consents with their history, sends, interactions, merges.
    pub fn export_customer(&self, actor: &str, customer_id: i64) -> Result<String> {
        let key = self.secret_key()?.clone();
        let target = customer_id.to_string();
        self.mutate(actor, Permission::CrmExport, Attempt::new("crm.export", "customer", &target), |ctx| {
            let mut st = Statements::new(ctx.tx)?;
            let id = live(&mut st, customer_id)?;
            let text = |b: Vec<u8>| {
                String::from_utf8(b).map_err(|_| Error::Corrupt {
                    message: "a sealed customer value is not text".into(),
                })
            };
            let row = st.customer(id)?.ok_or_else(|| Error::not_found("customer", target.clone()))?;
            let identities: Vec<serde_json::Value> = super::open_identities(&key, st.identity_rows(id)?)?
                .into_iter()
                .map(|i| serde_json::json!({ "kind": i.kind, "value": i.value }))
                .collect();
            let name = row.name_sealed.map(|s| key.open("customer.name", &s).and_then(text)).transpose()?;
            // Source records of the customer and of every customer merged into
            // it: all of what brandrail holds about the person.
            let mut sources = Vec::new();
            let members = group(&mut st, id)?;
            let tickets = super::service::export_tickets(ctx.tx, &key, &members)?;
            let purposes: Vec<serde_json::Value> = st
                .purposes(&members)?
                .into_iter()
                .map(|(purpose, fields, by, at)| {
                    let fields: serde_json::Value = serde_json::from_str(&fields).unwrap_or_default();
                    serde_json::json!({"purpose": purpose, "fields": fields, "declared_by": by, "declared_at": at})
                })
                .collect();
            let interactions = st
                .interactions(&members)?
                .into_iter()
                .map(|(kind, at, page, amount, channel)| {
                    let amount = amount.map(|a| super::interactions::open_amount(&key, &a).map(|d| d.to_string())).transpose()?;
                    Ok(serde_json::json!({ "kind": kind, "at": at, "page": page, "amount": amount, "channel": channel }))
                })
                .collect::<Result<Vec<serde_json::Value>>>()?;
            let mut held = Vec::new();
            for g in members {
                held.extend(st.sources(g)?.into_iter().map(|s| (g, s)));
            }
            for (from, (department, received_at, sealed)) in held {
                let record: serde_json::Value = serde_json::from_str(&text(key.open(super::SOURCE_CONTEXT, &sealed)?)?)
                    .map_err(|_| Error::Corrupt {
                        message: "a sealed source record is not valid".into(),
                    })?;
                sources.push(serde_json::json!({
                    "customer_id": from, "department": department, "received_at": received_at,
                    "record": record,
                }));
            }
            let consents: Vec<Consent> = st.consents(id)?.into_iter().map(Consent::from).collect();
            let sends: Vec<serde_json::Value> = st
                .contacts(id)?
                .into_iter()
                .map(|(channel, purpose, at, by)| {
                    serde_json::json!({ "channel": channel, "purpose": purpose, "sent_at": at, "sent_by": by })
                })
                .collect();
            let mut profile = row.profile.clone();
            profile.extend(super::open_core(&key, row.core_sealed.as_deref())?);
            let doc = serde_json::json!({
                "format": "brandrail customer export v1",
                "exported_at": ctx.now,
                "customer_id": id,
                "merged_ids": st.merged_into(id)?,
                "created_at": row.created_at,
                "updated_at": row.updated_at,
                "identities": identities,
                "name": name,
                "profile": profile,
                "sources": sources,
                "consent_history": consents,
                "consents_in_force": in_force(st.consents(id)?),
                "sends": sends,
                "interactions": interactions,
                "tickets": tickets,
                "purposes": purposes,
            });
            ctx.record(&Entry::applied(&ctx.actor.handle, "crm.export", "customer", &id.to_string()))?;
            serde_json::to_string_pretty(&doc).map_err(|e| Error::Corrupt {
                message: format!("the export could not be written: {e}"),
            })
        })
    }

    /// Erase a customer on request (CRM-7; needs `crm.erase`): identities,
    /// name, profile, source records, consents and sends of the customer and
    /// of every customer merged into it are removed; tombstones keep the ids.
    /// Deleted content is overwritten (`secure_delete`) and the write-ahead
    /// log emptied afterwards, so no copy stays in the files. The audit log
    /// keeps only ids and digests, so its chain still verifies.
    pub fn erase_customer(&self, actor: &str, customer_id: i64, reason: &str) -> Result<Erasure> {
        let target = customer_id.to_string();
        let erased = self.mutate(
            actor,
            Permission::CrmErase,
            Attempt::new("crm.erase", "customer", &target),
            |ctx| {
                validate::display_text("reason", reason)?;
                let mut st = Statements::new(ctx.tx)?;
                let id = live(&mut st, customer_id)?;
                let ids = group(&mut st, id)?;
                let rows_removed =
                    st.erase(&ids, ctx.now)? + store::service::erase_tickets(ctx.tx, &ids)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "crm.erase", "customer", &id.to_string())
                        .with_detail(format!("customers={} rows={rows_removed}", ids.len())),
                )?;
                Ok(Erasure {
                    customer_ids: ids,
                    rows_removed,
                })
            },
        )?;
        // The log still holds the pages as they were before the erasure.
        self.lock().checkpoint_truncate()?;
        Ok(erased)
    }
}
