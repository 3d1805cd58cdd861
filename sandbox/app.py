"""The ASGI application: three API versions from our specs over one sandbox state."""

from __future__ import annotations

import logging
from pathlib import Path

import connexion
from connexion.exceptions import BadRequestProblem
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from sandbox import errors, resources
from sandbox.auth import security_handler_for
from sandbox.clock import Clock
from sandbox.domain.errors import DomainError
from sandbox.rate_limit import FixedWindowCounter, RateLimit, RateLimitMiddleware
from sandbox.requests_journal.setup import DEFAULT_SIZE, add_request_journal
from sandbox.routing import control_resolver_for, resolver_for
from sandbox.spec_routes import SpecRoutes
from sandbox.state import SandboxState
from sandbox.validation import BracketSafeURIParser, RealParameterValidator

SPECS_DIR = resources.specs_dir()
VERSIONS = ("v1", "v2", "v3")
CONTROL_SPEC = SPECS_DIR / "sandbox.yaml"
COMMON_API_OPTIONS = {
    "strict_validation": False,
    "validator_map": {"parameter": RealParameterValidator},
    "uri_parser_class": BracketSafeURIParser,
    "swagger_ui_options": SwaggerUIOptions(swagger_ui_path="/ui"),
}


def spec_path(version: str) -> Path:
    return resources.spec_path(version)


# Connexion logs an ERROR for every query parameter the spec does not define; such parameters are
# ignored, as the real service ignores them, so the line is noise.
logging.getLogger("connexion.decorators.parameter").setLevel(logging.CRITICAL)


def create_app(
    seed: int = 1,
    participants: int = 300,
    clock: Clock | None = None,
    state: SandboxState | None = None,
    control: bool = True,
    admin_token: str | None = None,
    rate_limit: RateLimit | None = None,
    request_log_size: int = DEFAULT_SIZE,
) -> connexion.AsyncApp:
    """The whole sandbox. `control=False` leaves out the /sandbox control API; `rate_limit` turns on
    the real service's throttling; `request_log_size` is how many requests the journal keeps (0: off)."""
    state = state or SandboxState(seed=seed, participants=participants, clock=clock, admin_token=admin_token)
    app = connexion.AsyncApp(__name__, specification_dir=str(SPECS_DIR))
    app.state = state  # type: ignore[attr-defined]
    documents = [(f"/api/{v}", spec_path(v)) for v in VERSIONS]
    for version in VERSIONS:
        app.add_api(
            spec_path(version).name,
            name=version,
            base_path=f"/api/{version}",
            resolver=resolver_for(state, version),
            security_map={"bearer": security_handler_for(state)},
            **COMMON_API_OPTIONS,
        )
    if control:
        app.add_api(
            CONTROL_SPEC.name,
            name="sandbox",
            base_path="/sandbox",
            resolver=control_resolver_for(state),
            security_map={"bearer": security_handler_for(state, admin=True)},
            **COMMON_API_OPTIONS,
        )
        documents.append(("/sandbox", CONTROL_SPEC))
    # Added before the rate limit so that it wraps it and records the 429s too.
    add_request_journal(app, state, request_log_size)
    if rate_limit is not None:
        counter = FixedWindowCounter(rate_limit, state.clock.real_now)
        app.add_middleware(RateLimitMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, counter=counter)
    _add_plain_routes(app)
    _add_error_handlers(app, SpecRoutes(documents))
    return app


def _add_plain_routes(app: connexion.AsyncApp) -> None:
    async def healthcheck(_request: Request) -> Response:
        return JSONResponse({"status": "OK"})

    def spec_document(version: str):
        async def serve(_request: Request) -> Response:
            return FileResponse(spec_path(version), media_type="application/yaml")

        return serve

    app.add_url_rule("/healthcheck", "healthcheck", healthcheck)
    for version in VERSIONS:
        app.add_url_rule(
            f"/lead-providers/api-docs/{version}/api_spec.yml", f"spec_{version}", spec_document(version)
        )


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
