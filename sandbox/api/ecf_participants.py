"""ECF participants: lists, single reads, CSV, and the provider's actions on them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain import change_schedule as schedules
from sandbox.domain import ecf_actions
from sandbox.domain import ecf_participants as domain
from sandbox.domain.listing import SortKey
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
    # v3 keeps its created_at order under `updated_since`; v1/v2 then order by updated_at.
    sort = params.sort_keys(query.get("sort")) or ([SortKey("created_at")] if ctx.v == "v3" else [])
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


def _acted(ctx: RequestContext, result: ecf_actions.ActionResult) -> Response:
    """v3 answers with the whole user; v1 and v2 with the profile the action touched."""
    if ctx.v == "v3":
        return single(present.v3_item(result.participant))
    return single(present.legacy_item(result.enrolment))


def withdraw(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(body)
    result = ecf_actions.withdraw_participant(
        ctx.store,
        ctx.provider,
        id,
        course_identifier=attrs.get("course_identifier"),
        reason=attrs.get("reason"),
        now=ctx.now,
    )
    return _acted(ctx, result)


def defer(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(body)
    result = ecf_actions.defer_participant(
        ctx.store,
        ctx.provider,
        id,
        course_identifier=attrs.get("course_identifier"),
        reason=attrs.get("reason"),
        now=ctx.now,
    )
    return _acted(ctx, result)


def resume(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(body)
    result = ecf_actions.resume_participant(
        ctx.store, ctx.provider, id, course_identifier=attrs.get("course_identifier"), now=ctx.now
    )
    return _acted(ctx, result)


def change_schedule(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(body)
    result = schedules.change_schedule(
        ctx.store,
        ctx.provider,
        id,
        course_identifier=attrs.get("course_identifier"),
        schedule_identifier=attrs.get("schedule_identifier"),
        cohort=attrs.get("cohort"),
        now=ctx.now,
    )
    return _acted(ctx, result)


# Older paths, same handlers under their own operation ids: v1 and v2 serve the list and its CSV at
# /participants and /participants.csv; v1 also serves the actions at /participants/{id}/....
list_participants_legacy = list_participants
participants_csv_legacy = participants_csv
withdraw_legacy = withdraw
defer_legacy = defer
resume_legacy = resume
change_schedule_legacy = change_schedule
