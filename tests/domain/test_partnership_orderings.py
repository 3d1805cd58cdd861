"""The partnerships and schools lists, read lazily from the store's orderings by creation (and polls from
the ordering by stamp plus what was restamped since), answer as a plain recomputation over every record:
after partnerships and schools are added, confirmed, moved to another delivery partner, challenged and
restamped, after a checkpoint and after both resets. So does `filter[from_participant_id]`, read from the
id a merge retired rather than from every user."""

from __future__ import annotations

from datetime import timedelta
from itertools import islice

import pytest

from sandbox.domain.listing import Since
from sandbox.domain.participants.ecf import ParticipantFilter, iter_participants
from sandbox.domain.partnerships import reads, rules
from sandbox.domain.partnerships.ordered import partnership_updated_at, school_updated_at
from sandbox.domain.world import registration as reg
from sandbox.domain.world.stamps import touch
from sandbox.store import Store
from tests.conftest import TEST_NOW, make_state
from tests.domain.test_partnership_rules import dp_for

COHORTS = (2023, 2024)
PER_PAGE = 9


@pytest.fixture
def store() -> Store:
    return make_state(participants=12).store


def _stamps(values: list) -> list:
    """Thresholds worth polling from: the oldest and the middle stamp, each the writes made, and later."""
    ordered = sorted(set(values))
    written = [at for at in ordered if at >= TEST_NOW]
    return [ordered[0], ordered[len(ordered) // 2], *written, ordered[-1] + timedelta(days=1)]


def _partnerships_scan(store: Store, provider, since: Since | None) -> list[str]:
    listed = [
        p
        for p in store.partnerships.values()
        if p.lead_provider_id == provider.id
        and not p.relationship
        and (since is None or since.admits(partnership_updated_at(store, p)))
    ]
    return [p.id for p in sorted(listed, key=lambda p: p.created_at)]  # stable: creation order on ties


def _schools_scan(store: Store, cohort: int, since: Since | None) -> list[tuple]:
    def partnered(school_id: str, confirmed_only: bool) -> bool:
        return any(
            p.school_id == school_id
            and p.cohort == cohort
            and not p.challenged
            and not (confirmed_only and p.relationship)
            for p in store.partnerships.values()
        )

    listed = [
        s
        for s in store.schools.values()
        if ((s.eligible and not s.cip_only) or partnered(s.id, True))
        and (since is None or since.admits(school_updated_at(store, s, cohort)))
    ]
    listed.sort(key=lambda s: s.created_at)
    return [(s.id, partnered(s.id, False), school_updated_at(store, s, cohort)) for s in listed]


def _agree(store: Store) -> None:
    for provider in (p for p in store.lead_providers.values() if p.has_ecf):
        every = reads.list_partnerships(store, provider, reads.PartnershipFilter())
        assert [p.id for p in every] == _partnerships_scan(store, provider, None), provider.name
        for at in _stamps([partnership_updated_at(store, p) for p in store.partnerships_of(provider.id)]):
            polled = reads.list_partnerships(store, provider, reads.PartnershipFilter(updated_since=at))
            expected = _partnerships_scan(store, provider, Since(at, strict=False))
            assert [p.id for p in polled] == expected, (provider.name, at)
    for cohort in COHORTS:
        every = reads.list_schools(store, reads.SchoolFilter(cohort=cohort))
        assert [(v.school.id, v.in_partnership, v.updated_at) for v in every] == _schools_scan(
            store, cohort, None
        )
        for start in range(0, len(every) + PER_PAGE, PER_PAGE):
            page = islice(reads.iter_schools(store, reads.SchoolFilter(cohort=cohort), skip=start), PER_PAGE)
            assert [v.school.id for v in page] == [v.school.id for v in every[start : start + PER_PAGE]]
        for at in _stamps([v.updated_at for v in every]):
            polled = reads.list_schools(store, reads.SchoolFilter(cohort=cohort, updated_since=at))
            expected = _schools_scan(store, cohort, Since(at, strict=False))
            assert [(v.school.id, v.in_partnership, v.updated_at) for v in polled] == expected, (cohort, at)


def _write(store: Store, minutes: int) -> None:
    """A new school with a year's choice, another listed once a partnership is made there, a school
    cohort and a school restamped: writes that meet what reads derived before them."""
    later = TEST_NOW + timedelta(minutes=minutes)
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    school = reg.create_school(store, name=f"New school {minutes}", urn=f"99{minutes:04d}", now=later)
    reg.set_school_cohort(
        store, school_id=school.id, cohort=2024, induction_programme_choice="school_led", now=later
    )
    hidden = reg.create_school(
        store, name=f"Closed school {minutes}", urn=f"98{minutes:04d}", now=later, eligible=False
    )
    rules.report_partnership(store, provider, hidden, 2024, dp_for(store, provider, 2024), later)
    # At listed schools without the provider's partnerships, which the writes above do not touch.
    elsewhere = [
        c
        for c in store.school_cohorts.values()
        if c.cohort == 2024
        and store.schools[c.school_id].eligible
        and not store.schools[c.school_id].cip_only
        and all(p.lead_provider_id != provider.id for p in store.partnerships_at(c.school_id))
    ]
    touch(later + timedelta(seconds=1), elsewhere[0])
    touch(later + timedelta(seconds=2), store.schools[elsewhere[1].school_id])


def _confirm(store: Store, minutes: int) -> None:
    """A relationship confirmed and a delivery partner changed (each report drops what reads derived)."""
    later = TEST_NOW + timedelta(minutes=minutes, seconds=3)
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    mine = store.partnerships_of(provider.id)
    relationship = next((p for p in mine if p.relationship and not p.challenged), None)
    if relationship is not None:  # the seeded world has one; once confirmed, no other
        school = store.schools[relationship.school_id]
        rules.report_partnership(
            store,
            provider,
            school,
            relationship.cohort,
            relationship.delivery_partner_id,
            later,
            relationship,
        )
    confirmed = next(p for p in mine if not p.relationship and not p.challenged and p.cohort == 2024)
    other = dp_for(store, provider, 2024, skip=confirmed.delivery_partner_id)
    rules.update_partnership(store, provider, later, confirmed.id, delivery_partner_id=other)


def _challenge(store: Store) -> None:
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    mine = store.partnerships_of(provider.id)
    challenged = next(p for p in mine if not p.relationship and not p.challenged)
    challenged.challenged_reason = "mistake"  # no longer counts for listing or `in_partnership`


def test_partnership_and_school_lists_agree_with_a_scan_after_writes_and_resets(store) -> None:
    _agree(store)
    _write(store, 5)
    _agree(store)
    _confirm(store, 5)
    _agree(store)
    _challenge(store)
    _agree(store)
    store.checkpoint()
    _write(store, 10)
    _agree(store)
    _confirm(store, 10)
    store.back_to_checkpoint()
    _agree(store)
    _write(store, 15)
    _agree(store)
    store.back_to_seed()
    _agree(store)


def _orderings(store: Store) -> dict:
    return {
        name: {key: tuple(entries) for key, entries in dict.items(getattr(store, name))}
        for name in ("ordered_partnerships_by_provider", "ordered_schools")
    }


def test_orderings_by_creation_come_back_on_resets(store) -> None:
    seeded = _orderings(store)
    _write(store, 5)
    _confirm(store, 5)
    store.checkpoint()
    kept = _orderings(store)
    assert kept != seeded
    _write(store, 10)
    store.back_to_checkpoint()
    assert _orderings(store) == kept
    store.back_to_seed()
    assert _orderings(store) == seeded


def test_from_participant_id_finds_the_user_a_merge_kept(store) -> None:
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    users = list(store.users_in(store.ordered("ecf_users_by_provider", provider.id)))
    kinds = {u.id: {p.participant_type for p in store.ecf_profiles_of(u.id)} for u in users}
    ect = next(u for u in users if kinds[u.id] == {"ect"})
    mentor = next(u for u in users if kinds[u.id] == {"mentor"})
    later = TEST_NOW + timedelta(minutes=5)
    reg.merge_users(store, from_user_id=ect.id, to_user_id=mentor.id, now=later)
    retired = [c.from_participant_id for u in store.users.values() for c in u.participant_id_changes]
    assert ect.id in retired
    for participant_id in [*retired, mentor.id, "no-such-id"]:
        for since in (None, later, later + timedelta(seconds=1)):
            flt = ParticipantFilter(from_participant_id=participant_id, updated_since=since)
            found = [p.user.id for p in iter_participants(store, provider, flt, TEST_NOW)]
            every = iter_participants(store, provider, ParticipantFilter(updated_since=since), TEST_NOW)
            named = [
                p.user.id
                for p in every
                if any(c.from_participant_id == participant_id for c in p.user.participant_id_changes)
            ]
            assert found == named, (participant_id, since)
    assert [
        p.user.id
        for p in iter_participants(store, provider, ParticipantFilter(from_participant_id=ect.id), TEST_NOW)
    ] == [mentor.id]
