//! The one error mapping of the binding: every `brandrail::Error` becomes a
//! case of [`BrandrailError`], keyed by the core's stable code.
//!
//! Each case carries `detail`, the core's full message (which names the field
//! and the problem, never a raw personal value), plus the structured fields a
//! host can act on (a refusal's [`DenialReason`] is a native enum, so a
//! `switch` over it is exhaustive). The field is not called `message` because uniffi's Kotlin
//! output would then clash with `Throwable.message` and not compile
//! (mozilla/uniffi-rs#1434); Kotlin's `message` still shows every field.

mirror_enum! {
    /// Why a principal was refused (`BrandrailError.PermissionDenied.reason`).
    DenialReason => brandrail::DenialReason {
        /// `unknown_principal`: no principal has this handle.
        UnknownPrincipal,
        /// `deactivated`: the principal was deactivated (ACC-3) and may do nothing.
        Deactivated,
        /// `missing_permission`: none of its roles carries the permission (ACC-4).
        MissingPermission,
        /// `wrong_department`: the permission is reserved to other departments
        /// (ACC-2: account administration is IT's alone).
        WrongDepartment,
        /// `not_a_decider`: not among those who may decide this approval stage
        /// (APR-1), nor their delegate or the stage's assignee.
        NotADecider,
        /// `not_the_submitter`: only the submitter may resubmit or withdraw an approval.
        NotTheSubmitter,
        /// `not_cleared`: the asset's confidentiality label does not let the
        /// principal read it (CON-6); the refused read is audited. The
        /// `permission` is then `asset.read:<label>` (`asset.read:secret`).
        NotCleared,
    }
}

/// Every way a brandrail call can fail. One case per stable error code of the
/// core (`code()` returns it, e.g. `"permission_denied"`); `detail` is the
/// human-readable message. In Swift this is `BrandrailError`, in Kotlin
/// `BrandrailException`. A refused call changed nothing.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum BrandrailError {
    /// The acting principal may not do this (ACC-4). The attempt was audited
    /// and nothing else changed.
    #[error("{detail}")]
    PermissionDenied {
        /// Handle of the acting principal (a digest when it was not a valid handle).
        principal: String,
        /// The permission that was required, e.g. `principal.manage`.
        permission: String,
        /// Why it was refused; `reason.asStr()` gives the stable name
        /// (`missing_permission`, `not_a_decider`, …).
        reason: DenialReason,
        /// The full message.
        detail: String,
    },

    /// Separation of duties (APR-3): nobody decides on their own submission,
    /// approves a stage twice, or fills two stages of one approval unless the
    /// workflow allows it. The attempt was audited and nothing else changed.
    #[error("{detail}")]
    SeparationOfDuties {
        /// Handle of the acting principal.
        principal: String,
        /// The full message.
        detail: String,
    },

    /// An input failed validation.
    #[error("{detail}")]
    Validation {
        /// Path of the offending field (`handle`, `principals[3].display_name`,
        /// `budget.split.fixed`).
        field: String,
        /// The full message: the field and what is wrong with it.
        detail: String,
    },

    /// The named entity does not exist.
    #[error("{detail}")]
    NotFound {
        /// Kind of entity: `principal`, `media_account`, …
        entity: String,
        /// The full message.
        detail: String,
    },

    /// The request contradicts the current state (a duplicate handle, an
    /// operation on a deactivated principal or a retired account, …).
    #[error("{detail}")]
    Conflict {
        /// Kind of entity: `principal`, `media_account`, `engine`, `backup`, …
        entity: String,
        /// The full message.
        detail: String,
    },

    /// A governance rule of the policy forbids the request.
    #[error("{detail}")]
    PolicyViolation {
        /// Rule ID, e.g. `ACC-2`.
        rule: String,
        /// The full message.
        detail: String,
    },

    /// The engine lacks a setting this call needs (e.g. the secret key).
    #[error("{detail}")]
    Configuration {
        /// The full message.
        detail: String,
    },

    /// The file is not a brandrail database, or a newer version wrote it.
    /// Nothing in the file was changed.
    #[error("{detail}")]
    IncompatibleDatabase {
        /// The full message.
        detail: String,
    },

    /// The database file is damaged.
    #[error("{detail}")]
    Corrupt {
        /// The full message.
        detail: String,
    },

    /// A verified artefact (a backup, the audit chain) failed its integrity check.
    #[error("{detail}")]
    Integrity {
        /// The first audit sequence number that failed.
        seq: i64,
        /// The full message.
        detail: String,
    },

    /// Another writer held the database longer than the busy timeout.
    #[error("{detail}")]
    Busy {
        /// The full message.
        detail: String,
    },

    /// Any other storage failure.
    #[error("{detail}")]
    Storage {
        /// The full message.
        detail: String,
    },

    /// A file-system operation failed.
    #[error("{detail}")]
    Io {
        /// The full message, with the path.
        detail: String,
    },
}

#[uniffi::export]
impl BrandrailError {
    /// The stable machine code of this error (`"permission_denied"`,
    /// `"validation"`, `"not_found"`, …); it never changes once released.
    pub fn code(&self) -> String {
        self.code_str().to_owned()
    }
}

