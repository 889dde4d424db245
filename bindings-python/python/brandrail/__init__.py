"""brandrail: a company's marketing-governance policy as executable code.

One :class:`Engine` over one SQLite database enforces who may do what
(principals, departments, roles, permissions), manages media accounts, runs
every review and sign-off through the approval workflows of the policy
(content review, reimbursements, ...), keeps the versioned :class:`Policy`
document and a tamper-evident audit log with verified backups, checks
marketing copy against the Advertising Law term pack and moves versioned
content items from plan through review to publication: a pre-publish
checklist, an asset library with confidentiality labels, a publishing plan
with cadence caps, hot dates and themes, and A/B variants. Customer records
from every department are cleaned, deduplicated, sealed at rest and read
masked without clearance, with consent, export and erasure; their
interactions (views, click paths, purchases) give purchase summaries and
click-path funnels; segments stored as rules (Python dicts), personas,
lifecycle stages and community tiers derived from behaviour, RFM and customer
value (``rfm_frame`` and ``segment_members_frame`` give pandas DataFrames when
pandas is installed); fuzzy duplicate candidates for a data steward to merge or
mark distinct; service tickets with auto-answers, complaint routing, a
first-response deadline and satisfaction; and a public-opinion watch raising
alerts, escalating them and opening crisis cases with a 2-hour deadline. The same Rust engine runs behind the Python, Node and
Swift/Kotlin bindings, so behaviour is identical everywhere.

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
    ASSET_KINDS,
    ASSET_SOURCES,
    ASSET_STATES,
    CHECK_KINDS,
    CONFIDENTIALITY_LABELS,
    CONTENT_KINDS,
    CONTENT_STATES,
    DEPARTMENTS,
    ERROR_CODES,
    IDENTITY_KINDS,
    INTERACTION_KINDS,
    PERMISSIONS,
    PLAN_ISSUE_KINDS,
    PLATFORMS,
    REQUIRED_FIELD_NAMES,
    STAGE_STATES,
    SUBJECT_KINDS,
    VARIANT_KINDS,
    VARIANT_STYLES,
    ApprovalEvent,
    ApprovalInstance,
    ApprovalTask,
    Asset,
    Attachment,
    AuditRecord,
    AuditVerification,
    BackupReport,
    BackupStatus,
    BrandrailError,
    BrandrailIOError,
    BusyError,
    ChecklistIssue,
    ChecklistReport,
    ConfigurationError,
    ConflictError,
    Consent,
    ContentItem,
    ContentVariant,
    ContentVersion,
    CorruptDatabaseError,
    Customer,
    CustomerRecord,
    Deactivation,
    Delegation,
    Engine,
    Erasure,
    HotDateOn,
    Identity,
    IncompatibleDatabaseError,
    IngestReport,
    IntegrityError,
    MediaAccount,
    MergeUndone,
    NewPrincipal,
    NotFoundError,
    PermissionDeniedError,
    PlanEntry,
    PlanIssue,
    Policy,
    PolicyVersion,
    PolicyViolationError,
    Principal,
    PublishingPlan,
    RestoreReport,
    RowError,
    SeparationOfDutiesError,
    StageApproval,
    StageStatus,
    StageThroughput,
    StorageError,
    Subject,
    Theme,
    UgcAuthorization,
    ValidationError,
    VersionDetails,
    ZombieAccount,
    Finding,
    Funnel,
    FunnelStep,
    Interaction,
    InteractionReport,
    NewInteraction,
    PurchaseSummary,
    COMMUNITY_TIERS,
    LIFECYCLE_STAGES,
    MAX_SEGMENT_PAGE,
    SEGMENT_ORIGINS,
    LifecycleDistribution,
    Rfm,
    Segment,
    SegmentMember,
    SegmentRefresh,
    Standing,
    ValueReport,
    MAX_DUPLICATE_BLOCK,
    MAX_DUPLICATE_CANDIDATES,
    CandidateReport,
    DuplicateCandidate,
    MatchReason,
    TICKET_CATEGORIES,
    TICKET_STATES,
    DepartmentCount,
    NewTicket,
    ServiceReport,
    Ticket,
    TicketResponse,
    ALERT_SEVERITIES,
    MAX_MENTIONS,
    Crisis,
    MentionReport,
    NewMention,
    OpinionAlert,
    __version__,
    check_text,
    check_texts,
    check_texts_columns,
    pack_version,
    quarter,
    variant_style,
    week_of,
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
    # content items (CON-1, CON-2, CON-8)
    "ContentItem",
    "ContentVersion",
    "VersionDetails",
    # the pre-publish checklist (CON-4, CON-5)
    "ChecklistIssue",
    "ChecklistReport",
    # the asset library (CON-6)
    "Asset",
    "UgcAuthorization",
    # the publishing plan and themes (CON-7, CON-8)
    "HotDateOn",
    "PlanEntry",
    "PlanIssue",
    "PublishingPlan",
    "Theme",
    "quarter",
    "week_of",
    # A/B variants (CON-8)
    "ContentVariant",
    "variant_style",
    # customers (CRM-1, CRM-2, CRM-5..CRM-8)
    "Consent",
    "Customer",
    "CustomerRecord",
    "Erasure",
    "Identity",
    "IngestReport",
    "MergeUndone",
    "RowError",
    # fuzzy duplicates and manual merges (CRM-2)
    "CandidateReport",
    "DuplicateCandidate",
    "MatchReason",
    "MAX_DUPLICATE_BLOCK",
    "MAX_DUPLICATE_CANDIDATES",
    # interactions, purchases and funnels (CRM-3)
    "Funnel",
    "FunnelStep",
    "Interaction",
    "InteractionReport",
    "NewInteraction",
    "PurchaseSummary",
    # segments, personas, lifecycle stages and community tiers (CRM-4)
    "LifecycleDistribution",
    "Segment",
    "SegmentMember",
    "SegmentRefresh",
    "Standing",
    "MAX_SEGMENT_PAGE",
    # customer value (CRM-11)
    "Rfm",
    "ValueReport",
    # customer service (CRM-9)
    "DepartmentCount",
    "NewTicket",
    "ServiceReport",
    "Ticket",
    "TicketResponse",
    # public-opinion watch and crisis cases (CRM-10)
    "Crisis",
    "MentionReport",
    "NewMention",
    "OpinionAlert",
    "MAX_MENTIONS",
    # value sets
    "ALERT_SEVERITIES",
    "APPROVAL_EVENT_KINDS",
    "APPROVAL_STATES",
    "ASSET_KINDS",
    "ASSET_SOURCES",
    "ASSET_STATES",
    "CHECK_KINDS",
    "COMMUNITY_TIERS",
    "CONFIDENTIALITY_LABELS",
    "CONTENT_KINDS",
    "CONTENT_STATES",
    "DEPARTMENTS",
    "ERROR_CODES",
    "IDENTITY_KINDS",
    "INTERACTION_KINDS",
    "LIFECYCLE_STAGES",
    "PERMISSIONS",
    "PLAN_ISSUE_KINDS",
    "PLATFORMS",
    "REQUIRED_FIELD_NAMES",
    "SEGMENT_ORIGINS",
    "STAGE_STATES",
    "SUBJECT_KINDS",
    "TICKET_CATEGORIES",
    "TICKET_STATES",
    "VARIANT_KINDS",
    "VARIANT_STYLES",
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
