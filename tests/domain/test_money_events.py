"""DfE-side events about money, partnerships and NPQ applications (sandbox.domain.events.money and
events.npq_applications), on a seeded world, without HTTP."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from sandbox.domain.errors import NotFound, NotPermitted, ValidationFailed
from sandbox.domain.events import money as events
from sandbox.domain.events import npq_dfe
from sandbox.domain.events.npq_applications import application_cohort, create_application
from sandbox.domain.finance.ledger import record_declaration
from sandbox.domain.finance.statements import next_output_statement
from sandbox.domain.participants.ecf import ParticipantFilter, list_participants
from sandbox.domain.world.entities import Declaration, LeadProvider, Statement
from sandbox.domain.world.reference import ReferenceData
from sandbox.journal import ADMIN
from sandbox.seed.world import build_world
from sandbox.store import Store

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
REFERENCE = ReferenceData.load()


@dataclass
class Actor:
    """Stands in for the control API's context: who calls, and when the event happens."""

    caller_id: str = ADMIN
    at: datetime = NOW

    @property
    def is_admin(self) -> bool:
        return self.caller_id == ADMIN

    def may_act_for(self, provider_ids: set[str]) -> None:
        if not self.is_admin and self.caller_id not in provider_ids:
            raise NotPermitted("not involved")

    def now_for(self, _provider_id: str | None) -> datetime:
        return self.at


@pytest.fixture
def store() -> Store:
    return build_world(REFERENCE, seed=1, participants=20)


def snapshot(store: Store) -> dict[str, Any]:
    """Everything these events may change, to show that a refusal changed none of it."""
    return copy.deepcopy(
        {
            "declarations": store.declarations,
            "statements": store.statements,
            "partnerships": store.partnerships,
            "school_cohorts": store.school_cohorts,
            "users": store.users,
            "applications": store.npq_applications,
            "rng": store.rng.getstate(),
        }
    )


def declaration(store: Store, state: str, *, npq: bool = False, cohort: int | None = None) -> Declaration:
    return next(
        d
        for d in store.declarations.values()
        if d.state == state and d.is_npq == npq and (cohort is None or d.cohort == cohort)
    )


def expected_statement(store: Store, d: Declaration, at: datetime) -> Statement:
    kind = "npq" if d.is_npq else "ecf"
    statement = next_output_statement(
        store, store.lead_providers[d.lead_provider_id], kind, d.cohort, at.date()
    )
    assert statement is not None
    return statement


def after_deadline(statement: Statement) -> datetime:
    return datetime.combine(statement.deadline_date + timedelta(days=1), datetime.min.time(), tzinfo=UTC)


# -- eligibility ---------------------------------------------------------------------------------


@pytest.mark.parametrize("npq", [False, True])
def test_confirming_eligibility_attaches_the_declaration_to_the_next_output_statement(store, npq):
    target = declaration(store, "submitted", npq=npq, cohort=2024)
    changed = events.set_declaration_eligibility(
        store, Actor(), {"eligible": True, "declaration_id": target.id}
    )
    assert changed == [target]
    assert target.state == "eligible"
    assert target.statement_id == expected_statement(store, target, NOW).id
    assert target.updated_at == NOW


def test_the_statement_is_the_one_open_at_the_events_instant(store):
    target = declaration(store, "submitted", cohort=2024)
    later = NOW + timedelta(days=60)
    events.set_declaration_eligibility(
        store, Actor(at=later), {"eligible": True, "declaration_id": target.id}
    )
    assert target.statement_id == expected_statement(store, target, later).id
    assert target.statement_id != expected_statement(store, target, NOW).id


def test_revoking_eligibility_takes_the_declaration_off_its_statement(store):
    target = declaration(store, "eligible", cohort=2024)
    events.set_declaration_eligibility(store, Actor(), {"eligible": False, "declaration_id": target.id})
    assert (target.state, target.statement_id, target.updated_at) == ("submitted", None, NOW)


