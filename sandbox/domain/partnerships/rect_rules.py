"""Creating a partnership under RECT's rules (rect.md §6.4, §3.3): no challenges, several providers per
school and cohort, but one partnership per provider, school and cohort through the API.

Checks run in the real service's order and messages are grouped per attribute in the order the attribute
first failed: presence of the three attributes, the cohort (known, started, open), the school (known,
eligible), the delivery partner (known, working with the provider in the cohort), then an existing
partnership of this provider and a school-led school. Nothing changes until every check has passed.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from typing import Any, Literal

from sandbox.domain.errors import Errors
from sandbox.domain.partnerships import rules
from sandbox.domain.values import absent, cohort_year
from sandbox.domain.world.entities import LeadProvider, Partnership
from sandbox.store import Store

COHORT_FUTURE = "You cannot create a partnership for a future cohort."
COHORT_CLOSED = "You cannot create this partnership as the cohort is closed."
SCHOOL_LED = (
    "This school has only registered school-led participants. Contact the school for more information."
)
# The world's programme choices RECT reads as `school_led` (rect.md §4.4).
SCHOOL_LED_CHOICES = ("school_led", "core_induction_programme", "design_our_own", "school_funded_fip")


def period_starts(year: int) -> date:
    """A contract period runs from 1 June of its year (rect.md §4.1)."""
    return date(year, 6, 1)


def _cohort(store: Store, errors: Errors, cohort: Any, today: date) -> int | None:
    """The contract period's year when it is known (even if refused as future or closed)."""
    year = cohort_year(cohort)
    period = store.reference.contract_period(year) if year is not None else None
    if period is None:
        errors.add("cohort", rules.COHORT_INVALID)
        return None
    if today < period_starts(year):
        errors.add("cohort", COHORT_FUTURE)
    elif not period.enabled:
        errors.add("cohort", COHORT_CLOSED)
    return year


def create_errors(
    store: Store,
    provider: LeadProvider,
    today: date,
    cohort: Any,
    school_id: Any,
    delivery_partner_id: Any,
) -> Errors:
    errors = Errors()
    for attribute, value, message in (
        ("cohort", cohort, rules.COHORT_BLANK),
        ("school_id", school_id, rules.SCHOOL_BLANK),
        ("delivery_partner_id", delivery_partner_id, rules.DELIVERY_PARTNER_BLANK),
    ):
        if absent(value):
            errors.add(attribute, message)
    year = None if absent(cohort) else _cohort(store, errors, cohort, today)
    # Ids are strings: a number or a list names no record.
    school = store.schools.get(school_id) if isinstance(school_id, str) else None
    if not absent(school_id):
        if school is None:
            errors.add("school_id", rules.SCHOOL_INVALID)
        elif not school.eligible:
            errors.add("school_id", rules.SCHOOL_INELIGIBLE)
    if not absent(delivery_partner_id):
        partner = (
            store.delivery_partners.get(delivery_partner_id) if isinstance(delivery_partner_id, str) else None
        )
        if partner is None:
            errors.add("delivery_partner_id", rules.DELIVERY_PARTNER_INVALID)
        elif year is None or not rules.works_with(store, provider, partner.id, year):
            errors.add("delivery_partner_id", rules.DELIVERY_PARTNER_NO_RELATIONSHIP)
    if school is not None and year is not None:
        at_school = store.partnerships_at(school.id)  # the school's few, not the provider's many
        if any(p.lead_provider_id == provider.id and p.cohort == year for p in at_school):
            errors.add("school_id", rules.SCHOOL_ALREADY_CONFIRMED)
        choice = store.school_cohorts.get((school.id, year))
        if choice is not None and choice.induction_programme_choice in SCHOOL_LED_CHOICES:
            errors.add("school_id", SCHOOL_LED)
    return errors


def create_partnership(
    store: Store,
    provider: LeadProvider,
    now: datetime,
    zone: tzinfo,
    *,
    cohort: Any,
    school_id: Any,
    delivery_partner_id: Any,
) -> Partnership:
    """A new partnership; the school is then on a provider-led programme for the cohort."""
    errors = create_errors(
        store, provider, now.astimezone(zone).date(), cohort, school_id, delivery_partner_id
    )
    errors.raise_any()
    year = cohort_year(cohort)
    assert year is not None
    school = store.schools[school_id]
    return rules.report_partnership(store, provider, school, year, delivery_partner_id, now)


def create(
    store: Store,
    provider: LeadProvider,
    now: datetime,
    zone: tzinfo,
    variant: Literal["manage-cpd", "rect"],
    **attributes: Any,
) -> Partnership:
    """The one place that picks whose create rules apply."""
    if variant == "rect":
        return create_partnership(store, provider, now, zone, **attributes)
    return rules.create_partnership(store, provider, now, **attributes)
