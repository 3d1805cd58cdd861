"""NPQ applications: reads, CSV, and the provider's decisions on them."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import DATA_STRUCTURE_MESSAGE, attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain.applications import decisions, npq_service
from sandbox.domain.applications import reads as domain
from sandbox.domain.errors import BadRequest
from sandbox.domain.listing import Page
from sandbox.domain.world.entities import NPQApplication
from sandbox.presenters import npq as present


def _filter(ctx: RequestContext, raw: Any) -> domain.ApplicationFilter:
    return domain.ApplicationFilter(
        **params.read_filters(ctx.contract.npq_applications.listing, raw, ctx.contract.queries)
    )


def _decisions(ctx: RequestContext) -> ModuleType:
    """The rules the contract's NPQ decisions follow: the ECF service's or the NPQ service's."""
    return npq_service if ctx.contract.npq_rules == "npq-service" else decisions


def _render(ctx: RequestContext, application: NPQApplication) -> dict[str, Any]:
    return present.render_application(domain.application_view(ctx.store, application), ctx.contract)


def list_applications(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_npq()
    flt = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.list_sort(ctx.contract.npq_applications.listing, query.get("sort"))
    applications = domain.iter_applications(ctx.store, ctx.provider, flt, sort, page.start)
    return many(_render(ctx, a) for a in Page(1, page.size).slice(applications))


def show_application(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_npq()
    application = domain.get_application(ctx.store, ctx.provider, id)
    return single(_render(ctx, application))


def applications_csv(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_npq()
    applications = domain.list_applications(ctx.store, ctx.provider, _filter(ctx, query.get("filter")))
    views = [domain.application_view(ctx.store, a) for a in applications]
    return csv_body(
        ctx.contract.npq_applications.csv_columns or (),
        present.application_csv_rows(views, ctx.contract),
        header_when_empty=True,
    )


_SCALARS = (str, int, float, bool, type(None))


def accept_attributes(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """Upstream's accept parameters: no body or no `data` is no input at all, but a `data` without any
    attribute the contract reads (or with only objects and lists, which Rails drops) is a 400."""
    if not isinstance(body, dict) or "data" not in body:
        return {}
    data = body["data"]
    raw = data.get("attributes") if isinstance(data, dict) else None
    permitted = ctx.contract.npq_applications.accept_attributes
    kept = (
        {k: v for k, v in raw.items() if k in permitted and isinstance(v, _SCALARS)}
        if isinstance(raw, dict)
        else {}
    )
    if not kept:
        raise BadRequest(DATA_STRUCTURE_MESSAGE)
    return kept


def accept_application(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_npq()
    attrs = accept_attributes(ctx, body)
    application = _decisions(ctx).accept_application(
        ctx.store,
        ctx.provider,
        id,
        ctx.now,
        funded_place=attrs.get("funded_place"),
        schedule_identifier=attrs.get("schedule_identifier"),
    )
    return single(_render(ctx, application))


def reject_application(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_npq()
    application = _decisions(ctx).reject_application(ctx.store, ctx.provider, id, ctx.now)
    return single(_render(ctx, application))


def change_funded_place(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_npq()
    # The NPQ service reads a body without `data` as no attributes at all (then refused with 422).
    no_data = not isinstance(body, dict) or "data" not in body
    funded_place = (
        None if no_data and ctx.contract.npq_rules == "npq-service" else attributes(body).get("funded_place")
    )
    # Rails drops objects and lists from permitted params: such a value arrives as missing (422).
    funded_place = funded_place if isinstance(funded_place, _SCALARS) else None
    application = _decisions(ctx).change_funded_place(ctx.store, ctx.provider, id, funded_place, ctx.now)
    return single(_render(ctx, application))