def test_a_participant_form_reaches_every_submitted_declaration_of_the_course(store):
    target = declaration(store, "submitted", cohort=2024)
    mentor_or_ect = [
        d for d in store.declarations_of(target.user_id) if d.state == "submitted" and d.id != target.id
    ]
    changed = events.set_declaration_eligibility(
        store,
        Actor(),
        {"eligible": True, "participant_id": target.user_id, "course_identifier": target.course_identifier},
    )
    assert target in changed
    assert all(d.state == "eligible" and d.statement_id for d in changed)
    assert all(d.course_identifier == target.course_identifier for d in changed)
    assert all(
        d.state == "submitted" for d in mentor_or_ect if d.course_identifier != target.course_identifier
    )


def test_a_providers_token_reaches_only_its_own_declarations_of_a_participant(store):
    mine = declaration(store, "submitted", cohort=2024)
    profile = store.ecf_profiles[mine.profile_id]
    other = next(p for p in store.lead_providers.values() if p.has_ecf and p.id != mine.lead_provider_id)
    theirs = record_declaration(
        store,
        profile_id=profile.id,
        lead_provider_id=other.id,
        declaration_type="retained-1",
        declaration_date=NOW - timedelta(days=2),
        state="submitted",
        now=NOW - timedelta(days=1),
    )
    attributes = {"eligible": True, "participant_id": mine.user_id}
    changed = events.set_declaration_eligibility(store, Actor(caller_id=mine.lead_provider_id), attributes)
    assert mine in changed and theirs not in changed
    assert theirs.state == "submitted"
    events.set_declaration_eligibility(store, Actor(), attributes)  # the admin reaches every provider's
    assert theirs.state == "eligible"


def test_a_provider_cannot_confirm_another_providers_declaration(store):
    target = declaration(store, "submitted", cohort=2024)
    other = next(p for p in store.lead_providers.values() if p.id != target.lead_provider_id)
    before = snapshot(store)
    with pytest.raises(NotPermitted):
        events.set_declaration_eligibility(
            store, Actor(caller_id=other.id), {"eligible": True, "declaration_id": target.id}
        )
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("attributes", "titles"),
    [
        ({"declaration_id": "x"}, ["eligible"]),
        ({"eligible": "yes", "declaration_id": "x"}, ["eligible"]),
        ({"eligible": True}, ["base"]),
        ({"eligible": True, "declaration_id": "x", "participant_id": "y"}, ["base"]),
        ({"eligible": True, "participant_id": 7}, ["participant_id"]),
        (
            {"eligible": True, "participant_id": "y", "course_identifier": "npq-nothing"},
            ["course_identifier"],
        ),
        ({"eligible": True, "declaration_id": "x", "course_identifier": "ecf-mentor"}, ["course_identifier"]),
    ],
)
def test_malformed_eligibility_events_are_refused_per_attribute(store, attributes, titles):
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as refused:
        events.set_declaration_eligibility(store, Actor(), attributes)
    assert list(refused.value.errors) == titles
    assert snapshot(store) == before


def test_eligibility_refusals_change_nothing(store):
    paid = declaration(store, "paid")
    closed = declaration(store, "submitted", cohort=2021)  # 2021 has no output statement left
    no_submitted = next(u for u in store.users.values() if not store.declarations_of(u.id))
    before = snapshot(store)
    for attributes, title in [
        ({"eligible": True, "declaration_id": paid.id}, "declaration_id"),
        ({"eligible": False, "declaration_id": paid.id}, "declaration_id"),
        ({"eligible": True, "declaration_id": closed.id}, "cohort"),
        ({"eligible": True, "participant_id": no_submitted.id}, "participant_id"),
    ]:
        with pytest.raises(ValidationFailed) as refused:
            events.set_declaration_eligibility(store, Actor(), attributes)
        assert list(refused.value.errors) == [title]
    for attributes in (
        {"eligible": True, "declaration_id": "nope"},
        {"eligible": True, "participant_id": "nope"},
    ):
        with pytest.raises(NotFound):
            events.set_declaration_eligibility(store, Actor(), attributes)
    # A provider naming someone it has no such claims for is told so, not forbidden.
    other = next(p for p in store.lead_providers.values() if p.id != paid.lead_provider_id)
    with pytest.raises(ValidationFailed) as refused:
        events.set_declaration_eligibility(
            store, Actor(caller_id=other.id), {"eligible": False, "participant_id": paid.user_id}
        )
    assert refused.value.errors == {
        "participant_id": ["The participant has no eligible declarations from this lead provider."]
    }
    assert snapshot(store) == before


