"""DfE- and school-side changes to the world (domain.md §7): what the seed builds the world with and
what the control API calls for events.

These are not the provider-facing verbs: they do not apply the API's validation rules. Where a
provider or control-API verb exists for the same change, it checks the request and then calls the one
here, which is named apart from it (`add_partnership` for `create_partnership`, `record_*` for the
events). They keep the
records, the store's indexes and the touch chain consistent, and refuse data that would break an
invariant the reads rely on with ValueError, since such data is a caller's bug rather than a user error.
Every timestamp is passed in; ids come from `store.new_id()`.
"""

from __future__ import annotations

from datetime import date, datetime

from sandbox.domain.world.entities import (
    DeliveryPartner,
    ECFProfile,
    InductionRecord,
    LeadProvider,
    ParticipantIdChange,
    Partnership,
    ProfileState,
    ProviderRelationship,
    School,
    SchoolCohort,
    SchoolLedPeriod,
    User,
    ecf_course,
)
from sandbox.domain.world.stamps import require, require_cohort, touch, touch_profile
from sandbox.store import Store

# -- organisations --------------------------------------------------------------------------------


def require_schedule(store: Store, identifier: str, cohort: int, participant_type: str) -> None:
    """The schedule exists in the cohort and trains the role's course (else a ValueError)."""
    schedule = store.reference.schedule(identifier, cohort)
    course = ecf_course(participant_type)
    if schedule is None or course not in schedule.permitted_courses:
        raise ValueError(f"schedule {identifier} {cohort} is not valid for {course}")


def create_lead_provider(
    store: Store, *, name: str, token: str, has_ecf: bool, has_npq: bool, now: datetime
) -> LeadProvider:
    if not (has_ecf or has_npq):
        raise ValueError("a lead provider needs an ECF or an NPQ side")
    if store.provider_by_token(token) is not None:
        raise ValueError("token already in use")
    provider = LeadProvider(store.new_id(), name, token, has_ecf, has_npq, now)
    store.add_lead_provider(provider)
    return provider


def create_delivery_partner(store: Store, *, name: str, now: datetime) -> DeliveryPartner:
    partner = DeliveryPartner(store.new_id(), name, now, now)
    store.delivery_partners[partner.id] = partner
    return partner


def add_provider_relationship(
    store: Store, *, lead_provider_id: str, delivery_partner_id: str, cohort: int
) -> ProviderRelationship:
    if not require(store.lead_providers, lead_provider_id, "lead provider").has_ecf:
        raise ValueError("delivery partners only work with ECF providers")
    require(store.delivery_partners, delivery_partner_id, "delivery partner")
    require_cohort(store, cohort)
    relationship = ProviderRelationship(lead_provider_id, delivery_partner_id, cohort)
    store.provider_relationships.add(relationship)
    return relationship


def create_school(
    store: Store,
    *,
    name: str,
    urn: str,
    now: datetime,
    eligible: bool = True,
    cip_only: bool = False,
    induction_tutor: tuple[str, str] | None = None,
) -> School:
    """`induction_tutor`: the school's induction tutor's name and email, if it has named one."""
    if store.school_with_urn(urn) is not None:
        raise ValueError(f"URN {urn} already in use")
    tutor_name, tutor_email = induction_tutor or (None, None)
    return store.add_school(
        School(store.new_id(), urn, name, eligible, cip_only, now, now, tutor_name, tutor_email)
    )


def set_school_cohort(
    store: Store, *, school_id: str, cohort: int, induction_programme_choice: str, now: datetime
) -> SchoolCohort:
    require(store.schools, school_id, "school")
    require_cohort(store, cohort)
    current = store.school_cohorts.get((school_id, cohort))
    if current is None:
        current = SchoolCohort(school_id, cohort, induction_programme_choice, now, now)
        store.add_school_cohort(current)
    else:
        current.induction_programme_choice = induction_programme_choice
        touch(now, current)
    return current


def add_partnership(
    store: Store,
    *,
    lead_provider_id: str,
    school_id: str,
    delivery_partner_id: str,
    cohort: int,
    now: datetime,
    relationship: bool = False,
) -> Partnership:
    relationship_key = ProviderRelationship(lead_provider_id, delivery_partner_id, cohort)
    if relationship_key not in store.provider_relationships:
        raise ValueError("the delivery partner does not work with this provider in this cohort")
    require(store.schools, school_id, "school")
    partnership = Partnership(
        store.new_id(),
        lead_provider_id,
        school_id,
        delivery_partner_id,
        cohort,
        now,
        now,
        relationship=relationship,
    )
    store.add_partnership(partnership)
    # A confirmed partnership means the school runs a provider-led programme (FIP) that cohort, as upstream.
    if not relationship and (school_id, cohort) not in store.school_cohorts:
        set_school_cohort(
            store,
            school_id=school_id,
            cohort=cohort,
            induction_programme_choice="full_induction_programme",
            now=now,
        )
    return partnership


