"""ECF participants in each version's shape: flat per profile (v1, v2) or nested per user (v3)."""

from __future__ import annotations

from typing import Any

from sandbox.domain.ecf_participants import Enrolment, Participant
from sandbox.domain.ecf_visibility import legacy_status
from sandbox.presenters.formats import cohort, iso_date, resource, timestamp

CSV_COLUMNS = [
    "id",
    "email",
    "full_name",
    "mentor_id",
    "school_urn",
    "participant_type",
    "cohort",
    "status",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "eligible_for_funding",
    "pupil_premium_uplift",
    "sparsity_uplift",
    "training_status",
    "training_record_id",
    "schedule_identifier",
    "updated_at",
]


def _trn_validated(enrolment: Enrolment) -> bool | None:
    if not enrolment.user.teacher_reference_number:
        return None
    profile = enrolment.profile
    return profile.eligibility is not None and profile.ineligibility_reason != "different_trn"


def _eligible_for_funding(enrolment: Enrolment) -> bool | None:
    return {"eligible": True, "ineligible": False}.get(enrolment.profile.eligibility)


def _email(enrolment: Enrolment) -> str | None:
    return enrolment.record.preferred_email or enrolment.user.email


def _common(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "email": _email(enrolment),
        "mentor_id": enrolment.mentor_user_id,
        "school_urn": enrolment.school.urn,
        "participant_type": enrolment.profile.participant_type,
        "cohort": cohort(enrolment.record.cohort),
    }


def _funding(enrolment: Enrolment) -> dict[str, Any]:
    return {
        "teacher_reference_number_validated": _trn_validated(enrolment),
        "eligible_for_funding": _eligible_for_funding(enrolment),
        "pupil_premium_uplift": enrolment.profile.pupil_premium_uplift,
        "sparsity_uplift": enrolment.profile.sparsity_uplift,
        "training_status": enrolment.record.training_status,
    }


def legacy_attributes(enrolment: Enrolment) -> dict[str, Any]:
    """v1/v2 attributes, in the CSV's column order."""
    return {
        **_common(enrolment),
        "full_name": enrolment.user.full_name,
        "status": legacy_status(enrolment.record),
        "teacher_reference_number": enrolment.user.teacher_reference_number,
        **_funding(enrolment),
        "training_record_id": enrolment.profile.id,
        "schedule_identifier": enrolment.record.schedule_identifier,
        "updated_at": timestamp(enrolment.updated_at),
    }


def legacy_item(enrolment: Enrolment) -> dict[str, Any]:
    return resource(enrolment.user.id, "participant", legacy_attributes(enrolment))


def _state(state: Any) -> dict[str, Any] | None:
    if state is None:
        return None
    return {"reason": state.reason, "date": timestamp(state.created_at)}


def _enrolment(enrolment: Enrolment) -> dict[str, Any]:
    profile = enrolment.profile
    return {
        "training_record_id": profile.id,
        **_common(enrolment),
        "training_status": enrolment.record.training_status,
        "participant_status": enrolment.participant_status,
        **{k: v for k, v in _funding(enrolment).items() if k != "training_status"},
        "schedule_identifier": enrolment.record.schedule_identifier,
        "delivery_partner_id": enrolment.partnership.delivery_partner_id,
        "withdrawal": _state(enrolment.withdrawal),
        "deferral": _state(enrolment.deferral),
        "created_at": timestamp(profile.created_at),
        "induction_end_date": iso_date(profile.induction_end_date),
        "mentor_funding_end_date": iso_date(profile.mentor_funding_end_date),
        "cohort_changed_after_payments_frozen": profile.cohort_changed_after_payments_frozen,
        "mentor_ineligible_for_funding_reason": (
            profile.mentor_ineligible_for_funding_reason if profile.participant_type == "mentor" else None
        ),
    }


def v3_item(participant: Participant) -> dict[str, Any]:
    user = participant.user
    return resource(
        user.id,
        "participant",
        {
            "full_name": user.full_name,
            "teacher_reference_number": user.teacher_reference_number,
            "updated_at": timestamp(participant.updated_at),
            "ecf_enrolments": [_enrolment(e) for e in participant.enrolments],
            "participant_id_changes": [
                {
                    "from_participant_id": c.from_participant_id,
                    "to_participant_id": c.to_participant_id,
                    "changed_at": timestamp(c.changed_at),
                }
                for c in user.participant_id_changes
            ],
        },
    )


def units(participants: list[Participant], version: str) -> list[Participant] | list[Enrolment]:
    """What one list item is: a user in v3, a profile the filter matched in v1 and v2 (pages count these)."""
    if version == "v3":
        return participants
    return [e for p in participants for e in p.rows]


def render(unit: Participant | Enrolment, version: str) -> dict[str, Any]:
    return v3_item(unit) if version == "v3" else legacy_item(unit)


def csv_rows(participants: list[Participant]) -> list[dict[str, Any]]:
    return [{"id": e.user.id, **legacy_attributes(e)} for p in participants for e in p.rows]
