"""What a request gets while a reseed builds another world: 503 with `Retry-After`.

During a reseed there is no world (the old one is let go of before the new one is built, so that two
never live at once; `sandbox.state`). Every request that would read or change it is answered at
once, in its API's error shape, without reaching authentication (tokens live in the world) or a
handler. What needs no world keeps answering: `/healthcheck`, the spec documents and their UI pages.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sandbox import errors
from sandbox.state import SandboxState

# A 50,000-participant world takes about a minute to build; most are far smaller.
RETRY_AFTER_SECONDS = 5


class ReseedGate:
    """Pure ASGI. Placed inside `RequestLimits`, so that a body is read whole before the gate is
    passed and nothing between the gate and a handler waits on the network."""

    def __init__(self, app: Any, state: SandboxState, open_paths: Collection[str], ui_roots: Collection[str]):
        self.app = app
        self.state = state
        self.open_paths = frozenset(open_paths)
        self.ui_roots = tuple(f"{root}/ui" for root in ui_roots)

    def needs_world(self, path: str) -> bool:
        return path not in self.open_paths and not path.startswith(self.ui_roots)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        reseeding = self.state.reseeding
        if reseeding is None or scope["type"] != "http" or not self.needs_world(scope["path"]):
            await self.app(scope, receive, send)
            return
        detail = errors.reseeding_detail(*reseeding)
        await errors.send_reseeding(send, scope["path"], detail, RETRY_AFTER_SECONDS)
