"""People behind an expression of interest and schools' induction tutors, read through /rect/api/v3 with
a provider's token (rect.md §5.1, §5.3, §5.4, §6.4, §7.2): the scenarios of `seed.rect_interest`, and
what creating the partnership does to the people waiting for it."""

from __future__ import annotations

import pytest

from sandbox.seed.rect_scenarios import trn, urn
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"
pytestmark = pytest.mark.usefixtures("restores_world")


def get(client, provider, path: str, **params) -> dict:
    response = client.get(BASE + path, headers=bearer(provider), params=params)
    validate_exchange("rect", response)
    assert response.status_code == 200, response.text
    return response.json()


def school(client, provider, key: str, year: int) -> dict:
    found = get(client, provider, "/schools", **{"filter[cohort]": str(year), "filter[urn]": key})["data"]
    assert len(found) == 1, key
    return found[0]


def people_at(client, provider, key: str, year: int) -> list[dict]:
    """(person, enrolment) of the provider's participants of `year` whose enrolment is at the school."""
    listed = get(client, provider, "/participants", **{"filter[cohort]": str(year), "page[per_page]": 3000})
    return [
        {"person": p, "enrolment": e}
        for p in listed["data"]
        for e in p["attributes"]["ecf_enrolments"]
        if e["school_urn"] == key
    ]


def trns(client, provider, year: int) -> set[str]:
    listed = get(client, provider, "/participants", **{"filter[cohort]": str(year), "page[per_page]": 3000})
    return {p["attributes"]["teacher_reference_number"] for p in listed["data"]}


def dp_of(client, provider, year: int) -> str:
    partners = get(client, provider, "/delivery-partners", **{"filter[cohort]": str(year)})["data"]
    return partners[0]["id"]


def partner_with(client, provider, school_id: str, year: int):
    body = {
        "data": {
            "type": "partnership",
            "attributes": {
                "cohort": str(year),
                "school_id": school_id,
                "delivery_partner_id": dp_of(client, provider, year),
            },
        }
    }
    response = client.post(f"{BASE}/partnerships", json=body, headers=bearer(provider))
    validate_exchange("rect", response)
    return response


def test_a_school_with_interest_and_no_partnership_shows_it_and_its_tutor_to_the_chosen_provider(
    client, first, second, state
):
    key = urn(0, 17, 1)
    chosen = school(client, first, key, 2025)["attributes"]
    tutor = state.store.school_with_urn(key)
    assert (chosen["in_partnership"], chosen["expression_of_interest"]) == (False, True)
    assert chosen["induction_programme_choice"] == "provider_led"
    assert (chosen["induction_tutor_name"], chosen["induction_tutor_email"]) == (
        tutor.induction_tutor_name,
        tutor.induction_tutor_email,
    )
    assert chosen["induction_tutor_email"].split("@")[1] in ("example.com", "example.org", "example.net")
    other = school(client, second, key, 2025)["attributes"]
    assert (
        other["expression_of_interest"],
        other["induction_tutor_name"],
        other["induction_tutor_email"],
    ) == (
        False,
        None,
        None,
    )
    # Nobody sees the people the school registered, and the other years know nothing of the choice.
    assert people_at(client, first, key, 2025) == []
    assert school(client, first, key, 2024)["attributes"]["expression_of_interest"] is False


def test_a_partnership_with_nobody_names_its_tutor_but_the_school_does_not(client, first, state):
    key = urn(0, 11, 1)
    partnerships = get(client, first, "/partnerships", **{"filter[cohort]": "2025", "page[per_page]": 3000})
    (mine,) = [p["attributes"] for p in partnerships["data"] if p["attributes"]["urn"] == key]
    tutor = state.store.school_with_urn(key)
    assert (mine["induction_tutor_name"], mine["induction_tutor_email"]) == (
        tutor.induction_tutor_name,
        tutor.induction_tutor_email,
    )
    shown = school(client, first, key, 2025)["attributes"]
    assert (shown["expression_of_interest"], shown["induction_tutor_name"]) == (False, None)


def test_2024_people_with_interest_and_a_partnership_are_seen_with_the_school_flag(client, first):
    key = urn(0, 18, 1)
    shown = school(client, first, key, 2024)["attributes"]
    assert (shown["in_partnership"], shown["expression_of_interest"]) == (True, True)
    assert shown["induction_tutor_name"] is not None
    (ect,) = people_at(client, first, key, 2024)
    assert ect["enrolment"]["participant_type"] == "ect"
    assert ect["enrolment"]["cohort"] == "2024"
    assert ect["enrolment"]["participant_status"] == "active"
    assert ect["enrolment"]["working_pattern"] == "full_time"


