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


def state(engine):
    """Everything a refused call must leave as it was (the audit log aside)."""
    return (
        engine.principals(),
        engine.media_accounts(),
        engine.policy_history(),
        engine.policy().digest(),
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
    the audit log grew by exactly the denial record for `permission_denied`,
    by nothing otherwise."""
    before = state(engine)
    log_before = engine.audit_len()
    err = refused(code, call, *args, **kwargs)
    assert state(engine) == before
    grew = engine.audit_len() - log_before
    assert grew == (1 if code == "permission_denied" else 0), (code, grew)
    return err
