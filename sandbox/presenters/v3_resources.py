"""The resources only v3 has: statements, partnerships, schools, delivery partners, transfers and
unfunded mentors."""

from __future__ import annotations

from typing import Any

from sandbox.contracts import Contract
from sandbox.domain.participants.transfers import Move, ParticipantTransfers
from sandbox.domain.participants.unfunded_mentors import UnfundedMentor
from sandbox.domain.partnerships.reads import DeliveryPartnerView, PartnershipView, SchoolView
from sandbox.domain.world.entities import Statement
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
PARTNERSHIP_FIELDS = {
    "cohort": lambda v: cohort(v.partnership.cohort),
    "urn": lambda v: v.school.urn,
    "school_id": lambda v: v.school.id,
    "delivery_partner_id": lambda v: v.delivery_partner.id,
    "delivery_partner_name": lambda v: v.delivery_partner.name,
    "status": lambda v: v.status,
    "challenged_reason": lambda v: v.partnership.challenged_reason,
    "challenged_at": lambda v: millis_timestamp(v.partnership.challenged_at),
    "induction_tutor_name": lambda v: v.school.induction_tutor_name,
    "induction_tutor_email": lambda v: v.school.induction_tutor_email,
    "participants_currently_training": lambda v: v.participants_currently_training,
    "created_at": lambda v: timestamp(v.partnership.created_at),
    "updated_at": lambda v: timestamp(v.updated_at),
}
SCHOOL_FIELDS = {
    "name": lambda v: v.school.name,
    "urn": lambda v: v.school.urn,
    "cohort": lambda v: cohort(v.cohort),
    "in_partnership": lambda v: v.in_partnership,
    "induction_programme_choice": lambda v: v.induction_programme_choice,
    "expression_of_interest": lambda v: v.expression_of_interest,
    "induction_tutor_name": lambda v: v.induction_tutor_name,
    "induction_tutor_email": lambda v: v.induction_tutor_email,
    "created_at": lambda v: timestamp(v.school.created_at),
    "updated_at": lambda v: timestamp(v.updated_at),
}


def render_statement(statement: Statement, contract: Contract) -> dict[str, Any]:
    return resource(statement.id, "statement", pick(STATEMENT_FIELDS, contract.shapes.statement, statement))


def render_partnership(view: PartnershipView, contract: Contract) -> dict[str, Any]:
    return resource(
        view.partnership.id, "partnership", pick(PARTNERSHIP_FIELDS, contract.shapes.partnership, view)
    )


def render_school(view: SchoolView, contract: Contract) -> dict[str, Any]:
    shown = pick(SCHOOL_FIELDS, contract.shapes.school, view)
    words = dict(contract.shapes.programme_choice_words)
    if "induction_programme_choice" in shown:
        choice = shown["induction_programme_choice"]
        shown["induction_programme_choice"] = words.get(choice, choice)
    return resource(view.school.id, "school", shown)


COHORT_LISTS = {"string": cohort, "integer": lambda year: year}


def render_delivery_partner(view: DeliveryPartnerView, contract: Contract) -> dict[str, Any]:
    year = COHORT_LISTS[contract.shapes.delivery_partner_cohorts]
    fields = {
        "name": lambda v: v.delivery_partner.name,
        "cohort": lambda v: [year(c) for c in v.cohorts],
        "created_at": lambda v: timestamp(v.delivery_partner.created_at),
        "updated_at": lambda v: timestamp(v.delivery_partner.updated_at),
    }
    return resource(
        view.delivery_partner.id, "delivery-partner", pick(fields, contract.shapes.delivery_partner, view)
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
            "updated_at": timestamp(mentor.updated_at),
        },
    )
