"""The only place where exceptions become HTTP responses, in the real API's error shapes.

Connexion's own problems (validation, security, routing, media type) are replaced too: the real
service never answers problem+json.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from connexion.lifecycle import ConnexionRequest, ConnexionResponse

from sandbox.api.body import DATA_STRUCTURE_MESSAGE
from sandbox.contracts import contract_at
from sandbox.domain.errors import (
    BadRequest,
    DomainError,
    Forbidden,
    InvalidAction,
    NotFound,
    NotPermitted,
    ValidationFailed,
)
from sandbox.requests_journal.recorder import note_refusal

log = logging.getLogger(__name__)

JSON_API = "application/vnd.api+json"
UNAUTHORISED = {"error": "HTTP Token: Access denied"}
INTERNAL = {"error": "Internal server error"}


@dataclass(frozen=True)
class ErrorShape:
    """What differs between the error bodies of two services (a contract names its shape)."""

    media_type: str
    not_found: str  # the `error` of a 404
    joins_messages: bool  # a 422 has one entry per attribute (messages joined by ", ") or per message
    challenge: dict[str, str]  # headers of a 401


SHAPES = {
    "cpd-errors": ErrorShape(
        JSON_API, "Resource not Found", True, {"WWW-Authenticate": 'Token realm="Application"'}
    ),
    "npq-service-errors": ErrorShape("application/json", "Resource not found", False, {}),
}
DEFAULT_SHAPE = SHAPES["cpd-errors"]  # the control API's, and any path outside a contract's mount


def shape_of(request: Any) -> ErrorShape:
    contract = contract_at(request.url.path)
    return SHAPES[contract.error_shape] if contract else DEFAULT_SHAPE


def _encode(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _json(
    payload: Any, status: int, headers: dict[str, str] | None = None, shape: ErrorShape = DEFAULT_SHAPE
) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status,
        mimetype=shape.media_type,
        content_type=shape.media_type,
        body=_encode(payload),
        headers=headers or {},
    )


def error_list(
    status: int, entries: list[tuple[str, str]], shape: ErrorShape = DEFAULT_SHAPE
) -> ConnexionResponse:
    return _json({"errors": [{"title": t, "detail": d} for t, d in entries]}, status, shape=shape)


def _validation_entries(exc: ValidationFailed, shape: ErrorShape) -> list[tuple[str, str]]:
    if shape.joins_messages:
        return [(attr, ", ".join(msgs)) for attr, msgs in exc.errors.items()]
    return [(attr, msg) for attr, msgs in exc.errors.items() for msg in msgs]


def domain_error(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    note_refusal(_request.scope, exc)
    shape = shape_of(_request)
    if isinstance(exc, NotFound):
        return _json({"error": shape.not_found}, 404, shape=shape)
    if isinstance(exc, Forbidden):
        return ConnexionResponse(status_code=403, body=b"", headers={})
    if isinstance(exc, NotPermitted):
        return error_list(403, [("Forbidden", exc.detail)], shape)
    if isinstance(exc, BadRequest):
        return error_list(400, [(exc.title, exc.detail)], shape)
    if isinstance(exc, ValidationFailed):
        return error_list(422, _validation_entries(exc, shape), shape)
    if isinstance(exc, InvalidAction):
        return error_list(422, [(exc.title, exc.detail)], shape)
    assert isinstance(exc, DomainError)
    return unexpected(_request, exc)


def unauthorised(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
    shape = shape_of(_request)
    return _json(UNAUTHORISED, 401, dict(shape.challenge), shape)


def not_found(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
    shape = shape_of(_request)
    return _json({"error": shape.not_found}, 404, shape=shape)


def forbidden(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
    return ConnexionResponse(status_code=403, body=b"", headers={})


def method_not_allowed_for(allowed: Callable[[str], list[str]]) -> Callable:
    """405 with an `Allow` header listing every method our specs define for the path (Connexion's
    own lists one route's methods only)."""

    def method_not_allowed(request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
        methods = allowed(request.url.path)
        headers = {"Allow": ", ".join(methods)}
        return _json({"error": "Method Not Allowed"}, 405, headers, shape_of(request))

    return method_not_allowed


def unsupported_media_type(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    detail = _first_paragraph(getattr(exc, "detail", "")) or "Unsupported media type"
    return error_list(415, [("Bad request", detail)], shape_of(_request))


def bad_request(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Connexion's own 400s come from reading the request body (parameters are worded by
    `sandbox.validation`). The Lead Provider API answers every malformed body with one sentence;
    the control API, which is ours, says what was wrong."""
    if request.url.path.startswith("/sandbox"):
        detail = _first_paragraph(str(getattr(exc, "detail", "") or exc))
        return error_list(400, [("Bad request", detail or "The request body could not be read")])
    return error_list(400, [("Bad request", DATA_STRUCTURE_MESSAGE)], shape_of(request))


LIMIT_TITLES = {
    408: "Request timeout",
    413: "Request too large",
    414: "Request target too long",
    431: "Request headers too large",
}


def head_too_large_detail(status: int, max_bytes: int) -> str:
    part = "path and query are" if status == 414 else "line and headers are together"
    return f"The request's {part} longer than {max_bytes} bytes, the most this API accepts."


def body_too_large_detail(max_bytes: int) -> str:
    return f"The request body is larger than {max_bytes} bytes, the most this API accepts."


def body_too_slow_detail(seconds: float) -> str:
    return f"The request body did not arrive within {seconds:g} seconds."


async def send_limit_error(
    send: Callable[[dict], Awaitable[None]], status: int, detail: str, path: str = ""
) -> None:
    """A refusal sent from outside Connexion (see `sandbox.limits`), in the shape of every other error
    of the API the path is under. The connection is closed after it: the rest of the body is never read."""
    contract = contract_at(path)
    media_type = SHAPES[contract.error_shape].media_type if contract else JSON_API
    body = _encode({"errors": [{"title": LIMIT_TITLES[status], "detail": detail}]})
    headers = [
        (b"content-type", media_type.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.error("unhandled error", exc_info=exc)
    return _json(INTERNAL, 500, shape=shape_of(_request))


def _first_paragraph(text: str) -> str:
    # jsonschema appends the whole schema after a blank line; a client needs only the sentence.
    return str(text).split("\n\n", 1)[0].strip()
