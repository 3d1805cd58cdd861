"""Participant transfers (domain.md §4.13) and unfunded mentors (§4.14), on hand-made worlds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import SortKey
from sandbox.domain.participants.transfers import get_transfers, list_transfers
from sandbox.domain.participants.unfunded_mentors import get_unfunded_mentor, list_unfunded_mentors
from sandbox.domain.world import registration as reg
from sandbox.presenters.v3_resources import render_transfers, render_unfunded_mentor
from tests.domain.test_reads_world import NOW, World

TODAY = NOW.date()
JAN = datetime(2025, 1, 6, 9, tzinfo=UTC)
FEB = datetime(2025, 2, 3, 9, tzinfo=UTC)
LATER = datetime(2025, 6, 2, 9, tzinfo=UTC)


def only_transfer(world: World, provider, user_id: str):
    [transfer] = get_transfers(world.store, provider, user_id, TODAY).transfers
    return transfer


# -- pairing and transfer_type ------------------------------------------------------------------------


def test_a_move_to_another_provider_is_new_provider_and_both_providers_see_it(three):
    world, old, new, other = three
    from_partnership, to_partnership = world.partnership(old), world.partnership(new)
    user, profile, _ = world.ect(from_partnership, start_date=JAN - timedelta(days=120))
    leaving, _ = world.transfer(profile, leaving_date=JAN, to=to_partnership, joining_date=FEB)
    for provider in (old, new):
        item = render_transfers(get_transfers(world.store, provider, user.id, TODAY))
        assert item["id"] == user.id and item["type"] == "participant-transfer"
        [transfer] = item["attributes"]["transfers"]
        assert transfer == {
            "training_record_id": profile.id,
            "transfer_type": "new_provider",
            "status": "complete",
            "created_at": leaving.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "leaving": {
                "school_urn": world.store.schools[from_partnership.school_id].urn,
                "provider": "Old",
                "date": "2025-01-06",
            },
            "joining": {
                "school_urn": world.store.schools[to_partnership.school_id].urn,
                "provider": "New",
                "date": "2025-02-03",
            },
        }
    with pytest.raises(NotFound):
        get_transfers(world.store, other, user.id, TODAY)
    assert list_transfers(world.store, other, None, TODAY) == []


def test_a_move_between_schools_of_one_provider_is_new_school(three):
    world, old, _, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    world.transfer(profile, leaving_date=JAN, to=world.partnership(old), joining_date=FEB)
    assert only_transfer(world, old, user.id).transfer_type == "new_school"


def test_an_unpaired_leaving_is_unknown_and_shown_only_to_its_own_provider(three):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    world.transfer(profile, leaving_date=JAN)
    world.add_record(
        profile, world.partnership(new), start_date=FEB
    )  # no school_transfer flag: not a joining
    transfer = only_transfer(world, old, user.id)
    assert (transfer.transfer_type, transfer.joining) == ("unknown", None)
    assert (
        render_transfers(get_transfers(world.store, old, user.id, TODAY))["attributes"]["transfers"][0][
            "joining"
        ]
        is None
    )
    with pytest.raises(NotFound):
        get_transfers(world.store, new, user.id, TODAY)


def test_the_joining_record_must_be_at_another_school_and_flagged_as_a_transfer(three):
    world, old, new, _ = three
    school_partnership = world.partnership(old)
    user, profile, _ = world.ect(school_partnership, start_date=JAN - timedelta(days=120))
    world.transfer(profile, leaving_date=JAN)
    same_school = world.partnership(new, world.store.schools[school_partnership.school_id], cohort=2024)
    world.add_record(profile, same_school, start_date=FEB, school_transfer=True)
    assert only_transfer(world, old, user.id).transfer_type == "unknown"
    elsewhere = world.add_record(profile, world.partnership(new), start_date=FEB, school_transfer=True)
    transfer = only_transfer(world, old, user.id)
    assert transfer.transfer_type == "new_provider"
    assert (
        transfer.joining.school_urn
        == world.store.schools[world.store.partnerships[elsewhere.partnership_id].school_id].urn
    )


def test_an_earlier_record_is_never_the_joining_one(three):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    earlier = world.add_record(
        profile, world.partnership(new), start_date=JAN - timedelta(days=200), school_transfer=True
    )
    earlier.end_date = JAN - timedelta(days=121)
    world.add_record(
        profile,
        world.partnership(old),
        start_date=JAN - timedelta(days=100),
        induction_status="leaving",
        end_date=JAN,
    )
    assert only_transfer(world, old, user.id).joining is None


# -- status against today -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("leaving_date", "joining_date", "status"),
    [
        (JAN, FEB, "complete"),
        (JAN, LATER, "incomplete"),
        (LATER, FEB, "incomplete"),
        (JAN, datetime.combine(TODAY, datetime.min.time(), UTC), "complete"),
        (JAN, datetime.combine(TODAY + timedelta(days=1), datetime.min.time(), UTC), "incomplete"),
    ],
)
def test_status_compares_the_later_of_the_two_dates_with_today(three, leaving_date, joining_date, status):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    world.transfer(profile, leaving_date=leaving_date, to=world.partnership(new), joining_date=joining_date)
    assert only_transfer(world, old, user.id).status == status


@pytest.mark.parametrize(("leaving_date", "status"), [(JAN, "complete"), (LATER, "incomplete")])
def test_an_unpaired_leaving_is_complete_once_its_date_has_passed(three, leaving_date, status):
    world, old, _, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    world.transfer(profile, leaving_date=leaving_date)
    assert only_transfer(world, old, user.id).status == status


# -- listing ----------------------------------------------------------------------------------------


def test_transfers_list_updated_since_inclusive_and_order(three):
    world, old, new, _ = three
    first_user, first, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    second_user, second, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    world.ect(world.partnership(old))  # never moves: not listed
    world.transfer(second, leaving_date=JAN, to=world.partnership(new))
    world.transfer(first, leaving_date=JAN, to=world.partnership(new))
    listed = [t.user.id for t in list_transfers(world.store, old, None, TODAY)]
    assert listed == [first_user.id, second_user.id]  # created_at
    since = second_user.updated_at
    assert [t.user.id for t in list_transfers(world.store, old, since, TODAY)] == [
        second_user.id,
        first_user.id,
    ]
    assert [t.user.id for t in list_transfers(world.store, old, first_user.updated_at, TODAY)] == [
        first_user.id
    ]


def test_transfer_updated_at_is_that_of_its_records_not_later_user_changes(three):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=JAN - timedelta(days=120))
    leaving, joining = world.transfer(profile, leaving_date=JAN, to=world.partnership(new), joining_date=FEB)
    reg.set_teacher_reference_number(world.store, user_id=user.id, trn="7654321", now=world.tick())
    item = render_transfers(get_transfers(world.store, old, user.id, TODAY))
    assert item["attributes"]["updated_at"] == joining.updated_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert user.updated_at > joining.updated_at


# -- §4.14 unfunded mentors -------------------------------------------------------------------------


@pytest.fixture
def mentoring():
    """`mine` trains an ECT mentored by someone `theirs` trains; `mine` also trains its own mentor."""
    world = World()
    mine, theirs = world.provider(), world.provider()
    partnership = world.partnership(mine)
    outsider_user, outsider, _ = world.mentor(world.partnership(theirs))
    own_user, own, _ = world.mentor(partnership)
    _, ect, record = world.ect(partnership, mentor=outsider)
    world.ect(partnership, mentor=own)
    return world, mine, theirs, partnership, outsider_user, outsider, own_user, ect, record


def test_a_mentor_of_our_ects_trained_elsewhere_is_unfunded_for_us(mentoring):
    world, mine, theirs, _, outsider_user, _, own_user, _, _ = mentoring
    assert [m.user.id for m in list_unfunded_mentors(world.store, mine, None)] == [outsider_user.id]
    assert get_unfunded_mentor(world.store, mine, outsider_user.id).user is outsider_user
    with pytest.raises(NotFound):
        get_unfunded_mentor(world.store, mine, own_user.id)
    assert list_unfunded_mentors(world.store, theirs, None) == []


def test_only_the_ects_latest_record_names_the_mentor(mentoring):
    world, mine, _, partnership, _, _, _, ect, _ = mentoring
    replacement_user, replacement, _ = world.mentor(world.partnership(world.provider()))
    world.add_record(ect, partnership, start_date=world.tick(), mentor=replacement)
    assert [m.user.id for m in list_unfunded_mentors(world.store, mine, None)] == [replacement_user.id]


def test_ects_under_a_challenged_partnership_do_not_count(mentoring):
    world, mine, _, partnership, _, _, _, _, _ = mentoring
    world.challenge(partnership)
    assert list_unfunded_mentors(world.store, mine, None) == []


def test_the_email_is_the_preferred_one_of_the_mentors_latest_record():
    world = World()
    mine, theirs = world.provider(), world.provider()
    mentor_user, mentor, _ = world.mentor(world.partnership(theirs), preferred_email="current@example.com")
    closed = world.add_record(
        mentor, world.partnership(theirs), start_date=JAN, preferred_email="old@example.com"
    )
    closed.end_date = FEB  # created later, but closed: the open-ended record is the latest
    world.ect(world.partnership(mine), mentor=mentor)
    attrs = render_unfunded_mentor(get_unfunded_mentor(world.store, mine, mentor_user.id))["attributes"]
    assert attrs["email"] == "current@example.com"
    assert attrs["full_name"] == mentor_user.full_name and attrs["teacher_reference_number"] == "1234567"


def test_without_a_preferred_email_the_users_email_is_shown(mentoring):
    world, mine, _, _, outsider_user, _, _, _, _ = mentoring
    assert get_unfunded_mentor(world.store, mine, outsider_user.id).email == outsider_user.email


def test_linking_a_mentor_touches_them_for_updated_since(mentoring):
    world, mine, _, _, outsider_user, outsider, _, _, record = mentoring
    since = world.tick()
    assert list_unfunded_mentors(world.store, mine, since) == []
    reg.record_mentor(world.store, record_id=record.id, mentor_profile_id=outsider.id, now=since)
    assert [m.user.id for m in list_unfunded_mentors(world.store, mine, since)] == [outsider_user.id]


def test_unfunded_mentors_sort(mentoring):
    world, mine, _, partnership, outsider_user, _, _, _, _ = mentoring
    second_user, second, _ = world.mentor(world.partnership(world.provider()))
    world.ect(partnership, mentor=second)
    assert [m.user.id for m in list_unfunded_mentors(world.store, mine, None)] == [
        outsider_user.id,
        second_user.id,
    ]
    newest_first = list_unfunded_mentors(world.store, mine, None, [SortKey("created_at", descending=True)])
    assert [m.user.id for m in newest_first] == [second_user.id, outsider_user.id]
