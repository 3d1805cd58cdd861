"""Submitting and voiding declarations (domain.md §4.4-§4.6, §4.9) on a small hand-made world: every
refusal with its exact text, in upstream's order, one entry per attribute; the state, statement and copied
fields of a new declaration; outcomes and mentor completion; a refusal that changes nothing."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from sandbox.domain.declarations import rules, void
from sandbox.domain.declarations.input import DeclarationRequest, parse_declaration_date, parse_has_passed
from sandbox.domain.declarations.reads import has_passed
from sandbox.domain.errors import InvalidAction, NotFound, ValidationFailed
from sandbox.domain.finance.ledger import create_statements, record_declaration
from sandbox.domain.messages import COURSE_NOT_RECOGNISED, PARTICIPANT_NOT_RECOGNISED
from sandbox.domain.world.entities import Declaration, ECFProfile, LeadProvider, NPQProfile, Partnership
from sandbox.domain.world.npq_registration import (
    accept_npq_application,
    create_npq_application,
    create_npq_contract,
)
from sandbox.domain.world.reference import ReferenceData
from sandbox.domain.world.registration import (
    add_partnership,
    add_provider_relationship,
    create_delivery_partner,
    create_lead_provider,
    create_school,
    create_user,
    record_eligibility,
    record_mentor,
    record_registration,
    record_training_status,
)
from sandbox.store import Store

REFERENCE = ReferenceData.load()
BUILT = datetime(2021, 5, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
CLAIMED = "2026-11-20T10:00:00Z"
CLOSED_2021 = (
    "You cannot submit or void declarations for the 2021 cohort. The funding contract for this cohort has "
    "ended. Get in touch if you need to discuss this with us"
)


@dataclass
class World:
    store: Store
    mine: LeadProvider
    theirs: LeadProvider
    partnerships: dict[tuple[str, int], Partnership]
    trn: int = 1000000

    def person(self, trn: str | None = None) -> str:
        self.trn += 1
        number = trn or str(self.trn)
        return create_user(
            self.store,
            full_name="Ada",
            email=f"{number}@example.com",
            teacher_reference_number=number,
            now=BUILT,
        ).id

    def ecf(
        self,
        participant_type: str = "ect",
        schedule: str = "ecf-extended-september",
        cohort: int = 2024,
        eligible: bool | None = True,
        provider: LeadProvider | None = None,
        user_id: str | None = None,
        **options: Any,
    ) -> ECFProfile:
        profile, _ = record_registration(
            self.store,
            user_id=user_id or self.person(),
            participant_type=participant_type,
            partnership_id=self.partnerships[((provider or self.mine).id, cohort)].id,
            schedule_identifier=schedule,
            now=datetime(cohort, 7, 1, 9, tzinfo=UTC),
            **options,
        )
        eligibility = {True: "eligible", False: "ineligible", None: None}[eligible]
        return record_eligibility(
            self.store, profile_id=profile.id, eligibility=eligibility, now=profile.created_at
        )

    def npq(
        self,
        course: str = "npq-senior-leadership",
        schedule: str = "npq-leadership-autumn",
        provider: LeadProvider | None = None,
        eligible: bool = True,
        user_id: str | None = None,
    ) -> NPQProfile:
        application = create_npq_application(
            self.store,
            user_id=user_id or self.person(),
            lead_provider_id=(provider or self.mine).id,
            course_identifier=course,
            cohort=2024,
            now=datetime(2024, 6, 1, tzinfo=UTC),
            details={"eligible_for_funding": eligible},
        )
        return accept_npq_application(
            self.store,
            application_id=application.id,
            schedule_identifier=schedule,
            now=datetime(2024, 7, 1, tzinfo=UTC),
        )


def build() -> World:
    store = Store(REFERENCE, seed=11)
    mine = create_lead_provider(store, name="Mine", token="mine", has_ecf=True, has_npq=True, now=BUILT)
    theirs = create_lead_provider(store, name="Theirs", token="theirs", has_ecf=True, has_npq=True, now=BUILT)
    partner = create_delivery_partner(store, name="Partner", now=BUILT)
    partnerships = {}
    for index, provider in enumerate((mine, theirs)):
        school = create_school(store, name=f"School {index}", urn=f"10000{index}", now=BUILT)
        for cohort in (2021, 2022, 2023, 2024):
            add_provider_relationship(
                store, lead_provider_id=provider.id, delivery_partner_id=partner.id, cohort=cohort
            )
            partnerships[(provider.id, cohort)] = add_partnership(
                store,
                lead_provider_id=provider.id,
                school_id=school.id,
                delivery_partner_id=partner.id,
                cohort=cohort,
                now=BUILT,
            )
        create_statements(store, lead_provider_id=provider.id, as_of=NOW)
        for course in ("npq-senior-leadership", "npq-leading-teaching", "npq-early-headship-coaching-offer"):
            create_npq_contract(
                store, lead_provider_id=provider.id, cohort=2024, course_identifier=course, funding_cap=0
            )
    return World(store, mine, theirs, partnerships)


@pytest.fixture
def world() -> World:
    return build()


def ask(profile: ECFProfile | NPQProfile | None = None, **attributes: Any) -> DeclarationRequest:
    base: dict[str, Any] = {"declaration_type": "started", "declaration_date": CLAIMED}
    if profile is not None:
        base.update(participant_id=profile.user_id, course_identifier=profile.course_identifier)
    return DeclarationRequest.from_attributes({**base, **attributes})


def submit(world: World, request: DeclarationRequest, provider: LeadProvider | None = None, now=NOW):
    return rules.submit_declaration(world.store, provider or world.mine, request, now)


def refusal(world: World, request: DeclarationRequest, provider: LeadProvider | None = None, now=NOW):
    with pytest.raises(ValidationFailed) as caught:
        submit(world, request, provider, now)
    return caught.value.errors


def recorded(
    world: World,
    profile: ECFProfile,
    declaration_type: str,
    day: datetime,
    state: str,
    provider: LeadProvider | None = None,
) -> Declaration:
    """A declaration as DfE's records hold it (submitted the next day), without the provider rules."""
    return record_declaration(
        world.store,
        profile_id=profile.id,
        lead_provider_id=(provider or world.mine).id,
        declaration_type=declaration_type,
        declaration_date=day,
        state=state,
        now=day + timedelta(days=1),
    )


