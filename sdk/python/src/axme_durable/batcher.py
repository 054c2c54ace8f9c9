"""Coalesces one kind of write into batch requests: the first goes out at once, and those
that arrive while a request is in flight go together in the next, so a busy worker sends
many items per round trip and an idle one adds no delay. A request carries at most
``max_batch`` items and about ``max_bytes`` of JSON (the server refuses bodies over
AXME_MAX_BODY_BYTES, 4 MiB by default, while one output may be up to 1 MiB): a larger
item goes alone. Used for completions (completions.py) and step records
(``AxmeClient.record_step``)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

__all__ = ["Batcher"]

ItemT = TypeVar("ItemT")
ResultT = TypeVar("ResultT")


@dataclass
class _Pending(Generic[ItemT, ResultT]):
    item: ItemT
    size: int
    done: asyncio.Future[ResultT]


class Batcher(Generic[ItemT, ResultT]):
    """``send`` answers one outcome per item, in item order: its result, or the exception
    that refused it (one refused item does not fail the rest). When ``send`` raises, every
    item of its batch fails with that error. ``size`` is an item's JSON size in bytes."""

    def __init__(
        self,
        send: Callable[[list[ItemT]], Awaitable[Sequence[ResultT | BaseException]]],
        *,
        size: Callable[[ItemT], int],
        max_batch: int = 500,
        max_bytes: int = 1024 * 1024,
    ) -> None:
        self._send = send
        self._size = size
        self.max_batch = max_batch
        self.max_bytes = max_bytes
        self._queue: list[_Pending[ItemT, ResultT]] = []
        self._flushing: asyncio.Task[None] | None = None
        self.requests = 0
        """Batches sent so far (calls of ``send``)."""

    async def add(self, item: ItemT) -> ResultT:
        """The item's result, or raises the error that refused it."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[ResultT] = loop.create_future()
        self._queue.append(_Pending(item, self._size(item), done))
        if self._flushing is None or self._flushing.done():
            self._flushing = loop.create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        while self._queue:
            batch = self._queue[: self._fitting()]
            del self._queue[: len(batch)]
            self.requests += 1
            try:
                outcomes = await self._send([p.item for p in batch])
            except Exception as err:
                for p in batch:
                    if not p.done.done():
                        p.done.set_exception(err)
                continue
            for i, p in enumerate(batch):
                if p.done.done():
                    continue  # its caller stopped waiting (cancelled)
                if i >= len(outcomes):
                    p.done.set_exception(RuntimeError("the batch answered fewer results than items"))
                    continue
                outcome = outcomes[i]
                if isinstance(outcome, BaseException):
                    p.done.set_exception(outcome)
                else:
                    p.done.set_result(outcome)

    def _fitting(self) -> int:
        """How many queued items the next request takes: at least one, then while they fit."""
        n, size = 1, self._queue[0].size
        while n < len(self._queue) and n < self.max_batch and size + self._queue[n].size <= self.max_bytes:
            size += self._queue[n].size
            n += 1
        return n
