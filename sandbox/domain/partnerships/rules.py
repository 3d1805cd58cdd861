"""A lead provider confirming a partnership with a school, or changing its delivery partner (v3,
domain.md §4.10): the provider-facing rules, checked in the real service's order, then the change.

The errors are collected as upstream's ActiveModel validations collect them: first every blank
attribute, then the cohort, the school and the delivery partner checks, one entry per attribute in the
order it was first refused. Nothing changes and no id is drawn until every check has passed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from sandbox.domain.errors import Errors, ValidationFailed
from sandbox.domain.partnerships.reads import get_partnership
from sandbox.domain.values import absent, cohort_year
from sandbox.domain.world.entities import LeadProvider, Partnership, ProviderRelationship, School
from sandbox.domain.world.interest import link_waiting_periods
from sandbox.domain.world.registration import add_partnership, set_school_cohort
from sandbox.domain.world.stamps import touch, touch_profile
from sandbox.store import Store

COHORT_BLANK = "Enter a '#/cohort'."
COHORT_INVALID = "The '#/cohort' you have entered is invalid. Check cohort details and try again."
SCHOOL_BLANK = "Enter a '#/school_id'."
SCHOOL_INVALID = (
    "The '#/school_id' you have entered is invalid. Check school details and try again. "
    "Contact the DfE for support if you are unable to find the '#/school_id'."
)
SCHOOL_CIP_ONLY = (
    "The school you have entered has not registered to deliver DfE-funded training. "
    "Contact the school for more information."
)
SCHOOL_INELIGIBLE = (
    "The school you have entered is currently ineligible for DfE funding. "
    "Contact the school for more information."
)
SCHOOL_ALREADY_CONFIRMED = (
    "You are already in a confirmed partnership with this school for the entered cohort."
)
SCHOOL_OTHER_PROVIDER = (
    "Another provider is in a confirmed partnership with the school for the cohort you entered. "
    "Contact the school for more information."
)
SCHOOL_NOT_YET_CONFIRMED = (
    "The school you have entered has not yet confirmed they will deliver DfE-funded training. "
    "Contact the school for more information."
)
DELIVERY_PARTNER_BLANK = "Enter a '#/delivery_partner_id'."
DELIVERY_PARTNER_INVALID = (
    "The '#/delivery_partner_id' you have entered is invalid. Check delivery partner details and try again."
)
DELIVERY_PARTNER_NO_RELATIONSHIP = (
    "The entered delivery partner is not recognised to be working in partnership with you for the given "
    "cohort. Contact the DfE for more information."
)
PARTNERSHIP_CHALLENGED = (
    "Your update cannot be made as this partnership has been challenged by the school. If this partnership "
    "has been challenged in error, submit a new partnership confirmation using the endpoint "
    "POST /api/v3/partnerships/ecf."
)
DELIVERY_PARTNER_DUPLICATE = (
    "We are unable to process this request. You are already confirmed to be in partnership with the "
    "entered delivery partner. Contact the DfE for support."
)

FULL_INDUCTION_PROGRAMME = "full_induction_programme"


# -- reading the attributes -----------------------------------------------------------------------


def _lookup(records: dict[str, Any], value: Any) -> Any:
    # Ids are strings; a number, list or object names no record (and must not reach a dict lookup).
    return records.get(value) if isinstance(value, str) else None


# -- the facts the checks ask about ---------------------------------------------------------------


def _confirmed(store: Store, school_id: str, cohort: int) -> list[Partnership]:
    """Unchallenged, non-relationship partnerships of the school in the cohort: upstream's
    `school.lead_provider(year)`."""
    return [
        p
        for p in store.partnerships_at(school_id)
        if p.cohort == cohort and not p.relationship and not p.challenged
    ]


def works_with(store: Store, provider: LeadProvider, delivery_partner_id: str, cohort: int | None) -> bool:
    if cohort is None:
        return False
    return ProviderRelationship(provider.id, delivery_partner_id, cohort) in store.provider_relationships


def _school_problem(store: Store, provider: LeadProvider, school: School, cohort: int | None) -> str | None:
    if school.cip_only:
        return SCHOOL_CIP_ONLY
    if not school.eligible:
        return SCHOOL_INELIGIBLE
    if cohort is None:
        # Upstream fails with a server error here (it reads the missing cohort's year); the cohort
        # entry already explains the refusal, so the cohort-bound checks are simply not run.
        return None
    confirmed = _confirmed(store, school.id, cohort)
    if any(p.lead_provider_id == provider.id for p in confirmed):
        return SCHOOL_ALREADY_CONFIRMED
    if confirmed:
        return SCHOOL_OTHER_PROVIDER
    # A school that had a provider last cohort must first say how it will train this cohort.
    if _confirmed(store, school.id, cohort - 1) and (school.id, cohort) not in store.school_cohorts:
        return SCHOOL_NOT_YET_CONFIRMED
    return None


# -- confirming -----------------------------------------------------------------------------------


def create_partnership(
    store: Store,
    provider: LeadProvider,
    now: datetime,
    *,
    cohort: Any,
    school_id: Any,
    delivery_partner_id: Any,
) -> Partnership:
    """`POST partnerships/ecf`: a new partnership, or the provider's earlier one for the school and cohort
    (a challenged one, or a relationship with this delivery partner) confirmed again under the same id."""
    errors = Errors()
    for attribute, value, message in (
        ("cohort", cohort, COHORT_BLANK),
        ("school_id", school_id, SCHOOL_BLANK),
        ("delivery_partner_id", delivery_partner_id, DELIVERY_PARTNER_BLANK),
    ):
        if absent(value):
            errors.add(attribute, message)

    year = None
    if not absent(cohort):
        year = cohort_year(cohort)
        if year is None or store.reference.cohort(year) is None:
            year = None
            errors.add("cohort", COHORT_INVALID)

    school = None
    if not absent(school_id):
        school = _lookup(store.schools, school_id)
        problem = SCHOOL_INVALID if school is None else _school_problem(store, provider, school, year)
        if problem is not None:
            errors.add("school_id", problem)

    delivery_partner = None
    if not absent(delivery_partner_id):
        delivery_partner = _lookup(store.delivery_partners, delivery_partner_id)
        if delivery_partner is None:
            errors.add("delivery_partner_id", DELIVERY_PARTNER_INVALID)
        elif not works_with(store, provider, delivery_partner.id, year):
            # As upstream: without a valid cohort there is no relationship to find either.
            errors.add("delivery_partner_id", DELIVERY_PARTNER_NO_RELATIONSHIP)

    errors.raise_any()
    assert school is not None and delivery_partner is not None and year is not None
    return report_partnership(store, provider, school, year, delivery_partner.id, now)


def _earlier(
    store: Store, provider: LeadProvider, school: School, cohort: int, dp_id: str
) -> Partnership | None:
    """The record upstream's report reuses: first a relationship with this very delivery partner, then the
    provider's confirmed-or-challenged partnership for the school and cohort (the oldest, if several)."""
    mine = sorted(
        (p for p in store.partnerships_of(provider.id) if p.school_id == school.id and p.cohort == cohort),
        key=lambda p: p.created_at,
    )
    for partnership in mine:
        if partnership.relationship and partnership.delivery_partner_id == dp_id:
            return partnership
    return next((p for p in mine if not p.relationship), None)


