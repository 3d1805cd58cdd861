"""NPQ participants: reads and the provider's actions on them."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.listing import Page
from sandbox.domain.participants import npq as domain
from sandbox.domain.participants import npq_actions, npq_service_actions
from sandbox.domain.participants.training_status import Action
from sandbox.presenters import npq as present


def _actions(ctx: RequestContext) -> ModuleType:
    """The rules the contract's NPQ participant actions follow: the ECF service's or the NPQ service's."""
    return npq_service_actions if ctx.contract.npq_rules == "npq-service" else npq_actions


def list_participants(ctx: RequestContext, **query: Any) -> Response:
    ctx.require_npq()
    listing = ctx.contract.npq_participants.listing
    participant_filter = domain.NPQParticipantFilter(
        **params.read_filters(listing, query.get("filter"), ctx.contract.queries)
    )
    page = params.page(query.get("page"), ctx.contract.queries)
    sort = params.list_sort(listing, query.get("sort"))
    participants = domain.iter_participants(ctx.store, ctx.provider, participant_filter, sort, page.start)
    participants = Page(1, page.size).slice(participants)
    return many(present.render_participant(p, ctx.contract) for p in participants)


def show_participant(ctx: RequestContext, id: str, **_: Any) -> Response:
    ctx.require_npq()
    participant = domain.get_participant(ctx.store, ctx.provider, id, ctx.contract.npq_rules)
    return single(present.render_participant(participant, ctx.contract))


def _act(ctx: RequestContext, id: str, body: Any, action: Action) -> Response:
    ctx.require_npq()
    attrs = attributes(body)
    domain.require_participant(ctx.store, ctx.provider, id, ctx.contract.npq_rules)
    participant = _actions(ctx).act(
        ctx.store,
        ctx.provider,
        id,
        action,
        course_identifier=attrs.get("course_identifier"),
        reason=attrs.get("reason") if action != "resume" else None,
        now=ctx.now,
    )
    return single(present.render_participant(participant, ctx.contract))


def withdraw(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    return _act(ctx, id, body, "withdraw")


def defer(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    return _act(ctx, id, body, "defer")


def resume(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    return _act(ctx, id, body, "resume")


def change_schedule(ctx: RequestContext, id: str, body: Any = None, **_: Any) -> Response:
    ctx.require_npq()
    attrs = attributes(body)
    domain.require_participant(ctx.store, ctx.provider, id, ctx.contract.npq_rules)
    participant = _actions(ctx).change_schedule(
        ctx.store,
        ctx.provider,
        id,
        course_identifier=attrs.get("course_identifier"),
        schedule_identifier=attrs.get("schedule_identifier"),
        cohort=attrs.get("cohort"),
        now=ctx.now,
    )
    return single(present.render_participant(participant, ctx.contract))
