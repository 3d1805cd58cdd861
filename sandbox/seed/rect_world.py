"""What the "Register early career teachers" service (RECT) shows beyond the older API's world: its 2025
and 2026 contract periods with participants training in them, and the induction start dates and working
patterns of every ECT (rect.md §4, §5.1).

The seed runs after everything else, so the draws of the 2021-2024 world stay what they were. It holds
to the world instant like the rest: the 2025 and 2026 participants were registered by 15 November 2024,
and their training starts on the day their schedule does, which the sandbox's clock (late 2026) has
passed, except for the schedules that start in 2027.
"""

from __future__ import annotations

from datetime import timedelta

from sandbox.domain.finance.ledger import create_statements
from sandbox.domain.world.registration import (
    add_provider_relationship,
    set_induction_start_date,
    set_school_cohort,
    set_working_pattern,
)
from sandbox.seed.context import SeedContext
from sandbox.seed.ecf import Enrolled, Roster, enrol, programme_start, registration_time
from sandbox.seed.organisations import Layout, SchoolPlan, partner

RECT_YEARS = (2025, 2026)
SCHEDULES = (("ecf-standard-september", 80.0), ("ecf-standard-january", 12.0), ("ecf-standard-april", 8.0))
WORKING_PATTERNS = (("full_time", 85.0), ("part_time", 12.0), (None, 3.0))
# ECTs an appropriate body has not yet registered an induction period for (their start date is null).
NO_INDUCTION_P = 0.1


def rect_share(participants: int) -> int:
    """How many of a provider's participants train in each of RECT's own years."""
    return max(3, participants // 10)


def open_rect_years(ctx: SeedContext, layout: Layout) -> None:
    """Every ECF provider's statements for 2025 and 2026 (the NPQ service's cohorts of those years have
    their own, seed/npq_cohorts.py); every ECF provider keeps its delivery partners."""
    for provider in layout.ecf:
        create_statements(
            ctx.store, lead_provider_id=provider.id, as_of=ctx.now, years=RECT_YEARS, sides=("ecf",)
        )
    for provider in layout.ecf:
        for partner_id in layout.dps_by_provider[provider.id]:
            for year in RECT_YEARS:
                add_provider_relationship(
                    ctx.store, lead_provider_id=provider.id, delivery_partner_id=partner_id, cohort=year
                )


def populate_rect_years(ctx: SeedContext, layout: Layout, roster: Roster, count: int) -> None:
    """`count` participants per ECF provider and year, at the schools it trained in 2024, which stay
    provider-led with it. None has a declaration yet: the world instant precedes their training."""
    for provider in layout.ecf:
        schools = layout.schools_of(provider.id, 2024)
        for year in RECT_YEARS:
            for plan in schools:
                partner(ctx, layout, plan, provider.id, year)
            mentors: dict[str, list[Enrolled]] = {}
            for number in range(count):
                plan = schools[number % len(schools)]
                role = "mentor" if number % 3 == 2 else "ect"
                join_rect_year(ctx, roster, plan, year, role, mentors)


def join_rect_year(
    ctx: SeedContext,
    roster: Roster,
    plan: SchoolPlan,
    year: int,
    role: str,
    mentors: dict[str, list[Enrolled]],
    *,
    schedule: str | None = None,
) -> Enrolled:
    """One participant of a 2025 or 2026 partnership, mentored by a mentor already at the school."""
    schedule = schedule or ctx.weighted(SCHEDULES)
    when = registration_time(ctx, schedule, year)
    at_school = mentors.get(plan.school.id, [])
    who = enrol(
        ctx,
        roster,
        plan.partnerships[year],
        role,
        schedule_identifier=schedule,
        registered_at=when,
        start_date=programme_start(schedule, year) + timedelta(days=ctx.rng.randint(0, 6)),
        mentor=at_school[-1] if role == "ect" and at_school else None,
    )
    if role == "mentor":
        mentors.setdefault(plan.school.id, []).append(who)
    return who


def school_led(ctx: SeedContext, plan: SchoolPlan, year: int) -> None:
    """The school trains its ECTs itself this year (RECT's `school_led`): no provider sees them."""
    set_school_cohort(
        ctx.store,
        school_id=plan.school.id,
        cohort=year,
        induction_programme_choice="core_induction_programme",
        now=ctx.now - timedelta(days=ctx.rng.randint(2, 40)),
    )


def describe_ects(ctx: SeedContext, roster: Roster) -> None:
    """Each ECT's induction start (usually the day training began) and working pattern. Recorded as of
    registration, so no `updated_at` moves."""
    for who in roster.enrolled:
        profile = who.profile
        if profile.participant_type != "ect" or profile.working_pattern or profile.induction_start_date:
            continue  # a mentor, or an ECT a scenario has described already
        set_working_pattern(
            ctx.store, profile_id=who.profile.id, working_pattern=ctx.weighted(WORKING_PATTERNS)
        )
        if ctx.chance(NO_INDUCTION_P):
            continue
        started = who.record.start_date.date()
        ended = who.profile.induction_end_date
        start = min(started, ended - timedelta(days=1)) if ended else started
        set_induction_start_date(
            ctx.store, profile_id=who.profile.id, start_date=start, now=who.registered_at
        )
