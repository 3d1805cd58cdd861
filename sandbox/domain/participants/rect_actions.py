"""RECT's withdraw, defer and resume (rect.md §6.1, §3.3): provider actions that end or start training
periods instead of flipping a status on the profile.

Checks run in the real service's order and messages are grouped per attribute in the order the attribute
first failed: the course, then the reason, then at most one `participant_id` refusal (each participant
check runs only while none has been found). Nothing changes until every check has passed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, tzinfo

from sandbox.domain.errors import Errors
from sandbox.domain.participants.ecf_actions import ActionResult, action_result
from sandbox.domain.participants.training_periods import (
    Target,
    local_day,
    ongoing_on,
    resolve,
    same_school_records,
    school_leave_date,
    school_stay_ongoing,
    started_on,
)
from sandbox.domain.participants.training_status import DEFER_REASONS, Action, apply_transition
from sandbox.domain.values import blank
from sandbox.domain.world.entities import InductionRecord, LeadProvider
from sandbox.store import Store

# rect.md §4.4: `school-left-fip` is gone; two reasons are new.
WITHDRAW_REASONS = (
    "left-teaching-profession",
    "moved-school",
    "mentor-no-longer-being-mentor",
    "switched-to-school-led",
    "changed-lead-provider",
    "other",
)
MENTOR_ONLY_REASONS = ("mentor-no-longer-being-mentor",)

REASON_MISSING = "Enter a '#/reason'."
REASON_NOT_RECOGNISED = (
    "The entered '#/reason' is not recognised for the given participant. Check details and try again."
)
ALREADY_WITHDRAWN = "The '#/participant_id' is already withdrawn."
ALREADY_DEFERRED = "The '#/participant_id' is already deferred."
ALREADY_ACTIVE = "The '#/participant_id' is already active."
STARTED_TODAY = (
    "You cannot defer or withdraw this participant today. You need to try again tomorrow as the training "
    "was recently changed for this participant."
)
ECT_NOT_A_MENTOR = "You cannot withdraw an ECT for this reason. The ECT is not a mentor."
ACTIVE_ELSEWHERE = "This participant cannot be resumed because they are already active with another provider."
RESUME_SAME_DAY = (
    "You cannot resume a participant on the same day they were withdrawn or deferred. "
    "Resume them tomorrow or later."
)
LEFT_SCHOOL = "The participant is no longer at the school. Please contact the induction tutor to resolve."


def not_started(verb: str) -> str:
    return (
        f"You cannot {verb} #/participant_id. This is because they have not been training with you for at "
        "least one day."
    )


def _reason(errors: Errors, reason: object, allowed: tuple[str, ...]) -> None:
    if blank(reason):
        errors.add("reason", REASON_MISSING)
    elif reason not in allowed:
        errors.add("reason", REASON_NOT_RECOGNISED)


def _first(errors: Errors, *checks: tuple[bool, str]) -> None:
    """The first participant refusal that applies: RECT stops at one."""
    message = next((text for failed, text in checks if failed), None)
    if message is not None:
        errors.add("participant_id", message)


def _end_checks(errors: Errors, verb: str, record: InductionRecord, now: datetime, zone: tzinfo) -> None:
    """What withdraw and defer share after their own status check: a TP that has not started yet, or
    started today, cannot be ended."""
    today = local_day(now, zone)
    _first(
        errors,
        (started_on(record, zone) > today, not_started(verb)),
        (started_on(record, zone) == today, STARTED_TODAY),
    )


def withdraw_errors(target: Target, reason: object, now: datetime, zone: tzinfo) -> Errors:
    errors = target.errors
    _reason(errors, reason, WITHDRAW_REASONS)
    record = target.record
    if record is None:
        return errors
    if record.training_status == "withdrawn":
        errors.add("participant_id", ALREADY_WITHDRAWN)
    else:
        _end_checks(errors, "withdraw", record, now, zone)
    ect = target.profile is not None and target.profile.participant_type == "ect"
    if not errors and ect and reason in MENTOR_ONLY_REASONS:
        errors.add("reason", ECT_NOT_A_MENTOR)
    return errors


def defer_errors(target: Target, reason: object, now: datetime, zone: tzinfo) -> Errors:
    errors = target.errors
    _reason(errors, reason, DEFER_REASONS)
    record = target.record
    if record is None:
        return errors
    if record.training_status == "deferred":
        errors.add("participant_id", ALREADY_DEFERRED)
    elif record.training_status == "withdrawn":
        errors.add("participant_id", ALREADY_WITHDRAWN)
    else:
        _end_checks(errors, "defer", record, now, zone)
    return errors


def resume_errors(store: Store, target: Target, now: datetime, zone: tzinfo) -> Errors:
    errors = target.errors
    record = target.record
    if record is None:
        return errors
    today = local_day(now, zone)
    others = [r for r in same_school_records(store, record) if r.id != record.id]
    ended = record.end_date
    _first(
        errors,
        (record.training_status == "active", ALREADY_ACTIVE),
        (any(ongoing_on(r, today, zone) for r in others), ACTIVE_ELSEWHERE),
        (ended is not None and local_day(ended, zone) == today, RESUME_SAME_DAY),
        (not school_stay_ongoing(store, record, now), LEFT_SCHOOL),
    )
    return errors


def _end_period(
    store: Store, target: Target, provider: LeadProvider, action: str, reason: object, now: datetime
) -> ActionResult:
    """Withdraw or defer: record the status and reason, and end the TP now unless it ends sooner."""
    assert target.profile is not None and target.record is not None
    record = target.record
    apply_transition(store, target.profile, provider, action, reason, now, record)
    if record.end_date is None or record.end_date > now:
        record.end_date = now
    return action_result(store, provider, target.profile, record, now)


def act(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    action: Action,
    *,
    course_identifier: object,
    reason: object = None,
    now: datetime,
    zone: tzinfo,
) -> ActionResult:
    """Withdraw or defer (the training period ends now unless it ends sooner) or resume (a new one
    starts now), each checked by its own rules at the provider's local day in `zone`."""
    target = resolve(store, provider, participant_id, course_identifier, now)
    if action == "resume":
        resume_errors(store, target, now, zone).raise_any()
        return _resume(store, target, provider, now)
    checks = withdraw_errors if action == "withdraw" else defer_errors
    checks(target, reason, now, zone).raise_any()
    return _end_period(store, target, provider, action, reason, now)


def _resume(store: Store, target: Target, provider: LeadProvider, now: datetime) -> ActionResult:
    """A new TP from now on the same partnership and schedule, ending with the school stay (still
    `leaving` when the school reported a leave date); the ended one keeps its withdrawal or deferral, so
    declarations made under it stay where they were."""
    assert target.profile is not None and target.record is not None
    leaves = school_leave_date(store, target.record)
    fresh = store.add_induction_record(
        replace(
            target.record,
            id=store.new_id(),
            training_status="active",
            induction_status="active" if leaves is None else "leaving",
            start_date=now,
            end_date=leaves,
            created_at=now,
            updated_at=now,
            school_transfer=False,
        )
    )
    apply_transition(store, target.profile, provider, "resume", None, now, fresh)
    return action_result(store, provider, target.profile, fresh, now)
