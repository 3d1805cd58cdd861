"""DfE- and school-side changes to the world (domain.md §7): what the seed builds the world with and
what the control API calls for events.

These are not the provider-facing verbs: they do not apply the API's validation rules. They keep the
records, the store's indexes and the touch chain consistent, and refuse data that would break an
invariant the reads rely on with ValueError, since such data is a caller's bug rather than a user error.
Every timestamp is passed in; ids come from `store.new_id()`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time
from typing import Protocol, TypeVar

from sandbox.domain.entities import (
    Declaration,
    DeliveryPartner,
    ECFProfile,
    InductionRecord,
    LeadProvider,
    NPQApplication,
    NPQContract,
    NPQProfile,
    Outcome,
    ParticipantIdChange,
    Partnership,
    ProfileState,
    ProviderRelationship,
    School,
    SchoolCohort,
    Statement,
    User,
)
from sandbox.domain.statements import next_output_statement
from sandbox.store import Store

DECLARATION_STATES = (
    "submitted", "eligible", "payable", "paid", "voided", "ineligible", "awaiting_clawback", "clawed_back",
)
_BILLABLE = ("submitted", "eligible", "payable", "paid")
# The v3 `statement_id` is the eligible/payable/paid line; a clawed-back declaration keeps its paid line.
_ON_STATEMENT = ("eligible", "payable", "paid", "awaiting_clawback", "clawed_back")
_CLAWBACK = ("awaiting_clawback", "clawed_back")

T = TypeVar("T")


class _Stamped(Protocol):
    updated_at: datetime


def _touch(at: datetime, *records: _Stamped | None) -> None:
    """Move `updated_at` forward to `at`, never back, so replaying older events keeps the latest stamp."""
    for record in records:
        if record is not None and record.updated_at < at:
            record.updated_at = at


def _touch_profile(
    store: Store, profile: ECFProfile | NPQProfile, at: datetime, *records: InductionRecord | None
) -> None:
    # The upstream touch chain: induction record -> profile -> user, so `updated_since` sees every change.
    _touch(at, *records, profile, store.users[profile.user_id])


def _require(mapping: Mapping[str, T], key: str, what: str) -> T:
    try:
        return mapping[key]
    except KeyError:
        raise ValueError(f"unknown {what} {key!r}") from None


def _require_cohort(store: Store, cohort: int) -> None:
    if store.reference.cohort(cohort) is None:
        raise ValueError(f"unknown cohort {cohort}")


# -- organisations --------------------------------------------------------------------------------


def create_lead_provider(store: Store, *, name: str, token: str, has_ecf: bool, has_npq: bool,
                         now: datetime) -> LeadProvider:
    if not (has_ecf or has_npq):
        raise ValueError("a lead provider needs an ECF or an NPQ side")
    if store.provider_by_token(token) is not None:
        raise ValueError("token already in use")
    provider = LeadProvider(store.new_id(), name, token, has_ecf, has_npq, now)
    store.lead_providers[provider.id] = provider
    return provider


def create_delivery_partner(store: Store, *, name: str, now: datetime) -> DeliveryPartner:
    partner = DeliveryPartner(store.new_id(), name, now, now)
    store.delivery_partners[partner.id] = partner
    return partner


def add_provider_relationship(store: Store, *, lead_provider_id: str, delivery_partner_id: str,
                              cohort: int) -> ProviderRelationship:
    if not _require(store.lead_providers, lead_provider_id, "lead provider").has_ecf:
        raise ValueError("delivery partners only work with ECF providers")
    _require(store.delivery_partners, delivery_partner_id, "delivery partner")
    _require_cohort(store, cohort)
    relationship = ProviderRelationship(lead_provider_id, delivery_partner_id, cohort)
    store.provider_relationships.add(relationship)
    return relationship


def create_school(store: Store, *, name: str, urn: str, now: datetime, eligible: bool = True,
                  cip_only: bool = False) -> School:
    if any(s.urn == urn for s in store.schools.values()):
        raise ValueError(f"URN {urn} already in use")
    school = School(store.new_id(), urn, name, eligible, cip_only, now, now)
    store.schools[school.id] = school
    return school


def set_school_cohort(store: Store, *, school_id: str, cohort: int, induction_programme_choice: str,
                      now: datetime) -> SchoolCohort:
    _require(store.schools, school_id, "school")
    _require_cohort(store, cohort)
    current = store.school_cohorts.get((school_id, cohort))
    if current is None:
        current = SchoolCohort(school_id, cohort, induction_programme_choice, now, now)
        store.school_cohorts[(school_id, cohort)] = current
    else:
        current.induction_programme_choice = induction_programme_choice
        _touch(now, current)
    return current


def create_partnership(store: Store, *, lead_provider_id: str, school_id: str, delivery_partner_id: str,
                       cohort: int, now: datetime, relationship: bool = False,
                       induction_tutor_name: str | None = None,
                       induction_tutor_email: str | None = None) -> Partnership:
    relationship_key = ProviderRelationship(lead_provider_id, delivery_partner_id, cohort)
    if relationship_key not in store.provider_relationships:
        raise ValueError("the delivery partner does not work with this provider in this cohort")
    _require(store.schools, school_id, "school")
    partnership = Partnership(
        store.new_id(), lead_provider_id, school_id, delivery_partner_id, cohort, now, now,
        relationship=relationship, induction_tutor_name=induction_tutor_name,
        induction_tutor_email=induction_tutor_email,
    )
    store.partnerships[partnership.id] = partnership
    # A confirmed partnership means the school runs a provider-led programme (FIP) that cohort, as upstream.
    if not relationship and (school_id, cohort) not in store.school_cohorts:
        set_school_cohort(store, school_id=school_id, cohort=cohort,
                          induction_programme_choice="full_induction_programme", now=now)
    return partnership


def challenge_partnership(store: Store, *, partnership_id: str, reason: str, now: datetime) -> Partnership:
    partnership = _require(store.partnerships, partnership_id, "partnership")
    partnership.challenged_reason, partnership.challenged_at = reason, now
    _touch(now, partnership)
    if reason == "no_ects":
        set_school_cohort(store, school_id=partnership.school_id, cohort=partnership.cohort,
                          induction_programme_choice="no_early_career_teachers", now=now)
    return partnership


# -- ECF participants -----------------------------------------------------------------------------


def create_user(store: Store, *, full_name: str, email: str, teacher_reference_number: str | None,
                now: datetime) -> User:
    return store.add_user(User(store.new_id(), full_name, email, teacher_reference_number, now, now))


def _mentor_profile(store: Store, mentor_profile_id: str | None) -> None:
    if mentor_profile_id is not None:
        if _require(store.ecf_profiles, mentor_profile_id, "profile").participant_type != "mentor":
            raise ValueError("a mentor must be a mentor profile")


def register_participant(store: Store, *, user_id: str, participant_type: str, partnership_id: str,
                         now: datetime, schedule_identifier: str = "ecf-standard-september",
                         start_date: datetime | None = None, mentor_profile_id: str | None = None,
                         preferred_email: str | None = None) -> tuple[ECFProfile, InductionRecord]:
    """A school registers an ECT or mentor: a profile and its first induction record, in the partnership's
    cohort."""
    user = _require(store.users, user_id, "user")
    partnership = _require(store.partnerships, partnership_id, "partnership")
    if participant_type not in ("ect", "mentor"):
        raise ValueError(f"unknown participant type {participant_type!r}")
    if any(p.participant_type == participant_type for p in store.ecf_profiles_of(user.id)):
        raise ValueError(f"user already has an {participant_type} profile")
    schedule = store.reference.schedule(schedule_identifier, partnership.cohort)
    course = "ecf-induction" if participant_type == "ect" else "ecf-mentor"
    if schedule is None or course not in schedule.permitted_courses:
        raise ValueError(f"schedule {schedule_identifier} {partnership.cohort} is not valid for {course}")
    if participant_type == "mentor" and mentor_profile_id is not None:
        raise ValueError("only ECTs have mentors")
    _mentor_profile(store, mentor_profile_id)
    profile = store.add_ecf_profile(ECFProfile(store.new_id(), user.id, participant_type, schedule_identifier,
                                               partnership.cohort, "active", now, now))
    record = store.add_induction_record(InductionRecord(
        store.new_id(), profile.id, partnership.id, schedule_identifier, partnership.cohort, "active",
        "active", start_date or now, now, now, mentor_profile_id=mentor_profile_id,
        preferred_email=preferred_email))
    _touch_profile(store, profile, now, record)
    if mentor_profile_id is not None:
        _touch(now, store.users[store.ecf_profiles[mentor_profile_id].user_id])
    return profile, record


def assign_mentor(store: Store, *, record_id: str, mentor_profile_id: str | None,
                  now: datetime) -> InductionRecord:
    record = _require(store.induction_records, record_id, "induction record")
    profile = store.ecf_profiles[record.profile_id]
    if profile.participant_type != "ect":
        raise ValueError("only ECTs have mentors")
    _mentor_profile(store, mentor_profile_id)
    record.mentor_profile_id = mentor_profile_id
    _touch_profile(store, profile, now, record)
    if mentor_profile_id is not None:
        # Upstream touches the mentor too, so the change reaches unfunded-mentor readers.
        _touch(now, store.users[store.ecf_profiles[mentor_profile_id].user_id])
    return record


def set_eligibility(store: Store, *, profile_id: str, eligibility: str | None, now: datetime,
                    reason: str | None = None, pupil_premium_uplift: bool | None = None,
                    sparsity_uplift: bool | None = None) -> ECFProfile:
    """`eligibility` None means unchecked; `reason` (e.g. `different_trn`) is kept only when ineligible."""
    if eligibility not in (None, "eligible", "ineligible"):
        raise ValueError(f"unknown eligibility {eligibility!r}")
    profile = _require(store.ecf_profiles, profile_id, "profile")
    profile.eligibility = eligibility
    profile.ineligibility_reason = reason if eligibility == "ineligible" else None
    if pupil_premium_uplift is not None:
        profile.pupil_premium_uplift = pupil_premium_uplift
    if sparsity_uplift is not None:
        profile.sparsity_uplift = sparsity_uplift
    _touch_profile(store, profile, now)
    return profile


def set_teacher_reference_number(store: Store, *, user_id: str, trn: str | None, now: datetime) -> User:
    user = _require(store.users, user_id, "user")
    user.teacher_reference_number = trn
    _touch(now, user)
    return user


def set_induction_end_date(store: Store, *, profile_id: str, induction_end_date: date | None,
                           now: datetime) -> None:
    """DQT reports when an ECT's induction ended."""
    profile = _require(store.ecf_profiles, profile_id, "profile")
    profile.induction_end_date = induction_end_date
    _touch_profile(store, profile, now)


