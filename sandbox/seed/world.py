"""`build_world`: the seeded world a sandbox starts from.

The world is "as of" `WORLD_NOW` (2024-11-15 12:00 UTC): every record it holds was made at or before that
instant, whatever day it is built, so the same seed gives the same store on any machine and any day.
Only plans lie beyond it: the statement calendar and the dates of moves a school has announced (the
incomplete transfers). The one exception is RECT's 2025 declaration sequences, as of `SEQUENCES_NOW`
(seed/context.py). The sandbox itself runs later, on 2026-11-27 and after, and the fixed scenarios
make sure a provider has something valid to do on that day.
"""

from __future__ import annotations

from sandbox.domain.world.reference import ReferenceData
from sandbox.seed.billing import StatementBook
from sandbox.seed.context import WORLD_NOW, SeedContext
from sandbox.seed.ecf import Roster
from sandbox.seed.ecf_population import populate_provider
from sandbox.seed.ecf_scenarios import seed_ecf_scenarios
from sandbox.seed.npq import build_contracts
from sandbox.seed.npq_cohorts import seed_npq_cohorts
from sandbox.seed.npq_population import populate_npq, seed_npq_scenarios
from sandbox.seed.npq_service import seed_npq_service
from sandbox.seed.npq_shapes import seed_archived_applicants, seed_later_accepted, seed_npq_shapes
from sandbox.seed.organisations import build_layout, build_providers
from sandbox.seed.rect_declaration_sequences import seed_declaration_sequences
from sandbox.seed.rect_histories_participants import seed_participant_histories
from sandbox.seed.rect_histories_schools import seed_rect_histories
from sandbox.seed.rect_interest import seed_rect_interest
from sandbox.seed.rect_scenarios import seed_rect_scenarios
from sandbox.seed.rect_world import describe_ects, open_rect_years, populate_rect_years, rect_share
from sandbox.store import Store
from sandbox.world_memory import collector_paused, empty_in_steps

__all__ = ["WORLD_NOW", "build_world"]


def build_world(reference: ReferenceData, seed: int = 1, participants: int = 300) -> Store:
    """A world with `participants` ECF participants per ECF provider (about one school per 30) and a third
    as many NPQ applications per NPQ provider. Providers 0 and 1 hold both sides and every fixed scenario."""
    with collector_paused():
        return _build(reference, seed, participants)


def _build(reference: ReferenceData, seed: int, participants: int) -> Store:
    ctx = SeedContext.create(reference, seed)
    providers = build_providers(ctx)
    layout = build_layout(ctx, providers, participants)
    book = StatementBook(list(ctx.store.statements.values()), ctx.now)
    first, second = providers[0], providers[1]

    roster = Roster(book)
    seed_ecf_scenarios(ctx, layout, roster, first, second)
    for provider in layout.ecf:
        # Scenario participants count towards the provider's share.
        seeded = len({w.user.id for w in roster.enrolled if w.provider_id == provider.id})
        populate_provider(ctx, layout, roster, provider, max(0, participants - seeded))

    offer = build_contracts(ctx, layout)
    seeded_npq = seed_npq_scenarios(ctx, layout, book, first, second)
    mentors = [w.user for w in roster.enrolled if w.profile.participant_type == "mentor"]
    for provider in layout.npq:
        count = max(0, participants // 3 - seeded_npq.get(provider.id, 0))
        populate_npq(ctx, layout, book, offer, provider, count, mentors)
    seed_npq_service(ctx.store, seed, list(layout.npq))
    seed_npq_cohorts(ctx, layout)
    seed_npq_shapes(ctx, layout)
    # RECT's own years last, so that the draws of everything above stay as they were.
    open_rect_years(ctx, layout)
    populate_rect_years(ctx, layout, roster, rect_share(participants))
    seed_rect_scenarios(ctx, layout, roster)
    describe_ects(ctx, roster)
    # RECT's declaration sequences describe their own ECTs, after the pass above, so that its draws stay
    # as they were; they are the one part of the world dated after WORLD_NOW (seed/context.py).
    seed_declaration_sequences(ctx, layout, roster)
    # Later additions after every draw above, so that no earlier id moves.
    seed_later_accepted(ctx, layout)
    seed_archived_applicants(ctx, layout)
    seed_rect_histories(ctx, layout, roster)
    seed_rect_interest(ctx, layout)
    # RECT's participant histories (codes 50-59), their ECTs described as the others were.
    seed_participant_histories(ctx, layout, roster)
    describe_ects(ctx, roster)
    ctx.store.seal()
    # The seed's own notes on the world (hundreds of thousands of objects at 50,000) are let go of in
    # steps: freed all at once when this returns, they held the interpreter for a few hundred ms, which
    # a reseed's thread must not (sandbox.world_memory).
    empty_in_steps(roster.enrolled, roster.mentors_by_school, mentors, ctx._urns, ctx._trns)
    return ctx.store