def record_challenge(store: Store, *, partnership_id: str, reason: str, now: datetime) -> Partnership:
    partnership = require(store.partnerships, partnership_id, "partnership")
    partnership.challenged_reason, partnership.challenged_at = reason, now
    touch(now, partnership)
    if reason == "no_ects":
        set_school_cohort(
            store,
            school_id=partnership.school_id,
            cohort=partnership.cohort,
            induction_programme_choice="no_early_career_teachers",
            now=now,
        )
    return partnership


# -- ECF participants -----------------------------------------------------------------------------


def create_user(
    store: Store, *, full_name: str, email: str, teacher_reference_number: str | None, now: datetime
) -> User:
    return store.add_user(User(store.new_id(), full_name, email, teacher_reference_number, now, now))


def _mentor_profile(store: Store, mentor_profile_id: str | None) -> None:
    if mentor_profile_id is not None:
        if require(store.ecf_profiles, mentor_profile_id, "profile").participant_type != "mentor":
            raise ValueError("a mentor must be a mentor profile")


def record_registration(
    store: Store,
    *,
    user_id: str,
    participant_type: str,
    partnership_id: str,
    now: datetime,
    schedule_identifier: str = "ecf-standard-september",
    start_date: datetime | None = None,
    mentor_profile_id: str | None = None,
    preferred_email: str | None = None,
) -> tuple[ECFProfile, InductionRecord]:
    """A school registers an ECT or mentor: a profile and its first induction record, in the partnership's
    cohort."""
    user = require(store.users, user_id, "user")
    partnership = require(store.partnerships, partnership_id, "partnership")
    if participant_type not in ("ect", "mentor"):
        raise ValueError(f"unknown participant type {participant_type!r}")
    if any(p.participant_type == participant_type for p in store.ecf_profiles_of(user.id)):
        raise ValueError(f"user already has an {participant_type} profile")
    require_schedule(store, schedule_identifier, partnership.cohort, participant_type)
    if participant_type == "mentor" and mentor_profile_id is not None:
        raise ValueError("only ECTs have mentors")
    _mentor_profile(store, mentor_profile_id)
    profile = store.add_ecf_profile(
        ECFProfile(
            store.new_id(),
            user.id,
            participant_type,
            schedule_identifier,
            partnership.cohort,
            "active",
            now,
            now,
        )
    )
    record = store.add_induction_record(
        InductionRecord(
            store.new_id(),
            profile.id,
            partnership.id,
            schedule_identifier,
            partnership.cohort,
            "active",
            "active",
            start_date or now,
            now,
            now,
            mentor_profile_id=mentor_profile_id,
            preferred_email=preferred_email,
        )
    )
    touch_profile(store, profile, now, record)
    if participant_type == "mentor":
        user.unfunded_mentor_updated_at = now
    if mentor_profile_id is not None:
        touch(now, store.users[store.ecf_profiles[mentor_profile_id].user_id])
    return profile, record


def record_mentor(
    store: Store, *, record_id: str, mentor_profile_id: str | None, now: datetime
) -> InductionRecord:
    record = require(store.induction_records, record_id, "induction record")
    profile = store.ecf_profiles[record.profile_id]
    if profile.participant_type != "ect":
        raise ValueError("only ECTs have mentors")
    _mentor_profile(store, mentor_profile_id)
    record.mentor_profile_id = mentor_profile_id
    touch_profile(store, profile, now, record)
    if mentor_profile_id is not None:
        # Upstream touches the mentor too, so the change reaches unfunded-mentor readers.
        touch(now, store.users[store.ecf_profiles[mentor_profile_id].user_id])
    return record


