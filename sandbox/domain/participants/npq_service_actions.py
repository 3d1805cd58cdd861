"""The provider's actions on an NPQ participant under the standalone NPQ service's rules (npq.md §4.8):
withdraw, defer, resume, change-schedule, beside the ECF service's (`npq_actions.py`); the contract's
`npq_rules` picks the module.

The caller has already found the participant among the provider's own (else 404). Each action names a
course; the record acted on is the provider's accepted application for that exact course (EHCO is not
ASO here). Every refusal is titled by its attribute, `participant_id` for the person, and nothing changes
until every check has passed. The training-status moves are `training_status.py`'s, shared with ECF.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from sandbox.domain import messages
from sandbox.domain.applications.decisions import npq_contract
from sandbox.domain.applications.npq_cohorts import (
    applies_from,
    cohort_funding,
    cohort_of,
    latest_cohort_with,
)
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors
from sandbox.domain.participants import npq
from sandbox.domain.participants.change_schedule import requested_cohort
from sandbox.domain.participants.npq_actions import (
    NO_CONTRACT_FOR_COHORT,
    NO_DECLARATIONS,
    NO_STARTED_DECLARATION,
)
from sandbox.domain.participants.training_status import (
    DEFER_REASONS,
    NPQ_SERVICE_WITHDRAW_REASONS,
    Action,
    apply_transition,
    transition_errors,
)
from sandbox.domain.world.entities import Declaration, LeadProvider, NPQApplication, NPQProfile
from sandbox.domain.world.reference import ReferenceData, Schedule, split_cohort_key
from sandbox.domain.world.stamps import touch, touch_profile
from sandbox.store import Store

NO_ACCEPTED_APPLICATION = (
    "Your update cannot be made as an accepted application cannot be found for the given "
    "'#/participant_id' and '#/course_identifier'."
)
INVALID_REASON = "The property '#/reason' must be a valid reason"
SCHEDULE_MISSING = "The property '#/schedule_identifier' must be present"
ALREADY_WITHDRAWN = "The participant is already withdrawn"
SAME_SCHEDULE = "The participant already has the specified schedule"
SCHEDULE_NOT_FOR_COURSE = "The selected schedule is not valid for the course"
COHORT_HAS_DECLARATIONS = (
    "You cannot change the '#/cohort' field when there are submitted, eligible, payable, or paid "
    "declarations in the new cohort"
)
CAPPED_TO_FULL = (
    "You cannot change the '#/cohort' field from one with a funding cap to one without a funding cap"
)
UNFUNDED_TO_FUNDED = (
    "You cannot change the '#/cohort' field from one that is not funded to with that is funded"  # sic
)


def _application(
    store: Store, provider: LeadProvider, participant_id: str, course_identifier: object, errors: Errors
) -> NPQApplication | None:
    """The checks every action starts with: a known course, and the provider's accepted application
    for it."""
    if not (isinstance(course_identifier, str) and store.reference.is_npq_course(course_identifier)):
        errors.add("course_identifier", messages.COURSE_NOT_RECOGNISED)
    found = next(
        (
            a
            for a in store.applications_of(participant_id)
            if a.lead_provider_id == provider.id
            and a.status == "accepted"
            and a.course_identifier == course_identifier
        ),
        None,
    )
    if found is None:
        errors.add("participant_id", NO_ACCEPTED_APPLICATION)
    return found


def _declarations(store: Store, application: NPQApplication) -> list[Declaration]:
    return [d for d in store.declarations_of(application.user_id) if d.profile_id == application.id]


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
    """Withdraw, defer or resume one NPQ course by the NPQ service's rules: its own withdrawal
    reasons; a withdrawal needs a `started` declaration, a deferral any declaration; resume brings
    back either alike."""
    errors = Errors()
    application = _application(store, provider, participant_id, course_identifier, errors)
    allowed = {"withdraw": NPQ_SERVICE_WITHDRAW_REASONS, "defer": DEFER_REASONS}.get(action)
    if allowed is not None and reason not in allowed:
        errors.add("reason", INVALID_REASON)
    profile = None
    if application is not None:
        profile = store.npq_profiles[application.id]
        errors.add("participant_id", *transition_errors(action, profile.training_status))
        claims = _declarations(store, application)
        if action == "withdraw" and not errors and not any(d.declaration_type == "started" for d in claims):
            # A started declaration in any state counts, a voided one too.
            errors.add("participant_id", NO_STARTED_DECLARATION)
        if action == "defer" and not claims:
            errors.add("participant_id", NO_DECLARATIONS)
    errors.raise_any()
    assert profile is not None
    apply_transition(store, profile, provider, action, reason, now)
    return npq.get_participant(store, provider, profile.user_id)


# -- change-schedule --------------------------------------------------------------------------------


def _has_contract(store: Store, provider: LeadProvider, cohort: str, course_identifier: str) -> bool:
    """A contract for the course in the target's exact cohort (2025a is not 2025b)."""
    year, suffix = split_cohort_key(cohort)
    return npq_contract(store, provider.id, year, course_identifier, suffix) is not None