# -- statements ----------------------------------------------------------------------------------


def _statement_with(store: Store, state: str) -> Statement:
    d = declaration(store, state)
    return store.statements[d.clawback_statement_id if state == "awaiting_clawback" else d.statement_id]


def test_passing_the_deadline_makes_the_statements_eligible_declarations_payable(store):
    statement = _statement_with(store, "eligible")
    on_it = [
        d for d in store.declarations.values() if d.statement_id == statement.id and d.state == "eligible"
    ]
    elsewhere = [
        d for d in store.declarations.values() if d.state == "eligible" and d.statement_id != statement.id
    ]
    at = max(NOW, after_deadline(statement))
    run = events.pass_statement_deadline(store, Actor(at=at), statement.id)
    assert run.statement is statement and run.declarations == sorted(on_it, key=lambda d: d.created_at)
    assert all(d.state == "payable" and d.updated_at == at and d.statement_id == statement.id for d in on_it)
    assert all(d.state == "eligible" for d in elsewhere)
    assert statement.updated_at == at and not statement.paid


def test_a_statement_before_its_deadline_or_already_paid_is_refused(store):
    statement = _statement_with(store, "eligible")
    paid = next(s for s in store.statements.values() if s.paid)
    before = snapshot(store)
    deadline_day = datetime.combine(statement.deadline_date, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=23
    )
    for event in (events.pass_statement_deadline, events.pay_statement):
        with pytest.raises(ValidationFailed) as refused:
            event(store, Actor(at=deadline_day), statement.id)
        assert statement.deadline_date.isoformat() in refused.value.errors["statement_id"][0]
        with pytest.raises(ValidationFailed) as refused:
            event(store, Actor(), paid.id)
        assert refused.value.errors == {"statement_id": ["This statement has already been paid."]}
        with pytest.raises(NotFound):
            event(store, Actor(), "nope")
    assert snapshot(store) == before


def test_paying_a_statement_pays_its_claims_and_settles_its_refunds(store):
    refund = declaration(store, "awaiting_clawback")
    statement = store.statements[refund.clawback_statement_id]
    payable = record_declaration(
        store,
        profile_id=declaration(store, "paid", cohort=statement.cohort).profile_id,
        lead_provider_id=statement.lead_provider_id,
        declaration_type="extended-1",
        declaration_date=datetime.combine(statement.deadline_date, datetime.min.time(), tzinfo=UTC),
        state="payable",
        now=datetime.combine(statement.deadline_date, datetime.min.time(), tzinfo=UTC),
        statement_id=statement.id,
    )
    unrelated_refunds = [
        d for d in store.declarations.values() if d.state == "awaiting_clawback" and d.id != refund.id
    ]
    run = events.pay_statement(store, Actor(), statement.id)
    assert statement.paid and statement.updated_at == NOW
    assert (payable.state, refund.state) == ("paid", "clawed_back")
    assert refund.clawback_statement_id == statement.id and refund.statement_id is not None
    assert {d.id for d in run.declarations} == {payable.id, refund.id}
    assert all(d.updated_at == NOW for d in run.declarations)
    assert all(d.state == "awaiting_clawback" for d in unrelated_refunds)


