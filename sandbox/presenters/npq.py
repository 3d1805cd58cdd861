"""NPQ applications, participants, enrolments and outcomes in each version's shape."""

from __future__ import annotations

from typing import Any

from sandbox.domain import npq
from sandbox.domain.entities import NPQApplication, Outcome
from sandbox.presenters.formats import cohort, midnight, resource, timestamp
from sandbox.store import Store

APPLICATION_CSV_COLUMNS = [
    "id",
    "participant_id",
    "full_name",
    "email",
    "email_validated",
    "teacher_reference_number",
    "teacher_reference_number_validated",
    "school_urn",
    "school_ukprn",
    "private_childcare_provider_urn",
    "headteacher_status",
    "eligible_for_funding",
    "funded_place",
    "funding_choice",
    "course_identifier",
    "status",
    "works_in_school",
    "employer_name",
    "employment_role",
    "created_at",
    "updated_at",
    "cohort",
    "ineligible_for_funding_reason",
    "targeted_delivery_funding_eligibility",
    "teacher_catchment",
    "teacher_catchment_country",
    "teacher_catchment_iso_country_code",
    "itt_provider",
    "lead_mentor",
]
CATCHMENT_COLUMNS = {"teacher_catchment", "teacher_catchment_country", "teacher_catchment_iso_country_code"}
ENROLMENT_CSV_COLUMNS = [
    "participant_id",
    "course_identifier",
    "schedule_identifier",
    "cohort",
    "npq_application_id",
    "eligible_for_funding",
    "funded_place",
    "training_status",
    "school_urn",
]


def application_attributes(store: Store, application: NPQApplication, version: str) -> dict[str, Any]:
    user = store.users[application.user_id]
    attrs = {
        "participant_id": user.id,
        "full_name": user.full_name,
        "email": user.email,
        "email_validated": True,
        "teacher_reference_number": user.teacher_reference_number,
        "teacher_reference_number_validated": application.teacher_reference_number_validated,
        "school_urn": application.school_urn,
        "school_ukprn": application.school_ukprn,
        "private_childcare_provider_urn": application.private_childcare_provider_urn,
        "headteacher_status": application.headteacher_status,
        "eligible_for_funding": npq.eligible_for_funding(store, application),
        "funded_place": application.funded_place,
        "funding_choice": application.funding_choice,
        "course_identifier": application.course_identifier,
        "status": application.status,
        "works_in_school": application.works_in_school,
        "employer_name": application.employer_name,
        "employment_role": application.employment_role,
        "created_at": timestamp(application.created_at),
        "updated_at": timestamp(npq.application_updated_at(store, application)),
        "cohort": cohort(application.cohort),
        "ineligible_for_funding_reason": npq.ineligible_for_funding_reason(store, application),
        "targeted_delivery_funding_eligibility": application.targeted_delivery_funding_eligibility,
        "teacher_catchment": application.teacher_catchment,
        "teacher_catchment_country": application.teacher_catchment_country,
        "teacher_catchment_iso_country_code": application.teacher_catchment_iso_country_code,
        "itt_provider": application.itt_provider,
        "lead_mentor": application.lead_mentor,
    }
    if version == "v3":
        attrs["schedule_identifier"] = application.schedule_identifier
    return attrs


def render_application(store: Store, application: NPQApplication, version: str) -> dict[str, Any]:
    return resource(application.id, "npq_application", application_attributes(store, application, version))


def application_csv_rows(store: Store, applications: list[NPQApplication], version: str) -> list[dict]:
    return [{"id": a.id, **application_attributes(store, a, version)} for a in applications]


def application_csv_columns(version: str) -> list[str]:
    # v2's CSV has no catchment columns although its JSON has them.
    if version == "v2":
        return [c for c in APPLICATION_CSV_COLUMNS if c not in CATCHMENT_COLUMNS]
    return APPLICATION_CSV_COLUMNS


def _state(state: Any) -> dict[str, Any] | None:
    return None if state is None else {"reason": state.reason, "date": timestamp(state.created_at)}


def enrolment_attributes(store: Store, enrolment: npq.NPQEnrolment, version: str) -> dict[str, Any]:
    profile, application = enrolment.profile, enrolment.application
    attrs: dict[str, Any] = {
        "course_identifier": profile.course_identifier,
        "schedule_identifier": profile.schedule_identifier,
        "cohort": cohort(profile.cohort),
        "npq_application_id": application.id,
        # Enrolments show the application's own flag, not lowered for previous funding (upstream).
        "eligible_for_funding": application.eligible_for_funding,
        "training_status": profile.training_status,
        "school_urn": application.school_urn,
        "targeted_delivery_funding_eligibility": application.targeted_delivery_funding_eligibility,
        "funded_place": application.funded_place,
    }
    if version == "v3":
        attrs.update(
            {
                "email": store.users[profile.user_id].email,
                "withdrawal": _state(enrolment.withdrawal),
                "deferral": _state(enrolment.deferral),
                "created_at": timestamp(profile.created_at),
            }
        )
    return attrs


def render_participant(store: Store, participant: npq.NPQParticipant, version: str) -> dict[str, Any]:
    user = participant.user
    attrs: dict[str, Any] = {
        "full_name": user.full_name,
        "teacher_reference_number": user.teacher_reference_number,
        "updated_at": timestamp(participant.updated_at),
    }
    if version == "v1":
        attrs.update(
            {
                "participant_id": user.id,
                "email": user.email,
                "npq_courses": [e.profile.course_identifier for e in participant.enrolments],
                "funded_places": [
                    {
                        "npq_course": e.profile.course_identifier,
                        "funded_place": e.application.funded_place,
                        "npq_application_id": e.application.id,
                    }
                    for e in participant.enrolments
                ],
            }
        )
    else:
        attrs["npq_enrolments"] = [enrolment_attributes(store, e, version) for e in participant.enrolments]
    if version == "v2":
        attrs["email"] = user.email
    if version == "v3":
        attrs["participant_id_changes"] = [
            {
                "from_participant_id": c.from_participant_id,
                "to_participant_id": c.to_participant_id,
                "changed_at": timestamp(c.changed_at),
            }
            for c in user.participant_id_changes
        ]
    return resource(user.id, "npq-participant", attrs)


def enrolment_csv_rows(store: Store, enrolments: list[npq.NPQEnrolment]) -> list[dict[str, Any]]:
    return [{"participant_id": e.profile.user_id, **enrolment_attributes(store, e, "v2")} for e in enrolments]


def render_outcome(outcome: Outcome, version: str) -> dict[str, Any]:
    attrs = {
        "state": outcome.state,
        "completion_date": midnight(outcome.completion_date),
        "course_identifier": outcome.course_identifier,
        "participant_id": outcome.user_id,
        "created_at": timestamp(outcome.created_at),
    }
    if version == "v3":
        attrs["updated_at"] = timestamp(outcome.updated_at)
    return resource(outcome.id, "participant-outcome", attrs)
