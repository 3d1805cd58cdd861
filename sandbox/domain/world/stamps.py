"""Keeping records consistent while the world changes: the `updated_at` touch chain and lookups
that refuse unknown ids. Shared by the DfE-side registration modules."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Protocol, TypeVar

from sandbox.domain.world.entities import ECFProfile, InductionRecord, NPQProfile
from sandbox.store import Store

T = TypeVar("T")


class Stamped(Protocol):
    updated_at: datetime


def touch(at: datetime, *records: Stamped | None) -> None:
    """Move `updated_at` forward to `at`, never back, so replaying older events keeps the latest stamp."""
    for record in records:
        if record is not None and record.updated_at < at:
            record.updated_at = at


def touch_profile(
    store: Store, profile: ECFProfile | NPQProfile, at: datetime, *records: InductionRecord | None
) -> None:
    # The upstream touch chain: induction record -> profile -> user, so `updated_since` sees every change.
    touch(at, *records, profile, store.users[profile.user_id])


def require(mapping: Mapping[str, T], key: str, what: str) -> T:
    try:
        return mapping[key]
    except KeyError:
        raise ValueError(f"unknown {what} {key!r}") from None


def require_cohort(store: Store, cohort: int) -> None:
    if not store.reference.knows_year(cohort):
        raise ValueError(f"unknown cohort {cohort}")
