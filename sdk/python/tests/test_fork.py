"""Forking a run: a failed Python agent is forked from its failed step with a patched
prompt; the fork completes, the steps before it are replayed from the original's
records without being called again, and a bad step name is refused with a stable reason."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import StartWorker

from axme_durable import AxmeClient, IntentRun, IntentStatus
from axme_durable.errors import BadUserInputError


async def test_fork_from_the_failed_step_with_a_patched_prompt(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls = {"research": 0, "answer": 0}

    async def handle(run: IntentRun) -> dict[str, Any]:
        prompt = run.input["prompt"]

        def research() -> list[str]:
            calls["research"] += 1
            return ["fact 1", "fact 2"]

        def answer() -> str:
            calls["answer"] += 1
            if "bad" in prompt:
                raise ValueError(f"the model refused {prompt!r}")
            return f"{prompt}: {', '.join(facts)}"

        facts = await run.step("research", research)
        return {"answer": await run.step("answer", answer)}

    start_worker(handle, types=[intent_type])
    original = await client.submit(intent_type, input={"prompt": "bad", "user": "ada"}, max_attempts=1)
    assert (await client.result(original.id, timeout=30)).status is IntentStatus.FAILED

    fork = await client.fork(original.id, from_step="answer", input_patch={"prompt": "Answer"})
    assert fork.forked_from_id == original.id
    assert fork.forked_from_step == "answer"
    assert fork.input == {"prompt": "Answer", "user": "ada"}
    done = await client.result(fork.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED, done.error
    assert done.output == {"answer": "Answer: fact 1, fact 2"}
    assert calls == {"research": 1, "answer": 2}

    forks = await client.forks(original.id)
    assert forks is not None
    assert [f.id for f in forks] == [fork.id]
    with pytest.raises(BadUserInputError) as refused:
        await client.fork(original.id, from_step="no such step")
    assert refused.value.details.get("reason") == "UNKNOWN_STEP"
