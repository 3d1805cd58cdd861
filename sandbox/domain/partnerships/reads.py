"""Reading partnerships, schools and delivery partners (v3)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from itertools import islice

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since, SortKey, in_creation_order, sort_records
from sandbox.domain.participants.training_periods import ongoing_on
from sandbox.domain.partnerships.ordered import (
    partnership_updated_at,
    partnerships_in_order,
    school_updated_at,
    schools_in_order,
)
from sandbox.domain.world.entities import (
    DeliveryPartner,
    LeadProvider,
    NPQDeliveryPartnership,
    Partnership,
    ProviderRelationship,
    School,
)
from sandbox.store import Store

PARTNERSHIP_COLUMNS = {
    "created_at": lambda p: p.created_at,
    "updated_at": lambda p: p.updated_at,
    "id": lambda p: p.id,
    "cohort": lambda p: p.cohort,
}
SCHOOL_COLUMNS = {
    "created_at": lambda s: s.created_at,
    "updated_at": lambda s: s.updated_at,
    "name": lambda s: s.name,
    "urn": lambda s: s.urn,
    "id": lambda s: s.id,
}
DELIVERY_PARTNER_COLUMNS = SCHOOL_COLUMNS


# -- partnerships ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnershipFilter:
    cohorts: list[int] | None = None
    delivery_partner_ids: list[str] | None = None
    updated_since: datetime | None = None


@dataclass(frozen=True)
class PartnershipView:
    partnership: Partnership
    school: School
    delivery_partner: DeliveryPartner
    updated_at: datetime
    participants_currently_training: int = 0

    @property
    def status(self) -> str:
        return "challenged" if self.partnership.challenged else "active"


def partnership_view(
    store: Store, partnership: Partnership, today: date | None = None, zone: tzinfo = UTC
) -> PartnershipView:
    """With `today` (a day in `zone`), how many of the partnership's ECTs and mentors train on that day
    (RECT shows it); views no contract shows it from leave it at 0."""
    return PartnershipView(
        partnership,
        school=store.schools[partnership.school_id],
        delivery_partner=store.delivery_partners[partnership.delivery_partner_id],
        updated_at=partnership_updated_at(store, partnership),
        participants_currently_training=0 if today is None else _training_on(store, partnership, today, zone),
    )


def _training_on(store: Store, partnership: Partnership, today: date, zone: tzinfo) -> int:
    """Records in training whose training period holds `today`, both ends included, on the days of
    `zone` (`ongoing_on`, as RECT's ranges count). A withdrawn, deferred, completed or superseded record
    has ended its training period."""
    return sum(
        r.training_status == "active"
        and r.induction_status in ("active", "leaving")
        and ongoing_on(r, today, zone)
        for r in store.records_on(partnership.id)
    )


def list_partnerships(
    store: Store, provider: LeadProvider, flt: PartnershipFilter, sort: Sequence[SortKey] = ()
) -> list[Partnership]:
    return list(iter_partnerships(store, provider, flt, sort))


def iter_partnerships(
    store: Store, provider: LeadProvider, flt: PartnershipFilter, sort: Sequence[SortKey] = ()
) -> Iterator[Partnership]:
    """`list_partnerships`, lazily in the default order: a reader stopping at its page's end reads no
    further (the earlier pages cost a check each, no view)."""
    since = Since(flt.updated_since, strict=False) if flt.updated_since else None
    listed = (
        p
        for p in partnerships_in_order(store, provider.id, since)
        if not p.relationship
        and (flt.cohorts is None or p.cohort in flt.cohorts)
        and (flt.delivery_partner_ids is None or p.delivery_partner_id in flt.delivery_partner_ids)
    )
    if in_creation_order(sort):
        return listed
    return iter(sort_records(listed, sort, PARTNERSHIP_COLUMNS))


def get_partnership(store: Store, provider: LeadProvider, partnership_id: str) -> Partnership:
    partnership = store.partnerships.get(partnership_id)
    if partnership is None or partnership.lead_provider_id != provider.id or partnership.relationship:
        raise NotFound(partnership_id)
    return partnership


# -- schools --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolView:
    school: School
    cohort: int
    in_partnership: bool
    induction_programme_choice: str
    updated_at: datetime
    expression_of_interest: bool = False
    # RECT names the school's induction tutor only to a provider the school expressed interest in.
    induction_tutor_name: str | None = None
    induction_tutor_email: str | None = None


@dataclass(frozen=True)
class SchoolFilter:
    cohort: int | None
    urn: str | None = None
    updated_since: datetime | None = None
    # The provider asking, for what only it sees (RECT's `expression_of_interest`); None: nobody's.
    lead_provider_id: str | None = None


def _partners(partnership: Partnership, cohort: int, confirmed_only: bool) -> bool:
    """An unchallenged partnership in the cohort. Listing needs a confirmed one; `in_partnership`
    counts relationship partnerships too, as upstream's `School#partnered?` does."""
    p = partnership
    return p.cohort == cohort and not p.challenged and not (confirmed_only and p.relationship)


def _partnered(store: Store, school_id: str, cohort: int, confirmed_only: bool) -> bool:
    """Whether the school has such a partnership in the cohort (its own partnerships, not the world's)."""
    return any(_partners(p, cohort, confirmed_only) for p in store.partnerships_at(school_id))


def expression_of_interest(store: Store, provider_id: str, school_id: str, cohort: int) -> bool:
    """The school chose this provider for the year: it registered someone with an expression of
    interest in it, or someone trains (or trained) under one of the provider's partnerships there, in
    any state. An empty partnership does not count (rect.md §5.4)."""
    if any(
        i.lead_provider_id == provider_id and i.cohort == cohort for i in store.interest_periods_at(school_id)
    ):
        return True
    return any(
        p.lead_provider_id == provider_id and p.cohort == cohort and next(store.records_on(p.id), None)
        for p in store.partnerships_at(school_id)
    )


def _school_view(store: Store, school: School, cohort: int, provider_id: str | None = None) -> SchoolView:
    school_cohort = store.school_cohorts.get((school.id, cohort))
    interest = provider_id is not None and expression_of_interest(store, provider_id, school.id, cohort)
    return SchoolView(
        school=school,
        cohort=cohort,
        in_partnership=_partnered(store, school.id, cohort, False),
        induction_programme_choice=(
            school_cohort.induction_programme_choice if school_cohort else "not_yet_known"
        ),
        updated_at=school_updated_at(store, school, cohort),
        expression_of_interest=interest,
        induction_tutor_name=school.induction_tutor_name if interest else None,
        induction_tutor_email=school.induction_tutor_email if interest else None,
    )


def _listable(store: Store, school: School, cohort: int) -> bool:
    return (school.eligible and not school.cip_only) or _partnered(store, school.id, cohort, True)


def list_schools(store: Store, flt: SchoolFilter, sort: Sequence[SortKey] = ()) -> list[SchoolView]:
    """Schools a provider could partner with in a cohort; not scoped to the provider."""
    return list(iter_schools(store, flt, sort))


def iter_schools(
    store: Store, flt: SchoolFilter, sort: Sequence[SortKey] = (), skip: int = 0
) -> Iterator[SchoolView]:
    """`list_schools` after its first `skip` schools, lazily in the default order: a school's
    partnerships are read only when the list reaches it, and views are built only for those a reader
    takes (the earlier pages cost a check each)."""
    cohort = flt.cohort
    if cohort is None or not store.reference.knows_year(cohort):
        return iter(())
    since = Since(flt.updated_since, strict=False) if flt.updated_since else None
    if flt.urn is not None:  # a URN names one school
        school = store.school_with_urn(flt.urn)
        schools: Iterable[School] = [
            s
            for s in [school]
            if s is not None and (since is None or since.admits(school_updated_at(store, s, cohort)))
        ]
    else:
        schools = schools_in_order(store, cohort, since)
    listed = (s for s in schools if _listable(store, s, cohort))
    if in_creation_order(sort):
        return (
            _school_view(store, s, cohort, flt.lead_provider_id)
            for s in islice(listed, min(skip, sys.maxsize), None)
        )
    columns = {name: (lambda v, g=getter: g(v.school)) for name, getter in SCHOOL_COLUMNS.items()}
    columns["updated_at"] = lambda v: v.updated_at
    views = sort_records(
        (_school_view(store, s, cohort, flt.lead_provider_id) for s in listed), sort, columns
    )
    return iter(views[skip:])


def get_school(store: Store, school_id: str, flt: SchoolFilter) -> SchoolView:
    """One school, found only where the list with the same filter would show it."""
    school = store.schools.get(school_id)
    if school is None or flt.cohort is None or not store.reference.knows_year(flt.cohort):
        raise NotFound(school_id)
    view = _school_view(store, school, flt.cohort, flt.lead_provider_id)
    since = Since(flt.updated_since, strict=False) if flt.updated_since else None
    if (
        not _listable(store, school, flt.cohort)
        or (flt.urn is not None and school.urn != flt.urn)
        or (since is not None and not since.admits(view.updated_at))
    ):
        raise NotFound(school_id)
    return view


# -- delivery partners ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryPartnerView:
    delivery_partner: DeliveryPartner
    cohorts: list[int]


def _relationships(store: Store, rules: str) -> Iterable[ProviderRelationship | NPQDeliveryPartnership]:
    """Which records make a delivery partner the provider's: the ECF service's school-partnership
    relationships, or the NPQ service's own delivery partnerships (one per exact cohort)."""
    return store.npq_delivery_partnerships if rules == "npq-service" else store.provider_relationships


def _cohorts_with(store: Store, provider: LeadProvider, delivery_partner_id: str, rules: str) -> list[int]:
    return sorted(
        {
            r.cohort
            for r in _relationships(store, rules)
            if r.lead_provider_id == provider.id and r.delivery_partner_id == delivery_partner_id
        }
    )


def list_delivery_partners(
    store: Store,
    provider: LeadProvider,
    cohorts: list[int] | None,
    sort: Sequence[SortKey] = (),
    rules: str = "ecf-service",
) -> list[DeliveryPartnerView]:
    if rules == "npq-service" and cohorts:
        cohorts = cohorts[:1]  # the NPQ service reads `filter[cohort]` as one integer
    ids = {
        r.delivery_partner_id
        for r in _relationships(store, rules)
        if r.lead_provider_id == provider.id and (cohorts is None or r.cohort in cohorts)
    }
    views = [
        DeliveryPartnerView(store.delivery_partners[i], _cohorts_with(store, provider, i, rules)) for i in ids
    ]
    columns = {
        name: (lambda v, g=getter: g(v.delivery_partner)) for name, getter in DELIVERY_PARTNER_COLUMNS.items()
    }
    default = [SortKey("name")] if rules == "npq-service" else [SortKey("created_at")]
    return sort_records(views, sort or [*default, SortKey("id")], columns)


def get_delivery_partner(
    store: Store, provider: LeadProvider, delivery_partner_id: str, rules: str = "ecf-service"
) -> DeliveryPartnerView:
    delivery_partner = store.delivery_partners.get(delivery_partner_id)
    cohorts = _cohorts_with(store, provider, delivery_partner_id, rules) if delivery_partner else []
    if not cohorts:
        raise NotFound(delivery_partner_id)
    return DeliveryPartnerView(delivery_partner, cohorts)
