"""NPQ applications: reads, CSV, and the provider's decisions on them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain import npq as domain
from sandbox.domain.errors import NotYetBuilt
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


def accept_application(ctx: RequestContext, **_: Any) -> Response:
    ctx.require_npq()
    raise NotYetBuilt("accept an NPQ application")


def reject_application(ctx: RequestContext, **_: Any) -> Response:
    ctx.require_npq()
    raise NotYetBuilt("reject an NPQ application")


def change_funded_place(ctx: RequestContext, **_: Any) -> Response:
    ctx.require_npq()
    raise NotYetBuilt("change an NPQ application's funded place")
