//! SQL of customers: records, identities under their blind index, source
//! records and merges. Values that identify a person are stored sealed only.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction, params};

use super::{from_ms, to_ms};
use crate::crm::{Blind, IdentityKind};
use crate::error::{Error, Result};

/// A stored customer row.
pub(crate) struct CustomerRow {
    pub name_sealed: Option<Vec<u8>>,
    pub core_sealed: Option<Vec<u8>>,
    pub profile: BTreeMap<String, String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The statements one ingest or read uses, on one transaction.
pub(crate) struct Statements<'a> {
    tx: &'a Transaction<'a>,
    /// Customers whose `rev` this transaction already raised.
    touched: HashSet<i64>,
    /// The `rev` this transaction writes, once known.
    rev: Option<i64>,
    /// The statements an ingest runs once or more per row, prepared on
    /// first use and held (indexed by `Held`).
    held: [Option<rusqlite::Statement<'a>>; HELD],
}

/// Statements held by `Statements`, by slot.
#[derive(Clone, Copy)]
enum Held {
    InsertCustomer,
    InsertSource,
    InsertIdentity,
    Owner,
}

const HELD: usize = 4;

impl Held {
    fn sql(self) -> &'static str {
        match self {
            Held::InsertCustomer => {
                "INSERT INTO customer (name_sealed, profile, department, created_at, updated_at, \
                 rev, core_sealed) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6)"
            }
            Held::InsertSource => {
                "INSERT INTO customer_source (customer_id, holder_id, department, received_at, \
                 record_sealed, keys, fresh, kinds) VALUES (?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)"
            }
            Held::InsertIdentity => {
                "INSERT INTO customer_identity (kind, blind, customer_id) VALUES (?1, ?2, ?3)"
            }
            Held::Owner => {
                "SELECT customer_id FROM customer_identity WHERE kind = ?1 AND blind = ?2"
            }
        }
    }
}

pub(crate) fn profile_json(p: &BTreeMap<String, String>) -> Result<String> {
    serde_json::to_string(p).map_err(|e| Error::Corrupt {
        message: format!("a profile could not be encoded: {e}"),
    })
}

impl<'a> Statements<'a> {
    pub(crate) fn new(tx: &'a Transaction<'a>) -> Result<Self> {
        Ok(Statements {
            tx,
            touched: HashSet::new(),
            rev: None,
            held: Default::default(),
        })
    }

