"""`cpd-sandbox parity`: the v2 and v3 contracts of one seeded world, replayed through the shipped
mapping: a match rate, the fields that differ, and the same report for the same seed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from sandbox.cli import main
from sandbox.owner.parity import Mapping, Report, compare_records, flatten, load_mapping


def _report(capsys, *options: str) -> dict:
    assert main(["parity", "--participants", "8", "--format", "json", *options]) == 0
    return json.loads(capsys.readouterr().out)


def test_v2_against_v3_gives_a_match_rate_and_the_fields_that_differ(capsys) -> None:
    report = _report(capsys)
    assert (report["left"], report["right"]) == ("/api/v2", "/api/v3")
    names = [r["name"] for r in report["requests"]]
    assert names[:4] == [
        "ECF participants, first page",
        "ECF participants, second page",
        "ECF participants of cohort 2023",
        "one ECF participant",
    ]
    assert all(r["status"] == [200, 200] for r in report["requests"])
    assert 0 < report["match_rate"] < 1
    agreeing = sum(r["agree"] for r in report["requests"])
    assert report["match_rate"] == round(agreeing / len(report["requests"]), 4)
    # v3 dropped the NPQ participant's email and added statement fields to declarations: not compared.
    assert "email" in report["only_left"]
    assert {"statement_id", "delivery_partner_id"} <= set(report["only_right"])
    disagreeing = [r for r in report["requests"] if not r["agree"]]
    assert all(r["differing_fields"] or r["ids_on_one_side"] for r in disagreeing)


def test_the_report_is_the_same_for_the_same_seed(capsys) -> None:
    assert _report(capsys, "--seed", "2") == _report(capsys, "--seed", "2")


def test_a_mapped_field_is_compared_where_the_other_contract_keeps_it() -> None:
    mapping = Mapping("/a", "/b", [], fields={"cohort": "enrolments/0/cohort"}, ignore=["enrolments"])
    report = Report("/a", "/b", [], Counter(), set(), set())
    left = flatten({"cohort": "2023", "name": "Ada", "email": "a@x"})
    right = flatten({"enrolments": [{"cohort": "2024"}], "name": "Ada", "trn": "1"})
    assert compare_records(left, right, mapping, report) == ["cohort"]
    assert (report.only_left, report.only_right) == ({"email"}, {"trn"})


def test_a_field_derived_otherwise_is_neither_compared_nor_one_sided() -> None:
    mapping = Mapping("/a", "/b", [], derived_otherwise=["status"])
    report = Report("/a", "/b", [], Counter(), set(), set())
    left = flatten({"rows": [{"status": "active", "name": "Ada"}]})
    right = flatten({"rows": [{"status": "left", "name": "Ada"}]})
    assert compare_records(left, right, mapping, report) == []
    assert (report.only_left, report.only_right) == (set(), set())


def test_a_mapping_file_can_be_given_by_path(tmp_path: Path) -> None:
    path = tmp_path / "map.yaml"
    path.write_text("left: /api/v1\nright: /api/v2\nrequests:\n  - {name: p, path: /participants/ecf}\n")
    mapping = load_mapping(str(path))
    assert (mapping.left, mapping.right, mapping.fields) == ("/api/v1", "/api/v2", {})
    assert load_mapping("v2-v3").fields["training_status"] == "ecf_enrolments/0/training_status"


def test_v3_against_rect_follows_rects_own_paths_and_names_what_only_one_side_shows(capsys) -> None:
    report = _report(capsys, "--mapping", "v3-rect")
    assert (report["left"], report["right"]) == ("/api/v3", "/rect/api/v3")
    assert len(report["requests"]) == len(load_mapping("v3-rect").requests)
    assert all(r["status"] == [200, 200] for r in report["requests"])
    # RECT builds transfers and unfunded mentors by its own rules (rect.md §5.7, §5.8): only they differ.
    differ = {r["name"] for r in report["requests"] if not r["agree"]}
    assert differ == {"ECF transfers, first page", "unfunded mentors, first page"}  # as the README says
    assert report["match_rate"] == round(1 - len(differ) / len(report["requests"]), 4)
    assert "ecf_enrolments/0/teacher_reference_number_validated" in report["only_left"]
    assert "ecf_enrolments/0/working_pattern" in report["only_right"]
