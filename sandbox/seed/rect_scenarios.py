"""RECT's sandbox scenarios (rect.md §7.2): the school shapes, participant statuses and actions that the
real RECT sandbox seeds because providers asked for them, three of each for every ECF provider.

Each is findable by a fixed number. Scenario schools have URN `15PSSN` and a name saying what they
are; scenario participants have TRN `0PSSNNN` (P = the provider's place among ECF providers from 0,
SS = the shape's code below, N = 1-3). Random URNs and TRNs never start that way. The README lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sandbox.domain.world.entities import LeadProvider, User
from sandbox.domain.world.registration import (
    create_user,
    record_training_status,
    set_induction_start_date,
    set_working_pattern,
)
from sandbox.seed.context import SeedContext, at
from sandbox.seed.ecf import Enrolled, Roster, declare, enrol
from sandbox.seed.organisations import Layout, SchoolPlan, new_school, partner
from sandbox.seed.rect_world import join_rect_year, school_led

PER_SHAPE = 3


@dataclass(frozen=True)
class Shape:
    code: int
    title: str
    build: Callable[[SeedContext, Layout, Roster, LeadProvider, LeadProvider, str], None]


def urn(provider_index: int, code: int, number: int) -> str:
    return f"15{provider_index}{code:02d}{number}"


def trn(provider_index: int, code: int, number: int) -> str:
    return f"0{provider_index}{code:02d}{number:03d}"


# -- school shapes (the scenario school's URN is the key) --------------------------------------------


def scenario_school(ctx: SeedContext, key: str, title: str, layout: Layout | None = None) -> SchoolPlan:
    """The scenario school with URN `key`, named by what it shows. Placed in `layout` when given, so later
    draws may put people there; a school kept out of it holds only its scenario's people."""
    ctx.claim(urn=key)  # claiming draws nothing, and a fixed URN is never drawn: the order is free
    plan = new_school(ctx, urn=key, name=f"{title} (RECT scenario {key})")
    if layout is not None:
        layout.schools.append(plan)
    return plan


def _training_now(year: int) -> Callable[..., None]:
    def build(
        ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
    ) -> None:
        plan = scenario_school(ctx, key, f"Training {year}", layout)
        partner(ctx, layout, plan, me.id, year)
        mentors: dict[str, list[Enrolled]] = {}
        for role in ("mentor", "ect", "ect"):
            join_rect_year(ctx, roster, plan, year, role, mentors, schedule="ecf-standard-september")

    return build


