"""RECT's unfunded mentors (rect.md §5.8) beside the Manage-CPD service's: only current or future
mentorships count, the email is the one of the mentor's stay at the mentee's school, and a new mentee does
not move the stamp `updated_at` and `updated_since` read."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.domain.participants.unfunded_mentors import get_unfunded_mentor, list_unfunded_mentors
from sandbox.domain.world import registration as reg
from tests.domain.test_reads_world import NOW, World


def ids(mentors) -> list[str]:
    return [m.user.id for m in mentors]


@pytest.fixture
def mentoring():
    """`mine` trains an ECT at a school where `theirs` trains the ECT's mentor."""
    world = World()
    mine, theirs = world.provider(), world.provider()
    school = world.school()
    here = world.partnership(mine, school)
    theirs_here = world.partnership(theirs, school, relationship=True)
    mentor_user, mentor, _ = world.mentor(theirs_here, preferred_email="here@example.com")
    world.ect(here, mentor=mentor)
    return world, mine, theirs, here, mentor_user, mentor


def lists(world, provider, since=None) -> tuple[list[str], list[str]]:
    """(Manage-CPD's list, RECT's list) at NOW."""
    older = list_unfunded_mentors(world.store, provider, since)
    rect = list_unfunded_mentors(world.store, provider, since, rules="rect", now=NOW)
    return ids(older), ids(rect)


def test_both_list_the_mentor_of_a_current_mentorship(mentoring):
    world, mine, theirs, _, mentor_user, _ = mentoring
    assert lists(world, mine) == ([mentor_user.id], [mentor_user.id])
    assert lists(world, theirs) == ([], [])


def test_rect_drops_a_mentorship_the_ect_has_left_the_school_for(mentoring):
    world, mine, _, here, mentor_user, mentor = mentoring
    (ect,) = [p for p in world.store.ecf_profiles.values() if p.participant_type == "ect"]
    world.transfer(ect, leaving_date=NOW - timedelta(days=1))
    assert lists(world, mine) == ([mentor_user.id], [])
    # A mentee who joins the school later (a future mentorship) counts again.
    world.ect(here, mentor=mentor, start_date=NOW + timedelta(days=30))
    assert lists(world, mine) == ([mentor_user.id], [mentor_user.id])


def test_rect_shows_the_email_of_the_mentors_stay_at_the_mentees_school(mentoring):
    world, mine, theirs, _, mentor_user, mentor = mentoring
    elsewhere = world.partnership(theirs)
    world.add_record(mentor, elsewhere, start_date=world.tick(), preferred_email="there@example.com")
    older = get_unfunded_mentor(world.store, mine, mentor_user.id)
    rect = get_unfunded_mentor(world.store, mine, mentor_user.id, rules="rect", now=NOW)
    assert (older.email, rect.email) == ("there@example.com", "here@example.com")


def test_rect_takes_the_school_of_the_latest_mentorship(mentoring):
    world, mine, theirs, _, mentor_user, mentor = mentoring
    school = world.school()
    world.add_record(mentor, world.partnership(theirs, school, relationship=True), start_date=world.tick())
    world.ect(world.partnership(mine, school), mentor=mentor)
    rect = get_unfunded_mentor(world.store, mine, mentor_user.id, rules="rect", now=NOW)
    # No address of their own at the newer school: the account's.
    assert rect.email == mentor_user.email


def test_a_new_mentee_moves_the_older_stamp_but_not_rects(mentoring):
    world, mine, _, here, mentor_user, mentor = mentoring
    since = world.tick()
    assert lists(world, mine, since) == ([], [])
    world.ect(here, mentor=mentor)
    assert lists(world, mine, since) == ([mentor_user.id], [])
    rect = get_unfunded_mentor(world.store, mine, mentor_user.id, rules="rect", now=NOW)
    assert rect.updated_at < since < mentor_user.updated_at
    # A new TRN moves both.
    reg.set_teacher_reference_number(world.store, user_id=mentor_user.id, trn="7654321", now=world.tick())
    assert lists(world, mine, since) == ([mentor_user.id], [mentor_user.id])


def test_rects_rules_need_the_instant(mentoring):
    world, mine, *_ = mentoring
    with pytest.raises(ValueError):
        list_unfunded_mentors(world.store, mine, None, rules="rect")
