"""Mentors of a provider's ECTs whom the provider does not train (v3)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.participants import unfunded_mentors as domain
from sandbox.presenters.v3_resources import render_unfunded_mentor


def list_unfunded_mentors(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    flt = params.filters(query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.sort_keys(query.get("sort"))
    mentors = domain.list_unfunded_mentors(
        ctx.store,
        ctx.provider,
        params.since(flt, "updated_since", ctx.contract.queries),
        sort,
        rules=ctx.contract.shapes.unfunded_mentor_rules,
        now=ctx.now,
    )
    return many(render_unfunded_mentor(m) for m in page.slice(mentors))


def show_unfunded_mentor(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_ecf()
    mentor = domain.get_unfunded_mentor(
        ctx.store, ctx.provider, id, rules=ctx.contract.shapes.unfunded_mentor_rules, now=ctx.now
    )
    return single(render_unfunded_mentor(mentor))
