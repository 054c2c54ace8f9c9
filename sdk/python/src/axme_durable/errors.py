"""Errors the client raises: one class per server error code (``extensions.code``), so callers
can ``except LeaseLostError``; and the two a worker handler raises to steer retries."""

from __future__ import annotations

from typing import Any

__all__ = [
    "AxmeClientError",
    "BadUserInputError",
    "BudgetExceededError",
    "ConflictError",
    "ForbiddenError",
    "InternalError",
    "InvalidTransitionError",
    "LeaseLostError",
    "NetworkError",
    "NonRetryableError",
    "NotFoundError",
    "PayloadTooLargeError",
    "RateLimitedError",
    "RetryAfterError",
    "UnauthenticatedError",
    "from_graphql_error",
]


class AxmeClientError(Exception):
    """An error the server answered with (``code`` is its ``extensions.code``), or ``NETWORK``."""

    code: str
    details: dict[str, Any]

    def __init__(self, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = dict(details or {})

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r}, {self.details!r})"


class BadUserInputError(AxmeClientError):
    """Malformed id, cursor or JSON, wrong types, out-of-range numbers, operations over the limits."""


class NotFoundError(AxmeClientError):
    """No such intent, approval or key in your namespace."""


class ConflictError(AxmeClientError):
    """The intent is finished (``details["status"]`` says how), a decision was already taken, or an
    idempotency key was reused with other input."""


class LeaseLostError(AxmeClientError):
    """The lease expired or a newer claim superseded it: stop working on the intent."""


class InvalidTransitionError(AxmeClientError):
    """The action is not allowed from the intent's current status."""


class PayloadTooLargeError(AxmeClientError):
    """Input, output, checkpoint, progress or error over the server's limit."""


class UnauthenticatedError(AxmeClientError):
    """No API key, or an unknown or revoked one."""


class ForbiddenError(AxmeClientError):
    """The key's role may not do this, or the approval is assigned to someone else."""


class RateLimitedError(AxmeClientError):
    """Over the key's rate (``details["retryAfterSeconds"]``), or a subscriber too slow to keep up."""


class BudgetExceededError(AxmeClientError):
    """A budget the intent's usage counts against is crossed (``details``: budget, maxUsd, maxTokens,
    spentUsd, spentTokens, onExceeded). The engine has stopped the intent (failed it, or made it
    wait for a human to raise the budget): stop working on it."""


class InternalError(AxmeClientError):
    """Anything unexpected on the server (and any code this SDK does not know)."""


class NetworkError(AxmeClientError):
    """The server could not be reached, or answered something that is not GraphQL."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__("NETWORK", message, details)


_BY_CODE: dict[str, type[AxmeClientError]] = {
    "BAD_USER_INPUT": BadUserInputError,
    "NOT_FOUND": NotFoundError,
    "CONFLICT": ConflictError,
    "LEASE_LOST": LeaseLostError,
    "INVALID_TRANSITION": InvalidTransitionError,
    "PAYLOAD_TOO_LARGE": PayloadTooLargeError,
    "UNAUTHENTICATED": UnauthenticatedError,
    "FORBIDDEN": ForbiddenError,
    "RATE_LIMITED": RateLimitedError,
    "BUDGET_EXCEEDED": BudgetExceededError,
    "INTERNAL": InternalError,
}


def from_graphql_error(error: Any) -> AxmeClientError:
    """The exception for one GraphQL error (``{"message": ..., "extensions": {"code": ...}}``)."""
    if not isinstance(error, dict):
        return InternalError("INTERNAL", str(error))
    extensions = error.get("extensions")
    details = dict(extensions) if isinstance(extensions, dict) else {}
    code = details.pop("code", None)
    message = str(error.get("message") or code or "unknown error")
    cls = _BY_CODE.get(code) if isinstance(code, str) else None
    if cls is None:
        return InternalError("INTERNAL", message, details)
    return cls(str(code), message, details)


class NonRetryableError(Exception):
    """Raised by a worker handler: fail the intent at once, without retrying.

    ``code`` and ``details`` (optional) are stored with the intent's error."""

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.details = details


class RetryAfterError(Exception):
    """Raised by a worker handler: retry no sooner than ``seconds`` from now (a rate-limited provider)."""

    def __init__(self, seconds: float, message: str | None = None, *, code: str | None = None) -> None:
        super().__init__(message or f"retry after {seconds}s")
        self.seconds = seconds
        self.code = code
