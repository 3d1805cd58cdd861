"""What every list read shares (domain.md §1.4 pagination, §1.5 filters and sort): the query-value
parsing of sandbox/api/params.py with its exact 400 texts, and the paging, `since` and sort helpers of
sandbox/domain/listing.py. No HTTP: the functions take the values Connexion hands to handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from sandbox.api import params
from sandbox.contracts.manage_cpd import QUERIES
from sandbox.domain.errors import BadRequest
from sandbox.domain.listing import DEFAULT_PER_PAGE, MAX_PER_PAGE, Page, Since, SortKey, sort_records

PAGE_MESSAGE = (
    "The '#/page[page]' and '#/page[per_page]' parameter values "
    "must be a valid number (equal and more than 1)"
)


def refusal(call, *args) -> tuple[str, str]:
    with pytest.raises(BadRequest) as caught:
        call(*args)
    return caught.value.title, caught.value.detail


# -- pagination ---------------------------------------------------------------------------------------


def test_page_defaults_to_the_first_hundred():
    assert params.page(None, QUERIES) == Page(1, 100) == params.page({}, QUERIES)
    assert DEFAULT_PER_PAGE == 100 and MAX_PER_PAGE == 3000


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"page": 2}, Page(2, 100)),
        ({"page": "3", "per_page": "7"}, Page(3, 7)),
        ({"per_page": 3000}, Page(1, 3000)),
        ({"per_page": 3001}, Page(1, 3000)),
        ({"per_page": "999999"}, Page(1, 3000)),
        ({"per_page": " 5 "}, Page(1, 5)),
    ],
)
def test_page_values_are_integers_and_per_page_is_capped(value, expected):
    assert params.page(value, QUERIES) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"page": 0},
        {"per_page": 0},
        {"page": -1},
        {"per_page": "-3"},
        {"page": "abc"},
        {"per_page": ""},
        {"per_page": "1.5"},
        "2",
        ["1"],
    ],
)
def test_bad_page_values_are_a_400_with_the_real_text(value):
    assert refusal(params.page, value, QUERIES) == ("Bad request", PAGE_MESSAGE)
    assert PAGE_MESSAGE == QUERIES.page_message


def test_a_page_slices_its_window_and_past_the_end_is_empty():
    items = list(range(250))
    assert Page().slice(items) == items[:100]
    assert Page(3, 100).slice(items) == items[200:]
    assert Page(4, 100).slice(items) == []
    assert Page(2, 7).slice(items) == items[7:14]


# -- filters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["foo", ["a"], 3])
def test_a_filter_that_is_not_a_hash_is_a_400(value):
    assert refusal(params.filters, value) == ("Bad parameter", "Filter must be a hash")


def test_no_filter_is_an_empty_one():
    assert params.filters(None) == {}
    assert params.filters({"cohort": "2024"}) == {"cohort": "2024"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-05-31T02:22:32Z", datetime(2024, 5, 31, 2, 22, 32, tzinfo=UTC)),
        ("2024-05-31T02:22:32.123456Z", datetime(2024, 5, 31, 2, 22, 32, 123456, tzinfo=UTC)),
        ("2024-05-31T03:22:32+01:00", datetime(2024, 5, 31, 2, 22, 32, tzinfo=UTC)),
        ("2024-05-31T03:22:32%2B01:00", datetime(2024, 5, 31, 2, 22, 32, tzinfo=UTC)),
        ("2024-05-31T02%3A22%3A32Z", datetime(2024, 5, 31, 2, 22, 32, tzinfo=UTC)),
    ],
)
def test_since_filters_take_rfc3339_date_times_plain_or_url_encoded(text, expected):
    assert params.since({"updated_since": text}, "updated_since", QUERIES) == expected


@pytest.mark.parametrize(
    "text",
    ["2024-05-31", "yesterday", "2024-13-01T00:00:00Z", "2024-01-01T29:00:00Z", "2024-02-30T00:00:00Z"],
)
@pytest.mark.parametrize("key", ["updated_since", "created_since"])
def test_bad_since_filters_are_a_400_naming_the_filter(text, key):
    assert refusal(params.since, {key: text}, key, QUERIES) == (
        "Bad request",
        f"The filter '#/{key}' must be a valid RCF3339 date",
    )


@pytest.mark.parametrize("value", [None, "", "   "])
def test_an_absent_or_blank_filter_is_no_filter(value):
    # Upstream tests each filter with `present?`: a blank value filters nothing out.
    flt = (
        {}
        if value is None
        else {k: value for k in ("updated_since", "cohort", "participant_id", "type", "training_status")}
    )
    assert params.since(flt, "updated_since", QUERIES) is None
    assert params.cohorts(flt) is None and params.cohorts(flt, single=True) is None
    assert params.text_list(flt, "participant_id") is None
    assert params.one(flt, "type") is None
    assert params.training_status(flt, QUERIES) is None


def test_comma_lists_drop_blank_entries_and_spaces():
    assert params.text_list({"participant_id": "a, b,,c "}, "participant_id") == ["a", "b", "c"]
    assert params.text_list({"participant_id": ","}, "participant_id") == []  # not blank: matches nothing


@pytest.mark.parametrize(
    ("value", "single", "expected"),
    [
        ("2024", False, [2024]),
        ("2021,2022", False, [2021, 2022]),
        (" 2021 , 2023 ", False, [2021, 2023]),
        ("2020,abc", False, [2020]),
        ("abc", False, []),
        (2024, False, [2024]),
        ("2023", True, [2023]),
        ("2021,2022", True, []),
    ],
)
def test_cohorts_parse_years_and_unknown_values_match_nothing(value, single, expected):
    assert params.cohorts({"cohort": value}, single=single) == expected


@pytest.mark.parametrize("value", ["active", "deferred", "withdrawn"])
def test_training_status_accepts_the_three_statuses(value):
    assert params.training_status({"training_status": value}, QUERIES) == value


@pytest.mark.parametrize("value", ["asleep", "Active", "left"])
def test_any_other_training_status_is_a_400_with_the_real_text(value):
    assert refusal(params.training_status, {"training_status": value}, QUERIES) == (
        "Bad request",
        'The filter \'#/training_status\' must be ["active", "deferred", "withdrawn"]',
    )


# -- sort ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, []),
        ("", []),
        ("-updated_at,created_at", [SortKey("updated_at", True), SortKey("created_at")]),
        (["+created_at", "-id"], [SortKey("created_at"), SortKey("id", True)]),
        ([""], []),
        ("created_at,,", [SortKey("created_at")]),
    ],
)
def test_sort_keys(value, expected):
    assert params.sort_keys(value) == expected


@dataclass(frozen=True)
class Row:
    name: str
    rank: int | None


ROWS = [Row("a", 2), Row("b", None), Row("c", 1), Row("d", 2)]
COLUMNS = {"name": lambda r: r.name, "rank": lambda r: r.rank}


def names(rows) -> str:
    return "".join(r.name for r in rows)


def test_sorting_ascending_puts_nulls_last_and_descending_first():
    assert names(sort_records(ROWS, [SortKey("rank")], COLUMNS)) == "cadb"
    assert names(sort_records(ROWS, [SortKey("rank", True)], COLUMNS)) == "badc"


def test_later_keys_break_ties_of_earlier_ones():
    assert names(sort_records(ROWS, [SortKey("rank", True), SortKey("name", True)], COLUMNS)) == "bdac"


def test_unknown_columns_are_ignored():
    assert names(sort_records(ROWS, [SortKey("nope"), SortKey("name", True)], COLUMNS)) == "dcba"
    assert names(sort_records(ROWS, [SortKey("nope")], COLUMNS)) == "abcd"


def test_since_is_strict_or_inclusive_as_the_resource_says():
    at = datetime(2025, 1, 1, tzinfo=UTC)
    assert Since(at, strict=False).admits(at) and not Since(at, strict=True).admits(at)
    later = datetime(2025, 1, 1, 0, 0, 1, tzinfo=UTC)
    assert Since(at, strict=True).admits(later) and Since(at, strict=False).admits(later)


@pytest.mark.parametrize("source", [list, iter], ids=["sequence", "lazy"])
def test_a_page_beyond_any_list_is_empty_whatever_its_number(source):
    items = range(10)
    assert Page(2, 3).slice(source(items)) == [3, 4, 5]
    assert Page(10**30, 3000).slice(source(items)) == []