def set_mentor_funding_end_date(store: Store, *, profile_id: str, end_date: date | None, reason: str | None,
                                now: datetime) -> None:
    profile = _require(store.ecf_profiles, profile_id, "profile")
    if profile.participant_type != "mentor":
        raise ValueError("only mentors have a funding end date")
    profile.mentor_funding_end_date = end_date
    profile.mentor_ineligible_for_funding_reason = reason
    _touch_profile(store, profile, now)


def _current_record(store: Store, profile: ECFProfile, provider_id: str | None = None) -> InductionRecord:
    records = [
        r for r in store.records_of(profile.id)
        if provider_id is None or store.partnerships[r.partnership_id].lead_provider_id == provider_id
    ]
    if not records:
        raise ValueError("the profile has no induction record here")
    return max(records, key=lambda r: (r.end_date is None, r.start_date, r.created_at))


def record_school_transfer(store: Store, *, profile_id: str, leaving_date: datetime, now: datetime,
                           to_partnership_id: str | None = None, joining_date: datetime | None = None,
                           mentor_profile_id: str | None = None,
                           ) -> tuple[InductionRecord, InductionRecord | None]:
    """The old school reports the participant leaving (its record gets the end date); the new school, when
    known, registers them under its partnership (same provider or another) on the same schedule."""
    profile = _require(store.ecf_profiles, profile_id, "profile")
    leaving = _current_record(store, profile)
    if leaving.end_date is not None:
        raise ValueError("the participant is already leaving")
    old = store.partnerships[leaving.partnership_id]
    partnership = None
    if to_partnership_id is not None:
        partnership = _require(store.partnerships, to_partnership_id, "partnership")
        if partnership.cohort != profile.cohort or partnership.school_id == old.school_id:
            raise ValueError("a transfer joins another school in the participant's cohort")
    _mentor_profile(store, mentor_profile_id)
    leaving.induction_status, leaving.end_date = "leaving", leaving_date
    joining = None
    if partnership is not None:
        # A new provider starts them active; the same provider carries its training status over.
        status = leaving.training_status if partnership.lead_provider_id == old.lead_provider_id else "active"
        joining = store.add_induction_record(InductionRecord(
            store.new_id(), profile.id, partnership.id, profile.schedule_identifier, profile.cohort, status,
            "active", joining_date or leaving_date, now, now, mentor_profile_id=mentor_profile_id,
            school_transfer=True, preferred_email=leaving.preferred_email))
    _touch_profile(store, profile, now, leaving, joining)
    return leaving, joining


