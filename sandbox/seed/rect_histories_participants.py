"""RECT's participant-history scenarios (rect.md §7.2: `participant_scenarios.rb`,
`ect_participant_action_scenarios.rb`, `ect_scenarios.rb`, `mentor_scenarios.rb`,
`ect_become_mentor_scenarios.rb`), codes 50-59, three of each for every ECF provider.

Each is found by the TRN `0PSSNNN` of its participant (see `rect_scenarios`). Where two shapes of the
real seed share a code (58, 59), `N` 2 is the second one. The real seed counts its dates from the day it runs;
here they are fixed from the sandbox's first day, 27 November 2026, and everything the world records
happened by the world instant (15 November 2024), so ends and starts after it are announced plans.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sandbox.domain.events.school import Gate, change_induction_status
from sandbox.domain.world.entities import LeadProvider, Partnership
from sandbox.domain.world.registration import (
    add_partnership,
    record_provider_switch,
    record_school_transfer,
    record_training_status,
    set_induction_end_date,
)
from sandbox.seed.context import SeedContext, at
from sandbox.seed.ecf import Enrolled, Roster, enrol
from sandbox.seed.organisations import Layout, new_school
from sandbox.seed.rect_scenarios import PER_SHAPE, Shape, declared_shape, home_school, scenario_person, trn

ROLES = ("ect", "mentor", "ect")  # by N: the real seed plants ECTs and mentors alike
# Days the sandbox's first day (27 November 2026) sees 1-6 months ahead, by N.
LEAVING_ON = (date(2027, 1, 8), date(2027, 3, 31), date(2027, 5, 28))
JOINING_ON = (date(2027, 1, 11), date(2027, 2, 22), date(2027, 4, 19))
UNFUNDED_MENTORS = 10  # per provider, as the real seed plants at least


def _number(key: str) -> int:
    return int(key[-3:])


def _join(
    ctx: SeedContext,
    roster: Roster,
    partnership: Partnership,
    role: str,
    starts: date,
    *,
    key: str | None = None,
    mentor: Enrolled | None = None,
) -> Enrolled:
    """Registered at the latest by the world instant, a few weeks before training starts."""
    latest = min(at(starts) - timedelta(days=1), ctx.now - timedelta(days=1))
    when = ctx.moment(latest - timedelta(days=50), latest)
    return enrol(
        ctx,
        roster,
        partnership,
        role,
        registered_at=when,
        user=None if key is None else scenario_person(ctx, key, when),
        start_date=starts,
        mentor=mentor,
    )


def _leaving(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    """Training ends 1-6 months ahead (no destination known): `leaving`, `active`."""
    number = _number(key)
    who = _join(
        ctx, roster, home_school(layout, me).partnerships[2025], ROLES[number - 1], date(2025, 9, 1), key=key
    )
    noticed = ctx.after(who.registered_at, 1, 30)
    record_school_transfer(
        ctx.store, profile_id=who.profile.id, leaving_date=at(LEAVING_ON[number - 1], 0), now=noticed
    )


def _joining(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    """A 2025 participant whose training starts 1-6 months ahead: `joining`, `active`."""
    number = _number(key)
    plan = home_school(layout, me)
    _join(ctx, roster, plan.partnerships[2025], ROLES[number - 1], JOINING_ON[number - 1], key=key)


def _left(withdrawn: bool) -> Callable[..., None]:
    """A 2024 participant whose school reported them gone a few weeks before the world instant: `left`,
    and `withdrawn` when the provider had withdrawn them that day (resume then finds them gone)."""

    def build(
        ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
    ) -> None:
        role = ROLES[_number(key) - 1]
        who = _join(ctx, roster, home_school(layout, me).partnerships[2024], role, date(2024, 9, 2), key=key)
        when = ctx.moment(ctx.now - timedelta(weeks=8), ctx.now - timedelta(weeks=1))
        if withdrawn:
            record_training_status(
                ctx.store,
                profile_id=who.profile.id,
                lead_provider_id=me.id,
                state="withdrawn",
                reason="left-teaching-profession",
                now=when,
            )
        leaving = at(when.date(), 0)
        record_school_transfer(ctx.store, profile_id=who.profile.id, leaving_date=leaving, now=when)

    return build


def _taken_over(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, other: LeadProvider, key: str
) -> None:
    """A 2024 ECT withdrawn by this provider, then trained by another provider at the same school from the
    next day: resume answers "already active with another provider". The school partnered this provider
    late in the summer and the other when it took over, so neither is among a provider's first listed."""
    plan = new_school(ctx)

    def partnership(provider: LeadProvider, when: datetime) -> Partnership:
        return add_partnership(
            ctx.store,
            lead_provider_id=provider.id,
            school_id=plan.school.id,
            delivery_partner_id=layout.dps_by_provider[provider.id][0],  # with the provider every year
            cohort=2024,
            now=when,
        )

    mine = partnership(me, ctx.moment(at(date(2024, 7, 1)), at(date(2024, 7, 12))))
    who = _join(ctx, roster, mine, "ect", date(2024, 9, 2), key=key)
    withdrawn = ctx.moment(at(date(2024, 10, 1)), at(date(2024, 11, 1)))
    record_training_status(
        ctx.store,
        profile_id=who.profile.id,
        lead_provider_id=me.id,
        state="withdrawn",
        reason="changed-lead-provider",
        now=withdrawn,
    )
    theirs = partnership(other, withdrawn)
    starting = at(withdrawn.date() + timedelta(days=1), 0)
    record_provider_switch(
        ctx.store, profile_id=who.profile.id, to_partnership_id=theirs.id, starting=starting, now=withdrawn
    )


