"""brandrail: a company's marketing-governance policy as executable code.

One :class:`Engine` over one SQLite database enforces who may do what
(principals, departments, roles, permissions), manages media accounts, keeps
the versioned :class:`Policy` document and a tamper-evident audit log with
verified backups. The same Rust engine runs behind the Python, Node and
Swift/Kotlin bindings, so behaviour is identical everywhere.

>>> import brandrail
>>> engine = brandrail.Engine.in_memory()
>>> admin = engine.bootstrap(handle="it.admin", display_name="IT Admin", department="it")
>>> engine.create_principal("it.admin", handle="li.na", display_name="Li Na",
...                         department="marketing").roles
['marketing_staff']
>>> engine.verify_audit().ok
True

Every error is a :class:`BrandrailError` subclass with a stable ``.code``;
invalid input raises :class:`ValidationError` (also a ``ValueError``), a
refused call :class:`PermissionDeniedError` (also a ``PermissionError``).
"""

from ._brandrail import (
    DEPARTMENTS,
    ERROR_CODES,
    PERMISSIONS,
    PLATFORMS,
    AuditRecord,
    AuditVerification,
    BackupReport,
    BackupStatus,
    BrandrailError,
    BrandrailIOError,
    BusyError,
    ConfigurationError,
    ConflictError,
    CorruptDatabaseError,
    Deactivation,
    Engine,
    IncompatibleDatabaseError,
    IntegrityError,
    MediaAccount,
    NewPrincipal,
    NotFoundError,
    PermissionDeniedError,
    Policy,
    PolicyVersion,
    PolicyViolationError,
    Principal,
    SeparationOfDutiesError,
    RestoreReport,
    StorageError,
    ValidationError,
    ZombieAccount,
    __version__,
)

__all__ = [
    # the engine and its inputs
    "Engine",
    "NewPrincipal",
    "Policy",
    # results
    "AuditRecord",
    "AuditVerification",
    "BackupReport",
    "BackupStatus",
    "Deactivation",
    "MediaAccount",
    "PolicyVersion",
    "Principal",
    "RestoreReport",
    "ZombieAccount",
    # value sets
    "DEPARTMENTS",
    "ERROR_CODES",
    "PERMISSIONS",
    "PLATFORMS",
    # errors
    "BrandrailError",
    "BrandrailIOError",
    "BusyError",
    "ConfigurationError",
    "ConflictError",
    "CorruptDatabaseError",
    "IncompatibleDatabaseError",
    "IntegrityError",
    "NotFoundError",
    "PermissionDeniedError",
    "PolicyViolationError",
    "SeparationOfDutiesError",
    "StorageError",
    "ValidationError",
    "__version__",
]
