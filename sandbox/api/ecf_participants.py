"""ECF participants: lists, single reads, CSV, and the provider's actions on them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain import ecf_participants as domain
from sandbox.domain.errors import NotYetBuilt
from sandbox.presenters import ecf_participants as present


def _filter(ctx: RequestContext, raw: Any) -> domain.ParticipantFilter:
    flt = params.filters(raw)
    return domain.ParticipantFilter(
        cohorts=params.cohorts(flt),
        updated_since=params.since(flt, "updated_since"),
        training_status=params.training_status(flt) if ctx.v == "v3" else None,
        from_participant_id=params.one(flt, "from_participant_id") if ctx.v == "v3" else None,
    )


def list_participants(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    flt = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"))
    sort = params.sort_keys(query.get("sort"))
    participants = domain.list_participants(ctx.store, ctx.provider, flt, ctx.now, sort)
    units = page.slice(present.units(participants, ctx.v))
    return many(present.render(u, ctx.v) for u in units)


def show_participant(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_ecf()
    participant = domain.get_participant(ctx.store, ctx.provider, id, ctx.now)
    if ctx.v == "v3":
        return single(present.v3_item(participant))
    return single(present.legacy_item(domain.preferred_enrolment(participant)))


def participants_csv(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    flt = _filter(ctx, query.get("filter"))
    participants = domain.list_participants(ctx.store, ctx.provider, flt, ctx.now)
    return csv_body(present.CSV_COLUMNS, present.csv_rows(participants))


def withdraw(ctx: RequestContext, **_: Any) -> Response:
    ctx.require_ecf()
    raise NotYetBuilt("withdraw an ECF participant")


def defer(ctx: RequestContext, **_: Any) -> Response:
    ctx.require_ecf()
    raise NotYetBuilt("defer an ECF participant")


def resume(ctx: RequestContext, **_: Any) -> Response:
    ctx.require_ecf()
    raise NotYetBuilt("resume an ECF participant")


def change_schedule(ctx: RequestContext, **_: Any) -> Response:
    ctx.require_ecf()
    raise NotYetBuilt("change an ECF participant's schedule")


# v1 also serves the actions at /participants/{id}/...: same handlers, their own operation ids.
withdraw_legacy = withdraw
defer_legacy = defer
resume_legacy = resume
change_schedule_legacy = change_schedule
