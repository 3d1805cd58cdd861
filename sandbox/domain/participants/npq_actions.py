"""The provider's actions on an NPQ participant: withdraw, defer, resume, change-schedule (domain.md §4.16).

Each action names a course; the profile is the one from the provider's accepted application for that
course. Checks run in the order of upstream's services (the ECF ones, whose NPQ branches apply here),
every check runs, messages are grouped per attribute in first-failure order, and nothing changes until all
have passed. The training-status transitions are `training_status.py`'s, shared with ECF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sandbox.domain import messages
from sandbox.domain.applications.decisions import CAPPING, contract_data_issue, npq_contract
from sandbox.domain.applications.npq_cohorts import cohort_of, latest_cohort_with
from sandbox.domain.declarations.rules import has_course, resolve_target
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors
from sandbox.domain.participants import npq
from sandbox.domain.participants.change_schedule import fits_schedule, requested_cohort
from sandbox.domain.participants.training_status import (
    NPQ_WITHDRAW_REASONS,
    Action,
    apply_transition,
    check_transition,
)
from sandbox.domain.values import blank
from sandbox.domain.world.entities import Declaration, LeadProvider, NPQProfile
from sandbox.domain.world.reference import Schedule, cohort_key
from sandbox.domain.world.stamps import touch, touch_profile
from sandbox.store import Store

NO_STARTED_DECLARATION = (
    "An NPQ participant who has not got a started declaration cannot be withdrawn. "
    "Please contact support for assistance"
)
NO_DECLARATIONS = "You cannot defer an NPQ participant that has no declarations"
NO_CONTRACT_FOR_COHORT = (
    "You cannot change a participant to this cohort as you do not have a contract for the cohort and course. "
    "Contact the DfE for assistance."
)


@dataclass(frozen=True)
class NPQTarget:
    errors: Errors
    profile: NPQProfile | None


def resolve(
    store: Store, provider: LeadProvider, participant_id: str, course_identifier: object
) -> NPQTarget:
    """The profile an action is about. An unknown person is "not recognised"; a course they hold no NPQ
    record for is a course error; someone else's participant (or a course not accepted with this provider)
    is "not recognised" again, never a 404."""
    errors = Errors()
    user = store.users.get(store.resolve_user_id(participant_id))
    if user is None:
        errors.add("participant_id", messages.PARTICIPANT_NOT_RECOGNISED)
    course = course_identifier if isinstance(course_identifier, str) else None
    # This endpoint acts on NPQ records only, so an ECF course is not one of the participant's here.
    npq_course = course is not None and store.reference.is_npq_course(course)
    if not errors and not (npq_course and has_course(store, user, course)):
        errors.add("course_identifier", messages.COURSE_NOT_RECOGNISED)
    if blank(course_identifier):
        errors.add("course_identifier", messages.COURSE_MISSING)
    profile = None
    if not errors:
        found = resolve_target(store, provider, participant_id, course).profile
        profile = found if isinstance(found, NPQProfile) else None
        if profile is None:
            errors.add("participant_id", messages.PARTICIPANT_NOT_RECOGNISED)
    return NPQTarget(errors, profile)


def _declarations(store: Store, profile: NPQProfile) -> list[Declaration]:
    return [d for d in store.declarations_of(profile.user_id) if d.profile_id == profile.id]


def act(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    action: Action,
    *,
    course_identifier: object,
    reason: object = None,
    now: datetime,
) -> npq.NPQParticipant:
    """Withdraw, defer or resume one NPQ course: a withdrawal needs a `started` declaration, a
    deferral of an accepted application any declaration; resume brings back either alike."""
    target = resolve(store, provider, participant_id, course_identifier)
    errors, profile = target.errors, target.profile
    current = profile.training_status if profile is not None else None
    check_transition(errors, action, reason, NPQ_WITHDRAW_REASONS, profile is not None, current)
    if profile is not None:
        claims = _declarations(store, profile)
        if action == "withdraw" and not any(
            d.declaration_type == "started" and d.course_identifier == profile.course_identifier
            for d in claims
        ):
            # Any started declaration counts, voided ones too.
            errors.add("participant_profile", NO_STARTED_DECLARATION)
        accepted = store.npq_applications[profile.id].status == "accepted"
        if action == "defer" and accepted and not claims:
            errors.add("participant_profile", NO_DECLARATIONS)
    errors.raise_any()
    assert profile is not None
    apply_transition(store, profile, provider, action, reason, now)
    return npq.get_participant(store, provider, profile.user_id)


# -- change-schedule --------------------------------------------------------------------------------


def change_schedule(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    *,
    course_identifier: object,
    schedule_identifier: object,
    cohort: object,
    now: datetime,
    capping: bool = CAPPING,
) -> npq.NPQParticipant:
    """Move one course to another schedule of its family, perhaps in another cohort (the application
    follows; moving into a capped cohort resets `funded_place` to the application's eligibility).

    These contracts name a cohort by its year only. Over a world of suffixed cohorts a year means what it
    means to the NPQ service: the identifier's schedule in that year's latest intake that has it (2025 ->
    2025b for npq-leadership-autumn, 2025a for npq-leadership-spring)."""
    target = resolve(store, provider, participant_id, course_identifier)
    errors, profile = target.errors, target.profile
    if blank(schedule_identifier):
        errors.add("schedule_identifier", messages.INVALID_SCHEDULE)
    if profile is None:
        errors.raise_any()  # nothing more can be said about a participant the provider cannot act on
    assert profile is not None
    application = store.npq_applications[profile.id]
    course = profile.course_identifier
    year = requested_cohort(cohort, fallback=profile.cohort)
    current_contract = npq_contract(store, provider.id, application.cohort, course, application.cohort_suffix)
    if capping and not errors and current_contract is None:
        raise contract_data_issue()
    new = None
    if isinstance(schedule_identifier, str) and year is not None:
        found = latest_cohort_with(store.reference, schedule_identifier.strip(), year)
        # The old service looked among every schedule: an ECF one is found, then refused for the course.
        new = found[1] if found is not None else store.reference.schedule(schedule_identifier.strip(), year)
    # Without an NPQ schedule to name the intake, any of the year's contracts will do (as before suffixes).
    suffix = new.cohort_suffix if new is not None and new.type == "npq" else None
    target_contract = npq_contract(store, provider.id, year, course, suffix)
    if not errors and target_contract is None:
        errors.add("cohort", NO_CONTRACT_FOR_COHORT)
    if profile.training_status == "withdrawn":
        errors.add("participant_id", messages.WITHDRAWN_PARTICIPANT)
    if new is not None:
        _check_schedule(store, profile, cohort_of(application), new, errors)
    if (
        capping
        and current_contract is not None
        and target_contract is not None
        and (current_contract.cohort, current_contract.cohort_suffix)
        != (target_contract.cohort, target_contract.cohort_suffix)
        and current_contract.funding_cap > 0
        and target_contract.funding_cap <= 0
    ):
        # Funded places exist only in capped cohorts: a funded course cannot move out of them.
        errors.add("cohort", messages.CANNOT_CHANGE_COHORT)
    if not errors and new is None:
        # An identifier unknown for the cohort fails like a missing one (upstream has no clean check).
        errors.add("schedule_identifier", messages.INVALID_SCHEDULE)
    errors.raise_any()
    assert new is not None
    profile.schedule_identifier, profile.cohort = new.identifier, new.cohort
    application.schedule_identifier = new.identifier
    if (application.cohort, application.cohort_suffix) != (new.cohort, new.cohort_suffix):
        into_cap = target_contract is not None and target_contract.funding_cap > 0
        from_cap = current_contract is not None and current_contract.funding_cap > 0
        if capping and into_cap and not from_cap:
            application.funded_place = application.eligible_for_funding
        application.cohort, application.cohort_suffix = new.cohort, new.cohort_suffix
        touch(now, application)
    touch_profile(store, profile, now)
    return npq.get_participant(store, provider, profile.user_id)


def _check_schedule(store: Store, profile: NPQProfile, current: str, new: Schedule, errors: Errors) -> None:
    """`current` is the exact cohort the course is in now (`2025b`)."""
    target = cohort_key(new.cohort, new.cohort_suffix)
    live = [d for d in _declarations(store, profile) if d.state in BILLABLE_OR_CHANGEABLE]
    # Every claim is looked at, so a missing milestone is a 404 even after another claim failed.
    fits = [fits_schedule(new, d) for d in live]
    if not all(fits):
        errors.add("schedule_identifier", messages.SCHEDULE_INVALIDATES_DECLARATIONS)
    if (new.identifier, target) == (profile.schedule_identifier, current):
        errors.add("schedule_identifier", messages.SCHEDULE_ALREADY_ON_PROFILE)
    if profile.course_identifier not in new.permitted_courses:
        errors.add("schedule_identifier", messages.SCHEDULE_INVALID_FOR_COURSE)
    if live and target != current:
        errors.add("cohort", messages.CANNOT_CHANGE_COHORT)
