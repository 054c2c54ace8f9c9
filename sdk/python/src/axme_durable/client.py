"""The async Axme client: every call is an operation of the generated client
(``axme_durable.generated``) sent over HTTP; server errors are raised as the classes
in ``axme_durable.errors``; ``watch``, ``changes`` and ``result`` are live over
``graphql-transport-ws``."""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import re
import uuid
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Sequence
from contextlib import aclosing
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

import httpx
from pydantic import BaseModel

from .batcher import Batcher
from .errors import AxmeClientError, BadUserInputError, NetworkError, NotFoundError, from_graphql_error
from .generated import (
    ApprovalFields,
    ApprovalFilter,
    ApprovalStatus,
    BudgetInput,
    CancelIntentInput,
    ClaimIntentsClaimIntents,
    ClaimIntentsInput,
    CompleteIntentInput,
    CompleteIntentsInput,
    EventFields,
    ForkIntentInput,
    GraphQLClient,
    IntentEventFilter,
    IntentEventKind,
    IntentFields,
    IntentFilter,
    IntentStatus,
    ListApprovalsApprovals,
    ListIntentsIntents,
    ListWorkersWorkers,
    RecordStepInput,
    RecordStepRecordStep,
    RecordStepsInput,
    ReleaseIntentInput,
    ResolveApprovalInput,
    RetryIntentInput,
    RetryPolicyInput,
    SignalIntentInput,
    SignalIntentSignalIntent,
    StreamPageFields,
    SubmitIntentInput,
    WorkersFilter,
)
from .live import live
from .schedules import ScheduleMethods

if TYPE_CHECKING:
    from .worker import Handler, Worker

__all__ = [
    "TERMINAL",
    "Approval",
    "AxmeClient",
    "Intent",
    "IntentEvent",
    "Lease",
    "RecordedStep",
    "Signal",
    "StreamPage",
]

Intent = IntentFields
"""An intent as every operation returns it (``IntentFields`` in the operation documents)."""
IntentEvent = EventFields
Approval = ApprovalFields
Lease = ClaimIntentsClaimIntents
"""A claimed intent: ``token`` (the lease token), ``expires_at`` and ``intent`` (with ``last_wake``)."""
Signal = SignalIntentSignalIntent
StreamPage = StreamPageFields
"""Consecutive chunks of an output stream: ``chunks[k]`` has index ``from_ + k``; ``next`` is where to continue."""
RecordedStep = RecordStepRecordStep
"""A step record as ``record_step`` answers it: ``seq``, ``name``, ``attempt``, ``status``, ``duration_ms``..."""

TERMINAL = frozenset({IntentStatus.COMPLETED, IntentStatus.FAILED, IntentStatus.CANCELLED})

# what a server without recordSteps answers (graphql-js validation; the unknown type comes first)
_NO_RECORD_STEPS = re.compile(r'Unknown type "RecordStepsInput"|Cannot query field "recordSteps" on type')

M = TypeVar("M", bound=BaseModel)
C = TypeVar("C", bound="AxmeClient")


def model(cls: type[M], **fields: Any) -> M:
    """An input model from snake_case fields, leaving out the ones that are None
    (the server's defaults apply). Pass JSON nulls through ``model_validate`` yourself."""
    return cls.model_validate({k: v for k, v in fields.items() if v is not None})


