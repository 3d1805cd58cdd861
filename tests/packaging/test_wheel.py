"""The package as a user gets it: the wheel built from this checkout, installed with its real
dependencies into a fresh virtualenv outside the checkout, run from another directory.

Slow by nature (one build and one install per run, quick with pip's cache); deselect with
`-m "not packaging"`. CI runs it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.support.readme import named_python_block

pytestmark = pytest.mark.packaging

CHECKOUT = Path(__file__).resolve().parents[2]
# What the wheel is built from; anything else in the checkout must not matter.
SOURCES = ("pyproject.toml", "README.md", "sandbox")
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Installed:
    def __init__(self, venv: Path, elsewhere: Path) -> None:
        self.venv = venv
        self.elsewhere = elsewhere  # a working directory with nothing of ours in it
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CPD_SANDBOX_")}
        self.env.pop("PYTHONPATH", None)

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def run(self, *command: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.elsewhere,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("packaging")
    source = root / "cpd-sandbox"
    source.mkdir()
    for name in SOURCES:
        copy = shutil.copytree if (CHECKOUT / name).is_dir() else shutil.copy2
        copy(CHECKOUT / name, source / name, **_skip_caches(name))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    # Built from a copy so the build leaves nothing in the checkout; with the setuptools the test
    # extra installs, rather than an isolated build environment fetched for every run.
    _check(*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(root / "dist"), str(source))
    (wheel,) = (root / "dist").glob("cpd_sandbox-*.whl")
    venv = root / "venv"
    _check(sys.executable, "-m", "venv", "--without-pip", str(venv))
    # A real install: pip resolves every dependency the wheel declares (pip's cache makes it quick);
    # pytest too, for the provider's test file.
    _check(
        *pip, "--python", str(venv / "bin" / "python"), "install", "-q", "--no-compile", str(wheel), "pytest"
    )
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    return Installed(venv, elsewhere)


def _skip_caches(name: str) -> dict[str, object]:
    return {"ignore": shutil.ignore_patterns("__pycache__")} if name == "sandbox" else {}


def _check(*command: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str, token: str | None = None) -> tuple[int, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    try:
        with DIRECT.open(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_the_installed_command_works_from_another_directory(installed: Installed):
    where = installed.run(installed.bin("python"), "-c", "import sandbox; print(sandbox.__file__)")
    assert where.stdout.startswith(str(installed.venv)), where
    assert installed.run(installed.bin("cpd-sandbox"), "--version").stdout.strip() == "cpd-sandbox 0.1.0"
    module = installed.run(installed.bin("python"), "-m", "sandbox", "--version")
    assert module.stdout.strip() == "cpd-sandbox 0.1.0", module
    tokens = installed.run(installed.bin("cpd-sandbox"), "tokens", "--json", CPD_SANDBOX_PARTICIPANTS="5")
    assert tokens.returncode == 0, tokens.stderr
    providers = json.loads(tokens.stdout)
    assert len(providers) == 7 and all(len(p["token"]) == 32 for p in providers)


def test_importing_the_package_prints_no_warning_and_needs_no_test_dependency(installed: Installed):
    # The request journal's verdicts need openapi-core at run time; Schemathesis only `verify` needs.
    imports = "import sandbox.app, sandbox.cli, sandbox.pytest_plugin, sandbox.requests_journal.verdicts"
    result = installed.run(installed.bin("python"), "-c", imports)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    missing = installed.run(installed.bin("python"), "-c", "import schemathesis")
    assert "No module named 'schemathesis'" in missing.stderr


def test_serve_answers_a_list_from_another_directory_and_refuses_a_busy_port(installed: Installed):
    port = _free_port()
    root = f"http://127.0.0.1:{port}"
    token = json.loads(
        installed.run(installed.bin("cpd-sandbox"), "tokens", "--json", CPD_SANDBOX_PARTICIPANTS="5").stdout
    )[0]["token"]
    # The flag wins over the variable (port 1 cannot be served); the other options come from variables.
    env = {
        **installed.env,
        "CPD_SANDBOX_PORT": "1",
        "CPD_SANDBOX_PARTICIPANTS": "5",
        "CPD_SANDBOX_ADMIN_TOKEN": "wheel-admin",
    }
    server = subprocess.Popen(
        [installed.bin("cpd-sandbox"), "serve", "--port", str(port), "--log-level", "warning"],
        cwd=installed.elsewhere,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(f"{root}/healthcheck", server)
        status, body = _get(f"{root}/api/v3/participants/ecf?page[per_page]=2", token)
        assert status == 200 and len(json.loads(body)["data"]) == 2
        assert _get(f"{root}/sandbox/world", "wheel-admin")[0] == 200
        status, spec = _get(f"{root}/lead-providers/api-docs/v3/api_spec.yml")
        assert status == 200 and f'url: "{root}/api/v3"'.encode() in spec
        assert _get(f"{root}/api/v3/ui/")[0] == 200
        assert _get(f"{root}/api/v3/ui/swagger-ui-bundle.js")[0] == 200
        busy = installed.run(installed.bin("cpd-sandbox"), "serve", "--port", str(port))
        assert busy.returncode == 2 and busy.stdout == ""
        assert busy.stderr.splitlines() == [
            f"cpd-sandbox: cannot listen on 127.0.0.1:{port}: the port is already in use "
            "(choose another with --port or $CPD_SANDBOX_PORT)"
        ]
    finally:
        server.terminate()
        out, err = server.communicate(timeout=30)
    assert "Traceback" not in out + err and "Warning" not in err, err
    assert f"Serving on {root}" in out


def test_a_providers_test_file_passes_with_only_the_package_and_pytest(installed: Installed):
    (installed.elsewhere / "test_provider_sync.py").write_text(named_python_block("test_provider_sync.py"))
    result = installed.run(installed.bin("python"), "-m", "pytest", "-q", "-p", "no:cacheprovider")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout and "warning" not in result.stdout.lower(), result.stdout


def _wait_for(url: str, server: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"serve exited: {server.communicate()}")
        try:
            if _get(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"nothing answered on {url}")
