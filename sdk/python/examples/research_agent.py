"""A research agent as an Axme worker, in Python: plan -> research each sub-question ->
draft -> ask a human -> "send". Every LLM call is a durable step, so a crash, a restart
or the wait for the human never repeats a call that finished; sampling (temperature, a
random angle) is fine because results are stored, not replayed.

    python sdk/python/examples/research_agent.py

Env: AXME_URL, AXME_API_KEY, OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL,
AXME_LEASE_SECONDS (see sdk/python/README.md). The TypeScript twin is
examples/research-agent/worker.ts.
"""

from __future__ import annotations

import asyncio
import logging
import os
import random
import re
import socket
from datetime import datetime, timezone
from typing import Any

import httpx

from axme_durable import AxmeClient, IntentRun, NonRetryableError, RetryAfterError


def env(name: str, fallback: str = "") -> str:
    return os.environ.get(name) or fallback


OPENAI_BASE_URL = env("OPENAI_BASE_URL", "https://api.openai.com/v1").rstrip("/")
MODEL = env("OPENAI_MODEL", "gpt-4o-mini")
ANGLES = ["a sceptic", "a historian", "an engineer", "an economist", "a teacher"]

axme = AxmeClient(env("AXME_URL", "http://localhost:4000/graphql"), api_key=env("AXME_API_KEY") or None)
http = httpx.AsyncClient(timeout=httpx.Timeout(120.0, connect=10.0))


async def chat(system: str, user: str, temperature: float) -> str:
    """One chat completion. Rate limits become a RetryAfterError so Axme schedules the retry."""
    key = env("OPENAI_API_KEY")
    res = await http.post(
        f"{OPENAI_BASE_URL}/chat/completions",
        headers={"authorization": f"Bearer {key}"} if key else {},
        json={
            "model": MODEL,
            "temperature": temperature,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
        },
    )
    if res.status_code == 429:
        raise RetryAfterError(float(res.headers.get("retry-after") or 30), "the chat endpoint is rate limiting")
    if res.status_code in (400, 401, 404):
        raise NonRetryableError(f"chat endpoint: {res.status_code} {res.text}")
    if res.is_error:
        raise RuntimeError(f"chat endpoint: {res.status_code} {res.text}")
    content: str = res.json()["choices"][0]["message"]["content"]
    return content.strip()


# A stable identity: restarted after a crash (even SIGKILL), this worker ends its previous
# session on the server, whose leases go back at once, and resumes within a second or two
# instead of waiting out the 60 s lease. A second replica on the same host needs its own
# AXME_WORKER_IDENTITY, or the newer one takes the older one's place.
@axme.worker(
    types=["research.answer"],
    lease_seconds=int(env("AXME_LEASE_SECONDS", "60")),
    identity=env("AXME_WORKER_IDENTITY", f"research-agent-py@{socket.gethostname()}"),
)
async def research(run: IntentRun) -> dict[str, Any]:
    question = run.input.get("question") if isinstance(run.input, dict) else None
    if not question:
        raise NonRetryableError("input.question is required")

    # sampled once, then stored: a re-run keeps the same angle
    angle = await run.step("angle", lambda: random.choice(ANGLES))
    plan = await run.step(
        "plan",
        lambda: chat(
            f"You are a research planner thinking like {angle}. "
            "Reply with exactly three short sub-questions, one per line.",
            question,
            0.9,
        ),
    )
    sub_questions = [s for s in (re.sub(r"^\s*[-*\d.)]+\s*", "", line).strip() for line in plan.split("\n")) if s][:3]

    notes: list[str] = []
    for i, sub in enumerate(sub_questions):
        await run.progress({"phase": "research", "done": i, "of": len(sub_questions), "current": sub})
        notes.append(
            await run.step(
                f"research {i + 1}",
                lambda sub=sub: chat("You are a careful researcher. Answer in three sentences.", sub, 0.7),  # type: ignore[misc]
            )
        )

    await run.progress({"phase": "drafting"})
    draft = await run.step(
        "draft",
        lambda: chat(
            "You are a writer. Combine the notes into a short, clear answer to the question.",
            f"Question: {question}\n\nNotes:\n" + "\n\n".join(notes),
            0.5,
        ),
    )

    # the run ends here until someone decides; no worker is held while waiting
    decision = await run.request_approval(
        f'Send the answer to "{question[:80]}"?', description=draft, options=["approve", "reject"]
    )
    if not decision.approved:
        return {"sent": False, "draft": draft, "comment": decision.comment, "timedOut": decision.timed_out}

    def send() -> str:
        # stands in for an email or a message: it runs once per intent, even across crashes
        print(f"SENT {run.id}: {draft[:120]}", flush=True)
        return datetime.now(timezone.utc).isoformat()

    sent_at = await run.step("send", send)
    return {
        "sent": True,
        "sentAt": sent_at,
        "answer": draft,
        "angle": angle,
        "approvedBy": decision.resolved_by,
        "comment": decision.comment,
    }


async def main() -> None:
    # the worker logs what it handles itself (a lost lease, stopping) on the "axme_durable" logger
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    print(f"research agent: handling research.answer intents at {axme.url}", flush=True)
    try:
        await research.run()  # until Ctrl-C or SIGTERM; then the intents in hand finish
    finally:
        await http.aclose()
        await axme.aclose()


if __name__ == "__main__":
    asyncio.run(main())