def test_paying_a_statement_first_makes_its_eligible_declarations_payable(store):
    statement = _statement_with(store, "eligible")
    on_it = [
        d for d in store.declarations.values() if d.statement_id == statement.id and d.state == "eligible"
    ]
    run = events.pay_statement(store, Actor(at=max(NOW, after_deadline(statement))), statement.id)
    assert on_it and all(d.state == "paid" for d in on_it)
    assert {d.id for d in run.declarations} >= {d.id for d in on_it}


def test_a_provider_cannot_pay_another_providers_statement(store):
    statement = _statement_with(store, "eligible")
    other = next(p for p in store.lead_providers.values() if p.id != statement.lead_provider_id)
    before = snapshot(store)
    with pytest.raises(NotPermitted):
        events.pay_statement(store, Actor(caller_id=other.id, at=after_deadline(statement)), statement.id)
    assert snapshot(store) == before
    events.pay_statement(
        store, Actor(caller_id=statement.lead_provider_id, at=after_deadline(statement)), statement.id
    )
    assert statement.paid


# -- partnerships --------------------------------------------------------------------------------


def _visible_user_ids(store: Store, provider: LeadProvider) -> set[str]:
    return {p.user.id for p in list_participants(store, provider, ParticipantFilter(), NOW)}


def test_a_challenge_hides_the_partnerships_participants_and_no_ects_changes_the_school(store):
    partnership = next(
        p
        for p in store.partnerships.values()
        if not p.relationship
        and not p.challenged
        and any(r.partnership_id == p.id for r in store.induction_records.values())
    )
    provider = store.lead_providers[partnership.lead_provider_id]
    trained_there = {
        store.ecf_profiles[r.profile_id].user_id
        for r in store.induction_records.values()
        if r.partnership_id == partnership.id
    }
    assert trained_there & _visible_user_ids(store, provider)
    challenge = events.challenge_partnership(store, Actor(), partnership.id, {"reason": "no_ects"})
    assert challenge.partnership is partnership
    assert (partnership.challenged_reason, partnership.challenged_at, partnership.updated_at) == (
        "no_ects",
        NOW,
        NOW,
    )
    assert challenge.school_cohort is not None
    assert challenge.school_cohort.induction_programme_choice == "no_early_career_teachers"
    still_visible = trained_there & _visible_user_ids(store, provider)
    # Only people who also train under another of the provider's partnerships stay listed.
    for user_id in still_visible:
        profiles = store.ecf_profiles_of(user_id)
        assert any(
            store.partnerships[r.partnership_id].lead_provider_id == provider.id
            and not store.partnerships[r.partnership_id].challenged
            for p in profiles
            for r in store.records_of(p.id)
        )


def test_other_reasons_leave_the_school_cohort_alone(store):
    partnership = next(p for p in store.partnerships.values() if not p.relationship and not p.challenged)
    school_cohort = store.school_cohorts[(partnership.school_id, partnership.cohort)]
    choice = school_cohort.induction_programme_choice
    events.challenge_partnership(store, Actor(), partnership.id, {"reason": "mistake"})
    assert partnership.challenged and school_cohort.induction_programme_choice == choice


def test_challenge_refusals_change_nothing(store):
    active = next(p for p in store.partnerships.values() if not p.relationship and not p.challenged)
    challenged = next(p for p in store.partnerships.values() if p.challenged)
    relationship = next(p for p in store.partnerships.values() if p.relationship)
    other = next(p for p in store.lead_providers.values() if p.id != active.lead_provider_id)
    before = snapshot(store)
    for reason in (None, "bored", 3):
        with pytest.raises(ValidationFailed) as refused:
            events.challenge_partnership(store, Actor(), active.id, {"reason": reason})
        assert list(refused.value.errors) == ["reason"]
    with pytest.raises(ValidationFailed) as refused:
        events.challenge_partnership(store, Actor(), challenged.id, {"reason": "mistake"})
    assert refused.value.errors == {"partnership_id": ["This partnership has already been challenged."]}
    for missing in ("nope", relationship.id):
        with pytest.raises(NotFound):
            events.challenge_partnership(store, Actor(), missing, {"reason": "mistake"})
    with pytest.raises(NotPermitted):
        events.challenge_partnership(store, Actor(caller_id=other.id), active.id, {"reason": "mistake"})
    assert snapshot(store) == before


