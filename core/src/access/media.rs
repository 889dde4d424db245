//! Managed media accounts (ACC-5): registry with owner team and custodian,
//! credentials encrypted at rest, interactions, retirement and the zombie report.

use chrono::{DateTime, Duration, Months, Utc};

use super::{MediaAccount, NewMediaAccount, Permission, ZombieAccount};
use crate::audit::Entry;
use crate::error::{Error, Result};
use crate::{Attempt, Ctx, Engine, store, validate};

/// Longest credential accepted, in bytes.
const MAX_CREDENTIAL_BYTES: usize = 4096;
/// How far ahead of the engine clock an interaction time may lie (clock skew).
const MAX_FUTURE_SKEW_MINUTES: i64 = 5;

fn credential_context(id: &str) -> String {
    format!("brandrail.media_account.credential:{id}")
}

fn load(ctx: &Ctx<'_>, id: &str) -> Result<MediaAccount> {
    store::access::media_account(ctx.tx, id)?
        .ok_or_else(|| Error::not_found("media_account", crate::audit_safe(id)))
}

fn active_custodian(ctx: &Ctx<'_>, handle: &str) -> Result<()> {
    match store::access::principal(ctx.tx, handle)? {
        None => Err(Error::not_found("principal", crate::audit_safe(handle))),
        Some(p) if !p.active => Err(Error::conflict(
            "principal",
            handle,
            "is deactivated and cannot be a custodian",
        )),
        Some(_) => Ok(()),
    }
}

