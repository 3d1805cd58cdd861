"""RECT's 2025 declaration sequences (rect.md §7.2), three of each for every ECF provider, findable by TRN
`0PSSNNN` like the other participant scenarios (seed/rect_scenarios.py):

- 33 (`ect_declaration_scenarios.rb`): an ECT with a paid `retained-1` and no `started`;
- 34 (the same file): an ECT with a paid `started` and a submitted `retained-2`;
- 35 (`participant_scenarios.rb`): an ECT with `started` submitted, `retained-1` eligible, `retained-2`
  and `completed` payable;
- 36 (the same file): a mentor with `started` submitted and `completed` payable.

Their claims were made in 2025 and 2026, after the world instant, so they are the world's one
exception to it (seed/context.py): they are "as of" SEQUENCES_NOW (15 November 2026), and so are the
payments of the 2025 statements they sit on. Each claim lands where RECT would have put it on the day it
was sent (the next output statement, rect.md §4.3) and is in the state that statement gives it then:
paid once paid out, payable past its deadline, else eligible. The people were registered by the world
instant, as every other 2025 participant was; their training began on 1 September 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sandbox.domain.finance.ledger import pay_if_due
from sandbox.domain.participants.training_periods import end_at_completion
from sandbox.domain.world.entities import LeadProvider
from sandbox.domain.world.registration import set_induction_start_date, set_working_pattern
from sandbox.seed.billing import StatementBook, file_declaration
from sandbox.seed.context import SEQUENCES_NOW, SeedContext, at
from sandbox.seed.ecf import Enrolled, Roster, enrol
from sandbox.seed.organisations import Layout
from sandbox.seed.rect_scenarios import PER_SHAPE, home_school, scenario_person, trn

YEAR = 2025
TRAINING_FROM = date(2025, 9, 1)


@dataclass(frozen=True)
class Claim:
    """One declaration: its date, the day the provider sent it, and whether it was fundable then
    (`submitted` claims sit on no statement)."""

    declaration_type: str
    declared_on: date
    evidence_held: str
    sent_on: date | None = None  # a late claim; else sent the day it is dated
    fundable: bool = True

    def declared_at(self) -> datetime:
        return at(self.declared_on, 10)

    def sent_at(self) -> datetime:
        return at(self.sent_on or self.declared_on, 12)


@dataclass(frozen=True)
class Sequence:
    code: int
    title: str
    role: str
    claims: tuple[Claim, ...]


SEQUENCES: tuple[Sequence, ...] = (
    Sequence(
        33,
        "2025 ECT with a paid `retained-1` and no `started`",
        "ect",
        (Claim("retained-1", date(2025, 11, 3), "materials-engaged-with-offline"),),
    ),
    Sequence(
        34,
        "2025 ECT with a paid `started` and a submitted `retained-2`",
        "ect",
        (
            Claim("started", date(2025, 9, 15), "training-event-attended"),
            Claim("retained-2", date(2026, 4, 20), "75-percent-engagement-met", fundable=False),
        ),
    ),
    Sequence(
        35,
        "2025 ECT: `started` submitted, `retained-1` eligible, `retained-2` and `completed` payable",
        "ect",
        (
            Claim("started", date(2025, 9, 22), "training-event-attended", fundable=False),
            # Sent late, after the November 2026 statement's deadline: it waits on January 2027's.
            Claim("retained-1", date(2026, 1, 12), "materials-engaged-with-offline", date(2026, 11, 9)),
            Claim("retained-2", date(2026, 8, 10), "75-percent-engagement-met"),
            Claim("completed", date(2026, 10, 5), "75-percent-engagement-met"),
        ),
    ),
    Sequence(
        36,
        "2025 mentor: `started` submitted, `completed` payable",
        "mentor",
        (
            Claim("started", date(2025, 9, 22), "training-event-attended", fundable=False),
            Claim("completed", date(2026, 10, 5), "75-percent-engagement-met"),
        ),
    ),
)
CODES = tuple(s.code for s in SEQUENCES)


def seed_declaration_sequences(ctx: SeedContext, layout: Layout, roster: Roster) -> None:
    """The 2025 statements paid by SEQUENCES_NOW, then every ECF provider's sequences on them."""
    statements = [s for s in ctx.store.statements.values() if s.cohort == YEAR and s.type == "ecf"]
    for statement in statements:
        pay_if_due(statement, SEQUENCES_NOW)
    book = StatementBook(statements, SEQUENCES_NOW)
    for index, provider in enumerate(layout.ecf):
        for sequence in SEQUENCES:
            for number in range(1, PER_SHAPE + 1):
                key = trn(index, sequence.code, number)
                who = _participant(ctx, layout, roster, provider, sequence.role, key)
                with ctx.as_of(SEQUENCES_NOW):
                    _claim(ctx, book, who, sequence.claims)


def _participant(
    ctx: SeedContext, layout: Layout, roster: Roster, provider: LeadProvider, role: str, key: str
) -> Enrolled:
    """Registered a month before the world instant at the provider's first school, training from
    1 September 2025; an ECT working full time, inducted from that day."""
    plan = home_school(layout, provider)
    when = ctx.now - timedelta(days=30)
    who = enrol(
        ctx,
        roster,
        plan.partnerships[YEAR],
        role,
        registered_at=when,
        user=scenario_person(ctx, key, when),
        start_date=TRAINING_FROM,
    )
    if role == "ect":  # the general pass (describe_ects) has run: these ECTs are described here
        set_working_pattern(ctx.store, profile_id=who.profile.id, working_pattern="full_time")
        set_induction_start_date(ctx.store, profile_id=who.profile.id, start_date=TRAINING_FROM, now=when)
    return who


def _claim(ctx: SeedContext, book: StatementBook, who: Enrolled, claims: tuple[Claim, ...]) -> None:
    for claim in claims:
        declaration = file_declaration(
            ctx,
            book,
            profile_id=who.profile.id,
            provider_id=who.provider_id,
            kind="ecf",
            cohort=YEAR,
            declaration_type=claim.declaration_type,
            declared_at=claim.declared_at(),
            submitted_at=claim.sent_at(),
            fundable=claim.fundable,
            evidence_held=claim.evidence_held,
        )
        if declaration is None:
            raise ValueError(f"no 2025 output statement takes a claim sent on {claim.sent_at()}")
        if who.profile.participant_type == "mentor" and claim.declaration_type == "completed":
            # RECT ends a mentor's training period at a completed claim's date (rect.md §6.2).
            end_at_completion(ctx.store, who.record, claim.declared_at(), claim.sent_at())
