"""A lead provider submits a participant declaration (domain.md §4.4, §4.6, §4.9).

Every check runs and the refusals are grouped per attribute in the order upstream's `RecordDeclaration`
adds them; the last three (course, induction record, NPQ contract) only run when nothing else failed.
Nothing changes until every check has passed. The new declaration is then `ineligible` (same TRN already
claimed under another record), `eligible` (fundable) or `submitted`, and an eligible one lands on the
provider's next output-fee statement as of the submission day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sandbox.domain.applications.decisions import npq_contract
from sandbox.domain.applications.reads import eligible_for_funding
from sandbox.domain.declarations.input import DeclarationRequest, parse_declaration_date, parse_has_passed
from sandbox.domain.declarations.mentor_completion import recompute_mentor_completion
from sandbox.domain.declarations.reads import NO_UPLIFT_COURSES
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors, InvalidAction, ValidationFailed
from sandbox.domain.finance.ledger import record_declaration, record_npq_outcome
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.messages import COURSE_NOT_RECOGNISED, PARTICIPANT_NOT_RECOGNISED, cohort_closed
from sandbox.domain.participants.visibility import latest_state_by, provider_has_record_on_schedule
from sandbox.domain.values import blank
from sandbox.domain.world.entities import Declaration, ECFProfile, LeadProvider, NPQProfile, User
from sandbox.domain.world.reference import Milestone, milestone_window_check
from sandbox.store import Store

# The two support offers (EHCO, ASO) carry no pass/fail outcome, as they earn no uplift.
SUPPORT_OFFERS = NO_UPLIFT_COURSES
EVIDENCE_HELD = ("training-event-attended", "self-study-material-completed", "other")
DUPLICATE_DECLARATION = "duplicate_declaration"

DATE_MISSING = "Enter a '#/declaration_date'."
TYPE_MISSING = "Enter a '#/declaration_type'."
DATE_IN_FUTURE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
DATE_INVALID = "Enter a valid RCF3339 '#/declaration_date'."
BEFORE_MILESTONE = "Enter a '#/declaration_date' that's on or after the milestone start."
AFTER_MILESTONE = "Enter a '#/declaration_date' that's before the milestone end date."
EVIDENCE_MISSING = "Enter a '#/evidence_held' value for this participant."
EVIDENCE_INVALID = "Enter an available '#/evidence_held' type for this participant's event and course."
HAS_PASSED_INVALID = (
    "Enter 'true' or 'false' in the '#/has_passed' field to indicate whether this participant has "
    "passed or failed their course."
)
TYPE_NOT_IN_SCHEDULE = "The property '#/declaration_type' does not exist for this schedule."
ALREADY_DECLARED = "A declaration has already been submitted that will be, or has been, paid for this event"
NO_NPQ_CONTRACT = (
    "You cannot submit a declaration for this participant as you do not have a contract for the cohort "
    "and course. Contact the DfE for assistance."
)
COMPLETED_OUTCOME_FAILED = "Could not create completed declaration. Contact the DfE for support."


def withdrew_message(withdrawn_at: datetime) -> str:
    moment = withdrawn_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"This participant withdrew from this course on {moment}. "
        "Enter a '#/declaration_date' that's on or before the withdrawal date."
    )


# -- who the declaration is for -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """The participant a request names: the user (any record of theirs resolves the id) and, when the
    course matches one of their training records the provider may claim for, that profile."""

    user: User | None
    profile: ECFProfile | NPQProfile | None

    def milestone(self, store: Store, declaration_type: str | None) -> Milestone | None:
        if self.profile is None or declaration_type is None:
            return None
        schedule = store.reference.schedule(
            self.profile.schedule_identifier, self.profile.cohort, store.cohort_suffix_of(self.profile)
        )
        return schedule.milestone(declaration_type) if schedule is not None else None


def resolve_target(
    store: Store, provider: LeadProvider, participant_id: str | None, course_identifier: str | None
) -> Target:
    """ECF profiles resolve whoever trains them (the induction-record check comes last); an NPQ profile
    only from an application accepted by this provider for that course."""
    if blank(participant_id):
        return Target(None, None)
    user = store.users.get(store.resolve_user_id(str(participant_id).strip()))
    if user is None:
        return Target(None, None)
    profile: ECFProfile | NPQProfile | None = None
    if course_identifier in ("ecf-induction", "ecf-mentor"):
        profile = next(
            (p for p in store.ecf_profiles_of(user.id) if p.course_identifier == course_identifier), None
        )
    elif course_identifier is not None and store.reference.is_npq_course(course_identifier):
        profile = next(
            (
                p
                for p in _npq_profiles(store, user)
                if p.course_identifier == course_identifier and p.lead_provider_id == provider.id
            ),
            None,
        )
    return Target(user, profile)


def _npq_profiles(store: Store, user: User) -> list[NPQProfile]:
    found = (store.npq_profiles.get(a.id) for a in store.applications_of(user.id))
    return [p for p in found if p is not None]


def has_course(store: Store, user: User | None, course_identifier: str | None) -> bool:
    """Upstream's course check: any record of the user for that programme (every NPQ course counts
    for any NPQ profile, as upstream lists all NPQ identifiers on the NPQ profile class)."""
    if user is None or course_identifier is None:
        return False
    if course_identifier in ("ecf-induction", "ecf-mentor"):
        return any(p.course_identifier == course_identifier for p in store.ecf_profiles_of(user.id))
    return store.reference.is_npq_course(course_identifier) and bool(_npq_profiles(store, user))


def fundable(store: Store, profile: ECFProfile | NPQProfile) -> bool:
    """Whether a claim would be paid: ECF eligibility confirmed; NPQ funded and not previously funded."""
    if isinstance(profile, ECFProfile):
        return profile.eligibility == "eligible"
    application = store.npq_applications.get(profile.id)
    return (
        application is not None
        and eligible_for_funding(store, application)
        and application.funded_place in (None, True)
    )


def _kind(profile: ECFProfile | NPQProfile) -> str:
    return "ecf" if isinstance(profile, ECFProfile) else "npq"


def _records_outcome(profile: ECFProfile | NPQProfile | None, declaration_type: str | None) -> bool:
    # NPQ `completed` claims carry a pass or fail, except for the two support offers.
    return (
        isinstance(profile, NPQProfile)
        and declaration_type == "completed"
        and profile.course_identifier not in SUPPORT_OFFERS
    )


# -- validation -----------------------------------------------------------------------------------


def declaration_errors(
    store: Store, provider: LeadProvider, request: DeclarationRequest, target: Target, now: datetime
) -> Errors:
    """Every refusal for the request, per attribute, in upstream's order (domain.md §4.4 steps 1-12)."""
    errors = Errors()
    add = errors.add

    user, profile = target.user, target.profile
    when = parse_declaration_date(request.declaration_date)
    if user is None:
        add("participant_id", PARTICIPANT_NOT_RECOGNISED)
    if profile is not None and when is not None:
        # Only this provider's withdrawal counts, and claims dated before it are still accepted.
        latest = latest_state_by(profile.states, provider.id)
        if latest is not None and latest.state == "withdrawn" and latest.created_at <= when:
            add("participant_id", withdrew_message(latest.created_at))
    if blank(request.declaration_date):
        add("declaration_date", DATE_MISSING)
    if blank(request.declaration_type):
        add("declaration_type", TYPE_MISSING)
    if when is not None and when > now:
        add("declaration_date", DATE_IN_FUTURE)
    if not blank(request.declaration_date) and when is None:
        add("declaration_date", DATE_INVALID)
    milestone = target.milestone(store, request.declaration_type)
    if milestone is not None and when is not None:
        problem = milestone_window_check(milestone, when)
        if problem == "before_start":
            add("declaration_date", BEFORE_MILESTONE)
        elif problem == "after_end":
            add("declaration_date", AFTER_MILESTONE)
    if (
        isinstance(profile, ECFProfile)
        and not blank(request.declaration_type)
        and request.declaration_type != "started"
    ):
        if blank(request.evidence_held):
            add("evidence_held", EVIDENCE_MISSING)
        if request.evidence_held not in EVIDENCE_HELD:
            add("evidence_held", EVIDENCE_INVALID)
    if profile is not None and fundable(store, profile) and _cohort_closed(store, provider, profile, now):
        add("cohort", cohort_closed(profile.cohort))
    if _records_outcome(profile, request.declaration_type) and parse_has_passed(request.has_passed) is None:
        add("has_passed", HAS_PASSED_INVALID)
    if profile is not None and milestone is None:
        add("declaration_type", TYPE_NOT_IN_SCHEDULE)
    if profile is not None and _already_declared(store, profile.user_id, request):
        add("base", ALREADY_DECLARED)
    if not errors and not has_course(store, user, request.course_identifier):
        add("course_identifier", COURSE_NOT_RECOGNISED)
    if not errors and not _provider_trains(store, provider, profile):
        add("participant_id", PARTICIPANT_NOT_RECOGNISED)
    if not errors and isinstance(profile, NPQProfile) and not _has_contract(store, provider, profile):
        add("cohort", NO_NPQ_CONTRACT)
    return errors


