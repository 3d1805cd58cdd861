"""RECT's seeded histories (codes 40-47, sandbox/seed/rect_histories_schools.py) read through /rect/api/v3
with providers' tokens: the schools whose people rolled over, changed provider or moved away (rect.md
§5.1, §5.3, §5.4), and a transfer of each kind per provider pair, with RECT's exact bodies (§5.7)."""

from __future__ import annotations

import pytest

from sandbox.seed.rect_histories_schools import SHAPES
from sandbox.seed.rect_scenarios import trn, urn
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

BASE = "/rect/api/v3"
LEAVES, JOINS = "2024-04-05", "2024-04-15"


def get(client, provider, path: str, headers: dict | None = None, **params):
    response = client.get(BASE + path, headers={**bearer(provider), **(headers or {})}, params=params)
    validate_exchange("rect", response)
    return response


def read(client, provider, path: str, headers: dict | None = None, **params) -> dict:
    response = get(client, provider, path, headers, **params)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def ecf(providers) -> list:
    return [p for p in providers if p.has_ecf]


def everyone(client, provider, year: int) -> list[dict]:
    query = {"filter[cohort]": str(year), "page[per_page]": "3000"}
    return read(client, provider, "/participants", **query)["data"]


def at_school(client, provider, key: str, year: int) -> list[tuple[dict, dict]]:
    return [
        (p, e)
        for p in everyone(client, provider, year)
        for e in p["attributes"]["ecf_enrolments"]
        if e["school_urn"] == key
    ]


def by_trn(client, provider, key: str, year: int = 2023) -> tuple[dict, dict]:
    [found] = [
        (p, e)
        for p in everyone(client, provider, year)
        if p["attributes"]["teacher_reference_number"] == key
        for e in p["attributes"]["ecf_enrolments"]
    ]
    return found


def school(client, provider, key: str, year: int) -> dict:
    [found] = read(client, provider, "/schools", **{"filter[cohort]": str(year), "filter[urn]": key})["data"]
    return found["attributes"]


def partnerships_at(client, provider, key: str) -> list[tuple[str, int]]:
    listed = read(client, provider, "/partnerships", **{"page[per_page]": "3000"})["data"]
    return [
        (p["attributes"]["cohort"], p["attributes"]["participants_currently_training"])
        for p in listed
        if p["attributes"]["urn"] == key
    ]


def shape_of(school_attributes: dict) -> tuple:
    keys = ("in_partnership", "induction_programme_choice", "expression_of_interest")
    return tuple(school_attributes[k] for k in keys)


def transfers(client, provider, person_id: str, headers: dict | None = None) -> list[dict]:
    return read(client, provider, f"/participants/{person_id}/transfers", headers)["data"]["attributes"][
        "transfers"
    ]


def stamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


# -- school shapes --------------------------------------------------------------------------------------


def test_every_history_school_is_findable_by_its_urn(client, ecf):
    years = {40: 2025, 41: 2024, 42: 2025}
    for index, provider in enumerate(ecf):
        for shape in SHAPES:
            for number in (1, 2, 3) if shape.code in years else ():
                key = urn(index, shape.code, number)
                assert school(client, provider, key, years[shape.code])["urn"] == key
    assert sorted(years) == [s.code for s in SHAPES if s.code < 43]


def test_an_ect_rolled_over_from_the_2024_partnership_to_the_2025_one(client, ecf):
    me, key = ecf[0], urn(0, 40, 1)
    for year in (2024, 2025):
        assert shape_of(school(client, me, key, year)) == (True, "provider_led", True)
    # The 2024 training period ended on 31 August 2025; the 2025 one has gone on since 1 September.
    assert partnerships_at(client, me, key) == [("2024", 0), ("2025", 1)]
    [(person, ect)] = at_school(client, me, key, 2025)
    assert (ect["cohort"], ect["participant_status"], ect["training_status"]) == ("2025", "active", "active")
    assert at_school(client, me, key, 2024) == []  # the latest training period is the 2025 one
    # A roll-over at one school is no transfer.
    assert get(client, me, f"/participants/{person['id']}/transfers").status_code == 404


