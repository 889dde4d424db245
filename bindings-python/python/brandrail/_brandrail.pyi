"""Typed stubs of the native module ``brandrail._brandrail``.

Import everything from ``brandrail``; this module is its native core.
"""

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar, Optional, Union, final

__version__: str
__all__ = [
    "__version__",
    "BrandrailError",
    "PermissionDeniedError",
    "SeparationOfDutiesError",
    "ValidationError",
    "NotFoundError",
    "ConflictError",
    "PolicyViolationError",
    "ConfigurationError",
    "IncompatibleDatabaseError",
    "CorruptDatabaseError",
    "IntegrityError",
    "BusyError",
    "StorageError",
    "BrandrailIOError",
    "ERROR_CODES",
    "Engine",
    "Principal",
    "NewPrincipal",
    "Deactivation",
    "MediaAccount",
    "ZombieAccount",
    "DEPARTMENTS",
    "PERMISSIONS",
    "PLATFORMS",
    "AuditRecord",
    "AuditVerification",
    "BackupReport",
    "RestoreReport",
    "BackupStatus",
    "Policy",
    "PolicyVersion",
    "Subject",
    "Attachment",
    "ApprovalInstance",
    "StageStatus",
    "StageApproval",
    "ApprovalEvent",
    "ApprovalTask",
    "Delegation",
    "StageThroughput",
    "SUBJECT_KINDS",
    "APPROVAL_STATES",
    "STAGE_STATES",
    "APPROVAL_EVENT_KINDS",
    "Finding",
    "check_text",
    "check_texts",
    "check_texts_columns",
    "pack_version",
    "ContentItem",
    "ContentVersion",
    "VersionDetails",
    "CONTENT_KINDS",
    "CONTENT_STATES",
    "ChecklistIssue",
    "ChecklistReport",
    "CHECK_KINDS",
    "REQUIRED_FIELD_NAMES",
    "Asset",
    "UgcAuthorization",
    "ASSET_KINDS",
    "ASSET_SOURCES",
    "ASSET_STATES",
    "CONFIDENTIALITY_LABELS",
    "PublishingPlan",
    "PlanEntry",
    "PlanIssue",
    "HotDateOn",
    "Theme",
    "PLAN_ISSUE_KINDS",
    "week_of",
    "quarter",
    "ContentVariant",
    "VARIANT_KINDS",
    "VARIANT_STYLES",
    "variant_style",
    "Identity",
    "CustomerRecord",
    "RowError",
    "IngestReport",
    "Customer",
    "MergeUndone",
    "Consent",
    "Erasure",
    "IDENTITY_KINDS",
    "NewInteraction",
    "InteractionReport",
    "Interaction",
    "PurchaseSummary",
    "Funnel",
    "FunnelStep",
    "INTERACTION_KINDS",
    "Segment",
    "SegmentRefresh",
    "SegmentMember",
    "Standing",
    "LifecycleDistribution",
    "LIFECYCLE_STAGES",
    "COMMUNITY_TIERS",
    "SEGMENT_ORIGINS",
    "MAX_SEGMENT_PAGE",
    "Rfm",
    "ValueReport",
    "MatchReason",
    "DuplicateCandidate",
    "CandidateReport",
    "MAX_DUPLICATE_CANDIDATES",
    "MAX_DUPLICATE_BLOCK",
    "NewTicket",
    "TicketResponse",
    "Ticket",
    "DepartmentCount",
    "ServiceReport",
    "TICKET_CATEGORIES",
    "TICKET_STATES",
    "NewMention",
    "OpinionAlert",
    "MentionReport",
    "Crisis",
    "ALERT_SEVERITIES",
    "MAX_MENTIONS",
]

DEPARTMENTS: tuple[str, ...]
"""Every department name: 'marketing', 'brand', 'it', 'sales', 'customer_service',
'pr', 'legal', 'finance', 'hr', 'admin', 'executive'."""

PERMISSIONS: tuple[str, ...]
"""Every permission a role can carry, e.g. 'principal.manage', 'audit.read'."""

PLATFORMS: tuple[str, ...]
"""Every media-account platform, e.g. 'wechat_official_account', 'douyin', 'weibo'."""

ERROR_CODES: tuple[str, ...]
"""Every stable error code; each has exactly one ``BrandrailError`` subclass."""

SUBJECT_KINDS: tuple[str, ...]
"""Every kind of approval subject: 'content_version', 'budget_adjustment',
'expense_claim', 'project', 'document', 'leave', 'decision'."""

APPROVAL_STATES: tuple[str, ...]
"""Every state of an approval: 'in_review', 'approved', 'rejected',
'returned_for_changes', 'withdrawn'."""

CONTENT_KINDS: tuple[str, ...]
"""Every kind of content item: 'article', 'short_video', 'image_post', 'live',
'email', 'sms', 'press_release', 'ad_creative', 'landing_page'."""

CONTENT_STATES: tuple[str, ...]
"""Every state of a content item, in lifecycle order: 'planned',
'in_production', 'in_review', 'approved', 'scheduled', 'published',
'retrospective'."""

CHECK_KINDS: tuple[str, ...]
"""Every kind of pre-publish checklist issue: 'link_malformed', 'link_domain',
'asset_missing', 'asset_retired', 'asset_confidential', 'asset_unauthorized',
'field_missing', 'ad_label_missing', 'brand_spelling', 'video_length',
'paragraph_spacing', 'template', 'font', 'palette'."""

REQUIRED_FIELD_NAMES: tuple[str, ...]
"""The field names the policy's ``content.required_fields`` may list: 'title',
'body', 'channel', 'duration_seconds', 'paragraph_spacing', 'template', 'fonts',
'palette', 'assets', 'theme', 'format'."""

ASSET_KINDS: tuple[str, ...]
"""Every kind of asset: 'image', 'video', 'audio', 'template', 'document',
'content' (approved content, added with ``Engine.archive_content`` only)."""

ASSET_SOURCES: tuple[str, ...]
"""Every origin of an asset: 'internal', 'agency', 'licensed', 'ugc'
(user-generated: needs a ``UgcAuthorization``)."""

ASSET_STATES: tuple[str, ...]
"""Every state of an asset: 'active', 'retired'."""

CONFIDENTIALITY_LABELS: tuple[str, ...]
"""Every confidentiality label, least restricted first: 'public', 'internal',
'confidential', 'secret'."""

PLAN_ISSUE_KINDS: tuple[str, ...]
"""Every kind of publishing-plan issue: 'over_frequency', 'missed_cadence',
'ugc_shortfall', 'mix_missing', 'backlog', 'slot_conflict', 'off_slot',
'hot_date_uncovered'."""

VARIANT_KINDS: tuple[str, ...]
"""What an A/B variant replaces: 'title', 'copy'."""

VARIANT_STYLES: tuple[str, ...]
"""How an A/B variant is written: 'number', 'question', 'plain'."""

STAGE_STATES: tuple[str, ...]
"""Every state of a stage in the current round: 'waiting', 'active', 'done',
'skipped'."""

APPROVAL_EVENT_KINDS: tuple[str, ...]
"""Every kind of approval history event: 'submitted', 'approved', 'rejected',
'returned', 'resubmitted', 'withdrawn', 'escalated', 'assigned', 'unassigned'."""

IDENTITY_KINDS: tuple[str, ...]
"""Every kind of customer identity: 'phone', 'email', 'wechat_openid',
'wechat_unionid', 'member_id', 'pos_card'."""

INTERACTION_KINDS: tuple[str, ...]
"""Every kind of customer interaction (CRM-3): 'view', 'click', 'path_step',
'purchase', 'service_ticket', 'community_join'."""

LIFECYCLE_STAGES: tuple[str, ...]
"""Every lifecycle stage (CRM-4), derived from behaviour in the policy's
window: 'awareness', 'interest', 'decision', 'loyalty'."""

COMMUNITY_TIERS: tuple[str, ...]
"""Every private-community tier (CRM-4), derived from purchases and spend:
'new', 'repeat', 'vip'."""

SEGMENT_ORIGINS: tuple[str, ...]
"""Where a segment comes from: 'policy' (a persona) or 'custom'."""

MAX_SEGMENT_PAGE: int
"""Most members in one page of ``Engine.segment_members`` (100000)."""

MAX_DUPLICATE_CANDIDATES: int
"""Most candidates ``Engine.duplicate_candidates`` returns (10000)."""

MAX_DUPLICATE_BLOCK: int
"""Blocks of more customers than this (500) sharing a blocking key are not
compared pair by pair by ``Engine.duplicate_candidates`` (counted in
``CandidateReport.blocks_skipped``)."""

TICKET_CATEGORIES: tuple[str, ...]
"""What a service ticket is about (CRM-9): 'question', 'complaint',
'request'."""

TICKET_STATES: tuple[str, ...]
"""Where a service ticket stands: 'open', 'answered', 'resolved'."""

ALERT_SEVERITIES: tuple[str, ...]
"""How serious an opinion alert is (CRM-10): 'normal', 'sensitive',
'major'."""

MAX_MENTIONS: int
"""Most mentions in one ``Engine.record_mentions`` call (100000)."""

_Date = date  # `HotDateOn.date` shadows the class in its body
_StrPath = Union[str, "os.PathLike[str]"]
_ProgressCallback = Callable[[int, int], object]
_PolicyDocument = Mapping[str, Any]
_Money = Union[Decimal, str, int]
_AttachmentLike = Union["Attachment", Mapping[str, Any]]
_SubjectLike = Union["Subject", Mapping[str, Any]]
_IdentityLike = Union["Identity", Mapping[str, str], tuple[str, str], list[str]]
_CustomerRecordLike = Union["CustomerRecord", Mapping[str, Any]]
_NewInteractionLike = Union["NewInteraction", Mapping[str, Any]]
_NewTicketLike = Union["NewTicket", Mapping[str, Any]]
_NewMentionLike = Union["NewMention", Mapping[str, Any]]
_Rule = Union[Mapping[str, Any], str]
_DataFrame = Any  # a pandas.DataFrame (pandas is optional)

# ---------------------------------------------------------------- errors

class BrandrailError(Exception):
    """Base class of every error brandrail raises.

    ``code`` is the stable machine code of the error (one of ``ERROR_CODES``);
    ``str(error)`` names the field or entity and the problem, never a personal
    value. A failed call changed nothing.
    """

    code: ClassVar[str]

class PermissionDeniedError(BrandrailError, PermissionError):
    """The acting principal may not do this. The refusal was recorded in the
    audit log and nothing else changed."""

    code: ClassVar[str]  # 'permission_denied'
    principal: str
    """Handle of the acting principal (a digest for a malformed handle)."""
    permission: str
    """The permission that was required, e.g. 'principal.manage'."""
    reason: str
    """'unknown_principal', 'deactivated', 'missing_permission', 'wrong_department',
    'not_a_decider', 'not_the_submitter' or 'not_cleared' (an asset's
    confidentiality label does not let the principal read it)."""

class SeparationOfDutiesError(BrandrailError, PermissionError):
    """Separation of duties (APR-3): nobody decides on their own submission,
    approves a stage twice, or fills two stages of one approval unless the
    workflow allows it. The refusal was recorded and nothing else changed."""

    code: ClassVar[str]  # 'separation_of_duties'
    principal: str
    """Handle of the acting principal."""

class ValidationError(BrandrailError, ValueError):
    """An input failed validation."""

    code: ClassVar[str]  # 'validation'
    field: str
    """Path of the offending input: 'handle', 'principals[3].display_name',
    'budget.split.fixed', 'at', ..."""

class NotFoundError(BrandrailError, LookupError):
    """The named entity does not exist."""

    code: ClassVar[str]  # 'not_found'
    entity: str
    """Kind of entity: 'principal', 'media_account', ..."""
    id: str
    """The identifier that was looked up."""

class ConflictError(BrandrailError):
    """The request contradicts the current state (a duplicate handle, an
    operation on a deactivated principal or a retired account, ...)."""

    code: ClassVar[str]  # 'conflict'
    entity: str
    id: str

class PolicyViolationError(BrandrailError):
    """A governance rule of the policy forbids the request."""

    code: ClassVar[str]  # 'policy_violation'
    rule: str
    """The rule ID, e.g. 'ACC-2'."""

class ConfigurationError(BrandrailError):
    """The engine lacks a setting this call needs, e.g. a ``secret_key`` to
    store or reveal a credential or customer data."""

    code: ClassVar[str]  # 'configuration'

class IncompatibleDatabaseError(BrandrailError):
    """The file is not a brandrail database, or was written by a newer
    brandrail. The file was not changed."""

    code: ClassVar[str]  # 'incompatible_database'

class CorruptDatabaseError(BrandrailError):
    """The database file is damaged (truncated or overwritten)."""

    code: ClassVar[str]  # 'corrupt'

class IntegrityError(BrandrailError):
    """A verified artefact (a backup, the audit chain) failed its integrity
    check; nothing was replaced."""

    code: ClassVar[str]  # 'integrity'
    seq: int
    """The first audit sequence number that failed."""

class BusyError(BrandrailError):
    """Another writer held the database longer than the engine's
    ``busy_timeout``. Retrying later is safe."""

    code: ClassVar[str]  # 'busy'

class StorageError(BrandrailError):
    """Any other storage failure reported by SQLite."""

    code: ClassVar[str]  # 'storage'

class BrandrailIOError(BrandrailError, OSError):
    """A file-system operation failed (the message names the path)."""

    code: ClassVar[str]  # 'io'

# ---------------------------------------------------------------- results

