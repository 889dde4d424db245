//! The one error type of brandrail.
//!
//! Every fallible call returns [`Error`]. Each variant has a stable machine code
//! ([`Error::code`]) that the bindings map to a host type: a `BrandrailError`
//! subclass in Python, an `Error` with `.code` in Node, a case of the uniffi error
//! enum in Swift/Kotlin. Messages name the field and the problem; they never
//! repeat a raw personal value (a phone number, a name, a secret).

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

crate::access::named_enum! {
    /// Why a principal was refused.
    DenialReason, "reason" {
        /// The principal does not exist.
        UnknownPrincipal => "unknown_principal",
        /// The principal was deactivated (ACC-3) and may do nothing.
        Deactivated => "deactivated",
        /// None of the principal's roles carries the permission (ACC-4).
        MissingPermission => "missing_permission",
        /// The permission is reserved to certain departments (ACC-2: account
        /// administration is IT's alone) and the principal is not in one of them.
        WrongDepartment => "wrong_department",
        /// The principal is not among those who may decide this approval stage
        /// (APR-1), nor their delegate or assignee.
        NotADecider => "not_a_decider",
        /// Only the submitter may do this to an approval instance.
        NotTheSubmitter => "not_the_submitter",
        /// The asset's confidentiality label does not let the principal read
        /// it (CON-6).
        NotCleared => "not_cleared",
    }
}

/// Every way a brandrail call can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The acting principal may not do this (ACC-4). The attempt was audited and
    /// nothing else changed.
    #[error("permission denied: principal '{principal}' may not {permission} ({reason})")]
    PermissionDenied {
        /// Handle of the acting principal.
        principal: String,
        /// The permission that was required, e.g. `principal.manage`.
        permission: String,
        /// Why it was refused.
        reason: DenialReason,
    },

    /// Separation of duties (APR-3): nobody decides on their own submission,
    /// approves a stage twice, or fills two stages of one instance unless the
    /// workflow allows it. The attempt was audited and nothing else changed.
    #[error("separation of duties: {message} (principal '{principal}')")]
    SeparationOfDuties {
        /// Handle of the acting principal.
        principal: String,
        /// Which duty would be combined.
        message: String,
    },

    /// An input failed validation. `field` is a path into the input
    /// (`budget.split.fixed`, `handle`, `principals[3].display_name`).
    #[error("{field}: {message}")]
    Validation {
        /// Path of the offending field.
        field: String,
        /// What is wrong with it (never the raw value when the value is personal).
        message: String,
    },

    /// The named entity does not exist.
    #[error("{entity} '{id}' not found")]
    NotFound {
        /// Kind of entity (`principal`, `media_account`, `role`, …).
        entity: &'static str,
        /// The identifier that was looked up.
        id: String,
    },

    /// The request contradicts the current state (a duplicate handle, an
    /// operation on a deactivated account, …).
    #[error("{entity} '{id}': {message}")]
    Conflict {
        /// Kind of entity.
        entity: &'static str,
        /// Its identifier.
        id: String,
        /// What conflicts.
        message: String,
    },

    /// A governance rule of the policy forbids the request.
    #[error("policy rule {rule}: {message}")]
    PolicyViolation {
        /// Rule ID from DOMAIN.md, e.g. `ACC-3`.
        rule: &'static str,
        /// What the rule forbids here.
        message: String,
    },

    /// The engine is missing a setting this call needs (e.g. an encryption key).
    #[error("configuration: {message}")]
    Configuration {
        /// What is missing.
        message: String,
    },

    /// The file is not a brandrail database, or was written by a newer version.
    /// Nothing in the file was changed.
    #[error("incompatible database: {message}")]
    IncompatibleDatabase {
        /// What was found.
        message: String,
    },

    /// The database file is damaged (truncated, overwritten).
    #[error("corrupt database: {message}")]
    Corrupt {
        /// What SQLite reported.
        message: String,
    },

    /// A verified artefact (a backup, the audit chain) failed its integrity check.
    #[error("integrity check failed at audit record {seq}: {message}")]
    Integrity {
        /// First audit sequence number that failed.
        seq: i64,
        /// What failed.
        message: String,
    },

    /// Another writer held the database longer than the busy timeout.
    #[error("database busy: {message}")]
    Busy {
        /// What SQLite reported.
        message: String,
    },

    /// Any other storage failure.
    #[error("storage: {message}")]
    Storage {
        /// What SQLite reported.
        message: String,
    },

    /// A file-system operation failed.
    #[error("io: {message}")]
    Io {
        /// What failed, with the path.
        message: String,
    },
}

impl Error {
    /// The message without the field a validation error names (for reports
    /// that name the field themselves); other errors as displayed.
    pub(crate) fn into_message(self) -> String {
        match self {
            Error::Validation { message, .. } => message,
            other => other.to_string(),
        }
    }

    /// The stable machine code of this error. Bindings key their host error types
    /// on it; it never changes once released.
    pub fn code(&self) -> &'static str {
        match self {
            Error::PermissionDenied { .. } => "permission_denied",
            Error::SeparationOfDuties { .. } => "separation_of_duties",
            Error::Validation { .. } => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::PolicyViolation { .. } => "policy_violation",
            Error::Configuration { .. } => "configuration",
            Error::IncompatibleDatabase { .. } => "incompatible_database",
            Error::Corrupt { .. } => "corrupt",
            Error::Integrity { .. } => "integrity",
            Error::Busy { .. } => "busy",
            Error::Storage { .. } => "storage",
            Error::Io { .. } => "io",
        }
    }

    /// Every code [`Error::code`] can return, for bindings and documentation.
    pub const CODES: &'static [&'static str] = &[
        "permission_denied",
        "separation_of_duties",
        "validation",
        "not_found",
        "conflict",
        "policy_violation",
        "configuration",
        "incompatible_database",
        "corrupt",
        "integrity",
        "busy",
        "storage",
        "io",
    ];

    /// True for refusals of the actor (permission, separation of duties): they
    /// are audited even though the call changes nothing.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            Error::PermissionDenied { .. } | Error::SeparationOfDuties { .. }
        )
    }

    pub(crate) fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub(crate) fn not_found(entity: &'static str, id: impl Into<String>) -> Self {
        Error::NotFound {
            entity,
            id: id.into(),
        }
    }

    pub(crate) fn conflict(
        entity: &'static str,
        id: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Conflict {
            entity,
            id: id.into(),
            message: message.into(),
        }
    }

    pub(crate) fn io(context: impl std::fmt::Display, err: std::io::Error) -> Self {
        Error::Io {
            message: format!("{context}: {err}"),
        }
    }
}

impl From<rusqlite::Error> for Error {
    fn from(err: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let message = err.to_string();
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::Busy { message },
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                Error::Corrupt { message }
            }
            _ => Error::Storage { message },
        }
    }
}
