"""NPQ applications, participants, enrolments and outcomes in a contract's shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sandbox.contracts import Contract
from sandbox.contracts.model import NPQParticipants
from sandbox.domain.applications.reads import ApplicationView
from sandbox.domain.participants.npq import NPQEnrolment, NPQParticipant
from sandbox.domain.world.entities import Outcome
from sandbox.presenters.formats import (
    Field,
    cohort,
    compile_fields,
    compiled,
    iso_date,
    midnight,
    participant_id_changes,
    per_shape,
    profile_state,
    resource,
    timestamp,
)


def _shown(_: Any) -> bool:
    return True


def _courses(enrolments: list[NPQEnrolment]) -> list[str]:
    return [e.profile.course_identifier for e in enrolments]


def _funded_places(enrolments: list[NPQEnrolment]) -> list[dict[str, Any]]:
    return [
        {
            "npq_course": e.profile.course_identifier,
            "funded_place": e.application.funded_place,
            "npq_application_id": e.application.id,
        }
        for e in enrolments
    ]


APPLICATION_FIELDS = {
    "participant_id": Field("user.id"),
    "full_name": Field("user.full_name"),
    "email": Field("user.email"),
    "email_validated": Field("user", _shown),
    "teacher_reference_number": Field("user.teacher_reference_number"),
    "teacher_reference_number_validated": Field("user.teacher_reference_number_validated"),
    "school_urn": Field("application.school_urn"),
    "school_ukprn": Field("application.school_ukprn"),
    "private_childcare_provider_urn": Field("application.private_childcare_provider_urn"),
    "headteacher_status": Field("application.headteacher_status"),
    "eligible_for_funding": Field("eligible_for_funding"),
    "funded_place": Field("application.funded_place"),
    "funding_choice": Field("application.funding_choice"),
    "course_identifier": Field("application.course_identifier"),
    "status": Field("application.status"),
    "works_in_school": Field("application.works_in_school"),
    "employer_name": Field("application.employer_name"),
    "employment_role": Field("application.employment_role"),
    "created_at": Field("application.created_at", timestamp),
    "updated_at": Field("updated_at", timestamp),
    "cohort": Field("application.cohort", cohort),
    "ineligible_for_funding_reason": Field("ineligible_for_funding_reason"),
    "targeted_delivery_funding_eligibility": Field("application.targeted_delivery_funding_eligibility"),
    "teacher_catchment": Field("application.teacher_catchment"),
    "teacher_catchment_country": Field("application.teacher_catchment_country"),
    "teacher_catchment_iso_country_code": Field("application.teacher_catchment_iso_country_code"),
    "itt_provider": Field("application.itt_provider"),
    "lead_mentor": Field("application.lead_mentor"),
    "schedule_identifier": Field("application.schedule_identifier"),
    "reason_for_rejection": Field("application.reason_for_rejection"),
    "cohort_suffix": Field("application.cohort_suffix"),
    "works_as_senco": Field("application.works_as_senco"),
    "senco_start_date": Field("application.senco_start_date", iso_date),
}
ENROLMENT_FIELDS = {
    "course_identifier": Field("profile.course_identifier"),
    "schedule_identifier": Field("profile.schedule_identifier"),
    "cohort": Field("profile.cohort", cohort),
    "npq_application_id": Field("application.id"),
    # Enrolments show the application's own flag, not lowered for previous funding (upstream).
    "eligible_for_funding": Field("application.eligible_for_funding"),
    "training_status": Field("profile.training_status"),
    "school_urn": Field("application.school_urn"),
    "targeted_delivery_funding_eligibility": Field("application.targeted_delivery_funding_eligibility"),
    "funded_place": Field("application.funded_place"),
    "email": Field("email"),
    "withdrawal": Field("withdrawal", profile_state),
    "deferral": Field("deferral", profile_state),
    "created_at": Field("profile.created_at", timestamp),
    "participant_id": Field("profile.user_id"),
    "cohort_suffix": Field("application.cohort_suffix"),
}
# What a participant may show; its enrolments are drawn per contract (`_participants`).
PARTICIPANT_FIELDS = {
    "full_name": Field("user.full_name"),
    "teacher_reference_number": Field("user.teacher_reference_number"),
    "updated_at": Field("updated_at", timestamp),
    "participant_id": Field("user.id"),
    "email": Field("user.email"),
    "npq_courses": Field("enrolments", _courses),
    "funded_places": Field("enrolments", _funded_places),
    "npq_enrolments": Field("enrolments"),
    "participant_id_changes": Field("user", participant_id_changes),
    "previous_names": Field("user.previous_names", list),
}
OUTCOME_FIELDS = {
    "state": Field("state"),
    "completion_date": Field("completion_date", midnight),
    "course_identifier": Field("course_identifier"),
    "participant_id": Field("user_id"),
    "created_at": Field("created_at", timestamp),
    "updated_at": Field("updated_at", timestamp),
}


def application_attributes(view: ApplicationView, contract: Contract) -> dict[str, Any]:
    shown = compiled(APPLICATION_FIELDS, contract.npq_applications.fields)(view)
    if contract.npq_applications.trn_verified_only and not view.user.teacher_reference_number_validated:
        shown["teacher_reference_number"] = None
    if contract.npq_applications.archived_email_null and view.user.archived and "email" in shown:
        shown["email"] = None
    return shown


def render_application(view: ApplicationView, contract: Contract) -> dict[str, Any]:
    return resource(view.application.id, "npq_application", application_attributes(view, contract))


def application_csv_rows(views: list[ApplicationView], contract: Contract) -> list[dict[str, Any]]:
    return [{"id": v.application.id, **application_attributes(v, contract)} for v in views]


@per_shape
def _enrolments(shape: NPQParticipants) -> Callable[[NPQEnrolment], dict[str, Any]]:
    """A nested enrolment in this contract's shape (an archived person's email null where it says so)."""
    present = compile_fields(ENROLMENT_FIELDS, shape.enrolment_fields)
    if not (shape.archived_email_null and "email" in shape.enrolment_fields):
        return present

    def shown(enrolment: NPQEnrolment) -> dict[str, Any]:
        attributes = present(enrolment)
        if enrolment.archived:
            attributes["email"] = None
        return attributes

    return shown


@per_shape
def _participants(shape: NPQParticipants) -> Callable[[NPQParticipant], dict[str, Any]]:
    enrolment = _enrolments(shape)
    listed = Field("enrolments", lambda enrolments: [enrolment(e) for e in enrolments])
    return compile_fields({**PARTICIPANT_FIELDS, "npq_enrolments": listed}, shape.fields)


def render_participant(participant: NPQParticipant, contract: Contract) -> dict[str, Any]:
    attributes = _participants(contract.npq_participants)(participant)
    verified = participant.user.teacher_reference_number_validated
    if contract.npq_participants.trn_verified_only and not verified:
        attributes["teacher_reference_number"] = None
    return resource(participant.user.id, "npq-participant", attributes)


def enrolment_csv_rows(enrolments: list[NPQEnrolment], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    present = compiled(ENROLMENT_FIELDS, columns)
    return [present(e) for e in enrolments]


def render_outcome(outcome: Outcome, contract: Contract) -> dict[str, Any]:
    return resource(
        outcome.id, "participant-outcome", compiled(OUTCOME_FIELDS, contract.outcomes.fields)(outcome)
    )