def record_eligibility(
    store: Store,
    *,
    profile_id: str,
    eligibility: str | None,
    now: datetime,
    reason: str | None = None,
    pupil_premium_uplift: bool | None = None,
    sparsity_uplift: bool | None = None,
) -> ECFProfile:
    """`eligibility` None means unchecked; `reason` (e.g. `different_trn`) is kept only when ineligible."""
    if eligibility not in (None, "eligible", "ineligible"):
        raise ValueError(f"unknown eligibility {eligibility!r}")
    profile = require(store.ecf_profiles, profile_id, "profile")
    profile.eligibility = eligibility
    profile.ineligibility_reason = reason if eligibility == "ineligible" else None
    if pupil_premium_uplift is not None:
        profile.pupil_premium_uplift = pupil_premium_uplift
    if sparsity_uplift is not None:
        profile.sparsity_uplift = sparsity_uplift
    touch_profile(store, profile, now)
    return profile


def set_teacher_reference_number(store: Store, *, user_id: str, trn: str | None, now: datetime) -> User:
    user = require(store.users, user_id, "user")
    user.teacher_reference_number = trn
    user.unfunded_mentor_updated_at = now
    store.note_trn(user)
    touch(now, user)
    return user


def archive_user(store: Store, *, user_id: str, now: datetime) -> User:
    """DfE archives a person's account; the address stays on the user for the contracts that show it."""
    user = require(store.users, user_id, "user")
    user.archived = True
    touch(now, user)
    return user


def set_induction_end_date(
    store: Store, *, profile_id: str, induction_end_date: date | None, now: datetime
) -> None:
    """DQT reports when an ECT's induction ended."""
    profile = require(store.ecf_profiles, profile_id, "profile")
    profile.induction_end_date = induction_end_date
    touch_profile(store, profile, now)


def set_induction_start_date(
    store: Store, *, profile_id: str, start_date: date | None, now: datetime
) -> None:
    """An appropriate body (or the Teaching Record System) reports when an ECT's induction began."""
    profile = _ect(store, profile_id)
    profile.induction_start_date = start_date
    touch_profile(store, profile, now)


def set_working_pattern(store: Store, *, profile_id: str, working_pattern: str | None) -> None:
    """The school records whether its ECT works full or part time. RECT does not move `updated_at` for
    it (rect.md §5.1), so nothing is touched."""
    if working_pattern not in (None, "full_time", "part_time"):
        raise ValueError(f"unknown working pattern {working_pattern!r}")
    _ect(store, profile_id).working_pattern = working_pattern


def _ect(store: Store, profile_id: str) -> ECFProfile:
    profile = require(store.ecf_profiles, profile_id, "profile")
    if profile.participant_type != "ect":
        raise ValueError("only ECTs have an induction and a working pattern")
    return profile


def set_mentor_funding_end_date(
    store: Store, *, profile_id: str, end_date: date | None, reason: str | None, now: datetime
) -> None:
    profile = require(store.ecf_profiles, profile_id, "profile")
    if profile.participant_type != "mentor":
        raise ValueError("only mentors have a funding end date")
    profile.mentor_funding_end_date = end_date
    profile.mentor_ineligible_for_funding_reason = reason
    touch_profile(store, profile, now)


def _current_record(store: Store, profile: ECFProfile, provider_id: str | None = None) -> InductionRecord:
    records = [
        r
        for r in store.records_of(profile.id)
        if provider_id is None or store.partnerships[r.partnership_id].lead_provider_id == provider_id
    ]
    if not records:
        raise ValueError("the profile has no induction record here")
    return max(records, key=lambda r: (r.end_date is None, r.start_date, r.created_at))


def _next_record(
    store: Store,
    previous: InductionRecord,
    partnership: Partnership,
    *,
    schedule_identifier: str,
    starts: datetime,
    now: datetime,
    mentor_profile_id: str | None,
    training_status: str | None = None,
    school_transfer: bool = False,
) -> InductionRecord:
    """The record that follows `previous` under `partnership`, with its email. Unless told the status,
    a new provider starts the person active and the same provider carries its training status over."""
    if training_status is None:
        same = partnership.lead_provider_id == store.partnerships[previous.partnership_id].lead_provider_id
        training_status = previous.training_status if same else "active"
    return store.add_induction_record(
        InductionRecord(
            store.new_id(),
            previous.profile_id,
            partnership.id,
            schedule_identifier,
            partnership.cohort,
            training_status,
            "active",
            starts,
            now,
            now,
            mentor_profile_id=mentor_profile_id,
            school_transfer=school_transfer,
            preferred_email=previous.preferred_email,
        )
    )


