"""Transfers as RECT derives them (rect.md §5.7): from a person's school periods, per role.

The world keeps no separate at-school periods: a role's provider-led records and school-led periods,
in start order, fall into runs at one school, and each run is a school period. A run is over when a
later run exists (the person is at another school) or its school reported them leaving (its last
record carries the school's leave date, or its last school-led period has an end). A finished run
whose last training period has ended is a transfer, to the first training period of the next run, or
to nobody: except that a person with no next school who has completed induction is not a transfer.

"Today" is the contract's local day; a transfer is `incomplete` while the leaving end date or the
joining start date is after it. The older /api/v3 transfers keep their own rules (`transfers.py`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import SortKey, sort_records
from sandbox.domain.participants.training_periods import local_day
from sandbox.domain.participants.transfers import Move, ParticipantTransfers, Transfer
from sandbox.domain.world.entities import ECFProfile, InductionRecord, LeadProvider, SchoolLedPeriod, User
from sandbox.store import Store, creation_order


@dataclass(frozen=True)
class Period:
    """One training period of a role: a provider-led record, or a school-led stretch (no provider)."""

    school_id: str
    provider: LeadProvider | None
    start: datetime
    end: datetime | None
    created_at: datetime
    stamp: datetime  # what moves the transfer's `updated_at` when the period changes
    leaves_school: bool  # its school reported the person leaving


def _periods(store: Store, profile: ECFProfile) -> list[Period]:
    periods = [_provider_led(store, r) for r in store.records_of(profile.id)]
    periods.extend(_school_led(p) for p in profile.school_led_periods)
    return sorted(periods, key=lambda p: (p.start, p.created_at))


def _provider_led(store: Store, record: InductionRecord) -> Period:
    partnership = store.partnerships[record.partnership_id]
    return Period(
        partnership.school_id,
        store.lead_providers[partnership.lead_provider_id],
        record.start_date,
        record.end_date,
        record.created_at,
        record.updated_at,
        record.school_leave_date is not None,  # what `training_periods.school_leave_date` reads too
    )


def _school_led(period: SchoolLedPeriod) -> Period:
    return Period(
        period.school_id,
        None,
        period.start_date,
        period.end_date,
        period.created_at,
        period.created_at,
        period.end_date is not None,
    )


def school_periods(store: Store, profile: ECFProfile) -> list[list[Period]]:
    """The role's stays at one school, oldest first, each its training periods in start order."""
    runs: list[list[Period]] = []
    for period in _periods(store, profile):
        if runs and runs[-1][-1].school_id == period.school_id:
            runs[-1].append(period)
        else:
            runs.append([period])
    return runs


def _provider_id(period: Period | None) -> str | None:
    return period.provider.id if period is not None and period.provider is not None else None


def _move(store: Store, period: Period, when: datetime | None, zone: tzinfo) -> Move:
    return Move(
        store.schools[period.school_id].urn,
        period.provider.name if period.provider is not None else None,
        local_day(when, zone) if when is not None else None,
    )


def _completed_induction(store: Store, profile: ECFProfile) -> bool:
    """The person's induction is over (an ECT's end date), whichever role the stay was in."""
    return any(
        p.participant_type == "ect" and p.induction_end_date is not None
        for p in store.ecf_profiles_of(profile.user_id)
    )


def _role_transfers(
    store: Store, provider: LeadProvider, profile: ECFProfile, today: date, zone: tzinfo
) -> list[tuple[datetime, Transfer]]:
    runs = school_periods(store, profile)
    found = []
    for index, run in enumerate(runs):
        following = runs[index + 1] if index + 1 < len(runs) else None
        leaving = run[-1]
        if following is None and not leaving.leaves_school:
            continue  # still at this school
        if leaving.end is None:
            continue  # its last training period has not ended
        if following is None and _completed_induction(store, profile):
            continue
        joining = following[0] if following else None
        if provider.id not in (_provider_id(leaving), _provider_id(joining)):
            continue
        if joining is None:
            transfer_type = "unknown"
        elif _provider_id(joining) != _provider_id(leaving):
            transfer_type = "new_provider"  # school-led on either side counts as another provider
        else:
            transfer_type = "new_school"
        later = local_day(leaving.end, zone) > today or (
            joining is not None and local_day(joining.start, zone) > today
        )
        transfer = Transfer(
            training_record_id=profile.id,
            transfer_type=transfer_type,
            status="incomplete" if later else "complete",
            created_at=leaving.created_at,
            leaving=_move(store, leaving, leaving.end, zone),
            joining=_move(store, joining, joining.start, zone) if joining else None,
            updated_at=max(leaving.stamp, joining.stamp if joining else leaving.stamp),
        )
        found.append((leaving.start, transfer))
    return found