@pytest.mark.parametrize(("code", "year"), [(26, 2023), (27, 2024)])
def test_interest_only_people_are_invisible_until_the_provider_partners_with_their_school(
    client, first, second, code, year
):
    key, person = urn(0, code, 1), trn(0, code, 1)
    before = school(client, first, key, year)
    assert (before["attributes"]["in_partnership"], before["attributes"]["expression_of_interest"]) == (
        False,
        True,
    )
    assert person not in trns(client, first, year)

    created = partner_with(client, first, before["id"], year)
    assert created.status_code == 200, created.text
    assert created.json()["data"]["attributes"]["participants_currently_training"] == 1
    (joined,) = people_at(client, first, key, year)
    enrolment = joined["enrolment"]
    assert joined["person"]["attributes"]["teacher_reference_number"] == person
    assert (enrolment["participant_type"], enrolment["cohort"], enrolment["training_status"]) == (
        "ect",
        str(year),
        "active",
    )
    assert enrolment["participant_status"] == "active"
    assert enrolment["delivery_partner_id"] == created.json()["data"]["attributes"]["delivery_partner_id"]
    # Registered by the school before the partnership; changed (made visible) now, so a sync finds them.
    assert enrolment["created_at"] < f"{year}-09-01"
    assert joined["person"]["attributes"]["updated_at"] == "2026-11-27T12:00:00Z"
    after = school(client, first, key, year)["attributes"]
    assert (after["in_partnership"], after["expression_of_interest"]) == (True, True)
    # The same person through the older contract, and nobody else's.
    older = client.get(f"/api/v3/participants/ecf/{joined['person']['id']}", headers=bearer(first))
    assert older.status_code == 200
    assert (
        client.get(f"{BASE}/participants/{joined['person']['id']}", headers=bearer(second)).status_code == 404
    )


def test_another_providers_partnership_leaves_the_interest_waiting(client, first, second):
    key = urn(0, 27, 2)
    target = school(client, second, key, 2024)
    assert target["attributes"]["expression_of_interest"] is False
    assert partner_with(client, second, target["id"], 2024).status_code == 200
    assert people_at(client, second, key, 2024) == []
    assert trn(0, 27, 2) not in trns(client, first, 2024)
    assert school(client, first, key, 2024)["attributes"]["expression_of_interest"] is True


def test_a_waiting_mentor_joins_as_a_mentor(client, first):
    key = urn(0, 26, 3)
    created = partner_with(client, first, school(client, first, key, 2023)["id"], 2023)
    assert created.status_code == 200, created.text
    (mentor,) = people_at(client, first, key, 2023)
    assert mentor["person"]["attributes"]["teacher_reference_number"] == trn(0, 26, 3)
    assert mentor["enrolment"]["participant_type"] == "mentor"
    assert mentor["enrolment"]["working_pattern"] is None


@pytest.mark.parametrize(
    ("code", "number", "sit_year", "mentor_year"),
    [(28, 1, 2022, 2024), (28, 2, 2023, 2025), (28, 3, 2025, 2025), (29, 1, 2024, 2022), (29, 2, 2025, 2023)],
)
def test_a_mentor_is_named_and_emailed_as_their_schools_induction_tutor(
    client, first, code, number, sit_year, mentor_year
):
    listed = get(
        client, first, "/participants", **{"filter[cohort]": str(mentor_year), "page[per_page]": 3000}
    )
    (mentor,) = [
        p for p in listed["data"] if p["attributes"]["teacher_reference_number"] == trn(0, code, number)
    ]
    (enrolment,) = mentor["attributes"]["ecf_enrolments"]
    assert (enrolment["participant_type"], enrolment["cohort"]) == ("mentor", str(mentor_year))
    partnerships = get(
        client, first, "/partnerships", **{"filter[cohort]": str(sit_year), "page[per_page]": 3000}
    )
    tutors = {
        (p["attributes"]["induction_tutor_name"], p["attributes"]["induction_tutor_email"])
        for p in partnerships["data"]
        if p["attributes"]["urn"] == enrolment["school_urn"]
    }
    assert tutors == {(mentor["attributes"]["full_name"], enrolment["email"])}