def statement_name(world: World, declaration: Declaration) -> str | None:
    statement = world.store.statements.get(declaration.statement_id or "")
    return statement.name if statement else None


# -- reading the request ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ["2024-05-01", "2024-19-01T10:00:00Z", "2024-05-01T29:00:00Z", "2024-02-30T10:00:00Z", "01/05/2024", ""],
)
def test_declaration_dates_that_are_not_real_rfc3339_instants_are_refused(raw):
    assert parse_declaration_date(raw) is None


def test_declaration_dates_with_fractions_and_offsets_are_read_in_utc():
    assert parse_declaration_date("2024-06-01T00:30:00.5+01:00") == datetime(
        2024, 5, 31, 23, 30, 0, 500000, UTC
    )
    assert parse_declaration_date("2024-06-01t10:00:00z") == datetime(2024, 6, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"), [(True, True), ("true", True), (False, False), ("false", False), ("yes", None)]
)
def test_has_passed_takes_booleans_or_their_strings(value, expected):
    request = DeclarationRequest.from_attributes({"has_passed": value})
    assert parse_has_passed(request.has_passed) is expected


def test_objects_and_lists_arrive_as_missing_and_unknown_attributes_are_ignored():
    request = DeclarationRequest.from_attributes(
        {"participant_id": {"a": 1}, "course_identifier": [1], "x": 1}
    )
    assert request == DeclarationRequest()


# -- a valid submission ----------------------------------------------------------------------------


