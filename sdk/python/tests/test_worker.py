"""The asyncio worker against a real server: steps run once per intent, errors steer
retries, a lost lease or a cancel cancels the handler's task, stop() drains, and claims
and completions go in batches."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import pytest
from conftest import StartWorker, until

from axme_durable import (
    AxmeClient,
    AxmeClientError,
    IntentEventKind,
    IntentRun,
    IntentStatus,
    Lease,
    NonRetryableError,
    RetryAfterError,
    Worker,
)
from axme_durable.completions import Completions


async def test_a_step_runs_once_per_intent_across_a_retry(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls = {"draft": 0, "runs": 0}

    async def draft() -> tuple[str, int]:
        calls["draft"] += 1
        await asyncio.sleep(0)
        return ("draft", calls["draft"])

    async def handle(run: IntentRun) -> dict[str, Any]:
        calls["runs"] += 1
        value = await run.step("draft", draft)  # async fn
        sampled = await run.step("sampled", lambda: {"at": datetime.now(timezone.utc)})  # sync fn
        if run.attempt == 1:
            raise RuntimeError("the provider hiccuped")
        return {"draft": value, "sampled": sampled, "attempt": run.attempt}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, retry={"initialIntervalSeconds": 0.1, "jitter": 0})
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED, done.error
    assert calls == {"draft": 1, "runs": 2}
    output: Any = done.output
    checkpoint: Any = done.checkpoint
    # the stored JSON form comes back on every run: the tuple is a list, the datetime a string
    assert output["draft"] == ["draft", 1]
    assert output["attempt"] == 2
    assert isinstance(output["sampled"]["at"], str)
    # each step is a record of its own, written once; the checkpoint holds none of them
    assert checkpoint is None
    steps = await client.steps(intent.id, with_output=True)
    assert steps is not None
    assert (steps[0].name, steps[0].attempt, steps[0].output) == ("draft", 1, ["draft", 1])


async def test_a_second_step_of_the_same_name_in_one_run_fails_the_intent_at_once(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls = {"search": 0}

    def search() -> int:
        calls["search"] += 1
        return calls["search"]

    async def handle(run: IntentRun) -> str:
        await run.step("search", search)
        await run.step("search", search)
        return "unreachable"

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, max_attempts=3)
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.FAILED
    assert done.attempt == 1
    assert calls == {"search": 1}
    assert done.error is not None
    assert done.error.code == "DUPLICATE_STEP"
    assert 'step "search" already ran in this run' in done.error.message


async def test_a_non_retryable_error_fails_at_once_and_others_keep_their_code(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    async def handle(run: IntentRun) -> None:
        if run.input["kind"] == "fatal":
            raise NonRetryableError("input.question is required", code="BAD_INPUT", details={"field": "question"})
        raise ValueError("boom")

    start_worker(handle, types=[intent_type])
    fatal = await client.submit(intent_type, {"kind": "fatal"}, max_attempts=5)
    done = await client.result(fatal.id, timeout=30)
    assert done.status is IntentStatus.FAILED
    assert done.attempt == 1
    assert done.error is not None
    assert (done.error.message, done.error.code, done.error.retryable, done.error.details) == (
        "input.question is required",
        "BAD_INPUT",
        False,
        {"field": "question"},
    )

    plain = await client.submit(intent_type, {"kind": "plain"}, max_attempts=1)
    failed = await client.result(plain.id, timeout=30)
    assert failed.error is not None
    assert (failed.error.code, failed.error.retryable) == ("ValueError", True)
    details: Any = failed.error.details
    assert "Traceback" in details["traceback"]


async def test_retry_after_schedules_the_next_attempt_that_far_out(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    async def handle(run: IntentRun) -> None:
        raise RetryAfterError(120, "the chat endpoint is rate limiting")

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, max_attempts=3)
    events: list[Any] = []

    async def scheduled() -> bool:
        events[:] = [e for e in await client.events(intent.id) if e.kind is IntentEventKind.RETRY_SCHEDULED]
        return bool(events)

    await until(scheduled, "the retry to be scheduled")
    now = await client.get(intent.id)
    assert now is not None
    assert now.status is IntentStatus.PENDING
    assert (now.run_at - events[0].at).total_seconds() >= 119
    assert now.error is not None
    assert now.error.message == "the chat endpoint is rate limiting"
    await client.cancel(intent.id)


async def test_cancelling_the_intent_cancels_the_handlers_task(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    started = asyncio.Event()
    seen: dict[str, Any] = {}

    async def handle(run: IntentRun) -> str:
        started.set()
        try:
            await asyncio.Event().wait()  # an LLM call that never answers
        except asyncio.CancelledError:
            seen["cancelled"] = True
            seen["lost"] = run.lost
            raise
        return "never"

    # heartbeats every 2/3 s: the first after the cancel finds the intent finished
    start_worker(handle, types=[intent_type], lease_seconds=2)
    intent = await client.submit(intent_type)
    await asyncio.wait_for(started.wait(), 30)
    await client.cancel(intent.id, "the user gave up")

    async def cancelled() -> bool:
        return bool(seen.get("cancelled"))

    await until(cancelled, "the handler's task to be cancelled")
    assert isinstance(seen["lost"], AxmeClientError)
    now = await client.get(intent.id)
    assert now is not None
    assert now.status is IntentStatus.CANCELLED
    kinds = [e.kind for e in await client.events(intent.id)]
    assert IntentEventKind.FAILED not in kinds
    assert IntentEventKind.COMPLETED not in kinds


async def test_a_lost_lease_cancels_the_handler_and_another_worker_finishes(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()
    runs: list[str] = []

    async def handle(run: IntentRun) -> str:
        runs.append(run.lease_token)
        if len(runs) == 1:
            started.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                cancelled.set()
                raise
        return "second"

    # heartbeats far apart: the lease (1 s) expires first and a claim takes it over
    start_worker(handle, types=[intent_type], lease_seconds=1, heartbeat_seconds=3, concurrency=2)
    intent = await client.submit(intent_type)
    await asyncio.wait_for(started.wait(), 30)
    done = await client.result(intent.id, timeout=30)
    assert done.output == "second"
    await asyncio.wait_for(cancelled.wait(), 30)
    kinds = [e.kind for e in await client.events(intent.id)]
    assert IntentEventKind.LEASE_EXPIRED in kinds
    assert kinds.count(IntentEventKind.COMPLETED) == 1


async def test_progress_and_checkpointed_state_reach_the_next_attempt(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    gate = asyncio.Event()

    async def handle(run: IntentRun) -> Any:
        if run.attempt == 1:
            await run.checkpoint({"pages": 3})
            await run.progress({"phase": "reading", "pct": 50})
            await gate.wait()
            raise RuntimeError("crash after the checkpoint")
        return {"resumed_from": run.state}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, retry={"initialIntervalSeconds": 0.1, "jitter": 0})

    async def progressed() -> bool:
        now = await client.get(intent.id)
        return now is not None and now.progress == {"phase": "reading", "pct": 50}

    await until(progressed, "live progress")
    gate.set()
    done = await client.result(intent.id, timeout=30)
    assert done.output == {"resumed_from": {"pages": 3}}


async def test_stop_drains_running_handlers_and_claims_no_more(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    gate = asyncio.Event()
    started = asyncio.Event()

    async def handle(run: IntentRun) -> str:
        started.set()
        await gate.wait()
        return "drained"

    worker = start_worker(handle, types=[intent_type], wait_seconds=20)
    intent = await client.submit(intent_type)
    await asyncio.wait_for(started.wait(), 30)
    stopping = asyncio.create_task(worker.stop())
    await asyncio.sleep(0.2)
    assert not stopping.done()  # the handler has not returned yet
    gate.set()
    await asyncio.wait_for(stopping, 30)
    done = await client.get(intent.id)
    assert done is not None
    assert (done.status, done.output) == (IntentStatus.COMPLETED, "drained")
    later = await client.submit(intent_type)
    await asyncio.sleep(0.3)
    still = await client.get(later.id)
    assert still is not None
    assert still.status is IntentStatus.PENDING  # a stopped worker claims nothing
    await client.cancel(later.id)


class CountingClient(AxmeClient):
    """Records what each claimIntents and completeIntents request carried."""

    claims: list[int]
    completions: list[int]

    async def claim_many(self, types: Sequence[str], **kw: Any) -> list[Lease]:
        leases = await super().claim_many(types, **kw)
        self.claims.append(len(leases))
        return leases

    async def _complete_many_acknowledged(self, items: Sequence[Any]) -> list[bool | AxmeClientError]:
        self.completions.append(len(items))
        return await super()._complete_many_acknowledged(items)


async def test_a_worker_claims_its_free_slots_in_one_request(server: Any, intent_type: str) -> None:
    async with CountingClient(server.url) as spy:
        spy.claims, spy.completions = [], []
        ids = [(await spy.submit(intent_type, {"i": i})).id for i in range(6)]
        gate = asyncio.Event()
        running: set[str] = set()
        most = 0

        async def handle(run: IntentRun) -> int:
            nonlocal most
            running.add(run.id)
            most = max(most, len(running))
            await gate.wait()
            running.discard(run.id)
            return int(run.input["i"])

        worker = spy.worker(handle, types=[intent_type], concurrency=3, wait_seconds=1)
        assert isinstance(worker, Worker)

        async def three_running() -> bool:
            return len(running) == 3

        await until(three_running, "three handlers at once")
        assert spy.claims[0] == 3  # all free slots in the first claim
        gate.set()
        results = await asyncio.gather(*(spy.result(i, timeout=30) for i in ids))
        await worker.stop()
        outputs: list[Any] = [r.output for r in results]
        assert sorted(outputs) == list(range(6))
        assert most == 3
        assert sum(spy.completions) == 6


async def test_completions_that_arrive_together_go_in_one_request(server: Any, intent_type: str) -> None:
    async with CountingClient(server.url) as spy:
        spy.claims, spy.completions = [], []
        for i in range(4):
            await spy.submit(intent_type, {"i": i})
        leases = await spy.claim_many([intent_type], limit=4)
        completions = Completions(spy)
        first = asyncio.create_task(completions.complete(leases[0].intent.id, leases[0].token, {"n": 0}))
        while not spy.completions:  # noqa: ASYNC110 (until the first request is on its way)
            await asyncio.sleep(0)
        stale = (leases[3].intent.id, "0" * len(leases[3].token))
        rest = await asyncio.gather(
            *(completions.complete(lease.intent.id, lease.token, {"n": n}) for n, lease in enumerate(leases[1:3], 1)),
            completions.complete(*stale, None),
            return_exceptions=True,
        )
        results = [await first, *rest]
        # the first went at once, alone; the three that queued behind it went together, each settled on its own
        assert spy.completions == [1, 3]
        assert results[:3] == [True] * 3
        stored = [await spy.get(lease.intent.id) for lease in leases[:3]]
        assert [i.status if i else None for i in stored] == [IntentStatus.COMPLETED] * 3
        assert isinstance(results[3], AxmeClientError)


async def test_the_decorator_makes_a_worker_and_async_with_stops_it(client: AxmeClient, intent_type: str) -> None:
    @client.worker(types=[intent_type], wait_seconds=1)
    async def double(run: IntentRun) -> int:
        return int(run.input["n"]) * 2

    assert isinstance(double, Worker)
    async with double:
        intent = await client.submit(intent_type, {"n": 21})
        done = await client.result(intent.id, timeout=30)
    assert done.output == 42
    assert double.running == 0


def test_bad_worker_options_are_refused_at_once() -> None:
    c = AxmeClient("http://127.0.0.1:9/graphql")
    with pytest.raises(ValueError, match="concurrency"):
        c.worker(lambda run: asyncio.sleep(0), types=["t"], concurrency=0)
    with pytest.raises(ValueError, match="types"):
        c.worker(lambda run: asyncio.sleep(0), types=[])
