//! Principals, roles and permissions, and managed media accounts (core's
//! `access` module): the `Engine` methods and the objects they take and return.

use napi::Env;
use napi::bindgen_prelude::AsyncTask;
use napi_derive::napi;

use crate::convert::{Date, all, parse, utc_or};
use crate::engine::{Background, Engine};
use crate::error::{OrThrow, within};

/// A member of staff. Every action is attributed to exactly one principal,
/// named by its `handle`.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct Principal {
    /// Login-style identifier: unique, 2–64 characters of `a-z 0-9 . _ -`.
    pub handle: String,
    /// Name shown to people.
    pub display_name: String,
    /// The one department the principal belongs to, e.g. `'marketing'`.
    pub department: String,
    /// Roles held (names from the policy), sorted.
    pub roles: Vec<String>,
    /// False once deactivated; a deactivated principal may do nothing.
    pub active: bool,
    /// When the account was created.
    pub created_at: Date,
    /// When it was deactivated, or `null`.
    pub deactivated_at: Option<Date>,
}

impl From<brandrail::Principal> for Principal {
    fn from(p: brandrail::Principal) -> Self {
        Principal {
            handle: p.handle,
            display_name: p.display_name,
            department: p.department.as_str().to_owned(),
            roles: p.roles,
            active: p.active,
            created_at: p.created_at.into(),
            deactivated_at: p.deactivated_at.map(Date::from),
        }
    }
}

/// Input for creating a principal.
#[napi(object, object_to_js = false)]
pub struct NewPrincipal {
    /// Unique login-style identifier: 2–64 characters of `a-z 0-9 . _ -`,
    /// starting with a letter or digit.
    pub handle: String,
    /// Name shown to people: 1–200 characters, no control or invisible
    /// characters, no leading or trailing white space. Any script is fine.
    pub display_name: String,
    /// One of `'marketing'`, `'brand'`, `'it'`, `'sales'`,
    /// `'customer_service'`, `'pr'`, `'legal'`, `'finance'`, `'hr'`,
    /// `'admin'`, `'executive'`.
    pub department: String,
    /// Roles to grant (names defined in the policy). Left out, the principal
    /// gets its department's default roles from the policy.
    pub roles: Option<Vec<String>>,
}

impl NewPrincipal {
    fn into_core(self) -> brandrail::Result<brandrail::NewPrincipal> {
        Ok(brandrail::NewPrincipal {
            handle: self.handle,
            display_name: self.display_name,
            department: parse("department", &self.department)?,
            roles: self.roles,
        })
    }
}

/// What deactivating a principal left for others to pick up.
#[napi(object, object_from_js = false)]
pub struct Deactivation {
    /// The principal, now inactive.
    pub principal: Principal,
    /// Ids of the media accounts it kept; each needs a new custodian
    /// (`reassignMediaAccount`).
    pub custodian_of: Vec<String>,
    /// Ids of approval instances whose active stage was assigned to it: now
    /// unassigned, back with the stage's pool of deciders.
    pub reassigned_approvals: Vec<i64>,
    /// Ids of approval instances in review whose active stage nobody active
    /// may decide any more: an administrator must change the policy or grant
    /// a role.
    pub unstaffed_approvals: Vec<i64>,
}

impl From<brandrail::Deactivation> for Deactivation {
    fn from(d: brandrail::Deactivation) -> Self {
        Deactivation {
            principal: d.principal.into(),
            custodian_of: d.custodian_of,
            reassigned_approvals: d.reassigned_approvals,
            unstaffed_approvals: d.unstaffed_approvals,
        }
    }
}

/// A managed media or messaging account (a WeChat official account, a Douyin
/// account, an SMS sender, …).
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct MediaAccount {
    /// Identifier chosen at registration, `a-z 0-9 . _ -`.
    pub id: String,
    /// Where the account lives, e.g. `'douyin'`.
    pub platform: String,
    /// The account's public name.
    pub display_name: String,
    /// The department that owns it.
    pub owner_department: String,
    /// Handle of the principal who keeps its credentials.
    pub custodian: String,
    /// Whether an encrypted credential is stored.
    pub has_credential: bool,
    /// When it was registered.
    pub registered_at: Date,
    /// The last recorded interaction (post, reply, send), or `null`.
    pub last_interaction_at: Option<Date>,
    /// When it was retired, or `null`.
    pub retired_at: Option<Date>,
}

