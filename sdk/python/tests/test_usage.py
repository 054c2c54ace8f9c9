"""LLM usage from the Python SDK: ``usage_of`` reads OpenAI-compatible responses (dicts
and objects), and ``run.step(..., usage=...)`` records it with the step, priced from
the server's AXME_PRICES (``gpt-py``: $2 in, $8 out per million tokens)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from conftest import StartWorker

from axme_durable import AxmeClient, IntentRun, IntentStatus, usage_of


def chat_completion(model: str, prompt: int, completion: int, cached: int = 0) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "hi"}}],
        "usage": {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "prompt_tokens_details": {"cached_tokens": cached},
        },
    }


def test_usage_of_reads_chat_completions_and_responses_dicts_and_objects() -> None:
    assert usage_of(chat_completion("gpt-py", 120, 30, 100), "openai") == [
        {"provider": "openai", "model": "gpt-py", "inputTokens": 120, "outputTokens": 30, "cachedTokens": 100}
    ]
    # the openai package answers objects; the Responses API names the fields input/output
    response = SimpleNamespace(
        model="gpt-py", usage=SimpleNamespace(input_tokens=7, output_tokens=8, input_tokens_details=None)
    )
    assert usage_of([response, {"text": "no usage"}]) == [
        {"provider": None, "model": "gpt-py", "inputTokens": 7, "outputTokens": 8, "cachedTokens": 0}
    ]
    assert usage_of("plain text") == []


async def test_step_records_usage_once_and_the_intent_rolls_it_up(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    calls = {"draft": 0}

    def draft() -> dict[str, Any]:
        calls["draft"] += 1
        return chat_completion("gpt-py", 1_000_000, 0)

    async def handle(run: IntentRun) -> dict[str, Any]:
        a = await run.step("draft", draft, usage="openai")
        b = await run.step(
            "review",
            lambda: {"text": "ok", "tokens": 1_000_000},
            usage=lambda r: {"model": "gpt-py", "inputTokens": 0, "outputTokens": r["tokens"]},
        )
        return {"model": a["model"], "text": b["text"]}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type)
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED, done.error
    assert done.output == {"model": "gpt-py", "text": "ok"}
    assert calls == {"draft": 1}
    steps = await client.steps(intent.id)
    assert steps is not None
    assert [(s.name, s.usage_totals.calls, s.usage_totals.cost_usd) for s in steps] == [
        ("draft", 1, 2.0),
        ("review", 1, 8.0),
    ]
