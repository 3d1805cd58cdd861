"""Schools a provider could work with in a cohort (v3)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.errors import BadRequest
from sandbox.domain.listing import Page
from sandbox.domain.partnerships import reads as domain
from sandbox.presenters.v3_resources import render_school


def _cohort(flt: dict[str, Any]) -> int | None:
    years = params.cohorts(flt, single=True)
    return years[0] if years else None


def _filter(ctx: RequestContext, raw: Any) -> domain.SchoolFilter:
    flt = params.filters(raw)
    if flt.get("cohort") is None:
        raise BadRequest("The filter '#/cohort' must be included in your request", title="Bad parameter")
    return domain.SchoolFilter(
        cohort=_cohort(flt),
        urn=params.one(flt, "urn"),
        updated_since=params.since(flt, "updated_since", ctx.contract.queries),
        # Whose expression of interest to look for: only for a contract that shows it.
        lead_provider_id=ctx.provider.id if "expression_of_interest" in ctx.contract.shapes.school else None,
    )


def list_schools(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    school_filter = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.sort_keys(query.get("sort"))
    # The domain passes over the earlier pages without building their views.
    views = Page(1, page.size).slice(domain.iter_schools(ctx.store, school_filter, sort, page.start))
    return many(render_school(v, ctx.contract) for v in views)


def show_school(ctx: RequestContext, id: str, **query: Any) -> Response:
    ctx.require_ecf()
    return single(
        render_school(domain.get_school(ctx.store, id, _filter(ctx, query.get("filter"))), ctx.contract)
    )
