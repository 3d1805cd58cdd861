"""Reading ECF participants as a lead provider sees them."""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since, SortKey, sort_records
from sandbox.domain.participants.visibility import (
    OpenPartnerships,
    latest_record,
    legacy_status,
    participant_status,
    period_status,
    state_while,
)
from sandbox.domain.world.entities import (
    ECFProfile,
    InductionRecord,
    LeadProvider,
    Partnership,
    ProfileState,
    School,
    User,
)
from sandbox.store import Hidden, Store, contains, counted, creation_order, entry_of, position, settle

# An enrolment's `eligible_for_funding` from its profile's eligibility; any other value shows null.
_FUNDED = {"eligible": True, "ineligible": False}


@dataclass(frozen=True)
class Enrolment:
    """One ECF profile as one provider sees it, through its latest induction record."""

    user: User
    profile: ECFProfile
    record: InductionRecord
    partnership: Partnership
    school: School
    mentor_user_id: str | None
    participant_status: str  # of the induction record (the Manage-CPD service)
    period_status: str  # of the same record read as a RECT training period
    withdrawal: ProfileState | None
    deferral: ProfileState | None

    @property
    def updated_at(self) -> datetime:
        return max(self.user.updated_at, self.profile.updated_at, self.record.updated_at)

    @property
    def email(self) -> str | None:
        return self.record.preferred_email or self.user.email

    @property
    def status(self) -> str:
        """The v1/v2 `status`."""
        return legacy_status(self.record)

    @property
    def trn_validated(self) -> bool | None:
        if not self.user.teacher_reference_number:
            return None
        return self.profile.eligibility is not None and self.profile.ineligibility_reason != "different_trn"

    @property
    def eligible_for_funding(self) -> bool | None:
        return _FUNDED.get(self.profile.eligibility)

    @property
    def mentor_ineligible_for_funding_reason(self) -> str | None:
        profile = self.profile
        return profile.mentor_ineligible_for_funding_reason if profile.participant_type == "mentor" else None


@dataclass(frozen=True)
class Participant:
    """A user with every ECF enrolment the provider can see (the v3 shape).

    A filter picks users by their enrolments, but upstream's v3 then shows every visible enrolment of
    a picked user; v1/v2 list one row per enrolment the filter matched (`rows`)."""

    user: User
    enrolments: list[Enrolment]
    matched: list[Enrolment] | None = None  # None: every enrolment matched

    @property
    def rows(self) -> list[Enrolment]:
        return self.enrolments if self.matched is None else self.matched

    @property
    def updated_at(self) -> datetime:
        # Read for every item shown: a plain loop, without building a list of every stamp first.
        latest = self.user.updated_at
        for enrolment in self.enrolments:
            stamp = enrolment.updated_at
            if stamp > latest:
                latest = stamp
        return latest


@dataclass(frozen=True)
class ParticipantFilter:
    cohorts: list[int] | None = None
    updated_since: datetime | None = None
    training_status: str | None = None
    from_participant_id: str | None = None


def enrolments_of(
    store: Store, provider: LeadProvider, user: User, now: datetime, partnership_ids: Container[str]
) -> list[Enrolment]:
    enrolments = []
    for profile in store.ecf_profiles_of(user.id):
        record = latest_record(store, profile, partnership_ids)
        if record is None:
            continue
        partnership = store.partnerships[record.partnership_id]
        mentor_user_id = None
        if profile.participant_type == "ect" and record.mentor_profile_id:
            mentor_user_id = store.ecf_profiles[record.mentor_profile_id].user_id
        enrolments.append(
            Enrolment(
                user=user,
                profile=profile,
                record=record,
                partnership=partnership,
                school=store.schools[partnership.school_id],
                mentor_user_id=mentor_user_id,
                participant_status=participant_status(record, now),
                period_status=period_status(profile, record, now),
                # Upstream: the provider's latest withdrawal (deferral) while its record says so.
                withdrawal=state_while(profile.states, provider.id, record.training_status, "withdrawn"),
                deferral=state_while(profile.states, provider.id, record.training_status, "deferred"),
            )
        )
    return enrolments


def _matches(enrolment: Enrolment, flt: ParticipantFilter) -> bool:
    if flt.cohorts is not None and enrolment.record.cohort not in flt.cohorts:
        return False
    if flt.training_status is not None and enrolment.record.training_status != flt.training_status:
        return False
    return True


def _user_matches(user: User, flt: ParticipantFilter) -> bool:
    # Every change to a profile or record touches the user, so the user's stamp is the one filtered.
    if flt.updated_since is not None and not Since(flt.updated_since, strict=False).admits(user.updated_at):
        return False
    if flt.from_participant_id is not None and not any(
        c.from_participant_id == flt.from_participant_id for c in user.participant_id_changes
    ):
        return False
    return True


