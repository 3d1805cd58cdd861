"""Declarations as RECT takes them (rect.md §6.2, §6.3): submit from 2025 on and void, over the same world.

A RECT "training period" is, here, the provider's latest induction record on the teacher's profile for
the role the course names. Checks run in RECT's order and each only while the attributes it depends on
have not failed yet, so most bad requests get one message; messages are already in RECT's API words.
There is no `ineligible` outcome and no TRN duplicate: a new declaration is `eligible` on the next open
output statement when the teacher is fundable, else `submitted`. Days begin at midnight in `zone`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from sandbox.domain.declarations.input import DeclarationRequest, parse_declaration_date
from sandbox.domain.declarations.mentor_completion import recompute_mentor_completion
from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors, ValidationFailed
from sandbox.domain.finance.ledger import record_declaration
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.messages import COURSE_NOT_RECOGNISED, PARTICIPANT_NOT_RECOGNISED
from sandbox.domain.participants.training_periods import end_at_completion
from sandbox.domain.participants.visibility import OpenPartnerships, latest_record, latest_state_by
from sandbox.domain.values import blank
from sandbox.domain.world.entities import Declaration, ECFProfile, InductionRecord, LeadProvider, User
from sandbox.domain.world.reference import ContractPeriod, Milestone, Schedule, milestone_window_check
from sandbox.store import Store

ROLES = {"ecf-induction": "ect", "ecf-mentor": "mentor"}
# RECT's declaration types in its enum order, which is also the order the 2025 sequence rule follows.
TYPES = (
    "started",
    "retained-1",
    "retained-2",
    "retained-3",
    "retained-4",
    "completed",
    "extended-1",
    "extended-2",
    "extended-3",
)
SIMPLE_EVIDENCE = ("training-event-attended", "self-study-material-completed", "other")
_ENGAGEMENT = ("75-percent-engagement-met", "75-percent-engagement-met-reduced-induction")
_DETAILED_ECT = {
    **{t: (*SIMPLE_EVIDENCE[:2], "materials-engaged-with-offline", "other") for t in TYPES},
    "retained-2": _ENGAGEMENT,
    "completed": (*_ENGAGEMENT, "one-term-induction"),
}
_DETAILED_MENTOR = {"started": _DETAILED_ECT["started"], "completed": _ENGAGEMENT}

PARTICIPANT_MISSING = "Enter a '#/participant_id'."
COURSE_MISSING = "Enter a '#/course_identifier'."
DATE_MISSING = "Enter a '#/declaration_date'."
TYPE_MISSING = "Enter a '#/declaration_type'."
TYPE_INVALID = "Enter a valid declaration type."
DUPLICATE = "A declaration has already been submitted that will be, or has been, paid for this event."
DATE_IN_FUTURE = "The '#/declaration_date' value cannot be a future date. Check the date and try again."
DATE_INVALID = "Enter a valid RCF3339 '#/declaration_date'."  # sic
BEFORE_MILESTONE = (
    "Declaration date must be on or after the milestone start date for the same declaration type."
)
AFTER_MILESTONE = "Declaration date must be on or before the milestone date for the same declaration type."
MENTOR_STARTED_OR_COMPLETED = (
    "You cannot send retained or extended declarations for participants who began their mentor training "
    "after June 2025. Resubmit this declaration with either a started or completed declaration."
)
EVIDENCE_MISSING = "Enter a '#/evidence_held' value for this participant."
EVIDENCE_INVALID = "Enter an available '#/evidence_held' type for this participant."
TYPE_NOT_IN_SCHEDULE = "The property '#/declaration_type' does not exist for this schedule."
OUT_OF_SEQUENCE = (
    "This '#/declaration_date' is invalid. Check that it is in sequence with existing declaration dates "
    "for this participant."
)


def withdrew(withdrawn_at: datetime) -> str:
    moment = withdrawn_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        f"This participant withdrew from this course on {moment}. "
        "Enter a '#/declaration_date' that's on or before the withdrawal date."
    )


def payments_frozen(year: int) -> str:
    return (
        f"You cannot submit declarations for the {year} cohort. The funding contract for this cohort has "
        "ended. Get in touch if you need to discuss this with us."
    )


def no_statement(year: int) -> str:
    return (
        f"You cannot submit or void declarations for the {year} cohort. The funding contract for this "
        "cohort has ended. Get in touch if you need to discuss this with us."
    )


def local_today(now: datetime, zone: tzinfo) -> date:
    return now.astimezone(zone).date()


@dataclass(frozen=True)
class TrainingPeriod:
    """The provider's latest record of the teacher in one role, and what its schedule makes of it."""

    profile: ECFProfile
    record: InductionRecord
    schedule: Schedule | None
    contract_period: ContractPeriod | None

    @property
    def year(self) -> int:
        return self.record.cohort

    def milestone(self, declaration_type: str | None) -> Milestone | None:
        if self.schedule is None or declaration_type is None:
            return None
        return self.schedule.milestone(declaration_type)

    def withdrawn_at(self, provider: LeadProvider) -> datetime | None:
        latest = latest_state_by(list(self.profile.states), provider.id)
        return latest.created_at if latest is not None and latest.state == "withdrawn" else None