def test_a_fundable_ect_is_eligible_on_the_next_output_statement_with_copied_fields(world):
    mentor = world.ecf("mentor")
    ect = world.ecf()
    record_eligibility(
        world.store, profile_id=ect.id, eligibility="eligible", now=BUILT, sparsity_uplift=True
    )
    record = world.store.records_of(ect.id)[0]
    record_mentor(world.store, record_id=record.id, mentor_profile_id=mentor.id, now=BUILT)
    user_stamp = world.store.users[ect.user_id].updated_at
    declaration = submit(world, ask(ect, declaration_type="retained-1", evidence_held="other"))
    assert declaration.state == "eligible"
    assert (declaration.cohort, declaration.lead_provider_id, declaration.profile_id) == (
        2024,
        world.mine.id,
        ect.id,
    )
    # ECF 2024 output statements are January, April, August and October: January 2027 is next.
    assert statement_name(world, declaration) == "January 2027"
    assert declaration.delivery_partner_id == world.partnerships[(world.mine.id, 2024)].delivery_partner_id
    assert declaration.mentor_user_id == mentor.user_id
    assert declaration.sparsity_uplift and not declaration.pupil_premium_uplift
    assert declaration.evidence_held == "other"
    assert declaration.created_at == declaration.updated_at == NOW
    assert declaration.declaration_date == datetime(2026, 11, 20, 10, tzinfo=UTC)
    # Declarations do not touch the participant (§4.1).
    assert world.store.users[ect.user_id].updated_at == user_stamp


def test_an_unchecked_participant_stays_submitted_off_any_statement(world):
    declaration = submit(world, ask(world.ecf(eligible=None)))
    assert (declaration.state, declaration.statement_id) == ("submitted", None)


def test_the_same_teacher_under_another_record_makes_the_claim_ineligible(world):
    original = world.ecf()
    submit(world, ask(original))
    copy_user = world.person(trn=world.store.users[original.user_id].teacher_reference_number)
    duplicate = world.ecf(provider=world.theirs, user_id=copy_user)
    declaration = submit(world, ask(duplicate), world.theirs)
    assert declaration.state == "ineligible"
    assert declaration.ineligible_for_funding_reason == "duplicate_declaration"
    assert declaration.statement_id is None


def test_the_statement_follows_the_submission_day_not_the_declaration_date(world):
    profile = world.ecf()
    last_day = datetime(2026, 12, 31, 12, tzinfo=UTC)
    assert statement_name(world, submit(world, ask(profile), now=last_day)) == "January 2027"
    late = submit(world, ask(world.ecf()), now=last_day + timedelta(days=1))
    assert statement_name(world, late) == "April 2027"


# -- refusals, in upstream's order -----------------------------------------------------------------


def test_an_empty_request_names_the_participant_date_and_type_in_that_order(world):
    assert refusal(world, DeclarationRequest()) == {
        "participant_id": [PARTICIPANT_NOT_RECOGNISED],
        "declaration_date": [rules.DATE_MISSING],
        "declaration_type": [rules.TYPE_MISSING],
    }


def test_a_missing_type_is_also_not_a_milestone_of_the_schedule(world):
    errors = refusal(world, ask(world.ecf(), declaration_type=None))
    assert errors == {"declaration_type": [rules.TYPE_MISSING, rules.TYPE_NOT_IN_SCHEDULE]}


@pytest.mark.parametrize("raw", ["2026-11-20", "2026-19-01T10:00:00Z", "2026-11-20T29:00:00Z", "soon"])
def test_a_bad_declaration_date_is_refused_as_not_rfc3339(world, raw):
    assert refusal(world, ask(world.ecf(), declaration_date=raw)) == {
        "declaration_date": [rules.DATE_INVALID]
    }


def test_a_future_declaration_date_is_refused_against_the_request_instant(world):
    profile = world.ecf()
    tomorrow = "2026-11-28T09:00:00Z"
    assert refusal(world, ask(profile, declaration_date=tomorrow)) == {
        "declaration_date": [rules.DATE_IN_FUTURE]
    }
    assert (
        submit(world, ask(profile, declaration_date=tomorrow), now=NOW + timedelta(days=2)).state
        == "eligible"
    )


