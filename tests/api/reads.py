"""Where the read tests find an id for each `{id}` operation: the list it comes from."""

from __future__ import annotations

from typing import Any

# path template -> (list path, query for the list, how to take the id from a list item)
ID_SOURCES: dict[str, tuple[str, dict[str, str], str]] = {
    "/participants/ecf/{id}": ("/participants/ecf", {}, "id"),
    "/participant-declarations/{id}": ("/participant-declarations", {}, "id"),
    "/npq-applications/{id}": ("/npq-applications", {}, "id"),
    "/participants/npq/{id}": ("/participants/npq", {}, "id"),
    "/participants/npq/{participant_id}/outcomes": ("/participants/npq/outcomes", {}, "participant_id"),
    "/statements/{id}": ("/statements", {}, "id"),
    "/partnerships/ecf/{id}": ("/partnerships/ecf", {}, "id"),
    "/schools/ecf/{id}": ("/schools/ecf", {"filter[cohort]": "2024"}, "id"),
    "/delivery-partners/{id}": ("/delivery-partners", {}, "id"),
    "/participants/ecf/{id}/transfers": ("/participants/ecf/transfers", {}, "id"),
    "/unfunded-mentors/ecf/{id}": ("/unfunded-mentors/ecf", {}, "id"),
}

# Queries a list needs to answer at all.
LIST_QUERIES: dict[str, dict[str, str]] = {"/schools/ecf": {"filter[cohort]": "2024"}}
# Single reads that need the list's query too.
SHOW_QUERIES: dict[str, dict[str, str]] = {"/schools/ecf/{id}": {"filter[cohort]": "2024"}}


def item_key(item: dict[str, Any], key: str) -> str:
    return item["id"] if key == "id" else item["attributes"][key]


def fill(path: str, value: str) -> str:
    return path.replace("{id}", value).replace("{participant_id}", value)
