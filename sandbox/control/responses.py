"""Control API bodies: plain JSON under `data`."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response


def ok(data: Any) -> Response:
    body = json.dumps({"data": data}, separators=(",", ":"), ensure_ascii=False).encode()
    return Response(body, status_code=200, headers={"Content-Type": "application/json"})


def journaled(handler: Any) -> Any:
    """Marks a handler whose accepted calls are world changes, kept for per-provider resets."""
    handler.journaled = True
    return handler
