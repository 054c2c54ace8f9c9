"""Schedules from Python: ``await client.create_schedule("nightly", "report.v1", cron="0 3 * * *",
timezone="Europe/Berlin")``. Each fire submits one intent (idempotency key
``schedule:<id>:<fire time>``), however many servers run."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .generated import (
    CreateScheduleInput,
    GetScheduleSchedule,
    IntentFields,
    ListSchedulesSchedules,
    ScheduleCatchUpPolicy,
    ScheduleFields,
    ScheduleFilter,
    ScheduleIntentInput,
    ScheduleOverlapPolicy,
)

if TYPE_CHECKING:
    from .generated import GraphQLClient

Schedule = ScheduleFields
"""A schedule as the operations return it: spec, policies, ``next_fire_at``, ``last_fire_at``, counts."""


def _model(cls: type[BaseModel], **fields: Any) -> Any:
    return cls.model_validate({k: v for k, v in fields.items() if v is not None})


class ScheduleMethods:
    """The schedule calls of ``AxmeClient``."""

    gql: GraphQLClient

    async def create_schedule(
        self,
        name: str,
        type: str,
        input: Any = None,
        *,
        cron: str | None = None,
        timezone: str | None = None,
        interval_seconds: int | None = None,
        overlap: ScheduleOverlapPolicy | str | None = None,
        catch_up: ScheduleCatchUpPolicy | str | None = None,
        jitter_seconds: int | None = None,
        start_at: datetime | None = None,
        end_at: datetime | None = None,
        labels: Sequence[str] | None = None,
        priority: int | None = None,
        paused: bool | None = None,
    ) -> Schedule:
        """Submits an intent of ``type`` with ``input`` on ``cron`` (read in ``timezone``, default
        UTC) or every ``interval_seconds``. A bad cron or zone raises ``BadUserInputError``."""
        intent = _model(
            ScheduleIntentInput,
            type_=type,
            input=input,
            labels=builtins.list(labels) if labels is not None else None,
            priority=priority,
        )
        data = _model(
            CreateScheduleInput,
            name=name,
            cron=cron,
            timezone=timezone,
            interval_seconds=interval_seconds,
            intent=intent,
            overlap=overlap,
            catch_up=catch_up,
            jitter_seconds=jitter_seconds,
            start_at=start_at,
            end_at=end_at,
            paused=paused,
        )
        return (await self.gql.create_schedule(data)).create_schedule

    async def schedule(
        self, id: str | None = None, *, name: str | None = None, next: int = 5
    ) -> GetScheduleSchedule | None:
        """One schedule by id or name, with its next ``next`` fire times in ``next_fires``."""
        return (await self.gql.get_schedule(id=id, name=name, next=next)).schedule

    async def schedules(
        self, *, paused: bool | None = None, type: str | None = None, first: int | None = None, after: str | None = None
    ) -> ListSchedulesSchedules:
        """A page of schedules in name order: ``.nodes``, ``.page_info``."""
        flt = _model(ScheduleFilter, paused=paused, type_=type)
        return (await self.gql.list_schedules(filter_=flt, first=first, after=after)).schedules

    async def pause_schedule(self, id: str, reason: str | None = None) -> Schedule:
        return (await self.gql.pause_schedule(id, reason)).pause_schedule

    async def resume_schedule(self, id: str) -> Schedule:
        """Fires again from the next time after now; times missed while paused are not caught up."""
        return (await self.gql.resume_schedule(id)).resume_schedule

    async def delete_schedule(self, id: str) -> bool:
        """Whether it existed; the intents it submitted stay."""
        return (await self.gql.delete_schedule(id)).delete_schedule

    async def trigger_schedule(self, id: str) -> IntentFields:
        """Fires now, whatever the overlap policy; returns the submitted intent."""
        return (await self.gql.trigger_schedule(id)).trigger_schedule
