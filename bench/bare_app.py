"""The yardstick of the throughput bench: a bare Starlette app that answers every GET with the same items,
serialised with the standard `json` module on each request, and nothing else (no routing by spec, no
auth, no validation). Run as `python -m bench.bare_app ITEMS.json PORT`; ITEMS.json holds a page body
as our server sends it (`{"data": [...]}`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def bare_app(items: list[dict[str, Any]]) -> Starlette:
    async def page(_request: Request) -> Response:
        body = json.dumps({"data": items}, separators=(",", ":"), ensure_ascii=False).encode()
        return Response(body, media_type="application/vnd.api+json")

    return Starlette(routes=[Route("/{path:path}", page)])


def main() -> None:
    path, port = sys.argv[1], int(sys.argv[2])
    with open(path, "rb") as source:
        items = json.load(source)["data"]
    uvicorn.run(bare_app(items), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
