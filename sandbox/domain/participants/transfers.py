"""Participants moving between schools or providers, as the v3 transfers endpoints show them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since
from sandbox.domain.world.entities import InductionRecord, LeadProvider, User
from sandbox.store import Store, creation_order


@dataclass(frozen=True)
class Move:
    school_urn: str
    provider: str | None  # None: school-led training
    date: date | None


@dataclass(frozen=True)
class Transfer:
    training_record_id: str
    transfer_type: str  # new_school | new_provider | unknown
    status: str  # complete | incomplete
    created_at: datetime
    leaving: Move
    joining: Move | None
    updated_at: datetime  # the later of the two records' stamps (not shown on the item itself)


@dataclass(frozen=True)
class ParticipantTransfers:
    user: User
    transfers: list[Transfer]

    @property
    def updated_at(self) -> datetime:
        """Upstream shows the latest stamp of the records the transfers are built from."""
        return max((t.updated_at for t in self.transfers), default=self.user.updated_at)


def _provider_of(store: Store, record: InductionRecord) -> LeadProvider:
    return store.lead_providers[store.partnerships[record.partnership_id].lead_provider_id]


def _move(store: Store, record: InductionRecord, when: datetime | None) -> Move:
    school = store.schools[store.partnerships[record.partnership_id].school_id]
    return Move(school.urn, _provider_of(store, record).name, when.date() if when else None)


def _school_of(store: Store, record: InductionRecord) -> str:
    return store.partnerships[record.partnership_id].school_id


def _profile_transfers(store: Store, provider: LeadProvider, profile_id: str, today: date) -> list[Transfer]:
    records = sorted(store.records_of(profile_id), key=lambda r: r.created_at)
    transfers = []
    for index, leaving in enumerate(records):
        if leaving.induction_status != "leaving":
            continue
        joining = next(
            (
                r
                for r in records[index + 1 :]
                if r.induction_status != "leaving"
                and r.school_transfer
                and _school_of(store, r) != _school_of(store, leaving)
            ),
            None,
        )
        old = _provider_of(store, leaving)
        new = _provider_of(store, joining) if joining else None
        if provider.id not in {old.id, new.id if new else None}:
            continue
        if joining is None:
            transfer_type = "unknown"
        elif new.id != old.id:
            transfer_type = "new_provider"
        else:
            transfer_type = "new_school"
        # Upstream compares the later of the known dates with today, joining or not; with no date at
        # all it fails, where the sandbox says incomplete.
        dates = [d.date() for d in (leaving.end_date, joining.start_date if joining else None) if d]
        complete = bool(dates) and max(dates) <= today
        transfers.append(
            Transfer(
                training_record_id=profile_id,
                transfer_type=transfer_type,
                status="complete" if complete else "incomplete",
                created_at=leaving.created_at,
                leaving=_move(store, leaving, leaving.end_date),
                joining=_move(store, joining, joining.start_date) if joining else None,
                updated_at=max(leaving.updated_at, joining.updated_at if joining else leaving.updated_at),
            )
        )
    return transfers


def _transfers_of(store: Store, provider: LeadProvider, user: User, today: date) -> list[Transfer]:
    transfers = []
    for profile in store.ecf_profiles_of(user.id):
        transfers.extend(_profile_transfers(store, provider, profile.id, today))
    return transfers


def list_transfers(
    store: Store, provider: LeadProvider, updated_since: datetime | None, today: date
) -> list[ParticipantTransfers]:
    since = Since(updated_since, strict=False) if updated_since else None
    users: Iterable[User] = _leavers(store, provider)
    if since is not None:
        changed = [u for u in users if since.admits(u.updated_at)]
        users = sorted(changed, key=lambda u: (u.updated_at, creation_order(u)))
    result = []
    for user in users:
        transfers = _transfers_of(store, provider, user, today)
        if transfers:
            result.append(ParticipantTransfers(user, transfers))
    return result


def _leavers(store: Store, provider: LeadProvider) -> list[User]:
    """Every candidate for a transfer, in creation order. A transfer always involves one of the
    provider's records and starts with a leaving record, so the candidates are its own users with a
    leaving record: found once per reset, plus the users whose records changed since the seal."""
    index = store.ordered("ecf_users_by_provider", provider.id)

    def leaves(entry: tuple) -> bool:
        profiles = store.profiles_by_user.get(entry[2], ())
        return any(r.induction_status == "leaving" for p in profiles for r in store.records_of(p))

    known = store.derived(("ecf leavers", provider.id), lambda: [e for e in index if leaves(e)])
    suspects = set(known).union(store.unsettled_in("ecf_users_by_provider", provider.id))
    return list(store.users_in(sorted(suspects)))


def get_transfers(store: Store, provider: LeadProvider, user_id: str, today: date) -> ParticipantTransfers:
    user = store.users.get(user_id)
    transfers = _transfers_of(store, provider, user, today) if user else []
    if not transfers:
        raise NotFound(user_id)
    return ParticipantTransfers(user, transfers)
