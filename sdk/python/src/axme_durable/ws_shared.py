"""One graphql-transport-ws socket for all of a client's subscriptions, as the TypeScript
client's SharedSocket: ``watch()``, ``changes()``, ``result()`` and ``stream()`` calls of one
client share it, so the tenth of them costs a subscribe message, not a TCP connect, an
upgrade and a ``connection_init``. It opens with the first subscription and closes
``IDLE_SECONDS`` after the last one ends.

A lost socket fails every subscription on it (``NetworkError``, or the coded error its close
code means); each caller's ``live()`` loop subscribes again and resumes from its own cursor,
which opens a new socket. A subscription whose consumer falls ``MAX_QUEUED`` results behind
is ended with RATE_LIMITED, as the server ends a slow socket, and resumes the same way: one
slow reader neither holds the others back nor fills the client's memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, Callable
from typing import Any
from uuid import uuid4

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.typing import Subprotocol

from axme_durable.errors import (
    AxmeClientError,
    NetworkError,
    RateLimitedError,
    UnauthenticatedError,
    from_graphql_error,
)

GRAPHQL_TRANSPORT_WS = Subprotocol("graphql-transport-ws")

CONNECT_TIMEOUT = 10.0
"""Seconds a socket may take to connect and be acknowledged (a proxy swallowing the upgrade must not stall a watch)."""

IDLE_SECONDS = 1.0
"""The socket closes this long after its last subscription ends (a next one within it reuses it)."""

MAX_QUEUED = 1000
"""Results one subscription may have waiting for its consumer before it is ended with RATE_LIMITED."""

# what a subscription's queue carries: ("next", payload), ("error", payload), ("complete", None), ("closed", error)
_Item = tuple[str, Any]


class _Socket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.loop = asyncio.get_running_loop()
        self.subs: dict[str, asyncio.Queue[_Item]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.idle: asyncio.TimerHandle | None = None
        self.closed = False


class SharedSocket:
    """Subscriptions over one socket to ``url``, acknowledged with ``init_payload``."""

    def __init__(self, url: str, headers: dict[str, str], init_payload: dict[str, Any] | None) -> None:
        self.url = url
        self.headers = headers
        self.init_payload = init_payload
        self._socket: _Socket | None = None
        self._connecting: asyncio.Task[_Socket] | None = None
        # messages sent without waiting; held here, as the loop keeps only weak references to tasks
        self._background: set[asyncio.Task[None]] = set()

    async def subscribe(
        self, payload: dict[str, Any], on_connected: Callable[[], None] | None
    ) -> AsyncGenerator[Any, None]:
        """Each ``next`` payload of one operation until the server completes it. Raises the
        ``error`` message's class, or what the socket's loss means."""
        sock = await self._open()
        if on_connected is not None:
            on_connected()
        op = str(uuid4())
        queue: asyncio.Queue[_Item] = asyncio.Queue()
        sock.subs[op] = queue
        if sock.idle is not None:
            sock.idle.cancel()
            sock.idle = None
        ended = False
        try:
            try:
                await sock.ws.send(json.dumps({"id": op, "type": "subscribe", "payload": payload}))
            except ConnectionClosed as err:
                raise _closed(err) from err
            while True:
                kind, body = await queue.get()
                if kind == "next":
                    yield body
                elif kind == "complete":
                    ended = True
                    return
                elif kind == "error":
                    ended = True
                    errors = body
                    raise from_graphql_error(errors[0] if isinstance(errors, list) and errors else errors)
                else:  # "closed": the socket is gone, or this subscription fell too far behind
                    ended = True
                    raise body
        finally:
            sock.subs.pop(op, None)
            if not ended and not sock.closed:
                # the caller stopped early: tell the server, without waiting on it
                self._send_later(sock, {"id": op, "type": "complete"})
            self._idle_from_now(sock)

    async def _open(self) -> _Socket:
        loop = asyncio.get_running_loop()
        sock = self._socket
        if sock is not None and not sock.closed and sock.loop is loop:
            return sock
        if sock is not None and sock.loop is not loop:
            # a socket of another event loop (a sync caller's, a test's) is that loop's to close
            self._socket = None
            self._drop(sock)
        if self._connecting is None or self._connecting.get_loop() is not loop:
            self._connecting = loop.create_task(self._connect())
        connecting = self._connecting
        try:
            # callers share one attempt; one caller giving up does not cancel it for the others
            return await asyncio.shield(connecting)
        finally:
            if connecting.done() and self._connecting is connecting:
                self._connecting = None

    async def _connect(self) -> _Socket:
        try:
            ws = await asyncio.wait_for(
                connect(
                    self.url,
                    subprotocols=[GRAPHQL_TRANSPORT_WS],
                    additional_headers=self.headers,
                    open_timeout=None,
                    max_size=None,
                    proxy=None,
                ),
                CONNECT_TIMEOUT,
            )
        except (OSError, InvalidHandshake, InvalidURI, asyncio.TimeoutError) as err:
            raise NetworkError(f"cannot subscribe at {self.url}: {type(err).__name__} {err}".rstrip()) from err
        try:
            init: dict[str, Any] = {"type": "connection_init"}
            if self.init_payload:
                init["payload"] = self.init_payload
            await ws.send(json.dumps(init))
            await asyncio.wait_for(_acknowledged(ws, self.url), CONNECT_TIMEOUT)
        except asyncio.TimeoutError as err:
            await ws.close()
            raise NetworkError(f"{self.url} did not acknowledge the connection") from err
        except ConnectionClosed as err:
            raise _closed(err) from err
        except BaseException:
            await ws.close()
            raise
        sock = _Socket(ws)
        sock.reader = asyncio.get_running_loop().create_task(self._read(sock))
        self._socket = sock
        # closed unless a subscription comes (its callers may all have given up meanwhile)
        self._idle_from_now(sock)
        return sock

    async def _read(self, sock: _Socket) -> None:
        failure: AxmeClientError = NetworkError(f"the socket to {self.url} closed")
        try:
            async for raw in sock.ws:
                message = _message(raw, self.url)
                kind = message.get("type")
                if kind == "ping":
                    await sock.ws.send(json.dumps({"type": "pong"}))
                    continue
                queue = sock.subs.get(str(message.get("id")))
                if queue is None:
                    continue  # a subscription its caller already left
                if kind == "next":
                    if queue.qsize() >= MAX_QUEUED:
                        self._too_slow(sock, str(message.get("id")), queue)
                        continue
                    queue.put_nowait(("next", message.get("payload")))
                elif kind == "error":
                    queue.put_nowait(("error", message.get("payload")))
                elif kind == "complete":
                    queue.put_nowait(("complete", None))
        except ConnectionClosed as err:
            failure = _closed(err)
        except (OSError, NetworkError) as err:
            failure = err if isinstance(err, NetworkError) else NetworkError(f"the socket to {self.url} failed: {err}")
        finally:
            sock.closed = True
            if self._socket is sock:
                self._socket = None
            if sock.idle is not None:
                sock.idle.cancel()
            for queue in sock.subs.values():
                queue.put_nowait(("closed", failure))
            sock.subs.clear()
            with contextlib.suppress(Exception):
                await sock.ws.close()

    def _too_slow(self, sock: _Socket, op: str, queue: asyncio.Queue[_Item]) -> None:
        # behind what it has not read yet: the consumer reads those, then resumes after them
        sock.subs.pop(op, None)
        queue.put_nowait(
            ("closed", RateLimitedError("RATE_LIMITED", f"the consumer fell {MAX_QUEUED} results behind", {}))
        )
        self._send_later(sock, {"id": op, "type": "complete"})

    def _send_later(self, sock: _Socket, message: dict[str, Any]) -> None:
        task = sock.loop.create_task(_send_quietly(sock.ws, message))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _idle_from_now(self, sock: _Socket) -> None:
        if not sock.subs and not sock.closed and sock.idle is None:
            sock.idle = sock.loop.call_later(IDLE_SECONDS, self._close_if_idle, sock)

    def _close_if_idle(self, sock: _Socket) -> None:
        sock.idle = None
        if not sock.subs and not sock.closed:
            sock.closed = True
            if self._socket is sock:
                self._socket = None
            self._close_later(sock)

    def _close_later(self, sock: _Socket) -> None:
        task = sock.loop.create_task(_close_quietly(sock.ws))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    def _drop(self, sock: _Socket) -> None:
        if sock.loop.is_closed():
            return  # its loop ended; the socket went with it
        sock.loop.call_soon_threadsafe(self._close_later, sock)

    async def aclose(self) -> None:
        sock, self._socket = self._socket, None
        if sock is None:
            return
        if sock.loop is not asyncio.get_running_loop():
            self._drop(sock)
            return
        sock.closed = True
        if sock.idle is not None:
            sock.idle.cancel()
        await _close_quietly(sock.ws)
        if sock.reader is not None:
            with contextlib.suppress(Exception):
                await sock.reader


async def _send_quietly(ws: ClientConnection, message: dict[str, Any]) -> None:
    with contextlib.suppress(Exception):
        await ws.send(json.dumps(message))


async def _close_quietly(ws: ClientConnection) -> None:
    with contextlib.suppress(Exception):
        await ws.close()


async def _acknowledged(ws: ClientConnection, url: str) -> None:
    async for raw in ws:
        message = _message(raw, url)
        if message.get("type") == "connection_ack":
            return
        if message.get("type") == "ping":
            await ws.send(json.dumps({"type": "pong"}))
    raise NetworkError(f"{url} closed the socket before acknowledging it")


def _message(raw: str | bytes, url: str) -> dict[str, Any]:
    try:
        message = json.loads(raw)
    except ValueError as err:
        raise NetworkError(f"{url} sent a message that is not JSON") from err
    if not isinstance(message, dict):
        raise NetworkError(f"{url} sent a message that is not an object")
    return message


def _closed(err: ConnectionClosed) -> AxmeClientError:
    code = err.rcvd.code if err.rcvd is not None else None
    # the server checks the key at connection_init and closes with 4403 (or 4401) when it is bad
    if code in (4401, 4403):
        return UnauthenticatedError(
            "UNAUTHENTICATED", "the server refused the connection: a valid API key is required", {"closeCode": code}
        )
    reason = f" {err.rcvd.reason}" if err.rcvd is not None and err.rcvd.reason else ""
    return NetworkError(f"the socket closed ({code if code is not None else 'no close frame'}{reason})")
