"""Bearer tokens: each names one lead provider. The real service also accepts the word `Token`."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from connexion.exceptions import OAuthProblem
from connexion.security import BearerSecurityHandler

from sandbox.contracts import Contract
from sandbox.domain.world.entities import LeadProvider
from sandbox.journal import ADMIN
from sandbox.state import SandboxState

SCHEMES = ("bearer", "token")


def security_handler_for(
    state: SandboxState, admin: bool = False, contract: Contract | None = None
) -> type[BearerSecurityHandler]:
    """A Connexion security handler class bound to this sandbox's tokens; with `admin`, the admin
    token is accepted too (the control API), never on the Lead Provider API itself. A contract that
    serves one programme treats the token of a provider without that side as unknown."""
    side = contract.sides if contract is not None else "any"

    class ProviderTokenHandler(BearerSecurityHandler):
        def get_fn(self, security_scheme: dict, required_scopes: Any) -> Callable:
            async def verify(request: Any) -> dict[str, str]:
                header = request.headers.get("Authorization") or ""
                scheme, _, token = header.strip().partition(" ")
                token = token.strip()
                if scheme.lower() not in SCHEMES or not token:
                    raise OAuthProblem(detail="HTTP Token: Access denied")
                if admin and secrets.compare_digest(token, state.admin_token):
                    return {"sub": ADMIN}
                provider = state.store.provider_by_token(token)
                if provider is None or not _has_side(provider, side):
                    raise OAuthProblem(detail="HTTP Token: Access denied")
                return {"sub": provider.id}

            return verify

    return ProviderTokenHandler


def _has_side(provider: LeadProvider, side: str) -> bool:
    return {"any": True, "ecf": provider.has_ecf, "npq": provider.has_npq}[side]
