"""What one request may cost the sandbox: the size of its body, how long sending it may take, and how
deeply its JSON may nest. Each limit is far above anything a real client sends; README "Limits" and
the specs' descriptions document them.

`RequestLimits` refuses a request line and headers over `MAX_HEAD_BYTES` (414 when the path and
query alone pass it, else 431), and reads every request body itself, before any of Connexion's
layers see it:
- a `Content-Length` over the limit is refused with 413 before a byte of the body is read;
- a streamed (`Transfer-Encoding: chunked`) body is counted as it arrives and refused with 413 as
  soon as it passes the limit; a complete one is handed on with its `Content-Length`, so the rest
  of the stack sees exactly the request it would have seen had the client sent the length (Connexion
  treats a request without a `Content-Length` as one without a body);
- the whole body must arrive within `BODY_READ_TIMEOUT_SECONDS`, else 408.
The time a client may take over the request line and headers is bounded by the HTTP server
(`sandbox.http_server`), as is the memory a head still being received may take.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from sandbox import errors

MAX_BODY_BYTES = 1024 * 1024
# The request line and headers together. The HTTP server also refuses a head that has not ended
# within a little more than this (sandbox.http_server), so no head costs much more memory than this.
MAX_HEAD_BYTES = 16 * 1024
BODY_READ_TIMEOUT_SECONDS = 30.0
# Real bodies nest three levels (`{"data": {"attributes": {...}}}`); deeper JSON is refused with 400
# before validation, which (like the handlers) walks bodies recursively.
MAX_JSON_DEPTH = 32

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class _TooLarge(Exception):
    pass


class _ClientGone(Exception):
    pass


def _headers(scope: dict) -> dict[bytes, bytes]:
    return {name.lower(): value for name, value in scope.get("headers") or []}


def _oversized_head(scope: dict, limit: int) -> int | None:
    """414 for a request target (path and query) over the limit, 431 for a target and headers over it
    together; None when the head fits."""
    target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
    if target > limit:
        return 414
    headers = sum(len(name) + len(value) + 4 for name, value in scope.get("headers") or [])  # ": ", CRLF
    return 431 if target + headers > limit else None


def _declared_length(headers: dict[bytes, bytes]) -> int | None:
    raw = headers.get(b"content-length")
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        return None  # the HTTP server refuses such a request before it reaches the app


async def _read_body(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _with_length(scope: dict, length: int) -> dict:
    framing = (b"content-length", b"transfer-encoding")
    headers = [(k, v) for k, v in scope.get("headers") or [] if k.lower() not in framing]
    return {**scope, "headers": [*headers, (b"content-length", str(length).encode())]}


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: the client's disconnect, when it comes

    return replay


class RequestLimits:
    """Pure ASGI middleware, outside Connexion, so no layer ever holds more than `max_bytes` of body
    or sees a request line or headers over `max_head_bytes`."""

    def __init__(
        self,
        app: Any,
        max_bytes: int = MAX_BODY_BYTES,
        read_timeout: float = BODY_READ_TIMEOUT_SECONDS,
        max_head_bytes: int = MAX_HEAD_BYTES,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.read_timeout = read_timeout
        self.max_head_bytes = max_head_bytes

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        oversized = _oversized_head(scope, self.max_head_bytes)
        if oversized:
            await errors.send_limit_error(
                send,
                oversized,
                errors.head_too_large_detail(oversized, self.max_head_bytes),
                path=scope.get("path", ""),
            )
            return
        headers = _headers(scope)
        length = _declared_length(headers)
        streamed = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if not streamed and not length:
            await self.app(scope, receive, send)  # no body
            return
        if length is not None and length > self.max_bytes:
            await errors.send_limit_error(
                send, 413, errors.body_too_large_detail(self.max_bytes), path=scope.get("path", "")
            )
            return
        try:
            async with asyncio.timeout(self.read_timeout):
                body = await _read_body(receive, self.max_bytes)
        except _TooLarge:
            await errors.send_limit_error(
                send, 413, errors.body_too_large_detail(self.max_bytes), path=scope.get("path", "")
            )
            return
        except TimeoutError:
            await errors.send_limit_error(
                send, 408, errors.body_too_slow_detail(self.read_timeout), path=scope.get("path", "")
            )
            return
        except _ClientGone:
            return
        await self.app(_with_length(scope, len(body)), _replaying(body, receive), send)
