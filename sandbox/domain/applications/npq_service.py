"""A provider's decisions on its NPQ applications under the standalone NPQ service's rules (npq.md
§4.1-§4.3), beside the ECF service's (`decisions.py`); a contract's `npq_rules` picks the module.

What differs: funding follows the cohort (full, capped, zero) rather than a contract's cap; duplicate
acceptance is judged within one cohort; an accepted application may be rejected while no declaration
that is or will be paid stands on it; every refusal is titled `application` (or the attribute).
"""

from __future__ import annotations

from datetime import datetime

from sandbox.domain.applications import reads as npq
from sandbox.domain.applications.decisions import (
    FUNDED_PLACE_REQUIRED,
    NOT_ELIGIBLE_FOR_FUNDED_PLACE,
    has_billable_declarations,
)
from sandbox.domain.applications.npq_cohorts import cohort_funding, cohort_of, default_schedule, find_schedule
from sandbox.domain.errors import Errors, NotFound
from sandbox.domain.values import blank
from sandbox.domain.world.entities import LeadProvider, NPQApplication
from sandbox.domain.world.npq_registration import accept_npq_application
from sandbox.domain.world.reference import Funding
from sandbox.domain.world.stamps import touch, touch_profile
from sandbox.store import Store

ALREADY_ACCEPTED = "This NPQ application has already been accepted"
ALREADY_REJECTED = "This NPQ application has already been rejected"
CANNOT_CHANGE_FROM_REJECTED = "Once rejected an application cannot change state"
ACCEPTED_IN_COHORT = "The participant has already had an application accepted for this course."
UNFUNDED_COHORT = "The '#/funded_place' field should be false for unfunded cohorts."
SCHEDULE_NOT_IN_COHORT = "The selected schedule cannot be found in the application cohort"
SCHEDULE_NOT_FOR_COURSE = "The selected schedule is not valid for the course"
HAS_DECLARATIONS = (
    "This application has declarations that prevent it from being rejected. Void the declarations first, "
    "or contact us for assistance."
)
ACCEPT_BEFORE_CHANGING = (
    "You must accept the application before attempting to change the '#/funded_place' setting."
)
NOT_ELIGIBLE_TO_CHANGE = (
    "This participant is not eligible for funding. Contact us if you think this is wrong."
)
UNCAPPED_COHORT = (
    "Leave the '#/funded_place' field blank. It's only needed for participants starting NPQs from "
    "autumn 2024 onwards."
)
DECLARATIONS_SUBMITTED = (
    "You cannot change the funded place because declarations have been submitted. You will need to void "
    "the existing declarations and resubmit them after changing the funded place."
)


def _funding(store: Store, application: NPQApplication) -> Funding:
    return cohort_funding(store.reference, cohort_of(application))


def _accepted_in_cohort(store: Store, application: NPQApplication) -> bool:
    """An accepted, not withdrawn application for the course (ASO counts as EHCO) in the same exact cohort,
    by the person or anyone with their verified TRN, at any provider."""
    user = store.users[application.user_id]
    people = {user.id}
    if user.teacher_reference_number:
        people |= {u.id for u in store.users_with_trn(user.teacher_reference_number)}
    key = npq.course_family_key(application.course_identifier)
    for person in people:
        for other in store.applications_of(person):
            profile = store.npq_profiles.get(other.id)
            if (
                other.id != application.id
                and other.status == "accepted"
                and cohort_of(other) == cohort_of(application)
                and npq.course_family_key(other.course_identifier) == key
                and (profile is None or profile.training_status != "withdrawn")
            ):
                return True
    return False


def accept_application(
    store: Store,
    provider: LeadProvider,
    application_id: str,
    now: datetime,
    *,
    funded_place: object = None,
    schedule_identifier: object = None,
) -> NPQApplication:
    application = npq.get_application(store, provider, application_id)
    funding = _funding(store, application)
    errors = Errors()
    if funding == "capped" and not isinstance(funded_place, bool):
        errors.add("funded_place", FUNDED_PLACE_REQUIRED)
    if funding == "zero" and funded_place is not False:
        errors.add("funded_place", UNFUNDED_COHORT)
    if application.status == "accepted":
        errors.add("application", ALREADY_ACCEPTED)
    if application.status == "rejected":
        errors.add("application", CANNOT_CHANGE_FROM_REJECTED)
    if _accepted_in_cohort(store, application):
        errors.add("application", ACCEPTED_IN_COHORT)
    if not errors and funding == "capped" and funded_place is True and not application.eligible_for_funding:
        errors.add("application", NOT_ELIGIBLE_FOR_FUNDED_PLACE)
    schedule_id = None
    if not blank(schedule_identifier):
        schedule = find_schedule(store.reference, str(schedule_identifier), cohort_of(application))
        if schedule is None:
            errors.add("schedule_identifier", SCHEDULE_NOT_IN_COHORT)
        elif not errors and application.course_identifier not in schedule.permitted_courses:
            errors.add("schedule_identifier", SCHEDULE_NOT_FOR_COURSE)
        else:
            schedule_id = schedule.identifier
    errors.raise_any()
    if schedule_id is None:
        try:
            schedule_id = default_schedule(
                store.reference, application.course_identifier, cohort_of(application), now.date()
            ).identifier
        except LookupError:
            raise NotFound(application.id) from None  # the service's `find_by!` on a missing schedule
    # The person's other applications for the exact course in the same exact cohort, whatever their
    # provider or status, make way for this one.
    accept_npq_application(
        store,
        application_id=application.id,
        schedule_identifier=schedule_id,
        now=now,
        siblings="any",
        rejection_reason="other_application_in_this_cohort_accepted",
    )
    application.funded_place = funded_place if funding == "capped" else None
    return application


def reject_application(
    store: Store, provider: LeadProvider, application_id: str, now: datetime
) -> NPQApplication:
    """Pending or accepted: an accepted one keeps its schedule, training status and declarations, and the
    person leaves the provider's participants unless another accepted application remains."""
    application = npq.get_application(store, provider, application_id)
    errors = Errors()
    if application.status == "rejected":
        errors.add("application", ALREADY_REJECTED)
    elif has_billable_declarations(store, application):
        errors.add("application", HAS_DECLARATIONS)
    errors.raise_any()
    application.status, application.reason_for_rejection = "rejected", "rejected_by_provider"
    touch(now, application, store.users[application.user_id])
    profile = store.npq_profiles.get(application.id)
    if profile is not None:
        touch_profile(store, profile, now)
    return application


def change_funded_place(
    store: Store, provider: LeadProvider, application_id: str, funded_place: object, now: datetime
) -> NPQApplication:
    application = npq.get_application(store, provider, application_id)
    errors = Errors()
    if not isinstance(funded_place, bool):
        errors.add("funded_place", FUNDED_PLACE_REQUIRED)
    if application.status != "accepted":
        errors.add("application", ACCEPT_BEFORE_CHANGING)
    if funded_place is True and not application.eligible_for_funding:
        errors.add("application", NOT_ELIGIBLE_TO_CHANGE)
    if not errors and _funding(store, application) != "capped":
        errors.add("application", UNCAPPED_COHORT)
    if has_billable_declarations(store, application):
        errors.add("application", DECLARATIONS_SUBMITTED)
    errors.raise_any()
    assert isinstance(funded_place, bool)  # refused above otherwise
    if application.funded_place != funded_place:
        application.funded_place = funded_place
        touch(now, application)
    return application
