"""Connexion's per-operation work done once rather than on every request.

Connexion 3.3's `AsyncOperation` builds a new decorator for its handler on every call, and that
decorator builds a URI parser and re-decorates the handler (inspecting its signature) each time. None
of it depends on the request: the handler, the operation's parameters and the app's options are
fixed once the spec is loaded. The operations here build them on their first request and keep them;
routing, security and request validation run as before. Two more pieces of per-request work go: the
query string is not parsed again (request validation hands on what it resolved), and an operation with
no request body builds its handler's arguments from tables read once (`_PathAndQuery`).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any

import connexion
from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import operation, receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    _get_query_defaults,
    _get_val_from_param,
    inspect_function_arguments,
    unwrap_decorators,
)
from connexion.operations import AbstractOperation
from connexion.utils import deep_merge

from sandbox.validation import RESOLVED_QUERY


class _BodylessParameters(AsyncParameterDecorator):
    """Connexion's parameter decorator, except for an operation whose spec defines no request body.
    Connexion would ask for the body and parse a form anyway, drop the body, and pass any uploaded
    form file on as an argument, so that a GET sending a multipart file named `filter`, `sort` or `id`
    replaced that parameter. Such an operation takes its arguments from the path and query only
    (whatever was sent is still read and journaled by the middlewares outside Connexion), through
    `_PathAndQuery`. Parameter names become argument names once per name."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sanitize_fn = _sanitized_once(self.sanitize_fn)

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        with_body = super().__call__(function)
        try:
            current = operation._get_current_object()  # type: ignore[attr-defined]
        except (LookupError, RuntimeError):  # decorated outside a request: no operation to read
            return with_body
        if current.is_request_body_defined:
            return with_body
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        arguments_of = _PathAndQuery(current, arguments, has_kwargs, self.sanitize_fn)

        @functools.wraps(function)
        async def wrapper(request: Any) -> Any:
            return await function(**arguments_of(request))

        return wrapper


class _PathAndQuery:
    """The handler's arguments as Connexion's `prep_kwargs` makes them for an operation with no request
    body (path parameters, query parameters over the spec's defaults, the security context), with the
    spec's parameter definitions and defaults read once rather than on every request."""

    def __init__(self, spec: Any, arguments: list[str], has_kwargs: bool, sanitize: Callable[[str], str]):
        self.path = {p["name"]: p for p in spec.parameters if p["in"] == "path"}
        self.query = {p["name"]: p for p in spec.parameters if p["in"] == "query"}
        self.defaults = _get_query_defaults(self.query)
        self.arguments, self.has_kwargs, self.sanitize = arguments, has_kwargs, sanitize

    def __call__(self, request: Any) -> dict[str, Any]:
        sanitize, wanted = self.sanitize, self.has_kwargs
        kwargs: dict[str, Any] = {}
        for name, value in request.path_params.items():
            definition = self.path.get(name)
            kwargs[sanitize(name)] = value if definition is None else _get_val_from_param(value, definition)
        query = deep_merge(copy.deepcopy(self.defaults), request.query_params)
        for name, value in query.items():
            key = sanitize(name)
            if (wanted or key in self.arguments) and name in self.query:
                kwargs[key] = _get_val_from_param(value, self.query[name])
        kwargs = {sanitize(k): v for k, v in kwargs.items()}  # as `prep_kwargs` does, a second time
        context = request.context
        for key, value in context.items():
            if wanted or key in self.arguments:
                kwargs[key] = value
        if CONTEXT_NAME in self.arguments:
            kwargs[CONTEXT_NAME] = context
        return kwargs


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
