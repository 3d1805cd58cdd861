"""A small hand-made NPQ world for the NPQ write rules: two NPQ providers with statements and a contract for
every course they can train in 2021-2024 (capped from 2024), and helpers to add people, applications,
accepted participants and declarations. The API tests use the same helpers on a seeded store."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from typing import Any

from sandbox.domain.finance.ledger import create_statements, record_declaration
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import Declaration, LeadProvider, NPQApplication, NPQProfile, User
from sandbox.domain.world.npq_registration import (
    accept_npq_application,
    create_npq_application,
    create_npq_contract,
)
from sandbox.domain.world.reference import ReferenceData
from sandbox.store import Store

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)  # the API tests' clock
T0 = datetime(2021, 5, 1, 9, tzinfo=UTC)
COHORTS = (2021, 2022, 2023, 2024)


@cache
def reference() -> ReferenceData:
    return ReferenceData.load()


@dataclass
class World:
    store: Store
    mine: LeadProvider
    other: LeadProvider


def add_contracts(store: Store, provider: LeadProvider) -> None:
    for cohort in COHORTS:
        for course in store.reference.courses:
            if course.type == "npq" and store.reference.schedules_for(course.identifier, cohort):
                create_npq_contract(
                    store,
                    lead_provider_id=provider.id,
                    cohort=cohort,
                    course_identifier=course.identifier,
                    funding_cap=50 if cohort >= 2024 else 0,
                )


def build() -> World:
    store = Store(reference(), seed=11)
    mine, other = (
        reg.create_lead_provider(store, name=name, token=f"{name}-token", has_ecf=False, has_npq=True, now=T0)
        for name in ("Mine", "Other")
    )
    for provider in (mine, other):
        create_statements(store, lead_provider_id=provider.id, as_of=NOW)
        add_contracts(store, provider)
    return World(store, mine, other)


def person(store: Store, trn: str | None = "unique", when: datetime = T0) -> User:
    """A new user; unless told otherwise their TRN is one nobody else has (an `X` can never be seeded)."""
    count = len(store.users)
    return reg.create_user(
        store,
        full_name=f"Person {count}",
        email=f"p{count}@example.com",
        teacher_reference_number=f"X{count:06d}" if trn == "unique" else trn,
        now=when,
    )


def apply(
    store: Store,
    provider: LeadProvider,
    user: User,
    course: str = "npq-headship",
    cohort: int = 2023,
    *,
    eligible: bool = True,
    when: datetime | None = None,
) -> NPQApplication:
    return create_npq_application(
        store,
        user_id=user.id,
        lead_provider_id=provider.id,
        course_identifier=course,
        cohort=cohort,
        now=when or datetime(cohort, 6, 1, 9, tzinfo=UTC),
        details={"eligible_for_funding": eligible},
    )


def accept(
    store: Store, application: NPQApplication, schedule: str | None = None, funded_place: bool | None = True
) -> NPQProfile:
    when = datetime(application.cohort, 7, 1, 9, tzinfo=UTC)
    identifier = (
        schedule
        or store.reference.default_npq_schedule(
            application.course_identifier, application.cohort, when.date()
        ).identifier
    )
    return accept_npq_application(
        store,
        application_id=application.id,
        schedule_identifier=identifier,
        now=when,
        funded_place=funded_place,
    )


def enrolled(
    world: World, course: str = "npq-headship", cohort: int = 2023, *, provider: LeadProvider | None = None
) -> NPQProfile:
    """A person accepted by `provider` (default: mine) for the course."""
    store = world.store
    return accept(store, apply(store, provider or world.mine, person(store), course, cohort))


def declare(
    store: Store,
    profile: NPQProfile,
    declaration_type: str = "started",
    *,
    state: str = "submitted",
    on: date | None = None,
    now: datetime = NOW,
) -> Declaration:
    """A declaration a few days into the profile's schedule (or on `on`)."""
    schedule = store.reference.schedule(profile.schedule_identifier, profile.cohort)
    assert schedule is not None
    start = schedule.milestones[0].start_date
    day = on or start + timedelta(days=5)
    return record_declaration(
        store,
        profile_id=profile.id,
        lead_provider_id=profile.lead_provider_id,
        declaration_type=declaration_type,
        declaration_date=datetime.combine(day, time(10), tzinfo=UTC),
        state=state,
        now=now,
    )


def fingerprint(store: Store) -> tuple[Any, ...]:
    """Everything an NPQ write could change, and the id source, to prove a refusal changed nothing."""
    return copy.deepcopy(
        (
            store.users,
            store.npq_applications,
            store.npq_profiles,
            store.declarations,
            store.outcomes,
            dict(store.applications_by_user),
            dict(store.outcomes_by_declaration),
            store.rng.getstate(),
        )
    )
