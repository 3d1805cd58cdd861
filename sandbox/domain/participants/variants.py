"""Which service's participant actions a contract names (its `ecf_participants.actions`): the
Manage-CPD service's status flips or RECT's training periods. Both live side by side; this is the one
place that picks between them."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from sandbox.domain.participants import change_schedule as cpd_schedule
from sandbox.domain.participants import ecf_actions, rect_actions, rect_change_schedule
from sandbox.domain.participants.ecf_actions import ActionResult
from sandbox.domain.world.entities import LeadProvider
from sandbox.store import Store

Actions = Literal["manage-cpd", "rect"]


def end_training(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    action: Literal["withdraw", "defer"],
    *,
    course_identifier: object,
    reason: object,
    now: datetime,
    variant: Actions,
    zone: tzinfo,
) -> ActionResult:
    """Withdraw or defer."""
    if variant == "rect":
        act = rect_actions.withdraw_participant if action == "withdraw" else rect_actions.defer_participant
        return act(
            store,
            provider,
            participant_id,
            course_identifier=course_identifier,
            reason=reason,
            now=now,
            zone=zone,
        )
    legacy = ecf_actions.withdraw_participant if action == "withdraw" else ecf_actions.defer_participant
    return legacy(
        store, provider, participant_id, course_identifier=course_identifier, reason=reason, now=now
    )


def resume(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    *,
    course_identifier: object,
    now: datetime,
    variant: Actions,
    zone: tzinfo,
) -> ActionResult:
    if variant == "rect":
        return rect_actions.resume_participant(
            store, provider, participant_id, course_identifier=course_identifier, now=now, zone=zone
        )
    return ecf_actions.resume_participant(
        store, provider, participant_id, course_identifier=course_identifier, now=now
    )


def change_schedule(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    *,
    course_identifier: object,
    schedule_identifier: object,
    cohort: object,
    now: datetime,
    variant: Actions,
    zone: tzinfo,
) -> ActionResult:
    if variant == "rect":
        return rect_change_schedule.change_schedule(
            store,
            provider,
            participant_id,
            course_identifier=course_identifier,
            schedule_identifier=schedule_identifier,
            cohort=cohort,
            now=now,
            zone=zone,
        )
    return cpd_schedule.change_schedule(
        store,
        provider,
        participant_id,
        course_identifier=course_identifier,
        schedule_identifier=schedule_identifier,
        cohort=cohort,
        now=now,
    )
