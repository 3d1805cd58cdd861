"""Pure ASGI middleware that records each exchange on a Lead Provider API into the request log.

It sits outside Connexion's exception handling and the rate limit, so it sees every answer: the
handler's, a validation 400, a domain refusal, a 429. The error handler tells it which domain error
refused a request through a `Note` it finds in the ASGI scope.
"""

from __future__ import annotations

import time
from typing import Any

from sandbox.api.context import SERVER_DATE_HEADER, request_instant
from sandbox.domain.errors import DomainError
from sandbox.domain.rulebook import Refusal, refusal_of
from sandbox.requests_journal.log import BODY_LIMIT, Api, Exchange, RequestLog, mask_token
from sandbox.state import SandboxState

SCOPE_KEY = "cpd_sandbox.request_note"


class Note:
    """What the app learns about a request while answering it."""

    __slots__ = ("refusal",)

    def __init__(self) -> None:
        self.refusal: Refusal | None = None


def note_refusal(scope: Any, error: Exception) -> None:
    """Called by the error handler: this domain error refused the request being recorded."""
    note = scope.get(SCOPE_KEY)
    if note is not None and isinstance(error, DomainError):
        note.refusal = refusal_of(error)


def _decoded(raw: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    headers = []
    for key, value in raw:
        name, text = key.decode("latin-1"), value.decode("latin-1")
        headers.append((name, mask_token(text) if name.lower() == "authorization" else text))
    return headers


class RequestRecorder:
    def __init__(self, app: Any, state: SandboxState, log: RequestLog) -> None:
        self.app = app
        self.state = state
        self.log = log
        self.apis = log.apis

    def _api(self, path: str) -> Api | None:
        for api in self.apis:
            if path == api.base_path or path.startswith(api.base_path + "/"):
                return api
        return None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        api = self._api(scope["path"]) if scope["type"] == "http" else None
        if api is None:
            await self.app(scope, receive, send)
            return
        started, clock_start = self.state.clock.real_now(), time.perf_counter()
        who = self._provider(scope.get("headers") or [])
        note = Note()
        scope[SCOPE_KEY] = note
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        answer: dict[str, Any] = {"status": 0, "headers": []}

        async def receive_recorded() -> dict:
            message = await receive()
            if message["type"] == "http.request":
                request_chunks.append(message.get("body", b""))
            return message

        async def send_recorded(message: dict) -> None:
            if message["type"] == "http.response.start":
                answer["status"] = message["status"]
                answer["headers"] = message.get("headers") or []
            elif message["type"] == "http.response.body":
                response_chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive_recorded, send_recorded)
        finally:
            self._record(api, scope, note, who, started, clock_start, request_chunks, response_chunks, answer)

    def _record(
        self,
        api: Api,
        scope: dict,
        note: Note,
        who: tuple[str | None, Any],
        started: Any,
        clock_start: float,
        request_chunks: list[bytes],
        response_chunks: list[bytes],
        answer: dict[str, Any],
    ) -> None:
        duration_ms = (time.perf_counter() - clock_start) * 1000
        raw_headers = scope.get("headers") or []
        provider_id, provider_time = who
        request_body, response_body = b"".join(request_chunks), b"".join(response_chunks)
        truncated = len(request_body) > BODY_LIMIT or len(response_body) > BODY_LIMIT
        path = scope["path"]
        self.log.add(
            Exchange(
                id=self.log.next_id(),
                started_at=started,
                provider_time=provider_time,
                lead_provider_id=provider_id,
                api=api.base_path,
                contract=api.contract,
                version=api.version,
                method=scope["method"],
                path=path,
                query=scope.get("query_string", b"").decode("latin-1"),
                request_headers=_decoded(raw_headers),
                request_body=request_body[:BODY_LIMIT],
                status=answer["status"],
                response_headers=_decoded(answer["headers"]),
                response_body=response_body[:BODY_LIMIT],
                duration_ms=round(duration_ms, 3),
                refusal=note.refusal,
                truncated=truncated,
            )
        )

    def _provider(self, raw_headers: list[tuple[bytes, bytes]]) -> tuple[str | None, Any]:
        headers = {k.lower(): v.decode("latin-1") for k, v in raw_headers}
        _, _, token = headers.get(b"authorization", "").strip().partition(" ")
        provider = self.state.store.provider_by_token(token.strip()) if token.strip() else None
        provider_id = provider.id if provider else None
        try:
            instant = request_instant(
                self.state, headers.get(SERVER_DATE_HEADER.lower().encode()), provider_id
            )
        except DomainError:  # a malformed X-With-Server-Date: the request ran at no provider time
            instant = None
        return provider_id, instant
