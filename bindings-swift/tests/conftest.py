"""Fixtures for the uniffi-layer tests (helpers live in `uniffi_support.py`)."""

from __future__ import annotations

import pytest

from uniffi_support import SECRET_KEY, br, seed


@pytest.fixture
def engine():
    """A seeded in-memory engine without a secret key."""
    e = br.Engine.in_memory()
    seed(e)
    return e


@pytest.fixture
def keyed():
    """A seeded in-memory engine with a secret key (credentials allowed)."""
    e = br.Engine.in_memory(br.EngineOptions(secret_key=SECRET_KEY))
    seed(e)
    return e
