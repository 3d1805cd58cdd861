"""Every RECT GET, for every provider with an ECF side, over the whole seeded world: each list in one
large page and each schools list of each cohort, validated against our RECT spec (the first provider's
lists page by page and single reads are in test_rect_reads.py)."""

from __future__ import annotations

import pytest

from tests.api.test_rect_reads import BASE, LISTS
from tests.conftest import bearer
from tests.support.openapi import operations, validate_exchange

GETS = {path for method, path, _ in operations("rect") if method == "GET"}
COHORTS = [str(year) for year in range(2021, 2027)]


def test_the_read_tests_cover_every_rect_get():
    singles = {f"{path}/{{id}}" for path in LISTS if path != "/participants/transfers"}
    covered = {*LISTS, *singles, "/participants/{id}/transfers", "/schools", "/schools/{id}"}
    assert covered == GETS


def test_every_list_of_every_ecf_provider_honours_the_spec(client, providers):
    for provider in (p for p in providers if p.has_ecf):
        for path in LISTS:
            response = client.get(BASE + path, headers=bearer(provider), params={"page[per_page]": "3000"})
            assert response.status_code == 200, (provider.name, path)
            validate_exchange("rect", response)
        for year in COHORTS:
            query = {"filter[cohort]": year, "page[per_page]": "3000"}
            response = client.get(BASE + "/schools", headers=bearer(provider), params=query)
            assert response.status_code == 200
            validate_exchange("rect", response)


@pytest.mark.parametrize("path", [p for p in LISTS if p != "/participants/transfers"])
def test_every_item_of_the_first_providers_lists_reads_alone_as_listed(client, first, path):
    listed = client.get(BASE + path, headers=bearer(first), params={"page[per_page]": "3000"}).json()["data"]
    for item in listed:
        response = client.get(f"{BASE}{path}/{item['id']}", headers=bearer(first))
        assert response.json()["data"] == item
        validate_exchange("rect", response)
