"""Each NPQ provider's applications: a random bulk plus fixed situations for the first two providers."""

from __future__ import annotations

from datetime import date, timedelta

from sandbox.domain.world.entities import LeadProvider, User
from sandbox.seed.billing import StatementBook
from sandbox.seed.context import SeedContext, at
from sandbox.seed.ecf import new_user
from sandbox.seed.npq import (
    COHORT_WEIGHTS,
    COURSE_WEIGHTS,
    Offer,
    accept,
    application_time,
    apply,
    npq_status,
    reject,
    train,
)
from sandbox.seed.organisations import Layout


def _applicant(ctx: SeedContext, teachers: list[User], when: date) -> User:
    """Mostly new people; some are ECF mentors moving on to leadership training (once each, so nobody is
    accepted twice for a course)."""
    if teachers and ctx.chance(0.1):
        user = ctx.pick(teachers)
        fresh = user.id in ctx.store.users and not ctx.store.applications_of(user.id)
        if fresh and user.created_at.date() < when:
            return user
    return new_user(ctx, at(when, 8) - timedelta(days=ctx.rng.randint(0, 20)), trn=ctx.chance(0.95))


def populate_npq(
    ctx: SeedContext,
    layout: Layout,
    book: StatementBook,
    offer: Offer,
    provider: LeadProvider,
    count: int,
    teachers: list[User],
) -> None:
    for _ in range(count):
        cohort = ctx.weighted(COHORT_WEIGHTS)
        courses = offer.of(provider.id, cohort)
        course = ctx.weighted([(c, COURSE_WEIGHTS[c]) for c in courses])
        when = application_time(ctx, cohort)
        applicant = _applicant(ctx, teachers, when.date())
        application = apply(ctx, layout, applicant, provider, course, cohort, when)
        # Recent cohorts still have undecided applications; old ones were all decided long ago.
        pending_p = {2024: 0.3, 2023: 0.04}.get(cohort, 0.0)
        roll = ctx.rng.random()
        if roll < pending_p:
            continue
        decided = ctx.after(when, 2, 45)
        if roll < pending_p + 0.12:
            reject(ctx, application, decided)
            continue
        profile = accept(ctx, application, decided, spring=ctx.chance(0.2))
        last = train(ctx, book, profile, stop_p=0.1, void_p=0.03)
        claims = [d for d in ctx.store.declarations_of(profile.user_id) if d.profile_id == profile.id]
        roll = ctx.rng.random()
        if claims and roll < 0.08:
            # A provider can only withdraw someone with a `started` declaration, defer someone with any.
            started = any(d.declaration_type == "started" for d in claims)
            npq_status(ctx, profile, "withdrawn" if roll < 0.05 and started else "deferred", last)


def seed_npq_scenarios(
    ctx: SeedContext, layout: Layout, book: StatementBook, first: LeadProvider, second: LeadProvider
) -> dict[str, int]:
    """Returns how many applications each provider got, so the random bulk can make up the rest."""
    counts = {first.id: 0, second.id: 0}

    def new(
        provider: LeadProvider,
        course: str,
        cohort: int,
        when: date,
        user: User | None = None,
        eligible: bool | None = True,
    ):  # type: ignore[no-untyped-def]
        counts[provider.id] += 1
        moment = ctx.after(at(when), 0, 3)
        return apply(
            ctx,
            layout,
            user or new_user(ctx, moment - timedelta(days=2)),
            provider,
            course,
            cohort,
            moment,
            eligible=eligible,
        )

    for provider in (first, second):
        # Pending 2024 applications, to accept or reject today.
        for course in ("npq-headship", "npq-senco", "npq-leading-literacy"):
            new(provider, course, 2024, date(2024, 10, 14))
        # Accepted, active and without any declaration yet: a `started` can be posted today (NPQ windows
        # never close). One is on a spring schedule that had not begun on the world date.
        for course, spring in (
            ("npq-senior-leadership", True),
            ("npq-leading-teaching", False),
            ("npq-early-headship-coaching-offer", False),
        ):
            application = new(provider, course, 2024, date(2024, 9, 2))
            accept(ctx, application, ctx.after(application.created_at, 20, 40), spring=spring)
        # Unfunded place: the started claim stays submitted.
        application = new(provider, "npq-leading-behaviour-culture", 2024, date(2024, 6, 3), eligible=False)
        profile = accept(ctx, application, ctx.after(application.created_at, 5, 20))
        train(ctx, book, profile, types=["started"])
        # Finished 2022 courses: passed, failed, and one whose completed declaration was voided.
        for passed, void in ((True, ()), (False, ()), (True, ("completed",))):
            application = new(provider, "npq-senior-leadership", 2022, date(2022, 6, 1))
            profile = accept(ctx, application, ctx.after(application.created_at, 10, 30))
            train(
                ctx,
                book,
                profile,
                types=["started", "retained-1", "retained-2", "completed"],
                passed=passed,
                void=void,
            )
        # Withdrawn after starting; deferred after starting.
        for state in ("withdrawn", "deferred"):
            application = new(provider, "npq-headship", 2023, date(2023, 5, 2))
            profile = accept(ctx, application, ctx.after(application.created_at, 10, 30))
            last = train(ctx, book, profile, types=["started"])
            npq_status(ctx, profile, state, last)
        rejected = new(provider, "npq-executive-leadership", 2023, date(2023, 7, 3))
        reject(ctx, rejected, ctx.after(rejected.created_at, 5, 20))

    # One person applied to both providers for the same course; accepting one rejected the other.
    person = new_user(ctx, at(date(2024, 5, 1)))
    mine = new(first, "npq-senco", 2024, date(2024, 5, 6), user=person)
    new(second, "npq-senco", 2024, date(2024, 5, 9), user=person)
    accept(ctx, mine, ctx.after(mine.created_at, 20, 30))
    # A funded 2022 headship already accepted: a new headship application is `previously-funded`.
    funded = new(first, "npq-headship", 2022, date(2022, 5, 16))
    profile = accept(ctx, funded, ctx.after(funded.created_at, 10, 20))
    train(ctx, book, profile, types=["started", "retained-1"])
    new(second, "npq-headship", 2024, date(2024, 9, 16), user=ctx.store.users[funded.user_id])
    return counts
