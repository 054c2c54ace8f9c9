"""All of a client's subscriptions on one socket (axme_durable/ws_shared.py), against the
real server: shared, closed when idle, and a slow consumer cut off and resumed without a
gap or a repeat."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Any

import pytest
from conftest import Server
from websockets.asyncio.client import connect

from axme_durable import AxmeClient, IntentEventKind, IntentStatus, ws_shared
from axme_durable.generated.input_types import RecordStepInput


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URL of every socket the clients open."""
    opened: list[str] = []

    def counting(url: str, **kwargs: Any) -> Any:
        opened.append(url)
        return connect(url, **kwargs)

    monkeypatch.setattr(ws_shared, "connect", counting)
    return opened


async def test_results_of_many_intents_share_one_socket_that_closes_when_idle(
    client: AxmeClient, intent_type: str, connects: list[str]
) -> None:
    intents = [await client.submit(intent_type, {"n": i}) for i in range(5)]
    waiting = [asyncio.create_task(client.result(i.id, timeout=30)) for i in intents]
    await asyncio.sleep(0.3)  # every result() subscribed
    leases = await client.claim_many([intent_type], limit=5)
    await client.complete_many([(lease.intent.id, lease.token, {"ok": lease.intent.input["n"]}) for lease in leases])
    done = await asyncio.gather(*waiting)
    assert [d.output for d in done] == [{"ok": i} for i in range(5)]
    assert all(d.status is IntentStatus.COMPLETED for d in done)
    assert len(connects) == 1
    state = client.gql._shared._loops[asyncio.get_running_loop()]
    assert len(state.sockets) == 1
    await asyncio.sleep(ws_shared.IDLE_SECONDS + 0.5)
    assert state.sockets == []
    # the next subscription opens a new one
    again = await client.submit(intent_type)
    follow = asyncio.create_task(client.result(again.id, timeout=30))
    await asyncio.sleep(0.3)
    [lease] = await client.claim_many([intent_type], limit=1)
    await client.complete_many([(again.id, lease.token, {})])
    assert (await follow).status is IntentStatus.COMPLETED
    assert len(connects) == 2


async def test_a_consumer_that_stops_early_leaves_the_socket_to_the_others(
    client: AxmeClient, intent_type: str, connects: list[str]
) -> None:
    first, second = await client.submit(intent_type), await client.submit(intent_type)
    async with aclosing(client.changes(first.id)) as changes:
        async for now in changes:
            assert now.status is IntentStatus.PENDING
            break
    waiting = asyncio.create_task(client.result(second.id, timeout=30))
    await asyncio.sleep(0.3)
    leases = await client.claim_many([intent_type], limit=2)
    await client.complete_many([(lease.intent.id, lease.token, {}) for lease in leases])
    assert (await waiting).status is IntentStatus.COMPLETED
    assert len(connects) == 1


async def test_a_slow_consumer_is_cut_off_and_resumes_with_nothing_missed_or_repeated(
    client: AxmeClient, intent_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ws_shared, "MAX_QUEUED", 3)
    intent = await client.submit(intent_type)
    [lease] = await client.claim_many([intent_type], limit=1)
    seqs: list[int] = []
    first_live = asyncio.Event()
    go_on = asyncio.Event()

    async def follow() -> None:
        async with aclosing(client.watch(intent.id)) as events:
            async for e in events:
                seqs.append(e.seq)
                if e.seq == 3:  # the first live event: now read nothing for a while
                    first_live.set()
                    await go_on.wait()
                if e.kind is IntentEventKind.COMPLETED:
                    return

    follower = asyncio.create_task(follow())

    async def step(name: str) -> None:
        await client.record_step(
            RecordStepInput(id=intent.id, leaseToken=lease.token, name=name, output=1, durationMs=1)
        )

    await asyncio.sleep(0.3)
    await step("s0")  # seq 3
    await asyncio.wait_for(first_live.wait(), 30)
    for i in range(1, 10):  # seq 4..12 while the consumer reads nothing: more than MAX_QUEUED
        await step(f"s{i}")
    await asyncio.sleep(0.3)
    go_on.set()
    await client.complete_many([(intent.id, lease.token, {})])  # seq 13
    await asyncio.wait_for(follower, 30)
    assert seqs == list(range(1, 14))


async def test_more_subscriptions_than_a_socket_takes_go_on_more_sockets(
    client: AxmeClient, intent_type: str, connects: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the client would put them all on one socket; the server takes 100 per socket (AXME_MAX_SUBSCRIPTIONS)
    monkeypatch.setattr(ws_shared, "MAX_PER_SOCKET", 1000)
    intents = [await client.submit(intent_type, {"n": i}) for i in range(105)]
    waiting = [asyncio.create_task(client.result(i.id, timeout=60)) for i in intents]
    await asyncio.sleep(1.0)
    leases = await client.claim_many([intent_type], limit=105)
    await client.complete_many([(lease.intent.id, lease.token, {"n": lease.intent.input["n"]}) for lease in leases])
    done = await asyncio.gather(*waiting)
    assert [d.output for d in done] == [{"n": i} for i in range(105)]
    assert len(connects) == 2  # the refused ones resumed on a second socket, once


async def test_a_closed_client_ends_its_subscriptions_and_opens_no_socket(
    server: Server, intent_type: str, connects: list[str]
) -> None:
    c = AxmeClient(server.url)
    intent = await c.submit(intent_type)
    seen: list[IntentStatus] = []

    async def follow() -> None:
        async with aclosing(c.changes(intent.id)) as changes:
            async for now in changes:
                seen.append(now.status)

    follower = asyncio.create_task(follow())
    await asyncio.sleep(0.3)
    await c.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await asyncio.wait_for(follower, 10)
    assert seen == [IntentStatus.PENDING]
    assert len(connects) == 1
