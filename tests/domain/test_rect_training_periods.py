"""RECT's `participant_status` of a training period (rect.md §5.1, §6.5), read off an induction record."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sandbox.domain.participants.visibility import participant_status, period_status
from tests.domain.ecf_world import NOW, build

DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("training_status", "start", "end", "induction_end", "expected"),
    [
        ("active", -DAY, None, None, "active"),
        ("active", DAY, None, None, "joining"),
        ("active", -DAY, DAY, None, "leaving"),
        ("active", -DAY * 9, -DAY, None, "left"),
        # A withdrawn or deferred period has ended even with no end date.
        ("withdrawn", -DAY, None, None, "left"),
        ("deferred", -DAY, DAY, None, "leaving"),
        # A finished ECT is active while the induction ended within the period.
        ("active", -DAY * 9, -DAY, date(2026, 11, 20), "active"),
        ("active", -DAY * 9, -DAY * 5, date(2026, 11, 26), "left"),
    ],
)
def test_period_status(training_status, start, end, induction_end, expected):
    who = build().enrol(cohort=2023, start=NOW + start)
    who.record.training_status = training_status
    who.record.end_date = NOW + end if end is not None else None
    who.profile.induction_end_date = induction_end
    assert period_status(who.profile, who.record, NOW) == expected


def test_a_withdrawn_record_without_end_is_left_in_rect_but_active_in_the_manage_cpd_service():
    who = build().enrol(cohort=2023)
    who.record.training_status = "withdrawn"
    assert (period_status(who.profile, who.record, NOW), participant_status(who.record, NOW)) == (
        "left",
        "active",
    )
