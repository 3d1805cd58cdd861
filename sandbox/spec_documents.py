"""The OpenAPI documents the sandbox serves, for Swagger UI and for importing into Postman or Insomnia.

Each is our spec file as it is, except that `servers` names the absolute URL of its API as the
client reached it (scheme and host of the request), so an imported collection points at this
sandbox without editing. Served as YAML where the real service serves its documents
(`/lead-providers/api-docs/vN/api_spec.yml`) and beside each API (`openapi.yaml`; `openapi.json`,
which Swagger UI reads).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, lru_cache
from typing import Any

from connexion.json_schema import resolve_refs
from starlette.requests import Request
from starlette.responses import Response

from sandbox.spec_files import SpecFile

YAML = "application/yaml"
JSON = "application/json"
# The top-level `servers:` block of a spec file: its key line and the indented or dashed lines after it.
_SERVERS_BLOCK = re.compile(r"^servers:\n(?:[ -].*\n)+", re.MULTILINE)

Endpoint = Callable[[Request], Any]


class SpecDocument:
    """One spec file served for one API root (`/api/v3`, `/sandbox`)."""

    def __init__(self, spec: SpecFile) -> None:
        self.base_path = spec.base_path
        self._text = spec.text
        if len(_SERVERS_BLOCK.findall(self._text)) != 1:
            raise ValueError(f"{spec.path.name} must have exactly one top-level `servers:` block")
        self._document = spec.document
        # One rendering per (format, origin); the origin comes from a request header, so the cache is bounded.
        self.render = lru_cache(maxsize=32)(self._render)

    @cached_property
    def _dereferenced(self) -> dict[str, Any]:
        # As Connexion serves `openapi.json`: the document Swagger UI and Schemathesis have always read.
        return dict(resolve_refs(self._document))

    def _render(self, media_type: str, root_url: str) -> bytes:
        server_url = root_url.rstrip("/") + self.base_path
        if media_type == JSON:
            return json.dumps({**self._dereferenced, "servers": [{"url": server_url}]}).encode()
        # A JSON string is a valid YAML scalar, whatever characters the Host header held.
        servers = f"servers:\n  - url: {json.dumps(server_url)}\n"
        return _SERVERS_BLOCK.sub(lambda _: servers, self._text, count=1).encode()

    def endpoint(self, media_type: str) -> Endpoint:
        async def serve(request: Request) -> Response:
            return Response(self.render(media_type, str(request.base_url)), media_type=media_type)

        return serve


def spec_routes(
    specs: Iterable[SpecFile], real_service_paths: dict[str, str]
) -> Iterator[tuple[str, Endpoint]]:
    """(path, endpoint) for every served document: `openapi.json` and `openapi.yaml` under each API
    root, and the real service's own document paths (`real_service_paths` maps API root to path)."""
    for spec in specs:
        document = SpecDocument(spec)
        yield f"{spec.base_path}/openapi.json", document.endpoint(JSON)
        yield f"{spec.base_path}/openapi.yaml", document.endpoint(YAML)
        if spec.base_path in real_service_paths:
            yield real_service_paths[spec.base_path], document.endpoint(YAML)
