"""Pytest fixtures for the fakes. Loaded from tests/conftest.py through ``pytest_plugins``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from .bot_api import FakeBotAPI


@pytest.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotAPI]:
    """A started FakeBotAPI in the test's event loop. It is stopped afterwards even if the
    test fails, so no port or pending long poll outlives the test."""
    api = FakeBotAPI()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()
