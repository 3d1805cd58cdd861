"""Reading participant declarations as a lead provider sees them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from sandbox.domain.declarations.states import BILLABLE_OR_CHANGEABLE, PAID_OR_REFUNDABLE
from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since
from sandbox.domain.world.entities import Declaration, LeadProvider
from sandbox.store import Hidden, Store, contains, creation_order, position, settle

NO_UPLIFT_COURSES = ("npq-additional-support-offer", "npq-early-headship-coaching-offer")


@dataclass(frozen=True)
class DeclarationFilter:
    participant_ids: list[str] | None = None
    cohorts: list[int] | None = None
    delivery_partner_ids: list[str] | None = None
    updated_since: Since | None = None


@dataclass(frozen=True)
class DeclarationScope:
    """Which declarations exist for a service. RECT serves only the ECF side, and its data migration
    deleted the declarations ECF1 had left `ineligible` (RECT has no such state), so through it they are
    not found at all: not listed, not shown, not voidable."""

    side: Literal["any", "ecf", "npq"] = "any"
    hidden_states: tuple[str, ...] = ()
    # The NPQ service shows every declaration on an application now with the provider, in any state,
    # whoever made it (an application DfE moved from another provider brings its history).
    on_own_applications: bool = False

    def holds(self, declaration: Declaration) -> bool:
        if self.side != "any" and declaration.is_npq != (self.side == "npq"):
            return False
        return declaration.state not in self.hidden_states


EVERY_DECLARATION = DeclarationScope()
NPQ_SERVICE_DECLARATIONS = DeclarationScope(side="npq", on_own_applications=True)


def _transferred_in(store: Store, provider: LeadProvider, declaration: Declaration) -> bool:
    """Another provider's billable declaration on a participant now actively training with us.
    Upstream joins the provider's partnerships without looking at challenges, so a challenged
    partnership's active record counts too."""
    if declaration.is_npq or declaration.state not in BILLABLE_OR_CHANGEABLE:
        return False
    return any(
        r.induction_status == "active"
        and store.partnerships[r.partnership_id].lead_provider_id == provider.id
        for r in store.records_of(declaration.profile_id)
    )


def _on_own_application(store: Store, provider: LeadProvider, declaration: Declaration) -> bool:
    application = store.npq_applications.get(declaration.profile_id) if declaration.is_npq else None
    return application is not None and application.lead_provider_id == provider.id


def visible_to(
    store: Store,
    provider: LeadProvider,
    declaration: Declaration,
    scope: DeclarationScope = EVERY_DECLARATION,
) -> bool:
    if declaration.lead_provider_id == provider.id:
        return True
    if scope.on_own_applications:
        return _on_own_application(store, provider, declaration)
    return _transferred_in(store, provider, declaration)


def list_declarations(
    store: Store, provider: LeadProvider, flt: DeclarationFilter, scope: DeclarationScope = EVERY_DECLARATION
) -> list[Declaration]:
    return list(iter_declarations(store, provider, flt, scope))


def iter_declarations(
    store: Store,
    provider: LeadProvider,
    flt: DeclarationFilter,
    scope: DeclarationScope = EVERY_DECLARATION,
    skip: int = 0,
) -> Iterator[Declaration]:
    """Oldest first, from the provider's maintained index (its own declarations and those on
    profiles it has records on); lazily, so a page reads only as far as its end. A poll reads only the
    declarations stamped since it. `scope` is which declarations the contract has at all."""
    if flt.participant_ids is not None:
        ids = dict.fromkeys(d for u in flt.participant_ids for d in store.declarations_by_user.get(u, ()))
        candidates = sorted(
            (store.declarations[d] for d in ids), key=lambda d: (d.created_at, creation_order(d))
        )
    elif flt.updated_since is not None:
        entries = store.stamped_since(
            "declarations_by_provider", provider.id, flt.updated_since.at, flt.updated_since.strict
        )
        candidates = (store.declarations[e[2]] for e in entries)
    else:
        entries = store.ordered("declarations_by_provider", provider.id)
        if skip and flt == DeclarationFilter():
            entries = entries[position(entries, _hidden(store, provider, scope), skip) :]
            skip = 0
        candidates = (store.declarations[e[2]] for e in entries)
    for declaration in candidates:
        if not scope.holds(declaration):
            continue
        if flt.participant_ids is not None and declaration.user_id not in flt.participant_ids:
            continue
        if flt.cohorts is not None and declaration.cohort not in flt.cohorts:
            continue
        if (
            flt.delivery_partner_ids is not None
            and declaration.delivery_partner_id not in flt.delivery_partner_ids
        ):
            continue
        if flt.updated_since is not None and not flt.updated_since.admits(declaration.updated_at):
            continue
        if not visible_to(store, provider, declaration, scope):
            continue
        if skip:
            skip -= 1
            continue
        yield declaration


