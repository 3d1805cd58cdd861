"""Binds each operationId of our specs (`module.function` in `sandbox.api`) to its handler, for
one contract and one running sandbox."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from datetime import datetime
from typing import Any

from connexion import request
from connexion.context import context
from connexion.resolver import Resolver

from sandbox.api.context import SERVER_DATE_HEADER, RequestContext, build_context
from sandbox.api.responses import JSON_API
from sandbox.contracts import Contract
from sandbox.control.context import ControlContext
from sandbox.journal import Command
from sandbox.state import SandboxState


def _in_media_type(response: Any, contract: Contract) -> Any:
    """Handlers answer JSON as the JSON:API media type; a contract that names another gets its own."""
    headers = getattr(response, "headers", None)
    if headers is not None and headers.get("content-type") == JSON_API and contract.content_type != JSON_API:
        headers["content-type"] = contract.content_type
    return response


def endpoint_for(state: SandboxState, contract: Contract, handler: Callable[..., Any]) -> Callable[..., Any]:
    operation = f"{contract.name}:{handler.__module__}.{handler.__name__}"

    def run(command: Command, arguments: dict[str, Any], instants: list[datetime]) -> Any:
        # Built at call time so that a replay acts on the world as it is then, at the original instant.
        provider = state.store.lead_providers[command.actor_id]
        return handler(RequestContext(state, contract, provider, instants[0]), **arguments)

    state.journal.register(operation, run)

    async def endpoint(**kwargs: Any) -> Any:
        return _in_media_type(await answer(**kwargs), contract)

    async def answer(**kwargs: Any) -> Any:
        provider_id = (context.get("token_info") or {})["sub"]
        header = request.headers.get(SERVER_DATE_HEADER)
        if request.method == "GET":
            # Handlers are synchronous and run on the event loop, so each runs whole; the lock also
            # covers callers that drive handlers from threads.
            with state.store.lock:
                return handler(build_context(state, contract, provider_id, header), **kwargs)
        async with state.write_gate():
            with state.store.lock:
                now = build_context(state, contract, provider_id, header).now
                return state.journal.run(state.store, provider_id, operation, kwargs, instant=now)

    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint


def resolver_for(state: SandboxState, contract: Contract) -> Resolver:
    def resolve(operation_id: str) -> Callable[..., Any]:
        module_name, _, function_name = operation_id.partition(".")
        module = importlib.import_module(f"sandbox.api.{module_name}")
        return endpoint_for(state, contract, getattr(module, function_name))

    return Resolver(function_resolver=resolve)


def control_endpoint_for(state: SandboxState, handler: Callable[..., Any]) -> Callable[..., Any]:
    operation = f"sandbox:{handler.__module__}.{handler.__name__}"
    journaled = getattr(handler, "journaled", False)

    def run(command: Command, arguments: dict[str, Any], instants: list[datetime]) -> Any:
        # The first run fixes the event's instant in `instants`; a replay happens at that instant again.
        return handler(ControlContext(state, command.actor_id, command.server_date, instants), **arguments)

    if journaled:
        state.journal.register(operation, run)

    async def endpoint(**kwargs: Any) -> Any:
        caller_id = (context.get("token_info") or {})["sub"]
        header = request.headers.get(SERVER_DATE_HEADER)
        if request.method == "GET":
            with state.store.lock:
                return handler(ControlContext(state, caller_id, header), **kwargs)
        async with state.write_gate():
            with state.store.lock:
                if journaled:
                    return state.journal.run(state.store, caller_id, operation, kwargs, server_date=header)
                result = handler(ControlContext(state, caller_id, header), **kwargs)
            # A long operation (a provider's reset) is a coroutine that gives way to reads as it goes.
            return await result if inspect.isawaitable(result) else result

    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint


def control_resolver_for(state: SandboxState) -> Resolver:
    def resolve(operation_id: str) -> Callable[..., Any]:
        module_name, _, function_name = operation_id.partition(".")
        module = importlib.import_module(f"sandbox.control.{module_name}")
        return control_endpoint_for(state, getattr(module, function_name))

    return Resolver(function_resolver=resolve)
