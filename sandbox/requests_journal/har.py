"""Exchanges as an HTTP Archive (HAR 1.2), the format browsers' network panels and HAR viewers load.

Sandbox facts with no HAR field (the request's id, provider, provider clock, the rule that refused
it) go in an `_sandbox` object on each entry, as the format allows for custom fields.
"""

from __future__ import annotations

from collections.abc import Iterable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

from sandbox.presenters.formats import millis_timestamp
from sandbox.requests_journal.log import Exchange
from sandbox.requests_journal.views import summary, text_of

CREATOR = {"name": "cpd-sandbox", "version": "0.1.0"}


def har(exchanges: Iterable[Exchange]) -> dict[str, Any]:
    """Oldest first, as a browser records them."""
    ordered = sorted(exchanges, key=lambda e: e.id)
    return {"log": {"version": "1.2", "creator": CREATOR, "entries": [_entry(e) for e in ordered]}}


def _entry(exchange: Exchange) -> dict[str, Any]:
    facts = summary(exchange)
    return {
        "startedDateTime": millis_timestamp(exchange.started_at),
        "time": exchange.duration_ms,
        "request": _request(exchange),
        "response": _response(exchange),
        "cache": {},
        "timings": {"send": 0, "wait": exchange.duration_ms, "receive": 0},
        "_sandbox": {
            key: facts[key]
            for key in ("id", "lead_provider_id", "provider_time", "contract", "version", "refused_by")
        },
    }


def _url(exchange: Exchange) -> str:
    host = exchange.header("host") or "127.0.0.1"
    return f"http://{host}{exchange.path}" + (f"?{exchange.query}" if exchange.query else "")


def _headers(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "value": value} for name, value in pairs]


def _request(exchange: Exchange) -> dict[str, Any]:
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": _url(exchange),
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(exchange.request_headers),
        "queryString": [
            {"name": k, "value": v} for k, v in parse_qsl(exchange.query, keep_blank_values=True)
        ],
        "headersSize": -1,
        "bodySize": len(exchange.request_body),
    }
    if exchange.request_body:
        request["postData"] = {
            "mimeType": exchange.header("content-type") or "application/octet-stream",
            "text": text_of(exchange.request_body),
        }
    return request


def _response(exchange: Exchange) -> dict[str, Any]:
    try:
        reason = HTTPStatus(exchange.status).phrase
    except ValueError:
        reason = ""
    return {
        "status": exchange.status,
        "statusText": reason,
        "httpVersion": "HTTP/1.1",
        "cookies": [],
        "headers": _headers(exchange.response_headers),
        "content": {
            "size": len(exchange.response_body),
            "mimeType": exchange.header("content-type", response=True) or "application/octet-stream",
            "text": text_of(exchange.response_body) or "",
        },
        "redirectURL": "",
        "headersSize": -1,
        "bodySize": len(exchange.response_body),
    }
