"""Step records in batches: ``AxmeClient.record_step`` sends the steps that arrive while a
step request is in flight together in one ``recordSteps`` request, across every run of the
client; each caller gets its own result or its own error (a stale lease fails only its item,
a crossed budget stops only its run); and a server without ``recordSteps`` gets each step in a
request of its own, the client trying ``recordSteps`` once only. Requests are counted on the
wire, as httpx sends them."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from typing import Any

import httpx
from conftest import Server, until

from axme_durable import (
    AxmeClient,
    BadUserInputError,
    BudgetExceededError,
    IntentRun,
    IntentStatus,
    LeaseLostError,
    SyncAxmeClient,
)
from axme_durable.client import Lease
from axme_durable.generated import RecordStepInput


@dataclass
class Sent:
    """The operations a client sent: name, and for recordSteps the items' (intent id, step name)."""

    ops: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    def count(self, op: str) -> int:
        return sum(1 for name, _ in self.ops if name == op)

    def steps(self) -> list[list[tuple[str, str]]]:
        """The step requests, each as the (intent id, step name) it carried."""
        return [items for name, items in self.ops if name in ("RecordStep", "RecordSteps")]


def _carried(body: dict[str, Any]) -> list[tuple[str, str]]:
    inp = (body.get("variables") or {}).get("input") or {}
    records = inp["items"] if body.get("operationName") == "RecordSteps" else [inp]
    return [(str(r.get("id")), str(r.get("name"))) for r in records]