def list_participants(
    store: Store,
    provider: LeadProvider,
    flt: ParticipantFilter,
    now: datetime,
    sort: Sequence[SortKey] = (),
) -> list[Participant]:
    """Every user with at least one visible enrolment matching the filter, in the real order."""
    return list(iter_participants(store, provider, flt, now, sort))


def iter_participants(
    store: Store,
    provider: LeadProvider,
    flt: ParticipantFilter,
    now: datetime,
    sort: Sequence[SortKey] = (),
    skip: int = 0,
    rows: bool = False,
) -> Iterator[Participant]:
    """`list_participants`, lazily: views are built only for the users a reader takes, after the
    first `skip` participants (or, with `rows`, the first `skip` rows: a participant whose first rows
    fall among them comes with its remaining rows only). Skipped participants cost a position lookup
    (oldest first, not filtered by `from_participant_id`) or a cheap check each (otherwise), never a
    view; `from_participant_id` names at most one user."""
    users, skip, _ = _candidates(store, provider, flt, sort, skip, rows)
    partnership_ids = OpenPartnerships(store, provider)
    for user in users:
        if skip:
            shown = _shown(store, user, flt, partnership_ids)
            if not rows:
                skip -= shown > 0
                continue
            if shown <= skip:
                skip -= shown
                continue
        enrolments = enrolments_of(store, provider, user, now, partnership_ids)
        matched = [e for e in enrolments if _matches(e, flt)]
        if matched:
            yield Participant(user, enrolments, matched[skip:] if skip else matched)
            skip = 0


def iter_page_users(
    store: Store,
    provider: LeadProvider,
    flt: ParticipantFilter,
    sort: Sequence[SortKey] = (),
    skip: int = 0,
) -> Iterator[User]:
    """The users `iter_participants` (one per participant) would show, in its order, without building a
    view of any: a reader that keeps each user's presented item builds only those it lacks
    (`participant_of`). Membership does not depend on the instant, only the views do."""
    users, skip, known = _candidates(store, provider, flt, sort, skip, False, by_position=True)
    if not known:
        partnership_ids = OpenPartnerships(store, provider)
        users = (user for user in users if _shown(store, user, flt, partnership_ids))
    return itertools.islice(users, skip, None) if skip else iter(users)


def _candidates(
    store: Store,
    provider: LeadProvider,
    flt: ParticipantFilter,
    sort: Sequence[SortKey],
    skip: int,
    rows: bool,
    by_position: bool = False,
) -> tuple[Iterable[User], int, bool]:
    """The users a list reads, in its order; how many participants (or rows) of them it still skips;
    and whether each is known to match `flt` already (passed over by what the filter hides). A first
    page without a filter reads from the start and drops the users it cannot see as it builds their
    views, unless `by_position` (a reader that builds no views: the check would be made twice).

    The provider's users come from its index, oldest first (the default order, maintained). An
    `updated_since` poll reads only the users stamped since it; a sort orders only the provider's
    own users, by their user fields alone, before any view is built."""
    index = store.ordered("ecf_users_by_provider", provider.id)
    entries: Iterable[tuple] = index
    known = False
    default_order = not sort or [k for k in sort if k.column in USER_FIELDS] == [SortKey("created_at")]
    if flt.from_participant_id is not None:
        # Only the user a merge left the id with names it: one entry, if the provider reaches it.
        user = store.merged_into(flt.from_participant_id)
        entries = [entry_of(user)] if user is not None and contains(index, entry_of(user)) else []
    elif flt.updated_since is not None:
        entries = store.stamped_since("ecf_users_by_provider", provider.id, flt.updated_since, strict=False)
    elif (
        (skip or flt.cohorts or flt.training_status or by_position)
        and default_order
        and flt.from_participant_id is None
        and _keeps(store, provider, flt)
    ):
        hidden = hidden_users(store, provider, flt)
        extra = extra_rows(store, provider, flt) if rows else None
        at = position(index, hidden, skip, extra)
        # The users the filter leaves out are passed over by their entries, without reading them.
        entries = hidden.visible(index, at)
        skip -= counted(index, hidden, at, extra)  # left: rows of the first participant on earlier pages
        known = True
    users: Iterable[User] = store.users_in(entries)
    if flt.from_participant_id is not None:
        users = [u for u in users if _user_matches(u, flt)]
    if not default_order:
        users = sort_records(sorted(users, key=creation_order), sort, USER_FIELDS)
    elif not sort and flt.updated_since is not None:
        users = sorted(users, key=lambda u: (u.updated_at, u.created_at))
    return users, skip, known


