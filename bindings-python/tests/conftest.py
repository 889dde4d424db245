"""Shared fixtures and helpers: engines seeded through the public API only
(`engine`, `file_engine`, and `company`, staffed for approvals; `staff()`
staffs any engine, e.g. one on a manual clock), and the approval inputs and
snapshots the approval tests share."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

import brandrail

ADMIN = "it.admin"
EXEC = "zhao.min"  # executive + supervisor: policy.replace, audit.read, backup, restore
MARKETER = "li.na"

# The company's reviewers, department heads and finance (the `company` fixture).
BRAND, BRAND2, LEGAL = "chen.jie", "gao.brand", "sun.li"
HEAD, SALES_HEAD, HR = "ma.head", "sales.head", "hu.hr"
CHECKER, PAYER = "zhou.fan", "qian.pay"
INVOICE_SHA = "ab" * 32
CHECKLIST = ["authenticity", "legality", "completeness"]


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A timezone-aware UTC datetime."""
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def seed(engine: brandrail.Engine) -> brandrail.Engine:
    """An administrator, an executive and a marketer."""
    engine.bootstrap(handle=ADMIN, display_name="王强", department="it")
    engine.create_principal(
        ADMIN,
        handle=EXEC,
        display_name="赵敏",
        department="executive",
        roles=["executive", "supervisor"],
    )
    engine.create_principal(ADMIN, handle=MARKETER, display_name="李娜", department="marketing")
    return engine


@pytest.fixture
def engine() -> brandrail.Engine:
    """A seeded in-memory engine."""
    return seed(brandrail.Engine.in_memory())


@pytest.fixture
def file_engine(tmp_path) -> brandrail.Engine:
    """A seeded engine on a file in a temporary directory."""
    return seed(brandrail.Engine.open(tmp_path / "brandrail.sqlite"))


@pytest.fixture
def key() -> bytes:
    return bytes(range(32))


def staff(engine: brandrail.Engine) -> brandrail.Engine:
    """The seeded engine (admin, EXEC = executive + supervisor, MARKETER) plus
    reviewers, department heads and finance."""
    seed(engine)
    engine.create_principals(
        ADMIN,
        [
            {"handle": HEAD, "display_name": "马经理", "department": "marketing",
             "roles": ["marketing_staff", "supervisor"]},
            {"handle": BRAND, "display_name": "陈杰", "department": "brand"},
            {"handle": BRAND2, "display_name": "高", "department": "brand"},
            {"handle": LEGAL, "display_name": "孙丽", "department": "legal"},
            {"handle": CHECKER, "display_name": "周帆", "department": "finance"},
            {"handle": PAYER, "display_name": "钱付", "department": "finance"},
            {"handle": HR, "display_name": "胡", "department": "hr"},
            {"handle": SALES_HEAD, "display_name": "销售主管", "department": "sales",
             "roles": ["sales_staff", "supervisor"]},
        ],
    )
    return engine


@pytest.fixture
def company() -> brandrail.Engine:
    """A staffed company on the system clock."""
    return staff(brandrail.Engine.in_memory())


def ad(reference: str = "content-17/v3", **attributes: str) -> brandrail.Subject:
    return brandrail.Subject(
        "content_version", reference, "双十一 广告文案", {"is_ad": "true", **attributes}
    )


def claim(**overrides) -> dict:
    """An expense claim as a plain dict, with one invoice."""
    subject = {
        "kind": "expense_claim",
        "reference": "claim-2026-031",
        "title": "上海展会差旅",
        "attributes": {"amount": "1280.50"},
        "attachments": [
            {"kind": "invoice", "name": "发票-0001.pdf", "sha256": INVOICE_SHA, "amount": Decimal("1280.50")}
        ],
    }
    subject.update(overrides)
    return subject


def snapshot(engine: brandrail.Engine, ids=()) -> tuple:
    """What a refused or invalid call must leave as it was: the given
    approvals, that no further one exists, and the audit log's length."""
    last = max(ids, default=0)
    with pytest.raises(brandrail.NotFoundError):
        engine.approval(last + 1)
    return [engine.approval(i) for i in ids], engine.audit_len()
