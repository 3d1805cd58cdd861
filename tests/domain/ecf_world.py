"""A small hand-made ECF world for the action tests: two providers, each with a school partnered in
every cohort, built with the DfE-side registration functions so each test states exactly what it needs."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandbox.domain.finance.ledger import create_statements, record_declaration
from sandbox.domain.world.entities import (
    Declaration,
    ECFProfile,
    InductionRecord,
    LeadProvider,
    Partnership,
    School,
)
from sandbox.domain.world.reference import ReferenceData
from sandbox.domain.world.registration import (
    add_partnership,
    add_provider_relationship,
    create_delivery_partner,
    create_lead_provider,
    create_school,
    create_user,
    record_registration,
)
from sandbox.store import Store

REFERENCE = ReferenceData.load()
COHORTS = (2021, 2022, 2023, 2024)
BUILT = datetime(2021, 5, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def at(text: str) -> datetime:
    """An ISO date-time, UTC unless it says otherwise."""
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class Enrolled:
    user_id: str
    profile: ECFProfile
    record: InductionRecord


@dataclass
class World:
    store: Store
    provider: LeadProvider
    other: LeadProvider
    school: School
    other_school: School
    partnerships: dict[tuple[str, int], Partnership] = field(default_factory=dict)
    delivery_partner_id: str = ""

    def partnership(self, cohort: int, provider: LeadProvider | None = None) -> Partnership:
        return self.partnerships[((provider or self.provider).id, cohort)]

    def enrol(
        self,
        cohort: int = 2023,
        participant_type: str = "ect",
        schedule: str = "ecf-standard-september",
        provider: LeadProvider | None = None,
        start: datetime | None = None,
    ) -> Enrolled:
        registered = datetime(cohort, 6, 1, 9, tzinfo=UTC)
        user = create_user(
            self.store,
            full_name="Ada Teacher",
            email="ada@example.com",
            teacher_reference_number=None,
            now=registered,
        )
        profile, record = record_registration(
            self.store,
            user_id=user.id,
            participant_type=participant_type,
            partnership_id=self.partnership(cohort, provider).id,
            schedule_identifier=schedule,
            start_date=start or registered,
            now=registered,
        )
        return Enrolled(user.id, profile, record)

    def declare(
        self,
        who: Enrolled,
        declaration_type: str,
        when: datetime,
        state: str = "submitted",
        provider: LeadProvider | None = None,
    ) -> Declaration:
        # Billable states need a statement: the one open on the day after the claim is chosen.
        submitted = min(max(when, datetime(when.year, when.month, when.day, 23, tzinfo=UTC)), NOW)
        return record_declaration(
            self.store,
            profile_id=who.profile.id,
            lead_provider_id=(provider or self.provider).id,
            declaration_type=declaration_type,
            declaration_date=when,
            state=state,
            now=submitted,
        )


def build(seed: int = 7) -> World:
    store = Store(REFERENCE, seed=seed)
    provider = create_lead_provider(store, name="Mine", token="mine", has_ecf=True, has_npq=False, now=BUILT)
    other = create_lead_provider(store, name="Theirs", token="theirs", has_ecf=True, has_npq=False, now=BUILT)
    partner = create_delivery_partner(store, name="Partner", now=BUILT)
    school = create_school(store, name="Home School", urn="100001", now=BUILT)
    other_school = create_school(store, name="Other School", urn="100002", now=BUILT)
    world = World(store, provider, other, school, other_school, delivery_partner_id=partner.id)
    for lead, where in ((provider, school), (other, other_school)):
        for cohort in COHORTS:
            add_provider_relationship(
                store, lead_provider_id=lead.id, delivery_partner_id=partner.id, cohort=cohort
            )
            world.partnerships[(lead.id, cohort)] = add_partnership(
                store,
                lead_provider_id=lead.id,
                school_id=where.id,
                delivery_partner_id=partner.id,
                cohort=cohort,
                now=BUILT,
            )
        create_statements(store, lead_provider_id=lead.id, as_of=BUILT)
    return world


def snapshot(store: Store) -> Any:
    """Everything a refused action must leave as it was, ids drawn included."""
    return copy.deepcopy(
        (
            store.users,
            store.ecf_profiles,
            store.induction_records,
            dict(store.records_by_profile),
            store.declarations,
            store.rng.getstate(),
        )
    )
