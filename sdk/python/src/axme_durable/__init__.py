"""Axme for Python: a typed client and an asyncio worker runtime for durable AI-agent work.

    from axme_durable import AxmeClient, IntentRun

    axme = AxmeClient("http://localhost:4000/graphql")

    @axme.worker(types=["refund.v1"], concurrency=4, lease_seconds=60)
    async def refund(run: IntentRun) -> dict:
        draft = await run.step("draft", lambda: llm(f"Refund for {run.input['orderId']}?"))
        decision = await run.request_approval(f"Refund {run.input['amount']}?", assignees=["alice"])
        if not decision.approved:
            return {"refunded": False}
        receipt = await run.step("pay", lambda: payments.refund(run.input["orderId"]))  # never twice
        return {"refunded": True, "receipt": receipt}

    asyncio.run(refund.run())   # claims until SIGINT/SIGTERM, then drains

See sdk/python/README.md.
"""

from .client import TERMINAL, Approval, AxmeClient, Intent, IntentEvent, Lease, Signal, StreamPage
from .errors import (
    AxmeClientError,
    BadUserInputError,
    BudgetExceededError,
    ConflictError,
    ForbiddenError,
    InternalError,
    InvalidTransitionError,
    LeaseLostError,
    NetworkError,
    NonRetryableError,
    NotFoundError,
    PayloadTooLargeError,
    RateLimitedError,
    RetryAfterError,
    UnauthenticatedError,
)
from .generated import (
    ApprovalStatus,
    ApprovalTimeoutAction,
    IntentEventKind,
    IntentStatus,
    ScheduleCatchUpPolicy,
    ScheduleOverlapPolicy,
    WaitingFor,
)
from .run import IntentRun, Suspended
from .schedules import Schedule
from .streams import StreamWriter
from .sync import SyncAxmeClient
from .usage import usage_of
from .waits import ApprovalDecision, ChildError, ChildrenResult, ChildResult, SignalResult
from .worker import Handler, Worker

__version__ = "0.1.0"

__all__ = [
    "TERMINAL",
    "Approval",
    "ApprovalDecision",
    "ApprovalStatus",
    "ApprovalTimeoutAction",
    "AxmeClient",
    "AxmeClientError",
    "BadUserInputError",
    "BudgetExceededError",
    "ChildError",
    "ChildResult",
    "ChildrenResult",
    "ConflictError",
    "ForbiddenError",
    "Handler",
    "Intent",
    "IntentEvent",
    "IntentEventKind",
    "IntentRun",
    "IntentStatus",
    "InternalError",
    "InvalidTransitionError",
    "Lease",
    "LeaseLostError",
    "NetworkError",
    "NonRetryableError",
    "NotFoundError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "RetryAfterError",
    "Schedule",
    "ScheduleCatchUpPolicy",
    "ScheduleOverlapPolicy",
    "Signal",
    "SignalResult",
    "StreamPage",
    "StreamWriter",
    "Suspended",
    "SyncAxmeClient",
    "UnauthenticatedError",
    "WaitingFor",
    "Worker",
    "usage_of",
]
