"""The only place where exceptions become HTTP responses, in the real API's error shapes.

Connexion's own problems (validation, security, routing, media type) are replaced too: the real
service never answers problem+json.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from connexion.lifecycle import ConnexionRequest, ConnexionResponse

from sandbox.api.body import DATA_STRUCTURE_MESSAGE
from sandbox.api.responses import wire_json
from sandbox.contracts import Contract, contract_at
from sandbox.domain.errors import (
    BadRequest,
    DomainError,
    Forbidden,
    InvalidAction,
    NotFound,
    NotPermitted,
    NotTheMaker,
    ParticipantIdChanged,
    ValidationFailed,
)
from sandbox.presenters.formats import timestamp
from sandbox.requests_journal.recorder import note_refusal

log = logging.getLogger(__name__)

JSON_API = "application/vnd.api+json"
UNAUTHORISED = {"error": "HTTP Token: Access denied"}
NOT_FOUND = {"error": "Resource not Found"}
INTERNAL = {"error": "Internal server error"}
# The newer services' shapes ("rect-errors", "npq-errors") share everything but the body of a record
# not found; a path they do not route is the same for both.
RECT_NOT_FOUND = [("Resource not found", "Nothing could be found for the provided details")]
NEWER_NO_ROUTE = {"error": "Resource not found"}
NEWER_SHAPES = ("rect-errors", "npq-errors")


def _json(
    payload: Any, status: int, headers: dict[str, str] | None = None, media_type: str = JSON_API
) -> ConnexionResponse:
    return ConnexionResponse(
        status_code=status,
        mimetype=media_type.split(";")[0],
        content_type=media_type,
        body=wire_json(payload),
        headers=headers or {},
    )


def error_list(status: int, entries: list[tuple[str, str]], media_type: str = JSON_API) -> ConnexionResponse:
    return _json({"errors": [{"title": t, "detail": d} for t, d in entries]}, status, media_type=media_type)


def _rect(request: ConnexionRequest) -> Contract | None:
    """The contract of the request when it answers in one of the newer services' shapes."""
    contract = contract_at(request.url.path)
    return contract if contract is not None and contract.error_shape in NEWER_SHAPES else None


def _rect_error(contract: Contract, exc: DomainError) -> ConnexionResponse | None:
    """The newer services' bodies: a 422 has one entry per message; RECT's record not found is an
    error list, the NPQ service's its route-not-found body."""
    media = contract.content_type
    if isinstance(exc, NotFound) and contract.error_shape == "npq-errors":
        return _json(NEWER_NO_ROUTE, 404, media_type=media)
    if isinstance(exc, NotFound):
        return error_list(404, RECT_NOT_FOUND, media)
    if isinstance(exc, BadRequest):
        return error_list(400, [(exc.title, exc.detail)], media)
    if isinstance(exc, ValidationFailed):
        return error_list(422, [(a, m) for a, msgs in exc.errors.items() for m in dict.fromkeys(msgs)], media)
    if isinstance(exc, InvalidAction):
        return error_list(422, [(exc.title, exc.detail)], media)
    return None


