"""DfE-side events about money, partnerships and NPQ: thin handlers over
`sandbox.domain.events.money` and `sandbox.domain.events.npq_applications`.

Each returns the resources the event changed, as plain JSON under `data`, in the v3 shape of the Lead
Provider API (the version that shows the most: `statement_id`, `clawback_statement_id`, statements);
the NPQ service's application events answer in that service's shape (with `cohort_suffix`).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from sandbox.contracts import CONTROL_NPQ_VIEW, CONTROL_VIEW
from sandbox.control.context import ControlContext
from sandbox.control.responses import journaled, ok
from sandbox.domain.applications import reads as npq
from sandbox.domain.declarations.reads import declaration_view
from sandbox.domain.errors import BadRequest
from sandbox.domain.events import money as money_events
from sandbox.domain.events import npq_applications as npq_application_event
from sandbox.domain.events import npq_dfe
from sandbox.domain.partnerships.reads import partnership_view
from sandbox.domain.world.entities import Declaration, SchoolCohort
from sandbox.presenters import declarations as present_declarations
from sandbox.presenters.formats import cohort, timestamp
from sandbox.presenters.npq import render_application
from sandbox.presenters.v3_resources import render_partnership, render_statement
from sandbox.store import Store


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body


def _declarations(store: Store, declarations: list[Declaration]) -> list[dict[str, Any]]:
    return [present_declarations.render(declaration_view(store, d), CONTROL_VIEW) for d in declarations]


def _school_cohort(school_cohort: SchoolCohort | None) -> dict[str, Any] | None:
    if school_cohort is None:
        return None
    return {
        "school_id": school_cohort.school_id,
        "cohort": cohort(school_cohort.cohort),
        "induction_programme_choice": school_cohort.induction_programme_choice,
        "updated_at": timestamp(school_cohort.updated_at),
    }


@journaled
def set_declaration_eligibility(ctx: ControlContext, body: Any = None, **_: Any) -> Response:
    changed = money_events.set_declaration_eligibility(ctx.store, ctx, _object(body))
    return ok({"declarations": _declarations(ctx.store, changed)})


def _statement_run(store: Store, run: money_events.StatementRun) -> Response:
    return ok(
        {
            "statement": render_statement(run.statement, CONTROL_VIEW),
            "declarations": _declarations(store, run.declarations),
        }
    )


@journaled
def pass_statement_deadline(ctx: ControlContext, statement_id: str, **_: Any) -> Response:
    return _statement_run(ctx.store, money_events.pass_statement_deadline(ctx.store, ctx, statement_id))


@journaled
def pay_statement(ctx: ControlContext, statement_id: str, **_: Any) -> Response:
    return _statement_run(ctx.store, money_events.pay_statement(ctx.store, ctx, statement_id))


@journaled
def challenge_partnership(ctx: ControlContext, partnership_id: str, body: Any = None, **_: Any) -> Response:
    challenge = money_events.challenge_partnership(ctx.store, ctx, partnership_id, _object(body))
    return ok(
        {
            "partnership": render_partnership(
                partnership_view(ctx.store, challenge.partnership), CONTROL_VIEW
            ),
            "school_cohort": _school_cohort(challenge.school_cohort),
        }
    )


@journaled
def create_npq_application(ctx: ControlContext, body: Any = None, **_: Any) -> Response:
    application = npq_application_event.create_application(ctx.store, ctx, _object(body))
    return ok(
        {"npq_application": render_application(npq.application_view(ctx.store, application), CONTROL_VIEW)}
    )


@journaled
def change_npq_application_provider(
    ctx: ControlContext, application_id: str, body: Any = None, **_: Any
) -> Response:
    application = npq_application_event.change_lead_provider(ctx.store, ctx, application_id, _object(body))
    return ok(
        {"npq_application": render_application(npq.application_view(ctx.store, application), CONTROL_VIEW)}
    )


def _as_npq_service(store: Store, application: Any) -> Response:
    """DfE's NPQ admin changes answer in the NPQ service's own shape (cohort and `cohort_suffix`)."""
    view = npq.application_view(store, application)
    return ok({"npq_application": render_application(view, CONTROL_NPQ_VIEW)})


@journaled
def revert_npq_application_to_pending(ctx: ControlContext, application_id: str, **_: Any) -> Response:
    return _as_npq_service(ctx.store, npq_dfe.revert_to_pending(ctx.store, ctx, application_id))


@journaled
def change_npq_application_cohort(
    ctx: ControlContext, application_id: str, body: Any = None, **_: Any
) -> Response:
    application = npq_dfe.change_cohort(ctx.store, ctx, application_id, _object(body))
    return _as_npq_service(ctx.store, application)


@journaled
def set_npq_application_eligibility(
    ctx: ControlContext, application_id: str, body: Any = None, **_: Any
) -> Response:
    application = npq_dfe.set_funding_eligibility(ctx.store, ctx, application_id, _object(body))
    return _as_npq_service(ctx.store, application)


@journaled
def record_npq_trn_check(ctx: ControlContext, application_id: str, body: Any = None, **_: Any) -> Response:
    application = npq_dfe.record_trn_check(ctx.store, ctx, application_id, _object(body))
    return _as_npq_service(ctx.store, application)
