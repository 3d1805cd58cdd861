"""Switching the request journal on for an app: the log, its recorder, and the journal page."""

from __future__ import annotations

import connexion
from connexion.middleware import MiddlewarePosition

from sandbox import resources
from sandbox.contracts import SERVED
from sandbox.requests_journal.log import DEFAULT_SIZE, Api, RequestLog
from sandbox.requests_journal.page import add_page
from sandbox.requests_journal.recorder import RequestRecorder
from sandbox.state import SandboxState

__all__ = ["DEFAULT_SIZE", "add_request_journal", "lead_provider_apis"]


def lead_provider_apis() -> list[Api]:
    """Every served Lead Provider contract, as the journal records and checks it."""
    return [Api(c.mount, c.name, c.version, resources.spec_path(c.spec)) for c in SERVED]


def add_request_journal(app: connexion.AsyncApp, state: SandboxState, size: int) -> None:
    """`size` 0 leaves recording off (the control API's journal reads then answer 404)."""
    add_page(app)
    if size < 1:
        state.request_log = None
        return
    state.request_log = RequestLog(lead_provider_apis(), size)
    app.add_middleware(
        RequestRecorder, position=MiddlewarePosition.BEFORE_EXCEPTION, state=state, log=state.request_log
    )
