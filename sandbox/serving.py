"""Running the sandbox over HTTP: claiming the listening socket up front, and a server in a
background thread (for the pytest plugin and for tests that drive the sandbox over the network).

The socket is bound before the world is built and handed to uvicorn as it is, so a busy port fails
at once with one clear line, and no other process can take the port between the check and the start.
"""

from __future__ import annotations

import errno
import socket
import threading
import time
from typing import Any


class PortUnavailable(Exception):
    """The address cannot be listened on; the message is one line meant for a person."""


def listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to (host, port), ready to hand to uvicorn. Port 0 picks a free port."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as error:
        raise PortUnavailable(f"cannot listen on {host}:{port}: unknown host ({error})") from None
    sock = socket.socket(family, kind, proto)
    # As uvicorn does: a port left in TIME_WAIT by a server that just stopped is free to take again.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as error:
        sock.close()
        reason = (
            "the port is already in use" if error.errno == errno.EADDRINUSE else error.strerror or str(error)
        )
        raise PortUnavailable(f"cannot listen on {host}:{port}: {reason}") from None
    return sock


def bound_port(sock: socket.socket) -> int:
    return int(sock.getsockname()[1])


def uvicorn_server(app: Any, log_level: str = "warning", access_log: bool = True) -> Any:
    import uvicorn

    from sandbox.http_server import server_config

    return uvicorn.Server(server_config(app, log_level=log_level, access_log=access_log))


class BackgroundServer:
    """One uvicorn server on 127.0.0.1 in a daemon thread; `url` is its root."""

    def __init__(self, app: Any, port: int = 0, log_level: str = "warning") -> None:
        self._sock = listening_socket("127.0.0.1", port)
        self.url = f"http://127.0.0.1:{bound_port(self._sock)}"
        self._server = uvicorn_server(app, log_level=log_level, access_log=False)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, name="cpd-sandbox", daemon=True
        )

    def start(self, timeout: float = 30.0) -> BackgroundServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the sandbox server did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()

    def __enter__(self) -> BackgroundServer:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()
