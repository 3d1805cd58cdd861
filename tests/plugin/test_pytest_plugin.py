"""The `cpd_sandbox` fixture, as a provider's suite meets it: each case runs a pytest session of its own
(pytester) against the plugin registered by the package's `pytest11` entry point."""

from __future__ import annotations

import json

import pytest

from sandbox.cli import _providers
from tests.support.readme import named_python_block

SMALL_WORLD_INI = """
[pytest]
cpd_sandbox_seed = 2
cpd_sandbox_participants = 5
"""


def test_the_readme_example_passes_and_its_second_test_sees_a_clean_world(pytester: pytest.Pytester):
    pytester.makepyfile(test_provider_sync=named_python_block("test_provider_sync.py"))
    result = pytester.runpytest("-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=2)
    # In file order: the write first, then the test that must not see it.
    result.stdout.re_match_lines(
        [r".*::test_a_started_declaration_is_accepted PASSED", r".*::test_the_next_test_.* PASSED"]
    )


def test_ini_keys_choose_the_world_and_the_fixture_offers_providers_tokens_and_clocks(
    pytester: pytest.Pytester,
):
    pytester.makeini(SMALL_WORLD_INI)
    pytester.makepyfile(
        f"""
        from datetime import UTC, datetime

        import pytest

        EXPECTED = {json.dumps(_providers(2, 5))!r}

        def test_the_world_is_the_configured_one(cpd_sandbox):
            import json
            assert (cpd_sandbox.seed, cpd_sandbox.participants) == (2, 5)
            assert cpd_sandbox.providers == json.loads(EXPECTED)
            assert cpd_sandbox.base_url.startswith("http://127.0.0.1:")
            world = cpd_sandbox.control("GET", "/world")["data"]
            assert (world["seed"], world["participants"]) == (2, 5)

        def test_tokens_by_name_or_id(cpd_sandbox):
            first = cpd_sandbox.providers[0]
            assert cpd_sandbox.token_for(first["name"]) == first["token"]
            assert cpd_sandbox.token_for(first["id"]) == first["token"]
            assert cpd_sandbox.headers_for(first["id"]) == {{"Authorization": "Bearer " + first["token"]}}
            with pytest.raises(KeyError, match="no lead provider"):
                cpd_sandbox.token_for("Nobody")

        def test_clocks_move_and_come_back(cpd_sandbox):
            name = cpd_sandbox.providers[0]["name"]
            clock = cpd_sandbox.set_clock(name, datetime(2025, 1, 10, 10, 0, tzinfo=UTC))
            assert clock["now"].startswith("2025-01-10T10:0") and not clock["real_time"]
            assert cpd_sandbox.advance_clock(name, days=2, hours=1)["now"].startswith("2025-01-12T11:0")
            assert cpd_sandbox.real_time(name)["real_time"]
            with pytest.raises(ValueError, match="time zone"):
                cpd_sandbox.set_clock(name, datetime(2025, 1, 10))
            cpd_sandbox.set_clock(name, "2030-01-01T00:00:00Z")

        def test_the_next_test_finds_every_clock_at_real_time(cpd_sandbox):
            for provider in cpd_sandbox.providers:
                path = "/providers/" + provider["id"] + "/clock"
                assert cpd_sandbox.control("GET", path)["data"]["real_time"]
        """
    )
    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=4)


def test_the_command_line_option_wins_over_the_ini_key(pytester: pytest.Pytester):
    pytester.makeini(SMALL_WORLD_INI)
    pytester.makepyfile(
        f"""
        def test_seed(cpd_sandbox):
            assert cpd_sandbox.seed == 3
            assert cpd_sandbox.providers[0]["token"] == {_providers(3, 5)[0]["token"]!r}
        """
    )
    pytester.runpytest("-p", "no:cacheprovider", "--cpd-sandbox-seed", "3").assert_outcomes(passed=1)


def test_a_bad_setting_is_a_usage_error_naming_it(pytester: pytest.Pytester):
    pytester.makeini("[pytest]\ncpd_sandbox_participants = lots\n")
    pytester.makepyfile("def test_uses_it(cpd_sandbox):\n    pass\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cpd_sandbox_participants must be a whole number, not 'lots'*"])


def test_a_suite_that_never_asks_for_the_fixture_imports_no_sandbox(pytester: pytest.Pytester):
    # A separate process: this one has imported the whole sandbox already.
    pytester.makepyfile(
        """
        import sys

        def test_nothing_of_the_sandbox_is_loaded():
            loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"sandbox", "connexion", "uvicorn"})
            assert loaded == ["sandbox", "sandbox.pytest_plugin"]
        """
    )
    pytester.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)