def _invalidated(schedule: Schedule, declaration: Declaration) -> bool:
    """A live claim the new schedule would not take: a type it lacks, or dated on or before its start."""
    start = datetime.combine(applies_from(schedule), time.min, tzinfo=UTC)
    return (
        declaration.declaration_type not in schedule.declaration_types
        or declaration.declaration_date <= start
    )


def _funding_errors(reference: ReferenceData, current: str, target: str, errors: Errors) -> None:
    before, after = cohort_funding(reference, current), cohort_funding(reference, target)
    if before == "capped" and after == "full":
        errors.add("cohort", CAPPED_TO_FULL)
    if before == "zero" and after != "zero":
        errors.add("cohort", UNFUNDED_TO_FUNDED)


def change_schedule(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    *,
    course_identifier: object,
    schedule_identifier: object,
    cohort: object,
    now: datetime,
) -> npq.NPQParticipant:
    """Move one course to another schedule of its family, perhaps in another cohort: a year names its
    latest intake. Moving from a fully funded cohort into a capped one sets `funded_place` to the
    application's eligibility; into an unfunded one, to false."""
    errors = Errors()
    application = _application(store, provider, participant_id, course_identifier, errors)
    if application is None:
        errors.raise_any()
    assert application is not None
    profile = store.npq_profiles[application.id]
    current = cohort_of(application)
    year = requested_cohort(cohort, fallback=profile.cohort) or profile.cohort
    found = None
    if isinstance(schedule_identifier, str):
        found = latest_cohort_with(store.reference, schedule_identifier, year)
    if found is None:
        errors.add("schedule_identifier", SCHEDULE_MISSING)
    if (
        not errors
        and found is not None
        and not _has_contract(store, provider, found[0], application.course_identifier)
    ):
        errors.add("cohort", NO_CONTRACT_FOR_COHORT)
    if profile.training_status == "withdrawn":
        errors.add("participant_id", ALREADY_WITHDRAWN)
    live = [d for d in _declarations(store, application) if d.state in BILLABLE_OR_CHANGEABLE]
    if found is not None:
        target, new = found
        if any(_invalidated(new, d) for d in live):
            errors.add("schedule_identifier", messages.SCHEDULE_INVALIDATES_DECLARATIONS)
        if (new.identifier, target) == (profile.schedule_identifier, current):
            errors.add("schedule_identifier", SAME_SCHEDULE)
        if not errors and application.course_identifier not in new.permitted_courses:
            errors.add("schedule_identifier", SCHEDULE_NOT_FOR_COURSE)
        if not errors and target != current and live:
            errors.add("cohort", COHORT_HAS_DECLARATIONS)
        if target != current:
            _funding_errors(store.reference, current, target, errors)
    errors.raise_any()
    assert found is not None
    target, new = found
    _move(store, application, profile, target, new, now)
    return npq.get_participant(store, provider, profile.user_id)


def _move(
    store: Store, application: NPQApplication, profile: NPQProfile, target: str, new: Schedule, now: datetime
) -> None:
    current = cohort_of(application)
    year, suffix = split_cohort_key(target)
    profile.schedule_identifier, profile.cohort = new.identifier, year
    application.schedule_identifier = new.identifier
    if target != current:
        before, after = cohort_funding(store.reference, current), cohort_funding(store.reference, target)
        if after == "zero":
            application.funded_place = False
        elif before == "full" and after == "capped":
            application.funded_place = application.eligible_for_funding
        application.cohort, application.cohort_suffix = year, suffix
    touch(now, application)
    touch_profile(store, profile, now)