    /// A held statement, prepared on first use.
    fn held(&mut self, which: Held) -> Result<&mut rusqlite::Statement<'a>> {
        let slot = &mut self.held[which as usize];
        if slot.is_none() {
            *slot = Some(self.tx.prepare(which.sql())?);
        }
        Ok(slot.as_mut().expect("prepared above"))
    }

    /// The change number this transaction stamps on customers it changes
    /// (one above every stamp so far).
    fn next_rev(&mut self) -> Result<i64> {
        if let Some(r) = self.rev {
            return Ok(r);
        }
        let r: i64 =
            self.tx
                .query_row("SELECT coalesce(max(rev), 0) + 1 FROM customer", [], |r| {
                    r.get(0)
                })?;
        self.rev = Some(r);
        Ok(r)
    }

    /// Mark customer `id` changed, for the incremental refresh of segments
    /// (CRM-4): its history, identities, consent or standing moved.
    pub(crate) fn touch(&mut self, id: i64) -> Result<()> {
        if self.touched.contains(&id) {
            return Ok(());
        }
        let rev = self.next_rev()?;
        self.tx
            .prepare_cached("UPDATE customer SET rev = ?2 WHERE id = ?1")?
            .execute(params![id, rev])?;
        self.touched.insert(id);
        Ok(())
    }

    /// The customer an identity belongs to.
    pub(crate) fn owner(&mut self, kind: IdentityKind, blind: &Blind) -> Result<Option<i64>> {
        Ok(self
            .held(Held::Owner)?
            .query_row(params![kind.code(), &blind[..]], |r| r.get(0))
            .optional()?)
    }

    /// `id`, or the customer it was (transitively) merged into.
    pub(crate) fn live(&mut self, id: i64) -> Result<i64> {
        let mut st = self
            .tx
            .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?;
        let mut cur = id;
        for _ in 0..64 {
            match st
                .query_row([cur], |r| r.get::<_, Option<i64>>(0))
                .optional()?
            {
                Some(Some(next)) => cur = next,
                _ => return Ok(cur),
            }
        }
        Err(Error::Corrupt {
            message: "a chain of customer merges does not end".into(),
        })
    }

    pub(crate) fn insert_customer(
        &mut self,
        name_sealed: Option<&[u8]>,
        core_sealed: Option<&[u8]>,
        profile_json: &str,
        department: &str,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let rev = self.next_rev()?;
        self.held(Held::InsertCustomer)?.execute(params![
            name_sealed,
            profile_json,
            department,
            to_ms(now),
            rev,
            core_sealed
        ])?;
        // Born with this transaction's stamp; a later touch in the same
        // transaction rewrites the same value, so it need not be remembered.
        Ok(self.tx.last_insert_rowid())
    }

    /// New values over old: a name given replaces the old one; profile
    /// fields given replace theirs, others stay; sealed core fields given
    /// (already merged with the old ones by the caller) replace them.
    pub(crate) fn update_customer(
        &mut self,
        id: i64,
        name_sealed: Option<&[u8]>,
        core_sealed: Option<&[u8]>,
        profile: &BTreeMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut merged = self.customer(id)?.map(|c| c.profile).unwrap_or_default();
        merged.extend(profile.iter().map(|(k, v)| (k.clone(), v.clone())));
        let mut st = self.tx.prepare_cached(
            "UPDATE customer SET name_sealed = coalesce(?2, name_sealed), profile = ?3, \
             updated_at = ?4, core_sealed = coalesce(?5, core_sealed) WHERE id = ?1",
        )?;
        st.execute(params![
            id,
            name_sealed,
            profile_json(&merged)?,
            to_ms(now),
            core_sealed
        ])?;
        self.touch(id)
    }

    /// Merge `other` into `survivor`: its identities move, it points at the
    /// survivor, and the merge is recorded with the identities it moved (the
    /// undo path). Returns how many identities moved.
    pub(crate) fn merge(
        &mut self,
        other: i64,
        survivor: i64,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<usize> {
        let moved = self.identity_keys(other)?;
        let keys: Vec<[String; 2]> = moved
            .iter()
            .map(|(k, b)| [k.as_str().to_owned(), hex::encode(b)])
            .collect();
        let keys = serde_json::to_string(&keys).map_err(|e| Error::Corrupt {
            message: format!("a merge could not be recorded: {e}"),
        })?;
        for (kind, blind) in &moved {
            self.tx
                .prepare_cached(
                    "UPDATE customer_identity SET customer_id = ?3 WHERE kind = ?1 AND blind = ?2",
                )?
                .execute(params![kind.code(), &blind[..], survivor])?;
        }
        self.tx
            .prepare_cached(
                "UPDATE customer_source SET holder_id = ?2 WHERE holder_id = ?1 AND fresh != 0",
            )?
            .execute(params![other, survivor])?;
        self.tx.execute(
            "UPDATE customer SET merged_into = ?2, updated_at = ?3 WHERE id = ?1",
            params![other, survivor, to_ms(now)],
        )?;
        self.tx.execute(
            "INSERT INTO customer_merge (survivor, merged, moved, merged_at, merged_by) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![survivor, other, keys, to_ms(now), by],
        )?;
        self.touch(other)?;
        self.touch(survivor)?;
        Ok(moved.len())
    }

    /// The source records holding a customer's identities, in arrival
    /// order.
    pub(crate) fn identity_rows(&mut self, customer: i64) -> Result<Vec<IdentityRow>> {
        let mut st = self.tx.prepare_cached(
            "SELECT id, keys, fresh, record_sealed, received_at FROM customer_source \
             WHERE holder_id = ?1 AND fresh != 0 ORDER BY id",
        )?;
        let rows = st.query_map([customer], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, keys, fresh, sealed, at): (i64, Vec<u8>, i64, Vec<u8>, i64) = row?;
            out.push(IdentityRow {
                id,
                keys: decode_keys(&keys)?,
                fresh,
                sealed,
                added_at: from_ms(at)?,
            });
        }
        Ok(out)
    }

    /// The blind-index keys of the identities a customer holds, in arrival
    /// order.
    fn identity_keys(&mut self, customer: i64) -> Result<Vec<(IdentityKind, Blind)>> {
        let mut st = self.tx.prepare_cached(
            "SELECT keys, fresh FROM customer_source WHERE holder_id = ?1 AND fresh != 0 \
             ORDER BY id",
        )?;
        let rows = st.query_map([customer], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (keys, fresh): (Vec<u8>, i64) = row?;
            out.extend(
                decode_keys(&keys)?
                    .into_iter()
                    .enumerate()
                    .filter(|(i, _)| fresh & (1 << i) != 0)
                    .map(|(_, k)| k),
            );
        }
        Ok(out)
    }

    /// About how many rows have been ingested, at most, without reading
    /// them: source records are numbered in order, and erasures only leave
    /// gaps.
    pub(crate) fn sources_upper_bound(&mut self) -> Result<usize> {
        let n: Option<i64> = self
            .tx
            .query_row("SELECT max(id) FROM customer_source", [], |r| r.get(0))?;
        Ok(usize::try_from(n.unwrap_or(0)).unwrap_or(0))
    }

    /// Every key of the blind index, in key order (one pass over it).
    pub(crate) fn each_identity_key(&mut self, mut f: impl FnMut((u8, Blind))) -> Result<()> {
        let mut st = self
            .tx
            .prepare_cached("SELECT kind, blind FROM customer_identity")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let kind: u8 = r.get(0)?;
            let blind: Blind = r
                .get_ref(1)?
                .as_blob()
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| Error::Corrupt {
                    message: "a blind-index key that is not 16 bytes is stored".into(),
                })?;
            f((kind, blind));
        }
        Ok(())
    }

    /// Add new keys to the blind index, given in key order (kind code, then
    /// key): each insert lands next to the one before it, so a large batch
    /// reads and writes every page of the index at most once. A key already
    /// present is an error (the caller looked it up).
    pub(crate) fn insert_identities(&mut self, sorted: &[((u8, Blind), i64)]) -> Result<()> {
        let st = self.held(Held::InsertIdentity)?;
        for ((kind, blind), customer) in sorted {
            st.execute(params![kind, &blind[..], customer])?;
        }
        Ok(())
    }

    /// Keep the sealed source record of one ingested row for `customer`:
    /// `keys` in the order of its identities, `fresh` the bits of those new
    /// to the index, which the customer now holds (their keys are written by
    /// `insert_identities`).
    pub(crate) fn add_source(
        &mut self,
        customer: i64,
        department: &str,
        sealed: &[u8],
        keys: &[(IdentityKind, Blind)],
        fresh: i64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut encoded = Vec::new();
        let mut kinds = 0i64;
        if fresh != 0 {
            encoded.reserve(keys.len() * KEY_LEN);
            for (i, (kind, blind)) in keys.iter().enumerate() {
                encoded.push(kind.code());
                encoded.extend_from_slice(blind);
                if fresh & (1 << i) != 0 {
                    kinds |= 1 << kind.code();
                }
            }
        }
        self.held(Held::InsertSource)?.execute(params![
            customer,
            department,
            to_ms(now),
            sealed,
            encoded,
            fresh,
            kinds
        ])?;
        Ok(())
    }

    pub(crate) fn customer(&mut self, id: i64) -> Result<Option<CustomerRow>> {
        let mut st = self.tx.prepare_cached(
            "SELECT name_sealed, profile, created_at, updated_at, core_sealed FROM customer \
             WHERE id = ?1",
        )?;
        let row = st
            .query_row([id], |r| {
                Ok((
                    r.get::<_, Option<Vec<u8>>>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, i64>(2)?,
                    r.get::<_, i64>(3)?,
                    r.get::<_, Option<Vec<u8>>>(4)?,
                ))
            })
            .optional()?;
        row.map(|(name_sealed, profile, c, u, core_sealed)| {
            Ok(CustomerRow {
                name_sealed,
                core_sealed,
                profile: serde_json::from_str(&profile).map_err(|_| Error::Corrupt {
                    message: "a stored customer profile is not valid".into(),
                })?,
                created_at: from_ms(c)?,
                updated_at: from_ms(u)?,
            })
        })
        .transpose()
    }

    /// Customers merged (directly) into `id`.
    pub(crate) fn merged_into(&mut self, id: i64) -> Result<Vec<i64>> {
        let mut st = self
            .tx
            .prepare_cached("SELECT id FROM customer WHERE merged_into = ?1 ORDER BY id")?;
        let rows = st.query_map([id], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

/// A declared purpose as stored: purpose, fields (JSON), by whom, when.
pub(crate) type PurposeRow = (String, String, String, DateTime<Utc>);

impl Statements<'_> {
    /// Record that `customer` gave refused `fields` under a declared purpose.
    pub(crate) fn add_purpose(
        &mut self,
        customer: i64,
        purpose: &str,
        fields: &[String],
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let fields = serde_json::to_string(fields).map_err(|e| Error::Corrupt {
            message: format!("a purpose could not be recorded: {e}"),
        })?;
        self.tx
            .prepare_cached(
                "INSERT INTO customer_purpose (customer_id, purpose, fields, declared_by, \
                 declared_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?
            .execute(params![customer, purpose, fields, by, to_ms(now)])?;
        Ok(())
    }

    /// Purposes declared for `ids`: purpose, fields (JSON), by, when.
    pub(crate) fn purposes(&mut self, ids: &[i64]) -> Result<Vec<PurposeRow>> {
        let mut st = self.tx.prepare_cached(
            "SELECT purpose, fields, declared_by, declared_at FROM customer_purpose \
             WHERE customer_id = ?1 ORDER BY rowid",
        )?;
        let mut out = Vec::new();
        for id in ids {
            let rows = st.query_map([id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, i64>(3)?))
            })?;
            for row in rows {
                let (p, f, by, at) = row?;
                out.push((p, f, by, from_ms(at)?));
            }
        }
        Ok(out)
    }
}

