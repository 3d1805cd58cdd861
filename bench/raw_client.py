"""A minimal keep-alive HTTP/1.1 GET client on asyncio streams, for throughput runs only.

httpx spends 1.2-1.6 ms of client CPU per request, so on this 2-core machine one httpx client process
tops out near 650-950 req/s and cannot tell whether the server could go faster. This client writes a
fixed request and reads the response by Content-Length (or chunks), at a few percent of that cost.
It speaks only to the bench's own server on 127.0.0.1.
"""

from __future__ import annotations

import asyncio

import httpx

READ_TIMEOUT_S = 60.0


def request_target(path: str, params: dict[str, str]) -> str:
    """The path and query exactly as httpx would send them."""
    return httpx.URL(path, params=params).raw_path.decode("ascii")


class RawConnection:
    def __init__(self, host: str, port: int, target: str, headers: dict[str, str]) -> None:
        self.host = host
        self.port = port
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", *(f"{k}: {v}" for k, v in headers.items())]
        self._request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        assert self.host == "127.0.0.1", "the bench only talks to its own loopback server"
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def get(self) -> int:
        """Send the request once; return the status after reading the whole body."""
        assert self._reader is not None and self._writer is not None
        self._writer.write(self._request)
        return await asyncio.wait_for(self._read_response(self._reader), READ_TIMEOUT_S)

    async def _read_response(self, reader: asyncio.StreamReader) -> int:
        head = await reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split(" ", 2)[1])
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                await reader.readexactly(size + 2)  # the chunk and its CRLF
                if size == 0:
                    break
        else:
            raise RuntimeError("response without Content-Length or chunking: cannot keep the connection")
        return status

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            await self._writer.wait_closed()
