"""`record_provider_switch`: a school moves its participant to another provider at the same school, in the
same cohort (a new training period in the same school period, rect.md §6.1's "already active with another
provider")."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sandbox.domain.world.registration import add_partnership, record_provider_switch, record_training_status
from tests.domain.ecf_world import NOW, World, build

DAY = timedelta(days=1)


@pytest.fixture
def world() -> World:
    world = build()
    world.partnerships[("theirs-here", 2023)] = add_partnership(
        world.store,
        lead_provider_id=world.other.id,
        school_id=world.school.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2023,
        now=NOW - DAY * 100,
    )
    return world


def test_the_old_record_ends_when_the_new_one_starts_with_the_other_provider(world):
    who = world.enrol()
    starting = NOW - DAY * 10
    fresh = record_provider_switch(
        world.store,
        profile_id=who.profile.id,
        to_partnership_id=world.partnerships[("theirs-here", 2023)].id,
        starting=starting,
        now=NOW - DAY * 20,
    )
    assert who.record.end_date == starting
    assert (fresh.start_date, fresh.end_date, fresh.training_status) == (starting, None, "active")
    assert world.store.partnerships[fresh.partnership_id].lead_provider_id == world.other.id
    assert world.store.users[who.user_id].updated_at == NOW - DAY * 20


def test_an_earlier_end_stays_and_the_withdrawal_stays_with_the_provider_that_made_it(world):
    who = world.enrol()
    record_training_status(
        world.store,
        profile_id=who.profile.id,
        lead_provider_id=world.provider.id,
        state="withdrawn",
        reason="other",
        now=NOW - DAY * 30,
    )
    who.record.end_date = NOW - DAY * 30
    fresh = record_provider_switch(
        world.store,
        profile_id=who.profile.id,
        to_partnership_id=world.partnerships[("theirs-here", 2023)].id,
        starting=NOW - DAY * 29,
        now=NOW - DAY * 29,
    )
    assert (who.record.end_date, who.record.training_status) == (NOW - DAY * 30, "withdrawn")
    assert fresh.training_status == "active"


@pytest.mark.parametrize(
    "target",
    [
        lambda w: w.partnership(2023, w.other),  # another school
        lambda w: w.partnership(2024),  # the same provider, another cohort
        lambda w: w.partnership(2023),  # the same provider
    ],
)
def test_a_switch_stays_at_the_school_and_in_the_cohort_and_changes_provider(world, target):
    who = world.enrol()
    with pytest.raises(ValueError):
        record_provider_switch(
            world.store,
            profile_id=who.profile.id,
            to_partnership_id=target(world).id,
            starting=NOW,
            now=NOW,
        )
