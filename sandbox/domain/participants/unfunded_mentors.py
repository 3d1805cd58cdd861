"""Mentors who mentor a provider's ECTs without being that provider's own participants (v3).

Two rule sets, named by the contract: the Manage-CPD service's (the first ECT found gives the email, the
person's `updated_at` is the stamp) and RECT's (rect.md §5.8: only current or future mentorships count,
the email is the one of the mentor's stay at the school of the latest mentorship, and a new mentee does
not move the stamp).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since, SortKey, sort_records
from sandbox.domain.participants.training_periods import school_of, school_stay_ongoing
from sandbox.domain.participants.visibility import OpenPartnerships, latest_record, recency
from sandbox.domain.world.entities import ECFProfile, InductionRecord, LeadProvider, User
from sandbox.store import Store, creation_order

Rules = Literal["manage-cpd", "rect"]


@dataclass(frozen=True)
class UnfundedMentor:
    user: User
    email: str
    updated_at: datetime


COLUMNS = {
    "created_at": lambda m: m.user.created_at,
    "updated_at": lambda m: m.updated_at,
    "full_name": lambda m: m.user.full_name,
    "id": lambda m: m.user.id,
}


def _unfunded_mentors(
    store: Store, provider: LeadProvider, rules: Rules, now: datetime | None
) -> dict[str, UnfundedMentor]:
    partnership_ids = OpenPartnerships(store, provider)
    rect = rules == "rect"
    if rect and now is None:
        raise ValueError("RECT's rules need the instant mentorships are judged at")
    found: dict[str, tuple[ECFProfile, InductionRecord]] = {}  # mentor user id -> mentor, mentorship
    for profile in _candidate_ects(store, provider, partnership_ids, every=rect):
        if profile.participant_type != "ect":
            continue
        record = latest_record(store, profile, partnership_ids)
        if record is None or record.mentor_profile_id is None:
            continue
        if rect and now is not None and not school_stay_ongoing(store, record, now):
            continue  # the ECT has left that school: the mentorship is over
        mentor_profile = store.ecf_profiles[record.mentor_profile_id]
        earlier = found.get(mentor_profile.user_id)
        if earlier is not None and not (rect and recency(record) > recency(earlier[1])):
            continue  # the first mentorship found counts, or in RECT the latest
        if earlier is None and _trains(store, mentor_profile.user_id, partnership_ids):
            continue  # the provider trains this mentor itself
        found[mentor_profile.user_id] = (mentor_profile, record)
    return {
        user_id: _mentor(store, mentor_profile, mentorship, rect)
        for user_id, (mentor_profile, mentorship) in found.items()
    }


def _mentor(store: Store, profile: ECFProfile, mentorship: InductionRecord, rect: bool) -> UnfundedMentor:
    """The address of the mentor's latest record (in RECT: their latest stay at the mentee's school) or
    else their account's, and the stamp the contract's rules read."""
    user = store.users[profile.user_id]
    records = store.records_of(profile.id)
    if rect:
        school = school_of(store, mentorship)
        records = [r for r in records if school_of(store, r) == school]
        stamp = user.unfunded_mentor_updated_at or user.created_at
    else:
        stamp = user.updated_at
    latest = max(records, key=recency, default=None)
    email = (latest.preferred_email if latest is not None else None) or user.email
    return UnfundedMentor(user, email, stamp)


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
    store: Store, provider: LeadProvider, partnership_ids: OpenPartnerships, every: bool = False
) -> list[ECFProfile]:
    """The ECT profiles that may show a mentor the provider does not train, in creation order: those
    found once per reset (with `every`, all the ECTs each such mentor mentors, not only the first), and
    around each user whose records changed since the seal, the ECTs its profiles mentor or share a mentor
    with (who shows first may have changed)."""
    known = store.derived(
        ("unfunded mentoring", provider.id), lambda: _Mentoring(store, provider, partnership_ids)
    )
    candidates = {p.id: p for p in known.unfunded.values()}
    if every:
        for first in known.unfunded.values():
            candidates.update((p.id, p) for p in known.ects_of[known.mentor_of[first.id]])
    for entry in store.unsettled_users.values():
        for profile in store.ecf_profiles_of(entry[2]):
            candidates[profile.id] = profile
            for mentor_profile_id in (profile.id, known.mentor_of.get(profile.id)):
                for ect in known.ects_of.get(mentor_profile_id, ()) if mentor_profile_id else ():
                    candidates[ect.id] = ect
    return sorted(candidates.values(), key=creation_order)


def list_unfunded_mentors(
    store: Store,
    provider: LeadProvider,
    updated_since: datetime | None,
    sort: Sequence[SortKey] = (),
    *,
    rules: Rules = "manage-cpd",
    now: datetime | None = None,
) -> list[UnfundedMentor]:
    """`now` (when mentorships are current) is read by RECT's rules only."""
    since = Since(updated_since, strict=False) if updated_since else None
    mentors = [
        m
        for m in _unfunded_mentors(store, provider, rules, now).values()
        if since is None or since.admits(m.updated_at)
    ]
    return sort_records(mentors, sort or [SortKey("created_at")], COLUMNS)


def get_unfunded_mentor(
    store: Store,
    provider: LeadProvider,
    user_id: str,
    *,
    rules: Rules = "manage-cpd",
    now: datetime | None = None,
) -> UnfundedMentor:
    mentor = _unfunded_mentors(store, provider, rules, now).get(user_id)
    if mentor is None:
        raise NotFound(user_id)
    return mentor
