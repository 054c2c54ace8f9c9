"""The client against a real server on a port: typed results, errors as classes per code,
batch claims and completions, and live events over graphql-transport-ws."""

from __future__ import annotations

import asyncio
import socket
import uuid
from contextlib import aclosing
from typing import Any

import httpx
import pytest
from conftest import Server

from axme_durable import (
    AxmeClient,
    BadUserInputError,
    ConflictError,
    IntentEvent,
    IntentEventKind,
    IntentStatus,
    LeaseLostError,
    NetworkError,
    NotFoundError,
)


async def test_submit_get_list_and_events_are_typed(client: AxmeClient, intent_type: str) -> None:
    intent = await client.submit(intent_type, {"url": "https://example.com"}, labels=["py"], priority=5)
    assert intent.status is IntentStatus.PENDING
    assert intent.type_ == intent_type
    assert intent.input == {"url": "https://example.com"}
    assert (intent.priority, intent.labels, intent.attempt, intent.last_seq) == (5, ["py"], 0, 1)

    got = await client.get(intent.id)
    assert got is not None
    assert got.id == intent.id
    assert got.created_at.tzinfo is not None  # DateTime is a timezone-aware datetime

    page = await client.list(type=[intent_type], status=["PENDING"])
    assert [n.id for n in page.nodes] == [intent.id]
    assert page.total_count == 1

    events = await client.events(intent.id)
    assert [(e.seq, e.kind) for e in events] == [(1, IntentEventKind.SUBMITTED)]


async def test_an_idempotency_key_returns_the_same_intent_and_refuses_other_input(
    client: AxmeClient, intent_type: str
) -> None:
    first = await client.submit(intent_type, {"n": 1}, idempotency_key="k1")
    again = await client.submit(intent_type, {"n": 1}, idempotency_key="k1")
    assert again.id == first.id
    with pytest.raises(ConflictError) as caught:
        await client.submit(intent_type, {"n": 2}, idempotency_key="k1")
    assert caught.value.code == "CONFLICT"


async def test_errors_are_classes_per_code(client: AxmeClient, intent_type: str) -> None:
    intent = await client.submit(intent_type)
    missing = str(uuid.uuid4())
    assert await client.get(missing) is None
    with pytest.raises(NotFoundError):
        await client.cancel(missing)
    with pytest.raises(BadUserInputError):
        await client.get("not an id")

    [lease] = await client.claim_many([intent_type], limit=1)
    [done] = await client.complete_many([(intent.id, lease.token, {"ok": True})])
    assert not isinstance(done, Exception)
    assert done.status is IntentStatus.COMPLETED
    # completing again: the intent is finished, and the error says how
    [again] = await client.complete_many([(intent.id, lease.token, 2)])
    assert isinstance(again, ConflictError)
    assert again.details.get("status") == "COMPLETED"


async def test_an_unreachable_server_is_a_network_error() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # nothing listens on the port any more
    async with AxmeClient(f"http://127.0.0.1:{port}/graphql") as c:
        with pytest.raises(NetworkError) as caught:
            await c.get("x")
    assert caught.value.code == "NETWORK"


async def test_claim_many_and_complete_many_settle_each_item_on_its_own(client: AxmeClient, intent_type: str) -> None:
    ids = [(await client.submit(intent_type, {"i": i})).id for i in range(3)]
    leases = await client.claim_many([intent_type], limit=5, agent="py-batch", lease_seconds=30)
    assert sorted(lease.intent.id for lease in leases) == sorted(ids)
    assert len({lease.token for lease in leases}) == 3
    assert all(lease.intent.status is IntentStatus.RUNNING for lease in leases)

    # one stale token among good ones: only that item fails, with its class
    items: list[tuple[str, str, Any]] = [(lease.intent.id, lease.token, {"i": n}) for n, lease in enumerate(leases)]
    items[1] = (items[1][0], "0" * len(items[1][1]), None)
    results = await client.complete_many(items)
    assert isinstance(results[1], (LeaseLostError, BadUserInputError))
    assert [getattr(r, "status", None) for n, r in enumerate(results) if n != 1] == [IntentStatus.COMPLETED] * 2
    stale = await client.get(items[1][0])
    assert stale is not None
    assert stale.status is IntentStatus.RUNNING