def change_cohort_after_payments_frozen(store: Store, *, profile_id: str, partnership_id: str,
                                        schedule_identifier: str, now: datetime) -> InductionRecord:
    """DfE moves an unfinished participant of a frozen cohort into a later one (domain.md §4.9): the old
    record is closed as `changed`; a new one opens under the school's partnership for the new cohort."""
    profile = _require(store.ecf_profiles, profile_id, "profile")
    frozen = store.reference.cohort(profile.cohort)
    if frozen is None or frozen.payments_frozen_at is None:
        raise ValueError("only participants of a payments-frozen cohort are migrated")
    partnership = _require(store.partnerships, partnership_id, "partnership")
    schedule = store.reference.schedule(schedule_identifier, partnership.cohort)
    if schedule is None or profile.course_identifier not in schedule.permitted_courses:
        raise ValueError(f"schedule {schedule_identifier} {partnership.cohort} is not valid")
    old = _current_record(store, profile)
    old.induction_status, old.end_date = "changed", now
    record = store.add_induction_record(InductionRecord(
        store.new_id(), profile.id, partnership.id, schedule_identifier, partnership.cohort,
        old.training_status, "active", now, now, now, mentor_profile_id=old.mentor_profile_id,
        preferred_email=old.preferred_email))
    profile.schedule_identifier, profile.cohort = schedule_identifier, partnership.cohort
    profile.cohort_changed_after_payments_frozen = True
    _touch_profile(store, profile, now, old, record)
    return record


