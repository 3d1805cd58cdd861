"""Reading NPQ participants, their enrolments and their outcomes as a lead provider sees them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sandbox.domain.errors import NotFound, ParticipantIdChanged
from sandbox.domain.listing import Since, SortKey, as_since, in_creation_order, sort_records
from sandbox.domain.participants.visibility import state_while
from sandbox.domain.world.entities import (
    LeadProvider,
    NPQApplication,
    NPQProfile,
    Outcome,
    ProfileState,
    User,
)
from sandbox.store import Hidden, Store, contains, creation_order, entry_of, position, settle


@dataclass(frozen=True)
class NPQEnrolment:
    profile: NPQProfile
    application: NPQApplication
    withdrawal: ProfileState | None
    deferral: ProfileState | None
    email: str  # the participant's
    archived: bool = False  # the participant's account was archived by DfE


@dataclass(frozen=True)
class NPQParticipant:
    user: User
    enrolments: list[NPQEnrolment]

    @property
    def updated_at(self) -> datetime:
        return max([self.user.updated_at] + [e.profile.updated_at for e in self.enrolments])


@dataclass(frozen=True)
class NPQParticipantFilter:
    updated_since: Since | datetime | None = None  # a datetime is compared strictly (after it)
    training_status: str | None = None
    from_participant_id: str | None = None


def _provider_users(store: Store, provider: LeadProvider) -> list[User]:
    """Users with an application to the provider, in the store's own order (sorts break ties by it)."""
    users = store.users_in(store.ordered("npq_users_by_provider", provider.id))
    return sorted(users, key=creation_order)


def _enrolments(store: Store, provider: LeadProvider, user: User) -> list[NPQEnrolment]:
    enrolments = []
    for application in store.applications_of(user.id):
        profile = store.npq_profiles.get(application.id)
        # An application the NPQ service let the provider reject after accepting it is no enrolment.
        if profile is None or profile.lead_provider_id != provider.id or application.status != "accepted":
            continue
        enrolments.append(
            NPQEnrolment(
                profile=profile,
                application=application,
                withdrawal=state_while(profile.states, provider.id, profile.training_status, "withdrawn"),
                deferral=state_while(profile.states, provider.id, profile.training_status, "deferred"),
                email=user.email,
                archived=user.archived,
            )
        )
    return enrolments


USER_COLUMNS = {
    "created_at": lambda p: p.user.created_at,
    "updated_at": lambda p: p.user.updated_at,
    "full_name": lambda p: p.user.full_name,
    "id": lambda p: p.user.id,
}


def list_participants(
    store: Store, provider: LeadProvider, flt: NPQParticipantFilter, sort: Sequence[SortKey] = ()
) -> list[NPQParticipant]:
    result = list(_participants(store, provider, flt, _provider_users(store, provider)))
    return sort_records(result, sort or [SortKey("created_at")], USER_COLUMNS)


def iter_participants(
    store: Store,
    provider: LeadProvider,
    flt: NPQParticipantFilter,
    sort: Sequence[SortKey] = (),
    skip: int = 0,
) -> Iterator[NPQParticipant]:
    """`list_participants` after its first `skip`, lazily in the default order: straight from the
    provider's index, so a page builds views only for its own participants. Unfiltered, the skipped
    ones cost a position lookup (the index's users with nothing the provider can list are found once
    per reset); filtered, a view each."""
    if not in_creation_order(sort):
        return iter(list_participants(store, provider, flt, sort)[skip:])
    index = store.ordered("npq_users_by_provider", provider.id)
    entries: Iterable[tuple] = index
    since = as_since(flt.updated_since, strict=True)
    if since is not None:
        entries = _polled(store, provider, since)
    elif skip and flt.training_status is None and flt.from_participant_id is None:
        hidden = hidden_users(store, provider)
        at = position(index, hidden, skip)
        entries = hidden.visible(index, at)
        skip = 0
    return islice(_participants(store, provider, flt, store.users_in(entries)), skip, None)


def hidden_users(store: Store, provider: LeadProvider) -> Hidden:
    """The entries of the provider's NPQ user index with no enrolment it can list (gone in a merge, or
    no accepted application of theirs trained with it): found once per reset, then re-checking only
    the users changed since the seal and those whose applications or training records changed."""
    index = store.ordered("npq_users_by_provider", provider.id)

    def hidden(entry: tuple) -> bool:
        user = store.users.get(entry[2])
        return user is None or not _enrolments(store, provider, user)

    known = store.derived(("npq users hidden", provider.id), lambda: [e for e in index if hidden(e)])
    changed = store.unsettled_in("npq_users_by_provider", provider.id)
    for record_id in store.restamped:
        if (application := store.npq_applications.get(record_id)) is not None:
            user = store.users.get(application.user_id)
            if user is not None and contains(index, entry := entry_of(user)):
                changed.append(entry)
    return settle(known, changed, hidden)


