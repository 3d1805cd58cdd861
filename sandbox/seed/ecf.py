"""Building blocks for ECF participants: enrol one, give them declarations, then the things that happen to
them (status changes, transfers, the 2021 migration). The random population and the fixed scenarios both
use these, so every participant is made the same way."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sandbox.domain.world.entities import ECFProfile, InductionRecord, Partnership, User
from sandbox.domain.world.reference import Schedule
from sandbox.domain.world.registration import (
    change_cohort_after_payments_frozen,
    create_user,
    record_eligibility,
    record_registration,
    record_school_transfer,
    record_training_status,
    set_induction_end_date,
)
from sandbox.seed.billing import StatementBook, ecf_evidence, file_declaration
from sandbox.seed.context import SeedContext, at

WITHDRAW_REASONS = (
    ("left-teaching-profession", 3.0),
    ("moved-school", 3.0),
    ("mentor-no-longer-being-mentor", 1.0),
    ("school-left-fip", 1.0),
    ("other", 2.0),
)
DEFER_REASONS = (
    ("parental-leave", 4.0),
    ("long-term-sickness", 3.0),
    ("career-break", 2.0),
    ("bereavement", 1.0),
    ("other", 1.0),
)


@dataclass
class Enrolled:
    """One seeded ECF profile and what the seed needs to remember about it."""

    user: User
    profile: ECFProfile
    record: InductionRecord
    provider_id: str
    school_id: str
    registered_at: datetime
    last_activity: datetime
    declared: list[str] = field(default_factory=list)


@dataclass
class Roster:
    """Seeded ECF participants, and the mentors each school could pair its ECTs with."""

    book: StatementBook
    enrolled: list[Enrolled] = field(default_factory=list)
    mentors_by_school: dict[str, list[Enrolled]] = field(default_factory=dict)


def programme_start(schedule_identifier: str, cohort: int) -> date:
    """When a schedule's training year begins: the variant named at the end of its identifier."""
    variant = schedule_identifier.rsplit("-", 1)[-1]
    starts = {"january": date(cohort + 1, 1, 1), "april": date(cohort + 1, 4, 1)}
    return starts.get(variant, date(cohort, 9, 1))


def registration_time(ctx: SeedContext, schedule_identifier: str, cohort: int) -> datetime:
    start = programme_start(schedule_identifier, cohort)
    opened = ctx.reference.opens_on(cohort)
    latest = min(at(start + timedelta(days=30)), ctx.now - timedelta(days=2))
    earliest = max(at(opened), at(start - timedelta(days=75)))
    # Schedules starting after the world instant (2024 january/april) were registered ahead of time.
    return ctx.moment(min(earliest, latest - timedelta(days=40)), latest)


def new_user(ctx: SeedContext, now: datetime, *, trn: bool = True) -> User:
    name, email = ctx.person()
    return create_user(
        ctx.store, full_name=name, email=email, teacher_reference_number=ctx.trn() if trn else None, now=now
    )


def enrol(
    ctx: SeedContext,
    roster: Roster,
    partnership: Partnership,
    participant_type: str,
    *,
    schedule_identifier: str = "ecf-standard-september",
    registered_at: datetime | None = None,
    user: User | None = None,
    eligibility: str | None = "eligible",
    reason: str | None = None,
    uplifts: tuple[bool, bool] = (False, False),
    mentor: Enrolled | None = None,
    start_date: date | None = None,
) -> Enrolled:
    """Register a participant; training starts on registration unless `start_date` names a later day."""
    when = registered_at or registration_time(ctx, schedule_identifier, partnership.cohort)
    user = user or new_user(ctx, when)
    profile, record = record_registration(
        ctx.store,
        user_id=user.id,
        participant_type=participant_type,
        partnership_id=partnership.id,
        now=when,
        schedule_identifier=schedule_identifier,
        mentor_profile_id=mentor.profile.id if mentor else None,
        start_date=at(start_date, 0) if start_date else None,
    )
    record_eligibility(
        ctx.store,
        profile_id=profile.id,
        eligibility=eligibility,
        reason=reason,
        now=when,
        pupil_premium_uplift=uplifts[0],
        sparsity_uplift=uplifts[1],
    )
    who = Enrolled(user, profile, record, partnership.lead_provider_id, partnership.school_id, when, when)
    roster.enrolled.append(who)
    if participant_type == "mentor":
        roster.mentors_by_school.setdefault(partnership.school_id, []).append(who)
    return who


def schedule_of(ctx: SeedContext, who: Enrolled) -> Schedule:
    return ctx.reference.schedule(who.profile.schedule_identifier, who.profile.cohort)  # type: ignore[return-value]