def domain_error(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    note_refusal(_request.scope, exc)
    if isinstance(exc, NotTheMaker | ParticipantIdChanged):
        return _answer_of_the_newer_services(_request, exc)
    rect = _rect(_request)
    if rect is not None and isinstance(exc, DomainError) and (answer := _rect_error(rect, exc)):
        return answer
    if isinstance(exc, NotFound):
        return _json(NOT_FOUND, 404)
    if isinstance(exc, Forbidden):
        return ConnexionResponse(status_code=403, body=b"", headers={})
    if isinstance(exc, NotPermitted):
        return error_list(403, [("Forbidden", exc.detail)])
    if isinstance(exc, BadRequest):
        return error_list(400, [(exc.title, exc.detail)])
    if isinstance(exc, ValidationFailed):
        return error_list(422, [(attr, ", ".join(msgs)) for attr, msgs in exc.errors.items()])
    if isinstance(exc, InvalidAction):
        return error_list(422, [(exc.title, exc.detail)])
    assert isinstance(exc, DomainError)
    return unexpected(_request, exc)


def _answer_of_the_newer_services(
    request: ConnexionRequest, exc: NotTheMaker | ParticipantIdChanged
) -> ConnexionResponse:
    """Refusals only the NPQ service's rules raise: another maker's declaration (403) and a merged
    participant id (410, naming the id that replaced it)."""
    contract = contract_at(request.url.path)
    media = contract.content_type if contract is not None else JSON_API
    if isinstance(exc, NotTheMaker):
        return error_list(403, [(exc.title, exc.detail)], media)
    change = {
        "from_participant_id": exc.from_id,
        "to_participant_id": exc.to_id,
        "changed_at": timestamp(exc.changed_at),
    }
    entry = {
        "title": "Participant ID has been changed",
        "detail": exc.detail,
        "participant_id_changes": [change],
    }
    return _json({"errors": [entry]}, 410, media_type=media)


def unauthorised(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
    if rect := _rect(_request):
        return _json(UNAUTHORISED, 401, media_type=rect.content_type)  # no WWW-Authenticate
    return _json(UNAUTHORISED, 401, {"WWW-Authenticate": 'Token realm="Application"'})


def not_found(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
    if rect := _rect(_request):
        return _json(NEWER_NO_ROUTE, 404, media_type=rect.content_type)
    return _json(NOT_FOUND, 404)


def forbidden(_request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
    return ConnexionResponse(status_code=403, body=b"", headers={})


def method_not_allowed_for(allowed: Callable[[str], list[str]]) -> Callable:
    """405 with an `Allow` header listing every method our specs define for the path (Connexion's
    own lists one route's methods only)."""

    def method_not_allowed(request: ConnexionRequest, _exc: Exception) -> ConnexionResponse:
        methods = allowed(request.url.path)
        return _json({"error": "Method Not Allowed"}, 405, {"Allow": ", ".join(methods)})

    return method_not_allowed


def unsupported_media_type(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    if rect := _rect(_request):
        # The newer services parse JSON only: any other body is no body at all.
        return error_list(400, [("Bad request", rect.queries.structure_message)], rect.content_type)
    return error_list(
        415, [("Bad request", _first_paragraph(getattr(exc, "detail", "")) or "Unsupported media type")]
    )


def bad_request(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    """Connexion's own 400s come from reading the request body (parameters are worded by
    `sandbox.validation`). The Lead Provider API answers every malformed body with one sentence;
    the control API, which is ours, says what was wrong."""
    if request.url.path.startswith("/sandbox"):
        detail = _first_paragraph(str(getattr(exc, "detail", "") or exc))
        return error_list(400, [("Bad request", detail or "The request body could not be read")])
    if rect := _rect(request):
        return error_list(400, [("Bad request", rect.queries.structure_message)], rect.content_type)
    return error_list(400, [("Bad request", DATA_STRUCTURE_MESSAGE)])


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
    of the API at `path`. The connection is closed after it: the rest of the body is never read."""
    body = wire_json({"errors": [{"title": LIMIT_TITLES[status], "detail": detail}]})
    contract = contract_at(path)
    media = contract.content_type if contract is not None else JSON_API
    headers = [
        (b"content-type", media.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    log.error("unhandled error", exc_info=exc)
    rect = _rect(_request)
    return _json(INTERNAL, 500, media_type=rect.content_type if rect else JSON_API)


def _first_paragraph(text: str) -> str:
    # jsonschema appends the whole schema after a blank line; a client needs only the sentence.
    return str(text).split("\n\n", 1)[0].strip()


RESEEDING_TITLE = "Service unavailable"


def reseeding_detail(seed: int, participants: int) -> str:
    return (
        f"The sandbox is building a new world (seed {seed}, {participants} participants per provider); "
        "nothing was changed. Try again shortly."
    )


async def send_reseeding(
    send: Callable[[dict], Awaitable[None]], path: str, detail: str, retry_after: int
) -> None:
    """503 while a reseed builds another world (`sandbox.reseeding`), in the shape of every other error
    of the API at `path`."""
    body = wire_json({"errors": [{"title": RESEEDING_TITLE, "detail": detail}]})
    contract = contract_at(path)
    media = contract.content_type if contract is not None else JSON_API
    headers = [
        (b"content-type", media.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"retry-after", str(retry_after).encode()),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body})
