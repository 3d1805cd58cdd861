"""Participant declarations in each version's shape."""

from __future__ import annotations

from typing import Any

from sandbox.domain.declarations import (
    declaration_mentor_id,
    has_passed,
    lead_provider_name,
    uplift_paid,
)
from sandbox.domain.entities import Declaration
from sandbox.presenters.formats import resource, state, timestamp
from sandbox.store import Store

CSV_COLUMNS = {
    "v1": [
        "id",
        "participant_id",
        "declaration_type",
        "course_identifier",
        "eligible_for_payment",
        "declaration_date",
        "updated_at",
        "voided",
        "state",
        "has_passed",
    ],
    "v2": [
        "id",
        "participant_id",
        "declaration_type",
        "course_identifier",
        "declaration_date",
        "updated_at",
        "state",
        "has_passed",
    ],
}


def attributes(store: Store, declaration: Declaration, version: str) -> dict[str, Any]:
    attrs: dict[str, Any] = {
        "participant_id": declaration.user_id,
        "declaration_type": declaration.declaration_type,
        "declaration_date": timestamp(declaration.declaration_date),
        "course_identifier": declaration.course_identifier,
        "state": state(declaration.state),
        "updated_at": timestamp(declaration.updated_at),
        "has_passed": has_passed(store, declaration),
    }
    if version == "v1":
        attrs["eligible_for_payment"] = declaration.state in ("eligible", "payable")
        attrs["voided"] = declaration.state == "voided"
    if version == "v3":
        ecf = not declaration.is_npq
        attrs.update(
            {
                "created_at": timestamp(declaration.created_at),
                "mentor_id": declaration_mentor_id(declaration),
                "delivery_partner_id": declaration.delivery_partner_id if ecf else None,
                "statement_id": declaration.statement_id,
                "clawback_statement_id": declaration.clawback_statement_id,
                # Upstream reads the reason off the ineligible state: once voided, there is none.
                "ineligible_for_funding_reason": (
                    declaration.ineligible_for_funding_reason if declaration.state == "ineligible" else None
                ),
                "uplift_paid": uplift_paid(store, declaration),
                "evidence_held": declaration.evidence_held if ecf else None,
                "lead_provider_name": lead_provider_name(store, declaration),
            }
        )
    return attrs


def render(store: Store, declaration: Declaration, version: str) -> dict[str, Any]:
    return resource(declaration.id, "participant-declaration", attributes(store, declaration, version))


def csv_rows(store: Store, declarations: list[Declaration], version: str) -> list[dict[str, Any]]:
    return [{"id": d.id, **attributes(store, d, version)} for d in declarations]
