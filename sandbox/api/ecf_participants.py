"""ECF participants: lists, single reads, CSV, and the provider's actions on them."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import csv_body, many, single
from sandbox.domain.listing import Page
from sandbox.domain.participants import change_schedule as schedules
from sandbox.domain.participants import ecf as domain
from sandbox.domain.participants import ecf_actions
from sandbox.presenters import ecf_participants as present


def _filter(ctx: RequestContext, raw: Any) -> domain.ParticipantFilter:
    return domain.ParticipantFilter(
        **params.read_filters(ctx.contract.ecf_participants.listing, raw, ctx.contract.queries)
    )


def list_participants(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    flt = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.list_sort(ctx.contract.ecf_participants.listing, query.get("sort"))
    if present.nests_enrolments(ctx.contract):
        # One unit per participant: the domain skips the earlier pages without building them.
        participants = domain.iter_participants(ctx.store, ctx.provider, flt, ctx.now, sort, page.start)
        units = Page(1, page.size).slice(present.iter_units(participants, ctx.contract))
    else:
        participants = domain.iter_participants(ctx.store, ctx.provider, flt, ctx.now, sort)
        units = page.slice(present.iter_units(participants, ctx.contract))
    return many(present.render(u, ctx.contract) for u in units)


def show_participant(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_ecf()
    participant = domain.get_participant(ctx.store, ctx.provider, id, ctx.now)
    return single(present.item(participant, domain.preferred_enrolment(participant), ctx.contract))


def participants_csv(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    flt = _filter(ctx, query.get("filter"))
    participants = domain.list_participants(ctx.store, ctx.provider, flt, ctx.now)
    return csv_body(
        ctx.contract.ecf_participants.csv_columns or (), present.csv_rows(participants, ctx.contract)
    )


def _acted(ctx: RequestContext, result: ecf_actions.ActionResult) -> Response:
    return single(present.item(result.participant, result.enrolment, ctx.contract))


def withdraw(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(body, ctx.contract.queries, reads=("reason", "course_identifier"))
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
    attrs = attributes(body, ctx.contract.queries, reads=("reason", "course_identifier"))
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
    attrs = attributes(body, ctx.contract.queries, reads=("course_identifier",))
    result = ecf_actions.resume_participant(
        ctx.store, ctx.provider, id, course_identifier=attrs.get("course_identifier"), now=ctx.now
    )
    return _acted(ctx, result)


def change_schedule(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(
        body, ctx.contract.queries, reads=("schedule_identifier", "course_identifier", "cohort")
    )
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
