"""DfE- and school-side events about money and partnerships (domain.md §2.5, §4.6, §4.7, §4.10, §7), as
the control API makes them happen. NPQ applications DfE records are in `events.npq_applications`.

Each event reads its input, finds what it acts on (unknown ids are NotFound), asks the actor whether
the caller may act for the providers involved, checks the event's own rules, and only then changes
anything, at one instant: the one the actor gives for the provider involved. Refusals are collected per
attribute (ValidationFailed), so a refused event changes nothing.

The transitions follow upstream's services: `MakeDeclarationsEligibleForParticipantProfile` (submitted →
eligible, attached to the provider's next output-fee statement), `Statements::MarkAsPayable` (the
deadline job: a statement's eligible declarations → payable), `Statements::MarkAsPaid` (payable → paid,
awaiting_clawback → clawed_back, statement paid) and `Partnerships::Challenge`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from sandbox.domain.errors import Errors, NotFound
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.values import text
from sandbox.domain.world.entities import Declaration, Partnership, SchoolCohort, Statement
from sandbox.domain.world.registration import record_challenge
from sandbox.domain.world.stamps import touch
from sandbox.store import Store

CHALLENGE_REASONS = ("another_provider", "not_confirmed", "do_not_recognise", "no_ects", "mistake")
NEEDS = {
    "submitted": "Only a submitted declaration can be confirmed eligible",
    "eligible": "Only an eligible declaration can have its eligibility revoked",
}


class EventActor(Protocol):
    """Who triggers an event, and when it happens; the control API's context is one."""

    @property
    def is_admin(self) -> bool: ...

    @property
    def caller_id(self) -> str: ...

    def may_act_for(self, provider_ids: set[str]) -> None: ...

    def now_for(self, provider_id: str | None) -> datetime: ...


def one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def _kind(declaration: Declaration) -> str:
    return "npq" if declaration.is_npq else "ecf"


# -- 1. eligibility of declarations ---------------------------------------------------------------


def set_declaration_eligibility(
    store: Store, actor: EventActor, attributes: Mapping[str, object]
) -> list[Declaration]:
    """`eligible: true` confirms eligibility (submitted → eligible, attached to the provider's next
    output-fee statement on the event's day); `eligible: false` revokes it (eligible → submitted, its
    statement line removed). By `declaration_id`, or for every such declaration of `participant_id`
    (optionally one `course_identifier`); a provider's token reaches only that provider's declarations."""
    eligible = attributes.get("eligible")
    declaration_id = attributes.get("declaration_id")
    participant_id = attributes.get("participant_id")
    course = attributes.get("course_identifier")
    errors = Errors()
    if not isinstance(eligible, bool):
        errors.add("eligible", "Give `eligible`: true to confirm eligibility, or false to revoke it.")
    if (declaration_id is None) == (participant_id is None):
        errors.add("base", "Give either a `declaration_id` or a `participant_id`.")
    for name, value in (("declaration_id", declaration_id), ("participant_id", participant_id)):
        if value is not None and text(value) is None:
            errors.add(name, f"`{name}` must be an id.")
    if course is not None and (not isinstance(course, str) or store.reference.course(course) is None):
        errors.add("course_identifier", "`course_identifier` must be an ECF or NPQ course identifier.")
    elif course is not None and declaration_id is not None:
        errors.add("course_identifier", "`course_identifier` narrows a `participant_id` only.")
    errors.raise_any()

    source = "submitted" if eligible else "eligible"
    if isinstance(declaration_id, str):
        declaration = store.declarations.get(declaration_id)
        if declaration is None:
            raise NotFound(declaration_id)
        actor.may_act_for({declaration.lead_provider_id})
        if declaration.state != source:
            errors.add("declaration_id", f"{NEEDS[source]}; this one is {declaration.state}.")
        targets = [declaration]
    else:
        targets = _participant_declarations(store, actor, str(participant_id), source, course)
        if not targets:
            scope = "" if actor.is_admin else " from this lead provider"
            of_course = f" for {course}" if course else ""
            errors.add("participant_id", f"The participant has no {source} declarations{of_course}{scope}.")
    errors.raise_any()

    now = actor.now_for(targets[0].lead_provider_id)
    statements = _statements_for(store, targets, now.date(), errors) if eligible else {}
    errors.raise_any()
    for declaration in targets:
        declaration.state = "eligible" if eligible else "submitted"
        declaration.statement_id = statements.get(declaration.id)
        touch(now, declaration)
    return targets


def _participant_declarations(
    store: Store, actor: EventActor, participant_id: str, state: str, course: object
) -> list[Declaration]:
    user = store.users.get(store.resolve_user_id(participant_id))
    if user is None:
        raise NotFound(participant_id)
    found = [
        d
        for d in store.declarations_of(user.id)
        if d.state == state
        and (course is None or d.course_identifier == course)
        and (actor.is_admin or d.lead_provider_id == actor.caller_id)
    ]
    if found:  # none found is the event's own refusal (422), not a question of permission
        actor.may_act_for({d.lead_provider_id for d in found})
    return found


