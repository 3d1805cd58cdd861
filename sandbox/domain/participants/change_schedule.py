"""Changing an ECF participant's schedule, and with it perhaps their cohort (domain.md §4.3, §4.9).

The checks run in the real service's order (every one runs; messages grouped per attribute):
`schedule_identifier` present and known for the target cohort; not withdrawn for this provider; the
profile's live declarations still fit the new schedule; a schedule that differs from the current one;
a schedule that allows the course; no cohort change once declarations exist; a partnership with the
participant's school for the target cohort. 2021 participants caught by the payments freeze may move
to and from the active registration cohort past the declaration checks, and each such move toggles
`cohort_changed_after_payments_frozen`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from sandbox.domain import messages
from sandbox.domain.declarations.states import BILLABLE, BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors, NotFound
from sandbox.domain.participants.ecf_actions import ActionResult, action_result, resolve
from sandbox.domain.values import blank, cohort_year
from sandbox.domain.world.entities import Declaration, ECFProfile, InductionRecord, LeadProvider, Partnership
from sandbox.domain.world.reference import Schedule
from sandbox.domain.world.stamps import touch_profile
from sandbox.store import Store

NO_PARTNERSHIP = (
    "You cannot change a participant to this cohort as you do not have a partnership with the school for "
    "the cohort. Contact the DfE for assistance."
)


def requested_cohort(value: object, fallback: int) -> int | None:
    """The target cohort year: the current one when none is given, None when the value names no year."""
    return fallback if blank(value) else cohort_year(value)


def _is_frozen(store: Store, year: int | None, now: datetime) -> bool:
    cohort = store.reference.cohort(year) if year is not None else None
    return (
        cohort is not None
        and cohort.payments_frozen_at is not None
        and now.date() >= cohort.payments_frozen_at
    )


def _has_freeze_date(store: Store, year: int) -> bool:
    cohort = store.reference.cohort(year)
    return cohort is not None and cohort.payments_frozen_at is not None


def active_registration_cohort(store: Store, today: date) -> int | None:
    """The latest cohort whose registration has opened."""
    opened = [c.start_year for c in store.reference.cohorts if c.registration_start_date <= today]
    return max(opened, default=None)


def _declarations(store: Store, profile: ECFProfile, states: tuple[str, ...]) -> list[Declaration]:
    # Every provider's declarations on the profile count, as upstream reads them off the profile.
    return [
        d for d in store.declarations_of(profile.user_id) if d.profile_id == profile.id and d.state in states
    ]


def moves_past_payments_freeze(
    store: Store, profile: ECFProfile, current: int, target: int | None, now: datetime
) -> bool:
    """§4.9: an unfinished participant of a frozen cohort moving to the active registration cohort, or a
    migrated one going back to the frozen cohort they were paid in."""
    if target is None:
        return False
    billable = _declarations(store, profile, BILLABLE)
    # (a) billable non-completed claims under a frozen schedule and no billable `completed` one
    if (
        target == active_registration_cohort(store, now.date())
        and _has_freeze_date(store, profile.cohort)
        and any(d.declaration_type != "completed" for d in billable)
        and not any(d.declaration_type == "completed" for d in billable)
    ):
        return True
    # (b) back to the original frozen cohort when nothing is claimed (or claimable) in the current one
    return (
        profile.cohort_changed_after_payments_frozen
        and _is_frozen(store, target, now)
        and not any(d.cohort == current for d in _declarations(store, profile, BILLABLE_OR_CHANGEABLE))
        and any(d.cohort == target for d in billable)
    )


def fits_schedule(schedule: Schedule, declaration: Declaration) -> bool:
    """Strictly after the milestone's first midnight and no later than the end of its last day (UTC). A
    schedule without the declaration's milestone is a 404 upstream (`find_by!`), and so here."""
    milestone = schedule.milestone(declaration.declaration_type)
    if milestone is None:
        raise NotFound(declaration.declaration_type)
    when = declaration.declaration_date.astimezone(UTC)
    if when <= datetime.combine(milestone.start_date, time.min, tzinfo=UTC):
        return False
    if milestone.milestone_date is not None:
        return when < datetime.combine(milestone.milestone_date + timedelta(days=1), time.min, tzinfo=UTC)
    return True


def _school_partnership(
    store: Store, provider: LeadProvider, record: InductionRecord, target: int | None, identifier_only: bool
) -> Partnership | None:
    """The provider's active partnership with the participant's school for the target cohort: a default
    one, or any (relationship ones too) when only the identifier changes within the cohort."""
    school_id = store.partnerships[record.partnership_id].school_id
    candidates = [
        p
        for p in store.partnerships_of(provider.id)
        if p.school_id == school_id and p.cohort == target and not p.challenged
    ]
    default = next((p for p in candidates if not p.relationship), None)
    if default is not None or not identifier_only:
        return default
    return next(iter(candidates), None)


