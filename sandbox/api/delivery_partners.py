"""Delivery partners a provider works with (v3)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.partnerships import reads as domain
from sandbox.presenters.v3_resources import render_delivery_partner


def _require_side(ctx: RequestContext) -> None:
    # The ECF service's delivery partners are its school partnerships' (the ECF side); the NPQ
    # service's are its own records, and its tokens all have the NPQ side.
    if ctx.contract.npq_rules != "npq-service":
        ctx.require_ecf()


def list_delivery_partners(ctx: RequestContext, **query: Any) -> Response:
    _require_side(ctx)
    flt = params.filters(query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.sort_keys(query.get("sort"))
    rules = ctx.contract.npq_rules
    views = domain.list_delivery_partners(ctx.store, ctx.provider, params.cohorts(flt), sort, rules)
    return many(render_delivery_partner(v, ctx.contract) for v in page.slice(views))


def show_delivery_partner(ctx: RequestContext, id: str, **_: Any) -> Response:
    _require_side(ctx)
    view = domain.get_delivery_partner(ctx.store, ctx.provider, id, ctx.contract.npq_rules)
    return single(render_delivery_partner(view, ctx.contract))