def _mentored_across_years(mentor_year: int) -> Callable[..., None]:
    """A 2025 ECT whose mentor trains with this provider in an earlier year, at the same school."""

    def build(
        ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
    ) -> None:
        plan = home_school(layout, me)
        mentor = _join(ctx, roster, plan.partnerships[mentor_year], "mentor", date(mentor_year, 9, 4))
        _join(ctx, roster, plan.partnerships[2025], "ect", date(2025, 9, 1), key=key, mentor=mentor)

    return build


def _busy_mentor(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    """A mentor training at one school and mentoring ECTs of the same year at two: three 2025 ECTs (N 2:
    two 2024 ECTs)."""
    year, ects = (2024, 2) if _number(key) == 2 else (2025, 3)
    first, second = home_school(layout, me, 0), home_school(layout, me, 1)
    starts = date(year, 9, 2)
    mentor = _join(ctx, roster, first.partnerships[year], "mentor", starts, key=key)
    for plan in (first, second, second)[:ects]:
        _join(ctx, roster, plan.partnerships[year], "ect", starts, mentor=mentor)


def _ect_now_mentor(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    """An ECT of 2022 (N 2: of 2023) who passed induction with this provider and mentors in 2025: one
    participant_id, an ECT and a mentor enrolment. The 2023 ECT's induction was reduced to a year, so
    that it ended by the world instant."""
    year = 2023 if _number(key) == 2 else 2022
    plan = home_school(layout, me)
    ect = _join(ctx, roster, plan.partnerships[year], "ect", date(year, 9, 1), key=key)
    passed = date(2024, 7, 19) if year == 2023 else date(2024, 6, 28)
    noticed = at(passed + timedelta(days=10), 11)
    change_induction_status(
        ctx.store,
        Gate.open_at(noticed),
        ect.profile.id,
        {"induction_status": "completed", "end_date": passed.isoformat()},
    )
    set_induction_end_date(ctx.store, profile_id=ect.profile.id, induction_end_date=passed, now=noticed)
    registered = ctx.moment(ctx.now - timedelta(days=40), ctx.now - timedelta(days=1))
    enrol(
        ctx,
        roster,
        plan.partnerships[2025],
        "mentor",
        registered_at=registered,
        user=ect.user,
        start_date=date(2025, 9, 1),
    )


SHAPES: tuple[Shape, ...] = (
    Shape(50, "2025 participant leaving: training ends 1-6 months ahead", _leaving),
    Shape(51, "2025 participant joining: training starts 1-6 months ahead", _joining),
    Shape(52, "2024 participant withdrawn and gone from the school: `left`, `withdrawn`", _left(True)),
    Shape(53, "2024 participant gone from the school, not withdrawn: `left`, `active`", _left(False)),
    Shape(54, "2024 ECT withdrawn, then trained by another provider at the school: no resume", _taken_over),
    Shape(
        55,
        "2023 ECT with a paid `started` at a school partnered in other years: cohort change allowed",
        declared_shape(2023, "ect", (("started", date(2023, 9, 18)),)),
    ),
    Shape(56, "2025 ECT mentored by a 2024 mentor", _mentored_across_years(2024)),
    Shape(57, "2025 ECT mentored by a 2023 mentor", _mentored_across_years(2023)),
    Shape(58, "mentor of three 2025 ECTs at two schools (N 2: two 2024 ECTs)", _busy_mentor),
    Shape(59, "ECT who passed induction in 2022's cohort (N 2: 2023's), a 2025 mentor now", _ect_now_mentor),
)


def _unfunded_mentors(ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider) -> None:
    """RECT's `unfunded_mentors.rb`: ECTs of this provider, 2024 and 2025 in turn, mentored by mentors
    another provider trains. At the provider's last school, which trained with the previous provider in
    2022 (seed/organisations.py), those mentors are that provider's 2022 mentors."""
    # The last drawn school: scenario schools seeded before this one come after it and have no 2022.
    plan = next(
        (p for p in reversed(layout.schools_of(me.id, 2024)) if 2022 in p.partnerships),
        None,
    )
    if plan is None or plan.partnerships[2022].lead_provider_id == me.id:
        raise ValueError("the provider's last school is expected with the previous provider in 2022")
    theirs = plan.partnerships[2022]
    for number in range(UNFUNDED_MENTORS):
        year = (2024, 2025)[number % 2]
        mentor = _join(ctx, roster, theirs, "mentor", date(2022, 9, 5))
        _join(ctx, roster, plan.partnerships[year], "ect", date(year, 9, 2), mentor=mentor)


def seed_participant_histories(ctx: SeedContext, layout: Layout, roster: Roster) -> None:
    for index, provider in enumerate(layout.ecf):
        other = layout.ecf[(index + 1) % len(layout.ecf)]
        for shape in SHAPES:
            for number in range(1, PER_SHAPE + 1):
                shape.build(ctx, layout, roster, provider, other, trn(index, shape.code, number))
        _unfunded_mentors(ctx, layout, roster, provider)
