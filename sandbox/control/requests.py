"""Reading the request journal: lists, one exchange, clearing, HAR, go-live report, evidence pack.

A provider's token sees its own exchanges only; the admin's sees all (requests with no valid token
belong to no provider, so only the admin sees them).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import datetime
from typing import Any

from starlette.responses import Response

from sandbox.api.params import parse_datetime
from sandbox.control.context import ControlContext
from sandbox.control.responses import ok
from sandbox.domain.errors import BadRequest, NotFound, NotPermitted
from sandbox.requests_journal import golive
from sandbox.requests_journal.har import har
from sandbox.requests_journal.log import RequestLog
from sandbox.requests_journal.views import Filters, detail, matching, summary

_LEAP_SECOND = re.compile(r"(T\d\d:\d\d:)60")
NOT_YOURS = "A lead provider's token can only read that provider's own requests."


def _log(ctx: ControlContext) -> RequestLog:
    log = ctx.state.request_log
    if log is None:
        raise NotFound("the request journal is off (--no-journal)")
    return log


def _filters(ctx: ControlContext, params: dict[str, Any]) -> Filters:
    provider_id = params.get("lead_provider_id")
    if not ctx.is_admin:
        if provider_id not in (None, ctx.caller_id):
            raise NotPermitted(NOT_YOURS)
        provider_id = ctx.caller_id
    since = None
    if params.get("since") is not None:
        since = _instant(str(params["since"]))
        if since is None:
            raise BadRequest("`since` must be an RFC 3339 date-time, e.g. 2025-01-10T10:42:00Z.")
    return Filters(
        lead_provider_id=provider_id,
        status=params.get("status"),
        path=params.get("path") or None,
        since=since,
        contract=params.get("contract") or None,
    )


def _instant(text: str) -> datetime | None:
    # RFC 3339 allows a lower-case `t`/`z` and a leap second; the API's own parser does not.
    return parse_datetime(_LEAP_SECOND.sub(r"\g<1>59", text.upper()))


def list_requests(ctx: ControlContext, page: int = 1, per_page: int = 50, **params: Any) -> Response:
    log = _log(ctx)
    found = list(matching(log, _filters(ctx, params)))
    start = (page - 1) * per_page
    return Response(
        json.dumps(
            {
                "data": [summary(e) for e in found[start : start + per_page]],
                "meta": {"total": len(found), "page": page, "per_page": per_page, "capacity": log.size},
            },
            separators=(",", ":"),
        ),
        headers={"Content-Type": "application/json"},
    )


def show_request(ctx: ControlContext, request_id: int, **_: Any) -> Response:
    log = _log(ctx)
    exchange = log.get(request_id)
    if exchange is None:
        raise NotFound(str(request_id))
    if not ctx.is_admin and exchange.lead_provider_id != ctx.caller_id:
        raise NotPermitted(NOT_YOURS)
    return ok(detail(log, exchange))


def clear_requests(ctx: ControlContext, **params: Any) -> Response:
    log = _log(ctx)
    return ok({"removed": log.remove(list(matching(log, _filters(ctx, params))))})


def export_har(ctx: ControlContext, **params: Any) -> Response:
    log = _log(ctx)
    body = json.dumps(har(matching(log, _filters(ctx, params))), separators=(",", ":"), ensure_ascii=False)
    return Response(body.encode(), headers={"Content-Type": "application/json"})


def _report(ctx: ControlContext, provider_id: str) -> tuple[RequestLog, dict[str, Any]]:
    provider = ctx.provider(provider_id)
    log = _log(ctx)
    mine = [e for e in log.oldest_first() if e.lead_provider_id == provider.id]
    return log, golive.report(provider.id, mine)


def show_go_live(ctx: ControlContext, provider_id: str, **_: Any) -> Response:
    return ok(_report(ctx, provider_id)[1])


def download_evidence(ctx: ControlContext, provider_id: str, **_: Any) -> Response:
    """A zip of the go-live report and the provider's requests as HAR."""
    log, report = _report(ctx, provider_id)
    archive = har(matching(log, Filters(lead_provider_id=provider_id)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("go-live.json", json.dumps(report, indent=2))
        pack.writestr("requests.har", json.dumps(archive, indent=1, ensure_ascii=False))
    return Response(
        buffer.getvalue(),
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="go-live-evidence-{provider_id}.zip"',
        },
    )
