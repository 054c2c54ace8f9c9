"""Failure escalation from Python: an intent submitted with ``retry={"onExhausted": "ESCALATE"}``
waits for a human after its attempts instead of ending FAILED; the escalation shows the last
error; a ``fork`` decision with a patched input names the fork, which completes without
running the steps before the chosen one again."""

from __future__ import annotations

import asyncio
from typing import Any

from conftest import StartWorker

from axme_durable import AxmeClient, IntentRun, IntentStatus
from axme_durable.generated import OnExhausted


async def test_escalates_and_a_fork_decision_fixes_the_input(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls = {"research": 0, "answer": 0}

    async def handle(run: IntentRun) -> dict[str, Any]:
        prompt = run.input["prompt"]

        def research() -> list[str]:
            calls["research"] += 1
            return ["fact 1"]

        def answer() -> str:
            calls["answer"] += 1
            if "bad" in prompt:
                raise ValueError(f"the model refused {prompt!r}")
            return f"{prompt}: {facts[0]}"

        facts = await run.step("research", research)
        return {"answer": await run.step("answer", answer)}

    start_worker(handle, types=[intent_type])
    original = await client.submit(
        intent_type,
        input={"prompt": "bad"},
        max_attempts=1,
        retry={"onExhausted": OnExhausted.ESCALATE.value},
    )
    for _ in range(300):
        page = await client.approvals(intent_id=original.id, type=["axme.escalation"])
        if page.nodes:
            break
        await asyncio.sleep(0.05)
    [escalation] = page.nodes
    assert escalation.options == ["retry", "fork", "fail"]
    assert "the model refused 'bad'" in (escalation.description or "")
    waiting = await client.get(original.id)
    assert waiting is not None
    assert waiting.status is IntentStatus.WAITING

    decided = await client.decide_escalation(
        escalation.id, "fork", from_step="answer", input_patch={"prompt": "Answer"}
    )
    assert isinstance(decided.result, dict)
    fork_id = decided.result["forkedTo"]
    done = await client.result(fork_id, timeout=30)
    assert done.status is IntentStatus.COMPLETED, done.error
    assert done.output == {"answer": "Answer: fact 1"}
    assert calls == {"research": 1, "answer": 2}
    ended = await client.get(original.id)
    assert ended is not None
    assert ended.status is IntentStatus.FAILED
