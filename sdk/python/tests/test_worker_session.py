"""Worker sessions from Python against a real server: the worker registers when it starts
(name, host, SDK, types, concurrency), shows CONNECTED with its in-flight intents while it
works, and ends STOPPED when it stops."""

from __future__ import annotations

import asyncio

from conftest import Server, StartWorker, until

from axme_durable import AxmeClient, IntentRun, IntentStatus, SyncAxmeClient


async def test_a_worker_registers_heartbeats_and_stops_its_session(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    started = asyncio.Event()
    release = asyncio.Event()

    async def handle(run: IntentRun) -> dict[str, bool]:
        started.set()
        await release.wait()
        return {"ok": True}

    worker = start_worker(handle, types=[intent_type], concurrency=2, agent="py-session", identity=f"py-{intent_type}")
    intent = await client.submit(intent_type, {})
    await asyncio.wait_for(started.wait(), 30)

    async def connected() -> bool:
        rows = await client.workers(status=["CONNECTED"], types=[intent_type])
        return any(w.name == "py-session" and w.in_flight_count == 1 for w in rows)

    await until(connected, "the worker's session with its intent in flight")
    [w] = [w for w in await client.workers(types=[intent_type]) if w.name == "py-session"]
    assert (w.sdk, w.concurrency, w.identity, w.types) == ("axme_durable", 2, f"py-{intent_type}", [intent_type])
    assert [i.id for i in w.in_flight] == [intent.id]

    release.set()
    await worker.stop()
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED
    [ended] = [w for w in await client.workers(types=[intent_type]) if w.name == "py-session"]
    assert ended.status.value == "STOPPED"


def test_the_sync_client_lists_workers_and_releases_unstarted_work(server: Server, intent_type: str) -> None:
    with SyncAxmeClient(server.url) as axme:
        intent = axme.submit(intent_type, {})
        [lease] = axme.claim_many([intent_type], agent="py-sync")
        axme.release(lease.intent.id, lease.token)
        again = axme.get(intent.id)
        assert again is not None
        assert (again.status, again.attempt) == (IntentStatus.PENDING, 0)
        assert isinstance(axme.workers(status=["CONNECTED", "STOPPED", "LOST"]), list)