def test_milestone_windows_are_checked_in_utc_days(world):
    ect = world.ecf(schedule="ecf-standard-september")
    # 00:30 BST on the 1 June start is 31 May in UTC: before the milestone start.
    early = ask(ect, declaration_date="2024-06-01T00:30:00+01:00")
    assert refusal(world, early) == {"declaration_date": [rules.BEFORE_MILESTONE]}
    late = ask(ect, declaration_date="2025-01-01T00:00:00Z")  # started ends 2024-12-31
    assert refusal(world, late) == {"declaration_date": [rules.AFTER_MILESTONE]}
    assert submit(world, ask(ect, declaration_date="2024-12-31T23:59:59Z")).state == "eligible"


def test_evidence_is_required_after_started_for_ecf_only(world):
    ect = world.ecf()
    missing = refusal(world, ask(ect, declaration_type="retained-1"))
    assert missing == {"evidence_held": [rules.EVIDENCE_MISSING, rules.EVIDENCE_INVALID]}
    wrong = refusal(world, ask(ect, declaration_type="retained-1", evidence_held="vibes"))
    assert wrong == {"evidence_held": [rules.EVIDENCE_INVALID]}
    assert submit(world, ask(ect, evidence_held="anything")).evidence_held == "anything"  # started
    assert submit(world, ask(world.npq(), declaration_type="retained-1")).state == "eligible"


def test_the_2021_cohort_is_closed_to_billable_claims_only(world):
    funded = world.ecf(schedule="ecf-extended-september", cohort=2021)
    assert refusal(world, ask(funded)) == {"cohort": [CLOSED_2021]}
    unfunded = world.ecf(schedule="ecf-extended-september", cohort=2021, eligible=None)
    assert submit(world, ask(unfunded)).state == "submitted"


@pytest.mark.parametrize("value", [None, "", "yes", 1])
def test_an_npq_completed_claim_needs_has_passed(world, value):
    errors = refusal(world, ask(world.npq(), declaration_type="completed", has_passed=value))
    assert errors == {"has_passed": [rules.HAS_PASSED_INVALID]}


def test_support_offer_completed_claims_need_no_has_passed(world):
    ehco = world.npq("npq-early-headship-coaching-offer", "npq-ehco-november")
    declaration = submit(world, ask(ehco, declaration_type="completed"))
    assert world.store.outcomes_of(declaration.id) == []


@pytest.mark.parametrize(
    ("kind", "declaration_type"), [("ecf-standard", "extended-1"), ("npq", "retained-3"), ("ecf", "bogus")]
)
def test_a_type_outside_the_schedule_is_refused(world, kind, declaration_type):
    profile = world.npq() if kind == "npq" else world.ecf(schedule="ecf-standard-september")
    errors = refusal(world, ask(profile, declaration_type=declaration_type, evidence_held="other"))
    assert errors == {"declaration_type": [rules.TYPE_NOT_IN_SCHEDULE]}


def test_any_providers_live_claim_blocks_the_same_event_but_a_voided_one_does_not(world):
    ect = world.ecf()
    theirs = recorded(world, ect, "started", datetime(2026, 11, 2, tzinfo=UTC), "submitted", world.theirs)
    assert refusal(world, ask(ect)) == {"base": [rules.ALREADY_DECLARED]}
    void.void_declaration(world.store, world.theirs, theirs.id, NOW)
    mine = submit(world, ask(ect))
    assert refusal(world, ask(ect, declaration_date="2026-11-21T10:00:00Z")) == {
        "base": [rules.ALREADY_DECLARED]
    }
    void.void_declaration(world.store, world.mine, mine.id, NOW)
    assert submit(world, ask(ect)).state == "eligible"


def test_every_check_runs_and_groups_per_attribute(world):
    ect = world.ecf(schedule="ecf-standard-september")
    submit(world, ask(ect, declaration_date="2024-10-01T10:00:00Z"))
    request = ask(ect, declaration_date="2027-01-01T00:00:00Z", evidence_held="vibes")
    assert refusal(world, request) == {
        "declaration_date": [rules.DATE_IN_FUTURE, rules.AFTER_MILESTONE],
        "base": [rules.ALREADY_DECLARED],
    }


