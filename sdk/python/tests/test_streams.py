"""Output streams from Python: ``run.stream(name).write()`` batches tokens into few appends
under the run's lease and is flushed before the run completes; ``client.stream()`` follows
the stream live from any index to its end; a bad append fails the run with its code."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

from conftest import StartWorker

from axme_durable import AxmeClient, IntentRun, IntentStatus, StreamPage


async def test_tokens_written_by_a_worker_reach_a_live_reader_in_order(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    tokens = [f"t{k} " for k in range(300)]
    halfway = asyncio.Event()

    async def handle(run: IntentRun) -> dict[str, Any]:
        out = run.stream("answer")
        for k, token in enumerate(tokens):
            await out.write(token)
            if k == 149:
                await out.flush()
                halfway.set()
                await asyncio.sleep(0.1)
        return {"done": True}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type)
    await asyncio.wait_for(halfway.wait(), 30)
    pages: list[StreamPage] = []
    async for page in client.stream(intent.id, "answer"):
        pages.append(page)
    assert [c for p in pages for c in p.chunks] == tokens
    for before, after in itertools.pairwise(pages):
        assert after.from_ == before.next
    # batched: far fewer appends than tokens, so far fewer pages to read back
    assert len(pages) < 30
    assert (await client.result(intent.id, timeout=30)).status == IntentStatus.COMPLETED
    # from an index, as after a reload
    tail = [c async for p in client.stream(intent.id, "answer", from_=290) for c in p.chunks]
    assert tail == tokens[290:]
    page = await client.read_stream(intent.id, "answer", from_=1, limit=2)
    assert page.chunks == tokens[1:3]
    assert page.next == 3
    assert page.closed


async def test_a_refused_append_fails_the_run_with_its_code(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    async def handle(run: IntentRun) -> dict[str, Any]:
        await run.stream("no spaces allowed").write("x")
        await run.stream("no spaces allowed").flush()
        return {}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, max_attempts=1)
    done = await client.result(intent.id, timeout=30)
    assert done.status == IntentStatus.FAILED
    assert done.error is not None
    assert done.error.code == "BAD_USER_INPUT"
