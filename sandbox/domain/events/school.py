"""What schools do to ECF people (domain.md §4.1, §4.2, §4.13, §7), as the control API's events, and
what every people event shares (`events.dfe` holds DfE's own: eligibility, merges, DQT dates).

Each event follows one order: find its subject (unknown → NotFound), let the gate check that the caller
may trigger it for the providers it involves, validate every input (422, one entry per attribute), and
only then change the world through the DfE-side functions of `world.registration`, so that a refused event
changes nothing and draws no id. The real service has no API for these; its models decide the effects
(e.g. a school's withdrawal closes the induction record at that moment, as `withdrawing!` does).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sandbox.domain import messages
from sandbox.domain.errors import Errors, NotFound
from sandbox.domain.participants.visibility import recency
from sandbox.domain.values import text
from sandbox.domain.world import registration
from sandbox.domain.world.entities import ECFProfile, InductionRecord, Partnership, User, ecf_course
from sandbox.domain.world.stamps import touch, touch_profile
from sandbox.store import Store

INDUCTION_STATUSES = ("active", "withdrawn", "changed", "leaving", "completed")
TRN_PATTERN = re.compile(r"^\d{7}$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOSING = ("withdrawn", "changed", "leaving")  # upstream closes the record at the change (end_date)


@dataclass(frozen=True)
class Gate:
    """The caller's side of an event: `authorise` refuses a caller the involved providers exclude, and
    `instant` gives the event's single moment given the provider it mainly concerns."""

    authorise: Callable[[set[str]], None]
    instant: Callable[[str | None], datetime]

    @classmethod
    def open_at(cls, now: datetime) -> Gate:
        """Anyone, at `now`: for the seed and for tests."""
        return cls(lambda _ids: None, lambda _provider_id: now)


@dataclass(frozen=True)
class PeopleEvent:
    """What an event changed: the participant, their training records (profiles) and induction records
    it changed or created, other people whose `updated_at` moved, and the providers it reaches."""

    user: User
    profiles: tuple[ECFProfile, ...]
    records: tuple[InductionRecord, ...]
    touched_user_ids: tuple[str, ...]
    lead_provider_ids: tuple[str, ...]


# -- lookups --------------------------------------------------------------------------------------


def find_profile(store: Store, training_record_id: str) -> ECFProfile:
    profile = store.ecf_profiles.get(training_record_id)
    if profile is None:
        raise NotFound(training_record_id)
    return profile


def find_user(store: Store, participant_id: Any) -> User | None:
    given = text(participant_id)
    return store.users.get(store.resolve_user_id(given)) if given else None


def current_record(store: Store, profile: ECFProfile) -> InductionRecord:
    """The profile's record as its school sees it now, ranked as visibility ranks records."""
    return max(store.records_of(profile.id), key=recency)


def record_provider(store: Store, record: InductionRecord) -> str:
    return store.partnerships[record.partnership_id].lead_provider_id


def profile_providers(store: Store, profile: ECFProfile) -> set[str]:
    return {record_provider(store, r) for r in store.records_of(profile.id)}


def _partnership(store: Store, errors: Errors, attribute: str, value: Any) -> Partnership | None:
    partnership = store.partnerships.get(text(value) or "")
    if text(value) is None:
        errors.add(attribute, f"Give the '#/{attribute}' of the school's partnership.")
    elif partnership is None:
        errors.add(attribute, f"No partnership has the '#/{attribute}' you gave.")
    elif partnership.challenged:
        errors.add(attribute, "The school has challenged this partnership: it cannot take participants.")
        return None
    return partnership


def parse_day(errors: Errors, attribute: str, value: Any) -> datetime | None:
    """A date given as YYYY-MM-DD, as midnight UTC (induction records hold times; the API shows dates)."""
    if isinstance(value, str) and _DAY.match(value):
        try:
            return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
        except ValueError:
            pass
    errors.add(attribute, f"Give '#/{attribute}' as a date: YYYY-MM-DD.")
    return None


