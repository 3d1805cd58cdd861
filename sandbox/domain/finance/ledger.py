"""Statements, declarations and outcomes as DfE records them: the seed's and the control API's way to
put money-side facts in the world. Provider-facing submission rules live elsewhere."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time

from sandbox.domain.declarations.states import (
    BILLABLE_OR_CHANGEABLE,
    DECLARATION_STATES,
    ON_STATEMENT,
    REFUNDABLE,
)
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.world.entities import (
    Declaration,
    ECFProfile,
    InductionRecord,
    LeadProvider,
    NPQProfile,
    Outcome,
    Statement,
)
from sandbox.domain.world.reference import NPQCohort, StatementPlan
from sandbox.domain.world.registration import set_mentor_funding_end_date
from sandbox.domain.world.stamps import require
from sandbox.store import Store

# -- statements, declarations, outcomes -----------------------------------------------------------


def create_statements(
    store: Store,
    *,
    lead_provider_id: str,
    as_of: datetime,
    years: Sequence[int] | None = None,
    sides: Sequence[str] = ("ecf", "npq"),
) -> list[Statement]:
    """One statement per planned month for each of `sides` the provider has, in `years` (default: every
    year the reference data knows). Statements paid out before `as_of` are marked paid, as DfE would have
    done by then. The NPQ service's suffixed cohorts get theirs from `create_npq_cohort_statements`."""
    provider = require(store.lead_providers, lead_provider_id, "lead provider")
    kinds = [k for k, has in (("ecf", provider.has_ecf), ("npq", provider.has_npq)) if has and k in sides]
    created = []
    for kind in kinds:
        for year in store.reference.years if years is None else years:
            plans = store.reference.statement_plans(kind, year)  # type: ignore[arg-type]
            created += _plan_statements(store, provider, plans, store.reference.opens_on(year), as_of)
    return created


def create_npq_cohort_statements(
    store: Store, *, lead_provider_id: str, cohort: NPQCohort, as_of: datetime
) -> list[Statement]:
    """The statements of one of the NPQ service's own cohorts (2025a ... 2026b): each suffix has its
    calendar (npq.md §5.4)."""
    provider = require(store.lead_providers, lead_provider_id, "lead provider")
    if not provider.has_npq:
        raise ValueError("the provider has no NPQ side")
    plans = store.reference.statement_plans("npq", cohort.start_year, cohort.suffix)
    return _plan_statements(store, provider, plans, cohort.registration_start_date, as_of)


def _plan_statements(
    store: Store, provider: LeadProvider, plans: list[StatementPlan], opened_on: date, as_of: datetime
) -> list[Statement]:
    opened = datetime.combine(opened_on, time(8), tzinfo=UTC)
    created_at = min(max(opened, provider.created_at), as_of)
    created = []
    for plan in plans:
        statement = Statement(
            store.new_id(),
            provider.id,
            plan.type,
            plan.cohort,
            plan.name,
            plan.month,
            plan.year,
            plan.deadline_date,
            plan.payment_date,
            plan.output_fee,
            created_at,
            created_at,
            cohort_suffix=plan.cohort_suffix,
        )
        pay_if_due(statement, as_of)
        store.statements[statement.id] = statement
        created.append(statement)
    return created


def pay_if_due(statement: Statement, as_of: datetime) -> bool:
    """Mark the statement paid if its payment date is before `as_of`, stamped at noon that day, as DfE's
    payment run would have left it by then. True if it was paid here."""
    if statement.paid or statement.payment_date >= as_of.date():
        return False
    paid_at = datetime.combine(statement.payment_date, time(12), tzinfo=UTC)
    statement.paid = True
    statement.updated_at = max(statement.created_at, min(paid_at, as_of))
    return True


def _ecf_record_at(
    store: Store, profile: ECFProfile, provider_id: str, when: datetime
) -> InductionRecord | None:
    """The provider's record in force on the declaration date: it names the delivery partner and mentor."""
    started = [
        r
        for r in store.records_of(profile.id)
        if r.start_date <= when and store.partnerships[r.partnership_id].lead_provider_id == provider_id
    ]
    return max(started, key=lambda r: (r.start_date, r.created_at), default=None)


def _statement_for(store: Store, provider_id: str, kind: str, cohort: int, on: date, suffix: str) -> str:
    """The rules' choice when the caller names none: the next output-fee statement on that day (§4.4)."""
    statement = next_output_statement(store, store.lead_providers[provider_id], kind, cohort, on, suffix)
    if statement is None:
        raise ValueError(f"no open {kind} output statement for {cohort} on {on}")
    return statement.id


