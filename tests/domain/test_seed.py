"""The seeded world: deterministic, sized as asked, consistent with the rulebook, usable on the sandbox's
day; and the registration functions it is built with."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sandbox.domain.applications.reads import ApplicationFilter, list_applications
from sandbox.domain.finance import ledger
from sandbox.domain.participants.ecf import ParticipantFilter, list_participants
from sandbox.domain.participants.transfers import list_transfers
from sandbox.domain.participants.unfunded_mentors import list_unfunded_mentors
from sandbox.domain.world import npq_registration as npq_reg
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import Declaration, LeadProvider
from sandbox.domain.world.reference import ReferenceData
from sandbox.seed.context import SEQUENCES_NOW
from sandbox.seed.npq_cohorts import LATER, PENDING
from sandbox.seed.npq_shapes import ACCEPTED_PLACES, APPLICATIONS
from sandbox.seed.rect_declaration_sequences import CODES as SEQUENCE_CODES
from sandbox.seed.rect_declaration_sequences import YEAR as SEQUENCES_YEAR
from sandbox.seed.world import WORLD_NOW, build_world
from sandbox.store import Store

TODAY = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)  # the first day the sandbox runs on
BILLABLE_OR_CHANGEABLE = ("submitted", "eligible", "payable", "paid")
ALL_STATES = {
    "submitted",
    "eligible",
    "payable",
    "paid",
    "voided",
    "ineligible",
    "awaiting_clawback",
    "clawed_back",
}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def ref() -> ReferenceData:
    return ReferenceData.load()


@pytest.fixture(scope="module")
def world(ref: ReferenceData) -> Store:
    return build_world(ref)


@pytest.fixture(scope="module")
def providers(world: Store) -> list[LeadProvider]:
    return list(world.lead_providers.values())


def dump(store: Store) -> list[str]:
    """Every record in insertion order; sets sorted, since their order follows string hashing."""
    lines = []
    for f in fields(store):
        if f.name in ("reference", "seed", "rng", "_command_rng", "lock", "changes"):
            continue
        value = getattr(store, f.name)
        items = sorted(repr(v) for v in value) if isinstance(value, set) else [repr(i) for i in value.items()]
        lines += [f.name, *items]
    return lines


# -- determinism and size ---------------------------------------------------------------------------


def test_same_seed_gives_an_identical_store(ref: ReferenceData) -> None:
    assert dump(build_world(ref, seed=7, participants=30)) == dump(build_world(ref, seed=7, participants=30))


def test_default_world_is_reproducible(ref: ReferenceData, world: Store) -> None:
    assert dump(build_world(ref)) == dump(world)


def test_another_seed_gives_another_world(ref: ReferenceData) -> None:
    one, two = build_world(ref, seed=1, participants=30), build_world(ref, seed=2, participants=30)
    assert not set(one.users) & set(two.users)
    assert not {p.token for p in one.lead_providers.values()} & {p.token for p in two.lead_providers.values()}
    assert [u.full_name for u in one.users.values()][:20] != [u.full_name for u in two.users.values()][:20]


def test_world_does_not_depend_on_string_hashing() -> None:
    script = (
        "import hashlib; from sandbox.domain.world.reference import ReferenceData; "
        "from sandbox.seed.world import build_world; from tests.domain.test_seed import dump; "
        "text = '\\n'.join(dump(build_world(ReferenceData.load(), 3, 30))); "
        "print(hashlib.sha256(text.encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        result = subprocess.run(
            [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
        )
        digests.add(result.stdout.strip())
    assert len(digests) == 1
    assert hashlib.sha256(b"").hexdigest() not in digests


def test_tokens_are_32_hex_and_distinct(providers: list[LeadProvider]) -> None:
    tokens = [p.token for p in providers]
    assert len(set(tokens)) == len(tokens)
    assert all(len(t) == 32 and int(t, 16) >= 0 for t in tokens)


@pytest.mark.parametrize("participants", [30, 300])
def test_size_follows_participants(ref: ReferenceData, world: Store, participants: int) -> None:
    store = world if participants == 300 else build_world(ref, participants=participants)
    for provider in store.lead_providers.values():
        if provider.has_ecf:
            seen = len(list_participants(store, provider, ParticipantFilter(), TODAY))
            # RECT's scenarios add people per provider whatever the size: about 60 (rect_scenarios.py,
            # rect_declaration_sequences.py), about 30 histories of schools, some of them other providers'
            # (rect_histories_schools.py), and about 65 of participants (rect_histories_participants.py).
            assert participants * 0.9 <= seen <= participants * 1.6 + 200, (provider.name, seen)
        if provider.has_npq:
            applications = len(list_applications(store, provider, ApplicationFilter()))
            # Providers 0 and 1 get fixed NPQ scenarios, which can outnumber a small share; DfE moved one
            # application from the second NPQ provider to the first (seed/npq_service.py).
            npq = [p for p in store.lead_providers.values() if p.has_npq]
            moved = {npq[0].id: 1, npq[1].id: -1}.get(provider.id, 0)
            # On top: the fixed pending applications of the NPQ service's cohorts (seed/npq_cohorts.py) and
            # the shapes every provider gets (seed/npq_shapes.py).
            fixed = APPLICATIONS + sum(
                count
                for identifier, _kind, count in PENDING
                if next(c for c in ref.npq_cohorts if c.identifier == identifier).offered_by(provider.name)
            )
            # ... and the applicants accepted in the later cohorts (seed_later_accepted).
            fixed += sum(
                len(ACCEPTED_PLACES[c.funding])
                for c in ref.npq_cohorts
                if c.identifier in LATER and c.offered_by(provider.name)
            )
            low = participants // 3 + min(moved, 0) + fixed
            high = max(participants // 3, 20) + max(moved, 0) + fixed
            assert low <= applications <= high, provider.name


# -- providers -----------------------------------------------------------------------------------------


def test_provider_sides(providers: list[LeadProvider]) -> None:
    assert len(providers) >= 6
    assert all(p.has_ecf and p.has_npq for p in providers[:2])
    assert any(p.has_ecf and not p.has_npq for p in providers)
    assert any(p.has_npq and not p.has_ecf for p in providers)


def test_every_ecf_provider_has_a_challenged_partnership(world: Store, providers: list[LeadProvider]) -> None:
    challenged = {p.lead_provider_id for p in world.partnerships.values() if p.challenged}
    assert {p.id for p in providers if p.has_ecf} <= challenged
    assert all(p.challenged_at is not None for p in world.partnerships.values() if p.challenged)
    assert any(p.relationship for p in world.partnerships.values())


def test_schools_outside_any_partnership(world: Store) -> None:
    partnered = {p.school_id for p in world.partnerships.values()}
    loose = [s for s in world.schools.values() if s.id not in partnered]
    assert any(s.cip_only for s in loose) and any(not s.eligible for s in loose)
    assert sum(s.eligible and not s.cip_only for s in loose) >= 2


# -- record-level invariants ------------------------------------------------------------------------


def _stamps(world: Store):  # type: ignore[no-untyped-def]
    for name in (
        "lead_providers",
        "delivery_partners",
        "schools",
        "partnerships",
        "users",
        "ecf_profiles",
        "induction_records",
        "npq_applications",
        "npq_profiles",
        "statements",
        "declarations",
        "outcomes",
    ):
        for record in getattr(world, name).values():
            for attr in ("created_at", "updated_at", "declaration_date", "challenged_at"):
                if getattr(record, attr, None) is not None:
                    yield name, attr, getattr(record, attr)
    for sc in world.school_cohorts.values():
        yield "school_cohorts", "updated_at", sc.updated_at
    for profile in [*world.ecf_profiles.values(), *world.npq_profiles.values()]:
        for state in profile.states:
            yield "states", "created_at", state.created_at


def _in_a_sequence(world: Store, user_id: str) -> bool:
    """One of RECT's 2025 declaration sequences (TRN 0PSSNNN with SS a sequence code)."""
    trn = world.users[world.resolve_user_id(user_id)].teacher_reference_number or ""
    return len(trn) == 7 and trn[0] == "0" and int(trn[2:4]) in SEQUENCE_CODES


