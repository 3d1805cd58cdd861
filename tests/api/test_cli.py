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


def test_reset_and_clock_commands_drive_a_running_sandbox(capsys):
    from sandbox.app import create_app
    from sandbox.serving import BackgroundServer
    from tests.conftest import make_state

    state = make_state(participants=10)
    state.admin_token = "cli-admin"
    with BackgroundServer(create_app(state=state)) as server:
        url = server.url
        provider = next(iter(state.store.lead_providers.values()))
        common = ["--url", url, "--token", "cli-admin", "--provider", provider.id]
        assert main(["clock", *common, "--advance", "1d,6h"]) == 0
        assert json.loads(capsys.readouterr().out)["data"]["offset_seconds"] == 30 * 3600
        assert main(["clock", *common, "--at", "2027-01-01T00:00:00Z"]) == 0
        assert json.loads(capsys.readouterr().out)["data"]["real_time"] is False
        assert main(["reset", *common]) == 0
        assert json.loads(capsys.readouterr().out)["data"]["lead_provider_id"] == provider.id
        assert state.clock.offset(provider.id).total_seconds() == 0
        assert main(["reset", "--url", url, "--token", provider.token]) == 1
        assert "403" in capsys.readouterr().err
        profile_id, partnership_id = _movable(state, provider)
        move = [
            "transfer",
            profile_id,
            "--url",
            url,
            "--token",
            "cli-admin",
            "--to-partnership",
            partnership_id,
        ]
        assert main([*move, "--leaving", "2026-12-18", "--joining", "2027-01-04"]) == 0
        assert json.loads(capsys.readouterr().out)["data"]
        transfers = _v3_transfers(url, provider)
        assert any(
            t["training_record_id"] == profile_id
            for item in transfers
            for t in item["attributes"]["transfers"]
        )


def _movable(state, provider) -> tuple[str, str]:
    """An ECT actively training with the provider, and another provider's partnership to move to."""
    store = state.store
    for record in store.induction_records.values():
        partnership = store.partnerships[record.partnership_id]
        profile = store.ecf_profiles[record.profile_id]
        if (
            partnership.lead_provider_id == provider.id
            and profile.participant_type == "ect"
            and record.end_date is None
            and record.induction_status == "active"
            and not partnership.challenged
        ):
            for target in store.partnerships.values():
                if (
                    target.lead_provider_id != provider.id
                    and target.cohort == record.cohort
                    and target.school_id != partnership.school_id
                    and not target.challenged
                    and not target.relationship
                ):
                    return profile.id, target.id
    raise AssertionError("the world has no ECT to move")


def _v3_transfers(url: str, provider) -> list[dict]:
    import urllib.request

    request = urllib.request.Request(
        f"{url}/api/v3/participants/ecf/transfers?page[per_page]=3000",
        headers={"Authorization": f"Bearer {provider.token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]
