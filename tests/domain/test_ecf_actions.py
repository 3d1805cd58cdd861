"""ECF withdraw, defer and resume (domain.md §4.3): resolution, the exact refusals, and the effects."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.domain import messages
from sandbox.domain.errors import ValidationFailed
from sandbox.domain.participants.ecf_actions import act, resolve
from sandbox.domain.world.registration import merge_users, record_challenge, record_school_transfer
from tests.domain.ecf_world import NOW, World, build, snapshot

WITHDRAWN = "The participant is already withdrawn"


@pytest.fixture
def world() -> World:
    return build()


def refused(call, *args, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kwargs)
    return caught.value.errors


def withdraw(
    world: World, user_id: str, course: object = "ecf-induction", reason: object = "moved-school", **kw
):
    provider = kw.pop("provider", world.provider)
    return act(
        world.store,
        provider,
        user_id,
        "withdraw",
        course_identifier=course,
        reason=reason,
        now=kw.pop("now", NOW),
    )


def defer(world: World, user_id: str, course: object = "ecf-induction", reason: object = "bereavement", **kw):
    provider = kw.pop("provider", world.provider)
    return act(
        world.store,
        provider,
        user_id,
        "defer",
        course_identifier=course,
        reason=reason,
        now=kw.pop("now", NOW),
    )


def resume(world: World, user_id: str, course: object = "ecf-induction", **kw):
    provider = kw.pop("provider", world.provider)
    return act(world.store, provider, user_id, "resume", course_identifier=course, now=kw.pop("now", NOW))


# -- resolution (steps 1-3) -----------------------------------------------------------------------


def test_unknown_participant_is_not_recognised(world: World) -> None:
    assert refused(withdraw, world, "no-such-id") == {"participant_id": [messages.PARTICIPANT_NOT_RECOGNISED]}


def test_unknown_participant_without_course_gets_both_attributes(world: World) -> None:
    assert refused(resume, world, "no-such-id", course=None) == {
        "participant_id": [messages.PARTICIPANT_NOT_RECOGNISED],
        "course_identifier": [messages.COURSE_MISSING],
    }


@pytest.mark.parametrize("course", [None, "", "  "])
def test_missing_course_is_not_recognised_then_missing(world: World, course: object) -> None:
    who = world.enrol()
    assert refused(resume, world, who.user_id, course=course) == {
        "course_identifier": [messages.COURSE_NOT_RECOGNISED, messages.COURSE_MISSING]
    }


@pytest.mark.parametrize("course", ["ecf-mentor", "npq-headship", "ECF-INDUCTION", 7, ["ecf-induction"]])
def test_course_the_participant_does_not_hold_is_not_recognised(world: World, course: object) -> None:
    who = world.enrol()
    assert refused(resume, world, who.user_id, course=course) == {
        "course_identifier": [messages.COURSE_NOT_RECOGNISED]
    }


def test_another_providers_participant_is_not_recognised(world: World) -> None:
    theirs = world.enrol(provider=world.other)
    assert refused(withdraw, world, theirs.user_id) == {
        "participant_id": [messages.PARTICIPANT_NOT_RECOGNISED]
    }
    assert refused(defer, world, theirs.user_id) == {"participant_id": [messages.PARTICIPANT_NOT_RECOGNISED]}
    assert refused(resume, world, theirs.user_id) == {"participant_id": [messages.PARTICIPANT_NOT_RECOGNISED]}


def test_withdraw_checks_the_reason_once_a_profile_is_found_even_another_providers(world: World) -> None:
    # Upstream validates the withdraw reason whenever the profile resolves, before the provider check.
    theirs = world.enrol(provider=world.other)
    assert refused(withdraw, world, theirs.user_id, reason=None) == {
        "participant_id": [messages.PARTICIPANT_NOT_RECOGNISED],
        "reason": [
            "The property '#/reason' must be present",
            "The property '#/reason' must be a valid reason",
        ],
    }
    # ... but not for an id that resolves to nobody.
    assert refused(withdraw, world, "nobody", reason=None) == {
        "participant_id": [messages.PARTICIPANT_NOT_RECOGNISED]
    }


def test_defer_checks_the_reason_whoever_the_participant_is(world: World) -> None:
    assert refused(defer, world, "nobody", reason="holiday") == {
        "participant_id": [messages.PARTICIPANT_NOT_RECOGNISED],
        "reason": ["The property '#/reason' must be a valid reason"],
    }


def test_merged_participant_id_still_resolves(world: World) -> None:
    old, survivor = world.enrol(2022), world.enrol(2024, "mentor")
    merge_users(
        world.store, from_user_id=old.user_id, to_user_id=survivor.user_id, now=NOW - timedelta(days=1)
    )
    result = withdraw(world, old.user_id)
    assert result.participant.user.id == survivor.user_id
    assert result.enrolment.profile.id == old.profile.id
    assert old.profile.training_status == "withdrawn"
    assert sorted(e.profile.participant_type for e in result.participant.enrolments) == ["ect", "mentor"]


def test_ect_and_mentor_profiles_are_told_apart_by_course(world: World) -> None:
    who = world.enrol(2024, "mentor")
    withdraw(world, who.user_id, course="ecf-mentor", reason="mentor-no-longer-being-mentor")
    assert who.profile.training_status == "withdrawn"
    assert refused(withdraw, world, who.user_id, course="ecf-induction") == {
        "course_identifier": [messages.COURSE_NOT_RECOGNISED]
    }


def test_a_record_under_a_challenged_partnership_still_lets_the_provider_act(world: World) -> None:
    who = world.enrol(2023)
    record_challenge(world.store, partnership_id=world.partnership(2023).id, reason="mistake", now=NOW)
    result = withdraw(world, who.user_id)
    assert result.enrolment.record is who.record
    assert result.enrolment.withdrawal is not None


def test_resolution_needs_a_record_on_the_profiles_current_schedule(world: World) -> None:
    who = world.enrol(2023)
    # The participant moved to the other provider, whose schedule change leaves this provider's record behind.
    record_school_transfer(
        world.store,
        profile_id=who.profile.id,
        leaving_date=NOW - timedelta(days=30),
        now=NOW - timedelta(days=40),
        to_partnership_id=world.partnership(2023, world.other).id,
    )
    who.profile.schedule_identifier = "ecf-reduced-september"
    target = resolve(world.store, world.provider, who.user_id, "ecf-induction")
    assert target.errors == {"participant_id": [messages.PARTICIPANT_NOT_RECOGNISED]}


# -- withdraw -------------------------------------------------------------------------------------


def test_withdraw_records_the_state_and_moves_the_touch_chain(world: World) -> None:
    who = world.enrol(2023)
    result = withdraw(world, who.user_id, reason="left-teaching-profession")
    assert (who.profile.training_status, who.record.training_status) == ("withdrawn", "withdrawn")
    state = who.profile.states[-1]
    assert (state.state, state.reason, state.lead_provider_id, state.created_at) == (
        "withdrawn",
        "left-teaching-profession",
        world.provider.id,
        NOW,
    )
    assert result.enrolment.withdrawal == state and result.enrolment.deferral is None
    assert world.store.users[who.user_id].updated_at == NOW
    assert who.record.updated_at == NOW and who.profile.updated_at == NOW


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (None, ["The property '#/reason' must be present", "The property '#/reason' must be a valid reason"]),
        ("", ["The property '#/reason' must be present", "The property '#/reason' must be a valid reason"]),
        ("bereavement", ["The property '#/reason' must be a valid reason"]),
        ("started-in-error", ["The property '#/reason' must be a valid reason"]),
        (3, ["The property '#/reason' must be a valid reason"]),
    ],
)
def test_withdraw_reason_must_be_an_ecf_withdraw_reason(world: World, reason: object, expected: list) -> None:
    who = world.enrol()
    assert refused(withdraw, world, who.user_id, reason=reason) == {"reason": expected}


def test_withdraw_twice_is_refused_and_changes_nothing(world: World) -> None:
    who = world.enrol()
    withdraw(world, who.user_id)
    before = snapshot(world.store)
    assert refused(withdraw, world, who.user_id, now=NOW + timedelta(days=1)) == {
        "participant_profile": [WITHDRAWN]
    }
    assert snapshot(world.store) == before


def test_errors_of_several_attributes_come_in_the_services_order(world: World) -> None:
    who = world.enrol()
    withdraw(world, who.user_id)
    assert list(refused(withdraw, world, who.user_id, reason="nope")) == ["reason", "participant_profile"]


def test_a_deferred_participant_can_be_withdrawn(world: World) -> None:
    who = world.enrol()
    defer(world, who.user_id, now=NOW - timedelta(days=2))
    withdraw(world, who.user_id)
    assert who.record.training_status == "withdrawn"


# -- defer ----------------------------------------------------------------------------------------


def test_defer_records_the_deferral(world: World) -> None:
    who = world.enrol(2024, "mentor")
    result = defer(world, who.user_id, course="ecf-mentor", reason="parental-leave")
    assert (who.profile.training_status, who.record.training_status) == ("deferred", "deferred")
    assert result.enrolment.deferral is not None and result.enrolment.deferral.reason == "parental-leave"
    assert result.enrolment.withdrawal is None


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        (None, ["The property '#/reason' must be present", "The property '#/reason' must be a valid reason"]),
        ("moved-school", ["The property '#/reason' must be a valid reason"]),
    ],
)
def test_defer_reason_must_be_a_deferral_reason(world: World, reason: object, expected: list) -> None:
    who = world.enrol()
    assert refused(defer, world, who.user_id, reason=reason) == {"reason": expected}


@pytest.mark.parametrize(
    ("first", "message"), [("defer", "The participant is already deferred"), ("withdraw", WITHDRAWN)]
)
def test_defer_refuses_deferred_and_withdrawn(world: World, first: str, message: str) -> None:
    who = world.enrol()
    (defer if first == "defer" else withdraw)(world, who.user_id, now=NOW - timedelta(days=1))
    before = snapshot(world.store)
    assert refused(defer, world, who.user_id) == {"participant_profile": [message]}
    assert snapshot(world.store) == before


# -- resume ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["defer", "withdraw"])
def test_resume_from_deferred_or_withdrawn(world: World, first: str) -> None:
    who = world.enrol()
    (defer if first == "defer" else withdraw)(world, who.user_id, now=NOW - timedelta(days=1))
    result = resume(world, who.user_id)
    assert (who.profile.training_status, who.record.training_status) == ("active", "active")
    state = who.profile.states[-1]
    assert (state.state, state.reason, state.created_at) == ("active", None, NOW)
    assert result.enrolment.withdrawal is None and result.enrolment.deferral is None


def test_resume_an_active_participant_is_refused(world: World) -> None:
    who = world.enrol()
    before = snapshot(world.store)
    assert refused(resume, world, who.user_id) == {
        "participant_profile": ["The participant is already active"]
    }
    assert snapshot(world.store) == before


def test_the_status_read_and_written_is_the_providers_own_record(world: World) -> None:
    who = world.enrol(2023)
    # Moved to the other provider: each provider keeps its own record, and its own training status.
    record_school_transfer(
        world.store,
        profile_id=who.profile.id,
        leaving_date=NOW - timedelta(days=30),
        now=NOW - timedelta(days=40),
        to_partnership_id=world.partnership(2023, world.other).id,
    )
    theirs = world.store.records_of(who.profile.id)[-1]
    withdraw(world, who.user_id, provider=world.other)
    assert (theirs.training_status, who.record.training_status) == ("withdrawn", "active")
    assert refused(resume, world, who.user_id) == {
        "participant_profile": ["The participant is already active"]
    }
    defer(world, who.user_id)
    assert (theirs.training_status, who.record.training_status) == ("withdrawn", "deferred")