impl From<brandrail::MediaAccount> for MediaAccount {
    fn from(m: brandrail::MediaAccount) -> Self {
        MediaAccount {
            id: m.id,
            platform: m.platform.as_str().to_owned(),
            display_name: m.display_name,
            owner_department: m.owner_department.as_str().to_owned(),
            custodian: m.custodian,
            has_credential: m.has_credential,
            registered_at: m.registered_at.into(),
            last_interaction_at: m.last_interaction_at.map(Date::from),
            retired_at: m.retired_at.map(Date::from),
        }
    }
}

/// Input for registering a media account.
#[napi(object, object_to_js = false)]
pub struct NewMediaAccount {
    /// Identifier for the account: 2–64 characters of `a-z 0-9 . _ -`.
    pub id: String,
    /// One of `'wechat_official_account'`, `'wechat_channels'`, `'weibo'`,
    /// `'douyin'`, `'xiaohongshu'`, `'zhihu'`, `'bilibili'`, `'email_sender'`,
    /// `'sms_sender'`, `'other'`.
    pub platform: String,
    /// The account's public name.
    pub display_name: String,
    /// The owning department (see `NewPrincipal.department` for the names).
    pub owner_department: String,
    /// Handle of an active principal who keeps the credentials.
    pub custodian: String,
    /// A password or token (1–4096 bytes). Stored only encrypted with the
    /// engine's `secretKey`; refused when the engine has none.
    pub credential: Option<String>,
}

impl NewMediaAccount {
    fn into_core(self) -> brandrail::Result<brandrail::NewMediaAccount> {
        Ok(brandrail::NewMediaAccount {
            id: self.id,
            platform: parse("platform", &self.platform)?,
            display_name: self.display_name,
            owner_department: parse("owner_department", &self.owner_department)?,
            custodian: self.custodian,
            credential: self.credential,
        })
    }
}

/// One use of a media account, for `recordMediaInteractions`.
#[napi(object, object_to_js = false)]
pub struct MediaInteraction {
    /// The media account's id.
    pub id: String,
    /// When it was used; at most a few minutes ahead of the engine clock.
    pub at: Date,
}

/// A media account idle for longer than the policy allows
/// (`access.zombie_after_months`).
#[napi(object, object_from_js = false)]
pub struct ZombieAccount {
    /// The account.
    pub account: MediaAccount,
    /// Its last interaction, or its registration when it never had one.
    pub idle_since: Date,
    /// Whole days idle at the report's date.
    pub idle_days: i64,
}

impl From<brandrail::ZombieAccount> for ZombieAccount {
    fn from(z: brandrail::ZombieAccount) -> Self {
        ZombieAccount {
            account: z.account.into(),
            idle_since: z.idle_since.into(),
            idle_days: z.idle_days,
        }
    }
}

#[napi]
impl Engine {
    /// Create the first principal of a fresh database: an account
    /// administrator (an IT principal, who gets IT's default roles). Needs no
    /// actor; throws `'conflict'` once any principal exists.
    #[napi(strict, catch_unwind)]
    pub fn bootstrap(&self, env: &Env, first_admin: NewPrincipal) -> napi::Result<Principal> {
        first_admin
            .into_core()
            .and_then(|p| self.inner.bootstrap(p))
            .map(Principal::from)
            .or_throw(env)
    }

    /// Create a principal (needs `principal.manage`, reserved to IT).
    #[napi(strict, catch_unwind)]
    pub fn create_principal(
        &self,
        env: &Env,
        actor: String,
        principal: NewPrincipal,
    ) -> napi::Result<Principal> {
        principal
            .into_core()
            .and_then(|p| self.inner.create_principal(&actor, p))
            .map(Principal::from)
            .or_throw(env)
    }