def training_period(
    store: Store, provider: LeadProvider, user: User | None, role: str | None
) -> TrainingPeriod | None:
    if user is None or role is None:
        return None
    profile = next((p for p in store.ecf_profiles_of(user.id) if p.participant_type == role), None)
    if profile is None:
        return None
    record = latest_record(store, profile, OpenPartnerships(store, provider, challenged_too=True))
    if record is None:
        return None
    schedule = store.reference.schedule(record.schedule_identifier, record.cohort)
    return TrainingPeriod(profile, record, schedule, store.reference.contract_period(record.cohort))


def registered_with(store: Store, provider: LeadProvider, user: User | None) -> bool:
    if user is None:
        return False
    mine = OpenPartnerships(store, provider, challenged_too=True)
    return any(
        r.partnership_id in mine for p in store.ecf_profiles_of(user.id) for r in store.records_of(p.id)
    )


def _live(store: Store, tp: TrainingPeriod, types: tuple[str, ...]) -> list[Declaration]:
    """The teacher's billable or changeable declarations in this role (any provider) of these types."""
    return [
        d
        for d in store.declarations_of(tp.profile.user_id)
        if d.profile_id == tp.profile.id and d.declaration_type in types and d.state in BILLABLE_OR_CHANGEABLE
    ]


def _frozen_year_today(store: Store, user: User, role: str, today: date, zone: tzinfo) -> int | None:
    """The year of the teacher's record in this role (any provider) that contains today, if it is frozen."""
    for profile in store.ecf_profiles_of(user.id):
        if profile.participant_type != role:
            continue
        for r in store.records_of(profile.id):
            ends = r.end_date.astimezone(zone).date() if r.end_date is not None else None
            if r.start_date.astimezone(zone).date() <= today and (ends is None or ends >= today):
                period = store.reference.contract_period(r.cohort)
                return r.cohort if period is not None and period.payments_frozen(today) else None
    return None


def _evidence_allowed(tp: TrainingPeriod, declaration_type: str | None) -> bool:
    detailed = tp.contract_period is not None and tp.contract_period.detailed_evidence
    return detailed or (not blank(declaration_type) and declaration_type != "started")


def _evidence_errors(errors: Errors, tp: TrainingPeriod, request: DeclarationRequest) -> None:
    kind = request.declaration_type
    # Evidence a declaration may not carry is read as none at all, so it is never refused either.
    evidence = request.evidence_held if _evidence_allowed(tp, kind) else None
    detailed = tp.contract_period is not None and tp.contract_period.detailed_evidence
    if _evidence_allowed(tp, kind) and not blank(kind) and blank(evidence):
        errors.add("evidence_held", EVIDENCE_MISSING)
    if errors.get("evidence_held") or blank(evidence) or blank(kind):
        return
    if detailed:
        table = _DETAILED_ECT if tp.profile.participant_type == "ect" else _DETAILED_MENTOR
        if not errors.get("declaration_type") and evidence not in table.get(str(kind), ()):
            errors.add("evidence_held", EVIDENCE_INVALID)
    elif evidence not in SIMPLE_EVIDENCE:
        errors.add("evidence_held", EVIDENCE_INVALID)


def _out_of_sequence(store: Store, tp: TrainingPeriod, declaration_type: str, when: datetime) -> bool:
    index = TYPES.index(declaration_type)
    before = [d.declaration_date for d in _live(store, tp, TYPES[:index])]
    after = [d.declaration_date for d in _live(store, tp, TYPES[index + 1 :])]
    return (bool(before) and when < max(before)) or (bool(after) and when > min(after))