async def test_watch_replays_the_history_then_follows_live_and_resumes_after_a_cursor(
    client: AxmeClient, intent_type: str
) -> None:
    intent = await client.submit(intent_type)
    seen: list[IntentEvent] = []

    async def follow() -> None:
        async with aclosing(client.watch(intent.id)) as events:
            async for e in events:
                seen.append(e)
                if e.kind is IntentEventKind.COMPLETED:
                    return

    follower = asyncio.create_task(follow())
    [lease] = await client.claim_many([intent_type], limit=1)
    await client.complete_many([(intent.id, lease.token, {"done": 1})])
    await asyncio.wait_for(follower, 30)
    assert [(e.seq, e.kind) for e in seen] == [
        (1, IntentEventKind.SUBMITTED),
        (2, IntentEventKind.CLAIMED),
        (3, IntentEventKind.COMPLETED),
    ]

    # from a cursor: exactly what came after it
    resumed: list[int] = []
    async with aclosing(client.watch(intent.id, after=seen[0].cursor)) as events:
        async for e in events:
            resumed.append(e.seq)
            if e.seq == 3:
                break
    assert resumed == [2, 3]


async def test_changes_and_result_follow_the_intent_live(client: AxmeClient, intent_type: str) -> None:
    intent = await client.submit(intent_type)
    result = asyncio.create_task(client.result(intent.id, timeout=30))
    statuses: list[IntentStatus] = []

    async def follow() -> None:
        async with aclosing(client.changes(intent.id)) as changes:
            async for now in changes:
                statuses.append(now.status)
                if now.status is IntentStatus.PENDING and len(statuses) == 1:
                    [lease] = await client.claim_many([intent_type], limit=1)
                    await client.complete_many([(intent.id, lease.token, {"answer": 42})])
                if now.status is IntentStatus.COMPLETED:
                    return

    await asyncio.wait_for(follow(), 30)
    done = await result
    assert done.status is IntentStatus.COMPLETED
    assert done.output == {"answer": 42}
    assert statuses[0] is IntentStatus.PENDING
    assert statuses[-1] is IntentStatus.COMPLETED


async def test_execute_submits_and_answers_the_finished_intent(client: AxmeClient, intent_type: str) -> None:
    async def agent() -> None:
        [lease] = await client.claim_many([intent_type], limit=1, wait_seconds=10)
        await client.complete_many([(lease.intent.id, lease.token, {"answer": lease.intent.input["q"] * 2})])

    worker = asyncio.create_task(agent())
    done = await client.execute(intent_type, {"q": 21}, labels=["exec"], timeout=30)
    await worker
    assert (done.status, done.output, done.labels) == (IntentStatus.COMPLETED, {"answer": 42}, ["exec"])


async def test_execute_recovers_an_answer_a_proxy_lost(server: Server, intent_type: str) -> None:
    real = httpx.AsyncHTTPTransport()
    pending: list[asyncio.Task[httpx.Response]] = []

    class GivingUpProxy(httpx.AsyncBaseTransport):
        """Forwards everything, but answers a held submit with a 504 at once while the server goes on."""

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if b"ExecuteIntent" in request.content:
                pending.append(asyncio.create_task(real.handle_async_request(request)))
                return httpx.Response(504, text="<html>Gateway Time-out</html>")
            return await real.handle_async_request(request)

    async with AxmeClient(server.url, http_client=httpx.AsyncClient(transport=GivingUpProxy())) as proxied:

        async def agent() -> None:
            [lease] = await proxied.claim_many([intent_type], limit=1, wait_seconds=10)
            await proxied.complete_many([(lease.intent.id, lease.token, "late but there")])

        worker = asyncio.create_task(agent())
        done = await proxied.execute(intent_type, {"n": 1}, timeout=30)
        await worker
        assert (done.status, done.output) == (IntentStatus.COMPLETED, "late but there")
        assert len(pending) == 1
        # one intent: the retry under the same key answered it
        assert len((await proxied.list(type=[intent_type])).nodes) == 1
    for t in pending:
        await t


async def test_signals_and_approvals_from_the_outside(client: AxmeClient, intent_type: str) -> None:
    intent = await client.submit(intent_type)
    sig = await client.signal(intent.id, "webhook", {"paid": True})
    assert (sig.name, sig.payload, sig.consumed_at) == ("webhook", {"paid": True}, None)
    with pytest.raises(NotFoundError):
        await client.resolve_approval(str(uuid.uuid4()), "approve")


async def test_a_subscription_error_is_raised_as_its_class_not_retried(client: AxmeClient) -> None:
    async def first_change() -> None:
        async with aclosing(client.changes("not an id")) as changes:
            async for _ in changes:
                raise AssertionError("no intent should come")

    with pytest.raises(BadUserInputError):
        await asyncio.wait_for(first_change(), 30)
