"""The store's maintained orderings answer as a scan would, after writes and after resets: a late page
found by position, and polls read from the ordering by stamp plus the records restamped since. What
reads derive once per reset and then patch with what changed answers as if derived afresh."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta
from itertools import islice

import pytest

from sandbox.domain.applications.reads import ApplicationFilter, application_updated_at, iter_applications
from sandbox.domain.declarations.reads import (
    EVERY_DECLARATION,
    NPQ_SERVICE_DECLARATIONS,
    DeclarationFilter,
    DeclarationScope,
    iter_declarations,
)
from sandbox.domain.listing import Since, SortKey
from sandbox.domain.participants import ecf
from sandbox.domain.participants.ecf import ParticipantFilter, iter_participants, iter_rows
from sandbox.domain.participants.npq import NPQParticipantFilter
from sandbox.domain.participants.npq import iter_participants as iter_npq_participants
from sandbox.domain.participants.transfers import list_transfers
from sandbox.domain.participants.unfunded_mentors import list_unfunded_mentors
from sandbox.domain.participants.visibility import OpenPartnerships, latest_record
from sandbox.domain.world import npq_registration as npq_reg
from sandbox.domain.world import registration as reg
from sandbox.domain.world.stamps import touch
from sandbox.store import Hidden
from tests.conftest import TEST_NOW, make_state

PER_PAGE = 7
PER_DECLARATION_PAGE = 23
RECT_DECLARATIONS = DeclarationScope(side="ecf", hidden_states=("ineligible",))


@pytest.fixture(scope="module")
def state():
    return make_state(participants=30)


# Filters a late page is found by position under (each derives what it hides once per reset).
FILTERS = (
    ParticipantFilter(),
    ParticipantFilter(cohorts=[2024]),
    ParticipantFilter(cohorts=[2023, 2025], training_status="active"),
    ParticipantFilter(training_status="withdrawn"),
)


SORTED = (
    (ParticipantFilter(cohorts=[2024]), [SortKey("updated_at", descending=True)]),
    (ParticipantFilter(updated_since=TEST_NOW - timedelta(days=400)), []),
    (ParticipantFilter(from_participant_id="none such"), []),
)


def _pages_agree(store) -> None:
    """Each page found by position is the slice of the whole list, read without skipping."""
    for provider in (p for p in store.lead_providers.values() if p.has_ecf):
        for flt in FILTERS:
            every = [p.user.id for p in iter_participants(store, provider, flt, TEST_NOW)]
            for start in range(0, len(every) + PER_PAGE, PER_PAGE):
                page = iter_participants(store, provider, flt, TEST_NOW, skip=start)
                found = [p.user.id for _, p in zip(range(PER_PAGE), page, strict=False)]
                assert found == every[start : start + PER_PAGE], (provider.name, flt, start)
                users = ecf.iter_page_users(store, provider, flt, skip=start)
                assert [u.id for u in islice(users, PER_PAGE)] == found, (provider.name, flt, start)
        # Without views, the page's users come in the same order under a sort and a poll too.
        for flt, sort in SORTED:
            every = [p.user.id for p in iter_participants(store, provider, flt, TEST_NOW, sort)]
            assert [u.id for u in ecf.iter_page_users(store, provider, flt, sort)] == every, (flt, sort)


def _row_pages_agree(store) -> None:
    """The v1/v2 pages (one row per enrolment, a participant with two may straddle two pages)."""
    for provider in (p for p in store.lead_providers.values() if p.has_ecf):
        for flt in FILTERS:
            every = [(e.user.id, e.profile.id) for e in iter_rows(store, provider, flt, TEST_NOW)]
            for start in range(0, len(every) + PER_PAGE, PER_PAGE):
                page = iter_rows(store, provider, flt, TEST_NOW, skip=start)
                found = [(e.user.id, e.profile.id) for _, e in zip(range(PER_PAGE), page, strict=False)]
                assert found == every[start : start + PER_PAGE], (provider.name, flt, start)


def _declaration_pages_agree(store) -> None:
    for provider in store.lead_providers.values():
        for scope in (EVERY_DECLARATION, NPQ_SERVICE_DECLARATIONS, RECT_DECLARATIONS):
            every = [d.id for d in iter_declarations(store, provider, DeclarationFilter(), scope)]
            for start in range(0, len(every) + PER_DECLARATION_PAGE, PER_DECLARATION_PAGE):
                page = iter_declarations(store, provider, DeclarationFilter(), scope, skip=start)
                found = [d.id for _, d in zip(range(PER_DECLARATION_PAGE), page, strict=False)]
                assert found == every[start : start + PER_DECLARATION_PAGE], (provider.name, start)


def _polls_agree(store) -> None:
    for provider in (p for p in store.lead_providers.values() if p.has_ecf):
        users = store.users_in(store.ordered("ecf_users_by_provider", provider.id))
        stamps = sorted({u.updated_at for u in users})
        for at in (stamps[0], stamps[len(stamps) // 2], stamps[-1], TEST_NOW):
            for strict in (False, True):
                since = Since(at, strict)
                entries = store.stamped_since("ecf_users_by_provider", provider.id, at, strict)
                scanned = [
                    e
                    for e in store.ordered("ecf_users_by_provider", provider.id)
                    if e[2] in store.users and since.admits(store.users[e[2]].updated_at)
                ]
                assert [e for e in entries if e[2] in store.users] == scanned
                polled = iter_declarations(store, provider, DeclarationFilter(updated_since=since))
                every = iter_declarations(store, provider, DeclarationFilter())
                assert [d.id for d in polled] == [d.id for d in every if since.admits(d.updated_at)]


def _npq_polls_agree(store) -> None:
    """NPQ polls read from the ordering by stamp (an item's stamp is the latest of several records')
    answer as the whole list read and then filtered by stamp."""
    for provider in (p for p in store.lead_providers.values() if p.has_npq):
        applications = list(iter_applications(store, provider, ApplicationFilter()))
        participants = list(iter_npq_participants(store, provider, NPQParticipantFilter()))
        stamps = sorted({application_updated_at(store, a) for a in applications})
        for at in (stamps[0], stamps[len(stamps) // 2], stamps[-1], TEST_NOW):
            for strict in (False, True):
                since = Since(at, strict)
                polled = iter_applications(store, provider, ApplicationFilter(updated_since=since))
                assert [a.id for a in polled] == [
                    a.id for a in applications if since.admits(application_updated_at(store, a))
                ]
                polled = iter_npq_participants(store, provider, NPQParticipantFilter(updated_since=since))
                assert [p.user.id for p in polled] == [
                    p.user.id for p in participants if since.admits(p.updated_at)
                ]


def _npq_pages_agree(store) -> None:
    """NPQ pages found by position (applications, participants) are the slices of the whole lists."""

    def applications(provider, skip: int) -> list[str]:
        return [a.id for a in iter_applications(store, provider, ApplicationFilter(), skip=skip)]

    def participants(provider, skip: int) -> list[str]:
        return [p.user.id for p in iter_npq_participants(store, provider, NPQParticipantFilter(), skip=skip)]

    for provider in (p for p in store.lead_providers.values() if p.has_npq):
        for read in (applications, participants):
            every = read(provider, 0)
            for start in range(0, len(every) + PER_PAGE, PER_PAGE):
                assert read(provider, start)[:PER_PAGE] == every[start : start + PER_PAGE], (
                    provider.name,
                    start,
                )


def _challenge(store) -> None:
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    mine = [p for p in store.partnerships_of(provider.id) if not p.challenged]
    mine[0].challenged_reason = "mistake"  # every record under it disappears for the provider


def _derived_reads(store) -> list:
    ecf = [p for p in store.lead_providers.values() if p.has_ecf]
    since = TEST_NOW - timedelta(days=400)
    return [
        *(list_transfers(store, p, None, TEST_NOW.date()) for p in ecf),
        *(list_transfers(store, p, since, TEST_NOW.date()) for p in ecf),
        *(list_unfunded_mentors(store, p, None) for p in ecf),
    ]


def _agree(store) -> None:
    """Reads with what was derived before the last writes agree with a scan and with reads deriving
    afresh; the checks then run again so that the next writes meet derived state once more."""
    _checks_agree(store)
    patched = _derived_reads(store)
    store._derived.clear()
    assert _derived_reads(store) == patched
    _checks_agree(store)


def _records_on_agree(store) -> None:
    """Each partnership's records, as its index reads them, are those under it now."""
    under: dict[str, set[str]] = {}
    for record in store.induction_records.values():
        under.setdefault(record.partnership_id, set()).add(record.id)
    for partnership_id in store.partnerships:
        assert {r.id for r in store.records_on(partnership_id)} == under.get(partnership_id, set())


