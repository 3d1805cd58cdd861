"""A lead provider reports a passed or failed NPQ outcome (domain.md §4.17).

Upstream's `NPQ::CreateParticipantOutcome`: the checks run in its order, messages grouped per attribute;
the outcome goes on the provider's latest live `completed` declaration for the course. Reporting the
latest outcome's state and date again returns that outcome. What the outcome record itself refuses
(a future date, no declaration to hang it on) comes last, as the model's own validation does, as a
422 `Invalid action`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from sandbox.domain import messages
from sandbox.domain.declarations.rules import SUPPORT_OFFERS, has_course, resolve_target
from sandbox.domain.declarations.states import REFUNDABLE
from sandbox.domain.errors import Errors, InvalidAction
from sandbox.domain.finance.ledger import record_npq_outcome
from sandbox.domain.values import blank
from sandbox.domain.world.entities import Declaration, LeadProvider, NPQProfile, Outcome
from sandbox.store import Store

DATE_MISSING = (
    "The '#/completion_date' is missing from your request. "
    "Please include a completion_date value and try again."
)
DATE_FORMAT = "The '#/completion_date' value must be in the following format: 'yyyy-mm-dd'"
STATE_MISSING = (
    "The '#/state' is missing from your request. Please include a 'passed' or 'failed' value and try again."
)
STATE_INVALID = (
    "The attribute '#/state' can only include 'passed' or 'failed' values. If you need to void an outcome, "
    "you will need to void the associated 'completed' declaration."
)
NO_COMPLETED_DECLARATION = (
    "The participant has not had a 'completed' declaration submitted for them. "
    "Therefore you cannot update their outcome."
)
FUTURE_DATE = (
    "Completion date The attribute '#/completion_date' cannot contain a future date. "
    "Resubmit the outcome update with a valid date."
)
NO_DECLARATION = "Participant declaration must exist"
STATES = ("passed", "failed")
# The support and coaching offers have no pass or fail.
_NOT_LIVE = ("voided", *REFUNDABLE)
# Upstream casts the value to a Date first: an ISO date (or a date-time, whose date is taken) survives;
# anything it cannot cast becomes nil, so both the "missing" and the "format" checks fail.
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", re.ASCII | re.DOTALL)


def parse_completion_date(value: object) -> tuple[date | None, list[str]]:
    """The date and the `completion_date` messages for a submitted value."""
    if isinstance(value, str):
        match = _DATE.fullmatch(value.strip())
        if match:
            try:
                return date(*(int(part) for part in match.groups())), []
            except ValueError:
                pass
        return None, [DATE_MISSING, DATE_FORMAT]
    if blank(value) or isinstance(value, dict | list):
        return None, [DATE_MISSING, DATE_FORMAT]
    # A number (or `true`) is present but is no date.
    return None, [DATE_FORMAT]


def _latest_completed(store: Store, provider: LeadProvider, profile: NPQProfile) -> Declaration | None:
    live = [
        d
        for d in store.declarations_of(profile.user_id)
        if d.profile_id == profile.id
        and d.lead_provider_id == provider.id
        and d.course_identifier == profile.course_identifier
        and d.declaration_type == "completed"
        and d.state not in _NOT_LIVE
    ]
    return sorted(live, key=lambda d: d.created_at)[-1] if live else None


def create_outcome(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    *,
    course_identifier: object,
    state: object,
    completion_date: object,
    now: datetime,
) -> Outcome:
    """Record (or, when unchanged, return) the outcome of the participant's course."""
    errors = Errors()
    day, date_messages = parse_completion_date(completion_date)
    if date_messages:
        errors.add("completion_date", *date_messages)
    course = course_identifier if isinstance(course_identifier, str) else None
    target = resolve_target(store, provider, participant_id, course)
    # The course check runs only while nothing else failed; the presence check always runs.
    if not errors and not has_course(store, target.user, course):
        errors.add("course_identifier", messages.COURSE_NOT_RECOGNISED)
    if blank(course_identifier):
        errors.add("course_identifier", messages.COURSE_MISSING)
    if course in SUPPORT_OFFERS:
        errors.add("course_identifier", messages.COURSE_NOT_RECOGNISED)
    if blank(state):
        errors.add("state", STATE_MISSING)
    if not isinstance(state, str) or state not in STATES:
        errors.add("state", STATE_INVALID)
    declaration = None
    if target.profile is not None:
        # An ECF record named by an ECF course has no NPQ claims, so it lands here too, as upstream.
        if isinstance(target.profile, NPQProfile):
            declaration = _latest_completed(store, provider, target.profile)
        if declaration is None:
            errors.add("base", NO_COMPLETED_DECLARATION)
    errors.raise_any()
    assert day is not None and isinstance(state, str)
    if declaration is not None:
        outcomes = sorted(store.outcomes_of(declaration.id), key=lambda o: o.created_at)
        if outcomes and (outcomes[-1].state, outcomes[-1].completion_date) == (state, day):
            return outcomes[-1]
    problems = []
    if declaration is None:
        # The person holds an NPQ record, but not one accepted by this provider for this course.
        problems.append(NO_DECLARATION)
    if datetime.combine(day, time.min, tzinfo=UTC) > now:
        problems.append(FUTURE_DATE)
    if problems:
        raise InvalidAction("Validation failed: " + ", ".join(problems))
    assert declaration is not None
    return record_npq_outcome(store, declaration_id=declaration.id, state=state, completion_date=day, now=now)