def _mentor(store: Store, errors: Errors, value: Any, mentee: User | None) -> ECFProfile | None:
    """The mentor profile of the person `mentor_id` names (a merged id still resolves)."""
    user = find_user(store, value)
    mentor = (
        next((p for p in store.ecf_profiles_of(user.id) if p.participant_type == "mentor"), None)
        if user
        else None
    )
    if mentor is None:
        errors.add("mentor_id", "No mentor has the '#/mentor_id' you gave.")
    elif mentee is not None and mentor.user_id == mentee.id:
        errors.add("mentor_id", "A participant cannot be their own mentor.")
        return None
    return mentor


def _touch_mentors(store: Store, now: datetime, *mentor_profile_ids: str | None) -> tuple[str, ...]:
    """Linking or unlinking a mentor touches the mentor, so unfunded-mentor syncs see it (§4.14)."""
    users = [store.users[store.ecf_profiles[m].user_id] for m in dict.fromkeys(mentor_profile_ids) if m]
    touch(now, *users)
    return tuple(u.id for u in users)


# -- 1. a school registers an ECT or a mentor -----------------------------------------------------


def register_participant(store: Store, gate: Gate, request: Mapping[str, Any]) -> PeopleEvent:
    """A new person (`full_name`, `email`, optional `teacher_reference_number`) or an existing one
    (`participant_id`) registered as `participant_type` under `partnership_id`, in its cohort, on
    `schedule_identifier` (default ecf-standard-september), from `start_date` (default now), with an
    optional `mentor_id` for an ECT. The provider of the partnership then sees them."""
    errors = Errors()
    partnership = _partnership(store, errors, "partnership_id", request.get("partnership_id"))
    if partnership is not None:
        gate.authorise({partnership.lead_provider_id})
    kind = request.get("participant_type")
    if kind not in ("ect", "mentor"):
        errors["participant_type"] = ["Give '#/participant_type': 'ect' or 'mentor'."]
        kind = None
    user = requested_person(store, errors, request, kind)
    schedule_identifier = text(request.get("schedule_identifier")) or "ecf-standard-september"
    if partnership is not None and kind is not None:
        check_schedule(store, errors, schedule_identifier, partnership.cohort, kind)
    mentor = None
    if request.get("mentor_id") is not None:
        if kind == "mentor":
            errors["mentor_id"] = ["Only an ECT has a mentor."]
        else:
            mentor = _mentor(store, errors, request.get("mentor_id"), user)
    start = (
        parse_day(errors, "start_date", request["start_date"])
        if request.get("start_date") is not None
        else None
    )
    errors.raise_any()
    assert partnership is not None and kind is not None
    now = gate.instant(partnership.lead_provider_id)
    if user is None:
        user = new_person(store, request, now)
    profile, record = registration.record_registration(
        store,
        user_id=user.id,
        participant_type=kind,
        partnership_id=partnership.id,
        now=now,
        schedule_identifier=schedule_identifier,
        start_date=start,
        mentor_profile_id=mentor.id if mentor else None,
    )
    touched = _touch_mentors(store, now, record.mentor_profile_id)
    return PeopleEvent(user, (profile,), (record,), touched, (partnership.lead_provider_id,))


def check_schedule(store: Store, errors: Errors, identifier: str, cohort: int, kind: str) -> None:
    """The schedule exists in the cohort and trains this kind of participant."""
    schedule = store.reference.schedule(identifier, cohort)
    if schedule is None:
        errors["schedule_identifier"] = [messages.INVALID_SCHEDULE]
    elif not store.reference.schedule_permits_course(schedule, ecf_course(kind)):
        errors["schedule_identifier"] = [messages.SCHEDULE_INVALID_FOR_COURSE]


def new_person(store: Store, request: Mapping[str, Any], now: datetime) -> User:
    """The person a request names by `full_name`, `email` and an optional `teacher_reference_number`
    (checked by `requested_person`), created now."""
    return registration.create_user(
        store,
        full_name=text(request.get("full_name")) or "",
        email=text(request.get("email")) or "",
        teacher_reference_number=text(request.get("teacher_reference_number")),
        now=now,
    )


