"""The NPQ service's decisions on applications (npq.md §4.1-§4.3): accept by cohort funding, duplicate
acceptance within one exact cohort, schedules of the cohort, siblings rejected with their reason; reject,
after acceptance too; change-funded-place in the service's words; refusals that change nothing."""

from __future__ import annotations

import pytest

from sandbox.domain.applications import npq_service as rules
from sandbox.domain.applications.decisions import FUNDED_PLACE_REQUIRED, NOT_ELIGIBLE_FOR_FUNDED_PLACE
from sandbox.domain.errors import NotFound
from sandbox.domain.participants.training_status import apply_transition
from tests.domain.npq_service_world import refused
from tests.domain.npq_world import NOW, World, accept, apply, build, declare, enrolled, fingerprint, person


@pytest.fixture
def world() -> World:
    return build()


def accepting(world: World, application, **body):  # type: ignore[no-untyped-def]
    return rules.accept_application(world.store, world.mine, application.id, NOW, **body)


def pending(world: World, cohort: int = 2024, course: str = "npq-headship", *, eligible: bool = True):  # type: ignore[no-untyped-def]
    return apply(world.store, world.mine, person(world.store), course, cohort, eligible=eligible)


@pytest.mark.parametrize("value", [None, "true", 1])
def test_a_capped_cohort_needs_a_json_boolean(world: World, value: object) -> None:
    assert refused(accepting, world, pending(world), funded_place=value) == [
        ("funded_place", FUNDED_PLACE_REQUIRED)
    ]


@pytest.mark.parametrize("value", [None, True])
def test_an_unfunded_cohort_needs_false_sent(world: World, value: object) -> None:
    application = pending(world)
    application.cohort, application.cohort_suffix = 2026, "a"
    assert refused(accepting, world, application, funded_place=value) == [
        ("funded_place", rules.UNFUNDED_COHORT)
    ]
    # With `false` it is accepted on 2026a's own spring schedule, and no funded place is stored.
    accepted = accepting(world, application, funded_place=False)
    assert (accepted.status, accepted.funded_place) == ("accepted", None)
    assert accepted.schedule_identifier == "npq-leadership-spring"


def test_a_decided_application(world: World) -> None:
    application = pending(world, 2023)
    accepting(world, application)
    assert refused(accepting, world, application) == [("application", rules.ALREADY_ACCEPTED)]
    rules.reject_application(world.store, world.mine, application.id, NOW)
    assert refused(accepting, world, application) == [("application", rules.CANNOT_CHANGE_FROM_REJECTED)]


def test_duplicate_acceptance_is_judged_within_the_exact_cohort(world: World) -> None:
    store = world.store
    earlier = enrolled(world, "npq-early-headship-coaching-offer", 2023, provider=world.other)
    twin = person(store, trn=store.users[earlier.user_id].teacher_reference_number)
    # ASO counts as EHCO, and a twin with the same TRN as the person.
    support = apply(store, world.mine, twin, "npq-additional-support-offer", 2023)
    assert refused(accepting, world, support) == [("application", rules.ACCEPTED_IN_COHORT)]
    other_cohort = apply(store, world.mine, twin, "npq-early-headship-coaching-offer", 2022)
    assert accepting(world, other_cohort).status == "accepted"
    # A withdrawn acceptance no longer blocks.
    same_cohort = apply(store, world.mine, twin, "npq-early-headship-coaching-offer", 2023)
    assert refused(accepting, world, same_cohort) == [("application", rules.ACCEPTED_IN_COHORT)]
    apply_transition(store, earlier, world.other, "withdraw", "other", NOW)
    assert accepting(world, same_cohort).status == "accepted"


def test_a_funded_place_needs_an_eligible_applicant_once_nothing_else_failed(world: World) -> None:
    application = pending(world, eligible=False)
    assert refused(accepting, world, application, funded_place=True) == [
        ("application", NOT_ELIGIBLE_FOR_FUNDED_PLACE)
    ]
    assert accepting(world, application, funded_place=False).funded_place is False