def test_the_course_is_checked_only_when_nothing_else_failed(world):
    ect = world.ecf()
    as_mentor = ask(ect, course_identifier="ecf-mentor")
    assert refusal(world, as_mentor) == {"course_identifier": [COURSE_NOT_RECOGNISED]}
    assert refusal(world, ask(ect, course_identifier="ecf-nonsense")) == {
        "course_identifier": [COURSE_NOT_RECOGNISED]
    }
    undated = ask(ect, course_identifier="ecf-mentor", declaration_date=None)
    assert refusal(world, undated) == {"declaration_date": [rules.DATE_MISSING]}


def test_another_providers_participant_is_not_recognised(world):
    theirs = world.ecf(provider=world.theirs)
    assert refusal(world, ask(theirs)) == {"participant_id": [PARTICIPANT_NOT_RECOGNISED]}
    npq = world.npq(provider=world.theirs)
    assert refusal(world, ask(npq)) == {"participant_id": [PARTICIPANT_NOT_RECOGNISED]}
    assert refusal(world, ask(participant_id="no-such-person", course_identifier="ecf-induction")) == {
        "participant_id": [PARTICIPANT_NOT_RECOGNISED]
    }


def test_an_npq_claim_needs_a_contract_for_the_cohort_and_course(world):
    profile = world.npq("npq-headship", "npq-leadership-autumn")
    assert refusal(world, ask(profile)) == {"cohort": [rules.NO_NPQ_CONTRACT]}


def test_a_withdrawal_blocks_claims_dated_at_or_after_it(world):
    ect = world.ecf()
    withdrawn_at = datetime(2026, 11, 10, 9, tzinfo=UTC)
    record_training_status(
        world.store, profile_id=ect.id, lead_provider_id=world.mine.id, state="withdrawn", reason="other",
        now=withdrawn_at,
    )  # fmt: skip
    assert refusal(world, ask(ect)) == {
        "participant_id": [
            "This participant withdrew from this course on 2026-11-10T09:00:00Z. "
            "Enter a '#/declaration_date' that's on or before the withdrawal date."
        ]
    }
    assert "participant_id" in refusal(world, ask(ect, declaration_date="2026-11-10T09:00:00Z"))
    assert submit(world, ask(ect, declaration_date="2026-11-10T08:59:59Z")).state == "eligible"


def test_a_deferred_participant_can_still_be_claimed_for(world):
    ect = world.ecf()
    record_training_status(
        world.store, profile_id=ect.id, lead_provider_id=world.mine.id, state="deferred", reason="other",
        now=datetime(2026, 11, 1, tzinfo=UTC),
    )  # fmt: skip
    assert submit(world, ask(ect)).state == "eligible"


def test_a_refused_request_changes_nothing_and_draws_no_id(world):
    ect = world.ecf()
    submit(world, ask(ect))
    before = copy.deepcopy((world.store.declarations, world.store.statements, world.store.outcomes))
    rng = world.store.rng.getstate()
    refusal(world, ask(ect))
    assert (world.store.declarations, world.store.statements, world.store.outcomes) == before
    assert world.store.rng.getstate() == rng


# -- outcomes and mentor completion ----------------------------------------------------------------


@pytest.mark.parametrize(("value", "state"), [(True, "passed"), ("false", "failed")])
def test_an_npq_completed_claim_records_its_outcome(world, value, state):
    declaration = submit(world, ask(world.npq(), declaration_type="completed", has_passed=value))
    [outcome] = world.store.outcomes_of(declaration.id)
    assert (outcome.state, outcome.completion_date, outcome.created_at) == (state, date(2026, 11, 20), NOW)
    assert has_passed(world.store, declaration) is (state == "passed")


def test_an_outcome_that_cannot_be_recorded_fails_the_whole_claim():
    with pytest.raises(InvalidAction) as caught:
        rules.check_completed_outcome(date(2026, 11, 28), NOW)
    assert caught.value.detail == "Could not create completed declaration. Contact the DfE for support."
    rules.check_completed_outcome(date(2026, 11, 27), NOW)