def requested_person(
    store: Store, errors: Errors, request: Mapping[str, Any], kind: str | None
) -> User | None:
    """The existing person `participant_id` names, or None for a new one whose details are checked."""
    if request.get("participant_id") is not None:
        user = find_user(store, request.get("participant_id"))
        if user is None:
            errors["participant_id"] = ["No participant has the '#/participant_id' you gave."]
        elif kind and any(p.participant_type == kind for p in store.ecf_profiles_of(user.id)):
            errors["participant_id"] = [f"The participant already has an {kind.upper()} training record."]
        if any(request.get(k) is not None for k in ("full_name", "email", "teacher_reference_number")):
            errors.add(
                "participant_id",
                "Give either '#/participant_id' (an existing person) or their details (a new one), not both.",
            )
        return user
    if text(request.get("full_name")) is None:
        errors["full_name"] = [
            "Give the new participant's '#/full_name' (or the '#/participant_id' of an existing one)."
        ]
    email = text(request.get("email"))
    if email is None or "@" not in email:
        errors["email"] = ["Give the new participant's '#/email' address."]
    elif any(u.email.lower() == email.lower() for u in store.users.values()):
        errors["email"] = ["Another participant has this email: register them by their '#/participant_id'."]
    trn = request.get("teacher_reference_number")
    if trn is not None and not (isinstance(trn, str) and TRN_PATTERN.match(trn)):
        errors["teacher_reference_number"] = ["A '#/teacher_reference_number' has 7 digits."]
    return None


# -- 2. a participant moves to another school ------------------------------------------------------


def transfer_participant(
    store: Store, gate: Gate, training_record_id: str, request: Mapping[str, Any]
) -> PeopleEvent:
    """The old school reports the participant leaving on `leaving_date` (default today): its record gets
    that end date and the `leaving` status. With `to_partnership_id` the new school registers them under
    its partnership (same provider or another), from `joining_date` (default the leaving date), with an
    optional `mentor_id`; without it the destination is unknown (transfer_type `unknown`)."""
    profile = find_profile(store, training_record_id)
    user = store.users[profile.user_id]
    leaving = current_record(store, profile)
    old_provider = record_provider(store, leaving)
    errors = Errors()
    joining_partnership = None
    if request.get("to_partnership_id") is not None:
        joining_partnership = _partnership(store, errors, "to_partnership_id", request["to_partnership_id"])
    involved = {old_provider} | ({joining_partnership.lead_provider_id} if joining_partnership else set())
    gate.authorise(involved)
    now = gate.instant(old_provider)
    if leaving.induction_status != "active" or leaving.end_date is not None:
        errors["base"] = [
            f"The participant is not at a school now: their induction record is {leaving.induction_status}."
        ]
    old_school = store.partnerships[leaving.partnership_id].school_id
    if joining_partnership is not None:
        if joining_partnership.cohort != profile.cohort:
            errors["to_partnership_id"] = [
                f"The participant's cohort is {profile.cohort}: give the new school's partnership for it."
            ]
        elif joining_partnership.school_id == old_school:
            errors["to_partnership_id"] = ["The participant is already at this school."]
    today = datetime.combine(now.date(), datetime.min.time(), tzinfo=UTC)
    leaving_date = today
    if request.get("leaving_date") is not None:
        leaving_date = parse_day(errors, "leaving_date", request["leaving_date"]) or today
        if leaving_date.date() < leaving.start_date.date() and "leaving_date" not in errors:
            errors["leaving_date"] = ["The '#/leaving_date' is before the participant started at the school."]
    joining_date = leaving_date
    mentor = None
    if request.get("to_partnership_id") is None:
        for key in ("joining_date", "mentor_id"):
            if request.get(key) is not None:
                errors[key] = [f"A '#/{key}' needs the new school's '#/to_partnership_id'."]
    else:
        if request.get("joining_date") is not None:
            joining_date = parse_day(errors, "joining_date", request["joining_date"]) or leaving_date
            if joining_date < leaving_date and "joining_date" not in errors:
                errors["joining_date"] = ["The '#/joining_date' is before the '#/leaving_date'."]
        if request.get("mentor_id") is not None:
            if profile.participant_type != "ect":
                errors["mentor_id"] = ["Only an ECT has a mentor."]
            else:
                mentor = _mentor(store, errors, request["mentor_id"], user)
    errors.raise_any()
    leaving, joining = registration.record_school_transfer(
        store,
        profile_id=profile.id,
        leaving_date=leaving_date,
        now=now,
        to_partnership_id=joining_partnership.id if joining_partnership else None,
        joining_date=joining_date,
        mentor_profile_id=mentor.id if mentor else None,
    )
    touched = _touch_mentors(store, now, mentor.id if mentor else None)
    records = (leaving, joining) if joining else (leaving,)
    return PeopleEvent(user, (profile,), records, touched, tuple(sorted(involved)))


