"""Binds each operationId of our specs (`module.function` in `sandbox.api`) to its handler, for
one API version and one running sandbox."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from connexion import request
from connexion.context import context
from connexion.resolver import Resolver

from sandbox.api.context import SERVER_DATE_HEADER, build_context
from sandbox.state import SandboxState


def endpoint_for(state: SandboxState, version: str, handler: Callable[..., Any]) -> Callable[..., Any]:
    async def endpoint(**kwargs: Any) -> Any:
        token_info = context.get("token_info") or {}
        ctx = build_context(state, version, token_info["sub"], request.headers.get(SERVER_DATE_HEADER))
        # Handlers are synchronous and run on the event loop, so requests are applied one at a
        # time; the lock also covers callers that drive handlers from threads.
        with state.store.lock:
            return handler(ctx, **kwargs)

    endpoint.__name__ = getattr(handler, "__name__", "endpoint")
    return endpoint


def resolver_for(state: SandboxState, version: str) -> Resolver:
    def resolve(operation_id: str) -> Callable[..., Any]:
        module_name, _, function_name = operation_id.partition(".")
        module = importlib.import_module(f"sandbox.api.{module_name}")
        return endpoint_for(state, version, getattr(module, function_name))

    return Resolver(function_resolver=resolve)
