"""Financial statements (v3)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.contracts.model import Statements
from sandbox.domain import statements as domain
from sandbox.domain.entities import Statement
from sandbox.domain.errors import NotFound
from sandbox.presenters.v3_resources import render_statement


def list_statements(ctx: RequestContext, **query: Any) -> Response:
    described = _described(ctx)
    fields = params.read_filters(described.listing, query.get("filter"))
    if described.programme:
        fields["type"] = described.programme
    page = params.page(query.get("page"))
    statements = page.slice(domain.list_statements(ctx.store, ctx.provider, domain.StatementFilter(**fields)))
    return many(render_statement(s, described.fields) for s in statements)


def show_statement(ctx: RequestContext, id: str, **_: Any) -> Response:
    described = _described(ctx)
    statement = domain.get_statement(ctx.store, ctx.provider, id)
    if described.output_fee_only and not (statement.output_fee and _of_programme(statement, described)):
        raise NotFound(id)
    return single(render_statement(statement, described.fields))


def _described(ctx: RequestContext) -> Statements:
    assert ctx.contract.statements is not None  # bound only for contracts that describe statements
    return ctx.contract.statements


def _of_programme(statement: Statement, described: Statements) -> bool:
    return described.programme is None or statement.type == described.programme