def _cohort_closed(
    store: Store, provider: LeadProvider, profile: ECFProfile | NPQProfile, now: datetime
) -> bool:
    """No output-fee statement left to pay the claim on (the 2021 cohort since its contract ended).
    A provider without that programme is refused later, as not training the participant."""
    kind = _kind(profile)
    if not (provider.has_ecf if kind == "ecf" else provider.has_npq):
        return False
    suffix = store.cohort_suffix_of(profile)
    return next_output_statement(store, provider, kind, profile.cohort, now.date(), suffix) is None


def _already_declared(store: Store, user_id: str, request: DeclarationRequest) -> bool:
    # Any provider's live claim for the same person, course and milestone blocks another.
    return any(
        d.course_identifier == request.course_identifier
        and d.declaration_type == request.declaration_type
        and d.state in BILLABLE_OR_CHANGEABLE
        for d in store.declarations_of(user_id)
    )


def _provider_trains(store: Store, provider: LeadProvider, profile: ECFProfile | NPQProfile | None) -> bool:
    if profile is None:
        return False
    if isinstance(profile, ECFProfile):
        return provider_has_record_on_schedule(store, provider, profile)
    return True  # resolved from this provider's own accepted application


def _has_contract(store: Store, provider: LeadProvider, profile: NPQProfile) -> bool:
    suffix = store.cohort_suffix_of(profile)
    return npq_contract(store, provider.id, profile.cohort, profile.course_identifier, suffix) is not None


