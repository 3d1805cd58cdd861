"""The request body limit (size and read time), through the ASGI app and on hand-built ASGI calls:
413 and 408 in the APIs' error shape, sent before the body is read whole, changing nothing; a streamed
body (no Content-Length) reaches the app exactly as the same body with a length."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sandbox.errors import body_too_large_detail, body_too_slow_detail
from sandbox.http_server import HEAD_READ_TIMEOUT_SECONDS, KEEP_ALIVE_SECONDS
from sandbox.limits import (
    BODY_READ_TIMEOUT_SECONDS,
    MAX_BODY_BYTES,
    MAX_HEAD_BYTES,
    MAX_JSON_DEPTH,
    RequestLimits,
)
from tests.conftest import VERSIONS, bearer
from tests.support.openapi import document, validate_exchange
from tests.support.world import fingerprint

JSON = {"Content-Type": "application/json"}


def errors(response) -> list[tuple[str, str]]:
    return [(e["title"], e["detail"]) for e in response.json()["errors"]]


# -- through the app ---------------------------------------------------------------------------------


def oversized_json() -> bytes:
    """Valid JSON one byte over the limit, so only its size can be the reason for a refusal."""
    head, tail = b'{"data": {"attributes": {}}, "padding": "', b'"}'
    return head + b"x" * (MAX_BODY_BYTES + 1 - len(head) - len(tail)) + tail


@pytest.mark.parametrize("version", VERSIONS)
def test_a_body_over_the_limit_is_413_in_the_provider_apis_shape(client, state, first, version):
    before = fingerprint(state)
    response = client.post(
        f"/api/{version}/participant-declarations",
        content=oversized_json(),
        headers={**bearer(first), **JSON},
    )
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/vnd.api+json"
    assert errors(response) == [("Request too large", body_too_large_detail(MAX_BODY_BYTES))]
    assert fingerprint(state) == before
    validate_exchange(version, response)


@pytest.mark.parametrize("name", [*VERSIONS, "sandbox"])
def test_every_operation_with_a_body_documents_408_and_413(name):
    methods = ("post", "put", "patch", "delete")
    with_body = [
        (path, method, operation)
        for path, item in document(name)["paths"].items()
        for method, operation in item.items()
        if method in methods and "requestBody" in operation
    ]
    assert with_body
    for path, method, operation in with_body:
        assert {"408", "413"} <= set(operation["responses"]), (method, path)


def test_a_body_over_the_limit_is_413_on_the_control_api(client, state):
    before = fingerprint(state)
    admin = {"Authorization": f"Bearer {state.admin_token}"}
    response = client.post("/sandbox/reset", content=oversized_json(), headers={**admin, **JSON})
    assert response.status_code == 413
    assert errors(response) == [("Request too large", body_too_large_detail(MAX_BODY_BYTES))]
    assert fingerprint(state) == before


def test_a_body_of_exactly_the_limit_is_read(client, first):
    body = oversized_json()
    body = body[:-3] + body[-2:]  # one padding byte fewer: MAX_BODY_BYTES exactly
    assert len(body) == MAX_BODY_BYTES
    response = client.post(
        "/api/v3/participant-declarations", content=body, headers={**bearer(first), **JSON}
    )
    assert response.status_code == 422  # read, and answered on its attributes


# -- the middleware on hand-built ASGI calls ----------------------------------------------------------


class Recorder:
    """The app behind the middleware: records what reached it."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] | None = None
        self.body = b""

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        self.scope = scope
        while True:
            message = await receive()
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def http_scope(headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": "/api/v3/participant-declarations", "headers": headers}


def run(middleware: RequestLimits, scope: dict, messages: Iterator[dict], delay: float = 0.0):
    """Call the middleware; returns what it sent and how many messages it asked the client for."""
    sent: list[dict] = []
    asked = 0

    async def receive() -> dict:
        nonlocal asked
        asked += 1
        if delay:
            await asyncio.sleep(delay)
        return next(messages)

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(middleware(scope, receive, send))
    return sent, asked


def chunks(size: int, count: int | None = None) -> Iterator[dict]:
    """`count` body messages of `size` bytes (endless when None), the last without more_body."""
    n = 0
    while count is None or n < count:
        n += 1
        yield {"type": "http.request", "body": b"x" * size, "more_body": count is None or n < count}


def status_of(sent: list[dict]) -> int:
    return sent[0]["status"]


def test_a_declared_length_over_the_limit_is_refused_before_any_body_is_read():
    app = Recorder()
    scope = http_scope([(b"content-length", b"%d" % (100 * 1024 * 1024))])
    sent, asked = run(RequestLimits(app), scope, chunks(1024))
    assert (status_of(sent), asked, app.scope) == (413, 0, None)
    assert (b"connection", b"close") in sent[0]["headers"]


def test_a_streamed_body_is_refused_as_soon_as_it_passes_the_limit():
    app = Recorder()
    scope = http_scope([(b"transfer-encoding", b"chunked")])
    sent, asked = run(RequestLimits(app, max_bytes=10_000), scope, chunks(1000))  # endless
    assert (status_of(sent), asked, app.scope) == (413, 11, None)


def test_a_streamed_body_reaches_the_app_with_its_length():
    app = Recorder()
    scope = http_scope([(b"content-type", b"application/json"), (b"transfer-encoding", b"chunked")])
    sent, _ = run(RequestLimits(app), scope, chunks(300, count=4))
    assert status_of(sent) == 200
    assert app.body == b"x" * 1200
    assert app.scope is not None
    assert app.scope["headers"] == [(b"content-type", b"application/json"), (b"content-length", b"1200")]


def test_a_body_sent_too_slowly_is_408():
    app = Recorder()
    scope = http_scope([(b"content-length", b"1000000")])
    middleware = RequestLimits(app, read_timeout=0.2)
    sent, asked = run(middleware, scope, chunks(10), delay=0.05)
    assert status_of(sent) == 408
    assert sent[1]["body"].decode().count(body_too_slow_detail(0.2)) == 1
    assert app.scope is None
    assert asked < 10


def test_a_client_that_leaves_mid_body_gets_no_answer():
    app = Recorder()
    scope = http_scope([(b"content-length", b"100")])
    messages = iter([{"type": "http.request", "body": b"x", "more_body": True}, {"type": "http.disconnect"}])
    sent, _ = run(RequestLimits(app), scope, messages)
    assert (sent, app.scope) == ([], None)


def test_a_request_without_a_body_passes_untouched():
    app = Recorder()
    scope = http_scope([(b"accept", b"*/*")])
    sent, _ = run(RequestLimits(app), scope, iter([{"type": "http.request", "body": b""}]))
    assert status_of(sent) == 200
    assert app.scope is scope


# -- the documented figures are the enforced ones ------------------------------------------------------


def documented_figures() -> list[str]:
    return [
        f"{MAX_BODY_BYTES:,} bytes",
        f"{BODY_READ_TIMEOUT_SECONDS:g} s",
        f"{MAX_HEAD_BYTES // 1024} KB",
        f"{MAX_JSON_DEPTH} levels",
        f"{sys.get_int_max_str_digits():,} digits",
    ]


@pytest.mark.parametrize("name", ["v1", "v2", "v3", "sandbox"])
def test_each_spec_states_the_limits(name):
    description = " ".join(document(name)["info"]["description"].split())
    assert [figure for figure in documented_figures() if figure not in description] == []


def test_the_readme_states_the_limits():
    readme = " ".join((Path(__file__).resolve().parents[2] / "README.md").read_text().split())
    figures = [*documented_figures(), f"{HEAD_READ_TIMEOUT_SECONDS:g} s", f"{KEEP_ALIVE_SECONDS:g} s"]
    assert [figure for figure in figures if figure not in readme] == []
