"""Participant declarations in a contract's shape."""

from __future__ import annotations

from typing import Any

from sandbox.contracts import Contract
from sandbox.domain.declarations.reads import DeclarationView
from sandbox.presenters.formats import pick, resource, state, timestamp

FIELDS = {
    "participant_id": lambda v: v.declaration.user_id,
    "declaration_type": lambda v: v.declaration.declaration_type,
    "declaration_date": lambda v: timestamp(v.declaration.declaration_date),
    "course_identifier": lambda v: v.declaration.course_identifier,
    "state": lambda v: state(v.declaration.state),
    "updated_at": lambda v: timestamp(v.declaration.updated_at),
    "has_passed": lambda v: v.has_passed,
    "eligible_for_payment": lambda v: v.eligible_for_payment,
    "voided": lambda v: v.voided,
    "created_at": lambda v: timestamp(v.declaration.created_at),
    "mentor_id": lambda v: v.mentor_id,
    "delivery_partner_id": lambda v: v.delivery_partner_id,
    "statement_id": lambda v: v.declaration.statement_id,
    "clawback_statement_id": lambda v: v.declaration.clawback_statement_id,
    "ineligible_for_funding_reason": lambda v: v.ineligible_for_funding_reason,
    "uplift_paid": lambda v: v.uplift_paid,
    "evidence_held": lambda v: v.evidence_held,
    "lead_provider_name": lambda v: v.lead_provider_name,
    "delivery_partner_name": lambda v: v.delivery_partner_name,
    "secondary_delivery_partner_id": lambda v: v.declaration.secondary_delivery_partner_id,
    "secondary_delivery_partner_name": lambda v: v.secondary_delivery_partner_name,
    # An NPQ training record shares its application's id.
    "application_id": lambda v: v.declaration.profile_id,
}


def attributes(view: DeclarationView, contract: Contract) -> dict[str, Any]:
    return pick(FIELDS, contract.declarations.fields, view)


def render(view: DeclarationView, contract: Contract) -> dict[str, Any]:
    return resource(view.declaration.id, "participant-declaration", attributes(view, contract))


def csv_rows(views: list[DeclarationView], contract: Contract) -> list[dict[str, Any]]:
    return [{"id": v.declaration.id, **attributes(v, contract)} for v in views]
