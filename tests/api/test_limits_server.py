"""The limits on a real server (`cpd-sandbox serve`, over loopback), where requests arrive as bytes: a
100 MB body refused with 413 without the server holding it, a chunked body read like one with a
length, oversized and slow request heads refused."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import timedelta

import pytest
import uvicorn

from bench.common import free_port, proc_memory_mb
from bench.server import SandboxServer
from sandbox.errors import head_too_large_detail
from sandbox.http_server import BoundedH11Protocol, server_config
from sandbox.limits import MAX_HEAD_BYTES
from tests.api.test_declarations_write import body as declaration_body
from tests.api.test_declarations_write import claim, stamp
from tests.conftest import TEST_NOW, TEST_PARTICIPANTS, make_state

HUNDRED_MB = 100 * 1024 * 1024
SERVER_DATE = stamp(TEST_NOW)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(seed=1, participants=TEST_PARTICIPANTS) as running:
        yield running


@pytest.fixture(scope="module")
def world():
    """The server's world (same seed and size), to find a declaration the server will accept."""
    return make_state()


def head(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunked(parts: Iterable[bytes]) -> Iterator[bytes]:
    for part in parts:
        yield b"%x\r\n%s\r\n" % (len(part), part)
    yield b"0\r\n\r\n"


def exchange(port: int, request_head: bytes, body: Iterable[bytes] = (), timeout: float = 30) -> bytes:
    """Send a request (the body from a thread, so a server that answers early is heard) and return
    everything the server sent before closing the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request_head)

        def push() -> None:
            try:
                for part in body:
                    sock.sendall(part)
            except OSError:
                pass  # the server answered and closed: the rest is never read

        sender = threading.Thread(target=push, daemon=True)
        sender.start()
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except ConnectionResetError:
            pass
        sender.join(timeout)
        return received


def status_and_json(raw: bytes) -> tuple[int, dict]:
    head_part, _, payload = raw.partition(b"\r\n\r\n")
    status = int(head_part.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head_part.lower():
        payload = b"".join(list(_dechunk(payload)))
    return status, json.loads(payload) if payload else {}


def _dechunk(payload: bytes) -> Iterator[bytes]:
    while payload:
        size_line, _, rest = payload.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            return
        yield rest[:size]
        payload = rest[size + 2 :]


def rss_mb(server: SandboxServer) -> float:
    return proc_memory_mb(server.pid)["rss_mb"]


def provider_headers(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Connection": "close"}


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
def test_a_100_mb_body_is_413_and_never_held_by_the_server(server, world, streamed):
    token = next(iter(world.store.lead_providers.values())).token
    headers = provider_headers(token)
    headers |= {"Transfer-Encoding": "chunked"} if streamed else {"Content-Length": str(HUNDRED_MB)}
    parts = (b"x" * (1024 * 1024) for _ in range(100))
    before = rss_mb(server)
    raw = exchange(
        server.port,
        head("POST", "/api/v3/participant-declarations", headers),
        chunked(parts) if streamed else parts,
    )
    status, payload = status_and_json(raw)
    assert status == 413
    assert payload["errors"][0]["title"] == "Request too large"
    assert rss_mb(server) - before < 50


def test_a_chunked_declaration_is_accepted_like_one_with_a_length(server, world):
    provider = next(iter(world.store.lead_providers.values()))
    profile, kind = claim(world.store, provider)
    payload = json.dumps(declaration_body(profile, kind)).encode()
    headers = provider_headers(provider.token) | {
        "Transfer-Encoding": "chunked",
        "X-With-Server-Date": SERVER_DATE,
    }
    parts = [payload[i : i + 50] for i in range(0, len(payload), 50)]
    status, answer = status_and_json(
        exchange(server.port, head("POST", "/api/v3/participant-declarations", headers), chunked(parts))
    )
    assert status == 200, answer
    assert answer["data"]["attributes"]["participant_id"] == profile.user_id
    assert answer["data"]["attributes"]["declaration_type"] == kind


def test_a_chunked_control_api_body_is_read(server, world):
    provider = next(iter(world.store.lead_providers.values()))
    instant = stamp(TEST_NOW + timedelta(days=3))
    payload = json.dumps({"instant": instant}).encode()
    headers = provider_headers(provider.token) | {"Transfer-Encoding": "chunked"}
    raw = exchange(
        server.port,
        head("PUT", f"/sandbox/providers/{provider.id}/clock", headers),
        chunked([payload[:5], payload[5:]]),
    )
    status, answer = status_and_json(raw)
    assert status == 200, answer
    assert answer["data"]["now"][:10] == instant[:10]


@pytest.mark.parametrize(("where", "status"), [("header", 431), ("request-line", 414)])
def test_a_request_head_over_the_limit_is_refused_in_the_apis_shape(server, world, where, status):
    big = "a" * MAX_HEAD_BYTES
    headers = provider_headers(next(iter(world.store.lead_providers.values())).token)
    if where == "header":
        request_head = head("GET", "/api/v3/participants/ecf", headers | {"X-Padding": big})
    else:
        request_head = head("GET", f"/api/v3/participants/ecf?{big}", headers)
    code, payload = status_and_json(exchange(server.port, request_head))
    assert (code, payload["errors"][0]["detail"]) == (status, head_too_large_detail(status, MAX_HEAD_BYTES))


def test_a_request_head_that_never_ends_is_refused(server):
    endless = (b"X-More: " + b"a" * 1000 + b"\r\n" for _ in range(1000))  # 1 MB of headers, no end
    raw = exchange(server.port, b"GET /healthcheck HTTP/1.1\r\nHost: x\r\n", endless)
    assert raw.startswith(b"HTTP/1.1 400 ")


def test_the_server_still_answers_after_the_refusals(server):
    raw = exchange(server.port, head("GET", "/healthcheck", {"Connection": "close"}))
    assert raw.startswith(b"HTTP/1.1 200 ")


# -- the request head's deadline, on a server of its own with a short one --------------------------------


class QuickHeadProtocol(BoundedH11Protocol):
    head_timeout = 0.5


async def hello(scope, receive, send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"hi"})


@pytest.fixture
def quick_server() -> Iterator[int]:
    port = free_port()
    config = server_config(hello, "127.0.0.1", port, log_level="warning")
    config.http = QuickHeadProtocol
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield port
    running.should_exit = True
    thread.join(10)


def closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        return sock.recv(1024) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


@pytest.mark.parametrize(
    "sent", [b"", b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: "], ids=["nothing", "half-a-head"]
)
def test_a_request_head_not_sent_in_time_closes_the_connection(quick_server, sent):
    with socket.create_connection(("127.0.0.1", quick_server)) as sock:
        sock.sendall(sent)
        time.sleep(0.3)
        sock.sendall(b"a")  # still trickling: uvicorn's own keep-alive timer would be stopped by this
        assert closed_within(sock, 3)


def test_a_kept_alive_connection_gets_a_fresh_head_deadline_per_request(quick_server):
    with socket.create_connection(("127.0.0.1", quick_server)) as sock:
        for _ in range(3):
            time.sleep(0.3)  # each request starts inside its own deadline, three together exceed one
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            sock.settimeout(3)
            assert sock.recv(1024).startswith(b"HTTP/1.1 200 ")
