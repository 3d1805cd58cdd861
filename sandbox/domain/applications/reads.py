"""Reading NPQ applications as a lead provider sees them, with the funding worked out from the world."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from sandbox.domain.errors import NotFound
from sandbox.domain.listing import Since, SortKey, as_since, in_creation_order, sort_records
from sandbox.domain.world.entities import LeadProvider, NPQApplication, User
from sandbox.store import Hidden, Store, contains, creation_order, entry_of, position, settle

# The additional support offer and the early headship coaching offer count as one course when
# deciding whether a person was already accepted or funded.
SAME_COURSE = {"npq-additional-support-offer": "npq-early-headship-coaching-offer"}


def course_family_key(course_identifier: str) -> str:
    return SAME_COURSE.get(course_identifier, course_identifier)


def previously_funded(store: Store, application: NPQApplication) -> bool:
    key = course_family_key(application.course_identifier)
    return any(
        other.id != application.id
        and other.status == "accepted"
        and course_family_key(other.course_identifier) == key
        and other.eligible_for_funding
        and other.funded_place in (None, True)
        for other in store.applications_of(application.user_id)
    )


def eligible_for_funding(store: Store, application: NPQApplication) -> bool:
    """Eligible unless funded before, which DfE's "funded by policy" marking overrides (the reason still
    says `previously-funded`)."""
    return application.eligible_for_funding and (
        application.funded_by_policy or not previously_funded(store, application)
    )


def ineligible_for_funding_reason(store: Store, application: NPQApplication) -> str | None:
    """Derived as upstream derives it: previously funded first, then any ineligible application
    has a reason (the recorded one, else `establishment-ineligible`), an eligible one none."""
    if previously_funded(store, application):
        return "previously-funded"
    if application.eligible_for_funding:
        return None
    return application.ineligible_for_funding_reason or "establishment-ineligible"


def application_updated_at(store: Store, application: NPQApplication) -> datetime:
    stamps = [application.updated_at, store.users[application.user_id].updated_at]
    profile = store.npq_profiles.get(application.id)
    if profile is not None:
        stamps.append(profile.updated_at)
    return max(stamps)


# -- applications ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ApplicationView:
    """An application with its applicant and the funding and dates worked out from the world."""

    application: NPQApplication
    user: User
    eligible_for_funding: bool
    ineligible_for_funding_reason: str | None
    updated_at: datetime


def application_view(store: Store, application: NPQApplication) -> ApplicationView:
    return ApplicationView(
        application,
        user=store.users[application.user_id],
        eligible_for_funding=eligible_for_funding(store, application),
        ineligible_for_funding_reason=ineligible_for_funding_reason(store, application),
        updated_at=application_updated_at(store, application),
    )


@dataclass(frozen=True)
class ApplicationFilter:
    cohorts: list[int] | None = None
    updated_since: Since | datetime | None = None  # a datetime is compared strictly (after it)
    participant_id: str | None = None
    participant_ids: list[str] | None = None


APPLICATION_COLUMNS = {
    "created_at": lambda a: a.created_at,
    "updated_at": lambda a: a.updated_at,
    "id": lambda a: a.id,
    "course_identifier": lambda a: a.course_identifier,
    "status": lambda a: a.status,
}


def _provider_applications(
    store: Store, provider: LeadProvider, flt: ApplicationFilter
) -> list[NPQApplication]:
    """The provider's applications (one participant's, when filtered so) in the store's own order."""
    if flt.participant_id is not None:
        mine = [a for a in store.applications_of(flt.participant_id) if a.lead_provider_id == provider.id]
    else:
        entries = store.ordered("applications_by_provider", provider.id)
        # An application DfE moved away keeps its old entry: whose it is now decides.
        mine = [a for e in entries if (a := store.npq_applications[e[2]]).lead_provider_id == provider.id]
    return sorted(mine, key=creation_order)


