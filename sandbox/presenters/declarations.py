"""Participant declarations in a contract's shape."""

from __future__ import annotations

from typing import Any

from sandbox.contracts import Contract
from sandbox.domain.declarations.reads import DeclarationView
from sandbox.presenters.formats import Field, compiled, resource, state, timestamp

FIELDS = {
    "participant_id": Field("declaration.user_id"),
    "declaration_type": Field("declaration.declaration_type"),
    "declaration_date": Field("declaration.declaration_date", timestamp),
    "course_identifier": Field("declaration.course_identifier"),
    "state": Field("declaration.state", state),
    "updated_at": Field("declaration.updated_at", timestamp),
    "has_passed": Field("has_passed"),
    "eligible_for_payment": Field("eligible_for_payment"),
    "voided": Field("voided"),
    "created_at": Field("declaration.created_at", timestamp),
    "mentor_id": Field("mentor_id"),
    "delivery_partner_id": Field("delivery_partner_id"),
    "statement_id": Field("declaration.statement_id"),
    "clawback_statement_id": Field("declaration.clawback_statement_id"),
    "ineligible_for_funding_reason": Field("ineligible_for_funding_reason"),
    "uplift_paid": Field("uplift_paid"),
    "evidence_held": Field("evidence_held"),
    "lead_provider_name": Field("lead_provider_name"),
    "delivery_partner_name": Field("delivery_partner_name"),
    "secondary_delivery_partner_id": Field("declaration.secondary_delivery_partner_id"),
    "secondary_delivery_partner_name": Field("secondary_delivery_partner_name"),
    # An NPQ training record shares its application's id.
    "application_id": Field("declaration.profile_id"),
}


def attributes(view: DeclarationView, contract: Contract) -> dict[str, Any]:
    return compiled(FIELDS, contract.declarations.fields)(view)


def render(view: DeclarationView, contract: Contract) -> dict[str, Any]:
    return resource(view.declaration.id, "participant-declaration", attributes(view, contract))


def csv_rows(views: list[DeclarationView], contract: Contract) -> list[dict[str, Any]]:
    return [{"id": v.declaration.id, **attributes(v, contract)} for v in views]