# -- NPQ applications ----------------------------------------------------------------------------


def _npq_provider(store: Store) -> LeadProvider:
    return next(p for p in store.lead_providers.values() if p.has_npq)


def test_a_new_person_applies_with_the_chosen_funding_answers(store):
    provider = _npq_provider(store)
    users = len(store.users)
    application = create_application(
        store,
        Actor(),
        {
            "lead_provider_id": provider.id,
            "full_name": "Ada Lovelace",
            "email": "ada@example.com",
            "teacher_reference_number": "1234567",
            "teacher_reference_number_validated": True,
            "course_identifier": "npq-headship",
            "cohort": 2024,
            "eligible_for_funding": True,
            "funded_place": True,
            "targeted_delivery_funding_eligibility": True,
            "headteacher_status": "yes_when_course_starts",
            "funding_choice": None,
            "teacher_catchment_iso_country_code": None,
        },
    )
    user = store.users[application.user_id]
    assert len(store.users) == users + 1
    assert (user.full_name, user.email, user.teacher_reference_number) == (
        "Ada Lovelace",
        "ada@example.com",
        "1234567",
    )
    assert (application.status, application.cohort, application.lead_provider_id) == (
        "pending",
        2024,
        provider.id,
    )
    assert application.eligible_for_funding and application.funded_place is True
    assert application.targeted_delivery_funding_eligibility and user.teacher_reference_number_validated
    assert application.headteacher_status == "yes_when_course_starts"
    assert application.teacher_catchment_iso_country_code is None
    assert application.created_at == application.updated_at == user.created_at == NOW


def test_an_existing_person_applies_in_the_cohort_open_today_by_default(store):
    provider = _npq_provider(store)
    person = next(iter(store.users.values()))
    application = create_application(
        store,
        Actor(caller_id=provider.id),
        {"participant_id": person.id, "course_identifier": "npq-senco"},
    )
    assert application.user_id == person.id and application.lead_provider_id == provider.id
    # The NPQ service's latest cohort open on the day: 2026b (2026a is offered by two providers only).
    assert (application.cohort, application.cohort_suffix) == (2026, "b")
    assert not application.eligible_for_funding and application.funded_place is None
    assert application_cohort(store, provider, None, datetime(2023, 6, 4).date()) == (2022, "a")
    assert application_cohort(store, provider, 2025, NOW.date()) == (2025, "b")
    assert application_cohort(store, provider, "2025a", NOW.date()) == (2025, "a")


@pytest.mark.parametrize(
    ("attributes", "titles"),
    [
        (
            {"course_identifier": "npq-headship", "full_name": "A", "email": "a@example.com"},
            ["lead_provider_id"],
        ),
        (
            {"lead_provider_id": "L", "course_identifier": "ecf-induction", "full_name": "A", "email": "a@x"},
            ["course_identifier"],
        ),
        ({"lead_provider_id": "L", "course_identifier": "npq-headship"}, ["full_name", "email"]),
        (
            {
                "lead_provider_id": "L",
                "course_identifier": "npq-senco",
                "participant_id": "p",
                "email": "a@x",
            },
            ["base"],
        ),
        (
            {"lead_provider_id": "L", "course_identifier": "npq-senco", "full_name": "A", "email": "nope"},
            ["email"],
        ),
        (
            {
                "lead_provider_id": "L",
                "course_identifier": "npq-senco",
                "full_name": "A",
                "email": "a@x",
                "teacher_reference_number": "12",
            },
            ["teacher_reference_number"],
        ),
        (
            {
                "lead_provider_id": "L",
                "course_identifier": "npq-senco",
                "participant_id": "p",
                "cohort": 2019,
            },
            ["cohort"],
        ),
        (
            {
                "lead_provider_id": "L",
                "course_identifier": "npq-senco",
                "participant_id": "p",
                "cohort": "2024",
            },
            ["cohort"],
        ),
        (
            {
                "lead_provider_id": "L",
                "course_identifier": "npq-senco",
                "participant_id": "p",
                "funded_place": "yes",
            },
            ["funded_place"],
        ),
        (
            {
                "lead_provider_id": "L",
                "course_identifier": "npq-senco",
                "participant_id": "p",
                "funding_choice": "lottery",
            },
            ["funding_choice"],
        ),
        (
            {
                "lead_provider_id": "L",
                "course_identifier": "npq-senco",
                "participant_id": "p",
                "employer_name": 5,
            },
            ["employer_name"],
        ),
    ],
)
def test_malformed_applications_are_refused_per_attribute(store, attributes, titles):
    before = snapshot(store)
    with pytest.raises(ValidationFailed) as refused:
        create_application(store, Actor(), attributes)
    assert list(refused.value.errors) == titles
    assert snapshot(store) == before