def test_a_school_whose_ects_all_moved_to_another_provider(client, ecf):
    me, theirs, key = ecf[0], ecf[1], urn(0, 41, 1)
    assert partnerships_at(client, me, key) == [("2024", 0)]
    assert partnerships_at(client, theirs, key) == [("2024", 2)]
    for provider in (me, theirs):
        assert shape_of(school(client, provider, key, 2024)) == (True, "provider_led", True)
    mine = at_school(client, me, key, 2024)
    assert [(e["participant_status"], e["training_status"]) for _, e in mine] == [("left", "active")] * 2
    now = at_school(client, theirs, key, 2024)
    assert [p["id"] for p, _ in now] == [p["id"] for p, _ in mine]
    assert [e["participant_status"] for _, e in now] == ["active"] * 2
    for person, _ in mine:  # they stayed at the school: no transfer for either provider
        for provider in (me, theirs):
            assert get(client, provider, f"/participants/{person['id']}/transfers").status_code == 404


def test_a_school_that_trained_in_2025_and_whose_people_all_moved_away(client, state, ecf):
    me, theirs, key = ecf[0], ecf[1], urn(0, 42, 1)
    assert partnerships_at(client, me, key) == [("2025", 0)]
    assert partnerships_at(client, theirs, key) == [("2025", 0)]
    assert shape_of(school(client, me, key, 2025)) == (True, "provider_led", True)
    [(person, ect)] = at_school(client, me, key, 2025)
    assert ect["participant_status"] == "left"
    # Their last training period there was the other provider's: the move is its transfer, not ours.
    assert get(client, me, f"/participants/{person['id']}/transfers").status_code == 404
    leaving = max(state.store.records_of(ect["training_record_id"]), key=lambda r: r.start_date)
    assert transfers(client, theirs, person["id"]) == [
        {
            "training_record_id": ect["training_record_id"],
            "transfer_type": "unknown",
            "status": "complete",
            "created_at": stamp(leaving.created_at),
            "leaving": {"school_urn": key, "provider": theirs.name, "date": "2025-11-30"},
            "joining": None,
        }
    ]


# -- transfers: one of each kind, exact bodies ------------------------------------------------------------


@pytest.fixture(scope="module")
def places(client, state, ecf) -> dict[str, str]:
    """The URNs the first provider's transfers run between, read from the people themselves."""
    me, theirs = ecf[0], ecf[1]
    return {
        "home": by_trn(client, me, trn(0, 43, 1))[1]["school_urn"],
        "second": by_trn(client, me, trn(0, 44, 1))[1]["school_urn"],
        "theirs": by_trn(client, theirs, trn(0, 45, 1))[1]["school_urn"],
        "school_led": next(s.urn for s in state.store.schools.values() if s.cip_only),
    }


def expected(state, ect: dict, kind: str, leaving: dict, joining: dict | None) -> list[dict]:
    profile = state.store.ecf_profiles[ect["training_record_id"]]
    return [
        {
            "training_record_id": profile.id,
            "transfer_type": kind,
            "status": "complete",
            "created_at": stamp(profile.created_at),  # the leaving period's, made at registration
            "leaving": leaving,
            "joining": joining,
        }
    ]


def test_each_kind_of_transfer_reads_exactly(client, state, ecf, places):
    me = ecf[0]
    ours = {"provider": me.name}

    def move(school_key: str, provider: str | None, day: str) -> dict:
        return {"school_urn": places[school_key], "provider": provider, "date": day}

    cases = {
        43: ("unknown", move("home", me.name, LEAVES), None),
        44: ("new_school", move("home", me.name, LEAVES), move("second", me.name, JOINS)),
        45: ("new_provider", move("home", me.name, LEAVES), move("theirs", ecf[1].name, JOINS)),
        46: ("new_provider", move("home", me.name, LEAVES), move("school_led", None, JOINS)),
        47: ("new_provider", move("school_led", None, LEAVES), {**move("home", None, JOINS), **ours}),
    }
    for code, (kind, leaving, joining) in cases.items():
        person, ect = by_trn(client, me, trn(0, code, 1))
        assert transfers(client, me, person["id"]) == expected(state, ect, kind, leaving, joining), code