def record_training_status(store: Store, *, profile_id: str, lead_provider_id: str, state: str,
                           reason: str | None, now: datetime) -> ProfileState:
    """A provider withdrew, deferred or resumed a participant (ECF or NPQ profile). Seed-level: the
    provider-facing rules (reasons, self-transitions, declarations needed) belong to the API verbs."""
    if state not in ("active", "deferred", "withdrawn"):
        raise ValueError(f"unknown training status {state!r}")
    entry = ProfileState(state, reason, lead_provider_id, now)
    if profile_id in store.npq_profiles:
        npq = store.npq_profiles[profile_id]
        if npq.lead_provider_id != lead_provider_id:
            raise ValueError("another provider's NPQ participant")
        npq.training_status = state
        npq.states.append(entry)
        _touch_profile(store, npq, now)
        return entry
    profile = _require(store.ecf_profiles, profile_id, "profile")
    # The status lives on the provider's own record, so another provider's view is unaffected.
    record = _current_record(store, profile, lead_provider_id)
    record.training_status = profile.training_status = state
    profile.states.append(entry)
    _touch_profile(store, profile, now, record)
    return entry


def merge_users(store: Store, *, from_user_id: str, to_user_id: str, now: datetime) -> User:
    """DfE merges a duplicate: everything moves to the survivor and the old id keeps resolving to it."""
    if from_user_id == to_user_id:
        raise ValueError("cannot merge a user into itself")
    old = _require(store.users, from_user_id, "user")
    survivor = _require(store.users, to_user_id, "user")
    kinds = {p.participant_type for p in store.ecf_profiles_of(survivor.id)}
    if any(p.participant_type in kinds for p in store.ecf_profiles_of(old.id)):
        raise ValueError("both users have a profile of the same type")
    for index, records in (
        (store.profiles_by_user, store.ecf_profiles),
        (store.applications_by_user, store.npq_applications),
        (store.declarations_by_user, store.declarations),
    ):
        for record_id in index.pop(old.id, []):
            records[record_id].user_id = survivor.id
            index[survivor.id].append(record_id)
    for record in [*store.npq_profiles.values(), *store.outcomes.values()]:
        if record.user_id == old.id:
            record.user_id = survivor.id
    survivor.participant_id_changes.extend(old.participant_id_changes)
    survivor.participant_id_changes.append(ParticipantIdChange(old.id, survivor.id, now))
    for retired, target in store.retired_user_ids.items():
        if target == old.id:
            store.retired_user_ids[retired] = survivor.id
    store.retired_user_ids[old.id] = survivor.id
    del store.users[old.id]
    _touch(now, survivor)
    return survivor


