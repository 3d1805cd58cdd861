"""What differs between v1, v2 and v3 beyond their specs and serializers, named in one place."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Version:
    name: str
    # v1/v2 declarations compare `updated_since` strictly; v3 includes the instant itself.
    declarations_updated_since_strict: bool
    # v1/v2 NPQ applications take one cohort year; v3 takes a comma list.
    npq_application_cohort_list: bool


VERSIONS = {
    "v1": Version("v1", declarations_updated_since_strict=True, npq_application_cohort_list=False),
    "v2": Version("v2", declarations_updated_since_strict=True, npq_application_cohort_list=False),
    "v3": Version("v3", declarations_updated_since_strict=False, npq_application_cohort_list=True),
}
