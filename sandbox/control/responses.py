"""Control API bodies: plain JSON under `data`."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api.responses import wire_json


def ok(data: Any) -> Response:
    body = wire_json({"data": data})
    return Response(body, status_code=200, headers={"Content-Type": "application/json"})


def journaled(handler: Any) -> Any:
    """Marks a handler whose accepted calls are world changes, kept for per-provider resets."""
    handler.journaled = True
    return handler
