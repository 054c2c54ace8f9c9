"""A blocking client for scripts and notebooks where asyncio is a burden: the async
client runs on an event loop in a background thread, and each method waits for it.

    with SyncAxmeClient("http://localhost:4000/graphql") as axme:
        intent = axme.submit("research.answer", {"question": "Why is the sky blue?"})
        print(axme.result(intent.id, timeout=600).output)

Workers are asyncio only (``AxmeClient.worker``)."""

from __future__ import annotations

import asyncio
import builtins
import threading
from collections.abc import Coroutine, Sequence
from datetime import datetime
from typing import Any, Literal, TypeVar

from .client import Approval, AxmeClient, Intent, IntentEvent, Lease, RecordedStep, Signal
from .errors import AxmeClientError
from .generated import (
    ApprovalStatus,
    BudgetInput,
    GetScheduleSchedule,
    IntentStatus,
    ListApprovalsApprovals,
    ListIntentsIntents,
    ListSchedulesSchedules,
    ListWorkersWorkers,
    RecordStepInput,
    RetryPolicyInput,
    SubmitIntentInput,
)
from .schedules import Schedule

__all__ = ["SyncAxmeClient"]

T = TypeVar("T")


class SyncAxmeClient:
    """``AxmeClient``'s calls, blocking. Close it with ``close()`` or use it in a ``with``."""

    def __init__(
        self, url: str = "http://localhost:4000/graphql", *, api_key: str | None = None, timeout: float = 30.0
    ):
        self.url = url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="axme-sync-client", daemon=True)
        self._thread.start()
        self._closed = False

        async def make() -> AxmeClient:
            return AxmeClient(url, api_key=api_key, timeout=timeout)

        # made on its own loop, where every later call runs
        self.aio: AxmeClient = self._call(make())

    def __enter__(self) -> SyncAxmeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            self._call(self.aio.aclose())
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop.is_closed():
            coro.close()
            raise RuntimeError("this SyncAxmeClient is closed")
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def submit(
        self,
        type: str,
        input: Any = None,
        *,
        idempotency_key: str | None = None,
        priority: int | None = None,
        max_attempts: int | None = None,
        parent_id: str | None = None,
        labels: Sequence[str] | None = None,
        run_at: datetime | None = None,
        deadline: datetime | None = None,
        concurrency_key: str | None = None,
        concurrency_limit: int | None = None,
        attempt_timeout_seconds: int | None = None,
        retry: RetryPolicyInput | dict[str, Any] | None = None,
    ) -> Intent:
        """Submits an intent; see ``AxmeClient.submit``."""
        return self._call(
            self.aio.submit(
                type,
                input,
                idempotency_key=idempotency_key,
                priority=priority,
                max_attempts=max_attempts,
                parent_id=parent_id,
                labels=labels,
                run_at=run_at,
                deadline=deadline,
                concurrency_key=concurrency_key,
                concurrency_limit=concurrency_limit,
                attempt_timeout_seconds=attempt_timeout_seconds,
                retry=retry,
            )
        )

    def submit_input(self, data: SubmitIntentInput) -> Intent:
        return self._call(self.aio.submit_input(data))

    def execute(
        self,
        type: str,
        input: Any = None,
        *,
        idempotency_key: str | None = None,
        max_attempts: int | None = None,
        labels: Sequence[str] | None = None,
        budget: BudgetInput | dict[str, Any] | None = None,
        wait_seconds: int = 25,
        timeout: float | None = None,
    ) -> Intent:
        """Submits an intent and blocks until it finishes; see ``AxmeClient.execute``."""
        return self._call(
            self.aio.execute(
                type,
                input,
                idempotency_key=idempotency_key,
                max_attempts=max_attempts,
                labels=labels,
                budget=budget,
                wait_seconds=wait_seconds,
                timeout=timeout,
            )
        )

    def get(self, id: str) -> Intent | None:
        return self._call(self.aio.get(id))

    def list(
        self,
        *,
        type: Sequence[str] | None = None,
        status: Sequence[IntentStatus | str] | None = None,
        label: Sequence[str] | None = None,
        parent_id: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ListIntentsIntents:
        return self._call(
            self.aio.list(type=type, status=status, label=label, parent_id=parent_id, first=first, after=after)
        )

    def events(self, intent_id: str, after: int = 0, first: int | None = None) -> builtins.list[IntentEvent]:
        return self._call(self.aio.events(intent_id, after, first))

    def cancel(self, id: str, reason: str | None = None) -> Intent:
        return self._call(self.aio.cancel(id, reason))

    def retry(self, id: str) -> Intent:
        return self._call(self.aio.retry(id))

    def fork(self, id: str, **options: Any) -> Intent:
        """Forks a run; see ``AxmeClient.fork`` for the options."""
        return self._call(self.aio.fork(id, **options))

    def forks(self, id: str) -> builtins.list[Intent] | None:
        return self._call(self.aio.forks(id))

    def signal(self, id: str, name: str, payload: Any = None) -> Signal:
        return self._call(self.aio.signal(id, name, payload))

    def resolve_approval(
        self,
        approval_id: str,
        outcome: str,
        *,
        comment: str | None = None,
        data: Any = None,
        resolved_by: str | None = None,
    ) -> Approval:
        return self._call(
            self.aio.resolve_approval(approval_id, outcome, comment=comment, data=data, resolved_by=resolved_by)
        )

    def decide_escalation(
        self,
        approval_id: str,
        decision: Literal["retry", "fork", "fail"],
        *,
        attempts: int | None = None,
        from_step: str | None = None,
        input: Any = None,
        input_patch: Any = None,
        comment: str | None = None,
    ) -> Approval:
        return self._call(
            self.aio.decide_escalation(
                approval_id,
                decision,
                attempts=attempts,
                from_step=from_step,
                input=input,
                input_patch=input_patch,
                comment=comment,
            )
        )

    def approve(
        self, approval_id: str, *, comment: str | None = None, data: Any = None, resolved_by: str | None = None
    ) -> Approval:
        return self.resolve_approval(approval_id, "approve", comment=comment, data=data, resolved_by=resolved_by)

    def reject(
        self, approval_id: str, *, comment: str | None = None, data: Any = None, resolved_by: str | None = None
    ) -> Approval:
        return self.resolve_approval(approval_id, "reject", comment=comment, data=data, resolved_by=resolved_by)

    def approval(self, id: str) -> Approval | None:
        return self._call(self.aio.approval(id))

    def approvals(
        self,
        *,
        status: Sequence[ApprovalStatus | str] | None = None,
        assignee: str | None = None,
        intent_id: str | None = None,
        type: Sequence[str] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ListApprovalsApprovals:
        return self._call(
            self.aio.approvals(
                status=status, assignee=assignee, intent_id=intent_id, type=type, first=first, after=after
            )
        )

    def claim_many(
        self,
        types: Sequence[str],
        *,
        limit: int = 1,
        agent: str | None = None,
        lease_seconds: int | None = None,
        wait_seconds: int | None = None,
        worker_id: str | None = None,
    ) -> builtins.list[Lease]:
        """Leases up to ``limit`` intents of ``types`` in one request; see ``AxmeClient.claim_many``."""
        return self._call(
            self.aio.claim_many(
                types,
                limit=limit,
                agent=agent,
                lease_seconds=lease_seconds,
                wait_seconds=wait_seconds,
                worker_id=worker_id,
            )
        )

    def workers(
        self, *, status: Sequence[str] | None = None, types: Sequence[str] | None = None, first: int | None = None
    ) -> builtins.list[ListWorkersWorkers]:
        """Worker sessions of the namespace; see ``AxmeClient.workers``."""
        return self._call(self.aio.workers(status=status, types=types, first=first))

    def release(self, intent_id: str, lease_token: str) -> None:
        """Hands back a leased intent never started: PENDING, the attempt not spent."""
        self._call(self.aio.release(intent_id, lease_token))

    def complete_many(self, items: Sequence[tuple[str, str, Any]]) -> builtins.list[Intent | AxmeClientError]:
        return self._call(self.aio.complete_many(items))

    def record_step(self, input: RecordStepInput) -> RecordedStep:
        """Records a step under its lease; see ``AxmeClient.record_step`` (calls from several threads go together)."""
        return self._call(self.aio.record_step(input))

    def result(self, id: str, *, timeout: float | None = None) -> Intent:
        """Blocks until the intent is COMPLETED, FAILED or CANCELLED (``TimeoutError`` after ``timeout`` s)."""
        return self._call(self.aio.result(id, timeout=timeout))

    # ---- schedules: see AxmeClient.create_schedule -----------------------------------

    def create_schedule(self, name: str, type: str, input: Any = None, **options: Any) -> Schedule:
        """``AxmeClient.create_schedule``, blocking; ``options`` are its keyword arguments (cron, timezone, ...)."""
        return self._call(self.aio.create_schedule(name, type, input, **options))

    def schedule(self, id: str | None = None, *, name: str | None = None, next: int = 5) -> GetScheduleSchedule | None:
        return self._call(self.aio.schedule(id, name=name, next=next))

    def schedules(
        self, *, paused: bool | None = None, type: str | None = None, first: int | None = None, after: str | None = None
    ) -> ListSchedulesSchedules:
        return self._call(self.aio.schedules(paused=paused, type=type, first=first, after=after))

    def pause_schedule(self, id: str, reason: str | None = None) -> Schedule:
        return self._call(self.aio.pause_schedule(id, reason))

    def resume_schedule(self, id: str) -> Schedule:
        return self._call(self.aio.resume_schedule(id))

    def delete_schedule(self, id: str) -> bool:
        return self._call(self.aio.delete_schedule(id))

    def trigger_schedule(self, id: str) -> Intent:
        return self._call(self.aio.trigger_schedule(id))
