"""Financial statements: which a provider can read, and which one receives a declaration."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since
from sandbox.domain.world.entities import LeadProvider, Statement
from sandbox.store import Store


@dataclass(frozen=True)
class StatementFilter:
    cohorts: list[int] | None = None
    type: str | None = None
    updated_since: datetime | None = None
    # A service with one side (RECT: "ecf") has statements of that side only and no `type` filter.
    side: Literal["any", "ecf", "npq"] = "any"

    def admits_type(self, statement: Statement) -> bool:
        if self.side != "any":
            return statement.type == self.side
        return not self.type or statement.type == self.type  # a blank type is no filter


def list_statements(store: Store, provider: LeadProvider, flt: StatementFilter) -> list[Statement]:
    """The provider's output-fee statements; non-output ones exist but are not listed."""
    since = Since(flt.updated_since, strict=False) if flt.updated_since else None
    result = [
        s
        for s in store.statements.values()
        if s.lead_provider_id == provider.id
        and s.output_fee
        and (flt.cohorts is None or s.cohort in flt.cohorts)
        and flt.admits_type(s)
        and (since is None or since.admits(s.updated_at))
    ]
    return sorted(result, key=lambda s: (s.payment_date, s.created_at))


def get_statement(
    store: Store,
    provider: LeadProvider,
    statement_id: str,
    side: Literal["any", "ecf", "npq"] = "any",
    rules: str = "ecf-service",
) -> Statement:
    """One of the provider's statements, of the contract's side; the NPQ service shows only output-fee
    ones, as it lists."""
    statement = store.statements.get(statement_id)
    if statement is None or statement.lead_provider_id != provider.id or side not in ("any", statement.type):
        raise NotFound(statement_id)
    if rules == "npq-service" and not statement.output_fee:
        raise NotFound(statement_id)
    return statement


def next_output_statement(
    store: Store,
    provider: LeadProvider,
    kind: str,
    cohort: int,
    today: date,
    cohort_suffix: str = "a",
    *,
    open_only: bool = False,
) -> Statement | None:
    """The earliest output-fee statement whose deadline has not passed: where new claims land. The NPQ
    service's cohorts are exact: a 2025b claim lands on a 2025b statement. `open_only` passes over paid
    ones, as RECT does for a new claim (rect.md §4.3); that matters to a provider whose clock is behind
    DfE's payments."""
    candidates = [
        s
        for s in store.statements.values()
        if s.lead_provider_id == provider.id
        and s.type == kind
        and s.cohort == cohort
        and s.cohort_suffix == cohort_suffix
        and s.output_fee
        and s.deadline_date >= today
        and not (open_only and s.paid)
    ]
    return min(candidates, key=lambda s: (s.deadline_date, s.payment_date), default=None)
