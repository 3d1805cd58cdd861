"""NPQ outcomes: any lead provider's token may read and report them."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from starlette.responses import Response

from sandbox.api import params
from sandbox.api.body import attributes
from sandbox.api.context import RequestContext
from sandbox.api.responses import many, single
from sandbox.domain.declarations import npq_outcomes
from sandbox.domain.declarations import outcomes as ecf_outcomes
from sandbox.domain.participants import npq as domain
from sandbox.presenters import npq as present


def _rules(ctx: RequestContext) -> ModuleType:
    """Whose outcome rules the contract follows: the ECF service's or the NPQ service's."""
    return npq_outcomes if ctx.contract.npq_rules == "npq-service" else ecf_outcomes


def list_outcomes(ctx: RequestContext, **query: Any) -> Response:
    flt = params.filters(query.get("filter"))
    page = params.page(query.get("page"), ctx.contract.queries)
    outcomes = page.slice(
        domain.list_outcomes(
            ctx.store, ctx.provider, params.since(flt, "created_since", ctx.contract.queries)
        )
    )
    return many(present.render_outcome(o, ctx.contract) for o in outcomes)


# The participant is `{participant_id}` in the ECF service's paths and `{id}` in the NPQ service's.


def participant_outcomes(
    ctx: RequestContext, participant_id: str = "", id: str = "", **query: Any
) -> Response:
    outcomes = domain.participant_outcomes(
        ctx.store, ctx.provider, participant_id or id, ctx.contract.npq_rules
    )
    if ctx.contract.outcomes.participant_list_paged:
        outcomes = params.page(query.get("page"), ctx.contract.queries).slice(outcomes)
    return many(present.render_outcome(o, ctx.contract) for o in outcomes)


def create_outcome(
    ctx: RequestContext, participant_id: str = "", id: str = "", body: Any = None, **_: Any
) -> Response:
    attrs = attributes(body)
    domain.require_participant(ctx.store, ctx.provider, participant_id or id, ctx.contract.npq_rules)
    outcome = _rules(ctx).create_outcome(
        ctx.store,
        ctx.provider,
        participant_id or id,
        course_identifier=attrs.get("course_identifier"),
        state=attrs.get("state"),
        completion_date=attrs.get("completion_date"),
        now=ctx.now,
    )
    return single(present.render_outcome(outcome, ctx.contract))
