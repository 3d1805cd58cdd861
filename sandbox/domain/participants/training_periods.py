"""RECT's training periods, read off the world's induction records (rect.md §0, §5.1, §6.5).

One induction record is one training period (TP): its partnership gives the school and the provider, it
carries the schedule and cohort, starts at `start_date` and ends at `end_date` (open while None). The
world has no separate at-school periods: a person's stay at a school is the run of their records there,
and it ends when a later record is at another school or the school reported them leaving.

RECT's provider actions end or start TPs (rect.md §6.5); the helpers here answer the questions those
actions ask, with "today" the contract's local day.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, tzinfo

from sandbox.domain.errors import Errors
from sandbox.domain.participants.ecf import get_participant
from sandbox.domain.participants.ecf_actions import ECF_COURSES, provider_record
from sandbox.domain.participants.visibility import training_end
from sandbox.domain.world.entities import ECFProfile, InductionRecord, LeadProvider, User
from sandbox.domain.world.stamps import touch_profile
from sandbox.store import Store

COURSE_MISSING = "Enter a '#/course_identifier'."
COURSE_NOT_RECOGNISED = (
    "The entered '#/course_identifier' is not recognised for the given participant. "
    "Check details and try again."
)


def local_day(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()


def day_start(day: date, zone: tzinfo) -> datetime:
    """The instant a local day begins."""
    return datetime.combine(day, time.min, tzinfo=zone)


def started_on(record: InductionRecord, zone: tzinfo) -> date:
    return local_day(record.start_date, zone)


def finished_on(record: InductionRecord, zone: tzinfo) -> date | None:
    return local_day(record.end_date, zone) if record.end_date is not None else None


def ongoing_on(record: InductionRecord, day: date, zone: tzinfo) -> bool:
    """Whether the TP's range holds the day, both ends included (RECT's database range)."""
    ends = finished_on(record, zone)
    return started_on(record, zone) <= day and (ends is None or ends >= day)


def completed_training(profile: ECFProfile) -> bool:
    return training_end(profile) is not None


def school_of(store: Store, record: InductionRecord) -> str:
    return store.partnerships[record.partnership_id].school_id


def same_school_records(store: Store, record: InductionRecord) -> list[InductionRecord]:
    """Every record of the person in this role at the record's school (any provider), itself included."""
    school = school_of(store, record)
    return [r for r in store.records_of(record.profile_id) if school_of(store, r) == school]


def school_leave_date(store: Store, record: InductionRecord) -> datetime | None:
    """The day the school reported the person leaving it, read off their latest record there: a
    withdrawal or deferral ends the training period, not the stay."""
    latest_here = max(same_school_records(store, record), key=lambda r: (r.start_date, r.created_at))
    return latest_here.school_leave_date


def school_stay_ongoing(store: Store, record: InductionRecord, now: datetime) -> bool:
    """Whether the person is still at the TP's school: no later record elsewhere, and no leaving the
    school reported that has taken effect."""
    school = school_of(store, record)
    moved = any(
        r.start_date > record.start_date and school_of(store, r) != school and r.start_date <= now
        for r in store.records_of(record.profile_id)
    )
    leaves = school_leave_date(store, record)
    return not moved and not (leaves is not None and leaves <= now)


@dataclass
class Target:
    """Who a RECT action is about: the person (always visible to the provider, else 404), the role the
    course names and the provider's latest TP in it, with the refusals found so far."""

    errors: Errors
    user: User
    profile: ECFProfile | None = None
    record: InductionRecord | None = None


def resolve(
    store: Store, provider: LeadProvider, participant_id: str, course_identifier: object, now: datetime
) -> Target:
    """An id the provider cannot see is a 404 before any refusal; a missing or unknown course is "Enter",
    a role the provider does not train the person in is "not recognised"."""
    user = get_participant(store, provider, participant_id, now).user
    target = Target(Errors(), user)
    role = ECF_COURSES.get(course_identifier) if isinstance(course_identifier, str) else None
    if role is None:
        target.errors.add("course_identifier", COURSE_MISSING)
        return target
    target.profile = next((p for p in store.ecf_profiles_of(user.id) if p.participant_type == role), None)
    if target.profile is not None:
        target.record = provider_record(store, provider, target.profile)
    if target.record is None:
        target.errors.add("course_identifier", COURSE_NOT_RECOGNISED)
    return target


def end_at_completion(store: Store, record: InductionRecord, completed_on: datetime, now: datetime) -> None:
    """A mentor's `completed` declaration ends their training period at its date (rect.md §6.2); the
    completion rule keeps them `active`."""
    if record.end_date is None or record.end_date > completed_on:
        record.end_date = completed_on
        touch_profile(store, store.ecf_profiles[record.profile_id], now, record)


def reopen_after_completion_void(store: Store, record: InductionRecord, now: datetime, zone: tzinfo) -> None:
    """Voiding the mentor's last `completed` declaration: training goes on, in a new period from today
    when the old one no longer holds today."""
    if ongoing_on(record, local_day(now, zone), zone):
        return
    fresh = store.add_induction_record(
        replace(record, id=store.new_id(), start_date=now, end_date=None, created_at=now, updated_at=now)
    )
    touch_profile(store, store.ecf_profiles[record.profile_id], now, fresh)
