"""The package as a user gets it: build the wheel, install it into a fresh virtual
environment outside the repository, and run a worker with run.step against the live
server from there. Deselect with ``-m 'not wheel'`` (it installs the runtime
dependencies from the package index)."""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Server

SDK = Path(__file__).resolve().parents[1]
REPO = SDK.parents[1]

SCRIPT = """
import asyncio, json, sys
import axme_durable
from axme_durable import AxmeClient, IntentRun

calls = []

async def main(url: str, intent_type: str) -> None:
    async with AxmeClient(url) as axme:
        async def handle(run: IntentRun) -> dict:
            def shout() -> str:
                calls.append(run.attempt)
                return run.input["word"].upper()
            loud = await run.step("shout", shout)
            if run.attempt == 1:
                raise RuntimeError("crash after the step")   # the retry must not shout again
            return {"loud": loud, "attempt": run.attempt}

        async with axme.worker(handle, types=[intent_type], wait_seconds=1):
            intent = await axme.submit(intent_type, {"word": "durable"}, retry={"initialIntervalSeconds": 0.1})
            done = await axme.result(intent.id, timeout=60)
    print(json.dumps({
        "module": axme_durable.__file__,
        "python": list(sys.version_info[:2]),
        "status": done.status.value,
        "output": done.output,
        "calls": calls,
    }))

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


def oldest_python() -> str:
    """The oldest Python >= 3.10 at hand (AXME_WHEEL_PYTHON wins), to show the floor works."""
    if os.environ.get("AXME_WHEEL_PYTHON"):
        return os.environ["AXME_WHEEL_PYTHON"]
    candidates = [shutil.which(f"python3.{minor}") or "" for minor in (10, 11, 12, 13)]
    candidates += sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1[0-9]*/bin/python3")))
    found: list[tuple[list[int], str]] = []
    for c in filter(None, candidates):
        probe = subprocess.run(
            [c, "-c", "import sys, venv, json; print(json.dumps(list(sys.version_info[:2])))"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and json.loads(probe.stdout) >= [3, 10]:
            found.append((json.loads(probe.stdout), c))
    return min(found)[1] if found else sys.executable


@pytest.fixture
def outside() -> Iterator[Path]:
    """A scratch folder outside the repository, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="axme-wheel-"))
    assert REPO not in path.parents
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{cmd} failed:\n{done.stdout}\n{done.stderr}"
    return done  # type: ignore[no-any-return]


@pytest.mark.wheel
def test_the_built_wheel_installs_into_a_fresh_venv_and_runs_a_worker(
    server: Server, outside: Path, intent_type: str
) -> None:
    dist = outside / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(SDK)])
    [wheel] = dist.glob("axme_durable-*-py3-none-any.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "axme_durable/py.typed" in names
    assert "axme_durable/generated/client.py" in names
    assert not [n for n in names if n.startswith(("tests/", "tools/", "codegen/"))]

    python = oldest_python()
    venv = outside / "venv"
    run([python, "-m", "venv", str(venv)])
    vpy = venv / "bin" / "python"
    run([str(vpy), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)])
    (outside / "agent.py").write_text(SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = run([str(vpy), "agent.py", server.url, intent_type], cwd=outside, env=env, timeout=120)
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert Path(report["module"]).is_relative_to(venv)  # the installed wheel, not the repository
    assert report["python"] >= [3, 10]
    assert report["status"] == "COMPLETED"
    assert report["output"] == {"loud": "DURABLE", "attempt": 2}
    assert report["calls"] == [1]  # the step ran once, on the first attempt