def _as_of(statement_or_declaration) -> datetime:
    """The instant a record was built as of: the documented exception (seed/context.py) is the 2025 ECF
    statements and RECT's declaration sequences on them."""
    r = statement_or_declaration
    npq = r.is_npq if isinstance(r, Declaration) else r.type == "npq"
    late = r.cohort == SEQUENCES_YEAR and not npq
    return SEQUENCES_NOW if late else WORLD_NOW


def test_nothing_is_stamped_after_the_world_instant(world: Store) -> None:
    late = [(n, a, v) for n, a, v in _stamps(world) if v > WORLD_NOW]
    # The one exception: RECT's declaration sequences and the 2025 statements' payments, up to SEQUENCES_NOW.
    assert late and all(v <= SEQUENCES_NOW for _, _, v in late)
    # A mentor's completed claim ends their training period (and touches their profile and user).
    kinds = {"declarations", "statements", "ecf_profiles", "induction_records", "users"}
    assert {n for n, _, _ in late} <= kinds
    for d in world.declarations.values():
        assert (d.created_at > WORLD_NOW) == _in_a_sequence(world, d.user_id)
    for profile in world.ecf_profiles.values():
        assert profile.updated_at <= WORLD_NOW or _in_a_sequence(world, profile.user_id)
    for record in world.induction_records.values():
        owner = world.ecf_profiles[record.profile_id].user_id
        assert record.updated_at <= WORLD_NOW or _in_a_sequence(world, owner)
    for s in world.statements.values():
        assert s.updated_at <= WORLD_NOW or (_as_of(s) == SEQUENCES_NOW and s.paid)


