"""RECT's change-schedule (rect.md §6.1, §3.3): another schedule and perhaps another cohort for the
provider's latest training period (TP) of a role.

Checks run in the real service's order: the schedule (one refusal at most), then the cohort, then the
participant (one refusal at most). Billable declarations no longer block a change; only a TP that starts
today or later is edited in place, and then its declarations must fit the new schedule. A TP that started
before today ends yesterday and a new one starts now. Moving out of a payments-frozen cohort marks the
profile; only a move back into that same cohort is then allowed, and clears the mark.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, tzinfo

from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE
from sandbox.domain.errors import Errors
from sandbox.domain.participants.ecf_actions import ActionResult, action_result
from sandbox.domain.participants.training_periods import (
    Target,
    completed_training,
    day_start,
    local_day,
    resolve,
    school_of,
    started_on,
)
from sandbox.domain.participants.visibility import period_status
from sandbox.domain.values import blank, cohort_year
from sandbox.domain.world.entities import ECFProfile, InductionRecord, LeadProvider, Partnership
from sandbox.domain.world.reference import Schedule, milestone_window_check
from sandbox.domain.world.stamps import touch_profile
from sandbox.store import Store

# The twelve ECF schedule identifiers RECT knows (whatever the cohort).
IDENTIFIERS = tuple(
    f"ecf-{kind}-{month}"
    for kind in ("standard", "extended", "reduced", "replacement")
    for month in ("september", "january", "april")
)

SCHEDULE_INVALID = "The property '#/schedule_identifier' must be present and correspond to a valid schedule."
SCHEDULE_UNKNOWN = "Enter a valid schedule identifier."
SCHEDULE_SAME = "Selected schedule is already on the profile"
SCHEDULE_NOT_FOR_COURSE = "Selected schedule is not valid for the course_identifier"
MENTOR_REDUCED = "Mentors cannot be placed on a reduced schedule. Assign them to a different schedule."
INVALIDATES_DECLARATIONS = (
    "The change of schedule cannot be applied because a previous change of schedule and a declaration were "
    "made on the same day. Applying another change of schedule would invalidate existing declarations. "
    "Please contact DfE for assistance."
)
# sic: the bare `contract_period` is not mapped to `cohort` in the real texts.
NO_PARTNERSHIP = (
    "You cannot change a participant to this contract_period as you do not have a partnership with the "
    "school for the contract_period. Contact the DfE for assistance."
)
FROZEN_COHORT = (
    "You cannot move a participant to a payments frozen cohort unless they previously belonged to that "
    "cohort."
)
COMPLETED = (
    "You cannot change this participant's schedule as they have completed their training or induction."
)
LEFT = (
    "You cannot change this participant's schedule. This is because the participant has a 'left' "
    "participant_status, so they are not training with you currently."
)
WITHDRAWN = "Cannot perform actions on a withdrawn participant"
FUTURE_ELSEWHERE = (
    "You cannot change this participant's schedule as they are due to start with another lead provider in "
    "the future."
)


def target_year(store: Store, cohort: object, record: InductionRecord | None) -> int | None:
    """The cohort asked for when it is a known contract period; otherwise (omitted or unknown) the TP's."""
    year = None if blank(cohort) else cohort_year(cohort)
    if year is not None and store.reference.contract_period(year) is not None:
        return year
    return record.cohort if record is not None else None


def frozen(store: Store, year: int, now: datetime, zone: tzinfo) -> bool:
    period = store.reference.contract_period(year)
    return period is not None and period.payments_frozen(local_day(now, zone))


def original_frozen_year(store: Store, profile: ECFProfile, now: datetime, zone: tzinfo) -> int | None:
    """The payments-frozen cohort the role was moved out of: the latest frozen cohort among its records,
    while the profile is marked as moved."""
    if not profile.cohort_changed_after_payments_frozen:
        return None
    records = sorted(store.records_of(profile.id), key=lambda r: (r.start_date, r.created_at))
    years = [r.cohort for r in records if frozen(store, r.cohort, now, zone)]
    return years[-1] if years else None


def school_partnership(
    store: Store, provider: LeadProvider, record: InductionRecord, year: int
) -> Partnership | None:
    """The partnership the TP goes to: its own within its cohort; in another cohort, the provider's
    partnership with the school there with the same delivery partner, else the newest."""
    current = store.partnerships[record.partnership_id]
    if year == record.cohort:
        return current
    school = school_of(store, record)
    at_school = store.partnerships_at(school)  # the school's few, not the provider's many
    there = [p for p in at_school if p.lead_provider_id == provider.id and p.cohort == year]
    same = [p for p in there if p.delivery_partner_id == current.delivery_partner_id]
    return max(same or there, key=lambda p: p.created_at, default=None)


def _declarations_break(
    store: Store, record: InductionRecord, profile: ECFProfile, new: Schedule, zone: tzinfo
) -> bool:
    """Whether a declaration made under this TP would not fit the new schedule's milestones."""
    lead = store.partnerships[record.partnership_id].lead_provider_id
    made = [
        d
        for d in store.declarations_of(profile.user_id)
        if d.profile_id == profile.id
        and d.lead_provider_id == lead
        and d.cohort == record.cohort
        and d.created_at >= record.start_date
        and d.state in BILLABLE_OR_CHANGEABLE
    ]
    for declaration in made:
        milestone = new.milestone(declaration.declaration_type)
        if milestone is None or milestone_window_check(milestone, declaration.declaration_date, zone):
            return True
    return False


