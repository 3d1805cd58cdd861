"""The NPQ service's participant actions (npq.md §4.8): withdraw (with its four extra reasons), defer,
resume and change-schedule, each refusal with its exact text and `participant_id` title, the effects,
and refusals that change nothing."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.domain import messages
from sandbox.domain.participants import npq_service_actions as actions
from sandbox.domain.participants.npq_actions import (
    NO_CONTRACT_FOR_COHORT,
    NO_DECLARATIONS,
    NO_STARTED_DECLARATION,
)
from sandbox.domain.participants.training_status import NPQ_SERVICE_WITHDRAW_REASONS
from sandbox.domain.world.entities import NPQContract
from tests.domain.npq_service_world import refused
from tests.domain.npq_world import NOW, World, build, declare, enrolled, fingerprint


@pytest.fixture
def world() -> World:
    return build()


def withdraw(world: World, profile, course: object = None, reason: object = "other"):  # type: ignore[no-untyped-def]
    return actions.act(
        world.store,
        world.mine,
        profile.user_id,
        "withdraw",
        course_identifier=course or profile.course_identifier,
        reason=reason,
        now=NOW,
    )


def defer(world: World, profile, reason: object = "bereavement"):  # type: ignore[no-untyped-def]
    return actions.act(
        world.store,
        world.mine,
        profile.user_id,
        "defer",
        course_identifier=profile.course_identifier,
        reason=reason,
        now=NOW,
    )


def resume(world: World, profile):  # type: ignore[no-untyped-def]
    return actions.act(
        world.store,
        world.mine,
        profile.user_id,
        "resume",
        course_identifier=profile.course_identifier,
        now=NOW,
    )


def change(world: World, profile, schedule: object, cohort: object = None, course: object = None):  # type: ignore[no-untyped-def]
    return actions.change_schedule(
        world.store,
        world.mine,
        profile.user_id,
        course_identifier=course or profile.course_identifier,
        schedule_identifier=schedule,
        cohort=cohort,
        now=NOW,
    )


def test_the_service_added_four_withdrawal_reasons() -> None:
    assert NPQ_SERVICE_WITHDRAW_REASONS[-4:] == (
        "assessment-requirements-not-met",
        "change-in-career",
        "disengaged-and-unresponsive",
        "non-payment-of-invoice",
    )
    assert len(NPQ_SERVICE_WITHDRAW_REASONS) == 21


@pytest.mark.parametrize("course", [None, "npq-nonsense", "ecf-induction"])
def test_an_unknown_course_is_only_not_recognised(world: World, course: object) -> None:
    profile = enrolled(world)
    found = refused(
        actions.act,
        world.store,
        world.mine,
        profile.user_id,
        "resume",
        course_identifier=course,
        now=NOW,
    )
    assert found == [
        ("course_identifier", messages.COURSE_NOT_RECOGNISED),
        ("participant_id", actions.NO_ACCEPTED_APPLICATION),
    ]


def test_an_action_needs_an_accepted_application_for_the_exact_course(world: World) -> None:
    profile = enrolled(world, "npq-early-headship-coaching-offer")
    found = refused(
        actions.act,
        world.store,
        world.mine,
        profile.user_id,
        "resume",
        course_identifier="npq-additional-support-offer",
        now=NOW,
    )
    assert found == [("participant_id", actions.NO_ACCEPTED_APPLICATION)]


def test_withdraw(world: World) -> None:
    profile = enrolled(world)
    assert refused(withdraw, world, profile, reason="moved-school") == [("reason", actions.INVALID_REASON)]
    assert refused(withdraw, world, profile, reason=None) == [("reason", actions.INVALID_REASON)]
    assert refused(withdraw, world, profile) == [("participant_id", NO_STARTED_DECLARATION)]
    declare(world.store, profile, state="voided")  # a voided started declaration counts
    shown = withdraw(world, profile, reason="non-payment-of-invoice")
    enrolment = shown.enrolments[0]
    assert enrolment.profile.training_status == "withdrawn"
    assert profile.states[-1].reason == "non-payment-of-invoice"
    assert refused(withdraw, world, profile) == [("participant_id", actions.ALREADY_WITHDRAWN)]


def test_defer(world: World) -> None:
    profile = enrolled(world)
    assert refused(defer, world, profile, reason="other-reason") == [
        ("reason", actions.INVALID_REASON),
        ("participant_id", NO_DECLARATIONS),
    ]
    declare(world.store, profile, state="voided")
    defer(world, profile)
    assert profile.training_status == "deferred"
    assert refused(defer, world, profile) == [("participant_id", "The participant is already deferred")]
    withdraw(world, profile)
    assert refused(defer, world, profile) == [("participant_id", "The participant is already withdrawn")]


def test_resume_from_deferred_or_withdrawn(world: World) -> None:
    profile = enrolled(world)
    assert refused(resume, world, profile) == [("participant_id", "The participant is already active")]
    declare(world.store, profile)
    withdraw(world, profile)
    resume(world, profile)
    assert profile.training_status == "active" and profile.states[-1].state == "active"


# -- change-schedule --------------------------------------------------------------------------------


@pytest.mark.parametrize("schedule", [None, "", "npq-leadership-winter", 7])
def test_a_missing_or_unknown_schedule_must_be_present(world: World, schedule: object) -> None:
    profile = enrolled(world)
    assert refused(change, world, profile, schedule) == [("schedule_identifier", actions.SCHEDULE_MISSING)]


def test_a_cohort_without_a_contract(world: World) -> None:
    profile = enrolled(world)
    world.store.npq_contracts.discard(NPQContract(world.mine.id, 2022, "npq-headship", 0))
    assert refused(change, world, profile, "npq-leadership-autumn", 2022) == [
        ("cohort", NO_CONTRACT_FOR_COHORT)
    ]


def test_a_withdrawn_participant(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, on=date(2024, 2, 1))
    withdraw(world, profile)
    assert refused(change, world, profile, "npq-leadership-spring") == [
        ("participant_id", actions.ALREADY_WITHDRAWN)
    ]


def test_declarations_the_new_schedule_would_invalidate(world: World) -> None:
    profile = enrolled(world)  # 2023 autumn, from 2023-10-01; spring from 2024-01-01
    declare(world.store, profile, on=date(2023, 12, 1))
    assert refused(change, world, profile, "npq-leadership-spring") == [
        ("schedule_identifier", messages.SCHEDULE_INVALIDATES_DECLARATIONS)
    ]


def test_the_same_schedule(world: World) -> None:
    profile = enrolled(world)
    assert refused(change, world, profile, "npq-leadership-autumn") == [
        ("schedule_identifier", actions.SAME_SCHEDULE)
    ]


def test_a_schedule_of_another_course_family(world: World) -> None:
    profile = enrolled(world)
    assert refused(change, world, profile, "npq-specialist-spring") == [
        ("schedule_identifier", actions.SCHEDULE_NOT_FOR_COURSE)
    ]


def test_no_cohort_change_with_live_declarations(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, on=date(2024, 11, 1))
    assert refused(change, world, profile, "npq-leadership-autumn", 2024) == [
        ("cohort", actions.COHORT_HAS_DECLARATIONS)
    ]


def test_a_capped_cohort_cannot_move_to_a_fully_funded_one(world: World) -> None:
    profile = enrolled(world, cohort=2024)
    assert refused(change, world, profile, "npq-leadership-autumn", "2023") == [
        ("cohort", actions.CAPPED_TO_FULL)
    ]


def test_an_unfunded_cohort_cannot_move_to_a_funded_one(world: World) -> None:
    profile = enrolled(world, cohort=2024)
    world.store.npq_applications[profile.id].cohort_suffix = "a"
    world.store.npq_applications[profile.id].cohort = 2026  # the spring 2026 intake is unfunded
    found = refused(change, world, profile, "npq-leadership-autumn", 2024)
    assert ("cohort", actions.UNFUNDED_TO_FUNDED) in found


def test_changing_schedule_within_the_cohort(world: World) -> None:
    profile = enrolled(world)
    shown = change(world, profile, "npq-leadership-spring")
    assert shown.enrolments[0].profile.schedule_identifier == "npq-leadership-spring"
    assert world.store.npq_applications[profile.id].schedule_identifier == "npq-leadership-spring"


def test_moving_from_a_fully_funded_cohort_into_a_capped_one_sets_the_funded_place(world: World) -> None:
    profile = enrolled(world)
    application = world.store.npq_applications[profile.id]
    assert application.funded_place is None
    change(world, profile, "npq-leadership-autumn", 2024)
    assert (application.cohort, application.cohort_suffix, profile.cohort) == (2024, "a", 2024)
    assert application.funded_place is application.eligible_for_funding is True


def test_a_deferred_participant_may_change_schedule(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, on=date(2024, 2, 1))
    defer(world, profile)
    change(world, profile, "npq-leadership-spring")
    assert profile.schedule_identifier == "npq-leadership-spring"


def test_a_refused_action_changes_nothing(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, on=date(2023, 12, 1))
    before = fingerprint(world.store)
    refused(change, world, profile, "npq-leadership-spring")
    refused(withdraw, world, profile, reason="nope")
    refused(resume, world, profile)
    assert fingerprint(world.store) == before