def _check_statements(
    store: Store, state: str, key: tuple[str, int, str], line: str | None, clawback: str | None
) -> None:
    for statement_id, needed in ((line, state in ON_STATEMENT), (clawback, state in REFUNDABLE)):
        if needed != (statement_id is not None):
            raise ValueError(f"a {state} declaration {'needs' if needed else 'has no'} such statement")
        if statement_id is not None:
            statement = require(store.statements, statement_id, "statement")
            if (statement.lead_provider_id, statement.cohort, statement.type) != key:
                raise ValueError("the statement is not the provider's for this cohort and programme")


def record_declaration(
    store: Store,
    *,
    profile_id: str,
    lead_provider_id: str,
    declaration_type: str,
    declaration_date: datetime,
    state: str,
    now: datetime,
    statement_id: str | None = None,
    clawback_statement_id: str | None = None,
    evidence_held: str | None = None,
    ineligible_for_funding_reason: str | None = None,
    updated_at: datetime | None = None,
    partner_record: InductionRecord | None = None,
) -> Declaration:
    """A declaration as it stands after its DfE-side history: `now` is when it was submitted, `updated_at`
    its last transition. Cohort, delivery partner, mentor and uplifts are copied as a POST would (§4.4).
    The delivery partner is the one of `partner_record` when given (RECT takes the provider's latest
    training period, whatever the date), else of the record in force on the declaration date.
    Unnamed statements are chosen by the rules: the line on the submission day, the clawback on the
    `updated_at` day; naming them saves the search (the seed does, for thousands of declarations)."""
    if state not in DECLARATION_STATES:
        raise ValueError(f"unknown declaration state {state!r}")
    if declaration_date > now:
        raise ValueError("a declaration cannot be dated after it was made")
    require(store.lead_providers, lead_provider_id, "lead provider")
    npq = store.npq_profiles.get(profile_id)
    profile: ECFProfile | NPQProfile = npq or require(store.ecf_profiles, profile_id, "profile")
    kind = "npq" if npq else "ecf"
    if state in ON_STATEMENT and statement_id is None:
        statement_id = _statement_for(
            store, lead_provider_id, kind, profile.cohort, now.date(), store.cohort_suffix_of(profile)
        )
    if state in REFUNDABLE and clawback_statement_id is None:
        clawback_statement_id = _statement_for(
            store,
            lead_provider_id,
            kind,
            profile.cohort,
            (updated_at or now).date(),
            store.cohort_suffix_of(profile),
        )
    _check_statements(
        store, state, (lead_provider_id, profile.cohort, kind), statement_id, clawback_statement_id
    )
    declaration = Declaration(
        store.new_id(),
        profile.user_id,
        profile.id,
        lead_provider_id,
        profile.course_identifier,
        declaration_type,
        declaration_date,
        state,
        profile.cohort,
        now,
        max(now, updated_at or now),
        evidence_held=evidence_held,
        ineligible_for_funding_reason=ineligible_for_funding_reason,
        statement_id=statement_id,
        clawback_statement_id=clawback_statement_id,
    )
    if isinstance(profile, ECFProfile):
        record = _ecf_record_at(store, profile, lead_provider_id, declaration_date)
        partner = partner_record or record
        if partner is not None:
            declaration.delivery_partner_id = store.partnerships[partner.partnership_id].delivery_partner_id
        if record is not None and record.mentor_profile_id is not None:
            declaration.mentor_user_id = store.ecf_profiles[record.mentor_profile_id].user_id
        declaration.pupil_premium_uplift = profile.pupil_premium_uplift
        declaration.sparsity_uplift = profile.sparsity_uplift
    store.add_declaration(declaration)
    if (
        isinstance(profile, ECFProfile)
        and profile.participant_type == "mentor"
        and declaration_type == "completed"
        and state in BILLABLE_OR_CHANGEABLE
    ):
        set_mentor_funding_end_date(
            store,
            profile_id=profile.id,
            end_date=declaration_date.date(),
            reason="completed_declaration_received",
            now=now,
        )
    return declaration


def record_npq_outcome(
    store: Store, *, declaration_id: str, state: str, completion_date: date, now: datetime
) -> Outcome:
    declaration = require(store.declarations, declaration_id, "declaration")
    if not declaration.is_npq or declaration.declaration_type != "completed":
        raise ValueError("outcomes belong to NPQ completed declarations")
    if state not in ("passed", "failed", "voided"):
        raise ValueError(f"unknown outcome state {state!r}")
    return store.add_outcome(
        Outcome(
            store.new_id(),
            declaration.id,
            declaration.user_id,
            declaration.lead_provider_id,
            declaration.course_identifier,
            state,
            completion_date,
            now,
            now,
        )
    )
