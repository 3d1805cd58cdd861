"""The in-memory world of one running sandbox: records by id plus the indexes reads need.

A reset is a new Store. Ids come from the store's own seeded random source so that the same seed
gives the same ids in the same order, byte for byte.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sandbox.domain.world.entities import (
    Declaration,
    DeliveryPartner,
    ECFProfile,
    InductionRecord,
    LeadProvider,
    NPQApplication,
    NPQContract,
    NPQProfile,
    Outcome,
    Partnership,
    ProviderRelationship,
    School,
    SchoolCohort,
    Statement,
    User,
)
from sandbox.domain.world.reference import ReferenceData


@dataclass
class Store:
    reference: ReferenceData
    seed: int
    rng: random.Random = field(init=False)
    _command_rng: random.Random | None = field(default=None, init=False, repr=False)
    lock: threading.RLock = field(default_factory=threading.RLock, init=False)

    lead_providers: dict[str, LeadProvider] = field(default_factory=dict)
    delivery_partners: dict[str, DeliveryPartner] = field(default_factory=dict)
    provider_relationships: set[ProviderRelationship] = field(default_factory=set)
    schools: dict[str, School] = field(default_factory=dict)
    school_cohorts: dict[tuple[str, int], SchoolCohort] = field(default_factory=dict)
    partnerships: dict[str, Partnership] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    retired_user_ids: dict[str, str] = field(default_factory=dict)  # merged id -> surviving id
    ecf_profiles: dict[str, ECFProfile] = field(default_factory=dict)
    induction_records: dict[str, InductionRecord] = field(default_factory=dict)
    npq_applications: dict[str, NPQApplication] = field(default_factory=dict)
    npq_profiles: dict[str, NPQProfile] = field(default_factory=dict)
    npq_contracts: set[NPQContract] = field(default_factory=set)
    statements: dict[str, Statement] = field(default_factory=dict)
    declarations: dict[str, Declaration] = field(default_factory=dict)
    outcomes: dict[str, Outcome] = field(default_factory=dict)

    # Indexes: lists of ids, appended in creation order.
    profiles_by_user: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    records_by_profile: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    declarations_by_user: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    applications_by_user: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    outcomes_by_declaration: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def new_id(self) -> str:
        """A UUID v4 drawn from the store's seeded source, or, inside a command, from that command's
        own source, so that replaying the command on a rebuilt world gives the same ids."""
        source = self._command_rng or self.rng
        return str(uuid.UUID(int=source.getrandbits(128), version=4))

    @contextmanager
    def command_ids(self, sequence: int) -> Iterator[None]:
        """Ids drawn inside depend only on the seed and the command's sequence number."""
        previous = self._command_rng
        self._command_rng = random.Random(f"{self.seed}:{sequence}")
        try:
            yield
        finally:
            self._command_rng = previous

    # -- adders keep the indexes in step ------------------------------------------------------

    def add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def add_ecf_profile(self, profile: ECFProfile) -> ECFProfile:
        self.ecf_profiles[profile.id] = profile
        self.profiles_by_user[profile.user_id].append(profile.id)
        return profile

    def add_induction_record(self, record: InductionRecord) -> InductionRecord:
        self.induction_records[record.id] = record
        self.records_by_profile[record.profile_id].append(record.id)
        return record

    def add_npq_application(self, application: NPQApplication) -> NPQApplication:
        self.npq_applications[application.id] = application
        self.applications_by_user[application.user_id].append(application.id)
        return application

    def add_declaration(self, declaration: Declaration) -> Declaration:
        self.declarations[declaration.id] = declaration
        self.declarations_by_user[declaration.user_id].append(declaration.id)
        return declaration

    def add_outcome(self, outcome: Outcome) -> Outcome:
        self.outcomes[outcome.id] = outcome
        self.outcomes_by_declaration[outcome.declaration_id].append(outcome.id)
        return outcome

    # -- lookups ------------------------------------------------------------------------------

    def resolve_user_id(self, user_id: str) -> str:
        """A merged (retired) participant id still resolves to the surviving user."""
        return self.retired_user_ids.get(user_id, user_id)

    def ecf_profiles_of(self, user_id: str) -> list[ECFProfile]:
        return [self.ecf_profiles[pid] for pid in self.profiles_by_user.get(user_id, ())]

    def records_of(self, profile_id: str) -> list[InductionRecord]:
        return [self.induction_records[rid] for rid in self.records_by_profile.get(profile_id, ())]

    def declarations_of(self, user_id: str) -> list[Declaration]:
        return [self.declarations[did] for did in self.declarations_by_user.get(user_id, ())]

    def applications_of(self, user_id: str) -> list[NPQApplication]:
        return [self.npq_applications[aid] for aid in self.applications_by_user.get(user_id, ())]

    def outcomes_of(self, declaration_id: str) -> list[Outcome]:
        return [self.outcomes[oid] for oid in self.outcomes_by_declaration.get(declaration_id, ())]

    def provider_by_token(self, token: str) -> LeadProvider | None:
        for provider in self.lead_providers.values():
            if provider.token == token:
                return provider
        return None
