"""A worker's completions, coalesced into completeIntents requests (batcher.py): those that
finish together go in one request, each answered with whether it completed, not with the
intent (whose input and output the worker has)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, TypeAlias

from .batcher import Batcher

if TYPE_CHECKING:
    from .client import AxmeClient

_Item: TypeAlias = tuple[str, str, Any, dict[str, Any] | None]


def _size(item: _Item) -> int:
    id, lease_token, output, last_step = item
    return len(json.dumps({"id": id, "leaseToken": lease_token, "output": output, "lastStep": last_step}).encode())


class Completions:
    def __init__(self, client: AxmeClient, max_batch: int = 500, max_bytes: int = 1024 * 1024) -> None:
        """``max_batch``: items per request (the server takes at most 1000); ``max_bytes``: JSON per request."""
        self.client = client
        self._batcher: Batcher[_Item, bool] = Batcher(
            lambda items: client._complete_many_acknowledged(items),
            size=_size,
            max_batch=max_batch,
            max_bytes=max_bytes,
        )

    @property
    def requests(self) -> int:
        """completeIntents requests sent so far."""
        return self._batcher.requests

    async def complete(self, id: str, lease_token: str, output: Any, last_step: dict[str, Any] | None = None) -> bool:
        """True once the intent completed, or raises the error that refused this item.
        ``last_step`` is recorded with it."""
        return await self._batcher.add((id, lease_token, output, last_step))