# -- 3. the school changes the induction status ---------------------------------------------------


def change_induction_status(
    store: Store, gate: Gate, training_record_id: str, request: Mapping[str, Any]
) -> PeopleEvent:
    """Sets `induction_status` on the participant's current record. Withdrawn, changed and leaving close
    the record at `end_date` (default now), as upstream's `withdrawing!`/`changing!`/`leaving!` do, so v3
    shows `leaving` or `left` and v1/v2 `withdrawn` for the first two; completed keeps the record open
    unless `end_date` is given; active reopens it."""
    profile = find_profile(store, training_record_id)
    record = current_record(store, profile)
    provider_id = record_provider(store, record)
    gate.authorise({provider_id})
    now = gate.instant(provider_id)
    errors = Errors()
    status = request.get("induction_status")
    if status not in INDUCTION_STATUSES:
        errors["induction_status"] = [f"Give '#/induction_status': one of {', '.join(INDUCTION_STATUSES)}."]
    end_date = now if status in _CLOSING else None
    if request.get("end_date") is not None:
        if status == "active":
            errors["end_date"] = ["An active induction record has no '#/end_date'."]
        else:
            end_date = parse_day(errors, "end_date", request["end_date"])
            if end_date is not None and end_date.date() < record.start_date.date():
                errors["end_date"] = ["The '#/end_date' is before the participant started at the school."]
    if status == record.induction_status and end_date == record.end_date:
        errors.add("induction_status", f"The induction record is already {status}.")
    errors.raise_any()
    record.induction_status, record.end_date = status, end_date
    record.school_leave_date = end_date if status == "leaving" else None
    touch_profile(store, profile, now, record)
    return PeopleEvent(store.users[profile.user_id], (profile,), (record,), (), (provider_id,))


# -- 4. the school assigns or replaces a mentor ----------------------------------------------------


def assign_mentor(
    store: Store, gate: Gate, training_record_id: str, request: Mapping[str, Any]
) -> PeopleEvent:
    """`mentor_id` (a mentor's participant id, or null to remove) on the ECT's current record. Both the
    new and the replaced mentor are touched; the unfunded-mentor lists follow from the records."""
    profile = find_profile(store, training_record_id)
    user = store.users[profile.user_id]
    record = current_record(store, profile)
    provider_id = record_provider(store, record)
    gate.authorise({provider_id})
    errors = Errors()
    if profile.participant_type != "ect":
        errors["base"] = ["Only an ECT has a mentor."]
    if "mentor_id" not in request:
        errors["mentor_id"] = ["Give '#/mentor_id': a mentor's participant id, or null to remove the mentor."]
    mentor = None
    if request.get("mentor_id") is not None:
        mentor = _mentor(store, errors, request["mentor_id"], user)
    errors.raise_any()
    previous = record.mentor_profile_id
    new = mentor.id if mentor else None
    if new == previous:  # nothing to save, nothing touched
        return PeopleEvent(user, (profile,), (), (), (provider_id,))
    now = gate.instant(provider_id)
    registration.record_mentor(store, record_id=record.id, mentor_profile_id=new, now=now)
    touched = _touch_mentors(store, now, new, previous)
    return PeopleEvent(user, (profile,), (record,), touched, (provider_id,))
