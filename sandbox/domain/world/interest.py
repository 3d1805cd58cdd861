"""The people behind an expression of interest (rect.md §0, §5.1, §5.4, §6.4).

A school that registers a provider-led ECT or mentor before any partnership names the lead provider it
chose for the year: RECT keeps a training period with that expression of interest (EOI) and no
partnership. Such a person is nobody's participant yet: the world keeps them as an `InterestPeriod`
beside their user, with no profile or induction record, so no provider's list or lookup reaches them;
the school's `expression_of_interest` for that provider and year is what shows. When the provider
partners with the school for the year, every such period there becomes an induction record under the
new partnership (upstream's `SchoolPartnerships::AssignTrainingPeriods`), and the person appears.

Data-level, like `registration`: seeds and events call these; invariants broken are ValueErrors.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.domain.world.entities import InductionRecord, InterestPeriod, Partnership
from sandbox.domain.world.registration import (
    record_registration,
    require_schedule,
    set_school_cohort,
    set_working_pattern,
)
from sandbox.domain.world.stamps import require, require_cohort, touch, touch_profile
from sandbox.store import Store

PROVIDER_LED = "full_induction_programme"


def record_interest_registration(
    store: Store,
    *,
    user_id: str,
    school_id: str,
    lead_provider_id: str,
    participant_type: str,
    cohort: int,
    start_date: datetime,
    now: datetime,
    schedule_identifier: str = "ecf-standard-september",
    preferred_email: str | None = None,
    working_pattern: str | None = None,
) -> InterestPeriod:
    """A school registers someone for provider-led training with the provider it chose. The school is then
    on a provider-led programme for the year. If the provider already partners the school for the year,
    the period joins that partnership at once (RECT registers the person under it); otherwise it waits
    for one."""
    require(store.users, user_id, "user")
    require(store.schools, school_id, "school")
    if not require(store.lead_providers, lead_provider_id, "lead provider").has_ecf:
        raise ValueError("an expression of interest names an ECF provider")
    require_cohort(store, cohort)
    if participant_type not in ("ect", "mentor"):
        raise ValueError(f"unknown participant type {participant_type!r}")
    require_schedule(store, schedule_identifier, cohort, participant_type)
    if working_pattern is not None and participant_type != "ect":
        raise ValueError("only ECTs have a working pattern")
    period = store.add_interest_period(
        InterestPeriod(
            store.new_id(),
            user_id,
            school_id,
            lead_provider_id,
            participant_type,
            cohort,
            schedule_identifier,
            start_date,
            now,
            now,
            preferred_email=preferred_email,
            working_pattern=working_pattern,
        )
    )
    # A provider-led registration makes the school's year provider-led (RECT derives the choice from its
    # people) and moves its per-school-per-year timestamp, as any provider's EOI flag does.
    set_school_cohort(
        store, school_id=school_id, cohort=cohort, induction_programme_choice=PROVIDER_LED, now=now
    )
    standing = standing_partnership(store, school_id, lead_provider_id, cohort)
    if standing is not None:
        link_interest_period(store, period_id=period.id, partnership_id=standing.id, now=now)
    return period


def standing_partnership(
    store: Store, school_id: str, lead_provider_id: str, cohort: int
) -> Partnership | None:
    """The partnership a registration with this provider for the year joins straight away: the provider's
    unchallenged one with the school for the year, a reported partnership before a bare relationship,
    the oldest first. None: the registration waits for the provider to partner the school."""
    standing = [
        p
        for p in store.partnerships_at(school_id)
        if p.lead_provider_id == lead_provider_id and p.cohort == cohort and not p.challenged
    ]
    return min(standing, key=lambda p: (p.relationship, p.created_at), default=None)


def waiting_periods(store: Store, partnership: Partnership) -> list[InterestPeriod]:
    """The periods at the partnership's school with an EOI for its provider and year and no partnership."""
    return [
        i
        for i in store.interest_periods_at(partnership.school_id)
        if i.record_id is None
        and i.lead_provider_id == partnership.lead_provider_id
        and i.cohort == partnership.cohort
    ]


def link_interest_period(
    store: Store, *, period_id: str, partnership_id: str, now: datetime
) -> InductionRecord:
    """The period joins the partnership: the person's profile and induction record are made as of the
    school's registration (so `created_at` is when the school registered them), and `updated_at` moves
    to now, as RECT touches the teacher when a training period gains its partnership."""
    period = require(store.interest_periods, period_id, "interest period")
    partnership = require(store.partnerships, partnership_id, "partnership")
    if period.record_id is not None:
        raise ValueError("the interest period already has its partnership")
    if (partnership.school_id, partnership.lead_provider_id, partnership.cohort) != (
        period.school_id,
        period.lead_provider_id,
        period.cohort,
    ):
        raise ValueError("a partnership takes on only its own school's, provider's and year's interest")
    profile = next(
        (p for p in store.ecf_profiles_of(period.user_id) if p.participant_type == period.participant_type),
        None,
    )
    if profile is None:
        profile, record = record_registration(
            store,
            user_id=period.user_id,
            participant_type=period.participant_type,
            partnership_id=partnership.id,
            now=period.created_at,
            schedule_identifier=period.schedule_identifier,
            start_date=period.start_date,
            preferred_email=period.preferred_email,
        )
    else:
        # The person trains in this role already (a merge brought the two together): one more period.
        record = store.add_induction_record(
            InductionRecord(
                store.new_id(),
                profile.id,
                partnership.id,
                period.schedule_identifier,
                period.cohort,
                "active",
                "active",
                period.start_date,
                period.created_at,
                period.created_at,
                preferred_email=period.preferred_email,
            )
        )
    if period.working_pattern is not None:
        set_working_pattern(store, profile_id=profile.id, working_pattern=period.working_pattern)
    period.record_id = record.id
    touch(now, period)
    touch_profile(store, profile, now, record)
    return record


def link_waiting_periods(store: Store, partnership: Partnership, now: datetime) -> list[InductionRecord]:
    """Every waiting period the new partnership takes on (upstream assigns them when it is created)."""
    return [
        link_interest_period(store, period_id=i.id, partnership_id=partnership.id, now=now)
        for i in waiting_periods(store, partnership)
    ]
