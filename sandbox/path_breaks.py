"""Keeps a request whose path holds a line break on its route.

Starlette's mounts match the rest of the path with `.*`, which stops at a line break, so
`/rect/api/v3/delivery-partners/a%0Ab` missed every route and got the unknown-route 404 although the
route exists and only the id is wrong (the real service routes it and answers that nothing was
found). Escaping the break again before routing lets the request reach its operation: the token is
checked, and the id, which no record has, is not found."""

from __future__ import annotations

from typing import Any


class PathLineBreaks:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] == "http" and "\n" in path:
            scope = {**scope, "path": path.replace("\n", "%0A")}
        await self.app(scope, receive, send)
