"""A client's subscriptions over shared graphql-transport-ws sockets, as the TypeScript
client's SharedSocket: ``watch()``, ``changes()``, ``result()`` and ``stream()`` calls of one
client share a socket, so the tenth of them costs a subscribe message, not a TCP connect, an
upgrade and a ``connection_init``. A socket opens with the first subscription, carries at
most ``MAX_PER_SOCKET`` (fewer when the server refuses more: another socket opens), and
closes ``IDLE_SECONDS`` after its last one ends. Each event loop has sockets of its own.

A lost socket fails every subscription on it (``NetworkError``, or the coded error its close
code means); each caller's ``live()`` loop subscribes again and resumes from its own cursor,
on a new socket. A subscription whose consumer falls ``MAX_QUEUED`` results or
``MAX_QUEUED_BYTES`` behind is ended with RATE_LIMITED, as the server ends a slow socket, and
resumes the same way: one slow reader neither holds the others back nor fills memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import weakref
from collections.abc import AsyncGenerator, Callable
from contextlib import aclosing
from typing import Any
from uuid import uuid4

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI
from websockets.protocol import State
from websockets.typing import Subprotocol

from axme_durable.errors import (
    AxmeClientError,
    NetworkError,
    RateLimitedError,
    UnauthenticatedError,
    from_graphql_error,
)
from axme_durable.http1 import within

GRAPHQL_TRANSPORT_WS = Subprotocol("graphql-transport-ws")

CONNECT_TIMEOUT = 10.0
"""Seconds a socket may take to connect and be acknowledged (a proxy swallowing the upgrade must not stall a watch)."""

IDLE_SECONDS = 1.0
"""A socket closes this long after its last subscription ends (a next one within it reuses it)."""

MAX_PER_SOCKET = 50
"""Subscriptions one socket carries (the server's AXME_MAX_SUBSCRIPTIONS is 100 by default)."""

MAX_QUEUED = 1000
"""Results one subscription may have waiting for its consumer before it is ended with RATE_LIMITED."""

MAX_QUEUED_BYTES = 16 * 1024 * 1024
"""The same in bytes of JSON (the server's own limit for a socket's unsent results)."""


class SocketUnavailable(Exception):
    """An operation was not sent over a socket (none could be opened, or the server refused
    it before running it): it may go another way. ``connect_failed``: no socket could be opened."""

    def __init__(self, message: str, *, connect_failed: bool) -> None:
        super().__init__(message)
        self.connect_failed = connect_failed


class _Sub:
    __slots__ = ("bytes", "queue")

    def __init__(self) -> None:
        # ("next", payload, size), ("error", payload, 0), ("complete", None, 0), ("closed", error, 0)
        self.queue: asyncio.Queue[tuple[str, Any, int]] = asyncio.Queue()
        self.bytes = 0


class _Socket:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.loop = asyncio.get_running_loop()
        self.subs: dict[str, _Sub] = {}
        self.idle: asyncio.TimerHandle | None = None
        self.closed = False
        # the server refused a subscription on it: it takes no new ones
        self.full = False


class _LoopState:
    def __init__(self) -> None:
        self.sockets: list[_Socket] = []
        self.connecting: asyncio.Task[_Socket] | None = None
        # sends and closes not waited for; held here, as the loop keeps only weak references to tasks
        self.background: set[asyncio.Task[Any]] = set()


class SharedSocket:
    """Subscriptions over shared sockets to ``url``, acknowledged with ``init_payload``."""

    def __init__(
        self, url: str, headers: dict[str, str], init_payload: dict[str, Any] | None, **connect_kwargs: Any
    ) -> None:
        self.url = url
        self.headers = headers
        self.init_payload = init_payload
        # what websockets.connect takes besides what open_socket sets
        self.connect_kwargs = connect_kwargs
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = weakref.WeakKeyDictionary()
        self._closed = False
        self._holds = 0

    async def subscribe(
        self, payload: dict[str, Any], on_connected: Callable[[], None] | None
    ) -> AsyncGenerator[Any, None]:
        """Each ``next`` payload of one operation until the server completes it. Raises the
        ``error`` message's class, or what the socket's loss means."""
        sock = await self._open()
        if on_connected is not None:
            on_connected()
        async with aclosing(self._operation(sock, json.dumps(payload), refusal_unsent=False)) as results:
            async for result in results:
                yield result

    async def execute(self, payload: str, timeout: float | None) -> Any:
        """The one result of a query or mutation (``payload``: its subscribe payload as JSON
        text) sent over a shared socket, within ``timeout``
        seconds of its sending (opening a socket has its own bound, ``CONNECT_TIMEOUT``).
        Raises ``SocketUnavailable`` when it was never sent (no socket could be opened, the
        socket was closing, or the server refused it for the number of operations on the
        socket: the caller may send it another way), the ``error`` message's class, and
        ``NetworkError`` when the socket was lost or the time ran out after it may have
        reached the server."""
        try:
            sock = await self._open()
        except NetworkError as err:
            raise SocketUnavailable(err.message, connect_failed=True) from err
        result: Any = None

        async def answer() -> None:
            nonlocal result
            async with aclosing(self._operation(sock, payload, refusal_unsent=True)) as results:
                async for got in results:
                    result = got

        try:
            await within(timeout, answer())
        except asyncio.TimeoutError as err:
            raise NetworkError(f"no answer from {self.url} within {timeout} s") from err
        if result is None:
            raise NetworkError(f"{self.url} completed the operation without a result")
        return result

    def hold(self) -> None:
        """Keeps the sockets open while held (a running worker's writes), however long idle."""
        self._holds += 1
        self._in_each_loop(self._keep_open)

    def release(self) -> None:
        """Ends a hold: once none is left, idle sockets close after ``IDLE_SECONDS`` again."""
        self._holds -= 1
        if self._holds == 0:
            self._in_each_loop(self._idle_again)

    def _in_each_loop(self, fn: Callable[[_LoopState], None]) -> None:
        """``fn`` on each open event loop's sockets, in that loop's own thread."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        for loop, state in list(self._loops.items()):
            if loop is running:
                fn(state)
            elif not loop.is_closed():
                loop.call_soon_threadsafe(fn, state)

    def _keep_open(self, state: _LoopState) -> None:
        for sock in state.sockets:
            if sock.idle is not None:
                sock.idle.cancel()
                sock.idle = None

    def _idle_again(self, state: _LoopState) -> None:
        for sock in state.sockets:
            self._idle_from_now(sock)

    async def _operation(self, sock: _Socket, payload: str, refusal_unsent: bool) -> AsyncGenerator[Any, None]:
        op = str(uuid4())
        sub = _Sub()
        sock.subs[op] = sub
        if sock.idle is not None:
            sock.idle.cancel()
            sock.idle = None
        ended = False
        try:
            # a socket already closing (a drain, an idle close) writes nothing: the operation
            # may go another way. Once send has begun, a loss may come after the frame left.
            if refusal_unsent and sock.ws.state is not State.OPEN:
                raise SocketUnavailable("the socket was closing", connect_failed=False)
            try:
                # the payload is JSON already; the id is a UUID, which needs no escaping
                await sock.ws.send(f'{{"id":"{op}","type":"subscribe","payload":{payload}}}')
            except ConnectionClosed as err:
                raise closed_error(err) from err
            while True:
                kind, body, size = await sub.queue.get()
                sub.bytes -= size
                if kind == "next":
                    yield body
                elif kind == "complete":
                    ended = True
                    return
                elif kind == "error":
                    ended = True
                    errors = body
                    if refusal_unsent and _refused_for_count(errors):
                        raise SocketUnavailable(
                            "the server refused another operation on this socket", connect_failed=False
                        )
                    raise from_graphql_error(errors[0] if isinstance(errors, list) and errors else errors)
                else:  # "closed": the socket is gone, or this subscription fell too far behind
                    ended = True
                    raise body
        finally:
            sock.subs.pop(op, None)
            if not sock.subs:
                sock.full = False  # a socket the server refused more on takes new ones again once it carries none
            if not sock.loop.is_closed():
                if not ended and not sock.closed:
                    # the caller stopped early: tell the server, without waiting on it
                    self._later(sock.loop, _send_quietly(sock.ws, {"id": op, "type": "complete"}))
                self._idle_from_now(sock)

    def _state(self, loop: asyncio.AbstractEventLoop) -> _LoopState:
        state = self._loops.get(loop)
        if state is None:
            state = self._loops[loop] = _LoopState()
        return state

    async def _open(self) -> _Socket:
        if self._closed:
            raise RuntimeError("the client is closed")
        state = self._state(asyncio.get_running_loop())
        while True:
            for sock in state.sockets:
                if _has_room(sock):
                    return sock
            if state.connecting is None or state.connecting.done():
                state.connecting = asyncio.get_running_loop().create_task(self._connect(state))
                # read its outcome even when every caller gave up waiting (no "never retrieved" warning)
                state.connecting.add_done_callback(lambda t: None if t.cancelled() else t.exception())
            # callers share one attempt; one caller giving up does not cancel it for the others
            sock = await asyncio.shield(state.connecting)
            # the callers that waited for it take it in turn, each adding its operation before
            # the next resumes: past MAX_PER_SOCKET of them, the rest open another
            if _has_room(sock):
                return sock

    async def _connect(self, state: _LoopState) -> _Socket:
        ws = await open_socket(self.url, self.headers, self.init_payload, **self.connect_kwargs)
        if self._closed:  # the client closed while this socket was being opened
            await _close_quietly(ws)
            raise RuntimeError("the client is closed")
        sock = _Socket(ws)
        state.sockets.append(sock)
        self._later(sock.loop, self._read(state, sock))
        # closed unless a subscription comes (its callers may all have given up meanwhile)
        self._idle_from_now(sock)
        return sock

    async def _read(self, state: _LoopState, sock: _Socket) -> None:
        # each subscriber raises an error of its own (a shared one's traceback would grow with each)
        failure: Callable[[], AxmeClientError] | None = None
        try:
            async for raw in sock.ws:
                message = parse_message(raw, self.url)
                kind = message.get("type")
                if kind == "ping":
                    await sock.ws.send(json.dumps({"type": "pong"}))
                    continue
                op = str(message.get("id"))
                sub = sock.subs.get(op)
                if sub is None:
                    continue  # a subscription its caller already left
                if kind == "next":
                    size = len(raw)
                    if sub.queue.qsize() >= MAX_QUEUED or sub.bytes + size > MAX_QUEUED_BYTES:
                        self._too_slow(sock, op, sub)
                        continue
                    sub.bytes += size
                    sub.queue.put_nowait(("next", message.get("payload"), size))
                elif kind == "error":
                    if _refused_for_count(message.get("payload")):
                        sock.full = True  # this subscription resumes on another socket
                    sub.queue.put_nowait(("error", message.get("payload"), 0))
                elif kind == "complete":
                    sub.queue.put_nowait(("complete", None, 0))
        except ConnectionClosed as err:
            closed = err
            failure = lambda: closed_error(closed)  # noqa: E731
        except NetworkError as err:  # a message that is not JSON
            broken = err
            failure = lambda: NetworkError(broken.message, broken.details)  # noqa: E731
        except OSError as err:
            text = f"the socket to {self.url} failed: {err}"
            failure = lambda: NetworkError(text)  # noqa: E731
        finally:
            sock.closed = True
            if sock in state.sockets:
                state.sockets.remove(sock)
            if sock.idle is not None:
                sock.idle.cancel()
            if failure is None:  # a close frame ended the iteration (1000 or 1001: a drain, say)
                code, reason = sock.ws.close_code, sock.ws.close_reason
                text = f"the socket to {self.url} closed ({code}{f' {reason}' if reason else ''})"
                failure = lambda: NetworkError(text)  # noqa: E731
            for sub in sock.subs.values():
                sub.queue.put_nowait(("closed", failure(), 0))
            sock.subs.clear()
            await _close_quietly(sock.ws)

    def _too_slow(self, sock: _Socket, op: str, sub: _Sub) -> None:
        # behind what it has not read yet: the consumer reads those, then resumes after them
        sock.subs.pop(op, None)
        error = RateLimitedError("RATE_LIMITED", "the consumer fell too far behind its subscription", {})
        sub.queue.put_nowait(("closed", error, 0))
        self._later(sock.loop, _send_quietly(sock.ws, {"id": op, "type": "complete"}))

    def _later(self, loop: asyncio.AbstractEventLoop, work: Any) -> None:
        state = self._state(loop)
        task = loop.create_task(work)
        state.background.add(task)
        task.add_done_callback(state.background.discard)

    def _idle_from_now(self, sock: _Socket) -> None:
        if not sock.subs and not sock.closed and sock.idle is None and self._holds == 0:
            sock.idle = sock.loop.call_later(IDLE_SECONDS, self._close_if_idle, sock)

    def _close_if_idle(self, sock: _Socket) -> None:
        sock.idle = None
        if not sock.subs and not sock.closed:
            self._retire(sock)

    def _retire(self, sock: _Socket) -> None:
        """No new subscription goes to `sock`; it closes (its reader ends and fails what is left on it)."""
        sock.closed = True
        state = self._state(sock.loop)
        if sock in state.sockets:
            state.sockets.remove(sock)
        self._later(sock.loop, _close_quietly(sock.ws))

    async def aclose(self) -> None:
        """Closes every socket; subscriptions on them fail, and new ones raise RuntimeError."""
        self._closed = True
        for loop, state in list(self._loops.items()):
            if loop.is_closed():
                continue  # its sockets ended with it
            if state.connecting is not None and not state.connecting.done():
                if loop is asyncio.get_running_loop():
                    state.connecting.cancel()
                else:
                    loop.call_soon_threadsafe(state.connecting.cancel)
            for sock in list(state.sockets):
                if loop is asyncio.get_running_loop():
                    sock.closed = True
                    state.sockets.remove(sock)
                    await _close_quietly(sock.ws)
                else:
                    loop.call_soon_threadsafe(self._retire, sock)


def _has_room(sock: _Socket) -> bool:
    return not sock.closed and not sock.full and len(sock.subs) < MAX_PER_SOCKET


def _refused_for_count(errors: Any) -> bool:
    first = errors[0] if isinstance(errors, list) and errors else None
    ext = first.get("extensions") if isinstance(first, dict) else None
    return isinstance(ext, dict) and ext.get("reason") == "TOO_MANY_SUBSCRIPTIONS"


async def _send_quietly(ws: ClientConnection, message: dict[str, Any]) -> None:
    with contextlib.suppress(Exception):
        await ws.send(json.dumps(message))


async def _close_quietly(ws: ClientConnection) -> None:
    with contextlib.suppress(Exception):
        await ws.close()


async def open_socket(
    url: str, headers: dict[str, str], init_payload: dict[str, Any] | None, **connect_kwargs: Any
) -> ClientConnection:
    """A graphql-transport-ws socket the server has acknowledged (``connect_kwargs`` go to websockets)."""
    try:
        ws = await asyncio.wait_for(
            connect(
                url,
                subprotocols=[GRAPHQL_TRANSPORT_WS],
                additional_headers=headers,
                open_timeout=None,
                max_size=None,
                proxy=None,
                **connect_kwargs,
            ),
            CONNECT_TIMEOUT,
        )
    except (OSError, InvalidHandshake, InvalidURI, asyncio.TimeoutError) as err:
        raise NetworkError(f"cannot subscribe at {url}: {type(err).__name__} {err}".rstrip()) from err
    try:
        init: dict[str, Any] = {"type": "connection_init"}
        if init_payload:
            init["payload"] = init_payload
        await ws.send(json.dumps(init))
        await asyncio.wait_for(_acknowledged(ws, url), CONNECT_TIMEOUT)
    except asyncio.TimeoutError as err:
        await _close_quietly(ws)
        raise NetworkError(f"{url} did not acknowledge the connection") from err
    except ConnectionClosed as err:
        raise closed_error(err) from err
    except BaseException:
        await _close_quietly(ws)
        raise
    return ws


async def _acknowledged(ws: ClientConnection, url: str) -> None:
    async for raw in ws:
        message = parse_message(raw, url)
        if message.get("type") == "connection_ack":
            return
        if message.get("type") == "ping":
            await ws.send(json.dumps({"type": "pong"}))
    raise NetworkError(f"{url} closed the socket before acknowledging it")


def parse_message(raw: str | bytes, url: str) -> dict[str, Any]:
    """One graphql-transport-ws message, or NetworkError."""
    try:
        message = json.loads(raw)
    except ValueError as err:
        raise NetworkError(f"{url} sent a message that is not JSON") from err
    if not isinstance(message, dict):
        raise NetworkError(f"{url} sent a message that is not an object")
    return message


def result_data(result: Any, url: str) -> dict[str, Any] | None:
    """A ``next`` payload's data; its first GraphQL error raised as its class."""
    if not isinstance(result, dict):
        raise NetworkError(f"{url} sent a result that is not an object")
    errors = result.get("errors")
    if isinstance(errors, list) and errors:
        raise from_graphql_error(errors[0])
    data = result.get("data")
    return data if isinstance(data, dict) else None


def closed_error(err: ConnectionClosed) -> AxmeClientError:
    """What a socket's close means: UNAUTHENTICATED for a refused key, else NetworkError."""
    code = err.rcvd.code if err.rcvd is not None else None
    # the server checks the key at connection_init and closes with 4403 (or 4401) when it is bad
    if code in (4401, 4403):
        return UnauthenticatedError(
            "UNAUTHENTICATED", "the server refused the connection: a valid API key is required", {"closeCode": code}
        )
    reason = f" {err.rcvd.reason}" if err.rcvd is not None and err.rcvd.reason else ""
    return NetworkError(f"the socket closed ({code if code is not None else 'no close frame'}{reason})")
