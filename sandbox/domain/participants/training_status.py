"""The training-status state machine a provider drives, shared by ECF and NPQ profiles.

active ─defer→ deferred ─resume→ active; active|deferred ─withdraw→ withdrawn ─resume→ active.
Self-transitions are refused. Every transition is recorded as a ProfileState by the acting provider:
its timestamp is the `withdrawal`/`deferral` date and guards later declarations.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sandbox.domain.errors import Errors
from sandbox.domain.values import blank
from sandbox.domain.world.entities import ECFProfile, InductionRecord, LeadProvider, NPQProfile, ProfileState
from sandbox.domain.world.stamps import touch_profile
from sandbox.store import Store

ECF_WITHDRAW_REASONS = (
    "left-teaching-profession",
    "moved-school",
    "mentor-no-longer-being-mentor",
    "school-left-fip",
    "other",
)
DEFER_REASONS = ("bereavement", "long-term-sickness", "parental-leave", "career-break", "other")
NPQ_WITHDRAW_REASONS = (
    "insufficient-capacity-to-undertake-programme",
    "personal-reason-health-or-pregnancy-related",
    "personal-reason-moving-school",
    "personal-reason-other",
    "insufficient-capacity",
    "change-in-developmental-or-personal-priorities",
    "change-in-school-circumstances",
    "change-in-school-leadership",
    "quality-of-programme-structure-not-suitable.",
    "quality-of-programme-content-not-suitable",
    "quality-of-programme-facilitation-not-effective",
    "quality-of-programme-accessibility",
    "quality-of-programme-other",
    "programme-not-appropriate-for-role-and-cpd-needs",
    "started-in-error",
    "expected-commitment-unclear",
    "other",
)
# The NPQ service added four reasons of its own.
NPQ_SERVICE_WITHDRAW_REASONS = (
    *NPQ_WITHDRAW_REASONS,
    "assessment-requirements-not-met",
    "change-in-career",
    "disengaged-and-unresponsive",
    "non-payment-of-invoice",
)

Action = Literal["withdraw", "defer", "resume"]

# action -> the status it leads to
TARGET = {"withdraw": "withdrawn", "defer": "deferred", "resume": "active"}


def reason_errors(reason: object, allowed: tuple[str, ...]) -> list[str]:
    """The `reason` messages, both when it is missing (a missing reason is also not a valid one)."""
    if reason is None or reason == "":
        return ["The property '#/reason' must be present", "The property '#/reason' must be a valid reason"]
    if reason not in allowed:
        return ["The property '#/reason' must be a valid reason"]
    return []


def transition_errors(action: str, current: str) -> list[str]:
    """`participant_profile` messages for a transition the current status does not allow."""
    if action == "withdraw" and current == "withdrawn":
        return ["The participant is already withdrawn"]
    if action == "defer" and current == "deferred":
        return ["The participant is already deferred"]
    if action == "defer" and current == "withdrawn":
        return ["The participant is already withdrawn"]
    if action == "resume" and current == "active":
        return ["The participant is already active"]
    return []


def check_transition(
    errors: Errors,
    action: str,
    reason: object,
    withdraw_reasons: tuple[str, ...],
    profile_found: bool,
    current: str | None,
) -> None:
    """The checks every action makes, in upstream's order: the reason (withdraw checks it once a profile
    is found, any provider's; defer always; resume takes none), then the move from the `current` status
    of the record the provider may act on (None when there is none)."""
    if action == "defer" or (action == "withdraw" and profile_found):
        allowed = withdraw_reasons if action == "withdraw" else DEFER_REASONS
        errors.add("reason", *reason_errors(None if blank(reason) else reason, allowed))
    if current is not None:
        errors.add("participant_profile", *transition_errors(action, current))


def apply_transition(
    store: Store,
    profile: ECFProfile | NPQProfile,
    provider: LeadProvider,
    action: str,
    reason: object,
    now: datetime,
    record: InductionRecord | None = None,
) -> ProfileState:
    """Record the transition and set the status on the profile (and the provider's ECF record). A resume
    keeps no reason; a withdrawal or deferral keeps the one given."""
    status = TARGET[action]
    reason = reason if action != "resume" and isinstance(reason, str) else None
    state = ProfileState(state=status, reason=reason, lead_provider_id=provider.id, created_at=now)
    profile.states = (*profile.states, state)
    profile.training_status = status
    if record is not None:
        record.training_status = status
    touch_profile(store, profile, now, record)
    return state
