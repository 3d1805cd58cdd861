"""The provider's actions on an ECF participant: withdraw, defer and resume (domain.md §4.3).

Every action first resolves the profile the same way (`resolve`), then checks its own input and the
training status of the provider's own induction record, and only then changes anything. change-schedule
shares the resolution and lives in `participants/change_schedule.py`.

Errors are collected as the real service collects them (ActiveModel validations): every check runs,
messages are grouped per attribute in the order the attribute first failed, and a check that needs the
participant is skipped once the participant could not be resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sandbox.domain import messages
from sandbox.domain.errors import Errors
from sandbox.domain.participants.ecf import Enrolment, Participant, enrolments_of
from sandbox.domain.participants.training_status import (
    ECF_WITHDRAW_REASONS,
    Action,
    apply_transition,
    check_transition,
)
from sandbox.domain.participants.visibility import (
    OpenPartnerships,
    latest_record,
    open_partnership_ids,
    provider_has_record_on_schedule,
)
from sandbox.domain.values import blank
from sandbox.domain.world.entities import ECFProfile, InductionRecord, LeadProvider, User
from sandbox.store import Store

ECF_COURSES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}


@dataclass
class Resolution:
    """Who an action is about. `record` is set only when the provider may act on the profile; it is the
    provider's latest induction record under any of its partnerships, challenged or not, because the
    training status an action reads and writes is the one on that record."""

    errors: Errors
    user: User | None = None
    profile: ECFProfile | None = None
    record: InductionRecord | None = None


def provider_record(store: Store, provider: LeadProvider, profile: ECFProfile) -> InductionRecord | None:
    """The provider's latest record for the profile, old and challenged partnerships included."""
    return latest_record(store, profile, OpenPartnerships(store, provider, challenged_too=True))


def resolve(
    store: Store, provider: LeadProvider, participant_id: str, course_identifier: object
) -> Resolution:
    """Steps 1-3 of §4.3: the user (a merged id still resolves), the profile the course names, and the
    provider's right to act on it. Another provider's participant is "not recognised", never a 404."""
    errors = Errors()
    user = store.users.get(store.resolve_user_id(participant_id))
    if user is None:
        errors.add("participant_id", messages.PARTICIPANT_NOT_RECOGNISED)
    profile = None
    if user is not None and isinstance(course_identifier, str) and course_identifier in ECF_COURSES:
        kind = ECF_COURSES[course_identifier]
        profile = next((p for p in store.ecf_profiles_of(user.id) if p.participant_type == kind), None)
    # The course check runs only while nothing else failed; the presence check always runs after it.
    if not errors and profile is None:
        errors.add("course_identifier", messages.COURSE_NOT_RECOGNISED)
    if blank(course_identifier):
        errors.add("course_identifier", messages.COURSE_MISSING)
    resolution = Resolution(errors, user, profile)
    if not errors and profile is not None:
        if provider_has_record_on_schedule(store, provider, profile):
            resolution.record = provider_record(store, provider, profile)
        else:
            errors.add("participant_id", messages.PARTICIPANT_NOT_RECOGNISED)
    return resolution


@dataclass(frozen=True)
class ActionResult:
    """What an action answers with: the whole user (v3) and the acted-on profile alone (v1, v2)."""

    participant: Participant
    enrolment: Enrolment


def action_result(
    store: Store, provider: LeadProvider, profile: ECFProfile, record: InductionRecord, now: datetime
) -> ActionResult:
    """The participant as the provider now sees it, through the record the action used: that record's
    partnership counts even when challenged, as the real service serialises the record it changed."""
    user = store.users[profile.user_id]
    partnership_ids = open_partnership_ids(store, provider) | {record.partnership_id}
    enrolments = enrolments_of(store, provider, user, now, partnership_ids)
    acted = next(e for e in enrolments if e.profile.id == profile.id)
    return ActionResult(Participant(user, enrolments), acted)


def act(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    action: Action,
    *,
    course_identifier: object,
    reason: object = None,
    now: datetime,
) -> ActionResult:
    """Withdraw, defer or resume the provider's profile of this participant (status flips, the
    Manage-CPD service's way): `now` becomes a withdrawal's `withdrawal.date`; resume brings back a
    deferred or withdrawn profile alike."""
    target = resolve(store, provider, participant_id, course_identifier)
    errors = target.errors
    current = target.record.training_status if target.record is not None else None
    check_transition(errors, action, reason, ECF_WITHDRAW_REASONS, target.profile is not None, current)
    errors.raise_any()
    assert target.profile is not None and target.record is not None
    apply_transition(store, target.profile, provider, action, reason, now, target.record)
    return action_result(store, provider, target.profile, target.record, now)