def _partnered_empty(
    ctx: SeedContext, layout: Layout, _r: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    partner(ctx, layout, scenario_school(ctx, key, "Partnered, no participants", layout), me.id, 2025)


def _unpartnered(
    ctx: SeedContext, layout: Layout, _r: Roster, _m: LeadProvider, _o: LeadProvider, key: str
) -> None:
    scenario_school(ctx, key, "No partnership, no participants", layout)


def _school_led(
    ctx: SeedContext, layout: Layout, _r: Roster, _m: LeadProvider, _o: LeadProvider, key: str
) -> None:
    school_led(ctx, scenario_school(ctx, key, "School-led", layout), 2025)


def _interest(
    ctx: SeedContext, layout: Layout, _r: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    """The school chose this provider for 2025 before any partnership: a partnership can be created. The
    people it registered with that choice are seeded last (`seed.rect_interest`), so no id drawn before
    them moves."""
    scenario_school(ctx, key, "Expression of interest, no partnership", layout)


def _several_own(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
) -> None:
    """Two partnerships of this provider in 2025, each with its own delivery partner and an ECT."""
    plan = scenario_school(ctx, key, "Two partnerships with one provider", layout)
    for partner_id in layout.dps_by_provider[me.id][:2]:
        partner(ctx, layout, plan, me.id, 2025, delivery_partner_id=partner_id)
        join_rect_year(ctx, roster, plan, 2025, "ect", {}, schedule="ecf-standard-september")


def _shared(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, other: LeadProvider, key: str
) -> None:
    """This provider and another each partnered with the school in 2025, each training an ECT."""
    plan = scenario_school(ctx, key, "Partnerships with two providers", layout)
    for provider in (other, me):
        partner(ctx, layout, plan, provider.id, 2025)
        join_rect_year(ctx, roster, plan, 2025, "ect", {}, schedule="ecf-standard-september")


# -- participant shapes (the participant's TRN is the key; all at the provider's first school) --------


def scenario_person(ctx: SeedContext, key: str | None, when: datetime) -> User:
    """A person registered at `when` with TRN `key`, or a drawn TRN when there is none. The name is drawn
    before the TRN, as every scenario has always drawn them."""
    name, email = ctx.person()
    if key is not None:
        ctx.claim(trn=key)
    trn = key or ctx.trn()
    return create_user(ctx.store, full_name=name, email=email, teacher_reference_number=trn, now=when)


def home_school(layout: Layout, provider: LeadProvider, number: int = 0) -> SchoolPlan:
    """The provider's `number`th school partnered in 2024, where participant scenarios train."""
    return layout.schools_of(provider.id, 2024)[number]


def _rect_participant(year: int, schedule: str, role: str = "ect") -> Callable[..., Enrolled]:
    def build(
        ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
    ) -> Enrolled:
        plan = home_school(layout, me)
        when = ctx.moment(ctx.now - timedelta(days=30), ctx.now - timedelta(days=1))
        start = date(year, 9, 1) if schedule.endswith("september") else date(year + 1, 1, 4)
        return enrol(
            ctx,
            roster,
            plan.partnerships[year],
            role,
            schedule_identifier=schedule,
            registered_at=when,
            user=scenario_person(ctx, key, when),
            start_date=start,
        )

    return build


def _without_induction(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, other: LeadProvider, key: str
) -> None:
    who = _rect_participant(2025, "ecf-standard-september")(ctx, layout, roster, me, other, key)
    # Described here, so the general pass (describe_ects) leaves the start date unset.
    set_working_pattern(ctx.store, profile_id=who.profile.id, working_pattern="full_time")


def _part_time(
    ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, other: LeadProvider, key: str
) -> None:
    who = _rect_participant(2025, "ecf-standard-september")(ctx, layout, roster, me, other, key)
    set_working_pattern(ctx.store, profile_id=who.profile.id, working_pattern="part_time")
    set_induction_start_date(
        ctx.store, profile_id=who.profile.id, start_date=date(2025, 9, 1), now=who.registered_at
    )


def _status_2024(state: str, reason: str) -> Callable[..., None]:
    """A 2024 ECT on the standard schedule whom the provider withdrew or deferred; resume is allowed."""

    def build(
        ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
    ) -> None:
        plan = home_school(layout, me)
        when = ctx.moment(at(date(2024, 7, 1)), at(date(2024, 8, 20)))
        who = enrol(
            ctx,
            roster,
            plan.partnerships[2024],
            "ect",
            registered_at=when,
            user=scenario_person(ctx, key, when),
            start_date=date(2024, 9, 2),
        )
        changed = ctx.moment(at(date(2024, 10, 1)), at(date(2024, 11, 8)))
        record_training_status(
            ctx.store,
            profile_id=who.profile.id,
            lead_provider_id=me.id,
            state=state,
            reason=reason,
            now=changed,
        )

    return build


def declared_shape(year: int, role: str, dated: tuple[tuple[str, date], ...]) -> Callable[..., None]:
    """A participant of `year` on the standard September schedule with these declarations, each on its
    date, in whatever state the statement calendar gives it at the world instant."""

    def build(
        ctx: SeedContext, layout: Layout, roster: Roster, me: LeadProvider, _o: LeadProvider, key: str
    ) -> None:
        plan = layout.schools_of(me.id, year)[0]
        when = ctx.moment(at(date(year, 7, 1)), at(date(year, 8, 20)))
        who = enrol(
            ctx,
            roster,
            plan.partnerships[year],
            role,
            registered_at=when,
            user=scenario_person(ctx, key, when),
            start_date=date(year, 9, 4),
        )
        dates = {kind: at(day, 10) for kind, day in dated}
        declare(ctx, roster, who, types=tuple(dates), dates=dates)

    return build


SHAPES: tuple[Shape, ...] = (
    Shape(
        10, "2025 partnership with ECTs and a mentor training now, no declarations yet", _training_now(2025)
    ),
    Shape(11, "2025 partnership with no participants", _partnered_empty),
    Shape(12, "no partnership and no participants (a partnership can be created)", _unpartnered),
    Shape(13, "school-led in 2025 (no provider sees its ECTs)", _school_led),
    Shape(14, "two 2025 partnerships with this provider, different delivery partners", _several_own),
    Shape(15, "2025 partnerships with this provider and another", _shared),
    Shape(16, "2026 partnership with ECTs and a mentor training now", _training_now(2026)),
    Shape(17, "expression of interest for this provider in 2025, no partnership yet", _interest),
    Shape(
        20,
        "2026 ECT joining: ecf-standard-january, training starts 4 January 2027",
        _rect_participant(2026, "ecf-standard-january"),
    ),
    Shape(21, "2025 ECT without an induction period (overall_induction_start_date null)", _without_induction),
    Shape(22, "2025 ECT working part time", _part_time),
    Shape(
        23,
        "2025 mentor ready for `started` (mentors: started and completed only)",
        _rect_participant(2025, "ecf-standard-september", "mentor"),
    ),
    Shape(
        24, "2024 ECT withdrawn by the provider (resume allowed)", _status_2024("withdrawn", "moved-school")
    ),
    Shape(
        25, "2024 ECT deferred by the provider (resume allowed)", _status_2024("deferred", "parental-leave")
    ),
)


# rect.md §7.2's declaration sequences as of the world instant (15 November 2024): the 2024 statements
# are not yet paid then, the 2023 ones are. The 2025 ones post-date it: seed/rect_declaration_sequences.py.
DECLARATION_SHAPES: tuple[Shape, ...] = (
    Shape(
        30,
        "2024 ECT with `started` only (eligible); `retained-1` opens 1 January 2025",
        declared_shape(2024, "ect", (("started", date(2024, 9, 16)),)),
    ),
    Shape(
        31,
        "2024 mentor with `started` only (eligible)",
        declared_shape(2024, "mentor", (("started", date(2024, 9, 16)),)),
    ),
    Shape(
        32,
        "2023 ECT with `started` and `retained-1`, both paid: voiding one claws it back",
        declared_shape(2023, "ect", (("started", date(2023, 9, 18)), ("retained-1", date(2024, 1, 15)))),
    ),
)


def seed_rect_scenarios(ctx: SeedContext, layout: Layout, roster: Roster) -> None:
    # The declaration shapes come after every other shape of every provider, so that adding them moved
    # no id drawn before them.
    for shapes in (SHAPES, DECLARATION_SHAPES):
        for index, provider in enumerate(layout.ecf):
            other = layout.ecf[(index + 1) % len(layout.ecf)]
            for shape in shapes:
                key_of = urn if shape.code < 20 else trn
                for number in range(1, PER_SHAPE + 1):
                    shape.build(ctx, layout, roster, provider, other, key_of(index, shape.code, number))
