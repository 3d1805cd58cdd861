"""The in-memory world of one running sandbox: records by id plus the indexes reads need.

Ids come from the store's own seeded random source so that the same seed gives the same ids in the
same order, byte for byte. Once the seeded world is built the store is sealed: every later change
keeps an undo record (`sandbox.changelog`), so going back to the seed, or to the last checkpoint,
costs what changed since, never a rebuild.
"""

from __future__ import annotations

import bisect
import heapq
import operator
import random
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sandbox.changelog import ChangeLog, Recorded, RecordedDict, RecordedSet
from sandbox.domain.world.entities import (
    Declaration,
    DeliveryPartner,
    ECFProfile,
    InductionRecord,
    InterestPeriod,
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
    interest_periods: dict[str, InterestPeriod] = _recorded()
    statements: dict[str, Statement] = _recorded()
    declarations: dict[str, Declaration] = _recorded()
    outcomes: dict[str, Outcome] = _recorded()

    # Indexes: tuples of ids in creation order, replaced (never changed in place) by the adders.
    profiles_by_user: dict[str, tuple[str, ...]] = _recorded()
    records_by_profile: dict[str, tuple[str, ...]] = _recorded()
    records_by_partnership: dict[str, tuple[str, ...]] = _recorded()  # every record made on it
    declarations_by_user: dict[str, tuple[str, ...]] = _recorded()
    applications_by_user: dict[str, tuple[str, ...]] = _recorded()
    outcomes_by_declaration: dict[str, tuple[str, ...]] = _recorded()
    partnerships_by_provider: dict[str, tuple[str, ...]] = _recorded()
    partnerships_by_school: dict[str, tuple[str, ...]] = _recorded()
    interest_periods_by_school: dict[str, tuple[str, ...]] = _recorded()
    school_ids_by_urn: dict[str, str] = _recorded()
    users_by_trn: dict[str, tuple[str, ...]] = _recorded()
    providers_by_token: dict[str, str] = _recorded()
    # (provider id, cohort year, course identifier) -> the NPQ contracts made for it, any cohort suffix.
    npq_contracts_by_course: dict[tuple[str, int, str], tuple[NPQContract, ...]] = _recorded()
    # Ordered indexes: sequences of `Entry` sorted as the lists read them (creation stamp, then creation
    # order). Each is a superset of what a provider may see, so reads filter and never miss a record.
    # Sealed as tuples; a key's first insert after the seal or a checkpoint copies it to a list that
    # later inserts change in place (see `_enter`).
    ecf_users_by_provider: dict[str, Sequence[Entry]] = _recorded()
    npq_users_by_provider: dict[str, Sequence[Entry]] = _recorded()
    applications_by_provider: dict[str, Sequence[Entry]] = _recorded()
    # A provider's own declarations and those on profiles it has (or had) a record on.
    declarations_by_provider: dict[str, Sequence[Entry]] = _recorded()
    # Every partnership of a provider (relationships and challenged ones included), and every school
    # (under `EVERY_SCHOOL`): the partnerships and schools lists read them in their default order.
    ordered_partnerships_by_provider: dict[str, Sequence[Entry]] = _recorded()
    ordered_schools: dict[str, Sequence[Entry]] = _recorded()
    # Since the seal: ids of records whose `updated_at` moved or that joined an ordered index (polls read
    # them besides the seal-time ordering by stamp), and the entries of users whose ECF records changed
    # (reads re-check them besides what they derived from the world once).
    restamped: dict[str, None] = _recorded()
    unsettled_users: dict[str, Entry] = _recorded()

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        for name in _SETS:
            setattr(self, name, RecordedSet(self.changes))
        for name in _DICTS:
            setattr(self, name, RecordedDict(self.changes))
        self._seeded_rng: tuple | None = None
        self._base_rng: tuple | None = None
        self._serial = 0
        # While building, ordered indexes are lists appended to and sorted once at the seal; this
        # remembers their members so that appending stays O(1).
        self._building: dict[tuple[str, str], set[str]] | None = {}
        # Derived from the world once per reset (see `derived`); a reset or a partnership change drops them.
        self._derived: dict[Any, Any] = {}
        # The ordered-index lists made since the last seal, checkpoint or reset: no undo record holds
        # them, so an insert may change them in place. Any other value is copied before it changes.
        self._owned: dict[tuple[str, str], list[Entry]] = {}
        self.changes.on_field = self._changing
        self.changes.on_removal = self._removing

    # -- undo -----------------------------------------------------------------------------------------

    def seal(self) -> None:
        """The world as built is the seed: from now on every change keeps its undo record."""
        for name in _DICTS:
            for record in getattr(self, name).values():
                if isinstance(record, Recorded):
                    self.changes.adopt(record, born=False)
        for name in _ORDERED:
            index = getattr(self, name)
            for key, entries in list(index.items()):
                if isinstance(entries, list):
                    index[key] = _sorted_in_steps(entries)
        self._building = None
        self._derived.clear()
        self._owned.clear()
        self._seeded_rng = self._base_rng = self.rng.getstate()
        self.changes.active = True

    def back_to_seed(self) -> int:
        """Every record, index and id source as they were sealed; returns how many slots changed."""
        restored = self.changes.undo_all()
        self._derived.clear()
        self._owned.clear()
        self._base_rng = self._seeded_rng
        self.rng.setstate(self._seeded_rng)
        return restored

    def back_to_checkpoint(self) -> int:
        """Every record, index and id source as at the last checkpoint (the seed if none)."""
        restored = self.changes.undo_live()
        self._derived.clear()
        self._owned.clear()
        self.rng.setstate(self._base_rng)
        return restored

    def checkpoint(self) -> None:
        self.changes.checkpoint()
        self._owned.clear()  # the lists as they are now are what `back_to_checkpoint` restores
        self._base_rng = self.rng.getstate()

    def new_id(self) -> str:
        """A UUID v4 drawn from the store's seeded source, or, inside a command, from that command's
        own source, so that replaying the command on a rebuilt world gives the same ids."""
        source = self._command_rng or self.rng
        return uuid4_text(source.getrandbits(128))

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

    def add_lead_provider(self, provider: LeadProvider) -> LeadProvider:
        self.lead_providers[provider.id] = provider
        self.providers_by_token[provider.token] = provider.id
        return provider

    def add_school(self, school: School) -> School:
        _number(self, school)
        self.schools[school.id] = school
        self.school_ids_by_urn[school.urn] = school.id
        self._enter("ordered_schools", EVERY_SCHOOL, school)
        return school

    def add_school_cohort(self, school_cohort: SchoolCohort) -> SchoolCohort:
        self.school_cohorts[(school_cohort.school_id, school_cohort.cohort)] = school_cohort
        # The school's stamp in that year may have moved: polls of the schools list re-check it.
        school = self.schools.get(school_cohort.school_id)
        if self.changes.active and school is not None:
            self._restamp(school)
        return school_cohort

    def add_partnership(self, partnership: Partnership) -> Partnership:
        _number(self, partnership)
        self.partnerships[partnership.id] = partnership
        _append(self.partnerships_by_provider, partnership.lead_provider_id, partnership.id)
        _append(self.partnerships_by_school, partnership.school_id, partnership.id)
        self._enter("ordered_partnerships_by_provider", partnership.lead_provider_id, partnership)
        return partnership

    def add_interest_period(self, period: InterestPeriod) -> InterestPeriod:
        self.interest_periods[period.id] = period
        _append(self.interest_periods_by_school, period.school_id, period.id)
        return period

    def add_user(self, user: User) -> User:
        _number(self, user)
        self.users[user.id] = user
        self.note_trn(user)
        return user

    def add_ecf_profile(self, profile: ECFProfile) -> ECFProfile:
        _number(self, profile)
        self.ecf_profiles[profile.id] = profile
        _append(self.profiles_by_user, profile.user_id, profile.id)
        return profile

    def add_induction_record(self, record: InductionRecord) -> InductionRecord:
        self.induction_records[record.id] = record
        _append(self.records_by_profile, record.profile_id, record.id)
        _append(self.records_by_partnership, record.partnership_id, record.id)
        provider_id = self.partnerships[record.partnership_id].lead_provider_id
        profile = self.ecf_profiles[record.profile_id]
        self._enter("ecf_users_by_provider", provider_id, self.users.get(profile.user_id))
        for declaration in self.declarations_of_profile(profile):
            self._enter("declarations_by_provider", provider_id, declaration)
        return record

    def add_npq_application(self, application: NPQApplication) -> NPQApplication:
        _number(self, application)
        self.npq_applications[application.id] = application
        _append(self.applications_by_user, application.user_id, application.id)
        self._enter("applications_by_provider", application.lead_provider_id, application)
        self._enter(
            "npq_users_by_provider", application.lead_provider_id, self.users.get(application.user_id)
        )
        return application

    def add_npq_contract(self, contract: NPQContract) -> NPQContract:
        self.npq_contracts.add(contract)
        key = (contract.lead_provider_id, contract.cohort, contract.course_identifier)
        if contract not in self.npq_contracts_by_course.get(key, ()):
            self.npq_contracts_by_course[key] = (*self.npq_contracts_by_course.get(key, ()), contract)
        return contract

    def add_declaration(self, declaration: Declaration) -> Declaration:
        _number(self, declaration)
        self.declarations[declaration.id] = declaration
        _append(self.declarations_by_user, declaration.user_id, declaration.id)
        self._enter("declarations_by_provider", declaration.lead_provider_id, declaration)
        if not declaration.is_npq:
            for provider_id in self._providers_with_records(declaration.profile_id):
                self._enter("declarations_by_provider", provider_id, declaration)
        elif (application := self.npq_applications.get(declaration.profile_id)) is not None:
            # The NPQ service lists declarations on an application now with the provider, whoever made them.
            self._enter("declarations_by_provider", application.lead_provider_id, declaration)
        return declaration

    def add_outcome(self, outcome: Outcome) -> Outcome:
        self.outcomes[outcome.id] = outcome
        _append(self.outcomes_by_declaration, outcome.declaration_id, outcome.id)
        return outcome

    def note_record_move(self, record: InductionRecord) -> None:
        """Call after a record's `partnership_id` is edited in place (a schedule change before it starts):
        the new partnership lists it, and its provider reaches the participant and its declarations."""
        if record.id not in self.records_by_partnership.get(record.partnership_id, ()):
            _append(self.records_by_partnership, record.partnership_id, record.id)
        provider_id = self.partnerships[record.partnership_id].lead_provider_id
        profile = self.ecf_profiles[record.profile_id]
        self._enter("ecf_users_by_provider", provider_id, self.users.get(profile.user_id))
        for declaration in self.declarations_of_profile(profile):
            self._enter("declarations_by_provider", provider_id, declaration)

    def note_trn(self, user: User) -> None:
        """Call after a user's TRN is set: the old TRN's entry stays, and readers check the TRN."""
        trn = user.teacher_reference_number
        if trn and user.id not in self.users_by_trn.get(trn, ()):
            _append(self.users_by_trn, trn, user.id)

    def note_user_reach(self, user_id: str) -> None:
        """Call after profiles or applications move to `user_id` (a merge): the providers that reach
        them reach the user too."""
        user = self.users.get(user_id)
        for profile in self.ecf_profiles_of(user_id):
            for provider_id in self._providers_with_records(profile.id):
                self._enter("ecf_users_by_provider", provider_id, user)
        for application in self.applications_of(user_id):
            self._enter("npq_users_by_provider", application.lead_provider_id, user)

    def note_application_move(self, application: NPQApplication) -> None:
        """Call after an application moves to another provider: that provider reaches it, its applicant and
        the declarations on it (the old provider's entries stay; readers check whose records they are)."""
        provider_id = application.lead_provider_id
        self._enter("applications_by_provider", provider_id, application)
        self._enter("npq_users_by_provider", provider_id, self.users.get(application.user_id))
        for declaration in self.declarations_of(application.user_id):
            if declaration.profile_id == application.id:
                self._enter("declarations_by_provider", provider_id, declaration)

    def _providers_with_records(self, profile_id: str) -> set[str]:
        return {self.partnerships[r.partnership_id].lead_provider_id for r in self.records_of(profile_id)}

    def declarations_of_profile(self, profile: ECFProfile) -> list[Declaration]:
        return [d for d in self.declarations_of(profile.user_id) if d.profile_id == profile.id]

    # -- what changed since the seal ----------------------------------------------------------

    def _changing(self, record: Any, name: str) -> None:
        """Told before a field of a sealed-world record changes."""
        if name == "updated_at" or isinstance(record, (Declaration, NPQApplication, NPQProfile)):
            # Restamped is a superset (readers check the stamp): any change to a declaration, an
            # application or an NPQ training record may also change whether it (or its applicant) is listed.
            self._restamp(record)
        if isinstance(record, User):
            self._unsettle(record)
        elif isinstance(record, ECFProfile):
            self._unsettle(self.users.get(record.user_id))
        elif isinstance(record, InductionRecord):
            profile = self.ecf_profiles.get(record.profile_id)
            if profile is not None:
                self._unsettle(self.users.get(profile.user_id))
        elif isinstance(record, NPQApplication):
            # Whose application it is decides who sees the declarations on it.
            for declaration in self.declarations_of(record.user_id):
                if declaration.profile_id == record.id:
                    self._restamp(declaration)
        elif isinstance(record, Partnership) and name in ("challenged_reason", "lead_provider_id"):
            # Who sees the records under it changes: what reads derived from visibility is stale.
            self._derived.clear()
        elif isinstance(record, SchoolCohort):
            # It has no id of its own: its school stands for it in polls of the schools list.
            self._restamp(self.schools.get(record.school_id))

    def _removing(self, mapping: dict, key: Any) -> None:
        if mapping is self.users:
            self._unsettle(dict.get(mapping, key))
        elif mapping is self.school_cohorts:
            self._restamp(self.schools.get(key[0]))

    def _restamp(self, record: Any) -> None:
        record_id = getattr(record, "id", None)  # a school cohort has none, and no ordered index holds it
        if record_id is not None and record_id not in self.restamped:
            self.restamped[record_id] = None

    def _unsettle(self, user: User | None) -> None:
        if user is not None and user.id not in self.unsettled_users:
            self.unsettled_users[user.id] = entry_of(user)

    def derived(self, key: Any, build: Callable[[], Any]) -> Any:
        """`build()`, made once and kept until the next reset or partnership change. Only for what
        stays true of the records it covers until they change, which `restamped` or
        `unsettled_users` then tells. Before the seal, nothing is kept."""
        if not self.changes.active:
            return build()  # unsealed, changes go unseen: nothing derived can be kept
        value = self._derived.get(key)
        if value is None:
            value = self._derived[key] = build()
        return value

    def stamped_since(self, name: str, key: str, at: datetime, strict: bool) -> list[Entry]:
        """The entries of ordered index `name` under `key` whose record's `updated_at` is after `at`
        (or at it, unless `strict`), in the index's order. Costs what it returns plus the records
        restamped since the seal, from an ordering by stamp made once per reset."""
        records = getattr(self, _SOURCES[name])
        index = self.ordered(name, key)

        def by_stamp() -> tuple[list[datetime], list[Entry]]:
            pairs = sorted(
                (record.updated_at, entry)
                for entry in index
                if entry[2] not in self.restamped and (record := records.get(entry[2])) is not None
            )
            return [pair[0] for pair in pairs], [pair[1] for pair in pairs]

        stamps, entries = self.derived(("stamps", name, key), by_stamp)
        start = (bisect.bisect_right if strict else bisect.bisect_left)(stamps, at)
        found = [entry for entry in entries[start:] if entry[2] not in self.restamped]
        for record_id in self.restamped:
            if record_id not in records:
                continue
            record = records[record_id]
            if record.updated_at > at or (not strict and record.updated_at == at):
                entry = entry_of(record)
                if contains(index, entry):
                    found.append(entry)
        found.sort()
        return found

    def polled(
        self,
        name: str,
        key: str,
        since: Any,
        stamp: Callable[[Entry], datetime | None],
        sources: Callable[[Entry], Iterable[str]],
        reached: Callable[[str], Iterable[Entry]],
        variant: Any = None,
    ) -> list[Entry]:
        """`stamped_since` for an index whose entry's stamp is the latest of several records' stamps:
        the entries under `key` that `since` (a `listing.Since`) may admit, in the index's order.
        `stamp(entry)` is that latest stamp, or at least it (None: the record is gone; the reader checks
        the exact one); `sources(entry)` the ids of the records it reads; `reached(id)` the entries whose
        stamp a restamp of record `id` may move. Costs what it returns plus the records restamped since
        the seal, from an ordering by stamp made once per reset (one for each `variant`, when `stamp`
        depends on more than the entry)."""
        index = self.ordered(name, key)
        restamped = self.restamped

        def settled(entry: Entry) -> bool:
            return not any(source in restamped for source in sources(entry))

        def by_stamp() -> tuple[list[datetime], list[Entry]]:
            pairs = sorted(
                (at, entry) for entry in index if settled(entry) and (at := stamp(entry)) is not None
            )
            return [pair[0] for pair in pairs], [pair[1] for pair in pairs]

        stamps, entries = self.derived(("stamps of several", name, key, variant), by_stamp)
        start = (bisect.bisect_right if since.strict else bisect.bisect_left)(stamps, since.at)
        found = {entry for entry in entries[start:] if settled(entry)}
        for record_id in restamped:
            for entry in reached(record_id):
                if entry not in found and contains(index, entry):
                    at = stamp(entry)
                    if at is not None and since.admits(at):
                        found.add(entry)
        return sorted(found)

    def unsettled_in(self, name: str, key: str) -> list[Entry]:
        """The users unsettled since the seal that are in ordered index `name` under `key`."""
        index = self.ordered(name, key)
        return [entry for entry in self.unsettled_users.values() if contains(index, entry)]

    def _enter(self, name: str, key: str, record: Any) -> None:
        """Put `record` in the ordered index `name` under `key`, once."""
        if record is None:
            return
        index = getattr(self, name)
        entry = entry_of(record)
        if self._building is not None:
            members = self._building.setdefault((name, key), set())
            if record.id not in members:
                members.add(record.id)
                entries = dict.get(index, key)
                if entries is None:
                    index[key] = entries = []
                elif isinstance(entries, tuple):  # sealed once already (a rebuilt test world)
                    index[key] = entries = list(entries)
                entries.append(entry)
            return
        entries = index.get(key, ())
        at = bisect.bisect_left(entries, entry)
        if at < len(entries) and entries[at] == entry:
            return
        if self._owned.get((name, key)) is not entries:
            # An undo record may hold this one: change a copy (once per key until the next checkpoint).
            entries = self._owned[name, key] = list(entries)
        entries.insert(at, entry)
        index[key] = entries  # recorded (the first time) and counted as a change, for readers' caches
        # New to this index since the seal: polls and derived reads must see it.
        self._restamp(record)
        if isinstance(record, User):
            self._unsettle(record)

    # -- lookups ------------------------------------------------------------------------------

    def resolve_user_id(self, user_id: str) -> str:
        """A merged (retired) participant id still resolves to the surviving user."""
        return self.retired_user_ids.get(user_id, user_id)

    def ecf_profiles_of(self, user_id: str) -> list[ECFProfile]:
        return [self.ecf_profiles[pid] for pid in self.profiles_by_user.get(user_id, ())]

    def records_of(self, profile_id: str) -> list[InductionRecord]:
        return [self.induction_records[rid] for rid in self.records_by_profile.get(profile_id, ())]

    def records_on(self, partnership_id: str) -> Iterator[InductionRecord]:
        """The induction records under a partnership now (one made on it may have moved since), read
        lazily so that asking whether there is one reads one."""
        records = (self.induction_records[rid] for rid in self.records_by_partnership.get(partnership_id, ()))
        return (r for r in records if r.partnership_id == partnership_id)

    def declarations_of(self, user_id: str) -> list[Declaration]:
        return [self.declarations[did] for did in self.declarations_by_user.get(user_id, ())]

    def cohort_suffix_of(self, record: Any) -> str:
        """The NPQ service's cohort suffix of an NPQ application, training record or declaration (each
        names its application by id); `a` for anything else, as every ECF cohort is."""
        application_id = getattr(record, "profile_id", None) or getattr(record, "id", None)
        application = self.npq_applications.get(application_id) if application_id else None
        return application.cohort_suffix if application is not None else "a"

    def applications_of(self, user_id: str) -> list[NPQApplication]:
        return [self.npq_applications[aid] for aid in self.applications_by_user.get(user_id, ())]

    def npq_contracts_for(
        self, provider_id: str, cohort: int | None, course_identifier: str
    ) -> list[NPQContract]:
        """A provider's NPQ contracts for a course in a cohort year (every suffix), still in the world (a
        test may discard one from the set)."""
        found = self.npq_contracts_by_course.get((provider_id, cohort, course_identifier), ())
        return [c for c in found if c in self.npq_contracts]

    def outcomes_of(self, declaration_id: str) -> list[Outcome]:
        return [self.outcomes[oid] for oid in self.outcomes_by_declaration.get(declaration_id, ())]

    def provider_by_token(self, token: str) -> LeadProvider | None:
        provider_id = self.providers_by_token.get(token)
        return self.lead_providers.get(provider_id) if provider_id else None

    def users_with_trn(self, trn: str) -> list[User]:
        """Users whose TRN is `trn` now, oldest first."""
        users = (self.users.get(uid) for uid in self.users_by_trn.get(trn, ()))
        return [u for u in users if u is not None and u.teacher_reference_number == trn]

    def partnerships_of(self, provider_id: str) -> list[Partnership]:
        """A provider's partnerships, relationship and challenged ones included, oldest first."""
        return [self.partnerships[pid] for pid in self.partnerships_by_provider.get(provider_id, ())]

    def partnerships_at(self, school_id: str) -> list[Partnership]:
        """A school's partnerships with every provider, relationship and challenged ones included."""
        return [self.partnerships[pid] for pid in self.partnerships_by_school.get(school_id, ())]

    def interest_periods_at(self, school_id: str) -> list[InterestPeriod]:
        """The periods a school registered with an expression of interest, for every provider."""
        return [self.interest_periods[i] for i in self.interest_periods_by_school.get(school_id, ())]

    def merged_into(self, participant_id: str) -> User | None:
        """The user whose `participant_id_changes` name `participant_id`, if any: the one it was merged
        into (a merge hands the survivor every change of the user it retires, and points each retired
        id at the survivor)."""
        user_id = self.retired_user_ids.get(participant_id)
        return self.users.get(user_id) if user_id is not None else None

    def school_with_urn(self, urn: str) -> School | None:
        school_id = self.school_ids_by_urn.get(urn)
        return self.schools.get(school_id) if school_id else None

    def ordered(self, name: str, key: str) -> Sequence[Entry]:
        """One ordered index's entries, oldest first (sorted here only before the seal). Read it under
        the store's lock: a later insert may change it in place."""
        entries = getattr(self, name).get(key, ())
        return tuple(sorted(entries)) if self._building is not None else entries

    def users_in(self, entries: Iterable[Entry]) -> Iterator[User]:
        """The users still in the world among `entries` (a merged user is gone, its entry stays)."""
        # Built of iterators written in C: a page's users are read on every list request.
        return filter(None, map(self.users.get, map(_ENTRY_ID, entries)))


Entry = tuple  # (created_at, creation serial, id): the order lists read records in
_ENTRY_ID = operator.itemgetter(2)
EVERY_SCHOOL = "schools"  # the one key of `Store.ordered_schools`


def entry_of(record: Any) -> Entry:
    """A numbered record's entry in the ordered indexes."""
    return (record.created_at, record._serial, record.id)


def contains(entries: Sequence[Entry], entry: Entry) -> bool:
    """Whether sorted `entries` hold `entry` (a binary search)."""
    at = bisect.bisect_left(entries, entry)
    return at < len(entries) and entries[at] == entry


@dataclass(frozen=True)
class Hidden:
    """Which entries of an ordered index a read skips without counting: those found once (`known`,
    sorted), less those visible again since (`unhidden`), plus those hidden since (`added`)."""

    known: list[Entry]
    unhidden: list[Entry]
    added: list[Entry]

    def __contains__(self, entry: Entry) -> bool:
        if contains(self.known, entry):
            return not contains(self.unhidden, entry)
        return contains(self.added, entry)

    def visible(self, entries: Sequence[Entry], start: int) -> Iterator[Entry]:
        """`entries[start:]` less the hidden ones, in order. All four are sorted, so each hidden list is
        walked beside the entries rather than searched once per entry."""
        if start >= len(entries):
            return
        known, unhidden, added = self.known, self.unhidden, self.added
        k, u, a = (bisect.bisect_left(found, entries[start]) for found in (known, unhidden, added))
        for i in range(start, len(entries)):
            entry = entries[i]
            while k < len(known) and known[k] < entry:
                k += 1
            if k < len(known) and known[k] == entry:
                while u < len(unhidden) and unhidden[u] < entry:
                    u += 1
                if u == len(unhidden) or unhidden[u] != entry:
                    continue
            else:
                while a < len(added) and added[a] < entry:
                    a += 1
                if a < len(added) and added[a] == entry:
                    continue
            yield entry

    def up_to(self, entry: Entry) -> int:
        """How many hidden entries sort at or before `entry`."""
        return (
            bisect.bisect_right(self.known, entry)
            - bisect.bisect_right(self.unhidden, entry)
            + bisect.bisect_right(self.added, entry)
        )


def settle(known: list[Entry], changed: Iterable[Entry], hidden: Callable[[Entry], bool]) -> Hidden:
    """`known` (sorted, found once) brought up to date by re-checking only the `changed` entries, all
    members of the index."""
    unhidden, added = [], []
    for entry in set(changed):
        if contains(known, entry):
            if not hidden(entry):
                unhidden.append(entry)
        elif hidden(entry):
            added.append(entry)
    return Hidden(known, sorted(unhidden), sorted(added))


def position(entries: Sequence[Entry], hidden: Hidden, start: int, extra: Hidden | None = None) -> int:
    """Where the `start`-th counted unit (from 0) sits in `entries`: a binary search over the entries,
    each step counting the units up to it by binary searches (O(log² n)). An entry counts once, none
    if `hidden`, and once more for each time it is in `extra` (a participant listed in several rows)."""
    low, high = 0, len(entries)
    while low < high:
        middle = (low + high) // 2
        if counted(entries, hidden, middle + 1, extra) > start:
            high = middle
        else:
            low = middle + 1
    return low


def counted(entries: Sequence[Entry], hidden: Hidden, end: int, extra: Hidden | None = None) -> int:
    """How many units `entries[:end]` counts (see `position`)."""
    if end == 0:
        return 0
    last = entries[end - 1]
    return end - hidden.up_to(last) + (extra.up_to(last) if extra is not None else 0)


_SETS = ("provider_relationships", "npq_contracts", "npq_delivery_partnerships")
_ORDERED = (
    "ecf_users_by_provider",
    "npq_users_by_provider",
    "applications_by_provider",
    "declarations_by_provider",
    "ordered_partnerships_by_provider",
    "ordered_schools",
)
# The records each ordered index holds entries of.
_SOURCES = {
    "ecf_users_by_provider": "users",
    "npq_users_by_provider": "users",
    "applications_by_provider": "npq_applications",
    "declarations_by_provider": "declarations",
    "ordered_partnerships_by_provider": "partnerships",
    "ordered_schools": "schools",
}
_DICTS = tuple(
    name
    for name in Store.__dataclass_fields__
    if name not in _SETS and name not in ("reference", "seed", "rng", "_command_rng", "lock", "changes")
)


def creation_order(record: Any) -> int:
    """Where a user, profile, application, declaration, school or partnership came in its dict of the
    store."""
    return record._serial


def _number(store: Store, record: Any) -> None:
    """Creation order, for ties between equal creation stamps (as a stable sort over the store's
    dicts breaks them). Not recorded: after a reset, numbers still rise with insertion order."""
    store._serial += 1
    object.__setattr__(record, "_serial", store._serial)


def _sorted_in_steps(entries: list[Entry], step: int = 20_000) -> tuple[Entry, ...]:
    """`tuple(sorted(entries))` (no two entries are equal), sorted in slices and merged by `heapq.merge`,
    which is Python code: a world built in a thread (a reseed) gives way to the event loop between its
    steps, where one `sorted` of a large provider's entries held the interpreter for most of a second."""
    if len(entries) <= step:
        return tuple(sorted(entries))
    return tuple(heapq.merge(*(sorted(entries[i : i + step]) for i in range(0, len(entries), step))))


def uuid4_text(bits: int) -> str:
    """`str(uuid.UUID(int=bits, version=4))`, character for character, without making the UUID (a
    third of the cost of an id, and a large world draws millions)."""
    bits = (bits & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 4 << 76
    text = f"{bits:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def _append(index: dict[str, tuple[str, ...]], key: str, value: str) -> None:
    index[key] = (*index.get(key, ()), value)
