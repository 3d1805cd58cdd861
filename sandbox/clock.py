"""Time as the sandbox sees it. The domain never reads the system clock: it is handed `now`.

Each lead provider has its own clock: real time shifted by an offset the provider (or an admin)
sets through the control API, so one provider's time travel never moves another's world. The
offset keeps ticking with real time, as the real sandbox's X-With-Server-Date travel does.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta


def system_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """Real time (or a function a test injects), shifted per provider."""

    def __init__(self, source: Callable[[], datetime] = system_now) -> None:
        self._source = source
        self._offsets: dict[str, timedelta] = {}

    def real_now(self) -> datetime:
        return self._source().astimezone(UTC)

    def now(self, provider_id: str | None = None) -> datetime:
        return self.real_now() + self.offset(provider_id)

    def offset(self, provider_id: str | None) -> timedelta:
        return self._offsets.get(provider_id, timedelta()) if provider_id else timedelta()

    def travel_to(self, provider_id: str, instant: datetime) -> None:
        self._offsets[provider_id] = instant.astimezone(UTC) - self.real_now()

    def advance(self, provider_id: str, delta: timedelta) -> None:
        self._offsets[provider_id] = self.offset(provider_id) + delta

    def back_to_real_time(self, provider_id: str) -> None:
        self._offsets.pop(provider_id, None)

    def reset_all(self) -> None:
        self._offsets.clear()
