"""The research-agent example end to end (the Python twin of test/example.test.ts): a
real server, a fake OpenAI-compatible chat endpoint, and the worker as a child process
that is SIGKILLed in the middle of an LLM call. Another worker finishes the run, a human
approves, and no LLM call that had finished is made again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import Server, pending_approval

from axme_durable import AxmeClient, IntentEventKind, IntentStatus, WaitingFor

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "research_agent.py"


class FakeChat:
    """Counts calls per prompt and never answers call number ``hang_on_call``."""

    def __init__(self, hang_on_call: int) -> None:
        self.calls: dict[str, int] = {}
        self.temperatures: list[float] = []
        self.total = 0
        self.hang_on_call = hang_on_call
        self.hang_started = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                system, user = body["messages"][0]["content"], body["messages"][1]["content"]
                step = "plan" if "planner" in system else f"research: {user}" if "researcher" in system else "draft"
                with fake.lock:
                    fake.calls[step] = fake.calls.get(step, 0) + 1
                    fake.temperatures.append(body["temperature"])
                    fake.total += 1
                    hang = fake.total == fake.hang_on_call
                if hang:
                    fake.hang_started.set()
                    fake.release.wait(120)  # no answer until released (the killed worker never gets one)
                content = (
                    "1. Q1?\n2. Q2?\n3. Q3?"
                    if step == "plan"
                    else "The final answer."
                    if step == "draft"
                    else f"Notes on {user}"
                )
                out = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
                try:
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                except OSError:
                    pass  # the worker that asked is gone

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_chat() -> Iterator[FakeChat]:
    fake = FakeChat(hang_on_call=2)  # the 2nd call (research on Q1) hangs
    yield fake
    fake.close()


class WorkerProcess:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(EXAMPLE)],
                env={**os.environ, **env},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def output(self) -> str:
        return self.log.read_text()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


@pytest.fixture
def workers() -> Iterator[list[WorkerProcess]]:
    started: list[WorkerProcess] = []
    yield started
    for w in started:
        w.kill()


async def test_survives_a_sigkill_mid_step_and_no_finished_llm_call_runs_again(
    server: Server, client: AxmeClient, fake_chat: FakeChat, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    env = {
        "AXME_URL": server.url,
        "OPENAI_BASE_URL": fake_chat.url,
        "OPENAI_API_KEY": "test",
        "OPENAI_MODEL": "fake",
        # the default 60 s lease: the restarted worker announces the same identity, so the
        # killed one's session ends and its lease goes back at once, not after 60 s
        "AXME_WORKER_IDENTITY": "research-agent-py@test",
    }
    first = WorkerProcess(env, tmp_path / "first.log")
    workers.append(first)
    intent = await client.submit("research.answer", {"question": "Why is the sky blue?"}, max_attempts=5)
    if not await asyncio.to_thread(fake_chat.hang_started.wait, 60):
        raise AssertionError(f"the worker never reached the 2nd call:\n{first.output()}")
    saved = await client.steps(intent.id)
    assert saved is not None
    assert sorted(s.name for s in saved if s.status.value == "COMPLETED") == ["angle", "plan"]
    first.kill()

    restarted_at = time.monotonic()
    second = WorkerProcess(env, tmp_path / "second.log")
    workers.append(second)
    while sum(e.kind is IntentEventKind.CLAIMED for e in await client.events(intent.id)) < 2:
        assert time.monotonic() - restarted_at < 30, f"the restarted worker never reclaimed:\n{second.output()}"
        await asyncio.sleep(0.05)
    reclaim = time.monotonic() - restarted_at
    print(f"SIGKILL + restart (Python): reclaimed {reclaim:.2f} s after the restart (lease 60 s)")
    assert reclaim < 10
    approval_id = await pending_approval(client, intent.id)
    approval = await client.approval(approval_id)
    assert approval is not None
    assert approval.description == "The final answer."
    waiting = await client.get(intent.id)
    assert waiting is not None
    assert waiting.lease is None  # nobody holds it while the human decides

    await client.resolve_approval(approval_id, "approve", comment="good", resolved_by="tester")
    done = await client.result(intent.id, timeout=60)

    assert done.status is IntentStatus.COMPLETED, second.output()
    output: Any = done.output
    assert {k: output[k] for k in ("sent", "answer", "approvedBy", "comment")} == {
        "sent": True,
        "answer": "The final answer.",
        "approvedBy": "tester",
        "comment": "good",
    }
    final = await client.steps(intent.id, with_output=True)
    assert final is not None
    assert next(s.output for s in final if s.name == "angle") == output["angle"]
    # the killed call ran twice; every call that had finished ran once
    assert fake_chat.calls == {"plan": 1, "research: Q1?": 2, "research: Q2?": 1, "research: Q3?": 1, "draft": 1}
    assert all(t > 0 for t in fake_chat.temperatures)
    assert second.output().count("SENT ") == 1
    assert "SENT " not in first.output()
    kinds = [e.kind for e in await client.events(intent.id)]
    assert IntentEventKind.LEASE_RELEASED in kinds
    assert IntentEventKind.LEASE_EXPIRED not in kinds
    assert kinds.count(IntentEventKind.COMPLETED) == 1


async def test_sigterm_lets_the_run_in_hand_finish_then_exits(
    server: Server, client: AxmeClient, fake_chat: FakeChat, workers: list[WorkerProcess], tmp_path: Path
) -> None:
    env = {"AXME_URL": server.url, "OPENAI_BASE_URL": fake_chat.url, "AXME_LEASE_SECONDS": "30"}
    fake_chat.hang_on_call = 1  # the plan call hangs until released
    worker = WorkerProcess(env, tmp_path / "worker.log")
    workers.append(worker)
    intent = await client.submit("research.answer", {"question": "Does SIGTERM drain?"})
    if not await asyncio.to_thread(fake_chat.hang_started.wait, 60):
        raise AssertionError(f"the worker never called the chat endpoint:\n{worker.output()}")
    worker.proc.send_signal(signal.SIGTERM)
    await asyncio.sleep(0.5)
    assert worker.proc.poll() is None  # still busy with the intent in hand
    fake_chat.release.set()
    code = await asyncio.to_thread(worker.proc.wait, 60)
    assert code == 0, worker.output()
    assert "stopping" in worker.output()
    # the run went on to its durable wait, and nothing claims it any more
    now = await client.get(intent.id)
    assert now is not None
    assert (now.status, now.waiting_for) == (IntentStatus.WAITING, WaitingFor.APPROVAL)
    assert fake_chat.calls == {"plan": 1, "research: Q1?": 1, "research: Q2?": 1, "research: Q3?": 1, "draft": 1}
