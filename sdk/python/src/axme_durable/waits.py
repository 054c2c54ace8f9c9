"""What a durable wait returns once the intent is claimed again: read from the wake that
ended the wait (``Intent.lastWake``) and the approval, signal or children it names.

The results are stored in the checkpoint in the same JSON shape the TypeScript SDK
writes (camelCase), so an intent begun by one SDK can be resumed by the other."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from .generated import ApprovalFields

if TYPE_CHECKING:
    from .client import AxmeClient

__all__ = ["ApprovalDecision", "ChildError", "ChildResult", "ChildrenResult", "SignalResult", "WaitKind"]

WaitKind = Literal["approval", "signal", "children", "sleep"]


class _Result(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, frozen=True)

    def to_json(self) -> Any:
        return self.model_dump(mode="json", by_alias=True)


class ApprovalDecision(_Result):
    """A human's decision on ``run.request_approval``."""

    approval_id: str
    outcome: str
    approved: bool
    """``outcome == "approve"``."""
    comment: str | None = None
    data: Any = None
    resolved_by: str | None = None
    timed_out: bool = False
    """Nobody decided in time: the approval's ``on_timeout`` REJECT applied."""
    approval: ApprovalFields | None = None


class SignalResult(_Result):
    """The signal that ended ``run.wait_for_signal`` (``timed_out`` with no payload when none came in time)."""

    timed_out: bool
    name: str
    payload: Any = None
    sent_by: str | None = None
    received_at: datetime | None = None


class ChildError(_Result):
    message: str
    code: str | None = None
    retryable: bool = False
    details: Any = None


class ChildResult(_Result):
    id: str
    type: str
    status: str
    output: Any = None
    error: ChildError | None = None


class ChildrenResult(_Result):
    """Every child of the intent once all of them are COMPLETED, FAILED or CANCELLED."""

    children: list[ChildResult]
    all_completed: bool
    """Every child COMPLETED."""


def _data(wake: Any) -> dict[str, Any]:
    data = getattr(wake, "data", None)
    return data if isinstance(data, dict) else {}


async def outcome_of(client: AxmeClient, intent_id: str, rec: dict[str, Any], wake: Any) -> Any:
    """The wait's result as JSON, or None when the wake is not one that ends this kind of wait."""
    d = _data(wake)
    kind = rec.get("kind")
    if kind == "approval":
        if d.get("wake") not in ("APPROVAL", "APPROVAL_TIMEOUT"):
            return None
        q = await client.gql.approval_outcome(intent_id)
        approvals = q.intent.approvals if q.intent is not None else []
        a = next((x for x in approvals if x.id == d.get("approvalId")), None)
        outcome = str(a.outcome if a is not None and a.outcome is not None else d.get("outcome"))
        return ApprovalDecision(
            approval_id=str(d.get("approvalId")),
            outcome=outcome,
            approved=outcome == "approve",
            comment=a.comment if a is not None else d.get("comment"),
            data=a.data if a is not None else None,
            resolved_by=a.resolved_by if a is not None else None,
            timed_out=d.get("wake") == "APPROVAL_TIMEOUT",
            approval=ApprovalFields.model_validate(a.model_dump()) if a is not None else None,
        ).to_json()
    if kind == "signal":
        name = str(rec.get("name"))
        if d.get("wake") == "TIMEOUT":
            return SignalResult(timed_out=True, name=name, payload=None).to_json()
        if d.get("wake") != "SIGNAL" or d.get("name") != name:
            return None
        # the signal that woke the wait, a page (the server's default, 100) of its name at a time
        after: str | None = None
        while True:
            sq = await client.gql.signal_outcome(intent_id, name, after=after)
            page = sq.intent.signals if sq.intent is not None else []
            s = next((x for x in page if x.id == d.get("signalId")), None)
            if s is not None:
                return SignalResult(
                    timed_out=False, name=s.name, payload=s.payload, sent_by=s.sent_by, received_at=s.received_at
                ).to_json()
            if len(page) < 100:
                return None
            after = page[-1].id
    if kind == "children":
        if d.get("wake") != "CHILDREN":
            return None
        children: list[ChildResult] = []
        cursor: str | None = None
        while True:
            cq = await client.gql.children_outcome(intent_id, after=cursor)
            if cq.intent is None:
                break
            for n in cq.intent.children.nodes:
                err = n.error
                children.append(
                    ChildResult(
                        id=n.id,
                        type=n.type_,
                        status=n.status.value,
                        output=n.output,
                        error=ChildError(
                            message=err.message, code=err.code, retryable=err.retryable, details=err.details
                        )
                        if err is not None
                        else None,
                    )
                )
            if not cq.intent.children.page_info.has_next_page:
                break
            cursor = cq.intent.children.page_info.end_cursor
        return ChildrenResult(children=children, all_completed=all(c.status == "COMPLETED" for c in children)).to_json()
    if kind == "sleep":
        return {"until": rec.get("until")} if d.get("wake") == "TIME" else None
    return None