@final
class Principal:
    """A member of staff. Every action is attributed to exactly one principal,
    named by its ``handle``."""

    @property
    def handle(self) -> str:
        """Login-style identifier: unique, 2-64 characters of a-z, 0-9, '.', '_', '-'."""
    @property
    def display_name(self) -> str:
        """Name shown to people."""
    @property
    def department(self) -> str:
        """The one department the principal belongs to (see ``DEPARTMENTS``)."""
    @property
    def roles(self) -> list[str]:
        """Roles held, sorted."""
    @property
    def active(self) -> bool:
        """False once deactivated; a deactivated principal is refused everything."""
    @property
    def created_at(self) -> datetime:
        """When the principal was created (UTC)."""
    @property
    def deactivated_at(self) -> Optional[datetime]:
        """When it was deactivated (UTC), or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict, e.g. for
        ``pandas.DataFrame([p.to_dict() for p in engine.principals()])``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class NewPrincipal:
    """Input for ``Engine.create_principals``: a principal to create. A plain
    dict with the same keys works too.

    ``department`` is one of ``DEPARTMENTS``; without ``roles`` the principal
    gets its department's default roles from the policy. A bad department
    raises ValidationError here; the other fields are checked on creation.
    """

    def __new__(
        cls,
        handle: str,
        display_name: str,
        department: str,
        roles: Optional[list[str]] = None,
    ) -> NewPrincipal: ...
    @property
    def handle(self) -> str:
        """The handle to create."""
    @property
    def display_name(self) -> str:
        """The name shown to people."""
    @property
    def department(self) -> str:
        """The department."""
    @property
    def roles(self) -> Optional[list[str]]:
        """Roles to grant, or None for the department's default roles."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Deactivation:
    """What deactivating a principal left for others to pick up."""

    @property
    def principal(self) -> Principal:
        """The principal, now inactive."""
    @property
    def custodian_of(self) -> list[str]:
        """Ids of the media accounts it was custodian of: they need a new
        custodian (``Engine.reassign_media_account``)."""
    @property
    def reassigned_approvals(self) -> list[int]:
        """Ids of the approvals whose active stage was assigned to the
        principal: unassigned, back with the stage's pool of deciders."""
    @property
    def unstaffed_approvals(self) -> list[int]:
        """Ids of the approvals in review whose active stage nobody active may
        decide any more: an administrator must grant a role or change the
        policy."""
    def to_dict(self) -> dict[str, Any]:
        """``{"principal": {...}, "custodian_of": [...], "reassigned_approvals":
        [...], "unstaffed_approvals": [...]}``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class MediaAccount:
    """A managed media or messaging account, with the team that owns it and the
    principal who keeps its credential."""

    @property
    def id(self) -> str:
        """Identifier chosen at registration (a-z, 0-9, '.', '_', '-')."""
    @property
    def platform(self) -> str:
        """Where the account lives (one of ``PLATFORMS``)."""
    @property
    def display_name(self) -> str:
        """The account's public name."""
    @property
    def owner_department(self) -> str:
        """The department that owns it."""
    @property
    def custodian(self) -> str:
        """Handle of the principal who keeps its credential."""
    @property
    def has_credential(self) -> bool:
        """Whether an (encrypted) credential is stored."""
    @property
    def registered_at(self) -> datetime:
        """When it was registered (UTC)."""
    @property
    def last_interaction_at(self) -> Optional[datetime]:
        """The last recorded interaction (post, reply, send), or None."""
    @property
    def retired_at(self) -> Optional[datetime]:
        """When it was retired, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ZombieAccount:
    """A media account idle for longer than the policy allows
    (``access.zombie_after_months``)."""

    @property
    def account(self) -> MediaAccount:
        """The account."""
    @property
    def idle_since(self) -> datetime:
        """Its last interaction, or its registration when it never had one."""
    @property
    def idle_days(self) -> int:
        """Whole days idle at the report's date."""
    def to_dict(self) -> dict[str, Any]:
        """The account's fields plus ``idle_since`` and ``idle_days``, flat."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class AuditRecord:
    """One record of the tamper-evident audit log. Records hold identifiers and
    digests only, never personal values."""

    @property
    def seq(self) -> int:
        """Position in the chain, from 1, without gaps."""
    @property
    def at(self) -> datetime:
        """When it happened (engine clock, UTC)."""
    @property
    def principal(self) -> str:
        """Handle of the acting principal."""
    @property
    def action(self) -> str:
        """What was attempted, e.g. 'principal.create'."""
    @property
    def entity_type(self) -> str:
        """Kind of entity acted on, e.g. 'principal'."""
    @property
    def entity_id(self) -> str:
        """Its identifier."""
    @property
    def outcome(self) -> str:
        """'applied' or 'denied'."""
    @property
    def detail(self) -> str:
        """Non-personal detail: the denied permission and reason, a role name, a count."""
    @property
    def before_digest(self) -> Optional[str]:
        """SHA-256 (hex) of the entity before the change, or None."""
    @property
    def after_digest(self) -> Optional[str]:
        """SHA-256 (hex) of the entity after the change, or None."""
    @property
    def prev_hash(self) -> str:
        """Hash (hex) of the previous record."""
    @property
    def hash(self) -> str:
        """Hash (hex) of this record."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class AuditVerification:
    """The result of walking the whole audit chain (``Engine.verify_audit()``)."""

    @property
    def ok(self) -> bool:
        """True when every record and the recorded head check out."""
    @property
    def records_checked(self) -> int:
        """Records read."""
    @property
    def first_bad_seq(self) -> Optional[int]:
        """The first record that failed (for a removed tail: the first missing
        one), or None."""
    @property
    def problem(self) -> Optional[str]:
        """What failed there, or None."""
    @property
    def head_seq(self) -> int:
        """Sequence of the newest record."""
    @property
    def head_hash(self) -> str:
        """Hash (hex) of the newest record; store it elsewhere to anchor the chain."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class BackupReport:
    """What ``Engine.backup_to`` wrote."""

    @property
    def path(self) -> Path:
        """The backup file."""
    @property
    def bytes(self) -> int:
        """Its size in bytes."""
    @property
    def records(self) -> int:
        """Audit records it holds."""
    @property
    def head_seq(self) -> int:
        """Newest audit sequence it holds."""
    @property
    def verified(self) -> bool:
        """Always True: a copy whose chain does not verify is deleted and raised
        as IntegrityError instead."""
    @property
    def took(self) -> timedelta:
        """Wall time taken."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class RestoreReport:
    """What ``Engine.restore_from`` did."""

    @property
    def records(self) -> int:
        """Audit records restored."""
    @property
    def head_seq(self) -> int:
        """Newest restored audit sequence (before the restore's own record)."""
    @property
    def took(self) -> timedelta:
        """Wall time taken."""
    @property
    def within_rto(self) -> bool:
        """Whether it finished within the policy's recovery time objective."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class BackupStatus:
    """Where the backup schedule stands (``Engine.backup_status``)."""

    @property
    def last_backup_at(self) -> Optional[datetime]:
        """When the newest backup was taken, or None."""
    @property
    def next_due_at(self) -> datetime:
        """When the next one is due."""
    @property
    def overdue(self) -> bool:
        """True when one is due now (or none was ever taken)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class PolicyVersion:
    """A policy version as installed."""

    @property
    def version(self) -> int:
        """1 for the first installed policy, then +1 per replacement; 0 is the
        built-in default pack, before anything was installed."""
    @property
    def installed_at(self) -> Optional[datetime]:
        """When it was installed (None for version 0)."""
    @property
    def installed_by(self) -> Optional[str]:
        """Who installed it (None for version 0)."""
    @property
    def digest(self) -> str:
        """SHA-256 (hex) of its canonical JSON; equals ``Policy.digest``."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

# ---------------------------------------------------------------- approvals

@final
class Attachment:
    """Metadata of a document attached to a subject (an invoice for a
    reimbursement); the document itself stays where it is, identified by its
    SHA-256. A plain dict with the same keys works too.

    ``amount`` (the amount on the document, if any) is exact money: a
    ``decimal.Decimal``, an int or a decimal string such as '1280.50' (digits,
    an optional '-' and '.' fraction, at most 28 significant digits: what
    every brandrail binding accepts, so '1e3', '1_000' and '+5' raise
    ValidationError); a float raises TypeError. It reads back as
    ``decimal.Decimal``. The other fields are checked when the subject is
    submitted (``sha256`` must be 64 hex digits, ``amount`` not negative).
    """

    def __new__(
        cls,
        kind: str,
        name: str,
        sha256: str,
        amount: Optional[_Money] = None,
    ) -> Attachment: ...
    @property
    def kind(self) -> str:
        """What the document is: 'invoice', 'contract', 'receipt', ..."""
    @property
    def name(self) -> str:
        """File name."""
    @property
    def sha256(self) -> str:
        """SHA-256 of the file, 64 hex digits."""
    @property
    def amount(self) -> Optional[Decimal]:
        """The amount on the document as ``decimal.Decimal``, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (accepted back wherever an Attachment is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Subject:
    """What is submitted for approval. A plain dict with the same keys works too.

    ``kind`` is one of ``SUBJECT_KINDS`` and must match the workflow's;
    ``reference`` is the subject's id in its own system (a content version, a
    claim number), ``title`` a short title for task lists. ``attributes`` are
    the facts stage conditions test, as strings (``{"is_ad": "true"}``,
    ``{"amount": "12000.00"}``); ``attachments`` are ``Attachment``s or dicts.
    A bad kind raises ValidationError here; the other fields are checked on
    submission.
    """

    def __new__(
        cls,
        kind: str,
        reference: str,
        title: str,
        attributes: Optional[Mapping[str, str]] = None,
        attachments: Optional[Iterable[_AttachmentLike]] = None,
    ) -> Subject: ...
    @property
    def kind(self) -> str:
        """What it is (one of ``SUBJECT_KINDS``), e.g. 'content_version'."""
    @property
    def reference(self) -> str:
        """Its identifier in its own system (content version id, claim number, ...)."""
    @property
    def title(self) -> str:
        """A short title for task lists."""
    @property
    def attributes(self) -> dict[str, str]:
        """The facts stage conditions test, e.g. ``{"is_ad": "true"}`` (a copy)."""
    @property
    def attachments(self) -> list[Attachment]:
        """Attached documents, in submission order."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists (accepted back wherever a Subject is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class StageApproval:
    """One approval given at a stage."""

    @property
    def principal(self) -> str:
        """Handle of the principal who approved."""
    @property
    def on_behalf_of(self) -> Optional[str]:
        """When deciding as a delegate: whose authority was used; else None."""
    @property
    def at(self) -> datetime:
        """When (engine clock, UTC)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class StageStatus:
    """One stage of an approval's current round."""

    @property
    def name(self) -> str:
        """The stage's name in the workflow, e.g. 'brand', 'finance_check'."""
    @property
    def state(self) -> str:
        """'waiting', 'active', 'done' or 'skipped' (its condition does not hold
        for this subject); see ``STAGE_STATES``."""
    @property
    def quorum(self) -> int:
        """Approvals the stage needs."""
    @property
    def approvals(self) -> list[StageApproval]:
        """Approvals given so far this round, oldest first."""
    @property
    def started_at(self) -> Optional[datetime]:
        """When it became active, or None."""
    @property
    def due_at(self) -> Optional[datetime]:
        """Its deadline (start + the stage's SLA), or None before it starts."""
    @property
    def completed_at(self) -> Optional[datetime]:
        """When it reached its quorum, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict; ``approvals`` as a list of dicts."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ApprovalInstance:
    """An approval instance: one subject going through one workflow, with the
    progress of its current round."""

    @property
    def id(self) -> int:
        """Identifier, from 1."""
    @property
    def workflow(self) -> str:
        """The workflow's name in the policy, e.g. 'content_review'."""
    @property
    def subject(self) -> Subject:
        """What is being approved (as last submitted)."""
    @property
    def submitter(self) -> str:
        """Handle of the principal who submitted it."""
    @property
    def state(self) -> str:
        """'in_review', 'approved', 'rejected', 'returned_for_changes' or
        'withdrawn'; see ``APPROVAL_STATES``."""
    @property
    def round(self) -> int:
        """1 for the first submission, +1 per resubmission."""
    @property
    def stages(self) -> list[StageStatus]:
        """The stages of this round in workflow order, skipped ones included."""
    @property
    def current_stage(self) -> Optional[str]:
        """The name of the stage waiting for decisions, or None when not in review."""
    @property
    def active_stage(self) -> Optional[StageStatus]:
        """The status of the stage waiting for decisions (its deadline is
        ``active_stage.due_at``), or None when not in review."""
    @property
    def assignee(self) -> Optional[str]:
        """The one principal the active stage is assigned to, or None."""
    @property
    def escalated(self) -> bool:
        """Whether the active stage was escalated after its deadline."""
    @property
    def submitted_at(self) -> datetime:
        """When it was first submitted."""
    @property
    def updated_at(self) -> datetime:
        """Its last change."""
    @property
    def closed_at(self) -> Optional[datetime]:
        """When it was approved or withdrawn, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists (``subject`` and ``stages`` nested)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ApprovalEvent:
    """One entry of an approval's history (``Engine.approval_history``)."""

    @property
    def id(self) -> int:
        """Position in the history."""
    @property
    def instance_id(self) -> int:
        """The approval instance."""
    @property
    def at(self) -> datetime:
        """When (engine clock, UTC)."""
    @property
    def principal(self) -> str:
        """Handle of the principal who acted."""
    @property
    def on_behalf_of(self) -> Optional[str]:
        """When a delegate acted: whose authority was used; else None."""
    @property
    def kind(self) -> str:
        """What happened: 'submitted', 'approved', 'rejected', 'returned',
        'resubmitted', 'withdrawn', 'escalated', 'assigned' or 'unassigned';
        see ``APPROVAL_EVENT_KINDS``."""
    @property
    def stage(self) -> Optional[str]:
        """The stage it concerns, or None (submission, withdrawal)."""
    @property
    def round(self) -> int:
        """The round it happened in."""
    @property
    def comment(self) -> str:
        """The decision's comment ('' when none was given)."""
    @property
    def checklist(self) -> list[str]:
        """Checklist items confirmed with an approval, sorted."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ApprovalTask:
    """An open task: the active stage of an approval that some principal may
    decide (``Engine.approval_tasks``), or one past its deadline
    (``Engine.overdue_approvals``)."""

    @property
    def instance_id(self) -> int:
        """The approval instance."""
    @property
    def workflow(self) -> str:
        """Its workflow."""
    @property
    def stage(self) -> str:
        """The stage waiting for a decision."""
    @property
    def subject_kind(self) -> str:
        """The subject's kind."""
    @property
    def subject_title(self) -> str:
        """The subject's title."""
    @property
    def submitter(self) -> str:
        """Handle of the submitter."""
    @property
    def due_at(self) -> Optional[datetime]:
        """The stage's deadline, or None."""
    @property
    def overdue(self) -> bool:
        """Past its deadline at the time of the query (or ``as_of``)."""
    @property
    def escalated(self) -> bool:
        """Escalated already."""
    @property
    def assignee(self) -> Optional[str]:
        """The one principal the stage is assigned to, or None."""
    @property
    def on_behalf_of(self) -> Optional[str]:
        """When deciding would use another principal's delegated authority:
        whose; else None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Delegation:
    """A delegation of approval authority while away
    (``Engine.delegate_approvals``): ``to`` decides in ``from_``'s place from
    ``starts_at`` until ``ends_at``."""

    @property
    def id(self) -> int:
        """Identifier (for ``Engine.end_delegation``)."""
    @property
    def from_(self) -> str:
        """Handle of the principal who is away (``from`` is a Python keyword;
        ``to_dict()`` uses the key 'from')."""
    @property
    def to(self) -> str:
        """Handle of the principal who decides in their place."""
    @property
    def starts_at(self) -> datetime:
        """Start."""
    @property
    def ends_at(self) -> datetime:
        """End (exclusive)."""
    @property
    def created_at(self) -> datetime:
        """When it was recorded."""
    @property
    def revoked_at(self) -> Optional[datetime]:
        """When it was ended early, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict, with the keys 'from' and 'to'."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class StageThroughput:
    """How long one stage of a workflow takes, over its runs that reached their
    quorum (``Engine.approval_throughput``)."""

    @property
    def workflow(self) -> str:
        """The workflow."""
    @property
    def stage(self) -> str:
        """The stage."""
    @property
    def completed(self) -> int:
        """Stage runs that reached their quorum."""
    @property
    def median_seconds(self) -> float:
        """Median time from the stage's start to its quorum, in seconds."""
    @property
    def p90_seconds(self) -> float:
        """90th percentile of that time, in seconds."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

# ---------------------------------------------------------------- content

@final
class Finding:
    """Something the compliance checker found in a text (CON-3): a banned or
    risky term, personal data that must be masked, or an unfinished
    placeholder.

    ``start`` and ``end`` are indexes into the text as passed, so
    ``text[f.start:f.end] == f.matched`` even when the match was written in
    full width, traditional characters or with spaces, emoji or zero-width
    characters inside it.
    """

    @property
    def rule_id(self) -> str:
        """Stable id of the rule: the term's id ('ABS-001'), 'PII-PHONE',
        'PII-ID', 'PII-EMAIL', 'PII-CARD', 'PLACEHOLDER', or 'CUSTOM-n' for the
        n-th of the policy's ``compliance.custom_terms``."""
    @property
    def category(self) -> str:
        """Category id: 'absolute', 'medical', 'finance_guarantee', ...,
        'personal_data', 'placeholder', or a company term's own category."""
    @property
    def severity(self) -> str:
        """'block' (stops publication) or 'warn' (needs a human look)."""
    @property
    def term(self) -> str:
        """The canonical term ('最佳' for a match written '最 佳' or '最佳'), or
        the kind of personal data ('手机号') or placeholder."""
    @property
    def matched(self) -> str:
        """The span of the text that matched, exactly as written."""
    @property
    def start(self) -> int:
        """Start index into the text (a Python ``str`` index: Unicode code points)."""
    @property
    def end(self) -> int:
        """End index (exclusive): ``text[start:end] == matched``."""
    @property
    def utf16_start(self) -> int:
        """Start in UTF-16 code units, for a JavaScript, Java or Kotlin front
        end showing the same text."""
    @property
    def utf16_end(self) -> int:
        """End (exclusive) in UTF-16 code units."""
    @property
    def legal_basis(self) -> str:
        """The law or rule the finding rests on."""
    @property
    def suggestion(self) -> str:
        """What to write instead."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

def check_text(text: str) -> list[Finding]:
    """Check ``text`` against the shipped term pack (CON-3) and return the
    findings in order of position. Needs no Engine; to check with a company's
    own terms and exceptions, use ``Engine.check_text``. The GIL is released
    while checking."""

def check_texts(texts: Iterable[str]) -> list[list[Finding]]:
    """Check many texts (any iterable of ``str``; a lone ``str`` raises
    TypeError) against the shipped term pack in one call; one list of
    findings per text, in input order. An item that is not a ``str`` raises
    TypeError naming its index ('texts[3]')."""

def check_texts_columns(texts: Iterable[str]) -> dict[str, list[Any]]:
    """``check_texts`` as columns: a dict of equally long lists, one row per
    finding, keyed ``text_index`` (the position of the finding's text in
    ``texts``) and the keys of ``Finding.to_dict()``; ready for
    ``pandas.DataFrame(...)``."""

def pack_version() -> str:
    """Version of the shipped term pack (e.g. '2026.1'); store it with
    findings to know which pack produced them."""

@final
class ContentItem:
    """A content item (CON-1): an article, short video, ad creative, ...
    planned for one channel, with its current version and where it stands in
    the lifecycle (CON-2)."""

    @property
    def id(self) -> int:
        """Identifier."""
    @property
    def kind(self) -> str:
        """What it is (one of ``CONTENT_KINDS``), e.g. 'ad_creative'."""
    @property
    def title(self) -> str:
        """Title of the current version (the working title while planned)."""
    @property
    def channel(self) -> str:
        """The channel it is planned for (a media platform name, e.g. 'douyin')."""
    @property
    def owner(self) -> str:
        """Handle of the principal responsible (who planned it)."""
    @property
    def state(self) -> str:
        """Where it stands (one of ``CONTENT_STATES``): 'planned',
        'in_production', 'in_review', 'approved', 'scheduled', 'published',
        'retrospective'."""
    @property
    def version(self) -> int:
        """Current version number: 0 while planned, then 1, 2, ... per edit."""
    @property
    def is_ad(self) -> bool:
        """Whether it is an ad (legal reviews it too)."""
    @property
    def sensitive(self) -> bool:
        """Whether it is sensitive (a supervisor reviews it too)."""
    @property
    def ugc(self) -> bool:
        """Whether it is user-generated (it counts towards a channel's UGC
        quota in the publishing plan, CON-7)."""
    @property
    def format(self) -> Optional[str]:
        """The sub-kind a channel's mix is planned in ('amateur_review',
        'koc', ...), or None."""
    @property
    def source_id(self) -> Optional[int]:
        """Id of the item this one was repurposed from
        (``Engine.derive_content``, CON-8), or None."""
    @property
    def theme_id(self) -> Optional[int]:
        """Id of the quarterly theme it belongs to (``Engine.add_theme``,
        CON-8), or None."""
    @property
    def approval_id(self) -> Optional[int]:
        """Id of the review approval of the current version once submitted
        (decide it with ``Engine.approve``, ``reject``, ...), else None."""
    @property
    def scheduled_at(self) -> Optional[datetime]:
        """When it is scheduled to go out, or None."""
    @property
    def published_at(self) -> Optional[datetime]:
        """When it was published, or None."""
    @property
    def created_at(self) -> datetime:
        """When it was planned (UTC)."""
    @property
    def updated_at(self) -> datetime:
        """Its last change (UTC)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ContentVersion:
    """One version of a content item; every edit makes one (CON-1), and every
    version is kept."""

    @property
    def item_id(self) -> int:
        """Id of the item."""
    @property
    def version(self) -> int:
        """Version number: 1, 2, ..."""
    @property
    def title(self) -> str:
        """Title."""
    @property
    def body(self) -> str:
        """Body text."""
    @property
    def author(self) -> str:
        """Handle of the principal who wrote it."""
    @property
    def created_at(self) -> datetime:
        """When it was written (UTC)."""
    @property
    def details(self) -> VersionDetails:
        """What it declares beyond its text: duration, layout and assets."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready); ``details`` is a nested dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class VersionDetails:
    """What a version declares beyond its text, for the pre-publish checklist
    (CON-4, CON-5): a video's length, the layout's paragraph spacing, the
    template, fonts and palette used, and the asset-library assets it uses.
    Everything is optional; the policy's ``content.required_fields`` says what
    must be there.

    The keys of ``to_dict()`` are the keyword arguments of
    ``Engine.edit_content``, so ``edit_content(..., **version.details.to_dict())``
    declares the same details again.
    """

    @property
    def duration_seconds(self) -> Optional[int]:
        """Length of a video in seconds, or None."""
    @property
    def paragraph_spacing(self) -> Optional[float]:
        """Paragraph (line) spacing of the layout, e.g. 1.5, or None."""
    @property
    def template(self) -> Optional[str]:
        """Name of the template used, or None."""
    @property
    def fonts(self) -> list[str]:
        """Fonts used (a copy)."""
    @property
    def palette(self) -> Optional[str]:
        """Name of the palette used, or None."""
    @property
    def assets(self) -> list[int]:
        """Ids of the asset-library assets the piece uses (a copy)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict; its keys are ``Engine.edit_content``'s
        keyword arguments."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ChecklistIssue:
    """One thing the pre-publish checklist found (CON-4, CON-5; CON-6 for an
    unauthorized user-generated asset).

    When the issue is in the title or body text (a link, a misspelt brand
    name), ``start`` and ``end`` are indexes into that field of the checked
    version, so ``text[issue.start:issue.end] == issue.matched``.
    """

    @property
    def rule(self) -> str:
        """The rule: 'CON-4', 'CON-5' or 'CON-6'."""
    @property
    def check(self) -> str:
        """What kind of problem (one of ``CHECK_KINDS``), e.g. 'link_domain',
        'asset_retired', 'brand_spelling'."""
    @property
    def severity(self) -> str:
        """'block' (stops review, scheduling and publication) or 'warn' (needs
        a human look)."""
    @property
    def field(self) -> str:
        """The field concerned: 'title', 'body', 'assets', 'duration_seconds',
        'paragraph_spacing', 'template', 'fonts', 'palette' or a required
        field's name."""
    @property
    def message(self) -> str:
        """What is wrong, in words."""
    @property
    def matched(self) -> Optional[str]:
        """The text concerned (a link, a misspelling, a font, an asset id as a
        str), or None."""
    @property
    def start(self) -> Optional[int]:
        """Start index into the field's text (a Python ``str`` index), when the
        issue is in the title or body; else None."""
    @property
    def end(self) -> Optional[int]:
        """End index (exclusive): ``text[start:end] == matched``; else None."""
    @property
    def utf16_start(self) -> Optional[int]:
        """Start in UTF-16 code units, for a JavaScript, Java or Kotlin front
        end showing the same text; None when ``start`` is."""
    @property
    def utf16_end(self) -> Optional[int]:
        """End (exclusive) in UTF-16 code units; None when ``end`` is."""
    @property
    def suggestion(self) -> Optional[str]:
        """What to do instead, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ChecklistReport:
    """The pre-publish checklist of an item's current version
    (``Engine.prepublish_check``): the CON-4/CON-5 issues in check order and
    the compliance findings (CON-3) of its title and body. ``passed`` is True
    when nothing blocks; submission, scheduling and publication are refused
    while something does."""

    @property
    def item_id(self) -> int:
        """Id of the item."""
    @property
    def version(self) -> int:
        """The version checked (the item's current one)."""
    @property
    def passed(self) -> bool:
        """True when nothing blocks: no blocking issue and no blocking finding."""
    @property
    def blocking(self) -> int:
        """How many issues and findings block (0 exactly when ``passed``)."""
    @property
    def issues(self) -> list[ChecklistIssue]:
        """The CON-4, CON-5 and CON-6 issues, in check order (a copy)."""
    @property
    def title_findings(self) -> list[Finding]:
        """Compliance findings in the title (offsets into the title)."""
    @property
    def body_findings(self) -> list[Finding]:
        """Compliance findings in the body (offsets into the body)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``issues``, ``title_findings``
        and ``body_findings`` are lists of their items' ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class UgcAuthorization:
    """The signed permission of a content's creator to use user-generated
    material (CON-6): who granted it, the reference of the signed record, when
    it was signed, when it ends (None: it does not) and what it allows. A
    plain dict with the same keys works too wherever one is accepted.

    ``signed_at`` and ``expires_at`` are timezone-aware datetimes (a naive one
    raises ValidationError); the texts are checked when the asset is added.
    """

    def __init__(
        self,
        *,
        granted_by: str,
        reference: str,
        signed_at: datetime,
        scope: str,
        expires_at: Optional[datetime] = None,
    ) -> None: ...
    @property
    def granted_by(self) -> str:
        """Who granted it: the creator's name or platform handle."""
    @property
    def reference(self) -> str:
        """Reference of the signed record (contract number, form id)."""
    @property
    def signed_at(self) -> datetime:
        """When it was signed (UTC)."""
    @property
    def expires_at(self) -> Optional[datetime]:
        """When it ends (exclusive, UTC), or None when it does not."""
    @property
    def scope(self) -> str:
        """What it allows (channels, uses), in words."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (accepted back wherever a
        UgcAuthorization is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Asset:
    """An asset in the library (CON-6): an image, video, template, document or
    approved content, with its origin, its confidentiality label and, for
    user-generated material, its authorization. brandrail keeps no bytes:
    ``uri`` says where the file lives.

    The label decides who may read it: 'public' and 'internal' every active
    principal; 'confidential' its owner, its department, holders of
    'asset.manage' and its named ``readers``; 'secret' its owner and named
    readers only. Only 'public', active, authorized assets may be used in
    content that goes out.
    """

    @property
    def id(self) -> int:
        """Identifier (what ``Engine.edit_content(..., assets=[...])`` lists)."""
    @property
    def kind(self) -> str:
        """What it is (one of ``ASSET_KINDS``), e.g. 'image'."""
    @property
    def name(self) -> str:
        """Name (a template's name is what versions declare as ``template``)."""
    @property
    def uri(self) -> str:
        """Where the file lives (a storage key or URL)."""
    @property
    def source(self) -> str:
        """Origin (one of ``ASSET_SOURCES``): 'internal', 'agency', 'licensed'
        or 'ugc'."""
    @property
    def label(self) -> str:
        """Confidentiality label (one of ``CONFIDENTIALITY_LABELS``): 'public',
        'internal', 'confidential' or 'secret'."""
    @property
    def department(self) -> str:
        """Department of the principal who added it (one of ``DEPARTMENTS``)."""
    @property
    def owner(self) -> str:
        """Handle of the principal who added it."""
    @property
    def state(self) -> str:
        """'active' or 'retired' (one of ``ASSET_STATES``)."""
    @property
    def authorization(self) -> Optional[UgcAuthorization]:
        """The authorization of user-generated material, or None."""
    @property
    def content_id(self) -> Optional[int]:
        """The content item it was taken from (kind 'content'), or None."""
    @property
    def readers(self) -> list[str]:
        """Handles of the principals who may read it whatever its label,
        sorted (a copy)."""
    @property
    def created_at(self) -> datetime:
        """When it was added (UTC)."""
    @property
    def retired_at(self) -> Optional[datetime]:
        """When it was retired, or None."""
    def authorized_at(self, at: datetime) -> bool:
        """Whether it may be used at ``at`` (a timezone-aware datetime): True
        unless it is user-generated without a signed authorization in force
        then."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready); ``authorization`` is a
        nested dict or None."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class HotDateOn:
    """A hot date of the policy's calendar on one day (CON-8): a holiday, a
    shopping festival, a trade show."""

    @property
    def date(self) -> _Date:
        """The day (a ``datetime.date``)."""
    @property
    def name(self) -> str:
        """Its name, e.g. '双十一'."""
    @property
    def kind(self) -> str:
        """Its kind: 'holiday', 'festival', 'shopping_festival', ..."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Theme:
    """A quarterly theme (CON-8): a stretch of days content is planned around,
    usually built on a hot date. Items join it with ``theme_id``."""

    @property
    def id(self) -> int:
        """Identifier (what ``Engine.plan_content(..., theme_id=...)`` takes)."""
    @property
    def name(self) -> str:
        """Name."""
    @property
    def starts(self) -> date:
        """First day (a ``datetime.date``)."""
    @property
    def ends(self) -> date:
        """Last day, inclusive (a ``datetime.date``)."""
    @property
    def hot_date(self) -> Optional[str]:
        """The hot date it is built around, by name, or None."""
    @property
    def description(self) -> str:
        """What it is about (may be empty)."""
    @property
    def created_by(self) -> str:
        """Handle of the principal who set it."""
    @property
    def created_at(self) -> datetime:
        """When it was set (UTC)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class PlanEntry:
    """One scheduled or published item in a publishing plan (CON-7), with its
    local day and time in the policy's time zone."""

    @property
    def item_id(self) -> int:
        """Id of the item."""
    @property
    def title(self) -> str:
        """Its title."""
    @property
    def channel(self) -> str:
        """Its channel."""
    @property
    def kind(self) -> str:
        """Its kind (one of ``CONTENT_KINDS``)."""
    @property
    def format(self) -> Optional[str]:
        """Its mix format, or None."""
    @property
    def ugc(self) -> bool:
        """Whether it is user-generated."""
    @property
    def state(self) -> str:
        """'scheduled', 'published' or 'retrospective'."""
    @property
    def at(self) -> datetime:
        """When it goes (went) out (UTC)."""
    @property
    def local_date(self) -> date:
        """Its local day in the policy's time zone (a ``datetime.date``)."""
    @property
    def local_time(self) -> str:
        """Its local time in the policy's time zone, 'HH:MM'."""
    @property
    def on_slot(self) -> Optional[bool]:
        """Whether it is on one of the channel's preferred slots; None when
        the channel has none."""
    @property
    def theme_id(self) -> Optional[int]:
        """Its theme's id, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class PlanIssue:
    """Something a publishing plan found (CON-7, CON-8): a period under its
    cadence target or over its cap, too few user-generated pieces, a mix
    format absent, a slot conflict, an off-slot item, a backlog, or a hot date
    without a theme."""

    @property
    def kind(self) -> str:
        """What kind (one of ``PLAN_ISSUE_KINDS``), e.g. 'missed_cadence'."""
    @property
    def severity(self) -> str:
        """'block' (over a cap) or 'warn'."""
    @property
    def channel(self) -> str:
        """The channel concerned; empty when none (a hot date)."""
    @property
    def period_start(self) -> Optional[date]:
        """First day of the period concerned, or the day (a ``datetime.date``);
        None for a backlog."""
    @property
    def expected(self) -> Optional[int]:
        """The expected count (target, cap, minimum), or None."""
    @property
    def actual(self) -> Optional[int]:
        """The actual count (days for a backlog), or None."""
    @property
    def item_ids(self) -> list[int]:
        """Ids of the items concerned (a copy)."""
    @property
    def message(self) -> str:
        """What it is, in words."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class PublishingPlan:
    """A publishing plan over whole local days ``from_`` to ``to`` (inclusive)
    in the policy's time zone (CON-7, CON-8): what is scheduled or was
    published, what needs attention, the hot dates in the range and the themes
    overlapping it. (``from`` is a Python keyword, hence ``from_``;
    ``to_dict()`` uses the key 'from'.)"""

    @property
    def from_(self) -> date:
        """First day (a ``datetime.date``)."""
    @property
    def to(self) -> date:
        """Last day, inclusive (a ``datetime.date``)."""
    @property
    def time_zone(self) -> str:
        """The policy's time zone, e.g. 'Asia/Shanghai'."""
    @property
    def entries(self) -> list[PlanEntry]:
        """Scheduled and published items, by time (a copy)."""
    @property
    def issues(self) -> list[PlanIssue]:
        """What needs attention: cadence per rule and period, then slot
        conflicts and off-slot items, backlog, and hot dates without a theme
        (a copy)."""
    @property
    def hot_dates(self) -> list[HotDateOn]:
        """Hot dates in the range, by day (a copy)."""
    @property
    def themes(self) -> list[Theme]:
        """Themes overlapping the range (a copy)."""
    def issues_of(self, kind: str) -> list[PlanIssue]:
        """The issues of one kind (one of ``PLAN_ISSUE_KINDS``); a bad kind
        raises ValidationError listing them."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists, with the keys 'from' and 'to';
        ``entries``, ``issues``, ``hot_dates`` and ``themes`` are lists of
        their items' ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...

def week_of(date: date) -> tuple[date, date]:
    """Monday and Sunday (``datetime.date``s) of the ISO week holding
    ``date``, a ``datetime.date``."""

def quarter(year: int, quarter: int) -> tuple[date, date]:
    """First and last day (``datetime.date``s) of quarter ``quarter`` (1 to 4)
    of ``year``; ValidationError otherwise."""

@final
class ContentVariant:
    """An A/B variant recorded on a content item (CON-8): an alternative title
    or copy, how it is written ('number', 'question' or 'plain'), its label
    ('A', 'B', ... per kind, in order of recording) and the impressions and
    clicks it earned."""

    @property
    def id(self) -> int:
        """Identifier (for ``Engine.record_variant_results``)."""
    @property
    def item_id(self) -> int:
        """Id of the item."""
    @property
    def kind(self) -> str:
        """What it replaces (one of ``VARIANT_KINDS``): 'title' or 'copy'."""
    @property
    def style(self) -> str:
        """How it is written (one of ``VARIANT_STYLES``): 'number', 'question'
        or 'plain'."""
    @property
    def label(self) -> str:
        """'A', 'B', ... in order of recording, per kind."""
    @property
    def text(self) -> str:
        """The text."""
    @property
    def created_by(self) -> str:
        """Handle of the principal who recorded it."""
    @property
    def created_at(self) -> datetime:
        """When it was recorded (UTC)."""
    @property
    def impressions(self) -> int:
        """Impressions reported so far."""
    @property
    def clicks(self) -> int:
        """Clicks reported so far (never more than ``impressions``)."""
    @property
    def click_rate(self) -> Optional[float]:
        """Clicks per impression, or None before any impression."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready), ``click_rate`` included."""
    def __eq__(self, other: object, /) -> bool: ...

def variant_style(text: str) -> str:
    """The style ``text`` is written in, as ``Engine.add_variant`` detects it:
    'question' when it ends with a question mark or a question particle (吗,
    呢), else 'number' when it holds a digit (ASCII, full-width or a Chinese
    numeral up to 十), else 'plain'."""

# ---------------------------------------------------------------- customers

@final
class Identity:
    """One identity of a customer: a phone number, an e-mail address, a WeChat
    openid or unionid, a membership number or a POS card.

    ``kind`` is one of ``IDENTITY_KINDS`` (another raises ValidationError);
    ``value`` is as given on input, checked and cleaned when ingested. On a
    ``Customer`` the value is the cleaned one, masked for readers without
    clearance. A dict ``{"kind": ..., "value": ...}`` or a ``(kind, value)``
    pair works too wherever an Identity is accepted.
    """

    def __init__(self, kind: str, value: str) -> None: ...
    @property
    def kind(self) -> str:
        """What it is (one of ``IDENTITY_KINDS``), e.g. 'phone'."""
    @property
    def value(self) -> str:
        """The value: as given on input; cleaned (or masked) when read back."""
    def to_dict(self) -> dict[str, Any]:
        """``{"kind": ..., "value": ...}`` (accepted back wherever an Identity is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class CustomerRecord:
    """One incoming customer record for ``Engine.ingest_customers``. A plain
    dict with the same keys works too.

    ``identities`` (at least one) are ``Identity``s, dicts ``{"kind",
    "value"}`` or ``(kind, value)`` pairs, each kind one of
    ``IDENTITY_KINDS`` (another raises ValidationError here; in a dict row it
    is a row error instead). ``name`` is the customer's name, if known;
    ``profile`` holds, as strings, general-class fields of the policy
    (``crm.data_classes.general``: 'region', 'age_band', 'habits', ...) and
    its core-class fields that are not identities ('address', 'birth_date'),
    which are sealed at rest like the name; a birth date is cleaned to
    YYYY-MM-DD ('1990/3/7', '19900307' and '1990年3月7日' are read too).
    ``purpose`` (CRM-5) is a declared purpose of the policy (a key of
    ``crm.declared_purposes``; the default policy ships
    'cross_border_real_name', which allows 'national_id'): with it, a refused
    field the purpose allows is accepted, sealed and masked like a core
    field, and the purpose is recorded with the customer (exported, erased
    with them). The values are checked when ingested: a bad one is a
    ``RowError`` of the batch (an unknown purpose: 'validation' on field
    'purpose'; a refused field no declared purpose allows:
    'policy_violation').
    """

    def __init__(
        self,
        identities: Iterable[_IdentityLike],
        *,
        name: Optional[str] = None,
        profile: Optional[Mapping[str, str]] = None,
        purpose: Optional[str] = None,
    ) -> None: ...
    @property
    def identities(self) -> list[Identity]:
        """The identities, in input order (a copy)."""
    @property
    def name(self) -> Optional[str]:
        """The customer's name, or None."""
    @property
    def profile(self) -> dict[str, str]:
        """Profile fields, general and core class, as given (a copy)."""
    @property
    def purpose(self) -> Optional[str]:
        """The declared purpose (CRM-5), as given, or None."""
    def to_dict(self) -> dict[str, Any]:
        """``{"identities": [{"kind", "value"}, ...], "name": ..., "profile":
        {...}, "purpose": ...}`` (accepted back wherever a CustomerRecord
        is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class RowError:
    """Why one row of a batch (``Engine.ingest_customers``,
    ``Engine.record_interactions``, ``Engine.record_mentions``) was refused;
    the row changed nothing."""

    @property
    def row(self) -> int:
        """Index of the row in the batch, from 0."""
    @property
    def field(self) -> str:
        """The field at fault, relative to the row: 'identities',
        'identities[0].phone', 'identities[1].kind', 'name',
        'profile.national_id', 'profile.birth_date', 'purpose', ...; for an
        interaction 'customer_id', 'kind', 'at', 'page', 'amount' or
        'channel'; for a mention 'platform', 'author', 'text', 'at', 'url' or
        'reach'."""
    @property
    def code(self) -> str:
        """'validation' (a bad value), 'policy_violation' (a field the policy
        refuses, rule CRM-5) or 'not_found' (an interaction of an unknown or
        erased customer): the codes of ValidationError, PolicyViolationError
        and NotFoundError."""
    @property
    def message(self) -> str:
        """What is wrong; never the refused value itself."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class IngestReport:
    """What ``Engine.ingest_customers`` did: counts, the customer each row
    landed on, and the refused rows."""

    @property
    def rows(self) -> int:
        """Rows given."""
    @property
    def created(self) -> int:
        """New customers."""
    @property
    def updated(self) -> int:
        """Rows that matched known customers and updated one."""
    @property
    def merged(self) -> int:
        """Customers merged into another because a row joined their
        identities (CRM-2)."""
    @property
    def customer_ids(self) -> list[Optional[int]]:
        """For every row, in input order, the id of the customer it landed
        on, or None when it was refused (a copy)."""
    @property
    def purposes_declared(self) -> int:
        """Rows that declared a purpose (CRM-5) and landed, the purpose
        recorded with their customer."""
    @property
    def errors(self) -> list[RowError]:
        """The refused rows, in row order."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``errors`` is a list of their
        ``to_dict()`` (``pandas.DataFrame(report.to_dict()["errors"])``)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Customer:
    """A customer as read back (CRM-6). Without the reader's clearance
    ('crm.read_sensitive') identities, name and profile values are masked
    (``masked`` is True): '138****8000', 'l***@example.com', '李**', '***'."""

    @property
    def id(self) -> int:
        """Identifier: the surviving one after merges (a merged id reads as
        its survivor)."""
    @property
    def identities(self) -> list[Identity]:
        """Identities, cleaned ('13800138000', 'li.na@example.com'), by kind
        and value; masked without clearance."""
    @property
    def name(self) -> Optional[str]:
        """Name, or None; masked without clearance."""
    @property
    def profile(self) -> dict[str, str]:
        """Profile fields, general and core class ('address', 'birth_date',
        cleaned); each value '***' without clearance (a copy)."""
    @property
    def merged_ids(self) -> list[int]:
        """Ids of the customers merged into this one."""
    @property
    def masked(self) -> bool:
        """Whether values are shown masked."""
    @property
    def created_at(self) -> datetime:
        """First seen (UTC)."""
    @property
    def updated_at(self) -> datetime:
        """Last changed (UTC)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``identities`` is a list of
        ``{"kind", "value"}`` dicts."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class MergeUndone:
    """What ``Engine.undo_merge`` did (CRM-2): the customer restored, the one
    it had been merged into, and how many identities went back to it."""

    @property
    def customer_id(self) -> int:
        """The customer restored: a customer of its own again."""
    @property
    def survivor_id(self) -> int:
        """The customer it had been merged into."""
    @property
    def identities_restored(self) -> int:
        """Identities the merge had moved, now back with the restored
        customer."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Consent:
    """The consent in force for one channel and purpose of a customer
    (CRM-8): the latest decision recorded for them, with its evidence."""

    @property
    def channel(self) -> str:
        """Channel ('sms', 'email', 'wechat', 'phone_call', ...)."""
    @property
    def purpose(self) -> str:
        """Purpose ('marketing', 'service', 'survey', ...)."""
    @property
    def granted(self) -> bool:
        """Whether it is granted now (False: withdrawn)."""
    @property
    def evidence(self) -> str:
        """Where the decision comes from (form id, checkbox text, call
        reference)."""
    @property
    def recorded_at(self) -> datetime:
        """When it was recorded (UTC)."""
    @property
    def recorded_by(self) -> str:
        """Handle of the principal who recorded it."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Erasure:
    """What ``Engine.erase_customer`` removed (CRM-7)."""

    @property
    def customer_ids(self) -> list[int]:
        """The customer ids erased: the customer, then those merged into it."""
    @property
    def rows_removed(self) -> int:
        """Rows of personal data removed (identities, source records,
        consents, sends, interactions)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class NewInteraction:
    """One interaction to record with ``Engine.record_interactions``
    (CRM-3). A plain dict with the same keys works too.

    ``customer_id`` is the customer (a merged id records on its survivor);
    ``kind`` one of ``INTERACTION_KINDS`` (another raises ValidationError
    here; in a dict row it is a row error instead); ``at`` a timezone-aware
    datetime. ``page`` (the page or click-path step: 'home', 'product', a URL
    path) is required for views, clicks and path steps; ``amount``, exact
    money (a ``decimal.Decimal``, an int or a decimal string such as
    '299.00'; a float raises TypeError, text that is not an amount
    ValidationError), is required for a purchase and refused for anything
    else; ``channel`` is where it happened ('wechat_mini_program', 'pos',
    ...; an identifier). The values are checked when recorded: a bad one is
    a ``RowError`` of the batch.
    """

    def __init__(
        self,
        customer_id: int,
        kind: str,
        at: datetime,
        *,
        page: Optional[str] = None,
        amount: Optional[_Money] = None,
        channel: Optional[str] = None,
    ) -> None: ...
    @property
    def customer_id(self) -> int:
        """The customer."""
    @property
    def kind(self) -> str:
        """What happened (one of ``INTERACTION_KINDS``), e.g. 'purchase'."""
    @property
    def at(self) -> datetime:
        """When (UTC)."""
    @property
    def page(self) -> Optional[str]:
        """The page or click-path step, or None."""
    @property
    def amount(self) -> Optional[Decimal]:
        """The amount of a purchase as ``decimal.Decimal`` (its scale kept),
        or None."""
    @property
    def channel(self) -> Optional[str]:
        """Where it happened, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (accepted back wherever a
        NewInteraction is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class InteractionReport:
    """What ``Engine.record_interactions`` did: counts and the refused
    rows."""

    @property
    def rows(self) -> int:
        """Rows given."""
    @property
    def recorded(self) -> int:
        """Rows recorded."""
    @property
    def errors(self) -> list[RowError]:
        """The refused rows, in row order."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``errors`` is a list of their
        ``to_dict()`` (``pandas.DataFrame(report.to_dict()["errors"])``)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Interaction:
    """An interaction as read back (CRM-3). Without the reader's clearance
    ('crm.read_sensitive') the page reads '***' and the amount None."""

    @property
    def kind(self) -> str:
        """What happened (one of ``INTERACTION_KINDS``)."""
    @property
    def at(self) -> datetime:
        """When (UTC)."""
    @property
    def page(self) -> Optional[str]:
        """The page or click-path step, or None; '***' without clearance."""
    @property
    def amount(self) -> Optional[Decimal]:
        """The amount of a purchase as ``decimal.Decimal`` (its scale kept);
        None for other kinds and without clearance."""
    @property
    def channel(self) -> Optional[str]:
        """Where it happened, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class PurchaseSummary:
    """A customer's purchases (CRM-3): how many, their total, the average
    order value and the first and last."""

    @property
    def count(self) -> int:
        """Number of purchases."""
    @property
    def total(self) -> Decimal:
        """Their total as ``decimal.Decimal``."""
    @property
    def average_order_value(self) -> Decimal:
        """Average order value (total / count) as ``decimal.Decimal``, 2
        decimals; 0 without purchases."""
    @property
    def first_at(self) -> Optional[datetime]:
        """First purchase (UTC), or None."""
    @property
    def last_at(self) -> Optional[datetime]:
        """Last purchase (UTC), or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class FunnelStep:
    """One step of a ``Funnel``: its page and how many customers reached
    it."""

    @property
    def page(self) -> str:
        """The page of the step."""
    @property
    def customers(self) -> int:
        """Customers who reached it, having reached every step before it in
        order."""
    def to_dict(self) -> dict[str, Any]:
        """``{"page": ..., "customers": ...}``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Funnel:
    """How many customers reached each step of a click-path funnel, in order
    (CRM-3). Counts only: no customer is named."""

    @property
    def steps(self) -> list[FunnelStep]:
        """The steps in the order given, each with the customers who reached
        it (a copy)."""
    def to_dict(self) -> dict[str, Any]:
        """``{"steps": [{"page", "customers"}, ...]}``
        (``pandas.DataFrame(funnel.to_dict()["steps"])``)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Segment:
    """A segment (CRM-4): a named rule and its members as of its last
    refresh, which the read itself did. Personas of the policy have origin
    'policy'; segments defined with ``Engine.define_segment`` have origin
    'custom'."""

    @property
    def name(self) -> str:
        """Name (a persona's key for policy segments), e.g.
        'loyal_members'."""
    @property
    def origin(self) -> str:
        """'policy' (a persona, changed only with the policy) or 'custom' (one
        of ``SEGMENT_ORIGINS``)."""
    @property
    def label(self) -> str:
        """Display name."""
    @property
    def description(self) -> str:
        """What it is for."""
    @property
    def rule(self) -> dict[str, Any]:
        """Who belongs: the rule as a plain dict in core's JSON form (defaults
        filled in, e.g. an events condition's ``at_least``), accepted back by
        ``define_segment`` and ``count_customers`` (a copy)."""
    @property
    def members(self) -> int:
        """Members now."""
    @property
    def refreshed_at(self) -> datetime:
        """When the members were last brought up to date (UTC)."""
    @property
    def defined_by(self) -> str:
        """Who defined it ('policy' for personas)."""
    @property
    def defined_at(self) -> datetime:
        """When it was defined (UTC)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and values (``rule`` as a dict)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class SegmentRefresh:
    """What refreshing one segment did (``Engine.refresh_segments``)."""

    @property
    def name(self) -> str:
        """The segment."""
    @property
    def full(self) -> bool:
        """Whether every customer was evaluated; otherwise only those changed
        since the last refresh and those whose events left one of the rule's
        windows."""
    @property
    def evaluated(self) -> int:
        """Customers evaluated."""
    @property
    def added(self) -> int:
        """Customers who joined."""
    @property
    def removed(self) -> int:
        """Customers who left."""
    @property
    def members(self) -> int:
        """Members now."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class SegmentMember:
    """One member of a segment with its derived standing."""

    @property
    def customer_id(self) -> int:
        """The customer."""
    @property
    def stage(self) -> str:
        """Lifecycle stage now (one of ``LIFECYCLE_STAGES``)."""
    @property
    def tier(self) -> Optional[str]:
        """Community tier (one of ``COMMUNITY_TIERS``), or None when the
        customer has not joined a community."""
    def to_dict(self) -> dict[str, Any]:
        """``{"customer_id", "stage", "tier"}`` (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Standing:
    """A customer's derived standing (CRM-4) and the behaviour behind it,
    over the policy's lifecycle window (``crm.lifecycle.window_days``)."""

    @property
    def customer_id(self) -> int:
        """The customer (a merged id reads as its survivor)."""
    @property
    def stage(self) -> str:
        """Lifecycle stage (one of ``LIFECYCLE_STAGES``)."""
    @property
    def tier(self) -> Optional[str]:
        """Community tier (one of ``COMMUNITY_TIERS``), or None when the
        customer has not joined a community."""
    @property
    def engagements(self) -> int:
        """Views, clicks and path steps in the window."""
    @property
    def product_views(self) -> int:
        """Views and path steps of product pages in the window."""
    @property
    def purchases_in_window(self) -> int:
        """Purchases in the window."""
    @property
    def window_days(self) -> int:
        """The window, in days."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class LifecycleDistribution:
    """How the live customers spread over lifecycle stages and community
    tiers."""

    @property
    def customers(self) -> int:
        """Live customers."""
    @property
    def awareness(self) -> int:
        """Customers in stage 'awareness'."""
    @property
    def interest(self) -> int:
        """Customers in stage 'interest'."""
    @property
    def decision(self) -> int:
        """Customers in stage 'decision'."""
    @property
    def loyalty(self) -> int:
        """Customers in stage 'loyalty'."""
    @property
    def tier_new(self) -> int:
        """Community members of tier 'new'."""
    @property
    def tier_repeat(self) -> int:
        """Community members of tier 'repeat'."""
    @property
    def tier_vip(self) -> int:
        """Community members of tier 'vip'."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Rfm:
    """One customer's RFM over the policy's window
    (``crm.value.rfm_window_days``): recency, frequency and monetary value,
    each scored 1-5 by quintile among the customers who bought in the window
    (5 = most recent, most frequent, highest spend; tied values share the
    lower score)."""

    @property
    def customer_id(self) -> int:
        """The customer (purchases of customers merged into it count for
        it)."""
    @property
    def last_purchase_at(self) -> datetime:
        """Last purchase (UTC)."""
    @property
    def recency_days(self) -> int:
        """Whole days since the last purchase."""
    @property
    def frequency(self) -> int:
        """Purchases in the window."""
    @property
    def monetary(self) -> Decimal:
        """Their total as ``decimal.Decimal``."""
    @property
    def recency_score(self) -> int:
        """1-5, 5 = most recent."""
    @property
    def frequency_score(self) -> int:
        """1-5, 5 = most frequent."""
    @property
    def monetary_score(self) -> int:
        """1-5, 5 = highest spend."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ValueReport:
    """Value figures of a period (CRM-11): buyers, purchases, revenue,
    average order value, purchase frequency, repurchase rate, customers first
    seen, CAC, LTV and LTV / CAC. Aggregates only: no customer is named."""

    @property
    def from_(self) -> datetime:
        """Start of the period, inclusive (UTC). (``from`` is a Python
        keyword; ``to_dict()`` uses 'from'.)"""
    @property
    def to(self) -> datetime:
        """End of the period, exclusive (UTC)."""
    @property
    def buyers(self) -> int:
        """Customers who bought in the period."""
    @property
    def purchases(self) -> int:
        """Purchases in the period."""
    @property
    def revenue(self) -> Decimal:
        """Their total as ``decimal.Decimal``."""
    @property
    def average_order_value(self) -> Decimal:
        """Revenue / purchases as ``decimal.Decimal``, 2 decimals (0.00
        without purchases)."""
    @property
    def purchase_frequency(self) -> float:
        """Purchases per buyer (0.0 without buyers)."""
    @property
    def repeat_buyers(self) -> int:
        """Buyers with two or more purchases in the period."""
    @property
    def repurchase_rate(self) -> float:
        """Repeat buyers / buyers (0.0 without buyers)."""
    @property
    def new_customers(self) -> int:
        """Customers first seen in the period (merged duplicates not
        counted)."""
    @property
    def acquisition_spend(self) -> Optional[Decimal]:
        """The acquisition spend given, as ``decimal.Decimal``, or None."""
    @property
    def cac(self) -> Optional[Decimal]:
        """Customer acquisition cost: spend / new customers as
        ``decimal.Decimal``, 2 decimals; None without a spend or without new
        customers."""
    @property
    def ltv(self) -> Decimal:
        """Lifetime value per customer as ``decimal.Decimal``, 2 decimals:
        average order value x purchases per buyer per year x the policy's
        ``crm.value.lifespan_years`` x ``crm.value.gross_margin``."""
    @property
    def ltv_to_cac(self) -> Optional[float]:
        """LTV / CAC, or None when CAC is unknown or zero."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (the period's start under 'from')."""
    def __eq__(self, other: object, /) -> bool: ...

# ---------------------------------------------------------------- fuzzy duplicates (CRM-2)

@final
class MatchReason:
    """Why two customers look alike: one field's similarity."""

    @property
    def field(self) -> str:
        """The field compared: 'name', 'address' or 'birth_date'."""
    @property
    def similarity(self) -> float:
        """How alike the two values are, from 0.0 to 1.0 (names:
        Jaro-Winkler; addresses: bigram Dice; birth dates: 1.0 equal, 0.8 one
        digit apart or day and month swapped, else 0.0)."""
    def to_dict(self) -> dict[str, Any]:
        """``{"field": ..., "similarity": ...}``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class DuplicateCandidate:
    """Two customers who share no identity but may be one person (CRM-2),
    for a data steward to merge (``Engine.merge_customers``) or mark distinct
    (``Engine.mark_distinct``)."""

    @property
    def customer_id(self) -> int:
        """The older customer: the survivor if the two are merged."""
    @property
    def other_id(self) -> int:
        """The newer customer."""
    @property
    def score(self) -> float:
        """The weighted similarity over the fields both have, from 0.0 to 1.0
        (name 0.4, address 0.35, birth date 0.25)."""
    @property
    def reasons(self) -> list[MatchReason]:
        """One ``MatchReason`` per field both customers have, in the order
        name, address, birth date (a copy)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``reasons`` is a list of their
        ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class CandidateReport:
    """What ``Engine.duplicate_candidates`` found: how many customers and
    pairs it looked at, the blocks it skipped for size, the threshold used
    and the candidates, best first."""

    @property
    def customers(self) -> int:
        """Live customers looked at."""
    @property
    def pairs_compared(self) -> int:
        """Pairs scored (only customers sharing a birth date, a name, surname
        and birth year, or surname and address prefix are compared)."""
    @property
    def blocks_skipped(self) -> int:
        """Blocks of more than ``MAX_DUPLICATE_BLOCK`` customers, skipped."""
    @property
    def threshold(self) -> float:
        """The threshold used: the one given, else the policy's
        ``crm.fuzzy_match_threshold``."""
    @property
    def candidates(self) -> list[DuplicateCandidate]:
        """The ``DuplicateCandidate``s at or above the threshold, best first,
        at most the ``limit`` asked for (a copy)."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``candidates`` is a list of
        their ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...

# ---------------------------------------------------------------- customer service (CRM-9)

@final
class NewTicket:
    """A ticket to open with ``Engine.open_ticket`` (CRM-9). A plain dict
    with the same keys works too.

    ``channel`` is where it came in ('wechat', 'phone', 'email', 'app', ...;
    an identifier); ``category`` one of ``TICKET_CATEGORIES`` ('question',
    'complaint', 'request'; another raises ValidationError); ``subject`` a
    subject line (display text, not empty); ``body`` the customer's words (1
    byte to 64 KiB, no control characters but tab and newlines);
    ``customer_id`` the customer, when known (a merged id opens on its
    survivor). The values are checked when the ticket is opened.
    """

    def __init__(
        self,
        *,
        channel: str,
        category: str,
        subject: str,
        body: str,
        customer_id: Optional[int] = None,
    ) -> None: ...
    @property
    def customer_id(self) -> Optional[int]:
        """The customer, or None."""
    @property
    def channel(self) -> str:
        """Where it came in."""
    @property
    def category(self) -> str:
        """What it is about (one of ``TICKET_CATEGORIES``)."""
    @property
    def subject(self) -> str:
        """The subject line."""
    @property
    def body(self) -> str:
        """The customer's words."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (accepted back wherever a NewTicket
        is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class TicketResponse:
    """A response on a ticket."""

    @property
    def at(self) -> datetime:
        """When (UTC)."""
    @property
    def by(self) -> str:
        """Who: a principal's handle, or 'auto:<key>' for an auto-answer of
        the policy ('auto:shipping')."""
    @property
    def message(self) -> str:
        """The text."""
    def to_dict(self) -> dict[str, Any]:
        """``{"at", "by", "message"}``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Ticket:
    """A service ticket as read back (CRM-9), with its responses. Subject,
    body and responses are sealed at rest and empty after the customer's
    erasure."""

    @property
    def id(self) -> int:
        """Identifier."""
    @property
    def customer_id(self) -> Optional[int]:
        """The customer, or None when unknown (or erased)."""
    @property
    def channel(self) -> str:
        """Where it came in."""
    @property
    def category(self) -> str:
        """What it is about (one of ``TICKET_CATEGORIES``)."""
    @property
    def subject(self) -> str:
        """The subject line ('' after the customer's erasure)."""
    @property
    def body(self) -> str:
        """The customer's words ('' after the customer's erasure)."""
    @property
    def department(self) -> str:
        """The responsible department (one of ``DEPARTMENTS``): where a
        complaint was routed by what it mentions, else the policy's
        ``crm.service.default_department``."""
    @property
    def state(self) -> str:
        """'open', 'answered' or 'resolved' (one of ``TICKET_STATES``)."""
    @property
    def opened_at(self) -> datetime:
        """Opened (UTC)."""
    @property
    def opened_by(self) -> str:
        """Handle of the principal who opened it."""
    @property
    def first_response_due(self) -> datetime:
        """When the first response is due (UTC):
        ``crm.service.first_response_minutes`` (10) after opening."""
    @property
    def first_response_at(self) -> Optional[datetime]:
        """The first response (UTC), or None."""
    @property
    def within_sla(self) -> Optional[bool]:
        """Whether the first response came by the deadline; None while none
        came."""
    @property
    def auto_answer(self) -> Optional[str]:
        """The key of the policy's auto-answer given at once ('shipping'), or
        None."""
    @property
    def responses(self) -> list[TicketResponse]:
        """The ``TicketResponse``s, oldest first (a copy)."""
    @property
    def resolved_at(self) -> Optional[datetime]:
        """Resolved (UTC), or None."""
    @property
    def satisfaction(self) -> Optional[int]:
        """The customer's satisfaction score (1 to
        ``crm.service.satisfaction_scale``), or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``responses`` is a list of
        their ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class DepartmentCount:
    """Complaints routed to one department in a ``ServiceReport``."""

    @property
    def department(self) -> str:
        """The department (one of ``DEPARTMENTS``)."""
    @property
    def count(self) -> int:
        """Complaints it is responsible for."""
    def to_dict(self) -> dict[str, Any]:
        """``{"department": ..., "count": ...}``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class ServiceReport:
    """Service figures of the tickets opened in a period (CRM-9): counts and
    averages only, no customer named."""

    @property
    def from_(self) -> datetime:
        """Start of the period, inclusive (UTC). (``from`` is a Python
        keyword; ``to_dict()`` uses 'from'.)"""
    @property
    def to(self) -> datetime:
        """End of the period, exclusive (UTC)."""
    @property
    def tickets(self) -> int:
        """Tickets opened."""
    @property
    def auto_answered(self) -> int:
        """Answered at once from the policy's auto-answers."""
    @property
    def responded(self) -> int:
        """With a first response."""
    @property
    def within_sla(self) -> int:
        """First response by the deadline."""
    @property
    def sla_rate(self) -> float:
        """``within_sla`` / the tickets responded to or overdue (1.0 when
        none)."""
    @property
    def average_first_response_minutes(self) -> Optional[float]:
        """Mean minutes to the first response over those responded, or
        None."""
    @property
    def overdue(self) -> int:
        """Without a first response and past the deadline now."""
    @property
    def complaints(self) -> int:
        """Complaints."""
    @property
    def complaints_by_department(self) -> list[DepartmentCount]:
        """Complaints per responsible department, a ``DepartmentCount`` each,
        by department name (a copy)."""
    @property
    def rated(self) -> int:
        """Tickets the customer scored."""
    @property
    def satisfaction_average(self) -> Optional[float]:
        """Mean satisfaction score, or None without scores."""
    @property
    def satisfaction_target(self) -> float:
        """The policy's target (``crm.service.satisfaction_target``, 4.8)."""
    @property
    def meets_target(self) -> Optional[bool]:
        """Whether the mean reaches the target; None without scores."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists (the period's start under
        'from'; ``complaints_by_department`` a list of ``{"department",
        "count"}``)."""
    def __eq__(self, other: object, /) -> bool: ...

# ---------------------------------------------------------------- public-opinion watch (CRM-10)

@final
class NewMention:
    """One mention to record with ``Engine.record_mentions`` (CRM-10). A
    plain dict with the same keys works too.

    ``platform`` is where it was said ('weibo', 'douyin', 'xiaohongshu',
    'zhihu', 'tieba', a forum; an identifier); ``author`` the author's handle
    there; ``text`` what was said; ``at`` when, a timezone-aware datetime (at
    most a day ahead); ``url`` an http(s) link, if any; ``reach`` the
    followers or views, if known (an int, 0 or more; another raises
    ValidationError here, in a dict row it is a row error instead). The
    values are checked when recorded: a bad one is a ``RowError`` of the
    batch.
    """

    def __init__(
        self,
        platform: str,
        author: str,
        text: str,
        at: datetime,
        *,
        url: Optional[str] = None,
        reach: Optional[int] = None,
    ) -> None: ...
    @property
    def platform(self) -> str:
        """Where it was said."""
    @property
    def author(self) -> str:
        """The author's handle there."""
    @property
    def text(self) -> str:
        """What was said."""
    @property
    def at(self) -> datetime:
        """When (UTC)."""
    @property
    def url(self) -> Optional[str]:
        """The link, or None."""
    @property
    def reach(self) -> Optional[int]:
        """Followers or views, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (accepted back wherever a NewMention
        is)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class OpinionAlert:
    """An alert raised by a mention (CRM-10): the brand and an alert keyword
    in it. Sensitive and major alerts are escalated to the supervisors; a
    major one opens a ``Crisis`` at once."""

    @property
    def id(self) -> int:
        """Identifier."""
    @property
    def mention_id(self) -> int:
        """The mention that raised it (``MentionReport.mention_ids``)."""
    @property
    def platform(self) -> str:
        """The mention's platform."""
    @property
    def severity(self) -> str:
        """'normal', 'sensitive' or 'major' (one of ``ALERT_SEVERITIES``)."""
    @property
    def keywords(self) -> list[str]:
        """The configured words that matched, as the policy writes them
        (brand names and keywords; '差评' for '差 评') (a copy)."""
    @property
    def escalated(self) -> bool:
        """Whether it was escalated to the supervisors (sensitive and
        major)."""
    @property
    def crisis_id(self) -> Optional[int]:
        """The crisis case it belongs to, or None."""
    @property
    def state(self) -> str:
        """'open' or 'handled'."""
    @property
    def raised_at(self) -> datetime:
        """Raised (UTC)."""
    @property
    def handled_at(self) -> Optional[datetime]:
        """Handled (UTC), or None."""
    @property
    def handled_by(self) -> Optional[str]:
        """Handle of the principal who handled it, or None."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class MentionReport:
    """What ``Engine.record_mentions`` did: counts, the mention each row
    became, the alerts raised, the crisis cases opened and the refused
    rows."""

    @property
    def rows(self) -> int:
        """Rows given."""
    @property
    def recorded(self) -> int:
        """Mentions recorded."""
    @property
    def mention_ids(self) -> list[Optional[int]]:
        """For every row, in input order, the id of the mention recorded, or
        None when it was refused (a copy)."""
    @property
    def alerts(self) -> list[OpinionAlert]:
        """The ``OpinionAlert``s raised, in row order (a copy)."""
    @property
    def crises_opened(self) -> list[int]:
        """Ids of the crisis cases major alerts opened."""
    @property
    def errors(self) -> list[RowError]:
        """The refused rows, in row order."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as plain dicts and lists: ``alerts`` and ``errors`` are
        lists of their ``to_dict()``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Crisis:
    """A crisis case (CRM-10): its kind's response template, the department
    that leads and the one that reviews, and a first-response deadline
    (``crm.crisis.first_response_hours``, 2 h)."""

    @property
    def id(self) -> int:
        """Identifier."""
    @property
    def kind(self) -> str:
        """Kind: a key of the policy's ``crm.crisis.kinds``
        ('product_quality', 'data_leak', 'general')."""
    @property
    def summary(self) -> str:
        """What happened."""
    @property
    def lead_department(self) -> str:
        """The department leading the response (one of ``DEPARTMENTS``)."""
    @property
    def review_department(self) -> str:
        """The department reviewing it (one of ``DEPARTMENTS``)."""
    @property
    def template(self) -> str:
        """The kind's response template (话术模板)."""
    @property
    def opened_at(self) -> datetime:
        """Opened (UTC)."""
    @property
    def opened_by(self) -> str:
        """Handle of the principal who opened it, or 'auto' when a major
        alert did."""
    @property
    def first_response_due(self) -> datetime:
        """When the first response is due (UTC)."""
    @property
    def first_response_at(self) -> Optional[datetime]:
        """The first response (UTC), or None."""
    @property
    def statement(self) -> Optional[str]:
        """The statement given (the latest), or None."""
    @property
    def within_deadline(self) -> Optional[bool]:
        """Whether the first response came by the deadline; None while none
        came."""
    @property
    def closed_at(self) -> Optional[datetime]:
        """Closed (UTC), or None."""
    @property
    def alert_ids(self) -> list[int]:
        """Ids of its alerts."""
    def to_dict(self) -> dict[str, Any]:
        """The fields as a plain dict (pandas-ready)."""
    def __eq__(self, other: object, /) -> bool: ...

# ---------------------------------------------------------------- policy

@final
class Policy:
    """A company's whole governance policy: every number of the rule book as
    validated data. Immutable; the ``overlay*`` methods return a new Policy.

    Build one from the shipped default pack, TOML, JSON or a dict; install it
    with ``Engine.replace_policy``. Every constructor validates and raises
    ValidationError naming the path of the first bad field
    ('budget.split.fixed') and the problem. Money fields (e.g.
    'crm.community.vip_min_spend') are exact decimals written as strings in
    JSON and in ``to_dict()``; ``decimal.Decimal`` is accepted on input.
    Policies pickle.
    """

    @staticmethod
    def default() -> Policy:
        """The shipped default policy pack."""
    @staticmethod
    def default_toml() -> str:
        """The shipped default pack as commented TOML: a starting point for a
        company's own document."""
    @staticmethod
    def from_toml(text: str) -> Policy:
        """Parse and validate a complete policy document in TOML."""
    @staticmethod
    def from_json(text: str) -> Policy:
        """Parse and validate a complete policy document in JSON."""
    @staticmethod
    def from_dict(document: _PolicyDocument) -> Policy:
        """Validate a complete policy document given as a dict (e.g. from ``to_dict()``)."""
    def overlay_toml(self, text: str) -> Policy:
        """This policy with the fields of the TOML ``text`` replaced: tables merge
        key by key, arrays and values replace. The result is validated."""
    def overlay_json(self, text: str) -> Policy:
        """As ``overlay_toml``, for a JSON object."""
    def overlay(self, patch: _PolicyDocument) -> Policy:
        """As ``overlay_toml``, for a dict such as
        ``{"access": {"zombie_after_months": 3}}``."""
    def to_toml(self) -> str:
        """The document as TOML."""
    def to_json(self) -> str:
        """The document as JSON."""
    def to_dict(self) -> dict[str, Any]:
        """The document as nested dicts and lists; money fields are strings."""
    def problems(self) -> list[tuple[str, str]]:
        """Every problem with this document as ``(path, message)`` pairs; empty
        when it is valid (which every Policy built by this library is)."""
    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the canonical JSON form; identifies a policy version."""
    def __getitem__(self, path: str, /) -> Any:
        """The value at a dotted path, e.g. ``policy["budget.split.fixed"]``
        (list items by index: 'scoring.grades.0.grade'). KeyError when absent."""
    def get(self, path: str, default: Any = None) -> Any:
        """The value at a dotted path, or ``default`` when absent."""
    def __eq__(self, other: object, /) -> bool: ...

# ---------------------------------------------------------------- engine

@final
class Engine:
    """The brandrail engine: one handle on one database.

    Open it with ``Engine.open(path)`` or ``Engine.in_memory()``. Every mutating
    method takes the acting principal's handle first, checks its permission,
    validates, applies and appends an audit record in one transaction: a call
    that raises changed nothing (a refused one only recorded the refusal).

    One Engine may be shared by any number of threads; calls are serialized on
    the handle and run without holding the GIL. Several processes may open the
    same file. Datetimes are timezone-aware (naive ones raise ValidationError);
    departments, platforms, permissions, subject kinds and approval states are
    plain strings; money is ``decimal.Decimal``.
    """

    @staticmethod
    def open(
        path: _StrPath,
        *,
        busy_timeout: float = 5.0,
        secret_key: Optional[bytes] = None,
        clock_start: Optional[datetime] = None,
    ) -> Engine:
        """Open (or create) the database file at ``path``.

        ``busy_timeout`` is how many seconds a write waits for another process's
        write before raising BusyError. ``secret_key`` (32 bytes, kept outside
        the database) encrypts stored credentials and customer data; without
        it, calls that store or reveal either raise ConfigurationError.
        ``clock_start`` (a timezone-aware datetime) runs this handle on a
        manual clock showing that time, moved only by ``advance_clock`` and
        ``set_clock``: for tests, replays and simulations. Without it the
        engine uses the system clock. The clock belongs to the handle, not the
        file: reopening without ``clock_start`` runs on the system clock
        again.

        A file that is not a brandrail database or comes from a newer version
        raises IncompatibleDatabaseError, a damaged one CorruptDatabaseError;
        either way the file is left untouched.
        """
    @staticmethod
    def in_memory(
        *,
        secret_key: Optional[bytes] = None,
        clock_start: Optional[datetime] = None,
    ) -> Engine:
        """A private engine in memory, for tests and notebooks; gone when dropped.
        ``secret_key`` and ``clock_start`` as for ``open``."""
    @property
    def path(self) -> Optional[Path]:
        """The database file, or None for an in-memory engine."""
    def now(self) -> datetime:
        """The engine clock's current time (timezone-aware, UTC, to the
        millisecond). Every timestamp the engine writes comes from this clock."""
    def advance_clock(self, by: timedelta) -> datetime:
        """Move the manual clock by ``by`` (a negative timedelta moves it back)
        and return the new time. Deadlines, overdue flags, delegations and idle
        times all follow. Raises ConfigurationError unless the engine was
        opened with ``clock_start``, ValidationError (field 'by') for a move
        out of the years 1970-9999."""
    def set_clock(self, to: datetime) -> datetime:
        """Set the manual clock to ``to`` (a timezone-aware datetime) and
        return the new time; errors as for ``advance_clock`` (field 'to')."""

    # -- principals and roles
    def bootstrap(
        self,
        *,
        handle: str,
        display_name: str,
        department: str,
        roles: Optional[list[str]] = None,
    ) -> Principal:
        """Create the first principal of a fresh database: an account
        administrator of an account-administration department ('it' by default).

        Raises ConflictError once any principal exists, PolicyViolationError if
        the principal could not administer accounts.
        """
    def create_principal(
        self,
        actor: str,
        *,
        handle: str,
        display_name: str,
        department: str,
        roles: Optional[list[str]] = None,
    ) -> Principal:
        """Create a principal (needs 'principal.manage', reserved to IT).

        Without ``roles`` it gets its department's default roles. Raises
        ValidationError for a bad handle, display name, department or role,
        ConflictError for a handle in use, PermissionDeniedError for the actor.
        """
    def create_principals(
        self,
        actor: str,
        principals: Iterable[Union[NewPrincipal, Mapping[str, Any]]],
    ) -> list[Principal]:
        """Create many principals in one transaction: all of them or, on the
        first bad one (its index is in the error's ``field``), none.

        Items are ``NewPrincipal`` or dicts with the keys handle, display_name,
        department and optionally roles.
        """
    def grant_role(self, actor: str, handle: str, role: str) -> Principal:
        """Grant a role defined in the policy (needs 'role.grant', reserved to IT)."""
    def revoke_role(self, actor: str, handle: str, role: str) -> Principal:
        """Revoke a role (needs 'role.grant'). Raises PolicyViolationError if
        nobody could administer accounts afterwards."""
    def deactivate_principal(self, actor: str, handle: str) -> Deactivation:
        """Deactivate a leaver at once (needs 'principal.manage'): from the next
        call on, the principal is refused everything.

        Returns what it left behind: media accounts that need a new custodian,
        approvals assigned to it (now back with their pool) and approvals nobody
        active may decide any more. Its delegations end. Nobody deactivates
        themselves; the last account administrator stays.
        """
    def principal(self, handle: str) -> Principal:
        """One principal; NotFoundError if there is none with this handle."""
    def principals(self) -> list[Principal]:
        """Every principal, active or not, ordered by handle."""
    def permissions_of(self, handle: str) -> list[str]:
        """The permissions ``handle`` holds now under the policy in force (empty
        when deactivated)."""
    def can(self, handle: str, permission: str) -> bool:
        """Whether ``handle`` may use ``permission`` (one of ``PERMISSIONS``) now;
        False for an unknown or deactivated principal."""

    # -- media accounts
    def register_media_account(
        self,
        actor: str,
        *,
        id: str,
        platform: str,
        display_name: str,
        owner_department: str,
        custodian: str,
        credential: Optional[str] = None,
    ) -> MediaAccount:
        """Register a managed account (needs 'media_account.manage').

        ``platform`` is one of ``PLATFORMS``, ``owner_department`` one of
        ``DEPARTMENTS``, ``custodian`` the handle of an active principal. A
        ``credential`` is stored only encrypted with the engine's ``secret_key``;
        without a key it raises ConfigurationError.
        """
    def reassign_media_account(self, actor: str, id: str, custodian: str) -> MediaAccount:
        """Hand an account to a new custodian, an active principal (needs
        'media_account.manage')."""
    def record_media_interaction(self, actor: str, id: str, at: datetime) -> MediaAccount:
        """Record that the account was used at ``at``; the newest time is kept
        (needs 'media_account.record_activity')."""
    def record_media_interactions(
        self,
        actor: str,
        interactions: Iterable[tuple[str, datetime]],
    ) -> list[MediaAccount]:
        """``record_media_interaction`` for many ``(id, at)`` pairs in one
        transaction: all or none. Returns the accounts in input order."""
    def retire_media_account(self, actor: str, id: str) -> MediaAccount:
        """Retire an account after clean-up; its credential is destroyed (needs
        'media_account.manage')."""
    def reveal_media_credential(self, actor: str, id: str) -> str:
        """Decrypt an account's credential (needs
        'media_account.reveal_credential'; every reveal is audited)."""
    def media_account(self, id: str) -> MediaAccount:
        """One media account; NotFoundError if there is none with this id."""
    def media_accounts(self) -> list[MediaAccount]:
        """Every media account, retired ones included, ordered by id."""
    def zombie_media_accounts(self, as_of: Optional[datetime] = None) -> list[ZombieAccount]:
        """Accounts without interaction for the policy's ``zombie_after_months``
        as of ``as_of`` (default: now), longest idle first; retired ones excluded."""

    # -- approvals
    def submit_approval(self, actor: str, workflow: str, subject: _SubjectLike) -> ApprovalInstance:
        """Submit ``subject`` to ``workflow``, a workflow of the policy such as
        'content_review' or 'expense_reimbursement' (needs 'approval.submit').

        ``subject`` is a ``Subject`` or a dict with its keys. The workflow is
        snapshotted into the instance, so a later policy change never alters a
        review under way; stages whose condition fails for the subject's
        attributes are skipped. Raises NotFoundError for an unknown workflow,
        ValidationError for a subject that does not fit it (wrong kind, a
        missing required attachment, a bad field).
        """
    def approve(
        self,
        actor: str,
        id: int,
        *,
        comment: str = "",
        checklist: Iterable[str] = (),
    ) -> ApprovalInstance:
        """Approve the active stage of approval ``id``, confirming exactly the
        stage's ``checklist`` items (e.g. finance's 'authenticity', 'legality',
        'completeness'; none for most stages).

        The actor must be one of the stage's deciders, their delegate, the
        assignee, or of the escalation pool once escalated (else
        PermissionDeniedError, reason 'not_a_decider'). Nobody decides their
        own submission, approves a stage twice or fills two stages of one
        approval unless the workflow allows it (SeparationOfDutiesError).
        """
    def reject(self, actor: str, id: int, comment: str) -> ApprovalInstance:
        """Reject: the approval goes back to its submitter, who may resubmit.
        ``comment`` (why) is required. Deciders as for ``approve``."""
    def return_for_changes(self, actor: str, id: int, comment: str) -> ApprovalInstance:
        """Return for changes: back to the submitter, who may resubmit.
        ``comment`` (what to change) is required. Deciders as for ``approve``."""
    def resubmit_approval(
        self,
        actor: str,
        id: int,
        subject: Optional[_SubjectLike] = None,
    ) -> ApprovalInstance:
        """Submit a rejected or returned approval again, optionally with a
        revised ``subject`` (same kind). A new round starts at the first stage;
        the history is kept. Only the submitter may (PermissionDeniedError,
        reason 'not_the_submitter')."""
    def withdraw_approval(self, actor: str, id: int, comment: str = "") -> ApprovalInstance:
        """Withdraw an approval that is not approved yet; final. Only the
        submitter may; ConflictError once approved or withdrawn."""
    def delegate_approvals(
        self,
        actor: str,
        to: str,
        starts_at: datetime,
        ends_at: datetime,
    ) -> Delegation:
        """Let ``to``, another active principal, decide in the actor's place from
        ``starts_at`` until ``ends_at`` (at most 366 days, not ending in the
        past). Any active principal may delegate its own authority; decisions
        record whose authority was used (``on_behalf_of``)."""
    def end_delegation(self, actor: str, delegation_id: int) -> Delegation:
        """End a delegation early (its grantor, or a holder of
        'approval.administer'). ConflictError if it was ended already."""
    def assign_approval(self, actor: str, id: int, assignee: str) -> ApprovalInstance:
        """Assign the active stage of approval ``id`` to one principal who may
        decide it (needs 'approval.administer'); only the assignee (or its
        delegate) may then decide. If the assignee is deactivated, the stage
        goes back to its pool (``Deactivation.reassigned_approvals``)."""
    def escalate_overdue_approvals(self, actor: str) -> list[ApprovalInstance]:
        """Escalate every active stage past its deadline that has an escalation
        target and was not escalated yet (needs 'approval.administer'; a
        scheduler calls this). Returns the escalated approvals."""
    def approval(self, id: int) -> ApprovalInstance:
        """One approval; NotFoundError if there is none with this id."""
    def approvals(
        self,
        *,
        submitter: Optional[str] = None,
        state: Optional[str] = None,
        workflow: Optional[str] = None,
        before_id: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> list[ApprovalInstance]:
        """Approvals matching every given filter, newest first: a submitter's
        requests ("my requests"), every approval in one ``state`` (one of
        ``APPROVAL_STATES``), one workflow's backlog. Page backwards with
        ``before_id`` (only smaller ids) and ``limit`` (default 100, at most
        10 000; a larger one gives 10 000). A bad ``state`` or a ``limit``
        below 1 raises ValidationError."""
    def approval_history(self, id: int) -> list[ApprovalEvent]:
        """An approval's whole history, oldest first, across every round."""
    def approval_tasks(self, handle: str) -> list[ApprovalTask]:
        """The approvals ``handle`` may decide now (own authority, a delegation,
        an assignment or an escalation), oldest first; empty for a deactivated
        principal, NotFoundError for an unknown one."""
    def overdue_approvals(self, as_of: Optional[datetime] = None) -> list[ApprovalTask]:
        """Every approval whose active stage is past its deadline as of
        ``as_of`` (default: now), most overdue first."""
    def delegations(self, handle: str) -> list[Delegation]:
        """Delegations from or to ``handle``, newest first, ended ones included."""
    def approval_throughput(self, workflow: str) -> list[StageThroughput]:
        """Median and 90th-percentile time per stage of ``workflow``, in
        workflow order, over stage runs that reached their quorum (stages
        without one are left out). NotFoundError for a workflow the policy lacks."""
    def approval_throughput_columns(self, workflow: str) -> dict[str, list[Any]]:
        """``approval_throughput`` as columns: a dict of equally long lists keyed
        like ``StageThroughput.to_dict()``, ready for ``pandas.DataFrame(...)``."""

    # -- policy
    def policy(self) -> Policy:
        """The policy in force (the default pack until one is installed)."""
    def policy_version(self) -> PolicyVersion:
        """The version of the policy in force."""
    def policy_history(self) -> list[PolicyVersion]:
        """Every installed version, oldest first (empty while the default pack
        is in force)."""
    def replace_policy(self, actor: str, policy: Policy) -> PolicyVersion:
        """Install ``policy`` as the new version (needs 'policy.replace'). Roles
        some principal holds must stay defined (else ConflictError) and some
        active principal must still administer accounts (else
        PolicyViolationError)."""

    # -- content
    def check_text(self, text: str) -> list[Finding]:
        """As ``brandrail.check_text``, with the policy in force: its
        ``compliance.custom_terms`` (rule ids 'CUSTOM-n') and
        ``custom_exceptions``, and its switches for placeholders and personal
        data. Reads only and needs no principal."""
    def check_texts(self, texts: Iterable[str]) -> list[list[Finding]]:
        """As ``brandrail.check_texts``, with the policy in force."""
    def check_texts_columns(self, texts: Iterable[str]) -> dict[str, list[Any]]:
        """As ``brandrail.check_texts_columns``, with the policy in force."""
    def plan_content(
        self,
        actor: str,
        *,
        kind: str,
        title: str,
        channel: str,
        is_ad: bool = False,
        sensitive: bool = False,
        ugc: bool = False,
        format: Optional[str] = None,
        theme_id: Optional[int] = None,
    ) -> ContentItem:
        """Plan a content item (CON-1; needs 'content.create'): state
        'planned', version 0, owned by ``actor``.

        ``kind`` is one of ``CONTENT_KINDS``; ``channel`` an identifier such
        as 'douyin'. ``is_ad`` brings legal into its review, ``sensitive`` a
        supervisor. ``ugc`` marks user-generated content (the publishing plan
        counts it towards a channel's UGC quota), ``format`` the sub-kind a
        channel's mix is planned in (an identifier such as 'koc'),
        ``theme_id`` the quarterly theme it belongs to (NotFoundError for an
        unknown one).
        """
    def edit_content(
        self,
        actor: str,
        id: int,
        *,
        title: str,
        body: str,
        duration_seconds: Optional[int] = None,
        paragraph_spacing: Optional[float] = None,
        template: Optional[str] = None,
        fonts: Optional[Iterable[str]] = None,
        palette: Optional[str] = None,
        assets: Optional[Iterable[int]] = None,
    ) -> ContentItem:
        """Write a new version (CON-1: every edit is a version; needs
        'content.edit'). The item goes (back) to 'in_production': an approved
        or scheduled item loses its approval, which covered the previous
        version. ConflictError while in review and once published.

        The keyword arguments after ``body`` declare the version's details for
        the pre-publish checklist (CON-4, CON-5): ``duration_seconds`` (an
        int, 1 to 86 400), ``paragraph_spacing`` (a float above 0, at most
        10), ``template``, ``fonts`` (a list of str), ``palette`` and
        ``assets`` (a list of asset ids, each once). Without any of them the
        version keeps the previous version's details; with any of them it
        declares exactly the ones given (the others are empty, not carried
        over). So ``fonts=[]`` alone clears every detail, and
        ``**old_version.details.to_dict()`` declares an older version's again.
        """
    def derive_content(
        self,
        actor: str,
        source_id: int,
        *,
        kind: str,
        title: str,
        channel: str,
        is_ad: bool = False,
        sensitive: bool = False,
        ugc: bool = False,
        format: Optional[str] = None,
        theme_id: Optional[int] = None,
    ) -> ContentItem:
        """Repurpose a piece for another channel (CON-8; needs
        'content.create'): a new item linked to its source (``source_id``),
        whose first version starts from the source's latest text and details,
        in production. The keyword arguments are ``plan_content``'s.
        NotFoundError for an unknown source, ConflictError for a source with
        no version yet."""
    def submit_content(self, actor: str, id: int) -> ContentItem:
        """Send the current version to review (CON-2; needs 'approval.submit'):
        the 'content_review' workflow starts and ``approval_id`` names it.
        PolicyViolationError while the pre-publish checklist
        (``prepublish_check``) finds anything that blocks: rule 'CON-3' for a
        blocking compliance finding, else 'CON-4' (links, assets, required
        fields, ad label), 'CON-5' (brand spelling, video length, layout and
        VI) or 'CON-6' (an unauthorized user-generated asset). ConflictError
        unless the item is in production."""
    def schedule_content(self, actor: str, id: int, at: datetime) -> ContentItem:
        """Schedule approved content for ``at``, a timezone-aware datetime not
        in the past (CON-2; needs 'content.schedule'). PolicyViolationError:
        rule 'CON-2' unless approved or already scheduled, the checklist's
        rule (as for ``submit_content``) while it blocks, 'CON-7' when the
        slot would take the channel over its cadence cap."""
    def publish_content(self, actor: str, id: int) -> ContentItem:
        """Publish approved or scheduled content now (CON-2; needs
        'content.publish'). PolicyViolationError: rule 'CON-2' otherwise, the
        checklist's rule (as for ``submit_content``) while it blocks, e.g. an
        asset retired or relabelled since approval."""
    def close_content(self, actor: str, id: int) -> ContentItem:
        """Close published content after its retrospective: state
        'retrospective' (CON-2; needs 'content.edit')."""
    def content_item(self, id: int) -> ContentItem:
        """One content item; NotFoundError if there is none with this id."""
    def content_versions(self, id: int) -> list[ContentVersion]:
        """Every version of an item, oldest first; NotFoundError for an
        unknown item."""
    def content_derivatives(self, id: int) -> list[ContentItem]:
        """The items repurposed from item ``id`` (``derive_content``, CON-8),
        oldest first; NotFoundError for an unknown item."""
    def prepublish_check(self, id: int) -> ChecklistReport:
        """The pre-publish checklist of item ``id``'s current version
        (CON-3..CON-6), as one report: links well-formed and on allowed
        domains, referenced assets in the library, active, public and
        (user-generated ones) authorized, required fields present, ads
        labelled, brand names spelt right, a short video's length, paragraph
        spacing, approved templates, fonts and palettes; and the compliance
        findings of title and body. Reads only and needs no principal.
        NotFoundError for an unknown item, ConflictError for one with no
        version yet."""

    # -- the asset library (CON-6)
    def add_asset(
        self,
        actor: str,
        *,
        kind: str,
        name: str,
        uri: str,
        source: str,
        label: str,
        authorization: Optional[Union[UgcAuthorization, Mapping[str, Any]]] = None,
        readers: Optional[Iterable[str]] = None,
    ) -> Asset:
        """Add an asset to the library (CON-6; needs 'asset.manage').

        ``kind`` is one of ``ASSET_KINDS`` but 'content' (approved content
        enters with ``archive_content``), ``source`` one of ``ASSET_SOURCES``,
        ``label`` one of ``CONFIDENTIALITY_LABELS``; ``uri`` says where the
        file lives (no spaces). ``readers`` are handles of principals who may
        read it whatever its label. User-generated material
        (``source='ugc'``) needs ``authorization``, a ``UgcAuthorization`` or
        a dict with its keys, signed and not expired: without one, or with an
        expired one, PolicyViolationError (rule 'CON-6'); signed in the future
        or expiring before it was signed, ValidationError.
        """
    def archive_content(self, actor: str, content_id: int, label: str) -> Asset:
        """Take approved content into the library as an asset of kind
        'content' labelled ``label`` (CON-6; needs 'asset.manage').
        PolicyViolationError (rule 'CON-6') unless the item is approved,
        scheduled, published or closed; NotFoundError for an unknown item."""
    def asset(self, actor: str, id: int) -> Asset:
        """One asset, if ``actor`` may read it (CON-6): else
        PermissionDeniedError with ``reason == 'not_cleared'``, recorded in
        the audit log. Reads of confidential and secret assets are audited.
        NotFoundError for an unknown id."""
    def assets(
        self,
        actor: str,
        *,
        kind: Optional[str] = None,
        label: Optional[str] = None,
        include_retired: bool = False,
    ) -> list[Asset]:
        """The assets ``actor`` may read, by id (CON-6): only of ``kind`` (one
        of ``ASSET_KINDS``) and ``label`` (one of ``CONFIDENTIALITY_LABELS``)
        when given, retired ones only with ``include_retired``. Listing is not
        audited; confidential and secret assets show only to those cleared
        for them."""
    def relabel_asset(self, actor: str, id: int, label: str, readers: Iterable[str]) -> Asset:
        """Change an asset's label and its named readers, which ``readers``
        (any iterable of handles; empty for none) replaces (CON-6; needs
        'asset.manage' and clearance to read the asset, else
        PermissionDeniedError, reason 'not_cleared'). NotFoundError for an
        unknown asset or reader."""
    def retire_asset(self, actor: str, id: int) -> Asset:
        """Retire an asset (CON-6; needs 'asset.manage'): content that uses it
        fails the pre-publish checklist from now on, so it is no longer
        scheduled or published. ConflictError if it was retired already."""

    # -- the publishing plan and themes (CON-7, CON-8)
    def publishing_plan(self, start: date, end: date) -> PublishingPlan:
        """The publishing plan over local days ``start`` to ``end``
        (inclusive, ``datetime.date``s; at most 400 days) in the policy's time
        zone (CON-7, CON-8). Reads only. ValidationError when ``end`` lies
        before ``start`` or the range is too long."""
    def week_plan(self, date: date) -> PublishingPlan:
        """The plan of the ISO week (Monday to Sunday) holding ``date``, a
        ``datetime.date``."""
    def quarter_plan(self, year: int, quarter: int) -> PublishingPlan:
        """The plan of quarter ``quarter`` (1 to 4) of ``year``;
        ValidationError (field 'quarter' or 'year') otherwise."""
    def hot_dates(self, start: date, end: date) -> list[HotDateOn]:
        """The hot dates of the policy's calendar (``content.hot_dates``) on
        days ``start`` to ``end`` (inclusive ``datetime.date``s, at most 400
        days), by day (CON-8)."""
    def themes(self, start: date, end: date) -> list[Theme]:
        """The themes overlapping days ``start`` to ``end`` (inclusive
        ``datetime.date``s, at most 400 days)."""
    def add_theme(
        self,
        actor: str,
        *,
        name: str,
        starts: date,
        ends: date,
        hot_date: Optional[str] = None,
        description: str = "",
    ) -> Theme:
        """Set a quarterly theme from ``starts`` to ``ends`` (inclusive
        ``datetime.date``s, at most a year) (CON-8; needs 'content.create').
        ``hot_date``, if given, names a hot date of the policy's calendar
        (NotFoundError otherwise); ``description`` is free text of at most
        2000 characters."""

    # -- A/B variants (CON-8)
    def add_variant(
        self,
        actor: str,
        item_id: int,
        *,
        kind: str,
        text: str,
        style: Optional[str] = None,
    ) -> ContentVariant:
        """Record an A/B variant on item ``item_id`` (CON-8; needs
        'content.edit'): ``kind`` 'title' (display text, at most 200
        characters) or 'copy' (the body's limits), ``style`` one of
        ``VARIANT_STYLES`` or None to detect it from the text
        (``brandrail.variant_style``). PolicyViolationError (rule 'CON-3')
        when the compliance checker finds anything that blocks in the text;
        ConflictError once the item is published or it has 26 variants of the
        kind; NotFoundError for an unknown item."""
    def record_variant_results(
        self,
        actor: str,
        variant_id: int,
        *,
        impressions: int,
        clicks: int,
    ) -> ContentVariant:
        """Add reported ``impressions`` and ``clicks`` (ints, 0 or more) to
        variant ``variant_id`` (needs 'metrics.ingest'). ValidationError when
        the clicks would exceed the impressions or a total goes out of range
        (nothing is added); NotFoundError for an unknown variant."""
    def content_variants(self, item_id: int) -> list[ContentVariant]:
        """The variants of item ``item_id``, in the order they were recorded;
        NotFoundError for an unknown item."""

    # -- customers (CRM-1, CRM-2, CRM-5..CRM-8)
    def ingest_customers(
        self,
        actor: str,
        records: Iterable[_CustomerRecordLike],
    ) -> IngestReport:
        """Ingest a batch of customer records (CRM-1, CRM-2, CRM-5, CRM-6;
        needs 'crm.ingest' and an engine opened with a ``secret_key``, else
        ConfigurationError).

        ``records`` is any iterable of ``CustomerRecord``s or dicts with the
        keys ``identities`` (required: a list of ``Identity``s, ``{"kind",
        "value"}`` dicts or ``(kind, value)`` pairs), ``name``, ``profile``
        and ``purpose`` (optional; ``purpose`` a ``str`` or None). The shapes
        are checked first: a row that is not a CustomerRecord or a dict, an
        unknown or missing key, or a value of the wrong type raises TypeError
        naming it ('records[3].identities[0].value', 'records[0].purpose') and
        nothing is written.

        Then every row is cleaned (phones in any format to 11 digits, e-mails
        lower-cased, full-width forms folded, ...) and deduplicated on exact
        identities, all in one transaction with the GIL released. A bad row
        does not raise: it is in the report's ``errors`` (a bad value, an
        identity kind outside ``IDENTITY_KINDS``, or a ``purpose`` that is not
        one of the policy's ``crm.declared_purposes``: code 'validation'; a
        field the policy refuses, such as 'national_id', that no declared
        purpose of the row allows: 'policy_violation', rule CRM-5) and changes
        nothing, while the good rows land. A refused field the row's purpose
        allows is accepted, sealed and masked like a core field, the purpose
        recorded with the customer (in the export, gone on erasure) and
        counted in ``purposes_declared``. A row whose identities belong to
        known customers updates them, merging several into the oldest.
        """
    def customer(self, actor: str, id: int) -> Customer:
        """One customer (CRM-6; needs 'crm.read' and a ``secret_key``). A
        merged id reads as the customer it was merged into. Identities, name
        and profile are masked unless the actor holds 'crm.read_sensitive'; an
        unmasked read is audited. NotFoundError for an unknown or erased
        customer."""
    def find_customer(self, actor: str, kind: str, value: str) -> Optional[int]:
        """The id of the customer holding an identity, or None (needs
        'crm.read' and a ``secret_key``). ``kind`` is one of
        ``IDENTITY_KINDS``; ``value`` is cleaned as on ingest ('+86
        138-0013-8000' finds '13800138000'). A value that cannot be one of
        ``kind`` raises ValidationError (field 'value')."""
    def customer_count(self) -> int:
        """How many live customers there are (merged and erased ones not
        counted). Reads only and needs no principal."""
    def undo_merge(self, actor: str, merged_id: int) -> MergeUndone:
        """Undo the merge that folded customer ``merged_id`` into another
        (CRM-2; needs 'crm.merge'; audited as 'crm.unmerge'): the identities
        the merge moved go back to it and it is a customer of its own again,
        while identities the survivor gained later stay with the survivor.
        Returns a ``MergeUndone``. ConflictError when ``merged_id`` is not
        merged into another; NotFoundError for an unknown or erased
        customer."""
    def record_consent(
        self,
        actor: str,
        customer_id: int,
        *,
        channel: str,
        purpose: str,
        granted: bool,
        evidence: str,
    ) -> list[Consent]:
        """Record a consent decision of customer ``customer_id`` (CRM-8; needs
        'consent.manage'): ``granted`` (True) or withdrawn (False) for one
        ``channel`` and ``purpose`` (identifiers such as 'sms' and
        'marketing'), with its ``evidence`` (1 to 500 characters, no control
        characters). The latest decision per channel and purpose is in force;
        the history is kept. Returns the consents now in force.
        ValidationError for a bad channel, purpose or evidence; NotFoundError
        for an unknown or erased customer."""
    def consents(self, actor: str, customer_id: int) -> list[Consent]:
        """The consents in force for a customer, one per channel and purpose
        in the order first recorded (CRM-8; needs 'crm.read')."""
    def record_send(self, actor: str, customer_id: int, channel: str, purpose: str) -> int:
        """Record that a message goes to a customer on ``channel`` for
        ``purpose`` and return the send's id (CRM-8; needs 'campaign.manage').
        PolicyViolationError (rule 'CRM-8') unless the customer's consent for
        exactly this channel and purpose is granted and in force; a refused
        send records nothing."""
    def export_customer(self, actor: str, customer_id: int) -> str:
        """Everything brandrail holds about one customer, as one JSON document
        (a ``str``, pretty-printed: what is handed to the data subject; read
        it with ``json.loads``) (CRM-7; needs 'crm.export' and a
        ``secret_key``; audited). Its keys: 'format', 'exported_at',
        'customer_id' (the survivor's, for a merged id), 'merged_ids',
        'created_at', 'updated_at', 'identities', 'name', 'profile',
        'sources' (every source record of the customer and of those merged
        into it, with its 'customer_id' and department),
        'consent_history', 'consents_in_force', 'sends', 'interactions'
        (CRM-3) and 'tickets' (CRM-9, with their responses). Values are in
        clear."""
    def erase_customer(self, actor: str, customer_id: int, reason: str) -> Erasure:
        """Erase a customer on request (CRM-7; needs 'crm.erase'): identities,
        name, profile, source records, consents, sends and interactions of
        the customer and of every customer merged into it are removed, and
        their service tickets lose their words; the ids stay as
        tombstones, so reading them raises NotFoundError. The audit log keeps
        only ids and digests, so its chain still verifies. ``reason`` (display
        text, not empty) is required. NotFoundError for an unknown or already
        erased customer."""

    # -- interactions, purchases and funnels (CRM-3)
    def record_interactions(
        self,
        actor: str,
        interactions: Iterable[_NewInteractionLike],
    ) -> InteractionReport:
        """Record a batch of interactions (CRM-3; needs 'crm.ingest' and an
        engine opened with a ``secret_key``, else ConfigurationError: purchase
        amounts are sealed at rest, CRM-6).

        ``interactions`` is any iterable of ``NewInteraction``s or dicts with
        the keys ``customer_id``, ``kind`` and ``at`` (required), ``page``,
        ``amount`` and ``channel`` (optional). The shapes are checked first: a
        row that is not a NewInteraction or a dict, an unknown or missing
        key, or a value of the wrong type (a ``str`` id, a float amount)
        raises TypeError naming it ('interactions[3].amount'), a naive ``at``
        ValidationError, and nothing is written.

        Then the batch is recorded in one transaction with the GIL released.
        A bad row does not raise: it is in the report's ``errors`` (an
        unknown or erased customer: field 'customer_id', code 'not_found'; a
        kind outside ``INTERACTION_KINDS``, a view, click or path step without
        a page, a purchase without an amount above 0, an amount on anything
        else, a time more than a day ahead, a channel that is not an
        identifier: code 'validation') and changes nothing, while the good
        rows land.
        """
    def customer_interactions(self, actor: str, customer_id: int) -> list[Interaction]:
        """A customer's interactions by time, with those of the customers
        merged into it (CRM-3; needs 'crm.read' and a ``secret_key``). Pages
        read '***' and amounts None unless the actor holds
        'crm.read_sensitive'.
        NotFoundError for an unknown or erased customer."""
    def purchase_summary(self, actor: str, customer_id: int) -> PurchaseSummary:
        """A customer's purchases with those of the customers merged into it:
        count, total, average order value, first and last (CRM-3; needs
        'crm.read_sensitive': amounts are core data, and a ``secret_key``).
        NotFoundError for an
        unknown or erased customer."""
    def customer_funnel(self, actor: str, customer_id: int, steps: Iterable[str]) -> int:
        """How many of ``steps`` (an iterable of pages, 1 to 20, e.g.
        ['home', 'product', 'reviews']) one customer's click path reached, in
        order (CRM-3; needs 'crm.read'). ValidationError (field 'steps') for
        no or too many steps; NotFoundError for an unknown or erased
        customer."""
    def funnel(self, actor: str, steps: Iterable[str], since: datetime, until: datetime) -> Funnel:
        """A click-path funnel over every customer with path steps from
        ``since`` (inclusive) to ``until`` (exclusive), both timezone-aware
        datetimes (CRM-3; needs 'crm.read'): per step, how many customers
        reached it having reached the steps before it, in order. Counts only.
        ValidationError for no or too many steps (field 'steps') or ``until``
        not after ``since`` (field 'until')."""

    # -- segments, personas, lifecycle and tiers (CRM-4)
    def define_segment(
        self,
        actor: str,
        *,
        name: str,
        label: str,
        description: str,
        rule: _Rule,
    ) -> Segment:
        """Define (or redefine) a custom segment (CRM-4; needs
        'segment.manage'; audited) and compute its members at once.

        ``name`` is an identifier (a-z, 0-9, '.', '_', '-'); ``label`` and
        ``description`` display text; ``rule`` a dict (or its JSON text) such
        as ``{"all": [{"field": {"name": "region", "op": "eq", "value":
        "上海"}}, {"events": {"kind": "purchase", "at_least": 2,
        "within_days": 90}}]}``. ValidationError whose ``field`` is the path
        at fault ('name', 'rule.field.name', 'rule.all[1].events',
        'rule.events.kind'): unknown fields, keys or kinds, a window of 0,
        data that is not JSON (a set, bytes, NaN); TypeError for a rule that
        is neither a dict nor a ``str``; ConflictError for a persona's name
        (personas change with the policy).
        """
    def delete_segment(self, actor: str, name: str) -> None:
        """Delete a custom segment (needs 'segment.manage'; audited).
        ConflictError for a persona; NotFoundError for an unknown name."""
    def segments(self, actor: str) -> list[Segment]:
        """Every segment, personas first, each brought up to date (CRM-4;
        needs 'crm.read')."""
    def segment(self, actor: str, name: str) -> Segment:
        """One segment, brought up to date (needs 'crm.read'). NotFoundError
        for an unknown name."""
    def segment_count(self, actor: str, name: str) -> int:
        """How many members a segment has now, refreshing it (needs
        'crm.read'). NotFoundError for an unknown name."""
    def refresh_segments(self, actor: str) -> list[SegmentRefresh]:
        """Bring every segment up to date and say what changed, one
        ``SegmentRefresh`` per segment, personas first (needs 'crm.read').
        Reads refresh on their own; this is for warming up after large
        loads."""
    def segment_members(
        self,
        actor: str,
        name: str,
        offset: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> list[SegmentMember]:
        """A page of a segment's members by customer id (needs 'crm.read'):
        from ``offset`` (default 0), at most ``limit`` (default 1000; 1 to
        ``MAX_SEGMENT_PAGE``, else ValidationError, field 'limit').
        NotFoundError for an unknown name."""
    def segment_members_frame(self, actor: str, name: str) -> _DataFrame:
        """Every member of a segment as a pandas DataFrame with the columns
        ``customer_id`` (int64), ``stage`` and ``tier`` (missing outside
        communities), by customer id (needs 'crm.read'). Pages through the
        segment ``MAX_SEGMENT_PAGE`` members at a time. ImportError naming
        pandas when it is not installed (nothing is read)."""
    def count_customers(self, actor: str, rule: _Rule) -> int:
        """How many live customers a rule holds for now, without storing
        anything (a preview; needs 'crm.read'). ``rule`` as for
        ``define_segment``, with the same errors."""
    def customer_standing(self, actor: str, customer_id: int) -> Standing:
        """A customer's lifecycle stage and community tier with the behaviour
        behind them (CRM-4; needs 'crm.read'). A merged id reads as its
        survivor; NotFoundError for an unknown or erased customer."""
    def lifecycle_distribution(self, actor: str) -> LifecycleDistribution:
        """How the live customers spread over lifecycle stages and community
        tiers (needs 'crm.read')."""

    # -- customer value (CRM-11)
    def rfm(self, actor: str) -> list[Rfm]:
        """RFM of every customer who bought in the last
        ``crm.value.rfm_window_days`` days, by customer id (CRM-11; needs
        'crm.read_sensitive': amounts are core data, and a ``secret_key`` to
        open them)."""
    def rfm_frame(self, actor: str) -> _DataFrame:
        """``rfm(actor)`` as a pandas DataFrame with the columns of
        ``Rfm.to_dict()``: ``customer_id``, ``recency_days``, ``frequency``
        and the three scores as int64, ``last_purchase_at`` as UTC datetimes,
        ``monetary`` as exact ``decimal.Decimal``s. ImportError naming pandas
        when it is not installed (nothing is read)."""
    def customer_value(
        self,
        actor: str,
        since: datetime,
        until: datetime,
        acquisition_spend: Optional[_Money] = None,
    ) -> ValueReport:
        """Value figures of the period ``[since, until)``, both
        timezone-aware datetimes (CRM-11; needs 'crm.read' and a
        ``secret_key``: aggregates only). ``acquisition_spend``, the period's
        acquisition spend for CAC, is money (a ``decimal.Decimal``, an int or
        a decimal string; a float raises TypeError) or None. ValidationError
        for ``until`` not after ``since`` (field 'until'), a period too short
        to scale to a year (field 'since'), or a spend that is not an amount
        or is negative (field 'acquisition_spend')."""

    # -- fuzzy duplicates and manual merges (CRM-2)
    def duplicate_candidates(
        self,
        actor: str,
        *,
        threshold: Optional[float] = None,
        limit: Optional[int] = None,
    ) -> CandidateReport:
        """Customers who may be the same person though they share no identity
        (CRM-2; needs 'crm.merge' and a ``secret_key``: names, addresses and
        birth dates are opened; audited with counts only). Returns a
        ``CandidateReport`` whose ``candidates`` are at most ``limit`` (an
        int, 1 to ``MAX_DUPLICATE_CANDIDATES``, default 1000), best first.

        Names are compared across traditional and simplified characters,
        full-width forms and word order, addresses without their
        administrative suffixes, birth dates allowing one digit or a day-month
        swap. ``threshold`` (a float from 0.0 to 1.0) overrides the policy's
        ``crm.fuzzy_match_threshold`` (0.85). Pairs marked distinct are left
        out. ValidationError for a threshold outside 0-1 or NaN (field
        'threshold') or a limit out of range (field 'limit'); TypeError for a
        threshold or limit that is not a number.
        """
    def merge_customers(self, actor: str, survivor_id: int, merged_id: int) -> int:
        """Merge customer ``merged_id`` into ``survivor_id`` by hand, e.g. a
        ``DuplicateCandidate`` a data steward confirmed (CRM-2; needs
        'crm.merge'; audited as 'crm.merge'): its identities move to the
        survivor, every source record stays, and ``undo_merge(actor,
        merged_id)`` reverses it. Returns how many identities moved.
        ConflictError when both ids are one customer; NotFoundError for an
        unknown, merged-away or erased customer."""
    def mark_distinct(self, actor: str, a: int, b: int) -> None:
        """Record that customers ``a`` and ``b`` are different people (CRM-2;
        needs 'crm.merge'; audited as 'crm.distinct'):
        ``duplicate_candidates`` no longer proposes the pair. ConflictError
        when both ids are one customer; NotFoundError for an unknown or erased
        customer."""

    # -- customer service (CRM-9)
    def open_ticket(self, actor: str, ticket: _NewTicketLike) -> Ticket:
        """Open a ticket (CRM-9; needs 'service.handle' and a ``secret_key``:
        the customer's words are sealed at rest; audited). ``ticket`` is a
        ``NewTicket`` or a dict with its keys; a dict of the wrong shape
        raises TypeError naming the key ('ticket.body').

        A question mentioning a keyword of one of the policy's
        ``crm.service.auto_answers`` gets that answer as its first response at
        once (state 'answered', ``auto_answer`` its key); a complaint goes to
        the department of the first ``crm.service.complaint_routes`` entry
        whose keywords it mentions. Keywords match as the compliance checker
        does: traditional characters, full-width forms and spaces inside a
        word still match. A known customer's history gains a
        'service_ticket' interaction. Returns the ``Ticket``. ValidationError
        for a bad channel, category, subject or body (field named so);
        NotFoundError for an unknown or erased customer.
        """
    def respond_ticket(self, actor: str, id: int, message: str) -> Ticket:
        """Respond on ticket ``id`` (needs 'service.handle'): the first
        response stops the deadline; the ticket is 'answered'.
        ValidationError for an empty or too long message, or one with control
        characters (field 'message'); ConflictError on a resolved ticket;
        NotFoundError for an unknown id."""
    def route_ticket(self, actor: str, id: int, department: str) -> Ticket:
        """Send ticket ``id`` to ``department`` (one of ``DEPARTMENTS``; needs
        'service.handle'; audited). ValidationError for another department;
        ConflictError on a resolved ticket; NotFoundError for an unknown
        id."""
    def resolve_ticket(self, actor: str, id: int) -> Ticket:
        """Close ticket ``id`` (needs 'service.handle'). ConflictError when it
        has no response yet or is resolved already; NotFoundError for an
        unknown id."""
    def rate_ticket(self, actor: str, id: int, score: int) -> Ticket:
        """Record the customer's satisfaction ``score`` (an int, 1 to
        ``crm.service.satisfaction_scale``, 5) on ticket ``id`` (needs
        'service.handle'): once, after a response. ValidationError for a
        score out of range (field 'score'); TypeError for one that is not an
        int; ConflictError before a response or when rated already;
        NotFoundError for an unknown id."""
    def ticket(self, actor: str, id: int) -> Ticket:
        """Ticket ``id`` with its responses (needs 'service.handle' and a
        ``secret_key``). NotFoundError for an unknown id."""
    def overdue_tickets(self, actor: str) -> list[Ticket]:
        """The tickets without a first response past their deadline, oldest
        deadline first (needs 'service.handle' and a ``secret_key``)."""
    def service_report(self, actor: str, since: datetime, until: datetime) -> ServiceReport:
        """Service figures of the tickets opened in ``[since, until)``, both
        timezone-aware datetimes (CRM-9; needs 'crm.read': counts and
        averages only). ValidationError for ``until`` not after ``since``
        (field 'until')."""

    # -- public-opinion watch and crisis cases (CRM-10)
    def record_mentions(
        self,
        actor: str,
        mentions: Iterable[_NewMentionLike],
    ) -> MentionReport:
        """Record a batch of mentions and raise alerts (CRM-10; needs
        'opinion.handle' and a ``secret_key``: author and text are sealed at
        rest).

        ``mentions`` is any iterable (at most ``MAX_MENTIONS``) of
        ``NewMention``s or dicts with the keys ``platform``, ``author``,
        ``text`` and ``at`` (required), ``url`` and ``reach`` (optional). The
        shapes are checked first: a row that is not a NewMention or a dict, an
        unknown or missing key, or a value of the wrong type raises TypeError
        naming it ('mentions[3].reach'), a naive ``at`` ValidationError, and
        nothing is written.

        Then the batch is recorded in one transaction with the GIL released.
        A bad row does not raise: it is in the report's ``errors`` (code
        'validation': a platform that is not an identifier, an empty or bad
        author or text, a time more than a day ahead, a link that is not
        http(s), a reach that is negative or too large) and changes nothing,
        while the good rows land. A mention naming the brand
        (``content.brand_names``, canonical or misspelt; every mention when
        the policy names none) with an alert keyword
        (``crm.opinion_alert_keywords``) raises an alert: 'major' with a
        ``crm.opinion.major_keywords`` word or a reach of
        ``crm.opinion.major_reach``, else 'sensitive' with a
        ``crm.opinion.sensitive_keywords`` word, else 'normal'.
        """
    def opinion_alerts(self, actor: str, open_only: bool = False) -> list[OpinionAlert]:
        """The alerts, newest first; only the open ones when ``open_only``
        (needs 'opinion.handle')."""
    def escalated_alerts(self, actor: str) -> list[OpinionAlert]:
        """The open alerts escalated to the supervisors (sensitive and major),
        newest first (needs 'supervision.record', which supervisors hold)."""
    def handle_alert(self, actor: str, id: int) -> OpinionAlert:
        """Mark alert ``id`` handled (needs 'opinion.handle'; audited).
        ConflictError when handled already; NotFoundError for an unknown
        id."""
    def open_crisis(self, actor: str, alert_ids: Iterable[int], summary: str) -> Crisis:
        """Open a crisis case by hand for ``alert_ids`` (an iterable of 1 to
        1000 alert ids) with a ``summary`` (display text; needs
        'opinion.handle' and a ``secret_key``; audited). Its kind is the first
        of ``crm.crisis.kinds`` whose keywords the alerts' mentions have, else
        ``crm.crisis.default_kind``; its deadline runs from now.
        ValidationError for no or too many alerts (field 'alert_ids') or a bad
        summary; NotFoundError for an unknown alert; ConflictError for an
        alert already in a crisis."""
    def respond_crisis(self, actor: str, id: int, statement: str) -> Crisis:
        """Give crisis ``id`` its response ``statement`` (needs
        'opinion.handle'; audited): the first one stops the clock, later ones
        replace it. The statement must pass the compliance checker: a
        blocking finding raises PolicyViolationError (rule 'CON-3') and
        changes nothing. ValidationError for an empty statement;
        ConflictError on a closed crisis; NotFoundError for an unknown id."""
    def close_crisis(self, actor: str, id: int) -> Crisis:
        """Close crisis ``id`` (needs 'opinion.handle'; audited).
        ConflictError before its first response or when closed already;
        NotFoundError for an unknown id."""
    def crises(self, actor: str, overdue_only: bool = False) -> list[Crisis]:
        """The crisis cases, newest first; only those without a first
        response past their deadline when ``overdue_only`` (needs
        'opinion.handle')."""

    # -- audit
    def verify_audit(self) -> AuditVerification:
        """Walk the whole audit chain and report the first broken record. Reads
        only and needs no principal; the GIL is released meanwhile."""
    def audit_query(
        self,
        actor: str,
        *,
        principal: Optional[str] = None,
        entity_type: Optional[str] = None,
        entity_id: Optional[str] = None,
        action: Optional[str] = None,
        outcome: Optional[str] = None,
        since: Optional[datetime] = None,
        until: Optional[datetime] = None,
        after_seq: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> list[AuditRecord]:
        """Audit records matching every given filter, in sequence order (needs
        'audit.read'; a refusal is itself recorded).

        ``action`` matches exactly, or every action under a prefix ending in '.'.
        ``outcome`` is 'applied' or 'denied'. ``since`` is inclusive, ``until``
        exclusive. Page with ``after_seq`` and ``limit`` (default 1000, at most
        100000).
        """
    def audit_query_columns(
        self,
        actor: str,
        *,
        principal: Optional[str] = None,
        entity_type: Optional[str] = None,
        entity_id: Optional[str] = None,
        action: Optional[str] = None,
        outcome: Optional[str] = None,
        since: Optional[datetime] = None,
        until: Optional[datetime] = None,
        after_seq: Optional[int] = None,
        limit: Optional[int] = None,
    ) -> dict[str, list[Any]]:
        """``audit_query`` as columns: a dict of equally long lists keyed like
        ``AuditRecord.to_dict()``, ready for ``pandas.DataFrame(...)``."""
    def audit_len(self) -> int:
        """Number of records in the audit log."""
    def backup_to(
        self,
        actor: str,
        path: _StrPath,
        *,
        progress: Optional[_ProgressCallback] = None,
    ) -> BackupReport:
        """Write a verified copy of the whole database to ``path``, which must not
        exist (needs 'audit.backup').

        ``progress(done, total)`` is called with page counts as the copy
        proceeds; calling this Engine from it raises RuntimeError. If it raises,
        it is not called again and its exception is raised once the backup has
        finished. The GIL is released between calls.
        """
    def restore_from(
        self,
        actor: str,
        path: _StrPath,
        *,
        progress: Optional[_ProgressCallback] = None,
    ) -> RestoreReport:
        """Replace the whole database with the backup at ``path`` (needs
        'audit.restore'). A backup whose audit chain does not verify raises
        IntegrityError and nothing changes. ``progress`` as for ``backup_to``."""
    def backup_status(self, as_of: Optional[datetime] = None) -> BackupStatus:
        """The backup schedule (the policy's ``audit.backup_interval_hours``) as
        of ``as_of`` (default: now)."""
