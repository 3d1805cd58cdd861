"""Financial statements (v3)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.finance import statements as domain
from sandbox.presenters.v3_resources import render_statement


def list_statements(ctx: RequestContext, **query: Any) -> Response:
    flt = params.filters(query.get("filter"))
    statement_filter = domain.StatementFilter(
        cohorts=params.cohorts(flt),
        type=params.one(flt, "type"),
        updated_since=params.since(flt, "updated_since", ctx.contract.queries),
        side=ctx.contract.sides,
    )
    page = params.page(query.get("page"), ctx.contract.queries)
    statements = page.slice(domain.list_statements(ctx.store, ctx.provider, statement_filter))
    return many(render_statement(s, ctx.contract) for s in statements)


def show_statement(ctx: RequestContext, id: str, **_: Any) -> Response:
    statement = domain.get_statement(ctx.store, ctx.provider, id, ctx.contract.sides, ctx.contract.npq_rules)
    return single(render_statement(statement, ctx.contract))
