"""brandrail: a company's marketing-governance policy as executable code.

One :class:`Engine` over one SQLite database enforces who may do what
(principals, departments, roles, permissions), manages media accounts, runs
every review and sign-off through the approval workflows of the policy
(content review, reimbursements, ...), keeps the versioned :class:`Policy`
document and a tamper-evident audit log with verified backups, checks
marketing copy against the Advertising Law term pack and moves versioned
content items from plan through review to publication. The same Rust engine
runs behind the Python, Node and Swift/Kotlin bindings, so behaviour is
identical everywhere.

>>> import brandrail
>>> engine = brandrail.Engine.in_memory()
>>> admin = engine.bootstrap(handle="it.admin", display_name="IT Admin", department="it")
>>> engine.create_principal("it.admin", handle="li.na", display_name="Li Na",
...                         department="marketing").roles
['marketing_staff']
>>> engine.verify_audit().ok
True

The compliance checker (:func:`check_text`, :func:`check_texts`, or the same
methods of an Engine to use its policy's own terms) needs no database; each
:class:`Finding` points into the text as passed:

>>> text = "本品是同类产品中的最 佳选择"
>>> [(f.rule_id, f.term, text[f.start:f.end]) for f in brandrail.check_text(text)]
[('ABS-001', '最佳', '最 佳')]

Every error is a :class:`BrandrailError` subclass with a stable ``.code``;
invalid input raises :class:`ValidationError` (also a ``ValueError``), a
refused call :class:`PermissionDeniedError` (also a ``PermissionError``).

For tests and simulations, ``Engine.in_memory(clock_start=...)`` (or
``Engine.open(path, clock_start=...)``) runs the engine on a manual clock that
moves only through ``engine.advance_clock(timedelta)`` and
``engine.set_clock(datetime)``, so deadlines, escalation, delegations and idle
accounts can be exercised without waiting.
"""

from ._brandrail import (
    APPROVAL_EVENT_KINDS,
    APPROVAL_STATES,
    CONTENT_KINDS,
    CONTENT_STATES,
    DEPARTMENTS,
    ERROR_CODES,
    PERMISSIONS,
    PLATFORMS,
    STAGE_STATES,
    SUBJECT_KINDS,
    ApprovalEvent,
    ApprovalInstance,
    ApprovalTask,
    Attachment,
    AuditRecord,
    AuditVerification,
    BackupReport,
    BackupStatus,
    BrandrailError,
    BrandrailIOError,
    BusyError,
    ConfigurationError,
    ConflictError,
    ContentItem,
    ContentVersion,
    CorruptDatabaseError,
    Deactivation,
    Delegation,
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
    RestoreReport,
    SeparationOfDutiesError,
    StageApproval,
    StageStatus,
    StageThroughput,
    StorageError,
    Subject,
    ValidationError,
    ZombieAccount,
    Finding,
    __version__,
    check_text,
    check_texts,
    check_texts_columns,
    pack_version,
)

__all__ = [
    # the engine and its inputs
    "Engine",
    "Attachment",
    "NewPrincipal",
    "Policy",
    "Subject",
    # results
    "ApprovalEvent",
    "ApprovalInstance",
    "ApprovalTask",
    "AuditRecord",
    "AuditVerification",
    "BackupReport",
    "BackupStatus",
    "Deactivation",
    "Delegation",
    "MediaAccount",
    "PolicyVersion",
    "Principal",
    "RestoreReport",
    "StageApproval",
    "StageStatus",
    "StageThroughput",
    "ZombieAccount",
    # the compliance checker (CON-3)
    "Finding",
    "check_text",
    "check_texts",
    "check_texts_columns",
    "pack_version",
    # content items (CON-1, CON-2)
    "ContentItem",
    "ContentVersion",
    # value sets
    "APPROVAL_EVENT_KINDS",
    "APPROVAL_STATES",
    "CONTENT_KINDS",
    "CONTENT_STATES",
    "DEPARTMENTS",
    "ERROR_CODES",
    "PERMISSIONS",
    "PLATFORMS",
    "STAGE_STATES",
    "SUBJECT_KINDS",
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
