"""Fixed ECF situations seeded for the first two providers whatever the world's size, so that every read
shows something and a provider can act on the world today (the sandbox runs on 2026-11-27 and later).

Dates that decide an outcome are pinned, with the statement calendar in mind (sandbox/data/statements.yaml):
a 2023 claim submitted in autumn 2023 is paid on the January 2024 statement; a void in May 2024 is clawed
back on the paid August 2024 statement, one in October 2024 awaits the January 2025 one; a 2022 claim
submitted in October 2024 is on the November 2024 statement, payable but not yet paid on the world date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sandbox.domain.world.entities import LeadProvider, Partnership
from sandbox.domain.world.registration import (
    create_user,
    merge_users,
    record_mentor,
    set_mentor_funding_end_date,
)
from sandbox.seed.context import SeedContext, at
from sandbox.seed.ecf import (
    Enrolled,
    Roster,
    change_status,
    declare,
    enrol,
    induction_completed,
    migrate_2021,
)
from sandbox.seed.ecf import transfer as move
from sandbox.seed.organisations import COHORTS, Layout, SchoolPlan, partner


@dataclass(frozen=True)
class Places:
    home: SchoolPlan  # with this provider in every cohort
    second: SchoolPlan  # likewise
    switched: SchoolPlan  # another provider's in 2021-2022, this one's since


def places(layout: Layout, provider: LeadProvider) -> Places:
    own = [s for s in layout.schools if all(s.provider_by_cohort.get(c) == provider.id for c in COHORTS)]
    switched = next(
        s
        for s in layout.schools
        if s.provider_by_cohort.get(2024) == provider.id and s.provider_by_cohort.get(2021) != provider.id
    )
    return Places(own[0], own[1], switched)


def _join(
    ctx: SeedContext,
    roster: Roster,
    partnership: Partnership,
    participant_type: str = "ect",
    schedule: str = "ecf-standard-september",
    **options: object,
) -> Enrolled:
    """Enrol with a registration date early in the schedule's year, so pinned claim dates come after it."""
    cohort = partnership.cohort
    variant = schedule.rsplit("-", 1)[-1]
    first = {"january": date(cohort, 11, 1), "april": date(cohort, 11, 4)}.get(variant, date(cohort, 7, 1))
    when = ctx.after(at(first), 0, 5 if variant in ("january", "april") else 20)
    return enrol(
        ctx,
        roster,
        partnership,
        participant_type,
        schedule_identifier=schedule,
        registered_at=when,
        **options,
    )  # type: ignore[arg-type]


def seed_ecf_scenarios(
    ctx: SeedContext, layout: Layout, roster: Roster, first: LeadProvider, second: LeadProvider
) -> None:
    for provider, other, index in ((first, second, 0), (second, first, 1)):
        mine, theirs = places(layout, provider), places(layout, other)
        _usable_today(ctx, roster, mine)
        _declaration_states(ctx, roster, mine)
        _training_statuses(ctx, roster, mine)
        _transfers(ctx, layout, roster, provider, other, mine, theirs, with_relationship=index == 0)
        _merged_duplicate(ctx, roster, mine)
        _mentors(ctx, roster, mine)
    _duplicate_trn(ctx, roster, places(layout, first), places(layout, second))
    _duplicate_trn(ctx, roster, places(layout, second), places(layout, first))


def _usable_today(ctx: SeedContext, roster: Roster, mine: Places) -> None:
    """Active participants with a declaration type still open on 2026-11-27: the 2024 january schedule's
    `completed` and april's `retained-4` windows run to 2026-12-31; non-standard windows never close."""
    p23, p24 = mine.home.partnerships[2023], mine.home.partnerships[2024]
    for _ in range(2):
        _join(ctx, roster, p24, schedule="ecf-standard-january")
    _join(ctx, roster, p24, "mentor", "ecf-standard-april")
    _join(ctx, roster, p24, "mentor", "ecf-replacement-january")
    declare(ctx, roster, _join(ctx, roster, p24, schedule="ecf-extended-september"), types=["started"])
    declare(
        ctx,
        roster,
        _join(ctx, roster, p23, schedule="ecf-reduced-september"),
        types=["started", "retained-1"],
    )
    migrant = _join(ctx, roster, mine.home.partnerships[2021])
    declare(ctx, roster, migrant, types=["started", "retained-1", "retained-2"])
    migrate_2021(ctx, migrant, p24, ctx.moment(at(date(2024, 7, 8)), at(date(2024, 7, 26))))
    declare(ctx, roster, migrant, types=["retained-3"], not_before=at(date(2024, 9, 1)))


