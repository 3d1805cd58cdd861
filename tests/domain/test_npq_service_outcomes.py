"""The NPQ service's outcome POST (npq.md §4.7): co-occurring checks with one entry per message, both
messages for a blank course or state, the unanchored date, 400 for an impossible date, 422 for a future
one, which completed declarations count, and when the latest outcome is returned instead."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.domain import messages
from sandbox.domain.declarations import npq_outcomes
from sandbox.domain.declarations import outcomes as ecf
from sandbox.domain.errors import BadRequest
from sandbox.domain.participants import npq
from sandbox.domain.world.npq_registration import move_npq_application
from tests.domain.npq_service_world import refused
from tests.domain.npq_world import NOW, World, build, declare, enrolled, fingerprint


@pytest.fixture
def world() -> World:
    return build()


def report(
    world: World, profile, course: object = None, state: object = "passed", day: object = "2026-01-10"
):  # type: ignore[no-untyped-def]
    return npq_outcomes.create_outcome(
        world.store,
        world.mine,
        profile.user_id,
        course_identifier=profile.course_identifier if course is None else course,
        state=state,
        completion_date=day,
        now=NOW,
    )


def completed(world: World, course: str = "npq-headship", state: str = "eligible"):  # type: ignore[no-untyped-def]
    profile = enrolled(world, course)
    declare(world.store, profile, "completed", state=state, on=date(2026, 1, 10))
    return profile


def test_every_check_answers_at_once(world: World) -> None:
    profile = enrolled(world)
    assert refused(report, world, profile, course="", state="", day="") == [
        ("course_identifier", messages.COURSE_NOT_RECOGNISED),
        ("course_identifier", messages.COURSE_MISSING),
        ("state", ecf.STATE_INVALID),
        ("state", ecf.STATE_MISSING),
        ("completion_date", ecf.DATE_MISSING),
        ("completion_date", ecf.DATE_FORMAT),
        ("base", ecf.NO_COMPLETED_DECLARATION),
    ]


@pytest.mark.parametrize("course", ["npq-early-headship-coaching-offer", "npq-additional-support-offer", "x"])
def test_courses_without_outcomes_are_not_recognised(world: World, course: str) -> None:
    profile = completed(world)
    assert refused(report, world, profile, course=course) == [
        ("course_identifier", messages.COURSE_NOT_RECOGNISED),
        ("base", ecf.NO_COMPLETED_DECLARATION),
    ]


def test_a_state_other_than_passed_or_failed(world: World) -> None:
    profile = completed(world)
    assert refused(report, world, profile, state="voided") == [("state", ecf.STATE_INVALID)]


@pytest.mark.parametrize("day", ["2021-05-31T00:00:00+00:00", "on 2021-05-31 at noon"])
def test_the_date_only_has_to_contain_one(world: World, day: str) -> None:
    profile = completed(world)
    assert report(world, profile, day=day).completion_date == date(2021, 5, 31)


def test_a_date_in_another_shape(world: World) -> None:
    profile = completed(world)
    assert refused(report, world, profile, day="31/05/2021") == [("completion_date", ecf.DATE_FORMAT)]


def test_an_impossible_date_is_a_bad_request(world: World) -> None:
    profile = completed(world)
    with pytest.raises(BadRequest) as caught:
        report(world, profile, day="2024-02-30")
    assert caught.value.detail == npq_outcomes.INVALID_DATE


def test_a_future_date(world: World) -> None:
    profile = completed(world)
    assert refused(report, world, profile, day="2026-11-28") == [
        ("completion_date", npq_outcomes.FUTURE_DATE)
    ]


@pytest.mark.parametrize("state", ["voided", "awaiting_clawback", "clawed_back"])
def test_a_completed_declaration_no_longer_live_does_not_count(world: World, state: str) -> None:
    profile = completed(world, state=state)
    assert refused(report, world, profile) == [("base", ecf.NO_COMPLETED_DECLARATION)]


def test_an_ineligible_completed_declaration_counts(world: World) -> None:
    profile = completed(world, state="ineligible")
    assert report(world, profile).state == "passed"


def test_a_completed_declaration_on_an_application_now_with_the_provider_counts(world: World) -> None:
    profile = enrolled(world, provider=world.other)
    declare(world.store, profile, "completed", on=date(2026, 1, 10))
    move_npq_application(world.store, application_id=profile.id, lead_provider_id=world.mine.id, now=NOW)
    outcome = report(world, profile)
    assert (outcome.state, outcome.lead_provider_id) == ("passed", world.other.id)


def test_a_pass_after_a_pass_returns_it_whatever_the_date(world: World) -> None:
    profile = completed(world)
    first = report(world, profile)
    assert report(world, profile, day="2026-02-01") is first
    failed = report(world, profile, state="failed")
    assert failed is not first and report(world, profile, state="failed") is failed
    assert report(world, profile, state="failed", day="2026-02-01") is not failed


def test_a_refusal_changes_nothing(world: World) -> None:
    profile = completed(world)
    before = fingerprint(world.store)
    refused(report, world, profile, day="2026-11-28")
    assert fingerprint(world.store) == before


def test_the_reads_show_only_outcomes_on_the_providers_own_declarations(world: World) -> None:
    profile = enrolled(world, provider=world.other)
    declared = declare(world.store, profile, "completed", on=date(2026, 1, 10))
    move_npq_application(world.store, application_id=profile.id, lead_provider_id=world.mine.id, now=NOW)
    theirs = report(world, profile)  # on the moved application: it counts for the new provider's POST
    assert theirs.declaration_id == declared.id
    shown = npq.participant_outcomes(world.store, world.mine, profile.user_id, "npq-service")
    assert shown == []
    assert npq.list_outcomes(world.store, world.other, None) == [theirs]
    assert npq.list_outcomes(world.store, world.mine, None) == []
