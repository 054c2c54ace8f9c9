"""A worker's completions, coalesced into completeIntents requests (batcher.py): those that
finish together go in one request."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeAlias

from .batcher import Batcher

if TYPE_CHECKING:
    from .client import AxmeClient, Intent

_Item: TypeAlias = tuple[str, str, Any, dict[str, Any] | None]


def _size(item: _Item) -> int:
    id, lease_token, output, last_step = item
    return len(json.dumps({"id": id, "leaseToken": lease_token, "output": output, "lastStep": last_step}).encode())


class Completions:
    def __init__(self, client: AxmeClient, max_batch: int = 500, max_bytes: int = 1024 * 1024) -> None:
        """``max_batch``: items per request (the server takes at most 1000); ``max_bytes``: JSON per request."""
        self.client = client
        self._batcher: Batcher[_Item, Intent] = Batcher(
            lambda items: client.complete_many(items), size=_size, max_batch=max_batch, max_bytes=max_bytes
        )

    @property
    def requests(self) -> int:
        """completeIntents requests sent so far."""
        return self._batcher.requests

    async def complete(self, id: str, lease_token: str, output: Any, last_step: dict[str, Any] | None = None) -> Intent:
        """The completed intent, or raises the error that refused this item. ``last_step`` is recorded with it."""
        return await self._batcher.add((id, lease_token, output, last_step))
