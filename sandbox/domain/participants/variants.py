"""Which service's participant actions a contract names (its `ecf_participants.actions`): the
Manage-CPD service's status flips or RECT's training periods; and whose transfers it lists (its
`ecf_participants.transfers`). Both live side by side; this is the one place that picks between them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Literal

from sandbox.domain.listing import SortKey
from sandbox.domain.participants import change_schedule as cpd_schedule
from sandbox.domain.participants import (
    ecf_actions,
    rect_actions,
    rect_change_schedule,
    rect_transfers,
    transfers,
)
from sandbox.domain.participants.ecf_actions import ActionResult
from sandbox.domain.participants.training_status import Action
from sandbox.domain.participants.transfers import ParticipantTransfers
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


def list_transfers(
    store: Store,
    provider: LeadProvider,
    updated_since: datetime | None,
    *,
    now: datetime,
    zone: tzinfo,
    sort: Sequence[SortKey],
    variant: Actions,
) -> list[ParticipantTransfers]:
    """RECT's transfers come from school periods, against the local day, in the order `sort` asks;
    the Manage-CPD service's from leaving records, against the UTC day, with its own sync order."""
    if variant == "rect":
        return rect_transfers.list_transfers(store, provider, updated_since, now, zone, sort)
    return transfers.list_transfers(store, provider, updated_since, now.date())


def get_transfers(
    store: Store, provider: LeadProvider, user_id: str, *, now: datetime, zone: tzinfo, variant: Actions
) -> ParticipantTransfers:
    if variant == "rect":
        return rect_transfers.get_transfers(store, provider, user_id, now, zone)
    return transfers.get_transfers(store, provider, user_id, now.date())
