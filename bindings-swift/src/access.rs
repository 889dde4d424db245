//! Accounts, roles and permissions (ACC-1..ACC-5): the departments, platforms
//! and permissions as native enums, principals and managed media accounts as
//! records, and the engine methods that manage them.

use std::time::SystemTime;

use crate::engine::Engine;
use crate::error::BrandrailError;
use crate::{all, system_time, system_time_opt, utc};

mirror_enum! {
    /// The departments of ACC-1. Every principal belongs to exactly one.
    Department => brandrail::Department {
        /// `marketing`
        Marketing,
        /// `brand`
        Brand,
        /// `it`: the only department that administers accounts by default (ACC-2).
        It,
        /// `sales`
        Sales,
        /// `customer_service`
        CustomerService,
        /// `pr`
        Pr,
        /// `legal`
        Legal,
        /// `finance`
        Finance,
        /// `hr`
        Hr,
        /// `admin`
        Admin,
        /// `executive`: the decision layer.
        Executive,
    }
    /// The department with this stable name (e.g. `customer_service`);
    /// a `Validation` error listing the valid names otherwise.
    fn parse_department;
}

mirror_enum! {
    /// Platforms of managed media accounts (ACC-5).
    Platform => brandrail::Platform {
        /// `wechat_official_account`
        WechatOfficialAccount,
        /// `wechat_channels`
        WechatChannels,
        /// `weibo`
        Weibo,
        /// `douyin`
        Douyin,
        /// `xiaohongshu`
        Xiaohongshu,
        /// `zhihu`
        Zhihu,
        /// `bilibili`
        Bilibili,
        /// `email_sender`
        EmailSender,
        /// `sms_sender`
        SmsSender,
        /// `other`
        Other,
    }
    /// The platform with this stable name (e.g. `wechat_official_account`);
    /// a `Validation` error listing the valid names otherwise.
    fn parse_platform;
}

mirror_enum! {
    /// Everything a role can allow. Roles are policy data; permissions are the
    /// fixed vocabulary the engine checks (ACC-1, ACC-4).
    Permission => brandrail::Permission {
        /// `principal.manage`: create and deactivate principals (ACC-2; IT only).
        PrincipalManage,
        /// `role.grant`: grant and revoke roles (ACC-2; IT only).
        RoleGrant,
        /// `policy.replace`: install a new policy document.
        PolicyReplace,
        /// `media_account.manage`: register, re-assign and retire media accounts (ACC-5).
        MediaAccountManage,
        /// `media_account.record_activity`: record an interaction (ACC-5).
        MediaAccountRecordActivity,
        /// `media_account.reveal_credential`: read a stored credential.
        MediaAccountRevealCredential,
        /// `audit.read`: query the audit log (AUD-4).
        AuditRead,
        /// `audit.backup`: take backups (AUD-3).
        AuditBackup,
        /// `audit.restore`: restore from a backup (AUD-3).
        AuditRestore,
        /// `content.create`
        ContentCreate,
        /// `content.edit`
        ContentEdit,
        /// `content.review_brand`
        ContentReviewBrand,
        /// `content.review_legal`
        ContentReviewLegal,
        /// `content.schedule`
        ContentSchedule,
        /// `content.publish`
        ContentPublish,
        /// `asset.manage`
        AssetManage,
        /// `approval.submit`
        ApprovalSubmit,
        /// `approval.administer`
        ApprovalAdminister,
        /// `campaign.manage`
        CampaignManage,
        /// `campaign.read`
        CampaignRead,
        /// `metrics.ingest`
        MetricsIngest,
        /// `crm.ingest`
        CrmIngest,
        /// `crm.read`
        CrmRead,
        /// `crm.read_sensitive`: read general-class customer fields unmasked (CRM-6).
        CrmReadSensitive,
        /// `crm.merge`
        CrmMerge,
        /// `segment.manage`: define and delete customer segments (CRM-4).
        SegmentManage,
        /// `crm.export`
        CrmExport,
        /// `crm.erase`
        CrmErase,
        /// `consent.manage`
        ConsentManage,
        /// `service.handle`
        ServiceHandle,
        /// `opinion.handle`
        OpinionHandle,
        /// `budget.draft`
        BudgetDraft,
        /// `budget.consolidate`
        BudgetConsolidate,
        /// `budget.approve`
        BudgetApprove,
        /// `budget.spend`
        BudgetSpend,
        /// `expense.submit`
        ExpenseSubmit,
        /// `expense.check`
        ExpenseCheck,
        /// `expense.pay`
        ExpensePay,
        /// `scorecard.evaluate`
        ScorecardEvaluate,
        /// `supervision.record`
        SupervisionRecord,
        /// `training.manage`
        TrainingManage,
    }
    /// The permission with this stable name (e.g. `principal.manage`);
    /// a `Validation` error listing the valid names otherwise.
    fn parse_permission;
}

