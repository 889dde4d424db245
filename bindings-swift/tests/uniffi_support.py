"""Helpers shared by the uniffi-layer tests.

These tests import the Python module that uniffi generates from the very same
library the Swift and Kotlin bindings load, so they exercise the FFI those apps
use. `bindings-swift/test.sh` generates it into `tests/generated/` (git-ignored)
with `libbrandrail_mobile.so` beside it.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

GENERATED = Path(__file__).resolve().parent / "generated"
VECTORS = Path(__file__).resolve().parents[2] / "tests" / "vectors"

if not (GENERATED / "brandrail_mobile.py").is_file():
    raise RuntimeError(
        f"{GENERATED}/brandrail_mobile.py is missing: run bindings-swift/test.sh, "
        "which builds the library and generates the Python bindings first"
    )
sys.path.insert(0, str(GENERATED))

import brandrail_mobile as br  # noqa: E402

UTC = dt.timezone.utc
SECRET_KEY = bytes(range(32))

# Strings no identifier may be: SQL, control characters, other scripts,
# zero-width and bidi characters, upper case, the empty and the huge.
HOSTILE_HANDLES = [
    "",
    "a",
    "x" * 65,
    "h" * 1_000_000,
    "robert'); DROP TABLE principal;--",
    "li.na' OR '1'='1",
    "bad\x00nul",
    "line\nbreak",
    "tab\there",
    "\x1b[31mred",
    "zero\u200bwidth",
    "bom\ufeff",
    "rtl\u202eoverride",
    "Li.Na",
    "李娜",
    "ли.на",
    "ｌｉ.ｎａ",
    " li.na",
    "-leading",
    "../../etc/passwd",
    "%s%n%x",
]

# Display names that must be refused; the refusal must not quote them.
HOSTILE_NAMES = [
    "",
    "   ",
    "长" * 201,
    "Bad\x00Name",
    "Two\nLines",
    "Zero\u200bWidth",
    "Bidi\u202eEvil",
    "Word\u2060Joiner",
    " Leading",
    "Trailing ",
]


def at(text: str) -> dt.datetime:
    """An RFC 3339 UTC time as the aware datetime uniffi expects."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def person(handle: str, department, display_name: str | None = None, roles=None):
    return br.NewPrincipal(
        handle=handle,
        display_name=display_name or handle.replace(".", " ").title(),
        department=department,
        roles=roles,
    )


def seed(engine) -> None:
    """it.admin (IT), li.na (marketing), chen.jie (brand), zhao.min (executive
    + supervisor), sun.li (legal)."""
    engine.bootstrap(person("it.admin", br.Department.IT, "王强"))
    engine.create_principals(
        "it.admin",
        [
            person("li.na", br.Department.MARKETING, "李娜"),
            person("chen.jie", br.Department.BRAND, "陈杰 Jie Chen"),
            person("zhao.min", br.Department.EXECUTIVE, "赵敏", ["executive", "supervisor"]),
            person("sun.li", br.Department.LEGAL, "孙丽"),
        ],
    )


def media(id="douyin-main", custodian="li.na", credential=None, platform=None):
    """A new marketing media account (Douyin unless `platform` says otherwise)."""
    return br.NewMediaAccount(
        id=id,
        platform=platform or br.Platform.DOUYIN,
        display_name="品牌抖音",
        owner_department=br.Department.MARKETING,
        custodian=custodian,
        credential=credential,
    )


# Refusals of the actor: audited although the call changes nothing else.
AUDITED_REFUSALS = ("permission_denied", "separation_of_duties")


def approvals(engine):
    """Every approval with its history. Ids run from 1 without gaps (a refused
    submission takes none), so the first missing id ends the list."""
    out = []
    while True:
        try:
            i = len(out) + 1
            out.append((engine.approval(i), engine.approval_history(i)))
        except br.BrandrailError.NotFound:
            return out


def state(engine):
    """Everything a refused call must leave as it was (the audit log aside)."""
    principals = engine.principals()
    return (
        principals,
        engine.media_accounts(),
        engine.policy_history(),
        engine.policy().digest(),
        approvals(engine),
        [engine.delegations(p.handle) for p in principals],
    )


