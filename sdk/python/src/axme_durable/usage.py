"""LLM usage for ``run.step`` (issue 19): read from OpenAI-compatible responses, so a step
that calls a model records its tokens and cost with one option."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

UsageOption = Literal["openai"] | Callable[[Any], Any]


def _get(obj: Any, key: str) -> Any:
    # dicts (raw JSON) and objects (the openai package's pydantic models) alike
    if isinstance(obj, Mapping):
        return obj.get(key)
    return getattr(obj, key, None)


def _count(v: Any) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else 0


def usage_of(response: Any, provider: str | None = None) -> list[dict[str, Any]]:
    """The usage of an OpenAI-compatible response, as ``recordStep`` takes it: Chat
    Completions (``usage.prompt_tokens``, ``completion_tokens``,
    ``prompt_tokens_details.cached_tokens``) or the Responses API (``input_tokens``,
    ``output_tokens``, ``input_tokens_details.cached_tokens``), the model from
    ``response.model``. A list of responses gives one entry each; none without usage."""
    if isinstance(response, (list, tuple)):
        return [u for r in response for u in usage_of(r, provider)]
    u = _get(response, "usage") if response is not None else None
    if u is None or isinstance(u, (str, int, float)):
        return []
    prompt = _get(u, "prompt_tokens")
    completion = _get(u, "completion_tokens")
    details = _get(u, "prompt_tokens_details") or _get(u, "input_tokens_details")
    model = _get(response, "model")
    return [
        {
            "provider": provider,
            "model": model if isinstance(model, str) and model else "unknown",
            "inputTokens": _count(prompt if prompt is not None else _get(u, "input_tokens")),
            "outputTokens": _count(completion if completion is not None else _get(u, "output_tokens")),
            "cachedTokens": _count(_get(details, "cached_tokens")) if details is not None else 0,
        }
    ]


def usage_for(option: UsageOption | None, result: Any) -> list[dict[str, Any]]:
    """The usage a step's option finds in its result; a broken option records none
    rather than failing the step."""
    if option is None:
        return []
    try:
        u = usage_of(result) if option == "openai" else option(result)
    except Exception:
        return []
    if u is None:
        return []
    return list(u) if isinstance(u, (list, tuple)) else [u]
