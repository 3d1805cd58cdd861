"""What the standalone NPQ service records beyond the ECF service's NPQ data (npq.md §5, §6.2): its
own delivery partnerships per provider and cohort, delivery partners on declarations, rejection
reasons, SENCO answers, previous names, and an application DfE moved to another provider.

Runs last, on the finished world, from a random source of its own and without drawing ids, so every
record the rest of the seed made keeps its id and values."""

from __future__ import annotations

import random
from datetime import date

from sandbox.domain.declarations.delivery_partners import REQUIRED_FROM, inside_england
from sandbox.domain.world.entities import LeadProvider, NPQApplication
from sandbox.domain.world.npq_registration import move_npq_application, record_npq_delivery_partnership
from sandbox.store import Store

SENCO_ANSWERS = ("yes", "no_but_i_plan_to_become_one", "no_i_do_not_plan_to_be_a_SENCO")
SURNAMES = ("Ashworth", "Bennett", "Okafor", "Patel", "Kowalski", "Murray", "Nguyen", "Evans")


def seed_npq_service(store: Store, seed: int, npq_providers: list[LeadProvider]) -> None:
    rng = random.Random(f"{seed}:npq-service")
    _delivery_partnerships(store, rng, npq_providers)
    _declaration_partners(store, rng)
    _application_answers(store, rng)
    _transferred_application(store, npq_providers)


def _delivery_partnerships(store: Store, rng: random.Random, providers: list[LeadProvider]) -> None:
    """The first NPQ provider works with many delivery partners in every cohort; the others with a few
    in the latest two (npq.md §6.2)."""
    partners = list(store.delivery_partners)
    cohorts = [c.start_year for c in store.reference.cohorts]
    for index, provider in enumerate(providers):
        chosen = partners[:12] if index == 0 else rng.sample(partners, min(4, len(partners)))
        for cohort in cohorts if index == 0 else cohorts[-2:]:
            for partner_id in chosen:
                record_npq_delivery_partnership(
                    store, lead_provider_id=provider.id, delivery_partner_id=partner_id, cohort=cohort
                )


def _declaration_partners(store: Store, rng: random.Random) -> None:
    """Declarations made in England carry one of the maker's partners for the cohort: always from
    2024, about half the time before; some have a secondary partner too."""
    by_cohort: dict[tuple[str, int, str], list[str]] = {}
    for p in sorted(store.npq_delivery_partnerships, key=lambda p: (p.delivery_partner_id, p.cohort)):
        by_cohort.setdefault((p.lead_provider_id, p.cohort, p.cohort_suffix), []).append(
            p.delivery_partner_id
        )
    for declaration in store.declarations.values():
        application = store.npq_applications.get(declaration.profile_id) if declaration.is_npq else None
        if application is None or not inside_england(application):
            continue
        key = (declaration.lead_provider_id, application.cohort, application.cohort_suffix)
        options = by_cohort.get(key, [])
        if not options or (application.cohort < REQUIRED_FROM and rng.random() < 0.5):
            continue
        declaration.delivery_partner_id = rng.choice(options)
        if len(options) > 1 and rng.random() < 0.2:
            declaration.secondary_delivery_partner_id = rng.choice(
                [o for o in options if o != declaration.delivery_partner_id]
            )


def answer_senco(application: NPQApplication, rng: random.Random) -> None:
    """A SENCO applicant says whether they work as one, and since when."""
    if application.course_identifier == "npq-senco":
        application.works_as_senco = rng.choice(SENCO_ANSWERS)
        if application.works_as_senco == "yes":
            application.senco_start_date = date(
                application.cohort - rng.randrange(0, 6), rng.randrange(1, 13), 1
            )


def _application_answers(store: Store, rng: random.Random) -> None:
    for application in store.npq_applications.values():
        answer_senco(application, rng)
        if application.status == "rejected":
            siblings = store.applications_of(application.user_id)
            taken = any(
                o.status == "accepted"
                and o.cohort == application.cohort
                and o.course_identifier == application.course_identifier
                for o in siblings
            )
            application.reason_for_rejection = (
                "other_application_in_this_cohort_accepted" if taken else "rejected_by_provider"
            )
        user = store.users[application.user_id]
        if not user.previous_names and rng.random() < 0.08:
            first = user.full_name.split(" ")[0]
            user.previous_names = (f"{first} {rng.choice(SURNAMES)}",)


def _transferred_application(store: Store, providers: list[LeadProvider]) -> None:
    """The last-made accepted application of the second NPQ provider with declarations moves to the first
    one: the first sees the earlier declarations and may not void them."""
    if len(providers) < 2:
        return
    giver, taker = providers[1], providers[0]
    candidates = [
        a
        for a in store.npq_applications.values()
        if a.lead_provider_id == giver.id
        and a.status == "accepted"
        and any(d.profile_id == a.id for d in store.declarations_of(a.user_id))
    ]
    if candidates:
        moved = candidates[-1]
        move_npq_application(store, application_id=moved.id, lead_provider_id=taker.id, now=moved.updated_at)