def list_applications(
    store: Store, provider: LeadProvider, flt: ApplicationFilter, sort: Sequence[SortKey] = ()
) -> list[NPQApplication]:
    result = [a for a in _provider_applications(store, provider, flt) if _matches(store, a, flt)]
    return sort_records(result, sort or [SortKey("created_at")], APPLICATION_COLUMNS)


def iter_applications(
    store: Store,
    provider: LeadProvider,
    flt: ApplicationFilter,
    sort: Sequence[SortKey] = (),
    skip: int = 0,
) -> Iterator[NPQApplication]:
    """`list_applications` after its first `skip`, lazily in the default order: straight from the
    provider's index, so a page reads only as far as its end. Unfiltered, the skipped applications cost
    a position lookup (the index's entries the provider cannot list are found once per reset); filtered,
    a cheap check each."""
    if flt.participant_id is not None or not in_creation_order(sort):
        return iter(list_applications(store, provider, flt, sort)[skip:])
    index = store.ordered("applications_by_provider", provider.id)
    entries: Iterable[tuple] = index
    since = as_since(flt.updated_since, strict=True)
    if since is not None:
        entries = _polled(store, provider, since)
    elif skip and flt.cohorts is None and flt.participant_ids is None:
        hidden = hidden_applications(store, provider)
        at = position(index, hidden, skip)
        entries = hidden.visible(index, at)
        skip = 0
    found = (
        a
        for e in entries
        if (a := store.npq_applications[e[2]]).lead_provider_id == provider.id and _matches(store, a, flt)
    )
    return islice(found, skip, None)


def hidden_applications(store: Store, provider: LeadProvider) -> Hidden:
    """The entries of the provider's application index it cannot list (applications DfE moved to
    another provider): found once per reset, then re-checking only applications changed since the
    seal (a move restamps the application)."""
    index = store.ordered("applications_by_provider", provider.id)

    def hidden(entry: tuple) -> bool:
        application = store.npq_applications.get(entry[2])
        return application is None or application.lead_provider_id != provider.id

    known = store.derived(("npq applications hidden", provider.id), lambda: [e for e in index if hidden(e)])
    changed = [
        entry
        for record_id in store.restamped
        if (a := store.npq_applications.get(record_id)) is not None and contains(index, entry := entry_of(a))
    ]
    return settle(known, changed, hidden)


def _polled(store: Store, provider: LeadProvider, since: Since) -> list[tuple]:
    """The entries of the provider's applications that `since` may admit: an application's stamp is
    the latest of its own, its applicant's and its training profile's (which shares its id)."""

    def stamp(entry: tuple) -> datetime | None:
        application = store.npq_applications.get(entry[2])
        if application is None or application.user_id not in store.users:
            return None
        return application_updated_at(store, application)

    def sources(entry: tuple) -> tuple[str, ...]:
        application = store.npq_applications.get(entry[2])
        return (entry[2],) if application is None else (entry[2], application.user_id)

    def reached(record_id: str) -> list[tuple]:
        applications = store.applications_of(record_id)  # a user's
        if (application := store.npq_applications.get(record_id)) is not None:
            applications.append(application)
        return [entry_of(a) for a in applications]

    return store.polled("applications_by_provider", provider.id, since, stamp, sources, reached)


def _matches(store: Store, application: NPQApplication, flt: ApplicationFilter) -> bool:
    a, since = application, as_since(flt.updated_since, strict=True)
    return (
        (flt.cohorts is None or a.cohort in flt.cohorts)
        and (flt.participant_id is None or a.user_id == flt.participant_id)
        and (flt.participant_ids is None or a.user_id in flt.participant_ids)
        and (since is None or since.admits(application_updated_at(store, a)))
    )


def get_application(store: Store, provider: LeadProvider, application_id: str) -> NPQApplication:
    application = store.npq_applications.get(application_id)
    if application is None or application.lead_provider_id != provider.id:
        raise NotFound(application_id)
    return application