class OlderServer(httpx.AsyncBaseTransport):
    """A proxy that makes the real server one from before recordSteps: the client's request names
    a field and a type the server does not know, so it answers its real validation errors, which
    come back with the names the client sent (what an older server says: ``Unknown type
    "RecordStepsInput"``, ``Cannot query field "recordSteps" on type "Mutation"``)."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        if b"recordSteps(" not in body:
            return await self.inner.handle_async_request(request)
        renamed = body.replace(b"recordSteps(", b"recordStepsBeforeItExisted(").replace(
            b"RecordStepsInput!", b"RecordStepsInputBeforeItExisted!"
        )
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "content-length"]
        forwarded = httpx.Request(request.method, request.url, headers=headers, content=renamed)
        response = await self.inner.handle_async_request(forwarded)
        answer = (await response.aread()).replace(b"BeforeItExisted", b"")
        await response.aclose()
        return httpx.Response(response.status_code, content=answer, headers={"content-type": "application/json"})

    async def aclose(self) -> None:
        await self.inner.aclose()


def counting_client(url: str, sent: Sent, transport: httpx.AsyncBaseTransport | None = None) -> AxmeClient:
    async def record(request: httpx.Request) -> None:
        body = json.loads(request.content)
        name = str(body.get("operationName"))
        sent.ops.append((name, _carried(body) if name in ("RecordStep", "RecordSteps") else []))

    http = httpx.AsyncClient(transport=transport, event_hooks={"request": [record]})
    return AxmeClient(url, http_client=http)


def step_input(lease: Lease, name: str, output: Any) -> RecordStepInput:
    return RecordStepInput.model_validate(
        {
            "id": lease.intent.id,
            "leaseToken": lease.token,
            "name": name,
            "durationMs": 1,
            "output": output,
            "error": None,
            "usage": None,
        }
    )


async def leases(client: AxmeClient, intent_type: str, n: int) -> list[Lease]:
    for i in range(n):
        await client.submit(intent_type, {"i": i})
    got = await client.claim_many([intent_type], limit=n)
    assert len(got) == n
    return got


async def test_steps_recorded_together_go_in_one_request_each_caller_getting_its_own(
    server: Server, intent_type: str
) -> None:
    sent = Sent()
    async with counting_client(server.url, sent) as c:
        held = await leases(c, intent_type, 6)
        sent.ops.clear()
        # a record in flight, then six more of six intents while it is: those go together
        first = asyncio.create_task(c.record_step(step_input(held[0], "first", {"n": -1})))
        while not sent.ops:  # noqa: ASYNC110 (until the first request is on its way)
            await asyncio.sleep(0)
        results = await asyncio.gather(
            *(c.record_step(step_input(lease, f"s{n}", {"n": n})) for n, lease in enumerate(held))
        )
        await first
        assert [len(items) for items in sent.steps()] == [1, 6]
        assert [name for name, _ in sent.ops] == ["RecordStep", "RecordSteps"]
        # each caller got its own step back, in its own intent's sequence
        assert [r.name for r in results] == [f"s{n}" for n in range(6)]
        assert all(r.status.value == "COMPLETED" for r in results)
        assert results[0].seq > (await first).seq
        for n, lease in enumerate(held):
            records = await c.steps(lease.intent.id, with_output=True)
            assert records is not None
            mine = [(s.name, s.output) for s in records]
            assert mine == ([("first", {"n": -1})] if n == 0 else []) + [(f"s{n}", {"n": n})]


async def test_a_stale_lease_fails_only_its_own_item(server: Server, intent_type: str) -> None:
    sent = Sent()
    async with counting_client(server.url, sent) as c:
        held = await leases(c, intent_type, 4)
        # the third intent's lease superseded: handed back and claimed again
        old = held[2]
        await c.release(old.intent.id, old.token)
        [held[2]] = await c.claim_many([intent_type], limit=1)
        assert held[2].intent.id == old.intent.id
        sent.ops.clear()
        stale = step_input(old, "stale", 1)
        results = await asyncio.gather(
            c.record_step(step_input(held[0], "a", 0)),
            c.record_step(step_input(held[1], "b", 1)),
            c.record_step(stale),
            c.record_step(step_input(held[3], "d", 3)),
            return_exceptions=True,
        )
        # one recordSteps request of the four
        assert [(name, len(items)) for name, items in sent.ops] == [("RecordSteps", 4)]
        assert isinstance(results[2], LeaseLostError)
        ok = [r for i, r in enumerate(results) if i != 2]
        assert [getattr(r, "name", r) for r in ok] == ["a", "b", "d"]
        # the intent's current lease records it
        again = await c.record_step(step_input(held[2], "c", 2))
        assert again.name == "c"


async def test_a_server_without_record_steps_gets_each_step_alone(server: Server, intent_type: str) -> None:
    sent = Sent()
    async with counting_client(server.url, sent, transport=OlderServer()) as c:
        held = await leases(c, intent_type, 4)
        sent.ops.clear()
        first = await asyncio.gather(*(c.record_step(step_input(lease, "one", n)) for n, lease in enumerate(held)))
        assert [r.name for r in first] == ["one"] * 4
        # recordSteps tried once, refused; then each step in a request of its own
        assert [(name, len(items)) for name, items in sent.ops] == [("RecordSteps", 4)] + [("RecordStep", 1)] * 4
        old = held[1]
        await c.release(old.intent.id, old.token)
        [held[1]] = await c.claim_many([intent_type], limit=1)
        sent.ops.clear()
        stale = step_input(old, "two", 1)
        second = await asyncio.gather(
            c.record_step(step_input(held[0], "two", 0)),
            c.record_step(stale),
            c.record_step(step_input(held[2], "two", 2)),
            return_exceptions=True,
        )
        # no more recordSteps: one request per step, each settling on its own
        assert [(name, len(items)) for name, items in sent.ops] == [("RecordStep", 1)] * 3
        assert isinstance(second[1], LeaseLostError)
        assert [getattr(r, "name", None) for r in (second[0], second[2])] == ["two", "two"]
        for n, lease in enumerate(held):
            records = await c.steps(lease.intent.id, with_output=True)
            assert records is not None
            expected = [("one", n)] + ([("two", n)] if n in (0, 2) else [])
            assert [(s.name, s.output) for s in records] == expected


async def test_a_crossed_budget_in_a_batch_stops_only_its_own_run(server: Server, intent_type: str) -> None:
    sent = Sent()
    async with counting_client(server.url, sent) as c:
        capped = await c.submit(intent_type, {"capped": True}, budget={"maxUsd": 0.025}, max_attempts=3)
        free = [await c.submit(intent_type, {"capped": False}) for _ in range(2)]
        running: set[str] = set()
        everyone = asyncio.Event()
        stopped: list[BaseException] = []

        def usage(_response: Any) -> dict[str, Any]:
            return {"model": "fake", "inputTokens": 10, "costUsd": 0.01}

        async def handle(run: IntentRun) -> dict[str, Any]:
            running.add(run.id)
            if len(running) == 3:
                everyone.set()
            await everyone.wait()  # the three record their steps at the same time
            try:
                for i in range(5):
                    # each costs $0.01: the capped intent's 3rd crosses its $0.025
                    await run.step(f"llm:{i}", lambda: {"text": "answer"}, usage=usage)
            except (asyncio.CancelledError, BudgetExceededError) as err:
                stopped.append(err)
                raise
            return {"steps": 5}

        errors: list[BaseException] = []
        worker = c.worker(
            handle, types=[intent_type], concurrency=3, wait_seconds=1, on_error=lambda e, _: errors.append(e)
        )
        try:
            done = await asyncio.gather(*(c.result(i.id, timeout=30) for i in [capped, *free]))

            async def one_stopped() -> bool:
                return len(stopped) == 1

            await until(one_stopped, "the capped run to stop")
        finally:
            await worker.stop()
        assert done[0].status is IntentStatus.FAILED
        assert done[0].error is not None
        assert done[0].error.code == "BUDGET_EXCEEDED"
        assert [(d.status, d.output) for d in done[1:]] == [(IntentStatus.COMPLETED, {"steps": 5})] * 2
        assert len(stopped) == 1  # only the capped run was stopped
        assert errors == []
        # the crossing step went in a recordSteps request with the other runs' steps
        [crossing] = [items for items in sent.steps() if (capped.id, "llm:2") in items]
        assert len({intent for intent, _ in crossing}) == 3
        assert len(sent.steps()) < 3 * 5


def test_the_sync_client_records_a_step(server: Server, intent_type: str) -> None:
    with SyncAxmeClient(server.url) as axme:
        intent = axme.submit(intent_type, {"i": 0})
        [lease] = axme.claim_many([intent_type], limit=1)
        step = axme.record_step(step_input(lease, "sync", {"ok": True}))
        assert (step.name, step.status.value, step.output_bytes) == ("sync", "COMPLETED", len('{"ok":true}'))
        axme.complete_many([(intent.id, lease.token, None)])


async def test_a_batch_refused_as_a_whole_goes_item_by_item(server: Server, intent_type: str) -> None:
    sent = Sent()
    async with counting_client(server.url, sent) as c:
        held = await leases(c, intent_type, 3)
        sent.ops.clear()
        bad = RecordStepInput.model_validate(
            {
                **step_input(held[1], "call", None).model_dump(by_alias=True),
                "usage": [{"provider": "openai", "model": "m", "inputTokens": 2**40, "outputTokens": 1}],
            }
        )
        results = await asyncio.gather(
            c.record_step(step_input(held[0], "call", 0)),
            c.record_step(bad),
            c.record_step(step_input(held[2], "call", 2)),
            return_exceptions=True,
        )
        # an Int out of range makes the whole request invalid: then each item goes alone, for its own answer
        assert [name for name, _ in sent.ops] == ["RecordSteps", "RecordStep", "RecordStep", "RecordStep"]
        assert getattr(results[0], "name", None) == "call"
        assert isinstance(results[1], BadUserInputError)
        assert getattr(results[2], "name", None) == "call"
        assert await c.steps(held[1].intent.id) == []
