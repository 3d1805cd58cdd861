"""Participant transfers: the contract names whose rules list them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.participants import variants
from sandbox.presenters.v3_resources import render_transfers


def list_transfers(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    flt = params.filters(query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    items = variants.list_transfers(
        ctx.store,
        ctx.provider,
        params.since(flt, "updated_since", ctx.contract.queries),
        now=ctx.now,
        zone=ctx.zone,
        sort=params.sort_keys(query.get("sort")),
        variant=ctx.contract.ecf_participants.transfers,
    )
    return many(render_transfers(i) for i in page.slice(items))


def show_participant_transfers(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_ecf()
    found = variants.get_transfers(
        ctx.store,
        ctx.provider,
        id,
        now=ctx.now,
        zone=ctx.zone,
        variant=ctx.contract.ecf_participants.transfers,
    )
    return single(render_transfers(found))
