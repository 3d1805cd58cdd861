"""NPQ: contracts, applications with their funding answers, accepted participants, their declarations and
outcomes. `apply`, `accept` and `train` are shared by the random population and the fixed scenarios."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sandbox.domain.applications.reads import eligible_for_funding
from sandbox.domain.finance.ledger import record_npq_outcome
from sandbox.domain.world.entities import LeadProvider, NPQApplication, NPQProfile, User
from sandbox.domain.world.npq_registration import (
    accept_npq_application,
    create_npq_application,
    create_npq_contract,
    reject_npq_application,
)
from sandbox.domain.world.registration import record_training_status
from sandbox.seed.billing import StatementBook, file_declaration
from sandbox.seed.context import SeedContext, at
from sandbox.seed.organisations import COHORTS, Layout

COHORT_WEIGHTS = ((2021, 10.0), (2022, 15.0), (2023, 30.0), (2024, 45.0))
COURSE_WEIGHTS = {
    "npq-senior-leadership": 14.0,
    "npq-headship": 12.0,
    "npq-leading-teaching": 10.0,
    "npq-senco": 9.0,
    "npq-leading-behaviour-culture": 8.0,
    "npq-leading-teaching-development": 7.0,
    "npq-executive-leadership": 4.0,
    "npq-early-years-leadership": 4.0,
    "npq-leading-literacy": 5.0,
    "npq-leading-primary-mathematics": 4.0,
    "npq-early-headship-coaching-offer": 4.0,
    "npq-additional-support-offer": 3.0,
}
# Providers that never contracted for a course: the "no contract" rules need a gap somewhere.
NOT_OFFERED = {"Church of England": ("npq-early-headship-coaching-offer", "npq-additional-support-offer")}
FUNDING_CHOICES = (("school", 5.0), ("trust", 3.0), ("self", 2.0), ("employer", 1.0), ("another", 1.0))
HEADTEACHER = (
    ("no", 4.0),
    ("yes_when_course_starts", 2.0),
    ("yes_in_first_two_years", 2.0),
    ("yes_over_two_years", 1.0),
    ("yes_in_first_five_years", 1.0),
    ("yes_over_five_years", 1.0),
)
NPQ_WITHDRAW_REASONS = (
    ("insufficient-capacity-to-undertake-programme", 3.0),
    ("personal-reason-health-or-pregnancy-related", 2.0),
    ("personal-reason-moving-school", 2.0),
    ("change-in-developmental-or-personal-priorities", 2.0),
    ("quality-of-programme-structure-not-suitable.", 1.0),
    ("other", 1.0),
)
DEFER_REASONS = (("parental-leave", 3.0), ("long-term-sickness", 2.0), ("career-break", 1.0), ("other", 1.0))
ABROAD = (("IRL", "Ireland"), ("ESP", "Spain"), ("ARE", "United Arab Emirates"))
ROLES = ("Local authority adviser", "Consultant", "Nursery manager")
ITT_PROVIDERS = ("Ambition Institute", "Teach First", "University of Exeter", "Leeds Trinity University")


@dataclass(frozen=True)
class Offer:
    """The courses each provider holds a contract for, by cohort."""

    courses: dict[tuple[str, int], list[str]]

    def of(self, provider_id: str, cohort: int) -> list[str]:
        return self.courses.get((provider_id, cohort), [])


def build_contracts(ctx: SeedContext, layout: Layout) -> Offer:
    courses: dict[tuple[str, int], list[str]] = {}
    for provider in layout.npq:
        for cohort in COHORTS:
            for course in ctx.reference.courses:
                if (
                    course.type != "npq"
                    or course.identifier in NOT_OFFERED.get(provider.name, ())
                    or not ctx.reference.schedules_for(course.identifier, cohort)
                ):
                    continue
                # Funded places are capped from 2024; earlier contracts have no cap.
                cap = ctx.rng.randrange(40, 400) if cohort >= 2024 else 0
                create_npq_contract(
                    ctx.store,
                    lead_provider_id=provider.id,
                    cohort=cohort,
                    course_identifier=course.identifier,
                    funding_cap=cap,
                )
                courses.setdefault((provider.id, cohort), []).append(course.identifier)
    return Offer(courses)


def details(
    ctx: SeedContext, layout: Layout, course: str, *, has_trn: bool = True, eligible: bool | None = None
) -> dict[str, Any]:
    """The applicant's answers and DfE's funding verdict."""
    family = ctx.reference.npq_family(course)
    early_years = course == "npq-early-years-leadership"
    in_school = ctx.chance(0.5 if early_years else 0.88)
    funded = ctx.chance(0.72) if eligible is None else eligible
    abroad = ctx.pick(ABROAD) if ctx.chance(0.04) else None
    lead_mentor = course == "npq-leading-teaching-development" and ctx.chance(0.3)
    childcare_urn = f"EY{ctx.rng.randrange(10**6):06d}" if early_years and not in_school else None
    targeted = funded and family in ("leadership", "specialist") and ctx.chance(0.15)
    return dict(
        eligible_for_funding=funded,
        funding_choice=None if funded else ctx.weighted(FUNDING_CHOICES),
        headteacher_status=ctx.weighted(HEADTEACHER)
        if family in ("ehco", "aso") or course == "npq-headship"
        else ctx.pick(("no", None)),
        ineligible_for_funding_reason=None if funded or ctx.chance(0.5) else "establishment-ineligible",
        employer_name=None if in_school else ctx.fake.company(),
        employment_role=None if in_school else ctx.pick(ROLES),
        school_urn=ctx.pick(layout.schools).school.urn if in_school else None,
        school_ukprn=f"10{ctx.rng.randrange(10**6):06d}" if in_school else None,
        private_childcare_provider_urn=childcare_urn,
        teacher_reference_number_validated=has_trn and ctx.chance(0.9),
        works_in_school=in_school,
        targeted_delivery_funding_eligibility=targeted,
        teacher_catchment=abroad is None,
        teacher_catchment_iso_country_code=abroad[0] if abroad else "GBR",
        teacher_catchment_country=abroad[1]
        if abroad
        else "United Kingdom of Great Britain and Northern Ireland",
        itt_provider=ctx.pick(ITT_PROVIDERS) if lead_mentor else None,
        lead_mentor=lead_mentor,
    )


def application_time(ctx: SeedContext, cohort: int) -> datetime:
    # Applications for a cohort open in spring and close in the autumn the course starts.
    return ctx.moment(at(date(cohort, 4, 1)), at(date(cohort, 10, 31)))


def apply(
    ctx: SeedContext,
    layout: Layout,
    user: User,
    provider: LeadProvider,
    course: str,
    cohort: int,
    when: datetime,
    *,
    eligible: bool | None = None,
) -> NPQApplication:
    return create_npq_application(
        ctx.store,
        user_id=user.id,
        lead_provider_id=provider.id,
        course_identifier=course,
        cohort=cohort,
        now=when,
        details=details(
            ctx, layout, course, eligible=eligible, has_trn=user.teacher_reference_number is not None
        ),
    )


def accept(
    ctx: SeedContext, application: NPQApplication, when: datetime, *, spring: bool = False
) -> NPQProfile:
    """Accept on `when` with the schedule the API would default to then (or the spring one)."""
    cohort = application.cohort
    schedule = ctx.reference.default_npq_schedule(application.course_identifier, cohort, when.date())
    if spring and schedule.identifier.endswith("-autumn"):
        spring_schedule = ctx.reference.schedule(schedule.identifier.replace("-autumn", "-spring"), cohort)
        schedule = spring_schedule or schedule
    # A few funded-eligible people still take an unfunded place.
    funded = application.eligible_for_funding and not ctx.chance(0.05)
    return accept_npq_application(
        ctx.store,
        application_id=application.id,
        schedule_identifier=schedule.identifier,
        now=when,
        funded_place=funded,
    )


def reject(ctx: SeedContext, application: NPQApplication, when: datetime) -> None:
    reject_npq_application(ctx.store, application_id=application.id, now=when)


def train(
    ctx: SeedContext,
    book: StatementBook,
    profile: NPQProfile,
    *,
    types: list[str] | None = None,
    stop_p: float = 0.0,
    void_p: float = 0.0,
    void: tuple[str, ...] = (),
    passed: bool | None = None,
) -> datetime:
    """Declarations through the NPQ schedule (every window opens on the schedule's start and never closes),
    with an outcome on `completed` for the courses that have one. Returns the last activity."""
    schedule = ctx.reference.schedule(profile.schedule_identifier, profile.cohort)
    application = ctx.store.npq_applications[profile.id]
    fundable = eligible_for_funding(ctx.store, application) and application.funded_place in (None, True)
    last = cursor = max(profile.created_at, at(schedule.milestones[0].start_date, 8))  # type: ignore[union-attr]
    for index, milestone in enumerate(schedule.milestones):  # type: ignore[union-attr]
        kind = milestone.declaration_type
        if types is not None:
            if kind not in types:
                continue
        elif ctx.chance(stop_p):
            break
        declared_at = ctx.after(cursor, 3 if index == 0 else 100, 40 if index == 0 else 170)
        if declared_at >= ctx.now - timedelta(days=1):
            break
        submitted_at = ctx.moment(declared_at, declared_at + timedelta(days=6))
        voided = kind in void or ctx.chance(void_p)
        declaration = file_declaration(
            ctx,
            book,
            profile_id=profile.id,
            provider_id=profile.lead_provider_id,
            kind="npq",
            cohort=profile.cohort,
            declaration_type=kind,
            declared_at=declared_at,
            submitted_at=submitted_at,
            fundable=fundable,
            void_at=ctx.after(submitted_at, 10, 90) if voided else None,
        )
        if declaration is None:
            break
        cursor, last = declared_at, max(last, declaration.updated_at)
        if kind == "completed" and ctx.reference.npq_family(profile.course_identifier) in (
            "leadership",
            "specialist",
        ):
            result = passed if passed is not None else ctx.chance(0.85)
            record_npq_outcome(
                ctx.store,
                declaration_id=declaration.id,
                state="passed" if result else "failed",
                completion_date=declared_at.date(),
                now=submitted_at,
            )
            if declaration.state in ("voided", "awaiting_clawback", "clawed_back"):
                # Voiding a completed declaration voids its outcome too.
                record_npq_outcome(
                    ctx.store,
                    declaration_id=declaration.id,
                    state="voided",
                    completion_date=declared_at.date(),
                    now=declaration.updated_at,
                )
    return last


def npq_status(ctx: SeedContext, profile: NPQProfile, state: str, after: datetime) -> None:
    when = ctx.after(after, 2, 120)
    if when <= after:
        return
    reasons = NPQ_WITHDRAW_REASONS if state == "withdrawn" else DEFER_REASONS
    record_training_status(
        ctx.store,
        profile_id=profile.id,
        lead_provider_id=profile.lead_provider_id,
        state=state,
        reason=ctx.weighted(reasons),
        now=when,
    )