def _declaration_states(ctx: SeedContext, roster: Roster, mine: Places) -> None:
    p22, p23, p24 = (mine.home.partnerships[c] for c in (2022, 2023, 2024))
    payable = _join(ctx, roster, p22, schedule="ecf-standard-january")
    october = ctx.moment(at(date(2024, 10, 2)), at(date(2024, 10, 20)))
    declare(ctx, roster, payable, dates={"completed": october})
    induction_completed(ctx, payable)
    autumn_2023 = ctx.moment(at(date(2023, 10, 2)), at(date(2023, 10, 27)))
    for void_day in (date(2024, 10, 21), date(2024, 5, 13)):  # awaiting clawback, then clawed back
        declare(
            ctx,
            roster,
            _join(ctx, roster, p23),
            types=["started", "retained-1"],
            dates={"started": autumn_2023},
            void={"started": at(void_day, 11)},
        )
    declare(ctx, roster, _join(ctx, roster, p24, eligibility=None), types=["started"])
    declare(
        ctx,
        roster,
        _join(ctx, roster, p24, eligibility="ineligible", reason="different_trn"),
        types=["started"],
    )
    declare(ctx, roster, _join(ctx, roster, p24), types=["started"], void={"started": None})


def _training_statuses(ctx: SeedContext, roster: Roster, mine: Places) -> None:
    withdrawn = _join(ctx, roster, mine.second.partnerships[2023])
    declare(ctx, roster, withdrawn, types=["started", "retained-1"])
    change_status(ctx, withdrawn, "withdrawn", when=ctx.moment(at(date(2024, 6, 3)), at(date(2024, 7, 19))))
    deferred = _join(ctx, roster, mine.second.partnerships[2024])
    declare(ctx, roster, deferred, types=["started"])
    change_status(ctx, deferred, "deferred", when=at(date(2024, 10, 9), 14))
    resumed = _join(ctx, roster, mine.second.partnerships[2024], "mentor")
    declare(ctx, roster, resumed, types=["started"])
    change_status(ctx, resumed, "deferred", when=at(date(2024, 9, 30), 10))
    change_status(ctx, resumed, "active", when=at(date(2024, 10, 28), 15))


def _transfers(
    ctx: SeedContext,
    layout: Layout,
    roster: Roster,
    provider: LeadProvider,
    other: LeadProvider,
    mine: Places,
    theirs: Places,
    *,
    with_relationship: bool,
) -> None:
    # To the other provider, complete: both providers see them, and the new one carries on claiming.
    leaver = _join(ctx, roster, mine.home.partnerships[2023])
    declare(ctx, roster, leaver, types=["started", "retained-1"])
    move(
        ctx,
        leaver,
        theirs.home.partnerships[2023],
        noticed_at=at(date(2024, 4, 15), 10),
        leaving=date(2024, 4, 30),
        joining=date(2024, 5, 1),
    )
    declare(ctx, roster, leaver, types=["retained-2"], provider_id=other.id, not_before=at(date(2024, 5, 1)))
    # Another school with the same provider, complete.
    mover = _join(ctx, roster, mine.home.partnerships[2024])
    declare(ctx, roster, mover, types=["started"])
    move(
        ctx,
        mover,
        mine.second.partnerships[2024],
        noticed_at=at(date(2024, 10, 10), 9),
        leaving=date(2024, 10, 31),
        joining=date(2024, 11, 1),
    )
    # Announced moves whose dates are still ahead on 2026-11-27: incomplete transfers.
    for source, target, noticed in (
        (mine.second, mine.home, date(2024, 11, 7)),
        (mine.home, theirs.second, date(2024, 11, 12)),
    ):
        later = _join(ctx, roster, source.partnerships[2024])
        declare(ctx, roster, later, types=["started"])
        move(
            ctx,
            later,
            target.partnerships[2024],
            noticed_at=at(noticed, 16),
            leaving=date(2026, 12, 18),
            joining=date(2027, 1, 4),
        )
    # Left with no new school known yet (transfer type `unknown`).
    gone = _join(ctx, roster, mine.second.partnerships[2024])
    declare(ctx, roster, gone, types=["started"])
    move(ctx, gone, None, noticed_at=at(date(2024, 10, 24), 13), leaving=date(2024, 11, 8))
    if with_relationship:
        # Moving to the other provider's school but staying with this provider: upstream records that as a
        # "relationship" partnership between this provider and the new school.
        link = partner(ctx, layout, theirs.second, provider.id, 2023, relationship=True)
        stayer = _join(ctx, roster, mine.second.partnerships[2023])
        declare(ctx, roster, stayer, types=["started", "retained-1"])
        move(
            ctx,
            stayer,
            link,
            noticed_at=at(date(2024, 3, 25), 12),
            leaving=date(2024, 4, 5),
            joining=date(2024, 4, 8),
        )
        declare(ctx, roster, stayer, types=["retained-2"], not_before=at(date(2024, 4, 8)))


