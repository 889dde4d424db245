"""Shared fixtures: engines seeded through the public API only."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import brandrail

ADMIN = "it.admin"
EXEC = "zhao.min"  # executive + supervisor: policy.replace, audit.read, backup, restore
MARKETER = "li.na"


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