def _checks_agree(store) -> None:
    _records_on_agree(store)
    _pages_agree(store)
    _row_pages_agree(store)
    _declaration_pages_agree(store)
    _polls_agree(store)
    _npq_polls_agree(store)
    _npq_pages_agree(store)


def _write(store) -> None:
    """Writes that move, merge and restamp participants after the seal."""
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    users = list(store.users_in(store.ordered("ecf_users_by_provider", provider.id)))
    later = TEST_NOW + timedelta(minutes=5)
    for user in users[3:9]:
        touch(later, user)
    for entry in store.ordered("declarations_by_provider", provider.id)[:5]:
        touch(later, store.declarations[entry[2]])
    # A declaration RECT stops listing (it has no ineligible state), on a participant whose records
    # stop being active (another provider then no longer sees its declarations as transferred in).
    for entry in store.ordered("declarations_by_provider", provider.id)[5:40]:
        declaration = store.declarations[entry[2]]
        if declaration.lead_provider_id != provider.id or declaration.is_npq:
            continue
        for record in store.records_of(declaration.profile_id):
            record.induction_status = "withdrawn"
        declaration.state = "ineligible"
        break
    # A record moved under another provider's partnership, as a schedule change may edit it in place.
    other = next(p for p in store.partnerships.values() if p.lead_provider_id != provider.id)
    profile = store.ecf_profiles_of(users[10].id)[0]
    for record in store.records_of(profile.id):
        record.partnership_id = other.id
        store.note_record_move(record)

    # An ECT now mentored by another provider's mentor, and a participant leaving.
    open_ids = OpenPartnerships(store, provider)
    ect_records = [
        latest_record(store, p, open_ids)
        for u in users[1:]
        for p in store.ecf_profiles_of(u.id)
        if p.participant_type == "ect"
    ]
    ect_record = [r for r in ect_records if r is not None][1]

    def not_mine(profile) -> bool:
        records = store.records_of(profile.id)
        return all(store.partnerships[r.partnership_id].lead_provider_id != provider.id for r in records)

    shown = {m.user.id for m in list_unfunded_mentors(store, provider, None)}
    theirs = [
        p
        for p in store.ecf_profiles.values()
        if p.participant_type == "mentor" and not_mine(p) and p.user_id not in shown
    ][-1]
    ect_record.mentor_profile_id = theirs.id
    leaver = store.records_of(store.ecf_profiles_of(users[2].id)[0].id)[-1]
    leaver.induction_status = "leaving"
    leaver.end_date = later

    # NPQ: an applicant, a training profile and an application restamped (each moves what polls read
    # as the stamp of an application and of a participant), and a pending application accepted.
    npq = next(p for p in store.lead_providers.values() if p.has_npq)
    applications = [store.npq_applications[e[2]] for e in store.ordered("applications_by_provider", npq.id)]
    touch(later + timedelta(minutes=1), store.users[applications[0].user_id])
    profiled = [a for a in applications if a.id in store.npq_profiles]
    touch(later + timedelta(minutes=2), store.npq_profiles[profiled[1].id])
    touch(later + timedelta(minutes=3), profiled[2])
    pending = next(a for a in applications if a.status == "pending")
    schedule = next(
        s
        for s in store.reference._schedules.values()
        if (s.cohort, s.cohort_suffix) == (pending.cohort, pending.cohort_suffix)
        and pending.course_identifier in s.permitted_courses
    )
    npq_reg.accept_npq_application(
        store, application_id=pending.id, schedule_identifier=schedule.identifier, now=later
    )
    # An accepted application moved to another NPQ provider (its applicant may leave this one's list),
    # and a pending one rejected.
    elsewhere = next(p for p in store.lead_providers.values() if p.has_npq and p.id != npq.id)
    accepted = [a for a in applications if a.status == "accepted" and a.id != pending.id]
    npq_reg.move_npq_application(
        store, application_id=accepted[3].id, lead_provider_id=elsewhere.id, now=later
    )
    rejected = next(a for a in applications if a.status == "pending")
    npq_reg.reject_npq_application(store, application_id=rejected.id, now=later)

    # Two users of the provider merged.
    def only(kind: str) -> list:
        return [u for u in users[12:] if {p.participant_type for p in store.ecf_profiles_of(u.id)} == {kind}]

    ects, mentors = only("ect"), only("mentor")
    reg.merge_users(store, from_user_id=ects[0].id, to_user_id=mentors[0].id, now=later)


