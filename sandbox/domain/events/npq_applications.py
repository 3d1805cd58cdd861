"""A person applies to a lead provider for an NPQ, with DfE's funding verdict already recorded (domain.md
§4.15, §7): the control API's way to put a `pending` application in front of a provider.

The rules are the ones the real records keep: a funded place only for someone eligible for funding
(upstream's `validate_funding_eligiblity_status_with_funded_place`) and only where the provider's
contract caps funded places (the accept rules store it nowhere else); targeted delivery funding only
for someone eligible, never on the early headship coaching or additional support offers; a reason for
ineligibility only when ineligible; a TRN validated only when there is one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sandbox.domain.applications.decisions import npq_contract
from sandbox.domain.applications.npq_cohorts import named_cohort
from sandbox.domain.declarations.reads import NO_UPLIFT_COURSES
from sandbox.domain.errors import Errors, NotFound
from sandbox.domain.events.money import EventActor, one_of
from sandbox.domain.values import text
from sandbox.domain.world.entities import LeadProvider, NPQApplication, User
from sandbox.domain.world.npq_registration import create_npq_application, move_npq_application
from sandbox.domain.world.reference import split_cohort_key
from sandbox.domain.world.registration import create_user
from sandbox.store import Store

HEADTEACHER_STATUSES = (
    "no",
    "yes_when_course_starts",
    "yes_in_first_two_years",
    "yes_over_two_years",
    "yes_in_first_five_years",
    "yes_over_five_years",
)
FUNDING_CHOICES = ("school", "trust", "self", "another", "employer")
INELIGIBLE_REASONS = ("previously-funded", "establishment-ineligible")

_IDS = ("lead_provider_id", "participant_id")
_PERSON = ("full_name", "email", "teacher_reference_number")
_FLAGS = (
    "eligible_for_funding",
    "targeted_delivery_funding_eligibility",
    "teacher_reference_number_validated",
    "works_in_school",
    "teacher_catchment",
    "lead_mentor",
)
_TEXTS = (
    "employer_name",
    "employment_role",
    "school_urn",
    "school_ukprn",
    "private_childcare_provider_urn",
    "teacher_catchment_iso_country_code",
    "teacher_catchment_country",
    "itt_provider",
)
_CHOICES = {
    "funding_choice": FUNDING_CHOICES,
    "headteacher_status": HEADTEACHER_STATUSES,
    "ineligible_for_funding_reason": INELIGIBLE_REASONS,
}


def create_application(store: Store, actor: EventActor, attributes: Mapping[str, object]) -> NPQApplication:
    """A `pending` application of an existing person (`participant_id`) or a new one (`full_name`,
    `email`, optional `teacher_reference_number`) to `lead_provider_id` (a provider's token: itself)."""
    errors = Errors()
    _check_shape(store, actor, attributes, errors)
    errors.raise_any()

    provider_id = str(attributes.get("lead_provider_id") or actor.caller_id)
    provider = store.lead_providers.get(provider_id)
    if provider is None:
        raise NotFound(provider_id)
    user = None
    if attributes.get("participant_id") is not None:
        user = store.users.get(store.resolve_user_id(str(attributes["participant_id"])))
        if user is None:
            raise NotFound(str(attributes["participant_id"]))
    actor.may_act_for({provider.id})
    now = actor.now_for(provider.id)

    course = str(attributes["course_identifier"])
    cohort, suffix = application_cohort(store, provider, attributes.get("cohort"), now.date())
    trn = user.teacher_reference_number if user else attributes.get("teacher_reference_number")
    _check_rules(store, provider, user, course, (cohort, suffix), trn, attributes, errors)
    errors.raise_any()

    if user is None:
        user = create_user(
            store,
            full_name=str(attributes["full_name"]).strip(),
            email=str(attributes["email"]).strip(),
            teacher_reference_number=trn if isinstance(trn, str) else None,
            now=now,
        )
    application = create_npq_application(
        store,
        user_id=user.id,
        lead_provider_id=provider.id,
        course_identifier=course,
        cohort=cohort,
        cohort_suffix=suffix,
        now=now,
        details=_details(attributes),
    )
    funded_place = attributes.get("funded_place")
    application.funded_place = funded_place if isinstance(funded_place, bool) else None
    return application


def application_cohort(store: Store, provider: LeadProvider, given: object, today: date) -> tuple[int, str]:
    """The NPQ service's cohort applied to: an identifier (`"2025b"`) as given; a year, its latest cohort
    the provider offers (as change-schedule reads a year); nothing, the latest whose registration is open
    on `today` among those the provider offers."""
    offered = [c for c in store.reference.npq_cohorts if c.offered_by(provider.name)]
    if isinstance(given, str):
        return split_cohort_key(given)
    if isinstance(given, int):
        of_year = [c for c in offered if c.start_year == given] or store.reference.npq_cohorts_of_year(given)
        return given, of_year[-1].suffix if of_year else "a"
    opened = [c for c in offered if c.registration_start_date <= today] or offered
    return opened[-1].start_year, opened[-1].suffix


def _check_shape(store: Store, actor: EventActor, attributes: Mapping[str, object], errors: Errors) -> None:
    """Types and required values, before anything is looked up."""
    given = {name: value for name, value in attributes.items() if value is not None}
    if "lead_provider_id" not in given and actor.is_admin:
        errors.add("lead_provider_id", "Give the `lead_provider_id` of the provider the person applies to.")
    for name in _IDS:
        if name in given and text(given[name]) is None:
            errors.add(name, f"`{name}` must be an id.")
    if "participant_id" in given:
        if any(name in given for name in _PERSON):
            errors.add("base", "Give either `participant_id` (an existing person) or a new person's details.")
    else:
        for name in ("full_name", "email"):
            if text(given.get(name)) is None:
                errors.add(
                    name, f"Give the new person's `{name}`, or the `participant_id` of an existing one."
                )
        if text(given.get("email")) is not None and "@" not in str(given["email"]):
            errors.add("email", "`email` must be an email address.")
        trn = given.get("teacher_reference_number")
        if trn is not None and not (isinstance(trn, str) and len(trn) == 7 and trn.isdigit()):
            errors.add("teacher_reference_number", "`teacher_reference_number` must be 7 digits, or null.")
    course = given.get("course_identifier")
    if not (isinstance(course, str) and store.reference.is_npq_course(course)):
        errors.add("course_identifier", "Give an NPQ `course_identifier`, e.g. npq-headship.")
    cohort = given.get("cohort")
    if cohort is not None and not _known_cohort(store, cohort):
        known = one_of(c.identifier for c in store.reference.npq_cohorts)
        errors.add("cohort", f"`cohort` must be a start year or one of the NPQ service's cohorts: {known}.")
    for name in (*_FLAGS, "funded_place"):
        if name in given and not isinstance(given[name], bool):
            errors.add(name, f"`{name}` must be true or false.")
    for name, choices in _CHOICES.items():
        if name in given and given[name] not in choices:
            errors.add(name, f"`{name}` must be null or one of: {one_of(choices)}.")
    for name in _TEXTS:
        if name in given and not isinstance(given[name], str):
            errors.add(name, f"`{name}` must be a string or null.")


def _known_cohort(store: Store, cohort: object) -> bool:
    if isinstance(cohort, bool) or not isinstance(cohort, int | str):
        return False
    if isinstance(cohort, int):
        return bool(store.reference.npq_cohorts_of_year(cohort))
    return named_cohort(store.reference, cohort) is not None  # a year is a number, not a string


def _check_rules(
    store: Store,
    provider: LeadProvider,
    user: User | None,
    course: str,
    npq_cohort: tuple[int, str],
    trn: object,
    attributes: Mapping[str, object],
    errors: Errors,
) -> None:
    eligible = attributes.get("eligible_for_funding") is True
    cohort, suffix = npq_cohort
    offered = store.reference.npq_cohort(cohort, suffix)
    if not provider.has_npq:
        errors.add("lead_provider_id", "This lead provider does not deliver NPQs.")
    elif offered is not None and not offered.offered_by(provider.name):
        errors.add("cohort", f"{provider.name} does not offer the {offered.identifier} cohort.")
    if not store.reference.schedules_for(course, cohort, suffix):
        errors.add("course_identifier", f"{course} is not offered in the {cohort}{suffix} cohort.")
    email = str(attributes.get("email") or "").strip().lower()
    if user is None and any(u.email.lower() == email for u in store.users.values()):
        errors.add("email", "Another person has this email: give their `participant_id` instead.")
    funded_place = attributes.get("funded_place")
    if funded_place is True and not eligible:
        errors.add("funded_place", "A funded place needs `eligible_for_funding`: true.")
    contract = npq_contract(store, provider.id, cohort, course, suffix)
    if funded_place is not None and not (contract is not None and contract.funding_cap > 0):
        errors.add(
            "funded_place",
            "Leave `funded_place` out: only a contract that caps funded places (2024 onwards) has them.",
        )
    if attributes.get("targeted_delivery_funding_eligibility") is True and (
        not eligible or course in NO_UPLIFT_COURSES
    ):
        errors.add(
            "targeted_delivery_funding_eligibility",
            "Targeted delivery funding needs `eligible_for_funding`: true and a course other than the "
            "early headship coaching offer and the additional support offer.",
        )
    if eligible and attributes.get("ineligible_for_funding_reason") is not None:
        errors.add(
            "ineligible_for_funding_reason",
            "Only an application that is not eligible for funding has an `ineligible_for_funding_reason`.",
        )
    if attributes.get("teacher_reference_number_validated") is True and trn is None:
        errors.add("teacher_reference_number_validated", "Only a person with a TRN can have it validated.")


def _details(attributes: Mapping[str, object]) -> dict[str, object]:
    """The answers given; anything left out keeps the usual default (in school, UK catchment, ...).
    Text and choice fields may be set to null on purpose; flags only to true or false."""
    details = {name: attributes[name] for name in (*_TEXTS, *_CHOICES) if name in attributes}
    details.update({name: attributes[name] for name in _FLAGS if attributes.get(name) is not None})
    return details


def change_lead_provider(
    store: Store, actor: EventActor, application_id: str, attributes: Mapping[str, object]
) -> NPQApplication:
    """DfE moves an application to another provider (npq.md §6.4): the new provider sees it, its training
    record and every declaration on it; only the provider that made a declaration may void it. A
    provider's token may move applications into or out of itself."""
    application = store.npq_applications.get(application_id)
    if application is None:
        raise NotFound(application_id)
    target = text(attributes.get("lead_provider_id"))
    errors = Errors()
    provider = store.lead_providers.get(target) if target else None
    if provider is None or not provider.has_npq:
        errors.add("lead_provider_id", "Name a lead provider with an NPQ side.")
    elif provider.id == application.lead_provider_id:
        errors.add("lead_provider_id", "The application is already with this lead provider.")
    errors.raise_any()
    assert provider is not None
    actor.may_act_for({application.lead_provider_id, provider.id})
    move_npq_application(
        store, application_id=application.id, lead_provider_id=provider.id, now=actor.now_for(provider.id)
    )
    return application
