"""Helpers for the NPQ service's rules over `npq_world`: delivery partners partnered per exact cohort, a
request builder and the refusal catcher."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sandbox.domain.declarations.input import DeclarationRequest
from sandbox.domain.errors import ValidationFailed
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import DeliveryPartner, LeadProvider, NPQProfile
from sandbox.domain.world.npq_registration import record_npq_delivery_partnership
from tests.domain.npq_world import T0, World


def partner(world: World, name: str, *cohorts: int, provider: LeadProvider | None = None) -> DeliveryPartner:
    """A delivery partner of the provider (default: mine) in each given cohort's first intake."""
    made = reg.create_delivery_partner(world.store, name=name, now=T0)
    for cohort in cohorts:
        record_npq_delivery_partnership(
            world.store,
            lead_provider_id=(provider or world.mine).id,
            delivery_partner_id=made.id,
            cohort=cohort,
        )
    return made


def request(profile: NPQProfile, **changes: Any) -> DeclarationRequest:
    """A `started` claim for the profile's course, dated a week into 2026 (after every schedule start)."""
    values: dict[str, Any] = {
        "participant_id": profile.user_id,
        "declaration_type": "started",
        "declaration_date": "2026-01-08T10:00:00Z",
        "course_identifier": profile.course_identifier,
    }
    return DeclarationRequest(**{**values, **changes})


def refused(call: Callable[..., Any], *args: Any, **kwargs: Any) -> list[tuple[str, str]]:
    """The refusal's entries, one per message, as the NPQ service lists them."""
    with pytest.raises(ValidationFailed) as caught:
        call(*args, **kwargs)
    return [(attribute, message) for attribute, found in caught.value.errors.items() for message in found]
