"""The `cpd-sandbox` command: tokens listing and argument checks (serving is covered by the app)."""

from __future__ import annotations

import json

from sandbox.cli import main


def _tokens(capsys, *args: str) -> list[dict]:
    assert main(["tokens", "--json", "--participants", "10", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_tokens_json_lists_every_provider_with_name_id_and_token(capsys):
    providers = _tokens(capsys)
    assert len(providers) >= 5
    for provider in providers:
        assert {"name", "id", "token"} <= provider.keys()
    assert providers[0]["ecf"] and providers[0]["npq"]
    assert providers[1]["ecf"] and providers[1]["npq"]


def test_tokens_are_deterministic_per_seed(capsys):
    first = _tokens(capsys, "--seed", "7")
    again = _tokens(capsys, "--seed", "7")
    other = _tokens(capsys, "--seed", "8")
    assert first == again
    assert {p["token"] for p in first}.isdisjoint(p["token"] for p in other)


def test_tokens_plain_output_names_each_provider(capsys):
    assert main(["tokens", "--participants", "10"]) == 0
    out = capsys.readouterr().out
    assert "Ambition Institute" in out and "ECF+NPQ" in out


def test_participants_must_be_positive(capsys):
    assert main(["tokens", "--participants", "0"]) == 2
    assert "--participants" in capsys.readouterr().err