def test_a_providers_reset_sends_the_people_back_to_waiting(client, first):
    key, person = urn(0, 26, 2), trn(0, 26, 2)
    target = school(client, first, key, 2023)
    assert partner_with(client, first, target["id"], 2023).status_code == 200
    assert person in trns(client, first, 2023)
    reset = client.post(f"/sandbox/providers/{first.id}/reset", headers=bearer(first))
    assert reset.status_code == 200, reset.text
    assert person not in trns(client, first, 2023)
    after = school(client, first, key, 2023)["attributes"]
    assert (after["in_partnership"], after["expression_of_interest"]) == (False, True)
    assert partner_with(client, first, target["id"], 2023).status_code == 200
    assert person in trns(client, first, 2023)


# -- the control API's event: a school registers someone with the provider it chose ------------------


def register(client, caller, **body):
    response = client.post("/sandbox/events/interest-registrations", json=body, headers=bearer(caller))
    validate_exchange("sandbox", response)
    return response


def test_a_school_registering_with_its_chosen_provider_waits_for_that_providers_partnership(
    client, first, state
):
    key = urn(0, 12, 2)  # no partnership, no participants
    target = school(client, first, key, 2025)
    assert target["attributes"]["expression_of_interest"] is False
    made = register(
        client,
        first,
        school_id=target["id"],
        lead_provider_id=first.id,
        cohort=2025,
        participant_type="ect",
        full_name="Mary Somerville",
        email="mary.somerville@example.org",
        start_date="2027-01-04",
        working_pattern="part_time",
    )
    assert made.status_code == 200, made.text
    data = made.json()["data"]
    assert (data["school_urn"], data["cohort"], data["start_date"]) == (key, "2025", "2027-01-04")
    assert data["induction_record_id"] is None  # waiting for a partnership
    shown = school(client, first, key, 2025)["attributes"]
    assert (shown["expression_of_interest"], shown["induction_programme_choice"]) == (True, "provider_led")
    assert shown["induction_tutor_email"] == state.store.schools[target["id"]].induction_tutor_email
    hidden = client.get(f"{BASE}/participants/{data['participant_id']}", headers=bearer(first))
    assert hidden.status_code == 404

    assert partner_with(client, first, target["id"], 2025).status_code == 200
    (joined,) = people_at(client, first, key, 2025)
    assert joined["person"]["id"] == data["participant_id"]
    enrolment = joined["enrolment"]
    assert (enrolment["participant_status"], enrolment["working_pattern"]) == ("joining", "part_time")


def test_a_school_registering_with_a_provider_it_already_partners_joins_that_partnership_at_once(
    client, first, state
):
    """RECT registers the person under the school's partnership with the provider: listed at once, not
    left waiting for a partnership the provider can no longer create."""
    partnership = next(
        p
        for p in state.store.partnerships_of(first.id)
        if p.cohort == 2025 and not p.relationship and not p.challenged
    )
    key = state.store.schools[partnership.school_id].urn
    made = register(
        client,
        first,
        school_id=partnership.school_id,
        lead_provider_id=first.id,
        cohort=2025,
        participant_type="mentor",
        full_name="Caroline Herschel",
        email="caroline.herschel@example.org",
    )
    assert made.status_code == 200, made.text
    data = made.json()["data"]
    record = state.store.induction_records[data["induction_record_id"]]
    assert record.partnership_id == partnership.id
    shown = get(client, first, f"/participants/{data['participant_id']}")["data"]["attributes"]
    assert [(e["school_urn"], e["participant_type"]) for e in shown["ecf_enrolments"]] == [(key, "mentor")]
    assert data["participant_id"] in {p["person"]["id"] for p in people_at(client, first, key, 2025)}


def test_a_provider_cannot_register_people_with_another_provider(client, first, second, state):
    target = school(client, first, urn(0, 12, 3), 2025)
    body = {"school_id": target["id"], "lead_provider_id": second.id, "cohort": 2025}
    body |= {"participant_type": "ect", "full_name": "Ann Other", "email": "ann.other@example.org"}
    users = len(state.store.users)
    assert register(client, first, **body).status_code == 403
    assert len(state.store.users) == users


def test_a_registration_with_bad_details_is_refused_whole(client, first, state):
    target = school(client, first, urn(0, 12, 3), 2025)
    users = len(state.store.users)
    refused = register(
        client,
        first,
        school_id="no-such-school",
        lead_provider_id=first.id,
        cohort=2019,
        participant_type="mentor",
        full_name="Ann Other",
        email="not-an-address",
        working_pattern="full_time",
    )
    assert refused.status_code == 422
    titles = [e["title"] for e in refused.json()["errors"]]
    assert titles == ["school_id", "cohort", "email", "working_pattern"]
    assert len(state.store.users) == users
    assert (
        school(client, first, target["attributes"]["urn"], 2025)["attributes"]["expression_of_interest"]
        is False
    )
