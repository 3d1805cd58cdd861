"""A lead provider submits an NPQ declaration under the standalone NPQ service's rules (npq.md §4.4),
beside the ECF service's (`rules.py`); the contract's `declarations.rules` picks one (`variants.py`).

The service's checks run in its order and most give way once an earlier one has failed (its
`return if errors.any?`): only the presence checks, the type's inclusion, `has_passed` and the
delivery partner ids always run. The declaration belongs to the provider's latest accepted application
for the course family (ASO counts as EHCO) and to that application's exact cohort. Nothing changes until
every check has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sandbox.domain import messages
from sandbox.domain.applications import reads as npq
from sandbox.domain.applications.decisions import npq_contract
from sandbox.domain.applications.npq_cohorts import applies_from, cohort_of, find_schedule
from sandbox.domain.declarations import delivery_partners as partners
from sandbox.domain.declarations import npq_outcomes, rules
from sandbox.domain.declarations.input import DeclarationRequest, parse_declaration_date, parse_has_passed
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors, ParticipantIdChanged
from sandbox.domain.finance.ledger import record_declaration
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.participants.visibility import latest_state_by
from sandbox.domain.values import blank
from sandbox.domain.world.entities import Declaration, LeadProvider, NPQApplication, NPQProfile, User
from sandbox.domain.world.reference import Schedule
from sandbox.store import Store

DECLARATION_TYPES = ("started", "retained-1", "retained-2", "completed")
PARTICIPANT_MISSING = "The property '#/participant_id' must be present"
DATE_INVALID = "Enter a valid RFC3339 '#/declaration_date'."
BEFORE_SCHEDULE = "Enter a '#/declaration_date' that's on or after the schedule start."
TYPE_NOT_RECOGNISED = "The entered '#/declaration_type' is not recognised."
SCHEDULE_MISSING = "The application is missing a schedule."


def cohort_closed(year: int) -> str:
    # The NPQ service's copy of the text ends with a full stop.
    return messages.cohort_closed(year) + "."


@dataclass(frozen=True)
class NPQTarget:
    """The person a request names, when the provider has accepted any of their applications, and the
    provider's latest accepted application for the course family, with its schedule."""

    user: User | None
    application: NPQApplication | None
    schedule: Schedule | None


def _accepted(store: Store, user: User, provider: LeadProvider | None = None) -> list[NPQApplication]:
    return [
        a
        for a in store.applications_of(user.id)
        if a.status == "accepted" and (provider is None or a.lead_provider_id == provider.id)
    ]


def _same_family(application: NPQApplication, course_identifier: str | None) -> bool:
    return course_identifier is not None and npq.course_family_key(
        application.course_identifier
    ) == npq.course_family_key(course_identifier)


def resolve(store: Store, provider: LeadProvider, request: DeclarationRequest) -> NPQTarget:
    user = store.users.get(str(request.participant_id)) if not blank(request.participant_id) else None
    if user is None or not _accepted(store, user, provider):
        return NPQTarget(None, None, None)
    mine = [a for a in _accepted(store, user, provider) if _same_family(a, request.course_identifier)]
    application = max(mine, key=lambda a: (a.created_at, a.id), default=None)
    schedule = None
    if application is not None and application.schedule_identifier is not None:
        schedule = find_schedule(store.reference, application.schedule_identifier, cohort_of(application))
    return NPQTarget(user, application, schedule)


def _profile(store: Store, application: NPQApplication) -> NPQProfile:
    return store.npq_profiles[application.id]


def _fundable(store: Store, application: NPQApplication) -> bool:
    return rules.fundable(store, _profile(store, application))


def _withdrawn_before(
    store: Store, provider: LeadProvider, application: NPQApplication | None, when: datetime | None
) -> str | None:
    """The ECF service's guard: a claim dated at or after this provider's withdrawal is refused."""
    if application is None or when is None:
        return None
    latest = latest_state_by(_profile(store, application).states, provider.id)
    if latest is not None and latest.state == "withdrawn" and latest.created_at <= when:
        return rules.withdrew_message(latest.created_at)
    return None


