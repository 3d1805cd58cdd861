"""DfE's own changes to an NPQ application in the NPQ service's admin (npq.md §6.4): putting a decided
application back to `pending` (`S/applications/revert_to_pending.rb`), moving one to another cohort
(`S/applications/change_cohort.rb`), changing its funding verdict (marking it funded by policy included)
and the result of checking the applicant's TRN. Each answers what the NPQ API then shows."""

from __future__ import annotations

from collections.abc import Mapping

from sandbox.domain.applications.npq_cohorts import named_cohort
from sandbox.domain.declarations.reads import NO_UPLIFT_COURSES
from sandbox.domain.errors import Errors, NotFound
from sandbox.domain.events.money import EventActor, one_of
from sandbox.domain.events.npq_applications import INELIGIBLE_REASONS
from sandbox.domain.world.entities import Declaration, NPQApplication
from sandbox.domain.world.registration import set_teacher_reference_number
from sandbox.domain.world.stamps import touch
from sandbox.store import Store

# Declarations that no longer count, so do not hold an application to its decision.
REVERTABLE_DECLARATION_STATES = frozenset({"voided", "ineligible", "awaiting_clawback", "clawed_back"})


def _application(store: Store, actor: EventActor, application_id: str) -> NPQApplication:
    application = store.npq_applications.get(application_id)
    if application is None:
        raise NotFound(application_id)
    actor.may_act_for({application.lead_provider_id})
    return application


def _declarations(store: Store, application: NPQApplication) -> list[Declaration]:
    return [d for d in store.declarations_of(application.user_id) if d.profile_id == application.id]


def revert_to_pending(store: Store, actor: EventActor, application_id: str) -> NPQApplication:
    """An accepted or rejected application becomes `pending` again: its funded place and its withdrawal and
    deferral history go, its schedule stays; the person leaves the provider's participants unless another
    accepted application remains. Refused while a declaration on it counts (or may be paid)."""
    application = _application(store, actor, application_id)
    errors = Errors()
    if application.status == "pending":
        errors.add("status", "The application is already pending.")
    if any(d.state not in REVERTABLE_DECLARATION_STATES for d in _declarations(store, application)):
        errors.add(
            "base",
            "The application has declarations that are not voided, ineligible or clawed back: "
            "void them first.",
        )
    errors.raise_any()
    now = actor.now_for(application.lead_provider_id)
    application.status, application.funded_place = "pending", None
    profile = store.npq_profiles.get(application.id)
    if profile is not None:
        profile.states = ()
        touch(now, profile)
    touch(now, application, store.users[application.user_id])
    return application


def change_cohort(
    store: Store, actor: EventActor, application_id: str, attributes: Mapping[str, object]
) -> NPQApplication:
    """The application moves to another of the NPQ service's cohorts (`"2025b"`), keeping its schedule's
    identifier in the new cohort. Refused while it has any declaration, or when the new cohort lacks the
    schedule."""
    application = _application(store, actor, application_id)
    given = attributes.get("cohort")
    known = one_of(c.identifier for c in store.reference.npq_cohorts)
    errors = Errors()
    target = named_cohort(store.reference, given)
    if target is None:
        errors.add("cohort", f"`cohort` must be one of the NPQ service's cohorts: {known}.")
        errors.raise_any()
    assert target is not None
    if (target.start_year, target.suffix) == (application.cohort, application.cohort_suffix):
        errors.add("cohort", "The application is already in this cohort.")
    if _declarations(store, application):
        errors.add("base", "The application has declarations: its cohort cannot change.")
    schedule = application.schedule_identifier
    if schedule and store.reference.schedule(schedule, target.start_year, target.suffix) is None:
        errors.add("cohort", f"The {target.identifier} cohort has no {schedule} schedule.")
    errors.raise_any()
    now = actor.now_for(application.lead_provider_id)
    application.cohort, application.cohort_suffix = target.start_year, target.suffix
    profile = store.npq_profiles.get(application.id)
    if profile is not None:
        profile.cohort = target.start_year
        touch(now, profile)
    touch(now, application, store.users[application.user_id])
    return application


