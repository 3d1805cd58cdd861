"""Connexion's per-operation work done once rather than on every request.

Connexion 3.3's `AsyncOperation` builds a new decorator for its handler on every call, and that
decorator builds a URI parser and re-decorates the handler (inspecting its signature) each time. None
of it depends on the request: the handler, the operation's parameters and the app's options are
fixed once the spec is loaded. The operations here build them on their first request and keep them;
routing, security and request validation run as before.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import connexion
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import operation, receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    AsyncParameterDecorator,
    inspect_function_arguments,
    prep_kwargs,
    unwrap_decorators,
)
from connexion.operations import AbstractOperation

from sandbox.validation import RESOLVED_QUERY


class _BodylessParameters(AsyncParameterDecorator):
    """Connexion's parameter decorator, except for an operation whose spec defines no request body:
    Connexion would ask for the body and parse a form anyway, drop the body, and pass any uploaded
    form file on as an argument, so that a GET sending a multipart file named `filter`, `sort` or `id`
    replaced that parameter. Such an operation takes its arguments from the path and query only
    (whatever was sent is still read and journaled by the middlewares outside Connexion). Parameter
    names become argument names once per name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sanitize_fn = _sanitized_once(self.sanitize_fn)

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        with_body = super().__call__(function)
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))

        @functools.wraps(function)
        async def wrapper(request: Any) -> Any:
            if operation.is_request_body_defined:
                return await with_body(request)
            kwargs = prep_kwargs(
                request,
                request_body=None,
                files={},
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=self.sanitize_fn,
            )
            return await function(**kwargs)

        return wrapper


def _sanitized_once(sanitize: Callable[[str], str]) -> Callable[[str], str]:
    # Bounded: a client may send any number of unknown query parameter names.
    return functools.lru_cache(maxsize=1024)(sanitize)


class _DecoratedOnce(StarletteDecorator):
    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _BodylessParameters

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        built: list[Any] = []  # [uri parser, decorated handler], filled on the first request

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            if not built:
                # The parser reads the routed operation, known only inside a request; it is the same
                # operation on every request that reaches this handler.
                built.extend((self.uri_parser, self.decorate(function)))
            parser, decorated = built
            request = self.framework.get_request(uri_parser=parser, scope=scope, receive=receive)
            resolved = request.scope.get("extensions", {}).get(RESOLVED_QUERY)
            if resolved is not None and resolved[0] is type(parser):
                request._query_params = resolved[1]  # as validated: not parsed again
            return await decorated(request)

        return wrapper


class _OperationOnce(AsyncOperation):
    @functools.cached_property
    def fn(self) -> Callable[..., Any]:  # type: ignore[override]
        return _DecoratedOnce(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class _ApiOnce(AsyncApi):
    def make_operation(self, operation: AbstractOperation) -> AsyncOperation:
        return _OperationOnce.from_operation(
            operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )


def decorate_once(app: connexion.AsyncApp) -> None:
    """Makes the APIs added to `app` from now on keep their handlers' decoration between requests."""
    app._middleware_app.api_cls = _ApiOnce  # type: ignore[attr-defined]