class AxmeClient(ScheduleMethods):
    """The Axme API from asyncio.

    ``AxmeClient("http://localhost:4000/graphql", api_key=...)``; close it with
    ``await client.aclose()`` or use it as ``async with AxmeClient(...) as client``.
    """

    def __init__(
        self,
        url: str = "http://localhost:4000/graphql",
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        http_client: httpx.AsyncClient | None = None,
        writes_over_socket: bool = True,
    ) -> None:
        """``writes_over_socket``: while a worker of this client runs (or ``hold_writes()`` is
        entered), its step records and completions go as operations over the client's shared
        WebSocket, held open meanwhile, instead of an HTTP request each (measured on loopback, a
        step costs the server a third less CPU). Writes over 64 Ki characters, those made while
        no socket can be opened, and all writes outside a hold go over HTTP, as every request
        does with an ``http_client`` or a proxy in the environment."""
        auth = {"authorization": f"Bearer {api_key}"} if api_key else {}
        self.url = url
        self.api_key = api_key
        self.timeout = timeout
        # the generated, typed client: one method per operation in packages/client/src/operations
        self.gql = GraphQLClient(
            url=url,
            headers=auth,
            http_client=http_client,
            ws_connection_init_payload=auth or None,
            timeout=timeout,
        )
        self.gql.writes_over_socket = writes_over_socket
        # steps recorded through record_step, by every run of this client (batcher.py)
        self._step_records: Batcher[RecordStepInput, RecordedStep] = Batcher(self._send_steps, size=_json_size)
        # False once the server said it has no recordSteps (an older one): each step then goes alone
        self._steps_in_one = True

    async def __aenter__(self: C) -> C:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.gql.aclose()

    @contextlib.asynccontextmanager
    async def hold_writes(self) -> AsyncIterator[None]:
        """Within it, step records and completions go over the client's shared socket, held open
        however long idle (``writes_over_socket``); a worker holds it while it runs."""
        self.gql.hold_writes()
        try:
            yield
        finally:
            self.gql.release_writes()

    # ---- intents -------------------------------------------------------------------

    async def submit(
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
        budget: BudgetInput | dict[str, Any] | None = None,
    ) -> Intent:
        """Submits an intent of ``type`` with JSON ``input``. The same ``idempotency_key``
        and input again returns the same intent (other input: ``ConflictError``). ``budget``
        (``{"maxUsd": 0.5, "maxTokens": 100000, "onExceeded": "WAIT"}``) limits what it and its
        descendants spend; a worker's lease call past it raises ``BudgetExceededError``."""
        data = model(
            SubmitIntentInput,
            type_=type,
            input=input,
            idempotency_key=idempotency_key,
            priority=priority,
            max_attempts=max_attempts,
            parent_id=parent_id,
            labels=builtins.list(labels) if labels is not None else None,
            run_at=run_at,
            deadline=deadline,
            concurrency_key=concurrency_key,
            concurrency_limit=concurrency_limit,
            attempt_timeout_seconds=attempt_timeout_seconds,
            retry=retry,
            budget=budget,
        )
        return await self.submit_input(data)

    async def submit_input(self, data: SubmitIntentInput) -> Intent:
        """``submit`` with a ready ``SubmitIntentInput``."""
        return (await self.gql.submit_intent(data)).submit_intent

    async def execute(
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
        """Submits an intent and returns it once it is COMPLETED, FAILED or CANCELLED:
        ``submit`` and ``result`` in one. The server holds the submit's answer until the
        intent finishes, up to ``wait_seconds`` (default 25, under the 30 s many proxies allow;
        cut to its AXME_MAX_WAIT_SECONDS), so a short run costs one round trip; a longer one
        continues as ``result`` does. Without an ``idempotency_key`` it sends one of its own, so
        an answer lost on the way (a proxy's timeout, a dropped connection) is recovered by
        submitting again: the same intent, not a second one. ``timeout`` (seconds, all told)
        raises ``TimeoutError``. ``execute_input`` takes every submit option."""
        data = model(
            SubmitIntentInput,
            type_=type,
            input=input,
            idempotency_key=idempotency_key,
            max_attempts=max_attempts,
            labels=builtins.list(labels) if labels is not None else None,
            budget=budget,
        )
        return await self.execute_input(data, wait_seconds=wait_seconds, timeout=timeout)

    async def execute_input(
        self, data: SubmitIntentInput, *, wait_seconds: int = 25, timeout: float | None = None
    ) -> Intent:
        """``execute`` with a ready ``SubmitIntentInput``."""
        if data.idempotency_key is None:
            data = data.model_copy(update={"idempotency_key": f"execute:{uuid.uuid4()}"})
        if timeout is not None:
            try:
                return await asyncio.wait_for(self.execute_input(data, wait_seconds=wait_seconds), timeout)
            except asyncio.TimeoutError as err:  # not yet the builtin TimeoutError on Python 3.10
                said = f"intent of type {data.type_} (idempotency key {data.idempotency_key})"
                raise TimeoutError(f"{said} did not finish within {timeout} s") from err
        try:
            # the answer may rightly take wait_seconds: give the request that much more time
            got = (await self.gql.execute_intent(data, wait_seconds, timeout=self.timeout + wait_seconds)).submit_intent
        except NetworkError:
            # the answer was lost on the way: the same key answers the same intent (or submits it)
            got = await self.submit_input(data)
        return got if got.status in TERMINAL else await self.result(got.id)

    async def get(self, id: str) -> Intent | None:
        """The intent, or None when there is none with that id (in your namespace)."""
        return (await self.gql.get_intent(id)).intent

    async def list(
        self,
        *,
        type: Sequence[str] | None = None,
        status: Sequence[IntentStatus | str] | None = None,
        label: Sequence[str] | None = None,
        parent_id: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ListIntentsIntents:
        """A page of intents, newest first: ``.nodes``, ``.page_info``, ``.total_count``."""
        flt = model(
            IntentFilter,
            type_=builtins.list(type) if type is not None else None,
            status=builtins.list(status) if status is not None else None,
            label=builtins.list(label) if label is not None else None,
            parent_id=parent_id,
        )
        return (await self.gql.list_intents(filter_=flt, first=first, after=after)).intents

    async def events(self, intent_id: str, after: int = 0, first: int | None = None) -> builtins.list[IntentEvent]:
        """The intent's events with ``seq`` after ``after``, oldest first (a page of up to 1000)."""
        return builtins.list(
            (await self.gql.intent_events(intent_id=intent_id, after=after, first=first)).intent_events
        )

    async def steps(
        self, intent_id: str, *, with_output: bool = False, first: int | None = None
    ) -> builtins.list[Any] | None:
        """The intent's step records in the order written (every attempt's): ``name``,
        ``attempt``, ``status``, ``duration_ms``, ``output_bytes``, ``error``, and ``output``
        with ``with_output``. None when there is no such intent."""
        d = await self.gql.intent_steps(id=intent_id, first=first, with_output=with_output)
        return builtins.list(d.intent.steps) if d.intent else None

    async def cancel(self, id: str, reason: str | None = None) -> Intent:
        return (await self.gql.cancel_intent(model(CancelIntentInput, id=id, reason=reason))).cancel_intent

    async def retry(self, id: str) -> Intent:
        """Runs a FAILED or CANCELLED intent again under the same id."""
        return (await self.gql.retry_intent(model(RetryIntentInput, id=id))).retry_intent

    async def fork(
        self,
        id: str,
        *,
        from_step: str | None = None,
        from_seq: int | None = None,
        input: Any = None,
        input_patch: Any = None,
        labels: Sequence[str] | None = None,
        type: str | None = None,
        idempotency_key: str | None = None,
        budget: BudgetInput | dict[str, Any] | None = None,
    ) -> Intent:
        """Forks a run: a new PENDING intent (``forked_from_id``) whose step results
        recorded before ``from_step`` (or the record at ``from_seq``; neither: all of
        them) are copied from the original, so workers replay them without calling them
        again and run that step and the ones after it fresh. ``input`` replaces the
        original's input; ``input_patch`` is merged into it (RFC 7386: None in a patch
        object removes that member). ``budget`` is the fork's own (``{}``: none); without
        it the fork carries the limits of the original's own budget, spent from zero."""
        data = model(
            ForkIntentInput,
            id=id,
            from_step=from_step,
            from_seq=from_seq,
            input=input,
            input_patch=input_patch,
            labels=list(labels) if labels is not None else None,
            type=type,
            idempotency_key=idempotency_key,
            budget=budget,
        )
        return (await self.gql.fork_intent(data)).fork_intent

    async def forks(self, id: str) -> builtins.list[Intent] | None:
        """The intents forked from ``id``, oldest first; None when there is no such intent."""
        d = await self.gql.intent_forks(id=id)
        return builtins.list(d.intent.forks) if d.intent else None

    # ---- agents by hand: batch claims and completions -------------------------------

    async def claim_many(
        self,
        types: Sequence[str],
        *,
        limit: int = 1,
        agent: str | None = None,
        lease_seconds: int | None = None,
        wait_seconds: int | None = None,
        worker_id: str | None = None,
    ) -> builtins.list[Lease]:
        """Leases up to ``limit`` intents of ``types`` in one request (each with its own
        token); with ``wait_seconds``, long-polls for at least one. Empty when there is none."""
        data = model(
            ClaimIntentsInput,
            types=builtins.list(types),
            limit=limit,
            agent=agent,
            lease_seconds=lease_seconds,
            wait_seconds=wait_seconds,
            worker_id=worker_id,
        )
        # a long poll may rightly take wait_seconds: give the request that much more time
        timeout = self.timeout + (wait_seconds or 0)
        return builtins.list((await self.gql.claim_intents(data, timeout=timeout)).claim_intents)

    async def workers(
        self, *, status: Sequence[str] | None = None, types: Sequence[str] | None = None, first: int | None = None
    ) -> builtins.list[ListWorkersWorkers]:
        """Worker sessions of the namespace: CONNECTED first, then the most recently seen."""
        f = WorkersFilter.model_validate(
            {
                k: v
                for k, v in {"status": status and builtins.list(status), "type": types and builtins.list(types)}.items()
                if v
            }
        )
        return builtins.list((await self.gql.list_workers(filter_=f, first=first)).workers)

    async def release(self, intent_id: str, lease_token: str) -> None:
        """The lease holder hands back an intent it never started: PENDING at once, the attempt not spent."""
        await self.gql.release_intent(model(ReleaseIntentInput, id=intent_id, lease_token=lease_token))

    async def complete_many(
        self, items: Sequence[tuple[str, str, Any] | tuple[str, str, Any, dict[str, Any] | None]]
    ) -> builtins.list[Intent | AxmeClientError]:
        """Completes many leased intents, ``(id, lease_token, output)`` each, in one request;
        a fourth member, the run's last step (``name``, ``output``, ``durationMs``, ``usage``),
        is recorded with its completion. Each settles on its own: the result, in item order,
        is the completed intent or the error (its class) that refused it, so one stale lease
        does not fail the rest."""
        return [
            r.intent if r.intent is not None else _item_error(r.error, "not completed")
            for r in (await self.gql.complete_intents(_completions(items), over_socket=True)).complete_intents
        ]

    async def _complete_many_acknowledged(
        self, items: Sequence[tuple[str, str, Any, dict[str, Any] | None]]
    ) -> builtins.list[bool | AxmeClientError]:
        """complete_many for the worker runtime: each item's outcome (True, or the error that
        refused it) without the intent, whose input and output would come back to the worker
        that just sent one."""
        return [
            True if r.intent is not None else _item_error(r.error, "not completed")
            for r in (await self.gql.complete_intents_ack(_completions(items), over_socket=True)).complete_intents
        ]

    async def record_step(self, input: RecordStepInput) -> RecordedStep:
        """Records a step's result (or error) under its lease. A step recorded while this client
        has a step request in flight goes with the others that arrive meanwhile, in one
        ``recordSteps`` request when the server has it: a worker running many intents sends one
        request for the steps that finish together, and an idle one adds no delay. Raises the
        error that refused this step (``LeaseLostError``, ``BudgetExceededError``...), not another's."""
        return await self._step_records.add(input)

    async def _send_steps(self, items: builtins.list[RecordStepInput]) -> builtins.list[RecordedStep | Exception]:
        if len(items) > 1 and self._steps_in_one:
            try:
                answered = (await self.gql.record_steps(RecordStepsInput(items=items), over_socket=True)).record_steps
            except BadUserInputError as err:
                if _NO_RECORD_STEPS.search(err.message):
                    self._steps_in_one = False  # an older server: from now on, one request per step
                # else one item made the whole request invalid (an Int out of range, say):
                # each goes alone, for its own answer
            else:
                return [
                    RecordStepRecordStep.model_validate(r.step.model_dump(by_alias=True))
                    if r.step is not None
                    else _item_error(r.error, "not recorded")
                    for r in answered
                ]

        async def one(inp: RecordStepInput) -> RecordedStep | Exception:
            try:
                return (await self.gql.record_step(inp, over_socket=True)).record_step
            except Exception as err:
                return err

        return builtins.list(await asyncio.gather(*(one(inp) for inp in items)))

    # ---- waits from the outside -------------------------------------------------------

    async def signal(self, id: str, name: str, payload: Any = None) -> Signal:
        """Delivers a named signal: it wakes a ``wait_for_signal(name)``, or is kept for the next one."""
        data = SignalIntentInput.model_validate({"id": id, "name": name, "payload": payload})
        return (await self.gql.signal_intent(data)).signal_intent

    async def resolve_approval(
        self,
        approval_id: str,
        outcome: str,
        *,
        comment: str | None = None,
        data: Any = None,
        resolved_by: str | None = None,
    ) -> Approval:
        """Decides a PENDING approval (``outcome`` is one of its options, e.g. approve/reject);
        the intent resumes."""
        inp = model(
            ResolveApprovalInput,
            approval_id=approval_id,
            outcome=outcome,
            comment=comment,
            data=data,
            resolved_by=resolved_by,
        )
        return (await self.gql.resolve_approval(inp)).resolve_approval

    async def decide_escalation(
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
        """Answers an ``axme.escalation`` approval (an intent whose attempts ran out under
        ``onExhausted: ESCALATE``): ``retry`` as is (``attempts`` more, default its first round),
        ``fork`` from ``from_step`` with a new ``input`` or an ``input_patch`` (RFC 7386), or
        ``fail``. After a fork, ``approval.result["forkedTo"]`` is the new intent's id."""
        fields = {"attempts": attempts, "fromStep": from_step, "input": input, "inputPatch": input_patch}
        data = {k: v for k, v in fields.items() if v is not None}
        return await self.resolve_approval(approval_id, decision, comment=comment, data=data)

    async def approve(self, approval_id: str, **kw: Any) -> Approval:
        """``resolve_approval(approval_id, "approve", ...)``."""
        return await self.resolve_approval(approval_id, "approve", **kw)

    async def reject(self, approval_id: str, **kw: Any) -> Approval:
        """``resolve_approval(approval_id, "reject", ...)``."""
        return await self.resolve_approval(approval_id, "reject", **kw)

    async def approval(self, id: str) -> Approval | None:
        return (await self.gql.get_approval(id)).approval

    async def approvals(
        self,
        *,
        status: Sequence[ApprovalStatus | str] | None = None,
        assignee: str | None = None,
        intent_id: str | None = None,
        type: Sequence[str] | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> ListApprovalsApprovals:
        """The approval inbox, newest first, e.g. ``approvals(status=["PENDING"], assignee="alice")``."""
        flt = model(
            ApprovalFilter,
            status=builtins.list(status) if status is not None else None,
            assignee=assignee,
            intent_id=intent_id,
            type_=builtins.list(type) if type is not None else None,
        )
        return (await self.gql.list_approvals(filter_=flt, first=first, after=after)).approvals

    # ---- live -------------------------------------------------------------------------

    async def watch(
        self,
        intent_id: str | None = None,
        *,
        after: str | None = None,
        types: Sequence[str] | None = None,
        statuses: Sequence[IntentStatus | str] | None = None,
        kinds: Sequence[IntentEventKind | str] | None = None,
        parent_id: str | None = None,
        max_connect_failures: int | None = None,
    ) -> AsyncGenerator[IntentEvent, None]:
        """Events as they happen, in order, each once: reconnects by itself and resumes
        from the last event it yielded. For an intent id without ``after``, its history
        comes first; otherwise it starts after the cursor ``after`` (or now). Runs until
        you break out of the loop (or cancel the task)."""
        flt = model(
            IntentEventFilter,
            intent_id=intent_id,
            types=builtins.list(types) if types is not None else None,
            statuses=builtins.list(statuses) if statuses is not None else None,
            kinds=builtins.list(kinds) if kinds is not None else None,
            parent_id=parent_id,
        )
        cursor = after
        only_intent = intent_id is not None and not (types or statuses or kinds or parent_id)
        if cursor is None and only_intent and intent_id is not None:
            seq = 0
            while True:
                page = await self.events(intent_id, seq)
                for e in page:
                    yield e
                    cursor, seq = e.cursor, e.seq
                if len(page) < 1000:
                    break

        def resume_from(err: AxmeClientError) -> bool:
            # too slow a reader: the server says where to pick up
            nonlocal cursor
            if err.code != "RATE_LIMITED" or not isinstance(err.details.get("cursor"), str):
                return False
            cursor = err.details["cursor"]
            return True

        stream = live(
            lambda on_connected: self.gql.watch_events(filter_=flt, after=cursor, on_connected=on_connected),
            on_error=resume_from,
            max_connect_failures=max_connect_failures,
        )
        async with aclosing(stream):
            async for d in stream:
                cursor = d.intent_events.cursor
                yield d.intent_events

    async def changes(
        self, id: str, *, max_connect_failures: int | None = None, statuses: Sequence[str] | None = None
    ) -> AsyncGenerator[Intent, None]:
        """The intent now, then its latest state after each change, including live ``progress``;
        with ``statuses``, after the first only states in one of them."""
        only = [IntentStatus(s) for s in statuses] if statuses else None
        stream = live(
            lambda on_connected: self.gql.watch_intent(id, statuses=only, on_connected=on_connected),
            max_connect_failures=max_connect_failures,
        )
        async with aclosing(stream):
            async for d in stream:
                yield d.intent_changed

    async def stream(
        self, id: str, name: str, *, from_: int = 0, max_connect_failures: int | None = None
    ) -> AsyncGenerator[StreamPage, None]:
        """The chunks of an intent's output stream from index ``from_``, live: each page as
        it is appended, across reconnects (on any instance) with nothing missed or repeated,
        until the stream is closed and read to its end. ``page.next`` is where to resume."""
        start = from_

        def open_stream(on_connected: Callable[[], None]) -> Any:
            return self.gql.follow_stream(id, name, from_=start, on_connected=on_connected)

        pages = live(open_stream, max_connect_failures=max_connect_failures)
        async with aclosing(pages):
            async for d in pages:
                page = d.intent_stream
                # a resubscription after a disconnect starts from here: no gap, no duplicate
                start = page.next
                if page.chunks:
                    yield page
                if page.closed and page.next >= page.length:
                    return

    async def read_stream(self, id: str, name: str, *, from_: int = 0, limit: int | None = None) -> StreamPage:
        """A page of an intent's output stream from index ``from_`` (no subscription)."""
        return (await self.gql.read_stream(id, name, from_=from_, limit=limit)).intent_stream

    async def result(self, id: str, *, timeout: float | None = None, poll_seconds: float = 0.25) -> Intent:
        """The intent once it is COMPLETED, FAILED or CANCELLED: live through
        ``intentChanged``, or by polling when the server cannot be subscribed to.
        ``timeout`` (seconds) raises ``TimeoutError``."""
        if timeout is not None:
            try:
                return await asyncio.wait_for(self.result(id, poll_seconds=poll_seconds), timeout)
            except asyncio.TimeoutError as err:  # not yet the builtin TimeoutError on Python 3.10
                raise TimeoutError(f"intent {id} did not finish within {timeout} s") from err
        try:
            # only the first state and a finished one come: no message (and no server read) per step
            async with aclosing(self.changes(id, max_connect_failures=3, statuses=sorted(TERMINAL))) as stream:
                async for intent in stream:
                    if intent.status in TERMINAL:
                        return intent
        except NetworkError:
            pass
        while True:
            got = await self.get(id)
            if got is None:
                raise NotFoundError("NOT_FOUND", f"intent {id} not found", {"id": id})
            if got.status in TERMINAL:
                return got
            await asyncio.sleep(poll_seconds)

    # ---- workers ----------------------------------------------------------------------

    @overload
    def worker(
        self,
        handler: Handler,
        *,
        types: Sequence[str],
        concurrency: int = 1,
        lease_seconds: int = 60,
        agent: str | None = None,
        wait_seconds: int = 20,
        heartbeat_seconds: float | None = None,
        on_error: Callable[[BaseException, str | None], None] | None = None,
        identity: str | None = None,
        session_seconds: int | None = None,
        session: bool = True,
    ) -> Worker: ...

    @overload
    def worker(
        self,
        handler: None = None,
        *,
        types: Sequence[str],
        concurrency: int = 1,
        lease_seconds: int = 60,
        agent: str | None = None,
        wait_seconds: int = 20,
        heartbeat_seconds: float | None = None,
        on_error: Callable[[BaseException, str | None], None] | None = None,
        identity: str | None = None,
        session_seconds: int | None = None,
        session: bool = True,
    ) -> Callable[[Handler], Worker]: ...

    def worker(
        self,
        handler: Handler | None = None,
        *,
        types: Sequence[str],
        concurrency: int = 1,
        lease_seconds: int = 60,
        agent: str | None = None,
        wait_seconds: int = 20,
        heartbeat_seconds: float | None = None,
        on_error: Callable[[BaseException, str | None], None] | None = None,
        identity: str | None = None,
        session_seconds: int | None = None,
        session: bool = True,
    ) -> Worker | Callable[[Handler], Worker]:
        """A worker that handles intents of ``types`` with ``handler(run)``.

        ``client.worker(handle, types=[...])`` returns the ``Worker``, claiming at once
        when called inside a running event loop (else from ``start()``, ``run()`` or
        ``async with``). As a decorator, ``@client.worker(types=[...])`` turns the
        handler into its ``Worker``: ``asyncio.run(handle.run())``.

        The worker registers a session and heartbeats it; when the process dies its
        leases go back when the session ends. ``identity`` (default ``AXME_WORKER_IDENTITY``)
        names the worker across restarts: a restart with the same identity gets them back
        at once. Two workers running at once must not share one."""
        from .worker import Worker

        def make(h: Handler) -> Worker:
            w = Worker(
                self,
                h,
                types=types,
                concurrency=concurrency,
                lease_seconds=lease_seconds,
                agent=agent,
                wait_seconds=wait_seconds,
                heartbeat_seconds=heartbeat_seconds,
                on_error=on_error,
                identity=identity,
                session_seconds=session_seconds,
                session=session,
            )
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                return w
            w.start()
            return w

        return make if handler is None else make(handler)


def _completions(
    items: Sequence[tuple[str, str, Any] | tuple[str, str, Any, dict[str, Any] | None]],
) -> CompleteIntentsInput:
    """completeIntents' input for ``(id, lease_token, output[, last_step])`` items."""
    return CompleteIntentsInput(
        items=[
            CompleteIntentInput.model_validate(
                {"id": it[0], "leaseToken": it[1], "output": it[2], "lastStep": it[3] if len(it) > 3 else None}
            )
            for it in items
        ]
    )


def _item_error(error: Any, fallback: str) -> AxmeClientError:
    """The exception for a batch item's ``error`` (``code``, ``message``, ``details``): the class for its code."""
    details = error.details if error is not None and isinstance(error.details, dict) else {}
    return from_graphql_error(
        {
            "message": error.message if error is not None else fallback,
            "extensions": {**details, "code": error.code if error is not None else "INTERNAL"},
        }
    )


def _json_size(m: BaseModel) -> int:
    """A model's size as JSON, in bytes (near enough what its request carries)."""
    return len(m.model_dump_json(by_alias=True, exclude_unset=True).encode())
