"""Creating and updating partnerships under RECT's rules (rect.md §6.4, §3.3): every refusal with its exact
text and order, several providers per school and cohort, and that a refusal changes nothing."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from sandbox.domain.errors import ValidationFailed
from sandbox.domain.partnerships import rect_rules, rules
from sandbox.domain.world.registration import (
    add_provider_relationship,
    create_delivery_partner,
    create_school,
    set_school_cohort,
)
from tests.domain.ecf_world import NOW, World, build

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def world() -> World:
    w = build()
    add_provider_relationship(
        w.store, lead_provider_id=w.provider.id, delivery_partner_id=w.delivery_partner_id, cohort=2025
    )
    return w


def create(world: World, now: datetime = NOW, **attributes):
    body = {"cohort": "2025", "school_id": world.school.id, "delivery_partner_id": world.delivery_partner_id}
    body.update(attributes)
    return rect_rules.create_partnership(world.store, world.provider, now, LONDON, **body)


def _state(world: World):
    store = world.store
    return copy.deepcopy((store.partnerships, store.school_cohorts, store.schools, store.rng.getstate()))


def refused(world: World, now: datetime = NOW, **attributes) -> dict[str, list[str]]:
    before = _state(world)
    with pytest.raises(ValidationFailed) as caught:
        create(world, now, **attributes)
    assert _state(world) == before
    return caught.value.errors


def test_a_partnership_is_created_and_the_school_becomes_provider_led(world):
    made = create(world)
    assert (made.lead_provider_id, made.school_id, made.cohort) == (world.provider.id, world.school.id, 2025)
    assert made.delivery_partner_id == world.delivery_partner_id
    assert world.store.school_cohorts[(world.school.id, 2025)].induction_programme_choice == (
        "full_induction_programme"
    )


def test_every_blank_attribute_is_named_in_order(world):
    assert refused(world, cohort=None, school_id="", delivery_partner_id=None) == {
        "cohort": [rules.COHORT_BLANK],
        "school_id": [rules.SCHOOL_BLANK],
        "delivery_partner_id": [rules.DELIVERY_PARTNER_BLANK],
    }
    assert rules.COHORT_BLANK == "Enter a '#/cohort'."


@pytest.mark.parametrize("cohort", ["abc", "2027", 2020])
def test_an_unknown_cohort_is_invalid_and_no_delivery_partner_works_in_it(world, cohort):
    assert refused(world, cohort=cohort) == {
        "cohort": [rules.COHORT_INVALID],
        "delivery_partner_id": [rules.DELIVERY_PARTNER_NO_RELATIONSHIP],
    }


def test_a_closed_cohort_is_refused(world):
    add_provider_relationship(
        world.store,
        lead_provider_id=world.provider.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2022,
    )
    school = create_school(world.store, name="New", urn="100009", now=NOW)
    assert refused(world, cohort=2022, school_id=school.id) == {"cohort": [rect_rules.COHORT_CLOSED]}


def test_a_cohort_opens_on_1_june_in_london(world):
    add_provider_relationship(
        world.store,
        lead_provider_id=world.provider.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2026,
    )
    last_minute_of_may = datetime(2026, 5, 31, 22, 59, tzinfo=UTC)  # 23:59 BST
    assert refused(world, last_minute_of_may, cohort="2026") == {"cohort": [rect_rules.COHORT_FUTURE]}
    made = create(world, datetime(2026, 5, 31, 23, 0, tzinfo=UTC), cohort="2026")
    assert made.cohort == 2026


def test_school_refusals(world):
    assert refused(world, school_id="nope") == {"school_id": [rules.SCHOOL_INVALID]}
    assert refused(world, school_id=12) == {"school_id": [rules.SCHOOL_INVALID]}
    closed = create_school(world.store, name="Closed", urn="100010", now=NOW)
    closed.eligible = False
    assert refused(world, school_id=closed.id) == {"school_id": [rules.SCHOOL_INELIGIBLE]}


def test_delivery_partner_refusals(world):
    assert refused(world, delivery_partner_id="nope") == {
        "delivery_partner_id": [rules.DELIVERY_PARTNER_INVALID]
    }
    stranger = create_delivery_partner(world.store, name="Stranger", now=NOW)
    assert refused(world, delivery_partner_id=stranger.id) == {
        "delivery_partner_id": [rules.DELIVERY_PARTNER_NO_RELATIONSHIP]
    }


def test_one_partnership_per_provider_school_and_cohort_whatever_its_delivery_partner(world):
    create(world)
    second = create_delivery_partner(world.store, name="Second", now=NOW)
    add_provider_relationship(
        world.store, lead_provider_id=world.provider.id, delivery_partner_id=second.id, cohort=2025
    )
    assert refused(world, delivery_partner_id=second.id) == {"school_id": [rules.SCHOOL_ALREADY_CONFIRMED]}


def test_another_providers_partnership_does_not_block(world):
    add_provider_relationship(
        world.store,
        lead_provider_id=world.other.id,
        delivery_partner_id=world.delivery_partner_id,
        cohort=2024,
    )
    # The other provider already partners the other school in 2024.
    made = create(world, cohort=2024, school_id=world.other_school.id)
    assert len([p for p in world.store.partnerships_at(world.other_school.id) if p.cohort == 2024]) == 2
    assert made.lead_provider_id == world.provider.id


def test_a_school_led_school_is_refused(world):
    set_school_cohort(
        world.store,
        school_id=world.school.id,
        cohort=2025,
        induction_programme_choice="core_induction_programme",
        now=NOW,
    )
    assert refused(world) == {"school_id": [rect_rules.SCHOOL_LED]}


def test_update_ignores_challenges_and_refuses_the_same_partner(world):
    partnership = world.partnership(2024)
    partnership.challenged_reason = "mistake"
    second = create_delivery_partner(world.store, name="Second", now=NOW)
    add_provider_relationship(
        world.store, lead_provider_id=world.provider.id, delivery_partner_id=second.id, cohort=2024
    )
    with pytest.raises(ValidationFailed) as caught:
        rules.update_partnership(
            world.store,
            world.provider,
            NOW,
            partnership.id,
            delivery_partner_id=partnership.delivery_partner_id,
            variant="rect",
        )
    assert caught.value.errors == {"delivery_partner_id": [rules.DELIVERY_PARTNER_DUPLICATE]}
    moved = rules.update_partnership(
        world.store, world.provider, NOW, partnership.id, delivery_partner_id=second.id, variant="rect"
    )
    assert (moved.id, moved.delivery_partner_id) == (partnership.id, second.id)
