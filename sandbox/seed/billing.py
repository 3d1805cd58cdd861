"""Declarations with a believable billing history as of the world instant.

A declaration's state follows from when it was submitted: it lands on the provider's next output-fee
statement for its cohort (domain.md §4.4), and by the world instant that statement is open (eligible),
past its deadline (payable) or paid (paid). A later void either voids it or, once paid, claws it back on
the next output statement at the time of the void.
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import date, datetime, timedelta

from sandbox.domain.finance.ledger import record_declaration
from sandbox.domain.world.entities import Declaration, Statement
from sandbox.seed.context import SeedContext, at

EVIDENCE = (("training-event-attended", 6.0), ("self-study-material-completed", 3.0), ("other", 1.0))


class StatementBook:
    """Output-fee statements per (provider, programme, cohort), sorted by deadline for quick lookups."""

    def __init__(self, statements: list[Statement], world_now: datetime) -> None:
        self._today = world_now.date()
        self._by_key: dict[tuple[str, str, int], list[Statement]] = {}
        for s in statements:
            if s.output_fee:
                self._by_key.setdefault((s.lead_provider_id, s.type, s.cohort), []).append(s)
        self._deadlines: dict[tuple[str, str, int], list[date]] = {}
        for key, items in self._by_key.items():
            items.sort(key=lambda s: (s.deadline_date, s.payment_date))
            self._deadlines[key] = [s.deadline_date for s in items]

    def next_output(self, provider_id: str, kind: str, cohort: int, on: date) -> Statement | None:
        key = (provider_id, kind, cohort)
        index = bisect_left(self._deadlines.get(key, []), on)
        items = self._by_key.get(key, [])
        return items[index] if index < len(items) else None

    def has_open_output(self, provider_id: str, kind: str, cohort: int, on: date) -> bool:
        return self.next_output(provider_id, kind, cohort, on) is not None

    def phase(self, statement: Statement) -> str:
        if statement.paid:
            return "paid"
        return "payable" if statement.deadline_date < self._today else "eligible"


def _settled_at(statement: Statement, phase: str, submitted_at: datetime) -> datetime:
    """When DfE last moved the declaration: the deadline job for payable, the payment run for paid."""
    if phase == "payable":
        return at(statement.deadline_date + timedelta(days=1), 2)
    if phase == "paid":
        return at(statement.payment_date, 12)
    return submitted_at


def file_declaration(
    ctx: SeedContext,
    book: StatementBook,
    *,
    profile_id: str,
    provider_id: str,
    kind: str,
    cohort: int,
    declaration_type: str,
    declared_at: datetime,
    submitted_at: datetime,
    fundable: bool,
    void_at: datetime | None = None,
    duplicate: bool = False,
    evidence_held: str | None = None,
) -> Declaration | None:
    """Record one declaration as the API and DfE would have left it. None when the POST would have been
    refused because the cohort had no open output statement (the 2021 closure)."""
    statement = book.next_output(provider_id, kind, cohort, submitted_at.date())
    if statement is None and (fundable or duplicate):
        return None
    state, updated_at = "submitted", submitted_at
    statement_id = clawback_id = reason = None
    if duplicate:
        state, reason = "ineligible", "duplicate_declaration"
    elif fundable and statement is not None:
        state = book.phase(statement)
        statement_id = statement.id
        updated_at = min(_settled_at(statement, state, submitted_at), ctx.now)
    if void_at is not None:
        void_at = min(max(void_at, updated_at + timedelta(hours=1)), ctx.now)
        if state != "paid":
            state, statement_id, updated_at = "voided", None, void_at
        else:
            clawback = book.next_output(provider_id, kind, cohort, void_at.date())
            if clawback is not None:
                clawback_id = clawback.id
                clawed = book.phase(clawback) == "paid"
                state = "clawed_back" if clawed else "awaiting_clawback"
                updated_at = min(at(clawback.payment_date, 12), ctx.now) if clawed else void_at
    return record_declaration(
        ctx.store,
        profile_id=profile_id,
        lead_provider_id=provider_id,
        declaration_type=declaration_type,
        declaration_date=declared_at,
        state=state,
        now=submitted_at,
        statement_id=statement_id,
        clawback_statement_id=clawback_id,
        evidence_held=evidence_held,
        ineligible_for_funding_reason=reason,
        updated_at=updated_at,
    )


def ecf_evidence(ctx: SeedContext, declaration_type: str) -> str | None:
    # `started` needs no evidence; later ECF milestones must name it (§4.4 step 5).
    if declaration_type == "started":
        return None
    return ctx.weighted(EVIDENCE)
