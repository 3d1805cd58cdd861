"""RECT's transfers (rect.md §5.7) on hand-made worlds: school periods from records and school-led
periods, who sees a transfer, its type, status against the London day, order, `updated_at` and
`updated_since`. The older /api/v3 rules are tested in test_reads_transfers.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import SortKey
from sandbox.domain.participants import transfers as cpd_transfers
from sandbox.domain.participants.rect_transfers import get_transfers, list_transfers, school_periods
from sandbox.domain.world import registration as reg
from sandbox.presenters.v3_resources import render_transfers
from tests.domain.test_reads_world import NOW, World

LONDON = ZoneInfo("Europe/London")
SEPT = datetime(2024, 9, 2, tzinfo=UTC)
APRIL_5, APRIL_15 = datetime(2024, 4, 5, tzinfo=UTC), datetime(2024, 4, 15, tzinfo=UTC)
JAN, FEB = datetime(2025, 1, 6, tzinfo=UTC), datetime(2025, 2, 3, tzinfo=UTC)


def shown(world: World, provider, user_id: str, now: datetime = NOW) -> list[dict]:
    item = render_transfers(get_transfers(world.store, provider, user_id, now, LONDON))
    return item["attributes"]["transfers"]


def school_led(world: World, profile, school, start: datetime, end: datetime | None = None):
    return reg.record_school_led_period(
        world.store,
        profile_id=profile.id,
        school_id=school.id,
        start_date=start,
        end_date=end,
        now=world.tick(),
    )


def urn(world: World, partnership) -> str:
    return world.store.schools[partnership.school_id].urn


# -- type, sides and the exact item -------------------------------------------------------------------


def test_a_move_to_another_provider_is_new_provider_for_both_and_hidden_from_others(three):
    world, old, new, other = three
    here, there = world.partnership(old), world.partnership(new)
    user, profile, _ = world.ect(here, start_date=SEPT)
    leaving, _ = world.transfer(profile, leaving_date=JAN, to=there, joining_date=FEB)
    expected = {
        "training_record_id": profile.id,
        "transfer_type": "new_provider",
        "status": "complete",
        "created_at": leaving.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leaving": {"school_urn": urn(world, here), "provider": "Old", "date": "2025-01-06"},
        "joining": {"school_urn": urn(world, there), "provider": "New", "date": "2025-02-03"},
    }
    assert shown(world, old, user.id) == shown(world, new, user.id) == [expected]
    with pytest.raises(NotFound):
        get_transfers(world.store, other, user.id, NOW, LONDON)


def test_a_move_between_two_schools_of_one_provider_is_new_school(three):
    world, old, _, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
    world.transfer(profile, leaving_date=JAN, to=world.partnership(old), joining_date=FEB)
    assert [t["transfer_type"] for t in shown(world, old, user.id)] == ["new_school"]


def test_a_leaver_with_no_next_school_is_unknown_with_joining_null(three):
    world, old, _, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
    world.transfer(profile, leaving_date=JAN)
    [transfer] = shown(world, old, user.id)
    assert (transfer["transfer_type"], transfer["joining"]) == ("unknown", None)


def test_provider_led_to_school_led_is_new_provider_with_no_joining_provider(three):
    world, old, new, _ = three
    here = world.partnership(old)
    user, profile, _ = world.ect(here, start_date=SEPT)
    world.transfer(profile, leaving_date=JAN)
    elsewhere = world.school()
    school_led(world, profile, elsewhere, FEB)
    [transfer] = shown(world, old, user.id)
    assert transfer["transfer_type"] == "new_provider"
    assert transfer["joining"] == {"school_urn": elsewhere.urn, "provider": None, "date": "2025-02-03"}
    with pytest.raises(NotFound):
        get_transfers(world.store, new, user.id, NOW, LONDON)


def test_school_led_to_provider_led_is_new_provider_seen_by_the_joining_provider(three):
    world, old, _, _ = three
    there = world.partnership(old)
    user, profile, _ = world.ect(there, start_date=FEB)
    before = world.school()
    period = school_led(world, profile, before, SEPT, JAN)
    [transfer] = shown(world, old, user.id)
    assert transfer == {
        "training_record_id": profile.id,
        "transfer_type": "new_provider",
        "status": "complete",
        "created_at": period.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "leaving": {"school_urn": before.urn, "provider": None, "date": "2025-01-06"},
        "joining": {"school_urn": urn(world, there), "provider": "Old", "date": "2025-02-03"},
    }
    # The older contract's transfers know nothing of school-led training.
    with pytest.raises(NotFound):
        cpd_transfers.get_transfers(world.store, old, user.id, NOW.date())


# -- what is not a transfer -------------------------------------------------------------------------


def test_a_change_of_provider_at_the_same_school_is_no_transfer(three):
    world, old, new, _ = three
    here = world.partnership(old)
    user, profile, _ = world.ect(here, start_date=SEPT)
    school = world.store.schools[here.school_id]
    reg.record_partnership_change(
        world.store,
        profile_id=profile.id,
        to_partnership_id=world.partnership(new, school).id,
        ends=JAN,
        starts=FEB,
        now=world.tick(),
    )
    assert [len(run) for run in school_periods(world.store, profile)] == [2]
    for provider in (old, new):
        with pytest.raises(NotFound):
            get_transfers(world.store, provider, user.id, NOW, LONDON)


def test_a_withdrawal_ends_training_but_not_the_stay_at_school(three):
    world, old, _, _ = three
    user, profile, record = world.ect(world.partnership(old), start_date=SEPT)
    record.end_date = JAN  # what RECT's withdraw does to the training period
    with pytest.raises(NotFound):
        get_transfers(world.store, old, user.id, NOW, LONDON)


def test_a_leaver_who_completed_induction_and_went_nowhere_is_no_transfer(three):
    world, old, _, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
    world.transfer(profile, leaving_date=JAN)
    reg.set_induction_end_date(
        world.store, profile_id=profile.id, induction_end_date=JAN.date(), now=world.tick()
    )
    with pytest.raises(NotFound):
        get_transfers(world.store, old, user.id, NOW, LONDON)


def test_a_school_led_period_may_not_overlap_provider_led_training(three):
    world, old, _, _ = three
    _, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
    with pytest.raises(ValueError, match="overlap"):
        school_led(world, profile, world.school(), JAN)


# -- status and dates on the London day --------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "status"),
    [
        (datetime(2025, 2, 2, 23, 59, tzinfo=UTC), "incomplete"),  # 2 February in London and in UTC
        (datetime(2025, 2, 3, 0, 0, tzinfo=UTC), "complete"),
        (datetime(2025, 1, 5, 12, 0, tzinfo=UTC), "incomplete"),  # before the leaving date too
    ],
)
def test_status_is_incomplete_while_either_date_is_after_today(three, now, status):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
    world.transfer(profile, leaving_date=JAN, to=world.partnership(new), joining_date=FEB)
    assert [t["status"] for t in shown(world, old, user.id, now)] == [status]


def test_dates_and_today_are_london_days(three):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=datetime(2025, 3, 3, tzinfo=UTC))
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    joins = datetime(2025, 6, 30, 23, 30, tzinfo=UTC)
    world.transfer(
        profile, leaving_date=joins - timedelta(days=1), to=world.partnership(new), joining_date=joins
    )
    [transfer] = shown(world, old, user.id, datetime(2025, 6, 30, 22, 0, tzinfo=UTC))
    assert (transfer["joining"]["date"], transfer["leaving"]["date"]) == ("2025-07-01", "2025-06-30")
    assert transfer["status"] == "incomplete"  # 23:00 on 30 June in London: the joining day is tomorrow
    # The older contract reads the UTC day: 30 June, today, so complete.
    [older] = cpd_transfers.get_transfers(world.store, old, user.id, joins.date()).transfers
    assert (older.joining.date.isoformat(), older.status) == ("2025-06-30", "complete")


# -- order, updated_at, the list ----------------------------------------------------------------------


def test_ect_and_mentor_transfers_merge_in_the_order_their_leaving_periods_started(three):
    world, old, new, _ = three
    user = world.user()
    _, mentor, _ = world.mentor(world.partnership(old), user=user, start_date=SEPT)
    _, ect, _ = world.ect(world.partnership(old), user=user, start_date=SEPT - timedelta(days=30))
    world.transfer(mentor, leaving_date=JAN)
    world.transfer(ect, leaving_date=FEB, to=world.partnership(new), joining_date=FEB + timedelta(days=7))
    assert [(t["training_record_id"], t["transfer_type"]) for t in shown(world, old, user.id)] == [
        (ect.id, "new_provider"),
        (mentor.id, "unknown"),
    ]


def test_updated_at_is_the_latest_stamp_of_the_periods_either_side(three):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
    leaving, joining = world.transfer(profile, leaving_date=JAN, to=world.partnership(new), joining_date=FEB)
    joining.updated_at = leaving.updated_at + timedelta(hours=3)
    item = get_transfers(world.store, old, user.id, NOW, LONDON)
    assert item.updated_at == joining.updated_at


def test_the_list_holds_people_oldest_first_and_sorts_on_request(three):
    world, old, new, _ = three
    users = []
    for _ in range(3):
        user, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
        world.transfer(profile, leaving_date=JAN, to=world.partnership(new), joining_date=FEB)
        users.append(user.id)
    world.ect(world.partnership(old), start_date=SEPT)  # no transfer: not listed

    def listed(**extra) -> list[str]:
        return [i.user.id for i in list_transfers(world.store, old, None, NOW, LONDON, **extra)]

    assert listed() == users
    assert listed(sort=[SortKey("created_at", descending=True)]) == users[::-1]


def test_updated_since_reads_the_providers_first_and_last_periods_of_each_stay(three):
    world, old, new, _ = three
    user, profile, _ = world.ect(world.partnership(old), start_date=SEPT)
    leaving, joining = world.transfer(profile, leaving_date=JAN, to=world.partnership(new), joining_date=FEB)
    since = max(leaving.updated_at, joining.updated_at) + timedelta(minutes=1)
    assert list_transfers(world.store, old, since, NOW, LONDON) == []
    assert list_transfers(world.store, new, since, NOW, LONDON) == []
    joining.updated_at = since  # the joining period (the new provider's) moved
    assert [i.user.id for i in list_transfers(world.store, new, since, NOW, LONDON)] == [user.id]
    assert list_transfers(world.store, old, since, NOW, LONDON) == []  # not one of the old provider's