# -- NPQ ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationDetails:
    """What the applicant and DfE's eligibility checks put on an NPQ application."""

    eligible_for_funding: bool = False
    funding_choice: str | None = None
    headteacher_status: str | None = None
    ineligible_for_funding_reason: str | None = None
    employer_name: str | None = None
    employment_role: str | None = None
    school_urn: str | None = None
    school_ukprn: str | None = None
    private_childcare_provider_urn: str | None = None
    teacher_reference_number_validated: bool = False
    works_in_school: bool = True
    targeted_delivery_funding_eligibility: bool = False
    teacher_catchment: bool = True
    teacher_catchment_iso_country_code: str | None = "GBR"
    teacher_catchment_country: str | None = "United Kingdom of Great Britain and Northern Ireland"
    itt_provider: str | None = None
    lead_mentor: bool = False


def create_npq_application(store: Store, *, user_id: str, lead_provider_id: str, course_identifier: str,
                           cohort: int, now: datetime, details: ApplicationDetails | None = None,
                           ) -> NPQApplication:
    _require(store.users, user_id, "user")
    if not _require(store.lead_providers, lead_provider_id, "lead provider").has_npq:
        raise ValueError("the provider has no NPQ side")
    if not store.reference.is_npq_course(course_identifier):
        raise ValueError(f"{course_identifier!r} is not an NPQ course")
    _require_cohort(store, cohort)
    details = details or ApplicationDetails()
    values = {f.name: getattr(details, f.name) for f in fields(details)}
    return store.add_npq_application(NPQApplication(
        store.new_id(), user_id, lead_provider_id, course_identifier, cohort, "pending", now, now, **values))


def create_npq_contract(store: Store, *, lead_provider_id: str, cohort: int, course_identifier: str,
                        funding_cap: int) -> NPQContract:
    if not store.reference.is_npq_course(course_identifier):
        raise ValueError(f"{course_identifier!r} is not an NPQ course")
    contract = NPQContract(lead_provider_id, cohort, course_identifier, funding_cap)
    store.npq_contracts.add(contract)
    return contract


def _capped(store: Store, application: NPQApplication) -> bool:
    return any(
        c.lead_provider_id == application.lead_provider_id and c.cohort == application.cohort
        and c.course_identifier == application.course_identifier and c.funding_cap > 0
        for c in store.npq_contracts
    )