/// A member of staff. Accounts are personal (ACC-2): every action is
/// attributed to exactly one principal, named by its `handle`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Principal {
    /// Login-style identifier, unique, `[a-z0-9._-]`, 2–64 characters.
    pub handle: String,
    /// Name shown to people.
    pub display_name: String,
    /// The one department the principal belongs to.
    pub department: Department,
    /// Roles held, sorted.
    pub roles: Vec<String>,
    /// False once deactivated (ACC-3).
    pub active: bool,
    /// When the account was created.
    pub created_at: SystemTime,
    /// When it was deactivated, if it was.
    pub deactivated_at: Option<SystemTime>,
}

impl From<brandrail::Principal> for Principal {
    fn from(p: brandrail::Principal) -> Self {
        Self {
            handle: p.handle,
            display_name: p.display_name,
            department: p.department.into(),
            roles: p.roles,
            active: p.active,
            created_at: system_time(p.created_at),
            deactivated_at: system_time_opt(p.deactivated_at),
        }
    }
}

/// Input for creating a principal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewPrincipal {
    /// Login-style identifier, unique, `[a-z0-9._-]`, 2–64 characters.
    pub handle: String,
    /// Name shown to people (1–200 characters, no control or invisible characters).
    pub display_name: String,
    /// The principal's department.
    pub department: Department,
    /// Roles to grant; `nil`/`null` grants the department's default roles from the policy.
    #[uniffi(default)]
    pub roles: Option<Vec<String>>,
}

impl From<NewPrincipal> for brandrail::NewPrincipal {
    fn from(p: NewPrincipal) -> Self {
        Self {
            handle: p.handle,
            display_name: p.display_name,
            department: p.department.into(),
            roles: p.roles,
        }
    }
}

/// What deactivating a principal left for others to pick up (ACC-3).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Deactivation {
    /// The principal, now inactive.
    pub principal: Principal,
    /// Ids of the media accounts it was custodian of; they need a new custodian.
    pub custodian_of: Vec<String>,
    /// Ids of the approvals whose active stage was assigned to it: unassigned
    /// (recorded in their history), back with the stage's pool of deciders.
    pub reassigned_approvals: Vec<i64>,
    /// Ids of the approvals in review whose active stage nobody active may
    /// decide any more: flagged for an administrator (change the policy or
    /// grant a role).
    pub unstaffed_approvals: Vec<i64>,
}

impl From<brandrail::Deactivation> for Deactivation {
    fn from(d: brandrail::Deactivation) -> Self {
        Self {
            principal: d.principal.into(),
            custodian_of: d.custodian_of,
            reassigned_approvals: d.reassigned_approvals,
            unstaffed_approvals: d.unstaffed_approvals,
        }
    }
}

/// A managed media or messaging account (ACC-5).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MediaAccount {
    /// Identifier chosen at registration, `[a-z0-9._-]`.
    pub id: String,
    /// Where the account lives.
    pub platform: Platform,
    /// The account's public name.
    pub display_name: String,
    /// The team that owns it.
    pub owner_department: Department,
    /// Handle of the principal who keeps its credentials.
    pub custodian: String,
    /// Whether an (encrypted) credential is stored.
    pub has_credential: bool,
    /// When it was registered.
    pub registered_at: SystemTime,
    /// The last recorded interaction (post, reply, send), if any.
    pub last_interaction_at: Option<SystemTime>,
    /// When it was retired, if it was.
    pub retired_at: Option<SystemTime>,
}

impl From<brandrail::MediaAccount> for MediaAccount {
    fn from(a: brandrail::MediaAccount) -> Self {
        Self {
            id: a.id,
            platform: a.platform.into(),
            display_name: a.display_name,
            owner_department: a.owner_department.into(),
            custodian: a.custodian,
            has_credential: a.has_credential,
            registered_at: system_time(a.registered_at),
            last_interaction_at: system_time_opt(a.last_interaction_at),
            retired_at: system_time_opt(a.retired_at),
        }
    }
}

