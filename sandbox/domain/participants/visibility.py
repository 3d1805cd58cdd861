"""Which ECF records a lead provider can see, and through which induction record.

A provider sees a profile while it has an induction record under one of its own unchallenged
partnerships; every field it reads comes from its "latest" such record. So a provider keeps seeing
a participant who moved to another provider, through its old record.
"""

from __future__ import annotations

from collections.abc import Container, Iterable
from datetime import date, datetime

from sandbox.domain.world.entities import (
    ECFProfile,
    InductionRecord,
    LeadProvider,
    Partnership,
    ProfileState,
)
from sandbox.store import Store


def open_partnership_ids(store: Store, provider: LeadProvider) -> set[str]:
    """The provider's unchallenged partnerships, relationship ones included."""
    return {p.id for p in store.partnerships_of(provider.id) if not p.challenged}


class OpenPartnerships:
    """`open_partnership_ids` as a membership test, asked one record's partnership at a time: a read
    then costs what it returns, not the provider's number of schools. With `challenged_too`, every
    partnership of the provider (what actions and declarations look under)."""

    def __init__(self, store: Store, provider: LeadProvider, challenged_too: bool = False) -> None:
        self.store, self.provider_id, self.challenged_too = store, provider.id, challenged_too

    def __contains__(self, partnership_id: object) -> bool:
        partnership = self.store.partnerships.get(partnership_id)
        return (
            partnership is not None
            and partnership.lead_provider_id == self.provider_id
            and (self.challenged_too or not partnership.challenged)
        )


def recency(record: InductionRecord) -> tuple[bool, datetime, datetime]:
    """Upstream's ranking of records: open-ended first, then the latest start, then the latest created."""
    return (record.end_date is None, record.start_date, record.created_at)


def latest_record(
    store: Store, profile: ECFProfile, partnership_ids: Container[str]
) -> InductionRecord | None:
    candidates = [r for r in store.records_of(profile.id) if r.partnership_id in partnership_ids]
    return max(candidates, key=recency, default=None)


def record_partnership(store: Store, record: InductionRecord) -> Partnership:
    return store.partnerships[record.partnership_id]


def provider_has_record_on_schedule(store: Store, provider: LeadProvider, profile: ECFProfile) -> bool:
    """Actions and declarations need a record of the provider's on the profile's current schedule,
    under any of its partnerships, even old or challenged ones."""
    for record in store.records_of(profile.id):
        partnership = store.partnerships[record.partnership_id]
        if (
            partnership.lead_provider_id == provider.id
            and record.schedule_identifier == profile.schedule_identifier
            and record.cohort == profile.cohort
        ):
            return True
    return False


def latest_state_by(
    profile_states: list[ProfileState], provider_id: str, state: str | None = None
) -> ProfileState | None:
    """The provider's latest recorded transition (of one kind, when `state` is given)."""
    mine = [s for s in profile_states if s.lead_provider_id == provider_id and state in (None, s.state)]
    return max(reversed(mine), key=lambda s: s.created_at, default=None)


def state_while(
    profile_states: list[ProfileState], provider_id: str, training_status: str, state: str
) -> ProfileState | None:
    """The provider's latest `state` transition (the `withdrawal` or `deferral` a read shows), only while
    the training status still says so, as upstream shows it."""
    return latest_state_by(profile_states, provider_id, state) if training_status == state else None


def participant_status(record: InductionRecord, now: datetime) -> str:
    """The v3 `participant_status`, computed from the provider's record at request time."""
    if record.end_date is not None:
        return "leaving" if record.end_date > now else "left"
    if record.start_date > now:
        return "joining"
    return "active" if record.induction_status in ("active", "completed", "leaving") else "withdrawn"


def training_end(profile: ECFProfile) -> date | None:
    """When the role's training ended: an ECT's induction, a mentor's funding."""
    return (
        profile.induction_end_date if profile.participant_type == "ect" else profile.mentor_funding_end_date
    )


def period_status(profile: ECFProfile, record: InductionRecord, now: datetime) -> str:
    """RECT's `participant_status` of a TP (rect.md §5.1): a withdrawn or deferred TP is `leaving` until
    its end and `left` after (an open one is already `left`); a finished ECT or mentor is `active` while
    the end of training lies within the TP; otherwise the dates decide."""
    ends_later = record.end_date is not None and record.end_date > now
    if record.training_status != "active":
        return "leaving" if ends_later else "left"
    done = training_end(profile)
    if done is not None and (record.end_date is None or done <= record.end_date.date()):
        return "active"
    if record.end_date is not None:
        return "leaving" if ends_later else "left"
    return "joining" if record.start_date > now else "active"


def participant_status_steady(
    records: Iterable[InductionRecord], now: datetime
) -> tuple[datetime | None, datetime | None]:
    """The instants around `now` between which `participant_status` of every one of `records` stays
    what it is at `now`: from the first (None: ever since) up to, not including, the second (None: for
    ever). Each record's status turns once, at its end date if it has one, else at its start date."""
    since: datetime | None = None
    until: datetime | None = None
    for record in records:
        turn = record.end_date if record.end_date is not None else record.start_date
        if turn <= now:
            since = turn if since is None or turn > since else since
        elif until is None or turn < until:
            until = turn
    return since, until


def legacy_status(record: InductionRecord) -> str:
    """The v1/v2 `status`."""
    return "active" if record.induction_status in ("active", "completed", "leaving") else "withdrawn"
