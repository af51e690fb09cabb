"""The README stays true: every `nocrx` command it shows runs, and the first answer it prints is real."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
# Commands that start a server or re-import the shared data are exercised by their own tests.
NOT_RUN_HERE = ("nocrx serve", "nocrx data import", "nocrx data download", "--engine dask")
WITH_STORE = ("check", "code", "render", "scrub")


def readme_commands() -> list[str]:
    commands = []
    for line in README.splitlines():
        text = line.strip()
        if "&& nocrx " in text:
            text = "nocrx " + text.rsplit("&& nocrx ", 1)[1]
        if text.startswith("nocrx ") and not any(skip in text for skip in NOT_RUN_HERE):
            commands.append(re.split(r"\s+#\s", text, maxsplit=1)[0].strip())
    return commands


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A folder laid out like a clone: examples/ here, the shared folder beside it."""
    root = tmp_path_factory.mktemp("readme")
    (root / "shared").symlink_to(shared_data.parent)
    work = root / "work"
    work.mkdir()
    (work / "examples").symlink_to(REPO / "examples")
    return work


def run(command: str, workdir: Path, store: Path) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(command)
    if argv[1] in WITH_STORE:
        argv += ["--db", str(store)]
    env = dict(os.environ, NOCRX_DB=str(store))
    return subprocess.run(
        [sys.executable, "-m", "nocrx", *argv[1:]], cwd=workdir, env=env, capture_output=True, text=True,
        timeout=600, check=False,
    )  # fmt: skip


def test_the_readme_shows_commands() -> None:
    assert len(readme_commands()) >= 10


@pytest.mark.parametrize("command", readme_commands())
def test_every_readme_command_runs(command: str, workdir: Path, loaded_store_path: Path) -> None:
    done = run(command, workdir, loaded_store_path)
    assert done.returncode in (0, 1), done.stderr  # 1 = the line or file has error findings
    assert "Traceback" not in done.stderr
    assert done.stdout.strip() or list(workdir.iterdir())


def test_the_first_answer_is_what_the_readme_prints(workdir: Path, loaded_store_path: Path) -> None:
    first = next(c for c in readme_commands() if c.startswith("nocrx code"))
    output = run(first, workdir, loaded_store_path).stdout.splitlines()
    shown = re.search(r"and answers:\n\n((?:    .*\n)+)", README)
    assert shown is not None
    promised = [row[4:] for row in shown.group(1).splitlines()][:5]
    assert output[:5] == promised