/// Input for registering a media account.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct NewMediaAccount {
    /// Identifier, `[a-z0-9._-]`, 2–64 characters.
    pub id: String,
    /// Where the account lives.
    pub platform: Platform,
    /// The account's public name.
    pub display_name: String,
    /// The team that owns it.
    pub owner_department: Department,
    /// Handle of an active principal who keeps its credentials.
    pub custodian: String,
    /// A password or token (1–4096 bytes); stored only encrypted with the
    /// engine's secret key, and refused when the engine has none.
    #[uniffi(default)]
    pub credential: Option<String>,
}

impl From<NewMediaAccount> for brandrail::NewMediaAccount {
    fn from(a: NewMediaAccount) -> Self {
        Self {
            id: a.id,
            platform: a.platform.into(),
            display_name: a.display_name,
            owner_department: a.owner_department.into(),
            custodian: a.custodian,
            credential: a.credential,
        }
    }
}

/// One interaction to record: which account, and when it was used.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct MediaInteraction {
    /// The media account's id.
    pub id: String,
    /// When it was used (a post, reply or send).
    pub at: SystemTime,
}

/// A media account idle for longer than the policy allows (ACC-5).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ZombieAccount {
    /// The account.
    pub account: MediaAccount,
    /// Its last interaction, or its registration when it never had one.
    pub idle_since: SystemTime,
    /// Whole days idle at the report's date.
    pub idle_days: i64,
}

impl From<brandrail::ZombieAccount> for ZombieAccount {
    fn from(z: brandrail::ZombieAccount) -> Self {
        Self {
            account: z.account.into(),
            idle_since: system_time(z.idle_since),
            idle_days: z.idle_days,
        }
    }
}

#[uniffi::export]
impl Engine {
    /// Create the first principal of a fresh database: an account
    /// administrator of an account-administration department (IT by default)
    /// with that department's default roles. Refused (`Conflict`) once any
    /// principal exists.
    pub fn bootstrap(&self, first_admin: NewPrincipal) -> Result<Principal, BrandrailError> {
        Ok(self.core().bootstrap(first_admin.into())?.into())
    }

    /// Create a principal (ACC-2: `actor` needs `principal.manage`, IT only).
    /// Without explicit roles it gets its department's default roles.
    pub fn create_principal(
        &self,
        actor: &str,
        input: NewPrincipal,
    ) -> Result<Principal, BrandrailError> {
        Ok(self.core().create_principal(actor, input.into())?.into())
    }

    /// Create many principals in one transaction and one FFI call: all of them
    /// or, on the first bad row (its index is in the error's `field`), none.
    pub fn create_principals(
        &self,
        actor: &str,
        inputs: Vec<NewPrincipal>,
    ) -> Result<Vec<Principal>, BrandrailError> {
        let inputs: Vec<brandrail::NewPrincipal> = all(inputs);
        Ok(all(self.core().create_principals(actor, &inputs)?))
    }

    /// Grant a role defined in the policy (ACC-2: needs `role.grant`, IT only).
    pub fn grant_role(
        &self,
        actor: &str,
        handle: &str,
        role: &str,
    ) -> Result<Principal, BrandrailError> {
        Ok(self.core().grant_role(actor, handle, role)?.into())
    }

    /// Revoke a role (needs `role.grant`). Refused when it would leave nobody
    /// able to administer accounts.
    pub fn revoke_role(
        &self,
        actor: &str,
        handle: &str,
        role: &str,
    ) -> Result<Principal, BrandrailError> {
        Ok(self.core().revoke_role(actor, handle, role)?.into())
    }

    /// Deactivate a leaver at once (ACC-3: needs `principal.manage`). From the
    /// next call on the principal is refused everything. Returns the media
    /// accounts it kept, which need a new custodian, the approvals assigned to
    /// it (now back with their stage's pool) and the approvals nobody active
    /// may decide any more. Its delegations end. Nobody deactivates
    /// themselves, and the last account administrator cannot be deactivated.
    pub fn deactivate_principal(
        &self,
        actor: &str,
        handle: &str,
    ) -> Result<Deactivation, BrandrailError> {
        Ok(self.core().deactivate_principal(actor, handle)?.into())
    }

