"""A lead provider voids one of its own declarations (domain.md §4.5, §4.6, §4.9).

Unpaid claims (`submitted|eligible|payable|ineligible`) become `voided` and leave their statement; a paid
one becomes `awaiting_clawback`, refunded on the provider's next output-fee statement, which a closed
cohort (2021) no longer has. Voiding an NPQ `completed` claim voids its outcome; voiding a mentor's
`completed` claim recomputes when their funded training ended.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sandbox.domain.declarations.mentor_completion import recompute_mentor_completion
from sandbox.domain.declarations.reads import EVERY_DECLARATION, DeclarationScope
from sandbox.domain.declarations.rules import SUPPORT_OFFERS
from sandbox.domain.declarations.states import VOIDABLE
from sandbox.domain.errors import InvalidAction, NotFound
from sandbox.domain.finance.ledger import record_npq_outcome
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.messages import cohort_closed
from sandbox.domain.world.entities import Declaration, LeadProvider
from sandbox.domain.world.stamps import touch
from sandbox.store import Store

ALREADY_VOIDED = "This declaration has already been voided."
NOT_VOIDABLE = (
    "This declaration cannot be voided. Contact the DfE if you have any questions about why you cannot "
    "void it."
)
# Upstream's clawback errors are full messages of its `participant_declaration` attribute.
CLAWBACK_SUBJECT = "Participant declaration"
ALREADY_REFUNDED = "will or has been be refunded"  # sic


def own_declaration(
    store: Store, provider: LeadProvider, declaration_id: str, scope: DeclarationScope = EVERY_DECLARATION
) -> Declaration:
    """Only the provider that made a declaration may void it; others' are not found, even if readable."""
    declaration = store.declarations.get(declaration_id)
    if declaration is None or not scope.holds(declaration) or declaration.lead_provider_id != provider.id:
        raise NotFound(declaration_id)
    return declaration


def void_declaration(
    store: Store,
    provider: LeadProvider,
    declaration_id: str,
    now: datetime,
    scope: DeclarationScope = EVERY_DECLARATION,
) -> Declaration:
    with store.lock:
        declaration = own_declaration(store, provider, declaration_id, scope)
        if declaration.state == "paid":
            _claw_back(store, provider, declaration, now)
        else:
            _void(declaration, now)
        profile = store.ecf_profiles.get(declaration.profile_id)
        if profile is not None and declaration.declaration_type == "completed":
            recompute_mentor_completion(store, profile, now)
        _void_outcome(store, declaration, now)
        return declaration


def clawback_errors(
    store: Store, provider: LeadProvider, declaration: Declaration, now: datetime
) -> list[str]:
    """Why a paid declaration cannot be clawed back now, as upstream's full messages."""
    problems = []
    if declaration.clawback_statement_id is not None:
        problems.append(ALREADY_REFUNDED)
    if _clawback_statement_id(store, provider, declaration, now) is None:
        problems.append(cohort_closed(declaration.cohort))
    return [f"{CLAWBACK_SUBJECT} {p}" for p in problems]


def _clawback_statement_id(
    store: Store, provider: LeadProvider, declaration: Declaration, now: datetime
) -> str | None:
    kind = "npq" if declaration.is_npq else "ecf"
    # An NPQ service cohort's refund lands on its own intake's calendar (2025b, not 2025a).
    suffix = store.cohort_suffix_of(declaration)
    statement = next_output_statement(
        store, provider, kind, declaration.cohort, now.astimezone(UTC).date(), suffix
    )
    return statement.id if statement is not None else None


def _claw_back(store: Store, provider: LeadProvider, declaration: Declaration, now: datetime) -> None:
    problems = clawback_errors(store, provider, declaration, now)
    if problems:
        raise InvalidAction(", ".join(problems))
    # The paid line stays on its statement (`statement_id`); the refund lands on the next one.
    declaration.clawback_statement_id = _clawback_statement_id(store, provider, declaration, now)
    declaration.state = "awaiting_clawback"
    touch(now, declaration)


def _void(declaration: Declaration, now: datetime) -> None:
    if declaration.state == "voided":
        raise InvalidAction(ALREADY_VOIDED)
    if declaration.state not in VOIDABLE:
        raise InvalidAction(NOT_VOIDABLE)
    # Its eligible/payable line item is voided too, so the claim leaves the statement.
    declaration.state, declaration.statement_id = "voided", None
    touch(now, declaration)


def _void_outcome(store: Store, declaration: Declaration, now: datetime) -> None:
    """An NPQ `completed` claim's pass/fail stops counting: a `voided` outcome is appended (once)."""
    if not declaration.is_npq or declaration.declaration_type != "completed":
        return
    if declaration.course_identifier in SUPPORT_OFFERS:
        return
    outcomes = store.outcomes_of(declaration.id)
    # The newest by time, the later-recorded on a tie (the store keeps them in recording order).
    latest = max(reversed(outcomes), key=lambda o: o.created_at, default=None)
    if latest is not None and latest.state == "voided":
        return
    record_npq_outcome(
        store,
        declaration_id=declaration.id,
        state="voided",
        completion_date=declaration.declaration_date.astimezone(UTC).date(),
        now=now,
    )
