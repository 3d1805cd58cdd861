"""NPQ applications, participants, enrolments and outcomes in a contract's shape."""

from __future__ import annotations

from typing import Any

from sandbox.contracts import Contract
from sandbox.domain.applications.reads import ApplicationView
from sandbox.domain.participants.npq import NPQEnrolment, NPQParticipant
from sandbox.domain.world.entities import Outcome
from sandbox.presenters.formats import (
    cohort,
    iso_date,
    midnight,
    participant_id_changes,
    pick,
    profile_state,
    resource,
    timestamp,
)

APPLICATION_FIELDS = {
    "participant_id": lambda v: v.user.id,
    "full_name": lambda v: v.user.full_name,
    "email": lambda v: v.user.email,
    "email_validated": lambda _v: True,
    "teacher_reference_number": lambda v: v.user.teacher_reference_number,
    "teacher_reference_number_validated": lambda v: v.application.teacher_reference_number_validated,
    "school_urn": lambda v: v.application.school_urn,
    "school_ukprn": lambda v: v.application.school_ukprn,
    "private_childcare_provider_urn": lambda v: v.application.private_childcare_provider_urn,
    "headteacher_status": lambda v: v.application.headteacher_status,
    "eligible_for_funding": lambda v: v.eligible_for_funding,
    "funded_place": lambda v: v.application.funded_place,
    "funding_choice": lambda v: v.application.funding_choice,
    "course_identifier": lambda v: v.application.course_identifier,
    "status": lambda v: v.application.status,
    "works_in_school": lambda v: v.application.works_in_school,
    "employer_name": lambda v: v.application.employer_name,
    "employment_role": lambda v: v.application.employment_role,
    "created_at": lambda v: timestamp(v.application.created_at),
    "updated_at": lambda v: timestamp(v.updated_at),
    "cohort": lambda v: cohort(v.application.cohort),
    "ineligible_for_funding_reason": lambda v: v.ineligible_for_funding_reason,
    "targeted_delivery_funding_eligibility": lambda v: v.application.targeted_delivery_funding_eligibility,
    "teacher_catchment": lambda v: v.application.teacher_catchment,
    "teacher_catchment_country": lambda v: v.application.teacher_catchment_country,
    "teacher_catchment_iso_country_code": lambda v: v.application.teacher_catchment_iso_country_code,
    "itt_provider": lambda v: v.application.itt_provider,
    "lead_mentor": lambda v: v.application.lead_mentor,
    "schedule_identifier": lambda v: v.application.schedule_identifier,
    "reason_for_rejection": lambda v: v.application.reason_for_rejection,
    "cohort_suffix": lambda v: v.application.cohort_suffix,
    "works_as_senco": lambda v: v.application.works_as_senco,
    "senco_start_date": lambda v: iso_date(v.application.senco_start_date),
}
ENROLMENT_FIELDS = {
    "course_identifier": lambda e: e.profile.course_identifier,
    "schedule_identifier": lambda e: e.profile.schedule_identifier,
    "cohort": lambda e: cohort(e.profile.cohort),
    "npq_application_id": lambda e: e.application.id,
    # Enrolments show the application's own flag, not lowered for previous funding (upstream).
    "eligible_for_funding": lambda e: e.application.eligible_for_funding,
    "training_status": lambda e: e.profile.training_status,
    "school_urn": lambda e: e.application.school_urn,
    "targeted_delivery_funding_eligibility": lambda e: e.application.targeted_delivery_funding_eligibility,
    "funded_place": lambda e: e.application.funded_place,
    "email": lambda e: e.email,
    "withdrawal": lambda e: profile_state(e.withdrawal),
    "deferral": lambda e: profile_state(e.deferral),
    "created_at": lambda e: timestamp(e.profile.created_at),
    "participant_id": lambda e: e.profile.user_id,
    "cohort_suffix": lambda e: e.application.cohort_suffix,
}
PARTICIPANT_FIELDS = {
    "full_name": lambda p, _c: p.user.full_name,
    "teacher_reference_number": lambda p, _c: p.user.teacher_reference_number,
    "updated_at": lambda p, _c: timestamp(p.updated_at),
    "participant_id": lambda p, _c: p.user.id,
    "email": lambda p, _c: p.user.email,
    "npq_courses": lambda p, _c: [e.profile.course_identifier for e in p.enrolments],
    "funded_places": lambda p, _c: [
        {
            "npq_course": e.profile.course_identifier,
            "funded_place": e.application.funded_place,
            "npq_application_id": e.application.id,
        }
        for e in p.enrolments
    ],
    "npq_enrolments": lambda p, c: [enrolment_attributes(e, c) for e in p.enrolments],
    "participant_id_changes": lambda p, _c: participant_id_changes(p.user),
    "previous_names": lambda p, _c: list(p.user.previous_names),
}
OUTCOME_FIELDS = {
    "state": lambda o: o.state,
    "completion_date": lambda o: midnight(o.completion_date),
    "course_identifier": lambda o: o.course_identifier,
    "participant_id": lambda o: o.user_id,
    "created_at": lambda o: timestamp(o.created_at),
    "updated_at": lambda o: timestamp(o.updated_at),
}


def application_attributes(view: ApplicationView, contract: Contract) -> dict[str, Any]:
    shown = pick(APPLICATION_FIELDS, contract.npq_applications.fields, view)
    verified = view.application.teacher_reference_number_validated
    if contract.npq_applications.trn_verified_only and not verified:
        shown["teacher_reference_number"] = None
    if contract.npq_applications.archived_email_null and view.user.archived and "email" in shown:
        shown["email"] = None
    return shown


def render_application(view: ApplicationView, contract: Contract) -> dict[str, Any]:
    return resource(view.application.id, "npq_application", application_attributes(view, contract))


def application_csv_rows(views: list[ApplicationView], contract: Contract) -> list[dict[str, Any]]:
    return [{"id": v.application.id, **application_attributes(v, contract)} for v in views]


def enrolment_attributes(enrolment: NPQEnrolment, contract: Contract) -> dict[str, Any]:
    shown = pick(ENROLMENT_FIELDS, contract.npq_participants.enrolment_fields, enrolment)
    if contract.npq_participants.archived_email_null and enrolment.archived and "email" in shown:
        shown["email"] = None
    return shown


def render_participant(participant: NPQParticipant, contract: Contract) -> dict[str, Any]:
    attributes = pick(PARTICIPANT_FIELDS, contract.npq_participants.fields, participant, contract)
    # The world keeps the verification on each application (DfE's TRN check sets all of a person's):
    # a person's TRN counts as verified when one of the enrolments shown says so.
    if contract.npq_participants.trn_verified_only and not any(
        e.application.teacher_reference_number_validated for e in participant.enrolments
    ):
        attributes["teacher_reference_number"] = None
    return resource(participant.user.id, "npq-participant", attributes)


def enrolment_csv_rows(enrolments: list[NPQEnrolment], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    return [pick(ENROLMENT_FIELDS, columns, e) for e in enrolments]


def render_outcome(outcome: Outcome, contract: Contract) -> dict[str, Any]:
    return resource(
        outcome.id, "participant-outcome", pick(OUTCOME_FIELDS, contract.outcomes.fields, outcome)
    )
