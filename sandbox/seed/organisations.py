"""Lead providers, delivery partners, schools and partnerships: the frame participants are placed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sandbox.domain.finance.ledger import create_statements
from sandbox.domain.world.entities import LeadProvider, Partnership, School
from sandbox.domain.world.registration import (
    add_partnership,
    add_provider_relationship,
    create_delivery_partner,
    create_lead_provider,
    create_school,
    record_challenge,
    set_school_cohort,
)
from sandbox.seed.context import SeedContext, at

COHORTS = (2021, 2022, 2023, 2024)

# Real provider names. The first two hold both sides, so most scenarios are seeded for them; the list
# also has an ECF-only and an NPQ-only provider, which the 403 rules need.
PROVIDERS: tuple[tuple[str, bool, bool], ...] = (
    ("Ambition Institute", True, True),
    ("Teach First", True, True),
    ("Capita", True, False),
    ("Church of England", False, True),
    ("Best Practice Network", True, True),
    ("Education Development Trust", True, True),
    ("LLSE", False, True),
)

SCHOOL_KINDS = (
    "Primary School",
    "Academy",
    "High School",
    "Church of England Primary School",
    "Community College",
    "Infant School",
    "Junior School",
    "Catholic Primary School",
    "Secondary School",
    "School",
)
DP_KINDS = (
    "Teaching School Hub",
    "Research School",
    "Learning Trust",
    "Teaching Alliance",
    "Education Partnership",
)
CHALLENGE_REASONS = ("another_provider", "not_confirmed", "do_not_recognise", "no_ects", "mistake")


@dataclass
class SchoolPlan:
    school: School
    # The provider training the school's participants in each cohort; a school may change provider.
    provider_by_cohort: dict[int, str] = field(default_factory=dict)
    partnerships: dict[int, Partnership] = field(default_factory=dict)


@dataclass
class Layout:
    providers: list[LeadProvider]
    ecf: list[LeadProvider]
    npq: list[LeadProvider]
    schools: list[SchoolPlan] = field(default_factory=list)
    dps_by_provider: dict[str, list[str]] = field(default_factory=dict)

    def schools_of(self, provider_id: str, cohort: int) -> list[SchoolPlan]:
        return [s for s in self.schools if s.provider_by_cohort.get(cohort) == provider_id]


def build_providers(ctx: SeedContext) -> list[LeadProvider]:
    providers = []
    for index, (name, has_ecf, has_npq) in enumerate(PROVIDERS):
        providers.append(
            create_lead_provider(
                ctx.store,
                name=name,
                token=ctx.token(),
                has_ecf=has_ecf,
                has_npq=has_npq,
                now=at(date(2021, 3, 1) + timedelta(days=index), 10),
            )
        )
    for provider in providers:
        # RECT's own years get theirs last (seed/rect_world.py), so these keep their ids.
        years = [c.start_year for c in ctx.reference.cohorts]
        create_statements(ctx.store, lead_provider_id=provider.id, as_of=ctx.now, years=years)
    return providers


def _delivery_partners(ctx: SeedContext, layout: Layout) -> None:
    """Three partners per ECF provider joining in successive cohorts, plus one that works with everyone
    from 2023 (partners often deliver for several providers)."""

    def new_partner(day: date) -> str:
        name = f"{ctx.fake.city()} {ctx.pick(DP_KINDS)}"
        when = ctx.moment(at(day), at(day + timedelta(days=30)))
        return create_delivery_partner(ctx.store, name=name, now=when).id

    for provider in layout.ecf:
        ids = []
        for first_cohort in (2021, 2022, 2023):
            partner_id = new_partner(date(first_cohort, 4, 1))
            ids.append(partner_id)
            for cohort in COHORTS[COHORTS.index(first_cohort) :]:
                add_provider_relationship(
                    ctx.store, lead_provider_id=provider.id, delivery_partner_id=partner_id, cohort=cohort
                )
        layout.dps_by_provider[provider.id] = ids
    shared = new_partner(date(2023, 3, 1))
    for provider in layout.ecf:
        for cohort in (2023, 2024):
            add_provider_relationship(
                ctx.store, lead_provider_id=provider.id, delivery_partner_id=shared, cohort=cohort
            )
        layout.dps_by_provider[provider.id].append(shared)


def _dp_for(ctx: SeedContext, layout: Layout, provider_id: str, cohort: int) -> str:
    ids = layout.dps_by_provider[provider_id]
    # Partner i joined in 2021 + i (the shared one in 2023), mirroring `_delivery_partners`.
    joined = [2021, 2022, 2023, 2023]
    return ctx.pick([dp for dp, first in zip(ids, joined, strict=True) if first <= cohort])


def new_school(
    ctx: SeedContext, *, eligible: bool = True, cip_only: bool = False, urn: str | None = None, name: str = ""
) -> SchoolPlan:
    """A school with a drawn name and URN, unless the caller fixes them (the findable scenario schools),
    and a drawn induction tutor (drawn last, as the world has always drawn them)."""
    name = name or f"{ctx.fake.city()} {ctx.pick(SCHOOL_KINDS)}"
    urn = urn or ctx.urn()
    created = ctx.moment(at(date(2020, 9, 1)), at(date(2021, 3, 31)))
    school = create_school(
        ctx.store,
        name=name,
        urn=urn,
        now=created,
        eligible=eligible,
        cip_only=cip_only,
        induction_tutor=ctx.person(),
    )
    return SchoolPlan(school)


def partner(
    ctx: SeedContext,
    layout: Layout,
    plan: SchoolPlan,
    provider_id: str,
    cohort: int,
    *,
    relationship: bool = False,
    delivery_partner_id: str | None = None,
) -> Partnership:
    opened = ctx.reference.opens_on(cohort)
    partnership = add_partnership(
        ctx.store,
        lead_provider_id=provider_id,
        school_id=plan.school.id,
        delivery_partner_id=delivery_partner_id or _dp_for(ctx, layout, provider_id, cohort),
        cohort=cohort,
        now=ctx.after(at(opened), 5, 60),
        relationship=relationship,
    )
    if not relationship:
        plan.provider_by_cohort[cohort] = provider_id
        plan.partnerships[cohort] = partnership
    return partnership


def build_layout(ctx: SeedContext, providers: list[LeadProvider], participants: int) -> Layout:
    ecf = [p for p in providers if p.has_ecf]
    layout = Layout(providers, ecf, [p for p in providers if p.has_npq])
    _delivery_partners(ctx, layout)
    per_provider = max(3, round(participants / 30))
    for index, provider in enumerate(ecf):
        for number in range(per_provider):
            plan = new_school(ctx)
            # Each provider's last school was with the previous provider for 2021-2022: its early mentors
            # then mentor this provider's ECTs without being its participants (unfunded mentors).
            previous = ecf[index - 1].id if number == per_provider - 1 else provider.id
            for cohort in COHORTS:
                partner(ctx, layout, plan, previous if cohort < 2023 else provider.id, cohort)
            layout.schools.append(plan)
    _challenged(ctx, layout)
    _unpartnered_schools(ctx, layout)
    return layout


def _challenged(ctx: SeedContext, layout: Layout) -> None:
    """Every ECF provider has a challenged partnership; the first provider's was challenged because the
    school chose the second provider, who really does train there."""
    for index, provider in enumerate(layout.ecf):
        reason = CHALLENGE_REASONS[index % len(CHALLENGE_REASONS)]
        if index == 0:
            plan = layout.schools_of(layout.ecf[1].id, 2024)[0]
        else:
            plan = new_school(ctx)
            layout.schools.append(plan)
        partnership = add_partnership(
            ctx.store,
            lead_provider_id=provider.id,
            school_id=plan.school.id,
            delivery_partner_id=_dp_for(ctx, layout, provider.id, 2024),
            cohort=2024,
            now=ctx.after(at(date(2024, 4, 10)), 0, 60),
        )
        # challenged_at keeps milliseconds on the wire, so the seed gives it some.
        when = ctx.after(partnership.created_at, 3, 40).replace(microsecond=ctx.rng.randrange(1000) * 1000)
        record_challenge(ctx.store, partnership_id=partnership.id, reason=reason, now=when)


def _unpartnered_schools(ctx: SeedContext, layout: Layout) -> None:
    """Schools a provider could still partner with, plus a CIP-only and an ineligible one that it cannot."""
    choices = ("full_induction_programme", "design_our_own", None)
    for choice in choices:
        plan = new_school(ctx)
        if choice is not None:
            set_school_cohort(
                ctx.store,
                school_id=plan.school.id,
                cohort=2024,
                induction_programme_choice=choice,
                now=ctx.after(at(date(2024, 4, 3)), 0, 90),
            )
        layout.schools.append(plan)
    cip = new_school(ctx, cip_only=True)
    for cohort in COHORTS:
        set_school_cohort(
            ctx.store,
            school_id=cip.school.id,
            cohort=cohort,
            induction_programme_choice="core_induction_programme",
            now=ctx.after(at(date(cohort, 5, 10)), 0, 60),
        )
    layout.schools.append(cip)
    layout.schools.append(new_school(ctx, eligible=False))