def change_schedule(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    *,
    course_identifier: object,
    schedule_identifier: object,
    cohort: object,
    now: datetime,
) -> ActionResult:
    target = resolve(store, provider, participant_id, course_identifier)
    errors = target.errors
    if blank(schedule_identifier):
        errors.add("schedule_identifier", messages.INVALID_SCHEDULE)
    profile, record = target.profile, target.record
    if profile is None or record is None:
        # Nothing more can be said about a participant this provider may not act on.
        errors.raise_any()
    assert profile is not None and record is not None
    year = requested_cohort(cohort, fallback=record.cohort)
    new = None
    if isinstance(schedule_identifier, str) and year is not None:
        # An NPQ schedule is found too, and then refused as not valid for the course, as upstream.
        new = store.reference.schedule(schedule_identifier.strip(), year)
    if new is None:
        # An identifier unknown for the cohort fails like a missing one (the service has no clean check).
        errors.add("schedule_identifier", messages.INVALID_SCHEDULE)
    partnership, freeze_move = _check(store, provider, profile, record, new, year, errors, now)
    errors.raise_any()
    assert new is not None and partnership is not None
    if freeze_move and record.cohort != new.cohort:
        profile.cohort_changed_after_payments_frozen = not profile.cohort_changed_after_payments_frozen
    current = _apply(store, profile, record, new, partnership, now)
    return action_result(store, provider, profile, current, now)


def _check(
    store: Store,
    provider: LeadProvider,
    profile: ECFProfile,
    record: InductionRecord,
    new: Schedule | None,
    year: int | None,
    errors: Errors,
    now: datetime,
) -> tuple[Partnership | None, bool]:
    if record.training_status == "withdrawn":
        errors.add("participant_id", messages.WITHDRAWN_PARTICIPANT)
    freeze_move = moves_past_payments_freeze(store, profile, record.cohort, year, now)
    live = _declarations(store, profile, BILLABLE_OR_CHANGEABLE)
    if new is not None and not freeze_move:
        # A migrated participant's claims in a frozen cohort stay where they were paid.
        checked = [
            d
            for d in live
            if not (profile.cohort_changed_after_payments_frozen and _has_freeze_date(store, d.cohort))
        ]
        # Every claim is looked at, so a missing milestone is a 404 even after another claim failed.
        fits = [fits_schedule(new, d) for d in checked]
        if not all(fits):
            errors.add("schedule_identifier", messages.SCHEDULE_INVALIDATES_DECLARATIONS)
    if new is not None:
        on_profile = (new.identifier, new.cohort) == (profile.schedule_identifier, profile.cohort)
        on_record = (new.identifier, new.cohort) == (record.schedule_identifier, record.cohort)
        if on_profile and on_record:
            errors.add("schedule_identifier", messages.SCHEDULE_ALREADY_ON_PROFILE)
        if profile.course_identifier not in new.permitted_courses:
            errors.add("schedule_identifier", messages.SCHEDULE_INVALID_FOR_COURSE)
    if not freeze_move and live and record.cohort != year:
        errors.add("cohort", messages.CANNOT_CHANGE_COHORT)
    identifier_only = year == record.cohort and (
        new is None or (new.identifier, new.cohort) != (record.schedule_identifier, record.cohort)
    )
    partnership = _school_partnership(store, provider, record, year, identifier_only)
    if partnership is None:
        errors.add("cohort", NO_PARTNERSHIP)
    return partnership, freeze_move


def _apply(
    store: Store,
    profile: ECFProfile,
    record: InductionRecord,
    new: Schedule,
    partnership: Partnership,
    now: datetime,
) -> InductionRecord:
    """The profile takes the schedule; the record changes as upstream's ChangeInductionRecord does: a
    record not started yet is edited in place, otherwise it is closed as `changed` and a copy carrying
    the change starts now, so claims made before keep their partnership and delivery partner."""
    profile.schedule_identifier, profile.cohort = new.identifier, new.cohort
    # A relationship partnership keeps the participant where they are; a default one takes them there.
    partnership_id = record.partnership_id if partnership.relationship else partnership.id
    if record.start_date > now:
        record.schedule_identifier, record.cohort, record.partnership_id = (
            new.identifier,
            new.cohort,
            partnership_id,
        )
        store.note_record_move(record)
        touch_profile(store, profile, now, record)
        return record
    carry_transfer = record.end_date is not None and record.end_date > now and record.school_transfer
    if carry_transfer:
        record.school_transfer = False
    current = store.add_induction_record(
        replace(
            record,
            id=store.new_id(),
            partnership_id=partnership_id,
            schedule_identifier=new.identifier,
            cohort=new.cohort,
            start_date=now,
            created_at=now,
            updated_at=now,
            school_transfer=carry_transfer,
        )
    )
    record.induction_status, record.end_date = "changed", now
    touch_profile(store, profile, now, record, current)
    return current