def declare(
    ctx: SeedContext,
    roster: Roster,
    who: Enrolled,
    *,
    types: Sequence[str] | None = None,
    provider_id: str | None = None,
    stop_p: float = 0.0,
    void_p: float = 0.0,
    void: Mapping[str, datetime | None] | None = None,
    dates: Mapping[str, datetime] | None = None,
    duplicate: Collection[str] = (),
    not_before: datetime | None = None,
) -> None:
    """Declarations through the participant's schedule in order, each inside its milestone window and
    before the world instant. With `types` only those; otherwise each next one happens unless the
    participant stops (probability `stop_p`). Scenarios pin a type's date with `dates`, void it (or claw
    it back once paid) with `void` (at a given time or any later one), or make it a duplicate-TRN claim."""
    void, dates = void or {}, dates or {}
    schedule = schedule_of(ctx, who)
    provider_id = provider_id or who.provider_id
    open_ended = schedule.milestones[0].milestone_date is None
    cursor = max(who.registered_at, not_before or who.registered_at)
    limit = ctx.now - timedelta(days=1)
    for milestone in schedule.milestones:
        kind = milestone.declaration_type
        if kind in who.declared or (types is not None and kind not in types):
            continue
        if types is None and ctx.chance(stop_p):
            break
        # Open-ended windows all start together, so space the claims as training would.
        gap = timedelta(days=40) if open_ended and who.declared else timedelta(hours=1)
        lo = max(at(milestone.start_date, 8), cursor + gap)
        hi = at(milestone.milestone_date, 20) if milestone.milestone_date else lo + timedelta(days=90)
        hi = min(hi, limit)
        if lo > hi:
            if lo > limit:
                break  # this window has not opened yet
            continue  # registered after this window had closed
        if kind in dates:
            declared_at = dates[kind]
            submitted_at = declared_at + timedelta(hours=2)
        else:
            declared_at = ctx.moment(lo, min(hi, lo + timedelta(days=60)))
            submitted_at = ctx.moment(declared_at, declared_at + timedelta(days=8))
        void_at = None
        if kind in void or ctx.chance(void_p):
            void_at = void.get(kind) or ctx.after(submitted_at, 5, 120)
        declaration = file_declaration(
            ctx,
            roster.book,
            profile_id=who.profile.id,
            provider_id=provider_id,
            kind="ecf",
            cohort=who.profile.cohort,
            declaration_type=kind,
            declared_at=declared_at,
            submitted_at=submitted_at,
            fundable=who.profile.eligibility == "eligible",
            evidence_held=ecf_evidence(ctx, kind),
            void_at=void_at,
            duplicate=kind in duplicate,
        )
        if declaration is None:
            break
        if declaration.state not in ("voided", "awaiting_clawback", "clawed_back"):
            who.declared.append(kind)
        cursor = declared_at
        who.last_activity = max(who.last_activity, submitted_at)


def change_status(
    ctx: SeedContext,
    who: Enrolled,
    state: str,
    *,
    when: datetime | None = None,
    provider_id: str | None = None,
) -> bool:
    """Withdraw, defer or resume after everything the participant has done so far."""
    when = when or ctx.after(who.last_activity, 1, 200)
    if when <= who.last_activity:
        return False
    reasons = {"withdrawn": WITHDRAW_REASONS, "deferred": DEFER_REASONS}.get(state)
    record_training_status(
        ctx.store,
        profile_id=who.profile.id,
        lead_provider_id=provider_id or who.provider_id,
        state=state,
        reason=ctx.weighted(reasons) if reasons else None,
        now=when,
    )
    who.last_activity = when
    return True


def induction_completed(ctx: SeedContext, who: Enrolled) -> None:
    """DQT reports the end of induction some weeks after the completed declaration."""
    if who.profile.participant_type != "ect" or "completed" not in who.declared:
        return
    when = ctx.after(who.last_activity, 10, 70)
    if when > who.last_activity:
        set_induction_end_date(ctx.store, profile_id=who.profile.id, induction_end_date=when.date(), now=when)
        who.last_activity = when


def transfer(
    ctx: SeedContext,
    who: Enrolled,
    to: Partnership | None,
    *,
    noticed_at: datetime,
    leaving: date,
    joining: date | None = None,
) -> InductionRecord | None:
    """The school reports the move on `noticed_at`; the dates themselves may lie ahead (an incomplete one)."""
    _, joined = record_school_transfer(
        ctx.store,
        profile_id=who.profile.id,
        leaving_date=at(leaving, 0),
        now=noticed_at,
        to_partnership_id=to.id if to else None,
        joining_date=at(joining, 0) if joining else None,
    )
    who.last_activity = max(who.last_activity, noticed_at)
    return joined


def migrate_2021(
    ctx: SeedContext,
    who: Enrolled,
    partnership: Partnership,
    when: datetime,
    schedule_identifier: str = "ecf-extended-september",
) -> None:
    """DfE moves an unfinished 2021 participant to 2024 after the 2021 payments froze."""
    record = change_cohort_after_payments_frozen(
        ctx.store,
        profile_id=who.profile.id,
        partnership_id=partnership.id,
        schedule_identifier=schedule_identifier,
        now=when,
    )
    who.record, who.last_activity = record, max(who.last_activity, when)
    who.registered_at = when
