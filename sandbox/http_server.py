"""The HTTP server `cpd-sandbox serve` runs: uvicorn with its h11 protocol, chosen because h11 lets us
bound the request head (httptools, uvicorn's default when installed, has no setting for it).

What one connection may hold (README "Limits"):
- a complete request head over `MAX_HEAD_BYTES` is refused by `sandbox.limits` (414, 431) in the
  API's error shape; one still incomplete after `INCOMPLETE_HEAD_BYTES` (h11's limit on an event
  being received) is answered `400 Invalid HTTP request received.` by uvicorn, which closes the
  connection;
- the time to send them: at most `HEAD_READ_TIMEOUT_SECONDS` from the connection opening (or from
  the previous response on a kept-alive connection), else the connection is closed without an
  answer, as there is no request yet to answer;
- an idle kept-alive connection: `KEEP_ALIVE_SECONDS`;
- the body: `sandbox.limits` (size and read time, 413 and 408).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from sandbox.limits import MAX_HEAD_BYTES

# The line and headers at the limit, with room for their framing: h11 never cuts a head the app accepts.
INCOMPLETE_HEAD_BYTES = MAX_HEAD_BYTES + 1024
HEAD_READ_TIMEOUT_SECONDS = 10.0
KEEP_ALIVE_SECONDS = 5


class BoundedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a deadline on receiving each request head: uvicorn's own keep-alive
    timer stops at the first byte, so without this a client sending one header byte at a time would
    hold the connection for ever."""

    head_timeout: float = HEAD_READ_TIMEOUT_SECONDS
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._await_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        self._stop_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_overdue)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_overdue(self) -> None:
        self._head_timer = None
        # IDLE: no complete request head yet (a request being answered has moved past IDLE).
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def server_config(
    app: Any, host: str = "127.0.0.1", port: int = 8000, log_level: str = "info", access_log: bool = True
) -> uvicorn.Config:
    """uvicorn's settings with our bounded request head (host and port are unused when the server is
    handed an already bound socket, as `cpd-sandbox serve` does)."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=access_log,
        http=BoundedH11Protocol,
        h11_max_incomplete_event_size=INCOMPLETE_HEAD_BYTES,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
