"""The request log: every exchange on a Lead Provider API, newest last, bounded in count and bytes.

Kept apart from `sandbox.journal` (the change journal that backs resets): this one records what a
provider's client sent and what it got back, for the provider to read, never for replay.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sandbox.domain.rulebook import Refusal

DEFAULT_SIZE = 1000
# A body is kept up to this many bytes (a bigger one is cut and its response left unchecked), and
# the bodies the log holds add up to at most MAX_BYTES: past it the oldest exchanges are dropped too.
BODY_LIMIT = 1024 * 1024
MAX_BYTES = 64 * 1024 * 1024
MASK_KEEP = 4  # the last characters of a token shown, enough to tell tokens apart


@dataclass(frozen=True)
class Api:
    """A Lead Provider API whose requests are recorded: where it is served and its spec."""

    base_path: str
    contract: str
    version: str
    spec: Path


@dataclass
class Exchange:
    id: int
    started_at: datetime  # real time
    provider_time: datetime | None  # the provider's clock, or X-With-Server-Date, when the request ran
    lead_provider_id: str | None
    api: str  # base path, e.g. /api/v3
    contract: str
    version: str
    method: str
    path: str
    query: str
    request_headers: list[tuple[str, str]]
    request_body: bytes
    status: int = 0
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    duration_ms: float = 0.0
    refusal: Refusal | None = None
    truncated: bool = False
    # Filled on first read (verdicts are computed lazily; see `sandbox.requests_journal.verdicts`).
    verdicts: dict[str, Any] | None = None

    @property
    def size(self) -> int:
        """Bytes of body held (headers and fields are small next to them)."""
        return len(self.request_body) + len(self.response_body)

    def header(self, name: str, response: bool = False) -> str | None:
        name = name.lower()
        for key, value in self.response_headers if response else self.request_headers:
            if key.lower() == name:
                return value
        return None


def mask_token(value: str) -> str:
    scheme, _, token = value.strip().partition(" ")
    token = token.strip()
    if not token:
        return "***"
    return f"{scheme} ***{token[-MASK_KEEP:]}" if len(token) > 2 * MASK_KEEP else f"{scheme} ***"


class RequestLog:
    """A ring of exchanges: the oldest is dropped when `size` is reached. Thread-safe."""

    def __init__(self, apis: Iterable[Api], size: int = DEFAULT_SIZE, max_bytes: int = MAX_BYTES) -> None:
        if size < 1:
            raise ValueError("the request log needs room for at least one request")
        self.apis = tuple(apis)
        self.size = size
        self.max_bytes = max_bytes
        self._bytes = 0
        self._items: deque[Exchange] = deque()
        self._by_id: dict[int, Exchange] = {}
        self._next = 1
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def spec_of(self, exchange: Exchange) -> Path:
        return next(api.spec for api in self.apis if api.base_path == exchange.api)

    def next_id(self) -> int:
        with self._lock:
            number = self._next
            self._next += 1
            return number

    def add(self, exchange: Exchange) -> None:
        with self._lock:
            self._bytes += exchange.size
            self._items.append(exchange)
            self._by_id[exchange.id] = exchange
            while len(self._items) > self.size or (self._bytes > self.max_bytes and len(self._items) > 1):
                self._drop(self._items.popleft())

    def _drop(self, exchange: Exchange) -> None:
        self._by_id.pop(exchange.id, None)
        self._bytes -= exchange.size

    def get(self, exchange_id: int) -> Exchange | None:
        return self._by_id.get(exchange_id)

    def newest_first(self) -> Iterator[Exchange]:
        with self._lock:
            items = list(self._items)
        return reversed(items)

    def oldest_first(self) -> list[Exchange]:
        with self._lock:
            return list(self._items)

    def remove(self, exchanges: Iterable[Exchange]) -> int:
        doomed = {e.id for e in exchanges}
        with self._lock:
            kept = deque()
            for item in self._items:
                if item.id in doomed:
                    self._drop(item)
                else:
                    kept.append(item)
            removed = len(self._items) - len(kept)
            self._items = kept
        return removed
