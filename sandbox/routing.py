"""Binds each operationId of our specs (`module.function` in `sandbox.api`) to its handler, for
one contract and one running sandbox."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from connexion import request
from connexion.context import context
from connexion.resolver import Resolver

from sandbox.api.context import SERVER_DATE_HEADER, RequestContext, build_context
from sandbox.api.responses import JSON_API
from sandbox.contracts import Contract
from sandbox.control.context import ControlContext
from sandbox.journal import frozen_arguments
from sandbox.state import SandboxState


def _in_media_type(response: Any, contract: Contract) -> Any:
    """Handlers answer JSON as the JSON:API media type; a contract that names another gets its own."""
    headers = getattr(response, "headers", None)
    if headers is not None and headers.get("content-type") == JSON_API and contract.content_type != JSON_API:
        headers["content-type"] = contract.content_type
    return response


def endpoint_for(state: SandboxState, contract: Contract, handler: Callable[..., Any]) -> Callable[..., Any]:
    async def endpoint(**kwargs: Any) -> Any:
        return _in_media_type(await answer(**kwargs), contract)

    async def answer(**kwargs: Any) -> Any:
        provider_id = (context.get("token_info") or {})["sub"]
        header = request.headers.get(SERVER_DATE_HEADER)
        # Handlers are synchronous and run on the event loop, so requests are applied one at a
        # time; the lock also covers callers that drive handlers from threads.
        with state.store.lock:
            if request.method == "GET":
                return handler(build_context(state, contract, provider_id, header), **kwargs)
            now = build_context(state, contract, provider_id, header).now
            arguments = frozen_arguments(kwargs)

            def apply() -> Any:
                # Built at call time so that a replay acts on the rebuilt world, at the original instant.
                ctx = RequestContext(state, contract, state.store.lead_providers[provider_id], now)
                return handler(ctx, **frozen_arguments(arguments))

            return state.journal.run(state.store, provider_id, apply, accepted=_accepted)

    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint


def _accepted(response: Any) -> bool:
    return getattr(response, "status_code", 200) < 400


def resolver_for(state: SandboxState, contract: Contract) -> Resolver:
    def resolve(operation_id: str) -> Callable[..., Any]:
        module_name, _, function_name = operation_id.partition(".")
        module = importlib.import_module(f"sandbox.api.{module_name}")
        return endpoint_for(state, contract, getattr(module, function_name))

    return Resolver(function_resolver=resolve)


def control_endpoint_for(state: SandboxState, handler: Callable[..., Any]) -> Callable[..., Any]:
    async def endpoint(**kwargs: Any) -> Any:
        caller_id = (context.get("token_info") or {})["sub"]
        header = request.headers.get(SERVER_DATE_HEADER)
        with state.store.lock:
            if not getattr(handler, "journaled", False):
                return handler(ControlContext(state, caller_id, header), **kwargs)
            arguments = frozen_arguments(kwargs)
            instants: list = []

            def apply() -> Any:
                # The first run fixes the event's instant; a replay happens at that instant again.
                ctx = ControlContext(state, caller_id, header, instants)
                return handler(ctx, **frozen_arguments(arguments))

            return state.journal.run(state.store, caller_id, apply, accepted=_accepted)

    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint


def control_resolver_for(state: SandboxState) -> Resolver:
    def resolve(operation_id: str) -> Callable[..., Any]:
        module_name, _, function_name = operation_id.partition(".")
        module = importlib.import_module(f"sandbox.control.{module_name}")
        return control_endpoint_for(state, getattr(module, function_name))

    return Resolver(function_resolver=resolve)
