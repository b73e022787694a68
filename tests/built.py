"""Test homes built once per test run and shared by its processes (the xdist workers).

Building the small authority, storing its assurance, or simulating the demo's ten years
takes seconds to tens of seconds; each worker used to build its own. Now the first
process to ask builds it (under a file lock) in the run's directory, the others wait and
reuse it, and each takes a private copy to work in: tests write to their homes (accounts,
the access log, audits), and no process may see another's writes.

The run's directory is named by ``LANTERN_TEST_RUN``, set by the controlling process
(`tests.conftest`) before the workers start, and removed when the run ends.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

RUN_VARIABLE = "LANTERN_TEST_RUN"
_DONE = ".built.json"  # written last: a home without it was not finished


def run_dir() -> Path:
    """This run's shared directory (one per process when run outside pytest)."""
    run = os.environ.get(RUN_VARIABLE) or f"pid{os.getpid()}"
    path = Path(tempfile.gettempdir()) / f"lantern-tests-{run}"
    path.mkdir(exist_ok=True)
    return path


def built_once(name: str, build: Callable[[Path], dict[str, Any]]) -> tuple[Path, dict[str, Any]]:
    """The directory ``name`` as ``build`` fills it, and what ``build`` returned (JSON),
    built by the first process of the run that asks for it."""
    root = run_dir()
    home = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        done = home / _DONE
        if not done.exists():
            shutil.rmtree(home, ignore_errors=True)  # a build that died part way
            home.mkdir()
            facts = build(home)
            done.write_text(json.dumps(facts), "utf-8")
    return home, json.loads(done.read_text("utf-8"))


def private_copy(src: Path, prefix: str) -> Path:
    """A copy of ``src`` that only this process uses, inside the run's directory."""
    dst = Path(tempfile.mkdtemp(prefix=f"{prefix}-", dir=run_dir()))
    shutil.copytree(src, dst, dirs_exist_ok=True, ignore=shutil.ignore_patterns(_DONE))
    return dst