    /// One principal; `NotFound` when there is none with this handle.
    pub fn principal(&self, handle: &str) -> Result<Principal, BrandrailError> {
        Ok(self.core().principal(handle)?.into())
    }

    /// Every principal, active or not, ordered by handle.
    pub fn principals(&self) -> Result<Vec<Principal>, BrandrailError> {
        Ok(all(self.core().principals()?))
    }

    /// What `handle` may do now under the policy in force (empty when deactivated).
    pub fn permissions_of(&self, handle: &str) -> Result<Vec<Permission>, BrandrailError> {
        Ok(all(self.core().permissions_of(handle)?))
    }

    /// Whether `handle` may use `permission` now; false for unknown principals.
    pub fn can(&self, handle: &str, permission: Permission) -> Result<bool, BrandrailError> {
        Ok(self.core().can(handle, permission.into())?)
    }

    /// Register a managed account (ACC-5; needs `media_account.manage`). A
    /// credential is encrypted with the engine's secret key and never stored
    /// in clear; without a key it is refused (`Configuration`).
    pub fn register_media_account(
        &self,
        actor: &str,
        input: NewMediaAccount,
    ) -> Result<MediaAccount, BrandrailError> {
        Ok(self
            .core()
            .register_media_account(actor, input.into())?
            .into())
    }

    /// Hand an account to a new, active custodian (needs `media_account.manage`).
    pub fn reassign_media_account(
        &self,
        actor: &str,
        id: &str,
        custodian: &str,
    ) -> Result<MediaAccount, BrandrailError> {
        Ok(self
            .core()
            .reassign_media_account(actor, id, custodian)?
            .into())
    }

    /// Record that the account was used at `at` (a post, reply or send); the
    /// newest time is kept (needs `media_account.record_activity`).
    pub fn record_media_interaction(
        &self,
        actor: &str,
        id: &str,
        at: SystemTime,
    ) -> Result<MediaAccount, BrandrailError> {
        let at = utc("at", at)?;
        Ok(self.core().record_media_interaction(actor, id, at)?.into())
    }

    /// Record many interactions in one transaction and one FFI call: all or none.
    pub fn record_media_interactions(
        &self,
        actor: &str,
        interactions: Vec<MediaInteraction>,
    ) -> Result<Vec<MediaAccount>, BrandrailError> {
        let interactions = interactions
            .into_iter()
            .enumerate()
            .map(|(i, m)| Ok((m.id, utc(&format!("interactions[{i}].at"), m.at)?)))
            .collect::<Result<Vec<_>, BrandrailError>>()?;
        Ok(all(self
            .core()
            .record_media_interactions(actor, &interactions)?))
    }

    /// Retire an account after clean-up; its credential is destroyed (needs
    /// `media_account.manage`).
    pub fn retire_media_account(
        &self,
        actor: &str,
        id: &str,
    ) -> Result<MediaAccount, BrandrailError> {
        Ok(self.core().retire_media_account(actor, id)?.into())
    }

    /// Decrypt an account's credential (needs
    /// `media_account.reveal_credential`; every reveal is audited).
    pub fn reveal_media_credential(&self, actor: &str, id: &str) -> Result<String, BrandrailError> {
        Ok(self.core().reveal_media_credential(actor, id)?)
    }

    /// One media account; `NotFound` when there is none with this id.
    pub fn media_account(&self, id: &str) -> Result<MediaAccount, BrandrailError> {
        Ok(self.core().media_account(id)?.into())
    }

    /// Every media account, retired ones included, ordered by id.
    pub fn media_accounts(&self) -> Result<Vec<MediaAccount>, BrandrailError> {
        Ok(all(self.core().media_accounts()?))
    }

    /// Accounts without interaction for the policy's `zombie_after_months`
    /// (6 by default) as of `as_of` (default: the engine clock's now), longest
    /// idle first (ACC-5). Retired accounts are not listed.
    #[uniffi::method(default(as_of = None))]
    pub fn zombie_media_accounts(
        &self,
        as_of: Option<SystemTime>,
    ) -> Result<Vec<ZombieAccount>, BrandrailError> {
        let as_of = match as_of {
            Some(t) => utc("as_of", t)?,
            None => self.core().now(),
        };
        Ok(all(self.core().zombie_media_accounts(as_of)?))
    }
}
