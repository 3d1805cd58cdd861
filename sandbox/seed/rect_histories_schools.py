"""RECT's scenarios that need training-period histories (rect.md §7.2): the school shapes whose people
rolled over, changed provider or left, and the transfers `teachers/school_transfers.rb` seeds for every
pair of providers. Codes 40-47, found like the other scenarios (sandbox/seed/rect_scenarios.py): schools
by URN `15PSSN`, people by TRN `0PSSNNN`.

Their dates are fixed. Some lie after the world instant (15 November 2024): the schools registered
the 2025 training and its end ahead, as the real sandbox's seed writes them; none was recorded later
than the world instant.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sandbox.domain.world.entities import LeadProvider, Partnership
from sandbox.domain.world.registration import record_partnership_change, record_school_led_period
from sandbox.seed.context import SeedContext, at
from sandbox.seed.ecf import Enrolled, Roster, enrol, transfer
from sandbox.seed.organisations import Layout, SchoolPlan, partner
from sandbox.seed.rect_scenarios import PER_SHAPE, Shape, scenario_person, scenario_school, trn, urn
from sandbox.seed.rect_world import describe_ects

Build = Callable[[SeedContext, Layout, Roster, LeadProvider, LeadProvider, str], None]


def _ect(
    ctx: SeedContext, roster: Roster, plan: SchoolPlan, year: int, starts: date, key: str | None = None
) -> Enrolled:
    """An ECT on the standard September schedule under the school's partnership for `year`,
    registered in the summer before."""
    when = ctx.moment(at(date(year, 6, 1)), at(date(year, 8, 20)))
    if when > ctx.now:
        when = ctx.moment(ctx.now - timedelta(days=40), ctx.now - timedelta(days=10))
    user = scenario_person(ctx, key, when) if key else None
    return enrol(
        ctx, roster, plan.partnerships[year], "ect", registered_at=when, user=user, start_date=starts
    )


def _switch(ctx: SeedContext, who: Enrolled, to: Partnership, last_day: date, noticed: datetime) -> None:
    """The school moves the ECT to another of its partnerships the day after `last_day`."""
    record_partnership_change(
        ctx.store,
        profile_id=who.profile.id,
        to_partnership_id=to.id,
        ends=at(last_day, 0),
        starts=at(last_day + timedelta(days=1), 0),
        now=noticed,
    )


# -- school shapes ---------------------------------------------------------------------------------
# Their schools are kept out of the layout (`scenario_school` without one), so that no later draw places
# people there.


def _rolled_over(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    """An ECT trained under the school's 2024 partnership to 31 August 2025, then under its 2025 one."""
    plan = scenario_school(ctx, key, "Rolled over from 2024 to 2025")
    first = partner(ctx, layout, plan, me.id, 2024)
    partner(ctx, layout, plan, me.id, 2025, delivery_partner_id=first.delivery_partner_id)
    who = _ect(ctx, roster, plan, 2024, date(2024, 9, 1))
    _switch(ctx, who, plan.partnerships[2025], date(2025, 8, 31), ctx.moment(who.registered_at, ctx.now))


def _moved_provider(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, other: LeadProvider, key: str
) -> None:
    """The school's 2024 ECTs trained with this provider until 31 October 2024, then with another one
    at the same school: this provider's partnership has no one training."""
    plan = scenario_school(ctx, key, "Partnered, everyone moved to another provider")
    mine = partner(ctx, layout, plan, me.id, 2024)
    theirs = partner(ctx, layout, plan, other.id, 2024)
    plan.partnerships[2024] = mine
    for _ in range(2):
        who = _ect(ctx, roster, plan, 2024, date(2024, 9, 2))
        noticed = ctx.moment(at(date(2024, 10, 21)), at(date(2024, 10, 30)))
        _switch(ctx, who, theirs, date(2024, 10, 31), noticed)


def _trained_2025_moved_away(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, other: LeadProvider, key: str
) -> None:
    """An ECT trained with this provider from 1 September to 31 October 2025, with another one at the
    same school in November, and left the school on 30 November 2025 for nowhere known."""
    plan = scenario_school(ctx, key, "Trained in 2025, everyone moved away")
    mine = partner(ctx, layout, plan, me.id, 2025)
    theirs = partner(ctx, layout, plan, other.id, 2025)
    plan.partnerships[2025] = mine
    who = _ect(ctx, roster, plan, 2025, date(2025, 9, 1))
    noticed = ctx.moment(who.registered_at, ctx.now)
    _switch(ctx, who, theirs, date(2025, 10, 31), noticed)
    transfer(ctx, who, None, noticed_at=noticed, leaving=date(2025, 11, 30))