def declaration_errors(
    store: Store, provider: LeadProvider, request: DeclarationRequest, target: NPQTarget, now: datetime
) -> Errors:
    """Every refusal of the request, in the service's order (npq.md §4.4 steps 1-12)."""
    errors = Errors()
    user, application, schedule = target.user, target.application, target.schedule
    when = parse_declaration_date(request.declaration_date)
    if blank(request.participant_id):
        errors.add("participant_id", PARTICIPANT_MISSING)
    elif request.participant_id in store.retired_user_ids:
        surviving = store.resolve_user_id(request.participant_id)
        # The same words as the 410 the service answers a read of a retired id with.
        errors.add("participant_id", ParticipantIdChanged(request.participant_id, surviving, now).detail)
    if not errors and user is None:
        errors.add("participant_id", messages.PARTICIPANT_NOT_RECOGNISED)
    if not errors and (withdrawn := _withdrawn_before(store, provider, application, when)):
        errors.add("participant_id", withdrawn)
    # The course check looks at every provider's accepted applications of the person.
    if not errors and not any(_same_family(a, request.course_identifier) for a in _accepted(store, user)):
        errors.add("course_identifier", messages.COURSE_NOT_RECOGNISED)
    if not errors:
        if not blank(request.declaration_date) and when is None:
            errors.add("declaration_date", DATE_INVALID)
        if schedule is not None and when is not None and when < _start(schedule):
            errors.add("declaration_date", BEFORE_SCHEDULE)
    if blank(request.declaration_date):
        errors.add("declaration_date", rules.DATE_MISSING)
    if blank(request.declaration_type):
        errors.add("declaration_type", rules.TYPE_MISSING)
    if request.declaration_type not in DECLARATION_TYPES:
        errors.add("declaration_type", TYPE_NOT_RECOGNISED)
    if not errors and schedule is None:
        errors.add("application", SCHEDULE_MISSING)
    if not errors and schedule is not None and request.declaration_type not in schedule.declaration_types:
        errors.add("declaration_type", rules.TYPE_NOT_IN_SCHEDULE)
    if not errors and application is not None and not _has_contract(store, provider, application, request):
        errors.add("cohort", rules.NO_NPQ_CONTRACT)
    if not errors and application is not None and _fundable(store, application):
        statement = next_output_statement(
            store, provider, "npq", application.cohort, now.date(), application.cohort_suffix
        )
        if statement is None:
            errors.add("cohort", cohort_closed(application.cohort))
    if _records_outcome(store, request) and parse_has_passed(request.has_passed) is None:
        errors.add("has_passed", rules.HAS_PASSED_INVALID)
    if not errors and application is not None and _slot_taken(store, application, request):
        errors.add("base", rules.ALREADY_DECLARED)
    errors.merge(
        partners.unknown_partner_errors(
            store, request.delivery_partner_id, request.secondary_delivery_partner_id
        )
    )
    if not errors and application is not None:
        if when is not None and when > now:
            errors.add("declaration_date", rules.DATE_IN_FUTURE)
        errors.merge(
            partners.partner_rule_errors(
                store,
                provider.id,
                application,
                request.delivery_partner_id,
                request.secondary_delivery_partner_id,
            )
        )
    return errors


def _start(schedule: Schedule) -> datetime:
    return datetime.combine(applies_from(schedule), time.min, tzinfo=UTC)


def _records_outcome(store: Store, request: DeclarationRequest) -> bool:
    """Leadership and specialist `completed` claims carry a pass or fail; the support offers do not."""
    family = store.reference.npq_family(request.course_identifier or "")
    return request.declaration_type == "completed" and family in ("leadership", "specialist")


def _has_contract(
    store: Store, provider: LeadProvider, application: NPQApplication, request: DeclarationRequest
) -> bool:
    """A contract for the declared course in the application's exact cohort (2025a is not 2025b)."""
    course = str(request.course_identifier)
    return npq_contract(store, provider.id, application.cohort, course, application.cohort_suffix) is not None


def _slot_taken(store: Store, application: NPQApplication, request: DeclarationRequest) -> bool:
    """A live claim of the same type on that very application, whoever made it."""
    return any(
        d.profile_id == application.id
        and d.declaration_type == request.declaration_type
        and d.state in BILLABLE_OR_CHANGEABLE
        for d in store.declarations_of(application.user_id)
    )


def _same_teacher_declared(
    store: Store, user: User, application: NPQApplication, declaration_type: str
) -> bool:
    """Another user with the same TRN already holds a live claim of the type for the course family."""
    trn = user.teacher_reference_number
    if not trn:
        return False
    return any(
        _same_family(application, d.course_identifier)
        and d.declaration_type == declaration_type
        and d.state in BILLABLE_OR_CHANGEABLE
        for other in store.users_with_trn(trn)
        if other.id != user.id
        for d in store.declarations_of(other.id)
    )


def submit_declaration(
    store: Store, provider: LeadProvider, request: DeclarationRequest, now: datetime
) -> Declaration:
    """Validate everything, then record the declaration with its delivery partners, its state
    (`ineligible` duplicate, `eligible` when fundable, else `submitted`) and, for a completed leadership
    or specialist course, its outcome."""
    with store.lock:
        target = resolve(store, provider, request)
        declaration_errors(store, provider, request, target, now).raise_any()
        user, application = target.user, target.application
        when, declaration_type = parse_declaration_date(request.declaration_date), request.declaration_type
        assert user is not None and application is not None and when is not None and declaration_type
        outcome = None
        if _records_outcome(store, request):
            outcome = "passed" if parse_has_passed(request.has_passed) else "failed"
            npq_outcomes.check_completed_outcome(when.date(), now)
        if _same_teacher_declared(store, user, application, declaration_type):
            state, reason = "ineligible", rules.DUPLICATE_DECLARATION
        else:
            state, reason = ("eligible" if _fundable(store, application) else "submitted"), None
        declaration = record_declaration(
            store,
            profile_id=application.id,
            lead_provider_id=provider.id,
            declaration_type=declaration_type,
            declaration_date=when,
            state=state,
            now=now,
            ineligible_for_funding_reason=reason,
        )
        declaration.delivery_partner_id = request.delivery_partner_id
        declaration.secondary_delivery_partner_id = request.secondary_delivery_partner_id
        if outcome is not None:
            npq_outcomes.record_completion_outcome(store, provider, declaration, outcome, when.date(), now)
        return declaration