def test_every_provider_pair_has_its_transfers_and_only_they_see_them(client, ecf):
    for index, me in enumerate(ecf):
        for number in (1, 2, 3):
            other = ecf[(index + number) % len(ecf)]
            for code, kind in ((43, "unknown"), (44, "new_school"), (45, "new_provider")):
                person, _ = by_trn(client, me, trn(index, code, number))
                assert [t["transfer_type"] for t in transfers(client, me, person["id"])] == [kind]
                other_sees = get(client, other, f"/participants/{person['id']}/transfers")
                assert other_sees.status_code == (200 if code == 45 else 404), (me.name, code, number)
            for code in (46, 47):
                person, _ = by_trn(client, me, trn(index, code, number))
                assert [t["transfer_type"] for t in transfers(client, me, person["id"])] == ["new_provider"]
                assert get(client, other, f"/participants/{person['id']}/transfers").status_code == 404


@pytest.mark.parametrize(
    ("server_date", "statuses"),
    [
        ("2024-04-10T12:00:00Z", ["complete", "incomplete", "incomplete"]),
        # 23:30 UTC on 14 April is 00:30 on 15 April in London: the joining day has come.
        ("2024-04-14T23:30:00Z", ["complete", "complete", "complete"]),
        ("2024-04-01T12:00:00Z", ["incomplete", "incomplete", "incomplete"]),
    ],
)
def test_status_follows_the_providers_clock_on_london_days(client, ecf, server_date, statuses):
    me = ecf[0]
    seen = []
    for code in (43, 44, 45):
        person, _ = by_trn(client, me, trn(0, code, 1))
        [transfer] = transfers(client, me, person["id"], {"X-With-Server-Date": server_date})
        seen.append(transfer["status"])
    assert seen == statuses


def test_the_list_is_in_the_order_people_were_created_and_syncs_by_updated_since(client, ecf):
    me = ecf[0]
    listed = [
        i["id"] for i in read(client, me, "/participants/transfers", **{"page[per_page]": "3000"})["data"]
    ]
    ours = {by_trn(client, me, trn(0, code, n))[0]["id"] for code in range(43, 48) for n in (1, 2, 3)}
    assert ours <= set(listed)
    order = [
        p["id"]
        for p in read(client, me, "/participants", **{"page[per_page]": "3000"})["data"]
        if p["id"] in listed
    ]
    assert listed == order
    newest_first = read(
        client, me, "/participants/transfers", sort="-created_at", **{"page[per_page]": "3000"}
    )
    assert [i["id"] for i in newest_first["data"]] == listed[::-1]
    # The histories were recorded in April 2024; a sync from the autumn sees none of them.
    since = {"filter[updated_since]": "2024-11-01T00:00:00Z", "page[per_page]": "3000"}
    recent = [i["id"] for i in read(client, me, "/participants/transfers", **since)["data"]]
    assert recent and not ours & set(recent)
    assert recent == [i for i in listed if i in recent]


def test_the_older_contract_keeps_its_own_transfers(client, ecf):
    """/api/v3 pairs leaving and joining records and knows nothing of school-led training: the move
    to school-led training is a leaver to nowhere known there, the move from it no transfer at all."""
    me = ecf[0]
    for code, answer in ((46, 200), (47, 404)):
        person, _ = by_trn(client, me, trn(0, code, 1))
        older = client.get(f"/api/v3/participants/ecf/{person['id']}/transfers", headers=bearer(me))
        validate_exchange("v3", older)
        assert older.status_code == answer, code
        if answer == 200:
            [transfer] = older.json()["data"]["attributes"]["transfers"]
            assert (transfer["transfer_type"], transfer["joining"]) == ("unknown", None)
