"""ECF participants in a contract's shape: one flat row per profile, or a user with nested enrolments."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from sandbox.contracts import Contract
from sandbox.contracts.model import ECFParticipants
from sandbox.domain.participants.ecf import Enrolment, Participant
from sandbox.domain.world.entities import ECFProfile
from sandbox.presenters.formats import (
    Field,
    cohort,
    compile_fields,
    iso_date,
    participant_id_changes,
    per_shape,
    profile_state,
    resource,
    timestamp,
)

# What a flat row or a nested enrolment may show, drawn from one enrolment.
ENROLMENT_FIELDS = {
    "email": Field("email"),
    "mentor_id": Field("mentor_user_id"),
    "school_urn": Field("school.urn"),
    "participant_type": Field("profile.participant_type"),
    "cohort": Field("record.cohort", cohort),
    "full_name": Field("user.full_name"),
    "status": Field("status"),
    "teacher_reference_number": Field("user.teacher_reference_number"),
    "teacher_reference_number_validated": Field("trn_validated"),
    "eligible_for_funding": Field("eligible_for_funding"),
    "pupil_premium_uplift": Field("profile.pupil_premium_uplift"),
    "sparsity_uplift": Field("profile.sparsity_uplift"),
    "training_status": Field("record.training_status"),
    "training_record_id": Field("profile.id"),
    "schedule_identifier": Field("record.schedule_identifier"),
    "updated_at": Field("updated_at", timestamp),
    "participant_status": Field("participant_status"),
    "delivery_partner_id": Field("partnership.delivery_partner_id"),
    "withdrawal": Field("withdrawal", profile_state),
    "deferral": Field("deferral", profile_state),
    "created_at": Field("profile.created_at", timestamp),
    "induction_end_date": Field("profile.induction_end_date", iso_date),
    "mentor_funding_end_date": Field("profile.mentor_funding_end_date", iso_date),
    "cohort_changed_after_payments_frozen": Field("profile.cohort_changed_after_payments_frozen"),
    "mentor_ineligible_for_funding_reason": Field("mentor_ineligible_for_funding_reason"),
    # RECT's induction dates and working pattern: ECTs only. The world records one induction period per
    # ECT, so its end date is also the most recent period's.
    "most_recent_induction_period_end_date": Field("profile", lambda p: _ect_only(p, p.induction_end_date)),
    "overall_induction_start_date": Field("profile", lambda p: _ect_only(p, p.induction_start_date)),
    "working_pattern": Field("profile", lambda p: p.working_pattern if p.participant_type == "ect" else None),
}


def _ect_only(profile: ECFProfile, value: date | None) -> str | None:
    return iso_date(value) if profile.participant_type == "ect" else None


def _enrolment_table(shape: ECFParticipants) -> dict[str, Field]:
    """What an enrolment may show in this contract: its withdrawal reasons in the contract's words."""
    words = dict(shape.withdrawal_reason_words)
    if not words:
        return ENROLMENT_FIELDS

    def withdrawal(state: Any) -> dict[str, Any] | None:
        shown = profile_state(state)
        if shown is not None:
            shown["reason"] = words.get(shown["reason"], shown["reason"])
        return shown

    return {**ENROLMENT_FIELDS, "withdrawal": Field("withdrawal", withdrawal)}


@per_shape
def _rows(shape: ECFParticipants) -> Callable[[Enrolment], dict[str, Any]]:
    """A flat row (v1/v2) or a CSV row of this contract."""
    return compile_fields(_enrolment_table(shape), shape.fields)


@per_shape
def _enrolments(shape: ECFParticipants) -> Callable[[Enrolment], dict[str, Any]]:
    """A nested enrolment of this contract, its `participant_status` read as the contract reads it."""
    table = _enrolment_table(shape)
    if shape.participant_status_of == "training_period":
        table = {**table, "participant_status": Field("period_status")}
    return compile_fields(table, shape.enrolment_fields)


# What a user with nested enrolments may show; its enrolments are drawn per contract (`_participants`).
PARTICIPANT_FIELDS = {
    "full_name": Field("user.full_name"),
    "teacher_reference_number": Field("user.teacher_reference_number"),
    "updated_at": Field("updated_at", timestamp),
    "ecf_enrolments": Field("enrolments"),
    "participant_id_changes": Field("user", participant_id_changes),
}


@per_shape
def _participants(shape: ECFParticipants) -> Callable[[Participant], dict[str, Any]]:
    """A user with nested enrolments, in this contract's shape."""
    enrolment = _enrolments(shape)
    listed = Field("enrolments", lambda enrolments: [enrolment(e) for e in enrolments])
    return compile_fields({**PARTICIPANT_FIELDS, "ecf_enrolments": listed}, shape.fields)


def row_attributes(enrolment: Enrolment, contract: Contract) -> dict[str, Any]:
    return _rows(contract.ecf_participants)(enrolment)


def row_item(enrolment: Enrolment, contract: Contract) -> dict[str, Any]:
    return resource(enrolment.user.id, "participant", row_attributes(enrolment, contract))


def participant_item(participant: Participant, contract: Contract) -> dict[str, Any]:
    attributes = _participants(contract.ecf_participants)(participant)
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


def enrolments_shown(unit: Participant | Enrolment) -> list[Enrolment]:
    """Every enrolment an item shows: a user's nested ones, or the one a row is."""
    return unit.enrolments if isinstance(unit, Participant) else [unit]


def csv_rows(participants: list[Participant], contract: Contract) -> list[dict[str, Any]]:
    return [{"id": e.user.id, **row_attributes(e, contract)} for p in participants for e in p.rows]


def item(participant: Participant, enrolment: Enrolment, contract: Contract) -> dict[str, Any]:
    """A single read or an action's answer: the whole user, or the one profile it is about."""
    return (
        participant_item(participant, contract)
        if nests_enrolments(contract)
        else row_item(enrolment, contract)
    )
