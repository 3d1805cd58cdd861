"""DfE-side NPQ records: applications, contracts, and the data-level accept and reject the seed and
the control API use (the provider-facing rules are separate)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import datetime
from typing import Any, Literal

from sandbox.domain.world.entities import (
    NPQApplication,
    NPQContract,
    NPQDeliveryPartnership,
    NPQProfile,
)
from sandbox.domain.world.stamps import require, require_cohort, touch, touch_profile
from sandbox.store import Store

# -- NPQ ------------------------------------------------------------------------------------------


# What the applicant and DfE's eligibility checks put on an application: every field of `NPQApplication`
# but its identity, its status and what accepting it sets. Each keeps the entity's default when not given.
_SET_BY_THE_SERVICE = (
    "id", "user_id", "lead_provider_id", "course_identifier", "cohort", "status", "created_at", "updated_at",
    "funded_place", "schedule_identifier", "cohort_suffix", "reason_for_rejection",
)  # fmt: skip
# The one answer an application carries that belongs to its applicant: the verdict of DfE's TRN check.
PERSON_DETAILS = ("teacher_reference_number_validated",)
APPLICATION_DETAILS = (
    *(f.name for f in fields(NPQApplication) if f.name not in _SET_BY_THE_SERVICE),
    *PERSON_DETAILS,
)


def create_npq_application(
    store: Store,
    *,
    user_id: str,
    lead_provider_id: str,
    course_identifier: str,
    cohort: int,
    now: datetime,
    details: Mapping[str, Any] | None = None,
    cohort_suffix: str = "a",
) -> NPQApplication:
    require(store.users, user_id, "user")
    if not require(store.lead_providers, lead_provider_id, "lead provider").has_npq:
        raise ValueError("the provider has no NPQ side")
    if not store.reference.is_npq_course(course_identifier):
        raise ValueError(f"{course_identifier!r} is not an NPQ course")
    if store.reference.npq_cohort(cohort, cohort_suffix) is None:
        raise ValueError(f"unknown NPQ cohort {cohort}{cohort_suffix}")
    details = dict(details or {})
    unknown = set(details) - set(APPLICATION_DETAILS)
    if unknown:
        raise ValueError(f"not application details: {sorted(unknown)}")
    user = store.users[user_id]
    for name in PERSON_DETAILS:
        if name in details:
            setattr(user, name, details.pop(name))
    return store.add_npq_application(
        NPQApplication(
            store.new_id(),
            user_id,
            lead_provider_id,
            course_identifier,
            cohort,
            "pending",
            now,
            now,
            cohort_suffix=cohort_suffix,
            **details,
        )
    )


def create_npq_contract(
    store: Store,
    *,
    lead_provider_id: str,
    cohort: int,
    course_identifier: str,
    funding_cap: int,
    cohort_suffix: str = "a",
) -> NPQContract:
    if not store.reference.is_npq_course(course_identifier):
        raise ValueError(f"{course_identifier!r} is not an NPQ course")
    contract = NPQContract(lead_provider_id, cohort, course_identifier, funding_cap, cohort_suffix)
    return store.add_npq_contract(contract)


def record_npq_delivery_partnership(
    store: Store, *, lead_provider_id: str, delivery_partner_id: str, cohort: int, cohort_suffix: str = "a"
) -> NPQDeliveryPartnership:
    """DfE records that a delivery partner delivers a provider's NPQ courses in one exact cohort."""
    require(store.lead_providers, lead_provider_id, "lead provider")
    require(store.delivery_partners, delivery_partner_id, "delivery partner")
    require_cohort(store, cohort)
    partnership = NPQDeliveryPartnership(lead_provider_id, delivery_partner_id, cohort, cohort_suffix)
    store.npq_delivery_partnerships.add(partnership)
    return partnership


def move_npq_application(store: Store, *, application_id: str, lead_provider_id: str, now: datetime) -> None:
    """DfE moves an application (and its training record) to another provider; the declarations the
    first provider made stay its own."""
    application = require(store.npq_applications, application_id, "application")
    if not require(store.lead_providers, lead_provider_id, "lead provider").has_npq:
        raise ValueError("the provider has no NPQ side")
    application.lead_provider_id = lead_provider_id
    touch(now, application)
    store.note_application_move(application)
    profile = store.npq_profiles.get(application.id)
    if profile is not None:
        profile.lead_provider_id = lead_provider_id
        touch_profile(store, profile, now)


def _capped(store: Store, application: NPQApplication) -> bool:
    contracts = store.npq_contracts_for(
        application.lead_provider_id, application.cohort, application.course_identifier
    )
    return any(c.cohort_suffix == application.cohort_suffix and c.funding_cap > 0 for c in contracts)


def accept_npq_application(
    store: Store,
    *,
    application_id: str,
    schedule_identifier: str,
    now: datetime,
    funded_place: bool | None = None,
    siblings: Literal["pending", "any"] = "pending",
    rejection_reason: str | None = None,
) -> NPQProfile:
    """Data-level accept: the profile (same id as the application) on the given schedule, and the person's
    other applications for the course and exact cohort rejected, as upstream does: the pending ones (the
    ECF service), or every one whatever its provider or status, with `rejection_reason` (the NPQ
    service)."""
    application = require(store.npq_applications, application_id, "application")
    if application.status != "pending":
        raise ValueError(f"the application is {application.status}")
    schedule = store.reference.schedule(schedule_identifier, application.cohort, application.cohort_suffix)
    if schedule is None or application.course_identifier not in schedule.permitted_courses:
        raise ValueError(f"schedule {schedule_identifier} {application.cohort} is not valid for the course")
    application.status, application.schedule_identifier = "accepted", schedule_identifier
    # `funded_place` only means something where the contract caps funded places (2024 onwards).
    application.funded_place = funded_place if _capped(store, application) else None
    touch(now, application)
    for other in store.applications_of(application.user_id):
        if (
            other.id != application.id
            and (siblings == "any" or other.status == "pending")
            and (other.cohort, other.cohort_suffix) == (application.cohort, application.cohort_suffix)
            and other.course_identifier == application.course_identifier
        ):
            other.status = "rejected"
            if rejection_reason is not None:
                other.reason_for_rejection = rejection_reason
            touch(now, other)
            if (sibling_profile := store.npq_profiles.get(other.id)) is not None:
                touch_profile(store, sibling_profile, now)
    profile = NPQProfile(
        application.id,
        application.user_id,
        application.lead_provider_id,
        application.course_identifier,
        schedule_identifier,
        application.cohort,
        "active",
        now,
        now,
    )
    store.npq_profiles[profile.id] = profile
    touch_profile(store, profile, now)
    return profile


def reject_npq_application(store: Store, *, application_id: str, now: datetime) -> NPQApplication:
    application = require(store.npq_applications, application_id, "application")
    if application.status != "pending":
        raise ValueError(f"the application is {application.status}")
    application.status = "rejected"
    touch(now, application)
    return application