# -- submission -----------------------------------------------------------------------------------


def submit_declaration(
    store: Store, provider: LeadProvider, request: DeclarationRequest, now: datetime
) -> Declaration:
    """Validate everything, then record the declaration, its outcome and the mentor's completion."""
    with store.lock:
        target = resolve_target(store, provider, request.participant_id, request.course_identifier)
        errors = declaration_errors(store, provider, request, target, now)
        if errors:
            raise ValidationFailed(errors)
        profile, user, when = target.profile, target.user, parse_declaration_date(request.declaration_date)
        declaration_type = request.declaration_type
        assert profile is not None and user is not None and when is not None and declaration_type
        outcome = None
        if _records_outcome(profile, declaration_type):
            outcome = "passed" if parse_has_passed(request.has_passed) else "failed"
            check_completed_outcome(when.date(), now)
        state, reason = initial_state(store, profile, user, declaration_type)
        declaration = record_declaration(
            store,
            profile_id=profile.id,
            lead_provider_id=provider.id,
            declaration_type=declaration_type,
            declaration_date=when,
            state=state,
            now=now,
            evidence_held=request.evidence_held,
            ineligible_for_funding_reason=reason,
        )
        if outcome is not None:
            record_npq_outcome(
                store, declaration_id=declaration.id, state=outcome, completion_date=when.date(), now=now
            )
        if isinstance(profile, ECFProfile) and declaration_type == "completed":
            recompute_mentor_completion(store, profile, now)
        return declaration


def check_completed_outcome(completion_date: date, now: datetime) -> None:
    """Upstream records the pass/fail outcome in the same transaction and fails the whole POST when the
    outcome is invalid. With the date checks above that cannot happen through the API; the guard stays
    so a refused outcome can never leave a declaration behind."""
    if completion_date > now.astimezone(UTC).date():
        raise InvalidAction(COMPLETED_OUTCOME_FAILED)


def initial_state(
    store: Store, profile: ECFProfile | NPQProfile, user: User, declaration_type: str
) -> tuple[str, str | None]:
    """`ineligible` when the same teacher (same TRN, another record) already has a live claim for the
    milestone; else `eligible` when fundable; else `submitted`, until DfE confirms eligibility."""
    if _same_teacher_declared(store, user, profile.course_identifier, declaration_type):
        return "ineligible", DUPLICATE_DECLARATION
    if fundable(store, profile):
        return "eligible", None
    return "submitted", None


def _same_teacher_declared(store: Store, user: User, course_identifier: str, declaration_type: str) -> bool:
    trn = user.teacher_reference_number
    if not trn:
        return False
    return any(
        d.course_identifier == course_identifier
        and d.declaration_type == declaration_type
        and d.state in BILLABLE_OR_CHANGEABLE
        for other in store.users_with_trn(trn)
        if other.id != user.id
        for d in store.declarations_of(other.id)
    )
