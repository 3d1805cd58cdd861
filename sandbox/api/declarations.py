"""Participant declarations: reads, CSV, submit and void."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain.declarations import reads as domain
from sandbox.domain.declarations import variants
from sandbox.domain.declarations.input import DeclarationRequest
from sandbox.domain.listing import Page
from sandbox.domain.world.entities import Declaration
from sandbox.presenters import declarations as present


def _filter(ctx: RequestContext, raw: Any) -> domain.DeclarationFilter:
    return domain.DeclarationFilter(
        **params.read_filters(ctx.contract.declarations.listing, raw, ctx.contract.queries)
    )


def _require_side(ctx: RequestContext) -> None:
    if ctx.contract.declarations.requires_programme_side:
        ctx.require_any_side()


def _render(ctx: RequestContext, declaration: Declaration) -> dict[str, Any]:
    return present.render(
        domain.declaration_view(ctx.store, declaration, ctx.contract.npq_rules), ctx.contract
    )


def list_declarations(ctx: RequestContext, **query: Any) -> Response:
    _require_side(ctx)
    flt = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    # The domain skips the earlier pages (by position when nothing filters the list).
    found = domain.iter_declarations(
        ctx.store, ctx.provider, flt, ctx.contract.declarations.scope, page.start
    )
    return many(_render(ctx, d) for d in Page(1, page.size).slice(found))


def show_declaration(ctx: RequestContext, id: str, **_: Any) -> Response:
    _require_side(ctx)
    declaration = domain.get_declaration(ctx.store, ctx.provider, id, ctx.contract.declarations.scope)
    return single(_render(ctx, declaration))


def declarations_csv(ctx: RequestContext, **query: Any) -> Response:
    flt = _filter(ctx, query.get("filter"))
    declarations = domain.list_declarations(ctx.store, ctx.provider, flt)
    views = [domain.declaration_view(ctx.store, d) for d in declarations]
    return csv_body(ctx.contract.declarations.csv_columns or (), present.csv_rows(views, ctx.contract))


def create_declaration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    _require_side(ctx)
    request = DeclarationRequest.from_attributes(
        attributes(
            body,
            ctx.contract.queries,
            reads=(
                "participant_id",
                "declaration_type",
                "declaration_date",
                "course_identifier",
                "evidence_held",
            ),
        )
    )
    declaration = variants.submit_declaration(
        ctx.store, ctx.provider, request, ctx.now, ctx.contract.declarations.rules, ctx.zone
    )
    return single(_render(ctx, declaration))


def void_declaration(ctx: RequestContext, id: str, **_: Any) -> Response:
    _require_side(ctx)
    declarations = ctx.contract.declarations
    declaration = variants.void_declaration(
        ctx.store, ctx.provider, id, ctx.now, declarations.scope, declarations.rules, ctx.zone
    )
    return single(_render(ctx, declaration))