def test_induction_records_hang_together(world: Store) -> None:
    for record in world.induction_records.values():
        partnership = world.partnerships[record.partnership_id]
        profile = world.ecf_profiles[record.profile_id]
        assert partnership.cohort == record.cohort
        assert world.reference.schedule(record.schedule_identifier, record.cohort) is not None
        assert profile.updated_at >= record.updated_at  # the touch chain
    for profile in world.ecf_profiles.values():
        assert world.users[profile.user_id].updated_at >= profile.updated_at
        assert world.records_of(profile.id)


def _milestone_ok(world: Store, d: Declaration) -> bool:
    ref = world.reference
    if d.is_npq:
        profile = world.npq_profiles[d.profile_id]
        candidates = [(profile.schedule_identifier, profile.cohort)]
    else:
        candidates = [
            (r.schedule_identifier, r.cohort) for r in world.records_of(d.profile_id) if r.cohort == d.cohort
        ]
    for identifier, cohort in candidates:
        milestone = ref.schedule(identifier, cohort).milestone(d.declaration_type)  # type: ignore[union-attr]
        if milestone and ref.milestone_window_check(milestone, d.declaration_date) is None:
            return True
    return False


def test_declaration_dates_fit_their_milestones(world: Store) -> None:
    for d in world.declarations.values():
        assert _milestone_ok(world, d), d
        assert d.declaration_date <= d.created_at <= d.updated_at <= _as_of(d)


def test_every_declaration_state_is_seeded(world: Store) -> None:
    assert {d.state for d in world.declarations.values()} == ALL_STATES
    assert all(
        d.ineligible_for_funding_reason == "duplicate_declaration"
        for d in world.declarations.values()
        if d.state == "ineligible"
    )


