"""A provider's actions on NPQ participants (domain.md §4.16): the shared resolution, each action's own rules
with their exact texts in upstream's order, refusals that change nothing, and the effects."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sandbox.domain.errors import InvalidAction, NotFound, ValidationFailed
from sandbox.domain.messages import (
    CANNOT_CHANGE_COHORT,
    COURSE_MISSING,
    COURSE_NOT_RECOGNISED,
    INVALID_SCHEDULE,
    PARTICIPANT_NOT_RECOGNISED,
    SCHEDULE_ALREADY_ON_PROFILE,
    SCHEDULE_INVALID_FOR_COURSE,
    SCHEDULE_INVALIDATES_DECLARATIONS,
    WITHDRAWN_PARTICIPANT,
)
from sandbox.domain.participants import npq_actions as actions
from sandbox.domain.world.entities import NPQContract
from sandbox.domain.world.registration import record_training_status
from tests.domain.npq_world import NOW, World, accept, apply, build, declare, enrolled, fingerprint, person

REASON_MISSING = ["The property '#/reason' must be present", "The property '#/reason' must be a valid reason"]
REASON_INVALID = ["The property '#/reason' must be a valid reason"]


@pytest.fixture
def world() -> World:
    return build()


def refused(call, *args, **kwargs) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kwargs)
    return caught.value.errors


def withdraw(world: World, participant_id: str, **attrs: object):  # type: ignore[no-untyped-def]
    values = {"course_identifier": "npq-headship", "reason": "personal-reason-other", **attrs}
    return actions.act(world.store, world.mine, participant_id, "withdraw", now=NOW, **values)  # type: ignore[arg-type]


def defer(world: World, participant_id: str, **attrs: object):  # type: ignore[no-untyped-def]
    values = {"course_identifier": "npq-headship", "reason": "parental-leave", **attrs}
    return actions.act(world.store, world.mine, participant_id, "defer", now=NOW, **values)  # type: ignore[arg-type]


def resume(world: World, participant_id: str, course: object = "npq-headship"):  # type: ignore[no-untyped-def]
    return actions.act(world.store, world.mine, participant_id, "resume", course_identifier=course, now=NOW)


def change(world: World, participant_id: str, **attrs: object):  # type: ignore[no-untyped-def]
    values = {
        "course_identifier": "npq-headship",
        "schedule_identifier": "npq-leadership-spring",
        "cohort": None,
    }
    values.update(attrs)
    return actions.change_schedule(world.store, world.mine, participant_id, now=NOW, **values)  # type: ignore[arg-type]


# -- who the action is about ----------------------------------------------------------------------


def test_an_unknown_participant(world: World) -> None:
    assert refused(resume, world, "no-such-person") == {"participant_id": [PARTICIPANT_NOT_RECOGNISED]}
    # Presence of the course is checked whatever else failed.
    assert refused(resume, world, "no-such-person", None) == {
        "participant_id": [PARTICIPANT_NOT_RECOGNISED],
        "course_identifier": [COURSE_MISSING],
    }


@pytest.mark.parametrize(
    ("course", "expected"),
    [
        (None, [COURSE_NOT_RECOGNISED, COURSE_MISSING]),
        ("npq-unknown", [COURSE_NOT_RECOGNISED]),
        ("ecf-induction", [COURSE_NOT_RECOGNISED]),
        (12, [COURSE_NOT_RECOGNISED]),
    ],
)
def test_a_course_that_is_not_one_of_theirs(world: World, course: object, expected: list[str]) -> None:
    profile = enrolled(world)
    assert refused(resume, world, profile.user_id, course) == {"course_identifier": expected}


def test_someone_with_no_npq_record_has_no_npq_course(world: World) -> None:
    user = person(world.store)
    apply(world.store, world.mine, user)  # pending only
    assert refused(resume, world, user.id) == {"course_identifier": [COURSE_NOT_RECOGNISED]}


def test_another_providers_participant_is_not_recognised(world: World) -> None:
    profile = enrolled(world, provider=world.other)
    record_training_status(
        world.store,
        profile_id=profile.id,
        lead_provider_id=world.other.id,
        state="deferred",
        reason="other",
        now=NOW,
    )
    before = fingerprint(world.store)
    assert refused(resume, world, profile.user_id) == {"participant_id": [PARTICIPANT_NOT_RECOGNISED]}
    # Any NPQ course is "theirs" once they hold an NPQ record, so another course is not recognised either way.
    assert refused(resume, world, profile.user_id, "npq-senco") == {
        "participant_id": [PARTICIPANT_NOT_RECOGNISED]
    }
    assert fingerprint(world.store) == before


# -- withdraw -------------------------------------------------------------------------------------


def test_withdraw(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, "started", state="voided")  # any started declaration counts
    participant = withdraw(world, profile.user_id, reason="quality-of-programme-structure-not-suitable.")
    assert profile.training_status == "withdrawn" and profile.updated_at == NOW
    enrolment = participant.enrolments[0]
    assert enrolment.withdrawal is not None
    assert (enrolment.withdrawal.reason, enrolment.withdrawal.created_at) == (
        "quality-of-programme-structure-not-suitable.",
        NOW,
    )
    assert world.store.users[profile.user_id].updated_at == NOW


@pytest.mark.parametrize(
    ("reason", "expected"), [(None, REASON_MISSING), ("", REASON_MISSING), ("moved-school", REASON_INVALID)]
)
def test_withdraw_needs_an_npq_reason(world: World, reason: object, expected: list[str]) -> None:
    profile = enrolled(world)
    declare(world.store, profile)
    before = fingerprint(world.store)
    assert refused(withdraw, world, profile.user_id, reason=reason) == {"reason": expected}
    assert fingerprint(world.store) == before


def test_withdraw_checks_no_reason_without_a_participant(world: World) -> None:
    assert refused(withdraw, world, "no-such-person", reason=None) == {
        "participant_id": [PARTICIPANT_NOT_RECOGNISED]
    }


def test_withdraw_needs_a_started_declaration(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, "retained-1")
    assert refused(withdraw, world, profile.user_id) == {
        "participant_profile": [actions.NO_STARTED_DECLARATION]
    }


def test_withdraw_twice(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile)
    withdraw(world, profile.user_id)
    assert refused(withdraw, world, profile.user_id, reason="nope") == {
        "reason": REASON_INVALID,
        "participant_profile": ["The participant is already withdrawn"],
    }


# -- defer and resume -----------------------------------------------------------------------------


def test_defer_and_resume(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, "retained-1", state="voided")  # any declaration counts
    participant = defer(world, profile.user_id)
    assert profile.training_status == "deferred"
    assert participant.enrolments[0].deferral.reason == "parental-leave"  # type: ignore[union-attr]
    resume(world, profile.user_id)
    assert profile.training_status == "active"
    assert [s.state for s in profile.states] == ["deferred", "active"]


def test_defer_checks_the_reason_even_without_a_participant(world: World) -> None:
    assert refused(defer, world, "no-such-person", reason="moved-school") == {
        "participant_id": [PARTICIPANT_NOT_RECOGNISED],
        "reason": REASON_INVALID,
    }


def test_defer_needs_a_declaration(world: World) -> None:
    profile = enrolled(world)
    before = fingerprint(world.store)
    assert refused(defer, world, profile.user_id) == {"participant_profile": [actions.NO_DECLARATIONS]}
    assert fingerprint(world.store) == before


@pytest.mark.parametrize(
    ("first", "message"),
    [("defer", "The participant is already deferred"), ("withdraw", "The participant is already withdrawn")],
)
def test_defer_a_deferred_or_withdrawn_participant(world: World, first: str, message: str) -> None:
    profile = enrolled(world)
    declare(world.store, profile)
    (defer if first == "defer" else withdraw)(world, profile.user_id)
    assert refused(defer, world, profile.user_id) == {"participant_profile": [message]}


def test_resume_from_withdrawn_but_not_from_active(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile)
    assert refused(resume, world, profile.user_id) == {
        "participant_profile": ["The participant is already active"]
    }
    withdraw(world, profile.user_id)
    resume(world, profile.user_id)
    assert profile.training_status == "active"


# -- change-schedule ------------------------------------------------------------------------------


def test_change_schedule_within_the_cohort(world: World) -> None:
    profile = enrolled(world)  # npq-leadership-autumn 2023
    change(world, profile.user_id)
    application = world.store.npq_applications[profile.id]
    assert (profile.schedule_identifier, profile.cohort, profile.updated_at) == (
        "npq-leadership-spring",
        2023,
        NOW,
    )
    assert (application.schedule_identifier, application.cohort) == ("npq-leadership-spring", 2023)


@pytest.mark.parametrize("schedule", [None, "", "npq-no-such-schedule"])
def test_a_missing_or_unknown_schedule(world: World, schedule: object) -> None:
    profile = enrolled(world)
    before = fingerprint(world.store)
    assert refused(change, world, profile.user_id, schedule_identifier=schedule) == {
        "schedule_identifier": [INVALID_SCHEDULE]
    }
    assert fingerprint(world.store) == before


def test_a_schedule_of_another_family_or_the_same_schedule(world: World) -> None:
    profile = enrolled(world)
    assert refused(change, world, profile.user_id, schedule_identifier="npq-specialist-spring") == {
        "schedule_identifier": [SCHEDULE_INVALID_FOR_COURSE]
    }
    assert refused(change, world, profile.user_id, schedule_identifier="npq-leadership-autumn") == {
        "schedule_identifier": [SCHEDULE_ALREADY_ON_PROFILE]
    }


def test_a_withdrawn_participant_cannot_change_schedule(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile)
    withdraw(world, profile.user_id)
    errors = refused(change, world, profile.user_id, schedule_identifier=None)
    assert list(errors.items()) == [
        ("schedule_identifier", [INVALID_SCHEDULE]),
        ("participant_id", [WITHDRAWN_PARTICIPANT]),
    ]


def test_declarations_must_fit_the_new_schedule(world: World) -> None:
    profile = enrolled(world)
    # 5 October 2023 is before the spring schedule starts on 1 January 2024.
    declare(world.store, profile, on=date(2023, 10, 5))
    assert refused(change, world, profile.user_id) == {
        "schedule_identifier": [SCHEDULE_INVALIDATES_DECLARATIONS]
    }


def test_a_declaration_the_new_schedule_has_no_milestone_for_is_not_found(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, "retained-2", on=date(2024, 2, 1))
    with pytest.raises(NotFound):
        change(world, profile.user_id, schedule_identifier="npq-specialist-spring")


def test_declarations_pin_the_cohort(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, state="voided")  # a voided claim does not count
    change(world, profile.user_id, schedule_identifier="npq-leadership-autumn", cohort="2022")
    assert (profile.schedule_identifier, profile.cohort) == ("npq-leadership-autumn", 2022)
    declare(world.store, profile, on=date(2024, 2, 1))
    assert refused(change, world, profile.user_id, cohort="2023") == {"cohort": [CANNOT_CHANGE_COHORT]}


@pytest.mark.parametrize("cohort", ["2020", "2099", "soon"])
def test_a_cohort_without_a_contract(world: World, cohort: str) -> None:
    profile = enrolled(world)
    assert refused(change, world, profile.user_id, cohort=cohort) == {
        "cohort": [actions.NO_CONTRACT_FOR_COHORT]
    }


def test_no_contract_for_the_current_cohort_is_unprocessable(world: World) -> None:
    profile = enrolled(world)
    world.store.npq_contracts.discard(NPQContract(world.mine.id, 2023, "npq-headship", 0))
    with pytest.raises(InvalidAction) as caught:
        change(world, profile.user_id)
    assert caught.value.title == "Unprocessable request"


def test_a_funded_course_cannot_leave_a_capped_cohort(world: World) -> None:
    profile = enrolled(world, cohort=2024)
    assert refused(
        change, world, profile.user_id, schedule_identifier="npq-leadership-autumn", cohort="2023"
    ) == {"cohort": [CANNOT_CHANGE_COHORT]}


@pytest.mark.parametrize("eligible", [True, False])
def test_moving_into_a_capped_cohort_resets_the_funded_place(world: World, eligible: bool) -> None:
    store = world.store
    application = apply(store, world.mine, person(store), "npq-headship", 2023, eligible=eligible)
    profile = accept(store, application)
    assert application.funded_place is None
    change(world, profile.user_id, schedule_identifier="npq-leadership-autumn", cohort=2024)
    assert (application.cohort, application.funded_place, application.updated_at) == (2024, eligible, NOW)


def test_refusals_change_nothing(world: World) -> None:
    profile = enrolled(world)
    declare(world.store, profile, on=date(2023, 10, 5))
    before = fingerprint(world.store)
    for attrs in ({"cohort": "2022"}, {"schedule_identifier": "npq-leadership-autumn"}):
        with pytest.raises(ValidationFailed):
            change(world, profile.user_id, **attrs)
    with pytest.raises(ValidationFailed):
        withdraw(world, profile.user_id, reason="nope")
    assert fingerprint(world.store) == before
    assert profile.updated_at < NOW - timedelta(days=1)