def record_school_transfer(
    store: Store,
    *,
    profile_id: str,
    leaving_date: datetime,
    now: datetime,
    to_partnership_id: str | None = None,
    joining_date: datetime | None = None,
    mentor_profile_id: str | None = None,
) -> tuple[InductionRecord, InductionRecord | None]:
    """The old school reports the participant leaving (its record gets the end date); the new school, when
    known, registers them under its partnership (same provider or another) on the same schedule."""
    profile = require(store.ecf_profiles, profile_id, "profile")
    leaving = _current_record(store, profile)
    if leaving.end_date is not None:
        raise ValueError("the participant is already leaving")
    old = store.partnerships[leaving.partnership_id]
    partnership = None
    if to_partnership_id is not None:
        partnership = require(store.partnerships, to_partnership_id, "partnership")
        if partnership.cohort != profile.cohort or partnership.school_id == old.school_id:
            raise ValueError("a transfer joins another school in the participant's cohort")
    _mentor_profile(store, mentor_profile_id)
    leaving.induction_status, leaving.end_date = "leaving", leaving_date
    leaving.school_leave_date = leaving_date
    joining = None
    if partnership is not None:
        joining = _next_record(
            store,
            leaving,
            partnership,
            schedule_identifier=profile.schedule_identifier,
            starts=joining_date or leaving_date,
            now=now,
            mentor_profile_id=mentor_profile_id,
            school_transfer=True,
        )
    if joining is not None and profile.participant_type == "mentor":
        store.users[profile.user_id].unfunded_mentor_updated_at = now  # a stay at another school
    touch_profile(store, profile, now, leaving, joining)
    return leaving, joining


def record_partnership_change(
    store: Store,
    *,
    profile_id: str,
    to_partnership_id: str,
    ends: datetime,
    starts: datetime,
    now: datetime,
) -> tuple[InductionRecord, InductionRecord]:
    """The school moves the role to another partnership at the same school: the next cohort's (a
    roll-over) or another provider's. The current record ends (`changed`) and a new one starts, on the
    same schedule in the new partnership's cohort."""
    profile = require(store.ecf_profiles, profile_id, "profile")
    current = _current_record(store, profile)
    old = store.partnerships[current.partnership_id]
    partnership = require(store.partnerships, to_partnership_id, "partnership")
    if partnership.school_id != old.school_id or partnership.id == old.id:
        raise ValueError("a partnership change stays at the school and changes the partnership")
    if not current.start_date <= ends < starts:
        raise ValueError("the new record starts after the current one ends")
    schedule = store.reference.schedule(profile.schedule_identifier, partnership.cohort)
    if schedule is None or profile.course_identifier not in schedule.permitted_courses:
        raise ValueError(f"schedule {profile.schedule_identifier} {partnership.cohort} is not valid")
    current.induction_status, current.end_date = "changed", ends
    record = _next_record(
        store,
        current,
        partnership,
        schedule_identifier=profile.schedule_identifier,
        starts=starts,
        now=now,
        mentor_profile_id=current.mentor_profile_id,
    )
    profile.cohort = partnership.cohort
    touch_profile(store, profile, now, current, record)
    return current, record


def record_school_led_period(
    store: Store,
    *,
    profile_id: str,
    school_id: str,
    start_date: datetime,
    now: datetime,
    end_date: datetime | None = None,
) -> SchoolLedPeriod:
    """A school trains the role itself for a stretch (RECT's school-led training). It may not overlap
    the role's provider-led records: a person trains one way at a time."""
    profile = require(store.ecf_profiles, profile_id, "profile")
    require(store.schools, school_id, "school")
    if end_date is not None and end_date < start_date:
        raise ValueError("a school-led period cannot end before it starts")
    for other in store.records_of(profile.id):
        if other.start_date <= (end_date or other.start_date) and (
            other.end_date is None or other.end_date >= start_date
        ):
            raise ValueError("a school-led period cannot overlap provider-led training")
    period = SchoolLedPeriod(store.new_id(), school_id, start_date, now, end_date)
    profile.school_led_periods = tuple(
        sorted((*profile.school_led_periods, period), key=lambda p: (p.start_date, p.created_at))
    )
    touch_profile(store, profile, now)
    return period


