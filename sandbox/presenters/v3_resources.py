"""The resources only v3 has: statements, partnerships, schools, delivery partners, transfers and
unfunded mentors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sandbox.domain.entities import Statement
from sandbox.domain.partnerships import DeliveryPartnerView, PartnershipView, SchoolView
from sandbox.domain.transfers import Move, ParticipantTransfers
from sandbox.domain.unfunded_mentors import UnfundedMentor
from sandbox.presenters.formats import cohort, iso_date, millis_timestamp, pick, resource, timestamp

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


STATEMENT_FIELDS = {
    "month": lambda s: MONTHS[s.month - 1],
    "year": lambda s: str(s.year),
    "type": lambda s: s.type,
    "cohort": lambda s: cohort(s.cohort),
    "cut_off_date": lambda s: iso_date(s.deadline_date),
    "payment_date": lambda s: iso_date(s.payment_date),
    "paid": lambda s: s.paid,
    "created_at": lambda s: timestamp(s.created_at),
    "updated_at": lambda s: timestamp(s.updated_at),
}
COHORT_TYPES = {"string": cohort, "integer": lambda year: year}


def render_statement(statement: Statement, fields: Iterable[str] = tuple(STATEMENT_FIELDS)) -> dict[str, Any]:
    return resource(statement.id, "statement", pick(STATEMENT_FIELDS, fields, statement))


def render_partnership(view: PartnershipView) -> dict[str, Any]:
    partnership, school, delivery_partner = view.partnership, view.school, view.delivery_partner
    return resource(
        partnership.id,
        "partnership",
        {
            "cohort": cohort(partnership.cohort),
            "urn": school.urn,
            "school_id": school.id,
            "delivery_partner_id": delivery_partner.id,
            "delivery_partner_name": delivery_partner.name,
            "status": view.status,
            "challenged_reason": partnership.challenged_reason,
            "challenged_at": millis_timestamp(partnership.challenged_at),
            "induction_tutor_name": partnership.induction_tutor_name,
            "induction_tutor_email": partnership.induction_tutor_email,
            "created_at": timestamp(partnership.created_at),
            "updated_at": timestamp(view.updated_at),
        },
    )


def render_school(view: SchoolView) -> dict[str, Any]:
    return resource(
        view.school.id,
        "school",
        {
            "name": view.school.name,
            "urn": view.school.urn,
            "cohort": cohort(view.cohort),
            "in_partnership": view.in_partnership,
            "induction_programme_choice": view.induction_programme_choice,
            "created_at": timestamp(view.school.created_at),
            "updated_at": timestamp(view.updated_at),
        },
    )


def render_delivery_partner(view: DeliveryPartnerView, cohort_type: str = "string") -> dict[str, Any]:
    partner, year = view.delivery_partner, COHORT_TYPES[cohort_type]
    return resource(
        partner.id,
        "delivery-partner",
        {
            "name": partner.name,
            "cohort": [year(c) for c in view.cohorts],
            "created_at": timestamp(partner.created_at),
            "updated_at": timestamp(partner.updated_at),
        },
    )


def _move(move: Move | None) -> dict[str, Any] | None:
    if move is None:
        return None
    return {"school_urn": move.school_urn, "provider": move.provider, "date": iso_date(move.date)}


def render_transfers(item: ParticipantTransfers) -> dict[str, Any]:
    return resource(
        item.user.id,
        "participant-transfer",
        {
            "updated_at": timestamp(item.updated_at),
            "transfers": [
                {
                    "training_record_id": t.training_record_id,
                    "transfer_type": t.transfer_type,
                    "status": t.status,
                    "created_at": timestamp(t.created_at),
                    "leaving": _move(t.leaving),
                    "joining": _move(t.joining),
                }
                for t in item.transfers
            ],
        },
    )


def render_unfunded_mentor(mentor: UnfundedMentor) -> dict[str, Any]:
    user = mentor.user
    return resource(
        user.id,
        "unfunded-mentor",
        {
            "full_name": user.full_name,
            "email": mentor.email,
            "teacher_reference_number": user.teacher_reference_number,
            "created_at": timestamp(user.created_at),
            "updated_at": timestamp(user.updated_at),
        },
    )
