"""``run.stream(name)``: buffers text written at LLM speed and appends it in batches
(one request per ~50 ms or 64 Ki characters), in order, under the run's lease. A
failed append (LEASE_LOST, STREAM_FULL) is kept and raised by the next ``write()``,
``flush()`` or ``close()``; the worker flushes every stream before it completes or
fails the run, and a durable wait flushes them before it releases the lease."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from .generated import AppendStreamInput, CloseStreamInput

if TYPE_CHECKING:
    from .generated import GraphQLClient

__all__ = ["StreamWriter"]

T = TypeVar("T")

# under the server's defaults (AXME_STREAM_MAX_CHUNKS 1000, AXME_MAX_PAYLOAD_BYTES 1 MiB;
# a character is at most 4 UTF-8 bytes)
_MAX_CHUNKS_PER_APPEND = 500
_MAX_CHARS_PER_APPEND = 192 * 1024
# write() waits for the sends in flight once this much is buffered: a writer faster than the network is held back
_HIGH_WATER_CHARS = 1024 * 1024


class StreamWriter:
    """One named output stream of a running intent. Get it with ``run.stream(name)``."""

    def __init__(
        self,
        gql: GraphQLClient,
        call: Callable[[Awaitable[Any]], Awaitable[Any]],
        intent_id: str,
        lease_token: str,
        name: str,
        *,
        flush_seconds: float = 0.05,
        flush_chars: int = 64 * 1024,
    ) -> None:
        self.name = name
        self.length = 0
        """The stream's length after the last append that succeeded."""
        self._gql = gql
        self._call = call
        self._id = intent_id
        self._token = lease_token
        self._flush_seconds = flush_seconds
        self._flush_chars = flush_chars
        self._buf: list[str] = []
        self._chars = 0
        self._in_flight = 0
        """Characters taken by sends not finished yet."""
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._sending = asyncio.Lock()
        self._error: Exception | None = None

    async def write(self, text: str) -> None:
        """Buffers ``text`` as the stream's next chunk (very long text as several). Returns
        at once unless much is already waiting to be sent."""
        if self._error is not None:
            raise self._error
        if not text:
            return
        self._buf.extend(text[i : i + _MAX_CHARS_PER_APPEND] for i in range(0, len(text), _MAX_CHARS_PER_APPEND))
        self._chars += len(text)
        if self._in_flight + self._chars >= _HIGH_WATER_CHARS:
            # a writer faster than the network waits here instead of queueing text without bound
            await self._send()
        elif self._chars >= self._flush_chars:
            self._send_soon()
        elif self._timer is None:
            self._timer = asyncio.get_running_loop().call_later(self._flush_seconds, self._send_soon)

    async def flush(self) -> None:
        """Sends everything buffered and waits for it; raises the first append that failed."""
        await self._send()
        if self._error is not None:
            raise self._error

    async def close(self) -> None:
        """Flushes, then ends the stream: readers stop at its length. (Finishing the
        intent ends every stream of it.)"""
        await self.flush()
        inp = CloseStreamInput.model_validate({"id": self._id, "leaseToken": self._token, "stream": self.name})
        d = await self._call(self._gql.close_stream(inp))
        self.length = d.close_stream.next

    def _send_soon(self) -> None:
        task = asyncio.get_running_loop().create_task(self._send())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _take(self) -> tuple[list[list[str]], int]:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batches: list[list[str]] = []
        batch: list[str] = []
        size = 0
        for chunk in self._buf:
            if len(batch) >= _MAX_CHUNKS_PER_APPEND or (batch and size + len(chunk) > _MAX_CHARS_PER_APPEND):
                batches.append(batch)
                batch, size = [], 0
            batch.append(chunk)
            size += len(chunk)
        if batch:
            batches.append(batch)
        taken = self._chars
        self._buf, self._chars = [], 0
        self._in_flight += taken
        return batches, taken

    async def _send(self) -> None:
        # taken before the lock, so text keeps its order however sends interleave
        batches, taken = self._take()
        try:
            async with self._sending:
                for chunks in batches:
                    if self._error is not None:
                        return
                    inp = AppendStreamInput.model_validate(
                        {"id": self._id, "leaseToken": self._token, "stream": self.name, "chunks": chunks}
                    )
                    try:
                        d = await self._call(self._gql.append_stream(inp))
                    except Exception as err:
                        self._error = err
                        return
                    self.length = d.append_stream.next
        finally:
            self._in_flight -= taken
