"""Coalesces a worker's completions into completeIntents requests: the first goes out at
once, and those that arrive while a request is in flight go together in the next, so a
busy worker completes many intents per round trip and an idle one adds no delay. A
request carries at most ``max_batch`` items and about ``max_bytes`` of JSON (the server
refuses bodies over AXME_MAX_BODY_BYTES, 4 MiB by default, while one output may be up
to 1 MiB): a larger output goes alone."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .client import AxmeClient, Intent


@dataclass
class _Pending:
    item: tuple[str, str, Any, dict[str, Any] | None]
    size: int
    done: asyncio.Future[Intent]


class Completions:
    def __init__(self, client: AxmeClient, max_batch: int = 500, max_bytes: int = 1024 * 1024) -> None:
        self.client = client
        self.max_batch = max_batch
        self.max_bytes = max_bytes
        self._queue: list[_Pending] = []
        self._flushing: asyncio.Task[None] | None = None
        self.requests = 0
        """completeIntents requests sent so far."""

    async def complete(self, id: str, lease_token: str, output: Any, last_step: dict[str, Any] | None = None) -> Intent:
        """The completed intent, or raises the error that refused this item. ``last_step`` is recorded with it."""
        size = len(json.dumps({"id": id, "leaseToken": lease_token, "output": output, "lastStep": last_step}).encode())
        done: asyncio.Future[Intent] = asyncio.get_running_loop().create_future()
        self._queue.append(_Pending((id, lease_token, output, last_step), size, done))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())
        return await done

    async def _flush(self) -> None:
        while self._queue:
            batch = self._queue[: self._fitting()]
            del self._queue[: len(batch)]
            self.requests += 1
            try:
                results = await self.client.complete_many([p.item for p in batch])
            except Exception as err:
                for p in batch:
                    if not p.done.done():
                        p.done.set_exception(err)
                continue
            for p, r in zip(batch, results, strict=False):
                if p.done.done():
                    continue
                if isinstance(r, Exception):
                    p.done.set_exception(r)
                else:
                    p.done.set_result(r)

    def _fitting(self) -> int:
        """How many queued items the next request takes: at least one, then while they fit."""
        n, size = 1, self._queue[0].size
        while n < len(self._queue) and n < self.max_batch and size + self._queue[n].size <= self.max_bytes:
            size += self._queue[n].size
            n += 1
        return n
