"""Hypothesis settings shared by the Schemathesis runs of the provider APIs' writes: deterministic,
bounded in count, without Hypothesis' timing deadline (a request's cost is the bench's business)."""

from __future__ import annotations

from hypothesis import HealthCheck, settings

FUZZ = settings(max_examples=20, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
STATEFUL = settings(
    max_examples=15,
    stateful_step_count=6,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
