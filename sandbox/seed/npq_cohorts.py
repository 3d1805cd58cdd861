"""The NPQ service's later cohorts (2025a, 2025b, 2026a, 2026b; npq.md §5.1) in the seeded world: each NPQ
provider's statements and contracts in them, its delivery partners there, and the pending applications the
real sandbox's 2026 data pack gives every provider (§6.2), plus pending ones in a fully funded cohort so
that every funding kind has something to accept.

Runs after everything else (the 2024 delivery partnerships it extends included), so every record made
before keeps its id and values. The applications are made shortly before the world instant: the real
sandbox, too, seeds applications for cohorts whose registration opens later (its seeds derive next year's
cohorts from the seed date)."""

from __future__ import annotations

from datetime import timedelta

from sandbox.domain.finance.ledger import create_npq_cohort_statements
from sandbox.domain.world.entities import LeadProvider, NPQApplication
from sandbox.domain.world.npq_registration import (
    create_npq_application,
    create_npq_contract,
    record_npq_delivery_partnership,
)
from sandbox.domain.world.reference import NPQCohort
from sandbox.seed.context import SeedContext
from sandbox.seed.ecf import new_user
from sandbox.seed.npq import NOT_OFFERED, details
from sandbox.seed.npq_service import answer_senco
from sandbox.seed.organisations import Layout

# How many pending applications each provider gets per cohort (the 2026 pack makes ten of each), and how
# the applicants are made: with a verified TRN, without a TRN, or with a TRN and previous names.
PENDING = (
    ("2023a", "trn", 2),
    ("2025a", "trn", 3),
    ("2025b", "trn", 10),
    ("2026b", "no_trn", 10),
    ("2026b", "previous_names", 10),
    ("2026a", "trn", 10),
)
LATER = ("2025a", "2025b", "2026a", "2026b")


def seed_npq_cohorts(ctx: SeedContext, layout: Layout) -> None:
    reference = ctx.reference
    later = [c for c in reference.npq_cohorts if c.identifier in LATER]
    for provider in layout.npq:
        offered = [c for c in later if c.offered_by(provider.name)]
        for cohort in offered:
            create_npq_cohort_statements(
                ctx.store, lead_provider_id=provider.id, cohort=cohort, as_of=ctx.now
            )
            _contracts(ctx, provider, cohort)
        _partners(ctx, provider, offered)
    for provider in layout.npq:
        for identifier, kind, count in PENDING:
            cohort = next(c for c in reference.npq_cohorts if c.identifier == identifier)
            if cohort.offered_by(provider.name):
                for _ in range(count):
                    pending_application(ctx, layout, provider, cohort, kind)


def courses_offered(ctx: SeedContext, provider: LeadProvider, cohort: NPQCohort) -> list[str]:
    """The NPQ courses a provider offers that have a schedule in the cohort."""
    return [
        c.identifier
        for c in ctx.reference.courses
        if c.type == "npq"
        and c.identifier not in NOT_OFFERED.get(provider.name, ())
        and ctx.reference.schedules_for(c.identifier, cohort.start_year, cohort.suffix)
    ]


def _contracts(ctx: SeedContext, provider: LeadProvider, cohort: NPQCohort) -> None:
    for course in courses_offered(ctx, provider, cohort):
        create_npq_contract(
            ctx.store,
            lead_provider_id=provider.id,
            cohort=cohort.start_year,
            cohort_suffix=cohort.suffix,
            course_identifier=course,
            funding_cap=ctx.rng.randrange(40, 400) if cohort.funding == "capped" else 0,
        )


def _partners(ctx: SeedContext, provider: LeadProvider, cohorts: list[NPQCohort]) -> None:
    """The delivery partners a provider works with in 2024 carry on into each later cohort it offers."""
    partners = sorted(
        p.delivery_partner_id
        for p in ctx.store.npq_delivery_partnerships
        if p.lead_provider_id == provider.id and (p.cohort, p.cohort_suffix) == (2024, "a")
    )
    for cohort in cohorts:
        for partner_id in partners:
            record_npq_delivery_partnership(
                ctx.store,
                lead_provider_id=provider.id,
                delivery_partner_id=partner_id,
                cohort=cohort.start_year,
                cohort_suffix=cohort.suffix,
            )


def pending_application(
    ctx: SeedContext, layout: Layout, provider: LeadProvider, cohort: NPQCohort, kind: str
) -> NPQApplication:
    """A pending application in the cohort, made in the forty days before the world instant; `kind` says
    whether the applicant has a verified TRN (`trn`), none (`no_trn`) or a TRN and previous names."""
    when = ctx.now - timedelta(days=ctx.rng.uniform(1, 40))
    user = new_user(ctx, when - timedelta(hours=1), trn=kind != "no_trn")
    if kind == "previous_names":
        first, *_rest = user.full_name.split(" ")
        user.previous_names = (f"{first} {ctx.fake.last_name()}",)
    course = ctx.pick(courses_offered(ctx, provider, cohort))
    answers = details(ctx, layout, course, has_trn=kind != "no_trn")
    answers["teacher_reference_number_validated"] = kind != "no_trn"
    application = create_npq_application(
        ctx.store,
        user_id=user.id,
        lead_provider_id=provider.id,
        course_identifier=course,
        cohort=cohort.start_year,
        cohort_suffix=cohort.suffix,
        now=when,
        details=answers,
    )
    answer_senco(application, ctx.rng)
    return application