def test_declarations_sit_on_consistent_statements(world: Store) -> None:
    for d in world.declarations.values():
        today = _as_of(d).date()
        line = world.statements.get(d.statement_id) if d.statement_id else None
        clawback = world.statements.get(d.clawback_statement_id) if d.clawback_statement_id else None
        for s in filter(None, (line, clawback)):
            assert (s.lead_provider_id, s.cohort, s.type, s.output_fee) == (
                d.lead_provider_id,
                d.cohort,
                "npq" if d.is_npq else "ecf",
                True,
            )
        if d.state in ("submitted", "voided", "ineligible"):
            assert line is None and clawback is None
        elif d.state == "eligible":
            assert line and not line.paid and line.deadline_date >= today and clawback is None
        elif d.state == "payable":
            assert line and not line.paid and line.deadline_date < today and clawback is None
        elif d.state == "paid":
            assert line and line.paid and clawback is None
        else:
            assert line and line.paid and clawback and clawback.deadline_date > line.deadline_date
            assert clawback.paid == (d.state == "clawed_back")
        if line is not None:
            assert line.deadline_date >= d.created_at.date()  # the next output statement when submitted


def test_no_two_billable_claims_for_one_event(world: Store) -> None:
    seen = Counter(
        (d.user_id, d.course_identifier, d.declaration_type)
        for d in world.declarations.values()
        if d.state in BILLABLE_OR_CHANGEABLE
    )
    assert not [key for key, count in seen.items() if count > 1]


def test_no_claim_dated_after_a_withdrawal(world: Store) -> None:
    for d in world.declarations.values():
        profile = world.npq_profiles.get(d.profile_id) or world.ecf_profiles[d.profile_id]
        before = [
            s
            for s in profile.states
            if s.lead_provider_id == d.lead_provider_id and s.created_at <= d.created_at
        ]
        if before and before[-1].state == "withdrawn":
            assert d.declaration_date < before[-1].created_at


def test_mentor_funding_ends_with_a_completed_declaration(world: Store) -> None:
    completed = {
        d.profile_id: d.declaration_date.date()
        for d in world.declarations.values()
        if d.course_identifier == "ecf-mentor"
        and d.declaration_type == "completed"
        and d.state in BILLABLE_OR_CHANGEABLE
    }
    assert completed
    for profile in world.ecf_profiles.values():
        if profile.id in completed:
            assert profile.mentor_funding_end_date == completed[profile.id]
            assert profile.mentor_ineligible_for_funding_reason == "completed_declaration_received"
        elif profile.mentor_ineligible_for_funding_reason == "completed_declaration_received":
            pytest.fail(f"{profile.id} has no completed declaration")


def test_paid_statements_are_the_past_ones(world: Store) -> None:
    for s in world.statements.values():
        assert s.paid == (s.payment_date < _as_of(s).date())


# -- the situations the reads need ------------------------------------------------------------------


def test_ecf_situations(world: Store, providers: list[LeadProvider]) -> None:
    profiles = list(world.ecf_profiles.values())
    assert any(p.states and p.states[-1].state == "withdrawn" and p.states[-1].reason for p in profiles)
    assert any(p.training_status == "deferred" for p in profiles)
    assert any(p.cohort_changed_after_payments_frozen and p.cohort == 2024 for p in profiles)
    assert any(
        p.mentor_ineligible_for_funding_reason == "completed_declaration_received"
        and p.mentor_funding_end_date
        for p in profiles
    )
    assert any(p.induction_end_date for p in profiles)
    assert any(p.ineligibility_reason == "different_trn" for p in profiles)
    assert any(p.eligibility is None for p in profiles)
    assert any(world.users[p.user_id].teacher_reference_number is None for p in profiles)
    assert any(p.pupil_premium_uplift for p in profiles) and any(p.sparsity_uplift for p in profiles)
    assert {p.schedule_identifier.split("-")[1] for p in profiles} >= {
        "standard",
        "reduced",
        "extended",
        "replacement",
    }
    duals = Counter(p.user_id for p in profiles)
    assert any(count == 2 for count in duals.values())
    merged = [u for u in world.users.values() if u.participant_id_changes]
    assert merged and all(
        world.resolve_user_id(c.from_participant_id) == u.id for u in merged for c in u.participant_id_changes
    )


