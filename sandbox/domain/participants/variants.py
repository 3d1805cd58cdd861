"""Which service's participant actions a contract names (its `ecf_participants.actions`): the
Manage-CPD service's status flips or RECT's training periods. Both live side by side; this is the one
place that picks between them."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from sandbox.domain.participants import change_schedule as cpd_schedule
from sandbox.domain.participants import ecf_actions, rect_actions, rect_change_schedule
from sandbox.domain.participants.ecf_actions import ActionResult
from sandbox.domain.participants.training_status import Action
from sandbox.domain.world.entities import LeadProvider
from sandbox.store import Store

Actions = Literal["manage-cpd", "rect"]


def act(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    action: Action,
    *,
    course_identifier: object,
    reason: object = None,
    now: datetime,
    variant: Actions,
    zone: tzinfo,
) -> ActionResult:
    """Withdraw, defer or resume by the variant's rules (only RECT reads the local day)."""
    if variant == "rect":
        return rect_actions.act(
            store,
            provider,
            participant_id,
            action,
            course_identifier=course_identifier,
            reason=reason,
            now=now,
            zone=zone,
        )
    return ecf_actions.act(
        store, provider, participant_id, action, course_identifier=course_identifier, reason=reason, now=now
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