def accept_npq_application(store: Store, *, application_id: str, schedule_identifier: str, now: datetime,
                           funded_place: bool | None = None) -> NPQProfile:
    """Data-level accept: the profile (same id as the application) on the given schedule, and the person's
    other applications for the course and cohort rejected, as upstream does."""
    application = _require(store.npq_applications, application_id, "application")
    if application.status != "pending":
        raise ValueError(f"the application is {application.status}")
    schedule = store.reference.schedule(schedule_identifier, application.cohort)
    if schedule is None or application.course_identifier not in schedule.permitted_courses:
        raise ValueError(f"schedule {schedule_identifier} {application.cohort} is not valid for the course")
    application.status, application.schedule_identifier = "accepted", schedule_identifier
    # `funded_place` only means something where the contract caps funded places (2024 onwards).
    application.funded_place = funded_place if _capped(store, application) else None
    _touch(now, application)
    for other in store.applications_of(application.user_id):
        if (other.id != application.id and other.status == "pending" and other.cohort == application.cohort
                and other.course_identifier == application.course_identifier):
            other.status = "rejected"
            _touch(now, other)
    profile = NPQProfile(application.id, application.user_id, application.lead_provider_id,
                         application.course_identifier, schedule_identifier, application.cohort, "active",
                         now, now)
    store.npq_profiles[profile.id] = profile
    _touch_profile(store, profile, now)
    return profile


def reject_npq_application(store: Store, *, application_id: str, now: datetime) -> NPQApplication:
    application = _require(store.npq_applications, application_id, "application")
    if application.status != "pending":
        raise ValueError(f"the application is {application.status}")
    application.status = "rejected"
    _touch(now, application)
    return application


# -- statements, declarations, outcomes -----------------------------------------------------------


def create_statements(store: Store, *, lead_provider_id: str, as_of: datetime) -> list[Statement]:
    """One statement per planned month for each side the provider has. Statements paid out before `as_of`
    are marked paid, as DfE would have done by then."""
    provider = _require(store.lead_providers, lead_provider_id, "lead provider")
    kinds = [k for k, has in (("ecf", provider.has_ecf), ("npq", provider.has_npq)) if has]
    created = []
    for kind in kinds:
        for cohort in store.reference.cohorts:
            opened = datetime.combine(cohort.registration_start_date, time(8), tzinfo=UTC)
            created_at = min(max(opened, provider.created_at), as_of)
            for plan in store.reference.statement_plans(kind, cohort.start_year):  # type: ignore[arg-type]
                paid = plan.payment_date < as_of.date()
                paid_at = datetime.combine(plan.payment_date, time(12), tzinfo=UTC)
                statement = Statement(
                    store.new_id(), provider.id, kind, cohort.start_year, plan.name, plan.month, plan.year,
                    plan.deadline_date, plan.payment_date, plan.output_fee, created_at,
                    max(created_at, min(paid_at, as_of)) if paid else created_at, paid=paid)
                store.statements[statement.id] = statement
                created.append(statement)
    return created


def _ecf_record_at(store: Store, profile: ECFProfile, provider_id: str,
                   when: datetime) -> InductionRecord | None:
    """The provider's record in force on the declaration date: it names the delivery partner and mentor."""
    started = [
        r for r in store.records_of(profile.id)
        if r.start_date <= when and store.partnerships[r.partnership_id].lead_provider_id == provider_id
    ]
    return max(started, key=lambda r: (r.start_date, r.created_at), default=None)


def _statement_for(store: Store, provider_id: str, kind: str, cohort: int, on: date) -> str:
    """The rules' choice when the caller names none: the next output-fee statement on that day (§4.4)."""
    statement = next_output_statement(store, store.lead_providers[provider_id], kind, cohort, on)
    if statement is None:
        raise ValueError(f"no open {kind} output statement for {cohort} on {on}")
    return statement.id