@pytest.mark.parametrize("index", [0, 1])
def test_first_providers_see_participants_apart_and_in_common(
    world: Store, providers: list[LeadProvider], index: int
) -> None:
    mine, theirs = providers[index], providers[1 - index]
    seen = {p.user.id for p in list_participants(world, mine, ParticipantFilter(), TODAY)}
    other = {p.user.id for p in list_participants(world, theirs, ParticipantFilter(), TODAY)}
    assert seen - other and seen & other
    assert list_unfunded_mentors(world, mine, None)
    transfers = [t for p in list_transfers(world, mine, None, TODAY.date()) for t in p.transfers]
    assert {t.transfer_type for t in transfers} >= {"new_school", "new_provider"}
    assert {t.status for t in transfers} == {"complete", "incomplete"}


def _open_today(
    world: Store, ref: ReferenceData, identifier: str, cohort: int, user_id: str, course: str
) -> bool:
    """Some declaration type of the schedule is open today and not yet claimed."""
    claimed = {
        d.declaration_type
        for d in world.declarations_of(user_id)
        if d.course_identifier == course and d.state in BILLABLE_OR_CHANGEABLE
    }
    schedule = ref.schedule(identifier, cohort)
    return any(
        m.declaration_type not in claimed and ref.milestone_window_check(m, TODAY) is None
        for m in schedule.milestones
    )  # type: ignore[union-attr]


@pytest.mark.parametrize("index", [0, 1])
def test_usable_today(world: Store, ref: ReferenceData, providers: list[LeadProvider], index: int) -> None:
    provider = providers[index]
    ecf = [
        e
        for p in list_participants(world, provider, ParticipantFilter(), TODAY)
        for e in p.enrolments
        if e.record.training_status == "active"
        and e.participant_status == "active"
        and e.record.schedule_identifier == e.profile.schedule_identifier
        and ref.next_output_statement("ecf", e.profile.cohort, TODAY.date())
        and _open_today(
            world,
            ref,
            e.profile.schedule_identifier,
            e.profile.cohort,
            e.user.id,
            e.profile.course_identifier,
        )
    ]
    assert len(ecf) >= 3
    contracts = {
        (c.cohort, c.course_identifier) for c in world.npq_contracts if c.lead_provider_id == provider.id
    }
    npq = [
        p
        for p in world.npq_profiles.values()
        if p.lead_provider_id == provider.id
        and p.training_status == "active"
        and (p.cohort, p.course_identifier) in contracts
        and not any(
            d.declaration_type == "started" and d.profile_id == p.id and d.state in BILLABLE_OR_CHANGEABLE
            for d in world.declarations_of(p.user_id)
        )
        and ref.milestone_window_check(
            ref.schedule(p.schedule_identifier, p.cohort, world.cohort_suffix_of(p)).milestone("started"),
            TODAY,
        )
        is None  # type: ignore[union-attr]
    ]
    assert len(npq) >= 3
    assert any(a.status == "pending" for a in list_applications(world, provider, ApplicationFilter()))


def test_npq_situations(world: Store) -> None:
    applications = list(world.npq_applications.values())
    assert {a.status for a in applications} == {"pending", "accepted", "rejected"}
    assert all(
        world.npq_profiles[a.id].schedule_identifier == a.schedule_identifier
        for a in applications
        if a.status == "accepted"
    )
    assert all(a.funded_place is None for a in applications if a.cohort < 2024)
    funded_places = {a.funded_place for a in applications if a.cohort == 2024 and a.status == "accepted"}
    assert funded_places == {True, False}
    assert any(a.ineligible_for_funding_reason for a in applications)
    assert any(a.targeted_delivery_funding_eligibility for a in applications)
    assert any(a.employer_name for a in applications) and any(a.school_urn for a in applications)
    caps = {(c.cohort, c.cohort_suffix): c.funding_cap > 0 for c in world.npq_contracts if c.cohort >= 2024}
    # Capped cohorts cap funded places; the unfunded 2026a has none to cap.
    assert caps == {
        (2024, "a"): True,
        (2025, "a"): True,
        (2025, "b"): True,
        (2026, "a"): False,
        (2026, "b"): True,
    }
    assert {p.training_status for p in world.npq_profiles.values()} == {"active", "deferred", "withdrawn"}
    assert {o.state for o in world.outcomes.values()} == {"passed", "failed", "voided"}