def test_a_mentors_completed_claim_ends_their_funding_and_voiding_it_clears_that(world):
    mentor = world.ecf("mentor", schedule="ecf-replacement-september")
    declaration = submit(world, ask(mentor, declaration_type="completed", evidence_held="other"))
    assert (mentor.mentor_funding_end_date, mentor.mentor_ineligible_for_funding_reason) == (
        date(2026, 11, 20),
        "completed_declaration_received",
    )
    assert world.store.users[mentor.user_id].updated_at == NOW
    later = NOW + timedelta(hours=1)
    void.void_declaration(world.store, world.mine, declaration.id, later)
    assert (mentor.mentor_funding_end_date, mentor.mentor_ineligible_for_funding_reason) == (None, None)
    assert mentor.updated_at == later


# -- void ------------------------------------------------------------------------------------------


def paid(world: World, profile: ECFProfile, day: datetime) -> Declaration:
    return recorded(world, profile, "started", day, "paid")


def test_voiding_an_unpaid_claim_takes_it_off_its_statement(world):
    declaration = submit(world, ask(world.ecf()))
    assert declaration.statement_id is not None
    later = NOW + timedelta(minutes=5)
    assert void.void_declaration(world.store, world.mine, declaration.id, later) is declaration
    assert (declaration.state, declaration.statement_id, declaration.updated_at) == ("voided", None, later)
    with pytest.raises(InvalidAction) as caught:
        void.void_declaration(world.store, world.mine, declaration.id, later)
    assert caught.value.detail == "This declaration has already been voided."


def test_a_paid_claim_awaits_clawback_on_the_next_output_statement(world):
    declaration = paid(world, world.ecf(), datetime(2025, 2, 3, tzinfo=UTC))
    statement_id = declaration.statement_id
    void.void_declaration(world.store, world.mine, declaration.id, NOW)
    assert declaration.state == "awaiting_clawback"
    assert declaration.statement_id == statement_id  # the paid line stays
    assert world.store.statements[declaration.clawback_statement_id].name == "January 2027"
    with pytest.raises(InvalidAction) as caught:
        void.void_declaration(world.store, world.mine, declaration.id, NOW)
    assert caught.value.detail == void.NOT_VOIDABLE


def test_a_paid_2021_claim_cannot_be_clawed_back_but_an_unpaid_one_can_be_voided(world):
    profile = world.ecf(schedule="ecf-standard-september", cohort=2021)
    declaration = paid(world, profile, datetime(2021, 10, 1, tzinfo=UTC))
    before = copy.deepcopy(declaration)
    with pytest.raises(InvalidAction) as caught:
        void.void_declaration(world.store, world.mine, declaration.id, NOW)
    assert caught.value.detail == f"Participant declaration {CLOSED_2021}"
    assert declaration == before
    unpaid = recorded(world, profile, "retained-1", datetime(2021, 12, 1, tzinfo=UTC), "submitted")
    assert void.void_declaration(world.store, world.mine, unpaid.id, NOW).state == "voided"


def test_only_the_provider_that_made_a_claim_can_void_it(world):
    declaration = submit(world, ask(world.ecf()))
    with pytest.raises(NotFound):
        void.void_declaration(world.store, world.theirs, declaration.id, NOW)
    with pytest.raises(NotFound):
        void.void_declaration(world.store, world.mine, "no-such-declaration", NOW)


def test_voiding_an_npq_completed_claim_voids_its_outcome_once(world):
    declaration = submit(world, ask(world.npq(), declaration_type="completed", has_passed=True))
    void.void_declaration(world.store, world.mine, declaration.id, NOW)  # the same instant as the POST
    assert [o.state for o in world.store.outcomes_of(declaration.id)] == ["passed", "voided"]
    assert has_passed(world.store, declaration) is None
    assert world.store.outcomes_of(declaration.id)[-1].completion_date == date(2026, 11, 20)
