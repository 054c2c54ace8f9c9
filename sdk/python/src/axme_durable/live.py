"""Subscriptions that survive disconnects: the generated client's subscription methods
(graphql-transport-ws) opened again after a dropped socket, a drained server or a slow
consumer, resuming from where the caller says (a cursor for events; intentChanged
restarts with the current state)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import aclosing
from typing import Any, TypeVar

from .errors import AxmeClientError, NetworkError

R = TypeVar("R")

OpenStream = Callable[[Callable[[], None]], AsyncIterator[R]]
"""Opens one subscription; calls its argument once the server acknowledged the socket."""


def _transient(err: AxmeClientError) -> bool:
    # a slow consumer dropped, or an instance shutting down: subscribe again
    return err.code == "RATE_LIMITED" or (err.code == "CONFLICT" and err.details.get("reason") == "SHUTTING_DOWN")


async def live(
    open_stream: OpenStream[R],
    *,
    on_error: Callable[[AxmeClientError], bool] | None = None,
    max_connect_failures: int | None = None,
) -> AsyncGenerator[R, None]:
    """Every result of a subscription, across reconnects, until the caller stops.

    ``on_error`` gets coded errors from the stream and returns True when resuming
    handles them (say, RATE_LIMITED with a cursor). Other coded errors are raised;
    ``max_connect_failures`` connection failures in a row raise ``NetworkError``."""
    failures = 0
    # refusals to subscribe in a row (RATE_LIMITED, SHUTTING_DOWN): each waits longer, as failures do
    refusals = 0
    while True:
        connected = False

        def on_connected() -> None:
            nonlocal connected, failures
            connected = True
            failures = 0

        try:
            stream: Any = open_stream(on_connected)
            async with aclosing(stream):
                async for item in stream:
                    refusals = 0
                    yield item
            # the server completed the stream (a drain at shutdown): subscribe again
        except NetworkError as err:
            if not connected:
                failures += 1
                if max_connect_failures is not None and failures >= max_connect_failures:
                    raise NetworkError(f"cannot subscribe: {err.message}", err.details) from err
        except AxmeClientError as err:
            if not (on_error is not None and on_error(err)) and not _transient(err):
                raise
            refusals += 1
        await asyncio.sleep(min(0.1 * 2 ** max(failures, refusals - 1), 5.0))
