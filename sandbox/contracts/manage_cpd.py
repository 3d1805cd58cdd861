"""The "Manage teacher CPD" Lead Provider API, versions 1, 2 and 3, as the real service serves them.

Each contract is spelled out in full so it can be read on its own; what v1/v2 share is named once."""

from __future__ import annotations

from sandbox.contracts.model import (
    Contract,
    Declarations,
    ECFParticipants,
    Filter,
    Listing,
    NPQApplications,
    NPQParticipants,
    Outcomes,
    Queries,
    Shapes,
)
from sandbox.domain.listing import SortKey

API = "manage-teacher-cpd"
CONTENT_TYPE = "application/vnd.api+json"
ERROR_SHAPE = "cpd-errors"  # {"errors": [{"title", "detail"}]}, or {"error": "..."} for 401/404/500
QUERIES = Queries(
    page_message=(
        "The '#/page[page]' and '#/page[per_page]' parameter values must be a valid number "
        "(equal and more than 1)"
    ),
    since_message="The filter '#/{key}' must be a valid RCF3339 date",
    unknown_training_status="refuse",
    structure_message="correct json data structure required. See API docs for reference",
    attributes_required=False,
)
SHAPES = Shapes(
    statement=(
        "month",
        "year",
        "type",
        "cohort",
        "cut_off_date",
        "payment_date",
        "paid",
        "created_at",
        "updated_at",
    ),
    partnership=(
        "cohort",
        "urn",
        "school_id",
        "delivery_partner_id",
        "delivery_partner_name",
        "status",
        "challenged_reason",
        "challenged_at",
        "induction_tutor_name",
        "induction_tutor_email",
        "created_at",
        "updated_at",
    ),
    school=(
        "name",
        "urn",
        "cohort",
        "in_partnership",
        "induction_programme_choice",
        "created_at",
        "updated_at",
    ),
)

# -- ECF participants ---------------------------------------------------------------------------

ECF_ROW_FIELDS = (
    "email",
    "mentor_id",
    "school_urn",
    "participant_type",
    "cohort",
    "full_name",
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
)
ECF_CSV_COLUMNS = (
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
)
ECF_V3_ENROLMENT_FIELDS = (
    "training_record_id",
    "email",
    "mentor_id",
    "school_urn",
    "participant_type",
    "cohort",
    "training_status",
    "participant_status",
    "teacher_reference_number_validated",
    "eligible_for_funding",
    "pupil_premium_uplift",
    "sparsity_uplift",
    "schedule_identifier",
    "delivery_partner_id",
    "withdrawal",
    "deferral",
    "created_at",
    "induction_end_date",
    "mentor_funding_end_date",
    "cohort_changed_after_payments_frozen",
    "mentor_ineligible_for_funding_reason",
)
COHORTS = Filter("cohort", "cohorts", "cohort_list")
UPDATED_SINCE = Filter("updated_since", "updated_since", "since")
TRAINING_STATUS = Filter("training_status", "training_status", "training_status")
FROM_PARTICIPANT = Filter("from_participant_id", "from_participant_id", "one")

# RECT's reasons the Manage-CPD service never records (rect.md §4.4): the school going school-led is
# what `school-left-fip` meant; a change of lead provider has no reason of its own here, so `other`.
RECT_WITHDRAWAL_REASON_WORDS = (
    ("switched-to-school-led", "school-left-fip"),
    ("changed-lead-provider", "other"),
)

ECF_PARTICIPANTS_V1_V2 = ECFParticipants(
    listing=Listing(filters=(COHORTS, UPDATED_SINCE)),
    unit="enrolment",
    fields=ECF_ROW_FIELDS,
    enrolment_fields=(),
    csv_columns=ECF_CSV_COLUMNS,
    withdrawal_reason_words=RECT_WITHDRAWAL_REASON_WORDS,
)
ECF_PARTICIPANTS_V3 = ECFParticipants(
    # v3 keeps its created_at order under `updated_since`; v1/v2 then order by updated_at.
    listing=Listing(
        filters=(COHORTS, UPDATED_SINCE, TRAINING_STATUS, FROM_PARTICIPANT),
        default_sort=(SortKey("created_at"),),
    ),
    unit="participant",
    fields=(
        "full_name",
        "teacher_reference_number",
        "updated_at",
        "ecf_enrolments",
        "participant_id_changes",
    ),
    enrolment_fields=ECF_V3_ENROLMENT_FIELDS,
    csv_columns=None,
    withdrawal_reason_words=RECT_WITHDRAWAL_REASON_WORDS,
)

# -- declarations -------------------------------------------------------------------------------

DECLARATION_FIELDS = (
    "participant_id",
    "declaration_type",
    "declaration_date",
    "course_identifier",
    "state",
    "updated_at",
    "has_passed",
)
DECLARATIONS_V1 = Declarations(
    # v1/v2 take one participant id and compare `updated_since` strictly.
    listing=Listing(
        filters=(
            Filter("updated_since", "updated_since", "since_strict"),
            Filter("participant_id", "participant_ids", "text_single"),
        )
    ),
    fields=DECLARATION_FIELDS + ("eligible_for_payment", "voided"),
    csv_columns=(
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
    ),
    requires_programme_side=False,
)
DECLARATIONS_V2 = Declarations(
    listing=DECLARATIONS_V1.listing,
    fields=DECLARATION_FIELDS,
    csv_columns=(
        "id",
        "participant_id",
        "declaration_type",
        "course_identifier",
        "declaration_date",
        "updated_at",
        "state",
        "has_passed",
    ),
    requires_programme_side=False,
)
DECLARATIONS_V3 = Declarations(
    listing=Listing(
        filters=(
            Filter("updated_since", "updated_since", "since_inclusive"),
            Filter("participant_id", "participant_ids", "text_list"),
            COHORTS,
            Filter("delivery_partner_id", "delivery_partner_ids", "text_list"),
        )
    ),
    fields=DECLARATION_FIELDS
    + (
        "created_at",
        "mentor_id",
        "delivery_partner_id",
        "statement_id",
        "clawback_statement_id",
        "ineligible_for_funding_reason",
        "uplift_paid",
        "evidence_held",
        "lead_provider_name",
    ),
    csv_columns=None,
    requires_programme_side=True,
)