impl BrandrailError {
    pub(crate) fn code_str(&self) -> &'static str {
        match self {
            BrandrailError::PermissionDenied { .. } => "permission_denied",
            BrandrailError::SeparationOfDuties { .. } => "separation_of_duties",
            BrandrailError::Validation { .. } => "validation",
            BrandrailError::NotFound { .. } => "not_found",
            BrandrailError::Conflict { .. } => "conflict",
            BrandrailError::PolicyViolation { .. } => "policy_violation",
            BrandrailError::Configuration { .. } => "configuration",
            BrandrailError::IncompatibleDatabase { .. } => "incompatible_database",
            BrandrailError::Corrupt { .. } => "corrupt",
            BrandrailError::Integrity { .. } => "integrity",
            BrandrailError::Busy { .. } => "busy",
            BrandrailError::Storage { .. } => "storage",
            BrandrailError::Io { .. } => "io",
        }
    }
}

impl From<brandrail::Error> for BrandrailError {
    fn from(err: brandrail::Error) -> Self {
        use brandrail::Error as E;
        let detail = err.to_string();
        match err {
            E::PermissionDenied {
                principal,
                permission,
                reason,
                ..
            } => BrandrailError::PermissionDenied {
                principal,
                permission,
                reason: reason.into(),
                detail,
            },
            E::SeparationOfDuties { principal, .. } => {
                BrandrailError::SeparationOfDuties { principal, detail }
            }
            E::Validation { field, .. } => BrandrailError::Validation { field, detail },
            E::NotFound { entity, .. } => BrandrailError::NotFound {
                entity: entity.to_owned(),
                detail,
            },
            E::Conflict { entity, .. } => BrandrailError::Conflict {
                entity: entity.to_owned(),
                detail,
            },
            E::PolicyViolation { rule, .. } => BrandrailError::PolicyViolation {
                rule: rule.to_owned(),
                detail,
            },
            E::Configuration { .. } => BrandrailError::Configuration { detail },
            E::IncompatibleDatabase { .. } => BrandrailError::IncompatibleDatabase { detail },
            E::Corrupt { .. } => BrandrailError::Corrupt { detail },
            E::Integrity { seq, .. } => BrandrailError::Integrity { seq, detail },
            E::Busy { .. } => BrandrailError::Busy { detail },
            E::Storage { .. } => BrandrailError::Storage { detail },
            E::Io { .. } => BrandrailError::Io { detail },
            // `brandrail::Error` is `#[non_exhaustive]`. A variant added later
            // still reaches the host as an error, never a panic; the test
            // below fails until it gets its own case here.
            _ => BrandrailError::Storage { detail },
        }
    }
}

/// Every stable error code, in the core's order (`brandrail::Error::CODES`).
#[uniffi::export]
pub fn error_codes() -> Vec<String> {
    brandrail::Error::CODES
        .iter()
        .map(|c| (*c).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use brandrail::Error;

    use super::*;

    fn one_of_each() -> Vec<Error> {
        let m = || "m".to_owned();
        vec![
            Error::PermissionDenied {
                principal: "li.na".into(),
                permission: "principal.manage".into(),
                reason: brandrail::DenialReason::WrongDepartment,
            },
            Error::SeparationOfDuties {
                principal: "li.na".into(),
                message: m(),
            },
            Error::Validation {
                field: "handle".into(),
                message: m(),
            },
            Error::NotFound {
                entity: "principal",
                id: "ghost".into(),
            },
            Error::Conflict {
                entity: "principal",
                id: "li.na".into(),
                message: m(),
            },
            Error::PolicyViolation {
                rule: "ACC-2",
                message: m(),
            },
            Error::Configuration { message: m() },
            Error::IncompatibleDatabase { message: m() },
            Error::Corrupt { message: m() },
            Error::Integrity {
                seq: 7,
                message: m(),
            },
            Error::Busy { message: m() },
            Error::Storage { message: m() },
            Error::Io { message: m() },
        ]
    }

    #[test]
    fn every_core_code_has_its_own_case() {
        let errors = one_of_each();
        let codes: Vec<&str> = errors.iter().map(Error::code).collect();
        assert_eq!(codes, Error::CODES, "a core error code has no case here");
        for err in errors {
            let code = err.code();
            let message = err.to_string();
            let mapped = BrandrailError::from(err);
            assert_eq!(mapped.code_str(), code);
            assert_eq!(mapped.to_string(), message);
        }
    }

    #[test]
    fn structured_fields_survive() {
        let mut errors = one_of_each().into_iter().map(BrandrailError::from);
        match errors.next() {
            Some(BrandrailError::PermissionDenied {
                principal,
                permission,
                reason,
                ..
            }) => {
                assert_eq!(principal, "li.na");
                assert_eq!(permission, "principal.manage");
                assert_eq!(reason, DenialReason::WrongDepartment);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            errors.nth(8),
            Some(BrandrailError::Integrity { seq: 7, .. })
        ));
    }

    #[test]
    fn every_denial_reason_keeps_its_name() {
        for core in brandrail::DenialReason::ALL {
            let mirrored = DenialReason::from(*core);
            assert_eq!(mirrored.as_str(), core.as_str());
            assert_eq!(brandrail::DenialReason::from(mirrored), *core);
        }
    }

    #[test]
    fn error_codes_lists_the_core_codes() {
        assert_eq!(error_codes(), Error::CODES);
    }
}
