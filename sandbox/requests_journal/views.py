"""The request log as its readers see it: who may see which exchange, filters, and JSON shapes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.presenters.formats import millis_timestamp
from sandbox.requests_journal.log import Exchange, RequestLog
from sandbox.requests_journal.verdicts import verdicts_of


@dataclass(frozen=True)
class Filters:
    """Each filter narrows the list; None leaves it open."""

    lead_provider_id: str | None = None  # a provider's token always sets its own
    status: int | None = None
    path: str | None = None  # a part of the path
    since: datetime | None = None  # real time, inclusive
    contract: str | None = None  # a contract name or an API base path, e.g. /api/v3

    def admit(self, exchange: Exchange) -> bool:
        return (
            (self.lead_provider_id is None or exchange.lead_provider_id == self.lead_provider_id)
            and (self.status is None or exchange.status == self.status)
            and (self.path is None or self.path in exchange.path)
            and (self.since is None or exchange.started_at >= self.since)
            and (
                self.contract is None or self.contract in (exchange.contract, exchange.api, exchange.version)
            )
        )


def matching(log: RequestLog, filters: Filters) -> Iterator[Exchange]:
    """Newest first."""
    return (e for e in log.newest_first() if filters.admit(e))


def summary(exchange: Exchange) -> dict[str, Any]:
    return {
        "id": exchange.id,
        "started_at": millis_timestamp(exchange.started_at),
        "provider_time": millis_timestamp(exchange.provider_time),
        "lead_provider_id": exchange.lead_provider_id,
        "api": exchange.api,
        "contract": exchange.contract,
        "version": exchange.version,
        "method": exchange.method,
        "path": exchange.path,
        "query": exchange.query,
        "status": exchange.status,
        "duration_ms": exchange.duration_ms,
        "refused_by": exchange.refusal.as_dict() if exchange.refusal else None,
    }


def detail(log: RequestLog, exchange: Exchange) -> dict[str, Any]:
    return {
        **summary(exchange),
        "request": {"headers": _headers(exchange.request_headers), "body": text_of(exchange.request_body)},
        "response": {"headers": _headers(exchange.response_headers), "body": text_of(exchange.response_body)},
        "truncated": exchange.truncated,
        "verdicts": verdicts_of(exchange, log.spec_of(exchange)),
    }


def text_of(body: bytes) -> str | None:
    return body.decode("utf-8", errors="replace") if body else None


def _headers(pairs: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]
