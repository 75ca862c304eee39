"""Exceptions raised by Switchboard.

Every exception is a subclass of :class:`Error`, so ``except switchboard.Error``
catches them all. The subclass says what went wrong; the attributes say
whether to retry and what the platform answered.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, List, Optional

__all__ = [
    "Error",
    "ValidationError",
    "UnsupportedError",
    "ConfigError",
    "AuthError",
    "PermissionDeniedError",
    "InvalidRecipientError",
    "OutsideWindowError",
    "RateLimitedError",
    "PlatformError",
    "PlatformUnavailableError",
    "NetworkError",
    "TimeoutError",
    "DuplicateError",
    "UnexpectedResponseError",
    "WebhookError",
]


class Error(Exception):
    """Base class of every Switchboard error.

    Attributes:
        message: the human-readable message (also ``str(error)``).
        kind: the error kind ("invalid_message", "rate_limited", ...).
        channel: the channel instance the error comes from, if known.
        temporary: whether sending the same message again later may succeed.
        retry_after: seconds to wait before retrying, when known.
        code: the platform error code (None for local errors).
        subcode: the platform error subcode.
        fbtrace_id: the platform trace id to quote to Meta support.
        details: the platform's further details.
        http_status: the HTTP status of the platform's answer.
        violations: for invalid messages, every broken rule as a dict with
            ``field``, ``problem`` and, depending on the problem, ``limit``,
            ``actual``, ``min``, ``reason`` or ``value``.
    """

    def __init__(
        self,
        message: str,
        *,
        kind: str = "unknown",
        channel: Optional[str] = None,
        temporary: bool = False,
        retry_after: Optional[float] = None,
        code: Optional[int] = None,
        subcode: Optional[int] = None,
        fbtrace_id: Optional[str] = None,
        details: Optional[str] = None,
        http_status: Optional[int] = None,
        violations: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.channel = channel
        self.temporary = temporary
        self.retry_after = retry_after
        self.code = code
        self.subcode = subcode
        self.fbtrace_id = fbtrace_id
        self.details = details
        self.http_status = http_status
        self.violations: List[Dict[str, Any]] = list(violations or [])

    def to_dict(self) -> Dict[str, Any]:
        """The error as a plain dict, for logging."""
        return {
            "type": type(self).__name__,
            "message": self.message,
            "kind": self.kind,
            "channel": self.channel,
            "temporary": self.temporary,
            "retry_after": self.retry_after,
            "code": self.code,
            "subcode": self.subcode,
            "fbtrace_id": self.fbtrace_id,
            "details": self.details,
            "http_status": self.http_status,
            "violations": self.violations,
        }


class ValidationError(Error, ValueError):
    """The message breaks documented rules; ``violations`` lists them all."""


class UnsupportedError(Error):
    """The channel cannot express this content or recipient kind."""


class ConfigError(Error, ValueError):
    """The channel or switchboard is misconfigured (a wrong or missing setting)."""


class AuthError(Error):
    """The access token is missing, invalid or expired (Graph code 190)."""


class PermissionDeniedError(Error):
    """The token lacks a permission, or the account is restricted."""


class InvalidRecipientError(Error):
    """The recipient does not exist, cannot be reached, or blocked the sender."""


class OutsideWindowError(Error):
    """Free-form content to a recipient outside the customer-service window."""


class RateLimitedError(Error):
    """A rate limit was hit; ``retry_after`` says how long to wait, when known."""


class PlatformError(Error):
    """The platform refused the message for a reason of its own (policy,
    template state, quality); retrying unchanged will not help."""


class PlatformUnavailableError(PlatformError):
    """The platform is temporarily unavailable or failed internally."""


class UnexpectedResponseError(PlatformError):
    """The platform answered something Switchboard could not understand."""


class NetworkError(Error, builtins.ConnectionError):
    """The request could not reach the platform."""


class TimeoutError(Error, builtins.TimeoutError):
    """The platform did not answer in time; the message may have been accepted."""


class DuplicateError(Error):
    """The message was already sent (idempotency key seen before)."""


class WebhookError(Error):
    """A webhook request was refused: missing, malformed or wrong signature,
    a refused handshake, or a body that is not the platform's payload."""
