"""Budgets from the Python SDK: ``submit(budget=...)``, and a worker whose lease call answers
BUDGET_EXCEEDED cancels its handler (``BudgetExceededError``) and neither completes nor fails
the intent: the engine already stopped it, per the budget's policy."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from conftest import StartWorker

from axme_durable import AxmeClient, BadUserInputError, BudgetExceededError, IntentRun, IntentStatus


async def test_a_crossed_budget_cancels_the_handler_and_the_engine_fails_the_intent(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls: list[int] = []
    cancelled = asyncio.Event()
    stopped = asyncio.Event()
    raised: list[BaseException] = []

    def llm(i: int) -> Callable[[], dict[str, Any]]:
        def call() -> dict[str, Any]:
            calls.append(i)
            return {"text": f"answer {i}"}

        return call

    def usage(_response: Any) -> dict[str, Any]:
        return {"model": "fake", "inputTokens": 10, "costUsd": 0.01}

    async def handle(run: IntentRun) -> dict[str, Any]:
        try:
            for i in range(50):
                # each call costs $0.01: the 3rd crosses $0.025
                await run.step(f"llm:{i}", llm(i), usage=usage)
        except asyncio.CancelledError:
            cancelled.set()
            stopped.set()
            raise
        except BudgetExceededError as err:
            raised.append(err)
            stopped.set()
            raise
        return {"done": True}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, budget={"maxUsd": 0.025}, max_attempts=3)
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.FAILED
    assert done.error is not None
    assert done.error.code == "BUDGET_EXCEEDED"
    assert done.error.retryable is False
    assert done.attempt == 1
    # the handler sees the error on its lease call (or is cancelled before its next one);
    # the answer reaches it on its own way, which may be after result() saw the intent fail
    await asyncio.wait_for(stopped.wait(), timeout=10)
    # the crossing call and at most one more
    assert 3 <= len(calls) <= 4
    assert raised or cancelled.is_set()
    if raised:
        assert isinstance(raised[0], BudgetExceededError)
        assert raised[0].details["budget"] == "INTENT"
        assert raised[0].details["maxUsd"] == 0.025


async def test_bad_budget_is_refused_naming_the_field(client: AxmeClient, intent_type: str) -> None:
    with pytest.raises(BadUserInputError) as caught:
        await client.submit(intent_type, budget={"maxUsd": -1})
    assert caught.value.details["field"] == "budget.maxUsd"


async def test_a_fork_takes_the_budget_given_and_it_stops_the_fork(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    def usage(_response: Any) -> dict[str, Any]:
        return {"model": "fake", "inputTokens": 10, "costUsd": 0.01}

    async def handle(run: IntentRun) -> dict[str, Any]:
        for i in range(run.input["calls"]):
            await run.step(f"llm:{i}", lambda: {"text": "answer"}, usage=usage)
        return {"done": True}

    start_worker(handle, types=[intent_type])
    original = await client.submit(intent_type, input={"calls": 2})
    assert (await client.result(original.id, timeout=30)).status is IntentStatus.COMPLETED
    with pytest.raises(BadUserInputError) as caught:
        await client.fork(original.id, budget={"maxUsd": -1})
    assert caught.value.details["field"] == "budget.maxUsd"
    # the 2 replayed calls spent nothing for the fork; its own 3 new ones cross $0.025
    fork = await client.fork(original.id, input_patch={"calls": 10}, budget={"maxUsd": 0.025})
    done = await client.result(fork.id, timeout=30)
    assert done.status is IntentStatus.FAILED
    assert done.error is not None
    assert done.error.code == "BUDGET_EXCEEDED"
