"""Lenient reading: what a real document gets wrong is repaired, and each kind of repair is listed once."""

from __future__ import annotations

from sandbox.owner.load import repair
from sandbox.owner.refs import RECURSIVE, resolve


def test_boolean_required_moves_to_the_object_and_is_reported() -> None:
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string", "required": True}, "b": {"type": "string", "required": False}},
    }
    notes = repair({"components": {"schemas": {"S": schema}}})
    assert schema["required"] == ["a"]
    assert "required" not in schema["properties"]["a"] and "required" not in schema["properties"]["b"]
    assert notes == [
        "boolean `required` inside a property, moved to the object's `required` list "
        "(2x, first at #/components/schemas/S/properties/a)"
    ]


def test_a_type_in_the_wrong_case_is_read_in_lower_case_but_examples_are_untouched() -> None:
    schema = {"type": "String", "example": {"type": "participant-declaration"}}
    notes = repair({"s": schema})
    assert schema == {"type": "string", "example": {"type": "participant-declaration"}}
    assert len(notes) == 1 and notes[0].startswith("`type` written in the wrong case")


def test_a_valid_31_nullable_type_list_is_read_without_a_note() -> None:
    schema = {"type": ["string", "null"]}
    assert repair({"s": schema}) == []
    assert schema == {"type": "string", "nullable": True}


def test_recursive_and_missing_references_terminate() -> None:
    document = {
        "components": {
            "schemas": {
                "Node": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}}},
                "Other": {"$ref": "other.yaml#/Thing"},
            }
        }
    }
    notes: list[str] = []
    resolved = resolve(document, notes)
    node = resolved["components"]["schemas"]["Node"]
    assert node["properties"]["next"]["properties"]["next"] == {RECURSIVE: "#/components/schemas/Node"}
    assert notes == [
        "`$ref` other.yaml#/Thing cannot be resolved (only references inside the document are), "
        "compared by name"
    ]