def refused(code: str, call, *args, **kwargs):
    """Call and assert it raises the uniffi error for `code`; return the error."""
    with pytest.raises(br.BrandrailError) as info:
        call(*args, **kwargs)
    err = info.value
    assert err.code() == code, repr(err)
    return err


def refused_unchanged(engine, code: str, call, *args, **kwargs):
    """As `refused`, and assert the call changed nothing: the same state, and
    the audit log grew by exactly the refusal record for `permission_denied`
    and `separation_of_duties`, by nothing otherwise."""
    before = state(engine)
    log_before = engine.audit_len()
    err = refused(code, call, *args, **kwargs)
    assert state(engine) == before
    grew = engine.audit_len() - log_before
    assert grew == (1 if code in AUDITED_REFUSALS else 0), (code, grew)
    return err


# ------------------------------------------------------------------ approvals

D = br.Department
ACTIVE, WAITING, DONE, SKIPPED = (
    br.StageState.ACTIVE,
    br.StageState.WAITING,
    br.StageState.DONE,
    br.StageState.SKIPPED,
)
IN_REVIEW, APPROVED = br.ApprovalState.IN_REVIEW, br.ApprovalState.APPROVED
CHECKLIST = ["authenticity", "legality", "completeness"]
SHA256 = "ab" * 32

STAFF = [
    ("li.na", D.MARKETING, ["marketing_staff"]),
    ("ma.head", D.MARKETING, ["marketing_staff", "supervisor"]),
    ("chen.jie", D.BRAND, ["brand_staff"]),
    ("gao.brand", D.BRAND, ["brand_staff"]),
    ("sun.li", D.LEGAL, ["legal_staff"]),
    ("zhou.fan", D.FINANCE, ["finance_staff"]),
    ("qian.pay", D.FINANCE, ["finance_staff"]),
    ("zhao.min", D.EXECUTIVE, ["executive", "supervisor"]),
    ("hu.hr", D.HR, ["hr_staff"]),
    ("sales.head", D.SALES, ["sales_staff", "supervisor"]),
]


def company(clock_start: dt.datetime | None = None):
    """An in-memory engine with the reviewers of every built-in workflow; on a
    manual clock from `clock_start` when given."""
    engine = br.Engine.in_memory(br.EngineOptions(clock_start=clock_start))
    engine.bootstrap(person("it.admin", D.IT, "王强"))
    engine.create_principals("it.admin", [person(h, d, roles=r) for h, d, r in STAFF])
    return engine


def ad_copy(reference="content-17/v3", **attributes) -> br.Subject:
    return br.Subject(
        kind=br.SubjectKind.CONTENT_VERSION,
        reference=reference,
        title="双十一 广告文案",
        attributes={"is_ad": "true", **attributes},
    )


def post() -> br.Subject:
    return br.Subject(
        kind=br.SubjectKind.CONTENT_VERSION, reference="content-18/v1", title="门店探店笔记"
    )


def invoice(amount="1280.50", **fields) -> br.Attachment:
    base = dict(kind="invoice", name="发票-0001.pdf", sha256=SHA256, amount=amount)
    return br.Attachment(**{**base, **fields})


def claim(*attachments) -> br.Subject:
    return br.Subject(
        kind=br.SubjectKind.EXPENSE_CLAIM,
        reference="claim-2026-031",
        title="上海展会差旅",
        attributes={"amount": "1280.50"},
        attachments=list(attachments),
    )


def kinds(engine, id: int) -> list[str]:
    return [ev.kind.as_str() for ev in engine.approval_history(id)]


def denied(engine, reason, call, *args):
    """A PermissionDenied refusal with `reason`, audited, nothing else changed."""
    err = refused_unchanged(engine, "permission_denied", call, *args)
    assert isinstance(err, br.BrandrailError.PermissionDenied)
    assert err.reason == reason, err
    return err


def same_moment(a: dt.datetime, b: dt.datetime) -> bool:
    """The store keeps milliseconds; a returned record may be finer."""
    return abs(a - b) < dt.timedelta(milliseconds=1)
