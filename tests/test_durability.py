"""A killed process never loses or corrupts data.

Writers that never close their store are SIGKILLed at seeded random moments: while a fresh
database is created and migrated, while the demo is written, inside a multi-million-row CSV upload through the Data page's path
and while a large dataset is deleted. Every database is then reopened by another process that
has no network at all (DuckDB must not try to download anything to replay its log), and must
hold exactly what it held before the write or exactly what the finished write leaves.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analytics.demo import DEMO_NAME

KILL_CHILD = str(Path(__file__).with_name("kill_child.py"))
BIG_ROWS = 2_000_000
BIG_SUM = BIG_ROWS * (BIG_ROWS + 1) / 2
KILLS = {"migrations": 6, "demo": 6, "upload": 5, "delete": 5}

pytestmark = pytest.mark.skipif(shutil.which("unshare") is None, reason="needs util-linux unshare to cut the network")


class ForkServer:
    """Drives tests/kill_child.py: one forked writer per request, killed by pid."""

    def __init__(self, folder: Path):
        self.process = subprocess.Popen([sys.executable, KILL_CHILD, "serve", str(BIG_ROWS), str(folder)],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdout.readline().strip() == "ready"

    def start(self, **request) -> int:
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        while True:  # a killed writer may have announced "done" just before it died
            pid, event = self.process.stdout.readline().split()
            if event == "start":
                return int(pid)

    def wait_done(self, pid: int) -> None:
        assert self.process.stdout.readline().split() == [str(pid), "done"]

    def close(self) -> None:
        self.process.kill()
        self.process.wait(timeout=30)


def kill(pid: int) -> None:
    os.kill(pid, 9)


def copy_database(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True)
    for suffix in ("", ".wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{target}{suffix}")
    return target


def reopen_offline(paths: list[Path]) -> dict:
    """Open every database in a process inside a new, empty network namespace."""
    unshare = ["unshare", "--net"] if os.geteuid() == 0 else ["unshare", "--net", "--map-root-user"]
    result = subprocess.run([*unshare, sys.executable, KILL_CHILD, "check", *map(str, paths)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_sigkill_at_any_write_phase_leaves_the_before_or_the_after_state(tmp_path, demo_database):
    rng = random.Random(20261130)
    server = ForkServer(tmp_path)
    runs: list[tuple[str, Path, float]] = []  # phase, database, seconds after "start" when killed
    durations: dict[str, float] = {}
    try:
        def calibrate(phase: str, path: Path, **request) -> None:
            """One uninterrupted run: how long the phase takes, and the state it leaves."""
            began = time.monotonic()
            pid = server.start(phase=phase, path=str(path), **request)
            server.wait_done(pid)
            durations[phase] = time.monotonic() - began
            kill(pid)

        def kill_during(phase: str, template: Path | None, count: int, **request) -> None:
            for run in range(count):
                path = tmp_path / f"{phase}{run}" / "db.duckdb"
                if template is None:
                    path.parent.mkdir()
                else:
                    copy_database(template, path)
                # stratified over the phase and a little past it, so kills spread over every step
                delay = 1.2 * durations[phase] * (run + rng.random()) / count
                pid = server.start(phase=phase, path=str(path), **request)
                time.sleep(delay)
                kill(pid)
                runs.append((phase, path, delay))

        finished = {phase: tmp_path / f"{phase}-finished" / "db.duckdb" for phase in KILLS}
        finished["migrations"].parent.mkdir()
        finished["demo"].parent.mkdir()
        calibrate("migrations", finished["migrations"])
        calibrate("demo", finished["demo"])
        calibrate("upload", copy_database(demo_database, finished["upload"]))
        big_dataset_id = 2
        calibrate("delete", copy_database(finished["upload"], finished["delete"]), dataset_id=big_dataset_id)

        kill_during("migrations", None, KILLS["migrations"])
        kill_during("demo", None, KILLS["demo"])
        kill_during("upload", demo_database, KILLS["upload"])
        kill_during("delete", finished["upload"], KILLS["delete"], dataset_id=big_dataset_id)
    finally:
        server.close()

    began = time.monotonic()
    report = reopen_offline([*finished.values(), demo_database, *(path for _, path, _ in runs)])
    assert report["network"] is False
    held = report["databases"]
    for path, contents in held.items():
        assert "error" not in contents, (path, contents)
        assert contents["orphan_rows"] == 0, path
        for _, name, rows, _, stored_rows, _ in contents["datasets"]:
            assert rows == stored_rows, (path, name)  # no dataset row without all its transactions

    demo = held[str(demo_database)]["datasets"]
    assert [d[1] for d in demo] == [DEMO_NAME]
    big = held[str(finished["upload"])]["datasets"][-1]
    assert big[1:] == ["big", BIG_ROWS, 100_000, BIG_ROWS, BIG_SUM]
    states = {  # phase: (before, after)
        "migrations": ([], []),
        "demo": ([], demo),
        "upload": (demo, demo + [big]),
        "delete": (demo + [big], demo),
    }
    for phase, (_, after) in states.items():
        assert held[str(finished[phase])]["datasets"] == after, phase
    outcomes: dict[str, list[str]] = {phase: [] for phase in KILLS}
    for phase, path, delay in runs:
        contents = held[str(path)]
        assert contents["datasets"] in states[phase], (phase, delay, contents)
        outcomes[phase].append("after" if contents["datasets"] == states[phase][1] else "before")
    print("reopen seconds:", round(time.monotonic() - began, 1))
    print("kill outcomes:", outcomes, "phase seconds:", {k: round(v, 2) for k, v in durations.items()})
    assert len(runs) >= 20