/// A send as stored: channel, purpose, when, by whom.
pub(crate) type SendRow = (String, String, DateTime<Utc>, String);

/// A source record as stored: department, when received, the sealed record.
pub(crate) type SourceRow = (String, DateTime<Utc>, Vec<u8>);

/// A consent as stored.
pub(crate) struct ConsentRow {
    pub channel: String,
    pub purpose: String,
    pub granted: bool,
    pub evidence: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
}

impl Statements<'_> {
    /// Whether `id` was erased.
    pub(crate) fn erased(&mut self, id: i64) -> Result<bool> {
        let mut st = self
            .tx
            .prepare_cached("SELECT erased_at IS NOT NULL FROM customer WHERE id = ?1")?;
        Ok(st
            .query_row([id], |r| r.get(0))
            .optional()?
            .unwrap_or(false))
    }

    pub(crate) fn add_consent(&mut self, id: i64, c: &ConsentRow) -> Result<()> {
        let mut st = self.tx.prepare_cached(
            "INSERT INTO customer_consent (customer_id, channel, purpose, granted, evidence, \
             recorded_at, recorded_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?;
        st.execute(params![
            id,
            c.channel,
            c.purpose,
            c.granted,
            c.evidence,
            to_ms(c.recorded_at),
            c.recorded_by
        ])?;
        self.touch(id)
    }

    /// Every consent record of `id`, oldest first.
    pub(crate) fn consents(&mut self, id: i64) -> Result<Vec<ConsentRow>> {
        let mut st = self.tx.prepare_cached(
            "SELECT channel, purpose, granted, evidence, recorded_at, recorded_by \
             FROM customer_consent WHERE customer_id = ?1 ORDER BY recorded_at, rowid",
        )?;
        let rows = st.query_map([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (channel, purpose, granted, evidence, at, by) = row?;
            out.push(ConsentRow {
                channel,
                purpose,
                granted,
                evidence,
                recorded_at: from_ms(at)?,
                recorded_by: by,
            });
        }
        Ok(out)
    }

    pub(crate) fn add_contact(
        &mut self,
        id: i64,
        channel: &str,
        purpose: &str,
        now: DateTime<Utc>,
        by: &str,
    ) -> Result<i64> {
        let mut st = self.tx.prepare_cached(
            "INSERT INTO customer_contact (customer_id, channel, purpose, sent_at, sent_by) \
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        st.execute(params![id, channel, purpose, to_ms(now), by])?;
        Ok(self.tx.last_insert_rowid())
    }

    /// Sends recorded to `id`: channel, purpose, when, by whom.
    pub(crate) fn contacts(&mut self, id: i64) -> Result<Vec<SendRow>> {
        let mut st = self.tx.prepare_cached(
            "SELECT channel, purpose, sent_at, sent_by FROM customer_contact \
             WHERE customer_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)?, r.get(3)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (c, p, at, by) = row?;
            out.push((c, p, from_ms(at)?, by));
        }
        Ok(out)
    }

    /// Sealed source records of `id`: department, received, sealed record.
    pub(crate) fn sources(&mut self, id: i64) -> Result<Vec<SourceRow>> {
        let mut st = self.tx.prepare_cached(
            "SELECT department, received_at, record_sealed FROM customer_source \
             WHERE customer_id = ?1 ORDER BY id",
        )?;
        let rows = st.query_map([id], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?, r.get(2)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (d, at, sealed) = row?;
            out.push((d, from_ms(at)?, sealed));
        }
        Ok(out)
    }

    /// Remove every personal value of `ids`: identities, source records,
    /// consents, sends; the customer rows stay as tombstones (no name, no
    /// profile, `erased_at` set) so merges and counts stay consistent.
    pub(crate) fn erase(&mut self, ids: &[i64], now: DateTime<Utc>) -> Result<usize> {
        let mut removed = 0;
        // First the identities (a member may hold identities another
        // member's source records brought), then the rest.
        for id in ids {
            for (kind, blind) in self.identity_keys(*id)? {
                removed += self
                    .tx
                    .prepare_cached("DELETE FROM customer_identity WHERE kind = ?1 AND blind = ?2")?
                    .execute(params![kind.code(), &blind[..]])?;
            }
        }
        for id in ids {
            for sql in [
                "DELETE FROM customer_interaction WHERE customer_id = ?1",
                "DELETE FROM customer_source WHERE customer_id = ?1",
                "DELETE FROM customer_consent WHERE customer_id = ?1",
                "DELETE FROM customer_contact WHERE customer_id = ?1",
                "DELETE FROM customer_purpose WHERE customer_id = ?1",
            ] {
                removed += self.tx.prepare_cached(sql)?.execute([id])?;
            }
            self.tx
                .prepare_cached(
                    "UPDATE customer SET name_sealed = NULL, core_sealed = NULL, profile = '{}', \
                     erased_at = ?2, \
                     updated_at = ?2 WHERE id = ?1",
                )?
                .execute(params![id, to_ms(now)])?;
            self.tx
                .prepare_cached(
                    "UPDATE customer_merge SET moved = '[]' WHERE survivor = ?1 OR merged = ?1",
                )?
                .execute([id])?;
            self.touch(*id)?;
        }
        Ok(removed)
    }
}

pub(crate) fn live_count(conn: &rusqlite::Connection) -> Result<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM customer WHERE merged_into IS NULL AND erased_at IS NULL",
        [],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Bytes per key in a value row: the kind's code, then the key.
const KEY_LEN: usize = 17;

fn decode_keys(b: &[u8]) -> Result<Vec<(IdentityKind, Blind)>> {
    let corrupt = || Error::Corrupt {
        message: "the keys of an identity value row are not valid".into(),
    };
    if !b.len().is_multiple_of(KEY_LEN) {
        return Err(corrupt());
    }
    b.chunks(KEY_LEN)
        .map(|c| {
            let kind = IdentityKind::from_code(c[0]).ok_or_else(corrupt)?;
            let blind: Blind = c[1..].try_into().map_err(|_| corrupt())?;
            Ok((kind, blind))
        })
        .collect()
}

/// One ingested row's identities as kept: keys in the sealed list's order.
pub(crate) struct IdentityRow {
    pub id: i64,
    pub keys: Vec<(IdentityKind, Blind)>,
    /// Bit i: identity i belongs to this row.
    pub fresh: i64,
    /// The sealed source record holding the values (`identities`).
    pub sealed: Vec<u8>,
    pub added_at: DateTime<Utc>,
}

impl IdentityRow {
    /// The keys of the identities that belong to this row.
    pub(crate) fn fresh_keys(&self) -> impl Iterator<Item = (IdentityKind, Blind)> + '_ {
        self.keys
            .iter()
            .enumerate()
            .filter(|(i, _)| self.fresh & (1 << i) != 0)
            .map(|(_, k)| *k)
    }
}

/// A merge as recorded.
pub(crate) struct MergeRow {
    pub id: i64,
    pub survivor: i64,
    pub moved: Vec<(String, Vec<u8>)>,
}

impl Statements<'_> {
    /// The merge that folded `merged` into another customer, if it is still
    /// in force.
    pub(crate) fn merge_of(&mut self, merged: i64) -> Result<Option<MergeRow>> {
        let mut st = self.tx.prepare_cached(
            "SELECT id, survivor, moved FROM customer_merge \
             WHERE merged = ?1 AND undone_at IS NULL ORDER BY id DESC LIMIT 1",
        )?;
        let row = st
            .query_row([merged], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .optional()?;
        row.map(|(id, survivor, moved)| {
            let keys: Vec<[String; 2]> =
                serde_json::from_str(&moved).map_err(|_| Error::Corrupt {
                    message: "a recorded merge is not valid".into(),
                })?;
            let moved = keys
                .into_iter()
                .map(|[k, b]| {
                    hex::decode(&b).map(|b| (k, b)).map_err(|_| Error::Corrupt {
                        message: "a recorded merge is not valid".into(),
                    })
                })
                .collect::<Result<_>>()?;
            Ok(MergeRow {
                id,
                survivor,
                moved,
            })
        })
        .transpose()
    }

    /// Undo merge `m` of `merged`: the identities it moved that still sit
    /// with the survivor go back, the customer is live again. Returns how
    /// many identities moved back.
    pub(crate) fn undo_merge(
        &mut self,
        m: &MergeRow,
        merged: i64,
        now: DateTime<Utc>,
    ) -> Result<usize> {
        let mut back = 0;
        let mut moved = HashSet::new();
        for (kind, blind) in &m.moved {
            let code = kind
                .parse::<IdentityKind>()
                .map_err(|_| Error::Corrupt {
                    message: "a recorded merge names an unknown identity kind".into(),
                })?
                .code();
            back += self.tx.execute(
                "UPDATE customer_identity SET customer_id = ?3 \
                 WHERE kind = ?1 AND blind = ?2 AND customer_id = ?4",
                params![code, blind, merged, m.survivor],
            )?;
            moved.insert((code, blind.as_slice()));
        }
        // The value rows the merge moved: a row moves whole, so one of its
        // keys tells.
        for row in self.identity_rows(m.survivor)? {
            if row
                .fresh_keys()
                .any(|(k, b)| moved.contains(&(k.code(), &b[..])))
            {
                self.tx
                    .prepare_cached("UPDATE customer_source SET holder_id = ?2 WHERE id = ?1")?
                    .execute(params![row.id, merged])?;
            }
        }
        self.tx.execute(
            "UPDATE customer SET merged_into = NULL, updated_at = ?2 WHERE id = ?1",
            params![merged, to_ms(now)],
        )?;
        self.tx.execute(
            "UPDATE customer_merge SET undone_at = ?2 WHERE id = ?1",
            params![m.id, to_ms(now)],
        )?;
        self.touch(merged)?;
        self.touch(m.survivor)?;
        Ok(back)
    }

    /// The customer `id` points at directly, if merged.
    pub(crate) fn merged_into_of(&mut self, id: i64) -> Result<Option<i64>> {
        let mut st = self
            .tx
            .prepare_cached("SELECT merged_into FROM customer WHERE id = ?1")?;
        Ok(st
            .query_row([id], |r| r.get::<_, Option<i64>>(0))
            .optional()?
            .flatten())
    }
}

/// An interaction as stored: kind, when, page, sealed amount, channel.
pub(crate) type InteractionRow = (
    String,
    DateTime<Utc>,
    Option<String>,
    Option<Vec<u8>>,
    Option<String>,
);

impl Statements<'_> {
    pub(crate) fn add_interaction(
        &mut self,
        customer: i64,
        kind: &str,
        at: DateTime<Utc>,
        page: Option<&str>,
        amount_sealed: Option<&[u8]>,
        channel: Option<&str>,
    ) -> Result<()> {
        let mut st = self.tx.prepare_cached(
            "INSERT INTO customer_interaction (customer_id, kind, at, page, amount_sealed, channel) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        st.execute(params![
            customer,
            kind,
            to_ms(at),
            page,
            amount_sealed,
            channel
        ])?;
        self.touch(customer)
    }

    /// Interactions of the customers `ids`, by time.
    pub(crate) fn interactions(&mut self, ids: &[i64]) -> Result<Vec<InteractionRow>> {
        let mut out = Vec::new();
        let mut st = self.tx.prepare_cached(
            "SELECT kind, at, page, amount_sealed, channel FROM customer_interaction \
             WHERE customer_id = ?1 ORDER BY at, id",
        )?;
        for id in ids {
            let rows = st.query_map([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                ))
            })?;
            for row in rows {
                let (k, at, p, a, c) = row?;
                out.push((k, from_ms(at)?, p, a, c));
            }
        }
        out.sort_by_key(|r| r.1);
        Ok(out)
    }
}