def record_provider_switch(
    store: Store, *, profile_id: str, to_partnership_id: str, starting: datetime, now: datetime
) -> InductionRecord:
    """The school keeps the participant but moves their training to another provider's partnership at the
    same school, in the same cohort (RECT: a new training period in the same school period). The
    current record ends when the new one starts, unless it has ended already (a withdrawal, say)."""
    profile = require(store.ecf_profiles, profile_id, "profile")
    current = _current_record(store, profile)
    old = store.partnerships[current.partnership_id]
    partnership = require(store.partnerships, to_partnership_id, "partnership")
    if (partnership.school_id, partnership.cohort) != (old.school_id, profile.cohort):
        raise ValueError("a provider switch stays at the school and in the participant's cohort")
    if partnership.lead_provider_id == old.lead_provider_id:
        raise ValueError("a provider switch changes the provider")
    if current.end_date is None or current.end_date > starting:
        current.end_date = starting
    record = _next_record(
        store,
        current,
        partnership,
        schedule_identifier=profile.schedule_identifier,
        starts=starting,
        now=now,
        mentor_profile_id=current.mentor_profile_id,
    )
    touch_profile(store, profile, now, current, record)
    return record


def change_cohort_after_payments_frozen(
    store: Store, *, profile_id: str, partnership_id: str, schedule_identifier: str, now: datetime
) -> InductionRecord:
    """DfE moves an unfinished participant of a frozen cohort into a later one (domain.md §4.9): the old
    record is closed as `changed`; a new one opens under the school's partnership for the new cohort."""
    profile = require(store.ecf_profiles, profile_id, "profile")
    frozen = store.reference.cohort(profile.cohort)
    if frozen is None or frozen.payments_frozen_at is None:
        raise ValueError("only participants of a payments-frozen cohort are migrated")
    partnership = require(store.partnerships, partnership_id, "partnership")
    schedule = store.reference.schedule(schedule_identifier, partnership.cohort)
    if schedule is None or profile.course_identifier not in schedule.permitted_courses:
        raise ValueError(f"schedule {schedule_identifier} {partnership.cohort} is not valid")
    old = _current_record(store, profile)
    old.induction_status, old.end_date = "changed", now
    record = _next_record(
        store,
        old,
        partnership,
        schedule_identifier=schedule_identifier,
        starts=now,
        now=now,
        mentor_profile_id=old.mentor_profile_id,
        training_status=old.training_status,
    )
    profile.schedule_identifier, profile.cohort = schedule_identifier, partnership.cohort
    profile.cohort_changed_after_payments_frozen = True
    touch_profile(store, profile, now, old, record)
    return record


def record_training_status(
    store: Store, *, profile_id: str, lead_provider_id: str, state: str, reason: str | None, now: datetime
) -> ProfileState:
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
        npq.states = (*npq.states, entry)
        touch_profile(store, npq, now)
        return entry
    profile = require(store.ecf_profiles, profile_id, "profile")
    # The status lives on the provider's own record, so another provider's view is unaffected.
    record = _current_record(store, profile, lead_provider_id)
    record.training_status = profile.training_status = state
    profile.states = (*profile.states, entry)
    touch_profile(store, profile, now, record)
    return entry


def merge_users(store: Store, *, from_user_id: str, to_user_id: str, now: datetime) -> User:
    """DfE merges a duplicate: everything moves to the survivor and the old id keeps resolving to it."""
    if from_user_id == to_user_id:
        raise ValueError("cannot merge a user into itself")
    old = require(store.users, from_user_id, "user")
    survivor = require(store.users, to_user_id, "user")
    kinds = {p.participant_type for p in store.ecf_profiles_of(survivor.id)}
    if any(p.participant_type in kinds for p in store.ecf_profiles_of(old.id)):
        raise ValueError("both users have a profile of the same type")
    for index, records in (
        (store.profiles_by_user, store.ecf_profiles),
        (store.applications_by_user, store.npq_applications),
        (store.declarations_by_user, store.declarations),
    ):
        moved = index.pop(old.id, ())
        for record_id in moved:
            records[record_id].user_id = survivor.id
        if moved:
            index[survivor.id] = (*index.get(survivor.id, ()), *moved)
    for record in [*store.npq_profiles.values(), *store.outcomes.values(), *store.interest_periods.values()]:
        if record.user_id == old.id:
            record.user_id = survivor.id
    survivor.participant_id_changes = (
        *survivor.participant_id_changes,
        *old.participant_id_changes,
        ParticipantIdChange(old.id, survivor.id, now),
    )
    for retired, target in store.retired_user_ids.items():
        if target == old.id:
            store.retired_user_ids[retired] = survivor.id
    store.retired_user_ids[old.id] = survivor.id
    del store.users[old.id]
    store.note_user_reach(survivor.id)
    touch(now, survivor)
    return survivor
