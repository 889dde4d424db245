//! Delegation of approval authority while away (APR-4; core's
//! `approval/delegation.rs`): the `Delegation` object and the calls that
//! grant and end one.

use napi::Env;
use napi_derive::napi;

use crate::convert::{Date, whole};
use crate::engine::Engine;
use crate::error::OrThrow;

/// Approval authority lent while away (APR-4).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Delegation {
    /// Identifier (a safe integer), for `endDelegation`.
    pub id: i64,
    /// Who is away.
    pub from: String,
    /// Who decides in their place.
    pub to: String,
    /// From when.
    pub starts_at: Date,
    /// Until when (exclusive).
    pub ends_at: Date,
    /// When it was recorded.
    pub created_at: Date,
    /// When it was ended early, or `null`.
    pub revoked_at: Option<Date>,
}

impl From<brandrail::Delegation> for Delegation {
    fn from(d: brandrail::Delegation) -> Self {
        Delegation {
            id: d.id,
            from: d.from,
            to: d.to,
            starts_at: d.starts_at.into(),
            ends_at: d.ends_at.into(),
            created_at: d.created_at.into(),
            revoked_at: d.revoked_at.map(Date::from),
        }
    }
}

#[napi]
impl Engine {
    /// Let the active principal `to` decide in the actor's place from
    /// `startsAt` until `endsAt` (at most 366 days, ending in the future), for
    /// example while on leave. Decisions taken this way record whose authority
    /// was used (`onBehalfOf`).
    #[napi(strict, catch_unwind)]
    pub fn delegate_approvals(
        &self,
        env: &Env,
        actor: String,
        to: String,
        starts_at: Date,
        ends_at: Date,
    ) -> napi::Result<Delegation> {
        starts_at
            .to_utc("startsAt")
            .and_then(|start| Ok((start, ends_at.to_utc("endsAt")?)))
            .and_then(|(start, end)| self.inner.delegate_approvals(&actor, &to, start, end))
            .map(Delegation::from)
            .or_throw(env)
    }

    /// End a delegation early: its grantor, or a holder of
    /// `approval.administer`, may.
    #[napi(strict, catch_unwind)]
    pub fn end_delegation(
        &self,
        env: &Env,
        actor: String,
        delegation_id: f64,
    ) -> napi::Result<Delegation> {
        whole("delegationId", delegation_id)
            .and_then(|d| self.inner.end_delegation(&actor, d))
            .map(Delegation::from)
            .or_throw(env)
    }
}
