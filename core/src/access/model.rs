//! Departments, permissions and the records of principals and media accounts.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// Declares a closed set of string-named values: the enum, `as_str`, `ALL`,
/// `FromStr` (whose error lists the valid names) and `Display`.
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[doc = concat!("`", $text, "`")] #[serde(rename = $text)] $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable name used in policies, storage and bindings.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::Error;
            fn from_str(s: &str) -> Result<Self, $crate::error::Error> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err($crate::error::Error::validation(
                        $what,
                        format!(
                            "'{}' is not one of: {}",
                            crate::validate::printable(s),
                            [$($text),+].join(", ")
                        ),
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use named_enum;

named_enum! {
    /// The departments of ACC-1. Principals belong to exactly one.
    Department, "department" {
        Marketing => "marketing",
        Brand => "brand",
        It => "it",
        Sales => "sales",
        CustomerService => "customer_service",
        Pr => "pr",
        Legal => "legal",
        Finance => "finance",
        Hr => "hr",
        Admin => "admin",
        /// The decision layer.
        Executive => "executive",
    }
}

named_enum! {
    /// Everything a role can allow. Roles are policy data; permissions are the
    /// fixed vocabulary the engine checks (ACC-1, ACC-4).
    Permission, "permission" {
        /// Create and deactivate principals (ACC-2; IT only).
        PrincipalManage => "principal.manage",
        /// Grant and revoke roles (ACC-2; IT only).
        RoleGrant => "role.grant",
        /// Replace the policy document.
        PolicyReplace => "policy.replace",
        /// Register, re-assign and retire managed media accounts (ACC-5).
        MediaAccountManage => "media_account.manage",
        /// Record an interaction on a managed media account (ACC-5).
        MediaAccountRecordActivity => "media_account.record_activity",
        /// Read a media account's stored credential.
        MediaAccountRevealCredential => "media_account.reveal_credential",
        /// Query the audit log (AUD-4).
        AuditRead => "audit.read",
        /// Take backups (AUD-3).
        AuditBackup => "audit.backup",
        /// Restore from a backup (AUD-3).
        AuditRestore => "audit.restore",
        ContentCreate => "content.create",
        ContentEdit => "content.edit",
        ContentReviewBrand => "content.review_brand",
        ContentReviewLegal => "content.review_legal",
        ContentSchedule => "content.schedule",
        ContentPublish => "content.publish",
        AssetManage => "asset.manage",
        /// Submit anything for approval.
        ApprovalSubmit => "approval.submit",
        /// Assign approval stages and escalate overdue ones (APR-4).
        ApprovalAdminister => "approval.administer",
        CampaignManage => "campaign.manage",
        CampaignRead => "campaign.read",
        MetricsIngest => "metrics.ingest",
        CrmIngest => "crm.ingest",
        CrmRead => "crm.read",
        /// Clearance to read general-class customer fields unmasked (CRM-6).
        CrmReadSensitive => "crm.read_sensitive",
        CrmMerge => "crm.merge",
        /// Define and delete customer segments (CRM-4).
        SegmentManage => "segment.manage",
        CrmExport => "crm.export",
        CrmErase => "crm.erase",
        ConsentManage => "consent.manage",
        ServiceHandle => "service.handle",
        OpinionHandle => "opinion.handle",
        BudgetDraft => "budget.draft",
        BudgetConsolidate => "budget.consolidate",
        BudgetApprove => "budget.approve",
        BudgetSpend => "budget.spend",
        ExpenseSubmit => "expense.submit",
        ExpenseCheck => "expense.check",
        ExpensePay => "expense.pay",
        ScorecardEvaluate => "scorecard.evaluate",
        SupervisionRecord => "supervision.record",
        TrainingManage => "training.manage",
    }
}

named_enum! {
    /// Platforms of managed media accounts (ACC-5).
    Platform, "platform" {
        WechatOfficialAccount => "wechat_official_account",
        WechatChannels => "wechat_channels",
        Weibo => "weibo",
        Douyin => "douyin",
        Xiaohongshu => "xiaohongshu",
        Zhihu => "zhihu",
        Bilibili => "bilibili",
        EmailSender => "email_sender",
        SmsSender => "sms_sender",
        Other => "other",
    }
}

/// A member of staff. Accounts are personal (ACC-2): every action is attributed
/// to exactly one principal, named by its `handle`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
    pub created_at: DateTime<Utc>,
    /// When it was deactivated, if it was.
    pub deactivated_at: Option<DateTime<Utc>>,
}

/// Input for creating a principal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPrincipal {
    /// See [`Principal::handle`].
    pub handle: String,
    /// See [`Principal::display_name`].
    pub display_name: String,
    /// The principal's department.
    pub department: Department,
    /// Roles to grant; `None` grants the department's default roles from the policy.
    pub roles: Option<Vec<String>>,
}

impl NewPrincipal {
    /// A principal with its department's default roles.
    pub fn new(
        handle: impl Into<String>,
        display_name: impl Into<String>,
        department: Department,
    ) -> Self {
        Self {
            handle: handle.into(),
            display_name: display_name.into(),
            department,
            roles: None,
        }
    }

    /// The same principal with exactly these roles instead of the defaults.
    pub fn with_roles<I, S>(mut self, roles: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.roles = Some(roles.into_iter().map(Into::into).collect());
        self
    }
}

/// What deactivating a principal left for others to pick up (ACC-3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deactivation {
    /// The principal, now inactive.
    pub principal: Principal,
    /// Media accounts the principal was custodian of: they need a new custodian.
    pub custodian_of: Vec<String>,
    /// Approval instances whose active stage was assigned to the principal:
    /// unassigned, back with the stage's pool of deciders.
    pub reassigned_approvals: Vec<i64>,
    /// Approval instances in review whose active stage nobody active may
    /// decide any more: flagged for an administrator (change the policy or
    /// grant a role).
    pub unstaffed_approvals: Vec<i64>,
}

/// A managed media or messaging account (ACC-5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MediaAccount {
    /// Identifier chosen at registration, `[a-z0-9._-]`.
    pub id: String,
    /// Where the account lives.
    pub platform: Platform,
    /// The account's public name.
    pub display_name: String,
    /// The team that owns it.
    pub owner_department: Department,
    /// The principal who keeps its credentials.
    pub custodian: String,
    /// Whether an (encrypted) credential is stored.
    pub has_credential: bool,
    /// When it was registered.
    pub registered_at: DateTime<Utc>,
    /// The last recorded interaction (post, reply, send), if any.
    pub last_interaction_at: Option<DateTime<Utc>>,
    /// When it was retired, if it was.
    pub retired_at: Option<DateTime<Utc>>,
}

/// Input for registering a media account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMediaAccount {
    /// See [`MediaAccount::id`].
    pub id: String,
    /// See [`MediaAccount::platform`].
    pub platform: Platform,
    /// See [`MediaAccount::display_name`].
    pub display_name: String,
    /// See [`MediaAccount::owner_department`].
    pub owner_department: Department,
    /// Handle of an active principal.
    pub custodian: String,
    /// A password or token; stored only encrypted with the engine's key.
    pub credential: Option<String>,
}

/// A media account idle for longer than the policy allows (ACC-5).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZombieAccount {
    /// The account.
    pub account: MediaAccount,
    /// Last interaction, or registration when it never had one.
    pub idle_since: DateTime<Utc>,
    /// Whole days idle at the report's date.
    pub idle_days: i64,
}
