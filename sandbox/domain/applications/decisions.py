"""A lead provider's decisions on its NPQ applications: accept, reject, change the funded place
(domain.md §4.15).

Refusals are collected as upstream's `NPQ::Application::*` services collect them (ActiveModel
validations, in declaration order, messages grouped per attribute), and nothing changes until every
check has passed. The data-level effect of an accept (profile, sibling rejections, funded place) is
`npq_registration.accept_npq_application`, the one the seed uses; this module only decides whether a
provider may have it.

The sandbox runs with upstream's `npq_capping` feature flag on, as the production service has since
funded places were capped for 2024. `capping=False` reproduces the service with the flag off: no
contract check, `funded_place` ignored on accept, change-funded-place forbidden.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.domain import messages
from sandbox.domain.applications import reads as npq
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors, Forbidden, InvalidAction, NotFound
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.values import blank
from sandbox.domain.world.entities import LeadProvider, NPQApplication, NPQContract
from sandbox.domain.world.npq_registration import accept_npq_application, reject_npq_application
from sandbox.domain.world.reference import Schedule
from sandbox.domain.world.stamps import touch
from sandbox.store import Store

CAPPING = True

ALREADY_ACCEPTED = "This NPQ application has already been accepted"
ALREADY_REJECTED = "This NPQ application has already been rejected"
CANNOT_CHANGE_FROM_ACCEPTED = "Once accepted an application cannot change state"
CANNOT_CHANGE_FROM_REJECTED = "Once rejected an application cannot change state"
ACCEPTED_ELSEWHERE = "The participant has already had an application accepted for this course."
FUNDED_PLACE_REQUIRED = "Set '#/funded_place' to true or false."
NOT_ELIGIBLE_FOR_FUNDED_PLACE = (
    "The participant is not eligible for funding, so '#/funded_place' cannot be set to true."
)
FUNDED_PLACE_MISSING = (
    "The entered '#/funded_place' is missing from your request. Check details and try again."
)
ACCEPT_BEFORE_CHANGING = (
    "You must accept the application before attempting to change the '#/funded_place' setting"
)
NOT_ELIGIBLE_TO_CHANGE = "This participant is not eligible for funding. Contact us if you think this is wrong"
VOID_BEFORE_UNFUNDING = (
    "You must void or claw back your declarations for this participant before being able to set "
    "'#/funded_place' to false"
)
UNCAPPED_COHORT = (
    "Leave the '#/funded_place' field blank. It's only needed for participants starting NPQs from "
    "autumn 2024 onwards"
)


def contract_data_issue() -> InvalidAction:
    """The 422 upstream raises (outside validation) when the contract or statement behind a decision is
    missing; change-schedule raises it too."""
    return InvalidAction(messages.CONTRACT_DATA_ISSUE, title="Unprocessable request")


def npq_contract(
    store: Store, provider_id: str, cohort: int | None, course_identifier: str, suffix: str | None = None
) -> NPQContract | None:
    """The provider's contract for a course in a cohort: the exact NPQ service cohort when `suffix` is
    given; else any of the year's (the ECF service knew years only), the earliest suffix first."""
    found = [
        c
        for c in store.npq_contracts_for(provider_id, cohort, course_identifier)
        if suffix is None or c.cohort_suffix == suffix
    ]
    return min(found, key=lambda c: c.cohort_suffix, default=None)


def _truthy(value: object) -> bool:
    # Ruby truthiness, as upstream writes `if funded_place`: only nil and false are false.
    return value is not None and value is not False


def _accepted_elsewhere(store: Store, application: NPQApplication) -> bool:
    """Another accepted application for the course (ASO counts as EHCO) by the person or by another user
    with the same TRN, at any provider and in any cohort."""
    user = store.users[application.user_id]
    people = {user.id}
    if user.teacher_reference_number:
        people |= {u.id for u in store.users_with_trn(user.teacher_reference_number)}
    key = npq.course_family_key(application.course_identifier)
    return any(
        other.id != application.id
        and other.status == "accepted"
        and npq.course_family_key(other.course_identifier) == key
        for person in people
        for other in store.applications_of(person)
    )


def _requested_schedule(store: Store, application: NPQApplication, identifier: object) -> Schedule | None:
    if not isinstance(identifier, str):
        return None
    schedule = store.reference.schedule(identifier, application.cohort, application.cohort_suffix)
    if schedule is None or application.course_identifier not in schedule.permitted_courses:
        return None
    return schedule


