"""A lead provider reports an NPQ outcome under the standalone NPQ service's rules (npq.md §4.7), beside
the ECF service's (`outcomes.py`), whose texts it keeps.

What differs: every check runs and each message is its own entry; a blank course or state gets both
its "not recognised" and its "missing" message; the date need only contain `yyyy-mm-dd` somewhere; an
impossible date is a 400; a future date is a 422 on `completion_date`. The outcome goes on the latest
`completed` declaration made by the provider or on one of its current applications. Reporting a pass
after a pass, or the latest state and date again, returns the latest outcome.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from sandbox.domain import messages
from sandbox.domain.declarations import outcomes as ecf
from sandbox.domain.declarations.rules import COMPLETED_OUTCOME_FAILED, SUPPORT_OFFERS
from sandbox.domain.errors import BadRequest, Errors
from sandbox.domain.finance.ledger import record_npq_outcome
from sandbox.domain.values import blank
from sandbox.domain.world.entities import Declaration, LeadProvider, Outcome
from sandbox.store import Store

FUTURE_DATE = "The '#/completion_date' value cannot be a future date. Check the date and try again."
INVALID_DATE = "invalid date"
# The states a completed declaration may be in for an outcome to hang on it.
OUTCOME_STATES = ("submitted", "eligible", "payable", "paid", "ineligible")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)


def _npq_course(store: Store, course: object) -> bool:
    return isinstance(course, str) and store.reference.is_npq_course(course) and course not in SUPPORT_OFFERS


def completed_declarations(
    store: Store, provider: LeadProvider, user_id: str, course_identifier: str
) -> list[Declaration]:
    """The person's `completed` declarations for the course an outcome may go on, the latest first."""
    found = [
        d
        for d in store.declarations_of(user_id)
        if d.course_identifier == course_identifier
        and d.declaration_type == "completed"
        and d.state in OUTCOME_STATES
        and (d.lead_provider_id == provider.id or _application_with(store, provider, d))
    ]
    return sorted(reversed(found), key=lambda d: d.created_at, reverse=True)


def _application_with(store: Store, provider: LeadProvider, declaration: Declaration) -> bool:
    application = store.npq_applications.get(declaration.profile_id)
    return application is not None and application.lead_provider_id == provider.id


def latest_outcome(
    store: Store, provider: LeadProvider, user_id: str, course_identifier: str
) -> Outcome | None:
    """The latest outcome on the provider's declarations for the person's course."""
    found = [
        o
        for d in store.declarations_of(user_id)
        if d.lead_provider_id == provider.id and d.course_identifier == course_identifier
        for o in store.outcomes_of(d.id)
    ]
    # Of outcomes made in the same instant, the one recorded last.
    return max(reversed(found), key=lambda o: o.created_at, default=None)


def _already_reported(latest: Outcome | None, state: str, day: date) -> bool:
    if latest is None:
        return False
    return (latest.state == "passed" and state == "passed") or (latest.state, latest.completion_date) == (
        state,
        day,
    )


def _day(value: object) -> tuple[str | None, list[str]]:
    """The `yyyy-mm-dd` a value contains (not yet checked to be a real day) and its messages."""
    if blank(value) or not isinstance(value, str | int | float):
        return None, [ecf.DATE_MISSING, ecf.DATE_FORMAT]
    match = _DATE.search(str(value))
    return (match.group(0), []) if match else (None, [ecf.DATE_FORMAT])


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
    """Record (or return the unchanged latest) outcome of one of the provider's participants, who the
    caller has already found among the provider's own."""
    errors = Errors()
    if not _npq_course(store, course_identifier):
        errors.add("course_identifier", messages.COURSE_NOT_RECOGNISED)
    if blank(course_identifier):
        errors.add("course_identifier", messages.COURSE_MISSING)
    if state not in ecf.STATES:
        errors.add("state", ecf.STATE_INVALID)
    if blank(state):
        errors.add("state", ecf.STATE_MISSING)
    text, date_messages = _day(completion_date)
    errors.add("completion_date", *date_messages)
    course = course_identifier if isinstance(course_identifier, str) else ""
    declarations = completed_declarations(store, provider, participant_id, course)
    if not declarations:
        errors.add("base", ecf.NO_COMPLETED_DECLARATION)
    day = None
    if text is not None:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise BadRequest(INVALID_DATE) from None
        if day > now.astimezone(UTC).date():
            errors.add("completion_date", FUTURE_DATE)
    errors.raise_any()
    assert day is not None and isinstance(state, str)
    latest = latest_outcome(store, provider, participant_id, course)
    if latest is not None and _already_reported(latest, state, day):
        return latest
    return record_npq_outcome(
        store, declaration_id=declarations[0].id, state=state, completion_date=day, now=now
    )


def check_completed_outcome(completion_date: date, now: datetime) -> None:
    """The outcome a completed declaration records is checked with the declaration; the service answers
    a refused one with a 400. The declaration's own date checks leave only a future date to catch."""
    if completion_date > now.astimezone(UTC).date():
        raise BadRequest(COMPLETED_OUTCOME_FAILED)


def record_completion_outcome(
    store: Store, provider: LeadProvider, declaration: Declaration, state: str, day: date, now: datetime
) -> Outcome:
    """The outcome a completed leadership or specialist declaration carries, unless the latest one
    already says so."""
    latest = latest_outcome(store, provider, declaration.user_id, declaration.course_identifier)
    if latest is not None and _already_reported(latest, state, day):
        return latest
    return record_npq_outcome(store, declaration_id=declaration.id, state=state, completion_date=day, now=now)