    /// Create many principals in one transaction: all of them or, on the first
    /// bad one (its index is in the error's `field`), none. Runs off the JS
    /// thread; engine errors reject the promise.
    #[napi(strict, catch_unwind, ts_return_type = "Promise<Array<Principal>>")]
    pub fn create_principals(
        &self,
        actor: String,
        principals: Vec<NewPrincipal>,
    ) -> AsyncTask<Background<Vec<Principal>>> {
        AsyncTask::new(self.background(move |engine| {
            let inputs = principals
                .into_iter()
                .enumerate()
                .map(|(i, p)| {
                    p.into_core()
                        .map_err(|e| within(&format!("principals[{i}]"), e))
                })
                .collect::<brandrail::Result<Vec<_>>>()?;
            engine.create_principals(&actor, &inputs).map(all)
        }))
    }

    /// Grant a role defined in the policy (needs `role.grant`, reserved to IT).
    #[napi(strict, catch_unwind)]
    pub fn grant_role(
        &self,
        env: &Env,
        actor: String,
        handle: String,
        role: String,
    ) -> napi::Result<Principal> {
        self.inner
            .grant_role(&actor, &handle, &role)
            .map(Principal::from)
            .or_throw(env)
    }

    /// Revoke a role (needs `role.grant`). Refused with `'policy_violation'`
    /// if nobody could administer accounts afterwards.
    #[napi(strict, catch_unwind)]
    pub fn revoke_role(
        &self,
        env: &Env,
        actor: String,
        handle: String,
        role: String,
    ) -> napi::Result<Principal> {
        self.inner
            .revoke_role(&actor, &handle, &role)
            .map(Principal::from)
            .or_throw(env)
    }

    /// Deactivate a leaver at once (needs `principal.manage`): from the next
    /// call on it is refused everything. Its delegations end; approval stages
    /// assigned to it go back to their pool. Returns the media accounts it
    /// kept and the approvals that need attention.
    /// Nobody deactivates themselves, and the last account administrator
    /// cannot be deactivated.
    #[napi(strict, catch_unwind)]
    pub fn deactivate_principal(
        &self,
        env: &Env,
        actor: String,
        handle: String,
    ) -> napi::Result<Deactivation> {
        self.inner
            .deactivate_principal(&actor, &handle)
            .map(Deactivation::from)
            .or_throw(env)
    }

    /// One principal; throws `'not_found'` for an unknown handle.
    #[napi(strict, catch_unwind)]
    pub fn principal(&self, env: &Env, handle: String) -> napi::Result<Principal> {
        self.inner
            .principal(&handle)
            .map(Principal::from)
            .or_throw(env)
    }

    /// Every principal, active or not, by handle.
    #[napi(strict, catch_unwind)]
    pub fn principals(&self, env: &Env) -> napi::Result<Vec<Principal>> {
        self.inner.principals().map(all).or_throw(env)
    }

    /// What `handle` may do now under the policy in force, e.g.
    /// `['content.create', 'crm.read']`; empty when deactivated.
    #[napi(strict, catch_unwind)]
    pub fn permissions_of(&self, env: &Env, handle: String) -> napi::Result<Vec<String>> {
        self.inner
            .permissions_of(&handle)
            .map(|perms| perms.iter().map(|p| p.as_str().to_owned()).collect())
            .or_throw(env)
    }

    /// Whether `handle` may use `permission` (e.g. `'crm.read'`) now; false
    /// for unknown principals. An unknown permission name throws
    /// `'validation'` listing the valid ones.
    #[napi(strict, catch_unwind)]
    pub fn can(&self, env: &Env, handle: String, permission: String) -> napi::Result<bool> {
        parse("permission", &permission)
            .and_then(|p| self.inner.can(&handle, p))
            .or_throw(env)
    }

