"""The resources only v3 has: statements, partnerships, schools, delivery partners, transfers and
unfunded mentors."""

from __future__ import annotations

from typing import Any

from sandbox.contracts import Contract
from sandbox.domain.participants.transfers import Move, ParticipantTransfers
from sandbox.domain.participants.unfunded_mentors import UnfundedMentor
from sandbox.domain.partnerships.reads import DeliveryPartnerView, PartnershipView, SchoolView
from sandbox.domain.world.entities import Statement
from sandbox.presenters.formats import (
    Field,
    cohort,
    compiled,
    iso_date,
    millis_timestamp,
    resource,
    timestamp,
)

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


def _month(number: int) -> str:
    return MONTHS[number - 1]


STATEMENT_FIELDS = {
    "month": Field("month", _month),
    "year": Field("year", str),
    "type": Field("type"),
    "cohort": Field("cohort", cohort),
    "cut_off_date": Field("deadline_date", iso_date),
    "payment_date": Field("payment_date", iso_date),
    "paid": Field("paid"),
    "created_at": Field("created_at", timestamp),
    "updated_at": Field("updated_at", timestamp),
}
PARTNERSHIP_FIELDS = {
    "cohort": Field("partnership.cohort", cohort),
    "urn": Field("school.urn"),
    "school_id": Field("school.id"),
    "delivery_partner_id": Field("delivery_partner.id"),
    "delivery_partner_name": Field("delivery_partner.name"),
    "status": Field("status"),
    "challenged_reason": Field("partnership.challenged_reason"),
    "challenged_at": Field("partnership.challenged_at", millis_timestamp),
    "induction_tutor_name": Field("school.induction_tutor_name"),
    "induction_tutor_email": Field("school.induction_tutor_email"),
    "participants_currently_training": Field("participants_currently_training"),
    "created_at": Field("partnership.created_at", timestamp),
    "updated_at": Field("updated_at", timestamp),
}
SCHOOL_FIELDS = {
    "name": Field("school.name"),
    "urn": Field("school.urn"),
    "cohort": Field("cohort", cohort),
    "in_partnership": Field("in_partnership"),
    "induction_programme_choice": Field("induction_programme_choice"),
    "expression_of_interest": Field("expression_of_interest"),
    "induction_tutor_name": Field("induction_tutor_name"),
    "induction_tutor_email": Field("induction_tutor_email"),
    "created_at": Field("school.created_at", timestamp),
    "updated_at": Field("updated_at", timestamp),
}


def render_statement(statement: Statement, contract: Contract) -> dict[str, Any]:
    return resource(
        statement.id, "statement", compiled(STATEMENT_FIELDS, contract.shapes.statement)(statement)
    )


def render_partnership(view: PartnershipView, contract: Contract) -> dict[str, Any]:
    shown = compiled(PARTNERSHIP_FIELDS, contract.shapes.partnership)(view)
    return resource(view.partnership.id, "partnership", shown)


def render_school(view: SchoolView, contract: Contract) -> dict[str, Any]:
    shown = compiled(SCHOOL_FIELDS, contract.shapes.school)(view)
    words = dict(contract.shapes.programme_choice_words)
    if "induction_programme_choice" in shown:
        choice = shown["induction_programme_choice"]
        shown["induction_programme_choice"] = words.get(choice, choice)
    return resource(view.school.id, "school", shown)


def _year(value: int) -> int:
    return value


COHORT_LISTS = {"string": cohort, "integer": _year}
# A delivery partner as each contract lists its cohorts (years as strings or as integers).
DELIVERY_PARTNER_FIELDS = {
    kind: {
        "name": Field("delivery_partner.name"),
        "cohort": Field("cohorts", lambda cohorts, year=year: [year(c) for c in cohorts]),
        "created_at": Field("delivery_partner.created_at", timestamp),
        "updated_at": Field("delivery_partner.updated_at", timestamp),
    }
    for kind, year in COHORT_LISTS.items()
}


def render_delivery_partner(view: DeliveryPartnerView, contract: Contract) -> dict[str, Any]:
    table = DELIVERY_PARTNER_FIELDS[contract.shapes.delivery_partner_cohorts]
    shown = compiled(table, contract.shapes.delivery_partner)(view)
    return resource(view.delivery_partner.id, "delivery-partner", shown)


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
            "updated_at": timestamp(mentor.updated_at),
        },
    )
