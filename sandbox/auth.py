"""Bearer tokens: each names one lead provider. The real service also accepts the word `Token`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connexion.exceptions import OAuthProblem
from connexion.security import BearerSecurityHandler

from sandbox.state import SandboxState

SCHEMES = ("bearer", "token")


def security_handler_for(state: SandboxState) -> type[BearerSecurityHandler]:
    """A Connexion security handler class bound to this sandbox's tokens."""

    class ProviderTokenHandler(BearerSecurityHandler):
        def get_fn(self, security_scheme: dict, required_scopes: Any) -> Callable:
            async def verify(request: Any) -> dict[str, str]:
                header = request.headers.get("Authorization") or ""
                scheme, _, token = header.strip().partition(" ")
                provider = None
                if scheme.lower() in SCHEMES and token.strip():
                    provider = state.store.provider_by_token(token.strip())
                if provider is None:
                    raise OAuthProblem(detail="HTTP Token: Access denied")
                return {"sub": provider.id}

            return verify

    return ProviderTokenHandler
