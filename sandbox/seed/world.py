"""`build_world`: the seeded world a sandbox starts from.

The world is "as of" `WORLD_NOW` (2024-11-15 12:00 UTC): every record it holds was made at or before that
instant, whatever day it is built, so the same seed gives the same store on any machine and any day.
Only plans lie beyond it: the statement calendar and the dates of moves a school has announced (the
incomplete transfers). The sandbox itself runs later, on 2026-11-27 and after, and the fixed scenarios
make sure a provider has something valid to do on that day.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from sandbox.domain.world.reference import ReferenceData
from sandbox.seed.billing import StatementBook
from sandbox.seed.context import WORLD_NOW, SeedContext
from sandbox.seed.ecf import Roster
from sandbox.seed.ecf_population import populate_provider
from sandbox.seed.ecf_scenarios import seed_ecf_scenarios
from sandbox.seed.npq import build_contracts
from sandbox.seed.npq_population import populate_npq, seed_npq_scenarios
from sandbox.seed.npq_service import seed_npq_service
from sandbox.seed.organisations import build_layout, build_providers
from sandbox.seed.rect_scenarios import seed_rect_scenarios
from sandbox.seed.rect_world import describe_ects, open_rect_years, populate_rect_years, rect_share
from sandbox.store import Store

__all__ = ["WORLD_NOW", "build_world"]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """A build allocates millions of long-lived objects and frees almost none, and each pass of the
    cyclic collector walks the world built so far: with it running, the build grows faster than the
    world (bench/README.md). Reference counting still frees what the build drops."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_world(reference: ReferenceData, seed: int = 1, participants: int = 300) -> Store:
    """A world with `participants` ECF participants per ECF provider (about one school per 30) and a third
    as many NPQ applications per NPQ provider. Providers 0 and 1 hold both sides and every fixed scenario."""
    with _collector_paused():
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
    # RECT's own years last, so that the draws of everything above stay as they were.
    open_rect_years(ctx, layout)
    populate_rect_years(ctx, layout, roster, rect_share(participants))
    seed_rect_scenarios(ctx, layout, roster)
    describe_ects(ctx, roster)
    ctx.store.seal()
    return ctx.store
