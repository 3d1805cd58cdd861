"""Time as the sandbox sees it. The domain never reads the system clock: it is handed `now`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime


def system_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """The sandbox's clock: real time, or a function a test injects."""

    def __init__(self, source: Callable[[], datetime] = system_now) -> None:
        self._source = source

    def now(self) -> datetime:
        return self._source().astimezone(UTC)
