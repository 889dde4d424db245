//! Principals and roles on the engine: bootstrap, create (one or a batch),
//! grant, revoke, deactivate, and the read side.

use std::collections::HashSet;

use super::{Deactivation, NewPrincipal, Permission, Principal, check};
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::policy::Policy;
use crate::{Attempt, Ctx, Engine, store, validate};

/// Validate an input and build the principal it describes.
fn build(
    policy: &Policy,
    input: &NewPrincipal,
    field: &str,
    ctx_now: chrono::DateTime<chrono::Utc>,
) -> Result<Principal> {
    validate::identifier(&format!("{field}handle"), &input.handle)?;
    validate::display_text(&format!("{field}display_name"), &input.display_name)?;
    let mut roles = match &input.roles {
        Some(roles) => roles.clone(),
        None => policy
            .access
            .department_roles
            .get(&input.department)
            .cloned()
            .unwrap_or_default(),
    };
    roles.sort();
    roles.dedup();
    for role in &roles {
        if !policy.access.roles.contains_key(role) {
            return Err(Error::validation(
                format!("{field}roles"),
                format!(
                    "'{}' is not a role of the policy",
                    validate::printable(role)
                ),
            ));
        }
    }
    Ok(Principal {
        handle: input.handle.clone(),
        display_name: input.display_name.clone(),
        department: input.department,
        roles,
        active: true,
        created_at: ctx_now,
        deactivated_at: None,
    })
}

fn insert(ctx: &Ctx<'_>, input: &NewPrincipal, field: &str) -> Result<Principal> {
    let principal = build(ctx.policy, input, field, ctx.now)?;
    if store::access::principal_exists(ctx.tx, &principal.handle)? {
        return Err(Error::conflict(
            "principal",
            &principal.handle,
            "already exists",
        ));
    }
    store::access::insert_principal(ctx.tx, &principal, &ctx.actor.handle)?;
    ctx.record(
        &Entry::applied(
            &ctx.actor.handle,
            "principal.create",
            "principal",
            &principal.handle,
        )
        .after(&principal)
        .with_detail(format!(
            "department={} roles={}",
            principal.department,
            principal.roles.join(",")
        )),
    )?;
    Ok(principal)
}

fn load(ctx: &Ctx<'_>, handle: &str) -> Result<Principal> {
    store::access::principal(ctx.tx, handle)?
        .ok_or_else(|| Error::not_found("principal", crate::audit_safe(handle)))
}

impl Engine {
    /// Create the first principal of a fresh database: an account administrator
    /// of an account-administration department (IT by default), with that
    /// department's default roles. Refused once any principal exists. Installs
    /// nothing else; the default policy pack is in force until replaced.
    pub fn bootstrap(&self, first_admin: NewPrincipal) -> Result<Principal> {
        self.write_unauthorized(|tx, now, policy| {
            if store::access::principal_count(tx)? > 0 {
                return Err(Error::conflict(
                    "engine",
                    "bootstrap",
                    "principals already exist; create accounts as an administrator",
                ));
            }
            let principal = build(policy, &first_admin, "", now)?;
            let can_admin = [Permission::PrincipalManage, Permission::RoleGrant]
                .iter()
                .all(|p| check(policy, &principal, *p).is_ok());
            if !can_admin {
                return Err(Error::PolicyViolation {
                    rule: "ACC-2",
                    message: "the first principal must be able to administer accounts \
                              (an IT principal with the it_admin role by default)"
                        .into(),
                });
            }
            store::access::insert_principal(tx, &principal, &principal.handle)?;
            store::audit::append(
                tx,
                now,
                &Entry::applied(
                    &principal.handle,
                    "engine.bootstrap",
                    "principal",
                    &principal.handle,
                )
                .after(&principal),
            )?;
            Ok(principal)
        })
    }

    /// Create a principal (ACC-2: needs `principal.manage`, IT only). Without
    /// explicit roles it gets its department's default roles.
    pub fn create_principal(&self, actor: &str, input: NewPrincipal) -> Result<Principal> {
        self.mutate(
            actor,
            Permission::PrincipalManage,
            Attempt::new("principal.create", "principal", &input.handle),
            |ctx| insert(ctx, &input, ""),
        )
    }

    /// Create many principals in one transaction: all of them or, on the first
    /// bad row (its index is in the error's field path), none.
    pub fn create_principals(
        &self,
        actor: &str,
        inputs: &[NewPrincipal],
    ) -> Result<Vec<Principal>> {
        self.mutate(
            actor,
            Permission::PrincipalManage,
            Attempt::new("principal.create", "principal", "batch"),
            |ctx| {
                let mut seen = HashSet::with_capacity(inputs.len());
                let mut out = Vec::with_capacity(inputs.len());
                for (i, input) in inputs.iter().enumerate() {
                    if !seen.insert(input.handle.as_str()) {
                        return Err(Error::conflict(
                            "principal",
                            crate::audit_safe(&input.handle),
                            format!("appears twice in the batch (again at index {i})"),
                        ));
                    }
                    out.push(insert(ctx, input, &format!("principals[{i}]."))?);
                }
                Ok(out)
            },
        )
    }