def _default_schedule(store: Store, application: NPQApplication, now: datetime) -> Schedule:
    try:
        return store.reference.default_npq_schedule(
            application.course_identifier, application.cohort, now.date(), application.cohort_suffix
        )
    except LookupError:
        # Upstream's `find_by!` on a cohort without such a schedule: a 404 after validation.
        raise NotFound(application.id) from None


def accept_application(
    store: Store,
    provider: LeadProvider,
    application_id: str,
    now: datetime,
    *,
    funded_place: object = None,
    schedule_identifier: object = None,
    capping: bool = CAPPING,
) -> NPQApplication:
    """Accept the provider's application: a profile on the given (v3) or default schedule, and the
    person's other applications for the course and cohort rejected at every provider."""
    application = npq.get_application(store, provider, application_id)
    capped = False
    if capping:
        # Checked before anything else, so it answers even for an application already decided.
        suffix = application.cohort_suffix
        statement = next_output_statement(store, provider, "npq", application.cohort, now.date(), suffix)
        contract = npq_contract(store, provider.id, application.cohort, application.course_identifier, suffix)
        if statement is None or contract is None:
            raise contract_data_issue()
        capped = contract.funding_cap > 0
    errors = Errors()
    if capped and not isinstance(funded_place, bool):
        errors.add("funded_place", FUNDED_PLACE_REQUIRED)
    if application.status == "accepted":
        errors.add("npq_application", ALREADY_ACCEPTED)
    if application.status == "rejected":
        errors.add("npq_application", CANNOT_CHANGE_FROM_REJECTED)
    if _accepted_elsewhere(store, application):
        errors.add("npq_application", ACCEPTED_ELSEWHERE)
    schedule = None
    if not errors and not blank(schedule_identifier):
        schedule = _requested_schedule(store, application, schedule_identifier)
        if schedule is None:
            errors.add("schedule_identifier", messages.SCHEDULE_INVALID_FOR_COURSE)
    if not errors and capped and funded_place is True and not application.eligible_for_funding:
        errors.add("npq_application", NOT_ELIGIBLE_FOR_FUNDED_PLACE)
    errors.raise_any()
    schedule = schedule or _default_schedule(store, application, now)
    accept_npq_application(
        store,
        application_id=application.id,
        schedule_identifier=schedule.identifier,
        now=now,
        # Checked to be a bool where the cohort is capped; anything sent for other cohorts is ignored.
        funded_place=funded_place if isinstance(funded_place, bool) and capped else None,
    )
    return application


def reject_application(
    store: Store, provider: LeadProvider, application_id: str, now: datetime
) -> NPQApplication:
    application = npq.get_application(store, provider, application_id)
    errors = Errors()
    if application.status == "rejected":
        errors.add("npq_application", ALREADY_REJECTED)
    if application.status == "accepted":
        errors.add("npq_application", CANNOT_CHANGE_FROM_ACCEPTED)
    errors.raise_any()
    return reject_npq_application(store, application_id=application.id, now=now)


def has_billable_declarations(store: Store, application: NPQApplication) -> bool:
    return any(
        d.profile_id == application.id and d.state in BILLABLE_OR_CHANGEABLE
        for d in store.declarations_of(application.user_id)
    )


def change_funded_place(
    store: Store,
    provider: LeadProvider,
    application_id: str,
    funded_place: object,
    now: datetime,
    *,
    capping: bool = CAPPING,
) -> NPQApplication:
    """Set `funded_place` on an accepted application of a capped cohort."""
    if not capping:
        # Upstream's controller answers 403 before it looks the application up.
        raise Forbidden("npq_capping")
    application = npq.get_application(store, provider, application_id)
    errors = Errors()
    if funded_place is None:
        errors.add("npq_application", FUNDED_PLACE_MISSING)
    if not isinstance(funded_place, bool):
        errors.add("funded_place", FUNDED_PLACE_REQUIRED)
    if application.status != "accepted":
        errors.add("npq_application", ACCEPT_BEFORE_CHANGING)
    if _truthy(funded_place) and not application.eligible_for_funding:
        errors.add("npq_application", NOT_ELIGIBLE_TO_CHANGE)
    profile = store.npq_profiles.get(application.id)
    if profile is not None and not _truthy(funded_place) and has_billable_declarations(store, application):
        errors.add("npq_application", VOID_BEFORE_UNFUNDING)
    if not errors:
        contract = npq_contract(store, provider.id, application.cohort, application.course_identifier)
        if contract is None:
            raise contract_data_issue()
        if contract.funding_cap <= 0:
            errors.add("npq_application", UNCAPPED_COHORT)
    errors.raise_any()
    assert isinstance(funded_place, bool)  # a refusal otherwise
    application.funded_place = funded_place
    touch(now, application)
    return application
