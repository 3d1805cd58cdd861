"""ECF partnerships (v3): reads, and confirming or changing a partnership."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.partnerships import reads as domain
from sandbox.domain.partnerships import rect_rules, rules
from sandbox.domain.world.entities import Partnership
from sandbox.presenters.v3_resources import render_partnership


def _view(ctx: RequestContext, partnership: Partnership) -> domain.PartnershipView:
    # Counting who trains today reads the partnership's records: only for a contract that shows it.
    counted = "participants_currently_training" in ctx.contract.shapes.partnership
    return domain.partnership_view(ctx.store, partnership, ctx.today if counted else None, ctx.zone)


def list_partnerships(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    flt = params.filters(query.get("filter"))
    partnership_filter = domain.PartnershipFilter(
        cohorts=params.cohorts(flt),
        delivery_partner_ids=params.text_list(flt, "delivery_partner_id"),
        updated_since=params.since(flt, "updated_since", ctx.contract.queries),
    )
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.sort_keys(query.get("sort"))
    # Read lazily: the list stops at the page's end.
    partnerships = page.slice(domain.iter_partnerships(ctx.store, ctx.provider, partnership_filter, sort))
    return many(render_partnership(_view(ctx, p), ctx.contract) for p in partnerships)


def show_partnership(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_ecf()
    partnership = domain.get_partnership(ctx.store, ctx.provider, id)
    return single(render_partnership(_view(ctx, partnership), ctx.contract))


def create_partnership(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(body, ctx.contract.queries, reads=("cohort", "school_id", "delivery_partner_id"))
    partnership = rect_rules.create(
        ctx.store,
        ctx.provider,
        ctx.now,
        ctx.zone,
        ctx.contract.shapes.partnership_rules,
        cohort=attrs.get("cohort"),
        school_id=attrs.get("school_id"),
        delivery_partner_id=attrs.get("delivery_partner_id"),
    )
    return single(render_partnership(_view(ctx, partnership), ctx.contract))


def update_partnership(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(body, ctx.contract.queries, reads=("delivery_partner_id",))
    partnership = rules.update_partnership(
        ctx.store,
        ctx.provider,
        ctx.now,
        id,
        delivery_partner_id=attrs.get("delivery_partner_id"),
        variant=ctx.contract.shapes.partnership_rules,
    )
    return single(render_partnership(_view(ctx, partnership), ctx.contract))


# Rails routes PATCH like PUT: RECT documents it as its own operation.
update_partnership_patch = update_partnership