def iter_rows(
    store: Store,
    provider: LeadProvider,
    flt: ParticipantFilter,
    now: datetime,
    sort: Sequence[SortKey] = (),
    skip: int = 0,
) -> Iterator[Enrolment]:
    """One item per enrolment the filter matched (the v1/v2 list), after the first `skip`."""
    return (e for p in iter_participants(store, provider, flt, now, sort, skip, rows=True) for e in p.rows)


def _shown(store: Store, user: User, flt: ParticipantFilter, partnership_ids: Container[str]) -> int:
    """How many of `user`'s enrolments `flt` matches (its rows), without building the views."""
    count = 0
    for profile in store.ecf_profiles_of(user.id):
        record = latest_record(store, profile, partnership_ids)
        if record is None:
            continue
        if flt.cohorts is not None and record.cohort not in flt.cohorts:
            continue
        if flt.training_status is not None and record.training_status != flt.training_status:
            continue
        count += 1
    return count


def hidden_users(
    store: Store, provider: LeadProvider, flt: ParticipantFilter = ParticipantFilter()
) -> Hidden:
    """The entries of the provider's ECF index it cannot see now (gone users, or none of their records
    under one of its open partnerships), or that a cohort or training-status filter leaves out: found
    once per reset for each filter, then re-checking only the users whose records changed since the
    seal."""
    index = store.ordered("ecf_users_by_provider", provider.id)
    partnership_ids = OpenPartnerships(store, provider)

    def hidden(entry: tuple) -> bool:
        user = store.users.get(entry[2])
        return user is None or not _shown(store, user, flt, partnership_ids)

    known = store.derived(
        ("ecf hidden", provider.id, *_record_filter(flt)), lambda: [e for e in index if hidden(e)]
    )
    return settle(known, store.unsettled_in("ecf_users_by_provider", provider.id), hidden)


def extra_rows(store: Store, provider: LeadProvider, flt: ParticipantFilter = ParticipantFilter()) -> Hidden:
    """The entries of the provider's ECF index listed in more than one row (a participant with an ECT
    and a mentor enrolment it can see, both matching `flt`), once per row beyond the first: found once
    per reset for each filter, then re-checking only the users whose records changed since the seal."""
    index = store.ordered("ecf_users_by_provider", provider.id)
    partnership_ids = OpenPartnerships(store, provider)

    def beyond_first(entry: tuple) -> int:
        user = store.users.get(entry[2])
        return 0 if user is None else max(0, _shown(store, user, flt, partnership_ids) - 1)

    known = store.derived(
        ("ecf extra rows", provider.id, *_record_filter(flt)),
        lambda: [e for e in index for _ in range(beyond_first(e))],
    )
    changed = set(store.unsettled_in("ecf_users_by_provider", provider.id))
    was = [e for e in changed for _ in range(bisect.bisect_right(known, e) - bisect.bisect_left(known, e))]
    now = [e for e in changed for _ in range(beyond_first(e))]
    return Hidden(known, sorted(was), sorted(now))


# How many filters a provider's reads keep what they hide for (each a list up to the provider's size),
# until the next reset: further filters skip with a check per participant.
FILTERS_KEPT = 8


def _keeps(store: Store, provider: LeadProvider, flt: ParticipantFilter) -> bool:
    kept: set[tuple] = store.derived(("ecf filters kept", provider.id), set)
    key = _record_filter(flt)
    if key not in kept and len(kept) >= FILTERS_KEPT:
        return False
    kept.add(key)
    return True


def _record_filter(flt: ParticipantFilter) -> tuple:
    """What of `flt` a user's records decide (its derived key): the cohorts and the training status."""
    return (None if flt.cohorts is None else tuple(sorted(set(flt.cohorts))), flt.training_status)


def get_participant(store: Store, provider: LeadProvider, user_id: str, now: datetime) -> Participant:
    user = store.users.get(user_id)
    if user is not None:
        participant = participant_of(store, provider, user, now)
        if participant.enrolments:
            return participant
    raise NotFound(user_id)


def participant_of(store: Store, provider: LeadProvider, user: User, now: datetime) -> Participant:
    """`user` with every enrolment the provider sees (none when it sees none)."""
    return Participant(user, enrolments_of(store, provider, user, now, OpenPartnerships(store, provider)))


def preferred_enrolment(participant: Participant) -> Enrolment:
    """v1/v2 show one profile for `GET participants/ecf/{id}`: the ECT one when there are two."""
    for enrolment in participant.enrolments:
        if enrolment.profile.participant_type == "ect":
            return enrolment
    return participant.enrolments[0]


USER_FIELDS = {
    "created_at": lambda u: u.created_at,
    "updated_at": lambda u: u.updated_at,
    "full_name": lambda u: u.full_name,
    "email": lambda u: u.email,
    "id": lambda u: u.id,
}