def report_partnership(
    store: Store,
    provider: LeadProvider,
    school: School,
    cohort: int,
    delivery_partner_id: str,
    now: datetime,
    partnership: Partnership | None = None,
) -> Partnership:
    """Upstream's `Partnerships::Report`, shared by confirming and by changing the delivery partner.
    Confirming one takes on the people the school registered with an expression of interest in the
    provider for the year (RECT's `AssignTrainingPeriods`); changing the delivery partner does not."""
    confirming = partnership is None
    if partnership is None:
        partnership = _earlier(store, provider, school, cohort, delivery_partner_id)
    if partnership is None:
        partnership = add_partnership(
            store,
            lead_provider_id=provider.id,
            school_id=school.id,
            delivery_partner_id=delivery_partner_id,
            cohort=cohort,
            now=now,
        )
    else:
        partnership.relationship = False
        partnership.challenged_reason = partnership.challenged_at = None
        partnership.delivery_partner_id = delivery_partner_id
        touch(now, partnership)
    # Reporting a partnership puts the school on a provider-led programme (FIP) for the cohort, creating
    # the school cohort when missing and switching it otherwise, as upstream's ChangePartnership does.
    school_cohort = store.school_cohorts.get((school.id, cohort))
    if school_cohort is None or school_cohort.induction_programme_choice != FULL_INDUCTION_PROGRAMME:
        set_school_cohort(
            store,
            school_id=school.id,
            cohort=cohort,
            induction_programme_choice=FULL_INDUCTION_PROGRAMME,
            now=now,
        )
    if confirming:
        link_waiting_periods(store, partnership, now)
    _touch_school(store, school, now)
    return partnership


