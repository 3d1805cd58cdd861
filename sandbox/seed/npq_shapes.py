"""Shapes the real NPQ sandbox's seeds give every provider (npq.md §6.2) that the random population does
not promise each one: pending applicants whose participant id was merged away (`410` candidates), one
person with an accepted application and two rejected ones for the same course and cohort, and an
application rejected after it was accepted, which keeps its schedule (`reason_for_rejection`
`rejected_by_provider`); and, made after every other draw of the world, applicants already accepted in
each later cohort (2025a, 2025b, 2026a, 2026b) in every funding kind it holds, and the earliest 2023
applicant's account archived (`email` null through the NPQ service).

`seed_npq_shapes` runs after the NPQ population, and `seed_later_accepted` and `seed_archived_applicants`
after the whole world, so every record made before them keeps its id and values."""

from __future__ import annotations

from datetime import date, timedelta

from sandbox.domain.applications.npq_cohorts import applies_from
from sandbox.domain.world.entities import LeadProvider, NPQApplication
from sandbox.domain.world.npq_registration import accept_npq_application
from sandbox.domain.world.reference import NPQCohort
from sandbox.domain.world.registration import merge_users
from sandbox.domain.world.stamps import touch
from sandbox.seed.context import SeedContext, at
from sandbox.seed.ecf import new_user
from sandbox.seed.npq import accept, apply
from sandbox.seed.npq_cohorts import LATER, pending_application
from sandbox.seed.organisations import Layout

MERGED_PENDING = 2  # pending 2025b applicants per provider who carry a participant_id_change
APPLICATIONS = 4  # the applications these shapes add to each provider


def seed_npq_shapes(ctx: SeedContext, layout: Layout) -> None:
    for provider in layout.npq:
        _merged_applicants(ctx, provider)
        _accepted_and_two_rejected(ctx, layout, provider)
        _rejected_after_acceptance(ctx, layout, provider)


def _merged_applicants(ctx: SeedContext, provider: LeadProvider) -> None:
    """DfE merged a duplicate account into a pending applicant: the duplicate's id answers 410."""
    pending = [
        a
        for a in ctx.store.npq_applications.values()
        if a.lead_provider_id == provider.id
        and (a.cohort, a.cohort_suffix, a.status) == (2025, "b", "pending")
    ]
    for application in pending[:MERGED_PENDING]:
        duplicate = new_user(ctx, application.created_at - timedelta(days=3))
        merge_users(
            ctx.store,
            from_user_id=duplicate.id,
            to_user_id=application.user_id,
            now=application.created_at + timedelta(hours=2),
        )


def _accepted_and_two_rejected(ctx: SeedContext, layout: Layout, provider: LeadProvider) -> None:
    """One person applied three times for one course in 2024; accepting one rejected the other two."""
    person = new_user(ctx, at(date(2024, 4, 20)))
    applications = [
        apply(
            ctx,
            layout,
            person,
            provider,
            "npq-leading-teaching",
            2024,
            at(date(2024, 4, 22 + i)),
            eligible=True,
        )
        for i in range(3)
    ]
    accept(ctx, applications[1], at(date(2024, 5, 14)))
    for other in (applications[0], applications[2]):
        other.reason_for_rejection = "other_application_in_this_cohort_accepted"


def _rejected_after_acceptance(ctx: SeedContext, layout: Layout, provider: LeadProvider) -> NPQApplication:
    person = new_user(ctx, at(date(2024, 6, 1)))
    application = apply(
        ctx, layout, person, provider, "npq-headship", 2024, at(date(2024, 6, 3)), eligible=True
    )
    accept(ctx, application, at(date(2024, 7, 1)))
    rejected_at = at(date(2024, 10, 7))
    application.status, application.reason_for_rejection = "rejected", "rejected_by_provider"
    touch(rejected_at, application, ctx.store.users[application.user_id])
    return application


# The funded_place of each applicant accepted in a later cohort, by the cohort's funding: in a capped cohort
# one with a funded place and one without (the real seeds' "accepted capped" pairs); in the unfunded one a
# single place, null as the NPQ service's accept leaves it there.
ACCEPTED_PLACES = {"capped": (True, False), "zero": (None,), "full": (None,)}


def seed_later_accepted(ctx: SeedContext, layout: Layout) -> None:
    """Per NPQ provider and later cohort it offers, applicants accepted on the cohort's earliest schedule
    for their course, so that a provider can declare, void and record outcomes in a suffixed cohort
    without accepting first. They hold no declarations: the world is as of November 2024, before any of
    these schedules opens."""
    later = [c for c in ctx.reference.npq_cohorts if c.identifier in LATER]
    for provider in layout.npq:
        for cohort in (c for c in later if c.offered_by(provider.name)):
            for funded_place in ACCEPTED_PLACES[cohort.funding]:
                _accepted_in(ctx, layout, provider, cohort, funded_place)


def seed_archived_applicants(ctx: SeedContext, layout: Layout) -> None:
    """Per NPQ provider, the person of its earliest 2023 application has an archived account (the 2026
    seed pack nulls that applicant's email). Draws nothing, and leaves `updated_at` as it was."""
    for provider in layout.npq:
        applications = [
            a
            for a in ctx.store.npq_applications.values()
            if a.lead_provider_id == provider.id and a.cohort == 2023
        ]
        if applications:
            earliest = min(applications, key=lambda a: (a.created_at, a.id))
            ctx.store.users[earliest.user_id].archived = True


def _accepted_in(
    ctx: SeedContext, layout: Layout, provider: LeadProvider, cohort: NPQCohort, funded_place: bool | None
) -> NPQApplication:
    application = pending_application(ctx, layout, provider, cohort, "trn")
    if funded_place:
        # Only an applicant eligible for funding can hold a funded place.
        application.eligible_for_funding, application.ineligible_for_funding_reason = True, None
    schedules = ctx.reference.schedules_for(application.course_identifier, cohort.start_year, cohort.suffix)
    schedule = min((s for s in schedules if s.type == "npq"), key=lambda s: (applies_from(s), s.identifier))
    accept_npq_application(
        ctx.store,
        application_id=application.id,
        schedule_identifier=schedule.identifier,
        now=min(application.created_at + timedelta(hours=20), ctx.now),
        funded_place=funded_place,
    )
    return application
