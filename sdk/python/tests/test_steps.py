"""Steps as records of their own: the Python worker records each step once (and a step
that raised, as STEP_FAILED), replays recorded results on the next attempt without
calling them, still replays results an older SDK kept in the checkpoint, and logs a
handler's error with the intent's id, type and attempt."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from conftest import StartWorker

from axme_durable import AxmeClient, IntentRun, IntentStatus
from axme_durable.generated import CheckpointIntentInput, FailIntentInput


async def test_steps_are_recorded_once_replayed_and_a_raising_step_is_recorded(
    client: AxmeClient, intent_type: str, start_worker: StartWorker, caplog: pytest.LogCaptureFixture
) -> None:
    calls = {"plan": 0, "tool": 0}

    def plan() -> dict[str, Any]:
        calls["plan"] += 1
        return {"plan": ["a", "b"]}

    async def handle(run: IntentRun) -> dict[str, Any]:
        p = await run.step("plan", plan)

        def tool() -> str:
            calls["tool"] += 1
            if run.attempt == 1:
                raise RuntimeError("tool timed out")
            return "ok"

        t = await run.step("tool", tool)
        return {"plan": p, "tool": t, "attempt": run.attempt}

    caplog.set_level(logging.ERROR, logger="axme_durable")
    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, max_attempts=2, retry={"initialIntervalSeconds": 0, "jitter": 0})
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED, done.error
    assert done.output == {"plan": {"plan": ["a", "b"]}, "tool": "ok", "attempt": 2}
    assert calls == {"plan": 1, "tool": 2}
    assert done.checkpoint is None

    steps = await client.steps(intent.id, with_output=True)
    assert steps is not None
    assert [(s.name, s.attempt, s.status.value, s.error.message if s.error else None) for s in steps] == [
        ("plan", 1, "COMPLETED", None),
        ("tool", 1, "FAILED", "tool timed out"),
        ("tool", 2, "COMPLETED", None),
    ]
    assert steps[0].output == {"plan": ["a", "b"]}
    assert steps[0].output_bytes == len('{"plan":["a","b"]}')
    kinds = [
        (e.kind.value, (e.data or {}).get("name"))
        for e in await client.events(intent.id)
        if e.kind.value.startswith("STEP_")
    ]
    assert kinds == [("STEP_COMPLETED", "plan"), ("STEP_FAILED", "tool"), ("STEP_COMPLETED", "tool")]
    assert f"handler failed (intent {intent.id}, type {intent_type}, attempt 1)" in caplog.text


async def test_results_in_an_old_checkpoint_are_still_replayed(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    intent = await client.submit(intent_type, max_attempts=3, retry={"initialIntervalSeconds": 0, "jitter": 0})
    [lease] = await client.claim_many([intent_type], limit=1)
    # what an SDK before step records saved: results by name inside the checkpoint
    old = {"steps": {"old": {"value": "from the old layout"}}, "waits": {}, "state": {"n": 7}}
    await client.gql.checkpoint_intent(
        CheckpointIntentInput.model_validate({"id": intent.id, "leaseToken": lease.token, "checkpoint": old})
    )
    await client.gql.fail_intent(
        FailIntentInput.model_validate({"id": intent.id, "leaseToken": lease.token, "error": {"message": "crash"}})
    )
    ran = {"n": 0}

    def again(value: str) -> Any:
        def fn() -> str:
            ran["n"] += 1
            return value

        return fn

    async def handle(run: IntentRun) -> dict[str, Any]:
        o = await run.step("old", again("ran again"))
        f = await run.step("fresh", again("new"))
        await run.checkpoint({"n": run.state["n"] + 1})
        return {"old": o, "fresh": f}

    start_worker(handle, types=[intent_type])
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED, done.error
    assert done.output == {"old": "from the old layout", "fresh": "new"}
    assert ran == {"n": 1}
    assert done.checkpoint == {"steps": {"old": {"value": "from the old layout"}}, "waits": {}, "state": {"n": 8}}
    steps = await client.steps(intent.id)
    assert steps is not None
    assert [s.name for s in steps] == ["fresh"]


async def test_a_last_step_is_recorded_with_the_completion_and_before_a_failure(
    client: AxmeClient, intent_type: str, start_worker: StartWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded: list[str] = []
    record_step = client.gql.record_step

    async def counting(inp: Any, **kw: Any) -> Any:
        recorded.append(inp.name)
        return await record_step(inp, **kw)

    monkeypatch.setattr(client.gql, "record_step", counting)
    calls = {"b": 0}

    async def handle(run: IntentRun) -> dict[str, Any]:
        a = await run.step("a", lambda: 1)

        def b() -> int:
            calls["b"] += 1
            return a + 1

        value = await run.step("b", b, last=True)
        if (run.input or {}).get("fail") and run.attempt == 1:
            raise RuntimeError("after the last step")
        return {"b": value}

    start_worker(handle, types=[intent_type])
    ok = await client.submit(intent_type)
    done = await client.result(ok.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED, done.error
    assert done.output == {"b": 2}
    # only "a" went as a recordStep request: "b" went with the completion
    assert recorded == ["a"]
    kinds = [(e.seq, e.kind.value) for e in await client.events(ok.id)]
    assert kinds == [(1, "SUBMITTED"), (2, "CLAIMED"), (3, "STEP_COMPLETED"), (4, "STEP_COMPLETED"), (5, "COMPLETED")]

    # raising after the step records it before the failure: the retry replays it
    failing = await client.submit(
        intent_type, {"fail": True}, max_attempts=2, retry={"initialIntervalSeconds": 0, "jitter": 0}
    )
    again = await client.result(failing.id, timeout=30)
    assert again.status is IntentStatus.COMPLETED, again.error
    assert calls["b"] == 2
    steps = await client.steps(failing.id)
    assert steps is not None
    assert [(s.name, s.attempt) for s in steps] == [("a", 1), ("b", 1)]
