"""The records the world is made of.

Plain mutable dataclasses: the store owns them and the domain functions change them by assigning
fields. Once the seeded world is sealed each assignment keeps the field's original value for the
next reset (`Recorded`), which is why fields holding several values are tuples, never lists. Field
names follow the API's vocabulary so that presenters read like the real serializers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sandbox.changelog import Recorded, direct_init


@direct_init
@dataclass
class LeadProvider(Recorded):
    """A "CPD lead provider": one token, an ECF side and/or an NPQ side."""

    id: str
    name: str
    token: str
    has_ecf: bool
    has_npq: bool
    created_at: datetime


@direct_init
@dataclass
class DeliveryPartner(Recorded):
    id: str
    name: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ProviderRelationship:
    """A delivery partner works with a lead provider in a cohort."""

    lead_provider_id: str
    delivery_partner_id: str
    cohort: int


@dataclass(frozen=True)
class NPQDeliveryPartnership:
    """The NPQ service's own record that a delivery partner delivers a provider's NPQ courses in one
    exact cohort (start year and suffix: 2025a and 2025b are two cohorts)."""

    lead_provider_id: str
    delivery_partner_id: str
    cohort: int
    cohort_suffix: str = "a"


@direct_init
@dataclass
class School(Recorded):
    id: str
    urn: str
    name: str
    eligible: bool
    cip_only: bool
    created_at: datetime
    updated_at: datetime
    # The school's induction tutor (SIT), whom partnerships and RECT's schools name.
    induction_tutor_name: str | None = None
    induction_tutor_email: str | None = None


@direct_init
@dataclass
class InterestPeriod(Recorded):
    """RECT's training period with an expression of interest (rect.md §0, §5.1, §5.4): a school registered
    a person for a year with the lead provider it chose, before that provider partnered with it. The
    provider cannot see them until a partnership takes the period on; then `record_id` names the
    induction record it became, and the period stays as the interest behind it."""

    id: str
    user_id: str
    school_id: str
    lead_provider_id: str
    participant_type: str  # ect | mentor
    cohort: int
    schedule_identifier: str
    start_date: datetime
    created_at: datetime
    updated_at: datetime
    preferred_email: str | None = None
    working_pattern: str | None = None  # ECTs: full_time | part_time, as the school recorded it
    record_id: str | None = None


@direct_init
@dataclass
class SchoolCohort(Recorded):
    school_id: str
    cohort: int
    induction_programme_choice: str
    created_at: datetime
    updated_at: datetime


@direct_init
@dataclass
class Partnership(Recorded):
    """A lead provider delivers training at a school for a cohort, with a delivery partner.

    `relationship` partnerships are the ones a school sets up outside a confirmed partnership; they
    count for visibility but are never exposed through `partnerships/ecf`.
    """

    id: str
    lead_provider_id: str
    school_id: str
    delivery_partner_id: str
    cohort: int
    created_at: datetime
    updated_at: datetime
    relationship: bool = False
    challenged_reason: str | None = None
    challenged_at: datetime | None = None

    @property
    def challenged(self) -> bool:
        return self.challenged_reason is not None


@dataclass(frozen=True)
class ParticipantIdChange:
    from_participant_id: str
    to_participant_id: str
    changed_at: datetime


@direct_init
@dataclass
class User(Recorded):
    """A person: `participant_id` in the API is this id."""

    id: str
    full_name: str
    email: str
    teacher_reference_number: str | None
    created_at: datetime
    updated_at: datetime
    participant_id_changes: tuple[ParticipantIdChange, ...] = ()
    previous_names: tuple[str, ...] = ()  # earlier full names from the Teaching Record System
    # DfE archived the account (its address freed for another): the NPQ service then shows no email.
    archived: bool = False
    # RECT's stamp for its unfunded-mentor list (rect.md §5.8): moves when the name or TRN changes or the
    # person starts a mentor stay at a school (its email), not when they get a mentee. None: created_at.
    unfunded_mentor_updated_at: datetime | None = None
    # DfE's check of the TRN with the Teaching Record System (NPQ): it is the person's, so every application
    # of theirs, past or future, shows it, and the NPQ service shows the TRN only once it holds.
    teacher_reference_number_validated: bool = False


@dataclass(frozen=True)
class ProfileState:
    """One training-status transition recorded against a profile, by a provider."""

    state: str  # active | deferred | withdrawn
    reason: str | None
    lead_provider_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class SchoolLedPeriod:
    """A stretch of a role trained by the school itself (RECT's school-led training period): no provider,
    no partnership, so no provider ever sees it except as one end of a transfer (rect.md §5.7)."""

    id: str
    school_id: str
    start_date: datetime
    created_at: datetime
    end_date: datetime | None = None


def ecf_course(participant_type: str) -> str:
    """The ECF course a role trains on: ECTs on induction, mentors on mentor training."""
    return "ecf-induction" if participant_type == "ect" else "ecf-mentor"


@direct_init
@dataclass
class ECFProfile(Recorded):
    """One ECT or mentor registration of a user: `training_record_id` in the API."""

    id: str
    user_id: str
    participant_type: str  # ect | mentor
    schedule_identifier: str
    cohort: int
    training_status: str
    created_at: datetime
    updated_at: datetime
    eligibility: str | None = None  # eligible | ineligible | None while unchecked
    ineligibility_reason: str | None = None  # e.g. different_trn
    pupil_premium_uplift: bool = False
    sparsity_uplift: bool = False
    induction_end_date: date | None = None
    mentor_funding_end_date: date | None = None
    mentor_ineligible_for_funding_reason: str | None = None
    cohort_changed_after_payments_frozen: bool = False
    states: tuple[ProfileState, ...] = ()
    # What RECT also shows of an ECT: when the earliest induction period began (an appropriate body's
    # record, else the Teaching Record System's) and how the ECT works at school.
    induction_start_date: date | None = None
    working_pattern: str | None = None  # full_time | part_time
    # Where the school trained the role itself, before or after provider-led training (oldest first).
    school_led_periods: tuple[SchoolLedPeriod, ...] = ()

    @property
    def course_identifier(self) -> str:
        return ecf_course(self.participant_type)


@direct_init
@dataclass
class InductionRecord(Recorded):
    """Where and how a profile is trained for a stretch of time, under one partnership."""

    id: str
    profile_id: str
    partnership_id: str
    schedule_identifier: str
    cohort: int
    training_status: str
    induction_status: str  # active | withdrawn | changed | leaving | completed
    start_date: datetime
    created_at: datetime
    updated_at: datetime
    end_date: datetime | None = None
    mentor_profile_id: str | None = None
    school_transfer: bool = False
    preferred_email: str | None = None
    # The day the school reported the person leaving it; the training period itself may end sooner
    # (a withdrawal or deferral), and a resumed one runs on to this day.
    school_leave_date: datetime | None = None


@direct_init
@dataclass
class NPQApplication(Recorded):
    id: str
    user_id: str
    lead_provider_id: str
    course_identifier: str
    cohort: int
    status: str  # pending | accepted | rejected
    created_at: datetime
    updated_at: datetime
    eligible_for_funding: bool = False
    funded_place: bool | None = None
    funding_choice: str | None = None
    headteacher_status: str | None = None
    ineligible_for_funding_reason: str | None = None
    employer_name: str | None = None
    employment_role: str | None = None
    school_urn: str | None = None
    school_ukprn: str | None = None
    private_childcare_provider_urn: str | None = None
    works_in_school: bool = True
    targeted_delivery_funding_eligibility: bool = False
    teacher_catchment: bool = True
    teacher_catchment_iso_country_code: str | None = "GBR"
    teacher_catchment_country: str | None = "United Kingdom of Great Britain and Northern Ireland"
    itt_provider: str | None = None
    lead_mentor: bool = False
    schedule_identifier: str | None = None
    # The NPQ service's cohorts: a start year and a suffix (2025a spring, 2025b autumn).
    cohort_suffix: str = "a"
    # registration_expired | rejected_by_provider | other_application_in_this_cohort_accepted
    reason_for_rejection: str | None = None
    # yes | no_but_i_plan_to_become_one | no_i_do_not_plan_to_be_a_SENCO (SENCO course applicants)
    works_as_senco: str | None = None
    senco_start_date: date | None = None
    # DfE marked the place funded by policy: eligible for funding even if the person was funded before.
    funded_by_policy: bool = False


@direct_init
@dataclass
class NPQProfile(Recorded):
    """The training record created when an application is accepted; shares the application's id."""

    id: str
    user_id: str
    lead_provider_id: str
    course_identifier: str
    schedule_identifier: str
    cohort: int
    training_status: str
    created_at: datetime
    updated_at: datetime
    states: tuple[ProfileState, ...] = ()


@direct_init
@dataclass
class Statement(Recorded):
    id: str
    lead_provider_id: str
    type: str  # ecf | npq
    cohort: int
    name: str
    month: int
    year: int
    deadline_date: date
    payment_date: date
    output_fee: bool
    created_at: datetime
    updated_at: datetime
    paid: bool = False
    cohort_suffix: str = "a"  # the NPQ service's cohorts have their own statements (2025a, 2025b)


@direct_init
@dataclass
class Declaration(Recorded):
    id: str
    user_id: str
    profile_id: str
    lead_provider_id: str
    course_identifier: str
    declaration_type: str
    declaration_date: datetime
    state: str  # submitted eligible payable paid voided ineligible awaiting_clawback clawed_back
    cohort: int
    created_at: datetime
    updated_at: datetime
    evidence_held: str | None = None
    delivery_partner_id: str | None = None
    mentor_user_id: str | None = None
    pupil_premium_uplift: bool = False
    sparsity_uplift: bool = False
    ineligible_for_funding_reason: str | None = None
    statement_id: str | None = None
    clawback_statement_id: str | None = None
    secondary_delivery_partner_id: str | None = None  # NPQ only

    @property
    def is_npq(self) -> bool:
        return self.course_identifier.startswith("npq-")


@direct_init
@dataclass
class Outcome(Recorded):
    id: str
    declaration_id: str
    user_id: str
    lead_provider_id: str
    course_identifier: str
    state: str  # passed | failed | voided
    completion_date: date
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class NPQContract:
    lead_provider_id: str
    cohort: int
    course_identifier: str
    funding_cap: int
    cohort_suffix: str = "a"
