//! Delegation of approval authority while away (APR-4).

use chrono::{DateTime, Duration, Utc};

use super::Delegation;
use super::engine::principal;
use crate::access::Permission;
use crate::audit::Entry;
use crate::error::{DenialReason, Error, Result};
use crate::{Attempt, Engine, Gate, store};

/// Longest delegation window.
const MAX_DELEGATION_DAYS: i64 = 366;

impl Engine {
    /// Let `to` decide in the actor's place from `starts_at` until `ends_at`
    /// (APR-4: delegation while away, recorded). Any active principal may
    /// delegate its own authority, to another active principal.
    pub fn delegate_approvals(
        &self,
        actor: &str,
        to: &str,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
    ) -> Result<Delegation> {
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.delegate", "principal", to),
            |ctx| {
                if ends_at <= starts_at {
                    return Err(Error::validation("ends_at", "must be after starts_at"));
                }
                if ends_at - starts_at > Duration::days(MAX_DELEGATION_DAYS) {
                    return Err(Error::validation(
                        "ends_at",
                        format!("a delegation lasts at most {MAX_DELEGATION_DAYS} days"),
                    ));
                }
                if ends_at <= ctx.now {
                    return Err(Error::validation("ends_at", "lies in the past"));
                }
                if to == ctx.actor.handle {
                    return Err(Error::validation("to", "cannot delegate to oneself"));
                }
                let target = principal(ctx.tx, to)?;
                if !target.active {
                    return Err(Error::conflict("principal", to, "is deactivated"));
                }
                let mut d = Delegation {
                    id: 0,
                    from: ctx.actor.handle.clone(),
                    to: to.to_owned(),
                    starts_at,
                    ends_at,
                    created_at: ctx.now,
                    revoked_at: None,
                };
                d.id = store::approval::insert_delegation(ctx.tx, &d)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "approval.delegate",
                        "delegation",
                        &d.id.to_string(),
                    )
                    .after(&d)
                    .with_detail(format!("to={to}")),
                )?;
                Ok(d)
            },
        )
    }

    /// End a delegation early (its grantor, or a holder of `approval.administer`).
    pub fn end_delegation(&self, actor: &str, delegation_id: i64) -> Result<Delegation> {
        let target = delegation_id.to_string();
        self.mutate(
            actor,
            Gate::ActivePrincipal,
            Attempt::new("approval.end_delegation", "delegation", &target),
            |ctx| {
                let before = store::approval::delegation(ctx.tx, delegation_id)?
                    .ok_or_else(|| Error::not_found("delegation", delegation_id.to_string()))?;
                let admin =
                    crate::access::check(ctx.policy, ctx.actor, Permission::ApprovalAdminister)
                        .is_ok();
                if before.from != ctx.actor.handle && !admin {
                    return Err(Error::PermissionDenied {
                        principal: ctx.actor.handle.clone(),
                        permission: Permission::ApprovalAdminister.as_str().into(),
                        reason: DenialReason::MissingPermission,
                    });
                }
                if before.revoked_at.is_some() {
                    return Err(Error::conflict(
                        "delegation",
                        delegation_id.to_string(),
                        "already ended",
                    ));
                }
                store::approval::revoke_delegations(ctx.tx, &[delegation_id], ctx.now)?;
                let mut after = before.clone();
                after.revoked_at = Some(ctx.now);
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "approval.end_delegation",
                        "delegation",
                        &target,
                    )
                    .before(&before)
                    .after(&after),
                )?;
                Ok(after)
            },
        )
    }
}
