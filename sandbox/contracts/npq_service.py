"""The NPQ service's own Lead Provider API (v3), mounted at /npq/api/v3 over the same world.

The rulebook is `npq.md` (a delta over `domain.md`); where it is silent, the service behaves as the
"Manage teacher CPD" v3 NPQ operations do. Field orders are the service's serializers' orders."""

from __future__ import annotations

from sandbox.contracts import manage_cpd as cpd
from sandbox.contracts.model import (
    Contract,
    Declarations,
    Filter,
    Listing,
    NPQApplications,
    NPQParticipants,
    Outcomes,
    Queries,
    Shapes,
)
from sandbox.domain.declarations.reads import NPQ_SERVICE_DECLARATIONS
from sandbox.domain.listing import SortKey

API = "npq-registration"
UPDATED_SINCE = Filter("updated_since", "updated_since", "since_inclusive")
COHORTS = Filter("cohort", "cohorts", "cohort_list")
PARTICIPANT_IDS = Filter("participant_id", "participant_ids", "uuid_list_strict")

APPLICATIONS = NPQApplications(
    listing=Listing(
        filters=(COHORTS, PARTICIPANT_IDS, UPDATED_SINCE),
        default_sort=(SortKey("created_at"),),
    ),
    fields=(
        "course_identifier",
        "email",
        "email_validated",
        "employer_name",
        "employment_role",
        "full_name",
        "funding_choice",
        "headteacher_status",
        "ineligible_for_funding_reason",
        "participant_id",
        "private_childcare_provider_urn",
        "teacher_reference_number",
        "teacher_reference_number_validated",
        "school_urn",
        "school_ukprn",
        "status",
        "reason_for_rejection",
        "works_in_school",
        "cohort",
        "cohort_suffix",
        "eligible_for_funding",
        "targeted_delivery_funding_eligibility",
        "teacher_catchment",
        "teacher_catchment_country",
        "teacher_catchment_iso_country_code",
        "itt_provider",
        "lead_mentor",
        "funded_place",
        "created_at",
        "updated_at",
        "schedule_identifier",
        "works_as_senco",
        "senco_start_date",
    ),
    csv_columns=None,
    accept_attributes=("funded_place", "schedule_identifier"),
    trn_verified_only=True,
    archived_email_null=True,
)
PARTICIPANTS = NPQParticipants(
    listing=Listing(
        filters=(
            UPDATED_SINCE,
            Filter("training_status", "training_status", "training_status"),
            Filter("from_participant_id", "from_participant_id", "one"),
        ),
        default_sort=(SortKey("created_at"),),
    ),
    fields=(
        "full_name",
        "previous_names",
        "teacher_reference_number",
        "updated_at",
        "npq_enrolments",
        "participant_id_changes",
    ),
    enrolment_fields=(
        "email",
        "course_identifier",
        "schedule_identifier",
        "cohort",
        "cohort_suffix",
        "npq_application_id",
        "eligible_for_funding",
        "training_status",
        "school_urn",
        "targeted_delivery_funding_eligibility",
        "withdrawal",
        "deferral",
        "created_at",
        "funded_place",
    ),
    enrolments_csv_columns=None,
    trn_verified_only=True,
    archived_email_null=True,
)
DECLARATIONS = Declarations(
    listing=Listing(filters=(UPDATED_SINCE, PARTICIPANT_IDS, COHORTS)),
    fields=(
        "participant_id",
        "declaration_type",
        "course_identifier",
        "declaration_date",
        "state",
        "has_passed",
        "delivery_partner_id",
        "delivery_partner_name",
        "secondary_delivery_partner_id",
        "secondary_delivery_partner_name",
        "statement_id",
        "application_id",
        "clawback_statement_id",
        "uplift_paid",
        "lead_provider_name",
        "ineligible_for_funding_reason",
        "created_at",
        "updated_at",
    ),
    csv_columns=None,
    requires_programme_side=False,
    scope=NPQ_SERVICE_DECLARATIONS,
    rules="npq",
)
OUTCOMES = Outcomes(
    ("state", "completion_date", "course_identifier", "participant_id", "created_at", "updated_at"),
    participant_list_paged=True,
)
QUERIES = Queries(
    page_message="The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
    since_message="The filter '#/{key}' must be a valid ISO 8601 date",
    unknown_training_status="unpermitted",
    structure_message=cpd.QUERIES.structure_message,
    attributes_required=False,
    filter_not_hash=("Bad request", "'#/filter' is not a valid field"),
)
SHAPES = Shapes(
    statement=("month", "year", "cohort", "cut_off_date", "payment_date", "paid", "created_at", "updated_at"),
    # Never read: the document binds no partnership or school operation.
    partnership=cpd.SHAPES.partnership,
    school=cpd.SHAPES.school,
    delivery_partner_cohorts="integer",
)

NPQ_V3 = Contract(
    name="npq-v3",
    api=API,
    version="v3",
    mount="/npq/api/v3",
    spec="npq-v3",
    # The service serves its document at /api/docs/v3/swagger.yaml; under our mount, /npq/api/docs/...
    spec_url="/npq/api/docs/v3/swagger.yaml",
    content_type="application/json",
    error_shape="npq-errors",
    resources=frozenset(
        {
            "npq_applications",
            "npq_participants",
            "outcomes",
            "declarations",
            "declaration_delivery_partners",
            "statements",
            "delivery_partners",
        }
    ),
    # The NPQ service has no ECF participants: never read, since its document binds no ECF operation.
    ecf_participants=cpd.ECF_PARTICIPANTS_V3,
    declarations=DECLARATIONS,
    npq_applications=APPLICATIONS,
    npq_participants=PARTICIPANTS,
    outcomes=OUTCOMES,
    queries=QUERIES,
    shapes=SHAPES,
    sides="npq",
    npq_rules="npq-service",
)