/// Path steps of customers not erased in `[from, to)`: the customer as
/// stored (maybe merged since), the page, by customer then time.
pub(crate) fn path_steps(
    conn: &rusqlite::Connection,
    from: i64,
    to: i64,
) -> Result<Vec<(i64, String)>> {
    let mut st = conn.prepare_cached(
        "SELECT i.customer_id, coalesce(i.page, '') FROM customer_interaction i \
         JOIN customer c ON c.id = i.customer_id \
         WHERE i.kind = 'path_step' AND i.at >= ?1 AND i.at < ?2 AND c.erased_at IS NULL \
         ORDER BY i.customer_id, i.at, i.id",
    )?;
    let rows = st.query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Name and core fields (sealed) of every live customer, by id.
pub(crate) type MatchingRow = (i64, Option<Vec<u8>>, Option<Vec<u8>>);

/// What fuzzy matching needs of every live customer (CRM-2).
pub(crate) fn matching_fields(tx: &Transaction<'_>) -> Result<Vec<MatchingRow>> {
    let mut st = tx.prepare_cached(
        "SELECT id, name_sealed, core_sealed FROM customer \
         WHERE merged_into IS NULL AND erased_at IS NULL ORDER BY id",
    )?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Pairs marked as different people.
pub(crate) fn distinct_pairs(tx: &Transaction<'_>) -> Result<Vec<(i64, i64)>> {
    let mut st = tx.prepare_cached("SELECT a, b FROM customer_distinct")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub(crate) fn mark_distinct(
    tx: &Transaction<'_>,
    a: i64,
    b: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO customer_distinct (a, b, decided_by, decided_at) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (a, b) DO NOTHING",
    )?
    .execute(params![a, b, by, to_ms(now)])?;
    Ok(())
}
