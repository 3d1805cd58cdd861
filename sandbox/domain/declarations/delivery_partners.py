"""Delivery partners on NPQ declarations, as the NPQ service checks them (npq.md §4.4 steps 12-13 and
§4.5): who may name one, which ones a provider may name, and changing them on a declaration.

A delivery partner is the provider's for a declaration when the NPQ service records a delivery
partnership of the two for the application's exact cohort (2025a is not 2025b). Applicants inside
England (cohorts from 2024) need one; applicants outside England may not have one.
"""

from __future__ import annotations

from datetime import datetime

from sandbox.domain.declarations.reads import NPQ_SERVICE_DECLARATIONS, get_declaration
from sandbox.domain.errors import Errors, NotTheMaker
from sandbox.domain.values import blank
from sandbox.domain.world.entities import Declaration, LeadProvider, NPQApplication, NPQDeliveryPartnership
from sandbox.domain.world.stamps import touch
from sandbox.store import Store

REQUIRED_FROM = 2024  # the first cohort whose declarations need a delivery partner
PRIMARY, SECONDARY = "delivery_partner_id", "secondary_delivery_partner_id"
MUST_BE_PRESENT = "The property '#/delivery_partner_id' must be present"
SECONDARY_WITHOUT_PRIMARY = (
    "The property '#/secondary_delivery_partner_id' cannot be specified without the property "
    "'#/delivery_partner_id'"
)
SECONDARY_SAME_AS_PRIMARY = (
    "The property '#/secondary_delivery_partner_id' cannot have the same value as the property "
    "'#/delivery_partner_id'"
)
CANNOT_MODIFY = "Cannot modify declaration"
MADE_BY_ANOTHER = "The declaration cannot be modified because it was created by another lead provider"


def not_confirmed(attribute: str) -> str:
    return f"The entered '#/{attribute}' is not from your list of confirmed Delivery Partners for the Cohort"


def outside_england(attribute: str) -> str:
    return f"The property '#/{attribute}' cannot be specified for Applications from outside of England"


def does_not_exist(attribute: str) -> str:
    return f"The property '#/{attribute}' does not exist"


def inside_england(application: NPQApplication) -> bool:
    # The world records a UK catchment, not the nation within it: a UK applicant counts as in England.
    return application.teacher_catchment and application.teacher_catchment_iso_country_code == "GBR"


def partnered(store: Store, provider_id: str, delivery_partner_id: str, application: NPQApplication) -> bool:
    wanted = NPQDeliveryPartnership(
        provider_id, delivery_partner_id, application.cohort, application.cohort_suffix
    )
    return wanted in store.npq_delivery_partnerships


def _given(value: object) -> str | None:
    return value if isinstance(value, str) and not blank(value) else None


def unknown_partner_errors(store: Store, primary: object, secondary: object) -> Errors:
    """Ids naming no delivery partner at all (declaration POST, step 12). Any string sent is looked up,
    a blank one too (the service checks whatever is not null)."""
    errors = Errors()
    for attribute, value in ((PRIMARY, primary), (SECONDARY, secondary)):
        if isinstance(value, str) and value not in store.delivery_partners:
            errors.add(attribute, does_not_exist(attribute))
    return errors


def partner_rule_errors(
    store: Store, provider_id: str, application: NPQApplication, primary: object, secondary: object
) -> Errors:
    """The model's delivery partner rules (declaration POST step 13, change-delivery-partner)."""
    errors = Errors()
    first, second = _given(primary), _given(secondary)
    if not inside_england(application):
        for attribute, value in ((PRIMARY, first), (SECONDARY, second)):
            if value is not None:
                errors.add(attribute, outside_england(attribute))
        return errors
    if first is None and application.cohort >= REQUIRED_FROM:
        errors.add(PRIMARY, MUST_BE_PRESENT)
    for attribute, value in ((PRIMARY, first), (SECONDARY, second)):
        if value is not None and not partnered(store, provider_id, value, application):
            errors.add(attribute, not_confirmed(attribute))
    if second is not None and first is None:
        errors.add(SECONDARY, SECONDARY_WITHOUT_PRIMARY)
    if second is not None and second == first:
        errors.add(SECONDARY, SECONDARY_SAME_AS_PRIMARY)
    return errors


def own_npq_declaration(store: Store, provider: LeadProvider, declaration_id: str) -> Declaration:
    """A declaration the provider can see (else not found) and made itself (else 403)."""
    declaration = get_declaration(store, provider, declaration_id, NPQ_SERVICE_DECLARATIONS)
    if declaration.lead_provider_id != provider.id:
        raise NotTheMaker(CANNOT_MODIFY, MADE_BY_ANOTHER)
    return declaration


def change_delivery_partner(
    store: Store,
    provider: LeadProvider,
    declaration_id: str,
    delivery_partner_id: object,
    secondary_delivery_partner_id: object,
    now: datetime,
) -> Declaration:
    """Replace both delivery partners of a declaration the provider made, whatever its state; leaving
    the secondary one out clears it."""
    with store.lock:
        declaration = own_npq_declaration(store, provider, declaration_id)
        application = store.npq_applications[declaration.profile_id]
        first, second = _given(delivery_partner_id), _given(secondary_delivery_partner_id)
        errors = Errors()
        if first is None or first not in store.delivery_partners:
            errors.add("delivery_partner", not_confirmed(PRIMARY))
        if second is not None and second not in store.delivery_partners:
            errors.add("secondary_delivery_partner", not_confirmed(SECONDARY))
        errors.merge(partner_rule_errors(store, provider.id, application, first, second))
        errors.raise_any()
        declaration.delivery_partner_id, declaration.secondary_delivery_partner_id = first, second
        touch(now, declaration)
        return declaration
