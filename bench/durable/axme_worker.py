"""Axme's Python worker process for the durable run: the asyncio worker runtime of the
Python SDK (axme_durable) with the same handler as axme-worker.ts: 3 run.step calls, each
recorded before the next starts, the last with the completion. It speaks the bench's line
protocol (a "ready" line, then one JSON answer per command on stdin) and counts its
requests by GraphQL operation, as counting.ts does for the TS worker: by wrapping the
generated client's execute, so that requests go over the SDK's own transport, as a user's
do (an httpx client with an event hook would put every request on httpx)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from typing import Any

from axme_durable import AxmeClient, IntentRun

sent: dict[str, Any] = {"requests": 0, "sockets": 0, "byOperation": {}}
timeline: dict[str, dict[str, float]] = {}


def mark(intent_id: str, what: str) -> None:
    # wall-clock ms, comparable with the driver's (performance.timeOrigin + now)
    timeline.setdefault(intent_id, {})[what] = time.time() * 1000


def counted(execute: Any) -> Any:
    async def send(query: str, operation_name: str | None = None, variables: Any = None, **kwargs: Any) -> Any:
        sent["requests"] += 1
        name = operation_name or "other"
        sent["byOperation"][name] = sent["byOperation"].get(name, 0) + 1
        return await execute(query, operation_name, variables, **kwargs)

    return send


async def handle(run: IntentRun) -> Any:
    order = run.input["order"]
    mark(run.id, "handlerStart")
    a = await run.step("check", lambda: {"checked": order})
    mark(run.id, "step1")
    b = await run.step("price", lambda: {"priced": a["checked"] * 2})
    mark(run.id, "step2")
    c = await run.step("confirm", lambda: {"done": b["priced"] + 1}, last=os.environ.get("BENCH_AXME_LAST_STEP") != "0")
    mark(run.id, "handlerEnd")
    return c


async def main() -> None:
    client = AxmeClient(os.environ["BENCH_TARGET"])
    client.gql.execute = counted(client.gql.execute)  # type: ignore[method-assign]
    slots = int(os.environ.get("BENCH_WORKER_SLOTS", "32"))
    worker = client.worker(handle, types=["bench.durable"], concurrency=slots, agent="bench")
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print("ready", flush=True)

    async def commands() -> None:
        while line := await reader.readline():
            cmd = line.decode().strip()
            if cmd == "stats":
                answer: dict[str, Any] = {"ok": {**sent, "timeline": dict(timeline)}}
                timeline.clear()
            else:
                answer = {"error": f"unknown command {cmd}"}
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()
        done.set()

    task = asyncio.create_task(commands())
    await done.wait()
    task.cancel()
    await worker.stop()
    await client.aclose()


if __name__ == "__main__":
    asyncio.run(main())