impl Engine {
    /// Register a managed account (ACC-5; needs `media_account.manage`). A
    /// credential, if given, is encrypted with the engine's secret key and never
    /// stored in clear; without a key it is refused.
    pub fn register_media_account(
        &self,
        actor: &str,
        input: NewMediaAccount,
    ) -> Result<MediaAccount> {
        self.mutate(
            actor,
            Permission::MediaAccountManage,
            Attempt::new("media_account.register", "media_account", &input.id),
            |ctx| {
                validate::identifier("id", &input.id)?;
                validate::display_text("display_name", &input.display_name)?;
                if let Some(c) = &input.credential {
                    if c.is_empty() || c.len() > MAX_CREDENTIAL_BYTES {
                        return Err(Error::validation(
                            "credential",
                            format!("must be 1 to {MAX_CREDENTIAL_BYTES} bytes"),
                        ));
                    }
                    self.secret_key()?;
                }
                if store::access::media_account(ctx.tx, &input.id)?.is_some() {
                    return Err(Error::conflict(
                        "media_account",
                        &input.id,
                        "already registered",
                    ));
                }
                active_custodian(ctx, &input.custodian)?;
                let sealed = match &input.credential {
                    Some(c) => Some(
                        self.secret_key()?
                            .seal(&credential_context(&input.id), c.as_bytes())?,
                    ),
                    None => None,
                };
                let account = MediaAccount {
                    id: input.id.clone(),
                    platform: input.platform,
                    display_name: input.display_name.clone(),
                    owner_department: input.owner_department,
                    custodian: input.custodian.clone(),
                    has_credential: sealed.is_some(),
                    registered_at: ctx.now,
                    last_interaction_at: None,
                    retired_at: None,
                };
                store::access::insert_media(ctx.tx, &account, sealed.as_deref())?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "media_account.register",
                        "media_account",
                        &account.id,
                    )
                    .after(&account)
                    .with_detail(format!(
                        "platform={} custodian={}",
                        account.platform, account.custodian
                    )),
                )?;
                Ok(account)
            },
        )
    }

    /// Hand an account to a new custodian (needs `media_account.manage`).
    pub fn reassign_media_account(
        &self,
        actor: &str,
        id: &str,
        custodian: &str,
    ) -> Result<MediaAccount> {
        self.mutate(
            actor,
            Permission::MediaAccountManage,
            Attempt::new("media_account.reassign", "media_account", id),
            |ctx| {
                let before = load(ctx, id)?;
                if before.retired_at.is_some() {
                    return Err(Error::conflict("media_account", id, "is retired"));
                }
                active_custodian(ctx, custodian)?;
                store::access::set_custodian(ctx.tx, id, custodian)?;
                let after = load(ctx, id)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "media_account.reassign",
                        "media_account",
                        id,
                    )
                    .before(&before)
                    .after(&after)
                    .with_detail(format!("custodian={custodian}")),
                )?;
                Ok(after)
            },
        )
    }

    /// Record that the account was used at `at` (a post, reply or send); keeps
    /// the newest time (needs `media_account.record_activity`).
    pub fn record_media_interaction(
        &self,
        actor: &str,
        id: &str,
        at: DateTime<Utc>,
    ) -> Result<MediaAccount> {
        let mut out = self.record_media_interactions(actor, &[(id.to_owned(), at)])?;
        Ok(out.remove(0))
    }

    /// [`Engine::record_media_interaction`] for many accounts in one transaction:
    /// all or none.
    pub fn record_media_interactions(
        &self,
        actor: &str,
        interactions: &[(String, DateTime<Utc>)],
    ) -> Result<Vec<MediaAccount>> {
        let target = match interactions {
            [(id, _)] => id.as_str(),
            _ => "batch",
        };
        self.mutate(
            actor,
            Permission::MediaAccountRecordActivity,
            Attempt::new("media_account.interaction", "media_account", target),
            |ctx| {
                if interactions.is_empty() {
                    return Err(Error::validation("interactions", "must not be empty"));
                }
                let latest_allowed = ctx.now + Duration::minutes(MAX_FUTURE_SKEW_MINUTES);
                let mut out = Vec::with_capacity(interactions.len());
                for (i, (id, at)) in interactions.iter().enumerate() {
                    if *at > latest_allowed {
                        return Err(Error::validation(
                            format!("interactions[{i}].at"),
                            format!("{at} lies in the future"),
                        ));
                    }
                    let before = load(ctx, id)?;
                    if before.retired_at.is_some() {
                        return Err(Error::conflict("media_account", id, "is retired"));
                    }
                    if before.last_interaction_at.is_some_and(|last| last >= *at) {
                        out.push(before);
                        continue;
                    }
                    store::access::set_last_interaction(ctx.tx, id, *at)?;
                    let mut after = before.clone();
                    after.last_interaction_at = Some(*at);
                    ctx.record(
                        &Entry::applied(
                            &ctx.actor.handle,
                            "media_account.interaction",
                            "media_account",
                            id,
                        )
                        .before(&before)
                        .after(&after),
                    )?;
                    out.push(after);
                }
                Ok(out)
            },
        )
    }

    /// Retire an account after clean-up; its credential is destroyed (needs
    /// `media_account.manage`).
    pub fn retire_media_account(&self, actor: &str, id: &str) -> Result<MediaAccount> {
        self.mutate(
            actor,
            Permission::MediaAccountManage,
            Attempt::new("media_account.retire", "media_account", id),
            |ctx| {
                let before = load(ctx, id)?;
                if before.retired_at.is_some() {
                    return Err(Error::conflict("media_account", id, "is already retired"));
                }
                store::access::retire_media(ctx.tx, id, ctx.now)?;
                let after = load(ctx, id)?;
                ctx.record(
                    &Entry::applied(
                        &ctx.actor.handle,
                        "media_account.retire",
                        "media_account",
                        id,
                    )
                    .before(&before)
                    .after(&after),
                )?;
                Ok(after)
            },
        )
    }

    /// Decrypt an account's credential (needs `media_account.reveal_credential`;
    /// every reveal is audited).
    pub fn reveal_media_credential(&self, actor: &str, id: &str) -> Result<String> {
        let key = self.secret_key()?;
        self.mutate(
            actor,
            Permission::MediaAccountRevealCredential,
            Attempt::new("media_account.reveal_credential", "media_account", id),
            |ctx| {
                load(ctx, id)?;
                let sealed = store::access::media_credential(ctx.tx, id)?.ok_or_else(|| {
                    Error::conflict("media_account", id, "has no stored credential")
                })?;
                let plain = key.open(&credential_context(id), &sealed)?;
                let text = String::from_utf8(plain).map_err(|_| Error::Corrupt {
                    message: "stored credential is not text".into(),
                })?;
                ctx.record(&Entry::applied(
                    &ctx.actor.handle,
                    "media_account.reveal_credential",
                    "media_account",
                    id,
                ))?;
                Ok(text)
            },
        )
    }

    /// One media account.
    pub fn media_account(&self, id: &str) -> Result<MediaAccount> {
        self.read(|tx, _| {
            store::access::media_account(tx, id)?
                .ok_or_else(|| Error::not_found("media_account", crate::audit_safe(id)))
        })
    }

    /// Every media account, retired ones included, by id.
    pub fn media_accounts(&self) -> Result<Vec<MediaAccount>> {
        self.read(|tx, _| store::access::media_accounts(tx))
    }

    /// Accounts without interaction for the policy's `zombie_after_months`
    /// (6 by default) as of `as_of`, longest idle first (ACC-5). Retired
    /// accounts are not listed.
    pub fn zombie_media_accounts(&self, as_of: DateTime<Utc>) -> Result<Vec<ZombieAccount>> {
        self.read(|tx, policy| {
            let months = Months::new(policy.access.zombie_after_months);
            let cutoff = as_of
                .checked_sub_months(months)
                .ok_or_else(|| Error::validation("as_of", "is too early for the zombie window"))?;
            let mut out: Vec<ZombieAccount> = store::access::media_accounts(tx)?
                .into_iter()
                .filter(|a| a.retired_at.is_none())
                .filter_map(|a| {
                    let idle_since = a.last_interaction_at.unwrap_or(a.registered_at);
                    (idle_since <= cutoff).then(|| ZombieAccount {
                        idle_days: (as_of - idle_since).num_days(),
                        idle_since,
                        account: a,
                    })
                })
                .collect();
            out.sort_by(|a, b| {
                a.idle_since
                    .cmp(&b.idle_since)
                    .then(a.account.id.cmp(&b.account.id))
            });
            Ok(out)
        })
    }
}
