//! Accounts, roles and permissions (ACC-1..ACC-5): principals belong to
//! departments and hold roles; roles (policy data) carry permissions; every
//! mutating call is authorized here first. Managed media accounts and their
//! zombie report live in `media.rs`.

mod media;
mod model;
mod principals;

use rusqlite::Transaction;

pub(crate) use model::named_enum;
pub use model::{
    Deactivation, Department, MediaAccount, NewMediaAccount, NewPrincipal, Permission, Platform,
    Principal, ZombieAccount,
};

use crate::error::{DenialReason, Error, Result};
use crate::policy::Policy;
use crate::store;

/// Permissions reserved to the policy's account-administration departments (ACC-2).
const ADMIN_PERMISSIONS: [Permission; 2] = [Permission::PrincipalManage, Permission::RoleGrant];

/// May `principal` use `permission` under `policy`? The reason when not.
pub(crate) fn check(
    policy: &Policy,
    principal: &Principal,
    permission: Permission,
) -> Result<(), DenialReason> {
    if !principal.active {
        return Err(DenialReason::Deactivated);
    }
    if !policy
        .permissions_of(&principal.roles)
        .contains(&permission)
    {
        return Err(DenialReason::MissingPermission);
    }
    if ADMIN_PERMISSIONS.contains(&permission)
        && !policy
            .access
            .account_admin_departments
            .contains(&principal.department)
    {
        return Err(DenialReason::WrongDepartment);
    }
    Ok(())
}

/// Load `actor` and check it. The outer `Result` is a storage failure; the
/// inner one the authorization decision.
pub(crate) fn authorize(
    tx: &Transaction<'_>,
    policy: &Policy,
    actor: &str,
    gate: crate::Gate,
) -> Result<Result<Principal, DenialReason>> {
    let Some(principal) = store::access::principal(tx, actor)? else {
        return Ok(Err(DenialReason::UnknownPrincipal));
    };
    let decision = match gate {
        crate::Gate::Permission(permission) => check(policy, &principal, permission),
        crate::Gate::ActivePrincipal if !principal.active => Err(DenialReason::Deactivated),
        crate::Gate::ActivePrincipal => Ok(()),
    };
    Ok(decision.map(|()| principal))
}

/// Refuse a change after which no active principal could administer accounts:
/// the company would be locked out of its own engine.
pub(crate) fn ensure_admin_remains(tx: &Transaction<'_>, policy: &Policy) -> Result<()> {
    let principals = store::access::principals(tx)?;
    if principals.is_empty() {
        return Ok(());
    }
    let admin_left = principals.iter().any(|p| {
        ADMIN_PERMISSIONS
            .iter()
            .all(|perm| check(policy, p, *perm).is_ok())
    });
    if admin_left {
        Ok(())
    } else {
        Err(Error::PolicyViolation {
            rule: "ACC-2",
            message: "after this change no active principal could administer accounts".into(),
        })
    }
}