def test_late_pages_and_polls_agree_with_a_scan_after_writes_and_resets(state) -> None:
    store = state.store
    _agree(store)
    _write(store)
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    rows = [e.user.id for e in iter_rows(store, provider, ParticipantFilter(), TEST_NOW)]
    assert len(rows) > len(set(rows)), "the merged participant has two rows"
    _agree(store)
    _challenge(store)
    _agree(store)
    store.checkpoint()
    _write(store)
    _agree(store)
    store.back_to_checkpoint()
    _agree(store)
    store.back_to_seed()
    _agree(store)


def _indexes(store) -> dict:
    return {
        name: {key: tuple(entries) for key, entries in dict.items(getattr(store, name))}
        for name in ("ecf_users_by_provider", "npq_users_by_provider", "declarations_by_provider")
    }


def _add_declaration_copy(store) -> None:
    """A new declaration (a copy of an ECF one under a new id): it joins ordered indexes in place."""
    original = next(d for d in store.declarations.values() if not d.is_npq)
    store.add_declaration(dataclasses.replace(original, id=store.new_id()))


def test_ordered_indexes_changed_in_place_come_back_on_resets() -> None:
    store = make_state(participants=10).store
    seeded = _indexes(store)
    _add_declaration_copy(store)
    _add_declaration_copy(store)  # the second insert changes the list the first one made
    store.checkpoint()
    kept = _indexes(store)
    assert kept != seeded
    _add_declaration_copy(store)  # after a checkpoint, the list the checkpoint holds is copied first
    _write(store)
    assert _indexes(store) != kept
    store.back_to_checkpoint()
    assert _indexes(store) == kept
    _add_declaration_copy(store)
    store.back_to_seed()
    assert _indexes(store) == seeded


def test_filters_beyond_those_kept_skip_by_checks_and_agree(monkeypatch) -> None:
    store = make_state(participants=10).store
    monkeypatch.setattr(ecf, "FILTERS_KEPT", 1)
    _pages_agree(store)
    _row_pages_agree(store)
    provider = next(p for p in store.lead_providers.values() if p.has_ecf)
    assert len(store.derived(("ecf filters kept", provider.id), set)) == 1


def test_visible_entries_are_those_not_hidden() -> None:
    """`Hidden.visible` walks its sorted lists beside the entries: the same as asking each entry."""
    rng = random.Random(3)
    entries = [(day, serial, f"u{serial}") for serial, day in enumerate(sorted(rng.choices(range(40), k=60)))]
    for _ in range(200):
        known = sorted(rng.sample(entries, rng.randint(0, 30)))
        unhidden = sorted(rng.sample(known, rng.randint(0, len(known))))
        added = sorted(rng.sample([e for e in entries if e not in known], rng.randint(0, 10)))
        hidden = Hidden(known, unhidden, added)
        for start in (0, rng.randint(0, len(entries)), len(entries)):
            expected = [e for e in entries[start:] if e not in hidden]
            assert list(hidden.visible(entries, start)) == expected
