"""Bodies are written with orjson; they must stay byte for byte what the standard json module wrote."""

from __future__ import annotations

import json

from sandbox.api.responses import wire_json


def _standard(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def test_the_same_bytes_as_the_standard_module_for_every_kind_of_value_a_body_holds() -> None:
    payload = {
        "data": [
            {
                "id": "0f3c",
                "attributes": {
                    "full_name": 'Zoë O\'Brien-Łukasz 😀 "quoted" back\\slash </script>',
                    "controls": "tab\tnewline\nnul\x00 del\x7f line-sep\u2028 para-sep\u2029",
                    "counts": [0, -1, 2**63 - 1, -(2**63)],
                    "flags": [True, False, None],
                    "nested": {"empty_list": [], "empty_dict": {}, "": ""},
                },
            }
        ],
        "meta": {"b": 1, "a": 2},  # insertion order, not sorted
    }
    assert wire_json(payload) == _standard(payload)


def test_integer_keys_are_written_as_strings_as_the_standard_module_does() -> None:
    assert wire_json({1: "a", "2": [3]}) == _standard({1: "a", "2": [3]})


def test_tuples_are_lists() -> None:
    assert wire_json({"t": ("a", 1)}) == _standard({"t": ("a", 1)})
