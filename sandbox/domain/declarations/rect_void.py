"""A lead provider voids one of its own declarations through RECT (rect.md §6.3).

Unpaid ones (`submitted|eligible|payable`) become `voided` and leave their statement; a paid one is
clawed back onto the earliest output statement whose deadline has not passed (London day), keeping its
`statement_id`. Every refusal is one message under `participant_declaration_id`."""

from __future__ import annotations

from datetime import datetime, tzinfo

from sandbox.domain.declarations.mentor_completion import recompute_mentor_completion
from sandbox.domain.declarations.reads import DeclarationScope
from sandbox.domain.declarations.rect_rules import training_period
from sandbox.domain.declarations.states import REFUNDABLE
from sandbox.domain.declarations.void import own_declaration
from sandbox.domain.errors import InvalidAction
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.participants.training_periods import reopen_after_completion_void
from sandbox.domain.world.entities import Declaration, LeadProvider
from sandbox.domain.world.stamps import touch
from sandbox.store import Store

TITLE = "participant_declaration_id"
ALREADY_VOIDED = "The declaration has already been voided."
ALREADY_REFUNDED = "The declaration will or has been refunded"


def no_clawback_statement(year: int) -> str:
    # RECT's text, without the final full stop the submit refusal has.
    return (
        f"You cannot submit or void declarations for the {year} cohort. The funding contract for this "
        "cohort has ended. Get in touch if you need to discuss this with us"
    )


def void_declaration(
    store: Store,
    provider: LeadProvider,
    declaration_id: str,
    now: datetime,
    scope: DeclarationScope,
    zone: tzinfo,
) -> Declaration:
    with store.lock:
        declaration = own_declaration(store, provider, declaration_id, scope)
        if declaration.state == "voided":
            raise InvalidAction(ALREADY_VOIDED, title=TITLE)
        if declaration.state in REFUNDABLE:
            raise InvalidAction(ALREADY_REFUNDED, title=TITLE)
        if declaration.state == "paid":
            today = now.astimezone(zone).date()
            statement = next_output_statement(store, provider, "ecf", declaration.cohort, today)
            if statement is None:
                raise InvalidAction(no_clawback_statement(declaration.cohort), title=TITLE)
            declaration.state, declaration.clawback_statement_id = "awaiting_clawback", statement.id
        else:
            declaration.state, declaration.statement_id = "voided", None
        touch(now, declaration)
        profile = store.ecf_profiles.get(declaration.profile_id)
        if profile is not None and declaration.declaration_type == "completed":
            recompute_mentor_completion(store, profile, now)
            if profile.participant_type == "mentor" and profile.mentor_funding_end_date is None:
                tp = training_period(store, provider, store.users[profile.user_id], "mentor")
                if tp is not None:
                    reopen_after_completion_void(store, tp.record, now, zone)
        return declaration
