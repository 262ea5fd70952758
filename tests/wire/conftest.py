"""The forwarding client's wire runs on asyncio's loop and on uvloop, the loop the proxy runs
on: their transports differ (uvloop's are not asyncio.Transport subclasses, and report a close
on their own schedule), so every test here runs on both."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import pytest
import uvloop


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"asyncio": asyncio.new_event_loop, "uvloop": uvloop.new_event_loop}