    /// Grant a role defined in the policy (ACC-2: needs `role.grant`, IT only).
    pub fn grant_role(&self, actor: &str, handle: &str, role: &str) -> Result<Principal> {
        self.mutate(
            actor,
            Permission::RoleGrant,
            Attempt::new("role.grant", "principal", handle),
            |ctx| {
                let before = load(ctx, handle)?;
                if !ctx.policy.access.roles.contains_key(role) {
                    return Err(Error::validation(
                        "role",
                        format!(
                            "'{}' is not a role of the policy",
                            validate::printable(role)
                        ),
                    ));
                }
                if !before.active {
                    return Err(Error::conflict("principal", handle, "is deactivated"));
                }
                if before.roles.iter().any(|r| r == role) {
                    return Err(Error::conflict(
                        "principal",
                        handle,
                        format!("already holds role '{role}'"),
                    ));
                }
                store::access::grant_role(ctx.tx, handle, role, ctx.now, &ctx.actor.handle)?;
                let after = load(ctx, handle)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "role.grant", "principal", handle)
                        .before(&before)
                        .after(&after)
                        .with_detail(format!("role={role}")),
                )?;
                Ok(after)
            },
        )
    }

    /// Revoke a role. Refused if it would leave nobody able to administer accounts.
    pub fn revoke_role(&self, actor: &str, handle: &str, role: &str) -> Result<Principal> {
        self.mutate(
            actor,
            Permission::RoleGrant,
            Attempt::new("role.revoke", "principal", handle),
            |ctx| {
                let before = load(ctx, handle)?;
                if !before.roles.iter().any(|r| r == role) {
                    return Err(Error::conflict(
                        "principal",
                        handle,
                        format!("does not hold role '{}'", validate::printable(role)),
                    ));
                }
                store::access::revoke_role(ctx.tx, handle, role)?;
                super::ensure_admin_remains(ctx.tx, ctx.policy)?;
                let after = load(ctx, handle)?;
                ctx.record(
                    &Entry::applied(&ctx.actor.handle, "role.revoke", "principal", handle)
                        .before(&before)
                        .after(&after)
                        .with_detail(format!("role={role}")),
                )?;
                Ok(after)
            },
        )
    }

    /// Deactivate a leaver at once (ACC-3: needs `principal.manage`). From the
    /// next call on, the principal is refused everything. Returns the media
    /// accounts it kept, which need a new custodian. Nobody deactivates
    /// themselves, and the last account administrator cannot be deactivated.
    pub fn deactivate_principal(&self, actor: &str, handle: &str) -> Result<Deactivation> {
        self.mutate(
            actor,
            Permission::PrincipalManage,
            Attempt::new("principal.deactivate", "principal", handle),
            |ctx| {
                let before = load(ctx, handle)?;
                if !before.active {
                    return Err(Error::conflict(
                        "principal",
                        handle,
                        "is already deactivated",
                    ));
                }
                if before.handle == ctx.actor.handle {
                    return Err(Error::conflict(
                        "principal",
                        handle,
                        "cannot deactivate itself; another administrator must",
                    ));
                }
                store::access::deactivate(ctx.tx, handle, ctx.now)?;
                super::ensure_admin_remains(ctx.tx, ctx.policy)?;
                let after = load(ctx, handle)?;
                let custodian_of = store::access::media_in_custody_of(ctx.tx, handle)?;
                let (reassigned_approvals, unstaffed_approvals) =
                    crate::approval::on_deactivation(ctx, handle)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "principal.deactivate",
                        "principal",
                        handle,
                    )
                    .before(&before)
                    .after(&after)
                    .with_detail(format!("orphaned_media_accounts={}", custodian_of.len())),
                )?;
                Ok(Deactivation {
                    principal: after,
                    custodian_of,
                    reassigned_approvals,
                    unstaffed_approvals,
                })
            },
        )
    }

    /// One principal.
    pub fn principal(&self, handle: &str) -> Result<Principal> {
        self.read(|tx, _| {
            store::access::principal(tx, handle)?
                .ok_or_else(|| Error::not_found("principal", crate::audit_safe(handle)))
        })
    }

    /// Every principal, active or not, by handle.
    pub fn principals(&self) -> Result<Vec<Principal>> {
        self.read(|tx, _| store::access::principals(tx))
    }

    /// What `handle` may do now under the policy in force (empty when deactivated).
    pub fn permissions_of(&self, handle: &str) -> Result<Vec<Permission>> {
        let p = self.principal(handle)?;
        let policy = self.policy()?;
        Ok(Permission::ALL
            .iter()
            .copied()
            .filter(|perm| check(&policy, &p, *perm).is_ok())
            .collect())
    }

    /// Whether `handle` may use `permission` now; false for unknown principals.
    pub fn can(&self, handle: &str, permission: Permission) -> Result<bool> {
        match self.principal(handle) {
            Ok(p) => {
                let policy = self.policy()?;
                Ok(check(&policy, &p, permission).is_ok())
            }
            Err(Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }
}