    /// Register a managed media account (needs `media_account.manage`).
    #[napi(strict, catch_unwind)]
    pub fn register_media_account(
        &self,
        env: &Env,
        actor: String,
        account: NewMediaAccount,
    ) -> napi::Result<MediaAccount> {
        account
            .into_core()
            .and_then(|a| self.inner.register_media_account(&actor, a))
            .map(MediaAccount::from)
            .or_throw(env)
    }

    /// Hand an account to a new custodian, an active principal (needs
    /// `media_account.manage`).
    #[napi(strict, catch_unwind)]
    pub fn reassign_media_account(
        &self,
        env: &Env,
        actor: String,
        id: String,
        custodian: String,
    ) -> napi::Result<MediaAccount> {
        self.inner
            .reassign_media_account(&actor, &id, &custodian)
            .map(MediaAccount::from)
            .or_throw(env)
    }

    /// Record that the account was used at `at` (a post, reply or send); the
    /// newest time is kept (needs `media_account.record_activity`).
    #[napi(strict, catch_unwind)]
    pub fn record_media_interaction(
        &self,
        env: &Env,
        actor: String,
        id: String,
        at: Date,
    ) -> napi::Result<MediaAccount> {
        at.to_utc("at")
            .and_then(|at| self.inner.record_media_interaction(&actor, &id, at))
            .map(MediaAccount::from)
            .or_throw(env)
    }

    /// `recordMediaInteraction` for many accounts in one transaction: all or
    /// none. Runs off the JS thread; engine errors reject the promise.
    #[napi(strict, catch_unwind, ts_return_type = "Promise<Array<MediaAccount>>")]
    pub fn record_media_interactions(
        &self,
        actor: String,
        interactions: Vec<MediaInteraction>,
    ) -> AsyncTask<Background<Vec<MediaAccount>>> {
        AsyncTask::new(self.background(move |engine| {
            let inputs = interactions
                .into_iter()
                .enumerate()
                .map(|(i, m)| Ok((m.id, m.at.to_utc(&format!("interactions[{i}].at"))?)))
                .collect::<brandrail::Result<Vec<_>>>()?;
            engine.record_media_interactions(&actor, &inputs).map(all)
        }))
    }

    /// Retire an account after clean-up; its credential is destroyed (needs
    /// `media_account.manage`).
    #[napi(strict, catch_unwind)]
    pub fn retire_media_account(
        &self,
        env: &Env,
        actor: String,
        id: String,
    ) -> napi::Result<MediaAccount> {
        self.inner
            .retire_media_account(&actor, &id)
            .map(MediaAccount::from)
            .or_throw(env)
    }

    /// Decrypt an account's stored credential (needs
    /// `media_account.reveal_credential` and the engine's `secretKey`). Every
    /// reveal is audited.
    #[napi(strict, catch_unwind)]
    pub fn reveal_media_credential(
        &self,
        env: &Env,
        actor: String,
        id: String,
    ) -> napi::Result<String> {
        self.inner
            .reveal_media_credential(&actor, &id)
            .or_throw(env)
    }

    /// One media account; throws `'not_found'` for an unknown id.
    #[napi(strict, catch_unwind)]
    pub fn media_account(&self, env: &Env, id: String) -> napi::Result<MediaAccount> {
        self.inner
            .media_account(&id)
            .map(MediaAccount::from)
            .or_throw(env)
    }

    /// Every media account, retired ones included, by id.
    #[napi(strict, catch_unwind)]
    pub fn media_accounts(&self, env: &Env) -> napi::Result<Vec<MediaAccount>> {
        self.inner.media_accounts().map(all).or_throw(env)
    }

    /// Accounts without interaction for the policy's `zombie_after_months` as
    /// of `asOf` (default: now), longest idle first. Retired accounts are not
    /// listed.
    #[napi(strict, catch_unwind)]
    pub fn zombie_media_accounts(
        &self,
        env: &Env,
        as_of: Option<Date>,
    ) -> napi::Result<Vec<ZombieAccount>> {
        utc_or(as_of, "asOf", || self.inner.now())
            .and_then(|t| self.inner.zombie_media_accounts(t))
            .map(all)
            .or_throw(env)
    }
}
