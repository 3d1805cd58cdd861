"""Validating real requests and responses against our specs with openapi-core."""

from __future__ import annotations

from functools import cache
from urllib.parse import parse_qsl, urlsplit

import httpx
import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

from sandbox.resources import specs_dir

SPECS = specs_dir()


@cache
def spec(version: str) -> OpenAPI:
    return OpenAPI.from_dict(yaml.safe_load((SPECS / f"{version}.yaml").read_text()))


@cache
def document(version: str) -> dict:
    return yaml.safe_load((SPECS / f"{version}.yaml").read_text())


def validate_exchange(version: str, response: httpx.Response) -> None:
    """Raise when the response (or the request that produced it) breaks the version's spec."""
    request = response.request
    url = urlsplit(str(request.url))
    mock_request = MockRequest(
        "http://testserver",
        request.method.lower(),
        url.path,
        args=dict(parse_qsl(url.query, keep_blank_values=True)),
        headers=dict(request.headers),
        data=request.content or None,
        content_type=request.headers.get("content-type", "application/json"),
    )
    content_type = response.headers.get("content-type", "")
    # openapi-core has no CSV deserializer: a text body must reach the string schema as text.
    body = response.text if content_type.startswith("text/") else response.content
    mock_response = MockResponse(
        body,
        status_code=response.status_code,
        content_type=content_type.split(";")[0],
    )
    spec(version).validate_response(mock_request, mock_response)


def operations(version: str) -> list[tuple[str, str, dict]]:
    """(method, path relative to the version's base, operation) for every operation."""
    found = []
    for path, item in document(version)["paths"].items():
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((method.upper(), path, operation))
    return found
