"""The journal page at /sandbox/journal: a server-rendered shell whose script reads the control API
with the token given (an `Authorization` header, `?token=`, or the page's own field)."""

from __future__ import annotations

import html
from importlib import resources

import connexion
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

PATH = "/sandbox/journal"
# Inline script and style only, and calls to this server: the page fetches nothing from elsewhere.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; img-src 'self' blob:"
)


def _token(request: Request) -> str:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() in ("bearer", "token") and token.strip():
        return token.strip()
    return request.query_params.get("token", "").strip()


def render(token: str) -> str:
    template = resources.files("sandbox.requests_journal").joinpath("page.html").read_text(encoding="utf-8")
    return template.replace("{{TOKEN}}", html.escape(token, quote=True))


def add_page(app: connexion.AsyncApp) -> None:
    async def journal_page(request: Request) -> Response:
        # The page is the same for every caller; the token only travels into it so that its script
        # can call the API. It must not be cached or sent elsewhere.
        return HTMLResponse(
            render(_token(request)),
            headers={
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
                "Content-Security-Policy": CSP,
            },
        )

    app.add_url_rule(PATH, "journal_page", journal_page)