def _check_statements(store: Store, state: str, key: tuple[str, int, str], line: str | None,
                      clawback: str | None) -> None:
    for statement_id, needed in ((line, state in _ON_STATEMENT), (clawback, state in _CLAWBACK)):
        if needed != (statement_id is not None):
            raise ValueError(f"a {state} declaration {'needs' if needed else 'has no'} such statement")
        if statement_id is not None:
            statement = _require(store.statements, statement_id, "statement")
            if (statement.lead_provider_id, statement.cohort, statement.type) != key:
                raise ValueError("the statement is not the provider's for this cohort and programme")


def record_declaration(store: Store, *, profile_id: str, lead_provider_id: str, declaration_type: str,
                       declaration_date: datetime, state: str, now: datetime, statement_id: str | None = None,
                       clawback_statement_id: str | None = None, evidence_held: str | None = None,
                       ineligible_for_funding_reason: str | None = None,
                       updated_at: datetime | None = None) -> Declaration:
    """A declaration as it stands after its DfE-side history: `now` is when it was submitted, `updated_at`
    its last transition. Cohort, delivery partner, mentor and uplifts are copied as a POST would (§4.4).
    Unnamed statements are chosen by the rules: the line on the submission day, the clawback on the
    `updated_at` day; naming them saves the search (the seed does, for thousands of declarations)."""
    if state not in DECLARATION_STATES:
        raise ValueError(f"unknown declaration state {state!r}")
    if declaration_date > now:
        raise ValueError("a declaration cannot be dated after it was made")
    _require(store.lead_providers, lead_provider_id, "lead provider")
    npq = store.npq_profiles.get(profile_id)
    profile: ECFProfile | NPQProfile = npq or _require(store.ecf_profiles, profile_id, "profile")
    kind = "npq" if npq else "ecf"
    if state in _ON_STATEMENT and statement_id is None:
        statement_id = _statement_for(store, lead_provider_id, kind, profile.cohort, now.date())
    if state in _CLAWBACK and clawback_statement_id is None:
        clawback_statement_id = _statement_for(store, lead_provider_id, kind, profile.cohort,
                                               (updated_at or now).date())
    _check_statements(store, state, (lead_provider_id, profile.cohort, kind), statement_id,
                      clawback_statement_id)
    declaration = Declaration(
        store.new_id(), profile.user_id, profile.id, lead_provider_id, profile.course_identifier,
        declaration_type, declaration_date, state, profile.cohort, now, max(now, updated_at or now),
        evidence_held=evidence_held, ineligible_for_funding_reason=ineligible_for_funding_reason,
        statement_id=statement_id, clawback_statement_id=clawback_statement_id,
    )
    if isinstance(profile, ECFProfile):
        record = _ecf_record_at(store, profile, lead_provider_id, declaration_date)
        if record is not None:
            declaration.delivery_partner_id = store.partnerships[record.partnership_id].delivery_partner_id
            if record.mentor_profile_id is not None:
                declaration.mentor_user_id = store.ecf_profiles[record.mentor_profile_id].user_id
        declaration.pupil_premium_uplift = profile.pupil_premium_uplift
        declaration.sparsity_uplift = profile.sparsity_uplift
    store.add_declaration(declaration)
    if (isinstance(profile, ECFProfile) and profile.participant_type == "mentor"
            and declaration_type == "completed" and state in _BILLABLE):
        set_mentor_funding_end_date(store, profile_id=profile.id, end_date=declaration_date.date(),
                                    reason="completed_declaration_received", now=now)
    return declaration


def record_npq_outcome(store: Store, *, declaration_id: str, state: str, completion_date: date,
                       now: datetime) -> Outcome:
    declaration = _require(store.declarations, declaration_id, "declaration")
    if not declaration.is_npq or declaration.declaration_type != "completed":
        raise ValueError("outcomes belong to NPQ completed declarations")
    if state not in ("passed", "failed", "voided"):
        raise ValueError(f"unknown outcome state {state!r}")
    return store.add_outcome(
        Outcome(store.new_id(), declaration.id, declaration.user_id, declaration.lead_provider_id,
                declaration.course_identifier, state, completion_date, now, now)
    )