def test_funding_rules_are_checked_and_a_refusal_draws_no_id(store):
    provider = _npq_provider(store)
    ecf_only = next(p for p in store.lead_providers.values() if not p.has_npq)
    person = next(u for u in store.users.values() if u.teacher_reference_number is None)
    taken = next(u for u in store.users.values() if u.id != person.id)
    base = {"lead_provider_id": provider.id, "participant_id": person.id, "course_identifier": "npq-headship"}
    cases = [
        ({**base, "cohort": 2024, "funded_place": True}, "funded_place"),
        ({**base, "cohort": 2023, "eligible_for_funding": True, "funded_place": False}, "funded_place"),
        ({**base, "targeted_delivery_funding_eligibility": True}, "targeted_delivery_funding_eligibility"),
        (
            {
                **base,
                "eligible_for_funding": True,
                "course_identifier": "npq-early-headship-coaching-offer",
                "targeted_delivery_funding_eligibility": True,
            },
            "targeted_delivery_funding_eligibility",
        ),
        (
            {**base, "eligible_for_funding": True, "ineligible_for_funding_reason": "previously-funded"},
            "ineligible_for_funding_reason",
        ),
        ({**base, "teacher_reference_number_validated": True}, "teacher_reference_number_validated"),
        ({**base, "course_identifier": "npq-additional-support-offer", "cohort": 2024}, "course_identifier"),
        ({**base, "lead_provider_id": ecf_only.id}, "lead_provider_id"),
        (
            {
                "lead_provider_id": provider.id,
                "course_identifier": "npq-senco",
                "full_name": "B",
                "email": taken.email.upper(),
            },
            "email",
        ),
    ]
    before = snapshot(store)
    for attributes, title in cases:
        with pytest.raises(ValidationFailed) as refused:
            create_application(store, Actor(), attributes)
        assert list(refused.value.errors) == [title], attributes
    for attributes in ({**base, "lead_provider_id": "nope"}, {**base, "participant_id": "nope"}):
        with pytest.raises(NotFound):
            create_application(store, Actor(), attributes)
    other = next(p for p in store.lead_providers.values() if p.id != provider.id)
    with pytest.raises(NotPermitted):
        create_application(store, Actor(caller_id=other.id), base)
    assert snapshot(store) == before


def test_a_cohort_change_names_one_of_the_npq_services_cohorts_never_a_bare_year(store):
    application = next(a for a in store.npq_applications.values() if a.status == "pending")
    before = (application.cohort, application.cohort_suffix, application.updated_at)
    for given in ("2026", 2026, "2026B", "2031z", None):
        with pytest.raises(ValidationFailed) as refused:
            npq_dfe.change_cohort(store, Actor(), application.id, {"cohort": given})
        message = refused.value.errors["cohort"][0]
        assert message.startswith("`cohort` must be one of the NPQ service's cohorts")
    assert (application.cohort, application.cohort_suffix, application.updated_at) == before