def _merged_duplicate(ctx: SeedContext, roster: Roster, mine: Places) -> None:
    """The same teacher registered twice (as an ECT in 2022, as a mentor in 2024 under another address);
    DfE merged the ECT record into the mentor's user."""
    duplicate = _join(ctx, roster, mine.home.partnerships[2022])
    declare(ctx, roster, duplicate)
    induction_completed(ctx, duplicate)
    name, email = ctx.person()
    when = ctx.after(at(date(2024, 7, 1)), 0, 15)
    user = create_user(
        ctx.store,
        full_name=duplicate.user.full_name,
        email=email,
        teacher_reference_number=duplicate.user.teacher_reference_number,
        now=when,
    )
    survivor = _join(ctx, roster, mine.home.partnerships[2024], "mentor", user=user)
    declare(ctx, roster, survivor, types=["started"])
    merge_users(
        ctx.store,
        from_user_id=duplicate.user.id,
        to_user_id=user.id,
        now=ctx.moment(at(date(2024, 10, 14)), at(date(2024, 10, 25))),
    )


def _mentors(ctx: SeedContext, roster: Roster, mine: Places) -> None:
    # Finished mentor: the completed declaration ends their funding.
    declare(ctx, roster, _join(ctx, roster, mine.home.partnerships[2022], "mentor"))
    # Early roll-out mentor, funded before the programme.
    early = _join(ctx, roster, mine.home.partnerships[2021], "mentor")
    set_mentor_funding_end_date(
        ctx.store,
        profile_id=early.profile.id,
        end_date=date(2021, 4, 19),
        reason="completed_during_early_roll_out",
        now=early.registered_at,
    )
    # Trained by the school's earlier provider, mentoring this provider's ECT: an unfunded mentor.
    unfunded = _join(ctx, roster, mine.switched.partnerships[2022], "mentor")
    declare(ctx, roster, unfunded, stop_p=0.2)
    mentee = _join(ctx, roster, mine.switched.partnerships[2024], mentor=unfunded)
    declare(ctx, roster, mentee, types=["started"])
    # A replaced mentor: claims made before the change keep the first mentor.
    p24 = mine.home.partnerships[2024]
    mentors = [_join(ctx, roster, p24, "mentor") for _ in range(2)]
    ect = _join(ctx, roster, p24, mentor=mentors[0])
    declare(ctx, roster, ect, types=["started"])
    when = max(ect.last_activity + timedelta(days=3), mentors[1].registered_at)
    record_mentor(
        ctx.store, record_id=ect.record.id, mentor_profile_id=mentors[1].profile.id, now=min(when, ctx.now)
    )


def _duplicate_trn(ctx: SeedContext, roster: Roster, first: Places, second: Places) -> None:
    """Two records of one teacher (same TRN) with two providers: the second `started` claim is ineligible."""
    original = _join(ctx, roster, first.home.partnerships[2024])
    declare(ctx, roster, original, types=["started"], dates={"started": at(date(2024, 9, 10), 10)})
    _, email = ctx.person()
    when: datetime = at(date(2024, 9, 2), 9)
    user = create_user(
        ctx.store,
        full_name=original.user.full_name,
        email=email,
        teacher_reference_number=original.user.teacher_reference_number,
        now=when,
    )
    copy = enrol(ctx, roster, second.second.partnerships[2024], "ect", registered_at=when, user=user)
    declare(
        ctx,
        roster,
        copy,
        types=["started"],
        dates={"started": at(date(2024, 9, 20), 11)},
        duplicate={"started"},
    )
