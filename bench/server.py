"""A real sandbox server for the benchmarks: `cpd-sandbox serve` (uvicorn, one worker) on 127.0.0.1.

The bench starts it on a free port, waits for `/healthcheck`, and always stops it itself (SIGINT, then
SIGKILL if it has not gone within a few seconds).
"""

from __future__ import annotations

import json
import signal
import subprocess
import tempfile
import time
from typing import Any

import httpx

from bench.common import PYTHON, ROOT, free_port


def cli_command(*args: str) -> list[str]:
    """`cpd-sandbox ARGS`, spelled `python -m sandbox.cli ARGS` (the same `main()` the installed script
    calls) so that, run from ROOT, it serves the tree the bench sits in even when that is not the tree
    installed in the venv (a snapshot of a commit, say)."""
    return [PYTHON, "-m", "sandbox.cli", *args]


def provider_tokens(seed: int, participants: int) -> list[dict[str, Any]]:
    done = subprocess.run(
        cli_command("tokens", "--json", "--seed", str(seed), "--participants", str(participants)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    return json.loads(done.stdout)


class SandboxServer:
    """`with SandboxServer(participants=300) as server:` gives `server.base_url` and `server.pid`."""

    def __init__(
        self,
        seed: int = 1,
        participants: int = 300,
        log_level: str = "warning",
        start_timeout: float = 120,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.extra_args = extra_args
        self.seed = seed
        self.participants = participants
        self.log_level = log_level
        self.start_timeout = start_timeout
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.ready_after_s: float | None = None
        self._log = tempfile.TemporaryFile()

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self) -> float:
        """Start the server and return the seconds from spawn to the first 200 from /healthcheck."""
        command = cli_command(
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--seed",
            str(self.seed),
            "--participants",
            str(self.participants),
            "--log-level",
            self.log_level,
            *self.extra_args,
        )
        started = time.perf_counter()
        # Output goes to a file, never to a pipe nobody reads (a full pipe would block the server).
        self.process = subprocess.Popen(command, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = started + self.start_timeout
        with httpx.Client(timeout=1.0) as client:
            while time.perf_counter() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"server exited with {self.process.returncode}:\n{self.output()}")
                try:
                    if client.get(f"{self.base_url}/healthcheck").status_code == 200:
                        self.ready_after_s = time.perf_counter() - started
                        return self.ready_after_s
                except httpx.TransportError:
                    pass
                time.sleep(0.01)
        self.stop()
        raise RuntimeError(f"server did not answer /healthcheck within {self.start_timeout} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def output(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-3000:]

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
        self._log.close()
