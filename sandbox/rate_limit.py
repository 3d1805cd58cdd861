"""The real service's rate limit: 1,000 requests per 5 minutes per Authorization header value, in
fixed windows, on every `/api/` path; the next request is a 429 with `Retry later`. Off unless
asked for, so test suites and fuzzing are not throttled."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

RETRY_LATER = b"Retry later\n"


@dataclass(frozen=True)
class RateLimit:
    requests: int = 1000
    window_seconds: int = 300


class FixedWindowCounter:
    def __init__(self, limit: RateLimit, now: Callable[[], datetime]) -> None:
        self.limit = limit
        self._now = now
        self._window = -1
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        window = int(self._now().timestamp()) // self.limit.window_seconds
        with self._lock:
            if window != self._window:
                self._window, self._counts = window, {}
            count = self._counts.get(key, 0) + 1
            self._counts[key] = count
            return count <= self.limit.requests


class RateLimitMiddleware:
    """Pure ASGI, placed before Connexion's routing so throttled requests cost nothing."""

    def __init__(self, app: Any, counter: FixedWindowCounter) -> None:
        self.app = app
        self.counter = counter

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        key = headers.get(b"authorization", b"").decode("latin-1")
        if self.counter.allow(key):
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [(b"content-type", b"text/plain"), (b"content-length", b"%d" % len(RETRY_LATER))],
            }
        )
        await send({"type": "http.response.body", "body": RETRY_LATER})
