"""The Python and TypeScript SDKs write the same checkpoint: an intent begun by a worker
in one language is finished by a worker in the other, and no finished step runs again.

Both workers here use short leases: a stopped worker abandons its long poll in flight, and
on a loaded machine the server can still hand that poll an intent before it notices the
request is gone; the intent is then held until that lease expires."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, Server, StartWorker, pending_approval, until

from axme_durable import AxmeClient, IntentRun, IntentStatus

TS_WORKER = """
import { createClient } from %(client)s;
const [url, type] = process.argv.slice(2);
const axme = createClient({ url });
const worker = axme.worker({ types: [type], waitSeconds: 1, leaseSeconds: 3 }, async (run) => {
  const draft = await run.step('draft', () => { console.log('TS DRAFT'); return { text: 'drafted in TypeScript' }; });
  const decision = await run.requestApproval({ title: 'Send it?' });
  const signal = await run.waitForSignal('go');
  const sent = await run.step('send', () => { console.log('TS SEND'); return 'sent from TypeScript'; });
  return { draft, approved: decision.approved, by: decision.resolvedBy, payload: signal.payload, sent };
});
console.log('ts worker ready');
process.on('SIGTERM', () => void worker.stop().then(() => process.exit(0)));
"""


class TsWorker:
    def __init__(self, url: str, intent_type: str, folder: Path) -> None:
        script = folder / "worker.ts"
        client = str(ROOT / "packages" / "client" / "src" / "index.ts")
        script.write_text(TS_WORKER % {"client": repr(client)})
        self.log = folder / "ts-worker.log"
        with open(self.log, "w") as out:
            self.proc = subprocess.Popen(
                ["sh", "scripts/node.sh", str(script), url, intent_type],
                cwd=ROOT,
                env={**os.environ},
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text()

    async def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        code = await asyncio.to_thread(self.proc.wait, 60)
        assert code == 0, self.output()


@pytest.fixture
def ts_workers() -> Iterator[list[TsWorker]]:
    started: list[TsWorker] = []
    yield started
    for w in started:
        if w.proc.poll() is None:
            os.killpg(w.proc.pid, signal.SIGKILL)
            w.proc.wait()


def python_handler(calls: dict[str, int]) -> Any:
    """The TypeScript handler above, in Python: the same steps and waits in the same order."""

    async def handle(run: IntentRun) -> dict[str, Any]:
        def draft() -> dict[str, str]:
            calls["draft"] += 1
            return {"text": "drafted in Python"}

        def send() -> str:
            calls["send"] += 1
            return "sent from Python"

        drafted = await run.step("draft", draft)
        decision = await run.request_approval("Send it?")
        sig = await run.wait_for_signal("go")
        sent = await run.step("send", send)
        return {
            "draft": drafted,
            "approved": decision.approved,
            "by": decision.resolved_by,
            "payload": sig.payload,
            "sent": sent,
        }

    return handle


async def waiting_for(client: AxmeClient, intent_id: str, what: str) -> None:
    async def check() -> bool:
        now = await client.get(intent_id)
        return (
            now is not None
            and now.status is IntentStatus.WAITING
            and now.waiting_for is not None
            and (now.waiting_for.value == what)
        )

    await until(check, f"the intent to wait for {what}", timeout=60)


async def test_typescript_begins_and_python_finishes(
    server: Server,
    client: AxmeClient,
    intent_type: str,
    start_worker: StartWorker,
    ts_workers: list[TsWorker],
    tmp_path: Path,
) -> None:
    ts = TsWorker(server.url, intent_type, tmp_path)
    ts_workers.append(ts)
    intent = await client.submit(intent_type)
    approval_id = await pending_approval(client, intent.id)
    await ts.stop()
    assert ts.output().count("TS DRAFT") == 1

    calls = {"draft": 0, "send": 0}
    start_worker(python_handler(calls), types=[intent_type])
    await client.approve(approval_id, resolved_by="alice")
    await waiting_for(client, intent.id, "SIGNAL")
    await client.signal(intent.id, "go", {"n": 1})
    done = await client.result(intent.id, timeout=60)
    assert done.status is IntentStatus.COMPLETED
    assert done.output == {
        "draft": {"text": "drafted in TypeScript"},
        "approved": True,
        "by": "alice",
        "payload": {"n": 1},
        "sent": "sent from Python",
    }
    assert calls == {"draft": 0, "send": 1}


async def test_python_begins_and_typescript_finishes(
    server: Server,
    client: AxmeClient,
    intent_type: str,
    start_worker: StartWorker,
    ts_workers: list[TsWorker],
    tmp_path: Path,
) -> None:
    calls = {"draft": 0, "send": 0}
    py = start_worker(python_handler(calls), types=[intent_type], lease_seconds=3)
    intent = await client.submit(intent_type)
    approval_id = await pending_approval(client, intent.id)
    await client.approve(approval_id, resolved_by="bob")
    await waiting_for(client, intent.id, "SIGNAL")  # Python took the decision and waits on
    await py.stop()

    ts = TsWorker(server.url, intent_type, tmp_path)
    ts_workers.append(ts)
    await client.signal(intent.id, "go", {"n": 2})
    done = await client.result(intent.id, timeout=60)
    await ts.stop()
    assert done.status is IntentStatus.COMPLETED, ts.output()
    assert done.output == {
        "draft": {"text": "drafted in Python"},
        "approved": True,
        "by": "bob",
        "payload": {"n": 2},
        "sent": "sent from TypeScript",
    }
    assert calls == {"draft": 1, "send": 0}
    assert "TS DRAFT" not in ts.output()
    assert ts.output().count("TS SEND") == 1
