"""A worker's step records and completions as operations over the client's shared socket,
against the real server: the same answers and errors as over HTTP, HTTP for what the socket
cannot carry, and never a second send of a write that may have reached the server."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

import pytest
from conftest import Server, StartWorker, until
from websockets.asyncio.client import connect

from axme_durable import AxmeClient, IntentRun, IntentStatus, LeaseLostError, NetworkError, ws_shared
from axme_durable.generated.input_types import ClaimIntentsInput, RecordStepInput


def _op(query: str) -> str:
    m = re.match(r"\s*(?:mutation|query|subscription)\s+(\w+)", query)
    return m.group(1) if m else "other"


class Sent:
    """Operations by name as they left a client: over HTTP, and over its socket."""

    def __init__(self, client: AxmeClient) -> None:
        self.http: list[str] = []
        self.socket: list[str] = []
        http1 = client.gql._http1
        assert http1 is not None
        post, execute = http1.post, client.gql._shared.execute

        async def counted_post(body: bytes, headers: dict[str, str], timeout: float | None) -> Any:
            self.http.append(_op(json.loads(body)["query"]))
            return await post(body, headers, timeout)

        async def counted_execute(payload: str, timeout: float | None) -> Any:
            self.socket.append(_op(json.loads(payload)["query"]))
            return await execute(payload, timeout)

        http1.post = counted_post  # type: ignore[method-assign]
        client.gql._shared.execute = counted_execute  # type: ignore[method-assign]


@pytest.fixture
def on_send(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """What the sockets clients open do with a subscribe of an operation: {name: "close" | "drop"}."""
    rules: dict[str, str] = {}
    real = connect

    async def connecting(url: str, **kwargs: Any) -> Any:
        ws = await real(url, **kwargs)
        send = ws.send

        async def sending(message: Any, *a: Any, **k: Any) -> None:
            m = json.loads(message) if isinstance(message, str) else {}
            rule = rules.get(_op(m["payload"]["query"])) if m.get("type") == "subscribe" else None
            if rule == "drop":
                return
            await send(message, *a, **k)
            if rule == "close":
                # lost at once, as a cut network is: the answer, which needs a commit first, never comes
                ws.transport.abort()

        ws.send = sending  # type: ignore[method-assign]
        return ws

    monkeypatch.setattr(ws_shared, "connect", connecting)
    return rules


async def _claim(client: AxmeClient, intent_type: str) -> tuple[str, str]:
    intent = await client.submit(intent_type, {"n": 1})
    [lease] = await client.claim_many([intent_type], limit=1)
    assert lease.intent.id == intent.id
    return intent.id, lease.token


def _step(intent_id: str, token: str, name: str, output: Any) -> RecordStepInput:
    return RecordStepInput.model_validate(
        {"id": intent_id, "leaseToken": token, "name": name, "output": output, "durationMs": 1}
    )


async def test_a_workers_steps_and_completion_go_over_the_socket_with_the_answers_http_gives(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    sent = Sent(client)

    async def handle(run: IntentRun) -> Any:
        a = await run.step("a", lambda: {"a": 1})
        b = await run.step("b", lambda: {"b": a["a"] + 1})
        return {"sum": a["a"] + b["b"]}

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, {})
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED
    assert done.output == {"sum": 3}
    steps = await client.steps(intent.id, with_output=True)
    assert [(s.name, s.output) for s in steps or []] == [("a", {"a": 1}), ("b", {"b": 2})]
    assert sent.socket == ["RecordStep", "RecordStep", "CompleteIntentsAck"]
    assert "RecordStep" not in sent.http
    assert "CompleteIntentsAck" not in sent.http
    assert "ClaimIntents" in sent.http


async def test_a_workers_completion_is_answered_without_the_runs_input_or_output(
    client: AxmeClient, intent_type: str, start_worker: StartWorker
) -> None:
    # what came back for each completion, over the socket or (a large output) over HTTP
    answers: list[str] = []
    http1 = client.gql._http1
    assert http1 is not None
    post, execute = http1.post, client.gql._shared.execute

    def keep(query: str, answer: Any) -> Any:
        if _op(query).startswith("CompleteIntents"):
            content = getattr(answer, "content", None)
            answers.append(content.decode() if isinstance(content, bytes) else json.dumps(answer, default=str))
        return answer

    async def recorded_post(body: bytes, headers: dict[str, str], timeout: float | None) -> Any:
        return keep(json.loads(body)["query"], await post(body, headers, timeout))

    async def recorded_execute(payload: str, timeout: float | None) -> Any:
        return keep(json.loads(payload)["query"], await execute(payload, timeout))

    http1.post = recorded_post  # type: ignore[method-assign]
    client.gql._shared.execute = recorded_execute  # type: ignore[method-assign]
    big_in, big_out = {"doc": "i" * 300_000}, {"doc": "o" * 300_000}

    async def handle(run: IntentRun) -> Any:
        await run.step("read", lambda: len(run.input["doc"]))
        return big_out

    start_worker(handle, types=[intent_type])
    intent = await client.submit(intent_type, big_in)
    done = await client.result(intent.id, timeout=30)
    assert done.status is IntentStatus.COMPLETED
    assert done.output == big_out
    assert len(answers) == 1
    assert len(answers[0]) < 1_000


async def test_a_refused_write_raises_the_same_error_over_the_socket_as_over_http(
    server: Server, client: AxmeClient, intent_type: str
) -> None:
    sent = Sent(client)
    intent_id, _ = await _claim(client, intent_type)
    async with (
        AxmeClient(server.url, writes_over_socket=False) as over_http,
        client.hold_writes(),
        over_http.hold_writes(),
    ):
        refusals = []
        for c in (client, over_http):
            with pytest.raises(LeaseLostError) as caught:
                await c.record_step(_step(intent_id, str(uuid.uuid4()), "s", 1))
            refusals.append((caught.value.code, caught.value.details))
    assert refusals[0] == refusals[1]
    assert sent.socket == ["RecordStep"]
    assert "RecordStep" not in sent.http


async def test_a_large_write_and_writes_while_no_socket_opens_go_over_http(
    server: Server, client: AxmeClient, intent_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = Sent(client)
    intent_id, token = await _claim(client, intent_type)
    async with client.hold_writes():
        await client.record_step(_step(intent_id, token, "big", "x" * 100_000))
    assert sent.http.count("RecordStep") == 1
    assert sent.socket == []

    # a socket that cannot connect (a proxy refusing upgrades): each write goes over HTTP,
    # and the socket is not tried again for the next one
    attempts: list[str] = []
    real = connect

    def refused(url: str, **kwargs: Any) -> Any:
        attempts.append(url)
        return real("ws://127.0.0.1:9/graphql", **kwargs)

    monkeypatch.setattr(ws_shared, "connect", refused)
    async with AxmeClient(server.url) as blocked, blocked.hold_writes():
        counted = Sent(blocked)
        other_id, other_token = await _claim(blocked, intent_type)
        first = await blocked.record_step(_step(other_id, other_token, "s1", 1))
        assert first.name == "s1"
        await blocked.record_step(_step(other_id, other_token, "s2", 2))
        assert counted.http.count("RecordStep") == 2
        assert len(attempts) == 1
        assert [s.name for s in await blocked.steps(other_id) or []] == ["s1", "s2"]


async def test_a_socket_lost_after_the_write_left_fails_it_without_sending_it_again(
    client: AxmeClient, intent_type: str, on_send: dict[str, str]
) -> None:
    sent = Sent(client)
    intent_id, token = await _claim(client, intent_type)
    on_send["RecordStep"] = "close"
    async with client.hold_writes():
        with pytest.raises(NetworkError):
            await client.record_step(_step(intent_id, token, "s", 1))
    assert sent.socket == ["RecordStep"]
    assert "RecordStep" not in sent.http


async def test_a_write_without_an_answer_fails_after_the_timeout_without_being_sent_again(
    server: Server, intent_type: str, on_send: dict[str, str]
) -> None:
    async with AxmeClient(server.url, timeout=0.5) as client, client.hold_writes():
        sent = Sent(client)
        intent_id, token = await _claim(client, intent_type)
        on_send["RecordStep"] = "drop"
        with pytest.raises(NetworkError, match=r"within 0\.5 s"):
            await client.record_step(_step(intent_id, token, "s", 1))
        assert "RecordStep" not in sent.http


async def test_writes_go_over_http_outside_a_hold_and_the_held_socket_outlives_idle_pauses(
    client: AxmeClient, intent_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ws_shared, "IDLE_SECONDS", 0.05)
    sent = Sent(client)
    intent_id, token = await _claim(client, intent_type)
    await client.record_step(_step(intent_id, token, "before", 0))
    assert sent.http[-1] == "RecordStep"
    assert sent.socket == []
    async with client.hold_writes():
        await client.record_step(_step(intent_id, token, "a", 1))
        await asyncio.sleep(0.3)  # a step longer than the idle delay
        await client.record_step(_step(intent_id, token, "b", 2))
        state = client.gql._shared._loops[asyncio.get_running_loop()]
        assert len(state.sockets) == 1
    assert sent.socket == ["RecordStep", "RecordStep"]
    await asyncio.sleep(0.3)
    assert state.sockets == []


async def test_many_writes_at_once_spread_over_sockets_within_the_servers_limit(
    client: AxmeClient, intent_type: str
) -> None:
    sent = Sent(client)
    n = 2 * ws_shared.MAX_PER_SOCKET + 20  # more than the server's 100 operations per socket
    for _ in range(n):
        await client.submit(intent_type, {})
    leases = await client.claim_many([intent_type], limit=n)
    assert len(leases) == n
    opened: list[Any] = []
    real_connect = ws_shared.SharedSocket._connect

    async def counting_connect(self: ws_shared.SharedSocket, state: Any) -> Any:
        sock = await real_connect(self, state)
        opened.append(sock)
        return sock

    ws_shared.SharedSocket._connect = counting_connect  # type: ignore[method-assign]
    try:
        async with client.hold_writes():
            # each its own operation (not batched), all at once
            steps = await asyncio.gather(
                *(
                    client.gql.record_step(_step(lease.intent.id, lease.token, "s", i), over_socket=True)
                    for i, lease in enumerate(leases)
                )
            )
    finally:
        ws_shared.SharedSocket._connect = real_connect  # type: ignore[method-assign]
    assert [s.record_step.name for s in steps] == ["s"] * n
    # none refused by the server for the number of operations on one socket: none went over HTTP
    assert sent.http.count("RecordStep") == 0
    assert len(opened) >= 2


async def test_a_write_the_server_refuses_for_the_number_on_its_socket_goes_over_http_once(
    client: AxmeClient, intent_type: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a client that puts more operations on one socket than the server takes (its 100)
    monkeypatch.setattr(ws_shared, "MAX_PER_SOCKET", 10_000)
    sent = Sent(client)
    intent_id, token = await _claim(client, intent_type)
    idle = ClaimIntentsInput.model_validate({"types": [f"{intent_type}.none"], "limit": 1, "waitSeconds": 20})
    async with client.hold_writes():
        # 100 long polls fill the socket on the server
        polls = [asyncio.ensure_future(client.gql.claim_intents(idle, over_socket=True)) for _ in range(100)]
        loops = client.gql._shared._loops

        async def sent_all() -> bool:
            state = loops.get(asyncio.get_running_loop())
            return state is not None and sum(len(sock.subs) for sock in state.sockets) >= 100

        # sent on the one socket before the step: the server reads them first, in order
        await until(sent_all, "the long polls sent")
        assert len(loops[asyncio.get_running_loop()].sockets) == 1
        step = await client.gql.record_step(_step(intent_id, token, "s", 1), over_socket=True)
        assert step.record_step.name == "s"
        # refused on the socket before it ran, then sent over HTTP: recorded once
        assert sent.socket.count("RecordStep") == 1
        assert sent.http.count("RecordStep") == 1
        assert [r.name for r in await client.steps(intent_id) or []] == ["s"]
        for poll in polls:
            poll.cancel()
        await asyncio.gather(*polls, return_exceptions=True)
        # the socket takes writes again once it carries none
        await client.gql.record_step(_step(intent_id, token, "after", 2), over_socket=True)
        assert sent.socket.count("RecordStep") == 2
        assert sent.http.count("RecordStep") == 1
