"""The "Register early career teachers" (RECT) Lead Provider API, version 3: the service that took
over the ECF half of the Lead Provider API on 28 April 2026 (rulebook: ../shared/reference/rect.md).

It shows the same world as /api/v3, ECF only, at its own mount, in its own shapes and words."""

from __future__ import annotations

from sandbox.contracts import manage_cpd as cpd
from sandbox.contracts.model import (
    Contract,
    Declarations,
    ECFParticipants,
    Filter,
    Listing,
    Queries,
    Shapes,
)
from sandbox.domain.declarations.reads import DeclarationScope
from sandbox.domain.listing import SortKey

UPDATED_SINCE = Filter("updated_since", "updated_since", "since")

ENROLMENT_FIELDS = (
    "training_record_id",
    "email",
    "mentor_id",
    "school_urn",
    "participant_type",
    "cohort",
    "training_status",
    "participant_status",
    "eligible_for_funding",
    "pupil_premium_uplift",
    "sparsity_uplift",
    "schedule_identifier",
    "delivery_partner_id",
    "withdrawal",
    "deferral",
    "created_at",
    "induction_end_date",
    "most_recent_induction_period_end_date",
    "overall_induction_start_date",
    "mentor_funding_end_date",
    "cohort_changed_after_payments_frozen",
    "mentor_ineligible_for_funding_reason",
    "working_pattern",
)
PARTICIPANTS = ECFParticipants(
    listing=Listing(
        filters=(cpd.COHORTS, UPDATED_SINCE, cpd.TRAINING_STATUS, cpd.FROM_PARTICIPANT),
        default_sort=(SortKey("created_at"),),
    ),
    unit="participant",
    fields=cpd.ECF_PARTICIPANTS_V3.fields,
    enrolment_fields=ENROLMENT_FIELDS,
    csv_columns=None,
    participant_status_of="training_period",
    actions="rect",
    transfers="rect",
    # RECT renamed the reason and rewrote the records that had it (its ECF1 release notes, 2025/26 changes).
    withdrawal_reason_words=(("school-left-fip", "switched-to-school-led"),),
)
DECLARATIONS = Declarations(
    listing=Listing(
        filters=(
            Filter("updated_since", "updated_since", "since_inclusive"),
            Filter("participant_id", "participant_ids", "uuid_list"),
            cpd.COHORTS,
            Filter("delivery_partner_id", "delivery_partner_ids", "uuid_list"),
        ),
        reads_sort=False,
    ),
    fields=(
        "participant_id",
        "declaration_type",
        "course_identifier",
        "declaration_date",
        "mentor_id",
        "state",
        "updated_at",
        "created_at",
        "delivery_partner_id",
        "statement_id",
        "clawback_statement_id",
        "ineligible_for_funding_reason",
        "uplift_paid",
        "evidence_held",
        "lead_provider_name",
    ),
    csv_columns=None,
    requires_programme_side=False,
    scope=DeclarationScope(side="ecf", hidden_states=("ineligible",)),
    rules="rect",
)
QUERIES = Queries(
    page_message="The '#/page[page]' and '#/page[per_page]' parameter values must be a valid positive number",
    since_message="The filter '#/{key}' must be a valid ISO 8601 date",
    unknown_training_status="match_nothing",
    structure_message="Correct json data structure required. See API docs for reference.",
    attributes_required=True,
)
SHAPES = Shapes(
    statement=("month", "year", "cohort", "cut_off_date", "payment_date", "paid", "created_at", "updated_at"),
    partnership=(
        "cohort",
        "urn",
        "school_id",
        "delivery_partner_id",
        "delivery_partner_name",
        "induction_tutor_name",
        "induction_tutor_email",
        "participants_currently_training",
        "created_at",
        "updated_at",
    ),
    school=(
        "name",
        "urn",
        "cohort",
        "in_partnership",
        "induction_programme_choice",
        "expression_of_interest",
        "induction_tutor_name",
        "induction_tutor_email",
        "created_at",
        "updated_at",
    ),
    programme_choice_words=(
        ("full_induction_programme", "provider_led"),
        ("core_induction_programme", "school_led"),
        ("design_our_own", "school_led"),
        ("school_funded_fip", "school_led"),
        ("no_early_career_teachers", "not_yet_known"),
    ),
    partnership_rules="rect",
    unfunded_mentor_rules="rect",
    # The real serializer defines `cohort` last.
    delivery_partner=("name", "created_at", "updated_at", "cohort"),
)

RECT = Contract(
    name="rect-v3",
    api="register-early-career-teachers",
    version="v3",
    mount="/rect/api/v3",
    spec="rect",
    # The real service serves its document at /api/docs/v3/swagger.yaml; here under the /rect mount.
    spec_url="/rect/api/docs/v3/swagger.yaml",
    content_type="application/json; charset=utf-8",
    error_shape="rect-errors",
    resources=frozenset(
        {
            "ecf_participants",
            "declarations",
            "transfers",
            "unfunded_mentors",
            "partnerships",
            "schools",
            "delivery_partners",
            "statements",
        }
    ),
    ecf_participants=PARTICIPANTS,
    declarations=DECLARATIONS,
    # RECT has no NPQ: these are never read, since its document binds no NPQ operation.
    npq_applications=cpd.APPLICATIONS_V3,
    npq_participants=cpd.NPQ_PARTICIPANTS_V3,
    outcomes=cpd.V3.outcomes,
    queries=QUERIES,
    shapes=SHAPES,
    sides="ecf",
    time_zone="Europe/London",
)
