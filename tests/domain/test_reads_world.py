"""Small hand-made worlds for the read-rule tests (tests/domain/test_reads_*.py), built only with the
DfE-side functions (registration, npq_registration, ledger) on an empty Store, so that each test shows
exactly the records its rule reads. The few tests at the bottom check the builder itself.

Every record is stamped by a clock that moves one minute per record, so creation order is time order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sandbox.domain.finance import ledger
from sandbox.domain.world import npq_registration as npq_reg
from sandbox.domain.world import registration as reg
from sandbox.domain.world.entities import (
    Declaration,
    DeliveryPartner,
    ECFProfile,
    InductionRecord,
    LeadProvider,
    NPQApplication,
    NPQProfile,
    Partnership,
    School,
    User,
)
from sandbox.domain.world.reference import ReferenceData
from sandbox.domain.world.stamps import touch_profile
from sandbox.store import Store

START = datetime(2024, 9, 2, 8, 0, tzinfo=UTC)  # records are created from here on, a minute apart
NOW = datetime(2025, 3, 3, 12, 0, tzinfo=UTC)  # the instant reads run at, after every record
_REFERENCE = ReferenceData.load()


@dataclass
class World:
    store: Store = field(default_factory=lambda: Store(reference=_REFERENCE, seed=1))
    clock: datetime = START
    _counter: int = 0

    # -- time -----------------------------------------------------------------------------------

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=1)
        return self.clock

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    # -- organisations --------------------------------------------------------------------------

    def provider(self, name: str | None = None, *, ecf: bool = True, npq: bool = True) -> LeadProvider:
        n = self._next()
        return reg.create_lead_provider(
            self.store,
            name=name or f"Provider {n}",
            token=f"token-{n}",
            has_ecf=ecf,
            has_npq=npq,
            now=self.tick(),
        )

    def delivery_partner(
        self, provider: LeadProvider, *cohorts: int, name: str | None = None
    ) -> DeliveryPartner:
        partner = reg.create_delivery_partner(
            self.store, name=name or f"Partner {self._next()}", now=self.tick()
        )
        for cohort in cohorts or (2024,):
            self.relate(provider, partner, cohort)
        return partner

    def relate(self, provider: LeadProvider, partner: DeliveryPartner, cohort: int) -> None:
        reg.add_provider_relationship(
            self.store, lead_provider_id=provider.id, delivery_partner_id=partner.id, cohort=cohort
        )

    def school(self, *, eligible: bool = True, cip_only: bool = False, urn: str | None = None) -> School:
        n = self._next()
        return reg.create_school(
            self.store,
            name=f"School {n}",
            urn=urn or f"{100000 + n}",
            now=self.tick(),
            eligible=eligible,
            cip_only=cip_only,
        )

    def partnership(
        self,
        provider: LeadProvider,
        school: School | None = None,
        *,
        cohort: int = 2024,
        partner: DeliveryPartner | None = None,
        relationship: bool = False,
    ) -> Partnership:
        school = school or self.school()
        if partner is None:
            partner = self.delivery_partner(provider, cohort)
        elif not any(
            r.lead_provider_id == provider.id and r.delivery_partner_id == partner.id and r.cohort == cohort
            for r in self.store.provider_relationships
        ):
            self.relate(provider, partner, cohort)
        return reg.add_partnership(
            self.store,
            lead_provider_id=provider.id,
            school_id=school.id,
            delivery_partner_id=partner.id,
            cohort=cohort,
            now=self.tick(),
            relationship=relationship,
        )

    def challenge(self, partnership: Partnership, reason: str = "mistake") -> Partnership:
        return reg.record_challenge(self.store, partnership_id=partnership.id, reason=reason, now=self.tick())

    # -- people ---------------------------------------------------------------------------------

    def user(self, *, trn: str | None = "1234567", email: str | None = None) -> User:
        n = self._next()
        return reg.create_user(
            self.store,
            full_name=f"Person {n}",
            email=email or f"person{n}@example.com",
            teacher_reference_number=trn,
            now=self.tick(),
        )

    def ect(
        self,
        partnership: Partnership,
        *,
        user: User | None = None,
        mentor: ECFProfile | None = None,
        start_date: datetime | None = None,
        preferred_email: str | None = None,
    ) -> tuple[User, ECFProfile, InductionRecord]:
        return self._participant("ect", partnership, user, mentor, start_date, preferred_email)

    def mentor(
        self,
        partnership: Partnership,
        *,
        user: User | None = None,
        start_date: datetime | None = None,
        preferred_email: str | None = None,
    ) -> tuple[User, ECFProfile, InductionRecord]:
        return self._participant("mentor", partnership, user, None, start_date, preferred_email)

    def _participant(
        self,
        kind: str,
        partnership: Partnership,
        user: User | None,
        mentor: ECFProfile | None,
        start_date: datetime | None,
        preferred_email: str | None,
    ) -> tuple[User, ECFProfile, InductionRecord]:
        user = user or self.user()
        now = self.tick()
        profile, record = reg.record_registration(
            self.store,
            user_id=user.id,
            participant_type=kind,
            partnership_id=partnership.id,
            now=now,
            start_date=start_date or now,
            mentor_profile_id=mentor.id if mentor else None,
            preferred_email=preferred_email,
        )
        return user, profile, record

    def add_record(
        self,
        profile: ECFProfile,
        partnership: Partnership,
        *,
        start_date: datetime,
        end_date: datetime | None = None,
        induction_status: str = "active",
        training_status: str = "active",
        school_transfer: bool = False,
        mentor: ECFProfile | None = None,
        preferred_email: str | None = None,
    ) -> InductionRecord:
        """A record placed by hand, for orderings the school-side events do not produce on their own."""
        now = self.tick()
        record = self.store.add_induction_record(
            InductionRecord(
                self.store.new_id(),
                profile.id,
                partnership.id,
                profile.schedule_identifier,
                profile.cohort,
                training_status,
                induction_status,
                start_date,
                now,
                now,
                end_date=end_date,
                mentor_profile_id=mentor.id if mentor else None,
                school_transfer=school_transfer,
                preferred_email=preferred_email,
            )
        )
        touch_profile(self.store, profile, now, record)
        return record

    def transfer(
        self,
        profile: ECFProfile,
        *,
        leaving_date: datetime,
        to: Partnership | None = None,
        joining_date: datetime | None = None,
    ) -> tuple[InductionRecord, InductionRecord | None]:
        return reg.record_school_transfer(
            self.store,
            profile_id=profile.id,
            leaving_date=leaving_date,
            now=self.tick(),
            to_partnership_id=to.id if to else None,
            joining_date=joining_date,
        )

    def training_status(
        self, profile: ECFProfile | NPQProfile, provider: LeadProvider, state: str, reason: str | None = None
    ):
        return reg.record_training_status(
            self.store,
            profile_id=profile.id,
            lead_provider_id=provider.id,
            state=state,
            reason=reason,
            now=self.tick(),
        )

    # -- money ----------------------------------------------------------------------------------

    def statements(self, provider: LeadProvider, as_of: datetime = NOW) -> None:
        ledger.create_statements(self.store, lead_provider_id=provider.id, as_of=as_of)

    def declaration(
        self,
        profile: ECFProfile | NPQProfile,
        provider: LeadProvider,
        *,
        declaration_type: str = "started",
        state: str = "submitted",
        declaration_date: datetime | None = None,
        **extra,
    ) -> Declaration:
        now = self.tick()
        return ledger.record_declaration(
            self.store,
            profile_id=profile.id,
            lead_provider_id=provider.id,
            declaration_type=declaration_type,
            declaration_date=declaration_date or now,
            state=state,
            now=now,
            **extra,
        )

    def outcome(self, declaration: Declaration, state: str, completion_date: date = date(2025, 1, 15)):
        return ledger.record_npq_outcome(
            self.store,
            declaration_id=declaration.id,
            state=state,
            completion_date=completion_date,
            now=self.tick(),
        )

    # -- NPQ ------------------------------------------------------------------------------------

    def application(
        self,
        provider: LeadProvider,
        *,
        user: User | None = None,
        course: str = "npq-headship",
        cohort: int = 2024,
        **details,
    ) -> NPQApplication:
        user = user or self.user()
        return npq_reg.create_npq_application(
            self.store,
            user_id=user.id,
            lead_provider_id=provider.id,
            course_identifier=course,
            cohort=cohort,
            now=self.tick(),
            details=details,
        )

    def accept(self, application: NPQApplication, schedule: str | None = None) -> NPQProfile:
        family = self.store.reference.npq_family(application.course_identifier)
        default = {"leadership": "npq-leadership-autumn", "specialist": "npq-specialist-autumn"}
        schedule = schedule or default.get(family, f"npq-{family}-november")
        return npq_reg.accept_npq_application(
            self.store, application_id=application.id, schedule_identifier=schedule, now=self.tick()
        )


# -- the builder itself -----------------------------------------------------------------------------


def test_records_are_stamped_a_minute_apart_in_creation_order():
    world = World()
    provider = world.provider()
    _, profile, record = world.ect(world.partnership(provider))
    assert provider.created_at < profile.created_at
    assert record.start_date == record.created_at
    assert world.clock < NOW


def test_an_npq_application_accepts_onto_its_family_schedule():
    world = World()
    provider = world.provider()
    profile = world.accept(world.application(provider, course="npq-leading-literacy"))
    assert profile.schedule_identifier == "npq-specialist-autumn"
    assert world.store.npq_applications[profile.id].status == "accepted"