def _polled(store: Store, provider: LeadProvider, since: Since) -> list[tuple]:
    """The entries of the provider's NPQ users that `since` may admit, by the latest stamp of the user
    and of the training profiles of all its applications (at least the participant's own stamp)."""

    def stamp(entry: tuple) -> datetime | None:
        user = store.users.get(entry[2])
        if user is None:
            return None
        profiles = (store.npq_profiles.get(a.id) for a in store.applications_of(user.id))
        return max([user.updated_at, *(p.updated_at for p in profiles if p is not None)])

    def sources(entry: tuple) -> list[str]:
        return [entry[2], *store.applications_by_user.get(entry[2], ())]

    def reached(record_id: str) -> list[tuple]:
        user = store.users.get(record_id)
        if user is None and (application := store.npq_applications.get(record_id)) is not None:
            user = store.users.get(application.user_id)
        return [] if user is None else [entry_of(user)]

    return store.polled("npq_users_by_provider", provider.id, since, stamp, sources, reached)


def _participants(
    store: Store, provider: LeadProvider, flt: NPQParticipantFilter, users: Iterable[User]
) -> Iterator[NPQParticipant]:
    since = as_since(flt.updated_since, strict=True)
    for user in users:
        if flt.from_participant_id is not None and not any(
            c.from_participant_id == flt.from_participant_id for c in user.participant_id_changes
        ):
            continue
        enrolments = _enrolments(store, provider, user)
        if flt.training_status is not None:
            enrolments = [e for e in enrolments if e.profile.training_status == flt.training_status]
        if not enrolments:
            continue
        participant = NPQParticipant(user, enrolments)
        if since is None or since.admits(participant.updated_at):
            yield participant


def refuse_retired_id(store: Store, participant_id: str) -> None:
    """The NPQ service answers a participant id retired by a merge with the id that replaced it
    (whichever provider asks), where the ECF service read it as the surviving person."""
    surviving = store.retired_user_ids.get(participant_id)
    if surviving is None:
        return
    changes = store.users[surviving].participant_id_changes
    change = next((c for c in changes if c.from_participant_id == participant_id), None)
    changed_at = change.changed_at if change else store.users[surviving].updated_at
    raise ParticipantIdChanged(participant_id, surviving, changed_at)


def require_participant(store: Store, provider: LeadProvider, participant_id: str, rules: str) -> None:
    """The NPQ service finds the participant of an action or outcome among the provider's own before it
    checks anything else: a retired id, or someone else's participant, is not found (the ECF service
    resolved retired ids and answered others with 422)."""
    if rules != "npq-service":
        return
    if participant_id in store.retired_user_ids:
        raise NotFound(participant_id)
    get_participant(store, provider, participant_id)


def get_participant(
    store: Store, provider: LeadProvider, user_id: str, rules: str = "ecf-service"
) -> NPQParticipant:
    if rules == "npq-service":
        refuse_retired_id(store, user_id)
    user = store.users.get(user_id)
    if user is not None:
        enrolments = _enrolments(store, provider, user)
        if enrolments:
            return NPQParticipant(user, enrolments)
    raise NotFound(user_id)


def list_enrolment_profiles(
    store: Store, provider: LeadProvider, updated_since: datetime | None
) -> list[NPQEnrolment]:
    """The v2 enrolments CSV: one row per profile, oldest change first."""
    since = Since(updated_since, strict=True) if updated_since else None
    rows = []
    for user in _provider_users(store, provider):
        for enrolment in _enrolments(store, provider, user):
            if since is None or since.admits(enrolment.profile.updated_at):
                rows.append(enrolment)
    return sorted(rows, key=lambda e: e.profile.updated_at)


# -- outcomes -------------------------------------------------------------------------------------


def list_outcomes(store: Store, provider: LeadProvider, created_since: datetime | None) -> list[Outcome]:
    since = Since(created_since, strict=False) if created_since else None
    result = [
        o
        for o in store.outcomes.values()
        if o.lead_provider_id == provider.id and (since is None or since.admits(o.created_at))
    ]
    return sorted(result, key=lambda o: o.created_at)


def participant_outcomes(
    store: Store, provider: LeadProvider, participant_id: str, rules: str = "ecf-service"
) -> list[Outcome]:
    if rules == "npq-service":
        # A retired id is gone; an id the provider has no participant for is not found.
        user_id = get_participant(store, provider, participant_id, rules).user.id
    else:
        user_id = store.resolve_user_id(participant_id)
    result = [
        o for o in store.outcomes.values() if o.lead_provider_id == provider.id and o.user_id == user_id
    ]
    return sorted(result, key=lambda o: o.created_at)
