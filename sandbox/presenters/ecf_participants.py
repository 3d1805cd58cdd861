"""ECF participants in a contract's shape: one flat row per profile, or a user with nested enrolments."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sandbox.contracts import Contract
from sandbox.domain.participants.ecf import Enrolment, Participant
from sandbox.presenters.formats import (
    cohort,
    iso_date,
    participant_id_changes,
    pick,
    profile_state,
    resource,
    timestamp,
)

# What a flat row or a nested enrolment may show, drawn from one enrolment.
ENROLMENT_FIELDS = {
    "email": lambda e: e.email,
    "mentor_id": lambda e: e.mentor_user_id,
    "school_urn": lambda e: e.school.urn,
    "participant_type": lambda e: e.profile.participant_type,
    "cohort": lambda e: cohort(e.record.cohort),
    "full_name": lambda e: e.user.full_name,
    "status": lambda e: e.status,
    "teacher_reference_number": lambda e: e.user.teacher_reference_number,
    "teacher_reference_number_validated": lambda e: e.trn_validated,
    "eligible_for_funding": lambda e: e.eligible_for_funding,
    "pupil_premium_uplift": lambda e: e.profile.pupil_premium_uplift,
    "sparsity_uplift": lambda e: e.profile.sparsity_uplift,
    "training_status": lambda e: e.record.training_status,
    "training_record_id": lambda e: e.profile.id,
    "schedule_identifier": lambda e: e.record.schedule_identifier,
    "updated_at": lambda e: timestamp(e.updated_at),
    "participant_status": lambda e: e.participant_status,
    "delivery_partner_id": lambda e: e.partnership.delivery_partner_id,
    "withdrawal": lambda e: profile_state(e.withdrawal),
    "deferral": lambda e: profile_state(e.deferral),
    "created_at": lambda e: timestamp(e.profile.created_at),
    "induction_end_date": lambda e: iso_date(e.profile.induction_end_date),
    "mentor_funding_end_date": lambda e: iso_date(e.profile.mentor_funding_end_date),
    "cohort_changed_after_payments_frozen": lambda e: e.profile.cohort_changed_after_payments_frozen,
    "mentor_ineligible_for_funding_reason": lambda e: e.mentor_ineligible_for_funding_reason,
    # RECT's induction dates and working pattern: ECTs only. The world records one induction period per
    # ECT, so its end date is also the most recent period's.
    "most_recent_induction_period_end_date": lambda e: _ect_only(e, iso_date(e.profile.induction_end_date)),
    "overall_induction_start_date": lambda e: _ect_only(e, iso_date(e.profile.induction_start_date)),
    "working_pattern": lambda e: _ect_only(e, e.profile.working_pattern),
}


def _ect_only(enrolment: Enrolment, value: Any) -> Any:
    return value if enrolment.profile.participant_type == "ect" else None


def _enrolment(enrolment: Enrolment, contract: Contract) -> dict[str, Any]:
    shown = pick(ENROLMENT_FIELDS, contract.ecf_participants.enrolment_fields, enrolment)
    words = dict(contract.ecf_participants.participant_status_words)
    if "participant_status" in shown:
        shown["participant_status"] = words.get(shown["participant_status"], shown["participant_status"])
    return shown


# What a user with nested enrolments may show.
PARTICIPANT_FIELDS = {
    "full_name": lambda p, _c: p.user.full_name,
    "teacher_reference_number": lambda p, _c: p.user.teacher_reference_number,
    "updated_at": lambda p, _c: timestamp(p.updated_at),
    "ecf_enrolments": lambda p, c: [_enrolment(e, c) for e in p.enrolments],
    "participant_id_changes": lambda p, _c: participant_id_changes(p.user),
}


def row_attributes(enrolment: Enrolment, contract: Contract) -> dict[str, Any]:
    return pick(ENROLMENT_FIELDS, contract.ecf_participants.fields, enrolment)


def row_item(enrolment: Enrolment, contract: Contract) -> dict[str, Any]:
    return resource(enrolment.user.id, "participant", row_attributes(enrolment, contract))


def participant_item(participant: Participant, contract: Contract) -> dict[str, Any]:
    attributes = pick(PARTICIPANT_FIELDS, contract.ecf_participants.fields, participant, contract)
    return resource(participant.user.id, "participant", attributes)


def nests_enrolments(contract: Contract) -> bool:
    return contract.ecf_participants.unit == "participant"


def units(participants: list[Participant], contract: Contract) -> list[Participant] | list[Enrolment]:
    """What one list item is (pages count these): a user, or each profile the filter matched."""
    return list(iter_units(participants, contract))


def iter_units(participants: Iterable[Participant], contract: Contract) -> Iterator[Participant | Enrolment]:
    """`units`, lazily, so that taking a page stops the read at the page's end."""
    if nests_enrolments(contract):
        return iter(participants)
    return (e for p in participants for e in p.rows)


def render(unit: Participant | Enrolment, contract: Contract) -> dict[str, Any]:
    if isinstance(unit, Participant):
        return participant_item(unit, contract)
    return row_item(unit, contract)


def csv_rows(participants: list[Participant], contract: Contract) -> list[dict[str, Any]]:
    return [{"id": e.user.id, **row_attributes(e, contract)} for p in participants for e in p.rows]


def item(participant: Participant, enrolment: Enrolment, contract: Contract) -> dict[str, Any]:
    """A single read or an action's answer: the whole user, or the one profile it is about."""
    return (
        participant_item(participant, contract)
        if nests_enrolments(contract)
        else row_item(enrolment, contract)
    )