def transfers_of(
    store: Store, provider: LeadProvider, user: User, now: datetime, zone: tzinfo
) -> list[Transfer]:
    """Every transfer of the person that the provider is on either side of: ECT and mentor merged, in
    the order their leaving training periods started."""
    today = local_day(now, zone)
    found = []
    for profile in store.ecf_profiles_of(user.id):
        found.extend(_role_transfers(store, provider, profile, today, zone))
    return [t for _, t in sorted(found, key=lambda item: item[0])]


def _changed_since(store: Store, provider: LeadProvider, user: User, since: datetime) -> bool:
    """Whether one of the provider's first or last training periods of a stay moved since `since`."""
    for profile in store.ecf_profiles_of(user.id):
        for run in school_periods(store, profile):
            for period in (run[0], run[-1]):
                if _provider_id(period) == provider.id and period.stamp >= since:
                    return True
    return False


# Ties (people made in one instant) keep their creation order, reversed with the column.
SORT_COLUMNS = {
    "created_at": lambda i: (i.user.created_at, creation_order(i.user)),
    "updated_at": lambda i: (i.user.updated_at, creation_order(i.user)),
}


def list_transfers(
    store: Store,
    provider: LeadProvider,
    updated_since: datetime | None,
    now: datetime,
    zone: tzinfo,
    sort: Sequence[SortKey] = (),
) -> list[ParticipantTransfers]:
    """The people involved in a transfer with the provider, oldest person first unless `sort` says
    otherwise; `updated_since` keeps those whose stay boundaries with the provider moved since."""
    result = []
    for user in _candidates(store, provider, now, zone):
        if updated_since is not None and not _changed_since(store, provider, user, updated_since):
            continue
        transfers = transfers_of(store, provider, user, now, zone)
        if transfers:
            result.append(ParticipantTransfers(user, transfers))
    return sort_records(result, sort, SORT_COLUMNS) if sort else result


def _candidates(store: Store, provider: LeadProvider, now: datetime, zone: tzinfo) -> list[User]:
    """Everyone who may have a transfer with the provider, in creation order. A transfer always has a
    record of the provider on one side, so they are among its users: those with one when the world was
    last reset (whether a person has one does not depend on the day), plus those changed since."""
    index = store.ordered("ecf_users_by_provider", provider.id)

    def involved(entry: tuple) -> bool:
        user = store.users.get(entry[2])
        return (
            user is not None
            and _may_transfer(store, user)
            and bool(transfers_of(store, provider, user, now, zone))
        )

    known = store.derived(("rect transfers", provider.id), lambda: [e for e in index if involved(e)])
    suspects = set(known).union(store.unsettled_in("ecf_users_by_provider", provider.id))
    return list(store.users_in(sorted(suspects)))


def _may_transfer(store: Store, user: User) -> bool:
    """A cheap first look: a stay can only be over if some training period of the person has ended."""
    return any(
        profile.school_led_periods or any(r.end_date is not None for r in store.records_of(profile.id))
        for profile in store.ecf_profiles_of(user.id)
    )


def get_transfers(
    store: Store, provider: LeadProvider, user_id: str, now: datetime, zone: tzinfo
) -> ParticipantTransfers:
    user = store.users.get(user_id)
    transfers = transfers_of(store, provider, user, now, zone) if user else []
    if not transfers:
        raise NotFound(user_id)
    return ParticipantTransfers(user, transfers)
