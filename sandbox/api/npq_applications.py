"""NPQ applications: reads, CSV, and the provider's decisions on them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import DATA_STRUCTURE_MESSAGE, attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain import npq as domain
from sandbox.domain import npq_decisions as decisions
from sandbox.domain.errors import BadRequest
from sandbox.presenters import npq as present


def _filter(ctx: RequestContext, raw: Any) -> domain.ApplicationFilter:
    flt = params.filters(raw)
    return domain.ApplicationFilter(
        cohorts=params.cohorts(flt, single=not ctx.version.npq_application_cohort_list),
        updated_since=params.since(flt, "updated_since"),
        participant_id=params.one(flt, "participant_id") if ctx.v == "v3" else None,
    )


def list_applications(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_npq()
    flt = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"))
    sort = params.sort_keys(query.get("sort")) if ctx.v == "v3" else []
    applications = page.slice(domain.list_applications(ctx.store, ctx.provider, flt, sort))
    return many(present.render_application(ctx.store, a, ctx.v) for a in applications)


def show_application(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_npq()
    application = domain.get_application(ctx.store, ctx.provider, id)
    return single(present.render_application(ctx.store, application, ctx.v))


def applications_csv(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_npq()
    applications = domain.list_applications(ctx.store, ctx.provider, _filter(ctx, query.get("filter")))
    return csv_body(
        present.application_csv_columns(ctx.v),
        present.application_csv_rows(ctx.store, applications, ctx.v),
        header_when_empty=True,
    )


# What each version's accept reads from `data.attributes`; change-funded-place reads the same way.
ACCEPT_ATTRIBUTES = {
    "v1": ("funded_place",),
    "v2": ("funded_place",),
    "v3": ("funded_place", "schedule_identifier"),
}
_SCALARS = (str, int, float, bool, type(None))


def accept_attributes(ctx: RequestContext, body: Any) -> dict[str, Any]:
    """Upstream's accept parameters: no body or no `data` is no input at all, but a `data` without any
    attribute the version reads (or with only objects and lists, which Rails drops) is a 400."""
    if not isinstance(body, dict) or "data" not in body:
        return {}
    data = body["data"]
    raw = data.get("attributes") if isinstance(data, dict) else None
    permitted = ACCEPT_ATTRIBUTES[ctx.v]
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
    application = decisions.accept_application(
        ctx.store,
        ctx.provider,
        id,
        ctx.now,
        funded_place=attrs.get("funded_place"),
        schedule_identifier=attrs.get("schedule_identifier"),
    )
    return single(present.render_application(ctx.store, application, ctx.v))


def reject_application(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_npq()
    application = decisions.reject_application(ctx.store, ctx.provider, id, ctx.now)
    return single(present.render_application(ctx.store, application, ctx.v))


def change_funded_place(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_npq()
    funded_place = attributes(body).get("funded_place")
    # Rails drops objects and lists from permitted params: such a value arrives as missing (422).
    funded_place = funded_place if isinstance(funded_place, _SCALARS) else None
    application = decisions.change_funded_place(ctx.store, ctx.provider, id, funded_place, ctx.now)
    return single(present.render_application(ctx.store, application, ctx.v))
