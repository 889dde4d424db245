"""Typed stubs of the native module ``brandrail._brandrail``.

Import everything from ``brandrail``; this module is its native core.
"""

import os
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
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

_StrPath = Union[str, "os.PathLike[str]"]
_ProgressCallback = Callable[[int, int], object]
_PolicyDocument = Mapping[str, Any]

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
    'not_a_decider' or 'not_the_submitter'."""

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
    store or reveal a credential."""

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
    def to_dict(self) -> dict[str, Any]:
        """``{"principal": {...}, "custodian_of": [...]}``."""
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
    departments, platforms and permissions are plain strings.
    """

    @staticmethod
    def open(
        path: _StrPath,
        *,
        busy_timeout: float = 5.0,
        secret_key: Optional[bytes] = None,
    ) -> Engine:
        """Open (or create) the database file at ``path``.

        ``busy_timeout`` is how many seconds a write waits for another process's
        write before raising BusyError. ``secret_key`` (32 bytes, kept outside
        the database) encrypts stored credentials; without it, calls that store
        or reveal one raise ConfigurationError.

        A file that is not a brandrail database or comes from a newer version
        raises IncompatibleDatabaseError, a damaged one CorruptDatabaseError;
        either way the file is left untouched.
        """
    @staticmethod
    def in_memory(*, secret_key: Optional[bytes] = None) -> Engine:
        """A private engine in memory, for tests and notebooks; gone when dropped."""
    @property
    def path(self) -> Optional[Path]:
        """The database file, or None for an in-memory engine."""
    def now(self) -> datetime:
        """The engine clock's current time (timezone-aware, UTC)."""

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
        call on, the principal is refused everything. Returns the media accounts
        it kept. Nobody deactivates themselves; the last account administrator stays."""
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