def set_funding_eligibility(
    store: Store, actor: EventActor, application_id: str, attributes: Mapping[str, object]
) -> NPQApplication:
    """DfE changes an application's funding verdict: `eligible_for_funding`, with an optional
    `ineligible_for_funding_reason` (only when ineligible), `targeted_delivery_funding_eligibility`
    (only when eligible, never on the early headship coaching or additional support offers) and
    `funded_by_policy` (only when eligible: funded even if the person was funded before). A funded place
    must go before its holder becomes ineligible."""
    application = _application(store, actor, application_id)
    eligible = attributes.get("eligible_for_funding")
    reason = attributes.get("ineligible_for_funding_reason")
    targeted = attributes.get("targeted_delivery_funding_eligibility", False)
    policy = attributes.get("funded_by_policy", False)
    errors = Errors()
    if not isinstance(policy, bool) or (policy and eligible is not True):
        errors.add("funded_by_policy", "`funded_by_policy` is true or false, and true only when eligible.")
    if not isinstance(eligible, bool):
        errors.add("eligible_for_funding", "Give `eligible_for_funding`: true or false.")
    if reason is not None and (eligible is not False or reason not in INELIGIBLE_REASONS):
        errors.add(
            "ineligible_for_funding_reason",
            f"Only an ineligible application has a reason, one of: {one_of(INELIGIBLE_REASONS)}.",
        )
    if not isinstance(targeted, bool) or (
        targeted and (eligible is not True or application.course_identifier in NO_UPLIFT_COURSES)
    ):
        errors.add(
            "targeted_delivery_funding_eligibility",
            "Targeted delivery funding is true or false, and true only for an eligible application on a "
            "course other than the early headship coaching offer and the additional support offer.",
        )
    if eligible is False and application.funded_place is True:
        errors.add("funded_place", "The application holds a funded place: change it before the verdict.")
    errors.raise_any()
    assert isinstance(eligible, bool) and isinstance(targeted, bool) and isinstance(policy, bool)
    application.eligible_for_funding, application.funded_by_policy = eligible, policy
    application.ineligible_for_funding_reason = reason if isinstance(reason, str) else None
    application.targeted_delivery_funding_eligibility = targeted
    touch(actor.now_for(application.lead_provider_id), application, store.users[application.user_id])
    return application


def record_trn_check(
    store: Store, actor: EventActor, application_id: str, attributes: Mapping[str, object]
) -> NPQApplication:
    """The result of DfE's check of the applicant's TRN with the Teaching Record System: `verified` true
    records the TRN (the one given, else the person's own) as verified, false as not. It is the person's:
    every application of theirs shows it, with any provider, those made later included."""
    application = _application(store, actor, application_id)
    user = store.users[application.user_id]
    trn = attributes.get("teacher_reference_number")
    verified = attributes.get("verified")
    errors = Errors()
    if trn is not None and not (isinstance(trn, str) and len(trn) == 7 and trn.isdigit()):
        errors.add("teacher_reference_number", "`teacher_reference_number` must be 7 digits.")
    if not isinstance(verified, bool):
        errors.add("verified", "Give `verified`: true or false.")
    if verified is True and trn is None and user.teacher_reference_number is None:
        errors.add(
            "teacher_reference_number",
            "The person has no TRN: give the `teacher_reference_number` the check found.",
        )
    errors.raise_any()
    assert isinstance(verified, bool)
    now = actor.now_for(application.lead_provider_id)
    if isinstance(trn, str) and trn != user.teacher_reference_number:
        set_teacher_reference_number(store, user_id=user.id, trn=trn, now=now)
    user.teacher_reference_number_validated = verified
    touch(now, user)
    return application
