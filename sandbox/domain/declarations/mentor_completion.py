"""When a mentor's funded training ends: the `mentor_funding_end_date` and its reason (domain.md §4.2).

Recomputed from the mentor's declarations whenever a `completed` one is submitted, voided or clawed back,
as upstream's `Mentors::CheckTrainingCompletion` does, so voiding the only completed claim clears it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.world.entities import ECFProfile
from sandbox.domain.world.registration import set_mentor_funding_end_date
from sandbox.store import Store

COMPLETED_DECLARATION_RECEIVED = "completed_declaration_received"
EARLY_ROLL_OUT = "completed_during_early_roll_out"
STARTED_NOT_COMPLETED = "started_not_completed"
# Upstream stops overriding DfE's "started, not completed" marking once the 2021 window closed.
DECLARATION_WINDOW_CLOSE_DATE = date(2024, 7, 31)


def recompute_mentor_completion(store: Store, profile: ECFProfile, now: datetime) -> None:
    """Set the mentor's completion from their latest live `completed` declaration, or clear it."""
    if profile.participant_type != "mentor":
        return
    # Early roll-out mentors keep their fixed completion whatever is claimed later.
    if profile.mentor_ineligible_for_funding_reason == EARLY_ROLL_OUT:
        return
    if (
        now.date() >= DECLARATION_WINDOW_CLOSE_DATE
        and profile.mentor_funding_end_date is not None
        and profile.mentor_ineligible_for_funding_reason == STARTED_NOT_COMPLETED
    ):
        return
    completed = [
        d
        for d in store.declarations_of(profile.user_id)
        if d.profile_id == profile.id
        and d.declaration_type == "completed"
        and d.state in BILLABLE_OR_CHANGEABLE
    ]
    latest = max(completed, key=lambda d: d.declaration_date, default=None)
    if latest is None:
        wanted: tuple[date | None, str | None] = (None, None)
    else:
        wanted = (latest.declaration_date.astimezone(UTC).date(), COMPLETED_DECLARATION_RECEIVED)
    if wanted != (profile.mentor_funding_end_date, profile.mentor_ineligible_for_funding_reason):
        set_mentor_funding_end_date(
            store, profile_id=profile.id, end_date=wanted[0], reason=wanted[1], now=now
        )
