"""What every control handler is given: the sandbox, who is calling, and who may be acted on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sandbox.api.context import request_instant
from sandbox.domain.errors import NotFound, NotPermitted
from sandbox.domain.world.entities import LeadProvider
from sandbox.journal import ADMIN
from sandbox.state import SandboxState
from sandbox.store import Store


@dataclass(frozen=True)
class ControlContext:
    state: SandboxState
    caller_id: str  # a lead provider's id, or ADMIN
    server_date: str | None  # the X-With-Server-Date header, if any
    # The first instant an event asked for; a replay runs at that instant again.
    instants: list[datetime] = field(default_factory=list)

    @property
    def store(self) -> Store:
        return self.state.store

    @property
    def is_admin(self) -> bool:
        return self.caller_id == ADMIN

    def require_admin(self) -> None:
        if not self.is_admin:
            raise NotPermitted("Only the admin token can do this.")

    def provider(self, provider_id: str) -> LeadProvider:
        """A provider the caller may act on: any for the admin, itself for a provider."""
        provider = self.store.lead_providers.get(provider_id)
        if provider is None:
            raise NotFound(provider_id)
        if not self.is_admin and provider.id != self.caller_id:
            raise NotPermitted("A lead provider's token can only act on that provider's own slice.")
        return provider

    def may_act_for(self, provider_ids: set[str]) -> None:
        """An event reaches the providers it involves; a provider may trigger it only if it is one."""
        if not self.is_admin and self.caller_id not in provider_ids:
            raise NotPermitted("This event does not involve the lead provider of this token.")

    def now_for(self, provider_id: str | None) -> datetime:
        """The instant an event happens: the header's, else the involved provider's clock. One event
        happens at one instant, however often it asks."""
        if not self.instants:
            self.instants.append(request_instant(self.state, self.server_date, provider_id))
        return self.instants[0]
