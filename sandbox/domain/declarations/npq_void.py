"""Voiding under the standalone NPQ service's rules (npq.md §4.6), beside the ECF service's (`void.py`):
a declaration the provider can see but did not make is a 403, not a 404, and refusals are titled
`declaration` in the service's own words. What voiding does is the same, so `void.py` does it."""

from __future__ import annotations

from datetime import UTC, datetime

from sandbox.domain.declarations import void
from sandbox.domain.declarations.delivery_partners import own_npq_declaration
from sandbox.domain.declarations.npq_rules import cohort_closed
from sandbox.domain.declarations.states import PAID_OR_REFUNDABLE
from sandbox.domain.errors import Errors
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.world.entities import Declaration, LeadProvider
from sandbox.store import Store

ALREADY_VOIDED = "This declaration has already been voided."
REFUNDED = "The declaration will or has been be refunded."  # sic
NOT_PAID = "The declaration must be paid before it can be clawed back."


def void_declaration(store: Store, provider: LeadProvider, declaration_id: str, now: datetime) -> Declaration:
    with store.lock:
        declaration = own_npq_declaration(store, provider, declaration_id)
        errors = Errors()
        if declaration.state == "voided":
            errors.add("declaration", ALREADY_VOIDED)
        elif declaration.state in PAID_OR_REFUNDABLE:
            if declaration.clawback_statement_id is not None:
                errors.add("declaration", REFUNDED)
            today = now.astimezone(UTC).date()
            suffix = store.cohort_suffix_of(declaration)
            if next_output_statement(store, provider, "npq", declaration.cohort, today, suffix) is None:
                errors.add("declaration", cohort_closed(declaration.cohort))
            if not errors and declaration.state != "paid":
                errors.add("declaration", NOT_PAID)
        errors.raise_any()
        return void.void_declaration(store, provider, declaration_id, now)