# -- the registration functions ------------------------------------------------------------------------


def _t(day: int, hour: int = 9) -> datetime:
    return datetime(2024, 9, day, hour, tzinfo=UTC)


@pytest.fixture()
def small(ref: ReferenceData) -> tuple[Store, list[LeadProvider], list[str]]:
    """Two ECF+NPQ providers, each partnered with its own school for 2024."""
    store = Store(ref, seed=0)
    providers, partnership_ids = [], []
    for index in range(2):
        provider = reg.create_lead_provider(
            store, name=f"P{index}", token=f"t{index}", has_ecf=True, has_npq=True, now=_t(1)
        )
        partner = reg.create_delivery_partner(store, name=f"DP{index}", now=_t(1))
        reg.add_provider_relationship(
            store, lead_provider_id=provider.id, delivery_partner_id=partner.id, cohort=2024
        )
        school = reg.create_school(store, name=f"S{index}", urn=f"10000{index}", now=_t(1))
        partnership = reg.add_partnership(
            store,
            lead_provider_id=provider.id,
            school_id=school.id,
            delivery_partner_id=partner.id,
            cohort=2024,
            now=_t(2),
        )
        providers.append(provider)
        partnership_ids.append(partnership.id)
    return store, providers, partnership_ids


def _participant(
    store: Store, partnership_id: str, kind: str = "ect", day: int = 3, mentor: str | None = None
):  # type: ignore[no-untyped-def]
    user = reg.create_user(
        store,
        full_name="A B",
        email=f"a{len(store.users)}@example.com",
        teacher_reference_number="1234567",
        now=_t(day),
    )
    return reg.record_registration(
        store,
        user_id=user.id,
        participant_type=kind,
        partnership_id=partnership_id,
        now=_t(day),
        mentor_profile_id=mentor,
    )


def test_touch_chain_moves_forward_only(small) -> None:  # type: ignore[no-untyped-def]
    store, _, partnerships = small
    mentor, _ = _participant(store, partnerships[0], "mentor")
    profile, record = _participant(store, partnerships[0])
    reg.record_eligibility(
        store, profile_id=profile.id, eligibility="eligible", now=_t(5), sparsity_uplift=True
    )
    user = store.users[profile.user_id]
    assert (profile.updated_at, user.updated_at, record.updated_at) == (_t(5), _t(5), _t(3))
    reg.record_mentor(store, record_id=record.id, mentor_profile_id=mentor.id, now=_t(6))
    assert record.updated_at == profile.updated_at == store.users[mentor.user_id].updated_at == _t(6)
    reg.record_eligibility(
        store, profile_id=profile.id, eligibility="ineligible", reason="different_trn", now=_t(4)
    )
    assert profile.updated_at == _t(6) and profile.ineligibility_reason == "different_trn"


def test_declarations_copy_the_record_and_check_statements(small) -> None:  # type: ignore[no-untyped-def]
    store, providers, partnerships = small
    mentor, _ = _participant(store, partnerships[0], "mentor")
    profile, _ = _participant(store, partnerships[0], mentor=mentor.id)
    reg.record_eligibility(
        store, profile_id=profile.id, eligibility="eligible", now=_t(3), pupil_premium_uplift=True
    )
    for provider in providers:
        ledger.create_statements(store, lead_provider_id=provider.id, as_of=_t(20))
    line = next(
        s
        for s in store.statements.values()
        if s.output_fee and (s.lead_provider_id, s.type, s.cohort) == (providers[0].id, "ecf", 2024)
    )
    assert not line.paid
    common = {
        "profile_id": profile.id,
        "lead_provider_id": providers[0].id,
        "declaration_type": "started",
        "declaration_date": _t(10),
        "now": _t(11),
    }
    with pytest.raises(ValueError):
        ledger.record_declaration(store, state="voided", statement_id=line.id, **common)  # type: ignore[arg-type]
    other = next(
        s
        for s in store.statements.values()
        if s.lead_provider_id == providers[1].id and s.type == "ecf" and s.cohort == 2024
    )
    with pytest.raises(ValueError):
        ledger.record_declaration(store, state="paid", statement_id=other.id, **common)  # type: ignore[arg-type]
    made = ledger.record_declaration(store, state="eligible", **common)  # type: ignore[arg-type]
    assert made.statement_id == line.id  # the next output statement on the submission day
    assert made.mentor_user_id == mentor.user_id and made.pupil_premium_uplift and made.cohort == 2024
    assert made.delivery_partner_id == store.partnerships[partnerships[0]].delivery_partner_id


