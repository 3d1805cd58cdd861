"""RECT's scenarios of people registered with an expression of interest (rect.md §7.2), for every ECF
provider, three of each, numbered as in `seed.rect_scenarios` (school URN `15PSSN`, person TRN `0PSSNNN`).

* 17 (its schools are made with the other school shapes): the school registered an ECT and a mentor for
  2025 with this provider and has no partnership; the provider sees neither until it partners.
* 18: a 2024 ECT registered with an expression of interest under the provider's 2024 partnership.
* 26, 27: a 2023 (2024) participant registered with an expression of interest at a school the provider
  has no partnership with that year: invisible, found by TRN once the provider partners there.
* 28, 29: the school's induction tutor (SIT) became a mentor there, or a mentor became its SIT: a mentor
  named and emailed as the school's tutor (upstream's `sit_become_mentor_scenarios.rb`), for the years
  in `SIT_MENTOR_YEARS`.

Seeded after every other draw of the world (`seed.world`), so that no id or value drawn before moves.
"""

from __future__ import annotations

from datetime import date, timedelta

from sandbox.domain.world.entities import InterestPeriod, LeadProvider
from sandbox.domain.world.interest import record_interest_registration
from sandbox.domain.world.registration import create_user, record_eligibility, record_registration
from sandbox.seed.context import SeedContext, at
from sandbox.seed.organisations import Layout, partner
from sandbox.seed.rect_scenarios import PER_SHAPE, scenario_person, scenario_school, trn, urn

EOI_ONLY = {26: 2023, 27: 2024}
SCENARIO_URNS = 150000  # drawn URNs are below, scenario schools' (15PSSN) from here
# (year of the tutor's partnership, year the mentor trains), for N = 1-3.
SIT_MENTOR_YEARS = {
    28: ((2022, 2024), (2023, 2025), (2025, 2025)),
    29: ((2024, 2022), (2025, 2023), (2025, 2025)),
}


def _register(
    ctx: SeedContext,
    school_id: str,
    provider: LeadProvider,
    role: str,
    year: int,
    *,
    key: str | None = None,
    registered: tuple[date, date] | None = None,
) -> InterestPeriod:
    """One person the school registered with this provider for `year`; the TRN is `key` when the
    scenario is found by it."""
    first, last = registered or (date(year, 7, 1), date(year, 8, 20))
    when = ctx.moment(at(first), at(last))
    user = scenario_person(ctx, key, when)
    return record_interest_registration(
        ctx.store,
        user_id=user.id,
        school_id=school_id,
        lead_provider_id=provider.id,
        participant_type=role,
        cohort=year,
        start_date=at(_first_weekday(year), 0),
        now=when,
        working_pattern="full_time" if role == "ect" else None,
    )


def _first_weekday(year: int) -> date:
    """Training starts on the first weekday of September."""
    start = date(year, 9, 1)
    while start.weekday() >= 5:
        start += timedelta(days=1)
    return start


def _chosen_2025(ctx: SeedContext, provider: LeadProvider, key: str) -> None:
    school = ctx.store.school_with_urn(key)
    if school is None:
        raise ValueError(f"scenario school {key} is missing")
    recent = ((ctx.now - timedelta(days=30)).date(), (ctx.now - timedelta(days=1)).date())
    for role in ("ect", "mentor"):
        _register(ctx, school.id, provider, role, 2025, registered=recent)


def _with_partnership_2024(ctx: SeedContext, layout: Layout, provider: LeadProvider, key: str) -> None:
    plan = scenario_school(ctx, key, "Expression of interest and partnership 2024", layout)
    partner(ctx, layout, plan, provider.id, 2024)
    _register(ctx, plan.school.id, provider, "ect", 2024)  # registered under the partnership at once


def _interest_only(ctx: SeedContext, layout: Layout, provider: LeadProvider, code: int, number: int) -> None:
    year = EOI_ONLY[code]
    index = layout.ecf.index(provider)
    title = f"Expression of interest {year}, no partnership"
    plan = scenario_school(ctx, urn(index, code, number), title, layout)
    role = "mentor" if number == PER_SHAPE else "ect"
    _register(ctx, plan.school.id, provider, role, year, key=trn(index, code, number))


def _tutor_as_mentor(
    ctx: SeedContext, layout: Layout, provider: LeadProvider, code: int, number: int
) -> None:
    """A mentor with the name and address of the tutor of a school the provider partners with in both
    years, training there in the mentor's year."""
    sit_year, mentor_year = SIT_MENTOR_YEARS[code][number - 1]
    plan = ctx.pick(
        [
            s
            for s in layout.schools
            if int(s.school.urn) < SCENARIO_URNS  # not another scenario's school
            and all(
                year in s.partnerships and s.partnerships[year].lead_provider_id == provider.id
                for year in (sit_year, mentor_year)
            )
        ]
    )
    school = plan.school
    if school.induction_tutor_name is None or school.induction_tutor_email is None:
        raise ValueError(f"school {school.urn} names no induction tutor")
    key = trn(layout.ecf.index(provider), code, number)
    ctx.claim(trn=key)
    when = ctx.moment(at(date(mentor_year, 7, 1)), at(date(mentor_year, 8, 20)))
    user = create_user(
        ctx.store,
        full_name=school.induction_tutor_name,
        email=school.induction_tutor_email,
        teacher_reference_number=key,
        now=when,
    )
    profile, _ = record_registration(
        ctx.store,
        user_id=user.id,
        participant_type="mentor",
        partnership_id=plan.partnerships[mentor_year].id,
        now=when,
        start_date=at(_first_weekday(mentor_year), 0),
    )
    record_eligibility(ctx.store, profile_id=profile.id, eligibility="eligible", now=when)


def seed_rect_interest(ctx: SeedContext, layout: Layout) -> None:
    for index, provider in enumerate(layout.ecf):
        for number in range(1, PER_SHAPE + 1):
            _chosen_2025(ctx, provider, urn(index, 17, number))
        for number in range(1, PER_SHAPE + 1):
            _with_partnership_2024(ctx, layout, provider, urn(index, 18, number))
        for code in EOI_ONLY:
            for number in range(1, PER_SHAPE + 1):
                _interest_only(ctx, layout, provider, code, number)
        for code in SIT_MENTOR_YEARS:
            for number in range(1, PER_SHAPE + 1):
                _tutor_as_mentor(ctx, layout, provider, code, number)
