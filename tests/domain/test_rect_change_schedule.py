"""RECT's change-schedule (rect.md §6.1, §3.3) over a hand-made world: the refusals with their exact
texts and order, that a refusal changes nothing, and how training periods are ended, started or edited."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.domain.errors import ValidationFailed
from sandbox.domain.participants import rect_actions
from sandbox.domain.participants import rect_change_schedule as cs
from sandbox.domain.participants.training_periods import COURSE_MISSING, local_day
from tests.domain.ecf_world import NOW, Enrolled, World, build, snapshot

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world() -> World:
    return build()


def change(world: World, who: Enrolled, schedule: object, cohort: object = None, now=NOW, course=None):
    return cs.change_schedule(
        world.store,
        world.provider,
        who.user_id,
        course_identifier=course or who.profile.course_identifier,
        schedule_identifier=schedule,
        cohort=cohort,
        now=now,
        zone=LONDON,
    )


def refused(world: World, who: Enrolled, schedule: object, **kwargs) -> dict[str, list[str]]:
    before = snapshot(world.store)
    with pytest.raises(ValidationFailed) as caught:
        change(world, who, schedule, **kwargs)
    assert snapshot(world.store) == before
    return caught.value.errors


def test_a_period_started_before_today_ends_yesterday_and_a_new_one_starts_now(world):
    who = world.enrol(cohort=2023)
    world.declare(who, "started", NOW - timedelta(days=900), state="paid")  # billable claims do not block
    result = change(world, who, "ecf-extended-january")
    fresh = result.enrolment.record
    assert fresh.id != who.record.id
    assert (fresh.schedule_identifier, fresh.cohort, fresh.start_date, fresh.end_date) == (
        "ecf-extended-january",
        2023,
        NOW,
        None,
    )
    assert local_day(who.record.end_date, LONDON) == date(2026, 11, 26)
    assert who.record.schedule_identifier == "ecf-standard-september"
    assert (who.profile.schedule_identifier, who.profile.cohort) == ("ecf-extended-january", 2023)


def test_a_joining_participant_is_changed_in_place(world):
    who = world.enrol(cohort=2024, start=NOW + timedelta(days=30))
    result = change(world, who, "ecf-standard-january")
    assert result.enrolment.record.id == who.record.id
    assert who.record.schedule_identifier == "ecf-standard-january"


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        (None, cs.SCHEDULE_INVALID),
        ("  ", cs.SCHEDULE_INVALID),
        ("npq-leadership-autumn", cs.SCHEDULE_UNKNOWN),
        ("ecf-standard-september", cs.SCHEDULE_SAME),
    ],
)
def test_schedule_refusals(world, schedule, message):
    who = world.enrol(cohort=2023)
    assert refused(world, who, schedule) == {"schedule_identifier": [message]}


def test_an_ect_takes_no_replacement_schedule_and_a_mentor_no_reduced_one(world):
    ect = world.enrol(cohort=2023)
    mentor = world.enrol(cohort=2023, participant_type="mentor")
    assert refused(world, ect, "ecf-replacement-september") == {
        "schedule_identifier": [cs.SCHEDULE_NOT_FOR_COURSE]
    }
    assert refused(world, mentor, "ecf-reduced-september") == {"schedule_identifier": [cs.MENTOR_REDUCED]}
    change(world, mentor, "ecf-replacement-september")


def test_a_period_started_today_keeps_its_declarations_valid(world):
    who = world.enrol(cohort=2023, start=NOW - timedelta(hours=1))
    world.declare(who, "started", NOW - timedelta(minutes=30))
    # The 2023 January schedule's `started` window closed long ago; the extended one has no end.
    assert refused(world, who, "ecf-standard-january") == {
        "schedule_identifier": [cs.INVALIDATES_DECLARATIONS]
    }
    result = change(world, who, "ecf-extended-september")
    assert result.enrolment.record.id == who.record.id


def test_a_cohort_without_a_partnership_with_the_school_is_refused_in_rects_words(world):
    who = world.enrol(cohort=2023)
    assert refused(world, who, "ecf-standard-september", cohort="2025") == {"cohort": [cs.NO_PARTNERSHIP]}
    assert "to this contract_period as you do not have a partnership" in cs.NO_PARTNERSHIP


def test_another_cohort_moves_the_period_to_that_cohorts_partnership(world):
    who = world.enrol(cohort=2023)
    result = change(world, who, "ecf-standard-september", cohort=2024)
    assert result.enrolment.record.partnership_id == world.partnership(2024).id
    assert result.enrolment.record.cohort == 2024


def test_an_unknown_cohort_falls_back_to_the_current_one(world):
    who = world.enrol(cohort=2023)
    result = change(world, who, "ecf-extended-september", cohort="1999")
    assert result.enrolment.record.cohort == 2023


def test_payments_frozen_cohorts_are_left_and_reentered_only_by_their_own(world):
    old = world.enrol(cohort=2022)
    # Even a schedule change within the frozen cohort is refused.
    assert refused(world, old, "ecf-extended-september") == {"cohort": [cs.FROZEN_COHORT]}
    change(world, old, "ecf-standard-september", cohort=2024)
    assert old.profile.cohort_changed_after_payments_frozen is True
    later = NOW + timedelta(days=2)
    change(world, old, "ecf-extended-september", cohort=2022, now=later)
    assert old.profile.cohort_changed_after_payments_frozen is False
    other = world.enrol(cohort=2023)
    assert refused(world, other, "ecf-standard-september", cohort=2022) == {"cohort": [cs.FROZEN_COHORT]}


def test_a_finished_ect_may_only_move_to_a_reduced_schedule_in_place(world):
    who = world.enrol(cohort=2023)
    who.profile.induction_end_date = date(2026, 7, 1)
    assert refused(world, who, "ecf-extended-september") == {"participant_id": [cs.COMPLETED]}
    result = change(world, who, "ecf-reduced-september")
    assert result.enrolment.record.id == who.record.id


@pytest.mark.parametrize("action", ["withdraw", "defer"])
def test_a_withdrawn_or_deferred_participant_has_left_and_must_be_resumed_first(world, action):
    who = world.enrol(cohort=2023)
    rect_actions.act(
        world.store,
        world.provider,
        who.user_id,
        action,
        course_identifier="ecf-induction",
        reason="other",
        now=NOW,
        zone=LONDON,
    )
    later = NOW + timedelta(days=1)
    assert refused(world, who, "ecf-extended-september", now=later) == {"participant_id": [cs.LEFT]}


def test_a_later_period_elsewhere_blocks_the_change(world):
    who = world.enrol(cohort=2023)
    world.store.add_induction_record(
        replace(
            who.record,
            id="next",
            partnership_id=world.partnership(2023, world.other).id,
            start_date=NOW + timedelta(days=40),
        )
    )
    assert refused(world, who, "ecf-extended-september") == {"participant_id": [cs.FUTURE_ELSEWHERE]}


def test_each_group_refuses_once_in_rects_order(world):
    who = world.enrol(cohort=2023)
    who.profile.induction_end_date = date(2026, 7, 1)
    errors = refused(world, who, "ecf-standard-september", cohort=2025)
    assert errors == {"cohort": [cs.NO_PARTNERSHIP], "participant_id": [cs.COMPLETED]}
    errors = refused(world, who, None, course="npq-headship")
    assert errors == {"course_identifier": [COURSE_MISSING], "schedule_identifier": [cs.SCHEDULE_INVALID]}
