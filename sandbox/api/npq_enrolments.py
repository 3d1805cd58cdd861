"""The NPQ enrolments CSV (where a contract serves it)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body
from sandbox.domain.participants import npq as domain
from sandbox.presenters import npq as present


def enrolments_csv(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_npq()
    flt = params.filters(query.get("filter"))
    enrolments = domain.list_enrolment_profiles(
        ctx.store, ctx.provider, params.since(flt, "updated_since", ctx.contract.queries)
    )
    columns = ctx.contract.npq_participants.enrolments_csv_columns or ()
    return csv_body(columns, present.enrolment_csv_rows(enrolments, columns), header_when_empty=True)
