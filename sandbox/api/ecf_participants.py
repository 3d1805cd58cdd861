"""ECF participants: lists, single reads, CSV, and the provider's actions on them."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.fragment_cache import Fragment, fragments_of, joined
from sandbox.api.page_cache import Entry, pages_of
from sandbox.api.responses import CHUNK_ITEMS, csv_body, json_bytes, many, single, wire_json
from sandbox.domain.listing import Page
from sandbox.domain.participants import ecf as domain
from sandbox.domain.participants import ecf_actions, variants
from sandbox.domain.participants.training_status import Action
from sandbox.domain.participants.visibility import participant_status_steady
from sandbox.domain.world.entities import User
from sandbox.presenters import ecf_participants as present


def _filter(ctx: RequestContext, raw: Any) -> domain.ParticipantFilter:
    return domain.ParticipantFilter(
        **params.read_filters(ctx.contract.ecf_participants.listing, raw, ctx.contract.queries)
    )


def list_participants(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_ecf()
    pages = pages_of(ctx.store)
    key = ("ecf_participants", ctx.contract.name, ctx.provider.id, repr(sorted(query.items())))
    body = pages.find(key, ctx.store, ctx.now)
    if body is not None:
        return json_bytes(body)
    generation = ctx.store.changes.generation
    flt = _filter(ctx, query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.list_sort(ctx.contract.ecf_participants.listing, query.get("sort"))
    if present.nests_enrolments(ctx.contract) and page.size < CHUNK_ITEMS:
        # Each item's bytes are kept: the page joins them, building views only for items not kept.
        users = islice(domain.iter_page_users(ctx.store, ctx.provider, flt, sort, page.start), page.size)
        body, since, until = joined(_fragments(ctx, users, generation))
        pages.keep(key, Entry(generation, since, until, body))
        return json_bytes(body)
    if present.nests_enrolments(ctx.contract):
        # One unit per participant: the domain skips the earlier pages without building them.
        participants = domain.iter_participants(ctx.store, ctx.provider, flt, ctx.now, sort, page.start)
        units = list(Page(1, page.size).slice(present.iter_units(participants, ctx.contract)))
    else:
        # One unit per enrolment the filter matched: the domain skips the earlier pages' rows.
        units = list(
            Page(1, page.size).slice(
                domain.iter_rows(ctx.store, ctx.provider, flt, ctx.now, sort, page.start)
            )
        )
    if len(units) >= CHUNK_ITEMS:  # a bulk read: sent in chunks, not kept
        return many(present.render(u, ctx.contract) for u in units)
    body = wire_json({"data": [present.render(u, ctx.contract) for u in units]})
    records = [e.record for u in units for e in present.enrolments_shown(u)]
    since, until = participant_status_steady(records, ctx.now)
    pages.keep(key, Entry(generation, since, until, body))
    return json_bytes(body)


def _fragments(ctx: RequestContext, users: Iterable[User], generation: int) -> list[Fragment]:
    """Each participant's item as bytes: kept from an earlier page while valid, else presented now."""
    kept = fragments_of(ctx.store)
    users = list(users)
    keys = [(ctx.contract.name, ctx.provider.id, user.id) for user in users]
    found = kept.find_each(keys, generation, ctx.now)
    for at, fragment in enumerate(found):
        if fragment is None:
            participant = domain.participant_of(ctx.store, ctx.provider, users[at], ctx.now)
            since, until = participant_status_steady([e.record for e in participant.enrolments], ctx.now)
            fragment = Fragment(wire_json(present.render(participant, ctx.contract)), since, until)
            found[at] = fragment
            kept.keep(keys[at], fragment, generation)
    return found  # type: ignore[return-value]  # every gap is filled


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


def _act(ctx: RequestContext, id: str, body: Any, action: Action) -> Response:
    ctx.require_ecf()
    reads = ("course_identifier",) if action == "resume" else ("reason", "course_identifier")
    attrs = attributes(body, ctx.contract.queries, reads=reads)
    result = variants.act(
        ctx.store,
        ctx.provider,
        id,
        action,
        course_identifier=attrs.get("course_identifier"),
        reason=attrs.get("reason"),
        now=ctx.now,
        variant=ctx.contract.ecf_participants.actions,
        zone=ctx.zone,
    )
    return _acted(ctx, result)


def withdraw(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    return _act(ctx, id, body, "withdraw")


def defer(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    return _act(ctx, id, body, "defer")


def resume(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    return _act(ctx, id, body, "resume")


def change_schedule(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_ecf()
    attrs = attributes(
        body, ctx.contract.queries, reads=("schedule_identifier", "course_identifier", "cohort")
    )
    result = variants.change_schedule(
        ctx.store,
        ctx.provider,
        id,
        course_identifier=attrs.get("course_identifier"),
        schedule_identifier=attrs.get("schedule_identifier"),
        cohort=attrs.get("cohort"),
        now=ctx.now,
        variant=ctx.contract.ecf_participants.actions,
        zone=ctx.zone,
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
