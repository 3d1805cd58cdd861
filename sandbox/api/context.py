"""What every handler is given: the world, the contract it serves, the calling provider and the
instant the request runs at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import cached_property
from zoneinfo import ZoneInfo

from sandbox.api.params import parse_datetime
from sandbox.contracts import Contract
from sandbox.domain.errors import BadRequest, Forbidden
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from sandbox.store import Store

SERVER_DATE_HEADER = "X-With-Server-Date"
_HAS_OFFSET = re.compile(r"(Z|z|[+-]\d{2}(:?\d{2})?)$")


@dataclass(frozen=True)
class RequestContext:
    state: SandboxState
    contract: Contract
    provider: LeadProvider
    now: datetime

    @cached_property
    def zone(self) -> tzinfo:
        """Where the contract's days begin."""
        return ZoneInfo(self.contract.time_zone)

    @cached_property
    def today(self) -> date:
        """The calendar day it is now where the contract's days begin."""
        return self.now.astimezone(self.zone).date()

    @property
    def store(self) -> Store:
        return self.state.store

    def require_ecf(self) -> None:
        if not self.provider.has_ecf:
            raise Forbidden("ecf")

    def require_npq(self) -> None:
        if not self.provider.has_npq:
            raise Forbidden("npq")

    def require_any_side(self) -> None:
        if not (self.provider.has_ecf or self.provider.has_npq):
            raise Forbidden("ecf or npq")


def server_date_message() -> str:
    return (
        f"The '{SERVER_DATE_HEADER}' header must be an RFC 3339 date-time, for example 2025-01-10T10:42:00Z"
    )


def request_instant(
    state: SandboxState, header: str | None, provider_id: str | None = None, zone: str = "UTC"
) -> datetime:
    """The provider's clock, unless the request travels in time with X-With-Server-Date: then the whole
    request runs at that instant. A date alone is midnight, and a time without an offset is read, in the
    contract's time zone."""
    if header is None:
        return state.clock.now(provider_id)
    text = header.strip()
    moment = parse_datetime(text)
    if moment is None and len(text) == 10:
        moment = parse_datetime(text + "T00:00:00")
    if moment is None:
        raise BadRequest(server_date_message())
    if not _HAS_OFFSET.search(text) or len(text) == 10:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def build_context(
    state: SandboxState, contract: Contract, provider_id: str, header: str | None
) -> RequestContext:
    provider = state.store.lead_providers[provider_id]
    now = request_instant(state, header, provider_id, contract.time_zone)
    return RequestContext(state, contract, provider, now)
