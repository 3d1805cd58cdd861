"""The bulk of each ECF provider's participants, drawn at random from believable proportions."""

from __future__ import annotations

from datetime import date, datetime

from sandbox.domain.world.entities import LeadProvider
from sandbox.seed.context import SeedContext, at
from sandbox.seed.ecf import (
    Enrolled,
    Roster,
    change_status,
    declare,
    enrol,
    induction_completed,
    migrate_2021,
    new_user,
    registration_time,
)
from sandbox.seed.organisations import Layout, SchoolPlan

# Most participants are recent and on the default schedule; the rest cover what the rules treat differently.
COHORT_WEIGHTS = ((2021, 8.0), (2022, 14.0), (2023, 33.0), (2024, 45.0))
SCHEDULES = {
    "ect": (
        ("ecf-standard-september", 80.0),
        ("ecf-standard-january", 6.0),
        ("ecf-standard-april", 4.0),
        ("reduced", 4.0),
        ("extended", 6.0),
    ),
    "mentor": (
        ("ecf-standard-september", 78.0),
        ("ecf-standard-january", 5.0),
        ("ecf-standard-april", 3.0),
        ("reduced", 4.0),
        ("extended", 4.0),
        ("replacement", 6.0),
    ),
}
VARIANTS = (("september", 6.0), ("january", 2.0), ("april", 2.0))
INELIGIBLE_REASONS = {
    "ect": (
        ("different_trn", 5.0),
        ("previous_induction", 2.0),
        ("active_flags", 1.0),
        ("exempt_from_induction", 2.0),
    ),
    "mentor": (("different_trn", 5.0), ("previous_participation", 3.0), ("active_flags", 1.0)),
}


def _schedule(ctx: SeedContext, participant_type: str) -> str:
    choice = ctx.weighted(SCHEDULES[participant_type])
    if choice.startswith("ecf-"):
        return choice
    return f"ecf-{choice}-{ctx.weighted(VARIANTS)}"


def _funding(ctx: SeedContext, participant_type: str) -> tuple[bool, str | None, str | None]:
    """(has a TRN, eligibility, reason): without a TRN the check cannot have run."""
    if ctx.chance(0.05):
        return False, None, None
    eligibility = ctx.weighted((("eligible", 80.0), ("ineligible", 7.0), (None, 13.0)))
    reason = ctx.weighted(INELIGIBLE_REASONS[participant_type]) if eligibility == "ineligible" else None
    return True, eligibility, reason


def _mentor_for(
    ctx: SeedContext, roster: Roster, school_id: str, when: datetime, provider_id: str
) -> Enrolled | None:
    """A mentor already registered at the school; usually one trained by the same provider, but a school
    can pair an ECT with a mentor someone else trains (an unfunded mentor for this provider)."""
    pool = [m for m in roster.mentors_by_school.get(school_id, []) if m.registered_at <= when]
    if not pool or ctx.chance(0.15):
        return None
    own = [m for m in pool if m.provider_id == provider_id]
    return ctx.pick(own if own and ctx.chance(0.75) else pool)


def _life_events(ctx: SeedContext, roster: Roster, who: Enrolled, plan: SchoolPlan) -> None:
    induction_completed(ctx, who)
    roll = ctx.rng.random()
    if roll < 0.05:
        change_status(ctx, who, "withdrawn")
        return
    if roll < 0.08:
        change_status(ctx, who, "deferred")
        return
    if roll < 0.09:
        if change_status(ctx, who, "deferred"):
            change_status(ctx, who, "active")
        return
    # Unfinished 2021 participants were moved to 2024 when 2021 payments froze, if the school's provider
    # is still the same there.
    unfinished = who.profile.participant_type == "ect" and "completed" not in who.declared
    if (
        who.profile.cohort == 2021
        and unfinished
        and plan.provider_by_cohort.get(2024) == who.provider_id
        and ctx.chance(0.6)
    ):
        when = ctx.moment(at(date(2024, 6, 1)), at(date(2024, 9, 30)))
        if when > who.last_activity:
            migrate_2021(ctx, who, plan.partnerships[2024], when)
            declare(ctx, roster, who, stop_p=0.5)


def populate_provider(
    ctx: SeedContext, layout: Layout, roster: Roster, provider: LeadProvider, count: int
) -> None:
    """`count` users who first registered with this provider, registered in time order so that mentor
    pools only ever hold mentors who were already there."""
    slots: list[tuple[datetime, str, int, SchoolPlan, str]] = []
    # The provider's schools per cohort, found once: the layout does not change while it is populated.
    schools: dict[int, list[SchoolPlan]] = {}
    for _ in range(count):
        role = ctx.weighted((("ect", 63.0), ("mentor", 32.0), ("dual", 5.0)))
        if role == "dual":
            cohort, schedule = ctx.pick((2021, 2022)), "ecf-standard-september"
        else:
            cohort, schedule = ctx.weighted(COHORT_WEIGHTS), _schedule(ctx, role)
        if cohort not in schools:
            schools[cohort] = layout.schools_of(provider.id, cohort)
        plan = ctx.pick(schools[cohort])
        slots.append((registration_time(ctx, schedule, cohort), role, cohort, plan, schedule))
    slots.sort(key=lambda slot: slot[0])
    for when, role, cohort, plan, schedule in slots:
        if role == "dual":
            _dual(ctx, roster, plan, cohort, when)
        else:
            _single(ctx, roster, provider, plan, role, cohort, schedule, when)


def _single(
    ctx: SeedContext,
    roster: Roster,
    provider: LeadProvider,
    plan: SchoolPlan,
    role: str,
    cohort: int,
    schedule: str,
    when: datetime,
) -> None:
    has_trn, eligibility, reason = _funding(ctx, role)
    ect = role == "ect"
    uplifts = (ect and ctx.chance(0.3), ect and ctx.chance(0.12))
    mentor = _mentor_for(ctx, roster, plan.school.id, when, provider.id) if ect else None
    who = enrol(
        ctx,
        roster,
        plan.partnerships[cohort],
        role,
        schedule_identifier=schedule,
        registered_at=when,
        user=new_user(ctx, when, trn=has_trn),
        eligibility=eligibility,
        reason=reason,
        uplifts=uplifts,
        mentor=mentor,
    )
    declare(ctx, roster, who, stop_p=0.07, void_p=0.03)
    _life_events(ctx, roster, who, plan)


def _dual(ctx: SeedContext, roster: Roster, plan: SchoolPlan, cohort: int, when: datetime) -> None:
    """An ECT of an early cohort who finished induction and now mentors at the same school."""
    ect = enrol(
        ctx,
        roster,
        plan.partnerships[cohort],
        "ect",
        registered_at=when,
        uplifts=(ctx.chance(0.3), ctx.chance(0.1)),
    )
    declare(ctx, roster, ect, stop_p=0.02)
    induction_completed(ctx, ect)
    mentor_cohort = ctx.pick((2023, 2024))
    mentor_when = max(registration_time(ctx, "ecf-standard-september", mentor_cohort), ect.last_activity)
    mentor = enrol(
        ctx, roster, plan.partnerships[mentor_cohort], "mentor", registered_at=mentor_when, user=ect.user
    )
    declare(ctx, roster, mentor, stop_p=0.1)
