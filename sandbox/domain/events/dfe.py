"""What DfE itself does to ECF people (domain.md §4.2, §7), as the control API's events: the eligibility
check (with the TRN it validates and the uplifts), merging a duplicate person, archiving a person's
account, and the induction end date DQT reports. They follow the order `events.school` describes:
find, authorise, validate, change.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.domain.errors import Errors, NotFound, ValidationFailed
from sandbox.domain.events.school import (
    TRN_PATTERN,
    Gate,
    PeopleEvent,
    current_record,
    find_profile,
    find_user,
    parse_day,
    profile_providers,
    record_provider,
)
from sandbox.domain.world import registration
from sandbox.domain.world.stamps import touch, touch_profile
from sandbox.store import Store

# Upstream's ECFParticipantEligibility reasons (its `none` is our null).
INELIGIBILITY_REASONS = (
    "active_flags",
    "previous_participation",
    "previous_induction",
    "no_qts",
    "different_trn",
    "duplicate_profile",
    "no_induction",
    "exempt_from_induction",
)
ELIGIBILITY_FIELDS = (
    "eligibility",
    "reason",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "pupil_premium_uplift",
    "sparsity_uplift",
)


# -- the eligibility check ------------------------------------------------------------------------


def set_eligibility(
    store: Store, gate: Gate, training_record_id: str, request: Mapping[str, Any]
) -> PeopleEvent:
    """Sets whichever of ELIGIBILITY_FIELDS the request holds. `teacher_reference_number_validated` is what
    the check found: false means it found a different TRN (ineligible, reason `different_trn`, unless the
    profile is unchecked), true needs a checked profile with another reason."""
    profile = find_profile(store, training_record_id)
    user = store.users[profile.user_id]
    providers = profile_providers(store, profile)
    gate.authorise(providers)
    errors = Errors()
    if not any(key in request for key in ELIGIBILITY_FIELDS):
        raise ValidationFailed.single("base", f"Give at least one of: {', '.join(ELIGIBILITY_FIELDS)}.")
    eligibility, reason = profile.eligibility, profile.ineligibility_reason
    if "eligibility" in request:
        eligibility, reason = request["eligibility"], None
        if eligibility not in (None, "eligible", "ineligible"):
            errors["eligibility"] = [
                "Give '#/eligibility': 'eligible', 'ineligible' or null (not checked yet)."
            ]
    if request.get("reason") is not None:
        reason = request["reason"]
        if reason not in INELIGIBILITY_REASONS:
            errors["reason"] = [f"Give a '#/reason' from: {', '.join(INELIGIBILITY_REASONS)}."]
    trn = (
        request["teacher_reference_number"]
        if "teacher_reference_number" in request
        else user.teacher_reference_number
    )
    if trn is not None and not (isinstance(trn, str) and TRN_PATTERN.match(trn)):
        errors["teacher_reference_number"] = ["A '#/teacher_reference_number' has 7 digits."]
    validated = request.get("teacher_reference_number_validated")
    if validated is False:
        if "eligibility" not in request and eligibility is not None:
            eligibility = "ineligible"  # the check found another TRN: no longer eligible
        if eligibility == "eligible":
            errors["teacher_reference_number_validated"] = [
                "A participant whose TRN is not validated cannot be eligible."
            ]
        elif eligibility == "ineligible":
            if reason not in (None, "different_trn"):
                errors.add("reason", "An unvalidated TRN makes the reason 'different_trn'.")
            reason = "different_trn"
    elif validated is True:
        if eligibility is None:
            errors["teacher_reference_number_validated"] = [
                "The eligibility check validates the TRN: give '#/eligibility' too."
            ]
        elif reason == "different_trn":
            if request.get("reason") == "different_trn":
                errors.add("reason", "A validated TRN cannot have the reason 'different_trn'.")
            reason = None
    if validated is not None and not trn:
        errors.add("teacher_reference_number", "Only a '#/teacher_reference_number' can be validated.")
    if reason is not None and eligibility != "ineligible" and "reason" not in errors:
        errors["reason"] = ["Only an ineligible participant has a '#/reason'."]
    uplifts = {k: request.get(k) for k in ("pupil_premium_uplift", "sparsity_uplift")}
    for key, value in uplifts.items():
        if value is not None and not isinstance(value, bool):
            errors[key] = [f"Give '#/{key}' as true or false."]
    errors.raise_any()
    after = (
        eligibility,
        reason,
        trn,
        *(v if v is not None else getattr(profile, k) for k, v in uplifts.items()),
    )
    before = (profile.eligibility, profile.ineligibility_reason, user.teacher_reference_number)
    before += (profile.pupil_premium_uplift, profile.sparsity_uplift)
    if after != before:  # an unchanged record is not saved, so nothing is touched
        now = gate.instant(record_provider(store, current_record(store, profile)))
        registration.record_eligibility(
            store, profile_id=profile.id, eligibility=eligibility, now=now, reason=reason, **uplifts
        )
        if trn != user.teacher_reference_number:
            registration.set_teacher_reference_number(store, user_id=user.id, trn=trn, now=now)
    return PeopleEvent(user, (profile,), (), (), tuple(sorted(providers)))


# -- merging a duplicate person ---------------------------------------------------------------------


def merge_participants(
    store: Store, gate: Gate, participant_id: str, request: Mapping[str, Any]
) -> PeopleEvent:
    """The duplicate `participant_id` is merged into `into_participant_id`: its records move over, the
    survivor shows the change in `participant_id_changes`, and the old id keeps resolving for writes."""
    duplicate = store.users.get(participant_id)
    if duplicate is None:
        if participant_id in store.retired_user_ids:
            raise ValidationFailed.single(
                "participant_id",
                f"This participant has already been merged into {store.resolve_user_id(participant_id)}.",
            )
        raise NotFound(participant_id)
    errors = Errors()
    survivor = find_user(store, request.get("into_participant_id"))
    if survivor is None:
        errors["into_participant_id"] = ["No participant has the '#/into_participant_id' you gave."]
    elif survivor.id == duplicate.id:
        errors["into_participant_id"] = ["A participant cannot be merged into themselves."]
    involved = _providers_of(store, duplicate.id) | (_providers_of(store, survivor.id) if survivor else set())
    gate.authorise(involved)
    if survivor is not None and survivor.id != duplicate.id:
        kinds = {p.participant_type for p in store.ecf_profiles_of(survivor.id)}
        both = sorted({p.participant_type for p in store.ecf_profiles_of(duplicate.id)} & kinds)
        if both:
            errors["into_participant_id"] = [
                f"Both participants have an {both[0].upper()} training record: the sandbox cannot merge two."
            ]
    errors.raise_any()
    assert survivor is not None
    now = gate.instant(_home_provider(store, duplicate.id) or _home_provider(store, survivor.id))
    profiles = store.ecf_profiles_of(duplicate.id)
    moved = [*store.declarations_of(duplicate.id), *store.applications_of(duplicate.id)]
    moved += [p for p in store.npq_profiles.values() if p.user_id == duplicate.id]
    registration.merge_users(store, from_user_id=duplicate.id, to_user_id=survivor.id, now=now)
    # Their participant_id changed, so each record that shows it is saved again (syncs pick them up).
    touch(now, *moved)
    for profile in profiles:
        touch_profile(store, profile, now)
    merged = tuple(store.ecf_profiles_of(survivor.id))
    return PeopleEvent(survivor, merged, (), (), tuple(sorted(involved)))


def _providers_of(store: Store, user_id: str) -> set[str]:
    """Every provider that trains or has trained the person, ECF or NPQ."""
    found = {
        record_provider(store, r) for p in store.ecf_profiles_of(user_id) for r in store.records_of(p.id)
    }
    return found | {a.lead_provider_id for a in store.applications_of(user_id)}


def _home_provider(store: Store, user_id: str) -> str | None:
    profiles = store.ecf_profiles_of(user_id)
    if profiles:
        return record_provider(store, current_record(store, profiles[0]))
    applications = store.applications_of(user_id)
    return applications[0].lead_provider_id if applications else None


# -- archiving a person's account ------------------------------------------------------------------


def archive_user(store: Store, gate: Gate, participant_id: str) -> PeopleEvent:
    """DfE archives the person's account (npq.md §6.4): the NPQ service then shows their email as null.
    Archiving an archived person changes nothing."""
    user = find_user(store, participant_id)
    if user is None:
        raise NotFound(participant_id)
    involved = _providers_of(store, user.id)
    gate.authorise(involved)
    if not user.archived:
        registration.archive_user(store, user_id=user.id, now=gate.instant(_home_provider(store, user.id)))
    return PeopleEvent(user, tuple(store.ecf_profiles_of(user.id)), (), (), tuple(sorted(involved)))


# -- DQT reports the end of an ECT's induction --------------------------------------------------


def record_induction_end_date(
    store: Store, gate: Gate, training_record_id: str, request: Mapping[str, Any]
) -> PeopleEvent:
    """`induction_end_date` (YYYY-MM-DD, or null to clear): the date an ECT passed or failed induction."""
    profile = find_profile(store, training_record_id)
    providers = profile_providers(store, profile)
    gate.authorise(providers)
    errors = Errors()
    if profile.participant_type != "ect":
        errors["base"] = ["Only an ECT has an induction end date."]
    if "induction_end_date" not in request:
        errors["induction_end_date"] = [
            "Give '#/induction_end_date' as a date (YYYY-MM-DD), or null to clear it."
        ]
    end = None
    if request.get("induction_end_date") is not None:
        moment = parse_day(errors, "induction_end_date", request["induction_end_date"])
        end = moment.date() if moment else None
    errors.raise_any()
    if end != profile.induction_end_date:
        now = gate.instant(record_provider(store, current_record(store, profile)))
        registration.set_induction_end_date(store, profile_id=profile.id, induction_end_date=end, now=now)
    return PeopleEvent(store.users[profile.user_id], (profile,), (), (), tuple(sorted(providers)))