def _touch_school(store: Store, school: School, now: datetime) -> None:
    """Upstream touches the school and every ECF participant trained there when a partnership is saved:
    their delivery partner, or whether the provider sees them at all, may just have changed."""
    touch(now, school)
    touched: set[str] = set()
    for partnership in store.partnerships_at(school.id):
        for record in store.records_on(partnership.id):  # the index by partnership, not a scan
            if record.profile_id not in touched:
                touched.add(record.profile_id)
                touch_profile(store, store.ecf_profiles[record.profile_id], now)


# -- changing the delivery partner ----------------------------------------------------------------


def update_partnership(
    store: Store,
    provider: LeadProvider,
    now: datetime,
    partnership_id: str,
    *,
    delivery_partner_id: Any,
    variant: Literal["manage-cpd", "rect"] = "manage-cpd",
) -> Partnership:
    """`PUT partnerships/ecf/{id}`: another delivery partner for the provider's active partnership. The same
    delivery partner as now is answered with the partnership, unchanged; under RECT's rules (rect.md §6.4)
    it is refused as a duplicate, and nothing is ever refused for a challenge (RECT has none)."""
    partnership = get_partnership(store, provider, partnership_id)
    if absent(delivery_partner_id):
        raise ValidationFailed.single("delivery_partner_id", DELIVERY_PARTNER_BLANK)
    delivery_partner = _lookup(store.delivery_partners, delivery_partner_id)
    problem = None
    if delivery_partner is None:
        problem = DELIVERY_PARTNER_INVALID
    elif not works_with(store, provider, delivery_partner.id, partnership.cohort):
        problem = DELIVERY_PARTNER_NO_RELATIONSHIP
    elif partnership.challenged and variant == "manage-cpd":
        problem = PARTNERSHIP_CHALLENGED
    elif any(
        p.id != partnership.id
        and p.lead_provider_id == provider.id
        and p.cohort == partnership.cohort
        and p.delivery_partner_id == delivery_partner.id
        for p in store.partnerships_at(partnership.school_id)
    ):
        problem = DELIVERY_PARTNER_DUPLICATE
    if problem is None and variant == "rect" and delivery_partner.id == partnership.delivery_partner_id:
        problem = DELIVERY_PARTNER_DUPLICATE
    if problem is not None:
        raise ValidationFailed.single("delivery_partner_id", problem)
    if delivery_partner.id == partnership.delivery_partner_id:
        return partnership
    school = store.schools[partnership.school_id]
    return report_partnership(
        store, provider, school, partnership.cohort, delivery_partner.id, now, partnership
    )
