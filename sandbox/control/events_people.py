"""School- and DfE-side events about people: register, eligibility, transfer, induction status,
mentor, merge, archive and DQT induction end date.

Each handler reads the body, hands it to one domain event with the caller's gate (who may trigger it,
and the instant it happens at) and answers with what changed, as plain JSON under `data`. Every handler
is journaled, so a provider's reset replays the other actors' events.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.responses import Response

from sandbox.control.context import ControlContext
from sandbox.control.responses import journaled, ok
from sandbox.domain.errors import BadRequest
from sandbox.domain.events import dfe as dfe_events
from sandbox.domain.events import interest as interest_events
from sandbox.domain.events import school as school_events
from sandbox.domain.events.school import Gate, PeopleEvent
from sandbox.domain.world.entities import InductionRecord
from sandbox.presenters.formats import cohort, iso_date, timestamp
from sandbox.store import Store


def _gate(ctx: ControlContext) -> Gate:
    """A provider's event happens on its own clock; the admin's on the clock of the provider it mainly
    concerns (the one whose records it changes first)."""
    return Gate(
        authorise=ctx.may_act_for,
        instant=lambda provider_id: ctx.now_for(provider_id if ctx.is_admin else ctx.caller_id),
    )


def _fields(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise BadRequest("The body must be a JSON object.")
    return body


def _record(store: Store, record: InductionRecord) -> dict[str, Any]:
    partnership = store.partnerships[record.partnership_id]
    mentor = store.ecf_profiles.get(record.mentor_profile_id or "")
    return {
        "id": record.id,
        "training_record_id": record.profile_id,
        "lead_provider_id": partnership.lead_provider_id,
        "partnership_id": partnership.id,
        "delivery_partner_id": partnership.delivery_partner_id,
        "school_id": partnership.school_id,
        "school_urn": store.schools[partnership.school_id].urn,
        "cohort": cohort(record.cohort),
        "schedule_identifier": record.schedule_identifier,
        "induction_status": record.induction_status,
        "training_status": record.training_status,
        "start_date": iso_date(record.start_date),
        "end_date": iso_date(record.end_date),
        "school_transfer": record.school_transfer,
        "mentor_id": mentor.user_id if mentor else None,
        "updated_at": timestamp(record.updated_at),
    }


def _present(store: Store, event: PeopleEvent) -> Response:
    user = event.user
    return ok(
        {
            "participant_id": user.id,
            "full_name": user.full_name,
            "email": user.email,
            "teacher_reference_number": user.teacher_reference_number,
            "updated_at": timestamp(user.updated_at),
            "participant_id_changes": [
                {
                    "from_participant_id": c.from_participant_id,
                    "to_participant_id": c.to_participant_id,
                    "changed_at": timestamp(c.changed_at),
                }
                for c in user.participant_id_changes
            ],
            "training_records": [
                {
                    "training_record_id": p.id,
                    "participant_type": p.participant_type,
                    "course_identifier": p.course_identifier,
                    "cohort": cohort(p.cohort),
                    "schedule_identifier": p.schedule_identifier,
                    "eligibility": p.eligibility,
                    "ineligibility_reason": p.ineligibility_reason,
                    "pupil_premium_uplift": p.pupil_premium_uplift,
                    "sparsity_uplift": p.sparsity_uplift,
                    "induction_end_date": iso_date(p.induction_end_date),
                    "updated_at": timestamp(p.updated_at),
                }
                for p in event.profiles
            ],
            "induction_records": [_record(store, r) for r in event.records],
            "touched_participant_ids": list(event.touched_user_ids),
            "lead_provider_ids": list(event.lead_provider_ids),
        }
    )


@journaled
def register_participant(ctx: ControlContext, body: Any = None, **_: Any) -> Response:
    event = school_events.register_participant(ctx.store, _gate(ctx), _fields(body))
    return _present(ctx.store, event)


@journaled
def register_interest(ctx: ControlContext, body: Any = None, **_: Any) -> Response:
    period = interest_events.register_interest(ctx.store, _gate(ctx), _fields(body))
    user = ctx.store.users[period.user_id]
    return ok(
        {
            "participant_id": user.id,
            "full_name": user.full_name,
            "email": user.email,
            "teacher_reference_number": user.teacher_reference_number,
            "school_id": period.school_id,
            "school_urn": ctx.store.schools[period.school_id].urn,
            "lead_provider_id": period.lead_provider_id,
            "cohort": cohort(period.cohort),
            "participant_type": period.participant_type,
            "schedule_identifier": period.schedule_identifier,
            "start_date": iso_date(period.start_date),
            "working_pattern": period.working_pattern,
            "created_at": timestamp(period.created_at),
            "induction_record_id": period.record_id,
        }
    )


@journaled
def set_eligibility(ctx: ControlContext, training_record_id: str, body: Any = None, **_: Any) -> Response:
    event = dfe_events.set_eligibility(ctx.store, _gate(ctx), training_record_id, _fields(body))
    return _present(ctx.store, event)


@journaled
def transfer_participant(
    ctx: ControlContext, training_record_id: str, body: Any = None, **_: Any
) -> Response:
    event = school_events.transfer_participant(ctx.store, _gate(ctx), training_record_id, _fields(body))
    return _present(ctx.store, event)


@journaled
def change_induction_status(
    ctx: ControlContext, training_record_id: str, body: Any = None, **_: Any
) -> Response:
    event = school_events.change_induction_status(ctx.store, _gate(ctx), training_record_id, _fields(body))
    return _present(ctx.store, event)


@journaled
def assign_mentor(ctx: ControlContext, training_record_id: str, body: Any = None, **_: Any) -> Response:
    event = school_events.assign_mentor(ctx.store, _gate(ctx), training_record_id, _fields(body))
    return _present(ctx.store, event)


@journaled
def merge_participants(ctx: ControlContext, participant_id: str, body: Any = None, **_: Any) -> Response:
    event = dfe_events.merge_participants(ctx.store, _gate(ctx), participant_id, _fields(body))
    return _present(ctx.store, event)


@journaled
def archive_participant(ctx: ControlContext, participant_id: str, **_: Any) -> Response:
    event = dfe_events.archive_user(ctx.store, _gate(ctx), participant_id)
    return _present(ctx.store, event)


@journaled
def record_induction_end_date(
    ctx: ControlContext, training_record_id: str, body: Any = None, **_: Any
) -> Response:
    event = dfe_events.record_induction_end_date(ctx.store, _gate(ctx), training_record_id, _fields(body))
    return _present(ctx.store, event)