def _statements_for(
    store: Store, declarations: list[Declaration], today: date, errors: Errors
) -> dict[str, str]:
    """Each declaration's next output-fee statement on `today`, as upstream's statement attacher picks it."""
    chosen = {}
    for declaration in declarations:
        provider = store.lead_providers[declaration.lead_provider_id]
        statement = next_output_statement(
            store,
            provider,
            _kind(declaration),
            declaration.cohort,
            today,
            store.cohort_suffix_of(declaration),
        )
        if statement is None:
            errors.add(
                "cohort",
                f"{provider.name} has no {_kind(declaration).upper()} output-fee statement for the "
                f"{declaration.cohort} cohort with a deadline on or after {today.isoformat()}, so the "
                "declaration cannot be attached to one.",
            )
        else:
            chosen[declaration.id] = statement.id
    return chosen


# -- 2, 3. statement deadline and payment run -----------------------------------------------------


@dataclass
class StatementRun:
    """A statement and the declarations an event moved on it."""

    statement: Statement
    declarations: list[Declaration] = field(default_factory=list)


def _statement_event(
    store: Store, actor: EventActor, statement_id: str, doing: str
) -> tuple[Statement, datetime]:
    statement = store.statements.get(statement_id)
    if statement is None:
        raise NotFound(statement_id)
    actor.may_act_for({statement.lead_provider_id})
    now = actor.now_for(statement.lead_provider_id)
    errors = Errors()
    if statement.paid:
        errors.add("statement_id", "This statement has already been paid.")
    elif now.date() <= statement.deadline_date:
        # Upstream's daily job takes a statement the day after its deadline; paying needs that first.
        passes = statement.deadline_date + timedelta(days=1)
        errors.add(
            "statement_id",
            f"The statement's deadline is {statement.deadline_date.isoformat()}, so {doing} on "
            f"{passes.isoformat()} at the earliest. Move the provider's clock there (or send "
            "X-With-Server-Date) first.",
        )
    errors.raise_any()
    return statement, now


def _on_statement(
    store: Store, statement: Statement, state: str, clawback: bool = False
) -> list[Declaration]:
    """Declarations in `state` with their line (or, for refunds, their clawback line) on the statement."""
    return sorted(
        (
            d
            for d in store.declarations.values()
            if d.state == state and (d.clawback_statement_id if clawback else d.statement_id) == statement.id
        ),
        key=lambda d: d.created_at,
    )


def _move(declarations: list[Declaration], state: str, now: datetime) -> list[Declaration]:
    for declaration in declarations:
        declaration.state = state
        touch(now, declaration)
    return declarations


def pass_statement_deadline(store: Store, actor: EventActor, statement_id: str) -> StatementRun:
    """The deadline job for one statement: its eligible declarations become payable."""
    statement, now = _statement_event(store, actor, statement_id, "its deadline passes")
    moved = _move(_on_statement(store, statement, "eligible"), "payable", now)
    touch(now, statement)  # upstream turns it into a payable statement, which moves its updated_at
    return StatementRun(statement, moved)


def pay_statement(store: Store, actor: EventActor, statement_id: str) -> StatementRun:
    """The payment run: payable → paid, awaiting_clawback (refunded here) → clawed_back, statement paid.
    Declarations still eligible on it first become payable, as the deadline job would have made them:
    the sandbox runs no daily job, and a paid statement must not keep eligible claims."""
    statement, now = _statement_event(store, actor, statement_id, "it can be paid")
    _move(_on_statement(store, statement, "eligible"), "payable", now)
    paid = _move(_on_statement(store, statement, "payable"), "paid", now)
    clawed = _move(_on_statement(store, statement, "awaiting_clawback", clawback=True), "clawed_back", now)
    statement.paid = True
    touch(now, statement)
    return StatementRun(statement, paid + clawed)


# -- 4. a school challenges a partnership ---------------------------------------------------------


@dataclass(frozen=True)
class Challenge:
    partnership: Partnership
    school_cohort: SchoolCohort | None


def challenge_partnership(
    store: Store, actor: EventActor, partnership_id: str, attributes: Mapping[str, object]
) -> Challenge:
    """The school says the partnership is wrong: it is `challenged` with the reason, its participants drop
    out of the provider's lists (§4.1), and `no_ects` records that the school has no ECTs that cohort."""
    reason = attributes.get("reason")
    errors = Errors()
    if reason not in CHALLENGE_REASONS:
        errors.add("reason", f"Give a `reason`, one of: {one_of(CHALLENGE_REASONS)}.")
    errors.raise_any()
    partnership = store.partnerships.get(partnership_id)
    # Relationship partnerships are never exposed, so no school is asked to confirm or challenge them.
    if partnership is None or partnership.relationship:
        raise NotFound(partnership_id)
    actor.may_act_for({partnership.lead_provider_id})
    if partnership.challenged:
        errors.add("partnership_id", "This partnership has already been challenged.")
    errors.raise_any()
    now = actor.now_for(partnership.lead_provider_id)
    record_challenge(store, partnership_id=partnership.id, reason=str(reason), now=now)
    return Challenge(partnership, store.school_cohorts.get((partnership.school_id, partnership.cohort)))