def test_a_schedule_of_the_cohort_and_course(world: World) -> None:
    application = pending(world, 2024)
    assert refused(
        accepting, world, application, funded_place=True, schedule_identifier="npq-aso-december"
    ) == [
        ("schedule_identifier", rules.SCHEDULE_NOT_IN_COHORT)  # ASO schedules exist in 2021 only
    ]
    assert refused(
        accepting, world, application, funded_place=True, schedule_identifier="npq-specialist-autumn"
    ) == [("schedule_identifier", rules.SCHEDULE_NOT_FOR_COURSE)]
    ecf = refused(
        accepting, world, application, funded_place=True, schedule_identifier="ecf-standard-september"
    )
    assert ecf == [("schedule_identifier", rules.SCHEDULE_NOT_IN_COHORT)]
    accepted = accepting(world, application, funded_place=True, schedule_identifier="npq-leadership-autumn")
    assert (accepted.schedule_identifier, accepted.funded_place) == ("npq-leadership-autumn", True)


def test_a_fully_funded_cohort_keeps_no_funded_place(world: World) -> None:
    assert accepting(world, pending(world, 2023), funded_place=True).funded_place is None


def test_accepting_rejects_the_persons_other_applications_for_the_course_and_exact_cohort(
    world: World,
) -> None:
    store = world.store
    user = person(store)
    mine = apply(store, world.mine, user, "npq-senco", 2024)
    theirs = apply(store, world.other, user, "npq-senco", 2024)
    other_course = apply(store, world.other, user, "npq-headship", 2024)
    accepting(world, mine, funded_place=False)
    assert (theirs.status, theirs.reason_for_rejection) == (
        "rejected",
        "other_application_in_this_cohort_accepted",
    )
    assert (other_course.status, other_course.reason_for_rejection) == ("pending", None)


def test_reject_after_accept_unless_paid_for_declarations(world: World) -> None:
    profile = enrolled(world)
    application = world.store.npq_applications[profile.id]
    declare(world.store, profile, state="voided")
    rejected = rules.reject_application(world.store, world.mine, application.id, NOW)
    assert (rejected.status, rejected.reason_for_rejection) == ("rejected", "rejected_by_provider")
    assert profile.training_status == "active"  # schedule and training status stay
    assert refused(rules.reject_application, world.store, world.mine, application.id, NOW) == [
        ("application", rules.ALREADY_REJECTED)
    ]
    claimed = enrolled(world)
    declare(world.store, claimed, state="paid")
    assert refused(rules.reject_application, world.store, world.mine, claimed.id, NOW) == [
        ("application", rules.HAS_DECLARATIONS)
    ]


def change(world: World, application, value: object):  # type: ignore[no-untyped-def]
    return rules.change_funded_place(world.store, world.mine, application.id, value, NOW)


def test_change_funded_place_refusals(world: World) -> None:
    waiting = pending(world, eligible=False)
    assert refused(change, world, waiting, None) == [
        ("funded_place", FUNDED_PLACE_REQUIRED),
        ("application", rules.ACCEPT_BEFORE_CHANGING),
    ]
    assert refused(change, world, waiting, True) == [
        ("application", rules.ACCEPT_BEFORE_CHANGING),
        ("application", rules.NOT_ELIGIBLE_TO_CHANGE),
    ]
    full = world.store.npq_applications[enrolled(world, cohort=2023).id]
    assert refused(change, world, full, False) == [("application", rules.UNCAPPED_COHORT)]
    assert rules.ACCEPT_BEFORE_CHANGING.endswith("setting.") and rules.UNCAPPED_COHORT.endswith("onwards.")


@pytest.mark.parametrize("value", [True, False])
def test_declarations_block_a_change_either_way(world: World, value: bool) -> None:
    profile = enrolled(world, cohort=2024)
    declare(world.store, profile)
    application = world.store.npq_applications[profile.id]
    assert refused(change, world, application, value) == [("application", rules.DECLARATIONS_SUBMITTED)]


def test_change_funded_place_and_the_same_value_again(world: World) -> None:
    application = world.store.npq_applications[accept(world.store, pending(world)).id]
    assert change(world, application, False).funded_place is False
    stamp = application.updated_at
    assert change(world, application, False).updated_at == stamp


def test_refusals_change_nothing(world: World) -> None:
    application = pending(world, eligible=False)
    before = fingerprint(world.store)
    refused(accepting, world, application, funded_place=True)
    refused(change, world, application, True)
    assert fingerprint(world.store) == before


def test_a_missing_default_schedule_is_not_found(world: World) -> None:
    # ASO has 2021 schedules only (test_npq_cohorts.py tests the lookup itself).
    application = pending(world, 2023, "npq-additional-support-offer")
    before = fingerprint(world.store)
    with pytest.raises(NotFound):
        accepting(world, application)
    assert fingerprint(world.store) == before