def test_transfer_to_another_provider(small) -> None:  # type: ignore[no-untyped-def]
    store, providers, partnerships = small
    profile, record = _participant(store, partnerships[0])
    reg.record_training_status(
        store,
        profile_id=profile.id,
        lead_provider_id=providers[0].id,
        state="deferred",
        reason="other",
        now=_t(4),
    )
    leaving, joining = reg.record_school_transfer(
        store,
        profile_id=profile.id,
        leaving_date=_t(9),
        joining_date=_t(10),
        to_partnership_id=partnerships[1],
        now=_t(5),
    )
    assert leaving is record and (record.induction_status, record.end_date) == ("leaving", _t(9))
    assert joining and joining.school_transfer and joining.training_status == "active"
    transfers = list_transfers(store, providers[1], None, TODAY.date())
    assert [t.transfer_type for p in transfers for t in p.transfers] == ["new_provider"]


def test_merge_moves_everything_and_chains_retired_ids(small) -> None:  # type: ignore[no-untyped-def]
    store, providers, partnerships = small
    ect, _ = _participant(store, partnerships[0])
    mentor, _ = _participant(store, partnerships[0], "mentor")
    third = reg.create_user(
        store, full_name="A B", email="c@example.com", teacher_reference_number=None, now=_t(3)
    )
    old_ect_user = ect.user_id
    reg.merge_users(store, from_user_id=ect.user_id, to_user_id=mentor.user_id, now=_t(7))
    assert old_ect_user not in store.users
    middle = mentor.user_id
    assert ect.user_id == middle and len(store.ecf_profiles_of(middle)) == 2
    reg.merge_users(store, from_user_id=middle, to_user_id=third.id, now=_t(8))
    assert store.resolve_user_id(old_ect_user) == store.resolve_user_id(middle) == third.id
    assert [(c.from_participant_id, c.to_participant_id) for c in third.participant_id_changes] == [
        (old_ect_user, middle),
        (middle, third.id),
    ]


def test_accepting_an_application(small) -> None:  # type: ignore[no-untyped-def]
    store, providers, _ = small
    user = reg.create_user(
        store, full_name="N Q", email="n@example.com", teacher_reference_number=None, now=_t(1)
    )
    for provider in providers:
        npq_reg.create_npq_contract(
            store, lead_provider_id=provider.id, cohort=2024, course_identifier="npq-senco", funding_cap=10
        )
    mine, theirs = (
        npq_reg.create_npq_application(
            store,
            user_id=user.id,
            lead_provider_id=p.id,
            course_identifier="npq-senco",
            cohort=2024,
            now=_t(2),
        )
        for p in providers
    )
    profile = npq_reg.accept_npq_application(
        store,
        application_id=mine.id,
        schedule_identifier="npq-leadership-autumn",
        now=_t(5),
        funded_place=True,
    )
    assert profile.id == mine.id and mine.status == "accepted" and mine.funded_place is True
    assert theirs.status == "rejected"
    with pytest.raises(ValueError):
        npq_reg.accept_npq_application(
            store, application_id=theirs.id, schedule_identifier="npq-leadership-autumn", now=_t(6)
        )
