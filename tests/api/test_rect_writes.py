"""Writes through RECT (/rect/api/v3): its declaration rules and 422 bodies (one entry per message, RECT's
titles), void titles, and X-With-Server-Date read as London time."""

from __future__ import annotations

import pytest

from tests.api.test_rect_reads import BASE, MEDIA, every_page
from tests.conftest import bearer
from tests.support.openapi import validate_exchange

# These tests void a declaration of the session's world.
pytestmark = pytest.mark.usefixtures("restores_world")


def post_declaration(client, provider, headers=None, **attributes):
    body = {"data": {"type": "participant-declaration", "attributes": attributes}}
    response = client.post(
        f"{BASE}/participant-declarations", headers={**bearer(provider), **(headers or {})}, json=body
    )
    validate_exchange("rect", response)
    return response


def test_a_refused_declaration_has_one_entry_per_message_in_rects_words(client, first):
    person = every_page(client, first, "/participants")[0]
    response = post_declaration(
        client,
        first,
        participant_id=person["id"],
        course_identifier="npq-headship",
        declaration_type="started",
        declaration_date="2025-10-01T10:00:00Z",
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == MEDIA
    assert response.json() == {
        "errors": [{"title": "course_identifier", "detail": "Enter a '#/course_identifier'."}]
    }
    unknown = post_declaration(
        client,
        first,
        participant_id="00000000-0000-0000-0000-000000000000",
        course_identifier="ecf-induction",
        declaration_type="started",
        declaration_date="2025-10-01T10:00:00Z",
    )
    assert unknown.json()["errors"] == [
        {
            "title": "participant_id",
            "detail": "Your update cannot be made as the '#/participant_id' is not recognised. "
            "Check participant details and try again.",
        }
    ]


def test_voiding_twice_is_refused_under_participant_declaration_id(client, first):
    mine = [
        d
        for d in every_page(client, first, "/participant-declarations")
        if d["attributes"]["state"] == "submitted" and d["attributes"]["lead_provider_name"] == first.name
    ]
    target = mine[0]["id"]
    url = f"{BASE}/participant-declarations/{target}/void"
    # A date alone is London midnight: 1 July 2027 00:00 BST is 30 June 23:00 UTC.
    done = client.put(url, headers={**bearer(first), "X-With-Server-Date": "2027-07-01"})
    validate_exchange("rect", done)
    assert done.json()["data"]["attributes"]["state"] == "voided"
    assert done.json()["data"]["attributes"]["updated_at"] == "2027-06-30T23:00:00Z"
    again = client.put(url, headers=bearer(first))
    validate_exchange("rect", again)
    assert (again.status_code, again.json()["errors"]) == (
        422,
        [{"title": "participant_declaration_id", "detail": "The declaration has already been voided."}],
    )


def test_a_partnership_update_to_its_own_delivery_partner_is_a_duplicate(client, first):
    partnership = every_page(client, first, "/partnerships")[0]
    body = {
        "data": {
            "type": "partnership",
            "attributes": {"delivery_partner_id": partnership["attributes"]["delivery_partner_id"]},
        }
    }
    response = client.put(f"{BASE}/partnerships/{partnership['id']}", headers=bearer(first), json=body)
    validate_exchange("rect", response)
    assert (response.status_code, response.json()["errors"]) == (
        422,
        [
            {
                "title": "delivery_partner_id",
                "detail": "We are unable to process this request. You are already confirmed to be in "
                "partnership with the entered delivery partner. Contact the DfE for support.",
            }
        ],
    )
    # The Manage-CPD contract answers the same request with the partnership, unchanged.
    same = client.put(f"/api/v3/partnerships/ecf/{partnership['id']}", headers=bearer(first), json=body)
    assert same.status_code == 200
