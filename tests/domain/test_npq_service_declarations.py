"""The NPQ service's declaration POST (npq.md §4.4): each step's refusal with its exact text and title,
in the service's order, delivery partners per exact cohort, the state a claim lands in, and refusals
that change nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sandbox.domain import messages
from sandbox.domain.declarations import delivery_partners as dp
from sandbox.domain.declarations import npq_outcomes, npq_rules, rules
from sandbox.domain.errors import BadRequest
from sandbox.domain.participants.training_status import apply_transition
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import NPQContract
from tests.domain.npq_service_world import partner, refused, request
from tests.domain.npq_world import NOW, World, accept, apply, build, declare, enrolled, fingerprint, person


@pytest.fixture
def world() -> World:
    return build()


def submit(world: World, req, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return npq_rules.submit_declaration(world.store, world.mine, req, now)


def test_a_blank_participant_id_must_be_present(world: World) -> None:
    profile = enrolled(world)
    assert refused(submit, world, request(profile, participant_id=" ")) == [
        ("participant_id", npq_rules.PARTICIPANT_MISSING)
    ]


def test_a_merged_participant_id_names_the_id_that_replaced_it(world: World) -> None:
    profile = enrolled(world)
    duplicate = person(world.store)
    reg.merge_users(world.store, from_user_id=duplicate.id, to_user_id=profile.user_id, now=NOW)
    replaced = (
        "participant_id",
        f"The participant_id '{duplicate.id}' has been replaced with '{profile.user_id}'.",
    )
    assert refused(submit, world, request(profile, participant_id=duplicate.id)) == [replaced]
    # The checks that always run still answer beside it.
    found = refused(submit, world, request(profile, participant_id=duplicate.id, declaration_type=None))
    assert found == [
        replaced,
        ("declaration_type", rules.TYPE_MISSING),
        ("declaration_type", npq_rules.TYPE_NOT_RECOGNISED),
    ]


def test_someone_the_provider_has_not_accepted_is_not_recognised(world: World) -> None:
    theirs = enrolled(world, provider=world.other)
    assert refused(submit, world, request(theirs)) == [
        ("participant_id", messages.PARTICIPANT_NOT_RECOGNISED)
    ]


def test_a_claim_at_or_after_the_providers_withdrawal_is_refused(world: World) -> None:
    profile = enrolled(world)
    withdrawn_at = datetime(2025, 12, 1, 9, tzinfo=UTC)
    apply_transition(world.store, profile, world.mine, "withdraw", "other", withdrawn_at)
    assert refused(submit, world, request(profile)) == [
        ("participant_id", rules.withdrew_message(withdrawn_at))
    ]
    assert submit(world, request(profile, declaration_date="2025-11-30T10:00:00Z")).state == "eligible"


def test_a_course_nobody_accepted_them_for_is_not_recognised(world: World) -> None:
    profile = enrolled(world)
    assert refused(submit, world, request(profile, course_identifier="npq-senior-leadership")) == [
        ("course_identifier", messages.COURSE_NOT_RECOGNISED)
    ]


def test_a_course_accepted_only_by_another_provider_has_no_schedule(world: World) -> None:
    profile = enrolled(world)
    accept(
        world.store,
        apply(world.store, world.other, world.store.users[profile.user_id], "npq-senior-leadership"),
    )
    assert refused(submit, world, request(profile, course_identifier="npq-senior-leadership")) == [
        ("application", npq_rules.SCHEDULE_MISSING)
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-01-08", [("declaration_date", npq_rules.DATE_INVALID)]),
        ("2026-02-30T10:00:00Z", [("declaration_date", npq_rules.DATE_INVALID)]),
        ("2023-09-30T23:59:59Z", [("declaration_date", npq_rules.BEFORE_SCHEDULE)]),
        ("", [("declaration_date", rules.DATE_MISSING)]),
    ],
)
def test_declaration_date_messages(world: World, value: str, expected: list[tuple[str, str]]) -> None:
    profile = enrolled(world)  # 2023 npq-leadership-autumn: from 2023-10-01
    assert refused(submit, world, request(profile, declaration_date=value)) == expected


def test_there_is_no_upper_bound_but_the_future(world: World) -> None:
    profile = enrolled(world, cohort=2022)  # schedule dates long past
    assert submit(world, request(profile, declaration_date="2026-11-27T11:00:00Z")).state == "eligible"
    late = request(profile, declaration_type="retained-1", declaration_date="2026-11-27T13:00:00Z")
    assert refused(submit, world, late) == [("declaration_date", rules.DATE_IN_FUTURE)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, [rules.TYPE_MISSING, npq_rules.TYPE_NOT_RECOGNISED]),
        ("retained-3", [npq_rules.TYPE_NOT_RECOGNISED]),
    ],
)
def test_declaration_type_messages(world: World, value: str | None, expected: list[str]) -> None:
    profile = enrolled(world)
    assert refused(submit, world, request(profile, declaration_type=value)) == [
        ("declaration_type", m) for m in expected
    ]


def test_a_type_the_schedule_lacks(world: World) -> None:
    profile = enrolled(world, "npq-leading-teaching")  # specialist: no retained-2
    assert refused(submit, world, request(profile, declaration_type="retained-2")) == [
        ("declaration_type", rules.TYPE_NOT_IN_SCHEDULE)
    ]


def test_no_contract_for_the_cohort_and_course(world: World) -> None:
    profile = enrolled(world)
    world.store.npq_contracts.discard(NPQContract(world.mine.id, 2023, "npq-headship", 0))
    assert refused(submit, world, request(profile)) == [("cohort", rules.NO_NPQ_CONTRACT)]


def test_a_fundable_claim_in_a_closed_cohort(world: World) -> None:
    profile = enrolled(world, cohort=2021)
    assert refused(submit, world, request(profile)) == [("cohort", npq_rules.cohort_closed(2021))]
    assert npq_rules.cohort_closed(2021).endswith("discuss this with us.")
    unfunded = enrolled(world, cohort=2021)
    world.store.npq_applications[unfunded.id].eligible_for_funding = False
    assert submit(world, request(unfunded)).state == "submitted"


def test_has_passed_on_a_completed_leadership_claim(world: World) -> None:
    profile = enrolled(world)
    completed = request(profile, declaration_type="completed")
    assert refused(submit, world, completed) == [("has_passed", rules.HAS_PASSED_INVALID)]
    support = enrolled(world, "npq-early-headship-coaching-offer")
    assert submit(world, request(support, declaration_type="completed")).state == "eligible"
    assert not world.store.outcomes


def test_the_duplicate_guard_is_per_application(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile)
    assert refused(submit, world, request(profile)) == [("base", rules.ALREADY_DECLARED)]
    # The same person's claim on another application (another provider's, another cohort) does not block.
    user = world.store.users[profile.user_id]
    second = accept(world.store, apply(world.store, world.mine, user, "npq-headship", 2024))
    world.store.npq_profiles[second.id].created_at = NOW
    world.store.npq_applications[second.id].created_at = NOW
    made = submit(world, request(second, delivery_partner_id=partner(world, "DP", 2024).id))
    assert (made.profile_id, made.cohort) == (second.id, 2024)


def test_unknown_delivery_partner_ids_always_answer(world: World) -> None:
    profile = enrolled(world)
    req = request(profile, declaration_type="bad", delivery_partner_id="x", secondary_delivery_partner_id="y")
    assert refused(submit, world, req) == [
        ("declaration_type", npq_rules.TYPE_NOT_RECOGNISED),
        ("delivery_partner_id", dp.does_not_exist("delivery_partner_id")),
        ("secondary_delivery_partner_id", dp.does_not_exist("secondary_delivery_partner_id")),
    ]


def test_a_blank_delivery_partner_id_is_looked_up_too(world: World) -> None:
    profile = enrolled(world)
    assert refused(submit, world, request(profile, delivery_partner_id="")) == [
        ("delivery_partner_id", dp.does_not_exist("delivery_partner_id"))
    ]


def test_a_2024_applicant_in_england_needs_a_delivery_partner_of_the_exact_cohort(world: World) -> None:
    profile = enrolled(world, cohort=2024)
    assert refused(submit, world, request(profile)) == [("delivery_partner_id", dp.MUST_BE_PRESENT)]
    elsewhere = partner(world, "2023 only", 2023)
    assert refused(submit, world, request(profile, delivery_partner_id=elsewhere.id)) == [
        ("delivery_partner_id", dp.not_confirmed("delivery_partner_id"))
    ]
    theirs = partner(world, "Theirs", 2024, provider=world.other)
    assert refused(submit, world, request(profile, delivery_partner_id=theirs.id)) == [
        ("delivery_partner_id", dp.not_confirmed("delivery_partner_id"))
    ]
    mine, second = partner(world, "Mine", 2024), partner(world, "Second", 2024)
    assert refused(submit, world, request(profile, secondary_delivery_partner_id=second.id)) == [
        ("delivery_partner_id", dp.MUST_BE_PRESENT),
        ("secondary_delivery_partner_id", dp.SECONDARY_WITHOUT_PRIMARY),
    ]
    same = request(profile, delivery_partner_id=mine.id, secondary_delivery_partner_id=mine.id)
    assert refused(submit, world, same) == [("secondary_delivery_partner_id", dp.SECONDARY_SAME_AS_PRIMARY)]
    made = submit(
        world, request(profile, delivery_partner_id=mine.id, secondary_delivery_partner_id=second.id)
    )
    assert (made.delivery_partner_id, made.secondary_delivery_partner_id) == (mine.id, second.id)


def test_a_delivery_partner_is_optional_before_2024_and_forbidden_outside_england(world: World) -> None:
    profile = enrolled(world, cohort=2023)
    assert submit(world, request(profile)).delivery_partner_id is None
    abroad = enrolled(world, cohort=2024)
    application = world.store.npq_applications[abroad.id]
    application.teacher_catchment, application.teacher_catchment_iso_country_code = False, "FRA"
    assert submit(world, request(abroad)).delivery_partner_id is None
    named = partner(world, "Mine", 2024)
    retained = request(abroad, declaration_type="retained-1", delivery_partner_id=named.id)
    assert refused(submit, world, retained) == [
        ("delivery_partner_id", dp.outside_england("delivery_partner_id"))
    ]


def test_the_state_a_claim_lands_in(world: World) -> None:
    profile = enrolled(world)
    made = submit(world, request(profile))
    assert made.state == "eligible" and made.statement_id is not None
    ineligible = enrolled(world)
    world.store.npq_applications[ineligible.id].eligible_for_funding = False
    assert submit(world, request(ineligible)).state == "submitted"
    unfunded = enrolled(world, cohort=2024)
    world.store.npq_applications[unfunded.id].funded_place = False
    named = partner(world, "Mine", 2024).id
    assert submit(world, request(unfunded, delivery_partner_id=named)).state == "submitted"


def test_the_same_teacher_under_another_record_is_ineligible(world: World) -> None:
    first = enrolled(world)
    trn = world.store.users[first.user_id].teacher_reference_number
    declare(world.store, first)
    twin = person(world.store, trn=trn)
    second = accept(world.store, apply(world.store, world.mine, twin, "npq-headship"))
    made = submit(world, request(second))
    assert (made.state, made.ineligible_for_funding_reason) == ("ineligible", "duplicate_declaration")


def test_a_completed_claim_records_its_outcome_once(world: World) -> None:
    profile = enrolled(world)
    declared = submit(world, request(profile, declaration_type="completed", has_passed=True))
    outcomes = world.store.outcomes_of(declared.id)
    assert [(o.state, o.completion_date.isoformat()) for o in outcomes] == [("passed", "2026-01-08")]


def test_a_refused_completed_outcome_is_a_bad_request() -> None:
    with pytest.raises(BadRequest) as caught:
        npq_outcomes.check_completed_outcome(NOW.date().replace(year=2027), NOW)
    assert caught.value.detail == rules.COMPLETED_OUTCOME_FAILED


def test_a_refusal_changes_nothing(world: World) -> None:
    profile = enrolled(world, cohort=2024)
    before = fingerprint(world.store)
    refused(submit, world, request(profile))
    assert fingerprint(world.store) == before