def declaration_errors(
    store: Store, provider: LeadProvider, request: DeclarationRequest, now: datetime, zone: tzinfo
) -> Errors:
    errors = Errors()
    add, has = errors.add, errors.get
    today = local_today(now, zone)
    user = None if blank(request.participant_id) else store.users.get(str(request.participant_id).strip())
    role = ROLES.get(str(request.course_identifier))
    tp = training_period(store, provider, user, role)
    kind = None if blank(request.declaration_type) else request.declaration_type
    when = parse_declaration_date(request.declaration_date, zone)
    period = tp.contract_period if tp is not None else None

    if blank(request.participant_id):
        add("participant_id", PARTICIPANT_MISSING)
    elif user is None and not has("course_identifier"):
        add("participant_id", PARTICIPANT_NOT_RECOGNISED)
    if not errors and role is None:
        add("course_identifier", COURSE_MISSING)
    if not errors and blank(request.declaration_date):
        add("declaration_date", DATE_MISSING)
    if not errors and tp is None and registered_with(store, provider, user):
        add("course_identifier", COURSE_NOT_RECOGNISED)
    if not errors and kind is None:
        add("declaration_type", TYPE_MISSING)
    if not errors and kind is not None and kind not in TYPES:
        add("declaration_type", TYPE_INVALID)
    if not (has("declaration_type") or has("declaration_date")) and tp is not None and kind is not None:
        if _live(store, tp, (kind,)):
            add("declaration_type", DUPLICATE)
    blocked = ("declaration_date", "declaration_type", "participant_id", "course_identifier")
    if not any(has(a) for a in blocked) and when is not None and when > now:
        add("declaration_date", DATE_IN_FUTURE)
    milestone = tp.milestone(kind) if tp is not None else None
    if not any(has(a) for a in ("declaration_date", "declaration_type", "cohort")) and milestone and when:
        problem = milestone_window_check(milestone, when, zone)
        if problem is not None:
            add("declaration_date", BEFORE_MILESTONE if problem == "before_start" else AFTER_MILESTONE)
    if not has("declaration_date") and not blank(request.declaration_date) and when is None:
        add("declaration_date", DATE_INVALID)
    if not (has("declaration_type") or has("cohort")) and kind not in ("started", "completed"):
        if tp is not None and tp.profile.participant_type == "mentor" and period and period.mentor_funding:
            add("declaration_type", MENTOR_STARTED_OR_COMPLETED)
    if not errors and tp is not None:
        _evidence_errors(errors, tp, request)
    withdrawn_at = tp.withdrawn_at(provider) if tp is not None else None
    if not has("participant_id") and withdrawn_at is not None and when is not None and withdrawn_at <= when:
        add("participant_id", withdrew(withdrawn_at))
    if not has("cohort") and user is not None and role is not None:
        frozen = _frozen_year_today(store, user, role, today, zone)
        if frozen is not None:
            add("cohort", payments_frozen(frozen))
    if not (has("declaration_type") or has("cohort")) and tp is not None and _fundable(tp):
        if _statement_id(store, provider, tp, today) is None:
            add("cohort", no_statement(tp.year))
    if not any(has(a) for a in (*blocked, "cohort")) and tp is not None and milestone is None:
        add("declaration_type", TYPE_NOT_IN_SCHEDULE)
    if not (has("declaration_date") or has("declaration_type")) and kind and when and tp and tp.year >= 2025:
        if _out_of_sequence(store, tp, kind, when):
            add("declaration_date", OUT_OF_SEQUENCE)
    if not has("participant_id") and not registered_with(store, provider, user):
        add("participant_id", PARTICIPANT_NOT_RECOGNISED)
    return errors


def _fundable(tp: TrainingPeriod) -> bool:
    return tp.profile.eligibility == "eligible"


def _statement_id(store: Store, provider: LeadProvider, tp: TrainingPeriod, today: date) -> str | None:
    statement = next_output_statement(store, provider, "ecf", tp.year, today, open_only=True)
    return statement.id if statement is not None else None


def submit_declaration(
    store: Store, provider: LeadProvider, request: DeclarationRequest, now: datetime, zone: tzinfo
) -> Declaration:
    """Validate everything, then record the declaration and recompute a mentor's completion."""
    with store.lock:
        errors = declaration_errors(store, provider, request, now, zone)
        if errors:
            raise ValidationFailed(errors)
        user = store.users[str(request.participant_id).strip()]
        tp = training_period(store, provider, user, ROLES[str(request.course_identifier)])
        when = parse_declaration_date(request.declaration_date, zone)
        assert tp is not None and when is not None and request.declaration_type in TYPES
        fundable = _fundable(tp)
        declaration = record_declaration(
            store,
            profile_id=tp.profile.id,
            lead_provider_id=provider.id,
            declaration_type=str(request.declaration_type),
            declaration_date=when,
            state="eligible" if fundable else "submitted",
            now=now,
            statement_id=_statement_id(store, provider, tp, local_today(now, zone)) if fundable else None,
            # A 2021-2024 `started` takes any evidence and keeps none.
            evidence_held=request.evidence_held if _evidence_allowed(tp, request.declaration_type) else None,
            partner_record=tp.record,
        )
        if request.declaration_type == "completed":
            recompute_mentor_completion(store, tp.profile, now)
            if tp.profile.participant_type == "mentor":
                end_at_completion(store, tp.record, when, now)
        return declaration
