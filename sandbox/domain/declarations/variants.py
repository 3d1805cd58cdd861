"""Which service's submit and void rules a contract names (its `declarations.rules`): both variants
live side by side, and this is the one place that picks between them."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Literal

from sandbox.domain.declarations import npq_rules, npq_void, rect_rules, rect_void, rules, void
from sandbox.domain.declarations.input import DeclarationRequest
from sandbox.domain.declarations.reads import DeclarationScope
from sandbox.domain.world.entities import Declaration, LeadProvider
from sandbox.store import Store

Rules = Literal["manage-cpd", "rect", "npq"]


def submit_declaration(
    store: Store,
    provider: LeadProvider,
    request: DeclarationRequest,
    now: datetime,
    variant: Rules,
    zone: tzinfo,
) -> Declaration:
    if variant == "rect":
        return rect_rules.submit_declaration(store, provider, request, now, zone)
    if variant == "npq":
        return npq_rules.submit_declaration(store, provider, request, now)
    return rules.submit_declaration(store, provider, request, now)


def void_declaration(
    store: Store,
    provider: LeadProvider,
    declaration_id: str,
    now: datetime,
    scope: DeclarationScope,
    variant: Rules,
    zone: tzinfo,
) -> Declaration:
    if variant == "rect":
        return rect_void.void_declaration(store, provider, declaration_id, now, scope, zone)
    if variant == "npq":
        return npq_void.void_declaration(store, provider, declaration_id, now)
    return void.void_declaration(store, provider, declaration_id, now, scope)
