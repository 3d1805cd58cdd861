"""Mentors who mentor a provider's ECTs without being that provider's own participants (v3)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since, SortKey, sort_records
from sandbox.domain.participants.visibility import OpenPartnerships, latest_record, recency
from sandbox.domain.world.entities import ECFProfile, LeadProvider, User
from sandbox.store import Store, creation_order


@dataclass(frozen=True)
class UnfundedMentor:
    user: User
    email: str


COLUMNS = {
    "created_at": lambda m: m.user.created_at,
    "updated_at": lambda m: m.user.updated_at,
    "full_name": lambda m: m.user.full_name,
    "id": lambda m: m.user.id,
}


def _unfunded_mentors(store: Store, provider: LeadProvider) -> dict[str, UnfundedMentor]:
    partnership_ids = OpenPartnerships(store, provider)
    mentors: dict[str, UnfundedMentor] = {}
    for profile in _candidate_ects(store, provider, partnership_ids):
        if profile.participant_type != "ect":
            continue
        record = latest_record(store, profile, partnership_ids)
        if record is None or record.mentor_profile_id is None:
            continue
        mentor_profile = store.ecf_profiles[record.mentor_profile_id]
        mentor_user = store.users[mentor_profile.user_id]
        if mentor_user.id in mentors:
            continue
        if _trains(store, mentor_user.id, partnership_ids):
            continue  # the provider trains this mentor itself
        # The mentor's own latest record, under any provider, ranked as visibility ranks them.
        mentor_records = store.records_of(mentor_profile.id)
        latest = max(mentor_records, key=recency, default=None)
        email = (latest.preferred_email if latest and latest.preferred_email else None) or mentor_user.email
        mentors[mentor_user.id] = UnfundedMentor(mentor_user, email)
    return mentors


def _trains(store: Store, user_id: str, partnership_ids: OpenPartnerships) -> bool:
    return any(latest_record(store, p, partnership_ids) for p in store.ecf_profiles_of(user_id))


class _Mentoring:
    """What the provider's ECTs showed once per reset: for each mentor it does not train, the first ECT
    profile mentored (in creation order); every ECT profile by its mentor's profile, and back."""

    def __init__(self, store: Store, provider: LeadProvider, partnership_ids: OpenPartnerships) -> None:
        self.unfunded: dict[str, ECFProfile] = {}  # by mentor user id
        self.ects_of: dict[str, list[ECFProfile]] = {}
        self.mentor_of: dict[str, str] = {}
        users = store.users_in(store.ordered("ecf_users_by_provider", provider.id))
        profiles = sorted((p for u in users for p in store.ecf_profiles_of(u.id)), key=creation_order)
        for profile in profiles:
            if profile.participant_type != "ect":
                continue
            record = latest_record(store, profile, partnership_ids)
            if record is None or record.mentor_profile_id is None:
                continue
            self.ects_of.setdefault(record.mentor_profile_id, []).append(profile)
            self.mentor_of[profile.id] = record.mentor_profile_id
            mentor_user_id = store.ecf_profiles[record.mentor_profile_id].user_id
            if mentor_user_id not in self.unfunded and not _trains(store, mentor_user_id, partnership_ids):
                self.unfunded[mentor_user_id] = profile


def _candidate_ects(
    store: Store, provider: LeadProvider, partnership_ids: OpenPartnerships
) -> list[ECFProfile]:
    """The ECT profiles that may show a mentor the provider does not train, in creation order: those
    found once per reset, and around each user whose records changed since the seal, the ECTs its
    profiles mentor or share a mentor with (who shows first may have changed)."""
    known = store.derived(
        ("unfunded mentoring", provider.id), lambda: _Mentoring(store, provider, partnership_ids)
    )
    candidates = {p.id: p for p in known.unfunded.values()}
    for entry in store.unsettled_users.values():
        for profile in store.ecf_profiles_of(entry[2]):
            candidates[profile.id] = profile
            for mentor_profile_id in (profile.id, known.mentor_of.get(profile.id)):
                for ect in known.ects_of.get(mentor_profile_id, ()) if mentor_profile_id else ():
                    candidates[ect.id] = ect
    return sorted(candidates.values(), key=creation_order)


def list_unfunded_mentors(
    store: Store, provider: LeadProvider, updated_since: datetime | None, sort: Sequence[SortKey] = ()
) -> list[UnfundedMentor]:
    since = Since(updated_since, strict=False) if updated_since else None
    mentors = [
        m
        for m in _unfunded_mentors(store, provider).values()
        if since is None or since.admits(m.user.updated_at)
    ]
    return sort_records(mentors, sort or [SortKey("created_at")], COLUMNS)


def get_unfunded_mentor(store: Store, provider: LeadProvider, user_id: str) -> UnfundedMentor:
    mentor = _unfunded_mentors(store, provider).get(user_id)
    if mentor is None:
        raise NotFound(user_id)
    return mentor