# -- NPQ applications ---------------------------------------------------------------------------

APPLICATION_FIELDS = (
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
)
CATCHMENT_COLUMNS = ("teacher_catchment", "teacher_catchment_country", "teacher_catchment_iso_country_code")
APPLICATIONS_V1 = NPQApplications(
    listing=Listing(filters=(Filter("cohort", "cohorts", "cohort_single"), UPDATED_SINCE), reads_sort=False),
    fields=APPLICATION_FIELDS,
    csv_columns=("id",) + APPLICATION_FIELDS,
    accept_attributes=("funded_place",),
)
APPLICATIONS_V2 = NPQApplications(
    listing=APPLICATIONS_V1.listing,
    fields=APPLICATION_FIELDS,
    # v2's CSV has no catchment columns although its JSON has them.
    csv_columns=("id",) + tuple(f for f in APPLICATION_FIELDS if f not in CATCHMENT_COLUMNS),
    accept_attributes=("funded_place",),
)
APPLICATIONS_V3 = NPQApplications(
    listing=Listing(filters=(COHORTS, UPDATED_SINCE, Filter("participant_id", "participant_id", "one"))),
    fields=APPLICATION_FIELDS + ("schedule_identifier",),
    csv_columns=None,
    accept_attributes=("funded_place", "schedule_identifier"),
)

# -- NPQ participants and outcomes --------------------------------------------------------------

NPQ_ENROLMENT_FIELDS = (
    "course_identifier",
    "schedule_identifier",
    "cohort",
    "npq_application_id",
    "eligible_for_funding",
    "training_status",
    "school_urn",
    "targeted_delivery_funding_eligibility",
    "funded_place",
)
NPQ_PARTICIPANT_FIELDS = ("full_name", "teacher_reference_number", "updated_at")
NPQ_PARTICIPANTS_V1 = NPQParticipants(
    listing=Listing(filters=(UPDATED_SINCE,), reads_sort=False),
    fields=NPQ_PARTICIPANT_FIELDS + ("participant_id", "email", "npq_courses", "funded_places"),
    enrolment_fields=(),
    enrolments_csv_columns=None,
)
NPQ_PARTICIPANTS_V2 = NPQParticipants(
    listing=NPQ_PARTICIPANTS_V1.listing,
    fields=NPQ_PARTICIPANT_FIELDS + ("npq_enrolments", "email"),
    enrolment_fields=NPQ_ENROLMENT_FIELDS,
    enrolments_csv_columns=(
        "participant_id",
        "course_identifier",
        "schedule_identifier",
        "cohort",
        "npq_application_id",
        "eligible_for_funding",
        "funded_place",
        "training_status",
        "school_urn",
    ),
)
NPQ_PARTICIPANTS_V3 = NPQParticipants(
    listing=Listing(filters=(UPDATED_SINCE, TRAINING_STATUS, FROM_PARTICIPANT)),
    fields=NPQ_PARTICIPANT_FIELDS + ("npq_enrolments", "participant_id_changes"),
    enrolment_fields=NPQ_ENROLMENT_FIELDS + ("email", "withdrawal", "deferral", "created_at"),
    enrolments_csv_columns=None,
)
OUTCOME_FIELDS = ("state", "completion_date", "course_identifier", "participant_id", "created_at")

# -- the contracts ------------------------------------------------------------------------------

SHARED_RESOURCES = frozenset(
    {"ecf_participants", "declarations", "npq_applications", "npq_participants", "outcomes"}
)


def _contract(version: str, **rules) -> Contract:
    return Contract(
        name=version,
        api=API,
        version=version,
        mount=f"/api/{version}",
        spec=version,
        spec_url=f"/lead-providers/api-docs/{version}/api_spec.yml",
        content_type=CONTENT_TYPE,
        error_shape=ERROR_SHAPE,
        queries=QUERIES,
        shapes=SHAPES,
        **rules,
    )


V1 = _contract(
    "v1",
    resources=SHARED_RESOURCES,
    ecf_participants=ECF_PARTICIPANTS_V1_V2,
    declarations=DECLARATIONS_V1,
    npq_applications=APPLICATIONS_V1,
    npq_participants=NPQ_PARTICIPANTS_V1,
    outcomes=Outcomes(OUTCOME_FIELDS),
)
V2 = _contract(
    "v2",
    resources=SHARED_RESOURCES | {"npq_enrolments"},
    ecf_participants=ECF_PARTICIPANTS_V1_V2,
    declarations=DECLARATIONS_V2,
    npq_applications=APPLICATIONS_V2,
    npq_participants=NPQ_PARTICIPANTS_V2,
    outcomes=Outcomes(OUTCOME_FIELDS),
)
V3 = _contract(
    "v3",
    resources=SHARED_RESOURCES
    | {"transfers", "unfunded_mentors", "partnerships", "schools", "delivery_partners", "statements"},
    ecf_participants=ECF_PARTICIPANTS_V3,
    declarations=DECLARATIONS_V3,
    npq_applications=APPLICATIONS_V3,
    npq_participants=NPQ_PARTICIPANTS_V3,
    outcomes=Outcomes(OUTCOME_FIELDS + ("updated_at",)),
)
