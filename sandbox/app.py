"""The ASGI application: every served contract, mounted from its description, over one sandbox state."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import connexion
from connexion.exceptions import BadRequestProblem
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from sandbox import errors, resources
from sandbox.auth import security_handler_for
from sandbox.clock import Clock
from sandbox.contracts import SERVED, Contract
from sandbox.domain.errors import DomainError
from sandbox.limits import RequestLimits
from sandbox.mounting import add_checked_api
from sandbox.operations import decorate_once
from sandbox.path_breaks import PathLineBreaks
from sandbox.rate_limit import FixedWindowCounter, RateLimit, RateLimitMiddleware
from sandbox.requests_journal.page import PATH as JOURNAL_PAGE
from sandbox.requests_journal.setup import DEFAULT_SIZE, add_request_journal
from sandbox.reseeding import ReseedGate
from sandbox.routing import control_resolver_for, resolver_for
from sandbox.spec_documents import spec_routes
from sandbox.spec_files import SpecFile, read_spec
from sandbox.spec_routes import SpecRoutes
from sandbox.state import SandboxState
from sandbox.validation import (
    BODY_VALIDATORS,
    BracketSafeURIParser,
    RealParameterValidator,
    parameter_validator_for,
)

SPECS_DIR = resources.specs_dir()
CONTROL_SPEC = SPECS_DIR / "sandbox.yaml"
COMMON_API_OPTIONS = {
    "strict_validation": False,
    "validator_map": {"parameter": RealParameterValidator, "body": BODY_VALIDATORS},
    "uri_parser_class": BracketSafeURIParser,
    # The spec documents are ours (sandbox/spec_documents.py), with absolute server URLs; Swagger UI
    # reads them from the same `openapi.json` path Connexion would have served.
    "swagger_ui_options": SwaggerUIOptions(swagger_ui_path="/ui", serve_spec=False),
}
# Where the real service serves each version's document.
REAL_SERVICE_DOCUMENTS = {c.mount: c.spec_url for c in SERVED}
# What a browser page on an allowed origin may send.
CORS_HEADERS = ["Authorization", "Content-Type", "Accept", "X-With-Server-Date"]
CORS_METHODS = ["GET", "POST", "PUT", "DELETE"]


def spec_path(contract: Contract) -> Path:
    return resources.spec_path(contract.spec)


# Connexion logs an ERROR for every query parameter the spec does not define; such parameters are
# ignored, as the real service ignores them, so the line is noise.
logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)
# Connexion warns on every write to an operation whose spec lists several request media types; it
# then reads the body by the request's own media type, so the line is noise too.
logging.getLogger("connexion.operations.openapi").setLevel(logging.ERROR)


def create_app(
    seed: int = 1,
    participants: int = 300,
    clock: Clock | None = None,
    state: SandboxState | None = None,
    control: bool = True,
    admin_token: str | None = None,
    rate_limit: RateLimit | None = None,
    cors_origins: Sequence[str] = (),
    request_log_size: int = DEFAULT_SIZE,
) -> connexion.AsyncApp:
    """The whole sandbox. `control=False` leaves out the /sandbox control API; `rate_limit` turns on
    the real service's throttling; `cors_origins` lets browser pages on those origins call every API
    (`*` for any); `request_log_size` is how many requests the journal keeps (0: off)."""
    state = state or SandboxState(seed=seed, participants=participants, clock=clock, admin_token=admin_token)
    app = connexion.AsyncApp(__name__, specification_dir=str(SPECS_DIR))
    decorate_once(app)
    app.state = state  # type: ignore[attr-defined]
    # Each document is read and parsed once, here, for Connexion, the served copies and `Allow` headers.
    documents = [read_spec(c.mount, spec_path(c)) for c in SERVED]
    for contract, spec in zip(SERVED, documents, strict=True):
        validators = {"parameter": parameter_validator_for(contract.queries), "body": BODY_VALIDATORS}
        add_checked_api(
            app,
            spec,
            name=contract.name,
            resolver=resolver_for(state, contract),
            security_map={"bearer": security_handler_for(state, contract=contract)},
            **{**COMMON_API_OPTIONS, "validator_map": validators},
        )
    if control:
        control_spec = read_spec("/sandbox", CONTROL_SPEC)
        add_checked_api(
            app,
            control_spec,
            name="sandbox",
            resolver=control_resolver_for(state),
            security_map={"bearer": security_handler_for(state, admin=True)},
            **COMMON_API_OPTIONS,
        )
        documents.append(control_spec)
    # Added before the rate limit so that it wraps it and records the 429s too.
    add_request_journal(app, state, request_log_size)
    # Added before the rate limiter, so it wraps it: a preflight is never throttled, and a 429 still
    # carries the headers a browser needs to let the page read it.
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            position=MiddlewarePosition.BEFORE_EXCEPTION,
            allow_origins=list(cors_origins),
            allow_methods=CORS_METHODS,
            allow_headers=CORS_HEADERS,
            max_age=600,
        )
    if rate_limit is not None:
        counter = FixedWindowCounter(rate_limit, state.clock.real_now)
        app.add_middleware(RateLimitMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, counter=counter)
    app.add_middleware(RequestLimits, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(PathLineBreaks, position=MiddlewarePosition.BEFORE_EXCEPTION)
    plain = _add_plain_routes(app, documents)
    # Inside the request limits: a body is read whole before the gate is passed.
    mounts = [spec.base_path for spec in documents]
    app.add_middleware(
        ReseedGate,
        position=MiddlewarePosition.BEFORE_EXCEPTION,
        state=state,
        open_paths=[*plain, JOURNAL_PAGE],
        ui_roots=mounts,
    )
    _add_error_handlers(app, SpecRoutes(documents))
    return app


def _add_plain_routes(app: connexion.AsyncApp, documents: list[SpecFile]) -> list[str]:
    """The routes outside the APIs (none needs the world); returns their paths."""

    async def healthcheck(_request: Request) -> Response:
        return JSONResponse({"status": "OK"})

    app.add_url_rule("/healthcheck", "healthcheck", healthcheck)
    paths = ["/healthcheck"]
    for path, endpoint in spec_routes(documents, REAL_SERVICE_DOCUMENTS):
        app.add_url_rule(path, path, endpoint)
        paths.append(path)
    return paths


def _add_error_handlers(app: connexion.AsyncApp, routes: SpecRoutes) -> None:
    app.add_error_handler(DomainError, errors.domain_error)
    app.add_error_handler(BadRequestProblem, errors.bad_request)
    app.add_error_handler(400, errors.bad_request)
    app.add_error_handler(401, errors.unauthorised)
    app.add_error_handler(403, errors.forbidden)
    app.add_error_handler(404, errors.not_found)
    app.add_error_handler(405, errors.method_not_allowed_for(routes.allowed))
    app.add_error_handler(415, errors.unsupported_media_type)
    app.add_error_handler(UnicodeDecodeError, errors.bad_request)
    app.add_error_handler(Exception, errors.unexpected)
