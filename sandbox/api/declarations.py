"""Participant declarations: reads, CSV, submit and void."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain import declaration_rules as rules
from sandbox.domain import declarations as domain
from sandbox.domain import void as voiding
from sandbox.domain.declaration_input import DeclarationRequest
from sandbox.domain.listing import Since
from sandbox.presenters import declarations as present


def _filter(ctx: RequestContext, raw: Any) -> domain.DeclarationFilter:
    flt = params.filters(raw)
    updated = params.since(flt, "updated_since")
    v3 = ctx.v == "v3"
    participant_ids = params.text_list(flt, "participant_id")
    if not v3 and participant_ids is not None:
        participant_ids = [str(flt["participant_id"]).strip()]  # v1/v2 take a single id
    return domain.DeclarationFilter(
        participant_ids=participant_ids,
        cohorts=params.cohorts(flt) if v3 else None,
        delivery_partner_ids=params.text_list(flt, "delivery_partner_id") if v3 else None,
        updated_since=Since(updated, ctx.version.declarations_updated_since_strict) if updated else None,
    )


def _require_side(ctx: RequestContext) -> None:
    # Only v3 checks the provider has a programme side; v1/v2 serve any provider's token.
    if ctx.v == "v3":
        ctx.require_any_side()


def list_declarations(ctx: RequestContext, **query: Any) -> Response:
    _require_side(ctx)
    flt = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"))
    declarations = page.slice(domain.list_declarations(ctx.store, ctx.provider, flt))
    return many(present.render(ctx.store, d, ctx.v) for d in declarations)


def show_declaration(ctx: RequestContext, id: str, **_: Any) -> Response:
    _require_side(ctx)
    return single(present.render(ctx.store, domain.get_declaration(ctx.store, ctx.provider, id), ctx.v))


def declarations_csv(ctx: RequestContext, **query: Any) -> Response:
    flt = _filter(ctx, query.get("filter"))
    declarations = domain.list_declarations(ctx.store, ctx.provider, flt)
    return csv_body(present.CSV_COLUMNS[ctx.v], present.csv_rows(ctx.store, declarations, ctx.v))


def create_declaration(ctx: RequestContext, body: Any = None, **_: Any) -> Response:
    _require_side(ctx)
    request = DeclarationRequest.from_attributes(attributes(body))
    declaration = rules.submit_declaration(ctx.store, ctx.provider, request, ctx.now)
    return single(present.render(ctx.store, declaration, ctx.v))


def void_declaration(ctx: RequestContext, id: str, **_: Any) -> Response:
    _require_side(ctx)
    declaration = voiding.void_declaration(ctx.store, ctx.provider, id, ctx.now)
    return single(present.render(ctx.store, declaration, ctx.v))
