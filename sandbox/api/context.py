"""What every handler is given: the world, the contract it serves, the calling provider and the
instant the request runs at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sandbox.api.params import parse_datetime
from sandbox.contracts import Contract
from sandbox.domain.errors import BadRequest, Forbidden
from sandbox.domain.world.entities import LeadProvider
from sandbox.state import SandboxState
from sandbox.store import Store

SERVER_DATE_HEADER = "X-With-Server-Date"


@dataclass(frozen=True)
class RequestContext:
    state: SandboxState
    contract: Contract
    provider: LeadProvider
    now: datetime

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


def request_instant(state: SandboxState, header: str | None, provider_id: str | None = None) -> datetime:
    """The provider's clock, unless the request travels in time with X-With-Server-Date."""
    if header is None:
        return state.clock.now(provider_id)
    text = header.strip()
    moment = parse_datetime(text)
    if moment is None and len(text) == 10:
        moment = parse_datetime(text + "T00:00:00Z")
    if moment is None:
        raise BadRequest(server_date_message())
    return moment.astimezone(UTC)


def build_context(
    state: SandboxState, contract: Contract, provider_id: str, header: str | None
) -> RequestContext:
    provider = state.store.lead_providers[provider_id]
    return RequestContext(state, contract, provider, request_instant(state, header, provider_id))
