"""A school registers someone with the lead provider it chose, before any partnership (RECT's expression of
interest, rect.md §5.1, §5.4), as a control-API event. Same order as `events.school`: the gate, every input
checked (422, one entry per attribute), then one change through `world.interest`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sandbox.domain.errors import Errors
from sandbox.domain.events.school import Gate, check_schedule, new_person, parse_day, requested_person
from sandbox.domain.values import text
from sandbox.domain.world.entities import InterestPeriod
from sandbox.domain.world.interest import record_interest_registration
from sandbox.store import Store

WORKING_PATTERNS = ("full_time", "part_time")


def _cohort(store: Store, errors: Errors, value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and store.reference.knows_year(value):
        return value
    errors.add("cohort", "Give a '#/cohort' the world knows (a year, e.g. 2025).")
    return None


def register_interest(store: Store, gate: Gate, request: Mapping[str, Any]) -> InterestPeriod:
    """A new person (`full_name`, `email`, optional `teacher_reference_number`) registered at `school_id`
    as `participant_type` for `cohort` with `lead_provider_id`, on `schedule_identifier` (default
    ecf-standard-september), from `start_date` (default the event's day). Nobody sees them until that
    provider partners with the school for the year, or at once if it already does."""
    errors = Errors()
    provider = store.lead_providers.get(text(request.get("lead_provider_id")) or "")
    if provider is None or not provider.has_ecf:
        errors.add("lead_provider_id", "Give the '#/lead_provider_id' of a lead provider with an ECF side.")
    else:
        gate.authorise({provider.id})
    school = store.schools.get(text(request.get("school_id")) or "")
    if school is None:
        errors.add("school_id", "No school has the '#/school_id' you gave.")
    cohort = _cohort(store, errors, request.get("cohort"))
    kind = request.get("participant_type")
    if kind not in ("ect", "mentor"):
        errors.add("participant_type", "Give '#/participant_type': 'ect' or 'mentor'.")
        kind = None
    if request.get("participant_id") is not None:
        errors.add(
            "participant_id", "Register a new person here: give their details, not a '#/participant_id'."
        )
    requested_person(store, errors, request, kind)
    schedule_identifier = text(request.get("schedule_identifier")) or "ecf-standard-september"
    if cohort is not None and kind is not None:
        check_schedule(store, errors, schedule_identifier, cohort, kind)
    pattern = request.get("working_pattern")
    if pattern is not None and (kind != "ect" or pattern not in WORKING_PATTERNS):
        errors.add("working_pattern", "An ECT's '#/working_pattern' is 'full_time' or 'part_time'.")
    start: datetime | None = None
    if request.get("start_date") is not None:
        start = parse_day(errors, "start_date", request["start_date"])
    errors.raise_any()
    assert provider is not None and school is not None and cohort is not None and kind is not None
    now = gate.instant(provider.id)
    user = new_person(store, request, now)
    return record_interest_registration(
        store,
        user_id=user.id,
        school_id=school.id,
        lead_provider_id=provider.id,
        participant_type=kind,
        cohort=cohort,
        start_date=start or now,
        now=now,
        schedule_identifier=schedule_identifier,
        working_pattern=pattern,
    )
