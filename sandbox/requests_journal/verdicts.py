"""Did a recorded request, and the response to it, conform to the contract's spec?

Checked with openapi-core (a run-time dependency for this) when an exchange is first read, not
when it is served: a check costs ~5 ms and a read of the sandbox ~2 ms, so checking every
exchange as it happens would triple a read's cost; most are never read. The verdicts are kept
on the exchange once computed. openapi-core itself is imported on that first read too: importing
it (with pydantic and openapi-spec-validator) took ~0.3 s of every start-up, for a page most runs never open.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from sandbox.requests_journal.log import Exchange
from sandbox.resources import parse_yaml

if TYPE_CHECKING:
    from openapi_core import OpenAPI
    from openapi_core.testing import MockRequest

_lock = threading.Lock()


@cache
def _openapi(spec: Path) -> OpenAPI:
    from openapi_core import OpenAPI

    return OpenAPI.from_dict(parse_yaml(spec.read_text()))


def verdicts_of(exchange: Exchange, spec: Path) -> dict[str, Any]:
    """`{"request": {...}, "response": {...}}`, each `{"conforms": bool, "problems": [...]}`."""
    if exchange.verdicts is None:
        with _lock:  # openapi-core's spec objects are not documented as thread-safe
            openapi = _openapi(spec)
            request = _mock_request(exchange)
            exchange.verdicts = {
                "request": _verdict(openapi.unmarshal_request(request).errors),
                "response": _response_verdict(openapi, request, exchange),
            }
    return exchange.verdicts


def _mock_request(exchange: Exchange) -> MockRequest:
    from openapi_core.testing import MockRequest

    headers = dict(exchange.request_headers)
    return MockRequest(
        "http://sandbox",
        exchange.method.lower(),
        exchange.path,
        args=parse_qsl(exchange.query, keep_blank_values=True),
        headers=headers,
        data=exchange.request_body or None,
        content_type=(exchange.header("content-type") or "application/json").split(";")[0],
    )


def _response_verdict(openapi: OpenAPI, request: MockRequest, exchange: Exchange) -> dict[str, Any]:
    if exchange.truncated:
        return {
            "conforms": None,
            "problems": [{"where": "body", "name": None, "message": "not checked: too big"}],
        }
    content_type = (exchange.header("content-type", response=True) or "").split(";")[0]
    # openapi-core has no CSV deserialiser: a text body reaches its string schema as text.
    body: Any = exchange.response_body
    if content_type.startswith("text/"):
        body = body.decode("utf-8", errors="replace")
    from openapi_core.testing import MockResponse

    response = MockResponse(body, status_code=exchange.status, content_type=content_type or None)
    return _verdict(openapi.unmarshal_response(request, response).errors)


def _verdict(errors: list[Exception]) -> dict[str, Any]:
    return {"conforms": not errors, "problems": [problem for e in errors for problem in _problems(e)]}


def _problems(error: Exception) -> list[dict[str, Any]]:
    """Each problem names where it is (query, path, header, body, status) and what is wrong."""
    where = getattr(error, "location", None) or _where(error)
    name = getattr(error, "name", None)
    details = getattr(error.__cause__, "schema_errors", None) or ()
    if not details:
        return [{"where": where, "name": name, "message": _sentence(error)}]
    found = []
    for detail in details:
        pointer = "/".join(str(part) for part in detail.absolute_path)
        found.append(
            {
                "where": where,
                "name": ".".join(filter(None, [name, pointer])) or None,
                "message": detail.message,
            }
        )
    return found


def _where(error: Exception) -> str:
    kind = type(error).__name__.lower()
    for word in ("body", "data", "status", "header", "security", "path", "operation"):
        if word in kind:
            return "body" if word == "data" else word
    return "request"


def _sentence(error: Exception) -> str:
    return str(error).split("\n\n", 1)[0].strip() or type(error).__name__