# -- transfers (per provider pair: N picks the other provider) -----------------------------------------

LEAVES, JOINS = date(2024, 4, 5), date(2024, 4, 15)


def _leaver(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, key: str
) -> tuple[Enrolled, SchoolPlan]:
    plan = layout.schools_of(me.id, 2023)[0]
    return _ect(ctx, roster, plan, 2023, date(2023, 9, 4), key), plan


def _noticed(ctx: SeedContext) -> datetime:
    return ctx.moment(at(LEAVES - timedelta(days=20)), at(LEAVES - timedelta(days=2)))


def _to_unknown(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    who, _ = _leaver(ctx, layout, roster, me, key)
    transfer(ctx, who, None, noticed_at=_noticed(ctx), leaving=LEAVES)


def _to_school(pick: Callable[[Layout, LeadProvider, LeadProvider], SchoolPlan]) -> Build:
    def build(
        ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, other: LeadProvider, key: str
    ) -> None:
        who, _ = _leaver(ctx, layout, roster, me, key)
        to = pick(layout, me, other).partnerships[2023]
        transfer(ctx, who, to, noticed_at=_noticed(ctx), leaving=LEAVES, joining=JOINS)

    return build


def _school_led_school(layout: Layout) -> SchoolPlan:
    """The school that trains its ECTs itself in every cohort (organisations.py's CIP-only one)."""
    return next(plan for plan in layout.schools if plan.school.cip_only)


def _to_school_led(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    who, _ = _leaver(ctx, layout, roster, me, key)
    noticed = _noticed(ctx)
    transfer(ctx, who, None, noticed_at=noticed, leaving=LEAVES)
    record_school_led_period(
        ctx.store,
        profile_id=who.profile.id,
        school_id=_school_led_school(layout).school.id,
        start_date=at(JOINS, 0),
        now=ctx.moment(at(JOINS - timedelta(days=8)), at(JOINS - timedelta(days=1))),
    )


def _from_school_led(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    plan = layout.schools_of(me.id, 2023)[0]
    when = ctx.moment(at(JOINS - timedelta(days=8)), at(JOINS - timedelta(days=1)))
    who = enrol(
        ctx,
        roster,
        plan.partnerships[2023],
        "ect",
        registered_at=when,
        user=scenario_person(ctx, key, when),
        start_date=JOINS,
    )
    record_school_led_period(
        ctx.store,
        profile_id=who.profile.id,
        school_id=_school_led_school(layout).school.id,
        start_date=at(date(2023, 9, 4), 0),
        end_date=at(LEAVES, 0),
        now=when,
    )


SHAPES: tuple[Shape, ...] = (
    Shape(40, "ECT rolled over from the 2024 partnership to the 2025 one", _rolled_over),
    Shape(41, "2024 partnership whose ECTs all moved to another provider at the school", _moved_provider),
    Shape(42, "2025 partnership whose people trained, then all moved away", _trained_2025_moved_away),
    Shape(43, "2023 ECT who left for a school not known yet (`unknown`)", _to_unknown),
    Shape(
        44,
        "2023 ECT moved to another school of the same provider (`new_school`)",
        _to_school(lambda layout, me, _o: layout.schools_of(me.id, 2023)[1]),
    ),
    Shape(
        45,
        "2023 ECT moved to another provider's school (`new_provider`)",
        _to_school(lambda layout, _m, other: layout.schools_of(other.id, 2023)[0]),
    ),
    Shape(46, "2023 ECT moved from provider-led to school-led training", _to_school_led),
    Shape(47, "2023 ECT moved from school-led to provider-led training", _from_school_led),
)


def seed_rect_histories(ctx: SeedContext, layout: Layout, roster: Roster) -> None:
    """Three of each shape per ECF provider; the Nth of a shape pairs the provider with the Nth next.
    Its ECTs get their induction start and working pattern here, as every other ECT does."""
    mine = Roster(roster.book)
    for index, provider in enumerate(layout.ecf):
        for shape in SHAPES:
            key_of = urn if shape.code < 43 else trn
            for number in range(1, PER_SHAPE + 1):
                other = layout.ecf[(index + number) % len(layout.ecf)]
                shape.build(ctx, layout, mine, provider, other, key_of(index, shape.code, number))
    describe_ects(ctx, mine)
    roster.enrolled.extend(mine.enrolled)
