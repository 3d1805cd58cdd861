"""The in-memory world of one running sandbox: records by id plus the indexes reads need.

Ids come from the store's own seeded random source so that the same seed gives the same ids in the
same order, byte for byte. Once the seeded world is built the store is sealed: every later change
keeps an undo record (`sandbox.changelog`), so going back to the seed, or to the last checkpoint,
costs what changed since, never a rebuild.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sandbox.changelog import ChangeLog, Recorded, RecordedDict, RecordedSet
from sandbox.domain.world.entities import (
    Declaration,
    DeliveryPartner,
    ECFProfile,
    InductionRecord,
    LeadProvider,
    NPQApplication,
    NPQContract,
    NPQDeliveryPartnership,
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


def _recorded() -> Any:
    """A recorded dict or set, made in `Store.__post_init__` (it needs the store's change log)."""
    return field(init=False, repr=False)


@dataclass
class Store:
    reference: ReferenceData
    seed: int
    rng: random.Random = field(init=False)
    _command_rng: random.Random | None = field(default=None, init=False, repr=False)
    lock: threading.RLock = field(default_factory=threading.RLock, init=False)
    changes: ChangeLog = field(default_factory=ChangeLog, init=False, repr=False)

    # Every dict and set below is recorded (see `_RECORDED`); they are made in __post_init__.
    lead_providers: dict[str, LeadProvider] = _recorded()
    delivery_partners: dict[str, DeliveryPartner] = _recorded()
    provider_relationships: set[ProviderRelationship] = _recorded()
    schools: dict[str, School] = _recorded()
    school_cohorts: dict[tuple[str, int], SchoolCohort] = _recorded()
    partnerships: dict[str, Partnership] = _recorded()
    users: dict[str, User] = _recorded()
    retired_user_ids: dict[str, str] = _recorded()  # merged id -> surviving id
    ecf_profiles: dict[str, ECFProfile] = _recorded()
    induction_records: dict[str, InductionRecord] = _recorded()
    npq_applications: dict[str, NPQApplication] = _recorded()
    npq_profiles: dict[str, NPQProfile] = _recorded()
    npq_contracts: set[NPQContract] = _recorded()
    npq_delivery_partnerships: set[NPQDeliveryPartnership] = _recorded()
    statements: dict[str, Statement] = _recorded()
    declarations: dict[str, Declaration] = _recorded()
    outcomes: dict[str, Outcome] = _recorded()

    # Indexes: tuples of ids in creation order, replaced (never changed in place) by the adders.
    profiles_by_user: dict[str, tuple[str, ...]] = _recorded()
    records_by_profile: dict[str, tuple[str, ...]] = _recorded()
    declarations_by_user: dict[str, tuple[str, ...]] = _recorded()
    applications_by_user: dict[str, tuple[str, ...]] = _recorded()
    outcomes_by_declaration: dict[str, tuple[str, ...]] = _recorded()

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        for name in _SETS:
            setattr(self, name, RecordedSet(self.changes))
        for name in _DICTS:
            setattr(self, name, RecordedDict(self.changes))
        self._seeded_rng: tuple | None = None
        self._base_rng: tuple | None = None

    # -- undo -----------------------------------------------------------------------------------------

    def seal(self) -> None:
        """The world as built is the seed: from now on every change keeps its undo record."""
        for name in _DICTS:
            for record in getattr(self, name).values():
                if isinstance(record, Recorded):
                    self.changes.adopt(record, born=False)
        self._seeded_rng = self._base_rng = self.rng.getstate()
        self.changes.active = True

    def back_to_seed(self) -> int:
        """Every record, index and id source as they were sealed; returns how many slots changed."""
        restored = self.changes.undo_all()
        self._base_rng = self._seeded_rng
        self.rng.setstate(self._seeded_rng)
        return restored

    def back_to_checkpoint(self) -> int:
        """Every record, index and id source as at the last checkpoint (the seed if none)."""
        restored = self.changes.undo_live()
        self.rng.setstate(self._base_rng)
        return restored

    def checkpoint(self) -> None:
        self.changes.checkpoint()
        self._base_rng = self.rng.getstate()

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
        _append(self.profiles_by_user, profile.user_id, profile.id)
        return profile

    def add_induction_record(self, record: InductionRecord) -> InductionRecord:
        self.induction_records[record.id] = record
        _append(self.records_by_profile, record.profile_id, record.id)
        return record

    def add_npq_application(self, application: NPQApplication) -> NPQApplication:
        self.npq_applications[application.id] = application
        _append(self.applications_by_user, application.user_id, application.id)
        return application

    def add_declaration(self, declaration: Declaration) -> Declaration:
        self.declarations[declaration.id] = declaration
        _append(self.declarations_by_user, declaration.user_id, declaration.id)
        return declaration

    def add_outcome(self, outcome: Outcome) -> Outcome:
        self.outcomes[outcome.id] = outcome
        _append(self.outcomes_by_declaration, outcome.declaration_id, outcome.id)
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


_SETS = ("provider_relationships", "npq_contracts", "npq_delivery_partnerships")
_DICTS = tuple(
    name
    for name in Store.__dataclass_fields__
    if name not in _SETS and name not in ("reference", "seed", "rng", "_command_rng", "lock", "changes")
)


def _append(index: dict[str, tuple[str, ...]], key: str, value: str) -> None:
    index[key] = (*index.get(key, ()), value)