def _ect_to_reduced(profile: ECFProfile | None, identifier: object) -> bool:
    return profile is not None and profile.participant_type == "ect" and "-reduced-" in str(identifier)


def _schedule_checks(
    store: Store, target: Target, identifier: object, year: int | None, now: datetime, zone: tzinfo
) -> Schedule | None:
    errors, record, profile = target.errors, target.record, target.profile
    if blank(identifier):
        errors.add("schedule_identifier", SCHEDULE_INVALID)
        return None
    if identifier not in IDENTIFIERS:
        errors.add("schedule_identifier", SCHEDULE_UNKNOWN)
        return None
    new = store.reference.schedule(str(identifier), year) if year is not None else None
    if new is None:
        errors.add("schedule_identifier", SCHEDULE_INVALID)
        return None
    if record is None or profile is None:
        return new
    kind = profile.participant_type
    if (new.identifier, new.cohort) == (record.schedule_identifier, record.cohort):
        errors.add("schedule_identifier", SCHEDULE_SAME)
    elif kind == "ect" and "-replacement-" in new.identifier:
        errors.add("schedule_identifier", SCHEDULE_NOT_FOR_COURSE)
    elif kind == "mentor" and "-reduced-" in new.identifier:
        errors.add("schedule_identifier", MENTOR_REDUCED)
    elif started_on(record, zone) >= local_day(now, zone) and _declarations_break(
        store, record, profile, new, zone
    ):
        errors.add("schedule_identifier", INVALIDATES_DECLARATIONS)
    return new


def change_errors(
    store: Store,
    provider: LeadProvider,
    target: Target,
    identifier: object,
    year: int | None,
    now: datetime,
    zone: tzinfo,
) -> tuple[Errors, Schedule | None, Partnership | None]:
    errors, record, profile = target.errors, target.record, target.profile
    new = _schedule_checks(store, target, identifier, year, now, zone)
    if record is None or profile is None or year is None:
        return errors, new, None
    partnership = school_partnership(store, provider, record, year)
    if partnership is None:
        errors.add("cohort", NO_PARTNERSHIP)
    elif frozen(store, year, now, zone) and original_frozen_year(store, profile, now, zone) != year:
        errors.add("cohort", FROZEN_COHORT)
    later = [r for r in store.records_of(profile.id) if r.start_date > record.start_date]
    for failed, message in (
        (completed_training(profile) and not _ect_to_reduced(profile, identifier), COMPLETED),
        (period_status(profile, record, now) == "left", LEFT),
        (record.training_status == "withdrawn", WITHDRAWN),
        (bool(later), FUTURE_ELSEWHERE),
    ):
        if failed:
            errors.add("participant_id", message)
            break
    return errors, new, partnership


def change_schedule(
    store: Store,
    provider: LeadProvider,
    participant_id: str,
    *,
    course_identifier: object,
    schedule_identifier: object,
    cohort: object,
    now: datetime,
    zone: tzinfo,
) -> ActionResult:
    target = resolve(store, provider, participant_id, course_identifier, now)
    year = target_year(store, cohort, target.record)
    errors, new, partnership = change_errors(store, provider, target, schedule_identifier, year, now, zone)
    errors.raise_any()
    profile, record = target.profile, target.record
    assert profile is not None and record is not None and new is not None and partnership is not None
    if year != record.cohort:
        # Out of a frozen cohort marks the profile; back into it (the only way in) clears the mark.
        if frozen(store, record.cohort, now, zone):
            profile.cohort_changed_after_payments_frozen = True
        elif frozen(store, year, now, zone):
            profile.cohort_changed_after_payments_frozen = False
    in_place = started_on(record, zone) >= local_day(now, zone) or (
        completed_training(profile) and _ect_to_reduced(profile, new.identifier)
    )
    current = _apply(store, profile, record, new, partnership, now, zone, in_place)
    return action_result(store, provider, profile, current, now)


def _apply(
    store: Store,
    profile: ECFProfile,
    record: InductionRecord,
    new: Schedule,
    partnership: Partnership,
    now: datetime,
    zone: tzinfo,
    in_place: bool,
) -> InductionRecord:
    profile.schedule_identifier, profile.cohort = new.identifier, new.cohort
    if in_place:
        record.schedule_identifier, record.cohort = new.identifier, new.cohort
        record.partnership_id = partnership.id
        store.note_record_move(record)
        touch_profile(store, profile, now, record)
        return record
    ends = record.end_date
    yesterday_end = day_start(local_day(now, zone), zone) - timedelta(seconds=1)
    current = store.add_induction_record(
        replace(
            record,
            id=store.new_id(),
            partnership_id=partnership.id,
            schedule_identifier=new.identifier,
            cohort=new.cohort,
            start_date=now,
            end_date=ends if ends is not None and ends > now else None,
            created_at=now,
            updated_at=now,
            school_transfer=False,
        )
    )
    record.induction_status = "changed"
    record.end_date = min(ends, yesterday_end) if ends is not None else yesterday_end
    touch_profile(store, profile, now, record, current)
    return current
