"""RECT's withdraw, defer and resume (rect.md §6.1, §3.3) over a hand-made world: which requests are
refused with which exact texts, that a refusal changes nothing, and that the actions end or start
training periods."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.domain.errors import NotFound, ValidationFailed
from sandbox.domain.participants import rect_actions as actions
from sandbox.domain.participants.training_periods import COURSE_MISSING, COURSE_NOT_RECOGNISED
from sandbox.domain.participants.visibility import period_status
from sandbox.domain.world.registration import add_partnership, record_school_transfer
from tests.domain.ecf_world import NOW, Enrolled, World, at, build, snapshot

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world() -> World:
    return build()


def withdraw(world: World, who: Enrolled, reason: object = "other", course: object = None, now=NOW, **kw):
    return actions.act(
        world.store,
        kw.get("provider", world.provider),
        who.user_id,
        "withdraw",
        course_identifier=course or who.profile.course_identifier,
        reason=reason,
        now=now,
        zone=LONDON,
    )


def defer(world: World, who: Enrolled, reason: object = "career-break", now=NOW):
    return actions.act(
        world.store,
        world.provider,
        who.user_id,
        "defer",
        course_identifier=who.profile.course_identifier,
        reason=reason,
        now=now,
        zone=LONDON,
    )


def resume(world: World, who: Enrolled, now=NOW, course: object = None):
    return actions.act(
        world.store,
        world.provider,
        who.user_id,
        "resume",
        course_identifier=course or who.profile.course_identifier,
        now=now,
        zone=LONDON,
    )


def refused(world: World, call, *args, **kwargs) -> dict[str, list[str]]:
    before = snapshot(world.store)
    with pytest.raises(ValidationFailed) as caught:
        call(world, *args, **kwargs)
    assert snapshot(world.store) == before
    return caught.value.errors


# -- who the action is about ------------------------------------------------------------------------


def test_a_participant_the_provider_cannot_see_is_not_found(world):
    theirs = world.enrol(provider=world.other)
    with pytest.raises(NotFound):
        withdraw(world, theirs)
    with pytest.raises(NotFound):
        actions.act(
            world.store,
            world.provider,
            "nobody",
            "withdraw",
            course_identifier="ecf-induction",
            reason="other",
            now=NOW,
            zone=LONDON,
        )


@pytest.mark.parametrize("course", ["", "npq-headship", "ecf"])
def test_a_missing_or_unknown_course_is_to_be_entered(world, course):
    who = world.enrol()
    errors = refused(world, withdraw, who, course=course or " ")
    assert errors == {"course_identifier": [COURSE_MISSING]}


def test_a_role_the_provider_does_not_train_is_not_recognised(world):
    who = world.enrol(participant_type="ect")
    assert refused(world, withdraw, who, course="ecf-mentor") == {
        "course_identifier": [COURSE_NOT_RECOGNISED]
    }


# -- withdraw --------------------------------------------------------------------------------------


def test_withdrawing_ends_the_training_period_today(world):
    who = world.enrol()
    result = withdraw(world, who, reason="switched-to-school-led")
    assert who.record.training_status == "withdrawn"
    assert who.record.end_date == NOW
    assert period_status(who.profile, who.record, NOW) == "left"
    assert result.enrolment.withdrawal is not None
    assert result.enrolment.withdrawal.reason == "switched-to-school-led"


def test_a_training_period_ending_sooner_keeps_its_end(world):
    who = world.enrol()
    who.record.end_date = NOW - timedelta(days=3)
    withdraw(world, who)
    assert who.record.end_date == NOW - timedelta(days=3)


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (None, actions.REASON_MISSING),
        ("", actions.REASON_MISSING),
        ("school-left-fip", actions.REASON_NOT_RECOGNISED),
    ],
)
def test_withdraw_reasons_are_rects(world, reason, message):
    who = world.enrol()
    assert refused(world, withdraw, who, reason=reason) == {"reason": [message]}


def test_course_and_reason_are_each_refused_once(world):
    who = world.enrol()
    errors = refused(world, withdraw, who, reason="bad", course="npq-headship")
    assert errors == {"course_identifier": [COURSE_MISSING], "reason": [actions.REASON_NOT_RECOGNISED]}


def test_withdrawing_twice_is_refused(world):
    who = world.enrol()
    withdraw(world, who)
    later = NOW + timedelta(days=2)
    assert refused(world, withdraw, who, now=later) == {"participant_id": [actions.ALREADY_WITHDRAWN]}


def test_a_deferred_participant_can_be_withdrawn(world):
    who = world.enrol()
    defer(world, who)
    withdraw(world, who, now=NOW + timedelta(days=1))
    assert who.record.training_status == "withdrawn"
    assert who.record.end_date == NOW  # ended by the deferral already


def test_a_participant_not_started_yet_cannot_be_withdrawn_or_deferred(world):
    who = world.enrol(start=NOW + timedelta(days=10))
    assert refused(world, withdraw, who) == {"participant_id": [actions.not_started("withdraw")]}
    assert refused(world, defer, who) == {"participant_id": [actions.not_started("defer")]}
    assert actions.not_started("defer") == (
        "You cannot defer #/participant_id. This is because they have not been training with you for "
        "at least one day."
    )


def test_a_training_period_started_today_in_london_cannot_be_ended_until_tomorrow(world):
    # 23:30 UTC on 1 June is 00:30 BST on 2 June: at 11:00 BST that day it started today in London
    # (in UTC it started yesterday).
    who = world.enrol(cohort=2024, start=at("2026-06-01T23:30:00+00:00"))
    morning = at("2026-06-02T10:00:00+00:00")
    assert refused(world, withdraw, who, now=morning) == {"participant_id": [actions.STARTED_TODAY]}
    assert refused(world, defer, who, now=morning) == {"participant_id": [actions.STARTED_TODAY]}
    # 23:10 UTC on 2 June is already 3 June in London.
    withdraw(world, who, now=at("2026-06-02T23:10:00+00:00"))


def test_an_ect_is_not_withdrawn_as_a_mentor(world):
    ect = world.enrol(participant_type="ect")
    assert refused(world, withdraw, ect, reason="mentor-no-longer-being-mentor") == {
        "reason": [actions.ECT_NOT_A_MENTOR]
    }
    mentor = world.enrol(participant_type="mentor")
    withdraw(world, mentor, reason="mentor-no-longer-being-mentor")
    assert mentor.record.training_status == "withdrawn"


def test_the_mentor_reason_is_only_checked_when_nothing_else_failed(world):
    ect = world.enrol()
    withdraw(world, ect)
    errors = refused(
        world, withdraw, ect, reason="mentor-no-longer-being-mentor", now=NOW + timedelta(days=1)
    )
    assert errors == {"participant_id": [actions.ALREADY_WITHDRAWN]}


# -- defer -----------------------------------------------------------------------------------------


def test_deferring_ends_the_training_period_today(world):
    who = world.enrol()
    result = defer(world, who)
    assert (who.record.training_status, who.record.end_date) == ("deferred", NOW)
    assert result.enrolment.deferral is not None and result.enrolment.deferral.reason == "career-break"
    assert period_status(who.profile, who.record, NOW) == "left"


def test_defer_refusals(world):
    who = world.enrol()
    assert refused(world, defer, who, reason="moved-school") == {"reason": [actions.REASON_NOT_RECOGNISED]}
    defer(world, who)
    later = NOW + timedelta(days=1)
    assert refused(world, defer, who, now=later) == {"participant_id": [actions.ALREADY_DEFERRED]}
    withdraw(world, who, now=later)
    assert refused(world, defer, who, now=later) == {"participant_id": [actions.ALREADY_WITHDRAWN]}


# -- resume ----------------------------------------------------------------------------------------


def test_resuming_starts_a_new_training_period_today(world):
    who = world.enrol()
    withdraw(world, who)
    tomorrow = NOW + timedelta(days=1)
    result = resume(world, who, now=tomorrow)
    fresh = result.enrolment.record
    assert fresh.id != who.record.id
    assert (fresh.start_date, fresh.end_date, fresh.training_status) == (tomorrow, None, "active")
    assert fresh.partnership_id == who.record.partnership_id
    assert fresh.schedule_identifier == who.record.schedule_identifier
    assert who.record.training_status == "withdrawn"  # the ended period keeps its withdrawal
    assert result.enrolment.withdrawal is None and result.enrolment.participant_status == "active"
    # It started today: it cannot be ended again until tomorrow.
    assert refused(world, withdraw, who, now=tomorrow) == {"participant_id": [actions.STARTED_TODAY]}


def test_an_active_participant_is_not_resumed(world):
    who = world.enrol()
    assert refused(world, resume, who) == {"participant_id": [actions.ALREADY_ACTIVE]}


def test_no_resume_on_the_day_of_the_withdrawal(world):
    who = world.enrol()
    defer(world, who)
    assert refused(world, resume, who, now=NOW + timedelta(hours=3)) == {
        "participant_id": [actions.RESUME_SAME_DAY]
    }


def test_no_resume_while_another_provider_trains_them_at_the_school(world):
    who = world.enrol()
    withdraw(world, who)
    theirs = add_partnership(
        world.store,
        lead_provider_id=world.other.id,
        school_id=world.school.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2023,
        now=NOW,
    )
    world.store.add_induction_record(
        replace(
            who.record,
            id="elsewhere",
            partnership_id=theirs.id,
            training_status="active",
            end_date=None,
            start_date=NOW + timedelta(hours=1),
        )
    )
    later = NOW + timedelta(days=1)
    assert refused(world, resume, who, now=later) == {"participant_id": [actions.ACTIVE_ELSEWHERE]}


def test_no_resume_once_the_participant_left_the_school(world):
    who = world.enrol()
    record_school_transfer(
        world.store, profile_id=who.profile.id, leaving_date=NOW + timedelta(days=5), now=NOW
    )
    withdraw(world, who)
    assert refused(world, resume, who, now=NOW + timedelta(days=6)) == {
        "participant_id": [actions.LEFT_SCHOOL]
    }
    assert actions.LEFT_SCHOOL == (
        "The participant is no longer at the school. Please contact the induction tutor to resolve."
    )


def test_a_participant_still_at_the_school_is_resumed_until_the_reported_leave_date(world):
    who = world.enrol()
    leaves = NOW + timedelta(days=5)
    record_school_transfer(world.store, profile_id=who.profile.id, leaving_date=leaves, now=NOW)
    withdraw(world, who)
    assert who.record.end_date == NOW  # the training period ended; the school stay did not
    tomorrow = NOW + timedelta(days=1)
    fresh = resume(world, who, now=tomorrow).enrolment.record
    # The new training period ends with the school stay, still reported as leaving.
    assert (fresh.start_date, fresh.end_date) == (tomorrow, leaves)
    assert (fresh.training_status, fresh.induction_status) == ("active", "leaving")
    assert period_status(who.profile, fresh, tomorrow) == "leaving"


def test_a_deferred_participant_is_refused_resumption_after_the_reported_leave_date(world):
    who = world.enrol()
    leaves = NOW + timedelta(days=5)
    record_school_transfer(world.store, profile_id=who.profile.id, leaving_date=leaves, now=NOW)
    defer(world, who)
    resume(world, who, now=NOW + timedelta(days=1))
    defer(world, who, now=NOW + timedelta(days=2))
    assert refused(world, resume, who, now=leaves) == {"participant_id": [actions.LEFT_SCHOOL]}