def _hidden(store: Store, provider: LeadProvider, scope: DeclarationScope) -> Hidden:
    """The entries of the provider's declaration index it cannot list under `scope`: found once per
    reset, then re-checking only the declarations changed since the seal and those of users whose
    records changed (a transfer decides whether another provider's declaration shows)."""
    index = store.ordered("declarations_by_provider", provider.id)

    def hidden(entry: tuple) -> bool:
        declaration = store.declarations[entry[2]]
        return not (scope.holds(declaration) and visible_to(store, provider, declaration, scope))

    known = store.derived(
        ("declarations hidden", provider.id, scope), lambda: [e for e in index if hidden(e)]
    )
    changed = [_entry(store.declarations[i]) for i in store.restamped if i in store.declarations]
    for user_entry in store.unsettled_users.values():
        changed.extend(_entry(d) for d in store.declarations_of(user_entry[2]))
    return settle(known, [e for e in changed if contains(index, e)], hidden)


def _entry(declaration: Declaration) -> tuple:
    return (declaration.created_at, creation_order(declaration), declaration.id)


def get_declaration(
    store: Store, provider: LeadProvider, declaration_id: str, scope: DeclarationScope = EVERY_DECLARATION
) -> Declaration:
    declaration = store.declarations.get(declaration_id)
    if (
        declaration is None
        or not scope.holds(declaration)
        or not visible_to(store, provider, declaration, scope)
    ):
        raise NotFound(declaration_id)
    return declaration


def has_passed(store: Store, declaration: Declaration) -> bool | None:
    """NPQ: whether the latest outcome is a pass; null with no outcome or a voided one, and for ECF."""
    if not declaration.is_npq:
        return None
    outcomes = store.outcomes_of(declaration.id)
    if not outcomes:
        return None
    # Outcomes recorded in the same instant (a fixed clock): the one recorded last wins.
    latest = max(reversed(outcomes), key=lambda o: o.created_at)
    return {"passed": True, "failed": False}.get(latest.state)


def uplift_paid(store: Store, declaration: Declaration) -> bool:
    if declaration.declaration_type != "started" or declaration.state not in PAID_OR_REFUNDABLE:
        return False
    if not declaration.is_npq:
        return declaration.course_identifier == "ecf-induction" and (
            declaration.sparsity_uplift or declaration.pupil_premium_uplift
        )
    if declaration.course_identifier in NO_UPLIFT_COURSES:
        return False
    application = store.npq_applications.get(declaration.profile_id)
    return bool(application and application.targeted_delivery_funding_eligibility)


def lead_provider_name(store: Store, declaration: Declaration) -> str:
    return store.lead_providers[declaration.lead_provider_id].name


def declaration_mentor_id(declaration: Declaration) -> str | None:
    return declaration.mentor_user_id if declaration.course_identifier == "ecf-induction" else None


@dataclass(frozen=True)
class DeclarationView:
    """A declaration with everything a response shows about it, worked out from the world."""

    declaration: Declaration
    has_passed: bool | None
    uplift_paid: bool
    lead_provider_name: str
    rules: str = "ecf-service"  # the ECF service never showed a delivery partner on an NPQ declaration
    delivery_partner_name: str | None = None
    secondary_delivery_partner_name: str | None = None

    @property
    def mentor_id(self) -> str | None:
        return declaration_mentor_id(self.declaration)

    @property
    def eligible_for_payment(self) -> bool:
        return self.declaration.state in ("eligible", "payable")

    @property
    def voided(self) -> bool:
        return self.declaration.state == "voided"

    @property
    def ineligible_for_funding_reason(self) -> str | None:
        # Upstream reads the reason off the ineligible state: once voided, there is none.
        d = self.declaration
        return d.ineligible_for_funding_reason if d.state == "ineligible" else None

    @property
    def delivery_partner_id(self) -> str | None:
        hidden = self.declaration.is_npq and self.rules != "npq-service"
        return None if hidden else self.declaration.delivery_partner_id

    @property
    def evidence_held(self) -> str | None:
        return None if self.declaration.is_npq else self.declaration.evidence_held


def declaration_view(store: Store, declaration: Declaration, rules: str = "ecf-service") -> DeclarationView:
    return DeclarationView(
        declaration,
        has_passed=has_passed(store, declaration),
        uplift_paid=uplift_paid(store, declaration),
        lead_provider_name=lead_provider_name(store, declaration),
        rules=rules,
        delivery_partner_name=_partner_name(store, declaration.delivery_partner_id),
        secondary_delivery_partner_name=_partner_name(store, declaration.secondary_delivery_partner_id),
    )


def _partner_name(store: Store, delivery_partner_id: str | None) -> str | None:
    partner = store.delivery_partners.get(delivery_partner_id) if delivery_partner_id else None
    return partner.name if partner else None
